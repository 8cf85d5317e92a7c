"""Sign-in of the IDSE users (Acceso a conexión en línea con IDSE), with the 5-attempt lock and
its audit, over the standard library's sqlite3 (store/plain.py).

It imports neither SQLAlchemy nor the models, so the login window answers Continuar while they
and the other services (~0.45 s of imports) load in the background (bench/startup.py).
``AccountsService.authenticate`` is this same code: there is one IDSE sign-in.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from icsoe_desktop.domain import passwords
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.emails import normalize_email
from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.paths import DATABASE_FILE
from icsoe_desktop.services import login_throttle
from icsoe_desktop.store import plain
from icsoe_desktop.store.migrations import HEAD_REVISION

MSG_CREDENCIALES = (
    "El usuario o la contraseña son incorrectos o no corresponden entre sí. "
    "Verifica la información e intenta nuevamente."
)


@dataclass(frozen=True)
class SignedIn:
    usuario: str
    nombre_completo: str


def full_name(nombre: str, primer_apellido: str, segundo_apellido: str) -> str:
    return " ".join(p for p in (nombre, primer_apellido, segundo_apellido) if p)


class IdseSignIn:
    """Each call opens its own connection: the GUI thread signs in, and Restaurar may replace
    the file between two calls."""

    def __init__(self, path: Path, clock: Clock = utcnow) -> None:
        self.path = path
        self._clock = clock

    def default_usuario(self) -> str:
        """The usuario to prefill: the only enabled user, or empty when there are 0 or several."""
        with closing(plain.connect(self.path)) as connection:
            rows = connection.execute(
                "SELECT usuario FROM idse_users WHERE deleted = 0 AND habilitado = 1 "
                "ORDER BY usuario LIMIT 2"
            ).fetchall()
        return rows[0][0] if len(rows) == 1 else ""

    def authenticate(self, usuario: str, contrasena: str) -> SignedIn:
        usuario = normalize_email(usuario)
        if not usuario or not contrasena:
            raise AuthenticationError(
                "credenciales_vacias", "Captura el usuario (correo electrónico) y la contraseña."
            )
        now = self._clock()
        # Failures must be committed: the transaction ends normally and the error is raised after.
        with plain.write_transaction(self.path) as connection:
            outcome = self._check(connection, usuario, contrasena, now)
        if isinstance(outcome, AuthenticationError):
            raise outcome
        return outcome

    def _check(
        self, connection: sqlite3.Connection, usuario: str, contrasena: str, now: datetime
    ) -> SignedIn | AuthenticationError:
        throttle = connection.execute(
            "SELECT failures, locked_until, last_failure_at FROM login_throttle WHERE usuario = ?",
            (usuario,),
        ).fetchone()
        failures, locked_until, last_failure = throttle or (0, None, None)
        locked = login_throttle.lock_error(plain.from_text(locked_until), now, usuario)
        if locked is not None:
            return locked
        user = connection.execute(
            "SELECT password_hash, habilitado, nombre, primer_apellido, segundo_apellido "
            "FROM idse_users WHERE usuario = ? AND deleted = 0",
            (usuario,),
        ).fetchone()
        if not passwords.verify_password_or_dummy(contrasena, user[0] if user else None):
            failures, lock = login_throttle.next_failure(
                failures, plain.from_text(last_failure), now
            )
            connection.execute(
                "INSERT INTO login_throttle (usuario, failures, locked_until, last_failure_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (usuario) DO UPDATE SET "
                "failures = excluded.failures, last_failure_at = excluded.last_failure_at, "
                "locked_until = coalesce(excluded.locked_until, locked_until)",
                (usuario, failures, plain.to_text(lock), plain.to_text(now)),
            )
            self._audit(connection, usuario, "inicio_sesion_fallido")
            if lock is not None:
                self._audit(connection, usuario, "usuario_bloqueado", "5 intentos fallidos")
            return login_throttle.failure_error(
                failures, lock is not None, now, MSG_CREDENCIALES, usuario
            )
        _hash, habilitado, *nombre = user
        if not habilitado:
            self._audit(connection, usuario, "inicio_sesion_rechazado", "deshabilitado")
            return AuthenticationError(
                "usuario_deshabilitado",
                f"El usuario {usuario} está deshabilitado y no puede ingresar. Puede habilitarse "
                "en la ventana Usuarios para conexión en línea con IDSE.",
            )
        if throttle is not None:
            connection.execute("DELETE FROM login_throttle WHERE usuario = ?", (usuario,))
        self._audit(connection, usuario, "inicio_sesion")
        return SignedIn(usuario, full_name(*nombre))

    def _audit(
        self, connection: sqlite3.Connection, usuario: str, action: str, detail: str = ""
    ) -> None:
        plain.add_audit(connection, self._clock(), usuario, action, usuario, detail)


def open_sign_in(data_dir: Path, clock: Clock = utcnow) -> IdseSignIn | None:
    """The sign-in of ``data_dir``'s store when it can answer now: the file exists (a new one is
    copied from the template) at the current schema. None when it must wait for the full opening
    (migrations to run, or a damaged file: that opening says so in Spanish)."""
    path = data_dir / DATABASE_FILE  # as config.Settings.database_path, without config's import
    plain.copy_template(path)
    if plain.revision(path) != HEAD_REVISION:
        return None
    return IdseSignIn(path, clock)
