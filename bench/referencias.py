"""The code the benches measure the product against, which the app itself never runs.

- ``open_table``: a table read with its header on the first row only, every row a dict of
  header → value (CSV streamed, a workbook through ``xlsx_reader``): ``bench/lectura.py``'s
  baseline for the intake of every import (``services/archivos/lectura/``).
- ``table_summary``: a synced table's (rows, checksum) hashed from its rows, what the sums the
  store keeps must equal: ``bench/sync_idle.py``'s baseline for the drift check's kept sums.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos.tabular import (
    ZIP_SUFFIXES,
    _check_table_size,
    _csv_error,
    _open_text,
    _refuse_binary,
    _text_encoding,
    _unreadable,
    decode_text,
    es_libro,
    header_key,
    unreadable_after,
)
from icsoe_desktop.services.sync.check import _summary_queries
from icsoe_desktop.services.sync.sql import driver_cursor
from icsoe_desktop.store.models import SyncRowState
from icsoe_desktop.store.sync_tables import SyncedTable


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]  # (line number, header_key → value)
    kind: str  # "xlsx" | "csv"


def open_table(path: Path, data: bytes | None = None) -> Table:
    """The table in ``data``, or streamed from ``path`` (memory does not grow with the file)."""
    if data is None:
        _check_table_size(path)
        try:
            with path.open("rb") as f:
                head = f.read(4096)
            if es_libro(head):
                return _xlsx_table(path, path)
            if path.suffix.lower() not in ZIP_SUFFIXES:
                _refuse_binary(head, path.name)
                return _csv_table(path, _open_text(path, _text_encoding(path)))
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    elif es_libro(data):
        return _xlsx_table(path, data)
    if path.suffix.lower() in ZIP_SUFFIXES:
        raise ValidationError(
            "xlsx_invalido", f"«{path.name}» no es un libro de Excel válido o está dañado."
        )
    assert data is not None  # a file read from ``path`` that is not Excel returned above
    return _csv_table(path, io.StringIO(decode_text(data, path.name), newline=None))


def _csv_table(path: Path, source: TextIO) -> Table:
    """Rows read from ``source`` as they are needed; the rows' iterator closes it."""
    try:
        sample = source.read(8192)
        source.seek(0)
        if source.read(1) != "\ufeff":  # skip a BOM seek(0) did not skip again
            source.seek(0)
    except OSError as exc:
        source.close()
        raise _unreadable(path, exc) from exc
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", ",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(source, delimiter=delimiter)

    def read(values_of: Iterator[list[str]]) -> list[str]:
        try:
            return next(values_of)
        except csv.Error as exc:
            raise _csv_error(path.name, max(reader.line_num, 1), exc) from exc
        except OSError as exc:
            raise unreadable_after(path.name, reader.line_num, exc) from exc

    def rows() -> Iterator[Any]:  # the headers, then (line, row) pairs
        # Started at once (the headers are its first item): closing or dropping it closes the
        # file even if no row is ever asked for.
        with source:
            try:
                headers = read(reader)
            except StopIteration:
                raise ValidationError(
                    "archivo_vacio", f"El archivo «{path.name}» está vacío."
                ) from None
            yield headers
            keys = [header_key(h) for h in headers]
            while True:
                try:
                    values = read(reader)
                except StopIteration:
                    return
                if not any(v.strip() for v in values):
                    continue
                yield reader.line_num, dict(zip(keys, values, strict=False))

    lines = rows()
    headers = next(lines)
    return Table([h.strip() for h in headers], lines, "csv")


def _xlsx_table(path: Path, data: bytes | Path) -> Table:
    from icsoe_desktop.services.archivos.xlsx_reader import sheet_rows

    rows_iter = sheet_rows(data, path.name)
    try:
        headers = ["" if h is None else str(h).strip() for h in next(rows_iter)[1]]
    except StopIteration:
        raise ValidationError("archivo_vacio", f"La hoja de «{path.name}» está vacía.") from None
    keys = [header_key(h) for h in headers]

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        with closing(rows_iter):
            for number, values in rows_iter:
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                yield number, dict(zip(keys, values, strict=False))

    return Table(headers, rows(), "xlsx")


def table_summary(session: Session, table: SyncedTable) -> tuple[int, int]:
    """(rows, checksum) of what the server should hold of ``table`` as this desktop knows it:
    its rows (their version) and, for rows it does not keep, the version it last saw. Only
    meaningful with nothing pending to send."""
    rows, absent = _summary_queries(table)
    count = total = 0
    connection = session.connection()
    for query in (rows, absent):
        if query is absent and count == _state_count(connection, table):
            break  # with nothing pending each row has its state: these are all of them
        # Read by the driver (plain tuples) a few thousand at a time, hashed in C loops:
        # SQLAlchemy's handling of each result row took most of a 100,000-row check's time.
        cursor = driver_cursor(connection, query)
        while found := cursor.fetchmany(5000):
            count += len(found)
            total += sync_wire.hash_sum(map(itemgetter(0), found))
    return count, total


def _state_count(connection: Connection, table: SyncedTable) -> int:
    """How many sync states ``table`` has (read from the states' key alone)."""
    query = select(func.count()).where(SyncRowState.table_name == table.name)
    count: int = connection.execute(query).scalar_one()
    return count
