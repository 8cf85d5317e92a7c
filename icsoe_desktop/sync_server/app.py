"""The HTTP JSON API (Starlette): the app, its one ``Servidor`` (the process's state) and its
routes, one module per resource under ``rutas/``.

Every request carries ``Authorization: Bearer <token>``; the token decides the company, and a
company only ever reads and writes its own rows (``auth``). What each endpoint does lives in its
module: ``push``, ``pull``, ``deriva`` (the drift check), ``estado``, ``sepomex`` (the
company's catalogue of códigos postales, named in every answer's ``X-Icsoe-Sepomex``).
"""

from __future__ import annotations

import gc
import os

from sqlalchemy import Engine
from starlette.applications import Starlette

from icsoe_desktop.sync_server import DATABASE_URL_ENV, MAX_BODY_ENV, MAX_ROWS_ENV, POOL_SIZE_ENV
from icsoe_desktop.sync_server.protocol import MAX_BATCH_ROWS, MAX_BODY_BYTES
from icsoe_desktop.sync_server.rutas import RUTAS
from icsoe_desktop.sync_server.rutas.comun import Servidor
from icsoe_desktop.sync_server.rutas.errores import MANEJADORES


def create_app(
    engine: Engine, max_body: int = MAX_BODY_BYTES, max_rows: int = MAX_BATCH_ROWS
) -> Starlette:
    """The server over ``engine``: each request's handler finds the state in ``app.state``."""
    app = Starlette(routes=RUTAS, exception_handlers=MANEJADORES)
    app.state.servidor = Servidor(engine, max_body, max_rows)
    return app


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


# Container objects allocated (net) between two young collections, Python's default 700. A
# pushed batch's rows (2,000 of them, their envelopes, the lists the checks build) live for
# the whole request: at 700 they outlive young collection after young collection and are
# walked again by the older ones, 0.2-0.4 s of CPU per 100,000 pushed rows
# (bench/sync_server_push.py); at this threshold most are freed by their counts first.
# Cycles wait a little longer to be freed: a few MB at most.
JOVENES = 50_000


def freeze_startup_objects() -> None:
    """Keep what a server process made to start (modules, SQLAlchemy's and Alembic's objects:
    some 100,000, none of them ever garbage) out of the garbage collector's full collections,
    which walked them all, several times a second during a big push: a fourth of the
    server's CPU per pushed row; and collect the young objects less often (``JOVENES``).
    (Only in a server process: ``app_from_env``.)"""
    gc.collect()
    gc.freeze()
    _jovenes, medianos, viejos = gc.get_threshold()
    gc.set_threshold(JOVENES, medianos, viejos)
