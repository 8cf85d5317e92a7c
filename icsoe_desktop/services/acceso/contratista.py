"""Who may act for a contratista, asked by every obligation it files (the informativa, the
SISUB, the REPSE registrations): the contratista itself, a capturista whose relation with it is
active, the command line, or whoever the role matrix (``permisos.py``) lets act. One instance is
built by the container and handed to each of those services, so they compose the check instead
of inheriting it. A refusal is audited in its own unit of work (it stays although the caller's
work is rolled back) and raised as ``PermisoDenegado``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import Accion, Rol
from icsoe_desktop.services.acceso.permisos import PermisoDenegado, Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import ACTIVA, Capturista, CapturistaRelacion, Contratista

AUDIT_RECHAZO = "icsoe_informativa_rechazada"
MSG_SIN_RELACION = "No tienes una relación activa con el contratista {rfc}."
MSG_OTRO_CONTRATISTA = (
    "Una sesión del contratista {actor} no puede trabajar con el contratista {rfc}."
)


class AccesoContratista:
    def __init__(self, store: Store, audit: AuditService, permisos: Permisos) -> None:
        self._store = store
        self._audit = audit
        self.permisos = permisos

    def contratista(
        self,
        session: Session,
        rfc: str,
        actor: str | None,
        accion: Accion = Accion.CAPTURAR_INFORMATIVA,
    ) -> Contratista:
        """The contratista ``rfc`` when ``actor`` may act for it: the contratista itself, a
        capturista active with it, or the command line. Refusals are audited."""
        rol = self.permisos.exigir(actor, accion, rfc)
        row = session.scalar(
            select(Contratista).where(Contratista.rfc == rfc, Contratista.deleted.is_(False))
        )
        if row is None:
            raise ValidationError(
                "contratista_inexistente",
                f"El contratista {rfc} no está registrado en esta empresa.",
            )
        if rol is Rol.CONTRATISTA and actor != rfc:
            self.rechazar(actor, rfc, MSG_OTRO_CONTRATISTA.format(actor=actor, rfc=rfc))
        if rol is Rol.CAPTURISTA and not activa(session, row.id, actor or ""):
            self.rechazar(actor, rfc, MSG_SIN_RELACION.format(rfc=rfc))
        return row

    def rechazar(self, actor: str | None, rfc: str, mensaje: str) -> None:
        # Its own unit of work: the refusal stays although the caller's work is rolled back.
        with self._store.session() as session:
            self._audit.record(session, actor, AUDIT_RECHAZO, rfc, mensaje)
        raise PermisoDenegado("permiso_denegado", mensaje)


def activa(session: Session, contratista_id: int, curp: str) -> bool:
    """Whether the capturista ``curp`` has an active relation with the contratista."""
    return (
        session.scalar(
            select(CapturistaRelacion.id)
            .join(Capturista, Capturista.id == CapturistaRelacion.capturista_id)
            .where(
                CapturistaRelacion.contratista_id == contratista_id,
                Capturista.curp == curp,
                CapturistaRelacion.estatus == ACTIVA,
                CapturistaRelacion.deleted.is_(False),
            )
        )
        is not None
    )


__all__ = [
    "AUDIT_RECHAZO",
    "MSG_OTRO_CONTRATISTA",
    "MSG_SIN_RELACION",
    "AccesoContratista",
    "activa",
]
