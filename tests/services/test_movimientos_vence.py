"""The Vence column (the aviso's legal deadline) through the services: the grid's rows, its sort,
«Por vencer» and «Vencidos», Excel export, and an imported file that carries it."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from icsoe_desktop.domain.movimientos import POR_VENCER, VENCIDOS, vence
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.movimientos.exportar import export_table
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.services.movimientos_data import (
    REGISTRO_A,
    add_registros,
    known_rows,
    load_known,
    write_csv,
)

VENCE = next(i for i, c in enumerate(COLUMNS) if c.attr == "vence")
FECHA = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
NOMBRE = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
MONDAY = datetime(2026, 6, 22, 9)  # the pendientes: OSCAR (15/05), JUAN (10/06), ANA (20/06)


def shown(rows: list[tuple], column: int) -> list:
    return [row[1 + column] for row in rows]


def test_each_row_carries_its_deadline_and_sorts_by_it(services, tmp_path):
    load_known(services, tmp_path)
    rows = services.movimientos.pagina(Filtro(), Orden(VENCE, descending=False), 0, 100)
    deadlines = shown(rows, VENCE)
    assert deadlines == [vence(f) for f in shown(rows, FECHA)]
    assert deadlines == sorted(deadlines) and len(deadlines) == 6
    # ANA's Saturday movement is due the Friday after; JUAN's Wednesday one the next Wednesday.
    by_name = dict(zip(shown(rows, NOMBRE), deadlines, strict=True))
    assert by_name["ANA"] == date(2026, 6, 26) and by_name["JUAN"] == date(2026, 6, 17)
    backwards = services.movimientos.pagina(Filtro(), Orden(VENCE, descending=True), 0, 100)
    assert shown(backwards, VENCE) == deadlines[::-1]
    assert COLUMNS[VENCE].display(by_name["ANA"]) == "26/06/2026"


def test_por_vencer_and_vencidos_find_the_pendientes_by_their_deadline(services, tmp_path, clock):
    load_known(services, tmp_path)
    clock.now = MONDAY
    movimientos = services.movimientos

    def nombres(key: str, **terms) -> list[str]:
        filtro = Filtro(condicion=("vence", key), **terms)
        rows = movimientos.pagina(filtro, Orden(NOMBRE, descending=False), 0, 100)
        assert movimientos.count(filtro) == len(rows)
        return shown(rows, NOMBRE)

    assert nombres(VENCIDOS) == ["JUAN", "OSCAR"]
    assert nombres(POR_VENCER) == ["ANA"]
    assert nombres(VENCIDOS, registro_patronal=REGISTRO_A) == ["JUAN", "OSCAR"]
    assert nombres(VENCIDOS, tipo="02") == ["JUAN"]
    assert nombres(VENCIDOS, fecha_inicial=date(2026, 6, 1)) == ["JUAN"]
    assert nombres(POR_VENCER, fecha_final=date(2026, 6, 1)) == []  # ranges that do not meet
    assert nombres(VENCIDOS, estado="aprobado") == []  # a deadline is a pendiente's
    clock.now = datetime(2026, 6, 27, 9)  # ANA's deadline (Friday 26) has passed too
    assert nombres(VENCIDOS) == ["ANA", "JUAN", "OSCAR"] and nombres(POR_VENCER) == []


def test_export_carries_the_deadline_as_a_date(services, tmp_path, clock):
    load_known(services, tmp_path)
    clock.now = MONDAY
    target = tmp_path / "vencidos.xlsx"
    filtro = Filtro(condicion=("vence", VENCIDOS))
    assert export_table(services.movimientos, filtro, Orden(), target, CLI_ACTOR) == 2
    sheet = load_workbook(target).active
    headers = [c.value for c in sheet[1]]
    column = headers.index("Vence")
    assert headers == [c.header for c in COLUMNS]
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [datetime(2026, 6, 17), datetime(2026, 5, 22)]
    assert all(c.is_date for c in cells)


def test_an_imported_file_with_vence_gets_the_deadline_of_its_fecha(services, tmp_path):
    """A file that carries Vence (an exported grid) imports; the deadline is computed from the
    fecha with this desktop's calendar, whatever the file says."""
    add_registros(services)
    path = write_csv(tmp_path / "con_vence.csv", known_rows())
    text = path.read_text(encoding="utf-8-sig").splitlines()
    lines = [text[0] + ",Vence", *(line + ",01/01/2000" for line in text[1:])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    report = services.importador.import_file(path, "t")
    assert report.aplicado and report.importados == 6
    rows = services.movimientos.pagina(Filtro(), Orden(), 0, 100)
    assert shown(rows, VENCE) == [vence(f) for f in shown(rows, FECHA)]


def test_an_exported_grid_imports_back_into_another_store(services, tmp_path):
    load_known(services, tmp_path)
    target = tmp_path / "todo.xlsx"
    export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR)
    from sqlalchemy import delete

    from icsoe_desktop.store.models import MovimientoRow

    with services.store.session() as session:
        session.execute(delete(MovimientoRow))
    report = services.importador.import_file(target, "t")
    assert report.aplicado and report.importados == 6, report.rechazadas
    rows = services.movimientos.pagina(Filtro(), Orden(VENCE), 0, 100)
    assert shown(rows, VENCE) == [vence(f) for f in shown(rows, FECHA)]
