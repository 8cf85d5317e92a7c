"""The clients' monthly evidence on ICSOE › Vencimientos: for the last two months, each client
whose receipts name it and whose evidence is not complete, with the day it is due (its own, or
the 17th of the next month). Read on the board's session (services/plazos.py: every store at
this version's schema) with the clients' board's queries; the receipts its workers lack (one
per missing week, quincena…) counted as the board counts them (``recibos_esperados``), so both
say the same «Faltan»."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from icsoe_desktop.domain.cambios import NOMINA
from icsoe_desktop.domain.empresa import EmpresaInfo
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.services.evidencias import recibos_esperados
from icsoe_desktop.services.evidencias.tablero import leer_en, meses_hasta
from icsoe_desktop.services.plazos import Fuente, Lectura

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class EvidenciaPendiente:
    empresa: EmpresaInfo
    contratante: str
    nombre: str
    mes: Mes
    entrega: date
    dias_restantes: int  # negative once past due
    faltan: str  # «Faltan 2»

    @property
    def vencida(self) -> bool:
        return self.dias_restantes < 0


def por_entregar(
    sesion: Session, path: Path, empresa: EmpresaInfo, hoy: date
) -> list[EvidenciaPendiente]:
    """``sesion``: on the store file ``path`` (its evidence archive is beside it)."""
    anterior = Mes(hoy.year - (hoy.month == 1), 12 if hoy.month == 1 else hoy.month - 1)
    meses = meses_hasta(anterior, 2)
    filas = leer_en(sesion, path, meses)
    semanas = _semanas(sesion, path, meses, hoy) if filas else {}
    pendientes = []
    for fila in filas:
        for celda in fila.celdas:
            celda = replace(celda, recibos_faltan=semanas.get((fila.contratante, celda.mes), 0))
            if celda.recibos and not celda.completa:
                pendientes.append(
                    EvidenciaPendiente(
                        empresa,
                        fila.contratante,
                        fila.nombre,
                        celda.mes,
                        celda.entrega,
                        (celda.entrega - hoy).days,
                        celda.texto,
                    )
                )
    return pendientes


# The last count of each store, by what its receipts' writes were when it was read: a board
# woken by any change (a capture, another empresa's sync) reads the receipts of two months
# again only when receipts were written since (their writers' counts, ``clases_cambiadas``).
_CONTADAS: dict[Path, tuple[object, dict[tuple[str, Mes], int]]] = {}
_MARCA_NOMINA = (
    "SELECT count(*), coalesce(sum(n), 0), coalesce(max(momento), 0) FROM clases_cambiadas "
    "WHERE clase = :clase"
)


def _semanas(
    sesion: Session, path: Path, meses: list[Mes], hoy: date
) -> dict[tuple[str, Mes], int]:
    """(client, month) → the receipts its workers lack."""
    marca = (tuple(meses), hoy, *sesion.execute(text(_MARCA_NOMINA), {"clase": NOMINA}).one())
    if (hecho := _CONTADAS.get(path)) is not None and hecho[0] == marca:
        return hecho[1]
    contadas = {
        (cliente, mes): len(lineas)
        for mes in meses
        for cliente, lineas in recibos_esperados.del_mes(sesion, mes, hoy).items()
    }
    _CONTADAS[path] = (marca, contadas)
    return contadas


def _leer(lectura: Lectura) -> list[EvidenciaPendiente]:
    return por_entregar(lectura.sesion, lectura.path, lectura.empresa, lectura.hoy)


# The board's evidence section (services/plazos.py): by the day each month is due.
FUENTE = Fuente("evidencias", _leer, lambda e: (e.entrega, e.empresa.nombre, e.contratante))

__all__ = ["FUENTE", "EvidenciaPendiente", "por_entregar"]
