"""A random key of the installation kept in the OS keyring, read once per process: the shape
of the store key (services/llave_almacen.py) and the audit key (services/llave_bitacora.py).

Read from the keyring under the account ``cuenta_llavero()`` names (a data folder's own, for the
keys of a folder, services/carpeta_datos.py); a garbled entry, a key that is not the one its
data were keyed with (``comprobar``), or a missing key that was already used (what it keyed would
no longer open or verify) and that no other slot holds proven (``heredada``: the one-key-per-user
slot of earlier releases) stops with the subclass's Spanish error; with no OS keyring there is
no key (None); otherwise a new one is made and kept there."""

from __future__ import annotations

import logging
import threading

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.secrets import SecretsService

log = logging.getLogger(__name__)


class LlaveDeLlavero:
    """A provider called for the key (``bytes``, or None: no key) by its store layer."""

    scope: str
    cuenta = "llave"
    largo: int
    que = "la llave"  # what the log calls it: «la llave de …»
    sin_llavero = "sin llave"  # what the log says follows when there is no OS keyring

    def __init__(self, secrets: SecretsService) -> None:
        self._secrets = secrets
        self._llave: bytes | None = None
        self._leida = False
        self._candado = threading.Lock()

    def __call__(self) -> bytes | None:
        if self._leida:
            return self._llave
        with self._candado:
            if not self._leida:
                self._llave = self._cargar()
                self._leida = True
            return self._llave

    def de_texto(self, valor: str | None) -> bytes | None:
        """The key a keyring entry holds (None: none, or not a key of ours)."""
        try:
            llave = bytes.fromhex(valor or "")
        except ValueError:
            return None
        return llave if len(llave) == self.largo else None

    def cuenta_llavero(self) -> str:
        """The keyring account the key lives under."""
        return self.cuenta

    def _cargar(self) -> bytes | None:
        cuenta = self.cuenta_llavero()
        valor = self._secrets.get(self.scope, cuenta)
        if valor:
            llave = self.de_texto(valor)
            if llave is None:
                log.error("%s ilegible en el llavero", self.que)
                raise self.ilegible()
            self.comprobar(llave)
            return llave
        if self.usada():
            heredada = self.heredada()
            if heredada is not None:
                self._secrets.set(self.scope, cuenta, heredada.hex())
                log.info("%s de esta carpeta tomada del llavero del usuario", self.que)
                self.tomada(heredada)
                return heredada
            log.error("Falta en el llavero %s", self.que)
            raise self.faltante()
        if not self._secrets.available():
            log.warning("Sin llavero del sistema: %s", self.sin_llavero)
            return None
        from secrets import token_bytes  # only for a new key (hashlib loads OpenSSL)

        llave = token_bytes(self.largo)
        try:
            self._secrets.set(self.scope, cuenta, llave.hex())
        except DomainError:  # the keyring refused it: as without a keyring
            log.warning("No se guardó en el llavero %s", self.que)
            return None
        self.nueva(llave)
        return llave

    def usada(self) -> bool:
        """Whether something was already keyed with a key that must be in the keyring."""
        raise NotImplementedError

    def comprobar(self, llave: bytes) -> None:
        """Raises the subclass's Spanish error when ``llave`` is proven not to be the one its
        data were keyed with (by default nothing is checked)."""

    def heredada(self) -> bytes | None:
        """A key kept elsewhere and proven to be the one the data were keyed with (None)."""
        return None

    def ilegible(self) -> DomainError:
        raise NotImplementedError

    def faltante(self) -> DomainError:
        raise NotImplementedError

    def nueva(self, llave: bytes) -> None:
        """A key was just made and kept (the log says so)."""
        log.info("%s nueva en el llavero", self.que)

    def tomada(self, llave: bytes) -> None:
        """The key ``heredada`` proved was just kept under this provider's own account."""


__all__ = ["LlaveDeLlavero"]
