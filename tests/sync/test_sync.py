"""Two desktops (two data dirs, two SQLite stores) syncing through the real server on a real
PostgreSQL: offline edits converge, conflicts are kept, secrets never travel, an unreachable or
killed server loses nothing, and another company's token reads nothing."""

from __future__ import annotations

import gc
import threading
import time

import pytest
from sqlalchemy import func, select, text

from icsoe_desktop.domain.errors import AuthenticationError, DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.sync.transporte import SyncError
from icsoe_desktop.store.models import AuditEntry, RegistroPatronal
from tests import credentials_factory as cf
from tests.conftest import free_port
from tests.sync.conftest import (
    EMPRESA,
    OTRA_EMPRESA,
    connect,
    connected,
    import_rows,
    sharing_registros,
)

PASSWORD = "Nom1na$Segura"


def register(services, usuario: str, nombre: str = "Ana") -> None:
    services.accounts.register(
        Registration(nombre, "López", "", usuario, PASSWORD, PASSWORD, True), "admin@empresa.com"
    )


def registros(services) -> dict[str, str]:
    return {r.registro: r.razon_social for r in services.registros.listar()}


def audit_uuids(services) -> set[str]:
    with services.store.session() as session:
        return set(session.scalars(select(AuditEntry.uuid)).all())


def test_two_desktops_edit_offline_sync_and_converge(sync_server, desktops) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    # Offline work on both desktops.
    register(a, "ana@empresa.com")
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", "ana@empresa.com")
    register(b, "beto@empresa.com", "Beto")
    b.registros.save("NO191919191", "SCO050505QR2", "Servicios Contables", "beto@empresa.com")
    assert a.sync.status().texto == f"{a.sync.pending_count()} cambios por enviar"

    progress: list[tuple[int, int]] = []
    first = a.sync.synchronize(lambda done, total: progress.append((done, total)))
    assert first.enviados > 0 and first.recibidos == 0
    assert progress[-1][0] == progress[-1][1]
    b.sync.synchronize()
    a.sync.synchronize()

    assert (
        registros(a)
        == registros(b)
        == {
            "NO191919191": "Servicios Contables",
            "Y5412345106": "Nóminas del Centro",
        }
    )
    # IDSE users are each installation's (its catalog: varias empresas), not an empresa's data.
    assert [u.usuario for u in a.accounts.listar()] == ["ana@empresa.com"]
    assert [u.usuario for u in b.accounts.listar()] == ["beto@empresa.com"]
    assert audit_uuids(a) == audit_uuids(b)
    # Each desktop chains the same entries in the order it got them: both chains whole, apart.
    chains = [verificar_bitacora(d.store.path) for d in (a, b)]
    assert all(c.integra for c in chains) and chains[0].cabeza != chains[1].cabeza
    assert a.sync.pending_count() == b.sync.pending_count() == 0
    assert a.sync.status().texto.startswith("Sincronizado ")

    # Edits and a removal travel too.
    b.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro, S.A.", "beto@empresa.com")
    b.registros.delete("NO191919191", "beto@empresa.com")
    for desktop in (a, b, a):
        desktop.sync.synchronize()
    assert registros(a) == registros(b) == {"Y5412345106": "Nóminas del Centro, S.A."}
    assert a.conflictos.conflicts() == b.conflictos.conflicts() == []


def test_own_pushes_are_not_downloaded_again_but_rows_written_in_between_are(
    sync_server, desktops
) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    b.registros.save("NO191919191", "SCO050505QR2", "Servicios Contables", "beto@empresa.com")
    b.sync.synchronize()
    # A pushes after B: the sequences between A's cursor and its own are B's, so A pulls them.
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", "ana@empresa.com")
    first = a.sync.synchronize()
    assert first.recibidos > 0
    assert set(registros(a)) == {"NO191919191", "Y5412345106"}

    # Nobody wrote in between: A's progress counts only what it sent, nothing comes back.
    a.registros.save("B1234567105", EMPRESA, "Nóminas del Norte", "ana@empresa.com")
    progress: list[tuple[int, int]] = []
    second = a.sync.synchronize(lambda done, total: progress.append((done, total)))
    assert second.recibidos == 0
    assert progress[-1] == (second.enviados, second.enviados)
    b.sync.synchronize()
    assert registros(a) == registros(b)


def test_a_user_of_one_installation_never_travels_with_the_empresas_sync(
    sync_server, desktops
) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token())
    connect(b, sync_server.url, sync_server.token())
    register(a, "ana@empresa.com")
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", "ana@empresa.com")
    a.sync.synchronize()
    b.sync.synchronize()
    assert a.accounts.authenticate("ana@empresa.com", PASSWORD).usuario == "ana@empresa.com"
    with pytest.raises(AuthenticationError) as info:
        b.accounts.authenticate("ana@empresa.com", PASSWORD)
    assert info.value.code == "credenciales_incorrectas"
    assert registros(b) == {"Y5412345106": "Nóminas del Centro"}
    # Neither the user nor its hash reached the server.
    with sync_server.engine.connect() as conn:
        stored = conn.execute(text("SELECT data::text FROM rows")).scalars().all()
    assert stored and not any('"usuario"' in d or "password_hash" in d for d in stored)
    assert not any("scrypt" in d for d in stored)


def test_certificate_metadata_travels_without_its_key(
    sync_server, desktops, tmp_path, data_dir
) -> None:
    from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR, Assignment

    a, b = desktops
    connect(a, sync_server.url, sync_server.token())
    connect(b, sync_server.url, sync_server.token())
    for desktop in (a, b):
        trusted = desktop.store.path.parent / TRUSTED_DIR
        trusted.mkdir()
        (trusted / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)
        desktop.certificates.trusted_dirs.append(trusted)
    a.registros.save("Y5412345106", cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", "admin")
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    a.certificates.assign(Assignment("Y5412345106", cer, key, cf.RFC_MORAL, cf.PASSWORD), "admin")
    a.sync.synchronize()
    b.sync.synchronize()

    with sync_server.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT data::text FROM rows WHERE tabla = 'certificados_imss'")
        ).scalar_one()
    assert "secreto_sellado" not in stored and "keyring_ref" not in stored
    (row,) = b.certificates.rows()
    assert (row.tipo, row.estado, row.llave_local) == ("FIEL", "vigente", False)
    assert row.estado_texto == "Vigente · Sin llave en este equipo"
    assert b.certificates.pending() == ["Y5412345106"]
    with pytest.raises(DomainError) as info:
        b.certificates.credential("Y5412345106")
    assert info.value.code == "llave_en_otro_equipo"
    assert ".key" in info.value.message

    # Choosing the files again on desktop B completes the certificate there.
    b.certificates.assign(Assignment("Y5412345106", cer, key, cf.RFC_MORAL, cf.PASSWORD), "admin")
    assert b.certificates.rows()[0].llave_local is True
    assert b.certificates.credential("Y5412345106")[1] == cf.RFC_MORAL
    # …and, being the same certificate, it is not a change to send.
    b.sync.synchronize()
    a.sync.synchronize()
    assert a.certificates.rows()[0].llave_local is True
    assert a.conflictos.conflicts() == b.conflictos.conflicts() == []

    # Removed on A: B learns of it and forgets its local key.
    a.certificates.remove("Y5412345106", "admin")
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.certificates.rows()[0].estado == "sin_certificado"


def test_a_row_changed_on_two_desktops_is_kept_as_a_conflict(sync_server, desktops) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token())
    connect(b, sync_server.url, sync_server.token())
    a.registros.save("Y5412345106", EMPRESA, "Original", "admin")
    a.sync.synchronize()
    b.sync.synchronize()

    a.registros.save("Y5412345106", EMPRESA, "Versión de A", "admin")
    b.registros.save("Y5412345106", EMPRESA, "Versión de B", "admin")
    a.sync.synchronize()
    result = b.sync.synchronize()  # B pushes last: it wins by server order
    assert result.conflictos == 1
    a.sync.synchronize()
    assert registros(a) == registros(b) == {"Y5412345106": "Versión de B"}

    (conflict,) = b.conflictos.conflicts()
    assert (conflict.titulo, conflict.renglon) == ("Registro patronal", "Y5412345106")
    assert conflict.otra["data"]["razon_social"] == "Versión de A"
    assert conflict.actual["data"]["razon_social"] == "Versión de B"
    assert b.sync.status().texto.endswith("1 conflicto")

    b.conflictos.resolve(conflict.id, "otra", "admin")
    assert b.conflictos.conflicts() == []
    b.sync.synchronize()
    a.sync.synchronize()
    assert registros(a) == registros(b) == {"Y5412345106": "Versión de A"}
    assert a.conflictos.conflicts() == []


def test_the_same_registro_created_offline_on_two_desktops_is_not_lost(
    sync_server, desktops
) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token())
    connect(b, sync_server.url, sync_server.token())
    a.registros.save("Y5412345106", EMPRESA, "Alta en A", "admin")
    b.registros.save("Y5412345106", EMPRESA, "Alta en B", "admin")
    a.sync.synchronize()
    # B's first sync receives first: its registro is the server's (A's version, as on every
    # desktop), and its own is kept as a conflict on B only.
    assert b.sync.synchronize().conflictos == 1
    assert registros(b) == {"Y5412345106": "Alta en A"}
    (conflict,) = b.conflictos.conflicts()
    assert conflict.kind == "recapturado"
    assert conflict.otra["data"]["razon_social"] == "Alta en B"
    b.conflictos.resolve(conflict.id, "otra", "admin")
    assert registros(b) == {"Y5412345106": "Alta en B"}
    b.sync.synchronize()
    assert a.sync.synchronize().conflictos == 0 and a.conflictos.conflicts() == []
    assert registros(a) == {"Y5412345106": "Alta en B"}


def test_unreachable_server_says_sin_conexion_and_loses_nothing(sync_server, desktops) -> None:
    a, b = desktops
    token = sync_server.token()
    connect(a, f"http://127.0.0.1:{free_port()}", token)  # nothing listens there
    a.registros.save("Y5412345106", EMPRESA, "Sin red", "admin")
    pending = a.sync.pending_count()
    with pytest.raises(SyncError) as info:
        a.sync.synchronize()
    assert info.value.offline and info.value.code == "sin_conexion"
    assert info.value.message.startswith("Sin conexión")
    assert a.sync.status().texto == f"Sin conexión · {pending} cambios por enviar"
    assert a.sync.pending_count() == pending
    # The sync never turns the process's garbage collector off (the window's thread shares
    # it): a failed sync leaves the app collecting as always.
    assert gc.isenabled()

    connect(a, sync_server.url, None)  # the server is back (the stored token is kept)
    a.sync.synchronize()
    assert a.sync.status().texto.startswith("Sincronizado")
    connect(b, sync_server.url, sync_server.token())
    b.sync.synchronize()
    assert registros(b) == {"Y5412345106": "Sin red"}


def test_a_token_of_another_company_reads_nothing(sync_server, desktops) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token(EMPRESA))
    connect(b, sync_server.url, sync_server.token(OTRA_EMPRESA))
    a.registros.save("Y5412345106", EMPRESA, "Sólo de la empresa A", "admin")
    a.sync.synchronize()
    result = b.sync.synchronize()
    assert result.recibidos == 0
    assert registros(b) == {}
    assert not audit_uuids(a) & audit_uuids(b)


@pytest.mark.end2end
def test_server_killed_mid_push_then_the_client_retries_without_loss_or_duplicates(
    server_process, desktops, monkeypatch
) -> None:
    from icsoe_desktop.services.sync import intercambio as sync_module
    from icsoe_desktop.sync_server.db import create_token, make_engine

    monkeypatch.setattr(sync_module, "BATCH_ROWS", 2000)  # 5,000 rows: three batches
    a, b = desktops
    engine = make_engine(server_process.database_url)
    try:
        token = create_token(engine, EMPRESA, "A").token
        server_process.start()
        connect(a, server_process.url, token)
        connect(b, server_process.url, create_token(engine, EMPRESA, "B").token)
        with a.store.session() as session:
            for n in range(5_000):
                a.audit.record(session, "admin", "prueba", f"renglón {n}")
        expected = audit_uuids(a)

        outcome: dict[str, BaseException] = {}

        def run() -> None:
            try:
                a.sync.synchronize()
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 60
        with engine.connect() as conn:
            while conn.execute(text("SELECT count(*) FROM batches")).scalar() < 2:
                assert time.monotonic() < deadline, "the push never started"
                conn.commit()
                time.sleep(0.005)
        server_process.kill()  # mid-push: some batches stored, one maybe half-answered
        worker.join(timeout=60)
        assert isinstance(outcome.get("error"), SyncError) and outcome["error"].offline
        assert 0 < a.sync.pending_count() < len(expected)

        server_process.start()
        a.sync.synchronize()
        assert a.sync.pending_count() == 0
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT count(*), count(DISTINCT uuid) FROM rows WHERE tabla = 'audit_log'")
            ).one()
        assert stored == (len(expected), len(expected))
        own = audit_uuids(b)  # B's own entries (its sync settings)
        b.sync.synchronize()
        assert audit_uuids(b) == expected | own
        with b.store.session() as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry)) == len(
                expected | own
            )
            assert session.scalar(select(func.count()).select_from(RegistroPatronal)) == 0
    finally:
        engine.dispose()


def test_movimientos_lotes_and_capturistas_travel_between_desktops(
    sync_server, desktops, tmp_path
) -> None:
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden
    from tests.services.movimientos_data import REGISTRO_A, load_known

    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    load_known(a, tmp_path)
    pendientes = a.lotes.pendientes(REGISTRO_A)
    a.lotes.generar(REGISTRO_A, [p.id for p in pendientes], tmp_path, "ana@empresa.com")
    a.sync.synchronize()
    b.sync.synchronize()
    rows_a = a.movimientos.pagina(Filtro(), Orden(), 0, 100)
    rows_b = b.movimientos.pagina(Filtro(), Orden(), 0, 100)
    # Same movements, dates, amounts, states and lote number (local ids may differ).
    assert [r[1:] for r in rows_b] == [r[1:] for r in rows_a]
    assert len(rows_b) == 6 and b.movimientos.count(Filtro(estado="enviado")) == 2
    [lote] = b.lotes.lotes()
    assert lote.numero == 1
    assert [d.nss for d in b.lotes.detalle(lote.id)] == [p.nss for p in pendientes]


def test_vence_travels_with_the_movements_between_desktops(
    sync_server, desktops, tmp_path, clock
) -> None:
    """Desktop B shows, sorts and searches the deadlines of the avisos desktop A imported: each
    is its fecha's, so the two desktops agree on what is overdue, and a corrected fecha moves
    its deadline on both."""
    from dataclasses import replace
    from datetime import date, datetime

    from icsoe_desktop.domain.movimientos import POR_VENCER, VENCIDOS, vence
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
    from tests.services.movimientos_data import load_known

    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    load_known(a, tmp_path)
    a.sync.synchronize()
    b.sync.synchronize()
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == "vence")
    fecha = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
    order = Orden(column, descending=False)
    rows_a = a.movimientos.pagina(Filtro(), order, 0, 100)
    rows_b = b.movimientos.pagina(Filtro(), order, 0, 100)
    assert [r[1 + column] for r in rows_b] == [r[1 + column] for r in rows_a]
    assert [r[1 + column] for r in rows_b] == [vence(r[1 + fecha]) for r in rows_b]
    clock.now = datetime(2026, 6, 22, 9)  # a Monday
    vencidos = Filtro(condicion=("vence", VENCIDOS))
    por_vencer = Filtro(condicion=("vence", POR_VENCER))
    assert a.movimientos.count(vencidos) == b.movimientos.count(vencidos) == 2
    assert b.movimientos.count(por_vencer) == 1

    # A moves a rejected movement's fecha (a correction): B's deadline follows.
    [karla] = [r for r in rows_a if r[1 + fecha] == date(2026, 6, 1)]
    mov = a.movimientos.movimiento(karla[0])
    a.movimientos.corregir(karla[0], replace(mov, fecha=date(2026, 6, 19)), CLI_ACTOR)
    a.sync.synchronize()
    b.sync.synchronize()
    moved = [r for r in b.movimientos.pagina(Filtro(), order, 0, 100) if r[1 + fecha].month == 6]
    assert [(r[1 + fecha], r[1 + column]) for r in moved] == [
        (date(2026, 6, 10), date(2026, 6, 17)),
        (date(2026, 6, 19), date(2026, 6, 26)),
        (date(2026, 6, 20), date(2026, 6, 26)),
    ]
    # KARLA's is pendiente again, due on Friday.
    assert b.movimientos.count(por_vencer) == 2 and b.movimientos.count(vencidos) == 2


def test_lotes_generated_offline_on_two_desktops_both_arrive_with_their_movements(
    sync_server, desktops, tmp_path
) -> None:
    from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B, known_rows, nss

    a, b = sharing_registros(sync_server, desktops)
    # Each desktop imports its own workers' movements and sends them in a lote, offline.
    for i, desktop in enumerate((a, b)):
        rows = known_rows()
        for n, row in enumerate(rows):
            row["NSS"] = nss(100 * (i + 1) + n)
        import_rows(desktop, rows, tmp_path / f"mov_{i}.csv")
        pendientes = desktop.lotes.pendientes(REGISTRO_A)
        folder = tmp_path / f"lotes_{i}"
        folder.mkdir()
        desktop.lotes.generar(REGISTRO_A, [p.id for p in pendientes], folder, "ana@empresa.com")
    for desktop in (a, b, a):
        desktop.sync.synchronize()

    for desktop in (a, b):
        lotes = desktop.lotes.lotes()
        assert [lt.numero for lt in lotes] == [1, 1]  # the same number, two lotes
        detalle = {lt.id: {d.nss for d in desktop.lotes.detalle(lt.id)} for lt in lotes}
        assert sorted(detalle.values(), key=min) == [{nss(101), nss(103)}, {nss(201), nss(203)}]
        assert desktop.conflictos.conflicts() == []
    # The next lote takes the next number.
    pendientes = a.lotes.pendientes(REGISTRO_B)
    assert a.lotes.generar(REGISTRO_B, [p.id for p in pendientes], tmp_path, "a").numero == 2


def test_the_same_movements_imported_on_two_desktops_are_kept_as_duplicates(
    sync_server, desktops, tmp_path
) -> None:
    from icsoe_desktop.services.movimientos.servicio import Filtro
    from tests.services.movimientos_data import KNOWN, known_rows

    a, b = sharing_registros(sync_server, desktops)
    for i, desktop in enumerate((a, b)):  # both clerks import the same CONTPAQi file, offline
        import_rows(desktop, known_rows(), tmp_path / f"mov_{i}.csv")
    for desktop in (a, b, a):
        desktop.sync.synchronize()  # no crash on the repeated movements

    for desktop in (a, b):
        assert desktop.movimientos.count(Filtro()) == len(KNOWN)
        # Each holds the other's copies only as their state: its drift check counts them too.
        assert desktop.sync.status().verified_at is not None
        conflicts = desktop.conflictos.conflicts()
        assert {(c.titulo, c.kind) for c in conflicts} == {("Movimiento afiliatorio", "duplicado")}
        assert sorted(c.renglon for c in conflicts) == sorted(row[4] for row in KNOWN)
        # The window shows the local movement the other desktop's copy collided with.
        assert all(c.actual["data"]["nss"] == c.otra["data"]["nss"] for c in conflicts)
        for conflict in conflicts:
            desktop.conflictos.resolve(conflict.id, "actual", "ana@empresa.com")
        assert desktop.conflictos.conflicts() == []


def test_the_desktop_whose_edit_lost_hears_of_it_and_a_settled_conflict_settles_everywhere(
    sync_server, desktops, tmp_path, clock
) -> None:
    """The «cambio» conflict is listed on the two desktops that wrote (the manual: «en los dos
    equipos»), never on C, which synced all along and did nothing, nor on one that joins
    later; settled on one, it is settled on every one, for good."""
    from icsoe_desktop.services.container import open_services

    a, b = connected(sync_server, desktops)
    (tmp_path / "c").mkdir()
    (tmp_path / "nuevo").mkdir()
    c = open_services(tmp_path / "c", clock)
    nuevo = open_services(tmp_path / "nuevo", clock)
    try:
        connect(c, sync_server.url, sync_server.token(nombre="C"))
        a.registros.save("Y5412345106", EMPRESA, "Original", "admin")
        for desktop in (a, b, c):
            desktop.sync.synchronize()
        c.registros.save("Y5412345107", EMPRESA, "Otro de C", "admin")  # C pushes too
        a.registros.save("Y5412345106", EMPRESA, "Versión de A", "ana@empresa.com")
        b.registros.save("Y5412345106", EMPRESA, "Versión de B", "beto@empresa.com")
        a.sync.synchronize()
        b.sync.synchronize()  # B wins by server order; A's edit is the one overwritten
        assert a.sync.synchronize().conflictos == 0
        assert c.sync.synchronize().conflictos == 0
        connect(nuevo, sync_server.url, sync_server.token(nombre="Nuevo"))
        assert nuevo.sync.synchronize().conflictos == 0

        # A, whose edit lost, is told, with the same two versions B sees; C and the new
        # desktop list nothing.
        (on_a,) = a.conflictos.conflicts()
        (on_b,) = b.conflictos.conflicts()
        assert a.sync.status().texto.endswith("1 conflicto")
        for conflict in (on_a, on_b):
            assert conflict.otra["data"]["razon_social"] == "Versión de A"
            assert conflict.actual["data"]["razon_social"] == "Versión de B"
        for desktop in (c, nuevo):
            assert desktop.conflictos.conflicts() == []
            assert desktop.conflictos.count() == 0
            assert desktop.conflictos.resolve_all("otra", CLI_ACTOR) == 0
            assert registros(desktop)["Y5412345106"] == "Versión de B"

        # A keeps its own version: the row and the conflict's settlement reach everyone.
        a.conflictos.resolve(on_a.id, "otra", "ana@empresa.com")
        for desktop in (a, b, c, nuevo, a, b):
            assert desktop.sync.synchronize().conflictos == 0
        for desktop in (a, b, c, nuevo):
            assert registros(desktop)["Y5412345106"] == "Versión de A"
            assert desktop.conflictos.conflicts() == []
    finally:
        c.close()
        nuevo.close()


def test_a_large_pull_keeps_the_grid_counts_exact(sync_database, desktops, tmp_path) -> None:
    """A page of thousands of movimientos is counted in one step (not by the insert trigger):
    the grid's totals still match the rows, with B's own movements counted too, and B's next
    import is counted by the trigger again."""
    from icsoe_desktop.sync_server.app import create_app
    from tests.sync import pg
    from tests.sync.conftest import SyncServer

    database_url, engine = sync_database
    runner = pg.ThreadServer(create_app(engine), free_port())  # batches of the full size
    runner.start()
    try:
        server = SyncServer(f"http://127.0.0.1:{runner.server.config.port}", database_url, engine)
        _large_pull(sharing_registros(server, desktops), tmp_path)
    finally:
        runner.stop()


def _large_pull(desktops, tmp_path) -> None:
    from datetime import date

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.movimientos.servicio import Filtro
    from tests.services.movimientos_data import KNOWN, known_rows, nss

    a, b = desktops
    import_rows(b, known_rows(), tmp_path / "mov_b.csv")
    create_demo_movimientos(a.store, 3000, date(2026, 11, 22))
    a.sync.synchronize()
    b.sync.synchronize()

    def counts(services) -> tuple[set[tuple], set[tuple]]:
        with services.store.session() as session:
            kept = session.execute(
                text(
                    "SELECT registro_patronal, tipo, estado, fecha, n FROM movimientos_conteo "
                    "WHERE n > 0"
                )
            ).all()
            real = session.execute(
                text(
                    "SELECT registro_patronal, tipo, estado, fecha, count(*) FROM movimientos "
                    "WHERE deleted = 0 GROUP BY registro_patronal, tipo, estado, fecha"
                )
            ).all()
        return set(kept), set(real)

    assert b.movimientos.count(Filtro()) == 3000 + len(KNOWN)
    kept, real = counts(b)
    assert kept == real
    more = known_rows()[:1]
    more[0]["NSS"] = nss(900)
    import_rows(b, more, tmp_path / "mov_b2.csv")
    assert b.movimientos.count(Filtro()) == 3000 + len(KNOWN) + 1
    kept, real = counts(b)
    assert kept == real


def test_a_batch_answered_but_not_recorded_before_a_crash_is_sent_again_without_a_copy(
    sync_server, desktops
) -> None:
    """A batch's answer is recorded once the next batch is on its way: a crash in between
    leaves its rows changed here, with the next batch's id stored. The next sync sends them
    again; the server already has them as they are: no new version, no conflict, no copy."""
    import requests

    from icsoe_desktop.domain import sync_wire
    from icsoe_desktop.services.sync.encode import encoded_changes
    from icsoe_desktop.store.models import SyncState

    a, b = desktops
    token = sync_server.token()
    connect(a, sync_server.url, token)
    for n in range(30):
        a.registros.save(f"Y54123451{n:02d}", EMPRESA, f"Empresa {n}", "admin")
    pending = a.sync.pending_count()
    with a.store.session() as session:
        rows = list(encoded_changes(session))
    answer = requests.post(
        f"{sync_server.url}/v1/push",
        data=sync_wire.push_body("lote-contestado", rows),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 200
    with a.store.session() as session:  # the next batch's id, stored before it was sent
        session.merge(SyncState(key="pending_batch", value="lote-siguiente"))

    assert a.sync.pending_count() == pending  # nothing of the answer was recorded
    a.sync.synchronize()
    assert a.sync.pending_count() == 0
    assert a.conflictos.conflicts() == []
    with sync_server.engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT uuid), max(version) FROM rows "
                "WHERE tabla = 'registros_patronales'"
            )
        ).one()
    assert stored == (30, 30, 1)
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    b.sync.synchronize()
    assert registros(b) == registros(a)
    assert b.conflictos.conflicts() == []


def test_rows_of_a_table_sent_with_different_columns_all_arrive(sync_server, desktops) -> None:
    """An older desktop leaves out a column this version has (a nullable one): a page then
    holds the table's rows in two sets of columns (two groups, by columns); each arrives,
    the one without the column with its default."""
    import uuid
    from datetime import date

    import requests

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.movimientos.servicio import Filtro
    from icsoe_desktop.services.sync.encode import local_changes
    from icsoe_desktop.store.models import MovimientoRow

    a, b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, 6, date(2026, 11, 22))
    with a.store.session() as session:
        rows = [r for r in local_changes(session) if r["table"] == "movimientos"]
    older = next(r for r in rows[1:] if r["data"]["sbc"] is not None)
    older["data"].pop("sbc")
    answer = requests.post(
        f"{sync_server.url}/v1/push",
        json={"batch_id": uuid.uuid4().hex, "rows": rows},
        headers={"Authorization": f"Bearer {sync_server.token(nombre='C')}"},
        timeout=10,
    )
    assert answer.status_code == 200
    b.sync.synchronize()
    assert b.movimientos.count(Filtro()) == 6 and b.conflictos.conflicts() == []
    with b.store.session() as session:
        sbc = dict(session.execute(select(MovimientoRow.uuid, MovimientoRow.sbc)).all())
    assert sbc == {r["uuid"]: r["data"].get("sbc") for r in rows}
    assert sbc[older["uuid"]] is None and any(sbc.values())
