"""Certificados IMSS: assign to each registro patronal its IMSS .pfx or the SAT e.firma."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.cambios import CERTIFICADOS, REGISTROS, Cambios
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.gui.kit.widgets import EFIRMA_KEY_FILTER, FilePicker

if TYPE_CHECKING:
    from collections.abc import Callable

    from icsoe_desktop.domain.credentials import CertificateInfo
    from icsoe_desktop.services.certificados.servicio import CertificateRow
    from icsoe_desktop.services.container import Services

TITLE = "Certificados IMSS"
MSG_GUARDADO = "El certificado se agregó correctamente al registro patronal {registro}."
MSG_ELIMINAR = "¿Deseas eliminar el certificado asignado al registro patronal {registro}?"
MSG_ELIMINADO = "El certificado se eliminó satisfactoriamente."
MSG_SIN_CONFIGURAR = (
    "Los siguientes registros patronales no tienen un certificado IMSS o e.firma vigente: {lista}.\n\n"
    "Los servicios en línea para el envío de movimientos IDSE no estarán disponibles para ellos "
    "hasta que registres su certificado."
)
MSG_SIN_CONFIGURAR_UNO = (
    "El registro patronal {lista} no tiene un certificado IMSS o e.firma vigente.\n\n"
    "Los servicios en línea para el envío de movimientos IDSE no estarán disponibles para él "
    "hasta que registres su certificado."
)
CERT_FILTER = "Certificado IMSS o e.firma (*.pfx *.cer);;Certificado IMSS (*.pfx);;e.firma (*.cer)"
HEADERS = ("Registro Patronal", "Tipo", "RFC", "No. de certificado", "Vigente hasta", "Estado")


def _cells(row: CertificateRow) -> tuple[object, ...]:
    hasta = row.valido_hasta.strftime("%d/%m/%Y") if row.valido_hasta else ""
    return (row.registro, row.tipo, row.rfc, row.no_certificado, hasta, row.estado_texto)


def _detalle(info: CertificateInfo, estado: str, emisor_verificado: bool) -> str:
    """The chosen e.firma in one line; an expired or not yet valid one says so at once (it would
    be refused at Guardar), and so does an issuer not installed here."""
    desde, hasta = f"{info.valido_desde:%d/%m/%Y}", f"{info.valido_hasta:%d/%m/%Y}"
    vigencia = {
        "vencido": f'<b style="color:#b00020;">Vencido</b>: fue vigente del {desde} al {hasta}',
        "no_vigente_aun": (
            f'<b style="color:#b00020;">Aún no vigente</b>: será vigente del {desde} al {hasta}'
        ),
        "por_vencer": f'vigente del {desde} al {hasta} <b style="color:#a15c00;">(por vencer)</b>',
    }.get(estado, f"vigente del {desde} al {hasta}")
    return colores.adaptar(
        f"{escape(info.nombre)} · RFC {escape(info.rfc)} · No. de certificado "
        f"{escape(info.no_certificado)} · {vigencia} · Emisor: {escape(info.emisor)} "
        f"({'verificado' if emisor_verificado else 'no verificado en este equipo'})"
    )


class CertificadosImssDialog(PreguntaAlCerrar, QDialog):
    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CertificadosImssDialog")
        self._services = services
        self._actor = actor
        self.avisar_al_cerrar = True  # False: opened by the sign-in's question, asked once
        self._elegido: tuple[str, str] | None = None  # the chosen e.firma's RFC and validity
        form = load_form("certificados_imss.ui", self)
        self.guardar = child(form, QPushButton, "guardarButton")
        self.guardar.setDefault(True)  # Enter saves, as the guide puts Guardar forward
        self.eliminar = child(form, QPushButton, "eliminarButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")  # Esc does the same
        self.registro = child(form, QComboBox, "registroCombo")
        self.certificado = child(form, QLineEdit, "certificadoEdit")
        self.certificado_button = child(form, QPushButton, "certificadoButton")
        self.llave = child(form, QLineEdit, "llaveEdit")
        self.llave_button = child(form, QPushButton, "llaveButton")
        self.usuario = child(form, QLineEdit, "usuarioEdit")
        self.mostrar_usuario = child(form, QCheckBox, "mostrarUsuarioCheck")
        self.contrasena = child(form, QLineEdit, "contrasenaEdit")
        self.mostrar_contrasena = child(form, QCheckBox, "mostrarContrasenaCheck")
        self.detalle = child(form, QLabel, "detalleLabel")
        self.detalle.setTextFormat(Qt.TextFormat.RichText)  # «Vencido» stands out in red
        self.tabla = child(form, QTableView, "certificadosTable")
        describir_lista(self.tabla, "Los certificados IMSS guardados, uno por registro patronal")
        self._fields = {
            "registro": self.registro,
            "certificado": self.certificado_button,
            "llave": self.llave_button,
            "usuario": self.usuario,
            "contrasena": self.contrasena,
        }
        bind_show_password(self.mostrar_usuario, self.usuario)
        bind_show_password(self.mostrar_contrasena, self.contrasena)

        self.model: RowsModel[CertificateRow] = RowsModel(HEADERS, _cells)
        self.tabla.setModel(self.model)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.selectionModel().selectionChanged.connect(self._on_table_selection)

        self.certificado_picker = FilePicker(
            self.certificado, self.certificado_button, "Certificado Digital", CERT_FILTER,
            self.set_certificado, archivo="el certificado",
        )  # fmt: skip
        self.llave_picker = FilePicker(
            self.llave, self.llave_button, "Llave Privada", EFIRMA_KEY_FILTER,
            self.set_llave, archivo="la llave privada",
        )  # fmt: skip
        self.guardar.clicked.connect(self._on_guardar)
        self.eliminar.clicked.connect(self._on_eliminar)
        # Generar .pfx… is added in code beside Eliminar (the .ui predates it).
        self.generar_pfx = QPushButton("Generar .&pfx…")
        self.generar_pfx.setObjectName("generarPfxButton")
        child(form, QHBoxLayout, "accionesLayout").insertWidget(2, self.generar_pfx)
        self.generar_pfx.clicked.connect(self._on_generar_pfx)
        self.cerrar.clicked.connect(self.reject)
        self.cerrar.setAutoDefault(False)  # Enter saves
        # Tab in reading order: the buttons' row on top, the form, then the saved certificates.
        en_orden(
            self.guardar, self.eliminar, self.generar_pfx, self.cerrar, self.registro,
            self.certificado, self.certificado_button, self.llave, self.llave_button,
            self.usuario, self.mostrar_usuario, self.contrasena, self.mostrar_contrasena,
            self.tabla,
        )  # fmt: skip
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(760, 560)
        centrar(self, parent)  # fits the screen, centred on its window
        self._set_fiel(None)
        # A certificate or registro saved elsewhere (another window, a sync): read again.
        suscribir(self, services, {CERTIFICADOS, REGISTROS}, self._on_cambios)
        self.refresh()

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    # --- state ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        rows = self._services.certificates.rows()
        current = self.registro.currentData()
        self.registro.clear()
        for row in rows:
            self.registro.addItem(f"{row.registro} — {row.razon_social}", row.registro)
        if current is not None and self.registro.findData(current) >= 0:
            self.registro.setCurrentIndex(self.registro.findData(current))
        self.model.set_rows([r for r in rows if r.configurado])
        self.guardar.setEnabled(bool(rows))

    def _set_fiel(self, fiel: bool | None) -> None:
        """Llave Privada is only for the e.firma (.cer + .key)."""
        self.llave_button.setEnabled(bool(fiel))
        self.llave.setEnabled(bool(fiel))
        if not fiel:
            self.llave.clear()

    def set_certificado(self, path: str) -> None:
        """What choosing a file does (tests call it to bypass the native file dialog)."""
        self.certificado.setText(path)
        self.detalle.clear()
        self._elegido = None
        fiel = Path(path).suffix.lower() != ".pfx"
        self._set_fiel(fiel)
        if not fiel:
            self.usuario.clear()  # the IMSS usuario is not in the certificate: typed by the user
            self.usuario.setFocus()  # the next step, not back where the chooser was opened
            return
        try:
            info = self._services.certificates.describe(Path(path))
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return
        # FIEL: the usuario is the RFC of the certificate.
        self.usuario.setText(info.rfc)
        certificates = self._services.certificates
        self._elegido = (info.rfc, certificates.validity(info))
        self.detalle.setText(
            _detalle(info, certificates.validity(info), certificates.emisor_verificado(info))
        )
        self.llave_button.setFocus()  # an e.firma's next step: its .key

    def set_llave(self, path: str) -> None:
        self.llave.setText(path)
        self.contrasena.setFocus()  # the usuario came from the certificate

    def _on_table_selection(self) -> None:
        rows = self.tabla.selectionModel().selectedRows()
        if rows:
            index = self.registro.findData(self.model.rows[rows[0].row()].registro)
            self.registro.setCurrentIndex(index)

    # --- actions -------------------------------------------------------------------------------

    def guardable(self) -> bool:
        """Not when the e.firma chosen is another patrón's (its RFC is not the registro's) or
        is not valid today: Guardar would refuse it, so Enter on «¿Guardar los cambios?» goes
        back to the form."""
        if self._elegido is None:
            return True
        rfc, estado = self._elegido
        registro = self.registro.currentData()
        patron = next(
            (r.rfc_patron for r in self._services.certificates.rows() if r.registro == registro),
            None,
        )
        return rfc == patron and estado not in ("vencido", "no_vigente_aun")

    def cambios(self) -> bool:
        """A certificate chosen, or its usuario or contraseña typed, and not saved."""
        edits = (self.certificado, self.llave, self.usuario, self.contrasena)
        return any(edit.text() for edit in edits)

    def _on_guardar(self) -> None:
        self.guardar_y_cerrar(None)

    def guardar_y_cerrar(self, despues: Callable[[], None] | None) -> None:
        """Save in the background; ``despues`` (closing the window) runs once it is saved."""
        from icsoe_desktop.services.certificados.servicio import Assignment

        assignment = Assignment(
            registro=str(self.registro.currentData() or ""),
            certificado=self.certificado_picker.path(),
            llave=self.llave_picker.path(),
            usuario=self.usuario.text(),
            contrasena=self.contrasena.text(),
        )
        self.contrasena.clear()  # never left on screen, whatever the outcome

        def guardado(row: CertificateRow) -> None:
            for edit in (self.certificado, self.llave, self.usuario):
                edit.clear()
            self.detalle.clear()
            self._set_fiel(None)
            msgbox.information(self, MSG_GUARDADO.format(registro=row.registro), TITLE)
            if despues is not None:
                despues()

        # Decrypting the key and checking the pair is slow work: off the GUI thread.
        ejecutar(
            self,
            "Validando el certificado y la llave privada…",
            lambda: self._services.certificates.assign(assignment, self._actor),
            guardado,
            al_fallar=lambda exc: msgbox.field_error(self, exc, self._fields, TITLE),
            titulo=TITLE,
        )

    def _on_eliminar(self) -> None:
        registro = self.registro.currentData()
        if registro is None:
            return
        if not msgbox.question(self, MSG_ELIMINAR.format(registro=registro), title=TITLE):
            return
        try:
            self._services.certificates.remove(registro, self._actor)
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return
        msgbox.information(self, MSG_ELIMINADO, TITLE)

    def _on_generar_pfx(self) -> None:
        from icsoe_desktop.gui.certificados.generar_pfx import GenerarPfxDialog

        dialog = GenerarPfxDialog(self._services, self._actor, self)
        if self.certificado.text().lower().endswith(".cer"):  # the e.firma chosen here
            dialog.certificado.setText(self.certificado.text())
            dialog.llave.setText(self.llave.text())
            # Its key's password too, if typed: the same e.firma, not to be typed twice.
            dialog.contrasena_llave.setText(self.contrasena.text())
            if self.contrasena.text():
                dialog.contrasena_pfx.setFocus()
        ejecutar_modal(dialog)

    def done(self, result: int) -> None:
        # Guide: leaving with registros unconfigured warns that the online services won't work;
        # not when the sign-in just asked, nor for an empresa its user said not to be asked about.
        pending = self._services.certificates.pending()
        avisar = self.avisar_al_cerrar and (
            self._actor is None
            or self._services.preferencias.avisar_certificados(
                self._actor, self._services.empresa.id
            )
        )
        if pending and avisar:
            texto = MSG_SIN_CONFIGURAR if len(pending) > 1 else MSG_SIN_CONFIGURAR_UNO
            msgbox.warning(self, texto.format(lista=", ".join(pending)), TITLE)
        super().done(result)
