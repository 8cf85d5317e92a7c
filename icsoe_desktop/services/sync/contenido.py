"""The content check: after the drift check found this desktop's sums equal to the server's
(they count uuid and version), each table's content compared too, by the sum of its rows'
content fingerprints (``domain/contenido.py``, the server's own definition), so that content
the server's administrator changed where no trigger ran (``session_replication_role =
replica``: same version, the server's kept sums unchanged) is not «Verificado». Narrowed like
the drift check: tables, then buckets of uuids, then rows; a row whose content differs at the
same version is marked changed without the app (version 0, as ``store/sumas.py`` marks one)
and received again; a row held here that the server no longer lists (deleted where no trigger
ran) is only counted: until ``sync_server reparar`` the clerk is told to call the
administrator.

Both sides hash the rows as they are: the server its rows (``sync_server/contenido.py``), this
desktop every row that travels, encoded as its push would carry it (``encode.fingerprints``),
except the rows whose fingerprint it keeps with their state (``SyncRowState.huella``: the
server's, at a pull or a push's answer), summed by SQLite (``encode.fingerprint_summary``);
each row's listed only for a table that differs.
Compared only with a server at this desktop's schema (other columns, other content)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.services.sync.encode import fingerprint_summary, fingerprints
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.services.sync.transporte import Transporte
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedTable

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

# Both sides hash every row (a second per 20,000 on each, bench/contenido.py): not at every
# sync. Content changed where no trigger ran is noticed within this.
CONTENT_EVERY = timedelta(hours=1)
LISTED_BUCKETS = 500  # buckets whose rows are listed in one request (a URL of 2 KB)
RECEIVED_ROWS = 2000  # rows received again in one request
# (an append-only row never changes here: received again it would not be applied)
CHECKED_TABLES = [t for t in SYNCED_TABLES if not t.append_only]
_MARK_CHANGED = 'UPDATE "{table}" SET version = 0 WHERE uuid IN (SELECT value FROM json_each(?))'

Receive = Callable[[str, list[str]], int]  # (table, uuids) → rows received again


@dataclass
class Hallazgo:
    """What the content check found: rows received again (their content was not the
    server's), and rows held here the server no longer has."""

    recibidos: int = 0
    faltan: int = 0


class ComparacionContenido:
    def __init__(
        self, store: Store, transporte: Transporte, estado: EstadoSync, clock: Clock
    ) -> None:
        self._store = store
        self._transporte = transporte
        self._estado = estado
        self._clock = clock

    def compare(self, http: requests.Session, base: str, receive: Receive) -> Hallazgo | None:
        """Each checked table's content against the server's, once every ``CONTENT_EVERY``
        (until then, and after it found rows the server lost, at every sync); rows that
        differ received again through ``receive``. None: not compared (not due, a server
        without the check, or at another schema)."""
        last = self._estado.leer("contenido_at")
        now = self._clock()
        if last and now - datetime.fromisoformat(last) < CONTENT_EVERY:
            return None
        found = self._compare(http, base, receive)
        if found is not None and not found.faltan:
            self._estado.escribir(contenido_at=now.isoformat())
        return found

    def _compare(self, http: requests.Session, base: str, receive: Receive) -> Hallazgo | None:
        answer = self._transporte.call_known(http, "GET", f"{base}/v1/contenido")
        if answer is None or answer.get("esquema") != self._transporte.schema:
            return None
        tablas = answer.get("tablas")
        found = Hallazgo()
        for table in CHECKED_TABLES:
            theirs = tablas.get(table.name) if isinstance(tablas, dict) else None
            with self._store.session() as session:
                rows, total = fingerprint_summary(session, table)
            if sync_wire.summary_differs(theirs or {}, rows, total):
                self._repair(http, base, table, self.fingerprints(table), receive, found)
        return found

    def fingerprints(self, table: SyncedTable) -> dict[str, tuple[int, int]]:
        """uuid → (version, content fingerprint) of each row of ``table`` that travels."""
        with self._store.session() as session:
            return {
                row_uuid: (version, huella)
                for row_uuid, version, huella in fingerprints(session, table)
            }

    def _repair(
        self,
        http: requests.Session,
        base: str,
        table: SyncedTable,
        mine: dict[str, tuple[int, int]],
        receive: Receive,
        found: Hallazgo,
    ) -> None:
        url = f"{base}/v1/contenido"
        theirs = self._transporte.call(http, "GET", url, params={"tabla": table.name})
        differing = _differing(theirs.get("cubetas"), mine)
        server: dict[str, tuple[int, int]] = {}
        for first in range(0, len(differing), LISTED_BUCKETS):
            chunk = differing[first : first + LISTED_BUCKETS]
            listed = self._transporte.call(
                http, "GET", url, params={"tabla": table.name, "cubetas": ",".join(map(str, chunk))}
            )
            server.update(_pairs(listed))
        wanted = set(differing)
        here = [u for u in mine if sync_wire.bucket_of(u) in wanted]
        # At the same version only: another version is the drift check's (or a push's since).
        changed = [
            u for u in here if u in server and mine[u][0] == server[u][0] and mine[u] != server[u]
        ]
        found.faltan += sum(1 for u in here if u not in server)
        if changed:
            log.warning(
                "Tabla %s: %d renglones con otro contenido que el del servidor (la misma versión)",
                table.name,
                len(changed),
            )
            with self._store.session() as session:
                session.connection().exec_driver_sql(
                    _MARK_CHANGED.format(table=table.name), (orjson.dumps(changed).decode(),)
                )
            for first in range(0, len(changed), RECEIVED_ROWS):
                found.recibidos += receive(table.name, changed[first : first + RECEIVED_ROWS])


def _differing(cubetas: Any, mine: dict[str, tuple[int, int]]) -> list[int]:
    """The buckets whose rows and sum of fingerprints here are not the server's
    ``cubetas``."""
    if not isinstance(cubetas, dict):
        cubetas = {}
    by_bucket: dict[int, tuple[int, int]] = {}
    for row_uuid, (_version, value) in mine.items():
        bucket = sync_wire.bucket_of(row_uuid)
        rows, total = by_bucket.get(bucket, (0, 0))
        by_bucket[bucket] = (rows + 1, total + value)
    held = {int(b) for b in cubetas if isinstance(b, str) and b.isdigit()} | set(by_bucket)
    return [
        b
        for b in sorted(held)
        if sync_wire.summary_differs(cubetas.get(str(b)) or {}, *by_bucket.get(b, (0, 0)))
    ]


def _pairs(listed: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """uuid → (version, fingerprint) of a listing (values the server sent that are not
    numbers count as no fingerprint)."""
    uuids, versions, huellas = (listed.get(k) or [] for k in ("uuid", "version", "huella"))
    found: dict[str, tuple[int, int]] = {}
    for row_uuid, version, value in zip(uuids, versions, huellas, strict=False):
        try:
            found[str(row_uuid)] = (int(version), int(value))
        except (TypeError, ValueError):
            found[str(row_uuid)] = (-1, -1)
    return found


__all__ = ["CHECKED_TABLES", "CONTENT_EVERY", "ComparacionContenido", "Hallazgo"]
