"""The side of copia_aparte.py that runs in the process of its own: the app's executable hands
it its hidden argument (``__main__``); it builds the find box's copy, or reads a column's order
(and its parts, or the parts alone), and keeps it on disk for the app to read back; or does a SISUB window's action
(services/sisub/aparte.py)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from sqlalchemy import Connection

from icsoe_desktop.services.movimientos.copia_aparte import (
    GRACIA,
    GUARDADA,
    NO_CABE,
    NO_GUARDADA,
    ORDEN_DE,
    PARADA,
    PAUSA,
    SISUB,
    TRAMOS_DE,
)


def proceso(argv: list[str], entrada: int = 0, salida: int = 1) -> int:
    """The process's start: the store's key read first from its standard input (copia_aparte's
    ``_dar_llave``), every connection of this process keyed with it; then ``main`` (or the
    SISUB's job, its result on ``salida``, its standard output)."""
    from icsoe_desktop.store import cifrado

    llave = _leer_llave(entrada)
    cifrado.usar_llave(lambda: llave)
    if argv[1:2] == [SISUB]:  # the SISUB window's actions (services/sisub/aparte.py)
        from icsoe_desktop.services.sisub import aparte

        return aparte.proceso(argv, entrada, salida)
    return main(argv, entrada)


def _leer_llave(entrada: int) -> bytes | None:
    """The key ``_dar_llave`` wrote: a byte with its length, then the key (None: a plain store)."""
    largo = os.read(entrada, 1)
    llave = b""
    while largo and len(llave) < largo[0]:
        leido = os.read(entrada, largo[0] - len(llave))
        if not leido:
            break
        llave += leido
    return llave or None


def main(argv: list[str], entrada: int = 0) -> int:
    """The process's side: ``argv`` is the store's path, then ORDEN_DE and a column for that
    column's order; builds the copy (or reads the order) and keeps it on disk. ``entrada``:
    the file descriptor the app's pauses and end come by (its standard input)."""
    from icsoe_desktop.services.movimientos import (
        columnas_guardadas,
        columnas_tramos,
        espejo_guardado,
    )
    from icsoe_desktop.store.db import close_engine, make_engine
    from icsoe_desktop.store.lectura import Interrumpida

    store = Path(argv[0])
    columna = int(argv[2]) if argv[1:2] in ([ORDEN_DE], [TRAMOS_DE]) else None
    solo_tramos = argv[1:2] == [TRAMOS_DE]
    if columna is None:
        ruta = espejo_guardado.ruta(store)
    elif solo_tramos:
        ruta = columnas_tramos.ruta(store, columna)
    else:
        ruta = columnas_guardadas.ruta(store, columna)
    parar, sigue, hecho = threading.Event(), threading.Event(), threading.Event()
    sigue.set()
    vigilar = threading.Thread(
        target=_vigilar,
        args=(parar, sigue, hecho, ruta.with_name(ruta.name + ".nuevo"), entrada),
        name="vigilar",
        daemon=True,
    )
    vigilar.start()
    engine = make_engine(store)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA query_only=ON")

            def seguir() -> bool:
                return sigue.wait() and not parar.is_set()

            if columna is None:
                return _copia(conn, ruta, seguir)
            return _orden(conn, store, columna, seguir, solo_tramos)
    except Interrumpida:
        return PARADA
    finally:
        close_engine(engine)
        hecho.set()


def _copia(conn: Connection, ruta: Path, seguir: Callable[[], bool]) -> int:
    from icsoe_desktop.services.movimientos import espejo, espejo_guardado

    copia = espejo.construir(conn, seguir)
    if copia is None:
        return NO_CABE
    if not seguir():
        return PARADA
    return GUARDADA if espejo_guardado.guardar(ruta, copia) else NO_GUARDADA


def _orden(
    conn: Connection, store: Path, columna: int, seguir: Callable[[], bool], solo_tramos: bool
) -> int:
    """``columna``'s order read and kept with its parts (columnas_tramos.py), or its parts
    alone."""
    from icsoe_desktop.services.movimientos import (
        columnas_guardadas,
        columnas_tramos,
        espejo_columnas,
    )
    from icsoe_desktop.services.movimientos.servicio import cortar_columna, orden_de_columna
    from icsoe_desktop.store import movimientos_espejo

    with movimientos_espejo.fija(conn):
        marca = movimientos_espejo.marca(conn)
        if marca is None or marca[1] is None:
            return NO_GUARDADA  # nothing to name it by
        ids = orden_de_columna(conn, columna, movimientos_espejo.vivos(conn), seguir)
        tramos = cortar_columna(conn, columna, (marca[0], marca[1]), ids)
    if not seguir():
        return PARADA
    guardados = tramos is not None and columnas_tramos.guardar(
        columnas_tramos.ruta(store, columna), tramos
    )
    if solo_tramos:
        return GUARDADA if guardados else NO_GUARDADA
    leida = espejo_columnas.Columna.de(ids)
    if not seguir():
        return PARADA
    # Without the places of the copy's entries: the app adds them, and keeps them.
    guardada = columnas_guardadas.Guardada(
        columna, marca[0], marca[1], leida.ids, leida.lugar, None, {}
    )
    ruta = columnas_guardadas.ruta(store, columna)
    return GUARDADA if columnas_guardadas.guardar(ruta, guardada) else NO_GUARDADA


def _vigilar(
    parar: threading.Event,
    sigue: threading.Event,
    hecho: threading.Event,
    temporal: Path,
    entrada: int,
) -> None:
    """The standard input read: PAUSA and SIGUE (``sigue`` cleared and set); its end (closed
    by the app, or by the system when the app dies): the build stops; if it does not within
    GRACIA (a statement that does not ask), the process ends, its file half written removed."""
    with suppress(OSError):  # no input to watch: the app stops it by killing it
        while leido := os.read(entrada, 64):
            if leido[-1:] == PAUSA:
                sigue.clear()
            else:
                sigue.set()
        parar.set()
        sigue.set()
        if not hecho.wait(GRACIA):
            with suppress(OSError):
                temporal.unlink(missing_ok=True)
            os._exit(PARADA)
