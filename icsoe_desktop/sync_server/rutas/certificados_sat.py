"""``GET /v1/certificados-sat``: the SAT's certificates that seal timbres IT loaded on the
server (``{"certificados": [{"numero": …, "der": base64}, …]}``; none loaded: an empty list)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.sync_server import certificados_sat
from icsoe_desktop.sync_server.rutas.comun import answer, servidor_de


async def leer(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    lista = await run_in_threadpool(certificados_sat.para_escritorios, servidor.engine)
    return answer(caller, {"certificados": lista})


RUTAS = [Route("/v1/certificados-sat", leer, methods=["GET"])]
