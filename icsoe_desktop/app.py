"""Builds the QApplication and opens the first window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from icsoe_desktop.logging_setup import start_buffering
from icsoe_desktop.paths import LOG_FILE, resolve_data_dir

log = logging.getLogger(__name__)
# bench/startup.py sets this: print when the first window is on screen and when it is usable,
# then quit; the benchmark times the lines from outside the process.
STARTUP_PROBE_ENV = "ICSOE_STARTUP_PROBE"


def _install_startup_probe(application) -> None:
    from PySide6.QtCore import QTimer

    def ready() -> None:
        if application.services is None:
            QTimer.singleShot(5, ready)
            return
        print("ready", flush=True)
        application.exit_requested.emit(0)

    def first_window() -> None:
        print("first-window", flush=True)
        ready()

    QTimer.singleShot(0, first_window)


def run_gui(data_dir_arg: str | None = None, argv: list[str] | None = None) -> int:
    data_dir = resolve_data_dir(data_dir_arg)
    log_path = data_dir / LOG_FILE
    start_buffering()  # the log file is opened by the background start-up (Application)
    log.info("Inicio de icsoe-desktop; datos en %s", data_dir)

    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui import error_hook
    from icsoe_desktop.gui.application import Application
    from icsoe_desktop.gui.style import apply_style

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("icsoe-desktop")
    app.setOrganizationName("icsoe-desktop")
    apply_style(app)
    error_hook.install(Path(log_path))
    application = Application(data_dir, log_path)
    application.exit_requested.connect(app.exit)
    if os.environ.get(STARTUP_PROBE_ENV):
        _install_startup_probe(application)  # its timer fires on the loop's first turn
    application.start()
    try:
        return app.exec()
    finally:
        application.shutdown()
