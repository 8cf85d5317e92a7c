"""The receipts each client of a month expects and lacks: for each worker who served it (a
receipt paid in the month names it: ``RfcLabora``), his ordinary receipts against his pay
periodicity (domain/evidencias_periodos.py), read through the receipts' pay-date index: the
month's receipts, and who was paid in the two months before it (the rows of each pair once)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.evidencias_periodos import ReciboPagado, faltantes, texto
from icsoe_desktop.services.nomina.consulta import vigente
from icsoe_desktop.store.models import ReciboNomina, SubcontratacionNomina

_ANTES = timedelta(days=62)  # how far back «paid before the month» is looked for
ORDINARIA = "O"


def del_mes(
    session: Session, mes: Mes, hoy: date, cliente: str | None = None
) -> dict[str, list[str]]:
    """Client (``cliente`` alone, when given) → a line per period a worker who served it lacks
    its receipt for, by worker (name, then NSS or CURP) and period."""
    r, s = ReciboNomina, SubcontratacionNomina
    ordinarios = (r.tipo_nomina == ORDINARIA, vigente(), *([s.rfc == cliente] if cliente else []))
    filas = session.execute(
        select(
            s.rfc,
            r.curp,
            r.nss,
            r.nombre,
            r.periodicidad,
            r.fecha_inicial,
            r.fecha_final,
            r.fecha_pago,
        )
        .join(s, s.recibo_id == r.id)
        .where(r.fecha_pago >= mes.inicio, r.fecha_pago <= mes.fin, *ordinarios)
    ).all()
    # Who was paid before the month, each (client, worker) once: told by SQL, not row by row.
    anteriores = {
        (cliente, curp)
        for cliente, curp in session.execute(
            select(s.rfc, r.curp)
            .distinct()
            .join(s, s.recibo_id == r.id)
            .where(r.fecha_pago >= mes.inicio - _ANTES, r.fecha_pago < mes.inicio, *ordinarios)
        )
    }
    del_trabajador: dict[tuple[str, str], list[ReciboPagado]] = defaultdict(list)
    nombres: dict[str, tuple[str, str]] = {}
    for cliente, curp, nss, nombre, periodicidad, inicio, fin, pago in filas:
        del_trabajador[(cliente, curp)].append(ReciboPagado(inicio, fin, pago, periodicidad))
        nombres[curp] = (nombre, nss)
    lineas: dict[str, list[str]] = {}
    for (cliente, curp), recibos in sorted(
        del_trabajador.items(), key=lambda x: (x[0][0], nombres[x[0][1]][0], x[0][1])
    ):
        nombre, nss = nombres[curp]
        periodicidad = max(recibos, key=lambda x: (x.pago, x.fin)).periodicidad
        for inicio, fin in faltantes(recibos, (cliente, curp) in anteriores, mes, hoy):
            lineas.setdefault(cliente, []).append(
                f"Recibo de {nombre or curp} ({f'NSS {nss}' if nss else f'CURP {curp}'}) de "
                f"{texto(periodicidad, inicio, fin)}"
            )
    return lineas


__all__ = ["del_mes"]
