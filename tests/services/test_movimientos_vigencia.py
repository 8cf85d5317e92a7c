"""What the find box keeps of the movements (its counts and ids, its copy in memory, the
columns' orders, the copy kept on disk) follows the store itself: another program writing the
same file (the command line's ``movimientos importar`` or ``demo movimientos`` beside the open
app, announcing nothing here), restoring a backup or repairing it, and the next count and page
are the ones SQL gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.paginas_danadas import zero_leaf_pages
from tests.services.movimientos_data import REGISTRO_A, add_registros, known_rows, write_csv
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _columna_leida, _ordenados
from tests.test_cli_movimientos import cli

FECHA = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
NSS = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
# «ma» and a registro: the clerk's find, narrowed by the panel.
FILTRO = Filtro(buscar="ma", registro_patronal=REGISTRO_A)


def _martinez(path: Path) -> Path:
    """The known rows (4 of them of REGISTRO_A), each worker a MARTINEZ: found by «ma»."""
    rows = [{**row, "Apellido Paterno": "MARTINEZ"} for row in known_rows()]
    return write_csv(path, rows)


def _como_sql(movimientos_svc) -> int:
    """The find's count and pages (its middle sorted by fecha and by NSS, both ways, and its
    first page unsorted) are those SQL gives now; its count."""
    total = movimientos_svc.count(FILTRO)
    for orden in (Orden(FECHA), Orden(FECHA, True), Orden(NSS), Orden()):
        esperados = _ordenados(movimientos_svc, FILTRO, orden)
        assert total == len(esperados), orden
        mitad = total // 2 if orden.column is not None else 0
        pagina = movimientos_svc.pagina(FILTRO, orden, mitad, 20, total)
        assert [row[0] for row in pagina] == esperados[mitad : mitad + 20], orden
    return total


def test_another_programs_writes_are_counted_and_paged_at_the_next_question(
    services, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 1_500)
    add_registros(services)
    movimientos_svc = services.movimientos
    copia = _construida(movimientos_svc)
    _columna_leida(movimientos_svc, FECHA)
    antes = _como_sql(movimientos_svc)
    anuncios = services.store.cambios.anuncios

    hecho = cli(data_dir, "movimientos", "importar", _martinez(tmp_path / "martinez.csv"))
    assert hecho.returncode == 0, hecho.stderr
    assert "6 movimientos nuevos" in hecho.stdout
    assert _como_sql(movimientos_svc) == antes + 4
    # From the copy brought up to date, not read again; nothing was announced here.
    assert movimientos_svc.buscador.copia.espejos.vigente() is copia
    assert services.store.cambios.anuncios == anuncios

    hecho = cli(data_dir, "demo", "movimientos", "--count", "400")
    assert hecho.returncode == 0, hecho.stderr
    assert _como_sql(movimientos_svc) > antes + 4
    movimientos_svc.buscador.columna.columnas.esperar()  # the orders read again meanwhile: still SQL's pages
    movimientos_svc.buscador.copia.espejos.esperar()
    _como_sql(movimientos_svc)


def _abierta(data_dir: Path, clock):
    """The empresa opened again, its copy read (from disk when it is the store's)."""
    services = open_services(data_dir, clock)
    _construida(services.movimientos)
    return services


@pytest.mark.slow  # four processes: a backup, an import, a restore, and a repair
def test_after_a_restore_or_a_repair_by_another_program_the_find_is_sqls(
    data_dir: Path, tmp_path: Path, clock, monkeypatch
) -> None:
    monkeypatch.setattr(espejo, "MINIMO", 1)
    services = open_services(data_dir, clock)
    try:
        _store(services, 1_500)
        add_registros(services)
        _construida(services.movimientos)
        antes = _como_sql(services.movimientos)
    finally:
        services.close()
    respaldo = tmp_path / "respaldo.icsoe-respaldo"
    hecho = cli(data_dir, "respaldar", respaldo)
    assert hecho.returncode == 0, hecho.stderr
    hecho = cli(data_dir, "movimientos", "importar", _martinez(tmp_path / "martinez.csv"))
    assert hecho.returncode == 0, hecho.stderr

    # The copy kept on disk now holds the import's movements.
    services = _abierta(data_dir, clock)
    try:
        assert _como_sql(services.movimientos) == antes + 4
        path = services.store.path
    finally:
        services.close()
    hecho = cli(data_dir, "restaurar", respaldo)
    assert hecho.returncode == 0, hecho.stderr
    services = _abierta(data_dir, clock)
    try:
        assert _como_sql(services.movimientos) == antes
    finally:
        services.close()

    # Pages of movements lost, and the page the opening reads first: the file is rescued by
    # another program before the empresa opens. The copy kept on disk counted movements the
    # rescued store no longer has, and its record of changes reads as before.
    lost = zero_leaf_pages(path, "movimientos", 3)
    assert lost and zero_leaf_pages(path, "alembic_version", 1) == 1
    hecho = cli(data_dir, "reparar")
    assert hecho.returncode == 0, hecho.stderr
    services = _abierta(data_dir, clock)
    try:
        for buscar in ("ma", "ju", "gar", "pe", "1"):
            filtro = Filtro(buscar=buscar)
            como_sql = len(_ordenados(services.movimientos, filtro, Orden()))
            assert services.movimientos.count(filtro) == como_sql, buscar
        _como_sql(services.movimientos)
    finally:
        services.close()
