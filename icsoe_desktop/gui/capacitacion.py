"""The modo de capacitación in the title bar: a window of an installation that trusts the
SAT's test e.firma says so, so nobody takes its work for real (settings: ``[capacitacion]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

SUFIJO = " — MODO DE CAPACITACIÓN"


def activo(services: Services) -> bool:
    return services.settings.current.capacitacion.activo


def titulo(base: str, services: Services) -> str:
    """``base``, marked while the modo de capacitación is on."""
    return base + SUFIJO if activo(services) else base
