"""The first-run assistant: a new company signs in and is
led through empresa, registros patronales (from Excel), mail, certificates, the time-stamp
server and sync; skipped
steps stay pending in the main window and are resumed from «Configuración inicial»."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog
from icsoe_desktop.gui.configuracion.inicial import ConfiguracionInicialWizard
from icsoe_desktop.gui.kit.asistente_importacion import REVISAR, AsistenteImportacionDialog
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.archivos.lectura import SIN_ENCABEZADO
from icsoe_desktop.services.empresas.primer_uso import (
    CERTIFICADOS,
    CORREO,
    EMPRESA,
    REGISTROS,
    SELLO_TIEMPO,
)
from tests import credentials_factory as cf
from tests.gui.helpers import click, codigo_guardado, type_text, wait_operations

GOOD = "Nom1na$Segura"


def workbook(tmp_path, name: str, rows: list[list[str]]) -> str:
    book = Workbook()
    book.active.append(["Registro patronal", "RFC", "Razón social"])
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


@pytest.fixture
def signed_in(qtbot, services, data_dir):
    services.accounts.register(Registration("Ana", "Ruiz", "", "ana@nominas.com", GOOD, GOOD, True))
    codigo_guardado(services, "ana@nominas.com")
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    app.start()
    qtbot.waitUntil(lambda: app.services is not None, timeout=10_000)
    yield app
    app.shutdown()


def sign_in(qtbot, app) -> None:
    type_text(qtbot, app.login.contrasena, GOOD)
    qtbot.keyClick(app.login.contrasena, Qt.Key.Key_Return)


def test_new_company_is_led_step_by_step_and_skipped_steps_stay_pending(
    qtbot, signed_in, tmp_path, modals
):
    app = signed_in
    bad = workbook(
        tmp_path,
        "malo.xlsx",
        [["Y5412345106", "RFC-MALO", "Empresa Demo"], ["12", cf.RFC_MORAL, ""]],
    )
    good = workbook(
        tmp_path,
        "registros.xlsx",
        [
            ["Y5412345106", cf.RFC_MORAL, "Empresa Demo, S.A. de C.V."],
            ["Y5412345107", cf.RFC_MORAL, "Empresa Demo, S.A. de C.V."],
        ],
    )
    seen: dict[str, object] = {}

    def assistant(wizard) -> None:
        assert isinstance(wizard, ConfiguracionInicialWizard)
        assert wizard.windowTitle() == "Configuración inicial"
        page = wizard.currentPage()
        assert page.clave == EMPRESA
        next_button = wizard.button(wizard.WizardButton.NextButton)
        assert not next_button.isEnabled()  # nothing typed yet
        type_text(qtbot, page.rfc, "XAXX")
        type_text(qtbot, page.razon_social, "Empresa Demo, S.A. de C.V.")
        qtbot.keyClick(page.razon_social, Qt.Key.Key_Return)  # Enter = Siguiente
        seen["rfc_malo"] = modals.texts[-1]
        assert wizard.currentPage().clave == EMPRESA
        page.rfc.clear()
        type_text(qtbot, page.rfc, cf.RFC_MORAL)
        qtbot.keyClick(page.razon_social, Qt.Key.Key_Return)
        assert wizard.currentPage().clave == REGISTROS
        assert not next_button.isEnabled()
        wizard.importar_registros(bad)
        wait_operations(qtbot)  # read in the background
        seen["excel_malo"] = modals.texts[-1]
        wizard.importar_registros(good)
        wait_operations(qtbot)
        seen["excel_bueno"] = modals.texts[-1]
        assert next_button.isEnabled()
        click(qtbot, next_button)
        assert wizard.currentPage().clave == CORREO
        skip = wizard.button(wizard.SKIP)
        assert skip.isVisible() and skip.text() == "&Omitir este paso"
        click(qtbot, skip)
        assert wizard.currentPage().clave == CERTIFICADOS
        assert "Y5412345106" in wizard.currentPage().estado.text()
        click(qtbot, skip)
        assert wizard.currentPage().clave == SELLO_TIEMPO
        click(qtbot, skip)
        click(qtbot, skip)  # the sync server: the last step, skipping ends the assistant
        seen["done"] = not wizard.isVisible()

    modals.handle(assistant)
    sign_in(qtbot, app)
    qtbot.waitUntil(lambda: "done" in seen, timeout=20_000)
    assert seen["done"]
    assert "RFC" in seen["rfc_malo"]
    assert seen["excel_malo"].startswith("No se guardó ningún registro patronal: 2 filas tienen")
    assert "Fila 2:" in seen["excel_malo"] and "Fila 3:" in seen["excel_malo"]
    assert seen["excel_bueno"] == "Se guardaron 2 registros patronales."
    services = app.services
    assert services.primer_uso.empresa().rfc == cf.RFC_MORAL
    assert [r.registro for r in services.registros.listar()] == ["Y5412345106", "Y5412345107"]

    main = app.main
    qtbot.addWidget(main)
    assert main.pendientes.isVisible()
    assert main.pendientes_label.text().endswith("Correo saliente, Certificados IMSS.")
    assert main.inicial_action.isEnabled()


def test_configuracion_inicial_resumes_at_the_first_pending_step(
    qtbot, signed_in, services, modals, smtp_server
):
    app = signed_in
    services.primer_uso.guardar_empresa(cf.RFC_MORAL, "Empresa Demo", "ana@nominas.com")
    services.registros.save("Y5412345106", cf.RFC_MORAL, "Empresa Demo", "ana@nominas.com")
    modals.handle(lambda box: box.reject())  # Certificados IMSS opened by the warning
    sign_in(qtbot, app)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=10_000)
    main = app.main
    qtbot.addWidget(main)
    qtbot.waitUntil(lambda: len(modals.dialogs) == 1, timeout=10_000)  # not the assistant
    assert "Correo saliente" in main.pendientes_label.text()
    seen = {}

    def fill_smtp(dialog) -> None:
        assert isinstance(dialog, ConfiguracionCorreoDialog)
        type_text(qtbot, dialog.servidor, smtp_server.host)
        dialog.seguridad.setCurrentIndex(dialog.seguridad.findData("ninguna"))
        dialog.puerto.clear()
        type_text(qtbot, dialog.puerto, str(smtp_server.port))
        type_text(qtbot, dialog.remitente, "nominas@empresa.com")
        click(qtbot, dialog.probar)
        wait_operations(qtbot)  # the test runs in the background, its answer in a box
        seen["probar"] = modals.texts[-1]
        click(qtbot, dialog.guardar)

    def assistant(wizard) -> None:
        seen["start"] = wizard.currentPage().clave
        modals.handle(fill_smtp)
        click(qtbot, wizard.currentPage().findChild(type(main.pendientes_button), "correoButton"))
        seen["estado"] = wizard.currentPage().estado.text()
        seen["next"] = wizard.button(wizard.WizardButton.NextButton).isEnabled()
        wizard.reject()

    modals.handle(assistant)
    main.pendientes_button.setFocus()
    qtbot.keyClick(main.pendientes_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "next" in seen, timeout=10_000)
    assert seen["start"] == CORREO
    assert seen["probar"] == "La conexión con el servidor de correo fue exitosa."
    assert "Listo" in seen["estado"] and smtp_server.host in seen["estado"]
    assert seen["next"]
    assert main.pendientes_label.text().endswith("Certificados IMSS.")


def test_guardar_datos_de_la_empresa_turns_the_step_listo(qtbot, services, modals):
    services.accounts.register(Registration("Ana", "Ruiz", "", "ana@nominas.com", GOOD, GOOD, True))
    codigo_guardado(services, "ana@nominas.com")
    wizard = ConfiguracionInicialWizard(services, "ana@nominas.com", {})
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.currentPage()
    assert page.clave == EMPRESA and "Pendiente" in page.estado.text()
    type_text(qtbot, page.rfc, cf.RFC_MORAL)
    type_text(qtbot, page.razon_social, "Empresa Demo, S.A. de C.V.")
    click(qtbot, page.guardar)
    assert wizard.currentPage() is page
    assert "Listo" in page.estado.text() and "Pendiente" not in page.estado.text()
    assert not wizard.button(wizard.SKIP).isVisible()  # nothing left to skip here


def registros_de_otro_sistema(path: Path, registro: str) -> str:
    """Registros under a title and under headers no alias names (as another system writes)."""
    path.write_text(
        "Catálogo de registros patronales\n"
        "Clave IMSS,Identificador fiscal,Empresa,Delegación\n"
        f"{registro},{cf.RFC_MORAL},Empresa Demo S.A. de C.V.,Sur\n",
        encoding="utf-8",
    )
    return str(path)


def test_registros_from_another_system_mapped_once_then_read_straight_in(
    qtbot, services, tmp_path, modals
):
    services.accounts.register(Registration("Ana", "Ruiz", "", "ana@nominas.com", GOOD, GOOD, True))
    codigo_guardado(services, "ana@nominas.com")
    wizard = ConfiguracionInicialWizard(services, "ana@nominas.com", {})
    qtbot.addWidget(wizard)
    wizard.show()
    importar = wizard.findChild(QPushButton, "importarButton")
    revisar = wizard.findChild(QPushButton, "importarButtonRevisar")
    assert revisar.text().replace("&", "") == REVISAR
    assert not revisar.isHidden() and revisar.isEnabled()
    assert revisar.parentWidget() is importar.parentWidget()
    vistos: list[tuple[int, list[str]]] = []

    def mapear(dialog) -> None:
        assert isinstance(dialog, AsistenteImportacionDialog)
        antes = dialog.encabezado.value()  # no row names a field: read by position
        dialog.encabezado.setValue(2)  # the clerk points at the header, under the title
        omitidas = [dialog.omitidas.item(i).text() for i in range(dialog.omitidas.count())]
        vistos.append((antes, omitidas))
        for columna, campo in (
            ("Clave IMSS", "registro_patronal"),
            ("Identificador fiscal", "rfc"),
            ("Empresa", "razon_social"),
        ):
            combo = dialog.combos[columna]
            combo.setCurrentIndex(combo.findData(campo))
        dialog.grab().save(str(tmp_path / "asistente_registros.png"))
        click(qtbot, dialog.aceptar)

    modals.handle(mapear)
    wizard.importar_registros(registros_de_otro_sistema(tmp_path / "octubre.csv", "Y5412345106"))
    wait_operations(qtbot)
    assert vistos[0][0] == SIN_ENCABEZADO
    assert "Fila 1: título, encima del encabezado" in vistos[0][1]
    assert modals.texts[-1] == (
        "Se guardó 1 registro patronal.\n\nNo se usan las columnas: Delegación.\n\n"
        "Fila 1: se dejó fuera (título, encima del encabezado)."
    )
    # Next month's file of the same shape: no assistant, straight in.
    wizard.importar_registros(registros_de_otro_sistema(tmp_path / "nov.csv", "Y5412345107"))
    wait_operations(qtbot)
    assert len([d for d in modals.dialogs if isinstance(d, AsistenteImportacionDialog)]) == 1
    assert modals.texts[-1].startswith("Se guardó 1 registro patronal.")
    assert [r.registro for r in services.registros.listar()] == ["Y5412345106", "Y5412345107"]
