"""The heavy jobs the worker (services/aparte/) runs, their modules named once: each registers
its jobs as it loads (``registro.registrar``); the process apart starts here (``__main__``).
Named, not found by walking the packages at run time: the bundle holds only what its
analysis sees imported (a module found by name would be left out of the frozen app), and the
worker loads these few light modules and nothing else of the app, so a job started on a busy
machine starts at once. Above the worker and the areas, so that neither the worker imports a
job nor an area another's. A new module of jobs is one line here."""

from __future__ import annotations

from types import ModuleType


def cargar() -> tuple[ModuleType, ...]:
    """Every job module loaded, so every job is registered (a module loads once)."""
    from icsoe_desktop.services.movimientos import trabajo_aparte as movimientos
    from icsoe_desktop.services.sisub import trabajo_aparte as sisub

    return movimientos, sisub


def proceso(argv: list[str], entrada: int = 0, salida: int = 1) -> int:
    """The process apart: every job registered, then the worker's ``proceso`` (the store's
    key read, the job named in ``argv`` done)."""
    from icsoe_desktop.services.aparte import proceso as trabajador

    cargar()
    return trabajador.proceso(argv, entrada, salida)
