"""Two columns for one field never resolve silently: a hidden column loses to a visible one;
the field's own title wins over an alias only while their values agree (on every row); else
the file is uncertain (the assistant asks) and the import refuses naming both columns by letter.
Every recognised column not read is in the notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos import lectura, mapeos
from icsoe_desktop.services.archivos.lectura import Guia
from icsoe_desktop.services.informativa.trabajadores_archivo import ESQUEMA, leer_trabajadores
from icsoe_desktop.services.informativa.trabajadores_archivo import (
    IMPORTACION as IMPORTAR_TRABAJADORES,
)
from tests.archivos_de_nomina import trabajadores
from tests.test_cli_informativa import cli

TRABAJADORES = trabajadores(40, seed=11)


def nomina(path: Path, sdi: callable, ocultar: str | None = None) -> Path:
    """A payroll export: No. Empleado, NSS, CURP, Salario Diario, SDI, SBC (``sdi(row, sbc)``
    gives the SDI column's value)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["No. Empleado", "NSS", "CURP", "Salario Diario", "SDI", "SBC"])
    for i, t in enumerate(TRABAJADORES, start=1):
        sbc = t.sbc / 100
        sheet.append([i, t.nss, t.curp, round(sbc / 1.0452, 2), sdi(i, sbc), sbc])
    if ocultar:
        sheet.column_dimensions[ocultar].hidden = True
    book.save(path)
    return path


def sbcs(archivo) -> list[int]:
    return [t.sbc for t in archivo.trabajadores]


def test_sdi_and_sbc_that_differ_are_named_and_nothing_is_read(tmp_path):
    path = nomina(tmp_path / "n.xlsx", lambda i, sbc: sbc + 500)
    with pytest.raises(ValidationError) as error:
        leer_trabajadores(path)
    assert (error.value.code, error.value.message) == (
        "columnas_ambiguas",
        "En «n.xlsx», las columnas E «SDI» y F «SBC» son todas «SBC» y sus datos no coinciden: "
        "elige cuál usar en el asistente de importación (o borra la otra del archivo). No se "
        "importó nada.",
    )
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida is not None and leida.incierta  # the assistant opens on it
    assert leida.columnas_ambiguas == {"sbc": ("SDI", "SBC")}
    assert leida.mapeo["SDI"] is None and leida.mapeo["SBC"] is None
    # The clerk's choice reads it, and the other column is named as not used.
    guia = Guia(leida.fila_encabezado, (None, "nss", "curp", None, None, "sbc"))
    archivo = leer_trabajadores(path, guia)
    assert sbcs(archivo) == [t.sbc for t in TRABAJADORES]
    assert archivo.notas[0] == "No se usan las columnas: No. Empleado, Salario Diario, SDI."


def test_sdi_and_sbc_that_agree_read_the_sbc_and_say_the_sdi_is_not_used(tmp_path):
    archivo = leer_trabajadores(nomina(tmp_path / "n.xlsx", lambda i, sbc: f"${sbc:,.2f}"))
    assert sbcs(archivo) == [t.sbc for t in TRABAJADORES]
    assert archivo.notas[0] == "No se usan las columnas: No. Empleado, Salario Diario, SDI."


def test_columns_that_part_after_the_first_rows_stop_the_import_at_that_row(tmp_path):
    path = nomina(tmp_path / "n.xlsx", lambda i, sbc: sbc if i != 35 else sbc + 1)
    with pytest.raises(ValidationError) as error:
        leer_trabajadores(path)
    assert error.value.message == (
        "En «n.xlsx», las columnas F «SBC» y E «SDI» son ambas «SBC» y en la fila 36 no "
        "coinciden: elige cuál usar en el asistente de importación (o borra la otra del "
        "archivo). No se importó nada."
    )


def test_a_hidden_column_is_never_chosen_over_the_visible_one(tmp_path):
    """«Salario Base de Cotización» hidden (last year's values) before the visible «SBC»."""
    path = tmp_path / "n.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "CURP", "Salario Base de Cotización", "SBC"])
    for t in TRABAJADORES:
        sheet.append([t.nss, t.curp, 999.99, t.sbc / 100])
    sheet.column_dimensions["C"].hidden = True
    book.save(path)
    archivo = leer_trabajadores(path)
    assert sbcs(archivo) == [t.sbc for t in TRABAJADORES]
    assert archivo.notas[0] == "No se usan las columnas: Salario Base de Cotización (oculta)."


@pytest.mark.end2end
def test_the_command_line_refuses_naming_both_column_letters(tmp_path):
    path = nomina(tmp_path / "n.xlsx", lambda i, sbc: sbc + 500)
    hecho = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path)
    assert hecho.returncode == 2
    assert "las columnas E «SDI» y F «SBC» son todas «SBC»" in hecho.stderr


def test_movimientos_take_the_visible_sbc_not_a_hidden_stale_one(services, tmp_path):
    """The movimientos grid with a hidden «Salario Base de Cotización» of old values before the
    visible «SBC»: every movement keeps the SBC the clerk sees."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from tests.services.movimientos_data import HEADERS, add_registros, known_rows

    add_registros(services)
    book = Workbook()
    sheet = book.active
    sheet.append(["Salario Base de Cotización", *HEADERS])
    for row in known_rows():
        sheet.append([999.99, *(row[h] for h in HEADERS)])
    sheet.column_dimensions["A"].hidden = True
    book.save(tmp_path / "movs.xlsx")
    report = services.importador.import_file(tmp_path / "movs.xlsx", CLI_ACTOR)
    assert report.aplicado and report.importados == 6, report.rechazadas
    assert "Salario Base de Cotización (oculta)" in report.notas[0]
    from sqlalchemy import select

    from icsoe_desktop.store.models import MovimientoRow

    with services.store.session() as session:
        guardados = sorted(session.scalars(select(MovimientoRow.sbc)), key=lambda v: v or 0)
    esperados = sorted((round(float(r["SBC"]) * 100) if r["SBC"] else None for r in known_rows()),
                       key=lambda v: v or 0)  # fmt: skip
    assert guardados == esperados and 99_999 not in guardados


def test_registros_with_rfc_and_rfc_del_patron_that_differ_are_named(services, tmp_path):
    from icsoe_desktop.domain.roles import CLI_ACTOR

    book = Workbook()
    book.active.append(["Registro Patronal", "RFC del patrón", "RFC", "Razón social"])
    book.active.append(["Y54-12345-10-6", "XAXX010101000", "EDM010101AB1", "Empresa Demo"])
    book.save(tmp_path / "registros.xlsx")
    with pytest.raises(ValidationError, match="las columnas B «RFC del patrón» y C «RFC»"):
        services.registros.importar(tmp_path / "registros.xlsx", CLI_ACTOR)
    assert services.registros.listar() == []


def test_a_hidden_row_is_not_taken_for_the_header_over_a_visible_one(tmp_path):
    """Row 1 hidden, an old header in another order; row 2 visible, the one the clerk sees."""
    path = tmp_path / "n.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "CURP", "SBC"])
    sheet.append(["CURP", "NSS", "SBC"])
    for t in TRABAJADORES[:3]:
        sheet.append([t.curp, t.nss, t.sbc / 100])
    sheet.row_dimensions[1].hidden = True
    book.save(path)
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida.fila_encabezado == 2 and not leida.incierta
    assert leida.eleccion.filas_ocultas == frozenset({1})
    assert [t.nss for t in leer_trabajadores(path).trabajadores] == [
        t.nss for t in TRABAJADORES[:3]
    ]


def test_columns_that_part_further_down_become_the_clerks_choice_side_by_side(tmp_path):
    """The assistant reads on (``revisar``) when two columns agreed on the first rows: parting
    at row 36, they are the clerk's to choose, shown side by side as the field reads them."""
    path = nomina(tmp_path / "n.xlsx", lambda i, sbc: f"${sbc:,.2f}" if i != 35 else sbc + 1)
    leida = lectura.leer(path, ESQUEMA)
    assert leida.por_confirmar and not leida.incierta
    leida.revisar(100)
    assert leida.columnas_ambiguas == {"sbc": ("SDI", "SBC")}
    assert leida.incierta and leida.mapeo["SBC"] is None
    lado_a_lado = leida.lado_a_lado("sbc", limite=3)
    assert [(n, iguales) for n, _, iguales in lado_a_lado] == [(2, True), (3, True), (4, True)]
    sbc = TRABAJADORES[0].sbc / 100
    assert lado_a_lado[0][1][0] == f"${sbc:,.2f}"
    with pytest.raises(ValidationError) as error:
        leida.filas()
    assert error.value.code == "columnas_ambiguas"
