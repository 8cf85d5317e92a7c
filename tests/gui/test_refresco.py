"""The windows read again what changed, without a click: an import, a correction and a lote
show in the grid (where the clerk is: its scroll position and the movement chosen kept) and in
Lotes. What a sync brings: tests/sync/test_gui_refresco.py."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from icsoe_desktop.gui.movimientos.corregir import CorregirMovimientoDialog
from icsoe_desktop.gui.movimientos.model import ID_ROLE, PAGE_SIZE
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from tests.gui.helpers import click, wait_operations
from tests.services.movimientos_data import (
    REGISTRO_A,
    add_registros,
    known_rows,
    load_known,
    nss,
    write_csv,
)

ADMIN = "admin@nominas.com"
ESTADO = next(i for i, c in enumerate(COLUMNS) if c.attr == "estado")
NSS = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")


def main_window(qtbot, services) -> VentanaPrincipal:
    main = VentanaPrincipal(services, ADMIN)
    qtbot.addWidget(main)
    main.show()
    return main


def test_an_import_shows_in_the_grid_where_the_clerk_is_and_in_lotes(
    qtbot, services, modals, tmp_path
):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    add_registros(services)
    create_demo_movimientos(services.store, 1_500, date(2026, 11, 22))
    main = main_window(qtbot, services)
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos
    table, model = view.tabla, view.model
    table.scrollTo(model.index(1_000, 0))
    qtbot.waitUntil(lambda: table.rowAt(5) > 500)
    top = table.rowAt(5)
    chosen_row = top + 2
    table.selectRow(chosen_row)
    chosen = model.index(chosen_row, 0).data(ID_ROLE)
    before = model.total
    qtbot.waitUntil(lambda: model.bounds_ready())  # read in the background after a search

    view.import_from(write_csv(tmp_path / "nuevos.csv", known_rows()))
    wait_operations(qtbot)
    assert model.total == before + len(known_rows())  # counted again, no Buscar clicked
    assert view.total.text() == f"Movimientos encontrados: {model.total:,}"
    # Where the clerk was: the same rows on screen, the same movement chosen.
    assert abs(table.rowAt(5) - top) <= len(known_rows())
    current = table.currentIndex()
    qtbot.waitUntil(lambda: model.index(current.row(), 0).data(ID_ROLE) == chosen)
    # Cheap: the pages on screen read again, not the search (1,506 rows).
    assert model.loaded() <= 3 * PAGE_SIZE

    view.tabs.setCurrentIndex(4)  # Lotes reads its lists as it shows
    lotes = view.lotes
    lotes.registro.setCurrentIndex(lotes.registro.findText(REGISTRO_A))
    assert {nss(2), nss(4)} <= {p.nss for p in lotes.pendientes.rows}


def test_a_correction_shows_in_the_grid_and_lotes_without_a_click(
    qtbot, services, modals, tmp_path
):
    load_known(services, tmp_path)
    main = main_window(qtbot, services)
    view = main.movimientos
    view.tabs.setCurrentIndex(1)  # Mod Salarios: KARLA, rejected; LUIS
    rejected = next(
        r for r in range(view.model.rowCount()) if view.model.index(r, ESTADO).data() == "Rechazado"
    )
    assert view.model.index(rejected, NSS).data() == nss(3)
    movimiento = view.model.index(rejected, 0).data(ID_ROLE)

    def corregir(dialog) -> None:
        dialog.fecha.setDate(QDate(2026, 6, 12))
        click(qtbot, dialog.guardar)

    modals.handle(corregir)
    dialog = CorregirMovimientoDialog(services, movimiento, "Fecha fuera de plazo", ADMIN, main)
    dialog.exec()
    assert modals.texts[-1].startswith(f"El movimiento del NSS {nss(3)} quedó pendiente")
    # The grid behind the dialog shows the corrected movement as it is now.
    estados = [view.model.index(r, ESTADO).data() for r in range(view.model.rowCount())]
    assert "Rechazado" not in estados and "Pendiente" in estados
    assert view.model.index(rejected, 0).data(ID_ROLE) == movimiento  # still chosen where it was
    # And Lotes lists it among the pending of its registro when its tab shows.
    view.tabs.setCurrentIndex(4)
    lotes = view.lotes
    lotes.registro.setCurrentIndex(lotes.registro.findText(REGISTRO_A))
    assert (nss(3), date(2026, 6, 12)) in [(p.nss, p.fecha) for p in lotes.pendientes.rows]


def test_a_capturista_who_activates_shows_active_in_the_open_consulta(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    """The contratista's Consulta, open, shows Beto «Registrada» with Enviar email; Beto
    creates his password in ICSOE: the same Consulta says «Activa», no Enviar email, at once."""
    import re

    from icsoe_desktop.gui.icsoe.capturistas_model import ENVIAR
    from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
    from tests.gui.ventanas import sembrar, windows
    from tests.icsoe_helpers import CURP_BETO, NEW_PASSWORD, form

    mundo = sembrar(services, data_dir, tmp_path, smtp_configured)
    services.capturistas.alta(mundo.rfc, form(CURP_BETO, "Beto", "García", "Ruiz", correo="b@c.mx"))
    assert services.mail.send_pending(force=True).failed == 0
    window = windows()["icsoe.contratista.IcsoeContratistaWindow"](mundo)
    qtbot.addWidget(window)
    window.show()
    window.show_consulta()
    model = window.consulta.model

    def beto() -> list[str]:
        row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == CURP_BETO)
        return [model.index(row, c).data() for c in range(model.columnCount())]

    assert "Registrada" in beto() and beto()[ENVIAR] == "Enviar email"
    (code,) = [
        m.group(1)
        for message in smtp_configured.to("b@c.mx")
        if (m := re.search(r"código de activación es: (\S+)", message.get_content()))
    ]
    dialog = IcsoeCrearContrasenaDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.codigo.setText(code)
    dialog.contrasena.setText(NEW_PASSWORD)
    dialog.confirmacion.setText(NEW_PASSWORD)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: "Activa" in beto())
    assert "Registrada" not in beto() and beto()[ENVIAR] != "Enviar email"


def test_an_installation_dropped_by_a_background_thread_frees_its_notifier_quietly(qtbot, tmp_path):
    """The last reference to an installation's services goes in a pool thread (work that
    outlived its window): its notifier, whose timer looks for other programs' writes, is
    freed on the window's thread, with no Qt warning (a QObject with a running timer destroyed
    off its thread warns, and may take the process down)."""
    import gc
    import threading
    import weakref

    from icsoe_desktop.gui.kit.notificador import MIRAR, notificador
    from icsoe_desktop.services.container import open_services

    (tmp_path / "otra").mkdir()
    tenidos = [open_services(tmp_path / "otra")]
    vivo = weakref.ref(notificador(tenidos[0]))
    servicios = weakref.ref(tenidos[0])

    def soltar() -> None:
        services = tenidos.pop()
        services.close()
        del services
        gc.collect()

    hilo = threading.Thread(target=soltar)
    hilo.start()
    hilo.join()
    assert servicios() is None  # the thread dropped the last reference
    qtbot.waitUntil(lambda: vivo() is None, timeout=3 * MIRAR)
