"""The informativa travels between two desktops of one company through the real server: the
contratantes, the informativa, its contracts and its workers arrive whole, and an edit on the
other desktop comes back; a signed one travels with what was frozen when it was signed."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests.icsoe_helpers import enter_contratista, trust_sat
from tests.informativa_servicios import CLIENTE, PERIODO, contrato_con_trabajadores
from tests.sync.conftest import connected


def test_an_informativa_with_its_contracts_and_workers_travels_and_edits_come_back(
    sync_server, desktops, tmp_path
) -> None:
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=250)
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.informativas.informativa(uuid, CLI_ACTOR) == a.informativas.informativa(
        uuid, CLI_ACTOR
    )
    assert b.informativa_trabajadores.contar(contrato, CLI_ACTOR) == 250

    # B completes the contract's dates and removes a worker; A sees both.
    datos = b.informativas.contrato(contrato, CLI_ACTOR)
    b.informativas.guardar_contrato(
        uuid,
        CLI_ACTOR,
        ContratoDatos(datos.contratante, "Objeto corregido en B", datos.folio_repse),
        uuid=contrato,
    )
    primero = b.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 1)[0]
    b.informativa_trabajadores.quitar(contrato, CLI_ACTOR, [primero.id])
    b.sync.synchronize()
    a.sync.synchronize()
    assert a.informativas.contrato(contrato, CLI_ACTOR).objeto == "Objeto corregido en B"
    assert a.informativa_trabajadores.contar(contrato, CLI_ACTOR) == 249
    assert a.informativas.informativa(uuid, CLI_ACTOR) == b.informativas.informativa(
        uuid, CLI_ACTOR
    )


def test_a_signed_informativa_and_its_acuse_travel_and_verify_on_the_other_desktop(
    sync_server, desktops, tmp_path
) -> None:
    from icsoe_desktop.domain.informativa.modelo import FIRMADA
    from tests import credentials_factory as cf

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=5)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    acuse = a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    firmada = a.informativas.informativa(uuid, CLI_ACTOR)
    exportado = _exportados(a, uuid, tmp_path / "a")
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.informativas.fila(uuid, CLI_ACTOR).estado == FIRMADA
    assert b.informativa_firma.acuse(uuid, CLI_ACTOR) == acuse
    # Verifying trusts this desktop's authorities: B proves nothing before it trusts the SAT's.
    assert not b.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    trust_sat(b.data_dir)
    assert b.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    # The informativa frozen at signing travels with its row.
    assert _congelada(b, uuid) == _congelada(a, uuid) is not None

    # B renames the contratante after signing: on both desktops the signed informativa says,
    # exports and verifies as signed.
    contratante = b.informativas.contrato(contrato, CLI_ACTOR).contratante
    b.informativas.guardar_contratante(
        rfc, CLI_ACTOR, replace(CLIENTE, nombre="Cliente Renombrado, S.A."), uuid=contratante
    )
    b.sync.synchronize()
    a.sync.synchronize()
    for desktop in (a, b):
        assert desktop.informativas.informativa(uuid, CLI_ACTOR) == firmada
        assert desktop.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    assert _exportados(b, uuid, tmp_path / "b") == exportado


def _exportados(desktop, uuid: str, carpeta) -> dict[str, bytes]:
    carpeta.mkdir()
    archivos = desktop.informativa_firma.exportar(uuid, CLI_ACTOR, carpeta)
    return {p.name: p.read_bytes() for p in archivos}


def _congelada(desktop, uuid: str) -> bytes | None:
    with desktop.store.engine.connect() as conn:
        return conn.execute(
            text("SELECT congelada FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
        ).scalar_one()


def test_the_portals_rejections_travel_and_the_signed_informativa_still_verifies(
    sync_server, desktops, tmp_path
) -> None:
    from tests import credentials_factory as cf
    from tests.services.test_informativa_rechazos import MOTIVO_NSS, portal_xlsx

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=4)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    acuse = a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    a.sync.synchronize()
    b.sync.synchronize()
    t = b.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 4)[2]
    archivo = portal_xlsx(tmp_path / "rechazos.xlsx", [(1, t.nss, t.curp, 1, MOTIVO_NSS)])
    assert b.informativa_rechazos.importar(uuid, CLI_ACTOR, archivo).problemas == []
    b.sync.synchronize()
    a.sync.synchronize()
    (marcado,) = a.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 4, rechazados=True)
    assert (marcado.nss, marcado.rechazo, marcado.corregido) == (t.nss, MOTIVO_NSS, False)
    trust_sat(a.data_dir)
    assert a.informativa_firma.verificar(acuse, cer.read_bytes()).ok


def test_the_imss_acuse_registered_travels_and_the_other_desktop_sees_it_filed(
    sync_server, desktops, tmp_path
) -> None:
    import hashlib
    from datetime import datetime

    from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.domain.informativa.modelo import PRESENTADA
    from tests import credentials_factory as cf

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    a.sync.synchronize()
    b.sync.synchronize()
    # B registers the IMSS acuse; A receives the filing whole.
    pdf = acuse_imss_pdf(contratos=((CLIENTE.rfc, CLIENTE.nombre, "A26P3662382"),))
    fecha = datetime(2026, 9, 15, 13, 45, 10, tzinfo=HORA_DEL_CENTRO)
    b.informativa_presentacion.registrar(
        uuid, CLI_ACTOR, pdf, "acuse.pdf", "N262253432", fecha, {contrato: "A26P3662382"}
    )
    b.sync.synchronize()
    a.sync.synchronize()
    fila = a.informativas.fila(uuid, CLI_ACTOR)
    assert (fila.estado, fila.folio_imss) == (PRESENTADA, "N262253432")
    assert a.informativa_presentacion.acuse_imss(uuid, CLI_ACTOR) == pdf
    registro = a.informativa_presentacion.registro(uuid, CLI_ACTOR)
    assert (registro.presentada, registro.sha256) == (fecha, hashlib.sha256(pdf).hexdigest())
    assert [c.folio_imss for c in registro.contratos] == ["A26P3662382"]
    assert {f.uuid for f in a.informativa_presentacion.por_presentar(CLI_ACTOR)} == set()
