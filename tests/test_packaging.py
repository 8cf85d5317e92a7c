"""A plain (non-editable) install ships every package of the app: each folder of
``icsoe_desktop`` with an ``__init__.py`` is listed in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_for_setuptools() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "icsoe_desktop").rglob("__init__.py")
    }
    assert found - listed == set(), "missing in pyproject.toml [tool.setuptools] packages"
