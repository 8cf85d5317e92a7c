"""Movimientos con IDSE at scale, each figure next to its goal or a baseline measured in the same run.

1. A store of 1,000,000 movements with the shape of a real company's (bench/datos_reales.py:
   distinct workers, real name distributions; built once, kept in --cache). The middle of the
   scroll bar right after Buscar, the keys of that page read with the grid's plan / through the filter's
   own index and sorted (the gather plan), per search (--only-middle: this alone); a far page
   in fecha's order over merged streams (a registro patronal) from its day in the kept counts /
   by OFFSET, and «registro + trimestre» by CURP (bench_far_pages). In the real
   window, for every search of the filter panel alone and combined (registro, dates, estado, tab): the count, then
   "Buscar" → first page painted, a sort by EVERY column in both directions (load + paint), Ctrl+Fin
   (the last page painted), a page up from there, a jump to the middle of the scroll bar and a page
   down from it. Goals: every action ≤ 30 ms, the count ≤ 5 ms. The worst of each kind is printed,
   its wall time split (Linux's schedstat of the window's thread) into running, waiting for a
   core (the machine's load) and blocked (the window waiting for something of the app's own: a
   lock, the interpreter lock held by a background thread, a disk read), and so is the sum of
   every action's.
   Before that, the first-sort wait: each sortable column's sort index is dropped and built again
   as the grid builds it on a first sort (MovimientosService.prepare_sort), with its size on disk.
2. The process's peak RSS with that window open and scrolled. Goal: ≤ 250 MB.
3. Export of 100,000 movements: our export (query + stream + write) / xlsxwriter constant_memory
   writing the same rows, already in memory, with the same cell types. Goal: ≤ 0.35; our export's
   peak RSS in a process of its own ≤ 150 MB, and (--export-million) the same at 1,000,000 rows.

4. (--insert) Inserting 100,000 movements into a store of 100,000, as imports and sync pulls do
   (Core executemany in batches of 5,000, 32 MiB page cache, counts added per batch:
   store/conteo.py): a fresh store at head (no sort index: they are built on first sort) / the
   same store downgraded to 0006_lote_numero (no counts), paired runs.

5. (--frio) The same with the store out of the OS cache, as after a reboot: before each figure
   the store's files are dropped from the page cache (posix_fadvise DONTNEED, after an fsync)
   and the pool's connections closed, so SQLite reads every page it needs from the disk. Also
   the first window (store opened, main window painted with its first page) in a process of its
   own, warm and cold. Goals: first window ≤ 1 s, a first sort ≤ 2 s, cold.

6. (--ordenes N) N header clicks, each after a pause at random (0.3–1.5 s: the order shown has
   started reading every key in the background), timed until the new order's first page is
   painted, with the machine's load average. Goal: each ≤ 1 s, whatever the load.

    python bench/movimientos.py [--rows 1000000] [--export-rows 100000] [--cache DIR]
        [--skip-export] [--export-million] [--skip-index-build] [--insert] [--frio]
        [--busqueda NAME ...] [--ordenes N]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.carga import carga

TODAY = date(2026, 11, 22)
ONLY: set[str] = set()  # --busqueda: the searches measured (empty: all)
COLD = {"on": False, "dir": None, "services": None}  # --frio: drop the store before each figure


def drop_from_os_cache(directory: Path) -> None:
    """Every SQLite file of ``directory`` out of the OS page cache, as after a reboot (written
    pages first flushed: DONTNEED only drops clean ones)."""
    for path in directory.glob("*.sqlite3*"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def chill() -> None:
    """In --frio mode: the store out of the OS cache, and SQLite's own page caches with it (the
    pool's connections closed; the next statement opens a new one)."""
    if not COLD["on"]:
        return
    services = COLD["services"]
    if services is not None:
        services.store.engine.dispose()
    drop_from_os_cache(COLD["dir"])


def schedstat() -> tuple[float, float]:
    """(ms on a core, ms waiting in the run queue for one) of the calling thread so far; (0, 0)
    where Linux's schedstat is missing."""
    try:
        with open("/proc/thread-self/schedstat") as found:
            running, queued, _slices = found.read().split()
    except OSError:
        return 0.0, 0.0
    return int(running) / 1e6, int(queued) / 1e6


def timed(fn: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """Median wall time and median CPU time of this thread, in ms."""
    samples, cpus = [], []
    for _ in range(repeat):
        chill()
        start, cpu = time.perf_counter(), time.thread_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    return statistics.median(samples), statistics.median(cpus)


def open_store(directory: Path, rows: int):
    """The store of ``rows`` movimientos in ``directory``, made once, with the shape of a real
    company's (bench/datos_reales.py: distinct workers, real name distributions)."""
    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.movimientos.servicio import Filtro

    directory.mkdir(parents=True, exist_ok=True)
    services = open_services(directory)
    have = services.movimientos.count(Filtro())
    if have < rows:
        print(f"Creando {rows - have:,} movimientos en {directory}…", flush=True)
        start = time.perf_counter()
        crear_movimientos(services.store, rows, TODAY)
        with services.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(f"  listo en {time.perf_counter() - start:.0f} s", flush=True)
    return services


def _searches(registro: str) -> dict[str, object]:
    from icsoe_desktop.services.movimientos.servicio import Filtro

    trimestre = {"fecha_inicial": date(2025, 1, 1), "fecha_final": date(2025, 3, 31)}
    every = {
        "Todos": Filtro(),
        "registro": Filtro(registro_patronal=registro),
        "un trimestre": Filtro(**trimestre),
        "rechazados": Filtro(estado="rechazado"),
        "Reingresos": Filtro(tipo="08"),
        "Mod Salarios": Filtro(tipo="07"),
        "Bajas": Filtro(tipo="02"),
        "registro + trimestre": Filtro(registro_patronal=registro, **trimestre),
        "registro + pendientes": Filtro(registro_patronal=registro, estado="pendiente"),
        "Bajas rechazadas": Filtro(tipo="02", estado="rechazado"),
        "Mod Salarios, trimestre": Filtro(tipo="07", **trimestre),
        "Reingresos, registro, aprobados, trimestre": Filtro(
            registro_patronal=registro, tipo="08", estado="aprobado", **trimestre
        ),
        # Longer than month streams (MONTHS_MAX), closed or open at one end.
        "dos años": Filtro(fecha_inicial=date(2024, 1, 1), fecha_final=date(2025, 12, 31)),
        "Bajas desde 2025": Filtro(tipo="02", fecha_inicial=date(2025, 1, 1)),
        # Narrow: a few hundred rows at a million, read through the filter's index and sorted
        # (the gather plan), page after page too.
        "un día": Filtro(fecha_inicial=date(2025, 6, 10), fecha_final=date(2025, 6, 10)),
        "un día, Bajas": Filtro(
            tipo="02", fecha_inicial=date(2025, 6, 10), fecha_final=date(2025, 6, 10)
        ),
        "registro, una semana": Filtro(
            registro_patronal=registro,
            fecha_inicial=date(2025, 6, 9),
            fecha_final=date(2025, 6, 15),
        ),
    }
    return {k: v for k, v in every.items() if not ONLY or k in ONLY}


def bench_grid(services) -> None:
    from PySide6.QtCore import Qt, QThreadPool
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.movimientos.model import ID_ROLE, PAGE_SIZE
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden

    app = QApplication.instance() or QApplication([])
    main = VentanaPrincipal(services, None)
    main.show()
    app.processEvents()
    gc.freeze()  # as Application.open_main does once the window is shown
    view = main.movimientos
    model, table = view.model, view.tabla
    header = table.horizontalHeader()
    registro = services.movimientos.registros()[0]

    split = [0.0, 0.0, 0.0]  # every action's wall ms: running, waiting for a core, blocked

    def painted(action: Callable[[], object]) -> tuple[float, float, float, float]:
        """(wall ms, CPU ms of the window's thread, ms it waited for a core, ms it was blocked).
        On a machine shared with other work the wall time includes waiting for a core; the CPU
        time is the window's own work (SQLite runs in the calling thread), what an idle machine
        would show, bar disk reads; blocked is what it waited for otherwise."""
        chill()
        running, queued = schedstat()
        start, cpu = time.perf_counter(), time.thread_time()
        action()
        table.viewport().repaint()
        wall = (time.perf_counter() - start) * 1000
        cpu = (time.thread_time() - cpu) * 1000
        ran, waited = schedstat()
        ran, waited = ran - running, waited - queued
        blocked = max(0.0, wall - ran - waited)
        for i, value in enumerate((ran, waited, blocked)):
            split[i] += value
        return wall, cpu, waited, blocked

    def buscar(filtro) -> None:
        """What Buscar does: the search's first page, then the columns fitted to it."""
        view.mostrar(filtro, Orden())
        view.ajustar_columnas()

    def scroll_to(row: int) -> None:
        table.scrollTo(model.index(row, 0))

    worst: dict[str, tuple[float, str]] = {}
    worst_cpu: dict[str, tuple[float, str]] = {}

    blocked: dict[str, float] = {}  # per kind of action, the ms it was blocked in all

    def keep(kind: str, ms: tuple[float, ...], what: str) -> None:
        if len(ms) > 3:
            blocked[kind] = blocked.get(kind, 0.0) + ms[3]
        for table_, value in ((worst, ms[0]), (worst_cpu, ms[1])):
            if value > table_.get(kind, (-1.0, ""))[0]:
                # (the worst wall time with how much of it waited for a core / was blocked)
                waits = f"; cola {ms[2]:.1f}, bloqueado {ms[3]:.1f}" if len(ms) > 3 else ""
                table_[kind] = (value, what + (waits if table_ is worst else ""))

    total_all = services.movimientos.count(Filtro())
    print(
        f"\nLa rejilla con {total_all:,} movimientos (ms; metas: acciones ≤ 30, conteo ≤ 5);"
        f" {carga()}"
    )
    print(
        f"{'búsqueda':42} {'filas':>9} {'conteo':>7} {'Buscar':>7} {'peor orden':>28}"
        f" {'mitad ya':>8} {'llega':>6} {'Ctrl+Fin':>8} {'RePág':>6} {'mitad':>6} {'AvPág':>6}"
    )
    for name, filtro in _searches(registro).items():
        counting = timed(lambda filtro=filtro: services.movimientos.count(filtro), 5)
        keep("conteo", counting, name)
        first = min(painted(lambda filtro=filtro: buscar(filtro)) for _ in range(3))
        keep("Buscar", first, name)
        sorts = []
        for column, spec in enumerate(COLUMNS):
            for descending in (False, True):
                # As a header click: the window's own time, then until the rows in that order
                # are painted (a page slower than a moment is read in the pool meanwhile).
                order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
                ms = painted(lambda c=column, o=order: header.setSortIndicator(c, o))
                start = time.perf_counter()
                while model.sorting():
                    app.processEvents()
                    time.sleep(0.001)
                table.viewport().repaint()
                arrived = (time.perf_counter() - start) * 1000 + ms[0]
                sorts.append((ms, f"{spec.header} {'↓' if descending else '↑'}"))
                keep("ordenar", ms, f"{name}, {sorts[-1][1]}")
                keep("orden llega", (arrived, arrived), f"{name}, {sorts[-1][1]}")
        (ms, *_rest), what = max(sorts)
        view.mostrar(filtro, Orden())
        total = model.rowCount()
        # The middle of the scroll bar right after Buscar, as a clerk drags it: the window's
        # own time, then how long until its rows are painted (a far page is read in the
        # background until every page's key is known).
        now = painted(lambda total=total: scroll_to(total // 2))
        start = time.perf_counter()
        middle_row = model.index(total // 2, 0)
        while total and middle_row.data(ID_ROLE) is None:
            app.processEvents()
            time.sleep(0.001)
        arrived = (time.perf_counter() - start) * 1000 + now[0]
        keep("mitad ya", now, name)
        keep("llega", (arrived, arrived), name)
        view.mostrar(filtro, Orden())
        end = painted(table.scrollToBottom)
        up = painted(lambda total=total: scroll_to(max(total - 2 * PAGE_SIZE - 50, 0)))
        # The middle of the scroll bar once every page's key is read (in the background after a
        # search: how long that takes is printed apart); before that, a far page is an OFFSET.
        start = time.perf_counter()
        while total > 2 * PAGE_SIZE and not model.bounds_ready():
            app.processEvents()
            time.sleep(0.005)
        waited = (time.perf_counter() - start) * 1000
        keep("límites", (waited, waited), name)
        middle = painted(lambda total=total: scroll_to(total // 2))
        down = painted(lambda total=total: scroll_to(min(total // 2 + PAGE_SIZE + 30, total - 1)))
        for kind, value in (("Ctrl+Fin", end), ("RePág", up), ("mitad", middle), ("AvPág", down)):
            keep(kind, value, name)
        print(
            f"{name:42} {total:>9,} {counting[0]:>7.1f} {first[0]:>7.1f} {ms:>7.1f} {what:>20}"
            f" {now[0]:>8.1f} {arrived:>6.0f} {end[0]:>8.1f} {up[0]:>6.1f} {middle[0]:>6.1f}"
            f" {down[0]:>6.1f}",
            flush=True,
        )
    for title, kept in (
        ("Lo más lento de cada acción (reloj):", worst),
        ("Lo más lento de cada acción (CPU del hilo de la ventana):", worst_cpu),
    ):
        print(f"\n{title}")
        for kind, (ms, what) in kept.items():
            if kind in ("límites", "llega", "orden llega"):
                if kept is worst:
                    when = "tras el clic" if kind == "orden llega" else "tras Buscar"
                    print(f"  {kind:9} {ms:8.1f} ms  (en segundo plano, {when})  {what}")
                continue
            goal = 5 if kind == "conteo" else 30
            ok = "OK " if ms <= goal else "NO "
            print(f"  {kind:9} {ms:8.1f} ms  {ok} (meta ≤ {goal})  {what}")
    total_ms = sum(split)
    if total_ms:
        print(
            "Reloj de todas las acciones: "
            + ", ".join(
                f"{label} {value:.0f} ms ({100 * value / total_ms:.0f} %)"
                for label, value in zip(
                    ("en CPU", "esperando un núcleo", "bloqueado"), split, strict=True
                )
            )
            + "; bloqueado, por acción: "
            + ", ".join(f"{kind} {ms:.0f} ms" for kind, ms in blocked.items())
        )
    print(f"Filas en memoria al final: {model.loaded():,}")
    QThreadPool.globalInstance().waitForDone(60_000)  # a page still read for the window
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RSS máximo del proceso: {rss:.0f} MB (meta ≤ 250 MB); {carga()}")
    main.hide()


def bench_sorts_waiting(services, sorts: int, dwell_ms: tuple[int, int] = (300, 1500)) -> None:
    """Header clicks as a clerk makes them, each after looking at the rows a while (``dwell_ms``,
    at random: long enough that the order shown has started reading every key in the
    background): the wall time from the click until the new order's first page is painted,
    with the load average of the machine at the start and the end. Goal: ≤ 1 s each."""
    import random

    from PySide6.QtCore import Qt, QThreadPool
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    app = QApplication.instance() or QApplication([])
    main = VentanaPrincipal(services, None)
    main.show()
    app.processEvents()
    gc.freeze()
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos: a million rows, the longest read of every key
    model, table = view.model, view.tabla
    header = table.horizontalHeader()
    chance = random.Random(56)
    load_before = os.getloadavg()[0]
    waits: list[float] = []
    for n in range(sorts):
        until = time.perf_counter() + chance.uniform(*dwell_ms) / 1000
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.002)
        column = chance.randrange(len(COLUMNS))
        order = chance.choice((Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder))
        start = time.perf_counter()
        header.setSortIndicator(column, order)
        while model.sorting():
            app.processEvents()
            time.sleep(0.001)
        table.viewport().repaint()
        waits.append(time.perf_counter() - start)
        if (n + 1) % 50 == 0:
            print(f"  {n + 1} órdenes, carga {os.getloadavg()[0]:.1f}", flush=True)
    QThreadPool.globalInstance().waitForDone(60_000)
    main.hide()
    waits.sort()
    slow = sum(1 for w in waits if w > 1)
    print(
        f"\n{sorts} órdenes con una pausa de {dwell_ms[0]}–{dwell_ms[1]} ms entre clics (Todos,"
        f" {model.rowCount():,} filas), carga {load_before:.1f} → {os.getloadavg()[0]:.1f}:"
        f" la primera página pintada en mediana {statistics.median(waits) * 1000:.0f} ms,"
        f" p99 {waits[int(len(waits) * 0.99) - 1] * 1000:.0f} ms, la peor"
        f" {waits[-1] * 1000:.0f} ms; {slow} de más de 1 s (meta: ninguna)"
    )


def bench_middle(services) -> None:
    """The middle of the scroll bar right after Buscar, in the default order (fecha ↓): the keys
    of the page at half the search's rows, read with the grid's plan / read through the filter's
    own index and sorted (the gather plan, which a far page under a registro patronal or dates
    took: every key of the search sorted to skip half of them). The same keys, asserted; both
    in this run, with --frio each read with the store out of the OS cache. The grid's plan as a
    store has it until someone clicks the Fecha header (fecha's sort index not built: the usual
    state) and, when that index is there, with it; the slower of the two is compared."""
    from icsoe_desktop.gui.movimientos.model import PAGE_SIZE
    from icsoe_desktop.services.movimientos.servicio import Orden, _sort_column
    from icsoe_desktop.store import movimientos_paging as paging

    grid = services.movimientos
    orden = Orden()
    column = _sort_column(orden)
    states = (False, True) if grid.sort_ready(orden) else (False,)
    print(
        "\nLa mitad de la barra justo tras Buscar (orden por fecha ↓): plan de la rejilla sin el"
        " índice de orden de fecha [con él] / las claves del filtro leídas por su índice y"
        " ordenadas (ms de reloj, CPU)"
    )
    ratios = []
    for name, filtro in _searches(grid.registros()[0]).items():
        total = grid.count(filtro)
        if total <= 2 * PAGE_SIZE:
            continue
        busqueda = paging.Busqueda(
            filtro.registro_patronal,
            filtro.tipo,
            filtro.estado,
            filtro.fecha_inicial,
            filtro.fecha_final,
        )

        def read(gathered: bool, indexed: bool = False, busqueda=busqueda, total=total) -> list:
            with services.store.engine.connect() as conn:
                if gathered:
                    query = paging.key_query(busqueda, column, orden.descending, gather=True)
                else:
                    query = paging.plan(
                        conn,
                        busqueda,
                        column,
                        orden.descending,
                        total=total,
                        walked=total // 2,
                        indexed=indexed,
                    )
                return paging.page_keys(conn, query, None, PAGE_SIZE, total // 2)

        base = timed(lambda read=read: read(True), 5)
        ours = []
        for indexed in states:
            assert read(False, indexed) == read(True), (name, indexed)
            ours.append(timed(lambda read=read, indexed=indexed: read(False, indexed), 5))
        worst = max(ours)
        ratios.append(worst[0] / base[0])
        with_index = f" [{ours[1][0]:6.1f}]" if len(ours) > 1 else ""
        print(
            f"  {name:42} {total:>9,} {ours[0][0]:8.1f} ({ours[0][1]:6.1f}){with_index} /"
            f" {base[0]:8.1f} ({base[1]:6.1f})  razón {ratios[-1]:.3f}",
            flush=True,
        )
    print(
        f"  razón mediana {statistics.median(ratios):.3f}, la mayor {max(ratios):.3f}; {carga()}",
        flush=True,
    )


def bench_far_pages(services) -> None:
    """The two reads the grid's goals found slowest, each against the way it was read before,
    both in this run (CPU ms of this thread, median): a far page in fecha's order (the middle
    of the scroll bar right after Buscar) when its keys come from several streams merged (a
    registro patronal without a tab: one per tipo), from its day found in the kept counts /
    walked by OFFSET over the merged streams; and the first page of «registro + trimestre»
    sorted by CURP, both ways (the sort index walked, the registro and the dates tested on each
    movement's row)."""
    from icsoe_desktop.gui.movimientos.model import PAGE_SIZE
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Orden, _sort_column
    from icsoe_desktop.store import movimientos_paging as paging

    grid = services.movimientos
    searches = _searches(grid.registros()[0])
    print("\nPáginas lejanas de varios flujos (orden por fecha): desde su día / OFFSET (CPU ms)")
    for name in ("registro", "registro + pendientes", "registro + trimestre"):
        if name not in searches:
            continue
        filtro = searches[name]
        total = grid.count(filtro)
        for orden in (Orden(), Orden(descending=False)):
            offset = total // 2
            with services.store.engine.connect() as conn:
                query = grid.buscador.sql.query(conn, filtro, orden, total, offset)
                [(condition, order, _extra)] = paging.seeks(query, None)
                sql, params = paging.key_sql(query, condition, order, PAGE_SIZE, offset)

                def ours(conn=conn, query=query, offset=offset) -> list:
                    return paging.page_keys(conn, query, None, PAGE_SIZE, offset)

                def walked(conn=conn, sql=sql, params=params) -> list:
                    return [tuple(r) for r in conn.exec_driver_sql(sql, params)]

                assert [tuple(k) for k in ours()] == walked(), name
                mine, base = timed(ours, 5), timed(walked, 5)
            arrow = "↓" if orden.descending else "↑"
            print(
                f"  {name:24} fecha {arrow} {total:>9,} filas, mitad: {mine[1]:6.1f} /"
                f" {base[1]:6.1f}  razón {mine[1] / base[1]:.3f}"
                f"  {'OK ' if mine[1] <= 30 else 'NO '}(meta ≤ 30)",
                flush=True,
            )
    filtro = searches.get("registro + trimestre")
    if filtro is None:
        return
    curp = next(i for i, c in enumerate(COLUMNS) if c.attr == "curp")
    total = grid.count(filtro)
    print(f"\nregistro + trimestre ({total:,} filas) por CURP, primera página (CPU ms):")
    for descending in (False, True):
        orden = Orden(curp, descending)
        if not grid.sort_ready(orden):
            grid.prepare_sort(orden)
        with services.store.engine.connect() as conn:
            query = grid.buscador.sql.query(conn, filtro, orden, total, 0)
            walk = paging.key_query(
                filtro.busqueda(), _sort_column(orden), descending, gather=False
            )

            def ours(conn=conn, query=query) -> list:
                return paging.page_keys(conn, query, None, PAGE_SIZE)

            def walked(conn=conn, walk=walk) -> list:
                return paging.page_keys(conn, walk, None, PAGE_SIZE)

            assert ours() == walked()
            mine, base = timed(ours, 5), timed(walked, 5)
        print(
            f"  CURP {'↓' if descending else '↑'}: {mine[1]:6.1f} / índice de orden recorrido"
            f" {base[1]:6.1f}  razón {mine[1] / base[1]:.3f}"
            f"  {'OK ' if mine[1] <= 30 else 'NO '}(meta ≤ 30)",
            flush=True,
        )


def bench_index_build(services) -> None:
    """Each sort index dropped and built again as a first sort builds it, with the first page of
    that sort read without it just before (what the grid shows while the index is built in the
    background); then the store's size without sort and find indexes and with all of them (the
    find box's, store/movimientos_buscar.py, are the schema's: built by its migration)."""
    from icsoe_desktop.gui.movimientos.model import PAGE_SIZE
    from icsoe_desktop.services.movimientos.servicio import (
        COLUMNS,
        Filtro,
        MovimientosService,
        Orden,
        _sort_column,
    )
    from icsoe_desktop.store.models import sort_indexes
    from icsoe_desktop.store.movimientos_buscar import INDEXES as FIND_INDEXES

    engine = services.store.engine
    print(
        "\nPrimer orden por cada columna (Todos): su primera página sin índice y construir sus"
        " índices (s), lo que ocupan (MiB)"
    )
    built: dict[str, tuple[float, float, float]] = {}
    for column in range(len(COLUMNS)):
        names = sort_indexes(_sort_column(Orden(column)))
        if names[0] in built:
            continue
        with engine.begin() as conn:
            for name in names:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        fresh = MovimientosService(
            services.store, services.audit, services.clock, services.permisos
        )
        total = fresh.count(Filtro())
        chill()
        start = time.perf_counter()
        fresh.pagina(Filtro(), Orden(column, False), 0, PAGE_SIZE, total)
        first = time.perf_counter() - start
        chill()
        start = time.perf_counter()
        fresh.prepare_sort(Orden(column))
        seconds = time.perf_counter() - start
        with engine.connect() as conn:
            sizes = [
                conn.exec_driver_sql(
                    "SELECT sum(pgsize) FROM dbstat WHERE name = ?", (name,)
                ).scalar()
                / 2**20
                for name in names
            ]
        built[names[0]] = (first, seconds, sum(sizes))
        print(
            f"  {COLUMNS[column].header:18} {' + '.join(names):54} {first:5.2f} s {seconds:5.2f} s"
            f" {' + '.join(f'{m:.1f}' for m in sizes)} MiB",
            flush=True,
        )
    firsts = sorted(f for f, _s, _m in built.values())
    times = sorted(s for _f, s, _m in built.values())
    indexes = sum(m for _f, _s, m in built.values())
    with engine.connect() as conn:
        store = conn.exec_driver_sql("SELECT sum(pgsize) FROM dbstat").scalar() / 2**20
        marks = ", ".join("?" * len(FIND_INDEXES))
        find = (
            conn.exec_driver_sql(
                f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})",
                tuple(name for name, _term in FIND_INDEXES),
            ).scalar()
            / 2**20
        )
    print(
        f"  {len(built)} columnas: primera página {firsts[0]:.2f}–{firsts[-1]:.2f} s (mediana"
        f" {statistics.median(firsts):.2f} s); índice {times[0]:.2f}–{times[-1]:.2f} s (mediana"
        f" {statistics.median(times):.2f} s), {indexes:.0f} MiB"
    )
    plain = text_keyed_indexes(engine)
    bare = store - indexes - find
    print(
        f"  Base sin índices de orden ni de búsqueda {bare:.0f} MiB, con todos {store:.0f} MiB"
        f" (los de búsqueda {find:.0f} MiB): {store / bare:.2f}× (meta ≤ 2×); con índices de"
        f" orden de texto {bare + plain + find:.0f} MiB: {(bare + plain + find) / bare:.2f}×;"
        f" {carga()}",
        flush=True,
    )


def text_keyed_indexes(engine) -> float:
    """The baseline of the same sorts: per column, an index of the stored text, (deleted, tipo,
    estado, column) (an estado's (deleted, tipo, estado), a tipo's (deleted, estado, tipo)), and
    for the columns that follow fecha one led by its month (text): each built, measured and dropped.
    Their MiB in all."""
    from icsoe_desktop.store.models import BY_MONTH, SORT_PREFIX

    print("\n  Referencia, índices del texto guardado (deleted, tipo, estado, columna):")
    total, seconds = 0.0, []
    for column, prefix in SORT_PREFIX.items():
        lead = ", ".join(("deleted", *prefix))
        ddl = {f"bench_texto_{column}": f"{lead}, {column}"}
        if column in BY_MONTH:
            ddl[f"bench_texto_mes_{column}"] = f"{lead}, substr(fecha, 1, 7), {column}"
        sizes = []
        for name, columns in ddl.items():
            start = time.perf_counter()
            with engine.begin() as conn:
                conn.exec_driver_sql(f"CREATE INDEX {name} ON movimientos ({columns})")
            seconds.append(time.perf_counter() - start)
            with engine.begin() as conn:
                sizes.append(
                    conn.exec_driver_sql(
                        "SELECT sum(pgsize) FROM dbstat WHERE name = ?", (name,)
                    ).scalar()
                    / 2**20
                )
                conn.exec_driver_sql(f"DROP INDEX {name}")
        total += sum(sizes)
        print(f"    {column:18} {' + '.join(f'{m:.1f}' for m in sizes)} MiB", flush=True)
    print(
        f"    {len(SORT_PREFIX)} columnas: {total:.0f} MiB, construir cada uno"
        f" {min(seconds):.2f}–{max(seconds):.2f} s (mediana {statistics.median(seconds):.2f} s)"
    )
    return total


FIRST_WINDOW = """
import os, sys, time
sys.path[:0] = [{root!r}, {bench!r}]
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
from pathlib import Path
from PySide6.QtWidgets import QApplication
import icsoe_desktop.gui.ventana_principal as ventana
from icsoe_desktop.services.container import open_services
import movimientos as bench
app = QApplication([])
if {cold!r}:
    bench.drop_from_os_cache(Path({directory!r}))
start, cpu = time.perf_counter(), time.thread_time()
services = open_services(Path({directory!r}))
main = ventana.VentanaPrincipal(services, None)
main.show()
main.movimientos.tabla.viewport().repaint()
app.processEvents()
print((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000)
"""


def bench_first_window(directory: Path, repeat: int = 5) -> None:
    """Store opened and the main window painted with its first page (sólo consulta: the same
    grid), in a fresh process whose imports are done before the clock starts: warm, then with
    the store out of the OS cache, alternated."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(repeat):
        for cold in (False, True):
            code = FIRST_WINDOW.format(
                root=str(root), bench=str(root / "bench"), cold=cold, directory=str(directory)
            )
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout.split()
            runs[cold].append((float(out[-2]), float(out[-1])))
    print("\nPrimera ventana (base abierta + ventana pintada con su primera página), mediana:")
    for cold, name in ((False, "caliente"), (True, "fría (fuera del caché del SO)")):
        wall = statistics.median(w for w, _ in runs[cold])
        cpu = statistics.median(c for _, c in runs[cold])
        goal = f"  {'OK ' if wall <= 1000 else 'NO '}(meta ≤ 1000 ms)" if cold else ""
        print(f"  {name:30} {wall:7.0f} ms de reloj, {cpu:6.0f} ms CPU{goal}", flush=True)


def bench_insert(directory: Path, rows: int = 100_000, pairs: int = 5) -> None:
    """Insert ``rows`` into a store of ``rows``: head (no sort index) against 0006."""
    import shutil

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import insert

    from bench.datos_reales import crear_movimientos, movimientos
    from icsoe_desktop.store.conteo import insert_counted
    from icsoe_desktop.store.db import Store, large_page_cache, make_engine
    from icsoe_desktop.store.migrations import MIGRATIONS_DIR
    from icsoe_desktop.store.models import MovimientoRow

    directory.mkdir(parents=True, exist_ok=True)
    head, base = directory / "head.sqlite3", directory / "0006.sqlite3"
    for path in (head, base):
        path.unlink(missing_ok=True)
    store = Store(head)
    every = list(movimientos(2 * rows, TODAY))
    crear_movimientos(store, rows, TODAY, filas=every[:rows])
    store.close()
    shutil.copyfile(head, base)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(base)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006_lote_numero")
    engine.dispose()
    more = every[rows:]
    table = MovimientoRow.__table__

    def run(source: Path) -> tuple[float, float]:
        """(CPU s, wall s) of the insert: CPU is what the schema costs, wall what a clerk waits
        (on a loaded machine it swings twofold between identical runs)."""
        trial = directory / "trial.sqlite3"
        shutil.copyfile(source, trial)
        engine = make_engine(trial)
        cpu, wall = time.process_time(), time.perf_counter()
        with engine.begin() as conn, large_page_cache(conn):
            for i in range(0, len(more), 5_000):  # batches of an import (BATCH)
                batch = more[i : i + 5_000]
                insert_counted(
                    conn, lambda batch=batch: conn.execute(insert(table), batch).rowcount
                )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        engine.dispose()
        trial.unlink()
        return cpu, wall

    times: dict[str, list[tuple[float, float]]] = {"0006": [], "head": []}
    print(
        f"\nInsertar {rows:,} movimientos en una base de {rows:,} (CPU s / reloj s, pares alternados)"
    )
    for n in range(pairs):
        order = [("0006", base), ("head", head)]
        for name, path in order if n % 2 == 0 else order[::-1]:
            times[name].append(run(path))
        (c0, w0), (c1, w1) = times["0006"][-1], times["head"][-1]
        print(
            f"  par {n + 1}: 0006 {c0:.2f} / {w0:.2f} s, cabeza {c1:.2f} / {w1:.2f} s", flush=True
        )
    med = {k: [statistics.median(x[i] for x in v) for i in (0, 1)] for k, v in times.items()}
    (c0, w0), (c1, w1) = med["0006"], med["head"]
    print(f"  0006_lote_numero: {c0:.2f} s CPU, {w0:.2f} s de reloj (medianas)")
    print(
        f"  cabeza (conteos, sin índices de orden): {c1:.2f} s CPU, {w1:.2f} s de reloj"
        f"  razón CPU {c1 / c0:.3f}, reloj {w1 / w0:.3f}; {carga()}"
    )


def bench_export(services, rows: int, out: Path) -> None:
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.movimientos.exportar import export_table
    from icsoe_desktop.services.movimientos.servicio import (
        COLUMNS,
        DATE,
        MONEY,
        NUMBER,
        Filtro,
        Orden,
    )

    filtro = Filtro()
    total = services.movimientos.count(filtro)
    data = [row[1:-1] for row in services.movimientos.iter_rows(filtro, Orden())]
    headers = [c.header for c in COLUMNS]

    def xlsxwriter_baseline() -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(out / "base_xlsxwriter.xlsx"), {"constant_memory": True})
        sheet = book.add_worksheet()
        money = book.add_format({"num_format": "#,##0.00"})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        for c, header in enumerate(headers):
            sheet.write_string(0, c, header)
        for r, values in enumerate(data, start=1):
            for c, column in enumerate(COLUMNS):
                v = values[c]
                if v is None or v == "":
                    continue
                if column.catalog is not None:
                    sheet.write_string(r, c, column.catalog.get(v, v))
                elif column.kind == MONEY:
                    sheet.write_number(r, c, v / 100, money)
                elif column.kind == DATE:
                    sheet.write_datetime(r, c, v, day)
                elif column.kind == NUMBER:
                    sheet.write_number(r, c, v)
                else:
                    sheet.write_string(r, c, v)
        book.close()

    def ours() -> None:
        export_table(services.movimientos, filtro, Orden(), out / "nuestro.xlsx", CLI_ACTOR)

    print(f"\nExportar Excel de {total:,} movimientos × {len(COLUMNS)} columnas (CPU s)")
    results: dict[str, list[float]] = {}
    for name, fn in (
        ("nuestra exportación", ours),
        ("xlsxwriter constant_memory", xlsxwriter_baseline),
        ("nuestra exportación (2)", ours),
        ("xlsxwriter constant_memory (2)", xlsxwriter_baseline),
    ):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        results.setdefault(name.replace(" (2)", ""), []).append(cpu)
        print(f"  {name:34} {cpu:6.2f} s CPU ({seconds:.1f} s de reloj)", flush=True)
    ours_s, base_s = min(results["nuestra exportación"]), min(results["xlsxwriter constant_memory"])
    print(
        f"Razón nuestra / xlsxwriter constant_memory (mejor de dos, CPU): {ours_s / base_s:.2f} "
        f"(meta ≤ 0.35); archivo: {(out / 'nuestro.xlsx').stat().st_size / 2**20:.1f} MiB;"
        f" {carga()}"
    )


def export_memory(directory: Path, out: Path) -> None:
    """Our export alone in a fresh process: its peak RSS (the store is opened the same way)."""
    import subprocess

    root = str(Path(__file__).resolve().parents[1])
    code = "\n".join(
        [
            "import os, sys",
            "from pathlib import Path",
            f"sys.path[:0] = [{root!r}, {root + '/bench'!r}]",
            "from peak import peak_rss_mb",
            "os.environ['PYTHON_KEYRING_BACKEND'] = 'keyring.backends.null.Keyring'",
            "from icsoe_desktop.services.container import open_services",
            "from icsoe_desktop.services.movimientos.servicio import Filtro, Orden",
            "from icsoe_desktop.services.movimientos.exportar import export_table",
            "from icsoe_desktop.domain.roles import CLI_ACTOR",
            f"s = open_services(Path({str(directory)!r}))",
            f"n = export_table(s.movimientos, Filtro(), Orden(), Path({str(out)!r}), CLI_ACTOR)",
            "print(n, round(peak_rss_mb()))",
        ]
    )
    rows, rss = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    print(f"  RSS máximo exportando {int(rows):,} filas en un proceso propio: {rss} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "icsoe-bench-movimientos",
        help="where the stores are kept between runs",
    )
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-grid", action="store_true")
    parser.add_argument("--skip-index-build", action="store_true")
    parser.add_argument("--insert", action="store_true", help="also the insert cost (4.)")
    parser.add_argument(
        "--frio", action="store_true", help="the store out of the OS cache before each figure"
    )
    parser.add_argument("--skip-first-window", action="store_true")
    parser.add_argument(
        "--only-middle",
        action="store_true",
        help="of the grid, only the middle of the scroll bar right after Buscar (bench_middle)",
    )
    parser.add_argument(
        "--export-million", action="store_true", help="also the export's memory at --rows"
    )
    parser.add_argument(
        "--ordenes",
        type=int,
        default=0,
        help="only N header clicks apart, each after a pause, timed until their rows show",
    )
    parser.add_argument(
        "--busqueda",
        action="append",
        help="of the grid's searches, only this one (repeatable; default: every one)",
    )
    args = parser.parse_args()
    if args.busqueda:
        ONLY.update(args.busqueda)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    grid_dir = args.cache / f"reales-{args.rows}"
    if args.ordenes:
        grid = open_store(grid_dir, args.rows)
        try:
            bench_sorts_waiting(grid, args.ordenes)
        finally:
            grid.close()
        return
    if not args.skip_grid:
        grid = open_store(grid_dir, args.rows)
        if args.frio:
            COLD.update(on=True, dir=grid_dir, services=grid)
            print("Modo frío: la base fuera del caché del SO antes de cada cifra", flush=True)
        if not args.skip_first_window:
            bench_first_window(grid_dir)
        try:
            if not args.skip_index_build:
                bench_index_build(grid)
            # The grid first: its process's peak RSS is the window's, not the baselines' below
            # (each reads and sorts every key of a search).
            if not args.only_middle:
                bench_grid(grid)
            bench_middle(grid)
            bench_far_pages(grid)
        finally:
            grid.close()
    if args.insert:
        bench_insert(args.cache / "insert")
    if not args.skip_export:
        export_dir = args.cache / f"reales-{args.export_rows}"
        export = open_store(export_dir, args.export_rows)
        with tempfile.TemporaryDirectory() as out:
            try:
                bench_export(export, args.export_rows, Path(out))
            finally:
                export.close()
            export_memory(export_dir, Path(out) / "memoria.xlsx")
            if args.export_million:
                export_memory(grid_dir, Path(out) / "millon.xlsx")


if __name__ == "__main__":
    main()
