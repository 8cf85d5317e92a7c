"""Contratista a trabajar (guía Ingreso del capturista, pasos 8-10): the contratistas for which
the capturista is Activa; Siguiente → a confirmation naming it → Continuar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHeaderView, QPushButton, QTableView, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.rows_model import RowsModel

if TYPE_CHECKING:
    from icsoe_desktop.services.capturistas.acceso import ContratistaOpcion
    from icsoe_desktop.services.container import Services

TITLE = "Seleccionar Contratista"
# Keys that move the table's cursor; a cursor already on the first or last row does not move.
_NAVEGACION = frozenset(
    {
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }
)
HEADERS = ("Seleccionar", "RFC Contratista", "Nombre, denominación o razón social")
MSG_ELIGE = "Selecciona el contratista con el que vas a trabajar."
MSG_SIN_CONTRATISTAS = "No tienes una relación activa con ningún contratista."
MSG_CONFIRMAR = (
    "Elegiste trabajar con el contratista {nombre} (RFC {rfc}). ¿Estás seguro de que deseas "
    "continuar?"
)


class IcsoeSeleccionarContratistaDialog(QDialog):
    """Accepted with ``elegido`` set."""

    def __init__(self, services: Services, curp: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeSeleccionarContratistaDialog")
        self._services = services
        self._curp = curp
        self.elegido: ContratistaOpcion | None = None
        form = load_form("icsoe_seleccionar_contratista.ui", self)
        self.tabla = child(form, QTableView, "contratistasTable")
        describir_lista(self.tabla, "Los contratistas con los que puedes trabajar, uno por fila")
        self.regresar = child(form, QPushButton, "regresarButton")
        self.siguiente = child(form, QPushButton, "siguienteButton")
        self.siguiente.setDefault(True)  # Enter chooses; Regresar only by its own key or click
        self.model: RowsModel[ContratistaOpcion] = RowsModel(HEADERS, self._cells)
        self.tabla.setModel(self.model)
        self.tabla.verticalHeader().setVisible(False)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.model.set_rows(services.acceso_capturista.contratistas_de(curp))
        self.tabla.selectionModel().selectionChanged.connect(self._on_selection)
        self.tabla.installEventFilter(self)
        self.regresar.clicked.connect(self.reject)
        self.siguiente.clicked.connect(self._on_siguiente)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(620, 320)
        centrar(self, parent)  # fits the screen, centred on its window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Focus puts the table's cursor on the first row without choosing it, and Qt selects
        # only when the cursor moves: Home or Down on a one-row list chose nothing. The row
        # under the cursor is chosen first; Qt then moves on from it as usual.
        if (
            watched is self.tabla
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and Qt.Key(event.key()) in _NAVEGACION
            and self.tabla.currentIndex().isValid()
            and not self.tabla.selectionModel().hasSelection()
        ):
            self.tabla.selectRow(self.tabla.currentIndex().row())
        return super().eventFilter(watched, event)

    def _selected(self) -> ContratistaOpcion | None:
        rows = self.tabla.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _cells(self, option: ContratistaOpcion) -> tuple[str, str, str]:
        mark = "◉" if option == self._selected() else "○"  # the guide's radio column
        return (mark, option.rfc, option.nombre)

    def _on_selection(self) -> None:
        last = self.model.rowCount() - 1
        if last >= 0:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(last, 0))

    def select_rfc(self, rfc: str) -> None:
        for position, option in enumerate(self.model.rows):
            if option.rfc == rfc:
                self.tabla.selectRow(position)

    def _on_siguiente(self) -> None:
        if not self.model.rows:
            msgbox.warning(self, MSG_SIN_CONTRATISTAS, TITLE)
            return
        chosen = self._selected()
        if chosen is None:
            msgbox.warning(self, MSG_ELIGE, TITLE)
            return
        if not msgbox.question(
            self,
            MSG_CONFIRMAR.format(nombre=chosen.nombre, rfc=chosen.rfc),
            title=TITLE,
            default_yes=True,  # guide step 10: «si estás seguro deberás presionar Continuar»
        ):
            return
        try:
            self.elegido = self._services.acceso_capturista.seleccionar(self._curp, chosen.rfc)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.model.set_rows(self._services.acceso_capturista.contratistas_de(self._curp))
            return
        self.accept()
