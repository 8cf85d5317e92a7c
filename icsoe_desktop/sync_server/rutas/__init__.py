"""The HTTP API's routes, one module per resource; each module's ``RUTAS`` lists its routes.

Every handler reads what it needs (the database, the limits, the per-process bookkeeping) from
the one ``Servidor`` the app holds (``comun.servidor_de``), never from closures.
"""

from __future__ import annotations

from starlette.routing import Route

from icsoe_desktop.sync_server.rutas import (
    certificados_sat,
    deriva,
    estado,
    inhabiles,
    instalador,
    pull,
    push,
    sepomex,
)

RUTAS: list[Route] = [
    *estado.RUTAS,
    *push.RUTAS,
    *pull.RUTAS,
    *deriva.RUTAS,
    *sepomex.RUTAS,
    *instalador.RUTAS,
    *inhabiles.RUTAS,
    *certificados_sat.RUTAS,
]
