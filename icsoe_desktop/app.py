"""Builds the QApplication and opens the first window."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import cast

from icsoe_desktop.logging_setup import start_buffering
from icsoe_desktop.paths import LOG_FILE, resolve_data_dir

log = logging.getLogger(__name__)
# bench/startup.py sets this: print when the first window's first frame is drawn and when it is usable
# (Continuar answers: the login's ``lista``), then quit; the benchmark times the lines from
# outside the process. With "services" it also waits for every service of the login (links,
# expiry panel) and prints that; with "first-window" the process ends there, at once (its
# instructions are counted up to it).
STARTUP_PROBE_ENV = "ICSOE_STARTUP_PROBE"


def _install_startup_probe(application, probe: str) -> None:
    from PySide6.QtCore import QTimer

    def when(done, line: str, then) -> None:
        def check() -> None:
            if not done():
                QTimer.singleShot(5, check)  # as before: each check takes the GIL
                return
            print(line, flush=True)
            then()

        check()

    def quit_() -> None:
        application.exit_requested.emit(0)

    def services() -> None:
        when(lambda: application.services is not None, "services", quit_)

    def first_window() -> None:
        cpu = time.thread_time()  # the main thread's, for bench/startup.py (stderr: not a marker)
        print("first-window", flush=True)
        print(f"first-window-cpu {cpu * 1000:.1f}", file=sys.stderr, flush=True)
        if probe == "first-window":
            os._exit(0)  # nothing after the first window: no teardown in the count
        # Usable: the login can be answered (Continuar enabled), said as soon as it is.
        then = services if probe == "services" else quit_

        said: list[bool] = []

        def ready() -> None:
            if not said:  # once (``Qt``'s SingleShotConnection would load ``Qt``: ~40 ms)
                said.append(True)
                print("ready", flush=True)
                then()

        if application.login.continuar.isEnabled():
            ready()
        else:
            application.login.lista.connect(ready)

    application.login.primer_cuadro.connect(first_window)  # before Application.start's


class _EarlyErrors:
    """sys.excepthook until the login answers: logs, and the full hook (error_hook,
    with its message box and Qt imports) then tells the user."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("Error inesperado", exc_info=(kind, value, tb))
        self.seen = True


def _when_login_answers(app, log_path: Path, early: _EarlyErrors) -> None:
    from icsoe_desktop.gui import error_hook
    from icsoe_desktop.gui.style import apply_style

    apply_style(app)
    if sys.excepthook is early:  # not replaced meanwhile (a test, a debugger)
        error_hook.install(log_path, earlier=early.seen)


def _temporales(data_dir: Path) -> None:
    """What runs cut short left removed, and this run's temporary folder made (temporales.py),
    in the background while the services open: one listing, off the first window's path."""
    from icsoe_desktop import temporales
    from icsoe_desktop.gui.kit.operaciones import en_segundo_plano

    def preparar() -> None:
        temporales.limpiar(data_dir)
        temporales.abrir(data_dir)

    en_segundo_plano(preparar, lambda _: None, lambda exc: log.warning("Temporales", exc_info=exc))


def run_gui(
    data_dir_arg: str | None = None,
    argv: list[str] | None = None,
    links: list[str] | None = None,
) -> int:
    """``links``: ``icsoe://`` links given on the command line (the activation link)."""
    # Python's automatic collection stays off in this process from here on: the GUI thread's
    # timer collects once the loop runs (gui/kit/recolector.py). Until then there is nothing to
    # free, and a collection started by the background start-up would free windows off the GUI
    # thread; before the first window the imports would run ~20 needless young collections.
    gc.disable()
    data_dir = resolve_data_dir(data_dir_arg)
    log_path = data_dir / LOG_FILE
    start_buffering()  # the log file is opened by the background start-up (Application)
    log.info("Inicio de icsoe-desktop; datos en %s", data_dir)
    # One app per data dir: a start while it runs hands over its links and ends, no window shown.
    # The socket is looked at first, before Qt loads (cheap); this app listens once its login
    # answers (claim).
    from icsoe_desktop.gui.single_instance_probe import may_be_running, server_name

    name = server_name(data_dir)
    running = may_be_running(name)

    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.kit.importaciones import sin_hook_de_pyside

    sin_hook_de_pyside()
    # An instance here is the tests' QApplication.
    app = cast(QApplication, QApplication.instance()) or QApplication(
        argv if argv is not None else sys.argv[:1]
    )
    app.setApplicationName("icsoe-desktop")
    app.setOrganizationName("icsoe-desktop")
    if running:
        from icsoe_desktop.gui.single_instance import send_to_running

        if send_to_running(name, links or []):
            log.info("icsoe-desktop ya está abierto con %s: se le pasaron los argumentos", data_dir)
            return 0
    # The login's modules, once it is known that this start shows it.
    from icsoe_desktop.gui.application import Application
    from icsoe_desktop.gui.kit import recolector

    recolector.instalar()  # windows are freed on this thread, never on a worker's (recolector.py)
    early = _EarlyErrors()
    sys.excepthook = early
    application = Application(data_dir, log_path, instance_name=name)
    application.exit_requested.connect(app.exit)
    # Once the login answers: the rest of the look (the sheet, icon, Spanish Qt texts) and the
    # full error hook. Before, they would hold the GIL the sign-in's opening needs.
    application.settled.connect(lambda: _when_login_answers(app, log_path, early))
    application.settled.connect(lambda: _temporales(data_dir))
    if probe := os.environ.get(STARTUP_PROBE_ENV):  # its timer fires on the loop's first turn
        _install_startup_probe(application, probe)
    application.start()
    application.handle_arguments(links or [])
    code = 1
    try:
        code = app.exec()
    finally:
        if not application.shutdown():
            # Work still runs in a pool thread: ending the interpreter under it could crash
            # the exit. Its store was left open; SQLite's journal keeps it consistent.
            logging.shutdown()
            os._exit(code)  # its temporary folder left: the next start removes it
        from icsoe_desktop import temporales

        temporales.cerrar()
    return code
