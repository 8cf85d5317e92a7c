"""Consulta (guía Alta de usuarios, pasos 6-15): the capturistas grid with its Editar, Enviar
email, Activar and Eliminar cells, and Exportar Excel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableView, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui import msgbox
from icsoe_desktop.gui.capturistas_model import (
    ACTIVAR,
    EDITAR,
    ELIMINAR,
    ENVIAR,
    CapturistasModel,
    action_available,
)
from icsoe_desktop.gui.forms import child, load_form
from icsoe_desktop.services.capturistas import (
    MSG_ACTIVAR_PREGUNTA,
    MSG_BAJA,
    MSG_BAJA_PREGUNTA,
    MSG_CORREO_ENVIADO,
    MSG_REACTIVADO,
)

if TYPE_CHECKING:
    from icsoe_desktop.services.capturistas import CapturistaRow
    from icsoe_desktop.services.container import Services

TITLE = "Consulta"


class IcsoeConsultaPage(QWidget):
    edit_requested = Signal(object)  # CapturistaRow
    export_requested = Signal()
    mail_queued = Signal()

    def __init__(
        self, services: Services, contratista_rfc: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeConsultaPage")
        self._services = services
        self._rfc = contratista_rfc
        form = load_form("icsoe_consulta.ui", self)
        self.total = child(form, QLabel, "totalLabel")
        self.exportar = child(form, QPushButton, "exportarButton")
        self.tabla = child(form, QTableView, "capturistasTable")
        self.model = CapturistasModel(
            lambda after, limit: services.capturistas.pagina(contratista_rfc, after, limit)
        )
        self.tabla.setModel(self.model)
        header = self.tabla.horizontalHeader()
        # Fixed widths: ResizeToContents would measure every row (slow with 10,000 rows).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(
            (40, 72, 160, 170, 140, 72, 75, 110, 78, 100, 48, 80, 52, 58)
        ):
            header.resizeSection(column, width)
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.verticalHeader().setDefaultSectionSize(24)
        self.tabla.clicked.connect(self._on_clicked)
        self.exportar.clicked.connect(self.export_requested)
        self.reload()

    def reload(self) -> None:
        self.model.reload()
        self.model.fetchMore()  # the first page now; the view asks for the rest on scrolling
        count = self._services.capturistas.total(self._rfc)
        self.total.setText(f"Usuarios capturistas registrados: {count}")

    def cell_index(self, curp: str, column: int) -> QModelIndex:
        """The index of a capturista's cell (tests and keyboard users find rows by CURP)."""
        while self.model.canFetchMore():
            if any(r.curp == curp for r in self.model.rows):
                break
            self.model.fetchMore()
        for position, row in enumerate(self.model.rows):
            if row.curp == curp:
                return self.model.index(position, column)
        return QModelIndex()

    def _on_clicked(self, index: QModelIndex) -> None:
        row = self.model.rows[index.row()]
        column = index.column()
        if not action_available(row, column):
            return
        if column == EDITAR:
            self.edit_requested.emit(row)
        elif column == ENVIAR:
            self._act(
                lambda: self._services.capturistas.enviar_email(self._rfc, row.id),
                MSG_CORREO_ENVIADO,
            )
            self.mail_queued.emit()
        elif column == ELIMINAR:
            if msgbox.question(
                self, MSG_BAJA_PREGUNTA.format(nombre=row.nombre_completo), title="Baja de usuario"
            ):
                self._act(lambda: self._services.capturistas.baja(self._rfc, row.id), MSG_BAJA)
        elif column == ACTIVAR and msgbox.question(
            self, MSG_ACTIVAR_PREGUNTA.format(nombre=row.nombre_completo), title="Activar usuario"
        ):
            self._act(
                lambda: self._services.capturistas.reactivar(self._rfc, row.id), MSG_REACTIVADO
            )

    def _act(self, action, done_text: str) -> None:
        try:
            changed: CapturistaRow = action()
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.reload()
            return
        self.model.replace(changed)
        msgbox.information(self, done_text, TITLE)
