"""Users of the "Conexión en línea con IDSE" module: registration, enabling, sign-in with a
5-attempt lock, and password recovery by a one-use code sent by mail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import passwords
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.emails import check_email, normalize_email
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import check_caracteres
from icsoe_desktop.services.acceso import code_guesses, login_throttle, one_time_codes
from icsoe_desktop.services.acceso.code_guesses import CodeGuesses
from icsoe_desktop.services.acceso.idse_sign_in import MSG_CREDENCIALES as MSG_CREDENCIALES
from icsoe_desktop.services.acceso.idse_sign_in import IdseSignIn, SignedIn, full_name
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.correo import textos as mail_texts
from icsoe_desktop.services.correo.mail import Outbox
from icsoe_desktop.services.notifying import NotifyingService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import IdseUser

RESET_PURPOSE = "recuperar_contrasena_idse"

# The same answer whether or not the e-mail is a user's: nobody learns who is one from it.
MSG_CORREO_ENVIADO = (
    "Si el correo electrónico proporcionado es el de un usuario registrado, se le envió un "
    "código para restablecer la contraseña. El código es válido durante 24 horas y sólo puede "
    "usarse una vez."
)
# A new password typed twice (reset with a code, or set by an administrator).
NEW_PASSWORD_TEXTS = passwords.NewPasswordTexts(
    distintas="La contraseña y la confirmación de la contraseña no coinciden.",
)
# Regístrate aquí names the fields «Contraseña» and «Confirmar contraseña», both required.
REGISTRATION_TEXTS = passwords.NewPasswordTexts(
    distintas=NEW_PASSWORD_TEXTS.distintas,
    confirmacion_obligatoria="El campo «Confirmar contraseña» es obligatorio.",
    obligatoria="El campo «Contraseña» es obligatorio.",
)
RESET_CODE_TEXTS = one_time_codes.CodeTexts(
    usado="Este código ya fue utilizado. Solicita uno nuevo en «¿Olvidó su contraseña?».",
    reemplazado=(
        "Este código fue reemplazado por uno más reciente. Usa el último código que recibiste "
        "por correo."
    ),
    expirado=(
        "El código expiró: es válido durante 24 horas. Solicita uno nuevo en «¿Olvidó su "
        "contraseña?»."
    ),
)


@dataclass(frozen=True)
class UserRow:
    usuario: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    habilitado: bool
    administrador: bool = False

    @property
    def estado(self) -> str:
        return "Habilitado" if self.habilitado else "Deshabilitado"

    @property
    def nombre_completo(self) -> str:
        return full_name(self.nombre, self.primer_apellido, self.segundo_apellido)


@dataclass(frozen=True)
class Registration:
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    usuario: str
    contrasena: str
    confirmacion: str
    acepta_aviso: bool


def _user_row(user: IdseUser) -> UserRow:
    return UserRow(
        user.usuario,
        user.nombre,
        user.primer_apellido,
        user.segundo_apellido,
        user.habilitado,
        bool(user.administrador),
    )


def _required(value: str, label: str, field: str) -> str:
    value = check_caracteres(value, label, field).strip()
    if not value:
        raise ValidationError("campo_obligatorio", f"El campo «{label}» es obligatorio.", field)
    return value


class AccountsService(NotifyingService):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        mail: Outbox,
        permisos: Permisos,
        clock: Clock = utcnow,
        *,
        codigos: CodeGuesses | None = None,
    ) -> None:
        super().__init__(store, audit, mail, clock)
        self._permisos = permisos
        self.sign_in = IdseSignIn(store.path, clock)  # plain sqlite3: the login uses it early
        # Wrong codes are counted in the catalog, which is this store.
        self._codigos = codigos or CodeGuesses(store, audit, clock)

    # --- queries -------------------------------------------------------------------------------

    def listar(self) -> list[UserRow]:
        with self._store.session() as session:
            users = session.scalars(
                select(IdseUser).where(IdseUser.deleted.is_(False)).order_by(IdseUser.usuario)
            ).all()
            return [_user_row(u) for u in users]

    def default_usuario(self) -> str:
        """The usuario to prefill: the only enabled user, or empty when there are 0 or several."""
        return self.sign_in.default_usuario()

    # --- registration --------------------------------------------------------------------------

    def register(self, form: Registration, actor: str | None = None) -> UserRow:
        nombre = _required(form.nombre, "Nombre(s)", "nombre")
        primer = _required(form.primer_apellido, "Primer apellido", "primerApellido")
        _required(form.usuario, "Usuario", "usuario")
        passwords.require_new_password(form.contrasena, form.confirmacion, REGISTRATION_TEXTS)
        usuario = check_email(
            form.usuario,
            "usuario",
            "El usuario debe ser un correo electrónico válido (por ejemplo, nombre@empresa.com).",
        )
        passwords.check_new_password(form.contrasena, form.confirmacion, REGISTRATION_TEXTS)
        passwords.check_password_policy(form.contrasena)
        if not form.acepta_aviso:
            raise ValidationError(
                "aviso_no_aceptado",
                "Para continuar debes aceptar el Aviso de privacidad y el Acuerdo de servicio.",
                "aviso",
            )
        password_hash = passwords.hash_password(form.contrasena)
        with self._store.session() as session:
            if session.scalar(select(IdseUser.id).where(IdseUser.usuario == usuario)) is not None:
                raise ValidationError(
                    "usuario_duplicado",
                    f"El usuario {usuario} ya está registrado. Captura un correo electrónico diferente.",
                    "usuario",
                )
            user = IdseUser(
                usuario=usuario,
                nombre=nombre,
                primer_apellido=primer,
                segundo_apellido=form.segundo_apellido.strip(),
                password_hash=password_hash,
                habilitado=True,
                aviso_aceptado_at=self._clock(),
                # The first user (who sets the app up) administers it; later ones are made so
                # with `python -m icsoe_desktop usuarios administrador`.
                administrador=not self._has_admin(session),
            )
            session.add(user)
            self._audit.record(session, actor or usuario, "usuario_idse_alta", usuario)
            return _user_row(user)

    def set_enabled(self, usuario: str, enabled: bool, actor: str | None = None) -> UserRow:
        self._permisos.exigir(actor, Accion.HABILITAR_USUARIOS, normalize_email(usuario))
        action = "usuario_idse_habilitado" if enabled else "usuario_idse_deshabilitado"
        return self._set_flag(usuario, "habilitado", enabled, actor, action)

    def _set_flag(
        self, usuario: str, flag: str, value: bool, actor: str | None, action: str
    ) -> UserRow:
        """Change a user's yes/no attribute; audited only when it really changes."""
        usuario = normalize_email(usuario)
        with self._store.session() as session:
            user = self._find(session, usuario)
            if user is None:
                raise ValidationError("usuario_inexistente", f"El usuario {usuario} no existe.")
            if getattr(user, flag) != value:
                if not value:
                    self._keep_one_admin(session, user, flag)
                setattr(user, flag, value)
                self._audit.record(session, actor, action, usuario)
            return _user_row(user)

    # --- sign-in -------------------------------------------------------------------------------

    def authenticate(self, usuario: str, contrasena: str) -> SignedIn:
        """The 5-attempt lock and the audit included (idse_sign_in.py)."""
        return self.sign_in.authenticate(usuario, contrasena)

    # --- password recovery ---------------------------------------------------------------------

    def request_password_reset(self, correo: str) -> None:
        """Queue a mail with a one-use code valid 24 hours. Passwords are never mailed. An
        e-mail that is no user's is answered alike (no error; audited, nothing mailed)."""
        correo = check_email(
            correo,
            "correo",
            "Captura un correo electrónico válido.",
            empty="Captura el correo electrónico.",
        )
        now = self._clock()
        with self._store.session() as session:
            user = self._find(session, correo)
            if user is None:
                self._audit.record(session, None, "recuperacion_correo_desconocido", correo)
                return
            token = one_time_codes.issue_code(session, RESET_PURPOSE, user.uuid, now)
            self._mail.enqueue(
                session, correo, *mail_texts.idse_recuperacion(user.nombre, correo), token=token
            )
            self._audit.record(session, correo, "recuperacion_solicitada", correo)

    def reset_password(self, code: str, contrasena: str, confirmacion: str) -> str:
        """Set a new password with a code; return the usuario it belonged to."""
        one_time_codes.require_code(code)
        passwords.check_new_password(contrasena, confirmacion, NEW_PASSWORD_TEXTS)
        now = self._clock()
        with one_time_codes.redeem(
            self._store,
            self._codigos,
            code_guesses.IDSE_RECUPERACION,
            code,
            [RESET_PURPOSE],
            now,
            RESET_CODE_TEXTS,
        ) as (session, token):
            passwords.check_password_policy(contrasena)
            user = session.scalar(select(IdseUser).where(IdseUser.uuid == token.subject_uuid))
            if user is None:
                raise ValidationError("usuario_inexistente", "El usuario del código ya no existe.")
            user.password_hash = passwords.hash_password(contrasena)
            login_throttle.clear(session, user.usuario)
            self._mail.enqueue(
                session,
                user.usuario,
                *mail_texts.idse_contrasena_restablecida(user.nombre, user.usuario),
            )
            self._audit.record(session, user.usuario, "contrasena_restablecida", user.usuario)
            return user.usuario

    # --- administrator -------------------------------------------------------------------------

    def admin_reset_password(
        self,
        admin_usuario: str,
        admin_contrasena: str,
        usuario: str,
        contrasena: str,
        confirmacion: str,
    ) -> str:
        """An administrator, who signs again here, sets another user's password (Regístrate
        aquí): for when the mail cannot reach the user. Wrong admin passwords count towards the
        admin's lock like any sign-in."""
        signed = self.authenticate(admin_usuario, admin_contrasena)
        return self.set_password(usuario, contrasena, confirmacion, actor=signed.usuario)

    def set_password(self, usuario: str, contrasena: str, confirmacion: str, actor: str) -> str:
        """Set a password without a code (an administrator, or the command line on this
        machine); the user is told by mail, the action audited with its actor."""
        usuario = normalize_email(usuario)
        self._permisos.exigir(actor, Accion.CONTRASENA_DE_OTRO, usuario)
        passwords.check_new_password(contrasena, confirmacion, NEW_PASSWORD_TEXTS)
        passwords.check_password_policy(contrasena)
        with self._store.session() as session:
            user = self._find(session, usuario)
            if user is None:
                raise ValidationError(
                    "usuario_inexistente", f"El usuario {usuario} no existe.", "usuario"
                )
            user.password_hash = passwords.hash_password(contrasena)
            login_throttle.clear(session, user.usuario)
            self._mail.enqueue(
                session,
                user.usuario,
                *mail_texts.idse_contrasena_restablecida_admin(user.nombre, user.usuario, actor),
            )
            self._audit.record(session, actor, "contrasena_restablecida_admin", user.usuario)
            return user.usuario

    def set_administrador(self, usuario: str, administrador: bool, actor: str) -> UserRow:
        self._permisos.exigir(actor, Accion.ADMINISTRADORES, normalize_email(usuario))
        action = "administrador_asignado" if administrador else "administrador_retirado"
        return self._set_flag(usuario, "administrador", administrador, actor, action)

    def _keep_one_admin(self, session: Session, user: IdseUser, flag: str) -> None:
        """Disabling or demoting the last enabled administrator would leave nobody able to
        administer the installation from the app."""
        if not (user.administrador and user.habilitado):
            return
        others = session.scalar(
            select(IdseUser.id).where(
                IdseUser.administrador.is_(True),
                IdseUser.habilitado.is_(True),
                IdseUser.deleted.is_(False),
                IdseUser.id != user.id,
            )
        )
        if others is None:
            que = "deshabilitar" if flag == "habilitado" else "quitarle la función de administrador"
            raise ValidationError(
                "ultimo_administrador",
                f"No se puede {que} a {user.usuario}: es el único administrador habilitado. "
                "Haz administrador a otro usuario primero.",
                "usuario",
            )

    @staticmethod
    def _has_admin(session: Session) -> bool:
        return (
            session.scalar(
                select(IdseUser.id).where(
                    IdseUser.administrador.is_(True), IdseUser.deleted.is_(False)
                )
            )
            is not None
        )

    @staticmethod
    def _find(session: Session, usuario: str) -> IdseUser | None:
        return session.scalar(
            select(IdseUser).where(IdseUser.usuario == usuario, IdseUser.deleted.is_(False))
        )
