"""Administración › Registro REPSE… of the contratista's window, driven by keyboard only: the
registration recorded (aviso, grant date, services, its PDF chosen in the file dialog), a
renewal request outside the STPS's window refused with the window's dates, then asked in it,
and the new registration that continues it; a capturista sees the registration, greyed, and a
registration whose window closed unasked in red. The tests' clock: 22/11/2026."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.icsoe.registro_repse import RegistroRepseDialog
from icsoe_desktop.gui.kit import colores
from tests.conftest import services_copying
from tests.gui.helpers import ENTER, wait_operations
from tests.gui.helpers import alt_de as responder_con
from tests.gui.test_solo_teclado import al_frente, alt_de, elegir_archivo, escribir, ir_a, tecla
from tests.informativa_servicios import capturista_una_vez
from tests.services.test_repse import LIMPIEZA, MANTENIMIENTO, registro_pdf


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured) -> tuple[str, str]:
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


@pytest.fixture
def modals(modals):
    modals.solo_teclado = True  # every box answered by a key
    return modals


def _abrir(qtbot, services, rfc: str, actor: str) -> RegistroRepseDialog:
    dialog = RegistroRepseDialog(services, rfc, actor)
    qtbot.addWidget(dialog)
    dialog.show()
    al_frente(qtbot, dialog)
    return dialog


def test_the_registration_recorded_and_renewed_by_keyboard(
    qtbot, services, quien, modals, tmp_path
) -> None:
    rfc, _ = quien
    pdf = tmp_path / "registro.pdf"
    pdf.write_bytes(registro_pdf())  # a scan: says neither the RFC nor the aviso
    dialog = _abrir(qtbot, services, rfc, rfc)
    qtbot.waitUntil(lambda: "Sin registro REPSE" in dialog.estado.text())
    assert not dialog.solicitar.isEnabled() and not dialog.renovar.isEnabled()

    ir_a(dialog, dialog.aviso)
    escribir("ar-12/2023")
    ir_a(dialog, dialog.otorgado.edit)
    escribir("10/12/2023")
    ir_a(dialog, dialog.servicios)
    escribir(LIMPIEZA)
    tecla(Qt.Key.Key_Return)
    escribir(MANTENIMIENTO)
    modals.handle(elegir_archivo(pdf))
    alt_de(dialog.pdf.boton)
    qtbot.waitUntil(lambda: dialog.pdf.archivo.text() == str(pdf))
    al_frente(qtbot, dialog)  # as Windows gives it back when the file dialog closes
    # The scan does not say whose it is: asked, and kept as declared by the clerk.
    modals.answer(responder_con("Es este registro"))
    modals.answer(ENTER)
    alt_de(dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    al_frente(qtbot, dialog)
    wait_operations(qtbot)
    assert "no dice el RFC del contratista" in modals.texts[0]
    modals.messages.pop(0)
    registro = services.repse.ver(rfc, rfc)
    assert registro is not None and registro.pdf_declarado
    assert (registro.aviso, registro.otorgado, registro.servicios) == (
        "AR-12/2023",
        date(2023, 12, 10),
        (LIMPIEZA, MANTENIMIENTO),
    )
    assert registro.pdf_nombre == "registro.pdf" and len(registro.pdf_sha256) == 64
    assert "vence el 10/12/2026" in modals.texts[0]
    # Its window is open (September to November 2026): said, in amber, and the renewal enabled.
    texto = dialog.estado.text()
    assert "Renovación por solicitar" in texto and "del 01/09/2026 al 30/11/2026" in texto
    assert colores.PROPIO[colores.AVISO] in dialog.estado.styleSheet()
    assert dialog.solicitar.isEnabled()
    dialog.grab().save(str(tmp_path / "registro_repse.png"))

    # A request dated before the window: refused with its dates, the cursor back on the date.
    ir_a(dialog, dialog.solicitada.edit)
    escribir("31/08/2026")
    ir_a(dialog, dialog.folio)
    escribir("sol-1")
    modals.answer(ENTER)
    alt_de(dialog.solicitar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    al_frente(qtbot, dialog)
    assert "se solicita del 01/09/2026 al 30/11/2026" in modals.texts[1]
    assert services.repse.ver(rfc, rfc).renovacion_solicitada is None
    assert dialog.solicitada.edit.hasFocus()
    tecla(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # what is there, typed over
    escribir("02/11/2026")
    modals.answer(ENTER)
    alt_de(dialog.solicitar)
    qtbot.waitUntil(lambda: len(modals.messages) == 3)
    al_frente(qtbot, dialog)
    wait_operations(qtbot)
    assert "Se registró la solicitud de renovación SOL-1 del 02/11/2026" in modals.texts[2]
    pedido = services.repse.ver(rfc, rfc)
    assert (pedido.renovacion_solicitada, pedido.renovacion_folio) == (date(2026, 11, 2), "SOL-1")
    assert "Renovación solicitada" in dialog.estado.text()

    # Granted: the new registration continues it, with the services kept.
    ir_a(dialog, dialog.aviso_nuevo)
    escribir("AR-99/2026")
    ir_a(dialog, dialog.otorgado_nuevo.edit)
    escribir("20/11/2026")
    modals.answer(ENTER)
    alt_de(dialog.renovar)
    qtbot.waitUntil(lambda: len(modals.messages) == 4)
    wait_operations(qtbot)
    nuevo = services.repse.ver(rfc, rfc)
    assert (nuevo.aviso, nuevo.anterior, nuevo.vence, nuevo.servicios) == (
        "AR-99/2026",
        "AR-12/2023",
        date(2029, 11, 20),
        (LIMPIEZA, MANTENIMIENTO),
    )
    assert "renueva el AR-12/2023" in modals.texts[3]
    assert dialog.aviso.text() == "AR-99/2026" and dialog.aviso_nuevo.text() == ""
    assert "Vigente" in dialog.estado.text()


def test_a_capturista_sees_it_greyed_and_a_closed_window_in_red(
    qtbot, services, quien, clock
) -> None:
    """On 10/12/2026 a registration granted in December 2023 can no longer be renewed."""
    rfc, ana = quien
    services.repse.registrar(rfc, CLI_ACTOR, "AR-12/2023", date(2023, 12, 10), [LIMPIEZA])
    clock.now = datetime(2026, 12, 10, 12, 0)
    dialog = _abrir(qtbot, services, rfc, ana)
    qtbot.waitUntil(lambda: "Plazo de renovación vencido" in dialog.estado.text())
    assert "el registro se cancela el 10/12/2026" in dialog.estado.text()
    assert colores.PROPIO[colores.ERROR] in dialog.estado.styleSheet()
    assert dialog.aviso.text() == "AR-12/2023"
    for boton in (dialog.guardar, dialog.solicitar, dialog.renovar):
        assert not boton.isEnabled()
    assert dialog.guardar.toolTip()  # the matrix's reason, under the pointer
    # Named for a screen reader by what they are, each twin button by its own PDF.
    assert dialog.otorgado.edit.accessibleName() == "Fecha en que se otorgó"
    assert [b.accessibleName() for b in (dialog.pdf.boton, dialog.pdf_nuevo.boton)] == [
        "Elegir el PDF del registro",
        "Elegir el PDF del registro nuevo",
    ]


def test_administracion_opens_it_from_the_contratistas_window(qtbot, services, quien, modals):
    """Alt+A and the item's letter open it on the contratista's own registration; Esc closes."""
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from tests.gui.test_solo_teclado import letra, letra_del_menu

    rfc, _ = quien
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    window.show()
    al_frente(qtbot, window)
    abiertos: list[str] = []

    def cerrar(dialog) -> None:
        assert isinstance(dialog, RegistroRepseDialog)
        abiertos.append(dialog.windowTitle())
        qtbot.waitUntil(lambda: dialog.registro is None and "Sin registro" in dialog.estado.text())
        tecla(Qt.Key.Key_Escape)

    modals.handle(cerrar)
    letra("a")
    letra_del_menu(window.repse_action)
    qtbot.waitUntil(lambda: abiertos == [f"Registro REPSE — {rfc}"])
