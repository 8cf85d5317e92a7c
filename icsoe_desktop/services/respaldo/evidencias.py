"""The evidence archive (services/evidencias/archivo.py: the month's documents and each
receipt's XML, in a file of its own beside the store) inside a backup: one file holds both.

Respaldar copies the archive's two tables into the backup's file after the store's pages, in
one read transaction: a blob is written before the store names it, so every blob the copied
store names is in the copy. Restaurar takes them out of the candidate before its schema is
checked (a file of their own beside it), and once every check passed adds them to the
archive in use: it is content-addressed, so nothing there is replaced or lost, and each blob
is taken only when its bytes are what its SHA-256 says (a forged one would shadow the real
file attached later). A backup made while the archive kept each blob whole (no copy of
``partes``: its ``datos`` in each row) restores as well."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.services.evidencias import archivo as archivo_
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias, sha256
from icsoe_desktop.store import cifrado, evidencia_conteo

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

# (the archive's table, its copy in a backup): the first two are in every backup with an archive
TABLAS = (
    ("archivos", "respaldo_evidencias_archivos"),
    ("recibos", "respaldo_evidencias_recibos"),
    ("partes", "respaldo_evidencias_partes"),
)
_NECESARIAS = {copia for _, copia in TABLAS[:2]}
_LOTE = 500  # blobs read and written at a time: a year's receipts are never in memory
_MAYOR = 16 * 1024 * 1024  # no file of the evidence is bigger (a PDF: 2 MB): a bomb stops here


def al_respaldo(archivo: Path, respaldo: Path, llave: cifrado.Llave = cifrado.INSTALACION) -> int:
    """The archive's tables copied into the backup ``respaldo`` (keyed with ``llave``; none:
    no archive); how many files it holds."""
    if not archivo.is_file():
        return 0
    ArchivoEvidencias(archivo).asegurar()  # in parts, as the copy is read back
    with closing(cifrado.conectar(respaldo, isolation_level=None, llave=llave)) as conn:
        cifrado.adjuntar(conn, archivo, "arch")
        conn.execute("BEGIN")
        for origen, copia in TABLAS:
            conn.execute(f"CREATE TABLE {copia} AS SELECT * FROM arch.{origen}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE arch")
        (cuantos,) = conn.execute(f"SELECT count(*) FROM {TABLAS[0][1]}").fetchone()
    return int(cuantos)


def apartar(candidato: Path, aparte: Path) -> bool:
    """The archive's copy taken out of the restore's ``candidato`` into ``aparte`` (whether
    the backup had one). The candidate is left as the store alone, its free pages given back."""
    aparte.unlink(missing_ok=True)
    with closing(cifrado.conectar(candidato, isolation_level=None)) as conn:
        tablas = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        presentes = [copia for _, copia in TABLAS if copia in tablas]
        if not presentes:
            return False
        completas = set(presentes) >= _NECESARIAS
        if completas:
            cifrado.adjuntar(conn, aparte, "aparte")
            conn.execute("BEGIN")
            for copia in presentes:
                conn.execute(f"CREATE TABLE aparte.{copia} AS SELECT * FROM main.{copia}")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE aparte")
        for copia in presentes:
            conn.execute(f"DROP TABLE {copia}")
        conn.execute("VACUUM")
    return completas


def agregar(aparte: Path, archivo: Path) -> tuple[int, int]:
    """The blobs kept ``aparte`` added to the archive in use (those it lacks), each checked
    against its SHA-256, and the receipts' XML names; (added, refused)."""
    if not aparte.is_file():
        return 0, 0
    ArchivoEvidencias(archivo).asegurar()
    agregados = rechazados = 0
    with closing(cifrado.conectar(archivo, isolation_level=None)) as conn:
        cifrado.adjuntar(conn, aparte, "aparte")
        conn.execute("BEGIN IMMEDIATE")
        for lote in _lotes(conn):
            validos = [f for f in lote if _valido(*f)]
            rechazados += len(lote) - len(validos)
            agregados += archivo_.agregar(conn, validos)
        conn.execute(
            f"INSERT OR IGNORE INTO main.recibos SELECT r.timbre, r.sha256 "
            f"FROM aparte.{TABLAS[1][1]} r WHERE r.sha256 IN (SELECT sha256 FROM main.archivos)"
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE aparte")
    if rechazados:
        log.warning("Respaldo: %s archivos de evidencia no eran lo que dice su SHA-256", rechazados)
    return agregados, rechazados


def _lotes(conn: sqlite3.Connection) -> Iterator[list[tuple[str, int, bytes]]]:
    """The backup's blobs the archive in use lacks, (SHA-256, size, compressed bytes), a batch
    at a time: read whole from a backup of whole blobs, joined from their parts otherwise."""
    tabla = TABLAS[0][1]
    columnas = {c[1] for c in conn.execute(f"PRAGMA aparte.table_info({tabla})")}
    enteros = "datos" in columnas
    filas = conn.execute(
        f"SELECT a.sha256, a.tamano{', a.datos' if enteros else ''} FROM aparte.{tabla} a "
        "WHERE a.sha256 NOT IN (SELECT sha256 FROM main.archivos)"
    )
    while lote := filas.fetchmany(_LOTE):
        if enteros:
            yield [tuple(f) for f in lote]
        else:
            yield [(h, t, _partes(conn, h)) for h, t in lote]


def _partes(conn: sqlite3.Connection, huella: str) -> bytes:
    """A blob of the backup joined from its parts (b"" when they are missing)."""
    return b"".join(
        d
        for (d,) in conn.execute(
            f"SELECT p.datos FROM aparte.{TABLAS[0][1]} a JOIN aparte.{TABLAS[2][1]} p "
            "ON p.id BETWEEN a.primero AND a.primero + a.partes - 1 WHERE a.sha256 = ? "
            "ORDER BY p.id",
            (huella,),
        )
    )


def _valido(huella: object, tamano: object, datos: object) -> bool:
    if not isinstance(huella, str) or not isinstance(datos, bytes):
        return False
    descompresor = zlib.decompressobj()
    try:
        claro = descompresor.decompress(datos, _MAYOR + 1)
    except zlib.error:
        return False
    if not descompresor.eof or len(claro) > _MAYOR:
        return False
    return len(claro) == tamano and sha256(claro) == huella


def recontar(candidato: Path, archivo: Path) -> None:
    """The restored store's list of the receipts whose XML is kept, and the board's counts,
    made again from the archive in use (the backup's store knew its own)."""
    timbres = ArchivoEvidencias(archivo).timbres()
    with closing(cifrado.conectar(candidato, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        evidencia_conteo.recontar(conn, timbres)
        conn.execute("COMMIT")


__all__ = ["TABLAS", "agregar", "al_respaldo", "apartar", "recontar"]
