"""The import assistant: a table file as it is (its first rows), the header row the intake chose
(changeable with the spin box or a click on a row), each column's field in a drop-down («No se
usa» for the ones not read), and the rows it will leave out and why. The clerk corrects and
accepts (two columns of one field compared side by side first: comparar_columnas.py); the
columns are then remembered for this empresa's files of the same shape, so next
month's file goes straight in (services/archivos/mapeos.py).

``guia_de_importacion`` is what every import calls before it reads a table: it opens the window
only for a file the intake cannot read by itself (a required column not found), or when the
clerk asked for it («Revisar columnas…»)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.comparar_columnas import CompararColumnasDialog, juntas
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.services.archivos import mapeos
from icsoe_desktop.services.archivos.alcance import letra_columna
from icsoe_desktop.services.archivos.importaciones import Importacion
from icsoe_desktop.services.archivos.lectura import SIN_ENCABEZADO, Guia, Lectura

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

NO_SE_USA = "No se usa"
SIN_ENCABEZADO_TEXTO = "Sin encabezado"
REVISAR = "Revisar columnas…"
MSG_INCIERTA = (
    "No se encontraron en «{archivo}» las columnas: {faltan}. Elige la fila de encabezados y, "
    "para cada columna, el dato que contiene (los marcados con * son obligatorios); se "
    "recordará para los archivos con las mismas columnas."
)
MSG_REVISAR = (
    "Así se leerá «{archivo}». Corrige la fila de encabezados o el dato de cada columna si hace "
    "falta (los marcados con * son obligatorios); se recordará para los archivos con las mismas "
    "columnas."
)
MSG_COLUMNAS = (
    "En «{archivo}», varias columnas son el mismo dato y no dicen lo mismo (abajo, cuáles): "
    "elige en cada columna el dato que contiene (los marcados con * son obligatorios); se "
    "recordará para los archivos con las mismas columnas."
)
MSG_HOJAS = (
    "«{archivo}» tiene el encabezado en las hojas {hojas}. Elige en «Hoja» cuál importar; "
    "luego revisa la fila de encabezados y el dato de cada columna."
)
MSG_FALTAN = "Falta elegir la columna de: {faltan}."
MSG_AMBIGUAS = "Las columnas {columnas} son todas «{campo}» y no coinciden: elige una."
COMPARAR = "Comparar {columnas}…"
ELIGE_HOJA = "Elige la hoja…"
MSG_NO_RECORDADA = "Las columnas no se recordarán: {motivo}"
# Rows read to list the ones left out (a total at the bottom): a file shown here is a month's.
_FILAS_REVISADAS = 20_000


class ListaDeCampos(QComboBox):
    """A column's field: what the clerk types only moves within the list (typing «NSS» passes
    through «Nombre»); the choice counts (``elegido``) when the clerk confirms it: picking it
    in the open list, Enter, leaving the list, or stopping typing (the list's own search
    ends: what the red line says then follows at once, the focus still in the list). A change
    made while the list has no keyboard focus (a click in the open list, a test) counts at
    once."""

    elegido = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._confirmado = -1
        self.currentIndexChanged.connect(self._al_cambiar)
        # The list's type-ahead search ends after the keyboard input interval: so does a choice
        # typed in it.
        self._pausa = QTimer(self)
        self._pausa.setSingleShot(True)
        self._pausa.setInterval(QApplication.keyboardInputInterval() + 100)
        self._pausa.timeout.connect(self._tras_escribir)

    def confirmado(self) -> None:
        """The current item is the one the reading uses."""
        self._confirmado = self.currentIndex()

    def _confirmar(self) -> None:
        if self.currentIndex() != self._confirmado:
            self._confirmado = self.currentIndex()
            self.elegido.emit()

    def _al_cambiar(self, _index: int) -> None:
        if not self.hasFocus() or self.view().isVisible():
            self._confirmar()
        else:
            self._pausa.start()  # typed: counts once the typing stops

    def _tras_escribir(self) -> None:
        if not self.view().isVisible():
            self._confirmar()

    def hidePopup(self) -> None:
        super().hidePopup()
        QTimer.singleShot(0, self, self._confirmar)  # after the picked item becomes current

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.currentIndex() != self._confirmado
        ):
            self._confirmar()
            return  # Enter confirms the field; it does not also press Aceptar
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if not self.view().isVisible():
            self._confirmar()


class AsistenteImportacionDialog(QDialog):
    def __init__(
        self,
        importacion: Importacion,
        path: Path,
        leida: Lectura,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AsistenteImportacionDialog")
        self._importacion, self._path = importacion, Path(path)
        leida.revisar(_FILAS_REVISADAS)  # what it says below depends on the rows read
        self.lectura = leida
        form = load_form("asistente_importacion.ui", self)
        self.setWindowTitle(f"Asistente de importación — {self._path.name}")
        self.mensaje = child(form, QLabel, "mensajeLabel")
        self.hoja = child(form, QComboBox, "hojaCombo")
        self.hoja_label = child(form, QLabel, "hojaLabel")
        self.encabezado = child(form, QSpinBox, "encabezadoSpin")
        self.filas = child(form, QTableWidget, "filasTable")
        self.columnas_form = child(form, QFormLayout, "columnasForm")
        child(form, QWidget, "columnasArea").setAccessibleDescription(
            "Una lista por columna del archivo, para decir qué dato trae; Tab pasa a la siguiente."
        )
        self.omitidas = child(form, QListWidget, "omitidasList")
        describir_lista(
            self.omitidas, "Las filas del archivo que no se importarán, una por renglón"
        )
        self.faltan = child(form, QLabel, "faltanLabel")
        self.aceptar = child(form, QPushButton, "aceptarButton")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self.combos: dict[str, ListaDeCampos] = {}
        colores.pintar(self.faltan, colores.ERROR)
        # Under the notice: a «Comparar…» button for each field two columns compete for.
        self.comparar: dict[str, QPushButton] = {}
        self._comparar_layout = QHBoxLayout()
        principal = child(form, QBoxLayout, "mainLayout")
        principal.insertLayout(principal.indexOf(self.faltan) + 1, self._comparar_layout)
        plantilla = MSG_INCIERTA if leida.incierta else MSG_REVISAR
        faltan = ", ".join(c.titulo for c in leida.faltantes)
        if leida.columnas_ambiguas and not leida.faltantes:
            plantilla = MSG_COLUMNAS
        hojas = leida.hojas_ambiguas
        if hojas:
            plantilla = MSG_HOJAS
            self._elegida_por_el_usuario = False
        else:
            self._elegida_por_el_usuario = True
        nombres = ", ".join(f"«{h}»" for h in hojas[:-1]) + (f" y «{hojas[-1]}»" if hojas else "")
        self.mensaje.setText(
            plantilla.format(archivo=self._path.name, faltan=faltan, hojas=nombres)
        )
        self._llenar_hojas(leida)
        self._llenar_filas(leida)
        self.encabezado.setSpecialValueText(SIN_ENCABEZADO_TEXTO)
        ultima = max((n for n, _ in leida.filas_crudas), default=0)
        self.encabezado.setRange(SIN_ENCABEZADO, ultima)
        self.encabezado.setValue(leida.fila_encabezado)
        self.encabezado.valueChanged.connect(self._cambiar_encabezado)
        self.filas.cellClicked.connect(self._fila_elegida)
        self.aceptar.clicked.connect(self.accept)
        self.cancelar.clicked.connect(self.reject)
        self.aceptar.setDefault(True)
        self._mostrar(leida)
        mnemonics.assign(self)  # Alt-letters for the buttons, the spin box and each column
        self.resize(900, 620)
        centrar(self, parent)
        self._abrir_en_ambiguas(leida)

    def _abrir_en_ambiguas(self, leida: Lectura) -> None:
        """Two columns of one field: the table shows the first of them (the others beside it)
        and the button that compares them has the focus (Enter opens the comparison)."""
        columnas = [c for grupo in leida.columnas_ambiguas.values() for c in grupo]
        if not columnas:
            return
        primera = self.filas.model().index(0, leida.columnas.index(columnas[0]))
        self.filas.scrollTo(primera)
        next(iter(self.comparar.values())).setFocus()

    def _llenar_comparar(self, leida: Lectura) -> None:
        while (item := self._comparar_layout.takeAt(0)) is not None:
            if (boton := item.widget()) is not None:
                boton.deleteLater()
        self.comparar = {}
        for clave, columnas in leida.columnas_ambiguas.items():
            boton = QPushButton(
                COMPARAR.format(columnas=juntas([leida.letra(c) for c in columnas]))
            )
            boton.setObjectName(f"comparar_{clave}")
            boton.setProperty("campo", clave)
            boton.setToolTip("Muestra las columnas lado a lado para elegir cuál usar")
            boton.clicked.connect(self._comparar)
            self._comparar_layout.addWidget(boton)
            self.comparar[clave] = boton
        if self.comparar:
            self._comparar_layout.addStretch(1)
        if not self.isHidden():
            mnemonics.assign(self)

    def _comparar(self) -> None:
        """The columns of one field side by side; the one the clerk picks takes the field."""
        boton = self.sender()
        clave = boton.property("campo") if isinstance(boton, QPushButton) else None
        if clave not in self.lectura.columnas_ambiguas:
            return
        dialog = CompararColumnasDialog(self.lectura, clave, self)
        if ejecutar_modal(dialog) != QDialog.DialogCode.Accepted or dialog.elegida is None:
            return
        combo = self.combos[dialog.elegida]
        combo.setCurrentIndex(combo.findData(clave))  # confirmed at once: it has no focus
        combo.setFocus()

    # --- the file as it is ------------------------------------------------------------------

    def _llenar_hojas(self, leida: Lectura) -> None:
        """The visible sheets of a workbook of several (hidden for a CSV or a lone sheet)."""
        visibles = leida.eleccion.visibles
        varias = len(visibles) > 1
        self.hoja.setVisible(varias)
        self.hoja_label.setVisible(varias)
        self.hoja.blockSignals(True)
        self.hoja.clear()
        self.hoja.addItems(list(visibles))
        if not self._elegida_por_el_usuario:  # several have the header: the clerk says which
            self.hoja.insertItem(0, ELIGE_HOJA)
            self.hoja.setCurrentIndex(0)
        elif leida.hoja in visibles:
            self.hoja.setCurrentIndex(visibles.index(leida.hoja))
        self.hoja.blockSignals(False)
        self.hoja.currentTextChanged.connect(self._cambiar_hoja)

    def _cambiar_hoja(self, hoja: str) -> None:
        """Another sheet: read as the intake reads it, header and columns found again."""
        if hoja == ELIGE_HOJA:
            return
        leida = mapeos.leer(self._importacion, self._path, Guia.de_hoja(hoja))
        if leida is not None:
            self._elegida_por_el_usuario = True
            self.filas.clearContents()
            self.lectura = leida
            self._llenar_filas(leida)
            self.encabezado.blockSignals(True)
            ultima = max((n for n, _ in leida.filas_crudas), default=0)
            self.encabezado.setRange(SIN_ENCABEZADO, ultima)
            self.encabezado.setValue(leida.fila_encabezado)
            self.encabezado.blockSignals(False)
            self.combos = {}
            self._mostrar(leida)

    def _llenar_filas(self, leida: Lectura) -> None:
        crudas = leida.filas_crudas
        ancho = max((len(cells) for _, cells in crudas), default=0)
        self.filas.setRowCount(len(crudas))
        self.filas.setColumnCount(ancho)
        columnas_ocultas = leida.eleccion.columnas_ocultas
        self.filas.setHorizontalHeaderLabels(
            [
                letra_columna(i) + (" (oculta)" if i in columnas_ocultas else "")
                for i in range(ancho)
            ]
        )
        ocultas = leida.eleccion.filas_ocultas
        self.filas.setVerticalHeaderLabels(
            [f"{n} (oculta)" if n in ocultas else str(n) for n, _ in crudas]
        )
        for r, (_, cells) in enumerate(crudas):
            for c, text in enumerate(cells):
                self.filas.setItem(r, c, QTableWidgetItem(text))
        header = self.filas.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.filas.resizeColumnsToContents()
        for c in range(ancho):
            self.filas.setColumnWidth(c, min(self.filas.columnWidth(c), 220))

    def _marcar_encabezado(self, fila: int) -> None:
        for r, (numero, _) in enumerate(self.lectura.filas_crudas):
            for c in range(self.filas.columnCount()):
                item = self.filas.item(r, c)
                if item is not None:
                    font = QFont(item.font())
                    font.setBold(numero == fila)
                    item.setFont(font)

    def _fila_elegida(self, row: int, _column: int) -> None:
        self.encabezado.setValue(self.lectura.filas_crudas[row][0])

    # --- the clerk's corrections ------------------------------------------------------------

    def _cambiar_encabezado(self, fila: int) -> None:
        """Another header row: its columns mapped again by name, as the intake would."""
        numeros = {n for n, _ in self.lectura.filas_crudas}
        if fila != SIN_ENCABEZADO and fila not in numeros:
            return  # a blank row between the ones shown: wait for the next value
        hoja = self.lectura.hoja if self._elegida_por_el_usuario else None
        leida = mapeos.leer(self._importacion, self._path, Guia.de_hoja(hoja) if hoja else None,
                            fila_encabezado=fila)  # fmt: skip
        if leida is not None:
            self._mostrar(leida)

    def _cambiar_campo(self) -> None:
        """The field the clerk confirmed for a column: a column that had it gives it up (shown
        as «No se usa»), never the other way round."""
        elegida = self.sender()
        campo = elegida.currentData() if isinstance(elegida, ListaDeCampos) else None
        campos = tuple(
            None
            if campo is not None and combo is not elegida and combo.currentData() == campo
            else combo.currentData()
            for combo in (self.combos[col] for col in self.lectura.columnas)
        )
        hoja = self.lectura.hoja if self._elegida_por_el_usuario else None
        guia = Guia(self.lectura.fila_encabezado, campos, hoja)
        leida = mapeos.leer(self._importacion, self._path, guia)
        if leida is not None:
            self._mostrar(leida)

    def _mostrar(self, leida: Lectura) -> None:
        # Read through (and dropped) so the rows left out below the data are known too, and
        # two columns of one field that part further down are asked about. Two sheets or two
        # columns to choose from: the rows wait for the clerk's choice.
        leida.revisar(_FILAS_REVISADAS)
        columnas_cambian = leida.columnas != self.lectura.columnas or not self.combos
        self.lectura = leida
        self._marcar_encabezado(leida.fila_encabezado)
        if columnas_cambian:
            self._llenar_columnas(leida)
        else:
            for col, combo in self.combos.items():
                combo.setCurrentIndex(max(0, combo.findData(leida.mapeo.get(col))))
                combo.confirmado()
        self.omitidas.clear()
        self.omitidas.addItems([f"Fila {n}: {motivo}" for n, motivo in leida.omitidas])
        faltan = leida.faltantes
        avisos = [MSG_FALTAN.format(faltan=", ".join(c.titulo for c in faltan))] if faltan else []
        titulos = {c.clave: c.titulo for c in leida.esquema.campos}
        for clave, columnas in leida.columnas_ambiguas.items():
            todas = juntas([leida.letra(c) for c in columnas])
            avisos.append(MSG_AMBIGUAS.format(columnas=todas, campo=titulos[clave]))
        self.faltan.setText(" ".join(avisos))
        self._llenar_comparar(leida)
        self._tab_en_orden()
        # Several sheets with the header: Aceptar waits for the clerk to choose one.
        self.aceptar.setEnabled(
            not faltan and not leida.columnas_ambiguas and self._elegida_por_el_usuario
        )

    def _tab_en_orden(self) -> None:
        """Tab in reading order: each column's list right after the area holding them (they
        were added after the buttons below it), the rows left out beside them, then the
        buttons."""
        area = self.findChild(QWidget, "columnasArea")
        en_orden(
            self.hoja, self.encabezado, self.filas, area, *self.combos.values(),
            self.omitidas, *self.comparar.values(), self.aceptar, self.cancelar,
        )  # fmt: skip

    def _llenar_columnas(self, leida: Lectura) -> None:
        while self.columnas_form.rowCount():
            self.columnas_form.removeRow(0)
        self.combos = {}
        campos = leida.esquema.campos
        for col in leida.columnas:
            combo = ListaDeCampos()
            combo.setObjectName(f"columna_{len(self.combos)}")
            combo.addItem(NO_SE_USA, None)
            for campo in campos:
                combo.addItem(campo.titulo + (" *" if campo.requerido else ""), campo.clave)
            combo.setCurrentIndex(max(0, combo.findData(leida.mapeo.get(col))))
            combo.confirmado()
            combo.elegido.connect(self._cambiar_campo)
            oculta = leida.columnas.index(col) in leida.eleccion.columnas_ocultas
            label = QLabel(f"{col} (oculta):" if oculta else f"{col}:")
            label.setBuddy(combo)
            self.columnas_form.addRow(label, combo)
            self.combos[col] = combo
        if not self.isHidden():
            mnemonics.assign(self)


class Cancelada(Exception):
    """The clerk closed the assistant: nothing is imported."""


def guia_de_importacion(
    parent: QWidget,
    services: Services,
    actor: str | None,
    importacion: Importacion,
    path: Path,
    revisar: bool = False,
) -> Guia | None:
    """How the import should read ``path``: a remembered guide (no window), the clerk's (the
    assistant, remembered on Aceptar), or None (the intake reads it by itself, or it is no
    table: the import says what is wrong). Raises Cancelada on Cancelar."""
    leida = mapeos.leer(importacion, path)
    if leida is None:
        return None
    recordada = services.mapeos.recordada(importacion, leida)
    if not revisar:
        if recordada is not None and not leida.hojas_ambiguas:  # the sheet is not remembered
            return recordada
        if leida.por_confirmar:  # two columns of one field: do they part further down?
            leida.revisar(_FILAS_REVISADAS)
        if not leida.incierta:
            return None
    elif recordada is not None:
        leida = mapeos.leer(importacion, path, recordada) or leida
    dialog = AsistenteImportacionDialog(importacion, path, leida, parent)
    if ejecutar_modal(dialog) != QDialog.DialogCode.Accepted:
        raise Cancelada
    final = dialog.lectura
    try:
        services.mapeos.recordar(actor, importacion, final)
    except (DomainError, OSError) as exc:  # the import goes on; only the memory is lost
        motivo = exc.message if isinstance(exc, DomainError) else str(exc)
        msgbox.warning(parent, MSG_NO_RECORDADA.format(motivo=motivo))
    return final.guia


def boton_revisar(
    junto_a: QPushButton, al_pulsar: Callable[[], object], texto: str = REVISAR
) -> QPushButton:
    """«Revisar columnas…» beside an import's button: the same file picker, then the assistant
    whatever the intake thinks of the file."""
    boton = QPushButton(texto, junto_a.parentWidget())
    boton.setObjectName(f"{junto_a.objectName() or 'importar'}Revisar")
    boton.setToolTip("Elige el archivo y revisa cómo se leerán sus columnas antes de importarlo")
    boton.clicked.connect(al_pulsar)
    boton.setHidden(junto_a.isHidden())  # no import (sólo consulta): no review either
    padre = junto_a.parentWidget()
    layout = _layout_con(padre.layout() if padre is not None else None, junto_a)
    if layout is not None:
        layout.insertWidget(layout.indexOf(junto_a) + 1, boton)
    QWidget.setTabOrder(junto_a, boton)  # Tab goes to it from its import, not last
    return boton


def _layout_con(layout: QLayout | None, widget: QWidget) -> QBoxLayout | None:
    """The row or column of ``layout`` (or of a layout inside it) that holds ``widget``. The
    layouts inside are its QObject children, not ``itemAt(i).layout()``: an item is not a
    QObject, and PySide6 may answer that with a kept wrapper of a freed spacer."""
    if layout is None:
        return None
    for caja in (layout, *layout.findChildren(QBoxLayout)):
        if isinstance(caja, QBoxLayout) and caja.indexOf(widget) >= 0:
            return caja
    return None
