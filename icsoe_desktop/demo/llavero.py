"""The screenshots' keyring: the demo's certificate keys, passwords and store keys live in this
process's memory and go with it, never into the user's own keyring (the demo touches no user
data). Chosen only while the pictures are drawn (``en_memoria``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class LlaveroDeMuestra(KeyringBackend):
    priority = -1  # never picked by keyring's own look-up

    def __init__(self) -> None:
        super().__init__()
        self._secretos: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secretos.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secretos[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._secretos.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@contextmanager
def en_memoria() -> Iterator[None]:
    """The app's secrets in a fresh ``LlaveroDeMuestra`` until the block ends (named in
    PYTHON_KEYRING_BACKEND, as services/secrets.py takes a backend that is no OS keyring)."""
    import keyring

    antes_backend = keyring.get_keyring()
    antes_env = os.environ.get("PYTHON_KEYRING_BACKEND")
    os.environ["PYTHON_KEYRING_BACKEND"] = f"{__name__}.{LlaveroDeMuestra.__name__}"
    keyring.set_keyring(LlaveroDeMuestra())
    try:
        yield
    finally:
        keyring.set_keyring(antes_backend)
        if antes_env is None:
            os.environ.pop("PYTHON_KEYRING_BACKEND", None)
        else:
            os.environ["PYTHON_KEYRING_BACKEND"] = antes_env
