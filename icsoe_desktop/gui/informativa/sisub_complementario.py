"""*Preparar complementario…* of the SISUB window: once the period's SISUB is filed, the motivo
of the complementario that corrects it, chosen from the closed list the INFONAVIT's portal
knows (``MOTIVOS_COMPLEMENTARIO``). The window then prepares it as Preparar does; a motivo not
chosen is refused with the service's own message and the dialog stays open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.sisub.modelo import MOTIVOS_COMPLEMENTARIO, check_motivo
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.domain.sisub.modelo import ReporteSisub

TITLE = "Preparar complementario"
MSG_INSTRUCCION = (
    "El SISUB de {periodo} está presentado con el folio {folio}. Un complementario lo corrige: "
    "se prepara con los contratos en vigor y los recibos de ahora, se revisa, se exporta y se "
    "presenta con su propio acuse. Elige por qué se presenta:"
)


class ComplementarioDialog(QDialog):
    """Accepted with ``motivo`` (a key of MOTIVOS_COMPLEMENTARIO) chosen."""

    def __init__(self, presentado: ReporteSisub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ComplementarioDialog")
        self.setWindowTitle(TITLE)
        self.motivo = ""
        layout = QVBoxLayout(self)
        self.instruccion = QLabel(
            MSG_INSTRUCCION.format(periodo=presentado.periodo.texto, folio=presentado.folio)
        )
        self.instruccion.setObjectName("instruccionLabel")
        self.instruccion.setWordWrap(True)
        layout.addWidget(self.instruccion)
        fila = QHBoxLayout()
        etiqueta = QLabel("&Motivo:")
        self.motivos = QComboBox()
        self.motivos.setObjectName("motivoCombo")
        self.motivos.setAccessibleName("Motivo del complementario")
        self.motivos.addItem("", "")  # none chosen until the clerk chooses
        for clave, texto in MOTIVOS_COMPLEMENTARIO.items():
            self.motivos.addItem(texto, clave)
        etiqueta.setBuddy(self.motivos)
        fila.addWidget(etiqueta)
        fila.addWidget(self.motivos, 1)
        layout.addLayout(fila)
        layout.addStretch(1)
        self.preparar, self.cancelar = hacer_o_cancelar(
            self, layout, "Preparar", "prepararButton", self._preparar
        )
        mnemonics.assign(self)
        self.resize(560, 200)
        centrar(self, parent)
        self.motivos.setFocus()

    def _preparar(self) -> None:
        try:
            self.motivo = check_motivo(str(self.motivos.currentData() or ""))
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.motivos.setFocus()
            return
        self.accept()
