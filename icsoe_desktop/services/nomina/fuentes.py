"""Where receipts come from: a folder (searched in its subfolders), a ZIP or single XML files,
each yielded as (name, bytes) one at a time: a set of 100,000 receipts is never in memory.

A ZIP is judged by its directory before a byte is inflated: too many members, or a member
that would inflate far beyond what a receipt measures (a ZIP bomb) refuses the whole ZIP. A
member is then read bounded: one whose data inflates beyond what its header declared is a
refused receipt, never a full inflation. ZIPs inside a ZIP are not opened. Each ZIP is opened
and its directory read once (``abrir``: the count, then the receipts). A deflated member comes
with its compressed bytes as a zlib stream of exactly its data (``Pieza.comprimidos``): the
evidence archive keeps them as they are instead of compressing the receipt again.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.nomina import MAX_XML, ReciboRechazado

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
    each one (``piezas``), every ZIP opened, judged and its directory read once."""

    def __init__(self, rutas: Sequence[Path]) -> None:
        self._rutas = list(rutas)
        self._zips: dict[int, tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]] = {}

    def __enter__(self) -> Origen:
        try:
            for i, ruta in enumerate(self._rutas):
                if not ruta.is_dir() and _es_zip(ruta):
                    archivo = _abrir_zip(ruta)
                    self._zips[i] = archivo, []  # closed by cerrar if refused
                    self._zips[i] = archivo, _miembros(ruta, archivo)
        except BaseException:
            self.cerrar()
            raise
        return self

    def __exit__(self, *excepcion: object) -> None:
        self.cerrar()

    def cerrar(self) -> None:
        for archivo, _ in self._zips.values():
            archivo.close()
        self._zips.clear()

    @property
    def total(self) -> int:
        total = 0
        for i, ruta in enumerate(self._rutas):
            if i in self._zips:
                total += len(self._zips[i][1])
            elif ruta.is_dir():
                total += sum(1 for _ in _en_carpeta(ruta))
            else:
                total += 1
        return total

    def piezas(self) -> Iterator[Pieza]:
        for i, ruta in enumerate(self._rutas):
            if i in self._zips:
                archivo, miembros = self._zips[i]
                for info in miembros:
                    yield _leer_miembro(archivo, info, ruta.name)
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


def _abrir_zip(ruta: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(ruta)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ZipRechazado(
            "zip_danado", f"«{ruta.name}» no es un ZIP legible o está dañado: no se leyó nada."
        ) from exc


def _miembros(ruta: Path, archivo: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The .xml members, once the directory says the ZIP is no bomb."""
    infos = archivo.infolist()
    if len(infos) > MAX_MIEMBROS:
        raise ZipRechazado(
            "zip_demasiados",
            f"«{ruta.name}» tiene {len(infos):,} archivos; se leen hasta {MAX_MIEMBROS:,} por "
            "ZIP: divídelo.",
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_XML and info.file_size > MAX_RAZON * max(info.compress_size, 1):
            raise ZipRechazado(
                "zip_bomba",
                f"«{ruta.name}» parece una bomba ZIP: «{info.filename}» ocupa "
                f"{info.compress_size:,} bytes y se descomprimiría a {info.file_size:,}. No se "
                "leyó nada.",
            )
    if total > MAX_TOTAL:
        raise ZipRechazado(
            "zip_bomba",
            f"«{ruta.name}» se descomprimiría a {total / 1024**3:,.0f} GB: más de lo que "
            f"caben en un ZIP de recibos ({MAX_TOTAL // 1024**3} GB). No se leyó nada.",
        )
    return [info for info in infos if not info.is_dir() and _es_xml(info.filename)]


def _leer_miembro(archivo: zipfile.ZipFile, info: zipfile.ZipInfo, zip_nombre: str) -> Pieza:
    nombre = f"{zip_nombre}/{info.filename}"
    if info.file_size > MAX_XML:
        return Pieza(
            nombre, motivo=ReciboRechazado("xml_grande", f"Mide más de {MAX_XML // 1024**2} MB.")
        )
    try:
        if _deflado(info):
            datos, comprimidos = _inflar(archivo, info)
        else:
            with archivo.open(info) as miembro:
                datos, comprimidos = miembro.read(info.file_size + 1), None
    except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, zlib.error):
        # RuntimeError: encrypted; NotImplementedError: a compression zipfile does not read.
        return Pieza(
            nombre,
            motivo=ReciboRechazado(
                "zip_miembro_ilegible", "No se pudo descomprimir: cifrado o dañado."
            ),
        )
    if len(datos) > info.file_size:
        return Pieza(
            nombre,
            motivo=ReciboRechazado(
                "zip_miembro_ilegible",
                "Se descomprime a más de lo que declara el ZIP: dañado o manipulado.",
            ),
        )
    return Pieza(nombre, datos, comprimidos=comprimidos)


# Deflate's worst case: stored blocks, 5 bytes per 64 KiB, and the end (RFC 1951).
_HOLGURA = 64


def _deflado(info: zipfile.ZipInfo) -> bool:
    """A member deflated, not encrypted, whose compressed size is what its data can take."""
    return (
        info.compress_type == zipfile.ZIP_DEFLATED
        and not info.flag_bits & 0x1
        and info.compress_size <= info.file_size + info.file_size // 8192 + _HOLGURA
    )


def _inflar(archivo: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bytes, bytes | None]:
    """A deflated member's data (bounded, its CRC-32 checked, as zipfile reads it) and, when
    its compressed bytes are one whole deflate stream of exactly them, those bytes as a zlib
    stream (its header, them, the Adler-32 of the data)."""
    deflado = _guardados(archivo, info)
    flujo = zlib.decompressobj(-zlib.MAX_WBITS)
    datos = flujo.decompress(deflado, info.file_size + 1)
    if len(datos) > info.file_size:
        return datos, None  # refused by the caller
    if not flujo.eof or len(datos) != info.file_size:
        raise EOFError("incompleto")
    if zlib.crc32(datos) != info.CRC:
        raise zipfile.BadZipFile("CRC-32")
    if flujo.unused_data:  # something after the stream: the data stand, the bytes are not it
        return datos, None
    return datos, b"\x78\x9c" + deflado + zlib.adler32(datos).to_bytes(4, "big")


# A member's local header (PKWARE's APPNOTE 4.3.7): signature, versions, flags, method, time,
# date, CRC-32, sizes, then the lengths of its name and its extra field.
_CABECERA = struct.Struct("<4s2B4HL2L2H")
_UTF8 = 0x800  # general purpose flag: the name is UTF-8


def _guardados(archivo: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as the ZIP stores them, after its local header, which must name it
    as the directory does (what ``ZipFile.open`` checks): two reads, not ``ZipFile.open``'s
    three, each with its seek and its lock, per receipt."""
    fp = archivo.fp
    if fp is None:
        raise zipfile.BadZipFile("cerrado")
    fp.seek(info.header_offset)
    cabecera = fp.read(_CABECERA.size)
    if len(cabecera) != _CABECERA.size:
        raise zipfile.BadZipFile("cabecera truncada")
    firma, _, _, banderas, _, _, _, _, _, _, largo_nombre, largo_extra = _CABECERA.unpack(cabecera)
    resto = fp.read(largo_nombre + largo_extra + info.compress_size)
    codificacion = "utf-8" if banderas & _UTF8 else getattr(archivo, "metadata_encoding", None)
    codificacion = codificacion or "cp437"
    try:
        nombre = resto[:largo_nombre].decode(codificacion)
    except UnicodeDecodeError as exc:
        raise zipfile.BadZipFile("nombre") from exc
    if firma != b"PK\x03\x04" or nombre != info.orig_filename:
        raise zipfile.BadZipFile("cabecera ajena")
    if len(resto) != largo_nombre + largo_extra + info.compress_size:
        raise EOFError("truncado")
    return resto[largo_nombre + largo_extra :]
