"""ICSOE › Vencimientos with the SISUB: under the informativas, each contratista's SISUB still
to file with the INFONAVIT's deadline, past due in red; a period filed leaves it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.services.acceso.accounts import Registration
from tests.conftest import services_copying
from tests.informativa_servicios import capturista_una_vez
from tests.sisub_datos import completar

ADMIN = "admin@despacho.mx"


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    clave = "Nom1na$Segura"
    services.accounts.register(Registration("Ada", "Ruiz", "", ADMIN, clave, clave, True))
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def test_the_board_shows_the_sisub_to_file(tmp_path, qtbot, services, quien) -> None:
    rfc, ana = quien
    uuid = services.sisub.preparar(rfc, ana, "2026-2").uuid
    board = VencimientosDialog(services, ADMIN)
    qtbot.addWidget(board)
    board.show()
    seccion = board.sisub
    assert seccion.isVisible()
    model = seccion.model
    filas = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert [f[1:] for f in filas] == [
        [rfc, "EMPRESA DEMO SA DE CV", "mayo–agosto 2026", "En preparación", "17/09/2026",
         "Vencida hace 66 días"],
        [rfc, "EMPRESA DEMO SA DE CV", "septiembre–diciembre 2026", "Sin preparar", "18/01/2027",
         "Faltan 57 días"],
    ]  # fmt: skip
    rojo = colores.color(colores.ERROR, colores.BASE)
    primera = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(primera, QBrush) and primera.color() == rojo
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "1 vencido" in seccion.titulo.text()
    # 2027's list is not carried: the January deadline is the law's, and the board says it.
    assert (
        "No está cargada la lista de días inhábiles del INFONAVIT de 2027: la fecha límite se "
        "calcula con los días de descanso de la Ley Federal del Trabajo."
    ) in seccion.titulo.text()
    board.grab().save(str(tmp_path / "vencimientos_sisub.png"))
    # Filed elsewhere (the command line): the board reads it again on its own.
    completar(services, uuid, rfc)  # what Revisar asks before a filing
    services.sisub_presentacion.registrar(
        uuid, rfc, acuse_infonavit_pdf(rfc=rfc), "acuse.pdf", "SISUB-2026-0001234"
    )
    qtbot.waitUntil(lambda: model.rowCount() == 1)


def test_the_list_of_2027_received_moves_the_deadline_and_the_note_goes(
    qtbot, services, quien, data_dir
) -> None:
    from datetime import date

    from icsoe_desktop.services.sisub import inhabiles

    # IT loads 2027 on the server (the 18th of January a holiday of its own) and the sync
    # keeps it: the board counts by it and says nothing of the law's days.
    inhabiles.guardar(data_dir / inhabiles.ARCHIVO, {2027: frozenset({date(2027, 1, 18)})})
    board = VencimientosDialog(services, ADMIN)
    qtbot.addWidget(board)
    board.show()
    model = board.sisub.model
    fechas = [model.index(r, 5).data() for r in range(model.rowCount())]
    assert fechas == ["17/09/2026", "19/01/2027"]
    assert "No está cargada" not in board.sisub.titulo.text()
