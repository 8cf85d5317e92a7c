"""A data folder's store key: what encrypts every store of the folder (store/cifrado.py), kept
in the OS keyring (``almacen``/``llave:<id>``: the Windows user's Credential Manager, under the
folder's own id, services/carpeta_datos.py) as the other secrets, never in a file.

Made the first time a folder opens its catalog, read once per process, and proven to open the
folder's stores before anything uses it or seals it beside them: a key of another folder is
said as such (:data:`MSG_OTRA`), never taken for a damaged file, and never resealed over this
folder's recovery. A key that was used (the catalog is encrypted) and is not in the keyring is
never made anew: the stores would not open with another. The one-key-per-user slot of earlier
releases (``almacen``/``llave``) is adopted only when it opens this folder; otherwise the
opening stops with :data:`MSG_FALTA` or :data:`MSG_OTRA`, and the folder's recovery code opens
it. Without an OS keyring nothing secret can be kept: the stores stay in clear and the log says
so (the administration guide, «Cifrado de las bases de datos»).
"""

from __future__ import annotations

import logging
from pathlib import Path

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.paths import CATALOGO_FILE
from icsoe_desktop.services import carpeta_datos, recuperacion_almacen
from icsoe_desktop.services.llave_llavero import LlaveDeLlavero
from icsoe_desktop.services.secrets import ALMACEN, SecretsService
from icsoe_desktop.store import cifrado

log = logging.getLogger(__name__)

KEYRING_SCOPE = recuperacion_almacen.KEYRING_SCOPE
CUENTA = recuperacion_almacen.CUENTA_LLAVE  # the folder's is «llave:<id>»; alone: earlier releases
MSG_FALTA = (
    "No está en el llavero del sistema ({almacen}) la llave con la que se cifraron las bases "
    "de datos de la carpeta «{carpeta}»: sin ella no se pueden abrir, así que no se abrió nada. "
    "Pasa cuando se restableció el perfil de Windows o se copió la carpeta de datos a otro "
    "equipo o usuario: escribe el código de recuperación de esta carpeta (el que su "
    "administrador imprimió), o restaura las credenciales «icsoe-desktop/almacen» desde el "
    "respaldo del Administrador de credenciales del equipo o usuario anterior (guía de "
    "administración, «Cifrado de las bases de datos»)."
)
MSG_OTRA = (
    "La carpeta de datos «{carpeta}» está cifrada con otra llave que la que tiene el llavero del "
    "sistema: escribe el código de recuperación de esta carpeta (el que su administrador "
    "imprimió al crearla) para abrirla. Sus archivos no están dañados; no se abrió ni se "
    "cambió nada."
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

    def __init__(self, secrets: SecretsService, data_dir: Path, sellar: bool = True) -> None:
        super().__init__(secrets)
        self._data_dir = data_dir
        self._catalogo = data_dir / CATALOGO_FILE
        self._sellar = sellar  # whether this reading checks the key's recovery seal

    def cuenta_llavero(self) -> str:
        return carpeta_datos.cuenta(CUENTA, self._data_dir)

    def _cargar(self) -> bytes | None:
        llave = super()._cargar()
        # Its recovery code made with it, or when it has none yet.
        if llave is not None and self._sellar:
            recuperacion_almacen.asegurar(self._data_dir, llave, self._secrets)
        return llave

    # A key made or adopted by this reading is sealed at once, whatever ``sellar`` said:
    # nothing else holds it yet.
    def nueva(self, llave: bytes) -> None:
        self._sellar = True
        super().nueva(llave)

    def tomada(self, llave: bytes) -> None:
        self._sellar = True  # kept under this folder's account just now

    def usada(self) -> bool:
        return bool(carpeta_datos.cifrados(self._data_dir))

    def comprobar(self, llave: bytes) -> None:
        if carpeta_datos.abre(self._data_dir, llave) is not False:
            return
        sellada = recuperacion_almacen.leer(self._data_dir) or {}
        if sellada.get("huella") == recuperacion_almacen.huella(llave):
            return  # the key sealed beside them: the catalog is damaged, its opening says so
        log.error("La llave del llavero no abre las bases de %s", self._data_dir)
        raise self.otra()

    def heredada(self) -> bytes | None:
        """The user's one key of earlier releases, when it opens this folder's stores."""
        llave = self.de_texto(self._secrets.get(self.scope, CUENTA))
        if llave is not None and carpeta_datos.abre(self._data_dir, llave):
            return llave
        return None

    def ilegible(self) -> DomainError:
        return LlaveAlmacenFaltante("llave_almacen_ilegible", MSG_ILEGIBLE.format(almacen=ALMACEN))

    def faltante(self) -> DomainError:
        if self.de_texto(self._secrets.get(self.scope, CUENTA)) is not None:
            return self.otra()  # the keyring holds a key: another folder's
        return LlaveAlmacenFaltante(
            "sin_llave_almacen", MSG_FALTA.format(almacen=ALMACEN, carpeta=self._data_dir)
        )

    def otra(self) -> DomainError:
        return LlaveAlmacenFaltante("llave_almacen_otra", MSG_OTRA.format(carpeta=self._data_dir))


def usar(
    data_dir: Path, secrets: SecretsService | None = None, sellar: bool = True
) -> LlaveAlmacen:
    """This process opens the stores with the key of ``data_dir``'s installation from now on.
    ``sellar`` False: a key already kept is read without checking its recovery seal (two more
    keyring reads, the audit key's and the code's): for the login's opening, which the full
    opening (``container.open_services``, with it) follows in the same start-up."""
    proveedor = LlaveAlmacen(secrets or SecretsService(), data_dir, sellar)
    carpeta_datos.usar(data_dir)
    cifrado.usar_llave(proveedor, data_dir)
    return proveedor


__all__ = [
    "CUENTA",
    "KEYRING_SCOPE",
    "MSG_FALTA",
    "MSG_ILEGIBLE",
    "MSG_OTRA",
    "LlaveAlmacen",
    "LlaveAlmacenFaltante",
    "cifrada",
    "usar",
]
