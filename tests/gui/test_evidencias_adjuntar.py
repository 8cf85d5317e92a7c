"""Evidencias del cliente › Adjuntar… by keyboard: several PDFs to one slot of the month for
every client, then for one client; each read for what it says before it is kept — a file of
another month, a negative opinion or one of another RFC shown to the clerk, who keeps one
knowing and leaves the other; an empty file and one that is no PDF refused in Spanish with
nothing kept. The board reads itself again: the slot present, the warnings counted in its cell
and told as text, and the pack's index says them. The receipts a worker lacks against his pay
periodicity counted in the board's cell, as ``estado`` names them."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit, QWidget
from shiboken6 import isValid

from icsoe_desktop.domain.evidencias import DOCUMENTOS
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.evidencias.adjuntar import AdjuntarEvidenciaDialog
from icsoe_desktop.gui.evidencias.tablero import EvidenciasTableroDialog
from tests import nomina_cfdi as nc
from tests.gui.helpers import ENTER, wait_operations
from tests.gui.helpers import alt_de as responder_con
from tests.gui.test_solo_teclado import al_frente, alt_de, escribir, foco, ir_a, tecla
from tests.services.test_evidencias import OCTUBRE, _pdf, documento_del_mes

OTRO_RFC = "XAX010101AAA"
SEMANA_QUE_FALTA = "la semana del 12/10/2026 al 18/10/2026"


def _empresa(services, data_dir, tmp_path) -> str:
    """Three weeks of October paid to six workers, the first one's second week missing; every
    document but the SUA's and the SAT's opinion attached. The first worker's first client."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(6, seed=5), nc.semanas(date(2026, 10, 5), 3))
    )
    del recibos[6]  # the first worker's receipt of the second week (periods, then workers)
    services.nomina.importar([nc.escribir(tmp_path / "oct", recibos)], CLI_ACTOR)
    for tipo in DOCUMENTOS:
        if tipo not in ("sua", "opinion_sat"):
            pdf = _pdf(tmp_path, f"{tipo}.pdf", documento_del_mes(tipo))
            services.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, tipo, pdf)
    (con_faltante,) = [
        e for e in services.evidencias.estado(CLI_ACTOR, OCTUBRE) if e.recibos_faltantes
    ][:1]
    return con_faltante.contratante


def _elegir_varios(*rutas: Path):
    """The file dialog answered as a clerk picks several files: their names, each in quotes,
    typed in its name box, then Enter."""

    def teclear(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), type(dialog)
        assert isinstance(foco(), QLineEdit)
        escribir(" ".join(f'"{r}"' for r in rutas))
        tecla(Qt.Key.Key_Return)

    return teclear


def _elegir_en(combo: QComboBox, dato: str) -> None:
    """A combo's item by the arrows, from its first."""
    combo.setFocus()
    tecla(Qt.Key.Key_Home)
    while combo.currentData() != dato:
        antes = combo.currentIndex()
        tecla(Qt.Key.Key_Down)
        assert combo.currentIndex() != antes, dato


def _abrir(qtbot, board, modals) -> AdjuntarEvidenciaDialog:
    vistos: list[QWidget] = []
    modals.handle(vistos.append)  # the dialog is driven below, key by key
    alt_de(board.adjuntar)
    qtbot.waitUntil(lambda: vistos != [])
    (dialogo,) = vistos
    assert isinstance(dialogo, AdjuntarEvidenciaDialog)
    al_frente(qtbot, dialogo)
    return dialogo


def _cerrado(dialogo: QWidget) -> bool:
    """Closed (and, once closed, deleted by the kit)."""
    return not isValid(dialogo) or not dialogo.isVisible()


def _celda(board, cliente: str):
    fila = [f.contratante for f in board.model.rows].index(cliente)
    return board.model.index(fila, board.model.columnCount() - 1)


def test_attaching_by_keyboard_warnings_kept_and_missing_weeks_on_the_board(
    qtbot, services, data_dir, tmp_path, modals
) -> None:
    modals.solo_teclado = True
    cliente = _empresa(services, data_dir, tmp_path)
    estado = {e.contratante: e for e in services.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    board = EvidenciasTableroDialog(services, CLI_ACTOR)
    qtbot.addWidget(board)
    board.show()
    al_frente(qtbot, board)

    # The missing week counted in the cell as estado lists it, and named in the text.
    faltan = estado[cliente].faltan
    assert sum(1 for f in faltan if f.startswith("Recibo de ")) == 1
    qtbot.waitUntil(lambda: "(1 recibo)" in _celda(board, cliente).data())
    assert _celda(board, cliente).data() == f"Faltan {len(faltan)} (1 recibo)"
    for e in estado.values():  # every cell agrees with estado
        recibos = f" ({len(e.recibos_faltantes)} recibo" if e.recibos_faltantes else ""
        assert _celda(board, e.contratante).data().startswith(f"Faltan {len(e.faltan)}{recibos}")
    board.tabla.setCurrentIndex(_celda(board, cliente))
    qtbot.waitUntil(lambda: SEMANA_QUE_FALTA in board.faltan.toPlainText())
    assert f"Faltan {len(faltan)}:" in board.faltan.toPlainText()
    board.grab().save(str(tmp_path / "evidencias_semanas.png"))

    # For every client: the SUA's cédula and SIPARE's bank receipt, one of September; an
    # empty file and a text file refused.
    carpeta = tmp_path / "sua"
    carpeta.mkdir()
    cedula = _pdf(carpeta, "cedula.pdf", documento_del_mes("sua"))
    sipare = _pdf(
        carpeta,
        "sipare.pdf",
        f"Comprobante de pago SIPARE\nRFC: {nc.RFC_EMPRESA}\nPeriodo: Octubre 2026",
    )
    septiembre = _pdf(
        carpeta,
        "sua_septiembre.pdf",
        f"Cédula de determinación de cuotas SUA\nRFC: {nc.RFC_EMPRESA}\nPeriodo: Septiembre 2026",
    )
    vacio = carpeta / "vacio.pdf"
    vacio.write_bytes(b"")
    texto = carpeta / "notas.pdf"
    texto.write_text("no es un PDF")
    dialogo = _abrir(qtbot, board, modals)
    assert dialogo.mes.currentText() == "oct 2026" and dialogo.todos.isChecked()
    _elegir_en(dialogo.tipo, "sua")
    modals.handle(_elegir_varios(cedula, sipare, septiembre, vacio, texto))
    alt_de(dialogo.elegir)
    qtbot.waitUntil(lambda: dialogo.archivos.count() == 5)
    al_frente(qtbot, dialogo)
    assert dialogo.estado.text() == "5 archivos para adjuntar."
    dialogo.grab().save(str(tmp_path / "evidencias_adjuntar.png"))
    modals.answer(ENTER, responder_con("Adjuntar con aviso"), ENTER)
    alt_de(dialogo.adjuntar)
    qtbot.waitUntil(lambda: _cerrado(dialogo), timeout=20_000)
    wait_operations(qtbot)
    rechazados, aviso, hecho = modals.texts[-3:]
    assert rechazados.startswith("No se adjuntó:\n• El archivo «vacio.pdf» está vacío")
    assert "• El archivo «notas.pdf» no es un PDF" in rechazados
    assert aviso.startswith(
        "«sua_septiembre.pdf» no parece pago de cuotas IMSS e INFONAVIT (SUA/SIPARE) de oct 2026:"
    )
    assert "¿Adjuntarlo de todos modos?" in aviso
    assert hecho == (
        "Se adjuntaron 3 archivos como pago de cuotas IMSS e INFONAVIT (SUA/SIPARE) de oct 2026 "
        "(para todos los clientes). 1 archivo con aviso."
    )
    al_frente(qtbot, board)

    # For one client: the SAT's opinion, one negative (kept knowing) and one of another RFC
    # (left out).
    negativa = _pdf(
        carpeta,
        "opinion_negativa.pdf",
        documento_del_mes("opinion_sat").replace("Positivo", "Negativo"),
    )
    ajena = _pdf(carpeta, "opinion_ajena.pdf", documento_del_mes("opinion_sat", OTRO_RFC))
    dialogo = _abrir(qtbot, board, modals)
    _elegir_en(dialogo.tipo, "opinion_sat")
    alt_de(dialogo.uno)
    qtbot.waitUntil(dialogo.uno.isChecked)  # a button's letter clicks it a moment after
    assert dialogo.cliente.isEnabled()
    tecla(Qt.Key.Key_Tab)
    assert foco() is dialogo.cliente
    _elegir_en(dialogo.cliente, cliente)
    modals.handle(_elegir_varios(negativa, ajena))
    alt_de(dialogo.elegir)
    qtbot.waitUntil(lambda: dialogo.archivos.count() == 2)
    al_frente(qtbot, dialogo)
    modals.answer(responder_con("Adjuntar con aviso"), responder_con("No adjuntarlo"), ENTER)
    alt_de(dialogo.adjuntar)
    qtbot.waitUntil(lambda: _cerrado(dialogo), timeout=20_000)
    wait_operations(qtbot)
    negativo, ajeno, hecho = modals.texts[-3:]
    assert negativo.startswith("«opinion_negativa.pdf» no parece opinión de cumplimiento del SAT")
    assert "negativ" in negativo
    assert ajeno.startswith("«opinion_ajena.pdf»") and OTRO_RFC in ajeno
    assert hecho == (
        f"Se adjuntaron 1 archivo como opinión de cumplimiento del SAT de oct 2026 (sólo para "
        f"{cliente}). 1 archivo con aviso."
    )
    al_frente(qtbot, board)

    # The board read again: the two slots present, their warnings counted and told.
    qtbot.waitUntil(lambda: "con aviso" in _celda(board, cliente).data())
    estado = {e.contratante: e for e in services.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert estado[cliente].documentos["sua"] == "cedula.pdf, sipare.pdf, sua_septiembre.pdf"
    assert estado[cliente].documentos["opinion_sat"] == "opinion_negativa.pdf"
    otro = next(c for c in estado if c != cliente)
    assert estado[otro].documentos["opinion_sat"] is None  # the client's own, not the other's
    assert _celda(board, cliente).data() == (
        f"Faltan {len(estado[cliente].faltan)} (1 recibo), 2 con aviso"
    )
    board.tabla.setCurrentIndex(_celda(board, cliente))
    qtbot.waitUntil(lambda: "Con aviso (2):" in board.faltan.toPlainText())
    texto_faltan = board.faltan.toPlainText()
    assert "«sua_septiembre.pdf»" in texto_faltan and "«opinion_negativa.pdf»" in texto_faltan
    assert "opinion_ajena.pdf" not in texto_faltan
    board.grab().save(str(tmp_path / "evidencias_avisos.png"))

    # The pack's index says each warning, and the missing week.
    salida = tmp_path / "paquete"
    salida.mkdir()
    hecho_ = services.evidencias.paquete(CLI_ACTOR, OCTUBRE, cliente, salida)
    from openpyxl import load_workbook

    with zipfile.ZipFile(hecho_.ruta) as zf:
        hoja = load_workbook(io.BytesIO(zf.read("indice.xlsx")), read_only=True).active
        filas = [" ".join(str(c or "") for c in f) for f in hoja.iter_rows(values_only=True)]
    assert any("sua_septiembre.pdf" in f and "Aviso:" in f for f in filas)
    assert any("opinion_negativa.pdf" in f and "Aviso:" in f for f in filas)
    assert not any("cedula.pdf" in f and "Aviso:" in f for f in filas)
    assert any(f.startswith("Falta: Recibo de ") and SEMANA_QUE_FALTA in f for f in filas)
    ir_a(board, board.faltan)


def test_nothing_chosen_all_declined_and_a_refused_role_keep_nothing(
    qtbot, services, data_dir, tmp_path, modals
) -> None:
    modals.solo_teclado = True
    cliente = _empresa(services, data_dir, tmp_path)
    antes = services.evidencias.estado(CLI_ACTOR, OCTUBRE)
    meses = [(OCTUBRE, "oct 2026")]
    dialogo = AdjuntarEvidenciaDialog(services, CLI_ACTOR, meses, [(cliente, "")])
    qtbot.addWidget(dialogo)
    dialogo.show()
    al_frente(qtbot, dialogo)
    # Adjuntar with no file; the chooser cancelled (Escape): said, nothing chosen.
    modals.answer(ENTER)
    alt_de(dialogo.adjuntar)
    qtbot.waitUntil(lambda: len(modals.texts) == 1)
    assert modals.texts == ["Elige uno o más PDF con «Elegir PDF…»."]
    al_frente(qtbot, dialogo)
    modals.handle(lambda _chooser: tecla(Qt.Key.Key_Escape))
    alt_de(dialogo.elegir)
    qtbot.waitUntil(
        lambda: dialogo.estado.text() == "No elegiste ningún archivo: no se adjuntó nada."
    )
    al_frente(qtbot, dialogo)
    # A SUA payment of another RFC, declined: nothing kept, the window stays open.
    ajena = _pdf(tmp_path, "sua_ajeno.pdf", documento_del_mes("sua", OTRO_RFC))
    _elegir_en(dialogo.tipo, "sua")
    modals.handle(_elegir_varios(ajena))
    alt_de(dialogo.elegir)
    qtbot.waitUntil(lambda: dialogo.archivos.count() == 1)
    al_frente(qtbot, dialogo)
    modals.answer(responder_con("No adjuntarlo"))
    alt_de(dialogo.adjuntar)
    qtbot.waitUntil(lambda: dialogo.estado.text() == "No se adjuntó nada.", timeout=20_000)
    assert dialogo.isVisible()
    assert services.evidencias.estado(CLI_ACTOR, OCTUBRE) == antes

    # Sólo consulta (no user): Adjuntar grey with the reason, on the board and here; a call
    # made all the same (a role withdrawn while the window is open) refused, audited, told.
    board = EvidenciasTableroDialog(services, None)
    qtbot.addWidget(board)
    assert not board.adjuntar.isEnabled() and board.adjuntar.toolTip()
    consulta = AdjuntarEvidenciaDialog(services, None, meses, [(cliente, "")])
    qtbot.addWidget(consulta)
    consulta.show()
    assert not consulta.adjuntar.isEnabled() and consulta.adjuntar.toolTip()
    consulta.elegir_archivos([ajena])
    modals.answer(ENTER)
    consulta.leer()
    wait_operations(qtbot)
    assert "adjuntar o exportar la evidencia mensual del cliente" in modals.texts[-1]
    assert services.evidencias.estado(CLI_ACTOR, OCTUBRE) == antes
    assert any(
        r.action == "permiso_denegado" and r.target == "EVIDENCIAS"
        for r in services.audit_instalacion.recent()
    )
