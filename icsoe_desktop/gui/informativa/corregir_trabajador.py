"""*Corregir…* one worker of a contract: its NSS, CURP and SBC, with the IMSS portal's reason
shown when the portal rejected it (saving marks it corregido)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.asignaciones import TrabajadorFila

TITLE = "Corregir trabajador"


class CorregirTrabajadorDialog(QDialog):
    def __init__(
        self,
        services: Services,
        actor: str,
        contrato: str,
        fila: TrabajadorFila,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CorregirTrabajadorDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor, self._contrato, self._fila = services, actor, contrato, fila
        layout = QVBoxLayout(self)
        self.motivo = QLabel(self)
        self.motivo.setObjectName("motivoLabel")
        self.motivo.setWordWrap(True)
        if fila.rechazo:
            estado = "ya se corrigió" if fila.corregido else "corrígelo y guarda"
            self.motivo.setText(f"<b>Rechazado por el portal:</b> {fila.rechazo} ({estado}).")
            if not fila.corregido:
                colores.pintar(self.motivo, colores.ERROR)
        self.motivo.setVisible(bool(fila.rechazo))
        layout.addWidget(self.motivo)
        form = QFormLayout()
        self.nss = QLineEdit(fila.nss, self)
        self.nss.setObjectName("nssEdit")
        self.nss.setMaxLength(11)
        self.curp = QLineEdit(fila.curp, self)
        self.curp.setObjectName("curpEdit")
        self.curp.setMaxLength(18)
        self.sbc = QLineEdit(f"{fila.sbc // 100}.{fila.sbc % 100:02d}", self)
        self.sbc.setObjectName("sbcEdit")
        self.sbc.setMaxLength(16)
        for texto, edit in (("NSS:", self.nss), ("CURP:", self.curp), ("SBC:", self.sbc)):
            label = QLabel(texto, self)
            label.setBuddy(edit)
            form.addRow(label, edit)
        layout.addLayout(form)
        botones = QDialogButtonBox(self)
        self.guardar = botones.addButton("Guardar", QDialogButtonBox.ButtonRole.AcceptRole)
        self.guardar.setObjectName("guardarButton")
        self.cancelar = botones.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancelar.setObjectName("cancelarButton")
        self.guardar.setDefault(True)
        self.guardar.clicked.connect(self._guardar)
        self.cancelar.clicked.connect(self.reject)
        layout.addWidget(botones)
        mnemonics.assign(self)
        self.resize(460, self.sizeHint().height())
        centrar(self, parent)
        self.sbc.setFocus()

    def _guardar(self) -> None:
        try:
            self._services.informativa_trabajadores.corregir(
                self._contrato,
                self._actor,
                self._fila.id,
                self.nss.text(),
                self.curp.text(),
                self.sbc.text(),
            )
        except DomainError as exc:
            campos = {"nss": self.nss, "curp": self.curp, "sbc": self.sbc}
            msgbox.field_error(self, exc, campos, TITLE, self.nss)
            return
        self.accept()
