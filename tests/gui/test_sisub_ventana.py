"""Informativas › SISUB del INFONAVIT from the contratista's window: Preparar fills the contracts
in force and their workers per bimestre from the receipts; the number and work site typed and
saved; an amount corrected; Revisar says what is missing; Exportar writes the folder; the
acuse registered makes the report read-only. Clicked and typed as a clerk would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.informativa.sisub import SisubDialog
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.acuses_pdf import acuse_pdf
from tests.gui.helpers import click, type_text, wait_operations
from tests.gui.test_mnemonics import letter
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import (
    ENERO_ABRIL,
    SITIO,
    con_repse,
    contrato,
    de_la_lista,
    empresa_de_la_nomina,
    importar,
)

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services = fx._quien_una_vez, fx.services


@pytest.fixture
def quien(_quien_una_vez, services, data_dir, smtp_configured, tmp_path):
    empresa_de_la_nomina(services, data_dir)
    rfc, ana, _ = _quien_una_vez[1]
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    uno, dos = de_la_lista(services, uuid, ana)
    recibos = [
        (f"{t.nss}.xml", nc.recibo(nc.Emisor(), t, nc.Periodo.quincena(2026, 6),
                                   subcontrataciones=((CLIENTE.rfc, "100"),)))
        for t in (uno, dos)
    ]  # fmt: skip
    importar(services, tmp_path / "nomina", recibos)
    con_repse(services, rfc)  # Revisar asks for it
    return rfc, ana


def test_the_sisub_from_preparar_to_presentar(
    qtbot, modals, monkeypatch, services, quien, tmp_path
):
    rfc, _ana = quien
    ventana = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(ventana)
    assert ventana.sisub_action.isEnabled()
    dialogo = SisubDialog(services, rfc, rfc, ventana)
    qtbot.addWidget(dialogo)
    dialogo.show()
    assert dialogo.periodo.currentText() == "mayo–agosto 2026"  # the last one due
    # Each button says its Alt-letter to a screen reader, as every window's do.
    mudos = [
        b.objectName()
        for b in dialogo.findChildren(QPushButton)
        if b.isVisible()
        and (tecla := letter(b.text()))
        and f"Alt+{tecla.upper()}" not in b.accessibleDescription()
    ]
    assert mudos == []
    assert "Sin preparar" in dialogo.estado.text()
    assert not dialogo.exportar.isEnabled()
    click(qtbot, dialogo.preparar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: dialogo.contratos_model.rowCount() == 1)
    assert "Con datos continuos" in dialogo.estado.text()
    assert dialogo.trabajadores_model.rowCount() == 2
    assert dialogo.trabajadores_model.index(0, 9).data() == "1 recibo CFDI"

    # Revisar: the number and the work site are missing.
    click(qtbot, dialogo.revisar)
    qtbot.waitUntil(lambda: len(modals.texts) == 1)
    assert "Captura el número de contrato SISUB" in modals.texts[0]
    # No payment of the bimestre attached as evidence: a note, nothing to correct.
    assert "\nNota: No hay pago del bimestre 3 (may–jun 2026) en la evidencia" in modals.texts[0]

    type_text(qtbot, dialogo.numero, "SISUB-7")
    for clave, edit in dialogo.sitio.items():
        edit.clear()
        type_text(qtbot, edit, getattr(SITIO, clave))
    dialogo.entidad.setCurrentIndex(dialogo.entidad.findData(SITIO.entidad))
    click(qtbot, dialogo.guardar_contrato)
    qtbot.waitUntil(lambda: dialogo.contratos_model.index(0, 5).data() == "SISUB-7")
    click(qtbot, dialogo.revisar)
    qtbot.waitUntil(lambda: len(modals.texts) == 2)
    assert modals.texts[1].startswith(
        "Revisar no encontró nada que corregir.\nNota: No hay pago del bimestre 3"
    )
    assert modals.messages[1].icon == QMessageBox.Icon.Information

    # An amount corrected by hand, on its page: its origin says so.
    dialogo.editores.setCurrentIndex(1)
    dialogo.trabajadores.selectRow(0)
    dialogo.importes["variables"].clear()
    type_text(qtbot, dialogo.importes["variables"], "1,250.50")
    click(qtbot, dialogo.guardar_importes)
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.index(0, 5).data() == "1250.50")
    assert dialogo.trabajadores_model.index(0, 9).data().startswith("Capturado por")
    dialogo.grab().save(str(tmp_path / "sisub_ventana.png"))

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(tmp_path / "salida"))
    click(qtbot, dialogo.exportar)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: len(modals.texts) == 3)
    assert "Se escribió" in modals.texts[2]
    assert "Los CSV llevan las columnas del formato incluido en icsoe-desktop" in modals.texts[2]
    assert (
        tmp_path / "salida" / f"SISUB {rfc} 2026-2" / "3_SISUB_Ley_29_bis_DetalleTrab.csv"
    ).exists()

    # A scan whose OCR layer alone names the contratista: said, to be declared.
    escaneo = tmp_path / "escaneo.pdf"
    escaneo.write_bytes(
        acuse_pdf((), invisibles=(f"RFC del sujeto obligado: {rfc}",), escaneo=True)
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(escaneo), ""))
    click(qtbot, dialogo.presentar)
    qtbot.waitUntil(lambda: len(modals.texts) == 4)
    assert "--declarado, --folio y --fecha" in modals.texts[3]
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_infonavit_pdf(rfc=rfc))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(acuse), ""))
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialogo.presentar)
    qtbot.waitUntil(lambda: len(modals.texts) == 6)
    assert "«SISUB-2026-0001234»" in modals.texts[4] and "15/09/2026 11:20" in modals.texts[4]
    assert "<" not in modals.texts[4]  # read aloud as it is shown
    assert modals.texts[5] == "Presentado: folio SISUB-2026-0001234."
    qtbot.waitUntil(lambda: not dialogo.guardar_contrato.isEnabled())
    assert "Presentado" in dialogo.estado.text() and not dialogo.preparar.isEnabled()
    assert not dialogo.anotar.isEnabled() and dialogo.complementario.isEnabled()

    # Opened again, it shows the period in course, not the one just filed.
    otra = SisubDialog(services, rfc, rfc, ventana)
    qtbot.addWidget(otra)
    assert otra.periodo.currentText() == "septiembre–diciembre 2026"


def test_a_bad_amount_is_said_and_nothing_changes(qtbot, modals, services, quien):
    rfc, _ana = quien
    services.sisub.preparar(rfc, rfc, "2026-2")
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    dialogo.editores.setCurrentIndex(1)
    dialogo.trabajadores.selectRow(0)
    antes = dialogo.trabajadores_model.index(0, 4).data()
    dialogo.importes["fijas"].clear()
    type_text(qtbot, dialogo.importes["fijas"], "mil pesos")
    click(qtbot, dialogo.guardar_importes)
    qtbot.waitUntil(lambda: len(modals.texts) == 1)
    assert "Percepciones fijas" in modals.texts[0]
    assert dialogo.trabajadores_model.index(0, 4).data() == antes


def test_the_offices_guide_is_read_from_the_window(
    qtbot, modals, monkeypatch, services, quien, tmp_path
):
    from tests.services.libros_de_prueba import escribir
    from tests.sisub_datos import GUIA_DETALLE

    rfc, _ana = quien
    services.sisub.preparar(rfc, rfc, "2026-2")
    guia = escribir(tmp_path / "guia_detalle.xls", GUIA_DETALLE)
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(guia)], ""))
    # The match is shown first; cancelled, nothing is remembered.
    modals.answer("Cancelar")
    click(qtbot, dialogo.guia)
    qtbot.waitUntil(lambda: len(modals.texts) == 1)
    assert (
        "Detalle de trabajadores: «guia_detalle.xls» (fila 2), 7 de 8 columnas" in modals.texts[0]
    )
    assert "«Clave de ubicación» no se puede llenar" in modals.texts[0]
    assert not services.sisub_archivos.layouts()["trabajadores"].de_guia
    modals.answer("Usar estas guías")
    click(qtbot, dialogo.guia)
    qtbot.waitUntil(lambda: len(modals.texts) == 3)
    assert services.sisub_archivos.layouts()["trabajadores"].titulos[4] == "Clave de ubicación"


def test_the_pdfs_are_attached_from_the_window_by_keyboard(
    qtbot, modals, monkeypatch, services, quien, tmp_path
):
    from PySide6.QtCore import Qt

    from tests.services.test_repse import registro_pdf

    rfc, _ana = quien
    services.sisub.preparar(rfc, rfc, "2026-2")
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    dialogo.editores.setCurrentIndex(2)
    assert dialogo.escritura_label.text() == dialogo.contrato_pdf_label.text() == "sin adjuntar"
    danado = tmp_path / "acta.pdf"
    danado.write_bytes(b"")
    elegido = [danado]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(elegido[0]), ""))
    # Its Alt-letter presses the button.
    texto = dialogo.adjuntar_escritura.text()
    assert "&" in texto
    letra = texto[texto.index("&") + 1].upper()
    dialogo.activateWindow()
    qtbot.waitUntil(dialogo.isActiveWindow)
    destino = dialogo.focusWidget() or dialogo
    qtbot.keyClick(destino, getattr(Qt.Key, f"Key_{letra}"), Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=5000)
    assert "El archivo «acta.pdf» está vacío" in modals.texts[0]
    assert dialogo.escritura_label.text() == "sin adjuntar"
    danado.write_bytes(registro_pdf("Escritura constitutiva"))
    click(qtbot, dialogo.adjuntar_escritura)
    qtbot.waitUntil(lambda: len(modals.texts) == 2)
    assert modals.texts[1].startswith("Se guardó «acta.pdf»")
    assert dialogo.escritura_label.text() == "«acta.pdf» guardado"
    contrato = tmp_path / "contrato.pdf"
    contrato.write_bytes(registro_pdf("Contrato"))
    elegido[0] = contrato
    dialogo.contratos.selectRow(0)
    click(qtbot, dialogo.adjuntar_contrato)
    qtbot.waitUntil(lambda: len(modals.texts) == 3)
    assert dialogo.contrato_pdf_label.text() == "«contrato.pdf» guardado"
    dialogo.grab().save(str(tmp_path / "sisub_pdfs.png"))
    assert set(services.sisub_pdfs.guardados(rfc, rfc)) == {
        "",
        dialogo.contratos_model.rows[0].uuid,
    }


def test_a_rejected_acuse_is_refused_before_the_filing_is_confirmed(
    qtbot, modals, monkeypatch, services, quien, tmp_path
):
    """By keyboard: Registrar presentación… with the acuse of a folio the INFONAVIT rejected.
    The refusal is the first box (no «¿Registrar…?» before it) and nothing is registered."""
    from PySide6.QtCore import Qt

    from icsoe_desktop.domain.sisub.acuse import MSG_RECHAZADO
    from icsoe_desktop.domain.sisub.modelo import PRESENTADO
    from tests.gui.helpers import ENTER

    rfc, _ana = quien
    services.sisub.preparar(rfc, rfc, "2026-2")
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    qtbot.waitUntil(lambda: dialogo.reporte is not None and dialogo.presentar.isEnabled())
    acuse = tmp_path / "acuse_rechazado.pdf"
    acuse.write_bytes(acuse_infonavit_pdf(rfc=rfc, estado="Rechazado"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(acuse), ""))
    modals.solo_teclado = True  # one key queued: a second box (a confirmation) fails the test
    modals.answer(ENTER)
    letra = letter(dialogo.presentar.text())
    assert letra
    dialogo.activateWindow()
    qtbot.waitUntil(dialogo.isActiveWindow)
    destino = dialogo.focusWidget() or dialogo
    qtbot.keyClick(
        destino, getattr(Qt.Key, f"Key_{letra.upper()}"), Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=5000)
    assert modals.error is None
    assert modals.texts == [MSG_RECHAZADO]
    assert "rechazó el folio" in modals.texts[0]
    assert "Presentado" not in dialogo.estado.text()
    reporte = services.sisub.reporte(dialogo.reporte.uuid, rfc)
    assert not reporte.folio and reporte.estado != PRESENTADO
    assert not [r for r in services.audit.recent() if r.action == "sisub_presentado"]


def test_a_capturista_prepares_from_her_window_and_may_not_file(
    tmp_path, qtbot, modals, services, quien
):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMenu

    from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
    from icsoe_desktop.services.acceso.permisos import PermisoDenegado
    from icsoe_desktop.services.capturistas.acceso import CapturistaSesion

    rfc, ana = quien
    ventana = IcsoeCapturistaWindow(services, CapturistaSesion(ana, "ANA LÓPEZ MARTÍNEZ"))
    qtbot.addWidget(ventana)
    ventana.show()
    assert not ventana.sisub_action.isEnabled()  # whose SISUB: no contratista chosen yet
    ventana.set_contratista(services.acceso_capturista.seleccionar(ana, rfc))
    assert ventana.sisub_action.isEnabled()
    visto: dict[str, object] = {}

    def preparar(dialogo) -> None:
        assert isinstance(dialogo, SisubDialog) and rfc in dialogo.windowTitle()
        click(qtbot, dialogo.preparar)
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: dialogo.contratos_model.rowCount() == 1)
        assert dialogo.trabajadores_model.rowCount() == 2 and dialogo.revisar.isEnabled()
        # The note of the ICSOE's difference is part of preparing: hers.
        assert dialogo.anotar.isEnabled() and "puede" not in dialogo.anotar.toolTip()
        # Filing is the contratista's: greyed, and the tooltip says who may.
        grises = (dialogo.exportar, dialogo.zip, dialogo.guia, dialogo.presentar)
        grises += (dialogo.adjuntar_escritura, dialogo.adjuntar_contrato)
        assert not any(b.isEnabled() for b in grises)
        assert "puede" in dialogo.exportar.toolTip()
        assert dialogo.escritura_label.text() == "—"
        assert dialogo.reporte is not None
        visto["uuid"] = dialogo.reporte.uuid
        dialogo.grab().save(str(tmp_path / "sisub_capturista.png"))
        dialogo.reject()

    modals.handle(preparar)
    menu = ventana.findChild(QMenu, "informativasMenu")
    menu.popup(ventana.mapToGlobal(ventana.menuBar().geometry().bottomLeft()))
    qtbot.waitUntil(menu.isVisible)
    ventana.grab().save(str(tmp_path / "capturista_menu.png"))
    menu.grab().save(str(tmp_path / "capturista_menu_abierto.png"))
    punto = menu.actionGeometry(ventana.sisub_action).center()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=punto)
    qtbot.waitUntil(lambda: "uuid" in visto, timeout=30_000)
    assert not modals.texts  # no refusal said on opening it: nothing of the contratista's read
    # Through the service too: refused, and the refusal audited.
    with pytest.raises(PermisoDenegado):
        services.sisub_archivos.exportar(str(visto["uuid"]), ana, Path("/nonexistent"))
    negados = [
        (r.actor, r.target)
        for r in services.audit_instalacion.recent()
        if r.action == "permiso_denegado"
    ]
    assert (ana, "PRESENTAR_SISUB") in negados


def test_the_practice_sisub_says_it_is_practice(qtbot, data_dir, clock, tmp_path):
    """The practice empresa's SISUB window: the band and the title's mark, its report there."""
    from icsoe_desktop.domain.practica import MARCA, RFC_PRACTICA
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.capacitacion import preparar
    from icsoe_desktop.services.container import open_services

    instalacion = open_services(data_dir, clock)
    try:
        preparar(instalacion, tmp_path / "sala", CLI_ACTOR)
    finally:
        instalacion.close()
    practica = open_services(data_dir, clock, empresa_rfc=RFC_PRACTICA)
    try:
        dialogo = SisubDialog(practica, RFC_PRACTICA, RFC_PRACTICA)
        qtbot.addWidget(dialogo)
        dialogo.show()
        wait_operations(qtbot)
        assert dialogo.windowTitle().endswith(MARCA)
        assert dialogo.banda_capacitacion is not None and dialogo.banda_capacitacion.isVisible()
        assert "nada de lo que se haga aquí se presenta al INFONAVIT" in (
            dialogo.banda_capacitacion.text()
        )
        qtbot.waitUntil(lambda: "En preparación" in dialogo.estado.text())
        assert dialogo.contratos_model.rowCount() == 1
        dialogo.grab().save(str(tmp_path / "sisub_practica.png"))
        dialogo.close()
    finally:
        practica.close()


def test_the_sujetos_data_are_captured_once_from_the_window(qtbot, modals, services, quien):
    from icsoe_desktop.gui.informativa.sisub_sujeto import DatosSujetoDialog

    rfc, _ana = quien
    services.sisub.preparar(rfc, rfc, "2026-2")
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    abiertos: list[DatosSujetoDialog] = []

    def llenar(ventana) -> None:
        assert isinstance(ventana, DatosSujetoDialog)
        abiertos.append(ventana)
        type_text(qtbot, ventana.campos["escritura_fecha"], "31/02/2015")
        click(qtbot, ventana.aceptar)  # refused: the dialog stays, the date is focused
        ventana.campos["escritura_fecha"].clear()
        type_text(qtbot, ventana.campos["escritura_fecha"], "01/06/2015")
        type_text(qtbot, ventana.campos["representante_legal"], "Ana Pérez")
        click(qtbot, ventana.aceptar)

    modals.handle(llenar)
    click(qtbot, dialogo.sujeto)
    qtbot.waitUntil(lambda: bool(abiertos) and not abiertos[0].isVisible())
    assert "«31/02/2015» no es una fecha" in modals.texts[0]
    datos = services.sisub.datos_sujeto(rfc, rfc)
    assert (datos.representante_legal, datos.escritura_fecha) == ("Ana Pérez", date(2015, 6, 1))
