"""Issue «the clerk's first day», small points: an expired e.firma is named at once, the login's
expiry panel after Cerrar sesión, singular/plural texts, default buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text, wait_operations

REGISTRO = "Y5412345106"
GOOD = "Nom1na$Segura"


@pytest.fixture
def company(services, data_dir):
    services.registros.save(REGISTRO, cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", "admin")
    trusted = data_dir / TRUSTED_DIR
    trusted.mkdir()
    (trusted / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)
    return services


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "said"),
    [
        (-1500, -10, "Vencido: fue vigente del"),
        (5, 1400, "Aún no vigente: será vigente del"),
        (-30, 1400, "vigente del"),
    ],
)
def test_chosen_efirma_says_vencido_or_aun_no_vigente_at_once(
    qtbot, company, tmp_path, modals, valid_from, valid_to, said
):
    fiel = cf.fiel_moral(
        valid_from=cf.days_from_now(valid_from), valid_to=cf.days_from_now(valid_to)
    )
    cer, _key = fiel.write(tmp_path)
    dialog = CertificadosImssDialog(company, "admin")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_certificado(str(cer))
    shown = dialog.detalle.grab().toImage()  # rendered, not only stored
    assert not shown.isNull()
    text = _plain(dialog.detalle.text())
    assert said in text and cf.RFC_MORAL in text
    if valid_from < 0 < valid_to:
        assert "Vencido" not in text and "Aún no" not in text


def _plain(html: str) -> str:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_cerrar_sesion_shows_the_certificate_saved_in_the_session(
    qtbot, company, data_dir, tmp_path, modals
):
    company.accounts.register(Registration("Ana", "Ruiz", "", "ana@nominas.com", GOOD, GOOD, True))
    cer, key = cf.fiel_moral().write(tmp_path)
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        qtbot.waitUntil(lambda: app.services is not None, timeout=10_000)
        assert "Sin certificado" in app.login.vigencias.text()

        def certificados(dialog) -> None:
            dialog.registro.setCurrentIndex(dialog.registro.findData(REGISTRO))
            dialog.set_certificado(str(cer))
            dialog.set_llave(str(key))
            type_text(qtbot, dialog.contrasena, cf.PASSWORD)
            click(qtbot, dialog.guardar)
            # Saved once the clerk is told so and the fields are empty (the table may show the
            # row a moment before: closing then would ask to save it again). Only a bound on a
            # hang: decrypting the key takes seconds on a loaded machine.
            qtbot.waitUntil(
                lambda: (
                    any("se agregó correctamente" in t for t in modals.texts)
                    and not dialog.cambios()
                ),
                timeout=120_000,
            )
            assert dialog.model.rowCount() == 1
            dialog.reject()

        modals.handle(certificados)
        type_text(qtbot, app.login.contrasena, GOOD)
        click(qtbot, app.login.continuar)
        qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=10_000)
        main = app.main
        qtbot.addWidget(main)
        qtbot.waitUntil(lambda: len(modals.dialogs) == 1, timeout=10_000)
        qtbot.waitUntil(lambda: main.isActiveWindow() or not modals.dialogs[0].isVisible())
        main.cerrar_sesion_action.trigger()
        assert app.login.isVisible()
        assert f"{REGISTRO}: " in app.login.vigencias.text()
        assert "Vigente" in app.login.vigencias.text()
        assert "Sin certificado" not in app.login.vigencias.text()
    finally:
        app.shutdown()


def test_enter_in_contratista_a_trabajar_chooses_instead_of_going_back(
    qtbot, data_dir, tmp_path, smtp_server, modals
):
    from icsoe_desktop.domain.activation_link import code_from_link
    from icsoe_desktop.gui.icsoe.seleccionar_contratista import (
        MSG_CONFIRMAR,
        IcsoeSeleccionarContratistaDialog,
    )
    from icsoe_desktop.services.container import open_services
    from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD, invited_capturista

    link = invited_capturista(data_dir, tmp_path, smtp_server)
    services = open_services(data_dir)
    try:
        services.acceso_capturista.crear_contrasena(
            code_from_link(link), NEW_PASSWORD, NEW_PASSWORD
        )
        dialog = IcsoeSeleccionarContratistaDialog(services, CURP_ANA)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.tabla.setFocus()
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Down)  # the first contratista
        modals.answer("Continuar")
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Return)
        assert modals.texts == [MSG_CONFIRMAR.format(nombre=cf.NOMBRE_MORAL, rfc=cf.RFC_MORAL)]
        assert dialog.result() == dialog.DialogCode.Accepted
        assert dialog.elegido is not None and dialog.elegido.rfc == cf.RFC_MORAL
    finally:
        services.close()


def test_last_attempt_and_bulk_report_read_in_real_singular_and_list_every_error(
    qtbot, application_login, services, data_dir, tmp_path, modals
):
    from openpyxl import Workbook

    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.services.capturistas.excel import BULK_HEADERS
    from tests.icsoe_helpers import CURP_BETO, enter_contratista

    login = application_login
    for _ in range(4):
        type_text(qtbot, login.contrasena, "Equivocada$1")
        qtbot.keyClick(login.contrasena, Qt.Key.Key_Return)
    assert "Te queda 1 intento antes" in modals.texts[-1]
    assert "Te quedan 2 intentos antes" in modals.texts[-2]

    rfc = enter_contratista(services, data_dir, tmp_path)
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    workbook = Workbook()
    workbook.active.append(list(BULK_HEADERS))
    # No segundo apellido, a short phone and mismatched mails: three errors in one row.
    workbook.active.append(
        [CURP_BETO, "Beto", "García", "", "Capturista", "55123", "b@c.mx", "x@c.mx"]
    )
    workbook.save(tmp_path / "alta.xlsx")
    window.alta.cargar_excel(str(tmp_path / "alta.xlsx"))
    wait_operations(qtbot)  # read and checked in the background
    report = modals.texts[-1]
    assert report.startswith("No se guardó ningún capturista: 1 fila tiene errores. Corrígela")
    row = next(line for line in report.splitlines() if line.startswith("Fila 2:"))
    assert "«Segundo apellido» es obligatorio" in row
    assert "teléfono" in row and "no coinciden" in row


@pytest.fixture
def application_login(qtbot, services):
    from icsoe_desktop.gui.idse.login import IdseLoginWindow

    services.accounts.register(Registration("Ana", "Ruiz", "", "ana@nominas.com", GOOD, GOOD, True))
    login = IdseLoginWindow(services)
    qtbot.addWidget(login)
    login.show()
    return login


def test_without_os_keyring_certificados_names_the_certificate_not_a_password(
    qtbot, company, tmp_path, modals, monkeypatch
):
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core._keyring_backend = None
    cer, key = cf.fiel_moral().write(tmp_path)
    dialog = CertificadosImssDialog(company, "admin")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=10_000)
    assert "el certificado no se guardó" in modals.texts[0]
    assert "llave privada y la contraseña del certificado" in modals.texts[0]
    assert company.certificates.pending() == [REGISTRO]


def test_lotes_tab_at_1366x768_shows_five_pending_and_five_detail_rows_whole_causa_by_keyboard(
    qtbot, services, tmp_path
):
    from PySide6.QtGui import QFontMetrics

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.kit.geometria import centrar
    from icsoe_desktop.gui.movimientos.ventana import MSG_EXPORTAR_EN_LOTES
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    create_demo_movimientos(services.store, 2_000, services.movimientos.today())
    registro = services.registros.listar()[0].registro
    pendientes = services.lotes.pendientes(registro)
    (tmp_path / "lotes").mkdir()
    services.lotes.generar(registro, [p.id for p in pendientes[:8]], tmp_path / "lotes", "admin")
    main = VentanaPrincipal(services, "admin@nominas.com")
    qtbot.addWidget(main)
    centrar(main)  # as the app opens it on the 1366×768 screen of the tests
    main.show()
    # The first day's worst case: the «Configuración inicial pendiente» band takes its height.
    assert main.pendientes.isVisible()
    view = main.movimientos
    view.tabs.setFocus()
    while view.tabs.currentIndex() != 4:  # Lotes, by keyboard
        qtbot.keyClick(view.tabs, Qt.Key.Key_Right)
    lotes = view.lotes
    lotes.registro.setCurrentIndex(lotes.registro.findText(registro))
    qtbot.waitUntil(lambda: lotes.pendientes.rowCount() > 10)

    def visible(table) -> int:
        return table.viewport().height() // table.verticalHeader().defaultSectionSize()

    assert not view.exportar.isEnabled()
    assert view.exportar.toolTip() == MSG_EXPORTAR_EN_LOTES
    # From the pending list, Tab walks to the lotes (the newest chosen), their actions and the
    # detail, where the lote's eight movements fill at least five rows.
    lotes.pendientes_tabla.setFocus()
    qtbot.waitUntil(lotes.pendientes_tabla.hasFocus)
    pasos = []
    for _ in range(5):
        qtbot.keyClick(main.focusWidget(), Qt.Key.Key_Tab)
        pasos.append(main.focusWidget())
    assert pasos == [
        lotes.lotes_tabla,
        lotes.importar_resultado,
        lotes.revisar_columnas,
        lotes.corregir,
        lotes.detalle_tabla,
    ]
    assert lotes.selected_lote() is not None
    qtbot.waitUntil(lambda: lotes.detalle.rowCount() == 8)
    qtbot.waitUntil(lambda: visible(lotes.detalle_tabla) >= 5)
    assert visible(lotes.pendientes_tabla) >= 5
    assert visible(lotes.lotes_tabla) >= 2
    detalle = lotes.detalle_tabla
    header = detalle.horizontalHeader()
    causa = lotes.detalle.headerData(5, Qt.Orientation.Horizontal)
    assert causa == "Causa de rechazo"
    needed = QFontMetrics(header.font()).horizontalAdvance(causa) + 8
    assert header.sectionSize(5) >= needed
    assert header.sectionViewportPosition(5) + header.sectionSize(5) <= detalle.viewport().width()
