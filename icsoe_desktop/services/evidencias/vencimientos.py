"""The clients' monthly evidence on ICSOE › Vencimientos: for the last two months, each client
whose receipts name it and whose evidence is not complete, with the day it is due (its own, or
the 17th of the next month). Read from an empresa's store with the board's plain queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.services.empresas.servicio import EmpresaInfo
from icsoe_desktop.services.evidencias.tablero import leer, meses_hasta


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
    pendientes = []
    for fila in leer(path, meses_hasta(anterior, 2)):
        for celda in fila.celdas:
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


__all__ = ["EvidenciaPendiente", "por_entregar"]
