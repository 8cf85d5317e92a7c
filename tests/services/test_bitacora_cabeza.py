"""The audit chain trusted only forward (services/empresas/bitacora.py): a store whose log was
edited, had an entry removed, two entries swapped, its chain recomputed, its tail cut or an
entry appended with a link made without the installation's key is found
at every ordinary opening after (the window, a command that reads, one that writes, a backup),
opened read-only, audited in the catalog, and never makes the installation take its chain: the
self-check and a restore still refuse it afterwards."""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop import cli
from icsoe_desktop.domain.bitacora import eslabon
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.empresas.bitacora import AUDIT_ALTERADA, KEYRING_SCOPE
from icsoe_desktop.services.empresas.respaldo import RespaldoMarcado
from icsoe_desktop.services.movimientos.exportar import export_table
from icsoe_desktop.services.movimientos.servicio import Filtro, Orden
from icsoe_desktop.services.respaldo.backup import AUDIT_MARCA, BackupError
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import StoreError
from tests import respaldos
from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B, RFC
from tests.services.test_bitacora import _editar, _entradas, _rechain

RAZON = "EMPRESA DEMO SA DE CV"


def _preparar(data_dir: Path, clock) -> Path:
    """An empresa with a few entries, left as the app leaves it (its last link recorded)."""
    services = open_services(data_dir, clock)
    try:
        services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
        services.registros.save(REGISTRO_B, RFC, RAZON, CLI_ACTOR)
        services.registros.delete(REGISTRO_B, CLI_ACTOR)
        services.registros.save(REGISTRO_B, RFC, RAZON, CLI_ACTOR)
        return services.store.path
    finally:
        services.close()


def _swap(path: Path) -> list[str]:
    """Two entries' contents exchanged, every link left as it was."""
    with closing(respaldos.abrir(path)) as conn:
        a, b = conn.execute(
            "SELECT id, uuid, at, actor, action, target, detail FROM audit_log ORDER BY id "
            "LIMIT 2 OFFSET 1"
        ).fetchall()
    columns = ("uuid", "at", "actor", "action", "target", "detail")

    def update(row: tuple, values: tuple) -> str:
        sets = ", ".join(f"{c} = '{v}'" for c, v in zip(columns, values, strict=True))
        return f"UPDATE audit_log SET {sets} WHERE id = {row[0]}"

    # uuid is unique: the first row goes through a placeholder
    return [
        f"UPDATE audit_log SET uuid = 'x' WHERE id = {a[0]}",
        update(b, a[1:]),
        update(a, b[1:]),
    ]


def _anexar(path: Path, llave: bytes | None = None) -> int:
    """An entry appended after the last one with its link computed by the public eslabon()
    (without the installation's key, or with another key): what someone who can write the
    file and read domain/bitacora.py can do. Its id."""
    with closing(respaldos.abrir(path)) as conn:
        ultimo, previo = conn.execute(
            "SELECT audit_id, hash FROM audit_cadena ORDER BY audit_id DESC LIMIT 1"
        ).fetchone()
    fila = ("u-anexada", "2026-11-27 10:00:00.000000", "admin", "respaldo_creado", "x", "")
    link = eslabon(previo, *fila, llave=llave)
    valores = ", ".join(f"'{v}'" for v in fila)
    _editar(
        path,
        f"INSERT INTO audit_log (id, uuid, at, actor, action, target, detail) VALUES "
        f"({ultimo + 1}, {valores})",
        f"INSERT INTO audit_cadena VALUES ({ultimo + 1}, '{link}')",
    )
    return ultimo + 1


def _alterar(path: Path, caso: str) -> None:
    entradas = _entradas(path)
    if caso == "anexada":
        _anexar(path)
    elif caso == "anexada_con_otra_llave":
        _anexar(path, os.urandom(32))
    elif caso == "editada":
        _editar(path, f"UPDATE audit_log SET detail = 'nada' WHERE id = {entradas[1][0]}")
    elif caso == "borrada":
        _editar(path, f"DELETE FROM audit_log WHERE id = {entradas[1][0]}")
    elif caso == "reordenada":
        _editar(path, *_swap(path))
    elif caso == "recalculada":
        _editar(path, f"UPDATE audit_log SET detail = 'nada' WHERE id = {entradas[1][0]}")
        _rechain(path)
    else:  # cortada: the last two entries gone with their links
        corte = entradas[-2][0]
        _editar(
            path,
            f"DELETE FROM audit_log WHERE id >= {corte}",
            f"DELETE FROM audit_cadena WHERE audit_id >= {corte}",
        )


def _alteradas_en_catalogo(data_dir: Path) -> int:
    with closing(cifrado.conectar(data_dir / "catalogo.sqlite3")) as conn:
        return conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = ?", (AUDIT_ALTERADA,)
        ).fetchone()[0]


CASOS = [
    "editada",
    "borrada",
    "reordenada",
    "recalculada",
    "cortada",
    "anexada",
    "anexada_con_otra_llave",
]


@pytest.mark.parametrize("caso", CASOS)
def test_an_altered_log_is_found_at_every_opening_and_never_laundered(
    caso: str, data_dir: Path, clock, tmp_path: Path, capsys
) -> None:
    store = _preparar(data_dir, clock)
    _alterar(store, caso)
    before = _entradas(store)
    aperturas = 0

    def abierta() -> object:
        nonlocal aperturas
        aperturas += 1
        services = open_services(data_dir, clock)
        assert services.bitacora_alterada.startswith(
            f"La bitácora de la empresa {services.empresa.etiqueta} está alterada: la bitácora "
        )
        return services

    # A command that only reads, then one that writes: refused, told why, nothing written.
    assert cli.main(["--data-dir", str(data_dir), "empresas", "listar"]) == 0
    aperturas += 1
    assert "está alterada" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(data_dir), "demo", "movimientos", "--count", "3"]) != 0
    aperturas += 1
    err = capsys.readouterr().err
    assert "está alterada" in err and "Traceback" not in err
    assert err.count("se abrió en sólo lectura") >= 2, err  # told at the opening and the refusal
    services = abierta()
    try:
        assert [r.registro for r in services.registros.listar()]  # reads as ever
        with pytest.raises(StoreError) as refused:
            services.registros.delete(REGISTRO_A, CLI_ACTOR)
        assert refused.value.code == "empresa_solo_lectura"
        assert "se abrió en sólo lectura" in refused.value.message
        # An export reads only: written, and audited in the catalog's log.
        exportado = tmp_path / "movimientos.csv"
        assert export_table(services.movimientos, Filtro(), Orden(), exportado, CLI_ACTOR) == 0
        [entrada] = [
            r for r in services.audit_instalacion.recent() if r.action == "movimientos_exportados"
        ]
        assert entrada.target == f"{store.name}: {exportado.name}"
        # A backup: written (what there is), marked, the user warned; the store untouched.
        with pytest.raises(RespaldoMarcado) as warned:
            services.backup.backup(tmp_path / "copia.icsoe-respaldo", CLI_ACTOR)
        assert "El respaldo quedó marcado" in warned.value.message
        copia = tmp_path / "copia.icsoe-respaldo"
        assert _entradas(copia)[-1][1] == AUDIT_MARCA
        # ... whose restore is refused, as the self-check refuses the store.
        with pytest.raises(BackupError) as restored:
            services.backup.restore(copia, CLI_ACTOR)
        assert restored.value.code in ("respaldo_bitacora_alterada", "respaldo_de_base_alterada")
        registradas = services.cabezas.registradas(services.empresa.id)
    finally:
        services.close()
    # The self-check, after all those openings.
    from icsoe_desktop.self_check import check_empresas

    services = abierta()
    try:
        [linea] = [r for r in check_empresas(services) if r.name.startswith("Bitácora de emp")]
        assert not linea.ok, linea
        assert services.cabezas.registradas(services.empresa.id) == registradas
    finally:
        services.close()
    assert _entradas(store) == before  # nothing was written in the store
    assert not verificar_bitacora(store, registradas).integra
    # Every opening is in the catalog's audit (the CLI's, the services', the self-check's).
    assert _alteradas_en_catalogo(data_dir) >= aperturas


def test_the_keyring_copy_holds_when_the_catalog_is_rewritten_too(data_dir: Path, clock) -> None:
    """Someone who recomputes the chain and writes its new last link into the catalog is still
    found: the keyring keeps the link the installation saw."""
    store = _preparar(data_dir, clock)
    _alterar(store, "recalculada")
    cabeza = verificar_bitacora(store).cabeza
    with closing(cifrado.conectar(data_dir / "catalogo.sqlite3")) as conn:
        conn.execute(
            "UPDATE empresas SET bitacora_id = ?, bitacora_hash = ?", (cabeza.id, cabeza.hash)
        )
        conn.commit()
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada
        assert services.secrets.get(KEYRING_SCOPE, services.cabezas._clave(services.empresa.id))
    finally:
        services.close()


def test_a_whole_log_moves_the_recorded_link_forward(data_dir: Path, clock) -> None:
    store = _preparar(data_dir, clock)
    services = open_services(data_dir, clock)
    try:
        assert not services.bitacora_alterada
        empresa = services.empresa.id
        services.registros.delete(REGISTRO_A, CLI_ACTOR)  # writable
        [*_, ultima] = _entradas(store)
    finally:
        services.close()
    services = open_services(data_dir, clock)
    try:
        registradas = services.cabezas.registradas(empresa)
        assert {c.id for c in registradas} == {ultima[0]} and len(registradas) == 1
    finally:
        services.close()


def test_a_store_removed_opens_empty_and_read_only(data_dir: Path, clock) -> None:
    store = _preparar(data_dir, clock)
    for leftover in store.parent.glob(f"{store.name}*"):
        leftover.unlink()
    services = open_services(data_dir, clock)
    try:
        assert "no está su base de datos «icsoe.sqlite3» (se borró o se movió)" in (
            services.bitacora_alterada
        )
        with pytest.raises(StoreError):
            services.registros.save(REGISTRO_A, RFC, RAZON, CLI_ACTOR)
    finally:
        services.close()


def test_restoring_a_whole_backup_is_the_way_back(data_dir: Path, clock, tmp_path: Path) -> None:
    store = _preparar(data_dir, clock)
    services = open_services(data_dir, clock)
    try:
        bueno = services.backup.backup(tmp_path / "bueno.icsoe-respaldo", CLI_ACTOR)
    finally:
        services.close()
    _alterar(store, "cortada")
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada
        services.backup.restore(bueno, CLI_ACTOR)
        assert not services.bitacora_alterada
        services.registros.delete(REGISTRO_A, CLI_ACTOR)  # writable again
    finally:
        services.close()
    services = open_services(data_dir, clock)
    try:
        assert not services.bitacora_alterada
        assert verificar_bitacora(store, services.cabezas.registradas(services.empresa.id)).integra
    finally:
        services.close()


def test_a_forged_restore_marker_does_not_make_an_altered_log_taken(data_dir: Path, clock) -> None:
    """A marker of a restore «done but not finished» written beside a store whose chain was
    recomputed: its opening still finds the chain rewritten (a finished restore may bring an
    older chain, never another one), writes nothing, and the links stay."""
    from icsoe_desktop.services.respaldo import restauracion

    store = _preparar(data_dir, clock)
    _alterar(store, "recalculada")
    restauracion.marker_of(store).write_text(
        '{"respaldo": "falso.icsoe-respaldo", "aparte": "", "actor": null, "revertida": false}',
        encoding="utf-8",
    )
    before = _entradas(store)
    services = open_services(data_dir, clock)
    try:
        assert "(la bitácora se reescribió)" in services.bitacora_alterada
        registradas = services.cabezas.registradas(services.empresa.id)
    finally:
        services.close()
    assert _entradas(store) == before
    assert not verificar_bitacora(store, registradas).integra
