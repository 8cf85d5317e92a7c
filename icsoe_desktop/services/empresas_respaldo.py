"""Respaldar / Restaurar of one empresa: its store file, plus the IDSE users who may work in
it (they live in the installation's catalog), so a backup restored on another machine — or in
a new installation — still has someone who can sign in. Users the catalog already has are
left as they are; the others are added with access to this empresa (audited)."""

from __future__ import annotations

from pathlib import Path

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.backup import BackupService, Progress
from icsoe_desktop.services.empresas import EmpresasService
from icsoe_desktop.services.permisos import Permisos
from icsoe_desktop.store.db import Store


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
        self._empresas.usuarios_al_respaldo(self._empresa_id, written)
        return written

    def restore(self, source: Path, actor: str | None) -> Path:
        self._permisos.exigir(actor, Accion.RESTAURAR, Path(source).name)
        aside = super().restore(source, actor)
        self._empresas.usuarios_del_respaldo(self._empresa_id, self._store.path, actor)
        return aside
