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
)
from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)


class BackupEmpresa(BackupService):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        empresas: EmpresasService,
        empresa_id: int,
        permisos: Permisos,
    ) -> None:
        super().__init__(store, audit)
        self._empresas, self._empresa_id = empresas, empresa_id
        self._permisos = permisos

    def backup(
        self, destination: Path, actor: str | None, progress: Progress | None = None
    ) -> Path:
        # A backup carries every user's password hash and every NSS/CURP of the empresa.
        self._permisos.exigir(actor, Accion.RESPALDAR, Path(destination).name)
        written = super().backup(destination, actor, progress)
        usuarios_al_respaldo(self._empresas.catalogo_path, self._empresa_id, written)
        return written

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

    def _cabeza_registrada(self) -> Cabeza | None:
        return self._empresas.cabeza_bitacora(self._empresa_id)

    @anuncia(*TODO)  # every kind: the store holds another file now
    def restore(self, source: Path, actor: str | None) -> Path:
        self._permisos.exigir(actor, Accion.RESTAURAR, Path(source).name)
        aside = super().restore(source, actor)
        # The restored chain is this empresa's from now on.
        self._empresas.registrar_cabeza(self._empresa_id, self._audit.cabeza())
        return aside


def terminar_interrumpida(
    interrumpida: restauracion.Interrumpida,
    store: Store,
    audit: AuditService,
    empresas: EmpresasService,
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
        empresas.registrar_cabeza(empresa_id, audit.cabeza())
    restauracion.finish(store.path)
    log.warning(interrumpida.texto)
    return interrumpida.texto
