"""New versions from the company's sync server: IT publishes an installer there (``python -m
icsoe_desktop.sync_server instalador publicar``); a desktop of an older version says «Hay una
versión nueva (X.Y.Z)» and, when the user accepts, downloads it, checks its SHA-256 against
what the server announced and its Authenticode signature against the publisher certificate
this installation pins (services/sync/autenticode.py: the server is not trusted to say who
made the file, nor its version), and runs it silently (the Inno Setup installer replaces the
program in place and leaves the data folder alone), then the app quits.

Only the Windows installation updates itself: run from the source code (Linux), the app says
so and changes nothing. ``requests`` is imported on first use (start-up time).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import icsoe_desktop
from icsoe_desktop.domain import versiones
from icsoe_desktop.domain.errors import DomainError
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

Progress = Callable[[int, int], None]


class ActualizacionError(DomainError):
    """The new version could not be downloaded, checked or started (Spanish message)."""


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
        version: str | None = None,
        editores: Sequence[x509.Certificate] | None = None,
    ) -> None:
        """``editores``: the publisher certificates an installer must be signed under; by
        default the ones pinned in the program folder (autenticode.editores_fijados)."""
        self._sync = sync
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self.version = version or version_instalada()
        self._editores = editores

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
            log.warning("Anuncio de instalador ilegible: %r (%s)", answer, exc)
            raise ActualizacionError(
                "anuncio_invalido",
                "El servidor anunció una versión nueva que no se puede leer; avisa al "
                "administrador del servidor.",
            ) from exc
        if len(nueva.sha256) != 64 or not versiones.es_mas_nueva(nueva.version, self.version):
            return None
        return nueva

    def descargar(
        self, nueva: VersionNueva, carpeta: Path, progress: Progress | None = None
    ) -> Path:
        """Download the announced installer into ``carpeta`` and check it against the
        announcement (size and SHA-256), then its signature: a pinned publisher's, for the
        announced version, newer than this installation's. A file that fails any check is
        deleted and refused."""
        import requests

        destino = carpeta / f"icsoe-desktop-{nueva.version}-instalador.exe"
        digest = hashlib.sha256()
        recibidos = 0
        report = progress or (lambda _done, _total: None)
        http, base = self._sync.sesion()
        try:
            with (
                http,
                http.get(
                    f"{base}/v1/instalador/{nueva.sha256}",
                    stream=True,
                    timeout=self._sync.settings.timeout_s,
                ) as response,
            ):
                if response.status_code != 200:
                    raise _rechazada(response)
                with destino.open("wb") as archivo:
                    for trozo in response.iter_content(TROZO):
                        recibidos += len(trozo)
                        if recibidos > nueva.tamano:
                            break
                        digest.update(trozo)
                        archivo.write(trozo)
                        report(recibidos, nueva.tamano)
        except requests.RequestException as exc:
            destino.unlink(missing_ok=True)
            log.info("Descarga del instalador interrumpida: %s", exc)
            raise ActualizacionError(
                "sin_conexion",
                "Se perdió la conexión con el servidor mientras se descargaba la versión nueva; "
                "no se instaló nada. Inténtalo de nuevo.",
            ) from exc
        except OSError as exc:
            destino.unlink(missing_ok=True)
            log.warning("No se pudo guardar el instalador en %s: %s", destino, exc)
            raise ActualizacionError(
                "descarga_no_guardada",
                f"No se pudo guardar la versión nueva en {carpeta}: {exc.strerror or exc}. "
                "No se instaló nada.",
            ) from exc
        except ActualizacionError:
            destino.unlink(missing_ok=True)
            raise
        if recibidos != nueva.tamano or digest.hexdigest() != nueva.sha256:
            destino.unlink(missing_ok=True)
            log.warning(
                "Instalador descartado: %s bytes, SHA-256 %s; se anunciaron %s bytes, %s",
                recibidos,
                digest.hexdigest(),
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
        self._revisar_firma(nueva, destino)
        return destino

    def _revisar_firma(self, nueva: VersionNueva, destino: Path) -> None:
        from icsoe_desktop.services.sync import autenticode

        editores = self._editores
        if editores is None:
            editores = autenticode.editores_fijados()
        try:
            firma = autenticode.revisar(destino, editores, datetime.now(UTC))
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

    def instalar(
        self,
        nueva: VersionNueva,
        actor: str | None,
        progress: Progress | None = None,
        reabrir: bool = False,
    ) -> Path:
        """Download and check the new version, then start its installer silently; the caller
        quits the app next (the installer closes it if it is still open). Returns the
        installer's log file. On Linux (from source) nothing is done: a Spanish refusal."""
        self._permisos.exigir(actor, Accion.ACTUALIZAR, nueva.version)
        if not es_instalacion_windows():
            raise ActualizacionError("solo_windows", SOLO_WINDOWS)
        carpeta = Path(tempfile.mkdtemp(prefix="icsoe-desktop-actualizacion-"))
        try:
            instalador = self.descargar(nueva, carpeta, progress)
        except BaseException:
            shutil.rmtree(carpeta, ignore_errors=True)
            raise
        bitacora = carpeta / "instalacion.log"
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
                f"{exc.strerror or exc}.",
            ) from exc
        log.info("Instalador de la versión %s iniciado: %s", nueva.version, instalador)
        return bitacora
