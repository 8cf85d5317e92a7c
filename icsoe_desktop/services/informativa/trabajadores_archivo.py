"""The worker file of a contract (carga masiva del ICSOE): columns NSS, CURP and SBC.

Read: a CSV (UTF-8 with or without BOM, or Windows-1252; comma, semicolon or tab; with or
without a header row) or an .xlsx, through the intake of every table (services/archivos/
lectura/: titles above the header, columns by any usual name, total rows left out, «$1,234.56»).
A row that cannot become a worker (wrong number of columns, an SBC that is not an amount) is a
problem of its renglón, the row the clerk sees in the file;
a file that is not a worker list at all (empty, binary, a PDF, a damaged workbook, too big)
raises a ``ValidationError`` with a Spanish message.

Written: the IMSS template (header ``NSS,CURP,SBC``, SBC with two decimals, Windows-1252, CRLF),
split into the portal's limits of 3,000 rows and 15 MB per file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import check_caracteres
from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.importaciones import registrar
from icsoe_desktop.services.archivos.lectura import (
    ALIAS,
    CELDAS,
    SIN_ENCABEZADO,
    Campo,
    Esquema,
    Guia,
    Lectura,
    ceros,
)
from icsoe_desktop.services.archivos.tabular import (
    ZIP_SUFFIXES,
    cell_text,
    check_file,
    decode_text,
    es_libro,
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

NOMBRES = (
    "Nombre",
    "Nombre completo",
    "Nombre del empleado",
    "Nombre y apellidos",
    "Apellidos y nombre",
    "Trabajador",
    "Empleado",
)
# The columns, by any name people give them (services/archivos/lectura/), or by position in a
# file without a header.
ESQUEMA = Esquema(
    (
        Campo("nss", "NSS", ALIAS["nss"], requerido=True, normalizar=ceros(11)),
        Campo("curp", "CURP", ALIAS["curp"], requerido=True),
        Campo("sbc", "SBC", ALIAS["sbc"], requerido=True, importe=True),
        # The worker's name, kept with it (the list, the search, the client's Excel; not the
        # constancia's annex, drawn from the sealed NSS, CURP and SBC alone).
        Campo("nombre", "Nombre del trabajador", NOMBRES, solo_por_nombre=True),
    ),
    sin_encabezado=True,
    celdas=True,
)
# The informativa's workers: the ICSOE side captures them.
IMPORTACION = registrar("trabajadores_contrato", Accion.CAPTURAR_INFORMATIVA, ESQUEMA)
_PDF = b"%PDF"


@dataclass(frozen=True)
class ArchivoTrabajadores:
    """What a worker file holds: the rows that are workers and the rows that could not be."""

    nombre: str
    formato: str  # "CSV" | "Excel"
    encabezado: bool
    trabajadores: tuple[Trabajador, ...]
    problemas: tuple[Problema, ...]
    notas: tuple[str, ...] = ()  # columns not used, title and total rows left out


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
        f"«{name}» {what}, no una lista de trabajadores (CSV con NSS, CURP y SBC, o libro de Excel).",
    )


def _refuse_foreign(data: bytes, name: str) -> None:
    if data.startswith(_PDF):
        raise _foreign(name, "es un PDF")
    head = decode_text(data[:4096], name)  # refuses NUL bytes
    # Text has few control characters; an image or a compressed file has many.
    controls = sum(1 for c in head if c < " " and c not in "\t\r\n")
    if controls > max(8, len(head) // 100):
        raise _foreign(name, "no es un archivo de texto")


def _read(leida: Lectura) -> ArchivoTrabajadores:
    name = leida.archivo
    leida.exigir_columnas()
    at = {campo: i for i, campo in enumerate(leida.mapeo.values()) if campo}
    if leida.fila_encabezado == SIN_ENCABEZADO:
        names = list(COLUMNAS)
        fewest = most = len(COLUMNAS)
    else:
        # Columns after the three the file needs may be left empty (or out) on a row.
        names = list(leida.columnas)
        fewest = max(at[c] for c in ("nss", "curp", "sbc")) + 1
        most = len(names)
    workers: list[Trabajador] = []
    problems: list[Problema] = []
    valores = leida.valores(CELDAS, "sbc", "nss", "curp", "nombre")
    for renglon, cells in leida.filas():
        count, sbc_cell, nss_cell, curp_cell, nombre_cell = valores(cells)
        assert isinstance(count, int)  # the intake counts a row's cells
        if not fewest <= count <= most:
            expected = f"{most}" if fewest == most else f"de {fewest} a {most}"
            problems.append(
                Problema(
                    COLUMNAS_CODIGO,
                    f"Tiene {count} {'columna' if count == 1 else 'columnas'} y se "
                    f"esperaban {expected} ({', '.join(names)}).",
                    renglon=renglon,
                )
            )
            continue
        try:
            sbc = parse_sbc(sbc_cell, SBC)
        except ValidationError as exc:
            problems.append(Problema(SBC, exc.message, campo=SBC, renglon=renglon))
            continue
        try:
            nombre = " ".join(check_caracteres(cell_text(nombre_cell), "Nombre").split())
        except ValidationError as exc:
            problems.append(Problema(exc.code, exc.message, campo="nombre", renglon=renglon))
            continue
        nss = "".join(cell_text(nss_cell).split())
        curp = "".join(cell_text(curp_cell).split()).upper()
        workers.append(Trabajador(nss, curp, sbc, nombre=nombre[:100], renglon=renglon))
    if not workers and not problems:
        if leida.fila_encabezado:
            why = "sólo tiene el encabezado: no tiene trabajadores"
        elif leida.omitidas:
            raise ValidationError(
                "columnas_faltantes",
                f"«{name}» no parece una lista de trabajadores: sus primeras filas no tienen los "
                "encabezados NSS, CURP y SBC ni los datos de un trabajador.",
            )
        else:
            why = "no tiene trabajadores"
        raise ValidationError("archivo_sin_trabajadores", f"«{name}» {why}.")
    return ArchivoTrabajadores(
        name,
        leida.formato,
        leida.fila_encabezado != SIN_ENCABEZADO,
        tuple(workers),
        tuple(problems),
        tuple(leida.notas("Renglón")),
    )


def leer_trabajadores(path: Path | str, guia: Guia | None = None) -> ArchivoTrabajadores:
    """The workers of a CSV or .xlsx file, and the problems of the rows that are not workers;
    ``guia``: its header row and columns as the clerk said them."""
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
            "archivo_ilegible", f"No se pudo leer «{path.name}»: {motivo_os(exc)}."
        ) from exc
    if not es_libro(data) and path.suffix.lower() not in ZIP_SUFFIXES:
        _refuse_foreign(data, path.name)
    return _read(lectura.leer(path, ESQUEMA, data=data, guia=guia))


def validar_trabajadores(
    path: Path | str,
    periodo: Periodo | None = None,
    curps_conocidas: Mapping[str, str] = SIN_CURPS,
    guia: Guia | None = None,
) -> Validacion:
    """Read the file and check every worker (NSS, CURP, SBC within the legal range of the
    period's year, repetitions, an NSS known with another CURP); problems by renglón."""
    archivo = leer_trabajadores(path, guia)
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
                "archivo_no_escrito", f"No se pudo escribir «{path.name}»: {motivo_os(exc)}."
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
