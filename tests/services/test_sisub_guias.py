"""The office's INFONAVIT guide kept in the empresa's store (services/sisub/guia.py): the
layouts an empresa kept in ``sisub_guias.json`` beside its settings move into the store when it
opens, once, and the export says whose columns it wrote; a damaged file, or a stored layout
that is not one, never stops the opening nor an export: the built-in layout stands, and the
log says why. A guide read again replaces the one before, audited with its SHA-256."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
from datetime import UTC, datetime

import pytest

from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.sisub import guia
from icsoe_desktop.store.models import SisubGuia
from tests import sisub_fixtures as fx
from tests.services.libros_de_prueba import escribir
from tests.sisub_datos import ENCABEZADO_GUIA, GUIA_DETALLE

_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte

DETALLE = f"{NOMBRES_CSV['trabajadores']}.csv"
INCLUIDO = (
    "Los CSV llevan las columnas del formato incluido en icsoe-desktop: no se ha leído un "
    "archivo de guía del INFONAVIT."
)
# 5 de octubre de 2026, 18:00 UTC: the day the file was last written, in Central Mexico time.
GUARDADO = datetime(2026, 10, 5, 18, 0, tzinfo=UTC).timestamp()


def _encabezado(services, uuid, actor, destino) -> tuple[list[str], tuple[str, ...]]:
    """The header row of the workers' CSV an export writes, and what the export said."""
    hecho = services.sisub_archivos.exportar(uuid, actor, destino)
    texto = (hecho.ruta / DETALLE).read_bytes().decode("cp1252")
    return next(csv.reader(io.StringIO(texto, newline=""))), hecho.avisos


def _json_de_antes(services, tmp_path, **otros) -> dict:
    """``sisub_guias.json`` as the empresa kept it beside its settings: the guide's layout of
    the workers' file (its titles and fields), and ``otros`` entries as given."""
    (layout,) = guia.leer_guia(escribir(tmp_path / "guia.xls", GUIA_DETALLE)).values()
    contenido = {"trabajadores": {"titulos": list(layout.titulos), "campos": list(layout.campos)}}
    contenido.update(otros)
    path = services.carpeta / guia.ARCHIVO
    path.write_text(json.dumps(contenido, ensure_ascii=False), encoding="utf-8")
    os.utime(path, (GUARDADO, GUARDADO))
    return contenido


def _reabierta(services):
    return open_services(services.data_dir, services.clock)


def test_the_layouts_kept_beside_the_settings_move_into_the_store_once(
    services, reporte, tmp_path, caplog
):
    rfc, _ana, uuid = reporte
    _json_de_antes(services, tmp_path, contratos={"titulos": ["RFC"], "campos": []})
    path = services.carpeta / guia.ARCHIVO
    with caplog.at_level(logging.WARNING):
        otra = _reabierta(services)
    try:
        assert not path.exists()
        assert (services.carpeta / (guia.ARCHIVO + guia.TRASLADADO)).is_file()
        assert "la guía de «Contratos» no es legible" in caplog.text
        encabezado, avisos = _encabezado(otra, uuid, rfc, tmp_path / "uno")
        assert encabezado == list(ENCABEZADO_GUIA)
        assert avisos[0] == (
            "«Sujeto obligado» y «Contratos»: columnas del formato incluido en icsoe-desktop; "
            "«Detalle de trabajadores»: columnas de la guía del INFONAVIT guardada el 05/10/2026."
        )
        assert fx.auditado(otra, guia.AUDIT_TRASLADADA) == ["Detalle de trabajadores"]
        # The clerk reads another guide; the file found again beside the settings (a copy
        # put back) moves nothing over it.
        otra_guia = escribir(tmp_path / "otra.xlsx", [list(reversed(ENCABEZADO_GUIA))])
        otra.sisub_archivos.leer_guia(otra_guia, rfc)
    finally:
        otra.close()
    _json_de_antes(services, tmp_path)
    tercera = _reabierta(services)
    try:
        assert not path.exists()
        encabezado, avisos = _encabezado(tercera, uuid, rfc, tmp_path / "dos")
        assert encabezado == list(reversed(ENCABEZADO_GUIA))
        assert "columnas de la guía «otra.xlsx» leída el 22/11/2026" in avisos[0]
        assert fx.auditado(tercera, guia.AUDIT_TRASLADADA) == ["Detalle de trabajadores"]
    finally:
        tercera.close()


def test_a_file_that_cannot_be_renamed_is_moved_once_and_renamed_later(
    services, reporte, tmp_path, caplog
):
    rfc, _ana, uuid = reporte
    _json_de_antes(services, tmp_path)
    estorbo = services.carpeta / (guia.ARCHIVO + guia.TRASLADADO)
    estorbo.mkdir()  # a folder of that name, not empty: the rename fails
    (estorbo / "algo.txt").write_text("ocupado")
    with caplog.at_level(logging.WARNING):
        _reabierta(services).close()
    assert "No se pudo renombrar" in caplog.text
    assert (services.carpeta / guia.ARCHIVO).is_file()
    (estorbo / "algo.txt").unlink()
    estorbo.rmdir()
    otra = _reabierta(services)
    try:
        assert estorbo.is_file()
        assert fx.auditado(otra, guia.AUDIT_TRASLADADA) == ["Detalle de trabajadores"]
        assert _encabezado(otra, uuid, rfc, tmp_path / "salida")[0] == list(ENCABEZADO_GUIA)
    finally:
        otra.close()


@pytest.mark.parametrize(
    "contenido",
    [
        b'{"trabajadores": {"titulos": ["NSS"',  # cut short
        b"[1, 2, 3]",  # not an object
        b"\xff\xfe{}",  # not UTF-8
        b"{}" + b" " * guia.MAX_JSON,  # past the size a guide's layouts take
    ],
    ids=["cortado", "no_objeto", "no_utf8", "enorme"],
)
def test_a_damaged_file_beside_the_settings_does_not_stop_the_opening(
    services, reporte, tmp_path, caplog, contenido
):
    rfc, _ana, uuid = reporte
    path = services.carpeta / guia.ARCHIVO
    path.write_bytes(contenido)
    with caplog.at_level(logging.WARNING):
        otra = _reabierta(services)
    try:
        assert "sisub_guias.json está dañado" in caplog.text
        assert guia.MSG_JSON_DANADO in caplog.text
        assert not path.exists()
        assert (services.carpeta / (guia.ARCHIVO + ".dañado")).read_bytes() == contenido
        encabezado, avisos = _encabezado(otra, uuid, rfc, tmp_path / "salida")
        assert encabezado[:3] == ["Cuatrimestre", "Año", "Bimestre"]
        assert avisos[0] == INCLUIDO
        assert fx.auditado(otra, guia.AUDIT_TRASLADADA) == []
    finally:
        otra.close()


@pytest.mark.parametrize(
    ("titulos", "campos"),
    [
        ("no es JSON", "[]"),
        ('["NSS", "Bimestre"]', '["nss"]'),  # one title without its field
        ('["NSS"]', '["no_es_un_campo"]'),
        ("[]", "[]"),
    ],
    ids=["no_json", "desiguales", "campo_ajeno", "vacia"],
)
def test_a_stored_layout_that_is_not_one_leaves_its_csv_built_in(
    services, reporte, tmp_path, caplog, titulos, campos
):
    """A row another desktop's copy sent damaged: logged, and that CSV takes the built-in
    layout (the export goes on)."""
    rfc, _ana, uuid = reporte
    with services.store.session() as session:
        session.add(
            SisubGuia(
                archivo="trabajadores",
                titulos=titulos,
                campos=campos,
                nombre="dañada.xls",
                leida_at=services.clock(),
            )
        )
    with caplog.at_level(logging.WARNING):
        encabezado, avisos = _encabezado(services, uuid, rfc, tmp_path / "salida")
    assert encabezado[:3] == ["Cuatrimestre", "Año", "Bimestre"]
    assert avisos[0] == INCLUIDO
    assert "«trabajadores» («dañada.xls») no es legible" in caplog.text


def test_a_guide_read_again_replaces_the_one_before_and_is_audited(services, reporte, tmp_path):
    rfc, _ana, uuid = reporte
    primera = escribir(tmp_path / "guia_detalle.xls", GUIA_DETALLE)
    services.sisub_archivos.leer_guia(primera, rfc)
    segunda = escribir(tmp_path / "guia_nueva.xlsx", [list(reversed(ENCABEZADO_GUIA))])
    services.clock.advance(days=3)
    services.sisub_archivos.leer_guia(segunda, rfc)
    encabezado, avisos = _encabezado(services, uuid, rfc, tmp_path / "salida")
    assert encabezado == list(reversed(ENCABEZADO_GUIA))
    assert avisos[0].endswith(
        "«Detalle de trabajadores»: columnas de la guía «guia_nueva.xlsx» leída el 25/11/2026."
    )
    with services.store.session() as session:
        assert session.query(SisubGuia).count() == 1  # one per CSV
    sha = hashlib.sha256(segunda.read_bytes()).hexdigest()
    detalles = fx.auditado(services, guia.AUDIT_LEIDA)
    assert len(detalles) == 2
    assert detalles[1].startswith(f"SHA-256 {sha}; Detalle de trabajadores: la columna")


def test_a_guide_of_the_three_csvs_is_named_once(services, reporte, tmp_path):
    from tests import sisub_guias as g

    rfc, _ana, uuid = reporte
    hojas = {
        "trabajadores": g.hoja(g.TRABAJADORES, "d"),
        "contratos": g.hoja(g.CONTRATOS, "b"),
        "sujeto": g.hoja(g.SUJETO, "a"),
    }
    path = g.libro(tmp_path / "guia_completa.xlsx", hojas)
    leida = services.sisub_archivos.leer_guia(path, rfc)
    assert set(leida.layouts) == set(hojas)
    _, avisos = _encabezado(services, uuid, rfc, tmp_path / "salida")
    assert (
        avisos[0]
        == "Los CSV llevan las columnas de la guía «guia_completa.xlsx» leída el 22/11/2026."
    )
