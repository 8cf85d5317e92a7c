"""What the bundle leaves out (installer/bundle_contents.py) is nothing the app uses: a module
it imports, directly or through a library, left out of build_installer.spec would fail only in
the installed app, on the window that needs it; an image the app shows would not draw without
its Qt plugin."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.test_layers import _imports as imports_of

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "icsoe_desktop"
# Not in the bundle: the reference sync server is installed on its own (pyproject's «server»).
NOT_BUNDLED = PACKAGE / "sync_server"


def _bundle_contents():
    spec = importlib.util.spec_from_file_location(
        "bundle_contents", ROOT / "installer" / "bundle_contents.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _excluded(name: str, excluded: list[str]) -> bool:
    return any(name == e or name.startswith(f"{e}.") for e in excluded)


def _solo_tipos(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:``: imports for the type checker, never run."""
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _run_imports(path: Path) -> set[str]:
    """Every module ``path`` imports when it runs, wherever in the file (lazy imports count;
    those only the type checker reads do not)."""
    names: set[str] = set()
    pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while pending:
        node = pending.pop()
        if _solo_tipos(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        pending.extend(ast.iter_child_nodes(node))
    return names


def _app_imports() -> set[str]:
    """Every module the bundled code names in an import it runs, wherever in a file (the
    windows import most of what they use only when they open: lazy imports count)."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if NOT_BUNDLED not in path.parents:
            names |= _run_imports(path)
    return names


# Imports every module named, with the excluded ones made unimportable as in the bundle: an
# optional import (openpyxl offers numpy) falls back as it would there; a needed one fails.
IMPORT_ALL = """
import importlib, importlib.abc, json, sys
excluded, names = json.loads(sys.argv[1]), json.loads(sys.argv[2])
blocked = []

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == e or name.startswith(e + ".") for e in excluded):
            blocked.append(name)
            raise ModuleNotFoundError(f"{name} is not in the bundle", name=name)
        return None

sys.meta_path.insert(0, LeftOut())
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failed[name] = str(exc)
# What imports without the exclusions is what they broke; the rest is absent on this system
# (winreg, msvcrt… on Linux).
sys.meta_path.pop(0)
broken = {}
for name, why in failed.items():
    try:
        importlib.import_module(name)
    except ImportError:
        continue
    broken[name] = why
print(json.dumps({"broken": broken, "blocked": sorted(set(blocked))}))
"""


@pytest.mark.slow  # a process imports every module the app names (~3 s of CPU)
def test_nothing_the_app_imports_is_left_out_of_the_bundle() -> None:
    excluded = _bundle_contents().EXCLUDED_MODULES
    named = _app_imports()
    assert sorted(n for n in named if _excluded(n, excluded)) == []
    # And what those modules import in turn, as the installed app would load them.
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, json.dumps(excluded), json.dumps(sorted(named))],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["broken"] == {}, f"needed but left out of the bundle: {result['blocked']}"


def test_every_image_the_app_ships_has_its_qt_plugin() -> None:
    contents = _bundle_contents()
    # QtGui reads these itself; any other format needs its plugin in imageformats/.
    built_in = {".png", ".bmp", ".ppm", ".pbm", ".pgm", ".xbm", ".xpm"}
    formats = {f".{name.removeprefix('q')}" for name in contents.QT_PLUGINS["imageformats"]}
    shipped = [*(ROOT / "resources").rglob("*"), *(ROOT / "docs" / "screenshots").glob("*")]
    images = {p.suffix.lower() for p in shipped if p.suffix.lower() in {*built_in, ".svg", ".ico"}}
    others = {p.suffix.lower() for p in shipped if p.suffix.lower() in {".jpg", ".jpeg", ".gif"}}
    assert images - built_in <= formats
    assert others == set(), "an image format with no Qt plugin in the bundle"
    # The window icon is drawn by the SVG icon engine.
    assert "qsvgicon" in contents.QT_PLUGINS["iconengines"]


def test_the_platforms_the_bundles_run_on_are_kept() -> None:
    """Windows: the app's windows; offscreen: the self-check without a display, CI and the
    screenshots; a plugin folder not named keeps all its plugins (the Windows styles)."""
    contents = _bundle_contents()
    for dest in (
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/platforms/qoffscreen.dll",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/plugins/imageformats/qsvg.dll",
        "PySide6/plugins/imageformats/qico.dll",
    ):
        assert contents.plugin_kept(dest), dest
    for dest in (
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/plugins/tls/qopensslbackend.dll",
    ):
        assert not contents.plugin_kept(dest), dest


@pytest.mark.slow
def test_the_runtime_hooks_left_out_serve_nothing_the_app_calls() -> None:
    """pkgutil's hook makes ``pkgutil.iter_modules`` list the bundle's modules: no module of
    the app imports pkgutil, and the stdnum checks it uses never list modules (only stdnum's
    ``get_number_modules`` does). inspect's makes ``inspect.getsourcefile`` name a source file
    for the bundle's frames and code objects: no module of the app asks inspect for a source,
    and the bundle has none to read (every module goes in compiled, in the archive or as .pyc)."""
    contents = _bundle_contents()
    assert {"pyi_rth_pkgutil", "pyi_rth_inspect"} == contents.SKIPPED_RUNTIME_HOOKS
    bundled = [p for p in PACKAGE.rglob("*.py") if NOT_BUNDLED not in p.parents]
    assert [str(p.relative_to(PACKAGE)) for p in bundled if "pkgutil" in imports_of(p)] == []
    stdnum_used = {"stdnum.mx.rfc", "stdnum.mx.curp", "stdnum.luhn", "stdnum.exceptions"}
    for name in stdnum_used:
        source = Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8")
        assert "get_number_modules" not in source and "pkgutil" not in source, name
    source_lookups = re.compile(
        r"\b(getsourcefile|getsourcelines|getsource|findsource|getframeinfo|getouterframes|"
        r"getinnerframes|getcomments|getabsfile)\b|\binspect\.(stack|trace)\("
    )
    assert [
        str(p.relative_to(PACKAGE))
        for p in bundled
        if source_lookups.search(p.read_text(encoding="utf-8"))
    ] == []
    modes = contents.outside_archive(packages_distributions())
    assert set(modes.values()) == {"pyc"}


def test_the_app_and_its_libraries_go_beside_the_archive_and_the_standard_library_in_it() -> None:
    """The bootloader reads the archive's index whole before the app runs: the app's package
    (the first window imports about 25 of its modules) and the libraries (imported once the
    window is up) go beside it as .pyc files, but the largest, kept compressed in it; Qt's
    bindings and the standard library stay in it (base_library.zip, which the interpreter
    starts from, apart)."""
    contents = _bundle_contents()
    modes = contents.outside_archive(packages_distributions())
    for package in ("icsoe_desktop", "openpyxl", "cryptography", "pyhanko"):
        assert modes.get(package) == "pyc", package
    # The largest libraries, compressed in the archive (see bundle_contents.ARCHIVED_PACKAGES).
    assert modes.keys().isdisjoint({"PySide6", "shiboken6", "sqlalchemy", "alembic", "pypdf"})
    # A distribution that installs a name of the standard library (a backport) must not take
    # it out of base_library.zip, where the interpreter's start finds it.
    assert contents.outside_archive(["requests", "json", "encodings", "PySide6"]) == {
        "requests": "pyc",
        "icsoe_desktop": "pyc",
    }


# The app's start as a user starts it, up to its first window: the packages it loaded by then
# (not what this interpreter's site loaded before, which the bundle does not run).
LOADED_AT_FIRST_WINDOW = """
import builtins, sys
before = set(sys.modules)
from icsoe_desktop.__main__ import main
shown = builtins.print

def print(*args, **kwargs):
    if args == ("first-window",):
        loaded = {m.split(".")[0] for m in set(sys.modules) - before}
        shown(" ".join(sorted(loaded)), file=sys.stderr)
        sys.stderr.flush()
    shown(*args, **kwargs)

builtins.print = print
sys.argv[1:] = ["--data-dir", sys.argv[1]]
sys.exit(main())
"""


@pytest.mark.slow  # a fresh interpreter starts the app (~0.5 s)
def test_no_library_is_read_before_the_first_window(tmp_path: Path) -> None:
    """A library on the way to the first window would delay it (each is read from its own
    .pyc files): the start leaves them to the background."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ICSOE_STARTUP_PROBE="1")
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AT_FIRST_WINDOW, str(tmp_path / "datos")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "first-window" in done.stdout.split()
    loaded = next(
        set(line.split()) for line in done.stderr.splitlines() if "icsoe_desktop" in line.split()
    )
    assert "PySide6" in loaded
    contents = _bundle_contents()
    libraries = contents.outside_archive(packages_distributions()).keys() - {contents.APP_PACKAGE}
    assert sorted(loaded & libraries) == []


def test_the_migrations_import_their_own_modules_by_full_name() -> None:
    """build_installer.spec ships what the migration scripts import (data files its analysis
    never reads) by the module each import names. A module of the migrations package itself,
    which nothing else in the app imports, named as ``from …migrations import module`` would be
    left out, and a store or a backup of an earlier revision could not be migrated in the
    installed app."""
    import ast

    migrations = PACKAGE / "store" / "migrations"
    own_modules = {p.stem for p in migrations.glob("*.py")} - {"__init__", "env"}
    assert own_modules  # (the earlier bookkeeping triggers)
    named_as_attribute = []
    for path in [migrations / "env.py", *sorted((migrations / "versions").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "icsoe_desktop.store.migrations":
                named_as_attribute += [
                    f"{path.name}: {a.name}" for a in node.names if a.name in own_modules
                ]
    assert named_as_attribute == []


# Signs a constancia de firma and verifies it with what the bundle leaves out unimportable.
FIRMAR_SIN = """
import importlib.abc, json, sys
excluded = json.loads(sys.argv[1])

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == e or name.startswith(e + ".") for e in excluded):
            raise ModuleNotFoundError(f"{name} is not in the bundle", name=name)
        return None

sys.meta_path.insert(0, LeftOut())
from datetime import datetime, timedelta, timezone
from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa.constancia import escribir_constancia, verificar_constancia
from tests import credentials_factory as cf
from tests.informativa_acuse_datos import informativa

fiel = cf.fiel_moral()
llave = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD).private_key
firma = datetime.now(timezone(timedelta(hours=-6))).replace(microsecond=0)
cadena = cadena_original(informativa(), firma)
raiz = cf.sat_ca().certificate_der
pdf = escribir_constancia(informativa(), cadena, sellar(cadena, llave), fiel.cer, [raiz], firma, llave)
resultado = verificar_constancia(pdf, TrustStore([read_emisor(raiz, incluido=False, archivo="")]))
cargados = sorted({m.split(".")[0] for m in sys.modules} & set(excluded))
print(json.dumps({"ok": resultado.ok, "motivo": resultado.motivo, "cargados": cargados}))
"""


@pytest.mark.slow
def test_the_constancia_is_signed_and_verified_without_what_the_bundle_leaves_out() -> None:
    """pyHanko and reportlab import aiohttp and Pillow at start: the bundle leaves them out and
    services/pades/preparar.py stands in for them."""
    excluded = _bundle_contents().PDF_EXCLUDED
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", FIRMAR_SIN, json.dumps(excluded)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    # Only the stand-ins are loaded under those names.
    assert result == {"ok": True, "motivo": [], "cargados": ["PIL", "aiohttp"]}
