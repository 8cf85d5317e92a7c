"""Where receipts come from: a folder (searched in its subfolders), a ZIP or single XML files,
each yielded as (name, bytes) one at a time: a set of 100,000 receipts is never in memory.

A ZIP is judged by its directory before a byte is inflated: too many members, or a member
that would inflate far beyond what a receipt measures (a ZIP bomb) refuses the whole ZIP. A
member is then read bounded: one whose data inflates beyond what its header declared is a
refused receipt, never a full inflation. ZIPs inside a ZIP are not opened.
"""

from __future__ import annotations

import os
import zipfile
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


def _es_xml(nombre: str) -> bool:
    return nombre.lower().endswith(".xml")


def _es_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def contar(rutas: Sequence[Path]) -> int:
    """How many receipts ``rutas`` hold (the progress bar's total); ZIPs judged here first."""
    total = 0
    for ruta in rutas:
        if ruta.is_dir():
            total += sum(1 for _ in _en_carpeta(ruta))
        elif _es_zip(ruta):
            with _abrir_zip(ruta) as archivo:
                total += sum(1 for info in _miembros(ruta, archivo))
        else:
            total += 1
    return total


def piezas(rutas: Sequence[Path]) -> Iterator[Pieza]:
    for ruta in rutas:
        if ruta.is_dir():
            for path in _en_carpeta(ruta):
                yield _leer_archivo(path, str(path.relative_to(ruta)))
        elif _es_zip(ruta):
            with _abrir_zip(ruta) as archivo:
                for info in _miembros(ruta, archivo):
                    yield _leer_miembro(archivo, info, ruta.name)
        else:
            yield _leer_archivo(ruta, ruta.name)


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
        with archivo.open(info) as miembro:
            datos = miembro.read(info.file_size + 1)
    except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError):
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
    return Pieza(nombre, datos)
