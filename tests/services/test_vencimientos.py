"""ICSOE › Vencimientos: the periods still to file of every contratista (a signed one until its
IMSS acuse is registered), across the empresas the user may open, with their deadlines (past due
first)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.domain.informativa.modelo import (
    CORRECCION,
    LISTA_PARA_FIRMA,
    Periodo,
)
from icsoe_desktop.services.acceso.accounts import Registration
from tests import credentials_factory as cf
from tests.conftest import made_once, services_copying
from tests.icsoe_helpers import trust_sat

ANA, BETO = "ana@despacho.mx", "beto@despacho.mx"
PASSWORD = "Nom1na$Segura"
RFC_OTRO = "BOD020202BB2"
HOY = date(2026, 11, 22)  # the test clock's day: septiembre–diciembre 2026 is in course


def contratista(services, tmp_path: Path, rfc: str, nombre: str) -> tuple[Path, Path]:
    """A persona moral enters the open empresa with its e.firma; returns its .cer and .key."""
    trust_sat(services.data_dir)
    cer, key = cf.fiel_moral(rfc=rfc, nombre=nombre).write(tmp_path / rfc)
    services.contratistas.ingresar(services.contratistas.validar_fiel(rfc, cer, key, cf.PASSWORD))
    return cer, key


def sin_informacion_firmada(services, rfc: str, fiel: tuple[Path, Path], periodo: Periodo) -> str:
    """A period without contracts, filed as such and signed with the contratista's e.firma."""
    uuid = services.informativas.sin_informacion(rfc, rfc, periodo)
    services.informativa_firma.firmar(uuid, rfc, *fiel, cf.PASSWORD)
    return uuid


def _despacho(services, _data_dir: Path, folder: Path, _smtp) -> dict:
    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    services.accounts.register(Registration("Beto", "Paz", "", BETO, PASSWORD, PASSWORD, True))
    services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", ANA)
    primera = services.nombrar_empresa().id
    segunda = services.empresas.crear("BOD020202BB3", "Bodegas Dos SA de CV", ANA).id
    services.accesos.retirar(BETO, primera, ANA)
    services.accesos.conceder(BETO, segunda, ANA)

    rfc = cf.RFC_MORAL
    fiel = contratista(services, folder, rfc, "EMPRESA DEMO SA DE CV")
    inf = services.informativas
    olvidada = inf.crear(rfc, rfc, Periodo(2025, 3))  # begun and never signed
    firmada = sin_informacion_firmada(services, rfc, fiel, Periodo(2026, 1))
    inf.crear(rfc, rfc, Periodo(2026, 2))
    # A complementaria of the signed period carries no deadline of its own.
    inf.crear(rfc, rfc, Periodo(2026, 1), CORRECCION, complementa=firmada)

    services.abrir_empresa(segunda)
    contratista(services, folder, RFC_OTRO, "SERVICIOS DOS SA DE CV")
    services.abrir_empresa(primera)
    return {"primera": primera, "segunda": segunda, "olvidada": olvidada}


@pytest.fixture(scope="module")
def _despacho_una_vez(tmp_path_factory):
    return made_once(tmp_path_factory, _despacho)


services = services_copying(despacho="_despacho_una_vez")


@pytest.fixture
def despacho(_despacho_una_vez, services, tmp_path):
    """Two empresas: the first (open) with a contratista that has left periods unsigned, the
    second (granted to Beto too) with a contratista that has captured nothing."""
    hecho = _despacho_una_vez[1]
    assert services.empresa.id == hecho["primera"]
    rfc = cf.RFC_MORAL
    return hecho | {"fiel": (tmp_path / rfc / f"{rfc}.cer", tmp_path / rfc / f"{rfc}.key")}


def filas(tablero) -> list[tuple[str, str, str, str, int]]:
    return [
        (f.empresa.rfc, f.contratista_rfc, f.periodo.clave, f.estado_texto, f.dias_restantes)
        for f in tablero.filas
    ]


def test_every_empresa_of_the_administrator_past_due_first(services, despacho):
    tablero = services.vencimientos.tablero(ANA)
    assert filas(tablero) == [
        # septiembre–diciembre 2025: due 19/01/2026 (the 17th was a Saturday)
        ("ABA010101AA1", cf.RFC_MORAL, "2025-3", "En captura", (date(2026, 1, 19) - HOY).days),
        # enero–abril 2026, signed in the app but never filed on the portal: still pending
        ("ABA010101AA1", cf.RFC_MORAL, "2026-1", "Firmada, sin presentar", -188),
        # mayo–agosto 2026: due 17/09/2026
        ("ABA010101AA1", cf.RFC_MORAL, "2026-2", "En captura", -66),
        ("BOD020202BB3", RFC_OTRO, "2026-2", "Sin presentar", -66),
        # in course: due the 17th of January 2027, a Sunday → Monday the 18th
        ("ABA010101AA1", cf.RFC_MORAL, "2026-3", "Sin presentar", 57),
        ("BOD020202BB3", RFC_OTRO, "2026-3", "Sin presentar", 57),
    ]
    primera = tablero.filas[0]
    assert primera.vencida and primera.informativa == despacho["olvidada"]
    assert primera.contratista_nombre == "EMPRESA DEMO SA DE CV"
    assert primera.fecha_limite == date(2026, 1, 19)
    assert tablero.filas[1].vencida
    assert tablero.vencidas == 4 and tablero.sin_leer == []
    # The board reads the other stores apart: the open empresa stays the one it was.
    assert services.empresa.id == despacho["primera"]


def test_a_user_sees_only_the_empresas_granted(services, despacho):
    tablero = services.vencimientos.tablero(BETO)
    assert {f.empresa.rfc for f in tablero.filas} == {"BOD020202BB3"}
    assert [f.periodo.clave for f in tablero.filas] == ["2026-2", "2026-3"]
    assert services.vencimientos.tablero("nadie@despacho.mx").filas == []


def test_solo_consulta_sees_the_empresas_open_to_that_mode(services, despacho):
    assert {f.empresa.rfc for f in services.vencimientos.tablero(None).filas} == {"ABA010101AA1"}


def test_only_filing_a_period_takes_it_off_the_board(services, despacho, clock):
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from tests.informativa_servicios import acuse_del_imss

    rfc = cf.RFC_MORAL
    (mayo,) = [f for f in services.informativas.tablero(rfc, rfc) if f.periodo == Periodo(2026, 2)]
    services.informativas.eliminar(mayo.uuid, rfc)  # no contract started then after all
    sin_info = sin_informacion_firmada(services, rfc, despacho["fiel"], Periodo(2026, 2))

    def periodos() -> dict[str, str]:
        return {
            f.periodo.clave: f.estado_texto
            for f in services.vencimientos.tablero(ANA).filas
            if f.contratista_rfc == rfc
        }

    assert periodos()["2026-2"] == "Firmada, sin presentar"
    clock.advance(hours=3)  # filed on the portal after the signing
    services.informativa_presentacion.registrar(
        sin_info,
        rfc,
        acuse_del_imss(
            rfc, folio="SI262202734", fecha="22/11/2026 05:05", tipo="Sin información", contratos=()
        ),
        "acuse.pdf",
        "SI262202734",
        datetime(2026, 11, 22, 5, 5, tzinfo=HORA_DEL_CENTRO),
        {},
    )
    assert set(periodos()) == {"2025-3", "2026-1", "2026-3"}


def test_the_most_advanced_declaracion_speaks_for_its_period(services, despacho):
    rfc = cf.RFC_MORAL
    sin_info = services.informativas.sin_informacion(rfc, rfc, Periodo(2026, 3))
    (fila,) = [
        f
        for f in services.vencimientos.tablero(ANA).filas
        if f.contratista_rfc == rfc and f.periodo == Periodo(2026, 3)
    ]
    assert fila.estado == LISTA_PARA_FIRMA and fila.informativa == sin_info
    assert fila.estado_texto == "Lista para firma" and not fila.vencida


def test_a_store_that_cannot_be_read_is_named_not_hidden(services, despacho):
    tercera = services.empresas.crear("CON030303CC3", "Constructora Tres SC", ANA)
    services.empresas.ruta(tercera).write_bytes(b"esto no es una base de datos" * 200)
    tablero = services.vencimientos.tablero(ANA)
    assert [e.rfc for e in tablero.sin_leer] == ["CON030303CC3"]
    assert len(tablero.filas) == 6  # the others still shown


def test_an_empresa_without_contratistas_adds_nothing(services):
    assert services.vencimientos.tablero(None).filas == []


def test_a_signed_complementaria_not_filed_stays_on_the_board_without_a_deadline(
    services, despacho, clock
):
    """The Normal filed, its Corrección signed and not filed: the period is done, but the
    correction is not filed until its acuse is registered. It has no deadline of its own."""
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from tests.informativa_servicios import acuse_del_imss, contrato_con_trabajadores

    rfc = cf.RFC_MORAL
    inf = services.informativas
    (mayo,) = [f for f in inf.tablero(rfc, rfc) if f.periodo == Periodo(2026, 2)]
    contrato_con_trabajadores(services, rfc, rfc, mayo.uuid, trabajadores=2)
    services.informativa_firma.firmar(mayo.uuid, rfc, *despacho["fiel"], cf.PASSWORD)
    clock.advance(hours=3)
    services.informativa_presentacion.registrar(
        mayo.uuid,
        rfc,
        acuse_del_imss(rfc, fecha="22/11/2026 05:00:00"),
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 5, 0, tzinfo=HORA_DEL_CENTRO),
        {},
    )
    correccion = inf.crear(rfc, rfc, Periodo(2026, 2), CORRECCION, complementa=mayo.uuid)
    services.informativa_firma.firmar(correccion, rfc, *despacho["fiel"], cf.PASSWORD)

    (fila,) = [
        f
        for f in services.vencimientos.tablero(ANA).filas
        if f.contratista_rfc == rfc and f.periodo == Periodo(2026, 2)
    ]
    assert (fila.informativa, fila.estado_texto, fila.vencida) == (
        correccion,
        "Firmada, sin presentar · Complementaria de Corrección",
        False,
    )
    en_la_lista = inf.fila(correccion, rfc)
    assert (en_la_lista.vencida, en_la_lista.dias_texto) == (False, "Sin plazo (complementaria)")
