"""The Lineamientos' rules in the informativa's windows: a typed NSS proposes the SBC its
movimientos registered in the period, Revisar warns (without blocking) where a worker's SBC
differs, a contratante marked as a foreign firm without a permanent establishment, and the
deadline's last minute on the board."""

from __future__ import annotations

import pytest

from icsoe_desktop.gui.informativa.contratante import EXTRANJERO, ContratanteDialog
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from icsoe_desktop.services.informativa.captura import texto_dias
from tests.conftest import services_copying
from tests.gui.helpers import click, type_text, wait_operations
from tests.informativa_servicios import (
    PERIODO,
    capturista_una_vez,
    contrato_con_trabajadores,
    movimientos_con_sbc,
)
from tests.services.movimientos_data import CURPS, nss


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    """The contratista and Ana, its active capturista, on this test's own copy of the store."""
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def test_a_typed_nss_proposes_its_sbc_and_revisar_warns_where_one_differs(
    qtbot, services, quien, modals, tmp_path
):
    rfc, ana = quien
    movimientos_con_sbc(services, tmp_path)  # nss(7): 500.00 in mayo–agosto, 550.00 in September
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=1)
    window = InformativaWindow(services, ana, rfc, uuid, False)
    qtbot.addWidget(window)
    window.show()
    panel = window.trabajadores

    type_text(qtbot, panel.nss, nss(7))
    assert panel.sbc.text() == "500.00"
    assert "último SBC registrado" in panel.sbc.toolTip()
    panel.nss.clear()
    type_text(qtbot, panel.nss, nss(2))  # another NSS: its own SBC replaces the proposal
    assert panel.sbc.text() == "522.88"
    panel.nss.clear()
    type_text(qtbot, panel.nss, nss(4))  # a baja without SBC: nothing proposed
    assert panel.sbc.text() == ""
    type_text(qtbot, panel.sbc, "600")
    panel.nss.clear()
    type_text(qtbot, panel.nss, nss(7))  # what the clerk typed stays
    assert panel.sbc.text() == "600"
    type_text(qtbot, panel.curp, CURPS[2])
    click(qtbot, panel.agregar)
    assert panel.model.total == 2 and panel.sbc.text() == ""

    click(qtbot, window.revisar)
    wait_operations(qtbot)
    assert modals.texts[-1] == (
        "Sin inconsistencias: la informativa está lista para firma. Revisa los avisos: 1 aviso."
    )
    (item,) = [window.problemas.item(i).text() for i in range(window.problemas.count())]
    assert item.startswith("Aviso: Contrato con Cliente Uno, S.A. de C.V.")
    assert "es $600.00 y el último registrado en los movimientos del periodo es $500.00" in item
    assert window.problemas_label.text().startswith("Sin inconsistencias")
    assert window.estado_label.text() == "<b>Lista para firma</b>"
    window.grab().save(str(tmp_path / "informativa_aviso_sbc.png"))


def test_a_contratante_marked_as_foreign_without_establishment(qtbot, services, quien, tmp_path):
    rfc, ana = quien
    dialog = ContratanteDialog(services, ana, rfc, None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.extranjero.text().replace("&", "") == EXTRANJERO
    assert not dialog.extranjero.isChecked()
    type_text(qtbot, dialog.rfc, "XEXX010101000")
    type_text(qtbot, dialog.nombre, "Overseas Services LLC")
    click(qtbot, dialog.extranjero)
    dialog.grab().save(str(tmp_path / "contratante_extranjero.png"))
    click(qtbot, dialog.guardar)
    (fila,) = services.informativas.contratantes(rfc, ana)
    assert fila.extranjero and fila.uuid == dialog.contratante_uuid

    reopened = ContratanteDialog(services, ana, rfc, fila.uuid)
    qtbot.addWidget(reopened)
    reopened.show()
    assert reopened.extranjero.isChecked() and not reopened.cambios()
    click(qtbot, reopened.extranjero)
    assert reopened.cambios()  # unticking it is a change to save


def test_the_board_says_the_deadline_ends_at_2359_central_time() -> None:
    assert texto_dias(0) == "Vence hoy a las 23:59, hora del centro"
    assert texto_dias(-1) == "Vencida hace 1 día"
    assert texto_dias(3) == "Faltan 3 días"


def test_nueva_informativa_says_what_a_correccion_and_an_actualizacion_are(qtbot, services, quien):
    from icsoe_desktop.domain.informativa.modelo import ACTUALIZACION, CORRECCION, NORMAL
    from icsoe_desktop.gui.informativa.nueva import NuevaInformativaDialog

    rfc, ana = quien
    dialog = NuevaInformativaDialog(services, ana, rfc)
    qtbot.addWidget(dialog)
    dialog.show()
    notas = {}
    for tipo in (CORRECCION, ACTUALIZACION, NORMAL):
        dialog.tipo_combo.setCurrentIndex(dialog.tipo_combo.findData(tipo))
        notas[tipo] = dialog.nota.text()
    assert "se crea con una copia de todos sus contratos y trabajadores" in notas[CORRECCION]
    assert "sólo en mayo, septiembre o enero, por el cuatrimestre anterior" in notas[ACTUALIZACION]
    assert notas[NORMAL] == ""
