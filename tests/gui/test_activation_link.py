"""The capturista's activation link: `python -m icsoe_desktop "icsoe://activar?codigo=…"` opens
Crear contraseña with the code filled in, in the window already open on the same data dir."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.single_instance import (
    SingleInstance,
    may_be_running,
    send_to_running,
    server_name,
)
from tests.gui.helpers import click, type_text
from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD, invited_capturista


@pytest.fixture
def application(qtbot, data_dir):
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    yield app
    app.shutdown()


def test_link_given_at_start_opens_crear_contrasena_with_the_code(
    qtbot, application, data_dir, tmp_path, smtp_server, modals
):
    link = invited_capturista(data_dir, tmp_path, smtp_server)
    seen = {}

    def crear(dialog) -> None:
        assert isinstance(dialog, IcsoeCrearContrasenaDialog)
        seen["codigo"] = dialog.codigo.text()
        type_text(qtbot, dialog.contrasena, NEW_PASSWORD)
        type_text(qtbot, dialog.confirmacion, NEW_PASSWORD)
        click(qtbot, dialog.guardar)

    modals.handle(crear)
    application.start()
    application.handle_arguments([link])  # as run_gui does, before the store is open
    qtbot.waitUntil(lambda: "codigo" in seen, timeout=10_000)
    assert link.endswith(seen["codigo"]) and seen["codigo"]
    qtbot.waitUntil(lambda: modals.texts[-1:] == ["Contraseña actualizada"])
    # The ICSOE start window took over from the login, with the CURP ready to sign in.
    inicio = application.icsoe
    assert isinstance(inicio, IcsoeInicioWindow) and inicio.isVisible()
    qtbot.waitUntil(lambda: inicio.usuario.text() == CURP_ANA)
    assert not application.login.isVisible()
    qtbot.waitUntil(
        lambda: (
            smtp_server.to("ana@capturas.mx")[-1]["Subject"] == "Contraseña actualizada - ICSOE"
        ),
        timeout=10_000,
    )


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("icsoe://borrar?codigo=ABC", "no es un enlace de activación de ICSOE"),
        ("icsoe://activar", "no trae el código"),
    ],
)
def test_bad_link_gets_a_spanish_message_and_the_login_stays(
    qtbot, application, modals, link, words
):
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=10_000)
    application.handle_arguments([link])
    assert words in modals.texts[-1]
    assert modals.messages[-1].title == "Enlace de activación"
    assert application.login.isVisible() and application.icsoe is None


def test_a_message_with_many_bad_links_gets_one_box(qtbot, application, modals):
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=10_000)
    application.handle_arguments([f"icsoe://borrar?codigo={i}" for i in range(50)])
    assert len(modals.messages) == 1
    assert "no es un enlace de activación de ICSOE" in modals.texts[0]


def test_a_process_streaming_without_end_of_line_is_dropped(qtbot, tmp_path):
    """A local process streamed 200 MB into the socket and the app kept it all (117 → 334 MB):
    past MAX_MESSAGE without a line the connection is dropped, and the next start is heard."""
    name = server_name(tmp_path / "datos")
    instance = SingleInstance(name)
    try:
        assert instance.listen()
        with subprocess.Popen(
            [sys.executable, "-c", _STREAM, name, str(8 * 1024 * 1024)],
            stdout=subprocess.PIPE,
            text=True,
        ) as streamer:
            qtbot.waitUntil(lambda: streamer.poll() is not None, timeout=30_000)
            assert streamer.stdout.read().split() == ["dropped"]
        assert not instance._clients  # nothing of it kept
        _a_link_gets_through(qtbot, instance, name)
    finally:
        instance.close()


def test_stale_socket_of_a_crashed_app_does_not_block_the_start(qtbot, tmp_path):
    name = server_name(tmp_path / "datos")
    # A process that listened on the name and was killed: on Unix its socket file stays.
    with subprocess.Popen(
        [sys.executable, "-c", _LISTEN_AND_WAIT, name], stdout=subprocess.PIPE, text=True
    ) as crashed:
        assert crashed.stdout.readline().strip() == "listening"
        crashed.kill()
    assert not send_to_running(name, ["icsoe://activar?codigo=X"])
    instance = SingleInstance(name)
    try:
        assert instance.listen()
        _a_link_gets_through(qtbot, instance, name)
    finally:
        instance.close()


def test_the_socket_look_before_the_window_sees_a_running_app(qtbot, tmp_path):
    name = server_name(tmp_path / "datos")
    assert not may_be_running(name)  # nobody ever listened: the window shows at once
    instance = SingleInstance(name)
    try:
        assert instance.listen()
        assert may_be_running(name)  # then the hand-over is tried before any window
        assert not may_be_running(server_name(tmp_path / "otros"))
    finally:
        instance.close()
    assert not may_be_running(name)


def test_a_start_that_lost_the_race_hands_its_link_over_and_ends(qtbot, tmp_path):
    """Two starts at once: both showed their login; the one that listens second gives its link
    to the other and ends before opening the store."""
    data_dir = tmp_path / "datos"
    data_dir.mkdir()
    name = server_name(data_dir)
    link = "icsoe://activar?codigo=ABCDE23456"
    with subprocess.Popen(
        [sys.executable, "-c", _LISTEN_AND_ANSWER, name], stdout=subprocess.PIPE, text=True
    ) as first:
        try:
            assert first.stdout.readline().strip() == "listening"
            application = Application(data_dir, instance_name=name)
            qtbot.addWidget(application.login)
            exits: list[int] = []
            application.exit_requested.connect(exits.append)
            try:
                application.start()
                application.handle_arguments([link])  # as run_gui does
                qtbot.waitUntil(lambda: exits == [0], timeout=20_000)
                assert application.instance is None and application._built is None
            finally:
                application.shutdown()
            assert first.communicate(timeout=20)[0].split() == [link]
        finally:
            first.kill()


_LISTEN_AND_ANSWER = """
import sys
from PySide6.QtCore import QCoreApplication
from icsoe_desktop.gui.single_instance import SingleInstance
app = QCoreApplication([])
instance = SingleInstance(sys.argv[1])
assert instance.listen()
def received(args):
    if args:  # the loser's first call only asks whether someone answers
        print(*args, flush=True)
        app.quit()
instance.arguments_received.connect(received)
print("listening", flush=True)
app.exec()
instance.close()
"""
_LISTEN_AND_WAIT = """
import sys, time
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalServer
app = QCoreApplication([])
server = QLocalServer()
assert server.listen(sys.argv[1])
print("listening", flush=True)
time.sleep(60)
"""
_STREAM = """
import sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalSocket
app = QCoreApplication([])
socket = QLocalSocket()
socket.connectToServer(sys.argv[1])
assert socket.waitForConnected(5000)
connected = QLocalSocket.LocalSocketState.ConnectedState
sent, total, chunk = 0, int(sys.argv[2]), b"A" * 65536
while sent < total and socket.state() == connected:
    socket.write(chunk)
    socket.waitForBytesWritten(2000)
    sent += len(chunk)
socket.waitForDisconnected(5000)
print("dropped" if socket.state() != connected else "held", flush=True)
"""
_SEND = """
import sys
from PySide6.QtCore import QCoreApplication
from icsoe_desktop.gui.single_instance import send_to_running
app = QCoreApplication([])
print(send_to_running(sys.argv[1], sys.argv[2:]), flush=True)
"""


def _a_link_gets_through(qtbot, instance: SingleInstance, name: str) -> None:
    """Another process hands a link to ``instance``, which receives it whole."""
    received = []
    instance.arguments_received.connect(received.append)
    # A blocking sender in this thread would starve the server's event loop: use a process.
    with subprocess.Popen(
        [sys.executable, "-c", _SEND, name, "icsoe://activar?codigo=Y"],
        stdout=subprocess.PIPE,
        text=True,
    ) as sender:
        qtbot.waitUntil(lambda: received == [["icsoe://activar?codigo=Y"]])  # once it started
        assert sender.communicate(timeout=10)[0].strip() == "True"


def _start(data_dir: Path, *args: str, probe: bool = False) -> subprocess.Popen:
    """``probe``: the start prints «first-window» (stdout piped) if it shows its window."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if probe:
        env["ICSOE_STARTUP_PROBE"] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *args],
        env=env,
        stdout=subprocess.PIPE if probe else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _log_has(data_dir: Path, text: str) -> bool:
    path = data_dir / "icsoe-desktop.log"
    return path.exists() and text in path.read_text(encoding="utf-8", errors="replace")


def _wait(predicate, seconds: float = 120) -> bool:
    """Until ``predicate``: a start of the app as a process takes seconds on a busy machine."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow  # two starts of the real app as processes
@pytest.mark.end2end
def test_second_start_hands_the_link_to_the_running_app_and_exits(tmp_path):
    data_dir = tmp_path / "datos"
    other_dir = tmp_path / "otros"
    first = _start(data_dir)
    try:
        assert _wait(lambda: _log_has(data_dir, "Canal de instancia única abierto"))
        second = _start(data_dir, "icsoe://activar?codigo=ABCDE23456", probe=True)
        # It ends without showing a window (the probe would print «first-window»).
        assert second.communicate(timeout=120)[0] == ""
        assert second.returncode == 0
        assert first.poll() is None  # the first one keeps running…
        # …and opened Crear contraseña (the log names the action, never the code).
        assert _wait(lambda: _log_has(data_dir, "Crear contraseña abierto por un enlace"))
        assert "ABCDE23456" not in (data_dir / "icsoe-desktop.log").read_text(encoding="utf-8")
        # Another data dir is another instance: it starts its own window.
        third = _start(other_dir)
        try:
            assert _wait(lambda: _log_has(other_dir, "Canal de instancia única abierto"))
            assert third.poll() is None
        finally:
            third.kill()
            third.wait()
    finally:
        first.kill()
        first.wait()
