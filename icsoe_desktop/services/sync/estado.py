"""The sync's own notes in the empresa's store (``sync_state``, key → text): the pull cursor,
the batch waiting for its answer, this desktop's id, when it last synced and matched the
server, what the last repair found, the catalogue agreed with the server."""

from __future__ import annotations

from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import SyncState


class EstadoSync:
    def __init__(self, store: Store) -> None:
        self._store = store

    def leer(self, key: str) -> str:
        """The note under ``key`` ("" when there is none)."""
        with self._store.session() as session:
            row = session.get(SyncState, key)
            return row.value if row else ""

    def escribir(self, **values: str) -> None:
        with self._store.session() as session:
            for key, value in values.items():
                session.merge(SyncState(key=key, value=value))
