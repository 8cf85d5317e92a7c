"""The server's strict checks of what a desktop sends: anything malformed is a 4xx with a reason
(Spanish and English), never an exception that would become a 500.

The shapes themselves (a push batch's ``PushRow``, the pull page, the answers) are
``domain/sync_wire.py``, shared with the desktop; the tables and their secret fields,
``domain/sync_registry.py``. A checked push row is a ``PushRow`` named tuple here, its
``updated_at`` read as a naive UTC datetime.
"""

from __future__ import annotations

import json
import math
import re
import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, repeat
from operator import attrgetter, itemgetter, methodcaller
from typing import Any, NamedTuple

import orjson

from icsoe_desktop.domain import sync_tree
from icsoe_desktop.domain.sync_registry import SYNCED, TableSpec, spec
from icsoe_desktop.domain.sync_wire import BUCKETS, PROTOCOL, PROTOCOL_HEADER, SCHEMA_HEADER
from icsoe_desktop.domain.texts import plural

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_BATCH_ROWS = 5000  # announced in /v1/estado (a desktop sends batches this big)
MAX_PULL_ROWS = 5000
MAX_VERSION = 2**31 - 1
MAX_SEQ = 2**62
# One value: a base64 certificate is a few KB; a SISUB PDF up to 5 MiB (services/sisub/pdfs.py),
# 6.7 MB as base64, within a request of MAX_BODY_BYTES.
MAX_TEXT = 7 * 1024 * 1024
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CANONICAL = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CANONICAL_UUID = re.compile(_CANONICAL)
_CANONICAL_UUIDS = re.compile(rf"(?:{_CANONICAL},)*")  # a batch's, joined by (and ending in) ","
_ASCII_DIGITS = re.compile(r"[0-9]+")
_BAD_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
# Every digit as "0", any other byte as " ": a run of 19 digits (an integer past 63 bits needs
# one) is then found by ``in``, in C (a regular expression took ten times as long).
_DIGITS_AS_ZEROS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_NUMBER = b"0" * 19
# The protocols this server speaks: 1, a desktop that names none; 2, one that sends its schema
# and reads pages of columns only (domain/sync_wire.py).
PROTOCOLS = range(1, PROTOCOL + 1)
_SCHEMA = re.compile(r"[0-9]{4}_[a-z0-9_]{1,59}")


class ProtocolError(Exception):
    def __init__(self, status: int, code: str, mensaje: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.mensaje = mensaje
        self.message = message

    def body(self) -> dict[str, str]:
        return {"error": self.code, "mensaje": self.mensaje, "message": self.message}


def invalid(mensaje: str, message: str, code: str = "solicitud_invalida") -> ProtocolError:
    return ProtocolError(422, code, mensaje, message)


def too_large(limit: int) -> ProtocolError:
    return ProtocolError(
        413,
        "solicitud_demasiado_grande",
        f"La solicitud excede el tamaño máximo de {limit} bytes: envía lotes más pequeños.",
        f"Request body exceeds {limit} bytes: send smaller batches.",
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON here")


def parse_json(body: bytes, exact: bool = True) -> Any:
    """The body's JSON. ``exact`` False: orjson only (a fourth of json's time), which reads an
    integer past 64 bits as a float; ``parse_push_body`` reads such a body again exactly."""
    try:
        # What orjson refuses (a lone surrogate escape, a BOM…) goes through json, as before,
        # so the answer to odd input does not change.
        if not exact:
            return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(
            400,
            "json_invalido",
            "El cuerpo de la solicitud no es JSON válido (UTF-8).",
            "Request body is not valid JSON (UTF-8).",
        ) from exc


class _Inexact(Exception):
    """A value orjson may have read inexactly: a float as large as an integer past 64 bits."""


class PushRow(NamedTuple):
    """A ``sync_wire.PushRow`` that passed the checks. (A named tuple: a fifth of a frozen
    dataclass's time to make, 100,000 times in a big push.)"""

    table: str
    uuid: str
    version: int
    updated_at: datetime
    deleted: bool
    base_seq: int
    data: dict[str, Any]


@dataclass(frozen=True)
class PushRequest:
    batch_id: str
    rows: list[PushRow]
    # Each row's ``data`` as JSON, when the checks wrote it (``_plain_rows``): what the
    # database keeps. None: ``push`` writes it.
    data_json: list[str] | None = None


def _int(value: Any, low: int, high: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(
            f"{where}: se esperaba un entero entre {low} y {high}.",
            f"{where}: expected an integer between {low} and {high}.",
        )
    return value


def _text_ok(value: str) -> bool:
    # PostgreSQL text and JSONB refuse NUL; lone surrogates cannot be encoded.
    return "\x00" not in value and len(value) <= MAX_TEXT and _encodable(value)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def may_hold_bad_text(body: bytes) -> bool:
    """Whether a JSON body could decode to a string with NUL or a lone surrogate: only a \\u
    escape can make one (json refuses raw control characters, UTF-8 decoding refuses encoded
    surrogates). Without one, each value needs no scan of its own: the parse takes a third of
    the time."""
    return _BAD_ESCAPE.search(body) is not None


def _bad_value(where: str, key: str) -> ProtocolError:
    return invalid(
        f"{where}.data.{key}: sólo se admiten texto, números, verdadero/falso o null.",
        f"{where}.data.{key}: only strings, numbers, booleans or null are accepted.",
    )


def _uuid(raw: Any) -> str | None:
    """The UUID in its canonical text (lower case, hyphens), None if it is not one written in
    36 characters."""
    if not isinstance(raw, str) or len(raw) != 36:
        return None
    if _CANONICAL_UUID.fullmatch(raw):
        return raw  # already canonical: a tenth of uuid.UUID's time
    try:
        return str(uuid_module.UUID(raw))
    except ValueError:
        return None


def synced_spec(table: str) -> TableSpec:
    """The spec of ``table``, a name the request's checks found synced (``parse_table``)."""
    found = spec(table)
    assert found is not None, table
    return found


def _data(
    value: Any, table: str, where: str, scan_text: bool = True, exact: bool = True
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{where}.data debe ser un objeto.", f"{where}.data must be an object.")
    secret = synced_spec(table).never_sent
    for key, item in value.items():
        # (JSON object keys are always strings)
        if not isinstance(key, str) or not 0 < len(key) <= 64 or (scan_text and not _text_ok(key)):
            raise invalid(f"{where}.data: nombre de campo inválido.", f"{where}.data: bad key.")
        if key in secret:
            raise invalid(
                f"{where}.data.{key}: este campo es secreto y nunca se sincroniza.",
                f"{where}.data.{key}: this field is secret and is never synced.",
                "campo_secreto",
            )
        kind = type(item)
        if kind is str:
            if len(item) > MAX_TEXT or (scan_text and not _text_ok(item)):
                raise _bad_value(where, key)
        elif kind is int:
            if abs(item) >= 2**63:
                raise _bad_value(where, key)
        elif kind is float:
            if not math.isfinite(item):
                raise _bad_value(where, key)
            if not exact and abs(item) >= 2**63:
                raise _Inexact  # maybe an integer, which json reads as one (and refuses)
        elif item is not None and kind is not bool:
            raise _bad_value(where, key)
    return value


def _row(value: Any, where: str, scan_text: bool = True, exact: bool = True) -> PushRow:
    if not isinstance(value, dict):
        raise invalid(f"{where} debe ser un objeto.", f"{where} must be an object.")
    table = value.get("table")
    if not isinstance(table, str) or spec(table) is None:
        raise invalid(
            f"{where}.table: tabla desconocida.",
            f"{where}.table: unknown table.",
            "tabla_desconocida",
        )
    row_uuid = _uuid(value.get("uuid"))
    if row_uuid is None:
        raise invalid(f"{where}.uuid: UUID inválido.", f"{where}.uuid: invalid UUID.")
    raw_date = value.get("updated_at")
    try:
        if not isinstance(raw_date, str) or len(raw_date) > 40:
            raise ValueError(raw_date)
        updated = datetime.fromisoformat(raw_date)
        if updated.tzinfo is not None:
            updated = updated.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:
        raise invalid(
            f"{where}.updated_at: fecha ISO 8601 inválida.", f"{where}.updated_at: bad ISO date."
        ) from exc
    deleted = value.get("deleted")
    if not isinstance(deleted, bool):
        raise invalid(
            f"{where}.deleted: se esperaba verdadero o falso.", f"{where}.deleted: expected a bool."
        )
    return PushRow(
        table=table,
        uuid=row_uuid,
        version=_int(value.get("version"), 1, MAX_VERSION, f"{where}.version"),
        updated_at=updated,
        deleted=deleted,
        base_seq=_int(value.get("base_seq", 0), 0, MAX_SEQ, f"{where}.base_seq"),
        data=_data(value.get("data"), table, where, scan_text, exact),
    )


_TABLE, _UUID, _VERSION, _UPDATED_AT, _DELETED, _DATA = map(
    itemgetter, ("table", "uuid", "version", "updated_at", "deleted", "data")
)
_BASE_SEQ = methodcaller("get", "base_seq", 0)
_TZINFO = attrgetter("tzinfo")
_SYNCED_NAMES = frozenset(t.name for t in SYNCED)
_PLAIN_VALUES = frozenset({str, int, bool, type(None)})


def _plain_keys(table: str, keys: tuple[str, ...]) -> bool:
    """Whether a row of ``table`` with these keys passes ``_data``'s checks of its keys."""
    never_sent = synced_spec(table).never_sent
    return all(
        isinstance(key, str) and 0 < len(key) <= 64 and _text_ok(key) and key not in never_sent
        for key in keys
    )


def _all_of(values: list[Any], kind: type) -> bool:
    return set(map(type, values)) == {kind}


def _plain_rows(
    rows: list[Any], long_numbers: bool = True
) -> tuple[list[PushRow], list[str]] | None:
    """The batch's rows checked column by column, each check one C loop over the whole batch
    (per row and value in Python, the checks cost twice the JSON parse), and each row's
    ``data`` as JSON. None when any check fails or a row holds anything out of the ordinary
    (a float, a time zone, a non-canonical UUID, a long text…): then ``_row`` checks each row
    and gives the answer, accepted or which row is wrong and why. Only for a body with no
    \\u escape that could make a bad string (``may_hold_bad_text``). ``long_numbers`` False:
    the body holds no run of 19 digits, so no integer here can be out of 64-bit range."""
    try:
        if not rows or not _all_of(rows, dict):
            return None
        tables = list(map(_TABLE, rows))
        if not _SYNCED_NAMES.issuperset(tables):
            return None
        uuids = list(map(_UUID, rows))
        if not _all_of(uuids, str) or not _CANONICAL_UUIDS.fullmatch(",".join(uuids) + ","):
            return None
        if len(set(zip(tables, uuids, strict=True))) != len(rows):
            return None  # a row repeated
        versions = list(map(_VERSION, rows))
        base_seqs = list(map(_BASE_SEQ, rows))
        if not (_all_of(versions, int) and min(versions) >= 1 and max(versions) <= MAX_VERSION):
            return None
        if not (_all_of(base_seqs, int) and min(base_seqs) >= 0 and max(base_seqs) <= MAX_SEQ):
            return None
        deleted = list(map(_DELETED, rows))
        raw_dates = list(map(_UPDATED_AT, rows))
        if not (_all_of(deleted, bool) and _all_of(raw_dates, str)):
            return None
        if max(map(len, raw_dates)) > 40:
            return None
        dates = list(map(datetime.fromisoformat, raw_dates))
        if set(map(_TZINFO, dates)) != {None}:
            return None
        datas = list(map(_DATA, rows))
        if not _all_of(datas, dict):
            return None
        # Each table's key sets once (a batch's rows of a table mostly share theirs).
        for table, keys in set(zip(tables, map(tuple, datas), strict=True)):
            if not _plain_keys(table, keys):
                return None
        kinds = set(map(type, chain.from_iterable(map(dict.values, datas))))
        if not _PLAIN_VALUES.issuperset(kinds):
            return None
        if int in kinds and long_numbers:  # (without a long number, every int fits)
            values = chain.from_iterable(map(dict.values, datas))
            ints = [value for value in values if type(value) is int]
            if not (min(ints) > -(2**63) and max(ints) < 2**63):
                return None
        # A row's JSON is at least as long as its longest text.
        data_json = list(map(bytes.decode, map(orjson.dumps, datas)))
        if max(map(len, data_json)) > MAX_TEXT:
            return None
    except (KeyError, TypeError, ValueError, OverflowError, orjson.JSONEncodeError):
        return None
    # (tuple.__new__ makes each PushRow in C: a third of the time of calling PushRow)
    fields = zip(tables, uuids, versions, dates, deleted, base_seqs, datas, strict=True)
    return list(map(tuple.__new__, repeat(PushRow), fields)), data_json


def parse_push(
    payload: Any,
    max_rows: int = MAX_BATCH_ROWS,
    scan_text: bool = True,
    exact: bool = True,
    long_numbers: bool = True,
) -> PushRequest:
    """``scan_text`` False: the body held no \\u escape that could make a bad string (see
    ``may_hold_bad_text``). ``exact`` False: ``payload`` was read by orjson, and a float that
    may have been an integer past 64 bits raises ``_Inexact``."""
    if not isinstance(payload, dict):
        raise invalid("Se esperaba un objeto JSON.", "Expected a JSON object.")
    batch_id = payload.get("batch_id")
    if not isinstance(batch_id, str) or not _BATCH_ID.match(batch_id):
        raise invalid(
            "batch_id: de 1 a 64 letras, números, '-' o '_'.",
            "batch_id: 1 to 64 letters, digits, '-' or '_'.",
        )
    rows = payload.get("rows")
    if not isinstance(rows, list):
        raise invalid("rows debe ser una lista.", "rows must be a list.")
    if len(rows) > max_rows:
        raise ProtocolError(
            413,
            "lote_demasiado_grande",
            f"El lote tiene {plural(len(rows), 'renglón', 'renglones')}; el máximo es {max_rows}.",
            f"Batch has {len(rows)} rows; the maximum is {max_rows}.",
        )
    plain = None if scan_text else _plain_rows(rows, long_numbers)
    if plain is not None:
        return PushRequest(batch_id, *plain)
    parsed = [_row(row, f"rows[{i}]", scan_text, exact) for i, row in enumerate(rows)]
    keys = {(r.table, r.uuid) for r in parsed}
    if len(keys) != len(parsed):
        raise invalid(
            "El lote repite un renglón (misma tabla y UUID).",
            "The batch repeats a row (same table and UUID).",
        )
    return PushRequest(batch_id, parsed)


def parse_push_body(body: bytes, max_rows: int = MAX_BATCH_ROWS) -> PushRequest:
    """A push body read and checked: by orjson, unless it holds a float as large as an
    integer past 64 bits (orjson reads those integers as floats): then by json, whose answer
    (such an integer refused) it always got."""
    scan_text = may_hold_bad_text(body)
    long_numbers = _LONG_NUMBER in body.translate(_DIGITS_AS_ZEROS)
    try:
        payload = parse_json(body, exact=False)
        return parse_push(payload, max_rows, scan_text, exact=False, long_numbers=long_numbers)
    except _Inexact:
        return parse_push(parse_json(body), max_rows, scan_text)


def parse_table(params: Any) -> str | None:
    """The synced table a request names in ``tabla`` (None: it names none)."""
    table = params.get("tabla")
    if table is not None and (not isinstance(table, str) or spec(table) is None):
        raise invalid("tabla: tabla desconocida.", "tabla: unknown table.", "tabla_desconocida")
    return table


def parse_buckets(params: Any, table: str | None) -> list[int] | None:
    """The buckets of uuids (``cubetas``: numbers separated by commas) a repair pull asks for,
    of one ``tabla``; None: every row."""
    raw = params.get("cubetas")
    if raw is None:
        return None
    found = raw.split(",") if isinstance(raw, str) and len(raw) <= 5 * 4096 else None
    if table is None or not found or not all(_ASCII_DIGITS.fullmatch(b) for b in found):
        raise invalid(
            "cubetas: números separados por comas, con tabla.",
            "cubetas: numbers separated by commas, with tabla.",
        )
    buckets = sorted({int(b) for b in found})
    if buckets[-1] >= BUCKETS:
        raise invalid(f"cubetas: menores que {BUCKETS}.", f"cubetas: below {BUCKETS}.")
    return buckets


MAX_NODES = 1000  # nodes of the uuids' tree a repair asks about in one request


def parse_nodes(params: Any, table: str | None) -> list[str] | None:
    """The nodes of the uuids' tree (``sufijos``: a uuid's last 3 to 12 hex digits, separated
    by commas, ``domain/sync_tree.py``) a repair asks about, of one ``tabla``; None: none
    asked."""
    raw = params.get("sufijos")
    if raw is None:
        return None
    found = raw.split(",") if isinstance(raw, str) and len(raw) <= 13 * MAX_NODES else None
    if table is None or not found or not all(map(sync_tree.is_node, found)):
        raise invalid(
            "sufijos: finales de uuid (3 a 12 dígitos hexadecimales en minúsculas) separados "
            "por comas, con tabla.",
            "sufijos: uuid ends (3 to 12 lowercase hex digits) separated by commas, with tabla.",
        )
    return sorted(set(found))


MAX_UUIDS = 5000  # rows a repair asks for by uuid in one request


def parse_uuids(body: bytes) -> tuple[str, list[str]]:
    """A repair's request for some rows of one table by uuid: ``{"tabla", "uuids"}``."""
    request = parse_json(body)
    table = request.get("tabla") if isinstance(request, dict) else None
    uuids = request.get("uuids") if isinstance(request, dict) else None
    if not isinstance(table, str) or spec(table) is None:
        raise invalid("tabla: tabla desconocida.", "tabla: unknown table.", "tabla_desconocida")
    if not isinstance(uuids, list) or not 0 < len(uuids) <= MAX_UUIDS:
        raise invalid(f"uuids: de 1 a {MAX_UUIDS} uuids.", f"uuids: from 1 to {MAX_UUIDS} uuids.")
    found = [_uuid(u) for u in uuids]
    if None in found:
        raise invalid("uuids: uuid inválido.", "uuids: invalid uuid.")
    return table, found  # type: ignore[return-value]  # no None left: refused above


def parse_pull(params: Any) -> tuple[int, int, str | None, bool, bool]:
    """``since``, ``limit``, for a desktop repairing one table ``tabla``, whether the rows
    go column by column (``formato=columnas``; ``renglones``, the default: a dict per row),
    and whether the last page carries the company's checksums (``resumen=1``)."""

    def number(name: str, default: int, low: int, high: int) -> int:
        raw = params.get(name)
        if raw is None:
            return default
        # ASCII digits only: str.isdigit() also takes «²», «１» and «١» (int() fails on «²»).
        if not (isinstance(raw, str) and _ASCII_DIGITS.fullmatch(raw) and len(raw) <= 19):
            raise invalid(f"{name}: se esperaba un número.", f"{name}: expected a number.")
        return _int(int(raw), low, high, name)

    table = parse_table(params)
    formato = params.get("formato", "renglones")
    if formato not in ("renglones", "columnas"):
        raise invalid(
            "formato: se esperaba renglones o columnas.", "formato: expected renglones or columnas."
        )
    return (
        number("since", 0, 0, MAX_SEQ),
        number("limit", 1000, 1, MAX_PULL_ROWS),
        table,
        formato == "columnas",
        params.get("resumen") == "1",
    )


def parse_count(params: Any) -> bool:
    """Whether a pull's page also counts every row after ``since`` (``contar=1``: a desktop
    asks on a pull's first page, to show how many rows are coming)."""
    return bool(params.get("contar") == "1")


def parse_versions(headers: Any) -> tuple[int, str | None]:
    """The desktop's protocol (none named: 1) and schema revision (None: not named), from its
    request's headers; a protocol this server does not speak is refused with a message the
    desktop shows (426), never answered as if it were one it knows."""
    raw = headers.get(PROTOCOL_HEADER)
    protocolo = 1
    if raw is not None:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
            raise unsupported_protocol(raw)
        protocolo = int(raw)
        if protocolo not in PROTOCOLS:
            raise unsupported_protocol(raw)
    esquema = headers.get(SCHEMA_HEADER)
    if esquema is not None and not _SCHEMA.fullmatch(esquema):
        raise invalid(
            f"{SCHEMA_HEADER}: se esperaba la revisión del esquema (por ejemplo 0016_nombre).",
            f"{SCHEMA_HEADER}: expected a schema revision (e.g. 0016_name).",
        )
    return protocolo, esquema


def unsupported_protocol(raw: str) -> ProtocolError:
    newer = raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) > PROTOCOLS[-1]
    if newer:
        mensaje = (
            "Este equipo tiene una versión de icsoe-desktop más reciente que la del servidor de "
            f"sincronización (protocolo {raw}; el servidor admite hasta el {PROTOCOLS[-1]}). Pide "
            "al administrador que actualice el servidor. Los cambios de este equipo esperan; no "
            "se pierde nada."
        )
    else:
        mensaje = (
            "El servidor de sincronización ya no admite la versión de icsoe-desktop de este "
            f"equipo (protocolo «{raw[:20]}»). Actualiza icsoe-desktop. Los cambios de este "
            "equipo esperan; no se pierde nada."
        )
    return ProtocolError(
        426,
        "protocolo_no_soportado",
        mensaje,
        f"This server speaks sync protocols {PROTOCOLS[0]} to {PROTOCOLS[-1]}, not {raw[:20]!r}.",
    )
