"""The SISUB tests' fixtures, one set for every module (import them by name): the contratista
and its capturista made once per module and copied for each test, the empresa as the payroll's
emisor (``quien``), a report of mayo–agosto 2026 with a contract in force, its number and work
site and two workers' receipts (``reporte``), a signed informativa (``firmada``), and what the
audit recorded of an action."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.store.models import AuditEntry
from tests import nomina_cfdi as nc
from tests.conftest import services_copying
from tests.informativa_servicios import CLIENTE, capturista_una_vez, firmada_una_vez
from tests.sisub_datos import (
    ENERO_ABRIL,
    MAYO_AGOSTO,
    SITIO,
    con_repse,
    contrato,
    de_la_lista,
    empresa_de_la_nomina,
    importar,
)


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(2, 7)])


# A test that takes ``quien`` (or ``reporte``, which takes it) starts on a copy of the
# contratista made once; one that takes ``firmada``, on a copy of the signed informativa.
services = services_copying(quien="_quien_una_vez", firmada="_firmada_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, data_dir, smtp_configured) -> tuple[str, str]:
    """(the contratista's RFC, its capturista Ana's CURP); the empresa is the payroll's emisor,
    the contratista's REPSE registration recorded (without its PDF)."""
    empresa_de_la_nomina(services, data_dir)
    rfc, ana, _ = _quien_una_vez[1]
    con_repse(services, rfc)  # Revisar asks for it
    return rfc, ana


@pytest.fixture
def reporte(quien, services, tmp_path) -> tuple[str, str, str]:
    """A report of mayo–agosto 2026 with a contract of enero–abril in force, its number and
    work site, two workers' receipts: (rfc, ana, report uuid)."""
    rfc, ana = quien
    # The sujeto obligado's row: the contratista's registro patronal, its receipts' own.
    services.registros.save(nc.REGISTRO_PATRONAL, rfc, "Servicios del Mayab", CLI_ACTOR)
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    uno, dos = de_la_lista(services, uuid, ana)
    emisor = nc.Emisor()
    recibos = [
        (
            f"{t.nss}{n}.xml",
            nc.recibo(emisor, t, periodo, subcontrataciones=((CLIENTE.rfc, "100"),)),
        )
        for t in (uno, dos)
        for n, periodo in enumerate((nc.Periodo.quincena(2026, 5), nc.Periodo.quincena(2026, 7)))
    ]
    importar(services, tmp_path / "nomina", recibos)
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(hecho.uuid, uuid, ana, "SISUB-2026-001", SITIO)
    return rfc, ana, hecho.uuid


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured) -> Any:
    """(rfc, ana, the signed informativa's uuid, its contracts' uuids, its constancia)."""
    return _firmada_una_vez[1]


def auditado(services: Any, accion: str) -> list[str]:
    """The details the audit recorded of ``accion``, in order."""
    with services.store.session() as session:
        return list(
            session.scalars(
                select(AuditEntry.detail).where(AuditEntry.action == accion).order_by(AuditEntry.id)
            )
        )


__all__ = [
    "_firmada_una_vez",
    "_quien_una_vez",
    "auditado",
    "firmada",
    "quien",
    "reporte",
    "services",
]
