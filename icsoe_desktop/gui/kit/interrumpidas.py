"""At start, the work a previous run left cut short (services/en_curso.py), named once."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from icsoe_desktop.gui.kit import msgbox

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from icsoe_desktop.services.container import Services

log = logging.getLogger(__name__)
TITULO = "Trabajo interrumpido"


def avisar_interrumpidas(parent: QWidget | None, services: Services) -> None:
    """One message for all of them, or none."""
    try:
        interrumpidas = services.en_curso.recoger()
    except OSError as exc:  # the data folder unreadable: the rest of the app says so
        log.warning("No se revisó el trabajo interrumpido: %s", exc)
        return
    if interrumpidas:
        msgbox.information(parent, "\n\n".join(i.aviso() for i in interrumpidas), TITULO)
