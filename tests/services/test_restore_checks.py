"""Restaurar accepts only this empresa's own store, as icsoe-desktop writes it: real backups
edited with sqlite3 (an administrator slipped in, an extra table, a view, a trigger on
audit_log, a missing table or column, a file with two tables) and another empresa's backup are
refused in Spanish, audited, and nothing is replaced; a restored file never brings roles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.empresas.servicio import CLI_ACTOR
from icsoe_desktop.services.respaldo.backup import BackupError
from icsoe_desktop.store import cifrado, sumas
from tests import respaldos
from tests.empresas.tres import ANA, BETO, CLIENTES, PASSWORD, build
from tests.services.test_accounts import form as registro

UNO, DOS, TRES = CLIENTES
MALLORY = "mallory@fuera.mx"


def edit(path: Path, *statements: str) -> None:
    with respaldos.abrir(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def copy_user(path: Path, source: str, **values: object) -> None:
    """INSERT into the file's idse_users a copy of ``source``'s row with ``values`` changed, as a
    tool that knows the file's sync sums would (the triggers call ``sync_hash``)."""
    with respaldos.abrir(path) as conn:
        sumas.register(conn)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(idse_users)") if r[1] != "id"]
        picked = ", ".join("?" if c in values else c for c in columns)
        conn.execute(
            f"INSERT INTO idse_users ({', '.join(columns)}) SELECT {picked} FROM idse_users "
            "WHERE usuario = ?",
            (*(values[c] for c in columns if c in values), source),
        )
    conn.close()


def only_two_tables(backup: Path, target: Path) -> None:
    """A file with nothing but alembic_version and outbox, both copied from a real backup."""
    with cifrado.conectar(target) as conn:
        cifrado.adjuntar(conn, backup, "real", llave=respaldos.llave(backup))
        for table in ("alembic_version", "outbox"):
            sql = conn.execute(
                "SELECT sql FROM real.sqlite_master WHERE name = ?", (table,)
            ).fetchone()[0]
            conn.execute(sql)
            conn.execute(f"INSERT INTO {table} SELECT * FROM real.{table}")
    conn.close()


@pytest.fixture
def empresa(services):
    """The data dir's empresa, set up (RFC) with one registro patronal and Ana."""
    services.accounts.register(registro(usuario=ANA))  # the first user: the administrator
    services.primer_uso.guardar_empresa(UNO.rfc, UNO.razon_social, ANA)
    services.nombrar_empresa()
    services.registros.save(UNO.registro, UNO.rfc, UNO.razon_social, ANA)
    return services


def tampered(empresa, tmp_path: Path, *statements: str) -> Path:
    backup = empresa.backup.backup(tmp_path / "lunes.icsoe-respaldo", actor=ANA)
    edit(backup, *statements)
    return backup


def state(services) -> tuple[list[str], list[Path]]:
    folder = services.store.path.parent
    leftovers = sorted(p for p in folder.iterdir() if "restaura" in p.name)
    return [r.registro for r in services.registros.listar()], leftovers


CASES: dict[str, tuple[Callable[[object, Path], Path], str, str]] = {
    "tabla-extra": (
        lambda s, t: tampered(s, t, "CREATE TABLE clientes (id INTEGER PRIMARY KEY, nombre TEXT)"),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: tiene la "
        "tabla clientes, que icsoe-desktop no crea. Pudo modificarse fuera de la aplicación. No "
        "se restauró nada.",
    ),
    "vista": (
        lambda s, t: tampered(
            s, t, "CREATE VIEW claves AS SELECT usuario, password_hash FROM idse_users"
        ),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: tiene la "
        "vista claves, que icsoe-desktop no crea. Pudo modificarse fuera de la aplicación. No se "
        "restauró nada.",
    ),
    "disparador-en-audit_log": (
        lambda s, t: tampered(
            s,
            t,
            "CREATE TRIGGER espia AFTER INSERT ON audit_log BEGIN "
            "UPDATE idse_users SET administrador = 1; END",
        ),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: tiene el "
        "disparador espia (de la tabla audit_log), que icsoe-desktop no crea. Pudo modificarse "
        "fuera de la aplicación. No se restauró nada.",
    ),
    "disparador-escrito-a-mano": (
        # Written into sqlite_master by hand under a name SQLite keeps for itself: it still
        # fires, and integrity_check says «ok».
        lambda s, t: tampered(
            s,
            t,
            "PRAGMA writable_schema=ON",
            "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('trigger', "
            "'sqlite_espia', 'audit_log', 0, 'CREATE TRIGGER sqlite_espia AFTER INSERT ON "
            "audit_log BEGIN UPDATE idse_users SET administrador = 1; END')",
        ),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: tiene el "
        "disparador sqlite_espia (de la tabla audit_log), que icsoe-desktop no crea. Pudo "
        "modificarse fuera de la aplicación. No se restauró nada.",
    ),
    "disparador-cambiado": (
        lambda s, t: tampered(
            s,
            t,
            "DROP TRIGGER audit_log_no_delete",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END",
        ),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: la "
        "definición del disparador audit_log_no_delete no es la de icsoe-desktop. Pudo "
        "modificarse fuera de la aplicación. No se restauró nada.",
    ),
    "indice-extra": (
        lambda s, t: tampered(s, t, "CREATE UNIQUE INDEX ix_solo_uno ON movimientos (tipo)"),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: tiene el "
        "índice ix_solo_uno (de la tabla movimientos), que icsoe-desktop no crea. Pudo "
        "modificarse fuera de la aplicación. No se restauró nada.",
    ),
    "columna-extra": (
        lambda s, t: tampered(s, t, "ALTER TABLE registros_patronales ADD COLUMN notas TEXT"),
        "respaldo_modificado",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo íntegro de icsoe-desktop: tiene la "
        "columna notas de la tabla registros_patronales, que icsoe-desktop no crea. Pudo "
        "modificarse fuera de la aplicación. No se restauró nada.",
    ),
    "sin-columna": (
        lambda s, t: tampered(s, t, "ALTER TABLE empresa DROP COLUMN pasos_omitidos"),
        "respaldo_incompleto",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo completo de icsoe-desktop: le falta "
        "la columna pasos_omitidos de la tabla empresa. No se restauró nada.",
    ),
    "sin-movimientos": (
        lambda s, t: tampered(s, t, "DROP TABLE movimientos"),
        "respaldo_incompleto",
        "El archivo «lunes.icsoe-respaldo» no es un respaldo completo de icsoe-desktop: le falta "
        "la tabla movimientos. No se restauró nada.",
    ),
    "solo-dos-tablas": (
        lambda s, t: (
            only_two_tables(
                s.backup.backup(t / "real.icsoe-respaldo", actor=ANA),
                t / "lunes.icsoe-respaldo",
            ),
            t / "lunes.icsoe-respaldo",
        )[1],
        "respaldo_incompleto",
        "",  # names the first missing tables and how many more
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_backup_edited_outside_the_app_is_refused_and_audited(
    empresa, tmp_path: Path, case: str
) -> None:
    make, code, message = CASES[case]
    before = state(empresa)
    bad = make(empresa, tmp_path)
    with pytest.raises(BackupError) as info:
        empresa.backup.restore(bad, actor=ANA)
    assert info.value.code == code
    if message:
        assert info.value.message == message
    else:
        assert info.value.message.startswith(
            "El archivo «lunes.icsoe-respaldo» no es un respaldo completo de icsoe-desktop: le "
            "faltan las tablas "
        ), info.value.message
        assert "audit_log" in info.value.message
        assert info.value.message.endswith(" más. No se restauró nada.")
    assert state(empresa) == before  # the same store, no aside, no candidate left
    [refusal] = [r for r in empresa.audit.recent() if r.action == "restauracion_rechazada"]
    assert (refusal.actor, refusal.target, refusal.detail) == (ANA, bad.name, code)


def test_a_backup_with_the_grids_sort_indexes_and_a_pull_interrupted_restores(
    empresa, tmp_path: Path
) -> None:
    """What the app itself leaves in a store (a sort index built on demand, the movimientos
    indexes a sync pull drops until its end) is no reason to refuse it."""
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Orden
    from icsoe_desktop.store import bulk_indexes

    for column in ("curp", "fecha_emision"):  # the second with its index by month
        empresa.movimientos.prepare_sort(
            Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == column))
        )
    with empresa.store.engine.begin() as conn:
        bulk_indexes.suspend(conn)
    backup = empresa.backup.backup(tmp_path / "lunes.icsoe-respaldo", actor=ANA)
    empresa.registros.save(DOS.registro, DOS.rfc, DOS.razon_social, ANA)

    empresa.backup.restore(backup, actor=ANA)
    assert [r.registro for r in empresa.registros.listar()] == [UNO.registro]
    with cifrado.conectar(empresa.store.path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {
        "ix_mov_orden_curp",
        "ix_mov_orden_fecha_emision",
        "ix_mov_mes_fecha_emision",
    } <= indexes
    assert set(bulk_indexes.DEFERRABLE) <= indexes


# --- a file never brings roles -----------------------------------------------------------------


@pytest.fixture
def tres(data_dir: Path):
    ids = build(data_dir)
    services = open_services(data_dir)
    yield services, ids
    services.close()


def test_users_a_backup_brings_are_never_administrators_and_get_only_this_empresa(
    tres, tmp_path: Path
) -> None:
    services, ids = tres
    services.abrir_empresa(ids[UNO.rfc])
    backup = services.backup.backup(tmp_path / "uno.icsoe-respaldo", actor=ANA)
    with cifrado.conectar(services.catalogo.path) as catalog:
        [hash_] = catalog.execute(
            "SELECT password_hash FROM idse_users WHERE usuario = ?", (BETO,)
        ).fetchone()
    catalog.close()
    # One INSERT each: a new administrator with a password its author knows, and Beto (who may
    # not open Abarrotes Uno) listed as one of its users, both copies of Ana's row.
    for usuario, uuid in ((MALLORY, "u-mallory"), (BETO, "u-beto")):
        copy_user(backup, ANA, usuario=usuario, uuid=uuid, password_hash=hash_, administrador=1)

    services.backup.restore(backup, actor=ANA)

    users = {u.usuario: u for u in services.accounts.listar()}
    assert not users[MALLORY].administrador  # added, signs in, but no role
    assert services.accounts.authenticate(MALLORY, PASSWORD).usuario == MALLORY
    assert [e.rfc for e in services.empresas.listar(MALLORY)] == [UNO.rfc]
    assert not users[BETO].administrador
    assert services.accesos.accesos(BETO) == {ids[DOS.rfc]}  # not granted Uno by the file
    added = [r for r in services.audit_instalacion.recent() if r.action == "usuarios_restaurados"]
    assert [(r.actor, r.detail) for r in added] == [(ANA, "1")]


# --- only this empresa's store -----------------------------------------------------------------


def test_another_empresas_backup_is_refused(tres, tmp_path: Path) -> None:
    services, ids = tres
    services.abrir_empresa(ids[DOS.rfc])
    backup = services.backup.backup(tmp_path / "dos.icsoe-respaldo", actor=ANA)
    services.abrir_empresa(ids[TRES.rfc])
    before = state(services)
    with pytest.raises(BackupError) as info:
        services.backup.restore(backup, actor=ANA)
    assert info.value.code == "respaldo_de_otra_empresa"
    assert info.value.message == (
        "El respaldo «dos.icsoe-respaldo» es de la empresa RFC BBB020202BB2 (Bodegas Dos SA de "
        "CV), no de CCC030303CC3 (Constructora Tres SC). No se restauró nada."
    )
    assert state(services) == before
    actions = [(r.action, r.detail) for r in services.audit.recent()]
    assert ("restauracion_rechazada", "respaldo_de_otra_empresa") in actions


def test_a_backup_never_configured_is_refused_by_a_configured_empresa(
    tres, tmp_path: Path, data_dir: Path
) -> None:
    services, ids = tres
    (tmp_path / "nueva").mkdir()
    fresh = open_services(tmp_path / "nueva")
    try:
        backup = fresh.backup.backup(tmp_path / "nueva.icsoe-respaldo", actor=CLI_ACTOR)
    finally:
        fresh.close()
    services.abrir_empresa(ids[UNO.rfc])
    with pytest.raises(BackupError) as info:
        services.backup.restore(backup, actor=ANA)
    assert info.value.code == "respaldo_sin_empresa"
    assert info.value.message == (
        "El respaldo «nueva.icsoe-respaldo» es de una empresa sin configurar (sin RFC), no de "
        "AAA010101AA1 (Abarrotes Uno SA de CV). No se restauró nada."
    )


def test_an_empresa_not_configured_takes_a_backup_and_its_name_unless_it_is_here_already(
    services, tmp_path: Path
) -> None:
    """A new installation (its first empresa has no RFC yet) takes a configured backup and is
    named by it; the backup of an empresa this installation already has is restored there."""
    services.accounts.register(registro(usuario=ANA))  # the administrator
    dos = services.empresas.crear(DOS.rfc, DOS.razon_social, CLI_ACTOR)
    primera = services.empresa.id
    services.abrir_empresa(dos.id)
    de_dos = services.backup.backup(tmp_path / "dos.icsoe-respaldo", actor=ANA)

    (tmp_path / "otra").mkdir()
    otra = open_services(tmp_path / "otra")
    try:
        otra.primer_uso.guardar_empresa(TRES.rfc, TRES.razon_social, CLI_ACTOR)
        de_tres = otra.backup.backup(tmp_path / "tres.icsoe-respaldo", actor=CLI_ACTOR)
    finally:
        otra.close()

    services.abrir_empresa(primera)
    with pytest.raises(BackupError) as info:
        services.backup.restore(de_dos, actor=ANA)
    assert info.value.code == "respaldo_de_otra_empresa"
    assert info.value.message == (
        "El respaldo «dos.icsoe-respaldo» es de la empresa RFC BBB020202BB2 (Bodegas Dos SA de "
        "CV), que ya está en esta instalación: ábrela y restaura el respaldo ahí. No se restauró "
        "nada."
    )

    services.backup.restore(de_tres, actor=ANA)
    assert services.empresas.obtener(primera).rfc == TRES.rfc
