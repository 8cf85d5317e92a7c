"""Pushes of one company at once on the real server and PostgreSQL: a push that is still writing
holds back no other push, yet no pull passes the numbers it was given (a desktop that pulls
meanwhile still receives its rows later); two pushes of one row both land, the later one
reporting the version it overwrote; the same batch sent twice at once is applied once; and the
checksums the server keeps as rows are written equal the rows it holds."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import requests

from icsoe_desktop.domain import sync_wire
from tests.sync.test_server import call, push, row


def _pg(sync_server) -> psycopg.Connection:
    dsn = sync_server.database_url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn)


@contextmanager
def holding_new_row(sync_server, row_uuid: str) -> Iterator[psycopg.Connection]:
    """Another transaction inserting a row with ``row_uuid``, until its ``rollback``: a push of
    that row waits on the unique index after it took its sequence numbers, as a slow push
    would."""
    with _pg(sync_server) as conn:
        empresa = conn.execute("SELECT id FROM empresas").fetchone()[0]
        conn.execute(
            "INSERT INTO rows (empresa_id, tabla, uuid, seq, version, updated_at, deleted, data, "
            "token_id) VALUES (%s, 'registros_patronales', %s, 0, 1, now(), false, '{}', 1)",
            (empresa, row_uuid),
        )
        yield conn
        conn.rollback()


@contextmanager
def in_background(send) -> Iterator[list[requests.Response]]:
    answers: list[requests.Response] = []
    thread = threading.Thread(target=lambda: answers.append(send()))
    thread.start()
    yield answers
    thread.join(timeout=30)
    assert not thread.is_alive()


def _leases(sync_server) -> int:
    with _pg(sync_server) as conn:
        return conn.execute("SELECT count(*) FROM seq_leases").fetchone()[0]


def _pull_all(sync_server, token: str, since: int) -> tuple[list[str], int]:
    page = call(sync_server, token, "GET", "/v1/pull", params={"since": since}).json()
    return [r["uuid"] for r in page["rows"]], page["cursor"]


def _wait_for(condition, seconds: float = 60) -> None:
    """Until ``condition``: a push in the background reaches the server's database seconds
    later on a busy machine."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_push_still_writing_holds_back_no_push_and_no_pull_passes_it(sync_server) -> None:
    a, b, reader = (sync_server.token(nombre=n) for n in ("A", "B", "Lector"))
    slow_rows = [row(f"Y54{n:08d}") for n in range(3)]
    with holding_new_row(sync_server, slow_rows[-1]["uuid"]) as holder:
        with in_background(lambda: push(sync_server, a, slow_rows)) as slow:
            _wait_for(lambda: _leases(sync_server) == 1)  # A has its numbers, is writing
            # B is answered while A still holds its row: B did not wait for A.
            fast = push(sync_server, b, [row("B1234567105")])
            assert fast.status_code == 200
            b_seq = fast.json()["results"][0]["seq"]
            seen, cursor = _pull_all(sync_server, reader, 0)
            # B's row is committed, yet with a number above A's: the pull stops below A's.
            assert seen == [] and cursor < b_seq
            holder.rollback()  # A goes on
        assert slow[0].status_code == 200
    a_seqs = [r["seq"] for r in slow[0].json()["results"]]
    assert max(a_seqs) < b_seq  # A took its numbers first
    later, cursor = _pull_all(sync_server, reader, cursor)
    assert sorted(later) == sorted(
        [r["uuid"] for r in slow_rows] + [fast.json()["results"][0]["uuid"]]
    )
    assert cursor == b_seq and _leases(sync_server) == 0


def test_two_pushes_of_one_row_both_land_and_the_later_reports_the_overwritten(
    sync_server,
) -> None:
    a, b = sync_server.token(nombre="A"), sync_server.token(nombre="B")
    shared = row("Y5412345106")
    first = push(sync_server, a, [shared]).json()["results"][0]
    edits = {
        token: {
            **shared,
            "version": 2,
            "base_seq": first["seq"],
            "data": {**shared["data"], "razon_social": name},
        }
        for token, name in ((a, "Cambio de A"), (b, "Cambio de B"))
    }
    with _pg(sync_server) as conn:  # the row locked: both pushes wait on it, then go
        conn.execute("SELECT 1 FROM rows WHERE uuid = %s FOR UPDATE", (shared["uuid"],))
        with (
            in_background(lambda: push(sync_server, a, [edits[a]])) as from_a,
            in_background(lambda: push(sync_server, b, [edits[b]])) as from_b,
        ):
            time.sleep(0.5)
            conn.rollback()
    answers = [from_a[0].json()["results"][0], from_b[0].json()["results"][0]]
    answers.sort(key=lambda r: r["seq"])
    earlier, later = answers
    assert earlier.get("overwritten") is None
    lost = later["overwritten"]  # the version the later push overwrote, kept for its desktop
    assert lost["seq"] == earlier["seq"]
    assert lost["data"]["razon_social"] in ("Cambio de A", "Cambio de B")
    page = call(sync_server, a, "GET", "/v1/pull", params={"since": 0}).json()
    assert [r["seq"] for r in page["rows"]] == [later["seq"]]


def test_one_batch_sent_twice_at_once_is_applied_once(sync_server) -> None:
    token = sync_server.token()
    rows = [row(f"Y54{n:08d}") for n in range(200)]
    batch = uuid.uuid4().hex
    with (
        in_background(lambda: push(sync_server, token, rows, batch)) as one,
        in_background(lambda: push(sync_server, token, rows, batch)) as two,
    ):
        pass
    assert one[0].status_code == two[0].status_code == 200
    assert one[0].json() == two[0].json()
    with _pg(sync_server) as conn:
        assert conn.execute("SELECT count(*) FROM rows").fetchone()[0] == 200


def _sums_from_rows(sync_server, tabla: str | None = None) -> dict[str, tuple[int, str]]:
    """Per table (or, of ``tabla``, per bucket) the rows and the sum of their hashes, counted
    here from the rows the server holds."""
    with _pg(sync_server) as conn:
        found = conn.execute("SELECT tabla, uuid, version FROM rows").fetchall()
    sums: dict[str, list[int]] = {}
    for table, row_uuid, version in found:
        if tabla is not None and table != tabla:
            continue
        key = table if tabla is None else str(sync_wire.bucket_of(row_uuid))
        entry = sums.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += sync_wire.row_hash(row_uuid, version)
    return {t: (n, str(total)) for t, (n, total) in sums.items()}


def _deltas(sync_server) -> int:
    with _pg(sync_server) as conn:
        return conn.execute("SELECT count(*) FROM bucket_deltas").fetchone()[0]


def test_checksums_kept_by_pushes_equal_the_rows_held(sync_server) -> None:
    """Per table and per bucket (what a desktop's drift check compares), before and after the
    server folds the pushes' changes together."""
    from icsoe_desktop.sync_server import sumas
    from icsoe_desktop.sync_server.deriva import compact_sums

    a, b = sync_server.token(nombre="A"), sync_server.token(nombre="B")
    pushed = push(sync_server, a, [row(f"Y54{n:08d}") for n in range(300)]).json()["results"]
    edited = [
        row(f"Y54{n:08d}", version=2, base_seq=r["seq"], uuid=r["uuid"])
        for n, r in enumerate(pushed[:50])
    ]
    assert push(sync_server, b, edited).status_code == 200
    assert push(sync_server, b, edited).status_code == 200  # again: nothing changes

    def summary() -> dict[str, tuple[int, str]]:
        tablas = call(sync_server, a, "GET", "/v1/resumen").json()["tablas"]
        return {t: (s["renglones"], s["suma"]) for t, s in tablas.items()}

    def buckets() -> dict[str, tuple[int, str]]:
        found = call(
            sync_server, a, "GET", "/v1/resumen", params={"tabla": "registros_patronales"}
        ).json()
        assert found["cursor"] == max(r["seq"] for r in pushed) + 50
        return {b: (s["renglones"], s["suma"]) for b, s in found["cubetas"].items()}

    held = _sums_from_rows(sync_server, "registros_patronales")
    assert sum(n for n, _total in held.values()) == 300
    assert summary() == _sums_from_rows(sync_server)
    assert buckets() == held
    assert _deltas(sync_server) > 0  # each push's buckets, kept as one row
    assert sumas.verificar(sync_server.engine) == []
    compact_sums(sync_server.engine, 1)
    assert _deltas(sync_server) == 0
    assert summary() == _sums_from_rows(sync_server)
    assert buckets() == held
    assert sumas.verificar(sync_server.engine) == []


def test_the_last_page_carries_the_sums_at_its_cursor_and_none_once_a_later_push_committed(
    sync_server,
) -> None:
    """A desktop's drift check compares with the sums its pull's last page carried: those of
    the rows up to the page's cursor (as /v1/resumen gives them when nothing moves), also
    while a push numbered past the page is still writing (its rows are not counted); null
    when a push numbered after that one has committed past the page's cursor; a page with
    more to come, and a pull that does not ask, carry none."""
    a, b, c, reader = (sync_server.token(nombre=n) for n in ("A", "B", "C", "Lector"))
    assert push(sync_server, a, [row(f"Y54{n:08d}") for n in range(30)]).status_code == 200

    def pull(**params) -> dict:
        params = {"since": 0, "formato": "columnas", **params}
        return call(sync_server, reader, "GET", "/v1/pull", params=params).json()

    page = pull(resumen="1")
    resumen = call(sync_server, reader, "GET", "/v1/resumen").json()
    assert page["resumen"] == resumen and resumen["cursor"] == page["cursor"]
    assert resumen["tablas"]["registros_patronales"]["renglones"] == 30
    assert "resumen" not in pull(resumen="1", limit=10)  # more to come
    assert "resumen" not in pull()

    slow_rows = [row(f"Y55{n:08d}") for n in range(3)]
    with holding_new_row(sync_server, slow_rows[-1]["uuid"]) as holder:
        with in_background(lambda: push(sync_server, b, slow_rows)) as slow:
            _wait_for(lambda: _leases(sync_server) == 1)  # B has its numbers, is writing
            held = pull(resumen="1")["resumen"]
            # The 30 rows, at the same cursor; the server's last number is B's, never lower.
            assert {**held, "ultimo": resumen["ultimo"]} == resumen
            assert held["ultimo"] == resumen["cursor"] + len(slow_rows)
            assert push(sync_server, c, [row("C1234567105")]).status_code == 200
            page = pull(resumen="1")
            assert page["cursor"] == resumen["cursor"] and page["resumen"] is None
            holder.rollback()
        assert slow[0].status_code == 200
    page = pull(resumen="1")
    assert page["resumen"]["tablas"]["registros_patronales"]["renglones"] == 34
    assert page["resumen"] == call(sync_server, reader, "GET", "/v1/resumen").json()
