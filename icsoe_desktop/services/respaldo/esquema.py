"""What a file to restore may hold: exactly the schema objects icsoe-desktop creates at the
file's revision (tables with their columns, indexes, triggers), each as the app writes it.

A table, view, trigger or index the app does not create — or one of its own written otherwise —
came from outside the app (a trigger on ``audit_log`` would run on the next write): the file is
refused. Compared by the SQL SQLite keeps for each object, whitespace aside: a store migrated
from any earlier revision has the same text as a new one (tests/services/test_restore_checks.py).
Two kinds of index the app itself adds or drops at run time are allowed: the grid's sort
indexes (built on first sort, `MovimientosService.prepare_sort`) and the movimientos indexes a
sync pull drops until its end (`store/bulk_indexes.py`)."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.store import bulk_indexes, cifrado
from icsoe_desktop.store.db import upgrade_file
from icsoe_desktop.store.migrations import HEAD_REVISION, MIGRATIONS_DIR
from icsoe_desktop.store.plain import TEMPLATES

if TYPE_CHECKING:
    import sqlite3

_KINDS = {"table": "la tabla", "view": "la vista", "trigger": "el disparador", "index": "el índice"}
_PLURAL = {"table": "las tablas", "view": "las vistas", "trigger": "los disparadores"}
_PLURAL.update(index="los índices")
LISTED = 6  # a message names this many objects at most, then «y N más»


@dataclass(frozen=True)
class SchemaObject:
    type: str
    name: str
    table: str
    sql: str
    columns: tuple[str, ...] = ()  # a table's


Schema = dict[tuple[str, str], SchemaObject]


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


# SQLite's own: its sequence and statistics tables. The indexes of UNIQUE and PRIMARY KEY
# constraints (no SQL of their own: the table's holds them) are skipped too. Any other name
# led by «sqlite_» can only have been written into sqlite_master by hand (writable_schema) —
# a trigger so named still fires — and is compared like the rest.
_SQLITE_TABLES = frozenset(("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3"))
_SQLITE_TABLES |= {"sqlite_stat4"}


def _sqlite_own(kind: str, name: str, sql: str | None) -> bool:
    if kind == "table":
        return name in _SQLITE_TABLES
    return kind == "index" and name.startswith("sqlite_autoindex_") and sql is None


def read_schema(conn: sqlite3.Connection) -> Schema:
    """Every object of the file but SQLite's own."""
    schema: Schema = {}
    for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
    ):
        if _sqlite_own(kind, name, sql):
            continue
        columns: tuple[str, ...] = ()
        if kind == "table":
            columns = tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{name}")'))
        schema[kind, name] = SchemaObject(kind, name, table, _normal(sql), columns)
    return schema


@lru_cache(maxsize=4)
def reference(revision: str) -> Schema:
    """The schema a store of icsoe-desktop has at ``revision``: the shipped template brought to
    head, or a new file migrated to that revision."""
    with tempfile.TemporaryDirectory(prefix="icsoe-esquema-") as folder:
        path = Path(folder) / "referencia.sqlite3"
        if revision == HEAD_REVISION:
            shutil.copyfile(MIGRATIONS_DIR / TEMPLATES[True], path)  # an empresa's store
            upgrade_file(path)  # a template behind head still reaches it
        else:
            upgrade_file(path, revision)
        conn = cifrado.conectar(path)
        try:
            return read_schema(conn)
        finally:
            conn.close()


@lru_cache(maxsize=1)
def sort_indexes() -> dict[str, str]:
    """The grid's sort indexes as the app builds them now: name → SQL as SQLite keeps it."""
    from icsoe_desktop.store.models.movimientos import SORT_PREFIX, sort_index_ddl
    from icsoe_desktop.store.models.movimientos import sort_indexes as names

    built: dict[str, str] = {}
    for column in SORT_PREFIX:
        for name, ddl in zip(names(column), sort_index_ddl(column), strict=True):
            built[name] = _normal(ddl.replace(" IF NOT EXISTS", "", 1))
    return built


def _is_sort_index(item: SchemaObject) -> bool:
    return item.type == "index" and item.table == "movimientos" and item.name in sort_indexes()


@dataclass
class Differences:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)


def _describe(item: SchemaObject, where_table: bool = True) -> str:
    where = ""
    if where_table and item.type in ("trigger", "index"):
        where = f" (de la tabla {item.table})"
    return f"{_KINDS.get(item.type, item.type)} {item.name}{where}"


def compare(found: Schema, wanted: Schema, *, any_sort_index: bool) -> Differences:
    """What ``found`` lacks, has more, or has written otherwise than ``wanted``.
    ``any_sort_index``: the grid's sort indexes pass whatever their columns (before the file is
    migrated: an earlier version built them otherwise); else only as built now."""
    result = Differences()
    missing_tables = {n for (t, n) in wanted if t == "table" and (t, n) not in found}
    extra_tables = {n for (t, n) in found if t == "table" and (t, n) not in wanted}
    for key, item in sorted(wanted.items()):
        if key in found:
            continue
        if item.table in missing_tables and item.type != "table":
            continue  # said by its table
        if item.type == "index" and item.name in bulk_indexes.DEFERRABLE:
            continue  # built again before the file goes in
        result.missing.append(_describe(item))
    for key, item in sorted(found.items()):
        if key in wanted:
            expected = wanted[key]
            if item.sql == expected.sql and item.table == expected.table:
                continue
            if item.type == "table" and set(item.columns) != set(expected.columns):
                result.missing += [
                    f"la columna {c} de la tabla {item.name}"
                    for c in expected.columns
                    if c not in item.columns
                ]
                result.extra += [
                    f"la columna {c} de la tabla {item.name}"
                    for c in item.columns
                    if c not in expected.columns
                ]
            else:
                result.changed.append(_describe(item, where_table=False))
        elif _is_sort_index(item):
            if not any_sort_index and item.sql != sort_indexes()[item.name]:
                result.changed.append(_describe(item, where_table=False))
        elif item.type == "index" and item.table in extra_tables:
            continue  # said by its table
        else:
            result.extra.append(_describe(item))
    return result


def enumerate_es(items: list[str]) -> str:
    """«a, b y c»; past LISTED items, «a, b, … y N más»."""
    shown = items[:LISTED]
    rest = len(items) - len(shown)
    if rest:
        return f"{', '.join(shown)} y {rest} más"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} y {shown[-1]}"


def _grouped(items: list[str]) -> str:
    """Missing tables say it all (their columns and indexes go with them; the log has the
    rest); several read «las tablas a, b y c»."""
    tables = [i.removeprefix("la tabla ") for i in items if i.startswith("la tabla ")]
    if not tables:
        return enumerate_es(items)
    if len(tables) == 1:
        return f"la tabla {tables[0]}"
    return f"{_PLURAL['table']} {enumerate_es(tables)}"


def _lacks(missing: list[str]) -> str:
    tables = sum(1 for i in missing if i.startswith("la tabla "))
    verb = "le falta" if (tables or len(missing)) == 1 else "le faltan"
    return f"{verb} {_grouped(missing)}"


def _of(item: str) -> str:
    """«de la tabla x», «del disparador y»."""
    return f"del {item[3:]}" if item.startswith("el ") else f"de {item}"


def explain(differences: Differences, file_name: str) -> tuple[str, str]:
    """The refusal's code and Spanish message."""
    if differences.extra or differences.changed:
        parts = []
        if differences.extra:
            parts.append(f"tiene {enumerate_es(differences.extra)}, que icsoe-desktop no crea")
        if differences.changed:
            of = enumerate_es([_of(c) for c in differences.changed])
            if len(differences.changed) == 1:
                parts.append(f"la definición {of} no es la de icsoe-desktop")
            else:
                parts.append(f"las definiciones {of} no son las de icsoe-desktop")
        if differences.missing:
            parts.append(_lacks(differences.missing))
        return (
            "respaldo_modificado",
            f"El archivo «{file_name}» no es un respaldo íntegro de icsoe-desktop: "
            f"{'; '.join(parts)}. Pudo modificarse fuera de la aplicación. No se restauró nada.",
        )
    return (
        "respaldo_incompleto",
        f"El archivo «{file_name}» no es un respaldo completo de icsoe-desktop: "
        f"{_lacks(differences.missing)}. No se restauró nada.",
    )


__all__ = ["Differences", "compare", "explain", "read_schema", "reference", "sort_indexes"]
