"""Open: a file's rows as written, a CSV's lines or a workbook's sheet (chosen in hoja.py).
Blank rows are never given."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TextIO

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos.lectura.esquema import FILAS_MUESTRA, Esquema, _Eleccion
from icsoe_desktop.services.archivos.lectura.hoja import _elegir_hoja
from icsoe_desktop.services.archivos.lectura.valores import _vacia
from icsoe_desktop.services.archivos.tabular import (
    ZIP_SUFFIXES,
    _csv_error,
    _open_text,
    _refuse_binary,
    _text_encoding,
    _unreadable,
    es_libro,
    read_head,
    unreadable_after,
)

# A file's rows as read: (sheet row or line number, cells); closed when a reading stops early.
_Filas = Generator[tuple[int, Sequence[object]], None, None]


def _abrir(
    path: Path, data: bytes | None, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> tuple[str, _Filas]:
    """The file's kind («Excel», «CSV») and its rows, read as needed; a file that is neither
    is refused."""
    if data is None:
        head = read_head(path)
    elif not data:
        raise ValidationError("archivo_vacio", f"El archivo «{path.name}» está vacío.")
    else:
        head = data[:4096]
    if es_libro(head):
        return "Excel", _xlsx_rows(path, data, esquema, hoja, eleccion)
    if path.suffix.lower() in ZIP_SUFFIXES:
        raise ValidationError(
            "xlsx_invalido", f"«{path.name}» no es un libro de Excel válido o está dañado."
        )
    _refuse_binary(head, path.name)  # a picture, a PDF: not shown to the clerk as a table
    return "CSV", _csv_rows(path, data)


def _csv_rows(path: Path, data: bytes | None) -> _Filas:
    """The file's non-blank rows (line number, cells), read as needed."""
    source = _fuente(path, data)
    with source:
        reader = csv.reader(source, delimiter=_delimiter(_muestra(path, source)))
        try:
            for values in reader:
                # Most rows start with a written cell: the rest are looked at whole.
                first = values[0] if values else ""
                if (first and not first.isspace()) or any(v.strip() for v in values):
                    yield reader.line_num, values
        except csv.Error as exc:
            raise _csv_error(path.name, max(reader.line_num, 1), exc) from exc
        except OSError as exc:
            raise unreadable_after(path.name, reader.line_num, exc) from exc


def _fuente(path: Path, data: bytes | None) -> TextIO:
    """The CSV's text: its bytes given (UTF-8, else Windows' own), or the file opened."""
    if data is not None:
        _refuse_binary(data[:4096], path.name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        return io.StringIO(text, newline=None)
    try:
        return _open_text(path, _text_encoding(path))
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _muestra(path: Path, source: TextIO) -> str:
    """The text's start, to tell its separator; the text is then read from its start again."""
    try:
        sample = source.read(16384)
        source.seek(0)
        if source.read(1) != "\ufeff":  # a BOM seek(0) did not skip again
            source.seek(0)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    return sample


def _delimiter(sample: str) -> str:
    """The separator that splits most of the first lines into the same number of cells (a
    title line above has none, a «$1,234.56» between quotes does not count)."""
    lines = [line for line in sample.splitlines()[:FILAS_MUESTRA] if line.strip()]
    if len(sample) == 16384 and len(lines) > 1:
        lines.pop()  # cut in the middle
    best, score = ",", (0, 0)
    for delimiter in ",;\t|":
        puntaje = _puntaje(lines, delimiter)
        if puntaje is not None and puntaje > score:
            best, score = delimiter, puntaje
    return best


def _puntaje(lines: list[str], delimiter: str) -> tuple[int, int] | None:
    """How many lines ``delimiter`` splits into the commonest number of cells, and that number
    (None: it splits none, or breaks their quoting)."""
    counts: dict[int, int] = {}
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
    except csv.Error:
        return None
    if not counts:
        return None
    width, lines_with_it = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return lines_with_it, width


def _xlsx_rows(
    path: Path, data: bytes | None, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> _Filas:
    from icsoe_desktop.services.archivos.xlsx_reader import abrir

    with abrir(data if data is not None else path, path.name) as libro:
        elegidas = _elegir_hoja(libro, esquema, hoja, eleccion)
        with closing(elegidas):
            for number, values in elegidas:
                # A row ends at its last value: only one ending in blank text needs a closer look.
                if values and (not _vacia(values[-1]) or not all(_vacia(v) for v in values)):
                    yield number, values
