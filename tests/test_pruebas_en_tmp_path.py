"""Tests write only under their own ``tmp_path``: a picture or file saved to a fixed ``/tmp/…``
path is shared by every run on the machine (two runs at once overwrite each other's, and a
failing run's picture is not the one next to its report)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXED = "/".join(("", "tmp", ""))  # spelled so this file does not name it


def test_no_test_names_a_fixed_path_under_tmp() -> None:
    fixed = [
        f"{path.relative_to(TESTS)}:{node.lineno}: {node.value}"
        for path in sorted(TESTS.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(FIXED)
    ]
    assert fixed == [], "\n".join(fixed)
