"""A find sorted by a column whose order the find box's copy does not hold whole (the names,
NSS, CURP, the salaries, the other dates, the codes…), its far page right after the click,
before the column's order is read: from the parts of that order a process of its own cut after the
copy was built (services/movimientos/columnas_tramos.py). On a real store of real-shaped
movements, cut by the real process: the page at the middle of the scroll bar and the last rows
are SQL's, both ways, under panel filters, and still after writes, deletions and new movements;
parts of another history, damaged, or too far behind are not used (the page is SQL's) and are
cut again."""

from __future__ import annotations

import logging
import random
import subprocess

import pytest
from sqlalchemy import text

from icsoe_desktop.services.aparte import obra
from icsoe_desktop.services.movimientos import columnas_tramos, copia_aparte, espejo
from icsoe_desktop.services.movimientos.consulta import _COLUMNAS_EN_TRAMOS, orden_de_columna
from icsoe_desktop.services.movimientos.fuentes import tramos
from icsoe_desktop.services.movimientos.servicio import (
    COLUMNS,
    Filtro,
    Orden,
)
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_buscar, movimientos_espejo
from icsoe_desktop.store import movimientos_paging as paging
from tests.services.movimientos_data import add_registros
from tests.services.test_accounts import ANA
from tests.services.test_accounts import form as registro
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _escribir, _ordenados
from tests.services.test_movimientos_espejo_orden import _paginas_como_sql
from tests.services.test_movimientos_vigencia import _martinez
from tests.test_cli_movimientos import cli

TEXTOS = ("ma", "gar", "muñ")
SIN_FILTRO: dict[str, dict[str, object]] = {"sin filtro": {}}


@pytest.fixture
def lejos(monkeypatch):
    """The copy read from a small store, its columns cut by the process apart; a page past
    its 50th row is a far one."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(copia_aparte, "APARTE", 1)
    monkeypatch.setattr(paging, "GATHER_MAX", 50)


@pytest.fixture
def dos_columnas(monkeypatch) -> tuple[int, ...]:
    """Only Apellido Materno and CURP cut (a process each), not the 20."""
    columnas = tuple(
        c for c in _COLUMNAS_EN_TRAMOS if COLUMNS[c].attr in ("segundo_apellido", "curp")
    )
    monkeypatch.setattr(tramos, "COLUMNAS", columnas)
    return columnas


def _usadas(monkeypatch) -> list[int]:
    """The pages put in order from the parts from here on (as many ids as each had)."""
    usadas: list[int] = []
    pagina = columnas_tramos.pagina

    def contada(*args, **kwargs):
        ids = pagina(*args, **kwargs)
        if ids is not None:
            usadas.append(len(ids))
        return ids

    monkeypatch.setattr(columnas_tramos, "pagina", contada)
    return usadas


def _cortadas(movimientos_svc) -> None:
    """The columns cut, as after the window's count once the copy is there."""
    movimientos_svc.count(Filtro())
    movimientos_svc.buscador.tramos.cortador.esperar()


@pytest.mark.slow  # 20 columns cut by a process each, ~470 finds sorted by SQL
def test_right_after_the_click_a_far_page_by_each_column_cut_is_the_page_sql_sorts(
    services, lejos, monkeypatch
):
    usadas = _usadas(monkeypatch)
    # As many movements as give each column more than 10 far pages (14 of its 36).
    _store(services, 2_000)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    _cortadas(movimientos_svc)
    assert len(_COLUMNAS_EN_TRAMOS) == 20
    for column in _COLUMNAS_EN_TRAMOS:
        assert columnas_tramos.ruta(services.store.path, column).exists(), column
        antes = len(usadas)
        assert _paginas_como_sql(movimientos_svc, column, TEXTOS) > 10
        assert len(usadas) - antes > 10, COLUMNS[column].attr  # from the parts, not SQL
        assert (
            movimientos_svc.buscador.columna.columnas.vigente(column) is None
        )  # its order never read


def test_a_cut_whose_process_did_not_start_is_asked_for_again_in_the_round(
    services, lejos, dos_columnas, monkeypatch, caplog
):
    """The system refuses to start the columns' process (as Wine did once under many starts:
    «Error interno»), past the worker's own second start: it is asked for again after a
    pause, in the same round, and cuts both columns; their pages then come from the parts."""
    _store(services, 600)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    monkeypatch.setattr(columnas_tramos, "REINTENTOS_S", (0.0,))
    monkeypatch.setattr(obra, "REINTENTOS_S", (0.0,))
    popen = subprocess.Popen
    negados: list[object] = []

    def una_vez_no(*args, **kwargs):
        if len(negados) < 2:
            negados.append(args[0])
            raise OSError(1359, "Error interno")
        return popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", una_vez_no)
    with caplog.at_level(logging.WARNING):
        _cortadas(movimientos_svc)
    assert len(negados) == 2 and negados[0] == negados[1]
    assert "No se empezó el corte de los tramos" in caplog.text
    usadas = _usadas(monkeypatch)
    for column in dos_columnas:
        assert columnas_tramos.ruta(services.store.path, column).exists(), column
        antes = len(usadas)
        assert _paginas_como_sql(movimientos_svc, column, ("ma",)) > 0
        assert len(usadas) > antes, COLUMNS[column].attr


def test_after_writes_the_parts_put_each_written_movement_where_sql_sorts_it(
    services, lejos, dos_columnas, monkeypatch
):
    """A burst of writes after the cut (values moved to another's, to the lowest and
    highest, to none; a name changed; deletions; new movements that match): the pages are
    still SQL's and still come from the parts; when more were written than SUELTOS_MAX the
    parts are not used, and the next count cuts them again."""
    usadas = _usadas(monkeypatch)
    _store(services, 1_500)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    _cortadas(movimientos_svc)
    columnas = dos_columnas
    for column in columnas:
        attr = COLUMNS[column].sort_column
        hallados = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden(column, False))
        with services.store.engine.connect() as conn:
            otros = [i for (i,) in conn.execute(text("SELECT id FROM movimientos"))]
        _escribir(services, attr, hallados, otros)
        antes = len(usadas)
        assert _paginas_como_sql(movimientos_svc, column, ("ma",)) > 4
        assert len(usadas) - antes > 4, attr
    # Written past the bound: not used (each page SQL's), then cut again by the next count.
    column = columnas[0]
    ruta = columnas_tramos.ruta(services.store.path, column)
    cortada = columnas_tramos.leer(ruta, column)
    assert cortada is not None
    monkeypatch.setattr(columnas_tramos, "SUELTOS_MAX", 3)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET segundo_apellido = 'ZUÑIGA' WHERE id % 7 = 0"))
    antes = len(usadas)
    assert _paginas_como_sql(movimientos_svc, column, ("ma",), SIN_FILTRO) > 0
    assert len(usadas) == antes
    _cortadas(movimientos_svc)
    recortada = columnas_tramos.leer(ruta, column)
    assert recortada is not None and recortada.marca > cortada.marca
    assert _paginas_como_sql(movimientos_svc, column, ("ma",), SIN_FILTRO) > 0
    assert len(usadas) > antes


def test_parts_damaged_or_of_another_history_are_not_used_and_are_cut_again(
    services, lejos, dos_columnas, monkeypatch
):
    usadas = _usadas(monkeypatch)
    _store(services, 1_500)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    _cortadas(movimientos_svc)
    curp = next(c for c in _COLUMNAS_EN_TRAMOS if COLUMNS[c].attr == "curp")
    ruta = columnas_tramos.ruta(services.store.path, curp)
    datos = ruta.read_bytes()
    for roto in (datos[: len(datos) // 2], datos[:-1] + bytes([datos[-1] ^ 1]), b""):
        ruta.write_bytes(roto)
        assert _paginas_como_sql(movimientos_svc, curp, ("ma",), SIN_FILTRO) > 0
    # Another history: the change it was named by now has another random number.
    ruta.write_bytes(datos)
    cortada = columnas_tramos.leer(ruta, curp)
    assert cortada is not None
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE movimientos_cambiados SET azar = azar + 1 WHERE n = :n"),
            {"n": cortada.marca},
        )
    assert _paginas_como_sql(movimientos_svc, curp, ("ma",), SIN_FILTRO) > 0
    assert usadas == []
    _construida(movimientos_svc)  # the copy, of another history too, read again
    _cortadas(movimientos_svc)
    assert _paginas_como_sql(movimientos_svc, curp, ("ma",), SIN_FILTRO) > 0
    assert usadas


def test_a_restored_store_forgets_every_columns_parts(
    services, lejos, dos_columnas, tmp_path, monkeypatch
):
    """Restaurar puts another file in place: the parts cut from the old one are removed, the
    sort indexes known in it are looked up again, and the restored store's parts are cut once
    its copy is there."""
    services.accounts.register(registro())
    _store(services, 1_500)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=ANA)
    movimientos_svc = services.movimientos
    # A sort index built after the backup: known to exist in this file, not in the restored.
    ordenada = Orden(dos_columnas[0])
    movimientos_svc.prepare_sort(ordenada)
    assert movimientos_svc.sort_ready(ordenada)
    _construida(movimientos_svc)
    _cortadas(movimientos_svc)
    store = services.store.path
    assert len(list(store.parent.glob(f"{store.name}.tramos-*"))) == 2
    services.backup.restore(respaldo, actor=ANA)
    assert list(store.parent.glob(f"{store.name}.tramos-*")) == []
    assert not movimientos_svc.sort_ready(ordenada)  # asked of the restored file
    assert movimientos_svc.pagina(Filtro(buscar="ma"), ordenada, 0, 20)  # sorted without it
    _construida(movimientos_svc)
    _cortadas(movimientos_svc)
    assert len(list(store.parent.glob(f"{store.name}.tramos-*"))) == 2
    usadas = _usadas(monkeypatch)
    assert _paginas_como_sql(movimientos_svc, dos_columnas[0], ("ma",), SIN_FILTRO) > 0
    assert usadas


def test_a_page_across_parts_is_that_slice_of_the_whole_order():
    """Parts of one movement each up to parts of many: every slice of the order (going up by
    key, then id; NULL first) is the same, with and without movements written since."""
    rng = random.Random(3)
    claves = {i: (0, 0) if rng.random() < 0.1 else (2, rng.choice("ABCDE")) for i in range(1, 900)}
    todos = sorted(claves, key=lambda i: (claves[i], i))

    def leer(ids):
        return {i: claves[i] for i in ids if i in claves}

    tramos = columnas_tramos.cortar(3, 1, 2, todos, leer)
    assert tramos is not None and len(tramos.limites) == columnas_tramos.TRAMOS
    hallados = rng.sample(todos, 400)
    # Written since: one moved to the lowest key, one to the highest, two new ones.
    escritos = [hallados[0], hallados[1], 950, 951]
    claves[hallados[0]] = (0, 0)
    claves[hallados[1]] = (2, "ZZ")
    claves[950], claves[951] = (2, "C"), (2, "A")
    hallados += [950, 951]
    esperados = sorted(hallados, key=lambda i: (claves[i], i))

    def ordenar(ids, offset, limit):  # as the store sorts a part's matches (in_order)
        if not set(ids) <= set(claves):
            return None
        return sorted(ids, key=lambda i: (claves[i], i))[offset : offset + limit]

    for desde in (0, 1, 5, 199, 200, 390, 401):
        for largo in (1, 3, 20, 500):
            for en_orden in (None, ordenar):  # parts with a written one: sorted here
                pagina = columnas_tramos.pagina(
                    tramos, hallados, escritos, leer, desde, desde + largo, en_orden
                )
                assert pagina is not None
                assert list(pagina) == esperados[desde : desde + largo], (desde, largo)
    # A match in no part that was not written since: not answered.
    assert columnas_tramos.pagina(tramos, [*hallados, 990], escritos, leer, 0, 5) is None


def test_a_parts_matches_sorted_by_the_store_are_in_the_grids_order(services):
    """What sorts a part's matches (store/movimientos.py ``in_order``): each slice of them in
    the grid's order (NULL first, then by value, ties by id) for a text, a number, a date and
    NSS; none once one of them is no longer in the table."""
    _store(services, 300)
    with services.store.engine.connect() as conn:
        ids = [i for (i,) in conn.execute(text("SELECT id FROM movimientos ORDER BY random()"))]
        ids = ids[:120]
        lista = ", ".join(map(str, ids))
        for column in ("segundo_apellido", "salario", "fecha_emision", "nss"):
            sql = f"SELECT id FROM movimientos WHERE id IN ({lista}) ORDER BY {column}, id"
            esperados = [i for (i,) in conn.execute(text(sql))]
            for offset, limit in ((0, 10), (50, 30), (110, 20), (120, 5)):
                assert (
                    movs_sql.in_order(conn, ids, column, offset, limit)
                    == (esperados[offset : offset + limit])
                ), (column, offset)
        assert movs_sql.in_order(conn, [*ids, 10**9], "salario", 0, 5) is None


@pytest.mark.parametrize("attr", ["nss", "curp"])
def test_nss_and_curp_orders_are_read_from_the_find_index_as_sql_sorts(services, attr):
    """NSS and CURP, with no sort index of their own: the column's order the parts are cut
    from (and its order kept in memory) is read from the find box's index of it, without a
    sort, and is SQL's (by value, ties by id, the live movements only): a worker's several
    movements, one moved to another worker's NSS and CURP, some deleted. With that index gone
    (a joining sync drops it until its end) the grid's plan reads the same order."""
    _store(services, 400)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET deleted = 1 WHERE id % 5 = 0"))
        conn.execute(
            text(
                "UPDATE movimientos SET nss = (SELECT nss FROM movimientos WHERE id = 2), "
                "curp = (SELECT curp FROM movimientos WHERE id = 2) WHERE id IN (7, 300, 301)"
            )
        )
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
    sql = f"SELECT id FROM movimientos WHERE deleted = 0 ORDER BY {attr}, id"
    with services.store.engine.begin() as conn:
        esperados = [i for (i,) in conn.execute(text(sql))]
        vivos = movimientos_espejo.vivos(conn)
        assert vivos == len(esperados) == 320
        assert not movs_sql.sort_ready(conn, attr, set())
        desde_indice = paging.every_id_by_find_index(conn, attr)
        assert desde_indice is not None and list(desde_indice) == esperados
        assert list(orden_de_columna(conn, column, vivos, lambda: True)) == esperados
        indice = movimientos_buscar.index_of_column(attr)
        conn.execute(text(f"DROP INDEX {indice}"))
        assert paging.every_id_by_find_index(conn, attr) is None
        assert list(orden_de_columna(conn, column, vivos, lambda: True)) == esperados
        assert paging.every_id_by_find_index(conn, "segundo_apellido") is None


def test_an_order_of_sparse_ids_is_not_cut():
    """Ids far apart (most deleted): the bytes by id would be mostly empty."""
    ids = list(range(0, 10_000_000, 1_000))
    assert columnas_tramos.cortar(3, 1, 2, ids, lambda de: dict.fromkeys(de, (1, 0))) is None


def test_another_programs_import_after_the_cut_is_paged_where_sql_sorts_it(
    services, lejos, dos_columnas, data_dir, tmp_path, monkeypatch
):
    """``movimientos importar`` from the command line beside the open app (announcing nothing
    here): its new MARTINEZ are in no part, and the next far page puts them where SQL does."""
    _store(services, 1_500)
    add_registros(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    _cortadas(movimientos_svc)
    usadas = _usadas(monkeypatch)
    hecho = cli(data_dir, "movimientos", "importar", _martinez(tmp_path / "martinez.csv"))
    assert hecho.returncode == 0, hecho.stderr
    for column in dos_columnas:
        assert _paginas_como_sql(movimientos_svc, column, ("ma",), SIN_FILTRO) > 0
    assert len(usadas) >= 2 * len(dos_columnas)


def test_parts_kept_only_where_they_can_be_and_read_only_as_written(tmp_path):
    """A folder that cannot be written: not kept, said; a file of another column, cut short,
    or another program's: not read."""
    claves = {i: (2, f"C{i:04d}") for i in range(1, 600)}
    tramos = columnas_tramos.cortar(8, 4, 9, sorted(claves), lambda de: {i: claves[i] for i in de})
    assert tramos is not None
    assert not columnas_tramos.guardar(tmp_path / "no existe" / "t", tramos)
    ruta = tmp_path / "icsoe.sqlite3.tramos-8"
    assert columnas_tramos.guardar(ruta, tramos)
    assert columnas_tramos.leer(ruta, 8) == tramos
    assert columnas_tramos.leer(ruta, 3) is None
    assert columnas_tramos.leer(tmp_path / "ninguno", 8) is None
    for ajeno in (ruta.read_bytes()[:100], b"PK\x03\x04 un zip", b""):
        ruta.write_bytes(ajeno)
        assert columnas_tramos.leer(ruta, 8) is None


def test_a_column_that_cannot_be_cut_is_not_asked_again_after_each_change(
    services, lejos, dos_columnas, caplog
):
    """Ids far apart (a movement numbered past millions): the parts are not cut, the pages
    are SQL's, and the next change starts no process for them again."""
    _store(services, 1_500)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET id = 50000000 WHERE id = 7"))
    movimientos_svc = services.movimientos
    # Heard from the copy's arrival on: the cut starts as soon as the copy is there.
    with caplog.at_level(logging.INFO, logger="icsoe_desktop.services.aparte"):
        _construida(movimientos_svc)
        _cortadas(movimientos_svc)
        # One process for both columns.
        assert caplog.text.count("los tramos de las columnas") == 1
        assert f"los tramos de las columnas {dos_columnas[0]}, {dos_columnas[1]}" in caplog.text
        store = services.store.path
        assert list(store.parent.glob(f"{store.name}.tramos-*")) == []
        assert _paginas_como_sql(movimientos_svc, dos_columnas[0], ("ma",), SIN_FILTRO) > 0
        caplog.clear()
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE movimientos SET guia = 'X9' WHERE id = 8"))
        _construida(movimientos_svc)
        _cortadas(movimientos_svc)
        assert "los tramos de la" not in caplog.text


def test_a_cut_ended_before_its_last_column_leaves_the_rest_to_another_process():
    """One process cuts every pending column; one that ends before its last (killed, out of
    memory) leaves the columns it did not cut to the next, as long as each cuts some. One
    that cuts none is not started again until the store changes. One that goes through them
    all is not followed by a reading of the parts kept (~66 ms of CPU at a million)."""
    from icsoe_desktop.services.movimientos import hallados

    vigencia = [1]
    cortadas: set[int] = set()
    pedidas: list[list[int]] = []
    leidas: list[list[int]] = []

    def pendientes() -> list[int]:
        leidas.append([c for c in (3, 8, 12) if c not in cortadas])
        return leidas[-1]

    def todas(columnas: list[int], seguir) -> bool:
        pedidas.append(list(columnas))
        cortadas.update(columnas)
        return True

    entera = columnas_tramos.Cortador(
        lambda: vigencia[0], hallados.Hallados(lambda: vigencia[0]), pendientes, todas
    )
    entera.mantener()
    entera.esperar()
    assert pedidas == [[3, 8, 12]] and leidas == [[3, 8, 12]]
    cortadas.clear()
    pedidas.clear()

    def solo_la_primera(columnas: list[int], seguir) -> bool:  # as a process killed after one
        pedidas.append(list(columnas))
        cortadas.add(columnas[0])
        return False  # it ended before its last column

    cortador = columnas_tramos.Cortador(
        lambda: vigencia[0],
        hallados.Hallados(lambda: vigencia[0]),
        pendientes,
        solo_la_primera,
    )
    cortador.mantener()
    cortador.esperar()
    assert pedidas == [[3, 8, 12], [8, 12], [12]]
    assert pendientes() == []

    cortadas.clear()
    pedidas.clear()

    def ninguna_columna(columnas: list[int], seguir) -> bool:  # as a process killed at once
        pedidas.append(list(columnas))
        return False

    ninguna = columnas_tramos.Cortador(
        lambda: vigencia[0], hallados.Hallados(lambda: vigencia[0]), pendientes, ninguna_columna
    )
    ninguna.mantener()
    ninguna.esperar()
    ninguna.mantener()  # the same store: nothing started again
    ninguna.esperar()
    assert pedidas == [[3, 8, 12]]
    vigencia[0] = 2  # a change: asked again
    ninguna.mantener()
    ninguna.esperar()
    assert pedidas == [[3, 8, 12], [3, 8, 12]]


def test_a_cut_of_several_columns_stopped_leaves_none_of_their_files_half_written(
    services, dos_columnas
):
    """The app closes while one process cuts two columns: it is stopped, and neither
    column's file being written is left beside the store."""
    from icsoe_desktop.services.aparte import archivo_entero
    from tests.services.test_movimientos_copia_aparte import _sin_restos, _terminado

    _store(services, 300)
    store = services.store.path
    temporales = [archivo_entero.temporal(columnas_tramos.ruta(store, c)) for c in dos_columnas]
    cortando = copia_aparte.empezar(
        store, temporales, copia_aparte.TRAMOS_DE, *map(str, dos_columnas)
    )
    cortando.pausar(True)  # held, as while the clerk's questions are answered
    for temporal in temporales:  # as it leaves them while it writes
        temporal.write_bytes(b"a medias")
    assert cortando.esperar(lambda: False) == copia_aparte.PARADA
    assert _terminado(cortando.pid)
    assert [t for t in temporales if t.exists()] == []
    assert _sin_restos(store) == []
