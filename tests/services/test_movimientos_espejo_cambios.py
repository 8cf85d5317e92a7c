"""``movimientos_cambiados`` records each movement written, whoever writes it (an import, the
ORM's edits and removals, another desktop's changes pulled by sync, the demo's bulk path), so
that the find box's copy in memory (services/movimientos/espejo.py) built before those writes
is brought up to date and counts what the store holds now; so is a write of any other column
the grid sorts by (for the columns' orders in memory), and a write of none records nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import update

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store.models import MovimientoRow
from tests.services.movimientos_data import (
    add_registros,
    editar_y_quitar,
    known_rows,
    pull_movimientos,
    write_csv,
)
from tests.services.test_movimientos_espejo import PANELES, _esperado, _filas, _panel

TODAY = date(2026, 11, 22)
TEXTOS = ("ma", "ju", "gar", "pe", "1", "2", "45", "JUAN PEREZ JUAN")


def _ultimo(services) -> int:
    with services.store.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT max(n) FROM movimientos_cambiados").scalar_one())


def _copia(services) -> None:
    """The copy asked for by the window's first count, and built."""
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    assert services.movimientos.buscador.copia.espejos.vigente() is not None


def _cuenta_lo_que_hay(services) -> None:
    """The copy, brought up to date (not read again), counts each find under each panel
    filter as the clerk expects from the rows the store holds now."""
    copias = services.movimientos.buscador.copia.espejos
    construccion = copias._construccion
    for terms in PANELES.values():
        filas = _filas(services.movimientos, terms)
        for buscar in TEXTOS:
            t = termino(buscar)
            assert t is not None
            contado = copias.contar(
                t, _panel(terms), services.movimientos.buscador.almacen.contar_rango
            )
            assert contado == _esperado(filas, buscar), (terms, buscar)
    assert copias._construccion is construccion


def test_the_copy_follows_imports_edits_removals_and_sync_pulls(
    services, tmp_path: Path, clock, monkeypatch
) -> None:
    monkeypatch.setattr(espejo, "MINIMO", 1)
    create_demo_movimientos(services.store, 300, TODAY, batch=70)  # the bulk path
    _copia(services)
    add_registros(services)
    report = services.importador.import_file(write_csv(tmp_path / "a.csv", known_rows()), "t")
    assert report.importados == 6
    _cuenta_lo_que_hay(services)

    editar_y_quitar(services.store)  # through the triggers
    services.store.cambios.anunciar({"movimientos"})
    _cuenta_lo_que_hay(services)

    # A column the grid sorts by, not held by the copy: recorded for the columns' orders in
    # memory (espejo_columnas.py), skipped by the copy. A column no order reads: nothing.
    copia = services.movimientos.buscador.copia.espejos.vigente()
    assert copia is not None
    tocados = set(copia.tocados)
    antes = _ultimo(services)
    with services.store.session() as session:
        session.execute(update(MovimientoRow).where(MovimientoRow.id <= 5).values(sbc=1))
    assert _ultimo(services) == antes + 5
    services.store.cambios.anunciar({"movimientos"})
    _cuenta_lo_que_hay(services)
    assert (
        services.movimientos.buscador.copia.espejos.vigente() is copia and copia.tocados == tocados
    )
    with services.store.session() as session:
        session.execute(update(MovimientoRow).values(version=MovimientoRow.version + 1))
    assert _ultimo(services) == antes + 5

    # Another desktop, its copy built, pulls them all (bulk insert), then changes.
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        create_demo_movimientos(other.store, 200, date(2025, 1, 1))
        _copia(other)
        sent, _applied = pull_movimientos(services, other, clock)
        other.store.cambios.anunciar({"movimientos"})
        _cuenta_lo_que_hay(other)

        with services.store.session() as session:
            session.execute(
                update(MovimientoRow)
                .where(MovimientoRow.id % 3 == 0, MovimientoRow.deleted.is_(False))
                .values(estado="aprobado", fecha=date(2025, 2, 3), primer_apellido="JUAN")
            )
            session.execute(
                update(MovimientoRow).where(MovimientoRow.id % 7 == 0).values(deleted=True)
            )
        pull_movimientos(services, other, clock, first_seq=sent + 1)
        other.store.cambios.anunciar({"movimientos"})
        _cuenta_lo_que_hay(other)
    finally:
        other.close()


def test_a_store_whose_record_of_changes_was_removed_still_counts_right(
    services, monkeypatch
) -> None:
    """A store without the record of written movements (its schema before it, opened
    read-only; here dropped by another program): the copy is read again after each change instead of brought up to date,
    and every count stays the clerk's."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    create_demo_movimientos(services.store, 300, TODAY, batch=70)
    _copia(services)
    with services.store.engine.begin() as conn:
        for nombre in ("insert", "update", "delete", "recorte"):
            conn.exec_driver_sql(f"DROP TRIGGER movimientos_cambiados_{nombre}")
        conn.exec_driver_sql("DROP TABLE movimientos_cambiados")
        conn.exec_driver_sql("UPDATE movimientos SET estado = 'rechazado' WHERE id % 5 = 0")
    services.store.cambios.anunciar({"movimientos"})
    copias = services.movimientos.buscador.copia.espejos
    assert copias.vigente() is None  # cannot be brought up to date: read again
    for terms in PANELES.values():
        filas = _filas(services.movimientos, terms)
        assert services.movimientos.count(Filtro(buscar="ma", **terms)) == _esperado(filas, "ma")
    copias.esperar()
    copia = copias.vigente()
    assert copia is not None and copia.marca is None
    _cuenta_lo_que_hay(services)


def test_movements_written_many_times_are_all_brought_into_the_copy(services, monkeypatch) -> None:
    """More changes recorded than the copy follows movements, but of few movements (each
    written again and again, as a lote sent and answered): the copy reads every change since
    it was read, up to the last, and counts the movements as they are now."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(espejo, "AL_DIA", 5)
    create_demo_movimientos(services.store, 300, TODAY, batch=70)
    _copia(services)
    with services.store.engine.begin() as conn:
        for estado in ("enviado", "aprobado", "rechazado", "enviado", "rechazado"):
            conn.exec_driver_sql(f"UPDATE movimientos SET estado = '{estado}' WHERE id <= 3")
        conn.exec_driver_sql(
            "UPDATE movimientos SET primer_apellido = 'ZAPATA', nombre = 'ROSA' WHERE id = 4"
        )
    services.store.cambios.anunciar({"movimientos"})
    copia = services.movimientos.buscador.copia.espejos.vigente()
    assert copia is not None and copia.tocados == {1, 2, 3, 4}
    _cuenta_lo_que_hay(services)
    for terms in ({}, {"estado": "rechazado"}):
        filas = _filas(services.movimientos, terms)
        assert services.movimientos.count(Filtro(buscar="zapata", **terms)) == _esperado(
            filas, "zapata"
        )
