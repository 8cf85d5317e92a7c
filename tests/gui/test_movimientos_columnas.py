"""The grid's columns on the first day and after: fitted to the rows found after each search or
import (only the rows on screen are measured), NSS, CURP and the dates whole and in view at
1366×768, and the widths a user gives them kept for that user, after a restart too."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle

from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.movimientos.model import PAGE_SIZE
from icsoe_desktop.gui.movimientos.ventana import VISTA
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from tests.gui.helpers import wait_operations
from tests.services.movimientos_data import add_registros, known_rows, write_csv

ANA, BETO = "ana@despacho.mx", "beto@despacho.mx"
LEGIBLES = ("nss", "curp", "fecha")  # what a clerk reads first and must never see cut


def _columna(attr: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.attr == attr)


def _principal(qtbot, services, usuario: str | None) -> VentanaPrincipal:
    main = VentanaPrincipal(services, usuario)
    qtbot.addWidget(main)
    centrar(main)  # as the app opens it, on the 1366×768 screen of the tests
    main.show()
    main.movimientos.tabs.setCurrentIndex(3)  # Todos
    return main


def _cortadas(view, attr: str) -> list[str]:
    """The texts of the rows on screen that do not fit their column."""
    tabla, column = view.tabla, _columna(attr)
    margen = 2 * (tabla.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    ancho = tabla.horizontalHeader().sectionSize(column) - margen
    metrics = tabla.fontMetrics()
    filas = range(min(view.model.rowCount(), 15))
    textos = [view.model.index(row, column).data() or "" for row in filas]
    return [t for t in textos if metrics.horizontalAdvance(t) > ancho]


def test_the_first_import_fits_nss_curp_and_fecha_in_view(qtbot, services, modals, tmp_path):
    add_registros(services)
    main = _principal(qtbot, services, ANA)
    view = main.movimientos
    assert view.model.rowCount() == 0  # the first day: the columns are sized on an empty grid
    view.import_from(write_csv(tmp_path / "primeros.csv", known_rows()))
    wait_operations(qtbot)
    assert modals.texts[-1] == "Se importaron 6 movimientos nuevos (0 ya existían)."
    assert view.model.rowCount() == 6
    header = view.tabla.horizontalHeader()
    for attr in (*LEGIBLES, "registro_patronal", "sbc", "fecha_emision"):
        assert _cortadas(view, attr) == [], attr
    # …and in view without scrolling sideways, in a window that fits the screen.
    curp = _columna("curp")
    assert header.sectionViewportPosition(curp) + header.sectionSize(curp) <= (
        view.tabla.viewport().width()
    )
    assert view.tabla.horizontalScrollBar().value() == 0
    main.grab().save(str(tmp_path / "primer_dia.png"))


def test_only_the_rows_on_screen_are_measured(qtbot, services):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 1_000, date(2026, 11, 22))
    main = _principal(qtbot, services, None)  # held: nothing else holds the window
    view = main.movimientos
    view.buscar()
    assert view.model.rowCount() == 1_000
    assert view.model.loaded() == PAGE_SIZE  # the search's first page, nothing more
    for attr in LEGIBLES:
        assert _cortadas(view, attr) == [], attr


def _arrastrar_borde(qtbot, header, column: int, dx: int) -> None:
    """The clerk drags the right edge of a column's header."""
    y = header.height() // 2
    x = header.sectionViewportPosition(column) + header.sectionSize(column) - 1
    viewport = header.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    for step in range(1, 5):
        qtbot.mouseMove(viewport, QPoint(x + dx * step // 4, y))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(x + dx, y))


def test_widths_a_user_gives_are_kept_for_that_user(qtbot, services, tmp_path, modals):
    add_registros(services)
    services.importador.import_file(write_csv(tmp_path / "m.csv", known_rows()), ANA)
    main = _principal(qtbot, services, ANA)
    view = main.movimientos
    header = view.tabla.horizontalHeader()
    nombre, nss = _columna("nombre"), _columna("nss")
    ajustado = header.sectionSize(nombre)
    _arrastrar_borde(qtbot, header, nombre, 80)
    ancho = header.sectionSize(nombre)
    assert ancho >= ajustado + 60  # the drag took
    qtbot.waitUntil(lambda: services.preferencias.anchos(ANA, VISTA).get("nombre") == ancho)
    view.buscar()  # a new search refits the other columns, not this one
    assert header.sectionSize(nombre) == ancho
    nss_ajustado = header.sectionSize(nss)
    main.close()

    # The next day (a new window, the same data dir): Ana's width is back; Beto's grid is fitted.
    otra = _principal(qtbot, services, ANA)
    assert otra.movimientos.tabla.horizontalHeader().sectionSize(nombre) == ancho
    assert otra.movimientos.tabla.horizontalHeader().sectionSize(nss) == nss_ajustado
    de_beto = _principal(qtbot, services, BETO)
    assert de_beto.movimientos.tabla.horizontalHeader().sectionSize(nombre) == ajustado
