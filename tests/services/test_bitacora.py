"""The audit log chained (domain/bitacora.py, services/audit.py): a store copy whose entries were
edited, removed, added or re-chained by hand is named by the check, by the restore and by
`--self-check`; a backup older than the last link the catalog saw is recognised."""

from __future__ import annotations

import os
import sys
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.domain.bitacora import eslabon
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.respaldo.backup import BackupError
from icsoe_desktop.store import cifrado, plain
from tests import preloaded, respaldos
from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B, RFC

RAZON = "EMPRESA DEMO SA DE CV"


def _acciones(services) -> None:
    """Three entries in the empresa's log, through the services."""
    services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
    services.registros.save(REGISTRO_B, RFC, RAZON, CLI_ACTOR)
    services.registros.delete(REGISTRO_B, CLI_ACTOR)


def _entradas(path: Path) -> list[tuple]:
    with closing(respaldos.abrir(path)) as conn:
        return conn.execute("SELECT id, action, at FROM audit_log ORDER BY id").fetchall()


def _editar(path: Path, *statements: str) -> None:
    """What someone with the file and a SQLite tool can do: the app's refusals dropped, the
    statements run, the triggers put back as they were (the schema looks untouched)."""
    with closing(respaldos.abrir(path)) as conn:
        plain.register_functions(conn)  # the other triggers of the rows written
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
            "(name LIKE 'audit_log_no_%' OR name LIKE 'audit_cadena_%')"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)
        for _name, sql in triggers:
            conn.execute(sql)
        conn.commit()


def _copia(services, tmp_path: Path, nombre: str = "copia.sqlite3") -> Path:
    return services.backup.backup(tmp_path / nombre, CLI_ACTOR)


def test_every_entry_is_linked_as_it_is_written(services, tmp_path: Path) -> None:
    _acciones(services)
    integridad = verificar_bitacora(services.store.path)
    assert integridad.integra and integridad.texto().startswith("bitácora íntegra (")
    entradas = _entradas(services.store.path)
    assert integridad.entradas == len(entradas) >= 3
    assert integridad.cabeza == services.audit.cabeza()
    assert integridad.cabeza.id == entradas[-1][0]
    # The catalog's own log (sign-ins, grants: plain sqlite3 writes) is chained too.
    assert verificar_bitacora(services.catalogo.path).integra
    with closing(cifrado.conectar(services.store.path)) as conn, pytest.raises(cifrado.Error):
        conn.execute("UPDATE audit_cadena SET hash = 'x'")


@pytest.mark.parametrize(
    ("cambio", "motivo"),
    [
        ("UPDATE audit_log SET detail = 'nada' WHERE id = {id}", "la entrada {id} ({at}, {action})"
         ": se modificó"),
        ("DELETE FROM audit_log WHERE id = {id}", "falta la entrada {id} (se borró)"),
        ("INSERT INTO audit_log (uuid, at, actor, action, target, detail) VALUES ('u-1', "
         "'2026-11-22 10:00:00.000000', 'alguien', 'respaldo_creado', '', '')",
         ": no está encadenada (se agregó por fuera de la aplicación)"),
    ],
    ids=["editada", "borrada", "agregada"],
)  # fmt: skip
def test_an_entry_edited_removed_or_added_in_a_copy_is_named(
    services, tmp_path: Path, cambio: str, motivo: str
) -> None:
    _acciones(services)
    copia = _copia(services, tmp_path)
    id_, action, at = _entradas(copia)[1]
    _editar(copia, cambio.format(id=id_))
    integridad = verificar_bitacora(copia, llave_archivo=respaldos.llave(copia))
    assert not integridad.integra
    assert motivo.format(id=id_, at=at[:16], action=action) in integridad.problema


def test_an_entry_removed_with_its_link_breaks_the_chain_at_the_next(
    services, tmp_path: Path
) -> None:
    _acciones(services)
    copia = _copia(services, tmp_path)
    entradas = _entradas(copia)
    removed, siguiente = entradas[1], entradas[2]
    _editar(
        copia,
        f"DELETE FROM audit_log WHERE id = {removed[0]}",
        f"DELETE FROM audit_cadena WHERE audit_id = {removed[0]}",
    )
    assert verificar_bitacora(copia, llave_archivo=respaldos.llave(copia)).problema == (
        f"la bitácora se rompe en la entrada {siguiente[0]} ({siguiente[2][:16]}, "
        f"{siguiente[1]}): se modificó, o se borró una entrada antes de ella"
    )


def _rechain(path: Path) -> None:
    """A chain rewritten whole after an edit, as someone who read domain/bitacora.py could."""
    with closing(respaldos.abrir(path)) as conn:
        rows = conn.execute(
            "SELECT id, uuid, at, actor, action, target, detail FROM audit_log ORDER BY id"
        ).fetchall()
    previo, inserts = None, []
    for row in rows:
        previo = eslabon(previo, *row[1:])
        inserts.append(f"INSERT INTO audit_cadena VALUES ({row[0]}, '{previo}')")
    _editar(path, "DELETE FROM audit_cadena", *inserts)


def test_a_chain_rewritten_whole_or_cut_is_known_by_the_catalogs_last_link(
    services, tmp_path: Path
) -> None:
    _acciones(services)
    copia = _copia(services, tmp_path)
    cabeza = verificar_bitacora(
        copia, llave_archivo=respaldos.llave(copia)
    ).cabeza  # as the catalog saw it when the store was left
    # Rewritten: every link recomputed after an entry was edited.
    _editar(copia, "UPDATE audit_log SET detail = 'nada' WHERE id = 1")
    _rechain(copia)
    assert verificar_bitacora(
        copia, llave_archivo=respaldos.llave(copia)
    ).integra  # whole by itself
    assert "no es la que registró el catálogo de esta instalación (la bitácora se reescribió)" in (
        verificar_bitacora(copia, cabeza, llave_archivo=respaldos.llave(copia)).problema
    )
    # Cut: the last entries gone with their links.
    cortada = _copia(services, tmp_path, "cortada.sqlite3")
    _editar(
        cortada,
        f"DELETE FROM audit_log WHERE id >= {cabeza.id - 1}",
        f"DELETE FROM audit_cadena WHERE audit_id >= {cabeza.id - 1}",
    )
    cut = verificar_bitacora(cortada, cabeza, llave_archivo=respaldos.llave(cortada))
    assert cut.anterior and cut.problema == (
        f"la bitácora llega hasta la entrada {cabeza.id - 2} y el catálogo de esta instalación "
        f"registró hasta la {cabeza.id}: es una copia anterior o se le quitaron entradas"
    )


def test_the_catalog_keeps_the_last_link_when_the_empresa_is_left(services) -> None:
    _acciones(services)
    empresa = services.empresa.id
    assert services.empresas.cabeza_bitacora(empresa) is None
    services.abrir_empresa(empresa)  # leaving it (here: for itself) records its last link
    assert services.empresas.cabeza_bitacora(empresa) == services.audit.cabeza()


def test_restore_refuses_a_backup_whose_audit_was_edited_and_names_the_entry(
    services, tmp_path: Path
) -> None:
    _acciones(services)
    copia = _copia(services, tmp_path)
    id_, action, at = _entradas(copia)[0]
    _editar(copia, f"UPDATE audit_log SET actor = 'otro' WHERE id = {id_}")
    before = _entradas(services.store.path)
    with pytest.raises(BackupError) as refused:
        services.backup.restore(copia, CLI_ACTOR)
    assert refused.value.code == "respaldo_bitacora_alterada"
    assert refused.value.message == (
        f"El respaldo «{copia.name}» no tiene la bitácora íntegra: la bitácora se rompe en la "
        f"entrada {id_} ({at[:16]}, {action}): se modificó, o se borró una entrada antes de "
        "ella. No se restauró nada."
    )
    entradas = _entradas(services.store.path)
    assert entradas[:-1] == before and entradas[-1][1] == "restauracion_rechazada"
    assert verificar_bitacora(services.store.path).integra


def test_a_backup_older_than_the_last_link_is_restored_and_said_so(
    services, tmp_path: Path
) -> None:
    services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
    antigua = _copia(services, tmp_path)
    _acciones(services)
    services.abrir_empresa(services.empresa.id)  # the catalog records the log's last link
    registrada = services.empresas.cabeza_bitacora(services.empresa.id)
    services.backup.restore(antigua, CLI_ACTOR)
    restaurado = services.audit.recent()[0]
    assert restaurado.action == "respaldo_restaurado"
    assert (
        f"y el catálogo de esta instalación registró hasta la {registrada.id}: es una copia "
        "anterior" in restaurado.detail
    )
    # The restored chain is the empresa's now.
    assert services.empresas.cabeza_bitacora(services.empresa.id) == services.audit.cabeza()
    assert verificar_bitacora(
        services.store.path, services.empresas.cabeza_bitacora(services.empresa.id)
    ).integra


@pytest.mark.slow
@pytest.mark.end2end
def test_self_check_says_bitacora_integra_or_where_it_breaks(data_dir: Path) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        _acciones(services)
        store = services.store.path
    finally:
        services.close()

    def self_check() -> tuple[int, list[str]]:
        done = preloaded.run(
            [sys.executable, "-m", "icsoe_desktop", "--self-check", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"},
        )
        assert "Traceback" not in done.stdout + done.stderr
        return done.returncode, [line for line in done.stdout.splitlines() if "Bitácora" in line]

    code, lines = self_check()
    assert len(lines) == 2 and all(line.startswith("OK") for line in lines), lines
    assert any("bitácora íntegra (" in line for line in lines)
    id_, action, at = _entradas(store)[1]
    _editar(store, f"UPDATE audit_log SET target = 'otro' WHERE id = {id_}")
    code, lines = self_check()
    [empresa] = [line for line in lines if "empresa" in line]
    assert code == 1 and empresa.startswith("FALLA")
    assert f"la bitácora se rompe en la entrada {id_} ({at[:16]}, {action})" in empresa
