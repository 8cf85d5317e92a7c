"""The rescue into a copy of the app's migrated template (``store/rescate.py``): the file's
rows go into the template's tables, a table made as the app ran comes with its own schema, and
a schema revision that no longer reads is the template's."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from icsoe_desktop.store import cifrado, plain, rescate
from icsoe_desktop.store.db import Store, upgrade_file
from icsoe_desktop.store.migrations import HEAD_REVISION
from tests.paginas_danadas import zero_leaf_pages


def test_a_rescue_into_the_template_keeps_every_table_and_takes_its_revision(
    tmp_path: Path,
) -> None:
    path = tmp_path / "icsoe.sqlite3"
    Store(path).close()
    with closing(cifrado.conectar(path)) as conn:
        conn.execute("CREATE TABLE hecha_al_usar (id INTEGER PRIMARY KEY, nota TEXT)")
        conn.execute("CREATE INDEX hecha_al_usar_nota ON hecha_al_usar (nota)")
        conn.executemany("INSERT INTO hecha_al_usar (nota) VALUES (?)", [("a",), ("b",)])
        conn.commit()
    assert zero_leaf_pages(path, "alembic_version", 1) == 1
    assert rescate.revision(path) is None
    template = plain.template()
    assert template is not None

    found = rescate.rescatar(path, tmp_path / "nueva.sqlite3", template)

    assert found.version_de_plantilla == HEAD_REVISION
    assert found.copiados["hecha_al_usar"] == 2
    nueva = tmp_path / "nueva.sqlite3"
    assert rescate.revisar(nueva) == [] and rescate.revision(nueva) == HEAD_REVISION
    with closing(cifrado.conectar(nueva)) as conn:
        notas = conn.execute("SELECT nota FROM hecha_al_usar INDEXED BY hecha_al_usar_nota")
        assert [n for (n,) in notas] == ["a", "b"]
        triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        with closing(cifrado.conectar(template)) as plantilla:
            assert conn.execute(triggers).fetchone() == plantilla.execute(triggers).fetchone()
    Store(nueva).close()  # the app opens it: nothing to migrate


def test_a_damaged_store_of_an_earlier_version_is_rescued_in_its_own_schema_then_migrated(
    tmp_path: Path,
) -> None:
    """Its revision reads, and is not the template's: its rows go into its own schema, which
    the opening then brings up to date, as any store of that version."""
    from icsoe_desktop.services.respaldo.reparacion import rescatar_archivo

    anterior = "0031_informativa_cabecera"
    path = tmp_path / "icsoe.sqlite3"
    upgrade_file(path, anterior)
    with closing(plain.connect(path)) as conn:  # (the audit chain's trigger calls the app)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO audit_log (uuid, at, actor, action, target, detail) "
            "VALUES (?, '2026-11-22 09:00:00.000000', 'x', 'prueba', '', '')",
            [(f"u{i:05}",) for i in range(3000)],
        )
        conn.commit()
    lost = zero_leaf_pages(path, "audit_log", 2)

    found = rescatar_archivo(path, None).rescate
    assert found is not None

    assert found.version_de_plantilla == ""
    assert found.copiados["audit_log"] == 3000 - lost
    assert rescate.revision(path) == anterior
    Store(path).close()  # the opening migrates it
    assert rescate.revision(path) == HEAD_REVISION and rescate.revisar(path) == []
