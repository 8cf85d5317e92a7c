"""The drift check's resources: ``GET /v1/resumen`` (the sums: per table, per bucket, or a
node's children), ``GET /v1/versiones`` (the versions under buckets or uuid prefixes) and
``POST /v1/renglones`` (the rows of listed uuids); ``GET /v1/contenido`` (the sums of the rows'
content fingerprints, computed from the rows); ``POST /v1/epoca`` (a desktop saw past the last
sequence: the server went back)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.sync_server import contenido
from icsoe_desktop.sync_server.deriva import buckets, children, resumen, rows_of, versions
from icsoe_desktop.sync_server.protocol import (
    invalid,
    parse_buckets,
    parse_json,
    parse_nodes,
    parse_table,
    parse_uuids,
)
from icsoe_desktop.sync_server.rutas.comun import answer, read_body, servidor_de
from icsoe_desktop.sync_server.sumas import went_back


async def sumas(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    table = parse_table(request.query_params)
    nodes = parse_nodes(request.query_params, table)
    engine = servidor.engine
    if table is not None and nodes is not None:
        return answer(caller, await run_in_threadpool(children, engine, caller, table, nodes))
    if table is not None:
        return answer(caller, await run_in_threadpool(buckets, engine, caller, table))
    return answer(caller, await run_in_threadpool(resumen, engine, caller))


async def versiones(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    table = parse_table(request.query_params)
    listed = parse_buckets(request.query_params, table)
    nodes = parse_nodes(request.query_params, table)
    if listed is not None:
        nodes = [f"{bucket:03x}" for bucket in listed] + (nodes or [])
    if table is None or not nodes:
        raise invalid(
            "tabla y cubetas o sufijos son obligatorias.",
            "tabla and cubetas or sufijos are required.",
        )
    found = await run_in_threadpool(versions, servidor.engine, caller, table, nodes)
    return answer(caller, found)


async def renglones(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    table, uuids = parse_uuids(await read_body(request, servidor.max_body))
    found = await run_in_threadpool(rows_of, servidor.engine, caller, table, uuids)
    return answer(caller, found)


async def huellas(request: Request) -> JSONResponse:
    """The content check's: per table, per bucket of one (``tabla``), or each row's under
    some of its buckets (``tabla`` and ``cubetas``): ``sync_server/contenido.py``."""
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    table = parse_table(request.query_params)
    listed = parse_buckets(request.query_params, table)
    engine = servidor.engine
    if table is not None and listed is not None:
        found = await run_in_threadpool(contenido.renglones, engine, caller, table, listed)
    elif table is not None:
        found = await run_in_threadpool(contenido.cubetas, engine, caller, table)
    else:
        found = await run_in_threadpool(contenido.tablas, engine, caller)
    return answer(caller, found)


# A desktop's claim raises the company's numbering: far below the protocol's MAX_SEQ, so no
# token holder can use up the numbers.
MAX_VISTO = 2**53


async def epoca(request: Request) -> JSONResponse:
    """A desktop that pulled past the company's last sequence (``{"visto": N}``): the server
    went back to an older copy of its rows; the next epoch (``sumas.went_back``)."""
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    body = parse_json(await read_body(request, servidor.max_body))
    visto = body.get("visto") if isinstance(body, dict) else None
    if isinstance(visto, bool) or not isinstance(visto, int) or not 0 < visto <= MAX_VISTO:
        raise invalid(
            f"visto: se esperaba un entero entre 1 y {MAX_VISTO}.",
            f"visto: expected an integer from 1 to {MAX_VISTO}.",
        )
    historia = await run_in_threadpool(went_back, servidor.engine, caller.empresa_id, visto)
    return answer(caller, {"historia": historia})


RUTAS = [
    Route("/v1/resumen", sumas, methods=["GET"]),
    Route("/v1/versiones", versiones, methods=["GET"]),
    Route("/v1/renglones", renglones, methods=["POST"]),
    Route("/v1/contenido", huellas, methods=["GET"]),
    Route("/v1/epoca", epoca, methods=["POST"]),
]
