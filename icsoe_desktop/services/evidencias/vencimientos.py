"""The clients' monthly evidence on ICSOE › Vencimientos: for the last two months, each client
whose receipts name it and whose evidence is not complete, with the day it is due (its own, or
the 17th of the next month). Read from an empresa's store with the board's plain queries; the
receipts its workers lack (one per missing week, quincena…) counted as the board counts them
(``recibos_esperados``), so both say the same «Faltan»."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from icsoe_desktop.domain.cambios import NOMINA
from icsoe_desktop.domain.empresa import EmpresaInfo
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.services.evidencias import recibos_esperados
from icsoe_desktop.services.evidencias.tablero import leer, meses_hasta
from icsoe_desktop.services.plazos import Fuente, Lectura
from icsoe_desktop.store import cifrado, plain


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


def por_entregar(path: Path, empresa: EmpresaInfo, hoy: date) -> list[EvidenciaPendiente]:
    anterior = Mes(hoy.year - (hoy.month == 1), 12 if hoy.month == 1 else hoy.month - 1)
    meses = meses_hasta(anterior, 2)
    filas = leer(path, meses)
    semanas = _semanas(path, meses, hoy) if filas else {}
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
    "WHERE clase = ?"
)


def _semanas(path: Path, meses: list[Mes], hoy: date) -> dict[tuple[str, Mes], int]:
    """(client, month) → the receipts its workers lack. A store of a release without the
    receipts' periodicity counts none (its cells say what its documents lack)."""
    with closing(plain.connect(path)) as conn:
        engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
        try:
            marca = (tuple(meses), hoy, *conn.execute(_MARCA_NOMINA, (NOMINA,)).fetchone())
            if (hecho := _CONTADAS.get(path)) is not None and hecho[0] == marca:
                return hecho[1]
            with Session(engine) as session:
                contadas = {
                    (cliente, mes): len(lineas)
                    for mes in meses
                    for cliente, lineas in recibos_esperados.del_mes(session, mes, hoy).items()
                }
            _CONTADAS[path] = (marca, contadas)
            return contadas
        except (DBAPIError, cifrado.Error):
            return {}
        finally:
            engine.dispose()


def _leer(lectura: Lectura) -> list[EvidenciaPendiente]:
    return por_entregar(lectura.path, lectura.empresa, lectura.hoy)


# The board's evidence section (services/plazos.py): by the day each month is due.
FUENTE = Fuente("evidencias", _leer, lambda e: (e.entrega, e.empresa.nombre, e.contratante))

__all__ = ["FUENTE", "EvidenciaPendiente", "por_entregar"]
