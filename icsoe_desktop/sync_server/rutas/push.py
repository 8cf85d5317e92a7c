"""``POST /v1/push``: a desktop's batch of rows."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.sync_server import esquemas
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.protocol import parse_push_body
from icsoe_desktop.sync_server.push import push
from icsoe_desktop.sync_server.rutas.comun import Servidor, answer, read_body, servidor_de


def _push(
    servidor: Servidor, caller: Caller, body: bytes, esquema: str | None
) -> sync_wire.PushAnswer:
    # Parsed in a worker thread: 8 MiB of JSON would hold the event loop (every other
    # request) for the parse's whole time.
    parsed = parse_push_body(body, servidor.max_rows)
    esquemas.revisar_renglones(parsed.rows, esquema)
    answered = push(servidor.engine, caller, parsed)
    servidor.after_push(caller.empresa_id)
    return answered


async def recibir(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    body = await read_body(request, servidor.max_body)
    esquema = request.headers.get(sync_wire.SCHEMA_HEADER)  # checked by caller_of
    return answer(caller, await run_in_threadpool(_push, servidor, caller, body, esquema))


RUTAS = [Route("/v1/push", recibir, methods=["POST"])]
