"""The domain rules the app applies to its own writes, applied again to the rows pushed to the
server: a row that breaks one (an NSS whose check digit is wrong, inserted into a desktop's file
outside the app) is refused with the rule's own Spanish message and stored nowhere, so it reaches
no other desktop. The pushing desktop keeps it, with that message, as a conflict of its own.

Only rules a row written by the app always meets (the identifiers' own check digits), never
one that depends on when it is checked (a date «in the future»)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_nss, todos_nss_ok
from icsoe_desktop.sync_server.protocol import PushRequest

log = logging.getLogger(__name__)

# Per synced table, per column: the domain's check (raises a Spanish ValidationError).
RULES: dict[str, dict[str, Callable[[str], object]]] = {
    "movimientos": {"nss": check_nss},
    "icsoe_contrato_trabajadores": {"nss": check_nss},
}

# A refused row's result as a push keeps it: table, uuid, version, seq 0, no conflict, why,
# and whether it only waits (``exclusivas.py``: sent again later, no conflict of its own).
Refused = tuple[str, str, int, int, None, str, bool]


def _why(table: str, data: dict[str, Any]) -> str:
    for column, rule in RULES.get(table, {}).items():
        value = data.get(column)
        if value is None:  # not sent (a desktop that does not know the column)
            continue
        try:
            rule(str(value))
        except ValidationError as exc:
            return exc.message
    return ""


# Per rule, what tells at once that a whole batch's values pass it (``all_pass``): a batch
# whose values all pass needs no call per row.
ALL_AT_ONCE: dict[Callable[[str], object], Callable[[list[str]], bool]] = {
    check_nss: todos_nss_ok,  # 11 ASCII digits with their Luhn digit: check_nss passes them
}


def all_pass(request: PushRequest) -> bool:
    """Whether every row of ``request`` meets every rule, told per rule for all its values at
    once; False: some may not (each row is then checked by itself)."""
    values: dict[Callable[[str], object], list[str]] = {}
    for row in request.rows:
        rules = RULES.get(row.table)
        if not rules or row.deleted:
            continue
        for column, rule in rules.items():
            value = row.data.get(column)
            if value is not None:
                values.setdefault(rule, []).append(value if type(value) is str else str(value))
    return all(rule in ALL_AT_ONCE and ALL_AT_ONCE[rule](found) for rule, found in values.items())


def apart(request: PushRequest) -> tuple[PushRequest, list[Refused]]:
    """``request`` without the rows a domain rule refuses, and their results. A removed row
    (a tombstone, a row marked deleted) is not checked: it shows nowhere."""
    if all_pass(request):
        return request, []
    refused: list[Refused] = []
    kept: list[int] = []
    for i, row in enumerate(request.rows):
        why = "" if row.deleted or row.table not in RULES else _why(row.table, row.data)
        if why:
            refused.append((row.table, row.uuid, row.version, 0, None, why, False))
        else:
            kept.append(i)
    if not refused:
        return request, []
    log.warning("Renglones rechazados por las reglas del dominio: %d", len(refused))
    return sin(request, kept), refused


def sin(request: PushRequest, kept: list[int]) -> PushRequest:
    """``request`` with its rows ``kept`` (indexes, in order) only."""
    data_json = request.data_json
    return dataclasses.replace(
        request,
        rows=[request.rows[i] for i in kept],
        data_json=None if data_json is None else [data_json[i] for i in kept],
    )


__all__ = ["RULES", "Refused", "apart", "sin"]
