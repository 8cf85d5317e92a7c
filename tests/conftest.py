"""Test isolation: offscreen Qt, a temp data dir, SQLite file and keyring per test."""

from __future__ import annotations

import os
import sys

# Qt must never look for a display here; this has to happen before any Qt import. Its screen
# is the most common office laptop's, 1366×768, less Windows' 40 px taskbar: an offscreen
# screen has no taskbar, so its available geometry is all of it. (Not on Windows: Qt splits
# this setting at the drive letter's colon; the Windows run has no window tests.)
if os.environ.get("ICSOE_TECLADO_X") == "1":
    # The guides' script under a real window manager, on the X display given (tests/gui/teclas.py).
    os.environ["QT_QPA_PLATFORM"] = "xcb"
elif sys.platform == "win32":
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
else:
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "pantalla_1366x768.json"
    )
# New password hashes and recovery seals at scrypt's lowest accepted cost (domain/passwords.py):
# the suite creates and signs in thousands of users and opens thousands of new data folders (two
# seals each), at ~0.14 s of CPU each at the app's cost. A stored hash or seal carries its cost,
# and tests/domain/test_passwords.py and tests/services/test_recuperacion_almacen.py check the
# app's own cost without this. The processes the tests start inherit it.
os.environ["ICSOE_SCRYPT_N"] = str(2**10)
if sys.platform == "win32" and os.environ.get("WINDIR"):
    # Offscreen Qt on Windows reads font files from a folder (its own lib/fonts, which PySide6
    # does not ship); Windows keeps them in %WINDIR%\Fonts. (Wine's is empty: the Wine run
    # names another, installer/windows_wine.py.)
    os.environ.setdefault("QT_QPA_FONTDIR", os.path.join(os.environ["WINDIR"], "Fonts"))

import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.roles import CLI_ACTOR

T = TypeVar("T")

# --- where the tests' files go ------------------------------------------------------------------
# Every test writes real SQLite stores, backups and keyrings, and SQLite syncs each new store, each
# checkpoint and each backup to disk: on a disk that wait is most of a test's time. Linux's
# /dev/shm (memory) takes the same files without it, so the temp dirs go there when it has room
# (the processes the tests start too, by TMPDIR); elsewhere, the system's temp dir.
SHARED_MEMORY = Path("/dev/shm")
ROOM_NEEDED = 4 * 2**30


def _memory_temp_dir() -> Path | None:
    if sys.platform != "linux" or os.environ.get("ICSOE_TEST_TMPDIR_ON_DISK"):
        return None
    try:
        usage = shutil.disk_usage(SHARED_MEMORY)
    except OSError:
        return None
    if usage.free < ROOM_NEEDED or not os.access(SHARED_MEMORY, os.W_OK | os.X_OK):
        return None
    return SHARED_MEMORY


if (_memory := _memory_temp_dir()) is not None:
    os.environ["TMPDIR"] = str(_memory)
    tempfile.tempdir = str(_memory)

# pytest rewrites the asserts of every test module it imports (~6 s of CPU for the suite, again in
# each -n worker) and keeps the result in __pycache__ (ignored by git) unless writing bytecode is
# off (PYTHONDONTWRITEBYTECODE): the suite keeps it, and the app's modules' bytecode with it.
sys.dont_write_bytecode = False


# --- which tests run where ---------------------------------------------------------------------
# `gui`: the tests that need Qt widgets (tests/gui, or a qtbot/qapp fixture); `postgres`: the
# sync tests (a real PostgreSQL cluster, tests/sync), also `slow`. Other `slow` and `end2end`
# marks are on the tests themselves. The Windows run (installer/windows_wine.py,
# Windows CPython under Wine) selects `-m "not gui and not postgres and not pure"`: offscreen
# Qt's fonts are the host's there, no PostgreSQL runs under Wine, and `pure` is below (PURE).
TESTS = Path(__file__).resolve().parent
SYNC_TESTS = TESTS / "sync"
SYNC_MARKS = frozenset(("postgres", "slow"))  # every test of SYNC_TESTS carries both
GUI_FIXTURES = frozenset(("qtbot", "qapp"))

# Tests that cannot run on Windows, and why; each is reported as skipped with its reason.
NOT_ON_WINDOWS = {
    "services/test_secrets_backend.py::test_with_keyrings_alt_installed_and_no_os_keyring": (
        "Windows always has its Credential Manager: a machine without an OS keyring is Linux's"
    ),
    "services/test_secrets_backend.py::test_a_plaintext_or_null_backend_named_explicitly": (
        "Windows always has its Credential Manager: the refused backend falls back to it"
    ),
    "services/test_secrets_backend.py::test_in_the_apps_own_process_no_os_keyring": (
        "Windows always has its Credential Manager: a machine without an OS keyring is Linux's"
    ),
    "services/test_secrets_backend.py::test_without_a_session_bus_there_is_no_keyring": (
        "Windows always has its Credential Manager: a session's D-Bus is Linux's"
    ),
    "services/test_secrets_backend.py::test_the_systems_own_keyring_is_taken_without": (
        "a desktop session's D-Bus and GNOME Keyring are Linux's (Windows: the self-check's)"
    ),
    "services/test_codigos_postales.py::test_a_device_is_refused_before_it_is_read": (
        "a device read as a file (/dev/zero behind a link) is a Unix path"
    ),
    "store/test_nueva_columna.py": (
        "a scratch copy of the repository, made with git, which the Windows run does not have"
    ),
}
# The find engine's answers held to SQL's over many finds, filters and orders (`mismo_sql`): each
# compares what the copy, the kept orders, the parts and the walked index answer with SQLite's
# own ORDER BY, the same SQLite on every platform. The Windows run leaves them to Linux; the
# processes and files behind those sources run there in their own tests (copia_aparte, tramos:
# restored, damaged, after writes, a column not cut; espejo_guardado, vigencia; marcas: after a
# write, without the copy).
MISMO_SQL = (
    "services/test_movimientos_tramos.py::test_right_after_the_click_a_far_page_by_any_other",
    "services/test_movimientos_buscar_orden.py::",
    "services/test_movimientos_espejo.py::test_any_find_under_any_panel_filter_is_counted_alike",
    "services/test_movimientos_espejo_columnas.py::test_the_middle_of_a_sorted_find_from_memory",
    "services/test_movimientos_espejo_columnas.py::test_right_after_writes_the_order_read_before",
    "services/test_movimientos_marcas.py::test_every_column_both_ways_shows_the_rows_sql_sorts",
    "services/test_movimientos_marcas.py::test_every_id_in_each_order_is_sqls_order",
)
# Modules of tests/domain that only compute on Python values (`pure`): no file or path, process,
# keyring or store, no time zone or clock, no randomness of the OS, no text encoding the OS
# picks (console, locale, file names), no certificate, key or password cryptography (OpenSSL and
# scrypt are built per platform). The same Python gives the same answer on every platform, so the
# Windows run (-m "... and not pure", installer/windows_wine.py) leaves them to Linux and spends
# its time on what Windows can change. tests/test_seleccion.py checks that none of them names
# those things; a module that starts to must leave this list.
PURE = frozenset(
    f"domain/test_{name}.py"
    for name in (
        "activation_link",
        "evidencias_lectura",
        "evidencias_periodos",
        "informativa_reglas",
        "lote_rapido",
        "movimientos",
        "parecidos",
        "sisub_bimestre_faltante",
        "sisub_pagado",
        "sisub_plazos",
        "sisub_presentados",
        "sisub_titulos",
        "sync_tree",
        "sync_wire",
        "vence",
    )
)
# And under Wine only (the Windows run of .ci/run); a real Windows runs them.
NOT_UNDER_WINE = {
    "services/test_backup.py::test_backup_while_another_process_writes_is_consistent": (
        "Wine's file locks are slow enough that the other process's commits restart every step "
        "of the copy, which then falls back to one step (by design): the bar does not move"
    ),
}


def _under_wine() -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")


@pytest.hookimpl(trylast=True)  # after pytest-qt's, which imports PySide6
def pytest_configure(config: pytest.Config) -> None:
    if "shiboken6" in sys.modules:  # the app's own import, as app.py has it once Qt is loaded
        from icsoe_desktop.gui.kit.importaciones import sin_hook_de_pyside

        sin_hook_de_pyside()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under coverage (.ci/run's --cov), every module it measures imported now, on this
    thread: one first imported by a window's background work runs in a Qt pool thread, which
    coverage does not trace, and its definitions would count as never run."""
    if not session.config.getoption("cov_source", None):
        return
    import contextlib
    import importlib
    import pkgutil

    for paquete in ("icsoe_desktop.domain", "icsoe_desktop.services"):
        raiz = importlib.import_module(paquete)
        for modulo in pkgutil.walk_packages(raiz.__path__, f"{paquete}."):
            with contextlib.suppress(ImportError):  # a platform's own (Windows-only, say)
                importlib.import_module(modulo.name)


_MODULO_ANTERIOR: list[str] = [""]


@pytest.hookimpl(tryfirst=True)  # before the module's fixtures are made
def pytest_runtest_setup(item: pytest.Item) -> None:
    """At each test module's start, what the earlier ones left alive (the session's fixtures,
    imported modules, caches) is moved out of the cyclic collector's reach, as the app does
    after its start (gui/application.py): a full collection, which the signing and every
    release check run, then walks only what this module made. A worker of the whole suite
    holds millions of objects by its end, and each full collection walked all of them (over a
    second each). Collected first: no garbage is frozen."""
    modulo = item.nodeid.split("::", 1)[0]
    if modulo != _MODULO_ANTERIOR[0]:
        import gc

        _MODULO_ANTERIOR[0] = modulo
        gc.collect()
        gc.freeze()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under a -m that leaves out every sync test (`slow` and `postgres`, whatever else they
    carry), as the quick loop's and the Windows run's do, tests/sync is not even imported: its
    modules bring the sync server and PostgreSQL's driver into each worker (~0.3 s of CPU)."""
    if (
        collection_path.name == SYNC_TESTS.name
        and collection_path.resolve() == SYNC_TESTS
        and _leaves_out(config, SYNC_MARKS)
    ):
        return True
    return None


def _leaves_out(config: pytest.Config, marks: frozenset[str]) -> bool:
    """Whether the -m expression is false for every test marked ``marks``, whatever other marks
    it has: each other name in it is tried both ways. One that asks for a mark's arguments
    (``mark(x=1)``), or does not parse, is left to pytest."""
    import itertools
    import re

    from _pytest.mark.expression import Expression  # pytest's own reading of -m

    text = config.option.markexpr
    if not text:
        return False
    try:
        expression = Expression.compile(text)
    except SyntaxError:
        return False
    others = sorted(set(re.findall(r"[\w:+\-.\[\]\\/]+", text)) - {"and", "or", "not"} - marks)
    if len(others) > 10:  # every combination tried: left to pytest past a thousand
        return False

    def matcher(present: frozenset[str]) -> Callable[..., bool]:
        def matches(name: str, /, **arguments: object) -> bool:
            if arguments:
                raise LookupError(name)
            return name in present

        return matches

    try:
        return not any(
            expression.evaluate(matcher(marks.union(itertools.compress(others, on))))
            for on in itertools.product((False, True), repeat=len(others))
        )
    except LookupError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wine = _under_wine()
    for item in items:
        path = Path(item.path).resolve()
        if TESTS / "gui" in path.parents or GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
        module = path.relative_to(TESTS).as_posix() if path.is_relative_to(TESTS) else ""
        test_id = f"{module}::{item.name}"  # as PURE, MISMO_SQL and NOT_ON_WINDOWS name it
        if module in PURE:
            item.add_marker(pytest.mark.pure)
        if module and test_id.startswith(MISMO_SQL):
            item.add_marker(pytest.mark.mismo_sql)
        if SYNC_TESTS in path.parents:
            # A PostgreSQL cluster started (initdb) and real servers: left out of the quick loop.
            for mark in sorted(SYNC_MARKS):
                item.add_marker(mark)
        if sys.platform == "win32":
            for prefix, reason in NOT_ON_WINDOWS.items():
                if test_id.startswith(prefix):
                    item.add_marker(pytest.mark.skip(reason=f"En Windows no: {reason}"))
            for prefix, reason in NOT_UNDER_WINE.items() if wine else ():
                if test_id.startswith(prefix):
                    item.add_marker(pytest.mark.skip(reason=f"Bajo Wine no: {reason}"))


def pytest_unconfigure(config: pytest.Config) -> None:
    from tests import preloaded

    preloaded.stop()  # its CPU then counts as this process's, as a command's process's did


# --- Qt's waits ---------------------------------------------------------------------------------
# What a window test waits for (a background job's rows, a message, a mail sent) comes when the
# app has done it: on a busy machine (CI's -n 2 on two shared cores) that can take many seconds,
# and pytest-qt's default gives up after 5. A wait ends as soon as what it waits for is there,
# so a longer bound only delays the report of a test that fails anyway.
QT_WAIT_MS = 60_000


class PatientQtBot(QtBot):
    """pytest-qt's bot with QT_WAIT_MS as its default wait (a timeout given is kept)."""

    def waitUntil(self, callback: Callable[[], bool | None], *, timeout: int = QT_WAIT_MS) -> None:
        super().waitUntil(callback, timeout=timeout)

    def waitSignal(self, signal: Any, *, timeout: int = QT_WAIT_MS, **options: Any) -> Any:
        return super().waitSignal(signal, timeout=timeout, **options)

    def waitSignals(self, signals: Any, *, timeout: int = QT_WAIT_MS, **options: Any) -> Any:
        return super().waitSignals(signals, timeout=timeout, **options)


@pytest.fixture
def qtbot(qapp: Any, request: pytest.FixtureRequest) -> QtBot:
    """pytest-qt's own fixture (pytestqt/plugin.py), with the patient bot."""
    return PatientQtBot(request)


def _isolate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """The environment of a test whose temp dir is ``folder``: its data dir and keyring there."""
    data_dir = folder / "data"
    data_dir.mkdir()
    monkeypatch.setenv("ICSOE_DATA_DIR", str(data_dir))
    # The suite's own backend (tests/keyring_de_prueba.py): the app accepts a backend named
    # here unless it keeps secrets in clear (services/secrets.py). The processes a test starts
    # import it too.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    root = str(Path(__file__).resolve().parent.parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))
    )
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "xdg"))
    for var in (
        "ICSOE_SMTP_HOST",
        "ICSOE_SMTP_PORT",
        "ICSOE_SMTP_USER",
        "ICSOE_SMTP_SECURITY",
        "ICSOE_SMTP_FROM",
    ):
        monkeypatch.delenv(var, raising=False)
    import keyring.core

    from icsoe_desktop.store import cifrado, plain

    keyring.core._keyring_backend = None  # pick the backend again from the env
    plain.usar_llave_bitacora(None)  # the audit key is read again from this keyring
    cifrado.usar_llave(None)  # and the stores' key
    return data_dir


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has its own data dir and a keyring of its own in a temp dir (test-only)."""
    return _isolate(monkeypatch, tmp_path)


@pytest.fixture(autouse=True)
def _recolector(request: pytest.FixtureRequest) -> None:
    """Window tests run under the app's garbage collection (gui/kit/recolector.py: on the GUI
    thread only, as app.py installs it); the others under Python's automatic one, as the CLI
    and the server do: nothing spins the GUI loop there for the collector's timer to tick."""
    import gc

    if request.node.get_closest_marker("gui"):
        request.getfixturevalue("qapp")
        from icsoe_desktop.gui.kit import recolector

        recolector.instalar()
        return
    if "PySide6.QtCore" in sys.modules:  # no window test's work left running in the pool
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30_000)
    gc.enable()


def built_once(tmp_path_factory: pytest.TempPathFactory, build: Callable[[Path], None]) -> Path:
    """A data dir filled once by ``build(data_dir)`` (in an isolated environment of its own) for
    several tests to copy with ``copy_data``: a data set whose size is the point is paid once."""
    folder = tmp_path_factory.mktemp("built_once")
    build_isolated(folder, build)
    return folder


def build_isolated(folder: Path, build: Callable[[Path], T]) -> T:
    """``build(data_dir)`` in an isolated environment of its own in ``folder`` (its data dir and
    keyring there, for ``copy_data``), from inside a test: the test's own environment after."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = build(_isolate(monkeypatch, folder))
    import keyring.core

    from icsoe_desktop.store import plain

    keyring.core._keyring_backend = None  # the test's own keyring again
    plain.usar_llave_bitacora(None)  # and its audit key
    return result


def copy_data(built: Path, data_dir: Path) -> None:
    """A test's own copy of a ``built_once`` data dir and keyring (its stores closed)."""
    shutil.copytree(built / "data", data_dir, dirs_exist_ok=True)
    xdg = Path(os.environ["XDG_DATA_HOME"])
    if (built / "xdg").is_dir():
        shutil.copytree(built / "xdg", xdg, dirs_exist_ok=True)


def made_once(
    tmp_path_factory: pytest.TempPathFactory, make: Callable[[Any, Path, Path, SmtpSink], T]
) -> tuple[Path, T]:
    """``make(services, data_dir, folder, smtp)`` run once on the real services (the tests'
    clock; ``smtp`` a real SMTP server, not configured) in a folder of its own, for the tests of
    a module to start from (``services_copying``): the folder, and what ``make`` returned.
    Files ``make`` writes in ``folder`` (an e.firma's) are copied into each test's tmp_path."""
    from icsoe_desktop.services.container import open_services

    folder = tmp_path_factory.mktemp("made_once")

    def build(data_dir: Path) -> T:
        sink = _running_sink()
        smtp = next(sink)
        services = open_services(data_dir, FakeClock())
        try:
            return make(services, data_dir, folder, smtp)
        finally:
            services.close()
            next(sink, None)

    return folder, build_isolated(folder, build)


def services_copying(**starts: str) -> Any:
    """A module's ``services`` fixture: a test that takes one of the fixtures named (or the
    first of them it takes) starts on its own copy of what the module-scoped fixture named
    for it made once (``made_once``); the others on a new store, as everywhere. Each test
    still writes to a store of its own."""

    @pytest.fixture
    def services(request, data_dir, clock, tmp_path):
        from icsoe_desktop.services.container import open_services

        for wanted, once in starts.items():
            if wanted in request.fixturenames:
                folder = request.getfixturevalue(once)[0]
                copy_data(folder, data_dir)
                for item in folder.iterdir():
                    if item.name not in ("data", "xdg"):
                        copy = shutil.copytree if item.is_dir() else shutil.copy2
                        copy(item, tmp_path / item.name)
                break
        svc = open_services(data_dir, clock)
        yield svc
        svc.close()

    return services


@pytest.fixture
def data_dir(isolated_env: Path) -> Path:
    return isolated_env


class FakeClock:
    """A controllable clock for lockout and expiry rules (the thing under test is real)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 22, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(data_dir: Path, clock: FakeClock) -> Iterator:
    from icsoe_desktop.services.container import open_services

    svc = open_services(data_dir, clock)
    yield svc
    svc.close()


@dataclass
class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self, remitente: str = "nominas@empresa.com") -> SmtpSettings:
        # The client waits as long as the server may take on a busy machine: its thread then
        # answers a mail's DATA seconds late, and a client that gave up after 5 s counted a mail
        # the server had received as failed.
        return SmtpSettings(
            host=self.host, port=self.port, seguridad="ninguna", remitente=remitente, timeout_s=120
        )

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _running_sink() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    # ready_timeout: aiosmtpd's 1 s for its thread to answer is not enough on a loaded machine.
    controller = Controller(_Handler(sink), hostname=sink.host, port=sink.port, ready_timeout=60)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    yield from _running_sink()


@pytest.fixture
def smtp_server_2() -> Iterator[SmtpSink]:
    """A second server, to tell by which one a mail went out (an empresa's own, the shared)."""
    yield from _running_sink()


@pytest.fixture
def smtp_configured(services, smtp_server: SmtpSink) -> SmtpSink:
    """The app's settings pointed at the local SMTP server through the real settings service."""
    services.settings.save_smtp(smtp_server.settings(), None, actor=CLI_ACTOR)
    return smtp_server
