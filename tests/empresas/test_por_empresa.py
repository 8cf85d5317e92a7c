"""Per empresa: outgoing mail (its own server, or the installation's), the sync server and
token, ICSOE data (contratistas, capturistas, their mails), backups."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.empresas.servicio import EMPRESAS_DIR
from tests.empresas.tres import ANA, CLIENTES, build
from tests.icsoe_helpers import enter_contratista, form


@pytest.fixture
def ids(data_dir):
    return build(data_dir)


@pytest.mark.slow
def test_mail_goes_out_by_the_empresas_server_or_the_shared_one(
    data_dir, ids, smtp_server, tmp_path
) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings("despacho@nominas.mx"), None, ANA)
        dos, tres = CLIENTES[1], CLIENTES[2]
        services.abrir_empresa(ids[dos.rfc])
        services.settings_empresa.save_smtp(smtp_server.settings("bodegas@dos.mx"), None, ANA)
        rfc = enter_contratista(services, data_dir, tmp_path / "dos")
        services.capturistas.alta(rfc, form(correo="ana@capturas.mx"))
        assert services.mail.send_pending(force=True).pending == 0
        services.abrir_empresa(ids[tres.rfc])
        # The contratista and capturista of Bodegas Dos are not Constructora Tres's.
        with pytest.raises(ValidationError, match="no ha ingresado"):
            services.capturistas.total(rfc)
        enter_contratista(services, data_dir, tmp_path / "tres")
        services.capturistas.alta(rfc, form(correo="beto@capturas.mx"))
        services.accounts.request_password_reset(ANA)
        assert services.mail.send_pending(force=True).pending == 0
    finally:
        services.close()

    def senders(address: str) -> set[str]:
        return {str(m["From"]) for m in smtp_server.to(address)}

    assert senders("ana@capturas.mx") == {"bodegas@dos.mx"}
    assert senders("beto@capturas.mx") == {"despacho@nominas.mx"}
    assert senders(ANA) == {"despacho@nominas.mx"}
    # The installation's file keeps the shared server; the empresa's folder its own.
    own = (data_dir / EMPRESAS_DIR / dos.rfc / "settings.toml").read_text(encoding="utf-8")
    assert "bodegas@dos.mx" in own
    assert "bodegas@dos.mx" not in (data_dir / "settings.toml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_sync_server_and_token_are_per_empresa(data_dir, ids) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.abrir_empresa(ids[CLIENTES[1].rfc])
        services.sync.configure("https://sync.dos.mx", "token-de-dos", True, 0, ANA)
        assert services.sync.is_configured()
        services.abrir_empresa(ids[CLIENTES[2].rfc])
        assert not services.sync.is_configured()
        assert services.sync.settings.url == ""
        services.abrir_empresa(ids[CLIENTES[1].rfc])
        assert services.sync.token() == "token-de-dos"
        assert services.sync.settings.url == "https://sync.dos.mx"
    finally:
        services.close()


@pytest.mark.slow
def test_respaldar_and_restaurar_touch_only_the_open_empresa(data_dir, ids, tmp_path) -> None:
    from icsoe_desktop.services.container import open_services

    backup = tmp_path / "dos.sqlite3"
    services = open_services(data_dir)
    try:
        dos, tres = CLIENTES[1], CLIENTES[2]
        services.abrir_empresa(ids[dos.rfc])
        services.backup.backup(backup, actor=ANA)
        services.registros.save("B1234567105", dos.rfc, "Otro nombre SA", ANA)
        services.abrir_empresa(ids[tres.rfc])
        before = [r.razon_social for r in services.registros.listar()]
        services.abrir_empresa(ids[dos.rfc])
        services.backup.restore(backup, actor=ANA)
        assert [r.razon_social for r in services.registros.listar()] == [dos.razon_social]
        services.abrir_empresa(ids[tres.rfc])
        assert [r.razon_social for r in services.registros.listar()] == before
    finally:
        services.close()


@pytest.mark.slow
def test_mail_of_an_empresa_not_open_goes_out_by_its_own_server(
    data_dir, ids, smtp_server, smtp_server_2, tmp_path
) -> None:
    """Before: only the open empresa's outbox (and the catalog's) was sent; another empresa's
    capturista mails waited until it was opened. Two senders (two windows) on the same data dir
    send each mail once."""
    import threading

    from icsoe_desktop.services.container import open_services

    uno, dos, tres = (ids[c.rfc] for c in CLIENTES)
    services = open_services(data_dir)
    otra_ventana = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings("despacho@nominas.mx"), None, ANA)
        services.abrir_empresa(dos)
        services.settings_empresa.save_smtp(smtp_server_2.settings("bodegas@dos.mx"), None, ANA)
        services.abrir_empresa(tres)  # the installation's server
        for empresa, carpeta in ((dos, "dos"), (tres, "tres")):
            services.abrir_empresa(empresa)
            rfc = enter_contratista(services, data_dir, tmp_path / carpeta)
            for n in range(3):
                services.capturistas.alta(rfc, form(curp=_curp(n), correo=f"c{n}@{carpeta}.mx"))
        services.abrir_empresa(uno)
        otra_ventana.abrir_empresa(uno)
        waiting = services.mail.pending_count()  # each alta: activation and notice mails
        assert waiting >= 6

        reports = []
        senders = [
            threading.Thread(target=lambda s=s: reports.append(s.mail.send_pending(force=True)))
            for s in (services, otra_ventana)
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(60)
        assert sum(r.sent for r in reports) == waiting and services.mail.pending_count() == 0
    finally:
        otra_ventana.close()
        services.close()
    # Every mail once (two senders), each empresa's by its server and sender address.
    received = smtp_server.messages + smtp_server_2.messages
    assert len(received) == waiting
    assert len({m["Message-ID"] for m in received}) == waiting
    for n in range(3):
        [activacion] = [
            m for m in smtp_server_2.to(f"c{n}@dos.mx") if m["Subject"].startswith("Creación")
        ]
        assert activacion["From"] == "bodegas@dos.mx"
        assert smtp_server.to(f"c{n}@tres.mx") and not smtp_server.to(f"c{n}@dos.mx")
    assert {m["From"] for m in smtp_server_2.messages} == {"bodegas@dos.mx"}
    assert {m["From"] for m in smtp_server.messages} == {"despacho@nominas.mx"}


def _curp(n: int) -> str:
    from tests.icsoe_helpers import CURP_ANA, CURP_BETO, CURP_CARLA

    return (CURP_ANA, CURP_BETO, CURP_CARLA)[n]
