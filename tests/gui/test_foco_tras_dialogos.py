"""After a chain of dialogs closes, the keyboard is back in the window the clerk was in: not
in a window behind it, and never nowhere (every modal dialog runs through
``kit.modal.ejecutar_modal``). Offscreen, as a window system that activates no window when a
modal one closes. The
file choosers too (``kit/elegir_archivo.py``), and the dialogs opened without a nested loop
(``kit.modal.abrir_modal``: the Configuración inicial)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.gui.helpers import click
from tests.gui.test_certificados_imss import REGISTRO, company  # noqa: F401  (fixture)
from tests.informativa_servicios import acuse_del_imss, firmada_una_vez


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(3, 7)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured, clock):
    rfc, _ana, uuid, _contratos, _constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    return rfc, uuid


def activa(qtbot, window: QWidget) -> None:
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_after_registrar_presentacion_the_informativa_has_the_keyboard(
    qtbot, services, firmada, modals, tmp_path
):
    """Opened over *ICSOE - Contratista*: *Registrar presentación* → «Registrar» → «quedó
    presentada» → Enter, and the informativa is the active window (Alt+P reaches it)."""
    rfc, uuid = firmada
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"))
    contratista = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    activa(qtbot, contratista)
    informativa = InformativaWindow(services, rfc, rfc, uuid, True)
    activa(qtbot, informativa)

    def registrar(dialog: RegistrarPresentacionDialog) -> None:
        dialog.elegir_acuse(acuse)
        qtbot.waitUntil(lambda: dialog.archivo.text() != "")
        click(qtbot, dialog.registrar)

    modals.handle(registrar)
    modals.answer("Registrar", "Aceptar")
    click(qtbot, informativa.presentacion)
    qtbot.waitUntil(lambda: informativa.solo_lectura.text().startswith("Presentada"))
    assert modals.texts[-1].startswith("La informativa quedó presentada")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is informativa)
    assert contratista.isVisible()


def test_after_certificados_closed_over_its_alert_the_main_window_has_the_keyboard(
    qtbot,
    company,  # noqa: F811
    modals,
    tmp_path,
):
    """*Certificados IMSS* › Eliminar › Cancelar, then Esc: the alert of the registros left
    without a certificate, Enter, and the main window it was opened from is active."""
    from icsoe_desktop.services.certificados.servicio import Assignment

    cer, key = cf.fiel_moral().write(tmp_path)
    company.certificates.assign(Assignment(REGISTRO, cer, key, cf.RFC_MORAL, cf.PASSWORD), "admin")
    main = VentanaPrincipal(company, "admin@nominas.com")
    activa(qtbot, main)
    vista: dict[str, object] = {}

    def eliminar_y_salir(dialog: CertificadosImssDialog) -> None:
        qtbot.waitUntil(dialog.isActiveWindow)
        dialog.tabla.selectRow(0)  # its certificate: Eliminar asks, Cancelar keeps it
        modals.answer("Cancelar", "Aceptar")
        click(qtbot, dialog.eliminar)
        qtbot.waitUntil(lambda: len(modals.messages) >= 1)
        qtbot.waitUntil(dialog.isActiveWindow)
        vista["tras cancelar"] = QApplication.activeWindow() is dialog
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    modals.handle(eliminar_y_salir)
    main.open_certificados()
    assert vista == {"tras cancelar": True}
    assert modals.texts[0].startswith("¿Deseas eliminar el certificado")
    assert "no estarán disponibles" in modals.texts[-1]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)


def test_after_a_progress_bar_closes_its_window_has_the_keyboard(qtbot, services):
    """A long work behind its bar, from a window over another: the bar has the keyboard while
    it runs (Esc cancels), and when it closes the window it was started from has it again."""
    from threading import Event

    from PySide6.QtWidgets import QProgressDialog

    from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra

    detras, ventana = QWidget(), QWidget()
    activa(qtbot, detras)
    activa(qtbot, ventana)
    seguir, hecho = Event(), []

    def trabajo(_progreso, _cancelado) -> str:
        seguir.wait(10)
        return "listo"

    ejecutar_con_barra(ventana, "Exportando…", trabajo, hecho.append)
    barra = ventana.findChild(QProgressDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is barra)
    seguir.set()
    qtbot.waitUntil(lambda: hecho == ["listo"])
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ventana)


def test_after_the_file_chooser_the_dialog_it_came_from_has_the_keyboard(
    qtbot, services, firmada, modals
):
    """*Registrar presentación* over the informativa: Elegir… opens the system's file chooser,
    Esc closes it, and *Registrar presentación* has the keyboard again; Esc closes it too, and
    the informativa has it."""
    from PySide6.QtWidgets import QFileDialog

    rfc, uuid = firmada
    informativa = InformativaWindow(services, rfc, rfc, uuid, True)
    activa(qtbot, informativa)
    vista: dict[str, object] = {}

    def elegir_y_salir(dialog: RegistrarPresentacionDialog) -> None:
        qtbot.waitUntil(dialog.isActiveWindow)

        def esc(chooser: QWidget) -> None:
            vista["elegidor"] = isinstance(chooser, QFileDialog)
            qtbot.keyClick(chooser, Qt.Key.Key_Escape)

        modals.handle(esc)
        click(qtbot, dialog.elegir)
        try:
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            vista["tras elegir"] = True
        except qtbot.TimeoutError:
            vista["tras elegir"] = QApplication.activeWindow()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    modals.handle(elegir_y_salir)
    click(qtbot, informativa.presentacion)
    qtbot.waitUntil(lambda: vista.get("tras elegir") is not None)
    assert vista == {"elegidor": True, "tras elegir": True}
    qtbot.waitUntil(lambda: QApplication.activeWindow() is informativa)


def test_after_the_configuracion_inicial_the_main_window_has_the_keyboard(
    qtbot,
    company,  # noqa: F811
    modals,
):
    """The Configuración inicial, window-modal over the main window, left for later with Esc:
    the main window has the keyboard (its Alt letters work at once)."""
    main = VentanaPrincipal(company, "admin@nominas.com")
    activa(qtbot, main)
    vistos: list[str] = []

    def dejar(asistente: QWidget) -> None:
        vistos.append(asistente.windowTitle())
        qtbot.keyClick(asistente, Qt.Key.Key_Escape)

    modals.handle(dejar)
    main.open_configuracion_inicial()
    qtbot.waitUntil(lambda: vistos != [])
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
