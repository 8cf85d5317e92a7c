"""Reading a table through the intake of every import, next to a plain table reader and
to bare library loops, measured in the same run.

Builds two .xlsx of N movements with the grid's columns (bench/importar.py's, shaped as a real
company's; default 100,000; cached in a folder under the system's temp dir or --keep), written
the same way: one with the header on its first row, one as a nómina system writes it (a title
row, a blank row, the header, the rows, a TOTAL row); and a CSV of the same rows written that way too. Then, alternating, each read whole
``--rounds`` times (each round's ratios are of readings side by side; their median is printed):
- baseline: ``referencias.open_table`` (header on the first row only), every row as a dict;
- ours: ``lectura.leer`` with the movimientos' columns on the titled file (header found, columns
  mapped, NSS and catalogue values normalised, the TOTAL row left out), every row.
With --crudo, also on the same titled files:
- openpyxl: a bare openpyxl read-only loop over the titled .xlsx, every value of every row;
- csv: a bare ``csv.reader`` loop over the titled CSV; and ours on that CSV;
- csv_dict: that loop yielding each row as a dict by header (what any intake giving rows as
  field → value pays at least, before finding the header, totals or normalising).
Prints each and the ratios. Goals: ours / baseline ≤ 1.2; ours / openpyxl ≤ 0.6 (.xlsx);
ours / csv ≤ 2 (CSV).

    python bench/lectura.py [--rows 100000] [--rounds 5] [--crudo] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def write_csv(path: Path, count: int) -> None:
    import csv

    from importar import _grid

    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Movimientos afiliatorios del periodo"])
        writer.writerow([])
        writer.writerow([c.header for c in COLUMNS])
        for values in _grid(count):
            writer.writerow([c.display(v) for c, v in zip(COLUMNS, values, strict=True)])
        writer.writerow(["TOTAL"])


def bare_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for values in book.worksheets[0].iter_rows(values_only=True):
        rows += any(v is not None for v in values)
    book.close()
    return rows - 3  # the title, the header and the TOTAL


def bare_csv(path: Path) -> int:
    import csv

    rows = 0
    with path.open(encoding="utf-8-sig", newline="") as f:
        for values in csv.reader(f):
            rows += any(values)
    return rows - 3


def csv_dicts(path: Path) -> int:
    """The least any intake giving a row as field → value pays: a ``csv.reader`` loop yielding
    each row's line number and a dict of its cells by header, nothing else."""
    import csv

    def rows():
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header: tuple[str, ...] = ()
            for values in reader:
                if len(values) > len(header):
                    header = tuple(values)  # the widest row so far
                yield reader.line_num, dict(zip(header, values, strict=False))

    return sum(1 for _ in rows()) - 4  # the title, the blank line, the header and the TOTAL


def baseline(path: Path) -> int:
    from bench.referencias import open_table

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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--crudo", action="store_true", help="also bare openpyxl/csv loops")
    parser.add_argument("--keep", type=Path, help="folder for the files")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.gettempdir()) / "icsoe-bench-lectura"
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for titled in (False, True):
        path = work / f"reales-{args.rows}{'-titulo' if titled else ''}.xlsx"
        if not path.exists():
            print(f"Escribiendo {path.name}…", flush=True)
            partial = path.with_suffix(".parcial")
            write_xlsx(partial, args.rows, titled)
            partial.replace(path)  # an interrupted run leaves no half file in the cache
        files[titled] = path
    runs = [("baseline", baseline, files[False]), ("ours", ours, files[True])]
    if args.crudo:
        csv_path = work / f"reales-{args.rows}-titulo.csv"
        if not csv_path.exists():
            partial = csv_path.with_suffix(".parcial")
            write_csv(partial, args.rows)
            partial.replace(csv_path)
        runs += [
            ("openpyxl", bare_openpyxl, files[True]),
            ("csv", bare_csv, csv_path),
            ("csv_dict", csv_dicts, csv_path),
            ("ours_csv", ours, csv_path),
        ]
    seconds_of: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    loads = [os.getloadavg()[0]]  # the machine may be shared: the ratios say at what load
    for _ in range(args.rounds):
        for name, read, path in runs:
            seconds, rows = timed(read, path)
            assert rows == args.rows, (name, rows)
            seconds_of[name].append(seconds)
            loads.append(os.getloadavg()[0])
            print(f"{name:8} {rows:>9,} filas  CPU {seconds:6.2f} s  carga {loads[-1]:.1f}",
                  flush=True)  # fmt: skip
    # Each round's two readings side by side (the same load), and the median of those ratios.
    for ours_name, other, goal, what in (
        ("ours", "baseline", GOAL, "lectura con título / lector simple sin título"),
        ("ours", "openpyxl", 0.6, ".xlsx con título / openpyxl read_only desnudo"),
        ("ours_csv", "csv", 2, "CSV con título / csv.reader desnudo"),
        ("csv_dict", "csv", None, "csv.reader con un diccionario por fila / csv.reader desnudo"),
    ):
        if other in seconds_of:
            a, b = seconds_of[ours_name], seconds_of[other]
            ratios = [x / y for x, y in zip(a, b, strict=True)]
            meta = f"meta ≤ {goal}; " if goal else ""
            print(f"{what}: mediana {statistics.median(ratios):.2f}× en CPU de {len(ratios)} "
                  f"rondas ({min(ratios):.2f}–{max(ratios):.2f}; {min(a):.2f}–{max(a):.2f} s "
                  f"contra {min(b):.2f}–{max(b):.2f} s; {meta}"
                  f"carga {min(loads):.1f}–{max(loads):.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
