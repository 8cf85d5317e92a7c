"""The find box at 1,000,000 movimientos: a worker by the beginning of their NSS, CURP or name.

1. In the real window (Movimientos con IDSE, Todos), for each kind of find (a whole NSS, its
   beginning, a CURP in lower case, its beginning, a whole name, the commonest apellido, a
   nombre, two letters): the count alone, then the find shown (count + first page painted,
   what a pause in the typing does), Ctrl+Fin (the last page;
   of a find of more than a few pages, read in the pool: the window's part) and the reverse
   order. Goals: the first page ≤ 50 ms of CPU, its count ≤ 20 ms.
2. The common beginnings of names («ma»: MARTINEZ and MARIA, «mar», «ju», «gar») and a name
   longer than the keys of the copy in memory («maria guadalupe») alone and with each filter of
   the search panel (a registro patronal, a tab, dates, an estado, a day): first without the
   copy of the find orders in memory (services/movimientos/espejo.py; as right after opening
   the store, until it is built): the count the first time (by SQL)
   and the second (the text's panel terms read in the background meanwhile), against the
   find's matches counted from its indexes alone (no filter), and the memory those terms
   take; a CURP's first 6 and 10 characters likewise (the copy leaves them to SQL). Then the
   copy built as the app builds it (its CPU, wall time, memory and peak), and with it the
   count (each one a first question), the first page in fecha's order (CPU of the thread that
   reads them: the window's pool) and Buscar in the real window: the CPU of the window's
   thread until the find's first page is painted, and the wall time. And the first count
   right after a write of 1 to 10,000 movements (as a lote or a sync writes them: estado
   changed, then back), the copy brought up to date with them, and the next count with them
   kept beside it. Goals: count ≤ 20 ms, page ≤ 50 ms of the window's CPU.
3. A find sorted by each sortable column (its sort index built, as after a first click): «ma»
   and «ju» alone and «gar» with a registro patronal: the first page, the middle of the scroll
   bar by position (read in the pool right after the find, its ids in that order not read:
   right after a change, by SQLite's sort keeping the best offset + 100; with the column's
   order in memory, read since the find's first page in it asked for it, put in order from
   the copies; and once its ids are kept) and after its key, CPU; against the baseline: the
   find's matches
   read by id from its indexes and sorted by SQLite (``ORDER BY`` the column, ``LIMIT 100``).
   And the memory its kept ids take, and the peak of reading them. Goals: ≤ 200 ms, the
   middle ≤ 50 ms. And the middle asked right after the first page, the column's order not in
   memory (as a clerk drags the bar at once after the click: read back from the one kept beside
   the store, services/movimientos/columnas_guardadas.py), in wall time: ≤ 300 ms. With
   ``--solo clic`` that middle alone, with no order of the column kept on disk either (from
   the copy's terms or the column's parts), against SQLite's sort of the matches; and how
   long cutting the parts takes after the copy. With ``--solo primer`` the first click on each
   column as right after the store is opened: the copy there, no column's order kept nor cut
   into parts (their cutting just begun in the background), its sort index built; the wall
   time to its first page and to its middle. Goals: ≤ 2 s and ≤ 300 ms at load 10.
4. The two ways to find, side by side on the same store and terms (the count and the first page
   in fecha's order, as the grid reads them): the indexes the app uses (store/movimientos_buscar.py:
   a range of each of NSS, CURP and the name in two orders) against an SQLite FTS5 table of the
   same columns (external content, prefix queries, diacritics removed, detail=none: its smallest
   form), built here and dropped after. Each one's size on disk, and the store's size with every
   index (the sort indexes of bench/movimientos.py too, when built) against the store without
   the sort and find indexes. Goal: ≤ 2×.

The store holds movimientos with the shape of a real company's (bench/datos_reales.py: distinct
workers by real name frequencies, each with its history of movements); it is built once in
--cache and reused (its sort indexes too, built on the first run). Every part prints the
machine's load next to its figures.

    python bench/buscar.py [--rows 1000000] [--cache DIR] [--skip-fts]
        [--solo {ventana,filtros,ordenes,clic,primer,fts}] [--columnas nombre,curp,...] [--carga N]

``--carga N``: N processes kept busy on the CPU at normal priority beside the measure (a loaded
machine: what runs below the app's priority waits behind them), stopped at its end; in this
session, or each in one of its own with ``--sesiones`` (Linux shares the cores among sessions
first: see ``_carga``). ``--etapas``: where the middle's wall time went (this thread's CPU
and wait for a core, other threads', the processes apart's).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPEAT = 7
COLD = 3  # a find's first question, its matches not kept yet: each one reads them again


def _busquedas(registro: str) -> tuple[tuple[str, dict[str, str], str], ...]:
    """The finds a clerk types: two wide texts, and a narrow one under a registro."""
    return (
        ("ma", {}, "«ma»"),
        ("ju", {}, "«ju»"),
        ("gar", {"registro_patronal": registro}, "«gar» + registro"),
    )


def _terms(services) -> dict[str, str]:
    """What a clerk types, from a movement of the store's middle."""
    with services.store.engine.connect() as conn:
        nss, curp, nombre, paterno, materno = conn.exec_driver_sql(
            "SELECT nss, curp, nombre, primer_apellido, segundo_apellido FROM movimientos "
            "WHERE id = (SELECT max(id) / 2 FROM movimientos)"
        ).one()
    return {
        "NSS completo": nss,
        "NSS, 6 dígitos": nss[:6],
        "CURP en minúsculas": curp.lower(),
        "CURP, 10 caracteres": curp[:10],
        "nombre completo": f"{paterno} {materno} {nombre}".title(),
        "«hernandez» (apellido)": "hernandez",
        "«juan» (un nombre)": "juan",
        "«pe» (dos letras)": "pe",
    }


def _load(
    fn: Callable[[], object], repeat: int = REPEAT, antes: Callable[[], object] | None = None
) -> float:
    """Median CPU ms of this thread (``antes()`` run before each time, not counted)."""
    samples = []
    for _ in range(repeat):
        if antes is not None:
            antes()
        cpu = time.thread_time()
        fn()
        samples.append((time.thread_time() - cpu) * 1000)
    return statistics.median(samples)


def bench_window(services, terms: dict[str, str]) -> None:
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    app = QApplication.instance() or QApplication([])
    main = VentanaPrincipal(services, None)
    main.resize(1366, 768)
    main.show()
    app.processEvents()
    gc.freeze()
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos
    table = view.tabla
    print(
        f"\nLa caja de búsqueda en la ventana, {services.movimientos.count(Filtro()):,} "
        f"movimientos (ms de CPU, mediana de {REPEAT}; metas: página ≤ 50, conteo ≤ 20)"
    )
    print(
        f"{'se escribe':24} {'filas':>8} {'conteo':>7} {'página':>7} {'Ctrl+Fin':>8} {'al revés':>8}"
    )
    worst = {"conteo": 0.0, "página": 0.0}
    for label, text in terms.items():
        filtro = Filtro(buscar=text)
        total = services.movimientos.count(filtro)
        counted = _load(lambda f=filtro: services.movimientos.count(f))

        def shown(f=filtro) -> None:
            view.buscar_edit.setText(f.buscar)
            view.buscar()  # what the box does once the clerk pauses
            table.viewport().repaint()

        first = _load(shown)

        ends: list[float] = []

        def end(ends=ends, shown=shown) -> None:
            shown()
            table.setFocus()
            cpu = time.thread_time()
            table.scrollToBottom()
            table.viewport().repaint()
            ends.append((time.thread_time() - cpu) * 1000)

        for _ in range(REPEAT):
            end()

        def reverse(f=filtro) -> None:
            view.mostrar(f, Orden(descending=False))
            table.viewport().repaint()

        backwards = _load(reverse)
        worst["conteo"] = max(worst["conteo"], counted)
        worst["página"] = max(worst["página"], first)
        print(
            f"{label:24} {total:8,} {counted:7.1f} {first:7.1f} {statistics.median(ends):8.1f}"
            f" {backwards:8.1f}",
            flush=True,
        )
    print(
        f"  peor conteo {worst['conteo']:.1f} ms (meta ≤ 20), peor primera página"
        f" {worst['página']:.1f} ms (meta ≤ 50; incluye su conteo);"
        f" carga {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    view.buscar_edit.clear()
    main.close()


PREFIJOS = ("ma", "mar", "ju", "gar")
# A name past the keys of the copy in memory (espejo.ANCHO bytes): its range narrowed by its
# index's count of the keys' range before and after it.
LARGO = "maria guadalupe"


def _in_memory(movimientos, ask: Callable[..., object], *args: object) -> None:
    """``ask(*args)`` as the first question of its find, its column's order in memory (read
    in the background since the find's first page in it asked for it): nothing kept of the
    find's matches."""
    movimientos.buscador.columna.columnas.esperar()
    movimientos.buscador.hallados._ids._valores.clear()
    ask(*args)


def _tras_el_clic(movimientos, filtro, orden, total: int) -> float:
    """Median wall ms of the middle page of the find sorted by ``orden``'s column asked right
    after its first page, as a clerk drags the scroll bar to the middle at once after the
    click: the column's order not in memory (the first page reads it back from the one kept
    on disk, or starts its read in the background) and nothing kept of the find's matches."""
    pagina = movimientos.pagina
    samples = []
    for _ in range(COLD):
        movimientos.buscador.columna.columnas.cerrar()
        movimientos.buscador.hallados._ids._valores.clear()
        pagina(filtro, orden, 0, 100, total)
        start = time.perf_counter()
        pagina(filtro, orden, total // 2, 100, total)
        samples.append((time.perf_counter() - start) * 1000)
    movimientos.buscador.columna.columnas.esperar()
    return statistics.median(samples)


def bench_clic(services, registro: str, only: set[str]) -> None:
    """The middle of a sorted find asked right after its first page (``_tras_el_clic``'s
    drag), with no order of the column kept on disk either (never read, or not among the
    latest kept): wall and CPU of the thread that reads it, each way, 3 times a way; against
    SQLite's sort of the matches the copy gives, once a way. First, the time the columns the
    copy holds no term of take to be cut into parts after it (columnas_tramos.py)."""
    from icsoe_desktop.services.movimientos import columnas_guardadas, columnas_tramos
    from icsoe_desktop.services.movimientos.fuentes.comun import Pagina
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden, resolve

    movimientos = services.movimientos
    # The copy read, then the columns it holds no term of cut into parts in the background
    # (columnas_tramos.py), as after the copy is built: how long that takes, then the clicks.
    movimientos.count(Filtro(buscar="ma"))
    movimientos.buscador.copia.espejos.esperar()
    columnas_tramos.olvidar(services.store.path)  # cut anew: none kept from an earlier run
    movimientos.buscador.tramos.cortador._hecha = (
        None  # as after a change: every column looked at again
    )
    start = time.perf_counter()
    movimientos.count(Filtro(buscar="ma"))
    movimientos.buscador.tramos.cortador.esperar()
    print(
        f"\nColumnas cortadas en tramos tras la copia: {time.perf_counter() - start:.1f} s de"
        f" reloj; carga {_load_now()}"
    )
    print(
        "\nLa mitad justo tras el clic, sin orden guardado de la columna (reloj y CPU en ms;"
        " mediana [mín–máx] de 6: 3 por sentido; meta ≤ 300 de reloj)"
    )
    for text, terms, label in _busquedas(registro):
        filtro = Filtro(buscar=text, **terms)
        total = movimientos.count(filtro)
        for column in _sortable(only):
            movimientos.prepare_sort(Orden(column))  # as the click does, before its first page
            walls, cpus = [], []
            for descending in (False, True):
                orden = Orden(column, descending)
                for _ in range(COLD):
                    movimientos.buscador.columna.columnas.esperar()
                    movimientos.buscador.columna.columnas.cerrar()
                    columnas_guardadas.olvidar(services.store.path)
                    movimientos.buscador.hallados._ids._valores.clear()
                    movimientos.pagina(filtro, orden, 0, 100, total)
                    start, cpu = time.perf_counter(), time.thread_time()
                    movimientos.pagina(filtro, orden, total // 2, 100, total)
                    walls.append((time.perf_counter() - start) * 1000)
                    cpus.append((time.thread_time() - cpu) * 1000)
            movimientos.buscador.columna.columnas.esperar()
            # The baseline: the same middle as SQLite's sort of the matches the copy gives
            # (what answers without the column's order, its parts or the copy's terms).
            resuelto = resolve(filtro, movimientos.today())
            bases = []
            for descending in (False, True):
                start = time.perf_counter()
                pregunta = Pagina(resuelto, Orden(column, descending), None, 100, total // 2, total)
                movimientos.buscador.copia.pagina(pregunta, 0)
                bases.append((time.perf_counter() - start) * 1000)
            base = statistics.median(bases)
            print(
                f"{label:18} {COLUMNS[column].header:18} reloj {statistics.median(walls):6.0f}"
                f" [{min(walls):.0f}–{max(walls):.0f}]  CPU {statistics.median(cpus):5.0f}"
                f" [{min(cpus):.0f}–{max(cpus):.0f}]  SQL {base:5.0f}  razón"
                f" {statistics.median(walls) / base:.2f}  carga {_load_now()}",
                flush=True,
            )


def _hilos() -> dict[int, tuple[str, int, int, int]]:
    """Each thread of this process: (name, ns on a core, ns waiting for one, times it was
    put on a core) from Linux's ``schedstat``; empty elsewhere."""
    hilos = {}
    for tarea in Path("/proc/self/task").glob("*"):
        try:
            nombre = (tarea / "comm").read_text().strip()
            cpu, espera, veces = (int(x) for x in (tarea / "schedstat").read_text().split())
        except (OSError, ValueError):
            continue
        hilos[int(tarea.name)] = (nombre, cpu, espera, veces)
    return hilos


def _apartes() -> dict[int, int]:
    """The processes apart doing a job now: ns on a core each (``schedstat``)."""
    from icsoe_desktop.services.aparte import obra

    suyos = {}
    for pid in obra.vivas():
        with suppress(OSError, ValueError):
            suyos[pid] = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return suyos


def _etapas(pedir: Callable[[], object]) -> tuple[float, str]:
    """``pedir()``'s wall ms and where it went: this thread's CPU and its wait for a core
    (ms) and how many times it was put on one (each a hand-off: a wake-up waits for a core
    under load), the other threads' CPU by name, the processes apart's CPU meanwhile."""
    import threading

    antes, apartes = _hilos(), _apartes()
    start = time.perf_counter()
    pedir()
    wall = (time.perf_counter() - start) * 1000
    despues, apartes_despues = _hilos(), _apartes()
    yo = threading.get_native_id()
    partes = []
    otros: dict[str, float] = {}
    for tid, (nombre, cpu, espera, veces) in despues.items():
        previo = antes.get(tid, (nombre, 0, 0, 0))
        d_cpu, d_espera = (cpu - previo[1]) / 1e6, (espera - previo[2]) / 1e6
        if tid == yo:
            partes.append(f"CPU {d_cpu:.0f} espera {d_espera:.0f} veces {veces - previo[3]}")
        elif d_cpu >= 0.5:
            otros[nombre] = otros.get(nombre, 0.0) + d_cpu
    partes.append("otros hilos " + (", ".join(f"{n} {c:.0f}" for n, c in otros.items()) or "0"))
    aparte = sum(c - apartes.get(p, c) for p, c in apartes_despues.items()) / 1e6
    partes.append(f"aparte {aparte:.0f}")
    return wall, "; ".join(partes)


def bench_primer(services, only: set[str], espera: float, etapas: bool = False) -> None:
    """The first click on each column of «ma» (285,570 rows of a million), the find box's copy
    there, no order of the column in memory or kept on disk, its sort index built; wall ms to
    its first page, then to its middle (asked at once after it, as a clerk drags the bar).
    Twice: right after the copy came (no column cut into parts, their cutting just begun in the
    background), then once the parts are cut (as a while after the store is opened: how long
    that takes on this machine, up to ``espera`` seconds)."""
    from icsoe_desktop.services.movimientos import columnas_guardadas, columnas_tramos
    from icsoe_desktop.services.movimientos.consulta import _COLUMNAS_EN_TRAMOS
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden

    movimientos = services.movimientos
    buscador = movimientos.buscador
    cortador = buscador.tramos.cortador
    filtro = Filtro(buscar="ma")
    total = movimientos.count(filtro)
    buscador.copia.espejos.esperar()
    columns = _sortable(only)
    for column in columns:
        movimientos.prepare_sort(Orden(column))  # built before: once per store

    def sin_tramos() -> None:
        cortador.cerrar()
        columnas_tramos.olvidar(services.store.path)
        buscador.tramos._sin_tramos.clear()

    def clics(titulo: str, antes: Callable[[], object]) -> None:
        print(
            f"\nEl primer clic en cada columna de «ma» ({total:,} filas), {titulo}; reloj en ms:"
            " primera página / la mitad justo después (metas ≤ 2000 / ≤ 300)",
            flush=True,
        )
        primeras, mitades = [], []
        for column in columns:
            antes()
            buscador.columna.columnas.cerrar()
            columnas_guardadas.olvidar(services.store.path)
            buscador.hallados._ids._valores.clear()
            movimientos.count(filtro)  # the window's count (the columns' cutting begins)
            orden = Orden(column)
            start = time.perf_counter()
            movimientos.pagina(filtro, orden, 0, 100, total)
            primeras.append((time.perf_counter() - start) * 1000)
            wall, donde = _etapas(
                partial(movimientos.pagina, filtro, orden, total // 2, 100, total)
            )
            mitades.append(wall)
            cortada = columnas_tramos.ruta(services.store.path, column).exists()
            print(
                f"{COLUMNS[column].header:18} {'(tramos)' if cortada else '':8} primera"
                f" {primeras[-1]:6.0f}  mitad {mitades[-1]:6.0f}  carga {_load_now()}",
                flush=True,
            )
            if etapas:
                print(f"  la mitad: {donde}", flush=True)
        print(
            f"La peor primera página {max(primeras):.0f} ms (mediana"
            f" {statistics.median(primeras):.0f}); la peor mitad {max(mitades):.0f} ms (mediana"
            f" {statistics.median(mitades):.0f}); carga {_load_now()}",
            flush=True,
        )

    clics("justo tras la copia, sin tramos cortados", sin_tramos)
    sin_tramos()
    movimientos.count(filtro)  # the window's count: the columns' cutting begins
    start = time.perf_counter()
    while cortador._hilo is not None and cortador._hilo.is_alive():
        if time.perf_counter() - start > espera:
            break
        time.sleep(0.5)
    cortadas = sum(
        columnas_tramos.ruta(services.store.path, c).exists() for c in _COLUMNAS_EN_TRAMOS
    )
    print(
        f"\nTramos cortados tras la copia: {cortadas} de {len(_COLUMNAS_EN_TRAMOS)} columnas en"
        f" {time.perf_counter() - start:.0f} s de reloj (se espera hasta {espera:.0f});"
        f" carga {_load_now()}",
        flush=True,
    )
    cortador.cerrar()
    clics("con los tramos cortados en ese tiempo", lambda: None)
    buscador.columna.columnas.cerrar()


@contextmanager
def _carga(procesos: int, sesiones: bool = False) -> Iterator[None]:
    """``procesos`` processes busy on the CPU at normal priority meanwhile; with ``sesiones``
    each in a session of its own. Linux shares the cores among sessions first (autogroup), so
    in this one they share one session's part with the app: with other sessions busy on the
    machine the app gets far less than 1/(N + 1) of the cores. Windows shares them among
    threads (each its own: as with ``sesiones``)."""
    ocupados = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=sesiones)
        for _ in range(procesos)
    ]
    try:
        yield
    finally:
        for ocupado in ocupados:
            ocupado.kill()
            ocupado.wait()


def _cambio(movimientos) -> None:
    """A change of no movement recorded: to the store's ``vigencia()`` the movements changed,
    as after any write (nothing of the finds kept is used; the copy is brought up to date)."""
    with movimientos._store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO movimientos_cambiados (movimiento_id) VALUES (-1)")


def _tras_escribir(services, filtro, column: int, total: int) -> float:
    """Median CPU ms of the window's count and the middle page of the find sorted by
    ``column`` right after a clerk's correction of two of its movements (each given the
    other's value of the column, so that both move in its order; done an even number of
    times, the store is left as it was), its column's order read before the change."""
    from icsoe_desktop.domain.cambios import MOVIMIENTOS
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Orden

    movimientos = services.movimientos
    orden = Orden(column, descending=False)
    attr = COLUMNS[column].sort_column
    a, b = (movimientos.pagina(filtro, orden, total * k // 3, 1, total)[0][0] for k in (1, 2))
    samples = []
    for _ in range(2 * ((COLD + 1) // 2)):
        with services.store.engine.begin() as conn:
            sql = f"SELECT {attr} FROM movimientos WHERE id = ?"
            va, vb = (conn.exec_driver_sql(sql, (i,)).scalar() for i in (a, b))
            for i, v in ((a, vb), (b, va)):
                conn.exec_driver_sql(f"UPDATE movimientos SET {attr} = ? WHERE id = ?", (v, i))
        services.store.cambios.anunciar({MOVIMIENTOS})
        cpu = time.thread_time()
        movimientos.count(filtro)
        movimientos.pagina(filtro, orden, total // 2, 100, total)
        samples.append((time.thread_time() - cpu) * 1000)
    return statistics.median(samples)


@contextmanager
def _sin_copia(movimientos) -> Iterator[None]:
    """No copy of the find orders, none built meanwhile: as right after opening the store."""
    from icsoe_desktop.services.movimientos import espejo

    minimo = espejo.MINIMO
    espejo.MINIMO = 10**12
    movimientos.buscador.copia.espejos.cerrar()
    try:
        yield
    finally:
        espejo.MINIMO = minimo


def _paneles(registro: str) -> dict[str, dict]:
    from datetime import date

    return {
        "sola": {},
        "registro": {"registro_patronal": registro},
        "pestaña Bajas": {"tipo": "02"},
        "un trimestre": {"fecha_inicial": date(2025, 1, 1), "fecha_final": date(2025, 3, 31)},
        "rechazados": {"estado": "rechazado"},
        "un día": {"fecha_inicial": date(2025, 6, 10), "fecha_final": date(2025, 6, 10)},
        "registro + Reingresos": {"registro_patronal": registro, "tipo": "08"},
    }


def _kept_terms_memory(movimientos, text: str, registro: str) -> tuple[float, float]:
    """MiB a find's kept panel terms take (its first count with a registro, without the copy,
    reads them), and the peak of reading them."""
    import tracemalloc

    from icsoe_desktop.services.movimientos.servicio import Filtro

    _cambio(movimientos)  # nothing kept
    tracemalloc.start()
    try:
        movimientos.count(Filtro(buscar=text, registro_patronal=registro))
        movimientos.buscador.hallados.esperar_fondo()  # its terms, read in the background
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return kept / 2**20, peak / 2**20


def _copy_built(movimientos) -> tuple[float, float, float]:
    """The copy of the find orders: wall s until the app has it built again (in its background
    thread, the clerk idle), none kept on disk; the CPU s of a build (median of COLD), and its
    peak MiB (tracemalloc's, which slows it: a build of its own), each on this thread."""
    import tracemalloc

    from icsoe_desktop.services.movimientos import espejo, espejo_guardado

    movimientos.buscador.copia.espejos.cerrar()  # as when the store is opened
    espejo_guardado.olvidar(movimientos.buscador.copia.ruta)
    start = time.perf_counter()
    movimientos.buscador.copia.espejos.pedir()
    movimientos.buscador.copia.espejos.esperar()
    wall = time.perf_counter() - start
    assert movimientos.buscador.copia.espejos.vigente() is not None
    with movimientos._store.engine.connect() as conn:
        cpu = _load(lambda: espejo.construir(conn, lambda: True), COLD) / 1000
        tracemalloc.start()
        try:
            espejo.construir(conn, lambda: True)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return cpu, wall, peak


def _matches_counted(conn, text: str) -> Callable[[], int]:
    """The baseline: the find's matches counted from its indexes alone (their ids merged)."""
    from icsoe_desktop.domain.buscar import termino
    from icsoe_desktop.store import movimientos_buscar

    t = termino(text)
    assert t is not None
    sql = f"SELECT count(*) FROM ({movimientos_buscar.ids_sql(t)})"
    return lambda: conn.exec_driver_sql(sql, movimientos_buscar.params(t)).scalar()


def _wait_shown(view) -> None:
    """Until the find's first page is shown, the window's thread idle meanwhile."""
    from PySide6.QtCore import QEventLoop

    if not view.model.loading():
        return
    loop = QEventLoop()
    view.model.shown.connect(loop.quit)
    try:
        if view.model.loading():
            loop.exec()
    finally:
        view.model.shown.disconnect(loop.quit)


def _load_now() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_filtros(services, registro: str, abierta: float, curp: str) -> None:
    """Each text with each filter: first without the copy of the find orders (as right after
    opening the store, or after a write), then with it built; ``abierta``: when the store was
    opened (``time.perf_counter``). The beginnings of ``curp`` too, without the copy only (it
    leaves them to SQL)."""
    from icsoe_desktop.services.movimientos.servicio import Filtro

    movimientos = services.movimientos
    textos = (*PREFIJOS, LARGO)
    movimientos.buscador.copia.espejos.esperar()
    print(
        f"\nLa copia de las búsquedas en memoria, pedida por el primer conteo al abrir la base:"
        f" lista {time.perf_counter() - abierta:.1f} s después de abrirla (en reloj, nadie"
        f" preguntando); carga {_load_now()}"
    )
    print(
        f"\nLa caja con cada filtro del panel, sin la copia de las búsquedas en memoria (como"
        f" justo al abrir la base, mientras se construye): el conteo la primera"
        f" vez (SQL; mediana de {COLD}) y la segunda (registro, tipo, estado y fecha de sus"
        f" coincidencias ya leídos en segundo plano; mediana de {REPEAT}); base: contar sus"
        f" coincidencias por sus índices, sin filtro; ms de CPU del hilo que pregunta; meta ≤ 20"
    )
    print(f"{'se escribe':15} {'filtro':22} {'filas':>7} {'1.ª vez':>8} {'2.ª':>6} {'base':>6}")
    worst_cold = {t: 0.0 for t in textos}
    with services.store.engine.connect() as conn, _sin_copia(movimientos):
        for text in (*textos, curp[:6].lower(), curp[:10].lower()):
            base = _load(_matches_counted(conn, text))
            kept, peak = _kept_terms_memory(movimientos, text, registro)
            print(
                f"{text}: registro, tipo, estado y fecha de sus coincidencias, guardados:"
                f" {kept:.1f} MiB (pico al leerlos {peak:.1f} MiB)"
            )
            for label, terms in _paneles(registro).items():
                filtro = Filtro(buscar=text, **terms)
                # The first question of its find: nothing kept of its matches (as right after
                # opening the store, or after any write).
                cold = _load(
                    partial(movimientos.count, filtro), COLD, partial(_cambio, movimientos)
                )
                total = movimientos.count(filtro)
                movimientos.buscador.hallados.esperar_fondo()  # as a clerk's pause lets it end
                second = _load(lambda f=filtro: movimientos.count(f))
                worst_cold[text] = max(worst_cold.get(text, 0.0), cold)
                print(
                    f"{text:15} {label:22} {total:7,} {cold:8.1f} {second:6.1f} {base:6.1f}",
                    flush=True,
                )
    print(
        "  la primera vez, peor por texto: "
        + ", ".join(f"«{t}» {v:.1f} ms" for t, v in worst_cold.items())
        + f"; carga {_load_now()}"
    )

    cpu, wall, peak = _copy_built(movimientos)
    copia = movimientos.buscador.copia.espejos.vigente()
    assert copia is not None
    print(
        f"\nLa copia de las búsquedas en memoria: {copia.memoria() / 2**20:.1f} MiB (pico al"
        f" construirla {peak:.1f} MiB); construirla: {cpu:.2f} s de CPU (mediana de {COLD});"
        f" al abrir la base, lista en {wall:.2f} s de reloj en su hilo de segundo plano con la"
        f" ventana quieta; carga {_load_now()}"
    )
    _copy_kept(movimientos)
    _with_copy(services, registro, textos)
    _tras_cambios(services, registro)


def _copy_kept(movimientos) -> None:
    """The copy kept on disk read back at the next opening: wall s until the app has it (its
    background thread, the clerk idle), the CPU s of reading it (median of COLD: its file
    read, its digest checked, brought up to date), the file's size and the peak MiB."""
    import tracemalloc

    movimientos.buscador.copia.espejos.cerrar()  # as when the store is opened again
    start = time.perf_counter()
    movimientos.buscador.copia.espejos.pedir()
    movimientos.buscador.copia.espejos.esperar()
    wall = time.perf_counter() - start
    copia = movimientos.buscador.copia.espejos.vigente()
    assert copia is not None and copia.marca is not None
    cpu = _load(lambda: movimientos.buscador.copia.leer(lambda: True), COLD) / 1000
    tracemalloc.start()
    try:
        movimientos.buscador.copia.leer(lambda: True)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    size = movimientos.buscador.copia.ruta.stat().st_size / 2**20
    print(
        f"La copia guardada junto a la base ({size:.1f} MiB), leída al abrirla de nuevo: lista"
        f" en {wall:.2f} s de reloj; leerla {cpu:.2f} s de CPU (mediana de {COLD}; pico"
        f" {peak:.1f} MiB); carga {_load_now()}"
    )


def _tras_cambios(services, registro: str) -> None:
    """The first count of «ma» with a registro right after a write of n movements, the copy
    built: brought up to date with them (read from the store's record of what was written),
    and the next count («ju» in Bajas) with them kept beside the copy; as a lote or a sync
    writes them (pendientes marked enviados), then written back."""
    from icsoe_desktop.domain.cambios import MOVIMIENTOS
    from icsoe_desktop.services.movimientos import espejo
    from icsoe_desktop.services.movimientos.servicio import Filtro

    movimientos = services.movimientos
    primera = Filtro(buscar="ma", registro_patronal=registro)
    siguiente = Filtro(buscar="ju", tipo="02")
    with services.store.engine.connect() as conn:
        pendientes = [
            i
            for (i,) in conn.exec_driver_sql(
                "SELECT id FROM movimientos WHERE deleted = 0 AND estado = 'pendiente' "
                "ORDER BY id LIMIT ?",
                (espejo.AL_DIA,),
            )
        ]

    def escribir(ids: list[int], de: str, a: str) -> None:
        with services.store.engine.begin() as conn:
            for k in range(0, len(ids), 500):
                parte = ids[k : k + 500]
                conn.exec_driver_sql(
                    f"UPDATE movimientos SET estado = ? WHERE estado = ? AND id IN"
                    f" ({', '.join('?' * len(parte))})",
                    (a, de, *parte),
                )
        services.store.cambios.anunciar({MOVIMIENTOS})

    print(
        f"\nTras un cambio, la copia puesta al día con lo escrito: el primer conteo (ms de CPU"
        f" del hilo que pregunta, mediana de {COLD}) y el siguiente; meta ≤ 20"
    )
    print(f"{'escritos':>9} {'1.ª vez':>8} {'siguiente':>9} {'la copia':>9}")
    for n in (1, 100, 1_000, len(pendientes)):
        ids = pendientes[:n]
        firsts, nexts = [], []
        for _ in range(COLD):
            escribir(ids, "pendiente", "enviado")
            cpu = time.thread_time()
            movimientos.count(primera)
            firsts.append((time.thread_time() - cpu) * 1000)
            nexts.append(_load(lambda: movimientos.count(siguiente)))
            usada = movimientos.buscador.copia.espejos.vigente() is not None
            escribir(ids, "enviado", "pendiente")
            movimientos.count(primera)
        print(
            f"{n:9,} {statistics.median(firsts):8.1f} {statistics.median(nexts):9.1f}"
            f" {'al día' if usada else 'se lee de nuevo':>9}",
            flush=True,
        )
    print(f"  carga {_load_now()}")


def _with_copy(services, registro: str, textos: tuple[str, ...]) -> None:
    """Each text with each filter once the copy is built: the count (each one a first
    question: nothing kept of the find), the first page in fecha's order, and Buscar in the
    real window (its thread's CPU until the first page is painted, and the wall time)."""
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    movimientos = services.movimientos
    print(
        f"Con la copia construida (ms de CPU, mediana de {REPEAT}; conteo y página: el hilo que"
        " los lee; ventana: CPU de su hilo hasta la primera página pintada / reloj; metas:"
        " conteo ≤ 20, página ≤ 50 de la ventana)"
    )
    print(
        f"{'se escribe':15} {'filtro':22} {'filas':>7} {'conteo':>7} {'página':>7}"
        f" {'ventana':>8} {'reloj':>7}"
    )
    app = QApplication.instance() or QApplication([])
    main = VentanaPrincipal(services, None)
    main.resize(1366, 768)
    main.show()
    app.processEvents()
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos
    worst = {"conteo": 0.0, "página": 0.0, "ventana": 0.0}
    for text in textos:
        for label, terms in _paneles(registro).items():
            filtro = Filtro(buscar=text, **terms)
            total = movimientos.count(filtro)
            counted = _load(lambda f=filtro: movimientos.count(f))
            first = _load(lambda f=filtro, t=total: movimientos.pagina(f, Orden(), 0, 100, t))
            gui, wall = [], []
            for _ in range(REPEAT):
                view.buscar_edit.setText(text)
                cpu, start = time.thread_time(), time.perf_counter()
                view._buscar(filtro)  # Buscar with these terms in the panel
                _wait_shown(view)
                view.tabla.viewport().repaint()
                gui.append((time.thread_time() - cpu) * 1000)
                wall.append((time.perf_counter() - start) * 1000)
                app.processEvents()
            window = statistics.median(gui)
            for key, value in (("conteo", counted), ("página", first), ("ventana", window)):
                worst[key] = max(worst[key], value)
            print(
                f"{text:15} {label:22} {total:7,} {counted:7.1f} {first:7.1f} {window:8.1f}"
                f" {statistics.median(wall):7.1f}",
                flush=True,
            )
    assert movimientos.buscador.copia.espejos.vigente() is not None  # nothing changed meanwhile
    print(
        f"  peor conteo {worst['conteo']:.1f} ms, peor página"
        f" {worst['página']:.1f} ms (fuera de la ventana); peor CPU de la ventana"
        f" {worst['ventana']:.1f} ms (meta ≤ 20 el conteo, ≤ 50 con la página); carga"
        f" {_load_now()}"
    )
    view.buscar_edit.clear()
    main.close()


def _sortable(only: set[str]) -> list[int]:
    """The grid's columns with an order of their own (Vence sorts by the fecha)."""
    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    return [i for i, c in enumerate(COLUMNS) if c.derive is None and (not only or c.attr in only)]


def _kept_ids_memory(movimientos, filtro, column: int, total: int) -> tuple[float, float]:
    """MiB a find's kept ids in ``column``'s order take, and the peak of reading them."""
    import tracemalloc

    from icsoe_desktop.services.movimientos.fuentes.comun import Todos
    from icsoe_desktop.services.movimientos.servicio import Orden

    _cambio(movimientos)  # nothing kept
    tracemalloc.start()
    try:
        ids = movimientos.buscador.todos(Todos(filtro, Orden(column, descending=False), total))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return ids.itemsize * len(ids) / 2**20, peak / 2**20


def bench_ordenes(services, registro: str, only: set[str]) -> None:
    from icsoe_desktop.domain.buscar import termino
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
    from icsoe_desktop.store import movimientos_buscar

    movimientos = services.movimientos
    columns = _sortable(only)
    for column in columns:  # as after a first click on each header (kept in --cache)
        if not movimientos.sort_ready(Orden(column)):
            start = time.perf_counter()
            movimientos.prepare_sort(Orden(column))
            print(
                f"  índice de orden de {COLUMNS[column].header}: {time.perf_counter() - start:.0f} s"
            )
    print(
        f"\nUna búsqueda de la caja ordenada por cada columna (ms de CPU, mediana de {REPEAT};"
        " base: sus coincidencias leídas por sus índices y ordenadas por SQLite; metas: ≤ 200,"
        " la mitad ≤ 50; «tras cambio»: el conteo de la ventana y la mitad justo tras corregir"
        " dos de sus movimientos, mediana de 4)"
    )
    print(
        f"{'búsqueda':22} {'columna':18} {'primera':>8} {'guardada':>8} {'tras cambio':>11}"
        f" {'en memoria':>10} {'tras llave':>10} {'tras clic':>9} {'base':>7} {'razón':>6}"
        f" {'cambio':>6}"
    )
    worst = {"primera": 0.0, "mitad": 0.0, "tras cambio": 0.0, "en memoria": 0.0, "tras llave": 0.0}
    worst["tras clic"] = 0.0
    ratios = []
    with services.store.engine.connect() as conn:
        for text, terms, label in _busquedas(registro):
            filtro = Filtro(buscar=text, **terms)
            total = movimientos.count(filtro)
            kept, peak = _kept_ids_memory(movimientos, filtro, columns[0], total)
            print(
                f"{label}: {total:,} filas; sus ids en un orden, guardados: {kept:.1f} MiB"
                f" (pico al leerlos {peak:.1f} MiB)"
            )
            t = termino(text)
            assert t is not None
            where = " AND m.registro_patronal = :registro" if terms else ""
            for column in columns:
                orden = Orden(column, descending=False)
                key = f"m.{COLUMNS[column].sort_column}"
                if COLUMNS[column].attr == "lote":
                    key = "m.lote_id"
                raw = (
                    f"SELECT m.id, {key} FROM movimientos m WHERE m.deleted = 0{where} AND m.id"
                    f" IN ({movimientos_buscar.ids_sql(t)}) ORDER BY +{key}, +m.id LIMIT 100"
                )
                params = {**movimientos_buscar.params(t), "registro": registro}
                base = _load(lambda r=raw, p=params: conn.exec_driver_sql(r, p).all())
                first = _load(partial(movimientos.pagina, filtro, orden, 0, 100, total))
                halfway = partial(movimientos.pagina, filtro, orden, total // 2, 100)
                in_memory = _load(partial(_in_memory, movimientos, halfway, total), COLD)
                cold = _tras_escribir(services, filtro, column, total)
                keys = movimientos.boundaries(filtro, orden, 100, total)
                middle = _load(partial(movimientos.pagina, filtro, orden, total // 2, 100, total))
                half = keys[len(keys) // 2]
                after = _load(
                    partial(movimientos.pagina_desde, filtro, orden, half, 100, total=total)
                )
                clic = _tras_el_clic(movimientos, filtro, orden, total)
                ratios.append(first / base)
                figures = (
                    ("primera", first),
                    ("mitad", middle),
                    ("tras cambio", cold),
                    ("en memoria", in_memory),
                )
                for name, value in (*figures, ("tras llave", after), ("tras clic", clic)):
                    worst[name] = max(worst[name], value)
                print(
                    f"{label:22} {COLUMNS[column].header:18} {first:8.1f} {middle:8.1f}"
                    f" {cold:11.1f} {in_memory:10.1f} {after:10.1f} {clic:9.1f} {base:7.1f}"
                    f" {first / base:6.2f}"
                    f" {cold / base:6.2f}",
                    flush=True,
                )
    print(
        f"  peor primera página {worst['primera']:.1f} ms, peor mitad por posición"
        f" {worst['tras cambio']:.1f} ms con el conteo justo tras corregir dos de sus"
        " movimientos,"
        f" {worst['en memoria']:.1f} ms justo tras la búsqueda con el orden de su columna"
        " en memoria,"
        f" {worst['mitad']:.1f} ms con sus llaves guardadas; peor mitad tras su llave"
        f" {worst['tras llave']:.1f} ms; peor mitad justo tras el clic (reloj, el orden de su"
        f" columna fuera de memoria; meta ≤ 300) {worst['tras clic']:.1f} ms; razón mediana {statistics.median(ratios):.2f}, la mayor"
        f" {max(ratios):.2f}; carga {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def _size(conn, names: list[str]) -> float:
    marks = ", ".join("?" * len(names))
    sql = f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})"
    return conn.exec_driver_sql(sql, tuple(names)).scalar() / 2**20


FTS = "movimientos_fts"
LIVE = "m.deleted = 0"
FIRST_PAGE = "ORDER BY +m.fecha DESC, +m.id DESC LIMIT 100"  # gathered: every match sorted
FTS_TABLES = [FTS, *(f"{FTS}_{s}" for s in ("data", "idx", "docsize", "config"))]


def bench_fts(services, terms: dict[str, str], keep: bool = False) -> None:
    from icsoe_desktop.domain.buscar import termino
    from icsoe_desktop.store import movimientos_buscar
    from icsoe_desktop.store.models import SORT_COLUMNS, sort_indexes

    engine = services.store.engine
    with engine.begin() as conn:
        start = time.perf_counter()
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(nss, curp, nombre, "
            "primer_apellido, segundo_apellido, content='movimientos', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', detail=none)"
        )
        conn.exec_driver_sql(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        built = time.perf_counter() - start
    print(
        "\nÍndices contra FTS5, el conteo y la primera página en orden de fecha, todas las"
        " coincidencias ordenadas (la ventana lee más de 4,000 recorriendo su orden: arriba)"
        f" (ms de CPU, mediana de {REPEAT})"
    )
    print(
        f"{'se escribe':24} {'índices':>17} {'FTS5':>17}  {'razón índices / FTS5':>20}\n"
        f"{'':24} {'filas conteo pág':>17} {'filas conteo pág':>17}"
    )
    ratios = []
    with engine.connect() as conn:
        for label, text in terms.items():
            t = termino(text)
            assert t is not None
            params = movimientos_buscar.params(t)
            ids = movimientos_buscar.ids_sql(t)
            words = " ".join(f'"{w}"*' for w in t.texto.split())

            def ours_count(t=t) -> int:
                return movimientos_buscar.count(conn, t)

            def ours_page(ids=ids, params=params) -> list:
                sql = (
                    f"SELECT m.id FROM movimientos m WHERE {LIVE} AND m.id IN ({ids}) {FIRST_PAGE}"
                )
                return conn.exec_driver_sql(sql, params).all()

            def fts_count(words=words) -> int:
                sql = (
                    f"SELECT count(*) FROM {FTS} f JOIN movimientos m ON m.id = f.rowid "
                    f"WHERE {FTS} MATCH ? AND {LIVE}"
                )
                return conn.exec_driver_sql(sql, (words,)).scalar()

            def fts_page(words=words) -> list:
                sql = (
                    f"SELECT m.id FROM movimientos m WHERE {LIVE} AND m.id IN (SELECT rowid "
                    f"FROM {FTS} WHERE {FTS} MATCH ?) {FIRST_PAGE}"
                )
                return conn.exec_driver_sql(sql, (words,)).all()

            n, fn = ours_count(), fts_count()
            figures = [_load(f) for f in (ours_count, ours_page, fts_count, fts_page)]
            ours, theirs = figures[0] + figures[1], figures[2] + figures[3]
            ratio = ours / theirs if theirs else float("nan")
            ratios.append(ratio)
            print(
                f"{label:24} {n:7,} {figures[0]:4.1f} {figures[1]:4.1f}"
                f" {fn:7,} {figures[2]:4.1f} {figures[3]:4.1f}  {ratio:20.3f}",
                flush=True,
            )
        # FTS5 finds a word anywhere in the name (more rows for an apellido that is also a
        # segundo apellido); the indexes, the name's beginning in either order.
        ours_size = _size(conn, [name for name, _term in movimientos_buscar.INDEXES])
        fts_size = _size(conn, FTS_TABLES)
        sort_names = [n for c in SORT_COLUMNS for n in sort_indexes(c)]
        sort_size = _size(conn, sort_names)
        store = conn.exec_driver_sql("SELECT sum(pgsize) FROM dbstat").scalar() / 2**20
    bare = store - fts_size - ours_size - sort_size
    print(
        f"  razón mediana índices / FTS5 {statistics.median(ratios):.3f};"
        f" FTS5 construido en {built:.1f} s"
    )
    print(
        f"  En disco: índices de búsqueda {ours_size:.0f} MiB, FTS5 {fts_size:.0f} MiB; índices"
        f" de orden {sort_size:.0f} MiB; base sin ellos {bare:.0f} MiB. Con todos los índices"
        f" (orden y búsqueda) {(bare + sort_size + ours_size) / bare:.2f}× (meta ≤ 2×); con FTS5"
        f" en lugar de los índices {(bare + sort_size + fts_size) / bare:.2f}×",
        flush=True,
    )
    if not keep:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE {FTS}")


def main() -> None:
    from bench.movimientos import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "icsoe-bench-buscar",
        help="where the store is kept between runs",
    )
    parser.add_argument("--skip-fts", action="store_true")
    parser.add_argument(
        "--solo",
        choices=("ventana", "filtros", "ordenes", "clic", "primer", "fts"),
        action="append",
        default=[],
    )
    parser.add_argument("--columnas", default="", help="attrs de COLUMNS, separados por comas")
    parser.add_argument("--carga", type=int, default=0, help="procesos ocupados a su lado")
    parser.add_argument(
        "--espera", type=float, default=300, help="--solo primer: segundos para cortar tramos"
    )
    parser.add_argument(
        "--sesiones",
        action="store_true",
        help="--carga: cada proceso ocupado en una sesión propia (Linux reparte por sesión)",
    )
    parser.add_argument(
        "--etapas",
        action="store_true",
        help="--solo primer: dónde va el reloj de la mitad (CPU por hilo, espera, procesos)",
    )
    args = parser.parse_args()
    wanted = set(args.solo) or {"ventana", "filtros", "ordenes", "fts"}
    if args.skip_fts:
        wanted.discard("fts")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    services = open_store(args.cache / f"reales-{args.rows}", args.rows)
    abierta = time.perf_counter()
    with _carga(args.carga, args.sesiones):
        _medir(services, wanted, args, abierta)


def _medir(services, wanted: set[str], args: argparse.Namespace, abierta: float) -> None:
    try:
        with services.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(f"Carga del equipo: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        terms = _terms(services)
        registro = services.movimientos.registros()[0]
        if "ventana" in wanted:
            bench_window(services, terms)
        if "filtros" in wanted:
            bench_filtros(services, registro, abierta, terms["CURP en minúsculas"])
        if "ordenes" in wanted:
            only = {c for c in args.columnas.split(",") if c}
            bench_ordenes(services, registro, only)
        if "clic" in wanted:
            bench_clic(services, registro, {c for c in args.columnas.split(",") if c})
        if "primer" in wanted:
            columnas = {c for c in args.columnas.split(",") if c}
            bench_primer(services, columnas, args.espera, args.etapas)
        if "fts" in wanted:
            bench_fts(services, terms)
        print(f"Carga del equipo al final: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        services.close()


if __name__ == "__main__":
    main()
