"""Proponer trabajadores desde los recibos, driven from the informativa's window as the
capturista would: the period's payroll receipts that name the contract's contratante are
listed all marked, those she unmarks stay out, a worker the contract has is shown and never
added twice, Cancelar adds nothing; a worker whose SBC is under the minimum and an asimilado a
salarios are listed apart with their reason and the others are added all the same; with no
receipts for that client, or once her relation with the contratista ended, a message says so and
the contract is left as it was."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from icsoe_desktop.domain.informativa.modelo import Trabajador
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.informativa.proponer_recibos import ProponerRecibosDialog
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from icsoe_desktop.store.models import AuditEntry
from tests import nomina_cfdi as nc
from tests.conftest import services_copying
from tests.gui.helpers import click, wait_operations
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    capturista_una_vez,
    contrato_con_trabajadores,
)

SEMANA = nc.Periodo.semana(date(2026, 6, 8))  # in PERIODO (mayo–agosto 2026)


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, data_dir, smtp_configured):
    """The contratista and Ana, its capturista; the empresa is the payroll's emisor."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def importar(services, carpeta: Path, gente, clientes) -> None:
    """One weekly receipt per worker, naming its client (and a second week for the first)."""
    emisor = nc.Emisor()
    recibos = [
        (f"{t.curp}.xml", nc.recibo(emisor, t, SEMANA, subcontrataciones=((c, "100"),)))
        for t, c in zip(gente, clientes, strict=True)
    ]
    siguiente = nc.Periodo.semana(date(2026, 6, 15))
    recibos.append(
        (
            "segunda.xml",
            nc.recibo(emisor, gente[0], siguiente, subcontrataciones=((clientes[0], "100"),)),
        )
    )
    reporte = services.nomina.importar([nc.escribir(carpeta, recibos)], CLI_ACTOR)
    assert reporte.guardados == len(recibos)


def open_window(qtbot, services, actor: str, rfc: str, uuid: str) -> InformativaWindow:
    window = InformativaWindow(services, actor, rfc, uuid, False)
    qtbot.addWidget(window)
    window.show()
    return window


def celdas(model) -> list[tuple[str, ...]]:
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def marcado(dialog: ProponerRecibosDialog, row: int) -> bool:
    index = dialog.model.index(row, 0)
    return index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def caja(qtbot, dialog: ProponerRecibosDialog, row: int) -> None:
    """A real click on the check box of ``row`` (at the left of its first cell)."""
    from PySide6.QtCore import QPoint

    rect = dialog.tabla.visualRect(dialog.model.index(row, 0))
    pos = QPoint(rect.left() + 12, rect.center().y())
    qtbot.mouseClick(dialog.tabla.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_the_clerk_adds_the_workers_she_leaves_marked(qtbot, services, quien, modals, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(5, seed=91)
    # The fourth worker is already on the contract; the fifth served another client.
    ya = gente[3]
    svc = services.informativa_trabajadores
    assert (
        svc.agregar_varios(
            contrato, ana, [Trabajador(ya.nss, ya.curp, int(ya.sbc * 100), ya.nombre)]
        ).agregados
        == 1
    )
    importar(services, tmp_path / "junio", gente, [CLIENTE.rfc] * 4 + [nc.CLIENTES[0]])

    window = open_window(qtbot, services, ana, rfc, uuid)
    panel = window.trabajadores
    assert panel.recibos.isVisible() and panel.recibos.isEnabled()
    assert panel.recibos.accessibleName() == "Proponer trabajadores desde los recibos"
    vistos: list[list[tuple[str, ...]]] = []
    instrucciones: list[str] = []

    def elegir(dialog) -> None:
        assert isinstance(dialog, ProponerRecibosDialog)
        vistos.append(celdas(dialog.model) + celdas(dialog.ya_model))
        instrucciones.append(dialog.instruccion.text())
        assert dialog.ya.isVisible() and dialog.focusWidget() is dialog.tabla
        assert [marcado(dialog, r) for r in range(3)] == [True, True, True]
        caja(qtbot, dialog, 1)  # the second one does not serve this contract
        assert [marcado(dialog, r) for r in range(3)] == [True, False, True]
        click(qtbot, dialog.agregar)

    modals.handle(elegir)
    click(qtbot, panel.recibos)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: modals.texts != [])
    nuevos = sorted(gente[:3], key=lambda t: t.nss)
    (filas,) = vistos
    assert filas == [
        (t.nss, t.curp, t.nombre, f"{t.sbc:,.2f}", "2" if t is gente[0] else "1")
        for t in (*nuevos, ya)
    ]
    assert f"3 trabajadores con recibos de nómina de {PERIODO.texto}" in instrucciones[0]
    assert CLIENTE.rfc in instrucciones[0]
    assert "1 trabajador ya en el contrato se muestra abajo" in instrucciones[0]
    assert modals.texts == ["Se agregaron 2 trabajadores al contrato desde los recibos de nómina."]

    en_contrato = {f.curp for f in svc.pagina(contrato, ana, 0, 10)}
    assert en_contrato == {ya.curp, nuevos[0].curp, nuevos[2].curp}
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)  # the list shows them
    with services.store.session() as session:
        fuente = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "icsoe_trabajadores_de_recibos")
        ).all()
    assert fuente == [ana]

    # Again: the one left out is proposed alone; Cancelar (Esc) adds nothing.
    def cancelar(dialog) -> None:
        vistos.append(celdas(dialog.model))
        vistos.append(celdas(dialog.ya_model))
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Escape)

    modals.handle(cancelar)
    click(qtbot, panel.recibos)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(vistos) == 3)
    tienen = sorted((ya, nuevos[0], nuevos[2]), key=lambda t: t.nss)
    assert [f[1] for f in vistos[1]] == [nuevos[1].curp]
    assert [f[1] for f in vistos[2]] == [t.curp for t in tienen]
    assert len(svc.pagina(contrato, ana, 0, 10)) == 3


def test_one_under_the_minimum_and_an_asimilado_are_left_out_with_their_reason(
    qtbot, services, quien, modals, tmp_path
):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(6, seed=94)
    bajo = dataclasses.replace(gente[4], sbc=Decimal("150.00"))  # under the 2026 minimum
    asimilado = gente[5]
    emisor = nc.Emisor()
    recibos = [
        (f"{t.curp}.xml", nc.recibo(emisor, t, SEMANA, subcontrataciones=((CLIENTE.rfc, "100"),)))
        for t in (*gente[:4], bajo)
    ]
    recibos.append(
        (
            "asimilado.xml",
            nc.recibo(
                emisor, asimilado, SEMANA, subcontrataciones=((CLIENTE.rfc, "100"),), asimilado=True
            ),
        )
    )
    assert (
        services.nomina.importar([nc.escribir(tmp_path / "junio", recibos)], CLI_ACTOR).guardados
        == 6
    )
    # Listed by the payroll's own proposal as an asimilado, never silently as a worker.
    (marcado_asimilado,) = [
        p for p in services.nomina_consulta.proponer(CLI_ACTOR, PERIODO, CLIENTE.rfc) if p.asimilado
    ]
    assert (marcado_asimilado.curp, marcado_asimilado.nss) == (asimilado.curp, "")

    window = open_window(qtbot, services, ana, rfc, uuid)
    vistos: list[tuple[str, list[tuple[str, ...]], list[tuple[str, ...]]]] = []

    def agregar(dialog) -> None:
        vistos.append((dialog.instruccion.text(), celdas(dialog.model), celdas(dialog.fuera_model)))
        assert dialog.fuera.isVisible() and dialog.fuera_titulo.isVisible()
        assert dialog.fuera.accessibleName() == (
            "Trabajadores de los recibos que quedan fuera de la propuesta"
        )
        assert [marcado(dialog, r) for r in range(4)] == [True] * 4
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Tab)  # by keyboard: the list left out next
        assert dialog.focusWidget() is dialog.fuera
        click(qtbot, dialog.agregar)

    modals.handle(agregar)
    click(qtbot, window.trabajadores.recibos)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: modals.texts != [])
    ((instruccion, propuestos, fuera),) = vistos
    assert "4 trabajadores con recibos de nómina" in instruccion
    assert "2 trabajadores quedan fuera de la propuesta, abajo con el motivo." in instruccion
    assert sorted(f[1] for f in propuestos) == sorted(t.curp for t in gente[:4])
    por_curp = {f[1]: f for f in fuera}
    assert por_curp[asimilado.curp][4] == "asimilado a salarios: no cotiza al IMSS"
    assert por_curp[asimilado.curp][0] == ""
    assert por_curp[bajo.curp][3] == "150.00"
    assert por_curp[bajo.curp][4].startswith("El SBC de $150.00 es menor que el salario mínimo")
    assert modals.texts == ["Se agregaron 4 trabajadores al contrato desde los recibos de nómina."]
    svc = services.informativa_trabajadores
    assert {f.curp for f in svc.pagina(contrato, ana, 0, 10)} == {t.curp for t in gente[:4]}
    # Proposed again: the same two stay out, nobody is left to add.
    propuesta = svc.propuesta_de_recibos(contrato, ana)
    assert propuesta.nuevos == [] and len(propuesta.en_contrato) == 4
    assert sorted(f.propuesto.curp for f in propuesta.fuera) == sorted((bajo.curp, asimilado.curp))
    assert svc.agregar_de_recibos(contrato, ana, [bajo.curp, asimilado.curp]).agregados == 0


def test_without_receipts_for_the_client_it_says_so(qtbot, services, quien, modals, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(2, seed=92)
    importar(services, tmp_path / "otros", gente, [nc.CLIENTES[0], nc.CLIENTES[1]])
    window = open_window(qtbot, services, ana, rfc, uuid)
    click(qtbot, window.trabajadores.recibos)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: modals.texts != [])
    assert modals.texts[0].startswith(
        f"No hay recibos de nómina de {PERIODO.texto} que nombren al contratante {CLIENTE.rfc}"
    )
    assert services.informativa_trabajadores.contar(contrato, ana) == 0


def test_a_capturista_without_her_relation_is_refused(qtbot, services, quien, modals, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    importar(services, tmp_path / "junio", nc.trabajadores(2, seed=93), [CLIENTE.rfc] * 2)
    window = open_window(qtbot, services, ana, rfc, uuid)
    # The contratista ends Ana's relation while her window is open.
    (relacion,) = services.capturistas.pagina(rfc, 0, 10)
    services.capturistas.baja(rfc, relacion.id)
    click(qtbot, window.trabajadores.recibos)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: modals.texts != [])
    assert modals.texts == [f"No tienes una relación activa con el contratista {rfc}."]
    assert services.informativa_trabajadores.contar(contrato, rfc) == 0


def test_by_keyboard_unmarked_all_adds_nothing_and_esc_cancels(
    qtbot, services, quien, modals, tmp_path
):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(2, seed=94)
    importar(services, tmp_path / "junio", gente, [CLIENTE.rfc] * 2)
    svc = services.informativa_trabajadores
    dialog = ProponerRecibosDialog(services, ana, contrato, svc.propuesta_de_recibos(contrato, ana))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    letras = {b.text().partition("&")[2][:1].lower() for b in (dialog.agregar, dialog.cancelar)}
    assert len(letras) == 2 and "" not in letras
    assert dialog.focusWidget() is dialog.tabla and not dialog.ya.isVisible()
    for row in range(2):  # Space on each one's box unmarks it
        dialog.tabla.setCurrentIndex(dialog.model.index(row, 0))
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Space)
    assert dialog.marcados() == []
    qtbot.keyClick(dialog.tabla, Qt.Key.Key_Tab)  # the hidden list is skipped
    assert dialog.focusWidget() is dialog.agregar
    qtbot.keyClick(dialog.agregar, Qt.Key.Key_Space)
    assert modals.texts == ["Marca los trabajadores que quieres agregar."]
    assert dialog.isVisible() and svc.contar(contrato, ana) == 0
    qtbot.keyClick(dialog.tabla, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected
    assert svc.contar(contrato, ana) == 0


def test_when_the_contract_has_them_all_nothing_can_be_added(
    qtbot, services, quien, modals, tmp_path
):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(2, seed=95)
    svc = services.informativa_trabajadores
    tiene = [Trabajador(t.nss, t.curp, int(t.sbc * 100), t.nombre) for t in gente]
    assert svc.agregar_varios(contrato, ana, tiene).agregados == 2
    importar(services, tmp_path / "junio", gente, [CLIENTE.rfc] * 2)
    window = open_window(qtbot, services, ana, rfc, uuid)
    vistos: list[tuple[str, bool, int, int]] = []

    def ver(dialog) -> None:
        vistos.append(
            (
                dialog.instruccion.text(),
                dialog.agregar.isEnabled(),
                dialog.model.rowCount(),
                dialog.ya_model.rowCount(),
            )
        )
        assert dialog.focusWidget() is dialog.cancelar
        qtbot.keyClick(dialog.cancelar, Qt.Key.Key_Escape)

    modals.handle(ver)
    click(qtbot, window.trabajadores.recibos)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: vistos != [])
    ((texto, agregar, nuevos, ya),) = vistos
    assert texto.startswith(f"Los 2 trabajadores con recibos de nómina de {PERIODO.texto}")
    assert "ya están en el contrato: no hay a quién agregar." in texto
    assert (agregar, nuevos, ya) == (False, 0, 2)
    assert modals.texts == [] and svc.contar(contrato, ana) == 2


def test_a_workers_receipts_open_from_his_row_without_salaries(
    qtbot, services, quien, modals, tmp_path
):
    """*Ver recibos…* with one worker chosen: Recibos de nómina of the informativa's period,
    only his; the capturista sees no SBC and may neither import nor check salaries."""
    from icsoe_desktop.gui.nomina.recibos import RecibosNominaDialog

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(3, seed=93)
    services.informativa_trabajadores.agregar_varios(
        contrato, ana, [Trabajador(t.nss, t.curp, int(t.sbc * 100), t.nombre) for t in gente]
    )
    importar(services, tmp_path / "junio", gente, [CLIENTE.rfc] * 3)
    window = open_window(qtbot, services, ana, rfc, uuid)
    panel = window.trabajadores
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    assert panel.ver_recibos.isVisible() and not panel.ver_recibos.isEnabled()
    fila = next(r for r in range(3) if panel.model.fila(r).nss == gente[0].nss)
    rect = panel.tabla.visualRect(panel.model.index(fila, 0))
    qtbot.mouseClick(panel.tabla.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.ver_recibos.isEnabled()
    vistos: dict = {}

    def leer(dialog) -> None:
        assert isinstance(dialog, RecibosNominaDialog)
        vistos["periodo"] = dialog.periodo.currentText()
        vistos["trabajador"] = dialog.trabajador.text()
        vistos["celdas"] = celdas(dialog.model)
        vistos["resumen"] = dialog.resumen.text()
        vistos["botones"] = [
            b.isEnabled()
            for b in (dialog.importar_carpeta, dialog.importar_archivos, dialog.salarios)
        ]
        click(qtbot, dialog.cerrar)

    modals.handle(leer)
    click(qtbot, panel.ver_recibos)
    qtbot.waitUntil(lambda: "celdas" in vistos)
    assert modals.error is None
    assert vistos["periodo"] == PERIODO.texto and vistos["trabajador"] == gente[0].nss
    # His two weekly receipts (``importar`` gives the first worker a second week), no SBC.
    assert [(c[0], c[5]) for c in vistos["celdas"]] == [(gente[0].nss, "")] * 2
    assert vistos["resumen"].endswith("Sin importes: esta sesión no puede ver los salarios.")
    assert vistos["botones"] == [False, False, False]
