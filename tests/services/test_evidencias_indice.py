"""The pack's index opened from the window: ``indice.xlsx`` read from a real pack and written
beside it, byte for byte the client's; a file that is not the pack, or a pack without its
index, refused in Spanish with nothing written; an index that cannot be written said so."""

from __future__ import annotations

import zipfile

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.evidencias.indice import extraer_indice, ruta_indice
from tests.services.test_evidencias import CLIENTE, OCTUBRE, empresa  # noqa: F401 (fixture)


def test_the_index_written_beside_its_pack_and_bad_packs_refused(empresa, tmp_path) -> None:  # noqa: F811
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip")
    indice = extraer_indice(hecho.ruta)
    assert indice == tmp_path / "p_indice.xlsx" == ruta_indice(hecho.ruta)
    with zipfile.ZipFile(hecho.ruta) as zf:
        assert indice.read_bytes() == zf.read("indice.xlsx")
    assert extraer_indice(hecho.ruta) == indice  # again: replaced, not refused

    no_zip = tmp_path / "n.zip"
    no_zip.write_bytes(b"no soy un ZIP")
    sin_indice = tmp_path / "s.zip"
    with zipfile.ZipFile(sin_indice, "w") as zf:
        zf.writestr("recibos/a.xml", "<a/>")
    for ruta, codigo in (
        (no_zip, "paquete_danado"),
        (sin_indice, "paquete_sin_indice"),
        (tmp_path / "no_existe.zip", "archivo_ilegible"),
    ):
        with pytest.raises(ValidationError) as refused:
            extraer_indice(ruta)
        assert refused.value.code == codigo and f"«{ruta.name}»" in refused.value.message
        assert not ruta_indice(ruta).exists()
    # Where the index goes there is a folder: said, the pack untouched.
    ruta_indice(hecho.ruta).unlink()
    ruta_indice(hecho.ruta).mkdir()
    with pytest.raises(ValidationError) as no_guardado:
        extraer_indice(hecho.ruta)
    assert no_guardado.value.code == "indice_no_guardado"
