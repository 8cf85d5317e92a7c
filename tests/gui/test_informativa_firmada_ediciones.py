"""After signing, a clerk edits the contratante and the contratista its datos generales in their
windows: each is saved, and the window says, as information, that the signed informativa does
not change (its export and acuse stay as signed: tests/services/test_informativa_firma.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from icsoe_desktop.gui.icsoe.datos_generales import MSG_GUARDADO, IcsoeDatosGeneralesPage
from icsoe_desktop.gui.informativa.contratante import ContratanteDialog
from icsoe_desktop.gui.informativa.contrato import ContratoDialog
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import CLIENTE, PERIODO, contrato_con_trabajadores

NOTA = "también {} en 1 informativa firmada, que no cambia: el cambio sólo se aplica a las "
NOTA += "informativas que aún no se firman."


def _firmada(services, data_dir, tmp_path) -> tuple[str, str, str]:
    """The contratista, its signed informativa and the contratante of its contract."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, rfc, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, rfc, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    return rfc, uuid, services.informativas.contrato(contrato, rfc).contratante


def test_editing_a_contratante_of_a_signed_informativa_says_it_does_not_change(
    qtbot, services, data_dir, tmp_path, modals
):
    rfc, uuid, contratante = _firmada(services, data_dir, tmp_path)
    firmada = services.informativas.informativa(uuid, rfc)
    dialog = ContratanteDialog(services, rfc, rfc, contratante)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.nombre.clear()
    type_text(qtbot, dialog.nombre, "Cliente Renombrado, S.A.")
    dialog.calle.clear()
    type_text(qtbot, dialog.calle, "Insurgentes Sur")
    click(qtbot, dialog.guardar)

    (visto,) = modals.messages
    assert visto.text == "Este contratante " + NOTA.format("está")
    assert visto.icon == QMessageBox.Icon.Information
    assert dialog.result() == dialog.DialogCode.Accepted
    (fila,) = services.informativas.contratantes(rfc, rfc)
    assert fila.parte.domicilio.calle == "Insurgentes Sur"
    assert services.informativas.informativa(uuid, rfc) == firmada

    # The signed contract, opened again, names its contratante as signed.
    (contrato,) = firmada.contratos
    abierto = ContratoDialog(services, rfc, rfc, uuid, contrato.uuid)
    qtbot.addWidget(abierto)
    abierto.show()
    assert abierto.solo_lectura
    assert abierto.contratante.currentText() == f"{CLIENTE.rfc} — {CLIENTE.nombre}"


def test_saving_datos_generales_used_by_a_signed_informativa_says_it_does_not_change(
    qtbot, services, data_dir, tmp_path, modals
):
    rfc, uuid, _ = _firmada(services, data_dir, tmp_path)
    firmada = services.informativas.informativa(uuid, rfc)
    page = IcsoeDatosGeneralesPage(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(page)
    page.show()
    type_text(qtbot, page.telefono_fijo, "5599887766")
    click(qtbot, page.guardar)

    (visto,) = modals.messages
    assert visto.text == f"{MSG_GUARDADO}\n\nLos datos generales " + NOTA.format("están")
    assert visto.icon == QMessageBox.Icon.Information
    assert services.contratistas.datos_generales(rfc).telefono_fijo == "5599887766"
    assert services.informativas.informativa(uuid, rfc) == firmada

    # Saved again with nothing changed: «guardados» alone.
    click(qtbot, page.guardar)
    assert modals.texts[-1] == MSG_GUARDADO
