"""atomic_write: every export, lote, respaldo and acuse is written whole or not at all."""

from pathlib import Path

import pytest

from icsoe_desktop.files import atomic_write, write_bytes_atomic


class _Stop(Exception):
    pass


def _folder(tmp_path: Path) -> Path:
    # An empty folder of its own: the test lists everything left in it.
    folder = tmp_path / "destino"
    folder.mkdir()
    return folder


def test_error_inside_the_block_leaves_neither_the_target_nor_a_temporary_file(
    tmp_path: Path,
) -> None:
    tmp_path = _folder(tmp_path)
    target = tmp_path / "lote.txt"
    with pytest.raises(_Stop), atomic_write(target) as temporary:
        temporary.write_bytes(b"media linea")
        raise _Stop
    assert list(tmp_path.iterdir()) == []


def test_error_keeps_the_previous_file_untouched(tmp_path: Path) -> None:
    tmp_path = _folder(tmp_path)
    target = tmp_path / "respaldo.sqlite"
    target.write_bytes(b"anterior")
    with pytest.raises(_Stop), atomic_write(target) as temporary:
        temporary.write_bytes(b"nuevo a medias")
        raise _Stop
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"anterior"


def test_success_replaces_an_existing_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    tmp_path = _folder(tmp_path)
    target = tmp_path / "movimientos.xlsx"
    target.write_bytes(b"viejo")
    with atomic_write(target, keep_suffix=True) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".xlsx"
        assert temporary != target
        temporary.write_bytes(b"nuevo")
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"nuevo"


def test_write_bytes_atomic_writes_the_whole_content(tmp_path: Path) -> None:
    tmp_path = _folder(tmp_path)
    target = tmp_path / "acuse.pdf"
    write_bytes_atomic(target, b"%PDF-1.4 completo")
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"%PDF-1.4 completo"


def test_a_block_that_writes_nothing_fails_without_creating_the_target(tmp_path: Path) -> None:
    tmp_path = _folder(tmp_path)
    # The writer gave up without a file (e.g. it raised inside the library): nothing appears.
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "x.txt"):
        pass
    assert list(tmp_path.iterdir()) == []
