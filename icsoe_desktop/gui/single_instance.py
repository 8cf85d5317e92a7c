"""One running app per data dir: a second start hands its arguments (an activation link) to the
first one over a local socket (a named pipe on Windows) and exits.

The socket is named after a hash of the data dir, so two data dirs run side by side. A socket
left by a crashed process accepts no connection: it is removed and the new process listens.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)
CONNECT_MS = 1_000
WRITE_MS = 2_000


def server_name(data_dir: Path) -> str:
    key = os.path.normcase(str(data_dir.resolve()))
    return "icsoe-desktop-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def send_to_running(name: str, args: list[str]) -> bool:
    """True when a running app took the arguments; False when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps({"args": args}).encode("utf-8") + b"\n")
    socket.flush()
    delivered = socket.waitForBytesWritten(WRITE_MS) or socket.bytesToWrite() == 0
    # Wait for the running app's «ok» so the arguments are not lost if this process ends first.
    acknowledged = socket.waitForReadyRead(WRITE_MS) and socket.readAll().data().startswith(b"ok")
    socket.disconnectFromServer()
    return delivered and acknowledged


class SingleInstance(QObject):
    """Listens for later starts; ``arguments_received(list)`` carries what they were given."""

    arguments_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
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
            QLocalServer.removeServer(self.name)
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
            self._clients.append(socket)
            socket.readyRead.connect(self._read_clients)
        self._read_clients()  # the line may already be in

    def _read_clients(self) -> None:
        for socket in [s for s in self._clients if s.canReadLine()]:
            self._clients.remove(socket)
            line = socket.readLine().data()
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


def _args(line: bytes) -> list[str]:
    try:
        args = json.loads(line.decode("utf-8")).get("args", [])
    except (ValueError, AttributeError, UnicodeDecodeError):
        log.warning("Mensaje ilegible en el canal de instancia única")
        return []
    return [str(a) for a in args] if isinstance(args, list) else []
