"""Elige la empresa: an ICSOE entry (a capturista, a contratista) that several empresas of the
installation admit chooses which to enter. Only those empresas are listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.gui.kit import mnemonics
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.empresas.servicio import EmpresaInfo

T = TypeVar("T")

TITLE = "Elige la empresa"
MSG_VARIAS = "Tus datos de acceso corresponden a varias empresas. Elige a cuál quieres ingresar:"


class ElegirEmpresaDialog(QDialog):
    """``elegida``: the index chosen in ``empresas`` after ``exec()`` (None: Cancelar)."""

    def __init__(self, empresas: list[EmpresaInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ElegirEmpresaDialog")
        self.setWindowTitle(TITLE)
        self.elegida: int | None = None
        layout = QVBoxLayout(self)
        texto = QLabel(MSG_VARIAS)
        texto.setWordWrap(True)
        layout.addWidget(texto)
        self.lista = QListWidget()
        self.lista.setObjectName("empresasList")
        self.lista.setAccessibleName("Empresas")
        describir_lista(
            self.lista, "Las empresas donde entras con esa CURP y contraseña, una por fila"
        )
        self.lista.setMinimumSize(400, 140)
        self.lista.addItems([e.etiqueta for e in empresas])
        self.lista.setCurrentRow(0)
        layout.addWidget(self.lista)
        buttons = QDialogButtonBox()
        self.ingresar = QPushButton("Ingresar")
        self.ingresar.setObjectName("ingresarButton")
        self.ingresar.setDefault(True)
        cancelar = QPushButton("Cancelar")
        cancelar.setObjectName("cancelarButton")
        buttons.addButton(self.ingresar, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancelar, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.ingresar.clicked.connect(self._ingresar)
        cancelar.clicked.connect(self.reject)
        self.lista.itemDoubleClicked.connect(lambda _item: self._ingresar())
        mnemonics.assign(self)  # Alt-letters for every button and labelled field

    def _ingresar(self) -> None:
        if self.lista.currentRow() < 0:
            return
        self.elegida = self.lista.currentRow()
        self.accept()


def abrir_con_espera(services: Services, empresa: EmpresaInfo, abrir: Callable[[], T]) -> T:
    """Run ``abrir`` (which opens ``empresa``); background work on the open empresa's store (a
    preload, a mail run) ends first when it is another, as Cambiar de empresa does."""
    if empresa.id != services.empresa.id:
        QThreadPool.globalInstance().waitForDone(5_000)
    return abrir()


def elegir(empresas: list[EmpresaInfo], parent: QWidget) -> EmpresaInfo | None:
    """The only one, or the one the user chooses (None: Cancelar)."""
    if len(empresas) == 1:
        return empresas[0]
    dialog = ElegirEmpresaDialog(empresas, parent)
    if not ejecutar_modal(dialog) or dialog.elegida is None:
        return None
    return empresas[dialog.elegida]
