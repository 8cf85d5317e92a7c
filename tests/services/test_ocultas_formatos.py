"""Hidden rows and columns are known in every workbook format, not only in .xlsx: an .ods
(``table:visibility`` "collapse", or "filter" for rows a filter hides), an .xls (ROW's fDyZero,
COLINFO's fHidden) and an .xlsb (BrtRowHdr, BrtColInfo). The workbook in each: row 1 hidden (an
old header, in another order), column C «Salario Base de Cotización» hidden with stale values
before the visible «SBC». The intake reads the header the clerk sees, the visible SBC, and
names the hidden column as not used; the assistant is not needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.archivos import mapeos
from icsoe_desktop.services.archivos.xlsx_reader import abrir
from icsoe_desktop.services.informativa.trabajadores_archivo import (
    IMPORTACION as IMPORTAR_TRABAJADORES,
)
from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
from tests.archivos_de_nomina import trabajadores
from tests.data.libros_xls import AQUI
from tests.services.xlsx_files import rewrite, xlsb_bytes

TRABAJADORES = trabajadores(3, seed=23)  # tests/data/libros_xls.py's ``ocultas``
NOTA = "No se usan las columnas: Salario Base de Cotización (oculta)."


def _xlsb(path: Path) -> Path:
    filas = [
        ["CURP", "NSS", "SBC"],
        ["NSS", "CURP", "Salario Base de Cotización", "SBC"],
        *([t.nss, t.curp, 999.99, t.sbc / 100] for t in TRABAJADORES),
    ]
    path.write_bytes(xlsb_bytes(filas, "Trabajadores", filas_ocultas=[0], columnas_ocultas=[2]))
    return path


def _ods_filtrado(path: Path) -> Path:
    """The .ods with row 1 hidden by a filter (Datos › Más filtros), not by hand."""
    contenido = (AQUI / "ocultas.ods").read_bytes()
    fila = b'<table:table-row table:style-name="ro1" table:visibility="'
    data = rewrite(contenido, {"content.xml": lambda xml: xml.replace(fila + b"collapse", fila + b"filter", 1)})  # fmt: skip
    assert data != contenido
    path.write_bytes(data)
    return path


LIBROS = {
    "xls de LibreOffice": lambda _tmp: AQUI / "ocultas.xls",
    "ods de LibreOffice": lambda _tmp: AQUI / "ocultas.ods",
    "ods con filtro": lambda tmp: _ods_filtrado(tmp / "ocultas.ods"),
    "xlsb": lambda tmp: _xlsb(tmp / "ocultas.xlsb"),
}


@pytest.fixture(params=list(LIBROS))
def libro(request, tmp_path) -> Path:
    return LIBROS[request.param](tmp_path)


def test_the_hidden_row_and_column_are_known(libro):
    with abrir(libro, libro.name) as book:
        assert book.ocultas("Trabajadores") == (frozenset({2}), frozenset({1}))


def test_the_header_and_the_sbc_the_clerk_sees_are_read(libro):
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, libro)
    assert leida is not None and not leida.incierta  # no assistant: nothing to choose
    assert leida.fila_encabezado == 2
    assert leida.mapeo["SBC"] == "sbc" and leida.mapeo["Salario Base de Cotización"] is None
    archivo = leer_trabajadores(libro)
    assert [(t.nss, t.sbc) for t in archivo.trabajadores] == [(t.nss, t.sbc) for t in TRABAJADORES]
    assert archivo.notas[0] == NOTA


def test_movimientos_from_an_ods_take_the_visible_sbc(services):
    """The movimientos importer through the same intake (tests/data/movimientos_oculta.ods, as
    LibreOffice writes it): the hidden stale column is never read."""
    from sqlalchemy import select

    from icsoe_desktop.store.models import MovimientoRow
    from tests.services.movimientos_data import add_registros

    add_registros(services)
    ods = AQUI / "movimientos_oculta.ods"
    report = services.importador.import_file(ods, CLI_ACTOR)
    assert report.aplicado and report.importados == 6, report.rechazadas
    assert "Salario Base de Cotización (oculta)" in report.notas[0]
    with services.store.session() as session:
        guardados = set(session.scalars(select(MovimientoRow.sbc)))
    assert 99_999 not in guardados
