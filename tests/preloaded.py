"""``python -m icsoe_desktop …`` as a real process whose imports are already done.

The CLI tests start the program a few hundred times; each start spends ~0.8 s of CPU importing
SQLAlchemy, the models and the services before it does anything (1.8 s with Qt for the
self-check). Here one process per test process imports them once and forks; each fork runs the
command as ``python -m`` would: its own pid, the standard streams on real files, the test's
environment, working directory and arguments, the exit code and what an interpreter's exit
does that a command shows (threads joined, atexit, streams flushed; not the teardown of every
module, which in a fork copies most of the preloaded pages). What differs is only what was
imported before the command started, so the tests of what a start imports
(``test_the_command_stays_light``, the bundle's imports) start a fresh interpreter with
``subprocess.run``, as does everything where fork is missing (Windows) or when
``ICSOE_TEST_SIN_PRECARGA`` is set.

``run`` takes ``subprocess.run``'s arguments; any other command goes to ``subprocess.run``.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import locale
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

OFF_ENV = "ICSOE_TEST_SIN_PRECARGA"
# What every command of the program imports, and Qt for the self-check and the screenshots.
PRELOAD = (
    "icsoe_desktop.cli",
    "icsoe_desktop.cli_empresas",
    "icsoe_desktop.cli_informativa",
    "icsoe_desktop.cli_movimientos",
    "icsoe_desktop.cli_sepomex",
    "icsoe_desktop.cli_usuarios",
    "icsoe_desktop.logging_setup",
    "icsoe_desktop.services.container",
    "icsoe_desktop.services.certificados.servicio",
    "icsoe_desktop.services.movimientos.importar",
    "icsoe_desktop.services.movimientos.exportar",
    "icsoe_desktop.self_check",
    # What many commands then load: the sync's HTTP, the keyring, the backups' and the
    # self-check's migrations, the RFC/CURP checks, the settings file.
    "icsoe_desktop.domain.activation_link",
    "icsoe_desktop.domain.argparse_es",
    "icsoe_desktop.services.respaldo.restauracion",
    "icsoe_desktop.services.settings_empresa",
    "icsoe_desktop.services.sync.servicio",
    "requests",
    "keyring",
    "alembic.command",
    "alembic.config",
    "stdnum.mx.curp",
    "stdnum.mx.rfc",
    "tomllib",
    "logging.handlers",
    "cryptography.x509",
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
)
_MESSAGE = 1 << 20
# Read when a module is imported (cryptography's OpenSSL bindings, the locale, the interpreter):
# a command asking for other values than the preloaded process started with gets a fresh one.
_AT_IMPORT = ("CRYPTOGRAPHY_", "LANG", "LC_", "PYTHON")
_NOT_AT_IMPORT = frozenset(("PYTHONIOENCODING", "PYTHONPATH", "PYTHON_KEYRING_BACKEND"))


def _read_at_import(env: Mapping[str, str]) -> dict[str, str]:
    return {
        name: value
        for name, value in env.items()
        if name.startswith(_AT_IMPORT) and name not in _NOT_AT_IMPORT
    }


# --- the test's side ---------------------------------------------------------------------------
class _Server:
    """The preloaded process of this test process, started at first use, stopped (and waited
    for, so its CPU is counted as the test process's) when the test process exits."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="icsoe-precarga-"))
        self.address = str(self.folder / "s")
        listening = self.folder / "listo"
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH")))),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.preloaded", self.address, str(listening)],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        self.ready = listening
        self.at_import = _read_at_import(env)
        atexit.register(self.stop)

    def wait_ready(self) -> None:
        import time

        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("el proceso precargado de las pruebas no arrancó")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait()
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


_server: _Server | None = None
_server_lock = threading.Lock()


def stop() -> None:
    """Stop this test process's preloaded process, if it started one (tests/conftest.py, at the
    end of the session: a pytest-xdist worker may leave without running atexit)."""
    global _server
    with _server_lock:
        if _server is not None:
            _server.stop()
            _server = None


def _usable(args: Sequence[Any], kwargs: Mapping[str, Any]) -> bool:
    if os.environ.get(OFF_ENV) or not hasattr(os, "fork") or isinstance(args, (str, bytes)):
        return False
    argv = [str(a) for a in args]
    known = {
        "input",
        "capture_output",
        "timeout",
        "env",
        "check",
        "text",
        "encoding",
        "errors",
        "cwd",
        "universal_newlines",
    }
    return argv[:3] == [sys.executable, "-m", "icsoe_desktop"] and set(kwargs) <= known


def _server_for(env: Mapping[str, str] | None) -> _Server | None:
    """This test process's preloaded process, started if need be; None when ``env`` gives a
    variable read at import another value than it started with."""
    global _server
    with _server_lock:
        if _server is None or _server.process.poll() is not None:
            _server = _Server()
        server = _server
    if _read_at_import(os.environ if env is None else env) != server.at_import:
        return None
    server.wait_ready()
    return server


def run(args: Sequence[Any], **kwargs: Any) -> subprocess.CompletedProcess:
    """``subprocess.run(args, **kwargs)``, in a preloaded fork when ``args`` start the program."""
    if not _usable(args, kwargs):
        return subprocess.run(args, **kwargs)
    server = _server_for(kwargs.get("env"))
    if server is None:
        return subprocess.run(args, **kwargs)
    return _run_in(server, [str(a) for a in args], **kwargs)


def start(
    args: Sequence[Any],
    *,
    stdout: Any = None,
    stderr: Any = None,
    text: bool = False,
    env: Mapping[str, str] | None = None,
) -> Any:
    """``subprocess.Popen(args, …)`` for ``python -m MODULE …`` (the program, or a module of the tests
    that imports it), in a preloaded fork: ``stdout``/``stderr`` may be ``PIPE`` (real
    pipes, read as they are written) or an open file, and ``stderr`` ``STDOUT``; stdin is
    empty; ``pid``, ``poll``, ``wait``, ``kill``, ``terminate`` and ``communicate`` as
    Popen's. A module of its own that must import afresh is not for it."""
    argv = [str(a) for a in args]
    if os.environ.get(OFF_ENV) or not hasattr(os, "fork") or argv[:2] != [sys.executable, "-m"]:
        return subprocess.Popen(args, stdout=stdout, stderr=stderr, text=text, env=env)
    server = _server_for(env)
    if server is None:
        return subprocess.Popen(args, stdout=stdout, stderr=stderr, text=text, env=env)
    return _Started(server, argv, stdout, stderr, text, env)


class _Started:
    """A preloaded command running: its exit code comes over the preloaded process's socket."""

    def __init__(
        self,
        server: _Server,
        argv: list[str],
        stdout: int | None,
        stderr: int | None,
        text: bool,
        env: Mapping[str, str] | None,
    ) -> None:
        self.args, self.returncode = argv, None
        streams: list[Any] = []
        child_fds = [os.open(os.devnull, os.O_RDONLY)]
        for wanted, own in ((stdout, sys.__stdout__), (stderr, sys.__stderr__)):
            if wanted == subprocess.PIPE:
                read, write = os.pipe()
                child_fds.append(write)
                mode = "r" if text else "rb"
                encoding = locale.getpreferredencoding(False) if text else None
                streams.append(open(read, mode, encoding=encoding))  # noqa: SIM115
            elif wanted == subprocess.STDOUT:
                child_fds.append(os.dup(child_fds[1]))
                streams.append(None)
            else:
                target = wanted if hasattr(wanted, "fileno") else own
                child_fds.append(os.dup(target.fileno()))
                streams.append(None)
        self.stdout, self.stderr = streams
        request = {
            "module": argv[2],
            "argv": argv[3:],
            "env": dict(os.environ if env is None else env),
            "cwd": os.getcwd(),
        }
        self._conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._conn.connect(server.address)
            socket.send_fds(self._conn, [json.dumps(request).encode()], child_fds)
            self.pid = json.loads(self._conn.recv(_MESSAGE))["pid"]
        finally:
            for fd in child_fds:
                os.close(fd)

    def poll(self) -> int | None:
        if self.returncode is None:
            self._conn.setblocking(False)
            try:
                self._done(self._conn.recv(_MESSAGE))
            except BlockingIOError:
                pass
            finally:
                if self.returncode is None:
                    self._conn.setblocking(True)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._conn.settimeout(timeout)
            try:
                self._done(self._conn.recv(_MESSAGE))
            except TimeoutError:
                raise subprocess.TimeoutExpired(self.args, timeout) from None
        assert self.returncode is not None
        return self.returncode

    def _done(self, message: bytes) -> None:
        self.returncode = json.loads(message)["returncode"]
        self._conn.close()

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, signal.SIGKILL)

    def terminate(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, signal.SIGTERM)

    def communicate(self, timeout: float | None = None) -> tuple[Any, Any]:
        """Everything each pipe gives until the command ends, read at once (no pipe fills)."""
        read: dict[int, Any] = {}
        readers = [
            threading.Thread(target=lambda i=i, s=s: read.__setitem__(i, s.read()), daemon=True)
            for i, s in enumerate((self.stdout, self.stderr))
            if s is not None
        ]
        for reader in readers:
            reader.start()
        self.wait(timeout)
        for reader in readers:
            reader.join()
        for stream in (self.stdout, self.stderr):
            if stream is not None:
                stream.close()
        return read.get(0), read.get(1)


def _run_in(
    server: _Server,
    argv: list[str],
    *,
    input: bytes | str | None = None,
    capture_output: bool = False,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = False,
    text: bool | None = None,
    encoding: str | None = None,
    errors: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    universal_newlines: bool | None = None,
) -> subprocess.CompletedProcess:
    as_text = bool(text or universal_newlines or encoding or errors)
    if as_text:
        encoding = encoding or locale.getpreferredencoding(False)
    files = [tempfile.TemporaryFile() for _ in range(3)]  # noqa: SIM115 (closed below)
    try:
        if input is not None:
            files[0].write(
                input.encode(encoding, errors or "strict") if isinstance(input, str) else input
            )
            files[0].seek(0)
        outputs = files[1:] if capture_output else [None, None]
        fds = [files[0].fileno()] + [f.fileno() if f else sys.__stdout__.fileno() for f in outputs]
        request = {
            "module": argv[2],
            "argv": argv[3:],
            "env": dict(os.environ if env is None else env),
            "cwd": os.fspath(cwd) if cwd is not None else os.getcwd(),
        }
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.connect(server.address)
            socket.send_fds(conn, [json.dumps(request).encode()], fds)
            pid = json.loads(conn.recv(_MESSAGE))["pid"]
            conn.settimeout(timeout)
            try:
                returncode = json.loads(conn.recv(_MESSAGE))["returncode"]
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                conn.settimeout(None)
                conn.recv(_MESSAGE)
                raise subprocess.TimeoutExpired(argv, timeout) from None
        out: Any = None
        err: Any = None
        if capture_output:
            out, err = (_read(f, as_text, encoding, errors) for f in files[1:])
    finally:
        for f in files:
            f.close()
    done = subprocess.CompletedProcess(argv, returncode, out, err)
    if check:
        done.check_returncode()
    return done


def _read(file: Any, as_text: bool, encoding: str | None, errors: str | None) -> bytes | str:
    file.seek(0)
    data = file.read()
    if not as_text:
        return data
    # As subprocess decodes a text pipe: universal newlines.
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors).read()


# --- the preloaded process ---------------------------------------------------------------------
def _serve(address: str, ready: str) -> dict[str, Any] | None:
    """Accept commands until told to stop; return the request in each command's process."""
    import gc
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    # What was imported stays for every fork: kept out of the collector, a fork's exit does not
    # walk it (0.2 s of each command's exit otherwise) and its pages stay shared.
    gc.collect()
    gc.freeze()
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    parent = os.getppid()
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as listener:
        listener.bind(address)
        listener.listen(16)
        listener.settimeout(0.5)
        Path(ready).touch()
        waiters: set[int] = set()
        while not stopping and os.getppid() == parent:
            _reap(waiters, block=False)
            try:
                conn, _ = listener.accept()
            except (TimeoutError, InterruptedError):
                continue
            message, fds, _flags, _addr = socket.recv_fds(conn, _MESSAGE, 3)
            waiter = os.fork()
            if waiter == 0:  # waits for the command and tells its exit code
                listener.close()
                command = os.fork()
                if command == 0:
                    conn.close()
                    for fd, standard in zip(fds, (0, 1, 2), strict=True):
                        os.dup2(fd, standard)
                        os.close(fd)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    return json.loads(message)
                for fd in fds:
                    os.close(fd)
                conn.send(json.dumps({"pid": command}).encode())
                _pid, status = os.waitpid(command, 0)
                conn.send(json.dumps({"returncode": _returncode(status)}).encode())
                os._exit(0)
            for fd in fds:
                os.close(fd)
            conn.close()
            waiters.add(waiter)
        _reap(waiters, block=True)
    return None


def _returncode(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _reap(waiters: set[int], block: bool) -> None:
    for pid in list(waiters):
        done, _status = os.waitpid(pid, 0 if block else os.WNOHANG)
        if done:
            waiters.discard(pid)


def _exit_code(code: object) -> int:
    """The exit status ``SystemExit(code)`` gives an interpreter (a text is printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _exit(code: int) -> None:
    """What an interpreter's exit does that a command shows (its threads joined, atexit run,
    its streams flushed), without the teardown of every module: in a fork of the preloaded
    process that teardown copies most of its shared pages (~50 ms a command)."""
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed by the command, as python allows
            stream.flush()
    os._exit(code)


def _become(request: dict[str, Any]) -> None:
    """This process becomes ``python -m icsoe_desktop ARGS`` started with the request's
    environment and working directory, its standard streams on fds 0-2."""
    os.environ.clear()
    os.environ.update(request["env"])
    import tempfile

    tempfile.tempdir = None  # read again from the command's TMPDIR, as a fresh start reads it
    os.chdir(request["cwd"])
    sys.path[0] = request["cwd"]
    # The streams as the interpreter opens them: PYTHONIOENCODING, else the locale's encoding.
    wanted, _, wanted_errors = os.environ.get("PYTHONIOENCODING", "").partition(":")
    encoding = wanted or locale.getpreferredencoding(False)
    errors = wanted_errors or "strict"
    # The process's own streams, for its whole life: nothing to close.
    modes = ((0, "rb"), (1, "wb"), (2, "wb"))
    stdin, stdout, stderr = (open(fd, m, closefd=False) for fd, m in modes)  # noqa: SIM115
    sys.stdin = io.TextIOWrapper(stdin, encoding=encoding, errors=errors)
    sys.stdout = io.TextIOWrapper(stdout, encoding=encoding, errors=errors)
    sys.stderr = io.TextIOWrapper(
        stderr, encoding=encoding, errors="backslashreplace", line_buffering=True
    )
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.argv = ["-m", *request["argv"]]


if __name__ == "__main__":
    request = _serve(sys.argv[1], sys.argv[2])
    if request is not None:
        import runpy

        _become(request)
        code = 0
        try:
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except BaseException:
            sys.excepthook(*sys.exc_info())
            code = 1
        _exit(code)
