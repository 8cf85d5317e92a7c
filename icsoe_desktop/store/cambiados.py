"""What a unit of work changed, derived from what its session wrote: the kinds of data
(domain/cambios.py) of the tables it flushed or wrote with an ORM statement, kept until it
commits (a rollback forgets them). ``Store.session`` announces them once the session closed,
so a service operation that writes and says nothing still wakes the windows that show it, as
the sync's tracking (store/tracking.py) sees every write to send it.

Every table is placed: a kind, or in ``SIN_VENTANA`` (what no window shows), so a new table is
a decision here (tests/store/test_cambiados.py).

Each transaction also counts, in the same transaction, the kinds it wrote under its writer's
number (``clases_cambiadas``, one row per kind and writer: ``anotar``), so another program's
commit is told to the open app kind by kind (store/vigencia.py) — the command line importing
receipts beside the app wakes its receipts' windows. Kill-safe by construction: the count
commits with the rows or not at all. A bulk insert through the driver, which the session does
not see, says its kinds with ``anotar`` (the receipts' and the movements' imports).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from icsoe_desktop.domain.cambios import (
    CERTIFICADOS,
    CONFLICTOS,
    EMPRESA,
    EVIDENCIAS,
    ICSOE,
    LOTES,
    MOVIMIENTOS,
    NOMINA,
    REGISTROS,
)

CLASE_DE_TABLA = {
    "movimientos": MOVIMIENTOS,
    "lotes": LOTES,
    "lote_movimientos": LOTES,
    "registros_patronales": REGISTROS,
    "certificados_imss": CERTIFICADOS,
    "sync_conflicts": CONFLICTOS,
    "empresa": EMPRESA,
    "evidencia_documentos": EVIDENCIAS,
    "evidencia_paquetes": EVIDENCIAS,
    "evidencia_entregas": EVIDENCIAS,
    "evidencia_conteo": EVIDENCIAS,
    "nomina_xml": EVIDENCIAS,
    **dict.fromkeys(
        (
            "icsoe_contratistas",
            "icsoe_capturistas",
            "icsoe_capturista_relaciones",
            "icsoe_contratantes",
            "icsoe_informativas",
            "icsoe_contratos",
            "icsoe_contrato_trabajadores",
            "repse_registros",
            "repse_servicios",
            "sisub_contratos",
            "sisub_reportes",
            "sisub_trabajadores",
            "sisub_pdfs",
            "sisub_guias",
        ),
        ICSOE,
    ),
    **dict.fromkeys(
        (
            "nomina_recibos",
            "nomina_percepciones",
            "nomina_incapacidades",
            "nomina_subcontrataciones",
            "nomina_sustituidos",
        ),
        NOMINA,
    ),
}
# Tables no window lists as they change: the installation's catalog, the sync's and the
# grid's bookkeeping (kept by triggers), the audit log, mail and one-use codes.
SIN_VENTANA = frozenset(
    {
        "idse_users",
        "login_throttle",
        "one_time_tokens",
        "empresas",
        "empresa_accesos",
        "sync_row_state",
        "sync_sums",
        "sync_state",
        "sync_pending",
        "sync_unsent",
        "movimientos_conteo",
        "movimientos_total",
        "movimientos_cambiados",
        "clases_cambiadas",
        "outbox",
        "audit_log",
        "audit_cadena",
    }
)

_ESCRITAS = "cambiados_escritos"  # this transaction's kinds, until it commits
CONFIRMADAS = "cambiados_confirmados"  # the committed ones, until the session closes
_ANOTADAS = "cambiados_anotados"  # this transaction's kinds already counted in the file
_ESCRITOR = "cambiados_escritor"  # the store's ``Escritor`` (the sessionmaker's info)

# Rows of other writers untouched this long are let go of (a writer's row only says «it wrote
# since you last looked»: a reader that has not looked for a week reads everything again).
OLVIDO_S = 7 * 24 * 3600
_ANOTAR = (
    "INSERT INTO clases_cambiadas (clase, proceso, n, momento) VALUES (?, ?, 1, ?) "
    "ON CONFLICT (clase, proceso) DO UPDATE SET n = n + 1, momento = excluded.momento"
)
_OLVIDAR = "DELETE FROM clases_cambiadas WHERE proceso != ? AND momento < ?"


@dataclass
class Escritor:
    """One opened store as a writer: its random number, and whether it let go of the stale
    rows yet (once, with its first write: no write at opening)."""

    proceso: int
    podado: bool = False


def _clases(tablas: set[str]) -> set[str]:
    return {CLASE_DE_TABLA[t] for t in tablas if t in CLASE_DE_TABLA}


def _escritas(session: Session) -> set[str]:
    escritas: set[str] = session.info.setdefault(_ESCRITAS, set())
    return escritas


def _al_escribir(session: Session, _context: object) -> None:
    """after_flush: the tables of the rows added, changed or deleted (still listed here)."""
    modelos = {type(obj) for obj in chain(session.new, session.deleted)}
    for obj in session.dirty:
        if type(obj) not in modelos and session.is_modified(obj):
            modelos.add(type(obj))
    tablas = {inspect(modelo).local_table.name for modelo in modelos}
    _anotar(session, _clases(tablas))


def _al_ejecutar(estado: ORMExecuteState) -> None:
    """do_orm_execute: an INSERT, UPDATE or DELETE statement run through the session."""
    if estado.is_insert or estado.is_update or estado.is_delete:
        tabla: Any = getattr(estado.statement, "table", None)
        if tabla is not None and getattr(tabla, "name", None):
            _anotar(estado.session, _clases({tabla.name}))


def anotar(session: Session, clases: set[str]) -> None:
    """``clases`` written in ``session``'s transaction by statements it does not see (a bulk
    insert through the driver): counted and announced as its own writes are."""
    _anotar(session, set(clases))


def _anotar(session: Session, clases: set[str]) -> None:
    """``clases`` written by this transaction: kept for the announcement, and counted in the
    file once per transaction and kind (store/vigencia.py reads the other writers' counts)."""
    _escritas(session).update(clases)
    escritor: Escritor | None = session.info.get(_ESCRITOR)
    anotadas: set[str] = session.info.setdefault(_ANOTADAS, set())
    nuevas = clases - anotadas
    if escritor is None or not nuevas:
        return
    anotadas.update(nuevas)
    conn = session.connection()
    ahora = int(time.time())
    if not escritor.podado:
        conn.exec_driver_sql(_OLVIDAR, (escritor.proceso, ahora - OLVIDO_S))
        escritor.podado = True
    conn.exec_driver_sql(_ANOTAR, [(clase, escritor.proceso, ahora) for clase in sorted(nuevas)])


def _al_confirmar(session: Session) -> None:
    session.info.pop(_ANOTADAS, None)
    escritas = session.info.pop(_ESCRITAS, None)
    if escritas:
        session.info.setdefault(CONFIRMADAS, set()).update(escritas)


def _al_deshacer(session: Session) -> None:
    session.info.pop(_ESCRITAS, None)
    session.info.pop(_ANOTADAS, None)


def seguidas(
    sessions: sessionmaker[Session], escritor: Escritor | None = None
) -> sessionmaker[Session]:
    """``sessions`` that keep, in ``info[CONFIRMADAS]``, the kinds each commit wrote, and
    count them in the file as ``escritor``'s."""
    if escritor is not None:
        sessions.kw.setdefault("info", {})[_ESCRITOR] = escritor
    event.listen(sessions, "after_flush", _al_escribir)
    event.listen(sessions, "do_orm_execute", _al_ejecutar)
    event.listen(sessions, "after_commit", _al_confirmar)
    event.listen(sessions, "after_rollback", _al_deshacer)
    return sessions


__all__ = ["CLASE_DE_TABLA", "CONFIRMADAS", "SIN_VENTANA", "Escritor", "anotar", "seguidas"]
