"""One way to write a file whole or not at all (exports, lotes, respaldos, acuses, settings)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_write(path: Path, *, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for the caller to fill. When the block ends
    normally the temporary file is flushed to disk and put in place of ``path`` (an existing
    file is replaced in one step); when it raises (an error, Cancelar) the temporary file is
    removed and ``path`` is left as it was. Same folder, so the final rename never crosses disks.
    ``keep_suffix`` keeps ``path``'s ending on the temporary name, for writers that pick the
    format by it."""
    path = Path(path)
    name = f".{path.stem}.parcial{path.suffix}" if keep_suffix else f"{path.name}.parcial"
    temporary = path.with_name(name)
    try:
        yield temporary
        # Flushed before the rename, so a power cut never leaves the new name on empty data.
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)``, whole or not at all."""
    with atomic_write(path) as temporary:
        temporary.write_bytes(data)
