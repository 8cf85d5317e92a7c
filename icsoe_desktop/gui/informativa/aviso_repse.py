"""The line a window of the contratistas' work tells their REPSE registrations with: in red one
that lapsed (its contratista's work is no longer covered), in amber one whose renewal is due and
not asked yet; hidden while every registration is in force. Read off the window's thread, again
after each change of ICSOE's data (a registration, a renewal, a sync)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from icsoe_desktop.domain.cambios import ICSOE, Cambios
from icsoe_desktop.gui.kit import colores, lector
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import en_segundo_plano

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.repse import AvisoRegistro

log = logging.getLogger(__name__)


class AvisoRepse(QLabel):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("avisoRepseLabel")
        self.setWordWrap(True)
        self.hide()
        self._services = services
        self._pedido = 0  # the newest read asked: an older one answering late is dropped
        # By its window: a hidden line would wait to be shown to read again.
        suscribir(parent or self, services, {ICSOE}, self._on_cambios)
        self.leer()

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.leer()

    def leer(self) -> None:
        self._pedido += 1
        pedido, servicio = self._pedido, self._services.repse
        en_segundo_plano(
            servicio.avisos,
            lambda avisos: self._mostrar(pedido, avisos),
            lambda exc: log.warning("No se leyeron los registros REPSE: %r", exc),
            self,
        )

    def _mostrar(self, pedido: int, avisos: list[AvisoRegistro]) -> None:
        if pedido != self._pedido:
            return
        texto = "<br>".join(
            f"<b>{a.contratista_nombre} ({a.contratista_rfc}):</b> {a.texto}" for a in avisos
        )
        if not texto:
            self.hide()
            self.clear()
            return
        self.show()
        if texto == self.text():
            return  # said once, not again at every change of the store
        vencido = any(a.vencido for a in avisos)
        colores.pintar(self, colores.ERROR if vencido else colores.AVISO)
        lector.estado(self, texto, urgente=vencido)
