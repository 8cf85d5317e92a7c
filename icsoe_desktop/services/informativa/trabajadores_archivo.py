"""The worker file of a contract (carga masiva del ICSOE): columns NSS, CURP and SBC.

Read: a CSV (UTF-8 with or without BOM, or Windows-1252; comma, semicolon or tab; with or
without a header row) or an .xlsx. A row that cannot become a worker (wrong number of columns,
an SBC that is not an amount) is a problem of its renglón, the line the clerk sees in the file;
a file that is not a worker list at all (empty, binary, a PDF, a damaged workbook, too big)
raises a ``ValidationError`` with a Spanish message.

Written: the IMSS template (header ``NSS,CURP,SBC``, SBC with two decimals, Windows-1252, CRLF),
split into the portal's limits of 3,000 rows and 15 MB per file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Periodo, Problema, Trabajador
from icsoe_desktop.domain.informativa.trabajadores import (
    SBC,
    SIN_CURPS,
    parse_sbc,
    revisar_trabajadores,
    sbc_texto,
)
from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.services.archivos.tabular import (
    XLSX_MAGIC,
    _csv_error,
    cell_text,
    check_file,
    decode_text,
    header_key,
)

# A contract's list is a few thousand rows (~45 bytes each): a bigger file is not one.
MAX_BYTES = 32 * 2**20
# The portal's limits for one file of the carga masiva.
MAX_RENGLONES_PORTAL = 3_000
MAX_BYTES_PORTAL = 15 * 2**20
ENCODING = "cp1252"  # what IMSS systems take without complaint (reference: the worker CSV)
COLUMNAS = ("NSS", "CURP", "SBC")
ENCABEZADO = ",".join(COLUMNAS) + "\r\n"
COLUMNAS_CODIGO = "columnas"  # the problem code of a row with the wrong number of columns

# Header spellings a spreadsheet may carry (compared by header_key: no case, accents, spaces).
_NOMBRES = {
    "nss": "nss",
    "numerodeseguridadsocial": "nss",
    "numeroseguridadsocial": "nss",
    "nodeseguridadsocial": "nss",
    "noseguridadsocial": "nss",
    "seguridadsocial": "nss",
    "curp": "curp",
    "sbc": "sbc",
    "salariobasedecotizacion": "sbc",
    "salariobase": "sbc",
    "sdi": "sbc",
    "salariodiariointegrado": "sbc",
}
_PDF = b"%PDF"
_OLE2 = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls), Word .doc


@dataclass(frozen=True)
class ArchivoTrabajadores:
    """What a worker file holds: the rows that are workers and the rows that could not be."""

    nombre: str
    formato: str  # "CSV" | "Excel"
    encabezado: bool
    trabajadores: tuple[Trabajador, ...]
    problemas: tuple[Problema, ...]


@dataclass(frozen=True)
class Validacion:
    archivo: ArchivoTrabajadores
    problemas: tuple[Problema, ...]  # the file's and every worker check's, by renglón

    @property
    def validos(self) -> int:
        """The workers with no problem."""
        malos = {p.renglon for p in self.problemas}
        return sum(1 for t in self.archivo.trabajadores if t.renglon not in malos)


def _foreign(name: str, what: str) -> ValidationError:
    return ValidationError(
        "archivo_ajeno",
        f"«{name}» {what}, no una lista de trabajadores (CSV con NSS, CURP y SBC, o .xlsx).",
    )


def _refuse_foreign(data: bytes, name: str) -> None:
    if data.startswith(_PDF):
        raise _foreign(name, "es un PDF")
    if data.startswith(_OLE2):
        raise ValidationError(
            "xls_antiguo",
            f"«{name}» es un libro de Excel 97-2003 (.xls) u otro documento de Office antiguo: "
            "ábrelo en Excel y guárdalo como libro de Excel (.xlsx) o CSV.",
        )
    head = decode_text(data[:4096], name)  # refuses NUL bytes
    # Text has few control characters; an image or a compressed file has many.
    controls = sum(1 for c in head if c < " " and c not in "\t\r\n")
    if controls > max(8, len(head) // 100):
        raise _foreign(name, "no es un archivo de texto")


def _csv_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    text = decode_text(data, name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.count(";") > first.count(","):
        delimiter = ";"
    elif "\t" in first and "," not in first:
        delimiter = "\t"
    else:
        delimiter = ","
    # newline=None: \r\n, \n and a bare \r all end a line, and the line numbers agree.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(name, max(reader.line_num, 1), exc) from exc
        cells = [cell.strip() for cell in row]
        if any(cells):
            yield reader.line_num, cells


def _xlsx_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    from icsoe_desktop.services.archivos.xlsx_reader import sheet_rows

    for number, values in sheet_rows(data, name):
        cells = [cell_text(v) for v in values]
        if any(cells):
            yield number, cells


def _header(cells: list[str], name: str) -> dict[str, int] | None:
    """Column → index when ``cells`` is a header row; None when it is a worker."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _NOMBRES.get(header_key(cell))
        if column:
            found.setdefault(column, index)
    if not found:
        if not any(c.isdigit() for cell in cells for c in cell):
            raise ValidationError(
                "columnas_faltantes",
                f"«{name}» no parece una lista de trabajadores: su primera fila no tiene los "
                "encabezados NSS, CURP y SBC ni los datos de un trabajador.",
            )
        return None
    missing = [c for c in COLUMNAS if c.lower() not in found]
    if missing:
        raise ValidationError(
            "columnas_faltantes",
            f"A «{name}» le faltan las columnas: {', '.join(missing)}. La primera fila debe "
            "tener los encabezados NSS, CURP y SBC (o ningún encabezado, con las columnas en "
            "ese orden).",
        )
    return found


def _nss(text: str) -> str:
    nss = "".join(text.split()).replace("-", "")
    # Excel drops the leading zero of an NSS kept as a number.
    return nss.zfill(11) if len(nss) == 10 and nss.isascii() and nss.isdigit() else nss


def _read(rows: Iterator[tuple[int, list[str]]], name: str, formato: str) -> ArchivoTrabajadores:
    first = next(rows, None)
    if first is None:
        raise ValidationError("archivo_sin_trabajadores", f"«{name}» no tiene trabajadores.")
    columns = _header(first[1], name)
    names = list(COLUMNAS)
    if columns is None:
        rows = chain([first], rows)
        nss_at, curp_at, sbc_at = 0, 1, 2
        fewest = most = len(COLUMNAS)
    else:
        nss_at, curp_at, sbc_at = columns["nss"], columns["curp"], columns["sbc"]
        # Columns after the three the file needs may be left empty (or out) on a row.
        names = first[1]
        while names and not names[-1]:
            names.pop()
        fewest, most = max(nss_at, curp_at, sbc_at) + 1, len(names)
    workers: list[Trabajador] = []
    problems: list[Problema] = []
    for renglon, cells in rows:
        while len(cells) > fewest and not cells[-1]:
            cells.pop()
        if not fewest <= len(cells) <= most:
            expected = f"{most}" if fewest == most else f"de {fewest} a {most}"
            problems.append(
                Problema(
                    COLUMNAS_CODIGO,
                    f"Tiene {len(cells)} {'columna' if len(cells) == 1 else 'columnas'} y se "
                    f"esperaban {expected} ({', '.join(names)}).",
                    renglon=renglon,
                )
            )
            continue
        try:
            sbc = parse_sbc(cells[sbc_at])
        except ValidationError as exc:
            problems.append(Problema(SBC, exc.message, campo=SBC, renglon=renglon))
            continue
        curp = "".join(cells[curp_at].split()).upper()
        workers.append(Trabajador(_nss(cells[nss_at]), curp, sbc, renglon=renglon))
    if not workers and not problems:
        raise ValidationError(
            "archivo_sin_trabajadores", f"«{name}» sólo tiene el encabezado: no tiene trabajadores."
        )
    return ArchivoTrabajadores(name, formato, columns is not None, tuple(workers), tuple(problems))


def leer_trabajadores(path: Path | str) -> ArchivoTrabajadores:
    """The workers of a CSV or .xlsx file, and the problems of the rows that are not workers."""
    path = Path(path)
    size = check_file(path)
    if size > MAX_BYTES:
        raise ValidationError(
            "archivo_grande",
            f"«{path.name}» ocupa {size / 2**20:,.1f} MB: una lista de trabajadores ocupa mucho "
            f"menos (el máximo es {MAX_BYTES // 2**20} MB). Revisa que sea el archivo correcto.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{path.name}»: {exc.strerror or exc}."
        ) from exc
    if data.startswith(XLSX_MAGIC):
        return _read(_xlsx_rows(data, path.name), path.name, "Excel")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ValidationError(
            "xlsx_invalido", f"«{path.name}» no es un libro de Excel válido o está dañado."
        )
    _refuse_foreign(data, path.name)
    return _read(_csv_rows(data, path.name), path.name, "CSV")


def validar_trabajadores(
    path: Path | str,
    periodo: Periodo | None = None,
    curps_conocidas: Mapping[str, str] = SIN_CURPS,
) -> Validacion:
    """Read the file and check every worker (NSS, CURP, SBC within the legal range of the
    period's year, repetitions, an NSS known with another CURP); problems by renglón."""
    archivo = leer_trabajadores(path)
    anio = periodo.anio if periodo else None
    problemas = [
        *archivo.problemas,
        *revisar_trabajadores(archivo.trabajadores, anio, curps_conocidas),
    ]
    problemas.sort(key=lambda p: p.renglon or 0)
    return Validacion(archivo, tuple(problemas))


# --- the IMSS template --------------------------------------------------------------------------


def _line(t: Trabajador) -> str:
    return f"{t.nss},{t.curp},{sbc_texto(t.sbc)}\r\n"


def _encode(text: str) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise ValidationError(
            "caracter_no_valido",
            f"«{exc.object[exc.start : exc.end]}» no se puede escribir en la plantilla del IMSS "
            "(Windows-1252). Corrige el NSS o la CURP que lo contiene.",
        ) from exc


def plantilla_csv(trabajadores: Iterable[Trabajador]) -> bytes:
    """The bytes of the IMSS template with these workers."""
    return _encode(ENCABEZADO + "".join(map(_line, trabajadores)))


def escribir_csv(trabajadores: Iterable[Trabajador], destino: Path | str | BinaryIO) -> int:
    """Write the IMSS template to a file (whole or not at all) or a binary stream; the number
    of bytes written."""
    data = plantilla_csv(trabajadores)
    if isinstance(destino, str | Path):
        path = Path(destino)
        try:
            write_bytes_atomic(path, data)
        except OSError as exc:
            raise ValidationError(
                "archivo_no_escrito", f"No se pudo escribir «{path.name}»: {exc.strerror or exc}."
            ) from exc
    else:
        destino.write(data)
    return len(data)


def partir(
    trabajadores: Sequence[Trabajador],
    max_renglones: int = MAX_RENGLONES_PORTAL,
    max_bytes: int = MAX_BYTES_PORTAL,
) -> list[tuple[Trabajador, ...]]:
    """The workers in order, in chunks the portal takes as one file each: at most
    ``max_renglones`` workers and ``max_bytes`` bytes (header included) per chunk."""
    if max_renglones < 1:
        raise ValueError(f"max_renglones = {max_renglones}")
    header = len(ENCABEZADO)
    chunks: list[tuple[Trabajador, ...]] = []
    chunk: list[Trabajador] = []
    size = header
    for t in trabajadores:
        length = len(_line(t))  # Windows-1252: one byte a character
        if header + length > max_bytes:
            raise ValueError(f"max_bytes = {max_bytes}: no cabe ni un renglón")
        if chunk and (len(chunk) >= max_renglones or size + length > max_bytes):
            chunks.append(tuple(chunk))
            chunk, size = [], header
        chunk.append(t)
        size += length
    if chunk:
        chunks.append(tuple(chunk))
    return chunks
