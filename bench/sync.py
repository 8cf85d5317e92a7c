"""Sync cost: push 100,000 rows from desktop A to the server, pull them into desktop B, in CPU
of every process involved, against one bulk INSERT of the same rows into the same PostgreSQL
(ratio printed) and a COPY of them (printed beside it).

    python bench/sync.py [--rows 100000] [--table movimientos|audit_log] [--rounds 3]
                         [--sin-contenido] [--profile DIR]

Each round starts from a fresh PostgreSQL cluster, server and desktops, and measures the
baselines right after its push and pull: the ratio of each round is paired, and the median of
the rounds is printed last, with the load average (the machine may be shared).

CPU is counted for every process that works: the desktops (this process: ``os.times``, all its
threads and any child it reaped), the server (``serve`` in its own process, as deployed, by
bench/sync_servidor_etapas.py, which also counts its stages) and PostgreSQL (the postmaster, its
backends and the ones that ended; /proc; autovacuum is off in the throwaway cluster, so its
later ANALYZE of one side's rows is not counted in another's measure). The INSERT and the
COPY: this process (building the statement's parameters, psycopg) and PostgreSQL. Wall time
is printed beside, and the part of the desktops' and the server's CPU that Python's cyclic
collector took (bench/recolector.py): the INSERT's program holds its 100,000 rows in memory, as
any program inserting them would, and its full collections walk them; the ratio is printed
again with the collector's CPU taken out of both sides (the sync's processes hold a page or a
batch at a time), so neither reading hides the other.

The desktops' stores are encrypted (SQLCipher, as the product makes them); a third desktop C,
whose store stays in clear, pulls the same rows after B: B's apply minus C's is what SQLCipher
costs. Where the CPU goes, by stage (the medians of the rounds):

- encode: the desktop reading its changes and writing each row's JSON (``_batches``);
- HTTP: the desktop's requests (``Transporte.call``: sending, waiting, reading the answer's
  JSON) and the server's process minus its stages below (uvicorn, routes, answers);
- server apply: the push read (JSON, schema) and written (rules, COPY), the pull's pages
  built, in the server's threads; and PostgreSQL;
- desktop apply: the pages written into SQLite (``apply_remote``), the push's answers recorded
  (``record_push_results``), the indexes a big pull builds at its end, the hourly content
  check (``ComparacionContenido.compare``: the fingerprints kept with the rows' states summed,
  the rest hashed; it falls on a desktop's first sync; ``--sin-contenido``: not due, as at the
  syncs of the next hour), the drift check, and the rest of the desktop's sync (its own
  queries, the pull's bookkeeping; a new store's sums are trusted at its first sync, a file
  without the app's header number has them compared with its rows);
- SQLCipher: B's apply minus the same apply into C's plain store.

Needs PostgreSQL (initdb/pg_ctl; a throwaway cluster is started on 127.0.0.1) and the
``[server]`` extra. Movimientos have the shape of a real company's (bench/datos_reales.py:
distinct workers, real name distributions; bulk-inserted as ``demo movimientos`` does, so they
have no sync state yet and count as local changes, as rows made before sync was set up do);
audit_log rows go through the audit service and the session's change tracking.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pg  # bench/pg.py

from bench import recolector
from bench.carga import carga

ROOT = Path(__file__).resolve().parents[1]

TICK = os.sysconf("SC_CLK_TCK")


# --- CPU of processes ---------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent, own CPU, CPU of its reaped children) of ``pid``; None when it ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (
        int(fields[1]),
        (int(fields[11]) + int(fields[12])) / TICK,
        (int(fields[13]) + int(fields[14])) / TICK,
    )


def _tree(root: int) -> dict[int, tuple[int, float, float]]:
    """``root`` and all its live descendants: pid → ``_stat``."""
    parents: dict[int, list[int]] = {}
    stats: dict[int, tuple[int, float, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = found
            parents.setdefault(found[0], []).append(int(entry.name))
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            tree[pid] = stats[pid]
            todo += parents.get(pid, [])
    return tree


def cpu_tree(root: int) -> float:
    """CPU seconds so far of ``root`` and all its descendants, live or ended (ended children
    count in their parent's once reaped)."""
    return sum(own + reaped for _parent, own, reaped in _tree(root).values())


def pg_connections(postmaster: int) -> float:
    """CPU seconds so far of PostgreSQL's live client backends (the rest of the cluster's:
    its background processes, autovacuum's workers, the postmaster and what it reaped)."""
    total = 0.0
    for pid, (_parent, own, _reaped) in _tree(postmaster).items():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"127.0.0.1(" in command:  # «postgres: user db 127.0.0.1(port) state»
            total += own
    return total


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class Meter:
    """The CPU of this process, the server's and PostgreSQL's between two points."""

    def __init__(self, server_pid: int | None, postmaster: int) -> None:
        self.server_pid, self.postmaster = server_pid, postmaster

    def now(self) -> dict[str, float]:
        return {
            "escritorio": own_cpu(),
            "escritorio recolector": recolector.cpu(),
            "servidor": cpu_tree(self.server_pid) if self.server_pid else 0.0,
            "postgres": cpu_tree(self.postmaster),
            "postgres conexiones": pg_connections(self.postmaster),
            "reloj": time.perf_counter(),
        }

    @staticmethod
    def since(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {key: after[key] - before[key] for key in before}


# --- stages of the desktop (this process) -------------------------------------------------------


class Stages:
    """CPU of the threads running some functions of the desktop's sync, summed by stage."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self._lock = threading.Lock()
        self._active = threading.local()

    def add(self, name: str, used: float) -> None:
        with self._lock:
            self.cpu[name] = self.cpu.get(name, 0.0) + used

    def timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` counted under ``name``, less what the stages it calls count (nested)."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            inner = getattr(self._active, "stack", None)
            if inner is None:
                inner = self._active.stack = []
            inner.append(0.0)
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                used = time.thread_time() - start
                nested = inner.pop()
                self.add(name, used - nested)
                if inner:
                    inner[-1] += used

        return wrapper

    def timed_iter(self, name: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            start = time.thread_time()
            it = fn(*args, **kwargs)
            self.add(name, time.thread_time() - start)
            while True:
                start = time.thread_time()
                try:
                    item = next(it)
                except StopIteration:
                    self.add(name, time.thread_time() - start)
                    return
                self.add(name, time.thread_time() - start)
                yield item

        return wrapper

    def take(self) -> dict[str, float]:
        with self._lock:
            taken, self.cpu = self.cpu, {}
        return taken


STAGES = Stages()


def instrument() -> None:
    """The desktop's sync functions wrapped by ``STAGES`` (names as intercambio.py uses them)."""
    from icsoe_desktop.services.sync import contenido, intercambio, verificacion
    from icsoe_desktop.services.sync.transporte import Transporte

    intercambio.Intercambio._batches = STAGES.timed_iter(  # type: ignore[method-assign]
        "encode", intercambio.Intercambio._batches
    )
    intercambio.apply_remote = STAGES.timed("apply", intercambio.apply_remote)
    intercambio.record_push_results = STAGES.timed("marcar", intercambio.record_push_results)
    intercambio.Intercambio._restore_indexes = STAGES.timed(  # type: ignore[method-assign]
        "índices", intercambio.Intercambio._restore_indexes
    )
    Transporte.call = STAGES.timed("http", Transporte.call)  # type: ignore[method-assign]
    Transporte.call_known = STAGES.timed(  # type: ignore[method-assign]
        "http", Transporte.call_known
    )
    contenido.ComparacionContenido.compare = STAGES.timed(  # type: ignore[method-assign]
        "contenido", contenido.ComparacionContenido.compare
    )
    verificacion.Verificacion.verify = STAGES.timed(  # type: ignore[method-assign]
        "verificar", verificacion.Verificacion.verify
    )


# --- the server ---------------------------------------------------------------------------------


class Server:
    """``serve`` in its own process (bench/sync_servidor_etapas.py), its stages in a file."""

    def __init__(self, url: str, tmp: Path, n: int) -> None:
        import requests

        self.port = pg.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stages_file = tmp / f"etapas{n}.json"
        log = (tmp / f"server{n}.log").open("ab")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "sync_servidor_etapas.py"),
                str(self.stages_file),
                "serve",
                "--database-url",
                url,
                "--listen",
                f"127.0.0.1:{self.port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/v1/estado", timeout=1)
                return
            except (requests.ConnectionError, requests.Timeout):
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"el servidor no arrancó: {(tmp / f'server{n}.log').read_text()}")

    def stages(self) -> dict[str, float]:
        try:
            return dict(json.loads(self.stages_file.read_text()))
        except (OSError, ValueError):
            return {}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _no_autovacuum(engine: Any) -> None:
    """Autovacuum off in the throwaway cluster: its ANALYZE of the rows a push wrote lands in
    whatever is measured when it wakes (the pull, a baseline), and the INSERT's and the COPY's
    later still; the work each side does is measured, not the one the other side left."""
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ALTER SYSTEM SET autovacuum = off"))
        conn.execute(text("SELECT pg_reload_conf()"))


def postmaster_pid(engine: Any) -> int:
    from sqlalchemy import text

    with engine.connect() as conn:
        folder = conn.execute(text("SHOW data_directory")).scalar_one()
    return int((Path(folder) / "postmaster.pid").read_text().split()[0])


# --- the rows and the baselines -----------------------------------------------------------------


def make_rows(services: Any, table: str, count: int) -> None:
    """``count`` rows of ``table`` on a desktop, all of them waiting to be pushed."""
    if table == "movimientos":
        from datetime import date

        from bench.datos_reales import crear_movimientos

        crear_movimientos(services.store, count, date(2026, 11, 22))
        return
    if table != "audit_log":
        raise SystemExit(f"make_rows no sabe crear renglones de {table!r}")
    with services.store.session() as session:
        for n in range(count):
            services.audit.record(
                session,
                "nominas@empresa.com",
                "movimiento_capturado",
                f"Y5412345106 {n:08d}",
                f"alta NSS 1234567{n % 10000:04d} salario 315.04 fecha 2026-11-{1 + n % 28:02d}",
            )


PLAIN_COLUMNS = ("uuid", "version", "updated_at", "deleted", "data")


def _plain_table(engine: Any, name: str) -> Any:
    from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table
    from sqlalchemy.dialects.postgresql import JSONB

    plain = Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("uuid", String(36), unique=True),
        Column("version", Integer),
        Column("updated_at", DateTime),
        Column("deleted", Boolean),
        Column("data", JSON().with_variant(JSONB(), "postgresql")),
    )
    plain.create(engine)
    return plain


def plain_insert(engine: Any, meter: Meter, table: str, rows: list[dict]) -> dict[str, float]:
    """The baseline: the same wire rows, one bulk INSERT (SQLAlchemy's, as the app's own
    inserts) into a plain table of the same width; CPU of this process and PostgreSQL's."""
    from sqlalchemy import insert

    plain = _plain_table(engine, f"plain_{table}")
    before = meter.now()
    values = [{key: r[key] for key in PLAIN_COLUMNS} for r in rows]
    with engine.begin() as conn:
        conn.execute(insert(plain), values)
    return Meter.since(before, meter.now())


def plain_copy(engine: Any, meter: Meter, table: str, rows: list[dict]) -> dict[str, float]:
    """The same rows by COPY (text, psycopg's ``write_row``) into another plain table."""
    from psycopg.types.json import Jsonb

    _plain_table(engine, f"copy_{table}")
    before = meter.now()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            columns = ", ".join(PLAIN_COLUMNS)
            with cursor.copy(f"COPY copy_{table} ({columns}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(
                        (r["uuid"], r["version"], r["updated_at"], r["deleted"], Jsonb(r["data"]))
                    )
        raw.commit()
    finally:
        raw.close()
    return Meter.since(before, meter.now())


# --- one round ----------------------------------------------------------------------------------


def _plain_desktop(folder: Path, server_url: str, engine: Any) -> Any:
    """A desktop whose stores stay in clear (as with no OS keyring): its key provider gives
    none for ``folder``."""
    from icsoe_desktop.services import llave_almacen
    from icsoe_desktop.store import cifrado

    original = llave_almacen.LlaveAlmacen._cargar

    def sin_llave(self: Any) -> bytes | None:
        if cifrado.carpeta_normal(self._data_dir) == cifrado.carpeta_normal(folder):
            return None
        return original(self)

    llave_almacen.LlaveAlmacen._cargar = sin_llave  # type: ignore[method-assign]
    return pg.connect_desktop(folder, server_url, engine, "Escritorio en claro")


def total(used: dict[str, float]) -> float:
    return used["escritorio"] + used["servidor"] + used["postgres"]


def one_round(n: int, args: argparse.Namespace, tmp: Path) -> dict[str, float]:
    """A fresh cluster, server and three desktops: the CPU (and wall) of push, pull, plain pull,
    INSERT and COPY, and the stages. (A cluster per round: in a shared one the earlier rounds'
    writes were still being flushed during the later baselines.)"""
    from icsoe_desktop.services.movimientos.servicio import Filtro
    from icsoe_desktop.services.sync.encode import local_changes
    from icsoe_desktop.store import cifrado

    url, engine, stop = pg.start_database()
    _no_autovacuum(engine)
    server = None
    desktops: list[Any] = []
    try:
        server = Server(url, tmp, n)
        meter = Meter(server.process.pid, postmaster_pid(engine))
        for name in ("a", "b"):
            desktops.append(
                pg.connect_desktop(tmp / f"{name}{n}", server.url, engine, f"Escritorio {name}")
            )
        desktops.append(_plain_desktop(tmp / f"c{n}", server.url, engine))
        a, b, c = desktops
        assert not cifrado.es_plano(a.store.path) and not cifrado.es_plano(b.store.path)
        assert cifrado.es_plano(c.store.path), c.store.path
        make_rows(a, args.table, args.rows)
        if args.sin_contenido:  # compared a moment ago: not due at these syncs
            from icsoe_desktop.domain.clock import utcnow

            for services in desktops:
                services.sync.estado.escribir(contenido_at=utcnow().isoformat())
        with a.store.session() as session:
            wire = [r for r in local_changes(session) if r["table"] == args.table]

        figures: dict[str, float] = {}

        def measure(kind: str, services: Any) -> Any:
            STAGES.take()
            server_before = server.stages()
            before = meter.now()
            thread = time.thread_time()
            if args.profile:
                profiler = cProfile.Profile()
                result = profiler.runcall(services.sync.synchronize)
                profiler.dump_stats(args.profile / f"escritorio.{kind}.{n}.prof")
            else:
                result = services.sync.synchronize()
            figures[f"{kind} hilo"] = time.thread_time() - thread
            used = Meter.since(before, meter.now())
            server_after = server.stages()
            for key, value in used.items():
                figures[f"{kind} {key}"] = value
            for key, value in STAGES.take().items():
                figures[f"{kind} escritorio {key}"] = value
            for key in server_after:
                figures[f"{kind} servidor {key}"] = server_after[key] - server_before.get(key, 0)
            return result

        pushed = measure("envío", a)
        pulled = measure("recepción", b)
        measure("en claro", c)
        assert pushed.enviados >= args.rows, pushed
        assert pulled.recibidos >= args.rows, pulled
        for key, value in plain_insert(engine, meter, args.table, wire).items():
            figures[f"INSERT {key}"] = value
        for key, value in plain_copy(engine, meter, args.table, wire).items():
            figures[f"COPY {key}"] = value
        if args.table == "movimientos":
            for services in (b, c):
                arrived = services.movimientos.count(Filtro())
                assert arrived == args.rows, f"{arrived} movimientos, se esperaban {args.rows}"
        return figures
    finally:
        for services in desktops:
            services.close()
        if server is not None:
            server.stop()
        stop()


# --- report -------------------------------------------------------------------------------------


def _stages(f: dict[str, float]) -> dict[str, float]:
    """One round's CPU of push + pull (encrypted) by stage."""

    def get(key: str) -> float:
        return f.get(key, 0.0)

    out: dict[str, float] = {}
    out["encode"] = get("envío escritorio encode")
    http_desktop = get("envío escritorio http") + get("recepción escritorio http")
    server_stages = sum(
        get(f"{kind} servidor {stage}")
        for kind in ("envío", "recepción")
        for stage in ("leer", "escribir", "página")
    )
    server_rest = get("envío servidor") + get("recepción servidor") - server_stages
    out["HTTP (equipo)"] = http_desktop
    out["HTTP (servidor)"] = server_rest
    out["servidor: leer envío"] = get("envío servidor leer")
    out["servidor: escribir envío"] = get("envío servidor escribir")
    out["servidor: páginas"] = get("recepción servidor página")
    out["PostgreSQL"] = get("envío postgres") + get("recepción postgres")
    out["equipo: marcar envío"] = get("envío escritorio marcar")
    out["equipo: aplicar páginas"] = get("recepción escritorio apply")
    out["equipo: índices al final"] = get("recepción escritorio índices")
    out["equipo: comprobar contenido (cada hora)"] = get("envío escritorio contenido") + get(
        "recepción escritorio contenido"
    )
    out["equipo: comprobar sumas"] = get("envío escritorio verificar") + get(
        "recepción escritorio verificar"
    )
    named = ("encode", "http", "marcar", "apply", "índices", "contenido", "verificar")
    out["equipo: hilo que sincroniza"] = get("envío hilo") + get("recepción hilo")
    out["equipo: lo demás"] = sum(
        get(f"{kind} escritorio") - sum(get(f"{kind} escritorio {s}") for s in named)
        for kind in ("envío", "recepción")
    )
    plain_apply = get("en claro escritorio apply") + get("en claro escritorio índices")
    out["  de ello SQLCipher (aplicar cifrado − en claro)"] = (
        get("recepción escritorio apply") + get("recepción escritorio índices") - plain_apply
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--table", default="movimientos", choices=("movimientos", "audit_log"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sin-contenido",
        action="store_true",
        help="the hourly content check not due at the measured syncs (it falls on a desktop's "
        "first sync): push and pull alone",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder for cProfile files: the desktop's sync (its calling thread) and the "
        "server's stages (each call); the CPU figures then include the profilers'",
    )
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        os.environ["ICSOE_BENCH_PERFIL"] = str(args.profile.resolve())

    from datetime import datetime

    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-sync-"))
    pg.isolate(tmp)
    instrument()
    recolector.medir()
    rounds: list[dict[str, float]] = []
    try:
        check = "not due" if args.sin_contenido else "due (a desktop's first sync)"
        print(
            f"rows: {args.rows} ({args.table}), {datetime.now():%Y-%m-%d %H:%M}; hourly content "
            f"check {check}; {carga()}"
        )
        print("CPU s (equipo + servidor + PostgreSQL; reloj entre paréntesis)")
        print("round    push   pull  push+pull  INSERT   COPY  ratio/INSERT ratio/COPY  en claro")
        for n in range(1, args.rounds + 1):
            f = one_round(n, args, tmp)
            rounds.append(f)
            push, pull = total(_sub(f, "envío")), total(_sub(f, "recepción"))
            insert, copy = total(_sub(f, "INSERT")), total(_sub(f, "COPY"))
            f["ratio"], f["ratio copy"] = (push + pull) / insert, (push + pull) / copy
            f["sync"], f["insert"], f["copy"] = push + pull, insert, copy
            f["ratio sin recolector"] = _sin_recolector(f)
            print(
                f"{n:5} {push:7.2f} {pull:6.2f} {push + pull:9.2f} {insert:7.2f} {copy:6.2f}"
                f"  {f['ratio']:11.2f} {f['ratio copy']:10.2f}"
                f"  {total(_sub(f, 'en claro')):7.2f}   (reloj {f['envío reloj']:.2f} + "
                f"{f['recepción reloj']:.2f} s; INSERT {f['INSERT reloj']:.2f} s, "
                f"COPY {f['COPY reloj']:.2f} s); {carga()}"
            )
        med = statistics.median
        print("\nby process (median CPU s)        push    pull  INSERT    COPY")
        kinds = ("envío", "recepción", "INSERT", "COPY")
        # Python's cyclic collector, inside the figures above: the INSERT's program keeps its
        # rows in memory, as any program inserting them would, and its full collections walk them.
        # The server has no INSERT or COPY of its own (blank there).
        collector = "of which Python collector"
        for label, key, note in (
            *(
                (who, who, "")
                for who in ("escritorio", "servidor", "postgres", "postgres conexiones")
            ),
            (collector, "escritorio recolector", "  (desktop)"),
            (collector, "servidor recolector", "  (server)"),
        ):
            cells = [
                f"{med(r.get(f'{kind} {key}', 0.0) for r in rounds):7.2f}"
                if any(f"{kind} {key}" in r for r in rounds)
                else " " * 7
                for kind in kinds
            ]
            print(f"  {label:28} {' '.join(cells)}{note}".rstrip())
        print("\nby stage, push + pull (median CPU s)")
        stages = [_stages(r) for r in rounds]
        for name in stages[0]:
            print(f"  {name:48} {med(s[name] for s in stages):6.2f}")
        print(
            f"\nmedian CPU: push + pull {med(r['sync'] for r in rounds):.2f} s, "
            f"INSERT {med(r['insert'] for r in rounds):.2f} s, "
            f"COPY {med(r['copy'] for r in rounds):.2f} s"
        )
        print(
            f"median ratio, CPU (push + pull / bulk INSERT, paired per round): "
            f"{med(r['ratio'] for r in rounds):.2f} (rounds "
            + ", ".join(f"{r['ratio']:.2f}" for r in rounds)
            + f"); against COPY {med(r['ratio copy'] for r in rounds):.2f}; {carga()}"
        )
        print(
            "the same without Python's collector on either side: "
            f"{med(r['ratio sin recolector'] for r in rounds):.2f} (rounds "
            + ", ".join(f"{r['ratio sin recolector']:.2f}" for r in rounds)
            + ")"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # three stores of N rows per round: not left
    return 0


def _sin_recolector(f: dict[str, float]) -> float:
    """A round's ratio with the CPU of Python's cyclic collector taken out of both sides: the
    INSERT's program collects its 100,000 rows held in memory (~1 s), the sync's processes
    hold a page or a batch at a time."""
    sync = f["sync"] - sum(
        f.get(f"{kind} {who} recolector", 0.0)
        for kind in ("envío", "recepción")
        for who in ("escritorio", "servidor")
    )
    return sync / (f["insert"] - f.get("INSERT escritorio recolector", 0.0))


def _sub(f: dict[str, float], kind: str) -> dict[str, float]:
    return {key: f[f"{kind} {key}"] for key in ("escritorio", "servidor", "postgres")}


if __name__ == "__main__":
    sys.exit(main())
