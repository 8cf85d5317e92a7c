"""Capacitación's one question, asked by every screen, export and document: «is this
training?». It is when the empresa or the contratista is the practice one (its RFC), never
because of the installation's mode, which only lets this desktop trust the practice and test
authorities. Everything made in training says ``MARCA``. The practice environment itself is
built by ``services/capacitacion.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icsoe_desktop.domain.trust import Emisor

MARCA = "CAPACITACIÓN — SIN VALIDEZ"
# The fictitious contratista: a persona moral whose RFC passes the check digit, and the practice
# empresa of that same RFC (the contratista enters the empresa of its RFC).
RFC_PRACTICA = "EPR010101PR8"
AUTORIDAD_NOMBRE = "AC DE CAPACITACIÓN ICSOE-DESKTOP (SIN VALIDEZ)"


def capacitacion_activa(*rfcs: str | None) -> bool:
    """Whether what is done now is training: the empresa or the contratista (their RFCs) is
    the practice one. The modo de capacitación does not make it training: a real
    contratista's work done while it is on is real."""
    return any(map(es_de_practica, rfcs))


def es_de_practica(rfc: str | None) -> bool:
    """The practice empresa's (and contratista's) RFC."""
    return (rfc or "").strip().upper() == RFC_PRACTICA


def autoridad_de_practica(emisor: Emisor) -> bool:
    """A practice authority (``services/capacitacion.py`` ``preparar``'s) or one of the SAT's
    test authorities: it issues no real e.firma, wherever its certificate was put."""
    return emisor.capacitacion or emisor.nombre == AUTORIDAD_NOMBRE
