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
needed). The counts the triggers keep are then wrong: the caller recounts them
(``recuento.py``)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

BATCH = 500  # rows read by rowid in one statement


@dataclass
class Rescate:
    """Per table, the rows copied and the rows known to exist that could not be read; the
    tables read only up to a damaged page (how many rows they lost is not known)."""

    copiados: dict[str, int] = field(default_factory=dict)
    perdidos: dict[str, int] = field(default_factory=dict)
    incompletas: list[str] = field(default_factory=list)

    @property
    def total_copiados(self) -> int:
        return sum(self.copiados.values())

    @property
    def total_perdidos(self) -> int:
        return sum(self.perdidos.values())


def revisar(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the file at ``path``: [] when it is whole, otherwise what
    SQLite found (the first hundred problems)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        try:
            found = [row[0] for row in conn.execute("PRAGMA integrity_check(100)")]
        except sqlite3.DatabaseError as exc:  # not even the schema reads
            return [str(exc)]
    return [] if found == ["ok"] else found


def _rowid_index(conn: sqlite3.Connection, table: str) -> str | None:
    """An index of ``table`` over all its rows (not partial) whose rowids read whole."""
    for _seq, name, _unique, _origin, partial in conn.execute(f'PRAGMA index_list("{table}")'):
        if partial:
            continue
        try:
            conn.execute(f'SELECT count(rowid) FROM "{table}" INDEXED BY "{name}"').fetchone()
        except sqlite3.DatabaseError:
            continue
        return str(name)
    return None


def _rows_by_rowid(
    conn: sqlite3.Connection, table: str, rowids: list[int], lost: list[int]
) -> Iterator[tuple[object, ...]]:
    """The rows of ``rowids`` that read; those that do not go to ``lost``."""
    try:
        marks = ",".join("?" * len(rowids))
        found = conn.execute(
            f'SELECT rowid, * FROM "{table}" NOT INDEXED WHERE rowid IN ({marks})', rowids
        ).fetchall()
    except sqlite3.DatabaseError:
        if len(rowids) == 1:
            lost.append(rowids[0])
            return
        half = len(rowids) // 2
        yield from _rows_by_rowid(conn, table, rowids[:half], lost)
        yield from _rows_by_rowid(conn, table, rowids[half:], lost)
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
    except sqlite3.DatabaseError:
        lost.append(CUT)


def _readable(
    conn: sqlite3.Connection, table: str, with_rowid: bool, lost: list[int]
) -> Iterator[tuple[object, ...]]:
    if not with_rowid:
        yield from _in_order(conn, f'SELECT * FROM "{table}"', lost)
        return
    index = _rowid_index(conn, table)
    if index is None:
        yield from _in_order(conn, f'SELECT rowid, * FROM "{table}" NOT INDEXED', lost)
        return
    rowids = [r for (r,) in conn.execute(f'SELECT rowid FROM "{table}" INDEXED BY "{index}"')]
    rowids.sort()
    for start in range(0, len(rowids), BATCH):
        yield from _rows_by_rowid(conn, table, rowids[start : start + BATCH], lost)


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    try:
        conn.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
    except sqlite3.OperationalError:
        return False
    return True


def rescatar(origen: Path, destino: Path) -> Rescate:
    """Every readable row of the store at ``origen`` into a new file at ``destino``, with the
    same schema. Raises ``sqlite3.DatabaseError`` when not even the schema reads."""
    found = Rescate()
    source = sqlite3.connect(f"{origen.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(destino, isolation_level=None)
    try:
        schema = source.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchall()
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("BEGIN")
        tables = [(name, sql) for kind, name, _t, sql in schema if kind == "table"]
        for _name, sql in tables:
            target.execute(sql)
        for name, _sql in tables:
            copied, lost = _copy_table(source, target, name)
            found.copiados[name] = copied
            found.perdidos[name] = sum(1 for rowid in lost if rowid != CUT)
            if CUT in lost:
                found.incompletas.append(name)
        for kind in ("index", "view", "trigger"):
            for each, _name, _t, sql in schema:
                if each == kind:
                    target.execute(sql)
        if source.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            sequences = list(_in_order(source, "SELECT name, seq FROM sqlite_sequence", []))
            target.execute("DELETE FROM sqlite_sequence")
            target.executemany("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", sequences)
        target.execute("COMMIT")
    finally:
        source.close()
        target.close()
    log.warning(
        "Rescate de %s: %d renglones copiados, %d ilegibles (%s), leídas hasta una página "
        "dañada: %s",
        origen,
        found.total_copiados,
        found.total_perdidos,
        {t: n for t, n in found.perdidos.items() if n},
        found.incompletas,
    )
    return found


def _copy_table(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str
) -> tuple[int, list[int]]:
    """(rows copied, the rowids that could not be read: ``CUT`` for a table read only up to
    a damaged page) of one table."""
    columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
    with_rowid = _has_rowid(source, table)
    names = (["rowid"] if with_rowid else []) + [f'"{c}"' for c in columns]
    insert = (
        f'INSERT OR IGNORE INTO "{table}" ({", ".join(names)}) '
        f"VALUES ({', '.join('?' * len(names))})"
    )
    lost: list[int] = []
    copied = 0
    batch: list[tuple[object, ...]] = []
    for row in _readable(source, table, with_rowid, lost):
        batch.append(row)
        if len(batch) >= BATCH:
            copied += target.executemany(insert, batch).rowcount
            batch = []
    if batch:
        copied += target.executemany(insert, batch).rowcount
    return copied, lost


__all__ = ["BATCH", "CUT", "Rescate", "rescatar", "revisar"]
