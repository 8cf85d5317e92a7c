"""Revisar with the payroll's receipts of the period imported: a worker without a receipt that
names the contratante, one paid for it who is missing from the contract, an SBC other than his
latest receipt's and a receipt whose shares add to more than 100 % are warned of, and none of
them keeps the informativa from being signed."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from icsoe_desktop.domain.informativa.modelo import LISTA_PARA_FIRMA
from icsoe_desktop.domain.informativa.revision import (
    FUERA_DEL_CONTRATO,
    PORCENTAJE_EXCEDIDO,
    SBC_RECIBO,
    SIN_RECIBO,
)
from icsoe_desktop.domain.roles import CLI_ACTOR
from tests import nomina_cfdi as nc
from tests.conftest import services_copying
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    capturista_una_vez,
    contrato_con_trabajadores,
)


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, data_dir, smtp_configured):
    """The contratista and Ana, its capturista; the empresa is the payroll's emisor."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def _como_en_la_nomina(fila, rng: random.Random) -> nc.Trabajador:
    return nc.Trabajador(
        fila.nombre or "TRABAJADOR",
        fila.nss,
        fila.curp,
        nc._rfc_de(fila.curp, rng),
        Decimal(fila.sbc) / 100,
        f"{fila.id:05d}",
    )


def test_revisar_warns_from_the_receipts_without_blocking(services, quien, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    filas = services.informativa_trabajadores.pagina(contrato, ana, 0, 10)
    rng = random.Random(3)
    uno, dos, tres = (_como_en_la_nomina(f, rng) for f in filas)
    (ajeno,) = nc.trabajadores(1, seed=77)
    semana = nc.Periodo.semana(date(2026, 6, 1))
    cliente, otro, tercero = CLIENTE.rfc, nc.CLIENTES[0], nc.CLIENTES[1]
    emisor = nc.Emisor()
    recibos = [
        ("uno.xml", nc.recibo(emisor, uno, semana, subcontrataciones=((cliente, "100"),))),
        (
            "dos.xml",
            nc.recibo(
                emisor,
                nc.Trabajador(dos.nombre, dos.nss, dos.curp, dos.rfc, dos.sbc + 25, dos.numero),
                semana,
                subcontrataciones=((cliente, "100"),),
            ),
        ),
        (
            "tres.xml",
            nc.recibo(emisor, tres, semana, subcontrataciones=((otro, "60"), (tercero, "60"))),
        ),
        ("ajeno.xml", nc.recibo(emisor, ajeno, semana, subcontrataciones=((cliente, "100"),))),
    ]
    reporte = services.nomina.importar([nc.escribir(tmp_path / "nomina", recibos)], CLI_ACTOR)
    assert reporte.guardados == 4

    avisos = services.informativa_firma.revisar(uuid, ana)
    assert all(a.aviso for a in avisos)
    por_codigo = {(a.codigo, a.renglon) for a in avisos}
    assert por_codigo == {
        (SBC_RECIBO, 2),
        (SIN_RECIBO, 3),
        (PORCENTAJE_EXCEDIDO, 3),
        (FUERA_DEL_CONTRATO, None),
    }
    mensajes = {a.codigo: a.mensaje for a in avisos}
    assert f"su último recibo de nómina que nombra a {cliente} dice" in mensajes[SBC_RECIBO]
    assert f"NSS {ajeno.nss}" in mensajes[FUERA_DEL_CONTRATO]
    assert "suman 120 %" in mensajes[PORCENTAJE_EXCEDIDO]
    assert services.informativas.fila(uuid, ana).estado == LISTA_PARA_FIRMA


def test_without_receipts_of_the_period_revisar_says_nothing_of_them(services, quien, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    (otro_periodo,) = nc.trabajadores(1, seed=78)
    services.nomina.importar(
        [
            nc.escribir(
                tmp_path / "enero",
                [
                    (
                        "enero.xml",
                        nc.recibo(
                            nc.Emisor(),
                            otro_periodo,
                            nc.Periodo.semana(date(2026, 1, 5)),
                            subcontrataciones=((CLIENTE.rfc, "100"),),
                        ),
                    )
                ],
            )
        ],
        CLI_ACTOR,
    )
    assert services.informativa_firma.revisar(uuid, ana) == []


def test_a_contract_takes_the_workers_its_client_s_receipts_propose(services, quien, tmp_path):
    from sqlalchemy import select

    from icsoe_desktop.store.models import AuditEntry

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    gente = nc.trabajadores(4, seed=79)
    semana = nc.Periodo.semana(date(2026, 6, 8))
    recibos = [
        (
            f"{t.curp}.xml",
            nc.recibo(
                nc.Emisor(),
                t,
                semana,
                subcontrataciones=((CLIENTE.rfc if i < 3 else nc.CLIENTES[0], "100"),),
            ),
        )
        for i, t in enumerate(gente)
    ]
    services.nomina.importar([nc.escribir(tmp_path / "junio", recibos)], CLI_ACTOR)
    svc = services.informativa_trabajadores
    propuestos = svc.propuestos_de_recibos(contrato, ana)
    assert {(p.curp, p.sbc) for p in propuestos} == {(t.curp, int(t.sbc * 100)) for t in gente[:3]}
    aceptados = [gente[0].curp, gente[2].curp]
    assert svc.agregar_de_recibos(contrato, ana, aceptados).agregados == 2
    filas = svc.pagina(contrato, ana, 0, 10)
    assert {(f.curp, f.nss, f.sbc) for f in filas} == {
        (t.curp, t.nss, int(t.sbc * 100)) for t in (gente[0], gente[2])
    }
    assert [p.curp for p in svc.propuestos_de_recibos(contrato, ana)] == [gente[1].curp]
    with services.store.session() as session:
        fuente = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "icsoe_trabajadores_de_recibos")
        ).all()
    assert fuente == ["icsoe_trabajadores_de_recibos"]
