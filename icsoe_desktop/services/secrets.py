"""Secrets in the OS keyring (Windows Credential Manager); never in the database or a file."""

from __future__ import annotations

import logging

from icsoe_desktop.domain.errors import DomainError

log = logging.getLogger(__name__)
SERVICE_PREFIX = "icsoe-desktop"

NO_KEYRING_MESSAGE = (
    "No hay un almacén seguro de contraseñas del sistema (Administrador de credenciales de "
    "Windows) disponible en este equipo; por seguridad, la contraseña no se guardó."
)


class SecretsService:
    """Thin wrapper over ``keyring``, imported lazily (it is slow to load)."""

    def _keyring(self):
        import keyring

        return keyring

    def available(self) -> bool:
        try:
            from keyring.backends.fail import Keyring as FailKeyring

            return not isinstance(self._keyring().get_keyring(), FailKeyring)
        except Exception:  # any backend error means "not usable"
            log.exception("No se pudo consultar el llavero del sistema")
            return False

    def set(self, scope: str, key: str, value: str) -> None:
        if not self.available():
            raise DomainError("sin_llavero", NO_KEYRING_MESSAGE)
        try:
            self._keyring().set_password(f"{SERVICE_PREFIX}/{scope}", key, value)
        except Exception as exc:
            log.exception("No se pudo guardar un secreto en el llavero (%s)", scope)
            raise DomainError("sin_llavero", NO_KEYRING_MESSAGE) from exc

    def get(self, scope: str, key: str) -> str | None:
        if not self.available():
            return None
        try:
            return self._keyring().get_password(f"{SERVICE_PREFIX}/{scope}", key)
        except Exception:
            log.exception("No se pudo leer un secreto del llavero (%s)", scope)
            return None

    def delete(self, scope: str, key: str) -> None:
        if not self.available():
            return
        try:
            self._keyring().delete_password(f"{SERVICE_PREFIX}/{scope}", key)
        except Exception:  # not there: nothing to delete
            log.debug("Secreto inexistente en el llavero (%s)", scope)
