"""The contratista's contracts in force in a period, read from its ICSOE informativas.

A contract reported once stays until its end date (sisub.md): it is read from every
informativa of the contratista that still counts — a Normal not replaced, the last signed
Corrección of its period instead of the return it corrects, none of one a Sin efectos
cancelled — with its contratante (a foreign firm without a permanent establishment left out,
as the ICSOE does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import (
    CORRECCION,
    FIRMADAS,
    SIN_EFECTOS,
    Parte,
    Periodo,
)
from icsoe_desktop.domain.sisub.modelo import en_vigor
from icsoe_desktop.services.informativa.base import parte_de
from icsoe_desktop.store.models import Contratante, ContratoRow, InformativaRow


@dataclass(frozen=True)
class Vigente:
    id: int
    uuid: str
    contratante: Parte
    objeto: str
    servicio: str  # the REPSE-authorised service or work
    fecha_inicial: date | None
    fecha_final: date | None
    celebrado: bool  # started in the period: the ICSOE informativa of the period lists it


def informativas_que_cuentan(session: Session, contratista_id: int) -> set[int]:
    """The ids of the contratista's informativas whose contracts count."""
    filas = session.execute(
        select(
            InformativaRow.id,
            InformativaRow.uuid,
            InformativaRow.periodo,
            InformativaRow.tipo,
            InformativaRow.estado,
            InformativaRow.complementa,
        ).where(InformativaRow.contratista_id == contratista_id, InformativaRow.deleted.is_(False))
    ).all()
    por_uuid = {f.uuid: f for f in filas}
    fuera: set[int] = set()
    for fila in sorted(filas, key=lambda f: f.id):
        complementaria = fila.tipo in (CORRECCION, SIN_EFECTOS)
        if not complementaria:
            continue
        if fila.estado not in FIRMADAS:
            fuera.add(fila.id)  # not in effect until signed
            continue
        corregida = por_uuid.get(fila.complementa)
        if corregida is not None:
            fuera.add(corregida.id)
        if fila.tipo == SIN_EFECTOS:
            fuera.add(fila.id)
    return {f.id for f in filas} - fuera


def contratos_en_vigor(session: Session, contratista_id: int, periodo: Periodo) -> list[Vigente]:
    """By start date, then as captured."""
    cuentan = informativas_que_cuentan(session, contratista_id)
    if not cuentan:
        return []
    filas = session.execute(
        select(ContratoRow, Contratante)
        .join(Contratante, Contratante.id == ContratoRow.contratante_id)
        .where(
            ContratoRow.informativa_id.in_(cuentan),
            ContratoRow.deleted.is_(False),
            Contratante.extranjero_sin_ep.is_(False),
        )
        .order_by(ContratoRow.fecha_inicial, ContratoRow.id)
    ).all()
    return [
        Vigente(
            id=c.id,
            uuid=c.uuid,
            contratante=parte_de(contratante),
            objeto=c.objeto,
            servicio=c.descripcion_servicio,
            fecha_inicial=c.fecha_inicial,
            fecha_final=c.fecha_final,
            celebrado=c.fecha_inicial is not None
            and periodo.inicio <= c.fecha_inicial <= periodo.fin,
        )
        for c, contratante in filas
        if en_vigor(c.fecha_inicial, c.fecha_final, periodo)
    ]
