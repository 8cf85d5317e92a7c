"""The catalogue of códigos postales shared through the company's sync server: every desktop of
the company ends up with the one IT loaded last, on one desktop (``sepomex cargar``) or on the
server (``python -m icsoe_desktop.sync_server sepomex cargar``).

Every answer of the server names the company's catalogue (``X-Icsoe-Sepomex``: its huella and
when it was loaded), so an idle sync compares it with this installation's and asks nothing
more. When they differ, at the end of a sync:

- a catalogue loaded on this installation that the server never held goes up (``PUT
  /v1/sepomex``) when it is the later load, or when this empresa's server still holds the one
  this installation last agreed with (loaded after it, whatever the clocks say). Only a load of
  this installation's administrator goes up: one received from a server or shipped with the app
  is never sent anywhere;
- otherwise the server's, when it is the later load or the one this installation agreed with
  has been replaced there, comes down (``GET /v1/sepomex``, a zip streamed to a file beside the
  catalogue) and replaces the catalogue as a load does, at once and only once it is whole and
  is the catalogue the server named.

``sepomex_acordado`` (the empresa store's sync state) keeps the huella this installation and
this empresa's server last had in common; the sync writes it with its other states once its
requests are done (the indexes a big pull builds hold the store's write lock until then). A
failure here never fails the sync: it is logged and tried again at the next one.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop import temporales
from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.catalogos.sepomex_paquete import NINGUNO, Version
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.services.sync.transporte import SyncError, Transporte
from icsoe_desktop.store import cifrado

if TYPE_CHECKING:
    import requests

    from icsoe_desktop.services.catalogos.codigos_postales import (
        CodigosPostalesService,
        VersionLocal,
    )

log = logging.getLogger(__name__)

ACORDADO = "sepomex_acordado"
TROZO = 256 * 1024


class CatalogoCompartido:
    def __init__(
        self, codigos_postales: CodigosPostalesService, transporte: Transporte, estado: EstadoSync
    ) -> None:
        self._codigos = codigos_postales
        self._transporte = transporte
        self._estado = estado
        self._acordado: str | None = None  # ACORDADO as last read or written
        self._por_escribir: str | None = None  # ACORDADO to write once the sync is done

    def sincronizar(self, http: requests.Session, base: str) -> str:
        """Send or receive the catalogue when this installation's and the server's differ;
        what happened, in Spanish ("" when nothing did)."""
        valor = self._transporte.tomar_sepomex()
        if valor is None:
            return ""  # a server that keeps no catalogue
        servidor = Version.de_encabezado(valor)
        if servidor is None and valor.strip() != NINGUNO:
            log.warning("Versión del catálogo de códigos postales ilegible: %r", valor)
            return ""
        local = self._codigos.version()
        if local is not None and servidor is not None and local.version.huella == servidor.huella:
            self._acordar(servidor.huella)
            return ""
        acordado = self._estado.leer(ACORDADO)
        try:
            if self._sube(local, servidor, acordado):
                assert local is not None
                enviado = self._enviar(http, base, local, acordado)
                if enviado:
                    return enviado
                # The server kept a later load, which its answer named: the company's.
                servidor = Version.de_encabezado(self._transporte.tomar_sepomex()) or servidor
                if servidor is not None:
                    return self._recibir(http, base, servidor)
            if servidor is not None and (
                local is None
                or local.version.huella == acordado
                or servidor.mas_reciente_que(local.version)
            ):
                return self._recibir(http, base, servidor)
        except DomainError as exc:  # SyncError too: the sync itself is done
            log.warning("Catálogo de códigos postales no sincronizado: %s", exc.message)
        except (OSError, cifrado.Error):  # the catalogue's folder: this desktop's to mend
            log.exception("Catálogo de códigos postales no sincronizado")
        return ""

    @staticmethod
    def _sube(local: VersionLocal | None, servidor: Version | None, acordado: str) -> bool:
        """Whether this installation's catalogue goes up: loaded here, never held by the
        server, and loaded after the server's (or the server still holds the one this
        installation last had in common with it); or the server has none."""
        if local is None or not local.cargado_aqui:
            return False
        if servidor is None:
            return True
        return local.version.huella != acordado and (
            servidor.huella == acordado or local.version.mas_reciente_que(servidor)
        )

    def _acordar(self, huella: str) -> None:
        if self._acordado == huella:
            return  # an idle sync: not even a read of the store
        if self._estado.leer(ACORDADO) != huella:
            self._por_escribir = huella
        else:
            self._acordado = huella

    def por_escribir(self) -> dict[str, str]:
        """The sync state to write at the end of the sync (and then taken as written)."""
        huella, self._por_escribir = self._por_escribir, None
        if huella is None:
            return {}
        self._acordado = huella
        return {ACORDADO: huella}

    def _enviar(self, http: requests.Session, base: str, local: VersionLocal, acordado: str) -> str:
        """This installation's load up to the server; "" when the server kept a later one."""
        # In this run's temporary folder (temporales.py): a kill leaves nothing in the data dir.
        carpeta = temporales.propia() or self._codigos.path.parent
        with tempfile.TemporaryDirectory(prefix="sepomex-", dir=carpeta) as d:
            archivo = Path(d) / "CPdescarga.zip"
            exportado = self._codigos.exportar(archivo)
            if exportado is None:  # removed meanwhile
                return ""
            local = exportado
            headers = {sync_wire.SEPOMEX_FECHA_HEADER: local.version.fecha.isoformat()}
            if acordado:
                headers[sync_wire.SEPOMEX_BASE_HEADER] = acordado
            # In memory (about 1.5 MB): a request sent once more on a dropped connection
            # sends it whole again.
            respuesta = self._transporte.call(
                http, "PUT", f"{base}/v1/sepomex", data=archivo.read_bytes(), headers=headers
            )
        if not respuesta.get("publicado"):
            log.info("El servidor conservó su catálogo de códigos postales, más reciente")
            return ""
        self._acordar(local.version.huella)
        texto = f"Catálogo de códigos postales enviado al servidor: {plural(local.codigos_postales, 'código')}."
        log.info(texto)
        return texto

    def _recibir(self, http: requests.Session, base: str, servidor: Version) -> str:
        import requests

        carpeta = self._codigos.path.parent
        carpeta.mkdir(parents=True, exist_ok=True)
        temporal = temporales.propia() or carpeta  # as _enviar's
        with tempfile.TemporaryDirectory(prefix="sepomex-", dir=temporal) as d:
            archivo = Path(d) / "CPdescarga.zip"
            respuesta = self._transporte.send(http, "GET", f"{base}/v1/sepomex", stream=True)
            with respuesta:
                anunciada = Version.de_encabezado(respuesta.headers.get(sync_wire.SEPOMEX_HEADER))
                servidor = anunciada or servidor
                suma = hashlib.sha256()  # for the log: which zip came
                try:
                    with archivo.open("wb") as destino:
                        for pieza in respuesta.iter_content(TROZO):
                            suma.update(pieza)
                            destino.write(pieza)
                except OSError as exc:
                    raise DomainError(
                        "sepomex_no_guardado",
                        f"No se pudo guardar el catálogo de códigos postales recibido en "
                        f"{carpeta}: {motivo_os(exc)}.",
                    ) from exc
                except requests.RequestException as exc:  # the answer cut mid-way
                    raise SyncError(
                        "sin_conexion",
                        "El catálogo de códigos postales llegó incompleto; se pedirá de nuevo.",
                        offline=True,
                    ) from exc
            codigos = self._codigos.recibir(archivo, servidor)
        self._acordar(servidor.huella)
        texto = f"Catálogo de códigos postales recibido del servidor: {plural(codigos, 'código')}."
        log.info("%s (zip %s)", texto, suma.hexdigest()[:12])
        return texto
