"""The IMSS portal's file of rejected workers through the real services: an Excel as the portal
returns it (a title above the header, a row per rejected worker with its reason) marks each
worker on its contract of the signed informativa, without touching what was signed; a row that
names no worker of it is a problem of its sheet row, all at once, and nothing is marked; a
Corrección carries the marks, correcting a worker marks it corregido, and only the rejected
workers are exported again."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import CORRECCION
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from tests.conftest import services_copying
from tests.informativa_servicios import PERIODO, firmada_una_vez
from tests.services.libros_de_prueba import FORMATOS, LIBROS, escribir
from tests.services.test_dato_suelto import SIN_LIMITE_DE_MEMORIA
from tests.test_cli_informativa import cli

ENCABEZADO = ("Contrato", "NSS", "CURP", "SBC", "Motivo de rechazo")
MOTIVO_NSS = "El NSS no existe en los registros del IMSS"
MOTIVO_REPETIDO = "La CURP ya está registrada en el contrato"


def portal_xlsx(path: Path, filas: list[tuple]) -> Path:
    """The portal's file: a title row, a blank row, the header, one row per rejected worker."""
    libro = Workbook()
    hoja = libro.active
    hoja.append(("Trabajadores rechazados en la carga masiva",))
    hoja.append(())
    hoja.append(ENCABEZADO)
    for fila in filas:
        hoja.append(fila)
    libro.save(path)
    return path


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(4, 7), (3, 11)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, tmp_path, smtp_configured):
    """A signed informativa with two contracts: (rfc, ana, uuid, [contrato 1, contrato 2],
    its constancia, the .cer)."""
    rfc, ana, uuid, contratos, constancia = _firmada_una_vez[1]
    return rfc, ana, uuid, contratos, constancia, tmp_path / "fiel" / f"{rfc}.cer"


def _trabajadores(services, contrato, actor, rechazados=False):
    svc = services.informativa_trabajadores
    return svc.pagina(contrato, actor, 0, 100, rechazados=rechazados)


def test_the_portals_file_marks_each_worker_with_its_reason_and_nothing_signed_changes(
    services, firmada, tmp_path
):
    _rfc, ana, uuid, (uno, dos), constancia, cer = firmada
    a = _trabajadores(services, uno, ana)[1]
    b = _trabajadores(services, dos, ana)[0]
    antes = services.informativas.informativa(uuid, ana)
    archivo = portal_xlsx(
        tmp_path / "rechazos.xlsx",
        [
            (1, a.nss, a.curp, a.sbc / 100, MOTIVO_NSS),
            # The contract by its contratante's RFC here… but the worker is on contract 2 only:
            # the NSS alone finds it (a number that Excel keeps as a number).
            (None, int(b.nss), b.curp, b.sbc / 100, MOTIVO_REPETIDO),
        ],
    )
    resultado = services.informativa_rechazos.importar(uuid, ana, archivo)
    assert resultado.problemas == []
    assert [(m.contrato, m.nss, m.motivo) for m in resultado.marcas] == [
        (1, a.nss, MOTIVO_NSS),
        (2, b.nss, MOTIVO_REPETIDO),
    ]
    # The contract's list shows the mark and reason; the filter lists only the rejected.
    (marcado,) = _trabajadores(services, uno, ana, rechazados=True)
    assert (marcado.nss, marcado.rechazo, marcado.corregido) == (a.nss, MOTIVO_NSS, False)
    assert services.informativa_trabajadores.contar(uno, ana, rechazados=True) == 1
    assert services.informativa_trabajadores.contar(uno, ana) == 4
    # What was signed is as it was, and its constancia still verifies.
    assert services.informativas.informativa(uuid, ana) == antes
    assert services.informativa_firma.verificar(constancia, cer.read_bytes()).ok
    acciones = [r.action for r in services.audit.recent()]
    assert "icsoe_rechazos_portal" in acciones


def test_three_rows_naming_no_worker_are_listed_at_once_and_nothing_is_marked(
    services, firmada, tmp_path
):
    _rfc, ana, uuid, (uno, _dos), _c, _cer = firmada
    a = _trabajadores(services, uno, ana)[0]
    archivo = portal_xlsx(
        tmp_path / "rechazos.xlsx",
        [
            (1, a.nss, a.curp, 500, MOTIVO_NSS),  # sheet row 4: good
            (1, "12345678903", "", 500, MOTIVO_NSS),  # 5: no such worker
            (9, a.nss, a.curp, 500, MOTIVO_NSS),  # 6: no contract 9
            (1, a.nss, a.curp, 500, ""),  # 7: no reason (the portal's file may give none): good
        ],
    )
    resultado = services.informativa_rechazos.importar(uuid, ana, archivo)
    assert resultado.marcas == []
    assert [(p.renglon, p.mensaje) for p in resultado.problemas] == [
        (5, "El trabajador con NSS 12345678903 no está en el contrato 1 (CNT010101A14)."),
        (6, "El contrato «9» no está en esta informativa."),
    ]
    assert services.informativa_trabajadores.contar(uno, ana, rechazados=True) == 0


def test_a_file_with_only_the_nss_and_the_reason_under_other_names_is_read(
    services, firmada, tmp_path
):
    _rfc, ana, uuid, (uno, _dos), _c, _cer = firmada
    a = _trabajadores(services, uno, ana)[0]
    otra = tmp_path / "sin_contrato.xlsx"
    libro = Workbook()
    libro.active.append(("No. Seguridad Social", "Descripción del error"))
    libro.active.append((a.nss, MOTIVO_NSS))
    libro.save(otra)
    resultado = services.informativa_rechazos.importar(uuid, ana, otra)
    assert resultado.problemas == []
    assert [(m.contrato, m.nss) for m in resultado.marcas] == [(1, a.nss)]


def test_rejections_on_upload_during_capture_are_corrected_in_the_same_informativa(
    services, firmada, tmp_path
):
    """The portal rejects on upload, while the return is captured, one contract at a time: the
    file (here only the NSS, no reason, no contract) marks the workers of the contract the
    clerk is on, and they are corrected and exported again from the same informativa."""
    from icsoe_desktop.services.informativa.rechazos import MOTIVO_SIN_DETALLE

    rfc, ana, uuid, _contratos, _c, _cer = firmada
    captura = services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    assert services.informativas.fila(captura, ana).estado == "en_captura"
    uno, dos = (c.uuid for c in services.informativas.contratos(captura, ana))
    b = _trabajadores(services, dos, ana)[1]
    archivo = tmp_path / "rechazados.xlsx"
    libro = Workbook()
    libro.active.append(("NSS",))
    libro.active.append((b.nss,))
    libro.save(archivo)
    # On contract 1, the file names a worker that is not on it: said, nothing marked.
    resultado = services.informativa_rechazos.importar(captura, ana, archivo, contrato=uno)
    assert [p.mensaje for p in resultado.problemas] == [
        f"El trabajador con NSS {b.nss} no está en el contrato 1 (CNT010101A14)."
    ]
    resultado = services.informativa_rechazos.importar(captura, ana, archivo, contrato=dos)
    assert [(m.contrato, m.nss, m.motivo) for m in resultado.marcas] == [
        (2, b.nss, MOTIVO_SIN_DETALLE)
    ]
    (marcado,) = _trabajadores(services, dos, ana, rechazados=True)
    services.informativa_trabajadores.corregir(dos, ana, marcado.id, b.nss, b.curp, "432.10")
    salida = tmp_path / "salida"
    salida.mkdir()
    (csv,) = services.informativa_rechazos.exportar(captura, ana, salida)
    assert csv.read_bytes().decode("cp1252").splitlines()[1:] == [f"{b.nss},{b.curp},432.10"]


def test_a_filed_informativas_file_may_name_the_contract_by_its_imss_folio(
    services, firmada, tmp_path, clock
):
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from tests.informativa_servicios import CLIENTE, acuse_del_imss

    rfc, ana, uuid, (uno, dos), _c, _cer = firmada
    clock.advance(hours=3)
    services.informativa_presentacion.registrar(
        uuid,
        rfc,
        acuse_del_imss(
            rfc,
            fecha="22/11/2026 05:00:00",
            contratos=(
                (CLIENTE.rfc, CLIENTE.nombre, "A26P0000001"),
                (CLIENTE.rfc, CLIENTE.nombre, "A26S0000002"),
            ),
        ),
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 5, 0, tzinfo=HORA_DEL_CENTRO),
        {uno: "A26P0000001", dos: "A26S0000002"},
    )
    b = _trabajadores(services, dos, ana)[0]
    archivo = tmp_path / "rechazos.xlsx"
    libro = Workbook()
    libro.active.append(("Folio IMSS", "NSS", "Motivo"))
    libro.active.append(("A26S0000002", b.nss, MOTIVO_NSS))
    libro.save(archivo)
    resultado = services.informativa_rechazos.importar(uuid, ana, archivo)
    assert [(m.contrato, m.nss) for m in resultado.marcas] == [(2, b.nss)]


def test_a_file_without_the_needed_columns_says_which(services, firmada, tmp_path):
    _rfc, ana, uuid, _contratos, _c, _cer = firmada
    archivo = tmp_path / "otra_cosa.xlsx"
    libro = Workbook()
    libro.active.append(("Nombre", "Puesto"))
    libro.active.append(("Ana", "Limpieza"))
    libro.save(archivo)
    with pytest.raises(ValidationError) as error:
        services.informativa_rechazos.importar(uuid, ana, archivo)
    assert error.value.code == "columnas_faltantes"
    assert "NSS" in error.value.message


def test_a_correccion_carries_the_marks_corrects_them_and_exports_only_them(
    services, firmada, tmp_path
):
    rfc, ana, uuid, (uno, _dos), _c, _cer = firmada
    a, b = _trabajadores(services, uno, ana)[:2]
    archivo = portal_xlsx(
        tmp_path / "rechazos.xlsx",
        [(1, a.nss, a.curp, 1, MOTIVO_NSS), (1, b.nss, b.curp, 1, "SBC distinto al del IMSS")],
    )
    assert services.informativa_rechazos.importar(uuid, ana, archivo).problemas == []
    salida = tmp_path / "salida"
    salida.mkdir()
    # The signed informativa cannot be corrected: its rejected are corrected in a Corrección.
    with pytest.raises(ValidationError) as error:
        services.informativa_rechazos.exportar(uuid, ana, salida)
    assert "en una complementaria de Corrección" in error.value.message

    correccion = services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    copia = services.informativas.contratos(correccion, ana)[0].uuid
    marcados = _trabajadores(services, copia, ana, rechazados=True)
    assert [(t.nss, t.rechazo, t.corregido) for t in marcados] == [
        (a.nss, MOTIVO_NSS, False),
        (b.nss, "SBC distinto al del IMSS", False),
    ]
    svc = services.informativa_trabajadores
    corregido = svc.corregir(copia, ana, marcados[1].id, b.nss, b.curp, "612.34")
    assert (corregido.sbc, corregido.corregido) == (61234, True)
    with pytest.raises(ValidationError) as error:
        services.informativa_rechazos.exportar(correccion, ana, salida)
    assert error.value.message.startswith("1 trabajador rechazado por el portal sigue sin corregir")
    # A correction that repeats another worker of the contract is refused, the mark stays.
    otro = _trabajadores(services, copia, ana)[3]
    with pytest.raises(ValidationError) as error:
        svc.corregir(copia, ana, marcados[0].id, otro.nss, a.curp, "500")
    assert error.value.code == "nss_repetido"
    svc.corregir(copia, ana, marcados[0].id, a.nss, a.curp, "500.00")

    (csv,) = services.informativa_rechazos.exportar(correccion, ana, salida)
    assert csv.name == f"ICSOE_{rfc}_{PERIODO.clave}_contrato01_CNT010101A14_rechazados.csv"
    assert csv.read_bytes().decode("cp1252").splitlines() == [
        "NSS,CURP,SBC",
        f"{a.nss},{a.curp},500.00",
        f"{b.nss},{b.curp},612.34",
    ]
    # The signed informativa keeps its marks as the portal gave them.
    assert [t.corregido for t in _trabajadores(services, uno, ana, rechazados=True)] == [
        False,
        False,
    ]


def test_only_who_may_import_the_portals_file_does(services, firmada, tmp_path):
    _rfc, _ana, uuid, _contratos, _c, _cer = firmada
    archivo = portal_xlsx(tmp_path / "rechazos.xlsx", [(1, "12345678903", "", 1, "x")])
    with pytest.raises(PermisoDenegado) as refused:
        services.informativa_rechazos.importar(uuid, None, archivo)  # sólo consulta
    assert "importar los rechazos del portal del IMSS" in refused.value.message
    (entrada,) = [r for r in services.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert entrada.target == "RECHAZOS_PORTAL"


@pytest.mark.end2end
def test_the_command_line_prints_the_marks_or_every_problem(services, firmada, data_dir, tmp_path):
    rfc, ana, _uuid, (uno, dos), _c, _cer = firmada
    a = _trabajadores(services, uno, ana)[0]
    b = _trabajadores(services, dos, ana)[2]
    services.close()
    malo = portal_xlsx(
        tmp_path / "malo.xlsx",
        [
            (1, "12345678903", "", 1, MOTIVO_NSS),
            (3, a.nss, a.curp, 1, MOTIVO_NSS),
            (2, a.nss, a.curp, 1, MOTIVO_NSS),
        ],
    )
    hecho = cli(data_dir, "informativa", "rechazos", "--contratista", rfc,
                "--periodo", PERIODO.clave, malo)  # fmt: skip
    assert hecho.returncode == 2, hecho.stderr
    assert hecho.stdout.splitlines() == [
        "fila 4: El trabajador con NSS 12345678903 no está en el contrato 1 (CNT010101A14).",
        "fila 5: El contrato «3» no está en esta informativa.",
        f"fila 6: El trabajador con NSS {a.nss} no está en el contrato 2 (CNT010101A14).",
    ]
    assert "3 problemas en «malo.xlsx»: no se marcó ningún trabajador." in hecho.stderr
    bueno = portal_xlsx(
        tmp_path / "bueno.xlsx",
        [(1, a.nss, a.curp, 1, MOTIVO_NSS), ("CNT010101A14", b.nss, b.curp, 1, MOTIVO_REPETIDO)],
    )
    hecho = cli(data_dir, "informativa", "rechazos", "--contratista", rfc,
                "--periodo", PERIODO.clave, "--tipo", "normal", bueno)  # fmt: skip
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.splitlines() == [
        f"contrato 1\tCNT010101A14\t{a.nss}\t{a.curp}\t{MOTIVO_NSS}",
        f"contrato 2\tCNT010101A14\t{b.nss}\t{b.curp}\t{MOTIVO_REPETIDO}",
    ]


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
@pytest.mark.parametrize("ref", ["XFD1048576", "XFD10000"])
def test_a_value_far_away_in_the_portals_file_is_named_under_a_memory_limit(
    services, firmada, data_dir, tmp_path, ref
):
    """One value at ``ref`` asks a dense reader for gigabytes: under a 4 GB limit the command
    still answers, naming the cell, and marks nothing."""
    import resource
    import subprocess
    import sys

    from tests.services.xlsx_files import far_cell

    rfc = firmada[0]
    services.close()
    limpio = portal_xlsx(tmp_path / "limpio.xlsx", [(1, "12345678903", "", 1, MOTIVO_NSS)])
    lejos = tmp_path / "lejos.xlsx"
    lejos.write_bytes(far_cell(limpio.read_bytes(), ref))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))

    hecho = subprocess.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), "informativa",
         "rechazos", "--contratista", rfc, "--periodo", PERIODO.clave, str(lejos)],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        preexec_fn=limit, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert hecho.returncode == 2, (hecho.returncode, hecho.stderr[-1500:])
    assert f"Hay un dato suelto en {ref} de la hoja «Sheet» de «lejos.xlsx»" in hecho.stderr


def test_the_portals_file_saved_as_xls_is_read_as_the_xlsx(services, firmada, tmp_path):
    """tests/data/rechazos.xls (LibreOffice's Excel 97-2003 of the same workbook): its one
    row names a worker that is not there, by its sheet row, with the NSS's leading zero back."""
    from tests.data.libros_xls import AQUI, fuentes

    _rfc, ana, uuid, _contratos, _c, _cer = firmada
    xlsx = fuentes(tmp_path)["rechazos"]
    leidos = [
        services.informativa_rechazos.importar(uuid, ana, f) for f in (xlsx, AQUI / "rechazos.xls")
    ]
    assert [[(p.renglon, p.mensaje) for p in r.problemas] for r in leidos] == [
        [(4, "El trabajador con NSS 01234567890 no está en el contrato 1 (CNT010101A14).")]
    ] * 2


def test_a_reason_with_a_bidi_override_is_a_problem_of_its_row(services, firmada, tmp_path):
    """The reason is free text (a tab in it is a space), but a right-to-left override would show
    it reversed from what is stored: its row says so, and nothing is marked."""
    _rfc, ana, uuid, (uno, _dos), _c, _cer = firmada
    a = _trabajadores(services, uno, ana)[0]
    archivo = portal_xlsx(
        tmp_path / "rechazos.xlsx",
        [(1, a.nss, a.curp, 500, "El NSS\tno existe"), (1, a.nss, a.curp, 500, "\u202eabc")],
    )
    resultado = services.informativa_rechazos.importar(uuid, ana, archivo)
    assert resultado.marcas == []
    assert [(p.renglon, p.mensaje) for p in resultado.problemas] == [
        (5, "El campo «Motivo» tiene una marca de dirección del texto invisible (U+202E) en la "
            "posición 1: bórralo y escribe el texto de nuevo.")
    ]  # fmt: skip


def _del_contrato(services, firmada) -> tuple[str, str, list]:
    _rfc, ana, uuid, (uno, _dos), _c, _cer = firmada
    return ana, uuid, _trabajadores(services, uno, ana)


@pytest.mark.parametrize("formato", LIBROS)
@pytest.mark.parametrize("filtro", [True, False], ids=["filtro", "a_mano"])
def test_a_rejection_hidden_by_a_filter_marks_no_worker(
    services, firmada, tmp_path, formato, filtro
):
    """The portal's list filtered to one contract's rows: the hidden rows mark nobody."""
    ana, uuid, (a, b, c, *_) = _del_contrato(services, firmada)
    filas = [ENCABEZADO, *((1, t.nss, t.curp, 500, MOTIVO_NSS) for t in (a, b, c))]
    path = escribir(tmp_path / f"rechazos.{formato}", filas, {3}, filtro)
    resultado = services.informativa_rechazos.importar(uuid, ana, path)
    assert resultado.problemas == []
    assert sorted(m.nss for m in resultado.marcas) == sorted((a.nss, c.nss))
    motivo = "oculta por un filtro" if filtro else "oculta"
    assert f"Fila 3: se dejó fuera ({motivo})." in resultado.notas


@pytest.mark.parametrize("formato", FORMATOS)
def test_two_reasons_that_disagree_refuse_the_file_naming_both_columns(
    services, firmada, tmp_path, formato
):
    ana, uuid, (a, b, *_) = _del_contrato(services, firmada)
    filas = [
        ("NSS", "Motivo del rechazo", "Motivo del rechazo"),
        (a.nss, MOTIVO_NSS, MOTIVO_NSS),
        (b.nss, MOTIVO_NSS, MOTIVO_REPETIDO),
    ]
    path = escribir(tmp_path / f"rechazos.{formato}", filas)
    with pytest.raises(ValidationError) as error:
        services.informativa_rechazos.importar(uuid, ana, path)
    assert "las columnas B «Motivo del rechazo» y C «Motivo del rechazo»" in error.value.message
    assert services.informativa_trabajadores.contar(firmada[3][0], ana, rechazados=True) == 0


@pytest.mark.parametrize("formato", FORMATOS)
def test_the_signatures_under_the_portals_list_are_left_out(services, firmada, tmp_path, formato):
    ana, uuid, (a, b, *_) = _del_contrato(services, firmada)
    filas = [
        ENCABEZADO,
        (1, a.nss, a.curp, 500, MOTIVO_NSS),
        (1, b.nss, b.curp, 500, MOTIVO_NSS),
        ("Total", 2),
        ("Elaboró: ____________",),
        ("Revisó: ____________", None, None, "Vo. Bo.: ____________"),
    ]
    path = escribir(tmp_path / f"rechazos.{formato}", filas)
    resultado = services.informativa_rechazos.importar(uuid, ana, path)
    assert resultado.problemas == []
    assert sorted(m.nss for m in resultado.marcas) == sorted((a.nss, b.nss))
    assert resultado.notas[-2:] == [
        "Fila 5: se dejó fuera (debajo de la tabla «Elaboró: ____________»).",
        "Fila 6: se dejó fuera (debajo de la tabla «Revisó: ____________»).",
    ]
