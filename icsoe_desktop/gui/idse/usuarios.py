"""Regístrate aquí — "Usuarios para conexión en línea con IDSE"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.aviso_privacidad import AvisoPrivacidadDialog
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.gui.kit.widgets import new_password_fields

if TYPE_CHECKING:
    from icsoe_desktop.services.acceso.accounts import UserRow
    from icsoe_desktop.services.container import Services

TITLE = "Usuarios para conexión en línea con IDSE"
MSG_GUARDADO = "El usuario {usuario} se guardó correctamente."


class IdseUsuariosDialog(PreguntaAlCerrar, QDialog):
    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IdseUsuariosDialog")
        self._services = services
        self._actor = actor
        form = load_form("idse_usuarios.ui", self)
        self.guardar = child(form, QPushButton, "guardarButton")
        self.guardar.setDefault(True)
        self.deshabilitar = child(form, QPushButton, "deshabilitarButton")
        self.restablecer = child(form, QPushButton, "restablecerButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self.nombre = child(form, QLineEdit, "nombreEdit")
        self.primer_apellido = child(form, QLineEdit, "primerApellidoEdit")
        self.segundo_apellido = child(form, QLineEdit, "segundoApellidoEdit")
        self.usuario = child(form, QLineEdit, "usuarioEdit")
        self.contrasena, self.confirmacion, self.mostrar = new_password_fields(form)
        self.aviso = child(form, QCheckBox, "avisoCheck")
        self.aviso_link = child(form, QPushButton, "avisoButton")
        self.tabla = child(form, QTableView, "usuariosTable")
        describir_lista(self.tabla, "Los usuarios para conexión en línea con IDSE, uno por fila")
        self._fields = {
            "nombre": self.nombre,
            "primerApellido": self.primer_apellido,
            "usuario": self.usuario,
            "contrasena": self.contrasena,
            "confirmacion": self.confirmacion,
            "aviso": self.aviso,
        }

        self.model: RowsModel[UserRow] = RowsModel(
            ("Usuario", "Estado", "Función"),
            lambda r: (r.usuario, r.estado, "Administrador" if r.administrador else "Usuario"),
        )
        self.tabla.setModel(self.model)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Mirrors the role matrix; AccountsService refuses (audited) whatever the button says.
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.selectionModel().selectionChanged.connect(self._update_toggle)

        self.guardar.clicked.connect(self._on_guardar)
        self.deshabilitar.clicked.connect(self._on_toggle)
        self.restablecer.clicked.connect(self._on_restablecer)
        self.cerrar.clicked.connect(self.reject)
        self.cerrar.setAutoDefault(False)  # Enter saves
        self.aviso_link.clicked.connect(self._on_aviso)
        # Tab in reading order: the buttons' row on top (Cerrar at its right), the form, the
        # list of users.
        en_orden(
            self.guardar, self.deshabilitar, self.restablecer, self.cerrar, self.nombre,
            self.primer_apellido, self.segundo_apellido, self.usuario, self.contrasena,
            self.confirmacion, self.mostrar, self.aviso, self.aviso_link, self.tabla,
        )  # fmt: skip
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(640, 560)
        centrar(self, parent)  # fits the screen, centred on its window
        self.refresh()
        # The form comes first (Enter: Guardar); the list is reached with Tab or Alt-letters.
        self.nombre.setFocus()

    # --- grid ----------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        self.model.set_rows(self._services.accounts.listar())
        if select:
            for number, row in enumerate(self.model.rows):
                if row.usuario == select:
                    self.tabla.selectRow(number)
        self._update_toggle()

    def selected(self) -> UserRow | None:
        rows = self.tabla.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_toggle(self) -> None:
        user = self.selected()
        permisos, actor = self._services.permisos, self._actor
        reflejar(self.deshabilitar, permisos, actor, Accion.HABILITAR_USUARIOS, ademas=bool(user))
        if actor is None:  # from Regístrate aquí: the dialog has an administrator sign again
            self.restablecer.setEnabled(user is not None)
        else:
            reflejar(
                self.restablecer, permisos, actor, Accion.CONTRASENA_DE_OTRO, ademas=bool(user)
            )
        self.deshabilitar.setText(
            "&Habilitar" if user is not None and not user.habilitado else "&Deshabilitar"
        )

    # --- actions -------------------------------------------------------------------------------

    def _on_aviso(self) -> None:
        ejecutar_modal(AvisoPrivacidadDialog(self))

    def _campos(self) -> tuple[QLineEdit, ...]:
        return (
            self.nombre,
            self.primer_apellido,
            self.segundo_apellido,
            self.usuario,
            self.contrasena,
            self.confirmacion,
        )

    def cambios(self) -> bool:
        """A user being registered: something typed, or the aviso accepted."""
        return any(edit.text() for edit in self._campos()) or self.aviso.isChecked()

    def guardar_cambios(self) -> bool:
        return self._on_guardar()

    def _on_guardar(self) -> bool:
        from icsoe_desktop.services.acceso.accounts import Registration

        registration = Registration(
            nombre=self.nombre.text(),
            primer_apellido=self.primer_apellido.text(),
            segundo_apellido=self.segundo_apellido.text(),
            usuario=self.usuario.text(),
            contrasena=self.contrasena.text(),
            confirmacion=self.confirmacion.text(),
            acepta_aviso=self.aviso.isChecked(),
        )
        try:
            user = self._services.accounts.register(registration, self._actor)
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        msgbox.information(self, MSG_GUARDADO.format(usuario=user.usuario), TITLE)
        for edit in self._campos():
            edit.clear()
        self.aviso.setChecked(False)
        self.refresh(select=user.usuario)
        self.nombre.setFocus()
        return True

    def _on_restablecer(self) -> None:
        from icsoe_desktop.gui.idse.restablecer_por_administrador import (
            RestablecerPorAdministradorDialog,
        )

        user = self.selected()
        if user is None:
            return
        ejecutar_modal(
            RestablecerPorAdministradorDialog(self._services, user.usuario, self._actor or "", self)
        )

    def _on_toggle(self) -> None:
        user = self.selected()
        if user is None:
            return
        enable = not user.habilitado
        if not enable and not msgbox.question(
            self,
            f"El usuario {user.usuario} no podrá ingresar a Conexión en línea con IDSE mientras "
            "esté deshabilitado. ¿Deseas continuar?",
            title=TITLE,
        ):
            return
        try:
            self._services.accounts.set_enabled(user.usuario, enable, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
        self.refresh(select=user.usuario)
