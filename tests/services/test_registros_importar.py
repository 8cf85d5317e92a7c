"""Registros patronales from a file as a nómina system or Excel writes it, through the one
intake: titles above the header, the names people give the columns, a TOTAL row below, every
problem of every row at once with the sheet's row, and the columns as the clerk said them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.archivos import mapeos
from icsoe_desktop.services.archivos.lectura import Guia
from icsoe_desktop.services.empresas.registros import IMPORTACION as IMPORTAR_REGISTROS
from tests import credentials_factory as cf

RAZON = "Empresa Demo, S.A. de C.V."


def titled_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Registros patronales de la empresa"])
    sheet.append(["Generado el 01/11/2026"])
    sheet.append([])
    sheet.append(["Reg. Patronal", "R.F.C.", "Nombre o razón social", "Delegación"])
    sheet.append(["Y54-12345-10-6", cf.RFC_MORAL, RAZON, "Sur"])
    sheet.append(["y5412345107", cf.RFC_MORAL.lower(), RAZON, "Norte"])
    sheet.append(["Total", 2])
    book.save(path)
    return path


def test_a_titled_xlsx_with_aliases_and_a_total_row_is_read_whole(services, tmp_path):
    result = services.registros.importar(titled_xlsx(tmp_path / "registros.xlsx"), CLI_ACTOR)
    assert result.guardados == 2
    assert [(r.registro, r.rfc, r.razon_social) for r in services.registros.listar()] == [
        ("Y5412345106", cf.RFC_MORAL, RAZON),
        ("Y5412345107", cf.RFC_MORAL, RAZON),
    ]
    assert result.notas == (
        "No se usan las columnas: Delegación.",
        "Fila 1: se dejó fuera (título, encima del encabezado).",
        "Fila 2: se dejó fuera (título, encima del encabezado).",
        "Fila 7: se dejó fuera (fila de totales «Total»).",
    )


def test_a_csv_names_every_problem_of_every_row_by_its_line_and_saves_none(services, tmp_path):
    path = tmp_path / "registros.csv"
    path.write_bytes(
        "Catálogo de registros\r\n"
        "Razón social;Registro patronal;RFC\r\n"
        f"{RAZON};Y5412345106;{cf.RFC_MORAL}\r\n"
        f";12;RFC-MALO\r\n"
        f"{RAZON};Y5412345106;{cf.RFC_MORAL}\r\n"
        "Total;;\r\n".encode("cp1252")
    )
    with pytest.raises(ValidationError) as caught:
        services.registros.importar(path, CLI_ACTOR)
    lines = caught.value.message.splitlines()
    assert lines[0] == "No se guardó ningún registro patronal: 2 filas tienen errores."
    fila_4 = next(line for line in lines if line.startswith("Fila 4: "))
    # The three problems of line 4 at once: the registro, the RFC and the razón social.
    assert "registro patronal debe tener 11 caracteres" in fila_4
    assert "RFC" in fila_4 and "Captura la razón social del patrón." in fila_4
    assert "Fila 5: el registro Y5412345106 se repite (fila 3)." in lines
    assert services.registros.listar() == []


def test_a_file_without_the_columns_says_which_and_the_clerks_guide_reads_it(services, tmp_path):
    path = tmp_path / "otro_sistema.csv"
    path.write_text(
        f"Clave IMSS,Identificador fiscal,Empresa\nY5412345106,{cf.RFC_MORAL},{RAZON}\n",
        encoding="utf-8",
    )
    leida = mapeos.leer(IMPORTAR_REGISTROS, path)
    assert leida is not None and leida.incierta  # the assistant opens by itself
    with pytest.raises(ValidationError) as caught:
        services.registros.importar(path, CLI_ACTOR)
    assert caught.value.message.startswith(
        "A «otro_sistema.csv» le faltan las columnas: Registro patronal, RFC, Razón social."
    )
    guia = Guia(1, ("registro_patronal", "rfc", "razon_social"))
    assert services.registros.importar(path, CLI_ACTOR, guia).guardados == 1
    assert [r.registro for r in services.registros.listar()] == ["Y5412345106"]
