"""The application as started by `python -m icsoe_desktop`: fast first window, store opened in
the background, login → main window (full or sólo consulta), registration link, bad store."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
from contextlib import closing

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from icsoe_desktop.app import _EarlyErrors
from icsoe_desktop.gui import error_hook
from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.error_hook import ErrorHook
from icsoe_desktop.gui.idse.login import MSG_ABRIENDO, MSG_SOLO_CONSULTA
from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.acceso.idse_sign_in import open_sign_in
from icsoe_desktop.store.plain import connect
from tests.gui.helpers import click, type_text

GOOD = "Nom1na$Segura"


@pytest.fixture
def application(qtbot, data_dir):
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    yield app
    app.shutdown()


def started(qtbot, app: Application) -> Application:
    app.start()
    assert app.login.isVisible()
    qtbot.waitUntil(lambda: app.services is not None, timeout=10_000)
    return app


def seed(data_dir, usuario: str = "idse@nominas.com") -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    services.accounts.register(
        Registration("Claudia", "Hernández", "Ruiz", usuario, GOOD, GOOD, True)
    )
    services.close()


def test_login_is_shown_at_once_and_usable_when_the_store_is_open(qtbot, application, data_dir):
    seed(data_dir)
    application.start()
    assert application.login.isVisible()
    assert application.login.estado.text() == MSG_ABRIENDO
    assert not application.login.continuar.isEnabled()
    qtbot.waitUntil(lambda: application.login.continuar.isEnabled(), timeout=10_000)
    assert application.login.usuario.text() == "idse@nominas.com"
    assert application.login.estado.text() == ""
    assert (data_dir / "icsoe.sqlite3").exists()


def test_full_login_opens_the_main_window_with_the_user(qtbot, application, data_dir):
    seed(data_dir)
    app = started(qtbot, application)
    type_text(qtbot, app.login.contrasena, GOOD)
    click(qtbot, app.login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible())
    main = app.main
    qtbot.addWidget(main)
    # What lives with the window is out of Python's full collection (a 50-70 ms pause in the
    # grid, bench/movimientos.py) while it is open...
    assert gc.get_freeze_count() > 0
    assert not app.login.isVisible()
    assert "Claudia Hernández Ruiz (idse@nominas.com)" in main.sesion.text()
    assert main.estado_sesion.text() == "Usuario: idse@nominas.com"
    assert main.usuarios_action.isEnabled() and main.correo_action.isEnabled()
    menus = [a.text() for a in main.menuBar().actions()]
    assert menus == ["&Archivo", "&Configuración", "&ICSOE", "A&yuda"]
    with qtbot.waitSignal(app.exit_requested) as exit_signal:
        click(qtbot, main.salir)
    assert exit_signal.args == [0]

    main.cerrar_sesion_action.trigger()  # Cerrar sesión returns to the login window
    assert app.login.isVisible() and app.main is None
    assert gc.get_freeze_count() == 0  # ...and collected as usual once it closes: no leak
    assert app.login.usuario.text() == "idse@nominas.com"


def test_solo_consulta_enters_read_only(qtbot, application, data_dir, modals):
    app = started(qtbot, application)
    click(qtbot, app.login.solo_consulta)
    click(qtbot, app.login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible())
    qtbot.addWidget(app.main)
    assert modals.texts == [MSG_SOLO_CONSULTA]
    assert app.main.read_only
    assert "Sólo consulta" in app.main.sesion.text()
    assert app.main.estado_sesion.text() == "Sólo consulta"
    assert not app.main.usuarios_action.isEnabled()
    assert not app.main.correo_action.isEnabled()
    assert app.main.salir_action.isEnabled()
    assert [e.action for e in app.services.audit.recent()] == []  # nobody signed in


def test_registrate_aqui_opens_the_users_window_and_prefills_the_new_user(
    qtbot, application, modals
):
    app = started(qtbot, application)
    seen: list[str] = []

    def register(dialog) -> None:
        assert isinstance(dialog, IdseUsuariosDialog)
        seen.append(dialog.windowTitle())
        for edit, value in (
            (dialog.nombre, "Óscar"),
            (dialog.primer_apellido, "Peña"),
            (dialog.usuario, "oscar@nominas.com"),
            (dialog.contrasena, GOOD),
            (dialog.confirmacion, GOOD),
        ):
            type_text(qtbot, edit, value)
        click(qtbot, dialog.aviso)
        click(qtbot, dialog.guardar)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        dialog.accept()

    modals.handle(register)
    click(qtbot, app.login.registrate)
    assert seen == ["Usuarios para conexión en línea con IDSE"]
    assert app.login.usuario.text() == "oscar@nominas.com"


def test_olvido_su_contrasena_opens_recuperar(qtbot, application, modals):
    app = started(qtbot, application)
    click(qtbot, app.login.olvido)
    assert len(modals.dialogs) == 1
    assert isinstance(modals.dialogs[0], RecuperarContrasenaDialog)
    assert modals.dialogs[0].windowTitle() == "Recuperar Contraseña"


def test_a_damaged_database_file_gets_a_spanish_message_not_a_traceback(
    qtbot, application, data_dir, modals
):
    (data_dir / "icsoe.sqlite3").write_bytes(b"esto no es una base de datos" * 100)
    with qtbot.waitSignal(application.exit_requested, timeout=10_000) as exit_signal:
        application.start()
    assert exit_signal.args == [1]
    seen = modals.messages[0]
    assert seen.icon == QMessageBox.Icon.Critical
    assert "está dañado" in seen.text
    assert "Traceback" not in seen.text
    assert not application.login.continuar.isEnabled()


def test_unexpected_errors_are_logged_and_shown_once_in_spanish(qtbot, tmp_path, modals, caplog):
    log_path = tmp_path / "icsoe-desktop.log"
    hook = ErrorHook(log_path)
    try:
        raise ZeroDivisionError("fallo interno")
    except ZeroDivisionError as exc:
        with caplog.at_level(logging.ERROR):
            hook(type(exc), exc, exc.__traceback__)
    assert len(modals.messages) == 1
    assert modals.messages[0].title == "Error inesperado"
    assert "La aplicación sigue funcionando" in modals.texts[0]
    assert str(log_path) in modals.texts[0]
    assert "fallo interno" not in modals.texts[0]
    assert "ZeroDivisionError: fallo interno" in caplog.text
    assert QApplication.instance() is not None


def test_an_error_before_the_full_hook_is_logged_then_told_once(
    qtbot, tmp_path, modals, caplog, monkeypatch
):
    """run_gui's first hook (until the window is on screen) logs; the full one, installed
    after, shows the message box for it once, and tells later errors as usual."""
    log_path = tmp_path / "icsoe-desktop.log"
    early = _EarlyErrors()
    try:
        raise ZeroDivisionError("fallo temprano")
    except ZeroDivisionError as exc:
        with caplog.at_level(logging.ERROR):
            early(type(exc), exc, exc.__traceback__)
    assert "ZeroDivisionError: fallo temprano" in caplog.text
    assert modals.messages == []  # no box before the window
    monkeypatch.setattr("sys.excepthook", early)
    error_hook.install(log_path, earlier=early.seen)
    assert len(modals.messages) == 1
    assert modals.messages[0].title == "Error inesperado"
    assert "fallo temprano" not in modals.texts[0]
    error_hook.install(log_path, earlier=False)  # nothing earlier: no box
    assert len(modals.messages) == 1


def test_queued_mail_is_retried_by_the_app_once_smtp_works(
    qtbot, application, data_dir, smtp_server
):
    from icsoe_desktop.services.container import open_services

    seed(data_dir)
    services = open_services(data_dir)
    services.accounts.request_password_reset("idse@nominas.com")  # SMTP not configured yet
    services.close()

    app = started(qtbot, application)
    assert app.mail_timer.isActive()  # retries are scheduled while the app runs
    assert app.services.mail.pending_count() == 1
    app.services.settings.save_smtp(smtp_server.settings(), None, "idse@nominas.com")
    app.send_mail_in_background()
    qtbot.waitUntil(lambda: len(smtp_server.to("idse@nominas.com")) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: app.services.mail.pending_count() == 0)
    assert (
        "Tu código para restablecer la contraseña es:"
        in smtp_server.to("idse@nominas.com")[0].get_content()
    )


def test_a_sign_in_answered_before_the_services_waits_for_them(qtbot, application, data_dir):
    """Start-up in its two steps, one after the other: the sign-in (Continuar answers), then
    the services. A user who signs in between sees «Abriendo…», then the main window."""
    seed(data_dir)
    app = application
    app.login.show()
    app.login.set_sign_in(open_sign_in(data_dir))
    assert app.login.continuar.isEnabled()
    assert app.login.usuario.text() == "idse@nominas.com"
    type_text(qtbot, app.login.contrasena, GOOD)
    click(qtbot, app.login.continuar)
    assert app.main is None
    assert app.login.estado.text() == MSG_ABRIENDO
    assert not app.login.continuar.isEnabled()
    assert app.login.usuario.text() == "idse@nominas.com"
    app._open_services()
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=10_000)
    qtbot.addWidget(app.main)
    assert "Claudia Hernández Ruiz (idse@nominas.com)" in app.main.sesion.text()
    assert not app.login.isVisible()
    # Once, not again by the services (the first administrator's assistant audits the recovery
    # code it shows too).
    acciones = [e.action for e in app.services.audit_instalacion.recent()]
    assert acciones.count("inicio_sesion") == 1


def test_the_links_answer_before_the_services_saying_cargando_then_open_their_windows(
    qtbot, application, data_dir, modals
):
    """On a busy PC the services come seconds after the login shows: the links are never grey;
    one pressed meanwhile says «Cargando…» (and a screen reader hears it waits, not that it is
    unavailable) and its window opens once they are built."""
    from icsoe_desktop.gui.idse.login import MSG_ENLACE_CARGANDO

    app = application
    app.login.show()
    app.login.seguir_contenido()  # as the start-up does once it is on screen
    app.login.set_sign_in(open_sign_in(data_dir))
    links = (app.login.registrate, app.login.olvido, app.login.icsoe)
    assert app.login.continuar.isEnabled()
    assert all(link.isEnabled() for link in links)
    assert {link.accessibleDescription() for link in links} == {MSG_ENLACE_CARGANDO}
    click(qtbot, app.login.olvido)
    assert app.login.estado.isVisible()
    assert app.login.estado.text() == (
        "Cargando… «¿Olvidó su contraseña?» se abrirá en cuanto la aplicación termine de abrir."
    )
    qtbot.wait(50)  # the layout follows the new text on the next turn of the event loop
    app.login.grab().save(str(data_dir / "login_cargando.png"))
    assert modals.dialogs == []
    app._open_services()
    qtbot.waitUntil(lambda: len(modals.dialogs) == 1, timeout=10_000)
    assert [type(d) for d in modals.dialogs] == [RecuperarContrasenaDialog]
    assert app.login.estado.text() == ""
    assert not any("Cargando" in link.accessibleDescription() for link in links)
    # Ready: a link opens its window at once.
    click(qtbot, app.login.olvido)
    assert [type(d) for d in modals.dialogs] == [RecuperarContrasenaDialog] * 2


@pytest.mark.parametrize("archivo", ["catalogo.sqlite3", "icsoe.sqlite3"])
def test_a_store_of_a_newer_version_never_lets_the_login_answer(
    qtbot, application, data_dir, modals, archivo
):
    """The catalog (the IDSE users) or the empresa's store: either refused, nobody signs in."""
    seed(data_dir)
    with closing(connect(data_dir / archivo)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_futura'")
    with qtbot.waitSignal(application.exit_requested, timeout=10_000) as exit_signal:
        application.start()
    assert exit_signal.args == [1]
    assert "versión más reciente" in modals.messages[0].text
    assert not application.login.continuar.isEnabled()


# The real app (run_gui) in its own process: once its login answers, what run_gui leaves for
# then (the full error hook, the icon, Qt's Spanish texts, the style sheet) is in place, and a
# menu writes the keys as Windows does (Salir's Ctrl+Q, not «Control+Q»); what a killed run
# left in the data folder's temporary folder is gone, this run's temporary files go there.
_SETTLED = r"""
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from icsoe_desktop.app import run_gui

app = QApplication(sys.argv[:1])
temporales = Path(sys.argv[1]) / "temporales"
dejado = temporales / "1-matada" / "tmpx" / "indice.xlsx"
dejado.parent.mkdir(parents=True)
dejado.write_bytes(b"NSS 12345678901")
(temporales / "1-matada" / ".vivo").write_bytes(b"1")  # its run's lock, free: the run is gone

def look(tries=3000):
    propia = Path(tempfile.gettempdir()).parent == temporales
    if (not app.styleSheet() or not propia or dejado.exists()) and tries:  # a busy machine
        QTimer.singleShot(20, lambda: look(tries - 1))
        return
    print(propia, dejado.exists())
    print(sys.excepthook.__module__, app.windowIcon().isNull(), QLocale().name(),
          app.translate("QPlatformTheme", "Cancel"),
          *(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
            for k in ("Ctrl+Q", "Shift+PgDown", "Ctrl+Home", "Del")))
    app.exit(0)

QTimer.singleShot(0, look)
sys.exit(run_gui(sys.argv[1]))
"""


@pytest.mark.end2end
def test_once_the_login_answers_the_app_has_its_error_hook_icon_and_spanish_texts(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _SETTLED, str(tmp_path / "datos")],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        *("True", "False"),  # its own temporary folder; the killed run's leftovers gone
        "icsoe_desktop.gui.error_hook",
        "False",
        "es_MX",
        "Cancelar",
        *("Ctrl+Q", "Mayús+AvPág", "Ctrl+Inicio", "Supr"),
    ]
    assert list((tmp_path / "datos" / "temporales").iterdir()) == []  # its own removed at exit
