"""The layering docs/ARCHITECTURE.md promises, read from the source: which package may import
which, so a change that breaks it fails here instead of surprising the next reader."""

from __future__ import annotations

import ast
import functools
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "icsoe_desktop"


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@functools.cache  # several tests read the same files (and only read the trees)
def _tree(path: Path) -> ast.Module:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    # Out of the collector's walks while this file runs: the trees hold no cycles (freed by
    # their counts once let go), and each full collection would walk all of them again.
    gc.freeze()
    return tree


@pytest.fixture(autouse=True, scope="module")
def _trees_let_go() -> Iterator[None]:
    """The trees (~500,000 objects) live only while this file runs; nothing else of the
    worker is left frozen: what was garbage is collected first, and all is thawed after."""
    gc.collect()
    yield
    _tree.cache_clear()
    gc.unfreeze()


@functools.cache
def _imports(path: Path) -> frozenset[str]:
    """Every module ``path`` imports, wherever in the file (lazy imports count too)."""
    names: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return frozenset(names)


def _module(path: Path) -> str:
    """``icsoe_desktop/store/db.py`` → ``icsoe_desktop.store.db``; a package is its folder."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Each of our modules → the modules of ours it imports, wherever in the file (lazy and
    type-only imports count: a circle of those still makes each file unreadable without the
    others). ``from package import module`` names the module."""
    modules = {_module(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    whole = f"{node.module}.{alias.name}"
                    if whole in modules:
                        found.add(whole)
                    elif node.module in modules:
                        found.add(node.module)
        graph[name] = found - {name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in sorted(graph[name]):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = []
            while (top := stack.pop()) != name:
                group.append(top)
            if group:
                found.append(sorted([name, *group]))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def _ours(names: frozenset[str]) -> set[str]:
    """The layer each of our imports lands in (``icsoe_desktop.store.db`` → ``store``; a
    top-level module is its own: ``icsoe_desktop.paths`` → ``paths``)."""
    return {n.split(".")[1] for n in names if n.startswith("icsoe_desktop.") and n.count(".")}


# The top level: what everything may use (the base), and the entry points that put it together.
BASE = {"paths", "config", "logging_setup", "console", "files", "temporales"}
ENTRADAS = {"__main__", "app", "self_check", "self_check_funciones"} | {
    p.stem for p in PACKAGE.glob("cli*.py")
}
LAYERS = {"domain", "store", "services", "gui", "sync_server", "demo"}


# The one part of the services the server uses: SEPOMEX's file read and checked by the desktop's
# own reader (a company's catalogue of códigos postales is loaded on either end).
SERVER_BORROWS = "icsoe_desktop.services.catalogos"


def _broken(layer: str, allowed_ours: set[str], forbidden_libs: set[str]) -> list[str]:
    found = []
    for path in _modules(layer):
        names = _imports(path)
        if layer == "sync_server":
            names = frozenset(n for n in names if not n.startswith(SERVER_BORROWS))
        wrong = (_ours(names) - allowed_ours) | {
            n for n in names if n.split(".")[0] in forbidden_libs
        }
        found += [f"{path.relative_to(PACKAGE)} imports {w}" for w in sorted(wrong)]
    return found


@pytest.mark.parametrize(
    ("layer", "allowed_ours", "forbidden_libs"),
    [
        ("domain", {"domain"}, {"PySide6", "sqlalchemy", "alembic", "requests", "keyring"}),
        ("store", {"store", "domain"}, {"PySide6", "requests", "keyring"}),
        ("sync_server", {"sync_server", "domain"}, {"PySide6", "keyring"}),
        (
            "services",
            {"services", "store", "domain", *BASE},
            {"PySide6"},
        ),
    ],
)
def test_each_layer_imports_only_what_it_may(layer, allowed_ours, forbidden_libs) -> None:
    assert _broken(layer, allowed_ours, forbidden_libs) == []


def test_what_the_server_borrows_needs_only_the_domain_and_the_standard_library() -> None:
    """services/catalogos, which the server imports, imports no store, window, other service,
    SQLAlchemy nor Qt."""
    propios = ("icsoe_desktop.domain", SERVER_BORROWS)
    found = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("services/catalogos")
        for name in sorted(_imports(path))
        if (name.startswith("icsoe_desktop.") and not name.startswith(propios))
        or name.split(".")[0] in {"sqlalchemy", "PySide6", "requests", "keyring"}
    ]
    assert found == []


def test_the_intake_imports_no_importer() -> None:
    """services/archivos is the toolbox every importer uses: an importer registers its schema
    with it (``importaciones.registrar``), so the toolbox imports no other service and a new
    importer never edits it."""
    toolbox = "icsoe_desktop.services.archivos"
    # What every service may lean on: the role check, the audit log, long work's cancel.
    base = {"acceso.permisos", "audit", "en_curso"}
    found = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("services/archivos")
        for name in sorted(_imports(path))
        if name.startswith("icsoe_desktop.services.")
        and not name.startswith(toolbox)
        and name.removeprefix("icsoe_desktop.services.") not in base
    ]
    assert found == []


def test_the_worker_imports_no_job_and_no_area_hosts_anothers() -> None:
    """services/aparte is the worker every heavy job runs in: a job registers with it
    (``registro.registrar``) from its own area's module, named once in
    services/trabajos_aparte.py. The worker imports no other service, and neither movimientos
    nor sisub imports the other for its jobs."""
    worker = "icsoe_desktop.services.aparte"
    found = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("services/aparte")
        for name in sorted(_imports(path))
        if name.startswith("icsoe_desktop.services.") and not name.startswith(worker)
    ]
    hosts = {"movimientos": "sisub", "sisub": "movimientos"}
    found += [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for area, other in hosts.items()
        for path in _modules(f"services/{area}")
        for name in sorted(_imports(path))
        if name.startswith(f"icsoe_desktop.services.{other}")
    ]
    assert found == []


def test_the_gui_holds_no_sql_and_never_reaches_the_store() -> None:
    found = _broken(
        "gui",
        {"gui", "services", "domain", "self_check", *BASE},
        {"sqlalchemy", "alembic", "sqlite3"},
    )
    for path in _modules("gui"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} reaches .store")
    assert found == []


def test_every_module_is_in_a_layer_or_named_at_the_top() -> None:
    """A new top-level module or package must be placed: in the base, or an entry point."""
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert top == BASE | ENTRADAS
    assert folders == LAYERS


def test_the_base_imports_only_the_domain_and_itself() -> None:
    """paths, config, logging, console, files and temporales are what every layer may use: they import
    none of the layers above them (no service, store or window)."""
    found = [
        f"{name}.py imports {layer}"
        for name in sorted(BASE)
        for layer in sorted(_ours(_imports(PACKAGE / f"{name}.py")) - {"domain", *BASE})
    ]
    assert found == []


def test_the_command_lines_never_reach_the_store_or_the_windows() -> None:
    """cli*.py call services; the GUI starts through app.py (the `gui` command)."""
    found = [
        f"{path.name} imports {layer}"
        for path in sorted(PACKAGE.glob("cli*.py"))
        for layer in sorted(_ours(_imports(path)) & {"store", "gui"})
    ]
    assert found == []


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
        for node in ast.walk(_tree(path)):
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


def test_only_the_services_say_what_an_operation_changed() -> None:
    """Operations announce their own changes (domain/cambios.py); a window only listens. No module
    of the GUI announces, nor passes what a call changes, but the notifier that relays the
    services' announcements to the windows."""
    found = []
    for path in _modules("gui"):
        if path == PACKAGE / "gui" / "kit" / "notificador.py":
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and (
                node.attr == "anunciar"
                or (
                    node.attr == "emit"
                    and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "cambiaron"
                )
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.attr}")
            elif isinstance(node, ast.keyword) and node.arg == "cambia":
                found.append(f"{path.relative_to(PACKAGE)}:{node.value.lineno}: cambia=")
    assert found == []


def test_shared_qt_objects_are_asked_of_the_application_never_of_a_widget() -> None:
    """What a widget's getter returns PySide makes that widget's Python child, and the garbage
    collector freeing the widget may delete it (docs/diseno/ventanas.md): the screen, the style
    and the thread every window shares are asked of QGuiApplication/QApplication (static)."""
    found = [
        f"{path.relative_to(PACKAGE)}:{metodo.lineno}: .{metodo.attr}()"
        for path, metodo in _metodos_llamados(
            _modules("gui"), {"screen", "style", "thread", "windowHandle"}
        )
        if not (
            isinstance(metodo.value, ast.Name)
            and metodo.value.id in {"QGuiApplication", "QApplication"}
        )
    ]
    assert found == []


def test_no_window_asks_a_layout_for_its_items() -> None:
    """A layout's item (``itemAt``, ``itemAtPosition``) is not a QObject, and PySide makes the
    wrapper it hands out the layout's Python child: once Qt deletes the item, or the collector
    frees the layout in a cycle and clears that child, an item still in the layout is freed
    under Qt (docs/diseno/ventanas.md). Windows and the GUI tests find a layout's
    widgets and layouts by their index (``indexOf``) instead."""
    pruebas = sorted((PACKAGE.parent / "tests" / "gui").rglob("*.py"))
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{metodo.lineno}: .{metodo.attr}()"
        for path, metodo in _metodos_llamados(
            [*_modules("gui"), *pruebas], {"itemAt", "itemAtPosition"}
        )
    ]
    assert found == []


def _metodos_llamados(paths: list[Path], nombres: set[str]) -> Iterator[tuple[Path, ast.Attribute]]:
    """Each call in ``paths`` of a method (``x.nombre(…)``) named in ``nombres``: the file and
    the called attribute (its object and its line)."""
    for path in paths:
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in nombres
            ):
                yield path, node.func


def test_no_module_imports_itself_through_others() -> None:
    """No circle of imports between modules, inside a layer too: what two modules share goes
    down into a module both import (the practice predicate into domain/practica.py, say)."""
    graph = _import_graph()
    assert len(graph) > 300  # the whole package is read
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    """What the test above would say of a circle of three behind a module that only imports."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
