"""A throwaway PostgreSQL cluster (Debian's binaries: initdb + pg_ctl on 127.0.0.1) and the sync
server on uvicorn in a thread: shared by the sync tests' fixtures and bench/sync.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import free_port
from tests.preloaded import start as preloaded_start

MISSING = (
    "PostgreSQL no está instalado: las pruebas de sincronización necesitan un PostgreSQL real "
    "(apt-get install postgresql; .ci/run lo instala)."
)


class ClusterError(RuntimeError):
    pass


def pg_bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise ClusterError(MISSING)


def start_cluster() -> tuple[int, Callable[[], None]]:
    """Start a cluster; return its port and the function that stops and removes it."""
    bindir = pg_bindir()
    base = Path(tempfile.mkdtemp(prefix="icsoe-pg-"))
    data = base / "data"
    # PostgreSQL refuses to run as root: as root, run it as the postgres user in a dir it owns.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()

    def run(*args: str) -> None:
        result = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise ClusterError(f"{args[0]} falló: {result.stdout}\n{result.stderr}")

    def stop() -> None:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)

    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    run(*initdb, "-E", "UTF8", "--locale=C", "--no-sync")
    options = (
        f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=100"
    )
    try:
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
    except ClusterError:
        stop()
        raise
    return port, stop


def admin(port: int, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


def url(port: int, database: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"


class ThreadServer:
    """The sync server app on a real uvicorn, in a thread of this process."""

    def __init__(self, app, port: int) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("el servidor de sincronización no arrancó")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class ServerProcess:
    """`python -m icsoe_desktop.sync_server serve` as a subprocess: the documented command."""

    def __init__(self, database_url: str, port: int, log: Path, preloaded: bool = False) -> None:
        self.database_url, self.port, self.log = database_url, port, log
        # ``preloaded``: a fork of the tests' preloaded process (tests/preloaded.py), which has
        # the imports done: a real process all the same, its own pid, killed as any other.
        self.preloaded = preloaded
        self.process: Any = None
        self.options: list[str] = []  # more `serve` options, e.g. ["--workers", "2"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import requests

        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        with self.log.open("ab") as log:
            launch = preloaded_start if self.preloaded else subprocess.Popen
            self.process = launch(
                [
                    sys.executable,
                    "-m",
                    "icsoe_desktop.sync_server",
                    "serve",
                    "--database-url",
                    self.database_url,
                    "--listen",
                    f"127.0.0.1:{self.port}",
                    *self.options,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/v1/estado", timeout=1)
                return
            except (requests.ConnectionError, requests.Timeout):  # (a loaded machine: slow)
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"el servidor no arrancó: {self.log.read_text(errors='replace')}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no clean shutdown, like a power cut
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM: with --workers, uvicorn's parent stops its worker processes first."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
