"""The drift check's triggers as migration 0022 wrote them (``store/sumas.py`` before 0026):
a backup of revisions 0022 to 0025 holds this text, and a restore compares it
(``services/respaldo/esquema.py``). Never changed."""

from __future__ import annotations

from collections.abc import Iterable

from icsoe_desktop.domain import sync_wire

MOD = sync_wire.SUM_MODULUS
HASH_FUNCTION = "sync_hash"
BUCKET = "substr({uuid}, -3)"

CHANGE = "sync_sums_cambio"  # (table_name, row_uuid, version, sign): a row's hash in or out
# (table_name, row_uuid, sign): the clean, versioned state of that uuid in or out (counted
# while its row is not here: out when the row comes, in when it goes)
ROWLESS = "sync_sums_sin_fila"
ROWS = "sync_sums_filas"  # (table_name, uuid): every synced row, for the states' triggers

_UPSERT = (
    "ON CONFLICT (table_name, bucket) DO UPDATE SET rows = rows + excluded.rows, "
    f"total = (total + excluded.total) % {MOD}"
)


def _views(tables: Iterable[str]) -> list[str]:
    rows = " UNION ALL ".join(f"SELECT '{t}' AS table_name, uuid FROM {t}" for t in tables)
    part = f"{HASH_FUNCTION}(new.row_uuid, new.version)"
    bucket = BUCKET.format(uuid="new.row_uuid")
    return [
        f"CREATE VIEW {CHANGE} AS SELECT NULL AS table_name, NULL AS row_uuid, "
        "NULL AS version, NULL AS sign WHERE 0",
        f"CREATE TRIGGER {CHANGE}_insert INSTEAD OF INSERT ON {CHANGE} BEGIN "
        f"INSERT INTO sync_sums (table_name, bucket, rows, total) VALUES (new.table_name, "
        f"{bucket}, new.sign, CASE WHEN new.sign > 0 THEN {part} ELSE {MOD} - {part} END) "
        f"{_UPSERT}; END",
        f"CREATE VIEW {ROWLESS} AS SELECT NULL AS table_name, NULL AS row_uuid, NULL AS sign "
        "WHERE 0",
        f"CREATE TRIGGER {ROWLESS}_insert INSTEAD OF INSERT ON {ROWLESS} BEGIN "
        f"INSERT INTO {CHANGE} SELECT s.table_name, s.row_uuid, s.version, new.sign "
        "FROM sync_row_state AS s WHERE s.table_name = new.table_name "
        "AND s.row_uuid = new.row_uuid AND s.dirty IS 0 AND s.version IS NOT NULL; END",
        # SQLite pushes a lookup's terms into each part: the constant ``table_name = …`` first.
        f"CREATE VIEW {ROWS} AS {rows}",
    ]


def _table_triggers(table: str, append_only: bool, sent: str | None) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all); ``append_only``: rows never change (version 1)."""

    def change(row: str, sign: int) -> str:
        version = "1" if append_only else f"{row}.version"
        values = f"'{table}', {row}.uuid, {version}, {sign}"
        if sent:
            return f"INSERT INTO {CHANGE} SELECT {values} WHERE {sent.format(row=row)};"
        return f"INSERT INTO {CHANGE} VALUES ({values});"

    def rowless(row: str, sign: int) -> str:
        return f"INSERT INTO {ROWLESS} VALUES ('{table}', {row}.uuid, {sign});"

    triggers = [
        f"CREATE TRIGGER sync_sums_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{change('new', 1)} {rowless('new', -1)} END"
    ]
    if not append_only:  # (an append-only table refuses changes and removals itself)
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{change('old', -1)} {rowless('old', 1)} END"
        )
        columns = "version" + (", kind" if sent and "kind" in sent else "")
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"WHEN {changed} BEGIN {change('old', -1)} {change('new', 1)} END"
        )
    return triggers


STATE_INSERT_TRIGGER = "sync_sums_state_insert"


def _state_triggers() -> list[str]:
    """The triggers of ``sync_row_state``: a clean, versioned state counts while its table
    holds no row of its uuid."""

    def rowless(state: str) -> str:
        return (
            f"NOT EXISTS (SELECT 1 FROM {ROWS} WHERE table_name = {state}.table_name "
            f"AND uuid = {state}.row_uuid)"
        )

    def counted(state: str) -> str:
        return f"{state}.dirty IS 0 AND {state}.version IS NOT NULL"

    def change(state: str, sign: int) -> str:
        return (
            f"INSERT INTO {CHANGE} SELECT {state}.table_name, {state}.row_uuid, "
            f"{state}.version, {sign} WHERE {counted(state)};"
        )

    return [
        f"CREATE TRIGGER {STATE_INSERT_TRIGGER} AFTER INSERT ON sync_row_state "
        f"WHEN {counted('new')} AND {rowless('new')} BEGIN {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_update AFTER UPDATE OF dirty, version ON sync_row_state "
        "WHEN (old.dirty IS NOT new.dirty OR old.version IS NOT new.version) "
        f"AND ({counted('old')} OR {counted('new')}) AND {rowless('new')} "
        f"BEGIN {change('old', -1)} {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_delete AFTER DELETE ON sync_row_state "
        f"WHEN {counted('old')} AND {rowless('old')} BEGIN {change('old', -1)} END",
    ]


def sums(tables: Iterable[tuple[str, bool, str | None]]) -> list[str]:
    """Every view and trigger that keeps the sums, for the synced ``tables``: (name,
    append-only, the SQL condition over ``{row}`` of the rows that travel or None)."""
    tables = list(tables)
    statements = _views(t for t, _append_only, _sent in tables)
    for table, append_only, sent in tables:
        statements += _table_triggers(table, append_only, sent)
    return statements + _state_triggers()
