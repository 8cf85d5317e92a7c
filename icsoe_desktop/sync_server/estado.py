"""``GET /v1/estado``: who the desktop is to this server and the largest push it takes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.models import Empresa
from icsoe_desktop.sync_server.protocol import MAX_BATCH_ROWS, MAX_BODY_BYTES

PROTOCOL_VERSION = sync_wire.PROTOCOL


def estado(
    engine: Engine, caller: Caller, max_rows: int = MAX_BATCH_ROWS, max_body: int = MAX_BODY_BYTES
) -> dict[str, Any]:
    """Who the desktop is to this server, and the largest push it takes (rows and bytes): a
    desktop sends batches that big (fewer round trips), one that reads no limit here sends
    the size every server takes (sync_wire.OLD_SERVER_BATCH_ROWS)."""
    with Session(engine) as session:
        last_seq = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    return {
        "protocolo": PROTOCOL_VERSION,
        "empresa": caller.empresa_rfc,
        "escritorio": caller.nombre,
        "cursor": last_seq,
        "esquema": caller.esquema,
        "max_renglones": max_rows,
        "max_bytes": max_body,
    }
