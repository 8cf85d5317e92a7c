"""Files as nómina systems and Excel write them, imported through the windows: the informativa's
Importar trabajadores and the movimientos' Importar, with the right count, and a file with
three problems listed at once with the sheet's row numbers."""

from __future__ import annotations

import pytest

from icsoe_desktop.gui.informativa.problemas import ProblemasImportacionDialog
from icsoe_desktop.gui.movimientos.rechazos import RechazosDialog
from tests import archivos_de_nomina as nomina
from tests.conftest import services_copying
from tests.gui.helpers import click, wait_operations
from tests.gui.test_informativa_ventana import open_window, quien  # noqa: F401
from tests.gui.test_movimientos_idse import ADMIN, window
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores
from tests.services.movimientos_data import add_registros

TRABAJADORES = [
    (nomina.xlsx_titulos_y_total, "titulos.xlsx"),
    (nomina.csv_cp1252_pesos_otro_orden, "pesos.csv"),
    (nomina.csv_titulo_y_total, "total.csv"),
    (nomina.csv_guiones_y_minusculas, "guiones.csv"),
]


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def informativa(qtbot, services, quien):  # noqa: F811
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    return open_window(qtbot, services, ana, rfc, uuid)


@pytest.mark.parametrize(("build", "name"), TRABAJADORES)
def test_each_worker_file_goes_in_whole(qtbot, informativa, modals, tmp_path, build, name):
    filas = nomina.trabajadores(3)
    informativa.trabajadores.importar_de(build(tmp_path / name, filas))
    wait_operations(qtbot)
    assert modals.texts[-1].startswith(f"Se agregaron 3 trabajadores de «{name}» al contrato.")
    model = informativa.trabajadores.model
    assert [model.index(i, 0).data() for i in range(model.rowCount())] == [t.nss for t in filas]


def test_the_message_names_what_was_left_out(qtbot, informativa, modals, tmp_path):
    path = nomina.xlsx_titulos_y_total(tmp_path / "titulos.xlsx", nomina.trabajadores(3))
    informativa.trabajadores.importar_de(path)
    wait_operations(qtbot)
    assert modals.texts[-1].splitlines()[1:] == [
        "No se usan las columnas: No., Departamento.",
        "Renglón 1: se dejó fuera (título, encima del encabezado).",
        "Renglón 2: se dejó fuera (título, encima del encabezado).",
        "Renglón 8: se dejó fuera (fila de totales «TOTAL»).",
    ]


def test_three_problems_in_three_rows_are_listed_at_once(qtbot, informativa, modals, tmp_path):
    filas = nomina.trabajadores(4)
    seen: list[list[str]] = []

    def listed(dialog: ProblemasImportacionDialog) -> None:
        seen.append(dialog.lineas())
        dialog.copy_to_clipboard()
        click(qtbot, dialog.cerrar)

    modals.handle(listed)
    informativa.trabajadores.importar_de(nomina.csv_tres_problemas(tmp_path / "tres.csv", filas))
    wait_operations(qtbot)
    [lines] = seen
    assert [line.split(":")[0] for line in lines] == ["renglón 4", "renglón 5", "renglón 6"]
    assert "«1.234,56» se puede leer de dos maneras" in lines[1]
    assert f"La CURP {filas[0].curp} se repite" in lines[2]
    assert informativa.trabajadores.model.rowCount() == 0  # all or nothing


def test_movimientos_files_with_a_title_a_total_and_the_manuals_catalogue(
    qtbot, services, modals, tmp_path
):
    add_registros(services)
    rows = nomina.movimientos_rows()
    view = window(qtbot, services, ADMIN)
    view.import_from(nomina.xlsx_movimientos_titulo_y_total(tmp_path / "mayo.xlsx", rows))
    wait_operations(qtbot)
    first, *notes = modals.texts[-1].splitlines()
    assert first == "Se importaron 6 movimientos nuevos (0 ya existían)."
    assert "Fila 10: se dejó fuera (fila de totales «Total»)." in notes
    view.import_from(nomina.csv_movimientos_catalogo_del_manual(tmp_path / "manual.csv", rows))
    wait_operations(qtbot)
    assert modals.texts[-1] == "Se importaron 0 movimientos nuevos (6 ya existían)."


def test_every_problem_of_every_row_with_the_sheets_row(qtbot, services, modals, tmp_path):
    add_registros(services)
    seen: list[str] = []

    def listed(dialog: RechazosDialog) -> None:
        assert dialog.model.headers[0] == "Fila"
        seen.append(dialog.as_text())
        click(qtbot, dialog.cerrar)

    modals.handle(listed)
    view = window(qtbot, services, ADMIN)
    bad = nomina.xlsx_movimientos_tres_problemas(tmp_path / "malo.xlsx", nomina.movimientos_rows())
    view.import_from(bad)
    wait_operations(qtbot)
    [text] = seen
    lines = text.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["Fila 4", "Fila 5", "Fila 5", "Fila 7"]
    assert "posterior a hoy" in lines[1] and "tipo de salario" in lines[2]
    assert view.model.total == 0
