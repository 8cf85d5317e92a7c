"""Certificados IMSS window, driven through its real widgets (file pickers bypassed by setting
the path fields, as choosing a file does)."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import SIGNAL, QEvent, QMetaMethod, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.application import MSG_REGISTRA_CERTIFICADOS, Application
from icsoe_desktop.gui.certificados.imss import (
    MSG_ELIMINADO,
    MSG_GUARDADO,
    CertificadosImssDialog,
)
from icsoe_desktop.gui.kit.cambios import MSG_GUARDAR_CAMBIOS
from icsoe_desktop.gui.kit.notificador import notificador
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text, wait_operations

REGISTRO = "Y5412345106"
OTRO = "NO191919191"


@pytest.fixture
def company(services, data_dir):
    services.registros.save(REGISTRO, cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", "admin")
    services.registros.save(
        OTRO, "SCO050505QR2", "Servicios Contables del Occidente, S.C.", "admin"
    )
    trusted = data_dir / TRUSTED_DIR
    trusted.mkdir()
    (trusted / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)
    (trusted / "ac_imss.cer").write_bytes(cf.imss_ca().certificate_der)
    return services


def make_dialog(qtbot, services) -> CertificadosImssDialog:
    dialog = CertificadosImssDialog(services, "admin@nominas.com")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def grid(dialog) -> list[tuple[str, ...]]:
    model = dialog.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def test_window_has_the_guide_fields(qtbot, company):
    dialog = make_dialog(qtbot, company)
    assert dialog.windowTitle() == "Certificados IMSS"
    assert (dialog.guardar.text().replace("&", ""), dialog.eliminar.text().replace("&", "")) == (
        "Guardar",
        "Eliminar",
    )
    assert dialog.certificado.placeholderText() == "No se eligió archivo"
    assert dialog.mostrar_usuario.text().replace("&", "") == "Mostrar usuario"
    assert dialog.mostrar_contrasena.text().replace("&", "") == "Mostrar contraseña"
    assert [dialog.registro.itemData(i) for i in range(dialog.registro.count())] == [OTRO, REGISTRO]
    assert not dialog.llave_button.isEnabled()  # only for the e.firma
    assert dialog.model.headerData(0, Qt.Orientation.Horizontal) == "Registro Patronal"


def test_fiel_fills_the_usuario_enables_the_key_and_saves(
    qtbot, company, tmp_path, modals, monkeypatch
):
    cer, key = cf.fiel_moral().write(tmp_path)
    dialog = make_dialog(qtbot, company)
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.registro.setCurrentIndex(dialog.registro.findData(REGISTRO))
    dialog.registro.setFocus()
    # By keyboard: each file chosen leads to the next step, not back to the registro.
    elegidos = iter([str(cer), str(key)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (next(elegidos), ""))
    qtbot.keyClick(dialog.registro, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.certificado_button
    qtbot.keyClick(dialog.certificado_button, Qt.Key.Key_Space)
    assert dialog.llave_button.isEnabled() and dialog.focusWidget() is dialog.llave_button
    qtbot.keyClick(dialog.llave_button, Qt.Key.Key_Space)
    assert dialog.llave.text() == str(key) and dialog.focusWidget() is dialog.contrasena
    assert dialog.usuario.text() == cf.RFC_MORAL  # from the certificate
    assert dialog.usuario.echoMode() == QLineEdit.EchoMode.Password
    click(qtbot, dialog.mostrar_usuario)
    assert dialog.usuario.echoMode() == QLineEdit.EchoMode.Normal
    assert cf.NO_CERTIFICADO in dialog.detalle.text()
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    click(qtbot, dialog.guardar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts == [MSG_GUARDADO.format(registro=REGISTRO)]
    assert grid(dialog)[0][:3] == (REGISTRO, "FIEL", cf.RFC_MORAL)
    assert grid(dialog)[0][5] == "Vigente"
    assert dialog.contrasena.text() == "" and dialog.certificado.text() == ""


def test_pfx_disables_the_key_and_saves_with_the_typed_usuario(qtbot, company, tmp_path, modals):
    pfx = tmp_path / "imss.pfx"
    pfx.write_bytes(cf.pfx_modern(cf.imss_certificate()))
    dialog = make_dialog(qtbot, company)
    dialog.registro.setCurrentIndex(dialog.registro.findData(REGISTRO))
    dialog.set_certificado(str(pfx))
    assert not dialog.llave_button.isEnabled() and dialog.focusWidget() is dialog.usuario
    type_text(qtbot, dialog.usuario, cf.IMSS_USUARIO)
    type_text(qtbot, dialog.contrasena, cf.IMSS_PASSWORD)
    click(qtbot, dialog.guardar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert grid(dialog)[0][:2] == (REGISTRO, "IMSS")


def test_certificate_of_another_employer_is_no_dado_de_alta(qtbot, company, tmp_path, modals):
    cer, key = cf.fiel_moral().write(tmp_path)
    dialog = make_dialog(qtbot, company)
    dialog.registro.setCurrentIndex(dialog.registro.findData(OTRO))  # another RFC
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    click(qtbot, dialog.guardar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts[0].startswith("Certificado no dado de alta.")
    assert grid(dialog) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "vac"), (b"esto no es un certificado", "certificado")],
)
def test_bad_certificate_files_get_a_spanish_message(
    qtbot, company, tmp_path, modals, content, expected
):
    bad = tmp_path / "malo.cer"
    bad.write_bytes(content)
    dialog = make_dialog(qtbot, company)
    dialog.set_certificado(str(bad))
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert expected in modals.texts[0].lower()
    assert "Traceback" not in modals.texts[0]


def test_eliminar_asks_then_removes(qtbot, company, tmp_path, modals):
    cer, key = cf.fiel_moral().write(tmp_path)
    from icsoe_desktop.services.certificados.servicio import Assignment

    company.certificates.assign(Assignment(REGISTRO, cer, key, cf.RFC_MORAL, cf.PASSWORD), "admin")
    dialog = make_dialog(qtbot, company)
    dialog.tabla.selectRow(0)
    assert dialog.registro.currentData() == REGISTRO
    modals.answer("Cancelar")
    click(qtbot, dialog.eliminar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert len(grid(dialog)) == 1
    modals.answer("Continuar", "Aceptar")
    click(qtbot, dialog.eliminar)
    qtbot.waitUntil(lambda: len(modals.messages) == 3)
    assert modals.texts[2] == MSG_ELIMINADO
    assert grid(dialog) == []


def test_leaving_with_unconfigured_registros_shows_the_alert(qtbot, company, modals):
    dialog = make_dialog(qtbot, company)
    dialog.reject()
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert "no estarán disponibles" in modals.texts[0]
    assert OTRO in modals.texts[0] and REGISTRO in modals.texts[0]


def test_closing_with_a_certificate_not_saved_saves_it_in_the_background_then_closes(
    qtbot, company, tmp_path, modals
):
    cer, key = cf.fiel_moral().write(tmp_path)
    dialog = make_dialog(qtbot, company)
    dialog.registro.setCurrentIndex(dialog.registro.findData(REGISTRO))
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    modals.answer("Sí")  # «¿Guardar los cambios?»; then Aceptar on what follows
    dialog.close()  # the window's close button
    assert modals.texts == [MSG_GUARDAR_CAMBIOS]  # the close waited for no save
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert modals.texts[1] == MSG_GUARDADO.format(registro=REGISTRO)
    assert "no estarán disponibles" in modals.texts[2] and REGISTRO not in modals.texts[2]
    assert company.certificates.pending() == [OTRO]  # REGISTRO's certificate is stored


def test_closing_with_a_save_that_fails_keeps_the_window_open_with_the_message(
    qtbot, company, tmp_path, modals
):
    cer, key = cf.fiel_moral().write(tmp_path)
    dialog = make_dialog(qtbot, company)
    dialog.registro.setCurrentIndex(dialog.registro.findData(OTRO))  # another employer's RFC
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    modals.answer("Sí")
    dialog.close()
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert modals.texts[1].startswith("Certificado no dado de alta.")
    qtbot.wait(50)
    assert dialog.isVisible()
    assert dialog.certificado.text() == str(cer)  # what was chosen stays to be corrected
    assert sorted(company.certificates.pending()) == sorted([OTRO, REGISTRO])


def test_full_login_warns_and_leads_to_certificados_and_login_shows_expiry(
    qtbot, company, data_dir, modals
):
    company.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", "Nom1na$Segura", "Nom1na$Segura", True)
    )
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    app.start()
    qtbot.waitUntil(lambda: app.services is not None, timeout=10_000)
    assert app.login.vigencias.isVisible()
    assert (
        f"{REGISTRO}: " in app.login.vigencias.text()
        and "Sin certificado" in app.login.vigencias.text()
    )
    opened: list[str] = []
    modals.handle(lambda dialog: (opened.append(dialog.windowTitle()), dialog.reject()))
    type_text(qtbot, app.login.contrasena, "Nom1na$Segura")
    click(qtbot, app.login.continuar)
    qtbot.waitUntil(lambda: opened == ["Certificados IMSS"], timeout=10_000)
    assert modals.texts == [MSG_REGISTRA_CERTIFICADOS]
    assert modals.messages[0].buttons == ("Abrir Certificados IMSS", "Ahora no")
    qtbot.wait(100)
    assert len(modals.messages) == 1  # asked once: no second warning on closing it
    qtbot.addWidget(app.main)
    app.shutdown()


def test_an_empresa_may_be_left_without_the_certificates_question(qtbot, company, data_dir, modals):
    """An empresa that uses only ICSOE: «No volver a preguntar para esta empresa» ticked, the
    next sign-ins ask nothing, and Certificados IMSS closes without its warning."""
    company.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", "Nom1na$Segura", "Nom1na$Segura", True)
    )
    for vez in range(2):
        app = Application(data_dir)
        qtbot.addWidget(app.login)
        app.start()
        qtbot.waitUntil(lambda app=app: app.services is not None, timeout=10_000)
        if vez == 0:
            modals.tick()
            modals.answer("Ahora no")
        type_text(qtbot, app.login.contrasena, "Nom1na$Segura")
        click(qtbot, app.login.continuar)
        qtbot.waitUntil(lambda app=app: app.main is not None and app.main.isVisible())
        qtbot.addWidget(app.main)
        qtbot.wait(200)
        assert modals.texts == [MSG_REGISTRA_CERTIFICADOS]  # the first time only
        if vez == 1:
            modals.handle(lambda dialog: dialog.reject())
            app.main.open_certificados()
            qtbot.wait(100)
            assert modals.texts == [MSG_REGISTRA_CERTIFICADOS]  # closed without a warning
        app.shutdown()


def test_imss_pfx_of_an_uninstalled_issuer_is_saved_and_marked_here_and_at_login(
    qtbot, company, data_dir, tmp_path
):
    from icsoe_desktop.gui.idse.login import IdseLoginWindow

    (data_dir / TRUSTED_DIR / "ac_imss.cer").unlink()
    pfx = tmp_path / "imss.pfx"
    pfx.write_bytes(cf.pfx_modern(cf.imss_certificate()))
    from icsoe_desktop.services.certificados.servicio import Assignment

    company.certificates.assign(
        Assignment(REGISTRO, pfx, None, cf.IMSS_USUARIO, cf.IMSS_PASSWORD), "admin"
    )
    dialog = make_dialog(qtbot, company)
    assert grid(dialog)[0][-1] == "Vigente · Emisor no verificado en este equipo"
    login = IdseLoginWindow(company)
    qtbot.addWidget(login)
    login.refresh_vigencias()
    assert "Emisor no verificado en este equipo" in login.vigencias.text()


def test_generar_pfx_from_the_chosen_efirma(qtbot, company, modals, tmp_path):
    import subprocess

    from icsoe_desktop.domain.credentials import load_pfx
    from icsoe_desktop.gui.certificados.generar_pfx import GenerarPfxDialog
    from icsoe_desktop.services.audit import AuditService

    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    dialog = make_dialog(qtbot, company)
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    opened: list[GenerarPfxDialog] = []

    def fill_and_generate(pfx_dialog) -> None:
        opened.append(pfx_dialog)
        # The e.firma chosen in Certificados IMSS comes along.
        assert pfx_dialog.certificado.text() == str(cer)
        type_text(qtbot, pfx_dialog.contrasena_llave, cf.PASSWORD)
        type_text(qtbot, pfx_dialog.contrasena_pfx, "corta")
        type_text(qtbot, pfx_dialog.confirmacion, "corta")
        pfx_dialog.generar_en(str(tmp_path / "mal.pfx"))  # in the background
        wait_operations(qtbot)
        pfx_dialog.contrasena_llave.setText(cf.PASSWORD)
        pfx_dialog.contrasena_pfx.setText("Portal2026pfx")
        pfx_dialog.generar_en(str(tmp_path / "efirma.pfx"))
        wait_operations(qtbot)
        pfx_dialog.reject()

    modals.handle(fill_and_generate)
    click(qtbot, dialog.generar_pfx)
    assert opened
    assert "de 8 a 20 caracteres, sólo letras y números" in modals.texts[0]
    assert not (tmp_path / "mal.pfx").exists()
    assert modals.texts[1] == (
        f"Se generó el archivo {tmp_path / 'efirma.pfx'} (RFC {cf.RFC_MORAL}, No. de certificado "
        f"{cf.NO_CERTIFICADO})."
    )
    pfx = tmp_path / "efirma.pfx"
    assert load_pfx(pfx.read_bytes(), "Portal2026pfx").info.rfc == cf.RFC_MORAL
    openssl = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-in", str(pfx), "-passin", "pass:Portal2026pfx"],
        capture_output=True,
        check=False,
    )
    assert openssl.returncode == 0
    assert ("pfx_generado", "admin@nominas.com") in [
        (r.action, r.actor) for r in AuditService(company.store).recent()
    ]


def test_an_efirma_wrapped_by_generar_pfx_is_an_efirma_in_the_window_and_at_login(
    qtbot, company, data_dir, tmp_path, modals
):
    """An e.firma not issued by an installed SAT CA is refused in a .pfx as in .cer/.key (it
    was kept as «IMSS» and shown vigente at the login); a SAT one is listed as FIEL."""
    from icsoe_desktop.gui.idse.login import IdseLoginWindow

    fake_ca = cf.self_signed_ca(cf.sat_ca().name_der, cf.rsa_key(12))
    for name, gen in (("falsa", cf.fiel_moral(issuer=fake_ca)), ("sat", cf.fiel_moral())):
        cer, key = gen.write(tmp_path / name)
        company.certificates.generar_pfx(
            cer, key, cf.PASSWORD, cf.IMSS_PASSWORD, tmp_path / f"{name}.pfx", "admin"
        )
    dialog = make_dialog(qtbot, company)

    def guardar(pfx: str) -> None:
        dialog.registro.setCurrentIndex(dialog.registro.findData(REGISTRO))
        dialog.set_certificado(str(tmp_path / pfx))
        type_text(qtbot, dialog.usuario, cf.RFC_MORAL)
        type_text(qtbot, dialog.contrasena, cf.IMSS_PASSWORD)
        click(qtbot, dialog.guardar)
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: bool(modals.texts))

    guardar("falsa.pfx")
    assert "no fue emitida por una autoridad certificadora del SAT" in modals.texts[-1]
    assert grid(dialog) == []
    modals.texts.clear()
    guardar("sat.pfx")
    assert modals.texts[-1] == MSG_GUARDADO.format(registro=REGISTRO)
    assert grid(dialog)[0][:3] == (REGISTRO, "FIEL", cf.RFC_MORAL)
    login = IdseLoginWindow(company)
    qtbot.addWidget(login)
    login.refresh_vigencias()
    assert (
        f"{REGISTRO}: " in login.vigencias.text() and "no verificado" not in login.vigencias.text()
    )


def test_the_alert_for_one_registro_speaks_of_one(qtbot, company, modals):
    company.registros.delete(OTRO, CLI_ACTOR)
    dialog = make_dialog(qtbot, company)
    dialog.reject()
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts[0].startswith(f"El registro patronal {REGISTRO} no tiene un certificado")
    assert "Los siguientes" not in modals.texts[0]


def test_generar_pfx_checks_the_password_before_asking_where_and_takes_the_one_typed(
    qtbot, company, modals, tmp_path
):
    """The key's password typed in Certificados IMSS comes along with the e.firma; a wrong
    one is said before the file dialog opens, not after choosing where to save."""
    from PySide6.QtWidgets import QFileDialog

    from icsoe_desktop.domain.credentials import load_pfx
    from icsoe_desktop.gui.certificados.generar_pfx import GenerarPfxDialog

    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    dialog = make_dialog(qtbot, company)
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    target = tmp_path / "portal.pfx"
    seen: dict[str, object] = {}

    def save_as(chooser) -> None:
        assert isinstance(chooser, QFileDialog)
        seen["asked_where"] = True
        name = chooser.findChild(QLineEdit, "fileNameEdit")  # Qt's own dialog, as a clerk types
        name.setText(str(target))
        chooser.accept()

    def generar(pfx_dialog) -> None:
        assert isinstance(pfx_dialog, GenerarPfxDialog)
        seen["carried"] = pfx_dialog.contrasena_llave.text()
        seen["focus"] = pfx_dialog.focusWidget() is pfx_dialog.contrasena_pfx
        pfx_dialog.contrasena_llave.setText("equivocada")
        type_text(qtbot, pfx_dialog.contrasena_pfx, "Portal2026pfx")
        type_text(qtbot, pfx_dialog.confirmacion, "Portal2026pfx")
        click(qtbot, pfx_dialog.generar)
        wait_operations(qtbot)  # the password is checked in the background
        seen["wrong"] = modals.texts[-1]
        seen["dialogs_after_wrong"] = len(modals.dialogs)
        pfx_dialog.contrasena_llave.setText(cf.PASSWORD)
        modals.handle(save_as)
        click(qtbot, pfx_dialog.generar)
        wait_operations(qtbot)  # checked, asked where, then written, in the background
        pfx_dialog.reject()

    modals.handle(generar)
    click(qtbot, dialog.generar_pfx)
    assert seen["carried"] == cf.PASSWORD and seen["focus"]
    assert "contraseña" in str(seen["wrong"]).lower()
    assert seen["dialogs_after_wrong"] == 1  # only Generar .pfx: no file dialog was opened
    assert seen["asked_where"]
    assert modals.texts[-1].startswith(f"Se generó el archivo {target}")
    assert load_pfx(target.read_bytes(), "Portal2026pfx").info.rfc == cf.RFC_MORAL


@pytest.mark.slow
def test_the_window_opened_again_and_again_leaves_nothing_of_it_behind(qtbot, company, tmp_path):
    """Opened from the main window and closed, many times a day: each closed window goes whole
    (its list's model, its file pickers), none kept alive by the window it was opened from."""
    import gc

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.kit.rows_model import RowsModel
    from icsoe_desktop.gui.kit.widgets import FilePicker
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.certificados.servicio import Assignment

    pfx = tmp_path / "imss.pfx"
    pfx.write_bytes(cf.pfx_modern(cf.imss_certificate()))
    company.certificates.assign(
        Assignment(REGISTRO, pfx, None, cf.IMSS_USUARIO, cf.IMSS_PASSWORD), "admin"
    )
    main = VentanaPrincipal(company, "admin@nominas.com")
    qtbot.addWidget(main)
    main.show()
    kinds = (CertificadosImssDialog, RowsModel, FilePicker)

    def vivos() -> dict[str, int]:
        qtbot.wait(5)  # the closed windows' deleteLater
        gc.collect()
        objects = gc.get_objects()
        return {kind.__name__: sum(1 for o in objects if isinstance(o, kind)) for kind in kinds}

    def cerrar() -> None:
        window = QApplication.activeModalWidget()
        if isinstance(window, CertificadosImssDialog):
            assert grid(window)[0][0] == REGISTRO  # it showed its list
            window.reject()

    def abrir_y_cerrar() -> None:
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(cerrar)
        timer.start()
        main.open_certificados(avisar_al_cerrar=False)
        timer.stop()

    abrir_y_cerrar()
    before = vivos()
    assert before["CertificadosImssDialog"] == 0
    for _ in range(30):
        abrir_y_cerrar()
    assert vivos() == before
    assert main.findChildren(CertificadosImssDialog) == []


def _oyentes(objetos: list[QObject]) -> int:
    """How many connections every signal of ``objetos`` has."""
    total = 0
    for objeto in objetos:
        meta = objeto.metaObject()
        for i in range(meta.methodCount()):
            metodo = meta.method(i)
            if metodo.methodType() == QMetaMethod.MethodType.Signal:
                total += objeto.receivers(SIGNAL(metodo.methodSignature().data().decode()))
    return total


def test_closed_it_leaves_no_connection_nor_object_on_what_lives_on(qtbot, company):
    """Each open from the menu, closed with Esc or Cerrar (and the warning about the registros
    without a certificate answered): its subscription to the changes, and every connection or
    object it made on the main window, the notifier and the application, are gone with it (the
    window itself: the test above)."""
    main = VentanaPrincipal(company, "admin@nominas.com")
    qtbot.addWidget(main)
    main.show()
    accion = main.findChild(QAction, "certificadosAction")
    cambios = notificador(company)
    abiertas = 0
    suscritas: list[int] = []  # the notifier's connections while each one showed

    def atender() -> None:
        nonlocal abiertas
        # Answered from a timer of its own: Qt never runs this polling timer again while one
        # of its calls waits in a nested modal loop (the warning at closing).
        widget = QApplication.activeModalWidget()
        if widget is None or widget.property("atendida"):
            return
        widget.setProperty("atendida", True)
        if isinstance(widget, CertificadosImssDialog):
            abiertas += 1
            suscritas.append(cambios.receivers(SIGNAL("cambiaron(PyObject)")))
        QTimer.singleShot(0, cerrar)

    def cerrar() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox):
            widget.buttons()[0].click()
        elif isinstance(widget, CertificadosImssDialog) and abiertas % 2:
            QTest.keyClick(widget, Qt.Key.Key_Escape)
        elif isinstance(widget, CertificadosImssDialog):
            widget.cerrar.click()

    timer = QTimer()
    timer.timeout.connect(atender)
    timer.start(10)

    def abrir_y_cerrar(veces: int) -> tuple[int, int]:
        for _ in range(veces):
            accion.trigger()  # returns once it closed
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        app = QApplication.instance()
        vivos = [app, main, cambios, *main.findChildren(QObject), *app.children()]
        return _oyentes(vivos), len(vivos)

    antes = abrir_y_cerrar(1)  # what is made once (the form loader, the notifier)
    sin_ventana = cambios.receivers(SIGNAL("cambiaron(PyObject)"))
    despues = abrir_y_cerrar(4)
    timer.stop()
    assert abiertas == 5
    assert suscritas == [sin_ventana + 1] * 5  # each one heard the changes while it showed
    assert despues == antes


@pytest.mark.parametrize(("registro", "enter"), [(REGISTRO, "Sí"), (OTRO, "Cancelar")])
def test_enter_on_guardar_los_cambios_saves_only_a_certificate_that_would_be_saved(
    qtbot, company, tmp_path, modals, registro, enter
):
    """Closed with an e.firma chosen and not saved: Enter answers Sí when it is the patrón's,
    Cancelar (back to the form, nothing tried) when it is another patrón's."""
    from tests.gui.helpers import ENTER

    cer, key = cf.fiel_moral().write(tmp_path)
    dialog = make_dialog(qtbot, company)
    dialog.registro.setCurrentIndex(dialog.registro.findData(registro))
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    modals.answer(ENTER)
    dialog.close()
    wait_operations(qtbot)
    assert modals.texts[0] == MSG_GUARDAR_CAMBIOS
    if enter == "Sí":
        qtbot.waitUntil(lambda: not dialog.isVisible())
        assert modals.texts[1] == MSG_GUARDADO.format(registro=REGISTRO)
    else:
        qtbot.wait(100)
        assert dialog.isVisible() and modals.texts == [MSG_GUARDAR_CAMBIOS]
        assert dialog.certificado.text() == str(cer)
        assert sorted(company.certificates.pending()) == sorted([OTRO, REGISTRO])
