"""The capturista's access (guía Ingreso del capturista): Crear contraseña with the mailed
activation or recovery code, sign-in with CURP and password (locked after 5 failures),
¿Olvidaste tu contraseña? and the choice of the contratista to capture for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import passwords
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.services.acceso import code_guesses, login_throttle, one_time_codes, sign_in
from icsoe_desktop.services.acceso.code_guesses import CodeGuesses
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.capturistas.common import (
    ACTIVATION_PURPOSE,
    RESET_PURPOSE,
    THROTTLE_PREFIX,
    find_person,
)
from icsoe_desktop.services.correo import textos as mail_texts
from icsoe_desktop.services.correo.mail import Outbox
from icsoe_desktop.services.notifying import NotifyingService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    ACTIVA,
    BAJA,
    REGISTRADA,
    Capturista,
    CapturistaRelacion,
    Contratista,
    OneTimeToken,
)

MSG_CONTRASENA_ACTUALIZADA = "Contraseña actualizada"
MSG_CREDENCIALES = "El usuario o la contraseña son incorrectos. Verifica la información."
# ¿Olvidaste tu contraseña?'s one answer, whether or not the CURP is a capturista's.
MSG_RECUPERACION_ENVIADA = (
    "Si la CURP es la de un usuario capturista con contraseña y una relación activa con un "
    "contratista, se envió a su correo electrónico un código para crear la contraseña nueva. "
    "El código es válido durante 24 horas y sólo puede usarse una vez. Si aún no has creado tu "
    "contraseña, usa el código de activación que recibiste por correo en «Crear contraseña»."
)
SIGN_IN = sign_in.SignInTexts(
    vacias="Captura el usuario (tu CURP) y la contraseña.",
    credenciales=MSG_CREDENCIALES,
    fallido="icsoe_inicio_sesion_fallido",
    prefijo=THROTTLE_PREFIX,
)
NEW_PASSWORD_TEXTS = passwords.NewPasswordTexts(
    distintas="La contraseña nueva y la confirmación de la contraseña no coinciden.",
    confirmacion_obligatoria="El campo «Confirmar contraseña» es obligatorio.",
)
# The activation and the recovery code (both are typed in Crear contraseña).
CODE_TEXTS = one_time_codes.CodeTexts(
    usado=(
        "Esta liga (código) ya fue utilizada. Si no recuerdas tu contraseña, usa «¿Olvidaste tu "
        "contraseña?»."
    ),
    reemplazado=(
        "Esta liga (código) ya no es válida: se envió una más reciente o la relación con el "
        "contratista está en baja. Usa el último código que recibiste por correo."
    ),
    expirado=(
        "La liga (código) expiró: es válida durante 24 horas. Pide al contratista que te envíe "
        "una nueva («Enviar email»)."
    ),
)


@dataclass(frozen=True)
class CapturistaSesion:
    curp: str
    nombre_completo: str
    rol: str = "Capturista"


@dataclass(frozen=True)
class ContratistaOpcion:
    rfc: str
    nombre: str


def check_crear_contrasena(code: str, contrasena: str, confirmacion: str) -> None:
    """What Crear contraseña refuses before the code is looked up or counted."""
    one_time_codes.require_code(code)
    passwords.check_new_password(contrasena, confirmacion, NEW_PASSWORD_TEXTS)
    passwords.check_password_policy(contrasena)


class AccesoCapturistaService(NotifyingService):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        mail: Outbox,
        clock: Clock = utcnow,
        *,
        codigos: CodeGuesses | None = None,
    ) -> None:
        super().__init__(store, audit, mail, clock)
        # Wrong codes are counted in the installation's catalog (the container passes it).
        self._codigos = codigos or CodeGuesses(store, audit, clock)

    @anuncia(ICSOE)
    def crear_contrasena(
        self,
        code: str,
        contrasena: str,
        confirmacion: str,
        *,
        entrada: str = code_guesses.CAPTURISTA_ACTIVACION,
    ) -> str:
        """Crear contraseña with the mailed activation (or recovery) code; return the CURP.
        ``entrada``: where it was typed (after ¿Olvidaste tu contraseña?, the recovery's)."""
        check_crear_contrasena(code, contrasena, confirmacion)
        now = self._clock()
        with one_time_codes.redeem(
            self._store,
            self._codigos,
            entrada,
            code,
            (ACTIVATION_PURPOSE, RESET_PURPOSE),
            now,
            CODE_TEXTS,
        ) as (session, token):
            person = self._token_person(session, token)
            person.password_hash = passwords.hash_password(contrasena)
            person.password_at = now
            relations = session.scalars(
                select(CapturistaRelacion).where(CapturistaRelacion.capturista_id == person.id)
            ).all()
            for rel in relations:
                if rel.estatus == REGISTRADA:
                    rel.estatus = ACTIVA
                    rel.fecha_actualizacion = now
            # The person has a password now: every other pending activation code is void.
            one_time_codes.revoke_codes(session, ACTIVATION_PURPOSE, [r.uuid for r in relations])
            login_throttle.clear(session, SIGN_IN.key(person.curp))
            for correo in sorted({r.correo for r in relations if r.estatus != BAJA}):
                self._mail.enqueue(
                    session,
                    correo,
                    *mail_texts.capturista_contrasena_registrada(person.nombre, person.curp),
                )
            action = (
                "icsoe_capturista_activado"
                if token.purpose == ACTIVATION_PURPOSE
                else "icsoe_contrasena_restablecida"
            )
            self._audit.record(session, person.curp, action, person.curp)
            return person.curp

    def iniciar_sesion(self, curp: str, contrasena: str) -> CapturistaSesion:
        usuario = "".join((curp or "").split()).upper()
        now = self._clock()
        return sign_in.run(
            self._store,
            SIGN_IN,
            usuario,
            contrasena,
            lambda session: self._sign_in(session, usuario, contrasena, now),
        )

    def _sign_in(
        self, session: Session, curp: str, contrasena: str, now: datetime
    ) -> CapturistaSesion | AuthenticationError:
        person = find_person(session, curp)
        refused = sign_in.check_password(
            session, self._audit, SIGN_IN, curp, contrasena, person, now
        )
        if refused is not None:
            return refused
        assert person is not None  # a stored hash matched
        login_throttle.clear(session, SIGN_IN.key(curp))
        if not self._active_contratistas(session, person):
            self._audit.record(session, curp, "icsoe_inicio_sesion_rechazado", curp, "sin relación")
            return AuthenticationError(
                "sin_contratistas",
                "Tu relación con los contratistas que te registraron está en baja: no puedes "
                "ingresar. Comunícate con el contratista.",
            )
        self._audit.record(session, curp, "icsoe_inicio_sesion_capturista", curp)
        name = " ".join(
            p for p in (person.nombre, person.primer_apellido, person.segundo_apellido) if p
        )
        return CapturistaSesion(person.curp, name)

    def contratistas_de(self, curp: str) -> list[ContratistaOpcion]:
        """Seleccionar Contratista: the contratistas for which the capturista is Activa."""
        with self._store.session() as session:
            person = find_person(session, curp)
            return [] if person is None else self._active_contratistas(session, person)

    def seleccionar(self, curp: str, rfc: str) -> ContratistaOpcion:
        with self._store.session() as session:
            person = find_person(session, curp)
            options = [] if person is None else self._active_contratistas(session, person)
            chosen = next((o for o in options if o.rfc == rfc), None)
            if chosen is None:
                raise ValidationError(
                    "contratista_no_disponible",
                    f"No tienes una relación activa con el contratista {rfc}.",
                )
            self._audit.record(session, curp, "icsoe_contratista_seleccionado", rfc)
            return chosen

    def solicitar_recuperacion(self, curp: str) -> None:
        """¿Olvidaste tu contraseña?: a one-use code (24 h) to the capturista's mail. A CURP that
        is no capturista's, one without a password yet or with every relation in baja is
        answered alike (no error, ``MSG_RECUPERACION_ENVIADA``; audited, nothing mailed): the
        answer never tells which CURPs are registered."""
        usuario = "".join((curp or "").split()).upper()
        if not usuario:
            raise ValidationError("campo_obligatorio", "Captura tu usuario (CURP).", "usuario")
        now = self._clock()
        with self._store.session() as session:
            person = find_person(session, usuario)
            correos = (
                []
                if person is None or person.password_hash is None
                else sorted(
                    set(
                        session.scalars(
                            select(CapturistaRelacion.correo).where(
                                CapturistaRelacion.capturista_id == person.id,
                                CapturistaRelacion.estatus != BAJA,
                            )
                        )
                    )
                )
            )
            if person is None or not correos:
                motivo = (
                    "CURP no registrada"
                    if person is None
                    else "sin contraseña"
                    if person.password_hash is None
                    else "relaciones en baja"
                )
                self._audit.record(
                    session, None, "icsoe_recuperacion_sin_envio", usuario[:18], motivo
                )
                return
            # One code per mailbox (each works), all replacing the earlier ones.
            one_time_codes.revoke_codes(session, RESET_PURPOSE, [person.uuid])
            for correo in correos:
                token = one_time_codes.issue_code(
                    session, RESET_PURPOSE, person.uuid, now, revoke=False
                )
                self._mail.enqueue(
                    session,
                    correo,
                    *mail_texts.capturista_recuperacion(person.nombre, person.curp),
                    token=token,
                )
            self._audit.record(session, person.curp, "icsoe_recuperacion_solicitada", person.curp)

    # --- internals -----------------------------------------------------------------------------

    @staticmethod
    def _active_contratistas(session: Session, person: Capturista) -> list[ContratistaOpcion]:
        rows = session.execute(
            select(Contratista.rfc, Contratista.nombre)
            .join(CapturistaRelacion, CapturistaRelacion.contratista_id == Contratista.id)
            .where(
                CapturistaRelacion.capturista_id == person.id,
                CapturistaRelacion.estatus == ACTIVA,
                Contratista.deleted.is_(False),
            )
            .order_by(Contratista.nombre)
        ).all()
        return [ContratistaOpcion(rfc, nombre) for rfc, nombre in rows]

    @staticmethod
    def _token_person(session: Session, token: OneTimeToken) -> Capturista:
        if token.purpose == RESET_PURPOSE:
            person = session.scalar(select(Capturista).where(Capturista.uuid == token.subject_uuid))
        else:
            person = session.scalar(
                select(Capturista)
                .join(CapturistaRelacion, CapturistaRelacion.capturista_id == Capturista.id)
                .where(CapturistaRelacion.uuid == token.subject_uuid)
            )
        if person is None:
            raise ValidationError("usuario_inexistente", "El usuario del código ya no existe.")
        return person
