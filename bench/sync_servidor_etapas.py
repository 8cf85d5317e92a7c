"""The sync server as ``serve`` runs it, with the CPU of its stages counted: bench/sync.py starts
it in its own process instead of ``python -m icsoe_desktop.sync_server``.

    python bench/sync_servidor_etapas.py ARCHIVO serve --database-url URL --listen HOST:PORT

Each stage is the CPU of the thread that runs it (``time.thread_time``: the waits for
PostgreSQL are not in it), summed over the requests and written to ARCHIVO (JSON) after each
one: «leer» (a push's body read from JSON and checked against the schema), «escribir» (the push
applied: its rules, the COPY, the answer), «página» (a pull's page read and put in columns).
What the process spends besides (uvicorn, HTTP, the routes, the answers' JSON) is its total
minus these. «recolector»: Python's cyclic collector so far, in these stages and outside them
(bench/recolector.py).
"""

from __future__ import annotations

import cProfile
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import recolector

_cpu: dict[str, float] = {}
_lock = threading.Lock()
# ICSOE_BENCH_PERFIL: a folder where each timed call's cProfile is written (server.N.prof).
_perfil = os.environ.get("ICSOE_BENCH_PERFIL")
_calls = itertools.count()


def _timed(name: str, fn: Callable[..., Any], out: Path) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        profiler = cProfile.Profile() if _perfil else None
        try:
            if profiler is not None:
                return profiler.runcall(fn, *args, **kwargs)
            return fn(*args, **kwargs)
        finally:
            if profiler is not None:
                profiler.dump_stats(Path(_perfil or ".") / f"server.{next(_calls)}.prof")
            used = time.thread_time() - start
            with _lock:
                _cpu[name] = _cpu.get(name, 0.0) + used
                _cpu["recolector"] = recolector.cpu()  # (inside the stages, and outside them)
                out.write_text(json.dumps(_cpu))

    return wrapper


def main() -> int:
    out = Path(sys.argv.pop(1))
    recolector.medir()
    from icsoe_desktop.sync_server import esquemas, rutas
    from icsoe_desktop.sync_server.__main__ import main as serve
    from icsoe_desktop.sync_server.rutas import pull as ruta_pull
    from icsoe_desktop.sync_server.rutas import push as ruta_push

    assert rutas  # (the routes' modules are patched before the app is built)
    parse = ruta_push.parse_push_body
    check = esquemas.revisar_renglones

    def leer(body: bytes, max_rows: int) -> Any:
        return parse(body, max_rows)

    ruta_push.parse_push_body = _timed("leer", leer, out)
    ruta_push.esquemas = type(  # type: ignore[assignment]
        "esquemas", (), {"revisar_renglones": staticmethod(_timed("leer", check, out))}
    )
    ruta_push.push = _timed("escribir", ruta_push.push, out)
    ruta_pull.pull = _timed("página", ruta_pull.pull, out)
    sys.argv[0] = "icsoe_desktop.sync_server"
    return serve()


if __name__ == "__main__":
    sys.exit(main())
