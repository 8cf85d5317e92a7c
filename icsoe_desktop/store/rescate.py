"""A damaged store's readable rows copied into a new file: what ``reparar`` puts in its place.

SQLite's own rescue, ``sqlite3 .recover``, reads the file page by page through the
``sqlite_dbpage`` table, which only a library built with SQLITE_ENABLE_DBPAGE_VTAB has (the
``sqlite3`` program of sqlite.org does; Debian's, and the library Python ships on Windows, do
not: there ``.recover`` fails on every file, whatever its schema). This copy needs nothing of
the sort: each table's rowids are read from one of its indexes (their own pages), and its rows
by rowid, a few hundred at a time; a batch that meets a damaged page is split until every row
that can be read is read, so a damaged page loses only the rows it held. A table without an
index of its own (or without rowids) is read in order up to its first damaged page.

The new file gets the old one's tables first, their rows, then its indexes, views and triggers
(as ``.dump`` does: no trigger runs on the copied rows, and none of the app's functions is
needed). Or, given the app's migrated template (``plain.copy_template``), the new file is a
copy of it whose triggers are set aside while the rows go in: a file whose schema revision
(``alembic_version``) no longer reads takes the template's. The counts the triggers keep are
then wrong: the caller recounts them (``recuento.py``).

An encrypted store's connection refuses every page it has not read yet once one page failed its
check (SQLCipher keeps the error): the file is opened again after each damaged page met."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from icsoe_desktop.store import cifrado, cifrar

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

BATCH = 500  # rows read by rowid in one statement
VERSION_TABLE = "alembic_version"


@dataclass
class Rescate:
    """Per table, the rows copied and the rows known to exist that could not be read; the
    tables read only up to a damaged page (how many rows they lost is not known)."""

    copiados: dict[str, int] = field(default_factory=dict)
    perdidos: dict[str, int] = field(default_factory=dict)
    incompletas: list[str] = field(default_factory=list)
    # The template's schema revision, put in when the file's own did not read ("": it did).
    version_de_plantilla: str = ""

    @property
    def total_copiados(self) -> int:
        return sum(self.copiados.values())

    @property
    def total_perdidos(self) -> int:
        return sum(self.perdidos.values())


def revisar(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the file at ``path``: [] when it is whole, otherwise what
    SQLite found (the first hundred problems)."""
    with closing(cifrado.conectar(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        try:
            found = [row[0] for row in conn.execute("PRAGMA integrity_check(100)")]
        except cifrado.DatabaseError as exc:  # not even the schema reads
            return [str(exc)]
    return [] if found == ["ok"] else found


SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100


def es_sqlite(path: Path) -> bool:
    """Whether the file starts with SQLite's whole header, or is encrypted and its first page
    decrypts with the installation's key (an empty file, one cut inside its header or any
    other file does not: SQLite would take an empty one for a new database)."""
    with open(path, "rb") as file:
        header = file.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        return False
    if header.startswith(SQLITE_HEADER):
        return True
    try:
        with closing(cifrado.solo_lectura(path)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cifrado.DatabaseError:
        return False
    return cifrado.llave_de(path) is not None


def revision(path: Path) -> str | None:
    """The schema revision (``alembic_version``) of the file, read only (None: it does not
    read)."""
    try:
        with closing(cifrado.conectar(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    except cifrado.DatabaseError:
        return None
    return str(row[0]) if row else None


def _rowid_index(conn: sqlite3.Connection, table: str) -> str | None:
    """An index of ``table`` over all its rows (not partial) whose rowids read whole."""
    for _seq, name, _unique, _origin, partial in conn.execute(f'PRAGMA index_list("{table}")'):
        if partial:
            continue
        try:
            conn.execute(f'SELECT count(rowid) FROM "{table}" INDEXED BY "{name}"').fetchone()
        except cifrado.DatabaseError:
            continue
        return str(name)
    return None


def _rows_by_rowid(
    conn: sqlite3.Connection, table: str, columns: str, rowids: list[int], lost: list[int]
) -> Iterator[tuple[object, ...]]:
    """The rows of ``rowids`` that read (rowid, ``columns``); those that do not go to
    ``lost``."""
    try:
        marks = ",".join("?" * len(rowids))
        found = conn.execute(
            f'SELECT rowid, {columns} FROM "{table}" NOT INDEXED WHERE rowid IN ({marks})', rowids
        ).fetchall()
    except cifrado.DatabaseError:
        if len(rowids) == 1:
            lost.append(rowids[0])
            return
        half = len(rowids) // 2
        yield from _rows_by_rowid(conn, table, columns, rowids[:half], lost)
        yield from _rows_by_rowid(conn, table, columns, rowids[half:], lost)
        return
    yield from found


CUT = -1  # in a table's lost rowids: read only up to a damaged page


def _in_order(conn: sqlite3.Connection, sql: str, lost: list[int]) -> Iterator[tuple[object, ...]]:
    """The rows ``sql`` reads, up to the first damaged page (then ``CUT`` in ``lost``)."""
    try:
        cursor = conn.execute(sql)
        while True:
            found = cursor.fetchmany(BATCH)
            if not found:
                return
            yield from found
    except cifrado.DatabaseError:
        lost.append(CUT)


def _readable(
    conn: sqlite3.Connection, table: str, columns: str, with_rowid: bool, lost: list[int]
) -> Iterator[tuple[object, ...]]:
    if not with_rowid:
        yield from _in_order(conn, f'SELECT {columns} FROM "{table}"', lost)
        return
    index = _rowid_index(conn, table)
    if index is None:
        yield from _in_order(conn, f'SELECT rowid, {columns} FROM "{table}" NOT INDEXED', lost)
        return
    rowids = [r for (r,) in conn.execute(f'SELECT rowid FROM "{table}" INDEXED BY "{index}"')]
    rowids.sort()
    for start in range(0, len(rowids), BATCH):
        yield from _rows_by_rowid(conn, table, columns, rowids[start : start + BATCH], lost)


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    try:
        conn.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
    except cifrado.OperationalError:
        return False
    return True


_SCHEMA = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
)


class _Fuente:
    """The damaged file's read-only connection, opened again after an error (see the module);
    a statement that fails is tried once more on the new connection."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn = self._abrir()

    def _abrir(self) -> sqlite3.Connection:
        return cifrado.conectar(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)

    def _otra_vez(self) -> None:
        self._conn.close()
        self._conn = self._abrir()

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, parameters)
        except cifrado.DatabaseError:
            self._otra_vez()
        try:
            return self._conn.execute(sql, parameters)
        except cifrado.DatabaseError:
            self._otra_vez()
            raise

    def close(self) -> None:
        self._conn.close()


def rescatar(origen: Path, destino: Path, plantilla: Path | None = None) -> Rescate:
    """Every readable row of the store at ``origen`` into a new file at ``destino``: with the
    same schema, or (``plantilla``) in a copy of the app's template, each table's columns the
    file holds. Raises ``cifrado.DatabaseError`` when not even the schema reads."""
    found = Rescate()
    # Its execute and close are all the copy uses of a connection.
    source = cast("sqlite3.Connection", _Fuente(origen))
    try:
        schema = source.execute(_SCHEMA).fetchall()
        if plantilla is not None:
            cifrar.copiar_plantilla(plantilla, destino)
        target = cifrado.conectar(destino, isolation_level=None)
        try:
            target.execute("PRAGMA journal_mode=WAL")
            target.execute("BEGIN")
            if plantilla is None:
                _copy_schema_and_rows(source, target, schema, found)
            else:
                _copy_rows_into_template(source, target, schema, found)
            if _has_table(source, "sqlite_sequence") and _has_table(target, "sqlite_sequence"):
                sequences = list(_in_order(source, "SELECT name, seq FROM sqlite_sequence", []))
                target.execute("DELETE FROM sqlite_sequence")
                target.executemany(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", sequences
                )
            if _has_table(target, "movimientos_cambiados"):
                # Movements lost with their record of changes intact: a «many» (id 0, as a bulk
                # insert records) so that no copy of the finds read before is taken as current.
                target.execute("INSERT INTO movimientos_cambiados (movimiento_id) VALUES (0)")
            target.execute("COMMIT")
        finally:
            target.close()
    finally:
        source.close()
    log.warning(
        "Rescate de %s: %d renglones copiados, %d ilegibles (%s), leídas hasta una página "
        "dañada: %s; versión del esquema de la plantilla: %s",
        origen,
        found.total_copiados,
        found.total_perdidos,
        {t: n for t, n in found.perdidos.items() if n},
        found.incompletas,
        found.version_de_plantilla or "no",
    )
    return found


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def _copy_one(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    table: str,
    found: Rescate,
    columns: list[str] | None = None,
) -> None:
    copied, lost = _copy_table(source, target, table, columns)
    found.copiados[table] = copied
    found.perdidos[table] = sum(1 for rowid in lost if rowid != CUT)
    if CUT in lost:
        found.incompletas.append(table)


def _copy_schema_and_rows(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    schema: list[tuple[str, str, str, str]],
    found: Rescate,
) -> None:
    """The file's tables, their rows, then its indexes, views and triggers."""
    tables = [(name, sql) for kind, name, _t, sql in schema if kind == "table"]
    for _name, sql in tables:
        target.execute(sql)
    for name, _sql in tables:
        _copy_one(source, target, name, found)
    for kind in ("index", "view", "trigger"):
        for each, _name, _t, sql in schema:
            if each == kind:
                target.execute(sql)


def _copy_rows_into_template(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    schema: list[tuple[str, str, str, str]],
    found: Rescate,
) -> None:
    """The rows of the file's tables the template has (the columns both have) into the
    template's copy, its triggers set aside meanwhile; the template's own rows (its schema
    revision) give way to the file's, and stay when the file's do not read. A table the
    template does not have (made as the app ran) comes with its own schema and indexes."""
    triggers = target.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in triggers:
        target.execute(f'DROP TRIGGER "{name}"')
    theirs = {name for kind, name, _t, _sql in schema if kind == "table"}
    ours = [name for kind, name, _t, _sql in target.execute(_SCHEMA) if kind == "table"]
    version = target.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    for each in ("table", "index"):
        for kind, name, owner, sql in schema:
            if kind == each and owner not in ours:
                target.execute(sql)
                if kind == "table":
                    _copy_one(source, target, name, found)
    for table in ours:
        if table not in theirs:
            continue
        known = {row[1] for row in target.execute(f'PRAGMA table_info("{table}")')}
        columns = [
            row[1] for row in source.execute(f'PRAGMA table_info("{table}")') if row[1] in known
        ]
        if not columns:
            continue
        target.execute(f'DELETE FROM "{table}"')
        _copy_one(source, target, table, found, columns)
    if not target.execute(f"SELECT 1 FROM {VERSION_TABLE}").fetchone():
        target.executemany(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (?)", version)
        found.version_de_plantilla = ", ".join(v for (v,) in version)
    for _name, sql in triggers:
        target.execute(sql)


def _copy_table(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    table: str,
    columns: list[str] | None = None,
) -> tuple[int, list[int]]:
    """(rows copied, the rowids that could not be read: ``CUT`` for a table read only up to
    a damaged page) of one table; ``columns``: only these (all of the file's by default)."""
    if columns is None:
        columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
    with_rowid = _has_rowid(source, table)
    quoted = [f'"{c}"' for c in columns]
    names = (["rowid"] if with_rowid else []) + quoted
    insert = (
        f'INSERT OR IGNORE INTO "{table}" ({", ".join(names)}) '
        f"VALUES ({', '.join('?' * len(names))})"
    )
    lost: list[int] = []
    copied = 0
    batch: list[tuple[object, ...]] = []
    for row in _readable(source, table, ", ".join(quoted), with_rowid, lost):
        batch.append(row)
        if len(batch) >= BATCH:
            copied += target.executemany(insert, batch).rowcount
            batch = []
    if batch:
        copied += target.executemany(insert, batch).rowcount
    return copied, lost


__all__ = ["BATCH", "CUT", "Rescate", "es_sqlite", "rescatar", "revisar", "revision"]
