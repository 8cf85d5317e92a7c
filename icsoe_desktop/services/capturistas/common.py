"""What the contratista's and the capturista's sides share: the one-use code purposes, the
Consulta row and the lookups of a capturista and a contratista."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.store.models import (
    BAJA,
    REGISTRADA,
    Capturista,
    CapturistaRelacion,
    Contratista,
)

ACTIVATION_PURPOSE = "activacion_capturista_icsoe"  # subject: the relation's uuid
RESET_PURPOSE = "recuperar_contrasena_capturista_icsoe"  # subject: the capturista's uuid
THROTTLE_PREFIX = "icsoe:"  # LoginThrottle rows are keyed by usuario; IDSE's are e-mails
GRUPO = "Contratista"
MSG_CURP_DUPLICADA = "La CURP {curp} ya está registrada como usuario de este contratista."


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


def row_of(rel: CapturistaRelacion, cap: Capturista, contratista_nombre: str) -> CapturistaRow:
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


def find_person(session: Session, curp: str) -> Capturista | None:
    return session.scalar(
        select(Capturista).where(Capturista.curp == curp, Capturista.deleted.is_(False))
    )


def find_contratista(session: Session, rfc: str) -> Contratista:
    """The contratista that may administer capturistas: entered, with its datos generales."""
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


def has_relation(session: Session, contratista: Contratista, person: Capturista) -> bool:
    return (
        session.scalar(
            select(CapturistaRelacion.id).where(
                CapturistaRelacion.contratista_id == contratista.id,
                CapturistaRelacion.capturista_id == person.id,
            )
        )
        is not None
    )
