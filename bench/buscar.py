"""The find box at 1,000,000 movimientos: a worker by the beginning of their NSS, CURP or name.

1. In the real window (Movimientos con IDSE, Todos), for each kind of find (a whole NSS, its
   beginning, a CURP in lower case, its beginning, a whole name, an apellido shared by a
   seventeenth of the demo's workers, a nombre, two letters): the count alone, then the find
   shown (count + first page painted, what a pause in the typing does), Ctrl+Fin (the last page)
   and the reverse order. Goals: the first page ≤ 50 ms of CPU, its count ≤ 20 ms.
2. The two ways to find, side by side on the same store and terms (the count and the first page
   in fecha's order, as the grid reads them): the indexes the app uses (store/movimientos_buscar.py:
   a range of each of NSS, CURP and the name in two orders) against an SQLite FTS5 table of the
   same columns (external content, prefix queries, diacritics removed, detail=none: its smallest
   form), built here and dropped after. Each one's size on disk, and the store's size with every
   index (the sort indexes of bench/movimientos.py too, when built) against the store without
   the sort and find indexes. Goal: ≤ 2×.

    python bench/buscar.py [--rows 1000000] [--cache DIR] [--skip-fts]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPEAT = 7


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
        "«nunez» (un apellido)": "nunez",
        "«juan» (un nombre)": "juan",
        "«pe» (dos letras)": "pe",
    }


def _load(fn: Callable[[], object]) -> float:
    """Median CPU ms of this thread."""
    samples = []
    for _ in range(REPEAT):
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
        f" {worst['página']:.1f} ms (meta ≤ 50; incluye su conteo)"
    )
    view.buscar_edit.clear()
    main.close()


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
    args = parser.parse_args()
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    services = open_store(args.cache / f"grid-{args.rows}", args.rows)
    try:
        with services.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(f"Carga del equipo: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        terms = _terms(services)
        bench_window(services, terms)
        if not args.skip_fts:
            bench_fts(services, terms)
        print(f"Carga del equipo al final: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        services.close()


if __name__ == "__main__":
    main()
