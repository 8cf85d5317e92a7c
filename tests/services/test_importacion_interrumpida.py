"""Long imports stop on Cancelar and are remembered when cut short.

Cancelar (``cancelado()`` true), whenever it is pressed before the import is saved, leaves
nothing saved and nothing to name later: the clerk pressed it and was told at once. A run
killed half-way (a real process, SIGKILL) leaves nothing saved either, and the next start
names it: «La importación de movimientos de «X» (empresa …) del 27/11 a las 10:15 no terminó;
no se guardó nada». A run still going is never named."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import OperacionCancelada
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.en_curso import CARPETA
from icsoe_desktop.services.movimientos.servicio import Filtro
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores
from tests.services.movimientos_data import add_registros, write_csv
from tests.services.test_import_files import many_rows

ROOT = Path(__file__).resolve().parents[2]


def audit_actions(services) -> list[str]:
    return [e.action for e in services.audit.recent()]


def cancelar_en(llamada: int):
    """``cancelado`` as the bar's Cancelar: pressed once it has been asked ``llamada`` times."""
    veces = [0]

    def cancelado() -> bool:
        veces[0] += 1
        return veces[0] >= llamada

    return cancelado, veces


@pytest.mark.parametrize("llamada", [1, 2, 4], ids=["al_empezar", "a_medias", "al_final"])
def test_a_cancelled_import_saves_nothing_and_is_not_named_later(services, tmp_path, llamada):
    add_registros(services)
    path = write_csv(tmp_path / "nomina.csv", many_rows(3_500))  # asked at 1,000, 2,000, 3,000
    antes = audit_actions(services)
    cancelado, veces = cancelar_en(llamada)
    with pytest.raises(OperacionCancelada):
        services.importador.import_file(path, "t", None, None, cancelado)
    assert veces[0] == llamada  # it stopped at the first question answered «yes»
    assert services.movimientos.count(Filtro()) == 0
    assert audit_actions(services) == antes
    assert services.en_curso.recoger() == []  # told at once; nothing left for the next start
    # The same file, not cancelled, goes in whole.
    report = services.importador.import_file(path, "t", None, None, lambda: False)
    assert report.aplicado and services.movimientos.count(Filtro()) == 3_500
    assert audit_actions(services)[0] == "movimientos_importados"


KILLED = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from icsoe_desktop.services.container import open_services

    services = open_services(Path(sys.argv[1]))
    path, args = Path(sys.argv[2]), sys.argv[3:]

    def progress(done, total):
        print("AVANCE", flush=True)  # rows are being read or written: now it is killed
        time.sleep(600)

    {llamada}
    """
)
MOVIMIENTOS = "services.importador.import_file(path, 't', progress)"


def importacion_matada(data_dir: Path, path: Path, llamada: str = MOVIMIENTOS, *args: str) -> None:
    """The import of ``path`` (``llamada``: the service's call, ``args`` its other arguments)
    run in another process, killed once rows are being read or written."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED.format(llamada=llamada), str(data_dir), str(path), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == "AVANCE", process.stderr.read()
        assert list((data_dir / CARPETA).glob("*.json"))  # its mark, while it runs
        process.kill()  # SIGKILL: no cleanup, no finally, as the task manager or a power cut
    finally:
        process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()


def test_a_killed_import_saves_nothing_and_is_named_at_the_next_start(data_dir, tmp_path):
    services = open_services(data_dir)
    add_registros(services)
    empresa = services.empresa.etiqueta
    services.close()
    importacion_matada(data_dir, write_csv(tmp_path / "nomina de noviembre.csv", many_rows(3_500)))

    services = open_services(data_dir)
    try:
        assert services.movimientos.count(Filtro()) == 0
        (interrumpida,) = services.en_curso.recoger()
        hora = hora_del_centro(interrumpida.inicio)
        assert interrumpida.aviso() == (
            f"La importación de movimientos de «nomina de noviembre.csv» (empresa {empresa}) "
            f"del {hora:%d/%m} a las {hora:%H:%M} no terminó; no se guardó nada. Vuelve a "
            "hacerla si la necesitas."
        )
        assert re.search(r"del \d\d/\d\d a las \d\d:\d\d", interrumpida.aviso())
        assert services.en_curso.recoger() == []  # named once
    finally:
        services.close()


def test_an_import_still_running_is_not_named(services):
    with services.marcar("La importación de movimientos de «grande.txt»"):
        assert services.en_curso.recoger() == []  # its lock is held: it runs
        assert len(list((services.data_dir / CARPETA).glob("*.json"))) == 1
    assert not list((services.data_dir / CARPETA).glob("*.json"))  # gone when it ends


def test_a_damaged_mark_is_dropped_without_a_word(services):
    carpeta = services.data_dir / CARPETA
    carpeta.mkdir()
    (carpeta / "roto.json").write_bytes(b"\xff{no es json")
    assert services.en_curso.recoger() == []
    assert not list(carpeta.iterdir())


# --- the workers of a contract ---------------------------------------------------------------


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


def test_a_cancelled_workers_import_adds_nothing(
    _quien_una_vez, data_dir, clock, tmp_path, smtp_server
):
    from tests.conftest import copy_data

    copy_data(_quien_una_vez[0], data_dir)
    services = open_services(data_dir, clock)
    try:
        rfc, ana, _ = _quien_una_vez[1]
        uuid = services.informativas.crear(rfc, ana, PERIODO)
        contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
        rows = list(trabajadores_limpios(4_500, random.Random(5), PERIODO.anio))
        path = tmp_path / "trabajadores.csv"
        lines = ["NSS,CURP,SBC"] + [f"{t.nss},{t.curp},{t.sbc / 100:.2f}" for t in rows]
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        for llamada in (1, 3):  # at the first batch; at the end, all rows written
            cancelado, veces = cancelar_en(llamada)
            with pytest.raises(OperacionCancelada):
                services.informativa_trabajadores.importar(
                    contrato, ana, path, None, None, cancelado
                )
            assert veces[0] == llamada
            assert services.informativa_trabajadores.contar(contrato, ana) == 0
        assert services.en_curso.recoger() == []
        result = services.informativa_trabajadores.importar(contrato, ana, path)
        assert result.agregados == 4_500
    finally:
        services.close()


# --- the alta masiva of capturistas ----------------------------------------------------------


def test_a_cancelled_alta_masiva_saves_no_capturista(services, data_dir, tmp_path, smtp_configured):
    from stdnum.mx.curp import calc_check_digit

    from icsoe_desktop.services.capturistas.excel import BULK_HEADERS
    from tests.icsoe_helpers import enter_contratista
    from tests.services.xlsx_files import workbook_bytes

    rfc = enter_contratista(services, data_dir, tmp_path)
    rows = []
    for i in range(150):  # asked once while reading (at row 100), then after each row saved
        base = f"PEMA80{1 + i // 28:02d}{1 + i % 28:02d}HDFRRN0"
        curp = base + calc_check_digit(base + "0")
        rows.append((curp, "Pedro", "Pérez", "Ruiz", "Capturista", "5512345678", f"p{i}@c.mx",
                     f"p{i}@c.mx"))  # fmt: skip
    path = tmp_path / "alta.xlsx"
    path.write_bytes(workbook_bytes([BULK_HEADERS, *rows]))
    for llamada in (1, 2, 152):  # reading; the first row saved; after the last one
        cancelado, veces = cancelar_en(llamada)
        with pytest.raises(OperacionCancelada):
            services.capturistas_excel.alta_masiva(rfc, path, None, None, cancelado)
        assert veces[0] == llamada
        assert services.capturistas.total(rfc) == 0
    assert services.en_curso.recoger() == []
    assert services.capturistas_excel.alta_masiva(rfc, path).guardados == 150


# --- the result of a lote --------------------------------------------------------------------


def resultado_del_lote(services, tmp_path: Path):
    """Lote 1 with its four movements, and IDSE's answer for each in a file."""
    from tests.services.movimientos_data import lote_con_dos_modificaciones, nss
    from tests.services.test_lote_resultado import HEADERS
    from tests.services.test_lote_resultado import write_csv as resultado_csv

    lote = lote_con_dos_modificaciones(services, tmp_path)
    path = resultado_csv(
        tmp_path / "resultado idse.csv",
        HEADERS,
        [
            [nss(7), "07", "01/09/2026", "Rechazado", "Salario fuera de rango"],
            [nss(7), "07", "01/06/2026", "Aprobado", ""],
            [nss(2), "08", "15/05/2026", "Aprobado", ""],
            [nss(4), "02", "10/06/2026", "Recibido", ""],
        ],
    )
    return lote, path


def estados_del_lote(services, lote_id: int) -> list[str]:
    return [d.estado_actual for d in services.lotes.detalle(lote_id)]


def test_a_cancelled_lote_result_changes_nothing(services, tmp_path):
    lote, path = resultado_del_lote(services, tmp_path)
    antes, acciones = estados_del_lote(services, lote.id), audit_actions(services)
    # Asked once per line read (4), once per movement changed (4), once at the end.
    for llamada in (1, 6, 9):  # reading; half the changes made; all made, not saved
        cancelado, veces = cancelar_en(llamada)
        with pytest.raises(OperacionCancelada):
            services.lotes.importar_resultado(lote.id, path, "t", None, None, cancelado)
        assert veces[0] == llamada
        assert estados_del_lote(services, lote.id) == antes
        assert audit_actions(services) == acciones
    assert services.en_curso.recoger() == []
    report = services.lotes.importar_resultado(lote.id, path, "t", None, None, lambda: False)
    assert report.aplicado and (report.aprobados, report.rechazados, report.recibidos) == (2, 1, 1)


def test_a_killed_lote_result_changes_nothing_and_is_named_at_the_next_start(data_dir, tmp_path):
    services = open_services(data_dir)
    lote, path = resultado_del_lote(services, tmp_path)
    antes = estados_del_lote(services, lote.id)
    services.close()
    importacion_matada(
        data_dir,
        path,
        "services.lotes.importar_resultado(int(args[0]), path, 't', None, progress)",
        str(lote.id),
    )
    services = open_services(data_dir)
    try:
        assert estados_del_lote(services, lote.id) == antes
        (interrumpida,) = services.en_curso.recoger()
        assert interrumpida.aviso().startswith(
            "La importación del resultado del lote de «resultado idse.csv»"
        )
        assert interrumpida.aviso().endswith(
            "no terminó; no se guardó nada. Vuelve a hacerla si la necesitas."
        )
    finally:
        services.close()


# --- the portal's rejections -----------------------------------------------------------------


def rechazos_del_portal(services, rfc: str, ana: str, tmp_path: Path):
    """An informativa in capture with a contract of three workers, and the portal's file
    rejecting two of them."""
    from tests.services.test_informativa_rechazos import MOTIVO_NSS, portal_xlsx

    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    uno, dos, _ = services.informativa_trabajadores.pagina(contrato, ana, 0, 10)
    filas = [(1, t.nss, t.curp, t.sbc / 100, MOTIVO_NSS) for t in (uno, dos)]
    return uuid, contrato, portal_xlsx(tmp_path / "rechazos del portal.xlsx", filas)


def test_a_cancelled_import_of_the_portals_rejections_marks_nobody(
    _quien_una_vez, data_dir, clock, tmp_path, smtp_server
):
    from tests.conftest import copy_data

    copy_data(_quien_una_vez[0], data_dir)
    services = open_services(data_dir, clock)
    try:
        rfc, ana, _ = _quien_una_vez[1]
        uuid, contrato, path = rechazos_del_portal(services, rfc, ana, tmp_path)
        rechazos, acciones = services.informativa_rechazos, audit_actions(services)
        # Asked once per row read (2), once per worker marked (2), once at the end.
        for llamada in (1, 4, 5):
            cancelado, veces = cancelar_en(llamada)
            with pytest.raises(OperacionCancelada):
                rechazos.importar(uuid, ana, path, None, None, None, cancelado)
            assert veces[0] == llamada
            assert services.informativa_trabajadores.contar(contrato, ana, rechazados=True) == 0
            assert audit_actions(services) == acciones
        assert services.en_curso.recoger() == []
        assert len(rechazos.importar(uuid, ana, path).marcas) == 2
    finally:
        services.close()


def test_a_killed_import_of_the_portals_rejections_is_named_at_the_next_start(
    _quien_una_vez, data_dir, clock, tmp_path, smtp_server
):
    from tests.conftest import copy_data

    copy_data(_quien_una_vez[0], data_dir)
    services = open_services(data_dir, clock)
    rfc, ana, _ = _quien_una_vez[1]
    uuid, contrato, path = rechazos_del_portal(services, rfc, ana, tmp_path)
    services.close()
    llamada = "services.informativa_rechazos.importar(args[0], args[1], path, progreso=progress)"
    importacion_matada(data_dir, path, llamada, uuid, ana)
    services = open_services(data_dir, clock)
    try:
        assert services.informativa_trabajadores.contar(contrato, ana, rechazados=True) == 0
        (interrumpida,) = services.en_curso.recoger()
        assert interrumpida.aviso().startswith(
            "La importación de rechazos del portal de «rechazos del portal.xlsx»"
        )
    finally:
        services.close()


def test_a_mark_that_cannot_be_written_does_not_stop_the_import(services, tmp_path):
    # Where the marks go, a file: no mark can be left, and the import still goes in whole.
    (services.data_dir / CARPETA).write_bytes(b"")
    add_registros(services)
    path = write_csv(tmp_path / "nomina.csv", many_rows(1_200))
    services.importador.import_file(path, "t", None, None, lambda: False)
    assert services.movimientos.count(Filtro()) == 1_200
    assert services.en_curso.recoger() == []  # nothing to name at the next start
