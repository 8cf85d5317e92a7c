"""Training on the screen: in the practice empresa (or for its contratista), the title bars
end in «— CAPACITACIÓN — SIN VALIDEZ» and the ICSOE windows show a band that says so, so
nobody takes practice work for real (services/capacitacion.py decides)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QLabel, QWidget

from icsoe_desktop.domain.practica import MARCA, capacitacion_activa
from icsoe_desktop.gui.kit import colores

if TYPE_CHECKING:
    from PySide6.QtWidgets import QBoxLayout

    from icsoe_desktop.services.container import Services

SUFIJO = f" — {MARCA}"


def activo(services: Services, rfc: str | None = None) -> bool:
    """``rfc``: the contratista the window is about (the open empresa's otherwise)."""
    return capacitacion_activa(rfc, services.empresa.rfc)


def titulo(base: str, services: Services, rfc: str | None = None) -> str:
    """``base``, marked while training."""
    return base + SUFIJO if activo(services, rfc) else base


def poner_banda(
    host: QWidget, services: Services, rfc: str | None = None, ante: str = "al IMSS"
) -> QLabel | None:
    """The band on top of ``host``'s content (a form placed by ``load_form``) while training;
    ``ante``: to whom nothing of it is filed."""
    if not activo(services, rfc):
        return None
    banda = QLabel(f"{MARCA}: práctica; nada de lo que se haga aquí se presenta {ante}.")
    banda.setObjectName("capacitacionBanda")
    colores.hoja(banda, "banda(#b00020) font-weight: bold; padding: 4px;")
    banda.setWordWrap(True)
    cast("QBoxLayout", host.layout()).insertWidget(0, banda)  # the window's own, a box
    return banda
