"""The installation's store key: what encrypts every store of the data folder (store/cifrado.py),
kept in the OS keyring (``almacen``/``llave``: the Windows user's Credential Manager) as the
other secrets, never in a file.

Made the first time an installation opens its catalog, read once per process. A key that was
used (the catalog is encrypted) and is no longer in the keyring is never made anew: the stores
would not open with another. The opening stops with :data:`MSG_FALTA`. Without an OS keyring
nothing secret can be kept: the stores stay in clear and the log says so (the administration
guide, «Cifrado de las bases de datos»).
"""

from __future__ import annotations

import logging
from pathlib import Path

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.paths import CATALOGO_FILE
from icsoe_desktop.services import recuperacion_almacen
from icsoe_desktop.services.llave_llavero import LlaveDeLlavero
from icsoe_desktop.services.secrets import ALMACEN, SecretsService
from icsoe_desktop.store import cifrado

log = logging.getLogger(__name__)

KEYRING_SCOPE = recuperacion_almacen.KEYRING_SCOPE
CUENTA = recuperacion_almacen.CUENTA_LLAVE
MSG_FALTA = (
    "No está en el llavero del sistema ({almacen}) la llave con la que se cifraron las bases "
    "de datos de esta instalación: sin ella no se pueden abrir, así que no se abrió nada. Pasa "
    "cuando se restableció el perfil de Windows o se copió la carpeta de datos a otro equipo o "
    "usuario: restaura la credencial «icsoe-desktop/almacen» (usuario «llave») desde el "
    "respaldo del Administrador de credenciales del equipo o usuario anterior, o usa el código "
    "de recuperación del administrador (guía de administración, «Cifrado de las bases de datos»)."
)
MSG_ILEGIBLE = (
    "No se pudo leer la llave de las bases de datos en el llavero del sistema ({almacen}): la "
    "credencial «icsoe-desktop/almacen» (usuario «llave») no trae una llave de icsoe-desktop "
    "(se cambió por fuera de la aplicación). No se abrió nada: restáurala desde el respaldo del "
    "Administrador de credenciales o usa el código de recuperación del administrador."
)


class LlaveAlmacenFaltante(DomainError):
    """The key the installation's stores were encrypted with is not in the keyring."""


def cifrada(path: Path) -> bool:
    """Whether ``path`` is a store already encrypted (a file with content and no plain header)."""
    try:
        return path.stat().st_size > 0 and not cifrado.es_plano(path)
    except OSError:
        return False


class LlaveAlmacen(LlaveDeLlavero):
    """The provider store/cifrado.py keys with (``cifrado.usar_llave``)."""

    scope = KEYRING_SCOPE
    cuenta = CUENTA
    largo = cifrado.LARGO_LLAVE
    que = "la llave de las bases de datos"
    sin_llavero = "las bases de datos quedan sin cifrar"

    def __init__(self, secrets: SecretsService, data_dir: Path) -> None:
        super().__init__(secrets)
        self._data_dir = data_dir
        self._catalogo = data_dir / CATALOGO_FILE

    def _cargar(self) -> bytes | None:
        llave = super()._cargar()
        if llave is not None:  # its recovery code made with it, or when it has none yet
            recuperacion_almacen.asegurar(self._data_dir, llave, self._secrets)
        return llave

    def usada(self) -> bool:
        return cifrada(self._catalogo)

    def ilegible(self) -> DomainError:
        return LlaveAlmacenFaltante("llave_almacen_ilegible", MSG_ILEGIBLE.format(almacen=ALMACEN))

    def faltante(self) -> DomainError:
        return LlaveAlmacenFaltante("sin_llave_almacen", MSG_FALTA.format(almacen=ALMACEN))


def usar(data_dir: Path, secrets: SecretsService | None = None) -> LlaveAlmacen:
    """This process opens the stores with the key of ``data_dir``'s installation from now on."""
    proveedor = LlaveAlmacen(secrets or SecretsService(), data_dir)
    cifrado.usar_llave(proveedor)
    return proveedor


__all__ = [
    "CUENTA",
    "KEYRING_SCOPE",
    "MSG_FALTA",
    "MSG_ILEGIBLE",
    "LlaveAlmacen",
    "LlaveAlmacenFaltante",
    "cifrada",
    "usar",
]
