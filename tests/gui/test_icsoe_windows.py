"""ICSOE windows, rule by rule: the lazy grid model, e.firma refusals, términos Cancelar, the
password policy and link states in Crear contraseña, sign-in failures, the bulk alta report and
the way in from the IDSE login."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt

from icsoe_desktop.domain.informativa.modelo import FIRMADAS
from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.icsoe.capturistas_model import PAGE_SIZE, CapturistasModel
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.services.capturistas.common import CapturistaRow
from icsoe_desktop.services.capturistas.excel import BULK_HEADERS
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text, wait_operations
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, enter_contratista, form, trust_sat


def rows(count: int) -> list[CapturistaRow]:
    when = datetime(2026, 1, 1)
    return [
        CapturistaRow(
            i, "Capturista", f"CURP{i:014d}", f"N{i}", "P", "S", f"c{i}@x.mx", "5512345678",
            "Registrada", "EMPRESA", when, "EDE0101018A2", None, None, False,
        )
        for i in range(1, count + 1)
    ]  # fmt: skip


def test_grid_model_is_lazy_and_a_valid_qt_model(qtmodeltester):
    data = rows(2 * PAGE_SIZE + 50)
    calls = []

    def fetch(after: int, limit: int) -> list[CapturistaRow]:
        calls.append(after)
        return [r for r in data if r.id > after][:limit]

    model = CapturistasModel(fetch)
    assert model.rowCount() == 0 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE and calls == [0]
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == len(data) and calls == [0, PAGE_SIZE, 2 * PAGE_SIZE]
    assert model.index(0, 10).data() == "Editar" and model.index(0, 12).data() == ""


@pytest.mark.parametrize(
    ("gen", "rfc", "text"),
    [
        (cf.csd, cf.RFC_MORAL, "Certificado de Sello Digital (CSD)"),
        (cf.fiel_fisica, cf.RFC_MORAL, "no la del representante legal"),
        (cf.fiel_moral, "SCO050505QR2", "no al RFC capturado"),
    ],
)
def test_efirma_refusals_are_explained(qtbot, services, data_dir, tmp_path, modals, gen, rfc, text):
    trust_sat(data_dir)
    cer, key = gen().write(tmp_path)
    dialog = IcsoeEfirmaDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.rfc, rfc)
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    campos = (dialog.rfc, dialog.certificado, dialog.llave, dialog.contrasena, dialog.validar)
    antes = [campo.mapTo(dialog, campo.rect().topLeft()) for campo in campos]
    click(qtbot, dialog.validar)
    wait_operations(qtbot)  # checked in the background
    assert text in modals.texts[-1]
    assert not dialog.ingresar.isEnabled() and dialog.sesion is None
    # The reason stays under the fields, in room kept for it: none of them moved.
    assert text in dialog.resultado.text()
    assert [campo.mapTo(dialog, campo.rect().topLeft()) for campo in campos] == antes


def test_terminos_cancelar_does_not_enter(qtbot, services, data_dir, tmp_path, modals):
    trust_sat(data_dir)
    cer, key = cf.fiel_moral().write(tmp_path)
    sesion = services.contratistas.ingresar(
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    )
    inicio = IcsoeInicioWindow(services)
    qtbot.addWidget(inicio)
    modals.handle(lambda dialog: click(qtbot, dialog.cancelar))
    inicio.enter_contratista(sesion)
    assert inicio.contratista_window is None
    assert not services.contratistas.sesion(cf.RFC_MORAL).terminos_aceptados


def entrar_con_efirma(qtbot, services, data_dir, tmp_path, modals):
    """The contratista, its datos generales registered, enters again through the start window
    with its e.firma: its window, and the files it chose."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    cer, key = cf.fiel_moral().write(tmp_path / "otra_vez")
    inicio = IcsoeInicioWindow(services)
    qtbot.addWidget(inicio)
    inicio.show()

    def efirma(dialog) -> None:
        type_text(qtbot, dialog.rfc, rfc)
        dialog.set_certificado(str(cer))
        dialog.set_llave(str(key))
        type_text(qtbot, dialog.contrasena, cf.PASSWORD)
        click(qtbot, dialog.validar)
        wait_operations(qtbot)  # checked in the background
        click(qtbot, dialog.ingresar)

    modals.handle(efirma)
    click(qtbot, inicio.efirma)
    return inicio.contratista_window, cer, key


def test_after_the_efirma_the_contratista_lands_on_its_informativas(
    qtbot, services, data_dir, tmp_path, modals
):
    """It sees its informativas por periodo at once, not the Alta de usuarios."""
    window, _cer, _key = entrar_con_efirma(qtbot, services, data_dir, tmp_path, modals)
    assert isinstance(window, IcsoeContratistaWindow) and window.isVisible()
    assert window.informativas is not None and window.informativas.isVisible()
    assert window.paginas.currentWidget() is window.informativas.parentWidget()
    window.activateWindow()
    qtbot.waitUntil(window.informativas.tabla.hasFocus)  # the list, ready for the arrows
    window.grab().save(str(tmp_path / "contratista.png"))
    window.close()


def test_firmar_offers_the_efirma_the_contratista_entered_with(
    qtbot, services, data_dir, tmp_path, modals
):
    """Its .cer and .key are chosen once, at the entry: Firmar… asks only for the password;
    once its window closes they are offered no more."""
    from icsoe_desktop.gui.informativa.firmar import FirmarInformativaDialog

    window, cer, key = entrar_con_efirma(qtbot, services, data_dir, tmp_path, modals)
    inicio = window.informativas
    modals.handle(lambda dialog: click(qtbot, dialog.crear))
    modals.answer("Presentar")
    uuid = inicio.nueva_informativa(sin_informacion=True)
    ventana = inicio.ventanas[uuid]
    seen = {}

    def firmar(dialog) -> None:
        seen["archivos"] = (dialog.certificado.text(), dialog.llave.text())
        qtbot.waitUntil(dialog.contrasena.hasFocus)
        type_text(qtbot, dialog.contrasena, cf.PASSWORD)
        dialog.grab().save(str(tmp_path / "firmar.png"))
        click(qtbot, dialog.firmar)
        wait_operations(qtbot)

    modals.handle(firmar)
    modals.answer("Ahora no")  # «¿Guardar la constancia?»
    click(qtbot, ventana.firmar)
    assert seen["archivos"] == (str(cer), str(key))
    assert ventana.fila.estado in FIRMADAS
    window.close()
    otro = FirmarInformativaDialog(services, window.sesion.rfc, uuid, "")
    qtbot.addWidget(otro)
    assert (otro.certificado.text(), otro.llave.text()) == ("", "")


def _ventana_contratista(qtbot, services, data_dir, tmp_path) -> IcsoeContratistaWindow:
    """The contratista's window, shown, after it entered with its e.firma."""
    trust_sat(data_dir)
    cer, key = cf.fiel_moral().write(tmp_path)
    sesion = services.contratistas.ingresar(
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    )
    window = IcsoeContratistaWindow(services, sesion)
    qtbot.addWidget(window)
    window.show()
    return window


def test_datos_generales_errors_and_administracion_locked(
    qtbot, services, data_dir, tmp_path, modals
):
    window = _ventana_contratista(qtbot, services, data_dir, tmp_path)
    page = window.datos_generales
    assert not window.consulta_action.isEnabled() and not window.exportar_action.isEnabled()
    type_text(qtbot, page.correo, "contacto@empresa.com")
    type_text(qtbot, page.celular, "551234")
    click(qtbot, page.guardar)
    assert "10 dígitos" in modals.texts[-1]
    fake = tmp_path / "foto.pdf"
    fake.write_bytes(b"GIF89a" + b"0" * 50)
    page.set_acuse(str(fake))
    assert "no es un PDF válido" in modals.texts[-1]
    assert not page.ver_archivo.isEnabled()
    window.show_consulta()
    assert window.paginas.currentWidget() is page  # still locked


def test_ver_archivo_opens_a_readable_copy_of_the_encrypted_acuse(
    qtbot, services, data_dir, tmp_path, modals
):
    """The acuse is kept encrypted (services/acuses_stps.py); the PDF reader gets it in clear."""
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices

    from tests.icsoe_helpers import pdf_bytes

    window = _ventana_contratista(qtbot, services, data_dir, tmp_path)
    page = window.datos_generales
    elegido = tmp_path / "acuse padrón.pdf"
    elegido.write_bytes(pdf_bytes(f"Acuse {cf.RFC_MORAL}"))
    page.set_acuse(str(elegido))
    guardado = services.contratistas.acuse(cf.RFC_MORAL).path
    assert cf.RFC_MORAL.encode() not in guardado.read_bytes()
    abiertos: list[Path] = []

    class Lector(QObject):
        @Slot(QUrl)
        def abrir(self, url: QUrl) -> None:
            abiertos.append(Path(url.toLocalFile()))

    lector = Lector()
    QDesktopServices.setUrlHandler("file", lector, "abrir")
    try:
        click(qtbot, page.ver_archivo)
        assert len(abiertos) == 1 and abiertos[0].read_bytes() == elegido.read_bytes()
        assert abiertos[0].name == "acuse padrón.pdf"
        alterado = bytearray(guardado.read_bytes())
        alterado[-20] ^= 1
        guardado.write_bytes(bytes(alterado))  # the kept file altered: said, nothing opened
        click(qtbot, page.ver_archivo)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert len(abiertos) == 1
    assert "No se pudo leer el acuse «acuse padrón.pdf»" in modals.texts[-1]


def test_crear_contrasena_names_the_rules_and_link_states(qtbot, services, modals):
    dialog = IcsoeCrearContrasenaDialog(services, "icsoe://activar?codigo=ABCDE23456")
    qtbot.addWidget(dialog)
    dialog.show()
    # The pasted link is reduced to its code, shown as the mail shows it.
    assert dialog.codigo.text() == "ABCDE-23456"
    type_text(qtbot, dialog.contrasena, "qwer 1")
    type_text(qtbot, dialog.confirmacion, "qwer 1")
    click(qtbot, dialog.guardar)
    message = modals.texts[-1]
    for rule in ("mayúsculas", "carácter especial", "8 caracteres", "espacios", "(qwerty)"):
        assert rule in message
    assert dialog.contrasena.text() == ""  # not left on screen
    type_text(qtbot, dialog.contrasena, "Cap7ur!sta#")
    type_text(qtbot, dialog.confirmacion, "Cap7ur!sta#")
    click(qtbot, dialog.guardar)
    assert modals.texts[-1].startswith("El código no es válido")
    # Counted for the installation at the entry point it was typed in: the link's (activation)
    # here, the recovery's when opened after ¿Olvidaste tu contraseña?.
    assert services.audit_instalacion.recent()[0].target == "capturista_activacion"
    recuperacion = IcsoeCrearContrasenaDialog(services, "ABCDE23456", recuperacion=True)
    qtbot.addWidget(recuperacion)
    type_text(qtbot, recuperacion.contrasena, "Cap7ur!sta#")
    type_text(qtbot, recuperacion.confirmacion, "Cap7ur!sta#")
    click(qtbot, recuperacion.guardar)
    assert services.audit_instalacion.recent()[0].target == "capturista_recuperacion"


def test_inicio_sign_in_failure_and_bulk_report(qtbot, services, data_dir, tmp_path, modals):
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())
    inicio = IcsoeInicioWindow(services)
    qtbot.addWidget(inicio)
    inicio.show()
    type_text(qtbot, inicio.usuario, CURP_ANA)
    type_text(qtbot, inicio.contrasena, "Nada$123x")
    click(qtbot, inicio.ingresar)
    assert "incorrectos" in modals.texts[-1] and inicio.capturista_window is None

    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    workbook = Workbook()
    workbook.active.append(list(BULK_HEADERS))
    workbook.active.append(
        [CURP_BETO, "Beto", "García", "", "Capturista", "5512345678", "b@c.mx", "b@c.mx"]
    )
    workbook.save(tmp_path / "alta.xlsx")
    window.alta.cargar_excel(str(tmp_path / "alta.xlsx"))
    wait_operations(qtbot)
    assert modals.texts[-1].startswith(
        "No se guardó ningún capturista: 1 fila tiene errores. Corrígela"
    )
    assert "Fila 2: El campo «Segundo apellido» es obligatorio." in modals.texts[-1]
    assert services.capturistas.total(rfc) == 1


def test_idse_login_opens_icsoe_without_an_idse_session(qtbot, data_dir):
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        assert (
            app.login.icsoe.text().replace("&", "")
            == "Ingresar a ICSOE (contratistas y capturistas)"
        )
        # Pressed at once, however long the services take: opened once they are built.
        click(qtbot, app.login.icsoe)
        qtbot.waitUntil(lambda: app.icsoe is not None and app.icsoe.isVisible(), timeout=10_000)
        assert isinstance(app.icsoe, IcsoeInicioWindow)
        assert not app.login.isVisible() and app.main is None
        app.icsoe.close()
        assert app.login.isVisible()
    finally:
        app.shutdown()


def test_the_code_field_shows_the_code_as_the_mail_does(qtbot, services):
    from icsoe_desktop.gui.idse.restablecer_contrasena import RestablecerContrasenaDialog

    for dialog, field in (
        (IcsoeCrearContrasenaDialog(services), "codigo"),
        (RestablecerContrasenaDialog(services), "codigo"),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        edit = getattr(dialog, field)
        assert edit.placeholderText() == "XXXXX-XXXXX"
        edit.setFocus()
        qtbot.waitUntil(edit.hasFocus)
        type_text(qtbot, edit, "zygby shstg")
        qtbot.keyClick(edit, Qt.Key.Key_Tab)  # leaving the field
        assert edit.text() == "ZYGBY-SHSTG"


def test_olvidaste_tu_contrasena_answers_alike_for_a_curp_not_registered(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    from icsoe_desktop.gui.icsoe.recuperar import IcsoeRecuperarDialog
    from icsoe_desktop.services.capturistas.acceso import MSG_RECUPERACION_ENVIADA

    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())  # Ana, registered (no password yet)
    answers = []
    for curp in (CURP_ANA, CURP_BETO):  # Beto is nobody's capturista
        dialog = IcsoeRecuperarDialog(services)
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(qtbot, dialog.usuario, curp)
        click(qtbot, dialog.enviar)
        answers.append(modals.texts[-1])
        assert dialog.result() == dialog.DialogCode.Accepted
    assert answers == [MSG_RECUPERACION_ENVIADA, MSG_RECUPERACION_ENVIADA]
    assert "no está registrada" not in answers[0]


def test_a_name_typed_with_a_bidi_override_is_refused_naming_its_position(
    qtbot, services, data_dir, tmp_path, smtp_configured, modals
):
    """U+202E (pasted from a message, say) would show the name reversed from what is saved."""
    from icsoe_desktop.gui.icsoe.alta_usuario import IcsoeAltaUsuarioPage

    rfc = enter_contratista(services, data_dir, tmp_path)
    page = IcsoeAltaUsuarioPage(services, rfc)
    qtbot.addWidget(page)
    page.show()
    type_text(qtbot, page.curp, CURP_BETO)
    click(qtbot, page.validar)
    for edit, text in ((page.nombre, "Be\u202eto"), (page.primer_apellido, "García"),
                       (page.segundo_apellido, "Ruiz"), (page.telefono, "5512345678"),
                       (page.correo, "b@c.mx"), (page.confirmar_correo, "b@c.mx")):  # fmt: skip
        type_text(qtbot, edit, text)
    click(qtbot, page.guardar)
    assert modals.texts[-1] == (
        "El campo «Nombre(s)» tiene una marca de dirección del texto invisible (U+202E) en la "
        "posición 3: bórralo y escribe el texto de nuevo."
    )
    assert services.capturistas.total(rfc) == 0


def test_validar_fills_the_name_the_installation_knows_of_the_curp(
    qtbot, services, data_dir, tmp_path, modals
):
    """A CURP in the movimientos of an empresa of the installation: Validar writes the names
    of its latest movimiento (to be checked); one nobody here knows is said plainly."""
    from icsoe_desktop.gui.icsoe.alta_usuario import MSG_CURP_DESCONOCIDA
    from tests.services.movimientos_data import CURPS, load_known

    load_known(services, tmp_path)  # CURPS[0]: CLAUDIA LOPEZ RUIZ, later ANA RAMOS VEGA
    rfc = enter_contratista(services, data_dir, tmp_path)
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    window.show()
    window.show_alta()
    alta = window.alta
    type_text(qtbot, alta.curp, CURPS[0])
    click(qtbot, alta.validar)
    assert (alta.nombre.text(), alta.primer_apellido.text(), alta.segundo_apellido.text()) == (
        "ANA",
        "RAMOS",
        "VEGA",
    )
    assert "Nombre tomado de los movimientos de" in alta.curp_info.text()
    assert alta.nombre.isEnabled()  # a suggestion: the clerk may correct it
    qtbot.waitUntil(lambda: alta.curp_info.height() >= 2 * alta.curp_info.fontMetrics().height())
    alta.grab().save(str(tmp_path / "alta_validar.png"))  # both lines of the note in view

    alta.clear()
    type_text(qtbot, alta.curp, CURP_BETO)
    click(qtbot, alta.validar)
    assert alta.nombre.text() == "" and alta.nombre.isEnabled()
    assert MSG_CURP_DESCONOCIDA in alta.curp_info.text()
