"""The keys the Manual de usuario and the tooltips promise do what they say.

Every key a tooltip names («Guarda el registro patronal (Ctrl+S)») is pressed in its window, in
each state of the walk (tests/gui/ventanas.py), and the button or the action it names must run;
F1 opens the manual from every window. Every key the manual names (docs/manual/*.md) has its
check below, pressed in the window the manual speaks of: a key named in the manual and checked
nowhere fails, as does one that does nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from icsoe_desktop.gui import ayuda
from icsoe_desktop.gui.manual import ManualWindow
from tests.conftest import services_copying
from tests.gui.ventanas import Mundo, colocar, mundo_copiado, sembrado_una_vez, states, windows

MANUAL = Path(__file__).resolve().parents[2] / "docs" / "manual"
# A key as the manual and the tooltips write it: with Ctrl/Alt/Mayús, a function key, or a
# page key (plain «Inicio» or «Fin» are words, not keys).
_NOMBRE = r"(?:F\d{1,2}|AvPág|RePág|Inicio|Fin|Supr|Esc|[A-Z0-9])"
TECLA = re.compile(
    rf"(?<![\w+])(?:(?:Ctrl|Alt|Mayús)\+)+{_NOMBRE}(?![\w+])|(?<![\w+])(?:F\d{{1,2}}|AvPág|RePág)(?![\w+])"
)
# Spanish key names → Qt's.
_QT = {"AvPág": "PgDown", "RePág": "PgUp", "Inicio": "Home", "Fin": "End", "Supr": "Del"}
_QT |= {"Mayús": "Shift", "Esc": "Esc"}


@pytest.fixture(scope="module")
def _mundo_una_vez(tmp_path_factory):
    return sembrado_una_vez(tmp_path_factory)


services = services_copying(mundo="_mundo_una_vez")


@pytest.fixture
def mundo(_mundo_una_vez, services, tmp_path, smtp_configured) -> Mundo:
    """The windows' data (``sembrar``) on this test's own copy of the store."""
    return mundo_copiado(services, tmp_path, _mundo_una_vez)


def secuencia(nombre: str) -> QKeySequence:
    partes = [_QT.get(p, p) for p in nombre.split("+")]
    sequence = QKeySequence("+".join(partes))
    assert not sequence.isEmpty() and sequence.count() == 1, nombre
    return sequence


def pulsar(qtbot, window: QWidget, nombre: str) -> None:
    """The key pressed where the clerk's focus is (else on the window), as Qt delivers it."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    combination = secuencia(nombre)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())


def _prometidas(window: QWidget) -> list[tuple[str, QAbstractButton | QAction]]:
    """(key, what it must run) for each button and action on screen whose tooltip names a key."""
    found: list[tuple[str, QAbstractButton | QAction]] = []
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and button.isEnabled():
            found += [(key, button) for key in TECLA.findall(button.toolTip())]
    for action in window.findChildren(QAction):
        if action.isEnabled() and action.isVisible():
            found += [(key, action) for key in TECLA.findall(action.toolTip())]
    return found


def _corre(qtbot, window: QWidget, key: str, what: QAbstractButton | QAction) -> bool:
    signal = what.triggered if isinstance(what, QAction) else what.clicked
    with qtbot.waitSignal(signal, timeout=1_000, raising=False) as blocker:
        pulsar(qtbot, window, key)
    return blocker.signal_triggered


def _manual_de(window: QWidget) -> ManualWindow | None:
    return window.findChild(ManualWindow, options=Qt.FindChildOption.FindDirectChildrenOnly)


@pytest.mark.slow
def test_every_key_a_tooltip_names_runs_and_f1_opens_the_manual_everywhere(
    qtbot, qapp, mundo, modals
):
    ayuda.instalar(qapp)
    dead: list[str] = []
    pressed = 0
    for name, build in windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        colocar(window)
        for state in states(window):
            for key, what in _prometidas(window):
                pressed += 1
                if not _corre(qtbot, window, key, what):
                    dead.append(f"{name}, {state}: {key} no oprime «{what.text()}»")
        if not isinstance(window, ManualWindow):
            pulsar(qtbot, window, "F1")
            manual = _manual_de(window)
            if manual is None or not manual.isVisible():
                dead.append(f"{name}: F1 no abre el manual")
            elif manual is not None:
                manual.close()
        window.hide()
    assert not dead, "\n".join(dead)
    assert pressed >= 2  # Registros patronales' Nuevo and Guardar at least


# --- the keys of the manual -----------------------------------------------------------------------


def _registros(m: Mundo) -> QWidget:
    return windows()["empresas.registros_patronales.RegistrosPatronalesDialog"](m)


def _principal(m: Mundo) -> QWidget:
    return windows()["ventana_principal.VentanaPrincipal"](m)


def _nuevo(qtbot, m: Mundo, modals) -> None:
    dialog = _registros(m)
    colocar(dialog)
    dialog.registro.setFocus()
    dialog.registro.setText("Y54")
    modals.answer("No")  # «¿Guardar los cambios?»: the half-typed registro is let go
    pulsar(qtbot, dialog, "Ctrl+N")
    qtbot.waitUntil(lambda: dialog.registro.text() == "")


def _guardar(qtbot, m: Mundo, modals) -> None:
    dialog = _registros(m)
    colocar(dialog)
    with qtbot.waitSignal(dialog.guardar.clicked, timeout=1_000):
        pulsar(qtbot, dialog, "Ctrl+S")


def _salir(qtbot, m: Mundo, modals) -> None:
    window = _principal(m)
    colocar(window)
    with qtbot.waitSignal(window.quit_requested, timeout=1_000):
        pulsar(qtbot, window, "Ctrl+Q")


def _buscar(qtbot, m: Mundo, modals) -> None:
    manual = ManualWindow()
    qtbot.addWidget(manual)
    colocar(manual)
    manual.lista.setFocus()
    pulsar(qtbot, manual, "Ctrl+F")
    qtbot.waitUntil(manual.buscar.hasFocus)


def _en_la_cuadricula(
    key: str, row: Callable[[int], int]
) -> Callable[[object, Mundo, object], None]:
    """In the movimientos grid, ``key`` takes the current row to ``row(rows)``."""

    def check(qtbot, m: Mundo, modals) -> None:
        window = _principal(m)
        colocar(window)
        tabla = window.movimientos.tabla
        rows = tabla.model().rowCount()
        assert rows > 1
        start = rows - 1 if row(rows) == 0 else 0
        tabla.setFocus()
        tabla.setCurrentIndex(tabla.model().index(start, 0))
        pulsar(qtbot, window, key)
        qtbot.waitUntil(lambda: tabla.currentIndex().row() == row(rows))

    return check


def _pestana(key: str, paso: int) -> Callable[[object, Mundo, object], None]:
    """In the main window, from the grid (where AvPág pages), ``key`` shows the tab ``paso``
    away, round the ends."""

    def check(qtbot, m: Mundo, modals) -> None:
        window = _principal(m)
        colocar(window)
        vista = window.movimientos
        vista.tabla.setFocus()
        for _ in range(vista.tabs.count()):
            antes = vista.tabs.currentIndex()
            pulsar(qtbot, window, key)
            despues = (antes + paso) % vista.tabs.count()
            qtbot.waitUntil(lambda despues=despues: vista.tabs.currentIndex() == despues)
            if despues < 4:  # Lotes has no grid: back to it for the next press
                vista.tabla.setFocus()

    return check


def _f1(qtbot, m: Mundo, modals) -> None:
    window = _principal(m)
    colocar(window)
    pulsar(qtbot, window, "F1")
    qtbot.waitUntil(lambda: (manual := _manual_de(window)) is not None and manual.isVisible())


MANUAL_KEYS: dict[str, Callable[[object, Mundo, object], None]] = {
    "F1": _f1,  # and in every window: the test above
    "Ctrl+F": _buscar,
    "Ctrl+Q": _salir,
    "Ctrl+N": _nuevo,
    "Ctrl+S": _guardar,
    "AvPág": _en_la_cuadricula("AvPág", lambda rows: rows - 1),
    "RePág": _en_la_cuadricula("RePág", lambda rows: 0),
    "Ctrl+Inicio": _en_la_cuadricula("Ctrl+Inicio", lambda rows: 0),
    "Ctrl+Fin": _en_la_cuadricula("Ctrl+Fin", lambda rows: rows - 1),
    "Ctrl+AvPág": _pestana("Ctrl+AvPág", 1),
    "Ctrl+RePág": _pestana("Ctrl+RePág", -1),
}


def nombradas_en_el_manual() -> set[str]:
    return {key for page in MANUAL.glob("*.md") for key in TECLA.findall(page.read_text("utf-8"))}


def test_every_key_the_manual_names_has_its_check():
    assert nombradas_en_el_manual() == set(MANUAL_KEYS)


@pytest.mark.parametrize("key", MANUAL_KEYS)
def test_each_key_the_manual_names_does_what_it_says(qtbot, qapp, mundo, modals, key):
    ayuda.instalar(qapp)
    MANUAL_KEYS[key](qtbot, mundo, modals)
