"""The worker file's names are kept with each worker (the empresa has no movimientos of them):
the client's Excel of a presented informativa names every worker as the file did."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    acuse_del_imss,
    capturista_una_vez,
    contrato_con_trabajadores,
)

NOMBRES = (
    "PEÑA NÚÑEZ MARÍA JOSÉ",
    "García López Juan",
    "O'Brien Ávila Ana Lucía",
    "ZAMUDIO  YÁÑEZ   Ximena",  # spaces inside the name, as some exports pad them
)
FECHA = datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO)


def _archivo(carpeta: Path) -> tuple[Path, dict[str, str]]:
    """A worker file with its names (one a title LibreOffice users give it): path, NSS → name
    as it must be shown (its spaces as one)."""
    trabajadores = trabajadores_limpios(len(NOMBRES), random.Random(31), PERIODO.anio)
    lineas = ["NSS,CURP,Salario Base de Cotización,Nombre del trabajador"]
    for t, nombre in zip(trabajadores, NOMBRES, strict=True):
        lineas.append(f"{t.nss},{t.curp},{t.sbc / 100:.2f},{nombre}")
    path = carpeta / "trabajadores.csv"
    path.write_text("\n".join(lineas) + "\n", encoding="utf-8")
    esperados = {t.nss: " ".join(n.split()) for t, n in zip(trabajadores, NOMBRES, strict=True)}
    return path, esperados


@pytest.fixture(scope="module")
def _presentable(tmp_path_factory):
    def firmar(services, rfc: str, ana: str, fiel: Path):
        uuid = services.informativas.crear(rfc, ana, PERIODO)
        contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
        path, esperados = _archivo(fiel.parent)
        resultado = services.informativa_trabajadores.importar(contrato, ana, path)
        assert resultado.problemas == []
        cer, key = fiel / f"{rfc}.cer", fiel / f"{rfc}.key"
        services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
        return uuid, contrato, esperados

    return capturista_una_vez(tmp_path_factory, firmar)


services = services_copying(presentable="_presentable")


@pytest.fixture
def presentable(_presentable, services, smtp_configured, clock):
    """(rfc, ana, (uuid, contrato, NSS → name)); the clock a day after the signing."""
    clock.now = datetime(2026, 11, 23, 12, 0)
    return _presentable[1]


def test_the_clients_excel_names_each_worker_as_the_file_did(services, presentable, tmp_path):
    rfc, ana, (uuid, contrato, esperados) = presentable
    # The contract's list shows them already: the names came from the file, not movimientos.
    filas = services.informativa_trabajadores.pagina(contrato, ana, 0, 100)
    assert {t.nss: t.nombre for t in filas} == esperados
    servicio = services.informativa_presentacion
    pdf = acuse_del_imss(rfc, fecha="22/11/2026 10:15:30")
    servicio.registrar(uuid, rfc, pdf, "acuse.pdf", "N262253432", FECHA, {contrato: "A26P3662382"})
    carpeta = tmp_path / "cliente"
    carpeta.mkdir()
    (excel,) = [p for p in servicio.archivo(uuid, rfc, CLIENTE.rfc, carpeta) if p.suffix == ".xlsx"]
    libro = load_workbook(excel, read_only=True)
    encabezado, *renglones = list(libro.active.iter_rows(values_only=True))
    libro.close()  # read-only keeps the file open until closed
    nss, nombre = encabezado.index("NSS"), encabezado.index("Nombre")
    assert {r[nss]: r[nombre] for r in renglones} == esperados
