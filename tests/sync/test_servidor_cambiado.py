"""The server owns its sums: a row changed or deleted by an administrator's SQL in the server's
PostgreSQL, and a server restored from an older ``pg_dump``, are found at the next sync and
repaired on every desktop, and the clerk reads what happened in the sync's result. Sums that no
trigger kept (triggers bypassed) are found by ``sync_server verificar``, made again by
``sync_server reparar``, and meanwhile the clerk is told to call the administrator."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from icsoe_desktop.services.sync.contenido import CONTENT_EVERY
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.tracking import APPLYING_REMOTE
from icsoe_desktop.sync_server import sumas
from icsoe_desktop.sync_server.__main__ import main as server_main
from tests.sync import pg
from tests.sync.conftest import EMPRESA, connect, connected

ADMIN = "e"
REGISTROS = [f"Y56{n:08d}" for n in range(12)]


def razones(services) -> dict[str, str]:
    return {r.registro: r.razon_social for r in services.registros.listar()}


def synced(sync_server, desktops):
    a, b = connected(sync_server, desktops)
    for registro in REGISTROS:
        a.registros.save(registro, EMPRESA, "Original", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.sync.status().verified_at is not None
    return a, b


def server_sql(sync_server, sql: str) -> None:
    with sync_server.engine.begin() as conn:
        conn.execute(text(sql))


def text_changed(sync_server) -> list[str]:
    """The rows whose text is not the one of their last write the server saw: those whose
    content ``/v1/contenido`` and ``verificar`` compute again (the rest: their kept
    fingerprint)."""
    with sync_server.engine.connect() as conn:
        found = conn.execute(
            text("SELECT uuid FROM rows WHERE texto_visto IS DISTINCT FROM texto_actual")
        )
        return sorted(found.scalars())


def uuid_of(services, registro: str) -> str:
    with services.store.session() as session:
        return session.scalars(
            select(RegistroPatronal.uuid).where(RegistroPatronal.registro == registro)
        ).one()


def test_a_row_changed_by_sql_on_the_server_reaches_every_desktop_and_the_clerk_is_told(
    sync_server, desktops
) -> None:
    a, b = synced(sync_server, desktops)
    row = uuid_of(a, REGISTROS[3])
    server_sql(
        sync_server,
        "UPDATE rows SET data = jsonb_set(data::jsonb, '{razon_social}', "
        f"'\"Corregida en el servidor\"')::json WHERE uuid = '{row}'",
    )
    assert sumas.verificar(sync_server.engine) == []  # the trigger kept the sums right
    assert text_changed(sync_server) == []  # and the row's fingerprints

    for services in (a, b):
        result = services.sync.synchronize()
        assert "El servidor cambió; se volvió a comparar: 1 renglón recibido." in result.texto
        assert razones(services)[REGISTROS[3]] == "Corregida en el servidor"
        assert services.sync.status().verified_at is not None
    assert "El servidor cambió" not in b.sync.synchronize().texto  # told once


def test_a_row_deleted_by_sql_on_the_server_is_deleted_on_every_desktop(
    sync_server, desktops
) -> None:
    a, b = synced(sync_server, desktops)
    row = uuid_of(a, REGISTROS[5])
    server_sql(sync_server, f"DELETE FROM rows WHERE uuid = '{row}'")
    with sync_server.engine.connect() as conn:  # kept as a tombstone: the desktops hear of it
        assert conn.execute(text(f"SELECT deleted FROM rows WHERE uuid = '{row}'")).scalar()

    for services in (a, b):
        result = services.sync.synchronize()
        assert "El servidor cambió; se volvió a comparar: 1 renglón recibido." in result.texto
        assert REGISTROS[5] not in razones(services)
        assert len(razones(services)) == len(REGISTROS) - 1
        assert services.sync.status().verified_at is not None


def _pg_tool(name: str, sync_server, *args: str) -> None:
    url = make_url(sync_server.database_url)
    where = ["-h", "127.0.0.1", "-p", str(url.port), "-U", "postgres", "-d", str(url.database)]
    subprocess.run(
        [str(pg.pg_bindir() / name), *where, *args],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _respaldado_y_editado(sync_server, desktops, tmp_path: Path):
    """Two desktops in sync; the server backed up (``pg_dump``); then on A a registro edited
    and one new, sent to the server. A, B and the backup's file."""
    a, b = synced(sync_server, desktops)
    dump = tmp_path / "servidor.dump"
    _pg_tool("pg_dump", sync_server, "-Fc", "-f", str(dump))
    a.registros.save(REGISTROS[0], EMPRESA, "Editada en A después del respaldo", ADMIN)
    a.registros.save("Y5699999999", EMPRESA, "Nueva después del respaldo", ADMIN)
    a.sync.synchronize()
    return a, b, dump


def _la_numeracion_sigue(a, b, sync_server) -> None:
    """The restored server's numbering goes on: a row made now on A reaches B, and the
    server's sums agree with its rows."""
    a.registros.save("Y5688888888", EMPRESA, "Después de restaurar", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    assert razones(b)["Y5688888888"] == "Después de restaurar"
    assert sumas.verificar(sync_server.engine) == []


def test_a_server_restored_from_an_older_dump_gets_back_what_it_lost_from_the_desktops(
    sync_server, desktops, tmp_path: Path, clock
) -> None:
    a, b, dump = _respaldado_y_editado(sync_server, desktops, tmp_path)
    b.sync.synchronize()
    expected = razones(a)
    assert razones(b) == expected

    sync_server.engine.dispose()  # the server idle while IT restores
    _pg_tool("pg_restore", sync_server, "--clean", "--if-exists", "--single-transaction", str(dump))

    result = b.sync.synchronize()
    # The two registros and their two entries of the bitácora.
    assert (
        "El servidor volvió a una copia anterior de sus datos; se volvió a comparar: "
        "0 renglones recibidos, 4 renglones enviados de nuevo."
    ) in result.texto
    assert b.sync.status().verified_at is not None
    assert "se volvió a comparar" not in a.sync.synchronize().texto  # B sent back what A had
    assert a.sync.status().verified_at is not None
    assert razones(a) == razones(b) == expected
    _joins_with(tmp_path, clock, sync_server, expected)
    _la_numeracion_sigue(a, b, sync_server)


def test_a_change_no_trigger_saw_is_found_by_verificar_and_sent_out_by_reparar(
    sync_server, desktops, capsys
) -> None:
    a, b = synced(sync_server, desktops)
    row = uuid_of(a, REGISTROS[1])
    # Triggers off (as a tool that copies rows in may do): the row changes, its sums do not.
    server_sql(
        sync_server,
        "SET LOCAL session_replication_role = replica; "
        "UPDATE rows SET version = version + 1, data = jsonb_set(data::jsonb, "
        f"'{{razon_social}}', '\"Copiada sin disparadores\"')::json WHERE uuid = '{row}'",
    )
    database = ["--database-url", sync_server.database_url]
    capsys.readouterr()

    assert server_main(["verificar", "--empresa", "XXX010101XX1", *database]) == 2
    assert "No existe la empresa XXX010101XX1." in capsys.readouterr().err
    assert server_main(["verificar", *database]) == 1
    listed = capsys.readouterr().out
    assert f"{EMPRESA}\tregistros_patronales\ttoda la tabla\t" in listed
    assert "corre «python -m icsoe_desktop.sync_server reparar»" in listed
    assert server_main(["reparar", *database]) == 0
    assert "Sumas rehechas a partir de los renglones" in capsys.readouterr().out
    assert server_main(["verificar", *database]) == 0
    assert "coinciden con los renglones" in capsys.readouterr().out

    for services in (a, b):
        result = services.sync.synchronize()
        assert "El servidor cambió; se volvió a comparar: 1 renglón recibido." in result.texto
        assert razones(services)[REGISTROS[1]] == "Copiada sin disparadores"


def test_sums_that_lie_tell_the_clerk_to_call_the_administrator_until_reparar(
    sync_server, desktops, capsys
) -> None:
    _a, b = synced(sync_server, desktops)
    server_sql(
        sync_server,
        "UPDATE bucket_sums SET total = total + 1 "
        "WHERE tabla = 'registros_patronales' AND bucket = -1",
    )

    result = b.sync.synchronize()
    assert "siguen distintos de los del servidor" in result.texto
    assert "«sync_server verificar»" in result.texto
    status = b.sync.status()
    assert status.verified_at is None
    assert status.texto.endswith(" · Distinto del servidor")  # the status bar
    assert "siguen distintos de los del servidor" in status.aviso  # the sync dialog

    assert server_main(["reparar", "--database-url", sync_server.database_url]) == 0
    result = b.sync.synchronize()
    assert "distintos" not in result.texto
    assert b.sync.status().verified_at is not None
    assert "Distinto" not in b.sync.status().texto


def test_a_desktop_whose_own_file_drifted_is_not_told_the_server_changed(
    sync_server, desktops
) -> None:
    a, b = synced(sync_server, desktops)
    with b.store.session() as session:  # as a file rescued without the app would be
        session.info[APPLYING_REMOTE] = True
        row = session.scalars(
            select(RegistroPatronal).where(RegistroPatronal.registro == REGISTROS[2])
        ).one()
        row.razon_social, row.version = "Vieja", 0

    result = b.sync.synchronize()

    assert (
        "Los datos de este equipo no coincidían con los del servidor; se volvió a comparar: "
        "1 renglón recibido."
    ) in result.texto
    assert razones(b) == razones(a)


def _desktop(tmp_path: Path, clock, sync_server):
    """A third desktop of the company, joining now."""
    from icsoe_desktop.services.container import open_services

    folder = tmp_path / "escritorio_c"
    folder.mkdir()
    services = open_services(folder, clock)
    connect(services, sync_server.url, sync_server.token(nombre="C"))
    return services


def _joins_with(tmp_path: Path, clock, sync_server, expected: dict[str, str]) -> None:
    """A desktop that joins now receives ``expected`` (its registros' razones) and verifies."""
    c = _desktop(tmp_path, clock, sync_server)
    try:
        c.sync.synchronize()
        assert razones(c) == expected
        assert c.sync.status().verified_at is not None
    finally:
        c.close()


def test_content_changed_with_the_triggers_off_is_noticed_by_every_desktop_and_by_verificar(
    sync_server, desktops, capsys, tmp_path: Path, clock
) -> None:
    """Triggers off, the row's content changes under the same version (the server's kept sums
    unchanged): every desktop's content check finds it and receives the server's content, a
    desktop that joins later holds the same; ``verificar`` finds it by the row's fingerprint,
    ``reparar`` gives it a new version, and all stay equal and verified."""
    a, b = synced(sync_server, desktops)
    rows = [uuid_of(a, registro) for registro in REGISTROS[6:9]]
    listed_rows = ", ".join(f"'{row}'" for row in rows)
    server_sql(
        sync_server,
        "SET LOCAL session_replication_role = replica; "
        "UPDATE rows SET data = jsonb_set(data::jsonb, '{razon_social}', "
        f"'\"Cambiada sin disparadores\"')::json WHERE uuid IN ({listed_rows})",
    )
    # The same content written another way, triggers off: parsed, found equal, not received.
    reformatted = uuid_of(a, REGISTROS[10])
    server_sql(
        sync_server,
        "SET LOCAL session_replication_role = replica; "
        f"UPDATE rows SET data = data::jsonb::json WHERE uuid = '{reformatted}'",
    )
    # The generated column is computed with the triggers off: these rows alone are parsed.
    assert text_changed(sync_server) == sorted([*rows, reformatted])
    for services in (a, b):  # their sums equal the server's: the content is compared hourly
        services.sync.synchronize()
        assert razones(services)[REGISTROS[6]] == "Original"
    clock.advance(seconds=CONTENT_EVERY.total_seconds())
    for services in (a, b):
        result = services.sync.synchronize()
        assert "El servidor cambió; se volvió a comparar: 3 renglones recibidos." in result.texto
        assert [razones(services)[r] for r in REGISTROS[6:9]] == ["Cambiada sin disparadores"] * 3
        assert razones(services)[REGISTROS[5]] == "Original"
        assert services.sync.status().verified_at is not None
    c = _desktop(tmp_path, clock, sync_server)
    try:
        c.sync.synchronize()
        assert razones(c) == razones(a) == razones(b)
        assert c.sync.status().verified_at is not None
    finally:
        c.close()

    database = ["--database-url", sync_server.database_url]
    capsys.readouterr()
    assert server_main(["verificar", *database]) == 1
    listed = capsys.readouterr().out
    assert (
        f"{EMPRESA}\tregistros_patronales\t3 renglones con el contenido cambiado sin los "
        "disparadores (la misma versión)"
    ) in listed
    assert server_main(["reparar", *database]) == 0
    capsys.readouterr()
    assert server_main(["verificar", *database]) == 0
    assert "coinciden con los renglones" in capsys.readouterr().out
    assert text_changed(sync_server) == []

    for services in (a, b):
        result = services.sync.synchronize()
        assert "distintos" not in result.texto
        assert [razones(services)[r] for r in REGISTROS[6:9]] == ["Cambiada sin disparadores"] * 3
        assert services.sync.status().verified_at is not None
    assert razones(a) == razones(b)
    with sync_server.engine.connect() as conn:  # listed as the server's own changes
        edited = conn.execute(text("SELECT uuid FROM outside_edits WHERE operacion = 'UPDATE'"))
        assert sorted(edited.scalars()) == sorted(rows)


def test_an_edit_made_without_the_triggers_before_the_upgrade_is_still_found(
    sync_server, desktops, clock
) -> None:
    """A server of the previous version with its rows, one changed where no trigger ran: after
    the upgrade the others' kept fingerprints count (their text is that of their last write),
    that one is still found by ``verificar`` and by every desktop's content check."""
    from alembic import command
    from alembic.config import Config

    from icsoe_desktop.sync_server.db import MIGRATIONS_DIR, upgrade

    a, b = synced(sync_server, desktops)
    row = uuid_of(a, REGISTROS[4])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with sync_server.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0017_certificados_sat")
    server_sql(
        sync_server,
        "SET LOCAL session_replication_role = replica; "
        "UPDATE rows SET data = jsonb_set(data::jsonb, '{razon_social}', "
        f"'\"Cambiada antes de actualizar\"')::json WHERE uuid = '{row}'; "
        # the same content written another way: nothing to find
        "UPDATE rows SET data = data::jsonb::json WHERE uuid = "
        f"'{uuid_of(a, REGISTROS[5])}'",
    )
    upgrade(sync_server.engine)

    assert text_changed(sync_server) == [row]
    found = sumas.verificar(sync_server.engine)
    assert [(f.tabla, f.renglones) for f in found if isinstance(f, sumas.Cambiados)] == [
        ("registros_patronales", 1)
    ]
    clock.advance(seconds=CONTENT_EVERY.total_seconds())
    for services in (a, b):
        result = services.sync.synchronize()
        assert "El servidor cambió; se volvió a comparar: 1 renglón recibido." in result.texto
        assert razones(services)[REGISTROS[4]] == "Cambiada antes de actualizar"
        assert razones(services)[REGISTROS[5]] == "Original"


def test_pushes_keep_each_rows_fingerprint(sync_server, desktops) -> None:
    """Every way a push writes a row (a new row, a batch by COPY, a changed row) leaves the
    fingerprint of what it wrote: nothing for ``verificar`` to find."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    a, b = synced(sync_server, desktops)
    create_demo_movimientos(a.store, 300, date(2026, 11, 22))  # by COPY (100 rows or more)
    a.registros.save(REGISTROS[0], EMPRESA, "Cambiada en el equipo", ADMIN)  # an update
    a.sync.synchronize()
    b.sync.synchronize()
    assert sumas.verificar(sync_server.engine) == []
    with sync_server.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM rows WHERE huella IS NULL")).scalar() == 0
    assert text_changed(sync_server) == []  # each write's text fingerprint kept too
    assert razones(b)[REGISTROS[0]] == "Cambiada en el equipo"


def test_rows_deleted_with_the_triggers_off_are_sent_back_by_the_desktops(
    sync_server, desktops, capsys, clock, tmp_path: Path
) -> None:
    """Triggers off, rows vanish from the server (its kept sums still count them): every
    desktop's content check notices and tells the clerk to call the administrator;
    ``verificar`` finds them missing from the sums; after ``reparar`` every desktop takes the
    server for one that lost data, sends them back, and all end equal and verified (never
    «Distinto del servidor» for good)."""
    a, b = synced(sync_server, desktops)
    rows = [uuid_of(a, registro) for registro in REGISTROS[9:11]]
    listed_rows = ", ".join(f"'{row}'" for row in rows)
    server_sql(
        sync_server,
        f"SET LOCAL session_replication_role = replica; DELETE FROM rows WHERE uuid IN ({listed_rows})",
    )
    clock.advance(seconds=CONTENT_EVERY.total_seconds())
    for services in (a, b, a):  # (and at every sync until the administrator's reparar)
        result = services.sync.synchronize()
        assert "«sync_server verificar»" in result.texto
        assert services.sync.status().verified_at is None
        assert services.sync.status().texto.endswith(" · Distinto del servidor")
    database = ["--database-url", sync_server.database_url]
    capsys.readouterr()
    assert server_main(["verificar", *database]) == 1
    assert f"{EMPRESA}\tregistros_patronales\ttoda la tabla\t" in capsys.readouterr().out
    assert server_main(["reparar", *database]) == 0
    expected = razones(a)
    assert len(expected) == len(REGISTROS)

    result = b.sync.synchronize()
    assert (
        "El servidor volvió a una copia anterior de sus datos; se volvió a comparar: "
        "0 renglones recibidos, 2 renglones enviados de nuevo."
    ) in result.texto
    for services in (a, b, a):
        result = services.sync.synchronize()
        assert "distintos" not in result.texto
        assert razones(services) == expected
        assert services.sync.status().verified_at is not None
        assert "Distinto" not in services.sync.status().texto
    with sync_server.engine.connect() as conn:
        back = conn.execute(text(f"SELECT count(*) FROM rows WHERE uuid IN ({listed_rows})"))
        assert back.scalar() == 2
    _joins_with(tmp_path, clock, sync_server, expected)
    assert sumas.verificar(sync_server.engine) == []


def _restore_data_only(sync_server, dump: Path) -> None:
    """The server's tables emptied and the dump's data put back, ``bucket_sums`` and the
    companies' sequences too (``pg_restore --data-only``): the database, its tables and their
    identifiers stay the same."""
    sync_server.engine.dispose()  # the server idle while IT restores
    with sync_server.engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables "
                "WHERE schemaname = 'public'"
            )
        ).scalar_one()
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    sync_server.engine.dispose()
    _pg_tool(
        "pg_restore",
        sync_server,
        "--data-only",
        "--disable-triggers",
        "--single-transaction",
        str(dump),
    )


def test_a_data_only_restore_keeps_the_later_edits_and_rows_on_every_desktop(
    sync_server, desktops, tmp_path: Path, clock, capsys
) -> None:
    """A restore of the data only (the sums with it: ``verificar`` finds nothing) is noticed
    by the first desktop that pulled past the server's last sequence; the server's next epoch
    tells the others. After the guide's ``verificar`` and ``reparar``, the edits and rows made
    after the backup are back on the server, no desktop took the older versions, and a desktop
    that joins later gets them."""
    a, b, dump = _respaldado_y_editado(sync_server, desktops, tmp_path)
    b.registros.save(REGISTROS[1], EMPRESA, "Editada en B después del respaldo", ADMIN)
    b.sync.synchronize()
    a.sync.synchronize()
    expected = razones(a)
    assert razones(b) == expected and len(expected) == len(REGISTROS) + 1

    _restore_data_only(sync_server, dump)
    database = ["--database-url", sync_server.database_url]
    assert server_main(["verificar", *database]) == 0  # its sums came back with its rows
    assert server_main(["reparar", *database]) == 0
    capsys.readouterr()

    result = b.sync.synchronize()
    assert "El servidor volvió a una copia anterior de sus datos" in result.texto
    assert "enviados de nuevo" in result.texto
    for services in (a, b, a):  # (B sent back what A had too)
        result = services.sync.synchronize()
        assert "distintos" not in result.texto
        assert razones(services) == expected
        assert services.sync.status().verified_at is not None
    _joins_with(tmp_path, clock, sync_server, expected)
    _la_numeracion_sigue(a, b, sync_server)


def test_after_a_data_only_restore_a_desktop_pushing_first_reverts_nothing(
    sync_server, desktops, tmp_path: Path, clock
) -> None:
    """After the restore a desktop that joins pushes more rows than were lost before any
    other syncs (the server's numbers then pass theirs: nothing shows it went back): the other
    desktops still send back their newer rows instead of taking the older ones, and receive
    the new desktop's rows, numbered where they had already pulled."""
    a, b, dump = _respaldado_y_editado(sync_server, desktops, tmp_path)
    b.sync.synchronize()
    _restore_data_only(sync_server, dump)

    c = _desktop(tmp_path, clock, sync_server)
    try:
        c.sync.synchronize()
        assert razones(c)[REGISTROS[0]] == "Original"  # what the server holds now
        for n in range(20):
            c.registros.save(f"Y5677{n:06d}", EMPRESA, "Capturada tras restaurar", ADMIN)
        c.sync.synchronize()
        for services in (b, a, c, a, b):
            result = services.sync.synchronize()
            assert "distintos" not in result.texto
        expected = razones(c)
        assert expected[REGISTROS[0]] == "Editada en A después del respaldo"
        assert expected["Y5699999999"] == "Nueva después del respaldo"
        assert len(expected) == len(REGISTROS) + 21
        for services in (a, b):
            assert razones(services) == expected
            assert services.sync.status().verified_at is not None
    finally:
        c.close()
    assert sumas.verificar(sync_server.engine) == []
