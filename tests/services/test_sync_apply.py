"""Applying pulled rows to a real SQLite store: a row that does not fit the table is set apart
as an «invalido» conflict (never half-applied, never a crash), and the good rows still land."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import contenido, sync_wire
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro, Orden
from icsoe_desktop.services.sync.apply import apply_remote, record_push_results
from icsoe_desktop.services.sync.encode import local_changes
from icsoe_desktop.store.models import (
    CertificadoImss,
    MovimientoRow,
    RegistroPatronal,
    SyncConflict,
    SyncRowState,
)
from tests.store.test_pendientes import answer_push
from tests.store.test_sumas import assert_kept_equal_scanned

TODAY = date(2026, 11, 22)


def apply_page(session, wire: list[dict], now, huellas: list | None = None, **kwargs):
    """``apply_remote`` of a page as a server sends it: column by column, one group per table
    and set of columns; ``huellas``: each row's content fingerprint, sent beside it."""
    stored = [
        (
            r["table"],
            r["uuid"],
            r["seq"],
            r["version"],
            datetime.fromisoformat(r["updated_at"]),
            r["deleted"],
            r["data"],
        )
        for r in wire
    ]
    if huellas is not None:
        stored = [(*row, h) for row, h in zip(stored, huellas, strict=True)]
    return apply_remote(session, sync_wire.pulled_groups(stored), now, **kwargs)


def test_pulled_rows_that_do_not_fit_are_kept_apart_and_the_rest_land(
    services, tmp_path: Path, clock
) -> None:
    create_demo_movimientos(services.store, 5, TODAY)
    with services.store.session() as session:
        wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    good, bad_date, text_money, missing, number_curp = wire
    bad_date["data"]["fecha"] = "2026-02-30"
    text_money["data"]["sbc"] = "315.04"
    del missing["data"]["nss"]
    number_curp["data"]["curp"] = 12345
    for seq, row in enumerate(wire, start=1):
        row["seq"] = seq

    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            report = apply_page(session, wire, clock())
        assert (report.received, report.applied, report.conflicts) == (5, 1, 4)

        [row] = other.movimientos.pagina(Filtro(), Orden(), 0, 10)
        arrived = other.movimientos.movimiento(row[0])
        assert arrived.nss == good["data"]["nss"]
        assert arrived.fecha == date.fromisoformat(good["data"]["fecha"])
        with other.store.session() as session:
            kept = session.scalars(select(SyncConflict).order_by(SyncConflict.id)).all()
            # (the row without nss travels in a group of its own: its columns differ)
            assert sorted((c.row_uuid, c.kind) for c in kept) == sorted(
                (row["uuid"], "invalido") for row in (bad_date, text_money, missing, number_curp)
            )
            # The rejected version is kept whole, as it travelled: nothing is lost.
            assert json.loads(kept[0].loser)["data"]["fecha"] == "2026-02-30"
    finally:
        other.close()


def _stored(services) -> set[tuple]:
    """Every movimiento as SQLite keeps it (but its local id): what another desktop's grid,
    export and next push read."""
    with services.store.session() as session:
        connection = session.connection().connection.driver_connection
        columns = [r[1] for r in connection.execute("PRAGMA table_info(movimientos)")]
        rows = connection.execute("SELECT * FROM movimientos").fetchall()
    return {tuple(v for c, v in zip(columns, row, strict=True) if c != "id") for row in rows}


def _counts(services) -> tuple[list[tuple], list[tuple]]:
    with services.store.session() as session:
        connection = session.connection().connection.driver_connection
        return tuple(
            connection.execute(f"SELECT * FROM {table} WHERE n > 0 ORDER BY 1, 2, 3, 4").fetchall()
            for table in ("movimientos_conteo", "movimientos_total")
        )


def test_a_page_of_new_rows_lands_exactly_as_stored_where_it_was_made(
    services, tmp_path: Path, clock
) -> None:
    create_demo_movimientos(services.store, 40, TODAY)
    with services.store.session() as session:
        driver = session.connection().connection.driver_connection
        driver.execute("UPDATE movimientos SET deleted = 1 WHERE id % 7 = 0")  # not counted
        wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    for seq, row in enumerate(wire, start=1):
        row["seq"] = seq
    wire[5]["data"]["created_at"] += "+00:00"  # another writer's form: the same time
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            report = apply_page(session, wire, clock())
        assert (report.applied, report.conflicts) == (40, 0)
        assert _stored(other) == _stored(services)
        # The grid's counts (added per page, not per row) are the ones kept where they were made.
        assert _counts(other) == _counts(services)
        assert other.movimientos.count(Filtro()) == 40 - 40 // 7
    finally:
        other.close()


@pytest.mark.parametrize("with_update", [False, True], ids=["only-new", "with-an-update"])
def test_rows_holding_the_same_movimiento_are_conflicts_and_a_deleted_one_never_aborts(
    services, tmp_path: Path, clock, with_update: bool
) -> None:
    """Two desktops imported the same movement and one of them deleted its copy: a desktop
    joining gets both copies. Before, the deleted copy hit the table's unique index and the
    whole pull failed at every retry."""
    create_demo_movimientos(services.store, 4, TODAY)
    with services.store.session() as session:
        wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    first, second, third, fourth = wire
    twin = copy.deepcopy(first) | {"uuid": str(uuid.uuid4())}
    twin["data"]["nombre"] = "COPIA DE OTRO EQUIPO"
    deleted_twin = copy.deepcopy(second) | {"uuid": str(uuid.uuid4()), "deleted": True}
    twin_in_page = copy.deepcopy(third) | {"uuid": str(uuid.uuid4())}  # of a row of this page
    page = [third, fourth, twin, deleted_twin, twin_in_page]
    if with_update:  # a row this desktop has already: the page takes the row-by-row path
        page.append(copy.deepcopy(first) | {"version": 2})
    for seq, row in enumerate([first, second, *page], start=1):
        row["seq"] = seq
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            apply_page(session, [first, second], clock())
        with other.store.session() as session:
            report = apply_page(session, page, clock())
        assert report.applied == 2 + with_update
        assert other.movimientos.count(Filtro()) == 4
        with other.store.session() as session:
            kept = session.scalars(select(SyncConflict)).all()
            assert [(c.row_uuid, c.kind) for c in kept] == [
                (twin["uuid"], "duplicado"),
                (twin_in_page["uuid"], "duplicado"),
            ]
        assert "COPIA DE OTRO EQUIPO" not in {value for row in _stored(other) for value in row}
    finally:
        other.close()


def test_a_group_that_repeats_a_row_keeps_its_newest_version(
    services, tmp_path: Path, clock
) -> None:
    """A page by columns is one group per table, each row once and by sequence, from a server
    that follows the protocol; one that does not (a row twice) must not leave the older copy
    with the newer version's state (a drift nothing pending would repair)."""
    create_demo_movimientos(services.store, 2, TODAY)
    with services.store.session() as session:
        first, second = [r for r in local_changes(session) if r["table"] == "movimientos"]
    newer = copy.deepcopy(first) | {"version": 3}
    newer["data"]["nombre"] = "VERSION NUEVA"
    for seq, row in enumerate([first, second, newer], start=1):
        row["seq"] = seq
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            report = apply_page(session, [first, second, newer], clock())
        assert (report.applied, report.conflicts) == (2, 0)
        with other.store.session() as session:
            kept = session.execute(
                select(MovimientoRow.nombre, MovimientoRow.version).where(
                    MovimientoRow.uuid == first["uuid"]
                )
            ).one()
            assert tuple(kept) == ("VERSION NUEVA", 3)
            state = session.scalars(
                select(SyncRowState).where(SyncRowState.row_uuid == first["uuid"])
            ).one()
            assert (state.server_seq, state.version) == (3, 3)
    finally:
        other.close()


_KEY = ("registro_patronal", "nss", "tipo", "fecha")


def _changes(services, table: str, first_seq: int) -> list[dict]:
    """The rows of ``table`` waiting to be sent, numbered from ``first_seq`` in the reverse of
    the order they were written (a row changed again travels after the others)."""
    with services.store.session() as session:
        wire = [r for r in local_changes(session) if r["table"] == table]
    wire.reverse()
    for seq, row in enumerate(wire, start=first_seq):
        row["seq"] = seq
    return wire


def test_movimientos_rotating_their_keys_in_one_page_land_with_their_counts(
    services, tmp_path: Path, clock
) -> None:
    """Three movimientos take one another's registro, NSS, tipo and fecha (a rotation, each
    one's key the next one's): the page applies in any order, with the grid's counts and the
    drift check's sums right, and no conflict."""

    create_demo_movimientos(services.store, 6, TODAY)
    wire = _changes(services, "movimientos", 1)
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            apply_page(session, wire, clock())
        answer_push(services.store)
        with services.store.session() as session:
            rows = session.scalars(select(MovimientoRow).order_by(MovimientoRow.id)).all()[:3]
            keys = [tuple(getattr(row, name) for name in _KEY) for row in rows]
            assert len(set(keys)) == 3
        for step, (row_id, key) in enumerate(
            [(rows[0].id, None), *((rows[i].id, keys[(i + 1) % 3]) for i in (2, 1, 0))]
        ):
            with services.store.session() as session:
                row = session.get(MovimientoRow, row_id)
                if key is None:  # the first one out of the way on the desktop that made it
                    row.nss = f"T{step:010d}"
                else:
                    row.registro_patronal, row.nss, row.tipo, row.fecha = key
        page = _changes(services, "movimientos", len(wire) + 1)
        assert len(page) == 3

        with other.store.session() as session:
            report = apply_page(session, page, clock())
        assert (report.applied, report.conflicts) == (3, 0)
        assert _stored(other) == _stored(services)
        assert _counts(other) == _counts(services)
        assert_kept_equal_scanned(other.store)
    finally:
        other.close()


def test_two_certificates_that_swap_registros_land(services, tmp_path: Path, clock) -> None:
    """Each registro patronal holds at most one certificate (a unique foreign key): two
    certificates swapping registros arrive in one page, each on its new registro."""

    when = datetime(2026, 1, 1)
    with services.store.session() as session:
        registros = [
            RegistroPatronal(registro=r, rfc="ABC010101AB1", razon_social=r)
            for r in ("Y5400000001", "Y5400000002", "Y5400000003")
        ]
        session.add_all(registros)
        session.flush()
        ids = [r.id for r in registros]
        session.add_all(
            CertificadoImss(
                registro_patronal_id=registro_id,
                tipo="IMSS",
                usuario=f"usuario{n}",
                rfc="ABC010101AB1",
                nombre=f"Certificado {n}",
                no_certificado=f"{n:020d}",
                emisor="IMSS",
                valido_desde=when,
                valido_hasta=when,
                certificado_der=bytes([n]) * 16,
                secreto_sellado=b"",
                keyring_ref="",
            )
            for n, registro_id in enumerate(ids[:2], start=1)
        )
    first = _changes(services, "registros_patronales", 1)
    first.reverse()  # (their own order: no key moves among them)
    first += _changes(services, "certificados_imss", 4)
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            apply_page(session, first, clock())
        answer_push(services.store)
        # The desktop that swaps them moves the first out of the way (to the third registro).
        for nombre, registro_id in (("1", ids[2]), ("2", ids[0]), ("1", ids[1])):
            with services.store.session() as session:
                cert = session.scalars(
                    select(CertificadoImss).where(CertificadoImss.nombre == f"Certificado {nombre}")
                ).one()
                cert.registro_patronal_id = registro_id

        page = _changes(services, "certificados_imss", 5)
        with other.store.session() as session:
            report = apply_page(session, page, clock())
        assert (report.applied, report.conflicts) == (2, 0)

        def held(desktop) -> dict[str, str]:
            with desktop.store.session() as session:
                return dict(
                    session.execute(
                        select(CertificadoImss.nombre, RegistroPatronal.registro).join(
                            RegistroPatronal
                        )
                    ).all()
                )

        assert (
            held(other)
            == held(services)
            == {
                "Certificado 1": "Y5400000002",
                "Certificado 2": "Y5400000001",
            }
        )
        assert_kept_equal_scanned(other.store)
    finally:
        other.close()


def test_a_new_row_ending_on_a_value_a_moved_row_took_is_still_a_duplicado(
    services, tmp_path: Path, clock
) -> None:
    """In a page that moves numbers among registros (X's goes to Y, Z's to X), a registro made
    on another desktop with Y is a different row ending with the same value: a «duplicado»
    conflict, and the moves still land."""
    for registro in ("Y5400000001", "Y5400000003"):
        services.registros.save(registro, "ABC010101AB1", f"Patrón {registro}", "admin")
    first = _changes(services, "registros_patronales", 1)
    first.reverse()
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            apply_page(session, first, clock())
        answer_push(services.store)
        for old, new in (
            ("Y5400000001", "Y5499999999"),
            ("Y5400000003", "Y5400000001"),
            ("Y5499999999", "Y5400000002"),
        ):
            with services.store.session() as session:
                row = session.scalars(
                    select(RegistroPatronal).where(RegistroPatronal.registro == old)
                ).one()
                row.registro = new
        page = _changes(services, "registros_patronales", 3)
        twin = copy.deepcopy(page[0]) | {"uuid": str(uuid.uuid4()), "version": 1, "seq": 5}
        twin["data"] |= {"registro": "Y5400000002", "razon_social": "Alta en otro equipo"}

        with other.store.session() as session:
            report = apply_page(session, [*page, twin], clock())
        assert (report.applied, report.conflicts) == (2, 1)
        assert {r.registro: r.razon_social for r in other.registros.listar()} == {
            "Y5400000001": "Patrón Y5400000003",
            "Y5400000002": "Patrón Y5400000001",
        }
        [conflict] = other.conflictos.conflicts()
        assert (conflict.kind, conflict.otra["data"]["razon_social"]) == (
            "duplicado",
            "Alta en otro equipo",
        )
        assert_kept_equal_scanned(other.store)
    finally:
        other.close()


def _kept_huellas(services) -> dict[str, int | None]:
    with services.store.session() as session:
        return dict(
            session.execute(
                select(SyncRowState.row_uuid, SyncRowState.huella).where(
                    SyncRowState.table_name == "movimientos"
                )
            ).all()
        )


def test_a_fingerprint_from_the_server_is_kept_only_where_it_is_this_desktops_row(
    services, tmp_path: Path, clock
) -> None:
    """A page's fingerprints are kept with the states where the group gives every column this
    desktop keeps and each is a number in range (anything else, none kept: the content check
    hashes the row); a push's answer likewise."""
    create_demo_movimientos(services.store, 6, TODAY)
    with services.store.session() as session:
        wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    garbage = ["x", True, -1, 2**60]
    sent = [contenido.huella(False, wire[0]["data"]), contenido.huella(False, wire[1]["data"])]
    for seq, row in enumerate(wire, start=1):
        row["seq"] = seq
    short = copy.deepcopy(wire[5])  # a server at another schema: a column more
    short["data"]["columna_nueva"] = "de otra versión"
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            report = apply_page(
                session, [*wire[:5], short], clock(), huellas=[*sent, *garbage[:3], sent[0]]
            )
            session.commit()
        assert report.applied == 6
        kept = _kept_huellas(other)
        assert [kept[r["uuid"]] for r in wire] == [*sent, None, None, None, None]
    finally:
        other.close()

    answers = [
        sync_wire.push_result(r["table"], r["uuid"], r["version"], seq, None, huella=h)
        for seq, (r, h) in enumerate(zip(wire, [sent[0], *garbage, None], strict=False), 1)
    ]
    with services.store.session() as session:
        record_push_results(session, answers, TODAY)
        session.commit()
    kept = _kept_huellas(services)
    assert [kept[r["uuid"]] for r in wire] == [sent[0], None, None, None, None, None]
