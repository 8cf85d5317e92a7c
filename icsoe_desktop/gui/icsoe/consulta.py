"""Consulta (guía Alta de usuarios, pasos 6-15): the capturistas grid with its Editar, Enviar
email, Activar and Eliminar cells, and Exportar Excel."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.cambios import ICSOE, Cambios
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.icsoe.capturistas_model import (
    ACTIONS,
    ACTIVAR,
    EDITAR,
    ELIMINAR,
    ENVIAR,
    HEADERS,
    CapturistasModel,
    action_available,
)
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.services.capturistas.administracion import (
    MSG_ACTIVAR_PREGUNTA,
    MSG_BAJA,
    MSG_BAJA_PREGUNTA,
    MSG_CORREO_ENVIADO,
    MSG_REACTIVADO,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QBoxLayout

    from icsoe_desktop.services.capturistas.common import CapturistaRow
    from icsoe_desktop.services.container import Services

TITLE = "Consulta"
# Buttons acting on the selected row (the grid's link cells are mouse targets; these and
# Enter/Space on a cell, or the context menu, are the keyboard's way). Enter on a cell that is
# no action opens the row's Editar: the guide's first action, and one that changes nothing by
# itself (Activar and Eliminar ask first, Enviar email sends at once).
BUTTONS = {
    EDITAR: ("&Editar", "editarButton"),
    ENVIAR: ("Enviar e&mail", "enviarEmailButton"),
    ACTIVAR: ("Ac&tivar", "activarButton"),
    ELIMINAR: ("E&liminar", "eliminarButton"),
}
# The widest value each fixed column holds, besides those of the rows read (the Id: only
# those); the rest (names, mail, contratista) share what is left.
SAMPLES = {
    1: "Capturista",
    2: "GARB850101HJCRZT07",  # a CURP: 18 characters
    5: "Registrada",
    6: "Contratista",
    8: "00/00/0000",
    9: "ABC010101AB1",  # an RFC of a persona moral
}
FLEXIBLE = (3, 4, 7)
LINEAS = 2  # a long name, mail or contratista wraps onto a second line instead of being cut
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
ACTIVATE_KEYS = (*ENTER_KEYS, Qt.Key.Key_Space)
CELL_PADDING = 14  # cell margins, grid line and the header's own margins


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
        describir_lista(self.tabla, "Los usuarios capturistas del contratista, uno por fila")
        self.model = CapturistasModel(
            lambda after, limit: services.capturistas.pagina(contratista_rfc, after, limit)
        )
        self.tabla.setModel(self.model)
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.setWordWrap(True)
        alto = QFontMetrics(self.tabla.font()).lineSpacing() * LINEAS + 8
        self.tabla.verticalHeader().setDefaultSectionSize(alto)
        self._fit_columns()
        self.tabla.clicked.connect(self._on_clicked)
        # Keys and context menus are read here: the Menu key's event comes to the grid at the
        # mouse pointer's position, and its menu belongs at the current row.
        self.tabla.installEventFilter(self)
        self._anchos: dict[int, int] = {}  # what each column needs on one line (medir)
        self._en_dos: dict[int, int] = {}  # what a name, mail or contratista needs on two
        self._viewport = self.tabla.viewport()  # kept: asked of every event, even at its end
        self._viewport.installEventFilter(self)
        self.buttons: dict[int, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(QLabel("Capturista seleccionado:"))
        for column, (text, name) in BUTTONS.items():
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, c=column: self._act_on_current(c))
            row.addWidget(button)
            self.buttons[column] = button
        row.addStretch(1)
        layout = cast("QBoxLayout", form.layout())  # the form's: a box
        layout.insertLayout(layout.indexOf(self.tabla) + 1, row)
        self.tabla.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)
        self.exportar.clicked.connect(self.export_requested)
        self.reload()
        suscribir(self, services, {ICSOE}, self._on_cambios)  # an import, a sync

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.reload()

    def _fit_columns(self) -> None:
        """Every header, action link and fixed value shown whole, measured with the fonts the
        grid paints with. Headers longer than their values wrap onto two lines instead of being
        cut; names and mail share the remaining width."""
        header = self.tabla.horizontalHeader()
        header.setDefaultAlignment(
            Qt.AlignmentFlag(Qt.AlignmentFlag.AlignCenter.value | Qt.TextFlag.TextWordWrap.value)
        )
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(24)
        for column in range(len(HEADERS)):
            header.resizeSection(column, self.needed_width(column))
        lines = 2 if any(" " in h for h in HEADERS) else 1
        header.setFixedHeight(QFontMetrics(header.font()).lineSpacing() * lines + 10)

    def needed_width(self, column: int) -> int:
        """The narrowest width that shows column ``column`` whole: its header's longest word
        (headers wrap), its widest value, or its action link on the row's two lines."""
        header_metrics = QFontMetrics(self.tabla.horizontalHeader().font())
        cell_metrics = QFontMetrics(self.tabla.font())
        link_font = QFont(self.tabla.font())
        link_font.setUnderline(True)
        widths = [header_metrics.horizontalAdvance(w) for w in HEADERS[column].split()]
        if column in ACTIONS:
            widths.append(_en_dos_lineas(ACTIONS[column][0], QFontMetrics(link_font)))
        elif column not in FLEXIBLE:
            # The sample, and what the rows read hold (a CURP of wide letters in another font).
            values = [SAMPLES.get(column, ""), *self._textos(column)]
            widths.extend(cell_metrics.horizontalAdvance(value) for value in values)
        return max(widths) + CELL_PADDING

    def _textos(self, column: int) -> list[str]:
        """Column ``column``'s texts in the rows read (the first page: a few hundred at most)."""
        model = self.model
        return [str(model.index(row, column).data() or "") for row in range(model.rowCount())]

    def medir(self) -> None:
        """What each column needs for the rows read: the fixed ones, whole; the names, mails and
        contratistas on one line, and at least on two (what ``repartir`` shares the width by)."""
        metrics = QFontMetrics(self.tabla.font())
        self._anchos = {column: self.needed_width(column) for column in range(len(HEADERS))}
        self._en_dos = {}
        for column in FLEXIBLE:
            textos = self._textos(column)
            una = [metrics.horizontalAdvance(t) + CELL_PADDING for t in textos]
            dos = [_en_dos_lineas(t, metrics) + CELL_PADDING for t in textos]
            self._anchos[column] = max([self._anchos[column], *una])
            self._en_dos[column] = max([self.needed_width(column), *dos])
        self.repartir()

    def repartir(self) -> None:
        """The fixed columns as measured; the width left goes to the names, mails and
        contratistas: each on one line when it all fits, else each at least on two lines
        (LINEAS) and the rest shared by what they still lack."""
        if not self._anchos:  # not measured yet
            return
        header = self.tabla.horizontalHeader()
        fijas = 0
        for column, ancho in self._anchos.items():
            if column not in FLEXIBLE:
                header.resizeSection(column, ancho)
                fijas += ancho
        libre = self.tabla.viewport().width() - fijas
        una = {column: self._anchos[column] for column in FLEXIBLE}
        base = una if sum(una.values()) <= libre else dict(self._en_dos)
        falta = {column: max(una[column] - base[column], 1) for column in FLEXIBLE}
        sobra = max(libre - sum(base.values()), 0)  # shared by what each still lacks
        for column in FLEXIBLE:
            extra = sobra * falta[column] // sum(falta.values())
            header.resizeSection(column, base[column] + extra)

    def reload(self) -> None:
        """Read the list again (an action here, an import, a sync), keeping the clerk on the row
        and column it was."""
        current = self.tabla.currentIndex()
        rows = self.model.rows
        keep = rows[current.row()].id if 0 <= current.row() < len(rows) else None
        shown = len(rows)
        self.model.reload()
        self.model.fetchMore()  # the first page now; the view asks for the rest on scrolling
        while (
            keep is not None
            and self.model.posicion(keep) is None
            and len(self.model.rows) < shown
            and self.model.canFetchMore()
        ):
            self.model.fetchMore()
        if keep is not None and (position := self.model.posicion(keep)) is not None:
            self.tabla.setCurrentIndex(self.model.index(position, current.column()))
        count = self._services.capturistas.total(self._rfc)
        self.total.setText(f"Usuarios capturistas registrados: {count}")
        self.medir()

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

    # --- actions: a click on a link cell, Enter/Space on it, the buttons or the context menu ---

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The event's type first: the grid may be gone already (the window being destroyed).
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.repartir()  # the window resized: the names, mails and contratistas follow
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            self._on_context_menu(event)
            return True
        pressed = event.type() == QEvent.Type.KeyPress and watched is self.tabla
        if pressed and isinstance(event, QKeyEvent) and event.key() in ACTIVATE_KEYS:
            index = self.tabla.currentIndex()
            if index.isValid() and index.column() in ACTIONS:
                self._on_clicked(index)
                return True
            if index.isValid() and event.key() in ENTER_KEYS:
                self._on_clicked(self.model.index(index.row(), EDITAR))
                return True
        return super().eventFilter(watched, event)

    def _current_row(self) -> CapturistaRow | None:
        index = self.tabla.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def _update_buttons(self) -> None:
        row = self._current_row()
        for column, button in self.buttons.items():
            button.setEnabled(row is not None and action_available(row, column))

    def _act_on_current(self, column: int) -> None:
        index = self.tabla.currentIndex()
        if index.isValid():
            self._on_clicked(self.model.index(index.row(), column))

    def _on_context_menu(self, event: QContextMenuEvent) -> None:
        """A right click: the row under the pointer, the menu there. The Menu key (or
        Shift+F10): the current row, the menu at its cell, wherever the pointer is."""
        viewport = self.tabla.viewport()
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            pos = viewport.mapFromGlobal(event.globalPos())
            index = self.tabla.indexAt(pos)
        else:
            index = self.tabla.currentIndex()
            if not index.isValid() and self.model.rowCount():
                index = self.model.index(0, 0)
            pos = self.tabla.visualRect(index).bottomLeft()
            pos.setX(max(pos.x(), 0))
        if not index.isValid():
            return
        self.tabla.setCurrentIndex(index)
        row = self.model.rows[index.row()]
        menu = QMenu(self)
        menu.setObjectName("accionesMenu")
        for column, (text, _name) in BUTTONS.items():
            action = menu.addAction(text)
            action.setEnabled(action_available(row, column))
            action.triggered.connect(lambda _=False, c=column: self._act_on_current(c))
        self.context_menu = menu  # tests read it
        menu.popup(viewport.mapToGlobal(pos))

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
            self,
            MSG_ACTIVAR_PREGUNTA.format(nombre=row.nombre_completo),
            title="Activar usuario",
            default_yes=True,  # the guide: «presiona Continuar»; a baja asks with Cancelar
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


def _en_dos_lineas(texto: str, metrics: QFontMetrics) -> int:
    """The narrowest width that shows ``texto`` on two lines: split at the space that best
    balances them. The grid wraps at spaces only: a text without one (a mail) needs its whole
    width."""
    palabras = texto.split(" ")
    if len(palabras) == 1:
        return metrics.horizontalAdvance(texto)
    mejor = min(
        max(
            metrics.horizontalAdvance(" ".join(palabras[:corte])),
            metrics.horizontalAdvance(" ".join(palabras[corte:])),
        )
        for corte in range(1, len(palabras))
    )
    return mejor + metrics.horizontalAdvance(" ")  # the space the first line ends at
