"""The informativa's capture through the real services on a real store: the pantalla de
inicio's periods and deadlines, one Normal per period, complementarias, who may act for a
contratista (audited refusals), contratantes, contracts and their workers."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import (
    CORRECCION,
    EN_CAPTURA,
    LISTA_PARA_FIRMA,
    NORMAL,
    SIN_INFORMACION,
    Parte,
    Periodo,
)
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.store.models import AuditEntry
from tests.conftest import services_copying
from tests.icsoe_helpers import CURP_BETO
from tests.informativa_datos import nss_valido, trabajadores_limpios
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
def quien(_quien_una_vez, services, smtp_configured):
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def test_the_pantalla_de_inicio_lists_the_periods_due_with_their_deadlines(services, quien):
    rfc, ana = quien  # the tests' clock: 22/11/2026
    filas = services.informativas.tablero(rfc, ana)
    assert [(f.periodo.texto, f.estado_texto) for f in filas] == [
        ("septiembre–diciembre 2026", "Sin presentar"),
        ("mayo–agosto 2026", "Sin presentar"),
    ]
    en_curso, vencida = filas
    assert en_curso.fecha_limite == date(2027, 1, 18)  # 17/01/2027 is a Sunday
    assert (en_curso.dias_restantes, en_curso.vencida) == (57, False)
    assert vencida.fecha_limite == date(2026, 9, 17)
    assert vencida.dias_restantes == -66 and vencida.vencida

    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=4)
    filas = services.informativas.tablero(rfc, ana)
    fila = next(f for f in filas if f.uuid == uuid)
    assert (fila.tipo_texto, fila.estado_texto, fila.contratos, fila.trabajadores) == (
        "Normal",
        "En captura",
        1,
        4,
    )
    assert fila.vencida  # still not signed after its deadline
    assert len(filas) == 2  # the period now shows its informativa, not an empty row


def test_one_declaration_per_period_and_complementarias_of_a_signed_one(services, quien):
    rfc, ana = quien
    services.informativas.crear(rfc, ana, PERIODO)
    for tipo in (NORMAL, SIN_INFORMACION):
        with pytest.raises(ValidationError) as error:
            services.informativas.crear(rfc, ana, PERIODO, tipo)
        assert error.value.code == "varias_declaraciones"
        assert "varias declaraciones" in error.value.message
        assert "complementaria" in error.value.message
    with pytest.raises(ValidationError) as error:
        services.informativas.crear(rfc, ana, PERIODO, CORRECCION)
    assert error.value.code == "complementaria_sin_original"
    assert "aún no tiene una informativa firmada" in error.value.message
    with pytest.raises(ValidationError) as error:
        services.informativas.crear(rfc, ana, Periodo(2027, 1))
    assert error.value.code == "periodo_futuro"
    # Another period: «Sin información» in one step, ready for the contratista's signature.
    otra = services.informativas.sin_informacion(rfc, ana, Periodo(2026, 1))
    assert services.informativas.fila(otra, ana).estado == LISTA_PARA_FIRMA
    with pytest.raises(ValidationError) as error:
        services.informativas.guardar_contrato(otra, ana, ContratoDatos("x"))
    assert error.value.code == "sin_informacion_con_contratos"


def test_only_whoever_acts_for_the_contratista_may_capture_and_refusals_are_audited(
    services, quien
):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    services.informativas.crear(rfc, rfc, Periodo(2026, 3))  # the contratista itself
    services.informativas.tablero(rfc, CLI_ACTOR)  # IT's command line
    refused = [
        (CURP_BETO, "relación activa"),  # a capturista of nobody here
        ("AAA010101AAA", "contratista AAA010101AAA"),  # another contratista's session
        ("admin@empresa.com", "capturar la informativa"),  # an IDSE user
    ]
    for actor, text in refused:
        with pytest.raises(PermisoDenegado) as error:
            services.informativas.tablero(rfc, actor)
        assert text in error.value.message
        with pytest.raises(PermisoDenegado):
            services.informativas.contratos(uuid, actor)
    # Ana loses her relation: from then on she is refused too.
    (relacion,) = services.capturistas.pagina(rfc, 0, 10)
    services.capturistas.baja(rfc, relacion.id)
    with pytest.raises(PermisoDenegado):
        services.informativas.tablero(rfc, ana)
    with services.store.session() as session:
        actors = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "icsoe_informativa_rechazada")
        ).all()
    assert sorted(actors) == sorted([CURP_BETO, CURP_BETO, "AAA010101AAA", "AAA010101AAA", ana])


def test_contratantes_are_kept_per_contratista_and_a_bad_check_digit_only_warns(services, quien):
    rfc, ana = quien
    uuid, avisos = services.informativas.guardar_contratante(rfc, ana, CLIENTE)
    assert avisos == []
    otro = Parte(rfc="CDO020202B28", nombre="  Cliente   Dos  ", telefono_movil="+52 55 1234 5678")
    uuid2, avisos = services.informativas.guardar_contratante(rfc, ana, otro)
    assert len(avisos) == 1 and "dígito verificador del RFC CDO020202B28" in avisos[0]
    filas = {f.uuid: f.parte for f in services.informativas.contratantes(rfc, ana)}
    assert filas[uuid2].nombre == "Cliente Dos" and filas[uuid2].telefono_movil == "5512345678"
    assert filas[uuid].domicilio.colonia == "Juárez"
    # The same RFC again updates the contratante instead of a second one.
    again, _ = services.informativas.guardar_contratante(rfc, ana, CLIENTE)
    assert again == uuid and len(services.informativas.contratantes(rfc, ana)) == 2
    with pytest.raises(ValidationError) as error:
        services.informativas.guardar_contratante(rfc, ana, CLIENTE, uuid=uuid2)
    assert error.value.code == "contratante_duplicado"
    for parte, field in [
        (Parte(rfc="", nombre="X"), "rfc"),
        (Parte(rfc="XYZ", nombre="X"), "rfc"),
        (Parte(rfc="CNT0101019A3", nombre=""), "nombre"),
        (Parte(rfc="CNT0101019A3", nombre="X", correo="no-es-correo"), "correo"),
        (Parte(rfc="CNT0101019A3", nombre="X", telefono_fijo="123"), "telefonoFijo"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.informativas.guardar_contratante(rfc, ana, parte)
        assert error.value.field == field, parte


def test_contracts_saved_as_typed_listed_with_counts_and_copied_to_another_period(services, quien):
    rfc, ana = quien
    mayo = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, mayo, trabajadores=5)
    # A half-typed contract is kept: Revisar says what is missing.
    contratante = services.informativas.contratantes(rfc, ana)[0].uuid
    borrador = services.informativas.guardar_contrato(mayo, ana, ContratoDatos(contratante))
    resumen = {c.uuid: c for c in services.informativas.contratos(mayo, ana)}
    assert resumen[contrato].trabajadores == 5 and resumen[borrador].trabajadores == 0
    assert resumen[contrato].contratante_nombre == CLIENTE.nombre
    assert services.informativas.contrato(contrato, ana).folio_repse == "12345/2025"

    septiembre = services.informativas.crear(rfc, ana, Periodo(2026, 3))
    anteriores = services.informativas.contratos_anteriores(rfc, ana, excepto=septiembre)
    assert {c.uuid for c in anteriores} == {contrato, borrador}
    copia = services.informativas.copiar_contrato(contrato, septiembre, ana)
    datos = services.informativas.contrato(copia, ana)
    assert datos.objeto == "Limpieza especializada de la planta Norte"
    assert datos.fecha_inicial is None  # a contract belongs to the period it started in
    assert services.informativa_trabajadores.contar(copia, ana) == 5

    services.informativas.eliminar_contrato(borrador, ana)
    assert [c.uuid for c in services.informativas.contratos(mayo, ana)] == [contrato]
    services.informativas.eliminar(septiembre, ana)
    assert all(f.uuid != septiembre for f in services.informativas.tablero(rfc, ana))


def test_workers_typed_one_by_one_are_checked_at_once(services, quien):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    svc = services.informativa_trabajadores
    (t,) = trabajadores_limpios(1, random.Random(3), PERIODO.anio)
    fila = svc.agregar(contrato, ana, t.nss, t.curp.lower(), "350.5")
    assert (fila.nss, fila.curp, fila.sbc) == (t.nss, t.curp, 35050)
    bad_nss = t.nss[:-1] + str((int(t.nss[-1]) + 1) % 10)
    for nss, curp, sbc, field in [
        (bad_nss, t.curp, "400.00", "nss"),
        (nss_valido(random.Random(99)), "LOMA901315MDFPRN01", "400.00", "curp"),
        (nss_valido(random.Random(98)), t.curp[:-1] + "X", "400", "curp"),
        (nss_valido(random.Random(97)), t.curp, "400", "curp"),  # the CURP is already there
        (t.nss, t.curp, "400", "nss"),  # the same worker twice
        (nss_valido(random.Random(96)), "", "400", "curp"),
        (nss_valido(random.Random(95)), t.curp, "1.200,50", "sbc"),  # reads two ways
        (nss_valido(random.Random(94)), t.curp, "10.00", "sbc"),  # under the minimum wage
    ]:
        with pytest.raises(ValidationError) as error:
            svc.agregar(contrato, ana, nss, curp, sbc)
        assert error.value.field == field, (nss, curp, sbc, error.value.message)
    assert svc.contar(contrato, ana) == 1


@pytest.mark.slow
def test_the_worker_grid_pages_through_12000_assignments(services, quien):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    rows = trabajadores_limpios(12_000, random.Random(5), PERIODO.anio)
    svc = services.informativa_trabajadores
    seen: list[tuple[int, int]] = []
    result = svc.agregar_varios(
        contrato, ana, list(rows), progreso=lambda d, t: seen.append((d, t))
    )
    assert (result.agregados, result.problemas) == (12_000, [])
    assert seen[-1] == (12_000, 12_000)
    assert svc.contar(contrato, ana) == 12_000
    last = svc.pagina(contrato, ana, 11_990, 50)
    assert [r.nss for r in last] == [r.nss for r in rows[-10:]]
    # Removing rows from the grid.
    assert svc.quitar(contrato, ana, [r.id for r in last[:4]]) == 4
    assert svc.contar(contrato, ana) == 11_996
    # A second load that repeats one of them adds nothing and says where.
    again = svc.agregar_varios(contrato, ana, [rows[-1]])
    assert again.agregados == 0
    assert [p.codigo for p in again.problemas] == ["nss_repetido", "curp_repetida"]


def test_revisar_moves_the_informativa_to_lista_para_firma_and_an_edit_back(services, quien):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    assert [p.codigo for p in services.informativa_firma.revisar(uuid, ana)] == ["sin_contratos"]
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    assert services.informativa_firma.revisar(uuid, ana) == []
    assert services.informativas.fila(uuid, ana).estado == LISTA_PARA_FIRMA
    datos = services.informativas.contrato(contrato, ana)
    services.informativas.guardar_contrato(
        uuid, ana, ContratoDatos(datos.contratante, datos.objeto), uuid=contrato
    )
    assert services.informativas.fila(uuid, ana).estado == EN_CAPTURA
    problemas = services.informativa_firma.revisar(uuid, ana)
    assert {p.codigo for p in problemas} == {"sin_descripcion", "fechas"}
    assert {p.contrato for p in problemas} == {contrato}


def test_workers_picked_from_the_empresas_own_movimientos(services, quien, tmp_path):
    from tests.services.movimientos_data import CURPS, load_known, nss

    rfc, ana = quien
    load_known(services, tmp_path)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    svc = services.informativa_trabajadores
    (claudia,) = svc.buscar_en_la_empresa("claudia lopez")
    assert (claudia.nss, claudia.curp, claudia.sbc, claudia.nombre) == (
        nss(1),
        CURPS[0],
        65184,
        "CLAUDIA LOPEZ RUIZ",
    )
    assert [t.nss for t in svc.buscar_en_la_empresa(nss(1)[:9])] == [nss(1)]
    assert svc.buscar_en_la_empresa("   ") == []
    (juan,) = svc.buscar_en_la_empresa("CRUZ")  # a baja: no SBC in its movimiento
    result = svc.agregar_de_la_empresa(contrato, ana, [claudia, juan])
    assert result.agregados == 0 and [p.codigo for p in result.problemas] == ["dato_faltante"]
    assert "captúralo a mano" in result.problemas[0].mensaje
    assert svc.agregar_de_la_empresa(contrato, ana, [claudia]).agregados == 1
    (fila,) = svc.pagina(contrato, ana, 0, 5)
    assert fila.nombre == "CLAUDIA LOPEZ RUIZ"
    # Typed by hand with another CURP than the one the empresa knows for that NSS: refused.
    (ana_ramos,) = svc.buscar_en_la_empresa("RAMOS VEGA")
    with pytest.raises(ValidationError) as error:
        svc.agregar(contrato, ana, ana_ramos.nss, CURPS[1], "400.00")
    assert error.value.code == "curp_distinta" and error.value.field == "curp"
