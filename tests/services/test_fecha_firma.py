"""The note of which signing dates a trusted time-stamp proves (services/informativa/
fecha_firma.py): only a verdict given under today's time-stamp authorities counts, and a note
damaged outside the app proves nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from icsoe_desktop.services.informativa.fecha_firma import CLAVE, al_dia, anotar, probadas
from icsoe_desktop.store.models import SyncState

FIRMADA = datetime(2026, 9, 10, 16, 0, 5, tzinfo=UTC)


def _nota(services, valor: str) -> None:
    with services.store.session() as session:
        session.merge(SyncState(key=CLAVE, value=valor))


def test_only_a_verdict_under_todays_authorities_proves_a_signing_date(services):
    _nota(services, "{esto no es JSON")
    with services.store.session() as session:
        assert probadas(session, "hoy", ["a", "b"]) == set()
        anotar(session, "hoy", {"a": (b"constancia a", FIRMADA), "b": (b"constancia b", None)})
    with services.store.session() as session:
        assert probadas(session, "hoy", ["a", "b", "c"]) == {"a"}
        assert set(al_dia(session, "hoy")) == {"a", "b"}
        assert probadas(session, "otras", ["a"]) == set()  # another set of authorities
        assert probadas(session, "", ["a"]) == set()
        # Noted under other authorities: the old verdicts go.
        anotar(session, "otras", {"b": (b"constancia b", FIRMADA)})
    with services.store.session() as session:
        assert probadas(session, "hoy", ["a", "b"]) == set()
        assert probadas(session, "otras", ["a", "b"]) == {"b"}
    for danada in ('["una lista"]', json.dumps({"autoridades": "hoy", "filas": {"a": [1, 2]}})):
        _nota(services, danada)
        with services.store.session() as session:
            assert probadas(session, "hoy", ["a"]) == set()
