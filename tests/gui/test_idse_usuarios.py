"""Regístrate aquí — "Usuarios para conexión en línea con IDSE", through its real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.gui.aviso_privacidad import AvisoPrivacidadDialog
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.services.acceso.accounts import Registration
from tests.gui.helpers import click, type_text

GOOD = "Nom1na$Segura"


def make_dialog(qtbot, services) -> IdseUsuariosDialog:
    dialog = IdseUsuariosDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(qtbot, dialog: IdseUsuariosDialog, **overrides) -> None:
    values = {
        "nombre": "Karla",
        "primer_apellido": "Domínguez",
        "segundo_apellido": "Peña",
        "usuario": "karla@nominas.com",
        "contrasena": GOOD,
        "confirmacion": GOOD,
    } | {k: v for k, v in overrides.items() if k != "aviso"}
    for field, value in values.items():
        edit = getattr(dialog, field)
        edit.clear()
        type_text(qtbot, edit, value)
    if overrides.get("aviso", True) != dialog.aviso.isChecked():
        click(qtbot, dialog.aviso)


def grid(dialog: IdseUsuariosDialog) -> list[tuple[str, str]]:
    model = dialog.model
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def test_form_has_the_guide_fields_and_grid(qtbot, services):
    dialog = make_dialog(qtbot, services)
    assert dialog.windowTitle() == "Usuarios para conexión en línea con IDSE"
    assert dialog.guardar.text().replace("&", "") == "Guardar"
    assert dialog.deshabilitar.text().replace("&", "") == "Deshabilitar"
    assert not dialog.deshabilitar.isEnabled()  # nothing selected
    assert (dialog.aviso.text() + " " + dialog.aviso_link.text()).replace("&", "") == (
        "Acepto el Aviso de privacidad y el Acuerdo de servicio."
    )
    headers = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)]
    assert headers == ["Usuario", "Estado"]


def test_saving_a_valid_user_adds_it_enabled_and_clears_the_form(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts == ["El usuario karla@nominas.com se guardó correctamente."]
    assert grid(dialog) == [("karla@nominas.com", "Habilitado")]
    assert dialog.usuario.text() == "" and dialog.contrasena.text() == ""
    assert not dialog.aviso.isChecked()
    assert services.accounts.authenticate("karla@nominas.com", GOOD).usuario == "karla@nominas.com"


@pytest.mark.parametrize(
    ("overrides", "expected", "focused"),
    [
        ({"nombre": ""}, "El campo «Nombre(s)» es obligatorio.", "nombre"),
        ({"primer_apellido": ""}, "El campo «Primer apellido» es obligatorio.", "primer_apellido"),
        ({"usuario": ""}, "El campo «Usuario» es obligatorio.", "usuario"),
        ({"contrasena": ""}, "El campo «Contraseña» es obligatorio.", "contrasena"),
        ({"confirmacion": ""}, "El campo «Confirmar contraseña» es obligatorio.", "confirmacion"),
        (
            {"usuario": "karla@nominas"},
            "El usuario debe ser un correo electrónico válido",
            "usuario",
        ),
        ({"confirmacion": "Nom1na$Segurx"}, "no coinciden", "confirmacion"),
        (
            {"contrasena": "qwerty12", "confirmacion": "qwerty12"},
            "mayúsculas, minúsculas y números",
            "contrasena",
        ),
        (
            {"aviso": False},
            "debes aceptar el Aviso de privacidad y el Acuerdo de servicio",
            "aviso",
        ),
    ],
)
def test_each_rule_has_its_own_message(qtbot, services, modals, overrides, expected, focused):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog, **overrides)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert expected in modals.texts[0]
    assert grid(dialog) == []  # nothing saved
    qtbot.waitUntil(lambda: dialog.focusWidget() is getattr(dialog, focused))


def test_weak_password_names_every_broken_rule(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog, contrasena="aaa1234", confirmacion="aaa1234")
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    text = modals.texts[0]
    for rule in (
        "mayúsculas",
        "carácter especial",
        "mayor o igual a 8",
        "números en secuencia",
        "repetir caracteres",
    ):
        assert rule in text


def test_duplicate_usuario_is_refused(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog)
    click(qtbot, dialog.guardar)
    fill(qtbot, dialog, usuario="KARLA@nominas.com", nombre="Otra")
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert "ya está registrado" in modals.texts[1]
    assert grid(dialog) == [("karla@nominas.com", "Habilitado")]


def test_disable_asks_then_disables_and_the_user_can_be_enabled_again(qtbot, services, modals):
    services.accounts.register(  # the first user administers
        Registration("Admin", "Ruiz", "", "admin@nominas.com", GOOD, GOOD, True)
    )
    dialog = IdseUsuariosDialog(services, "admin@nominas.com")
    qtbot.addWidget(dialog)
    dialog.show()
    fill(qtbot, dialog)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    dialog.tabla.selectRow(1)
    assert dialog.deshabilitar.isEnabled()
    admin = ("admin@nominas.com", "Habilitado")

    modals.answer("Cancelar")
    click(qtbot, dialog.deshabilitar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert grid(dialog) == [admin, ("karla@nominas.com", "Habilitado")]

    modals.answer("Continuar")
    click(qtbot, dialog.deshabilitar)
    qtbot.waitUntil(lambda: grid(dialog) == [admin, ("karla@nominas.com", "Deshabilitado")])
    assert "no podrá ingresar" in modals.texts[2]
    assert dialog.deshabilitar.text().replace("&", "") == "Habilitar"

    click(qtbot, dialog.deshabilitar)
    qtbot.waitUntil(lambda: grid(dialog) == [admin, ("karla@nominas.com", "Habilitado")])
    assert dialog.deshabilitar.text().replace("&", "") == "Deshabilitar"
    actions = [entry.action for entry in services.audit_instalacion.recent()]
    assert actions[:3] == [
        "usuario_idse_habilitado",
        "usuario_idse_deshabilitado",
        "usuario_idse_alta",
    ]


def test_a_user_who_is_not_administrator_sees_the_roles_and_cannot_disable(qtbot, services, modals):
    for usuario in ("admin@nominas.com", "karla@nominas.com"):
        services.accounts.register(Registration("N", "R", "", usuario, GOOD, GOOD, True))
    dialog = IdseUsuariosDialog(services, "karla@nominas.com")
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.model
    assert [model.index(r, 2).data() for r in range(model.rowCount())] == [
        "Administrador",
        "Usuario",
    ]
    dialog.tabla.selectRow(0)
    assert not dialog.deshabilitar.isEnabled()
    # Another user's password is an administrator's to set: grey, and the tooltip says so.
    assert not dialog.restablecer.isEnabled()
    assert dialog.restablecer.toolTip() == (
        "Sólo un administrador de icsoe-desktop puede restablecer la contraseña de otro usuario."
    )


def test_from_registrate_aqui_restablecer_is_offered_to_the_administrator_who_signs_there(
    qtbot, services, modals
):
    services.accounts.register(Registration("N", "R", "", "admin@nominas.com", GOOD, GOOD, True))
    dialog = IdseUsuariosDialog(services, None)  # nobody signed in: the login's Regístrate aquí
    qtbot.addWidget(dialog)
    dialog.tabla.selectRow(0)
    assert dialog.restablecer.isEnabled()  # the dialog asks the administrator's password


def test_aviso_link_opens_the_documents_from_resources(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    opened: list[str] = []

    def read(widget) -> None:
        assert isinstance(widget, AvisoPrivacidadDialog)
        opened.extend(widget.tabs.tabText(i) for i in range(widget.tabs.count()))
        opened.append(widget.tabs.widget(0).toPlainText())
        widget.accept()

    modals.handle(read)
    click(qtbot, dialog.aviso_link)
    assert opened[:2] == ["Aviso de privacidad", "Acuerdo de servicio"]
    assert "Derechos ARCO" in opened[2]
