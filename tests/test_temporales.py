"""The app's temporary folder (temporales.py) in one process: a run's temporary files in the
data folder, its part-files noted while they exist, and what gone runs left removed at the next
listing. Killed processes: test_temporales_matados.py."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from icsoe_desktop import temporales
from icsoe_desktop.files import atomic_write


def test_a_run_keeps_its_files_in_its_folder_and_a_gone_runs_leftovers_go(tmp_path) -> None:
    """In one process: this run's temporary files in the data folder, its part-files noted;
    what gone runs left (a folder without its lock, a stray file, a note that names no part)
    removed at the next listing, the clerk's file a damaged note names kept."""
    data, otra = tmp_path / "datos", tmp_path / "otra"
    data.mkdir()
    otra.mkdir()
    antes = tempfile.gettempdir()
    propia = temporales.abrir(data)
    try:
        assert propia is not None and temporales.abrir(data) == propia
        with tempfile.TemporaryDirectory() as carpeta:
            assert Path(carpeta).parent == propia
        destino = tmp_path / "informe.xlsx"
        with atomic_write(destino) as parte:
            parte.write_bytes(b"NSS 12345678901")
            (nota,) = (propia / temporales.NOTAS).iterdir()
            assert nota.read_text(encoding="utf-8") == str(parte)
        assert not list((propia / temporales.NOTAS).iterdir())  # put in place: note gone
        # Left by runs that are gone: one killed before its lock (an hour ago; one making its
        # folder now is left), one whose note names a clerk's file (never removed), a stray file.
        sin_candado, arrancando = temporales.raiz(data) / "1-muerta", temporales.raiz(data) / "3-ya"
        (sin_candado / "tmpx").mkdir(parents=True)
        arrancando.mkdir()
        hace_dos_horas = time.time() - 7200
        os.utime(sin_candado, (hace_dos_horas, hace_dos_horas))
        del_cliente = tmp_path / "nomina.xlsx"
        del_cliente.write_bytes(b"del cliente")
        rara = temporales.raiz(data) / "2-rara"
        (rara / temporales.NOTAS).mkdir(parents=True)
        (rara / temporales.VIVO).write_bytes(b"2")
        (rara / temporales.NOTAS / "a").write_text(str(del_cliente), encoding="utf-8")
        (rara / temporales.NOTAS / "b").write_bytes(b"\xff\xfe")
        (temporales.raiz(data) / "suelto").write_bytes(b"")
        assert temporales.limpiar(data) == 2
        assert sorted(temporales.raiz(data).iterdir()) == sorted([propia, arrancando])
        assert del_cliente.read_bytes() == b"del cliente"
        # Another data folder: this one's closed (removed), the other's open.
        segunda = temporales.abrir(otra)
        assert segunda is not None and not propia.exists()
        assert tempfile.gettempdir() == str(segunda)
    finally:
        temporales.cerrar()
    assert tempfile.gettempdir() == antes
    assert list(temporales.raiz(otra).iterdir()) == []
    assert temporales.limpiar(tmp_path / "nunca") == 0
