"""*Firmar* of a staffing firm's informativa: CONTRATOS contracts of TRABAJADORES distinct workers
each (bench/datos_reales.py: distinct NSS and CURP with their check digits, real name
distributions, SBCs spread from the minimum wage up), captured through the services, then
``FirmaInformativaService.firmar`` whole (the store read, Revisar, the e.firma opened, cadena,
sello, the frozen copies, the constancia drawn and signed, the row written) in a fresh process
on a fresh copy of the store, each round. Prints its CPU, the process's peak RSS and the
constancia's size (its pages, bytes per worker, and the rest: attachment and signature), and
the CPU of a baseline doing comparable work in the same process: the same
rows read with sqlite3, written as the annex's lines, compressed with zlib and signed with
``cryptography`` (SHA-256, RSA). Medians of RONDAS rounds, with the machine's load.
Goals at 50 × 12,000: ≤ 10 s CPU, ≤ 400 MB peak, constancia ≤ 10 MB.

Then, on the last round's constancia, in a fresh process: CPU and peak of verifying it
compared with the informativa the store keeps as signed, as «Verificar constancia» does (goal
≤ 3 s).

    python bench/constancia.py [--contratos 50] [--trabajadores 12000] [--rondas 3] [--datos DIR]
    python bench/constancia.py --perfil ...   # one round under cProfile (the top 25 by own time)

--datos keeps the captured store in DIR and reuses it (capturing 600,000 workers takes minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# This checkout's package, not whichever one the environment installed: nothing of it is
# imported above this line.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from peak import peak_rss_mb

HECHA = "informativa.uuid"  # in the data folder: the captured informativa's uuid


def _clock() -> datetime:
    """Now (naive UTC): the test e.firma is valid around the real date."""
    return datetime.now(UTC).replace(tzinfo=None)


def construir(base: Path, contratos: int, trabajadores: int) -> str:
    """The contratista enters with its e.firma and captures ``contratos`` contracts of
    ``trabajadores`` workers each, through the services."""
    from datos_reales import informativa_con_contratos
    from datos_reales import trabajadores as reales

    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf

    services = open_services(base / "datos", _clock)
    try:
        uuid, contratos_uuid = informativa_con_contratos(services, base, contratos)
        todos = reales(contratos * trabajadores)
        for n, contrato in enumerate(contratos_uuid):
            parte = todos[n * trabajadores : (n + 1) * trabajadores]
            hecho = services.informativa_trabajadores.agregar_varios(contrato, cf.RFC_MORAL, parte)
            assert hecho.problemas == [], hecho.problemas[:3]
    finally:
        services.close()
    return uuid


def base_comparable(db: Path, llave: object) -> float:
    """CPU of the floor of what signing does with the workers: their rows read with sqlite3,
    written as the annex's lines, compressed and signed."""

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from icsoe_desktop.store import cifrado

    inicio = time.process_time()
    conn = cifrado.conectar(db)
    filas = conn.execute(
        "SELECT nss, curp, sbc FROM icsoe_contrato_trabajadores WHERE deleted = 0 "
        "ORDER BY contrato_id, id"
    ).fetchall()
    conn.close()
    texto = "\n".join(
        f"({i:5d} {nss:<11} {curp:<18} {sbc / 100:9.2f}) Tj T*"
        for i, (nss, curp, sbc) in enumerate(filas, 1)
    ).encode("ascii")
    comprimido = zlib.compress(texto)
    llave.sign(hashlib.sha256(comprimido).digest(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[attr-defined]  # an RSA key
    return time.process_time() - inicio


def firmar(base: Path, uuid: str, perfil: bool) -> None:
    """In its own process (the peak is the process's): Firmar, then the baseline."""
    from icsoe_desktop.domain.credentials import load_sat_pair
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf

    services = open_services(base / "datos", _clock)
    cer = base / "fiel" / f"{cf.RFC_MORAL}.cer"
    antes = peak_rss_mb()
    inicio = time.process_time()
    if perfil:
        import cProfile
        import pstats

        perfilador = cProfile.Profile()
        constancia = perfilador.runcall(
            services.informativa_firma.firmar,
            uuid, cf.RFC_MORAL, cer, cer.with_suffix(".key"), cf.PASSWORD,
        )  # fmt: skip
        pstats.Stats(perfilador, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        pstats.Stats(perfilador, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        pstats.Stats(perfilador, stream=sys.stderr).print_callers("compress|_en_captura")
    else:
        constancia = services.informativa_firma.firmar(
            uuid, cf.RFC_MORAL, cer, cer.with_suffix(".key"), cf.PASSWORD
        )
    cpu = time.process_time() - inicio
    pico = peak_rss_mb()
    (base / "constancia.pdf").write_bytes(constancia)
    services.close()
    fiel = cf.fiel_moral()
    llave = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD).private_key
    referencia = base_comparable(base / "datos" / "icsoe.sqlite3", llave)
    paginas = constancia.index(b"%%EOF")  # the pages as drawn: the first revision
    print(json.dumps({"cpu": cpu, "pico": pico, "antes": antes, "mb": len(constancia) / 1e6,
                      "paginas": paginas / 1e6, "base": referencia}))  # fmt: skip


def verificar(base: Path) -> None:
    """In its own process: «Verificar constancia» of the constancia just signed (compared with
    the informativa the store keeps), its CPU and the process's peak."""
    from icsoe_desktop.services.container import open_services

    services = open_services(base / "datos", _clock)
    pdf = (base / "constancia.pdf").read_bytes()
    carga = os.getloadavg()[0]
    inicio = time.process_time()
    resultado = services.informativa_firma.verificar(pdf)
    cpu = time.process_time() - inicio
    assert resultado.ok, resultado.motivo
    services.close()
    print(
        f"  verificar (con la informativa guardada): CPU {cpu:.2f} s  "
        f"{'OK' if cpu <= 3 else 'FALLA'} (meta ≤ 3 s); RSS máximo {peak_rss_mb():.0f} MB "
        f"(carga del equipo {carga:.2f})"
    )


def main() -> None:
    if sys.argv[1:2] == ["--construir"]:
        print(construir(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
        return
    if sys.argv[1:2] == ["--firmar"]:
        firmar(Path(sys.argv[2]), sys.argv[3], sys.argv[4:5] == ["perfil"])
        return
    if sys.argv[1:2] == ["--verificar"]:
        verificar(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contratos", type=int, default=50)
    parser.add_argument("--trabajadores", type=int, default=12_000)
    parser.add_argument("--rondas", type=int, default=3)
    parser.add_argument("--datos", type=Path)
    parser.add_argument("--perfil", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.datos or Path(tmp) / "captura"
        hecha = base / HECHA
        if not hecha.exists():
            (base / "datos").mkdir(parents=True, exist_ok=True)
            inicio = time.perf_counter()
            tamano = (str(args.contratos), str(args.trabajadores))
            salida = subprocess.run(
                [sys.executable, __file__, "--construir", str(base), *tamano],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            hecha.write_text(salida.split()[-1])
            print(f"Captura (una vez): {time.perf_counter() - inicio:.0f} s")
        uuid = hecha.read_text()
        ronda = Path(tmp) / "ronda"
        medidas: list[dict[str, float]] = []
        cargas = []
        for _ in range(1 if args.perfil else args.rondas):
            shutil.rmtree(ronda, ignore_errors=True)
            shutil.copytree(base, ronda)
            cargas.append(os.getloadavg()[0])
            orden = [sys.executable, __file__, "--firmar", str(ronda), uuid]
            salida = subprocess.run(
                orden + (["perfil"] if args.perfil else []),
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            if args.perfil:
                print(salida.stderr)
            medidas.append(json.loads(salida.stdout.strip().splitlines()[-1]))
        m = {k: statistics.median(x[k] for x in medidas) for k in medidas[0]}
        total = args.contratos * args.trabajadores
        r = {k: f"{min(x[k] for x in medidas):.2f}–{max(x[k] for x in medidas):.2f}" for k in m}
        print(
            f"Firmar {args.contratos} contratos × {args.trabajadores:,} trabajadores distintos, "
            f"mediana de {len(medidas)} rondas (carga del equipo "
            f"{', '.join(f'{c:.2f}' for c in cargas)}):\n"
            f"  CPU {m['cpu']:.2f} s ({r['cpu']})  {'OK' if m['cpu'] <= 10 else 'FALLA'} (meta ≤ 10 s); "
            f"base comparable (sqlite3 + las líneas del anexo + zlib + RSA) {m['base']:.2f} s: "
            f"{m['cpu'] / m['base']:.1f}×\n"
            f"  RSS máximo {m['pico']:.0f} MB ({r['pico']}; al abrir el almacén {m['antes']:.0f} MB)  "
            f"{'OK' if m['pico'] <= 400 else 'FALLA'} (meta ≤ 400 MB)\n"
            f"  constancia {m['mb']:.2f} MB  {'OK' if m['mb'] <= 10 else 'FALLA'} (meta ≤ 10 MB): "
            f"páginas {m['paginas']:.2f} MB ({m['paginas'] * 1e6 / total:.1f} bytes por "
            f"trabajador), adjunto y firma {m['mb'] - m['paginas']:.2f} MB"
        )
        subprocess.run([sys.executable, __file__, "--verificar", str(ronda)], check=True)


if __name__ == "__main__":
    main()
