"""Tab in reading order in every window (tests/gui/ventanas.py), in each of its states.

The order a clerk reads a window is worked out from its layouts, not from pixels, so it holds
at any text size: a form is read by rows, each row left to right (a grid's rows, a form
layout's label and field); a box of widgets side by side is read left to right and one of
widgets one under the other top to bottom, each widget with everything inside it before the
next one. So a column of buttons at the right of a grid is read after the grid, a bar of
buttons under a grid after the grid, a bar of buttons above the form (the IDSE windows) before
the form, and a dialog's button box at the bottom last. Where a container has no layout of
its own (a tab widget: its tabs above its page; a splitter; a scroll area) its parts are read
by lines. Starting at the first control so read, Tab must pass every control a clerk can use
on screen in that order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFormLayout,
    QGridLayout,
    QLayout,
    QStackedLayout,
    QWidget,
)

from icsoe_desktop.gui.kit.disposicion import controles
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.gui.test_tabulador import nombre, recorrer, usables
from tests.gui.ventanas import Mundo, colocar, mundo_copiado, sembrado_una_vez, states, windows

# A window whose Tab order may differ from its reading order, and why a clerk accepts it.
EXCEPCIONES: dict[str, str] = {}


@pytest.fixture(scope="module")
def _mundo_una_vez(tmp_path_factory):
    return sembrado_una_vez(tmp_path_factory)


services = services_copying(mundo="_mundo_una_vez")


@pytest.fixture
def mundo(_mundo_una_vez, services, tmp_path, smtp_configured) -> Mundo:
    return mundo_copiado(services, tmp_path, _mundo_una_vez)


def _en_la_ventana(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _por_lineas(widgets: list[QWidget], window: QWidget) -> list[QWidget]:
    """Widgets placed by hand, read line by line (a line: boxes overlapping by half the smaller
    one's height), each line left to right."""
    lineas: list[list[tuple[QRect, QWidget]]] = []
    for caja, widget in sorted(
        ((_en_la_ventana(w, window), w) for w in widgets), key=lambda p: (p[0].top(), p[0].left())
    ):
        if lineas:
            primera = lineas[-1][0][0]
            comun = min(primera.bottom(), caja.bottom()) - max(primera.top(), caja.top())
            if comun * 2 >= min(primera.height(), caja.height()):
                lineas[-1].append((caja, widget))
                continue
        lineas.append([(caja, widget)])
    return [w for linea in lineas for _c, w in sorted(linea, key=lambda p: p[0].left())]


def _del_layout(layout: QLayout) -> Iterator[QWidget]:
    """The widgets of ``layout`` (and of the layouts inside it) in the order they are read."""
    # Its layouts and widgets are found by their index, never through ``itemAt(i)``
    # (gui/kit/disposicion.py).
    dentro = {
        layout.indexOf(hijo): hijo
        for hijo in layout.findChildren(QLayout, options=Qt.FindChildOption.FindDirectChildrenOnly)
    }
    widgets = controles(layout)
    indices = list(range(layout.count()))
    if isinstance(layout, QGridLayout):
        indices.sort(key=lambda i: layout.getItemPosition(i)[:2])
    elif isinstance(layout, QFormLayout):
        indices.sort(
            key=lambda i: (layout.getItemPosition(i)[0], layout.getItemPosition(i)[1].value)
        )
    elif isinstance(layout, QBoxLayout) and layout.direction() in (
        QBoxLayout.Direction.RightToLeft,
        QBoxLayout.Direction.BottomToTop,
    ):
        indices.reverse()
    for i in indices:
        if i in dentro:
            yield from _del_layout(dentro[i])
        elif (widget := widgets.get(i)) is not None:
            yield widget


def _partes(widget: QWidget, window: QWidget) -> list[QWidget]:
    """The widgets directly inside ``widget`` shown on screen, in the order they are read."""
    hijos = [
        h
        for h in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if h.isVisible() and h.window() is window
    ]
    layout = widget.layout()
    if not isinstance(layout, QBoxLayout | QFormLayout | QGridLayout | QStackedLayout):
        return _por_lineas(hijos, window)  # a QMainWindow's, a splitter's, a tab widget's parts
    puestos = [w for w in _del_layout(layout) if w in hijos]
    return puestos + _por_lineas([h for h in hijos if h not in puestos], window)


def orden_de_lectura(window: QWidget) -> list[QWidget]:
    """The controls Tab must reach (``usables``), in the order a clerk reads them."""
    objetivos = set(usables(window))
    orden: list[QWidget] = []

    def leer(widget: QWidget) -> None:
        if widget in objetivos:
            orden.append(widget)
        for parte in _partes(widget, window):
            leer(parte)

    leer(window)
    return orden


def recorrido(qtbot, window: QWidget, desde: QWidget) -> list[QWidget]:
    """The controls Tab passes from ``desde`` round the window, each once (a date edit's day,
    month and year are one stop), leaving out what Tab must not stop at by ``usables``."""
    desde.setFocus()
    start, passed = recorrer(qtbot, window)
    objetivos = set(usables(window))
    vistos: list[QWidget] = []
    for widget in [start, *passed]:
        if widget in objetivos and (not vistos or vistos[-1] is not widget):
            vistos.append(widget)
    return vistos


def desorden(qtbot, window: QWidget) -> str | None:
    """Where Tab leaves reading order in ``window`` as it is now, in words; None if it does not."""
    if not usables(window):
        return None
    # A first round settles what the focus changes on its way (a grid's current row enables
    # the buttons acting on it): the order is read, and walked, as the clerk then sees it.
    recorrido(qtbot, window, orden_de_lectura(window)[0])
    esperado = orden_de_lectura(window)
    recorrido_ = recorrido(qtbot, window, esperado[0])
    for i, (leido, pasado) in enumerate(zip(esperado, recorrido_, strict=False)):
        if leido is not pasado:
            antes = nombre(esperado[i - 1]) if i else "el principio"
            return f"tras {antes}, Tab va a {nombre(pasado)} y se lee {nombre(leido)}"
    if len(recorrido_) != len(esperado):
        return f"Tab pasa {[nombre(w) for w in recorrido_]}, se lee {[nombre(w) for w in esperado]}"
    return None


def abierta(qtbot, mundo: Mundo, ventana: str) -> QWidget:
    window = windows()[ventana](mundo)
    qtbot.addWidget(window)
    colocar(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@contextmanager
def texto_por(factor: float) -> Iterator[None]:
    """The application's text ``factor`` times its size (Windows' text at 150 %, 200 %)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    normal = app.font()
    grande = app.font()
    grande.setPointSizeF(normal.pointSizeF() * factor)
    app.setFont(grande)
    try:
        yield
    finally:
        app.setFont(normal)


@pytest.mark.slow
@pytest.mark.parametrize("factor", [1.0, 2.0])
def test_tab_follows_reading_order_in_every_window_and_state(qtbot, mundo, modals, factor):
    """At the usual text size and twice as big (rows folded in two, parts scrolled)."""
    failures: list[str] = []
    walked = 0
    with texto_por(factor):
        for name, build in windows().items():
            if name in EXCEPCIONES:
                continue
            window = build(mundo)
            qtbot.addWidget(window)
            colocar(window)
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
            for state in states(window):
                walked += 1
                if (falla := desorden(qtbot, window)) is not None:
                    failures.append(f"{name}, {state}: {falla}")
            window.hide()
    assert not failures, "\n".join(failures)
    assert set(EXCEPCIONES) <= set(windows())
    assert walked > len(windows())


def test_reading_order_puts_the_top_bar_first_the_button_column_after_its_grid(qtbot, mundo):
    """The rule, as a clerk reads three windows: Registros patronales (buttons on top, the
    form, the grid, Cerrar under it), Usuarios (the same, Cerrar at the top right) and the
    informativa (the bar, each grid with its buttons, the find box before its buttons)."""
    registros = abierta(qtbot, mundo, "empresas.registros_patronales.RegistrosPatronalesDialog")
    assert [nombre(w) for w in orden_de_lectura(registros)] == [
        "nuevoButton", "guardarButton", "registroEdit", "rfcEdit", "razonSocialEdit",
        "registrosTable", "cerrarButton",
    ]  # fmt: skip
    usuarios = abierta(qtbot, mundo, "idse.usuarios.IdseUsuariosDialog")
    assert [nombre(w) for w in orden_de_lectura(usuarios)][:5] == [
        "guardarButton",
        "cerrarButton",
        "nombreEdit",
        "primerApellidoEdit",
        "segundoApellidoEdit",
    ]
    assert nombre(orden_de_lectura(usuarios)[-1]) == "usuariosTable"
    informativa = abierta(qtbot, mundo, "informativa.ventana.InformativaWindow")
    leidos = [nombre(w) for w in orden_de_lectura(informativa)]
    assert leidos[0] == "revisarButton" and leidos[-1] == "trabajadoresTable"
    assert leidos.index("contratosTable") < leidos.index("nuevoContratoButton")
    assert (
        leidos.index("agregarButton") < leidos.index("buscarEdit") < leidos.index("empresaButton")
    )


@pytest.mark.parametrize(
    "ventana",
    [
        "empresas.registros_patronales.RegistrosPatronalesDialog",
        "idse.usuarios.IdseUsuariosDialog",
        "informativa.ventana.InformativaWindow",
    ],
)
def test_tab_and_shift_tab_walk_the_fixed_windows_as_they_are_read(qtbot, mundo, modals, ventana):
    """Tab from the first control passes every control as it is read, and Mayús+Tab walks it
    back; with the text twice as big (a part of the window scrolled, a row folded in two) the
    order is the same."""
    window = abierta(qtbot, mundo, ventana)
    esperado = orden_de_lectura(window)
    assert recorrido(qtbot, window, esperado[0]) == esperado
    esperado[0].setFocus()
    start, back = recorrer(qtbot, window, atras=True)
    assert [start, *reversed(back)] == esperado
    # The names are read now: the window may be deleted once hidden and another opened.
    nombres = [nombre(w) for w in esperado]
    window.hide()
    with texto_por(2.0):
        window = abierta(qtbot, mundo, ventana)
        assert desorden(qtbot, window) is None
        # What does not fit scrolls (the scrolled area is one more stop) or folds onto two
        # rows: the controls are read in the same order.
        leidos = [nombre(w) for w in orden_de_lectura(window)]
        assert [n for n in leidos if n in nombres] == nombres


def test_certificados_with_an_efirma_chosen_tabs_through_the_key_in_reading_order(
    qtbot, mundo, modals, tmp_path
):
    """With an e.firma chosen the key's field and button are enabled: Tab passes them between
    the certificate's and the usuario, and the chosen certificate's line takes no stop."""
    window = abierta(qtbot, mundo, "certificados.imss.CertificadosImssDialog")
    cer, _key = cf.fiel_moral(rfc="ABC010101AB1").write(tmp_path)
    window.set_certificado(str(cer))
    assert window.llave_button.isEnabled() and window.detalle.text()
    esperado = [
        window.guardar, window.eliminar, window.generar_pfx, window.cerrar, window.registro,
        window.certificado, window.certificado_button, window.llave, window.llave_button,
        window.usuario, window.mostrar_usuario, window.contrasena, window.mostrar_contrasena,
        window.tabla,
    ]  # fmt: skip
    assert orden_de_lectura(window) == esperado
    assert recorrido(qtbot, window, window.guardar) == esperado
    assert modals.messages == []
