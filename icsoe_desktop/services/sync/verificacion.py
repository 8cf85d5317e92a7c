"""The sync's drift check and repair: each synced table's row count and checksum compared with
the server's at the same cursor; a table that differs narrowed down (buckets of uuids, then the
uuids' tree: ``domain/sync_tree.py``) to the rows that differ, which are received again, and
what was found is told (the log, the status, the sync's result).

A server restored from a backup lost what was sent after the backup: a row this desktop holds
at a newer version, or that the server no longer has, is sent again instead of received. A
server whose history changed (a whole database restored, or its next epoch:
``sync_server/sumas.py``), or whose last sequence is below what this desktop pulled (its data
alone restored: it is told, and starts its next epoch for the other desktops), is compared
whole at its own cursor, and the pull cursor goes back to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson

from icsoe_desktop.domain import sync_tree, sync_wire
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.sync.apply import apply_remote
from icsoe_desktop.services.sync.check import LocalView, kept_buckets, kept_view, row_versions
from icsoe_desktop.services.sync.contenido import ComparacionContenido
from icsoe_desktop.services.sync.encode import has_pending
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.services.sync.intercambio import Intercambio, Progress, Pulled
from icsoe_desktop.services.sync.recuento import RECONTADO
from icsoe_desktop.services.sync.transporte import Transporte
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedTable, by_name

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

REPAIR_BUCKETS = 500  # buckets of uuids asked for in one request of a repair (a URL of 2 KB)
REPAIR_ROWS = 2000  # rows asked for by uuid in one request of a repair
# The drift check's looks at the server's sums, a pull to catch up between two: while the
# company keeps moving, it waits for a later sync instead of chasing it.
COMPARE_LOOKS = 2
REPAIR_NODES = 400  # nodes of the uuids' tree asked about in one request (URLs of 5 KB)


# Rows kept here marked to be sent again over the server's sequence (``_resend``): a state of a
# row not kept here is left alone (sent, it would be a deletion).
_RESEND = (
    "UPDATE sync_row_state SET dirty = 1, server_seq = r.s "
    "FROM (SELECT value ->> 0 AS u, value ->> 1 AS s FROM json_each(?)) AS r "
    "WHERE sync_row_state.table_name = ? AND sync_row_state.row_uuid = r.u "
    'AND r.u IN (SELECT uuid FROM "{table}")'
)


class _NoTree(Exception):
    """The server does not sum the uuids' tree below its buckets (an older one)."""


@dataclass(frozen=True)
class Comparacion:
    """What the drift check concluded: when the tables matched the server's (ISO), "" when
    they still differ, None when they were not compared; and what the clerk is told of it
    (Spanish, "" when nothing was found)."""

    at: str | None
    aviso: str = ""


SIGUEN_DISTINTOS = (
    "Los datos de este equipo siguen distintos de los del servidor aun después de compararlos "
    "renglón por renglón: avisa a quien administra el servidor de sincronización (debe correr "
    "«sync_server verificar»)."
)


def _aviso(received: int, resent: int, restored: bool, server_changed: bool) -> str:
    """«El servidor cambió; se volvió a comparar: 3 renglones recibidos.»"""
    done = plural(received, "renglón recibido", "renglones recibidos")
    if resent:
        done += ", " + plural(resent, "renglón enviado de nuevo", "renglones enviados de nuevo")
    if restored:
        cause = "El servidor volvió a una copia anterior de sus datos"
    elif server_changed:  # its administrator wrote to its rows outside the app
        cause = "El servidor cambió"
    else:  # this desktop's file, changed outside the app or left behind
        cause = "Los datos de este equipo no coincidían con los del servidor"
    return f"{cause}; se volvió a comparar: {done}."


@dataclass
class RepairFindings:
    """What a repair found, row by row, against the server's listing: rows missing from this
    desktop's file, rows changed without the app (version 0: ``store/sumas.py``), rows at
    another version, and rows this desktop counts that the server does not hold."""

    missing: int = 0
    changed: int = 0
    other_version: int = 0
    extra: int = 0
    resent: int = 0  # sent again, not received (a restored server lost them)

    def count(self, server: dict[str, int], local: dict[str, int], listed: list[str]) -> None:
        """``server``: its (uuid → version) under the ``listed`` nodes of the uuids' tree;
        ``local``: this desktop's, under them or more."""
        for row_uuid, version in server.items():
            mine = local.get(row_uuid)
            if mine == version:
                continue
            if mine is None:
                self.missing += 1
            elif mine == 0:
                self.changed += 1
            else:
                self.other_version += 1
        here = sync_tree.under(local, listed)
        self.extra += sum(1 for row_uuid in here if row_uuid not in server)

    def texto(self, titulo: str) -> str:
        """«Movimiento afiliatorio: 2 renglones faltaban en este equipo, …», or "" when the
        listing found nothing row by row."""
        parts = [
            plural(n, one, many)
            for n, one, many in (
                (
                    self.missing,
                    "renglón faltaba en este equipo",
                    "renglones faltaban en este equipo",
                ),
                (
                    self.changed,
                    "renglón cambiado fuera de la aplicación",
                    "renglones cambiados fuera de la aplicación",
                ),
                (self.other_version, "renglón en otra versión", "renglones en otra versión"),
            )
            if n
        ]
        if parts:
            parts = [", ".join(parts) + "; recibidos de nuevo del servidor"]
        if self.extra:
            parts.append(
                plural(
                    self.extra,
                    "renglón que el servidor no tiene",
                    "renglones que el servidor no tiene",
                )
            )
        if self.resent:
            parts.append(
                plural(
                    self.resent,
                    "renglón enviado de nuevo al servidor",
                    "renglones enviados de nuevo al servidor",
                )
            )
        return f"{titulo}: " + "; ".join(parts) + "." if parts else ""


class Verificacion:
    def __init__(
        self,
        store: Store,
        transporte: Transporte,
        intercambio: Intercambio,
        estado: EstadoSync,
        clock: Clock,
    ) -> None:
        self._store = store
        self._transporte = transporte
        self._intercambio = intercambio
        self._estado = estado
        self._clock = clock
        self._contenido = ComparacionContenido(store, transporte, estado, clock)
        self.reparado = ""  # what the last ``verify`` recounted and repaired (Spanish), if any

    def verify(
        self,
        http: requests.Session,
        base: str,
        report: Progress,
        pulled: Pulled,
        recontado: bool | None = False,
    ) -> Comparacion:
        """Compare each synced table's row count and checksum (uuid + version) with the
        server's; repair a table that differs. «Verificado» (with the time) when they match.
        Skipped while changes wait to be sent (they are differences by design). Both sides'
        sums are kept as rows are written (store/sumas.py; the server's bucket_sums) and each
        side reads its own with its cursor in one snapshot: compared only at the same cursor,
        so a push or a save committing meanwhile is never taken for drift. The caller records
        the outcome. ``pulled``: the sync's pull, maybe with the server's sums at its end.
        ``recontado``: what the sync's recount of this desktop's own sums found before it
        pushed (``recuento.py``): whether they differed from the rows, None when they could not
        be counted (nothing is checked then); ``reparado`` says what was found."""
        told: list[str] = []
        try:
            if recontado is None:
                return Comparacion(None)
            if recontado:
                told.append(RECONTADO)
            return self._verify(http, base, report, pulled, told)
        finally:
            self.reparado = " ".join(t for t in told if t)
            if self.reparado:
                self._estado.escribir(
                    last_repair=self.reparado, last_repair_at=self._clock().isoformat()
                )

    def _verify(
        self,
        http: requests.Session,
        base: str,
        report: Progress,
        pulled: Pulled,
        told: list[str],
    ) -> Comparacion:
        """``verify``'s comparison and repair; what each repair found is added to ``told``."""
        aviso = ""
        found = self._compare(http, base, report, pulled)
        if found is None:
            return Comparacion(None)
        historia = found[0].get("historia", "")
        known = self._estado.leer("server_historia")
        restored = bool(historia and known and historia != known)
        if found[0].get("ultimo", found[1].cursor) < found[1].cursor:
            # This desktop pulled numbers the server no longer has: its rows went back to an
            # older copy (a restore of its data only, which its history does not show). Its
            # next epoch tells every other desktop too.
            log.warning("El servidor volvió atrás de la secuencia %d", found[1].cursor)
            restored = True
            historia = self._went_back(http, base, found[1].cursor) or historia
        ediciones = str(found[0].get("ediciones", ""))
        server_changed = ediciones not in ("", self._estado.leer("server_ediciones") or "0")
        if restored:
            log.warning("El servidor se restauró de un respaldo (otra historia): se compara todo")
            # The pull's sums are at this desktop's cursor, past the server's own now.
            found = self._compare(http, base, report, Pulled())
            if found is None:
                return Comparacion(None)
        summary, mine = found
        drifted = self._drifted(summary["tablas"], mine.sums)
        received = resent = 0
        if drifted:
            log.warning("Tablas distintas del servidor, se reparan: %s", drifted)
            for table in drifted:
                got, sent, texto = self._repair(http, base, table, restored)
                received, resent = received + got, resent + sent
                told.append(texto)
        if restored:
            self._back_to(summary["cursor"])
        if resent:
            self._intercambio.push(http, base, report)
        if historia and historia != known:
            self._estado.escribir(server_historia=historia)
        if ediciones:
            self._estado.escribir(server_ediciones=ediciones)
        if drifted and (restored or server_changed or RECONTADO not in told):
            # A recount already told the clerk this desktop's file was the cause.
            aviso = _aviso(received, resent, restored, server_changed)
        if drifted:
            found = self._compare(http, base, report, Pulled())
            if found is None:
                return Comparacion(None, aviso)
            drifted = self._drifted(found[0]["tablas"], found[1].sums)
        if drifted:
            log.warning("Siguen distintas del servidor: %s", drifted)
            return Comparacion("", SIGUEN_DISTINTOS)
        contenido = self._contenido.compare(http, base, partial(self._receive_rows, http, base))
        if contenido is not None and contenido.faltan:
            # Deleted on the server where no trigger ran: its sums still count them, until
            # its administrator's ``reparar``.
            log.warning("%d renglones de este equipo faltan en el servidor", contenido.faltan)
            return Comparacion("", SIGUEN_DISTINTOS)
        if contenido is not None and contenido.recibidos:
            received += contenido.recibidos
            aviso = _aviso(received, resent, restored, True)
        return Comparacion(self._clock().isoformat(), aviso if received or resent else "")

    def _went_back(self, http: requests.Session, base: str, cursor: int) -> str:
        """The server told it went back (``/v1/epoca``): its history now ("" from a server
        that names none)."""
        answer = self._transporte.call_known(
            http,
            "POST",
            f"{base}/v1/epoca",
            data=orjson.dumps({"visto": cursor}),
            headers={"Content-Type": "application/json"},
        )
        historia = (answer or {}).get("historia")
        return historia if isinstance(historia, str) else ""

    def _back_to(self, cursor: int) -> None:
        """The pull cursor at most the server's: rows numbered after it are the restored
        server's, never pulled yet."""
        mine = int(self._estado.leer("cursor") or 0)
        if cursor < mine:
            self._estado.escribir(cursor=str(cursor))

    def _compare(
        self, http: requests.Session, base: str, report: Progress, pulled: Pulled
    ) -> tuple[sync_wire.Resumen, LocalView] | None:
        """(the server's summaries, this desktop's sums) at the same cursor; None when
        changes wait to be sent or the company kept moving (checked at the next sync). The
        server's are those the last page of ``pulled`` carried (no request of their own), or,
        from a server that sends none with its pages, its ``/v1/resumen``."""
        for attempt in range(COMPARE_LOOKS):  # others may push meanwhile: catch up first
            mine = self._local_view()
            if mine.pending:
                return None
            summary = pulled.summary
            if not pulled.carries_summary:
                summary = self._transporte.read(
                    sync_wire.read_resumen, self._transporte.call(http, "GET", f"{base}/v1/resumen")
                )
            if summary is not None and summary["cursor"] <= mine.cursor:
                return summary, mine
            if attempt < COMPARE_LOOKS - 1:
                pulled = self._intercambio.pull(http, base, 0, report)
        return None

    def _local_view(self) -> LocalView:
        with self._store.session() as session:
            return kept_view(session, has_pending)  # (whether, not how many)

    @staticmethod
    def _drifted(tablas: dict[str, Any], mine: dict[str, tuple[int, int]]) -> list[str]:
        return [
            table.name
            for table in SYNCED_TABLES
            if sync_wire.summary_differs(
                tablas.get(table.name) or {}, *mine.get(table.name, (0, 0))
            )
        ]

    def _repair(
        self, http: requests.Session, base: str, name: str, restored: bool = False
    ) -> tuple[int, int, str]:
        """A table that differs from the server, narrowed down: its buckets of uuids (both
        sides keep each one's checksum), then down the uuids' tree below the buckets that
        differ (``_narrowed``), to each row's version in the nodes that still differ: only the
        rows that differ are received again, and what was found is told (the log, the status).
        A server that keeps no buckets: the whole table. A row held here at a newer version
        than the server's, or that it no longer has, was lost by the server (``restored``, or
        this desktop saw it at a later sequence there): sent again instead (``_resend``),
        never the older version taken. How many rows came, how many were sent again, and
        what was found (Spanish)."""
        theirs = self._transporte.call(http, "GET", f"{base}/v1/resumen", params={"tabla": name})
        cubetas = theirs.get("cubetas")
        if not isinstance(cubetas, dict):
            received = self._repull(http, base, name)
            log.warning("Tabla %s: %d renglones recibidos de nuevo", name, received)
            return received, 0, ""
        table = by_name(name)
        if table is None:  # (names come from SYNCED_TABLES)
            raise ValueError(name)
        with self._store.session() as session:
            mine = kept_buckets(session, table)
        held = {int(b) for b in cubetas if b.isdigit()} | set(mine)
        differing = [
            b
            for b in sorted(held)
            if sync_wire.summary_differs(cubetas.get(str(b)) or {}, *mine.get(b, (0, 0)))
        ]
        with self._store.session() as session:
            local = row_versions(session, table, differing)
        seqs: dict[str, int] = {}
        narrowed = self._narrowed(http, base, name, differing, cubetas, local, seqs)
        found = RepairFindings()
        found.count(narrowed.server, local, narrowed.listed)
        wanted = [u for u, v in narrowed.server.items() if local.get(u) != v]
        # A row held here at a newer version than the server's, or that it no longer has, was
        # lost by the server (a restore): sent again, never the older version taken. Unless
        # the server is known restored, only where this desktop saw the server hold it at a
        # later sequence than the server holds now (a number bumped in this file instead is
        # this file's drift: the server's received).
        newer = [u for u in wanted if local.get(u, 0) > narrowed.server[u]]
        lost = [u for u in sync_tree.under(local, narrowed.listed) if u not in narrowed.server]
        if not restored:
            seen = self._seen_at(table, newer + lost)
            newer = [u for u in newer if seen.get(u, 0) > seqs.get(u, 0)]
            lost = [u for u in lost if seen.get(u, 0) > 0]
        found.resent = self._resend(table, {u: seqs.get(u, 0) for u in newer + lost})
        found.other_version -= len(newer)  # told as sent again, not as received
        found.extra -= len(lost)
        sending = set(newer)
        wanted = [u for u in wanted if u not in sending]
        received = 0
        for first in range(0, len(wanted), REPAIR_ROWS):
            received += self._receive_rows(http, base, name, wanted[first : first + REPAIR_ROWS])
        log.info(
            "Tabla %s: %d sumas y %d renglones listados por el servidor",
            name,
            narrowed.sums,
            narrowed.pairs,
        )
        log.warning(
            "Tabla %s: %d cubetas distintas del servidor, %d renglones recibidos de nuevo",
            name,
            len(differing),
            received,
        )
        told = found.texto(table.spec.titulo or name)
        if told:
            log.warning("%s", told)
        return received, found.resent, told

    def _seen_at(self, table: SyncedTable, uuids: list[str]) -> dict[str, int]:
        """The server's sequence each of ``uuids`` had when this desktop last synced it."""
        if not uuids:
            return {}
        with self._store.session() as session:
            found = session.connection().exec_driver_sql(
                "SELECT row_uuid, server_seq FROM sync_row_state WHERE table_name = ? "
                "AND row_uuid IN (SELECT value FROM json_each(?))",
                (table.name, orjson.dumps(uuids).decode()),
            )
            return {row_uuid: int(seq or 0) for row_uuid, seq in found}

    def _resend(self, table: SyncedTable, seqs: dict[str, int]) -> int:
        """The rows of ``seqs`` (uuid → the sequence the server holds of it, 0: none) that
        this desktop keeps, marked to be sent again, each over the server's version (no
        conflict: the server lost the version this desktop saw); how many."""
        if not seqs:
            return 0
        with self._store.session() as session:
            marked = session.connection().exec_driver_sql(
                _RESEND.format(table=table.name),
                (orjson.dumps(list(seqs.items())).decode(), table.name),
            )
            return int(marked.rowcount)

    def _narrowed(
        self,
        http: requests.Session,
        base: str,
        name: str,
        differing: list[int],
        cubetas: dict[str, Any],
        local: dict[str, int],
        seqs: dict[str, int],
    ) -> sync_tree.Narrowed:
        """The server's versions of the rows where the differing buckets differ: split down
        the uuids' tree (``domain/sync_tree.py``), or, from a server without it, every row of
        those buckets. ``seqs``: filled with the server's sequence of each row listed."""

        def ask(path: str, nodes: list[str]) -> list[dict[str, Any]]:
            # Buckets as «cubetas», which every server with buckets reads; finer nodes as
            # «sufijos», asked of a server only once it summed their parents.
            answers = []
            for i in range(0, len(nodes), REPAIR_NODES):
                chunk = nodes[i : i + REPAIR_NODES]
                buckets = [str(int(n, 16)) for n in chunk if len(n) == 3]
                finer = [n for n in chunk if len(n) > 3]
                params = {"tabla": name}
                if path.endswith("versiones") and buckets:
                    params["cubetas"] = ",".join(buckets)
                    chunk = finer
                if chunk:
                    params["sufijos"] = ",".join(chunk)
                answers.append(self._transporte.call(http, "GET", f"{base}{path}", params=params))
            return answers

        def children(nodes: list[str]) -> dict[str, Any]:
            found: dict[str, Any] = {}
            for answer in ask("/v1/resumen", nodes):
                if not isinstance(answer.get("sufijos"), dict):
                    raise _NoTree
                found.update(answer["sufijos"])
            return found

        def pairs(nodes: list[str]) -> dict[str, int]:
            found: dict[str, int] = {}
            for listed in ask("/v1/versiones", nodes):
                uuids, numbers = listed.get("uuid") or [], listed.get("version") or []
                found.update(zip(uuids, numbers, strict=False))
                seqs.update(zip(uuids, listed.get("seq") or [], strict=False))
            return found

        nodes = {
            f"{b:03x}": int((cubetas.get(str(b)) or {}).get("renglones", 0)) for b in differing
        }
        try:
            return sync_tree.narrow(nodes, local, children, pairs)
        except _NoTree:
            pass
        everything = sync_tree.Narrowed({}, listed=list(nodes))
        for start in range(0, len(differing), REPAIR_BUCKETS):  # URLs of a few KB
            chunk = differing[start : start + REPAIR_BUCKETS]
            listed = self._transporte.call(
                http,
                "GET",
                f"{base}/v1/versiones",
                params={"tabla": name, "cubetas": ",".join(map(str, chunk))},
            )
            uuids, numbers = listed.get("uuid") or [], listed.get("version") or []
            everything.server.update(zip(uuids, numbers, strict=False))
            seqs.update(zip(uuids, listed.get("seq") or [], strict=False))
        everything.pairs = len(everything.server)
        return everything

    def _receive_rows(self, http: requests.Session, base: str, name: str, uuids: list[str]) -> int:
        """Some rows of one table received again by uuid and applied where the local copy is
        not the server's; how many came."""
        answer = self._transporte.call(
            http,
            "POST",
            f"{base}/v1/renglones",
            data=orjson.dumps({"tabla": name, "uuids": uuids}),
            headers={"Content-Type": "application/json"},
        )
        page = self._transporte.read(sync_wire.read_pull_page, answer, None)
        size = sync_wire.page_size(page)
        if size:
            with self._intercambio.applying() as session:
                apply_remote(session, page["grupos"], self._clock(), repair=True)
            self._intercambio.apply_waiting()
        return size

    def _repull(self, http: requests.Session, base: str, name: str) -> int:
        """Every row of one table again, applied where the local copy is not the server's;
        how many rows came."""
        since = received = 0
        while True:
            page = self._intercambio.pull_page(http, base, since, name)
            size, since = sync_wire.page_size(page), page["cursor"]
            received += size
            if size:
                with self._intercambio.applying() as session:
                    apply_remote(session, page["grupos"], self._clock(), repair=True)
            if size < self._intercambio.pull_rows:
                break
        self._intercambio.apply_waiting()
        return received
