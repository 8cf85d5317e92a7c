"""Secrets in the OS keyring (Windows Credential Manager); never in the database or a file.

keyring picks the installed backend of highest priority; with no OS keyring that can be one
that writes secrets in clear (keyrings.alt's PlaintextKeyring, present wherever the test extras
are installed). The app therefore takes only an OS keyring that keyring ships (Windows
Credential Manager, macOS Keychain, Secret Service, KWallet), or a backend named explicitly in
PYTHON_KEYRING_BACKEND (how the test suite puts in its own) that does not keep secrets in clear
or drop them. Otherwise there is no keyring: nothing secret is saved and the user is told.

The choice is made once per process (per PYTHON_KEYRING_BACKEND), and cheaply: only this
system's own keyrings are probed (Windows: its Credential Manager; macOS: its Keychain; Linux:
Secret Service, then KWallet and libsecret), one import and one probe each. Asking keyring to
choose would walk every installed backend's entry point and probe each (100–270 ms of CPU, on
the sign-in's path, where the store key is read beside the login window), and probing another
system's keyring costs as much (macOS's looks for its library with a compiler, on Linux). On
Linux every one of them talks over the desktop session's D-Bus: without a session bus there is
no keyring, and keyring is not even imported (~100 ms of CPU on the sign-in's path).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)
SERVICE_PREFIX = "icsoe-desktop"

# The store this system provides, as a refusal names it (Linux from source: a desktop session's
# Secret Service keyring, e.g. the gnome-keyring and dbus-x11 packages on Debian).
if sys.platform == "win32":
    ALMACEN = "Administrador de credenciales de Windows"
elif sys.platform == "darwin":
    ALMACEN = "Llavero de macOS"
else:
    ALMACEN = "un llavero Secret Service, como GNOME Keyring o KWallet, en la sesión"
NO_KEYRING_MESSAGE = (
    f"No hay un almacén seguro de contraseñas del sistema ({ALMACEN}) disponible en este "
    "equipo; por seguridad, la contraseña no se guardó."
)

_OS_BACKENDS = "keyring.backends."
# keyring's own modules that are no OS keyring: none, a discarding one, and the chainer (which
# would chain a plaintext backend after the OS one).
_NOT_OS = frozenset(("keyring.backends.fail", "keyring.backends.null", "keyring.backends.chainer"))
# Backends that keep secrets in a readable file or silently drop them: never, even when named.
_REFUSED = frozenset(
    (
        "keyrings.alt.file.PlaintextKeyring",
        "keyrings.alt.pyfs.PlaintextKeyring",
        "keyring.backends.null.Keyring",
        "keyring.backends.chainer.ChainerBackend",
    )
)
_logged: set[str] = set()
# The backend chosen, by PYTHON_KEYRING_BACKEND's value (None: not set). Only a backend found
# is kept: a keyring that appears later (a session unlocked) is still found.
_elegidos: dict[str | None, KeyringBackend] = {}


def _name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _is_os_keyring(backend: object) -> bool:
    module = type(backend).__module__
    return module.startswith(_OS_BACKENDS) and module not in _NOT_OS


def _once(message: str, name: str) -> None:
    if name not in _logged:
        _logged.add(name)
        log.warning(message, name)


def choose_backend() -> KeyringBackend | None:
    """The keyring backend the app may keep secrets in, or None."""
    nombrado = os.environ.get("PYTHON_KEYRING_BACKEND")
    found = _elegidos.get(nombrado)
    if found is None:
        found = _elegir(nombrado)
        if found is not None:
            _elegidos[nombrado] = found
    return found


# This system's own keyrings (keyring's), the only ones the app takes, in the order they are
# tried (a third-party backend is never taken, so the entry points of every installed one are
# never walked; another system's is never probed).
_DEL_SISTEMA: tuple[str, ...] = {
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "darwin": ("keyring.backends.macOS.Keyring",),
}.get(
    sys.platform,
    (
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.libsecret.Keyring",
    ),
)


def _hay_bus_de_sesion() -> bool:
    """Whether a desktop session's D-Bus can be reached, which every Linux keyring needs: its
    address in the environment (Secret Service reads only that), or the session's socket where
    libsecret and KWallet look when it is not set."""
    if sys.platform in ("win32", "darwin"):
        return True  # their keyrings need none
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return os.path.exists(os.path.join(runtime, "bus"))


def _probar(nombre: str) -> KeyringBackend | None:
    """The keyring ``nombre`` when it can be used here (its probe: Windows' credential API
    loads, a Secret Service answers on the session's D-Bus), else None."""
    modulo, _, clase = nombre.rpartition(".")
    try:
        backend_class = getattr(importlib.import_module(modulo), clase)
        # ``priority`` is the probe (it raises where the keyring cannot be used); keyring's
        # ``viable`` only asks it again, which for Secret Service is a second D-Bus call.
        if backend_class.priority > 0:
            backend: KeyringBackend = backend_class()
            return backend
    except Exception:  # not this system's, or broken: the next is tried
        log.debug("El llavero %s no está disponible", nombre, exc_info=True)
    return None


def _del_sistema() -> KeyringBackend | None:
    """The first of this system's own keyrings usable here, else None."""
    for nombre in _DEL_SISTEMA:
        if (backend := _probar(nombre)) is not None:
            return backend
    return None


def _elegir(nombrado: str | None) -> KeyringBackend | None:
    if nombrado is None and not _hay_bus_de_sesion():
        # No keyring of this system can answer, and keyring's configuration file could only
        # name one of them (any other is refused below): none, without importing keyring.
        return None
    from icsoe_desktop.services.importacion_diferida import (
        BLOQUEADOS_DE_KEYRING,
        DE_KEYRING,
        sin_cargar,
    )

    # What keyring imports for what the app never calls, and on Windows its cheaper path.
    with sin_cargar(DE_KEYRING, BLOQUEADOS_DE_KEYRING):
        return _elegir_entre(nombrado)


def _elegir_entre(nombrado: str | None) -> KeyringBackend | None:
    """``_elegir`` once keyring may be imported."""
    import keyring
    from keyring.core import load_config

    if nombrado is None:
        chosen = load_config()  # a keyring configuration file naming one
        if chosen is None:
            return _del_sistema()
    else:
        chosen = keyring.get_keyring()  # PYTHON_KEYRING_BACKEND's: cached by keyring
    name = _name(chosen)
    if _is_os_keyring(chosen):
        return chosen
    if nombrado == name and name not in _REFUSED:
        return chosen  # named explicitly (the test suite's own, or fail: no keyring)
    _once("Almacén de contraseñas %s rechazado: no es el del sistema", name)
    return _del_sistema()


class SecretsService:
    """Thin wrapper over ``keyring``, imported lazily (it is slow to load)."""

    def _backend(self) -> KeyringBackend | None:
        """The backend to use, or None (then nothing is saved or read)."""
        try:
            backend = choose_backend()
            if backend is None:
                return None
            from keyring.backends.fail import Keyring as FailKeyring
        except Exception:  # any backend error means "not usable"
            log.exception("No se pudo consultar el llavero del sistema")
            return None
        return None if isinstance(backend, FailKeyring) else backend

    def available(self) -> bool:
        return self._backend() is not None

    def set(self, scope: str, key: str, value: str) -> None:
        backend = self._backend()
        if backend is None:
            raise DomainError("sin_llavero", NO_KEYRING_MESSAGE)
        try:
            backend.set_password(f"{SERVICE_PREFIX}/{scope}", key, value)
        except Exception as exc:
            log.exception("No se pudo guardar un secreto en el llavero (%s)", scope)
            raise DomainError("sin_llavero", NO_KEYRING_MESSAGE) from exc

    def get(self, scope: str, key: str) -> str | None:
        backend = self._backend()
        if backend is None:
            return None
        try:
            return backend.get_password(f"{SERVICE_PREFIX}/{scope}", key)
        except Exception:
            log.exception("No se pudo leer un secreto del llavero (%s)", scope)
            return None

    def delete(self, scope: str, key: str) -> None:
        backend = self._backend()
        if backend is None:
            return
        try:
            backend.delete_password(f"{SERVICE_PREFIX}/{scope}", key)
        except Exception:  # not there: nothing to delete
            log.debug("Secreto inexistente en el llavero (%s)", scope)
