"""Time in one place: naive UTC datetimes (SQLite keeps no zone), injectable in services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_local_text(value: datetime | None) -> str:
    """A stored UTC time shown in the desktop's local time, dd/mm/aaaa hh:mm."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M")
