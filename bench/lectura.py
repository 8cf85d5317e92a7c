"""Reading a table through the intake of every import, next to the table reader it replaced,
measured in the same run.

Builds two .xlsx of N movements with the grid's columns (default 100,000; cached in a folder
under the system's temp dir or --keep), written the same way: one with the header on its first
row, one as a nómina system writes it (a title row, a blank row, the header, the rows, a TOTAL
row). Then, alternating, each read whole ``--rounds`` times (the best of each is kept):
- baseline: ``tabular.open_table`` (header on the first row only), every row as a dict;
- ours: ``lectura.leer`` with the movimientos' columns on the titled file (header found, columns
  mapped, NSS and catalogue values normalised, the TOTAL row left out), every row.
Prints both and ours / baseline. Goal: ≤ 1.2.

    python bench/lectura.py [--rows 100000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL = 1.2


def write_xlsx(path: Path, count: int, titled: bool) -> None:
    from importar import _grid
    from openpyxl import Workbook

    from icsoe_desktop.services.movimientos.exportar import _cells
    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Movimientos")
    headers = [c.header for c in COLUMNS]
    if titled:
        sheet.append(["Movimientos afiliatorios del periodo"])
        sheet.append([])
    sheet.append(headers)
    total = 0.0
    for values in _cells((None, *v) for v in _grid(count)):
        sheet.append(values)
        total += values[headers.index("SBC")] or 0
    if titled:
        sheet.append(["TOTAL", *[total if h == "SBC" else None for h in headers[1:]]])
    book.save(path)


def baseline(path: Path) -> int:
    from icsoe_desktop.services.archivos.tabular import open_table

    return sum(1 for _ in open_table(path).rows)


def ours(path: Path) -> int:
    from icsoe_desktop.services.archivos import lectura
    from icsoe_desktop.services.movimientos.importar import ESQUEMA

    leida = lectura.leer(path, ESQUEMA)
    count = sum(1 for _ in leida.filas())
    assert leida.omitidas[-1][1].startswith("fila de totales"), leida.omitidas
    return count


def timed(read, path: Path) -> tuple[float, int]:
    start = time.process_time()
    rows = read(path)
    return time.process_time() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder for the files")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.gettempdir()) / "icsoe-bench-lectura"
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for titled in (False, True):
        path = work / f"movimientos-{args.rows}{'-titulo' if titled else ''}.xlsx"
        if not path.exists():
            print(f"Escribiendo {path.name}…", flush=True)
            partial = path.with_suffix(".parcial")
            write_xlsx(partial, args.rows, titled)
            partial.replace(path)  # an interrupted run leaves no half file in the cache
        files[titled] = path
    best = {"baseline": float("inf"), "ours": float("inf")}
    for _ in range(args.rounds):
        for name, read, path in (("baseline", baseline, files[False]), ("ours", ours, files[True])):
            seconds, rows = timed(read, path)
            assert rows == args.rows, (name, rows)
            best[name] = min(best[name], seconds)
            print(f"{name:8} {rows:>9,} filas  CPU {seconds:6.2f} s", flush=True)
    ratio = best["ours"] / best["baseline"]
    print(f"lectura con título / lector anterior sin título: {ratio:.2f}× en CPU "
          f"({best['ours']:.2f} s contra {best['baseline']:.2f} s; meta ≤ {GOAL})")  # fmt: skip


if __name__ == "__main__":
    main()
