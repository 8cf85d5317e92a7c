"""The SISUB travels between two desktops of one company through the real server: a report
prepared on one, its contract's number and work site and an amount typed by hand arrive on
the other; the report filed there comes back presentado with its acuse."""

from __future__ import annotations

from datetime import date

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.modelo import PRESENTADO, Importes
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import MAYO_AGOSTO, SITIO, contrato
from tests.sync.conftest import connected


def test_a_sisub_report_travels_and_its_filing_comes_back(sync_server, desktops, tmp_path):
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    _inf, nuevo = contrato(
        a, rfc, CLI_ACTOR, MAYO_AGOSTO, CLIENTE, date(2026, 6, 1), None, trabajadores=3
    )
    hecho = a.sisub.preparar(rfc, CLI_ACTOR, MAYO_AGOSTO)
    a.sisub.guardar_contrato(hecho.uuid, nuevo, CLI_ACTOR, "SISUB-9", SITIO)
    fila = a.sisub.reporte(hecho.uuid, CLI_ACTOR).contratos[0].trabajadores[0]
    a.sisub.editar_trabajador(
        fila.uuid, CLI_ACTOR, Importes(1_234_56, 0, 2, 0, 500_00), "Y5412345105"
    )
    a.sync.synchronize()
    b.sync.synchronize()
    en_b = b.sisub.reporte(hecho.uuid, CLI_ACTOR)
    assert en_b == a.sisub.reporte(hecho.uuid, CLI_ACTOR)
    (c,) = en_b.contratos
    assert (c.numero, c.sitio) == ("SISUB-9", SITIO)
    assert len(c.trabajadores) == 6  # three workers, two bimestres
    assert b.sisub.del_periodo(rfc, CLI_ACTOR, MAYO_AGOSTO) == hecho.uuid

    pdf = acuse_infonavit_pdf(rfc=rfc)
    b.sisub_presentacion.registrar(hecho.uuid, CLI_ACTOR, pdf, "acuse.pdf", "SISUB-2026-0001234")
    b.sync.synchronize()
    a.sync.synchronize()
    assert a.sisub.reporte(hecho.uuid, CLI_ACTOR).estado == PRESENTADO
    assert a.sisub_presentacion.acuse(hecho.uuid, CLI_ACTOR) == pdf
