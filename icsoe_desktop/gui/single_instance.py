"""One running app per data dir: a second start hands its arguments (an activation link) to the
first one over a local socket (a named pipe on Windows) and exits.

The socket is named after a hash of the data dir, so two data dirs run side by side. A socket
left by a crashed process accepts no connection: it is removed and the new process listens.

Start-up (bench/startup.py): before the first window only ``may_be_running``
(``single_instance_probe``, imported before Qt) looks whether the socket exists; the full
hand-over runs only then. The app listens once its login answers, before it opens the store
(gui/application.py, ``claim``): QtNetwork and json load off the first window's path
(``prepare``, in the background).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

# Re-exported: the look before the first window lives apart, without Qt.
from icsoe_desktop.gui.single_instance_probe import may_be_running, server_name

__all__ = ["SingleInstance", "claim", "may_be_running", "prepare", "send_to_running", "server_name"]

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)
CONNECT_MS = 1_000
WRITE_MS = 2_000
# A message is one JSON line of arguments (a link is under 100 bytes): a connection that sends
# more without ending its line is dropped, so a local process cannot make the app hold it all.
MAX_MESSAGE = 64 * 1024


def prepare() -> None:
    """Import what listening needs; run off the GUI thread while the login is on screen."""
    import json  # noqa: F401

    import PySide6.QtNetwork  # noqa: F401


def send_to_running(name: str, args: list[str]) -> bool:
    """True when a running app took the arguments; False when none answers."""
    import json

    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps({"args": args}).encode("utf-8") + b"\n")
    socket.flush()
    delivered = socket.waitForBytesWritten(WRITE_MS) or socket.bytesToWrite() == 0
    # Wait for the running app's «ok» so the arguments are not lost if this process ends first.
    acknowledged = socket.waitForReadyRead(WRITE_MS) and bytes(socket.readAll().data()).startswith(
        b"ok"
    )
    socket.disconnectFromServer()
    return delivered and acknowledged


class SingleInstance(QObject):
    """Listens for later starts; ``arguments_received(list)`` carries what they were given."""

    arguments_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self._clients: list[QLocalSocket] = []

    def listen(self) -> bool:
        """False when another process of this data dir already listens (a start in between)."""
        if not self.server.listen(self.name):
            # A stale socket (crash) or one that appeared in between: a live one answers.
            if send_to_running(self.name, []):
                return False
            self.server.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning(
                    "No se pudo abrir el canal de instancia única: %s", self.server.errorString()
                )
                return True  # run anyway: a second start then opens a second window, no worse
        log.info("Canal de instancia única abierto")
        return True

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            # Qt reads no further than this ahead: the check below then drops the sender.
            socket.setReadBufferSize(MAX_MESSAGE + 1)
            self._clients.append(socket)
            socket.readyRead.connect(self._read_clients)
        self._read_clients()  # the line may already be in

    def _read_clients(self) -> None:
        for socket in [s for s in self._clients if not s.canReadLine()]:
            if socket.bytesAvailable() > MAX_MESSAGE:
                log.warning("Mensaje demasiado largo en el canal de instancia única: descartado")
                self._clients.remove(socket)
                socket.abort()
                socket.deleteLater()
        for socket in [s for s in self._clients if s.canReadLine()]:
            self._clients.remove(socket)
            line = bytes(socket.readLine(MAX_MESSAGE + 1).data())
            socket.write(b"ok\n")
            socket.flush()
            socket.disconnectFromServer()
            socket.deleteLater()
            self.arguments_received.emit(_args(line))

    def close(self) -> None:
        for socket in self._clients:
            socket.abort()
        self._clients.clear()
        self.server.close()


def claim(name: str, args: list[str]) -> SingleInstance | None:
    """This process's listener for ``name``; None when another start listens already and took
    ``args`` (this one ends). Asked first: on Unix ``listen`` takes the name over from a live
    listener too (Qt renames its socket into place). Without ``may_be_running``: off the first
    window's path, a failed connection costs little, and it does not depend on Qt's paths."""
    if send_to_running(name, args):
        return None
    instance = SingleInstance(name)
    if not instance.listen() and send_to_running(name, args):
        instance.close()
        return None
    return instance


def _args(line: bytes) -> list[str]:
    import json

    try:
        args = json.loads(line.decode("utf-8")).get("args", [])
    except (ValueError, AttributeError, UnicodeDecodeError):
        log.warning("Mensaje ilegible en el canal de instancia única")
        return []
    return [str(a) for a in args] if isinstance(args, list) else []
