"""A find sorted by a column, its far pages put in order from memory (the find box's copy and
the column's order: services/movimientos/espejo_columnas.py), on a real store of real-shaped
movements: the page the clerk sees at the middle of the scroll bar right after the find is the
one SQL sorts, in every sortable column, both ways, under panel filters; after a change the
column's order still answers until read again, the movements written since put in by their
values now."""

from __future__ import annotations

import bisect
import random
import uuid
from contextlib import suppress

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bench.datos_reales import crear_movimientos, movimientos
from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.domain.cambios import MOVIMIENTOS
from icsoe_desktop.services.movimientos import espejo, espejo_columnas, espejo_guardado
from icsoe_desktop.services.movimientos.consulta import _found_ids_key
from icsoe_desktop.services.movimientos.servicio import (
    COLUMNS,
    Filtro,
    Orden,
    resolve,
)
from tests.services.test_movimientos_espejo import (
    REGISTROS,
    TODAY,
    _cambio_de_nada,
    _construida,
    _store,
)

# Sortable columns with an order of their own (a derived one sorts by its source).
ORDENABLES = [i for i, c in enumerate(COLUMNS) if c.derive is None]
TEXTOS = ("ma", "ju", "gar", "JUAN JUAN", "muñ", "maria guadalupe g")
PANELES: dict[str, dict[str, object]] = {
    "sin filtro": {},
    "registro": {"registro_patronal": REGISTROS[0]},
    "Bajas pendientes": {"tipo": "02", "estado": "pendiente"},
}


def _ordenados(movimientos_svc, filtro: Filtro, orden: Orden) -> list[int]:
    """The find's ids in the grid's order, as SQL sorts its rows (``iter_rows``)."""
    return [row[0] for row in movimientos_svc.iter_rows(filtro, orden)]


def busquedas(movimientos_svc, textos, column: int):
    """Each text under each panel filter, resolved as the window resolves it: where (the
    column, the text, the filter), the filter, its count and its ids in ``column``'s order
    going up as SQL sorts them."""
    for buscar in textos:
        for nombre, terms in PANELES.items():
            filtro = resolve(Filtro(buscar=buscar, **terms), movimientos_svc.today())  # type: ignore[arg-type]  # Filtro's
            assert filtro is not None
            total = movimientos_svc.count(filtro)
            esperados = _ordenados(movimientos_svc, filtro, Orden(column, descending=False))
            assert len(esperados) == total
            yield (COLUMNS[column].attr, buscar, nombre), filtro, total, esperados


def _columna_leida(movimientos_svc, column: int) -> espejo_columnas.Columna:
    """``column``'s order, asked for by a sorted find's first page and read."""
    movimientos_svc.prepare_sort(Orden(column))
    movimientos_svc.pagina(Filtro(buscar="ma"), Orden(column), 0, 10)
    movimientos_svc.buscador.columna.columnas.esperar()
    columna = movimientos_svc.buscador.columna.columnas.vigente(column)
    assert columna is not None
    return columna


def _contados(monkeypatch) -> list[int]:
    """The pages put in order from memory from here on (as many ids as each had)."""
    contados: list[int] = []
    en_orden = espejo_columnas.Columna.en_orden

    def contado(self, *args, **kwargs):
        ids = en_orden(self, *args, **kwargs)
        if ids is not None:
            contados.append(len(ids))
        return ids

    monkeypatch.setattr(espejo_columnas.Columna, "en_orden", contado)
    return contados


def _guardados(movimientos_svc, filtro: Filtro, orden: Orden, total: int):
    return movimientos_svc.buscador.hallados.ids_guardados(_found_ids_key(filtro, orden, total))


@pytest.mark.slow  # every sortable column's index built, and ~1,000 finds sorted by SQL
def test_the_middle_of_a_sorted_find_from_memory_is_the_page_sql_sorts(services, monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    usados = _contados(monkeypatch)
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    for column in ORDENABLES:
        _columna_leida(movimientos_svc, column)
        for buscar in TEXTOS:
            for nombre, terms in PANELES.items():
                filtro = Filtro(buscar=buscar, **terms)  # type: ignore[arg-type]  # Filtro's
                total = movimientos_svc.count(filtro)
                for descending in (False, True):
                    orden = Orden(column, descending)
                    esperados = _ordenados(movimientos_svc, filtro, orden)
                    assert len(esperados) == total
                    mitad = total // 2
                    pagina = movimientos_svc.pagina(filtro, orden, mitad, 20, total)
                    donde = (COLUMNS[column].attr, buscar, nombre, descending)
                    assert [row[0] for row in pagina] == esperados[mitad : mitad + 20], donde
    # Each column, each find the copy answers (not the one past its keys, narrowed by the
    # index: it too, unless changed), under each panel filter with matches, both ways.
    assert len(usados) > len(ORDENABLES) * 4 * len(PANELES) * 2


def test_after_a_change_the_columns_order_still_answers_until_read_again(services, monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    usados = _contados(monkeypatch)
    _store(services, 1_500)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    nss = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
    leida = _columna_leida(movimientos_svc, nss)
    filtro, orden = Filtro(buscar="ma"), Orden(nss, descending=False)
    total = movimientos_svc.count(filtro)
    esperados = _ordenados(movimientos_svc, filtro, orden)
    mitad = total // 2
    pagina = movimientos_svc.pagina(filtro, orden, mitad, 20, total)
    assert [row[0] for row in pagina] == esperados[mitad : mitad + 20]
    assert usados == [20]  # from memory

    # A movement of the find renumbered to sort first: its place in the column's order is
    # no longer its place; the page right after the change has it where it now sorts.
    primero = esperados[mitad + 5]
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE movimientos SET nss = '00000000001' WHERE id = :i"), {"i": primero}
        )
    services.store.cambios.anunciar({MOVIMIENTOS})
    esperados = _ordenados(movimientos_svc, filtro, orden)
    assert esperados[0] == primero
    assert movimientos_svc.buscador.columna.columnas.vigente(nss) is leida  # not read again yet
    for desde in (0, mitad):
        pagina = movimientos_svc.pagina(filtro, orden, desde, 20, total)
        assert [row[0] for row in pagina] == esperados[desde : desde + 20]
    assert usados == [20, 20]  # the middle (the first page: by its plan, a short walk)

    movimientos_svc.buscador.columna.columnas.esperar()  # asked for again by that page, and read
    assert movimientos_svc.buscador.columna.columnas.vigente(nss) is not leida
    pagina = movimientos_svc.pagina(filtro, orden, mitad + 1, 20, total)
    assert [row[0] for row in pagina] == esperados[mitad + 1 : mitad + 21]
    assert usados == [20, 20, 20]
    # The scroll bar's keys: every id of the find in that order, from memory too.
    claves = movimientos_svc.boundaries(filtro, orden, 100, total)
    assert [i for i, _valor in claves] == esperados[99::100]
    assert usados == [20, 20, 20, total]

    # Another change: the window's count, refreshed on its announcement, has the order read
    # again before the clerk's next sorted find asks.
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE movimientos SET nss = '99999999999' WHERE id = :i"), {"i": primero}
        )
    services.store.cambios.anunciar({MOVIMIENTOS})
    assert movimientos_svc.count(filtro) == total
    movimientos_svc.buscador.columna.columnas.esperar()
    esperados = _ordenados(movimientos_svc, filtro, orden)
    assert esperados[-1] == primero
    pagina = movimientos_svc.pagina(filtro, orden, total - 20, 20, total)
    assert [row[0] for row in pagina] == esperados[-20:]
    assert usados == [20, 20, 20, total, 20]

    # Letting go of the file lets go of the orders (read again at the next find).
    movimientos_svc.buscador.columna.columnas.cerrar()
    assert not movimientos_svc.buscador.columna.columnas._hechas


def _escribir(services, attr: str, hallados: list[int], otros: list[int]) -> None:
    """Writes a clerk, an import and a sync make, seen from ``attr``'s order: movements of
    the find given another's value of it (ties broken by id), the lowest and highest there
    are, none; one taken out of the find by its name, one deleted, one marked deleted, one
    changed in another column only; and new ones that match."""
    rng = random.Random(attr)
    a, b, c, d, e, f, g = rng.sample(hallados, 7)
    with services.store.engine.begin() as conn:

        def ejecutar(sql: str, **params: object) -> None:
            conn.execute(text(sql), params)

        ejecutar(
            f"UPDATE movimientos SET {attr} = (SELECT {attr} FROM movimientos WHERE id = :o)"
            " WHERE id = :i",
            i=a,
            o=rng.choice(otros),
        )
        for i, extremo in ((b, "min"), (c, "max")):
            ejecutar(
                f"UPDATE movimientos SET {attr} = (SELECT {extremo}({attr}) FROM movimientos)"
                " WHERE id = :i",
                i=i,
            )
        with suppress(IntegrityError), conn.begin_nested():  # a column that is never empty
            ejecutar(f"UPDATE movimientos SET {attr} = NULL WHERE id = :i", i=d)
        ejecutar(
            "UPDATE movimientos SET primer_apellido = 'ZZZ', segundo_apellido = 'ZZZ',"
            " nombre = 'ZZZ' WHERE id = :i",
            i=e,
        )
        ejecutar("DELETE FROM movimientos WHERE id = :i", i=f)
        ejecutar("UPDATE movimientos SET deleted = 1 WHERE id = :i", i=g)
        otra = "guia" if attr != "guia" else "umf"
        ejecutar(f"UPDATE movimientos SET {otra} = 'X1' WHERE id = :i", i=hallados[0])
    nuevos = [
        {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
            "nss": f"{rng.randrange(10**10, 10**11):011d}",
            "primer_apellido": "MARTINEZ",
            "nombre": "MARIO",
        }
        for _ in range(3)
    ]
    crear_movimientos(
        services.store,
        3,
        TODAY,
        filas=[
            {**fila, **nuevo} for fila, nuevo in zip(movimientos(3, TODAY), nuevos, strict=True)
        ],
    )
    services.store.cambios.anunciar({MOVIMIENTOS})


@pytest.mark.slow  # every sortable column's index built and its order read, twice
def test_right_after_writes_the_order_read_before_puts_each_where_sql_sorts_it(
    services, monkeypatch
):
    """Each column's order read before a burst of writes, not read again: the find's movements
    written since are put in by their values now, and every page and the scroll bar's keys
    are SQL's, both ways, under panel filters."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 1_500)
    movimientos_svc = services.movimientos
    copia = _construida(movimientos_svc)
    for column in ORDENABLES:
        attr = COLUMNS[column].sort_column
        leida = _columna_leida(movimientos_svc, column)
        hallados = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden(column, False))
        with services.store.engine.connect() as conn:
            otros = [i for (i,) in conn.execute(text("SELECT id FROM movimientos"))]
        _escribir(services, attr, hallados, otros)
        movimientos_svc.count(Filtro())  # the copy brought up to date, as the window's count
        assert movimientos_svc.buscador.copia.espejos.vigente() is copia
        escritos = movimientos_svc.buscador.columna.escritos(leida, attr)
        # The name, the two deletions and the new three at least (the rest may change nothing).
        assert escritos is not None and len(escritos.ids) >= 6
        for nombre, terms in PANELES.items():
            filtro = Filtro(buscar="ma", **terms)  # type: ignore[arg-type]  # Filtro's
            t = termino("ma")
            assert t is not None
            seleccion = copia.hallados(
                t, filtro.busqueda(), movimientos_svc.buscador.almacen.contar_rango
            )
            assert seleccion is not None
            esperados = _ordenados(movimientos_svc, filtro, Orden(column, descending=False))
            total = len(esperados)
            entero = leida.en_orden(seleccion, total, escritos=escritos)
            assert entero is not None and list(entero) == esperados, (attr, nombre)
            if not terms:  # without the writes, the new ones are in no place
                assert leida.en_orden(seleccion, total) is None
            for desde in (0, 1, total // 3, total // 2, max(total - 7, 0)):
                pagina = leida.en_orden(seleccion, total, desde, desde + 20, escritos)
                assert pagina is not None and list(pagina) == esperados[desde : desde + 20]
            # Through the window's pages, going down too.
            for descending in (False, True):
                orden = Orden(column, descending)
                abajo = _ordenados(movimientos_svc, filtro, orden)
                pagina = movimientos_svc.pagina(filtro, orden, total // 2, 20, total)
                assert [row[0] for row in pagina] == abajo[total // 2 : total // 2 + 20]


def test_the_orders_kept_are_the_latest_asked_that_fit(services, monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 1_500)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    nss, curp, fecha = (
        next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
        for attr in ("nss", "curp", "fecha")
    )
    for column in (nss, curp, fecha):
        _columna_leida(movimientos_svc, column)
    columnas = movimientos_svc.buscador.columna.columnas
    una = columnas.vigente(fecha)
    assert una is not None and 1_500 * 4 <= una.memoria() < 1_500 * 24
    assert list(columnas._hechas) == [nss, curp, fecha]  # at a small store, all of them

    # Read again after a change, in a room of two.
    monkeypatch.setattr(espejo_columnas, "MEMORIA", 2 * una.memoria())
    _cambio_de_nada(services)
    for column in (nss, curp, fecha):
        _columna_leida(movimientos_svc, column)
    assert list(columnas._hechas) == [curp, fecha]
    monkeypatch.setattr(espejo_columnas, "MEMORIA", 1)  # past it, the latest alone
    _cambio_de_nada(services)
    _columna_leida(movimientos_svc, nss)
    assert list(columnas._hechas) == [nss]


def test_a_small_store_keeps_no_columns_order(services):
    """Below the size the find box's copy pays at, no column's order is read either."""
    _store(services, 300)
    movimientos_svc = services.movimientos
    movimientos_svc.count(Filtro(buscar="ma"))
    movimientos_svc.buscador.copia.espejos.esperar()
    filtro, orden = Filtro(buscar="ma"), Orden(0, descending=False)
    total = movimientos_svc.count(filtro)
    pagina = movimientos_svc.pagina(filtro, orden, total // 2, 20, total)
    esperados = _ordenados(movimientos_svc, filtro, orden)
    assert [row[0] for row in pagina] == esperados[total // 2 : total // 2 + 20]
    movimientos_svc.buscador.columna.columnas.esperar()
    assert not movimientos_svc.buscador.columna.columnas._hechas


def test_an_id_in_no_place_of_the_order_leaves_the_find_to_sql():
    """Movements written since the column's order was read (a change not announced yet)."""
    columna = espejo_columnas.Columna.de([5, 3, 9, 1, 7])

    def en_orden(ids: list[int], total: int, *tramo: int) -> list[int] | None:
        ordenados = columna.en_orden(espejo.Seleccion([], ids), total, *tramo)
        return None if ordenados is None else list(ordenados)

    assert en_orden([9, 1, 3], 3) == [3, 9, 1]
    assert en_orden([9, 1, 3, 7], 4, 1, 3) == [9, 1]
    assert en_orden([9, 1, 3], 4) is None  # not as many as counted
    assert en_orden([4], 1) is None  # below the last id, in no place
    assert en_orden([10], 1) is None  # past the last id


def test_the_kept_copy_gives_the_finds_ids_as_the_one_read(services, monkeypatch, tmp_path):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    _store(services, 1_500)
    copia = _construida(services.movimientos)
    ruta = tmp_path / "copia.buscar"
    assert espejo_guardado.guardar(ruta, copia)
    leida = espejo_guardado.leer(ruta)
    assert leida is not None
    with services.store.engine.connect() as conn:
        todos = [i for (i,) in conn.execute(text("SELECT id FROM movimientos WHERE deleted = 0"))]
    columna = espejo_columnas.Columna.de(todos)  # in no column's order: the ids' own
    for buscar in ("ma", "ju", "1", "JUAN JUAN"):
        for terms in PANELES.values():
            filtro = Filtro(buscar=buscar, **terms).busqueda()  # type: ignore[arg-type]
            t = termino(buscar)
            assert t is not None
            hallados, otros = copia.hallados(t, filtro), leida.hallados(t, filtro)
            assert hallados is not None and otros is not None
            total = copia.contar(t, filtro)
            assert total is not None
            ids = columna.en_orden(hallados, total)  # None unless ``total``, each once
            assert ids is not None and ids == columna.en_orden(otros, total)


def test_a_page_at_any_place_is_that_slice_of_the_whole_order():
    """Pages read by counting the marks a block at a time, at and around the blocks' edges,
    are the same slice of the find's whole order."""
    rng = random.Random(3)
    ids = list(range(1, 140_001))
    rng.shuffle(ids)
    columna = espejo_columnas.Columna.de(ids)
    hallados = rng.sample(ids, 40_000)
    seleccion = espejo.Seleccion([], hallados)
    entero = columna.en_orden(seleccion, len(hallados))
    assert entero is not None and sorted(entero) == sorted(hallados)
    # Where a block of 1,024 or 65,536 places ends, counted in matches.
    marcados = sorted(columna.lugar[i] for i in hallados)
    bordes = [bisect.bisect_left(marcados, b) for b in (65_536, 131_072)]
    bordes += rng.sample([bisect.bisect_left(marcados, b) for b in range(0, 140_000, 1_024)], 30)
    for desde in [0, 1, 39_980, 39_999, *bordes]:
        for d in {max(desde - 1, 0), desde, min(desde + 1, 39_999)}:
            pagina = columna.en_orden(seleccion, len(hallados), d, d + 20)
            assert pagina is not None and list(pagina) == list(entero[d : d + 20]), d


@pytest.mark.parametrize("semilla", range(6))
def test_written_movements_go_where_their_values_now_sort_them(semilla):
    """An order read before many writes (new values with ties, NULLs, a run of neighbours all
    written as a lote's are, removals, new movements): a find's pages through it, with what
    was written since, are the find sorted by the values now, ties by id."""
    rng = random.Random(semilla)
    valores: dict[int, object] = {
        i: rng.choice([None, 5, 7, 7, 9, "a", "b"]) for i in range(1, 3_001)
    }

    def clave(i: int) -> tuple[object, int]:
        v = valores[i]
        return ((0, 0) if v is None else (1, v) if isinstance(v, int) else (2, v)), i

    columna = espejo_columnas.Columna.de(sorted(valores, key=clave), marca=0)
    escritos: set[int] = set()
    tramo = rng.randrange(0, 2_900)
    for i in [*columna.ids[tramo : tramo + 80], *rng.sample(sorted(valores), 150)]:
        valores[i] = rng.choice([None, 4, 7, 8, 10, "a", "c"])
        escritos.add(i)
    for i in rng.sample(sorted(valores), 40):
        del valores[i]
        escritos.add(i)
    for i in range(3_001, 3_031):
        valores[i] = rng.choice([None, 7, "b"])
        escritos.add(i)
    leidas: list[int] = []

    def claves(ids: list[int]) -> dict[int, object]:
        leidas.extend(ids)
        return {i: clave(i)[0] for i in ids if i in valores}

    hallados = rng.sample(sorted(valores), 1_200)
    esperados = sorted(hallados, key=clave)
    seleccion = espejo.Seleccion([], hallados)
    con = espejo_columnas.Escritos(frozenset(escritos), claves)
    entero = columna.en_orden(seleccion, len(hallados), escritos=con)
    assert entero is not None and list(entero) == esperados
    for desde in (0, 1, 299, 600, 1_150, 1_199):
        pagina = columna.en_orden(seleccion, len(hallados), desde, desde + 50, con)
        assert pagina is not None and list(pagina) == esperados[desde : desde + 50]
    # The written ones' values and a probe each per step of its binary search, no more.
    buscados = len(escritos & set(hallados))
    assert len(leidas) <= (len(columna.ids).bit_length() + 1) * buscados * 2
    assert columna.en_orden(seleccion, len(hallados) + 1, escritos=con) is None  # not the count
