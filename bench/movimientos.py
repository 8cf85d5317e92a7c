"""Movimientos con IDSE at scale, each figure next to a baseline measured in the same run.

1. A store of 1,000,000 movements (built once, kept in --cache): for several searches, the time
   from "Buscar" to the first page painted in the real window (page + paint; the total is counted
   in the background, its time printed apart), next to the raw SQLAlchemy query of the same page.
   Goal: ≤ 50 ms.
2. Scrolling: the time of each lazily fetched page deep in the grid.
3. The process's peak RSS with that window open and scrolled. Goal: ≤ 250 MB.
4. Export of 100,000 movements: our export (query + stream + write) / the fastest streaming
   writer (openpyxl write_only or xlsxwriter constant_memory) writing the same rows, already in
   memory, with the same cell types. Goal: ≤ 1.1.

    python bench/movimientos.py [--rows 1000000] [--export-rows 100000] [--cache DIR]
"""

from __future__ import annotations

import argparse
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

TODAY = date(2026, 11, 22)


def timed(fn: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time in ms."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def open_store(directory: Path, rows: int):
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.movimientos import Filtro
    from icsoe_desktop.services.movimientos_demo import create_demo_movimientos

    directory.mkdir(parents=True, exist_ok=True)
    services = open_services(directory)
    have = services.movimientos.count(Filtro())
    if have < rows:
        print(f"Creando {rows - have:,} movimientos de demostración en {directory}…", flush=True)
        start = time.perf_counter()
        create_demo_movimientos(services.store, rows, TODAY)
        with services.store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(f"  listo en {time.perf_counter() - start:.0f} s", flush=True)
    return services


def bench_grid(services) -> None:
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.movimientos_model import PAGE_SIZE
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos import Filtro, Orden, rows_query

    app = QApplication.instance() or QApplication([])
    main = VentanaPrincipal(services, None)
    main.show()
    app.processEvents()
    view = main.movimientos
    registro = services.movimientos.registros()[0]
    searches = {
        "Todos, sin filtros": Filtro(),
        "Reingresos de un registro": Filtro(registro_patronal=registro, tipo="08"),
        "Bajas rechazadas": Filtro(tipo="02", estado="rechazado"),
        "Mod Salarios, un trimestre": Filtro(
            tipo="07", fecha_inicial=date(2025, 1, 1), fecha_final=date(2025, 3, 31)
        ),
        "Todos, un registro y estado": Filtro(registro_patronal=registro, estado="pendiente"),
    }
    print(f"\nBuscar → primera página pintada ({services.movimientos.count(Filtro()):,} mov.)")
    print(
        f"{'búsqueda':32} {'total':>9} {'ventana ms':>11} {'SQL página ms':>14} {'razón':>6}"
        f" {'conteo ms':>10}"
    )
    for name, filtro in searches.items():

        def shown(filtro=filtro) -> None:
            view.model.load(filtro)
            view.tabla.viewport().repaint()

        def raw(filtro=filtro) -> None:
            with services.store.engine.connect() as conn:
                conn.execute(rows_query(filtro, Orden()).limit(PAGE_SIZE)).all()

        ours, base = timed(shown), timed(raw)
        counting = timed(lambda filtro=filtro: services.movimientos.count(filtro), 3)
        total = services.movimientos.count(filtro)
        print(
            f"{name:32} {total:>9,} {ours:>11.1f} {base:>14.1f} {ours / base:>6.1f}"
            f" {counting:>10.1f}"
        )

    view.model.load(Filtro())
    fetches = []
    for _ in range(50):
        start = time.perf_counter()
        view.model.fetchMore()
        fetches.append((time.perf_counter() - start) * 1000)
    view.tabla.scrollToBottom()
    app.processEvents()
    print(
        f"\nDesplazamiento: 50 páginas de {PAGE_SIZE} cargadas bajo demanda; mediana "
        f"{statistics.median(fetches):.1f} ms, la más lenta {max(fetches):.1f} ms "
        f"(filas en memoria: {view.model.loaded():,})."
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RSS máximo del proceso: {rss:.0f} MB (meta ≤ 250 MB)")
    main.hide()


def bench_export(services, rows: int, out: Path) -> None:
    from icsoe_desktop.services.movimientos import COLUMNS, DATE, MONEY, NUMBER, Filtro, Orden
    from icsoe_desktop.services.movimientos_export import export_xlsx

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

    def openpyxl_baseline() -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(headers)
        for values in data:
            cells = []
            for column, v in zip(COLUMNS, values, strict=True):
                if column.catalog is not None and v:
                    v = column.catalog.get(v, v)
                elif column.kind == MONEY and v is not None:
                    v = v / 100
                cell = WriteOnlyCell(sheet, value=v)
                if column.kind == MONEY:
                    cell.number_format = "#,##0.00"
                elif column.kind == DATE:
                    cell.number_format = "dd/mm/yyyy"
                cells.append(cell)
            sheet.append(cells)
        book.save(str(out / "base_openpyxl.xlsx"))

    def ours() -> None:
        export_xlsx(services.movimientos, filtro, Orden(), out / "nuestro.xlsx")

    print(f"\nExportar Excel de {total:,} movimientos × {len(COLUMNS)} columnas")
    results = {}
    for name, fn in (
        ("nuestra exportación", ours),
        ("xlsxwriter constant_memory", xlsxwriter_baseline),
        ("openpyxl write_only", openpyxl_baseline),
        ("nuestra exportación (2)", ours),
        ("xlsxwriter constant_memory (2)", xlsxwriter_baseline),
    ):
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
        results.setdefault(name.replace(" (2)", ""), []).append(seconds)
        print(f"  {name:34} {seconds:6.1f} s", flush=True)
    best = {name: min(times) for name, times in results.items()}
    fastest_name = min(("xlsxwriter constant_memory", "openpyxl write_only"), key=lambda n: best[n])
    ratio = best["nuestra exportación"] / best[fastest_name]
    print(
        f"Razón nuestra / {fastest_name} (el más rápido): {ratio:.2f} (meta ≤ 1.1); "
        f"archivo: {(out / 'nuestro.xlsx').stat().st_size / 2**20:.1f} MiB"
    )


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
    args = parser.parse_args()
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    grid = open_store(args.cache / f"grid-{args.rows}", args.rows)
    try:
        bench_grid(grid)
    finally:
        grid.close()
    if not args.skip_export:
        export = open_store(args.cache / f"export-{args.export_rows}", args.export_rows)
        with tempfile.TemporaryDirectory() as out:
            try:
                bench_export(export, args.export_rows, Path(out))
            finally:
                export.close()


if __name__ == "__main__":
    main()
