"""Varias empresas en una instalación: the catalogue of empresas (RFC, razón social, store
file, sólo consulta, the audit head seen). Who may open which is ``accesos.py``; the upgrade of
a one-company data dir, ``primera.py``; the users a backup carries, ``usuarios_respaldo.py``.

The catalog lives in ``catalogo.sqlite3`` together with the installation's IDSE users (their
sign-in, one-use codes and audit); each empresa's business data lives in a store file of its
own (``icsoe.sqlite3`` for the first one, ``empresas/<RFC>.sqlite3`` for the others), so one
client's data is backed up, restored, moved or deleted alone. docs/diseno/empresas.md says why.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.emails import normalize_email
from icsoe_desktop.domain.empresa import SIN_CONFIGURAR as SIN_CONFIGURAR
from icsoe_desktop.domain.empresa import EmpresaInfo as EmpresaInfo
from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.domain.practica import es_de_practica
from icsoe_desktop.domain.roles import CLI_ACTOR as CLI_ACTOR
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.paths import CATALOGO_FILE as CATALOGO_FILE
from icsoe_desktop.paths import DATABASE_FILE
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService, Cabeza
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import AccesoEmpresa, EmpresaCatalogo, IdseUser

log = logging.getLogger(__name__)

EMPRESAS_DIR = "empresas"

MSG_SIN_ACCESO = (
    "El usuario {usuario} no tiene acceso a la empresa {empresa}. Un administrador de "
    "icsoe-desktop puede concedérselo en Configuración › Empresas por usuario."
)
MSG_SIN_SOLO_CONSULTA = (
    "La empresa {empresa} no puede abrirse en modo sólo consulta. Un administrador de "
    "icsoe-desktop puede permitirlo en Archivo › Cambiar de empresa."
)
MSG_NINGUNA_SOLO_CONSULTA = (
    "Ninguna empresa de esta instalación puede abrirse en modo sólo consulta. Un administrador "
    "de icsoe-desktop debe permitirlo en Archivo › Cambiar de empresa (casilla «Permitir abrir "
    "la empresa elegida en modo sólo consulta»)."
)
NINGUNA_SOLO_CONSULTA = "Ninguna empresa admite el modo sólo consulta."


def _info(row: EmpresaCatalogo) -> EmpresaInfo:
    return EmpresaInfo(
        row.id,
        row.rfc,
        row.razon_social,
        row.archivo,
        bool(row.solo_consulta),
        row.solo_consulta_recibos is not False,
    )


class EmpresasService:
    def __init__(
        self,
        catalogo: Store,
        audit: AuditService,
        data_dir: Path,
        permisos: Permisos,
        clock: Clock = utcnow,
    ) -> None:
        self._store = catalogo
        # What the users carried in backups (usuarios_respaldo.py) write with.
        self.catalogo_path, self.clock = catalogo.path, clock
        self._audit = audit
        self._permisos = permisos
        self._data_dir = data_dir
        self._clock = clock

    # --- queries -------------------------------------------------------------------------------

    def listar(self, usuario: str | None = None) -> list[EmpresaInfo]:
        """Every empresa (``usuario`` None: the machine's own list, e.g. the CLI operator), or
        those ``usuario`` may open: an administrator every one, anybody else those granted."""
        with self._store.session() as session:
            query = select(EmpresaCatalogo).order_by(
                EmpresaCatalogo.razon_social, EmpresaCatalogo.id
            )
            if usuario is not None:
                user = usuario_del_catalogo(session, usuario)
                if user is None:
                    return []
                # With a single empresa every user works in it, as before there were several;
                # creating the second one turns that into grants (crear).
                if (
                    not user.administrador
                    and session.execute(
                        select(func.count()).select_from(EmpresaCatalogo)
                    ).scalar_one()
                    > 1
                ):
                    query = query.join(
                        AccesoEmpresa, AccesoEmpresa.empresa_id == EmpresaCatalogo.id
                    ).where(AccesoEmpresa.usuario_id == user.id)
            return [_info(row) for row in session.scalars(query)]

    def listar_solo_consulta(self) -> list[EmpresaInfo]:
        """The empresas an administrator allowed to be opened in modo sólo consulta, which asks
        for no credentials: the login's selector offers only these in that mode."""
        return [e for e in self.listar() if e.solo_consulta]

    def comprobar_solo_consulta(self, empresa_id: int) -> None:
        """Refuse (audited) sólo consulta on an empresa an administrator did not allow."""
        empresa = self.obtener(empresa_id)
        if empresa.solo_consulta:
            return
        with self._store.session() as session:
            self._audit.record(
                session, None, "solo_consulta_rechazada", empresa.rfc or str(empresa.id)
            )
        raise AuthenticationError(
            "solo_consulta_no_permitida",
            MSG_SIN_SOLO_CONSULTA.format(empresa=empresa.etiqueta)
            if self.listar_solo_consulta()
            else MSG_NINGUNA_SOLO_CONSULTA,
        )

    def permitir_solo_consulta(self, empresa_id: int, permitir: bool, actor: str) -> None:
        """An administrator (or the CLI operator) allows or forbids sólo consulta; audited when
        it changes."""
        self._permisos.exigir(actor, Accion.PERMITIR_SOLO_CONSULTA, str(empresa_id))
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is None:
                raise ValidationError("empresa_inexistente", "La empresa ya no existe.", "empresa")
            if bool(row.solo_consulta) == permitir:
                return
            row.solo_consulta = permitir
            action = "solo_consulta_permitida" if permitir else "solo_consulta_retirada"
            self._audit.record(session, actor, action, row.rfc or str(row.id))

    def recibos_en_solo_consulta(self, empresa_id: int, mostrar: bool, actor: str) -> None:
        """An administrator (or the CLI operator) lets sólo consulta list the empresa's payroll
        receipts, or not; audited when it changes. The receipts' service checks it
        (``Permisos``, ``Accion.RECIBOS_NOMINA``)."""
        self._permisos.exigir(actor, Accion.PERMITIR_SOLO_CONSULTA, str(empresa_id))
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is None:
                raise ValidationError("empresa_inexistente", "La empresa ya no existe.", "empresa")
            if bool(row.solo_consulta_recibos) == mostrar:
                return
            row.solo_consulta_recibos = mostrar
            accion = (
                "solo_consulta_recibos_mostrados" if mostrar else "solo_consulta_recibos_ocultos"
            )
            self._audit.record(session, actor, accion, row.rfc or str(row.id))

    def obtener(self, empresa_id: int) -> EmpresaInfo:
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is None:
                raise ValidationError("empresa_inexistente", "La empresa ya no existe.", "empresa")
            return _info(row)

    def recordada(self) -> EmpresaInfo | None:
        """The empresa opened last (what the login shows first), never the practice empresa
        while there is another: whoever comes next (the first real administrator, after a
        training session) starts in real work unless they choose training."""
        with self._store.session() as session:
            rows = session.scalars(
                select(EmpresaCatalogo).order_by(
                    EmpresaCatalogo.abierta_at.desc().nulls_last(), EmpresaCatalogo.id
                )
            ).all()
        row = next((r for r in rows if not es_de_practica(r.rfc)), rows[0] if rows else None)
        return None if row is None else _info(row)

    def elegir(self, rfc: str | None) -> EmpresaInfo:
        """For the CLI: the empresa of ``--empresa RFC`` (``SIN_RFC``: the one not configured
        yet, which has none); without it, the only one there is, or an error naming the
        choices."""
        empresas = self.listar()
        if rfc:
            wanted = rfc.strip().upper()
            if wanted in _SIN_RFC:
                wanted = ""
            for empresa in empresas:
                if empresa.rfc == wanted:
                    return empresa
            raise ValidationError(
                "empresa_inexistente",
                f"No hay una empresa con RFC {wanted}. " + _opciones(empresas),
                "empresa",
            )
        if len(empresas) == 1:
            return empresas[0]
        raise ValidationError(
            "empresa_requerida",
            "Hay varias empresas en esta instalación: indica cuál con --empresa RFC. "
            + _opciones(empresas),
            "empresa",
        )

    def ruta(self, empresa: EmpresaInfo) -> Path:
        return self._data_dir / empresa.archivo

    def carpeta(self, empresa: EmpresaInfo) -> Path:
        """The empresa's folder: its store, its ``settings.toml``, its ICSOE acuses (the first
        empresa's is the data dir itself)."""
        return self.ruta(empresa).parent

    # --- changes -------------------------------------------------------------------------------

    def nombrar(self, empresa: EmpresaInfo, store: Store) -> EmpresaInfo:
        """The catalog takes the RFC and razón social the empresa's store holds (its
        Configuración inicial, a restored backup); a clash with another empresa's RFC is logged
        and the catalog keeps its name."""
        with store.session() as session:
            row = session.execute(text("SELECT rfc, razon_social FROM empresa")).first()
        if row is None or not row[0]:
            return empresa
        try:
            self.actualizar_datos(empresa.id, row[0], row[1])
        except ValidationError as exc:
            log.warning("Empresa %s: %s", empresa.id, exc.message)
        return self.obtener(empresa.id)

    def marcar_abierta(self, empresa_id: int) -> None:
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is not None:
                row.abierta_at = self._clock()

    def cabeza_bitacora(self, empresa_id: int) -> Cabeza | None:
        """The last link of the empresa's audit chain this installation saw."""
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is None or row.bitacora_id is None or not row.bitacora_hash:
                return None
            return Cabeza(row.bitacora_id, row.bitacora_hash)

    def registrar_cabeza(self, empresa_id: int, cabeza: Cabeza | None) -> None:
        """Kept when the empresa's store is closed and after a restore: a store that does not
        hold it later is an older copy, or its log was cut or rewritten."""
        if cabeza is None:
            return
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is not None:
                row.bitacora_id, row.bitacora_hash = cabeza.id, cabeza.hash

    def actualizar_datos(self, empresa_id: int, rfc: str, razon_social: str) -> None:
        """The RFC and razón social typed in the empresa's Configuración inicial name it here."""
        with self._store.session() as session:
            row = session.get(EmpresaCatalogo, empresa_id)
            if row is None or (row.rfc, row.razon_social) == (rfc, razon_social):
                return
            taken = session.scalar(
                select(EmpresaCatalogo.id).where(
                    EmpresaCatalogo.rfc == rfc, EmpresaCatalogo.id != empresa_id
                )
            )
            if rfc and taken is not None:
                raise ValidationError(
                    "empresa_duplicada",
                    f"Ya hay otra empresa con RFC {rfc} en esta instalación.",
                    "rfc",
                )
            row.rfc, row.razon_social = rfc, razon_social

    def crear(self, rfc: str, razon_social: str, actor: str) -> EmpresaInfo:
        """A new empresa: its store file from the migrated template, its RFC and razón social
        written there for the Configuración inicial, and access for whoever created it."""
        from icsoe_desktop.services.empresas.registros import check_razon_social

        self._permisos.exigir(actor, Accion.CREAR_EMPRESAS, rfc)
        rfc = check_rfc(rfc)
        razon = check_razon_social(razon_social, "Captura la razón social de la empresa.")
        with self._store.session() as session:
            if session.scalar(select(EmpresaCatalogo.id).where(EmpresaCatalogo.rfc == rfc)):
                raise ValidationError(
                    "empresa_duplicada", f"La empresa con RFC {rfc} ya existe.", "rfc"
                )
        archivo = f"{EMPRESAS_DIR}/{rfc}/{DATABASE_FILE}"  # its folder: store, settings, acuses
        path = self._data_dir / archivo
        if path.exists():  # left by an empresa removed from the catalog: never overwritten
            raise ValidationError(
                "archivo_existente",
                f"Ya existe el archivo «{path}». Muévelo a otra carpeta o bórralo antes de crear "
                "la empresa.",
                "rfc",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        _escribir_datos(path, rfc, razon)
        try:
            return self._registrar(rfc, razon, archivo, actor)
        except BaseException:  # not in the catalog: its new file goes too, or it blocks a retry
            for leftover in path.parent.glob(f"{path.name}*"):
                leftover.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                path.parent.rmdir()
            raise

    def _registrar(self, rfc: str, razon: str, archivo: str, actor: str) -> EmpresaInfo:
        with self._store.session() as session:
            if session.execute(select(func.count()).select_from(EmpresaCatalogo)).scalar_one() == 1:
                unica = session.execute(select(EmpresaCatalogo.id)).scalar_one()
                _conceder_a_todos(session, unica, actor)
            # Not open to sólo consulta (no credentials) until an administrator allows it.
            row = EmpresaCatalogo(rfc=rfc, razon_social=razon, archivo=archivo, solo_consulta=False)
            session.add(row)
            session.flush()
            user = usuario_del_catalogo(session, actor)
            if user is not None:
                session.add(
                    AccesoEmpresa(usuario_id=user.id, empresa_id=row.id, concedido_por=actor)
                )
            self._audit.record(session, actor, "empresa_alta", rfc, razon)
            return _info(row)


def _conceder_a_todos(session: Session, empresa_id: int, actor: str) -> None:
    """Every user keeps the empresa they worked in while it was the only one."""
    granted = select(AccesoEmpresa.usuario_id).where(AccesoEmpresa.empresa_id == empresa_id)
    for user_id in session.scalars(
        select(IdseUser.id).where(IdseUser.deleted.is_(False), IdseUser.id.not_in(granted))
    ):
        session.add(AccesoEmpresa(usuario_id=user_id, empresa_id=empresa_id, concedido_por=actor))


def _escribir_datos(path: Path, rfc: str, razon: str) -> None:
    """The new store, with its empresa's RFC and razón social (Configuración inicial's step 1)."""
    store = Store(path)
    try:
        with store.session() as session:
            session.execute(
                text(
                    "INSERT INTO empresa (rfc, razon_social, pasos_omitidos, updated_at) "
                    "VALUES (:rfc, :razon, '', :at)"
                ),
                {"rfc": rfc, "razon": razon, "at": utcnow()},
            )
    finally:
        store.close()


def usuario_del_catalogo(session: Session, usuario: str) -> IdseUser | None:
    return session.scalar(
        select(IdseUser).where(
            IdseUser.usuario == normalize_email(usuario), IdseUser.deleted.is_(False)
        )
    )


# How ``--empresa`` names the empresa not configured yet (it has no RFC to be named by).
SIN_RFC = "SIN-RFC"
_SIN_RFC = {SIN_RFC, "SIN RFC", "(SIN RFC)"}


def _opciones(empresas: list[EmpresaInfo]) -> str:
    if not empresas:
        return "No hay empresas registradas."
    texto = "Empresas: " + "; ".join(
        f"{e.rfc or f'(sin RFC; --empresa {SIN_RFC})'} — {e.nombre}" for e in empresas
    )
    return texto if texto.endswith(".") else texto + "."  # «S.A. de C.V.» ends with one
