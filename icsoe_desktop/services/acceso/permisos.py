"""The role matrix (domain/roles.py) enforced: every protected action of a service asks here
first, with the ``actor`` it was given. A refusal is a Spanish ``PermisoDenegado`` and an entry
in the installation's audit log, written in its own unit of work so that it stays even though
the action is not carried out.

Who an actor is: no actor is sólo consulta (the login's mode without credentials); the command
line names itself; the ICSOE services name the contratista by its RFC and the capturista by its
CURP; anyone else is an IDSE user, an administrator only when its catalog row says so and it is
enabled. Sign-in proved the identity before any window had an actor to pass; a user disabled
since then may do nothing protected.

The services of an empresa's store get the matrix bound to that empresa (``en_empresa``): an
IDSE user must also hold its grant (services/empresas/servicio.py), asked at every call, so a
grant withdrawn while the user works there ends that session at its next protected action.
Whoever runs that session hears of it (``al_terminar_sesion``): the GUI closes its windows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from icsoe_desktop.domain.contacto import check_curp
from icsoe_desktop.domain.emails import normalize_email
from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.domain.roles import (
    CLI_ACTOR,
    PERMISOS,
    SEGUN_LA_EMPRESA,
    Accion,
    Rol,
    permite,
)
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import IdseUser

AUDIT_RECHAZO = "permiso_denegado"

MSG_SOLO_ADMINISTRADOR = "Sólo un administrador de icsoe-desktop puede {accion}."
MSG_SOLO_CONSULTA = (
    "En modo sólo consulta no se puede {accion}. Cierra la sesión e ingresa con un usuario y "
    "contraseña."
)
MSG_DESCONOCIDO = (
    "No se puede {accion}: el usuario de la sesión está deshabilitado. Cierra la sesión e "
    "ingresa de nuevo."
)
MSG_OTRO_ROL = "Una sesión de {rol} no puede {accion}."
MSG_RETENIDO = (
    "En la empresa {empresa}, el administrador no deja {accion} en modo sólo consulta: ingresa "
    "con tu usuario y contraseña."
)
MSG_SIN_EMPRESA = (
    "No se puede {accion}: el usuario {usuario} no tiene acceso a la empresa {empresa}, y su "
    "sesión en ella terminó. Cierra la sesión e ingresa en una empresa que tengas concedida; un "
    "administrador de icsoe-desktop puede concedértela en Configuración › Empresas por usuario."
)
# The roles whose work in an empresa needs its grant (administrators hold every empresa; the
# ICSOE roles enter by their own credentials in that store; the command line is the machine's).
_CON_CONCESION = frozenset({Rol.ADMINISTRADOR, Rol.USUARIO_IDSE})
# The refusals after which the actor's session in the empresa cannot go on: its grant withdrawn,
# or the user disabled, since it signed in.
TERMINAN_SESION = frozenset({"empresa_sin_acceso", "usuario_no_habilitado"})
FinDeSesion = Callable[[str, "PermisoDenegado"], None]


@dataclass(frozen=True)
class Empresa:
    """The empresa a bound matrix works in: how a refusal names it (as the catalog names it
    then), and whether a user may open it now (the catalog's grants, read at each call)."""

    etiqueta: Callable[[], str]
    puede_abrir: Callable[[str], bool]
    # Whether sólo consulta lists the payroll receipts (the administrator's call per empresa).
    recibos_en_solo_consulta: Callable[[], bool] = lambda: True


class PermisoDenegado(AuthenticationError):
    """A protected action refused to the actor's role (already audited)."""


class Permisos:
    def __init__(
        self,
        catalogo: Store,
        audit: AuditService,
        empresa: Empresa | None = None,
        oyentes: list[FinDeSesion] | None = None,
    ) -> None:
        self._catalogo = catalogo
        self._audit = audit
        self._empresa = empresa
        self._oyentes = [] if oyentes is None else oyentes  # shared with the bound copies

    def en_empresa(self, empresa: Empresa) -> Permisos:
        """The same matrix for the services of one empresa's store: grants count too."""
        return Permisos(self._catalogo, self._audit, empresa, self._oyentes)

    def al_terminar_sesion(self, oyente: FinDeSesion) -> None:
        """``oyente(actor, refusal)`` after each refusal that ends the actor's session (its
        grant withdrawn, the user disabled), from whatever thread made the call, before the
        refusal is raised to the caller."""
        self._oyentes.append(oyente)

    def rol(self, actor: str | None) -> Rol | None:
        """None: a user disabled since it signed in."""
        if not actor:
            return Rol.SOLO_CONSULTA
        if actor == CLI_ACTOR:
            return Rol.LINEA_DE_COMANDOS
        icsoe = _icsoe(actor)  # the ICSOE services name their actor by RFC or CURP
        if icsoe is not None:
            return icsoe
        with self._catalogo.session() as session:
            row = session.execute(
                select(IdseUser.administrador, IdseUser.habilitado).where(
                    IdseUser.usuario == normalize_email(actor), IdseUser.deleted.is_(False)
                )
            ).first()
        if row is None:  # signed in elsewhere (another installation's user in a synced store)
            return Rol.USUARIO_IDSE
        administrador, habilitado = row
        if not habilitado:
            return None
        return Rol.ADMINISTRADOR if administrador else Rol.USUARIO_IDSE

    def puede(self, actor: str | None, accion: Accion) -> bool:
        """For windows that mirror the matrix (a greyed-out menu); the service still checks."""
        rol = self.rol(actor)
        return (
            rol is not None
            and permite(rol, accion)
            and self._concedida(actor, rol)
            and self._la_empresa_deja(rol, accion)
        )

    def _la_empresa_deja(self, rol: Rol, accion: Accion) -> bool:
        """What the matrix allows but the empresa's administrator may withhold
        (``SEGUN_LA_EMPRESA``: the receipts in sólo consulta)."""
        if (rol, accion) not in SEGUN_LA_EMPRESA or self._empresa is None:
            return True
        return self._empresa.recibos_en_solo_consulta()

    def motivo(self, actor: str | None, accion: Accion) -> str:
        """Why ``actor`` may not do ``accion``, as its refusal would say it (nothing audited:
        the tooltip of a greyed-out control); "" when it may."""
        return self.motivos(actor, (accion,))[accion]

    def motivos(self, actor: str | None, acciones: Iterable[Accion]) -> dict[Accion, str]:
        """``motivo`` of each action, the catalog read once: a window's menus ask together."""
        rol = self.rol(actor)
        concedida: bool | None = None  # read at the first action the role allows
        motivos: dict[Accion, str] = {}
        for accion in acciones:
            if rol is not None and permite(rol, accion) and not self._la_empresa_deja(rol, accion):
                assert self._empresa is not None
                motivos[accion] = MSG_RETENIDO.format(
                    empresa=self._empresa.etiqueta(), accion=accion
                )
                continue
            if rol is not None and permite(rol, accion):
                if concedida is None:
                    concedida = self._concedida(actor, rol)
                if concedida:
                    motivos[accion] = ""
                    continue
                if actor and self._empresa is not None:
                    motivos[accion] = MSG_SIN_EMPRESA.format(
                        accion=accion,
                        usuario=normalize_email(actor),
                        empresa=self._empresa.etiqueta(),
                    )
                    continue
            motivos[accion] = _rechazo(rol, accion)[1]
        return motivos

    def exigir(self, actor: str | None, accion: Accion, objetivo: str = "") -> Rol:
        """The actor's role when it may; else audit the refusal and raise it in Spanish."""
        rol = self.rol(actor)
        if rol is not None and permite(rol, accion) and not self._la_empresa_deja(rol, accion):
            assert self._empresa is not None
            empresa = self._empresa.etiqueta()
            retenido = f"retenido por la empresa {empresa}"
            self._rechazar(actor, rol, accion, f"{objetivo}; {retenido}" if objetivo else retenido)
            raise PermisoDenegado(
                "retenido_por_la_empresa", MSG_RETENIDO.format(empresa=empresa, accion=accion)
            )
        if rol is not None and permite(rol, accion):
            if self._concedida(actor, rol):
                return rol
            assert actor and self._empresa is not None
            empresa = self._empresa.etiqueta()
            # What was called (the gate names the service's method), then why.
            sin_acceso = f"sin acceso a la empresa {empresa}"
            self._rechazar(
                actor, rol, accion, f"{objetivo}; {sin_acceso}" if objetivo else sin_acceso
            )
            raise self._avisar(
                actor,
                PermisoDenegado(
                    "empresa_sin_acceso",
                    MSG_SIN_EMPRESA.format(
                        accion=accion, usuario=normalize_email(actor), empresa=empresa
                    ),
                ),
            )
        self._rechazar(actor, rol, accion, objetivo)
        raise self._avisar(actor, PermisoDenegado(*_rechazo(rol, accion)))

    def _avisar(self, actor: str | None, rechazo: PermisoDenegado) -> PermisoDenegado:
        if actor and rechazo.code in TERMINAN_SESION:
            for oyente in list(self._oyentes):
                oyente(actor, rechazo)
        return rechazo

    def _concedida(self, actor: str | None, rol: Rol) -> bool:
        if self._empresa is None or rol not in _CON_CONCESION:
            return True
        if not actor:
            return False
        return self._empresa.puede_abrir(actor)

    def _rechazar(self, actor: str | None, rol: Rol | None, accion: Accion, objetivo: str) -> None:
        with self._catalogo.session() as session:
            self._audit.record(
                session,
                actor or str(Rol.SOLO_CONSULTA),
                AUDIT_RECHAZO,
                accion.name,
                f"rol: {rol or 'usuario deshabilitado'}" + (f"; {objetivo}" if objetivo else ""),
            )


def _icsoe(actor: str) -> Rol | None:
    for rol, check in ((Rol.CONTRATISTA, check_rfc), (Rol.CAPTURISTA, check_curp)):
        try:
            check(actor)
        except ValidationError:
            continue
        return rol
    return None


def _rechazo(rol: Rol | None, accion: Accion) -> tuple[str, str]:
    if rol is None:
        return "usuario_no_habilitado", MSG_DESCONOCIDO.format(accion=accion)
    if PERMISOS[accion] <= {Rol.ADMINISTRADOR, Rol.LINEA_DE_COMANDOS}:
        return "no_administrador", MSG_SOLO_ADMINISTRADOR.format(accion=accion)
    if rol is Rol.SOLO_CONSULTA:
        return "solo_consulta", MSG_SOLO_CONSULTA.format(accion=accion)
    return "permiso_denegado", MSG_OTRO_ROL.format(rol=rol, accion=accion)


__all__ = ["TERMINAN_SESION", "Empresa", "FinDeSesion", "PermisoDenegado", "Permisos"]
