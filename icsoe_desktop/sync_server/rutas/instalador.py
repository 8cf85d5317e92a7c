"""``/v1/instalador``: the published installer. Any desktop of any company reads what is
published (its token, without the protocol's or schema's checks: an old desktop must be able to
update); only a server administrator's token publishes."""

from __future__ import annotations

import logging
import tempfile

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from icsoe_desktop.domain import versiones
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.sync_server import instalador
from icsoe_desktop.sync_server.auth import authenticate, authenticate_admin
from icsoe_desktop.sync_server.protocol import ProtocolError, invalid, too_large
from icsoe_desktop.sync_server.rutas.comun import Json, servidor_de

log = logging.getLogger(__name__)


async def anuncio(request: Request) -> JSONResponse:
    engine = servidor_de(request).engine
    await run_in_threadpool(authenticate, engine, request.headers.get("authorization"))
    publicado = await run_in_threadpool(instalador.vigente, engine)
    return Json({"instalador": publicado.anuncio() if publicado else None})


async def archivo(request: Request) -> StreamingResponse:
    engine = servidor_de(request).engine
    await run_in_threadpool(authenticate, engine, request.headers.get("authorization"))
    publicado = await run_in_threadpool(instalador.vigente, engine)
    if publicado is None or publicado.sha256 != request.path_params["sha256"]:
        raise ProtocolError(
            404,
            "instalador_no_publicado",
            "Ese instalador ya no está publicado en el servidor: busca la versión nueva otra vez.",
            "That installer is no longer published.",
        )
    desde = _desde(request.headers.get("range", ""), publicado.tamano)
    if desde:  # a download resumed where it stopped (RFC 9110: one open range)
        return StreamingResponse(
            instalador.trozos(engine, publicado.id, desde),
            status_code=206,
            media_type="application/octet-stream",
            headers={
                "Content-Length": str(publicado.tamano - desde),
                "Content-Range": f"bytes {desde}-{publicado.tamano - 1}/{publicado.tamano}",
            },
        )
    return StreamingResponse(
        instalador.trozos(engine, publicado.id),
        media_type="application/octet-stream",
        headers={"Content-Length": str(publicado.tamano), "Accept-Ranges": "bytes"},
    )


def _desde(rango: str, tamano: int) -> int:
    """The start of a ``Range: bytes=N-`` inside the file; 0 (the whole file, which a client
    must accept) for any other range."""
    unidad, _, valor = rango.strip().partition("=")
    inicio, guion, fin = valor.strip().partition("-")
    if unidad.strip() != "bytes" or not guion or fin or not (inicio.isascii() and inicio.isdigit()):
        return 0
    desde = int(inicio)
    return desde if desde < tamano else 0


async def publicar(request: Request) -> JSONResponse:
    engine = servidor_de(request).engine
    admin = await run_in_threadpool(
        authenticate_admin, engine, request.headers.get("authorization")
    )
    nombre = request.query_params.get("nombre", "")
    version = request.query_params.get("version") or versiones.de_nombre_de_instalador(nombre)
    if not version:
        raise invalid("Falta la versión del instalador (version=X.Y.Z).", "version is required.")
    size = request.headers.get("content-length", "")
    if size.isdigit() and int(size) > instalador.MAX_BYTES:
        raise too_large(instalador.MAX_BYTES)
    # Spooled to disk as it arrives, then stored piece by piece: never all in memory.
    with tempfile.TemporaryFile() as spool:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > instalador.MAX_BYTES:
                raise too_large(instalador.MAX_BYTES)
            await run_in_threadpool(spool.write, chunk)
        spool.seek(0)
        try:
            publicado = await run_in_threadpool(instalador.publicar, engine, spool, version, nombre)
        except ValidationError as exc:
            raise invalid(exc.message, exc.code, exc.code) from exc
    log.info("Instalador %s publicado por %s (%s)", publicado.version, admin, publicado.sha256)
    return Json({"instalador": publicado.anuncio()})


RUTAS = [
    Route("/v1/instalador", anuncio, methods=["GET"]),
    Route("/v1/instalador", publicar, methods=["PUT"]),
    Route("/v1/instalador/{sha256:str}", archivo, methods=["GET"]),
]
