"""A rename or removal that Windows refuses while another program holds the file for a moment
is done once the file is free; a refusal that lasts is told, and other errors are not waited
out."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from icsoe_desktop.domain import archivo_retenido
from icsoe_desktop.domain.archivo_retenido import reintentado


@pytest.fixture(autouse=True)
def _sin_pausa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archivo_retenido, "PAUSA_S", 0)


class _Retenido:
    """The file's replacement refused while another program keeps it open for ``veces`` tries."""

    def __init__(self, nuevo: Path, destino: Path, veces: int) -> None:
        self.nuevo, self.destino, self.veces, self.intentos = nuevo, destino, veces, 0

    def __call__(self) -> None:
        self.intentos += 1
        if self.intentos <= self.veces:
            raise PermissionError(errno.EACCES, "sharing violation", str(self.destino))
        os.replace(self.nuevo, self.destino)


def _par(tmp_path: Path) -> tuple[Path, Path]:
    nuevo, destino = tmp_path / "nuevo.sqlite3", tmp_path / "almacen.sqlite3"
    nuevo.write_text("nuevo")
    destino.write_text("viejo")
    return nuevo, destino


def test_the_file_is_replaced_once_the_other_program_lets_it_go(tmp_path: Path) -> None:
    nuevo, destino = _par(tmp_path)
    reemplazo = _Retenido(nuevo, destino, veces=5)
    reintentado(reemplazo)
    assert destino.read_text() == "nuevo" and not nuevo.exists()
    assert reemplazo.intentos == 6


def test_a_file_held_for_good_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    nuevo, destino = _par(tmp_path)
    reemplazo = _Retenido(nuevo, destino, veces=10_000)
    with pytest.raises(PermissionError):
        reintentado(reemplazo)
    assert destino.read_text() == "viejo" and nuevo.read_text() == "nuevo"
    assert reemplazo.intentos == archivo_retenido.INTENTOS


def test_a_missing_file_is_told_at_once(tmp_path: Path) -> None:
    intentos = []

    def mover() -> None:
        intentos.append(1)
        os.replace(tmp_path / "no-existe", tmp_path / "destino")

    with pytest.raises(FileNotFoundError):
        reintentado(mover)
    assert len(intentos) == 1
