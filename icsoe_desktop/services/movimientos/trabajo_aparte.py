"""The find box's jobs, done by the worker (services/aparte/) in a process of its own: the
copy of the finds, a column's order (with its parts) or the parts alone of one or more
columns, each kept on disk beside the store for the app to read back (copia_aparte.py asks
for them). Registered as this module loads (services/trabajos_aparte.py loads it in the
worker)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.services.aparte import archivo_entero, registro
from icsoe_desktop.services.aparte.registro import Encargo
from icsoe_desktop.services.aparte.vigia import Vigia
from icsoe_desktop.services.movimientos.copia_aparte import (
    COPIA,
    GUARDADA,
    NO_CABE,
    NO_GUARDADA,
    ORDEN_DE,
    PARADA,
    TRAMOS_DE,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

Seguir = Callable[[], bool]


def _copia(encargo: Encargo) -> int:
    from icsoe_desktop.services.movimientos import espejo_guardado

    ruta = espejo_guardado.ruta(encargo.store)
    return _leer(encargo, [ruta], partial(_guardar_copia, ruta))


def _orden(encargo: Encargo) -> int:
    """A column's order read and kept with its parts."""
    from icsoe_desktop.services.movimientos import columnas_guardadas

    columna = int(encargo.argumentos[0])
    ruta = columnas_guardadas.ruta(encargo.store, columna)
    return _leer(encargo, [ruta], partial(_guardar_orden, encargo.store, columna, False))


def _tramos(encargo: Encargo) -> int:
    """The parts of each column named (one or more), each kept as soon as it is cut: one
    process for them all, so its start (its interpreter and the store's modules, ~0.4 s of
    CPU) is paid once, not once per column."""
    from icsoe_desktop.services.movimientos import columnas_tramos

    columnas = [int(argumento) for argumento in encargo.argumentos]
    rutas = [columnas_tramos.ruta(encargo.store, columna) for columna in columnas]
    return _leer(encargo, rutas, partial(_guardar_tramos, encargo.store, columnas))


def _leer(encargo: Encargo, rutas: list[Path], guardar: Callable[[Connection, Seguir], int]) -> int:
    """``guardar`` reads the store without writing and keeps what it read at ``rutas``; it
    waits while the app holds it and ends once the app stops it, leaving no file half
    written. The store's modules are loaded once the app lets it go on: ~0.3 s of CPU that a pause
    could not hold (a job started by a click, while the clerk's next page is answered)."""

    def quitar() -> None:
        for ruta in rutas:
            archivo_entero.temporal(ruta).unlink(missing_ok=True)

    with Vigia(encargo.entrada, al_rendirse=quitar) as vigia:
        time.sleep(0)  # the watch reads a pause the app wrote at the start before this asks
        if not vigia.seguir():
            return PARADA
        from icsoe_desktop.store.db import close_engine, make_engine
        from icsoe_desktop.store.lectura import Interrumpida

        engine = make_engine(encargo.store)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA query_only=ON")
                return guardar(conn, vigia.seguir)
        except Interrumpida:
            return PARADA
        finally:
            close_engine(engine)


def _guardar_copia(ruta: Path, conn: Connection, seguir: Seguir) -> int:
    from icsoe_desktop.services.movimientos import espejo, espejo_guardado

    copia = espejo.construir(conn, seguir)
    if copia is None:
        return NO_CABE
    _hasta_aqui(seguir)
    return GUARDADA if espejo_guardado.guardar(ruta, copia) else NO_GUARDADA


def _guardar_orden(
    store: Path, columna: int, solo_tramos: bool, conn: Connection, seguir: Seguir
) -> int:
    """``columna``'s order read and kept with its parts (columnas_tramos.py), or its parts
    alone."""
    from icsoe_desktop.services.movimientos import (
        columnas_guardadas,
        columnas_tramos,
        espejo_columnas,
    )
    from icsoe_desktop.services.movimientos.consulta import cortar_columna, orden_de_columna
    from icsoe_desktop.store import movimientos_espejo

    with movimientos_espejo.fija(conn):
        marca = movimientos_espejo.marca(conn)
        if marca is None or marca[1] is None:
            return NO_GUARDADA  # nothing to name it by
        ids = orden_de_columna(conn, columna, movimientos_espejo.vivos(conn), seguir)
        # ``seguir`` between parts of each step: a pause while the clerk's questions are
        # answered is kept within a millisecond of CPU, not after the step (~0.1 s each).
        tramos = cortar_columna(conn, columna, (marca[0], marca[1]), ids, seguir)
    _hasta_aqui(seguir)
    ruta_tramos = columnas_tramos.ruta(store, columna)
    guardados = tramos is not None and columnas_tramos.guardar(ruta_tramos, tramos)
    if not guardados:
        # Parts of an older cut are of another history, or too much was written since (why
        # it was cut again): none is left, so the app knows this column was not kept.
        ruta_tramos.unlink(missing_ok=True)
    if solo_tramos:
        return GUARDADA if guardados else NO_GUARDADA
    leida = espejo_columnas.Columna.de(ids, seguir=seguir)
    _hasta_aqui(seguir)
    # Without the places of the copy's entries: the app adds them, and keeps them.
    guardada = columnas_guardadas.Guardada(
        columna, marca[0], marca[1], leida.ids, leida.lugar, None, {}
    )
    ruta = columnas_guardadas.ruta(store, columna)
    return GUARDADA if columnas_guardadas.guardar(ruta, guardada) else NO_GUARDADA


def _guardar_tramos(store: Path, columnas: list[int], conn: Connection, seguir: Seguir) -> int:
    """Each of ``columnas`` cut into parts and kept, one after another (GUARDADA: every one;
    NO_GUARDADA: some could not be, and has no parts file); stopped between two at once."""
    codigo = GUARDADA
    for columna in columnas:
        _hasta_aqui(seguir)
        if _guardar_orden(store, columna, True, conn, seguir) != GUARDADA:
            codigo = NO_GUARDADA
    return codigo


def _hasta_aqui(seguir: Seguir) -> None:
    """``Interrumpida`` once the app stopped the job (``_leer`` answers PARADA for it), as
    the store's reads do when ``seguir`` says no."""
    if not seguir():
        from icsoe_desktop.store.lectura import Interrumpida

        raise Interrumpida


registro.registrar(COPIA, _copia)
registro.registrar(ORDEN_DE, _orden)
registro.registrar(TRAMOS_DE, _tramos)
