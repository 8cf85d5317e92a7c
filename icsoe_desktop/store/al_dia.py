"""Another empresa's store read as the app reads its own (the deadline board, services/
plazos.py; the clients' evidence board): first brought to this version's schema by the upgrade
its opening runs (``db.upgrade``), then read through a session of its own, without opening it
as the app's empresa. Readers see one schema, whatever release last wrote the file.

The upgrade is one transaction: one that fails leaves the file as it was (no data lost), and
says why in Spanish (``StoreError``) for the board to show beside that empresa.

Why the upgrade and not a summary each store writes for the boards: a store of an older
release would need this upgrade to get one anyway, and what the boards show depends on the day
and on the evidence archive beside the file, which no commit could keep true
(docs/diseno/plazos.md)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from icsoe_desktop.store import db
from icsoe_desktop.store.plain import StoreError

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)

MSG_NO_SE_ACTUALIZO = (
    "No se pudo leer la base de datos «{nombre}»: el archivo está dañado o no se pudo poner al "
    "día con esta versión de icsoe-desktop; no se cambió nada en él. Abre esa empresa para ver "
    "el detalle, o pide ayuda a soporte."
)


@contextmanager
def leer(path: Path) -> Iterator[Session]:
    """A session on the store file ``path`` at this version's schema (its key: the data
    folder's, as every connection of the app, store/cifrado.py). What the file or its upgrade
    refuses is a ``StoreError``; the file is never created here."""
    if not path.is_file():
        raise _no_actualizada(path)
    engine = db.make_engine(path)
    try:
        try:
            db.upgrade(engine)
        except DBAPIError as exc:
            raise _no_actualizada(path) from exc
        with Session(engine) as session:
            yield session
    finally:
        db.close_engine(engine)


def _no_actualizada(path: Path) -> StoreError:
    log.warning("No se pudo leer ni poner al día %s", path, exc_info=True)
    return StoreError("base_datos_no_actualizada", MSG_NO_SE_ACTUALIZO.format(nombre=path.name))


__all__ = ["MSG_NO_SE_ACTUALIZO", "leer"]
