"""The desktop schemas the server takes: a company's schema is the newest any of its desktops
announced (``X-Icsoe-Esquema``), and every older desktop is told to update while it is behind.
So one desktop must not be able to announce what does not exist.

Known revisions: the app's own migrations, the file names of the desktop's Alembic folder that
ships in the same package (the head is the highest-numbered, as on the desktop). A revision
past the head is a desktop of a newer app than the server: taken only from a desktop speaking
the server's newest protocol and at most ``MAX_ADELANTO`` migrations ahead. Any other is
refused with a message the desktop shows.

Columns: at the head the server knows each table's columns (``columnas.py``); a desktop at the
head sends none other. Older desktops may still send a column a later migration dropped, newer
ones the columns their migrations added: at most ``MAX_EXTRA_COLUMNAS`` a row, of at most
``MAX_EXTRA_BYTES``, since every stored row is sent to every desktop of the company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain.sync_wire import PROTOCOL, SCHEMA_HEADER
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.sync_server.columnas import COLUMNAS
from icsoe_desktop.sync_server.models import Empresa
from icsoe_desktop.sync_server.protocol import ProtocolError, PushRow, invalid

VERSIONS_DIR = Path(__file__).resolve().parent.parent / "store" / "migrations" / "versions"
REVISIONES: frozenset[str] = frozenset(
    p.stem for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")
)
HEAD = max(REVISIONES)
# An app release adds a few migrations; a desktop this many ahead of the server is not one.
MAX_ADELANTO = 20
MAX_EXTRA_COLUMNAS = 16
MAX_EXTRA_BYTES = 16 * 1024

_ESPERAN = "Los cambios de este equipo esperan; no se pierde nada."


def es_nueva(esquema: str) -> bool:
    """Whether ``esquema`` is a revision past the server's head (a newer app)."""
    return esquema[:4] > HEAD[:4]


def revisar(esquema: str | None, protocolo: int) -> None:
    """Refuse a schema revision this server neither knows nor takes as a newer app's."""
    if esquema is None or esquema in REVISIONES:
        return
    if (
        es_nueva(esquema)
        and protocolo == PROTOCOL
        and int(esquema[:4]) - int(HEAD[:4]) <= (MAX_ADELANTO)
    ):
        return
    if es_nueva(esquema):
        mensaje = (
            f"El servidor de sincronización no acepta el esquema «{esquema}» que anuncia este "
            f"equipo: está demasiado adelante del suyo ({HEAD}) o llega sin el protocolo "
            f"{PROTOCOL}. Pide al administrador que actualice el servidor. {_ESPERAN}"
        )
    else:
        mensaje = (
            f"El servidor de sincronización no conoce el esquema «{esquema}» que anuncia este "
            f"equipo: no es de ninguna versión de icsoe-desktop. Reinstala icsoe-desktop. "
            f"{_ESPERAN}"
        )
    raise invalid(
        mensaje,
        f"{SCHEMA_HEADER}: {esquema!r} is not a schema revision this server accepts.",
        "esquema_desconocido",
    )


def revisar_renglones(rows: Sequence[PushRow], esquema: str | None) -> None:
    """Refuse a push whose rows carry columns the server does not know beyond what the
    desktop's schema explains (module docstring)."""
    en_la_cabeza = esquema == HEAD
    revisadas: set[tuple[str, tuple[str, ...]]] = set()
    for numero, row in enumerate(rows):
        claves = (row.table, tuple(row.data))
        if claves in revisadas:
            continue
        extra = [k for k in row.data if k not in COLUMNAS.get(row.table, ())]
        if not extra:
            revisadas.add(claves)
            continue
        donde = f"rows[{numero}] ({row.table})"
        nombres = ", ".join(extra[:5]) + ("…" if len(extra) > 5 else "")
        if en_la_cabeza:
            raise _columnas(
                f"{donde} trae {len(extra)} columna(s) que el esquema {HEAD} no tiene: {nombres}.",
                f"{donde}: {len(extra)} column(s) the schema {HEAD} does not have.",
            )
        if len(extra) > MAX_EXTRA_COLUMNAS:
            raise _columnas(
                f"{donde} trae {plural(len(extra), 'columna')} que el servidor no conoce ({nombres}); se "
                f"admiten hasta {MAX_EXTRA_COLUMNAS}.",
                f"{donde}: {len(extra)} unknown columns; at most {MAX_EXTRA_COLUMNAS}.",
            )
        tamano = len(orjson.dumps({k: row.data[k] for k in extra}))
        if tamano > MAX_EXTRA_BYTES:
            raise _columnas(
                f"{donde} trae {tamano:,} bytes en columnas que el servidor no conoce "
                f"({nombres}); se admiten hasta {MAX_EXTRA_BYTES:,}.",
                f"{donde}: {tamano} bytes of unknown columns; at most {MAX_EXTRA_BYTES}.",
            )


def _columnas(mensaje: str, message: str) -> ProtocolError:
    return invalid(
        f"{mensaje} Actualiza el servidor de sincronización o icsoe-desktop. {_ESPERAN}",
        message,
        "columnas_desconocidas",
    )


# --- the admin's command (``python -m icsoe_desktop.sync_server esquema …``) ----------------


@dataclass(frozen=True)
class EsquemaEmpresa:
    rfc: str
    esquema: str | None

    @property
    def situacion(self) -> str:
        if self.esquema is None:
            return "sin esquema"
        if self.esquema in REVISIONES:
            return "conocido"
        if es_nueva(self.esquema):
            return f"más reciente que el del servidor ({HEAD})"
        return "desconocido"


def listar(engine: Engine, rfc: str | None = None) -> list[EsquemaEmpresa]:
    """Each company's schema (one company's with ``rfc``)."""
    query = select(Empresa.rfc, Empresa.esquema).order_by(Empresa.rfc)
    if rfc is not None:
        query = query.where(Empresa.rfc == rfc.strip().upper())
    with Session(engine) as session:
        return [EsquemaEmpresa(*found) for found in session.execute(query).all()]


def restablecer(engine: Engine, rfc: str) -> EsquemaEmpresa | None:
    """Forget the company's schema: the next desktop that syncs sets it again. The company
    as it was (None: no such company)."""
    antes = listar(engine, rfc)
    if not antes:
        return None
    with engine.begin() as connection:
        connection.execute(update(Empresa).where(Empresa.rfc == antes[0].rfc).values(esquema=None))
    return antes[0]
