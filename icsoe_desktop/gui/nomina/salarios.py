"""Salarios no avisados: each worker whose latest receipt of the cuatrimestre declares an SBC
other than the one his movimientos con IDSE had registered by the deadline to file a change
(5 días hábiles after the start of the period paid): a «posible modificación salarial no
avisada». Opened from Recibos de nómina (``ver``), which reads the list off the window's thread;
salaries: who may see the receipts' amounts only (the service refuses and audits the others)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.movimientos import pesos_text
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.services.nomina.consulta import POSIBLE_MODIFICACION, SalarioNoAvisado

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Salarios no avisados"
CABECERAS = (
    "NSS",
    "CURP",
    "Nombre",
    "Periodo pagado desde",
    "Plazo para avisar",
    "SBC del recibo",
    "SBC en movimientos",
)
MSG_LEYENDO = "Comparando el SBC de los recibos con el de los movimientos…"
MSG_NINGUNO = (
    "En {periodo}, el SBC del último recibo de cada trabajador es el que sus movimientos con "
    "IDSE tenían registrado a tiempo: no hay ninguna {aviso}."
)
MSG_HAY = (
    "{cuantos} de {periodo} con una {aviso}: el SBC de su último recibo del periodo no es el "
    "que sus movimientos con IDSE tenían registrado 5 días hábiles después del inicio de su "
    "periodo pagado. Presenta la modificación de salario en IDSE o corrige el recibo."
)


def _celdas(s: SalarioNoAvisado) -> tuple[str, ...]:
    return (
        s.nss,
        s.curp,
        s.nombre,
        f"{s.fecha_inicial:%d/%m/%Y}",
        f"{s.plazo:%d/%m/%Y}",
        pesos_text(s.sbc_recibo),
        pesos_text(s.sbc_movimientos),
    )


def ver(parent: QWidget, services: Services, usuario: str | None, periodo: Periodo) -> None:
    """Read the period's list off the window's thread, then show it (or say there is none).
    A refusal is the service's own message."""
    consulta = services.nomina_consulta
    ejecutar(
        parent,
        MSG_LEYENDO,
        lambda: consulta.salarios_no_avisados(usuario, periodo),
        lambda filas: _mostrar(parent, periodo, filas),
        titulo=TITLE,
    )


def _mostrar(parent: QWidget, periodo: Periodo, filas: list[SalarioNoAvisado]) -> None:
    if not filas:
        msgbox.information(
            parent, MSG_NINGUNO.format(periodo=periodo.texto, aviso=POSIBLE_MODIFICACION), TITLE
        )
        return
    ejecutar_modal(SalariosNoAvisadosDialog(periodo, filas, parent))


class SalariosNoAvisadosDialog(QDialog):
    def __init__(
        self, periodo: Periodo, filas: list[SalarioNoAvisado], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SalariosNoAvisadosDialog")
        self.setWindowTitle(f"{TITLE}: {periodo.texto}")
        layout = QVBoxLayout(self)
        self.instruccion = QLabel(
            MSG_HAY.format(
                cuantos=plural(len(filas), "trabajador", "trabajadores"),
                periodo=periodo.texto,
                aviso=POSIBLE_MODIFICACION,
            )
        )
        self.instruccion.setObjectName("instruccionLabel")
        self.instruccion.setWordWrap(True)
        layout.addWidget(self.instruccion)
        self.model = RowsDerechaModel(CABECERAS, _celdas, derecha=(5, 6))
        self.model.set_rows(filas)
        self.tabla = QTableView()
        self.tabla.setObjectName("salariosTable")
        self.tabla.setAccessibleName("Posibles modificaciones salariales no avisadas")
        describir_lista(self.tabla, "Un trabajador por fila, con los dos SBC")
        self.tabla.setTabKeyNavigation(False)
        self.tabla.setModel(self.model)
        self.tabla.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabla.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabla.verticalHeader().hide()
        self.tabla.setWordWrap(False)
        for column in range(len(CABECERAS)):
            self.tabla.resizeColumnToContents(column)
        self.tabla.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.tabla, 1)
        buttons = QDialogButtonBox()
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        buttons.addButton(self.cerrar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.cerrar.clicked.connect(self.reject)
        self.resize(1000, 420)
        centrar(self, parent)
        mnemonics.assign(self)
        self.tabla.setFocus()
