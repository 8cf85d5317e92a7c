"""Reading the official postal-code file as Correos de México (SEPOMEX) publishes it.

``CPdescarga.txt``: pipe-separated, ISO-8859-1 (a few downloads come in UTF-8); its first line
is a copyright notice, the second the column names, then one asentamiento per line. The site
also hands it zipped (``CPdescarga.zip``). Every way the file can be wrong (empty, foreign,
binary, an Excel or XML download, truncated, other columns) is a ``ValidationError`` in Spanish:
IT downloads it by hand and must be told what to fetch again.
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from icsoe_desktop.domain.errors import ValidationError

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

# The official file is ~15 MB (~20 MB in UTF-8); far beyond that it is not the catalogue, and
# reading it whole would only fill the memory.
MAX_BYTES = 200 * 1024 * 1024

_TXT = "cpdescarga.txt"
_BAJALO = "Descarga de nuevo el catálogo de Correos de México en formato TXT (CPdescarga.txt)."


class Asentamiento(NamedTuple):  # a tuple: 150,000 of them are built per load
    cp: str
    colonia: str
    tipo_asentamiento: str
    municipio: str
    entidad: str  # as the app spells it
    ciudad: str


@dataclass(frozen=True)
class ArchivoSepomex:
    """The file read: its lines still to be parsed (``asentamientos``), the name shown and the
    date of its data (the zip member's or the file's modification time, naive UTC)."""

    nombre: str
    fecha: datetime
    texto: str
    primera_linea: int  # 1-based number of the first data line
    indices: tuple[int, ...]  # position of each COLUMNAS entry in a line
    columnas: int  # fields per line

    def asentamientos(self) -> Iterator[Asentamiento]:
        """Every asentamiento; a ValidationError at the first line that breaks the format."""
        i_cp, i_asenta, i_tipo, i_mnpio, _e, i_ciudad, *_r = self.indices
        i_estado = self.indices[7]
        intern = sys.intern  # municipios, cities and types repeat thousands of times
        entidades = ENTIDAD_POR_CLAVE
        vacio = True
        for numero, linea in enumerate(self.texto.split("\n"), start=self.primera_linea):
            linea = linea.rstrip("\r")
            if not linea.strip("| \t"):  # a blank line, or one of only separators
                continue
            campos = linea.split("|")
            if len(campos) != self.columnas:
                raise ValidationError(
                    "sepomex_incompleto",
                    f"El archivo {self.nombre} está incompleto o dañado: la línea {numero} tiene "
                    f"{len(campos)} columnas y debe tener {self.columnas}. {_BAJALO}",
                )
            cp = campos[i_cp].strip()
            if len(cp) != 5 or not cp.isascii() or not cp.isdigit():
                raise ValidationError(
                    "sepomex_dato_invalido",
                    f"El archivo {self.nombre} está dañado: la línea {numero} tiene el código "
                    f"postal «{cp}», que no es de 5 dígitos. {_BAJALO}",
                )
            clave = campos[i_estado].strip().zfill(2)
            entidad = entidades.get(clave)
            if entidad is None:
                raise ValidationError(
                    "sepomex_dato_invalido",
                    f"El archivo {self.nombre} está dañado: la línea {numero} tiene la clave de "
                    f"estado «{campos[i_estado]}», que no es de una entidad federativa (01 a 32). "
                    f"{_BAJALO}",
                )
            vacio = False
            yield Asentamiento(
                cp,
                campos[i_asenta].strip(),
                intern(campos[i_tipo].strip()),
                intern(campos[i_mnpio].strip()),
                entidad,
                intern(campos[i_ciudad].strip()),
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
    nombre = path.name
    datos, fecha = _bytes(path)
    if datos.startswith(b"PK\x03\x04") or datos.startswith(b"PK\x05\x06"):
        nombre, datos, fecha = _del_zip(path, datos)
    return _encabezados(nombre, datos, fecha)


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


def _bytes(path: Path) -> tuple[bytes, datetime]:
    nombre = path.name
    try:
        if path.is_dir():
            raise ValidationError(
                "sepomex_ilegible", f"{path} es una carpeta, no el archivo del catálogo."
            )
        info = path.stat()
        if info.st_size > MAX_BYTES:
            raise ValidationError(
                "sepomex_grande",
                f"El archivo {nombre} mide {info.st_size // (1024 * 1024)} MB: es demasiado "
                f"grande para ser el catálogo de códigos postales (unos 15 MB). {_BAJALO}",
            )
        datos = path.read_bytes()
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
            "sepomex_ilegible", f"No se pudo leer el archivo {path}: {exc.strerror or exc}."
        ) from exc
    if not datos.strip():
        raise ValidationError("sepomex_vacio", f"El archivo {nombre} está vacío. {_BAJALO}")
    return datos, _utc(info.st_mtime)


def _miembro_txt(archivo: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """CPdescarga.txt, else the only .txt inside."""
    textos = [
        m for m in archivo.infolist() if not m.is_dir() and m.filename.lower().endswith(".txt")
    ]
    for miembro in textos:
        if miembro.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() == _TXT:
            return miembro
    return textos[0] if len(textos) == 1 else None


def _del_zip(path: Path, datos: bytes) -> tuple[str, bytes, datetime]:
    import io

    danado = ValidationError(
        "sepomex_zip_danado",
        f"El archivo ZIP {path.name} está dañado o incompleto. {_BAJALO}",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(datos)) as archivo:
            miembro = _miembro_txt(archivo)
            if miembro is None and "xl/workbook.xml" in archivo.namelist():
                raise _excel(path.name)
            if miembro is None:
                raise ValidationError(
                    "sepomex_zip_sin_txt",
                    f"El archivo ZIP {path.name} no contiene el catálogo en formato TXT "
                    f"(CPdescarga.txt). {_BAJALO}",
                )
            if miembro.file_size > MAX_BYTES:
                raise ValidationError(
                    "sepomex_grande",
                    f"El archivo {miembro.filename} dentro de {path.name} es demasiado grande "
                    f"para ser el catálogo de códigos postales. {_BAJALO}",
                )
            contenido = archivo.read(miembro)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: a password-protected zip; NotImplementedError: a compression Python lacks.
        raise danado from exc
    nombre = f"{miembro.filename} (de {path.name})"
    if not contenido.strip():
        raise ValidationError("sepomex_vacio", f"El archivo {nombre} está vacío. {_BAJALO}")
    return nombre, contenido, _fecha_zip(miembro)


def _excel(nombre: str) -> ValidationError:
    return ValidationError(
        "sepomex_excel",
        f"El archivo {nombre} es una hoja de cálculo (Excel), no el catálogo en texto. {_BAJALO}",
    )


def _texto(nombre: str, datos: bytes) -> str:
    if datos.startswith(b"\xd0\xcf\x11\xe0"):  # an .xls (OLE2) download
        raise _excel(nombre)
    if b"\x00" in datos[:65536]:
        raise ValidationError(
            "sepomex_binario",
            f"El archivo {nombre} no es un archivo de texto. {_BAJALO}",
        )
    try:
        return datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        return datos.decode("latin-1")  # SEPOMEX's usual encoding (ISO-8859-1)


def _encabezados(nombre: str, datos: bytes, fecha: datetime) -> ArchivoSepomex:
    texto = _texto(nombre, datos)
    # The column names are the second line; a file whose notice was removed starts with them.
    inicio = 0
    for numero in (1, 2):
        fin = texto.find("\n", inicio)
        linea = (texto[inicio:] if fin < 0 else texto[inicio:fin]).strip().lstrip("\ufeff")
        if linea.lower().startswith("d_codigo"):
            return _columnas(nombre, linea, texto[fin + 1 :] if fin >= 0 else "", numero, fecha)
        if fin < 0:
            break
        inicio = fin + 1
    inicio = texto.lstrip()[:200].lower()
    if inicio.startswith("<?xml") or inicio.startswith("<"):
        raise ValidationError(
            "sepomex_ajeno",
            f"El archivo {nombre} es el catálogo en XML u otro formato, no en texto. {_BAJALO}",
        )
    raise ValidationError(
        "sepomex_ajeno",
        f"El archivo {nombre} no es el catálogo de códigos postales de SEPOMEX: su segunda línea "
        f"debe tener las columnas d_codigo|d_asenta|d_tipo_asenta|… {_BAJALO}",
    )


def _columnas(
    nombre: str, encabezado: str, resto: str, numero: int, fecha: datetime
) -> ArchivoSepomex:
    nombres = [c.strip().lower() for c in encabezado.split("|")]
    faltan = [c for c in COLUMNAS if c.lower() not in nombres]
    if faltan:
        raise ValidationError(
            "sepomex_columnas",
            f"El archivo {nombre} no tiene las columnas del catálogo de SEPOMEX: "
            f"falta{'n' if len(faltan) > 1 else ''} {', '.join(faltan)}. {_BAJALO}",
        )
    indices = tuple(nombres.index(c.lower()) for c in COLUMNAS)
    return ArchivoSepomex(nombre, fecha, resto, numero + 1, indices, len(nombres))
