"""The practice SISUB: the practice empresa gets one ready to prepare and export (its contract's
number and work site, each worker's registro patronal and amounts), its files named
«CAPACITACION_…»; registering its filing is refused, so nothing of it ever looks filed; a second
preparation of the practice keeps what trainees did."""

from __future__ import annotations

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.practica import RFC_PRACTICA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.layout import CONTRATOS, NOMBRES_CSV
from icsoe_desktop.domain.sisub.modelo import EN_PREPARACION, Importes
from icsoe_desktop.services.capacitacion import REGISTRO_PRACTICA, preparar
from icsoe_desktop.services.informativa.exportar import PREFIJO_CAPACITACION

pytestmark = pytest.mark.slow


@pytest.fixture
def practica(services, data_dir, clock, tmp_path):
    """The practice environment made, its empresa open: (its services, the SISUB's uuid)."""
    from icsoe_desktop.services.container import open_services

    hecha = preparar(services, tmp_path / "sala", CLI_ACTOR)
    periodo = Periodo.de_fecha(clock().date()).anterior()
    assert hecha.sisub == f"Con datos continuos de {periodo.texto} (En preparación)"
    abierta = open_services(data_dir, clock, empresa_rfc=RFC_PRACTICA)
    yield abierta, abierta.sisub.del_periodo(RFC_PRACTICA, RFC_PRACTICA, periodo)
    abierta.close()


def test_the_practice_sisub_is_ready_to_export_with_its_mark(practica, tmp_path):
    servicios, uuid = practica
    reporte = servicios.sisub.reporte(uuid, RFC_PRACTICA)
    (contrato,) = reporte.contratos
    assert contrato.numero == "PRACTICA-1" and len(contrato.trabajadores) == 24
    assert {t.registro_patronal for t in contrato.trabajadores} == {REGISTRO_PRACTICA}
    assert all(t.importes.fijas > 0 for t in contrato.trabajadores)
    assert not [p for p in servicios.sisub.revisar(uuid, RFC_PRACTICA) if not p.aviso]

    hecho = servicios.sisub_archivos.exportar(uuid, RFC_PRACTICA, tmp_path / "salida")
    assert hecho.ruta.name.startswith(f"{PREFIJO_CAPACITACION}SISUB {RFC_PRACTICA}")
    nombres = sorted(p.name for p in hecho.ruta.iterdir())
    assert nombres and all(n.startswith(PREFIJO_CAPACITACION) for n in nombres)
    contratos = hecho.ruta / f"{PREFIJO_CAPACITACION}{NOMBRES_CSV[CONTRATOS]}.csv"
    assert "PRACTICA-1" in contratos.read_bytes().decode("cp1252")
    (zip_,) = [servicios.sisub_archivos.exportar(uuid, RFC_PRACTICA, tmp_path / "z", True).ruta]
    assert zip_.name.startswith(PREFIJO_CAPACITACION) and zip_.suffix == ".zip"


def test_a_practice_sisub_is_never_filed(practica):
    servicios, uuid = practica
    acuse = acuse_infonavit_pdf(rfc=RFC_PRACTICA)
    with pytest.raises(ValidationError) as error:
        servicios.sisub_presentacion.registrar(
            uuid, RFC_PRACTICA, acuse, "a.pdf", "SISUB-2026-0001234"
        )
    assert error.value.code == "capacitacion_no_se_presenta"
    assert "CAPACITACIÓN — SIN VALIDEZ" in error.value.message
    assert servicios.sisub.reporte(uuid, RFC_PRACTICA).estado == EN_PREPARACION
    assert servicios.sisub_presentacion.presentado(uuid, RFC_PRACTICA) is None


def test_preparing_the_practice_again_keeps_what_trainees_did(
    practica, services, data_dir, clock, tmp_path
):
    servicios, uuid = practica
    fila = servicios.sisub.reporte(uuid, RFC_PRACTICA).contratos[0].trabajadores[0]
    servicios.sisub.editar_trabajador(fila.uuid, RFC_PRACTICA, Importes(fijas=7), "Y5412345105")
    preparar(services, tmp_path / "otra_sala", CLI_ACTOR)
    (despues,) = [
        t
        for t in servicios.sisub.reporte(uuid, RFC_PRACTICA).contratos[0].trabajadores
        if t.uuid == fila.uuid
    ]
    assert (despues.importes.fijas, despues.registro_patronal) == (7, "Y5412345105")
