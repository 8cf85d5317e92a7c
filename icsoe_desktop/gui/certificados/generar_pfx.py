"""Generar .pfx…: the e.firma (.cer + .key) as a PKCS#12 file, for PACs and portals that ask for
one; opened from Certificados IMSS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import guardar_archivo
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.widgets import efirma_pickers

if TYPE_CHECKING:
    from collections.abc import Callable

    from icsoe_desktop.domain.credentials import CertificateInfo
    from icsoe_desktop.services.container import Services

TITLE = "Generar .pfx"
INTRO = (
    "Genera un archivo .pfx con el certificado y la llave privada de la e.firma, para los "
    "portales que lo piden. La contraseña nueva debe tener de 8 a 20 letras y números."
)
MSG_GENERADO = "Se generó el archivo {archivo} (RFC {rfc}, No. de certificado {no})."
MSG_NO_COINCIDEN = "La contraseña nueva y su confirmación no coinciden."
PFX_FILTER = "Certificado .pfx (*.pfx)"


class GenerarPfxDialog(QDialog):
    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("GenerarPfxDialog")
        self.setWindowTitle(TITLE)
        self._services = services
        self._actor = actor
        self.certificado = QLineEdit(placeholderText="No se eligió archivo", readOnly=True)
        self.llave = QLineEdit(placeholderText="No se eligió archivo", readOnly=True)
        self.certificado_button = QPushButton("Elegir &certificado…")
        self.llave_button = QPushButton("Elegir &llave…")
        self.contrasena_llave = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.contrasena_pfx = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.confirmacion = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.mostrar = QCheckBox("&Mostrar contraseñas")
        bind_show_password(
            self.mostrar, self.contrasena_llave, self.contrasena_pfx, self.confirmacion
        )
        self.generar = QPushButton("&Generar…")
        self.generar.setDefault(True)
        self.cerrar = QPushButton("Ce&rrar")
        self._fields: dict[str, QWidget] = {
            "certificado": self.certificado_button,
            "llave": self.llave_button,
            "contrasena": self.contrasena_llave,
            "contrasena_pfx": self.contrasena_pfx,
        }

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.certificado.setAccessibleName("Certificado (.cer)")  # the row's label is the layout's
        self.llave.setAccessibleName("Llave privada (.key)")
        form.addRow("Certificado (.cer):", _row(self.certificado, self.certificado_button))
        form.addRow("Llave privada (.key):", _row(self.llave, self.llave_button))
        form.addRow("Contraseña de la llave privada:", self.contrasena_llave)
        form.addRow("Contraseña nueva del .pfx:", self.contrasena_pfx)
        form.addRow("Confirma la contraseña nueva:", self.confirmacion)
        form.addRow("", self.mostrar)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.generar)
        buttons.addWidget(self.cerrar)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.certificado_picker, self.llave_picker = efirma_pickers(
            self.certificado, self.certificado_button, self.llave, self.llave_button
        )
        self.generar.clicked.connect(self._on_generar)
        self.cerrar.clicked.connect(self.reject)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(640, 0)
        centrar(self, parent)  # fits the screen, centred on its window

    def _on_generar(self) -> None:
        if self.contrasena_pfx.text() != self.confirmacion.text():
            msgbox.field_error(
                self, ValidationError("no_coinciden", MSG_NO_COINCIDEN, "contrasena_pfx"),
                self._fields, TITLE,
            )  # fmt: skip
            return
        # A wrong password is said before the clerk chooses where to save, not after.
        self.comprobar(self._elegir_destino)

    def _elegir_destino(self) -> None:
        suggested = str(Path(self.certificado.text()).with_suffix(".pfx"))
        path, _ = guardar_archivo(self, TITLE, suggested, PFX_FILTER)
        if path:
            self.generar_en(path)

    def comprobar(self, despues: Callable[[], None]) -> None:
        """The files, the key's password and the new password, checked off the GUI thread
        (the key is decrypted), then ``despues()``; a refusal is said with the cursor in its
        field."""
        certificados = self._services.certificates
        args = (
            self.certificado_picker.path(),
            self.llave_picker.path(),
            self.contrasena_llave.text(),
            self.contrasena_pfx.text(),
        )
        ejecutar(
            self,
            "Validando el certificado y la llave privada…",
            lambda: certificados.comprobar_pfx(*args),
            lambda _: despues(),
            al_fallar=self._rechazado,
            titulo=TITLE,
        )

    def _rechazado(self, exc: DomainError) -> None:
        msgbox.field_error(self, exc, self._fields, TITLE)

    def generar_en(self, path: str) -> None:
        """What choosing where to save does (tests call it to bypass the native file dialog)."""
        certificados = self._services.certificates
        args = (
            self.certificado_picker.path(),
            self.llave_picker.path(),
            self.contrasena_llave.text(),
            self.contrasena_pfx.text(),
            Path(path),
            self._actor,
        )
        ejecutar(
            self,
            "Generando el .pfx…",
            lambda: certificados.generar_pfx(*args),
            lambda info: self._generado(path, info),
            al_fallar=self._rechazado,
            titulo=TITLE,
        )

    def _generado(self, path: str, info: CertificateInfo) -> None:
        for edit in (self.contrasena_llave, self.contrasena_pfx, self.confirmacion):
            edit.clear()  # never left on screen
        text = MSG_GENERADO.format(archivo=path, rfc=info.rfc, no=info.no_certificado)
        msgbox.information(self, text, TITLE)


def _row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row
