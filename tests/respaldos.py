"""A backup opened as someone outside the app who holds the recovery code would open it (a
test that edits one): its own key, derived from the code the keyring keeps
(services/respaldo/llave.py); any other file with the installation's key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from icsoe_desktop.services import recuperacion_almacen
from icsoe_desktop.services.respaldo import llave as llave_respaldo
from icsoe_desktop.store import cifrado

if TYPE_CHECKING:
    import sqlite3


def llave(path: str | Path) -> cifrado.Llave:
    """The key ``path`` opens with: a portable backup's, or the installation's."""
    if not llave_respaldo.es_portable(Path(path)):
        return cifrado.INSTALACION
    codigo = recuperacion_almacen.codigo_guardado()
    assert codigo is not None, "sin código de recuperación en el llavero"
    propia = llave_respaldo.de_archivo(Path(path), codigo)
    assert propia is not None, f"el código del llavero no abre {path}"
    return propia


def abrir(path: str | Path, **opciones: Any) -> sqlite3.Connection:
    """``cifrado.conectar(path, …)`` with the key of ``path``."""
    return cifrado.conectar(path, llave=llave(path), **opciones)


def en_llave_de_la_instalacion(path: Path) -> Path:
    """The portable backup ``path`` made again in the installation's key, as an earlier version
    of the app wrote its backups (for tools that open it with that key: an Alembic downgrade)."""
    from icsoe_desktop.store import cifrar

    copia = path.with_name(path.name + ".instalacion")
    cifrar.exportar(path, copia, cifrado.llave_instalacion(), llave_origen=llave(path))
    copia.replace(path)
    return path
