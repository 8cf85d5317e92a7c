"""Each user's column widths, kept in the data dir's preferencias.json, read back after a
restart; a damaged file brings the windows' own widths back, never an error."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.preferencias import ARCHIVO, PreferenciasService


def test_widths_are_kept_per_user_and_view_and_survive_a_restart(data_dir):
    preferencias = PreferenciasService(data_dir)
    assert preferencias.anchos("ana@despacho.mx", "movimientos") == {}
    preferencias.guardar_anchos("ana@despacho.mx", "movimientos", {"nss": 120, "curp": 180})
    preferencias.guardar_anchos("beto@despacho.mx", "movimientos", {"nss": 90})
    preferencias.guardar_anchos("ana@despacho.mx", "otra", {"x": 50})

    otra_vez = PreferenciasService(data_dir)  # the next start
    assert otra_vez.anchos("Ana@Despacho.mx ", "movimientos") == {"nss": 120, "curp": 180}
    assert otra_vez.anchos("beto@despacho.mx", "movimientos") == {"nss": 90}
    assert otra_vez.anchos("ana@despacho.mx", "otra") == {"x": 50}
    otra_vez.guardar_anchos("ana@despacho.mx", "movimientos", {"nss": 130})
    assert PreferenciasService(data_dir).anchos("ana@despacho.mx", "movimientos") == {"nss": 130}
    assert not list(data_dir.glob("*.parcial"))  # written whole


@pytest.mark.parametrize(
    "contenido",
    [
        b"",
        b"{no es json",
        b"\xff\xfe\x00binario",
        b"[1, 2, 3]",
        b'{"ana@despacho.mx": []}',
        b'{"ana@despacho.mx": {"movimientos": "ancho"}}',
        b'{"ana@despacho.mx": {"movimientos": {"nss": "120", "curp": -5, "fecha": 1e9,'
        b' "sbc": true, "umf": 60}}}',
    ],
    ids=["vacío", "truncado", "binario", "lista", "usuario", "vista", "anchos"],
)
def test_a_damaged_file_gives_the_windows_own_widths(data_dir, contenido):
    (data_dir / ARCHIVO).write_bytes(contenido)
    preferencias = PreferenciasService(data_dir)
    esperado = {"umf": 60} if b"umf" in contenido else {}
    assert preferencias.anchos("ana@despacho.mx", "movimientos") == esperado
    preferencias.guardar_anchos("ana@despacho.mx", "movimientos", {"nss": 110})  # and it heals
    assert preferencias.anchos("ana@despacho.mx", "movimientos") == {"nss": 110}


@pytest.mark.parametrize("ancho", [0, -1, 100_000, 12.5, "120", None, True])
def test_a_width_that_is_not_one_is_refused_in_spanish(data_dir, ancho):
    preferencias = PreferenciasService(data_dir)
    with pytest.raises(ValidationError) as refused:
        preferencias.guardar_anchos("ana@despacho.mx", "movimientos", {"nss": ancho})
    assert refused.value.message == (
        "El ancho de la columna «nss» debe ser un número entre 8 y 4000."
    )
    assert not (data_dir / ARCHIVO).exists()
