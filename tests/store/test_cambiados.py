"""What a unit of work wrote is announced once it committed, derived from its session (store/
cambiados.py): rows added, changed or deleted, and ORM statements; a rollback tells nothing;
within one operation the store's and the service's announcements are heard once, together.
Every table of the store is placed: a kind of data, or none that a window shows."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from icsoe_desktop.domain.cambios import ICSOE, REGISTROS
from icsoe_desktop.store.cambiados import CLASE_DE_TABLA, SIN_VENTANA
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import AuditEntry, Base, RegistroPatronal


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "empresa.sqlite3")
    yield store
    store.close()


@pytest.fixture
def oido(store):
    heard: list[frozenset[str]] = []
    store.cambios.escuchar(heard.append)
    return heard


def _registro(numero: str = "Y5412345106") -> RegistroPatronal:
    return RegistroPatronal(registro=numero, rfc="ABC010101AB1", razon_social="Nóminas del Centro")


def test_a_commit_is_heard_with_the_kinds_it_wrote_and_a_read_or_the_log_with_none(store, oido):
    with store.session() as session:
        session.add(_registro())
        session.add(AuditEntry(actor="admin@nominas.com", action="alta", target="Y5412345106"))
    assert oido == [frozenset({REGISTROS})]
    with store.session() as session:
        session.scalars(select(RegistroPatronal)).all()
        session.add(AuditEntry(actor="admin@nominas.com", action="consulta", target=""))
    with store.session() as session:
        fila = session.scalars(select(RegistroPatronal)).one()
        fila.razon_social = fila.razon_social  # set to what it was: nothing changed
    assert oido == [frozenset({REGISTROS})]


def test_a_change_a_delete_and_an_update_statement_are_heard(store, oido):
    with store.session() as session:
        session.add(_registro())
    with store.session() as session:
        session.scalars(select(RegistroPatronal)).one().razon_social = "Otra"
    with store.session() as session:
        session.execute(update(RegistroPatronal).values(deleted=True))
    with store.session() as session:
        session.delete(session.scalars(select(RegistroPatronal)).one())
    assert oido == [frozenset({REGISTROS})] * 4


def test_a_rolled_back_unit_of_work_tells_nothing(store, oido):
    with pytest.raises(RuntimeError), store.session() as session:
        session.add(_registro())
        session.flush()
        raise RuntimeError("a refusal after the rows were flushed")
    assert oido == []
    with store.session() as session:
        assert session.scalars(select(RegistroPatronal)).all() == []


def test_an_operation_is_heard_once_with_what_it_wrote_and_what_it_said(store, oido):
    with store.cambios.operacion():
        with store.session() as session:
            session.add(_registro())
        with store.cambios.operacion():  # a service called by another
            store.cambios.anunciar({ICSOE})
        with store.session() as session:
            session.add(_registro("Y5412345107"))
        store.cambios.anunciar({REGISTROS})
        assert oido == []  # not yet: the operation runs
    assert oido == [frozenset({REGISTROS, ICSOE})]


def test_an_operation_that_raises_tells_what_committed_before(store, oido):
    with pytest.raises(RuntimeError), store.cambios.operacion():
        with store.session() as session:
            session.add(_registro())
        raise RuntimeError("the operation failed after its first unit of work")
    assert oido == [frozenset({REGISTROS})]


def test_every_table_is_a_kind_of_data_or_shown_by_no_window():
    tablas = set(Base.metadata.tables)
    sin_lugar = tablas - set(CLASE_DE_TABLA) - SIN_VENTANA
    assert sin_lugar == set(), "place them in store/cambiados.py: a kind, or SIN_VENTANA"
    assert (set(CLASE_DE_TABLA) | SIN_VENTANA) - tablas == set()
    assert not set(CLASE_DE_TABLA) & SIN_VENTANA
