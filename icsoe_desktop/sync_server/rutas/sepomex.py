"""``/v1/sepomex``: the company's catalogue of códigos postales, read (GET) or sent by a
desktop that loaded a newer one (PUT)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.sync_server import sepomex
from icsoe_desktop.sync_server.protocol import ProtocolError, invalid
from icsoe_desktop.sync_server.rutas.comun import Json, headers_for, save_body, servidor_de


async def leer(request: Request) -> StreamingResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    found = await run_in_threadpool(sepomex.trozos, servidor.engine, caller)
    if found is None:
        raise ProtocolError(
            404,
            "sin_catalogo",
            "El servidor no tiene catálogo de códigos postales de esta empresa.",
            "The server holds no catalogue of postal codes for this company.",
        )
    version, size, pieces = found
    headers = headers_for(caller)
    headers[sync_wire.SEPOMEX_HEADER] = version.encabezado()
    headers["Content-Length"] = str(size)
    return StreamingResponse(pieces, media_type="application/zip", headers=headers)


async def recibir(request: Request) -> JSONResponse:
    servidor = servidor_de(request)
    caller = await servidor.caller_of(request)
    try:
        fecha = datetime.fromisoformat(
            request.headers.get(sync_wire.SEPOMEX_FECHA_HEADER, "")
        ).replace(tzinfo=None)
    except ValueError:
        raise invalid(
            f"Falta la fecha de carga del catálogo ({sync_wire.SEPOMEX_FECHA_HEADER}).",
            f"The catalogue's load date is missing ({sync_wire.SEPOMEX_FECHA_HEADER}).",
        ) from None
    with tempfile.TemporaryDirectory(prefix="icsoe-sepomex-") as folder:
        received = Path(folder) / "CPdescarga.zip"
        await save_body(request, received, sepomex.MAX_BYTES)
        try:
            done = await run_in_threadpool(
                sepomex.recibir_de_escritorio,
                servidor.engine,
                caller,
                received,
                fecha,
                request.headers.get(sync_wire.SEPOMEX_BASE_HEADER),
            )
        except DomainError as exc:
            raise invalid(exc.message, "The catalogue was refused.", exc.code) from exc
    headers = headers_for(caller)
    headers[sync_wire.SEPOMEX_HEADER] = (
        done.version.encabezado() if done.publicado else sepomex.encabezado(caller)
    )
    return Json(
        {
            "publicado": done.publicado,
            "codigos_postales": done.codigos_postales,
            "huella": done.version.huella,
        },
        headers=headers,
    )


RUTAS = [
    Route("/v1/sepomex", leer, methods=["GET"]),
    Route("/v1/sepomex", recibir, methods=["PUT"]),
]
