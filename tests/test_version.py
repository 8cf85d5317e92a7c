"""The version has one source, pyproject.toml; the About box, the bundle and the installer agree."""

from __future__ import annotations

import tomllib
from pathlib import Path

import icsoe_desktop

ROOT = Path(__file__).resolve().parent.parent


def test_package_version_is_the_pyproject_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert icsoe_desktop.__version__ == project["version"]
