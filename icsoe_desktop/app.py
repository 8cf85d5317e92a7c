"""Builds the QApplication and opens the first window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from icsoe_desktop.config import LOG_FILE, resolve_data_dir
from icsoe_desktop.logging_setup import configure_logging

log = logging.getLogger(__name__)


def run_gui(data_dir_arg: str | None = None, argv: list[str] | None = None) -> int:
    data_dir = resolve_data_dir(data_dir_arg)
    log_path = data_dir / LOG_FILE
    configure_logging(log_path)
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
    application = Application(data_dir)
    application.exit_requested.connect(app.exit)
    application.start()
    try:
        return app.exec()
    finally:
        application.shutdown()
