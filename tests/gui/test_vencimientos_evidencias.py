"""The clients' monthly evidence on ICSOE › Vencimientos: a client whose October evidence lacks
the IVA acuse is listed with its due day, red once past it; complete, it leaves the board."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.services.acceso.accounts import Registration
from tests import nomina_cfdi as nc
from tests.services.test_evidencias import (  # noqa: F401
    OCTUBRE,
    _pdf,
    _todos_menos,
    documento_del_mes,
    empresa,
)
from tests.services.test_vencimientos import ANA, PASSWORD


def test_the_evidence_not_complete_is_due_on_the_board(qtbot, empresa, tmp_path) -> None:  # noqa: F811
    empresa.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    _todos_menos(empresa, tmp_path, "acuse_iva")
    cliente = sorted(nc.CLIENTES)[0]
    empresa.evidencias.fijar_entrega(CLI_ACTOR, cliente, 25)
    tablero = empresa.vencimientos.tablero(ANA)
    vistos = [
        (e.contratante, e.mes, e.entrega, e.dias_restantes, e.faltan) for e in tablero.evidencias
    ]
    # The tests' clock: 22/11/2026. October's evidence was due on the 17th (the 25th for one).
    assert vistos == [
        (c, OCTUBRE, date(2026, 11, 17), -5, "Faltan 2") for c in sorted(nc.CLIENTES)[1:]
    ] + [(cliente, OCTUBRE, date(2026, 11, 25), 3, "Faltan 2")]
    board = VencimientosDialog(empresa, ANA)
    qtbot.addWidget(board)
    board.show()
    seccion = board.evidencias
    assert seccion.isVisible() and seccion.model.rowCount() == 3
    assert seccion.model.index(0, 6).data() == "Vencida hace 5 días"
    rojo = seccion.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(rojo, QBrush) and rojo.color() == colores.color(colores.ERROR, colores.BASE)
    assert seccion.model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    board.grab().save(str(tmp_path / "vencimientos_evidencias.png"))
    # The acuse attached and a registration does not exist here: one document still missing.
    acuse = _pdf(tmp_path, "acuse_iva.pdf", documento_del_mes("acuse_iva"))
    empresa.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 10), "acuse_iva", acuse)
    qtbot.waitUntil(lambda: seccion.model.index(0, 4).data() == "Falta 1")
    assert len(DOCUMENTOS) == 9
