"""The pieces of reading a table a clerk brings (CSV from any spreadsheet, or a workbook) that
the intake (``lectura/``) and the importers share: the file's checks and its kind, the text's
encoding, a header compared loosely, a cell as text or as a date, and a Spanish error for each
kind of bad file."""

from __future__ import annotations

import codecs
import csv
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.services.archivos.biff import OLE_MAGIC

MAX_TABLE_BYTES = 200 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"  # a zip: .xlsx, .xlsm, .xlsb, .ods
# Names of workbooks that are zips: one that is not is damaged. An «.xls» may be text (old
# nómina systems save tab-separated text under that name): it is read as such.
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
_CHUNK = 2**20


def es_libro(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a workbook (calamine reads it), not text."""
    return head.startswith((XLSX_MAGIC, OLE_MAGIC))


def header_key(text: str) -> str:
    """ "Apellido Paterno", "apellido_paterno" and "APELLIDO PATERNO " compare equal."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(c for c in text if c.isalnum())


def check_file(path: Path) -> int:
    """The size of a file that exists and is not empty."""
    if not path.exists():
        raise ValidationError("archivo_inexistente", f"No se encontró el archivo «{path}».")
    if path.is_dir():
        raise ValidationError("archivo_carpeta", f"«{path.name}» es una carpeta, no un archivo.")
    size = path.stat().st_size
    if size == 0:
        raise ValidationError("archivo_vacio", f"El archivo «{path.name}» está vacío.")
    return size


def _check_table_size(path: Path) -> int:
    size = check_file(path)
    if size > MAX_TABLE_BYTES:
        raise ValidationError(
            "archivo_grande", f"El archivo «{path.name}» excede {MAX_TABLE_BYTES // 2**20} MB."
        )
    return size


def _unreadable(path: Path, exc: OSError) -> ValidationError:
    return ValidationError("archivo_ilegible", f"No se pudo leer «{path.name}»: {motivo_os(exc)}.")


def unreadable_after(name: str, line: int, exc: OSError) -> ValidationError:
    """A file that stopped being readable half-way (the USB stick pulled out, say)."""
    return ValidationError(
        "archivo_ilegible",
        f"No se pudo leer «{name}» después de la línea {line}: {motivo_os(exc)}. "
        "No se importó nada.",
    )


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a table the caller then streams (its kind), after the size checks."""
    _check_table_size(path)
    try:
        with path.open("rb") as f:
            return f.read(size)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or, as Excel on Windows saves CSV, cp1252."""
    _refuse_binary(data, name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _refuse_binary(head: bytes, name: str) -> None:
    if b"\x00" in head[:4096]:
        raise ValidationError(
            "archivo_binario",
            f"«{name}» no es un archivo de texto (CSV) ni un libro de Excel (.xlsx, .xls).",
        )


def _text_encoding(path: Path) -> str:
    """decode_text's choice for a whole file, made by one pass in 1 MB chunks: the file is never
    held in memory (a line of cp1252 near the end still makes the whole file cp1252)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _open_text(path: Path, encoding: str) -> TextIO:
    # newline=None: a bare \r ends a line (old Mac files) instead of breaking the csv module.
    return path.open(encoding=encoding, errors="replace", newline=None)


def _csv_error(name: str, line: int, exc: csv.Error) -> ValidationError:
    if "field limit" in str(exc):
        why = f"un campo excede {csv.field_size_limit():,} caracteres (¿falta cerrar comillas?)"
    else:
        why = "tiene comillas o saltos de línea mal formados"
    return ValidationError(
        "csv_invalido",
        f"«{name}» no se pudo leer cerca de la línea {line}: {why}. No se importó nada.",
    )


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 12345678901 read back as 12345678901.0
    return str(value).strip()


def cell_date(value: object, label: str, field: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    # strptime reads «２０２６» as 2026: only ASCII dates are tried.
    patterns = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d%m%Y", "%Y-%m-%d %H:%M:%S")
    for pattern in patterns if text.isascii() else ():
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        "fecha_invalida", f"{label}: «{text}» no es una fecha válida (usa DD/MM/AAAA).", field
    )
