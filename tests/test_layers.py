"""The layering docs/ARCHITECTURE.md promises, read from the source: which package may import
which, so a change that breaks it fails here instead of surprising the next reader."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "icsoe_desktop"


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@functools.cache  # several tests read the same files
def _imports(path: Path) -> frozenset[str]:
    """Every module ``path`` imports, wherever in the file (lazy imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return frozenset(names)


def _ours(names: frozenset[str]) -> set[str]:
    """The layer each of our imports lands in (``icsoe_desktop.store.db`` → ``store``)."""
    return {n.split(".")[1] for n in names if n.startswith("icsoe_desktop.") and n.count(".")}


def _broken(layer: str, allowed_ours: set[str], forbidden_libs: set[str]) -> list[str]:
    found = []
    for path in _modules(layer):
        names = _imports(path)
        wrong = (_ours(names) - allowed_ours) | {
            n for n in names if n.split(".")[0] in forbidden_libs
        }
        found += [f"{path.relative_to(PACKAGE)} imports {w}" for w in sorted(wrong)]
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("layer", "allowed_ours", "forbidden_libs"),
    [
        ("domain", {"domain"}, {"PySide6", "sqlalchemy", "alembic", "requests", "keyring"}),
        ("store", {"store", "domain"}, {"PySide6", "requests", "keyring"}),
        ("sync_server", {"sync_server", "domain"}, {"PySide6", "keyring"}),
        (
            "services",
            {"services", "store", "domain", "config", "paths", "logging_setup"},
            {"PySide6"},
        ),
    ],
)
def test_each_layer_imports_only_what_it_may(layer, allowed_ours, forbidden_libs) -> None:
    assert _broken(layer, allowed_ours, forbidden_libs) == []


@pytest.mark.slow
def test_the_gui_holds_no_sql_and_never_reaches_the_store() -> None:
    found = _broken(
        "gui",
        {"gui", "services", "domain", "config", "paths", "logging_setup", "self_check"},
        {"sqlalchemy", "alembic", "sqlite3"},
    )
    for path in _modules("gui"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} reaches .store")
    assert found == []


@pytest.mark.slow
def test_only_the_cli_and_the_demo_itself_import_the_demo() -> None:
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "demo" in _ours(_imports(path)) and path.parent.name != "demo"
    }
    # The `demo` and `screenshots` commands.
    assert importers <= {"cli.py", "cli_movimientos.py"}


def test_no_window_waits_in_a_nested_event_loop() -> None:
    """Long work runs as a background operation with callbacks (gui/kit/operaciones.py): no
    module of the GUI runs a QEventLoop of its own nor calls a function that waits for work. (A modal
    dialog's or message box's ``exec`` is the user answering, not work being waited for.)"""
    found = []
    for path in _modules("gui"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            name = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else node.name
                if isinstance(node, ast.alias)
                else None
            )
            if name in {"QEventLoop", "run_with_progress", "run_with_progress_bar"}:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {name}")
    assert not (PACKAGE / "gui" / "worker.py").exists()
    assert found == []
