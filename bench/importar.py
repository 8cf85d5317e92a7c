"""Import of an IDSE lote, a CSV or an .xlsx at scale, next to a baseline measured in the same run.

Builds a file of N valid movements with the shape of a real company's (bench/datos_reales.py:
distinct workers by real name frequencies, each with its history; default 1,000,000; once, cached
in a folder under the system's temp dir or --keep): a lote, or a CSV / .xlsx with the grid's
columns as Exportar Excel writes them. Then in separate processes (so each peak RSS is its own)
on fresh stores with the same schema:
- ours: ``MovimientosImporter.import_file`` (read, check every row, insert, all-or-nothing);
- raw: the same rows, already parsed into tuples in memory, inserted with one
  ``sqlite3.executemany`` and a commit (only that is timed).
- openpyxl (--formato xlsx): a bare openpyxl read-only loop over the same file, every value
  of every row touched, nothing checked or stored; csv (--formato csv): the same with a bare
  ``csv.reader`` loop.
Prints each wall time and peak RSS, and ours / raw. Goals: ratio ≤ 1.5, ours ≤ 300 MB; the
.xlsx import ≤ 0.6 × the bare openpyxl loop (CPU). The CSV import against the bare csv loop is
printed without a goal: the CSV's goal is its reading (bench/lectura.py --crudo), as storing the
rows alone costs many times the C reader's loop.

    python bench/importar.py [--formato lote|csv|xlsx] [--lines 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
from icsoe_desktop.store import cifrado

TODAY = date(2026, 11, 22)


def movements(count: int):
    """``count`` movements of distinct workers with the shape of a real company's
    (bench/datos_reales.py), as IDSE takes them (a baja carries no CURP)."""
    from bench.datos_reales import movimientos
    from icsoe_desktop.domain.movimientos import BAJA, Movimiento

    campos = set(Movimiento.__dataclass_fields__)
    for row in movimientos(count, TODAY):
        fields = {k: v for k, v in row.items() if k in campos} | {"guia": "00100"}
        if fields["tipo"] == BAJA:
            fields["curp"] = ""
        yield Movimiento(**fields)


def write_lote(path: Path, count: int) -> None:
    from icsoe_desktop.domain.idse_lote import ENCODING, NEWLINE, format_line

    with path.open("w", encoding=ENCODING, newline="") as out:
        for mov in movements(count):
            out.write(format_line(mov) + NEWLINE)


def _grid(count: int):
    """(COLUMNS, values of each movement in COLUMNS order) as the grid shows them."""
    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    attrs = [c.attr for c in COLUMNS]
    for mov in movements(count):
        yield [getattr(mov, attr, None) for attr in attrs]


def write_csv(path: Path, count: int) -> None:
    import csv

    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.header for c in COLUMNS])
        for values in _grid(count):
            writer.writerow([c.display(v) for c, v in zip(COLUMNS, values, strict=True)])


def write_xlsx(path: Path, count: int) -> None:
    """With the export's own sheet writer (real dates and numbers, catalogs as text)."""
    from icsoe_desktop.services.archivos.excel import write_sheet
    from icsoe_desktop.services.movimientos.exportar import _cells, _sheet_columns

    rows = _cells((None, *values) for values in _grid(count))  # the export skips the id
    write_sheet(path, "Movimientos", _sheet_columns(), rows, count)


WRITERS = {"lote": (write_lote, "txt"), "csv": (write_csv, "csv"), "xlsx": (write_xlsx, "xlsx")}


def fresh_services(directory: Path):
    from icsoe_desktop.demo.movimientos import ensure_demo_registros
    from icsoe_desktop.services.container import open_services

    directory.mkdir(parents=True, exist_ok=True)
    services = open_services(directory)
    ensure_demo_registros(services.store)
    return services


def child_ours(lote: Path, directory: Path) -> dict:
    services = fresh_services(directory)
    start, cpu = time.perf_counter(), time.process_time()
    report = services.importador.import_file(lote, "bench")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.aplicado, report.rechazadas[:3]
    return {"seconds": seconds, "cpu": cpu, "rows": report.importados}


def child_raw(lote: Path, directory: Path, count: int) -> dict:
    """The same rows as tuples of SQLite values, then one executemany into the same table."""
    import uuid

    from icsoe_desktop.domain.idse_lote import carried

    services = fresh_services(directory)
    services.close()
    stamp = datetime(2026, 11, 22, 12).isoformat(" ")
    columns = ["registro_patronal", "nss", "primer_apellido", "segundo_apellido", "nombre", "curp",
               "tipo", "fecha", "sbc", "tipo_trabajador", "tipo_salario", "jornada", "umf",
               "causa_baja", "clave_trabajador", "guia", "estado", "causa_rechazo", "uuid",
               "created_at", "updated_at", "version", "deleted"]  # fmt: skip
    rows = []
    for mov in movements(count):
        m = carried(mov)
        rows.append((m.registro_patronal, m.nss, m.primer_apellido, m.segundo_apellido,
                     m.nombre, m.curp, m.tipo, m.fecha.isoformat(), m.sbc, m.tipo_trabajador,
                     m.tipo_salario, m.jornada, m.umf, m.causa_baja, m.clave_trabajador, m.guia,
                     "pendiente", "", str(uuid.uuid4()), stamp, stamp, 1, 0))  # fmt: skip
    db = cifrado.conectar(directory / "icsoe.sqlite3")
    from icsoe_desktop.store import sumas

    sumas.register(db)  # the schema's sync sums triggers call it, as on every connection of ours
    db.execute("PRAGMA cache_size=-32768")  # as large_page_cache gives our import
    sql = (f"INSERT INTO movimientos ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")  # fmt: skip
    start, cpu = time.perf_counter(), time.process_time()
    with db:
        db.executemany(sql, rows)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": len(rows)}


def child_openpyxl(lote: Path) -> dict:
    from openpyxl import load_workbook

    start, cpu = time.perf_counter(), time.process_time()
    book = load_workbook(lote, read_only=True, data_only=True)
    rows = 0
    for values in book.worksheets[0].iter_rows(values_only=True):
        rows += len(values) > 0
    book.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": rows - 1}  # the header


def child_csv(lote: Path) -> dict:
    """A bare ``csv.reader`` loop over the same file, every value of every row touched."""
    import csv

    start, cpu = time.perf_counter(), time.process_time()
    rows = 0
    with lote.open(encoding="utf-8-sig", newline="") as f:
        for values in csv.reader(f):
            rows += len(values) > 0
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": rows - 1}  # the header


def run_child(kind: str, lote: Path, directory: Path, count: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--lines",
            str(count),
            "--lote",
            str(lote),
            "--dir",
            str(directory),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--formato", choices=sorted(WRITERS), default="lote")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder for the file and the stores")
    parser.add_argument("--child", choices=["ours", "raw", "openpyxl", "csv"])
    parser.add_argument("--lote", type=Path)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.child:
        from peak import peak_rss_mb  # this script's folder is on sys.path

        if args.child == "ours":
            result = child_ours(args.lote, args.dir)
        elif args.child == "openpyxl":
            result = child_openpyxl(args.lote)
        elif args.child == "csv":
            result = child_csv(args.lote)
        else:
            result = child_raw(args.lote, args.dir, args.lines)
        result["peak_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    work = args.keep or Path(tempfile.gettempdir()) / "icsoe-bench-importar"
    work.mkdir(parents=True, exist_ok=True)
    write, suffix = WRITERS[args.formato]
    lote = work / f"reales-{args.formato}-{args.lines}.{suffix}"
    if not lote.exists():
        print(f"Escribiendo {args.lines:,} movimientos ({args.formato})…", flush=True)
        partial = lote.with_suffix(".parcial")
        write(partial, args.lines)
        partial.replace(lote)  # an interrupted run leaves no half file in the cache
    print(f"{lote.name}: {lote.stat().st_size / 2**20:.0f} MB", flush=True)
    results = {}
    bare = {"xlsx": ("openpyxl",), "csv": ("csv",)}.get(args.formato, ())
    kinds = ("raw", *bare, "ours")
    loads = [os.getloadavg()[0]]  # the machine may be shared: the ratios say at what load
    for kind in kinds:
        directory = work / f"store-{kind}-{time.time_ns()}"
        try:
            results[kind] = run_child(kind, lote, directory, args.lines)
        finally:
            if not args.keep:
                shutil.rmtree(directory, ignore_errors=True)  # a store of 1M rows: ~0.5 GB
        r = results[kind]
        loads.append(os.getloadavg()[0])
        print(f"{kind:8} {r['rows']:>9,} filas  {r['seconds']:7.2f} s  (CPU {r['cpu']:6.2f} s)  "
              f"pico {r['peak_mb']:6.0f} MB  carga {loads[-1]:.1f}", flush=True)  # fmt: skip
    ours, raw = results["ours"], results["raw"]
    goal = " (meta ≤ 1.5)" if args.formato == "lote" else ""  # a table parses far more per row
    print(f"importar / executemany crudo: {ours['seconds'] / raw['seconds']:.2f}× en tiempo, "
          f"{ours['cpu'] / raw['cpu']:.2f}× en CPU{goal}  ·  "
          f"pico de la importación: {ours['peak_mb']:.0f} MB (meta ≤ 300); "
          f"carga {min(loads):.1f}–{max(loads):.1f}")  # fmt: skip
    for kind, goal in (("openpyxl", " (meta ≤ 0.6)"), ("csv", "")):
        if kind in results:
            loop = results[kind]
            print(f"importar / lectura desnuda con {kind}: {ours['seconds'] / loop['seconds']:.2f}×"
                  f" en tiempo, {ours['cpu'] / loop['cpu']:.2f}× en CPU{goal}")  # fmt: skip


if __name__ == "__main__":
    main()
