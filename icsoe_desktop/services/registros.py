"""The company's registros patronales: the employer RFC and razón social behind each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_registro_patronal, check_rfc, normalize_registro
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.queries import active_registro, certificate_of

MAX_RAZON_SOCIAL = 250


@dataclass(frozen=True)
class RegistroRow:
    registro: str
    rfc: str
    razon_social: str


class RegistrosService:
    def __init__(self, store: Store, audit: AuditService) -> None:
        self._store = store
        self._audit = audit

    def list(self) -> list[RegistroRow]:
        with self._store.session() as session:
            rows = session.scalars(
                select(RegistroPatronal)
                .where(RegistroPatronal.deleted.is_(False))
                .order_by(RegistroPatronal.registro)
            ).all()
            return [RegistroRow(r.registro, r.rfc, r.razon_social) for r in rows]

    @staticmethod
    def _validate(registro: str, rfc: str, razon_social: str) -> RegistroRow:
        registro = check_registro_patronal(registro)
        rfc = check_rfc(rfc)
        razon = " ".join(razon_social.split())
        if not razon:
            raise ValidationError(
                "campo_obligatorio", "Captura la razón social del patrón.", "razonSocial"
            )
        if len(razon) > MAX_RAZON_SOCIAL:
            raise ValidationError(
                "razon_social_larga",
                f"La razón social no debe exceder {MAX_RAZON_SOCIAL} caracteres.",
                "razonSocial",
            )
        return RegistroRow(registro, rfc, razon)

    def save(self, registro: str, rfc: str, razon_social: str, actor: str | None) -> RegistroRow:
        """Add a registro patronal, or update the RFC/razón social of an existing one."""
        row = self._validate(registro, rfc, razon_social)
        with self._store.session() as session:
            existing = session.scalar(
                select(RegistroPatronal).where(RegistroPatronal.registro == row.registro)
            )
            if existing is None:
                session.add(
                    RegistroPatronal(
                        registro=row.registro, rfc=row.rfc, razon_social=row.razon_social
                    )
                )
                self._audit.record(session, actor, "registro_patronal_alta", row.registro, row.rfc)
            else:
                if existing.rfc != row.rfc and certificate_of(session, existing.id) is not None:
                    raise ValidationError(
                        "registro_con_certificado",
                        f"El registro patronal {row.registro} tiene un certificado asignado: "
                        "elimínalo en Certificados IMSS antes de cambiar el RFC del patrón.",
                        "rfc",
                    )
                existing.rfc, existing.razon_social, existing.deleted = (
                    row.rfc,
                    row.razon_social,
                    False,
                )
                self._audit.record(
                    session, actor, "registro_patronal_cambio", row.registro, row.rfc
                )
        return row

    def delete(self, registro: str, actor: str | None) -> None:
        registro = normalize_registro(registro)
        with self._store.session() as session:
            existing = active_registro(session, registro)
            if existing is None:
                raise ValidationError(
                    "registro_inexistente", f"El registro patronal {registro} no existe."
                )
            if certificate_of(session, existing.id) is not None:
                raise ValidationError(
                    "registro_con_certificado",
                    f"El registro patronal {registro} tiene un certificado asignado: elimínalo "
                    "primero en Certificados IMSS.",
                )
            existing.deleted = True  # kept for sync: other desktops learn of the removal
            self._audit.record(session, actor, "registro_patronal_baja", registro)
