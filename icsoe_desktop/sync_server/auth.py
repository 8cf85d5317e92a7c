"""Who a request comes from: its bearer token's desktop and company (``Authorization: Bearer``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire, tokens
from icsoe_desktop.sync_server.models import AdminToken, DesktopToken, Empresa
from icsoe_desktop.sync_server.protocol import ProtocolError


@dataclass(frozen=True)
class Caller:
    token_id: int
    empresa_id: int
    empresa_rfc: str
    nombre: str
    esquema: str | None = None  # the newest desktop schema the company has synced with
    # The company's catalogue of códigos postales (sync_server/sepomex.py), if any.
    sepomex_huella: str | None = None
    sepomex_fecha: datetime | None = None


def _unauthorized() -> ProtocolError:
    return ProtocolError(
        401,
        "token_invalido",
        "El token de sincronización no es válido o fue revocado.",
        "The sync token is not valid or was revoked.",
    )


def _bearer_hash(header: str | None) -> str:
    if not header or not header.startswith("Bearer ") or len(header) > 300:
        raise _unauthorized()
    return tokens.hash_bearer_token(header[len("Bearer ") :])


def authenticate_admin(engine: Engine, header: str | None) -> str:
    """The name of the server administrator whose token this is. A desktop's token is
    refused (403): it reads and writes its company's rows, never what every desktop installs."""
    token_hash = _bearer_hash(header)
    with Session(engine) as session:
        nombre = session.scalar(
            select(AdminToken.nombre).where(
                AdminToken.token_hash == token_hash, AdminToken.revoked_at.is_(None)
            )
        )
        if nombre is not None:
            return nombre
        escritorio = session.scalar(
            select(DesktopToken.id).where(
                DesktopToken.token_hash == token_hash, DesktopToken.revoked_at.is_(None)
            )
        )
    if escritorio is not None:
        raise ProtocolError(
            403,
            "solo_administrador",
            "Publicar un instalador requiere un token de administrador del servidor "
            "(token create --admin); el de un escritorio no puede.",
            "Publishing an installer needs a server administrator token.",
        )
    raise _unauthorized()


def authenticate(engine: Engine, header: str | None, esquema: str | None = None) -> Caller:
    """The token's desktop and company. ``esquema``: the desktop's schema revision, kept as
    the company's when it is the newest seen (a write only then)."""
    token_hash = _bearer_hash(header)
    # One statement outside a transaction: no BEGIN and ROLLBACK round trips to the database
    # (every request of every desktop comes through here).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        found = connection.execute(
            select(
                DesktopToken.id,
                DesktopToken.empresa_id,
                Empresa.rfc,
                DesktopToken.nombre,
                Empresa.esquema,
                Empresa.sepomex_huella,
                Empresa.sepomex_fecha,
            )
            .join(Empresa, Empresa.id == DesktopToken.empresa_id)
            .where(DesktopToken.token_hash == token_hash, DesktopToken.revoked_at.is_(None))
        ).first()
    if found is None:
        raise _unauthorized()
    caller = Caller(*found)
    if esquema is not None and sync_wire.newer_schema(esquema, caller.esquema or "0000"):
        with engine.begin() as connection:
            connection.execute(
                update(Empresa)
                .where(
                    Empresa.id == caller.empresa_id,
                    or_(Empresa.esquema.is_(None), Empresa.esquema < esquema),
                )
                .values(esquema=esquema)
            )
        caller = replace(caller, esquema=esquema)
    return caller
