"""Real Windows executables for the update tests: built by MinGW with a VERSIONINFO of the
version asked for (what Inno Setup stamps on the installer), signed by osslsigncode with
publishers made here (installer/firma_codigo.py, as CI signs the real installer)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINGW = "x86_64-w64-mingw32-gcc"
WINDRES = "x86_64-w64-mingw32-windres"

herramientas = pytest.mark.skipif(
    not (shutil.which("osslsigncode") and shutil.which(MINGW) and shutil.which(WINDRES)),
    reason="hacen falta osslsigncode (firma Authenticode) y MinGW (un .exe real): "
    "apt-get install osslsigncode gcc-mingw-w64-x86-64 (.ci/run los instala)",
)


def _firma_codigo() -> ModuleType:
    if "firma_codigo" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "firma_codigo", ROOT / "installer" / "firma_codigo.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["firma_codigo"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["firma_codigo"]


firma_codigo = _firma_codigo()


def ejecutable(carpeta: Path, version: str, relleno: int = 0) -> Path:
    """icsoe-desktop-VERSION-instalador.exe: a real (unsigned) Windows program whose
    VERSIONINFO says ``version``, ``relleno`` random bytes of resource making it bigger."""
    trabajo = carpeta / f"mingw-{version}-{relleno}"
    trabajo.mkdir(parents=True)
    x, y, z = version.split(".")
    recursos = [f"1 VERSIONINFO\nFILEVERSION {x},{y},{z},0\nPRODUCTVERSION {x},{y},{z},0\n"]
    recursos.append("BEGIN\nEND\n")
    if relleno:
        (trabajo / "relleno.bin").write_bytes(os.urandom(relleno))
        recursos.append('2 RCDATA "relleno.bin"\n')
    (trabajo / "version.rc").write_text("".join(recursos), encoding="ascii")
    (trabajo / "main.c").write_text("int main(void) { return 0; }\n", encoding="ascii")
    subprocess.run(
        [WINDRES, "version.rc", "-O", "coff", "-o", "version.o"], cwd=trabajo, check=True
    )
    destino = carpeta / f"icsoe-desktop-{version}-instalador.exe"
    subprocess.run(
        [MINGW, "-Os", "-s", "main.c", "version.o", "-o", str(destino)], cwd=trabajo, check=True
    )
    return destino


def firmado(carpeta: Path, version: str, editor, relleno: int = 0) -> Path:
    archivo = ejecutable(carpeta, version, relleno)
    firma_codigo.firmar(archivo, editor)
    return archivo
