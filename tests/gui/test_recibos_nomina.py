"""ICSOE › Recibos de nómina: a cuatrimestre's receipts listed, filtered by client, imported from
the window in the background with its summary and each refusal told; a sólo consulta session
sees no salaries and may not import."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.nomina.recibos import RecibosNominaDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from tests import nomina_cfdi as nc
from tests.gui.helpers import click

ADMIN = "admin@nominas.com"
PASSWORD = "Nom1na$Segura"


@pytest.fixture
def empresa(services, data_dir):
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", ADMIN)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    return services


def _celdas(dialog: RecibosNominaDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _elegir(dialog: RecibosNominaDialog, texto: str) -> None:
    dialog.periodo.setCurrentIndex(dialog.periodo.findText(texto))


def test_imported_from_the_window_listed_and_each_refusal_told(qtbot, empresa, modals, tmp_path):
    gente = nc.trabajadores(3, seed=51)
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 3, 2), 1), seed=5))
    carpeta = nc.escribir(tmp_path / "nomina", recibos)
    (carpeta / "roto.xml").write_bytes(b"<cfdi:Comprobante")
    window = VentanaPrincipal(empresa, ADMIN)
    qtbot.addWidget(window)
    window.show()
    icsoe = next(a.menu() for a in window.menuBar().actions() if a.text() == "&ICSOE")
    assert window.recibos_nomina_action in icsoe.actions()
    vistos: dict = {}

    def usar(dialog) -> None:
        assert isinstance(dialog, RecibosNominaDialog)
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(dialog.periodo, Qt.Key.Key_End)  # the oldest period listed
        vistos["antes"] = dialog.resumen.text()
        dialog.importar([carpeta])
        qtbot.waitUntil(lambda: dialog.ultimo_reporte is not None, timeout=30_000)
        vistos["celdas"] = _celdas(dialog)
        vistos["resumen"] = dialog.resumen.text()
        dialog.cliente.setText(nc.CLIENTES[0].lower())
        click(qtbot, dialog.buscar)
        vistos["del_cliente"] = _celdas(dialog)
        click(qtbot, dialog.cerrar)

    modals.handle(usar)
    window.recibos_nomina_action.trigger()
    assert modals.error is None
    aviso = modals.texts[-1]
    assert aviso.startswith("4 recibos leídos, 3 verificados, 3 guardados")
    assert "• roto.xml: No es un XML bien formado" in aviso
    # The window moved to the period imported, not the empty one it showed.
    assert vistos["antes"].startswith("No hay recibos de ") and "2026" not in vistos["antes"]
    assert vistos["resumen"] == "3 recibos de enero–abril 2026, de 3 trabajadores."
    assert sorted(c[0] for c in vistos["celdas"]) == sorted(t.nss for t in gente)
    assert {c[3] for c in vistos["celdas"]} == {"02/03/2026 – 08/03/2026"}
    assert {c[5] for c in vistos["celdas"]} == {f"{t.sbc:,.2f}" for t in gente}
    assert vistos["del_cliente"] and all(nc.CLIENTES[0] in c[6] for c in vistos["del_cliente"])
    assert len(vistos["del_cliente"]) < len(vistos["celdas"]) or all(
        nc.CLIENTES[0] in c[6] for c in vistos["celdas"]
    )


def test_a_guest_sees_the_receipts_without_salaries_and_may_not_import(qtbot, empresa, tmp_path):
    gente = nc.trabajadores(2, seed=52)
    carpeta = nc.escribir(
        tmp_path / "n", nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 3, 2), 1))
    )
    empresa.nomina.importar([carpeta], CLI_ACTOR)
    dialog = RecibosNominaDialog(empresa, None)
    qtbot.addWidget(dialog)
    _elegir(dialog, "enero–abril 2026")
    celdas = _celdas(dialog)
    assert len(celdas) == 2 and {c[5] for c in celdas} == {""}
    assert "Sin importes" in dialog.resumen.text()
    assert not dialog.importar_carpeta.isEnabled() and not dialog.importar_archivos.isEnabled()
    assert "importar recibos de nómina (CFDI)" in dialog.importar_carpeta.toolTip()
    assert not dialog.salarios.isEnabled()  # the salary check shows salaries


def test_one_workers_receipts_and_the_salaries_not_filed_with_idse(
    qtbot, empresa, modals, tmp_path
):
    """The worker box keeps one worker's receipts; *Salarios no avisados…* lists the worker
    whose receipt's SBC (520.00) is not the 500.00 his movimientos registered in time, and
    not the one whose receipt says what IDSE has (tests/services/test_nomina_importar.py)."""
    from dataclasses import replace
    from decimal import Decimal

    from icsoe_desktop.gui.nomina.salarios import SalariosNoAvisadosDialog
    from tests.informativa_servicios import movimientos_con_sbc
    from tests.services.movimientos_data import nss

    movimientos_con_sbc(empresa, tmp_path)
    maria, luis, otro = nc.trabajadores(3, seed=61)
    maria = replace(maria, nss=nss(7), sbc=Decimal("520.00"))
    luis = replace(luis, nss=nss(1), sbc=Decimal("651.84"))
    semanas = (nc.Periodo.semana(date(2026, 6, 8)), nc.Periodo.semana(date(2026, 6, 15)))
    recibos = [
        (f"{t.curp}-{n}.xml", nc.recibo(nc.Emisor(), t, semana))
        for n, semana in enumerate(semanas)
        for t in (maria, luis, otro)
    ]
    assert empresa.nomina.importar([nc.escribir(tmp_path / "junio", recibos)], CLI_ACTOR)
    dialog = RecibosNominaDialog(empresa, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    _elegir(dialog, "mayo–agosto 2026")
    assert len(_celdas(dialog)) == 6
    qtbot.keyClicks(dialog.trabajador, maria.curp.lower())
    qtbot.keyClick(dialog.trabajador, Qt.Key.Key_Return)  # Buscar is the default button
    assert [(c[0], c[5]) for c in _celdas(dialog)] == [(maria.nss, "520.00")] * 2
    assert dialog.resumen.text() == (
        f"2 recibos de «{maria.curp.lower()}» de mayo–agosto 2026, de 1 trabajador."
    )
    dialog.trabajador.clear()
    qtbot.keyClicks(dialog.trabajador, luis.nombre.lower())
    click(qtbot, dialog.buscar)
    assert {c[2] for c in _celdas(dialog)} == {luis.nombre}

    vistos: dict = {}

    def leer(salarios) -> None:
        assert isinstance(salarios, SalariosNoAvisadosDialog)
        vistos["celdas"] = _celdas(salarios)
        vistos["texto"] = salarios.instruccion.text()
        vistos["titulo"] = salarios.windowTitle()
        salarios.grab().save(str(tmp_path / "salarios.png"))
        click(qtbot, salarios.cerrar)

    modals.handle(leer)
    click(qtbot, dialog.salarios)
    qtbot.waitUntil(lambda: "celdas" in vistos, timeout=20_000)
    assert modals.error is None
    assert vistos["celdas"] == [
        [maria.nss, maria.curp, maria.nombre, "15/06/2026", "22/06/2026", "520.00", "500.00"]
    ]
    assert vistos["titulo"] == "Salarios no avisados: mayo–agosto 2026"
    assert vistos["texto"].startswith(
        "1 trabajador de mayo–agosto 2026 con una posible modificación salarial no avisada"
    )

    # A period whose receipts agree with IDSE: it says so instead of an empty list.
    _elegir(dialog, "enero–abril 2026")
    modals.texts.clear()
    click(qtbot, dialog.salarios)
    qtbot.waitUntil(lambda: modals.texts != [], timeout=20_000)
    assert modals.texts[-1].startswith("En enero–abril 2026, el SBC del último recibo")
