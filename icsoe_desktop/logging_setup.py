"""A rotating log file in the data dir: the place for technical detail the user never sees.

Start-up attaches a small in-memory buffer at once and the rotating file handler a moment later,
from the background thread (``logging.handlers`` is slow to import for the first window); the
buffered records are written to the file then, so nothing logged early is lost.
"""

from __future__ import annotations

import logging
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class StartupBuffer(logging.Handler):
    """Keeps records until the file handler exists."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _ours(handler: logging.Handler) -> bool:
    return getattr(handler, "_icsoe", False)


def _replace_handlers(new: logging.Handler) -> list[logging.LogRecord]:
    root = logging.getLogger()
    pending: list[logging.LogRecord] = []
    for handler in list(root.handlers):
        if _ours(handler):
            root.removeHandler(handler)
            if isinstance(handler, StartupBuffer):
                pending.extend(handler.records)
            handler.close()
    new._icsoe = True  # type: ignore[attr-defined]  # our mark: _ours() finds it
    root.addHandler(new)
    return pending


def avisos_al_log() -> None:
    """Libraries' warnings (openpyxl's English UserWarning on a cell it cannot read, say) are
    records of the «py.warnings» logger: in the log file, never on stderr; where no log is
    configured (a command that opens no data dir) they are dropped."""
    logging.captureWarnings(True)
    avisos = logging.getLogger("py.warnings")
    if not any(isinstance(h, logging.NullHandler) for h in avisos.handlers):
        avisos.addHandler(logging.NullHandler())  # no handler: logging's last resort, stderr


def start_buffering(level: int = logging.INFO) -> None:
    avisos_al_log()
    _replace_handlers(StartupBuffer())
    logging.getLogger().setLevel(level)


def configure_logging(log_path: Path, level: int = logging.INFO) -> None:
    import logging.handlers

    handler = logging.handlers.RotatingFileHandler(
        log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    for record in _replace_handlers(handler):
        handler.handle(record)
    logging.getLogger().setLevel(level)
