"""The manual's picture of an accepted sheet is a real file: the workbook it is drawn from goes
in whole through Importar movimientos (titles, the header on row 4, «N.S.S.», «$1,234.56»,
«08 Reingreso», an unused column and the TOTAL row)."""

from __future__ import annotations

from icsoe_desktop.demo.hoja_ejemplo import escribir_hoja_movimientos
from tests.services.movimientos_data import add_registros


def test_the_manuals_example_sheet_is_imported_whole(services, tmp_path):
    add_registros(services)
    path = escribir_hoja_movimientos(tmp_path / "movimientos_noviembre.xlsx")
    report = services.importador.import_file(path, "t")
    assert report.aplicado, report.rechazadas
    assert (report.formato, report.importados) == ("Excel", 6)
