"""Entries without an IDSE user, through the real login window of an installation with three
empresas: sólo consulta only where an administrator allowed it, the ICSOE contratista in the
empresa of its e.firma's RFC, the capturista where its CURP and password are right (choosing
when several), and the activation link of an empresa that is not open. The login's selector
shows the first client all along: its choice never decides these entries."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.icsoe.elegir_empresa import ElegirEmpresaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.idse.login import MSG_SOLO_CONSULTA
from icsoe_desktop.services.empresas.entrada import MSG_CONTRATISTA_SIN_EMPRESA
from icsoe_desktop.services.empresas.servicio import (
    CLI_ACTOR,
    MSG_NINGUNA_SOLO_CONSULTA,
    NINGUNA_SOLO_CONSULTA,
)
from tests import credentials_factory as cf
from tests.empresas.tres import ANA, CLIENTES, PASSWORD, build, capturista_en
from tests.gui.helpers import click, type_text, wait_operations
from tests.gui.test_mnemonics import letter
from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD, trust_sat

ALT = Qt.KeyboardModifier.AltModifier

UNO, DOS, TRES = CLIENTES


def _etiqueta(cliente) -> str:
    return f"{cliente.razon_social} ({cliente.rfc})"


@pytest.fixture
def ids(data_dir):
    return build(data_dir)


@pytest.fixture
def start(qtbot, data_dir):
    apps: list[Application] = []

    def started() -> Application:
        application = Application(data_dir)
        qtbot.addWidget(application.login)
        application.start()
        qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
        apps.append(application)
        return application

    yield started
    for application in apps:
        application.shutdown()


def _choose(app, cliente) -> None:
    combo = app.login.empresa_selector.combo
    index = combo.findText(_etiqueta(cliente))
    assert index >= 0
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a click on the item does


def _combo_items(app) -> list[str]:
    combo = app.login.empresa_selector.combo
    return [combo.itemText(i) for i in range(combo.count())]


def test_solo_consulta_offers_only_the_empresas_an_administrator_allowed(
    qtbot, ids, start, modals, tmp_path
):
    app = start()
    login, selector = app.login, app.login.empresa_selector
    _choose(app, TRES)
    assert len(_combo_items(app)) == 3
    # Before any credential, the certificates panel shows only an empresa open to sólo consulta.
    assert not login.vigencias.isVisible()
    # Only the first client (the upgrade's) is allowed: the selector gives way to it.
    click(qtbot, login.solo_consulta)
    assert _combo_items(app) == [_etiqueta(UNO)] and not selector.combo.isVisible()
    assert app.services.empresa.rfc == UNO.rfc and _etiqueta(UNO) in selector.nombre.text()
    assert login.vigencias.isVisible() and UNO.registro in login.vigencias.text()
    login.grab().save(str(tmp_path / "login_solo_consulta.png"))
    click(qtbot, login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    assert modals.texts[-1] == MSG_SOLO_CONSULTA
    assert app.main.read_only and _etiqueta(UNO) in app.main.windowTitle()
    app.main.cerrar_sesion_action.trigger()
    assert len(_combo_items(app)) == 3  # without sólo consulta, every empresa again

    # Ana, an administrator, allows Constructora Tres and forbids the first client.
    login.usuario.clear()
    type_text(qtbot, login.usuario, ANA)
    type_text(qtbot, login.contrasena, PASSWORD)
    modals.handle(lambda dialog: dialog.reject())  # the first day's Certificados IMSS
    click(qtbot, login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    main = app.main

    def decide(dialog) -> None:
        lista = dialog.findChild(QListWidget, "empresasList")
        for cliente, permitir in ((TRES, True), (UNO, False)):
            [item] = [
                lista.item(i)
                for i in range(lista.count())
                if lista.item(i).text().startswith(_etiqueta(cliente))
            ]
            lista.setCurrentItem(item)
            assert dialog.solo_consulta.isChecked() is (cliente is UNO)
            click(qtbot, dialog.solo_consulta)
            assert dialog.solo_consulta.isChecked() is permitir
            assert dialog.recibos_solo_consulta.isChecked()  # as before: listed
            if cliente is TRES:  # its receipts withheld from sólo consulta, by the letter
                dialog.activateWindow()
                qtbot.waitUntil(dialog.isActiveWindow)
                tecla = letter(dialog.recibos_solo_consulta.text())
                qtbot.keyClick(dialog, getattr(Qt.Key, f"Key_{tecla.upper()}"), ALT)
                qtbot.waitUntil(lambda: not dialog.recibos_solo_consulta.isChecked())
        dialog.grab().save(str(tmp_path / "cambiar_empresa_solo_consulta.png"))
        dialog.reject()

    modals.handle(decide)
    main.cambiar_empresa_action.trigger()
    audit = [(e.actor, e.action, e.target) for e in app.services.audit_instalacion.recent()]
    assert (ANA, "solo_consulta_permitida", TRES.rfc) in audit
    assert (ANA, "solo_consulta_retirada", UNO.rfc) in audit
    assert (ANA, "solo_consulta_recibos_ocultos", TRES.rfc) in audit
    main.cerrar_sesion_action.trigger()
    click(qtbot, login.solo_consulta)
    assert _combo_items(app) == [_etiqueta(TRES)] and app.services.empresa.rfc == TRES.rfc
    # In sólo consulta there, Recibos de nómina is grey and says why; the service refuses.
    click(qtbot, login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    recibos = app.main.recibos_nomina_action
    assert not recibos.isEnabled()
    assert "no deja consultar los recibos de nómina en modo sólo consulta" in recibos.toolTip()
    app.main.cerrar_sesion_action.trigger()
    click(qtbot, login.solo_consulta)

    # None allowed: a message says an administrator must allow it; nothing opens.
    click(qtbot, login.solo_consulta)
    app.services.empresas.permitir_solo_consulta(ids[TRES.rfc], False, CLI_ACTOR)
    _choose(app, DOS)
    click(qtbot, login.solo_consulta)
    assert _combo_items(app) == [] and NINGUNA_SOLO_CONSULTA in selector.nombre.text()
    assert not login.vigencias.isVisible()  # nothing of the empresa open behind
    login.grab().save(str(tmp_path / "login_sin_solo_consulta.png"))
    before = len(modals.messages)
    main = app.main
    click(qtbot, login.continuar)
    assert modals.texts[before:] == [MSG_NINGUNA_SOLO_CONSULTA]
    assert app.main is main is None and login.isVisible()


def _open_icsoe(qtbot, app) -> IcsoeInicioWindow:
    click(qtbot, app.login.icsoe)
    inicio = app.icsoe
    assert isinstance(inicio, IcsoeInicioWindow) and inicio.isVisible()
    return inicio


def test_a_contratista_enters_the_empresa_of_its_efirmas_rfc(
    qtbot, ids, start, data_dir, modals, tmp_path
):
    trust_sat(data_dir)
    app = start()
    assert app.services.empresa.rfc == UNO.rfc  # what the login shows
    inicio = _open_icsoe(qtbot, app)

    def efirma(rfc: str, carpeta: str):
        def fill(dialog) -> None:
            cer, key = cf.fiel_moral(rfc=rfc).write(tmp_path / carpeta)
            type_text(qtbot, dialog.rfc, rfc)
            dialog.set_certificado(str(cer))
            dialog.set_llave(str(key))
            type_text(qtbot, dialog.contrasena, cf.PASSWORD)
            click(qtbot, dialog.validar)
            wait_operations(qtbot)  # checked in the background
            click(qtbot, dialog.ingresar)
            if dialog.isVisible():  # refused: back to the start window
                dialog.reject()

        return fill

    # An e.firma of an RFC that is no empresa here: refused, nothing registered anywhere.
    modals.handle(efirma(cf.RFC_MORAL, "ajena"))
    click(qtbot, inicio.efirma)
    assert modals.texts[-1] == MSG_CONTRATISTA_SIN_EMPRESA.format(rfc=cf.RFC_MORAL)
    assert inicio.contratista_window is None and app.services.empresa.rfc == UNO.rfc

    modals.handle(efirma(TRES.rfc, "tres"))
    modals.handle(lambda dialog: click(qtbot, dialog.ingresar))  # Términos y condiciones
    click(qtbot, inicio.efirma)
    window = inicio.contratista_window
    assert isinstance(window, IcsoeContratistaWindow) and window.isVisible()
    assert app.services.empresa.rfc == TRES.rfc
    assert app.services.contratistas.sesion(TRES.rfc).terminos_aceptados
    window.close()
    inicio.close()
    # Back at the login, which shows the empresa open now.
    assert app.login.isVisible()
    assert app.login.empresa_selector.combo.currentText() == _etiqueta(TRES)


@pytest.fixture
def capturista_en_dos_y_tres(data_dir, ids, tmp_path, smtp_server):
    """CURP_ANA is a capturista of Bodegas Dos and of Constructora Tres, with one password."""
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings(), None, ANA)
        for cliente in (DOS, TRES):
            code = capturista_en(services, ids[cliente.rfc], tmp_path, smtp_server, "ana@c.mx")
            services.entrada.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
        services.abrir_empresa(ids[UNO.rfc])  # remembered: the login shows the first client
    finally:
        services.close()


def test_a_capturista_chooses_among_only_the_empresas_where_it_is_registered(
    qtbot, capturista_en_dos_y_tres, start, modals, tmp_path
):
    app = start()
    assert app.login.empresa_selector.combo.currentText() == _etiqueta(UNO)
    inicio = _open_icsoe(qtbot, app)
    listed: list[str] = []

    def choose(dialog) -> None:
        assert isinstance(dialog, ElegirEmpresaDialog)
        listed.extend(dialog.lista.item(i).text() for i in range(dialog.lista.count()))
        dialog.grab().save(str(tmp_path / "elegir_empresa.png"))
        dialog.lista.setCurrentRow(listed.index(_etiqueta(TRES)))
        click(qtbot, dialog.ingresar)

    type_text(qtbot, inicio.usuario, CURP_ANA)
    type_text(qtbot, inicio.contrasena, "Otra$Clave123")
    click(qtbot, inicio.ingresar)
    assert "incorrectos" in modals.texts[-1] and inicio.capturista_window is None
    modals.handle(choose)
    type_text(qtbot, inicio.contrasena, NEW_PASSWORD)
    click(qtbot, inicio.ingresar)
    assert sorted(listed) == sorted([_etiqueta(DOS), _etiqueta(TRES)])
    window = inicio.capturista_window
    assert isinstance(window, IcsoeCapturistaWindow) and window.isVisible()
    assert app.services.empresa.rfc == TRES.rfc
    window.close()


def test_an_activation_link_of_an_empresa_not_open_works(
    qtbot, data_dir, ids, start, modals, tmp_path, smtp_server
):
    """The link names no empresa (links already in mailboxes look the same): its code is found
    in the empresa that issued it, while the first client stays open and nothing of Tres shows
    until the capturista signs in."""
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings(), None, ANA)
        capturista_en(services, ids[TRES.rfc], tmp_path, smtp_server, "ana@tres.mx")
        services.abrir_empresa(ids[UNO.rfc])
    finally:
        services.close()
    [link] = [
        line.split("Liga: ")[1]
        for m in smtp_server.to("ana@tres.mx")
        for line in m.get_content().splitlines()
        if line.startswith("Liga: icsoe://activar?codigo=")
    ]
    app = start()

    def crear(dialog) -> None:
        type_text(qtbot, dialog.contrasena, NEW_PASSWORD)
        type_text(qtbot, dialog.confirmacion, NEW_PASSWORD)
        click(qtbot, dialog.guardar)

    modals.handle(crear)
    app.handle_arguments([link])  # what a second start with the link hands over
    qtbot.waitUntil(lambda: modals.texts[-1:] == ["Contraseña actualizada"], timeout=10_000)
    assert app.services.empresa.rfc == UNO.rfc
    inicio = app.icsoe
    assert isinstance(inicio, IcsoeInicioWindow) and inicio.usuario.text() == CURP_ANA
    # The «contraseña actualizada» notice waits in Tres's outbox; the app's sender delivers it.
    qtbot.waitUntil(
        lambda: any(
            m["Subject"] == "Contraseña actualizada - ICSOE" for m in smtp_server.to("ana@tres.mx")
        ),
        timeout=10_000,
    )
    type_text(qtbot, inicio.contrasena, NEW_PASSWORD)
    click(qtbot, inicio.ingresar)
    assert isinstance(inicio.capturista_window, IcsoeCapturistaWindow)
    assert app.services.empresa.rfc == TRES.rfc
    inicio.capturista_window.close()
