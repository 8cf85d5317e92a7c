"""The sheets the clerk sees: a hidden sheet (last period's workers, say) is never read
unasked; of several visible sheets, the one the workbook opens on is read if it has the header,
else the one that has it; two that have it are named and the clerk chooses (the assistant, or
--hoja on the command line); and the notes say which sheet was read."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos import mapeos
from icsoe_desktop.services.archivos.lectura import Guia
from icsoe_desktop.services.informativa.trabajadores_archivo import (
    IMPORTACION as IMPORTAR_TRABAJADORES,
)
from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
from tests.archivos_de_nomina import trabajadores
from tests.services.xlsx_files import rewrite
from tests.test_cli_informativa import cli

ANTERIOR, ACTUAL = trabajadores(20, seed=7), trabajadores(25, seed=8)


def libro(path: Path, hojas: list[tuple[str, tuple | None, str]], activa: int) -> Path:
    """Sheets (name, workers or None for a summary without the header, state) in order."""
    book = Workbook()
    book.remove(book.active)
    for nombre, filas, estado in hojas:
        sheet = book.create_sheet(nombre)
        sheet.sheet_state = estado
        if filas is None:
            sheet.append(["Resumen del cuatrimestre"])
            sheet.append(["Trabajadores", 45])
            continue
        sheet.append(["NSS", "CURP", "SBC"])
        for t in filas:
            sheet.append([t.nss, t.curp, t.sbc / 100])
    book.active = activa
    book.save(path)
    return path


def nss(archivo) -> list[str]:
    return [t.nss for t in archivo.trabajadores]


def test_a_hidden_first_sheet_is_not_read_the_visible_one_is(tmp_path):
    path = libro(tmp_path / "t.xlsx", [("Cuatrimestre anterior", ANTERIOR, "hidden"),
                                        ("Trabajadores", ACTUAL, "visible")], activa=1)  # fmt: skip
    archivo = leer_trabajadores(path)
    assert nss(archivo) == [t.nss for t in ACTUAL]
    assert archivo.notas[0] == (
        "Se leyó la hoja «Trabajadores»; no se leyó la oculta «Cuatrimestre anterior»."
    )


def test_a_very_hidden_sheet_is_not_read_even_when_the_workbook_opens_on_it(tmp_path):
    path = libro(tmp_path / "t.xlsx", [("Trabajadores", ACTUAL, "visible"),
                                        ("Anterior", ANTERIOR, "veryHidden")], activa=0)  # fmt: skip
    assert nss(leer_trabajadores(path)) == [t.nss for t in ACTUAL]


def test_the_sheet_with_the_header_is_read_when_the_active_one_has_none(tmp_path):
    path = libro(tmp_path / "t.xlsx", [("Resumen", None, "visible"),
                                        ("Trabajadores", ACTUAL, "visible")], activa=0)  # fmt: skip
    archivo = leer_trabajadores(path)
    assert nss(archivo) == [t.nss for t in ACTUAL]
    assert archivo.notas[0] == "Se leyó la hoja «Trabajadores»; no se leyó «Resumen»."


def test_the_active_sheet_is_read_when_it_has_the_header(tmp_path):
    path = libro(tmp_path / "t.xlsx", [("Anterior", ANTERIOR, "visible"),
                                        ("Actual", ACTUAL, "visible")], activa=1)  # fmt: skip
    assert nss(leer_trabajadores(path)) == [t.nss for t in ACTUAL]


def test_two_visible_sheets_with_the_header_are_named_and_the_clerk_chooses(tmp_path):
    path = libro(tmp_path / "t.xlsx", [("Resumen", None, "visible"),
                                        ("Anterior", ANTERIOR, "visible"),
                                        ("Actual", ACTUAL, "visible")], activa=0)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        leer_trabajadores(path)
    assert (error.value.code, error.value.message) == (
        "hoja_ambigua",
        "«t.xlsx» tiene el encabezado en las hojas «Anterior» y «Actual»: elige cuál importar "
        "(en la línea de comandos, --hoja NOMBRE). No se importó nada.",
    )
    # The assistant opens on it: the file is uncertain, and says between which sheets.
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida is not None and leida.incierta and leida.hojas_ambiguas == ("Anterior", "Actual")
    # Its answer (or --hoja) reads that sheet, and the guide it gives keeps it.
    elegida = mapeos.leer(IMPORTAR_TRABAJADORES, path, Guia.de_hoja("Actual"))
    assert elegida is not None and not elegida.incierta and elegida.guia.hoja == "Actual"
    assert nss(leer_trabajadores(path, elegida.guia)) == [t.nss for t in ACTUAL]
    assert nss(leer_trabajadores(path, Guia.de_hoja("Anterior"))) == [t.nss for t in ANTERIOR]
    with pytest.raises(ValidationError, match="no tiene una hoja «Otra»; sus hojas: «Resumen»"):
        leer_trabajadores(path, Guia.de_hoja("Otra"))


def test_a_workbook_of_hidden_sheets_only_says_so(tmp_path):
    """No program writes one (Excel and openpyxl keep a sheet visible), but a file may say so."""
    path = libro(tmp_path / "t.xlsx", [("Anterior", ANTERIOR, "hidden"),
                                        ("Actual", ACTUAL, "visible")], activa=1)  # fmt: skip
    todas = rewrite(path.read_bytes(), {"xl/workbook.xml": lambda xml: xml.replace(
        b'state="visible"', b'state="hidden"')})  # fmt: skip
    path.write_bytes(todas)
    with pytest.raises(ValidationError, match=r"Todas las hojas de «t\.xlsx» están ocultas"):
        leer_trabajadores(path)


@pytest.mark.end2end
def test_the_command_line_refuses_naming_both_sheets_and_reads_the_one_given(tmp_path):
    path = libro(tmp_path / "t.xlsx", [("Resumen", None, "visible"),
                                        ("Anterior", ANTERIOR, "visible"),
                                        ("Actual", ACTUAL, "visible")], activa=0)  # fmt: skip
    datos = tmp_path / "datos"
    hecho = cli(datos, "informativa", "validar-trabajadores", path)
    assert hecho.returncode == 2 and "las hojas «Anterior» y «Actual»" in hecho.stderr
    hecho = cli(datos, "informativa", "validar-trabajadores", path, "--hoja", "Actual")
    assert (hecho.returncode, hecho.stdout) == (0, "25 trabajadores válidos.\n"), hecho.stderr
    assert "Se leyó la hoja «Actual»; no se leyeron «Resumen», «Anterior»." in hecho.stderr


@pytest.mark.parametrize("formato", ["xls", "ods"])
def test_an_xls_or_ods_from_libreoffice_opens_on_its_active_sheet_hidden_ones_left(formato):
    """tests/data/hojas.xls and hojas.ods (tests/data/libros_xls.py): the hidden first sheet
    is not read. The .xls opens on «Trabajadores» (WINDOW1's tab); LibreOffice without a window
    writes no ActiveTable in the .ods, whose one sheet with the header is read."""
    from icsoe_desktop.services.archivos.xlsx_reader import abrir
    from tests.data.libros_xls import AQUI

    path = AQUI / f"hojas.{formato}"
    with abrir(path, path.name) as book:
        assert book.activa == ("Trabajadores" if formato == "xls" else None)
        assert book.visibles == ["Resumen", "Trabajadores"]
    archivo = leer_trabajadores(path)
    assert nss(archivo) == [t.nss for t in trabajadores(3, seed=22)]
    assert archivo.notas[0] == (
        "Se leyó la hoja «Trabajadores»; no se leyeron «Resumen», ni la oculta «Cuatrimestre "
        "anterior»."
    )


def test_an_ods_says_its_active_sheet_in_its_settings(tmp_path):
    """As LibreOffice with a window saves it: settings.xml's ActiveTable. «Resumen» has no
    header, so the one sheet that has it is read."""
    from icsoe_desktop.services.archivos.xlsx_reader import abrir
    from tests.data.libros_xls import AQUI

    activa = (b'<config:config-item config:name="ActiveTable" config:type="string">Resumen'
              b"</config:config-item></office:settings>")  # fmt: skip
    data = rewrite((AQUI / "hojas.ods").read_bytes(), {
        "settings.xml": lambda xml: xml.replace(b"</office:settings>", activa)})  # fmt: skip
    path = tmp_path / "hojas.ods"
    path.write_bytes(data)
    with abrir(path, path.name) as book:
        assert book.activa == "Resumen"
    assert len(leer_trabajadores(path).trabajadores) == 3


def test_an_ods_that_does_not_say_its_active_sheet_asks_among_those_with_the_header(tmp_path):
    """hojas.ods with its first sheet shown again: two visible sheets have the header and the
    file records no active one. Neither is read by its place: the clerk is asked which."""
    from tests.data.libros_xls import AQUI

    oculta = b'master-page-name="PageStyle_5f_Cuatrimestre_20_anterior"><style:table-properties'
    data = rewrite((AQUI / "hojas.ods").read_bytes(), {
        "content.xml": lambda xml: xml.replace(
            oculta + b' table:display="false"', oculta + b' table:display="true"')})  # fmt: skip
    path = tmp_path / "hojas.ods"
    path.write_bytes(data)
    with pytest.raises(ValidationError) as refused:
        leer_trabajadores(path)
    assert refused.value.code == "hoja_ambigua"
    assert "«Cuatrimestre anterior» y «Trabajadores»: elige cuál importar" in refused.value.message


def test_an_ods_cell_repeated_into_gigabytes_of_text_is_refused(tmp_path):
    """A cell of 30,000 characters repeated over 1,000 columns and 10 rows: 300 million
    characters calamine would copy cell by cell (a grid of 10,000 cells, small); refused
    before it reads them."""
    from tests.data.libros_xls import AQUI

    fila = (
        b'<table:table-row table:number-rows-repeated="10"><table:table-cell '
        b'table:number-columns-repeated="1000" office:value-type="string"><text:p>'
        + b"x" * 30_000
        + b"</text:p></table:table-cell></table:table-row>"
    )

    def repetir(xml: bytes) -> bytes:
        encabezado = xml.index(b"</table:table-row>", xml.index(b'table:name="Trabajadores"'))
        fin = encabezado + len(b"</table:table-row>")
        return xml[:fin] + fila + xml[fin:]

    path = tmp_path / "hojas.ods"
    path.write_bytes(rewrite((AQUI / "hojas.ods").read_bytes(), {"content.xml": repetir}))
    with pytest.raises(ValidationError) as refused:
        leer_trabajadores(path)
    assert refused.value.code == "xlsx_texto_repetido"
