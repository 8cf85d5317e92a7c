"""Fuzzing the importers: whatever the file, only a ValidationError (or a report) comes out, and
the store holds all of the file or none of it.

The movimientos importer (IDSE lote, CSV, .xlsx), the informativa's worker file and the
capturistas alta masiva get random bytes and valid files (as a grid exports them, and as nómina
systems write them: titles above the header, a total row below, money as «$1,234.56») damaged as
disks, mail and other programs damage them: bytes flipped, dropped, inserted, truncated, and
inside a workbook its XML parts damaged and zipped again; an .xls's records changed (a type, a
length, a sheet's DIMENSIONS, a BOUNDSHEET's offset, the SST's counts: tests/fuzzing.py). The
long run over every importer, each file in a guarded child, is bench/fuzz_libros.py.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.idse_lote import write_lines
from icsoe_desktop.domain.movimientos import Movimiento, validate
from icsoe_desktop.services.capturistas.excel import BULK_HEADERS
from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
from icsoe_desktop.store.models import MovimientoRow
from tests.archivos_de_nomina import csv_titulo_y_total, trabajadores, xlsx_titulos_y_total
from tests.data.libros_xls import AQUI
from tests.fuzzing import damaged_bytes, far_cell_xml, fuzz_settings, mutar_xls, mutar_zip
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, enter_contratista
from tests.services.movimientos_data import (
    HEADERS,
    REGISTRO_A,
    add_registros,
    known_rows,
    nss,
)
from tests.services.xlsx_files import xlsxwriter_bytes

FUZZ = fuzz_settings(100, HealthCheck.function_scoped_fixture)
# What breaks parsers: line ends, quotes, separators, NUL, non-ASCII digits, markup.
NASTY = [b"\r", b"\n", b'"', b",", b";", b"\x00", "²".encode(), "١".encode(), "１".encode(),
         b"<", b"&", b"<!DOCTYPE a [<!ENTITY b 'c'>]>", b"\xff\xfe", b"A" * 140_000]  # fmt: skip


@functools.cache
def files() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        return _files(tmp)


def _files(tmp: str) -> dict[str, bytes]:
    movs = [
        validate(
            Movimiento(
                registro_patronal=REGISTRO_A,
                nss=nss(20 + i),
                primer_apellido="HERNANDEZ",
                nombre="MARIA",
                tipo=tipo,
                fecha=date(2026, 10, 1 + i),
                curp="GODE561231MDFRNL06",
                sbc=30_000,
                tipo_trabajador="1",
                tipo_salario="0",
                causa_baja="1",
            ),
            date(2026, 11, 22),
        )
        for i, tipo in enumerate(["08", "07", "02"] * 3)
    ]
    rows = known_rows()
    grid = [[r[h] for h in HEADERS] for r in rows]
    for values in grid[:3]:
        values[HEADERS.index("Fecha")] = datetime(2026, 5, 1)
    csv_buffer = io.StringIO()
    writer = csv.writer(csv_buffer)
    writer.writerow(HEADERS)
    writer.writerows([[r[h] for h in HEADERS] for r in rows])
    # As a nómina system writes them: a title, a blank row, a total, money with «$» and commas.
    money = ("SBC", "Salario")
    titled = [["Movimientos afiliatorios del mes"], [], HEADERS]
    titled += [[f"${float(r[h]):,.2f}" if h in money and r[h] else r[h] for h in HEADERS]
               for r in rows]  # fmt: skip
    titled.append(["Total", *["$2,684.82" if h == "SBC" else "" for h in HEADERS[1:]]])
    titled_csv = io.StringIO()
    csv.writer(titled_csv).writerows(titled)
    workers = trabajadores(3)
    bulk = [BULK_HEADERS, (CURP_BETO, "Beto", "García", "Ruiz", "Capturista", 5512345678,
                           "b@c.mx", "b@c.mx"),
            (CURP_ANA, "Ana", "López", "M", "Capturista", "5512345678", "a@c.mx", "a@c.mx")]  # fmt: skip
    return {
        "lote": write_lines(movs),
        "csv": csv_buffer.getvalue().encode("utf-8-sig"),
        "xlsx": xlsxwriter_bytes([HEADERS, *grid]),
        "bulk": xlsxwriter_bytes(bulk),
        "csv_titulos": titled_csv.getvalue().encode("cp1252"),
        "xlsx_titulos": xlsxwriter_bytes(titled),
        "bulk_titulos": xlsxwriter_bytes([["Alta masiva de capturistas"], [], *bulk, ["Total"]]),
        "trabajadores_csv": csv_titulo_y_total(Path(tmp) / "t.csv", workers).read_bytes(),
        "trabajadores_xlsx": xlsx_titulos_y_total(Path(tmp) / "t.xlsx", workers).read_bytes(),
    }


def damaged(data: bytes) -> st.SearchStrategy[bytes]:
    return damaged_bytes(data, 4, tuple(NASTY))


@st.composite
def damaged_workbook(draw: st.DrawFn, data: bytes) -> bytes:
    """Damage one XML part of the workbook and zip it again (so the zip itself is sound);
    or, as often, leave one value far away in its sheet (tests/fuzzing.py's far cells)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    target_name = draw(st.sampled_from(names))
    far = draw(st.booleans())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            content = source.read(name)
            if far and name == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", draw(far_cell_xml()) + b"</sheetData>")
            elif name == target_name and not far:
                content = draw(damaged(content))
            target.writestr(name, content)
    return out.getvalue()


def only_validation_errors(function, *args) -> object:
    try:
        return function(*args)
    except ValidationError as error:
        assert error.code and error.message
        return error


@pytest.fixture
def rfc(services, data_dir, tmp_path, smtp_configured):
    return enter_contratista(services, data_dir, tmp_path)


def _movimientos(services) -> int:
    with services.store.session() as session:
        return session.scalar(select(func.count()).select_from(MovimientoRow))


@pytest.fixture
def importer(services, tmp_path):
    add_registros(services)
    counter = iter(range(1_000_000))

    def run(data: bytes, suffix: str):
        path = tmp_path / f"f{next(counter)}{suffix}"
        path.write_bytes(data)
        before = _movimientos(services)
        result = only_validation_errors(services.importador.import_file, path, "t")
        # All or nothing: a refused file leaves the store as it was; an applied one adds each
        # line it read that was not there yet.
        if isinstance(result, ValidationError) or not result.aplicado:
            assert _movimientos(services) == before
        else:
            assert result.importados + result.existentes == result.leidas
            assert _movimientos(services) == before + result.importados
        return result

    return run


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".csv", ".xlsx"]))
def test_random_bytes_into_the_movimientos_importer(importer, data, suffix):
    importer(data, suffix)


@pytest.mark.slow
@FUZZ
@given(data=st.sampled_from(["lote", "csv", "csv_titulos"]).flatmap(lambda k: damaged(files()[k])))
def test_damaged_lote_and_csv_files(importer, data):
    importer(data, ".txt")


@FUZZ
@given(
    data=st.sampled_from(["xlsx", "xlsx_titulos"]).flatmap(
        lambda k: st.one_of(damaged(files()[k]), damaged_workbook(files()[k]))
    )
)
@pytest.mark.slow
def test_damaged_workbooks_into_the_movimientos_importer(importer, data):
    importer(data, ".xlsx")


def test_the_seeds_go_in_whole(importer, services, rfc, tmp_path):
    """The undamaged seeds are what they claim: every row of each is read."""
    for name, suffix in (("csv", ".csv"), ("csv_titulos", ".csv"), ("xlsx_titulos", ".xlsx")):
        report = importer(files()[name], suffix)
        assert report.aplicado and report.leidas == 6, report.rechazadas
    for name, suffix in (("trabajadores_csv", ".csv"), ("trabajadores_xlsx", ".xlsx")):
        leido = leer_trabajadores_de(files()[name], suffix)
        assert (len(leido.trabajadores), leido.problemas) == (3, ())
    path = tmp_path / "alta.xlsx"
    path.write_bytes(files()["bulk_titulos"])
    assert services.capturistas_excel.alta_masiva(rfc, path).guardados == 2


def leer_trabajadores_de(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"trabajadores{suffix}"
        path.write_bytes(data)
        return only_validation_errors(leer_trabajadores, path)


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=1500),
        st.builds(lambda: files()["trabajadores_csv"]).flatmap(damaged),
        st.builds(lambda: files()["trabajadores_xlsx"]).flatmap(damaged),
        st.builds(lambda: files()["trabajadores_xlsx"]).flatmap(damaged_workbook),
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_damaged_worker_files(data, suffix):
    leer_trabajadores_de(data, suffix)


@pytest.mark.slow
@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=1500),
        st.sampled_from(["bulk", "bulk_titulos"]).flatmap(
            lambda k: st.one_of(damaged(files()[k]), damaged_workbook(files()[k]))
        ),
    )
)
def test_damaged_workbooks_into_the_bulk_alta(services, rfc, tmp_path, data):
    path = tmp_path / "alta.xlsx"
    path.write_bytes(data)
    before = services.capturistas.total(rfc)
    result = only_validation_errors(services.capturistas_excel.alta_masiva, rfc, path)
    saved = 0 if isinstance(result, ValidationError) else result.guardados
    assert saved == 0 or not result.rechazos  # all or nothing
    assert services.capturistas.total(rfc) == before + saved


@fuzz_settings(40, HealthCheck.function_scoped_fixture)
@given(
    rnd=st.randoms(use_true_random=False),
    nombre=st.sampled_from(["movimientos", "trabajadores", "hojas", "ocultas"]),
    suffix=st.sampled_from([".xls", ".ods"]),
)
def test_damaged_xls_and_ods_records_into_the_workers_reader(rnd, nombre, suffix):
    """LibreOffice's .xls with its records changed, its .ods with parts damaged: a Spanish
    refusal or the workers read (an abort here ends the test run: bench/fuzz_libros.py counts
    them in a child)."""
    semilla = AQUI / f"{nombre}{suffix}"
    if not semilla.exists():
        semilla = AQUI / f"hojas{suffix}"
    data = semilla.read_bytes()
    mutante, _ = mutar_xls(data, rnd) if suffix == ".xls" else mutar_zip(data, rnd)
    leer_trabajadores_de(mutante, suffix)
