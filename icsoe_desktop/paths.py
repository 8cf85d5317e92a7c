"""Where things are: the user's data dir, and the bundled assets (ui/, resources/) from a
checkout, a wheel or a PyInstaller bundle. Kept light: it is on the start-up path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from icsoe_desktop import APP_NAME

_PACKAGE_DIR = Path(__file__).resolve().parent

DATA_DIR_ENV = "ICSOE_DATA_DIR"
SETTINGS_FILE = "settings.toml"
DATABASE_FILE = "icsoe.sqlite3"
CATALOGO_FILE = (
    "catalogo.sqlite3"  # the installation: empresas, IDSE users (services/empresas/servicio.py)
)
LOG_FILE = "icsoe-desktop.log"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins over ``ICSOE_DATA_DIR``, which wins over the user data dir."""
    if cli_value:
        path = Path(cli_value)
    elif os.environ.get(DATA_DIR_ENV):
        path = Path(os.environ[DATA_DIR_ENV])
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def asset_dir(name: str) -> Path:
    """Return the folder ``ui`` or ``resources``.

    In a checkout they sit beside the package; a wheel installs them inside it; a PyInstaller
    bundle puts them at the bundle root (``sys._MEIPASS``).
    """
    candidates = []
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        candidates.append(Path(bundle_root) / name)
    # Inside the package first: beside an installed package is site-packages, not ours.
    candidates += [_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"No se encontró la carpeta {name!r} de la aplicación")


def ui_file(name: str) -> Path:
    return asset_dir("ui") / name


def resource_file(name: str) -> Path:
    return asset_dir("resources") / name
