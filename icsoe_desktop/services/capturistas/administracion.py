"""The contratista's administration of its capturistas (guía Alta de usuarios): alta with its
two mails, the Consulta (keyset paging), edit while the capturista has no password, re-sending
the activation code, baja and reactivation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.contacto import CurpInfo, check_curp
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.acceso import one_time_codes
from icsoe_desktop.services.capturistas.common import (
    ACTIVATION_PURPOSE,
    MSG_CURP_DUPLICADA,
    CapturistaRow,
    find_contratista,
    find_person,
    has_relation,
    row_of,
)
from icsoe_desktop.services.capturistas.formulario import CapturistaForm, CheckedForm, check_form
from icsoe_desktop.services.correo import textos as mail_texts
from icsoe_desktop.services.notifying import NotifyingService
from icsoe_desktop.store.models import (
    ACTIVA,
    BAJA,
    REGISTRADA,
    Capturista,
    CapturistaRelacion,
    Contratista,
)

MSG_GUARDADO = "El usuario se guardó exitosamente"  # the guide writes «guardo»: a typo
MSG_ACTUALIZADO = "El usuario se actualizó exitosamente"
MSG_BAJA_PREGUNTA = "Estás dando de baja al usuario {nombre} ¿Deseas continuar?"
MSG_BAJA = "Relación con el usuario en baja."
MSG_ACTIVAR_PREGUNTA = "Se reactivará la relación con el usuario {nombre} ¿Deseas continuar?"
MSG_REACTIVADO = "Se reactivó la relación con el usuario."
MSG_CORREO_ENVIADO = (
    "Se envió un correo con la nueva liga (código) de activación; es válida durante 24 horas. "
    "La liga anterior ya no funciona."
)


@dataclass(frozen=True)
class Conocido:
    """What Validar shows for a CURP: what it encodes, and the names if the person is known."""

    curp: CurpInfo
    nombre: str = ""
    primer_apellido: str = ""
    segundo_apellido: str = ""
    activo: bool = False  # has a password: the names are settled


class CapturistasService(NotifyingService):
    # --- alta ----------------------------------------------------------------------------------

    def validar_curp(self, curp: str) -> Conocido:
        info = check_curp(curp)
        with self._store.session() as session:
            person = find_person(session, info.curp)
            if person is None:
                return Conocido(info)
            return Conocido(
                info,
                person.nombre,
                person.primer_apellido,
                person.segundo_apellido,
                person.password_hash is not None,
            )

    @anuncia(ICSOE)
    def alta(self, contratista_rfc: str, form: CapturistaForm) -> CapturistaRow:
        checked = check_form(form)
        with self._store.session() as session:
            contratista = find_contratista(session, contratista_rfc)
            return self.add(session, contratista, checked)

    def add(
        self, session: Session, contratista: Contratista, checked: CheckedForm
    ) -> CapturistaRow:
        """The alta of checked values in the caller's unit of work (one alta, or every row of
        the alta masiva): the person by CURP (new or known), its relation, the two mails."""
        now = self._clock()
        person = find_person(session, checked.curp)
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
            if has_relation(session, contratista, person):
                raise ValidationError(
                    "curp_duplicada", MSG_CURP_DUPLICADA.format(curp=checked.curp), "curp"
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
        return row_of(rel, person, contratista.nombre)

    def _notice_mail(
        self,
        session: Session,
        contratista: Contratista,
        person: Capturista,
        rel: CapturistaRelacion,
    ) -> None:
        """Guide Ingreso del capturista, paso 1: the contratista registered you."""
        self._mail.enqueue(
            session,
            rel.correo,
            *mail_texts.capturista_registro(
                person.nombre, contratista.nombre, contratista.rfc, person.curp
            ),
        )

    def _invite(
        self,
        session: Session,
        contratista: Contratista,
        person: Capturista,
        rel: CapturistaRelacion,
    ) -> None:
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
            contratista = find_contratista(session, contratista_rfc)
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
            contratista = find_contratista(session, contratista_rfc)
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
            return row_of(rel, person, contratista.nombre)

    # --- editar, enviar email, baja, activar ----------------------------------------------------

    @anuncia(ICSOE)
    def actualizar(
        self, contratista_rfc: str, relacion_id: int, form: CapturistaForm
    ) -> CapturistaRow:
        checked = check_form(form)
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if not row_of(rel, person, "").puede_editar:
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
            return row_of(rel, person, contratista.nombre)

    @anuncia(ICSOE)
    def enviar_email(self, contratista_rfc: str, relacion_id: int) -> CapturistaRow:
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if not row_of(rel, person, "").puede_enviar_email:
                raise ValidationError(
                    "envio_no_disponible",
                    "La liga de activación sólo puede reenviarse mientras el usuario no haya "
                    "generado su contraseña y la relación no esté en baja.",
                )
            self._invite(session, contratista, person, rel)
            self._audit.record(session, contratista.rfc, "icsoe_capturista_reenvio", person.curp)
            return row_of(rel, person, contratista.nombre)

    @anuncia(ICSOE)
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
            return row_of(rel, person, contratista.nombre)

    @anuncia(ICSOE)
    def reactivar(self, contratista_rfc: str, relacion_id: int) -> CapturistaRow:
        with self._store.session() as session:
            contratista, rel, person = self._relation(session, contratista_rfc, relacion_id)
            if rel.estatus != BAJA:
                raise ValidationError("no_en_baja", "La relación con el usuario no está en baja.")
            rel.estatus = ACTIVA if person.password_hash else REGISTRADA
            rel.fecha_baja = None
            rel.fecha_actualizacion = self._clock()
            self._audit.record(session, contratista.rfc, "icsoe_capturista_reactivado", person.curp)
            return row_of(rel, person, contratista.nombre)

    # --- internals -----------------------------------------------------------------------------

    def _relation(
        self, session: Session, rfc: str, relacion_id: int
    ) -> tuple[Contratista, CapturistaRelacion, Capturista]:
        contratista = find_contratista(session, rfc)
        rel = session.get(CapturistaRelacion, relacion_id)
        if rel is None or rel.contratista_id != contratista.id:
            raise ValidationError("usuario_inexistente", "El usuario ya no existe.")
        person = session.get(Capturista, rel.capturista_id)
        assert person is not None
        return contratista, rel, person
