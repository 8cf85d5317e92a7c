"""A kept-alive connection that the server closes just as the desktop sends its next request (an
idle connection timed out on the server's side) is no «Sin conexión»: the request goes again on
a new connection, once. A read timeout is not sent again (the server may still be working)."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time

import pytest

from icsoe_desktop.services.sync.transporte import SyncError
from tests.conftest import free_port

BODY = b'{"protocolo": 1, "empresa": "ABC010101AB1"}'
OK = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
    + f"Content-Length: {len(BODY)}\r\n\r\n".encode()
    + BODY
)


def _request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    return data


class Peer:
    """An HTTP peer on 127.0.0.1 that answers each connection's first request and closes the
    connection when a second one comes on it (or, ``stall``, never answers)."""

    def __init__(self, stall: bool = False) -> None:
        self.port = free_port()
        self.stall = stall
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            if not _request(conn):
                return
            if self.stall:
                time.sleep(3)
                return
            conn.sendall(OK)
            _request(conn)  # the next request on this connection: closed unanswered

    def close(self) -> None:
        self.listener.close()


def test_a_connection_closed_as_the_request_went_out_is_retried_silently(desktops) -> None:
    a, _b = desktops
    peer = Peer()
    try:
        http, base = a.sync.transporte.abrir(f"http://127.0.0.1:{peer.port}", "token", True)
        with http:
            assert (
                a.sync.transporte.call(http, "GET", f"{base}/v1/estado")["empresa"]
                == "ABC010101AB1"
            )
            assert (
                a.sync.transporte.call(http, "GET", f"{base}/v1/estado")["empresa"]
                == "ABC010101AB1"
            )
        assert peer.connections == 2  # the second request went again, on a new connection
    finally:
        peer.close()


def test_a_read_timeout_is_not_sent_again(desktops, monkeypatch) -> None:
    a, _b = desktops
    peer = Peer(stall=True)
    short = dataclasses.replace(a.sync.settings, timeout_s=0.5)  # (a setting, not our code)
    monkeypatch.setattr(type(a.sync.transporte), "settings", property(lambda _self: short))
    try:
        http, base = a.sync.transporte.abrir(f"http://127.0.0.1:{peer.port}", "token", True)
        with http, pytest.raises(SyncError) as raised:
            a.sync.transporte.call(http, "GET", f"{base}/v1/estado")
        assert raised.value.code == "sin_conexion"
        assert peer.connections == 1
    finally:
        peer.close()
