"""The REPSE registrations on the deadline board: each contratista's registration from the day
its renewal may be asked (the STPS's window: the three calendar months before its grant month in
the third year), once that window closed unasked, and once it has lapsed, read through the models
on the board's session (services/plazos.py: every store at this version's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.domain.empresa import EmpresaInfo
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.services.plazos import Fuente, Lectura
from icsoe_desktop.store.models.icsoe import Contratista
from icsoe_desktop.store.models.repse import RegistroRepse

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


def por_vencer(sesion: Session, empresa: EmpresaInfo, hoy: date) -> list[VencimientoRepse]:
    """The store's registrations whose renewal window is open or that have lapsed."""
    r = RegistroRepse
    filas = sesion.execute(
        select(
            Contratista.rfc,
            Contratista.nombre,
            r.aviso,
            r.vence,
            r.renovacion_solicitada,
            r.renovacion_folio,
        )
        .join(Contratista, Contratista.id == r.contratista_id)
        .where(Contratista.deleted.is_(False))
    ).all()
    vencimientos = []
    for rfc, nombre, aviso, fin, pedida, folio in filas:
        estado = repse.estado(fin, hoy, pedida)
        if estado == repse.VIGENTE:
            continue
        vencimientos.append(
            VencimientoRepse(
                empresa, rfc, nombre, aviso, fin, estado, (fin - hoy).days, folio if pedida else ""
            )
        )
    return vencimientos


def _leer(lectura: Lectura) -> list[VencimientoRepse]:
    return por_vencer(lectura.sesion, lectura.empresa, lectura.hoy)


# The board's REPSE section: by the day each registration ends.
FUENTE = Fuente("repse", _leer, lambda r: (r.vence, r.empresa.nombre, r.contratista_nombre))

__all__ = ["FUENTE", "VencimientoRepse", "por_vencer"]
