"""A clerk's long day in every grid of the app: 10,000 grid actions, in two stretches, must not
take references away from None (nor from True or False) in each.

A PySide6 that drops such references (6.12 on Python 3.11: one for each None a model's data()
answers through QModelIndex.data(), on every header repaint, hover and resize and at each model
reset; one to True for each signal emitted without arguments) makes the interpreter abort in the
middle of the work once the count reaches zero («Fatal Python error: none_dealloc: deallocating
None»), a few thousand grid actions into the day. Under such a PySide6 this test fails with the
number of references lost in each stretch (PySide6 6.12.0: ~36,600 to None and ~100 to True
in each; the pin and its reason: pyproject.toml). What the process holds for the suite's other
tests may free a few references once, in one stretch, and is no loss: only a loss of more than
``STRAY_REFERENCES`` in both stretches fails.

Every item model of the app is driven, on real data of a real store, shown in its real window
(offscreen):

- ``MovimientosModel``: Movimientos con IDSE's grid (main window): searches, sorts, scrolls over
  400 movimientos read by pages;
- ``RowsModel``: the Lotes tab (pendientes, lotes, detalle), Conflictos de sincronización,
  Usuarios de conexión IDSE and Registros patronales;
- ``CapturistasModel``: ICSOE's Consulta de capturistas (pages read as the view asks);
- ``InformativasModel``, ``RowsDerechaModel``, ``TrabajadoresModel``: the informativas' pantalla
  de inicio, an informativa's contracts and its contract's 300 workers (a virtual grid);
- ``VencimientosModel`` and a ``ModeloSeccion`` per part: ICSOE › Vencimientos, every
  empresa's pending periods, the REPSE registration near its end, the SISUB to file (one
  prepared) and the clients' month whose evidence is incomplete;
- ``TableroModel``: Evidencias del cliente, the clients by month read from the receipts;
- Qt's own models behind the empresas: Cambiar de empresa and Empresas por usuario (lists) and
  the login's empresa selector (combo box), read from Python as the dialogs do.

The test also checks that no QAbstractItemModel subclass of ``icsoe_desktop.gui`` is missing
from that list.
"""

from __future__ import annotations

import csv
import gc
import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QEvent, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QTableView,
    QWidget,
)

from icsoe_desktop.gui.kit.operaciones import en_curso
from icsoe_desktop.services.acceso.accounts import Registration
from tests.gui.helpers import wait_operations

ACTIONS = 10_000
ADMIN = "admin@nominas.com"
PASSWORD = "Nom1na$Segura"
SINGLETONS = (None, True, False)
# Every role a view or a delegate asks for, and the app's own (ids in UserRole).
ROLES = (*(Qt.ItemDataRole(r) for r in range(14)), Qt.ItemDataRole.UserRole)
# References held while measuring, so that a PySide6 that loses them fails this test with its
# count instead of aborting the run midway; after a loss they are kept till the interpreter exits.
BALLAST = 1_000_000
# References that something else the process holds may free once during a stretch of work.
STRAY_REFERENCES = 10
_kept_after_a_loss: list[list] = []


@dataclass
class Grid:
    """A view as a clerk uses it: ``reset`` is what reloads its model (Buscar, a refresh)."""

    name: str
    view: QAbstractItemView
    reset: Callable[[], None]
    share: int  # how many of the ACTIONS are done here
    sortable: bool = False
    painted: QWidget | None = None  # what a repaint repaints, if not the view's viewport


def refcounts() -> tuple[int, ...]:
    gc.collect()
    return tuple(sys.getrefcount(o) for o in SINGLETONS)


def settle(qtbot) -> None:
    """No background read still to report, no event left: the state a measurement compares."""
    qtbot.waitUntil(lambda: not en_curso(), timeout=10_000)
    for _ in range(3):
        # What earlier windows left in cycles is freed now, and the deleteLater its freeing
        # posts runs now too: not in the middle of the measured actions, as a count moved.
        gc.collect()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def app_model_classes() -> set[type]:
    import icsoe_desktop.gui as gui

    found: set[type] = set()
    for info in pkgutil.walk_packages(gui.__path__, gui.__name__ + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, QAbstractItemModel)
                and value.__module__.startswith("icsoe_desktop.")
            ):
                found.add(value)
    return found


# --- the day's data ----------------------------------------------------------------------------


def seed(services, data_dir: Path, tmp_path: Path) -> str:
    """Movimientos, a lote with IDSE's answer, conflicts, capturistas, three empresas, a REPSE
    registration to renew, a SISUB prepared and a month of receipts whose evidence is incomplete,
    all through the app's own services; returns the contratista's RFC."""
    from icsoe_desktop.demo.data import add_demo_conflict
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
    from tests import nomina_cfdi as nc
    from tests.icsoe_helpers import CURP_BETO, CURP_CARLA, enter_contratista, form
    from tests.services.test_repse import registro_pdf
    from tests.services.test_vencimientos_repse import SERVICIO

    services.accounts.register(
        Registration("Claudia", "Hernández", "Ruiz", ADMIN, PASSWORD, PASSWORD, True)
    )
    create_demo_movimientos(services.store, 400, services.movimientos.today())
    registros = services.movimientos.registros()
    registro = registros[0]
    pendientes = services.lotes.pendientes(registro)[:8]
    folder = tmp_path / "lotes"
    folder.mkdir()
    services.lotes.generar(registro, [p.id for p in pendientes], folder, ADMIN)
    result = folder / "resultado.csv"
    with result.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["NSS", "Resultado", "Causa de rechazo"])
        for i, p in enumerate(pendientes):
            rejected = i % 3 == 0
            writer.writerow(
                [
                    p.nss,
                    "Rechazado" if rejected else "Aprobado",
                    "NSS no vigente" if rejected else "",
                ]
            )
    services.lotes.importar_resultado(services.lotes.lotes()[0].id, result, ADMIN)
    for i, other in enumerate(registros):
        add_demo_conflict(services.store, other, f"Otra razón social {i}")

    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())
    services.capturistas.alta(rfc, form(CURP_BETO, "Alberto", "García", "Ruiz", correo="b@c.mx"))
    carla = form(CURP_CARLA, "Carla", "Pérez", "Domínguez", correo="carla@capturas.mx")
    services.capturistas.baja(rfc, services.capturistas.alta(rfc, carla).id)
    from tests.informativa_servicios import PERIODO, contrato_con_trabajadores

    informativa = services.informativas.crear(rfc, rfc, PERIODO)
    contrato_con_trabajadores(services, rfc, rfc, informativa, trabajadores=300)

    # The payroll's emisor is the empresa open: its receipts are the evidence's clients.
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Nóminas del Centro, S.A. de C.V.", ADMIN)
    services.nombrar_empresa()
    services.empresas.crear("COS860101AB1", "Comercializadora del Sur, S.A. de C.V.", ADMIN)
    services.empresas.crear("TRA910215CD2", "Transportes Ramírez, S.C.", ADMIN)

    # The tests' clock: 22/11/2026. Registered on 10/01/2024: its renewal open since 01/10/2026.
    services.repse.registrar(rfc, ADMIN, "AR100/2024", date(2024, 1, 10), SERVICIO)
    services.sisub.preparar(rfc, rfc, PERIODO)  # mayo–agosto's, in preparation; the next unprepared
    nc.confiar(data_dir)
    recibos = nc.nomina(nc.Emisor(), nc.trabajadores(6, seed=5), nc.semanas(date(2026, 10, 5), 3))
    services.nomina.importar([nc.escribir(tmp_path / "octubre", list(recibos))], ADMIN)
    for tipo in DOCUMENTOS:
        if tipo != "acuse_iva":  # October's evidence still lacks it (due on 17/11/2026)
            pdf = tmp_path / f"{tipo}.pdf"
            pdf.write_bytes(registro_pdf(f"{DOCUMENTOS[tipo]} octubre 2026"))
            services.evidencias.adjuntar(ADMIN, Mes(2026, 10), tipo, pdf)
    return rfc


def open_grids(qtbot, services, rfc: str) -> tuple[list[Grid], list[QWidget]]:
    from icsoe_desktop.gui.empresas.cambiar import CambiarEmpresaDialog
    from icsoe_desktop.gui.empresas.por_usuario import EmpresasPorUsuarioDialog
    from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog
    from icsoe_desktop.gui.empresas.selector import EmpresaSelector
    from icsoe_desktop.gui.evidencias.tablero import EvidenciasTableroDialog
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
    from icsoe_desktop.gui.informativa.inicio import InformativasInicio
    from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.gui.movimientos.lotes import LotesPanel
    from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    windows: list[QWidget] = []

    def shown(window: QWidget) -> QWidget:
        qtbot.addWidget(window)
        window.resize(640, 360)  # a dozen rows: each repaint costs what a few rows cost
        window.show()
        windows.append(window)
        return window

    main = shown(VentanaPrincipal(services, ADMIN))
    movimientos = main.movimientos
    movimientos.tabs.setCurrentIndex(3)  # Todos: every movimiento
    lotes = shown(LotesPanel(services, ADMIN))  # the Lotes tab's panel, on its own
    lotes.lotes_tabla.selectRow(0)
    conflictos = shown(ConflictosDialog(services, ADMIN))
    usuarios = shown(IdseUsuariosDialog(services))
    registros = shown(RegistrosPatronalesDialog(services))
    contratista = shown(IcsoeContratistaWindow(services, services.contratistas.sesion(rfc)))
    contratista.show_consulta()
    consulta = contratista.consulta
    inicio = shown(InformativasInicio(services, rfc, rfc, puede_firmar=True))
    (uuid,) = [fila.uuid for fila in inicio.model.rows if fila.uuid]
    informativa = shown(InformativaWindow(services, rfc, rfc, uuid, True))
    vencimientos = shown(VencimientosDialog(services, ADMIN))
    tablero = shown(EvidenciasTableroDialog(services, ADMIN))
    cambiar = shown(CambiarEmpresaDialog(services, ADMIN))
    por_usuario = shown(EmpresasPorUsuarioDialog(services, ADMIN))
    selector = EmpresaSelector()
    selector.set_services(services, lambda: None)
    shown(selector)

    def refresh_detalle() -> None:
        lotes.refresh_lotes()
        lotes.lotes_tabla.selectRow(0)

    grids = [
        Grid("Movimientos con IDSE", movimientos.tabla, movimientos.buscar, 1_000, True),
        Grid("Lotes: pendientes", lotes.pendientes_tabla, lotes.refresh_pendientes, 800),
        Grid("Lotes: lotes", lotes.lotes_tabla, lotes.refresh_lotes, 400),
        Grid("Lotes: detalle", lotes.detalle_tabla, refresh_detalle, 800),
        Grid("Conflictos", conflictos.tabla, conflictos.refresh, 800),
        Grid("Usuarios de conexión IDSE", usuarios.tabla, usuarios.refresh, 700),
        Grid("Registros patronales", registros.tabla, registros.refresh, 700),
        Grid("Consulta de capturistas", consulta.tabla, consulta.reload, 1_300),
        Grid("Informativas", inicio.tabla, inicio.recargar, 300),
        Grid("Contratos", informativa.contratos, informativa.recargar_contratos, 300),
        Grid(
            "Trabajadores",
            informativa.trabajadores.tabla,
            informativa.trabajadores.model.reload,
            400,
        ),
        Grid("Vencimientos", vencimientos.tabla, vencimientos.refresh, 300),
        Grid("Vencimientos: REPSE", vencimientos.repse.tabla, vencimientos.refresh, 200),
        Grid("Vencimientos: SISUB", vencimientos.sisub.tabla, vencimientos.refresh, 200),
        Grid("Vencimientos: evidencias", vencimientos.evidencias.tabla, vencimientos.refresh, 200),
        Grid("Evidencias del cliente", tablero.tabla, tablero.refresh, 400),
        Grid("Cambiar de empresa", cambiar.lista, cambiar._fill, 400),
        Grid("Empresas por usuario", por_usuario.lista, por_usuario._fill, 400),
        Grid("Selector de empresa", selector.combo.view(), selector.refresh, 400, False, selector),
    ]
    assert sum(grid.share for grid in grids) == ACTIONS
    for grid in grids:
        assert grid.view.model().rowCount() > 0, f"{grid.name}: sin renglones"
    return grids, windows


# --- the actions -------------------------------------------------------------------------------


def visible_indexes(view: QAbstractItemView) -> list:
    model = view.model()
    if isinstance(view, QTableView):
        first = max(view.rowAt(0), 0)
        last = view.rowAt(view.viewport().height() - 1)
        last = model.rowCount() - 1 if last < 0 else last
        rows = range(first, min(last, first + 30) + 1)
        columns = range(view.horizontalHeader().count())
    else:  # a list (Qt's list models keep columnCount private)
        rows, columns = range(min(model.rowCount(), 30)), range(1)
    return [model.index(r, c) for r in rows for c in columns]


def drive(qtbot, grid: Grid, steps: range | None = None) -> None:
    """``grid.share`` actions of a clerk (or those of ``steps``), in turn: header repaints,
    hovers over the header, one role read of every visible cell, repaints, resizes, scrolls,
    searches and sorts."""
    view = grid.view
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    painted = grid.painted or view.viewport()
    width, height = view.width(), view.height()
    scroll = view.verticalScrollBar()
    # Mostly what a pointer and the paint engine do; a scroll, a search, a sort now and then.
    kinds = [
        *("header", "hover", "cells", "paint", "cells", "hover", "header", "cells", "resize"),
        *("cells", "scroll", "header", "hover", "cells", "paint", "cells", "header", "reset"),
    ]
    if grid.sortable:
        kinds.append("sort")
    for step in steps if steps is not None else range(grid.share):
        kind = kinds[step % len(kinds)]
        if kind == "header" and header is not None:
            header.viewport().repaint()
        elif kind == "hover" and header is not None:
            x = (step * 37) % max(header.length(), 1)
            qtbot.mouseMove(header.viewport(), QPoint(x, header.height() // 2))
            header.viewport().repaint()
        elif kind == "cells":
            role = ROLES[(step // len(kinds)) % len(ROLES)]
            for index in visible_indexes(view):
                index.data(role)
        elif kind == "resize":
            view.resize(width + (step % 3) * 8, height)
            QApplication.processEvents()
        elif kind == "scroll":
            scroll.setValue((scroll.maximum() * (step % 5)) // 4)
            view.viewport().repaint()
        elif kind == "sort" and header is not None:
            column = (step // len(kinds)) % header.count()
            order = Qt.SortOrder((step // len(kinds) // 7) % 2)
            header.setSortIndicator(column, order)  # as a click on the header does
            wait_operations(qtbot)  # a first sort builds its index in the background
        elif kind == "reset":
            grid.reset()
            QApplication.processEvents()
        else:  # "paint", and a header's actions on a list
            painted.repaint()
    view.resize(width, height)


def back_to_start(grids: list[Grid]) -> None:
    """The searches, orders and scroll positions of the start, so caches hold the same rows."""
    for grid in grids:
        if grid.sortable:
            grid.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        grid.reset()
        grid.view.verticalScrollBar().setValue(0)
        grid.view.viewport().repaint()


@pytest.mark.slow
def test_a_long_day_in_every_grid_keeps_none_alive(qtbot, services, data_dir, tmp_path):
    rfc = seed(services, data_dir, tmp_path)
    grids, _windows = open_grids(qtbot, services, rfc)  # the test holds its windows
    driven = {type(grid.view.model()) for grid in grids}
    missing = {cls.__name__ for cls in app_model_classes() - driven}
    assert not missing, f"Modelos de la app que esta prueba no recorre: {sorted(missing)}"

    ballast = [[o] * BALLAST for o in SINGLETONS]
    for grid in grids:  # warm: first paints, fonts, statement caches, every sort's index
        drive(qtbot, Grid(grid.name, grid.view, grid.reset, 20, grid.sortable, grid.painted))
        if grid.sortable:
            header = grid.view.horizontalHeader()
            for column in range(header.count()):
                for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                    header.setSortIndicator(column, order)
                    wait_operations(qtbot)
    back_to_start(grids)
    settle(qtbot)
    counts = [refcounts()]
    for half in range(2):  # each grid's share in two stretches, counted after each
        for grid in grids:
            split = grid.share // 2
            drive(qtbot, grid, range(split) if half == 0 else range(split, grid.share))
        back_to_start(grids)
        settle(qtbot)
        counts.append(refcounts())

    # A PySide6 that drops references loses them in each stretch of work, hundreds at least
    # (one per None answered, per signal without arguments). What the process holds for other
    # tests may free a few once, in one stretch (a thread of an earlier test that ends, an
    # entry pushed out of a cache): not a loss.
    losses = {
        repr(o): (before - middle, middle - after)
        for o, before, middle, after in zip(SINGLETONS, *counts, strict=True)
    }
    lost = {o: both for o, both in losses.items() if min(both) > STRAY_REFERENCES}
    if lost:
        _kept_after_a_loss.append(ballast)
    import PySide6

    assert not lost, (
        f"PySide6 {PySide6.__version__} quitó referencias en {ACTIONS:,} acciones sobre las "
        f"tablas (en cada mitad): {lost}. Con Python 3.11 la aplicación abortaría "
        "(«none_dealloc»)."
    )
