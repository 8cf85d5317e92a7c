"""Configuración inicial's first page for the administrator, while the stores' recovery code was
never confirmed: the code shown (audited), «Copiar», and its last group typed back before
Siguiente — whoever goes on has it on paper."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import msgbox

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITULO = "Código de recuperación"
EXPLICA = (
    "Las bases de datos de esta instalación están cifradas con una llave que se guarda en el "
    "llavero del sistema. Si el llavero la pierde (se restablece el perfil de Windows, se "
    "reinstala o se cambia de equipo), sólo este código las abre: sin llavero y sin código no "
    "hay forma de abrirlas. Anótalo o cópialo e imprímelo, y guárdalo en un lugar seguro fuera "
    "de este equipo."
)
CONFIRMA = "Para confirmar que lo guardaste, escribe el ú&ltimo grupo del código:"


class CodigoPage(QWizardPage):
    """Siguiente once the last group is typed; a wrong group is said and holds the page."""

    def __init__(self, services: Services, actor: str | None, siguiente: int) -> None:
        super().__init__()
        self.setObjectName("codigoPage")
        self.setTitle(TITULO)
        self.setSubTitle("Guárdalo antes de seguir")
        self._services = services
        self._actor = actor
        self._siguiente = siguiente
        self._codigo = services.codigo_recuperacion.mostrar(actor)  # audited
        layout = QVBoxLayout(self)
        explica = QLabel(EXPLICA, self)
        explica.setWordWrap(True)
        layout.addWidget(explica)
        self.codigo = QLabel(self._codigo, self)
        self.codigo.setObjectName("codigoLabel")
        fuente = QFont("monospace")
        fuente.setStyleHint(QFont.StyleHint.Monospace)
        fuente.setPointSizeF(fuente.pointSizeF() * 1.6)
        fuente.setBold(True)
        self.codigo.setFont(fuente)
        self.codigo.setAccessibleName(f"Código de recuperación: {self._codigo}")
        fila = QHBoxLayout()
        fila.addWidget(self.codigo)
        self.copiar = QPushButton("&Copiar", self)
        self.copiar.setObjectName("copiarButton")
        self.copiar.clicked.connect(self._copiar)
        fila.addWidget(self.copiar)
        fila.addStretch(1)
        layout.addLayout(fila)
        etiqueta = QLabel(CONFIRMA, self)
        etiqueta.setWordWrap(True)
        self.confirmar = QLineEdit(self)
        self.confirmar.setObjectName("confirmarEdit")
        self.confirmar.setMaxLength(9)
        self.confirmar.setPlaceholderText("XXXX")
        etiqueta.setBuddy(self.confirmar)
        self.confirmar.setAccessibleName("Último grupo del código de recuperación")
        self.confirmar.textChanged.connect(self.completeChanged)
        layout.addWidget(etiqueta)
        layout.addWidget(self.confirmar)
        layout.addStretch(1)

    def _copiar(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self._codigo)

    def isComplete(self) -> bool:
        return bool(self.confirmar.text().strip())

    def validatePage(self) -> bool:
        try:
            self._services.codigo_recuperacion.confirmar(self._actor, self.confirmar.text())
        except DomainError as exc:
            msgbox.error(self, exc.message, TITULO)
            self.confirmar.selectAll()
            self.confirmar.setFocus()
            return False
        return True

    def nextId(self) -> int:
        return self._siguiente


__all__ = ["CodigoPage"]
