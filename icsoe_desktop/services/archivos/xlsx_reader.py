"""Reading the first sheet of an .xlsx a clerk brings, safely and completely.

Before openpyxl sees the file, every zip member is inflated once and counted: a member whose
declared or actual size passes its bound (a decompression bomb), a broken deflate stream, a CRC
mismatch or a DTD (billion laughs) refuses the file with a Spanish message. The sheet is then read
ignoring its declared <dimension>: openpyxl's read-only mode stops there otherwise, and a workbook
that declares A1:X5 but holds 40 rows would import 4 of them silently.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from collections.abc import Generator
from pathlib import Path
from typing import Any, BinaryIO

from icsoe_desktop.domain.errors import ValidationError

log = logging.getLogger(__name__)

MIB = 2**20
# Sheets are streamed (memory does not grow with them): this only bounds the time spent.
MAX_SHEETS_BYTES = 2048 * MIB
# openpyxl keeps every shared string in memory: this part is what a bomb aims at.
MAX_SHARED_STRINGS_BYTES = 64 * MIB
MAX_OTHER_PART_BYTES = 16 * MIB  # styles, workbook, relationships, themes…
MAX_TOTAL_BYTES = MAX_SHEETS_BYTES + 256 * MIB  # every part together: bounds the time too
MAX_MEMBERS = 10_000
# Excel's own sheet limit. Memory grows ~90 bytes a row while openpyxl reads a sheet (210 MB peak
# at 1,000,000 rows): a sheet longer than Excel allows is refused instead of read.
MAX_ROWS = 1_048_576
_CHUNK = MIB
_DTD = b"<!DOCTYPE"


def _part_limit(name: str) -> int:
    lower = name.lower()
    if lower.startswith("xl/worksheets/"):
        return MAX_SHEETS_BYTES
    if lower.endswith("sharedstrings.xml"):
        return MAX_SHARED_STRINGS_BYTES
    return MAX_OTHER_PART_BYTES


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        "xlsx_invalido", f"«{name}» no es un libro de Excel válido o está dañado."
    )


def _too_big(name: str, part: str, limit: int) -> ValidationError:
    what = f"su parte «{part}»" if part else "el libro completo"
    return ValidationError(
        "xlsx_descomprimido_grande",
        f"«{name}» no se importó: {what} ocupa más de {limit // MIB} MB al "
        "descomprimirla (el archivo podría estar hecho para agotar la memoria). Guarda el libro "
        "de nuevo desde Excel o divide los datos en varios archivos.",
    )


def check_zip(data: bytes | BinaryIO, name: str) -> None:
    """Inflate every member once, counting bytes; refuse bombs, damage and DTDs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError
    ) as exc:  # fmt: skip
        # NotImplementedError: a member needs a zip version zipfile cannot read («25.5»).
        raise _damaged(name) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _damaged(name)
        if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
            raise _too_big(name, "", MAX_TOTAL_BYTES)
        sheets_total = total = 0
        for info in members:
            limit = _part_limit(info.filename)
            if info.file_size > limit:
                raise _too_big(name, info.filename, limit)
            counted = _inflate(archive, info, name, limit)
            total += counted
            if info.filename.lower().startswith("xl/worksheets/"):
                sheets_total += counted
            if sheets_total > MAX_SHEETS_BYTES:
                raise _too_big(name, "xl/worksheets", MAX_SHEETS_BYTES)
            if total > MAX_TOTAL_BYTES:
                raise _too_big(name, "", MAX_TOTAL_BYTES)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int) -> int:
    counted = 0
    tail = b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                counted += len(chunk)
                if counted > limit:
                    raise _too_big(name, info.filename, limit)
                if _DTD in tail + chunk[: len(_DTD)] or _DTD in chunk:
                    raise ValidationError(
                        "xlsx_dtd",
                        f"«{name}» no se importó: contiene una declaración DTD, que los libros "
                        "de Excel no usan (podría estar hecho para agotar la memoria).",
                    )
                tail = chunk[-len(_DTD) :]
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:  # fmt: skip
        # RuntimeError: an encrypted member; NotImplementedError: a compression we can't read.
        raise _damaged(name) from exc
    return counted


def sheet_rows(data: bytes | Path, name: str) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
    """(row number, values) of every row of the first sheet, whatever its <dimension> says.

    A generator: the file is checked at the first ``next()``. Any failure of openpyxl (broken
    XML, a bad cell reference…) becomes a ValidationError; the details go to the log."""
    try:
        # A path is read from the disk as needed: the workbook is never held in memory whole.
        source = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{name}»: {exc.strerror or exc}."
        ) from exc
    with source:  # closed here even when openpyxl refuses the file half-open
        yield from _rows(source, name)


def _rows(source: BinaryIO, name: str) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
    from openpyxl import load_workbook

    check_zip(source, name)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged zip/xml
        log.info("xlsx %s refused by openpyxl", name, exc_info=True)
        raise _damaged(name) from exc
    number = 0
    try:
        if not book.worksheets:
            raise ValidationError("xlsx_sin_hojas", f"«{name}» no tiene ninguna hoja de cálculo.")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read to the last row written, not the one declared
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise ValidationError(
                    "xlsx_demasiadas_filas",
                    f"«{name}» tiene más de {MAX_ROWS:,} filas, el máximo de una hoja de Excel. "
                    "Divide los datos en varios archivos. No se importó nada.",
                )
            yield number, values
    except (ValidationError, GeneratorExit):
        raise
    except Exception as exc:  # broken sheet XML, bad cell reference, bad value…
        log.info("xlsx %s unreadable after row %d", name, number, exc_info=True)
        raise ValidationError(
            "xlsx_invalido",
            f"«{name}» está dañado: no se pudo leer después de la fila {number}. "
            "No se importó nada.",
        ) from exc
    finally:
        book.close()
