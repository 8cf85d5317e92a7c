"""The deadline board (ICSOE › Vencimientos): for every empresa the user may open, every
contratista of its store with the periods whose informativa is still to be filed (a signed
one counts as done only once its IMSS acuse is registered: «Firmada, sin presentar»): the last
period already due (and any earlier one left in capture) and the one in course, each with its
fecha límite and the days left, counted in Central Mexico time (a deadline ends at 23:59
there, 05:59 UTC of the next day). A complementaria signed and not filed is listed too, once
for each: it has no deadline of its own (Lineamientos 5.6), but until its acuse is registered
the correction it carries is not filed.

The empresas are looked through without opening them as the app's empresa (the board does not
switch the open empresa nor build services on the other stores): each store is brought to this
version's schema, as its opening would, and read through the models (store/al_dia.py). One
that cannot be (damaged, of a newer version, its upgrade refused) is named with the reason and
left as it was; the others are still shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from icsoe_desktop.domain.clock import Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.empresa import EmpresaInfo
from icsoe_desktop.domain.informativa.modelo import (
    COMPLEMENTARIAS,
    EN_CAPTURA,
    ESTADOS,
    FIRMADA,
    LISTA_PARA_FIRMA,
    PRESENTADA,
    TIPOS,
    Periodo,
)
from icsoe_desktop.domain.informativa.periodos import fecha_limite
from icsoe_desktop.services.informativa import vencimientos_repse
from icsoe_desktop.services.informativa.vencimientos_repse import VencimientoRepse
from icsoe_desktop.services.plazos import Fuente, Lectura, Secciones, leer, ordenadas
from icsoe_desktop.store import al_dia, cifrado
from icsoe_desktop.store.models.icsoe import Contratista
from icsoe_desktop.store.models.informativa import InformativaRow
from icsoe_desktop.store.plain import StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SIN_PRESENTAR = "Sin presentar"
# Of the period's declaraciones (Normal, Sin información) the most advanced one speaks for it.
_AVANCE = {EN_CAPTURA: 1, LISTA_PARA_FIRMA: 2, FIRMADA: 3, PRESENTADA: 4}


@dataclass(frozen=True)
class Vencimiento:
    """A period of a contratista whose informativa is not filed yet (signed or not)."""

    empresa: EmpresaInfo
    contratista_rfc: str
    contratista_nombre: str
    periodo: Periodo
    estado: str | None  # None: no informativa captured for the period
    fecha_limite: date
    dias_restantes: int  # negative once past due
    informativa: str | None = None  # the uuid of its Normal or Sin información, when there is one
    tipo: str | None = None  # a complementaria's (None: the period's declaración)

    @property
    def complementaria(self) -> bool:
        return self.tipo in COMPLEMENTARIAS

    @property
    def estado_texto(self) -> str:
        estado = ESTADOS[self.estado] if self.estado else SIN_PRESENTAR
        return f"{estado} · {TIPOS[self.tipo]}" if self.complementaria and self.tipo else estado

    @property
    def vencida(self) -> bool:
        return not self.complementaria and self.dias_restantes < 0


@dataclass(frozen=True)
class Tablero:
    """``filas`` by deadline, earliest first; ``sin_leer``: empresas whose store could not be
    read (damaged, locked by a restore, its upgrade refused): the board says so instead of
    hiding them, with ``motivos`` (by ``EmpresaInfo.archivo``: why, in Spanish);
    ``secciones``: the rows of each other obligation's source (services/plazos.py), each in
    its own order: ``secciones.de(FUENTE)``."""

    filas: list[Vencimiento]
    sin_leer: list[EmpresaInfo]
    contratistas: int = 0  # looked at, with or without periods pending
    secciones: Secciones = field(default_factory=Secciones)
    motivos: Mapping[str, str] = field(default_factory=dict)

    @property
    def vencidas(self) -> int:
        return sum(1 for f in self.filas if f.vencida)

    # The sections the window shows, by the name their source gives them.

    @property
    def repse(self) -> list[VencimientoRepse]:
        """The REPSE registrations to renew or lapsed (vencimientos_repse.py)."""
        return self.secciones.de(vencimientos_repse.FUENTE)

    @property
    def sisub(self) -> list[Any]:
        """The SISUB of each period not filed (services/sisub/vencimientos.py)."""
        return list(self.secciones.filas.get("sisub", []))

    @property
    def evidencias(self) -> list[Any]:
        """The clients' monthly evidence not complete (services/evidencias/vencimientos.py)."""
        return list(self.secciones.filas.get("evidencias", []))


class Catalogo(Protocol):
    """The catalogue of empresas as the board asks it (services/empresas/servicio.py)."""

    def listar(self, usuario: str | None = None) -> list[EmpresaInfo]:
        """The empresas ``usuario`` may open."""

    def listar_solo_consulta(self) -> list[EmpresaInfo]:
        """Those that open in modo sólo consulta."""

    def ruta(self, empresa: EmpresaInfo) -> Path:
        """Its store's file."""


@dataclass(frozen=True)
class _Declaracion:
    uuid: str
    periodo: Periodo
    estado: str
    tipo: str = ""


class VencimientosService:
    """``inhabiles``: the INFONAVIT's non-business days per year for the SISUB's deadlines,
    read at each board (the list the sync keeps, services/sisub/inhabiles.py; None: the list
    the app carries, domain/sisub/plazos.py). ``fuentes``: the other obligations' deadline
    sources the board composes beside the informativas (the container's; by default the
    REPSE registrations alone)."""

    def __init__(
        self,
        empresas: Catalogo,
        clock: Clock = utcnow,
        inhabiles: Callable[[], dict[int, frozenset[date]]] | None = None,
        fuentes: Sequence[Fuente[Any]] = (vencimientos_repse.FUENTE,),
    ) -> None:
        self._empresas = empresas
        self._clock = clock
        self._inhabiles = inhabiles
        self.fuentes = tuple(fuentes)

    def empresas(self, usuario: str | None) -> list[EmpresaInfo]:
        """What the board looks through: the empresas ``usuario`` may open (sólo consulta,
        ``None``: those an administrator opened to that mode)."""
        if usuario is None:
            return self._empresas.listar_solo_consulta()
        return self._empresas.listar(usuario)

    def tablero(self, usuario: str | None, hoy: date | None = None) -> Tablero:
        """``hoy``: today in Central Mexico (the deadlines run until 23:59 there); by default
        the clock's."""
        hoy = hoy or hora_del_centro(self._clock()).date()
        filas: list[Vencimiento] = []
        sin_leer: list[EmpresaInfo] = []
        motivos: dict[str, str] = {}
        leidas: dict[str, list[Any]] = {}
        contados = 0
        inhabiles = self._inhabiles() if self._inhabiles is not None else None
        for empresa in self.empresas(usuario):
            path = self._empresas.ruta(empresa)
            if not path.is_file():
                continue  # an empresa never opened yet has no store, hence no contratistas
            try:
                with al_dia.leer(path) as sesion:
                    contratistas, declaraciones = _leer(sesion)
                    leer(self.fuentes, Lectura(path, empresa, hoy, sesion, inhabiles), leidas)
            except (StoreError, DBAPIError, cifrado.Error, ValueError) as exc:
                log.warning("No se pudo leer la empresa %s", empresa.archivo, exc_info=True)
                sin_leer.append(empresa)
                if isinstance(exc, StoreError):
                    motivos[empresa.archivo] = exc.message
                continue
            contados += len(contratistas)
            for rfc, nombre, contratista_id in contratistas:
                filas.extend(
                    self._pendientes(
                        empresa, rfc, nombre, declaraciones.get(contratista_id, ()), hoy
                    )
                )
        filas.sort(
            key=lambda f: (f.fecha_limite, f.empresa.nombre, f.contratista_nombre, f.periodo)
        )
        return Tablero(filas, sin_leer, contados, ordenadas(self.fuentes, leidas), motivos)

    def _pendientes(
        self,
        empresa: EmpresaInfo,
        rfc: str,
        nombre: str,
        declaraciones: Iterable[_Declaracion],
        hoy: date,
    ) -> list[Vencimiento]:
        """The periods due or in course that are not filed, and any earlier one that has a
        declaración left unfiled (begun, or signed, and forgotten: the most overdue of all)."""
        actual = Periodo.de_fecha(hoy)
        por_periodo: dict[Periodo, _Declaracion] = {}
        complementarias = []
        for d in declaraciones:
            if d.tipo in COMPLEMENTARIAS:
                if d.estado == FIRMADA:
                    complementarias.append(d)
                continue
            mejor = por_periodo.get(d.periodo)
            if mejor is None or _AVANCE.get(d.estado, 0) > _AVANCE.get(mejor.estado, 0):
                por_periodo[d.periodo] = d
        periodos = {actual.anterior(), actual} | {p for p in por_periodo if p <= actual}
        filas = []
        for periodo in sorted(periodos):
            declaracion = por_periodo.get(periodo)
            if declaracion is not None and declaracion.estado == PRESENTADA:
                continue
            limite = fecha_limite(periodo)
            filas.append(
                Vencimiento(
                    empresa=empresa,
                    contratista_rfc=rfc,
                    contratista_nombre=nombre,
                    periodo=periodo,
                    estado=declaracion.estado if declaracion else None,
                    fecha_limite=limite,
                    dias_restantes=(limite - hoy).days,
                    informativa=declaracion.uuid if declaracion else None,
                )
            )
        for d in complementarias:
            limite = fecha_limite(d.periodo)
            filas.append(
                Vencimiento(
                    empresa=empresa,
                    contratista_rfc=rfc,
                    contratista_nombre=nombre,
                    periodo=d.periodo,
                    estado=d.estado,
                    fecha_limite=limite,
                    dias_restantes=(limite - hoy).days,
                    informativa=d.uuid,
                    tipo=d.tipo,
                )
            )
        return filas


def _leer(sesion: Session) -> tuple[list[tuple[str, str, int]], dict[int, list[_Declaracion]]]:
    """The store's contratistas and their declaraciones, with the complementarias signed and
    not filed (the others correct a period and carry no deadline of their own)."""
    contratistas = [
        (rfc, nombre, cid)
        for cid, rfc, nombre in sesion.execute(
            select(Contratista.id, Contratista.rfc, Contratista.nombre).where(
                Contratista.deleted.is_(False)
            )
        )
    ]
    declaraciones: dict[int, list[_Declaracion]] = {}
    i = InformativaRow
    for cid, uuid, clave, estado, tipo in sesion.execute(
        select(i.contratista_id, i.uuid, i.periodo, i.estado, i.tipo).where(
            i.deleted.is_(False),
            i.tipo.not_in(sorted(COMPLEMENTARIAS)) | (i.estado == FIRMADA),
        )
    ):
        declaraciones.setdefault(cid, []).append(
            _Declaracion(uuid, Periodo.de_clave(clave), estado, tipo)
        )
    return contratistas, declaraciones


__all__ = ["SIN_PRESENTAR", "Tablero", "Vencimiento", "VencimientosService"]
