"""A control greyed out when the role matrix does not let the session's user do its action,
with the reason as its tooltip. The matrix is asked of the services (services/acceso/permisos.py,
which also enforce it); the windows only name which control does which action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from icsoe_desktop.domain.roles import Accion

if TYPE_CHECKING:
    from icsoe_desktop.services.acceso.permisos import Permisos

# The control's property naming its action: the GUI-wide test walks the matrix through it.
PROPIEDAD = "accionProtegida"
_TOOLTIP_PROPIO = "tooltipPropio"


def reflejar(
    control: QWidget | QAction,
    permisos: Permisos,
    actor: str | None,
    accion: Accion,
    *,
    ademas: bool = True,
) -> bool:
    """Enable ``control`` iff ``actor`` may do ``accion`` (and ``ademas``: a selection, say);
    when the matrix refuses, its tooltip says so. True when the matrix allows it."""
    if control.property(_TOOLTIP_PROPIO) is None:
        control.setProperty(_TOOLTIP_PROPIO, control.toolTip())
    control.setProperty(PROPIEDAD, accion.name)
    motivo = permisos.motivo(actor, accion)
    control.setEnabled(not motivo and ademas)
    control.setToolTip(motivo or str(control.property(_TOOLTIP_PROPIO)))
    return not motivo


__all__ = ["PROPIEDAD", "reflejar"]
