"""Registro de Datos Generales del contratista (guía Ingreso del contratista, pasos 8-15):
contacto, domicilio social (persona moral), acuse STPS, Guardar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from icsoe_desktop.domain.contacto import ENTIDADES_FEDERATIVAS
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.kit.codigo_postal import CodigoPostalVinculo
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.widgets import telefono_field
from icsoe_desktop.services.contratistas import DatosGenerales

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.contratistas import ContratistaSesion

TITLE = "Datos generales"
MSG_GUARDADO = "Los datos generales del contratista se guardaron exitosamente."
MSG_ELIMINAR_ACUSE = "¿Deseas eliminar el acuse de registro en padrón de la STPS adjunto?"
MSG_SIN_ACUSE = "No se ha adjuntado el acuse (PDF, máximo 5 MB)."
PDF_FILTER = "Acuse en PDF (*.pdf)"


class IcsoeDatosGeneralesPage(QWidget):
    saved = Signal(object)  # ContratistaSesion

    def __init__(
        self, services: Services, sesion: ContratistaSesion, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeDatosGeneralesPage")
        self._services = services
        self._sesion = sesion
        form = load_form("icsoe_datos_generales.ui", self)
        self.correo = child(form, QLineEdit, "correoEdit")
        self.celular = child(form, QLineEdit, "celularEdit")
        self.telefono_fijo = child(form, QLineEdit, "telefonoFijoEdit")
        for telefono in (self.celular, self.telefono_fijo):
            telefono_field(telefono)
        self.domicilio_group = child(form, QGroupBox, "domicilioGroup")
        self.si = child(form, QRadioButton, "siRadio")
        self.no = child(form, QRadioButton, "noRadio")
        self.ubicar_widget = child(form, QWidget, "ubicarWidget")
        self.codigo_postal = child(form, QLineEdit, "codigoPostalEdit")
        # The colonia: an editable list of the CP's colonias (SEPOMEX's catalogue); ``colonia``
        # is its text field, read and typed as before.
        self.colonia_lista = child(form, QComboBox, "coloniaEdit")
        colonia = self.colonia_lista.lineEdit()
        assert colonia is not None  # the .ui makes the list editable
        self.colonia = colonia
        self.colonia.setMaxLength(150)
        self.codigo_postal_aviso = child(form, QLabel, "codigoPostalAvisoLabel")
        self.ubicar = child(form, QPushButton, "ubicarButton")
        self.componentes = child(form, QWidget, "componentesWidget")
        self.calle = child(form, QLineEdit, "calleEdit")
        self.numero_exterior = child(form, QLineEdit, "numeroExteriorEdit")
        self.numero_interior = child(form, QLineEdit, "numeroInteriorEdit")
        self.municipio = child(form, QLineEdit, "municipioEdit")
        self.entidad = child(form, QComboBox, "entidadCombo")
        self.aceptar_domicilio = child(form, QPushButton, "aceptarDomicilioButton")
        self.resumen = child(form, QLabel, "domicilioResumenLabel")
        self.acuse_button = child(form, QPushButton, "acuseButton")
        self.acuse_label = child(form, QLabel, "acuseLabel")
        self.ver_archivo = child(form, QPushButton, "verArchivoButton")
        self.eliminar_archivo = child(form, QPushButton, "eliminarArchivoButton")
        self.guardar = child(form, QPushButton, "guardarButton")
        self._fields = {
            "correo": self.correo,
            "celular": self.celular,
            "telefonoFijo": self.telefono_fijo,
            "domicilioIgual": self.si,
            "codigoPostal": self.codigo_postal,
            "colonia": self.colonia,
            "calle": self.calle,
            "numeroExterior": self.numero_exterior,
            "numeroInterior": self.numero_interior,
            "municipio": self.municipio,
            "entidad": self.entidad,
            "acuse": self.acuse_button,
        }
        self.entidad.addItem("Selecciona…", "")
        for entidad in ENTIDADES_FEDERATIVAS:
            self.entidad.addItem(entidad, entidad)
        self.codigo_postal_vinculo = CodigoPostalVinculo(
            services.codigos_postales,
            self.codigo_postal,
            self.entidad,
            self.municipio,
            self.colonia_lista,
            self.codigo_postal_aviso,
        )
        # The domicilio social is asked of a persona moral only (guide, imagen 1.10).
        self.domicilio_group.setVisible(sesion.es_moral)
        self.si.toggled.connect(self._on_domicilio_igual)
        self.no.toggled.connect(self._on_domicilio_igual)
        self.ubicar.clicked.connect(self._on_ubicar)
        self.aceptar_domicilio.clicked.connect(self._on_aceptar_domicilio)
        self.acuse_button.clicked.connect(self._choose_acuse)
        self.ver_archivo.clicked.connect(self._on_ver_archivo)
        self.eliminar_archivo.clicked.connect(self._on_eliminar_archivo)
        self.guardar.clicked.connect(self.guardar_datos)
        self.guardar.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.guardar.setToolTip("Guarda los datos generales del contratista (Ctrl+S).")
        self._load()

    # --- state ---------------------------------------------------------------------------------

    def _load(self) -> None:
        datos = self._services.contratistas.datos_generales(self._sesion.rfc)
        self.correo.setText(datos.correo)
        self.celular.setText(datos.celular)
        self.telefono_fijo.setText(datos.telefono_fijo)
        if datos.domicilio_igual_fiscal is not None:
            (self.si if datos.domicilio_igual_fiscal else self.no).setChecked(True)
        self.codigo_postal.setText(datos.codigo_postal)
        self.colonia.setText(datos.colonia)
        self.calle.setText(datos.calle)
        self.numero_exterior.setText(datos.numero_exterior)
        self.numero_interior.setText(datos.numero_interior)
        self.municipio.setText(datos.municipio)
        self.entidad.setCurrentIndex(max(0, self.entidad.findData(datos.entidad)))
        # The saved domicilio stays as saved; its CP's colonias are offered to change it.
        self.codigo_postal_vinculo.consultar(llenar=False)
        self._on_domicilio_igual()
        self.componentes.setVisible(bool(datos.calle))
        if datos.calle:
            self._show_resumen(datos)
        self._refresh_acuse()
        self._guardado = self._datos()

    def cambios(self) -> bool:
        """Datos typed and not saved (the acuse is stored as soon as it is chosen)."""
        return self._datos() != self._guardado

    def _on_domicilio_igual(self) -> None:
        distinto = self.no.isChecked()
        self.ubicar_widget.setVisible(distinto)
        if not distinto:
            self.componentes.setVisible(False)
            self.resumen.clear()

    def _datos(self) -> DatosGenerales:
        igual = True if self.si.isChecked() else False if self.no.isChecked() else None
        return DatosGenerales(
            self.correo.text(),
            self.celular.text(),
            self.telefono_fijo.text(),
            igual,
            self.codigo_postal.text(),
            self.colonia.text(),
            self.calle.text(),
            self.numero_exterior.text(),
            self.numero_interior.text(),
            self.municipio.text(),
            str(self.entidad.currentData() or ""),
        )

    def _on_ubicar(self) -> None:
        """Ubicar: the código postal and colonia are checked, then the components are asked."""
        from icsoe_desktop.domain.contacto import check_codigo_postal, required_text

        try:
            self.codigo_postal.setText(check_codigo_postal(self.codigo_postal.text()))
            required_text(self.colonia.text(), "Colonia", "colonia")
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return
        self.componentes.setVisible(True)
        self.calle.setFocus()

    def _on_aceptar_domicilio(self) -> None:
        try:
            datos = self._services.contratistas.check_domicilio(self._datos())
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return
        self._show_resumen(datos)

    def _show_resumen(self, datos: DatosGenerales) -> None:
        interior = f" Int. {datos.numero_interior}" if datos.numero_interior else ""
        self.resumen.setText(
            f"<b>Domicilio social:</b> {datos.calle} {datos.numero_exterior}{interior}, "
            f"Col. {datos.colonia}, C.P. {datos.codigo_postal}, {datos.municipio}, {datos.entidad}"
        )

    # --- acuse ---------------------------------------------------------------------------------

    def _refresh_acuse(self) -> None:
        acuse = self._services.contratistas.acuse(self._sesion.rfc)
        self.acuse_label.setText(acuse.nombre if acuse else MSG_SIN_ACUSE)
        self.ver_archivo.setEnabled(acuse is not None)
        self.eliminar_archivo.setEnabled(acuse is not None)

    def _choose_acuse(self) -> None:
        path, _ = abrir_archivo(self, "Acuse de registro en padrón de la STPS", "", PDF_FILTER)
        if path:
            self.set_acuse(path)

    def set_acuse(self, path: str) -> None:
        """What choosing the PDF does (tests call it to bypass the native file dialog)."""
        try:
            self._services.contratistas.adjuntar_acuse(self._sesion.rfc, Path(path))
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
        self._refresh_acuse()

    def _on_ver_archivo(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        try:  # kept encrypted: the reader gets a copy in clear
            legible = self._services.contratistas.acuse_legible(self._sesion.rfc)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        if legible is None:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(legible))):
            msgbox.warning(
                self,
                f"No se pudo abrir el acuse ({legible}). Verifica que tengas un lector de PDF.",
                TITLE,
            )

    def _on_eliminar_archivo(self) -> None:
        if not msgbox.question(self, MSG_ELIMINAR_ACUSE, "Eliminar", "Cancelar", TITLE):
            return
        self._services.contratistas.eliminar_acuse(self._sesion.rfc)
        self._refresh_acuse()

    # --- Guardar -------------------------------------------------------------------------------

    def guardar_datos(self) -> bool:
        """Guardar; False when refused (the message said why)."""
        try:
            sesion = self._services.contratistas.guardar_datos_generales(
                self._sesion.rfc, self._datos()
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        self._sesion = sesion
        # Signed informativas keep the data they were signed with: said with «guardados».
        msgbox.information(self, "\n\n".join(filter(None, (MSG_GUARDADO, sesion.aviso))), TITLE)
        self._load()
        self.saved.emit(sesion)
        return True
