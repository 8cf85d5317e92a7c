"""The deadline board (ICSOE › Vencimientos): for every empresa the user may open, every
contratista of its store with the periods whose informativa is still to be filed (a signed
one counts as done only once its IMSS acuse is registered: «Firmada, sin presentar»): the last
period already due (and any earlier one left in capture) and the one in course, each with its
fecha límite and the days left, counted in Central Mexico time (a deadline ends at 23:59
there, 05:59 UTC of the next day). A complementaria signed and not filed is listed too, once
for each: it has no deadline of its own (Lineamientos 5.6), but until its acuse is registered
the correction it carries is not filed.

The empresas are looked through as ``services/empresas/entrada.py`` does: each store file read with
plain sqlite3 (two small queries), without opening it as the app's empresa, so the board does
not switch the open empresa nor build services on the other stores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

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
from icsoe_desktop.store import cifrado, plain

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
    read (damaged, locked by a restore): the board says so instead of hiding them;
    ``secciones``: the rows of each other obligation's source (services/plazos.py), each in
    its own order: ``secciones.de(FUENTE)``."""

    filas: list[Vencimiento]
    sin_leer: list[EmpresaInfo]
    contratistas: int = 0  # looked at, with or without periods pending
    secciones: Secciones = field(default_factory=Secciones)

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
        leidas: dict[str, list[Any]] = {}
        contados = 0
        inhabiles = self._inhabiles() if self._inhabiles is not None else None
        for empresa in self.empresas(usuario):
            path = self._empresas.ruta(empresa)
            if not path.is_file():
                continue  # an empresa never opened yet has no store, hence no contratistas
            try:
                contratistas, declaraciones = _leer(path)
                leer(self.fuentes, Lectura(path, empresa, hoy, inhabiles), leidas)
            except (cifrado.Error, ValueError):
                log.warning("No se pudo leer la empresa %s", empresa.archivo, exc_info=True)
                sin_leer.append(empresa)
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
        return Tablero(filas, sin_leer, contados, ordenadas(self.fuentes, leidas))

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


def _leer(path: Path) -> tuple[list[tuple[str, str, int]], dict[int, list[_Declaracion]]]:
    """The store's contratistas and their declaraciones, with the complementarias signed and
    not filed (the others correct a period and carry no deadline of their own)."""
    with closing(plain.connect(path)) as conn:
        tablas = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                "('icsoe_contratistas', 'icsoe_informativas')"
            )
        }
        if "icsoe_contratistas" not in tablas:
            return [], {}
        contratistas = [
            (rfc, nombre, cid)
            for cid, rfc, nombre in conn.execute(
                "SELECT id, rfc, nombre FROM icsoe_contratistas WHERE deleted = 0"
            )
        ]
        declaraciones: dict[int, list[_Declaracion]] = {}
        if "icsoe_informativas" in tablas:
            complementarias = sorted(COMPLEMENTARIAS)
            marcas = ", ".join("?" for _ in complementarias)
            for cid, uuid, clave, estado, tipo in conn.execute(
                "SELECT contratista_id, uuid, periodo, estado, tipo FROM icsoe_informativas "
                f"WHERE deleted = 0 AND (tipo NOT IN ({marcas}) OR estado = ?)",
                [*complementarias, FIRMADA],
            ):
                declaraciones.setdefault(cid, []).append(
                    _Declaracion(uuid, Periodo.de_clave(clave), estado, tipo)
                )
    return contratistas, declaraciones


__all__ = ["SIN_PRESENTAR", "Tablero", "Vencimiento", "VencimientosService"]
