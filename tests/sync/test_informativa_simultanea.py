"""Two desktops of one company each capture the whole mayo–agosto informativa offline (its
contratante, the Normal, one contract and the workers each clerk knows of) and send it at the
same instant. The server ends with one informativa, one contratante, one contract and the union
of the workers; each desktop holds exactly that, verified; a third desktop receives it with no
conflict. Through the real server on PostgreSQL, real SQLite files."""

from __future__ import annotations

import dataclasses
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.store.models import (
    Contratante,
    Contratista,
    ContratoRow,
    ContratoTrabajador,
    InformativaRow,
)
from icsoe_desktop.sync_server.models import SyncedRow
from tests.icsoe_helpers import enter_contratista
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import CLIENTE, PERIODO
from tests.sync.conftest import connect, connected
from tests.sync.test_normal_simultanea import (
    CONTRATISTA,
    WAIT_S,
    contratista_en,
    contrato,
    first_informativa_held,
    informativa,
    sent,
    trabajador,
    wire,
)

TABLES = {
    "icsoe_contratistas": Contratista,
    "icsoe_contratantes": Contratante,
    "icsoe_informativas": InformativaRow,
    "icsoe_contratos": ContratoRow,
    "icsoe_contrato_trabajadores": ContratoTrabajador,
}
# Six workers: A's clerk knows the first four, B's the last four (two known to both).
WORKERS = trabajadores_limpios(6, random.Random(11), PERIODO.anio)
OF_A, OF_B = WORKERS[:4], WORKERS[2:]


def capture_all(desktop, rfc: str, workers, otro: bool = False) -> None:
    """The informativa as one clerk captures it offline: the client, the Normal, the contract
    and the workers this clerk knows of (``otro``: the client's mail and the contract's REPSE
    folio typed otherwise)."""
    cliente = dataclasses.replace(CLIENTE, correo="pagos@cliente.mx") if otro else CLIENTE
    contratante, _ = desktop.informativas.guardar_contratante(rfc, CLI_ACTOR, cliente)
    informativa = desktop.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = desktop.informativas.guardar_contrato(
        informativa,
        CLI_ACTOR,
        ContratoDatos(
            contratante,
            objeto="Limpieza especializada de la planta Norte",
            folio_repse="54321/2025" if otro else "12345/2025",
            descripcion_servicio="Servicios de limpieza industrial especializada",
            fecha_inicial=PERIODO.inicio.replace(day=15),
            fecha_final=PERIODO.inicio.replace(year=PERIODO.anio + 1),
        ),
    )
    renumbered = [dataclasses.replace(w, renglon=i + 1) for i, w in enumerate(workers)]
    added = desktop.informativa_trabajadores.agregar_varios(contrato, CLI_ACTOR, renumbered)
    assert added.problemas == []


def on_server(sync_server) -> dict[str, dict[str, dict]]:
    """The server's live rows of the informativa's tables: per table, data by uuid."""
    with sync_server.engine.connect() as conn:
        found = conn.execute(
            select(SyncedRow.tabla, SyncedRow.uuid, SyncedRow.data).where(
                SyncedRow.tabla.in_(TABLES), SyncedRow.deleted.is_(False)
            )
        ).all()
    rows: dict[str, dict[str, dict]] = {table: {} for table in TABLES}
    for tabla, row_uuid, data in found:
        rows[tabla][row_uuid] = data
    return rows


def held(desktop) -> dict[str, set[str]]:
    """The desktop's live rows of the informativa's tables: per table, their uuids."""
    with desktop.store.session() as session:
        return {
            table: set(session.scalars(select(model.uuid).where(model.deleted.is_(False))))
            for table, model in TABLES.items()
        }


def one_of_each(sync_server) -> dict[str, set[str]]:
    """The server holds one contratante, informativa and contract (and one contratista) and
    the union of the workers, all in that contract: its live uuids per table."""
    server = on_server(sync_server)
    assert [len(server[t]) for t in TABLES if t != "icsoe_contrato_trabajadores"] == [1] * 4
    (contrato,) = server["icsoe_contratos"]
    workers = server["icsoe_contrato_trabajadores"].values()
    assert sorted(w["nss"] for w in workers) == sorted(w.nss for w in WORKERS)
    assert {w["contrato_id"] for w in workers} == {contrato}
    return {table: set(rows) for table, rows in server.items()}


def holds_verified(desktop, expected: dict[str, set[str]]) -> None:
    """The desktop holds exactly the server's rows, nothing to send, its sums verified."""
    assert held(desktop) == expected
    status = desktop.sync.status()
    assert status.pending == 0 and not status.distinto
    assert status.verified_at is not None and status.reparacion == ""


@pytest.mark.parametrize("carrera", [True, False], ids=["a_la_vez", "entre_pull_y_push"])
@pytest.mark.parametrize("otro", [False, True], ids=["igual", "distinto"])
def test_one_informativa_captured_whole_on_two_desktops_at_once_is_one_on_the_server(
    sync_server, desktops, tmp_path, clock, otro: bool, carrera: bool
) -> None:
    """``otro``: B's clerk typed the client's mail and the REPSE folio otherwise: the server's
    stand on B too, B's own are its conflicts only, and keeping them reaches everyone.
    ``carrera``: both pushes at the same instant; else A's whole sync lands between B's pull
    and B's push."""
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path / "a")
    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 0
    capture_all(a, rfc, OF_A)  # both offline
    capture_all(b, rfc, OF_B, otro)

    # Both sent before either received the other's, or A's whole sync between B's pull and push.
    sync_both(a, b, "retenida" if carrera else "entre_pull_y_push", sync_server)
    for desktop in (a, b, a):
        desktop.sync.synchronize()

    expected = one_of_each(sync_server)
    (contrato,) = expected["icsoe_contratos"]
    for desktop in (a, b):
        holds_verified(desktop, expected)
    assert a.conflictos.conflicts() == []
    conflicts = b.conflictos.conflicts()
    assert sorted((c.titulo, c.kind) for c in conflicts) == (
        [("Contratante", "recapturado"), ("Contrato", "recapturado")] if otro else []
    )

    (tmp_path / "c").mkdir()
    c = open_services(tmp_path / "c", clock)
    try:
        connect(c, sync_server.url, sync_server.token(nombre="Tercero"))
        assert c.sync.synchronize().conflictos == 0
        assert held(c) == expected

        # B keeps its own: ordinary edits of the one contratante and contract, everywhere.
        for conflict in conflicts:
            b.conflictos.resolve(conflict.id, "otra", CLI_ACTOR)
        for desktop in (b, a, c):
            assert desktop.sync.synchronize().conflictos == 0
            assert desktop.conflictos.conflicts() == []
            assert held(desktop) == expected
        server = on_server(sync_server)
        (cliente,) = server["icsoe_contratantes"].values()
        assert cliente["correo"] == ("pagos@cliente.mx" if otro else CLIENTE.correo)
        assert server["icsoe_contratos"][contrato]["folio_repse"] == (
            "54321/2025" if otro else "12345/2025"
        )
    finally:
        c.close()


def sync_both(a, b, orden: str, sync_server) -> None:
    """A's and B's first syncs: ``a_la_vez``: two threads let go together; ``retenida``: A's
    push held before its commit until B's waits on it; ``entre_pull_y_push``: A's whole sync
    between B's pull and B's push; else one whole sync after the other."""
    if orden == "a_la_vez":
        together = threading.Barrier(2)

        def sync(desktop) -> None:
            together.wait(WAIT_S)
            desktop.sync.synchronize()

        with ThreadPoolExecutor(2) as both:
            for sending in [both.submit(sync, a), both.submit(sync, b)]:
                sending.result()
    elif orden == "retenida":
        with first_informativa_held(sync_server) as race, ThreadPoolExecutor(1) as other:
            sending = other.submit(a.sync.synchronize)
            assert race.reached.wait(WAIT_S), "A's push never reached its commit"
            b.sync.synchronize()
            sending.result()
        assert race.waited, "B's push did not wait for A's"
    elif orden == "entre_pull_y_push":
        pulled = b.sync.intercambio.join

        def join_then_a_sends(*args, **kwargs):
            done = pulled(*args, **kwargs)
            assert a.sync.synchronize().conflictos == 0  # A's whole sync lands in between
            return done

        b.sync.intercambio.join = join_then_a_sends
        b.sync.synchronize()
        b.sync.intercambio.join = pulled
    else:
        first, second = (a, b) if orden == "a_luego_b" else (b, a)
        first.sync.synchronize()
        second.sync.synchronize()


@pytest.mark.parametrize(
    "orden", ["a_la_vez", "retenida", "entre_pull_y_push", "a_luego_b", "b_luego_a"]
)
@pytest.mark.parametrize("entrada", ["cada_uno", "compartida"])
def test_two_desktops_entering_the_contratista_and_its_informativa_end_with_one_of_each(
    sync_server, desktops, tmp_path, clock, entrada: str, orden: str
) -> None:
    """``cada_uno``: each clerk enters the contratista with its e.firma offline too (neither
    desktop had synced it), else it came from A before. Both capture the whole informativa
    (B's client's mail and contract's folio typed otherwise) and sync in ``orden``. The server
    ends with one of each and the union of the workers; every desktop holds exactly that,
    verified; only the desktop whose capture lost holds conflicts (its own content), and each
    «Conservar la otra versión» is kept; a third desktop receives it all with none."""
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path / "a")
    if entrada == "cada_uno":
        assert enter_contratista(b, b.data_dir, tmp_path / "b") == rfc
    else:
        assert a.sync.synchronize().conflictos == 0
        assert b.sync.synchronize().conflictos == 0
    capture_all(a, rfc, OF_A)
    capture_all(b, rfc, OF_B, otro=True)

    sync_both(a, b, orden, sync_server)
    for desktop in (a, b, a):
        desktop.sync.synchronize()

    expected = one_of_each(sync_server)
    for desktop in (a, b):
        holds_verified(desktop, expected)
    conflicts = [(d, c) for d in (a, b) for c in d.conflictos.conflicts()]
    assert {c.kind for _d, c in conflicts} == {"recapturado"}
    assert len({d for d, _c in conflicts}) == 1  # the desktop whose capture lost

    (tmp_path / "c").mkdir()
    c = open_services(tmp_path / "c", clock)
    try:
        connect(c, sync_server.url, sync_server.token(nombre="Tercero"))
        assert c.sync.synchronize().conflictos == 0
        assert c.conflictos.conflicts() == []
        assert held(c) == expected

        for desktop, conflict in conflicts:  # never refused: the server holds every parent
            desktop.conflictos.resolve(conflict.id, "otra", CLI_ACTOR)
        for desktop in (a, b, c, a, b, c):
            assert desktop.sync.synchronize().conflictos == 0
        for desktop in (a, b, c):
            assert desktop.conflictos.conflicts() == []
            holds_verified(desktop, expected)
    finally:
        c.close()


def test_three_desktops_at_once_end_with_each_worker_once(
    sync_server, desktops, tmp_path, clock
) -> None:
    """A's push goes first; B's and C's, at the same instant, both lose the informativa and
    both then send the one worker the two of them know of (and A does not): it is kept once."""
    a, b = connected(sync_server, desktops)
    (tmp_path / "c").mkdir()
    c = open_services(tmp_path / "c", clock)
    try:
        connect(c, sync_server.url, sync_server.token(nombre="C"))
        rfc = enter_contratista(a, a.data_dir, tmp_path / "a")
        for desktop in (a, b, c):
            assert desktop.sync.synchronize().conflictos == 0
        capture_all(a, rfc, WORKERS[:2])  # all three offline
        capture_all(b, rfc, WORKERS[2:4])
        capture_all(c, rfc, WORKERS[3:])
        with first_informativa_held(sync_server) as race, ThreadPoolExecutor(2) as others:
            sending = others.submit(a.sync.synchronize)
            assert race.reached.wait(WAIT_S), "A's push never reached its commit"
            third = others.submit(c.sync.synchronize)
            b.sync.synchronize()
            sending.result()
            third.result()
        assert race.waited, "no push waited for A's"
        for desktop in (a, b, c, a, b):
            desktop.sync.synchronize()

        expected = one_of_each(sync_server)
        for desktop in (a, b, c):
            holds_verified(desktop, expected)
            assert desktop.conflictos.conflicts() == []
    finally:
        c.close()


def test_a_worker_of_one_nss_twice_in_one_contract_is_refused(sync_server) -> None:
    """Row by row: a worker whose NSS the contract holds on the server under another uuid is
    refused naming the NSS; the same NSS in another contract, and the worker's own edit, are
    stored."""
    a, b = sync_server.token(nombre="A"), sync_server.token(nombre="B")
    contratista_en(sync_server, a)
    normal = informativa()
    uno, otro = contrato(normal["uuid"]), contrato(normal["uuid"])
    suyo = trabajador(uno["uuid"])
    assert all(r["seq"] for r in sent(sync_server, a, [normal, uno, otro, suyo]))

    (refused,) = sent(sync_server, b, [trabajador(uno["uuid"])])
    assert refused["seq"] == 0 and not refused.get("espera")
    assert "el trabajador con NSS 12345678903 de este contrato" in refused["rechazo"]
    edited = {**suyo, "version": 2, "data": {**suyo["data"], "sbc": 50000}}
    results = sent(sync_server, b, [trabajador(otro["uuid"]), edited])
    assert all(r["seq"] and "rechazo" not in r for r in results)
    assert len(on_server(sync_server)["icsoe_contrato_trabajadores"]) == 2


def test_a_second_contratante_of_one_rfc_is_refused_and_its_contracts_wait(sync_server) -> None:
    """Row by row, as desktops send them: a contratante whose RFC another desktop's holds on the
    server is refused naming the RFC, and a contract naming it waits, though its informativa
    is the server's."""
    a, b = sync_server.token(nombre="A"), sync_server.token(nombre="B")
    contratista_en(sync_server, a)
    data = {"contratista_id": CONTRATISTA, "rfc": CLIENTE.rfc, "nombre": CLIENTE.nombre}
    suyo = wire("icsoe_contratantes", data)
    normal = informativa()
    assert all(r["seq"] for r in sent(sync_server, a, [suyo, normal]))

    otro = wire("icsoe_contratantes", data | {"correo": "pagos@cliente.mx"})
    contrato_b = contrato(normal["uuid"])
    contrato_b["data"]["contratante_id"] = otro["uuid"]
    refused, waiting = sent(sync_server, b, [otro, contrato_b])
    assert refused["seq"] == 0 and not refused.get("espera")
    assert f"el contratante con RFC {CLIENTE.rfc} de este contratista" in refused["rechazo"]
    assert waiting["seq"] == 0 and waiting["espera"] is True
    # Under the server's contratante, the same contract is stored.
    contrato_b["data"]["contratante_id"] = suyo["uuid"]
    (stored,) = sent(sync_server, b, [contrato_b])
    assert stored["seq"] and "rechazo" not in stored
    assert len(on_server(sync_server)["icsoe_contratantes"]) == 1


def test_a_worker_removed_and_captured_again_in_one_push_is_stored(sync_server) -> None:
    """The worker of the contract's NSS is removed, or given another NSS, in the same push that
    sends a new one of that NSS: the key is free, nothing is refused."""
    a = sync_server.token(nombre="A")
    contratista_en(sync_server, a)
    normal = informativa()
    uno = contrato(normal["uuid"])
    quitado, cambiado = trabajador(uno["uuid"]), trabajador(uno["uuid"], "12345678911")
    assert all(r["seq"] for r in sent(sync_server, a, [normal, uno, quitado, cambiado]))

    gone = {**quitado, "version": 2, "deleted": True}
    moved = {**cambiado, "version": 2, "data": {**cambiado["data"], "nss": "12345678929"}}
    again = [trabajador(uno["uuid"]), trabajador(uno["uuid"], "12345678911")]
    results = sent(sync_server, a, [gone, moved, *again])
    assert all(r["seq"] and "rechazo" not in r for r in results), results
    live = on_server(sync_server)["icsoe_contrato_trabajadores"].values()
    assert sorted(w["nss"] for w in live) == ["12345678903", "12345678911", "12345678929"]
