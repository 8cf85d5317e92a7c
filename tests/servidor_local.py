"""A small threaded HTTP server on 127.0.0.1 (a free port) for the outside services the app
asks: a subclass says what each request gets in ``atender``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar


class ServidorLocal:
    """``url``: the server's address with ``ruta``; ``pedidos``: requests received."""

    def __init__(self, ruta: str) -> None:
        self.pedidos = 0
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._manejador())
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/{ruta}"

    def atender(self, metodo: str, cuerpo: bytes) -> tuple[int, str, bytes]:
        """(status, content type, body) for one request; a status other than 200 is sent as
        an HTTP error with the body as its message."""
        raise NotImplementedError

    def _manejador(self) -> type[BaseHTTPRequestHandler]:
        servidor = self

        class Manejador(BaseHTTPRequestHandler):
            def _responder(self, metodo: str) -> None:
                cuerpo = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                servidor.pedidos += 1
                status, tipo, datos = servidor.atender(metodo, cuerpo)
                if status != 200:
                    self.send_error(status, datos.decode())
                    return
                self.send_response(200)
                self.send_header("Content-Type", tipo)
                self.send_header("Content-Length", str(len(datos)))
                self.end_headers()
                self.wfile.write(datos)

            def do_GET(self) -> None:
                self._responder("GET")

            def do_POST(self) -> None:
                self._responder("POST")

            def log_message(self, *_args: object) -> None:  # quiet
                pass

        return Manejador

    def iniciar(self) -> None:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def detener(self) -> None:
        self._http.shutdown()
        self._http.server_close()


S = TypeVar("S", bound=ServidorLocal)


@contextmanager
def en_marcha(servidor: S) -> Iterator[S]:
    servidor.iniciar()
    try:
        yield servidor
    finally:
        servidor.detener()
