"""The workers and amounts the CFDI de nómina propose for the contracts in force: each receipt
of the period naming a contract's client (``RfcLabora``) goes to that client's contract that
lists the worker in its informativa (else the client's latest contract started by then), in the
bimestre its period paid ends in. The workers a contract started in the period lists without a
receipt are proposed too, without amounts, for the clerk to complete."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.sisub.importes import ReciboSisub, Suma
from icsoe_desktop.domain.sisub.modelo import Importes, bimestres
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.nomina.consulta import vigente
from icsoe_desktop.services.sisub.vigentes import Vigente
from icsoe_desktop.store.models import (
    IncapacidadNomina,
    PercepcionNomina,
    ReciboNomina,
    SubcontratacionNomina,
)
from icsoe_desktop.store.queries import trabajadores_de_contratos

SIN_RECIBOS = "Lista de la informativa ICSOE, sin recibos"


@dataclass(frozen=True, slots=True)
class Propuesta:
    curp: str
    nombre: str
    registro_patronal: str
    importes: Importes
    origen: str


Clave = tuple[int, int, str]  # (contract id, bimestre, NSS)


def _detalles(
    session: Session, ids: Select[Any]
) -> tuple[dict[int, list[tuple[str, int]]], dict[int, int]]:
    """The perceptions (SAT type, gravado + exento) and the days of incapacidad of the receipts
    ``ids`` selects (a subquery: SQLite reads it once, no list of ids is bound)."""
    percepciones: dict[int, list[tuple[str, int]]] = defaultdict(list)
    dias: dict[int, int] = defaultdict(int)
    p, i = PercepcionNomina, IncapacidadNomina
    conexion = session.connection()  # plain rows: no ORM loading for 200,000 of them
    for recibo_id, tipo, importe in conexion.execute(
        select(p.recibo_id, p.tipo, p.gravado + p.exento).where(p.recibo_id.in_(ids))
    ):
        percepciones[recibo_id].append((tipo, importe))
    for recibo_id, d in conexion.execute(select(i.recibo_id, i.dias).where(i.recibo_id.in_(ids))):
        dias[recibo_id] += d
    return percepciones, dias


def _meses(periodo: Periodo) -> list[tuple[date, date]]:
    """The period's months, first and last day: the receipts are read a month at a time (the
    period's 200,000 with their perceptions, read at once, took some 300 MB)."""
    meses = []
    inicio = periodo.inicio
    while inicio <= periodo.fin:
        siguiente = date(inicio.year + inicio.month // 12, inicio.month % 12 + 1, 1)
        meses.append((inicio, min(periodo.fin, siguiente - timedelta(days=1))))
        inicio = siguiente
    return meses


def _del_mes(clientes: list[str], desde: date, hasta: date) -> list[ColumnElement[bool]]:
    """The receipts in force ending from ``desde`` to ``hasta`` that name one of
    ``clientes`` (joined to their subcontrataciones)."""
    r, s = ReciboNomina, SubcontratacionNomina
    return [
        s.rfc.in_(clientes),
        r.fecha_final >= desde,
        r.fecha_final <= hasta,
        r.nss != "",
        vigente(),
    ]


def _recibos(session: Session, donde: list[ColumnElement[bool]]) -> Sequence[Any]:
    """The receipts ``donde`` selects with what the SISUB reads of them, in their end date's
    order (plain rows, read whole: a month of them at most)."""
    r, s = ReciboNomina, SubcontratacionNomina
    return (
        session.connection()
        .execute(
            select(
                r.id,
                r.nss,
                r.curp,
                r.nombre,
                r.registro_patronal,
                r.fecha_final,
                r.sbc,
                s.rfc,
                s.porcentaje,
                r.fecha_inicial,
                r.dias_pagados,
                # The deducciones 010 as the import keeps them (no child table of their own).
                func.coalesce(func.json_extract(r.detalle, "$.v"), 0).label("vivienda"),
            )
            .join(s, s.recibo_id == r.id)
            .where(*donde)
            .order_by(r.fecha_final, r.id)
        )
        .all()
    )


def _contrato_de(
    candidatos: list[Vigente], nss: str, listas: dict[int, set[str]], bimestre_fin: date
) -> Vigente:
    """The client's contract that lists the worker, else its latest one started by then."""
    for contrato in candidatos:
        if nss in listas.get(contrato.id, ()):
            return contrato
    iniciados = [c for c in candidatos if c.fecha_inicial and c.fecha_inicial <= bimestre_fin]
    return (iniciados or candidatos)[-1]


def proponer(
    session: Session,
    periodo: Periodo,
    contratos: Sequence[Vigente],
    avance: Callable[[int, int], None] = lambda _hechos, _total: None,
) -> dict[Clave, Propuesta]:
    """``avance(leidos, total)`` as the receipts are read."""
    if not contratos:
        avance(1, 1)
        return {}
    por_cliente: dict[str, list[Vigente]] = defaultdict(list)
    for contrato in contratos:
        por_cliente[contrato.contratante.rfc.upper()].append(contrato)
    listas: dict[int, set[str]] = defaultdict(set)
    personas: dict[str, tuple[str, str]] = {}
    for contrato_id, nss, curp, _sbc, nombre in trabajadores_de_contratos(
        session, [c.id for c in contratos]
    ):
        listas[contrato_id].add(nss)
        personas.setdefault(nss, (curp, nombre))
    dos = bimestres(periodo)
    fin_del_primero = dos[0].fin
    fines = {b.numero: b.fin for b in dos}
    sumas: dict[Clave, Suma] = defaultdict(Suma)
    ultimo: dict[Clave, tuple[str, str, str]] = {}
    meses = _meses(periodo)
    for hechos, (desde, hasta) in enumerate(meses, 1):
        donde = _del_mes(list(por_cliente), desde, hasta)
        filas = _recibos(session, donde)
        ids = select(ReciboNomina.id).join(
            SubcontratacionNomina, SubcontratacionNomina.recibo_id == ReciboNomina.id
        )
        percepciones, dias = _detalles(session, ids.where(*donde))
        # Unpacked, not read by name: 200,000 rows of twelve columns.
        for (
            recibo_id, nss, curp, nombre, registro, fecha_final, sbc, rfc, porcentaje,
            fecha_inicial, dias_pagados, vivienda,
        ) in filas:  # fmt: skip
            bimestre = dos[0] if fecha_final <= fin_del_primero else dos[1]
            contrato = _contrato_de(por_cliente[rfc.upper()], nss, listas, fines[bimestre.numero])
            clave = (contrato.id, bimestre.numero, nss)
            sumas[clave].mas(
                ReciboSisub(
                    fecha_final,
                    sbc,
                    porcentaje,
                    tuple(percepciones.get(recibo_id, ())),
                    dias.get(recibo_id, 0),
                    (fecha_final - fecha_inicial).days + 1,
                    dias_pagados,
                    int(vivienda or 0),
                )
            )
            ultimo[clave] = (curp, nombre, registro)
        del filas, percepciones, dias
        avance(hechos, len(meses))
    propuestas = {
        clave: Propuesta(
            *ultimo[clave],
            suma.importes,
            plural(suma.recibos, "recibo CFDI", "recibos CFDI"),
        )
        for clave, suma in sumas.items()
    }
    avance(1, 1)  # no receipts: their share done all the same
    for contrato in contratos:
        if not contrato.celebrado:
            continue
        for nss in sorted(listas.get(contrato.id, ())):
            for bimestre in dos:
                if contrato.fecha_inicial and contrato.fecha_inicial > bimestre.fin:
                    continue
                curp, nombre = personas[nss]
                propuestas.setdefault(
                    (contrato.id, bimestre.numero, nss),
                    Propuesta(curp, nombre, "", Importes(), SIN_RECIBOS),
                )
    return propuestas
