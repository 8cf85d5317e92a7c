"""Alta de Usuario / Modificar Usuario (guía Alta de usuarios, pasos 2-8): CURP + Validar enables
the names; Regresar, Limpiar, Guardar (or Actualizar usuario when editing); and the bulk alta."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.asistente_importacion import (
    Cancelada,
    boton_revisar,
    guia_de_importacion,
)
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra
from icsoe_desktop.gui.kit.widgets import TABLAS, telefono_field
from icsoe_desktop.services.capturistas.administracion import MSG_ACTUALIZADO, MSG_GUARDADO
from icsoe_desktop.services.capturistas.excel import BULK_HEADERS, IMPORTACION
from icsoe_desktop.services.capturistas.formulario import ROLES, CapturistaForm

if TYPE_CHECKING:
    from icsoe_desktop.services.capturistas.common import CapturistaRow
    from icsoe_desktop.services.capturistas.excel import AltaMasiva
    from icsoe_desktop.services.container import Services

TITLE_ALTA = "Alta de Usuario"
TITLE_EDITAR = "Modificar Usuario"
TITLE_STYLE = '<span style="font-size:13pt; font-weight:600; color:#13322b;">{}</span>'
MSG_VALIDA_CURP = "Captura la CURP del capturista y da clic en el botón Validar."
MSG_NOMBRE_CONOCIDO = "Nombre tomado de los {fuente} de {empresa}: revísalo antes de guardar."
MSG_CURP_DESCONOCIDA = (
    "Ninguna empresa de esta instalación tiene esta CURP (ni en sus movimientos ni entre sus "
    "capturistas): escribe el nombre. El registro de la CURP (RENAPO) sólo se consulta en línea."
)
MSG_ALTA_MASIVA_CANCELADA = (
    "Se canceló el alta masiva de «{archivo}»; no se guardó ningún capturista."
)
XLSX_FILTER = f"Libro de Excel o CSV ({TABLAS})"
MAX_SHOWN_REFUSED = 15


def bulk_report_text(report: AltaMasiva) -> str:
    lines = [f"Fila {r.fila}: {r.motivo}" for r in report.rechazos[:MAX_SHOWN_REFUSED]]
    count = len(report.rechazos)
    more = count - MAX_SHOWN_REFUSED
    if more > 0:
        lines.append(f"… y {plural(more, 'fila')} más.")
    return (
        f"No se guardó ningún capturista: {plural(count, 'fila')} "
        f"{verb(count, 'tiene errores. Corrígela', 'tienen errores. Corrígelas')} y vuelve a "
        "cargar el archivo.\n\n" + "\n".join(lines)
    )


class IcsoeAltaUsuarioPage(QWidget):
    saved = Signal()
    back_requested = Signal()

    def __init__(
        self, services: Services, contratista_rfc: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeAltaUsuarioPage")
        self._services = services
        self._rfc = contratista_rfc
        self._editing: CapturistaRow | None = None
        self._validated = ""  # the CURP that passed Validar
        form = load_form("icsoe_alta_usuario.ui", self)
        self.titulo = child(form, QLabel, "tituloLabel")
        self.curp = child(form, QLineEdit, "curpEdit")
        self.validar = child(form, QPushButton, "validarButton")
        self.curp_info = child(form, QLabel, "curpInfoLabel")
        self.nombre = child(form, QLineEdit, "nombreEdit")
        self.primer_apellido = child(form, QLineEdit, "primerApellidoEdit")
        self.segundo_apellido = child(form, QLineEdit, "segundoApellidoEdit")
        self.rol = child(form, QComboBox, "rolCombo")
        self.telefono = child(form, QLineEdit, "telefonoEdit")
        telefono_field(self.telefono)
        self.correo = child(form, QLineEdit, "correoEdit")
        self.confirmar_correo = child(form, QLineEdit, "confirmarCorreoEdit")
        self.alta_masiva = child(form, QPushButton, "altaMasivaButton")
        self.regresar = child(form, QPushButton, "regresarButton")
        self.limpiar = child(form, QPushButton, "limpiarButton")
        self.guardar = child(form, QPushButton, "guardarButton")
        self._names = (self.nombre, self.primer_apellido, self.segundo_apellido)
        self._fields = {
            "curp": self.curp,
            "nombre": self.nombre,
            "primerApellido": self.primer_apellido,
            "segundoApellido": self.segundo_apellido,
            "rol": self.rol,
            "telefono": self.telefono,
            "correo": self.correo,
            "confirmarCorreo": self.confirmar_correo,
        }
        self.rol.addItem("Selecciona…", "")
        for rol in ROLES:
            self.rol.addItem(rol, rol)
        self.rol.setCurrentIndex(1)  # the only role today
        self.curp.textEdited.connect(self._on_curp_edited)
        self.curp.returnPressed.connect(self._on_validar)
        self.validar.clicked.connect(self._on_validar)
        self.guardar.clicked.connect(self._on_guardar)
        self.guardar.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))  # kept by set_text
        self.guardar.setToolTip("Guarda el usuario capturista (Ctrl+S).")
        self.limpiar.clicked.connect(self.clear)
        self.regresar.clicked.connect(self.back_requested)
        self.alta_masiva.clicked.connect(self._choose_excel)
        self.revisar_columnas = boton_revisar(
            self.alta_masiva, lambda: self._choose_excel(revisar=True)
        )
        self.clear()

    # --- modes ---------------------------------------------------------------------------------

    def clear(self) -> None:
        """Limpiar: an empty alta form (also leaves the edit mode)."""
        self._editing = None
        self._validated = ""
        colores.texto(self.titulo, TITLE_STYLE.format(TITLE_ALTA))
        mnemonics.set_text(self.guardar, "&Guardar")
        self.curp.setReadOnly(False)
        self.validar.setEnabled(True)
        self.alta_masiva.setVisible(True)
        for edit in (self.curp, *self._names, self.telefono, self.correo, self.confirmar_correo):
            edit.clear()
        self.rol.setCurrentIndex(1)
        self.curp_info.setText(MSG_VALIDA_CURP)
        self._set_names_enabled(False)
        self._guardado = self._valores()
        self.curp.setFocus()

    def edit(self, row: CapturistaRow) -> None:
        """Modificar Usuario: the CURP stays; Guardar becomes «Actualizar usuario»."""
        self.clear()
        self._editing = row
        colores.texto(self.titulo, TITLE_STYLE.format(TITLE_EDITAR))
        mnemonics.set_text(self.guardar, "Actualizar usuario")
        self.alta_masiva.setVisible(False)
        self.curp.setText(row.curp)
        self.curp.setReadOnly(True)
        self.validar.setEnabled(False)
        self._validated = row.curp
        self.curp_info.setText(self._services.capturistas.validar_curp(row.curp).curp.descripcion)
        self.nombre.setText(row.nombre)
        self.primer_apellido.setText(row.primer_apellido)
        self.segundo_apellido.setText(row.segundo_apellido)
        self.rol.setCurrentIndex(max(0, self.rol.findData(row.rol)))
        self.telefono.setText(row.telefono)
        self.correo.setText(row.correo)
        self.confirmar_correo.setText(row.correo)
        self._set_names_enabled(True)
        self._guardado = self._valores()

    def _valores(self) -> tuple[str, ...]:
        edits = (self.curp, *self._names, self.telefono, self.correo, self.confirmar_correo)
        return (*(edit.text() for edit in edits), str(self.rol.currentData() or ""))

    def cambios(self) -> bool:
        """A capturista typed (or changed) and not saved."""
        return self._valores() != self._guardado

    def _set_names_enabled(self, enabled: bool) -> None:
        for edit in self._names:
            edit.setEnabled(enabled)

    # --- Validar / Guardar ---------------------------------------------------------------------

    def _on_curp_edited(self) -> None:
        if self._validated:
            self._validated = ""
            self.curp_info.setText(MSG_VALIDA_CURP)
            self._set_names_enabled(False)

    def _on_validar(self) -> None:
        if self._editing is not None:
            return
        try:
            known = self._services.capturistas.validar_curp(self.curp.text())
        except DomainError as exc:
            rojo = colores.PROPIO[colores.ERROR]
            colores.texto(self.curp_info, f'<span style="color:{rojo};">{exc.message}</span>')
            msgbox.field_error(self, exc, self._fields, TITLE_ALTA)
            return
        self._validated = known.curp.curp
        self.curp.setText(known.curp.curp)
        text = known.curp.descripcion
        if known.nombre:
            # The same person may capture for several contratistas: its names are known.
            for edit, value in zip(
                self._names,
                (known.nombre, known.primer_apellido, known.segundo_apellido),
                strict=True,
            ):
                edit.setText(value)
            text += "<br>La persona ya está registrada como capturista de otro contratista."
        else:
            text += "<br>" + self._nombre_conocido(known.curp.curp)
        self.curp_info.setText(text)
        self._set_names_enabled(not known.activo)  # settled once it created its password
        (self.telefono if known.activo else self.nombre).setFocus()

    def _nombre_conocido(self, curp: str) -> str:
        """The names the installation's empresas hold for ``curp`` written in (to be checked),
        and where they come from; or that none holds it."""
        conocido = self._services.entrada.nombre_de_curp(curp)
        if conocido is None:
            return MSG_CURP_DESCONOCIDA
        for edit, value in zip(
            self._names,
            (conocido.nombre, conocido.primer_apellido, conocido.segundo_apellido),
            strict=True,
        ):
            edit.setText(value)
        return MSG_NOMBRE_CONOCIDO.format(fuente=conocido.fuente, empresa=conocido.empresa)

    def _form(self) -> CapturistaForm:
        return CapturistaForm(
            self.curp.text(),
            self.nombre.text(),
            self.primer_apellido.text(),
            self.segundo_apellido.text(),
            str(self.rol.currentData() or ""),
            self.telefono.text(),
            self.correo.text(),
            self.confirmar_correo.text(),
        )

    def _on_guardar(self) -> bool:
        """Guardar (or Actualizar usuario); False when refused (the message said why)."""
        title = TITLE_ALTA if self._editing is None else TITLE_EDITAR
        if not self._validated:
            msgbox.warning(self, MSG_VALIDA_CURP, title)
            self.curp.setFocus()
            return False
        service = self._services.capturistas
        try:
            if self._editing is None:
                service.alta(self._rfc, self._form())
            else:
                service.actualizar(self._rfc, self._editing.id, self._form())
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, title)
            return False
        msgbox.information(self, MSG_GUARDADO if self._editing is None else MSG_ACTUALIZADO, title)
        self.clear()
        self.saved.emit()
        return True

    # --- bulk alta -----------------------------------------------------------------------------

    def _choose_excel(self, revisar: bool = False) -> None:
        path, _ = abrir_archivo(
            self, "Alta masiva de capturistas (" + ", ".join(BULK_HEADERS) + ")", "", XLSX_FILTER
        )
        if path:
            self.cargar_excel(path, revisar)

    def cargar_excel(self, path: str, revisar: bool = False) -> None:
        """What choosing the .xlsx does (tests call it to bypass the native file dialog). A
        workbook the intake cannot read by itself (or ``revisar``) goes through the import
        assistant."""
        service = self._services.capturistas_excel
        try:
            guia = guia_de_importacion(
                self, self._services, self._rfc, IMPORTACION, Path(path), revisar
            )
        except Cancelada:
            return
        ejecutar_con_barra(
            self,
            "Validando y guardando los capturistas del archivo…",
            lambda progreso, cancelado: service.alta_masiva(
                self._rfc, Path(path), progreso, guia, cancelado
            ),
            self._cargado,
            al_cancelar=lambda: msgbox.information(
                self, MSG_ALTA_MASIVA_CANCELADA.format(archivo=Path(path).name), "Alta masiva"
            ),
            titulo="Alta masiva",
        )

    def _cargado(self, report: AltaMasiva) -> None:
        if report.rechazos:
            msgbox.warning(self, bulk_report_text(report), "Alta masiva")
            return
        texto = (
            f"{verb(report.guardados, 'Se guardó', 'Se guardaron')} "
            f"{plural(report.guardados, 'capturista')}. "
            f"{verb(report.guardados, 'Recibirá', 'Cada uno recibirá')} por correo su código "
            "para crear su contraseña."
        )
        # The rows left out (hidden, under the table) are said, as every import says them.
        msgbox.information(self, "\n\n".join((texto, *report.notas)), "Alta masiva")
        self.saved.emit()
