"""A rotating log file in the data dir: the place for technical detail the user never sees."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_path: Path, level: int = logging.INFO) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_icsoe", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._icsoe = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
