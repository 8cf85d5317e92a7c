"""The one-folder bundle against its size limit (bundle_contents.MAX_BUNDLE_BYTES).

    python installer/bundle_size.py [CARPETA]     # dist/icsoe-desktop by default

Prints the size as ``du -s -B1`` counts it (the disk the installed folder takes) and the
largest files; exits with 1 above the limit, naming them, so a library or a Qt part that comes
in with an upgrade is seen where it is built (.ci/run, installer/windows_wine.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bundle_contents import MAX_BUNDLE_BYTES

ROOT = Path(__file__).resolve().parent.parent


def allocated(folder: Path) -> int:
    """Bytes of disk the folder takes, itself and everything in it (symbolic links as links)."""
    return sum(p.lstat().st_blocks * 512 for p in [folder, *folder.rglob("*")])


def largest(folder: Path, count: int = 10) -> list[tuple[int, str]]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    sizes = sorted(
        ((p.stat().st_size, p.relative_to(folder).as_posix()) for p in files), reverse=True
    )
    return sizes[:count]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "dist" / "icsoe-desktop"
    if not folder.is_dir():
        print(f"No existe la carpeta del paquete: {folder}", file=sys.stderr)
        return 1
    size = allocated(folder)
    print(
        f"Paquete {folder}: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB), límite {MAX_BUNDLE_BYTES / 1e6:.0f} MB"
    )
    for bytes_, name in largest(folder):
        print(f"  {bytes_ / 1e6:6.1f} MB  {name}")
    if size > MAX_BUNDLE_BYTES:
        print(
            f"El paquete pasa del límite de {MAX_BUNDLE_BYTES / 1e6:.0f} MB por "
            f"{(size - MAX_BUNDLE_BYTES) / 1e6:.1f} MB: ¿qué entró? (arriba, lo más grande)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
