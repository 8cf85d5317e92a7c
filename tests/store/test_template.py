"""The migrated template a new store is copied from must be what the migrations build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from icsoe_desktop.store import cifrado, template
from icsoe_desktop.store.db import Store, current_revision
from icsoe_desktop.store.migrations import HEAD_REVISION


@pytest.mark.parametrize("synced", [True, False], ids=["empresa", "catalogo"])
def test_the_shipped_template_equals_a_freshly_migrated_store(tmp_path: Path, synced) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    template.build(fresh, synced)
    shipped = template.TEMPLATE if synced else template.CATALOG_TEMPLATE
    assert template.schema(shipped) == template.schema(fresh), (
        "The template is stale: run `python -m icsoe_desktop.store.template` and commit it."
    )


@pytest.mark.parametrize("synced", [True, False], ids=["empresa", "catalogo"])
def test_a_copy_of_the_shipped_template_opens_in_wal_mode_as_it_is(tmp_path: Path, synced) -> None:
    """A new store runs in WAL mode from its first connection without switching to it (which
    writes and syncs its header), and the package holds the template alone: no -wal or -shm."""
    shipped = template.TEMPLATE if synced else template.CATALOG_TEMPLATE
    assert not list(shipped.parent.glob(shipped.name + "-*"))
    copy = tmp_path / "nueva.sqlite3"
    shutil.copyfile(shipped, copy)
    conn = cifrado.conectar(copy)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


def test_a_new_catalog_starts_from_its_template_without_the_sync_bookkeeping(
    tmp_path: Path,
) -> None:
    """The catalog is never synced: its template has every table and trigger of an empresa's
    store but the sync's sums and unsent counts (each connection would parse them)."""
    path = tmp_path / "catalogo.sqlite3"
    Store(path, synced=False).close()
    catalogo = {o[1] for o in template.schema(path)["objects"]}
    empresa = {o[1] for o in template.schema(template.TEMPLATE)["objects"]}
    assert {
        n for n in empresa - catalogo if not n.startswith(("sync_sums_", "sync_unsent_"))
    } == set()
    assert empresa - catalogo and catalogo <= empresa
    assert template.schema(template.CATALOG_TEMPLATE)["objects"] == template.schema(path)["objects"]


def test_a_new_store_starts_from_the_template_at_head(tmp_path: Path) -> None:
    path = tmp_path / "icsoe.sqlite3"
    store = Store(path)
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            triggers = (
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
                )
                .scalars()
                .all()
            )
        assert "audit_log_no_update" in triggers and "movimientos_conteo_insert" in triggers
    finally:
        store.close()
    assert template.schema(template.TEMPLATE)["objects"] == template.schema(path)["objects"]
