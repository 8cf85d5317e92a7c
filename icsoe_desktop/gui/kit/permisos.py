"""A control greyed out when the role matrix does not let the session's user do its action,
with the reason as its tooltip and its status tip (the status bar, under the pointer). The
matrix is asked of the services (services/acceso/permisos.py, which also enforce it); the
windows only name which control does which action."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from icsoe_desktop.domain.roles import Accion

if TYPE_CHECKING:
    from icsoe_desktop.services.acceso.permisos import Permisos

# The control's property naming its action: the GUI-wide test walks the matrix through it.
PROPIEDAD = "accionProtegida"
_TOOLTIP_PROPIO = "tooltipPropio"
_STATUS_TIP_PROPIO = "statusTipPropio"


Control = QWidget | QAction


def reflejar(
    control: Control,
    permisos: Permisos,
    actor: str | None,
    accion: Accion,
    *,
    ademas: bool = True,
) -> bool:
    """Enable ``control`` iff ``actor`` may do ``accion`` (and ``ademas``: a selection, say);
    when the matrix refuses, its tooltip says so. True when the matrix allows it."""
    return _mostrar(control, accion, permisos.motivo(actor, accion), ademas)


def reflejar_varios(
    permisos: Permisos, actor: str | None, controles: Iterable[tuple[Control, Accion]]
) -> None:
    """``reflejar`` for each control and its action, the role read once for all of them."""
    pares = list(controles)
    motivos = permisos.motivos(actor, [accion for _control, accion in pares])
    for control, accion in pares:
        _mostrar(control, accion, motivos[accion], True)


def _mostrar(control: Control, accion: Accion, motivo: str, ademas: bool) -> bool:
    if control.property(_TOOLTIP_PROPIO) is None:
        control.setProperty(_TOOLTIP_PROPIO, control.toolTip())
        control.setProperty(_STATUS_TIP_PROPIO, control.statusTip())
    control.setProperty(PROPIEDAD, accion.name)
    control.setEnabled(not motivo and ademas)
    control.setToolTip(motivo or str(control.property(_TOOLTIP_PROPIO)))
    # And in the window's status bar while the pointer is over it (a grey button, a grey menu
    # item): who may use it, where the clerk's eyes go.
    control.setStatusTip(motivo or str(control.property(_STATUS_TIP_PROPIO)))
    return not motivo


__all__ = ["PROPIEDAD", "reflejar", "reflejar_varios"]
