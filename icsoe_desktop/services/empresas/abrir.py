"""Opening an empresa, and leaving it: the checks its file goes through before any service
works on it. A restore interrupted there is undone, or finished (services/respaldo/
restauracion.py); its audit chain is walked against the links the installation recorded
outside it (services/empresas/bitacora.py), so an altered one opens read-only and its link is
never taken; a chain made before the installation's key goes on keyed; the store is migrated and
named in the catalog. ``reparar`` of a file the opening cannot read rescues it first, and the
rescued chain becomes the empresa's when it holds what the installation recorded. As the store
is left, its last link is recorded again.

The container (services/container.py) only wires: it holds what ``abrir`` returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.bitacora import con_llave
from icsoe_desktop.domain.cambios import Oyente
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services import acuses_stps
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService, Integridad, verificar_bitacora
from icsoe_desktop.services.empresas.accesos import AccesosService
from icsoe_desktop.services.empresas.bitacora import CabezasBitacora
from icsoe_desktop.services.empresas.servicio import EmpresaInfo, EmpresasService
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:
    from icsoe_desktop.services.respaldo.reparacion import ArchivoRevisado
    from icsoe_desktop.services.respaldo.restauracion import Interrumpida
    from icsoe_desktop.services.sync.servicio import SyncService

log = logging.getLogger(__name__)

AUDIT_CON_LLAVE = "bitacora_con_llave"
MSG_CON_LLAVE = (
    "desde esta entrada la bitácora se encadena con la llave de esta instalación (en el llavero "
    "del sistema)"
)


@dataclass(frozen=True)
class Abierta:
    """An empresa opened: its store, the audit and the permissions its services enforce (the
    role matrix and the user's grant of this empresa, read at every protected action), and
    the folder of its own settings."""

    empresa: EmpresaInfo
    store: Store
    audit: AuditService
    permisos: Permisos
    carpeta: Path


def marcar_llave(audit: AuditService, path: Path, vacia: bool = False) -> bool:
    """A chain made before the installation's key (its last link keyless) goes on keyed from a
    first entry that says so: from it on, a keyless link is one made without the key
    (domain/bitacora.py). ``vacia``: also a chain with no entry yet (the catalog's: its keyed
    entry is how a key that goes missing is known). True when it was written."""
    cabeza = audit.cabeza()
    if cabeza is None and not vacia:
        return False
    if (cabeza is not None and con_llave(cabeza.hash)) or plain.llave_bitacora(path) is None:
        return False
    audit.anotar(None, AUDIT_CON_LLAVE, path.name, MSG_CON_LLAVE)
    return True


class AperturaEmpresas:
    """Opens the installation's empresas; ``avisos`` gathers what an opening did that the user
    must hear of (an interrupted restore finished or undone, a copy of a link unreadable)."""

    def __init__(
        self,
        empresas: EmpresasService,
        accesos: AccesosService,
        cabezas: CabezasBitacora,
        audit_instalacion: AuditService,
        clock: Clock,
        anunciar: Oyente,
        avisos: list[str],
    ) -> None:
        self._empresas, self._accesos, self._cabezas = empresas, accesos, cabezas
        self._audit_instalacion, self._clock = audit_instalacion, clock
        self._anunciar, self._avisos = anunciar, avisos

    def abrir(self, empresa: EmpresaInfo) -> Abierta:
        """``empresa``'s store, checked and opened (a damaged file raises, nothing changed)."""
        from icsoe_desktop.services.respaldo import restauracion

        path = self._empresas.ruta(empresa)
        # A restore interrupted here is undone, or found done, before the store opens.
        interrumpida = restauracion.revisar(path)
        # Its audit chain against the links recorded outside it, before anything is written.
        try:
            integridad = self._cabezas.verificar(empresa.id, path)
            if interrumpida is not None and interrumpida.completada and integridad.anterior:
                # A restore finished now may bring an older chain (an older backup), as the
                # restore itself accepts; never a broken or rewritten one (a forged marker).
                integridad = verificar_bitacora(path)
        except cifrado.Error as exc:
            Store(path).close()  # a damaged file raises here, saying so
            log.error("No se pudo leer la bitácora de %s: %r", path, exc)
            integridad = Integridad(0, None, "no se pudo leer para revisarla")
        solo_lectura = "" if integridad.integra else self._cabezas.alterada(empresa, integridad)
        if integridad.integra and integridad.aviso:
            self._avisos.append(self._cabezas.copia_ilegible(empresa, integridad))
        store = Store(path, solo_lectura=solo_lectura)  # a damaged file raises: nothing changed
        try:
            return self._abierta(empresa, store, interrumpida, integridad)
        except BaseException:  # (a row the opening reads is damaged: the file is left free)
            store.close()
            raise

    def _abierta(
        self,
        empresa: EmpresaInfo,
        store: Store,
        interrumpida: Interrumpida | None,
        integridad: Integridad,
    ) -> Abierta:
        """The opened ``store`` made ready, once every read of the opening went through."""
        store.cambios.escuchar(self._anunciar)
        store.clock = self._clock  # what stamps each change
        audit = AuditService(store, self._clock, self._audit_instalacion)
        permisos = self._accesos.permisos_de(empresa)
        if interrumpida is not None and not store.solo_lectura:  # an altered one is not written
            from icsoe_desktop.services.empresas.respaldo import terminar_interrumpida

            self._avisos.append(
                terminar_interrumpida(
                    interrumpida, store, audit, self._empresas, self._cabezas, empresa.id
                )
            )
        nombrada = self._empresas.nombrar(empresa, store)
        if interrumpida is None:
            marcada = integridad.integra and not store.solo_lectura
            if marcada and marcar_llave(audit, store.path):
                integridad = verificar_bitacora(store.path, self._cabezas.registradas(empresa.id))
            self._cabezas.tomar(empresa.id, integridad)  # whole: recorded as it opens
        carpeta = self._empresas.carpeta(empresa)
        acuses_stps.sellar_en_claro(carpeta / acuses_stps.CARPETA)  # those kept in clear before
        if not store.solo_lectura:  # the SISUB guides kept beside the settings, into the store
            from icsoe_desktop.services.sisub.guia import Guias

            Guias(store, audit, self._clock).trasladar(carpeta)
        return Abierta(nombrada, store, audit, permisos, carpeta)

    def rescatar_antes(self, empresa: EmpresaInfo, actor: str) -> ArchivoRevisado | None:
        """``reparar`` of a file the opening cannot read (its schema revision, the empresa's
        row, its audit chain): rescued with the standard library before the empresa opens."""
        from icsoe_desktop.domain.roles import Accion
        from icsoe_desktop.services.respaldo.reparacion import rescatar_archivo

        self._accesos.permisos_de(empresa).exigir(actor, Accion.RESTAURAR, "reparar")
        path = self._empresas.ruta(empresa)
        if not path.exists():  # (the opening finds why: a restore interrupted, or a new store)
            return None
        rescatado = rescatar_archivo(path, actor)
        if rescatado.rescate is not None:  # (one not whole: the opening says so)
            self._bitacora_rescatada(empresa, path, actor)
        return rescatado

    def _bitacora_rescatada(
        self, empresa: EmpresaInfo, path: Path, actor: str | None
    ) -> Integridad:
        """A rescued file's audit chain, whole and holding the links the installation recorded
        of it (a chain rewritten before the damage is not laundered by the repair), is the
        empresa's from now on (what the file lost is said by the repair; noted in the catalog's
        audit)."""
        integridad = verificar_bitacora(path, self._cabezas.registradas(empresa.id))
        if integridad.integra:
            self._cabezas.restablecer(empresa.id, integridad.cabeza)
            self._cabezas.anotar(
                actor,
                "base_rescatada",
                empresa.rfc or empresa.archivo,
                f"bitácora rescatada con {plural(integridad.entradas, 'entrada')}",
            )
        return integridad

    def tras_rescate(self, empresa: EmpresaInfo, path: Path, actor: str | None) -> str:
        """The open empresa's file rescued: why it stays read-only ("": its chain is whole)."""
        integridad = self._bitacora_rescatada(empresa, path, actor)
        return "" if integridad.integra else self._cabezas.alterada(empresa, integridad)

    def registrar_cabeza(self, empresa: EmpresaInfo, store: Store) -> None:
        """``store``'s last audit link into the catalog and the keyring, when it opens and as
        it is left, only when the store still holds the links recorded (altered since it
        opened: left, and the links stay as they were)."""
        if store.solo_lectura:
            return
        try:
            integridad = self._cabezas.avanzar(empresa.id, store.path)
        except (DomainError, OSError, cifrado.Error) as exc:
            log.warning("No se registró la bitácora de %s: %s", empresa.etiqueta, exc)
            return
        if not integridad.integra:
            self._cabezas.alterada(empresa, integridad)


def sincronizar_reparada(sync: SyncService) -> str:
    """The sync's words after a repair ("" without sync): its failure too, since the repair
    itself is done by then."""
    from icsoe_desktop.services.sync.transporte import SyncError

    if not sync.is_configured():
        return ""
    try:
        return sync.synchronize().texto
    except SyncError as exc:
        return f"No se pudo sincronizar: {exc.message}"
