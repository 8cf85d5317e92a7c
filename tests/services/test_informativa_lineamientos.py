"""The Lineamientos' rules through the real services on a real store: how many complementarias
and when, a Corrección that starts as a copy of the return it replaces, a Sin efectos of a Sin
información, days counted in Central Mexico time, foreign contratantes left out, and the SBC
the empresa's movimientos registered in the period."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from openpyxl import load_workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    CORRECCION,
    EN_CAPTURA,
    LISTA_PARA_FIRMA,
    SIN_EFECTOS,
    Parte,
    Periodo,
)
from icsoe_desktop.domain.informativa.periodos import fecha_limite
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.services.informativa.exportar import exportar
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.informativa_servicios import (
    PERIODO,
    capturista_una_vez,
    contrato_con_trabajadores,
    firmada_una_vez,
    movimientos_con_sbc,
)
from tests.services.movimientos_data import CURPS, nss

EXTRANJERO = Parte(rfc="XEXX010101000", nombre="Overseas Services LLC")


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(4, 7)])


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(firmada="_firmada_una_vez", quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    """The contratista and Ana, its active capturista, on this test's own copy of the store."""
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


@pytest.fixture
def firmada(_firmada_una_vez, services, tmp_path, smtp_configured):
    """A Normal of PERIODO captured by Ana and signed: (rfc, ana, uuid, fiel)."""
    rfc, ana, uuid, _contratos, _constancia = _firmada_una_vez[1]
    fiel = tmp_path / "fiel" / f"{rfc}.cer", tmp_path / "fiel" / f"{rfc}.key"
    return rfc, ana, uuid, fiel


def _crear(services, rfc, ana, tipo, original):
    return services.informativas.crear(rfc, ana, PERIODO, tipo, complementa=original)


def test_four_complementarias_per_period_actualizacion_not_counted(services, firmada, clock):
    rfc, ana, original, _ = firmada
    for tipo in (CORRECCION, SIN_EFECTOS, CORRECCION, SIN_EFECTOS):
        _crear(services, rfc, ana, tipo, original)  # Corrección and Sin efectos at any time
    with pytest.raises(ValidationError) as error:
        _crear(services, rfc, ana, CORRECCION, original)
    assert error.value.code == "demasiadas_complementarias"
    assert "ya tiene 4 complementarias de Corrección o Sin efectos: el máximo es 4" in (
        error.value.message
    )
    # 22/11/2026 is not a month of Actualización.
    with pytest.raises(ValidationError) as error:
        _crear(services, rfc, ana, ACTUALIZACION, original)
    assert error.value.code == "actualizacion_fuera_de_plazo"
    assert "sólo en mayo, septiembre o enero, por el cuatrimestre anterior" in error.value.message
    # In September, for mayo–agosto: filed beyond the four, since it is not counted.
    clock.now = datetime(2026, 9, 10, 12, 0)
    actualizacion = _crear(services, rfc, ana, ACTUALIZACION, original)
    assert services.informativas.fila(actualizacion, ana).tipo_texto == (
        "Complementaria de Actualización"
    )


def test_an_actualizacion_is_for_the_previous_period_only(services, firmada, clock):
    rfc, ana, original, _ = firmada
    clock.now = datetime(2027, 1, 10, 12, 0)  # January: the month for septiembre–diciembre
    with pytest.raises(ValidationError) as error:
        _crear(services, rfc, ana, ACTUALIZACION, original)
    assert error.value.code == "actualizacion_fuera_de_plazo"


def test_a_correccion_starts_as_a_copy_of_the_return_it_replaces(services, firmada):
    rfc, ana, original, _ = firmada
    correccion = _crear(services, rfc, ana, CORRECCION, original)
    antes = services.informativas.informativa(original, ana)
    copia = services.informativas.informativa(correccion, ana)
    assert len(copia.contratos) == len(antes.contratos) == 1
    (c_antes,), (c_copia,) = antes.contratos, copia.contratos
    assert c_copia.uuid != c_antes.uuid  # its own contract, editable
    assert replace(c_copia, uuid=c_antes.uuid) == c_antes
    assert [t.nss for t in c_copia.trabajadores] == [t.nss for t in c_antes.trabajadores]
    # The copy is corrected without touching the signed return.
    (t,) = services.informativa_trabajadores.pagina(c_copia.uuid, ana, 0, 1)
    services.informativa_trabajadores.quitar(c_copia.uuid, ana, [t.id])
    assert services.informativa_trabajadores.contar(c_copia.uuid, ana) == 3
    assert services.informativa_trabajadores.contar(c_antes.uuid, ana) == 4
    # A Sin efectos carries nothing of its own.
    sin_efectos = _crear(services, rfc, ana, SIN_EFECTOS, original)
    assert services.informativas.informativa(sin_efectos, ana).contratos == ()


def test_a_sin_efectos_cancels_a_signed_sin_informacion(services, firmada):
    rfc, ana, _, fiel = firmada
    periodo = Periodo(2026, 1)
    sin_informacion = services.informativas.sin_informacion(rfc, ana, periodo)
    services.informativa_firma.firmar(sin_informacion, rfc, *fiel, cf.PASSWORD)
    sin_efectos = services.informativas.crear(
        rfc, ana, periodo, SIN_EFECTOS, complementa=sin_informacion
    )
    assert services.informativas.fila(sin_efectos, ana).complementa == sin_informacion


def test_the_last_day_runs_until_2359_central_time(services, quien, clock):
    rfc, ana = quien
    periodo = Periodo(2026, 3)
    limite = fecha_limite(periodo)  # 18/01/2027; 23:59 there is 05:59 UTC of the 19th
    clock.now = datetime(limite.year, limite.month, limite.day + 1, 5, 58)
    fila = next(f for f in services.informativas.tablero(rfc, ana) if f.periodo == periodo)
    assert (fila.dias_restantes, fila.vencida) == (0, False)
    assert fila.dias_texto == "Vence hoy a las 23:59, hora del centro"
    clock.now = datetime(limite.year, limite.month, limite.day + 1, 6, 0)
    fila = next(f for f in services.informativas.tablero(rfc, ana) if f.periodo == periodo)
    assert (fila.dias_restantes, fila.vencida) == (-1, True)
    assert fila.dias_texto == "Vencida hace 1 día"
    # The evening before, in UTC already the deadline day: still one day left in Mexico.
    clock.now = datetime(limite.year, limite.month, limite.day, 5, 59)
    fila = next(f for f in services.informativas.tablero(rfc, ana) if f.periodo == periodo)
    assert fila.dias_restantes == 1


def test_contracts_with_a_foreign_firm_without_establishment_are_left_out(
    services, quien, tmp_path
):
    rfc, ana = quien
    inf = services.informativas
    extranjero, _ = inf.guardar_contratante(rfc, ana, EXTRANJERO, extranjero=True)
    (fila,) = inf.contratantes(rfc, ana)
    assert fila.extranjero and fila.parte.rfc == EXTRANJERO.rfc
    uuid = inf.crear(rfc, ana, PERIODO)
    datos = ContratoDatos(
        extranjero,
        "Soporte de software",
        "12345/2025",
        "Servicios de tecnología especializados",
        PERIODO.inicio,
    )
    inf.guardar_contrato(uuid, ana, datos)
    # Only foreign contracts: nothing to report, so the period is «Sin información».
    (problema,) = services.informativa_firma.revisar(uuid, ana)
    assert problema.codigo == "sin_contratos" and "«Sin información»" in problema.mensaje
    assert inf.fila(uuid, ana).estado == EN_CAPTURA

    propio = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    snapshot = inf.informativa(uuid, ana)
    assert [c.uuid for c in snapshot.contratos] == [propio] and snapshot.extranjeros == 1
    assert services.informativa_firma.revisar(uuid, ana) == []
    assert len(inf.contratos(uuid, ana)) == 2  # still listed for the clerk
    carpeta = tmp_path / "exportada"
    carpeta.mkdir()
    hoja = next(p for p in exportar(snapshot, carpeta) if p.suffix == ".xlsx")
    rfcs = [r[3] for r in load_workbook(hoja).active.iter_rows(min_row=2, values_only=True)]
    assert EXTRANJERO.rfc not in rfcs and len(rfcs) == 1
    # Unmarked, it is reported again.
    inf.guardar_contratante(rfc, ana, EXTRANJERO, extranjero, extranjero=False)
    assert len(inf.informativa(uuid, ana).contratos) == 2


def test_the_sbc_proposed_is_the_last_registered_in_the_period(services, quien, tmp_path):
    rfc, ana = quien
    movimientos_con_sbc(services, tmp_path)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    svc = services.informativa_trabajadores
    assert svc.sbc_registrado(contrato, ana, nss(7)) == 50000  # not September's 550.00
    assert svc.sbc_registrado(contrato, ana, nss(4)) is None  # a baja: no SBC
    assert svc.sbc_registrado(contrato, ana, "123") is None
    (maria,) = svc.buscar_en_la_empresa(nss(7))
    assert maria.sbc == 55000  # its latest movimiento, later than the period
    assert svc.agregar_de_la_empresa(contrato, ana, [maria]).agregados == 1
    (fila,) = svc.pagina(contrato, ana, 0, 1)
    assert fila.sbc == 50000


def test_revisar_warns_without_blocking_where_an_sbc_differs(services, quien, tmp_path):
    rfc, ana = quien
    movimientos_con_sbc(services, tmp_path)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    svc = services.informativa_trabajadores
    svc.agregar(contrato, ana, nss(7), CURPS[2], "600.00")
    svc.agregar(contrato, ana, nss(1), CURPS[0], "651.84")  # its registered SBC: no warning
    (aviso,) = services.informativa_firma.revisar(uuid, ana)
    assert aviso.aviso and aviso.codigo == "sbc_distinto" and aviso.renglon == 3
    assert "es $600.00 y el último registrado en los movimientos del periodo es $500.00" in (
        aviso.mensaje
    )
    assert services.informativas.fila(uuid, ana).estado == LISTA_PARA_FIRMA
