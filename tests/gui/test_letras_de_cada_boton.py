"""Buttons a clerk working by keyboard reaches only by their Alt-letter, each pressed by it
(Alt and the letter, typed on its window): what the button does happens, and no two
controls of its window share a letter. The two «Elegir archivo…» of Certificados IMSS and
the two «Buscar…» of the e.firma windows, Emisores confiables' question, the SMTP window,
«Guardar constancia… / Ahora no», Abrir in the informativas, Validar and Ingresar with
e.firma, and the first page of Configuración inicial."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QLineEdit, QWidget

from icsoe_desktop.domain.trust import USO_SELLO
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.gui.helpers import ENTER, alt_de, codigo_guardado, type_text, wait_operations
from tests.gui.test_mnemonics import _problems, letter
from tests.gui.test_solo_teclado import elegir_archivo
from tests.gui.ventanas import ADMIN, Mundo, mundo_copiado, sembrado_una_vez, windows


@pytest.fixture(scope="module")
def _mundo_una_vez(tmp_path_factory):
    return sembrado_una_vez(tmp_path_factory)


services = services_copying(mundo="_mundo_una_vez")


@pytest.fixture
def mundo(_mundo_una_vez, services, tmp_path, smtp_configured) -> Mundo:
    return mundo_copiado(services, tmp_path, _mundo_una_vez)


def abrir(qtbot, nombre: str, mundo: Mundo) -> QWidget:
    """The window as ``tests/gui/ventanas.py`` opens it, on screen and active; no two of its
    controls share a letter."""
    window = windows()[nombre](mundo)
    qtbot.addWidget(window)
    window.show()
    activar(qtbot, window)
    assert _problems(window, "al abrir") == []
    return window


def activar(qtbot, window: QWidget) -> None:
    """Offscreen no window manager gives the activation back when a dialog closes."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def pulsar(window: QWidget, boton: QAbstractButton) -> None:
    """Alt and the letter ``boton`` shows underlined, typed on its window."""
    tecla = letter(boton.text())
    assert tecla is not None, f"«{boton.text()}» sin letra"
    QTest.keyClick(window, getattr(Qt.Key, f"Key_{tecla.upper()}"), Qt.KeyboardModifier.AltModifier)


@pytest.mark.parametrize(
    "nombre",
    [
        "certificados.imss.CertificadosImssDialog",
        "icsoe.efirma.IcsoeEfirmaDialog",
        "informativa.firmar.FirmarInformativaDialog",
        "certificados.generar_pfx.GenerarPfxDialog",
    ],
)
def test_the_certificates_and_the_keys_button_each_open_the_file_chooser_for_its_field(
    qtbot, mundo, modals, tmp_path, nombre
):
    """The twin file buttons (the certificate's, the key's): each its own letter, and each
    letter fills its own field with the file chosen."""
    window = abrir(qtbot, nombre, mundo)
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    botones = (window.certificado_picker, window.llave_picker)
    letras = {letter(p.parent().text()) for p in botones}  # the picker is its button's child
    assert None not in letras and len(letras) == 2
    for picker, archivo in zip(botones, (cer, key), strict=True):
        modals.handle(elegir_archivo(archivo))
        pulsar(window, picker.parent())
        qtbot.waitUntil(lambda picker=picker, archivo=archivo: picker.edit.text() == str(archivo))
        activar(qtbot, window)
    assert window.certificado_picker.edit.text() == str(cer)
    assert window.llave_picker.edit.text() == str(key)


def test_validar_and_ingresar_with_efirma_by_their_letters(qtbot, mundo, modals, tmp_path):
    window = abrir(qtbot, "icsoe.efirma.IcsoeEfirmaDialog", mundo)
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    type_text(qtbot, window.rfc, cf.RFC_MORAL)
    window.set_certificado(str(cer))
    window.set_llave(str(key))
    type_text(qtbot, window.contrasena, cf.PASSWORD)
    assert not window.ingresar.isEnabled()
    modals.answer(ENTER)  # «La e.firma es válida»
    pulsar(window, window.validar)
    wait_operations(qtbot)
    qtbot.waitUntil(window.ingresar.isEnabled)
    activar(qtbot, window)
    assert _problems(window, "validada") == []
    pulsar(window, window.ingresar)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert window.result() == QDialog.DialogCode.Accepted
    assert window.sesion is not None and window.sesion.rfc == cf.RFC_MORAL


def test_emisores_confiables_agregar_and_its_question_answered_by_letters(
    qtbot, mundo, modals, tmp_path
):
    """Agregar… by its letter, the file chosen, and the question «¿Cómo confiar en…?» answered
    by the letter of «Autoridad de sellos de tiempo»; then again, Cancelar by its letter."""
    window = abrir(qtbot, "certificados.emisores_confiables.EmisoresConfiablesDialog", mundo)
    ca = tmp_path / "ac_imss.crt"
    ca.write_bytes(cf.pem_certificate(cf.imss_ca().certificate_der))
    antes = len(window.model.rows)

    modals.handle(elegir_archivo(ca))
    modals.answer(alt_de("Cancelar"))
    pulsar(window, window.agregar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert len(window.model.rows) == antes  # Cancelar: nothing added

    activar(qtbot, window)
    modals.handle(elegir_archivo(ca))
    modals.answer(alt_de("Autoridad de sellos de tiempo"), ENTER)
    pulsar(window, window.agregar)
    qtbot.waitUntil(lambda: len(modals.messages) == 3)
    assert modals.messages[1].buttons == (
        "Emisor de e.firma",
        "Autoridad de sellos de tiempo",
        "Cancelar",
    )
    agregado = window.model.rows[-1]
    assert (agregado.nombre, agregado.uso) == ("AC IMSS PRUEBAS", USO_SELLO)


def test_the_smtp_window_probar_and_guardar_by_their_letters(qtbot, mundo, modals):
    from tests.gui.test_configuracion_correo import MSG_CONEXION_OK

    window = abrir(qtbot, "configuracion.correo.ConfiguracionCorreoDialog", mundo)
    modals.answer(ENTER)
    pulsar(window, window.probar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: MSG_CONEXION_OK in modals.texts, timeout=30_000)
    assert window.isVisible()  # testing neither saves nor closes
    activar(qtbot, window)
    pulsar(window, window.guardar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert window.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize("respuesta", ["Guardar constancia…", "Ahora no"])
def test_guardar_constancia_and_ahora_no_after_firmar_by_their_letters(
    qtbot, mundo, modals, tmp_path, respuesta
):
    """Abrir in the informativas, Firmar… and, signed, «¿Deseas guardar su constancia…?»
    answered by the letter of «Guardar constancia…» (the file chooser opens and it is saved)
    or of «Ahora no» (nothing asked, nothing saved)."""
    window = abrir(qtbot, "icsoe.contratista.IcsoeContratistaWindow", mundo)
    window.informativas_action.trigger()
    inicio = window.informativas
    inicio.seleccionar(mundo.informativa)
    activar(qtbot, window)
    pulsar(window, inicio.abrir)
    qtbot.waitUntil(lambda: mundo.informativa in inicio.ventanas)
    informativa = inicio.ventanas[mundo.informativa]
    activar(qtbot, informativa)
    assert _problems(informativa, "en captura") == []
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")

    def firmar(dialog: QWidget) -> None:
        dialog.set_certificado(str(cer))
        dialog.set_llave(str(key))
        type_text(qtbot, dialog.contrasena, cf.PASSWORD)
        activar(qtbot, dialog)
        pulsar(dialog, dialog.firmar)

    constancia = tmp_path / "constancia.pdf"
    modals.handle(firmar)
    modals.answer(ENTER, alt_de(respuesta))  # Revisar's «sin inconsistencias»
    if respuesta == "Guardar constancia…":
        modals.handle(elegir_archivo(constancia))
    pulsar(informativa, informativa.firmar)
    qtbot.waitUntil(lambda: any(t.startswith("La informativa quedó firmada") for t in modals.texts))
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert mundo.services.informativas.fila(mundo.informativa, mundo.rfc).estado == "firmada"
    if respuesta == "Guardar constancia…":
        qtbot.waitUntil(constancia.exists)
        assert constancia.read_bytes().startswith(b"%PDF")
        assert len(modals.dialogs) == 2  # Firmar…, the file chooser
    else:
        assert not constancia.exists() and len(modals.dialogs) == 1  # no file chooser


def test_the_first_page_of_configuracion_inicial_by_its_letters(qtbot, services, modals):
    """A new installation's assistant: RFC and Razón social reached by their labels' letters,
    Guardar datos de la empresa by its letter saves them, Siguiente by its letter goes on."""
    from icsoe_desktop.gui.configuracion.inicial import (
        EMPRESA,
        REGISTROS,
        ConfiguracionInicialWizard,
    )
    from icsoe_desktop.services.acceso.accounts import Registration
    from tests.gui.ventanas import PASSWORD

    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    codigo_guardado(services, ADMIN)
    wizard = ConfiguracionInicialWizard(services, ADMIN, {})
    qtbot.addWidget(wizard)
    wizard.show()
    activar(qtbot, wizard)
    page = wizard.currentPage()
    assert page.clave == EMPRESA
    assert _problems(wizard, "empresa") == []
    etiquetas = {e.buddy(): e for e in page.findChildren(QLabel) if e.buddy() is not None}
    for campo, texto in ((page.rfc, cf.RFC_MORAL), (page.razon_social, "Empresa Demo, S.A.")):
        pulsar(wizard, etiquetas[campo])
        assert isinstance(wizard.focusWidget(), QLineEdit) and wizard.focusWidget() is campo
        QTest.keyClicks(campo, texto)
    pulsar(wizard, page.guardar)
    qtbot.waitUntil(lambda: services.primer_uso.empresa().rfc == cf.RFC_MORAL)
    assert "Listo" in page.estado.text()
    pulsar(wizard, wizard.button(wizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.currentPage().clave == REGISTROS)
