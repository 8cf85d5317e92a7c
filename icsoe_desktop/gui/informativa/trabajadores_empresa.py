"""Agregar de la empresa: the empresa's own workers (known from its movimientos, with their
CURP and last SBC) found by NSS, CURP or nombre as the clerk types, and added to a contract.

The search runs off the GUI thread a moment after the last key (the empresa may have hundreds
of thousands of movimientos); an answer to an older text is dropped. A search the database
refuses (busy with another program's write, a driver's error) says so in Spanish under the
search field, with «Reintentar» beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.modelo import Problema, Trabajador
from icsoe_desktop.domain.movimientos import pesos_text
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import lector, mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.operaciones import REINTENTABLES, en_segundo_plano
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.sesion import fin_de_sesion

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Agregar trabajadores de la empresa"
CABECERAS = ("NSS", "CURP", "Nombre", "SBC")
LIMITE = 200
ESPERA_MS = 300  # after the last key: one search per pause, not one per letter
MSG_ESCRIBE = "Escribe el NSS, la CURP o el nombre del trabajador."
MSG_BUSCANDO = "Buscando…"
MSG_NADA = "Ningún trabajador de la empresa coincide con «{texto}»."
MSG_LIMITE = "Se muestran los primeros {n}: escribe más para acotar la búsqueda."
MSG_SELECCIONA = "Selecciona en la lista los trabajadores que quieres agregar."
MSG_NO_AGREGADOS = "No se agregó ningún trabajador:"
MAX_PROBLEMAS = 10
REINTENTAR = "Reintentar"


def _celdas(t: Trabajador) -> tuple[str, str, str, str]:
    return (t.nss, t.curp, t.nombre, pesos_text(t.sbc) if t.sbc else "")


def _problema(problema: Problema, trabajadores: list[Trabajador]) -> str:
    """A problem named by the worker it is about (its line is its place in the selection)."""
    renglon = problema.renglon
    if renglon is None or not 1 <= renglon <= len(trabajadores):
        return problema.mensaje
    t = trabajadores[renglon - 1]
    return f"{t.nombre or 'NSS ' + t.nss}: {problema.mensaje}"


class TrabajadoresEmpresaDialog(QDialog):
    """``agregados``: how many workers were added to the contract while it was open; the
    dialog ends accepted when there were any (``exec()`` is true: reload the contract)."""

    def __init__(
        self,
        services: Services,
        actor: str | None,
        contrato_uuid: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TrabajadoresEmpresaDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor, self._contrato = services, actor, contrato_uuid
        self.agregados = 0
        self._busqueda = 0  # the latest search asked: older answers are dropped
        self._abierto = True
        layout = QVBoxLayout(self)
        fila = QHBoxLayout()
        etiqueta = QLabel("Buscar:")
        self.buscar = QLineEdit()
        self.buscar.setObjectName("buscarEdit")
        self.buscar.setPlaceholderText("NSS, CURP o nombre")
        self.buscar.setClearButtonEnabled(True)
        self.buscar.setMaxLength(100)
        etiqueta.setBuddy(self.buscar)
        fila.addWidget(etiqueta)
        fila.addWidget(self.buscar, 1)
        layout.addLayout(fila)
        self.estado = QLabel(MSG_ESCRIBE)
        self.estado.setObjectName("estadoLabel")
        self.estado.setWordWrap(True)
        # Shown with a refused search only: the same search again.
        self.reintentar = QPushButton(f"&{REINTENTAR}")  # its letter kept while hidden
        self.reintentar.setObjectName("reintentarButton")
        self.reintentar.setAutoDefault(False)
        self.reintentar.hide()
        estado = QHBoxLayout()
        estado.addWidget(self.estado, 1)
        estado.addWidget(self.reintentar)
        layout.addLayout(estado)
        self.model: RowsModel[Trabajador] = RowsDerechaModel(CABECERAS, _celdas, derecha={3})
        self.tabla = QTableView()
        self.tabla.setObjectName("trabajadoresTable")
        self.tabla.setAccessibleName("Trabajadores de la empresa")
        describir_lista(self.tabla, "Los trabajadores que la empresa ya conoce, uno por fila")
        self.tabla.setTabKeyNavigation(False)  # the arrows move in a list, Tab leaves it
        self.tabla.setModel(self.model)
        self.tabla.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabla.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tabla.verticalHeader().hide()
        self.tabla.setWordWrap(False)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        width = self.tabla.fontMetrics().horizontalAdvance
        header.resizeSection(0, width("00000000000") + 24)
        header.resizeSection(1, width("WWWW000000WWWWWW00") + 24)
        header.resizeSection(3, width("000,000.00") + 24)
        layout.addWidget(self.tabla, 1)
        buttons = QDialogButtonBox()
        self.agregar = QPushButton("Agregar seleccionados")
        self.agregar.setObjectName("agregarButton")
        # No default button: Enter in the search field searches at once, never adds what an
        # earlier search left selected.
        self.agregar.setAutoDefault(False)
        self.agregar.setEnabled(False)
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        self.cerrar.setAutoDefault(False)
        buttons.addButton(self.agregar, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ESPERA_MS)
        self._timer.timeout.connect(self.buscar_ahora)
        self.buscar.textChanged.connect(lambda _t: self._timer.start())
        self.buscar.returnPressed.connect(self.buscar_ahora)
        self.tabla.selectionModel().selectionChanged.connect(lambda *_: self._refresh_agregar())
        self.tabla.doubleClicked.connect(lambda _index: self._agregar())
        self.agregar.clicked.connect(self._agregar)
        self.reintentar.clicked.connect(self.buscar_ahora)
        self.cerrar.clicked.connect(self.reject)
        self.finished.connect(self._cerrado)
        self.resize(860, 480)
        centrar(self, parent)  # fits the screen, centred on its window
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.buscar.setFocus()

    # --- search --------------------------------------------------------------------------------

    def buscar_ahora(self) -> None:
        """Search for what is typed now (the pause after the last key does it)."""
        self._timer.stop()
        self.reintentar.hide()
        texto = self.buscar.text().strip()
        self._busqueda += 1
        numero = self._busqueda
        if not texto:
            self._mostrar(numero, texto, [])
            return
        lector.estado(self.estado, MSG_BUSCANDO)
        servicio = self._services.informativa_trabajadores
        en_segundo_plano(
            lambda: servicio.buscar_en_la_empresa(texto, LIMITE),
            lambda filas: self._mostrar(numero, texto, filas),
            lambda exc: self._fallo(numero, exc),
        )

    def _mostrar(self, numero: int, texto: str, filas: list[Trabajador]) -> None:
        if not self._abierto or numero != self._busqueda:
            return  # closed meanwhile, or the clerk kept typing
        self.model.set_rows(filas)
        if not texto:
            self.estado.setText(MSG_ESCRIBE)
        elif not filas:
            lector.estado(self.estado, MSG_NADA.format(texto=texto))
        elif len(filas) >= LIMITE:
            lector.estado(self.estado, MSG_LIMITE.format(n=LIMITE))
        else:
            encontrados = plural(len(filas), "trabajador encontrado", "trabajadores encontrados")
            lector.estado(self.estado, f"{encontrados}. {MSG_SELECCIONA}")
        if filas:
            self.tabla.selectRow(0)
        self._refresh_agregar()

    def _fallo(self, numero: int, exc: BaseException) -> None:
        if not self._abierto or numero != self._busqueda:
            return
        if not isinstance(exc, DomainError):
            raise exc  # a bug: the app's error hook reports it
        if fin_de_sesion(exc):
            return  # the application closes the window and says why
        self.model.set_rows([])
        lector.estado(self.estado, exc.message, urgente=True)
        if exc.code in REINTENTABLES:
            self.reintentar.show()
        self._refresh_agregar()

    def reject(self) -> None:
        """Cerrar (or Esc): accepted when workers were added, so the caller reloads its grid."""
        if self.agregados:
            self.accept()
        else:
            super().reject()

    def _cerrado(self, _result: int) -> None:
        self._abierto = False
        self._timer.stop()

    # --- add -----------------------------------------------------------------------------------

    def seleccionados(self) -> list[Trabajador]:
        filas = sorted({i.row() for i in self.tabla.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in filas]

    def _refresh_agregar(self) -> None:
        self.agregar.setEnabled(bool(self.tabla.selectionModel().selectedRows()))

    def _agregar(self) -> None:
        trabajadores = self.seleccionados()
        if not trabajadores:
            msgbox.information(self, MSG_SELECCIONA, TITLE)
            return
        try:
            resultado = self._services.informativa_trabajadores.agregar_de_la_empresa(
                self._contrato, self._actor, trabajadores
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        if resultado.problemas:
            lineas = [_problema(p, trabajadores) for p in resultado.problemas[:MAX_PROBLEMAS]]
            resto = len(resultado.problemas) - len(lineas)
            if resto > 0:
                lineas.append(f"… y {plural(resto, 'problema')} más.")
            msgbox.warning(self, MSG_NO_AGREGADOS + "\n\n" + "\n".join(lineas), TITLE)
            return
        self.agregados += resultado.agregados
        verbo = "Se agregó" if resultado.agregados == 1 else "Se agregaron"
        trabajadores_texto = plural(resultado.agregados, "trabajador", "trabajadores")
        msgbox.information(self, f"{verbo} {trabajadores_texto} al contrato.", TITLE)
        self.tabla.clearSelection()
        self.buscar.setFocus()
        self.buscar.selectAll()
