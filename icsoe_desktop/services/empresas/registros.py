"""The company's registros patronales: the employer RFC and razón social behind each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from icsoe_desktop.domain.cambios import REGISTROS
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_registro_patronal, check_rfc, normalize_registro
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.queries import active_registro, certificate_of

MAX_RAZON_SOCIAL = 250
# Columns of the bulk file (.xlsx or CSV), matched ignoring case, accents and spaces.
IMPORT_HEADERS = ("Registro patronal", "RFC", "Razón social")
MAX_SHOWN_ERRORS = 15


def check_razon_social(value: str, empty_message: str) -> str:
    """Spaces collapsed; required; at most MAX_RAZON_SOCIAL characters."""
    razon = " ".join(value.split())
    if not razon:
        raise ValidationError("campo_obligatorio", empty_message, "razonSocial")
    if len(razon) > MAX_RAZON_SOCIAL:
        raise ValidationError(
            "razon_social_larga",
            f"La razón social no debe exceder {MAX_RAZON_SOCIAL} caracteres.",
            "razonSocial",
        )
    return razon


@dataclass(frozen=True)
class RegistroRow:
    registro: str
    rfc: str
    razon_social: str


class RegistrosService:
    def __init__(self, store: Store, audit: AuditService, permisos: Permisos) -> None:
        self._store = store
        self._audit = audit
        self._permisos = permisos

    def listar(self) -> list[RegistroRow]:
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
        razon = check_razon_social(razon_social, "Captura la razón social del patrón.")
        return RegistroRow(registro, rfc, razon)

    def save(self, registro: str, rfc: str, razon_social: str, actor: str | None) -> RegistroRow:
        """Add a registro patronal, or update the RFC/razón social of an existing one."""
        self._permisos.exigir(actor, Accion.REGISTROS_PATRONALES, registro)
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
        self._store.cambios.anunciar({REGISTROS})
        return row

    def importar(self, path: Path, actor: str | None) -> int:
        """Add (or update) every registro of a .xlsx/CSV with IMPORT_HEADERS; all or nothing:
        if any row is wrong, none is saved and the error lists every bad row and why."""
        self._permisos.exigir(actor, Accion.REGISTROS_PATRONALES, Path(path).name)
        from icsoe_desktop.services.archivos.tabular import header_key, open_table

        table = open_table(path)
        keys = [header_key(h) for h in IMPORT_HEADERS]
        missing = [
            h
            for h, k in zip(IMPORT_HEADERS, keys, strict=True)
            if k not in {header_key(x) for x in table.headers}
        ]
        if missing:
            raise ValidationError(
                "columnas_faltantes",
                f"Al archivo le faltan las columnas: {', '.join(missing)}. La primera fila debe "
                f"decir: {', '.join(IMPORT_HEADERS)}.",
            )
        rows: list[RegistroRow] = []
        errors: list[str] = []
        seen: dict[str, int] = {}
        for line, values in table.rows:
            cells = [str(values.get(k) or "").strip() for k in keys]
            try:
                row = self._validate(*cells)
            except ValidationError as exc:
                errors.append(f"Fila {line}: {exc.message}")
                continue
            if row.registro in seen:
                errors.append(
                    f"Fila {line}: el registro {row.registro} se repite (fila {seen[row.registro]})."
                )
                continue
            seen[row.registro] = line
            rows.append(row)
        if errors:
            shown = errors[:MAX_SHOWN_ERRORS]
            if len(errors) > MAX_SHOWN_ERRORS:
                shown.append(f"… y {plural(len(errors) - MAX_SHOWN_ERRORS, 'fila')} más.")
            raise ValidationError(
                "filas_con_errores",
                f"No se guardó ningún registro patronal: {plural(len(errors), 'fila')} "
                f"{verb(len(errors), 'tiene', 'tienen')} errores.\n\n" + "\n".join(shown),
            )
        if not rows:
            raise ValidationError(
                "archivo_vacio",
                "El archivo no tiene registros patronales debajo de los encabezados.",
            )
        for row in rows:  # each save checks a registro with a certificate keeps its RFC
            self.save(row.registro, row.rfc, row.razon_social, actor)
        return len(rows)

    def delete(self, registro: str, actor: str | None) -> None:
        self._permisos.exigir(actor, Accion.REGISTROS_PATRONALES, registro)
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
        self._store.cambios.anunciar({REGISTROS})
