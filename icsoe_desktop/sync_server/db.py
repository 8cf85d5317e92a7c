"""Database of the sync server: engine, Alembic upgrade, and the admin's token commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import tokens
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.sync_server.models import DesktopToken, Empresa

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # One office on SQLite: a writer waits for another instead of failing at once.
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


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
        empresa = session.scalar(select(Empresa).where(Empresa.rfc == rfc))
        if empresa is None:
            empresa = Empresa(rfc=rfc, last_seq=0)
            session.add(empresa)
            session.flush()
        row = DesktopToken(
            empresa_id=empresa.id, nombre=nombre, token_hash=tokens.hash_bearer_token(token)
        )
        session.add(row)
        session.flush()
        return IssuedToken(row.id, rfc, nombre, token)


def list_tokens(engine: Engine) -> list[tuple[int, str, str, bool]]:
    with Session(engine) as session:
        rows = session.execute(
            select(DesktopToken.id, Empresa.rfc, DesktopToken.nombre, DesktopToken.revoked_at)
            .join(Empresa, Empresa.id == DesktopToken.empresa_id)
            .order_by(DesktopToken.id)
        ).all()
        return [(i, rfc, nombre, revoked is not None) for i, rfc, nombre, revoked in rows]


def revoke_token(engine: Engine, token_id: int) -> bool:
    with Session(engine) as session, session.begin():
        row = session.get(DesktopToken, token_id)
        if row is None:
            return False
        row.revoked_at = row.revoked_at or utcnow()
        return True
