"""*Anotar el motivo…* of the SISUB window: why the ICSOE informativa of the period says
otherwise than the SISUB (a contract, a worker, the type). The note shown as it is, written in
a multi-line field and saved by the service (``SisubService.anotar_icsoe``: up to 1,000
characters, audited); Revisar then warns of the difference instead of keeping the files from
being exported. Left empty, the note is removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.botonera import hacer_o_cancelar
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.domain.sisub.modelo import ReporteSisub
    from icsoe_desktop.services.container import Services

TITLE = "Motivo de la diferencia con la informativa ICSOE"
MAXIMO = 1000  # the service's limit, counted here as the clerk types
MSG_INSTRUCCION = (
    "Escribe por qué la informativa ICSOE de {periodo} dice distinto que este SISUB (un "
    "contrato, un trabajador o el tipo). Con el motivo anotado, Revisar avisa de la diferencia "
    "y deja exportar; sin texto, el motivo se quita."
)


def texto_anotado(nota: str) -> str:
    return f"Anotado ahora: «{nota}»" if nota else "Aún no hay un motivo anotado."


class MotivoIcsoeDialog(QDialog):
    """Accepted once the service saved the note (``nota``: as typed)."""

    def __init__(
        self,
        services: Services,
        actor: str,
        reporte: ReporteSisub,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MotivoIcsoeDialog")
        self.setWindowTitle(TITLE)
        self._services, self._actor, self._uuid = services, actor, reporte.uuid
        self.nota = reporte.nota_icsoe
        layout = QVBoxLayout(self)
        instruccion = QLabel(MSG_INSTRUCCION.format(periodo=reporte.periodo.texto))
        instruccion.setWordWrap(True)
        layout.addWidget(instruccion)
        self.actual = QLabel(texto_anotado(reporte.nota_icsoe))
        self.actual.setObjectName("actualLabel")
        self.actual.setWordWrap(True)
        layout.addWidget(self.actual)
        etiqueta = QLabel("&Motivo:")
        self.motivo = QPlainTextEdit(reporte.nota_icsoe)
        self.motivo.setObjectName("motivoEdit")
        self.motivo.setAccessibleName("Motivo")
        self.motivo.setTabChangesFocus(True)  # Tab leaves the field, as in any other
        etiqueta.setBuddy(self.motivo)
        layout.addWidget(etiqueta)
        layout.addWidget(self.motivo, 1)
        self.cuenta = QLabel()
        self.cuenta.setObjectName("cuentaLabel")
        layout.addWidget(self.cuenta)
        self.motivo.textChanged.connect(self._contar)
        self._contar()
        self.aceptar, self.cancelar = hacer_o_cancelar(
            self, layout, "Aceptar", "aceptarButton", self._aceptar
        )
        mnemonics.assign(self)
        self.resize(560, 320)
        centrar(self, parent)
        self.motivo.setFocus()

    def _contar(self) -> None:
        """How many characters are typed, against the limit (the service says what is over)."""
        largo = len(" ".join(self.motivo.toPlainText().split()))
        self.cuenta.setText(f"{largo:,} de {MAXIMO:,} caracteres")

    def _aceptar(self) -> None:
        texto = self.motivo.toPlainText()
        try:
            self._services.sisub.anotar_icsoe(self._uuid, self._actor, texto)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.motivo.setFocus()  # what was typed stays, to be corrected
            return
        self.nota = " ".join(texto.split())
        self.accept()
