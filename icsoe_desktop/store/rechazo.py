"""A pulled row a table's own check refuses to write (``SyncedTable.refuse``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rechazo:
    mensaje: str  # what the user reads (Spanish)
    renglon: str  # which row, as the bitácora names it («RFC periodo»)
    problema: str  # what does not agree (Spanish), for the log and the bitácora


__all__ = ["Rechazo"]
