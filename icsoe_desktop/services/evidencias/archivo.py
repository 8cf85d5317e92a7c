"""The evidence archive: every file of the client's evidence kept once by its SHA-256
(compressed), and each receipt's XML by its timbre UUID, as it was imported.

A file of its own beside the empresa's store (``evidencias/<store>.sqlite3``), plain sqlite3:
the receipts' XML weigh several KB each and a staffing firm imports ~50,000 a month, while the
store keeps each receipt in ~600 bytes (docs/diseno/nomina.md); the grid and the sync do not
carry them (a backup does: services/respaldo/evidencias.py). A blob is written before the store
names it, so a kill in between leaves at most a blob nobody names.

Each blob is kept in parts of ``PARTE`` bytes, consecutive rows of ``partes`` (``archivos``
says where its parts start and how many): a compressed receipt weighs 1.8–3.5 KB, so kept whole
one or two fit a 4 KB page and the file is ~1.9× its data; in parts the pages fill (see
``PARTE``). An archive kept whole is put in parts the first time it is opened, in one
transaction (a kill leaves it as it was), then vacuumed once."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from functools import partial
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.store import cifrar, plain

if TYPE_CHECKING:
    import sqlite3

_ESQUEMA = (
    "CREATE TABLE IF NOT EXISTS archivos (sha256 TEXT PRIMARY KEY, tamano INTEGER NOT NULL, "
    "primero INTEGER NOT NULL, partes INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS partes (id INTEGER PRIMARY KEY, datos BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS recibos (timbre TEXT PRIMARY KEY, sha256 TEXT NOT NULL) "
    "WITHOUT ROWID",
)
# The bytes of a part: a dozen rows (with their few bytes of bookkeeping each) fill a 4 KB page
# of SQLCipher's (4,016 usable bytes); larger parts leave more of each page empty, smaller ones
# add rows. On 3,000 receipts of 1.8–3.5 KB compressed the file is 1.19× its blobs (1.94× kept
# whole), of which ~5 % is the index of UUIDs and SHA-256s (tests/services/test_evidencias_archivo.py).
PARTE = 300
# Each receipt's XML by its timbre UUID: (UUID, XML, the XML as a zlib stream or None).
GuardarRecibos = Callable[[Iterable[tuple[str, bytes, bytes | None]]], None]
_PAGINAS_SIN_COPIAR = 16384  # an import's journal grows to 64 MiB before it is copied
_DE_UNA_VEZ = 200  # blobs read by one statement
_NIVEL = 6  # zlib: an XML shrinks to a third; level 9 costs twice the time for ~2 % more


def ruta_de(store: Path) -> Path:
    return store.parent / "evidencias" / f"{store.stem}.sqlite3"


def sha256(datos: bytes) -> str:
    return hashlib.sha256(datos).hexdigest()


class ArchivoEvidencias:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _abrir(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        cifrar.al_abrir(self.path)  # an archive of before encryption: encrypted once, here
        conn = plain.connect(self.path)
        try:
            _en_partes(conn)
            for sentencia in _ESQUEMA:
                conn.execute(sentencia)
        except BaseException:
            conn.close()
            raise
        return conn

    def asegurar(self) -> None:
        """The archive's file and tables, when it has none yet."""
        with closing(self._abrir()):
            pass

    def guardar(self, datos: bytes) -> str:
        """Keep ``datos`` (once: the same bytes again add nothing); its SHA-256."""
        huella = sha256(datos)
        with closing(self._abrir()) as conn, _escritura(conn):
            agregar(conn, [(huella, len(datos), zlib.compress(datos, _NIVEL))])
        return huella

    def guardar_recibos(self, recibos: Iterable[tuple[str, bytes, bytes | None]]) -> None:
        """Each receipt's XML by its timbre UUID, in one transaction: (UUID, XML, the XML as
        a zlib stream when the caller has it, as a ZIP's deflated member is, or None)."""
        with self.escritor_de_recibos() as guardar:
            guardar(recibos)

    @contextmanager
    def escritor_de_recibos(self) -> Iterator[GuardarRecibos]:
        """``guardar_recibos`` through one connection kept open for an import's batches (an
        opening per batch would read the schema again, and checkpoint the journal at each
        closing)."""
        with closing(self._abrir()) as conn:
            # The batches' journal copied into the file once, at the end, not at each commit.
            conn.execute(f"PRAGMA wal_autocheckpoint={_PAGINAS_SIN_COPIAR}")
            yield partial(_guardar_recibos, conn)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def recibos(self, timbres: list[str]) -> dict[str, str]:
        """timbre UUID → SHA-256 of its XML, for those kept."""
        if not timbres or not self.path.is_file():
            return {}
        encontrados: dict[str, str] = {}
        with closing(self._abrir()) as conn:
            for inicio in range(0, len(timbres), 30_000):
                parte = timbres[inicio : inicio + 30_000]
                marcas = ", ".join("?" * len(parte))
                encontrados.update(
                    conn.execute(
                        f"SELECT timbre, sha256 FROM recibos WHERE timbre IN ({marcas})", parte
                    ).fetchall()
                )
        return encontrados

    def timbres(self) -> list[str]:
        """Every receipt (its timbre's UUID) whose XML is kept."""
        if not self.path.is_file():
            return []
        with closing(self._abrir()) as conn:
            return [t for (t,) in conn.execute("SELECT timbre FROM recibos")]

    def tiene(self, huellas: Iterable[str]) -> set[str]:
        """Which of ``huellas`` the archive keeps (a document attached on another desktop is
        known by its SHA-256 and kept only there)."""
        buscadas = sorted(set(huellas))
        if not buscadas or not self.path.is_file():
            return set()
        with closing(self._abrir()) as conn:
            marcas = ", ".join("?" * len(buscadas))
            return {
                h
                for (h,) in conn.execute(
                    f"SELECT sha256 FROM archivos WHERE sha256 IN ({marcas})", buscadas
                )
            }

    def leer_varios(self, huellas: Iterable[str]) -> Iterator[bytes | None]:
        """The bytes of each one in order, through one connection: None when missing or not
        what its SHA-256 says (``_DE_UNA_VEZ`` at a time: a pack of 13,000 receipts is never in
        memory; a statement per blob cost more than reading it)."""
        pendientes = iter(huellas)
        with closing(self._abrir()) as conn:
            while parte := list(islice(pendientes, _DE_UNA_VEZ)):
                guardados = _leer_de_una_vez(conn, sorted(set(parte)))
                for huella in parte:
                    z = guardados.get(huella)
                    datos = zlib.decompress(z) if z else None
                    yield datos if datos is not None and sha256(datos) == huella else None


def _leer_de_una_vez(conn: sqlite3.Connection, huellas: list[str]) -> dict[str, bytes]:
    """The stored (compressed) bytes of each of ``huellas`` the archive keeps, by one
    statement: its parts in order."""
    marcas = ", ".join("?" * len(huellas))
    partes: dict[str, list[bytes]] = {}
    for huella, datos in conn.execute(
        "SELECT a.sha256, p.datos FROM archivos a JOIN partes p ON p.id BETWEEN a.primero AND "
        f"a.primero + a.partes - 1 WHERE a.sha256 IN ({marcas}) ORDER BY a.sha256, p.id",
        huellas,
    ):
        partes.setdefault(huella, []).append(datos)
    return {h: b"".join(d) for h, d in partes.items()}


def leer(conn: sqlite3.Connection, huella: str) -> bytes:
    """The stored (compressed) bytes of ``huella``: b"" when the archive has none."""
    return _leer_de_una_vez(conn, [huella]).get(huella, b"")


def agregar(conn: sqlite3.Connection, blobs: Iterable[tuple[str, int, bytes]]) -> int:
    """Each (SHA-256, size, compressed bytes) the archive lacks, in parts, inside the caller's
    write transaction (its parts numbered after the last: one reader of ``max`` at a time);
    how many were added."""
    nuevos = {h: (t, d) for h, t, d in blobs}
    if not nuevos:
        return 0
    huellas = list(nuevos)
    for inicio in range(0, len(huellas), 30_000):
        parte = huellas[inicio : inicio + 30_000]
        marcas = ", ".join("?" * len(parte))
        for (h,) in conn.execute(f"SELECT sha256 FROM archivos WHERE sha256 IN ({marcas})", parte):
            nuevos.pop(h, None)
    (siguiente,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM partes").fetchone()
    indice: list[tuple[str, int, int, int]] = []
    filas: list[tuple[int, bytes]] = []
    # In the order of their key: a batch's rows land on fewer of the index's pages.
    for huella in sorted(nuevos):
        tamano, datos = nuevos[huella]
        trozos = [datos[i : i + PARTE] for i in range(0, len(datos), PARTE)] or [b""]
        indice.append((huella, tamano, siguiente, len(trozos)))
        filas.extend(enumerate(trozos, start=siguiente))
        siguiente += len(trozos)
    conn.executemany("INSERT INTO partes VALUES (?, ?)", filas)
    conn.executemany("INSERT INTO archivos VALUES (?, ?, ?, ?)", indice)
    return len(indice)


def _en_partes(conn: sqlite3.Connection) -> None:
    """An archive that keeps each blob whole (one ``datos`` per row) put in parts, in one
    transaction; nothing to do for one already in parts or a new one."""
    columnas = {c[1] for c in conn.execute("PRAGMA table_info(archivos)")}
    if "datos" not in columnas:
        return
    with _escritura(conn):
        conn.execute("ALTER TABLE archivos RENAME TO archivos_enteros")
        for sentencia in _ESQUEMA[:2]:
            conn.execute(sentencia)
        filas = conn.execute("SELECT sha256, tamano, datos FROM archivos_enteros ORDER BY sha256")
        while lote := filas.fetchmany(2_000):
            agregar(conn, lote)
        conn.execute("DROP TABLE archivos_enteros")
    # The whole blobs' pages given back once: the file is its data's size again.
    conn.execute("VACUUM")


def _guardar_recibos(
    conn: sqlite3.Connection, recibos: Iterable[tuple[str, bytes, bytes | None]]
) -> None:
    filas = [(uuid, sha256(xml), xml, z) for uuid, xml, z in recibos]
    with _escritura(conn):
        agregar(
            conn,
            ((h, len(x), zlib.compress(x, _NIVEL) if z is None else z) for _, h, x, z in filas),
        )
        # A UUID kept stays with its XML: a copy with other bytes never takes its place (the
        # import refuses it before; this holds whatever calls).
        conn.executemany(
            "INSERT OR IGNORE INTO recibos VALUES (?, ?)",
            sorted(((u, h) for u, h, _, _ in filas), key=itemgetter(0)),
        )


@contextmanager
def _escritura(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed whole, or rolled back whole (the connection may live
    on, as an import's does: no transaction is left open)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


__all__ = ["PARTE", "ArchivoEvidencias", "GuardarRecibos", "agregar", "leer", "ruta_de", "sha256"]
