"""F1 and Ayuda › Manual de usuario: the manual opens inside the app at the chapter of the window
in use (the section of what has the focus), over a modal dialog too, without a browser; its
search, links, Atrás and screenshots work; Acerca de says the version."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from icsoe_desktop import __version__
from icsoe_desktop.gui import ayuda
from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.certificados.emisores_confiables import EmisoresConfiablesDialog
from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog
from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.idse.login import IdseLoginWindow
from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.manual import ManualWindow, abrir_manual
from icsoe_desktop.gui.sync.configuracion import SincronizacionDialog
from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from tests.gui.helpers import click, type_text

ADMIN = "admin@nominas.com"

# window → (chapter, heading it opens at; None: the chapter's top)
WINDOWS: dict[str, tuple[Callable[..., QWidget], str, str | None]] = {
    "acceso": (lambda s: IdseLoginWindow(s), "02_acceso_idse.md", None),
    "registrate": (lambda s: IdseUsuariosDialog(s), "02_acceso_idse.md", "Regístrate aquí"),
    "recuperar": (
        lambda s: RecuperarContrasenaDialog(s),
        "02_acceso_idse.md",
        "¿Olvidó su contraseña?",
    ),
    "registros": (
        lambda s: RegistrosPatronalesDialog(s, ADMIN),
        "01_primer_uso.md",
        "Registros patronales",
    ),
    "certificados": (lambda s: CertificadosImssDialog(s, ADMIN), "03_certificados_imss.md", None),
    "emisores": (
        lambda s: EmisoresConfiablesDialog(s, ADMIN),
        "03_certificados_imss.md",
        "Emisores confiables",
    ),
    "icsoe": (lambda s: IcsoeInicioWindow(s), "05_icsoe_contratista.md", "Ingresar a ICSOE"),
    "efirma": (
        lambda s: IcsoeEfirmaDialog(s),
        "05_icsoe_contratista.md",
        "Ingresa con firma electrónica",
    ),
    "vencimientos": (
        lambda s: VencimientosDialog(s, ADMIN),
        "07_informativa.md",
        "Vencimientos",
    ),
    "sincronizacion": (lambda s: SincronizacionDialog(s, ADMIN), "11_sincronizacion.md", None),
    "conflictos": (
        lambda s: ConflictosDialog(s, ADMIN),
        "11_sincronizacion.md",
        "Conflictos de sincronización",
    ),
}


@pytest.fixture(autouse=True)
def f1(request, qapp):
    """F1 installed as the application installs it; for the test of the application itself,
    none left from another test (the filter lives as long as the QApplication)."""
    if "sin_f1" in request.fixturenames:
        for old in qapp.findChildren(ayuda.AyudaF1):
            old.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert qapp.findChildren(ayuda.AyudaF1) == []
        return None
    return ayuda.instalar(qapp)


def shown(qtbot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def manual_of(window: QWidget) -> ManualWindow:
    manual = window.findChild(ManualWindow, options=Qt.FindChildOption.FindDirectChildrenOnly)
    assert manual is not None, "F1 no abrió el manual"
    return manual


def assert_open_at(manual: ManualWindow, capitulo: str, seccion: str | None) -> None:
    assert manual.isVisible()
    assert manual.capitulo == capitulo
    assert manual.lista.currentItem().data(Qt.ItemDataRole.UserRole) == capitulo
    if seccion is None:
        assert manual.texto.verticalScrollBar().value() == 0  # the chapter's top
    else:
        assert manual.seccion == seccion
        assert manual.encabezado_visible(seccion), f"«{seccion}» no quedó a la vista"
    # Read here, from the bundle's files: no browser, no network.
    assert manual.texto.source().isLocalFile()
    assert manual.texto.document().toPlainText().strip()


def press_f1(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_F1)


@pytest.mark.parametrize("name", WINDOWS)
def test_f1_opens_the_chapter_of_the_window_in_use(qtbot, services, name):
    make, capitulo, seccion = WINDOWS[name]
    window = shown(qtbot, make(services))
    focused = QApplication.focusWidget()
    press_f1(qtbot, focused if focused is not None and focused.window() is window else window)
    assert_open_at(manual_of(window), capitulo, seccion)
    assert window.isVisible()  # the clerk reads beside the window, which stays as it was


def test_f1_again_reuses_the_manual_of_that_window(qtbot, services):
    window = shown(qtbot, RegistrosPatronalesDialog(services, ADMIN))
    press_f1(qtbot, window)
    manual = manual_of(window)
    manual.mostrar("10_respaldo.md")
    press_f1(qtbot, window)
    assert window.findChildren(ManualWindow) == [manual]
    assert_open_at(manual, "01_primer_uso.md", "Registros patronales")


def test_f1_in_the_main_window_follows_the_focus_to_lotes(qtbot, services):
    main = shown(qtbot, VentanaPrincipal(services, ADMIN))
    main.movimientos.tabla.setFocus()
    press_f1(qtbot, main.movimientos.tabla)
    manual = manual_of(main)
    assert_open_at(manual, "04_movimientos.md", None)

    main.movimientos.tabs.setCurrentIndex(main.movimientos.tabs.count() - 1)  # Lotes
    lotes = main.movimientos.lotes
    assert lotes is not None
    lotes.registro.setFocus()
    press_f1(qtbot, lotes.registro)
    assert_open_at(manual, "04_movimientos.md", "Lotes")


def test_f1_just_after_clicking_the_lotes_tab_opens_lotes(qtbot, services):
    """The focus stays where it was (a field of the search, now hidden, or a button of the
    window) when the tab is clicked: F1 and Ayuda › Manual de usuario follow the tab in view."""
    main = shown(qtbot, VentanaPrincipal(services, ADMIN))
    tabs = main.movimientos.tabs
    main.salir.setFocus()
    lotes = tabs.count() - 1
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(lotes).center())
    assert tabs.currentIndex() == lotes
    focused = QApplication.focusWidget()
    assert focused is not None and not main.movimientos.lotes.isAncestorOf(focused)
    press_f1(qtbot, focused)
    manual = manual_of(main)
    assert_open_at(manual, "04_movimientos.md", "Lotes")
    manual.close()
    main.manual_action.trigger()
    assert_open_at(manual_of(main), "04_movimientos.md", "Lotes")

    todos = tabs.count() - 2  # back on a grid: the window's own chapter again
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(todos).center())
    press_f1(qtbot, QApplication.focusWidget())
    assert_open_at(manual_of(main), "01_primer_uso.md", "La ventana principal")


def test_ayuda_menu_has_the_manual_on_f1_and_acerca_de_says_the_version(qtbot, services, modals):
    main = shown(qtbot, VentanaPrincipal(services, ADMIN))
    ayuda_menu = next(a.menu() for a in main.menuBar().actions() if a.text() == "A&yuda")
    assert [a.text() for a in ayuda_menu.actions()] == [
        "&Manual de usuario",
        "&Acerca de icsoe-desktop",
    ]
    assert main.manual_action.shortcut().toString() == "F1"
    main.manual_action.trigger()
    assert_open_at(manual_of(main), "01_primer_uso.md", "La ventana principal")

    main.acerca_action.trigger()
    qtbot.waitUntil(lambda: bool(modals.messages))
    assert f"icsoe-desktop {__version__}" in modals.texts[0]
    assert str(services.data_dir) in modals.texts[0]


def test_the_icsoe_windows_have_the_same_ayuda_menu(
    qtbot, services, data_dir, tmp_path, smtp_configured, modals
):
    """The contratista's and the capturista's windows: *Ayuda* with the manual where F1 opens it
    (the chapter of the page in view: the contratista's opens at its informativas) and
    *Acerca de*, as the IDSE main window."""
    from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.services.capturistas.acceso import CapturistaSesion
    from tests.informativa_servicios import capturista_activa

    rfc, curp = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    for window, capitulo in (
        (IcsoeContratistaWindow(services, services.contratistas.sesion(rfc)),
         "07_informativa.md"),
        (IcsoeCapturistaWindow(services, CapturistaSesion(curp, "ANA LÓPEZ MARTÍNEZ")),
         "06_icsoe_capturistas.md"),
    ):  # fmt: skip
        shown(qtbot, window)
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus[-1] == "A&yuda"
        ayuda_menu = window.menuBar().actions()[-1].menu()
        assert [a.text() for a in ayuda_menu.actions()] == [
            "&Manual de usuario",
            "&Acerca de icsoe-desktop",
        ]
        assert window.manual_action.shortcut().toString() == "F1"
        window.manual_action.trigger()
        assert manual_of(window).capitulo == capitulo
        antes = len(modals.messages)
        window.acerca_action.trigger()
        qtbot.waitUntil(lambda antes=antes: len(modals.messages) > antes)
        assert f"icsoe-desktop {__version__}" in modals.texts[-1]


def test_f1_in_a_modal_dialog_opens_a_manual_that_can_be_used(qtbot, services, modals):
    """Certificados IMSS is modal over the main window: the manual opens over it, takes the
    keyboard and the mouse (another chapter is chosen in it), and the dialog stays open."""
    main = shown(qtbot, VentanaPrincipal(services, ADMIN))
    seen: dict[str, object] = {}

    def inside(dialog: QWidget) -> None:
        press_f1(qtbot, dialog.findChild(QLineEdit) or dialog)
        manual = manual_of(dialog)
        seen["abierto"] = (manual.capitulo, manual.seccion)
        qtbot.waitUntil(manual.isActiveWindow)
        item = manual.lista.findItems("Respaldo", Qt.MatchFlag.MatchExactly)[0]
        rect = manual.lista.visualItemRect(item)
        qtbot.mouseClick(manual.lista.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        seen["elegido"] = manual.capitulo
        seen["dialogo_abierto"] = dialog.isVisible()
        dialog.reject()

    modals.handle(inside)
    main.open_certificados()
    assert seen == {
        "abierto": ("03_certificados_imss.md", None),
        "elegido": "10_respaldo.md",
        "dialogo_abierto": True,
    }


def test_f1_on_an_error_message_opens_si_algo_sale_mal(qtbot, services):
    window = shown(qtbot, RegistrosPatronalesDialog(services, ADMIN))
    box, _ = msgbox.make_box(
        window, "Warning", "Registros patronales", "…", [("Aceptar", "accept")]
    )
    shown(qtbot, box)
    press_f1(qtbot, box)
    assert_open_at(manual_of(box), "12_si_algo_sale_mal.md", None)

    question, _ = msgbox.make_box(window, "Question", "Registros", "¿…?", [("Sí", "accept")])
    shown(qtbot, question)
    press_f1(qtbot, question)  # a question is about its window
    assert_open_at(manual_of(question), "01_primer_uso.md", "Registros patronales")


@pytest.fixture
def sin_f1() -> None:
    """Marker fixture: see ``f1``."""


def test_the_application_answers_f1_from_its_first_window(qtbot, data_dir, sin_f1):
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        qtbot.waitUntil(lambda: app.services is not None, timeout=10_000)
        app.login.activateWindow()
        qtbot.waitUntil(app.login.isActiveWindow)
        press_f1(qtbot, app.login.usuario)
        assert_open_at(manual_of(app.login), "02_acceso_idse.md", None)
    finally:
        app.shutdown()


# --- the manual window --------------------------------------------------------------------------


def test_search_finds_a_message_in_si_algo_sale_mal_and_says_when_nothing_matches(qtbot):
    manual = abrir_manual(None, "12_si_algo_sale_mal.md")
    qtbot.addWidget(manual)
    qtbot.waitUntil(manual.isActiveWindow)
    qtbot.keyClick(manual.texto, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert manual.buscar.hasFocus()
    type_text(qtbot, manual.buscar, "La llave privada (.key) no corresponde")
    qtbot.keyClick(manual.buscar, Qt.Key.Key_Return)
    found = manual.texto.textCursor()
    assert found.selectedText() == "La llave privada (.key) no corresponde"
    paragraph = found.block().text()
    assert "llave_no_corresponde" in paragraph and "Elige la .key" in paragraph
    assert manual.sin_coincidencias.text() == ""

    manual.buscar.clear()
    type_text(qtbot, manual.buscar, "texto que ningún capítulo tiene")
    qtbot.keyClick(manual.buscar, Qt.Key.Key_Return)
    assert manual.sin_coincidencias.text() == "Sin coincidencias"


def test_links_lead_to_other_chapters_and_atras_comes_back(qtbot):
    manual = abrir_manual(None)
    qtbot.addWidget(manual)
    assert manual.capitulo == "00_indice.md"
    manual.texto.anchorClicked.emit(QUrl("03_certificados_imss.md#generar-pfx"))
    assert_open_at(manual, "03_certificados_imss.md", "generar-pfx")
    manual.texto.anchorClicked.emit(QUrl("#emisores-confiables"))
    assert manual.encabezado_visible("Emisores confiables")
    assert manual.atras.isEnabled()
    click(qtbot, manual.atras)
    assert manual.capitulo == "00_indice.md"
    assert manual.adelante.isEnabled()


def test_every_chapter_fits_the_page_without_sideways_scrolling(qtbot):
    """The screenshots are up to 1,300 px wide: each is drawn at the page's width."""
    manual = abrir_manual(None)
    qtbot.addWidget(manual)
    for row in range(manual.lista.count()):
        item = manual.lista.item(row)
        click_item = manual.lista.visualItemRect(item).center()
        qtbot.mouseClick(manual.lista.viewport(), Qt.MouseButton.LeftButton, pos=click_item)
        assert manual.capitulo == item.data(Qt.ItemDataRole.UserRole)
        # Once laid out with its vertical bar (a long page gets it on a later turn).
        barra = manual.texto.horizontalScrollBar()
        try:
            qtbot.waitUntil(lambda b=barra: b.maximum() == 0, timeout=5_000)
        except AssertionError:
            raise AssertionError(f"{manual.capitulo}: se desplaza {barra.maximum()} px") from None


def test_f1_in_respaldar_and_restaurar_opens_the_backups_chapter(qtbot, services, modals, tmp_path):
    """Their file dialogs and their question are about backups, not the main window."""
    from PySide6.QtWidgets import QFileDialog

    from icsoe_desktop.gui.empresas.respaldo import RESTAURAR, respaldar, restaurar

    main = shown(qtbot, VentanaPrincipal(services, ADMIN))
    seen: list[tuple[str, str | None]] = []

    def f1_then(answer: Callable[[QWidget], None]) -> Callable[[QWidget], None]:
        def handler(dialog: QWidget) -> None:
            try:
                dialog.activateWindow()
                qtbot.waitUntil(dialog.isActiveWindow)
                nombre = dialog.findChild(QLineEdit, "fileNameEdit")
                nombre.setFocus()
                press_f1(qtbot, nombre)
                manual = manual_of(dialog)
                seen.append((manual.capitulo, manual.seccion))
                manual.close()
            except Exception as exc:
                seen.append((repr(exc), None))
            answer(dialog)

        return handler

    modals.handle(f1_then(lambda dialog: dialog.reject()))
    respaldar(main, services, ADMIN)
    archivo = tmp_path / "lunes.icsoe-respaldo"
    archivo.write_bytes(b"x")

    def elegir(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), dialog
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.setText(str(archivo))
        dialog.accept()

    modals.handle(f1_then(elegir))
    modals.answer("Cancelar")
    restaurar(main, services, ADMIN, lambda: None)
    assert seen == [("10_respaldo.md", "Respaldar"), ("10_respaldo.md", "Restaurar")]
    assert modals.messages[-1].title == "Restaurar un respaldo"
    # Its question (answered above): a box of that flow is about backups too, a warning about
    # what went wrong.
    question, _ = msgbox.make_box(main, "Question", "Restaurar", "¿…?", [("Sí", "accept")])
    warning, _ = msgbox.make_box(main, "Warning", "Restaurar", "…", [("Aceptar", "accept")])
    with ayuda.en_capitulo(main, RESTAURAR):
        assert ayuda.capitulo_de(question) == RESTAURAR
        assert ayuda.capitulo_de(warning).archivo == "12_si_algo_sale_mal.md"
    # Outside those, the main window is its own chapter again.
    press_f1(qtbot, main)
    assert manual_of(main).capitulo == "01_primer_uso.md"


def test_escape_closes_the_manual(qtbot, services):
    window = shown(qtbot, RegistrosPatronalesDialog(services, ADMIN))
    press_f1(qtbot, QApplication.focusWidget() or window)
    manual = manual_of(window)
    qtbot.waitUntil(manual.isActiveWindow)
    qtbot.keyClick(manual.buscar, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not manual.isVisible())
    assert window.isVisible()  # the window it was opened from stays
