"""The one list of the modules whose jobs the worker runs: each registers its jobs as it
loads (``registro.registrar``). Named here, not found by walking the package at run time:
the bundle holds only what its analysis sees imported (a module found by name would be left
out of the frozen app), and the worker loads these few light modules and nothing else of the
app, so a job started on a busy machine starts at once. A new module of jobs is one line
here."""

from __future__ import annotations

from types import ModuleType


def cargar() -> tuple[ModuleType, ...]:
    """Every job module loaded, so every job is registered (a module loads once)."""
    from icsoe_desktop.services.movimientos import trabajo_aparte as movimientos
    from icsoe_desktop.services.sisub import trabajo_aparte as sisub

    return movimientos, sisub
