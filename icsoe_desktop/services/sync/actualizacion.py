"""New versions from the company's sync server: IT publishes an installer there (``python -m
icsoe_desktop.sync_server instalador publicar``). The Windows installation downloads a newer
one in the background (:meth:`ActualizacionService.preparar`, once per version and SHA-256,
into the data folder's ``actualizaciones``), checks its SHA-256 against what the server
announced and its Authenticode signature against the publisher certificate this installation
pins (services/sync/autenticode.py: the server is not trusted to say who made the file, nor
its version), and only then says «Hay una versión nueva (X.Y.Z)». When the user accepts, the
kept file is checked again and run silently (the Inno Setup installer replaces the program in
place and leaves the data folder alone), then the app quits. A refused installer is
remembered (never downloaded again while the server keeps it and the pinned publishers are
the same), audited once and logged.

Run from the source code (Linux), the app offers what the server announces and, asked to
install it, says updates are the Windows installation's and changes nothing. ``requests`` is
imported on first use (start-up time).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import icsoe_desktop
from icsoe_desktop.domain import versiones
from icsoe_desktop.domain.errors import DomainError, OperacionCancelada
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.sync.servicio import SyncService
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:  # imported on first use (start-up time)
    import requests
    from cryptography import x509

log = logging.getLogger(__name__)

# installer/icsoe-desktop.iss: its AppId, under which Setup records the installed version.
UNINSTALL_KEY = (
    r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
    r"\{F424B6A4-486B-49F9-84BC-36DB21D4D3CD}_is1"
)
# Inno Setup's own switches: a progress window and no question (the user accepted already);
# the running app is closed if still open. /REABRIR: the script starts the app again at the end.
SILENCIOSO = ["/SILENT", "/SUPPRESSMSGBOXES", "/CLOSEAPPLICATIONS", "/NORESTART", "/CURRENTUSER"]
REABRIR = "/REABRIR"
TROZO = 1024 * 1024
SOLO_WINDOWS = (
    "Las actualizaciones se instalan en la instalación de Windows de icsoe-desktop (la del "
    "instalador). Este equipo la ejecuta desde el código fuente: actualízalo como se instaló "
    "(git pull y pip install); no se cambió nada."
)

_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_BYTES = 1024 * 1024 * 1024  # what the server accepts to publish (sync_server/instalador.py)
# The data folder's subfolder where checked installers wait to be run (one per SHA-256).
CARPETA = "actualizaciones"
RECHAZADAS = "rechazadas.json"
PARCIAL = ".parcial"
# Failures that say nothing of the file (the connection, the server, this disk, a sync): tried
# again after the next sync, never remembered as a refusal.
_PASAJEROS = frozenset(
    {"sin_conexion", "descarga_rechazada", "descarga_no_guardada", "descarga_pausada"}
)

Progress = Callable[[int, int], None]


class ActualizacionError(DomainError):
    """The new version could not be downloaded, checked or started (Spanish message)."""


class DescargaPausada(ActualizacionError):
    """A sync started: the download stopped where it was, resumed after the sync."""


class VersionRechazada(ActualizacionError):
    """The server's installer of ``version`` failed its check (signature, or not the file
    announced): remembered, not downloaded again."""

    def __init__(self, version: str, code: str, message: str) -> None:
        super().__init__(code, message)
        self.version = version

    @property
    def aviso(self) -> str:
        """The status bar's short notice (shown to an administrator)."""
        if self.code == "sha256_distinto":
            return (
                f"El servidor ofrece la versión {self.version}, pero entrega un archivo distinto "
                "del que anunció; no se instalará."
            )
        return (
            f"El servidor ofrece la versión {self.version}, pero no está firmada por el editor "
            "que esta instalación reconoce; no se instalará."
        )


@dataclass(frozen=True)
class VersionNueva:
    version: str
    sha256: str
    tamano: int

    @property
    def texto(self) -> str:
        return f"Hay una versión nueva ({self.version})"


def _rechazada(response: requests.Response) -> ActualizacionError:
    """The server's refusal of the download, in its own words when it gave them."""
    log.warning("Descarga del instalador: HTTP %s", response.status_code)
    try:
        mensaje = response.json().get("mensaje")
    except (ValueError, AttributeError):
        mensaje = None
    return ActualizacionError(
        "descarga_rechazada",
        str(mensaje)
        if mensaje
        else f"El servidor no entregó el instalador (HTTP {response.status_code}): busca la "
        "versión nueva otra vez más tarde.",
    )


def _anuncio_invalido(answer: object) -> ActualizacionError:
    log.warning("Anuncio de instalador ilegible: %r", answer)
    return ActualizacionError(
        "anuncio_invalido",
        "El servidor anunció una versión nueva que no se puede leer; avisa al administrador "
        "del servidor.",
    )


def _sha256_de(ruta: Path) -> str:
    digest = hashlib.sha256()
    with ruta.open("rb") as archivo:
        while trozo := archivo.read(TROZO):
            digest.update(trozo)
    return digest.hexdigest()


def _si(pregunta: Callable[[], bool] | None) -> bool:
    return pregunta is not None and pregunta()


def es_instalacion_windows() -> bool:
    """The app runs from its Windows installation (the PyInstaller bundle), not from source."""
    return sys.platform == "win32" and bool(getattr(sys, "frozen", False))


def version_instalada() -> str:
    """This installation's version: what its installer recorded for Windows' list of programs
    when this is the installed copy (the installer's stamp, which is what a newer one
    replaces), else the package's."""
    if sys.platform == "win32" and es_instalacion_windows():
        import os
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY) as key:
                version = str(winreg.QueryValueEx(key, "DisplayVersion")[0])
                carpeta = str(winreg.QueryValueEx(key, "InstallLocation")[0])
        except OSError:
            return icsoe_desktop.__version__
        aqui = os.path.normcase(str(Path(sys.executable).resolve().parent))
        if os.path.normcase(str(Path(carpeta).resolve())) == aqui:
            try:
                return versiones.revisar(version)
            except DomainError:
                log.warning("Versión instalada ilegible en el registro: %r", version)
    return icsoe_desktop.__version__


class ActualizacionService:
    def __init__(
        self,
        sync: SyncService,
        permisos: Permisos,
        store: Store,
        audit: AuditService,
        carpeta: Path,
        version: str | None = None,
        editores: Sequence[x509.Certificate] | None = None,
        revisar_antes: bool | None = None,
    ) -> None:
        """``carpeta``: where checked installers are kept (the data folder's
        ``actualizaciones``). ``editores``: the publisher certificates an installer must be
        signed under; by default the ones pinned in the program folder
        (autenticode.editores_fijados). ``revisar_antes``: download and check a new version
        before offering it; by default on the Windows installation only."""
        self._sync = sync
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self.carpeta = carpeta
        self.version = version or version_instalada()
        self._editores = editores
        self.revisar_antes = es_instalacion_windows() if revisar_antes is None else revisar_antes

    def buscar(self) -> VersionNueva | None:
        """The server's installer when it is newer than this installation; None when it is
        not, when none is published, or when sync is not configured. Raises SyncError
        (Spanish) when the server cannot be asked."""
        if not self._sync.is_configured():
            return None
        answer = self._sync.consultar("/v1/instalador").get("instalador")
        if answer is None:
            return None
        try:
            nueva = VersionNueva(
                versiones.revisar(str(answer["version"])),
                str(answer["sha256"]).lower(),
                int(answer["tamano"]),
            )
        except (KeyError, TypeError, ValueError, DomainError) as exc:
            raise _anuncio_invalido(answer) from exc
        # The SHA-256 names the download's folder and the size bounds what is written: a
        # server's word that is neither is refused, never used.
        if not _SHA256.fullmatch(nueva.sha256) or not 0 < nueva.tamano <= MAX_BYTES:
            raise _anuncio_invalido(answer)
        if not versiones.es_mas_nueva(nueva.version, self.version):
            return None
        return nueva

    def descargar(
        self,
        nueva: VersionNueva,
        carpeta: Path,
        progress: Progress | None = None,
        pausa: Callable[[], bool] | None = None,
        cancelado: Callable[[], bool] | None = None,
    ) -> Path:
        """Download the announced installer into ``carpeta`` and check it against the
        announcement (size and SHA-256), then its signature: a pinned publisher's, for the
        announced version, newer than this installation's. A file that fails any check is
        deleted and refused. What a cut connection, ``pausa()`` (a sync started: DescargaPausada)
        or ``cancelado()`` (the app quits: OperacionCancelada) left is resumed by the next call."""
        destino = carpeta / f"icsoe-desktop-{nueva.version}-instalador.exe"
        # Under another name until whole and as announced: a download cut short is never
        # taken for the checked file.
        parcial = destino.with_name(destino.name + PARCIAL)
        reanudado = self._bajar(nueva, parcial, progress, pausa, cancelado)
        recibido = _sha256_de(parcial)
        recibidos = parcial.stat().st_size
        if recibidos != nueva.tamano or recibido != nueva.sha256:
            parcial.unlink(missing_ok=True)
            if reanudado:  # what this disk kept may be the culprit: once more, whole
                log.info("Descarga reanudada de %s distinta: otra vez completa", nueva.version)
                return self.descargar(nueva, carpeta, progress, pausa, cancelado)
            log.warning(
                "Instalador descartado: %s bytes, SHA-256 %s; se anunciaron %s bytes, %s",
                recibidos,
                recibido,
                nueva.tamano,
                nueva.sha256,
            )
            raise ActualizacionError(
                "sha256_distinto",
                f"El instalador descargado de la versión {nueva.version} no es el que anunció el "
                f"servidor (su SHA-256 no coincide; se recibieron "
                f"{plural(recibidos, 'byte')} de {nueva.tamano:,}). Se borró y no se instaló "
                "nada: avisa al administrador del servidor.",
            )
        parcial.replace(destino)
        self._revisar_firma(nueva, destino)
        return destino

    def _bajar(
        self,
        nueva: VersionNueva,
        parcial: Path,
        progress: Progress | None,
        pausa: Callable[[], bool] | None,
        cancelado: Callable[[], bool] | None,
    ) -> bool:
        """Fill ``parcial`` from the server, from where it stopped when it holds a part (the
        server answers 206) or whole. True when resumed."""
        import requests

        ya = parcial.stat().st_size if parcial.is_file() else 0
        ya = ya if ya < nueva.tamano else 0
        report = progress or (lambda _done, _total: None)
        http, base = self._sync.sesion()
        try:
            with (
                http,
                http.get(
                    f"{base}/v1/instalador/{nueva.sha256}",
                    stream=True,
                    timeout=self._sync.settings.timeout_s,
                    headers={"Range": f"bytes={ya}-"} if ya else {},
                ) as response,
            ):
                reanudado = response.status_code == 206 and response.headers.get(
                    "Content-Range", ""
                ).startswith(f"bytes {ya}-")
                if not reanudado and response.status_code != 200:
                    raise _rechazada(response)
                recibidos = ya if reanudado else 0
                with parcial.open("ab" if reanudado else "wb") as archivo:
                    for trozo in response.iter_content(TROZO):
                        if _si(cancelado):
                            raise OperacionCancelada
                        if _si(pausa):
                            raise DescargaPausada(
                                "descarga_pausada",
                                "La descarga de la versión nueva espera a que termine la "
                                "sincronización.",
                            )
                        recibidos += len(trozo)
                        if recibidos > nueva.tamano:
                            break
                        archivo.write(trozo)
                        report(recibidos, nueva.tamano)
        except requests.RequestException as exc:
            log.info("Descarga del instalador interrumpida (se reanudará): %s", exc)
            raise ActualizacionError(
                "sin_conexion",
                "Se perdió la conexión con el servidor mientras se descargaba la versión nueva; "
                "no se instaló nada. Inténtalo de nuevo.",
            ) from exc
        except OSError as exc:
            parcial.unlink(missing_ok=True)
            log.warning("No se pudo guardar el instalador en %s: %s", parcial, exc)
            raise ActualizacionError(
                "descarga_no_guardada",
                f"No se pudo guardar la versión nueva en {parcial.parent}: "
                f"{motivo_os(exc)}. No se instaló nada.",
            ) from exc
        except ActualizacionError as exc:
            if not isinstance(exc, DescargaPausada):
                parcial.unlink(missing_ok=True)
            raise
        return reanudado

    def _fijados(self) -> Sequence[x509.Certificate]:
        from icsoe_desktop.services.sync import autenticode

        if self._editores is None:
            self._editores = autenticode.editores_fijados()
        return self._editores

    def _revisar_firma(self, nueva: VersionNueva, destino: Path) -> None:
        from icsoe_desktop.services.sync import autenticode

        try:
            firma = autenticode.revisar(destino, self._fijados(), datetime.now(UTC))
            if firma.version != nueva.version or not versiones.es_mas_nueva(
                firma.version, self.version
            ):
                raise autenticode.FirmaRechazada(
                    "version_firmada_distinta",
                    f"El instalador descargado dice ser la versión {firma.version}, no la "
                    f"{nueva.version} que anunció el servidor (esta instalación tiene la "
                    f"{self.version}). Se borró y no se instaló nada: avisa al administrador "
                    "del servidor.",
                )
        except autenticode.FirmaRechazada as exc:
            destino.unlink(missing_ok=True)
            log.warning("Instalador %s rechazado (%s): %s", nueva.version, exc.code, exc.message)
            raise ActualizacionError(exc.code, exc.message) from exc
        log.info(
            "Instalador %s firmado por %s (editor %s)", firma.version, firma.firmante, firma.editor
        )

    def _huella_editores(self) -> str:
        """What a remembered refusal was judged against: another pinned publisher (IT set
        the company's certificate since) judges the file again."""
        from cryptography.hazmat.primitives import hashes

        huellas = sorted(c.fingerprint(hashes.SHA256()).hex() for c in self._fijados())
        return hashlib.sha256(",".join(huellas).encode()).hexdigest()

    def _rechazadas(self) -> dict[str, dict[str, str]]:
        try:
            leidas = json.loads((self.carpeta / RECHAZADAS).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # Forgetting a refusal costs one more download and check, never an installation.
            log.warning("Lista de instaladores rechazados ilegible: %s", exc)
            return {}
        return leidas if isinstance(leidas, dict) else {}

    def rechazo_recordado(self, nueva: VersionNueva) -> VersionRechazada | None:
        """The refusal of this very installer (version and SHA-256) against the publishers
        pinned now, when it was refused before."""
        anotado = self._rechazadas().get(nueva.sha256)
        if not isinstance(anotado, dict) or anotado.get("editores") != self._huella_editores():
            return None
        return VersionRechazada(
            nueva.version, str(anotado.get("codigo", "")), str(anotado.get("mensaje", ""))
        )

    def _recordar_rechazo(self, nueva: VersionNueva, exc: ActualizacionError) -> VersionRechazada:
        rechazadas = self._rechazadas()
        rechazadas[nueva.sha256] = {
            "version": nueva.version,
            "codigo": exc.code,
            "mensaje": exc.message,
            "editores": self._huella_editores(),
        }
        try:
            (self.carpeta / RECHAZADAS).write_text(
                json.dumps(rechazadas, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        except OSError as exc_io:
            log.warning("No se pudo anotar el instalador rechazado: %s", exc_io)
        self._audit.anotar(
            None, "actualizacion_rechazada", nueva.version, f"{exc.code}; {nueva.sha256}"
        )
        log.warning(
            "Versión %s del servidor rechazada y anotada (%s): %s",
            nueva.version,
            exc.code,
            exc.message,
        )
        return VersionRechazada(nueva.version, exc.code, exc.message)

    def preparar(
        self,
        nueva: VersionNueva,
        progress: Progress | None = None,
        pausa: Callable[[], bool] | None = None,
        cancelado: Callable[[], bool] | None = None,
    ) -> Path:
        """The announced installer, downloaded once into this installation's folder and
        checked (SHA-256 and signature; again each time it is asked for). VersionRechazada
        when it fails a check, now or before (then nothing is downloaded);
        ActualizacionError when it could not be downloaded (asked again later)."""
        recordado = self.rechazo_recordado(nueva)
        if recordado is not None:
            raise recordado
        carpeta = self.carpeta / nueva.sha256
        guardado = carpeta / f"icsoe-desktop-{nueva.version}-instalador.exe"
        try:
            if guardado.is_file():
                self._revisar_guardado(nueva, guardado)
                return guardado
            self._limpiar(nueva.sha256)
            carpeta.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("No se pudo preparar %s: %s", carpeta, exc)
            raise ActualizacionError(
                "descarga_no_guardada",
                f"No se pudo guardar la versión nueva en {carpeta}: {motivo_os(exc)}. "
                "No se instaló nada.",
            ) from exc
        try:
            return self.descargar(nueva, carpeta, progress, pausa, cancelado)
        except ActualizacionError as exc:
            if exc.code in _PASAJEROS:
                raise
            raise self._recordar_rechazo(nueva, exc) from exc

    def _revisar_guardado(self, nueva: VersionNueva, guardado: Path) -> None:
        """The kept file again: still the bytes announced, still signed as it must be."""
        if _sha256_de(guardado) != nueva.sha256:
            guardado.unlink(missing_ok=True)
            log.warning("Instalador guardado %s cambiado en el disco: borrado", guardado)
            raise ActualizacionError(
                "instalador_cambiado",
                f"El instalador de la versión {nueva.version} guardado en este equipo cambió "
                "después de revisarse. Se borró y no se instaló nada; se descargará otra vez "
                "después de la próxima sincronización.",
            )
        try:
            self._revisar_firma(nueva, guardado)
        except ActualizacionError as exc:
            raise self._recordar_rechazo(nueva, exc) from exc

    def _limpiar(self, conservar: str) -> None:
        """Installers of other versions (installed, or replaced on the server) go."""
        if not self.carpeta.is_dir():
            return
        for vieja in self.carpeta.iterdir():
            if vieja.is_dir() and vieja.name != conservar:
                shutil.rmtree(vieja, ignore_errors=True)

    def instalar(
        self,
        nueva: VersionNueva,
        actor: str | None,
        progress: Progress | None = None,
        reabrir: bool = False,
    ) -> Path:
        """Check the new version (downloaded first when it is not kept yet), then start its
        installer silently; the caller quits the app next (the installer closes it if it is
        still open). Returns the installer's log file. From the source code nothing is
        downloaded nor run: a Spanish refusal."""
        self._permisos.exigir(actor, Accion.ACTUALIZAR, nueva.version)
        if not self.revisar_antes:
            raise ActualizacionError("solo_windows", SOLO_WINDOWS)
        instalador = self.preparar(nueva, progress)
        if not es_instalacion_windows():
            raise ActualizacionError("solo_windows", SOLO_WINDOWS)
        bitacora = instalador.parent / "instalacion.log"
        args = [str(instalador), *SILENCIOSO, f"/LOG={bitacora}", *([REABRIR] if reabrir else [])]
        with self._store.session() as session:
            self._audit.record(
                session, actor, "actualizacion_instalada", nueva.version, f"desde {self.version}"
            )
        try:
            # Its own process, not the app's child: it outlives the app, which quits now.
            subprocess.Popen(
                args,
                creationflags=getattr(subprocess, "DETACHED_PROCESS", 0)
                | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
                close_fds=True,
            )
        except OSError as exc:
            log.error("No se pudo iniciar el instalador %s: %s", instalador, exc)
            raise ActualizacionError(
                "instalador_no_inicio",
                f"No se pudo iniciar el instalador de la versión {nueva.version} ({instalador}): "
                f"{motivo_os(exc)}.",
            ) from exc
        log.info("Instalador de la versión %s iniciado: %s", nueva.version, instalador)
        return bitacora
