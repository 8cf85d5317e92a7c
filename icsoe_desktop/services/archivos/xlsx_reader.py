"""Reading the first sheet of an .xlsx a clerk brings, safely and completely.

Before openpyxl sees the file, every zip member is inflated once and counted: a member whose
declared or actual size passes its bound (a decompression bomb), a broken deflate stream, a CRC
mismatch or a DTD (billion laughs) refuses the file with a Spanish message. The sheet is then read
ignoring its declared <dimension>: openpyxl's read-only mode stops there otherwise, and a workbook
that declares A1:X5 but holds 40 rows would import 4 of them silently.

A sheet of up to CALAMINE_MAX_SHEET_BYTES is read by calamine (Rust: ~15 times openpyxl's speed,
but the whole sheet in memory, ~2 bytes per byte of its XML); a longer one, by calamine a window
of rows at a time when its cells are written the usual way within column Z (``_ventanas``), else
streamed by openpyxl (its memory flat). Both give the same values: text as text (leading zeros kept), a
whole number as int, a date as the datetime Excel stores, an empty cell as None, a formula as
the value Excel saved with it.

calamine holds the sheet as a dense grid: alcance.py bounds it first (a value far away, at
XFD1048576, would otherwise end the process), from what check_zip saw of the sheet as it
inflated it; a sheet whose grid would not fit is streamed by openpyxl, and a value past the
last column read is refused naming its cell. An .xls's records that calamine trusts to size what
it reserves are checked first too (biff.revisar_xls), and whatever calamine raises, a Rust panic
included, is a damaged workbook (``en_calamine``). The text is bounded as well: no text between
two tags longer than a cell holds (MAX_TEXTO_SEGUIDO, as check_zip inflates), no sheet whose
cells would make calamine copy more than MAX_TEXTO_REPETIDO of shared strings.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO, cast
from xml.parsers import expat

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.services.archivos import alcance, biff
from icsoe_desktop.services.archivos.libro import libro_xlsb, libro_xlsx

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
# Sheets (their XML, uncompressed) up to this size are read by calamine; 100,000 rows of the
# grid's 24 columns take ~76 MiB of XML and ~150 MB while read.
CALAMINE_MAX_SHEET_BYTES = 96 * MIB
_CHUNK = MIB
# A cell holds at most 32,767 characters in Excel (~200 KB as escaped UTF-8): a text of more
# than this between two tags of any XML part is none a spreadsheet wrote (a 1.5 GB cell of
# spaces was being read after minutes). Looked at as the part inflates: refused within ~2 MB.
MAX_TEXTO_SEGUIDO = MIB
# calamine copies a shared string into every cell that refers to it: 200,000 cells of one 5 KB
# string are 1 GB held at once. The text a sheet read whole (or a window of it) repeats is
# bounded; a 1,000,000-row export of 10 text columns repeats ~150 MB.
MAX_TEXTO_REPETIDO = 256 * MIB
_DTD = b"<!DOCTYPE"
_COL = re.compile(rb"<(?:\w+:)?col\b[^>]*>")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
# The sheet an OpenDocument opens on, in its settings.xml (LibreOffice writes it).
_TABLA_ACTIVA = re.compile(rb'config:name="ActiveTable"[^>]*>([^<]*)<')
_ATRIBUTO = re.compile(rb'(\w+)\s*=\s*["\']([^"\']*)["\']')


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


# Not a damaged file: Ctrl+C, the program's exit, a generator closed, a refusal of our own.
_NO_DEL_ARCHIVO = (KeyboardInterrupt, SystemExit, GeneratorExit, ValidationError)


@contextmanager
def en_calamine(name: str) -> Iterator[None]:
    """A call into calamine: whatever it raises is a damaged workbook, a Rust panic too
    (pyo3's PanicException derives from BaseException, past ``except Exception``); the lines a
    panic writes to stderr (English, not for the clerk) go to the log."""
    try:
        with _stderr_al_log(name):
            yield
    except _NO_DEL_ARCHIVO:
        raise
    except BaseException as exc:
        log.info("workbook %s refused by calamine", name, exc_info=True)
        raise _damaged(name) from exc


_STDERR = threading.Lock()  # one redirection at a time: each puts back what it found


@contextmanager
def _stderr_al_log(name: str) -> Iterator[None]:
    """File descriptor 2 sent to a temporary file while calamine runs, its text then logged
    (Rust writes a panic's message there itself, not through Python's sys.stderr)."""
    with _STDERR, tempfile.TemporaryFile() as destino:
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
            antes = os.dup(2)
        except OSError:  # no stderr at all (a windowed program): nothing to keep clean
            antes = -1
        if antes >= 0:
            os.dup2(destino.fileno(), 2)
        try:
            yield
        finally:
            if antes >= 0:
                os.dup2(antes, 2)
                os.close(antes)
                destino.seek(0)
                if texto := destino.read(16_384):
                    log.info("calamine, leyendo %s: %s", name, texto.decode("utf-8", "replace"))


def _too_big(name: str, part: str, limit: int) -> ValidationError:
    what, it = (f"su parte «{part}»", "la") if part else ("el libro completo", "lo")
    return ValidationError(
        "xlsx_descomprimido_grande",
        f"«{name}» no se importó: {what} ocupa más de {limit // MIB} MB al "
        f"descomprimir{it} (el archivo podría estar hecho para agotar la memoria). Guarda el libro "
        "de nuevo desde Excel o divide los datos en varios archivos.",
    )


@dataclass
class Revision:
    """What check_zip saw: the bytes of every sheet, inflated, and what ``alcance.Vistazo``
    saw of each sheet (by zip member)."""

    sheets_total: int = 0
    vistazos: dict[str, alcance.Vistazo] = field(default_factory=dict)
    xlsx: bool = False  # an .xlsx (or .xlsm): xl/workbook.xml
    xlsb: bool = False  # Excel's binary workbook: xl/workbook.bin
    # The longest text between two tags of xl/sharedStrings.xml (bytes): a shared string's
    # length at most.
    compartido_max: int = 0


def _is_sheet(member: str) -> bool:
    return member.lower().startswith("xl/worksheets/")


def check_zip(data: bytes | BinaryIO, name: str) -> Revision:
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
        revision = Revision()
        total = 0
        for info in members:
            limit = _part_limit(info.filename)
            if info.file_size > limit:
                raise _too_big(name, info.filename, limit)
            lower = info.filename.lower()
            revision.xlsx |= lower == "xl/workbook.xml"
            revision.xlsb |= lower == "xl/workbook.bin"
            vistazo = alcance.Vistazo() if _is_sheet(lower) and lower.endswith(".xml") else None
            corridas = _Corridas(exacta=lower.endswith("sharedstrings.xml"))
            counted = _inflate(archive, info, name, limit, vistazo, corridas)
            if corridas.exacta:
                revision.compartido_max = max(revision.compartido_max, corridas.maxima)
            total += counted
            if _is_sheet(lower):
                revision.sheets_total += counted
            if vistazo is not None:
                revision.vistazos[info.filename] = vistazo
            if revision.sheets_total > MAX_SHEETS_BYTES:
                raise _too_big(name, "xl/worksheets", MAX_SHEETS_BYTES)
            if total > MAX_TOTAL_BYTES:
                raise _too_big(name, "", MAX_TOTAL_BYTES)
    return revision


class _Corridas:
    """The text between two tags of an XML part, fed chunk by chunk: one longer than
    MAX_TEXTO_SEGUIDO across chunks refuses the file (within a chunk of 1 MB it is at most
    that); ``exacta`` also measures the longest within each chunk (``maxima``)."""

    def __init__(self, exacta: bool = False) -> None:
        self.exacta, self.actual, self.maxima = exacta, 0, 0

    def ver(self, chunk: bytes, name: str, part: str) -> None:
        primera = chunk.find(b"<")
        if primera < 0:
            self.actual += len(chunk)
        else:
            self.maxima = max(self.maxima, self.actual + primera)
            if self.exacta:
                self.maxima = max(self.maxima, max(map(len, chunk.split(b"<"))))
            self.actual = len(chunk) - chunk.rfind(b"<") - 1
        self.maxima = max(self.maxima, self.actual)
        if self.maxima > MAX_TEXTO_SEGUIDO:
            raise ValidationError(
                "xlsx_texto_grande",
                f"«{name}» no se importó: su parte «{part}» tiene un texto de más de "
                f"{MAX_TEXTO_SEGUIDO // MIB} MB, más del que cabe en una celda de Excel (el "
                "archivo podría estar hecho para agotar la memoria). Guarda el libro de nuevo "
                "desde Excel.",
            )


def _repetido(name: str) -> ValidationError:
    return ValidationError(
        "xlsx_texto_repetido",
        f"«{name}» no se importó: sus celdas repiten textos largos hasta sumar más de "
        f"{MAX_TEXTO_REPETIDO // MIB} MB (el archivo podría estar hecho para agotar la memoria). "
        "Guarda el libro de nuevo desde Excel o divide los datos en varios archivos.",
    )


_SI = re.compile(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>", re.S)
_REFERENCIA_COMPARTIDA = re.compile(
    rb"""<(?:\w+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:\w+:)?v>\s*(\d+)"""
)


def revisar_repetidos(
    tamano: int,
    xml_de: Callable[[], bytes],
    revision: Revision,
    compartidos: Callable[[], bytes],
    name: str,
) -> None:
    """Refuse a sheet (its XML: ``tamano`` bytes, ``xml_de()``) whose cells would make
    calamine hold more than MAX_TEXTO_REPETIDO of shared strings. The bound is checked first
    from the sizes alone (a cell takes 20 bytes of XML at least, a string at most
    ``revision.compartido_max``), then from the values the sheet holds; only past both are the
    references counted, string by string (``compartidos()``: the shared strings' XML)."""
    largo = revision.compartido_max
    if largo == 0 or (tamano // 20) * largo <= MAX_TEXTO_REPETIDO:
        return
    xml = xml_de()
    if xml.count(b"v>") // 2 * largo <= MAX_TEXTO_REPETIDO:  # <v> and </v>, any prefix
        return
    largos = [len(si) for si in _SI.findall(compartidos())]
    total = 0
    for indice in _REFERENCIA_COMPARTIDA.findall(xml):
        i = int(indice)
        total += largos[i] if i < len(largos) else 0
        if total > MAX_TEXTO_REPETIDO:
            raise _repetido(name)


def _inflate(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    limit: int,
    vistazo: alcance.Vistazo | None = None,
    corridas: _Corridas | None = None,
) -> int:
    """The member's inflated size; its XML parsed as it inflates (expat, no handlers: ~0.5 s
    for 100,000 rows): calamine reads a sheet whose tags do not match, and a damaged sheet
    must be refused, not read in part."""
    counted = 0
    tail = b""
    xml = expat.ParserCreate() if info.filename.lower().endswith((".xml", ".rels")) else None
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
                if vistazo is not None:
                    vistazo.ver(chunk)
                if xml is not None:
                    if corridas is not None:
                        corridas.ver(chunk, name, info.filename)
                    xml.Parse(chunk, False)
            if xml is not None:
                xml.Parse(b"", True)
            if vistazo is not None:
                vistazo.fin()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError, LookupError, expat.ExpatError) as exc:  # fmt: skip
        # RuntimeError: an encrypted member; NotImplementedError: a compression we can't read;
        # LookupError: an XML declaration naming an encoding that does not exist («TTF-8»).
        raise _damaged(name) from exc
    return counted


Rows = Generator[tuple[int, tuple[Any, ...]], None, None]


def sheet_rows(data: bytes | Path, name: str, hoja: str | None = None) -> Rows:
    """(row number, values) of every row of the sheet ``hoja`` (None: the one the workbook
    opens on, if visible; else its first visible sheet), whatever its <dimension> says.

    A generator: the file is checked at the first ``next()``. Any failure of openpyxl (broken
    XML, a bad cell reference…) becomes a ValidationError; the details go to the log."""
    with abrir(data, name) as book:
        yield from book.rows(hoja or book.por_omision())


@contextmanager
def abrir(data: bytes | Path, name: str) -> Iterator[LibroAbierto]:
    """The workbook in ``data`` (bytes, or a file read from the disk as needed: it is never
    held in memory whole), checked and bounded, its sheets listed; closed at the end."""

    def opener() -> BinaryIO:
        try:
            return data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
        except OSError as exc:
            raise ValidationError(
                "archivo_ilegible", f"No se pudo leer «{name}»: {motivo_os(exc)}."
            ) from exc

    source = opener()
    with source:  # closed here even when a reader refuses the file half-open
        yield LibroAbierto(source, opener, name)


class LibroAbierto:
    """An opened workbook: its worksheets as Excel shows them (``hojas``: name, visible), the one
    it opens on (``activa``), and each sheet's rows on demand."""

    def __init__(self, source: BinaryIO, opener: Callable[[], BinaryIO], name: str) -> None:
        self.name, self._source, self._opener = name, source, opener
        if source.read(len(biff.OLE_MAGIC)) == biff.OLE_MAGIC:  # .xls
            revision = None
        else:
            source.seek(0)
            revision = check_zip(source, name)
        activa, self._ocultas, self._filas_ocultas = _bound_workbook(source, name, revision)
        self._revision = revision
        self._book: Any = None
        self._partes: dict[str, str | None] = {}  # an .xlsx's sheet → its zip member
        # A longer .xlsx is streamed by openpyxl (calamine would hold it whole).
        if revision is not None and revision.xlsx:
            try:
                with zipfile.ZipFile(source) as archive:
                    estructura = libro_xlsx(archive)
            except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
                raise _damaged(name) from exc
            finally:
                source.seek(0)
            activa = estructura.activa
            self._partes = {h.nombre: h.parte for h in estructura.hojas}
        self._streamed = (
            revision is not None
            and revision.xlsx
            and (revision.sheets_total > CALAMINE_MAX_SHEET_BYTES)
        )
        if self._streamed:
            hojas = [(h.nombre, h.visible) for h in estructura.hojas]
        else:
            hojas = self._open_calamine()
        if not hojas:
            raise ValidationError("xlsx_sin_hojas", f"«{name}» no tiene ninguna hoja de cálculo.")
        self.hojas: tuple[tuple[str, bool], ...] = tuple(hojas)
        visibles = self.visibles
        self.activa = activa if activa in visibles else None

    def _open_calamine(self) -> list[tuple[str, bool]]:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        try:
            with en_calamine(self.name):
                self._book = CalamineWorkbook.from_filelike(self._source)
                return [
                    (m.name, m.visible == SheetVisibleEnum.Visible)
                    for m in self._book.sheets_metadata
                    if m.typ == SheetTypeEnum.WorkSheet
                ]
        finally:
            self._source.seek(0)

    @property
    def visibles(self) -> list[str]:
        """The sheets the clerk sees (hidden and very hidden ones are never read unasked)."""
        return [nombre for nombre, visible in self.hojas if visible]

    def por_omision(self) -> str:
        """The sheet the workbook opens on, or its first visible one."""
        if self.activa:
            return self.activa
        if not self.visibles:
            raise ValidationError(
                "hojas_ocultas",
                f"Todas las hojas de «{self.name}» están ocultas. En Excel, muestra la hoja con "
                "los datos (clic derecho en una pestaña › Mostrar) y guarda el libro.",
            )
        return self.visibles[0]

    def ocultas(self, hoja: str) -> tuple[frozenset[int], frozenset[int]]:
        """The hidden columns (0-based) of a sheet and its hidden rows (sheet numbers) among
        the first ones: of an .xlsx, from its <cols>, written before its cells, and the rows
        of its first megabyte; of the other formats, as their records said while bounded."""
        nada: tuple[frozenset[int], frozenset[int]] = frozenset(), frozenset()
        part = self._partes.get(hoja)
        if part is None:
            return self._ocultas.get(hoja, nada)
        try:
            with zipfile.ZipFile(self._source) as archive, archive.open(part) as member:
                inicio = b""
                while (chunk := member.read(_CHUNK)) and b"<sheetData" not in inicio:
                    inicio += chunk
                inicio += member.read(_CHUNK)  # the first rows
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
            return nada  # the rows' reading says what is wrong with the file
        finally:
            self._source.seek(0)
        antes, _, filas = inicio.partition(b"<sheetData")
        columnas: set[int] = set()
        for col in _COL.finditer(antes):
            atributos = dict(_ATRIBUTO.findall(col.group()))
            if atributos.get(b"hidden") in (b"1", b"true"):
                desde, hasta = atributos.get(b"min", b"0"), atributos.get(b"max", b"0")
                if desde.isdigit() and hasta.isdigit():
                    columnas.update(range(int(desde) - 1, min(int(hasta), alcance.MAX_COLUMNAS)))
        renglones: set[int] = set()
        for row in _ROW.finditer(filas):
            atributos = dict(_ATRIBUTO.findall(row.group()))
            r = atributos.get(b"r", b"")
            if atributos.get(b"hidden") in (b"1", b"true") and r.isdigit():
                renglones.add(int(r))
        return frozenset(columnas), frozenset(renglones)

    def filas_ocultas(self, hoja: str) -> alcance.FilasOcultas:
        """Every hidden row of a sheet (and whether a filter hid it), as its XML or its records
        said when the workbook was checked."""
        part = self._partes.get(hoja)
        if part is not None and self._revision is not None:
            vistazo = self._revision.vistazos.get(part)
            return vistazo.ocultas.todas_las_ocultas if vistazo else alcance.FilasOcultas()
        return self._filas_ocultas.get(hoja, alcance.FilasOcultas())

    def _revisar_repetidos(self, part: str | None) -> None:
        """revisar_repetidos for the sheet in the zip member ``part``, before calamine reads
        it whole."""
        if part is None or self._revision is None:
            return
        try:
            with zipfile.ZipFile(self._source) as archive:
                nombres = {n.lower(): n for n in archive.namelist()}
                sst = nombres.get("xl/sharedstrings.xml")
                revisar_repetidos(
                    archive.getinfo(part).file_size,
                    lambda: archive.read(part),
                    self._revision,
                    lambda: archive.read(sst) if sst else b"",
                    self.name,
                )
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise _damaged(self.name) from exc
        finally:
            self._source.seek(0)

    def rows(self, hoja: str) -> Rows:
        """The rows of the sheet ``hoja`` (any sheet the workbook has, hidden or not)."""
        if hoja not in {nombre for nombre, _ in self.hojas}:
            raise ValidationError(
                "hoja_inexistente",
                f"«{self.name}» no tiene una hoja «{hoja}»; sus hojas: "
                + ", ".join(f"«{n}»" for n in self.visibles or [n for n, _ in self.hojas])
                + ".",
            )
        revision = self._revision
        if not self._streamed and not (
            revision is not None
            and revision.xlsx
            and not _bounded(self._source, self.name, revision, hoja, self._partes.get(hoja))
        ):
            if revision is not None and revision.xlsx:
                self._revisar_repetidos(self._partes.get(hoja))
            with en_calamine(self.name):
                sheet = self._book.get_sheet_by_name(hoja)
            return _calamine_rows(sheet, self.name)
        part = self._partes.get(hoja)
        vistazo = None if revision is None or part is None else revision.vistazos.get(part)
        if (
            self._streamed
            and part is not None
            and vistazo is not None
            and (vistazo.basta or (vistazo.canonica and vistazo.estrecha))
        ):
            return _ventanas(self._opener, self.name, hoja, part, revision)
        return _openpyxl_rows(self._opener, self.name, hoja)


def _refuse_far(name: str, sheet: str, extent: alcance.Alcance) -> None:
    """A sheet calamine must read whole (no reader streams its format): refused, naming the
    cell that stretches it, when it would not fit."""
    if not alcance.revisar(extent, name, sheet):
        raise alcance.dato_suelto(name, sheet, extent.lejana(), "lejos de los demás datos")


Ocultas = dict[str, tuple[frozenset[int], frozenset[int]]]
TodasOcultas = dict[str, alcance.FilasOcultas]


def _bound_workbook(
    source: BinaryIO, name: str, revision: Revision | None
) -> tuple[str | None, Ocultas, TodasOcultas]:
    """What calamine reads when it opens a workbook, or only from it, bounded first: an .xls
    (every sheet, at once), an OpenDocument (every table, at once), an .xlsb (its sheets).
    Nothing for an .xlsx: its sheet is bounded once chosen (``_bounded``). Returns the sheet an
    .xls or an OpenDocument opens on, when it says, and each sheet's hidden columns and rows
    (calamine does not tell them), read in the same pass."""
    try:
        if revision is None:
            import olefile

            source.seek(0)
            with olefile.OleFileIO(source) as ole:
                stream = "Workbook" if ole.exists("Workbook") else "Book"
                data = ole.openstream(stream).read()
            hojas = biff.hojas_xls(data)
            if (defecto := biff.revisar_xls(data, hojas)) is not None:
                log.info("workbook %s refused before calamine: %s", name, defecto)
                raise _damaged(name)
            largos = biff.largos_sst(data)
            extents = [(h.nombre, biff.alcance_xls(data, h.inicio, largos)) for h in hojas]
            if sum(extent.texto for _, extent in extents) > MAX_TEXTO_REPETIDO:
                raise _repetido(name)
            for sheet, extent in extents:
                _refuse_far(name, sheet, extent)
            if sum(extent.celdas for _, extent in extents) > alcance.MAX_CELDAS_GRID:
                sheet, extent = max(extents, key=lambda se: se[1].celdas)
                raise alcance.dato_suelto(name, sheet, extent.lejana(), "lejos de los demás datos")
            return (
                biff.activa_xls(data),
                {sheet: extent.ocultas for sheet, extent in extents},
                {sheet: extent.todas_las_ocultas for sheet, extent in extents},
            )
        source.seek(0)
        ocultas: Ocultas = {}
        todas: TodasOcultas = {}
        with zipfile.ZipFile(source) as archive:
            names = {n.lower(): n for n in archive.namelist()}
            if revision.xlsb:
                for hoja in libro_xlsb(archive).hojas:
                    if hoja.parte is not None:
                        extent = biff.alcance_xlsb(archive.read(hoja.parte))
                        _refuse_far(name, hoja.nombre, extent)
                        ocultas[hoja.nombre] = extent.ocultas
                        todas[hoja.nombre] = extent.todas_las_ocultas
            elif "xl/workbook.xml" not in names and "content.xml" in names:
                tablas = alcance.alcance_ods(archive.read("content.xml"))
                for table, extent in tablas.items():
                    _refuse_far(name, table, extent)
                    ocultas[table] = extent.ocultas
                    todas[table] = extent.todas_las_ocultas
                if sum(extent.texto for extent in tablas.values()) > MAX_TEXTO_REPETIDO:
                    raise _repetido(name)
                if "settings.xml" in names:
                    activa = _TABLA_ACTIVA.search(archive.read("settings.xml"))
                    nombre = activa[1].decode("utf-8", "replace") if activa else None
                    return nombre, ocultas, todas
        return None, ocultas, todas
    except ValidationError:
        raise
    except Exception as exc:  # olefile, zipfile, expat, struct: a damaged workbook
        log.info("workbook %s refused before calamine", name, exc_info=True)
        raise _damaged(name) from exc
    finally:
        source.seek(0)


def _bounded(source: BinaryIO, name: str, revision: Revision, sheet: str, part: str | None) -> bool:
    """Whether calamine may read the .xlsx's ``sheet`` (its zip member ``part``) as a dense
    grid (alcance.py): False when it would not fit (openpyxl streams it instead); a value past
    the last column or row read is refused naming its cell."""
    if part is None:
        raise _damaged(name)
    try:
        with zipfile.ZipFile(source) as archive:
            vistazo = revision.vistazos.get(part)
            if vistazo is not None and vistazo.basta:
                return True
            if vistazo is not None and vistazo.canonica:
                extent = alcance.alcance_canonico(archive.read(part))
            else:
                with archive.open(part) as member:
                    extent = alcance.alcance_xlsx(iter(lambda: member.read(_CHUNK), b""))
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, expat.ExpatError) as exc:
        raise _damaged(name) from exc
    except SyntaxError as exc:  # ElementTree's ParseError
        raise _damaged(name) from exc
    finally:
        source.seek(0)
    return alcance.revisar(extent, name, sheet)


def _too_many_rows(name: str) -> ValidationError:
    return ValidationError(
        "xlsx_demasiadas_filas",
        f"«{name}» tiene más de {MAX_ROWS:,} filas, el máximo de una hoja de Excel. "
        "Divide los datos en varios archivos. No se importó nada.",
    )


_EXACT = 2**53  # a float up to here that is whole was written as a whole number


def _value(value: object) -> object:
    """A calamine value as openpyxl gives it (the module's docstring)."""
    kind = type(value)  # exact types: a datetime is a date, and stays as it is
    if kind is str:
        return value or None
    if kind is float:
        number = cast(float, value)
        return int(number) if number.is_integer() and -_EXACT < number < _EXACT else number
    if kind is date:
        day = cast(date, value)
        return datetime(day.year, day.month, day.day)
    return value


def _calamine_rows(sheet: Any, name: str, after: int = 0) -> Rows:
    """The rows of a sheet calamine read; ``after``: the last row already given (the sheet is
    a window of a longer one, ``_ventanas``), the empty rows between given as such."""
    start = sheet.start
    if start is None:  # no cell written
        return
    first_row, first_column = start
    if first_row + sheet.height > MAX_ROWS:
        raise _too_many_rows(name)
    # calamine's rows start at the sheet's first row (the empty ones above, too, as openpyxl
    # gives them), its cells at the first column written: the columns before it are put back.
    before = (None,) * first_column
    if after:
        for number in range(after + 1, first_row + 1):
            yield number, ()
        rows = enumerate(sheet.to_python(skip_empty_area=True), start=first_row + 1)
    else:
        rows = enumerate(sheet.iter_rows(), start=1)
    try:
        for number, cells in rows:
            # Text, most of a sheet, is taken as it is here; the other kinds go through _value.
            values = [(v or None) if v.__class__ is str else _value(v) for v in cells]
            while values and values[-1] is None:  # a row ends at its last value, as openpyxl
                values.pop()
            yield number, (*before, *values) if values else ()
    except _NO_DEL_ARCHIVO:
        raise
    except BaseException as exc:  # calamine's rows: a panic as any failure (en_calamine)
        log.info("workbook %s refused by calamine", name, exc_info=True)
        raise _damaged(name) from exc


# A sheet longer than CALAMINE_MAX_SHEET_BYTES and written the usual way, within column Z
# (``Vistazo``: every window's grid bounded, its rows checked by ``revisar_ventana``) is read by calamine a window of
# rows at a time: each window a workbook of its own in memory, with the workbook's XML parts
# but its other sheets (the styles type the cells, the shared strings hold the texts). Memory
# is bounded by the window and those parts; openpyxl reads ~15 times slower.
VENTANA_BYTES = 8 * MIB
# Parts copied into every window up to this size together (a workbook's are a few KB and its
# shared strings); past it the sheet is streamed by openpyxl.
PARTES_VENTANA_BYTES = 80 * MIB
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*>")
_FIN_FILA = b"</row>"
_FIN_HOJA = b"</sheetData></worksheet>"


def _ventanas(
    opener: Callable[[], BinaryIO], name: str, hoja: str, part: str, revision: Revision | None
) -> Rows:
    with opener() as source:
        try:
            with zipfile.ZipFile(source) as archive:
                copiar = [
                    info
                    for info in archive.infolist()
                    if info.filename.lower().endswith((".xml", ".rels"))
                    and not (_is_sheet(info.filename) and info.filename.lower().endswith(".xml"))
                ]
                if sum(info.file_size for info in copiar) > PARTES_VENTANA_BYTES:
                    source.seek(0)
                    yield from _openpyxl_sheet(source, name, hoja)
                    return
                partes = {info.filename: archive.read(info) for info in copiar}
                with archive.open(part) as member:
                    yield from _ventanas_de(member, partes, part, hoja, name, revision)
        except (ValidationError, GeneratorExit):
            raise
        except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError) as exc:
            raise _damaged(name) from exc


def _ventanas_de(
    member: IO[bytes],
    partes: dict[str, bytes],
    part: str,
    hoja: str,
    name: str,
    revision: Revision | None = None,
) -> Rows:
    """The rows of the sheet ``member`` (inflating), cut after a row's end into windows of
    ~VENTANA_BYTES, each read by calamine in a workbook of ``partes`` and the window (its
    shared strings repeated within MAX_TEXTO_REPETIDO: ``revision`` says their longest)."""
    revision = revision or Revision()
    sst = next((p for p in partes if p.lower() == "xl/sharedstrings.xml"), None)

    def compartidos() -> bytes:
        return partes[sst] if sst else b""

    pending = bytearray()
    head = b""
    given = 0
    while True:
        chunk = member.read(_CHUNK)
        pending += chunk
        if not head:
            inicio = pending.find(b"<sheetData")
            fin = pending.find(b">", inicio) if inicio >= 0 else -1
            if fin < 0:
                if not chunk:
                    raise _damaged(name)
                continue
            # The declared extent is the whole sheet's, not the window's.
            head = _DIMENSION.sub(b"", bytes(pending[: fin + 1]))
            del pending[: fin + 1]
        while pending:
            # A window ends with the first row's end past VENTANA_BYTES (the last, at the end).
            end = pending.find(_FIN_FILA, VENTANA_BYTES) if chunk else len(pending)
            if end < 0:
                break
            cut = end + len(_FIN_FILA) if chunk else end
            xml = head + pending[:cut] + (_FIN_HOJA if chunk else b"")
            del pending[:cut]
            alcance.revisar_ventana(xml, name, hoja)
            revisar_repetidos(len(xml), partial(bytes, xml), revision, compartidos, name)
            sheet = _ventana(partes, part, hoja, xml, name)
            for number, values in _calamine_rows(sheet, name, given):
                given = number
                yield number, values
        if not chunk:
            return


def _ventana(partes: dict[str, bytes], part: str, hoja: str, xml: bytes, name: str) -> Any:
    from python_calamine import CalamineWorkbook

    libro = io.BytesIO()
    with zipfile.ZipFile(libro, "w", zipfile.ZIP_STORED) as archive:
        for parte, data in partes.items():
            archive.writestr(parte, data)
        archive.writestr(part, xml)
    libro.seek(0)
    with en_calamine(name):
        return CalamineWorkbook.from_filelike(libro).get_sheet_by_name(hoja)


def _openpyxl_rows(opener: Callable[[], BinaryIO], name: str, hoja: str) -> Rows:
    """The sheet streamed by openpyxl, from a handle of its own (each sheet read may be)."""
    with opener() as source:
        yield from _openpyxl_sheet(source, name, hoja)


def _openpyxl_sheet(source: BinaryIO, name: str, hoja: str) -> Rows:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged zip/xml
        log.info("xlsx %s refused by openpyxl", name, exc_info=True)
        raise _damaged(name) from exc
    number = 0
    try:
        if hoja not in book.sheetnames:
            raise ValidationError("xlsx_sin_hojas", f"«{name}» no tiene ninguna hoja de cálculo.")
        sheet = book[hoja]
        sheet.reset_dimensions()  # read to the last row written, not the one declared
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise _too_many_rows(name)
            if len(values) > alcance.MAX_COLUMNAS:  # a row is as long as its last cell
                _far_in_row(values, number, name, sheet.title)
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


def _far_in_row(values: tuple[Any, ...], number: int, name: str, sheet: str) -> None:
    """Refuse a value past the last column read (a cell styled there holds none)."""
    last = max((i for i, v in enumerate(values) if v is not None), default=-1)
    if last >= alcance.MAX_COLUMNAS:
        extent = alcance.Alcance()
        extent.agregar(number - 1, last, number - 1, last)
        alcance.revisar(extent, name, sheet)
