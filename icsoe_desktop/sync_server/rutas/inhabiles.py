"""``GET /v1/inhabiles``: the INFONAVIT's non-business days IT loaded on the server, per year
(``{"inhabiles": {"2027": ["2027-01-01", …]}}``; none loaded: an empty object)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.domain.sisub.plazos import a_datos
from icsoe_desktop.sync_server import inhabiles
from icsoe_desktop.sync_server.rutas.comun import answer, servidor_de


async def leer(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    lista = await run_in_threadpool(inhabiles.leer, servidor.engine)
    return answer(caller, {"inhabiles": a_datos(lista)})


RUTAS = [Route("/v1/inhabiles", leer, methods=["GET"])]
