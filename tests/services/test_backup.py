"""Respaldar / Restaurar on real SQLite files: a consistent copy while a writer is busy, a
restore into a fresh data dir that one can sign in to, and every bad file refused with nothing
replaced."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.respaldo.backup import BackupError
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.migrations import HEAD_REVISION, MIGRATIONS_DIR
from tests import preloaded, respaldos
from tests.services.test_accounts import ANA, PASSWORD
from tests.services.test_accounts import form as registro


def cli(*args: str) -> subprocess.CompletedProcess:
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def asides(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("*antes-de-restaurar*"))


@pytest.mark.slow
@pytest.mark.end2end
def test_backup_restored_into_a_fresh_data_dir_signs_in(
    services, data_dir: Path, tmp_path: Path
) -> None:
    services.accounts.register(registro())
    respaldo = tmp_path / "respaldo.icsoe-respaldo"
    done = cli("--data-dir", str(data_dir), "respaldar", str(respaldo))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Respaldo guardado en {respaldo}."
    assert not Path(str(respaldo) + "-wal").exists()  # one self-contained file

    fresh = tmp_path / "otra-maquina"
    done = cli("--data-dir", str(fresh), "restaurar", str(respaldo))
    assert done.returncode == 0, done.stderr
    [aside] = asides(fresh)
    assert (
        done.stdout.strip() == f"Respaldo restaurado. La base de datos anterior quedó en {aside}."
    )
    restored = open_services(fresh)
    try:
        assert restored.accounts.authenticate(ANA, PASSWORD).usuario == ANA
        actions = [r.action for r in restored.audit.recent()]
        assert "respaldo_restaurado" in actions
    finally:
        restored.close()


def test_restore_in_a_running_app_reopens_on_the_restored_store(
    services, data_dir: Path, tmp_path: Path
) -> None:
    services.accounts.register(registro())
    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", ANA)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=ANA)
    services.registros.save("NO191919191", "ABC010101AB1", "Nóminas del Centro", ANA)
    services.accounts.register(registro(usuario="luis.perez@empresa.com"))

    aside = services.backup.restore(respaldo, actor=ANA).aparte
    # The same services, now on the backup: the second registro came after it; the old store
    # is kept aside. The users are the installation's (its catalog): Luis stays.
    assert [r.registro for r in services.registros.listar()] == ["Y5412345106"]
    assert len(services.accounts.listar()) == 2
    with cifrado.conectar(aside) as old:
        assert old.execute("SELECT count(*) FROM registros_patronales").fetchone() == (2,)
    old.close()


def test_a_restore_goes_on_once_background_work_gives_its_connection_back(
    services, tmp_path: Path
) -> None:
    """Work of another thread still reading the store when Restaurar closes it (on a busy
    machine, a background job can take that long): its connection is closed as it comes back,
    not when the collector gets to it (the app's runs on a timer, off here as there), and the
    restore replaces the store."""
    services.accounts.register(registro())
    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", ANA)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=ANA)
    services.registros.save("NO191919191", "ABC010101AB1", "Nóminas del Centro", ANA)
    engine, pool = services.store.engine, services.store.engine.pool
    reading, closed = threading.Event(), threading.Event()

    def background_work() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM registros_patronales")).scalar()
            reading.set()
            while engine.pool is pool:  # until Restaurar has closed the store
                time.sleep(0.01)
        closed.set()

    worker = threading.Thread(target=background_work)
    gc.disable()
    try:
        worker.start()
        assert reading.wait(10)
        services.backup.restore(respaldo, actor=ANA)
    finally:
        worker.join()
        gc.enable()
    assert closed.is_set()
    assert [r.registro for r in services.registros.listar()] == ["Y5412345106"]


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, min(len(data), 6 * page)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))


def foreign_sqlite(path: Path) -> None:
    with cifrado.conectar(path) as conn:
        conn.execute("CREATE TABLE clientes (id INTEGER PRIMARY KEY, nombre TEXT)")
        conn.execute("INSERT INTO clientes (nombre) VALUES ('Ana')")
    conn.close()


def newer_revision(path: Path, services, tmp_path: Path) -> None:
    services.backup.backup(path, actor=CLI_ACTOR)
    with respaldos.abrir(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_del_futuro'")
    conn.close()


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (
            lambda p, s, t: p.write_bytes(b"PK\x03\x04 esto es un zip, no una base" * 200),
            "respaldo_danado",
            "El archivo «malo.icsoe-respaldo» no es una base de datos de icsoe-desktop o está "
            "dañado. No se restauró nada.",
        ),
        (
            lambda p, s, t: (s.backup.backup(p, actor=CLI_ACTOR), corrupt(p)),
            "respaldo_danado",
            None,
        ),
        (
            lambda p, s, t: foreign_sqlite(p),
            "respaldo_ajeno",
            "El archivo «malo.icsoe-respaldo» no es un respaldo de icsoe-desktop. No se restauró "
            "nada.",
        ),
        (
            newer_revision,
            "respaldo_version_desconocida",
            "El respaldo «malo.icsoe-respaldo» es de una versión más reciente de icsoe-desktop o "
            "de otro programa: actualiza la aplicación para restaurarlo. No se restauró nada.",
        ),
        (
            lambda p, s, t: None,
            "respaldo_no_encontrado",
            None,
        ),
    ],
    ids=["no-sqlite", "danado", "ajeno", "revision-desconocida", "no-existe"],
)
def test_bad_files_are_refused_and_nothing_is_replaced(
    services, data_dir: Path, tmp_path: Path, make, code: str, message: str | None
) -> None:
    services.accounts.register(registro())
    bad = tmp_path / "malo.icsoe-respaldo"
    make(bad, services, tmp_path)
    with pytest.raises(BackupError) as info:
        services.backup.restore(bad, actor=CLI_ACTOR)
    assert info.value.code == code
    if message is not None:
        assert info.value.message == message
    assert "No se restauró nada" in info.value.message or code == "respaldo_no_encontrado"
    assert asides(data_dir) == []
    assert sorted(p.name for p in data_dir.glob("*restaurando*")) == []
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA


@pytest.mark.end2end
def test_the_same_through_the_cli_exits_2_with_the_message(data_dir: Path, tmp_path: Path):
    bad = tmp_path / "ajeno.sqlite3"
    foreign_sqlite(bad)
    done = cli("--data-dir", str(data_dir), "restaurar", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "El archivo «ajeno.sqlite3» no es un respaldo de icsoe-desktop. No se restauró nada."
    )
    assert "Traceback" not in done.stderr and asides(data_dir) == []


def store_at_revision(path: Path, revision: str) -> Path:
    """A store file of an earlier version of the app: its migrations up to ``revision``."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()
    return path


def test_an_older_schema_is_migrated_when_restored(services, tmp_path: Path) -> None:
    old = store_at_revision(tmp_path / "respaldo-viejo.sqlite3", "0006_lote_numero")

    services.backup.restore(old, actor=CLI_ACTOR)
    with cifrado.conectar(services.store.path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            HEAD_REVISION,
        )
    conn.close()
    services.accounts.register(registro())  # the migrated store works
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA


def test_backup_onto_the_store_itself_is_refused(services) -> None:
    with pytest.raises(BackupError) as info:
        services.backup.backup(services.store.path, actor=CLI_ACTOR)
    assert (
        info.value.message == "Elige otro archivo para el respaldo: ése es la base de datos en uso."
    )


# Another process commits groups of 10 mails, one transaction each, as fast as it can
# (tests/services/backup_writer.py).
@pytest.mark.slow
def test_backup_while_another_process_writes_is_consistent(
    services, data_dir: Path, tmp_path: Path
) -> None:
    with services.store.session() as session:  # ~8 MB: the copy takes many steps
        for n in range(4000):
            services.mail.enqueue(session, "a@b.mx", f"previo {n}", "y" * 2000)
    stop, writing = tmp_path / "stop", tmp_path / "writing"
    writer = preloaded.start(
        [sys.executable, "-m", "tests.services.backup_writer", data_dir, stop, writing],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not writing.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # until the writer is committing
        assert writing.exists(), writer.stderr.read() if writer.poll() is not None else "lento"
        moves: list[tuple[int, int]] = []
        respaldo = services.backup.backup(
            tmp_path / "vivo.icsoe-respaldo",
            actor=CLI_ACTOR,
            progress=lambda d, t: moves.append((d, t)),
        )
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert int(out) > 0  # it did write during the test

    # The bar moved before the end and reached it; how many steps depends on how often the
    # writer restarted the copy (a busy writer makes it fall back to one step).
    assert len(moves) > 1 and moves[-1][0] == moves[-1][1]
    assert all(0 < done <= total for done, total in moves)
    with respaldos.abrir(respaldo) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        groups = copy.execute(
            "SELECT subject, count(*) FROM outbox WHERE subject LIKE 'grupo %' GROUP BY subject"
        ).fetchall()
        assert copy.execute(
            "SELECT count(*) FROM outbox WHERE subject LIKE 'previo %'"
        ).fetchone() == (4000,)
    copy.close()
    assert all(count == 10 for _subject, count in groups), groups  # no half transaction
