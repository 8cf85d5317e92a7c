"""ICSOE › Evidencias del cliente: clients × months read from the receipts and the documents
attached, an incomplete month past its due day in red, and the client's due day set with the
keyboard (the board reads it again by itself); what the current cell lacks as text, and the
client-month's pack by keyboard (Cancelar, then written and its index opened)."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import QProgressDialog, QPushButton

from icsoe_desktop.domain.evidencias import DOCUMENTOS
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.evidencias.tablero import EvidenciasTableroDialog, resumen
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from tests import nomina_cfdi as nc
from tests.gui import teclas
from tests.gui.helpers import ENTER, click, pool_ocupado, wait_operations
from tests.gui.helpers import alt_de as responder_con
from tests.gui.test_solo_teclado import _Navegador, al_frente, alt_de, elegir_archivo, ir_a, tecla
from tests.services.test_evidencias import OCTUBRE, _pdf, documento_del_mes


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
            pdf = _pdf(tmp_path, f"{tipo}.pdf", documento_del_mes(tipo))
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
    board.grab().save(str(tmp_path / "evidencias_tablero.png"))
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


def test_what_is_missing_as_text_and_the_pack_by_keyboard(
    qtbot, services, data_dir, tmp_path, modals
) -> None:
    modals.solo_teclado = True  # every box answered by a key
    _empresa(services, data_dir, tmp_path)
    cliente = sorted(nc.CLIENTES)[0]
    board = EvidenciasTableroDialog(services, CLI_ACTOR)
    qtbot.addWidget(board)
    board.show()
    al_frente(qtbot, board)
    assert board.tabla.currentIndex().row() == 0  # the list has the keyboard, on the first
    tecla(Qt.Key.Key_End)  # its last month: October
    qtbot.waitUntil(lambda: "oct 2026" in board.faltan.toPlainText())
    texto = board.faltan.toPlainText()
    assert texto.startswith(cliente) and "oct 2026: entrega el 17/11/2026 (ya pasó)." in texto
    assert texto.endswith("Faltan 2:\n• Acuse de la declaración de IVA\n• Registro REPSE")
    tecla(Qt.Key.Key_Left)  # September: no receipt names it
    qtbot.waitUntil(lambda: "sep 2026" in board.faltan.toPlainText())
    assert board.faltan.toPlainText().startswith(
        f"{cliente}, sep 2026: sin recibos de nómina que lo nombren."
    )
    tecla(Qt.Key.Key_Right)
    assert "oct 2026" in board.faltan.toPlainText()  # read once: told at once
    ir_a(board, board.faltan)  # the text itself, by its letter
    board.grab().save(str(tmp_path / "evidencias_faltan.png"))

    # Paquete… of October: the folder typed in the chooser; Cancelar (Space) on its progress bar
    # before it starts writes nothing.
    carpeta = tmp_path / "paquetes"
    carpeta.mkdir()
    paquete = carpeta / f"evidencia_{nc.RFC_EMPRESA}_{cliente}_202610.zip"
    modals.handle(elegir_archivo(carpeta))
    modals.answer(ENTER)  # «Se canceló…»
    with pool_ocupado(qtbot):
        alt_de(board.paquete)
        qtbot.waitUntil(lambda: any(d.isVisible() for d in board.findChildren(QProgressDialog)))
        (barra,) = [d for d in board.findChildren(QProgressDialog) if d.isVisible()]
        (cancelar,) = [b for b in barra.findChildren(QPushButton) if b.text() == "Cancelar"]
        teclas.pulsar(cancelar, Qt.Key.Key_Space)
    wait_operations(qtbot)
    assert modals.texts == ["Se canceló: no se escribió el paquete."]
    assert list(carpeta.iterdir()) == []
    al_frente(qtbot, board)

    # Again, to the end: the box's «Abrir índice» by its letter opens the pack's own index.
    abiertas: list[str] = []
    navegador = _Navegador(abiertas)
    QDesktopServices.setUrlHandler("file", navegador, "abrir")
    try:
        modals.handle(elegir_archivo(carpeta))
        modals.answer(responder_con("Abrir índice"))
        alt_de(board.paquete)
        qtbot.waitUntil(lambda: abiertas != [], timeout=30_000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    wait_operations(qtbot)
    assert board.ultimo_paquete == paquete
    assert f"«{paquete.name}»" in modals.texts[-1]
    indice = carpeta / f"{paquete.stem}_indice.xlsx"
    assert abiertas == [QUrl.fromLocalFile(str(indice)).toString()]
    with zipfile.ZipFile(paquete) as zf:
        assert zf.read("indice.xlsx") == indice.read_bytes()
        assert sum(n.endswith(".xml") for n in zf.namelist()) > 0


@pytest.mark.slow
def test_what_the_command_line_attaches_beside_the_open_app_shows_without_a_click(
    qtbot, services, data_dir, tmp_path
) -> None:
    """The IVA acuse attached by `evidencias adjuntar` (a process of its own, beside the open
    board): the board's October cells go from «Faltan 2» to «Falta 1» by themselves."""
    from icsoe_desktop.gui.kit.notificador import MIRAR
    from tests.services.test_repse import registro_pdf
    from tests.test_cli_movimientos import cli

    _empresa(services, data_dir, tmp_path)
    board = EvidenciasTableroDialog(services, CLI_ACTOR)
    qtbot.addWidget(board)
    board.show()
    model, ultima = board.model, board.model.columnCount() - 1
    assert {model.index(r, ultima).data() for r in range(3)} == {"Faltan 2"}
    acuse = tmp_path / "acuse_iva.pdf"
    acuse.write_bytes(registro_pdf(documento_del_mes("acuse_iva")))
    hecho = cli(data_dir, "evidencias", "adjuntar", "--mes", "2026-10", "--tipo", "acuse_iva",
                "--archivo", acuse)  # fmt: skip
    assert hecho.returncode == 0, hecho.stderr
    qtbot.waitUntil(
        lambda: {model.index(r, ultima).data() for r in range(3)} == {"Falta 1"},
        timeout=5 * MIRAR,
    )


def test_a_client_captured_without_receipts_owes_nothing_in_lo_que_falta() -> None:
    """The cell of a captured client no receipt of the month names says «Sin recibos»; what
    the month lacks says the same, not a list of documents it would not owe."""
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.gui.evidencias.tablero import texto_faltan
    from icsoe_desktop.services.evidencias.servicio import EstadoCliente

    estado = EstadoCliente(
        "SIN010101AA1", "Sin Recibos SA", 0, 0, dict.fromkeys(DOCUMENTOS), None, date(2026, 11, 17)
    )
    texto = texto_faltan("SIN010101AA1", Mes(2026, 10), estado, date(2026, 11, 22))
    assert texto.startswith("SIN010101AA1, oct 2026: sin recibos de nómina que lo nombren.")
    assert "Falta" not in texto
