"""Times are shown in Central Mexico time, the zone of the signature, the deadlines and the
filing, whatever zone the desktop is set to: a time stored in UTC just after midnight is still
the previous day for the clerk."""

from __future__ import annotations

from datetime import datetime

from icsoe_desktop.domain.clock import texto_del_centro
from icsoe_desktop.services.sync.servicio import SyncStatus

PASADA_LA_MEDIANOCHE_UTC = datetime(2026, 11, 27, 3, 10)  # 26/11 21:10 in Central Mexico


def test_a_time_just_after_midnight_utc_is_the_evening_before_in_central_mexico():
    assert texto_del_centro(PASADA_LA_MEDIANOCHE_UTC) == "26/11/2026 21:10"
    assert texto_del_centro(PASADA_LA_MEDIANOCHE_UTC, "%d/%m/%Y") == "26/11/2026"
    assert texto_del_centro(None) == ""


def test_the_status_bar_says_the_last_sync_in_central_time():
    estado = SyncStatus(True, 0, False, PASADA_LA_MEDIANOCHE_UTC, 0)
    assert estado.texto == "Sincronizado 21:10"
