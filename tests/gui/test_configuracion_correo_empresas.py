"""Configuración del correo saliente with several empresas: the installation's server or the
empresa's own, chosen with the radio buttons; checked by which real SMTP server gets the mail."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QRadioButton, QWidget

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog
from icsoe_desktop.services.empresas.servicio import EMPRESAS_DIR
from tests.empresas.tres import ANA, CLIENTES, build
from tests.gui.helpers import click
from tests.gui.test_configuracion_correo import (
    MSG_CONEXION_OK,
    MSG_GUARDADA,
    closed_port,
    fill,
    make_dialog,
    press,
)
from tests.gui.test_mnemonics import letter, press_alt, show
from tests.icsoe_helpers import enter_contratista, form

DOS, TRES = CLIENTES[1], CLIENTES[2]
SHARED_FROM, OWN_FROM = "despacho@nominas.mx", "bodegas@dos.mx"


@pytest.fixture
def despacho(data_dir, clock):
    """The three clients' installation, open; returns (services, ids by RFC)."""
    from icsoe_desktop.services.container import open_services

    ids = build(data_dir)
    services = open_services(data_dir, clock)
    yield services, ids
    services.close()


def capturista_mail(services, data_dir, tmp_path, correo: str) -> None:
    """The open empresa's contratista registers a capturista, whose mail goes out now."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form(correo=correo))
    assert services.mail.send_pending(force=True).pending == 0


def senders(server, address: str) -> set[str]:
    return {str(m["From"]) for m in server.to(address)}


def test_own_server_for_one_empresa_while_another_keeps_the_shared_one(
    qtbot, modals, despacho, data_dir, tmp_path, smtp_server, smtp_server_2
):
    services, ids = despacho
    services.settings.save_smtp(smtp_server.settings(SHARED_FROM), None, ANA)
    services.abrir_empresa(ids[DOS.rfc])

    dialog = make_dialog(qtbot, services, ANA)
    assert dialog.origen.isVisible()
    assert dialog.instalacion_radio.isChecked()
    assert dialog.instalacion_radio.text().replace("&", "") == "Usar el correo de la instalación"
    assert dialog.propio_radio.text().replace("&", "") == (
        f"Usar un servidor propio para {DOS.razon_social}"
    )
    assert (dialog.servidor.text(), dialog.puerto.value()) == (smtp_server.host, smtp_server.port)
    assert dialog.remitente.text() == SHARED_FROM

    click(qtbot, dialog.propio_radio)
    assert dialog.servidor.text() == "" and dialog.remitente.text() == ""  # none of its own yet
    fill(qtbot, dialog, smtp_server_2.host, smtp_server_2.port, remitente=OWN_FROM)
    # Looking at the shared server and coming back keeps what was typed.
    click(qtbot, dialog.instalacion_radio)
    assert dialog.remitente.text() == SHARED_FROM
    click(qtbot, dialog.propio_radio)
    assert dialog.remitente.text() == OWN_FROM
    assert press(qtbot, modals, dialog.guardar).text == MSG_GUARDADA

    capturista_mail(services, data_dir, tmp_path / "dos", "ana@capturas.mx")
    services.abrir_empresa(ids[TRES.rfc])
    capturista_mail(services, data_dir, tmp_path / "tres", "beto@capturas.mx")

    assert senders(smtp_server_2, "ana@capturas.mx") == {OWN_FROM}
    assert smtp_server.to("ana@capturas.mx") == []
    assert senders(smtp_server, "beto@capturas.mx") == {SHARED_FROM}
    assert smtp_server_2.to("beto@capturas.mx") == []
    # The shared server is untouched: the installation's file does not name the own one.
    assert services.settings.current.smtp == smtp_server.settings(SHARED_FROM)
    assert OWN_FROM not in (data_dir / "settings.toml").read_text(encoding="utf-8")

    # Constructora Tres opens the window on the shared server, Bodegas Dos on its own.
    tres = make_dialog(qtbot, services, ANA)
    assert tres.instalacion_radio.isChecked() and tres.remitente.text() == SHARED_FROM
    services.abrir_empresa(ids[DOS.rfc])
    dos = make_dialog(qtbot, services, ANA)
    assert dos.propio_radio.isChecked()
    assert (dos.servidor.text(), dos.puerto.value()) == (smtp_server_2.host, smtp_server_2.port)
    assert dos.remitente.text() == OWN_FROM


def test_switching_back_to_the_shared_server_removes_the_own_one(
    qtbot, modals, despacho, data_dir, tmp_path, smtp_server, smtp_server_2
):
    services, ids = despacho
    services.settings.save_smtp(smtp_server.settings(SHARED_FROM), None, ANA)
    services.abrir_empresa(ids[DOS.rfc])
    services.settings_empresa.save_smtp(smtp_server_2.settings(OWN_FROM), None, ANA)
    own_file = data_dir / EMPRESAS_DIR / DOS.rfc / "settings.toml"
    assert OWN_FROM in own_file.read_text(encoding="utf-8")

    dialog = make_dialog(qtbot, services, ANA)
    assert dialog.propio_radio.isChecked()
    click(qtbot, dialog.instalacion_radio)
    assert dialog.remitente.text() == SHARED_FROM
    assert press(qtbot, modals, dialog.guardar).text == MSG_GUARDADA

    assert OWN_FROM not in own_file.read_text(encoding="utf-8")
    assert not services.settings_empresa.smtp_propio.configured
    actions = [(r.action, r.target) for r in services.audit.recent()]
    assert ("configuracion_smtp_quitada", f"{smtp_server_2.host}:{smtp_server_2.port}") in actions
    capturista_mail(services, data_dir, tmp_path / "dos", "ana@capturas.mx")
    assert senders(smtp_server, "ana@capturas.mx") == {SHARED_FROM}
    assert smtp_server_2.messages == []
    reopened = make_dialog(qtbot, services, ANA)
    assert reopened.instalacion_radio.isChecked()


def test_probar_conexion_tests_the_own_server_typed(qtbot, modals, despacho, smtp_server_2):
    services, ids = despacho
    down = SmtpSettings("127.0.0.1", closed_port(), seguridad="ninguna", remitente=SHARED_FROM)
    services.settings.save_smtp(down, None, ANA)  # the shared server is down
    services.abrir_empresa(ids[DOS.rfc])
    dialog = make_dialog(qtbot, services, ANA)
    click(qtbot, dialog.propio_radio)
    fill(qtbot, dialog, smtp_server_2.host, smtp_server_2.port, remitente=OWN_FROM)
    assert press(qtbot, modals, dialog.probar).text == MSG_CONEXION_OK
    assert not services.settings_empresa.smtp_propio.configured  # testing saves nothing


def test_the_choice_has_its_own_letters(qtbot, despacho, smtp_server):
    services, ids = despacho
    services.settings.save_smtp(smtp_server.settings(SHARED_FROM), None, ANA)
    services.abrir_empresa(ids[DOS.rfc])
    dialog = show(qtbot, ConfiguracionCorreoDialog(services, ANA))
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if (isinstance(w, QAbstractButton) and w.text())
        or (isinstance(w, QLabel) and w.buddy() is not None)
    ]
    letters = [letter(w.text()) for w in controls]
    assert None not in letters and len(set(letters)) == len(letters), sorted(map(str, letters))
    key = getattr(Qt.Key, f"Key_{letter(dialog.propio_radio.text()).upper()}")
    press_alt(qtbot, dialog, key)
    qtbot.waitUntil(dialog.propio_radio.isChecked)  # a mnemonic clicks after a short animation
    assert dialog.remitente.text() == ""  # its own server, none yet


def test_one_empresa_or_the_first_shows_no_choice(qtbot, despacho, tmp_path, clock):
    from icsoe_desktop.services.container import open_services

    (tmp_path / "sola").mkdir()
    single = open_services(tmp_path / "sola", clock)  # an installation of a single empresa
    try:
        assert make_dialog(qtbot, single).findChildren(QRadioButton) == []
    finally:
        single.close()
    several, ids = despacho
    several.abrir_empresa(ids[CLIENTES[0].rfc])  # the first: its folder is the data dir
    first = make_dialog(qtbot, several)
    assert first.findChildren(QRadioButton) == []
    # Its letters, as before there were empresas.
    assert first.findChild(QLabel, "usuarioLabel").text() == "&Usuario:"
