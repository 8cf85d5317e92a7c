"""Alt-letter mnemonics and Cerrar buttons: every
button, check box and labelled field of the login, Regístrate, Recuperar, Certificados,
Registros patronales and the ICSOE windows has its own letter, and the letters work.

And every window of the app, found by introspection: no two controls on screen at once share a letter, and Enter never presses a button
that cancels in a window with something to type."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
    QWizard,
)

from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog
from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.icsoe.recuperar import IcsoeRecuperarDialog
from icsoe_desktop.gui.idse.login import IdseLoginWindow
from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
from icsoe_desktop.gui.idse.restablecer_contrasena import RestablecerContrasenaDialog
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.services.acceso.accounts import Registration

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

ADMIN = "admin@nominas.com"
PASSWORD = "Nom1na$Segura"
# What Enter must never press in a window: it would throw away what the clerk was doing.
CANCELA = {"cancelar", "cerrar", "regresar", "salir", "no", "atrás", "< atrás", "omitir este paso"}


@dataclass
class Mundo:
    """What the windows need, made through the real services."""

    services: object
    rfc: str
    informativa: str
    contrato: str
    movimiento: int


def sembrar(services, data_dir, tmp_path, smtp) -> Mundo:
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores

    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    create_demo_movimientos(services.store, 12, services.movimientos.today())
    rfc, _curp = capturista_activa(services, data_dir, tmp_path, smtp)
    informativa = services.informativas.crear(rfc, rfc, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, rfc, informativa)
    pendientes = [p for r in services.movimientos.registros() for p in services.lotes.pendientes(r)]
    return Mundo(services, rfc, informativa, contrato, pendientes[0].id)


def _windows() -> dict[str, Callable[[Mundo], QWidget]]:
    """Each window class (``module.Class``) and how a clerk gets it on screen."""
    from icsoe_desktop.domain.informativa.modelo import Problema
    from icsoe_desktop.gui import aviso_privacidad, manual, ventana_principal
    from icsoe_desktop.gui.certificados import emisores_confiables, generar_pfx
    from icsoe_desktop.gui.certificados import imss as certificados_imss
    from icsoe_desktop.gui.configuracion import correo as configuracion_correo
    from icsoe_desktop.gui.configuracion import inicial as configuracion_inicial
    from icsoe_desktop.gui.empresas import cambiar as cambiar_empresa
    from icsoe_desktop.gui.empresas import por_usuario as empresas_por_usuario
    from icsoe_desktop.gui.empresas import registros_patronales
    from icsoe_desktop.gui.icsoe import capturista as icsoe_capturista
    from icsoe_desktop.gui.icsoe import contratista as icsoe_contratista
    from icsoe_desktop.gui.icsoe import crear_contrasena as icsoe_crear_contrasena
    from icsoe_desktop.gui.icsoe import efirma as icsoe_efirma
    from icsoe_desktop.gui.icsoe import elegir_empresa
    from icsoe_desktop.gui.icsoe import inicio as icsoe_inicio
    from icsoe_desktop.gui.icsoe import recuperar as icsoe_recuperar
    from icsoe_desktop.gui.icsoe import seleccionar_contratista as icsoe_seleccionar_contratista
    from icsoe_desktop.gui.icsoe import terminos as icsoe_terminos
    from icsoe_desktop.gui.idse import login as idse_login
    from icsoe_desktop.gui.idse import (
        recuperar_contrasena,
        restablecer_contrasena,
        restablecer_por_administrador,
    )
    from icsoe_desktop.gui.idse import usuarios as idse_usuarios
    from icsoe_desktop.gui.informativa import (
        contratante,
        contrato,
        copiar_contrato,
        trabajadores_empresa,
        vencimientos,
    )
    from icsoe_desktop.gui.informativa import firmar as informativa_firmar
    from icsoe_desktop.gui.informativa import nueva as informativa_nueva
    from icsoe_desktop.gui.informativa import problemas as informativa_problemas
    from icsoe_desktop.gui.informativa import ventana as informativa
    from icsoe_desktop.gui.informativa import verificar as verificar_constancia
    from icsoe_desktop.gui.movimientos import corregir as corregir_movimiento
    from icsoe_desktop.gui.movimientos import rechazos as rechazos_importacion
    from icsoe_desktop.gui.sync import configuracion as sincronizacion
    from icsoe_desktop.gui.sync import conflictos
    from icsoe_desktop.services.capturistas.acceso import CapturistaSesion
    from icsoe_desktop.services.movimientos.importar import LineaRechazada
    from tests.icsoe_helpers import CURP_ANA

    def contratista(m: Mundo) -> QWidget:
        window = icsoe_contratista.IcsoeContratistaWindow(
            m.services, m.services.contratistas.sesion(m.rfc)
        )
        window.show_consulta()  # the pages built on first use, walked with the others
        window.show_informativas()
        return window

    def capturista(m: Mundo) -> QWidget:
        window = icsoe_capturista.IcsoeCapturistaWindow(
            m.services, CapturistaSesion(CURP_ANA, "ANA LÓPEZ MARTÍNEZ")
        )
        window.set_contratista(m.services.acceso_capturista.contratistas_de(CURP_ANA)[0])
        return window

    return {
        "aviso_privacidad.AvisoPrivacidadDialog": lambda m: (
            aviso_privacidad.AvisoPrivacidadDialog()
        ),
        "empresas.cambiar.CambiarEmpresaDialog": lambda m: cambiar_empresa.CambiarEmpresaDialog(
            m.services, ADMIN
        ),
        "empresas.cambiar.NuevaEmpresaDialog": lambda m: cambiar_empresa.NuevaEmpresaDialog(
            m.services, ADMIN
        ),
        "certificados.imss.CertificadosImssDialog": lambda m: (
            certificados_imss.CertificadosImssDialog(m.services, ADMIN)
        ),
        "configuracion.correo.ConfiguracionCorreoDialog": lambda m: (
            configuracion_correo.ConfiguracionCorreoDialog(m.services, ADMIN)
        ),
        "configuracion.inicial.ConfiguracionInicialWizard": lambda m: (
            configuracion_inicial.ConfiguracionInicialWizard(
                m.services, ADMIN, dict.fromkeys(configuracion_inicial.ORDER, lambda _p: None)
            )
        ),
        "sync.conflictos.ConflictosDialog": lambda m: conflictos.ConflictosDialog(
            m.services, ADMIN
        ),
        "informativa.contratante.ContratanteDialog": lambda m: contratante.ContratanteDialog(
            m.services, m.rfc, m.rfc
        ),
        "informativa.contrato.ContratoDialog": lambda m: contrato.ContratoDialog(
            m.services, m.rfc, m.rfc, m.informativa, m.contrato
        ),
        "informativa.copiar_contrato.CopiarContratoDialog": lambda m: (
            copiar_contrato.CopiarContratoDialog(m.services, m.rfc, m.rfc, m.informativa)
        ),
        "movimientos.corregir.CorregirMovimientoDialog": lambda m: (
            corregir_movimiento.CorregirMovimientoDialog(
                m.services, m.movimiento, "NSS no vigente", ADMIN
            )
        ),
        "icsoe.elegir_empresa.ElegirEmpresaDialog": lambda m: elegir_empresa.ElegirEmpresaDialog(
            m.services.empresas.listar()
        ),
        "certificados.emisores_confiables.EmisoresConfiablesDialog": lambda m: (
            emisores_confiables.EmisoresConfiablesDialog(m.services, ADMIN)
        ),
        "empresas.por_usuario.EmpresasPorUsuarioDialog": lambda m: (
            empresas_por_usuario.EmpresasPorUsuarioDialog(m.services, ADMIN)
        ),
        "certificados.generar_pfx.GenerarPfxDialog": lambda m: generar_pfx.GenerarPfxDialog(
            m.services, ADMIN
        ),
        "icsoe.capturista.IcsoeCapturistaWindow": capturista,
        "icsoe.contratista.IcsoeContratistaWindow": contratista,
        "icsoe.crear_contrasena.IcsoeCrearContrasenaDialog": lambda m: (
            icsoe_crear_contrasena.IcsoeCrearContrasenaDialog(m.services)
        ),
        "icsoe.efirma.IcsoeEfirmaDialog": lambda m: icsoe_efirma.IcsoeEfirmaDialog(m.services),
        "icsoe.inicio.IcsoeInicioWindow": lambda m: icsoe_inicio.IcsoeInicioWindow(m.services),
        "icsoe.recuperar.IcsoeRecuperarDialog": lambda m: icsoe_recuperar.IcsoeRecuperarDialog(
            m.services
        ),
        "icsoe.seleccionar_contratista.IcsoeSeleccionarContratistaDialog": lambda m: (
            icsoe_seleccionar_contratista.IcsoeSeleccionarContratistaDialog(m.services, CURP_ANA)
        ),
        "icsoe.terminos.IcsoeTerminosDialog": lambda m: icsoe_terminos.IcsoeTerminosDialog(),
        "idse.login.IdseLoginWindow": lambda m: idse_login.IdseLoginWindow(m.services),
        "idse.usuarios.IdseUsuariosDialog": lambda m: idse_usuarios.IdseUsuariosDialog(
            m.services, ADMIN
        ),
        "informativa.ventana.InformativaWindow": lambda m: informativa.InformativaWindow(
            m.services, m.rfc, m.rfc, m.informativa, True
        ),
        "informativa.firmar.FirmarInformativaDialog": lambda m: (
            informativa_firmar.FirmarInformativaDialog(m.services, m.rfc, m.informativa, "")
        ),
        "informativa.nueva.NuevaInformativaDialog": lambda m: (
            informativa_nueva.NuevaInformativaDialog(m.services, m.rfc, m.rfc)
        ),
        "informativa.problemas.ProblemasImportacionDialog": lambda m: (
            informativa_problemas.ProblemasImportacionDialog(
                "", [Problema("x", "Falta el objeto del contrato.")]
            )
        ),
        "movimientos.rechazos.RechazosDialog": lambda m: rechazos_importacion.RechazosDialog(
            "", [LineaRechazada(2, "NSS inválido")]
        ),
        "idse.recuperar_contrasena.RecuperarContrasenaDialog": lambda m: (
            recuperar_contrasena.RecuperarContrasenaDialog(m.services)
        ),
        "manual.ManualWindow": lambda m: manual.ManualWindow(),
        "empresas.registros_patronales.RegistrosPatronalesDialog": lambda m: (
            registros_patronales.RegistrosPatronalesDialog(m.services, ADMIN)
        ),
        "idse.restablecer_contrasena.RestablecerContrasenaDialog": lambda m: (
            restablecer_contrasena.RestablecerContrasenaDialog(m.services)
        ),
        "idse.restablecer_por_administrador.RestablecerPorAdministradorDialog": lambda m: (
            restablecer_por_administrador.RestablecerPorAdministradorDialog(
                m.services, ADMIN, ADMIN
            )
        ),
        "sync.configuracion.SincronizacionDialog": lambda m: sincronizacion.SincronizacionDialog(
            m.services, ADMIN
        ),
        "informativa.trabajadores_empresa.TrabajadoresEmpresaDialog": lambda m: (
            trabajadores_empresa.TrabajadoresEmpresaDialog(m.services, m.rfc, m.contrato)
        ),
        "informativa.vencimientos.VencimientosDialog": lambda m: vencimientos.VencimientosDialog(
            m.services, ADMIN
        ),
        "informativa.verificar.VerificarConstanciaDialog": lambda m: (
            verificar_constancia.VerificarConstanciaDialog(m.services)
        ),
        "ventana_principal.VentanaPrincipal": lambda m: ventana_principal.VentanaPrincipal(
            m.services, ADMIN, "Ana Ruiz"
        ),
    }


# Widgets that live inside a window above (walked with it), never on screen by themselves.
PARTS = {
    "configuracion.inicial._StepPage": "configuracion.inicial.ConfiguracionInicialWizard",
    "configuracion.inicial._EmpresaPage": "configuracion.inicial.ConfiguracionInicialWizard",
    "informativa.contrato._TextoCorrido": "informativa.contrato.ContratoDialog",
    "kit.fecha_edit.FechaEdit": "movimientos.corregir.CorregirMovimientoDialog",
    "icsoe.alta_usuario.IcsoeAltaUsuarioPage": "icsoe.contratista.IcsoeContratistaWindow",
    "icsoe.consulta.IcsoeConsultaPage": "icsoe.contratista.IcsoeContratistaWindow",
    "icsoe.datos_generales.IcsoeDatosGeneralesPage": "icsoe.contratista.IcsoeContratistaWindow",
    "informativa.inicio.InformativasInicio": "icsoe.capturista.IcsoeCapturistaWindow",
    "movimientos.lotes.LotesPanel": "ventana_principal.VentanaPrincipal",
    "manual._Pagina": "manual.ManualWindow",
    "movimientos.ventana.MovimientosIdse": "ventana_principal.VentanaPrincipal",
    "empresas.selector.EmpresaSelector": "idse.login.IdseLoginWindow",
}


def app_widget_classes() -> set[str]:
    import icsoe_desktop.gui as gui

    found: set[str] = set()
    for info in pkgutil.walk_packages(gui.__path__, gui.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, QWidget)
                and value.__module__ == module.__name__
            ):
                found.add(f"{info.name.removeprefix(gui.__name__ + '.')}.{name}")
    return found


def test_every_window_class_is_walked():
    windows = set(_windows())
    assert set(PARTS.values()) <= windows
    assert app_widget_classes() == windows | set(PARTS)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip(" .…").lower()


def _states(window: QWidget) -> Iterator[str]:
    """Each page a clerk can bring up, made current in turn."""
    yield "al abrir"
    if isinstance(window, QWizard):
        # Reached with Siguiente, every step but the first shows «< Atrás» too.
        window.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, False)
        for page_id in window.pageIds():
            window.setStartId(page_id)
            window.restart()
            yield f"paso {window.currentPage().objectName()}"
        return
    for bar in window.findChildren(QTabBar):
        if bar.isVisible() and not isinstance(bar.parentWidget(), QTabWidget):
            for index in range(bar.count()):
                bar.setCurrentIndex(index)
                yield f"pestaña «{_plain(bar.tabText(index))}»"
    for stack in window.findChildren(QStackedWidget):
        if not stack.isVisible():
            continue
        owner = stack.parentWidget()
        for index in range(stack.count()):
            if isinstance(owner, QTabWidget):
                owner.setCurrentIndex(index)
            else:
                stack.setCurrentIndex(index)
            yield f"{stack.objectName() or 'páginas'}[{stack.currentWidget().objectName()}]"


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
    if _something_to_type(window):
        found += [
            f"{state}: Enter oprime «{button.text()}»"
            for button in window.findChildren(QPushButton)
            if button.isVisible() and button.isDefault() and _plain(button.text()) in CANCELA
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


def test_no_window_repeats_a_letter_nor_cancels_on_enter(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    mundo = sembrar(services, data_dir, tmp_path, smtp_configured)
    problems: dict[str, list[str]] = {}
    for name, build in _windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        window.show()
        found = [p for state in _states(window) for p in _problems(window, state)]
        if found:
            problems[name] = found
        window.hide()
    assert not problems, "\n".join(f"{n}: {p}" for n, found in problems.items() for p in found)
