""".xlsx workbooks a clerk may bring that are not what they claim: a file that cannot be read,
a sheet asked for that is not there, relationships that point nowhere, a zip of more members
than any workbook has; and the hidden rows and columns of one that is sound. Each asserts what
the clerk gets: the rows, or the Spanish refusal naming the file."""

from __future__ import annotations

import io
import zipfile

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos.xlsx_reader import MAX_MEMBERS, abrir, sheet_rows
from tests.services.libros_de_prueba import escribir
from tests.services.xlsx_files import rewrite, workbook_bytes

DAÑADO = "«nomina.xlsx» no es un libro de Excel válido o está dañado."
RELS = "xl/_rels/workbook.xml.rels"


def refused(path, hoja=None) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        list(sheet_rows(path, path.name, hoja))
    return caught.value


def test_a_file_that_cannot_be_read_or_a_sheet_that_is_not_there_is_said_so(tmp_path):
    gone = tmp_path / "nomina.xlsx"
    error = refused(gone)
    assert error.code == "archivo_ilegible"
    assert error.message.startswith("No se pudo leer «nomina.xlsx»: ")

    gone.write_bytes(workbook_bytes([["NSS", "Nombre"], [1, "ANA"]]))
    error = refused(gone, "Febrero")
    assert error.code == "hoja_inexistente"
    assert error.message == "«nomina.xlsx» no tiene una hoja «Febrero»; sus hojas: «Sheet»."


@pytest.mark.parametrize(
    "change",
    [
        {RELS: lambda xml: None},
        {RELS: lambda xml: xml.replace(b"worksheets/sheet1.xml", b"worksheets/hoja9.xml")},
    ],
    ids=["no-relationships", "relationship-to-nothing"],
)
def test_a_workbook_whose_sheet_leads_nowhere_is_damaged(tmp_path, change):
    path = tmp_path / "nomina.xlsx"
    path.write_bytes(rewrite(workbook_bytes([["NSS"], [1]]), change))
    error = refused(path)
    assert (error.code, error.message) == ("xlsx_invalido", DAÑADO)


def test_a_zip_of_more_members_than_a_workbook_has_is_refused_unread(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        base = zipfile.ZipFile(io.BytesIO(workbook_bytes([["NSS"], [1]])))
        for info in base.infolist():
            archive.writestr(info.filename, base.read(info))
        for i in range(MAX_MEMBERS):
            archive.writestr(f"xl/media/image{i}.png", b"")
    path = tmp_path / "nomina.xlsx"
    path.write_bytes(out.getvalue())
    error = refused(path)
    assert (error.code, error.message) == ("xlsx_invalido", DAÑADO)


def test_the_hidden_rows_and_columns_of_an_xlsx_are_told(tmp_path):
    path = escribir(
        tmp_path / "nomina.xlsx",
        [["NSS", "Nombre", "Nota"], [1, "ANA", "x"], [2, "LUIS", "y"], [3, "EVA", "z"]],
        ocultas=[3],
        columnas_ocultas=[2],
    )
    with abrir(path, path.name) as book:
        assert book.ocultas(book.por_omision()) == (frozenset({2}), frozenset({3}))
        assert 3 in book.filas_ocultas(book.por_omision())
        assert [n for n, _ in book.rows(book.por_omision())] == [1, 2, 3, 4]


def test_an_xlsb_whose_grid_would_not_fit_is_refused_naming_the_far_cell(tmp_path):
    """Excel's binary format is read whole by calamine: a value a million rows below the
    others makes a grid past what is held, and the cell is named."""
    from tests.services.xlsx_files import xlsb_bytes

    path = tmp_path / "nomina.xlsb"
    path.write_bytes(xlsb_bytes([["NSS", "Nombre"], [1, "ANA"], (999_999, {50: "x"})]))
    error = refused(path)
    assert error.code == "dato_suelto"
    assert error.message.startswith(
        "Hay un dato suelto en AY1000000 de la hoja «Hoja1» de «nomina.xlsb», lejos de los demás"
    )


def test_a_workbook_declaring_more_than_can_be_read_or_a_dtd_is_refused_unread(tmp_path):
    """Two sheets each declaring 1.5 GB (each within a sheet's bound, past the whole book's
    together): refused from the sizes its zip declares, nothing inflated. A DTD, which no
    workbook uses (a billion laughs): refused as its part is inflated."""
    from tests.services.xlsx_files import declared_size_lie

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        base = zipfile.ZipFile(io.BytesIO(workbook_bytes([["NSS"], [1]])))
        for info in base.infolist():
            archive.writestr(info.filename, base.read(info))
        archive.writestr("xl/worksheets/sheet2.xml", base.read("xl/worksheets/sheet1.xml"))
    data = out.getvalue()
    for member in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        data = declared_size_lie(data, member, 1536 * 2**20)
    path = tmp_path / "nomina.xlsx"
    path.write_bytes(data)
    error = refused(path)
    assert error.code == "xlsx_descomprimido_grande"
    assert error.message.startswith(
        "«nomina.xlsx» no se importó: el libro completo ocupa más de 2304 MB al descomprimirlo "
        "(el archivo podría estar hecho para agotar la memoria)."
    )

    dtd = b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY a "aaaa">]>'
    path.write_bytes(
        rewrite(workbook_bytes([["NSS"], [1]]), {"xl/workbook.xml": lambda xml: dtd + xml})
    )
    error = refused(path)
    assert error.code == "xlsx_dtd"
    assert error.message == (
        "«nomina.xlsx» no se importó: contiene una declaración DTD, que los libros de Excel no "
        "usan (podría estar hecho para agotar la memoria)."
    )


def test_a_sheet_kept_outside_the_worksheets_folder_is_read(tmp_path):
    """Some generators put the sheet elsewhere (xl/hojas/hoja1.xml) and point the workbook's
    relationship there: it is found, bounded and read like any other (an image beside it)."""
    moved = "xl/hojas/hoja1.xml"
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes([["NSS", "Nombre"], [1, "ANA"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            data = base.read(info).replace(b"/xl/worksheets/sheet1.xml", b"/" + moved.encode())
            name = moved if info.filename == "xl/worksheets/sheet1.xml" else info.filename
            archive.writestr(name, data)
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(64))  # a logo
    path = tmp_path / "nomina.xlsx"
    path.write_bytes(out.getvalue())
    with abrir(path, path.name) as book:
        hoja = book.por_omision()
        assert not book.filas_ocultas(hoja).tramos
        assert list(book.rows(hoja)) == [(1, ("NSS", "Nombre")), (2, (1, "ANA"))]


def test_an_opendocument_without_its_settings_opens_on_its_first_table(tmp_path):
    """An .ods written without settings.xml (no «ActiveTable»): its first table is read, the
    row hidden in it told."""
    from tests.services.libros_de_prueba import ods_bytes

    path = tmp_path / "nomina.ods"
    path.write_bytes(ods_bytes([["NSS", "Nombre"], [1, "ANA"], [2, "LUIS"]], {2}))
    with abrir(path, path.name) as book:
        assert (book.hojas, book.activa) == ((("Hoja1", True),), None)
        assert 2 in book.filas_ocultas("Hoja1") and 3 not in book.filas_ocultas("Hoja1")
    assert list(sheet_rows(path, path.name)) == [
        (1, ("NSS", "Nombre")),
        (2, (1, "ANA")),
        (3, (2, "LUIS")),
    ]
