"""Console output redirected to a file or a pipe on Windows is in cp1252 (the ANSI code page of
es-MX): what it lacks is written as a look-alike, never a crash nor a bare «?». Here
PYTHONIOENCODING=cp1252 makes a Linux process write as a redirected Windows console does; under
Windows (installer/windows_wine.py) it is the default anyway."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import preloaded


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    return preloaded.run(
        [sys.executable, *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "cp1252", **env},
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_the_self_check_redirected_in_cp1252_keeps_the_menu_path(tmp_path: Path) -> None:
    result = run(["-m", "icsoe_desktop", "--self-check", "--data-dir", str(tmp_path / "datos")])
    text = result.stdout.decode("cp1252")  # strictly: every byte is cp1252
    assert result.returncode == 0, text + result.stderr.decode("cp1252", errors="replace")
    assert "OK    Correo (SMTP): sin configurar (Configuración › Correo saliente)" in text
    assert "?" not in text


def test_what_cp1252_lacks_is_written_as_its_look_alike() -> None:
    shown = "Configuración ▸ Correo → 2 ≤ ３ ✔ ◉ Ñandú 😀"
    code = (
        "import sys; from icsoe_desktop.console import prepare_streams; prepare_streams(); "
        f"print({shown!r}); print({shown!r}, file=sys.stderr)"
    )
    result = run(["-c", code])
    expected = "Configuración › Correo -> 2 <= 3 OK (o) Ñandú ?"
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("cp1252").splitlines() == [expected]
    assert result.stderr.decode("cp1252").splitlines() == [expected]


def test_redirected_to_a_file_the_text_is_cp1252_with_look_alikes(tmp_path: Path) -> None:
    """``icsoe-desktop-consola … > informe.txt``: on Windows the file gets the ANSI code page
    by default (no PYTHONIOENCODING there: the real default is what is checked)."""
    shown = "Configuración ▸ Correo saliente → listo"
    code = f"from icsoe_desktop.console import prepare_streams; prepare_streams(); print({shown!r})"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "cp1252"}
    if sys.platform == "win32":
        del env["PYTHONIOENCODING"]
    report = tmp_path / "informe.txt"
    with report.open("wb") as file:
        result = subprocess.run(
            [sys.executable, "-c", code], stdout=file, stderr=subprocess.PIPE, env=env, timeout=120
        )
    assert result.returncode == 0, result.stderr
    written = report.read_bytes()
    assert written.decode("cp1252").splitlines() == ["Configuración › Correo saliente -> listo"]
    assert b"?" not in written


def test_a_unicode_console_is_left_as_it_is() -> None:
    shown = "Configuración ▸ Correo → 😀"
    code = f"from icsoe_desktop.console import prepare_streams; prepare_streams(); print({shown!r})"
    result = run(["-c", code], PYTHONIOENCODING="utf-8")
    assert result.stdout.decode("utf-8").splitlines() == [shown]


def test_progress_is_whole_lines_off_a_terminal_and_rewritten_on_one(monkeypatch, capsys) -> None:
    from icsoe_desktop.console import fin_de_progreso, progreso

    for hecho in range(301):  # a log or a script's pipe: a line each tenth, none run together
        progreso(hecho, 300)
    fin_de_progreso()
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[:3] == ["0 de 300", "30 de 300", "60 de 300"]
    assert err.endswith("300 de 300\n") and len(err.splitlines()) == 11

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    for hecho in (0, 1, 2):
        progreso(hecho, 2)
    fin_de_progreso()
    assert terminal.getvalue() == "\r0 de 2\r1 de 2\r2 de 2\n"
