"""The capturistas in Excel files: the export of the Consulta (Exportar Excel) and the alta
masiva, a bulk alta from an .xlsx laid out as the alta form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from icsoe_desktop.domain.cambios import ICSOE
from icsoe_desktop.domain.clock import Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.importaciones import registrar
from icsoe_desktop.services.archivos.lectura import ALIAS, Campo, Esquema
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.capturistas.administracion import CapturistasService
from icsoe_desktop.services.capturistas.common import (
    MSG_CURP_DUPLICADA,
    find_contratista,
    find_person,
    has_relation,
)
from icsoe_desktop.services.capturistas.formulario import (
    CapturistaForm,
    CheckedForm,
    check_form,
    form_errors,
)
from icsoe_desktop.services.en_curso import Cancelado, Marcar, cancelable, sin_marca
from icsoe_desktop.store.db import Store

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
LEIDAS_POR_AVISO = 100  # rows read between two looks at Cancelar

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Rechazo:
    fila: int  # the spreadsheet's row number
    motivo: str


@dataclass(frozen=True)
class AltaMasiva:
    guardados: int
    rechazos: tuple[Rechazo, ...]
    notas: tuple[str, ...] = ()  # what was read differently than asked (rows left out…)


class CapturistasExcelService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        capturistas: CapturistasService,
        clock: Clock = utcnow,
        marcar: Marcar = sin_marca,
    ) -> None:
        self._store = store
        self._audit = audit
        self._capturistas = capturistas
        self._clock = clock
        self._marcar = marcar  # names an alta masiva cut short at the next start

    def export_file_name(self, contratista_rfc: str) -> str:
        """``Capturistas_<contratista id>_<epoch ms>.xlsx``, as the guide's example."""
        with self._store.session() as session:
            contratista = find_contratista(session, contratista_rfc)
            return f"Capturistas_{contratista.id}_{_epoch_ms(self._clock())}.xlsx"

    def exportar_tabla(
        self, contratista_rfc: str, path: Path, progress: Progress | None = None
    ) -> int:
        """Write every capturista of the contratista to an .xlsx or a CSV, as ``path``'s name
        says; return how many. Dates in local time; names are written as text, never as
        formulas. No secret (hash, code) is exported."""
        from icsoe_desktop.services.archivos.excel import DATETIME, SheetColumn
        from icsoe_desktop.services.archivos.salida import formato, write_table

        formato(Path(path))  # a name that is neither is refused before anything is read

        dates = {"Fecha alta", "Fecha baja", "Fecha actualización"}
        columns = [
            SheetColumn(h, DATETIME, 17.0) if h in dates else SheetColumn(h, width=18.0)
            for h in EXPORT_HEADERS
        ]

        def rows() -> Iterator[tuple[object, ...]]:
            after = 0
            while page := self._capturistas.pagina(contratista_rfc, after, 1000):
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

        written = write_table(
            Path(path),
            "Capturistas",
            columns,
            rows(),
            self._capturistas.total(contratista_rfc),
            progress,
        )
        self._audit.anotar(
            contratista_rfc,
            "icsoe_capturistas_exportados",
            path.name,
            f"{plural(written, 'capturista')} en «{Path(path).resolve()}»",
        )
        return written

    def alta_masiva(
        self,
        contratista_rfc: str,
        path: Path,
        progress: Progress | None = None,
        guia: lectura.Guia | None = None,
        cancelado: Cancelado | None = None,
    ) -> AltaMasiva:
        """Every row of the .xlsx (columns BULK_HEADERS) is checked; if any is refused, none is
        saved and the report says which and why; otherwise all are saved in one transaction.
        The workbook is streamed from the disk and each row checked as it is read: only the
        checked values are kept, for the one transaction. ``cancelado()`` true (Cancelar):
        OperacionCancelada, none saved. While it runs a mark names it (services/en_curso.py):
        a run cut short is told at the next start."""
        que = f"El alta masiva de capturistas de «{Path(path).name}»"
        with self._marcar(que):
            return self._alta_masiva(
                contratista_rfc, Path(path), cancelable(progress, cancelado, que), guia
            )

    def _alta_masiva(
        self, contratista_rfc: str, path: Path, avance: Progress, guia: lectura.Guia | None
    ) -> AltaMasiva:
        checked: list[tuple[int, CheckedForm]] = []
        refused: list[Rechazo] = []
        seen: dict[str, int] = {}
        read = 0
        notas: list[str] = []
        for number, values in _bulk_rows(path, guia, notas):
            read += 1
            if read % LEIDAS_POR_AVISO == 0:
                avance(0, 0)  # no total yet: Cancelar is heard while the file is read
            form = CapturistaForm(*values)
            errors = form_errors(form)
            if errors:
                refused.append(Rechazo(number, " ".join(errors)))
                continue
            item = check_form(form)
            if item.curp in seen:
                refused.append(
                    Rechazo(number, f"La CURP {item.curp} se repite (fila {seen[item.curp]}).")
                )
                continue
            seen[item.curp] = number
            checked.append((number, item))
        if not read:
            raise ValidationError(
                "excel_vacio", "El archivo no tiene filas de capturistas debajo de los encabezados."
            )
        with self._store.session() as session:
            contratista = find_contratista(session, contratista_rfc)
            for number, item in checked:
                person = find_person(session, item.curp)
                if person is not None and has_relation(session, contratista, person):
                    refused.append(Rechazo(number, MSG_CURP_DUPLICADA.format(curp=item.curp)))
            if refused:
                return AltaMasiva(0, tuple(sorted(refused, key=lambda r: r.fila)), tuple(notas))
            # One unit of work: any failure from here on rolls every row back.
            for done, (_number, item) in enumerate(checked, 1):
                self._capturistas.add(session, contratista, item)
                avance(done, len(checked))
            avance(len(checked), len(checked))  # Cancelar pressed at the very end: still none
            self._audit.record(
                session,
                contratista.rfc,
                "icsoe_capturistas_alta_masiva",
                path.name,
                str(len(checked)),
            )
            resultado = AltaMasiva(len(checked), (), tuple(notas))
        self._store.cambios.anunciar({ICSOE})
        return resultado


def _epoch_ms(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def _local(value: datetime | None) -> datetime | None:
    """A stored UTC time as Central Mexico's wall time (Excel has no zones)."""
    if value is None:
        return None
    return hora_del_centro(value).replace(tzinfo=None, microsecond=0)


def _cell_text(value: object) -> str:
    """Excel turns a phone number into a number (5512345678.0): back to its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# The alta masiva's columns by name, in any order, under titles (services/archivos/lectura/).
_BULK_KEYS = ("curp", "nombre", "primer", "segundo", "rol", "telefono", "correo", "confirmar")
_BULK_ALIAS = {
    "curp": ALIAS["curp"],
    "nombre": ("Nombre", *ALIAS["nombre"]),
    "primer": ("Primer Apellido", "Apellido Paterno", "Paterno"),
    "segundo": ("Segundo Apellido", "Apellido Materno", "Materno"),
    "rol": ("Rol",),
    "telefono": ("Teléfono celular", "Celular", "Tel."),
    "correo": ("Correo", "Email", "E-mail"),
    "confirmar": ("Confirmar correo", "Confirmación de correo electrónico"),
}
BULK_ESQUEMA = Esquema(
    tuple(
        Campo(
            key,
            header,
            _BULK_ALIAS[key],
            requerido=key not in ("segundo", "telefono"),
            normalizar=_cell_text,
        )
        for key, header in zip(_BULK_KEYS, BULK_HEADERS, strict=True)
    )
)
# The contratista's capturistas: the ICSOE side.
IMPORTACION = registrar("capturistas", Accion.CAPTURAR_INFORMATIVA, BULK_ESQUEMA)


def _bulk_rows(
    path: Path, guia: lectura.Guia | None = None, notas: list[str] | None = None
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(sheet row, the 8 cells as text in BULK_HEADERS' order) of each data row of the sheet
    (or CSV) read as needed; titles above the header, hidden rows and total rows below are
    left out, and said in ``notas`` once every row is read."""
    leida = lectura.leer(path, BULK_ESQUEMA, guia=guia)
    rows = leida.filas()
    with closing(rows):
        if leida.faltantes:
            raise ValidationError(
                "excel_encabezados",
                "Al archivo le faltan las columnas: "
                + ", ".join(c.titulo for c in leida.faltantes)
                + ". Una fila debe tener los encabezados: "
                + ", ".join(BULK_HEADERS)
                + ".",
            )
        valores = leida.valores(*_BULK_KEYS)
        for count, (number, cells) in enumerate(rows, start=1):
            if count > MAX_BULK_ROWS:
                raise ValidationError(
                    "excel_grande", f"El archivo admite hasta {MAX_BULK_ROWS:,} capturistas."
                )
            # An optional column the file lacks (no Segundo apellido) reads as empty.
            yield number, tuple(str(value or "") for value in valores(cells))
    if notas is not None:
        notas.extend(leida.notas())
