"""``GET /v1/pull``: a page of the rows written since a desktop's cursor."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.sync_server.protocol import parse_buckets, parse_count, parse_pull
from icsoe_desktop.sync_server.pull import pull
from icsoe_desktop.sync_server.rutas.comun import answer, servidor_de


async def pagina(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    since, limit, table, columnar, summary = parse_pull(request.query_params)
    buckets = parse_buckets(request.query_params, table)
    count = parse_count(request.query_params)
    page = await run_in_threadpool(
        pull, servidor.engine, caller, since, limit, table, columnar, buckets, summary, count
    )
    return answer(caller, page)


RUTAS = [Route("/v1/pull", pagina, methods=["GET"])]
