"""ICSOE › Recibos de nómina: a cuatrimestre's receipts listed, filtered by client, imported from
the window in the background with its summary and each refusal told; a sólo consulta session
sees no salaries and may not import."""

from __future__ import annotations

from datetime import date

import pytest

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
        _elegir(dialog, "enero–abril 2026")
        assert dialog.resumen.text() == "No hay recibos de enero–abril 2026."
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
