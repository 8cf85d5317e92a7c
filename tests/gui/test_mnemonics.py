"""Alt-letter mnemonics and Cerrar buttons: every
button, check box and labelled field of the login, Regístrate, Recuperar, Certificados,
Registros patronales and the ICSOE windows has its own letter, and the letters work.

And every window of the app, found by introspection: no two controls on screen at once share a letter, and Enter never presses a button
that cancels in a window with something to type."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog
from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.icsoe.recuperar import IcsoeRecuperarDialog
from icsoe_desktop.gui.idse.login import CONTROLES as CONTROLES_DEL_ACCESO
from icsoe_desktop.gui.idse.login import IdseLoginWindow
from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
from icsoe_desktop.gui.idse.restablecer_contrasena import RestablecerContrasenaDialog
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.services.acceso.accounts import Registration
from tests.gui.ventanas import PARTS, app_widget_classes, plain, sembrar, states, windows

WINDOWS = {
    "login": lambda s: IdseLoginWindow(s),
    "registrate": lambda s: IdseUsuariosDialog(s),
    "recuperar": lambda s: RecuperarContrasenaDialog(s),
    "restablecer": lambda s: RestablecerContrasenaDialog(s),
    "certificados": lambda s: CertificadosImssDialog(s),
    "registros": lambda s: RegistrosPatronalesDialog(s),
    "icsoe_inicio": lambda s: IcsoeInicioWindow(s),
    "icsoe_efirma": lambda s: IcsoeEfirmaDialog(s),
    "icsoe_crear": lambda s: IcsoeCrearContrasenaDialog(s),
    "icsoe_recuperar": lambda s: IcsoeRecuperarDialog(s),
}


def letter(text: str) -> str | None:
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def show(qtbot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.mark.parametrize("name", WINDOWS)
def test_every_control_has_its_own_letter(qtbot, services, name):
    window = show(qtbot, WINDOWS[name](services))
    controls = [
        w
        for w in window.findChildren(QWidget)
        if (isinstance(w, QAbstractButton) and w.text())
        or (isinstance(w, QLabel) and w.buddy() is not None)
    ]
    letters = [letter(w.text()) for w in controls]
    assert None not in letters, [w.text() for w in controls if letter(w.text()) is None]
    assert len(set(letters)) == len(letters), sorted(letters)


def press_alt(qtbot, window: QWidget, key: Qt.Key) -> None:
    target = window.focusWidget() or window
    qtbot.keyClick(target, key, Qt.KeyboardModifier.AltModifier)


def test_login_letters_reach_fields_and_links(qtbot, services):
    services.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", "Nom1na$Segura", "Nom1na$Segura", True)
    )
    login = show(qtbot, IdseLoginWindow(services))
    assert login.usuario.text() == "ana@nominas.com" and login.contrasena.hasFocus()
    press_alt(qtbot, login, Qt.Key.Key_U)  # the rich-text «Usuario:» label
    assert login.usuario.hasFocus()
    press_alt(qtbot, login, Qt.Key.Key_C)  # «Contraseña:»
    assert login.contrasena.hasFocus()
    with qtbot.waitSignal(login.register_requested, timeout=2_000):
        press_alt(qtbot, login, Qt.Key.Key_R)  # «Regístrate aquí»
    press_alt(qtbot, login, Qt.Key.Key_I)  # «Ingresar en modo sólo consulta»
    qtbot.waitUntil(login.solo_consulta.isChecked)


@pytest.mark.parametrize("make", [CertificadosImssDialog, IdseUsuariosDialog])
def test_cerrar_closes_certificados_and_registrate_by_its_letter(qtbot, services, modals, make):
    dialog = show(qtbot, make(services))
    assert dialog.cerrar.text() == "&Cerrar"
    press_alt(qtbot, dialog, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.DialogCode.Rejected


# --- every window of the app, walked -------------------------------------------------------------
#
# Every window and dialog class of ``icsoe_desktop.gui`` is opened on real data and walked through
# its pages (stacked pages, tab bars, the assistant's steps). In each state, the controls a clerk
# sees at once must not share an Alt-letter (menu titles included: Qt then only moves the focus
# between them, Alt+letter no longer presses anything), and the button Enter presses must not be
# one that cancels or leaves. A class found in the package and missing here fails the walk.

# What Enter must never press in a window: it would throw away what the clerk was doing.
CANCELA = {"cancelar", "cerrar", "regresar", "salir", "no", "atrás", "< atrás", "omitir este paso"}


def test_every_window_class_is_walked():
    walked = set(windows())
    assert set(PARTS.values()) <= walked
    assert app_widget_classes() == walked | set(PARTS)


def _problems(window: QWidget, state: str) -> list[str]:
    letters: dict[str, list[str]] = {}
    for bar in window.findChildren(QMenuBar):
        if bar.isVisible():
            for action in bar.actions():
                if action.isVisible() and (taken := letter(action.text())):
                    letters.setdefault(taken, []).append(f"menú {action.text()}")
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for index in range(bar.count()):
                if taken := letter(bar.tabText(index)):
                    letters.setdefault(taken, []).append(f"pestaña {bar.tabText(index)}")
    for widget in window.findChildren(QWidget):
        labelled = (isinstance(widget, QAbstractButton) and widget.text()) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        )
        if labelled and widget.isVisible() and (taken := letter(widget.text())):
            letters.setdefault(taken, []).append(widget.text())
    found = [
        f"{state}: Alt+{taken.upper()} en {' y '.join(texts)}"
        for taken, texts in letters.items()
        if len(texts) > 1
    ]
    found += [f"{state}: «{text}» sin letra" for text in _sin_letra(window)]
    for bar in window.findChildren(QMenuBar):
        for action in bar.actions():
            if action.menu() is not None:
                found += [f"{state}: {p}" for p in _menu_problems(action.menu(), action.text())]
    if _something_to_type(window):
        found += [
            f"{state}: Enter oprime «{button.text()}»"
            for button in window.findChildren(QPushButton)
            if button.isVisible() and button.isDefault() and plain(button.text()) in CANCELA
        ]
    return found


def letras(window: QWidget) -> dict[str, str]:
    """The Alt-letter of each button the window shows, by its name."""
    return {
        w.objectName(): taken
        for w in window.findChildren(QAbstractButton)
        if w.isVisible() and w.objectName() and (taken := letter(w.text()))
    }


def mismas_letras(*estados: dict[str, str]) -> dict[str, list[str]]:
    """The controls whose letter moved between the states (``letras`` of each): none should."""
    todas: dict[str, list[str]] = {}
    for estado in estados:
        for nombre, taken in estado.items():
            todas.setdefault(nombre, []).append(taken)
    return {nombre: vistas for nombre, vistas in todas.items() if len(set(vistas)) > 1}


def _sin_letra(window: QWidget) -> list[str]:
    """The controls on screen a clerk cannot reach by an Alt-letter. A radio button whose
    group has one with a letter is reached through it (the arrows choose)."""
    found = []
    for widget in window.findChildren(QWidget):
        labelled = (isinstance(widget, QAbstractButton) and widget.text()) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        )
        if not (labelled and widget.isVisible()) or letter(widget.text()):
            continue
        if isinstance(widget, QRadioButton) and any(
            letter(other.text())
            for other in widget.parentWidget().findChildren(QRadioButton)
            if other.isVisible()
        ):
            continue
        found.append(widget.text())
    return found


def _menu_problems(menu: QMenu, path: str) -> list[str]:
    """In an open menu each item answers its letter alone: one each, none repeated."""
    found: list[str] = []
    seen: dict[str, list[str]] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.text():
            continue
        if taken := letter(action.text()):
            seen.setdefault(taken, []).append(action.text())
        else:
            found.append(f"{plain(path)} › «{action.text()}» sin letra")
        if action.menu() is not None:
            found += _menu_problems(action.menu(), action.text())
    found += [
        f"{plain(path)}: {taken.upper()} en {' y '.join(texts)}"
        for taken, texts in seen.items()
        if len(texts) > 1
    ]
    return found


def _something_to_type(window: QWidget) -> bool:
    """A field or a choice on screen: what Enter must not throw away. A window only to read
    (a list, the aviso de privacidad) may well close on Enter."""
    for widget in window.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()):
            continue
        if isinstance(widget, QComboBox | QAbstractSpinBox):
            return True
        if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit) and not widget.isReadOnly():
            return True
    return False


@pytest.mark.slow
def test_no_window_repeats_or_lacks_a_letter_nor_cancels_on_enter(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    mundo = sembrar(services, data_dir, tmp_path, smtp_configured)
    problems: dict[str, list[str]] = {}
    for name, build in windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        window.show()
        found = [p for state in states(window) for p in _problems(window, state)]
        if found:
            problems[name] = found
        window.hide()
    assert not problems, "\n".join(f"{n}: {p}" for n, found in problems.items() for p in found)


def test_actualizar_usuario_answers_its_letter_and_telefono_takes_no_letter(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    """Modificar usuario: the button's new text gets a letter no menu has (Alt+S opened
    «Sesión»), and its letter presses it from Teléfono, which takes digits only."""
    from icsoe_desktop.services.capturistas.administracion import MSG_ACTUALIZADO
    from tests.icsoe_helpers import CURP_BETO, form

    mundo = sembrar(services, data_dir, tmp_path, smtp_configured)
    # Beto, registered and not active yet: his data may still be edited.
    services.capturistas.alta(mundo.rfc, form(CURP_BETO, "Beto", "García", "Ruiz"))
    window = show(qtbot, windows()["icsoe.contratista.IcsoeContratistaWindow"](mundo))
    page = window.alta
    window.paginas.setCurrentWidget(page)
    [beto] = [row for row in window.consulta.model.rows if row.curp == CURP_BETO]
    page.edit(beto)
    assert plain(page.guardar.text()) == "actualizar usuario"
    key = letter(page.guardar.text())
    menus = {letter(action.text()) for action in window.menuBar().actions()}
    assert key is not None and key not in menus
    telefono = page.telefono.text()
    page.telefono.setFocus()
    qtbot.keyClicks(page.telefono, "abc")
    assert page.telefono.text() == telefono
    press_alt(qtbot, window, getattr(Qt.Key, f"Key_{key.upper()}"))
    qtbot.waitUntil(lambda: MSG_ACTUALIZADO in modals.texts)
    beto = services.capturistas.fila(mundo.rfc, beto.id)
    assert beto.telefono == telefono == "5512345678"  # saved as it was: no «u» typed into it


@pytest.mark.slow
def test_each_estado_of_the_informativa_reaches_its_actions_by_their_letters(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured, monkeypatch
):
    """En captura, signed (the capture row and the contract buttons hidden, not greyed: their
    letters go to the portal's rejections and the acuse), with the portal's rejections, and a
    Corrección en captura: every control on screen has its own letter, and the letter works;
    nothing is squashed or on top of another."""
    from PySide6.QtWidgets import QFileDialog

    from icsoe_desktop.domain.informativa.modelo import CORRECCION
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from tests import credentials_factory as cf
    from tests.gui.helpers import wait_operations
    from tests.gui.test_disposicion import defectos

    def revisar(window: QWidget, estado: str) -> list[str]:
        QApplication.processEvents()  # laid out again for the estado's texts
        return _problems(window, estado) + defectos(window, estado)

    from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores
    from tests.services.test_informativa_rechazos import MOTIVO_NSS, portal_xlsx

    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    window = show(qtbot, InformativaWindow(services, rfc, rfc, uuid, True))
    assert revisar(window, "en captura") == []
    assert window.trabajadores.nss.isVisible() and window.firmar.isVisible()
    vistas = [letras(window)]  # a control keeps its letter in every estado

    fiel = tmp_path / "fiel"
    services.informativa_firma.firmar(
        uuid, rfc, fiel / f"{rfc}.cer", fiel / f"{rfc}.key", cf.PASSWORD
    )
    window.recargar_encabezado()  # as after «Firmar…»
    capturan = (window.trabajadores.nss, window.trabajadores.agregar, window.nuevo_contrato)
    assert not any(control.isVisible() for control in capturan)
    assert not window.firmar.isVisible() and not window.revisar.isVisible()
    assert revisar(window, "firmada") == []
    vistas.append(letras(window))

    t = services.informativa_trabajadores.pagina(contrato, ana, 0, 3)
    portal = portal_xlsx(tmp_path / "rechazos.xlsx", [(1, t[1].nss, t[1].curp, 500, MOTIVO_NSS)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(portal), ""))
    importar = letter(window.rechazos.importar.text())
    assert importar is not None
    modals.answer("Aceptar")
    press_alt(qtbot, window, getattr(Qt.Key, f"Key_{importar.upper()}"))
    wait_operations(qtbot)
    qtbot.waitUntil(window.trabajadores.rechazados.isVisible)
    assert revisar(window, "con rechazos del portal") == []
    vistas.append(letras(window))
    solo = letter(window.trabajadores.rechazados.text())
    assert solo is not None
    window.activateWindow()  # back from the message that said how many were marked
    qtbot.waitUntil(window.isActiveWindow)
    press_alt(qtbot, window, getattr(Qt.Key, f"Key_{solo.upper()}"))
    qtbot.waitUntil(window.trabajadores.rechazados.isChecked)
    qtbot.waitUntil(lambda: window.trabajadores.total.text().endswith("rechazado por el portal"))
    window.close()

    correccion = services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    window = show(qtbot, InformativaWindow(services, rfc, rfc, correccion, True))
    assert window.trabajadores.corregir.isVisible() and window.rechazos.exportar.isVisible()
    assert revisar(window, "corrección en captura") == []
    firmada = show(qtbot, InformativaWindow(services, rfc, rfc, uuid, True))  # opened signed
    assert mismas_letras(*vistas, letras(window), letras(firmada)) == {}


def test_a_control_shown_again_gets_another_letter_if_its_own_was_given_meanwhile(qtbot):
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    from icsoe_desktop.gui.kit import mnemonics

    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    revisar, rechazos = QPushButton("Revisar", dialog), QPushButton("Rechazos", dialog)
    layout.addWidget(revisar)
    layout.addWidget(rechazos)
    show(qtbot, dialog)
    rechazos.hide()
    mnemonics.assign(dialog)
    assert letter(revisar.text()) == "r"
    revisar.hide()  # the estado changes: the other control, shown, takes the free letter
    rechazos.show()
    mnemonics.assign(dialog)
    assert letter(rechazos.text()) == "r"
    revisar.show()  # both on screen: one letter each, none shared
    mnemonics.assign(dialog)
    taken = [letter(revisar.text()), letter(rechazos.text())]
    assert None not in taken and taken[0] != taken[1]
    with qtbot.waitSignal(revisar.clicked, timeout=2_000):
        press_alt(qtbot, dialog, getattr(Qt.Key, f"Key_{taken[0].upper()}"))


@pytest.mark.parametrize(
    "controles",
    [
        # A label gives its letter up before a button does: «AB» takes the label's B.
        [("Bx:", True), ("Ay", False), ("AB", False), ("&Otro", False)],
        CONTROLES_DEL_ACCESO,
    ],
)
def test_texts_given_their_letters_before_the_controls_exist_are_those_assign_gives(
    qtbot, controles
):
    from PySide6.QtWidgets import QFormLayout

    from icsoe_desktop.gui.kit import mnemonics

    window = QWidget()
    form = QFormLayout(window)
    widgets: list[QWidget] = []
    for text, is_label in controles:
        if is_label:
            label = QLabel(text)
            label.setBuddy(QLineEdit())
            form.addRow(label, label.buddy())
            widgets.append(label)
        else:
            button = QPushButton(text)
            form.addRow(button)
            widgets.append(button)
    qtbot.addWidget(window)
    mnemonics.assign(window, widgets)
    given = [w.text() for w in widgets]

    assert mnemonics.con_letras(controles) == given
    assert None not in [letter(t) for t in given] and len({letter(t) for t in given}) == len(given)
