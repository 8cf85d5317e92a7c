"""The test suite's keyring (tests/conftest.py names it in PYTHON_KEYRING_BACKEND): secrets in
a JSON file in the test's own temporary folder, read again by the processes a test starts.
Never installed with the app and never chosen by keyring's own look-up (negative priority)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class KeyringDePrueba(KeyringBackend):
    priority = -1  # type: ignore[assignment]  # only when named

    @staticmethod
    def _file() -> Path:
        return Path(os.environ["XDG_DATA_HOME"]) / "keyring-de-prueba.json"

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self._file().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, entries: dict[str, str]) -> None:
        path = self._file()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(partial, path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._read()
        entries[f"{service}\n{username}"] = password
        self._write(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._read()
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self._write(entries)
