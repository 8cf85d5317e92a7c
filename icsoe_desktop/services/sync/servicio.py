"""Optional sync with the company's sync server (``icsoe_desktop/sync_server``) over HTTP(S).

``SyncService`` is the door the windows, the command line and the background sync use: its
settings, its status and ``synchronize``. The work is done by its rooms, each an object of its
own: the transport (``transporte.py``: HTTP, retries, versions), the exchange
(``intercambio.py``: push, pull, apply), the drift check and repair (``verificacion.py``), the
catalogue of códigos postales (``catalogo.py``) and the conflicts (``conflictos.py``, which the
Conflictos window calls), over the sync's notes in the store (``estado.py``).
"""

from __future__ import annotations

import logging
import uuid as uuid_module
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icsoe_desktop.config import SyncSettings
from icsoe_desktop.domain.cambios import CONFLICTOS, TODO
from icsoe_desktop.domain.clock import Clock, texto_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.services.sync.catalogo import CatalogoCompartido
from icsoe_desktop.services.sync.certificados_sat import CertificadosCompartidos
from icsoe_desktop.services.sync.conflictos import ConflictosService
from icsoe_desktop.services.sync.encode import pending_count
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.services.sync.identidad import IdentidadArchivo
from icsoe_desktop.services.sync.inhabiles import InhabilesCompartidos
from icsoe_desktop.services.sync.intercambio import Aviso, Intercambio, Progress
from icsoe_desktop.services.sync.recuento import Recuento
from icsoe_desktop.services.sync.transporte import SIN_CONEXION, SyncError, Transporte, check_url
from icsoe_desktop.services.sync.verificacion import SIGUEN_DISTINTOS, Comparacion, Verificacion
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:  # imported on first use (start-up time)
    import requests

    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService

log = logging.getLogger(__name__)

TOKEN_SCOPE = "sincronizacion"
ACTUALIZAR = (
    "Otro equipo de esta empresa ya usa una versión más reciente de icsoe-desktop: actualiza "
    "este equipo para ver y editar los datos nuevos (mientras tanto no se pierde ninguno)."
)


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
    # What the drift check recounted and received again (Spanish), if anything.
    reparacion: str = ""
    # What the drift check found and did, or that the data still differ (Spanish), if any.
    verificacion: str = ""

    @property
    def texto(self) -> str:
        enviados = plural(self.enviados, "cambio enviado", "cambios enviados")
        text = f"Sincronización terminada: {enviados}, {plural(self.recibidos, 'recibido')}."
        if self.reparacion:
            text += f" {self.reparacion}"
        for rechazado in self.rechazados:
            text += f" {rechazado}"
        if self.verificacion:
            text += f" {self.verificacion}"
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
    distinto: bool = False  # the last comparison found the data still differ from the server

    @property
    def texto(self) -> str:
        """The status bar: «Sincronizado hh:mm», «Sin conexión», «N cambios por enviar»,
        «Distinto del servidor»."""
        if not self.configured:
            return ""
        parts = []
        if self.offline:
            parts.append(SIN_CONEXION)
        if self.pending:
            parts.append(plural(self.pending, "cambio por enviar", "cambios por enviar"))
        if not parts and self.last_sync_at is not None:
            parts.append(f"Sincronizado {texto_del_centro(self.last_sync_at, '%H:%M')}")
        if self.conflicts:
            parts.append(plural(self.conflicts, "conflicto"))
        if self.distinto:
            parts.append("Distinto del servidor")
        return " · ".join(parts)

    @property
    def aviso(self) -> str:
        """What the clerk should do about the last comparison, if anything (the dialog)."""
        return SIGUEN_DISTINTOS if self.distinto else ""


class SyncService:
    def __init__(
        self,
        store: Store,
        settings: SettingsService,
        secrets: SecretsService,
        permisos: Permisos,
        clock: Clock = utcnow,
        codigos_postales: CodigosPostalesService | None = None,
        identidad: IdentidadArchivo | None = None,
        inhabiles: Path | None = None,
        certificados_sat: Callable[[list[bytes]], int] | None = None,
    ) -> None:
        """``identidad``: where this store's file identity is recorded (by default the
        keyring alone, under the store's path); ``inhabiles``: where the INFONAVIT's
        non-business days the server serves are kept (None: not asked);
        ``certificados_sat``: what takes the SAT's timbre certificates the server serves
        (services/sync/certificados_sat.py; None: not asked)."""
        self._permisos = permisos
        self._store = store
        self._settings = settings
        self._secrets = secrets
        self._clock = clock
        self.estado = EstadoSync(store)
        self.transporte = Transporte(settings, self.token)
        self.intercambio = Intercambio(store, self.transporte, self.estado, clock)
        self.verificacion = Verificacion(
            store, self.transporte, self.intercambio, self.estado, clock
        )
        self.recuento = Recuento(
            store, self.estado, clock, identidad or IdentidadArchivo.para(store, secrets)
        )
        self.conflictos = ConflictosService(store, permisos, clock)
        self._catalogo = (
            CatalogoCompartido(codigos_postales, self.transporte, self.estado)
            if codigos_postales
            else None
        )
        self._inhabiles = (
            InhabilesCompartidos(self.transporte, inhabiles) if inhabiles is not None else None
        )
        self._certificados_sat = (
            CertificadosCompartidos(self.transporte, certificados_sat)
            if certificados_sat is not None
            else None
        )

    # --- settings ------------------------------------------------------------------------------

    @property
    def settings(self) -> SyncSettings:
        return self._settings.current.sync

    def _desktop_id(self) -> str:
        """This store's id, the keyring key of its token (two stores never share a token)."""
        value = self.estado.leer("desktop_id")
        if not value:
            value = uuid_module.uuid4().hex
            self.estado.escribir(desktop_id=value)
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
        url = check_url(url) if url.strip() else ""
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

    # --- status --------------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        if not self.is_configured():
            # Nothing is shown of it: counting what waits reads every movement (a sign-in's or a
            # switch of empresa's slowest read, README «Rendimiento»).
            return SyncStatus(False, 0, False, None, 0)
        pending = self.pending_count()
        last = self.estado.leer("last_sync_at")
        verified = self.estado.leer("verified_at")
        return SyncStatus(
            configured=self.is_configured(),
            pending=pending,
            offline=self.estado.leer("last_result") == "sin_conexion",
            last_sync_at=datetime.fromisoformat(last) if last else None,
            conflicts=self.conflictos.count(),
            verified_at=datetime.fromisoformat(verified) if verified else None,
            reparacion=self.estado.leer("last_repair"),
            catalogo=self.estado.leer("last_catalogo"),
            distinto=self.estado.leer("distinto") == "1",
        )

    def pending_count(self) -> int:
        with self._store.session() as session:
            return pending_count(session)

    def newer_version_elsewhere(self) -> bool:
        """Whether another desktop of the company has a newer version of the app (as the
        server last said): this one should be updated."""
        return self.transporte.newer_version_elsewhere()

    # --- the server ----------------------------------------------------------------------------

    def sesion(self) -> tuple[requests.Session, str]:
        """An HTTP session to the configured server with this desktop's token (and its base
        URL), for a request of another service (services/sync/actualizacion.py)."""
        return self.transporte.abrir()

    def consultar(self, ruta: str) -> dict[str, Any]:
        """GET ``ruta`` of the configured server: its JSON answer, or a SyncError (Spanish)."""
        http, base = self.transporte.abrir()
        with http:
            return self.transporte.call(http, "GET", f"{base}{ruta}")

    def test_connection(
        self, url: str | None = None, token: str | None = None, verify: bool | None = None
    ) -> str:
        """Ask the server who we are; the Spanish answer for «Probar conexión»."""
        url = check_url(url) if url is not None else self.settings.url
        http, base = self.transporte.abrir(url, token, verify)
        with http:
            info = self.transporte.call(http, "GET", f"{base}/v1/estado")
        text = (
            f"Conexión correcta con el servidor de sincronización: empresa {info.get('empresa')}, "
            f"escritorio «{info.get('escritorio')}»."
        )
        return f"{text} {ACTUALIZAR}" if self.newer_version_elsewhere() else text

    # --- synchronize ---------------------------------------------------------------------------

    def synchronize(
        self, progress: Progress | None = None, aviso: Aviso | None = None
    ) -> SyncResult:
        """Push local changes, pull remote ones, record conflicts. Raises SyncError (Spanish).
        ``aviso`` hears what the clerk reads meanwhile («Recibidos 12,000 de 32,000»)."""
        if not self.is_configured():
            raise SyncError(
                "sin_configurar",
                "La sincronización no está configurada: captura el servidor y el token en "
                "Configuración > Sincronización.",
            )
        report = progress or (lambda _done, _total: None)
        self.conflictos.sincronizado()  # what a sync sends and receives is never undone
        # The kept sums and counts recounted first when they cannot be trusted: the push
        # finds the rows to send by the unsent counts, the drift check compares the sums.
        recontado = self.recuento.antes_de_sincronizar()
        http, base = self.transporte.abrir()
        try:
            # (leaving the block waits for the indexes a big pull builds at its end
            # while the drift check reads: store/bulk_indexes.py)
            with http, ThreadPoolExecutor(1, "sync-indices") as builder:
                say = aviso or (lambda _texto: None)
                joined = self.intercambio.join(http, base, report, builder, say)
                sent, conflicts = self.intercambio.push(http, base, report, say)
                if conflicts:  # the new conflicts go now: the other side hears of them sooner
                    sent += self.intercambio.push(http, base, report)[0]
                # What came meanwhile is written once the joining pull's indexes are built:
                # their build holds the write lock longer than the busy timeout at a million.
                builder.submit(_nada).result()
                pulled = self.intercambio.pull(http, base, sent, report, builder, say)
                verified = Comparacion(None)
                try:
                    verified = self.verificacion.verify(http, base, report, pulled, recontado)
                except SyncError as exc:  # sent and received: the check waits for next time
                    log.warning("Verificación con el servidor no terminada: %s", exc.message)
                catalogo = self._catalogo.sincronizar(http, base) if self._catalogo else ""
                if self._inhabiles is not None:
                    self._inhabiles.sincronizar(http, base)
                if self._certificados_sat is not None:
                    self._certificados_sat.sincronizar(http, base)
        except SyncError as exc:
            self.estado.escribir(last_result="sin_conexion" if exc.offline else "error")
            raise
        now = self._clock()
        # Written once the indexes a big pull builds are done: their build holds the store's
        # write lock meanwhile (a million rows' take longer than the busy timeout).
        done = {} if verified.at is None else {"verified_at": verified.at}
        if verified.at is not None:  # compared: «Distinto del servidor» until they match
            done["distinto"] = "" if verified.at else "1"
        if catalogo:
            done["last_catalogo"] = f"{catalogo.rstrip('.')}, el {texto_del_centro(now)}."
        if self._catalogo is not None:
            done.update(self._catalogo.por_escribir())
        self.estado.escribir(last_result="ok", last_sync_at=now.isoformat(), **done)
        # The constancias of rows presentada before the current checks, judged as a pull's.
        refused = joined.refused + pulled.refused + self._constancias_guardadas(now)
        resultado = SyncResult(
            sent,
            joined.applied + pulled.applied,
            # (never below 0: a pull that settled refusals of an earlier sync counts them off)
            max(0, conflicts + joined.conflicts + pulled.conflicts),
            now,
            self.newer_version_elsewhere(),
            catalogo,
            tuple(dict.fromkeys(refused)),  # a row refused twice (a page again) said once
            self.verificacion.reparado,
            verified.aviso,
        )
        # Rows received may be of any synced table; new conflicts only add to their list.
        self._store.cambios.anunciar(
            TODO if resultado.recibidos else {CONFLICTOS} if resultado.conflictos else ()
        )
        return resultado

    def _constancias_guardadas(self, now: datetime) -> tuple[str, ...]:
        """What to tell of the stored constancias of Presentada rows that the current checks,
        which had not verified them yet, refuse (services/informativa/constancias_guardadas.py);
        each audited as a refused pulled row is."""
        from icsoe_desktop.services.informativa.constancias_guardadas import comprobar

        return comprobar(self._store, now)


def _nada() -> None:
    """Submitted to wait for what the index builder was given before it."""
