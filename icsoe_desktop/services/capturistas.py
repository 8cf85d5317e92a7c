"""ICSOE capturistas: alta, consulta (paged), edición, reenvío de la liga, baja y reactivación by
the contratista (guía Alta de usuarios); activación, inicio de sesión, recuperación and the choice
of contratista by the capturista (guía Ingreso del capturista)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import passwords, tokens
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.contacto import CurpInfo, check_curp, check_telefono, required_text
from icsoe_desktop.domain.emails import CORREO_OBLIGATORIO, check_email, normalize_email
from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.services import login_throttle, mail_texts, one_time_codes
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.mail import MailService
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

ACTIVATION_PURPOSE = "activacion_capturista_icsoe"  # subject: the relation's uuid
RESET_PURPOSE = "recuperar_contrasena_capturista_icsoe"  # subject: the capturista's uuid
ROLES = ("Capturista",)
GRUPO = "Contratista"
THROTTLE_PREFIX = "icsoe:"  # LoginThrottle rows are keyed by usuario; IDSE's are e-mails
CODE_THROTTLE = "codigo:icsoe"  # wrong codes typed in Crear contraseña

MSG_GUARDADO = "El usuario se guardo exitosamente"  # sic: the guide's spelling
MSG_ACTUALIZADO = "El usuario se actualizó exitosamente"
MSG_BAJA_PREGUNTA = "Estás dando de baja al usuario {nombre} ¿Deseas continuar?"
MSG_BAJA = "Relación con el usuario en baja."
MSG_ACTIVAR_PREGUNTA = "Se reactivará la relación con el usuario {nombre} ¿Deseas continuar?"
MSG_REACTIVADO = "Se reactivó la relación con el usuario."
MSG_CONTRASENA_ACTUALIZADA = "Contraseña actualizada"
MSG_CREDENCIALES = "El usuario o la contraseña son incorrectos. Verifica la información."
MSG_CORREO_ENVIADO = (
    "Se envió un correo con la nueva liga (código) de activación; es válida durante 24 horas. "
    "La liga anterior ya no funciona."
)

EXPORT_HEADERS = (
    "CURP",
    "Nombre(s)",
    "Primer Apellido",
    "Segundo Apellido",
    "Rol",
    "Estatus",
    "Grupo",
    "Contratista relacionado",
    "Fecha alta",
    "Fecha baja",
    "Fecha actualización",
)
# Bulk alta: the alta form's fields, in its order.
BULK_HEADERS = (
    "CURP",
    "Nombre(s)",
    "Primer apellido",
    "Segundo apellido",
    "Rol asignado",
    "Teléfono",
    "Correo electrónico",
    "Confirmar correo electrónico",
)
MAX_BULK_ROWS = 5000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CapturistaForm:
    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    rol: str
    telefono: str
    correo: str
    confirmar_correo: str


@dataclass(frozen=True)
class CapturistaRow:
    """One line of the Consulta grid."""

    id: int
    rol: str
    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    correo: str
    telefono: str
    estatus: str
    contratista_relacionado: str
    fecha_alta: datetime
    usuario_alta: str
    fecha_baja: datetime | None
    fecha_actualizacion: datetime | None
    tiene_contrasena: bool
    grupo: str = GRUPO

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.primer_apellido, self.segundo_apellido) if p)

    @property
    def puede_editar(self) -> bool:
        """Guide: only while the capturista has not created its password."""
        return self.estatus == REGISTRADA and not self.tiene_contrasena

    puede_enviar_email = puede_editar

    @property
    def puede_activar(self) -> bool:
        return self.estatus == BAJA

    @property
    def puede_eliminar(self) -> bool:
        return self.estatus != BAJA


@dataclass(frozen=True)
class Conocido:
    """What Validar shows for a CURP: what it encodes, and the names if the person is known."""

    curp: CurpInfo
    nombre: str = ""
    primer_apellido: str = ""
    segundo_apellido: str = ""
    activo: bool = False  # has a password: the names are settled


@dataclass(frozen=True)
class CapturistaSesion:
    curp: str
    nombre_completo: str
    rol: str = "Capturista"


@dataclass(frozen=True)
class ContratistaOpcion:
    rfc: str
    nombre: str


@dataclass(frozen=True)
class Rechazo:
    fila: int  # the spreadsheet's row number
    motivo: str


@dataclass(frozen=True)
class AltaMasiva:
    guardados: int
    rechazos: tuple[Rechazo, ...]


def _row(rel: CapturistaRelacion, cap: Capturista, contratista_nombre: str) -> CapturistaRow:
    return CapturistaRow(
        id=rel.id,
        rol=rel.rol,
        curp=cap.curp,
        nombre=cap.nombre,
        primer_apellido=cap.primer_apellido,
        segundo_apellido=cap.segundo_apellido,
        correo=rel.correo,
        telefono=rel.telefono,
        estatus=rel.estatus,
        contratista_relacionado=contratista_nombre,
        fecha_alta=rel.fecha_alta,
        usuario_alta=rel.usuario_alta,
        fecha_baja=rel.fecha_baja,
        fecha_actualizacion=rel.fecha_actualizacion,
        tiene_contrasena=cap.password_hash is not None,
    )


@dataclass(frozen=True)
class _Checked:
    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    rol: str
    telefono: str
    correo: str


def _field_checks(form: CapturistaForm) -> dict[str, Callable[[], str]]:
    """One check per field of the alta form, in its order; each returns the clean value."""

    def rol() -> str:
        if form.rol not in ROLES:
            raise ValidationError("campo_obligatorio", "Elige el rol asignado.", "rol")
        return form.rol

    return {
        "curp": lambda: check_curp(form.curp).curp,
        "nombre": lambda: required_text(form.nombre, "Nombre(s)", "nombre", 100).upper(),
        "primer_apellido": lambda: required_text(
            form.primer_apellido, "Primer apellido", "primerApellido", 100
        ).upper(),
        "segundo_apellido": lambda: required_text(
            form.segundo_apellido, "Segundo apellido", "segundoApellido", 100
        ).upper(),
        "rol": rol,
        "telefono": lambda: check_telefono(form.telefono, "teléfono", "telefono"),
        "correo": lambda: check_email(
            form.correo,
            "correo",
            "Captura un correo electrónico válido (por ejemplo, ana@empresa.com).",
            empty=CORREO_OBLIGATORIO,
        ),
    }


def _check_confirmation(form: CapturistaForm, correo: str) -> None:
    if normalize_email(form.confirmar_correo) != correo:
        raise ValidationError(
            "correos_distintos",
            "El correo electrónico y la confirmación del correo electrónico no coinciden.",
            "confirmarCorreo",
        )


def _check_form(form: CapturistaForm) -> _Checked:
    """Every rule of the alta form, in the order of its fields; the first broken one raises
    (the form then focuses its field)."""
    values = {name: check() for name, check in _field_checks(form).items()}
    _check_confirmation(form, values["correo"])
    return _Checked(**values)


def _form_errors(form: CapturistaForm) -> list[str]:
    """Every broken rule of a row, for the alta masiva report (fixing one at a time is slow)."""
    errors: list[str] = []
    correo = None
    for name, check in _field_checks(form).items():
        try:
            value = check()
        except ValidationError as exc:
            errors.append(exc.message)
            continue
        if name == "correo":
            correo = value
    if correo is not None:
        try:
            _check_confirmation(form, correo)
        except ValidationError as exc:
            errors.append(exc.message)
    return errors


class CapturistasService:
    def __init__(
        self, store: Store, audit: AuditService, mail: MailService, clock: Clock = utcnow
    ) -> None:
        self._store = store
        self._audit = audit
        self._mail = mail
        self._clock = clock

    # --- alta ----------------------------------------------------------------------------------

    def validar_curp(self, curp: str) -> Conocido:
        info = check_curp(curp)
        with self._store.session() as session:
            person = self._person(session, info.curp)
            if person is None:
                return Conocido(info)
            return Conocido(
                info,
                person.nombre,
                person.primer_apellido,
                person.segundo_apellido,
                person.password_hash is not None,
            )

    def alta(self, contratista_rfc: str, form: CapturistaForm) -> CapturistaRow:
        checked = _check_form(form)
        with self._store.session() as session:
            contratista = self._contratista(session, contratista_rfc)
            row = self._add(session, contratista, checked)
            return row

    def _add(self, session: Session, contratista: Contratista, checked: _Checked) -> CapturistaRow:
        now = self._clock()
        person = self._person(session, checked.curp)
        if person is None:
            person = Capturista(
                curp=checked.curp,
                nombre=checked.nombre,
                primer_apellido=checked.primer_apellido,
                segundo_apellido=checked.segundo_apellido,
            )
            session.add(person)
            session.flush()
        else:
            exists = session.scalar(
                select(CapturistaRelacion.id).where(
                    CapturistaRelacion.contratista_id == contratista.id,
                    CapturistaRelacion.capturista_id == person.id,
                )
            )
            if exists is not None:
                raise ValidationError(
                    "curp_duplicada",
                    f"La CURP {checked.curp} ya está registrada como usuario de este contratista.",
                    "curp",
                )
            if person.password_hash is None:  # names are settled once the person activates
                person.nombre = checked.nombre
                person.primer_apellido = checked.primer_apellido
                person.segundo_apellido = checked.segundo_apellido
        rel = CapturistaRelacion(
            contratista_id=contratista.id,
            capturista_id=person.id,
            rol=checked.rol,
            telefono=checked.telefono,
            correo=checked.correo,
            estatus=ACTIVA if person.password_hash else REGISTRADA,
            usuario_alta=contratista.rfc,
            fecha_alta=now,
        )
        session.add(rel)
        session.flush()
        self._notice_mail(session, contratista, person, rel)
        self._invite(session, contratista, person, rel)
        self._audit.record(session, contratista.rfc, "icsoe_capturista_alta", person.curp, rel.rol)
        return _row(rel, person, contratista.nombre)

    def _notice_mail(
        self, session: Session, contratista: Contratista, person: Capturista, rel
    ) -> None:
        """Guide Ingreso del capturista, paso 1: the contratista registered you."""
        self._mail.enqueue(
            session,
            rel.correo,
            *mail_texts.capturista_registro(
                person.nombre, contratista.nombre, contratista.rfc, person.curp
            ),
        )

    def _invite(self, session: Session, contratista: Contratista, person: Capturista, rel) -> None:
        """Paso 2: the mail to create the password, with a one-use code valid 24 hours; a new
        one revokes the earlier ones of this relation. A person who already has a password (it
        captures for another contratista) is told to sign in instead."""
        if person.password_hash is not None:
            self._mail.enqueue(
                session,
                rel.correo,
                *mail_texts.capturista_nuevo_contratista(
                    person.nombre, contratista.nombre, contratista.rfc
                ),
            )
            return
        now = self._clock()
        token = one_time_codes.issue_code(session, ACTIVATION_PURPOSE, rel.uuid, now)
        self._mail.enqueue(
            session,
            rel.correo,
            *mail_texts.capturista_activacion(person.nombre, person.curp),
            token=token,
        )

    # --- consulta ------------------------------------------------------------------------------

    def total(self, contratista_rfc: str) -> int:
        with self._store.session() as session:
            contratista = self._contratista(session, contratista_rfc)
            return (
                session.scalar(
                    select(func.count())
                    .select_from(CapturistaRelacion)
                    .where(CapturistaRelacion.contratista_id == contratista.id)
                )
                or 0
            )

    def pagina(
        self, contratista_rfc: str, after_id: int = 0, limit: int = 200
    ) -> list[CapturistaRow]:
        """The next ``limit`` rows after relation id ``after_id`` (keyset paging: the grid asks
        for page after page and each costs the same however far it is)."""
        with self._store.session() as session:
            contratista = self._contratista(session, contratista_rfc)
            # Plain columns, not ORM entities: a page is read-only and 3x cheaper this way.
            rel, cap = CapturistaRelacion, Capturista
            rows = session.execute(
                select(
                    rel.id,
                    rel.rol,
                    cap.curp,
                    cap.nombre,
                    cap.primer_apellido,
                    cap.segundo_apellido,
                    rel.correo,
                    rel.telefono,
                    rel.estatus,
                    rel.fecha_alta,
                    rel.usuario_alta,
                    rel.fecha_baja,
                    rel.fecha_actualizacion,
                    cap.password_hash.is_not(None),
                )
                .join(cap, cap.id == rel.capturista_id)
                .where(rel.contratista_id == contratista.id, rel.id > after_id)
                .order_by(rel.id)
                .limit(limit)
            ).all()
            nombre = contratista.nombre
            return [
                CapturistaRow(
                    id=r[0],
                    rol=r[1],
                    curp=r[2],
                    nombre=r[3],
                    primer_apellido=r[4],
                    segundo_apellido=r[5],
                    correo=r[6],
                    telefono=r[7],
                    estatus=r[8],
                    contratista_relacionado=nombre,
                    fecha_alta=r[9],
                    usuario_alta=r[10],
                    fecha_baja=r[11],
                    fecha_actualizacion=r[12],
                    tiene_contrasena=bool(r[13]),
                )
                for r in rows
            ]

    def fila(self, contratista_rfc: str, relacion_id: int) -> CapturistaRow:
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            return _row(rel, person, contratista.nombre)

    # --- editar, enviar email, baja, activar ----------------------------------------------------

    def actualizar(
        self, contratista_rfc: str, relacion_id: int, form: CapturistaForm
    ) -> CapturistaRow:
        checked = _check_form(form)
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if not _row(rel, person, "").puede_editar:
                raise ValidationError(
                    "edicion_no_disponible",
                    "Los datos del usuario sólo pueden editarse mientras no haya generado su "
                    "contraseña y la relación no esté en baja.",
                )
            if checked.curp != person.curp:
                raise ValidationError(
                    "curp_no_editable", "La CURP del usuario no puede modificarse.", "curp"
                )
            correo_cambio = checked.correo != rel.correo
            person.nombre = checked.nombre
            person.primer_apellido = checked.primer_apellido
            person.segundo_apellido = checked.segundo_apellido
            rel.rol, rel.telefono, rel.correo = checked.rol, checked.telefono, checked.correo
            rel.fecha_actualizacion = self._clock()
            if correo_cambio:  # the link went to the wrong mailbox: a new one to the right one
                self._invite(session, contratista, person, rel)
            self._audit.record(
                session, contratista.rfc, "icsoe_capturista_actualizado", person.curp
            )
            return _row(rel, person, contratista.nombre)

    def enviar_email(self, contratista_rfc: str, relacion_id: int) -> CapturistaRow:
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if not _row(rel, person, "").puede_enviar_email:
                raise ValidationError(
                    "envio_no_disponible",
                    "La liga de activación sólo puede reenviarse mientras el usuario no haya "
                    "generado su contraseña y la relación no esté en baja.",
                )
            self._invite(session, contratista, person, rel)
            self._audit.record(session, contratista.rfc, "icsoe_capturista_reenvio", person.curp)
            return _row(rel, person, contratista.nombre)

    def baja(self, contratista_rfc: str, relacion_id: int) -> CapturistaRow:
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if rel.estatus == BAJA:
                raise ValidationError("ya_en_baja", "La relación con el usuario ya está en baja.")
            now = self._clock()
            rel.estatus = BAJA
            rel.fecha_baja = now
            rel.fecha_actualizacion = now
            # A pending activation code of this relation dies with it.
            one_time_codes.revoke_codes(session, ACTIVATION_PURPOSE, [rel.uuid])
            self._audit.record(session, contratista.rfc, "icsoe_capturista_baja", person.curp)
            return _row(rel, person, contratista.nombre)

    def reactivar(self, contratista_rfc: str, relacion_id: int) -> CapturistaRow:
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if rel.estatus != BAJA:
                raise ValidationError("no_en_baja", "La relación con el usuario no está en baja.")
            rel.estatus = ACTIVA if person.password_hash else REGISTRADA
            rel.fecha_baja = None
            rel.fecha_actualizacion = self._clock()
            self._audit.record(session, contratista.rfc, "icsoe_capturista_reactivado", person.curp)
            return _row(rel, person, contratista.nombre)

    # --- Excel ---------------------------------------------------------------------------------

    def export_file_name(self, contratista_rfc: str) -> str:
        """``Capturistas_<contratista id>_<epoch ms>.xlsx``, as the guide's example."""
        with self._store.session() as session:
            contratista = self._contratista(session, contratista_rfc)
            return f"Capturistas_{contratista.id}_{_epoch_ms(self._clock())}.xlsx"

    def exportar_excel(self, contratista_rfc: str, path, progress: Progress | None = None) -> int:
        """Write every capturista of the contratista; return how many. Dates are Excel dates
        in local time; names are written as text, never as formulas. No secret (hash, code)
        is exported."""
        from icsoe_desktop.services.excel import DATETIME, SheetColumn, write_sheet

        dates = {"Fecha alta", "Fecha baja", "Fecha actualización"}
        columns = [
            SheetColumn(h, DATETIME, 17.0) if h in dates else SheetColumn(h, width=18.0)
            for h in EXPORT_HEADERS
        ]

        def rows():
            after = 0
            while page := self.pagina(contratista_rfc, after, 1000):
                for row in page:
                    yield (
                        row.curp,
                        row.nombre,
                        row.primer_apellido,
                        row.segundo_apellido,
                        row.rol,
                        row.estatus,
                        row.grupo,
                        row.contratista_relacionado,
                        _local(row.fecha_alta),
                        _local(row.fecha_baja),
                        _local(row.fecha_actualizacion),
                    )
                after = page[-1].id

        written = write_sheet(
            Path(path), "Capturistas", columns, rows(), self.total(contratista_rfc), progress
        )
        with self._store.session() as session:
            self._audit.record(
                session, contratista_rfc, "icsoe_capturistas_exportados", path.name, str(written)
            )
        return written

    def alta_masiva(
        self, contratista_rfc: str, path, progress: Progress | None = None
    ) -> AltaMasiva:
        """Every row of the .xlsx (columns BULK_HEADERS) is checked; if any is refused, none is
        saved and the report says which and why; otherwise all are saved in one transaction."""
        rows = _read_bulk(path)
        checked: list[tuple[int, _Checked]] = []
        refused: list[Rechazo] = []
        seen: dict[str, int] = {}
        for number, values in rows:
            form = CapturistaForm(*(str(v) if v is not None else "" for v in values))
            errors = _form_errors(form)
            if errors:
                refused.append(Rechazo(number, " ".join(errors)))
                continue
            item = _check_form(form)
            if item.curp in seen:
                refused.append(
                    Rechazo(number, f"La CURP {item.curp} se repite (fila {seen[item.curp]}).")
                )
                continue
            seen[item.curp] = number
            checked.append((number, item))
        if not rows:
            raise ValidationError(
                "excel_vacio", "El archivo no tiene filas de capturistas debajo de los encabezados."
            )
        with self._store.session() as session:
            contratista = self._contratista(session, contratista_rfc)
            for number, item in checked:
                person = self._person(session, item.curp)
                if person is not None and self._has_relation(session, contratista, person):
                    refused.append(
                        Rechazo(
                            number,
                            f"La CURP {item.curp} ya está registrada como usuario de este "
                            "contratista.",
                        )
                    )
            if refused:
                return AltaMasiva(0, tuple(sorted(refused, key=lambda r: r.fila)))
            # One unit of work: any failure from here on rolls every row back.
            for done, (_number, item) in enumerate(checked, 1):
                self._add(session, contratista, item)
                if progress is not None:
                    progress(done, len(checked))
            self._audit.record(
                session,
                contratista.rfc,
                "icsoe_capturistas_alta_masiva",
                path.name,
                str(len(checked)),
            )
            return AltaMasiva(len(checked), ())

    # --- capturista: activation, sign-in, recovery, contratista ---------------------------------

    def crear_contrasena(self, code: str, contrasena: str, confirmacion: str) -> str:
        """Crear contraseña with the mailed activation (or recovery) code; return the CURP."""
        if not tokens.normalize_code(code):
            raise ValidationError(
                "campo_obligatorio", "Captura el código que recibiste por correo.", "codigo"
            )
        if not contrasena:
            raise ValidationError(
                "campo_obligatorio", "El campo «Contraseña nueva» es obligatorio.", "contrasena"
            )
        if not confirmacion:
            raise ValidationError(
                "campo_obligatorio",
                "El campo «Confirmar contraseña» es obligatorio.",
                "confirmacion",
            )
        if contrasena != confirmacion:
            raise ValidationError(
                "contrasenas_distintas",
                "La contraseña nueva y la confirmación de la contraseña no coinciden.",
                "confirmacion",
            )
        passwords.check_password_policy(contrasena)
        now = self._clock()
        one_time_codes.check_guess(
            self._store, CODE_THROTTLE, code, (ACTIVATION_PURPOSE, RESET_PURPOSE), now
        )
        with self._store.session() as session:
            token = session.scalar(
                select(OneTimeToken).where(
                    OneTimeToken.code_hash == tokens.hash_code(code),
                    OneTimeToken.purpose.in_((ACTIVATION_PURPOSE, RESET_PURPOSE)),
                )
            )
            _check_token(token, now)
            assert token is not None
            person = self._token_person(session, token)
            person.password_hash = passwords.hash_password(contrasena)
            person.password_at = now
            token.used_at = now
            relations = session.scalars(
                select(CapturistaRelacion).where(CapturistaRelacion.capturista_id == person.id)
            ).all()
            for rel in relations:
                if rel.estatus == REGISTRADA:
                    rel.estatus = ACTIVA
                    rel.fecha_actualizacion = now
            # The person has a password now: every other pending activation code is void.
            one_time_codes.revoke_codes(session, ACTIVATION_PURPOSE, [r.uuid for r in relations])
            login_throttle.clear(session, THROTTLE_PREFIX + person.curp)
            login_throttle.clear(session, CODE_THROTTLE)
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
        if not usuario or not contrasena:
            raise AuthenticationError(
                "credenciales_vacias", "Captura el usuario (tu CURP) y la contraseña."
            )
        now = self._clock()
        with self._store.session() as session:
            outcome = self._sign_in(session, usuario, contrasena, now)
        if isinstance(outcome, AuthenticationError):
            raise outcome
        return outcome

    def _sign_in(
        self, session: Session, curp: str, contrasena: str, now: datetime
    ) -> CapturistaSesion | AuthenticationError:
        key = THROTTLE_PREFIX + curp
        throttle, locked = login_throttle.current_lock(session, key, now)
        if locked is not None:
            return locked
        person = self._person(session, curp)
        stored = None if person is None else person.password_hash
        if not passwords.verify_password_or_dummy(contrasena, stored):
            error, _locked = login_throttle.register_failure(
                session, key, throttle, now, MSG_CREDENCIALES
            )
            self._audit.record(session, curp, "icsoe_inicio_sesion_fallido", curp)
            return error
        assert person is not None  # a stored hash matched
        if throttle is not None:
            session.delete(throttle)
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
            person = self._person(session, curp)
            return [] if person is None else self._active_contratistas(session, person)

    def seleccionar(self, curp: str, rfc: str) -> ContratistaOpcion:
        with self._store.session() as session:
            person = self._person(session, curp)
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
        """¿Olvidaste tu contraseña?: a one-use code (24 h) to the capturista's mail."""
        usuario = "".join((curp or "").split()).upper()
        if not usuario:
            raise ValidationError("campo_obligatorio", "Captura tu usuario (CURP).", "usuario")
        now = self._clock()
        with self._store.session() as session:
            person = self._person(session, usuario)
            if person is None:
                raise ValidationError(
                    "usuario_inexistente",
                    "La CURP no está registrada como usuario capturista.",
                    "usuario",
                )
            if person.password_hash is None:
                raise ValidationError(
                    "sin_contrasena",
                    "Aún no has creado tu contraseña: usa el código de activación que recibiste "
                    "por correo en «Crear contraseña», o pide al contratista que te lo reenvíe.",
                    "usuario",
                )
            correos = sorted(
                set(
                    session.scalars(
                        select(CapturistaRelacion.correo).where(
                            CapturistaRelacion.capturista_id == person.id,
                            CapturistaRelacion.estatus != BAJA,
                        )
                    )
                )
            )
            if not correos:
                raise ValidationError(
                    "sin_contratistas",
                    "Tu relación con los contratistas está en baja: no puedes recuperar la "
                    "contraseña. Comunícate con el contratista.",
                    "usuario",
                )
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

    # --- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _person(session: Session, curp: str) -> Capturista | None:
        return session.scalar(
            select(Capturista).where(Capturista.curp == curp, Capturista.deleted.is_(False))
        )

    @staticmethod
    def _has_relation(session: Session, contratista: Contratista, person: Capturista) -> bool:
        return (
            session.scalar(
                select(CapturistaRelacion.id).where(
                    CapturistaRelacion.contratista_id == contratista.id,
                    CapturistaRelacion.capturista_id == person.id,
                )
            )
            is not None
        )

    @staticmethod
    def _contratista(session: Session, rfc: str) -> Contratista:
        row = session.scalar(
            select(Contratista).where(Contratista.rfc == rfc, Contratista.deleted.is_(False))
        )
        if row is None:
            raise ValidationError(
                "contratista_inexistente", f"El contratista {rfc} no ha ingresado con su e.firma."
            )
        if row.datos_generales_at is None:
            raise ValidationError(
                "sin_datos_generales",
                "Registra primero los datos generales del contratista.",
            )
        return row

    def _relation(
        self, session: Session, rfc: str, relacion_id: int
    ) -> tuple[Contratista, CapturistaRelacion, Capturista]:
        contratista = self._contratista(session, rfc)
        rel = session.get(CapturistaRelacion, relacion_id)
        if rel is None or rel.contratista_id != contratista.id:
            raise ValidationError("usuario_inexistente", "El usuario ya no existe.")
        person = session.get(Capturista, rel.capturista_id)
        assert person is not None
        return contratista, rel, person

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


def _check_token(token: OneTimeToken | None, now: datetime) -> None:
    if token is None:
        raise ValidationError(
            "codigo_invalido",
            "El código no es válido. Verifica el código que recibiste por correo.",
            "codigo",
        )
    if token.used_at is not None:
        raise ValidationError(
            "codigo_usado",
            "Esta liga (código) ya fue utilizada. Si no recuerdas tu contraseña, usa "
            "«¿Olvidaste tu contraseña?».",
            "codigo",
        )
    if token.revoked:
        raise ValidationError(
            "codigo_reemplazado",
            "Esta liga (código) ya no es válida: se envió una más reciente o la relación con el "
            "contratista está en baja. Usa el último código que recibiste por correo.",
            "codigo",
        )
    if token.expires_at <= now:
        raise ValidationError(
            "codigo_expirado",
            "La liga (código) expiró: es válida durante 24 horas. Pide al contratista que te "
            "envíe una nueva («Enviar email»).",
            "codigo",
        )


def _epoch_ms(moment: datetime) -> int:
    from datetime import UTC

    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def _local(value: datetime | None) -> datetime | None:
    """A stored UTC time as the desktop's local wall time (Excel has no zones)."""
    if value is None:
        return None
    from datetime import UTC

    return value.replace(tzinfo=UTC).astimezone().replace(tzinfo=None, microsecond=0)


def _read_bulk(path) -> list[tuple[int, tuple]]:
    """The data rows (row number, 8 values) of the first sheet; the header row must match."""
    from pathlib import Path

    from icsoe_desktop.services.tabular import XLSX_MAGIC, read_bytes
    from icsoe_desktop.services.xlsx_reader import sheet_rows

    data = read_bytes(Path(path))
    if not data.startswith(XLSX_MAGIC):
        raise ValidationError(
            "excel_invalido", "El archivo no es un libro de Excel (.xlsx) válido."
        )
    rows = sheet_rows(data, Path(path).name)
    with closing(rows):
        header = next(rows, (1, ()))[1]
        names = tuple(str(v).strip() if v is not None else "" for v in header[:8])
        if tuple(n.lower() for n in names) != tuple(h.lower() for h in BULK_HEADERS):
            raise ValidationError(
                "excel_encabezados",
                "La primera fila del archivo debe tener los encabezados: "
                + ", ".join(BULK_HEADERS)
                + ".",
            )
        result = []
        for number, values in rows:
            cells = tuple((values or ())[:8]) + (None,) * (8 - len((values or ())[:8]))
            if all(v is None or str(v).strip() == "" for v in cells):
                continue
            if len(result) >= MAX_BULK_ROWS:
                raise ValidationError(
                    "excel_grande", f"El archivo admite hasta {MAX_BULK_ROWS} capturistas."
                )
            result.append((number, tuple(_cell_text(v) for v in cells)))
        return result


def _cell_text(value: object) -> str:
    """Excel turns a phone number into a number (5512345678.0): back to its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
