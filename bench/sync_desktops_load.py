"""Many desktops of one company at once, each its own process, against the real server (``serve
--workers W``) on a throwaway PostgreSQL, all on 127.0.0.1, doing a clerk's day for
``--seconds``: each desktop imports ``--movimientos`` movimientos (a CONTPAQi CSV through the
real import service, at a moment of the first ``--import-within`` of the run), captures the informativa's workers of its
own contract a few at a time, edits, deletes and restores shared registros patronales, adds its
own, now and then adds a few hundred at once (a bulk insert), and syncs between bursts (so every
sync also pulls what the others imported); a desktop whose sync found no server waits what the
app's automatic sync waits (backoff with jitter). ``--restart-at``: the server is killed and
started again mid-run, and how soon the desktops sync again is printed. Then quiet rounds, and
the checks: nothing lost (every
registro, movimiento and worker a desktop made is on the server), nothing duplicated, every
desktop equal to the server table by table.

    python bench/sync_desktops_load.py [--desktops 32] [--seconds 180] [--workers 1 2] \
        [--bulk 300] [--movimientos 1000] [--import-within 0.33] [--restart-at 90]

Prints push p50/p99/max (one HTTP push), sync p50/p99/max (one whole synchronize), the CPU time
a desktop's process spent per sync (all its threads), the errors the desktops met, how many drift
repairs their checks started (none is right: nothing diverged), the checks' results, and the load
average at the start and the end (the machine may be shared); with several ``--workers`` counts
(default 1 and 2), one run each and a line per count to compare them.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import itertools
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMPRESA = "ABC010101AB1"
SHARED = [f"Y54{n:08d}" for n in range(24)]
CONTRATISTA = "SMA010101AB1"


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every process: pid → (parent, command line, CPU seconds it and its reaped children
    used), from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        used = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
        found[int(entry.name)] = (int(fields[1]), command, used)
    return found


def _cpu_of(roots: list[int], processes: dict[int, tuple[int, str, float]]) -> float:
    """CPU seconds of ``roots`` and all their descendants."""
    total, todo, seen = 0.0, list(roots), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in processes:
            continue
        seen.add(pid)
        total += processes[pid][2]
        todo += [child for child, (parent, _c, _u) in processes.items() if parent == pid]
    return total


def _server_cpu(server_pid: int, pg_port: int) -> tuple[float, float]:
    """CPU seconds so far of the sync server (its workers too) and of the PostgreSQL cluster."""
    processes = _processes()
    postmaster = [
        pid
        for pid, (_parent, command, _used) in processes.items()
        if "postgres" in command and f"-p {pg_port}" in command
    ]
    return _cpu_of([server_pid], processes), _cpu_of(postmaster, processes)


class _Repairs(logging.Handler):
    """Counts the sync's drift repairs (its warning «Tablas distintas del servidor…»)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Tablas distintas del servidor"):
            self.count += 1


def _movimientos_csv(path: Path, index: int, count: int) -> Path:
    """The file desktop ``index`` imports: ``count`` movimientos of workers of its own."""
    from tests.services.movimientos_data import known_rows, nss, write_csv

    base = known_rows()
    rows = [{**base[i % len(base)], "NSS": nss(index * 20_000 + i)} for i in range(count)]
    return write_csv(path, rows)


def desktop(
    data_dir: Path, index: int, seconds: float, bulk: int, movimientos: int, import_within: float
) -> int:
    """One desktop's process: imports, captures, edits and syncs until ``seconds`` pass; prints
    one JSON line."""
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.transporte import SyncError, espera_reintento
    from icsoe_desktop.store.models import RegistroPatronal
    from tests.informativa_datos import trabajadores_limpios

    repairs = _Repairs()
    logging.getLogger("icsoe_desktop").addHandler(repairs)
    rng = random.Random(index)
    services = open_services(data_dir)
    # What the app does while its login is typed (application.py), long before its first
    # automatic sync: the services' modules and the sync client's loaded in the background.
    services.preload()
    pushes: list[float] = []
    call = services.sync.transporte.call

    def timed_call(http, method: str, url: str, **kwargs):
        start = time.perf_counter()
        try:
            return call(http, method, url, **kwargs)
        finally:
            if url.endswith("/v1/push"):
                pushes.append(time.perf_counter() - start)

    services.sync.transporte.call = timed_call  # measured, not changed
    steps: dict[str, list[float]] = {"push": [], "pull": [], "verify": []}

    def timed_step(name: str, step):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                steps[name].append(time.perf_counter() - start)

        return timed

    # A whole sync's steps: its push, its pull, its drift check (with the pulls it catches up by).
    for room, name in (
        (services.sync.intercambio, "push"),
        (services.sync.intercambio, "pull"),
        (services.sync.verificacion, "verify"),
    ):
        setattr(room, name, timed_step(name, getattr(room, name)))
    checks = {"verificado": 0, "distinto": 0, "sin comparar": 0}
    verify = services.sync.verificacion.verify

    def counted_verify(*args, **kwargs):
        found = verify(*args, **kwargs)
        checks["sin comparar" if found is None else "distinto" if not found else "verificado"] += 1
        return found

    services.sync.verificacion.verify = counted_verify  # measured, not changed
    done = {
        "propios": [],
        "masivos": 0,
        "movimientos": 0,
        "trabajadores": [],
        "syncs": [],
        "cpu": [],
        "errores": [],
        "pasos": steps,
        "importar": [],
        "ok_at": [],  # when each sync that went through ended (epoch seconds)
    }
    fallos = 0
    informativa = services.informativas.buscar(CONTRATISTA, CLI_ACTOR, Periodo(2026, 2))
    assert informativa is not None, "the company's informativa did not reach this desktop"
    (contrato,) = [
        c.uuid
        for c in services.informativas.contratos(informativa, CLI_ACTOR)
        if c.objeto.endswith(f"sede {index}")
    ]
    archivo = _movimientos_csv(data_dir / "contpaqi.csv", index, movimientos)
    import_at = rng.uniform(0, seconds * import_within)  # the clerk's import, some morning time
    # Every desktop starts its timed phase together, once all have started (32 interpreters
    # importing at once would otherwise be measured as slow syncs of the first ones).
    print("listo", flush=True)
    sys.stdin.readline()
    started_cpu = time.process_time()
    # BENCH_PROFILE=DIR: each desktop's syncs profiled (cProfile) into DIR/escritorio_N.prof.
    profiled = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profiled else None
    started = time.monotonic()
    deadline = started + seconds
    try:
        while time.monotonic() < deadline:
            if movimientos and not done["movimientos"] and time.monotonic() - started > import_at:
                start = time.perf_counter()
                report = services.importador.import_file(archivo, "e")
                done["importar"].append(time.perf_counter() - start)
                done["movimientos"] = movimientos if report.aplicado else -1
            if rng.random() < 0.5:  # the informativa's workers, a few at a time
                workers = trabajadores_limpios(
                    rng.randint(1, 5), rng, 2026, len(done["trabajadores"]) + 1
                )
                result = services.informativa_trabajadores.agregar_varios(
                    contrato, CLI_ACTOR, list(workers)
                )
                if not result.problemas:
                    done["trabajadores"] += [w.nss for w in workers]
            for _ in range(rng.randint(1, 4)):
                registro, roll = rng.choice(SHARED), rng.random()
                if roll < 0.5:
                    services.registros.save(registro, EMPRESA, f"E{index} {rng.random()}", "e")
                elif roll < 0.7:
                    with contextlib.suppress(ValidationError):  # already removed here
                        services.registros.delete(registro, "e")
                else:
                    own = f"N{index:02d}{len(done['propios']):08d}"
                    services.registros.save(own, EMPRESA, f"Propio {index}", "e")
                    done["propios"].append(own)
            if rng.random() < 0.08:  # a bulk insert: one transaction of many new rows
                with services.store.session() as session:
                    for n in range(bulk):
                        session.add(
                            RegistroPatronal(
                                registro=f"M{index:02d}{done['masivos'] + n:08d}",
                                rfc=EMPRESA,
                                razon_social=f"Masivo {index}",
                            )
                        )
                done["masivos"] += bulk
            start, start_cpu = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            pause = rng.uniform(0, 0.5)
            try:
                services.sync.synchronize()
                done["syncs"].append(time.perf_counter() - start)
                done["cpu"].append(time.process_time() - start_cpu)  # every thread's
                done["ok_at"].append(time.time())
                fallos = 0
            except SyncError as exc:
                done["errores"].append(exc.code)
                if exc.offline:  # what the app's automatic sync waits (gui/sync/barra.py)
                    fallos += 1
                    pause = espera_reintento(fallos, exc.retry_after, rng)
            finally:
                if profiler is not None:
                    profiler.disable()
            time.sleep(pause)
    finally:
        services.close()
        if profiler is not None:
            profiler.dump_stats(Path(profiled) / f"escritorio_{index}.prof")
    done["pushes"] = pushes
    done["cpu_fase"] = time.process_time() - started_cpu  # syncs, edits, the rest
    done["reparaciones"] = repairs.count
    done["comprobaciones"] = checks
    print(json.dumps(done))
    return 0


def _company(services, desktops: int) -> None:
    """What the company has before the day starts (made on the first desktop): the shared
    registros patronales and those of the CONTPAQi file, a contratista and its mayo–agosto
    informativa with one contract per desktop, still without workers."""
    from bench import datos_reales
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.store.models import Contratista
    from tests.services.movimientos_data import add_registros

    for registro in SHARED:
        services.registros.save(registro, EMPRESA, "Inicial", "e0")
    add_registros(services)
    with services.store.session() as session:
        session.add(
            Contratista(rfc=CONTRATISTA, nombre="SERVICIOS DEL MAYAB SA DE CV", persona="moral")
        )
    informativa = services.informativas.crear(CONTRATISTA, CLI_ACTOR, Periodo(2026, 2))
    for n in range(desktops):
        datos_reales.contrato(services, informativa, CONTRATISTA, CLI_ACTOR, n)


def _restart(server, restart: dict[str, float]) -> None:
    """The server killed (SIGKILL) and started again on its port, as after a crash."""
    restart["down"] = time.time()
    server.kill()
    server.start()
    restart["up"] = time.time()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktops", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="server worker processes; several: one run each, on a fresh server and database, "
        "then compared",
    )
    parser.add_argument("--bulk", type=int, default=300, help="renglones de un alta masiva")
    parser.add_argument(
        "--movimientos", type=int, default=1000, help="movimientos each desktop imports"
    )
    parser.add_argument(
        "--import-within",
        type=float,
        default=1 / 3,
        help="the imports happen within this fraction of the run (0: all at its start)",
    )
    parser.add_argument(
        "--restart-at",
        type=float,
        help="seconds into the run when the server is killed and started again",
    )
    parser.add_argument("--desktop", nargs=6, help=argparse.SUPPRESS)  # a desktop's process
    args = parser.parse_args()
    if args.desktop:
        folder, index, seconds, bulk, movimientos, within = args.desktop
        return desktop(
            Path(folder), int(index), float(seconds), int(bulk), int(movimientos), float(within)
        )
    results = [_run(args, workers) for workers in args.workers]
    if len(results) > 1:
        print("\ncomparison (load average: 1, 5, 15 min at the end of the busy phase)")
        for line in results:
            print(line["summary"])
    return 0 if all(r["ok"] for r in results) else 1


def _run(args: argparse.Namespace, workers: int) -> dict:
    """One run against a server with ``workers`` processes: its figures printed, and a
    summary line with whether it converged."""
    import pg as bench_pg  # bench/pg.py

    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.transporte import SyncError
    from icsoe_desktop.store.sync_tables import SYNCED_TABLES
    from tests.sync.test_convergence import local_tables, server_tables

    print(f"\n--- {workers} server worker(s); load average at start: {_loadavg()}")
    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-desktops-"))
    # The tokens in the test suite's keyring, in this run's folder (no system keyring needed);
    # the desktops' processes inherit it.
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_de_prueba.KeyringDePrueba"
    os.environ["XDG_DATA_HOME"] = str(tmp / "xdg")
    os.environ["PYTHONPATH"] = str(ROOT)
    url, engine, stop = bench_pg.start_database()
    server = None
    try:
        server = bench_pg.start_server(url, tmp / "server.log", workers)
        folders = [tmp / f"escritorio_{i}" for i in range(args.desktops)]
        for i, folder in enumerate(folders):
            services = bench_pg.connect_desktop(folder, server.url, engine, f"E{i}", EMPRESA)
            if i == 0:
                _company(services, args.desktops)
            services.sync.synchronize()
            services.close()

        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--desktop",
                    str(f),
                    str(i),
                    str(args.seconds),
                    str(args.bulk),
                    str(args.movimientos),
                    str(args.import_within),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i, f in enumerate(folders)
        ]
        for worker in processes:  # all started: the timed phase begins for all at once
            worker.stdout.readline()
        started = time.monotonic()
        server_cpu = _server_cpu(server.process.pid, engine.url.port)
        for worker in processes:
            with contextlib.suppress(BrokenPipeError):  # a desktop that failed: reported below
                worker.stdin.write("\n")
                worker.stdin.flush()
        restart: dict[str, float] = {}
        if args.restart_at is not None:
            threading.Timer(args.restart_at, _restart, (server, restart)).start()
        reports, failed = [], []
        for worker in processes:
            out, err = worker.communicate(timeout=args.seconds + 600)
            if worker.returncode != 0:
                failed.append(err[-2000:])
            else:
                reports.append(json.loads(out))
        busy_load = _loadavg()
        busy_s = time.monotonic() - started
        after = _server_cpu(server.process.pid, engine.url.port)
        server_cpu = [b - a for a, b in zip(server_cpu, after, strict=True)]
        print(f"busy phase: {busy_s:.0f} s, load average at its end {busy_load}")
        for text in failed:
            print(f"DESKTOP FAILED:\n{text}")

        desktops = [open_services(folder) for folder in folders]
        try:
            quiet_errors = 0
            for _round in range(3):  # quiet rounds: everyone pushes, then everyone pulls
                for services in desktops:
                    for _attempt in range(3):  # (a shared machine may time a request out)
                        try:
                            services.sync.synchronize()
                            break
                        except SyncError:
                            quiet_errors += 1
            if quiet_errors:
                print(f"quiet rounds: {quiet_errors} syncs failed and were run again")
            expected = server_tables(engine)
            registros = expected["registros_patronales"]
            on_server = [data["registro"] for _v, _d, data in registros.values()]
            made = [own for r in reports for own in r["propios"]]
            lost = len(set(made) - set(on_server))
            bulk_made = sum(r["masivos"] for r in reports)
            bulk_there = sum(1 for k in on_server if k.startswith("M"))
            lost += max(0, bulk_made - bulk_there)
            duplicated = len(on_server) - len(set(on_server))
            # The movimientos imported and the workers captured, each there once.
            live = [d for _v, deleted, d in expected["movimientos"].values() if not deleted]
            imported = sum(max(0, r["movimientos"]) for r in reports)
            failed_imports = sum(r["movimientos"] < 0 for r in reports)
            lost += max(0, imported - len(live))
            duplicated += max(0, len(live) - imported)
            trabajadores = [
                d["nss"]
                for _v, deleted, d in expected["icsoe_contrato_trabajadores"].values()
                if not deleted
            ]
            captured = [nss for r in reports for nss in r["trabajadores"]]
            lost += len(set(captured) - set(trabajadores))
            duplicated += len(trabajadores) - len(set(trabajadores))
            differing = 0
            for services in desktops:
                local = local_tables(services)
                differing += sum(local[t.name] != expected[t.name] for t in SYNCED_TABLES)
        finally:
            for services in desktops:
                services.close()
        pushes = [p for r in reports for p in r["pushes"]]
        syncs = [s for r in reports for s in r["syncs"]]
        errors: dict[str, int] = {}
        for r in reports:
            for code in r["errores"]:
                errors[code] = errors.get(code, 0) + 1
        cpu = [c for r in reports for c in r["cpu"]]
        ok = not (lost or duplicated or differing or failed or failed_imports)
        took = [t for r in reports for t in r["importar"]]
        print(
            f"imports: {len(took)} of {args.movimientos} movimientos (p50 {_pct(took, 0.5):.1f} s, "
            f"max {max(took, default=float('nan')):.1f} s), {failed_imports} refused; "
            f"{len(live)} movimientos and {len(trabajadores)} workers on the server"
        )
        print(
            f"{args.desktops} desktops, {workers} workers, {args.seconds:.0f} s, "
            f"bulk {args.bulk}: {len(pushes)} pushes, {len(syncs)} syncs"
        )
        print(
            f"push  p50 {_pct(pushes, 0.5):.2f} s  p99 {_pct(pushes, 0.99):.2f} s  "
            f"max {max(pushes, default=float('nan')):.2f} s"
        )
        print(
            f"sync  p50 {_pct(syncs, 0.5):.2f} s  p99 {_pct(syncs, 0.99):.2f} s  "
            f"max {max(syncs, default=float('nan')):.2f} s"
        )
        # A process's first sync also builds its SQL and imports what syncing needs.
        first = [r["syncs"][0] for r in reports if r["syncs"]]
        later = [s for r in reports for s in r["syncs"][1:]]
        print(
            f"  each desktop's first sync p50 {_pct(first, 0.5):.2f} s  max "
            f"{max(first, default=float('nan')):.2f} s; the later ones p50 {_pct(later, 0.5):.2f} s"
            f"  p99 {_pct(later, 0.99):.2f} s"
        )
        for name in ("push", "pull", "verify"):
            took = [t for r in reports for t in r["pasos"][name]]
            print(
                f"  its {name:<6} p50 {_pct(took, 0.5):.2f} s  p99 {_pct(took, 0.99):.2f} s  "
                f"({len(took)})"
            )
        print(
            f"desktop CPU-s per sync  p50 {_pct(cpu, 0.5):.3f}  p99 {_pct(cpu, 0.99):.3f}  "
            f"total {sum(cpu):.0f} s in syncs, {sum(r['cpu_fase'] for r in reports):.0f} s "
            f"in all the desktops' work over the busy phase ({busy_s:.0f} s)"
        )
        print(
            f"server CPU over the busy phase: {server_cpu[0]:.0f} s sync server, "
            f"{server_cpu[1]:.0f} s PostgreSQL (2 cores: {2 * busy_s:.0f} s in all)"
        )
        print(f"errors met by the desktops: {errors or 'none'}")
        if restart:
            ends = sorted(t for r in reports for t in r["ok_at"])
            after = [t - restart["up"] for t in ends if t > restart["up"]]
            back = [
                min((t for t in r["ok_at"] if t > restart["up"]), default=float("inf"))
                - restart["up"]
                for r in reports
            ]
            gaps = [b - a for a, b in itertools.pairwise(ends)]
            print(
                f"server killed at {args.restart_at:.0f} s, answering again "
                f"{restart['up'] - restart['down']:.1f} s later; first sync through "
                f"{after[0] if after else float('nan'):.1f} s after that, every desktop's "
                f"p50 {_pct(back, 0.5):.1f} s  max {max(back):.1f} s; longest time without "
                f"any sync through {max(gaps, default=0):.1f} s"
            )
        print(f"drift repairs started: {sum(r['reparaciones'] for r in reports)}")
        checks = (
            {k: sum(r["comprobaciones"][k] for r in reports) for k in reports[0]["comprobaciones"]}
            if reports
            else {}
        )
        print(
            "drift checks: "
            + ", ".join(f"{n} {k}" for k, n in checks.items())
            + " (not compared: changes waiting, or the company kept moving)"
        )
        print(
            f"rows on the server: {len(on_server)} registros ({bulk_there} from bulk inserts); "
            f"lost {lost}, duplicated {duplicated}, desktop tables differing {differing}, "
            f"desktops failed {len(failed)}"
        )
        print("CONVERGED" if ok else "NOT CONVERGED")
        summary = (
            f"{workers} worker(s): push p99 {_pct(pushes, 0.99):.2f} s, sync p99 "
            f"{_pct(syncs, 0.99):.2f} s, {len(syncs)} syncs, lost {lost}, duplicated "
            f"{duplicated}, {'converged' if ok else 'NOT converged'}, load {busy_load}"
        )
        return {"ok": ok, "summary": summary}
    finally:
        if server is not None:
            server.stop()
        stop()


if __name__ == "__main__":
    sys.exit(main())
