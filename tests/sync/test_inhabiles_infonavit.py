"""The INFONAVIT's non-business days from the company's sync server: IT loads a year on the real
server (its command line, on PostgreSQL); a desktop receives it at its next sync and moves the
SISUB's deadline and its late filings by it; a year the server no longer serves, or one it never
had, falls back to the list the app carries; a server that has no list to give (an older
version) or answers something that is not one leaves the kept list alone."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.sisub import inhabiles
from icsoe_desktop.services.sync.inhabiles import InhabilesCompartidos
from icsoe_desktop.sync_server.__main__ import main as servidor
from tests.icsoe_helpers import enter_contratista
from tests.services.test_sisub_presentacion import _administrador
from tests.sisub_datos import completar
from tests.sync.conftest import connected

SEP_DIC = Periodo(2026, 3)


def _cargar(sync_server, *argumentos: str) -> int:
    return servidor(
        ["inhabiles", "cargar", "--database-url", sync_server.database_url, *argumentos]
    )


def _limite(escritorio, admin: str) -> date:
    (fila,) = [f for f in escritorio.vencimientos.tablero(admin).sisub if f.periodo == SEP_DIC]
    return fila.fecha_limite


def test_a_year_loaded_on_the_server_moves_the_deadline_on_every_desktop(
    sync_server, desktops, tmp_path, capsys, clock
):
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    admin = _administrador(a)
    # The 17th of January 2027 is a Sunday: the app's list (the law's days, 2027 not listed)
    # moves it to Monday the 18th.
    assert _limite(a, admin) == date(2027, 1, 18)
    assert _cargar(sync_server, "2027", "2027-01-18", "2027-01-01", "--fuente", "DOF") == 0
    assert "de 2027 cargados en el servidor: 2" in capsys.readouterr().out
    a.sync.synchronize()
    assert _limite(a, admin) == date(2027, 1, 19)
    assert 2027 not in inhabiles.lista(b.data_dir)  # until it syncs
    b.sync.synchronize()
    assert inhabiles.lista(b.data_dir)[2027] == {date(2027, 1, 1), date(2027, 1, 18)}
    kept = (b.data_dir / inhabiles.ARCHIVO).stat().st_mtime_ns
    b.sync.synchronize()  # the same list: nothing written
    assert (b.data_dir / inhabiles.ARCHIVO).stat().st_mtime_ns == kept

    # Filed on the 19th: on time by the server's list (an acuse is never of the future).
    clock.now = datetime(2027, 1, 20, 12, 0)
    reporte = a.sisub.preparar(rfc, CLI_ACTOR, SEP_DIC).uuid
    completar(a, reporte, CLI_ACTOR)  # what Revisar asks before a filing
    acuse = acuse_infonavit_pdf(
        rfc=rfc, periodo="Septiembre - Diciembre 2026", fecha="19/01/2027 10:00:00"
    )
    cuando = datetime(2027, 1, 19, 10, tzinfo=HORA_DEL_CENTRO)
    hecho = a.sisub_presentacion.registrar(
        reporte, rfc, acuse, "a.pdf", "SISUB-2026-0001234", cuando
    )
    assert hecho.texto == "Presentado"

    # The server's year replaced (no day): back to the weekend rule alone.
    assert _cargar(sync_server, "2027") == 0
    a.sync.synchronize()
    assert inhabiles.lista(a.data_dir)[2027] == frozenset()
    assert a.sisub_presentacion.presentado(reporte, CLI_ACTOR).texto == (
        "Presentado fuera de plazo (1 día)"
    )
    # The app's own years stay under those received.
    assert inhabiles.lista(a.data_dir)[2026] == inhabiles.INHABILES_INFONAVIT[2026]


def test_what_the_server_command_refuses(sync_server, capsys):
    assert _cargar(sync_server, "2027", "2026-12-25") == 2
    assert "«2026-12-25» no es una fecha de 2027" in capsys.readouterr().err
    assert _cargar(sync_server, "1999", "1999-01-01") == 2
    assert "no es un año de 2021 a 2100" in capsys.readouterr().err
    argumentos = ["inhabiles", "ver", "--database-url", sync_server.database_url]
    assert servidor(argumentos) == 0
    assert "no tiene días inhábiles cargados" in capsys.readouterr().out
    assert _cargar(sync_server, "2027", "2027-01-01") == 0
    capsys.readouterr()
    assert servidor(argumentos) == 0
    assert capsys.readouterr().out == "2027\t01/01\n"


class _Respuesta(BaseHTTPRequestHandler):
    respuestas: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_GET(self) -> None:
        estado, cuerpo = self.respuestas.get(self.path, (404, b"{}"))
        self.send_response(estado)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(cuerpo)))
        self.end_headers()
        self.wfile.write(cuerpo)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def otro_servidor() -> Iterator[str]:
    """A server on 127.0.0.1 that answers what a test sets: an older version's or a wrong one."""
    servidor_http = ThreadingHTTPServer(("127.0.0.1", 0), _Respuesta)
    hilo = threading.Thread(target=servidor_http.serve_forever, daemon=True)
    hilo.start()
    yield f"http://127.0.0.1:{servidor_http.server_address[1]}"
    servidor_http.shutdown()
    servidor_http.server_close()


def test_no_list_or_a_wrong_one_leaves_the_kept_list(services, otro_servidor):
    ruta = services.data_dir / inhabiles.ARCHIVO
    guardada = {"inhabiles": {"2027": ["2027-01-01", "2027-01-18"]}}
    ruta.write_text(json.dumps(guardada), encoding="utf-8")
    compartidos = InhabilesCompartidos(services.sync.transporte, ruta)
    with requests.Session() as http:
        assert not compartidos.sincronizar(http, otro_servidor)  # 404: an older server
        _Respuesta.respuestas["/v1/inhabiles"] = (200, b'{"inhabiles": {"2027": ["ayer"]}}')
        assert not compartidos.sincronizar(http, otro_servidor)
        _Respuesta.respuestas["/v1/inhabiles"] = (500, b"{}")
        assert not compartidos.sincronizar(http, otro_servidor)
    assert json.loads(ruta.read_text(encoding="utf-8")) == guardada
    assert inhabiles.lista(services.data_dir)[2027] == {date(2027, 1, 1), date(2027, 1, 18)}
    # A kept file that is not a list (edited by hand): the app's list.
    ruta.write_text('{"inhabiles": {"2027": "todos"}}', encoding="utf-8")
    assert inhabiles.lista(services.data_dir) == inhabiles.INHABILES_INFONAVIT
