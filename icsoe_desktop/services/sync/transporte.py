"""The sync's transport: HTTP(S) to the company's sync server, every failure as a SyncError in
Spanish, a request sent once more when the connection dropped before any answer, and what each
answer says of the company (its newest schema, its catalogue of códigos postales).

``requests`` is imported on first use (start-up time).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Never, Self, TypeVar
from urllib.parse import urlsplit

import orjson

from icsoe_desktop.config import SyncSettings
from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.store.migrations import HEAD_REVISION

if TYPE_CHECKING:  # imported on first use (start-up time)
    import requests
    from urllib3 import BaseHTTPResponse
    from urllib3.connectionpool import ConnectionPool
    from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

SIN_CONEXION = "Sin conexión"
Answer = TypeVar("Answer")
# After a sync that could not reach the server (or found it busy), the next try waits 2 s, 4 s,
# 8 s… up to 2 minutes, each a random time between half of it and all of it: the desktops of
# a company whose server restarts come back spread over time, not all in the same second
# (that stampede kept a restarted server busy answering requests already given up on).
REINTENTO_BASE_S = 2.0
REINTENTO_MAX_S = 120.0


class SyncError(DomainError):
    """Sync could not finish; ``offline`` when the server could not be reached at all (or
    said it was busy); ``retry_after``: the seconds it asked to wait, if it said."""

    def __init__(
        self, code: str, message: str, offline: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(code, message)
        self.offline = offline
        self.retry_after = retry_after


def espera_reintento(
    fallos: int, retry_after: float | None = None, azar: random.Random | None = None
) -> float:
    """Seconds to wait before the next sync after ``fallos`` (≥ 1) failed ones in a row:
    exponential backoff with jitter, never less than what the server asked (Retry-After)."""
    tope = min(REINTENTO_MAX_S, REINTENTO_BASE_S * 2 ** min(max(fallos, 1) - 1, 16))
    espera = (azar or random).uniform(tope / 2, tope)
    return max(espera, retry_after or 0.0)


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

    # (respect_retry_after_header off: a busy server's 503 with Retry-After comes back as an
    # answer, «Sin conexión» with the wait it asked, not as «too many 503 error responses»,
    # which said the address was wrong)
    return RetryDropped(
        total=1,
        connect=0,
        read=1,
        status=0,
        other=0,
        allowed_methods=None,
        redirect=0,
        respect_retry_after_header=False,
    )


def check_url(url: str) -> str:
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


class Transporte:
    # Sent with every request: the protocol this desktop speaks and its store's schema (the
    # server keeps the company's newest and says so in each answer).
    protocol = sync_wire.PROTOCOL
    schema = HEAD_REVISION

    def __init__(self, settings: SettingsService, token: Callable[[], str | None]) -> None:
        self._settings = settings
        self._token = token
        self._newest_schema: str | None = None  # the company's, as the server last said
        self._sepomex: str | None = None  # its catalogue of códigos postales, as last said

    @property
    def settings(self) -> SyncSettings:
        return self._settings.current.sync

    def abrir(
        self, url: str | None = None, token: str | None = None, verify: bool | None = None
    ) -> tuple[requests.Session, str]:
        """An HTTP session to the server (the configured one unless named) and its base URL."""
        import requests

        http = requests.Session()
        adapter = requests.adapters.HTTPAdapter(max_retries=_retry_dropped())
        http.mount("http://", adapter)
        http.mount("https://", adapter)
        http.headers["Authorization"] = f"Bearer {token or self._token() or ''}"
        http.headers["User-Agent"] = "icsoe-desktop"
        http.headers[sync_wire.PROTOCOL_HEADER] = str(self.protocol)
        http.headers[sync_wire.SCHEMA_HEADER] = self.schema
        http.verify = self.settings.verify_tls if verify is None else verify
        return http, (url or self.settings.url).rstrip("/")

    def call(self, http: requests.Session, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        """The server's JSON answer; a SyncError (Spanish) for every way it can fail."""
        return self._json(self.send(http, method, url, **kwargs))

    def call_known(
        self, http: requests.Session, method: str, url: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """``call``, but None from a server that does not know the resource (HTTP 404: a
        server of an older version)."""
        response = self.send(http, method, url, missing_ok=True, **kwargs)
        return None if response.status_code == 404 else self._json(response)

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
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

    def send(
        self,
        http: requests.Session,
        method: str,
        url: str,
        missing_ok: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        """The server's answer when it is not a refusal (a ``stream`` one not read yet; with
        ``missing_ok`` a 404 too); a SyncError in Spanish for every way it can fail."""
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
        sepomex = response.headers.get(sync_wire.SEPOMEX_HEADER)
        if sepomex is not None:
            self._sepomex = sepomex
        if response.status_code < 400 or (missing_ok and response.status_code == 404):
            return response
        self._refused(response)

    @staticmethod
    def _refused(response: requests.Response) -> Never:
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
            retry_after = response.headers.get("Retry-After", "")
            raise SyncError(
                "servidor_no_disponible",
                f"{SIN_CONEXION}: el servidor de sincronización no está disponible ahora "
                f"(HTTP {response.status_code}). Se reintentará; no se pierde nada.",
                offline=True,
                retry_after=(
                    min(float(retry_after), REINTENTO_MAX_S)
                    if retry_after.isascii() and retry_after.isdigit()
                    else None
                ),
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

    @staticmethod
    def read(read: Callable[..., Answer], answer: dict[str, Any], *args: Any) -> Answer:
        """The server's answer checked for the protocol's shape (domain/sync_wire.py)."""
        try:
            return read(answer, *args)
        except sync_wire.WireError as exc:
            raise SyncError("respuesta_invalida", "El servidor respondió algo inesperado.") from exc

    def newer_version_elsewhere(self) -> bool:
        """Whether the server said another desktop of the company has a newer schema (a newer
        version of the app): this one should be updated. What it pushes meanwhile loses
        nothing (the server keeps the columns it does not know)."""
        return sync_wire.newer_schema(self._newest_schema, self.schema)

    def tomar_sepomex(self) -> str | None:
        """What the server's answers last said of the company's catalogue of códigos postales
        (``X-Icsoe-Sepomex``), taken: None until an answer says it again (None from a server
        that keeps no catalogue)."""
        valor, self._sepomex = self._sepomex, None
        return valor
