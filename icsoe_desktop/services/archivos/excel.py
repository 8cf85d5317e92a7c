"""Every Excel export goes through here: one streaming writer (rustpy-xlsxwriter, a Rust core:
about 3× faster than xlsxwriter's constant_memory at flat memory, bench/movimientos.py), real
dates and numbers, and text always written as text (an inline string): a name such as
``=HYPERLINK(...)`` stays inert in Excel instead of becoming a live formula.

Written to a temporary file beside the target and renamed at the end: a cancelled or failed
export leaves no half file behind, nor one the session's gate stopped (a grant withdrawn while
it runs: ``vigente`` every ``PROGRESS_EVERY`` rows and before the file is put in place).
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from icsoe_desktop.domain.errors import OperacionCancelada, ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.en_curso import vigente

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1_000

TEXT, MONEY, DATE, DATETIME, NUMBER = "text", "money", "date", "datetime", "number"
_NUMBER_FORMATS = {MONEY: "#,##0.00", DATE: "dd/mm/yyyy", DATETIME: "dd/mm/yyyy hh:mm"}
HEADER_FILL = "#DDE7E4"
# How every sheet prints: landscape, all its columns on one page's width (as many pages down
# as the rows need), the header row on top of each page. Excel's default, portrait at 100 %,
# cuts a wide table into pages of three columns without their titles.
IMPRESION = {"landscape": True, "fit_to_pages": (1, 0), "repeat_rows": 0}


class ExportCancelled(OperacionCancelada):
    """The user pressed Cancelar: no file was written."""


def seguir(path: Path, written: int, total: int, cancelled: Callable[[], bool]) -> None:
    """Between batches of an export to ``path``: the session's gate, then Cancelar."""
    vigente(
        f"La exportación a «{path.resolve()}»: {written:,} de {plural(total, 'fila escrita', 'filas escritas')}; el "
        "archivo no se guardó"
    )
    if cancelled():
        raise ExportCancelled


@dataclass(frozen=True)
class SheetColumn:
    header: str  # unique within the sheet
    kind: str = TEXT
    width: float = 12.0


def write_sheet(
    path: Path,
    sheet_name: str,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[object]],
    total: int,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    created: datetime | None = None,
) -> int:
    """Write ``rows`` (one value per column: str, int/float, date/datetime or None) under a
    bold header row with filters and frozen panes, set to print (``IMPRESION``); return how
    many rows. Raises
    ExportCancelled if ``cancelled()`` turns true, ValidationError if the file cannot be saved.
    ``created`` (aware): the file's creation time instead of now, so the same rows written
    again give the same bytes."""
    import rustpy_xlsxwriter as rx

    path = Path(path)
    if not path.parent.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{path.parent}» para guardar el archivo."
        )
    headers = [c.header for c in columns]
    formats = {
        c.header: rx.Format().set_num_format(_NUMBER_FORMATS[c.kind])
        for c in columns
        if c.kind in _NUMBER_FORMATS
    }
    header = rx.Format().set_bold().set_background_color(HEADER_FILL).set_border("thin")
    written = 0
    iterator = iter(rows)
    first = next(iterator, None)

    def records() -> Iterator[dict[str, object]]:
        # The writer pulls rows one at a time (constant memory); progress and Cancelar are
        # checked between rows, and raising here stops the writer without a file.
        nonlocal written
        if first is None:
            # The writer names the columns from the first record: an empty result is one
            # record of blanks (no cell is written), so the header row keeps its widths.
            yield dict.fromkeys(headers)
            return
        for written, values in enumerate(chain((first,), iterator), start=1):
            yield dict(zip(headers, values, strict=True))
            if written % PROGRESS_EVERY == 0:
                seguir(path, written, total, cancelled)
                if progress:
                    progress(written, total)
        seguir(path, written, total, cancelled)  # the last batch: before the file is kept

    try:
        # The writer always writes an .xlsx (salida.py picks the format by the clerk's name).
        with atomic_write(path, keep_suffix=True) as temporary:
            rx.write_worksheet(
                records(),
                str(temporary),
                sheet_name=sheet_name[:31],
                freeze_row=1,
                column_formats=formats,
                column_widths=[c.width for c in columns],
                header_format=header,
                autofilter=True,
                page_setup=IMPRESION,
            )
            if created is not None:
                _set_created(temporary, created)
    except OSError as exc:  # a locked file (open in Excel), no permission, disk full
        raise no_guardado("excel_no_guardado", path, exc) from exc
    if progress:
        progress(written, total)
    return written


def no_guardado(code: str, path: Path, exc: OSError) -> ValidationError:
    """The Spanish error of a table that could not be written (logged with its cause)."""
    log.warning("No se pudo guardar %s", path, exc_info=exc)
    return ValidationError(
        code,
        f"No se pudo guardar «{path.name}»: {motivo_os(exc)}. Si el archivo está "
        "abierto en Excel, ciérralo e intenta de nuevo.",
    )


_CORE = "docProps/core.xml"
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _set_created(path: Path, created: datetime) -> None:
    """The workbook's creation and modification times set to ``created``. The writer takes
    them from the clock, with no option to give them (every other byte it writes, the zip
    entries' dates included, is fixed); the workbook is rewritten entry by entry, as it was."""
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            if info.filename == _CORE:
                data = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            target.writestr(info, data)
