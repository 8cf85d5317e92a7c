"""Registros patronales: the company's registros patronales, each with the employer's RFC and
razón social (Configuración → Registros patronales…). What is typed and not saved is asked
about before closing, Nuevo, or loading another registro from the grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import QDialog, QHeaderView, QLineEdit, QPushButton, QTableView, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.identifiers import normalize_registro
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar, puede_cerrar
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.sesion import fin_de_sesion
from icsoe_desktop.gui.kit.tabulador import en_orden

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.empresas.registros import RegistroRow

TITLE = "Registros patronales"
MSG_GUARDADO = "El registro patronal {registro} se guardó correctamente."
MSG_ELIMINADO = "Se eliminó el registro patronal {registro}."
MSG_CONFIRMAR_ELIMINAR = "¿Deseas eliminar el registro patronal {registro}?"
MSG_REEMPLAZAR = (
    "El registro patronal {registro} ya existe. ¿Deseas reemplazar su RFC del patrón y su razón "
    "social con los datos capturados?"
)
TIP_REGISTRO_FIJO = "Para capturar otro registro patronal, oprime Nuevo."


class CompactUpperValidator(QValidator):
    """As the user types: capital letters, no spaces or dashes (what the service keeps anyway),
    so that the field's maximum length counts only the characters that matter."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        return (
            QValidator.State.Acceptable,
            normalize_registro(text),
            len(normalize_registro(text[:pos])),
        )


class RegistrosPatronalesDialog(PreguntaAlCerrar, QDialog):
    """Selecting a row of the grid loads it into the form to change its RFC or razón social;
    the registro itself is then fixed (Nuevo frees the form to capture another one)."""

    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RegistrosPatronalesDialog")
        self._services = services
        self._actor = actor
        self._editing: str | None = None  # the registro loaded from the grid, if any
        self._guardado: tuple[str, str, str] = ("", "", "")  # the form as loaded or saved
        self._volviendo = False  # the grid's selection put back, not chosen by the user
        form = load_form("registros_patronales.ui", self)
        self.nuevo = child(form, QPushButton, "nuevoButton")
        self.guardar = child(form, QPushButton, "guardarButton")
        self.guardar.setDefault(True)
        self.eliminar = child(form, QPushButton, "eliminarButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self.registro = child(form, QLineEdit, "registroEdit")
        self.rfc = child(form, QLineEdit, "rfcEdit")
        self.razon_social = child(form, QLineEdit, "razonSocialEdit")
        self.tabla = child(form, QTableView, "registrosTable")
        describir_lista(self.tabla, "Los registros patronales de la empresa, uno por fila")
        self._fields: dict[str, QWidget] = {
            "registro": self.registro,
            "rfc": self.rfc,
            "razonSocial": self.razon_social,
        }
        for edit in (self.registro, self.rfc):
            edit.setValidator(CompactUpperValidator(edit))

        self.model: RowsModel[RegistroRow] = RowsModel(
            ("Registro patronal", "RFC", "Razón social"),
            lambda r: (r.registro, r.rfc, r.razon_social),
        )
        self.tabla.setModel(self.model)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.selectionModel().selectionChanged.connect(self._on_selection)

        # Enter goes to the next field; in the last one it saves (see keyPressEvent).
        self.registro.returnPressed.connect(self.rfc.setFocus)
        self.rfc.returnPressed.connect(self.razon_social.setFocus)
        self.razon_social.returnPressed.connect(self._on_guardar)
        self.nuevo.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.nuevo.setToolTip("Limpia los datos para capturar otro registro patronal (Ctrl+N).")
        self.guardar.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.guardar.setToolTip("Guarda el registro patronal (Ctrl+S).")
        self.eliminar.setToolTip("Elimina el registro patronal seleccionado.")
        self.nuevo.clicked.connect(self._on_nuevo)
        self.guardar.clicked.connect(self._on_guardar)
        self.eliminar.clicked.connect(self._on_eliminar)
        self.cerrar.clicked.connect(self.reject)
        self.cerrar.setAutoDefault(False)
        # Tab in reading order: the buttons' row on top, the form, the grid, Cerrar under it.
        en_orden(
            self.nuevo, self.guardar, self.eliminar, self.registro, self.rfc, self.razon_social,
            self.tabla, self.cerrar,
        )  # fmt: skip
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(680, 480)
        centrar(self, parent)  # fits the screen, centred on its window
        self.refresh()
        self._set_editing(None)
        self._prefill()
        self._guardado = self._valores()  # offered, not typed: closing asks nothing
        self.registro.setFocus()  # the first field, not the first button of the row on top

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter belongs to the fields (next field; Guardar in the last one) and to a focused
        # button, never to the default button Qt picks for a dialog: Enter in the grid or in
        # the first fields must not save.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # --- grid ----------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """The grid read again; ``select`` is marked in it (the form is left as it is)."""
        self.model.set_rows(self._services.registros.listar())
        if select:
            self._seleccionar(select)

    def selected(self) -> RegistroRow | None:
        rows = self.tabla.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _on_selection(self) -> None:
        row = self.selected()
        if row is None or self._volviendo or row.registro == self._editing:
            return  # deselecting keeps what is in the form
        if self.cambios():
            # The form still holds the edits: the grid shows their registro until answered.
            self._seleccionar(self._editing)
            if not puede_cerrar(self, True, self._on_guardar):
                return
            self._seleccionar(row.registro)
        self._cargar(row)

    def _seleccionar(self, registro: str | None) -> None:
        self._volviendo = True
        try:
            self.tabla.clearSelection()
            for number, row in enumerate(self.model.rows):
                if row.registro == registro:
                    self.tabla.selectRow(number)
        finally:
            self._volviendo = False

    def _cargar(self, row: RegistroRow) -> None:
        self.registro.setText(row.registro)
        self.rfc.setText(row.rfc)
        self.razon_social.setText(row.razon_social)
        self._guardado = self._valores()
        self._set_editing(row.registro)

    def _set_editing(self, registro: str | None) -> None:
        self._editing = registro
        self.registro.setReadOnly(registro is not None)
        self.registro.setToolTip(TIP_REGISTRO_FIJO if registro is not None else "")
        self.eliminar.setEnabled(registro is not None)

    def _valores(self) -> tuple[str, str, str]:
        return (self.registro.text(), self.rfc.text(), self.razon_social.text())

    def cambios(self) -> bool:
        """Typed and not saved: a new registro's data, or a loaded one's RFC or razón social."""
        return self._valores() != self._guardado

    # --- actions -------------------------------------------------------------------------------

    def _on_nuevo(self) -> None:
        if puede_cerrar(self, self.cambios(), self._on_guardar):
            self._limpiar()

    def _limpiar(self) -> None:
        self._seleccionar(None)
        self._set_editing(None)
        for edit in (self.registro, self.rfc, self.razon_social):
            edit.clear()
        self._prefill()
        self._guardado = self._valores()
        self.registro.setFocus()

    def _prefill(self) -> None:
        """A new registro patronal is most often the empresa's own: its RFC and razón social
        (Configuración inicial) are offered, to be changed for another patrón."""
        datos = self._services.primer_uso.empresa()
        self.rfc.setText(datos.rfc)
        self.razon_social.setText(datos.razon_social)

    def _on_guardar(self) -> bool:
        registro = normalize_registro(self.registro.text())
        if (
            self._editing is None
            and any(row.registro == registro for row in self.model.rows)
            and not msgbox.question(self, MSG_REEMPLAZAR.format(registro=registro), title=TITLE)
        ):
            self.registro.setFocus()
            return False
        try:
            row = self._services.registros.save(
                self.registro.text(), self.rfc.text(), self.razon_social.text(), self._actor
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        msgbox.information(self, MSG_GUARDADO.format(registro=row.registro), TITLE)
        self.refresh(select=row.registro)  # the form shows what was stored (normalized)
        self._cargar(row)
        return True

    def guardar_cambios(self) -> bool:
        return self._on_guardar()

    def _on_eliminar(self) -> None:
        registro = self._editing
        if registro is None:
            return
        if not msgbox.question(self, MSG_CONFIRMAR_ELIMINAR.format(registro=registro), title=TITLE):
            return
        try:
            self._services.registros.delete(registro, self._actor)
        except DomainError as exc:
            if fin_de_sesion(exc):  # the session ended: its windows are closing
                return
            msgbox.warning(self, exc.message, TITLE)
            self.refresh(select=registro)
            if self.selected() is None:  # removed meanwhile (another desktop): nothing to keep
                self._limpiar()
            return
        msgbox.information(self, MSG_ELIMINADO.format(registro=registro), TITLE)
        self.refresh()
        self._limpiar()
