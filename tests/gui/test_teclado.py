"""Enter, Escape and the first focus, as a clerk working by keyboard meets them. The letters of
every window: test_mnemonics.py; the Consulta grid: test_icsoe_consulta_teclado.py."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.icsoe.seleccionar_contratista import MSG_ELIGE
from icsoe_desktop.gui.idse.login import MSG_SALIR, IdseLoginWindow
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from tests import credentials_factory as cf
from tests.gui.helpers import ENTER, type_text
from tests.gui.helpers import alt as alt_de_caja
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, NEW_PASSWORD, enter_contratista
from tests.informativa_servicios import capturista_activa

ADMIN = "admin@nominas.com"
PASSWORD = "Nom1na$Segura"


def shown(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def alt(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.AltModifier)


# --- Escape ----------------------------------------------------------------------------------


def test_escape_in_the_login_asks_and_leaves_only_if_told(qtbot, services, modals):
    login = shown(qtbot, IdseLoginWindow(services))
    login.contrasena.setFocus()
    type_text(qtbot, login.contrasena, "a medias")
    modals.answer("Cancelar")
    qtbot.keyClick(login.contrasena, Qt.Key.Key_Escape)
    assert modals.messages[-1].text == MSG_SALIR
    assert modals.messages[-1].buttons == ("Salir", "Cancelar")
    assert login.isVisible()
    qtbot.waitUntil(login.contrasena.hasFocus)  # back where the clerk was typing
    assert login.contrasena.text() == "a medias"  # kept: the clerk stays
    modals.answer(ENTER)  # Escape, then Enter: Salir
    qtbot.keyClick(login.contrasena, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not login.isVisible())
    assert login.contrasena.text() == ""


def test_escape_closes_the_icsoe_start_window(qtbot, services):
    inicio = shown(qtbot, IcsoeInicioWindow(services))
    closed = []
    inicio.closed.connect(lambda: closed.append(True))
    qtbot.keyClick(inicio.usuario, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not inicio.isVisible())
    assert closed == [True]  # the app shows the login again


# --- the first focus -------------------------------------------------------------------------


def test_usuarios_from_the_menu_starts_in_nombre(qtbot, services, modals):
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    main = shown(qtbot, VentanaPrincipal(services, ADMIN, "Ana Ruiz"))
    focused = {}

    def usuarios(dialog) -> None:
        assert isinstance(dialog, IdseUsuariosDialog)
        focused["widget"] = QApplication.focusWidget()
        type_text(qtbot, QApplication.focusWidget(), "Beto")
        focused["nombre"] = dialog.nombre.text()
        modals.answer("No")  # «¿Guardar los cambios?»: what was typed is only a try
        dialog.reject()

    modals.handle(usuarios)
    main.usuarios_action.trigger()
    assert focused["nombre"] == "Beto"


def test_crear_contrasena_from_the_link_starts_in_the_password(qtbot, services):
    dialog = shown(qtbot, IcsoeCrearContrasenaDialog(services, "icsoe://activar?codigo=ABCDE23456"))
    assert dialog.contrasena.hasFocus()
    plain = shown(qtbot, IcsoeCrearContrasenaDialog(services))  # no code yet: type it first
    assert plain.codigo.hasFocus()


# --- Enter -----------------------------------------------------------------------------------


def test_enter_on_the_login_links_opens_them_as_space_does(qtbot, services):
    login = shown(qtbot, IdseLoginWindow(services))
    for link, signal in (
        (login.registrate, login.register_requested),
        (login.olvido, login.recover_requested),
        (login.icsoe, login.icsoe_requested),
    ):
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            link.setFocus()
            with qtbot.waitSignal(signal, timeout=1_000):
                qtbot.keyClick(link, key)


def test_enter_presses_the_focused_button_of_a_window_that_is_not_a_dialog(
    qtbot, services, data_dir, tmp_path, modals
):
    """As Space does: in ICSOE's start, «Ingresa con firma electrónica» opens its dialog; in
    the contratista's datos generales (a domicilio social not typed), Ubicar and Guardar
    check it and say what is missing."""
    inicio = shown(qtbot, IcsoeInicioWindow(services))
    inicio.efirma.setFocus()
    qtbot.keyClick(inicio.efirma, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(modals.dialogs) == 1)  # Ingresa con firma electrónica, closed
    assert modals.dialogs[0].objectName() == "IcsoeEfirmaDialog"

    rfc = enter_contratista(services, data_dir, tmp_path)
    ventana = shown(qtbot, IcsoeContratistaWindow(services, services.contratistas.sesion(rfc)))
    ventana.show_datos_generales()
    pagina = ventana.datos_generales
    pagina.no.setChecked(True)
    for boton, dicho in (
        (pagina.ubicar, "código postal"),
        (pagina.guardar, "del domicilio social"),
    ):
        modals.answer(ENTER)
        boton.setFocus()
        vistos = len(modals.messages)
        qtbot.keyClick(boton, Qt.Key.Key_Enter)
        qtbot.waitUntil(lambda vistos=vistos: len(modals.messages) > vistos)
        assert dicho in modals.texts[-1], boton.objectName()
        ventana.activateWindow()


def test_enter_on_a_check_box_of_the_login_is_continuar(qtbot, services, modals):
    """Ingresar en modo sólo consulta checked, Enter where the focus stays (on the check):
    Continuar answers, as a dialog's default button would; so does Enter on Mostrar
    contraseña (here: the wrong password said)."""
    from icsoe_desktop.gui.idse.login import MSG_SOLO_CONSULTA

    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    login = shown(qtbot, IdseLoginWindow(services))
    login.contrasena.setFocus()
    qtbot.keyClicks(login.contrasena, "no es")
    login.mostrar.setFocus()
    modals.answer(ENTER)
    qtbot.keyClick(login.mostrar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert "contraseña" in modals.texts[0].lower()
    login.activateWindow()
    login.solo_consulta.setFocus()
    qtbot.keyClick(login.solo_consulta, Qt.Key.Key_Space)
    assert login.solo_consulta.isChecked()
    modals.answer(ENTER)
    with qtbot.waitSignal(login.consulta_requested, timeout=2_000):
        qtbot.keyClick(login.solo_consulta, Qt.Key.Key_Enter)
    assert modals.texts[-1] == MSG_SOLO_CONSULTA


@pytest.mark.parametrize("usuario", [None, ADMIN], ids=["solo consulta", "sesion"])
def test_the_main_window_opens_on_its_first_control_never_on_salir(qtbot, services, usuario):
    """The focus chain is a ring: its start would be Salir, and the clerk's first Enter would
    close the app. It starts on the first control as the window reads: the Configuración
    inicial band's button while it shows, else Exportar Excel®."""
    main = shown(qtbot, VentanaPrincipal(services, usuario))
    primero = main.pendientes_button if usuario else main.movimientos.exportar
    assert main.pendientes.isVisible() is (usuario is not None)
    assert QApplication.focusWidget() is primero


@pytest.mark.parametrize("tecleado", ["01062026", "01/06/2026"])
def test_a_date_is_typed_over_sin_fecha(qtbot, services, tecleado):
    """Fecha inicial shows «(sin fecha)»: the date typed is read whole, with or without its
    slashes (Qt wrote it after the special text, and a slash skipped a section)."""
    from datetime import date

    main = shown(qtbot, VentanaPrincipal(services, None))
    fecha = main.movimientos.fecha_inicial
    assert fecha.text() == "(sin fecha)"
    fecha.setFocus()
    qtbot.keyClicks(fecha, tecleado)
    assert fecha.date().toPython() == date(2026, 6, 1)
    assert fecha.text() == "01/06/2026"
    qtbot.keyClick(fecha, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is main.movimientos.fecha_final


def test_ctrl_tab_and_ctrl_shift_tab_change_the_movimientos_tab_from_anywhere(qtbot, services):
    """Windows' keys for tabs: Ctrl+Tab the next (from Todos round to Reingresos in sólo
    consulta, which has no Lotes), Ctrl+Mayús+Tab the previous, wherever the focus is."""
    main = shown(qtbot, VentanaPrincipal(services, None))
    vista = main.movimientos
    vista.fecha_inicial.setFocus()
    for esperado in (1, 2, 3, 0):
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier
        )
        assert vista.tabs.currentIndex() == esperado
    main.salir.setFocus()  # outside the movimientos
    atras = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main.salir, Qt.Key.Key_Backtab, atras)
    assert vista.tabs.currentIndex() == 3  # Todos: round the start
    assert main.salir.hasFocus()  # the focus stays where the clerk was


def test_a_question_of_two_buttons_gives_each_its_letter(qtbot, modals):
    """«¿Deseas eliminar…?»: Enter answers the safe Cancelar, Esc too; Continuar by Alt+C
    without Tab. A box that chose its own letters keeps them."""
    from icsoe_desktop.gui.kit import msgbox

    modals.answer(alt_de_caja("C"), ENTER)
    assert msgbox.question(None, "¿Deseas eliminar el certificado?") is True
    assert msgbox.question(None, "¿Deseas eliminar el certificado?") is False
    assert [m.buttons for m in modals.messages] == [("Continuar", "Cancelar")] * 2
    box, botones = msgbox.make_box(
        None, "Question", "", "¿Salir?", [("Ahora &no", "reject"), ("&Salir", "accept")]
    )
    assert [b.text() for b in botones] == ["Ahora &no", "&Salir"]
    box.deleteLater()
    box, botones = msgbox.make_box(
        None, "Question", "", "¿Guardar?", [("Continuar", "accept"), ("Cancelar", "reject")]
    )
    assert [b.text() for b in botones] == ["&Continuar", "C&ancelar"]
    box.deleteLater()


def test_enter_in_a_search_parameter_is_buscar(qtbot, services, tmp_path):
    """Registro patronal, a date or Estado aviso chosen, Enter there: the grid searched, as
    a form's default button would; Enter in the grid searches nothing."""
    from tests.gui.helpers import wait_operations
    from tests.services.movimientos_data import REGISTRO_B, load_known

    load_known(services, tmp_path)
    main = shown(qtbot, VentanaPrincipal(services, None))
    vista = main.movimientos
    vista.tabs.setCurrentIndex(3)  # Todos
    assert vista.model.total == 6
    vista.registro.setFocus()
    qtbot.keyClick(vista.registro, Qt.Key.Key_B)  # B1234567105
    assert vista.registro.currentText() == REGISTRO_B and vista.model.total == 6
    qtbot.keyClick(vista.registro, Qt.Key.Key_Return)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: vista.model.total == 2)
    vista.fecha_inicial.setFocus()
    qtbot.keyClicks(vista.fecha_inicial, "01072026")
    qtbot.keyClick(vista.fecha_inicial, Qt.Key.Key_Enter)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: vista.model.total == 1)  # LUIS, 01/07/2026
    vista.registro.setCurrentIndex(0)  # Todos, not searched yet
    vista.tabla.setFocus()
    qtbot.keyClick(vista.tabla, Qt.Key.Key_Return)
    wait_operations(qtbot)
    assert vista.model.total == 1


def test_no_volver_a_preguntar_is_ticked_by_its_letter(qtbot):
    """The sign-in's «Certificados IMSS» question: its check box has a letter of its own,
    apart from the buttons'; Alt and it ticks the box, Enter answers."""
    from PySide6.QtCore import QTimer

    from icsoe_desktop.gui.application import MSG_NO_VOLVER_A_PREGUNTAR, MSG_REGISTRA_CERTIFICADOS
    from icsoe_desktop.gui.kit import msgbox

    vistas: list[str] = []

    errores: list[BaseException] = []

    def teclear() -> None:
        caja = QApplication.activeModalWidget()
        try:
            caja.activateWindow()  # as Windows makes it (offscreen Qt has no window manager)
            qtbot.waitUntil(caja.isActiveWindow)
            casilla = caja.checkBox()
            vistas.extend([casilla.text(), *(b.text() for b in caja.buttons())])
            letra = casilla.text()[casilla.text().index("&") + 1]
            qtbot.keyClick(
                caja, getattr(Qt.Key, f"Key_{letra.upper()}"), Qt.KeyboardModifier.AltModifier
            )
            qtbot.waitUntil(casilla.isChecked)
            qtbot.keyClick(caja, Qt.Key.Key_Return)
        except BaseException as exc:  # the test fails with it, instead of waiting forever
            errores.append(exc)
            caja.reject()

    QTimer.singleShot(0, teclear)
    abrir, callar = msgbox.question_with_check(
        None,
        MSG_REGISTRA_CERTIFICADOS,
        MSG_NO_VOLVER_A_PREGUNTAR,
        yes="&Abrir Certificados IMSS",
        no="Ahora &no",
    )
    assert not errores, errores
    assert (abrir, callar) == (True, True)
    letras = [t[t.index("&") + 1].lower() for t in vistas]
    assert len(set(letras)) == 3, vistas


# --- Ctrl+F ----------------------------------------------------------------------------------


def test_ctrl_f_reaches_the_find_box_from_anywhere_in_the_main_window(
    qtbot, services, tmp_path, modals
):
    from tests.gui.helpers import wait_operations
    from tests.services.movimientos_data import add_registros, known_rows, write_csv

    add_registros(services)
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    main = shown(qtbot, VentanaPrincipal(services, ADMIN, "Ana Ruiz"))
    movimientos = main.movimientos
    for where in (movimientos.importar, movimientos.exportar, main.salir, movimientos.tabs):
        where.setFocus()
        qtbot.keyClick(where, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert movimientos.buscar_edit.hasFocus(), where.objectName()
    # After an import started from its button, wherever its message leaves the focus.
    movimientos.importar.setFocus()
    modals.answer(ENTER)
    movimientos.import_from(write_csv(tmp_path / "bueno.csv", known_rows()))
    wait_operations(qtbot)
    assert modals.messages[-1].text.startswith("Se importaron 6 movimientos nuevos")
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    focused = QApplication.focusWidget() or main
    assert focused is not movimientos.buscar_edit
    qtbot.keyClick(focused, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert movimientos.buscar_edit.hasFocus()
    # In Lotes, its own box.
    movimientos.tabs.setCurrentIndex(movimientos.tabs.count() - 1)
    main.salir.setFocus()
    qtbot.keyClick(main.salir, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert movimientos.lotes.buscar.hasFocus()


def test_enter_in_seleccionar_contratista_continues(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    rfc, curp = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    window = shown(
        qtbot,
        IcsoeCapturistaWindow(
            services, services.acceso_capturista.iniciar_sesion(curp, NEW_PASSWORD)
        ),
    )

    def seleccionar(dialog) -> None:
        dialog.select_rfc(rfc)
        modals.answer(ENTER)  # the confirmation: «¿Estás seguro…?» → Enter
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Return)  # Enter in the list: Siguiente
        if dialog.isVisible():  # Enter answered Cancelar: the test fails, it does not hang
            dialog.reject()

    modals.handle(seleccionar)
    window.open_seleccionar()
    assert modals.messages[-1].title == "Seleccionar Contratista"
    assert window.contratista is not None and window.contratista.rfc == rfc == cf.RFC_MORAL
    assert curp == CURP_ANA


@pytest.mark.parametrize("key", [Qt.Key.Key_Home, Qt.Key.Key_Down], ids=["Home", "Down"])
def test_home_or_down_chooses_the_only_contratista(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured, key
):
    """The focus puts the table's cursor on its one row; Home or Down there chooses it, and
    Enter goes on to the confirmation instead of «Selecciona el contratista…»."""
    rfc, curp = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    window = shown(
        qtbot,
        IcsoeCapturistaWindow(
            services, services.acceso_capturista.iniciar_sesion(curp, NEW_PASSWORD)
        ),
    )

    def seleccionar(dialog) -> None:
        assert dialog.tabla.hasFocus() and dialog.model.rowCount() == 1
        qtbot.keyClick(dialog.tabla, key)
        assert dialog.model.index(0, 0).data() == "◉"
        modals.answer(ENTER)  # «¿Estás seguro…?»: Continuar
        qtbot.keyClick(dialog.tabla, Qt.Key.Key_Return)
        if dialog.isVisible():  # «Selecciona el contratista…»: the test fails, it does not hang
            dialog.reject()

    modals.handle(seleccionar)
    window.open_seleccionar()
    assert MSG_ELIGE not in modals.texts
    assert window.contratista is not None and window.contratista.rfc == rfc


def test_the_alta_keeps_its_letters_on_a_second_visit(qtbot, services, data_dir, tmp_path, modals):
    rfc = enter_contratista(services, data_dir, tmp_path)
    window = shown(qtbot, IcsoeContratistaWindow(services, services.contratistas.sesion(rfc)))
    alta = window.alta
    letters = {w.objectName(): w.text() for w in (alta.validar, alta.guardar, alta.limpiar)}
    assert alta.validar.text() == "&Validar" and alta.guardar.text() == "&Guardar"
    window.show_consulta()
    window.show_informativas()
    window.show_alta()  # the second visit
    assert {w.objectName(): w.text() for w in (alta.validar, alta.guardar, alta.limpiar)} == letters
    type_text(qtbot, alta.curp, CURP_BETO)
    alt(qtbot, Qt.Key.Key_V)  # Validar
    qtbot.waitUntil(lambda: "HOMBRE" in alta.curp_info.text().upper())
    assert alta.nombre.isEnabled() and alta.nombre.hasFocus()
