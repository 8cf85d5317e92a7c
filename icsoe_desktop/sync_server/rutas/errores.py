"""How each kind of failure is answered: a protocol refusal with its own status, an HTTP error,
and «retry later» (503 with ``Retry-After``) when the database is down or its pool is full."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ExceptionHandler

from icsoe_desktop.sync_server.protocol import ProtocolError

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5


def _retry_later(code: str, mensaje: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "mensaje": mensaje, "message": message},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


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


MANEJADORES: dict[int | type[Exception], ExceptionHandler] = {
    ProtocolError: protocol_error,
    HTTPException: http_error,
    OperationalError: database_down,
    PoolTimeout: busy,
}
