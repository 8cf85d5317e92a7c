"""Movimientos con IDSE: the grid's own work (its registros, the export's rows and audit, the
tabs' counts, the correction of a rejected movement); its counts and pages are the find box's
engine's (buscador.py). Import, export and lotes have modules of their own."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from contextlib import AbstractContextManager
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from icsoe_desktop.domain.cambios import LOTES, MOVIMIENTOS, anuncia
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.movimientos import DATE as DATE
from icsoe_desktop.domain.movimientos import MONEY as MONEY
from icsoe_desktop.domain.movimientos import NUMBER as NUMBER
from icsoe_desktop.domain.movimientos import PENDIENTE, RECHAZADO, Movimiento, validate
from icsoe_desktop.domain.movimientos import TEXT as TEXT
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.movimientos.buscador import Buscador
from icsoe_desktop.services.movimientos.consulta import COLUMNS as COLUMNS
from icsoe_desktop.services.movimientos.consulta import FECHA_COLUMN as FECHA_COLUMN
from icsoe_desktop.services.movimientos.consulta import KINDS as KINDS
from icsoe_desktop.services.movimientos.consulta import TABS as TABS
from icsoe_desktop.services.movimientos.consulta import Column as Column
from icsoe_desktop.services.movimientos.consulta import Filtro as Filtro
from icsoe_desktop.services.movimientos.consulta import Orden as Orden
from icsoe_desktop.services.movimientos.consulta import Progress as Progress
from icsoe_desktop.services.movimientos.consulta import Resumen as Resumen
from icsoe_desktop.services.movimientos.consulta import _derived
from icsoe_desktop.services.movimientos.consulta import _sort_column as _sort_column
from icsoe_desktop.services.movimientos.consulta import apply_filter as apply_filter
from icsoe_desktop.services.movimientos.consulta import cortar_columna as cortar_columna
from icsoe_desktop.services.movimientos.consulta import encontrados as encontrados
from icsoe_desktop.services.movimientos.consulta import orden_de_columna as orden_de_columna
from icsoe_desktop.services.movimientos.consulta import resolve as resolve
from icsoe_desktop.services.movimientos.consulta import rows_query as rows_query
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import MovimientoRow, MovimientoTotal, RegistroPatronal
from icsoe_desktop.store.movimientos_paging import Interrumpida as Interrumpida  # the grid's


class MovimientosService:
    def __init__(self, store: Store, audit: AuditService, clock: Clock, permisos: Permisos) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock
        self._permisos = permisos
        # The grid's counts and pages (the find box's engine, its caches and their upkeep).
        self.buscador = Buscador(store, self.today)

    # The grid's counts and pages: the find box's engine's (buscador.py says how).
    def count(self, filtro: Filtro) -> int:
        return self.buscador.count(filtro)

    def primera_pagina(
        self, filtro: Filtro, orden: Orden, limit: int
    ) -> list[tuple[Any, ...]] | None:
        return self.buscador.primera_pagina(filtro, orden, limit)

    def en_primer_plano(self) -> AbstractContextManager[None]:
        """The clerk busy with the grid (its scroll bar held): the find box's work in the
        background waits meanwhile, as while a count or a page is read (hallados.py)."""
        return self.buscador.hallados.primer_plano(None)

    def sort_ready(self, orden: Orden) -> bool:
        return self.buscador.sort_ready(orden)

    def keys_indexed(self, orden: Orden) -> bool:
        return self.buscador.keys_indexed(orden)

    def prepare_sort(self, orden: Orden) -> None:
        self.buscador.prepare_sort(orden)

    def pagina(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int | None = None
    ) -> list[tuple[Any, ...]]:
        return self.buscador.pagina(filtro, orden, offset, limit, total)

    def pagina_desde(
        self,
        filtro: Filtro,
        orden: Orden,
        row: tuple[Any, ...],
        limit: int,
        backwards: bool = False,
        total: int | None = None,
    ) -> list[tuple[Any, ...]]:
        return self.buscador.pagina_desde(filtro, orden, row, limit, backwards, total)

    def last_page(
        self, filtro: Filtro, orden: Orden, limit: int, total: int | None = None
    ) -> list[tuple[Any, ...]]:
        return self.buscador.last_page(filtro, orden, limit, total)

    def boundaries(
        self,
        filtro: Filtro,
        orden: Orden,
        every: int,
        total: int,
        seguir: Callable[[], bool] | None = None,
    ) -> list[tuple[int, Any]]:
        return self.buscador.boundaries(filtro, orden, every, total, seguir)

    def filas_exportadas(
        self, filtro: Filtro, orden: Orden, total: int, batch: int = 999
    ) -> Generator[Sequence[Any], None, None]:
        return self.buscador.filas_exportadas(filtro, orden, total, batch)

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    def registros(self) -> list[str]:
        """Registros patronales to search by: the company's and any found in live movements
        (from ``movimientos_total``, a few dozen rows: a DISTINCT over the movements read their
        whole index at every sign-in and switch of empresa)."""
        with self._store.session() as session:
            own = session.scalars(
                select(RegistroPatronal.registro).where(RegistroPatronal.deleted.is_(False))
            ).all()
            found_in = (
                select(MovimientoTotal.registro_patronal).where(MovimientoTotal.n > 0)
                if movs_sql.counts_current(session.connection())
                else apply_filter(select(MovimientoRow.registro_patronal), Filtro())
            )
            found = session.scalars(found_in.distinct()).all()
        return sorted(set(own) | set(found))

    def exportados(self, actor: str | None, path: Path, filas: int, filtro: Filtro) -> None:
        """An export of the grid, audited: what (the search), how many rows and where."""
        busqueda = ", ".join(
            f"{f.name}: {getattr(filtro, f.name)}"
            for f in fields(filtro)
            if getattr(filtro, f.name) not in (None, "")
        )
        self._audit.anotar(
            actor,
            "movimientos_exportados",
            path.name,
            f"{plural(filas, 'movimiento')} en «{path.resolve()}»; búsqueda: {busqueda or 'todos'}",
        )

    def iter_rows(
        self, filtro: Filtro, orden: Orden, batch: int = 2_000
    ) -> Generator[Sequence[Any], None, None]:
        """Every row of the filter, streamed: constant memory whatever the count. One query, as
        SQL sorts them: the order the grid's pages and ``filas_exportadas`` keep."""
        filtro.check()
        resolved = resolve(filtro, self.today())
        if resolved is None:
            return
        with self._store.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(
                rows_query(resolved, orden)
            )
            for partition in result.partitions(batch):
                yield from _derived(partition)

    def resumen(self, progress: Progress | None = None) -> Resumen:
        """Counts per tab, as "Movimientos con IDSE" is brought up to date."""
        counts: dict[str, int] = {}
        steps = [tipo for _title, tipo in TABS if tipo]
        for done, tipo in enumerate(steps, start=1):
            counts[tipo] = self.count(Filtro(tipo=tipo))
            if progress:
                progress(done, len(steps))
        return Resumen(counts, sum(counts.values()))

    def movimiento(self, movimiento_id: int) -> Movimiento:
        with self._store.session() as session:
            row = session.get(MovimientoRow, movimiento_id)
            if row is None or row.deleted:
                raise ValidationError("movimiento_inexistente", "El movimiento ya no existe.")
            return to_domain(row)

    @anuncia(MOVIMIENTOS, LOTES)  # pendiente again, out of its lote's rejected
    def corregir(self, movimiento_id: int, corregido: Movimiento, actor: str) -> Movimiento:
        """Correct a rejected movement: it becomes pendiente again, ready for a new lote (its
        rejection stays recorded in the lote it was sent in)."""
        self._permisos.exigir(actor, Accion.CORREGIR_MOVIMIENTOS, str(movimiento_id))
        mov = validate(corregido, self.today())
        with self._store.session() as session:
            row = session.get(MovimientoRow, movimiento_id)
            if row is None or row.deleted:
                raise ValidationError("movimiento_inexistente", "El movimiento ya no existe.")
            if row.estado != RECHAZADO:
                raise ValidationError(
                    "movimiento_no_rechazado",
                    "Sólo se corrigen movimientos rechazados por IDSE.",
                )
            clash = session.scalar(
                select(MovimientoRow.id).where(
                    MovimientoRow.registro_patronal == mov.registro_patronal,
                    MovimientoRow.nss == mov.nss,
                    MovimientoRow.tipo == mov.tipo,
                    MovimientoRow.fecha == mov.fecha,
                    MovimientoRow.id != movimiento_id,
                )
            )
            if clash is not None:
                raise ValidationError(
                    "movimiento_duplicado",
                    "Ya existe otro movimiento del mismo tipo para ese NSS, registro patronal y "
                    "fecha.",
                )
            for name, value in row_values(mov).items():
                setattr(row, name, value)
            row.estado = PENDIENTE
            row.lote_id = None
            row.causa_rechazo = ""
            row.fecha_rechazo = None
            row.fecha_recibido = None
            row.fecha_emision = None
            self._audit.record(
                session, actor, "movimiento_corregido", f"{mov.nss} {mov.tipo} {mov.fecha}"
            )
        return mov


_DOMAIN_FIELDS = [f.name for f in fields(Movimiento)]


def row_values(mov: Movimiento) -> dict[str, Any]:
    return {name: getattr(mov, name) for name in _DOMAIN_FIELDS}


def to_domain(row: MovimientoRow) -> Movimiento:
    return Movimiento(**{name: getattr(row, name) for name in _DOMAIN_FIELDS})
