"""Exportar Excel: every row of the current filter and tab (not one page), streamed at flat
memory to an .xlsx with real dates and numbers, or to a CSV, as the file's name says
(services/archivos/salida.py: the one writer of every export)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.archivos.excel import (
    DATE,
    MONEY,
    TEXT,
    ExportCancelled,
    SheetColumn,
)
from icsoe_desktop.services.archivos.salida import XLSX, formato, write_table
from icsoe_desktop.services.movimientos.servicio import (
    COLUMNS,
    Filtro,
    MovimientosService,
    Orden,
    Progress,
)

SHEET_NAME = "Movimientos con IDSE"
MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header row

__all__ = ["ExportCancelled", "ExportadorMovimientos", "default_name", "export_table"]


def _sheet_columns() -> list[SheetColumn]:
    sheet = []
    for column in COLUMNS:
        kind = TEXT if column.catalog is not None else column.kind
        if column.width is not None:
            width = column.width
        elif kind in (DATE, MONEY):
            width = 12.0
        else:
            width = float(max(10, len(column.header) + 2))
        sheet.append(SheetColumn(column.header, kind, width))
    return sheet


def _catalog_text(catalog: dict[str, str]) -> Callable[[Any], object]:
    return lambda v: catalog.get(v, v) if v else None


def _pesos(centavos: int | None) -> float | None:
    return None if centavos is None else centavos / 100


def _cells(rows: Iterable[Sequence[Any]]) -> Iterator[list[object]]:
    """The grid's stored values as Excel cells: catalog codes as their text, centavos as
    pesos; the id is not shown. Converters are chosen once per column, not per cell."""
    convert: list[Callable[[Any], object] | None] = []
    for column in COLUMNS:
        if column.catalog is not None:
            convert.append(_catalog_text(column.catalog))
        elif column.kind == MONEY:
            convert.append(_pesos)
        else:
            convert.append(None)
    plan = [(i + 1, fn) for i, fn in enumerate(convert)]
    for row in rows:
        yield [row[i] if fn is None else fn(row[i]) for i, fn in plan]


def export_table(
    movimientos: MovimientosService,
    filtro: Filtro,
    orden: Orden,
    path: Path,
    actor: str | None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> int:
    """Write the rows to ``path`` (.xlsx or .csv); return how many, audited (what, how many,
    where) as ``actor``'s. Raises ExportCancelled if cancelled (nothing written)."""
    kind = formato(path)  # a name that is neither is refused before the rows are counted
    total = movimientos.count(filtro)
    if total > MAX_ROWS and kind == XLSX:
        raise ValidationError(
            "excel_limite",
            f"La búsqueda tiene {plural(total, 'movimiento')} y una hoja de Excel admite {MAX_ROWS:,}. "
            "Acota las fechas o el registro patronal.",
        )
    # Closed however the writing ends (Cancelar, the session's gate): its read of the store
    # ends then, not when the generator is collected.
    with closing(movimientos.filas_exportadas(filtro, orden, total)) as rows:
        written = write_table(
            Path(path), SHEET_NAME, _sheet_columns(), _cells(rows), total, progress, cancelled
        )
    movimientos.exportados(actor, Path(path), written, filtro)
    return written


class ExportadorMovimientos:
    """Exportar Excel as one call of a service of the empresa: built behind the session's gate
    (services/container.py), which its batches ask too (services/acceso/puerta.py)."""

    def __init__(self, movimientos: MovimientosService) -> None:
        self._movimientos = movimientos

    def exportar(
        self,
        filtro: Filtro,
        orden: Orden,
        path: Path,
        actor: str | None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> int:
        """``export_table`` of the empresa's movimientos."""
        return export_table(self._movimientos, filtro, orden, path, actor, progress, cancelled)


def default_name(now: datetime) -> str:
    return f"Movimientos_IDSE_{now:%Y%m%d_%H%M%S}.xlsx"
