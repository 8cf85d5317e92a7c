"""Database of the sync server: engine, Alembic upgrade, and the admin's token commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import orjson
from sqlalchemy import Engine, create_engine, delete, insert, select, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain import tokens
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.sync_server.models import AdminToken, DesktopToken, Empresa, PushBatch

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# A request waits this long for a database connection, then is answered 503 with Retry-After
# (well under the desktop's 30 s timeout).
POOL_TIMEOUT_S = 10
# Any number that no other code of the server's database uses as an advisory lock.
MIGRATION_LOCK = 0x1C50E_5C
BATCH_DAYS = 7


def _json_text(value: object) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, pool_size: int = 5, pool_timeout: float = POOL_TIMEOUT_S) -> Engine:
    if url.startswith("sqlite"):
        # One office on SQLite: a writer waits for another instead of failing at once.
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(
        url,
        # orjson for the rows' JSONB both ways (a pull page of 5,000 rows, a batch's updates).
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
        pool_pre_ping=True,
        # Up to three times ``pool_size`` connections, kept open once a burst opened them: a
        # connection opened for one request and closed after it (an overflow) costs a new
        # PostgreSQL process and its caches each time, while 32 desktops sync at once.
        pool_size=3 * pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
    )


def upgrade(engine: Engine) -> None:
    """Bring the schema to head. On PostgreSQL under an advisory lock held by the migration's
    transaction: several server processes started at once on a fresh database migrate once
    (the others wait, then find it at head)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def prune_batches(engine: Engine, empresa_id: int | None = None, days: int = BATCH_DAYS) -> int:
    """Forget answered push batches older than ``days``. A desktop retries a batch whose answer
    it lost within seconds or at its next sync, never a week later; and a batch sent again
    after its record is gone changes nothing (its rows are already there, same version and
    data), it only answers without the conflicts of the first time."""
    cutoff = utcnow() - timedelta(days=days)
    with engine.begin() as conn:
        query = delete(PushBatch).where(PushBatch.created_at < cutoff)
        if empresa_id is not None:
            query = query.where(PushBatch.empresa_id == empresa_id)
        return conn.execute(query).rowcount


@dataclass(frozen=True)
class IssuedToken:
    id: int
    empresa: str
    nombre: str
    token: str  # shown once; only its hash is stored


def create_token(engine: Engine, empresa_rfc: str, nombre: str) -> IssuedToken:
    rfc = check_rfc(empresa_rfc)
    nombre = " ".join(nombre.split())[:100] or "Escritorio"
    token = tokens.new_bearer_token()
    with Session(engine) as session, session.begin():
        # (its id only: a token is made on a database at any revision, tests of migrations too)
        empresa_id = session.scalar(select(Empresa.id).where(Empresa.rfc == rfc))
        if empresa_id is None:
            empresa_id = session.execute(
                insert(Empresa)
                .values(rfc=rfc, last_seq=0, created_at=utcnow())
                .returning(Empresa.id)
            ).scalar_one()
        row = DesktopToken(
            empresa_id=empresa_id, nombre=nombre, token_hash=tokens.hash_bearer_token(token)
        )
        session.add(row)
        session.flush()
        return IssuedToken(row.id, rfc, nombre, token)


def create_admin_token(engine: Engine, nombre: str) -> IssuedToken:
    """A server administrator's token (publishes the installer over HTTP; no company's rows)."""
    nombre = " ".join(nombre.split())[:100] or "Administrador"
    token = tokens.new_bearer_token()
    with Session(engine) as session, session.begin():
        row = AdminToken(nombre=nombre, token_hash=tokens.hash_bearer_token(token))
        session.add(row)
        session.flush()
        return IssuedToken(row.id, "", nombre, token)


def list_admin_tokens(engine: Engine) -> list[tuple[int, str, bool]]:
    with Session(engine) as session:
        rows = session.execute(
            select(AdminToken.id, AdminToken.nombre, AdminToken.revoked_at).order_by(AdminToken.id)
        ).all()
        return [(i, nombre, revoked is not None) for i, nombre, revoked in rows]


_Token = TypeVar("_Token", AdminToken, DesktopToken)


def revoke_admin_token(engine: Engine, token_id: int) -> bool:
    return _revoke(engine, AdminToken, token_id)


def list_tokens(engine: Engine) -> list[tuple[int, str, str, bool]]:
    with Session(engine) as session:
        rows = session.execute(
            select(DesktopToken.id, Empresa.rfc, DesktopToken.nombre, DesktopToken.revoked_at)
            .join(Empresa, Empresa.id == DesktopToken.empresa_id)
            .order_by(DesktopToken.id)
        ).all()
        return [(i, rfc, nombre, revoked is not None) for i, rfc, nombre, revoked in rows]


def revoke_token(engine: Engine, token_id: int) -> bool:
    return _revoke(engine, DesktopToken, token_id)


def _revoke(engine: Engine, model: type[_Token], token_id: int) -> bool:
    """False when there is no such token; revoking twice keeps the first date."""
    with Session(engine) as session, session.begin():
        row = session.get(model, token_id)
        if row is None:
            return False
        row.revoked_at = row.revoked_at or utcnow()
        return True
