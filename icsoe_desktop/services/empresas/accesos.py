"""Who may work in which empresa: the grants an administrator gives or withdraws, checked at
sign-in and, through ``permisos_de``, by every protected action of an empresa's services."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from icsoe_desktop.domain.emails import normalize_email
from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.acceso.permisos import Empresa as PermisosEmpresa
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.empresas.servicio import (
    MSG_SIN_ACCESO,
    EmpresaInfo,
    EmpresasService,
    usuario_del_catalogo,
)
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import AccesoEmpresa, EmpresaCatalogo


class AccesosService:
    def __init__(
        self, catalogo: Store, audit: AuditService, permisos: Permisos, empresas: EmpresasService
    ) -> None:
        self._store, self._audit, self._permisos = catalogo, audit, permisos
        self._empresas = empresas

    def puede_abrir(self, usuario: str, empresa_id: int) -> bool:
        """``listar``'s rule for one empresa, in three indexed look-ups: the services of an
        empresa ask it at every protected action (``permisos_de``)."""
        with self._store.session() as session:
            if session.get(EmpresaCatalogo, empresa_id) is None:
                return False
            if session.scalar(select(func.count()).select_from(EmpresaCatalogo)) == 1:
                return True
            user = usuario_del_catalogo(session, usuario)
            if user is None:
                return False
            return user.administrador or (
                session.get(AccesoEmpresa, (user.id, empresa_id)) is not None
            )

    def permisos_de(self, empresa: EmpresaInfo) -> Permisos:
        """The role matrix for the services working in ``empresa``'s store: an IDSE user needs
        its grant too, read at every call (a grant withdrawn bites at the next action)."""
        return self._permisos.en_empresa(
            PermisosEmpresa(
                lambda: self._empresas.obtener(empresa.id).etiqueta,
                lambda usuario: self.puede_abrir(usuario, empresa.id),
                lambda: self._empresas.obtener(empresa.id).solo_consulta_recibos,
            )
        )

    def comprobar_acceso(self, usuario: str, empresa_id: int) -> None:
        """Refuse (audited) a user who was not granted the empresa."""
        if self.puede_abrir(usuario, empresa_id):
            return
        empresa = self._empresas.obtener(empresa_id)
        with self._store.session() as session:
            self._audit.record(
                session, usuario, "empresa_acceso_rechazado", empresa.rfc or str(empresa.id)
            )
        raise AuthenticationError(
            "empresa_sin_acceso",
            MSG_SIN_ACCESO.format(usuario=normalize_email(usuario), empresa=empresa.etiqueta),
        )

    def accesos(self, usuario: str) -> set[int]:
        """The empresas granted to ``usuario`` (grants only, whether or not an administrator)."""
        with self._store.session() as session:
            user = usuario_del_catalogo(session, usuario)
            if user is None:
                return set()
            return set(
                session.scalars(
                    select(AccesoEmpresa.empresa_id).where(AccesoEmpresa.usuario_id == user.id)
                )
            )

    def conceder(self, usuario: str, empresa_id: int, actor: str) -> None:
        self._cambiar_acceso(usuario, empresa_id, actor, conceder=True)

    def retirar(self, usuario: str, empresa_id: int, actor: str) -> None:
        self._cambiar_acceso(usuario, empresa_id, actor, conceder=False)

    def _cambiar_acceso(self, usuario: str, empresa_id: int, actor: str, conceder: bool) -> None:
        """An administrator grants or removes an empresa for a user; audited when it changes."""
        usuario = normalize_email(usuario)
        self._permisos.exigir(actor, Accion.CONCEDER_EMPRESAS, f"{usuario} → {empresa_id}")
        with self._store.session() as session:
            user = usuario_del_catalogo(session, usuario)
            if user is None:
                raise ValidationError(
                    "usuario_inexistente", f"El usuario {usuario} no existe.", "usuario"
                )
            empresa = session.get(EmpresaCatalogo, empresa_id)
            if empresa is None:
                raise ValidationError("empresa_inexistente", "La empresa ya no existe.", "empresa")
            key = (user.id, empresa_id)
            existing = session.get(AccesoEmpresa, key)
            if conceder and existing is None:
                session.add(
                    AccesoEmpresa(usuario_id=user.id, empresa_id=empresa_id, concedido_por=actor)
                )
                self._audit.record(session, actor, "empresa_concedida", usuario, empresa.rfc)
            elif not conceder and existing is not None:
                session.execute(
                    delete(AccesoEmpresa).where(
                        AccesoEmpresa.usuario_id == user.id, AccesoEmpresa.empresa_id == empresa_id
                    )
                )
                self._audit.record(session, actor, "empresa_retirada", usuario, empresa.rfc)
