"""The append-only audit log of admin actions, and the check of its chain.

Each entry is linked to the one before it (domain/bitacora.py; the store's trigger writes the
link in ``audit_cadena``), keyed by the installation's key (services/llave_bitacora.py).
``verificar_bitacora`` walks a store's entries and names the first one where the chain breaks:
an entry edited, one removed, one added by hand (also with a link computed without the key).
The installation's catalog keeps each empresa's last link seen (``Cabeza``), so a store that
does not reach it (an older copy, a cut log) or holds another entry there (a rewritten chain)
is recognised too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.bitacora import (
    LLAVE_NUEVA,
    LLAVE_RESTAURADA,
    con_llave,
    eslabon,
    huella,
)
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import AuditEntry, AuditEslabon

if TYPE_CHECKING:
    import sqlite3

SYSTEM_ACTOR = "sin sesión"


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


class AuditService:
    def __init__(
        self, store: Store, clock: Clock = utcnow, catalogo: AuditService | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        # The installation's log: where ``anotar`` writes while this store is read-only.
        self._catalogo = catalogo

    def record(
        self, session: Session, actor: str | None, action: str, target: str = "", detail: str = ""
    ) -> None:
        """Add an entry inside the caller's unit of work: the action and its trace commit together.

        ``detail`` must never carry a secret (password, code, key).
        """
        session.add(
            AuditEntry(
                at=self._clock(),
                actor=actor or SYSTEM_ACTOR,
                action=action,
                target=target,
                detail=detail,
            )
        )

    def anotar(self, actor: str | None, action: str, target: str = "", detail: str = "") -> None:
        """An entry in its own unit of work, for what reads only (an export): in the catalog's
        log, naming the store, while this store is read-only (its audit log was altered)."""
        if self._store.solo_lectura and self._catalogo is not None:
            self._catalogo.anotar(actor, action, f"{self._store.path.name}: {target}", detail)
            return
        with self._store.session() as session:
            self.record(session, actor, action, target, detail)

    def recent(self, limit: int = 200) -> list[AuditRecord]:
        with self._store.session() as session:
            rows = session.scalars(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            ).all()
            return [AuditRecord(r.at, r.actor, r.action, r.target, r.detail) for r in rows]

    def cabeza(self) -> Cabeza | None:
        """The chain's last link in this store (None: no entry yet)."""
        with self._store.session() as session:
            row = session.execute(
                select(AuditEslabon.audit_id, AuditEslabon.hash)
                .order_by(AuditEslabon.audit_id.desc())
                .limit(1)
            ).first()
        return None if row is None else Cabeza(row[0], row[1])


@dataclass(frozen=True)
class Cabeza:
    """The last link of a store's chain: which entry, and its hash."""

    id: int
    hash: str


@dataclass(frozen=True)
class Integridad:
    entradas: int
    cabeza: Cabeza | None
    problema: str = ""  # where the chain breaks, in Spanish; "" when it is whole
    # The store ends before the last link the catalog saw (an older copy, or a cut log).
    anterior: bool = False
    # What is wrong outside the store (a keyring copy that cannot be read): said, not blamed
    # on the store.
    aviso: str = ""
    # The entry from which the chain is linked with a new key (the one before lost): the
    # keyed links before it could not be checked.
    llave_nueva_desde: int | None = None
    # The first keyed link is not this key's: linked with another installation's audit key
    # (a backup of another PC or user) or altered there; nothing tells the two apart.
    otra_llave: bool = False
    # That entry is a restore's (``LLAVE_RESTAURADA``): the links before it were checked, at
    # the restore, with the key of the installation that made the backup.
    llave_restaurada: bool = False

    @property
    def integra(self) -> bool:
        return not self.problema

    def texto(self) -> str:
        """For the self-check's line: «bitácora íntegra» or where it breaks."""
        texto = (
            f"bitácora íntegra ({plural(self.entradas, 'entrada')})"
            if self.integra
            else self.problema
        )
        if self.integra and self.llave_restaurada:
            texto += (
                f"; las entradas anteriores a la {self.llave_nueva_desde} se encadenaron con la "
                "llave de la bitácora de la instalación donde se hizo el respaldo restaurado, y "
                "se comprobaron con ella al restaurarlo"
            )
        elif self.integra and self.llave_nueva_desde is not None:
            texto += (
                f"; las entradas anteriores a la {self.llave_nueva_desde} se encadenaron con una "
                "llave que se perdió y no se pudieron comprobar"
            )
        return f"{texto}; {self.aviso}" if self.aviso else texto


def _entrada(row: tuple[Any, ...]) -> str:
    at = str(row[2] or "")[:16]
    return f"la entrada {row[0]} ({at}, {row[4]})"


def verificar_bitacora(
    path: Path,
    registrada: Cabeza | Iterable[Cabeza] | None = None,
    *,
    llave_archivo: cifrado.Llave = cifrado.INSTALACION,
    llave_bitacora: bytes | None = None,
) -> Integridad:
    """Walk the chain of the store at ``path`` (read only, opened with ``llave_archivo``: a backup's
    own) with the installation's audit key (``llave_bitacora``: another installation's, carried
    by its backup); ``registrada``: the last link (or links: the catalog's, the keyring's) the
    installation saw of it, which the store must hold as it was.
    A store of before the chain (no ``audit_cadena``) has nothing to check: its migration
    chains it as it is."""
    llave, sin_llave = llave_bitacora, ""
    if llave is None:
        try:
            llave = plain.llave_bitacora(path)
        except DomainError as exc:  # the key is not in the keyring: nothing keyed can be checked
            sin_llave = exc.message
    if registrada is None:
        registradas: tuple[Cabeza, ...] = ()
    elif isinstance(registrada, Cabeza):
        registradas = (registrada,)
    else:
        registradas = tuple(registrada)
    conn = cifrado.conectar(f"file:{path}?mode=ro", uri=True, llave=llave_archivo)
    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_cadena'"
        ).fetchone():
            return Integridad(0, None)
        return _verificar(conn, registradas, llave, sin_llave)
    finally:
        conn.close()


def _verificar(
    conn: sqlite3.Connection,
    registradas: tuple[Cabeza, ...],
    llave: bytes | None,
    sin_llave: str,
) -> Integridad:
    # A link without its entry: the entry was removed (its link left behind).
    huerfano = conn.execute(
        "SELECT min(audit_id) FROM audit_cadena WHERE audit_id NOT IN (SELECT id FROM audit_log)"
    ).fetchone()[0]
    if huerfano is not None:
        return Integridad(0, None, f"la bitácora se rompe: falta la entrada {huerfano} (se borró)")
    rows = conn.execute(
        "SELECT a.id, a.uuid, a.at, a.actor, a.action, a.target, a.detail, c.hash "
        "FROM audit_log AS a LEFT JOIN audit_cadena AS c ON c.audit_id = a.id ORDER BY a.id"
    )
    esperadas = {cabeza.id: cabeza.hash for cabeza in registradas}
    frontera, restaurada = (None, False) if llave is None else _llave_nueva_desde(conn, llave)
    previo: str | None = None
    entradas = 0
    ultima: Cabeza | None = None
    con_llave_desde: int | None = None  # the first keyed link: from it on, every one is
    for row in rows:
        entradas += 1
        if row[7] is None:
            return Integridad(
                entradas,
                ultima,
                f"la bitácora se rompe en {_entrada(row)}: no está encadenada (se agregó por "
                "fuera de la aplicación)",
            )
        if con_llave(row[7]):
            if llave is None:
                return Integridad(
                    entradas,
                    ultima,
                    f"no se pudo comprobar la bitácora desde {_entrada(row)}, encadenada con la "
                    "llave de la bitácora de esta instalación: "
                    + (sin_llave or "no hay llavero del sistema donde leerla"),
                )
            con_llave_desde = con_llave_desde or row[0]
            if frontera is not None and row[0] < frontera:
                esperado = row[7]  # linked with the key lost since: taken as it is
            else:
                esperado = eslabon(previo, *row[1:7], llave=llave)
        elif con_llave_desde is not None:
            return Integridad(
                entradas,
                ultima,
                f"la bitácora se rompe en {_entrada(row)}: no está encadenada con la llave de "
                f"esta instalación, como las entradas desde la {con_llave_desde} (se agregó o se "
                "reescribió por fuera de la aplicación)",
            )
        else:
            esperado = eslabon(previo, *row[1:7])  # a chain made before the key
        if row[7] != esperado:
            return Integridad(
                entradas,
                ultima,
                f"la bitácora se rompe en {_entrada(row)}: se modificó, o se borró una entrada "
                "antes de ella",
                otra_llave=row[0] == con_llave_desde,
            )
        if esperadas.get(row[0], row[7]) != row[7]:
            return Integridad(
                entradas,
                ultima,
                f"la bitácora se rompe en {_entrada(row)}: no es la que registró el catálogo de "
                "esta instalación (la bitácora se reescribió)",
            )
        esperadas.pop(row[0], None)
        previo = row[7]
        ultima = Cabeza(row[0], row[7])
    if esperadas:
        # A registered link the walk never met: the store ends before it, or it was removed
        # with its link and the chain went on from the entry before (new entries after it).
        registrada = max(esperadas)
        if ultima is None or ultima.id < registrada:
            hasta = f"la entrada {ultima.id}" if ultima else "ninguna entrada"
            return Integridad(
                entradas,
                ultima,
                f"la bitácora llega hasta {hasta} y el catálogo de esta instalación registró "
                f"hasta la {registrada}: es una copia anterior o se le quitaron entradas",
                anterior=True,
            )
        return Integridad(
            entradas,
            ultima,
            f"la bitácora no tiene la entrada {min(esperadas)}, que registró el catálogo de "
            "esta instalación: se le quitaron entradas y se encadenaron otras después",
        )
    return Integridad(entradas, ultima, llave_nueva_desde=frontera, llave_restaurada=restaurada)


def _llave_nueva_desde(conn: sqlite3.Connection, llave: bytes) -> tuple[int | None, bool]:
    """The last entry that says the chain goes on with this key, the one before lost
    (``LLAVE_NUEVA``) or another installation's (``LLAVE_RESTAURADA``), naming this key's
    huella, when its own link is this key's: only whoever holds the key can have written it
    there. Whether it is a restore's."""
    rows = conn.execute(
        "SELECT a.id, a.uuid, a.at, a.actor, a.action, a.target, a.detail, c.hash, "
        "(SELECT p.hash FROM audit_cadena AS p WHERE p.audit_id < a.id "
        "ORDER BY p.audit_id DESC LIMIT 1) "
        "FROM audit_log AS a JOIN audit_cadena AS c ON c.audit_id = a.id "
        "WHERE a.action IN (?, ?) ORDER BY a.id DESC",
        (LLAVE_NUEVA, LLAVE_RESTAURADA),
    ).fetchall()
    propia = huella(llave)
    for row in rows:
        if propia in (row[6] or "") and row[7] == eslabon(row[8], *row[1:7], llave=llave):
            return int(row[0]), row[4] == LLAVE_RESTAURADA
    return None, False


__all__ = [
    "SYSTEM_ACTOR",
    "AuditRecord",
    "AuditService",
    "Cabeza",
    "Integridad",
    "verificar_bitacora",
]
