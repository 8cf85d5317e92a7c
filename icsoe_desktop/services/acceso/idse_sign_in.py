"""Sign-in of the IDSE users (Acceso a conexión en línea con IDSE), with the 5-attempt lock and
its audit, over the standard library's sqlite3 (store/plain.py) on the installation's catalog
(``catalogo.sqlite3``: the IDSE users, their lock counts and the account audit live there).

It imports neither SQLAlchemy nor the models, so the login window answers Continuar while they
and the other services (~0.45 s of imports) load in the background (bench/startup.py).
``AccountsService.authenticate`` is this same code: there is one IDSE sign-in. The lock, count,
messages and audit actions are decided by ``sign_in.decide``, shared with the capturistas; here
only the reads and writes. The empresa's grant is checked once the services are built
(``AccesosService.comprobar_acceso``, gui/idse/login.py).
"""

from __future__ import annotations

from contextlib import closing
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.paths import CATALOGO_FILE, DATABASE_FILE
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.migrations import HEAD_REVISION

if TYPE_CHECKING:
    import sqlite3
    from datetime import datetime

    from icsoe_desktop.services.acceso.sign_in import SignInTexts

MSG_CREDENCIALES = (
    "El usuario o la contraseña son incorrectos o no corresponden entre sí. "
    "Verifica la información e intenta nuevamente."
)


@cache
def _textos() -> SignInTexts:
    """The sign-in's texts and audit actions. The rules they go with (sign_in.py, the throttle,
    the e-mail's normal form) are imported at the first Continuar: the opening before it, in
    the background on the way to a usable login, reads the users only (bench/startup.py)."""
    from icsoe_desktop.services.acceso.sign_in import SignInTexts

    return SignInTexts(
        vacias="Captura el usuario (correo electrónico) y la contraseña.",
        credenciales=MSG_CREDENCIALES,
        fallido="inicio_sesion_fallido",
        bloqueado="usuario_bloqueado",
        nombre_en_bloqueo=True,
    )


class SignedIn(NamedTuple):
    usuario: str
    nombre_completo: str


class Usuarios(NamedTuple):
    """``sugerido``: the usuario to prefill, the only enabled user (empty when there are 0 or
    several). ``ninguno``: no user registered yet (a new installation): the first step is
    Regístrate aquí."""

    sugerido: str
    ninguno: bool


def full_name(nombre: str, primer_apellido: str, segundo_apellido: str) -> str:
    return " ".join(p for p in (nombre, primer_apellido, segundo_apellido) if p)


class IdseSignIn:
    """Each call opens its own connection: the GUI thread signs in while the services open the
    same catalog in the background (WAL, BEGIN IMMEDIATE: writers wait for each other)."""

    def __init__(self, path: Path, clock: Clock = utcnow) -> None:
        self.path = path
        self._clock = clock

    def usuarios(self) -> Usuarios:
        """What the login shows of the users, in one connection (each opening parses the
        store's schema: ~1.5 ms on the way to a usable login)."""
        with closing(plain.connect(self.path)) as connection:
            return _usuarios(connection)

    def default_usuario(self) -> str:
        return self.usuarios().sugerido

    def authenticate(self, usuario: str, contrasena: str) -> SignedIn:
        from icsoe_desktop.domain.emails import normalize_email

        usuario = normalize_email(usuario)
        _textos().check_filled(usuario, contrasena)
        now = self._clock()
        # The audit key first: a key missing from the keyring is said as such (not as a
        # database failure from inside the audit trigger).
        plain.llave_bitacora()
        # Failures must be committed: the transaction ends normally and the error is raised after.
        with plain.write_transaction(self.path) as connection:
            outcome = self._check(connection, usuario, contrasena, now)
        if isinstance(outcome, AuthenticationError):
            raise outcome
        return outcome

    def _check(
        self, connection: sqlite3.Connection, usuario: str, contrasena: str, now: datetime
    ) -> SignedIn | AuthenticationError:
        from icsoe_desktop.services.acceso import sign_in

        textos = _textos()
        key = textos.key(usuario)
        row = connection.execute(
            "SELECT failures, locked_until, last_failure_at FROM login_throttle WHERE usuario = ?",
            (key,),
        ).fetchone()
        throttle = (
            sign_in.Throttle(row[0], plain.from_text(row[1]), plain.from_text(row[2]))
            if row
            else sign_in.Throttle()
        )
        user = connection.execute(
            "SELECT password_hash, habilitado, nombre, primer_apellido, segundo_apellido "
            "FROM idse_users WHERE usuario = ? AND deleted = 0",
            (usuario,),
        ).fetchone()
        refusal = sign_in.decide(
            textos, usuario, contrasena, user[0] if user else None, throttle, now
        )
        if refusal is not None:
            if (counted := refusal.counted) is not None:
                connection.execute(
                    "INSERT INTO login_throttle (usuario, failures, locked_until, last_failure_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (usuario) DO UPDATE SET "
                    "failures = excluded.failures, locked_until = excluded.locked_until, "
                    "last_failure_at = excluded.last_failure_at",
                    (
                        key,
                        counted.failures,
                        plain.to_text(counted.locked_until),
                        plain.to_text(counted.last_failure_at),
                    ),
                )
            for action, detail in refusal.audit:
                self._audit(connection, usuario, action, detail)
            return refusal.error
        assert user is not None  # a stored hash matched
        _hash, habilitado, *nombre = user
        if not habilitado:
            self._audit(connection, usuario, "inicio_sesion_rechazado", "deshabilitado")
            return AuthenticationError(
                "usuario_deshabilitado",
                f"El usuario {usuario} está deshabilitado y no puede ingresar. Puede habilitarse "
                "en la ventana Usuarios para conexión en línea con IDSE.",
            )
        if row is not None:
            connection.execute("DELETE FROM login_throttle WHERE usuario = ?", (key,))
        self._audit(connection, usuario, "inicio_sesion")
        return SignedIn(usuario, full_name(*nombre))

    def _audit(
        self, connection: sqlite3.Connection, usuario: str, action: str, detail: str = ""
    ) -> None:
        plain.add_audit(connection, self._clock(), usuario, action, usuario, detail)


def _usuarios(connection: sqlite3.Connection) -> Usuarios:
    rows = connection.execute(
        "SELECT usuario FROM idse_users WHERE deleted = 0 AND habilitado = 1 "
        "ORDER BY usuario LIMIT 2"
    ).fetchall()
    ninguno = (
        not rows
        and connection.execute("SELECT 1 FROM idse_users WHERE deleted = 0 LIMIT 1").fetchone()
        is None
    )
    return Usuarios(rows[0][0] if len(rows) == 1 else "", ninguno)


def open_sign_in(data_dir: Path, clock: Clock = utcnow) -> IdseSignIn | None:
    """``open_sign_in_with_users``'s sign-in."""
    opened = open_sign_in_with_users(data_dir, clock)
    return None if opened is None else opened[0]


def open_sign_in_with_users(
    data_dir: Path, clock: Clock = utcnow
) -> tuple[IdseSignIn, Usuarios] | None:
    """The sign-in of ``data_dir``'s catalog when it can answer now: the catalog exists at the
    current schema with its first empresa registered, or the data dir is new (its catalog is
    copied from the template; no user yet). None when it must wait for the full opening: a
    migration to run, the upgrade of a one-company data dir (its users are copied into the
    catalog then), or a damaged file (that opening says so in Spanish). With it, what the
    login shows of the users (``IdseSignIn.usuarios``), read in the connection that read the
    schema's revision: one parse of the catalog's schema on the way to a usable login."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.services import llave_almacen

    try:  # before its catalog is made or read: encrypted with it (its seal: the full opening's)
        llave_almacen.usar(data_dir, sellar=False)()
    except DomainError:  # not in the keyring: the full opening says so
        return None
    path = data_dir / CATALOGO_FILE
    legacy = data_dir / DATABASE_FILE
    if not path.exists() and legacy.exists():
        return None  # services/empresas/primera.py copies the users first
    plain.copy_template(path, synced=False)
    if not path.is_file():
        return None  # and no empty file is created: the full opening builds the store
    try:
        with closing(plain.connect(path)) as connection:
            if plain.revision_of(connection) != HEAD_REVISION:
                return None
            if legacy.exists() and not plain.has_rows(connection, "empresas"):
                return None  # an upgrade interrupted before its users were copied
            usuarios = _usuarios(connection)
    except cifrado.Error:  # not a store, or damaged: the full opening says so
        return None
    from icsoe_desktop.services import llave_bitacora

    llave_bitacora.usar(path)  # read from the keyring at the first entry written
    return IdseSignIn(path, clock), usuarios
