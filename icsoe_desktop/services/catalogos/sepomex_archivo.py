"""Reading the official postal-code file as Correos de México (SEPOMEX) publishes it.

``CPdescarga.txt``: pipe-separated, ISO-8859-1 (a few downloads come in UTF-8); its first line
is a copyright notice, the second the column names, then one asentamiento per line. The site
also hands it zipped (``CPdescarga.zip``). The file is streamed a line at a time, never whole.
Every way the file can be wrong (empty, foreign, binary, an Excel or XML download, truncated,
other columns, a device or a file far bigger than the catalogue, text in another encoding) is
a ``ValidationError`` in Spanish: IT downloads it by hand and must be told what to fetch again.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import plural

# The columns of CPdescarga.txt, in SEPOMEX's spelling (compared without case).
COLUMNAS = (
    "d_codigo",
    "d_asenta",
    "d_tipo_asenta",
    "D_mnpio",
    "d_estado",
    "d_ciudad",
    "d_CP",
    "c_estado",
    "c_oficina",
    "c_CP",
    "c_tipo_asenta",
    "c_mnpio",
    "id_asenta_cpcons",
    "d_zona",
    "c_cve_ciudad",
)

# SEPOMEX's c_estado (INEGI's 01-32) → the entidad as the app spells it (domain/contacto.py's
# ENTIDADES_FEDERATIVAS). By code, not by name: SEPOMEX writes «Coahuila de Zaragoza»,
# «Michoacán de Ocampo», «Veracruz de Ignacio de la Llave» and «México».
ENTIDAD_POR_CLAVE = {
    "01": "Aguascalientes",
    "02": "Baja California",
    "03": "Baja California Sur",
    "04": "Campeche",
    "05": "Coahuila",
    "06": "Colima",
    "07": "Chiapas",
    "08": "Chihuahua",
    "09": "Ciudad de México",
    "10": "Durango",
    "11": "Guanajuato",
    "12": "Guerrero",
    "13": "Hidalgo",
    "14": "Jalisco",
    "15": "Estado de México",
    "16": "Michoacán",
    "17": "Morelos",
    "18": "Nayarit",
    "19": "Nuevo León",
    "20": "Oaxaca",
    "21": "Puebla",
    "22": "Querétaro",
    "23": "Quintana Roo",
    "24": "San Luis Potosí",
    "25": "Sinaloa",
    "26": "Sonora",
    "27": "Tabasco",
    "28": "Tamaulipas",
    "29": "Tlaxcala",
    "30": "Veracruz",
    "31": "Yucatán",
    "32": "Zacatecas",
}

# The official file is ~15 MB (~20 MB in UTF-8): four times that is room for its growth, and
# beyond it the file is not the catalogue (a zip of repeated lines, a device). Lines are ~150
# bytes; a «line» of kilobytes is not one of the catalogue's.
MAX_BYTES = 64 * 1024 * 1024
MAX_LINEA = 4096

_TXT = "cpdescarga.txt"
_BAJALO = "Descarga de nuevo el catálogo de Correos de México en formato TXT (CPdescarga.txt)."

# What a name of the catalogue is written with: printable ASCII, the Latin-1 letters (Spanish
# accents, ñ, ü) and the ordinal signs. Read as Windows-1252, a file in the MS-DOS code page
# (cp850) turns every accented lowercase letter (0x81-0xA5 there) into a control character, an
# unassigned byte or a symbol of 0x80-0xBF (é → «‚», á → NBSP, í → «¡», ó → «¢», ñ → «¤»); a
# UTF-8 file read so turns them into «Ã» and a symbol. Neither kind of symbol is in a place name.
_AJENO = re.compile(r"[^\x20-\x7e\tÀ-ÖØ-öø-ÿ°ºª´]")


class Asentamiento(NamedTuple):
    cp: str
    colonia: str
    tipo_asentamiento: str
    municipio: str
    entidad: str  # as the app spells it
    ciudad: str


@dataclass(frozen=True)
class ArchivoSepomex:
    """The file checked up to its column names; ``asentamientos()`` streams its lines from
    disk (never the whole file in memory). ``fecha``: the date of its data (the zip member's
    or the file's modification time, naive UTC)."""

    nombre: str
    fecha: datetime
    path: Path
    miembro: str | None  # the .txt inside the zip; None: ``path`` is the .txt
    primera_linea: int  # 1-based number of the first data line
    indices: tuple[int, ...]  # position of each COLUMNAS entry in a line
    columnas: int  # fields per line

    def asentamientos(self) -> Iterator[Asentamiento]:
        """Every asentamiento, in the file's order; a ValidationError at the first line that
        breaks the format or the encoding."""
        i_cp, i_asenta, i_tipo, i_mnpio, _e, i_ciudad, *_r = self.indices
        i_estado = self.indices[7]
        entidades = ENTIDAD_POR_CLAVE
        vacio = True
        with _abrir(self) as lineas:
            for numero, linea in lineas:
                if numero < self.primera_linea or not linea.strip("| \t"):
                    continue  # the notice and column names; blank lines, bare separators
                campos = linea.split("|")
                if len(campos) != self.columnas:
                    raise ValidationError(
                        "sepomex_incompleto",
                        f"El archivo {self.nombre} está incompleto o dañado: la línea {numero} "
                        f"tiene {plural(len(campos), 'columna')} y debe tener {self.columnas}. {_BAJALO}",
                    )
                cp = campos[i_cp].strip()
                if len(cp) != 5 or not cp.isascii() or not cp.isdigit():
                    raise ValidationError(
                        "sepomex_dato_invalido",
                        f"El archivo {self.nombre} está dañado: la línea {numero} tiene el código "
                        f"postal «{cp}», que no es de 5 dígitos. {_BAJALO}",
                    )
                entidad = entidades.get(campos[i_estado].strip().zfill(2))
                if entidad is None:
                    raise ValidationError(
                        "sepomex_dato_invalido",
                        f"El archivo {self.nombre} está dañado: la línea {numero} tiene la clave "
                        f"de estado «{campos[i_estado]}», que no es de una entidad federativa "
                        f"(01 a 32). {_BAJALO}",
                    )
                vacio = False
                yield Asentamiento(
                    cp,
                    campos[i_asenta].strip(),
                    campos[i_tipo].strip(),
                    campos[i_mnpio].strip(),
                    entidad,
                    campos[i_ciudad].strip(),
                )
        if vacio:
            raise ValidationError(
                "sepomex_sin_datos",
                f"El archivo {self.nombre} tiene los encabezados del catálogo pero ningún código "
                f"postal. {_BAJALO}",
            )


def leer(path: Path) -> ArchivoSepomex:
    """The official file at ``path`` (the .txt or the .zip holding it), checked up to its
    column names; its lines are checked as ``asentamientos()`` reads them."""
    with _abrir_regular(path) as (archivo, info):
        inicio = archivo.read(4)
    fecha = _utc(info.st_mtime)
    if inicio in (b"PK\x03\x04", b"PK\x05\x06"):
        miembro = _miembro_del_zip(path)
        nombre = f"{miembro.filename} (de {path.name})"
        leido = ArchivoSepomex(nombre, _fecha_zip(miembro), path, miembro.filename, 0, (), 0)
    else:
        leido = ArchivoSepomex(path.name, fecha, path, None, 0, (), 0)
    return _encabezados(leido)


def fecha_de(path: Path) -> datetime | None:
    """The date of the data in ``path`` without reading it all (None: unreadable)."""
    try:
        with path.open("rb") as file:
            es_zip = file.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
        if es_zip:
            with zipfile.ZipFile(path) as archivo:
                miembro = _miembro_txt(archivo)
                return _fecha_zip(miembro) if miembro else None
        return _utc(path.stat().st_mtime)
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def _fecha_zip(miembro: zipfile.ZipInfo) -> datetime:
    # A zip keeps local times: read as this computer's local time.
    try:
        return datetime(*miembro.date_time).astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return datetime(1980, 1, 1)


def _grande(nombre: str) -> ValidationError:
    return ValidationError(
        "sepomex_grande",
        f"El archivo {nombre} mide más de {MAX_BYTES // (1024 * 1024)} MB: es demasiado grande "
        f"para ser el catálogo de códigos postales (unos 15 MB). {_BAJALO}",
    )


@contextmanager
def _abrir_regular(path: Path) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """``path`` opened for reading: a regular file (a link is followed) of at most MAX_BYTES;
    a folder, a device (``/dev/zero``), a pipe or a socket is refused before one byte is read."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ValidationError(
                "sepomex_ilegible", f"{path} es una carpeta, no el archivo del catálogo."
            )
        if not stat.S_ISREG(info.st_mode):
            raise _no_regular(path)
        archivo = path.open("rb")
    except FileNotFoundError as exc:
        raise ValidationError(
            "sepomex_no_encontrado", f"No se encontró el archivo {path}."
        ) from exc
    except PermissionError as exc:
        raise ValidationError(
            "sepomex_ilegible", f"No hay permiso para leer el archivo {path}."
        ) from exc
    except OSError as exc:
        raise ValidationError(
            "sepomex_ilegible", f"No se pudo leer el archivo {path}: {motivo_os(exc)}."
        ) from exc
    with archivo:
        info = os.fstat(archivo.fileno())  # what was opened, should the name have changed
        if not stat.S_ISREG(info.st_mode):
            raise _no_regular(path)
        if info.st_size > MAX_BYTES:
            raise _grande(path.name)
        yield archivo, info


def _no_regular(path: Path) -> ValidationError:
    return ValidationError(
        "sepomex_no_es_archivo",
        f"{path} no es un archivo común (es un dispositivo, una tubería o un enlace a uno): "
        f"no es el catálogo de códigos postales. {_BAJALO}",
    )


def _miembro_txt(archivo: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """CPdescarga.txt, else the only .txt inside."""
    textos = [
        m for m in archivo.infolist() if not m.is_dir() and m.filename.lower().endswith(".txt")
    ]
    for miembro in textos:
        if miembro.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() == _TXT:
            return miembro
    return textos[0] if len(textos) == 1 else None


def _zip_danado(nombre: str) -> ValidationError:
    return ValidationError(
        "sepomex_zip_danado", f"El archivo ZIP {nombre} está dañado o incompleto. {_BAJALO}"
    )


# RuntimeError: a password-protected zip; NotImplementedError: a compression Python lacks.
_ERRORES_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def _miembro_del_zip(path: Path) -> zipfile.ZipInfo:
    try:
        with zipfile.ZipFile(path) as archivo:
            miembro = _miembro_txt(archivo)
            if miembro is None and "xl/workbook.xml" in archivo.namelist():
                raise _excel(path.name)
    except _ERRORES_ZIP as exc:
        raise _zip_danado(path.name) from exc
    except OSError as exc:
        raise ValidationError(
            "sepomex_ilegible", f"No se pudo leer el archivo {path}: {motivo_os(exc)}."
        ) from exc
    if miembro is None:
        raise ValidationError(
            "sepomex_zip_sin_txt",
            f"El archivo ZIP {path.name} no contiene el catálogo en formato TXT "
            f"(CPdescarga.txt). {_BAJALO}",
        )
    if miembro.file_size > MAX_BYTES:
        raise _grande(f"{miembro.filename} dentro de {path.name}")
    return miembro


@contextmanager
def _bytes_de(leido: ArchivoSepomex) -> Iterator[BinaryIO]:
    """The text's bytes as a stream: the file, or the zip member decompressed as it is read."""
    with _abrir_regular(leido.path) as (archivo, _info):
        if leido.miembro is None:
            yield archivo
            return
        try:
            with zipfile.ZipFile(archivo) as zipeado, zipeado.open(leido.miembro) as miembro:
                yield cast(BinaryIO, miembro)
        except _ERRORES_ZIP as exc:
            raise _zip_danado(leido.path.name) from exc


@contextmanager
def _abrir(leido: ArchivoSepomex) -> Iterator[Iterator[tuple[int, str]]]:
    """The file's lines, numbered from 1 and decoded (``_Texto``), read a line at a time."""
    with _bytes_de(leido) as datos:
        yield _Texto(leido.nombre).lineas(datos)


class _Texto:
    """Decodes the catalogue a line at a time. The official file is ISO-8859-1 / Windows-1252;
    a few downloads come in UTF-8. A Spanish line in Windows-1252 with an accent is never valid
    UTF-8 (its accented letters are lone bytes of 0xC0-0xFF), so each line tells its encoding;
    a file whose lines tell two, or whose text is of neither (cp850, ``_AJENO``), is refused:
    stored, it would read «Cuauht‚moc»."""

    def __init__(self, nombre: str) -> None:
        self.nombre = nombre
        self._vista: tuple[str, int] | None = None  # first non-ASCII line: encoding, number

    def lineas(self, datos: BinaryIO) -> Iterator[tuple[int, str]]:
        leidos = 0
        numero = 0
        while crudo := datos.readline(MAX_LINEA + 1):
            numero += 1
            leidos += len(crudo)
            if leidos > MAX_BYTES:
                raise _grande(self.nombre)
            if len(crudo) > MAX_LINEA and not crudo.endswith(b"\n"):
                raise ValidationError(
                    "sepomex_incompleto",
                    f"El archivo {self.nombre} no es el catálogo de códigos postales: su línea "
                    f"{numero} mide más de {MAX_LINEA:,} caracteres. {_BAJALO}",
                )
            if numero == 1:
                crudo = crudo.removeprefix(b"\xef\xbb\xbf")  # UTF-8's byte order mark
            yield numero, self._texto(crudo.rstrip(b"\r\n"), numero)

    def _texto(self, crudo: bytes, numero: int) -> str:
        if crudo.isascii():
            return crudo.decode("ascii")
        try:
            texto, codificacion = crudo.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            try:
                texto, codificacion = crudo.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError as exc:
                byte = crudo[exc.start]
                raise self._otra(
                    numero, f"el byte 0x{byte:02X}, que no es de Windows-1252"
                ) from exc
        if self._vista is None:
            self._vista = (codificacion, numero)
        elif self._vista[0] != codificacion:
            primera, en = self._vista
            raise ValidationError(
                "sepomex_codificacion",
                f"El archivo {self.nombre} mezcla codificaciones: la línea {en} está en "
                f"{primera} y la línea {numero} en {codificacion}; sus acentos se guardarían "
                f"mal. {_BAJALO}",
            )
        ajeno = _AJENO.search(texto)
        if ajeno is not None and numero > 1:  # the notice is not stored
            palabra = _palabra(texto, ajeno.start())
            raise self._otra(numero, f"«{palabra}» (el carácter U+{ord(ajeno.group()):04X})")
        return texto

    def _otra(self, numero: int, que: str) -> ValidationError:
        return ValidationError(
            "sepomex_codificacion",
            f"El archivo {self.nombre} no está en la codificación del catálogo oficial "
            f"(Windows-1252 o UTF-8): la línea {numero} tiene {que}; parece texto de otra "
            f"codificación (por ejemplo la de MS-DOS, cp850) y sus acentos se guardarían mal. "
            f"{_BAJALO}",
        )


def _palabra(texto: str, en: int) -> str:
    """The field around position ``en``, printable (a control character as its escape)."""
    inicio = texto.rfind("|", 0, en) + 1
    fin = texto.find("|", en)
    campo = texto[inicio : fin if fin >= 0 else len(texto)].strip()[:60]
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in campo)


def _excel(nombre: str) -> ValidationError:
    return ValidationError(
        "sepomex_excel",
        f"El archivo {nombre} es una hoja de cálculo (Excel), no el catálogo en texto. {_BAJALO}",
    )


def _encabezados(leido: ArchivoSepomex) -> ArchivoSepomex:
    """``leido`` with where its data starts and its columns, from its first lines."""
    nombre = leido.nombre
    with _bytes_de(leido) as datos:
        inicio = datos.read(65536)
        if inicio.startswith(b"\xd0\xcf\x11\xe0"):  # an .xls (OLE2) download
            raise _excel(nombre)
        if b"\x00" in inicio:
            raise ValidationError(
                "sepomex_binario", f"El archivo {nombre} no es un archivo de texto. {_BAJALO}"
            )
        leidos = len(inicio)
        while not inicio.strip():  # blank so far: empty, or blank up to where it starts
            mas = datos.read(65536)
            leidos += len(mas)
            if not mas:
                raise ValidationError("sepomex_vacio", f"El archivo {nombre} está vacío. {_BAJALO}")
            if leidos > MAX_BYTES:
                raise _grande(nombre)
            inicio = mas
    # The column names are the second line; a file whose notice was removed starts with them.
    with _abrir(leido) as lineas:
        for numero, linea in lineas:
            linea = linea.strip().lstrip("\ufeff")
            if linea.lower().startswith("d_codigo"):
                return _columnas(leido, linea, numero)
            if numero >= 2:
                break
    principio = inicio.lstrip()[:200].lower()
    if principio.startswith(b"<"):
        raise ValidationError(
            "sepomex_ajeno",
            f"El archivo {nombre} es el catálogo en XML u otro formato, no en texto. {_BAJALO}",
        )
    raise ValidationError(
        "sepomex_ajeno",
        f"El archivo {nombre} no es el catálogo de códigos postales de SEPOMEX: su segunda línea "
        f"debe tener las columnas d_codigo|d_asenta|d_tipo_asenta|… {_BAJALO}",
    )


def _columnas(leido: ArchivoSepomex, encabezado: str, numero: int) -> ArchivoSepomex:
    nombres = [c.strip().lower() for c in encabezado.split("|")]
    faltan = [c for c in COLUMNAS if c.lower() not in nombres]
    if faltan:
        raise ValidationError(
            "sepomex_columnas",
            f"El archivo {leido.nombre} no tiene las columnas del catálogo de SEPOMEX: "
            f"falta{'n' if len(faltan) > 1 else ''} {', '.join(faltan)}. {_BAJALO}",
        )
    indices = tuple(nombres.index(c.lower()) for c in COLUMNAS)
    return replace(leido, primera_linea=numero + 1, indices=indices, columnas=len(nombres))
