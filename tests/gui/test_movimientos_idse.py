"""Movimientos con IDSE as a clerk uses it: consulta vs full mode, filters and tabs, lazy grid,
Exportar Excel read back, a bad import, and the Lotes cycle (generate, result, correct, resend)."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.idse.login import MSG_SOLO_CONSULTA
from icsoe_desktop.gui.movimientos.model import PAGE_SIZE
from icsoe_desktop.gui.movimientos.rechazos import RechazosDialog
from icsoe_desktop.gui.movimientos.ventana import IDSE_URL, MovimientosIdse
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from icsoe_desktop.store import cifrado
from tests.gui.helpers import click, wait_operations
from tests.services.movimientos_data import (
    REGISTRO_A,
    REGISTRO_B,
    add_registros,
    known_rows,
    load_known,
    lote_con_dos_modificaciones,
    nss,
    write_csv,
)

ADMIN = "admin@nominas.com"


def window(qtbot, services, usuario):
    main = VentanaPrincipal(services, usuario)
    qtbot.addWidget(main)
    main.show()
    view = main.movimientos
    view.main = main  # the test holds the window: nothing else does
    return view


def tab_titles(view: MovimientosIdse) -> list[str]:
    return [view.tabs.tabText(i) for i in range(view.tabs.count())]


def grid(view: MovimientosIdse, attr: str) -> list[str]:
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
    model = view.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def en_rojo(view: MovimientosIdse) -> list[str]:
    """The names of the rows whose every cell reads in the past-due red."""
    from icsoe_desktop.gui.kit import colores

    def rojo(index) -> bool:
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        return brush is not None and brush.color() == colores.color(colores.ERROR, colores.BASE)

    model, nombre = view.model, next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
    filas = [
        [rojo(model.index(r, c)) for c in range(len(COLUMNS))] for r in range(model.rowCount())
    ]
    assert all(len(set(fila)) == 1 for fila in filas)  # the whole row or none of it
    return [model.index(r, nombre).data() for r, fila in enumerate(filas) if fila[0]]


def test_consulta_offers_only_what_the_guide_lists(qtbot, services):
    view = window(qtbot, services, None)
    assert tab_titles(view) == ["Reingresos", "Mod Salarios", "Bajas", "Todos"]
    assert view.exportar.isVisible() and view.acceso_idse.isVisible()
    assert view.buscar_button.isVisible() and view.registro.isVisible()
    assert view.fecha_inicial.isVisible() and view.fecha_final.isVisible()
    assert view.estado.isVisible()
    assert not view.importar.isVisible()
    assert view.lotes is None


def test_a_full_login_adds_lotes_and_import(qtbot, services):
    view = window(qtbot, services, ADMIN)
    assert tab_titles(view) == ["Reingresos", "Mod Salarios", "Bajas", "Todos", "Lotes"]
    assert view.importar.isVisible()
    view.tabs.setCurrentIndex(4)
    assert view.lotes.isVisible() and not view.tabla.isVisible()


def test_filters_and_tabs_show_the_right_rows(qtbot, services, tmp_path):
    load_known(services, tmp_path)
    view = window(qtbot, services, None)
    assert sorted(grid(view, "nombre")) == ["ANA", "CLAUDIA", "OSCAR"]  # Reingresos
    assert view.total.text() == "Movimientos encontrados: 3"
    view.tabs.setCurrentIndex(1)
    assert sorted(grid(view, "nombre")) == ["KARLA", "LUIS"]
    view.tabs.setCurrentIndex(2)
    assert grid(view, "nombre") == ["JUAN"] and grid(view, "causa_baja") == [
        "Separación voluntaria"
    ]
    view.tabs.setCurrentIndex(3)
    assert view.model.total == 6
    choose(view.registro, REGISTRO_B)
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert sorted(grid(view, "nombre")) == ["ANA", "LUIS"]
    choose(view.registro, "Todos")
    choose(view.estado, "Pendiente")
    view.fecha_inicial.setDate(QDate(2026, 6, 1))
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert sorted(grid(view, "nombre")) == ["ANA", "JUAN"]
    assert grid(view, "fecha") == ["20/06/2026", "10/06/2026"]  # newest first
    view.tabla.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # Nombre
    wait_operations(qtbot)  # its first sort builds its index
    assert grid(view, "nombre") == ["JUAN", "ANA"]


def test_inverted_dates_are_explained(qtbot, services, modals):
    view = window(qtbot, services, None)
    view.fecha_inicial.setDate(QDate(2026, 7, 1))
    view.fecha_final.setDate(QDate(2026, 6, 1))
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert modals.texts == ["La fecha inicial no puede ser posterior a la fecha final."]


def test_the_grid_reads_only_the_pages_the_clerk_sees(qtbot, services):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    create_demo_movimientos(services.store, 1_000, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)
    assert view.total.text() == "Movimientos encontrados: 1,000"
    assert view.model.rowCount() == 1_000 and view.model.loaded() == PAGE_SIZE
    every = [row[0] for row in services.movimientos.iter_rows(Filtro(), Orden())]
    view.tabla.scrollToBottom()  # Ctrl+Fin: the last page, not the 800 rows before it
    last = view.model.index(999, 0)
    assert last.data(Qt.ItemDataRole.UserRole) == every[-1]
    assert view.model.loaded() <= 2 * PAGE_SIZE
    # Every page's key, read meanwhile.
    qtbot.waitUntil(lambda: len(view.model._bounds) == 1_000 // PAGE_SIZE)
    view.tabla.scrollTo(view.model.index(555, 0))  # the middle of the scroll bar
    assert view.model.index(555, 0).data(Qt.ItemDataRole.UserRole) == every[555]
    ids = [view.model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(1_000)]
    assert ids == every  # read back and forth in pages, the grid is SQLite's ORDER BY


def test_the_model_passes_qt_model_tester(qtbot, qtmodeltester, services):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.movimientos.model import MovimientosModel
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    create_demo_movimientos(services.store, 450, date(2026, 11, 22))
    model = MovimientosModel(services.movimientos)
    model.load(Filtro(tipo="08"))
    qtmodeltester.check(model, force_py=True)  # and it keeps watching what follows
    model.sort(1, Qt.SortOrder.AscendingOrder)
    model.load(Filtro(estado="no-existe"))
    assert model.rowCount() == 0
    model.load(Filtro(), Orden(7, True))
    assert model.rowCount() == 450


def test_export_writes_what_the_grid_shows(qtbot, services, tmp_path, modals):
    load_known(services, tmp_path)
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)
    choose(view.registro, REGISTRO_A)
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    modals.answer("Aceptar")
    view.export_to(tmp_path / "movimientos.pdf")
    assert modals.texts == [
        "No se puede exportar a «movimientos.pdf»: el nombre debe terminar en .xlsx (libro de "
        "Excel) o .csv (texto separado por comas, UTF-8)."
    ]
    assert list(tmp_path.glob("movimientos*")) == []
    modals.answer("Cerrar", "Cerrar")
    view.export_to(tmp_path / "movimientos.csv")
    wait_operations(qtbot)
    with (tmp_path / "movimientos.csv").open(encoding="utf-8-sig", newline="") as f:
        texto = list(csv.reader(f))
    view.export_to(tmp_path / "movimientos.xlsx")
    wait_operations(qtbot)
    assert modals.texts[1:] == [
        "Se exportaron 4 movimientos a «movimientos.csv».",
        "Se exportaron 4 movimientos a «movimientos.xlsx».",
    ]
    # News with a next step (Abrir archivo): the information icon, not a question mark.
    assert {m.icon for m in modals.messages[1:]} == {QMessageBox.Icon.Information}
    assert texto[0] == [c.header for c in COLUMNS]
    assert [r[[c.attr for c in COLUMNS].index("nss")] for r in texto[1:]] == grid(view, "nss")
    rows = list(load_workbook(tmp_path / "movimientos.xlsx").worksheets[0].values)
    assert rows[0] == tuple(c.header for c in COLUMNS)
    model = view.model
    for r, excel in enumerate(rows[1:]):
        for c, column in enumerate(COLUMNS):
            shown = model.index(r, c).data()
            value = excel[c]
            if column.kind == "date" and value is not None:
                value = value.strftime("%d/%m/%Y")
            elif column.kind == "money" and value is not None:
                value = f"{value:,.2f}"
            assert (value or "") == shown, (column.header, value, shown)


def test_a_bad_import_lists_each_refused_line(qtbot, services, tmp_path, modals):
    add_registros(services)
    rows = known_rows()
    rows[2]["Fecha"] = "31/02/2026"
    rows[4]["CURP"] = "XXXX"
    seen: list[list[tuple[int, str]]] = []

    def read(dialog) -> None:
        assert isinstance(dialog, RechazosDialog)
        seen.append([(r.linea, r.motivo) for r in dialog.model.rows])
        assert "Fila 4\t" in dialog.as_text()
        click(qtbot, dialog.cerrar)

    modals.handle(read)
    view = window(qtbot, services, ADMIN)
    view.import_from(write_csv(tmp_path / "malo.csv", rows))
    wait_operations(qtbot)
    assert [line for line, _ in seen[0]] == [4, 6]
    assert "31/02/2026" in seen[0][0][1] and "CURP" in seen[0][1][1]
    assert view.model.total == 0

    view.import_from(write_csv(tmp_path / "bueno.csv", known_rows()))
    wait_operations(qtbot)
    assert modals.texts[-1] == "Se importaron 6 movimientos nuevos (0 ya existían)."
    assert view.model.total == 3  # Reingresos
    assert view.registro.findText(REGISTRO_B) > 0


def test_acceso_a_idse_opens_the_idse_site(qtbot, services):
    opened: list[str] = []

    class Browser(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            opened.append(url.toString())

    browser = Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        view = window(qtbot, services, None)
        click(qtbot, view.acceso_idse)
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert opened == [IDSE_URL]


def test_the_lotes_cycle(qtbot, services, tmp_path, modals):
    load_known(services, tmp_path)
    view = window(qtbot, services, ADMIN)
    view.tabs.setCurrentIndex(4)
    lotes = view.lotes
    choose(lotes.registro, REGISTRO_A)
    assert [p.nss for p in lotes.pendientes.rows] == [nss(2), nss(4)]
    modals.answer("Aceptar")
    click(qtbot, lotes.generar)  # nothing chosen
    assert modals.texts[-1] == "Selecciona al menos un movimiento pendiente para generar el lote."
    click(qtbot, lotes.todos)
    assert lotes.pendientes_label.text() == "Pendientes: 2. Seleccionados: 2."
    out = tmp_path / "lotes"
    out.mkdir()
    modals.answer("Cancelar")  # asked first: nothing is generated nor marked
    assert lotes.generar_en(out) is None
    assert modals.texts[-1] == (
        f"Se generará el lote con 2 movimientos del registro patronal {REGISTRO_A} y se "
        "marcarán como enviados. ¿Continuar?"
    )
    assert modals.messages[-1].buttons == ("Continuar", "Cancelar")
    assert list(out.iterdir()) == [] and len(lotes.pendientes.rows) == 2
    assert lotes.lotes.rows == []
    modals.answer("Continuar", "Cerrar")
    lote = lotes.generar_en(out)
    assert lote.numero == 1 and (out / f"Lote_000001_{REGISTRO_A}.txt").exists()
    assert lotes.pendientes.rows == []
    assert [lt.numero for lt in lotes.lotes.rows] == [1]
    assert lotes.selected_lote().numero == 1
    assert [d.resultado for d in lotes.detalle.rows] == ["enviado", "enviado"]

    result = tmp_path / "resultado.csv"
    with result.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["NSS", "Resultado", "Causa de rechazo"])
        writer.writerow([nss(2), "Aprobado", ""])
        writer.writerow([nss(4), "Rechazado", "Fecha fuera de plazo"])
    lotes.importar_resultado_de(result)
    wait_operations(qtbot)  # applied in the background
    assert modals.texts[-1] == "Resultado del lote 1: 1 aprobado y 1 rechazado."
    assert [(d.nss, d.estado_actual) for d in lotes.detalle.rows] == [
        (nss(2), "aprobado"),
        (nss(4), "rechazado"),
    ]

    def corregir(dialog) -> None:
        assert dialog.causa.text() == "Causa de rechazo de IDSE: Fecha fuera de plazo"
        assert not dialog.sbc.isEnabled() and dialog.causa_baja.isEnabled()  # a baja
        dialog.fecha.setDate(QDate(2026, 6, 12))
        click(qtbot, dialog.guardar)

    modals.handle(corregir)
    lotes.detalle_tabla.selectRow(1)
    click(qtbot, lotes.corregir)
    assert modals.texts[-1].startswith(f"El movimiento del NSS {nss(4)} quedó pendiente")
    assert [(p.nss, p.fecha) for p in lotes.pendientes.rows] == [(nss(4), date(2026, 6, 12))]
    # The grid follows: the corrected baja is pendiente again.
    view.tabs.setCurrentIndex(2)
    assert grid(view, "estado") == ["Pendiente"]


def test_a_lote_saved_in_utf8_is_imported_and_the_note_says_so(qtbot, services, tmp_path, modals):
    from tests.services.test_lote_codificacion import ANSI, text_of

    add_registros(services)
    path = tmp_path / "Lote_utf8.txt"
    path.write_bytes(text_of("PEÑA", "IBAÑEZ", "CRUZ").encode("utf-8"))
    modals.answer("Aceptar")
    view = window(qtbot, services, ADMIN)
    view.import_from(path)
    wait_operations(qtbot)
    assert modals.texts[-1] == (
        "Se importaron 3 movimientos nuevos (0 ya existían)."
        + "\n\nEl archivo está guardado en UTF-8; "
        + ANSI
        + " Se leyó como UTF-8, así que la «Ñ» y los acentos quedaron bien."
    )
    assert sorted(grid(view, "primer_apellido")) == ["CRUZ", "IBAÑEZ", "PEÑA"]


def test_a_result_names_each_of_two_modificaciones_of_one_nss(qtbot, services, tmp_path, modals):
    from openpyxl import Workbook

    lote_con_dos_modificaciones(services, tmp_path)
    view = window(qtbot, services, ADMIN)
    view.tabs.setCurrentIndex(4)
    lotes = view.lotes
    lotes.lotes_tabla.selectRow(0)
    assert lotes.selected_lote().numero == 1
    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "Movimiento", "Fecha", "Resultado", "Causa de rechazo", "Aviso Rechazo"])
    sheet.append([nss(7), "07", None, "Aprobado", None, None])
    sheet.append([nss(2), "08", "15/05/2026", "Aprobado", None, None])
    bad = tmp_path / "resultado_sin_fecha.xlsx"
    book.save(bad)
    seen: list[str] = []

    def read(dialog) -> None:
        assert isinstance(dialog, RechazosDialog)
        dialog.grab().save(str(tmp_path / "rechazos_resultado.png"))
        seen.extend([dialog.mensaje.text(), dialog.as_text()])
        click(qtbot, dialog.cerrar)

    modals.handle(read)
    lotes.importar_resultado_de(bad)
    wait_operations(qtbot)  # applied in the background
    assert seen == [
        "No se aplicó el resultado de «resultado_sin_fecha.xlsx» al lote 1: 1 fila tiene "
        "errores. Corrige el archivo e impórtalo de nuevo.",
        f"Fila 2\tEl NSS {nss(7)} tiene 2 movimientos en el lote 1 (07 del 01/06/2026 y 07 "
        "del 01/09/2026): agrega la columna Fecha (la del movimiento).",
    ]
    assert {d.resultado for d in lotes.detalle.rows} == {"enviado"}

    sheet["C2"] = "01/09/2026"
    sheet["D2"], sheet["E2"], sheet["F2"] = "Rechazado", "Salario fuera de rango", "19/11/2026"
    sheet.append([nss(7), "07", "01/06/2026", "Aprobado", None, None])
    sheet.append([nss(4), "02", "10/06/2026", "Recibido", None, None])
    good = tmp_path / "resultado.xlsx"
    book.save(good)
    modals.answer("Aceptar")
    lotes.importar_resultado_de(good)
    wait_operations(qtbot)  # applied in the background
    assert modals.texts[-1] == "Resultado del lote 1: 2 aprobados, 1 rechazado y 1 recibido."
    assert [(d.nss, d.fecha, d.estado_actual, d.causa_rechazo) for d in lotes.detalle.rows] == [
        (nss(2), date(2026, 5, 15), "aprobado", ""),
        (nss(7), date(2026, 6, 1), "aprobado", ""),
        (nss(4), date(2026, 6, 10), "recibido", ""),
        (nss(7), date(2026, 9, 1), "rechazado", "Salario fuera de rango"),
    ]
    view.window().grab().save(str(tmp_path / "lotes_resultado.png"))
    # The grid shows the movement's Fecha and IDSE's Aviso Rechazo, each in its own column.
    view.tabs.setCurrentIndex(1)
    view.estado.setCurrentIndex(view.estado.findText("Rechazado"))
    click(qtbot, view.buscar_button)
    qtbot.waitUntil(lambda: nss(7) in grid(view, "nss"))
    row = grid(view, "nss").index(nss(7))
    assert (grid(view, "fecha")[row], grid(view, "fecha_rechazo")[row]) == (
        "01/09/2026",
        "19/11/2026",
    )


def test_consulta_from_the_login_brings_the_movements_up_to_date(qtbot, data_dir, modals):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.container import open_services

    seeded = open_services(data_dir)
    create_demo_movimientos(seeded.store, 500, date(2026, 11, 22))
    seeded.close()
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        qtbot.waitUntil(lambda: app.services is not None, timeout=10_000)
        click(qtbot, app.login.solo_consulta)
        click(qtbot, app.login.continuar)
        qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=10_000)
        qtbot.addWidget(app.main)
        assert modals.texts == [MSG_SOLO_CONSULTA]
        view = app.main.movimientos
        assert tab_titles(view) == ["Reingresos", "Mod Salarios", "Bajas", "Todos"]
        view.tabs.setCurrentIndex(3)
        qtbot.waitUntil(lambda: view.model.total == 500)
    finally:
        app.shutdown()


@pytest.mark.parametrize("usuario", [None, ADMIN])
def test_the_window_renders(qtbot, services, tmp_path, usuario):
    load_known(services, tmp_path)
    view = window(qtbot, services, usuario)
    image = view.window().grab().toImage()
    assert image.width() > 1000 and not image.isNull()


def test_a_hostile_or_lying_workbook_is_explained_or_read_whole(qtbot, services, tmp_path, modals):
    from tests.services.test_import_files import _bomb, many_rows, movimientos_xlsx
    from tests.services.xlsx_files import lying_dimension

    add_registros(services)
    view = window(qtbot, services, ADMIN)
    bomb = tmp_path / "bomba.xlsx"
    bomb.write_bytes(_bomb())
    view.import_from(bomb)
    wait_operations(qtbot)
    assert "sharedStrings.xml» ocupa más de 64 MB" in modals.texts[-1]
    assert view.model.total == 0

    partial = tmp_path / "dimension.xlsx"
    partial.write_bytes(lying_dimension(movimientos_xlsx(many_rows(40)), "A1:X5"))
    view.import_from(partial)
    wait_operations(qtbot)
    assert modals.texts[-1] == "Se importaron 40 movimientos nuevos (0 ya existían)."


def test_a_first_sort_shows_its_rows_at_once_and_builds_its_index_in_the_background(
    qtbot, services
):
    """The column's sort index is built on its first sort (not by a migration), in the
    background: the rows show in order at once, with no dialog to wait behind, even while
    another window's save holds the store (the build waits for it); a line beside the tabs
    says «Preparando el orden por Nombre…» until the index is there. Then the next sort by it reads
    the index, and every page's key is read for the scroll bar."""

    from PySide6.QtWidgets import QProgressDialog

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.movimientos.servicio import Orden

    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)
    names = grid(view, "nombre")
    assert len(names) == 300
    saving = cifrado.conectar(services.store.path, isolation_level=None)
    saving.execute("BEGIN IMMEDIATE")  # a save in progress elsewhere: the build must wait
    header = view.tabla.horizontalHeader()
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")

    def click_header() -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    click_header()  # no waiting for the build: the rows come from a top-N read of the table
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # Read in the pool: on a busy machine they may come after the click's short wait.
    qtbot.waitUntil(lambda: not view.model.sorting())
    assert grid(view, "nombre") == sorted(names, reverse=descending)
    assert view.findChild(QProgressDialog, "progressDialog") is None
    assert view.preparando.isVisible()
    assert view.preparando.text() == "Preparando el orden por Nombre…"
    assert not services.movimientos.sort_ready(Orden(column))
    saving.execute("COMMIT")  # the save ends; the index is built
    saving.close()
    qtbot.waitUntil(lambda: services.movimientos.sort_ready(Orden(column)), timeout=10_000)
    qtbot.waitUntil(lambda: not view.preparando.isVisible())
    assert grid(view, "nombre") == sorted(names, reverse=descending)
    qtbot.waitUntil(view.model.bounds_ready)  # the keys, now from the index

    click_header()  # the other direction: the index is there
    wait_operations(qtbot)
    assert header.sortIndicatorOrder() != (
        Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    )
    assert grid(view, "nombre") == sorted(names, reverse=not descending)
    assert not view.preparando.isVisible()
    with services.store.engine.connect() as conn:
        built = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name LIKE 'ix_mov_orden_%'"
        ).scalars()
        assert list(built) == ["ix_mov_orden_nombre"]


def test_a_search_by_tab_and_estado_shows_its_rows_in_fecha_order_with_nothing_to_prepare(
    qtbot, services
):
    """«Bajas» and «Rechazado», Buscar, in the default order (fecha ↓): the search's rows in
    that order, from its first row to the middle of the scroll bar, and no «Preparando el orden
    por Fecha…»: every search reads an index of the schema in fecha's order, so none is built
    for it (a million rows: ~1 s of building and 12 MiB on disk for nothing)."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.movimientos.model import ID_ROLE
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    create_demo_movimientos(services.store, 1_500, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(2)  # Bajas
    choose(view.estado, "Rechazado")
    click(qtbot, view.buscar_button)
    assert not view.preparando.isVisible()
    wait_operations(qtbot)
    expected = [
        row[0]
        for row in services.movimientos.iter_rows(Filtro(tipo="02", estado="rechazado"), Orden())
    ]
    assert 0 < view.model.total == len(expected)
    middle = len(expected) // 2
    view.tabla.scrollTo(view.model.index(middle, 0))
    qtbot.waitUntil(lambda: view.model.index(middle, 0).data(ID_ROLE) is not None)
    shown = [view.model.index(r, 0).data(ID_ROLE) for r in (0, 1, middle, middle + 1)]
    assert shown == [expected[0], expected[1], expected[middle], expected[middle + 1]]
    assert not view.preparando.isVisible()
    assert not services.movimientos.sort_ready(Orden())


def test_a_new_search_or_order_starts_at_its_first_rows_and_a_click_sorts_once(qtbot, services):
    """Scrolled down a search, Buscar with another filter shows that search from its first
    row, and so does a click on a header; the click reads the grid once, with the new order."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 1_500, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    table = view.tabla
    table.scrollTo(view.model.index(1_200, 0))
    qtbot.waitUntil(lambda: table.rowAt(5) > 500)

    choose(view.estado, "Rechazado")
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert 0 < view.model.total < 1_500
    qtbot.waitUntil(lambda: table.rowAt(5) == 0)
    assert table.verticalScrollBar().value() == 0

    table.scrollTo(view.model.index(view.model.total - 1, 0))
    qtbot.waitUntil(lambda: table.rowAt(5) > 0)
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    header = table.horizontalHeader()
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == "curp")
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_operations(qtbot)  # its first sort builds its index
    assert resets == [1]
    curps = grid(view, "curp")
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert curps == sorted(curps, reverse=descending)
    qtbot.waitUntil(lambda: table.rowAt(5) == 0)


def shown(view: MovimientosIdse) -> tuple[int, list[tuple[str, ...]]]:
    """The first row the table paints and the texts of every row it paints."""
    table, model = view.tabla, view.model
    first = table.rowAt(0)
    last = table.rowAt(table.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    rows = range(first, last + 1)
    return first, [tuple(model.index(r, c).data() for c in range(len(COLUMNS))) for r in rows]


@pytest.mark.slow
def test_sorts_and_jumps_show_the_right_rows_in_order(qtbot, services):
    """At 10,000 movements, with and without a date range longer than month streams: a header
    click in each direction, a jump to the middle of the scroll bar (before and after every
    page's key is read), a page down from there and Ctrl+Fin each paint exactly the rows SQLite's
    ORDER BY puts there, in that order, with their texts."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 10_000, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    table, model, header = view.tabla, view.model, view.tabla.horizontalHeader()

    def expected() -> list[tuple]:
        """Every row's values in ORDER BY's order (the texts of those on screen: ``check``)."""
        return [
            row[1 : len(COLUMNS) + 1]
            for row in services.movimientos.iter_rows(model.filtro, model.orden)
        ]

    def check(every: list[tuple], label: str) -> None:
        first, rows = shown(view)
        texts = [
            tuple(c.display(v) for c, v in zip(COLUMNS, row, strict=True))
            for row in every[first : first + len(rows)]
        ]
        assert rows and rows == texts, (label, first)

    def painted_read() -> bool:
        """Every row the table paints has arrived (none says «Leyendo…»): the page around a
        jump may come in two reads, each in the background."""
        first, rows = shown(view)
        return all(
            model.index(first + i, 0).data(Qt.ItemDataRole.UserRole) is not None
            for i in range(len(rows))
        )

    def jumps(every: list[tuple], label: str) -> None:
        check(every, f"{label}, first rows")
        middle = model.index(len(every) // 2, 0)
        table.scrollTo(middle)  # before the pages' keys: by position, in the background
        qtbot.waitUntil(painted_read)
        check(every, f"{label}, middle")
        qtbot.waitUntil(model.bounds_ready)
        table.scrollToTop()
        table.scrollTo(model.index(len(every) // 2 + 333, 0))  # a far page, by its key
        check(every, f"{label}, middle by key")
        table.scrollTo(model.index(len(every) // 2 + 333 + PAGE_SIZE, 0))  # page down
        check(every, f"{label}, page down")
        table.scrollToBottom()  # Ctrl+Fin
        check(every, f"{label}, end")

    attrs = ("nombre", "sbc", "fecha_recibido", "estado")
    for dated in (False, True):
        if dated:  # 17 months: the IDSE dates walk between their lowest and highest value
            view.fecha_inicial.setDate(QDate(2024, 8, 15))
            view.fecha_final.setDate(QDate(2025, 12, 31))
            click(qtbot, view.buscar_button)
            wait_operations(qtbot)
        total = model.rowCount()
        assert 0 < total <= 10_000 and (total < 10_000) == dated
        for attr in attrs:
            column = next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
            table.scrollTo(model.index(0, column))  # the header section in view to click it
            for _direction in (1, 2):
                x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
                qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
                wait_operations(qtbot)  # its first sort builds its index
                assert model.orden.column == column
                every = expected()
                assert len(every) == total
                jumps(every, f"{attr} {'↓' if model.orden.descending else '↑'} {dated}")


def test_a_far_page_right_after_buscar_is_read_without_holding_the_window(
    qtbot, services, monkeypatch
):
    """Right after Buscar, before the pages' keys are read, a jump to the middle of the scroll
    bar far from both ends is read in the background: the window paints at once (those rows
    say «Leyendo…» for a moment), then the rows arrive, the same as SQLite's ORDER BY puts there."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.movimientos import model as movimientos_model
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    monkeypatch.setattr(movimientos_model, "FAR_ROWS", 300)  # far at 2,000 rows, not a million
    monkeypatch.setattr(movimientos_model, "BOUNDS_DELAY_MS", 60_000)  # the keys not yet read
    create_demo_movimientos(services.store, 2_000, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    model, table = view.model, view.tabla
    assert not model.bounds_ready()
    every = [row[0] for row in services.movimientos.iter_rows(Filtro(), Orden())]
    middle = model.index(1_000, 0)
    table.scrollTo(middle)
    table.viewport().repaint()
    assert middle.data(Qt.ItemDataRole.UserRole) is None  # being read, the window free
    assert middle.data() == "Leyendo…"  # said in its first cell, the others blank
    assert model.index(1_000, 1).data() is None
    qtbot.waitUntil(lambda: middle.data(Qt.ItemDataRole.UserRole) is not None)
    assert [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(1_000, 1_100)] == (
        every[1_000:1_100]
    )

    def painted() -> bool:  # the rows in view may reach into the next page, read after
        _first, rows = shown(view)
        return bool(rows) and all(all(cell is not None for cell in row) for row in rows)

    qtbot.waitUntil(painted)


def test_vence_shows_each_deadline_sorts_and_finds_the_overdue(qtbot, services, tmp_path, clock):
    """The clerk reads each aviso's deadline, sorts by it with a click on «Vence», and picks
    «Vencidos» or «Por vencer» in Estado aviso to see what is overdue or still due."""
    from datetime import datetime

    load_known(services, tmp_path)
    clock.now = datetime(2026, 6, 22, 9)  # a Monday
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    assert (
        view.model.headerData(
            next(i for i, c in enumerate(COLUMNS) if c.attr == "vence"), Qt.Orientation.Horizontal
        )
        == "Vence"
    )
    fechas = grid(view, "fecha")
    deadlines = {
        "01/07/2026": "08/07/2026", "20/06/2026": "26/06/2026", "10/06/2026": "17/06/2026",
        "01/06/2026": "08/06/2026", "15/05/2026": "22/05/2026", "01/05/2026": "08/05/2026",
    }  # fmt: skip
    assert grid(view, "vence") == [deadlines[f] for f in fechas]
    # The overdue pendientes stand out in every search: not the aviso already sent whose
    # deadline passed too, nor the one still due.
    assert sorted(en_rojo(view)) == ["JUAN", "OSCAR"]
    assert len(set(grid(view, "estado"))) > 1 and len(fechas) > 2

    table, header = view.tabla, view.tabla.horizontalHeader()
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == "vence")
    table.scrollTo(view.model.index(0, column))
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_operations(qtbot)  # its first sort builds its index
    assert header.sortIndicatorSection() == column
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    day = lambda text: (text[6:], text[3:5], text[:2])  # noqa: E731
    assert grid(view, "vence") == sorted(deadlines.values(), key=day, reverse=descending)

    assert [view.estado.itemText(i) for i in range(view.estado.count())][-2:] == [
        "Por vencer",
        "Vencidos",
    ]
    choose(view.estado, "Vencidos")
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert sorted(grid(view, "nombre")) == ["JUAN", "OSCAR"]
    assert view.total.text() == "Movimientos encontrados: 2"
    assert set(grid(view, "estado")) == {"Pendiente"}
    assert sorted(en_rojo(view)) == ["JUAN", "OSCAR"]
    choose(view.estado, "Por vencer")
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert grid(view, "nombre") == ["ANA"] and grid(view, "vence") == ["26/06/2026"]
    assert en_rojo(view) == []
    view.tabs.setCurrentIndex(2)  # Bajas: JUAN's is overdue, not due
    wait_operations(qtbot)
    assert grid(view, "nombre") == []
    choose(view.estado, "Pendiente")
    click(qtbot, view.buscar_button)
    wait_operations(qtbot)
    assert en_rojo(view) == ["JUAN"]


def test_a_sort_whose_rows_take_long_leaves_the_window_free_and_shows_them_when_read(
    qtbot, services
):
    """A header click whose first page is not read within a moment (here the pool is busy with
    other work) leaves the window answering with the rows in their previous order; the rows in
    the new order come when read, as SQLite's ORDER BY gives them. A Buscar or a refresh (an
    import, a sync) meanwhile keeps the order the header shows."""
    import threading

    from PySide6.QtCore import QThreadPool

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.kit.operaciones import en_segundo_plano
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    model, header = view.model, view.tabla.horizontalHeader()
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")

    def ids() -> list[int]:
        return [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(PAGE_SIZE)]

    def by(orden: Orden) -> list[int]:
        return [row[0] for row in services.movimientos.iter_rows(Filtro(), orden)][:PAGE_SIZE]

    def busy_pool() -> threading.Event:
        """Every thread of the pool taken by other work until the event is set (running: work
        still queued would wait behind the sort's page)."""
        gate, started = threading.Event(), threading.Semaphore(0)
        threads = QThreadPool.globalInstance().maxThreadCount()
        for _ in range(threads):
            en_segundo_plano(
                lambda: (started.release(), gate.wait(30)), lambda _: None, lambda _: None
            )
        for _ in range(threads):
            assert started.acquire(timeout=10)
        return gate

    def click_header(column: int) -> None:
        view.tabla.scrollTo(model.index(0, column))
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    wait_operations(qtbot)
    before = ids()
    assert before == by(model.orden)
    for then in ("leído", "buscar", "refresco"):
        gate = busy_pool()
        click_header(nombre)
        asked = Orden(nombre, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
        assert model.sorting() and ids() == before  # the window answered, rows as they were
        if then == "buscar":
            click(qtbot, view.buscar_button)
        elif then == "refresco":
            model.refrescar()
        gate.set()
        qtbot.waitUntil(lambda: not model.sorting())
        wait_operations(qtbot)
        assert model.orden == asked
        before = ids()
        assert before == by(asked), then


def test_a_header_click_stops_the_previous_orders_key_read_and_its_rows_come_first(
    qtbot, services, monkeypatch
):
    """After a search the keys of every page are read in the background: at a million rows on a
    busy machine, seconds. A header click meanwhile does not wait for that read of the previous
    order: it stops it, and its first page goes ahead of the work still waiting for a thread
    (here the order's index build), with every other thread of the pool taken."""
    import threading
    import time

    from PySide6.QtCore import QThreadPool

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.kit.operaciones import en_segundo_plano
    from icsoe_desktop.services.movimientos.servicio import (
        Filtro,
        Interrumpida,
        MovimientosService,
        Orden,
    )

    create_demo_movimientos(services.store, 4_000, date(2026, 11, 22))
    leyendo, soltar = threading.Event(), threading.Event()
    lecturas: list[str] = []
    leer = MovimientosService.boundaries

    def lenta(self, filtro, orden, every, total, seguir=None):
        """The real key reader, slowed where SQLite asks whether to go on: it stays there (up
        to 30 s) as long as the grid wants its keys."""
        sigue = seguir or (lambda: True)

        def seguir_lento() -> bool:
            leyendo.set()
            hasta = time.monotonic() + 30
            while sigue() and not soltar.is_set() and time.monotonic() < hasta:
                time.sleep(0.01)
            return sigue()

        try:
            keys = leer(self, filtro, orden, every, total, seguir_lento)
        except Interrumpida:
            lecturas.append("interrumpida")
            raise
        lecturas.append("completa")
        return keys

    monkeypatch.setattr(MovimientosService, "boundaries", lenta)
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    model, header = view.model, view.tabla.horizontalHeader()
    qtbot.waitUntil(leyendo.is_set, timeout=10_000)  # the keys of the fecha order being read
    antes = len(lecturas)  # the first tab's, read before
    gate, started = threading.Event(), threading.Semaphore(0)
    try:
        others = QThreadPool.globalInstance().maxThreadCount() - 1
        for _ in range(others):  # building an index, say
            en_segundo_plano(
                lambda: (started.release(), gate.wait(30)), lambda _: None, lambda _: None
            )
        for _ in range(others):
            assert started.acquire(timeout=10)
        nss = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
        header.setSortIndicator(nss, Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
        shown = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(PAGE_SIZE)]
        expected = services.movimientos.pagina(Filtro(), Orden(nss, False), 0, PAGE_SIZE)
        assert shown == [row[0] for row in expected]
        assert lecturas[antes:] == ["interrumpida"]  # the previous order's: stopped
    finally:
        soltar.set()
        gate.set()
        wait_operations(qtbot)
    # The new order's keys are read once its index is there: any page is one seek away.
    qtbot.waitUntil(model.bounds_ready, timeout=10_000)
    assert lecturas[-1] == "completa"


def test_a_lote_generated_just_after_midnight_utc_shows_the_evening_before(
    qtbot, services, clock, tmp_path
):
    """«Generado» in Central Mexico time, as the constancia and the client's Excel say times."""
    clock.now = datetime(2026, 11, 27, 4, 30)  # 26/11/2026 22:30 in Central Mexico
    lote_con_dos_modificaciones(services, tmp_path)
    view = window(qtbot, services, ADMIN)
    view.tabs.setCurrentIndex(4)
    modelo = view.lotes.lotes_tabla.model()
    qtbot.waitUntil(lambda: modelo.rowCount() == 1)
    assert modelo.index(0, 2).data() == "26/11/2026 22:30"


def test_movements_another_program_writes_show_without_a_click(qtbot, services, data_dir, tmp_path):
    """The command line beside the open window: its movements appear in the grid by
    themselves (the store is watched; nothing is announced in this process)."""
    from tests.test_cli_movimientos import cli

    load_known(services, tmp_path)
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    assert view.model.total == 6
    hecho = cli(data_dir, "demo", "movimientos", "--count", "40")
    assert hecho.returncode == 0, hecho.stderr
    qtbot.waitUntil(lambda: view.model.total == 46, timeout=15_000)
    assert view.total.text() == "Movimientos encontrados: 46"
