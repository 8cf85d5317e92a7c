"""The audit key inside a portable backup, so that the audit chain of a backup restored on
another installation (whose keyring holds another audit key) is checked whole, then goes on
under that installation's key.

Respaldar writes the installation's audit key into the backup (a table of its own,
``TABLA``), whose pages are encrypted with the backup's key, derived from the recovery code
(services/respaldo/llave.py): without the code neither is read. Restaurar takes it out of the
candidate before its schema is checked (its page overwritten), checks the chain with it when
the backup is another installation's, and appends ``LLAVE_RESTAURADA``, linked with this
installation's key, from which the chain goes on checked; the carried key is kept nowhere.

Whoever has the code could put a key of their own there and a chain linked with it; so could
they on the installation that made the backup, whose audit key the same code seals
(services/recuperacion_almacen.py). A backup of before (none carried) is refused as it was."""

from __future__ import annotations

import logging
from contextlib import closing
from pathlib import Path
from typing import Final

from icsoe_desktop.domain.bitacora import LARGO_LLAVE, LLAVE_RESTAURADA, huella
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.services.audit import SYSTEM_ACTOR
from icsoe_desktop.store import cifrado, plain, sumas

log = logging.getLogger(__name__)

TABLA: Final = "respaldo_llave_bitacora"
MSG_LLAVE_RESTAURADA = (
    "la bitácora sigue con la llave de la bitácora de esta instalación (huella {propia}); las "
    "entradas anteriores se encadenaron con la de la instalación donde se hizo el respaldo "
    "«{respaldo}» (huella {traida}), con la que se comprobaron al restaurarlo"
)


def al_respaldo(respaldo: Path, llave: cifrado.Llave, origen: Path | None = None) -> bool:
    """The audit key of the data folder of ``origen`` (the store backed up) written into the
    backup ``respaldo`` when it is a portable one (``llave``: its own key, from the code);
    whether it was. A backup in the installation's key restores only where that key is, and so
    is its audit key: none is written there."""
    bitacora = plain.llave_bitacora(origen) if isinstance(llave, bytes) else None
    if bitacora is None:
        return False
    with closing(cifrado.conectar(respaldo, isolation_level=None, llave=llave)) as conn:
        conn.execute(f"CREATE TABLE {TABLA} (llave BLOB NOT NULL)")
        conn.execute(f"INSERT INTO {TABLA} (llave) VALUES (?)", (bitacora,))
    return True


def apartar(candidato: Path) -> bytes | None:
    """The audit key the restore's ``candidato`` carries (None: a backup of before, or one
    without), taken out of it: the candidate is left as the store alone, the page that held
    the key overwritten."""
    with closing(cifrado.conectar(candidato, isolation_level=None)) as conn:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLA,)
        ).fetchone():
            return None
        try:
            fila = conn.execute(f"SELECT llave FROM {TABLA} LIMIT 1").fetchone()
        except cifrado.Error:  # not the table a backup writes: no key
            fila = None
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute(f"DROP TABLE {TABLA}")
    llave = None if fila is None else fila[0]
    return llave if isinstance(llave, bytes) and len(llave) == LARGO_LLAVE else None


def continuar(
    candidato: Path, actor: str | None, respaldo: str, traida: bytes, propia: bytes
) -> None:
    """The restored chain, checked with ``traida``, goes on with this installation's key
    ``propia``: an entry naming both keys' huellas, linked with it (services/audit.py then
    takes the links before it as they were checked here)."""
    detalle = MSG_LLAVE_RESTAURADA.format(
        propia=huella(propia), respaldo=respaldo, traida=huella(traida)
    )
    with plain.write_transaction(candidato) as conn:
        sumas.register(conn)  # the sync's triggers of an empresa's audit entry
        plain.add_audit(conn, utcnow(), actor or SYSTEM_ACTOR, LLAVE_RESTAURADA, respaldo, detalle)
    log.info("Respaldo %s: la bitácora sigue con la llave de esta instalación", respaldo)


__all__ = ["MSG_LLAVE_RESTAURADA", "TABLA", "al_respaldo", "apartar", "continuar"]
