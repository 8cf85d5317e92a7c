"""The SISUB on the deadline board (ICSOE › Vencimientos), beside the ICSOE: for each
contratista of an empresa's store, the period already due and the one in course whose SISUB is
not filed (and any earlier one left in preparation), each with the INFONAVIT's deadline (its own
non-business days, domain/sisub/plazos.py) and the days left; a deadline whose year's list is
not loaded yet says it is counted by the law's days of rest. Read through the models on the
board's session (services/plazos.py: every store at this version's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.domain.empresa import EmpresaInfo
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.sisub.modelo import COMPLEMENTARIO, EN_PREPARACION, ESTADOS, PRESENTADO
from icsoe_desktop.domain.sisub.plazos import con_lista, fecha_limite
from icsoe_desktop.services.plazos import Fuente, Lectura
from icsoe_desktop.store.models.icsoe import Contratista
from icsoe_desktop.store.models.sisub import SisubReporte

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SIN_PREPARAR = "Sin preparar"


@dataclass(frozen=True)
class VencimientoSisub:
    empresa: EmpresaInfo
    contratista_rfc: str
    contratista_nombre: str
    periodo: Periodo
    estado: str | None  # None: no report prepared
    fecha_limite: date
    dias_restantes: int
    # False: the INFONAVIT's list of the deadline's year is not loaded (the law's days of rest).
    con_lista: bool = True

    @property
    def vencido(self) -> bool:
        return self.dias_restantes < 0

    @property
    def estado_texto(self) -> str:
        return ESTADOS[self.estado] if self.estado else SIN_PREPARAR


def pendientes(
    sesion: Session,
    empresa: EmpresaInfo,
    hoy: date,
    inhabiles: dict[int, frozenset[date]] | None = None,
) -> list[VencimientoSisub]:
    contratistas = sesion.execute(
        select(Contratista.id, Contratista.rfc, Contratista.nombre).where(
            Contratista.deleted.is_(False)
        )
    ).all()
    reportes: dict[int, dict[Periodo, str]] = {}
    r = SisubReporte
    for cid, clave, estado in sesion.execute(
        select(r.contratista_id, r.periodo, r.estado).where(
            r.deleted.is_(False), r.tipo != COMPLEMENTARIO
        )
    ):
        periodos = reportes.setdefault(cid, {})
        if periodos.get(Periodo.de_clave(clave)) != PRESENTADO:
            periodos[Periodo.de_clave(clave)] = estado
    actual = Periodo.de_fecha(hoy)
    filas = []
    for cid, rfc, nombre in contratistas:
        suyos = reportes.get(cid, {})
        en_curso = {actual.anterior(), actual}
        olvidados = {p for p, e in suyos.items() if e == EN_PREPARACION and p <= actual}
        for periodo in sorted(en_curso | olvidados):
            del_periodo = suyos.get(periodo)
            if del_periodo == PRESENTADO:
                continue
            limite = fecha_limite(periodo, inhabiles)
            filas.append(
                VencimientoSisub(
                    empresa,
                    rfc,
                    nombre,
                    periodo,
                    del_periodo,
                    limite,
                    (limite - hoy).days,
                    con_lista(periodo, inhabiles),
                )
            )
    return filas


def _leer(lectura: Lectura) -> list[VencimientoSisub]:
    return pendientes(lectura.sesion, lectura.empresa, lectura.hoy, lectura.inhabiles)


# The board's SISUB section (services/plazos.py): by deadline, as the informativas'.
FUENTE = Fuente(
    "sisub",
    _leer,
    lambda f: (f.fecha_limite, f.empresa.nombre, f.contratista_nombre, f.periodo),
)

__all__ = ["FUENTE", "SIN_PREPARAR", "VencimientoSisub", "pendientes"]
