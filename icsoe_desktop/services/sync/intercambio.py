"""The sync's exchange: this desktop's changes pushed in batches, the company's pulled page by
page and applied (``apply.py``), what came before its parent applied once every page is here.

Each push batch carries an id the server remembers (a batch sent twice changes nothing); pulled
pages commit with the cursor after them, a few at a time. An unreachable server loses nothing:
changes stay marked until a push is answered.
"""

from __future__ import annotations

import json
import logging
import time
import uuid as uuid_module
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.sync import conflictos
from icsoe_desktop.services.sync.adopt import exclusive_unsent
from icsoe_desktop.services.sync.apply import ApplyReport, apply_remote, record_push_results
from icsoe_desktop.services.sync.encode import encoded_changes, has_pending, pending_count
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.services.sync.transporte import SyncError, Transporte
from icsoe_desktop.store.db import Store, StoreError, checkpoint, large_page_cache, rare_checkpoints
from icsoe_desktop.store.firmadas_recibidas import acuse_alterado_por_enviar
from icsoe_desktop.store.models import SyncPending, SyncState
from icsoe_desktop.store.sync_tables import SYNCED_TABLES

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

# A push batch, at most (each server announces its own limits in /v1/estado: the smaller
# apply). Fewer, larger batches: fewer round trips and commits on both sides.
BATCH_ROWS = 5000
BATCH_BYTES = 4 * 1024 * 1024
# What a server that announces no limits takes (every version does).
OLD_SERVER_BATCH_ROWS = 2000
PULL_ROWS = 5000
# Pulled pages are committed together, up to this many rows or for this long: each commit
# writes every index page its rows touched, and a unique key whose values come in no order (a
# movimiento's registro, NSS, tipo and fecha) takes them at random leaves, so a commit per page
# wrote most of that index again at every page (a 1,000,000-row join wrote it ~200 times;
# docs/diseno/rendimiento.md «Sincronizar»). A user's save waits for one such transaction at
# most; a crash (not a server gone: what came is kept) re-pulls it.
COMMIT_ROWS = 25_000
COMMIT_SECONDS = 2.0
BULK_PULL_ROWS = 20_000
Progress = Callable[[int, int], None]
Aviso = Callable[[str], None]  # what the clerk reads of a sync under way (Spanish)
Answer = TypeVar("Answer")


@dataclass(frozen=True)
class Pulled:
    """What a pull applied and how many conflicts it kept; whether its last page carries the
    server's sums (a server that sends none: False), and those sums (None while the company
    was moving)."""

    applied: int = 0
    conflicts: int = 0
    carries_summary: bool = False
    summary: sync_wire.Resumen | None = None
    refused: tuple[str, ...] = ()  # what the user reads of each row refused (Spanish)


def recibidos(done: int, total: int, counted: bool) -> str:
    """«Recibidos 12,000 de 32,000»; «de unos 32,000» when the server only estimated."""
    return f"Recibidos {done:,} de {'' if counted else 'unos '}{max(done, total):,}"


def enviados(done: int, total: int) -> str:
    return f"Enviados {done:,} de {max(done, total):,}"


def _sin_aviso(_texto: str) -> None:
    pass


class _InPlace(Executor):
    """Runs what is submitted at once, in the caller's thread: an executor's interface where
    there is nothing to overlap."""

    def submit(self, fn: Callable[..., Answer], /, *args: Any, **kwargs: Any) -> Future[Answer]:
        future: Future[Answer] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # (as a thread's future holds it)
            future.set_exception(exc)
        return future


class _Paginas:
    """The pulled pages' write transaction (``Intercambio.applying``): opened by the first page
    that needs it, committed once it holds ``rows`` rows or has been open ``seconds``, at the
    last page, or when the pull stops for another reason than a page failing to apply
    (``commit``); rolled back with the page that failed (``abort``)."""

    def __init__(
        self, applying: Callable[[], AbstractContextManager[Session]], rows: int, seconds: float
    ) -> None:
        self._applying = applying
        self._rows, self._seconds = rows, seconds
        self._open: AbstractContextManager[Session] | None = None
        self._session: Session | None = None
        self._held = 0
        self._since = 0.0

    def session(self) -> Session:
        if self._session is None:
            opening = self._applying()
            self._session = opening.__enter__()
            self._open, self._held, self._since = opening, 0, time.monotonic()
        return self._session

    def applied(self, rows: int, last: bool) -> None:
        self._held += rows
        if last or self._held >= self._rows or time.monotonic() - self._since >= self._seconds:
            self.commit()

    def commit(self) -> None:
        opened, self._open, self._session = self._open, None, None
        if opened is not None:
            opened.__exit__(None, None, None)

    def abort(self, exc: BaseException) -> None:
        """Rolled back, as ``applying`` does with a failure (which it may turn into a
        SyncError: raised from here then)."""
        opened, self._open, self._session = self._open, None, None
        if opened is not None:
            opened.__exit__(type(exc), exc, exc.__traceback__)


class Intercambio:
    pull_rows = PULL_ROWS  # rows per pulled page
    commit_rows = COMMIT_ROWS  # pulled rows written in one transaction, at most…
    commit_seconds = COMMIT_SECONDS  # …or those applied in this long (the first page's at least)
    bulk_pull_rows = BULK_PULL_ROWS  # a pull this big may build some indexes at its end

    def __init__(
        self, store: Store, transporte: Transporte, estado: EstadoSync, clock: Clock
    ) -> None:
        self._store = store
        self._transporte = transporte
        self._estado = estado
        self._clock = clock

    def _batch_limits(self, http: requests.Session, base: str, total: int) -> tuple[int, int]:
        """The rows and bytes of a push batch: this desktop's limits, or the server's when it
        announces smaller ones (``/v1/estado``; asked only when more than one batch of the size
        every server takes waits). A server that announces none gets that size."""
        rows, size = min(BATCH_ROWS, OLD_SERVER_BATCH_ROWS), BATCH_BYTES
        if total <= rows:
            return rows, size
        info = self._transporte.call(http, "GET", f"{base}/v1/estado")
        announced, body = info.get("max_renglones"), info.get("max_bytes")
        if type(announced) is int and announced > 0:
            rows = min(BATCH_ROWS, announced)
        if type(body) is int and body > 0:
            # The body also holds the batch id and a comma between rows.
            size = min(size, max(body - rows - 1024, body // 2))
        return rows, size

    def _batches(self, max_rows: int, max_bytes: int) -> Iterator[list[bytes]]:
        """The local changes as JSON text, in batches: each row is encoded once (its size is
        the encoded text's). Read as they are sent (one snapshot of the store, one batch in
        memory at a time, not the whole outbox)."""
        batch: list[bytes] = []
        size = 0
        with self._store.session() as session:
            for encoded in encoded_changes(session):  # UTF-8 bytes (len: the size)
                if batch and (len(batch) >= max_rows or size + len(encoded) > max_bytes):
                    yield batch
                    batch, size = [], 0
                batch.append(encoded)
                size += len(encoded)
        if batch:
            yield batch

    def join(
        self,
        http: requests.Session,
        base: str,
        report: Progress,
        builder: Executor,
        aviso: Aviso = _sin_aviso,
    ) -> Pulled:
        """A new desktop, or one installed again with the company's token, first receives
        what the company holds: what it made again (the same file imported, the same
        informativa captured) is adopted, not sent as a copy of every row. A desktop that
        pulled before receives first only when it is about to send a row that sync never
        copies twice (a new informativa: another desktop's Normal of that period is adopted,
        not sent beside it); otherwise nothing."""
        # (a first pull cut off before its end is taken up again here: before anything is sent)
        pulled_before = bool(int(self._estado.leer("cursor") or 0)) and not self._estado.leer(
            "pull_recibidos"
        )
        with self._store.session() as session:
            if pulled_before and not exclusive_unsent(session):
                return Pulled()
            waiting = has_pending(session)
        # (the indexes a big pull builds at its end hold the write lock: built meanwhile only
        # when no push's answer waits to be written)
        return self.pull(http, base, 0, report, None if waiting else builder, aviso)

    def push(
        self, http: requests.Session, base: str, report: Progress, aviso: Aviso = _sin_aviso
    ) -> tuple[int, int]:
        """Send the batches one after another; the next batch is read and encoded while the
        server works on the one before (another thread waits for its answer), and a batch's
        answer is recorded once the next batch is on its way (the server is not kept waiting
        for this desktop's writes)."""
        from icsoe_desktop.services.informativa.acuse_sincronizado import ajeno_por_enviar

        with self._store.session() as session:
            alterado = acuse_alterado_por_enviar(session)
            ajeno = None if alterado is not None else ajeno_por_enviar(session)
            total = pending_count(session)  # (counted in the tables where something waits)
        if alterado is not None:
            raise ValidationError(
                "acuse_imss_alterado",
                f"El acuse del IMSS guardado de la informativa {alterado[1]} del contratista "
                f"{alterado[0]} no coincide con su huella SHA-256: se alteró fuera de la "
                "aplicación. No se envió nada al servidor; restaura un respaldo en el que esté "
                "íntegro.",
            )
        if ajeno is not None:
            raise ValidationError("acuse_imss_ajeno", ajeno)
        done = conflicts = 0
        report(0, total)
        if not total:
            return 0, 0
        max_rows, max_bytes = self._batch_limits(http, base, total)
        in_flight: tuple[Future[dict[str, Any]], int, str] | None = (
            None  # an answer to come, its rows, its id
        )
        # One batch (the usual sync) has nothing to overlap: sent from this thread, without
        # starting one (on a busy machine each thread's start and each hand-over between
        # threads waits for a turn on a core).
        overlap = total > max_rows
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push")
            if overlap
            else _InPlace()
        ) as sender:
            for rows in self._batches(max_rows, max_bytes):
                answered = in_flight
                if answered is not None:
                    answered[0].result()  # (an error stops here: nothing more is sent)
                # The id is stored before sending: after a lost answer the retry reuses it and
                # the server replies from its record instead of applying the batch again. (A
                # batch sent after an answered one is always new.)
                stored = self._estado.leer("pending_batch") if answered is None else ""
                batch_id = stored or uuid_module.uuid4().hex
                self._estado.escribir(pending_batch=batch_id)
                answer = sender.submit(
                    self._transporte.call,
                    http,
                    "POST",
                    f"{base}/v1/push",
                    data=sync_wire.push_body(batch_id, rows),
                    headers={"Content-Type": "application/json"},
                )
                in_flight = (answer, len(rows), batch_id)
                if answered is not None:
                    found, refused = self._pushed(answered[0], answered[2])
                    conflicts += found
                    done += answered[1] - refused
                    report(done, max(total, done))
                    aviso(enviados(done, total))
            if in_flight is not None:
                found, refused = self._pushed(in_flight[0], in_flight[2])
                conflicts += found
                done += in_flight[1] - refused
        report(done, done)
        if overlap:  # (one batch: nothing to watch)
            aviso(enviados(done, done))
        return done, conflicts

    def _pushed(self, answer: Future[dict[str, Any]], batch_id: str) -> tuple[int, int]:
        """A batch's answer recorded (its conflicts kept); the number of new conflicts and of
        rows the server refused (not sent: they stay changed). Its rows that were not recorded
        (a crash before this) stay changed and are sent again: the server finds them as they
        are and answers without a new version."""
        pushed = self._transporte.read(sync_wire.read_push_answer, answer.result())
        results, cursor = pushed["results"], pushed["cursor"]
        equipo = pushed.get("equipo")
        with self.applying() as session:
            if equipo is not None:
                conflictos.soy(session, equipo)
            conflicts = record_push_results(session, results, self._clock(), equipo)
            pending = session.get(SyncState, "pending_batch")
            if pending is not None and pending.value == batch_id:  # not the next one's
                pending.value = ""
            self._skip_own_rows(session, results, cursor)
        return conflicts, sum(1 for result in results if result.get("rechazo"))

    @staticmethod
    def _skip_own_rows(session: Session, results: list[sync_wire.PushResult], cursor: int) -> None:
        """Move the pull cursor past this batch when every sequence between the cursor and the
        server's new one went to this batch: nobody else wrote in between, so pulling that range
        would only bring back our own rows (100,000 of them after a big import)."""
        state = session.get(SyncState, "cursor")
        since = int(state.value) if state and state.value else 0
        fresh = sorted(r.get("seq") for r in results if isinstance(r.get("seq"), int))
        fresh = [seq for seq in fresh if seq > since]
        if cursor > since and fresh == list(range(since + 1, cursor + 1)):
            session.merge(SyncState(key="cursor", value=str(cursor)))

    def pull(
        self,
        http: requests.Session,
        base: str,
        sent: int,
        report: Progress,
        builder: Executor | None = None,
        aviso: Aviso = _sin_aviso,
    ) -> Pulled:
        """Fetch and apply page by page, committed with the cursor after them a few pages at a
        time (``COMMIT_ROWS``, ``COMMIT_SECONDS``): memory stays two pages whatever the
        company's size (SQLite's page cache spills the rest), a crash re-pulls one transaction
        at most, and the user's saves wait for one transaction at most (never the whole pull).
        A pull that stops otherwise (the server gone) keeps what it applied. The next page is
        fetched (another thread) while this one is applied: the server's work and the transfer
        overlap SQLite's. Indexes a big pull dropped are built again at its end: by
        ``builder`` when given (the caller goes on meanwhile), here after a failure.

        ``aviso`` hears «Recibidos N de M» after each page: M counted by the server on the first
        page. A pull cut off (the server gone, the app closed) keeps with its cursor how many
        rows it had received, so the next one goes on from there and counts on from there."""
        cursor = int(self._estado.leer("cursor") or 0)
        before = int(self._estado.leer("pull_recibidos") or 0)  # an unfinished pull's rows
        expected, counted = 0, False
        received = 0
        done = ApplyReport()
        suspended = False
        pages = _Paginas(self.applying, self.commit_rows, self.commit_seconds)
        try:
            with ExitStack() as stack:
                # The first page from this thread: most pulls have one (see push); a thread
                # fetches the next pages while each is applied.
                fetcher: Executor = _InPlace()
                coming = fetcher.submit(self.pull_page, http, base, cursor, None, True)
                while True:
                    page = coming.result()
                    size = sync_wire.page_size(page)
                    remaining, next_cursor = page["remaining"], page["cursor"]
                    last = size < self.pull_rows
                    if not received:
                        counted = "total" in page
                        expected = page.get("total", size + remaining)
                    if not last:
                        if isinstance(fetcher, _InPlace):
                            fetcher = stack.enter_context(
                                ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull")
                            )
                        coming = fetcher.submit(self.pull_page, http, base, next_cursor)
                    try:
                        if size:
                            session = pages.session()
                            if not received:  # the first page: how much is coming
                                suspended = self._suspend_indexes(session, size + remaining)
                            done.add(apply_remote(session, page["grupos"], self._clock()))
                            session.merge(SyncState(key="cursor", value=str(next_cursor)))
                            session.merge(  # (with the cursor: the next pull counts on)
                                SyncState(
                                    key="pull_recibidos",
                                    value="" if last else str(before + received + size),
                                )
                            )
                            pages.applied(size, last)
                        elif next_cursor > cursor or before:
                            # Only numbers no row holds (gaps): passed, so the cursor meets the
                            # server's sums (verificacion.py).
                            pages.commit()
                            self._estado.escribir(cursor=str(next_cursor), pull_recibidos="")
                    except BaseException as exc:
                        coming.cancel()
                        pages.abort(exc)
                        raise
                    cursor = next_cursor
                    received += size
                    report(sent + received, sent + received + remaining)  # an estimate
                    if expected > self.pull_rows or before:  # (one page: nothing to watch)
                        aviso(recibidos(before + received, before + expected, counted))
                    if last:
                        break
            pages.commit()
            done.add(self.apply_waiting())
        except BaseException:
            try:  # what applied before the pull stopped (the server gone) is kept
                pages.commit()
            finally:
                if suspended:
                    self._restore_indexes()
            raise
        if suspended:
            if builder is None:
                self._restore_indexes()
            else:
                builder.submit(self._restore_indexes)
        if received:
            with self._store.session() as session:  # the pages' WAL, before a user's save
                checkpoint(session.connection())
        report(sent + received, sent + received)
        refused = tuple(r.mensaje for r in done.refused)
        return Pulled(done.applied, done.conflicts, "resumen" in page, page.get("resumen"), refused)

    def _suspend_indexes(self, session: Session, coming: int) -> bool:
        """For a pull that brings at least ``bulk_pull_rows`` rows and as many as a table
        holds (a desktop joining a company), the table's indexes that are faster built at the
        end than kept up to date are dropped, with the first page (its ``BulkHooks``)."""
        if coming < self.bulk_pull_rows:
            return False
        connection = session.connection()
        suspended = False
        for table in SYNCED_TABLES:
            if table.bulk is None or table.bulk.suspend_indexes is None:
                continue
            held = session.scalar(select(func.count()).select_from(table.model))
            if coming >= (held or 0):
                suspended = bool(table.bulk.suspend_indexes(connection)) or suspended
        return suspended

    def _restore_indexes(self) -> None:
        """The dropped indexes built again. Failing here (a busy store) only leaves the grid's
        searches slower until the store is opened again, which builds them."""
        try:
            # (SQLite's own sort, spilling to a temporary file: as fast as a large cache and
            # temp_store=MEMORY here, and it leaves a million rows' sort out of the memory)
            with self._store.session(immediate=True) as session:
                for table in SYNCED_TABLES:
                    if table.bulk is not None and table.bulk.restore_indexes is not None:
                        table.bulk.restore_indexes(session.connection())
            with self._store.session() as session:  # their WAL, before a user's save
                checkpoint(session.connection())
        except (SQLAlchemyError, StoreError):
            log.warning("Índices sin reconstruir tras la sincronización", exc_info=True)

    def pull_page(
        self,
        http: requests.Session,
        base: str,
        since: int,
        table: str | None = None,
        count: bool = False,
    ) -> sync_wire.PullPage:
        """The page after ``since``; of one ``table`` only (a repair from a server that keeps
        no buckets), which must name its cursor and reads no estimate of what remains;
        ``count``: with every row after ``since`` counted (``total``), a pull's first page."""
        params: dict[str, Any] = {
            "since": since,
            "limit": self.pull_rows,
            "formato": "columnas",  # the only pages this desktop reads (sync_wire.PulledGroup)
        }
        if count:
            params["contar"] = "1"
        if table is None:
            params["resumen"] = "1"  # the last page with the drift check's sums (verificacion.py)
        else:
            params["tabla"] = table
        answer = self._transporte.call(http, "GET", f"{base}/v1/pull", params=params)
        if "grupos" not in answer and isinstance(answer.get("rows"), list):
            raise SyncError(
                "servidor_anterior",
                "El servidor de sincronización es de una versión anterior a la de este equipo: "
                "pide al administrador que lo actualice. Los cambios de este equipo esperan; no "
                "se pierde nada.",
            )
        return self._transporte.read(
            sync_wire.read_pull_page, answer, since if table is None else None
        )

    def apply_waiting(self) -> ApplyReport:
        """The rows that came before their parent (kept in sync_pending, maybe by an earlier,
        interrupted pull), now that every page is here: parents' tables first."""
        done = ApplyReport()
        with self._store.session() as session:
            if session.scalar(select(SyncPending.seq).limit(1)) is None:
                return done  # (the usual case: one read, not one per table)
        for table in SYNCED_TABLES:
            after = 0  # (a row whose parent was refused waits again: taken once per pull)
            while True:
                with self.applying() as session:
                    waiting = session.scalars(
                        select(SyncPending)
                        .where(SyncPending.table_name == table.name, SyncPending.seq > after)
                        .order_by(SyncPending.seq)
                        .limit(self.pull_rows)
                    ).all()
                    if not waiting:
                        break
                    after = waiting[-1].seq
                    rows = [json.loads(w.row) for w in waiting]
                    session.execute(
                        delete(SyncPending).where(SyncPending.seq.in_([w.seq for w in waiting]))
                    )
                    groups = sync_wire.groups_of_rows(rows)
                    done.add(apply_remote(session, groups, self._clock(), final=True))
        return done

    @contextmanager
    def applying(self) -> Iterator[Session]:
        """A write transaction for pulled rows, holding SQLite's write lock from its first read
        (see Store.session); a store kept busy past the busy timeout is a retry, not a crash."""
        try:
            with self._store.session(immediate=True) as session:
                connection = session.connection()
                with large_page_cache(connection), rare_checkpoints(connection):
                    yield session
                    # Committed here, with the bigger cache and without a checkpoint (the
                    # session's own commit after it finds nothing left to do).
                    session.flush()
                    connection.exec_driver_sql("COMMIT")
        except (OperationalError, StoreError) as exc:
            if isinstance(exc, StoreError) and exc.code != "base_datos_ocupada":
                raise
            log.warning("Base de datos ocupada durante la sincronización: %s", exc)
            raise SyncError(
                "base_ocupada",
                "La base de datos de este equipo estuvo ocupada (por ejemplo, una importación "
                "grande): la sincronización se reintentará; no se pierde nada.",
            ) from exc
