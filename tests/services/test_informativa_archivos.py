"""Workers imported into a contract from the IMSS file (all or nothing, each problem at its
line) and the portal's exports re-imported to the same rows."""

from __future__ import annotations

import random

import pytest
from openpyxl import load_workbook

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
from tests.conftest import services_copying
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def _csv(rows, header: bool = True, sep: str = ",") -> bytes:
    lines = ["NSS,CURP,SBC".replace(",", sep)] if header else []
    lines += [sep.join((t.nss, t.curp, f"{t.sbc / 100:.2f}")) for t in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_an_imported_file_with_a_bad_row_adds_nothing_and_says_where(services, quien, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    rows = list(trabajadores_limpios(6, random.Random(11), PERIODO.anio))
    bad = rows[:]
    bad[3] = bad[3].__class__(bad[3].nss[:-1] + "X", bad[3].curp, bad[3].sbc)
    bad.append(rows[0])  # the first worker again
    path = tmp_path / "trabajadores.csv"
    path.write_bytes(_csv(bad, sep=";"))
    result = services.informativa_trabajadores.importar(contrato, ana, path)
    assert result.agregados == 0
    assert [(p.renglon, p.codigo) for p in result.problemas] == [
        (5, "nss"),  # line 5: the header is line 1
        (8, "nss_repetido"),
        (8, "curp_repetida"),
    ]
    assert services.informativa_trabajadores.contar(contrato, ana) == 0

    path.write_bytes(_csv(rows, header=False))
    result = services.informativa_trabajadores.importar(contrato, ana, path)
    assert (result.agregados, result.problemas) == (6, [])
    got = services.informativa_trabajadores.pagina(contrato, ana, 0, 10)
    assert [(r.nss, r.curp, r.sbc) for r in got] == [(t.nss, t.curp, t.sbc) for t in rows]


def test_the_exports_re_import_to_the_same_rows(services, quien, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3_100, seed=1)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2, seed=2)
    carpeta = tmp_path / "portal"
    carpeta.mkdir()
    files = services.informativa_firma.exportar(uuid, ana, carpeta)
    names = [f.name for f in files]
    base = f"ICSOE_{rfc}_2026-2"
    assert names == [
        f"{base}_contrato01_CNT010101A14_parte1.csv",
        f"{base}_contrato01_CNT010101A14_parte2.csv",
        f"{base}_contrato02_CNT010101A14.csv",
        f"{base}_captura.xlsx",
    ]
    # Each CSV re-imports to the contract's rows, in order, split at the portal's 3,000.
    snapshot = services.informativas.informativa(uuid, ana)
    first, second = snapshot.contratos
    read = [leer_trabajadores(f) for f in files[:3]]
    assert [len(r.trabajadores) for r in read] == [3_000, 100, 2]
    assert all(r.problemas == () for r in read)
    again = [(t.nss, t.curp, t.sbc) for r in read[:2] for t in r.trabajadores]
    assert again == [(t.nss, t.curp, t.sbc) for t in first.trabajadores]
    assert [(t.nss, t.sbc) for t in read[2].trabajadores] == [
        (t.nss, t.sbc) for t in second.trabajadores
    ]
    assert files[0].read_bytes().startswith(b"NSS,CURP,SBC\r\n")
    # The capture sheet: one row per contract, the fields in the portal's order.
    book = load_workbook(files[3], read_only=True)
    header, *rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert header[:5] == (
        "RFC del contratista",
        "Periodo",
        "Tipo",
        "RFC del contratante",
        "Nombre, denominación o razón social del contratante",
    )
    assert rows[0][header.index("Folio REPSE y descripción del servicio u obra")] == (
        "12345/2025 Servicios de limpieza industrial especializada"
    )
    assert rows[0][header.index("Número de trabajadores")] == 3_100
    assert rows[0][header.index("Periodo")] == Periodo(2026, 2).texto


def test_a_training_export_says_so_in_its_names_and_sheet_and_keeps_the_portal_csv(
    services, quien, tmp_path
):
    """With the modo de capacitación on, a real contratista's export made in training."""
    from icsoe_desktop.domain.practica import MARCA
    from icsoe_desktop.services.informativa.exportar import exportar

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=4)
    snapshot = services.informativas.informativa(uuid, ana)
    real, practica = tmp_path / "real", tmp_path / "practica"
    real.mkdir()
    practica.mkdir()
    normales = exportar(snapshot, real)
    marcados = exportar(snapshot, practica, capacitacion=True)
    assert [f.name for f in marcados] == [f"CAPACITACION_{f.name}" for f in normales]
    assert marcados[0].read_bytes() == normales[0].read_bytes()  # the portal's template
    assert leer_trabajadores(marcados[0]).problemas == ()
    assert load_workbook(marcados[-1], read_only=True).sheetnames == [MARCA]
    assert load_workbook(normales[-1], read_only=True).sheetnames == ["Informativa"]


def test_the_names_of_the_worker_file_are_kept_shown_and_searched(services, quien, tmp_path):
    """«Nombre del trabajador» (or «Nombre», «Empleado»…) goes with each worker: the list shows
    it and the search finds it, with no movimientos of the empresa to take it from."""
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    rows = list(trabajadores_limpios(3, random.Random(5), PERIODO.anio))
    nombres = ["ANA LÓPEZ MORA", "BETO  GARCÍA", "CARLA RUIZ"]
    lines = ["Nombre del trabajador,NSS,CURP,SBC"] + [
        f"{n},{t.nss},{t.curp},{t.sbc / 100:.2f}" for n, t in zip(nombres, rows, strict=True)
    ]
    path = tmp_path / "trabajadores.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = services.informativa_trabajadores.importar(contrato, ana, path)
    assert (result.agregados, result.problemas, result.notas) == (3, [], [])
    got = services.informativa_trabajadores.pagina(contrato, ana, 0, 10)
    assert sorted(r.nombre for r in got) == ["ANA LÓPEZ MORA", "BETO GARCÍA", "CARLA RUIZ"]
    [beto] = services.informativa_trabajadores.pagina(contrato, ana, 0, 10, buscar="garcía")
    assert beto.nss == rows[1].nss


def test_exporting_to_a_folder_that_is_gone_says_so_and_writes_nothing(services, quien, tmp_path):
    from icsoe_desktop.domain.errors import ValidationError

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3, seed=3)
    carpeta = tmp_path / "usb" / "portal"  # the drive was removed after it was chosen
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.exportar(uuid, ana, carpeta)
    assert error.value.code == "carpeta_inexistente"
    assert error.value.message == f"No existe la carpeta «{carpeta}» para guardar los archivos."
    assert not (tmp_path / "usb").exists()
