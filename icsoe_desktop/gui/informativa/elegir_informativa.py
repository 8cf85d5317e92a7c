"""The «Informativa:» choice of the windows that act on a signed or filed one (Registrar
presentación, Exportar para el cliente): the one they were opened from, fixed, or those the
service offers the actor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import msgbox

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.captura import FilaInformativa
    from icsoe_desktop.services.informativa.presentacion import Elegible


def combo_de_informativas(
    parent: QWidget | None,
    services: Services,
    actor: str | None,
    informativa: str | None,
    elegibles: Callable[[], list[Elegible]],
    texto: Callable[[FilaInformativa], str],
    titulo: str,
) -> QComboBox:
    """``informativa`` alone and fixed (named by ``texto``), or every one of ``elegibles()``;
    a refusal is shown and leaves the list empty."""
    combo = QComboBox()
    combo.setObjectName("informativaCombo")
    if informativa is not None:
        combo.addItem(texto(services.informativas.fila(informativa, actor)), informativa)
        combo.setEnabled(False)
        return combo
    try:
        opciones = elegibles()
    except DomainError as exc:
        msgbox.warning(parent, exc.message, titulo)
        opciones = []
    for opcion in opciones:
        combo.addItem(opcion.texto, opcion.uuid)
    return combo
