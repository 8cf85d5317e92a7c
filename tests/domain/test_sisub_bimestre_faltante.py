"""Revisar's check of a worker missing from one bimestre: warned of only when the contract was
in force in both bimestres, the receipts name its client in the missing one and he is in no
other contract of that client then (a move between contracts is not a gap)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
from icsoe_desktop.domain.sisub.modelo import (
    DATOS_CONTINUOS,
    EN_PREPARACION,
    ContratoSisub,
    Importes,
    ReporteSisub,
    TrabajadorSisub,
)
from icsoe_desktop.domain.sisub.revision import FALTA_BIMESTRE, Icsoe, revisar

CLIENTE = Parte("CNT010101A14", "Cliente Uno, S.A. de C.V.", Domicilio())
OTRO = Parte("CMA050505KL3", "Comercial del Mayab, S.A. de C.V.", Domicilio())
SITIO = Domicilio("Av. Industrias", "1200", "", "Industrial", "97288", "Mérida", "Yucatán")
NSS = "15476040397"


def _contrato(uuid: str, bimestres: tuple[int, ...], final: date | None = None, cliente=CLIENTE):
    return ContratoSisub(
        uuid, f"S-{uuid}", cliente, "Limpieza", "Limpieza industrial", date(2026, 2, 1), final,
        SITIO, False,
        tuple(
            TrabajadorSisub(f"{uuid}{b}", uuid, b, NSS, "", "ANA", "Y5412345105",
                            Importes(fijas=100), "1 recibo CFDI", False)
            for b in bimestres
        ),
    )  # fmt: skip


def _faltas(*contratos: ContratoSisub, recibos=None) -> list[str]:
    reporte = ReporteSisub(
        "r", "SEM980701STA", "Servicios", Periodo(2026, 2), DATOS_CONTINUOS, EN_PREPARACION,
        contratos,
    )  # fmt: skip
    recibos = {(CLIENTE.rfc, NSS): frozenset({3, 4})} if recibos is None else recibos
    problemas = revisar(reporte, Icsoe(None), recibos=recibos)
    assert all(p.aviso for p in problemas if p.codigo == FALTA_BIMESTRE)
    return [p.mensaje for p in problemas if p.codigo == FALTA_BIMESTRE]


def test_in_force_in_both_and_paid_in_both_but_reported_in_one() -> None:
    (falta,) = _faltas(_contrato("a", (3,)))
    assert falta.startswith(f"El NSS {NSS} no está en el bimestre 4 (jul–ago 2026) del contrato")
    assert _faltas(_contrato("a", (3, 4))) == []


def test_the_receipts_do_not_show_him_in_the_other_bimestre() -> None:
    assert _faltas(_contrato("a", (3,)), recibos={(CLIENTE.rfc, NSS): frozenset({3})}) == []
    # Receipts for another client are no sign of this contract.
    assert _faltas(_contrato("a", (3,)), recibos={(OTRO.rfc, NSS): frozenset({3, 4})}) == []


def test_a_contract_ended_in_the_first_bimestre() -> None:
    assert _faltas(_contrato("a", (3,), final=date(2026, 6, 30))) == []


def test_he_moved_to_another_contract_of_the_same_client() -> None:
    assert _faltas(_contrato("a", (3,)), _contrato("b", (4,))) == []
    # Another client's contract in July does not cover the gap in this one.
    otro = replace(_contrato("b", (4,), cliente=OTRO))
    assert len(_faltas(_contrato("a", (3,)), otro)) == 1
