"""Where the bundled assets (ui/, resources/) are, from a checkout, a wheel or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """Return the folder ``ui`` or ``resources``.

    In a checkout they sit beside the package; a wheel installs them inside it; a PyInstaller
    bundle puts them at the bundle root (``sys._MEIPASS``).
    """
    candidates = []
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        candidates.append(Path(bundle_root) / name)
    candidates += [_PACKAGE_DIR.parent / name, _PACKAGE_DIR / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"No se encontró la carpeta {name!r} de la aplicación")


def ui_file(name: str) -> Path:
    return asset_dir("ui") / name


def resource_file(name: str) -> Path:
    return asset_dir("resources") / name
