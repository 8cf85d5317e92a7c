"""A file the system refuses is told in Spanish, whatever language the C library speaks."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from icsoe_desktop.domain.motivo_os import motivo_os


def _negado(path: Path) -> OSError:
    try:
        path.read_bytes()
    except OSError as exc:
        return exc
    raise AssertionError("se leyó")


def test_a_missing_file_and_a_folder_are_told_in_spanish(tmp_path: Path) -> None:
    assert motivo_os(_negado(tmp_path / "no-esta.pdf")) == "el archivo o la carpeta no existe"
    carpeta = _negado(tmp_path)
    # A folder read as a file: EISDIR on Linux, EACCES on Windows.
    assert motivo_os(carpeta) in (
        "es una carpeta, no un archivo",
        "no hay permiso para usarlo, o está abierto en otro programa",
    )


@pytest.mark.parametrize(
    ("winerror", "dice"),
    [(32, "está en uso por otro programa"), (112, "no queda espacio en el disco")],
)
def test_windows_own_codes_say_what_happened(winerror: int, dice: str) -> None:
    exc = OSError(errno.EACCES, "Permission denied", "nomina.xlsx")
    exc.winerror = winerror  # type: ignore[attr-defined]  # as Windows' OSError carries it
    assert motivo_os(exc) == dice


def test_an_unknown_code_keeps_the_systems_words() -> None:
    assert motivo_os(OSError(errno.ELOOP, "Too many levels of symbolic links")) == (
        "Too many levels of symbolic links"
    )
