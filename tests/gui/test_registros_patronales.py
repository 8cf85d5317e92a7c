"""Registros patronales, driven through its real widgets against the real service and SQLite."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton, QTableView

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.empresas.registros_patronales import TITLE, RegistrosPatronalesDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.empresas.registros import RegistroRow
from tests.gui.helpers import click, type_text
from tests.services.test_registros import assign_certificate

ACTOR = "idse@nominas.com"
REGISTRO = "Y5412345106"
RFC = "ABC010101AB1"
RAZON = "Nóminas del Centro, S.A. de C.V."
OTRO = RegistroRow("NO191919191", "GODE561231GR8", "Eduardo Gómez Díaz")


def make_dialog(qtbot, services) -> RegistrosPatronalesDialog:
    dialog = RegistrosPatronalesDialog(services, actor=ACTOR)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(qtbot, dialog: RegistrosPatronalesDialog, **overrides: str) -> None:
    values = {"registro": REGISTRO, "rfc": RFC, "razon_social": RAZON} | overrides
    for field, value in values.items():
        edit = getattr(dialog, field)
        edit.clear()
        type_text(qtbot, edit, value)


def grid(dialog: RegistrosPatronalesDialog) -> list[tuple[str, str, str]]:
    model = dialog.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def form(dialog: RegistrosPatronalesDialog) -> tuple[str, str, str]:
    return (dialog.registro.text(), dialog.rfc.text(), dialog.razon_social.text())


def save(qtbot, dialog: RegistrosPatronalesDialog, modals, **overrides: str) -> str:
    fill(qtbot, dialog, **overrides)
    seen = len(modals.messages)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == seen + 1)
    return modals.texts[-1]


def test_form_has_the_fields_buttons_and_grid(qtbot, services):
    dialog = make_dialog(qtbot, services)
    assert dialog.windowTitle() == TITLE == "Registros patronales"
    buttons = {b.objectName(): b.text().replace("&", "") for b in dialog.findChildren(QPushButton)}
    assert buttons == {
        "nuevoButton": "Nuevo",
        "guardarButton": "Guardar",
        "eliminarButton": "Eliminar",
        "cerrarButton": "Cerrar",
    }
    edits = {e.objectName(): e for e in dialog.findChildren(QLineEdit)}
    assert set(edits) == {"registroEdit", "rfcEdit", "razonSocialEdit"}
    assert edits["registroEdit"].maxLength() == 11
    assert dialog.findChild(QTableView, "registrosTable") is dialog.tabla
    headers = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["Registro patronal", "RFC", "Razón social"]
    assert grid(dialog) == []
    assert not dialog.eliminar.isEnabled()  # nothing loaded to delete
    assert not dialog.registro.isReadOnly()


def test_registros_already_stored_are_listed(qtbot, services):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.registros.save(OTRO.registro, OTRO.rfc, OTRO.razon_social, ACTOR)
    dialog = make_dialog(qtbot, services)
    assert grid(dialog) == [
        (OTRO.registro, OTRO.rfc, OTRO.razon_social),
        (REGISTRO, RFC, RAZON),
    ]


def test_saving_shows_it_in_the_grid_and_keeps_it_loaded(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    assert (
        save(qtbot, dialog, modals) == f"El registro patronal {REGISTRO} se guardó correctamente."
    )
    assert modals.messages[0].title == TITLE
    assert modals.messages[0].icon == QMessageBox.Icon.Information
    assert grid(dialog) == [(REGISTRO, RFC, RAZON)]
    assert dialog.selected() == RegistroRow(REGISTRO, RFC, RAZON)
    assert form(dialog) == (REGISTRO, RFC, RAZON)
    assert dialog.registro.isReadOnly() and dialog.eliminar.isEnabled()
    assert services.registros.listar() == [RegistroRow(REGISTRO, RFC, RAZON)]
    assert [(e.actor, e.action, e.target) for e in services.audit.recent()] == [
        (ACTOR, "registro_patronal_alta", REGISTRO)
    ]


def test_typing_gives_capitals_without_separators_up_to_11_characters(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    type_text(qtbot, dialog.registro, "y54-12345-10-6")
    assert dialog.registro.text() == REGISTRO
    type_text(qtbot, dialog.registro, "99")
    assert dialog.registro.text() == REGISTRO  # full: nothing more goes in
    type_text(qtbot, dialog.rfc, "abc 010101-ab1")
    assert dialog.rfc.text() == RFC
    type_text(qtbot, dialog.razon_social, "  Nóminas   del Centro, S.A. de C.V. ")
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert grid(dialog) == [(REGISTRO, RFC, RAZON)]  # razón social spaces tidied by the service


@pytest.mark.parametrize(
    ("overrides", "expected", "focused"),
    [
        ({"registro": ""}, "Captura el registro patronal.", "registro"),
        (
            {"registro": "Y541234"},
            "El registro patronal debe tener 11 caracteres; capturaste 7.",
            "registro",
        ),
        (
            {"registro": "Y54123451AB"},
            "El registro patronal sólo admite letras y números, y sus últimos 8 caracteres deben "
            "ser números (por ejemplo, Y5412345106).",
            "registro",
        ),
        ({"registro": "Ñ5412345106"}, "sus últimos 8 caracteres deben ser números", "registro"),
        ({"rfc": ""}, "Captura el RFC del patrón.", "rfc"),
        (
            {"rfc": "ABC01010"},
            "El RFC debe tener 12 caracteres (persona moral) o 13 (persona física).",
            "rfc",
        ),
        (
            {"rfc": "ABC991301AB1"},
            "El RFC no es válido: revisa las letras iniciales, la fecha (AAMMDD) y la homoclave.",
            "rfc",
        ),
        ({"razon_social": ""}, "Captura la razón social del patrón.", "razon_social"),
        ({"razon_social": "   "}, "Captura la razón social del patrón.", "razon_social"),
    ],
)
def test_each_rule_has_its_own_message_and_focuses_its_field(
    qtbot, services, modals, overrides, expected, focused
):
    dialog = make_dialog(qtbot, services)
    dialog.guardar.setFocus()
    text = save(qtbot, dialog, modals, **overrides)
    assert expected in text
    assert modals.messages[0].icon == QMessageBox.Icon.Warning
    assert modals.messages[0].title == TITLE
    assert grid(dialog) == []  # nothing saved
    assert services.registros.listar() == []
    qtbot.waitUntil(lambda: dialog.focusWidget() is getattr(dialog, focused))


def test_selecting_a_row_loads_it_and_saving_updates_it(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.registros.save(OTRO.registro, OTRO.rfc, OTRO.razon_social, ACTOR)
    dialog = make_dialog(qtbot, services)
    dialog.tabla.selectRow(1)
    assert form(dialog) == (REGISTRO, RFC, RAZON)
    assert dialog.registro.isReadOnly()  # the registro is the key: Nuevo to capture another
    assert dialog.eliminar.isEnabled()
    dialog.tabla.selectRow(0)
    assert form(dialog) == (OTRO.registro, OTRO.rfc, OTRO.razon_social)

    dialog.razon_social.clear()
    type_text(qtbot, dialog.razon_social, "Eduardo Gómez Díaz (Servicios Contables)")
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts == [f"El registro patronal {OTRO.registro} se guardó correctamente."]
    assert grid(dialog)[0] == (
        OTRO.registro,
        OTRO.rfc,
        "Eduardo Gómez Díaz (Servicios Contables)",
    )
    assert len(grid(dialog)) == 2
    assert services.audit.recent()[0].action == "registro_patronal_cambio"


def test_nuevo_clears_the_form_for_another_registro(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    dialog = make_dialog(qtbot, services)
    dialog.tabla.selectRow(0)
    click(qtbot, dialog.nuevo)
    assert form(dialog) == ("", "", "")
    assert dialog.selected() is None
    assert not dialog.registro.isReadOnly()
    assert not dialog.eliminar.isEnabled()
    assert dialog.focusWidget() is dialog.registro

    save(
        qtbot, dialog, modals, registro=OTRO.registro, rfc=OTRO.rfc, razon_social=OTRO.razon_social
    )
    assert grid(dialog) == [
        (OTRO.registro, OTRO.rfc, OTRO.razon_social),
        (REGISTRO, RFC, RAZON),
    ]


def test_capturing_an_existing_registro_as_new_asks_before_replacing_it(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    dialog = make_dialog(qtbot, services)

    modals.answer("Cancelar")
    text = save(qtbot, dialog, modals, registro="y5412345106", razon_social="Otra, S.C.")
    assert text == (
        f"El registro patronal {REGISTRO} ya existe. ¿Deseas reemplazar su RFC del patrón y su "
        "razón social con los datos capturados?"
    )
    assert modals.messages[-1].buttons == ("Continuar", "Cancelar")
    assert grid(dialog) == [(REGISTRO, RFC, RAZON)]

    modals.answer("Continuar")
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 3)
    assert modals.texts[-1] == f"El registro patronal {REGISTRO} se guardó correctamente."
    assert grid(dialog) == [(REGISTRO, RFC, "Otra, S.C.")]


def test_eliminar_asks_and_cancelar_keeps_it(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    dialog = make_dialog(qtbot, services)
    dialog.tabla.selectRow(0)
    modals.answer("Cancelar")
    click(qtbot, dialog.eliminar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts == [f"¿Deseas eliminar el registro patronal {REGISTRO}?"]
    assert modals.messages[0].buttons == ("Continuar", "Cancelar")
    assert modals.messages[0].icon == QMessageBox.Icon.Question
    assert grid(dialog) == [(REGISTRO, RFC, RAZON)]
    assert form(dialog) == (REGISTRO, RFC, RAZON)
    assert services.registros.listar() == [RegistroRow(REGISTRO, RFC, RAZON)]


def test_eliminar_with_continuar_removes_it(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.registros.save(OTRO.registro, OTRO.rfc, OTRO.razon_social, ACTOR)
    dialog = make_dialog(qtbot, services)
    dialog.tabla.selectRow(1)
    modals.answer("Continuar")
    click(qtbot, dialog.eliminar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert modals.texts[1] == f"Se eliminó el registro patronal {REGISTRO}."
    assert grid(dialog) == [(OTRO.registro, OTRO.rfc, OTRO.razon_social)]
    assert form(dialog) == ("", "", "")
    assert not dialog.eliminar.isEnabled()
    assert [r.registro for r in services.registros.listar()] == [OTRO.registro]
    recent = services.audit.recent()[0]
    assert (recent.actor, recent.action, recent.target) == (
        ACTOR,
        "registro_patronal_baja",
        REGISTRO,
    )


def test_eliminar_is_refused_while_a_certificate_is_assigned(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    assign_certificate(services, REGISTRO)
    dialog = make_dialog(qtbot, services)
    dialog.tabla.selectRow(0)
    modals.answer("Continuar")
    click(qtbot, dialog.eliminar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert modals.texts[1] == (
        f"El registro patronal {REGISTRO} tiene un certificado asignado: elimínalo primero en "
        "Certificados IMSS."
    )
    assert modals.messages[1].icon == QMessageBox.Icon.Warning
    assert grid(dialog) == [(REGISTRO, RFC, RAZON)]
    assert dialog.selected() == RegistroRow(REGISTRO, RFC, RAZON)


def test_enter_moves_through_the_fields_and_saves_once_in_the_last(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.registro  # opens on the first field, not Guardar
    fill(qtbot, dialog)
    dialog.registro.setFocus()
    qtbot.keyClick(dialog.registro, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.rfc
    qtbot.keyClick(dialog.rfc, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.razon_social
    assert modals.messages == []  # nothing saved before the last field
    qtbot.keyClick(dialog.razon_social, Qt.Key.Key_Return)
    # Saving is synchronous: a message box runs its own loop inside keyClick, and the modal
    # driver has answered it by the time keyClick returns; nothing is left open.
    assert modals.texts == [f"El registro patronal {REGISTRO} se guardó correctamente."]
    assert QApplication.activeModalWidget() is None
    assert [e.action for e in services.audit.recent()] == ["registro_patronal_alta"]

    dialog.tabla.setFocus()
    qtbot.keyClick(dialog.tabla, Qt.Key.Key_Return)  # Enter in the grid saves nothing
    assert QApplication.activeModalWidget() is None
    assert len(modals.messages) == 1
    assert [e.action for e in services.audit.recent()] == ["registro_patronal_alta"]


def test_cerrar_closes_the_dialog(qtbot, services):
    dialog = make_dialog(qtbot, services)
    click(qtbot, dialog.cerrar)
    assert not dialog.isVisible()


def test_main_window_offers_it_in_configuracion_to_a_signed_in_user(qtbot, services, modals):
    window = VentanaPrincipal(services, ACTOR, "Claudia Hernández Ruiz")
    qtbot.addWidget(window)
    window.show()
    action = window.registros_action
    assert action.objectName() == "registrosAction"
    assert action.text() == "Registros &patronales…"
    assert action.isEnabled()
    configuracion = next(
        a.menu() for a in window.menuBar().actions() if a.text() == "&Configuración"
    )
    assert action in configuracion.actions()

    services.registros.save(REGISTRO, RFC, RAZON, CLI_ACTOR)
    opened: list[object] = []

    def look(widget) -> None:
        opened.append((type(widget), widget.windowTitle(), grid(widget), widget._actor))
        widget.reject()

    modals.handle(look)
    action.trigger()
    assert opened == [
        (RegistrosPatronalesDialog, TITLE, [(REGISTRO, RFC, RAZON)], ACTOR),
    ]


def test_main_window_in_solo_consulta_does_not_offer_it(qtbot, services):
    window = VentanaPrincipal(services, None)
    qtbot.addWidget(window)
    assert not window.registros_action.isEnabled()


def test_a_new_registro_takes_the_empresas_rfc_and_razon_social(qtbot, services, modals):
    services.primer_uso.guardar_empresa(RFC, RAZON, ACTOR)
    services.registros.save(OTRO.registro, OTRO.rfc, OTRO.razon_social, ACTOR)
    dialog = make_dialog(qtbot, services)
    assert form(dialog) == ("", RFC, RAZON)  # only the registro is left to type
    type_text(qtbot, dialog.registro, REGISTRO)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: bool(modals.texts))
    assert modals.texts[-1] == f"El registro patronal {REGISTRO} se guardó correctamente."
    assert (REGISTRO, RFC, RAZON) in grid(dialog)
    dialog.tabla.selectRow(0)  # another patrón's registro, loaded to edit
    assert form(dialog) == (OTRO.registro, OTRO.rfc, OTRO.razon_social)
    click(qtbot, dialog.nuevo)
    assert form(dialog) == ("", RFC, RAZON)
