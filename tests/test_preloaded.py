"""The preloaded runner (tests/preloaded.py) answers as a fresh ``python -m icsoe_desktop``: the
same output, errors and exit code, the test's environment and standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import preloaded


@pytest.mark.slow
@pytest.mark.end2end
@pytest.mark.skipif(not hasattr(os, "fork"), reason="without fork every command starts afresh")
@pytest.mark.parametrize(
    "args",
    [
        ["emisores", "listar"],  # a command that works
        ["no-existe"],  # a usage error: exit 2, the parser's Spanish on stderr
        ["usuarios", "restablecer", "nadie@nominas.com", "--password-stdin"],  # reads stdin
    ],
    ids=["listar", "uso", "stdin"],
)
def test_a_preloaded_command_answers_as_a_fresh_process(tmp_path: Path, args: list[str]) -> None:
    argv = [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(tmp_path / "datos"), *args]
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    options = {"input": "Otra#Clave2026\n", "capture_output": True, "text": True, "env": env}
    fresh = subprocess.run(argv, encoding="cp1252", timeout=120, **options)
    forked = preloaded.run(argv, encoding="cp1252", timeout=120, **options)
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        fresh.returncode,
        fresh.stdout,
        fresh.stderr,
    )
    assert fresh.stdout or fresh.stderr
