"""Configuración > Conflictos de sincronización: the versions that lost by server order
(``sync_conflict``), beside the row as it is now; settled one by one or all by one rule
(«Resolver todos así»), which ``undo`` puts back until the next sync."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.cambios import TODO, anuncia
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import SIN_INFORMACION
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.sync import deshacer
from icsoe_desktop.services.sync.decode import Refused, decode_data
from icsoe_desktop.services.sync.rechazados import REFUSED_BY_SERVER
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import ContratoRow, InformativaRow, SyncConflict, SyncState
from icsoe_desktop.store.sync_tables import SyncedModel, SyncedTable, by_name

# This desktop's sync tokens, by their numbers on the server (comma-separated), as its pushes'
# answers said them: the «cambio» conflicts it is one of the two desktops of.
EQUIPOS = "equipos"


def soy(session: Session, equipo: int) -> None:
    """Keep ``equipo`` among this desktop's sync tokens (a token replaced: the conflicts of the
    old one stay listed here)."""
    state = session.get(SyncState, EQUIPOS)
    mios = [m for m in (state.value if state is not None else "").split(",") if m]
    if str(equipo) not in mios:
        session.merge(SyncState(key=EQUIPOS, value=",".join([*mios, str(equipo)])))


def _listados(session: Session) -> ColumnElement[bool]:
    """Which conflicts this desktop lists: a «cambio» one only where its versions were
    written (the desktop whose push overwrote and the one whose version it overwrote); one
    that does not say who (a server that does not), and every other kind, always. The others
    are held hidden: settled elsewhere, they are settled here too."""
    state = session.get(SyncState, EQUIPOS)
    mios = [m for m in (state.value if state is not None else "").split(",") if m]
    lista = literal(",") + SyncConflict.equipos + ","
    return or_(
        SyncConflict.kind != "cambio",
        SyncConflict.equipos == "",
        *(lista.contains(f",{m},") for m in mios),
    )


@dataclass(frozen=True)
class ConflictRow:
    id: int
    tabla: str  # table name
    titulo: str  # what the user reads: "Registro patronal"
    renglon: str  # which row: the registro, the usuario…
    detected_at: datetime
    kind: str
    actual: dict[str, Any] | None  # the version now in the row (None: it no longer exists)
    otra: dict[str, Any]  # the version that lost: {"version", "updated_at", "deleted", "data"}


class ConflictosService:
    def __init__(self, store: Store, permisos: Permisos, clock: Clock) -> None:
        self._store = store
        self._permisos = permisos
        self._clock = clock
        self._deshacer: deshacer.Deshacer | None = None  # the last «Resolver todos así»

    def count(self) -> int:
        """How many conflicts wait to be settled."""
        with self._store.session() as session:
            found = session.scalar(
                select(func.count(SyncConflict.id)).where(
                    SyncConflict.resolved_at.is_(None), _listados(session)
                )
            )
            return found or 0

    def sincronizado(self) -> None:
        """A sync came: what it sends and receives is never undone."""
        self._deshacer = None

    def conflicts(self) -> list[ConflictRow]:
        """Unresolved conflicts this desktop lists, newest first."""
        out: list[ConflictRow] = []
        with self._store.session() as session:
            found = session.scalars(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None), _listados(session))
                .order_by(SyncConflict.id.desc())
            ).all()
            for conflict in found:
                out.append(self._conflict_row(session, conflict))
        return out

    @staticmethod
    def _decoded(session: Session, table: SyncedTable, otra: dict[str, Any]) -> dict[str, Any]:
        """The other version's data as column values (raises ValueError if it no longer fits)."""
        return decode_data(session, table, otra["data"])

    @staticmethod
    def _holder(session: Session, table: SyncedTable, values: dict[str, Any]) -> SyncedModel | None:
        """The local row holding the same registro, usuario, movimiento… as ``values``: what
        a "duplicado" conflict collided with."""
        for key in table.natural_keys:
            model = table.model
            obj = session.scalar(
                select(model).where(*(getattr(model, name) == values.get(name) for name in key))
            )
            if obj is not None:
                return obj
        return None

    def _current(self, session: Session, conflict: SyncConflict) -> dict[str, Any] | None:
        table = by_name(conflict.table_name)
        if table is None:
            return None
        obj = session.scalar(select(table.model).where(table.model.uuid == conflict.row_uuid))
        if obj is None and conflict.kind == "duplicado":
            try:
                obj = self._holder(
                    session, table, self._decoded(session, table, json.loads(conflict.loser))
                )
            except ValueError:
                obj = None
        if obj is None:
            return None
        return {
            "version": getattr(obj, "version", 1),
            "deleted": bool(getattr(obj, "deleted", False)),
            "data": {n: sync_wire.encode_value(getattr(obj, n)) for n in table.columns},
        }

    def _conflict_row(self, session: Session, conflict: SyncConflict) -> ConflictRow:
        otra = json.loads(conflict.loser)
        table = by_name(conflict.table_name)
        if table is not None and isinstance(otra.get("data"), dict):
            # The server's JSON does not keep key order: show both versions in column order.
            data = otra["data"]
            otra["data"] = {n: data[n] for n in table.columns if n in data} | data
        actual = self._current(session, conflict)
        label_key = table.spec.etiqueta if table is not None else ""
        label = (actual or otra)["data"].get(label_key) or conflict.row_uuid
        return ConflictRow(
            conflict.id,
            conflict.table_name,
            (table.spec.titulo if table is not None else "") or conflict.table_name,
            str(label),
            conflict.detected_at,
            conflict.kind,
            actual,
            otra,
        )

    @anuncia(*TODO)  # the version kept may be any synced row's
    def resolve(self, conflict_id: int, keep: str, actor: str | None) -> None:
        """``keep`` "actual" keeps the row as it is; "otra" writes the losing version over it as
        a new local change (sent at the next sync, over every desktop's copy)."""
        self._permisos.exigir(actor, Accion.CONFLICTOS, str(conflict_id))
        if keep not in ("actual", "otra"):
            raise ValueError(keep)
        with self._store.session() as session:
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None or conflict.resolved_at is not None:
                raise ValidationError("conflicto_resuelto", "Este conflicto ya fue resuelto.")
            self._settle(session, conflict, keep)

    def _settle(
        self,
        session: Session,
        conflict: SyncConflict,
        keep: str,
        kept: list[deshacer.Antes] | None = None,
    ) -> None:
        """One conflict settled; ``kept``: where each row it changes goes as it was."""
        table = by_name(conflict.table_name)
        if kept is not None:
            kept.append(deshacer.tomar(session, SyncConflict.__tablename__, conflict.uuid))
        # A row the server refused has no other version: settling it only closes it.
        if (
            keep == "otra"
            and table is not None
            and not table.append_only
            and conflict.kind != REFUSED_BY_SERVER
        ):
            self._restore(session, table, conflict, kept)
        conflict.resolved_at = self._clock()
        conflict.resolution = keep

    @anuncia(*TODO)  # the versions kept may be any synced rows'
    def resolve_all(self, keep: str, actor: str | None) -> int:
        """Every conflict settled by one rule (``keep`` as ``resolve``), in one transaction;
        how many. Until the next sync, ``undo`` puts every row it changed back as it was."""
        self._permisos.exigir(actor, Accion.CONFLICTOS, f"todos: {keep}")
        if keep not in ("actual", "otra"):
            raise ValueError(keep)
        kept: list[deshacer.Antes] = []
        with self._store.session() as session:
            found = session.scalars(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None), _listados(session))
                .order_by(SyncConflict.id)
            ).all()
            for conflict in found:
                self._settle(session, conflict, keep, kept)
            session.flush()
            after = tuple(deshacer.version(session, k.table, k.row_uuid) for k in kept)
        self._deshacer = deshacer.Deshacer(len(found), tuple(kept), after) if found else None
        return len(found)

    def can_undo(self) -> int:
        """How many conflicts the last «Resolver todos así» settled, while it can be undone
        (until the next sync); 0: nothing to undo."""
        return self._deshacer.conflictos if self._deshacer is not None else 0

    @anuncia(*TODO)  # the versions kept may be any synced rows'
    def undo(self, actor: str | None) -> int:
        """The last «Resolver todos así» undone: its rows as they were, its conflicts open
        again; how many. Refused when a sync came since or one of its rows changed again."""
        self._permisos.exigir(actor, Accion.CONFLICTOS, "deshacer")
        done = self._deshacer
        if done is None:
            raise ValidationError(
                "nada_que_deshacer",
                "Ya no se puede deshacer: hubo una sincronización después de resolverlos.",
            )
        with self._store.session() as session:
            now = [deshacer.version(session, k.table, k.row_uuid) for k in done.antes]
            if now != list(done.despues):
                self._deshacer = None
                raise ValidationError(
                    "cambiado_despues",
                    "Ya no se puede deshacer: algunos de esos datos cambiaron después.",
                )
            for antes in reversed(done.antes):
                deshacer.devolver(session, antes)
        self._deshacer = None
        return done.conflictos

    def _restore(
        self,
        session: Session,
        table: SyncedTable,
        conflict: SyncConflict,
        kept: list[deshacer.Antes] | None = None,
    ) -> None:
        otra = json.loads(conflict.loser)
        try:
            values = decode_data(
                session, table, otra["data"], bool(otra.get("deleted")), conflict.row_uuid
            )
        except Refused as exc:  # (a signed informativa that is not what was signed)
            raise ValidationError("conflicto_rechazado", exc.rechazo.mensaje) from exc
        except ValueError as exc:
            raise ValidationError(
                "conflicto_inservible",
                "La otra versión ya no puede aplicarse (le falta un dato relacionado).",
            ) from exc
        values["deleted"] = bool(otra.get("deleted"))
        obj = session.scalar(select(table.model).where(table.model.uuid == conflict.row_uuid))
        _sin_contratos(session, table, obj, values)
        if conflict.kind == "duplicado" and obj is None:
            # The other desktop's row could not be inserted (same registro, usuario…): its data
            # goes over the local row holding that value.
            obj = self._holder(session, table, values)
        if kept is not None:
            kept.append(
                deshacer.tomar(session, table.name, conflict.row_uuid if obj is None else obj.uuid)
            )
        if obj is None:
            obj = table.model(uuid=conflict.row_uuid, **table.local_defaults)
            session.add(obj)
        for key, value in values.items():
            setattr(obj, key, value)


def _sin_contratos(session: Session, table: SyncedTable, obj: Any, values: dict[str, Any]) -> None:
    """A Sin información kept over an informativa that holds contracts (the Normal of its
    period another desktop sent, adopted here) is refused as the capture refuses it: the
    clerk removes those contracts first, or keeps the Normal."""
    if (
        table.name != InformativaRow.__tablename__
        or obj is None
        or values["deleted"]
        or values.get("tipo") != SIN_INFORMACION
    ):
        return
    contratos = session.scalar(
        select(func.count())
        .select_from(ContratoRow)
        .where(ContratoRow.informativa_id == obj.id, ContratoRow.deleted.is_(False))
    )
    if contratos:
        raise ValidationError(
            "sin_informacion_con_contratos",
            "Una informativa «Sin información» no lleva contratos, y la que quedó tiene "
            f"{plural(contratos, 'contrato')}: para conservar la «Sin información», elimina "
            "antes esos contratos; si en el periodo sí hubo contratos, conserva la versión "
            "actual.",
        )
