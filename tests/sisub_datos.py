"""Shared by the SISUB's tests: a contratista with a contract started in enero–abril 2026 that is
still in force in mayo–agosto (its ICSOE «Sin información»), another started in mayo–agosto,
and the receipts of their workers, all through the real services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests import nomina_cfdi as nc
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import CLIENTE

ENERO_ABRIL = Periodo(2026, 1)
MAYO_AGOSTO = Periodo(2026, 2)
OTRO_CLIENTE = Parte(
    rfc="CMA050505KL3",
    nombre="Comercial del Mayab, S.A. de C.V.",
    domicilio=Domicilio("Calle 60", "301", "", "Centro", "97000", "Mérida", "Yucatán"),
)
REPSE = "AR12345/2024"  # the contratista's REPSE aviso, as the fixture ``reporte`` records it
SERVICIO = "Mantenimiento industrial especializado"  # the service of the contracts and the REPSE
SITIO = Domicilio("Av. Industrias", "1200", "Nave 3", "Industrial", "97288", "Mérida", "Yucatán")
# The office's guide of the workers' file (its .xls: tests/services/libros_de_prueba.py
# ``escribir``): a title row, then its columns in an order of its own, «Clave de ubicación» one
# the app cannot fill.
GUIA_DETALLE = (
    ("d — Información de los trabajadores",),
    (
        "NSS",
        "Registro Patronal",
        "Num Contrato",
        "Bimestre",
        "Clave de ubicación",
        "Percepciones Fijas",
        "Percepciones Variables",
        "Dias de Incapacidad",
    ),
)
ENCABEZADO_GUIA = GUIA_DETALLE[1]


@dataclass
class Escenario:
    rfc: str
    ana: str
    continuo: str  # the contract started in enero–abril, in force after
    nuevo: str | None = None  # the contract started in mayo–agosto


def contrato(
    services: Any,
    rfc: str,
    actor: str,
    periodo: Periodo,
    cliente: Parte,
    inicio: date,
    fin: date | None,
    trabajadores: int = 2,
    seed: int = 5,
) -> tuple[str, str]:
    """A Normal informativa of ``periodo`` with one contract: (informativa, contract)."""
    informativa = services.informativas.crear(rfc, actor, periodo)
    contratante, _ = services.informativas.guardar_contratante(rfc, actor, cliente)
    uuid = services.informativas.guardar_contrato(
        informativa,
        actor,
        ContratoDatos(
            contratante,
            objeto=f"Mantenimiento especializado para {cliente.nombre}",
            folio_repse="12345/2025",
            descripcion_servicio=SERVICIO,
            fecha_inicial=inicio,
            fecha_final=fin,
        ),
    )
    rows = trabajadores_limpios(trabajadores, random.Random(seed), periodo.anio)
    result = services.informativa_trabajadores.agregar_varios(uuid, actor, list(rows))
    assert result.problemas == []
    return informativa, uuid


def de_la_lista(services: Any, contrato: str, actor: str) -> list[nc.Trabajador]:
    """The contract's workers as the payroll knows them (same NSS and CURP)."""
    rng = random.Random(3)
    return [
        nc.Trabajador(
            f.nombre or "TRABAJADOR",
            f.nss,
            f.curp,
            nc._rfc_de(f.curp, rng),
            Decimal(f.sbc) / 100,
            f"{f.id:05d}",
        )
        for f in services.informativa_trabajadores.pagina(contrato, actor, 0, 100)
    ]


def importar(services: Any, carpeta: Path, recibos: list[tuple[str, bytes]]) -> None:
    reporte = services.nomina.importar([nc.escribir(carpeta, recibos)], CLI_ACTOR)
    assert reporte.guardados == len(recibos), reporte.resumen()


def con_repse(services: Any, rfc: str) -> None:
    """The contratista's REPSE registration recorded (Revisar asks for it), without its PDF."""
    servicios = [
        SERVICIO,
        "Servicios de limpieza industrial especializada",
        "Refrigeración industrial",
    ]
    services.repse.registrar(rfc, rfc, REPSE, date(2024, 3, 15), servicios)


def empresa_de_la_nomina(services: Any, data_dir: Path) -> None:
    """The empresa is the payroll's emisor, its test CSD's authority trusted."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)


def completar(services: Any, reporte: str, actor: str) -> None:
    """What Revisar asks of a report, answered the shortest way (only a report Revisar passes
    is filed): each contract's number and work site typed, the workers rows without a registro
    patronal or amounts taken out (the difference with the ICSOE noted)."""
    for n, c in enumerate(services.sisub.reporte(reporte, actor).contratos, 1):
        if not c.numero or not c.sitio.calle:
            services.sisub.guardar_contrato(reporte, c.uuid, actor, f"SISUB-2026-9{n:02}", SITIO)
        for t in services.sisub.trabajadores(reporte, actor, c.uuid):
            if not t.registro_patronal or not t.origen:
                services.sisub.quitar_trabajador(t.uuid, actor)
    contratista = services.sisub.reporte(reporte, actor).rfc
    if services.repse.ver(contratista, CLI_ACTOR) is None:
        con_repse(services, contratista)
    if not any(r.rfc == contratista for r in services.registros.listar()):
        # The sujeto obligado's file has a row per registro patronal of the contratista.
        services.registros.save("Y5412345106", contratista, "Nóminas del Centro", CLI_ACTOR)
    if any(not p.aviso for p in services.sisub.revisar(reporte, actor)):
        # The workers taken out are still the ICSOE's: the difference said, as a clerk would.
        services.sisub.anotar_icsoe(reporte, actor, "Sin nómina del periodo en este equipo.")
    errores = [p.mensaje for p in services.sisub.revisar(reporte, actor) if not p.aviso]
    assert not errores, errores


__all__ = ["CLIENTE", "Escenario", "completar"]
