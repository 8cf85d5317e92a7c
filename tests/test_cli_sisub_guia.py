"""`sisub exportar --guia GUIA.xls` as a real process on a contratista's store with a report ready
to export: the DetalleTrab CSV in the guide's columns and order, the column the app cannot fill
named on the way out and left empty, the guide kept so the next `sisub exportar` without
`--guia` writes the same layout; a --guia that is not a spreadsheet, or is empty, refused with
exit 2 and a Spanish message, nothing exported."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV
from tests import sisub_fixtures as fx
from tests.services.libros_de_prueba import escribir
from tests.sisub_datos import GUIA_DETALLE
from tests.test_cli_movimientos import cli

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte

DETALLE = f"{NOMBRES_CSV['trabajadores']}.csv"
SIN_LLENAR = (
    "Detalle de trabajadores: la columna «Clave de ubicación» no se puede llenar; se deja vacía."
)


def _pesos(centavos: int) -> str:
    return f"{Decimal(centavos) / 100:.2f}"


def _detalle(carpeta: Path) -> list[list[str]]:
    texto = (carpeta / DETALLE).read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(texto, newline="")))


@pytest.mark.slow
@pytest.mark.end2end
def test_exportar_with_the_offices_guide_and_after_it(services, reporte, data_dir, tmp_path):
    rfc, ana, uuid = reporte
    # The rows the guide asks for, as the report shows them (amounts with two decimals).
    esperado = sorted(
        [
            t.nss, t.registro_patronal, c.numero, str(t.bimestre), "",
            _pesos(t.importes.fijas), _pesos(t.importes.variables),
            str(t.importes.dias_incapacidad),
        ]
        for c in services.sisub.reporte(uuid, ana).contratos
        for t in c.trabajadores
    )  # fmt: skip
    assert len(esperado) == 4
    services.close()
    periodo = ("--contratista", rfc, "--periodo", "2026-2")

    # A PDF saved as «.xls», an empty file: refused before anything is written.
    no_es = tmp_path / "guia_pdf.xls"
    no_es.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    vacia = tmp_path / "vacia.xls"
    vacia.write_bytes(b"")
    for guia, mensaje in (
        (
            no_es,
            "«guia_pdf.xls» no es un archivo de texto (CSV) ni un libro de Excel (.xlsx, .xls).",
        ),
        (vacia, "El archivo «vacia.xls» está vacío."),
    ):
        hecho = cli(
            data_dir, "sisub", "exportar", *periodo, "--guia", guia, "--salida", tmp_path / "x"
        )
        assert (hecho.returncode, hecho.stderr.strip(), hecho.stdout) == (2, mensaje, ""), guia
    assert not (tmp_path / "x").exists()

    guia = escribir(tmp_path / "GUIA.xls", GUIA_DETALLE)
    hecho = cli(
        data_dir, "sisub", "exportar", *periodo, "--guia", guia, "--salida", tmp_path / "uno"
    )
    assert hecho.returncode == 0, hecho.stderr
    carpeta = Path(hecho.stdout.strip())
    assert carpeta == tmp_path / "uno" / f"SISUB {rfc} 2026-2"
    assert hecho.stderr.splitlines().count(SIN_LLENAR) == 1
    titulos, *filas = _detalle(carpeta)
    assert titulos == list(GUIA_DETALLE[1])
    assert sorted(filas) == esperado

    # The next export, without --guia, keeps the guide's layout.
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "dos")
    assert hecho.returncode == 0, hecho.stderr
    assert SIN_LLENAR in hecho.stderr.splitlines()
    assert "«Detalle de trabajadores»: columnas de la guía «GUIA.xls» leída el" in hecho.stderr
    assert _detalle(Path(hecho.stdout.strip())) == [titulos, *filas]
    # The other two files keep the built-in layout: the guide has no sheet of theirs.
    sujeto = (Path(hecho.stdout.strip()) / f"{NOMBRES_CSV['sujeto']}.csv").read_bytes()
    assert sujeto.startswith(b"RFC,")


@pytest.mark.slow
@pytest.mark.end2end
def test_exportar_with_the_three_guides_repeated(services, reporte, data_dir, tmp_path):
    """`--guia` repeated for the three public guides: each recognised, said before it is
    remembered, every worker column filled; a guide whose key title is a formula refused
    with exit 2, nothing exported."""
    from openpyxl import Workbook

    from tests import sisub_guias as g

    rfc, _ana, _uuid = reporte
    services.close()
    periodo = ("--contratista", rfc, "--periodo", "2026-2")
    libro = Workbook()
    for fila in g.hoja(g.TRABAJADORES, "d"):
        libro.active.append(fila)
    libro.active["G3"] = '=CONCATENATE("Numero de Seguro ","Social")'
    formula = tmp_path / "formula.xlsx"
    libro.save(formula)
    hecho = cli(
        data_dir, "sisub", "exportar", *periodo, "--guia", formula, "--salida", tmp_path / "x"
    )
    assert hecho.returncode == 2 and "su encabezado tiene fórmulas (G3:" in hecho.stderr
    assert not (tmp_path / "x").exists()
    guias = []
    for nombre, titulos, seccion in (
        ("sujeto.xlsx", g.SUJETO, "a"),
        ("contratos.xlsx", g.CONTRATOS, "b"),
        ("trabajadores.xlsx", g.TRABAJADORES, "d"),
    ):
        guias += ["--guia", escribir(tmp_path / nombre, g.hoja(titulos, seccion))]
    hecho = cli(data_dir, "sisub", "exportar", *periodo, *guias, "--salida", tmp_path / "uno")
    assert hecho.returncode == 0, hecho.stderr
    assert (
        "Guía reconocida: Detalle de trabajadores: «trabajadores.xlsx» (fila 3), 19 de 19 "
        "columnas reconocidas."
    ) in hecho.stderr.splitlines()
    titulos, *filas = _detalle(Path(hecho.stdout.strip()))
    assert titulos == list(g.TRABAJADORES) and len(filas) == 4
    assert all(
        all(
            celda
            for i, celda in enumerate(f)
            if titulos[i] != "Numero interior (centro de trabajo)"
        )
        for f in filas
    )
