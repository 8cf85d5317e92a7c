"""ICSOE › Evidencias del cliente: clients × months read from the receipts and the documents
attached, an incomplete month past its due day in red, and the client's due day set with the
keyboard (the board reads it again by itself)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from icsoe_desktop.domain.evidencias import DOCUMENTOS
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.evidencias.tablero import EvidenciasTableroDialog, resumen
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from tests import nomina_cfdi as nc
from tests.gui.helpers import click
from tests.services.test_evidencias import OCTUBRE, _pdf


def _empresa(services, data_dir, tmp_path) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(6, seed=5), nc.semanas(date(2026, 10, 5), 3))
    )
    services.nomina.importar([nc.escribir(tmp_path / "oct", recibos)], CLI_ACTOR)
    for tipo in DOCUMENTOS:
        if tipo != "acuse_iva":
            pdf = _pdf(tmp_path, f"{tipo}.pdf", tipo)
            services.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, tipo, pdf)


def test_the_board_of_clients_by_month(qtbot, services, data_dir, tmp_path) -> None:
    _empresa(services, data_dir, tmp_path)
    board = EvidenciasTableroDialog(services, CLI_ACTOR)
    qtbot.addWidget(board)
    board.show()
    model = board.model
    assert board.mes.currentText() == "oct 2026"  # the tests' clock: 22/11/2026
    assert model.headers[:3] == ("Cliente RFC", "Cliente", "Entrega")
    assert model.headers[3] == "nov 2025" and model.headers[-1] == "oct 2026"
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == sorted(nc.CLIENTES)
    ultima = model.columnCount() - 1
    # October lacks the IVA acuse and the REPSE registration: due on 17/11/2026, past.
    assert {model.index(r, ultima).data() for r in range(3)} == {"Faltan 2"}
    rojo = model.index(0, ultima).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(rojo, QBrush) and rojo.color() == colores.color(colores.ERROR, colores.BASE)
    assert model.index(0, ultima - 1).data() == "Sin recibos"
    assert "Entrega: 17/11/2026" in model.index(0, ultima).data(Qt.ItemDataRole.ToolTipRole)
    board.grab().save("/tmp/evidencias_tablero.png")
    # The summary says what the cells say: a month «Sin recibos» owes nothing.
    assert board.resumen.text() == (
        "3 clientes en oct 2026: 3 clientes sin la evidencia completa. En rojo, los meses ya "
        "vencidos."
    )
    # The same clients a month earlier, every cell «Sin recibos»: none counted incomplete.
    septiembre = [replace(f, celdas=f.celdas[:-1]) for f in model.rows]
    assert {f.celdas[-1].texto for f in septiembre} == {"Sin recibos"}
    assert resumen(septiembre, "sep 2026") == (
        "3 clientes en sep 2026: 0 clientes sin la evidencia completa; 3 clientes sin recibos "
        "(nada que entregar). En rojo, los meses ya vencidos."
    )

    # The first client's portal asks on the 25th: chosen with the arrows, typed, saved.
    board.tabla.setFocus()
    qtbot.keyClick(board.tabla, Qt.Key.Key_Down)
    qtbot.keyClick(board.tabla, Qt.Key.Key_Up)
    assert board.tabla.currentIndex().row() == 0
    board.dia.setFocus()
    board.dia.lineEdit().selectAll()
    qtbot.keyClicks(board.dia, "25")
    click(qtbot, board.guardar_dia)
    qtbot.waitUntil(lambda: model.index(0, 2).data() == "día 25")
    assert "Entrega: 25/11/2026" in model.index(0, ultima).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, ultima).data(Qt.ItemDataRole.ForegroundRole) is None  # not due yet
    estado = {e.contratante: e for e in services.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert estado[sorted(nc.CLIENTES)[0]].entrega == date(2026, 11, 25)


def test_the_icsoe_menu_opens_it(qtbot, services, modals) -> None:
    window = VentanaPrincipal(services, CLI_ACTOR)
    qtbot.addWidget(window)
    window.show()
    seen: dict = {}

    def look(dialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["resumen"] = dialog.resumen.text()
        click(qtbot, dialog.cerrar)

    modals.handle(look)
    window.evidencias_action.trigger()
    assert seen["title"] == "Evidencias del cliente"
    assert seen["resumen"].startswith("Sin clientes")
