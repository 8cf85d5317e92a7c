"""Workers of a SISUB contract typed by the clerk, through the real services: a continuing
contract whose workers have no CFDI de nómina gets them by hand (its NSS checked, its registro
patronal one of the empresa's, its amounts as an edit's), a row proposed by the receipts is
removed; both audited, kept as they are when the report is prepared again, refused to who may
not prepare and on a filed report, checked by Revisar and written in the DetalleTrab CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.captura import TrabajadorCapturado
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV
from icsoe_desktop.domain.sisub.modelo import Importes
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.sisub.capturados import MSG_SIN_REGISTROS
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import ENERO_ABRIL, MAYO_AGOSTO, OTRO_CLIENTE, contrato
from tests.sisub_fixtures import auditado

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte

NUEVO = "3198765432" + nss_check_digit("3198765432")  # a worker no receipt names
IMPORTES = Importes(fijas=1_800_000, variables=25_050, no_excedente=30_000)


def _captura(nss: str = NUEVO, bimestre: int = 3, **cambios) -> TrabajadorCapturado:
    valores = {
        "bimestre": bimestre,
        "nss": nss,
        "registro_patronal": nc.REGISTRO_PATRONAL,
        "importes": IMPORTES,
        "nombre": "ROSA  PÉREZ CANCHÉ",
        **cambios,
    }
    return TrabajadorCapturado(**valores)


def _contrato(services, uuid: str, actor: str):
    (c,) = services.sisub.reporte(uuid, actor).contratos
    return c


def test_a_worker_without_receipts_is_added_audited_and_kept_by_preparar(services, reporte):
    rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    assert services.sisub.registros_patronales(uuid, ana) == (nc.REGISTRO_PATRONAL,)
    fila = services.sisub.agregar_trabajador(
        uuid, c.uuid, ana, _captura(f"{NUEVO[:3]}-{NUEVO[3:6]} {NUEVO[6:]}")
    )
    agregado = next(t for t in _contrato(services, uuid, ana).trabajadores if t.uuid == fila)
    assert (agregado.nss, agregado.bimestre, agregado.importes) == (NUEVO, 3, IMPORTES)
    assert agregado.nombre == "ROSA PÉREZ CANCHÉ"
    assert agregado.origen == f"Capturado por {ana}" and agregado.editado
    (detalle,) = auditado(services, "sisub_trabajador_agregado")
    assert f"registro patronal {nc.REGISTRO_PATRONAL}" in detalle
    assert "percepciones fijas 18,000.00" in detalle

    # Prepared again from the receipts: the row typed stays, as an edited one does.
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert hecho.conservados == 1
    otra_vez = [t for t in _contrato(services, uuid, ana).trabajadores if t.nss == NUEVO]
    assert [(t.uuid, t.importes) for t in otra_vez] == [(fila, IMPORTES)]
    # Revisar checks it like any other row; its amounts and registro are there.
    assert not [p for p in services.sisub.revisar(uuid, ana) if NUEVO in p.mensaje]


def test_a_row_without_amounts_is_what_revisar_says(services, reporte):
    _rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura(importes=Importes()))
    mensajes = [p.mensaje for p in services.sisub.revisar(uuid, ana)]
    assert any(f"Captura los importes del NSS {NUEVO}, bimestre 3" in m for m in mensajes)


def test_the_same_worker_twice_in_a_bimestre_is_refused(services, reporte):
    _rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    con_recibos = c.trabajadores[0]
    with pytest.raises(ValidationError) as error:
        services.sisub.agregar_trabajador(
            uuid, c.uuid, ana, _captura(con_recibos.nss, con_recibos.bimestre)
        )
    assert error.value.code == "sisub_trabajador_repetido"
    assert f"El NSS {con_recibos.nss} ya está en el bimestre" in error.value.message
    services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura())
    with pytest.raises(ValidationError) as error:
        services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura())
    assert error.value.field == "nss"
    # The other bimestre is another row.
    services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura(bimestre=4))
    assert len(auditado(services, "sisub_trabajador_agregado")) == 2


@pytest.mark.parametrize(
    ("cambios", "mensaje"),
    [
        (
            {"nss": NUEVO[:-1] + str((int(NUEVO[-1]) + 1) % 10)},
            "su dígito verificador no corresponde",
        ),
        ({"nss": "3198765"}, "El NSS debe tener 11 dígitos (sin letras ni espacios)."),
        ({"nss": ""}, "Captura el NSS del trabajador."),
        ({"curp": "PECR900101"}, "La CURP debe tener 18 caracteres"),
        ({"importes": Importes(fijas=-5)}, "«Percepciones fijas» debe ser una cantidad"),
        ({"importes": Importes(dias_incapacidad=70)}, "a lo más 62 días de incapacidad"),
        ({"registro_patronal": "B1234567105"}, "El registro patronal B1234567105 no es de la"),
        ({"bimestre": 2}, "El bimestre debe ser el 3 (may–jun 2026) o el 4 (jul–ago 2026)."),
        ({"nombre": "ROSA\u202ePÉREZ"}, "marca de dirección del texto"),
        ({"nombre": "R" * 255}, "El nombre admite hasta 254 caracteres."),
    ],
)
def test_a_bad_row_is_refused_in_spanish_and_nothing_is_stored(services, reporte, cambios, mensaje):
    _rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    with pytest.raises(ValidationError) as error:
        services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura(**cambios))
    assert mensaje in error.value.message
    assert len(_contrato(services, uuid, ana).trabajadores) == len(c.trabajadores)
    assert not auditado(services, "sisub_trabajador_agregado")


def test_a_removed_row_stays_out_after_preparar_and_comes_back_when_added(services, reporte):
    rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    quitado = next(t for t in c.trabajadores if t.bimestre == 3)
    services.sisub.quitar_trabajador(quitado.uuid, ana)
    despues = _contrato(services, uuid, ana).trabajadores
    assert quitado.uuid not in {t.uuid for t in despues}
    assert len(despues) == len(c.trabajadores) - 1
    (detalle,) = auditado(services, "sisub_trabajador_quitado")
    assert "era «1 recibo CFDI»" in detalle
    # Its receipts show it in that bimestre: Revisar does not ask to prepare again for it.
    assert not [p for p in services.sisub.revisar(uuid, ana) if quitado.nss in p.mensaje]
    # Its receipts still propose it: Preparar leaves it out all the same.
    services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert {t.uuid for t in _contrato(services, uuid, ana).trabajadores} == {
        t.uuid for t in despues
    }
    with pytest.raises(ValidationError) as error:
        services.sisub.quitar_trabajador(quitado.uuid, ana)
    assert error.value.code == "sisub_trabajador_inexistente"
    # Added again: the same row, typed, its name taken from the contract's list.
    de_nuevo = services.sisub.agregar_trabajador(
        uuid, c.uuid, ana, _captura(quitado.nss, 3, nombre="")
    )
    assert de_nuevo == quitado.uuid
    fila = next(t for t in _contrato(services, uuid, ana).trabajadores if t.uuid == de_nuevo)
    assert (fila.nombre, fila.curp) == (quitado.nombre, quitado.curp)
    assert fila.origen == f"Capturado por {ana}"
    # A row typed is removed the same way.
    services.sisub.quitar_trabajador(de_nuevo, CLI_ACTOR)
    assert len(auditado(services, "sisub_trabajador_quitado")) == 2


def test_a_continuing_contract_without_receipts_gets_its_workers_by_hand(services, quien):
    rfc, ana = quien
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert _contrato(services, hecho.uuid, ana).trabajadores == ()
    # No registro patronal captured nor carried by a receipt: said how to get one.
    with pytest.raises(ValidationError) as error:
        services.sisub.agregar_trabajador(hecho.uuid, uuid, ana, _captura())
    assert error.value.message == MSG_SIN_REGISTROS
    services.registros.save(nc.REGISTRO_PATRONAL, nc.RFC_EMPRESA, "Servicios del Mayab", CLI_ACTOR)
    services.sisub.agregar_trabajador(hecho.uuid, uuid, ana, _captura())
    (fila,) = _contrato(services, hecho.uuid, ana).trabajadores
    assert (fila.nss, fila.registro_patronal) == (NUEVO, nc.REGISTRO_PATRONAL)


def test_a_bimestre_before_the_contract_started_is_refused(services, reporte):
    rfc, ana, uuid = reporte
    _inf, julio = contrato(
        services, rfc, ana, MAYO_AGOSTO, OTRO_CLIENTE, date(2026, 7, 6), None, seed=11
    )
    with pytest.raises(ValidationError) as error:
        services.sisub.agregar_trabajador(uuid, julio, ana, _captura(bimestre=3))
    assert error.value.message == "El contrato no estaba en vigor en el bimestre 3 (may–jun 2026)."
    services.sisub.agregar_trabajador(uuid, julio, ana, _captura(bimestre=4))


def test_who_may_not_prepare_may_not_add_nor_remove(services, reporte):
    _rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    for intento in (
        lambda actor: services.sisub.agregar_trabajador(uuid, c.uuid, actor, _captura()),
        lambda actor: services.sisub.quitar_trabajador(c.trabajadores[0].uuid, actor),
    ):
        with pytest.raises(PermisoDenegado):
            intento("nadie@empresa.com")  # an IDSE user: not in the role matrix
    negados = [r for r in services.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert [r.target for r in negados] == ["PREPARAR_SISUB", "PREPARAR_SISUB"]
    assert _contrato(services, uuid, ana).trabajadores == c.trabajadores
    assert not auditado(services, "sisub_trabajador_agregado")


def test_a_filed_report_takes_no_worker_nor_loses_one(services, reporte):
    rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    pdf = acuse_infonavit_pdf(rfc=rfc)
    leido = services.sisub_presentacion.leer(uuid, rfc, pdf, "acuse.pdf")
    services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", leido.folio, leido.fecha)
    with pytest.raises(ValidationError) as error:
        services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura())
    assert error.value.code == "sisub_presentado"
    assert "Para un cambio prepara un complementario" in error.value.message
    with pytest.raises(ValidationError) as error:
        services.sisub.quitar_trabajador(c.trabajadores[0].uuid, ana)
    assert error.value.code == "sisub_presentado"
    assert _contrato(services, uuid, ana).trabajadores == c.trabajadores


def test_the_detalle_csv_carries_the_added_worker(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    c = _contrato(services, uuid, ana)
    services.sisub.agregar_trabajador(uuid, c.uuid, ana, _captura())
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "salida")
    datos = (hecho.ruta / f"{NOMBRES_CSV['trabajadores']}.csv").read_bytes()
    filas = list(csv.reader(io.StringIO(datos.decode("cp1252"), newline="")))
    titulos, *resto = filas
    (suya,) = [dict(zip(titulos, f, strict=True)) for f in resto if NUEVO in f]
    assert suya["Bimestre"] == "3"
    assert suya["Registro patronal"] == nc.REGISTRO_PATRONAL
    assert suya["Percepciones fijas"] == "18000.00"
    assert suya["Percepciones variables"] == "250.50"
    assert len(resto) == len(c.trabajadores) + 1
