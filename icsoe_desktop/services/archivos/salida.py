"""Every table the clerk saves under a name of their choosing is written in the format the name
says: «.xlsx» an Excel book (excel.write_sheet), «.csv» comma-separated text; any other ending
is refused before anything is written.

The CSV is UTF-8 with a BOM: Excel opens it with «Ñ» and accents right, and the importers read
it back. These tables are for people and for this app; the files for IMSS systems (the IDSE
lote, the informativa's worker CSVs) have their own writers, in ANSI (Windows-1252).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.archivos.excel import (
    DATE,
    DATETIME,
    MONEY,
    PROGRESS_EVERY,
    Progress,
    SheetColumn,
    no_guardado,
    seguir,
    write_sheet,
)

XLSX, CSV = ".xlsx", ".csv"
# The save dialogs' choices; the first is the one a name without ending gets.
FILTROS = {
    "Libro de Excel (*.xlsx)": XLSX,
    "CSV UTF-8 (delimitado por comas) (*.csv)": CSV,
}
FILTRO_DIALOGO = ";;".join(FILTROS)


def formato(path: Path) -> str:
    """The format ``path``'s ending names, or the Spanish refusal of any other ending."""
    suffix = Path(path).suffix.lower()
    if suffix in (XLSX, CSV):
        return suffix
    raise ValidationError(
        "formato_de_salida",
        f"No se puede exportar a «{Path(path).name}»: el nombre debe terminar en .xlsx (libro "
        "de Excel) o .csv (texto separado por comas, UTF-8).",
    )


def con_terminacion(path: Path, filtro: str) -> Path:
    """The dialog's path with the ending of the chosen filter where the clerk typed none."""
    path = Path(path)
    return path if path.suffix else path.with_name(path.name + FILTROS.get(filtro, XLSX))


def write_table(
    path: Path,
    sheet_name: str,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[object]],
    total: int,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> int:
    """Write ``rows`` to ``path`` as its name says; return how many. Raises ExportCancelled if
    ``cancelled()`` turns true, ValidationError for a bad name or a file that cannot be saved."""
    if formato(path) == XLSX:
        return write_sheet(path, sheet_name, columns, rows, total, progress, cancelled)
    return _write_csv(Path(path), columns, rows, total, progress, cancelled)


def _texts(columns: Sequence[SheetColumn]) -> list[Callable[[object], str]]:
    """Each column's values as the clerk reads them in the grid (and the importers read back):
    dates DD/MM/AAAA, money with two decimals and a point, no thousands separator."""
    by_kind: dict[str, Callable[[object], str]] = {
        DATE: lambda v: v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v),
        DATETIME: lambda v: v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else str(v),
        MONEY: lambda v: f"{v:.2f}" if isinstance(v, int | float) else str(v),
    }
    return [by_kind.get(c.kind, str) for c in columns]


def _write_csv(
    path: Path,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[object]],
    total: int,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> int:
    import rustpy_xlsxwriter as rx

    if not path.parent.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{path.parent}» para guardar el archivo."
        )
    headers = [c.header for c in columns]
    texts = _texts(columns)
    written = 0
    iterator = iter(rows)
    first = next(iterator, None)

    def records() -> Iterator[dict[str, str]]:
        nonlocal written
        assert first is not None  # written only when there is a first row
        for written, values in enumerate(chain((first,), iterator), start=1):
            yield {
                h: "" if v is None else text(v)
                for h, text, v in zip(headers, texts, values, strict=True)
            }
            if written % PROGRESS_EVERY == 0:
                seguir(path, written, total, cancelled)
                if progress:
                    progress(written, total)
        seguir(path, written, total, cancelled)  # the last batch: before the file is kept

    try:
        with atomic_write(path) as temporary:
            if first is None:  # the writer names no columns without a record
                with temporary.open("w", encoding="utf-8-sig", newline="") as f:
                    csv.writer(f, lineterminator="\n").writerow(headers)
            else:
                # A text such as «=HYPERLINK(…)» gets a leading «'»: inert in Excel.
                rx.write_csv(
                    records(), str(temporary), bom=True, sanitize_formulas=True, columns=headers
                )
    except OSError as exc:  # a locked file (open in Excel), no permission, disk full
        raise no_guardado("csv_no_guardado", path, exc) from exc
    if progress:
        progress(written, total)
    return written
