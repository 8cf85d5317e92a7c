"""LibreOffice (``soffice --headless``) as the tests run it: a profile of its own per run (two
runs at once, as ``-n 2`` makes, do not share one) and the files converted by its filters.

CI installs it (.ci/run: libreoffice-calc-nogui), so a Linux without it fails the test that
needs it, naming the package; the Windows run (Windows CPython under Wine) has no LibreOffice
and skips them (``EN_WINDOWS_SIN_LIBREOFFICE``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

EN_WINDOWS_SIN_LIBREOFFICE = pytest.mark.skipif(
    sys.platform == "win32" and shutil.which("soffice") is None,
    reason="En Windows no: LibreOffice (soffice) no está instalado",
)


def convertir(
    archivos: Sequence[Path], formato: str, destino: Path, infilter: str | None = None
) -> list[Path]:
    """``archivos`` converted to ``formato`` (``--convert-to``) in ``destino``, read with the
    import filter ``infilter`` (``--infilter``); the files written, in the same order."""
    programa = shutil.which("soffice")
    assert programa, "LibreOffice (soffice) no está instalado: instala libreoffice-calc-nogui"
    perfil = destino / ".perfil_libreoffice"
    subprocess.run(
        [
            programa,
            f"-env:UserInstallation={perfil.as_uri()}",
            "--headless",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            formato,
            "--outdir",
            str(destino),
            *map(str, archivos),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    extension = formato.split(":", 1)[0]
    return [destino / f"{a.stem}.{extension}" for a in archivos]
