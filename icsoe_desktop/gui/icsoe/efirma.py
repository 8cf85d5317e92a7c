"""Ingresa con firma electrónica (guía Ingreso del contratista, pasos 3-5): RFC, .cer, .key, contraseña,
Validar → «La validación de la FIEL fue exitosa» → Ingresar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import colores, efirma_de_la_sesion, mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.widgets import efirma_pickers
from icsoe_desktop.services.contratistas import MSG_FIEL_EXITOSA

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.contratistas import ContratistaSesion, FielValidada

TITLE = "Ingresa con firma electrónica"


class IcsoeEfirmaDialog(QDialog):
    """Accepted once the contratista entered; ``sesion`` says who."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeEfirmaDialog")
        self._services = services
        self._fiel: FielValidada | None = None
        self.sesion: ContratistaSesion | None = None
        form = load_form("icsoe_efirma.ui", self)
        self.rfc = child(form, QLineEdit, "rfcEdit")
        self.certificado = child(form, QLineEdit, "certificadoEdit")
        self.certificado_button = child(form, QPushButton, "certificadoButton")
        self.llave = child(form, QLineEdit, "llaveEdit")
        self.llave_button = child(form, QPushButton, "llaveButton")
        self.contrasena = child(form, QLineEdit, "contrasenaEdit")
        self.mostrar = child(form, QCheckBox, "mostrarContrasenaCheck")
        self.resultado = child(form, QLabel, "resultadoLabel")
        # Room for a three-line message from the start (the longest, at the dialog's width),
        # and the spare height below it: when one appears nothing above moves, and a click
        # aimed at a field still lands on it.
        self.resultado.setMinimumHeight(3 * self.resultado.fontMetrics().lineSpacing() + 4)
        self.resultado.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Selectable, it takes the focus by a click: only while it says something (empty, a
        # screen reader found a part with no name).
        self.resultado.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        principal = form.layout()
        assert isinstance(principal, QVBoxLayout)
        principal.insertStretch(principal.indexOf(self.resultado) + 1, 1)
        self.regresar = child(form, QPushButton, "regresarButton")
        self.validar = child(form, QPushButton, "validarButton")
        self.ingresar = child(form, QPushButton, "ingresarButton")
        self._fields = {
            "rfc": self.rfc,
            "certificado": self.certificado_button,
            "llave": self.llave_button,
            "contrasena": self.contrasena,
        }
        bind_show_password(self.mostrar, self.contrasena)
        self.certificado_picker, self.llave_picker = efirma_pickers(
            self.certificado, self.certificado_button, self.llave, self.llave_button
        )
        self.validar.clicked.connect(self._on_validar)
        self.ingresar.clicked.connect(self._on_ingresar)
        self.regresar.clicked.connect(self.reject)
        # Any change after a successful Validar asks for a new one.
        for edit in (self.rfc, self.certificado, self.llave, self.contrasena):
            edit.textChanged.connect(self._invalidate)
        self.validar.setDefault(True)
        self._invalidate()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(640, 360)
        centrar(self, parent)  # fits the screen, centred on its window

    def set_certificado(self, path: str) -> None:
        """What choosing the .cer does (tests call it to bypass the native file dialog)."""
        self.certificado.setText(path)

    def set_llave(self, path: str) -> None:
        self.llave.setText(path)

    def _invalidate(self) -> None:
        self._fiel = None
        self.ingresar.setEnabled(False)
        self.resultado.clear()
        self.resultado.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _on_validar(self) -> None:
        rfc, password = self.rfc.text(), self.contrasena.text()
        cer, key = self.certificado_picker.path(), self.llave_picker.path()
        # Decrypting the key is slow work: off the GUI thread.
        ejecutar(
            self,
            "Validando la e.firma…",
            lambda: self._services.contratistas.validar_fiel(rfc, cer, key, password),
            self._validada,
            al_fallar=self._no_validada,
            titulo=TITLE,
        )

    def _no_validada(self, exc: DomainError) -> None:
        rojo = colores.PROPIO[colores.ERROR]
        colores.texto(self.resultado, f'<span style="color:{rojo};">{exc.message}</span>')
        self.resultado.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        msgbox.field_error(self, exc, self._fields, TITLE)

    def _validada(self, fiel: FielValidada) -> None:
        self.show_validada(fiel)
        msgbox.information(self, MSG_FIEL_EXITOSA, TITLE)
        self.ingresar.setDefault(True)
        self.ingresar.setFocus()

    def show_validada(self, fiel: FielValidada) -> None:
        """The state after a successful Validar: the result shown and Ingresar enabled."""
        self._fiel = fiel
        colores.texto(
            self.resultado,
            f'<span style="color:{colores.PROPIO[colores.EXITO]}; font-weight:600;">'
            f"{MSG_FIEL_EXITOSA}</span><br>"
            f"{fiel.nombre} · RFC {fiel.rfc} · No. de certificado {fiel.no_certificado} · "
            f"vigente hasta el {fiel.valido_hasta:%d/%m/%Y} · Emisor: {fiel.emisor} (verificado)",
        )
        self.resultado.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.ingresar.setEnabled(True)

    def _on_ingresar(self) -> None:
        if self._fiel is None:
            return
        from icsoe_desktop.gui.icsoe.elegir_empresa import abrir_con_espera, elegir

        fiel, entrada = self._fiel, self._services.entrada
        try:
            # The empresa of the e.firma's RFC, never the one chosen in the login.
            empresa = elegir(entrada.empresas_de_contratista(fiel.rfc), self)
            if empresa is None:
                return
            self.sesion = abrir_con_espera(
                self._services, empresa, lambda: entrada.ingresar_contratista(fiel, empresa)
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        cer, key = self.certificado_picker.path(), self.llave_picker.path()
        if cer is not None and key is not None:  # offered again at Firmar…
            efirma_de_la_sesion.recordar(fiel.rfc, cer, key)
        self.contrasena.clear()
        self.accept()
