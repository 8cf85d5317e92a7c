"""Optional sync with the company's sync server (``icsoe_desktop/sync_server``) over HTTP(S).

``synchronize`` pushes the local changes in batches (each with an id the server remembers, so a
batch sent twice changes nothing), then pulls what other desktops sent since the cursor and
applies it. An unreachable server loses nothing: changes stay marked until a push is answered.
``requests`` is imported on first use (start-up time).
"""

from __future__ import annotations

import json
import logging
import uuid as uuid_module
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from icsoe_desktop.config import SyncSettings
from icsoe_desktop.domain import sync_tree, sync_wire
from icsoe_desktop.domain.cambios import CONFLICTOS, TODO, anuncia
from icsoe_desktop.domain.clock import Clock, to_local_text, utcnow
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.services.sync import deshacer
from icsoe_desktop.services.sync.apply import ApplyReport, apply_remote, record_push_results
from icsoe_desktop.services.sync.catalogo import CatalogoCompartido
from icsoe_desktop.services.sync.check import LocalView, kept_buckets, kept_view, row_versions
from icsoe_desktop.services.sync.decode import Refused, decode_data
from icsoe_desktop.services.sync.encode import encoded_changes, has_pending, pending_count
from icsoe_desktop.store.db import (
    Store,
    StoreError,
    checkpoint,
    large_page_cache,
    rare_checkpoints,
)
from icsoe_desktop.store.firmadas_recibidas import acuse_alterado_por_enviar
from icsoe_desktop.store.migrations import HEAD_REVISION
from icsoe_desktop.store.models import SyncConflict, SyncPending, SyncState
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedModel, SyncedTable, by_name

if TYPE_CHECKING:  # imported on first use (start-up time)
    import requests
    from urllib3 import BaseHTTPResponse
    from urllib3.connectionpool import ConnectionPool
    from urllib3.util.retry import Retry

    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService

log = logging.getLogger(__name__)

TOKEN_SCOPE = "sincronizacion"
# A push batch, at most (each server announces its own limits in /v1/estado: the smaller
# apply). Fewer, larger batches: fewer round trips and commits on both sides.
BATCH_ROWS = 5000
BATCH_BYTES = 4 * 1024 * 1024
# What a server that announces no limits takes (every version does).
OLD_SERVER_BATCH_ROWS = 2000
PULL_ROWS = 5000
BULK_PULL_ROWS = 20_000
REPAIR_BUCKETS = 500  # buckets of uuids asked for in one request of a repair (a URL of 2 KB)
REPAIR_ROWS = 2000  # rows asked for by uuid in one request of a repair
# The drift check's looks at the server's sums, a pull to catch up between two: while the
# company keeps moving, it waits for a later sync instead of chasing it.
COMPARE_LOOKS = 2
REPAIR_NODES = 400  # nodes of the uuids' tree asked about in one request (URLs of 5 KB)


@dataclass(frozen=True)
class _Pulled:
    """What a pull applied and how many conflicts it kept; whether its last page carries the
    server's sums (a server that sends none: False), and those sums (None while the company
    was moving)."""

    applied: int = 0
    conflicts: int = 0
    carries_summary: bool = False
    summary: sync_wire.Resumen | None = None
    refused: tuple[str, ...] = ()  # what the user reads of each row refused (Spanish)


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


class _NoTree(Exception):
    """The server does not sum the uuids' tree below its buckets (an older one)."""


SIN_CONEXION = "Sin conexión"
ACTUALIZAR = (
    "Otro equipo de esta empresa ya usa una versión más reciente de icsoe-desktop: actualiza "
    "este equipo para ver y editar los datos nuevos (mientras tanto no se pierde ninguno)."
)
Progress = Callable[[int, int], None]
Answer = TypeVar("Answer")


class SyncError(DomainError):
    """Sync could not finish; ``offline`` when the server could not be reached at all."""

    def __init__(self, code: str, message: str, offline: bool = False) -> None:
        super().__init__(code, message)
        self.offline = offline


@dataclass(frozen=True)
class SyncResult:
    enviados: int
    recibidos: int
    conflictos: int
    at: datetime
    actualizar: bool = False  # another desktop of the company has a newer version of the app
    catalogo: str = ""  # the catalogue of códigos postales received or sent (Spanish), if any
    # Rows received that were not written: a signed informativa that does not say what was
    # signed (Spanish, one sentence each).
    rechazados: tuple[str, ...] = ()

    @property
    def texto(self) -> str:
        enviados = plural(self.enviados, "cambio enviado", "cambios enviados")
        text = f"Sincronización terminada: {enviados}, {plural(self.recibidos, 'recibido')}."
        for rechazado in self.rechazados:
            text += f" {rechazado}"
        if self.conflictos:
            text += (
                f" Hay {plural(self.conflictos, 'conflicto')}: revísalos en Configuración > Conflictos de "
                "sincronización."
            )
        if self.actualizar:
            text += f" {ACTUALIZAR}"
        if self.catalogo:
            text += f" {self.catalogo}"
        return text


@dataclass
class RepairFindings:
    """What a repair found, row by row, against the server's listing: rows missing from this
    desktop's file, rows changed without the app (version 0: ``store/sumas.py``), rows at
    another version, and rows this desktop counts that the server does not hold."""

    missing: int = 0
    changed: int = 0
    other_version: int = 0
    extra: int = 0

    def count(self, server: dict[str, int], local: dict[str, int], listed: list[str]) -> None:
        """``server``: its (uuid → version) under the ``listed`` nodes of the uuids' tree;
        ``local``: this desktop's, under them or more."""
        for row_uuid, version in server.items():
            mine = local.get(row_uuid)
            if mine == version:
                continue
            if mine is None:
                self.missing += 1
            elif mine == 0:
                self.changed += 1
            else:
                self.other_version += 1
        here = sync_tree.under(local, listed)
        self.extra += sum(1 for row_uuid in here if row_uuid not in server)

    def texto(self, titulo: str) -> str:
        """«Movimiento afiliatorio: 2 renglones faltaban en este equipo, …», or "" when the
        listing found nothing row by row."""
        parts = [
            plural(n, one, many)
            for n, one, many in (
                (
                    self.missing,
                    "renglón faltaba en este equipo",
                    "renglones faltaban en este equipo",
                ),
                (
                    self.changed,
                    "renglón cambiado fuera de la aplicación",
                    "renglones cambiados fuera de la aplicación",
                ),
                (self.other_version, "renglón en otra versión", "renglones en otra versión"),
            )
            if n
        ]
        if not parts and not self.extra:
            return ""
        text = f"{titulo}: " + ", ".join(parts)
        if parts:
            text += "; recibidos de nuevo del servidor"
        if self.extra:
            extra = plural(
                self.extra, "renglón que el servidor no tiene", "renglones que el servidor no tiene"
            )
            text += ("; " if parts else "") + extra
        return text + "."


@dataclass(frozen=True)
class SyncStatus:
    configured: bool
    pending: int
    offline: bool
    last_sync_at: datetime | None
    conflicts: int
    verified_at: datetime | None = None  # the tables last matched the server's checksums
    reparacion: str = ""  # what the last repair found and received again (Spanish), if any
    catalogo: str = ""  # the catalogue of códigos postales last received or sent, and when

    @property
    def texto(self) -> str:
        """The status bar: «Sincronizado hh:mm», «Sin conexión», «N cambios por enviar»."""
        if not self.configured:
            return ""
        parts = []
        if self.offline:
            parts.append(SIN_CONEXION)
        if self.pending:
            parts.append(plural(self.pending, "cambio por enviar", "cambios por enviar"))
        if not parts and self.last_sync_at is not None:
            parts.append(f"Sincronizado {to_local_text(self.last_sync_at)[-5:]}")
        if self.conflicts:
            parts.append(plural(self.conflicts, "conflicto"))
        return " · ".join(parts)


@dataclass(frozen=True)
class ConflictRow:
    id: int
    tabla: str  # table name
    titulo: str  # what the user reads: "Registro patronal"
    renglon: str  # which row: the registro, the usuario…
    detected_at: datetime
    kind: str
    actual: dict[str, Any] | None  # the version now in the row (None: it no longer exists)
    otra: dict[str, Any]  # the version that lost: {"version", "updated_at", "deleted", "data"}


def _retry_dropped() -> Retry:
    """Requests sent once more, at once, when the connection broke before any answer came:
    a kept-alive connection the server closed just as the request went out (it closes idle
    ones after a while) fails that way, and said «Sin conexión» with the server fine. Every
    request is safe to send again: reads, and pushes (a batch id the server answered already
    gets its stored reply). Never after a timeout (the server may still be working on it) nor
    when the server cannot be reached (that waits the timeout again)."""
    from urllib3.exceptions import ReadTimeoutError
    from urllib3.util.retry import Retry

    class RetryDropped(Retry):
        def increment(
            self,
            method: str | None = None,
            url: str | None = None,
            response: BaseHTTPResponse | None = None,
            error: Exception | None = None,
            _pool: ConnectionPool | None = None,
            _stacktrace: TracebackType | None = None,
        ) -> Self:
            if isinstance(error, ReadTimeoutError):
                raise error
            return super().increment(method, url, response, error, _pool, _stacktrace)

    return RetryDropped(
        total=1, connect=0, read=1, status=0, other=0, allowed_methods=None, redirect=0
    )


def _check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            "url_invalida",
            "La dirección del servidor debe empezar con https:// (o http:// en la red local), "
            "por ejemplo https://sync.empresa.com:8765",
            "url",
        )
    return url


class SyncService:
    # Sent with every request: the protocol this desktop speaks and its store's schema (the
    # server keeps the company's newest and says so in each answer).
    protocol = sync_wire.PROTOCOL
    schema = HEAD_REVISION
    pull_rows = PULL_ROWS  # rows per pulled page
    bulk_pull_rows = BULK_PULL_ROWS  # a pull this big may build some indexes at its end

    def __init__(
        self,
        store: Store,
        settings: SettingsService,
        secrets: SecretsService,
        permisos: Permisos,
        clock: Clock = utcnow,
        codigos_postales: CodigosPostalesService | None = None,
    ) -> None:
        self._permisos = permisos
        self._catalogo = CatalogoCompartido(codigos_postales, self) if codigos_postales else None
        self._store = store
        self._settings = settings
        self._secrets = secrets
        self._clock = clock
        self._newest_schema: str | None = None  # the company's, as the server last said
        self._deshacer: deshacer.Deshacer | None = None  # the last «Resolver todos así»

    # --- settings ------------------------------------------------------------------------------

    @property
    def settings(self) -> SyncSettings:
        return self._settings.current.sync

    def _desktop_id(self) -> str:
        """This store's id, the keyring key of its token (two stores never share a token)."""
        value = self._state("desktop_id")
        if not value:
            value = uuid_module.uuid4().hex
            self._set_state(desktop_id=value)
        return value

    def token(self) -> str | None:
        return self._secrets.get(TOKEN_SCOPE, self._desktop_id())

    def is_configured(self) -> bool:
        return self.settings.configured and bool(self.token())

    def preparar(self) -> None:
        """What a configured desktop's first sync would otherwise load while the user waits:
        the keyring's backend (the token) and the HTTP client's modules. For the background
        (``Services.preload``), at start-up."""
        if self.settings.configured and self.token():
            import requests  # noqa: F401

    def configure(
        self,
        url: str,
        token: str | None,
        verify_tls: bool,
        interval_min: int,
        actor: str | None,
    ) -> None:
        """Validate and save. ``token`` None keeps the stored one. An empty URL turns sync off."""
        self._permisos.exigir(actor, Accion.SINCRONIZACION, url)
        url = _check_url(url) if url.strip() else ""
        if not 0 <= interval_min <= 24 * 60:
            raise ValidationError(
                "intervalo_invalido", "El intervalo debe estar entre 0 y 1440 minutos.", "intervalo"
            )
        if token is not None:
            token = token.strip()
            if token and (len(token) > 200 or any(c.isspace() for c in token)):
                raise ValidationError(
                    "token_invalido", "El token no debe tener espacios (cópialo completo).", "token"
                )
            if token:
                self._secrets.set(TOKEN_SCOPE, self._desktop_id(), token)  # Spanish if no keyring
            else:
                self._secrets.delete(TOKEN_SCOPE, self._desktop_id())
        if url and not self.token():
            raise ValidationError(
                "token_faltante",
                "Captura el token que te dio el administrador del servidor.",
                "token",
            )
        self._settings.save_sync(
            SyncSettings(url=url, verify_tls=verify_tls, interval_min=interval_min), actor
        )

    # --- state ---------------------------------------------------------------------------------

    def _state(self, key: str) -> str:
        with self._store.session() as session:
            row = session.get(SyncState, key)
            return row.value if row else ""

    def _set_state(self, **values: str) -> None:
        with self._store.session() as session:
            for key, value in values.items():
                session.merge(SyncState(key=key, value=value))

    def status(self) -> SyncStatus:
        if not self.is_configured():
            # Nothing is shown of it: counting what waits reads every movement (a sign-in's or a
            # switch of empresa's slowest read, README «Rendimiento»).
            return SyncStatus(False, 0, False, None, 0)
        with self._store.session() as session:
            pending = pending_count(session)
            conflicts = len(
                session.scalars(
                    select(SyncConflict.id).where(SyncConflict.resolved_at.is_(None))
                ).all()
            )
        last = self._state("last_sync_at")
        verified = self._state("verified_at")
        return SyncStatus(
            configured=self.is_configured(),
            pending=pending,
            offline=self._state("last_result") == "sin_conexion",
            last_sync_at=datetime.fromisoformat(last) if last else None,
            conflicts=conflicts,
            verified_at=datetime.fromisoformat(verified) if verified else None,
            reparacion=self._state("last_repair"),
            catalogo=self._state("last_catalogo"),
        )

    def pending_count(self) -> int:
        with self._store.session() as session:
            return pending_count(session)

    # --- HTTP ----------------------------------------------------------------------------------

    def _http(
        self, url: str | None = None, token: str | None = None, verify: bool | None = None
    ) -> tuple[requests.Session, str]:
        import requests

        http = requests.Session()
        adapter = requests.adapters.HTTPAdapter(max_retries=_retry_dropped())
        http.mount("http://", adapter)
        http.mount("https://", adapter)
        http.headers["Authorization"] = f"Bearer {token or self.token() or ''}"
        http.headers["User-Agent"] = "icsoe-desktop"
        http.headers[sync_wire.PROTOCOL_HEADER] = str(self.protocol)
        http.headers[sync_wire.SCHEMA_HEADER] = self.schema
        http.verify = self.settings.verify_tls if verify is None else verify
        return http, (url or self.settings.url).rstrip("/")

    def _call(self, http: requests.Session, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = self._send(http, method, url, **kwargs)
        try:
            body = orjson.loads(response.content)  # several times faster than json on a page
        except ValueError:
            body = None
        if not isinstance(body, dict):
            log.warning("Sincronización rechazada: HTTP %s %s", response.status_code, body)
            raise SyncError(
                "solicitud_rechazada",
                f"El servidor de sincronización rechazó la solicitud (HTTP "
                f"{response.status_code}).",
            )
        return body

    def _send(
        self, http: requests.Session, method: str, url: str, **kwargs: Any
    ) -> requests.Response:
        """The server's answer when it is not a refusal (a ``stream`` one not read yet); a
        SyncError in Spanish for every way it can fail."""
        import requests

        try:
            response = http.request(method, url, timeout=self.settings.timeout_s, **kwargs)
        except requests.exceptions.SSLError as exc:
            log.warning("TLS con el servidor de sincronización: %s", exc)
            raise SyncError(
                "certificado_tls",
                "No se pudo verificar el certificado TLS del servidor de sincronización. Revisa "
                "la dirección o pide al administrador un certificado válido.",
            ) from exc
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,  # the answer was cut mid-way
        ) as exc:
            log.info("Servidor de sincronización inalcanzable: %s", exc)
            raise SyncError(
                "sin_conexion",
                f"{SIN_CONEXION} con el servidor de sincronización. Los cambios de este equipo "
                "esperan y se enviarán en la siguiente sincronización; no se pierde nada.",
                offline=True,
            ) from exc
        except requests.RequestException as exc:
            log.warning("Solicitud de sincronización fallida: %s", exc)
            raise SyncError("url_invalida", "La dirección del servidor no es válida.") from exc
        newest = response.headers.get(sync_wire.SCHEMA_HEADER)
        if newest:
            self._newest_schema = newest
        if self._catalogo is not None:
            self._catalogo.oido(response.headers.get(sync_wire.SEPOMEX_HEADER))
        if response.status_code < 400:
            return response
        try:
            body = orjson.loads(response.content)
        except ValueError:
            body = None
        if response.status_code == 401:
            raise SyncError(
                "token_invalido",
                "El servidor rechazó el token de sincronización: pide uno nuevo al administrador.",
            )
        if response.status_code >= 500:
            log.warning("Servidor de sincronización: HTTP %s", response.status_code)
            raise SyncError(
                "servidor_no_disponible",
                f"{SIN_CONEXION}: el servidor de sincronización no está disponible ahora "
                f"(HTTP {response.status_code}). Se reintentará; no se pierde nada.",
                offline=True,
            )
        if response.status_code == 426 and isinstance(body, dict) and body.get("mensaje"):
            # A server that does not speak this desktop's protocol: its own words (update
            # the server, or this desktop).
            log.warning("Sincronización rechazada: HTTP 426 %s", body)
            raise SyncError("protocolo_no_soportado", str(body["mensaje"]))
        reason = body.get("mensaje") if isinstance(body, dict) else ""
        log.warning("Sincronización rechazada: HTTP %s %s", response.status_code, body)
        raise SyncError(
            "solicitud_rechazada",
            f"El servidor de sincronización rechazó la solicitud (HTTP "
            f"{response.status_code}). {reason or ''}".strip(),
        )

    def sesion(self) -> tuple[requests.Session, str]:
        """An HTTP session to the configured server with this desktop's token (and its base
        URL), for a request of another service (services/sync/actualizacion.py)."""
        return self._http()

    def consultar(self, ruta: str) -> dict[str, Any]:
        """GET ``ruta`` of the configured server: its JSON answer, or a SyncError (Spanish)."""
        http, base = self._http()
        with http:
            return self._call(http, "GET", f"{base}{ruta}")

    @staticmethod
    def _read(read: Callable[..., Answer], answer: dict[str, Any], *args: Any) -> Answer:
        """The server's answer checked for the protocol's shape (domain/sync_wire.py)."""
        try:
            return read(answer, *args)
        except sync_wire.WireError as exc:
            raise SyncError("respuesta_invalida", "El servidor respondió algo inesperado.") from exc

    def test_connection(
        self, url: str | None = None, token: str | None = None, verify: bool | None = None
    ) -> str:
        """Ask the server who we are; the Spanish answer for «Probar conexión»."""
        url = _check_url(url) if url is not None else self.settings.url
        http, base = self._http(url, token, verify)
        with http:
            info = self._call(http, "GET", f"{base}/v1/estado")
        text = (
            f"Conexión correcta con el servidor de sincronización: empresa {info.get('empresa')}, "
            f"escritorio «{info.get('escritorio')}»."
        )
        return f"{text} {ACTUALIZAR}" if self.newer_version_elsewhere() else text

    # --- synchronize ---------------------------------------------------------------------------

    def synchronize(self, progress: Progress | None = None) -> SyncResult:
        """Push local changes, pull remote ones, record conflicts. Raises SyncError (Spanish)."""
        if not self.is_configured():
            raise SyncError(
                "sin_configurar",
                "La sincronización no está configurada: captura el servidor y el token en "
                "Configuración > Sincronización.",
            )
        report = progress or (lambda _done, _total: None)
        self._deshacer = None  # what a sync sends and receives is never undone
        http, base = self._http()
        try:
            # (leaving the block waits for the indexes a big pull builds at its end
            # while the drift check reads: store/bulk_indexes.py)
            with http, ThreadPoolExecutor(1, "sync-indices") as builder:
                received = more_conflicts = 0
                refused: tuple[str, ...] = ()
                if not int(self._state("cursor") or 0):
                    # A new desktop, or one installed again with the company's token, first
                    # receives what the company holds: what it made again (the same file
                    # imported) is adopted, not sent as a copy of every row.
                    with self._store.session() as session:
                        waiting = has_pending(session)
                    # (the indexes a big pull builds at its end hold the write lock: built
                    # meanwhile only when no push's answer waits to be written)
                    joined = self._pull(http, base, 0, report, None if waiting else builder)
                    received, more_conflicts = joined.applied, joined.conflicts
                    refused = joined.refused
                sent, conflicts = self._push(http, base, report)
                if conflicts:  # the new conflicts go now: the other side hears of them sooner
                    sent += self._push(http, base, report)[0]
                pulled = self._pull(http, base, sent, report, builder)
                received += pulled.applied
                more_conflicts += pulled.conflicts
                refused += pulled.refused
                verified = None
                try:
                    verified = self._verify(http, base, report, pulled)
                except SyncError as exc:  # sent and received: the check waits for next time
                    log.warning("Verificación con el servidor no terminada: %s", exc.message)
                catalogo = self._catalogo.sincronizar(http, base) if self._catalogo else ""
        except SyncError as exc:
            self._set_state(last_result="sin_conexion" if exc.offline else "error")
            raise
        now = self._clock()
        # Written once the indexes a big pull builds are done: their build holds the store's
        # write lock meanwhile (a million rows' take longer than the busy timeout).
        done = {} if verified is None else {"verified_at": verified}
        if catalogo:
            done["last_catalogo"] = f"{catalogo.rstrip('.')}, el {to_local_text(now)}."
        if self._catalogo is not None:
            done.update(self._catalogo.por_escribir())
        self._set_state(last_result="ok", last_sync_at=now.isoformat(), **done)
        resultado = SyncResult(
            sent,
            received,
            conflicts + more_conflicts,
            now,
            self.newer_version_elsewhere(),
            catalogo,
            tuple(dict.fromkeys(refused)),  # a row refused twice (a page again) said once
        )
        # Rows received may be of any synced table; new conflicts only add to their list.
        self._store.cambios.anunciar(
            TODO if resultado.recibidos else {CONFLICTOS} if resultado.conflictos else ()
        )
        return resultado

    def newer_version_elsewhere(self) -> bool:
        """Whether the server said another desktop of the company has a newer schema (a newer
        version of the app): this one should be updated. What it pushes meanwhile loses
        nothing (the server keeps the columns it does not know)."""
        return sync_wire.newer_schema(self._newest_schema, self.schema)

    def _batch_limits(self, http: requests.Session, base: str, total: int) -> tuple[int, int]:
        """The rows and bytes of a push batch: this desktop's limits, or the server's when it
        announces smaller ones (``/v1/estado``; asked only when more than one batch of the size
        every server takes waits). A server that announces none gets that size."""
        rows, size = min(BATCH_ROWS, OLD_SERVER_BATCH_ROWS), BATCH_BYTES
        if total <= rows:
            return rows, size
        info = self._call(http, "GET", f"{base}/v1/estado")
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

    def _push(self, http: requests.Session, base: str, report: Progress) -> tuple[int, int]:
        """Send the batches one after another; the next batch is read and encoded while the
        server works on the one before (another thread waits for its answer), and a batch's
        answer is recorded once the next batch is on its way (the server is not kept waiting
        for this desktop's writes)."""
        with self._store.session() as session:
            alterado = acuse_alterado_por_enviar(session)
            total = pending_count(session)  # (counted in the tables where something waits)
        if alterado is not None:
            raise ValidationError(
                "acuse_imss_alterado",
                f"El acuse del IMSS guardado de la informativa {alterado[1]} del contratista "
                f"{alterado[0]} no coincide con su huella SHA-256: se alteró fuera de la "
                "aplicación. No se envió nada al servidor; restaura un respaldo en el que esté "
                "íntegro.",
            )
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
                stored = self._state("pending_batch") if answered is None else ""
                batch_id = stored or uuid_module.uuid4().hex
                self._set_state(pending_batch=batch_id)
                answer = sender.submit(
                    self._call,
                    http,
                    "POST",
                    f"{base}/v1/push",
                    data=sync_wire.push_body(batch_id, rows),
                    headers={"Content-Type": "application/json"},
                )
                in_flight = (answer, len(rows), batch_id)
                if answered is not None:
                    conflicts += self._pushed(answered[0], answered[2])
                    done += answered[1]
                    report(done, max(total, done))
            if in_flight is not None:
                conflicts += self._pushed(in_flight[0], in_flight[2])
                done += in_flight[1]
        report(done, done)
        return done, conflicts

    def _pushed(self, answer: Future[dict[str, Any]], batch_id: str) -> int:
        """A batch's answer recorded (its conflicts kept); the number of conflicts. Its rows
        that were not recorded (a crash before this) stay changed and are sent again: the
        server finds them as they are and answers without a new version."""
        pushed = self._read(sync_wire.read_push_answer, answer.result())
        results, cursor = pushed["results"], pushed["cursor"]
        with self._applying() as session:
            conflicts = record_push_results(session, results, self._clock())
            pending = session.get(SyncState, "pending_batch")
            if pending is not None and pending.value == batch_id:  # not the next one's
                pending.value = ""
            self._skip_own_rows(session, results, cursor)
        return conflicts

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

    def _pull(
        self,
        http: requests.Session,
        base: str,
        sent: int,
        report: Progress,
        builder: Executor | None = None,
    ) -> _Pulled:
        """Fetch and apply page by page: each page commits with the cursor after it, so memory
        stays two pages whatever the company's size, a crash re-pulls one page at most, and the
        user's saves wait for one page's write at most (never the whole pull). The next page is
        fetched (another thread) while this one is applied: the server's work and the transfer
        overlap SQLite's. Indexes a big pull dropped are built again at its end: by
        ``builder`` when given (the caller goes on meanwhile), here after a failure."""
        cursor = int(self._state("cursor") or 0)
        received = 0
        done = ApplyReport()
        suspended = False
        try:
            with ExitStack() as stack:
                # The first page from this thread: most pulls have one (see _push); a thread
                # fetches the next pages while each is applied.
                fetcher: Executor = _InPlace()
                coming = fetcher.submit(self._pull_page, http, base, cursor)
                while True:
                    page = coming.result()
                    size = sync_wire.page_size(page)
                    remaining, next_cursor = page["remaining"], page["cursor"]
                    last = size < self.pull_rows
                    if not last:
                        if isinstance(fetcher, _InPlace):
                            fetcher = stack.enter_context(
                                ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull")
                            )
                        coming = fetcher.submit(self._pull_page, http, base, next_cursor)
                    try:
                        if size:
                            with self._applying() as session:
                                if not received:  # the first page: how much is coming
                                    suspended = self._suspend_indexes(session, size + remaining)
                                done.add(apply_remote(session, page["grupos"], self._clock()))
                                session.merge(SyncState(key="cursor", value=str(next_cursor)))
                        elif next_cursor > cursor:
                            # Only numbers no row holds (gaps): passed, so the cursor meets the
                            # server's sums (_compare).
                            self._set_state(cursor=str(next_cursor))
                    except BaseException:
                        coming.cancel()
                        raise
                    cursor = next_cursor
                    received += size
                    report(sent + received, sent + received + remaining)  # an estimate
                    if last:
                        break
            done.add(self._apply_waiting())
        except BaseException:
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
        return _Pulled(
            done.applied, done.conflicts, "resumen" in page, page.get("resumen"), refused
        )

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

    def _pull_page(
        self,
        http: requests.Session,
        base: str,
        since: int,
        table: str | None = None,
    ) -> sync_wire.PullPage:
        """The page after ``since``; of one ``table`` only (a repair from a server that keeps
        no buckets), which must name its cursor and reads no estimate of what remains."""
        params: dict[str, Any] = {
            "since": since,
            "limit": self.pull_rows,
            "formato": "columnas",  # the only pages this desktop reads (sync_wire.PulledGroup)
        }
        if table is None:
            params["resumen"] = "1"  # the last page with the drift check's sums (_compare)
        else:
            params["tabla"] = table
        answer = self._call(http, "GET", f"{base}/v1/pull", params=params)
        if "grupos" not in answer and isinstance(answer.get("rows"), list):
            raise SyncError(
                "servidor_anterior",
                "El servidor de sincronización es de una versión anterior a la de este equipo: "
                "pide al administrador que lo actualice. Los cambios de este equipo esperan; no "
                "se pierde nada.",
            )
        return self._read(sync_wire.read_pull_page, answer, since if table is None else None)

    def _apply_waiting(self) -> ApplyReport:
        """The rows that came before their parent (kept in sync_pending, maybe by an earlier,
        interrupted pull), now that every page is here: parents' tables first."""
        done = ApplyReport()
        with self._store.session() as session:
            if session.scalar(select(SyncPending.seq).limit(1)) is None:
                return done  # (the usual case: one read, not one per table)
        for table in SYNCED_TABLES:
            after = 0  # (a row whose parent was refused waits again: taken once per pull)
            while True:
                with self._applying() as session:
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
    def _applying(self) -> Iterator[Session]:
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

    # --- drift check ----------------------------------------------------------------------

    def _verify(
        self, http: requests.Session, base: str, report: Progress, pulled: _Pulled
    ) -> str | None:
        """Compare each synced table's row count and checksum (uuid + version) with the
        server's; repair a table that differs. «Verificado» (with the time) when they match.
        Skipped while changes wait to be sent (they are differences by design). Both sides'
        sums are kept as rows are written (store/sumas.py; the server's bucket_sums) and each
        side reads its own with its cursor in one snapshot: compared only at the same cursor,
        so a push or a save committing meanwhile is never taken for drift. Returns when they
        matched (ISO), "" when a table still differs, None when not checked: the caller
        records it. ``pulled``: the sync's pull, maybe with the server's sums at its end."""
        found = self._compare(http, base, report, pulled)
        if found is None:
            return None
        drifted = self._drifted(*found)
        if drifted:
            log.warning("Tablas distintas del servidor, se reparan: %s", drifted)
            for table in drifted:
                self._repair(http, base, table)
            found = self._compare(http, base, report, _Pulled())
            if found is None:
                return None
            drifted = self._drifted(*found)
        if drifted:
            log.warning("Siguen distintas del servidor: %s", drifted)
            return ""
        return self._clock().isoformat()

    def _compare(
        self, http: requests.Session, base: str, report: Progress, pulled: _Pulled
    ) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
        """(the server's summaries, this desktop's sums) at the same cursor; None when
        changes wait to be sent or the company kept moving (checked at the next sync). The
        server's are those the last page of ``pulled`` carried (no request of their own), or,
        from a server that sends none with its pages, its ``/v1/resumen``."""
        for attempt in range(COMPARE_LOOKS):  # others may push meanwhile: catch up first
            mine = self._local_view()
            if mine.pending:
                return None
            summary = pulled.summary
            if not pulled.carries_summary:
                summary = self._read(
                    sync_wire.read_resumen, self._call(http, "GET", f"{base}/v1/resumen")
                )
            if summary is not None and summary["cursor"] <= mine.cursor:
                return summary["tablas"], mine.sums
            if attempt < COMPARE_LOOKS - 1:
                pulled = self._pull(http, base, 0, report)
        return None

    def _local_view(self) -> LocalView:
        with self._store.session() as session:
            return kept_view(session, has_pending)  # (whether, not how many)

    @staticmethod
    def _drifted(tablas: dict[str, Any], mine: dict[str, tuple[int, int]]) -> list[str]:
        return [
            table.name
            for table in SYNCED_TABLES
            if sync_wire.summary_differs(
                tablas.get(table.name) or {}, *mine.get(table.name, (0, 0))
            )
        ]

    def _repair(self, http: requests.Session, base: str, name: str) -> None:
        """A table that differs from the server, narrowed down: its buckets of uuids (both
        sides keep each one's checksum), then down the uuids' tree below the buckets that
        differ (``_narrowed``), to each row's version in the nodes that still differ: only the
        rows that differ are received again, and what was found is told (the log, the status).
        A server that keeps no buckets: the whole table."""
        theirs = self._call(http, "GET", f"{base}/v1/resumen", params={"tabla": name})
        cubetas = theirs.get("cubetas")
        if not isinstance(cubetas, dict):
            received = self._repull(http, base, name)
            log.warning("Tabla %s: %d renglones recibidos de nuevo", name, received)
            return
        table = by_name(name)
        if table is None:  # (names come from SYNCED_TABLES)
            raise ValueError(name)
        with self._store.session() as session:
            mine = kept_buckets(session, table)
        held = {int(b) for b in cubetas if b.isdigit()} | set(mine)
        differing = [
            b
            for b in sorted(held)
            if sync_wire.summary_differs(cubetas.get(str(b)) or {}, *mine.get(b, (0, 0)))
        ]
        with self._store.session() as session:
            local = row_versions(session, table, differing)
        narrowed = self._narrowed(http, base, name, differing, cubetas, local)
        found = RepairFindings()
        found.count(narrowed.server, local, narrowed.listed)
        wanted = [u for u, v in narrowed.server.items() if local.get(u) != v]
        received = 0
        for first in range(0, len(wanted), REPAIR_ROWS):
            received += self._receive_rows(http, base, name, wanted[first : first + REPAIR_ROWS])
        log.info(
            "Tabla %s: %d sumas y %d renglones listados por el servidor",
            name,
            narrowed.sums,
            narrowed.pairs,
        )
        log.warning(
            "Tabla %s: %d cubetas distintas del servidor, %d renglones recibidos de nuevo",
            name,
            len(differing),
            received,
        )
        told = found.texto(table.spec.titulo or name)
        if told:
            log.warning("%s", told)
            self._set_state(last_repair=told, last_repair_at=self._clock().isoformat())

    def _narrowed(
        self,
        http: requests.Session,
        base: str,
        name: str,
        differing: list[int],
        cubetas: dict[str, Any],
        local: dict[str, int],
    ) -> sync_tree.Narrowed:
        """The server's versions of the rows where the differing buckets differ: split down
        the uuids' tree (``domain/sync_tree.py``), or, from a server without it, every row of
        those buckets."""

        def ask(path: str, nodes: list[str]) -> list[dict[str, Any]]:
            # Buckets as «cubetas», which every server with buckets reads; finer nodes as
            # «sufijos», asked of a server only once it summed their parents.
            answers = []
            for i in range(0, len(nodes), REPAIR_NODES):
                chunk = nodes[i : i + REPAIR_NODES]
                buckets = [str(int(n, 16)) for n in chunk if len(n) == 3]
                finer = [n for n in chunk if len(n) > 3]
                params = {"tabla": name}
                if path.endswith("versiones") and buckets:
                    params["cubetas"] = ",".join(buckets)
                    chunk = finer
                if chunk:
                    params["sufijos"] = ",".join(chunk)
                answers.append(self._call(http, "GET", f"{base}{path}", params=params))
            return answers

        def children(nodes: list[str]) -> dict[str, Any]:
            found: dict[str, Any] = {}
            for answer in ask("/v1/resumen", nodes):
                if not isinstance(answer.get("sufijos"), dict):
                    raise _NoTree
                found.update(answer["sufijos"])
            return found

        def pairs(nodes: list[str]) -> dict[str, int]:
            found: dict[str, int] = {}
            for listed in ask("/v1/versiones", nodes):
                uuids, numbers = listed.get("uuid") or [], listed.get("version") or []
                found.update(zip(uuids, numbers, strict=False))
            return found

        nodes = {
            f"{b:03x}": int((cubetas.get(str(b)) or {}).get("renglones", 0)) for b in differing
        }
        try:
            return sync_tree.narrow(nodes, local, children, pairs)
        except _NoTree:
            pass
        everything = sync_tree.Narrowed({}, listed=list(nodes))
        for start in range(0, len(differing), REPAIR_BUCKETS):  # URLs of a few KB
            chunk = differing[start : start + REPAIR_BUCKETS]
            listed = self._call(
                http,
                "GET",
                f"{base}/v1/versiones",
                params={"tabla": name, "cubetas": ",".join(map(str, chunk))},
            )
            uuids, numbers = listed.get("uuid") or [], listed.get("version") or []
            everything.server.update(zip(uuids, numbers, strict=False))
        everything.pairs = len(everything.server)
        return everything

    def _receive_rows(self, http: requests.Session, base: str, name: str, uuids: list[str]) -> int:
        """Some rows of one table received again by uuid and applied where the local copy is
        not the server's; how many came."""
        answer = self._call(
            http,
            "POST",
            f"{base}/v1/renglones",
            data=orjson.dumps({"tabla": name, "uuids": uuids}),
            headers={"Content-Type": "application/json"},
        )
        page = self._read(sync_wire.read_pull_page, answer, None)
        size = sync_wire.page_size(page)
        if size:
            with self._applying() as session:
                apply_remote(session, page["grupos"], self._clock(), repair=True)
            self._apply_waiting()
        return size

    def _repull(self, http: requests.Session, base: str, name: str) -> int:
        """Every row of one table again, applied where the local copy is not the server's;
        how many rows came."""
        since = received = 0
        while True:
            page = self._pull_page(http, base, since, name)
            size, since = sync_wire.page_size(page), page["cursor"]
            received += size
            if size:
                with self._applying() as session:
                    apply_remote(session, page["grupos"], self._clock(), repair=True)
            if size < self.pull_rows:
                break
        self._apply_waiting()
        return received

    # --- conflicts -----------------------------------------------------------------------------

    def conflicts(self) -> list[ConflictRow]:
        """Unresolved conflicts, newest first."""
        out: list[ConflictRow] = []
        with self._store.session() as session:
            found = session.scalars(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
                .order_by(SyncConflict.id.desc())
            ).all()
            for conflict in found:
                out.append(self._conflict_row(session, conflict))
        return out

    @staticmethod
    def _decoded(session: Session, table: SyncedTable, otra: dict[str, Any]) -> dict[str, Any]:
        """The other version's data as column values (raises ValueError if it no longer fits)."""
        return decode_data(session, table, otra["data"])

    @staticmethod
    def _holder(session: Session, table: SyncedTable, values: dict[str, Any]) -> SyncedModel | None:
        """The local row holding the same registro, usuario, movimiento… as ``values``: what
        a "duplicado" conflict collided with."""
        for key in table.natural_keys:
            model = table.model
            obj = session.scalar(
                select(model).where(*(getattr(model, name) == values.get(name) for name in key))
            )
            if obj is not None:
                return obj
        return None

    def _current(self, session: Session, conflict: SyncConflict) -> dict[str, Any] | None:
        table = by_name(conflict.table_name)
        if table is None:
            return None
        obj = session.scalar(select(table.model).where(table.model.uuid == conflict.row_uuid))
        if obj is None and conflict.kind == "duplicado":
            try:
                obj = self._holder(
                    session, table, self._decoded(session, table, json.loads(conflict.loser))
                )
            except ValueError:
                obj = None
        if obj is None:
            return None
        return {
            "version": getattr(obj, "version", 1),
            "deleted": bool(getattr(obj, "deleted", False)),
            "data": {n: sync_wire.encode_value(getattr(obj, n)) for n in table.columns},
        }

    def _conflict_row(self, session: Session, conflict: SyncConflict) -> ConflictRow:
        otra = json.loads(conflict.loser)
        table = by_name(conflict.table_name)
        if table is not None and isinstance(otra.get("data"), dict):
            # The server's JSON does not keep key order: show both versions in column order.
            data = otra["data"]
            otra["data"] = {n: data[n] for n in table.columns if n in data} | data
        actual = self._current(session, conflict)
        label_key = table.spec.etiqueta if table is not None else ""
        label = (actual or otra)["data"].get(label_key) or conflict.row_uuid
        return ConflictRow(
            conflict.id,
            conflict.table_name,
            (table.spec.titulo if table is not None else "") or conflict.table_name,
            str(label),
            conflict.detected_at,
            conflict.kind,
            actual,
            otra,
        )

    @anuncia(*TODO)  # the version kept may be any synced row's
    def resolve(self, conflict_id: int, keep: str, actor: str | None) -> None:
        """``keep`` "actual" keeps the row as it is; "otra" writes the losing version over it as
        a new local change (sent at the next sync, over every desktop's copy)."""
        self._permisos.exigir(actor, Accion.CONFLICTOS, str(conflict_id))
        if keep not in ("actual", "otra"):
            raise ValueError(keep)
        with self._store.session() as session:
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None or conflict.resolved_at is not None:
                raise ValidationError("conflicto_resuelto", "Este conflicto ya fue resuelto.")
            self._settle(session, conflict, keep)

    def _settle(
        self,
        session: Session,
        conflict: SyncConflict,
        keep: str,
        kept: list[deshacer.Antes] | None = None,
    ) -> None:
        """One conflict settled; ``kept``: where each row it changes goes as it was."""
        table = by_name(conflict.table_name)
        if kept is not None:
            kept.append(deshacer.tomar(session, SyncConflict.__tablename__, conflict.uuid))
        if keep == "otra" and table is not None and not table.append_only:
            self._restore(session, table, conflict, kept)
        conflict.resolved_at = self._clock()
        conflict.resolution = keep

    @anuncia(*TODO)  # the versions kept may be any synced rows'
    def resolve_all(self, keep: str, actor: str | None) -> int:
        """Every conflict settled by one rule (``keep`` as ``resolve``), in one transaction;
        how many. Until the next sync, ``undo`` puts every row it changed back as it was."""
        self._permisos.exigir(actor, Accion.CONFLICTOS, f"todos: {keep}")
        if keep not in ("actual", "otra"):
            raise ValueError(keep)
        kept: list[deshacer.Antes] = []
        with self._store.session() as session:
            found = session.scalars(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
                .order_by(SyncConflict.id)
            ).all()
            for conflict in found:
                self._settle(session, conflict, keep, kept)
            session.flush()
            after = tuple(deshacer.version(session, k.table, k.row_uuid) for k in kept)
        self._deshacer = deshacer.Deshacer(len(found), tuple(kept), after) if found else None
        return len(found)

    def can_undo(self) -> int:
        """How many conflicts the last «Resolver todos así» settled, while it can be undone
        (until the next sync); 0: nothing to undo."""
        return self._deshacer.conflictos if self._deshacer is not None else 0

    @anuncia(*TODO)  # the versions kept may be any synced rows'
    def undo(self, actor: str | None) -> int:
        """The last «Resolver todos así» undone: its rows as they were, its conflicts open
        again; how many. Refused when a sync came since or one of its rows changed again."""
        self._permisos.exigir(actor, Accion.CONFLICTOS, "deshacer")
        done = self._deshacer
        if done is None:
            raise ValidationError(
                "nada_que_deshacer",
                "Ya no se puede deshacer: hubo una sincronización después de resolverlos.",
            )
        with self._store.session() as session:
            now = [deshacer.version(session, k.table, k.row_uuid) for k in done.antes]
            if now != list(done.despues):
                self._deshacer = None
                raise ValidationError(
                    "cambiado_despues",
                    "Ya no se puede deshacer: algunos de esos datos cambiaron después.",
                )
            for antes in reversed(done.antes):
                deshacer.devolver(session, antes)
        self._deshacer = None
        return done.conflictos

    def _restore(
        self,
        session: Session,
        table: SyncedTable,
        conflict: SyncConflict,
        kept: list[deshacer.Antes] | None = None,
    ) -> None:
        otra = json.loads(conflict.loser)
        try:
            values = decode_data(
                session, table, otra["data"], bool(otra.get("deleted")), conflict.row_uuid
            )
        except Refused as exc:  # (a signed informativa that is not what was signed)
            raise ValidationError("conflicto_rechazado", exc.rechazo.mensaje) from exc
        except ValueError as exc:
            raise ValidationError(
                "conflicto_inservible",
                "La otra versión ya no puede aplicarse (le falta un dato relacionado).",
            ) from exc
        values["deleted"] = bool(otra.get("deleted"))
        obj = session.scalar(select(table.model).where(table.model.uuid == conflict.row_uuid))
        if conflict.kind == "duplicado" and obj is None:
            # The other desktop's row could not be inserted (same registro, usuario…): its data
            # goes over the local row holding that value.
            obj = self._holder(session, table, values)
        if kept is not None:
            kept.append(
                deshacer.tomar(session, table.name, conflict.row_uuid if obj is None else obj.uuid)
            )
        if obj is None:
            obj = table.model(uuid=conflict.row_uuid, **table.local_defaults)
            session.add(obj)
        for key, value in values.items():
            setattr(obj, key, value)
