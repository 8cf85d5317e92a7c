"""The SISUB window's Preparar, Revisar and Exportar done by a process of their own
(services/sisub/aparte.py): the window's actions greyed while one runs, the result the same
as the service's own, the clerk named in the audit; the window closed or the process dead
leaves the report as it was, said in Spanish without a traceback."""

from __future__ import annotations

import os
import signal
from datetime import date

import pytest
from PySide6.QtWidgets import QFileDialog, QProgressBar, QProgressDialog, QPushButton

from icsoe_desktop.gui.informativa.sisub import SisubDialog
from icsoe_desktop.services.aparte import obra
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.gui.helpers import click, wait_operations
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import ENERO_ABRIL, contrato, de_la_lista, importar

_quien_una_vez, services, quien = fx._quien_una_vez, fx.services, fx.quien


@pytest.fixture
def con_recibos(quien, services, tmp_path) -> tuple[str, str]:
    """A contract in force in mayo–agosto 2026 and two workers' receipts of June."""
    rfc, ana = quien
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    recibos = [
        (f"{t.nss}.xml", nc.recibo(nc.Emisor(), t, nc.Periodo.quincena(2026, 6),
                                   subcontrataciones=((CLIENTE.rfc, "100"),)))
        for t in de_la_lista(services, uuid, ana)
    ]  # fmt: skip
    importar(services, tmp_path / "nomina", recibos)
    return rfc, ana


def _filas(services, rfc: str) -> list[tuple]:
    uuid = services.sisub.del_periodo(rfc, rfc, "2026-2")
    reporte = services.sisub.reporte(uuid, rfc)
    return [
        (c.uuid, t.bimestre, t.nss, t.registro_patronal, t.importes, t.origen, t.editado)
        for c in reporte.contratos
        for t in c.trabajadores
    ]


def _ventana(qtbot, services, rfc: str) -> SisubDialog:
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    wait_operations(qtbot)
    return dialogo


def test_preparar_runs_apart_one_at_a_time_and_prepares_what_the_service_would(
    tmp_path, qtbot, modals, services, con_recibos
):
    rfc, _ana = con_recibos
    dialogo = _ventana(qtbot, services, rfc)
    click(qtbot, dialogo.preparar)
    qtbot.waitUntil(lambda: bool(obra.vivas()), timeout=10_000)
    # While it runs: a bar says what is done, and the long actions are greyed.
    barra = dialogo.findChild(QProgressDialog, "progressDialog")
    assert barra is not None and barra.isVisible()
    assert "Preparando el SISUB" in barra.labelText()
    barra.grab().save(str(tmp_path / "sisub_preparando.png"))
    vistos: list[int] = []

    def movida(valor: int) -> None:  # the bar as the clerk sees it midway
        if 0 < valor < barra.maximum():
            barra.grab().save(str(tmp_path / "sisub_preparando_a_medias.png"))
        vistos.append(valor)

    barra.findChild(QProgressBar).valueChanged.connect(movida)
    dialogo.grab().save(str(tmp_path / "sisub_preparando_ventana.png"))
    assert not dialogo.preparar.isEnabled()
    dialogo._preparar()  # a second Preparar (a key repeated) starts nothing
    assert len(obra.vivas()) == 1
    # It cedes the processor to the window's thread on a busy machine.
    propia = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, obra.vivas()[0]) == min(19, propia + 10)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.rowCount() == 2)
    assert obra.vivas() == []
    # The bar moved with the work, in many steps, never back, up to its end.
    avanzados = [v for v in vistos if v >= 0]
    assert avanzados == sorted(set(avanzados)) and len(avanzados) > 3
    assert avanzados[-1] == 100
    assert dialogo.preparar.isEnabled() and dialogo.revisar.isEnabled()
    assert "Con datos continuos" in dialogo.estado.text()
    assert not modals.texts
    dialogo.grab().save(str(tmp_path / "sisub_preparado.png"))
    aparte = _filas(services, rfc)
    # The same service, here: nothing to change.
    hecho = services.sisub.preparar(rfc, rfc, "2026-2")
    assert hecho.trabajadores == 2 and _filas(services, rfc) == aparte
    # The audit names the clerk who clicked, not the process.
    preparados = [r for r in services.audit.recent() if r.action == "sisub_preparado"]
    assert [r.actor for r in preparados] == [rfc, rfc]

    click(qtbot, dialogo.revisar)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=30_000)
    assert "Captura el número de contrato SISUB" in modals.texts[0]
    assert "Traceback" not in modals.texts[0]
    assert dialogo.revisar.isEnabled()


def test_closing_the_window_stops_preparar_and_nothing_is_written(
    qtbot, modals, services, con_recibos
):
    rfc, _ana = con_recibos
    dialogo = _ventana(qtbot, services, rfc)
    click(qtbot, dialogo.preparar)
    qtbot.waitUntil(lambda: bool(obra.vivas()), timeout=10_000)
    dialogo.close()
    wait_operations(qtbot)
    assert obra.vivas() == []
    assert services.sisub.del_periodo(rfc, rfc, "2026-2") is None  # no report left half made
    assert not modals.texts
    dialogo.show()  # opened again: what it starts runs to its end
    click(qtbot, dialogo.preparar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: dialogo.contratos_model.rowCount() == 1)
    assert not modals.texts


def test_a_process_that_dies_is_said_in_spanish_and_the_report_stays(
    qtbot, modals, services, con_recibos
):
    rfc, _ana = con_recibos
    services.sisub.preparar(rfc, rfc, "2026-2")
    antes = _filas(services, rfc)
    dialogo = _ventana(qtbot, services, rfc)
    click(qtbot, dialogo.preparar)
    qtbot.waitUntil(lambda: bool(obra.vivas()), timeout=10_000)
    os.kill(obra.vivas()[0], signal.SIGTERM)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=30_000)
    assert modals.texts[0].startswith("No se pudo preparar el SISUB")
    assert "No se cambió nada" in modals.texts[0] and "Traceback" not in modals.texts[0]
    wait_operations(qtbot)
    assert _filas(services, rfc) == antes
    assert dialogo.preparar.isEnabled()  # it can be tried again


def test_a_refusal_in_the_process_is_its_spanish_message(
    qtbot, modals, monkeypatch, services, con_recibos, tmp_path
):
    from tests.sisub_datos import SITIO

    rfc, _ana = con_recibos
    hecho = services.sisub.preparar(rfc, rfc, "2026-2")
    contrato_uuid = services.sisub.reporte(hecho.uuid, rfc).contratos[0].uuid
    services.sisub.guardar_contrato(hecho.uuid, contrato_uuid, rfc, "S-1", SITIO)
    dialogo = _ventana(qtbot, services, rfc)
    ocupado = tmp_path / "un archivo"
    ocupado.write_text("no es una carpeta")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(ocupado))
    click(qtbot, dialogo.exportar)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=30_000)
    assert "un archivo" in modals.texts[0] and "Traceback" not in modals.texts[0]
    wait_operations(qtbot)
    assert dialogo.exportar.isEnabled()
    assert ocupado.read_text() == "no es una carpeta"


def test_a_contracts_workers_are_read_when_it_is_chosen(qtbot, modals, services, quien, tmp_path):
    from tests.sisub_datos import MAYO_AGOSTO, OTRO_CLIENTE

    rfc, ana = quien
    recibos = []
    for n, (periodo, cliente, inicio) in enumerate(
        ((ENERO_ABRIL, CLIENTE, date(2026, 2, 10)), (MAYO_AGOSTO, OTRO_CLIENTE, date(2026, 5, 4)))
    ):
        _inf, uuid = contrato(
            services, rfc, ana, periodo, cliente, inicio, date(2027, 2, 9),
            trabajadores=1 + n, seed=5 + n,
        )  # fmt: skip
        recibos += [
            (f"{t.nss}.xml", nc.recibo(nc.Emisor(), t, nc.Periodo.quincena(2026, 6),
                                       subcontrataciones=((cliente.rfc, "100"),)))
            for t in de_la_lista(services, uuid, ana)
        ]  # fmt: skip
    importar(services, tmp_path / "nomina", recibos)
    hecho = services.sisub.preparar(rfc, rfc, "2026-2")
    reporte = services.sisub.reporte(hecho.uuid, rfc)
    dialogo = _ventana(qtbot, services, rfc)
    # Each contract's count of workers, though only the chosen one's were read.
    assert [dialogo.contratos_model.index(f, 6).data() for f in (0, 1)] == [
        str(len({t.nss for t in c.trabajadores})) for c in reporte.contratos
    ]
    for fila, c in enumerate(reporte.contratos):
        dialogo.contratos.selectRow(fila)
        nss = [t.nss for t in c.trabajadores]
        qtbot.waitUntil(
            lambda nss=nss: (
                [
                    dialogo.trabajadores_model.index(f, 1).data()
                    for f in range(dialogo.trabajadores_model.rowCount())
                ]
                == nss
            )
        )
    assert not modals.texts


def test_a_database_that_does_not_answer_offers_reintentar(qtbot, modals, services, con_recibos):
    """The process's store refuses (a table taken away by another connection, as a lock held
    past the busy timeout or a damaged page would): the app's Spanish message with
    «Reintentar», which runs Preparar again; once the store answers, it prepares."""
    from contextlib import closing

    from icsoe_desktop.store import cifrado
    from icsoe_desktop.store.plain import MSG_FALLA

    def renombrar(de: str, a: str) -> None:
        with closing(cifrado.conectar(services.store.path)) as conn:
            conn.execute(f"ALTER TABLE {de} RENAME TO {a}")
            conn.commit()

    rfc, _ana = con_recibos
    dialogo = _ventana(qtbot, services, rfc)
    renombrar("sisub_trabajadores", "sisub_trabajadores_fuera")
    modals.answer("Reintentar", "Cerrar")  # retried once: refused again, then left
    click(qtbot, dialogo.preparar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=60_000)
    wait_operations(qtbot)
    esperado = MSG_FALLA.format(nombre=services.store.path.name)
    assert [(m.text, m.buttons) for m in modals.messages] == [
        (esperado, ("Reintentar", "Cerrar"))
    ] * 2
    assert services.sisub.del_periodo(rfc, rfc, "2026-2") is None
    assert dialogo.preparar.isEnabled()

    renombrar("sisub_trabajadores_fuera", "sisub_trabajadores")
    click(qtbot, dialogo.preparar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.rowCount() == 2, timeout=30_000)
    assert len(modals.messages) == 2


def _barra(dialogo: SisubDialog) -> QProgressDialog:
    (barra,) = [b for b in dialogo.findChildren(QProgressDialog) if b.isVisible()]
    return barra


def test_exportar_moves_its_bar_to_the_end_and_cancelar_midway_leaves_nothing(
    qtbot, modals, monkeypatch, services, con_recibos, tmp_path
):
    """The bar moves with the report read, the rows made and the files zipped, to its end.
    Cancelar while the files are being zipped (the process frozen there, then killed): no
    ZIP, nothing half written left in the folder, no message."""
    import zipfile

    from icsoe_desktop.services.informativa.repse import Pdf
    from tests.sisub_datos import SITIO
    from tests.sync.test_sync_sisub import escaneado_pdf

    rfc, _ana = con_recibos
    hecho = services.sisub.preparar(rfc, rfc, "2026-2")
    contrato_uuid = services.sisub.reporte(hecho.uuid, rfc).contratos[0].uuid
    services.sisub.guardar_contrato(hecho.uuid, contrato_uuid, rfc, "S-1", SITIO)
    pdfs = services.sisub_pdfs
    # Scans of ~4 MB that do not compress: zipping them takes a while.
    pdfs.adjuntar_escritura(rfc, rfc, Pdf(escaneado_pdf("Escritura", 1100), "escritura.pdf"))
    pdfs.adjuntar_contrato(rfc, rfc, contrato_uuid, Pdf(escaneado_pdf("Contrato", 1100), "c.pdf"))
    dialogo = _ventana(qtbot, services, rfc)
    click(qtbot, dialogo.zip)
    entero, cancelado = tmp_path / "entero", tmp_path / "cancelado"
    entero.mkdir(), cancelado.mkdir()

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(entero))
    click(qtbot, dialogo.exportar)
    barra = _barra(dialogo)
    assert "Exportando el SISUB" in barra.labelText()
    vistos: list[int] = []

    def movida(valor: int) -> None:  # the bar as the clerk sees it midway
        if 50 <= valor < 60:
            barra.grab().save(str(tmp_path / "sisub_exportando.png"))
        vistos.append(valor)

    barra.findChild(QProgressBar).valueChanged.connect(movida)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=60_000)
    wait_operations(qtbot)
    avanzados = [v for v in vistos if v >= 0]
    assert avanzados == sorted(set(avanzados)) and len(avanzados) > 5
    assert avanzados[-1] == 100
    zip_hecho = entero / f"SISUB {rfc} 2026-2.zip"
    assert modals.texts[0].startswith(f"Se escribió «{zip_hecho}»")
    assert [p.name for p in entero.iterdir()] == [zip_hecho.name]
    with zipfile.ZipFile(zip_hecho) as archivo:
        assert archivo.testzip() is None and len(archivo.namelist()) == 5

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(cancelado))
    click(qtbot, dialogo.exportar)
    barra = _barra(dialogo)
    congelado: dict[str, object] = {}

    def al_moverse(valor: int) -> None:  # the files being zipped: the process frozen there
        if 90 <= valor < 99 and not congelado:
            (pid,) = obra.vivas()
            os.kill(pid, signal.SIGSTOP)
            congelado["dentro"] = sorted(p.name for p in cancelado.iterdir())

    barra.findChild(QProgressBar).valueChanged.connect(al_moverse)
    qtbot.waitUntil(lambda: bool(congelado), timeout=60_000)
    # Midway: the ZIP being written in a folder of its own, not yet under its name.
    (parcial,) = congelado["dentro"]
    assert parcial.startswith(".SISUB parcial ")
    click(qtbot, barra.findChild(QPushButton))  # Cancelar
    wait_operations(qtbot)  # the frozen process killed once its grace ran out
    assert obra.vivas() == []
    assert list(cancelado.iterdir()) == []
    assert len(modals.texts) == 1  # Cancelar says nothing
    assert dialogo.exportar.isEnabled()
    assert [p.name for p in entero.iterdir()] == [zip_hecho.name]


def test_a_process_the_system_will_not_start_is_said_in_spanish(
    qtbot, modals, monkeypatch, services, con_recibos
):
    """The system refuses every start of Preparar's process (after the worker's own second
    and third tries): the window says so in Spanish, the period has no report, and Preparar
    can be clicked again."""
    import subprocess

    rfc, _ana = con_recibos
    monkeypatch.setattr(obra, "REINTENTOS_S", (0.0, 0.0))

    def niega(*_args, **_kwargs):
        raise OSError(1359, "Error interno")

    monkeypatch.setattr(subprocess, "Popen", niega)
    dialogo = _ventana(qtbot, services, rfc)
    click(qtbot, dialogo.preparar)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=30_000)
    assert modals.texts[0] == (
        "No se pudo preparar el SISUB: el sistema no dejó empezar el proceso que lo hace. "
        "No se cambió nada; inténtalo de nuevo en un momento (el detalle quedó en el registro "
        "de la aplicación)."
    )
    wait_operations(qtbot)
    assert services.sisub.del_periodo(rfc, rfc, "2026-2") is None
    assert dialogo.preparar.isEnabled() and obra.vivas() == []
