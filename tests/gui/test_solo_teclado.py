"""The guides' main paths walked with the keyboard only, in the real windows: every step is a
key pressed where the focus is (QTest.keyClick / keyClicks), never a click and never a call of
the window's methods; the test reads the screen and the store only to check where it got.
Message boxes are answered with Enter, their Alt-letter, or Tab to the button and Space (one
left to the driver's default, a click, fails the test, as does a dialog left unhandled); a file
is chosen by typing its path in Qt's own file dialog. Offscreen Qt has no window manager: when a
dialog closes, the window it came from is made active again as Windows would (``al_frente``).
tests/gui/test_gestor_de_ventanas.py runs this file again on an X display with a window manager
and real key presses (tests/gui/teclas.py): there no window is made active by the test.

Covered, each from the app's first window (the login): a fresh installation's first day (the
first user, the Configuración inicial); the CONTPAQi guide whole: sign-in and Importar
movimientos…, Ingresar en modo sólo consulta (the search, the tabs, Exportar Excel®, Acceso a
IDSE), Registro de Certificados IMSS (an IMSS .pfx, an e.firma .cer and .key, Eliminar, the
alert on leaving), «Regístrate aquí», «¿Olvidó su contraseña?» (the code from a real SMTP
server) and the Lotes (generate, IDSE's result, correct a rejected one); and through
«Ingresar a ICSOE»: the contratista's guide (its first e.firma entry, the datos generales with
a domicilio social and the acuse STPS, a capturista given of alta, Consulta, Exportar Excel),
the alta de usuarios guide (Administración › Alta de usuarios), the informativa cycle (from
the e.firma entry to the registered filing) and the capturista's guide (Seleccionar
Contratista to a worker captured in its informativa). The tests that start on a store made
beforehand run the app on the tests' clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QWidget
from shiboken6 import isValid

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.icsoe.inicio import MSG_DATOS_GENERALES, IcsoeInicioWindow
from icsoe_desktop.gui.informativa.inicio import InformativasInicio
from icsoe_desktop.gui.informativa.presentacion import MSG_REGISTRADA_NO_PROBADA
from icsoe_desktop.gui.informativa.ventana import MSG_SIN_INCONSISTENCIAS, InformativaWindow
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.contratistas import MSG_FIEL_EXITOSA
from icsoe_desktop.services.empresas.primer_uso import (
    CERTIFICADOS,
    CORREO,
    EMPRESA,
    REGISTROS,
    SELLO_TIEMPO,
    SINCRONIZACION,
)
from icsoe_desktop.services.movimientos.servicio import Filtro
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.gui import teclas
from tests.gui.helpers import ENTER, alt, tab_hasta, wait_operations
from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD, trust_sat
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import CLIENTE, PERIODO, acuse_del_imss, capturista_una_vez
from tests.services.movimientos_data import add_registros, write_csv
from tests.services.test_import_files import many_rows

ADMIN = "admin@nominas.com"
PASSWORD = "Nom1na$Segura"
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def modals(modals):
    """Every box and dialog answered by a key the test names: one left to the driver (which
    would click its first button or close it) fails the test."""
    modals.solo_teclado = True
    return modals


def al_frente(qtbot, ventana: QWidget) -> None:
    """The window the clerk sees next is the active one. Offscreen the test makes it so (what
    Windows does when a dialog closes); under a window manager (tests/gui/teclas.py) it must
    be so by itself."""
    teclas.activa(qtbot, ventana)


def foco() -> QWidget:
    """Where a key goes: an open menu, else the focused control."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, "nada tiene el foco"
    return widget


def escribir(texto: str) -> None:
    """Typed a key at a time; a letter off the ASCII keys (ñ, á) as the key that writes it."""
    teclas.teclear(foco(), texto)


def tecla(key: Qt.Key, modificador: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    teclas.pulsar(foco(), key, modificador)


def letra(caracter: str) -> None:
    """Alt and the underlined letter."""
    tecla(getattr(Qt.Key, f"Key_{caracter.upper()}"), ALT)


def alt_de(control: QWidget) -> None:
    """Alt and the letter the control shows underlined (for a field, its label's)."""
    texto = control.text()
    assert "&" in texto, f"«{texto}» no tiene letra"
    letra(texto[texto.index("&") + 1])


def letra_del_menu(accion) -> None:
    """In an open menu, the letter its item shows underlined (a letter alone, as Windows)."""
    texto = accion.text()
    assert "&" in texto, f"«{texto}» no tiene letra"
    tecla(getattr(Qt.Key, f"Key_{texto[texto.index('&') + 1].upper()}"))


def ir_a(ventana: QWidget, campo: QWidget) -> None:
    """To a field by its label's letter."""
    (etiqueta,) = [e for e in ventana.findChildren(QLabel) if e.buddy() is campo]
    alt_de(etiqueta)
    assert foco() is campo or foco().parent() is campo, foco().objectName()


def elegir_archivo(path: Path):
    """A handler for the file dialog: the path typed in its name box, then Enter."""

    def teclear(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), type(dialog)
        assert isinstance(foco(), QLineEdit)  # the dialog opens on its name box
        escribir(str(path))
        tecla(Qt.Key.Key_Return)

    return teclear


def abrir_icsoe(qtbot, app: Application) -> IcsoeInicioWindow:
    """The app started, and from its first window (the login) «Ingresar a ICSOE
    (contratistas y capturistas)» by its letter: the ICSOE start, active."""
    app.start()
    login = app.login
    al_frente(qtbot, login)
    qtbot.waitUntil(lambda: app.services is not None, timeout=20_000)
    alt_de(login.icsoe)
    qtbot.waitUntil(lambda: app.icsoe is not None and app.icsoe.isVisible())
    inicio = app.icsoe
    al_frente(qtbot, inicio)
    return inicio


def entrar_con_efirma(qtbot, modals, inicio: IcsoeInicioWindow, carpeta: Path, *despues):
    """From the ICSOE start: Ingresa con firma electrónica, the RFC, the .cer and .key of the
    factory's persona moral chosen in the file dialog, the contraseña, Validar («La validación
    de la FIEL fue exitosa»), Ingresar. ``despues``: what comes next, a handler for a dialog or
    the answer to a message box. Gives the contratista's window."""
    cer, key = cf.fiel_moral().write(carpeta / "firma")

    def efirma(dialogo: QWidget) -> None:
        ir_a(dialogo, dialogo.rfc)
        escribir(cf.RFC_MORAL)
        for boton, campo in (
            (dialogo.certificado_button, dialogo.certificado),
            (dialogo.llave_button, dialogo.llave),
        ):
            alt_de(boton)  # the file dialog, answered below
            qtbot.waitUntil(lambda campo=campo: campo.text() != "")
            al_frente(qtbot, dialogo)
        ir_a(dialogo, dialogo.contrasena)
        escribir(cf.PASSWORD)
        tecla(Qt.Key.Key_Return)  # Validar
        wait_operations(qtbot)  # checked in the background
        qtbot.waitUntil(lambda: MSG_FIEL_EXITOSA in modals.texts)
        qtbot.waitUntil(dialogo.ingresar.isEnabled)
        al_frente(qtbot, dialogo)
        assert foco() is dialogo.ingresar
        tecla(Qt.Key.Key_Return)  # Ingresar

    modals.handle(efirma)
    modals.handle(elegir_archivo(cer))
    modals.handle(elegir_archivo(key))
    modals.answer(ENTER)  # «La validación de la FIEL fue exitosa»
    for paso in despues:
        if isinstance(paso, str):
            modals.answer(paso)
        else:
            modals.handle(paso)
    alt_de(inicio.efirma)
    qtbot.waitUntil(lambda: inicio.contratista_window is not None, timeout=20_000)
    ventana = inicio.contratista_window
    qtbot.addWidget(ventana)
    qtbot.waitUntil(ventana.isVisible)
    al_frente(qtbot, ventana)
    return ventana


def capturar_capturista(qtbot, ventana) -> None:
    """In the contratista's Alta de usuarios: Ana's CURP, Validar, her names, telephone and
    mail typed (over what Validar wrote). Guardar is the caller's."""
    alta = ventana.alta
    ir_a(alta, alta.curp)
    escribir(CURP_ANA)
    alt_de(alta.validar)  # the CURP's name, if known, written in the form
    qtbot.waitUntil(alta.nombre.isEnabled)
    al_frente(qtbot, ventana)
    for campo, texto in (
        (alta.nombre, "Ana"),
        (alta.primer_apellido, "López"),
        (alta.segundo_apellido, "Martínez"),
        (alta.telefono, "5512345678"),
        (alta.correo, "ana@capturas.mx"),
        (alta.confirmar_correo, "ana@capturas.mx"),
    ):
        ir_a(alta, campo)
        tecla(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # what Validar wrote, replaced
        escribir(texto)


def nueva_con_contrato(qtbot, modals, inicio: InformativasInicio):
    """From the informativas by period: Nueva informativa… for mayo–agosto 2026, and in it a
    contract for the client captured before. Gives the informativa's uuid and window."""

    def nueva(dialogo: QWidget) -> None:
        tecla(Qt.Key.Key_Down)  # mayo–agosto 2026
        tecla(Qt.Key.Key_Return)  # Crear

    modals.handle(nueva)
    alt_de(inicio.nueva)
    qtbot.waitUntil(lambda: len(inicio.ventanas) == 1)
    ((uuid, informativa),) = inicio.ventanas.items()
    assert informativa.fila.periodo == PERIODO
    qtbot.waitUntil(informativa.isActiveWindow)

    def contrato(dialogo: QWidget) -> None:
        assert foco() is dialogo.contratante
        tecla(Qt.Key.Key_Down)  # the client
        for campo, texto in (
            (dialogo.objeto, "Limpieza especializada de la planta Norte"),
            (dialogo.folio_repse, "12345/2025"),
            (dialogo.descripcion, "Servicios de limpieza industrial especializada"),
            (dialogo.fecha_inicial.edit, "15/05/2026"),
        ):
            ir_a(dialogo, campo)
            escribir(texto)
        tecla(Qt.Key.Key_Return)  # Guardar

    modals.handle(contrato)
    alt_de(informativa.nuevo_contrato)
    qtbot.waitUntil(lambda: informativa.contrato_actual() is not None)
    al_frente(qtbot, informativa)
    return uuid, informativa


def capturar_trabajadores(qtbot, informativa: InformativaWindow, cuantos: int) -> None:
    """Workers typed in the contract's panel: NSS, Tab, CURP, Tab, SBC, Tab, Space on Agregar."""
    panel = informativa.trabajadores
    for t in trabajadores_limpios(cuantos, random.Random(41), PERIODO.anio):
        ir_a(informativa, panel.nss)
        for texto in (t.nss, t.curp, f"{t.sbc / 100:.2f}"):
            escribir(texto)
            tecla(Qt.Key.Key_Tab)
        assert foco() is panel.agregar
        tecla(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.model.rowCount() == cuantos)


def iniciar_sesion(qtbot, app: Application, modals, *respuestas: str | Callable[[QWidget], None]):
    """The app started and signed in from its first window by keys: the only user written
    already, the contraseña typed, Enter. ``respuestas``: the answers to «Certificados IMSS»
    (its question after the sign-in) and to what follows (a handler for a dialog). Gives the
    main window, active."""
    app.start()
    login = app.login
    qtbot.waitUntil(lambda: login.continuar.isEnabled(), timeout=20_000)
    al_frente(qtbot, login)
    assert foco() is login.contrasena and login.usuario.text() == ADMIN
    escribir(PASSWORD)
    for respuesta in respuestas:
        if isinstance(respuesta, str):
            modals.answer(respuesta)
        else:
            modals.handle(respuesta)
    tecla(Qt.Key.Key_Return)  # Continuar
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=20_000)
    main = app.main
    qtbot.waitUntil(lambda: bool(modals.messages))  # the certificates' question, answered
    al_frente(qtbot, main)
    return main


def test_contpaqi_sign_in_and_import_movimientos_by_keyboard(qtbot, data_dir, tmp_path, modals):
    """Guide «De CONTPAQi a IDSE»: sign in, Importar movimientos…, the file, the result."""
    services = open_services(data_dir)
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    add_registros(services)
    services.close()
    archivo = write_csv(tmp_path / "contpaqi noviembre.csv", many_rows(40))

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        main = iniciar_sesion(qtbot, app, modals, alt("N"))  # «Certificados IMSS»: Ahora no
        modals.handle(elegir_archivo(archivo))
        modals.answer(ENTER)  # «Se importaron 40 movimientos nuevos…»
        letra("m")  # Importar &movimientos…
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: len(modals.messages) == 2)
        assert modals.texts[-1].startswith("Se importaron 40 movimientos nuevos")
        assert app.services.movimientos.count(Filtro()) == 40
        al_frente(qtbot, main)
    finally:
        app.shutdown()


def test_the_first_day_by_keyboard(qtbot, data_dir, tmp_path, modals):
    """A fresh installation: Regístrate aquí (focused by itself), the first user, sign in; the
    Configuración inicial opens by itself: the empresa typed, its registros patronales imported
    from Excel, the other steps skipped (Omitir este paso)."""
    libro = Workbook()
    libro.active.append(["Registro patronal", "RFC", "Razón social"])
    libro.active.append(["Y5412345106", cf.RFC_MORAL, cf.NOMBRE_MORAL])
    registros = tmp_path / "registros patronales.xlsx"
    libro.save(registros)

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        login = app.login
        al_frente(qtbot, login)
        qtbot.waitUntil(lambda: login.registrate.hasFocus(), timeout=20_000)

        def registrar(dialogo: QWidget) -> None:
            assert foco() is dialogo.nombre
            for campo, texto in (
                (dialogo.nombre, "Ana"),
                (dialogo.primer_apellido, "Ruiz"),
                (dialogo.usuario, ADMIN),
                (dialogo.contrasena, PASSWORD),
                (dialogo.confirmacion, PASSWORD),
            ):
                ir_a(dialogo, campo)
                escribir(texto)
            alt_de(dialogo.aviso)  # Acepto el aviso de privacidad
            qtbot.waitUntil(dialogo.aviso.isChecked)  # a mnemonic clicks a moment later
            tecla(Qt.Key.Key_Return)  # Guardar
            qtbot.waitUntil(lambda: dialogo.model.rowCount() == 1)
            al_frente(qtbot, dialogo)
            tecla(Qt.Key.Key_Escape)  # Cerrar

        modals.handle(registrar)
        modals.answer(ENTER)  # «Se guardó el usuario…»
        tecla(Qt.Key.Key_Return)  # Regístrate aquí: at once, or once the services are built
        qtbot.waitUntil(lambda: login.usuario.text() == ADMIN, timeout=20_000)
        al_frente(qtbot, login)
        assert login.usuario.text() == ADMIN and foco() is login.contrasena
        escribir(PASSWORD)
        modals.handle(lambda asistente: None)  # window-modal, driven below
        tecla(Qt.Key.Key_Return)  # Continuar
        qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=20_000)
        main = app.main
        qtbot.waitUntil(lambda: main.configuracion_inicial is not None)
        asistente = main.configuracion_inicial
        qtbot.waitUntil(asistente.isVisible)
        al_frente(qtbot, asistente)

        codigo = asistente.currentPage()  # the recovery code first, its last group typed back
        ir_a(codigo, codigo.confirmar)
        escribir(codigo.codigo.text().split("-")[-1])
        tecla(Qt.Key.Key_Return)  # Siguiente
        qtbot.waitUntil(lambda: getattr(asistente.currentPage(), "clave", None) == EMPRESA)
        pagina = asistente.currentPage()
        for campo, texto in ((pagina.rfc, cf.RFC_MORAL), (pagina.razon_social, cf.NOMBRE_MORAL)):
            ir_a(pagina, campo)
            escribir(texto)
        tecla(Qt.Key.Key_Return)  # Siguiente, which saves
        qtbot.waitUntil(lambda: asistente.currentPage().clave == REGISTROS)
        modals.handle(elegir_archivo(registros))
        modals.answer(ENTER)  # «Se guardó 1 registro patronal.»
        letra("i")  # Importar registros de Excel…
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: modals.texts[-1:] == ["Se guardó 1 registro patronal."])
        al_frente(qtbot, asistente)
        letra("s")  # Siguiente
        for clave in (CORREO, CERTIFICADOS, SELLO_TIEMPO, SINCRONIZACION):
            qtbot.waitUntil(lambda clave=clave: asistente.currentPage().clave == clave)
            letra("o")  # Omitir este paso
        qtbot.waitUntil(lambda: not isValid(asistente))  # Omitir on the last step ends it
        al_frente(qtbot, main)
        servicios = app.services
        assert servicios.primer_uso.empresa().rfc == cf.RFC_MORAL
        assert [r.registro for r in servicios.registros.listar()] == ["Y5412345106"]
        assert main.pendientes.isVisible()
    finally:
        app.shutdown()


def test_the_contratista_guide_by_keyboard(qtbot, data_dir, tmp_path, smtp_server, modals):
    """The contratista's guide from the app's first window: Ingresar a ICSOE, Ingresa con firma
    electrónica (the RFC, the .cer and .key chosen in the file dialog, the contraseña, Validar,
    Ingresar), the Términos y Condiciones accepted, the datos generales notice; the datos
    generales typed (contacto; domicilio social not the fiscal one: código postal, colonia,
    Ubicar, its components, Aceptar; the acuse STPS chosen) and saved; then a capturista given
    of alta and the Administración menu's Consulta and Exportar Excel."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.icsoe.datos_generales import MSG_GUARDADO
    from icsoe_desktop.services.capturistas.administracion import MSG_GUARDADO as MSG_ALTA
    from tests.icsoe_helpers import write_pdf

    trust_sat(data_dir)
    servicios = open_services(data_dir)
    servicios.settings.save_smtp(smtp_server.settings(), None, actor=CLI_ACTOR)
    servicios.close()
    acuse_stps = write_pdf(tmp_path / "stps", "acuse padron stps.pdf")
    excel = tmp_path / "capturistas.xlsx"

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        inicio = abrir_icsoe(qtbot, app)

        def terminos(dialogo: QWidget) -> None:
            assert dialogo.windowTitle() == "Términos y Condiciones"
            tecla(Qt.Key.Key_Return)  # Ingresar: the terms accepted

        ventana = entrar_con_efirma(
            qtbot,
            modals,
            inicio,
            tmp_path,
            terminos,
            ENTER,  # «registra los datos generales»
        )
        assert modals.texts[-2:] == [MSG_FIEL_EXITOSA, MSG_DATOS_GENERALES]
        pagina = ventana.datos_generales
        assert ventana.paginas.currentWidget() is pagina

        # Registro de Datos Generales: contacto, then the domicilio social (a persona moral),
        # from field to field with Tab as the page reads, buttons pressed with Enter.
        ir_a(pagina, pagina.correo)
        for texto in ("contacto@empresa.com.mx", "5512345678", "5552382700"):
            escribir(texto)  # correo, celular, teléfono fijo
            tecla(Qt.Key.Key_Tab)
        assert foco() is pagina.si  # the question, nothing chosen yet: its first answer
        tecla(Qt.Key.Key_Right)  # to No
        tecla(Qt.Key.Key_Space)  # chosen: not its domicilio fiscal
        qtbot.waitUntil(lambda: pagina.no.isChecked() and pagina.codigo_postal.isVisible())
        for texto in ("", "06600", "Juárez"):  # from No to the código postal, the colonia
            escribir(texto)
            tecla(Qt.Key.Key_Tab)
        assert foco() is pagina.ubicar
        tecla(Qt.Key.Key_Return)  # Ubicar
        qtbot.waitUntil(pagina.calle.isVisible)
        assert foco() is pagina.calle
        for texto in ("Paseo de la Reforma", "476", "", "Cuauhtémoc"):  # número interior: none
            escribir(texto)
            tecla(Qt.Key.Key_Tab)
        assert foco() is pagina.entidad
        escribir("Ciudad")  # the list's keyboard search: Ciudad de México
        tecla(Qt.Key.Key_Tab)
        assert foco() is pagina.aceptar_domicilio
        tecla(Qt.Key.Key_Return)  # Aceptar
        qtbot.waitUntil(lambda: "Paseo de la Reforma 476" in pagina.resumen.text())
        modals.handle(elegir_archivo(acuse_stps))
        alt_de(pagina.acuse_button)  # Acuse de registro en padrón de la STPS
        qtbot.waitUntil(lambda: pagina.acuse_label.text() == acuse_stps.name)
        al_frente(qtbot, ventana)
        modals.answer(ENTER)  # «Los datos generales del contratista se guardaron…»
        tecla(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Guardar
        qtbot.waitUntil(lambda: MSG_GUARDADO in modals.texts)
        datos = app.services.contratistas.datos_generales(cf.RFC_MORAL)
        assert (datos.correo, datos.celular, datos.telefono_fijo) == (
            "contacto@empresa.com.mx",
            "5512345678",
            "5552382700",
        )
        assert datos.domicilio_igual_fiscal is False
        assert (datos.codigo_postal, datos.colonia, datos.calle, datos.numero_exterior) == (
            "06600",
            "Juárez",
            "Paseo de la Reforma",
            "476",
        )
        assert (datos.municipio, datos.entidad) == ("Cuauhtémoc", "Ciudad de México")
        assert app.services.contratistas.acuse(cf.RFC_MORAL).nombre == acuse_stps.name

        # Alta de usuarios, where the window goes after the first datos generales.
        qtbot.waitUntil(lambda: ventana.paginas.currentWidget() is ventana.alta)
        al_frente(qtbot, ventana)
        capturar_capturista(qtbot, ventana)
        modals.answer(ENTER)  # «Se guardó…»
        tecla(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Guardar
        qtbot.waitUntil(lambda: MSG_ALTA in modals.texts)
        assert app.services.capturistas.total(cf.RFC_MORAL) == 1
        qtbot.waitUntil(lambda: ventana.paginas.currentWidget() is ventana.consulta)
        assert ventana.consulta.model.rowCount() == 1

        # Administración › Exportar Excel: the capturistas in a workbook.
        al_frente(qtbot, ventana)
        modals.handle(elegir_archivo(excel))
        modals.answer(tab_hasta("Aceptar"))  # «Se generó el archivo…»: Aceptar, not Abrir
        letra("a")  # the menu Administración
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
        for _ in range(3):  # Información del contratista, Alta de usuarios, Consulta
            tecla(Qt.Key.Key_Down)
        tecla(Qt.Key.Key_Return)  # Exportar Excel
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: any(t.startswith("Se generó el archivo") for t in modals.texts))
        assert excel.exists()
        al_frente(qtbot, ventana)
    finally:
        app.shutdown()


# --- the informativa cycle ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured) -> str:
    """The contratista's RFC (a capturista active with it: capturista_una_vez)."""
    return _quien_una_vez[1][0]


@pytest.fixture
def app(services, data_dir, qtbot):
    """The app on the test's store and clock (``services`` made it; it reads it too)."""
    aplicacion = Application(data_dir, clock=services.clock)
    qtbot.addWidget(aplicacion.login)
    yield aplicacion
    aplicacion.shutdown()


def test_the_informativa_cycle_by_keyboard(qtbot, services, quien, app, modals, tmp_path):
    """The informativa cycle of the contratista's guide: its e.firma entry, Informativas ›
    Informativas por periodo, Nueva informativa…, a contract for a client captured before, two
    workers typed, Revisar, Firmar… (the e.firma it entered with, offered: its contraseña
    typed), its constancia saved, and the IMSS acuse registered with Registrar presentación…"""
    rfc = quien
    services.informativas.guardar_contratante(rfc, rfc, CLIENTE)  # the client, captured before
    ventana = entrar_con_efirma(qtbot, modals, abrir_icsoe(qtbot, app), tmp_path)
    # It lands on its informativas; the menu Informativas › Informativas por periodo as well.
    assert ventana.informativas is not None and ventana.informativas.isVisible()
    letra("i")  # the menu Informativas
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    tecla(Qt.Key.Key_Return)  # Informativas por periodo
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    assert ventana.informativas.isVisible()
    uuid, informativa = nueva_con_contrato(qtbot, modals, ventana.informativas)
    capturar_trabajadores(qtbot, informativa, 2)

    modals.answer(ENTER)  # «sin inconsistencias»
    alt_de(informativa.revisar)
    qtbot.waitUntil(lambda: MSG_SIN_INCONSISTENCIAS in modals.texts)

    def firmar(dialogo: QWidget) -> None:
        # The e.firma it entered with, offered: only its contraseña is asked.
        assert dialogo.certificado.text().endswith(".cer") and foco() is dialogo.contrasena
        escribir(cf.PASSWORD)
        tecla(Qt.Key.Key_Return)  # Firmar

    modals.handle(firmar)
    constancia = tmp_path / "constancia de firma.pdf"
    modals.handle(elegir_archivo(constancia))
    # «¿Deseas guardar su constancia…?»: Guardar constancia…; «Se guardó la constancia…»: Enter
    modals.answer(tab_hasta("Guardar constancia…"), ENTER)
    al_frente(qtbot, informativa)
    alt_de(informativa.firmar)
    qtbot.waitUntil(lambda: constancia.exists())
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: modals.texts[-1].startswith("Se guardó la constancia de firma"))
    assert modals.texts[-2].startswith("La informativa quedó firmada.")
    assert services.informativas.fila(uuid, rfc).estado == "firmada"
    assert constancia.read_bytes().startswith(b"%PDF")

    # Filed on the IMSS portal the next day: its acuse registered here.
    services.clock.now = datetime(2026, 11, 23, 18, 0)  # 12:00 in Central Mexico
    acuse = tmp_path / "acuse del imss.pdf"
    acuse.write_bytes(acuse_del_imss(rfc, fecha="23/11/2026 10:15:30"))

    def registrar(dialogo: QWidget) -> None:
        alt_de(dialogo.elegir)
        qtbot.waitUntil(lambda: dialogo.folio.text() != "")  # read from the acuse
        al_frente(qtbot, dialogo)
        alt_de(dialogo.registrar)

    modals.handle(registrar)
    modals.handle(elegir_archivo(acuse))
    modals.answer(tab_hasta("Registrar"), ENTER)  # «¿Registrar…?», «quedó presentada»
    al_frente(qtbot, informativa)
    alt_de(informativa.presentacion)
    qtbot.waitUntil(lambda: services.informativas.fila(uuid, rfc).estado == "presentada")
    wait_operations(qtbot)
    assert modals.texts[-1] == MSG_REGISTRADA_NO_PROBADA.format(folio="N262253432")
    assert informativa.solo_lectura.text().startswith("Presentada el 23/11/2026 10:15")
    al_frente(qtbot, informativa)  # not the contratista's window behind it


def test_the_capturista_guide_by_keyboard(qtbot, services, quien, app, modals):
    """The capturista's guide: Usuario (her CURP) and Contraseña in the ICSOE start, Seleccionar
    Contratista, her contratista chosen in the list, Siguiente, Continuar; then, in its
    pantalla de inicio, a new informativa with a contract and a worker captured."""
    rfc = quien
    services.informativas.guardar_contratante(rfc, rfc, CLIENTE)  # the client, captured before
    inicio = abrir_icsoe(qtbot, app)
    ir_a(inicio, inicio.usuario)
    escribir(CURP_ANA)
    tecla(Qt.Key.Key_Return)  # on to Contraseña
    escribir(NEW_PASSWORD)
    tecla(Qt.Key.Key_Return)  # Ingresar
    qtbot.waitUntil(lambda: inicio.capturista_window is not None, timeout=20_000)
    ventana = inicio.capturista_window
    qtbot.addWidget(ventana)
    al_frente(qtbot, ventana)

    def seleccionar(dialogo: QWidget) -> None:
        assert foco() is dialogo.tabla
        tecla(Qt.Key.Key_Home)  # the first contratista, her only one
        tecla(Qt.Key.Key_Return)  # Siguiente, and Continuar in the confirmation
        if dialogo.isVisible():  # «Selecciona el contratista…»: the test fails, it does not hang
            dialogo.reject()

    modals.handle(seleccionar)
    modals.answer(ENTER)  # «Elegiste trabajar con el contratista…»: Continuar
    alt_de(ventana.seleccionar)
    qtbot.waitUntil(lambda: ventana.informativas is not None)
    assert rfc in modals.texts[-1] and ventana.contratista.rfc == rfc
    al_frente(qtbot, ventana)
    uuid, informativa = nueva_con_contrato(qtbot, modals, ventana.informativas)
    capturar_trabajadores(qtbot, informativa, 1)
    (contrato,) = services.informativas.contratos(uuid, CURP_ANA)
    assert contrato.contratante_rfc == CLIENTE.rfc and contrato.trabajadores == 1


def test_alta_de_usuarios_by_keyboard(
    qtbot, services, data_dir, tmp_path, smtp_configured, app, modals
):
    """The alta de usuarios guide: the contratista's e.firma entry, Administración › Alta de
    usuarios, the CURP validated, the names, telephone and mail typed, Guardar."""
    from icsoe_desktop.services.capturistas.administracion import MSG_GUARDADO
    from tests.icsoe_helpers import enter_contratista

    rfc = enter_contratista(services, data_dir, tmp_path)
    ventana = entrar_con_efirma(qtbot, modals, abrir_icsoe(qtbot, app), tmp_path)
    letra("a")  # the menu Administración
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    tecla(Qt.Key.Key_Down)  # Información del contratista, Alta de usuarios
    tecla(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ventana.paginas.currentWidget() is ventana.alta)
    capturar_capturista(qtbot, ventana)
    modals.answer(ENTER)  # «Se guardó…»
    alt_de(ventana.alta.guardar)
    qtbot.waitUntil(lambda: MSG_GUARDADO in modals.texts)
    assert services.capturistas.total(rfc) == 1
    assert ventana.paginas.currentWidget() is ventana.consulta
    al_frente(qtbot, ventana)


# --- the CONTPAQi guide, whole ------------------------------------------------------------------


class _Navegador(QObject):
    """The system's browser: the addresses it was asked to open."""

    def __init__(self, abiertas: list[str]) -> None:
        super().__init__()
        self.abiertas = abiertas

    @Slot(QUrl)
    def abrir(self, url: QUrl) -> None:
        self.abiertas.append(url.toString())


def test_contpaqi_solo_consulta_by_keyboard(qtbot, data_dir, tmp_path, modals):
    """Guide «Acceso a conexión en línea con IDSE», Ingresar en modo sólo consulta: the check
    by its letter, Enter (Continuar), the alert's Aceptar; in the module, the search typed
    (registro patronal, fecha inicial, estado aviso, Buscar), the tabs by the arrows, Exportar
    Excel® to a file typed in the file dialog."""
    from openpyxl import load_workbook

    from icsoe_desktop.gui.idse.login import MSG_SOLO_CONSULTA
    from icsoe_desktop.gui.movimientos.ventana import IDSE_URL
    from icsoe_desktop.services.movimientos.servicio import COLUMNS
    from tests.services.movimientos_data import REGISTRO_A, load_known

    services = open_services(data_dir)
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    load_known(services, tmp_path)
    services.close()
    excel = tmp_path / "movimientos consulta.xlsx"

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        login = app.login
        qtbot.waitUntil(lambda: login.continuar.isEnabled(), timeout=20_000)
        al_frente(qtbot, login)
        alt_de(login.solo_consulta)
        qtbot.waitUntil(login.solo_consulta.isChecked)
        modals.answer(ENTER)  # the alert: Aceptar
        tecla(Qt.Key.Key_Return)  # Continuar
        qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=20_000)
        assert modals.texts == [MSG_SOLO_CONSULTA]
        main = app.main
        assert main.read_only
        al_frente(qtbot, main)
        vista = main.movimientos
        assert foco() is vista.exportar  # the first control, not Salir

        def nombres() -> list[str]:
            columna = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
            return sorted(
                vista.model.index(r, columna).data() for r in range(vista.model.rowCount())
            )

        ir_a(main, vista.registro)
        escribir("Y")  # the list's keyboard search: Y5412345106
        assert vista.registro.currentText() == REGISTRO_A
        alt_de(vista.buscar_button)
        qtbot.waitUntil(lambda: nombres() == ["CLAUDIA", "OSCAR"])  # Reingresos
        ir_a(main, vista.fecha_inicial)
        escribir("01/06/2026")  # over «(sin fecha)»
        assert vista.fecha_inicial.date().toPython() == date(2026, 6, 1)
        tecla(Qt.Key.Key_Tab)  # Fecha final: none
        assert foco() is vista.fecha_final
        tecla(Qt.Key.Key_Tab)
        tecla(Qt.Key.Key_Tab)  # past Estado aviso (Todos) and the find box
        tecla(Qt.Key.Key_Tab)
        assert foco() is vista.buscar_button
        tecla(Qt.Key.Key_Return)  # Buscar
        qtbot.waitUntil(lambda: nombres() == [])  # no reingreso since June
        tecla(Qt.Key.Key_Tab)
        assert foco() is vista.tabs
        for _ in range(3):
            tecla(Qt.Key.Key_Right)  # Mod Salarios, Bajas, Todos
        qtbot.waitUntil(lambda: nombres() == ["JUAN", "KARLA"])
        ir_a(main, vista.estado)
        escribir("P")  # Pendiente
        assert vista.estado.currentText() == "Pendiente"
        tecla(Qt.Key.Key_Return)  # Buscar
        qtbot.waitUntil(lambda: nombres() == ["JUAN"])

        # Exportar Excel®: the search in a workbook, typed in the file dialog.
        modals.handle(elegir_archivo(excel))
        modals.answer(alt("C"))  # «Se exportó 1 movimiento…»: Cerrar, not opened
        alt_de(vista.exportar)
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: any(t.startswith("Se exportó 1 movimiento") for t in modals.texts))
        hoja = load_workbook(excel).active
        assert [c.value for c in hoja[2]][:2] == [REGISTRO_A, "JUAN"]
        assert hoja.max_row == 2

        # Acceso a IDSE: the IMSS site in the browser.
        al_frente(qtbot, main)
        abiertas: list[str] = []
        navegador = _Navegador(abiertas)
        QDesktopServices.setUrlHandler("https", navegador, "abrir")
        try:
            alt_de(vista.acceso_idse)
            qtbot.waitUntil(lambda: abiertas != [])  # a letter clicks a moment later
        finally:
            QDesktopServices.unsetUrlHandler("https")
        assert abiertas == [IDSE_URL]
        assert vista.lotes is None  # no Lotes in sólo consulta
    finally:
        app.shutdown()


def test_contpaqi_certificados_imss_by_keyboard(qtbot, data_dir, tmp_path, modals):
    """Guide, Registro de Certificados IMSS, from the sign-in's warning (Abrir Certificados
    IMSS by its letter): a registro patronal chosen, its IMSS .pfx chosen in the file dialog,
    usuario and contraseña typed, Guardar (Enter) — another employer's first: «Certificado no
    dado de alta», then its own; the other registro's e.firma, .cer and
    .key, the usuario written from the certificate, its contraseña typed and shown (Mostrar
    contraseña), Guardar; the first one
    chosen in the list and Eliminar; Escape closes. Opened again from the menu, leaving it
    with a registro without certificate says the online services will not be available."""
    from icsoe_desktop.gui.certificados.imss import MSG_ELIMINADO, MSG_GUARDADO
    from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
    from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B

    services = open_services(data_dir)
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    add_registros(services)
    services.close()
    confiables = data_dir / TRUSTED_DIR
    confiables.mkdir()
    (confiables / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)
    (confiables / "ac_imss.cer").write_bytes(cf.imss_ca().certificate_der)
    pfx = tmp_path / "certificado imss.pfx"
    pfx.write_bytes(cf.pfx_modern(cf.imss_certificate()))
    ajeno = tmp_path / "certificado de otro patron.pfx"
    ajeno.write_bytes(cf.pfx_modern(cf.imss_certificate(rfc="SCO050505QR2", serial=0x99)))
    cer, key = cf.fiel_moral().write(tmp_path / "efirma")

    def certificados(dialogo: QWidget) -> None:
        # The IMSS .pfx for registro A: no Llave Privada, the usuario typed.
        ir_a(dialogo, dialogo.registro)
        escribir("Y")  # Y5412345106
        assert dialogo.registro.currentData() == REGISTRO_A
        # First another employer's certificate («no dado de alta»), then its own.
        for archivo, dicho in (
            (ajeno, "Certificado no dado de alta."),
            (pfx, MSG_GUARDADO.format(registro=REGISTRO_A)),
        ):
            modals.handle(elegir_archivo(archivo))
            alt_de(dialogo.certificado_button)
            qtbot.waitUntil(lambda archivo=archivo: dialogo.certificado.text() == str(archivo))
            al_frente(qtbot, dialogo)
            assert not dialogo.llave_button.isEnabled()
            for campo, texto in (
                (dialogo.usuario, cf.IMSS_USUARIO),
                (dialogo.contrasena, cf.IMSS_PASSWORD),
            ):
                ir_a(dialogo, campo)
                tecla(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # what was typed
                escribir(texto)
            modals.answer(ENTER)
            tecla(Qt.Key.Key_Return)  # Guardar
            wait_operations(qtbot)
            qtbot.waitUntil(lambda dicho=dicho: modals.texts[-1].startswith(dicho))
            al_frente(qtbot, dialogo)

        # The e.firma for registro B: .cer and .key, the usuario is its RFC.
        ir_a(dialogo, dialogo.registro)
        escribir("B")  # B1234567105
        assert dialogo.registro.currentData() == REGISTRO_B
        for boton, campo, archivo in (
            (dialogo.certificado_button, dialogo.certificado, cer),
            (dialogo.llave_button, dialogo.llave, key),
        ):
            modals.handle(elegir_archivo(archivo))
            alt_de(boton)
            qtbot.waitUntil(lambda campo=campo: campo.text() != "")
            al_frente(qtbot, dialogo)
        assert dialogo.usuario.text() == cf.RFC_MORAL
        alt_de(dialogo.mostrar_usuario)  # Mostrar usuario
        qtbot.waitUntil(lambda: dialogo.usuario.echoMode() == QLineEdit.EchoMode.Normal)
        ir_a(dialogo, dialogo.contrasena)
        escribir(cf.PASSWORD)
        alt_de(dialogo.mostrar_contrasena)  # Mostrar contraseña: what was typed, shown
        qtbot.waitUntil(lambda: dialogo.contrasena.echoMode() == QLineEdit.EchoMode.Normal)
        assert dialogo.contrasena.text() == cf.PASSWORD
        ir_a(dialogo, dialogo.contrasena)
        modals.answer(ENTER)
        tecla(Qt.Key.Key_Return)  # Guardar
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: MSG_GUARDADO.format(registro=REGISTRO_B) in modals.texts)
        al_frente(qtbot, dialogo)
        assert dialogo.model.rowCount() == 2

        # Eliminar: the registro chosen in the list, then the button.
        while foco() is not dialogo.tabla:
            tecla(Qt.Key.Key_Tab)
        tecla(Qt.Key.Key_Home)
        tecla(Qt.Key.Key_Down)  # the second row: Y5412345106
        assert dialogo.registro.currentData() == REGISTRO_A
        modals.answer(alt("C"), ENTER)  # «¿Deseas eliminar…?»: Continuar; «…se eliminó…»
        alt_de(dialogo.eliminar)
        qtbot.waitUntil(lambda: MSG_ELIMINADO in modals.texts)
        al_frente(qtbot, dialogo)
        tecla(Qt.Key.Key_Escape)  # Cerrar

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        main = iniciar_sesion(
            qtbot,
            app,
            modals,
            alt("A"),
            certificados,  # Abrir Certificados IMSS
        )
        qtbot.waitUntil(lambda: MSG_ELIMINADO in modals.texts, timeout=20_000)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        assert app.services.certificates.pending() == [REGISTRO_A]
        (fila,) = [r for r in app.services.certificates.rows() if r.configurado]
        assert (fila.registro, fila.tipo, fila.rfc) == (REGISTRO_B, "FIEL", cf.RFC_MORAL)

        # Configuración › Certificados IMSS…, left at once: the alert names registro A.
        al_frente(qtbot, main)
        modals.handle(lambda dialogo: tecla(Qt.Key.Key_Escape))
        modals.answer(ENTER)  # «…no estarán disponibles…»
        letra("c")  # the menu Configuración
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
        letra_del_menu(main.certificados_action)
        qtbot.waitUntil(lambda: "no estarán disponibles" in modals.texts[-1])
        assert REGISTRO_A in modals.texts[-1] and REGISTRO_B not in modals.texts[-1]
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        al_frente(qtbot, main)  # the alert and Certificados IMSS closed by one Enter
    finally:
        app.shutdown()


def test_contpaqi_lotes_by_keyboard(qtbot, data_dir, tmp_path, modals):
    """The movimientos' Lotes (full sign-in only): the tab by Ctrl+RePág, the registro
    patronal, two pending movements ticked with Space, Generar lote… into a folder typed in
    the dialog (confirmed), IDSE's result imported, and the rejected one corrected (its date
    typed) and left pending for a new lote."""
    import csv

    from icsoe_desktop.gui.movimientos.corregir import MSG_CORREGIDO
    from tests.services.movimientos_data import REGISTRO_A, load_known, nss

    services = open_services(data_dir)
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    load_known(services, tmp_path)
    services.close()
    carpeta = tmp_path / "lotes"
    carpeta.mkdir()
    resultado = tmp_path / "resultado idse.csv"
    with resultado.open("w", newline="", encoding="utf-8") as f:
        escritor = csv.writer(f)
        escritor.writerow(["NSS", "Resultado", "Causa de rechazo"])
        escritor.writerow([nss(2), "Aprobado", ""])
        escritor.writerow([nss(4), "Rechazado", "Fecha fuera de plazo"])

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        main = iniciar_sesion(qtbot, app, modals, alt("N"))  # Certificados IMSS: Ahora no
        vista = main.movimientos
        tecla(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)  # round to Lotes
        lotes = vista.lotes
        qtbot.waitUntil(lotes.isVisible)
        ir_a(main, lotes.registro)
        escribir("Y")  # Y5412345106
        qtbot.waitUntil(lambda: [p.nss for p in lotes.pendientes.rows] == [nss(2), nss(4)])
        while foco() is not lotes.pendientes_tabla:
            tecla(Qt.Key.Key_Tab)
        tecla(Qt.Key.Key_Home)
        tecla(Qt.Key.Key_Space)  # the first ticked
        tecla(Qt.Key.Key_Down)
        tecla(Qt.Key.Key_Space)  # and the second
        assert lotes.pendientes_label.text() == "Pendientes: 2. Seleccionados: 2."

        modals.handle(elegir_archivo(carpeta))
        # «Se generará el lote…¿Continuar?» (Enter would cancel), «Se generó el lote 1…»: Cerrar
        modals.answer(alt("C"), alt("C"))
        alt_de(lotes.generar)
        qtbot.waitUntil(lambda: any(t.startswith("Se generó el lote 1") for t in modals.texts))
        assert (carpeta / f"Lote_000001_{REGISTRO_A}.txt").exists()
        assert lotes.pendientes.rows == []
        qtbot.waitUntil(lambda: [d.resultado for d in lotes.detalle.rows] == ["enviado"] * 2)

        al_frente(qtbot, main)
        modals.handle(elegir_archivo(resultado))
        modals.answer(ENTER)  # «Resultado del lote 1: 1 aprobado y 1 rechazado.»
        alt_de(lotes.importar_resultado)
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: "Resultado del lote 1: 1 aprobado y 1 rechazado." in modals.texts)
        al_frente(qtbot, main)
        while foco() is not lotes.detalle_tabla:
            tecla(Qt.Key.Key_Tab)
        tecla(Qt.Key.Key_Home)
        tecla(Qt.Key.Key_Down)  # the rejected baja
        assert lotes.detalle.rows[1].estado_actual == "rechazado"

        def corregir(dialogo: QWidget) -> None:
            assert dialogo.causa.text() == "Causa de rechazo de IDSE: Fecha fuera de plazo"
            ir_a(dialogo, dialogo.fecha)
            escribir("12/06/2026")
            tecla(Qt.Key.Key_Return)  # Guardar y dejar pendiente

        modals.handle(corregir)
        modals.answer(ENTER)  # «…quedó pendiente: inclúyelo en un nuevo lote…»
        alt_de(lotes.corregir)
        qtbot.waitUntil(lambda: MSG_CORREGIDO.format(nss=nss(4)) in modals.texts)
        qtbot.waitUntil(
            lambda: (
                [(p.nss, p.fecha) for p in lotes.pendientes.rows] == [(nss(4), date(2026, 6, 12))]
            )
        )
        al_frente(qtbot, main)
    finally:
        app.shutdown()


def test_contpaqi_registrate_aqui_and_olvido_su_contrasena_by_keyboard(
    qtbot, data_dir, smtp_server, modals
):
    """Guide, «Regístrate aquí»: with a user already, Tab to the link and Enter; the new
    user's datos typed, the aviso accepted by its letter, Guardar (Enter), Escape. With two
    users the Usuario field is empty. «¿Olvidó su contraseña?» by its letter: the correo
    typed (two users: not prefilled), Enviar (Enter); the code the real SMTP server received
    typed in Restablecer contraseña with the new contraseña; then the sign-in: the old one
    refused and said, Mostrar contraseña by its letter, the new one."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.idse.restablecer_contrasena import MSG_ACTUALIZADA
    from icsoe_desktop.services.acceso.accounts import MSG_CORREO_ENVIADO
    from tests.gui.test_recuperar_contrasena import code_from

    nuevo, nueva = "oscar@nominas.com", "Otra$Clave29"
    services = open_services(data_dir)
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    services.settings.save_smtp(smtp_server.settings(), None, actor=CLI_ACTOR)
    services.close()

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.start()
        login = app.login
        qtbot.waitUntil(lambda: app.services is not None, timeout=20_000)
        al_frente(qtbot, login)
        assert foco() is login.contrasena and login.usuario.text() == ADMIN

        def registrar(dialogo: QWidget) -> None:
            assert foco() is dialogo.nombre
            for campo, texto in (
                (dialogo.nombre, "Óscar"),
                (dialogo.primer_apellido, "Peña"),
                (dialogo.usuario, nuevo),
                (dialogo.contrasena, PASSWORD),
                (dialogo.confirmacion, PASSWORD),
            ):
                ir_a(dialogo, campo)
                escribir(texto)
            alt_de(dialogo.aviso)  # Acepto el aviso de privacidad
            qtbot.waitUntil(dialogo.aviso.isChecked)
            tecla(Qt.Key.Key_Return)  # Guardar
            qtbot.waitUntil(lambda: dialogo.model.rowCount() == 2)
            al_frente(qtbot, dialogo)
            tecla(Qt.Key.Key_Escape)  # Cerrar

        modals.handle(registrar)
        modals.answer(ENTER)  # «El usuario … se guardó correctamente.»
        while foco() is not login.registrate:
            tecla(Qt.Key.Key_Tab)
        tecla(Qt.Key.Key_Return)  # Regístrate aquí
        qtbot.waitUntil(lambda: f"El usuario {nuevo} se guardó correctamente." in modals.texts)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        al_frente(qtbot, login)
        # Two users: the Usuario field empty, for the one who signs in to type it.
        assert login.usuario.text() == "" and foco() is login.usuario

        def recuperar(dialogo: QWidget) -> None:
            assert dialogo.correo.text() == ""  # two users: typed
            ir_a(dialogo, dialogo.correo)
            escribir(nuevo)
            tecla(Qt.Key.Key_Return)  # Enviar

        def restablecer(dialogo: QWidget) -> None:
            codigo = code_from(smtp_server, nuevo)
            for campo, texto in (
                (dialogo.codigo, codigo),
                (dialogo.contrasena, nueva),
                (dialogo.confirmacion, nueva),
            ):
                ir_a(dialogo, campo)
                escribir(texto)
            tecla(Qt.Key.Key_Return)  # Guardar

        modals.handle(recuperar)
        modals.answer(ENTER)  # «…se ha enviado…»
        modals.handle(restablecer)
        modals.answer(ENTER)  # «Contraseña actualizada…»
        alt_de(login.olvido)  # ¿Olvidó su contraseña?
        wait_operations(qtbot)
        qtbot.waitUntil(lambda: MSG_ACTUALIZADA in modals.texts, timeout=20_000)
        assert MSG_CORREO_ENVIADO in modals.texts
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

        al_frente(qtbot, login)
        ir_a(login, login.usuario)
        escribir(nuevo)
        tecla(Qt.Key.Key_Return)  # on to Contraseña
        escribir(PASSWORD)  # the old one: refused, said, typed again
        vistos = len(modals.messages)
        modals.answer(ENTER)
        tecla(Qt.Key.Key_Return)  # Continuar
        qtbot.waitUntil(lambda: len(modals.messages) > vistos)
        assert "contraseña" in modals.texts[-1].lower()
        al_frente(qtbot, login)
        assert foco() is login.contrasena and login.contrasena.text() == ""
        alt_de(login.mostrar)  # Mostrar contraseña
        qtbot.waitUntil(lambda: login.contrasena.echoMode() == QLineEdit.EchoMode.Normal)
        ir_a(login, login.contrasena)
        escribir(nueva)

        dejados: list[QWidget] = []

        def para_despues(asistente: QWidget) -> None:
            al_frente(qtbot, asistente)
            tecla(Qt.Key.Key_Escape)  # the Configuración inicial left for later
            dejados.append(asistente)

        modals.handle(para_despues)
        tecla(Qt.Key.Key_Return)  # Continuar
        qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=20_000)
        assert app.main.usuario == nuevo
        qtbot.waitUntil(lambda: dejados != [], timeout=20_000)
        qtbot.waitUntil(lambda: not isValid(dejados[0]) or not dejados[0].isVisible())
        al_frente(qtbot, app.main)  # the Configuración inicial left: the main window
    finally:
        app.shutdown()
