"""movimientos_conteo (per day) and movimientos_total stay equal to COUNT(*) over the live
movements whoever writes: bulk
inserts counted per batch (import, demo data, sync pull), a refused import, the ORM's edits and
removals (the triggers), and sync pulls that insert, change and remove rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store.conteo import INSERT_TRIGGER
from icsoe_desktop.store.models import MovimientoRow
from tests.services.movimientos_data import (
    add_registros,
    editar_y_quitar,
    known_rows,
    pull_movimientos,
    write_csv,
)

TODAY = date(2026, 11, 22)


KEYS = {
    "movimientos_conteo": "registro_patronal, tipo, estado, fecha",
    "movimientos_total": "registro_patronal, tipo, estado",
}


def counts(store, table: str = "movimientos_conteo") -> tuple[dict, dict]:
    """(what ``table`` says, what COUNT(*) says) per its key."""
    key = KEYS[table]
    with store.engine.connect() as conn:
        kept = conn.exec_driver_sql(f"SELECT {key}, n FROM {table} WHERE n != 0")
        exact = conn.exec_driver_sql(
            f"SELECT {key}, count(*) FROM movimientos WHERE deleted = 0 GROUP BY {key}"
        )
        return {tuple(r[:-1]): r[-1] for r in kept}, {tuple(r[:-1]): r[-1] for r in exact}


def assert_exact(services) -> None:
    kept, exact = counts(services.store)
    assert kept == exact
    kept_total, exact_total = counts(services.store, "movimientos_total")
    assert kept_total == exact_total == _by_estado(exact)
    assert services.movimientos.count(Filtro()) == sum(exact.values())
    with services.store.engine.connect() as conn:  # the per-row trigger is back after each bulk
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?"
        assert conn.exec_driver_sql(sql, (INSERT_TRIGGER,)).scalar() == 1


def _by_estado(per_day: dict) -> dict:
    summed: dict = {}
    for (registro, tipo, estado, _fecha), n in per_day.items():
        summed[registro, tipo, estado] = summed.get((registro, tipo, estado), 0) + n
    return summed


@pytest.mark.slow
def test_counts_stay_exact_through_imports_edits_removals_and_sync(
    services, tmp_path: Path, clock
) -> None:
    create_demo_movimientos(services.store, 300, TODAY, batch=70)  # several batches
    assert_exact(services)
    add_registros(services)
    report = services.importador.import_file(write_csv(tmp_path / "a.csv", known_rows()), "t")
    assert report.importados == 6
    assert_exact(services)
    # A refused import rolls back whole: its rows and their counts.
    before = counts(services.store)[1]
    bad = [*known_rows()[:2], {**known_rows()[2], "NSS": "123"}]
    for row in bad[:2]:
        row["Fecha"] = "02/01/2026"
    assert not services.importador.import_file(write_csv(tmp_path / "b.csv", bad), "t").aplicado
    assert counts(services.store)[1] == before
    assert_exact(services)
    # Importing the same file again adds nothing (every movement already there).
    assert services.importador.import_file(tmp_path / "a.csv", "t").importados == 0
    assert_exact(services)
    editar_y_quitar(services.store)  # through the triggers
    assert_exact(services)

    # Another desktop pulls them all (bulk insert), then the changes (ORM updates).
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        sent, applied = pull_movimientos(services, other, clock)
        assert applied == sent
        assert counts(other.store) == counts(services.store)
        assert_exact(other)

        with services.store.session() as session:
            session.execute(
                update(MovimientoRow)
                .where(MovimientoRow.id % 3 == 0, MovimientoRow.deleted.is_(False))
                .values(estado="aprobado", fecha=date(2025, 2, 3))
            )
            session.execute(
                update(MovimientoRow).where(MovimientoRow.id % 7 == 0).values(deleted=True)
            )
        pull_movimientos(services, other, clock, first_seq=sent + 1)
        assert counts(other.store) == counts(services.store)
        assert_exact(other)
    finally:
        other.close()
