"""The sync wire format, written once for both ends: the desktop (``services/sync/servicio.py``,
``services/sync_*.py``) and the sync server (``sync_server/``). No ORM, no Qt, no HTTP: the
shapes that travel (a push batch and its answer, a pull page, a conflict's version, the
resumen), the functions that write them and the desktop's checks of what the server answered
(the server's strict checks of a push, with their 4xx answers, are ``sync_server/protocol.py``),
the codecs of column values, and the checksum a desktop and the server compare.

Push (``POST /v1/push``): ``{"batch_id", "rows": [PushRow…]}`` → ``PushAnswer``; a batch id
the server answered already gets the same answer again. Pull (``GET /v1/pull?since=N&limit=M``)
→ ``PullPage``; ``&tabla=T`` pulls one table's rows (a desktop repairing it);
``&formato=columnas`` has the rows come column by column (``PulledGroup``). ``GET
/v1/resumen`` → ``Resumen``: per table, the row count and the sum of ``row_hash(uuid, version)``,
which a desktop compares with its own to find drift.

Column values travel as JSON: text, integers and booleans as they are; dates and datetimes as
ISO 8601 text; bytes as base64; None as null. There is no decimal column (money is kept in
centavos, an integer). Which codec a column takes is decided by its type once per column
(``store/sync_tables.py`` on the desktop); the server keeps ``data`` as it came.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any, NotRequired, TypedDict

# The protocol this desktop speaks, sent with every request (``PROTOCOL_HEADER``), with its
# schema (the store's Alembic head, ``SCHEMA_HEADER``): 1 is a desktop that sends neither
# (pages of rows or of columns); 2 reads pages of columns only. The server answers with the
# newest schema any desktop of the company sent (``SCHEMA_HEADER``).
PROTOCOL = 2
PROTOCOL_HEADER = "X-Icsoe-Protocolo"
SCHEMA_HEADER = "X-Icsoe-Esquema"
# The company's catalogue of códigos postales on the server, named in every answer («FECHA
# HUELLA», or «ninguno»: services/catalogos/sepomex_paquete.py), so that an idle sync learns
# of a new one without asking; and when a desktop sends one, when IT loaded it (``FECHA``) and
# the huella it last had in common with the server (``BASE``: a load made after it replaces it).
SEPOMEX_HEADER = "X-Icsoe-Sepomex"
SEPOMEX_FECHA_HEADER = "X-Icsoe-Sepomex-Fecha"
SEPOMEX_BASE_HEADER = "X-Icsoe-Sepomex-Base"


def newer_schema(theirs: str | None, mine: str) -> bool:
    """Whether schema revision ``theirs`` ("NNNN_name", as Alembic's are named here) comes
    after ``mine``: by the number in front."""
    return theirs is not None and theirs[:4] > mine[:4]


class WireError(ValueError):
    """An answer of the other end that does not have the protocol's shape."""


# --- what travels ------------------------------------------------------------------------------


class Version(TypedDict):
    """One version of a row: as pulled, and as a conflict's losing side."""

    version: int
    updated_at: str  # ISO 8601, UTC
    deleted: bool
    data: dict[str, Any]  # column → value by its codec; a foreign key as the parent's UUID


class Conflict(Version):
    """A version that lost by server order, with the sequence it had on the server: the
    ``overwritten`` of a push result, and what a desktop keeps in ``sync_conflicts.loser``."""

    seq: int


class Sobrescrita(Conflict):
    """A push result's ``overwritten`` version, with the sync token (its number on the server)
    that wrote it: with the pushing desktop's own (``PushAnswer.equipo``), the two desktops a
    «cambio» conflict is listed on. A server that does not say: none."""

    autor: NotRequired[int]


class PushRow(TypedDict):
    """One row of a push batch. ``base_seq``: the server sequence of the version the desktop
    last saw (0: never synced); the server answers a version it did not see as a conflict."""

    table: str
    uuid: str
    version: int
    updated_at: str
    deleted: bool
    base_seq: int
    data: dict[str, Any]


class PulledRow(Conflict):
    table: str
    uuid: str


class PulledGroup(TypedDict):
    """Pulled rows of one table whose ``data`` give the same columns, column by column (a pull
    page's ``grupos`` when the desktop asks for ``formato=columnas``): each envelope field as
    a list, and ``values`` one list per name of ``columns``. A page has no dict per row to
    write and parse: half the bytes of ``rows``, parsed in a third of the time."""

    table: str
    uuid: list[str]
    seq: list[int]
    version: list[int]
    updated_at: list[str]
    deleted: list[bool]
    columns: list[str]
    values: list[list[Any]]
    # Each row's content fingerprint (``domain/contenido.py``) as the server keeps it, null
    # where it is not sure of it; absent from a server that sends none. A desktop keeps it
    # with the row's state for its content check, only where the group's columns are all of
    # its own (``services/sync/apply.py``).
    huella: NotRequired[list[int | None]]


class PushResult(TypedDict):
    table: str
    uuid: str
    version: int
    seq: int
    overwritten: Sobrescrita | None
    # A row the server refused (a domain rule it breaks, in Spanish): not stored, seq 0.
    rechazo: NotRequired[str]
    # The content fingerprint of the row as the desktop sent it (``domain/contenido.py``),
    # where the server wrote it; absent: not written now (already there), or a server that
    # sends none. The desktop keeps it with the row's state (``record_push_results``).
    huella: NotRequired[int]
    # The refused row only waits (its parent is not on the server yet): the desktop sends it
    # again later and keeps no conflict of it. A desktop that does not know it keeps one.
    espera: NotRequired[bool]


class PushAnswer(TypedDict):
    results: list[PushResult]
    cursor: int  # the company's last sequence after the batch
    # The pushing desktop's sync token, by its number on the server: which desktop it is to
    # the conflicts of its company (``Conflict.autor``).
    equipo: NotRequired[int]


class PullPage(TypedDict):
    """Rows with ``seq`` > since in sequence order; a page shorter than the limit is the last.
    ``remaining``: an estimate of the rows still to pull (the company's last sequence minus the
    cursor, an upper bound; counting them made a full pull quadratic)."""

    rows: list[PulledRow]
    cursor: int
    remaining: int
    grupos: NotRequired[list[PulledGroup]]  # the rows column by column (``formato=columnas``)
    # Asked for (``resumen=1``), on the last page: the company's checksums at its cursor, or
    # None while pushes past it are still to commit. Absent: the server sends none (ask it
    # ``/v1/resumen``).
    resumen: NotRequired[Resumen | None]
    # Asked for (``contar=1``, a pull's first page): the rows after ``since`` counted in the
    # page's snapshot, this page's included (what a clerk watches: «Recibidos N de M»).
    # Absent: the server counted none (``remaining`` is then the only, estimated, figure).
    total: NotRequired[int]


class TableSummary(TypedDict):
    renglones: int
    suma: str  # the sum of row_hash over the table, as text: it outgrows a JSON-safe integer


class Resumen(TypedDict):
    cursor: int
    tablas: dict[str, TableSummary]
    # Which history of the server's database the sums are of (PostgreSQL): another one after
    # the server was restored from a backup. Absent from a server that tells none.
    historia: NotRequired[str]
    # The last write to the company's rows made outside a push (an administrator's SQL),
    # counted by the server: another one since a desktop last compared means the server changed.
    ediciones: NotRequired[int]
    # The company's last sequence (``cursor`` may be a pulled page's, past it when the server's
    # rows went back to an older copy: a desktop pulled numbers it no longer has).
    ultimo: NotRequired[int]


# --- writing it ----------------------------------------------------------------------------------


def version(number: int, updated_at: datetime, deleted: bool, data: dict[str, Any]) -> Version:
    return {
        "version": number,
        "updated_at": updated_at.isoformat(),
        "deleted": deleted,
        "data": data,
    }


def conflict(seq: int, lost: Version) -> Conflict:
    return {
        "seq": seq,
        "version": lost["version"],
        "updated_at": lost["updated_at"],
        "deleted": lost["deleted"],
        "data": lost["data"],
    }


def sobrescrita(seq: int, lost: Version, autor: int | None) -> Sobrescrita:
    """A version a push overwrote, with the sync token that wrote it (None: not known)."""
    found: Sobrescrita = {
        "seq": seq,
        "version": lost["version"],
        "updated_at": lost["updated_at"],
        "deleted": lost["deleted"],
        "data": lost["data"],
    }
    if autor is not None:
        found["autor"] = autor
    return found


def loser(row: PulledRow) -> Conflict:
    """A pulled row kept as a conflict (a «duplicado», an «invalido»): its version and seq."""
    return conflict(row["seq"], row)


def pulled_row(table: str, row_uuid: str, seq: int, current: Version) -> PulledRow:
    return {"table": table, "uuid": row_uuid, "seq": seq, **current}


def push_row(
    table: str,
    row_uuid: str,
    number: int,
    updated_at: datetime,
    deleted: bool,
    base_seq: int,
    data: dict[str, Any],
) -> PushRow:
    return {
        "table": table,
        "uuid": row_uuid,
        "version": number,
        "updated_at": updated_at.isoformat(),
        "deleted": deleted,
        "base_seq": base_seq,
        "data": data,
    }


def push_body(batch_id: str, rows: list[bytes]) -> bytes:
    """A push batch as UTF-8 JSON, from rows already encoded (the JSON bytes of each
    ``PushRow``): the desktop sizes its batches by those bytes and encodes each row once."""
    return b'{"batch_id":%s,"rows":[%s]}' % (json.dumps(batch_id).encode(), b",".join(rows))


def push_result(
    table: str,
    row_uuid: str,
    number: int,
    seq: int,
    overwritten: Sobrescrita | None,
    rechazo: str = "",
    espera: bool = False,
    huella: int | None = None,
) -> PushResult:
    result: PushResult = {
        "table": table,
        "uuid": row_uuid,
        "version": number,
        "seq": seq,
        "overwritten": overwritten,
    }
    if rechazo:
        result["rechazo"] = rechazo
    if espera:
        result["espera"] = True
    if huella is not None:
        result["huella"] = huella
    return result


def push_answer(results: list[PushResult], cursor: int) -> PushAnswer:
    return {"results": results, "cursor": cursor}


def pull_page(
    rows: list[PulledRow], cursor: int, remaining: int, grupos: list[PulledGroup] | None = None
) -> PullPage:
    page: PullPage = {"rows": rows, "cursor": cursor, "remaining": remaining}
    if grupos is not None:  # (a page of rows says nothing of groups, as before them)
        page["grupos"] = grupos
    return page


# The fields of a pulled row besides its table and data, as a PulledGroup lists them.
ENVELOPE = ("uuid", "seq", "version", "updated_at", "deleted")


def pulled_groups(
    rows: Iterable[tuple[Any, ...]],
) -> list[PulledGroup]:
    """(table, uuid, seq, version, updated_at, deleted, data) rows, in sequence order, as
    PulledGroups: one per table and set of data columns, each in the rows' order. A row may
    carry its content fingerprint last (the group's ``huella``)."""
    members: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    for row in rows:
        members.setdefault((row[0], tuple(row[6])), []).append(row)
    groups: list[PulledGroup] = []
    for (table, columns), found in members.items():
        _tables, uuids, seqs, versions, stamps, deleted, datas, *kept = map(
            list, zip(*found, strict=True)
        )
        group: PulledGroup = {
            "table": table,
            "uuid": uuids,
            "seq": seqs,
            "version": versions,
            "updated_at": list(map(datetime.isoformat, stamps)),
            "deleted": deleted,
            "columns": list(columns),
            # The group's dicts share their keys in one order (its key): transposed by
            # zip, in C, a tenth of the time of an itemgetter per column.
            "values": list(map(list, zip(*map(dict.values, datas), strict=True)))
            if columns
            else [],
        }
        if kept:
            group["huella"] = kept[0]
        groups.append(group)
    return groups


def groups_of_rows(rows: Iterable[PulledRow]) -> list[PulledGroup]:
    """Whole rows (as a conflict or a row waiting for its parent keeps them) as PulledGroups:
    one per table and set of data columns, each in the rows' order."""
    members: dict[tuple[str, tuple[str, ...]], list[PulledRow]] = {}
    for row in rows:
        members.setdefault((row["table"], tuple(row["data"])), []).append(row)
    return [
        {
            "table": table,
            "uuid": [row["uuid"] for row in found],
            "seq": [row["seq"] for row in found],
            "version": [row["version"] for row in found],
            "updated_at": [row["updated_at"] for row in found],
            "deleted": [row["deleted"] for row in found],
            "columns": list(columns),
            "values": [[row["data"][name] for row in found] for name in columns],
        }
        for (table, columns), found in members.items()
    ]


def group_row(group: PulledGroup, i: int) -> PulledRow:
    """The ``i``-th row of a group, whole."""
    data = {name: values[i] for name, values in zip(group["columns"], group["values"], strict=True)}
    return {
        "table": group["table"],
        "uuid": group["uuid"][i],
        "seq": group["seq"][i],
        "version": group["version"][i],
        "updated_at": group["updated_at"][i],
        "deleted": group["deleted"][i],
        "data": data,
    }


def group_rows(group: PulledGroup) -> list[PulledRow]:
    """Every row of a group, whole, in its order."""
    return [group_row(group, i) for i in range(len(group["uuid"]))]


def page_size(page: PullPage) -> int:
    """How many rows a page brings, in ``rows`` and in ``grupos``."""
    return len(page["rows"]) + sum(len(group["uuid"]) for group in page.get("grupos", ()))


def table_summary(rows: int, total: int) -> TableSummary:
    return {"renglones": rows, "suma": str(int(total))}


def resumen(cursor: int, tablas: dict[str, TableSummary], historia: str = "") -> Resumen:
    found: Resumen = {"cursor": cursor, "tablas": tablas}
    if historia:
        found["historia"] = historia
    return found


# --- reading the server's answers (the desktop) ---------------------------------------------


def read_push_answer(answer: Mapping[str, Any]) -> PushAnswer:
    """Each result must say its row's table, uuid, version and sequence (the desktop records
    them as they are)."""
    results, cursor = answer.get("results"), answer.get("cursor")
    if not isinstance(results, list) or not isinstance(cursor, int):
        raise WireError("push")
    for result in results:
        if not isinstance(result, dict) or not result.keys() >= _RESULT_KEYS:
            raise WireError("push")
    read = push_answer(results, cursor)
    equipo = answer.get("equipo")
    if type(equipo) is int:
        read["equipo"] = equipo
    return read


_RESULT_KEYS = frozenset({"table", "uuid", "version", "seq"})


def read_pull_page(answer: Mapping[str, Any], since: int | None = None) -> PullPage:
    """A page of ``grupos`` (the desktop asks for ``formato=columnas``; a server that answers
    a dict per row only does not speak this desktop's protocol). ``since``: the cursor asked
    from, kept when the page names none. A table's repair pull passes None: its page must
    name the cursor, and it reads no ``remaining``. Each group must have every list as long
    as its uuids and the envelope's types (a value out of place would land in another row or
    column)."""
    cursor = answer.get("cursor", since)
    remaining = answer.get("remaining") if since is not None else 0
    grupos = answer.get("grupos")
    if not isinstance(remaining, int) or not isinstance(cursor, int):
        raise WireError("pull")
    if not isinstance(grupos, list) or not all(map(_fits_group, grupos)):
        raise WireError("pull")
    page = pull_page([], cursor, remaining, grupos)
    if "resumen" in answer:
        summary = answer["resumen"]
        if summary is not None and not isinstance(summary, dict):
            raise WireError("pull")
        page["resumen"] = None if summary is None else read_resumen(summary)
    if "total" in answer:
        total = answer["total"]
        if type(total) is not int or total < 0:
            raise WireError("pull")
        page["total"] = total
    return page


# Per envelope field of a PulledGroup: the type of its values (a bool is not an int here).
_ENVELOPE_TYPES = (str, int, int, str, bool)


def _fits_group(group: Any) -> bool:
    if not isinstance(group, dict) or not isinstance(group.get("table"), str):
        return False
    columns, values = group.get("columns"), group.get("values")
    lists: list[Any] = [group.get(name) for name in ENVELOPE]
    if not isinstance(columns, list) or not isinstance(values, list):
        return False
    if not all(isinstance(column, list) for column in (*lists, *values)):
        return False
    if set(map(type, columns)) - {str} or len(set(columns)) != len(columns):
        return False
    count = len(lists[0])
    if len(values) != len(columns) or any(len(column) != count for column in (*lists, *values)):
        return False
    return all(
        set(map(type, found)) <= {kind} for found, kind in zip(lists, _ENVELOPE_TYPES, strict=True)
    )


def read_resumen(answer: Mapping[str, Any]) -> Resumen:
    tablas, cursor = answer.get("tablas"), answer.get("cursor")
    if not isinstance(tablas, dict) or not isinstance(cursor, int):
        raise WireError("resumen")
    historia, ediciones = answer.get("historia"), answer.get("ediciones")
    found = resumen(cursor, tablas, historia if isinstance(historia, str) else "")
    if isinstance(ediciones, int):
        found["ediciones"] = ediciones
    ultimo = answer.get("ultimo")
    if isinstance(ultimo, int) and not isinstance(ultimo, bool):
        found["ultimo"] = ultimo
    return found


def summary_differs(theirs: Mapping[str, Any], rows: int, total: int) -> bool:
    """Whether the server's summary of a table (``{}``: it has none) is not this one. Sums
    compare modulo ``SUM_MODULUS``: a desktop keeps its own so (store/sumas.py)."""
    try:
        their_total = int(theirs.get("suma", "0"))
    except (TypeError, ValueError):
        return True
    mine = (rows, total % SUM_MODULUS)
    return mine != (theirs.get("renglones", 0), their_total % SUM_MODULUS)


# --- column values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codec:
    """How one column type travels. ``encode`` and ``decode`` take non-null values (None is
    null on the wire for every type); ``decode`` raises TypeError/ValueError for a JSON value
    that does not fit. ``plain``: the JSON value is the Python value (nothing to encode)."""

    kind: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    plain: bool


def _same(value: Any) -> Any:
    return value


def _iso(value: date) -> str:
    return value.isoformat()


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("se esperaba texto")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("se esperaba un entero")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("se esperaba verdadero/falso")
    return value


def _datetime(value: Any) -> datetime:
    return datetime.fromisoformat(str(value)).replace(tzinfo=None)


def _date(value: Any) -> date:
    return date.fromisoformat(str(value))


def _bytes(value: Any) -> bytes:
    return base64.b64decode(str(value), validate=True)


TEXT = Codec("texto", _same, _text, plain=True)
INTEGER = Codec("entero", _same, _integer, plain=True)
BOOLEAN = Codec("booleano", _same, _boolean, plain=True)
DATE = Codec("fecha", _iso, _date, plain=False)
DATETIME = Codec("fecha_hora", _iso, _datetime, plain=False)
BYTES = Codec("bytes", _base64, _bytes, plain=False)
CODECS = (TEXT, INTEGER, BOOLEAN, DATE, DATETIME, BYTES)


def encode_value(value: Any) -> Any:
    """Any column value as it travels, whatever its column (the codecs' encodings in one)."""
    if value is None:
        return None
    if isinstance(value, date):  # datetime too (a subclass)
        return value.isoformat()
    if isinstance(value, bytes):
        return _base64(value)
    return value


def row_hash(row_uuid: str, version: int) -> int:
    """One row's part of a table checksum (desktop and server sum these over a table): 60 bits
    of md5("uuid:version")."""
    return hash_sum([f"{row_uuid}:{version}"])


BUCKETS = 4096
# A desktop keeps its sums modulo this (below SQLite's 64-bit integers when one more is added).
SUM_MODULUS = 1 << 60


def bucket_of(row_uuid: str) -> int:
    """The bucket of a row's checksum: its uuid's last three hex digits (random in version 4
    and 7 uuids, so buckets fill evenly). PostgreSQL: ``('x' || right(uuid, 3))::bit(12)::int``."""
    return int(row_uuid[-3:], 16)


def hash_sum(keys: Iterable[str]) -> int:
    """The sum of ``row_hash`` over rows given as their "uuid:version" texts, in C loops (a
    Python call per row was most of a 100,000-row check)."""
    return sum(_hashes(keys))


def row_hashes(keys: Iterable[str]) -> list[int]:
    """``row_hash`` of each row given as its "uuid:version" text, in C loops."""
    return list(_hashes(keys))


def _hashes(keys: Iterable[str]) -> Iterator[int]:
    digests = map(_HEXDIGEST, map(hashlib.md5, map(str.encode, keys)))
    return map(int, map(_FIRST_60_BITS, digests), repeat(16))


_HEXDIGEST = methodcaller("hexdigest")
_FIRST_60_BITS = itemgetter(slice(0, 15))


__all__ = [
    "BOOLEAN",
    "BYTES",
    "CODECS",
    "DATE",
    "DATETIME",
    "ENVELOPE",
    "INTEGER",
    "PROTOCOL",
    "PROTOCOL_HEADER",
    "SCHEMA_HEADER",
    "SEPOMEX_BASE_HEADER",
    "SEPOMEX_FECHA_HEADER",
    "SEPOMEX_HEADER",
    "SUM_MODULUS",
    "TEXT",
    "Codec",
    "Conflict",
    "PullPage",
    "PulledGroup",
    "PulledRow",
    "PushAnswer",
    "PushResult",
    "PushRow",
    "Resumen",
    "Sobrescrita",
    "TableSummary",
    "Version",
    "WireError",
    "conflict",
    "encode_value",
    "group_row",
    "group_rows",
    "groups_of_rows",
    "hash_sum",
    "loser",
    "newer_schema",
    "page_size",
    "pull_page",
    "pulled_groups",
    "pulled_row",
    "push_answer",
    "push_body",
    "push_result",
    "push_row",
    "read_pull_page",
    "read_push_answer",
    "read_resumen",
    "resumen",
    "row_hash",
    "row_hashes",
    "sobrescrita",
    "summary_differs",
    "table_summary",
    "version",
]
