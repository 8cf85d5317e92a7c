"""The STPS acuses are kept encrypted beside the store: a copied data folder shows no name or RFC
of them, while the clerk still opens each; those kept in clear before are sealed at the opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services import acuses_stps
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import cifrado, sellado
from tests import credentials_factory as cf
from tests.icsoe_helpers import pdf_bytes, trust_sat

NOMBRE = "Guadalupe Zárate Ontiveros"
PDF = pdf_bytes(f"Acuse STPS {cf.RFC_MORAL} {NOMBRE}")


@pytest.fixture
def contratista(services, data_dir, tmp_path):
    from tests.services.test_contratistas import validar

    trust_sat(data_dir)
    services.contratistas.ingresar(validar(services, tmp_path, cf.fiel_moral()))
    return services


def _adjuntado(services, tmp_path: Path, nombre: str = "mi acuse STPS.pdf") -> Path:
    elegido = tmp_path / "elegidos" / nombre
    elegido.parent.mkdir(exist_ok=True)
    elegido.write_bytes(PDF)
    return services.contratistas.adjuntar_acuse(cf.RFC_MORAL, elegido).path


def _en_claro(carpeta: Path) -> list[str]:
    """The files of ``carpeta`` where the RFC or the name can be read."""
    marcas = (cf.RFC_MORAL.encode(), NOMBRE.encode(), b"%PDF")
    return [
        p.name
        for p in carpeta.rglob("*")
        if p.is_file() and any(m in p.read_bytes() for m in marcas)
    ]


def test_an_acuse_is_kept_encrypted_and_the_clerk_still_reads_it(contratista, tmp_path):
    assert cifrado.llave_instalacion() is not None  # an installation whose stores are encrypted
    guardado = _adjuntado(contratista, tmp_path)
    assert guardado.read_bytes().startswith(sellado.MAGIA)
    assert _en_claro(guardado.parent) == []
    legible = contratista.contratistas.acuse_legible(cf.RFC_MORAL)
    assert legible is not None and legible.read_bytes() == PDF
    assert legible.name == "mi acuse STPS.pdf" and legible.parent != guardado.parent
    # The next copy for the reader replaces this one: no copies in clear pile up.
    otra = contratista.contratistas.acuse_legible(cf.RFC_MORAL)
    assert otra is not None and otra.read_bytes() == PDF and not legible.exists()
    acuses_stps.borrar_legibles()  # as when the app ends
    assert not otra.exists()


def test_a_name_that_reads_as_folders_gives_a_plain_file_name(contratista, tmp_path):
    guardado = _adjuntado(contratista, tmp_path)
    copia = acuses_stps.copia_legible(guardado, '../..\\acuse: "STPS"')
    assert copia.name == "_.._acuse_ _STPS_.pdf" and copia.read_bytes() == PDF
    assert acuses_stps.copia_legible(guardado, "..").name == "acuse.pdf"
    acuses_stps.borrar_legibles()


def test_acuses_kept_in_clear_before_are_encrypted_at_the_opening(
    contratista, data_dir, clock, tmp_path
):
    guardado = _adjuntado(contratista, tmp_path)
    guardado.write_bytes(PDF)  # as an installation of before encryption left it
    suelto = guardado.with_name("otro.pdf")
    suelto.write_bytes(PDF)
    # What a sealing killed in the middle leaves: a second name of a clear acuse, a sealed copy
    # not renamed yet.
    dejado = guardado.with_name("dejado.pdf")
    dejado.write_bytes(PDF)
    dejado.with_name("dejado.pdf" + acuses_stps.PLANO).write_bytes(PDF)
    dejado.with_name("dejado.pdf" + acuses_stps.SELLANDO).write_bytes(b"a medias")
    assert len(_en_claro(guardado.parent)) == 4
    contratista.close()
    otra = open_services(data_dir, clock)
    try:
        assert _en_claro(guardado.parent) == []
        assert sorted(p.name for p in guardado.parent.iterdir()) == sorted(
            [guardado.name, "dejado.pdf", "otro.pdf"]
        )
        legible = otra.contratistas.acuse_legible(cf.RFC_MORAL)
        assert legible is not None and legible.read_bytes() == PDF
        assert acuses_stps.leer(suelto) == PDF
        # Opened again: nothing more to do.
        assert acuses_stps.sellar_en_claro(guardado.parent) == 0
    finally:
        otra.close()
        acuses_stps.borrar_legibles()


def test_a_sealing_killed_after_its_swap_has_the_clear_copy_overwritten(contratista, tmp_path):
    guardado = _adjuntado(contratista, tmp_path)
    plano = guardado.with_name(guardado.name + acuses_stps.PLANO)
    plano.write_bytes(PDF)
    assert acuses_stps.sellar_en_claro(guardado.parent) == 0
    assert not plano.exists() and _en_claro(guardado.parent) == []
    assert acuses_stps.leer(guardado) == PDF


def test_an_acuse_missing_or_altered_is_said_in_spanish(contratista, tmp_path):
    guardado = _adjuntado(contratista, tmp_path)
    datos = bytearray(guardado.read_bytes())
    datos[-20] ^= 1
    guardado.write_bytes(bytes(datos))
    with pytest.raises(DomainError) as error:
        contratista.contratistas.acuse_legible(cf.RFC_MORAL)
    assert error.value.code == "acuse_ilegible" and "mi acuse STPS.pdf" in error.value.message
    guardado.unlink()
    with pytest.raises(DomainError, match="falta o está dañado"):
        contratista.contratistas.acuse_legible(cf.RFC_MORAL)
    contratista.contratistas.eliminar_acuse(cf.RFC_MORAL)
    assert contratista.contratistas.acuse_legible(cf.RFC_MORAL) is None


def test_without_an_installation_key_acuses_stay_as_the_store(tmp_path):
    assert cifrado.llave_instalacion() is None  # no OS keyring: the stores are plain too
    path = tmp_path / "acuses" / "a.pdf"
    path.parent.mkdir()
    acuses_stps.guardar(path, PDF)
    assert path.read_bytes() == PDF and acuses_stps.leer(path) == PDF
    assert acuses_stps.sellar_en_claro(path.parent) == 0


def test_an_acuse_that_cannot_be_sealed_now_stays_readable_for_the_next_opening(
    contratista, tmp_path
):
    guardado = _adjuntado(contratista, tmp_path)
    guardado.write_bytes(PDF)  # kept in clear before
    estorbo = guardado.with_name(guardado.name + acuses_stps.SELLANDO)
    estorbo.mkdir()  # where its sealed copy goes, taken: it cannot be written now
    assert acuses_stps.sellar_en_claro(guardado.parent) == 0
    assert guardado.read_bytes() == PDF and acuses_stps.leer(guardado) == PDF
    estorbo.rmdir()
    assert acuses_stps.sellar_en_claro(guardado.parent) == 1
    assert _en_claro(guardado.parent) == []


def test_an_acuse_sealed_with_another_key_is_not_read_as_clear(tmp_path):
    path = tmp_path / "a.pdf"
    with open(path, "wb") as archivo:
        sellador = sellado.Sellador(archivo, bytes(32))
        sellador.write(PDF)
        sellador.cerrar()
    with pytest.raises(sellado.SelloInvalido):
        acuses_stps.leer(path)
