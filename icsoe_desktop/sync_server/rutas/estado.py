"""``GET /v1/estado``: who the desktop is to this server and the largest push it takes."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.sync_server.estado import estado
from icsoe_desktop.sync_server.rutas.comun import answer, servidor_de


async def leer(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    found = await run_in_threadpool(
        estado, servidor.engine, caller, servidor.max_rows, servidor.max_body
    )
    return answer(caller, found)


RUTAS = [Route("/v1/estado", leer, methods=["GET"])]
