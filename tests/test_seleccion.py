"""What a -m expression leaves out before its modules are imported (tests/conftest.py): the sync
tests only when -m would deselect every one of them, so no test that -m asks for goes missing.
And the `pure` modules the Windows run leaves to Linux name nothing a platform can change."""

from __future__ import annotations

import ast
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import PURE, SYNC_MARKS, TESTS, _leaves_out

# What a platform can change (tests/conftest.py PURE): files and paths, processes, the keyring and
# the store, time zones and the clock, the OS's randomness and locale, OpenSSL's or scrypt's
# cryptography; and the fixtures that bring them (a data dir, services, the environment).
PLATFORM = frozenset(
    (
        *("tmp_path", "tmp_path_factory", "data_dir", "services", "isolated_env", "monkeypatch"),
        *("open", "Path", "pathlib", "os", "sys", "io", "shutil", "tempfile", "glob"),
        *("subprocess", "multiprocessing", "keyring", "sqlite3", "sqlcipher3", "sqlalchemy"),
        *("store", "gui", "zoneinfo", "tzdata", "hora_del_centro", "HORA_DEL_CENTRO", "clock"),
        *("time", "now", "today", "secrets", "urandom", "locale", "ctypes", "winreg"),
        *("cryptography", "credentials", "passwords", "scrypt", "pbkdf2_hmac", "uuid_utils"),
    )
)
# The one module of store/ a pure test reads: the names of the synced tables, a constant.
PURE_IMPORTS = frozenset(("icsoe_desktop.store.sync_tables",))


def _names(source: str) -> set[str]:
    """Every name a module's code uses: variables, attributes, arguments (fixtures) and each part
    of the modules it imports (not its comments or strings)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module not in PURE_IMPORTS:
                modules.append(node.module or "")
                names.update(a.name for a in node.names)
            for module in modules:
                names.update(module.split("."))
    return names


def _config(expression: str) -> Any:
    """What ``_leaves_out`` reads of pytest's config: the -m expression."""
    return SimpleNamespace(option=SimpleNamespace(markexpr=expression))


@pytest.mark.parametrize(
    "expression",
    [
        "not slow",  # the quick loop
        "not gui and not postgres",
        "not gui and not postgres and not pure and not mismo_sql",  # the Windows run
        "not (slow or gui)",
        "not slow and not end2end",
        "not slow and gui(x=1)",  # its arguments are never asked for a sync test
    ],
)
def test_an_expression_that_deselects_every_sync_test_leaves_them_unimported(expression) -> None:
    assert _leaves_out(_config(expression), SYNC_MARKS)


@pytest.mark.parametrize(
    "expression",
    [
        "",  # the whole suite
        "slow",
        "postgres",
        "not gui",
        "gui or not slow",  # a sync test of a window would run
        "not slow or postgres",
        "end2end",
        "postgres(x=1)",  # a mark's arguments: left to pytest
        "not",  # does not parse: pytest says so
    ],
)
def test_an_expression_that_may_select_a_sync_test_imports_them(expression) -> None:
    assert not _leaves_out(_config(expression), SYNC_MARKS)


def test_a_pure_module_names_nothing_a_platform_can_change() -> None:
    named = {m: sorted(_names((TESTS / m).read_text(encoding="utf-8")) & PLATFORM) for m in PURE}
    assert {m: words for m, words in named.items() if words} == {}
    assert {p.relative_to(TESTS).as_posix() for p in TESTS.glob("domain/test_*.py")} >= PURE
