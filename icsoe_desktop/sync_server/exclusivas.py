"""Rows sync never copies twice (``TableSpec.identidad``: a contratista, whose key is its RFC; a
contratante, whose key is its contratista + RFC; an informativa Normal or Sin información,
whose key is its contratista + periodo, a Normal and a Sin información holding the same one
(``TableSpec.iguales``); a complementaria is not one (``TableSpec.sin_clave``): a period may
have several of one tipo correcting the same informativa; a contract's worker, whose key is its
contract + NSS; the SISUB's PDFs, one per contratista and contract; the guide's layout, one per
CSV; the SISUB report of a period, its data per contract and its workers; the REPSE
registration and its services; the month's evidence documents and the clients' days due): a
pushed one whose key another uuid already holds on the server is refused and stored nowhere,
with a Spanish message naming the RFC, the NSS, or both tipos and the period (the other
tables: their title and what names the row). The pushing
desktop receives the server's at its next pull and adopts it (``services/sync/adopt.py``): its
own becomes the conflict to resolve when it differs.

Two desktops sending a Normal of one period at the same instant: each push takes a
transaction-level lock on each key it sends (a worker's: on its contract) before looking for its
holder, so the second waits for the first's commit and then finds its row (PostgreSQL's read
committed: every statement sees what committed before it began). On SQLite the push holds the
database's write lock from its start. A key held by two uuids already (stored before this
rule) is left as it is: each may still change; no third comes.

The children of a row (a registro's certificate; a contratista's contratantes, informativas,
capturistas' relations, SISUB reports and PDFs, REPSE registration; contracts, their workers)
never reach the server without it: one whose parent (its registro, its contratista, its
informativa, its contratante, its contract, its report or registration) is neither on the
server nor stored by the same push waits (refused
with ``espera``: the desktop keeps it to send again, with no conflict of its own). So does a
contract whose informativa is a Sin información (a desktop's Normal that adopted another
desktop's Sin información of the period, until its clerk keeps the Normal), and its workers
with it. Once its desktop adopted the server's parents, its contract is the server's of the
same key, or a new one under the server's parents, and its workers follow, each adopted or
sent: desktops capturing one informativa at once (each having entered
its contratista, or not) end with one, holding the union of their work.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Iterable
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import (
    SIN_INFORMACION,
    TIPOS,
    Periodo,
)
from icsoe_desktop.domain.sync_registry import SYNCED, TableSpec
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.models import INDICES_POR_CLAVE, ROWS_TABLE
from icsoe_desktop.sync_server.protocol import PushRequest, PushRow
from icsoe_desktop.sync_server.reglas import Refused, sin

log = logging.getLogger(__name__)

# Per table the server holds once by key, its spec and the columns of its key
# (``TableSpec.identidad``). Those only ``unica`` (a contract's workers, one per NSS) are kept
# so by the server alone: a desktop does not receive before sending one (a refused one is
# adopted by the same sync's pull).
POR_CONTRATO = "icsoe_contrato_trabajadores"
SPECS: dict[str, TableSpec] = {spec.name: spec for spec in SYNCED if spec.identidad}
CLAVES: dict[str, tuple[str, ...]] = {name: spec.identidad for name, spec in SPECS.items()}
# Per such table, the column and values of its rows that hold no key (complementarias).
SIN_CLAVE: dict[str, tuple[str, frozenset[str]]] = {
    name: spec.sin_clave for name, spec in SPECS.items() if spec.sin_clave[0]
}
# The tables whose rows belong to rows of another one (parents first): the table, the column
# naming the parent (its uuid on the wire) and the parent's table.
HIJOS: tuple[tuple[str, str, str], ...] = (
    ("certificados_imss", "registro_patronal_id", "registros_patronales"),
    ("icsoe_capturista_relaciones", "contratista_id", "icsoe_contratistas"),
    ("icsoe_capturista_relaciones", "capturista_id", "icsoe_capturistas"),
    ("icsoe_contratantes", "contratista_id", "icsoe_contratistas"),
    ("icsoe_informativas", "contratista_id", "icsoe_contratistas"),
    ("icsoe_contratos", "informativa_id", "icsoe_informativas"),
    ("icsoe_contratos", "contratante_id", "icsoe_contratantes"),
    ("icsoe_contrato_trabajadores", "contrato_id", "icsoe_contratos"),
    ("sisub_reportes", "contratista_id", "icsoe_contratistas"),
    ("sisub_contratos", "contrato_id", "icsoe_contratos"),
    ("sisub_trabajadores", "reporte_id", "sisub_reportes"),
    ("sisub_trabajadores", "contrato_id", "icsoe_contratos"),
    ("sisub_pdfs", "contratista_id", "icsoe_contratistas"),
    ("repse_registros", "contratista_id", "icsoe_contratistas"),
    ("repse_servicios", "registro_id", "repse_registros"),
)
# Per table whose keys are locked by their first columns only: a push of 2,000 workers takes
# one lock per contract, not one per worker (PostgreSQL's lock table holds a few thousand).
BLOQUEO: dict[str, int] = {POR_CONTRATO: 1, "sisub_trabajadores": 1, "repse_servicios": 1}
# The first key of ``pg_advisory_xact_lock(int, int)`` for these locks (the second: the key's
# hash). No other lock of the server's database uses it (db.MIGRATION_LOCK, deriva.COMPACT_LOCK).
LOCK_SPACE = 0x1C50E_E5

ESPERA = (
    "Este renglón espera a que llegue al servidor el dato del que depende (su registro "
    "patronal, su contratista, su informativa, su reporte SISUB…: otro equipo envió antes uno "
    "con la misma clave): se enviará de nuevo; no se pierde nada."
)

Key = tuple[str, ...]


def _exclusive(row: PushRow) -> bool:
    """Whether ``row`` holds a key no other row may (a removed row holds none)."""
    if row.table not in CLAVES or row.deleted:
        return False
    column, values = SIN_CLAVE.get(row.table, ("", frozenset()))
    return row.data.get(column) not in values


def _key(table: str, data: dict[str, Any]) -> Key:
    """A row's key as text (a column not sent, or null, as empty: a Normal complements none;
    a Sin información as a Normal: ``TableSpec.iguales``)."""
    spec = SPECS[table]
    return tuple(
        "" if data.get(name) is None else str(spec.en_clave(name, data[name]))
        for name in CLAVES[table]
    )


def _lock(session: Session, caller: Caller, keys: Iterable[tuple[str, Key]]) -> None:
    """One lock per key, held until the push's transaction ends; taken in one order by every
    push (two pushes sharing two keys wait, never deadlock)."""
    locked = {(table, key[: BLOQUEO.get(table, len(key))]) for table, key in keys}
    for table, key in sorted(locked):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"),
            {"space": LOCK_SPACE, "key": "\x1f".join((str(caller.empresa_id), table, *key))},
        )


def _holders(
    session: Session, caller: Caller, table: str, keys: set[Key]
) -> dict[Key, dict[str, dict[str, Any]]]:
    """Per key, the live server rows of ``table`` holding it (their data by uuid)."""
    rows = ROWS_TABLE.c
    probe = SONDAS.get(table) if session.get_bind().dialect.name == "postgresql" else None
    if probe is not None:
        # By the table's own index (``SONDAS``): each key looked up by one probe, not every
        # row of the company's table read (workers are many; PDFs, registrations, reports
        # and documents weigh megabytes, whose key a scan would parse out of each text).
        queries = [_probes(caller, table, probe, keys)]
    else:
        # Narrowed by the key's first column (the contratista's uuid: its informativas only;
        # a contratista's own RFC): tables of a few rows per company.
        first = CLAVES[table][0]
        query: Any = select(rows.uuid, rows.data).where(
            rows.empresa_id == caller.empresa_id, rows.tabla == table, rows.deleted.is_(False)
        )
        queries = [query.where(rows.data[first].as_string().in_({key[0] for key in keys}))]
    found: dict[Key, dict[str, dict[str, Any]]] = {}
    for one in queries:
        for row_uuid, data in session.execute(one):
            key = _key(table, data)
            if key in keys:
                found.setdefault(key, {})[row_uuid] = data
    return found


# Per table with an index of its own on the server (``models.INDICES_POR_CLAVE``), the key's
# columns it holds: the key's other columns (a report's tipo, which two values hold as one)
# are compared as ``_key`` does.
SONDAS: dict[str, tuple[str, ...]] = {
    table: columns for table, (_n, columns) in INDICES_POR_CLAVE.items()
}


def _probes(caller: Caller, table: str, columns: tuple[str, ...], keys: set[Key]) -> Any:
    """``SELECT uuid, data`` of the live rows of ``table`` whose ``columns`` hold one of
    ``keys``' values: one probe of the table's index per key (OFFSET 0: kept from being
    planned as one scan filtered by the batch's keys). The keys go as one JSON text (the
    driver dumps an array element by element; a value may hold any character)."""
    where = [CLAVES[table].index(name) for name in columns]
    wanted = sorted({tuple(key[i] for i in where) for key in keys})
    fields = ", ".join(f"c{j} text" for j in range(len(columns)))
    match = " AND ".join(f"(data ->> '{name}') = k.c{j}" for j, name in enumerate(columns))
    statement = text(
        f"SELECT r.uuid, r.data FROM jsonb_to_recordset(CAST(:claves AS jsonb)) AS k({fields}) "
        "CROSS JOIN LATERAL (SELECT uuid, data FROM rows WHERE empresa_id = :empresa "
        f"AND tabla = '{table}' AND {match} AND NOT deleted OFFSET 0) AS r"
    )
    claves = [{f"c{j}": value for j, value in enumerate(key)} for key in wanted]
    return statement.bindparams(claves=orjson.dumps(claves).decode(), empresa=caller.empresa_id)


# The SISUB's PDFs and the guide's layouts: ``_why`` names them.
PDFS = "sisub_pdfs"
# The layout of a CSV the office's INFONAVIT guide gave, one per CSV of the company: a few rows,
# found through the rows' unique index (empresa, table, uuid) with no index of their own.
GUIAS = "sisub_guias"


def _why(table: str, holder: dict[str, Any], refused: dict[str, Any]) -> str:
    """The refusal of ``refused`` (a pushed row's data) whose key ``holder`` holds."""
    if table == POR_CONTRATO:
        return (
            f"Otro equipo ya envió al servidor el trabajador con NSS {holder.get('nss')} de "
            "este contrato: este no se guardó para no tenerlo dos veces. Al sincronizar, este "
            "equipo recibe el del servidor y, si este difiere, lo conserva como conflicto para "
            "que elijas cuál queda."
        )
    if table == PDFS:
        que = "la escritura" if not holder.get("contrato") else "el PDF de este contrato"
        return (
            f"Otro equipo ya envió al servidor {que} de este contratista para el SISUB "
            f"(«{holder.get('nombre')}»): este no se guardó para no tener dos. Al sincronizar, "
            "este equipo recibe el del servidor y, si este difiere, lo conserva como conflicto "
            "para que elijas cuál queda."
        )
    if table == GUIAS:
        return (
            "Otro equipo ya envió al servidor la guía del SISUB de este archivo "
            f"(«{holder.get('nombre')}»): esta no se guardó para no tener dos. Al sincronizar, "
            "este equipo recibe la del servidor y, si esta difiere, la conserva como conflicto "
            "para que elijas cuál queda."
        )
    if table == "icsoe_contratistas":
        return (
            f"Otro equipo ya envió al servidor el contratista con RFC {holder.get('rfc')}: este "
            "no se guardó para no tenerlo dos veces. Al sincronizar, este equipo recibe el del "
            "servidor, con sus contratantes e informativas, y si este difiere lo conserva como "
            "conflicto para que elijas cuál queda."
        )
    if table == "icsoe_contratantes":
        return (
            f"Otro equipo ya envió al servidor el contratante con RFC {holder.get('rfc')} de "
            "este contratista: este no se guardó para no tener dos con el mismo RFC. Al "
            "sincronizar, este equipo recibe el del servidor, con sus contratos, y si este "
            "difiere lo conserva como conflicto para que elijas cuál queda."
        )
    if table != "icsoe_informativas":
        spec = SPECS[table]
        nombre = f" «{holder.get(spec.etiqueta)}»" if holder.get(spec.etiqueta) else ""
        return (
            f"Otro equipo ya envió al servidor este dato ({spec.titulo}{nombre}) con la misma "
            "clave: este no se guardó para no tenerlo dos veces. Al sincronizar, este equipo "
            "recibe el del servidor y, si este difiere, lo conserva como conflicto para que "
            "elijas cuál queda."
        )
    periodo = str(holder.get("periodo") or "")
    with contextlib.suppress(ValueError):  # (not a period's key: said as it came)
        periodo = Periodo.de_clave(periodo).texto
    tipo, suyo = (TIPOS.get(str(d.get("tipo")), str(d.get("tipo"))) for d in (holder, refused))
    esta = "esta" if tipo == suyo else f"esta, {suyo},"
    return (
        f"Otro equipo ya envió al servidor la informativa {tipo} del periodo {periodo} de este "
        f"contratista: {esta} no se guardó para no tener dos del mismo periodo. Al sincronizar, "
        "este equipo recibe la del servidor y, si esta difiere, la conserva como conflicto "
        "para que elijas cuál queda."
    )


def _stored(session: Session, caller: Caller, table: str, uuids: set[str]) -> set[str]:
    """Which of ``uuids`` the server holds in ``table`` (a removed row too)."""
    if not uuids:
        return set()
    rows = ROWS_TABLE.c
    query = select(rows.uuid).where(
        rows.empresa_id == caller.empresa_id, rows.tabla == table, rows.uuid.in_(uuids)
    )
    return set(session.scalars(query))


def apart(
    session: Session, caller: Caller, request: PushRequest
) -> tuple[PushRequest, list[Refused]]:
    """``request`` without the exclusive rows whose key another uuid holds (on the server, or
    earlier in the batch) and without the children that would have no parent on the server;
    their results. Run inside the push's transaction, before it writes."""
    rows = request.rows
    keyed = {
        i: (row.table, _key(row.table, row.data)) for i, row in enumerate(rows) if _exclusive(row)
    }
    refused: dict[int, str] = {}
    if keyed:
        if session.get_bind().dialect.name == "postgresql":
            _lock(session, caller, keyed.values())
        per_table: dict[str, set[Key]] = {}
        for table, key in keyed.values():
            per_table.setdefault(table, set()).add(key)
        held = {
            (table, key): uuids
            for table, keys in per_table.items()
            for key, uuids in _holders(session, caller, table, keys).items()
        }
        # A holder this batch removes or gives another key holds it no more (a worker
        # deleted and captured again, two workers' NSS swapped).
        now = {(row.table, row.uuid): keyed.get(i) for i, row in enumerate(rows)}
        for (table, key), uuids in held.items():
            for freed in [u for u in uuids if now.get((table, u), (table, key)) != (table, key)]:
                del uuids[freed]
        for i, (table, key) in keyed.items():
            holders = held.setdefault((table, key), {})
            if holders and rows[i].uuid not in holders:
                refused[i] = _why(table, next(iter(holders.values())), rows[i].data)
            else:
                holders[rows[i].uuid] = rows[i].data  # a second of the batch finds it
    sin_informacion = _of_a_sin_informacion(session, caller, rows, refused)
    waiting = sin_informacion | _orphans(session, caller, rows, refused.keys() | sin_informacion)
    if not refused and not waiting:
        return request, []
    log.warning(
        "Renglones exclusivos rechazados: %d (y %d hijos en espera)", len(refused), len(waiting)
    )
    results: list[Refused] = [
        (rows[i].table, rows[i].uuid, rows[i].version, 0, None, why, False)
        for i, why in refused.items()
    ]
    results += [
        (rows[i].table, rows[i].uuid, rows[i].version, 0, None, ESPERA, True) for i in waiting
    ]
    gone = refused.keys() | waiting
    return sin(request, [i for i in range(len(rows)) if i not in gone]), results


def _of_a_sin_informacion(
    session: Session, caller: Caller, rows: list[PushRow], refused: dict[int, str]
) -> set[int]:
    """The live contracts whose informativa (kept in this batch, else on the server) is a Sin
    información, which holds none: a desktop's own contracts under the Sin información it
    adopted wait there until its clerk keeps its own Normal (``services/sync/adopt.py``)."""
    column, parent = "informativa_id", "icsoe_informativas"
    contracts = {
        i: str(row.data[column])
        for i, row in enumerate(rows)
        if row.table == "icsoe_contratos" and not row.deleted and row.data.get(column) is not None
    }
    if not contracts:
        return set()
    tipos = {
        row.uuid: row.data.get("tipo")
        for i, row in enumerate(rows)
        if row.table == parent and i not in refused and not row.deleted
    }
    asked = set(contracts.values()) - tipos.keys()
    if asked:
        stored = ROWS_TABLE.c
        query = select(stored.uuid, stored.data["tipo"].as_string()).where(
            stored.empresa_id == caller.empresa_id,
            stored.tabla == parent,
            stored.deleted.is_(False),
            stored.uuid.in_(asked),
        )
        tipos.update({row_uuid: tipo for row_uuid, tipo in session.execute(query)})
    return {i for i, p in contracts.items() if tipos.get(p) == SIN_INFORMACION}


def _orphans(
    session: Session, caller: Caller, rows: list[PushRow], refused: Collection[int]
) -> set[int]:
    """The live children (``HIJOS``) whose parent is neither kept in this batch nor on the
    server: its own parent refused, refused earlier, or never sent."""
    waiting: set[int] = set()
    if not {table for table, _c, _p in HIJOS} & {row.table for row in rows}:
        return waiting  # (most pushes: one pass over the batch)
    kept: dict[str, set[str]] = {}
    for i, row in enumerate(rows):
        if i not in refused:
            kept.setdefault(row.table, set()).add(row.uuid)
    for table, column, parent in HIJOS:
        children = {
            i: str(row.data[column])
            for i, row in enumerate(rows)
            if row.table == table and not row.deleted and row.data.get(column) is not None
        }
        if not children:
            continue
        here = kept.get(parent, set())
        asked = {p for p in children.values() if p not in here}
        there = _stored(session, caller, parent, asked)
        for i, p in children.items():
            if p not in here and p not in there:
                waiting.add(i)
                kept.get(table, set()).discard(rows[i].uuid)  # its own children wait too
    return waiting


__all__ = ["CLAVES", "ESPERA", "HIJOS", "apart"]
