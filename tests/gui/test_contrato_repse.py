"""The contract form of a contratista whose REPSE registration is recorded: the service is
chosen from the authorised ones with the keyboard (description and folio come from the
registration), a contract that runs past the registration's end is warned as its date is
typed, and one saved with a service not authorised is refused with the chooser focused."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.gui.informativa.contrato import ContratoDialog
from icsoe_desktop.services.informativa.repse import Pdf
from tests.conftest import services_copying
from tests.gui.helpers import click, type_text
from tests.gui.test_informativa_dialogos import contratante, shown
from tests.informativa_servicios import contratista_una_vez
from tests.services.test_repse import LIMPIEZA, MANTENIMIENTO, constancia_repse


@pytest.fixture(scope="module")
def _rfc_una_vez(tmp_path_factory):
    return contratista_una_vez(tmp_path_factory)


services = services_copying(rfc="_rfc_una_vez")


@pytest.fixture
def rfc(_rfc_una_vez, services) -> str:
    return _rfc_una_vez[1]


@pytest.fixture
def informativa(services, rfc) -> str:
    return services.informativas.crear(rfc, rfc, Periodo(2026, 3))


@pytest.fixture
def registrado(services, rfc) -> str:
    services.repse.registrar(
        rfc,
        rfc,
        "AR12345/2024",
        date(2024, 3, 15),
        [LIMPIEZA, MANTENIMIENTO],
        Pdf(constancia_repse(rfc, "AR12345/2024"), "registro.pdf"),
    )
    return rfc


def test_the_service_is_chosen_from_the_registration(
    tmp_path,
    qtbot,
    services,
    registrado,
    informativa,
    modals,
) -> None:
    uuid_contratante = contratante(services, registrado)
    dialog = shown(qtbot, ContratoDialog(services, registrado, registrado, informativa, None))
    dialog.contratante.setCurrentIndex(dialog.contratante.findData(uuid_contratante))
    assert dialog.servicio.isVisible()
    assert [dialog.servicio.itemText(i) for i in range(dialog.servicio.count())][1:] == [
        LIMPIEZA,
        MANTENIMIENTO,
    ]
    assert dialog.descripcion.isReadOnly() and dialog.folio_repse.isReadOnly()
    dialog.servicio.setFocus()
    qtbot.keyClick(dialog.servicio, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.servicio, Qt.Key.Key_Down)
    assert dialog.descripcion.text() == MANTENIMIENTO
    assert dialog.folio_repse.text() == "AR12345/2024"

    assert not dialog.aviso_repse.isVisible() or "fecha final" in dialog.aviso_repse.text()
    type_text(qtbot, dialog.fecha_inicial.edit, "15/09/2026")
    type_text(qtbot, dialog.fecha_final.edit, "31/12/2027")
    assert dialog.aviso_repse.isVisible()
    assert "15/03/2027" in dialog.aviso_repse.text() and "31/12/2027" in dialog.aviso_repse.text()
    dialog.grab().save(str(tmp_path / "contrato_repse.png"))
    dialog.fecha_final.edit.clear()
    type_text(qtbot, dialog.fecha_final.edit, "01/03/2027")
    assert not dialog.aviso_repse.isVisible()

    click(qtbot, dialog.guardar)
    datos = services.informativas.contrato(dialog.contrato_uuid, registrado)
    assert (datos.folio_repse, datos.descripcion_servicio) == ("AR12345/2024", MANTENIMIENTO)
    reabierto = shown(
        qtbot, ContratoDialog(services, registrado, registrado, informativa, dialog.contrato_uuid)
    )
    assert reabierto.servicio.currentText() == MANTENIMIENTO
    assert not reabierto.cambios()


def test_a_service_no_longer_authorised_is_refused_with_the_chooser_focused(
    qtbot,
    services,
    rfc,
    informativa,
    modals,
) -> None:
    from icsoe_desktop.services.informativa.captura import ContratoDatos

    uuid_contratante = contratante(services, rfc)
    viejo = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(uuid_contratante, "Vigilancia", "1/2020", "Vigilancia")
    )
    services.repse.registrar(rfc, rfc, "AR1/2024", date(2024, 3, 15), [LIMPIEZA])
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, viejo))
    assert dialog.servicio.currentIndex() == 0  # «Elige…»: not one of them
    assert dialog.descripcion.text() == "Vigilancia"
    click(qtbot, dialog.guardar)
    assert "no está entre los autorizados en el registro REPSE AR1/2024" in modals.texts[-1]
    assert dialog.isVisible() and dialog.focusWidget() is dialog.servicio


def test_without_a_registration_nothing_changes(qtbot, services, rfc, informativa) -> None:
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, None))
    assert not dialog.servicio.isVisible() and not dialog.aviso_repse.isVisible()
    assert not dialog.descripcion.isReadOnly() and not dialog.folio_repse.isReadOnly()
