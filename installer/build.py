"""Build the Windows installer: bundle, self-check of the bundle, then Inno Setup.

    python installer\\build.py                 # dist\\icsoe-desktop-<versión>-instalador.exe
    python installer\\build.py --sin-instalador # only the bundle and its self-check (any OS)
    python installer\\build.py --iscc "D:\\Inno Setup 6\\ISCC.exe"
    python installer\\build.py --editor editor.pem   # the publisher certificate updates need
    python installer\\build.py --firmar firma.pfx --editor editor.pem   # a release (signed)

On Linux the .iss is compiled under Wine by installer/wine_build.py (README «Construir el
instalador»); .github/workflows/windows.yml runs this script on a Windows runner.

Steps, stopping at the first failure:
1. ``pyinstaller --noconfirm build_installer.spec`` → ``dist/icsoe-desktop/``.
2. The built console executable runs ``--self-check`` on a throw-away data dir: a bundle that
   misses a file or a Qt plugin is never packaged.
3. ``iscc /DAppVersion=<version> installer/icsoe-desktop.iss`` (Windows, Inno Setup 6.3 or
   later) with the version read from pyproject.toml, the one place it is written, and
   ``/DEditorCert=`` the publisher certificate (``--editor``) the installed app pins: it runs
   an update from the sync server only when signed under it.

With ``--firmar FIRMA.pfx`` (its password in ICSOE_FIRMA_CONTRASENA; ``--editor`` required)
both executables are signed before Inno Setup packs them and the installer after, and each is
checked with the installed app's own check against ``--editor``: a release that its
installations would refuse to update to stops the build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the app's own signature check, from this checkout

import firma_codigo  # noqa: E402  # installer/, beside this script

SPEC = ROOT / "build_installer.spec"
EXECUTABLES = ("icsoe-desktop.exe", "icsoe-desktop-consola.exe")
ISS = ROOT / "installer" / "icsoe-desktop.iss"
BUNDLE = ROOT / "dist" / "icsoe-desktop"


def project_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["version"]


def find_iscc(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    found = shutil.which("iscc")
    if found:
        return Path(found)
    # Where installer/wine_build.py and the Windows workflow unpack the npm package innosetup.
    unpacked = ROOT / "build" / "innosetup" / "package" / "bin" / "ISCC.exe"
    if unpacked.is_file():
        return unpacked
    # The default folders of a machine-wide and of a per-user Inno Setup install.
    roots = [os.environ.get(var) for var in ("ProgramFiles(x86)", "ProgramFiles")]
    roots.append(str(Path(os.environ.get("LOCALAPPDATA", "")) / "Programs"))
    for root in filter(None, roots):
        for edition in ("Inno Setup 7", "Inno Setup 6"):
            candidate = Path(root) / edition / "ISCC.exe"
            if candidate.is_file():
                return candidate
    return None


class Firma:
    """A release's signature: the .pfx, its password (from the environment, never printed)
    and the publisher certificate the installations pin."""

    def __init__(self, pfx: Path, editor: Path | None, version: str) -> None:
        if editor is None:
            raise ValueError(
                "--firmar pide --editor: el certificado que fijan las instalaciones "
                "(python installer/firma_codigo.py certificado FIRMA.pfx --salida editor.pem)."
            )
        if not pfx.is_file():
            raise ValueError(f"No existe el .pfx {pfx}.")
        from icsoe_desktop.services.sync import autenticode

        self.pfx = pfx
        self.contrasena = firma_codigo.contrasena_pfx()
        try:
            self.editores = autenticode.leer_certificados(editor.read_bytes())
        except (OSError, ValueError) as exc:
            raise ValueError(f"No se pudo leer el certificado del editor {editor}: {exc}") from exc
        self.version = version

    def firmar(self, *archivos: Path) -> None:
        """Sign each file, then check it as an installation checks an update: its chain up
        to --editor, its signed version this build's. ValueError (Spanish) when not."""
        from icsoe_desktop.services.sync import autenticode

        for archivo in archivos:
            print(f"+ firma {archivo.name}", flush=True)
            try:
                firma_codigo.firmar_pfx(archivo, self.pfx, self.contrasena)
            except subprocess.CalledProcessError as exc:
                # Its command carries the password: only the tool's own words are shown.
                salida = ((exc.stderr or b"") + (exc.stdout or b"")).decode(errors="replace")
                raise ValueError(f"No se pudo firmar {archivo.name}:\n{salida.strip()}") from exc
            try:
                hecha = autenticode.revisar(archivo, self.editores, datetime.now(UTC))
            except autenticode.FirmaRechazada as exc:
                raise ValueError(
                    f"La firma de {archivo.name} no la aceptaría una instalación: {exc.message}"
                ) from exc
            if hecha.version != self.version:
                raise ValueError(
                    f"{archivo.name} firmado dice ser la versión {hecha.version}, no la "
                    f"{self.version} de pyproject.toml."
                )
            print(f"  firmado por {hecha.firmante} (editor {hecha.editor})", flush=True)


def run(command: list[str | Path], **kwargs) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT, **kwargs)


def self_check() -> None:
    name = "icsoe-desktop-consola.exe" if sys.platform == "win32" else "icsoe-desktop"
    with tempfile.TemporaryDirectory(prefix="icsoe-autodiagnostico-") as data_dir:
        run([BUNDLE / name, "--self-check", "--data-dir", data_dir])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sin-instalador", action="store_true", help="sólo el paquete y su autodiagnóstico"
    )
    parser.add_argument("--iscc", help="ruta de ISCC.exe si no está en el PATH ni en su carpeta")
    parser.add_argument(
        "--editor",
        type=Path,
        help="certificado (PEM) del editor que firma las versiones nuevas: la instalación lo fija",
    )
    parser.add_argument(
        "--firmar",
        type=Path,
        metavar="PFX",
        help="firma los ejecutables y el instalador con este .pfx (contraseña en "
        "ICSOE_FIRMA_CONTRASENA) y revisa cada firma contra --editor",
    )
    args = parser.parse_args(argv)

    version = project_version()
    firma: Firma | None = None
    if args.firmar:
        try:
            firma = Firma(args.firmar, args.editor, version)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    try:
        run([sys.executable, "-m", "PyInstaller", "--noconfirm", SPEC])
        self_check()
        if firma is not None:
            firma.firmar(*(BUNDLE / name for name in EXECUTABLES))
    except subprocess.CalledProcessError as exc:
        print(f"Falló: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Paquete listo: {BUNDLE} (versión {version})")
    if args.sin_instalador:
        return 0
    if sys.platform != "win32":
        print(
            "Este paquete es de Linux: el instalador se construye en Windows. Para compilar el .iss\n"
            "con Wine sobre un paquete de Windows: python installer/wine_build.py",
            file=sys.stderr,
        )
        return 1
    iscc = find_iscc(args.iscc)
    if iscc is None:
        print(
            "No se encontró ISCC.exe de Inno Setup 6.3 o posterior: instálalo o usa --iscc RUTA.",
            file=sys.stderr,
        )
        return 1
    editor = []
    if args.editor:
        editor = [f"/DEditorCert={args.editor.resolve()}"]
    else:
        print(
            "Sin --editor: las instalaciones no aceptarán versiones nuevas del servidor de "
            "sincronización hasta que TI fije el certificado de la empresa (/FIRMAEMPRESA).",
            file=sys.stderr,
        )
    try:
        run([iscc, f"/DAppVersion={version}", *editor, ISS])
    except subprocess.CalledProcessError as exc:
        print(f"Falló Inno Setup: {exc}", file=sys.stderr)
        return 1
    installer = ROOT / "dist" / f"icsoe-desktop-{version}-instalador.exe"
    if firma is not None:
        try:
            firma.firmar(installer)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(f"Instalador listo: {installer} ({installer.stat().st_size / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
