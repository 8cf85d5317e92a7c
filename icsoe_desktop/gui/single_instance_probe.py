"""Whether this data dir's app may be running already: the look a start takes before anything
else, without Qt (imported before PySide6, it costs the first window nothing measurable).

The full hand-over (QtNetwork) is in ``single_instance``; it runs only when this look says so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

try:  # the one hash needed before the first window, without hashlib's OpenSSL (~3 ms)
    from _sha256 import sha256  # type: ignore[import-not-found]  # CPython builtin, no stubs
except ImportError:  # an interpreter without the builtin module
    from hashlib import sha256

PIPE_PREFIX = "\\\\.\\pipe\\"  # where QLocalServer puts a name on Windows


def server_name(data_dir: Path) -> str:
    key = os.path.normcase(str(data_dir.resolve()))
    return "icsoe-desktop-" + sha256(key.encode("utf-8")).hexdigest()[:24]


def may_be_running(name: str) -> bool:
    """False when no app listens on ``name`` for sure: its socket file (Unix: QLocalServer's,
    in Qt's temp dir) or named pipe (Windows) does not exist. True may still be a socket left by
    a crash: ``single_instance.send_to_running`` then finds out."""
    if sys.platform == "win32":
        import _winapi

        try:
            _winapi.WaitNamedPipe(PIPE_PREFIX + name, 1)  # 1 ms: 0 would mean the pipe's default
        except FileNotFoundError:
            return False
        except OSError:
            return True  # busy, or an answer not foreseen: the full check decides
        return True
    # QDir::tempPath() on Unix, as QLocalServer places a name (QDir itself costs ~0.5 ms here).
    return os.path.exists(os.path.join(os.path.normpath(os.environ.get("TMPDIR") or "/tmp"), name))
