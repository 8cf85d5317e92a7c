"""The find box's sources (services/movimientos/fuentes/), each asked alone on a real store,
answer as the last one, SQL, does — a wide find and a narrow one, alone and under a panel
filter, counted, sorted and paged in the middle both ways — and every value a source keeps
is read again once the store's ``vigencia()`` moved: after a write no service announced (as
another program's), each source's next answer is SQL's or none."""

from __future__ import annotations

from array import array

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.services.movimientos import copia_aparte, espejo
from icsoe_desktop.services.movimientos.consulta import _COLUMNAS_EN_TRAMOS
from icsoe_desktop.services.movimientos.fuentes import tramos
from icsoe_desktop.services.movimientos.fuentes.comun import Conteo, Pagina, Todos
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden, resolve
from icsoe_desktop.store import movimientos_paging as paging
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _escribir, _ordenados

FECHA = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
NSS = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
NOMBRE = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
CURP = next(c for c in _COLUMNAS_EN_TRAMOS if COLUMNS[c].attr == "curp")
# A wide find and a narrow one, alone and under a panel filter.
FILTROS = tuple(
    Filtro(buscar=buscar, **panel)  # type: ignore[arg-type]  # Filtro's
    for buscar in ("ma", "gar")
    for panel in ({}, {"tipo": "02"})
)
# Sorted by a term of the copy (fecha), by NSS, by a name, by a column cut into parts.
COLUMNAS = (FECHA, NSS, NOMBRE, CURP)
# What the sources keep: each read again once the store's vigencia() moved, but the two
# kept while the file stays (an index is never dropped; a column that could not be cut is
# not tried again while the empresa is open), forgotten when another file takes its place.
GUARDADOS = {
    "los términos de una búsqueda",
    "los ids de una búsqueda en un orden",
    "los conteos de una búsqueda",
    "la copia de las búsquedas",
    "la copia guardada en disco",
    "el orden de una columna en memoria",
    "el orden de una columna guardado en disco",
    "las partes del orden de una columna",
    "las marcas de una búsqueda",
}
DEL_ARCHIVO = {"los índices de orden que existen", "las columnas que no se pudieron cortar"}


@pytest.fixture
def movimientos_svc(services, monkeypatch):
    """800 movements, the copy read, CURP cut into parts by the process apart, each
    column's sort index built and its order read; a page past the 50th row is a far one."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(copia_aparte, "APARTE", 1)
    monkeypatch.setattr(paging, "GATHER_MAX", 50)
    monkeypatch.setattr(tramos, "COLUMNAS", (CURP,))
    _store(services, 800)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    movimientos_svc.buscador.tramos.cortador.esperar()
    for column in COLUMNAS:
        movimientos_svc.prepare_sort(Orden(column))
        movimientos_svc.pagina(Filtro(buscar="ma"), Orden(column), 0, 10)
    movimientos_svc.buscador.columna.columnas.esperar()
    return movimientos_svc


def _preguntas(movimientos_svc):
    """Each find resolved, its count, and each order's middle page both ways."""
    for filtro in FILTROS:
        resuelto = resolve(filtro, movimientos_svc.today())
        assert resuelto is not None
        found = termino(resuelto.buscar)
        assert found is not None
        total = movimientos_svc.buscador.sql.contar(Conteo(resuelto, found), 0)
        yield Conteo(resuelto, found), None, None
        for column in COLUMNAS:
            up = Orden(column, descending=False)
            columna = movimientos_svc.buscador.columna.pedida(resuelto, up)
            yield None, None, Todos(resuelto, up, total, columna=columna)
            for descending in (False, True):
                orden = Orden(column, descending)
                yield None, Pagina(resuelto, orden, None, 20, total // 2, total, columna), None
                # Right after the click: the column's order not read yet.
                yield None, Pagina(resuelto, orden, None, 20, total // 2, total), None
            if column == COLUMNAS[0]:
                # The page after a row the window holds (its scroll bar's keys), and after
                # one no longer in the find (deleted since): SQL goes on from its value.
                vigencia = movimientos_svc._store.vigencia()
                medio = Pagina(resuelto, up, None, 20, total // 2, total)
                fila = movimientos_svc.buscador.sql.pagina(medio, vigencia)[0]
                yield None, Pagina(resuelto, up, fila, 20, 0, total, columna), None
                ajena = (-1, *fila[1:])
                yield None, Pagina(resuelto, up, ajena, 20, 0, total, columna), None


def _como_sql(movimientos_svc) -> dict[str, int]:
    """Each source's answer to each question, against SQL's; how many each answered."""
    buscador = movimientos_svc.buscador
    sql = buscador.sql
    vigencia = movimientos_svc._store.vigencia()
    respondidas: dict[str, int] = {}
    for conteo, pagina, todos in _preguntas(movimientos_svc):
        fuentes: tuple[object, ...]
        if conteo is not None:
            esperado: object = sql.contar(conteo, vigencia)
            fuentes = (buscador.guardados.contar, buscador.copia.contar)
            pregunta: object = conteo
        elif pagina is not None:
            esperado = sql.pagina(pagina, vigencia)
            ordenados = _ordenados(movimientos_svc, pagina.filtro, pagina.orden)
            desde = pagina.offset
            if pagina.after is not None and pagina.after[0] in ordenados:
                desde = ordenados.index(pagina.after[0]) + 1
            if pagina.after is None or pagina.after[0] in ordenados:
                assert [r[0] for r in esperado] == ordenados[desde : desde + pagina.limit]
            fuentes = (
                buscador.guardados.pagina,
                buscador.terminos.pagina,
                buscador.tramos.pagina,
                buscador.marcas.pagina,
                buscador.columna.pagina,
                buscador.copia.pagina,
            )
            pregunta = pagina
        else:
            assert todos is not None
            esperado = list(sql.todos(todos, vigencia))
            fuentes = (
                buscador.columna.todos,
                buscador.terminos.todos,
                buscador.marcas.todos,
                buscador.copia.todos,
            )
            pregunta = todos
        for fuente in fuentes:
            respuesta = fuente(pregunta, vigencia)  # type: ignore[operator]
            if isinstance(respuesta, array):
                respuesta = list(respuesta)
            if respuesta is not None:
                nombre = fuente.__qualname__  # type: ignore[attr-defined]
                assert respuesta == esperado, (nombre, pregunta)
                respondidas[nombre] = respondidas.get(nombre, 0) + 1
        if todos is not None:  # kept now: the kept ids' source answers its pages next
            buscador.todos(todos)
    buscador.hallados.esperar_fondo()  # the finds' panel terms, read meanwhile
    return respondidas


def test_each_source_alone_answers_as_sql_and_follows_the_stores_vigencia(
    services, movimientos_svc
) -> None:
    buscador = movimientos_svc.buscador
    guardan = [g for fuente in buscador.fuentes for g in fuente.guarda]
    assert len(guardan) == len(set(guardan))
    assert set(guardan) == GUARDADOS | DEL_ARCHIVO  # a new one is named here, and held
    primera = _como_sql(movimientos_svc)
    segunda = _como_sql(movimientos_svc)  # what the first kept answers now
    respondidas = {n: primera.get(n, 0) + segunda.get(n, 0) for n in {*primera, *segunda}}
    assert set(respondidas) == {
        "Guardados.contar",
        "Guardados.pagina",
        "Copia.contar",
        "Copia.pagina",
        "Copia.todos",
        "Columna.pagina",
        "Columna.todos",
        "Terminos.pagina",
        "Terminos.todos",
        "Tramos.pagina",
        "Marcas.pagina",
        "Marcas.todos",
    }, respondidas
    # Every one of them kept now.
    assert buscador.hallados.resumen_guardado(termino("ma")) is not None
    copia = buscador.copia.espejos.vigente()
    assert copia is not None and buscador.columna.columnas.vigente(CURP) is not None
    # Written past everything kept, announcing nothing: a CURP moved, a name changed, one
    # deleted, new ones that match (test_movimientos_espejo_columnas.py ``_escribir``).
    hallados = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden(CURP, False))
    with services.store.engine.connect() as conn:
        otros = [i for (i,) in conn.execute(text("SELECT id FROM movimientos"))]
    antes = services.store.vigencia()
    _escribir(services, "curp", hallados, otros)
    assert services.store.vigencia() != antes
    despues = _como_sql(movimientos_svc)  # each source's next answer SQL's, or none
    assert despues.get("Copia.contar") and despues.get("Tramos.pagina"), despues
    assert buscador.copia.espejos.vigente() is copia  # brought up to date, not read again
    # And the window's own questions after it, through the door.
    for filtro in FILTROS:
        total = movimientos_svc.count(filtro)
        orden = Orden(CURP, True)
        esperados = _ordenados(movimientos_svc, filtro, orden)
        assert total == len(esperados)
        pagina = movimientos_svc.pagina(filtro, orden, total // 2, 20, total)
        assert [r[0] for r in pagina] == esperados[total // 2 : total // 2 + 20]
