"""What the one-folder bundle leaves out (build_installer.spec imports this; so do the tests).

Everything PyInstaller finds by analysis goes in, except what is named here: Python modules the
app never imports, Qt plugins it never loads, and the shared libraries only those plugins need.
Also where the Python modules go: in PyInstaller's archive or beside it (``outside_archive``).
Every rule here is for both bundles, Windows and Linux (a name absent on one is a no-op there).
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterable
from pathlib import PurePath

# The most disk either one-folder bundle may take (installer/bundle_size.py, as du counts it).
MAX_BUNDLE_BYTES = 160_000_000

# Qt modules the app never imports, kept out even if a library asks for them: each would drag in
# tens of MB of Qt libraries. (QtNetwork stays: one app per data dir talks over a QLocalServer,
# gui/single_instance.py. QtUiTools stays: the forms of ui/, gui/kit/forms.py.)
UNUSED_QT_MODULES = [
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtCharts",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDBus",
    "QtDesigner",
    "QtGraphs",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetworkAuth",
    "QtNfc",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtPrintSupport",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtTest",
    "QtTextToSpeech",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
    ").split(",
]

PDF_EXCLUDED = [
    "aiohttp",
    "aiohappyeyeballs",
    "aiosignal",
    "frozenlist",
    "multidict",
    "propcache",
    "yarl",
    "fontTools",
    "oscrypto",
    "PIL",
    # reportlab's charts and flowing layout: the constancia is drawn on the canvas alone.
    "reportlab.graphics",
    "reportlab.platypus",
]

EXCLUDED_MODULES = [
    *(f"PySide6.{module}" for module in UNUSED_QT_MODULES),
    # Python's own parts no code of the app reaches (help() texts, GUI toolkits, packaging).
    # (pydoc itself stays: python-stdnum imports it, and every CURP/NSS check goes through stdnum.)
    "tkinter",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "idlelib",
    "ensurepip",
    "venv",
    "distutils",
    "setuptools",
    "pkg_resources",
    "_distutils_hack",
    "pip",
    # Line editing for an interactive prompt the app never shows (with libreadline, libtinfo).
    "readline",
    "rlcompleter",
    # Only ProcessPoolExecutor imports it, which the app never uses; in the bundle its runtime
    # hook would import it (~40 ms) before the first window.
    "multiprocessing",
    # SQLAlchemy's hook names every dialect's driver, which drags in psycopg and numpy (~50 MB);
    # the desktop store is SQLite only (the PostgreSQL sync server is not part of the bundle).
    # The dialect modules themselves stay: Alembic imports them.
    # The stores are opened by SQLCipher (sqlcipher3, store/cifrado.py), plain ones too: the
    # standard library's sqlite3 and its library are never loaded.
    "sqlite3",
    "_sqlite3",
    "psycopg",
    "psycopg2",
    "psycopg_binary",
    "numpy",
    # Mako (Alembic's template engine, used only to write new migrations) offers Pygments.
    "pygments",
    # pyHanko's and reportlab's optional parts the constancia de firma never reaches: the
    # time-stamp and revocation clients' aiohttp (and its async stack: signing goes to the
    # network with their ``requests`` clients, verifying never), fontTools (OpenType layout for visible signatures),
    # oscrypto (pyHanko uses cryptography), Pillow (images; reportlab imports it at start),
    # reportlab's charts and platypus.
    # services/pades/preparar.py puts stand-ins for aiohttp and Pillow when they are absent.
    *PDF_EXCLUDED,
    # lxml's parts the CFDI de nómina never reaches (it parses with lxml.etree and runs the SAT's
    # XSLT): objectify, HTML and its diff, Schematron, the doctest modules (~4 MB).
    "lxml.objectify",
    "lxml.html",
    "lxml.isoschematron",
    "lxml.doctestcompare",
    "lxml.usedoctest",
    # Test-only dependencies.
    "pytest",
    "hypothesis",
    "aiosmtpd",
    "pandas",
    # A plaintext "keyring" is for tests only: the bundle must never fall back to it.
    "keyrings.alt",
    # The standard library's Chinese, Japanese and Korean codecs (~0.9 MB of C): a file is read
    # as UTF-8 or cp1252 (services/archivos/lectura/abrir.py) and written as UTF-8; none of them
    # is ever asked for.
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
]

# Qt plugins, by folder: the ones the app loads. A folder not named here goes in whole (e.g.
# styles/: the Windows 11 look). File names without the "lib" prefix and the extension.
QT_PLUGINS: dict[str, set[str]] = {
    # windows: the app; offscreen: the self-check without a display, CI, the screenshots;
    # minimal: Qt's fallback. The Linux bundle is CI's: it runs offscreen only, so no xcb (X11
    # libraries, ~4 MB) nor Wayland.
    "platforms": {"qwindows", "qoffscreen", "qminimal"},
    # What the app shows: SVG (the window icon, iconengines too) and ICO (the exe's icon); PNG
    # (the manual's screenshots) is built into QtGui.
    "imageformats": {"qsvg", "qico"},
    "iconengines": {"qsvgicon"},
    # Typing accents on Linux (dead keys); Windows has none of these.
    "platforminputcontexts": {"composeplatforminputcontextplugin"},
    # Linux desktop themes: GTK's pulls in all of GTK 3 (~15 MB); the portal's wants D-Bus.
    "platformthemes": set(),
    # QtNetwork is only a local socket here: no TLS, no network status.
    "tls": set(),
    "networkinformation": set(),
    # Touch and evdev input, embedded (EGLFS) displays, GLX/EGL over X11, Wayland.
    "generic": set(),
    "egldeviceintegrations": set(),
    "xcbglintegrations": set(),
    "wayland-decoration-client": set(),
    "wayland-graphics-integration-client": set(),
    "wayland-shell-integration": set(),
}

# PyInstaller's runtime hooks that run before the app and that it does not need: pkgutil's
# (added because stdnum imports pkgutil) imports it before the first window, only to make
# pkgutil.iter_modules list the bundle's modules, which nothing here calls; inspect's imports
# zipfile and lists base_library.zip, only to make inspect find the source file of a frame or a
# code object, which nothing here asks for (nor could it show: the bundle ships no sources).
SKIPPED_RUNTIME_HOOKS = {"pyi_rth_pkgutil", "pyi_rth_inspect"}

# PyInstaller's archive holds the standard library and Qt's bindings, which every start reads
# (base_library.zip, with the modules the interpreter starts with, is apart); the app's own
# package and its libraries go beside it as .pyc files. But for the largest libraries, loaded in
# the background once the window is up: compressed in the archive they take ~6 MB less on disk
# (SQLAlchemy's .pyc files alone are 9 MB), for ~0.8 ms more of index read at each start.
ARCHIVED_PACKAGES = {"PySide6", "shiboken6", "sqlalchemy", "alembic", "mako", "pypdf"}
APP_PACKAGE = "icsoe_desktop"

# Windows: Qt's software OpenGL (~20 MB), for OpenGL windows on a machine without a driver; the
# app draws widgets only (no QOpenGLWidget, no Qt Quick) and never loads it.
UNUSED_LIBRARIES = {"opengl32sw.dll"}


def outside_archive(installed: Iterable[str]) -> dict[str, str]:
    """PyInstaller's ``module_collection_mode`` for the app and its libraries (SQLAlchemy,
    openpyxl, requests…), given the top-level names of the installed packages: plain .pyc files
    beside the archive, not in it. The bootloader reads the archive's index whole before the app
    runs (~3 ms for 1,100 modules), while the first window imports about 25 of the app's 220
    modules and none of the libraries. Never a name of the standard library: its start-up
    modules must stay in base_library.zip."""
    return {
        name: "pyc"
        for name in {*installed, APP_PACKAGE}
        if name.isidentifier()
        and name not in ARCHIVED_PACKAGES
        and name not in sys.stdlib_module_names
    }


def plugin_kept(dest: str) -> bool:
    """False for a Qt plugin file (dest: its path in the bundle) the app never loads."""
    parts = PurePath(dest).parts
    if len(parts) < 3 or parts[-3] != "plugins":
        return True
    wanted = QT_PLUGINS.get(parts[-2])
    if wanted is None:
        return True
    name = parts[-1].split(".")[0]
    return name.removeprefix("lib") in wanted


def data_kept(dest: str) -> bool:
    """Qt ships ~40 languages of its own texts; the app loads only qtbase_es (gui/style.py).
    python-stdnum's data files (.dat: MAC vendors, IBANs, ISBN ranges…) serve other countries'
    numbers; the app checks Mexican ones (stdnum.mx), which read none."""
    path = PurePath(dest)
    if "translations" in path.parts and path.suffix == ".qm":
        return path.name.startswith(("qtbase_es", "qt_es"))
    return not (path.parts[0] == "stdnum" and path.suffix == ".dat")


def _name(dest: str) -> str:
    return PurePath(dest).name.lower()


def libraries_only_for(
    dropped: Iterable[tuple[str, str, str]], kept: Iterable[tuple[str, str, str]]
) -> set[str]:
    """Names of the libraries (lower case) that only the dropped binaries link to: nothing kept
    needs them, directly or through another library. Entries are PyInstaller's (dest, src, type).
    """
    from PyInstaller.depend import bindepend

    kept = list(kept)
    by_name: dict[str, str] = {}
    for dest, src, _kind in kept:
        by_name.setdefault(_name(dest), src)

    links: dict[str, set[str]] = {}

    def imports(src: str) -> set[str]:
        if src not in links:
            links[src] = {name.lower() for name, _path in bindepend.get_imports(src)}
        return links[src]

    def closure(sources: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(sources)
        while todo:
            for name in imports(todo.pop()):
                if name not in seen and name in by_name:
                    seen.add(name)
                    todo.append(by_name[name])
        return seen

    dropped_needs = closure(src for _dest, src, _kind in dropped)
    roots = [src for dest, src, _kind in kept if _name(dest) not in dropped_needs]
    return dropped_needs - closure(roots)


def prune_binaries(binaries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The binaries without the unused Qt plugins and the libraries only those need."""
    dropped = [e for e in binaries if not plugin_kept(e[0]) or _name(e[0]) in UNUSED_LIBRARIES]
    kept = [e for e in binaries if e not in dropped]
    # Symbolic links (type SYMLINK, src a relative target) are not binaries to read.
    real = [e for e in kept if e[2] != "SYMLINK"]
    unneeded = libraries_only_for(dropped, real)
    return [e for e in kept if _name(e[0]) not in unneeded]


def prune_links(
    datas: list[tuple[str, str, str]], binaries: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """The data entries without the symbolic links (PyInstaller files them with the data: a
    library in Qt's folder linked from the top one) whose target is no longer in the bundle."""
    present = {PurePath(dest).as_posix() for dest, _src, _kind in [*datas, *binaries]}

    def target(dest: str, link: str) -> str:
        return posixpath.normpath(posixpath.join(PurePath(dest).parent.as_posix(), link))

    return [
        (dest, src, kind)
        for dest, src, kind in datas
        if kind != "SYMLINK" or target(dest, PurePath(src).as_posix()) in present
    ]
