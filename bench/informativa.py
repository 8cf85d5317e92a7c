"""The informativa at a despacho's size: 40 contracts with 12,000 worker assignments in one
contratista. *Revisar* (the store read into plain values, the IMSS's seven checks and every
worker check, NSS → CURP of the empresa's movimientos) and *Exportar* (one CSV per contract, split
at the portal's limits, and the capture sheet), each against a baseline doing the same work the
plain way in the same run: the same rows read with sqlite3 and checked with python-stdnum, and the
same rows written with the csv module and openpyxl. Goals: Revisar ≤ 1 s, exports ≤ 2 s.
Also *Agregar* the 12,000 workers to a new contract at once (what importing the IMSS worker file
does once it is read: every row checked, then written), against sqlite3's ``executemany`` of the
same rows with their uuids into the same table (no checks).
The workers are distinct and shaped as real ones (bench/datos_reales.py: NSS, CURP made of the
name, names by real frequency, SBCs spread). Cold: the first call in the process (nothing
cached); warm: the median of the following ones. The machine's load is printed with the table.

    python bench/informativa.py [--contratos 40] [--trabajadores 12000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import datos_reales
from icsoe_desktop.store import cifrado

RFC = "SEM980701ST5"
PERIODO_CLAVE = "2026-2"
RAW_ROWS = """
SELECT c.id, c.objeto, c.folio_repse, c.descripcion_servicio, c.fecha_inicial, c.fecha_final,
       t.nss, t.curp, t.sbc
FROM icsoe_contratos c JOIN icsoe_contrato_trabajadores t ON t.contrato_id = c.id
WHERE c.informativa_id = ? AND c.deleted = 0 AND t.deleted = 0 ORDER BY c.id, t.id
"""


def seed(services, contratos: int, trabajadores: int) -> str:
    """One contratista, one informativa, ``contratos`` contracts sharing ``trabajadores``
    workers (setup through the services, not measured)."""
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.store.models import Contratista

    with services.store.session() as session:
        session.add(Contratista(rfc=RFC, nombre="SERVICIOS DEL MAYAB SA DE CV", persona="moral"))
    periodo = Periodo.de_clave(PERIODO_CLAVE)
    uuid = services.informativas.crear(RFC, CLI_ACTOR, periodo)
    rows = datos_reales.trabajadores(trabajadores, anio=periodo.anio)
    per = max(1, trabajadores // contratos)
    for n in range(contratos):
        contrato = datos_reales.contrato(services, uuid, RFC, CLI_ACTOR, n)
        chunk = rows[n * per : (n + 1) * per] if n < contratos - 1 else rows[n * per :]
        result = services.informativa_trabajadores.agregar_varios(contrato, CLI_ACTOR, chunk)
        assert result.problemas == [], result.problemas[:3]
    return uuid


def new_contract(services, uuid: str, n: int) -> str:
    from icsoe_desktop.domain.informativa.modelo import Parte
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.informativa.captura import ContratoDatos

    contratante, _ = services.informativas.guardar_contratante(
        RFC, CLI_ACTOR, Parte(rfc=f"AGR{n:02d}0101A1{n % 10}", nombre=f"Agregar {n} SA de CV")
    )
    return services.informativas.guardar_contrato(
        uuid,
        CLI_ACTOR,
        ContratoDatos(
            contratante,
            objeto=f"Servicio agregado {n}",
            folio_repse=f"{20_000 + n}/2025",
            descripcion_servicio="Mantenimiento industrial especializado",
            fecha_inicial=date(2026, 5, 2),
            fecha_final=date(2027, 5, 1),
        ),
    )


def baseline_agregar(db: Path, contrato_id: int, rows: list) -> None:
    from icsoe_desktop.store import plain
    from icsoe_desktop.store.models import new_uuid

    stamp = datetime(2026, 11, 23, 9, 0).strftime(plain.DATETIME_FORMAT)
    with cifrado.conectar(db) as conn:
        plain.configure(conn)  # the function the sync's sums triggers call
        conn.executemany(
            "INSERT INTO icsoe_contrato_trabajadores (contrato_id, nss, curp, sbc, nombre, uuid, "
            "created_at, updated_at, version, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0)",
            [(contrato_id, t.nss, t.curp, t.sbc, t.nombre, new_uuid(), stamp, stamp) for t in rows],
        )
    conn.close()


def baseline_revisar(db: Path, informativa_id: int) -> int:
    """The same rows read and checked the plain way: each NSS by stdnum's Luhn, each CURP by
    stdnum's full validation, duplicates per contract."""
    from stdnum import luhn
    from stdnum.mx import curp

    problems = 0
    seen: dict[int, set[str]] = {}
    with cifrado.conectar(db) as conn:
        for cid, objeto, folio, desc, ini, fin, nss, c, _sbc in conn.execute(
            RAW_ROWS, (informativa_id,)
        ):
            problems += not (objeto and folio and desc and ini and fin)
            problems += not luhn.is_valid(nss)
            problems += not curp.is_valid(c)
            mine = seen.setdefault(cid, set())
            problems += nss in mine
            mine.add(nss)
    conn.close()
    return problems


def baseline_exportar(db: Path, informativa_id: int, carpeta: Path) -> None:
    """The same files written the plain way: csv module per contract, openpyxl for the sheet."""
    from openpyxl import Workbook

    by_contract: dict[int, list[tuple]] = {}
    with cifrado.conectar(db) as conn:
        for row in conn.execute(RAW_ROWS, (informativa_id,)):
            by_contract.setdefault(row[0], []).append(row)
    conn.close()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Informativa")
    sheet.append(["Contrato", "Objeto", "Folio", "Fecha inicial", "Fecha final", "Trabajadores"])
    for cid, rows in by_contract.items():
        with open(carpeta / f"base_{cid}.csv", "w", newline="", encoding="cp1252") as f:
            writer = csv.writer(f)
            writer.writerow(["NSS", "CURP", "SBC"])
            writer.writerows((r[6], r[7], f"{r[8] / 100:.2f}") for r in rows)
        first = rows[0]
        sheet.append([cid, first[1], first[2], first[4], first[5], len(rows)])
    book.save(carpeta / "base.xlsx")


def timed_fresh(prepare: Callable[[], Callable[[], object]], repeat: int) -> tuple[float, float]:
    """(cold, warm median) in milliseconds of ``repeat + 1`` calls, each of a function
    ``prepare`` made for it (the preparing not timed)."""
    times = []
    for _ in range(repeat + 1):
        fn = prepare()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:])


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(cold, warm median) in milliseconds of ``repeat + 1`` calls of ``fn``."""
    return timed_fresh(lambda: fn, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contratos", type=int, default=40)
    parser.add_argument("--trabajadores", type=int, default=12_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import select

    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.store.models import ContratoRow, InformativaRow

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "datos"
        data.mkdir()
        services = open_services(data, lambda: datetime(2026, 11, 23, 9, 0))
        start = time.perf_counter()
        uuid = seed(services, args.contratos, args.trabajadores)
        print(
            f"setup: {args.contratos} contratos, {args.trabajadores:,} trabajadores "
            f"({time.perf_counter() - start:.1f} s through the services)"
        )
        with services.store.session() as session:
            informativa_id = session.scalar(
                select(InformativaRow.id).where(InformativaRow.uuid == uuid)
            )
        db = Path(services.store.path)
        firma = services.informativa_firma
        out = Path(tmp) / "portal"
        base_out = Path(tmp) / "base"
        out.mkdir()
        base_out.mkdir()

        def revisar() -> None:
            # The contratantes' made-up RFCs draw a warning each (their check digit): no
            # inconsistency.
            bloquean = [p for p in firma.revisar(uuid, CLI_ACTOR) if not p.aviso]
            assert bloquean == [], bloquean[:2]

        # Others than the informativa's (another seed): an Importar of new hires.
        trabajadores = datos_reales.trabajadores(
            args.trabajadores, seed=2027, anio=Periodo.de_clave(PERIODO_CLAVE).anio
        )
        contratos = iter(range(10_000))

        def agregar() -> Callable[[], None]:
            contrato = new_contract(services, uuid, next(contratos))
            return lambda: services.informativa_trabajadores.agregar_varios(
                contrato, CLI_ACTOR, trabajadores
            )

        def agregar_base() -> Callable[[], None]:
            contrato = new_contract(services, uuid, next(contratos))
            with services.store.session() as session:
                contrato_id = session.scalar(
                    select(ContratoRow.id).where(ContratoRow.uuid == contrato)
                )
            return lambda: baseline_agregar(db, contrato_id, trabajadores)

        rows = [
            ("Revisar", timed(revisar, args.repeat), 1000.0),
            (
                "  baseline: sqlite3 + stdnum",
                timed(lambda: baseline_revisar(db, informativa_id), args.repeat),
                None,
            ),
            ("Exportar", timed(lambda: firma.exportar(uuid, CLI_ACTOR, out), args.repeat), 2000.0),
            (
                "  baseline: csv + openpyxl",
                timed(lambda: baseline_exportar(db, informativa_id, base_out), args.repeat),
                None,
            ),
        ]
        # Last: its contracts join the informativa, which Revisar and Exportar would read too.
        rows += [
            ("Agregar", timed_fresh(agregar, args.repeat), None),
            ("  baseline: sqlite3 executemany", timed_fresh(agregar_base, args.repeat), None),
        ]
        services.close()
    print(f"carga {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'':32} {'cold ms':>9} {'warm ms':>9} {'goal ms':>8} {'ratio':>6}")
    for i, (name, (cold, warm), goal) in enumerate(rows):
        ratio = f"{warm / rows[i + 1][1][1]:.2f}" if not name.startswith(" ") else ""
        goal_text = f"{goal:.0f}" if goal else ""
        verdict = "" if goal is None else ("  OK" if max(cold, warm) <= goal else "  OVER")
        print(f"{name:32} {cold:9.0f} {warm:9.0f} {goal_text:>8} {ratio:>6}{verdict}")


if __name__ == "__main__":
    main()
