"""Nothing typed is thrown away in silence: every form that saves asks «¿Guardar los cambios?»
(Sí / No / Cancelar) before closing with edits, and Enter saves. Driven through the real
dialogs, on real stores; what is saved is read back from the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QListWidgetItem, QMessageBox

from icsoe_desktop.gui.empresas.por_usuario import MSG_GUARDADO, EmpresasPorUsuarioDialog
from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog
from icsoe_desktop.gui.kit.cambios import MSG_GUARDAR_CAMBIOS
from icsoe_desktop.services.empresas.registros import RegistroRow
from icsoe_desktop.services.movimientos.servicio import Filtro, Orden
from tests.empresas.tres import ANA, BETO, CLIENTES, build
from tests.gui.helpers import alt, click, codigo_guardado, type_text
from tests.services.movimientos_data import load_known

PREGUNTA = ("Sí", "No", "Cancelar")
REGISTRO, RFC, RAZON = "Y5412345106", "ABC010101AB1", "Nóminas del Centro, S.A. de C.V."


def _preguntas(modals) -> list[str]:
    return [m.text for m in modals.messages if m.text == MSG_GUARDAR_CAMBIOS]


# --- Empresas por usuario --------------------------------------------------------------------


@pytest.fixture
def tres(data_dir):
    """Three empresas; Beto works in the second only; the services of the installation."""
    from icsoe_desktop.services.container import open_services

    build(data_dir)
    services = open_services(data_dir)
    yield services
    services.close()


def _empresas(qtbot, services) -> EmpresasPorUsuarioDialog:
    dialog = EmpresasPorUsuarioDialog(services, ANA)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.usuario.setCurrentIndex(dialog.usuario.findData(BETO))
    return dialog


def _item(dialog: EmpresasPorUsuarioDialog, cliente) -> QListWidgetItem:
    [item] = [
        dialog.lista.item(i)
        for i in range(dialog.lista.count())
        if cliente.rfc in dialog.lista.item(i).text()
    ]
    return item


def _de_beto(services) -> list[str]:
    return sorted(e.rfc for e in services.empresas.listar(BETO))


def test_the_question_answers_by_its_letters(qtbot, tres, modals):
    """Alt+N: No, the form closes unsaved; Alt+C: Cancelar, back to it; Alt+S: Sí, saved."""
    dialog = _empresas(qtbot, tres)
    _item(dialog, CLIENTES[2]).setCheckState(Qt.CheckState.Checked)
    modals.answer(alt("C"))
    click(qtbot, dialog.cerrar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    qtbot.wait(50)
    assert dialog.isVisible()
    modals.answer(alt("S"))
    click(qtbot, dialog.cerrar)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _de_beto(tres) == sorted([CLIENTES[1].rfc, CLIENTES[2].rfc])

    dialog = _empresas(qtbot, tres)
    _item(dialog, CLIENTES[1]).setCheckState(Qt.CheckState.Unchecked)
    modals.answer(alt("N"))
    click(qtbot, dialog.cerrar)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _de_beto(tres) == sorted([CLIENTES[1].rfc, CLIENTES[2].rfc])  # nothing saved
    preguntas = [m.buttons for m in modals.messages if m.text == MSG_GUARDAR_CAMBIOS]
    assert preguntas == [PREGUNTA] * 3


def test_empresas_ticked_are_asked_about_when_closing(qtbot, tres, modals):
    dialog = _empresas(qtbot, tres)
    _item(dialog, CLIENTES[2]).setCheckState(Qt.CheckState.Checked)

    modals.answer("Cancelar")
    click(qtbot, dialog.cerrar)
    assert modals.messages[-1].text == MSG_GUARDAR_CAMBIOS
    assert modals.messages[-1].buttons == PREGUNTA
    assert modals.messages[-1].icon == QMessageBox.Icon.Question
    assert dialog.isVisible()  # back to the list, the tick kept
    assert _item(dialog, CLIENTES[2]).checkState() == Qt.CheckState.Checked

    modals.answer("No")
    qtbot.keyClick(dialog.lista, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert _de_beto(tres) == [CLIENTES[1].rfc]  # nothing saved

    dialog = _empresas(qtbot, tres)
    _item(dialog, CLIENTES[2]).setCheckState(Qt.CheckState.Checked)
    modals.answer("Sí")
    dialog.close()  # the window's close button
    assert not dialog.isVisible()
    assert modals.texts[-1] == MSG_GUARDADO.format(usuario=BETO)
    assert _de_beto(tres) == [CLIENTES[1].rfc, CLIENTES[2].rfc]

    dialog = _empresas(qtbot, tres)  # nothing changed: Cerrar closes without asking
    click(qtbot, dialog.cerrar)
    assert not dialog.isVisible() and len(_preguntas(modals)) == 3


def test_enter_saves_the_empresas_even_on_cerrar(qtbot, tres, modals):
    dialog = _empresas(qtbot, tres)
    assert dialog.guardar.isDefault() and not dialog.cerrar.autoDefault()
    _item(dialog, CLIENTES[0]).setCheckState(Qt.CheckState.Checked)
    dialog.lista.setFocus()
    qtbot.keyClick(dialog.lista, Qt.Key.Key_Return)
    assert modals.texts == [MSG_GUARDADO.format(usuario=BETO)]
    assert _de_beto(tres) == [CLIENTES[0].rfc, CLIENTES[1].rfc]
    assert dialog.isVisible()

    _item(dialog, CLIENTES[1]).setCheckState(Qt.CheckState.Unchecked)
    dialog.cerrar.setFocus()  # tabbed to Cerrar: Enter still saves, it never discards
    qtbot.keyClick(dialog.cerrar, Qt.Key.Key_Return)
    assert modals.texts[-1] == MSG_GUARDADO.format(usuario=BETO)
    assert _de_beto(tres) == [CLIENTES[0].rfc]


def test_choosing_another_user_asks_about_the_one_shown(qtbot, tres, modals):
    dialog = _empresas(qtbot, tres)
    _item(dialog, CLIENTES[2]).setCheckState(Qt.CheckState.Checked)

    modals.answer("Cancelar")
    dialog.usuario.setCurrentIndex(dialog.usuario.findData(ANA))
    assert _preguntas(modals) == [MSG_GUARDAR_CAMBIOS]
    assert dialog.usuario.currentData() == BETO  # still Beto's list, with the tick
    assert _item(dialog, CLIENTES[2]).checkState() == Qt.CheckState.Checked

    modals.answer("Sí")
    dialog.usuario.setCurrentIndex(dialog.usuario.findData(ANA))
    assert _de_beto(tres) == [CLIENTES[1].rfc, CLIENTES[2].rfc]  # saved for Beto
    assert dialog.usuario.currentData() == ANA
    assert not dialog.guardar.isEnabled()  # an administrator works in every empresa

    dialog.usuario.setCurrentIndex(dialog.usuario.findData(BETO))
    _item(dialog, CLIENTES[1]).setCheckState(Qt.CheckState.Unchecked)
    modals.answer("No")
    dialog.usuario.setCurrentIndex(dialog.usuario.findData(ANA))
    assert dialog.usuario.currentData() == ANA
    assert _de_beto(tres) == [CLIENTES[1].rfc, CLIENTES[2].rfc]  # discarded


# --- Registros patronales --------------------------------------------------------------------


def _registros(qtbot, services) -> RegistrosPatronalesDialog:
    dialog = RegistrosPatronalesDialog(services, actor="idse@nominas.com")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _teclear(qtbot, dialog: RegistrosPatronalesDialog, registro: str, rfc: str, razon: str):
    for edit, value in (
        (dialog.registro, registro),
        (dialog.rfc, rfc),
        (dialog.razon_social, razon),
    ):
        edit.clear()
        type_text(qtbot, edit, value)


def test_a_new_registro_typed_is_asked_about_when_closing(qtbot, services, modals):
    dialog = _registros(qtbot, services)
    _teclear(qtbot, dialog, REGISTRO, RFC, RAZON)
    modals.answer("Cancelar")
    click(qtbot, dialog.cerrar)
    assert modals.messages[-1].text == MSG_GUARDAR_CAMBIOS
    assert modals.messages[-1].buttons == PREGUNTA
    assert dialog.isVisible() and dialog.registro.text() == REGISTRO

    modals.answer("Sí")
    qtbot.keyClick(dialog.rfc, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert modals.texts[-1] == f"El registro patronal {REGISTRO} se guardó correctamente."
    assert services.registros.listar() == [RegistroRow(REGISTRO, RFC, RAZON)]

    dialog = _registros(qtbot, services)
    _teclear(qtbot, dialog, "NO191919191", "GODE561231GR8", "Eduardo Gómez Díaz")
    modals.answer("No")
    click(qtbot, dialog.cerrar)
    assert not dialog.isVisible()
    assert [r.registro for r in services.registros.listar()] == [REGISTRO]


def test_nuevo_and_another_row_ask_before_replacing_what_was_typed(qtbot, services, modals):
    services.registros.save(REGISTRO, RFC, RAZON, "idse@nominas.com")
    services.registros.save("NO191919191", "GODE561231GR8", "Eduardo Gómez Díaz", "idse@x.com")
    dialog = _registros(qtbot, services)
    dialog.tabla.selectRow(1)  # Y5412345106, loaded
    assert dialog.registro.text() == REGISTRO
    dialog.razon_social.clear()
    type_text(qtbot, dialog.razon_social, "Nóminas del Norte, S.C.")

    modals.answer("Cancelar")
    click(qtbot, dialog.nuevo)
    assert _preguntas(modals) == [MSG_GUARDAR_CAMBIOS]
    assert dialog.razon_social.text() == "Nóminas del Norte, S.C."

    modals.answer("Cancelar")
    dialog.tabla.selectRow(0)  # another registro, clicked in the grid
    assert len(_preguntas(modals)) == 2
    assert dialog.registro.text() == REGISTRO
    assert dialog.razon_social.text() == "Nóminas del Norte, S.C."
    assert dialog.selected().registro == REGISTRO  # the grid shows the one being edited

    modals.answer("Sí")
    dialog.tabla.selectRow(0)
    assert dialog.registro.text() == "NO191919191"  # then the one clicked is loaded
    assert services.registros.listar()[1] == RegistroRow(REGISTRO, RFC, "Nóminas del Norte, S.C.")

    dialog.rfc.clear()
    type_text(qtbot, dialog.rfc, "XAXX010101000")
    modals.answer("No")
    click(qtbot, dialog.nuevo)
    assert (dialog.registro.text(), dialog.rfc.text(), dialog.razon_social.text()) == ("", "", "")
    assert services.registros.listar()[0].rfc == "GODE561231GR8"  # discarded
    click(qtbot, dialog.cerrar)  # nothing typed since: no question
    assert not dialog.isVisible() and len(_preguntas(modals)) == 4


# --- the other forms that save ----------------------------------------------------------------


def _nueva_empresa(qtbot, services):
    from icsoe_desktop.gui.empresas.cambiar import NuevaEmpresaDialog

    dialog = NuevaEmpresaDialog(services, "admin@nominas.com")
    return dialog, dialog.razon_social, dialog.findChild(type(dialog.crear), "cancelarButton")


def _corregir(qtbot, services):
    from icsoe_desktop.gui.movimientos.corregir import CorregirMovimientoDialog

    load_known(services, services.data_dir)
    [row] = services.movimientos.pagina(Filtro(estado="rechazado"), Orden(), 0, 1)
    dialog = CorregirMovimientoDialog(services, row[0], "Fecha fuera de plazo", "a@b.mx")
    return dialog, dialog.nombre, dialog.cancelar


def _correo(qtbot, services):
    from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog

    dialog = ConfiguracionCorreoDialog(services, "admin@nominas.com")
    return dialog, dialog.servidor, dialog.cancelar


def _sincronizacion(qtbot, services):
    from icsoe_desktop.gui.sync.configuracion import SincronizacionDialog

    dialog = SincronizacionDialog(services, "admin@nominas.com")
    return dialog, dialog.url, dialog.cerrar


def _usuarios(qtbot, services):
    from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog

    dialog = IdseUsuariosDialog(services, None)
    return dialog, dialog.nombre, dialog.cerrar


def _certificados(qtbot, services):
    from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog

    dialog = CertificadosImssDialog(services, "admin@nominas.com")
    return dialog, dialog.usuario, dialog.cerrar


@pytest.mark.parametrize(
    "abrir",
    [_nueva_empresa, _corregir, _correo, _sincronizacion, _usuarios, _certificados],
    ids=["nueva empresa", "corregir", "correo", "sincronizacion", "usuarios", "certificados"],
)
def test_every_form_that_saves_asks_before_closing_with_edits(
    qtbot, services, modals, abrir: Callable
):
    dialog, campo, cerrar = abrir(qtbot, services)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not cerrar.autoDefault()  # a focused Cancelar or Cerrar does not take Enter
    type_text(qtbot, campo, "Dato")

    modals.answer("Cancelar")
    click(qtbot, cerrar)
    assert modals.messages[-1].text == MSG_GUARDAR_CAMBIOS
    assert modals.messages[-1].buttons == PREGUNTA
    assert dialog.isVisible() and campo.text().endswith("Dato")  # back to the form

    modals.answer("No")
    qtbot.keyClick(campo, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert len(_preguntas(modals)) == 2

    dialog, campo, cerrar = abrir(qtbot, services)  # untouched: it closes at once
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, cerrar)
    assert not dialog.isVisible() and len(_preguntas(modals)) == 2


# --- the contratista's window: Información del contratista and Alta de usuarios --------------


def test_the_contratista_window_asks_about_a_capturista_or_datos_typed(
    qtbot, services, data_dir, tmp_path, modals
):
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from tests.icsoe_helpers import CURP_ANA, enter_contratista

    rfc = enter_contratista(services, data_dir, tmp_path)
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    window.show()
    window.alta_action.trigger()
    assert window.paginas.currentWidget() is window.alta
    type_text(qtbot, window.alta.curp, CURP_ANA)

    # Alta de usuarios again from the menu used to clear the form in silence.
    modals.answer("Cancelar")
    window.alta_action.trigger()
    assert _preguntas(modals) == [MSG_GUARDAR_CAMBIOS]
    assert window.alta.curp.text() == CURP_ANA
    modals.answer("Cancelar")
    window.close()
    assert window.isVisible() and len(_preguntas(modals)) == 2
    assert window.paginas.currentWidget() is window.alta

    window.alta.clear()
    window.informacion_action.trigger()
    datos = window.datos_generales
    datos.celular.clear()
    type_text(qtbot, datos.celular, "5587654321")
    modals.answer("Sí")
    window.close()  # Sí saves the datos generales, then the window closes
    assert not window.isVisible()
    assert services.contratistas.datos_generales(rfc).celular == "5587654321"

    otra = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(otra)
    otra.show()
    otra.close()  # nothing typed: no question
    assert not otra.isVisible() and len(_preguntas(modals)) == 3


def test_the_first_run_assistant_asks_about_the_empresa_typed(qtbot, services, modals):
    from icsoe_desktop.gui.configuracion.inicial import ConfiguracionInicialWizard

    def abrir() -> ConfiguracionInicialWizard:
        if services.codigo_recuperacion.por_confirmar("ana@nominas.com"):
            codigo_guardado(services, "ana@nominas.com")
        wizard = ConfiguracionInicialWizard(services, "ana@nominas.com", {})
        qtbot.addWidget(wizard)
        wizard.show()
        return wizard

    wizard = abrir()
    pagina = wizard.currentPage()
    type_text(qtbot, pagina.rfc, "ABC010101AB1")
    type_text(qtbot, pagina.razon_social, "Nóminas del Centro, S.A. de C.V.")
    modals.answer("Cancelar")
    qtbot.keyClick(pagina.razon_social, Qt.Key.Key_Escape)
    assert _preguntas(modals) == [MSG_GUARDAR_CAMBIOS] and wizard.isVisible()
    modals.answer("Sí")
    wizard.reject()  # its Cancelar button
    assert not wizard.isVisible()
    assert services.primer_uso.empresa().rfc == "ABC010101AB1"

    wizard = abrir()  # what is saved is no change: it closes at once
    wizard.reject()
    assert not wizard.isVisible() and len(_preguntas(modals)) == 2
