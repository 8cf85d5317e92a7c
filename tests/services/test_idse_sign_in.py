"""The IDSE sign-in as the login window uses it at start-up, before SQLAlchemy and the other
services are loaded (services/acceso/idse_sign_in.py): the same store, lock and audit as the app."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.config import load_settings
from icsoe_desktop.domain.bitacora import con_llave
from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.paths import CATALOGO_FILE
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.acceso.idse_sign_in import open_sign_in
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.plain import connect

PASSWORD = "Nomina#2026x"
ANA = "ana.lopez@empresa.com"

_AT_START_UP = """
import sys
from pathlib import Path
from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.paths import CATALOGO_FILE
from icsoe_desktop.services.acceso.idse_sign_in import open_sign_in

sign_in = open_sign_in(Path(sys.argv[1]))
print(repr(sign_in.default_usuario()))
for password in ("Mala#1234", sys.argv[2]):
    try:
        print(sign_in.authenticate(sys.argv[3], password).nombre_completo)
    except AuthenticationError as exc:
        print(exc.code)
heavy = ("sqlalchemy", "alembic", "cryptography", "openpyxl")
print(sorted({m.split(".")[0] for m in sys.modules} & set(heavy)))
"""


def _register(services, usuario: str = ANA) -> None:
    services.accounts.register(
        Registration("Ana", "López", "Ruiz", usuario, PASSWORD, PASSWORD, True)
    )


def test_a_fresh_process_signs_in_without_importing_the_orm(data_dir: Path, clock) -> None:
    services = open_services(data_dir, clock)
    _register(services)
    services.close()

    result = subprocess.run(
        [sys.executable, "-c", _AT_START_UP, str(data_dir), PASSWORD, ANA.upper()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        repr(ANA),
        "credenciales_incorrectas",
        "Ana López Ruiz",
        "[]",  # nothing of SQLAlchemy, Alembic, cryptography or openpyxl
    ]
    # (keyring, yes: the sign-in's audit entries are linked with the installation's key.)
    with closing(cifrado.conectar(data_dir / CATALOGO_FILE)) as conn:
        links = [r[0] for r in conn.execute("SELECT hash FROM audit_cadena ORDER BY audit_id")]
    assert len(links) >= 3 and all(con_llave(link) for link in links)
    # The ORM side sees both attempts, in order, as if it had made them, in the installation's
    # audit (the catalog: IDSE users are the installation's, not an empresa's).
    services = open_services(data_dir, clock)
    try:
        assert [(e.action, e.actor) for e in reversed(services.audit_instalacion.recent())] == [
            ("bitacora_con_llave", "sin sesión"),  # the installation's first entry
            ("usuario_idse_alta", ANA),
            ("inicio_sesion_fallido", ANA),
            ("inicio_sesion", ANA),
        ]
    finally:
        services.close()


def test_a_new_data_dir_is_created_from_the_template_and_answers(tmp_path: Path) -> None:
    data_dir = tmp_path / "nuevo"
    data_dir.mkdir()
    sign_in = open_sign_in(data_dir)
    assert sign_in is not None
    assert sign_in.path == data_dir / CATALOGO_FILE  # the installation's users
    assert sign_in.default_usuario() == ""
    with pytest.raises(AuthenticationError) as info:
        sign_in.authenticate("nadie@empresa.com", "Mala#1234")
    assert info.value.code == "credenciales_incorrectas"
    services = open_services(data_dir)  # the full opening finds a catalog at head, used
    try:
        assert [e.action for e in services.audit_instalacion.recent()] == ["inicio_sesion_fallido"]
        assert [e.nombre for e in services.empresas.listar()] == ["Empresa sin configurar"]
    finally:
        services.close()


def test_a_catalog_that_needs_the_full_opening_is_left_to_it(data_dir: Path, clock) -> None:
    """A catalog of another schema version (here a newer app's) is not touched: the full
    opening migrates it or, as here, refuses it in Spanish."""
    services = open_services(data_dir, clock)
    _register(services)
    path = services.catalogo.path
    services.close()
    with closing(connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_futura'")
    assert open_sign_in(data_dir) is None


def test_a_one_company_data_dir_waits_for_the_upgrade(data_dir: Path, clock) -> None:
    """Before «varias empresas» the users lived in icsoe.sqlite3: the full opening copies them into the
    catalog first (services/empresas/primera.py), then they sign in as before."""
    services = open_services(data_dir, clock)
    _register(services)
    catalogo = services.catalogo.path
    services.close()
    legacy = load_settings(data_dir).database_path
    with closing(connect(catalogo)) as connection:  # the users as an old store held them
        cifrado.adjuntar(connection, legacy, "empresa")
        for table in ("idse_users", "login_throttle"):
            connection.execute(f"INSERT INTO empresa.{table} SELECT * FROM {table}")
    catalogo.unlink()
    assert open_sign_in(data_dir) is None
    assert not catalogo.exists()  # no empty catalog made: the upgrade would find no users
    open_services(data_dir, clock).close()
    sign_in = open_sign_in(data_dir)
    assert sign_in is not None
    assert sign_in.authenticate(ANA, PASSWORD).nombre_completo == "Ana López Ruiz"


def test_a_damaged_file_is_left_to_the_full_opening(data_dir: Path) -> None:
    path = data_dir / CATALOGO_FILE
    garbage = b"esto no es una base de datos\n" * 500
    path.write_bytes(garbage)
    assert open_sign_in(data_dir) is None
    assert path.read_bytes() == garbage


def test_the_catalog_audit_is_written_but_never_marked_for_the_sync(services, clock) -> None:
    """The catalog (users, sign-ins) is never synced: neither its ORM writes nor the sign-in's
    plain ones leave anything waiting to be sent; the empresa's store still marks its own."""
    _register(services)
    clock.advance(seconds=1.5)
    services.accounts.authenticate(ANA, PASSWORD)
    with pytest.raises(AuthenticationError):
        services.accounts.authenticate(ANA, "Mala#1234")
    with closing(connect(services.catalogo.path)) as connection:
        actions = connection.execute("SELECT action FROM audit_log ORDER BY id").fetchall()
        marked = connection.execute("SELECT count(*) FROM sync_row_state").fetchone()[0]
    assert [action for (action,) in actions][-3:] == [
        "usuario_idse_alta",  # through the ORM
        "inicio_sesion",  # through plain sqlite3
        "inicio_sesion_fallido",
    ]
    assert marked == 0
    with services.store.session() as session:
        services.audit.record(session, ANA, "prueba")
    with closing(connect(services.store.path)) as connection:
        assert connection.execute(
            "SELECT count(*) FROM sync_row_state s JOIN audit_log a ON a.uuid = s.row_uuid "
            "WHERE s.dirty = 1 AND a.action = 'prueba'"
        ).fetchone() == (1,)
    # Written as the ORM writes times: read back through it, to the microsecond.
    assert [e.at for e in services.audit_instalacion.recent(2)] == [clock.now, clock.now]


def _sync_triggers(path: Path) -> list[str]:
    with closing(connect(path)) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync%'"
        ).fetchall()
    return [name for (name,) in rows]


def test_the_catalog_keeps_no_sync_bookkeeping_and_still_registers_and_signs_in(
    data_dir: Path, clock
) -> None:
    """The catalog's sync sums and unsent-count triggers (the migrations it shares with the
    empresas' stores create them) are dropped when it opens: every connection the login makes
    parses the smaller schema. Users are still registered and signed in, again after a reopen;
    an empresa's store keeps its triggers."""
    services = open_services(data_dir, clock)
    _register(services)
    catalogo, empresa = services.catalogo.path, services.store.path
    services.close()
    assert _sync_triggers(catalogo) == []
    assert "sync_sums_idse_users_insert" in _sync_triggers(empresa)

    services = open_services(data_dir, clock)
    services.close()
    assert _sync_triggers(catalogo) == []
    sign_in = open_sign_in(data_dir)
    assert sign_in is not None
    assert sign_in.usuarios().sugerido == ANA
    assert sign_in.authenticate(ANA, PASSWORD).nombre_completo == "Ana López Ruiz"
    with closing(connect(catalogo)) as connection:
        assert connection.execute("SELECT count(*) FROM sync_sums").fetchone() == (0,)
