"""The catalogue of códigos postales carried by the company's server: loaded once by IT (on a
desktop or on the server), received by every desktop of the company with its next sync, never
sent by a desktop that did not load it, nor to anything but the company's own server. Real
server on PostgreSQL, real desktops, a small catalogue in SEPOMEX's format made here."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.sync_server import sepomex
from icsoe_desktop.sync_server.__main__ import main as server_main
from tests import sepomex_datos as sd
from tests.services.test_accounts import form as registro
from tests.sync.conftest import EMPRESA, OTRA_EMPRESA, connect, connected

RECIBIDO = "Catálogo de códigos postales recibido del servidor: {} códigos."
ENVIADO = "Catálogo de códigos postales enviado al servidor: {} códigos."
TORREON = ("27000", "Torreón Centro", "Colonia", "Torreón", "Coahuila de Zaragoza", "Torreón", "05")


def _server_has(sync_server, empresa: str = EMPRESA) -> sepomex.EstadoEmpresa:
    (estado,) = sepomex.estados(sync_server.engine, [empresa])
    return estado


def _server_cli(sync_server, *args: str) -> int:
    return server_main(["sepomex", *args, "--database-url", sync_server.database_url])


def test_a_desktop_with_no_catalogue_gets_the_companys_after_one_sync(
    sync_server, desktops, tmp_path: Path
) -> None:
    a, b = connected(sync_server, desktops)
    a.codigos_postales.cargar(sd.escribir_zip(tmp_path / "CPdescarga.zip"), actor=CLI_ACTOR)

    sent = a.sync.synchronize()
    assert sent.catalogo == ENVIADO.format(6) and ENVIADO.format(6) in sent.texto
    en_servidor = _server_has(sync_server)
    assert en_servidor.codigos_postales == 6 and en_servidor.de == "A"

    assert b.codigos_postales.buscar("25000") is None  # nothing here yet
    received = b.sync.synchronize()
    assert received.catalogo == RECIBIDO.format(6) and RECIBIDO.format(6) in received.texto
    saltillo = b.codigos_postales.buscar("25000")
    assert saltillo is not None and saltillo.municipio == "Saltillo"
    assert saltillo.colonias == ("Álamos", "Centro", "Nogales", "Ñandúes", "Obrera", "Zona Centro")
    estado = b.codigos_postales.estado()
    assert estado.recibido and estado.asentamientos == 15 and estado.codigos_postales == 6
    assert b.codigos_postales.version().version == a.codigos_postales.version().version
    assert b.sync.status().catalogo.startswith(RECIBIDO.format(6)[:-1] + ", el ")

    # Idle syncs then: the version in the answers matches, nothing is sent or received.
    assert a.sync.synchronize().catalogo == "" and b.sync.synchronize().catalogo == ""
    # And what B received, B never sends on: it was not loaded there.
    assert not b.codigos_postales.version().cargado_aqui


def test_a_load_on_the_server_reaches_two_desktops_and_replaces_what_they_had(
    sync_server, desktops, tmp_path: Path, capsys
) -> None:
    a, b = connected(sync_server, desktops)
    # B had a catalogue of its own, loaded before the company's.
    b.codigos_postales.cargar(
        sd.escribir(tmp_path / "viejo" / "CPdescarga.txt", sd.ASENTAMIENTOS[:3]), actor=CLI_ACTOR
    )
    oficial = sd.escribir(tmp_path / "CPdescarga.txt", [*sd.ASENTAMIENTOS, TORREON])
    assert _server_cli(sync_server, "cargar", str(oficial)) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"Catálogo de códigos postales cargado en el servidor: 7 códigos postales, para {EMPRESA}."
    )
    assert _server_cli(sync_server, "estado") == 0
    assert "7 códigos postales" in capsys.readouterr().out

    for desktop in (a, b):
        assert desktop.sync.synchronize().catalogo == RECIBIDO.format(7)
        torreon = desktop.codigos_postales.buscar("27000")
        assert torreon is not None and torreon.colonias == ("Torreón Centro",)
    assert _server_has(sync_server).de == sepomex.SERVIDOR  # B's older load did not go up

    # A file cut short is refused on the server as on a desktop; the catalogue stays.
    corto = sd.escribir(tmp_path / "corto" / "CPdescarga.txt", sd.ASENTAMIENTOS[:2])
    assert _server_cli(sync_server, "cargar", str(corto)) == 2
    assert "Puede estar cortado" in capsys.readouterr().err
    danado = tmp_path / "danado.txt"
    danado.write_bytes(b"esto no es el catalogo\r\n")
    assert _server_cli(sync_server, "cargar", str(danado)) == 2
    assert "no es el catálogo de códigos postales de SEPOMEX" in capsys.readouterr().err
    assert a.sync.synchronize().catalogo == ""


def test_the_later_load_is_the_companys(sync_server, desktops, tmp_path: Path, clock) -> None:
    a, b = connected(sync_server, desktops)
    a.codigos_postales.cargar(sd.escribir(tmp_path / "a.txt"), actor=CLI_ACTOR)
    a.sync.synchronize()
    b.sync.synchronize()
    clock.advance(days=30)  # a month later IT loads SEPOMEX's new file on B
    b.codigos_postales.cargar(
        sd.escribir(tmp_path / "b.txt", [*sd.ASENTAMIENTOS, TORREON]), actor=CLI_ACTOR
    )
    assert b.sync.synchronize().catalogo == ENVIADO.format(7)
    assert a.sync.synchronize().catalogo == RECIBIDO.format(7)
    assert a.codigos_postales.buscar("27000") is not None
    assert a.sync.synchronize().catalogo == b.sync.synchronize().catalogo == ""


def test_a_user_who_is_not_an_administrator_cannot_load_it_nor_publish(
    sync_server, desktops, tmp_path: Path
) -> None:
    a, b = connected(sync_server, desktops)
    a.accounts.register(registro(usuario="admin@empresa.com"))  # the first user administers
    a.accounts.register(registro(usuario="ana.lopez@empresa.com"))
    archivo = sd.escribir(tmp_path / "CPdescarga.txt")
    with pytest.raises(PermisoDenegado) as refused:
        a.codigos_postales.cargar(archivo, actor="ana.lopez@empresa.com")
    assert refused.value.message == (
        "Sólo un administrador de icsoe-desktop puede cargar el catálogo de códigos postales."
    )
    (rechazo,) = [r for r in a.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert (rechazo.actor, rechazo.target) == ("ana.lopez@empresa.com", "CODIGOS_POSTALES")
    assert a.codigos_postales.version() is None
    assert a.sync.synchronize().catalogo == ""
    assert _server_has(sync_server).version is None

    a.codigos_postales.cargar(archivo, actor="admin@empresa.com")
    assert a.sync.synchronize().catalogo == ENVIADO.format(6)
    assert b.sync.synchronize().catalogo == RECIBIDO.format(6)


def test_the_catalogue_goes_to_no_other_company_nor_server(
    sync_server, desktops, tmp_path: Path, postgres
) -> None:
    a, b = connected(sync_server, desktops)
    a.codigos_postales.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    a.sync.synchronize()

    # Another company on the same server: its desktops hear of no catalogue and get none.
    otra = sync_server.token(OTRA_EMPRESA, "Otra empresa")
    asked = requests.get(
        f"{sync_server.url}/v1/sepomex",
        headers={"Authorization": f"Bearer {otra}", sync_wire.PROTOCOL_HEADER: "2"},
        timeout=30,
    )
    assert asked.status_code == 404
    assert asked.json()["mensaje"] == (
        "El servidor no tiene catálogo de códigos postales de esta empresa."
    )
    connect(b, sync_server.url, otra)
    assert b.sync.synchronize().catalogo == ""
    assert b.codigos_postales.version() is None
    assert _server_has(sync_server, OTRA_EMPRESA).version is None

    # B receives its company's, then is pointed at another server: it never sends it there.
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    assert b.sync.synchronize().catalogo == RECIBIDO.format(6)
    from icsoe_desktop.sync_server.app import create_app
    from icsoe_desktop.sync_server.db import make_engine
    from tests.conftest import free_port
    from tests.sync.conftest import SyncServer, _ThreadServer

    url = postgres.new_database()
    engine = make_engine(url)
    port = free_port()
    runner = _ThreadServer(create_app(engine), port)
    runner.start()
    try:
        segundo = SyncServer(f"http://127.0.0.1:{port}", url, engine)
        connect(b, segundo.url, segundo.token(nombre="B"))
        assert b.sync.synchronize().catalogo == ""
        assert _server_has(segundo).version is None
    finally:
        runner.stop()
        engine.dispose()


def test_the_server_refuses_what_is_not_a_catalogue(sync_server, desktops, tmp_path) -> None:
    token = sync_server.token()
    answer = requests.put(
        f"{sync_server.url}/v1/sepomex",
        data=b"PK\x03\x04 esto no es un zip",
        headers={
            "Authorization": f"Bearer {token}",
            sync_wire.PROTOCOL_HEADER: "2",
            sync_wire.SEPOMEX_FECHA_HEADER: "2026-11-22T09:00:00",
        },
        timeout=30,
    )
    assert answer.status_code == 422
    assert answer.json()["mensaje"].startswith("El archivo ZIP CPdescarga.zip está dañado")
    assert _server_has(sync_server).version is None


def test_sincronizar_ahora_says_what_came_and_the_contratantes_cp_fills_from_it(
    qtbot, modals, sync_server, desktops, tmp_path: Path
) -> None:
    from icsoe_desktop.gui.informativa.contratante import ContratanteDialog
    from tests.gui.helpers import type_text
    from tests.icsoe_helpers import enter_contratista
    from tests.sync.test_gui_sincronizacion import open_dialog, press

    a, b = connected(sync_server, desktops)
    a.codigos_postales.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    a.sync.synchronize()

    dialog = open_dialog(qtbot, b)
    seen = press(qtbot, modals, dialog.sincronizar)
    assert seen.text.endswith(f" {RECIBIDO.format(6)}")
    qtbot.waitUntil(lambda: "\n" in dialog.estado.text(), timeout=10_000)
    # When it came, in Central Mexico time: the tests' clock is 09:00 UTC.
    assert dialog.estado.text().endswith(f"\n{RECIBIDO.format(6)[:-1]}, el 22/11/2026 03:00.")
    dialog.close()

    rfc = enter_contratista(b, tmp_path / "escritorio_b", tmp_path)
    contratante = ContratanteDialog(b, rfc, rfc, None)
    qtbot.addWidget(contratante)
    contratante.show()
    type_text(qtbot, contratante.codigo_postal, "25000")
    assert contratante.entidad.currentText() == "Coahuila"
    assert contratante.municipio.text() == "Saltillo"
    assert contratante.colonia.count() == 6


def test_a_single_office_server_on_sqlite_keeps_and_hands_it_too(tmp_path: Path) -> None:
    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService
    from icsoe_desktop.sync_server import db
    from icsoe_desktop.sync_server.auth import authenticate

    engine = db.make_engine(f"sqlite:///{tmp_path / 'oficina.sqlite3'}")
    try:
        db.upgrade(engine)
        token = db.create_token(engine, EMPRESA, "Oficina").token
        publicado, rfcs = sepomex.cargar(
            engine, sd.escribir(tmp_path / "CPdescarga.txt"), None, False
        )
        assert rfcs == [EMPRESA] and publicado.publicado and publicado.codigos_postales == 6
        caller = authenticate(engine, f"Bearer {token}")
        assert sepomex.encabezado(caller) == publicado.version.encabezado()
        found = sepomex.trozos(engine, caller)
        assert found is not None
        version, size, pieces = found
        zipped = tmp_path / "recibido.zip"
        zipped.write_bytes(b"".join(pieces))
        assert zipped.stat().st_size == size
        desktop = CodigosPostalesService(tmp_path / "escritorio")
        assert desktop.recibir(zipped, version) == 6
        assert desktop.buscar("91000").ciudad == "Xalapa-Enríquez"
    finally:
        engine.dispose()
