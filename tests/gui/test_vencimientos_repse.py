"""ICSOE › Vencimientos with REPSE registrations: under the informativas, the registration to
renew and the lapsed one (in red, as a past-due informativa), hidden when there is none."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
from icsoe_desktop.gui.kit import colores
from tests import credentials_factory as cf
from tests.conftest import made_once, services_copying
from tests.services.test_vencimientos import ANA, RFC_OTRO
from tests.services.test_vencimientos_repse import registros_en_dos_empresas


@pytest.fixture(scope="module")
def _registros_una_vez(tmp_path_factory):
    return made_once(tmp_path_factory, registros_en_dos_empresas)


services = services_copying(registros="_registros_una_vez")


@pytest.fixture
def registros(_registros_una_vez, services) -> None:
    """Two empresas, a registration to renew in the first and a lapsed one in the second."""


def test_the_board_shows_the_renewal_window_and_the_lapsed_in_red(
    qtbot, services, registros, tmp_path
) -> None:
    board = VencimientosDialog(services, ANA)
    qtbot.addWidget(board)
    board.show()
    seccion = board.repse
    assert seccion.isVisible()
    model = seccion.model
    filas = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert filas == [
        ["Bodegas Dos SA de CV", RFC_OTRO, "SERVICIOS DOS SA DE CV", "AR200/2023", "Vencido",
         "01/03/2026", "31/05/2026", "01/06/2026", "Vencido hace 174 días"],
        ["Abarrotes Uno SA de CV", cf.RFC_MORAL, "EMPRESA DEMO SA DE CV", "AR100/2024",
         "Renovación por solicitar", "01/10/2026", "31/12/2026", "10/01/2027", "Faltan 49 días"],
    ]  # fmt: skip
    rojo = colores.color(colores.ERROR, colores.BASE)
    colores_filas = [model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole) for r in range(2)]
    assert isinstance(colores_filas[0], QBrush) and colores_filas[0].color() == rojo
    assert colores_filas[1] is None
    assert "1 vencido" in seccion.titulo.text()
    board.grab().save(str(tmp_path / "vencimientos_repse.png"))

    # Renewed: the lapsed one stays; the other leaves the board once Actualizar reads it.
    services.repse.solicitar_renovacion(cf.RFC_MORAL, ANA, date(2026, 11, 20), "SOL-1")
    qtbot.waitUntil(lambda: "SOL-1" in (model.index(1, 4).data() or ""))


def test_without_registrations_the_part_is_hidden(qtbot, services) -> None:
    board = VencimientosDialog(services, None)
    qtbot.addWidget(board)
    board.show()
    assert not board.repse.isVisible()


def test_a_renewal_window_closed_unasked_is_red_and_counted(
    qtbot, services, registros, clock
) -> None:
    """On 05/01/2027 the first empresa's registration (renewal from 01/10 to 31/12/2026) can
    no longer be renewed: red, as the lapsed one, and the title counts both."""
    clock.now = datetime(2027, 1, 5, 12, 0)
    board = VencimientosDialog(services, ANA)
    qtbot.addWidget(board)
    board.show()
    model = board.repse.model
    estados = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert estados == ["Vencido", "Plazo de renovación vencido"]
    rojo = colores.color(colores.ERROR, colores.BASE)
    assert all(
        model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole).color() == rojo for r in range(2)
    )
    assert "1 plazo de renovación vencido y 1 vencido" in board.repse.titulo.text()
