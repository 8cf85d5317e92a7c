"""Exportar Excel: every row of the current filter and tab (not one page), streamed to an .xlsx
with constant memory (xlsxwriter constant_memory: the fastest streaming writer measured here),
with real dates and numbers. Written to a temporary file first: a cancelled or failed export
leaves no half file behind."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.movimientos import (
    COLUMNS,
    DATE,
    MONEY,
    NUMBER,
    Filtro,
    MovimientosService,
    Orden,
    Progress,
)

log = logging.getLogger(__name__)
SHEET_NAME = "Movimientos con IDSE"
PROGRESS_EVERY = 1_000
MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header row


class ExportCancelled(Exception):
    """The user pressed Cancelar: no file was written."""


def _writers(sheet, book) -> list[Callable[[int, int, object], None]]:
    """One cell writer per column, chosen once (not per cell)."""
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    writers = []
    for column in COLUMNS:
        if column.catalog is not None:
            catalog = column.catalog

            def write(r: int, c: int, v: object, catalog=catalog) -> None:
                if v:
                    sheet.write_string(r, c, catalog.get(v, v))

        elif column.kind == MONEY:

            def write(r: int, c: int, v: object) -> None:
                if v is not None:
                    sheet.write_number(r, c, v / 100, money)

        elif column.kind == DATE:

            def write(r: int, c: int, v: object) -> None:
                if v is not None:
                    sheet.write_datetime(r, c, v, day)

        elif column.kind == NUMBER:

            def write(r: int, c: int, v: object) -> None:
                if v is not None:
                    sheet.write_number(r, c, v)

        else:

            def write(r: int, c: int, v: object) -> None:
                if v:
                    sheet.write_string(r, c, v)

        writers.append(write)
    return writers


def export_xlsx(
    movimientos: MovimientosService,
    filtro: Filtro,
    orden: Orden,
    path: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> int:
    """Write the rows to ``path``; return how many. Raises ExportCancelled if cancelled."""
    import xlsxwriter

    total = movimientos.count(filtro)
    if total > MAX_ROWS:
        raise ValidationError(
            "excel_limite",
            f"La búsqueda tiene {total:,} movimientos y una hoja de Excel admite {MAX_ROWS:,}. "
            "Acota las fechas o el registro patronal.",
        )
    path = Path(path)
    temporary = path.with_name(f".{path.name}.parcial")
    if not path.parent.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{path.parent}» para guardar el archivo."
        )
    try:
        written = _write(
            xlsxwriter, movimientos, filtro, orden, temporary, total, progress, cancelled
        )
        os.replace(temporary, path)
    except OSError as exc:  # a locked file (open in Excel), no permission, disk full
        temporary.unlink(missing_ok=True)
        raise ValidationError(
            "excel_no_guardado",
            f"No se pudo guardar «{path.name}»: {exc.strerror or exc}. Si el archivo está abierto "
            "en Excel, ciérralo e intenta de nuevo.",
        ) from exc
    if progress:
        progress(total, total)
    return written


def _write(
    xlsxwriter,
    movimientos: MovimientosService,
    filtro: Filtro,
    orden: Orden,
    temporary: Path,
    total: int,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> int:
    book = xlsxwriter.Workbook(
        str(temporary), {"constant_memory": True, "default_date_format": "dd/mm/yyyy"}
    )
    written = 0
    try:
        sheet = book.add_worksheet(SHEET_NAME[:31])
        bold = book.add_format({"bold": True, "bg_color": "#DDE7E4", "border": 1})
        for c, column in enumerate(COLUMNS):
            sheet.write_string(0, c, column.header, bold)
            width = 12 if column.kind in (DATE, MONEY) else max(10, len(column.header) + 2)
            sheet.set_column(c, c, 30 if column.attr == "causa_rechazo" else width)
        sheet.freeze_panes(1, 0)
        writers = list(enumerate(_writers(sheet, book)))
        for written, row in enumerate(movimientos.iter_rows(filtro, orden), start=1):
            values = row[1:]  # the id is not shown
            for c, write in writers:
                write(written, c, values[c])
            if written % PROGRESS_EVERY == 0:
                if cancelled():
                    raise ExportCancelled
                if progress:
                    progress(written, total)
        sheet.autofilter(0, 0, written, len(COLUMNS) - 1)
        book.close()
    except BaseException:
        try:
            book.close()
        except Exception:  # closing a half-written book may itself fail; the file goes anyway
            log.debug("Cierre del libro parcial", exc_info=True)
        temporary.unlink(missing_ok=True)
        raise
    return written


def default_name(now: datetime) -> str:
    return f"Movimientos_IDSE_{now:%Y%m%d_%H%M%S}.xlsx"
