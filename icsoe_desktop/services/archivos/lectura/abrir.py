"""Open: a file's rows as written, a CSV's lines or a workbook's sheet (chosen in hoja.py).
Blank rows are never given."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TextIO

from icsoe_desktop.services.archivos.lectura.esquema import FILAS_MUESTRA, Esquema, _Eleccion
from icsoe_desktop.services.archivos.lectura.hoja import _hoja_elegida
from icsoe_desktop.services.archivos.lectura.valores import _vacia
from icsoe_desktop.services.archivos.tabular import (
    _csv_error,
    _open_text,
    _refuse_binary,
    _text_encoding,
    _unreadable,
    unreadable_after,
)

# A file's rows as read: (sheet row or line number, cells); closed when a reading stops early.
_Filas = Generator[tuple[int, Sequence[object]], None, None]


def _csv_rows(path: Path, data: bytes | None) -> _Filas:
    """The file's non-blank rows (line number, cells), read as needed."""
    if data is not None:
        _refuse_binary(data[:4096], path.name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        source: TextIO = io.StringIO(text, newline=None)
    else:
        try:
            source = _open_text(path, _text_encoding(path))
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    with source:
        try:
            sample = source.read(16384)
            source.seek(0)
            if source.read(1) != "\ufeff":  # a BOM seek(0) did not skip again
                source.seek(0)
        except OSError as exc:
            raise _unreadable(path, exc) from exc
        reader = csv.reader(source, delimiter=_delimiter(sample))
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


def _delimiter(sample: str) -> str:
    """The separator that splits most of the first lines into the same number of cells (a
    title line above has none, a «$1,234.56» between quotes does not count)."""
    lines = [line for line in sample.splitlines()[:FILAS_MUESTRA] if line.strip()]
    if len(sample) == 16384 and len(lines) > 1:
        lines.pop()  # cut in the middle
    best, score = ",", (0, 0)
    for delimiter in ",;\t|":
        counts: dict[int, int] = {}
        try:
            for row in csv.reader(lines, delimiter=delimiter):
                if len(row) > 1:
                    counts[len(row)] = counts.get(len(row), 0) + 1
        except csv.Error:
            continue
        if counts:
            width, lines_with_it = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (lines_with_it, width) > score:
                best, score = delimiter, (lines_with_it, width)
    return best


def _xlsx_rows(
    path: Path, data: bytes | None, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> _Filas:
    from icsoe_desktop.services.archivos.xlsx_reader import abrir

    with abrir(data if data is not None else path, path.name) as libro:
        eleccion.visibles = tuple(libro.visibles)
        eleccion.ocultas = tuple(n for n, visible in libro.hojas if not visible)
        elegidas = _hoja_elegida(libro, esquema, hoja, eleccion)
        if eleccion.hoja is not None:
            eleccion.columnas_ocultas, eleccion.filas_ocultas = libro.ocultas(eleccion.hoja)
            eleccion.todas_las_ocultas = libro.filas_ocultas(eleccion.hoja)
        with closing(elegidas):
            for number, values in elegidas:
                # A row ends at its last value: only one ending in blank text needs a closer look.
                if values and (not _vacia(values[-1]) or not all(_vacia(v) for v in values)):
                    yield number, values
