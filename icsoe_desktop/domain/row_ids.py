"""Every stored row's uuid (its identity for the sync): a version 7 UUID (RFC 9562), whose
first 48 bits are the creation time in milliseconds, so rows made one after another get
increasing uuids. Each index keyed by uuid (the row's own, sync_row_state's, the server's)
then takes a new row at its end instead of at a random place: a 100,000-row push wrote the
same random index pages again at every batch, three times the work of recording it in order.
The rest is random (74 bits), so two desktops never make the same one."""

from __future__ import annotations

from uuid_utils import uuid7


def new_uuid() -> str:
    """A new row's uuid, lowercase text as str(uuid.UUID) writes it."""
    return str(uuid7())


__all__ = ["new_uuid"]
