"""The empresa on the login window: its name when there is one, a selector when there are
several (the one opened last comes chosen). Choosing one opens it at once, so the expiry panel
and sólo consulta show that empresa; signing in checks the user may work in it. In modo sólo
consulta (no credentials) it offers only the empresas an administrator allowed; ICSOE's entries
ignore it (services/empresas_entrada.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui import msgbox

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services


class EmpresaSelector(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empresaSelector")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.titulo = titulo = QLabel("Empresa:")
        titulo.setObjectName("empresaTituloLabel")
        self.nombre = QLabel("")
        self.nombre.setObjectName("empresaLabel")
        self.combo = QComboBox()
        self.combo.setObjectName("empresaCombo")
        self.combo.setMinimumWidth(280)
        titulo.setBuddy(self.combo)
        layout.addWidget(titulo)
        layout.addWidget(self.nombre, 1)
        layout.addWidget(self.combo, 1)
        self._services: Services | None = None
        self._on_opened: Callable[[], None] = lambda: None
        self._solo_consulta = False
        self.combo.activated.connect(self._chosen)
        self.setVisible(False)

    def set_services(self, services: Services, on_opened: Callable[[], None]) -> None:
        self._services, self._on_opened = services, on_opened
        self.refresh()

    def set_solo_consulta(self, solo_consulta: bool) -> None:
        """Sólo consulta lists only the empresas allowed; the open one, if not allowed, gives
        way to the first that is."""
        self._solo_consulta = solo_consulta
        services = self._services
        if services is None:
            return
        if solo_consulta and not services.empresas.obtener(services.empresa.id).solo_consulta:
            permitidas = services.empresas.listar_solo_consulta()
            if permitidas:
                self._abrir(permitidas[0].id)
        self.refresh()

    def refresh(self) -> None:
        """Fill from the catalog, the open empresa chosen."""
        if self._services is None:
            return
        empresas = self._services.empresas.listar()
        abierta = self._services.empresa
        if self._solo_consulta:
            empresas = [e for e in empresas if e.solo_consulta]
        self.combo.clear()
        for empresa in empresas:
            self.combo.addItem(empresa.etiqueta, empresa.id)
        self.combo.setCurrentIndex(max(0, self.combo.findData(abierta.id)))
        if not empresas:  # sólo consulta with no empresa allowed
            from icsoe_desktop.services.empresas import NINGUNA_SOLO_CONSULTA

            self.nombre.setText(f'<span style="color:#b00020;">{NINGUNA_SOLO_CONSULTA}</span>')
        else:
            self.nombre.setText(f"<b>{abierta.etiqueta}</b>")
        several = len(empresas) > 1
        self.combo.setVisible(several)
        self.nombre.setVisible(not several)
        self.setVisible(True)

    def _chosen(self, index: int) -> None:
        services = self._services
        empresa_id = self.combo.itemData(index)
        if services is None or empresa_id is None or empresa_id == services.empresa.id:
            return
        self._abrir(int(empresa_id))

    def _abrir(self, empresa_id: int) -> None:
        assert self._services is not None
        try:
            self._services.abrir_empresa(empresa_id)
        except DomainError as exc:
            msgbox.warning(self.window(), exc.message)
            self.refresh()
            return
        if self._services.avisos:
            from icsoe_desktop.gui.respaldo import avisar

            avisar(self.window(), self._services)
        self._on_opened()
