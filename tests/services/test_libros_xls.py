"""Workbooks in Excel 97-2003 format (.xls, from LibreOffice: tests/data/libros_xls.py) and in
Excel's binary format (.xlsb) go through every importer as the same workbook in .xlsx does: the
title rows, the total row, the money, the NSS whose leading zeros Excel dropped; and a .xls
whose sheets would not fit in memory is refused naming the cell, under a 4 GB limit, instead of
ending the program; so is a damaged or forged one (a sheet's DIMENSIONS asking calamine for
terabytes, a record retyped so that calamine panics): a typed refusal, never an abort."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.archivos.xlsx_reader import sheet_rows
from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
from tests.archivos_de_nomina import trabajadores
from tests.data.libros_xls import AQUI, fuentes
from tests.icsoe_helpers import enter_contratista
from tests.informativa_datos import PERIODO
from tests.services.movimientos_data import add_registros
from tests.services.test_dato_suelto import SIN_LIMITE_DE_MEMORIA, limited
from tests.services.xlsx_files import xlsb_bytes
from tests.xls_registros import (
    CODEPAGE,
    FORMULA,
    LBL,
    SETUP,
    dimensions,
    retipado,
)

# Each a LibreOffice .xls with some bytes of one record changed (tests/xls_registros.py):
DAÑOS = {
    # a sheet declaring all of Excel's grid: calamine reserved 687 GB from it and aborted
    "dimensions": lambda xls: dimensions(xls, (0, 1_048_576), (0, 16_384)),
    # first row past the last: calamine's 32-bit arithmetic wraps to 4,294,967,294 rows
    "dimensions_al_reves": lambda xls: dimensions(xls, (5, 3), (0, 10)),
    # a globals record (CODEPAGE, 2 bytes) retyped as a defined name: calamine panicked
    "nombre_corto": lambda xls: retipado(xls, CODEPAGE, LBL),
    # a sheet's page setup retyped as a formula: a panic inside calamine's formula parser
    "formula_rota": lambda xls: retipado(xls, SETUP, FORMULA),
}
IMPORTADORES = ("movimientos", "trabajadores", "registros", "capturistas", "rechazos")


@pytest.fixture
def libros(tmp_path) -> dict[str, tuple[Path, Path]]:
    """Each importer's workbook as .xlsx (built now) and as .xls (LibreOffice's, checked in)."""
    carpeta = tmp_path / "libros"
    carpeta.mkdir()
    return {name: (xlsx, AQUI / f"{name}.xls") for name, xlsx in fuentes(carpeta).items()}


def test_movimientos_read_from_an_xls_as_from_the_xlsx(services, libros):
    add_registros(services)
    xlsx, xls = libros["movimientos"]
    nuevo = services.importador.import_file(xlsx, CLI_ACTOR)
    assert nuevo.aplicado and nuevo.importados == 6, nuevo.rechazadas
    again = services.importador.import_file(xls, CLI_ACTOR)
    assert (again.formato, again.leidas, again.existentes) == ("Excel", 6, 6), again.rechazadas
    assert (
        again.notas
        == nuevo.notas
        == [
            "Fila 1: se dejó fuera (título, encima del encabezado).",
            "Fila 10: se dejó fuera (fila de totales «Total»).",
        ]
    )


def test_the_workers_of_an_xls_keep_their_leading_zeros(libros):
    xlsx, xls = libros["trabajadores"]
    leido, esperado = leer_trabajadores(xls), leer_trabajadores(xlsx)
    assert leido.trabajadores == esperado.trabajadores and len(leido.trabajadores) == 3
    assert leido.trabajadores[0].nss.startswith("00")
    assert leido.problemas == () and leido.notas == esperado.notas


def test_registros_patronales_from_an_xls(services, libros):
    assert services.registros.importar(libros["registros"][1], CLI_ACTOR).guardados == 1
    assert [r.registro for r in services.registros.listar()] == ["Y5412345106"]


def test_the_alta_masiva_takes_an_xls_and_a_csv(
    services, data_dir, tmp_path, smtp_configured, libros
):
    rfc = enter_contratista(services, data_dir, tmp_path)
    assert services.capturistas_excel.alta_masiva(rfc, libros["capturistas"][1]).guardados == 1
    csv = tmp_path / "alta.csv"
    csv.write_text(
        "CURP,Nombre,Primer apellido,Segundo apellido,Rol,Teléfono celular,Correo electrónico,"
        "Confirmar correo\r\nGOLA800101HDFRPN09,Beto,García,Ruiz,Capturista,5512345679,"
        "beto@ejemplo.mx,beto@ejemplo.mx\r\n",
        encoding="utf-8-sig",
    )
    assert services.capturistas_excel.alta_masiva(rfc, csv).guardados == 1
    assert services.capturistas.total(rfc) == 2


def test_a_text_file_named_xls_is_read_as_the_text_it_is(libros, tmp_path):
    """Old nómina systems save tab-separated text under the name «.xls»."""
    xlsx, _ = libros["trabajadores"]
    esperado = leer_trabajadores(xlsx).trabajadores
    lines = ["N.S.S.\tC.U.R.P.\tS.B.C."] + [
        f"{t.nss}\t{t.curp}\t{t.sbc / 100:.2f}" for t in esperado
    ]
    texto = tmp_path / "trabajadores.xls"
    texto.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    leido = leer_trabajadores(texto).trabajadores
    assert [(t.nss, t.curp, t.sbc) for t in leido] == [(t.nss, t.curp, t.sbc) for t in esperado]


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
def test_an_xls_whose_sheets_would_not_fit_is_refused_naming_the_cell(tmp_path):
    folder = tmp_path / "libros"
    folder.mkdir()
    shutil.copyfile(AQUI / "lejos.xls", folder / "lejos.xls")
    [answer] = limited("-", folder)
    assert answer["codigo"] == "dato_suelto", answer
    assert answer["mensaje"].startswith(
        "Hay un dato suelto en IV65536 de la hoja «Hoja2» de «lejos.xls», lejos de los demás"
    )


def test_the_workers_of_an_xlsb_as_of_the_xlsx(libros, tmp_path):
    """xlsx_titulos_y_total's rows, written as Excel's binary format."""
    filas = trabajadores(3)
    xlsb = tmp_path / "trabajadores.xlsb"
    xlsb.write_bytes(
        xlsb_bytes(
            [
                ["Reporte de trabajadores por contrato"],
                [f"Periodo {PERIODO.clave}", None, "Servicios Especializados del Mayab"],
                [],
                ["No.", "Nombre", "N.S.S.", "C.U.R.P.", "S.B.C.", "Departamento"],
                *([i, f"TRABAJADOR {i}", int(t.nss), t.curp, t.sbc / 100, "Limpieza"]
                  for i, t in enumerate(filas, start=1)),
                ["TOTAL", None, None, None, sum(t.sbc for t in filas) / 100],
            ]
        )
    )  # fmt: skip
    leido, esperado = leer_trabajadores(xlsb), leer_trabajadores(libros["trabajadores"][0])
    assert leido.trabajadores == esperado.trabajadores and leido.notas == esperado.notas
    assert leido.trabajadores[0].nss.startswith("00")


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
def test_a_damaged_or_forged_xls_is_refused_as_damaged_never_ending_the_program(tmp_path):
    """Every importer, each given its .xls damaged one way (the four ways, in turn), under a
    4 GB limit; and the reader alone, every .xls damaged every way."""
    importadores, lector = tmp_path / "importadores", tmp_path / "lector"
    importadores.mkdir()
    lector.mkdir()
    for i, nombre in enumerate(IMPORTADORES):
        xls = (AQUI / f"{nombre}.xls").read_bytes()
        dano = list(DAÑOS)[i % len(DAÑOS)]
        (importadores / f"{nombre}.xls").write_bytes(DAÑOS[dano](xls))
        for dano, dañar in DAÑOS.items():
            (lector / f"{nombre}_{dano}.xls").write_bytes(dañar(xls))
    answers = limited(str(tmp_path / "datos"), importadores) + limited("-", lector)
    assert [a["archivo"] for a in answers[: len(IMPORTADORES)]] == list(IMPORTADORES)
    assert len(answers) == len(IMPORTADORES) * (1 + len(DAÑOS))
    for answer in answers:
        assert answer.get("codigo") == "xlsx_invalido", answer
        assert answer["mensaje"].endswith("no es un libro de Excel válido o está dañado."), answer


def test_a_declared_extent_within_an_xls_grid_is_read(tmp_path):
    """A DIMENSIONS as large as an .xls allows (IV65536), over six rows: the rows are read."""
    xls = dimensions((AQUI / "movimientos.xls").read_bytes(), (0, 65_536), (0, 256))
    path = tmp_path / "movimientos.xls"
    path.write_bytes(xls)
    assert sum(1 for _ in sheet_rows(path, path.name)) == 10


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
def test_the_fuzz_corpus_is_refused_as_damaged():
    """The mutants bench/fuzz_libros.py kept (tests/data/fuzz): each once ended the process or
    raised a panic; read under a 4 GB limit, each is a typed refusal."""
    corpus = AQUI / "fuzz"
    answers = limited("-", corpus)
    assert len(answers) == len(list(corpus.glob("*.xls"))) >= 10
    for answer in answers:
        assert answer.get("codigo") == "xlsx_invalido", answer


def _registro(tipo: int, cuerpo: bytes) -> bytes:
    return struct.pack("<HH", tipo, len(cuerpo)) + cuerpo


def test_the_text_an_xls_copies_into_its_cells_is_counted_from_its_records():
    """An SST whose one long string (20,000 characters, cut across CONTINUE records as Excel
    cuts it, its flags byte again in each) is copied into each LABELSST cell: calamine holds a
    copy per cell, so 14,000 such cells (280 million characters) are past what is read."""
    from icsoe_desktop.services.archivos import biff
    from icsoe_desktop.services.archivos.xlsx_reader import MAX_TEXTO_REPETIDO

    texto = b"x" * 20_000
    sst = struct.pack("<IIHB", 2, 2, len(texto), 0) + texto[:8000]
    partes = [_registro(0x00FC, sst)]
    partes += [_registro(0x003C, b"\x00" + texto[i : i + 8000]) for i in (8000, 16000)]
    partes.append(_registro(0x003C, struct.pack("<HB", 3, 0) + b"abc"))
    globales = _registro(0x0809, struct.pack("<HH", 0x0600, 5) + bytes(12)) + b"".join(partes)
    celdas = b"".join(
        _registro(0x00FD, struct.pack("<HHHI", fila, 0, 0, fila % 2)) for fila in range(28_000)
    )
    hoja = _registro(0x0809, struct.pack("<HH", 0x0600, 0x10) + bytes(12)) + celdas
    stream = globales + _registro(0x000A, b"") + hoja + _registro(0x000A, b"")
    largos = biff.largos_sst(stream)
    assert largos == [20_000, 3]
    alcance = biff.alcance_xls(stream, len(globales) + 4, largos)
    assert alcance.texto == 14_000 * 20_000 + 14_000 * 3 > MAX_TEXTO_REPETIDO
