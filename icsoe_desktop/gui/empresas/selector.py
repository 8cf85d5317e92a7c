"""The empresa on the login window: its name when there is one, a selector when there are
several (the one opened last comes chosen). Choosing one opens it at once, so the expiry panel
and sólo consulta show that empresa; signing in checks the user may work in it. In modo sólo
consulta (no credentials) it offers only the empresas an administrator allowed; ICSOE's entries
ignore it (services/empresas/entrada.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import colores, msgbox

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.empresas.servicio import EmpresaInfo

ANCHO_MINIMO = 280  # px of the selector
ANCHO_TEXTO = 440  # px at Windows' 100 % text: the widest an empresa's name makes the selector


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
        self.nombre.setWordWrap(True)  # a long razón social wraps; the window keeps its width
        self.combo = QComboBox()
        self.combo.setObjectName("empresaCombo")
        self.combo.setMinimumWidth(ANCHO_MINIMO)
        # As wide as its longest empresa (up to ANCHO_TEXTO): the RFC, at the end, is never cut.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
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
        empresas = todas = self._services.empresas.listar()
        abierta = self._services.empresa
        if self._solo_consulta:
            empresas = [e for e in empresas if e.solo_consulta]
        from html import escape

        from PySide6.QtCore import Qt  # not with the login's first paint (start-up budget)

        self.combo.clear()
        for number, empresa in enumerate(empresas):
            self.combo.addItem(self._texto(empresa), empresa.id)
            self.combo.setItemData(number, empresa.etiqueta, Qt.ItemDataRole.ToolTipRole)
        self.combo.setCurrentIndex(max(0, self.combo.findData(abierta.id)))
        # A minimum of its own (else the layout takes the one set below, not its contents').
        self.combo.setMinimumWidth(max(ANCHO_MINIMO, self.combo.minimumSizeHint().width()))
        if not empresas:  # sólo consulta with no empresa allowed
            from icsoe_desktop.services.empresas.servicio import NINGUNA_SOLO_CONSULTA

            rojo = colores.PROPIO[colores.ERROR]
            colores.texto(
                self.nombre, f'<span style="color:{rojo};">{NINGUNA_SOLO_CONSULTA}</span>'
            )
        elif len(todas) > 1:
            # In the selector's place: one line as the selector shows it (a long razón social
            # shortened, never its RFC; whole in the tooltip), so the login keeps its size.
            self.nombre.setText(f"<b>{escape(self._texto(abierta, negrita=True))}</b>")
            self.nombre.setToolTip(abierta.etiqueta)
        else:
            self.nombre.setText(f"<b>{escape(abierta.etiqueta)}</b>")
            self.nombre.setToolTip("")
        self.nombre.setWordWrap(len(todas) <= 1 or not empresas)
        # As tall as the selector it takes turns with (sólo consulta lists fewer empresas): the
        # login keeps its size.
        self.nombre.setMinimumHeight(self.combo.sizeHint().height() if len(todas) > 1 else 0)
        several = len(empresas) > 1
        # The one that goes first: both shown at once, for an instant, would widen the login
        # for good (a window grows to hold its contents, and never shrinks back by itself).
        for widget, visible in sorted(
            ((self.combo, several), (self.nombre, not several)), key=lambda pair: pair[1]
        ):
            widget.setVisible(visible)
        self.setVisible(True)

    def _texto(self, empresa: EmpresaInfo, negrita: bool = False) -> str:
        """«Razón social (RFC)»; a razón social too long for the selector is shortened, never
        its RFC (the whole name is the item's tooltip). ``negrita``: measured in bold."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QFontMetrics

        from icsoe_desktop.gui.kit.colores import PUNTOS_DEL_SISTEMA

        fuente = self.combo.font()
        fuente.setBold(negrita)
        metrics = QFontMetrics(fuente)
        # Larger text, a wider selector: at 200 % a name as long as at 100 % is shown whole.
        ancho = round(ANCHO_TEXTO * max(1.0, self.combo.font().pointSizeF() / PUNTOS_DEL_SISTEMA))
        if metrics.horizontalAdvance(empresa.etiqueta) <= ancho or not empresa.rfc:
            return empresa.etiqueta
        rfc = f" ({empresa.rfc})"
        espacio = ancho - metrics.horizontalAdvance(rfc)
        return metrics.elidedText(empresa.nombre, Qt.TextElideMode.ElideRight, espacio) + rfc

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
            from icsoe_desktop.gui.empresas.respaldo import avisar

            avisar(self.window(), self._services)
        self._on_opened()
