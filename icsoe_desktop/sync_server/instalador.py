"""The installer IT publishes for the company's desktops: kept in the server's database in
pieces (``TROZO`` bytes each), written and read one piece at a time — a 100 MB installer is
never held in memory, and every server process (or machine) of the database serves it.

Only the newest publication is kept: publishing replaces what was published (a desktop
installs it only when it is newer than its own version). The announcement (version, SHA-256,
size) is what a desktop checks the downloaded file against."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import Engine, delete, func, insert, select, update

from icsoe_desktop.domain import versiones
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.sync_server.models import Instalador, InstaladorTrozo

TROZO = 1024 * 1024
MAX_BYTES = 1024 * 1024 * 1024  # far above any installer (the app's is under 100 MB)
# What every Windows executable starts with (its DOS header).
_EJECUTABLE = b"MZ"


@dataclass(frozen=True)
class Publicado:
    id: int
    version: str
    sha256: str
    tamano: int
    nombre: str
    publicado_el: datetime

    def anuncio(self) -> dict[str, object]:
        """What ``GET /v1/instalador`` answers."""
        return {
            "version": self.version,
            "sha256": self.sha256,
            "tamano": self.tamano,
            "nombre": self.nombre,
            "publicado_el": self.publicado_el.isoformat(),
        }


def _no_es_instalador(nombre: str) -> ValidationError:
    return ValidationError(
        "instalador_invalido",
        f"«{nombre}» no es un instalador de Windows (icsoe-desktop-X.Y.Z-instalador.exe).",
        "archivo",
    )


def publicar(engine: Engine, archivo: BinaryIO, version: str, nombre: str) -> Publicado:
    """Store the installer read from ``archivo`` (piece by piece) as the one the desktops
    are offered, and forget the one before. Its SHA-256 is computed here, from the bytes
    stored. Bad input is a Spanish ValidationError and leaves the published one as it was."""
    version = versiones.revisar(version)
    nombre = " ".join(nombre.split())[:200] or f"icsoe-desktop-{version}-instalador.exe"
    digest = hashlib.sha256()
    tamano = 0
    with engine.begin() as conn:
        nuevo = conn.execute(
            insert(Instalador)
            .values(
                version=version,
                sha256="",
                tamano=0,
                nombre=nombre,
                completo=False,
                publicado_el=utcnow(),
            )
            .returning(Instalador.id)
        ).scalar_one()
        n = 0
        while trozo := archivo.read(TROZO):
            if n == 0 and not trozo.startswith(_EJECUTABLE):
                raise _no_es_instalador(nombre)
            tamano += len(trozo)
            if tamano > MAX_BYTES:
                raise ValidationError(
                    "instalador_muy_grande",
                    f"El instalador pasa de {MAX_BYTES // 2**20} MiB: no parece el de "
                    "icsoe-desktop.",
                    "archivo",
                )
            digest.update(trozo)
            conn.execute(insert(InstaladorTrozo).values(instalador_id=nuevo, n=n, datos=trozo))
            n += 1
        if tamano == 0:
            raise _no_es_instalador(nombre)
        sha256 = digest.hexdigest()
        conn.execute(
            update(Instalador)
            .where(Instalador.id == nuevo)
            .values(sha256=sha256, tamano=tamano, completo=True)
        )
        # The one before goes, pieces first (SQLite does not cascade without its pragma).
        viejos = select(Instalador.id).where(Instalador.id != nuevo).scalar_subquery()
        conn.execute(delete(InstaladorTrozo).where(InstaladorTrozo.instalador_id.in_(viejos)))
        conn.execute(delete(Instalador).where(Instalador.id != nuevo))
    publicado = vigente(engine)
    assert publicado is not None
    return publicado


def trae_firma(archivo: BinaryIO) -> bool:
    """Whether the Windows program in ``archivo`` carries an Authenticode signature (its PE
    header's certificate table is not empty). Who signed it is the desktops' check
    (services/sync/autenticode.py, against the publisher each installation pins): the server
    only warns IT that an unsigned installer will be refused by every desktop."""
    try:
        archivo.seek(0x3C)
        (pe,) = struct.unpack("<I", archivo.read(4))
        archivo.seek(pe)
        if archivo.read(4) != b"PE\0\0":
            return False
        archivo.seek(pe + 24)
        (magia,) = struct.unpack("<H", archivo.read(2))
        # The data directories follow the optional header's fields: 96 bytes in PE32, 112
        # in PE32+; the certificate table is the fifth (8 bytes each).
        inicio = pe + 24 + {0x10B: 96, 0x20B: 112}[magia] + 4 * 8
        archivo.seek(inicio)
        direccion, tamano = struct.unpack("<II", archivo.read(8))
    except (struct.error, KeyError, OSError, ValueError):
        return False
    finally:
        archivo.seek(0)
    return bool(direccion != 0 and tamano != 0)


def vigente(engine: Engine) -> Publicado | None:
    """The installer the desktops are offered, if IT published one."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                Instalador.id,
                Instalador.version,
                Instalador.sha256,
                Instalador.tamano,
                Instalador.nombre,
                Instalador.publicado_el,
            )
            .where(Instalador.completo.is_(True))
            .order_by(Instalador.id.desc())
            .limit(1)
        ).first()
    return Publicado(*row) if row else None


def trozos(engine: Engine, instalador_id: int, desde: int = 0) -> Iterator[bytes]:
    """The file's bytes from byte ``desde`` on (a download resumed), one piece per short read
    (no transaction held across the download)."""
    n, saltar = _trozo_de(engine, instalador_id, desde)
    while True:
        with engine.connect() as conn:
            datos = conn.scalar(
                select(InstaladorTrozo.datos).where(
                    InstaladorTrozo.instalador_id == instalador_id, InstaladorTrozo.n == n
                )
            )
        if datos is None:
            return
        yield bytes(datos[saltar:])
        saltar = 0
        n += 1


def _trozo_de(engine: Engine, instalador_id: int, desde: int) -> tuple[int, int]:
    """The piece holding byte ``desde`` and where in it that byte is (pieces are read by
    their stored lengths: no size is assumed)."""
    if desde <= 0:
        return 0, 0
    with engine.connect() as conn:
        largos = conn.execute(
            select(InstaladorTrozo.n, func.length(InstaladorTrozo.datos))
            .where(InstaladorTrozo.instalador_id == instalador_id)
            .order_by(InstaladorTrozo.n)
        ).all()
    inicio = 0
    for n, largo in largos:
        if desde < inicio + largo:
            return n, desde - inicio
        inicio += largo
    return len(largos), 0
