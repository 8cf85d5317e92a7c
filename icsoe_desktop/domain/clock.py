"""Time in one place: naive UTC datetimes (SQLite keeps no zone), injectable in services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

Clock = Callable[[], datetime]

# Central Mexico time, the one the ICSOE's deadlines run on (Lineamientos 5.3): UTC−6 all year
# since the Ley de los Husos Horarios (DOF 28/10/2022) ended daylight saving time in that zone.
HORA_DEL_CENTRO = timezone(timedelta(hours=-6), "Tiempo del Centro de México")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_local_text(value: datetime | None) -> str:
    """A stored UTC time shown in the desktop's local time, dd/mm/aaaa hh:mm."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M")


def hora_del_centro(utc: datetime) -> datetime:
    """A naive UTC time (the app's clock) as an aware time in Central Mexico."""
    return utc.replace(tzinfo=UTC).astimezone(HORA_DEL_CENTRO)
