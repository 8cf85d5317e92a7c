"""ICSOE › Evidencias del cliente: clients × the twelve months up to the one chosen, each cell
saying whether the month's evidence is complete, what is missing («Faltan 2») or that no receipt
names the client; past its due day and incomplete, in red. The due day of the client chosen is
set beside the list (its portal's day; the 17th of the next month when never set)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.cambios import EVIDENCIAS, ICSOE, NOMINA, Cambios
from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.rows_model import Index, RowsModel
from icsoe_desktop.gui.kit.tabla_lectura import tabla_de_lectura
from icsoe_desktop.services.evidencias.tablero import FilaCliente

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Evidencias del cliente"
FIJAS = ("Cliente RFC", "Cliente", "Entrega")
MESES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
CUANTOS = 12


def _celdas(f: FilaCliente) -> tuple[str, ...]:
    return (f.contratante, f.nombre, f"día {f.dia}", *(c.texto for c in f.celdas))


def _encabezado(mes: Mes) -> str:
    return f"{MESES[mes.mes - 1]} {mes.anio}"


class TableroModel(RowsModel[FilaCliente]):
    """An incomplete month past its due day in red; each cell's tooltip says its due day."""

    def __init__(self) -> None:
        super().__init__((*FIJAS, *([""] * CUANTOS)), _celdas)
        self.hoy = date.today()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        columna = index.column() - len(FIJAS)
        if not index.isValid() or columna < 0:
            return super().data(index, role)
        celda = self.rows[index.row()].celdas[columna]
        if role == Qt.ItemDataRole.ForegroundRole:
            vencida = celda.pendiente and celda.entrega < self.hoy
            return QBrush(colores.color(colores.ERROR, BASE)) if vencida else None
        if role == Qt.ItemDataRole.ToolTipRole:
            texto = f"Entrega: {celda.entrega:%d/%m/%Y}. {plural(celda.recibos, 'recibo')}"
            if celda.sin_xml:
                texto += f", {celda.sin_xml:,} sin su XML"
            return texto + f"; faltan {celda.faltan} de {len(DOCUMENTOS) + 1} documentos."
        return super().data(index, role)


def resumen(filas: list[FilaCliente], mes: str) -> str:
    """What the board says of the last month, as its cells do: a month «Sin recibos» owes no
    evidence and is not counted as incomplete."""
    ultimas = [f.celdas[-1] for f in filas if f.celdas]
    pendientes = sum(1 for c in ultimas if c.pendiente)
    sin_recibos = sum(1 for c in ultimas if c.recibos == 0)
    partes = [f"{plural(pendientes, 'cliente')} sin la evidencia completa"]
    if sin_recibos:
        partes.append(f"{plural(sin_recibos, 'cliente')} sin recibos (nada que entregar)")
    return (
        f"{plural(len(filas), 'cliente')} en {mes}: {'; '.join(partes)}. En rojo, los meses "
        "ya vencidos."
    )


class EvidenciasTableroDialog(QDialog):
    def __init__(
        self, services: Services, usuario: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EvidenciasTableroDialog")
        self.setWindowTitle(TITLE)
        self._services, self._usuario = services, usuario
        hoy = hora_del_centro(services.clock()).date()
        layout = QVBoxLayout(self)
        arriba = QHBoxLayout()
        self.mes = QComboBox()
        self.mes.setObjectName("mesCombo")
        ultimo = Mes(hoy.year, hoy.month)
        for n in range(24):  # this month and the 23 before it
            mes = ultimo
            for _ in range(n):
                mes = Mes(mes.anio - (mes.mes == 1), 12 if mes.mes == 1 else mes.mes - 1)
            self.mes.addItem(_encabezado(mes), mes.clave)
        self.mes.setCurrentIndex(1)  # the month whose evidence is due now
        etiqueta = QLabel("Hasta el &mes:")
        etiqueta.setBuddy(self.mes)
        arriba.addWidget(etiqueta)
        arriba.addWidget(self.mes)
        arriba.addStretch(1)
        layout.addLayout(arriba)
        self.resumen = QLabel()
        self.resumen.setObjectName("resumenLabel")
        self.resumen.setWordWrap(True)
        layout.addWidget(self.resumen)
        self.model = TableroModel()
        self.model.hoy = hoy
        self.tabla = tabla_de_lectura(
            "tableroTable",
            "Evidencias por cliente y mes",
            "Cada cliente con lo que le falta de cada mes y su día de entrega",
            self.model,
            estirada=None,
        )
        layout.addWidget(self.tabla, 1)
        abajo = QHBoxLayout()
        self.dia = QSpinBox()
        self.dia.setObjectName("diaSpin")
        self.dia.setRange(1, 31)
        self.dia.setValue(17)
        dia = QLabel("&Día de entrega del cliente (del mes siguiente):")
        dia.setBuddy(self.dia)
        self.guardar_dia = QPushButton("&Guardar día")
        self.guardar_dia.setObjectName("guardarDiaButton")
        self.guardar_dia.setAutoDefault(False)
        abajo.addWidget(dia)
        abajo.addWidget(self.dia)
        abajo.addWidget(self.guardar_dia)
        abajo.addStretch(1)
        layout.addLayout(abajo)
        buttons = QDialogButtonBox()
        self.actualizar = QPushButton("&Actualizar")
        self.actualizar.setObjectName("actualizarButton")
        self.actualizar.setAutoDefault(False)
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        self.cerrar.setAutoDefault(False)  # Enter in the due day never closes the board
        buttons.addButton(self.actualizar, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.setFocusProxy(None)  # type: ignore[arg-type]  # None: no proxy (Qt's API)
        layout.addWidget(buttons)
        self.mes.currentIndexChanged.connect(lambda _i: self.refresh())
        self.actualizar.clicked.connect(self.refresh)
        self.cerrar.clicked.connect(self.reject)
        self.guardar_dia.clicked.connect(self._guardar_dia)
        self.tabla.selectionModel().currentRowChanged.connect(lambda *_: self._dia_elegido())
        self._puede = reflejar(self.guardar_dia, services.permisos, usuario, Accion.EVIDENCIAS)
        self.dia.setEnabled(self._puede)
        self.resize(1240, 520)
        centrar(self, parent)
        self.refresh()
        suscribir(self, services, {EVIDENCIAS, NOMINA, ICSOE}, self._on_cambios)
        mnemonics.assign(self)
        self.tabla.setFocus()

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    def _ultimo(self) -> Mes:
        return Mes.de_texto(str(self.mes.currentData()))

    def refresh(self) -> None:
        elegido = self._elegido()
        try:
            filas = self._services.evidencias.tablero(self._usuario, self._ultimo(), CUANTOS)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        meses = filas[0].celdas if filas else ()
        encabezados = [_encabezado(c.mes) for c in meses] or [""] * CUANTOS
        self.model.headers = (*FIJAS, *encabezados)
        self.model.set_rows(filas)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.headers) - 1)
        for columna in range(len(self.model.headers)):
            self.tabla.resizeColumnToContents(columna)
        self.resumen.setText(
            resumen(filas, _encabezado(self._ultimo()))
            if filas
            else "Sin clientes: captura contratantes o importa los recibos de nómina."
        )
        for fila, f in enumerate(filas):
            if f.contratante == elegido:
                self.tabla.selectRow(fila)
        self._dia_elegido()

    def _elegido(self) -> str:
        fila = self.tabla.currentIndex().row()
        return self.model.rows[fila].contratante if 0 <= fila < len(self.model.rows) else ""

    def _dia_elegido(self) -> None:
        fila = self.tabla.currentIndex().row()
        if 0 <= fila < len(self.model.rows):
            self.dia.setValue(self.model.rows[fila].dia)

    def _guardar_dia(self) -> None:
        cliente = self._elegido()
        if not cliente:
            msgbox.warning(self, "Elige en la lista el cliente cuyo día de entrega cambia.", TITLE)
            self.tabla.setFocus()
            return
        try:
            self._services.evidencias.fijar_entrega(self._usuario, cliente, self.dia.value())
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
