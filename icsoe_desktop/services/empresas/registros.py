"""The company's registros patronales: the employer RFC and razón social behind each."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.domain.cambios import REGISTROS
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_registro_patronal, check_rfc, normalize_registro
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import check_caracteres, plural, verb
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.archivos.importaciones import registrar
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.queries import active_registro, certificate_of

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.lectura import Esquema, Guia

MAX_RAZON_SOCIAL = 250
# Columns of the bulk file (.xlsx or CSV) as the intake finds them (services/archivos/lectura/:
# by name or alias, ignoring case, accents, dots and spaces, on whichever of the first rows).
IMPORT_HEADERS = ("Registro patronal", "RFC", "Razón social")
_CLAVES = ("registro_patronal", "rfc", "razon_social")
_ALIAS_RFC = ("RFC del patrón", "RFC patrón")
_ALIAS_RAZON = (
    "Razón social del patrón",
    "Nombre o razón social",
    "Denominación o razón social",
    "Nombre del patrón",
    "Patrón",
)
MAX_SHOWN_ERRORS = 15


@functools.cache  # built on first use: the intake is not loaded at start-up
def esquema_importacion() -> Esquema:
    from icsoe_desktop.services.archivos.lectura import ALIAS, Campo, Esquema, ceros

    alias = (ALIAS["registro_patronal"], _ALIAS_RFC, _ALIAS_RAZON)
    return Esquema(
        tuple(
            Campo(
                clave,
                titulo,
                nombres,
                requerido=True,
                normalizar=ceros(11) if clave == "registro_patronal" else None,
            )
            for clave, titulo, nombres in zip(_CLAVES, IMPORT_HEADERS, alias, strict=True)
        )
    )


# The schema is built on first use: the intake is not loaded at start-up.
IMPORTACION = registrar("registros_patronales", Accion.REGISTROS_PATRONALES, esquema_importacion)


def check_razon_social(value: str, empty_message: str) -> str:
    """Spaces collapsed; required; at most MAX_RAZON_SOCIAL characters."""
    razon = " ".join(check_caracteres(value, "Razón social", "razonSocial", libre=True).split())
    if not razon:
        raise ValidationError("campo_obligatorio", empty_message, "razonSocial")
    if len(razon) > MAX_RAZON_SOCIAL:
        raise ValidationError(
            "razon_social_larga",
            f"La razón social no debe exceder {MAX_RAZON_SOCIAL} caracteres.",
            "razonSocial",
        )
    return razon


def _check_razon(value: str) -> str:
    return check_razon_social(value, "Captura la razón social del patrón.")


# A registro's fields, each checked on its own (an import names every problem of a row).
_CHECKS: tuple[Callable[[str], str], ...] = (check_registro_patronal, check_rfc, _check_razon)


@dataclass(frozen=True)
class RegistrosImportados:
    guardados: int
    notas: tuple[str, ...]  # what was read differently than asked (columns, rows left out)


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
        return RegistroRow(
            *(check(v) for check, v in zip(_CHECKS, (registro, rfc, razon_social), strict=True))
        )

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

    def importar(
        self, path: Path, actor: str | None, guia: Guia | None = None
    ) -> RegistrosImportados:
        """Add (or update) every registro of a .xlsx/CSV read by the intake (titles above the
        header, columns by name or as ``guia`` says, totals below left out); all or nothing:
        if any row is wrong, none is saved and the error lists every problem of every bad row,
        by the sheet's row."""
        self._permisos.exigir(actor, Accion.REGISTROS_PATRONALES, Path(path).name)
        from icsoe_desktop.services.archivos import lectura
        from icsoe_desktop.services.archivos.tabular import cell_text

        leida = lectura.leer(path, esquema_importacion(), guia=guia)
        rows: list[RegistroRow] = []
        errors: list[str] = []
        seen: dict[str, int] = {}
        leida.exigir_columnas()
        valores = leida.valores(*_CLAVES)
        for line, cells in leida.filas():
            checked: list[str] = []
            problems: list[str] = []  # every one of the row, not only the first
            for check, value in zip(_CHECKS, valores(cells), strict=True):
                try:
                    checked.append(check(cell_text(value)))
                except ValidationError as exc:
                    problems.append(exc.message)
            if problems:
                errors.append(f"Fila {line}: {' '.join(problems)}")
                continue
            row = RegistroRow(*checked)
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
                f"«{leida.archivo}» no tiene registros patronales debajo de los encabezados.",
            )
        for row in rows:  # each save checks a registro with a certificate keeps its RFC
            self.save(row.registro, row.rfc, row.razon_social, actor)
        return RegistrosImportados(len(rows), tuple(leida.notas()))

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
