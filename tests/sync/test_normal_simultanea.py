"""Two desktops each capture the mayo–agosto Normal of one contratista offline and send it at the
same instant (or one right between the other's pull and push): the server keeps one, refuses
the other naming the period, and never stores the loser's contract and workers without it.
After the next syncs every desktop holds that one Normal; the desktop whose Normal lost adopted
the server's and keeps its own as its one conflict, which it settles as any other. Through the
real server on PostgreSQL, real SQLite files."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy import create_engine, event, select, text

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.services.sync.rechazados import REFUSED_BY_SERVER
from icsoe_desktop.store.models import InformativaRow, SyncConflict
from icsoe_desktop.sync_server.__main__ import main as server_main
from icsoe_desktop.sync_server.models import SyncedRow
from tests.conftest import free_port
from tests.icsoe_helpers import enter_contratista
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import CLIENTE, PERIODO
from tests.sync import pg
from tests.sync.conftest import EMPRESA, SyncServer, connected
from tests.sync.test_server import push

TRABAJADORES = 3
# A second push waits this long at most for the first one's commit in the race.
WAIT_S = 30


def shared_contratista(a, b, tmp_path) -> tuple[str, str]:
    """The contratista (with its e.firma) and its client, made on A and received by B."""
    rfc = enter_contratista(a, a.data_dir, tmp_path / "a")
    contratante, _ = a.informativas.guardar_contratante(rfc, CLI_ACTOR, CLIENTE)
    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 0
    return rfc, contratante


def capture_normal(desktop, rfc: str, actor: str, contratante: str) -> None:
    """The mayo–agosto Normal with its contract and workers, as the clerk captures it."""
    informativa = desktop.informativas.crear(rfc, actor, PERIODO)
    contrato = desktop.informativas.guardar_contrato(
        informativa,
        actor,
        ContratoDatos(
            contratante,
            objeto="Limpieza especializada de la planta Norte",
            folio_repse="12345/2025",
            descripcion_servicio="Servicios de limpieza industrial especializada",
            fecha_inicial=PERIODO.inicio.replace(day=15),
            fecha_final=PERIODO.inicio.replace(year=PERIODO.anio + 1),
        ),
    )
    rows = trabajadores_limpios(TRABAJADORES, random.Random(7), PERIODO.anio)
    assert (
        desktop.informativa_trabajadores.agregar_varios(contrato, actor, list(rows)).problemas == []
    )


def normals(desktop) -> list[tuple[str, str, str]]:
    with desktop.store.session() as session:
        return list(
            session.execute(
                select(
                    InformativaRow.uuid, InformativaRow.periodo, InformativaRow.capturada_por
                ).where(InformativaRow.deleted.is_(False))
            ).all()
        )


def on_server(sync_server) -> dict[str, list[dict]]:
    """The server's live rows of the informativa's tables, with their uuid."""
    tables = ("icsoe_informativas", "icsoe_contratos", "icsoe_contrato_trabajadores")
    with sync_server.engine.connect() as conn:
        found = conn.execute(
            select(SyncedRow.tabla, SyncedRow.uuid, SyncedRow.data).where(
                SyncedRow.tabla.in_(tables), SyncedRow.deleted.is_(False)
            )
        ).all()
    rows: dict[str, list[dict]] = {table: [] for table in tables}
    for tabla, row_uuid, data in found:
        rows[tabla].append({**data, "uuid": row_uuid})
    return rows


@dataclass
class Held:
    reached: threading.Event = field(default_factory=threading.Event)
    waited: bool = False  # another push waited for a lock while this one was held


@contextmanager
def first_informativa_held(sync_server, tabla: str = "icsoe_informativas") -> Iterator[Held]:
    """The server's first push that inserts an informativa (a row of ``tabla``) stops right
    before its commit until another push of the database waits for a lock (the other Normal's
    push meeting it), at most ``WAIT_S``."""
    engine = sync_server.engine
    # Autocommit: PostgreSQL keeps one snapshot of pg_stat_activity per transaction.
    watcher = create_engine(sync_server.database_url, isolation_level="AUTOCOMMIT")
    held = Held()

    def mark(conn, _cursor, statement: str, parameters, *_args) -> None:
        if statement.startswith("INSERT INTO rows") and tabla in repr(parameters):
            conn.info["informativa"] = True

    def hold(conn) -> None:
        if not conn.info.pop("informativa", False) or held.reached.is_set():
            return
        held.reached.set()
        deadline = time.monotonic() + WAIT_S
        with watcher.connect() as watch:
            while time.monotonic() < deadline and not held.waited:
                held.waited = bool(
                    watch.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                            "'Lock' AND datname = current_database()"
                        )
                    )
                )
                time.sleep(0.05)

    event.listen(engine, "before_cursor_execute", mark)
    event.listen(engine, "commit", hold)
    try:
        yield held
    finally:
        event.remove(engine, "commit", hold)
        event.remove(engine, "before_cursor_execute", mark)
        watcher.dispose()


@pytest.mark.parametrize("carrera", [True, False], ids=["a_la_vez", "entre_pull_y_push"])
def test_two_normals_of_one_period_sent_at_once_leave_one_and_one_conflict(
    sync_server, desktops, tmp_path, carrera: bool
) -> None:
    a, b = connected(sync_server, desktops)
    rfc, contratante = shared_contratista(a, b, tmp_path)
    # Both offline: A's clerk through the command line, B's the contratista itself.
    capture_normal(a, rfc, CLI_ACTOR, contratante)
    capture_normal(b, rfc, rfc, contratante)

    if carrera:
        with first_informativa_held(sync_server) as held, ThreadPoolExecutor(1) as other:
            sending = other.submit(a.sync.synchronize)
            assert held.reached.wait(WAIT_S), "A's push never reached its commit"
            result = b.sync.synchronize()  # its push meets A's, not committed yet
            assert sending.result().conflictos == 0
        assert held.waited, "B's push did not wait for A's"
    else:
        pulled = b.sync.intercambio.join

        def join_then_a_sends(*args, **kwargs):
            done = pulled(*args, **kwargs)
            assert a.sync.synchronize().conflictos == 0  # A's Normal lands in between
            return done

        b.sync.intercambio.join = join_then_a_sends
        result = b.sync.synchronize()
        b.sync.intercambio.join = pulled
    assert result.conflictos == 1  # the refusal became the one conflict, in the same sync

    # One Normal on the server, A's, with its one contract and workers; nothing of B's.
    server = on_server(sync_server)
    (normal,) = server["icsoe_informativas"]
    assert normal["capturada_por"] == CLI_ACTOR[:18]
    (contrato,) = server["icsoe_contratos"]
    assert contrato["informativa_id"] == normal["uuid"]
    trabajadores = server["icsoe_contrato_trabajadores"]
    assert len(trabajadores) == TRABAJADORES
    assert {t["contrato_id"] for t in trabajadores} == {contrato["uuid"]}

    for desktop in (a, b):
        desktop.sync.synchronize()
    assert normals(a) == normals(b) == [(normal["uuid"], PERIODO.clave, CLI_ACTOR[:18])]
    assert a.conflictos.conflicts() == []
    (conflict,) = b.conflictos.conflicts()
    assert (conflict.titulo, conflict.kind) == ("Informativa", "recapturado")
    assert conflict.otra["data"]["capturada_por"] == rfc  # B's own Normal, kept to choose
    assert b.sync.pending_count() == 0  # B's contract and workers are the server's now
    with b.store.session() as session:
        (refusal,) = session.scalars(
            select(SyncConflict.loser).where(SyncConflict.kind == REFUSED_BY_SERVER)
        ).all()
    # The server's refusal named the period; settled once B adopted the server's Normal.
    assert "Normal del periodo mayo–agosto 2026" in json.loads(refusal)["motivo"]

    # B keeps its own: an ordinary edit of the one Normal, which reaches A with no conflict.
    b.conflictos.resolve(conflict.id, "otra", CLI_ACTOR)
    assert b.sync.synchronize().conflictos == 0
    assert a.sync.synchronize().conflictos == 0
    assert normals(a) == normals(b) == [(normal["uuid"], PERIODO.clave, rfc)]
    assert a.conflictos.conflicts() == [] and b.conflictos.conflicts() == []
    server = on_server(sync_server)
    assert len(server["icsoe_informativas"]) == 1 and len(server["icsoe_contratos"]) == 1


def informativas(desktop) -> list[tuple[str, str, str]]:
    with desktop.store.session() as session:
        return list(
            session.execute(
                select(InformativaRow.uuid, InformativaRow.periodo, InformativaRow.tipo).where(
                    InformativaRow.deleted.is_(False)
                )
            ).all()
        )


@pytest.mark.parametrize("queda", ["actual", "otra"])
def test_a_sin_informacion_of_a_period_another_desktop_sent_a_normal_of_is_one_conflict(
    sync_server, desktops, tmp_path, queda: str
) -> None:
    """A Normal and a Sin información of one period are one declaración: B's Sin información,
    captured offline after A sent its Normal, becomes B's one conflict (which one stays), never
    a second informativa of the period anywhere."""
    a, b = connected(sync_server, desktops)
    rfc, contratante = shared_contratista(a, b, tmp_path)
    capture_normal(a, rfc, CLI_ACTOR, contratante)
    assert a.sync.synchronize().conflictos == 0
    b.informativas.sin_informacion(rfc, rfc, PERIODO)  # offline

    assert b.sync.synchronize().conflictos == 1
    (normal,) = on_server(sync_server)["icsoe_informativas"]
    assert normal["tipo"] == "normal"
    assert a.sync.synchronize().conflictos == 0
    assert a.conflictos.conflicts() == []
    (conflict,) = b.conflictos.conflicts()
    assert (conflict.titulo, conflict.kind) == ("Informativa", "recapturado")
    assert conflict.otra["data"]["tipo"] == "sin_informacion"  # B's own, kept to choose
    assert informativas(a) == informativas(b) == [(normal["uuid"], PERIODO.clave, "normal")]

    if queda == "otra":
        # A Sin información holds no contracts: B's clerk removes the Normal's one first.
        with pytest.raises(ValidationError) as refused:
            b.conflictos.resolve(conflict.id, queda, CLI_ACTOR)
        assert refused.value.code == "sin_informacion_con_contratos"
        assert "y la que quedó tiene 1 contrato" in refused.value.message
        (contrato,) = on_server(sync_server)["icsoe_contratos"]
        b.informativas.eliminar_contrato(contrato["uuid"], CLI_ACTOR)
    b.conflictos.resolve(conflict.id, queda, CLI_ACTOR)
    assert b.sync.synchronize().conflictos == 0
    assert a.sync.synchronize().conflictos == 0
    tipo = "normal" if queda == "actual" else "sin_informacion"
    assert informativas(a) == informativas(b) == [(normal["uuid"], PERIODO.clave, tipo)]
    server = on_server(sync_server)
    assert [r["tipo"] for r in server["icsoe_informativas"]] == [tipo]
    assert len(server["icsoe_contratos"]) == (1 if queda == "actual" else 0)
    assert a.conflictos.conflicts() == [] and b.conflictos.conflicts() == []


def test_a_normal_captured_where_another_desktop_sent_a_sin_informacion_waits_for_the_choice(
    sync_server, desktops, tmp_path
) -> None:
    """The other way round: B's Normal, with its contract and workers, adopts A's Sin
    información; its contract never reaches the server under a Sin información. Keeping B's
    Normal sends it with them to every desktop."""
    a, b = connected(sync_server, desktops)
    rfc, contratante = shared_contratista(a, b, tmp_path)
    a.informativas.sin_informacion(rfc, CLI_ACTOR, PERIODO)
    assert a.sync.synchronize().conflictos == 0
    capture_normal(b, rfc, rfc, contratante)  # offline

    assert b.sync.synchronize().conflictos == 1
    server = on_server(sync_server)
    (sin,) = server["icsoe_informativas"]
    assert sin["tipo"] == "sin_informacion"
    assert server["icsoe_contratos"] == [] and server["icsoe_contrato_trabajadores"] == []
    assert a.sync.synchronize().conflictos == 0 and a.conflictos.conflicts() == []
    (conflict,) = b.conflictos.conflicts()
    assert (conflict.kind, conflict.otra["data"]["tipo"]) == ("recapturado", "normal")

    b.conflictos.resolve(conflict.id, "otra", CLI_ACTOR)
    assert b.sync.synchronize().conflictos == 0
    assert a.sync.synchronize().conflictos == 0
    assert informativas(a) == informativas(b) == [(sin["uuid"], PERIODO.clave, "normal")]
    server = on_server(sync_server)
    assert len(server["icsoe_contratos"]) == 1
    assert len(server["icsoe_contrato_trabajadores"]) == TRABAJADORES
    assert a.conflictos.conflicts() == [] and b.conflictos.conflicts() == []


# --- the server's rule, row by row (pushes as a desktop sends them) ---------------------------

CONTRATISTA = str(uuid.uuid4())


def wire(table: str, data: dict, version: int = 1, base_seq: int = 0, **extra) -> dict:
    return {
        "table": table,
        "uuid": extra.pop("uuid", str(uuid.uuid4())),
        "version": version,
        "updated_at": "2026-11-23T10:00:00",
        "deleted": extra.pop("deleted", False),
        "base_seq": base_seq,
        "data": data,
    }


def contratista_en(sync_server, token: str) -> None:
    """The contratista of the rows these tests send, on the server first as a desktop sends it:
    the server keeps no informativa or contratante without theirs."""
    data = {"rfc": "CTR010101AB1", "razon_social": "Contratista Uno, S.A. de C.V."}
    (stored,) = sent(sync_server, token, [wire("icsoe_contratistas", data, uuid=CONTRATISTA)])
    assert stored["seq"] and "rechazo" not in stored


def informativa(periodo: str = PERIODO.clave, tipo: str = "normal", **extra) -> dict:
    data = {"contratista_id": CONTRATISTA, "periodo": periodo, "tipo": tipo, "complementa": ""}
    return wire("icsoe_informativas", data | extra.pop("data", {}), **extra)


def contrato(informativa_uuid: str) -> dict:
    return wire("icsoe_contratos", {"informativa_id": informativa_uuid, "objeto": "Limpieza"})


def trabajador(contrato_uuid: str, nss: str = "12345678903") -> dict:
    return wire("icsoe_contrato_trabajadores", {"contrato_id": contrato_uuid, "nss": nss})


def sent(sync_server, token: str, rows: list[dict]) -> list[dict]:
    """Each row's result: stored (its sequence), or refused (its reason; «espera»: it waits)."""
    answer = push(sync_server, token, rows)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def stored_uuids(sync_server, table: str) -> set[str]:
    with sync_server.engine.connect() as conn:
        query = select(SyncedRow.uuid).where(SyncedRow.tabla == table, ~SyncedRow.deleted)
        return set(conn.scalars(query))


@pytest.fixture(params=["postgresql", "sqlite"])
def servidor(request, tmp_path) -> Iterator[SyncServer]:
    """The real server on PostgreSQL, or on SQLite (a single office's)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("sync_server")
        return
    from icsoe_desktop.sync_server import db
    from icsoe_desktop.sync_server.app import create_app

    url = f"sqlite:///{tmp_path / 'oficina.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    port = free_port()
    runner = pg.ThreadServer(create_app(engine), port)
    runner.start()
    yield SyncServer(f"http://127.0.0.1:{port}", url, engine)
    runner.stop()
    engine.dispose()


def test_the_server_keeps_one_informativa_per_key_and_no_child_without_its_parent(
    servidor,
) -> None:
    sync_server = servidor
    a, b = sync_server.token(nombre="A"), sync_server.token(nombre="B")
    contratista_en(sync_server, a)
    normal = informativa()
    suyo = contrato(normal["uuid"])
    assert all(r["seq"] for r in sent(sync_server, a, [normal, suyo, trabajador(suyo["uuid"])]))

    # B's Normal of the period: refused naming it; its contract waits, with no conflict.
    otra = informativa(data={"capturada_por": "B"})
    otro = contrato(otra["uuid"])
    refused, waiting = sent(sync_server, b, [otra, otro])
    assert refused["seq"] == 0 and not refused.get("espera")
    assert "Normal del periodo mayo–agosto 2026" in refused["rechazo"]
    assert waiting["seq"] == 0 and waiting["espera"] is True
    # Its worker, sent in a later batch, waits too: its contract is not on the server.
    (later,) = sent(sync_server, b, [trabajador(otro["uuid"])])
    assert later["espera"] is True
    # A worker of the Normal the server holds is stored as ever.
    (fine,) = sent(sync_server, b, [trabajador(suyo["uuid"], "12345678911")])
    assert fine["seq"] and "rechazo" not in fine

    # A Sin información of the period is a second declaración: refused naming both tipos.
    (sin,) = sent(sync_server, b, [informativa(tipo="sin_informacion")])
    assert sin["seq"] == 0 and not sin.get("espera")
    assert (
        "ya envió al servidor la informativa Normal del periodo mayo–agosto 2026 de este "
        "contratista: esta, Sin información, no se guardó" in sin["rechazo"]
    )

    # Two of one key in one batch: the first is kept. Another period is another key; a period
    # may have several complementarias of one tipo correcting its Normal.
    first, second = informativa("2026-3"), informativa("2026-3")
    correcciones = [
        informativa(tipo="correccion", data={"complementa": normal["uuid"]}) for _ in range(2)
    ]
    batch = [first, second, *correcciones]
    results = {r["uuid"]: r for r in sent(sync_server, a, batch)}
    stored = [bool(results[r["uuid"]]["seq"]) for r in batch]
    assert stored == [True, False, True, True]
    assert stored_uuids(sync_server, "icsoe_informativas") == {
        r["uuid"] for r in (normal, first, *correcciones)
    }
    assert stored_uuids(sync_server, "icsoe_contratos") == {suyo["uuid"]}
    assert len(stored_uuids(sync_server, "icsoe_contrato_trabajadores")) == 2

    # A Normal removed frees its period: B's is taken then, with its contract and worker.
    removed = informativa(uuid=normal["uuid"], version=2, deleted=True)
    with sync_server.engine.connect() as conn:
        removed["base_seq"] = conn.scalar(
            select(SyncedRow.seq).where(SyncedRow.uuid == normal["uuid"])
        )
    assert sent(sync_server, a, [removed])[0]["seq"]
    results = sent(sync_server, b, [otra, otro, trabajador(otro["uuid"])])
    assert all(r["seq"] and "rechazo" not in r for r in results)

    # A contract of a Sin información waits (one holds none), in its batch or in a later one,
    # and its worker with it.
    sin = informativa("2026-1", tipo="sin_informacion")
    suyo_sin = contrato(sin["uuid"])
    results = sent(sync_server, a, [sin, suyo_sin, trabajador(suyo_sin["uuid"])])
    assert [bool(r["seq"]) for r in results] == [True, False, False]
    assert all(r["espera"] is True for r in results[1:])
    (later,) = sent(sync_server, a, [contrato(sin["uuid"])])
    assert later["espera"] is True


def stored_before_the_rule(sync_server, rows: list[dict]) -> None:
    """``rows`` written into the server's table as it was before it refused a second row of
    one key, with the company's next sequences."""
    with sync_server.engine.begin() as conn:
        empresa, last = conn.execute(text("SELECT id, last_seq FROM empresas")).one()
        for seq, stored in enumerate(rows, start=last + 1):
            conn.execute(
                SyncedRow.__table__.insert().values(
                    empresa_id=empresa,
                    tabla=stored["table"],
                    uuid=stored["uuid"],
                    seq=seq,
                    version=1,
                    updated_at=datetime(2026, 11, 20),
                    deleted=False,
                    data=stored["data"],
                    token_id=0,
                )
            )
        conn.execute(text("UPDATE empresas SET last_seq = :s"), {"s": last + len(rows)})


def test_two_normals_stored_before_the_rule_each_still_change_and_no_third_comes(
    sync_server,
) -> None:
    """A server that stored two Normals of one period before it refused them keeps both,
    each free to change; a third of that period is refused."""
    token = sync_server.token(nombre="A")
    contratista_en(sync_server, token)
    first, second = informativa(), informativa()
    stored_before_the_rule(sync_server, [first, second])
    edits = [
        informativa(uuid=stored["uuid"], version=2, base_seq=seq, data={"estado": "lista"})
        for seq, stored in enumerate((first, second), start=2)
    ]
    assert all(r["seq"] and "rechazo" not in r for r in sent(sync_server, token, edits))
    (third,) = sent(sync_server, token, [informativa()])
    assert third["seq"] == 0 and "mayo–agosto 2026" in third["rechazo"]
    assert stored_uuids(sync_server, "icsoe_informativas") == {first["uuid"], second["uuid"]}


def test_keys_held_twice_before_the_rule_are_listed_by_verificar(sync_server, capsys) -> None:
    """A server split before it refused second rows (two contratistas of one RFC, two
    contratantes of one RFC of a contratista, a worker twice in a contract): ``verificar``
    lists each key with its rows and ends with 1; complementarias of one period are no key;
    once the row that was left over is removed, it says nothing more."""
    token = sync_server.token(nombre="A")
    contratista_en(sync_server, token)
    data = {"rfc": "CTR010101AB1", "razon_social": "Contratista Uno, S.A. de C.V."}
    otro_contratista = wire("icsoe_contratistas", data)
    cliente = {"contratista_id": CONTRATISTA, "rfc": "CNT010101A14", "nombre": "Cliente"}
    contratantes = [wire("icsoe_contratantes", cliente) for _ in range(2)]
    normal = informativa()
    uno = contrato(normal["uuid"])
    dos_veces = [trabajador(uno["uuid"]) for _ in range(2)]
    correcciones = [
        informativa(tipo="correccion", data={"complementa": normal["uuid"]}) for _ in range(2)
    ]
    stored_before_the_rule(
        sync_server, [otro_contratista, *contratantes, normal, uno, *dos_veces, *correcciones]
    )
    database = ["--database-url", sync_server.database_url]
    capsys.readouterr()

    assert server_main(["verificar", *database]) == 1
    listed = capsys.readouterr().out.splitlines()
    twice = [line.split("\t")[:3] for line in listed if "con la misma clave" in line]
    assert twice == [
        [EMPRESA, "icsoe_contratistas", "CTR010101AB1"],
        [EMPRESA, "icsoe_contratantes", f"{CONTRATISTA} / CNT010101A14"],
        [EMPRESA, "icsoe_contrato_trabajadores", f"{uno['uuid']} / 12345678903"],
    ]
    uuids = sorted(r["uuid"] for r in dos_veces)
    assert any(
        line.endswith(f"2 renglones con la misma clave: {', '.join(uuids)}") for line in listed
    )
    assert "3 claves con dos renglones o más" in listed[-1]
    assert server_main(["verificar", "--empresa", "XXX010101XX1", *database]) == 2

    removed = {**dos_veces[1], "version": 2, "deleted": True}
    with sync_server.engine.connect() as conn:
        removed["base_seq"] = conn.scalar(
            select(SyncedRow.seq).where(SyncedRow.uuid == removed["uuid"])
        )
    assert sent(sync_server, token, [removed])[0]["seq"]
    capsys.readouterr()
    assert server_main(["verificar", "--empresa", EMPRESA, *database]) == 1
    assert "icsoe_contrato_trabajadores" not in capsys.readouterr().out
