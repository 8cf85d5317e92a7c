"""The workers and amounts the CFDI de nómina propose for the contracts in force: each receipt
of the period naming a contract's client (``RfcLabora``) goes to that client's contract that
lists the worker in its informativa (else the client's latest contract started by then), in the
bimestre its period paid ends in. The workers a contract started in the period lists without a
receipt are proposed too, without amounts, for the clerk to complete."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.sisub.importes import ReciboSisub, sumar
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
from icsoe_desktop.store.queries import TANDA, trabajadores_de_contratos

SIN_RECIBOS = "Lista de la informativa ICSOE, sin recibos"
_LOTE = 30_000  # SQLite's bound on parameters


@dataclass(frozen=True, slots=True)
class Propuesta:
    curp: str
    nombre: str
    registro_patronal: str
    importes: Importes
    origen: str


Clave = tuple[int, int, str]  # (contract id, bimestre, NSS)


def _por_lotes(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for inicio in range(0, len(ids), _LOTE):
        yield ids[inicio : inicio + _LOTE]


def _detalles(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, list[tuple[str, int]]], dict[int, int]]:
    percepciones: dict[int, list[tuple[str, int]]] = defaultdict(list)
    dias: dict[int, int] = defaultdict(int)
    p, i = PercepcionNomina, IncapacidadNomina
    for parte in _por_lotes(ids):
        for recibo_id, tipo, gravado, exento in session.execute(
            select(p.recibo_id, p.tipo, p.gravado, p.exento)
            .where(p.recibo_id.in_(parte))
            .execution_options(yield_per=TANDA)
        ):
            percepciones[recibo_id].append((tipo, gravado + exento))
        for recibo_id, d in session.execute(
            select(i.recibo_id, i.dias)
            .where(i.recibo_id.in_(parte))
            .execution_options(yield_per=TANDA)
        ):
            dias[recibo_id] += d
    return percepciones, dias


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
    r, s = ReciboNomina, SubcontratacionNomina
    filas = session.execute(
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
        .where(
            s.rfc.in_(list(por_cliente)),
            r.fecha_final >= periodo.inicio,
            r.fecha_final <= periodo.fin,
            r.nss != "",
            vigente(),
        )
        .order_by(r.fecha_final, r.id)
        .execution_options(yield_per=TANDA)
    ).all()
    percepciones, dias = _detalles(session, sorted({f.id for f in filas}))
    dos = bimestres(periodo)
    recibos: dict[Clave, list[ReciboSisub]] = defaultdict(list)
    ultimo: dict[Clave, tuple[str, str, str]] = {}
    for leidos, f in enumerate(filas, 1):
        avance(leidos, len(filas))
        bimestre = dos[0] if dos[0].contiene(f.fecha_final) else dos[1]
        contrato = _contrato_de(por_cliente[f.rfc.upper()], f.nss, listas, bimestre.fin)
        clave = (contrato.id, bimestre.numero, f.nss)
        recibos[clave].append(
            ReciboSisub(
                f.fecha_final,
                f.sbc,
                f.porcentaje,
                tuple(percepciones[f.id]),
                dias[f.id],
                (f.fecha_final - f.fecha_inicial).days + 1,
                f.dias_pagados,
                int(f.vivienda or 0),
            )
        )
        ultimo[clave] = (f.curp, f.nombre, f.registro_patronal)
    propuestas = {
        clave: Propuesta(
            *ultimo[clave], sumar(lista), plural(len(lista), "recibo CFDI", "recibos CFDI")
        )
        for clave, lista in recibos.items()
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
