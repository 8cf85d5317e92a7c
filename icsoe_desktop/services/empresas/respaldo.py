"""Respaldar / Restaurar of one empresa: its store file, plus the IDSE users who may work in
it (they live in the installation's catalog), so a backup restored on another machine — or in
a new installation — still has someone who can sign in. Users the catalog already has are
left as they are; the others are added, never as administrators, with access to this empresa
only (audited). The open empresa's RFC is the catalog's; a backup of another empresa of the
installation is refused even where the open one has no RFC yet."""

from __future__ import annotations

import logging
from pathlib import Path

from icsoe_desktop.domain.cambios import TODO, anuncia
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService, Cabeza
from icsoe_desktop.services.empresas.bitacora import CabezasBitacora
from icsoe_desktop.services.empresas.servicio import EmpresasService
from icsoe_desktop.services.empresas.usuarios_respaldo import (
    usuarios_al_respaldo,
    usuarios_del_respaldo,
)
from icsoe_desktop.services.respaldo import restauracion
from icsoe_desktop.services.respaldo.backup import (
    BackupError,
    BackupService,
    DatosEmpresa,
    Progress,
    Restaurado,
    marcar,
)
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)


class RespaldoMarcado(BackupError):
    """The backup was written, of an altered store (its audit chain, an IMSS acuse): marked
    (its restore is refused), and the user warned."""


MSG_RESPALDO_MARCADO = (
    "Se guardó el respaldo en «{archivo}», pero {problema}. El respaldo quedó marcado como copia "
    "de una base de datos alterada y no se podrá restaurar. Pide ayuda a soporte."
)


class BackupEmpresa(BackupService):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        empresas: EmpresasService,
        empresa_id: int,
        permisos: Permisos,
        cabezas: CabezasBitacora,
        secrets: SecretsService | None = None,
    ) -> None:
        super().__init__(store, audit, secrets)
        self._empresas, self._empresa_id = empresas, empresa_id
        self._permisos = permisos
        self._cabezas = cabezas
        self._alterada = ""  # the backup being written: its store's chain, altered

    def backup(
        self, destination: Path, actor: str | None, progress: Progress | None = None
    ) -> Path:
        """A backup of an altered store — its chain no longer holds the links recorded, or an
        IMSS acuse is not the one registered — is written all the same (what there is, for
        support), marked, audited, and raised as ``RespaldoMarcado`` (the warning)."""
        # A backup carries every user's password hash and every NSS/CURP of the empresa.
        self._permisos.exigir(actor, Accion.RESPALDAR, Path(destination).name)
        integridad = self._cabezas.verificar(self._empresa_id, self._store.path)
        self._alterada = integridad.problema
        llave = self._llave_nueva()
        try:
            written = self._respaldar(destination, actor, progress, llave)
            usuarios_al_respaldo(self._empresas.catalogo_path, self._empresa_id, written, llave)
            problema = (
                f"la bitácora de la empresa está alterada: {self._alterada}"
                if self._alterada
                else _acuse_alterado(written, llave)
            )
            if not problema:
                return written
            marcar(written, actor, problema, llave)
            self._anotar(actor, "respaldo_marcado", written.name, problema)
        finally:
            self._alterada = ""
        raise RespaldoMarcado(
            "respaldo_marcado", MSG_RESPALDO_MARCADO.format(archivo=written, problema=problema)
        )

    def _anotar(self, actor: str | None, action: str, target: str, detail: str = "") -> None:
        if not self._alterada:
            super()._anotar(actor, action, target, detail)
            return
        # A store found altered is not written: the catalog keeps the trace, naming it.
        empresa = self._empresas.obtener(self._empresa_id)
        self._cabezas.anotar(
            actor,
            action,
            f"{empresa.rfc or empresa.archivo}: {target}",
            "; ".join(filter(None, (detail, f"bitácora alterada: {self._alterada}"))),
        )

    def open_empresa(self) -> DatosEmpresa:
        empresa = self._empresas.obtener(self._empresa_id)
        if empresa.rfc:
            return DatosEmpresa(empresa.rfc, empresa.razon_social)
        return super().open_empresa()

    def _check_empresa(self, found: DatosEmpresa, source: Path) -> None:
        super()._check_empresa(found, source)
        other = next(
            (
                e
                for e in self._empresas.listar()
                if found.rfc and e.rfc == found.rfc and e.id != self._empresa_id
            ),
            None,
        )
        if other is not None:
            raise BackupError(
                "respaldo_de_otra_empresa",
                f"El respaldo «{source.name}» es de la empresa RFC {other.rfc} "
                f"({other.razon_social}), que ya está en esta instalación: ábrela y restaura el "
                "respaldo ahí. No se restauró nada.",
            )

    def _restored(self, actor: str | None) -> None:
        usuarios_del_respaldo(
            self._empresas.catalogo_path,
            self._empresa_id,
            self._store.path,
            actor,
            self._empresas.clock,
        )
        self._empresas.nombrar(self._empresas.obtener(self._empresa_id), self._store)

    def _cabezas_registradas(self) -> list[Cabeza]:
        return self._cabezas.registradas(self._empresa_id)

    @anuncia(*TODO)  # every kind: the store holds another file now
    def restore(self, source: Path, actor: str | None, codigo: str | None = None) -> Restaurado:
        self._permisos.exigir(actor, Accion.RESTAURAR, Path(source).name)
        hecha = super().restore(source, actor, codigo)
        # The restored chain is this empresa's from now on.
        self._cabezas.restablecer(self._empresa_id, self._audit.cabeza())
        return hecha


def _acuse_alterado(backup: Path, llave: cifrado.Llave) -> str:
    """The first IMSS acuse of the copy whose bytes or folio are not the ones registered."""

    from icsoe_desktop.services.respaldo.documentos import primer_documento_distinto

    conn = cifrado.solo_lectura(backup, llave=llave)
    try:
        return primer_documento_distinto(conn, constancias=False)
    finally:
        conn.close()


def terminar_interrumpida(
    interrumpida: restauracion.Interrumpida,
    store: Store,
    audit: AuditService,
    empresas: EmpresasService,
    cabezas: CabezasBitacora,
    empresa_id: int,
) -> str:
    """At the opening of an empresa whose restore was interrupted (restauracion.revisar): the
    restored store's users and audit when it is in place, or the audit of the undoing; then the
    restore's marker goes. Returns what to tell the user."""
    if interrumpida.completada:
        usuarios_del_respaldo(
            empresas.catalogo_path, empresa_id, store.path, interrumpida.actor, empresas.clock
        )
        action = "respaldo_restaurado"
        aside = interrumpida.aparte.name if interrumpida.aparte else ""
        detail = f"{aside}; terminada al abrir la empresa"
    else:
        action, detail = "restauracion_revertida", "interrumpida antes del reemplazo"
    with store.session() as session:
        audit.record(session, interrumpida.actor, action, interrumpida.respaldo, detail)
    if interrumpida.completada:  # the restored chain is this empresa's from now on
        cabezas.restablecer(empresa_id, audit.cabeza())
    restauracion.finish(store.path)
    log.warning(interrumpida.texto)
    return interrumpida.texto
