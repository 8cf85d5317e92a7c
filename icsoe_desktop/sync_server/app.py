"""The HTTP JSON API (Starlette): its routes, and each endpoint's request read and answer written.

Every request carries ``Authorization: Bearer <token>``; the token decides the company, and a
company only ever reads and writes its own rows (``auth``). What each endpoint does lives in its
module: ``push``, ``pull``, ``deriva`` (the drift check), ``estado``, ``sepomex`` (the
company's catalogue of códigos postales, named in every answer's ``X-Icsoe-Sepomex``).
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from icsoe_desktop.domain import sync_wire, versiones
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.sync_server import (
    DATABASE_URL_ENV,
    MAX_BODY_ENV,
    MAX_ROWS_ENV,
    POOL_SIZE_ENV,
    esquemas,
    instalador,
    sepomex,
)
from icsoe_desktop.sync_server.auth import Caller, authenticate, authenticate_admin
from icsoe_desktop.sync_server.db import prune_batches
from icsoe_desktop.sync_server.deriva import (
    COMPACT_EVERY,
    buckets,
    children,
    compact_sums,
    resumen,
    rows_of,
    versions,
)
from icsoe_desktop.sync_server.estado import estado
from icsoe_desktop.sync_server.protocol import (
    MAX_BATCH_ROWS,
    MAX_BODY_BYTES,
    ProtocolError,
    invalid,
    parse_buckets,
    parse_count,
    parse_nodes,
    parse_pull,
    parse_push_body,
    parse_table,
    parse_uuids,
    parse_versions,
    too_large,
)
from icsoe_desktop.sync_server.pull import pull
from icsoe_desktop.sync_server.push import push

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5
PRUNE_EVERY_S = 3600  # per company and process


class _Json(JSONResponse):
    """Rendered by orjson: several times faster on a page of 5,000 rows (same UTF-8 JSON)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _declared(request: Request, limit: int) -> None:
    """Refuse a body that says it is larger than ``limit`` (or says nothing readable)."""
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        raise too_large(limit)
    if declared is not None and int(declared) > limit:
        raise too_large(limit)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refusing more than ``limit`` bytes before reading them all into memory."""
    _declared(request, limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)


async def _save_body(request: Request, path: Path, limit: int) -> None:
    """The body written to ``path`` as it arrives, refusing more than ``limit`` bytes."""
    _declared(request, limit)
    written = 0
    with path.open("wb") as file:
        async for chunk in request.stream():
            written += len(chunk)
            if written > limit:
                raise too_large(limit)
            file.write(chunk)


def _retry_later(code: str, mensaje: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "mensaje": mensaje, "message": message},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def create_app(
    engine: Engine, max_body: int = MAX_BODY_BYTES, max_rows: int = MAX_BATCH_ROWS
) -> Starlette:
    async def caller_of(request: Request) -> Caller:
        protocolo, esquema = parse_versions(request.headers)
        esquemas.revisar(esquema, protocolo)
        header = request.headers.get("authorization")
        return await run_in_threadpool(authenticate, engine, header, esquema)

    def headers_for(caller: Caller) -> dict[str, str]:
        """The newest schema of the company's desktops (an older desktop tells its user to
        update) and its catalogue of códigos postales (a desktop with another one asks)."""
        headers = {sync_wire.SEPOMEX_HEADER: sepomex.encabezado(caller)}
        if caller.esquema:
            headers[sync_wire.SCHEMA_HEADER] = caller.esquema
        return headers

    def answer(caller: Caller, content: Any) -> JSONResponse:
        return _Json(content, headers=headers_for(caller))

    async def estado_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        found = await run_in_threadpool(estado, engine, caller, max_rows, max_body)
        return answer(caller, found)

    pruned: dict[int, float] = {}
    pushes: dict[int, int] = {}

    def push_and_prune(caller: Caller, body: bytes, esquema: str | None) -> sync_wire.PushAnswer:
        # Parsed in a worker thread: 8 MiB of JSON would hold the event loop (every other
        # request) for the parse's whole time.
        parsed = parse_push_body(body, max_rows)
        esquemas.revisar_renglones(parsed.rows, esquema)
        answer = push(engine, caller, parsed)
        if time.monotonic() - pruned.get(caller.empresa_id, -PRUNE_EVERY_S) >= PRUNE_EVERY_S:
            pruned[caller.empresa_id] = time.monotonic()
            prune_batches(engine, caller.empresa_id)  # after the push's commit: not locked
        pushes[caller.empresa_id] = pushes.get(caller.empresa_id, 0) + 1
        if pushes[caller.empresa_id] % COMPACT_EVERY == 0:
            compact_sums(engine, caller.empresa_id)
        return answer

    async def push_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        body = await _read_body(request, max_body)
        esquema = request.headers.get(sync_wire.SCHEMA_HEADER)  # checked by caller_of
        return answer(caller, await run_in_threadpool(push_and_prune, caller, body, esquema))

    async def pull_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        since, limit, table, columnar, summary = parse_pull(request.query_params)
        buckets = parse_buckets(request.query_params, table)
        count = parse_count(request.query_params)
        page = await run_in_threadpool(
            pull, engine, caller, since, limit, table, columnar, buckets, summary, count
        )
        return answer(caller, page)

    async def resumen_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        table = parse_table(request.query_params)
        nodes = parse_nodes(request.query_params, table)
        if table is not None and nodes is not None:
            return answer(caller, await run_in_threadpool(children, engine, caller, table, nodes))
        if table is not None:
            return answer(caller, await run_in_threadpool(buckets, engine, caller, table))
        return answer(caller, await run_in_threadpool(resumen, engine, caller))

    async def versions_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        table = parse_table(request.query_params)
        buckets = parse_buckets(request.query_params, table)
        nodes = parse_nodes(request.query_params, table)
        if buckets is not None:
            nodes = [f"{bucket:03x}" for bucket in buckets] + (nodes or [])
        if table is None or not nodes:
            raise invalid(
                "tabla y cubetas o sufijos son obligatorias.",
                "tabla and cubetas or sufijos are required.",
            )
        return answer(caller, await run_in_threadpool(versions, engine, caller, table, nodes))

    async def rows_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        table, uuids = parse_uuids(await _read_body(request, max_body))
        return answer(caller, await run_in_threadpool(rows_of, engine, caller, table, uuids))

    async def sepomex_get(request: Request) -> StreamingResponse | JSONResponse:
        caller = await caller_of(request)
        found = await run_in_threadpool(sepomex.trozos, engine, caller)
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

    async def sepomex_put(request: Request) -> JSONResponse:
        caller = await caller_of(request)
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
            await _save_body(request, received, sepomex.MAX_BYTES)
            try:
                done = await run_in_threadpool(
                    sepomex.recibir_de_escritorio,
                    engine,
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
        return _Json(
            {
                "publicado": done.publicado,
                "codigos_postales": done.codigos_postales,
                "huella": done.version.huella,
            },
            headers=headers,
        )

    # The installer: any desktop of any company reads what is published (its token, without
    # the protocol's or schema's checks: an old desktop must be able to update); only a
    # server administrator's token publishes.
    async def instalador_endpoint(request: Request) -> JSONResponse:
        await run_in_threadpool(authenticate, engine, request.headers.get("authorization"))
        publicado = await run_in_threadpool(instalador.vigente, engine)
        return _Json({"instalador": publicado.anuncio() if publicado else None})

    async def instalador_archivo_endpoint(request: Request) -> StreamingResponse:
        await run_in_threadpool(authenticate, engine, request.headers.get("authorization"))
        publicado = await run_in_threadpool(instalador.vigente, engine)
        if publicado is None or publicado.sha256 != request.path_params["sha256"]:
            raise ProtocolError(
                404,
                "instalador_no_publicado",
                "Ese instalador ya no está publicado en el servidor: busca la versión nueva otra "
                "vez.",
                "That installer is no longer published.",
            )
        return StreamingResponse(
            instalador.trozos(engine, publicado.id),
            media_type="application/octet-stream",
            headers={"Content-Length": str(publicado.tamano)},
        )

    async def publicar_endpoint(request: Request) -> JSONResponse:
        admin = await run_in_threadpool(
            authenticate_admin, engine, request.headers.get("authorization")
        )
        nombre = request.query_params.get("nombre", "")
        version = request.query_params.get("version") or versiones.de_nombre_de_instalador(nombre)
        if not version:
            raise invalid(
                "Falta la versión del instalador (version=X.Y.Z).", "version is required."
            )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > instalador.MAX_BYTES:
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
                publicado = await run_in_threadpool(
                    instalador.publicar, engine, spool, version, nombre
                )
            except ValidationError as exc:
                raise invalid(exc.message, exc.code, exc.code) from exc
        log.info("Instalador %s publicado por %s (%s)", publicado.version, admin, publicado.sha256)
        return _Json({"instalador": publicado.anuncio()})

    async def protocol_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProtocolError)
        if exc.status >= 500:
            log.warning("%s: %s", exc.code, exc.message)
        return JSONResponse(exc.body(), status_code=exc.status)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return JSONResponse(
            {"error": "http", "mensaje": str(exc.detail), "message": str(exc.detail)},
            status_code=exc.status_code,
        )

    async def database_down(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("Base de datos no disponible: %s", exc)
        return _retry_later(
            "base_no_disponible",
            "La base de datos del servidor no está disponible; reintenta.",
            "The server database is unavailable; retry.",
        )

    async def busy(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("Servidor ocupado (sin conexión libre a la base): %s", exc)
        return _retry_later(
            "servidor_ocupado",
            "El servidor está ocupado; reintenta en unos segundos.",
            "The server is busy; retry in a few seconds.",
        )

    return Starlette(
        routes=[
            Route("/v1/estado", estado_endpoint, methods=["GET"]),
            Route("/v1/push", push_endpoint, methods=["POST"]),
            Route("/v1/pull", pull_endpoint, methods=["GET"]),
            Route("/v1/resumen", resumen_endpoint, methods=["GET"]),
            Route("/v1/versiones", versions_endpoint, methods=["GET"]),
            Route("/v1/renglones", rows_endpoint, methods=["POST"]),
            Route("/v1/sepomex", sepomex_get, methods=["GET"]),
            Route("/v1/sepomex", sepomex_put, methods=["PUT"]),
            Route("/v1/instalador", instalador_endpoint, methods=["GET"]),
            Route("/v1/instalador", publicar_endpoint, methods=["PUT"]),
            Route("/v1/instalador/{sha256:str}", instalador_archivo_endpoint, methods=["GET"]),
        ],
        exception_handlers={
            ProtocolError: protocol_error,
            HTTPException: http_error,
            OperationalError: database_down,
            PoolTimeout: busy,
        },
    )


def app_from_env() -> Starlette:
    """The app for ``uvicorn --factory`` (what ``serve --workers N`` runs in each worker
    process): its settings come from the environment ``serve`` sets."""
    from icsoe_desktop.sync_server.db import make_engine

    env = os.environ
    engine = make_engine(env[DATABASE_URL_ENV], int(env.get(POOL_SIZE_ENV, "5")))
    app = create_app(
        engine,
        int(env.get(MAX_BODY_ENV, MAX_BODY_BYTES)),
        int(env.get(MAX_ROWS_ENV, MAX_BATCH_ROWS)),
    )
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Keep what a server process made to start (modules, SQLAlchemy's and Alembic's objects:
    some 100,000, none of them ever garbage) out of the garbage collector's full collections,
    which walked them all, several times a second during a big push: a fourth of the
    server's CPU per pushed row. (Only in a server process: ``app_from_env``.)"""
    gc.collect()
    gc.freeze()
