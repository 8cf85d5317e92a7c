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


def hora_del_centro(utc: datetime) -> datetime:
    """A naive UTC time (the app's clock) as an aware time in Central Mexico."""
    return utc.replace(tzinfo=UTC).astimezone(HORA_DEL_CENTRO)


def texto_del_centro(utc: datetime | None, formato: str = "%d/%m/%Y %H:%M") -> str:
    """A stored UTC time as the clerk reads it: in Central Mexico time, the zone the signature,
    the deadlines and the filing are told in (whatever zone the desktop is set to, so that two
    screens, a constancia and an Excel never disagree on a day); "" for None."""
    return "" if utc is None else hora_del_centro(utc).strftime(formato)
