"""The server's sums (``bucket_sums``) against its rows: ``verificar`` recounts them from the
rows and names what differs, ``reparar`` replaces them with the recount; and the history a
desktop compares to notice a server restored from a backup (``went_back``: a desktop that
pulled past the company's last sequence starts the next epoch: a restore of the data only).

PostgreSQL keeps the sums as rows are written: a push adds its changes (``KEPT``), and an administrator's
``INSERT``/``UPDATE``/``DELETE`` of ``rows`` is counted by the triggers of migration 0009. What no trigger
sees (a trigger disabled, rows copied in with ``session_replication_role = replica``, a partial
restore) leaves them wrong until ``reparar``: docs/administracion.md says when to run both.

The sums count each row's uuid and version. Content changed where no trigger ran, its version
left as it was, keeps them right: each row's content fingerprint at its last write the server
saw (``rows.huella``, migration 0010) is what ``verificar`` compares with its content now, and
``reparar`` gives such a row the next version (as the triggers would have), listed in
``outside_edits``: every desktop's drift check then receives it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain import contenido
from icsoe_desktop.domain.texts import plural

log = logging.getLogger(__name__)

# Set (for its transaction only) by a push: the triggers of migration 0009 leave its writes
# alone (the push adds its own sums: escritura.add_sums).
PUSH_SETTING = "icsoe.escritura"
_MARK_PUSH = text(f"SELECT set_config('{PUSH_SETTING}', 'envio', true)")

# Per company, table and bucket (-1: the whole table): the rows and the sum of their hashes,
# counted from the rows.
_RECOUNT = (
    " SELECT empresa_id, tabla, icsoe_bucket(uuid) AS bucket, count(*) AS rows,"
    " sum(icsoe_row_hash(uuid, version)) AS total FROM rows {where} GROUP BY 1, 2, 3"
    " UNION ALL SELECT empresa_id, tabla, -1, count(*), sum(icsoe_row_hash(uuid, version))"
    " FROM rows {where} GROUP BY 1, 2"
)
# The kept changes of every company's checksums, per table and bucket, one row each: the rows
# of ``bucket_sums`` and those each push keeps as arrays (``bucket_deltas``, migration 0019).
# A reader sums them; a filter on company, table or bucket outside reaches both.
KEPT = (
    "SELECT empresa_id, tabla, bucket, rows, total FROM bucket_sums"
    " UNION ALL SELECT d.empresa_id, d.tabla, u.bucket, u.rows, u.total FROM bucket_deltas d"
    " CROSS JOIN LATERAL unnest(d.buckets, d.rows, d.totals) AS u(bucket, rows, total)"
)
# Where the kept sums and the recount differ.
_DIFFERENCES = (
    "WITH recount AS (" + _RECOUNT + "),"
    " kept AS (SELECT empresa_id, tabla, bucket, sum(rows) AS rows, sum(total) AS total"
    " FROM (" + KEPT + ") AS k {where} GROUP BY 1, 2, 3)"
    " SELECT e.rfc, coalesce(k.tabla, r.tabla), coalesce(k.bucket, r.bucket),"
    " coalesce(k.rows, 0), coalesce(r.rows, 0)"
    " FROM kept k FULL JOIN recount r USING (empresa_id, tabla, bucket)"
    " JOIN empresas e ON e.id = coalesce(k.empresa_id, r.empresa_id)"
    " WHERE (coalesce(k.rows, 0), coalesce(k.total, 0))"
    " IS DISTINCT FROM (coalesce(r.rows, 0), coalesce(r.total, 0))"
    " ORDER BY 1, 2, 3"
)
# Rows whose content is not the one of their last write the server saw (their fingerprint).
# Only a row whose text is not the one of that write (``texto_visto``, migration 0018) is
# parsed: the others' content is the one ``huella`` was computed from.
_CAMBIADOS = (
    "texto_visto IS DISTINCT FROM texto_actual"
    " AND huella IS DISTINCT FROM icsoe_huella(deleted, data::text)"
)
_CONTENIDO = (
    "SELECT e.rfc, r.tabla, count(*) FROM rows r JOIN empresas e ON e.id = r.empresa_id"
    f" WHERE r.{_CAMBIADOS} {{where}} GROUP BY 1, 2 ORDER BY 1, 2"
)
# Each of them made a version the desktops have not seen, as migration 0009's trigger makes
# an administrator's UPDATE (the push's mark keeps that trigger off this one), and listed.
_NUEVA_VERSION = (
    "WITH cambiados AS (UPDATE rows SET version = version + 1,"
    " updated_at = now() AT TIME ZONE 'UTC', huella = icsoe_huella(deleted, data::text),"
    " texto_visto = texto_actual"
    f" WHERE {_CAMBIADOS} {{where}} RETURNING empresa_id, tabla, uuid)"
    " INSERT INTO outside_edits (empresa_id, tabla, uuid, operacion, at)"
    " SELECT empresa_id, tabla, uuid, 'UPDATE', now() AT TIME ZONE 'UTC' FROM cambiados"
)
# A row whose text changed where no trigger ran but not its content (the same JSON written
# another way): its text kept as seen, so the content check stops parsing it.
_TEXTO_VISTO = (
    "UPDATE rows SET texto_visto = texto_actual"
    " WHERE texto_visto IS DISTINCT FROM texto_actual {where}"
)
_OF_COMPANY = "AND empresa_id = (SELECT id FROM empresas WHERE rfc = :rfc)"
_REPLACE = (
    "DELETE FROM bucket_sums {where}",
    "DELETE FROM bucket_deltas {where}",
    "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total)" + _RECOUNT,
)
_ONE_COMPANY = "WHERE empresa_id = (SELECT id FROM empresas WHERE rfc = :rfc)"
# Sums made again are the server's change: listed, so each desktop that then differs is told
# the server changed (``outside_edits``: migration 0009).
_NOTE_REPAIR = text(
    "INSERT INTO outside_edits (empresa_id, tabla, uuid, operacion, at) "
    "SELECT id, :tabla, '', 'SUMAS', now() AT TIME ZONE 'UTC' FROM empresas WHERE rfc = :rfc"
)
_NEXT_EPOCH = text("UPDATE empresas SET epoca = epoca + 1 WHERE rfc = :rfc")
# A desktop pulled past the company's last sequence: its rows went back (a restore of the data
# only brings back ``empresas`` too). The next epoch, and numbers from past what any desktop saw
# (never one a desktop already took for another row).
_WENT_BACK = text(
    "UPDATE empresas SET epoca = epoca + 1, last_seq = :visto "
    "WHERE id = :empresa AND last_seq < :visto"
)
_EPOCH = text("SELECT epoca FROM empresas WHERE id = :empresa")
# Which database's ``rows`` these are: a new cluster (its system identifier), a new database or
# a table made again (their identifiers) is another history, as after a restore from a backup.
_HISTORY = text(
    "SELECT (SELECT system_identifier FROM pg_control_system())::text || '-' ||"
    " (SELECT oid FROM pg_database WHERE datname = current_database())::text || '-' ||"
    " 'rows'::regclass::oid::text"
)


def huella_de(deleted: bool, data: Mapping[str, Any]) -> int:
    """A row's content fingerprint (``rows.huella``; ``icsoe_huella`` in SQL, migration 0013)
    from ``data`` as the wire carries it: ``domain/contenido.py``, the desktops' too."""
    return contenido.huella(deleted, data)


@dataclass(frozen=True)
class Diferencia:
    """A company's table (or one bucket of its uuids) whose kept sums are not its rows'."""

    rfc: str
    tabla: str
    cubeta: int  # -1: the whole table
    guardados: int  # rows the sums count
    renglones: int  # rows there are

    def texto(self) -> str:
        where = "toda la tabla" if self.cubeta < 0 else f"cubeta {self.cubeta:03x}"
        return (
            f"{self.rfc}\t{self.tabla}\t{where}\t{plural(self.guardados, 'renglón', 'renglones')} en las sumas, "
            f"{self.renglones} en la tabla"
        )


@dataclass(frozen=True)
class Cambiados:
    """A company's table with rows whose content changed where no trigger ran (their version,
    and so the sums, as they were)."""

    rfc: str
    tabla: str
    renglones: int

    def texto(self) -> str:
        return (
            f"{self.rfc}\t{self.tabla}\t{plural(self.renglones, 'renglón', 'renglones')} con el contenido cambiado "
            "sin los disparadores (la misma versión)"
        )


Hallazgo = Diferencia | Cambiados


def mark_push(session: Session | Connection) -> None:
    """Tell the triggers of migration 0009 that this transaction is a push's (PostgreSQL): it
    writes the sums of its rows itself."""
    session.execute(_MARK_PUSH)


def history(session: Session, epoca: int = 0) -> str:
    """This database's history (PostgreSQL): it changes when the database is restored, and
    with the company's ``epoca`` (``reparar`` found rows lost)."""
    base = str(session.execute(_HISTORY).scalar_one())
    return f"{base}-{epoca}" if epoca else base  # (as it was until a first epoch)


def went_back(engine: Engine, empresa_id: int, visto: int) -> str:
    """A desktop saw sequence ``visto``, past the company's last: its rows went back to an
    older copy (a restore, of the data only too). The company's next epoch, so every desktop
    takes the server for restored, and its last sequence raised to ``visto``; nothing when it
    is not past it. The history the summaries name now ("" on SQLite, which names none)."""
    with Session(engine) as session, session.begin():
        moved = session.execute(_WENT_BACK, {"empresa": empresa_id, "visto": visto})
        if moved.rowcount:  # type: ignore[attr-defined]  # (a CursorResult's)
            log.warning(
                "Empresa %d: un equipo vio la secuencia %d; el servidor volvió atrás",
                empresa_id,
                visto,
            )
        if session.get_bind().dialect.name != "postgresql":
            return ""
        epoca = session.execute(_EPOCH, {"empresa": empresa_id}).scalar_one()
        return history(session, int(epoca or 0))


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def verificar(engine: Engine, rfc: str | None = None) -> list[Hallazgo]:
    """Where the kept sums differ from the rows, and the rows whose content changed where no
    trigger ran (of one company, or all); [] on SQLite, whose server sums the rows on every
    read."""
    with engine.connect() as conn:
        if not _postgres(conn):
            return []
        return [*_differences(conn, rfc), *_cambiados(conn, rfc)]


def reparar(engine: Engine, rfc: str | None = None) -> list[Hallazgo]:
    """The rows whose content changed where no trigger ran given a new version, then the kept
    sums replaced by the rows' recount (of one company, or all), with pushes held off
    meanwhile (the rows' table locked against writes); what differed before."""
    with engine.begin() as conn:
        if not _postgres(conn):
            return []
        # (in a push's order: its rows, then its sums; a compaction waits too)
        conn.execute(text("LOCK TABLE rows IN SHARE MODE"))
        conn.execute(text("LOCK TABLE bucket_sums, bucket_deltas IN EXCLUSIVE MODE"))
        found: list[Hallazgo] = [*_differences(conn, rfc)]  # before the new versions
        cambiados = _cambiados(conn, rfc)
        if cambiados:
            mark_push(conn)  # this is the triggers' work, done here
            conn.execute(
                text(_NUEVA_VERSION.format(where=_OF_COMPANY if rfc else "")), {"rfc": rfc}
            )
            found += cambiados
        mark_push(conn)  # (no new version for these)
        conn.execute(text(_TEXTO_VISTO.format(where=_OF_COMPANY if rfc else "")), {"rfc": rfc})
        where = _ONE_COMPANY if rfc else ""
        for statement in _REPLACE:
            conn.execute(text(statement.format(where=where)), {"rfc": rfc})
        for empresa, tabla in dict.fromkeys((d.rfc, d.tabla) for d in found):
            conn.execute(_NOTE_REPAIR, {"rfc": empresa, "tabla": tabla})
        # Rows the sums counted are gone (deleted where no trigger ran, a restore of the data
        # only): the desktops hold them, and the next epoch has them send them back.
        for empresa in dict.fromkeys(
            d.rfc for d in found if isinstance(d, Diferencia) and d.guardados > d.renglones
        ):
            conn.execute(_NEXT_EPOCH, {"rfc": empresa})
    return found


def _cambiados(conn: Connection, rfc: str | None) -> list[Cambiados]:
    where = _OF_COMPANY.replace("empresa_id", "r.empresa_id") if rfc else ""
    found = conn.execute(text(_CONTENIDO.format(where=where)), {"rfc": rfc})
    return [Cambiados(*row) for row in found]


def _differences(conn: Connection, rfc: str | None) -> list[Diferencia]:
    where = _ONE_COMPANY if rfc else ""
    found = conn.execute(text(_DIFFERENCES.format(where=where)), {"rfc": rfc})
    return [Diferencia(*row) for row in found]
