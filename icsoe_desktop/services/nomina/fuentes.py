"""Where receipts come from: a folder (searched in its subfolders), a ZIP or single XML files,
each yielded as (name, bytes) one at a time: a set of 100,000 receipts is never in memory.

A ZIP is judged by its directory before a byte is inflated: too many members, or a member
that would inflate far beyond what a receipt measures (a ZIP bomb) refuses the whole ZIP. A
member is then read bounded: one whose data inflates beyond what its header declared is a
refused receipt, never a full inflation. ZIPs inside a ZIP are not opened. Each ZIP is opened
once (``abrir``) and its directory walked from the file twice, never held (``directorio_zip``):
to judge it and count its receipts, then to read them. A deflated member comes
with its compressed bytes as a zlib stream of exactly its data (``Pieza.comprimidos``): the
evidence archive keeps them as they are instead of compressing the receipt again.
"""

from __future__ import annotations

import bz2
import itertools
import lzma
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.nomina import MAX_XML, ReciboRechazado
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.nomina.directorio_zip import Directorio, DirectorioDanado, Miembro

MAX_MIEMBROS = 1_000_000  # ~20 months of a 12,000-worker weekly payroll in one ZIP
MAX_RAZON = 200  # a receipt deflates 3 to 10 times; a bomb, thousands
MAX_TOTAL = 20 * 1024**3  # what all members declare, inflated


class ZipRechazado(ValidationError):
    """A ZIP refused whole, before anything of it is read."""


@dataclass(frozen=True, slots=True)
class Pieza:
    """One receipt's bytes, or why they could not be read."""

    nombre: str
    datos: bytes = b""
    motivo: ReciboRechazado | None = None
    comprimidos: bytes | None = None  # ``datos`` as a zlib stream, when the ZIP deflated them


def _es_xml(nombre: str) -> bool:
    return nombre.lower().endswith(".xml")


def _es_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


class Origen:
    """The receipts of ``rutas`` (``abrir``): how many (``total``, the progress bar's) and
    each one (``piezas``), every ZIP opened and judged by its directory, walked again to read
    its receipts (its entries are never all in memory)."""

    def __init__(self, rutas: Sequence[Path]) -> None:
        self._rutas = list(rutas)
        self._zips: dict[int, tuple[BinaryIO, Directorio, int]] = {}

    def __enter__(self) -> Origen:
        try:
            for i, ruta in enumerate(self._rutas):
                if not ruta.is_dir() and _es_zip(ruta):
                    self._zips[i] = _abrir_zip(ruta)
        except BaseException:
            self.cerrar()
            raise
        return self

    def __exit__(self, *excepcion: object) -> None:
        self.cerrar()

    def cerrar(self) -> None:
        for archivo, _, _ in self._zips.values():
            archivo.close()
        self._zips.clear()

    @property
    def total(self) -> int:
        total = 0
        for i, ruta in enumerate(self._rutas):
            if i in self._zips:
                total += self._zips[i][2]
            elif ruta.is_dir():
                total += sum(1 for _ in _en_carpeta(ruta))
            else:
                total += 1
        return total

    def piezas(self) -> Iterator[Pieza]:
        for i, ruta in enumerate(self._rutas):
            if i in self._zips:
                archivo, directorio, cuantos = self._zips[i]
                # As many as counted: a file changed since is not read beyond them.
                for miembro in itertools.islice(_recibos(directorio), cuantos):
                    yield _leer_miembro(archivo, miembro, ruta.name)
            elif ruta.is_dir():
                for path in _en_carpeta(ruta):
                    yield _leer_archivo(path, str(path.relative_to(ruta)))
            else:
                yield _leer_archivo(ruta, ruta.name)


def abrir(rutas: Sequence[Path]) -> Origen:
    """The receipts of ``rutas`` (folders, ZIPs, XML files), to read in a ``with``; a ZIP
    refused whole raises ``ZipRechazado`` here, before anything is read."""
    return Origen(rutas)


def _en_carpeta(carpeta: Path) -> Iterator[Path]:
    """Its .xml files, sorted within each folder (the same order each time), followed into
    subfolders but not through links (a link loop would never end)."""
    pendientes = [carpeta]
    while pendientes:
        actual = pendientes.pop()
        try:
            entradas = sorted(os.scandir(actual), key=lambda e: e.name)
        except OSError:
            continue
        for entrada in entradas:
            if entrada.is_dir(follow_symlinks=False):
                pendientes.append(Path(entrada.path))
            elif entrada.is_file() and _es_xml(entrada.name):
                yield Path(entrada.path)


def _leer_archivo(path: Path, nombre: str) -> Pieza:
    try:
        with path.open("rb") as archivo:
            datos = archivo.read(MAX_XML + 1)
    except OSError:
        motivo = ReciboRechazado("archivo_ilegible", "No se pudo leer (¿sin permiso, o en uso?).")
        return Pieza(nombre, motivo=motivo)
    return Pieza(nombre, datos)


def _abrir_zip(ruta: Path) -> tuple[BinaryIO, Directorio, int]:
    """The ZIP open, its directory found and judged, and how many receipts it holds."""
    try:
        archivo = ruta.open("rb")
    except OSError as exc:
        raise ZipRechazado(
            "zip_danado", f"«{ruta.name}» no es un ZIP legible o está dañado: no se leyó nada."
        ) from exc
    try:
        directorio = Directorio(archivo, ruta.name)
        return archivo, directorio, _revisar(ruta, directorio)
    except DirectorioDanado as exc:
        archivo.close()
        raise ZipRechazado(exc.code, exc.message) from exc
    except BaseException:
        archivo.close()
        raise


def _recibos(directorio: Directorio) -> Iterator[Miembro]:
    return (m for m in directorio if not m.es_carpeta() and _es_xml(m.nombre))


def _revisar(ruta: Path, directorio: Directorio) -> int:
    """How many .xml members, once the directory says the ZIP is no bomb."""
    total = cuantos = recibos = 0
    bomba: Miembro | None = None
    for miembro in directorio:
        cuantos += 1
        if cuantos > MAX_MIEMBROS:
            continue  # only counted, for the message
        total += miembro.tamano
        if miembro.tamano > MAX_XML and miembro.tamano > MAX_RAZON * max(miembro.comprimido, 1):
            bomba = bomba or miembro
        recibos += not miembro.es_carpeta() and _es_xml(miembro.nombre)
    if cuantos > MAX_MIEMBROS:
        raise ZipRechazado(
            "zip_demasiados",
            f"«{ruta.name}» tiene {plural(cuantos, 'archivo')}; se leen hasta {MAX_MIEMBROS:,} por "
            "ZIP: divídelo.",
        )
    if bomba is not None:
        raise ZipRechazado(
            "zip_bomba",
            f"«{ruta.name}» parece una bomba ZIP: «{bomba.nombre}» ocupa "
            f"{bomba.comprimido:,} bytes y se descomprimiría a {bomba.tamano:,}. No se "
            "leyó nada.",
        )
    if total > MAX_TOTAL:
        raise ZipRechazado(
            "zip_bomba",
            f"«{ruta.name}» se descomprimiría a {total / 1024**3:,.0f} GB: más de lo que "
            f"caben en un ZIP de recibos ({MAX_TOTAL // 1024**3} GB). No se leyó nada.",
        )
    return recibos


def _leer_miembro(archivo: BinaryIO, miembro: Miembro, zip_nombre: str) -> Pieza:
    nombre = f"{zip_nombre}/{miembro.nombre}"
    if miembro.tamano > MAX_XML:
        return Pieza(
            nombre, motivo=ReciboRechazado("xml_grande", f"Mide más de {MAX_XML // 1024**2} MB.")
        )
    try:
        datos, comprimidos = _datos(archivo, miembro)
    except (OSError, _Ilegible, EOFError, zlib.error, lzma.LZMAError):
        return Pieza(
            nombre,
            motivo=ReciboRechazado(
                "zip_miembro_ilegible", "No se pudo descomprimir: cifrado o dañado."
            ),
        )
    if len(datos) > miembro.tamano:
        return Pieza(
            nombre,
            motivo=ReciboRechazado(
                "zip_miembro_ilegible",
                "Se descomprime a más de lo que declara el ZIP: dañado o manipulado.",
            ),
        )
    return Pieza(nombre, datos, comprimidos=comprimidos)


class _Ilegible(Exception):
    """A member that cannot be read: encrypted, compressed another way, damaged."""


# Deflate's worst case: stored blocks, 5 bytes per 64 KiB, and the end (RFC 1951).
_HOLGURA = 64
_TROZO = 1024**2
_GUARDADO, _DEFLATE, _BZIP2, _LZMA = 0, 8, 12, 14


def _datos(archivo: BinaryIO, miembro: Miembro) -> tuple[bytes, bytes | None]:
    """A member's data (bounded: at most one byte beyond its declared size, its CRC-32
    checked) and, when its compressed bytes are one whole deflate stream of exactly them,
    those bytes as a zlib stream (its header, them, the Adler-32 of the data)."""
    if miembro.banderas & 0x1:
        raise _Ilegible("cifrado")
    if miembro.metodo == _DEFLATE and miembro.comprimido <= (
        miembro.tamano + miembro.tamano // 8192 + _HOLGURA
    ):
        deflado = _guardados(archivo, miembro, miembro.comprimido)
        flujo = zlib.decompressobj(-zlib.MAX_WBITS)
        datos = flujo.decompress(deflado, miembro.tamano + 1)
        _comprobar(datos, miembro, flujo.eof)
        if len(datos) > miembro.tamano or flujo.unused_data:
            return datos, None  # refused by the caller / the bytes are not only the data
        return datos, b"\x78\x9c" + deflado + zlib.adler32(datos).to_bytes(4, "big")
    if miembro.metodo == _GUARDADO:
        datos = _guardados(archivo, miembro, min(miembro.comprimido, miembro.tamano + 1))
        _comprobar(datos, miembro, completo=True)
        return datos, None
    return _por_trozos(archivo, miembro), None


def _por_trozos(archivo: BinaryIO, miembro: Miembro) -> bytes:
    """A member compressed in a way that may take more bytes than its data (deflate with
    room to spare, bzip2, LZMA), inflated a megabyte at a time, never beyond its declared
    size."""
    flujo: Any
    _guardados(archivo, miembro, 0)
    quedan = miembro.comprimido
    if miembro.metodo == _DEFLATE:
        flujo = zlib.decompressobj(-zlib.MAX_WBITS)
    elif miembro.metodo == _BZIP2:
        flujo = bz2.BZ2Decompressor()
    elif miembro.metodo == _LZMA:
        flujo, quedan = _lzma(archivo, quedan)
    else:
        raise _Ilegible("otra compresión")
    datos = b""
    while quedan and not flujo.eof and len(datos) <= miembro.tamano:
        trozo = archivo.read(min(quedan, _TROZO))
        if not trozo:
            raise EOFError("truncado")
        quedan -= len(trozo)
        datos += flujo.decompress(trozo, miembro.tamano + 1 - len(datos))
    # LZMA's stream may end with its data, without an end marker.
    _comprobar(datos, miembro, flujo.eof or (miembro.metodo == _LZMA and not quedan))
    return datos


_LZMA_CABECERA = struct.Struct("<2BH")  # version, the length of the properties (APPNOTE 5.8.8)
_LZMA_PROPIEDADES = struct.Struct("<BL")  # lc, lp, pb in one byte; the dictionary's size


def _lzma(archivo: BinaryIO, quedan: int) -> tuple[lzma.LZMADecompressor, int]:
    """The decompressor of an LZMA member's stream, its header read from ``archivo``."""
    cabecera = archivo.read(_LZMA_CABECERA.size)
    if len(cabecera) != _LZMA_CABECERA.size:
        raise EOFError("truncado")
    _, _, largo = _LZMA_CABECERA.unpack(cabecera)
    propiedades = archivo.read(largo)
    if largo != _LZMA_PROPIEDADES.size or len(propiedades) != largo:
        raise _Ilegible("propiedades LZMA")
    lclppb, diccionario = _LZMA_PROPIEDADES.unpack(propiedades)
    if lclppb >= 9 * 5 * 5:
        raise _Ilegible("propiedades LZMA")
    filtro = {
        "id": lzma.FILTER_LZMA1,
        "dict_size": diccionario,
        "lc": lclppb % 9,
        "lp": lclppb // 9 % 5,
        "pb": lclppb // 45,
    }
    flujo = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[filtro])
    return flujo, max(quedan - _LZMA_CABECERA.size - largo, 0)


def _comprobar(datos: bytes, miembro: Miembro, completo: bool) -> None:
    """Data more than declared are refused by the caller; fewer, or another CRC-32, here."""
    if len(datos) > miembro.tamano:
        return
    if not completo or len(datos) != miembro.tamano:
        raise EOFError("incompleto")
    if zlib.crc32(datos) != miembro.crc:
        raise _Ilegible("CRC-32")


# A member's local header (PKWARE's APPNOTE 4.3.7): signature, versions, flags, method, time,
# date, CRC-32, sizes, then the lengths of its name and its extra field.
_CABECERA = struct.Struct("<4s2B4HL2L2H")
_UTF8 = 0x800  # general purpose flag: the name is UTF-8


def _guardados(archivo: BinaryIO, miembro: Miembro, cuantos: int) -> bytes:
    """The first ``cuantos`` bytes the ZIP stores for a member, after its local header,
    which must name it as the directory does (what ``ZipFile.open`` checks); the file is
    left after them."""
    if miembro.desplazamiento < 0:
        raise EOFError("antes del ZIP")
    archivo.seek(miembro.desplazamiento)
    cabecera = archivo.read(_CABECERA.size)
    if len(cabecera) != _CABECERA.size:
        raise EOFError("cabecera truncada")
    firma, _, _, banderas, _, _, _, _, _, _, largo_nombre, largo_extra = _CABECERA.unpack(cabecera)
    resto = archivo.read(largo_nombre + largo_extra + cuantos)
    try:
        nombre = resto[:largo_nombre].decode("utf-8" if banderas & _UTF8 else "cp437")
    except UnicodeDecodeError as exc:
        raise _Ilegible("nombre") from exc
    if firma != b"PK\x03\x04" or nombre != miembro.original:
        raise _Ilegible("cabecera ajena")
    if len(resto) != largo_nombre + largo_extra + cuantos:
        raise EOFError("truncado")
    return resto[largo_nombre + largo_extra :]
