"""The catalogue of códigos postales as it travels between a desktop and its company's sync
server: one zip holding a CPdescarga.txt of the official format, written from a loaded
catalogue, so that either end reads it with the very reader and checks of ``sepomex cargar``
(services/catalogos/sepomex_archivo.py).

A catalogue is named by its ``huella``: the SHA-256 of its rows as this module writes them, in
the catalogue's order. A catalogue built from the zip of another has that one's huella: the
receiving end compares the two before taking it. Its ``fecha`` is when IT loaded it (the
loading machine's clock, carried with it wherever it goes): between two different catalogues,
the later load is the company's.

Only the standard library and the domain: the sync server imports it.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.texts import orden_espanol, plural
from icsoe_desktop.services.catalogos.sepomex_archivo import COLUMNAS, ENTIDAD_POR_CLAVE

if TYPE_CHECKING:
    import sqlite3

MIEMBRO = "CPdescarga.txt"
AVISO = (
    "Catálogo Nacional de Códigos Postales de Correos de México, para uso interno de la "
    "empresa: no se distribuye a terceros."
)
# The value of the sync's header when the server holds no catalogue for the company.
NINGUNO = "ninguno"
_CLAVE_DE = {entidad: clave for clave, entidad in ENTIDAD_POR_CLAVE.items()}
_VACIAS = "|" * (len(COLUMNAS) - 8)  # the official columns this app does not keep


@dataclass(frozen=True)
class Version:
    """Which catalogue: its huella and when it was loaded (naive UTC, whole seconds)."""

    huella: str
    fecha: datetime

    def encabezado(self) -> str:
        """As the sync's header carries it: «2026-11-20T10:00:00 3f2a…»."""
        return f"{self.fecha.isoformat(timespec='seconds')} {self.huella}"

    @staticmethod
    def de_encabezado(valor: str | None) -> Version | None:
        """The version a header names; None for «ninguno» or anything else."""
        fecha, _, huella = (valor or "").strip().partition(" ")
        if len(huella) != 64 or not all(c in "0123456789abcdef" for c in huella):
            return None
        try:
            return Version(huella, datetime.fromisoformat(fecha).replace(tzinfo=None))
        except ValueError:
            return None

    def mas_reciente_que(self, otra: Version | None) -> bool:
        return otra is None or (self.fecha, self.huella) > (otra.fecha, otra.huella)


def lineas(con: sqlite3.Connection) -> Iterator[str]:
    """The catalogue's rows as lines of CPdescarga.txt, in the catalogue's order."""
    filas = con.execute(
        "SELECT cp, colonia, tipo_asentamiento, municipio, entidad, ciudad FROM asentamientos "
        "ORDER BY cp, orden"
    )
    for cp, colonia, tipo, municipio, entidad, ciudad in filas:
        # d_codigo|d_asenta|d_tipo_asenta|D_mnpio|d_estado|d_ciudad|d_CP|c_estado|…
        yield f"{cp}|{colonia}|{tipo}|{municipio}|{entidad}|{ciudad}||{_CLAVE_DE[entidad]}{_VACIAS}"


def huella(con: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    for linea in lineas(con):
        digest.update(linea.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def exportar(con: sqlite3.Connection, destino: Path) -> None:
    """The zip that travels, at ``destino``: the text in UTF-8 written as it is read."""
    with (
        zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archivo,
        archivo.open(MIEMBRO, "w") as texto,
    ):
        texto.write(f"{AVISO}\r\n{'|'.join(COLUMNAS)}\r\n".encode())
        lote: list[str] = []
        for linea in lineas(con):
            lote.append(linea)
            if len(lote) >= 5000:
                texto.write(("\r\n".join(lote) + "\r\n").encode("utf-8"))
                lote.clear()
        if lote:
            texto.write(("\r\n".join(lote) + "\r\n").encode("utf-8"))


def revisar_merma(
    nombre: str,
    antes: int,
    entidades_antes: set[str],
    asentamientos: int,
    entidades: frozenset[str] | set[str],
    merma_maxima: float,
) -> None:
    """Refuse a file with fewer entidades, or more than ``merma_maxima`` fewer colonias, than
    the catalogue it would replace: cut short, it would silently replace the whole one."""
    faltan = sorted(entidades_antes - set(entidades), key=orden_espanol)
    menos = antes - asentamientos
    if not faltan and menos <= antes * merma_maxima:
        return
    perderia = (
        [f"{plural(menos, 'colonia')} ({menos * 100 // max(antes, 1)} %)"] if menos > 0 else []
    )
    if faltan:
        varias = len(faltan) > 1
        perderia.append(
            f"la{'s' if varias else ''} entidad{'es' if varias else ''} " + ", ".join(faltan)
        )
    raise ValidationError(
        "sepomex_menor",
        f"El archivo {nombre} tiene {plural(asentamientos, 'colonia')} de {plural(len(entidades), 'entidad', 'entidades')} y "
        f"el catálogo cargado {antes:,} de {len(entidades_antes)}: cargarlo quitaría "
        f"{' y '.join(perderia)}. Puede estar cortado: descárgalo de nuevo. Si de verdad quieres "
        "sólo esa parte, cárgalo con «sepomex cargar --parcial». El catálogo anterior no cambió.",
    )


__all__ = [
    "AVISO",
    "MIEMBRO",
    "NINGUNO",
    "Version",
    "exportar",
    "huella",
    "lineas",
    "revisar_merma",
]
