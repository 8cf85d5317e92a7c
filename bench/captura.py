"""Capturing a staffing firm's workers: CONTRATOS contracts, each given its IMSS worker file of
TRABAJADORES distinct workers (bench/datos_reales.py: distinct NSS and CURP with their check
digits, real name distributions, SBCs spread from the minimum wage up) through *Importar*
(``InformativaTrabajadoresService.importar``: the CSV read, every row checked, the rows
written with the sync's bookkeeping), against a plain insert of the same rows into the same
table, with its indexes and its sync triggers (sqlite3's ``executemany``, no checks), each on a
fresh copy of the same store, interleaved, in the same run. Prints the CPU of both, their
ratio (goal ≤ 1.2×) and the machine's load; medians of RONDAS rounds.

    python bench/captura.py [--contratos 50] [--trabajadores 12000] [--rondas 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from icsoe_desktop.store import cifrado

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos_reales import informativa_con_contratos, personas


def _clock() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def preparar(base: Path, contratos: int, trabajadores: int) -> list[str]:
    """The contratista, its informativa and ``contratos`` empty contracts; one CSV per contract
    (NSS, CURP, SBC, name: as the IMSS worker file). Returns the contracts' uuids."""
    from icsoe_desktop.services.container import open_services

    (base / "datos").mkdir(parents=True)
    services = open_services(base / "datos", _clock)
    try:
        _, uuids = informativa_con_contratos(services, base, contratos)
    finally:
        services.close()
    filas = list(personas(contratos * trabajadores))
    for n in range(contratos):
        lineas = ["NSS,CURP,SBC,Nombre"] + [
            f"{nss},{curp},{sbc / 100:.2f},{nombre} {primero} {segundo}"
            for nss, curp, primero, segundo, nombre, sbc in filas[
                n * trabajadores : (n + 1) * trabajadores
            ]
        ]
        (base / f"trabajadores_{n:02d}.csv").write_text("\r\n".join(lineas) + "\r\n", "utf-8")
    return uuids


def capturar(ronda: Path, uuids: list[str]) -> float:
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf

    services = open_services(ronda / "datos", _clock)
    try:
        inicio = time.process_time()
        for n, contrato in enumerate(uuids):
            hecho = services.informativa_trabajadores.importar(
                contrato, cf.RFC_MORAL, ronda / f"trabajadores_{n:02d}.csv"
            )
            assert not hecho.problemas, hecho.problemas[:3]
        return time.process_time() - inicio
    finally:
        services.close()


def insertar(ronda: Path, contratos: int, trabajadores: int) -> float:
    """The same rows, a plain executemany per contract into the same table (its indexes and
    triggers), one transaction each."""
    from icsoe_desktop.store import plain
    from icsoe_desktop.store.models import new_uuid

    filas = list(personas(contratos * trabajadores, anio=2026))
    stamp = _clock().strftime(plain.DATETIME_FORMAT)
    inicio = time.process_time()
    conn = cifrado.conectar(ronda / "datos" / "icsoe.sqlite3")
    plain.configure(conn)  # the functions the sync's triggers call
    ids = [i for (i,) in conn.execute("SELECT id FROM icsoe_contratos ORDER BY id")]
    for n, contrato_id in enumerate(ids):
        with conn:
            conn.executemany(
                "INSERT INTO icsoe_contrato_trabajadores (contrato_id, nss, curp, sbc, nombre, "
                "uuid, created_at, updated_at, version, deleted) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0)",
                [
                    (contrato_id, nss, curp, sbc, f"{nombre} {primero} {segundo}", new_uuid(),
                     stamp, stamp)
                    for nss, curp, primero, segundo, nombre, sbc in filas[
                        n * trabajadores : (n + 1) * trabajadores
                    ]
                ],
            )  # fmt: skip
    conn.close()
    return time.process_time() - inicio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contratos", type=int, default=50)
    parser.add_argument("--trabajadores", type=int, default=12_000)
    parser.add_argument("--rondas", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        uuids = preparar(base, args.contratos, args.trabajadores)
        ronda = Path(tmp) / "ronda"
        medidas: dict[str, list[float]] = {"capturar": [], "insertar": []}
        cargas = []
        for _ in range(args.rondas):
            for nombre in medidas:
                shutil.rmtree(ronda, ignore_errors=True)
                shutil.copytree(base, ronda)
                cargas.append(os.getloadavg()[0])
                if nombre == "capturar":
                    medidas[nombre].append(capturar(ronda, uuids))
                else:
                    medidas[nombre].append(insertar(ronda, args.contratos, args.trabajadores))
        m = {k: statistics.median(v) for k, v in medidas.items()}
        razon = m["capturar"] / m["insertar"]
        razones = [c / i for c, i in zip(medidas["capturar"], medidas["insertar"], strict=True)]
        print(
            f"Importar {args.contratos} × {args.trabajadores:,} = "
            f"{args.contratos * args.trabajadores:,} trabajadores, mediana de {args.rondas} "
            f"rondas (carga del equipo {', '.join(f'{c:.2f}' for c in cargas)}):\n"
            f"  Importar (leer, revisar, guardar) CPU {m['capturar']:.2f} s; inserción simple "
            f"en la misma tabla con sus índices y disparadores {m['insertar']:.2f} s: "
            f"{razon:.2f}× (por ronda {', '.join(f'{x:.2f}' for x in razones)})  "
            f"{'OK' if razon <= 1.2 else 'FALLA'} (meta ≤ 1.2×)"
        )


if __name__ == "__main__":
    main()
