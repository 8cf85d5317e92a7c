"""The REPSE registrations on the deadline board: each contratista's registration from the day
its renewal may be asked (the STPS's window: the three calendar months before its grant month in
the third year), once that window closed unasked, and once it has lapsed, read from an
empresa's store with plain sqlite3 as the rest of the board is."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.empresa import EmpresaInfo
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.services.plazos import Fuente, Lectura
from icsoe_desktop.store import plain

if TYPE_CHECKING:
    import sqlite3


@dataclass(frozen=True)
class VencimientoRepse:
    empresa: EmpresaInfo
    contratista_rfc: str
    contratista_nombre: str
    aviso: str
    vence: date
    estado: str  # domain.informativa.repse: EN_RENOVACION, PLAZO_VENCIDO, VENCIDO…
    dias_restantes: int  # to the end; negative once lapsed
    renovacion_folio: str = ""

    @property
    def renovacion_desde(self) -> date:
        return repse.inicio_renovacion(self.vence)

    @property
    def renovacion_hasta(self) -> date:
        return repse.fin_renovacion(self.vence)

    @property
    def vencido(self) -> bool:
        """In red: lapsed, or its renewal window closed unasked (cancelled at its end)."""
        return self.estado in repse.EN_ROJO

    @property
    def estado_texto(self) -> str:
        texto = repse.ESTADOS[self.estado]
        return f"{texto} ({self.renovacion_folio})" if self.renovacion_folio else texto


def por_vencer(path: Path, empresa: EmpresaInfo, hoy: date) -> list[VencimientoRepse]:
    """The store's registrations whose renewal window is open or that have lapsed."""
    with closing(plain.connect(path)) as conn:
        if not _tiene_tabla(conn):
            return []
        filas = conn.execute(
            "SELECT c.rfc, c.nombre, r.aviso, r.vence, r.renovacion_solicitada, "
            "r.renovacion_folio FROM repse_registros r JOIN icsoe_contratistas c "
            "ON c.id = r.contratista_id WHERE c.deleted = 0"
        ).fetchall()
    vencimientos = []
    for rfc, nombre, aviso, vence_texto, solicitada, folio in filas:
        fin = date.fromisoformat(vence_texto)
        pedida = date.fromisoformat(solicitada) if solicitada else None
        estado = repse.estado(fin, hoy, pedida)
        if estado == repse.VIGENTE:
            continue
        vencimientos.append(
            VencimientoRepse(
                empresa, rfc, nombre, aviso, fin, estado, (fin - hoy).days, folio if pedida else ""
            )
        )
    return vencimientos


def _tiene_tabla(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'repse_registros'"
        ).fetchone()
        is not None
    )


def _leer(lectura: Lectura) -> list[VencimientoRepse]:
    return por_vencer(lectura.path, lectura.empresa, lectura.hoy)


# The board's REPSE section: by the day each registration ends.
FUENTE = Fuente("repse", _leer, lambda r: (r.vence, r.empresa.nombre, r.contratista_nombre))

__all__ = ["FUENTE", "VencimientoRepse", "por_vencer"]
