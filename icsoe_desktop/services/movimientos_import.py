"""Getting movements in: an IDSE batch file (168-character lines), an .xlsx or a CSV with the
grid's columns. Every line is validated; if any is refused nothing is imported, and the report
names each refused line and why. Movements already in the store are not added again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, tuple_

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import is_ascii_digits
from icsoe_desktop.domain.idse_lote import ENCODING, looks_like_lote, parse_line
from icsoe_desktop.domain.movimientos import (
    Movimiento,
    estado_from_text,
    parse_pesos,
    tipo_from_text,
    validate,
)
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.movimientos import COLUMNS, MovimientosService, Progress, row_values
from icsoe_desktop.services.tabular import (
    cell_date,
    cell_text,
    decode_text,
    header_key,
    open_table,
    read_bytes,
)
from icsoe_desktop.store.db import Store, large_page_cache
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.models_movimientos import MovimientoRow

BATCH = 5_000
_BY_HEADER = {header_key(c.header): c for c in COLUMNS}
_ALIASES = {
    "tipomovimiento": "tipo",
    "tipodemovimiento": "tipo",
    "primerapellido": "primer_apellido",
    "segundoapellido": "segundo_apellido",
    "nombres": "nombre",
    "tipodetrabajador": "tipo_trabajador",
    "tipodesalario": "tipo_salario",
}
_REQUIRED = ("registro_patronal", "nss", "primer_apellido", "nombre", "fecha", "tipo")
_STATUS_DATES = ("fecha_emision", "fecha_recibido", "fecha_aprobacion", "fecha_rechazo")


@dataclass(frozen=True)
class LineaRechazada:
    linea: int
    motivo: str


@dataclass
class ImportReport:
    archivo: str
    formato: str
    leidas: int = 0
    importados: int = 0
    existentes: int = 0
    rechazadas: list[LineaRechazada] = field(default_factory=list)

    @property
    def aplicado(self) -> bool:
        return not self.rechazadas


@dataclass(frozen=True)
class _Parsed:
    linea: int
    mov: Movimiento
    extra: dict[str, object]  # status dates and cause from an exported grid


def _attr_of(key: str) -> str | None:
    if key in _ALIASES:
        return _ALIASES[key]
    column = _BY_HEADER.get(key)
    return column.attr if column else None


def _from_cells(cells: dict[str, object]) -> tuple[Movimiento, dict[str, object]]:
    values = {attr: cells[key] for key in cells if (attr := _attr_of(key))}
    text = {name: cell_text(v) for name, v in values.items()}
    fecha = cell_date(values.get("fecha"), "Fecha", "fecha")
    if fecha is None:
        raise ValidationError("campo_obligatorio", "Falta la fecha del movimiento.", "fecha")
    mov = Movimiento(
        registro_patronal=text.get("registro_patronal", ""),
        nss=text.get("nss", "").zfill(11)
        if is_ascii_digits(text.get("nss", ""))
        else text.get("nss", ""),
        primer_apellido=text.get("primer_apellido", ""),
        segundo_apellido=text.get("segundo_apellido", ""),
        nombre=text.get("nombre", ""),
        tipo=tipo_from_text(text.get("tipo", "")),
        fecha=fecha,
        curp=text.get("curp", ""),
        sbc=parse_pesos(values.get("sbc"), "sbc", "SBC"),
        salario=parse_pesos(values.get("salario"), "salario", "Salario"),
        tipo_trabajador=text.get("tipo_trabajador", ""),
        tipo_salario=text.get("tipo_salario", ""),
        jornada=text.get("jornada", ""),
        umf=text.get("umf", ""),
        causa_baja=text.get("causa_baja", ""),
        clave_trabajador=text.get("clave_trabajador", ""),
        guia=text.get("guia", ""),
        estado=estado_from_text(text.get("estado", "")),
    )
    extra: dict[str, object] = {
        name: cell_date(values.get(name), name, name) for name in _STATUS_DATES
    }
    extra["causa_rechazo"] = text.get("causa_rechazo", "")
    return mov, extra


def _lote_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


class MovimientosImporter:
    def __init__(self, store: Store, audit: AuditService, movimientos: MovimientosService) -> None:
        self._store = store
        self._audit = audit
        self._movimientos = movimientos

    def import_file(self, path: Path, actor: str, progress: Progress | None = None) -> ImportReport:
        data = read_bytes(path)
        today = self._movimientos.today()
        known = self._known_registros()
        total = max(data.count(b"\n"), 1)
        parsed: list[_Parsed] = []
        report = ImportReport(path.name, "")
        first_line_at: dict[tuple[str, str, str, date], int] = {}

        def accept(number: int, build) -> None:
            report.leidas += 1
            try:
                mov, extra = build()
                mov = validate(mov, today)
                if mov.registro_patronal not in known:
                    raise ValidationError(
                        "registro_desconocido",
                        f"El registro patronal {mov.registro_patronal} no está dado de alta en "
                        "Configuración → Registros patronales.",
                    )
                if mov.key in first_line_at:
                    raise ValidationError(
                        "linea_repetida",
                        f"Repite el movimiento de la línea {first_line_at[mov.key]}.",
                    )
            except ValidationError as exc:
                report.rechazadas.append(LineaRechazada(number, exc.message))
            else:
                first_line_at[mov.key] = number
                parsed.append(_Parsed(number, mov, extra))
            if progress and report.leidas % 1_000 == 0:
                progress(min(report.leidas, total), total)

        if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".xlsx":
            table = open_table(path, data)
            report.formato = "Excel"
            self._read_table(table, accept)
        else:
            text = decode_text(data, path.name)
            first = next((line for line in text.splitlines() if line.strip()), "")
            if looks_like_lote(first):
                report.formato = "Lote IDSE"
                text = data.decode(ENCODING, errors="replace")
                for number, line in _lote_lines(text):
                    accept(number, lambda line=line: (parse_line(line), {}))
            else:
                report.formato = "CSV"
                self._read_table(open_table(path, data), accept)

        if report.leidas == 0:
            raise ValidationError(
                "archivo_sin_movimientos", f"«{path.name}» no contiene movimientos."
            )
        if report.rechazadas:
            return report
        self._save(parsed, report, actor)
        if progress:
            progress(total, total)
        return report

    @staticmethod
    def _read_table(table, accept) -> None:
        attrs = {_attr_of(header_key(h)) for h in table.headers}
        missing = [
            next(c.header for c in COLUMNS if c.attr == attr)
            for attr in _REQUIRED
            if attr not in attrs
        ]
        if missing:
            raise ValidationError(
                "columnas_faltantes",
                "Al archivo le faltan las columnas: " + ", ".join(missing) + ". La primera fila "
                "debe tener los encabezados de la cuadrícula (Registro Patronal, NSS, Apellido "
                "Paterno, Nombre, Fecha, Movimiento…).",
            )
        for number, cells in table.rows:
            accept(number, lambda cells=cells: _from_cells(cells))

    def _known_registros(self) -> set[str]:
        with self._store.session() as session:
            return set(
                session.scalars(
                    select(RegistroPatronal.registro).where(RegistroPatronal.deleted.is_(False))
                )
            )

    def _save(self, parsed: list[_Parsed], report: ImportReport, actor: str) -> None:
        t = MovimientoRow
        key_cols = tuple_(t.registro_patronal, t.nss, t.tipo, t.fecha)
        with self._store.session() as session:
            existing: set[tuple] = set()
            for start in range(0, len(parsed), 500):
                keys = [p.mov.key for p in parsed[start : start + 500]]
                existing.update(
                    tuple(r)
                    for r in session.execute(
                        select(t.registro_patronal, t.nss, t.tipo, t.fecha).where(
                            key_cols.in_(keys)
                        )
                    )
                )
            new_rows = [
                {**row_values(p.mov), **p.extra} for p in parsed if p.mov.key not in existing
            ]
            with large_page_cache(session.connection()):
                for start in range(0, len(new_rows), BATCH):
                    session.execute(insert(MovimientoRow), new_rows[start : start + BATCH])
            report.importados = len(new_rows)
            report.existentes = len(parsed) - len(new_rows)
            self._audit.record(
                session,
                actor,
                "movimientos_importados",
                report.archivo,
                f"{report.formato}: {report.importados} nuevos, {report.existentes} ya existían",
            )
