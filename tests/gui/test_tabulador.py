"""Tab and Mayús+Tab through every window (tests/gui/ventanas.py), in each of its states: the
walk must come back to where it started, having reached every control a clerk can use on
screen, never held in one field (a date «(sin fecha)», a grid's cells); and where Tab stops
on a button, Enter presses it (test_teclado.py presses some)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QRadioButton, QWidget

from tests.conftest import services_copying
from tests.gui.ventanas import Mundo, colocar, mundo_copiado, sembrado_una_vez, states, windows


@pytest.fixture(scope="module")
def _mundo_una_vez(tmp_path_factory):
    return sembrado_una_vez(tmp_path_factory)


services = services_copying(mundo="_mundo_una_vez")


@pytest.fixture
def mundo(_mundo_una_vez, services, tmp_path, smtp_configured) -> Mundo:
    return mundo_copiado(services, tmp_path, _mundo_una_vez)


def nombre(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def usables(window: QWidget) -> list[QWidget]:
    """The controls on screen Tab must reach: shown, enabled, taking focus by Tab, not a part
    of another control (a focus proxy's owner is reached through it). Of a group of radio
    buttons only the chosen one is (the arrows move inside the group)."""
    found = []
    for widget in window.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled() and widget.window() is window):
            continue
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) != Qt.FocusPolicy.TabFocus:
            continue
        if widget.focusProxy() is not None:
            continue
        if isinstance(widget, QRadioButton) and widget.autoExclusive() and not widget.isChecked():
            continue
        found.append(widget)
    return found


def recorrer(qtbot, window: QWidget, atras: bool = False) -> tuple[QWidget, list[QWidget]]:
    """Tab (or Mayús+Tab) pressed from the focus until it comes back: the start and the
    controls passed through. A trap (the focus held, or a cycle not through the start) or the
    focus leaving the window fails."""
    start = QApplication.focusWidget()
    if start is None or start.window() is not window:  # nothing focused yet: Tab enters
        qtbot.keyClick(window, Qt.Key.Key_Tab)
        start = QApplication.focusWidget()
    assert start is not None and start.window() is window, "Tab no entra en la ventana"
    modifier = Qt.KeyboardModifier.ShiftModifier if atras else Qt.KeyboardModifier.NoModifier
    key = Qt.Key.Key_Backtab if atras else Qt.Key.Key_Tab
    passed: list[QWidget] = []
    # A date edit takes three presses (day, month, year): room for that, never for a trap.
    for _ in range(4 * len(usables(window)) + 8):
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)
        focused = QApplication.focusWidget()
        assert focused is not None and focused.window() is window, "el foco salió de la ventana"
        if focused is start:
            return start, passed
        passed.append(focused)
    recientes = ", ".join(nombre(w) for w in passed[-4:])
    raise AssertionError(f"el tabulador queda atrapado ({recientes})")


@pytest.mark.slow
def test_tab_and_shift_tab_go_round_every_window_reaching_every_control(qtbot, mundo, modals):
    failures: list[str] = []
    walked = 0
    for name, build in windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        colocar(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        for state in states(window):
            for atras in (False, True):
                try:
                    start, passed = recorrer(qtbot, window, atras)
                except AssertionError as exc:
                    failures.append(f"{name}, {state}: {exc}")
                    continue
                walked += 1
                missed = [nombre(w) for w in usables(window) if w is not start and w not in passed]
                if missed:
                    sentido = "Mayús+Tab" if atras else "Tab"
                    failures.append(f"{name}, {state}: {sentido} no llega a {missed}")
            # Qt's button takes Enter only when default or auto-default (a dialog's are).
            if not isinstance(window, QDialog):
                sordos = [
                    nombre(w)
                    for w in usables(window)
                    if isinstance(w, QPushButton) and not (w.autoDefault() or w.isDefault())
                ]
                if sordos:
                    failures.append(f"{name}, {state}: Enter no pulsa {sordos}")
        window.hide()
    assert not failures, "\n".join(failures)
    assert walked > 2 * len(windows())


def test_tab_from_the_dates_reaches_the_find_box_buscar_the_tabs_and_the_grid(qtbot, mundo):
    """The main window in reading order: from «Fecha inicial» («(sin fecha)»), Tab goes on
    through the search's parameters to the grid, and Mayús+Tab comes back."""
    window = windows()["ventana_principal.VentanaPrincipal"](mundo)
    qtbot.addWidget(window)
    colocar(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    movimientos = window.movimientos
    movimientos.fecha_inicial.setFocus()
    orden = [
        movimientos.fecha_final,
        movimientos.estado,
        movimientos.buscar_edit,
        movimientos.buscar_button,
        movimientos.tabs,
        movimientos.tabla,
    ]
    for expected in orden:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected, nombre(QApplication.focusWidget())
    for expected in [*reversed(orden[:-1]), movimientos.fecha_inicial]:
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier
        )
        assert QApplication.focusWidget() is expected, nombre(QApplication.focusWidget())


def _caja(widget: QWidget, window: QWidget, dentro_de: list[QWidget]) -> QRect:
    """Where ``widget`` is in ``window``; a control inside another one Tab passed (a column's
    list in the assistant's scrolled area) stands where that one stands."""
    contenedor = next((w for w in dentro_de if w.isAncestorOf(widget)), widget)
    return QRect(contenedor.mapTo(window, QPoint(0, 0)), contenedor.size())


def fuera_de_orden(window: QWidget, recorridos: list[QWidget]) -> list[str]:
    """The steps of ``recorridos`` that go back against reading order: up to an earlier line,
    or leftwards within one line (a line: boxes overlapping by half the smaller's height)."""
    fallas = []
    for i in range(1, len(recorridos)):
        antes = _caja(recorridos[i - 1], window, recorridos[: i - 1])
        despues = _caja(recorridos[i], window, recorridos[:i])
        if antes == despues:
            continue
        comun = min(antes.bottom(), despues.bottom()) - max(antes.top(), despues.top())
        misma_linea = comun * 2 >= min(antes.height(), despues.height())
        if (misma_linea and despues.left() < antes.left()) or (
            not misma_linea and despues.top() < antes.top()
        ):
            fallas.append(f"{nombre(recorridos[i - 1])} → {nombre(recorridos[i])}")
    return fallas


@pytest.mark.parametrize(
    ("ventana", "orden"),
    [
        (
            "certificados.imss.CertificadosImssDialog",
            lambda w: [
                w.guardar, w.eliminar, w.generar_pfx, w.cerrar, w.registro, w.certificado,
                w.certificado_button, w.usuario, w.mostrar_usuario, w.contrasena,
                w.mostrar_contrasena, w.tabla,
            ],
        ),
        (
            "kit.asistente_importacion.AsistenteImportacionDialog",
            lambda w: [
                w.encabezado, w.filas, w.findChild(QWidget, "columnasArea"),
                *w.combos.values(), w.omitidas, w.cancelar,
            ],
        ),
    ],
)  # fmt: skip
def test_tab_goes_in_reading_order_in_certificados_and_the_import_assistant(
    qtbot, mundo, modals, ventana, orden
):
    """From the first control on screen, Tab passes every control in the order they are read
    (line by line, left to right; the assistant's column lists right after their area), and
    Mayús+Tab walks it back. (The key's field, and Aceptar while a column is missing, are
    disabled: Tab skips them.)"""
    window = windows()[ventana](mundo)
    qtbot.addWidget(window)
    colocar(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    esperado = orden(window)
    assert fuera_de_orden(window, esperado) == []
    assert set(esperado) == set(usables(window))
    esperado[0].setFocus()
    start, passed = recorrer(qtbot, window)
    assert [nombre(w) for w in [start, *passed]] == [nombre(w) for w in esperado]
    start, passed = recorrer(qtbot, window, atras=True)
    assert [nombre(w) for w in [start, *reversed(passed)]] == [nombre(w) for w in esperado]


def test_tab_walks_the_main_window_in_reading_order_ending_at_salir(qtbot, mundo):
    """From the band's button, Tab passes the movimientos' buttons, search, grid and Lotes in
    the order they are read and ends at *Salir* (never *Salir* right after the band);
    Mayús+Tab walks the same way back."""
    window = windows()["ventana_principal.VentanaPrincipal"](mundo)
    qtbot.addWidget(window)
    colocar(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.pendientes_button.setFocus()
    start, walked = recorrer(qtbot, window)
    assert walked[-1] is window.salir, [nombre(w) for w in walked[-3:]]
    assert window.salir not in walked[:-1]
    assert fuera_de_orden(window, [start, *walked]) == []
    start, back = recorrer(qtbot, window, atras=True)
    assert [nombre(w) for w in reversed(back)] == [nombre(w) for w in walked]
