"""The find box's copy of a big store built by a process of its own (the worker,
services/aparte/, doing services/movimientos/trabajo_aparte.py's jobs): it counts as the
clerk expects, a write made while it was built or right after is seen by the next find, and
the process never outlives what asked for it (the store closed, the app killed) nor leaves a
file behind."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import icsoe_desktop.__main__ as entrada
from icsoe_desktop.services import trabajos_aparte
from icsoe_desktop.services.aparte import (
    archivo_entero,
    obra,
    registro,
    vigia,
)
from icsoe_desktop.services.movimientos import (
    columnas_guardadas,
    columnas_tramos,
    copia_aparte,
    espejo,
    espejo_guardado,
)
from icsoe_desktop.services.movimientos.fuentes import tramos
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import plain, sellado
from tests.services.test_movimientos_espejo import (
    _la_copia_cuenta_como_el_capturista,
    _store,
)
from tests.services.test_movimientos_espejo_columnas import _ordenados

TEXTOS = ["ma", "ju", "zapata", "ZAPATA ZUNIGA ROSA", "1", "45"]
CURP = next(i for i, c in enumerate(COLUMNS) if c.attr == "curp")


@pytest.fixture(autouse=True)
def _aparte_con_pocos(monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(copia_aparte, "APARTE", 1)
    # One column cut into parts after the copy, by a process apart as the 17 are.
    monkeypatch.setattr(tramos, "COLUMNAS", (CURP,))


def _vivo(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        codigo = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(codigo))
        finally:
            kernel32.CloseHandle(handle)
        return codigo.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _terminado(pid: int, segundos: float = 20.0) -> bool:
    limite = time.monotonic() + segundos
    while _vivo(pid):
        if time.monotonic() > limite:
            return False
        time.sleep(0.05)
    return True


def _sin_restos(store: Path) -> list[str]:
    """Files beside the store other than the store's own, its kept copy and orders."""
    propios = {
        store.name,
        f"{store.name}-wal",
        f"{store.name}-shm",
        espejo_guardado.ruta(store).name,
        *(columnas_guardadas.ruta(store, c).name for c in range(len(COLUMNS))),
        *(columnas_tramos.ruta(store, c).name for c in range(len(COLUMNS))),
    }
    return sorted(
        p.name
        for p in store.parent.iterdir()
        if p.name.startswith(store.name) and p.name not in propios
    )


def _pid(caplog, que: str = "la copia de las búsquedas") -> int:
    """The process that read ``que`` (as the log names it)."""
    for record in caplog.records:
        found = re.search(r"aparte \(proceso (\d+)\) (.*)", record.getMessage())
        if found and que in found.group(2):
            return int(found.group(1))
    raise AssertionError(f"no se leyó aparte {que}")


def test_the_app_hands_the_hidden_argument_to_the_worker():
    assert entrada.ORDEN_APARTE == obra.ORDEN


def test_a_copy_built_apart_counts_as_the_clerk_expects_and_sees_every_write(services, caplog):
    _store(services, 600)
    movimientos_svc = services.movimientos
    with caplog.at_level(logging.INFO, logger="icsoe_desktop.services.aparte"):
        movimientos_svc.count(Filtro())
        # Written by another program while the copy is built: seen once it is.
        with closing(plain.connect(services.store.path)) as conn, conn:
            conn.execute(
                "UPDATE movimientos SET primer_apellido = 'ZAPATA', segundo_apellido = 'ZUNIGA', "
                "nombre = 'ROSA' WHERE id IN (3, 4)"
            )
        movimientos_svc.buscador.copia.espejos.esperar()
    pid = _pid(caplog)
    assert _terminado(pid)
    # Built by that process, with the store's key it was handed: kept sealed beside the store.
    assert "no se hizo aparte" not in caplog.text
    assert espejo_guardado.ruta(services.store.path).read_bytes().startswith(sellado.MAGIA)
    assert movimientos_svc.buscador.copia.espejos.vigente() is not None
    _la_copia_cuenta_como_el_capturista(movimientos_svc, TEXTOS)

    # Right after an edit of this app, the next find shows it.
    antes = movimientos_svc.count(Filtro(buscar="zapata zuniga rosa"))
    with closing(plain.connect(services.store.path)) as conn, conn:
        conn.execute("UPDATE movimientos SET deleted = 1 WHERE id = 3")
    assert movimientos_svc.count(Filtro(buscar="zapata zuniga rosa")) == antes - 1
    _la_copia_cuenta_como_el_capturista(movimientos_svc, TEXTOS)
    # Then a column cut into parts by a process too, kept sealed as the copy.
    movimientos_svc.buscador.tramos.cortador.esperar()
    tramos = columnas_tramos.ruta(services.store.path, CURP).read_bytes()
    assert tramos.startswith(sellado.MAGIA)
    assert _sin_restos(services.store.path) == []
    assert obra.vivas() == []


def test_closing_the_store_stops_the_build_and_leaves_nothing_behind(services, caplog):
    _store(services, 600)
    movimientos_svc = services.movimientos
    with caplog.at_level(logging.INFO, logger="icsoe_desktop.services.aparte"):
        movimientos_svc.count(Filtro())
        limite = time.monotonic() + 20
        while not obra.vivas() and time.monotonic() < limite:
            time.sleep(0.01)
        # The clerk's question meanwhile: the process waits, then goes on or is stopped.
        movimientos_svc.count(Filtro(buscar="ma", registro_patronal="Y5412345106"))
    pid = _pid(caplog)
    store = services.store.path
    services.close()
    assert _terminado(pid)
    assert obra.vivas() == []
    assert _sin_restos(store) == []


_PADRE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from icsoe_desktop.services.aparte import archivo_entero
    from icsoe_desktop.services.movimientos import copia_aparte, espejo_guardado
    store = Path(sys.argv[1])
    temporal = archivo_entero.temporal(espejo_guardado.ruta(store))
    obra = copia_aparte.empezar(store, temporal, copia_aparte.COPIA)
    obra.pausar(True)  # held, as while the clerk's questions are answered
    print(obra.pid, flush=True)
    time.sleep(600)
    """
)


def test_the_build_ends_when_the_app_is_killed(services):
    _store(services, 600)
    store = services.store.path
    padre = subprocess.Popen(
        [sys.executable, "-c", _PADRE, str(store)],
        stdout=subprocess.PIPE,
        env=obra._entorno(),
    )
    assert padre.stdout is not None
    with padre.stdout:
        pid = int(padre.stdout.readline())
    assert _vivo(pid)
    padre.kill()  # as the system ends a killed app: no code of it runs
    padre.wait()
    assert _terminado(pid)
    assert _sin_restos(store) == []
    assert not espejo_guardado.ruta(store).exists()  # stopped while held: nothing written


def _prioridad(pid: int | None = None) -> int:
    """A process's priority (None: this one's): its nice value, or its Windows class."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
        # Typed: a handle is pointer-wide, which ctypes' default int would cut (the class then
        # read as 0, «failed», for any process).
        kernel32.OpenProcess.restype = wintypes.HANDLE
        kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        kernel32.GetPriorityClass.restype = wintypes.DWORD
        kernel32.GetPriorityClass.argtypes = (wintypes.HANDLE,)
        kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
        # PROCESS_QUERY_LIMITED_INFORMATION, for this process as for the others.
        handle = kernel32.OpenProcess(0x1000, False, os.getpid() if pid is None else pid)
        if not handle:
            raise OSError(pid)  # ended
        try:
            clase = int(kernel32.GetPriorityClass(handle))
        finally:
            kernel32.CloseHandle(handle)
        if not clase:
            raise OSError(pid)  # ended meanwhile
        return clase
    return os.getpriority(os.PRIO_PROCESS, 0 if pid is None else pid)


def _por_nss(services) -> tuple[object, int, Filtro, Orden]:
    """A store with its copy built, and «ma» sorted by NSS (its sort index built)."""
    _store(services, 1_500)
    movimientos_svc = services.movimientos
    movimientos_svc.count(Filtro())
    movimientos_svc.buscador.copia.espejos.esperar()
    nss = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
    filtro, orden = Filtro(buscar="ma"), Orden(nss, descending=False)
    movimientos_svc.prepare_sort(orden)
    return movimientos_svc, nss, filtro, orden


@contextlib.contextmanager
def _prioridades() -> Iterator[dict[int, int]]:
    """The priority of each process apart started meanwhile, seen while it runs."""
    vistas: dict[int, int] = {}
    parar = threading.Event()

    def mirar() -> None:
        while not parar.is_set():
            for pid in obra.vivas():
                if pid not in vistas:
                    with contextlib.suppress(OSError):  # it ended meanwhile
                        vistas[pid] = _prioridad(pid)
            time.sleep(0.002)

    mirador = threading.Thread(target=mirar, daemon=True)
    mirador.start()
    try:
        yield vistas
    finally:
        parar.set()
        mirador.join()


def test_a_columns_order_read_apart_puts_a_sorted_find_where_sql_sorts_it(services, caplog):
    with (
        caplog.at_level(logging.INFO, logger="icsoe_desktop.services.aparte"),
        _prioridades() as vistas,
    ):
        movimientos_svc, nss, filtro, orden = _por_nss(services)
        movimientos_svc.buscador.tramos.cortador.esperar()  # CURP's parts, ahead of a click
        total = movimientos_svc.count(filtro)
        movimientos_svc.pagina(filtro, orden, 0, 20, total)  # asks for the column's order
        movimientos_svc.buscador.columna.columnas.esperar()
    assert _terminado(_pid(caplog, f"el orden de la columna {nss}"))
    # Each at the app's own priority: below it, a busy machine never gave them the processor
    # (each first click on a column was SQLite's sort of the find, seconds).
    procesos = {
        que: _pid(caplog, que)
        for que in (
            "la copia de las búsquedas",
            f"los tramos de la columna {CURP}",
            f"el orden de la columna {nss}",
        )
    }
    assert {que: vistas.get(pid) for que, pid in procesos.items()} == dict.fromkeys(
        procesos, _prioridad()
    )
    assert columnas_tramos.ruta(services.store.path, CURP).is_file()
    assert columnas_guardadas.ruta(services.store.path, nss).is_file()
    assert movimientos_svc.buscador.columna.columnas.vigente(nss) is not None
    mitad = total // 2
    esperados = _ordenados(movimientos_svc, filtro, orden)
    pagina = movimientos_svc.pagina(filtro, orden, mitad, 20, total)
    assert [row[0] for row in pagina] == esperados[mitad : mitad + 20]

    # Right after a write of another program: the page has it where it now sorts.
    primero = esperados[mitad + 3]
    with closing(plain.connect(services.store.path)) as conn, conn:
        conn.execute("UPDATE movimientos SET nss = '00000000001' WHERE id = ?", (primero,))
    esperados = _ordenados(movimientos_svc, filtro, orden)
    assert esperados[0] == primero
    for desde in (0, mitad):
        pagina = movimientos_svc.pagina(filtro, orden, desde, 20, total)
        assert [row[0] for row in pagina] == esperados[desde : desde + 20]
    movimientos_svc.buscador.columna.columnas.esperar()
    movimientos_svc.buscador.tramos.cortador.esperar()
    assert _sin_restos(services.store.path) == []
    assert obra.vivas() == []


def test_an_order_read_apart_and_stopped_leaves_the_kept_one(services):
    movimientos_svc, nss, filtro, orden = _por_nss(services)
    movimientos_svc.pagina(filtro, orden, 0, 20)
    movimientos_svc.buscador.columna.columnas.esperar()
    kept = columnas_guardadas.ruta(services.store.path, nss)

    # A change: the order is read again apart, and stopped (the store let go of) meanwhile.
    with closing(plain.connect(services.store.path)) as conn, conn:
        conn.execute("UPDATE movimientos SET nss = '00000000001' WHERE id = 5")
    movimientos_svc.pagina(filtro, orden, 0, 20)
    movimientos_svc.buscador.columna.columnas.cerrar()
    movimientos_svc.buscador.tramos.cortador.cerrar()
    assert obra.vivas() == []
    assert columnas_guardadas.leer(kept, nss) is not None  # the kept one, or the new one whole
    assert _sin_restos(services.store.path) == []


def test_the_process_side_keeps_what_it_read_and_stops_when_its_input_ends(services):
    """The find box's jobs as the worker runs them, here: with its input open each keeps the
    copy and a column's order on disk (read back as the store has them), held a moment by a
    pause; with its input ended it stops and writes nothing; an empty store has no copy."""
    store = services.store.path
    nss = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
    vacia = _hacer(store, [copia_aparte.COPIA], _entrada(cerrada=False))
    assert vacia == copia_aparte.NO_CABE  # no movements: nothing to copy
    assert _hacer(store, [copia_aparte.ORDEN_DE, str(nss)], _entrada(False)) in (
        copia_aparte.NO_GUARDADA,
        copia_aparte.GUARDADA,
    )
    _store(services, 600)
    for trabajo in (
        [copia_aparte.COPIA],
        [copia_aparte.ORDEN_DE, str(nss)],
        [copia_aparte.TRAMOS_DE, str(CURP)],
    ):
        columnas_guardadas.olvidar(store)
        columnas_tramos.olvidar(store)
        espejo_guardado.olvidar(espejo_guardado.ruta(store))
        parada = _hacer(store, trabajo, _entrada(cerrada=True))
        assert parada == copia_aparte.PARADA
        assert _sin_restos(store) == []
        assert not espejo_guardado.ruta(store).exists()
        assert not columnas_guardadas.ruta(store, nss).exists()
        assert not columnas_tramos.ruta(store, CURP).exists()
        pausada = _entrada(cerrada=False, escrito=vigia.PAUSA + vigia.SIGUE)
        assert _hacer(store, trabajo, pausada) == copia_aparte.GUARDADA
        if trabajo[0] == copia_aparte.COPIA:
            copia = espejo_guardado.leer(espejo_guardado.ruta(store))
            assert copia is not None
            contados = copia.contar(_t("ma"), Filtro().busqueda())
            assert contados == services.movimientos.count(Filtro(buscar="ma"))
        elif trabajo[0] == copia_aparte.ORDEN_DE:
            orden = columnas_guardadas.leer(columnas_guardadas.ruta(store, nss), nss)
            assert orden is not None
            with services.store.engine.connect() as conn:
                sql = "SELECT id FROM movimientos WHERE deleted = 0 ORDER BY nss, id"
                assert list(orden.ids) == [i for (i,) in conn.exec_driver_sql(sql)]
    with services.store.engine.connect() as conn:
        por_curp = "SELECT id, curp FROM movimientos WHERE deleted = 0 ORDER BY curp, id"
        en_orden = list(conn.exec_driver_sql(por_curp))
    # CURP's order cut into parts alone (no order kept): each part begins where SQL's order
    # does, with its CURP, and holds the next ones up to the next part's first.
    assert not columnas_guardadas.ruta(store, CURP).exists()
    tramos = columnas_tramos.leer(columnas_tramos.ruta(store, CURP), CURP)
    assert tramos is not None and len(tramos.limites) == columnas_tramos.TRAMOS
    lugar = {i: k for k, (i, _curp) in enumerate(en_orden)}
    primeros = [lugar[i] for _clave, i in tramos.limites]
    assert primeros == sorted(primeros) and primeros[0] == 0
    for (clave, i), k in zip(tramos.limites, primeros, strict=True):
        assert clave[1] == en_orden[k][1] and i == en_orden[k][0]
    assert [tramos.partes[i] for i, _curp in en_orden] == sorted(
        tramos.partes[i] for i, _curp in en_orden
    )


def test_one_process_keeps_each_column_it_can_cut_and_leaves_none_of_the_others(services):
    """The parts of two columns asked of one process, as the worker runs it here: CURP's are
    kept; Guía holds values neither numbers nor texts, so its parts cannot be kept, and the
    parts an older cut left of it are removed (the app then knows not to ask again)."""
    from sqlalchemy import text

    store = services.store.path
    guia = next(i for i, c in enumerate(COLUMNS) if c.attr == "guia")
    _store(services, 600)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE movimientos SET guia = randomblob(4)"))
    vieja = columnas_tramos.ruta(store, guia)
    vieja.write_bytes(b"tramos de otro corte")
    abierta = _entrada(cerrada=False, escrito=vigia.SIGUE)
    trabajo = [copia_aparte.TRAMOS_DE, str(CURP), str(guia)]
    assert _hacer(store, trabajo, abierta) == copia_aparte.NO_GUARDADA
    assert columnas_tramos.leer(columnas_tramos.ruta(store, CURP), CURP) is not None
    assert not vieja.exists()
    assert _sin_restos(store) == []


def test_a_cut_of_several_columns_stops_between_two(services):
    """Told to stop once the first column is kept: the second is not begun (the worker
    answers PARADA for the stop)."""
    from icsoe_desktop.services.movimientos import trabajo_aparte
    from icsoe_desktop.store.lectura import Interrumpida

    store = services.store.path
    nss = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
    _store(services, 300)
    primera = columnas_tramos.ruta(store, CURP)
    with services.store.engine.connect() as conn, pytest.raises(Interrumpida):
        trabajo_aparte._guardar_tramos(store, [CURP, nss], conn, lambda: not primera.exists())
    assert columnas_tramos.leer(primera, CURP) is not None
    assert not columnas_tramos.ruta(store, nss).exists()


def test_the_process_takes_the_stores_key_first_from_its_input(services):
    """The key comes on the process's input before its pauses, never on its command line: with
    it the encrypted store opens and the copy is kept sealed."""
    from icsoe_desktop.store import cifrado

    store = services.store.path
    llave = cifrado.llave_instalacion()
    assert llave is not None and not cifrado.es_plano(store)
    assert llave.hex() not in " ".join(obra.comando(store, copia_aparte.COPIA))
    _store(services, 300)
    entrada = _entrada(cerrada=False, escrito=bytes([len(llave)]) + llave + vigia.SIGUE)
    assert (
        trabajos_aparte.proceso([str(store), copia_aparte.COPIA], entrada) == copia_aparte.GUARDADA
    )
    assert espejo_guardado.ruta(store).read_bytes().startswith(sellado.MAGIA)
    assert espejo_guardado.leer(espejo_guardado.ruta(store)) is not None


def _hacer(store: Path, trabajo: list[str], entrada: int) -> int:
    """The job registered as ``trabajo[0]``, handed the rest, as the worker runs it."""
    trabajos_aparte.cargar()
    encargo = registro.Encargo(store, tuple(trabajo[1:]), entrada, 1)
    return registro.trabajo(trabajo[0])(encargo)


_ABIERTAS: list[int] = []


def _entrada(cerrada: bool, escrito: bytes = b"") -> int:
    """A pipe's reading end as the process's input: what the app wrote, then ended or kept
    open (as long as the test runs)."""
    leer, escribir = os.pipe()
    os.write(escribir, escrito)
    if cerrada:
        os.close(escribir)
    else:
        _ABIERTAS.append(escribir)
    return leer


def _t(texto: str):
    from icsoe_desktop.domain.buscar import termino

    t = termino(texto)
    assert t is not None
    return t


def test_a_process_that_fails_is_told_and_none_outlives_the_app(
    tmp_path: Path, monkeypatch, caplog
):
    """A build of a file that is no store fails (its error output logged); a build held by a
    pause when the app ends is stopped, killed if it does not end in time."""
    (tmp_path / "otra").mkdir()
    roto = tmp_path / "otra" / "roto.sqlite3"
    roto.write_bytes(b"no es una base de datos" * 100)
    temporal = archivo_entero.temporal(espejo_guardado.ruta(roto))
    with caplog.at_level(logging.WARNING, logger="icsoe_desktop.services.aparte"):
        codigo = copia_aparte.empezar(roto, temporal, copia_aparte.COPIA).esperar(lambda: True)
    assert codigo not in (copia_aparte.GUARDADA, copia_aparte.PARADA)
    assert any("no se hizo aparte" in r.getMessage() for r in caplog.records)
    assert sorted(p.name for p in roto.parent.iterdir()) == ["roto.sqlite3"]

    monkeypatch.setattr(obra, "GRACIA", 0)  # no time to end: killed
    retenida = copia_aparte.empezar(roto, temporal, copia_aparte.COPIA)
    retenida.pausar(True)
    assert obra.vivas() == [retenida.pid]
    obra._parar_todas()  # as when the app's interpreter ends
    assert _terminado(retenida.pid)
    assert retenida.esperar(lambda: True) != copia_aparte.GUARDADA
    assert obra.vivas() == []


def test_a_process_apart_starts_once_the_clerks_questions_pause():
    """Its start cannot be paused: it waits until no question of the clerk is answered for a
    while (a click's first page is followed at once by the middle), and not at all once the
    work it was for is no longer wanted."""
    from icsoe_desktop.services.movimientos.hallados import Hallados

    kept = Hallados(lambda: 0)
    pregunta = kept.primer_plano("ma")
    pregunta.__enter__()
    vistas: list[bool] = []

    def seguir() -> bool:
        vistas.append(pregunta is not None)
        if len(vistas) == 3:
            pregunta.__exit__(None, None, None)  # the clerk's question answered
        return True

    assert kept.quieto(0.1, seguir)
    assert len(vistas) >= 3  # it waited while the question was being answered
    preguntado: list[int] = []

    def hasta_tres() -> bool:  # the work it was for no longer wanted after three looks
        preguntado.append(1)
        return len(preguntado) < 3

    with kept.primer_plano("ma"):
        assert not kept.quieto(0.1, hasta_tres)
    assert len(preguntado) == 3
