"""The pantalla de inicio of the informativas (guía Ingreso del capturista, paso 11), through
the capturista's and the contratista's real windows on a real store: the periods with their
deadlines (a past-due one in red), Nueva informativa, a second Normal refused with the IMSS's
reason, Sin información in one step, Eliminar, and the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from icsoe_desktop.domain.informativa.modelo import NORMAL, Periodo
from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.informativa.inicio import DIAS
from icsoe_desktop.gui.informativa.nueva import NuevaInformativaDialog
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from icsoe_desktop.gui.kit import colores
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.gui.helpers import click
from tests.icsoe_helpers import NEW_PASSWORD
from tests.informativa_servicios import capturista_una_vez

# The clock of the tests: 22/11/2026, in septiembre–diciembre 2026.
ACTUAL = Periodo(2026, 3)
ANTERIOR = Periodo(2026, 2)


@pytest.fixture(scope="module")
def _capturista_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(capturista="_capturista_una_vez", ana_activa="_capturista_una_vez")


@pytest.fixture
def ana_activa(_capturista_una_vez, services, smtp_configured) -> None:
    """The contratista and Ana, its active capturista, on this test's own copy of the store."""


@pytest.fixture
def capturista(qtbot, _capturista_una_vez, services, smtp_configured):
    """Ana's window with the factory's persona moral chosen (Seleccionar → Continuar)."""
    _rfc, curp, _ = _capturista_una_vez[1]
    sesion = services.acceso_capturista.iniciar_sesion(curp, NEW_PASSWORD)
    window = IcsoeCapturistaWindow(services, sesion)
    qtbot.addWidget(window)
    window.show()
    window.set_contratista(services.acceso_capturista.seleccionar(sesion.curp, cf.RFC_MORAL))
    return window


def press_alt(qtbot, window, button) -> None:
    """Alt + the button's own letter, typed where the focus is."""
    text = button.text()
    letter = text[text.index("&") + 1].upper()
    target = window.focusWidget() or window
    qtbot.keyClick(target, getattr(Qt.Key, f"Key_{letter}"), Qt.KeyboardModifier.AltModifier)


def texts(inicio, row: int) -> list[str]:
    model = inicio.model
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_periods_with_deadlines_and_the_past_due_one_in_red(capturista):
    inicio = capturista.informativas
    assert inicio is not None and inicio.isVisible()
    assert "Contratista en uso" in capturista.contratista_label.text()  # kept as it was
    rows = [texts(inicio, r) for r in range(inicio.model.rowCount())]
    assert rows == [
        ["septiembre–diciembre 2026", "—", "Sin presentar", "", "", "18/01/2027",
         "Faltan 57 días", ""],
        ["mayo–agosto 2026", "—", "Sin presentar", "", "", "17/09/2026",
         "Vencida hace 66 días", ""],
    ]  # fmt: skip
    red = inicio.model.index(1, DIAS).data(Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.color() == colores.color(colores.ERROR, colores.BASE)
    assert inicio.model.index(0, DIAS).data(Qt.ItemDataRole.ForegroundRole) is None
    assert not inicio.eliminar.isEnabled()  # nothing to discard in a period without one


def test_nueva_creates_one_and_a_second_normal_is_refused(qtbot, capturista, services, modals):
    inicio = capturista.informativas
    created = []

    def nueva(dialog: NuevaInformativaDialog) -> None:
        # The recent periods, newest first, none in the future; the one due first chosen.
        periods = [dialog.periodo.itemText(i) for i in range(dialog.periodo.count())]
        assert periods[:3] == ["septiembre–diciembre 2026", "mayo–agosto 2026", "enero–abril 2026"]
        assert dialog.periodo_elegido() == ACTUAL
        assert dialog.tipo_elegido() == NORMAL and not dialog.complementa.isVisible()
        click(qtbot, dialog.crear)
        created.append(dialog.uuid)

    modals.handle(nueva)
    click(qtbot, inicio.nueva)
    (uuid,) = created
    window = inicio.ventanas[uuid]  # opened at once
    assert isinstance(window, InformativaWindow) and window.isVisible()
    assert texts(inicio, 0)[:3] == ["septiembre–diciembre 2026", "Normal", "En captura"]
    window.close()

    def otra(dialog: NuevaInformativaDialog) -> None:
        dialog.periodo.setCurrentIndex(dialog.periodo.findText(ACTUAL.texto))
        click(qtbot, dialog.crear)
        assert dialog.isVisible() and dialog.periodo_elegido() == ACTUAL  # nothing lost
        created.append(dialog.uuid)
        dialog.reject()

    modals.handle(otra)
    click(qtbot, inicio.nueva)
    assert created[-1] is None
    assert "varias declaraciones" in modals.texts[-1]
    assert modals.texts[-1].startswith("Ya existe una informativa Normal del periodo")
    assert (
        len([f for f in services.informativas.tablero(cf.RFC_MORAL, inicio.actor) if f.uuid]) == 1
    )


def test_sin_informacion_in_one_step(qtbot, capturista, modals):
    inicio = capturista.informativas

    def periodo(dialog: NuevaInformativaDialog) -> None:
        assert not dialog.tipo_combo.isVisible()  # only the period is asked
        dialog.periodo.setCurrentIndex(dialog.periodo.findText(ANTERIOR.texto))
        click(qtbot, dialog.crear)

    modals.handle(periodo)
    modals.answer("Presentar")
    click(qtbot, inicio.sin_informacion)
    assert modals.messages[0].text.startswith(
        "Se presentará la informativa del periodo mayo–agosto 2026 sin contratos"
    )
    assert modals.messages[0].buttons == ("Presentar", "Cancelar")
    assert modals.texts[-1] == (
        "Se registró la informativa Sin información del periodo mayo–agosto 2026: queda lista "
        "para firma."
    )
    row = texts(inicio, 1)
    assert row[:4] == ["mayo–agosto 2026", "Sin información", "Lista para firma", "0"]
    assert not inicio.ventanas  # nothing to capture: not opened


def test_eliminar_asks_and_discards(qtbot, capturista, services, modals):
    inicio = capturista.informativas
    uuid = services.informativas.crear(cf.RFC_MORAL, inicio.actor, ANTERIOR)
    inicio.recargar()
    inicio.seleccionar(uuid)
    assert inicio.eliminar.isEnabled()
    modals.answer("Cancelar")
    click(qtbot, inicio.eliminar)
    assert modals.texts[-1].startswith(
        "Se eliminará la informativa Normal del periodo mayo–agosto 2026, con 0 contratos"
    )
    assert texts(inicio, 1)[1] == "Normal"
    modals.answer("Eliminar")
    qtbot.keyClick(inicio.tabla, Qt.Key.Key_Delete)  # Supr does the same
    assert modals.texts[-1] == "Se eliminó la informativa Normal del periodo mayo–agosto 2026."
    assert texts(inicio, 1)[1:3] == ["—", "Sin presentar"]


def test_keyboard_only_new_informativa_and_open(qtbot, capturista, services, modals):
    inicio = capturista.informativas
    capturista.activateWindow()
    qtbot.waitUntil(capturista.isActiveWindow)
    seen = []

    def enter(dialog) -> None:
        seen.append(dialog.periodo_elegido())
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Return)  # Crear

    modals.handle(enter)
    press_alt(qtbot, capturista, inicio.nueva)
    qtbot.waitUntil(lambda: len(inicio.ventanas) == 1)  # a mnemonic «animates» its click first
    assert seen == [ACTUAL]
    (window,) = inicio.ventanas.values()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)  # never closes it: Cerrar does
    assert window.isVisible()
    press_alt(qtbot, window, window.cerrar)
    qtbot.waitUntil(lambda: not inicio.ventanas)
    # Enter on the row opens it again.
    inicio.tabla.setFocus()
    qtbot.keyClick(inicio.tabla, Qt.Key.Key_Return)
    assert len(inicio.ventanas) == 1


def test_the_contratista_window_shows_the_same_screen_and_may_sign(
    qtbot, ana_activa, services, modals
):
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(cf.RFC_MORAL))
    qtbot.addWidget(window)
    window.show()
    assert window.informativas_action.isEnabled()
    window.informativas_action.trigger()
    inicio = window.informativas
    assert inicio is not None and inicio.isVisible() and inicio.puede_firmar
    assert inicio.actor == cf.RFC_MORAL
    # Sin información from its own window opens at once, ready to be signed.
    modals.handle(lambda dialog: click(qtbot, dialog.crear))
    modals.answer("Presentar")
    uuid = inicio.nueva_informativa(sin_informacion=True)
    ventana = inicio.ventanas[uuid]
    assert ventana.firmar.isVisible() and ventana.firmar.isEnabled()
    assert ventana.estado_label.text() == "<b>Lista para firma</b>"
    assert not ventana.nuevo_contrato.isEnabled()  # «Sin información» has no contracts


def test_its_letters_work_in_the_contratista_window(qtbot, ana_activa, services, modals):
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(cf.RFC_MORAL))
    qtbot.addWidget(window)
    window.show()
    window.informativas_action.trigger()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    inicio = window.informativas
    assert [b.text() for b in (inicio.nueva, inicio.sin_informacion, inicio.abrir)] == [
        "&Nueva informativa…",
        "Sin in&formación…",
        "Ab&rir",
    ]
    seen = []
    for _ in range(2):
        modals.handle(lambda dialog: (seen.append(dialog.windowTitle()), dialog.reject()))
    press_alt(qtbot, window, inicio.sin_informacion)
    qtbot.waitUntil(lambda: seen == ["Sin información"])
    window.activateWindow()  # offscreen, a closed dialog gives the activation back to no one
    qtbot.waitUntil(window.isActiveWindow)
    press_alt(qtbot, window, inicio.abrir)  # the period in course, still without one: Nueva
    qtbot.waitUntil(lambda: seen == ["Sin información", "Nueva informativa"])


def test_nueva_preselects_the_period_chosen_in_the_list(qtbot, capturista, modals):
    inicio = capturista.informativas
    inicio.tabla.setCurrentIndex(inicio.model.index(1, 0))  # mayo–agosto 2026
    elegido = []

    def nueva(dialog: NuevaInformativaDialog) -> None:
        elegido.append(dialog.periodo_elegido())
        dialog.reject()

    modals.handle(nueva)
    click(qtbot, inicio.nueva)
    assert elegido == [ANTERIOR]


def test_corrige_a_says_the_day_it_was_signed_in_central_time(
    qtbot, services, data_dir, tmp_path, clock, smtp_configured
):
    """Signed at 05:10 UTC on 27/11, 23:10 of the 26th in Central Mexico: «Corrige a» says the
    26th, as the constancia does, not the day in UTC."""
    from datetime import datetime

    from icsoe_desktop.domain.informativa.modelo import CORRECCION
    from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores

    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid)
    clock.now = datetime(2026, 11, 27, 5, 10)
    fiel = tmp_path / "fiel"
    services.informativa_firma.firmar(
        uuid, rfc, fiel / f"{rfc}.cer", fiel / f"{rfc}.key", cf.PASSWORD
    )
    dialog = NuevaInformativaDialog(services, ana, rfc)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.periodo.setCurrentIndex(dialog.periodo.findData(PERIODO.clave))
    dialog.tipo_combo.setCurrentIndex(dialog.tipo_combo.findData(CORRECCION))
    assert dialog.complementa.isVisible()
    assert dialog.complementa.itemText(0) == "Normal, firmada el 26/11/2026"


def test_a_lapsed_repse_registration_is_red_and_a_renewal_due_a_notice(
    tmp_path, qtbot, capturista, services
):
    from datetime import date

    from tests.gui.helpers import wait_operations
    from tests.services.test_repse import LIMPIEZA

    inicio = capturista.informativas
    wait_operations(qtbot)
    assert inicio.repse.isHidden()  # no registration recorded

    # Granted 01/11/2023: it ended on 01/11/2026, before the tests' 22/11/2026.
    services.repse.registrar(
        cf.RFC_MORAL, cf.RFC_MORAL, "AR111/2023", date(2023, 11, 1), [LIMPIEZA]
    )
    qtbot.waitUntil(lambda: inicio.repse.isVisible())
    assert inicio.repse.text().startswith("El registro REPSE AR111/2023 venció el 01/11/2026: ")
    assert colores.PROPIO[colores.ERROR] in inicio.repse.styleSheet()
    capturista.grab().save(str(tmp_path / "inicio_repse_vencido.png"))

    # Corrected to one granted 15/01/2024: it ends 15/01/2027, its renewal due since 15/10/2026.
    services.repse.registrar(
        cf.RFC_MORAL, cf.RFC_MORAL, "AR222/2024", date(2024, 1, 15), [LIMPIEZA]
    )
    qtbot.waitUntil(lambda: "AR222/2024 vence el 15/01/2027" in inicio.repse.text())
    assert inicio.repse.isVisible()
    assert colores.PROPIO[colores.AVISO] in inicio.repse.styleSheet()

    services.repse.renovar(cf.RFC_MORAL, cf.RFC_MORAL, "AR333/2026", date(2026, 11, 20))
    qtbot.waitUntil(lambda: inicio.repse.isHidden())
    assert inicio.repse.text() == ""
