"""The columns' orders kept on disk (services/movimientos/columnas_guardadas.py): the middle of
a sorted find right after the click on a column read before comes from the order read back,
at once, and is the page SQL sorts, also after movements were written since it was kept (by
another program, the app closed); an order of another history, damaged or of another form is
never used, and a restore forgets them all."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos import columnas_guardadas, espejo
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import plain
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import (
    _columna_leida,
    _contados,
    _ordenados,
)

NSS = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
FECHA = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")


@pytest.fixture(autouse=True)
def _copia_con_pocos(monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)


def _escribir(store: Path, sql: str) -> None:
    """A write of another program on the store (its triggers record it)."""
    with closing(plain.connect(store)) as conn, conn:
        conn.execute(sql)


def _mitad_tras_el_clic(movimientos_svc, column: int, buscar: str = "ma") -> None:
    """The middle of the find sorted by ``column``, asked right after its first page, is the
    page SQL sorts."""
    filtro, orden = Filtro(buscar=buscar), Orden(column, descending=False)
    total = movimientos_svc.count(filtro)
    movimientos_svc.pagina(filtro, orden, 0, 20, total)
    mitad = total // 2
    pagina = movimientos_svc.pagina(filtro, orden, mitad, 20, total)
    esperados = _ordenados(movimientos_svc, filtro, orden)
    assert [row[0] for row in pagina] == esperados[mitad : mitad + 20]


def _reabierta(services, data_dir: Path, clock):
    services.close()
    otra = open_services(data_dir, clock)
    _construida(otra.movimientos)
    otra.movimientos.prepare_sort(Orden(NSS))
    return otra


def _sin_usar_al_reabrir(services, data_dir: Path, clock) -> None:
    """The empresa opened again: the kept order is not used, and the middle right after the
    click is still the page SQL sorts."""
    otra = _reabierta(services, data_dir, clock)
    try:
        assert otra.movimientos.buscador.columna.columnas._de_disco(NSS) is None
        _mitad_tras_el_clic(otra.movimientos, NSS)
    finally:
        otra.close()


def test_an_order_read_is_kept_and_read_back_right_after_the_click(
    services, data_dir: Path, clock, monkeypatch
):
    _store(services, 1_500)
    _construida(services.movimientos)
    _columna_leida(services.movimientos, NSS)
    store = services.store.path
    assert columnas_guardadas.ruta(store, NSS).is_file()

    otra = _reabierta(services, data_dir, clock)
    try:
        usados = _contados(monkeypatch)
        columnas = otra.movimientos.buscador.columna.columnas
        leer, leidas = columnas._leer, []
        columnas._leer = lambda c, seguir: leidas.append(c) or leer(c, seguir)
        _mitad_tras_el_clic(otra.movimientos, NSS)
        assert usados == [20]  # put in order from the order read back
        leida = columnas.vigente(NSS)  # with the places of the copy kept on disk's entries
        assert leida is not None and leida.lugares
        columnas.esperar()
        assert leidas == []  # current: not read from the store again
        completa = columnas.vigente(NSS)  # with its places of the copy's entries
        assert completa is not None and completa.lugares
        _mitad_tras_el_clic(otra.movimientos, NSS)
        assert usados == [20, 20]
    finally:
        otra.close()

    # Written while the app was closed: a movement of «ma» renumbered to sort first, one
    # deleted, one removed. Right after the click they are where SQL sorts them.
    _escribir(store, "UPDATE movimientos SET nss = '00000000001' WHERE id = 7")
    _escribir(store, "UPDATE movimientos SET deleted = 1 WHERE id = 8")
    _escribir(store, "DELETE FROM movimientos WHERE id = 9")
    otra = _reabierta(services, data_dir, clock)
    try:
        usados = _contados(monkeypatch)
        _mitad_tras_el_clic(otra.movimientos, NSS)
        assert usados == [20]
        otra.movimientos.buscador.columna.columnas.esperar()  # read again meanwhile, and kept
        marca = columnas_guardadas.leer(columnas_guardadas.ruta(store, NSS), NSS)
        assert marca is not None
        leida = otra.movimientos.buscador.columna.columnas.vigente(NSS)
        assert leida is not None and marca.ids == leida.ids
        _mitad_tras_el_clic(otra.movimientos, NSS)
    finally:
        otra.close()


@pytest.mark.parametrize("como", ["truncado", "un byte cambiado", "vacío", "de otra columna"])
def test_a_kept_order_not_as_written_is_never_used(services, data_dir: Path, clock, como):
    _store(services, 1_500)
    _construida(services.movimientos)
    _columna_leida(services.movimientos, NSS)
    _columna_leida(services.movimientos, FECHA)
    store = services.store.path
    path = columnas_guardadas.ruta(store, NSS)
    datos = path.read_bytes()
    if como == "truncado":
        path.write_bytes(datos[: len(datos) // 2])
    elif como == "un byte cambiado":
        medio = len(datos) // 2
        path.write_bytes(datos[:medio] + bytes([datos[medio] ^ 1]) + datos[medio + 1 :])
    elif como == "vacío":
        path.write_bytes(b"")
    else:
        shutil.copyfile(columnas_guardadas.ruta(store, FECHA), path)
    _sin_usar_al_reabrir(services, data_dir, clock)


def test_a_restore_forgets_the_kept_orders_and_one_of_another_history_is_refused(
    services, data_dir: Path, tmp_path: Path, clock
):
    _store(services, 1_500)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    _escribir(services.store.path, "UPDATE movimientos SET nss = '00000000001' WHERE id = 7")
    _construida(services.movimientos)
    _columna_leida(services.movimientos, NSS)
    store = services.store.path
    path = columnas_guardadas.ruta(store, NSS)
    aparte = tmp_path / "orden-aparte"
    shutil.copyfile(path, aparte)

    services.backup.restore(respaldo, actor=CLI_ACTOR)
    assert not path.exists()
    # The restored store written to as many times, by another movement.
    _escribir(store, "UPDATE movimientos SET nss = '00000000002' WHERE id = 11")
    services.close()
    shutil.copyfile(aparte, path)

    _sin_usar_al_reabrir(services, data_dir, clock)


def test_only_the_latest_used_orders_are_kept(services, monkeypatch):
    monkeypatch.setattr(columnas_guardadas, "GUARDADAS", 2)
    _store(services, 1_500)
    _construida(services.movimientos)
    store = services.store.path
    curp = next(i for i, c in enumerate(COLUMNS) if c.attr == "curp")
    for column in (NSS, FECHA, curp):
        _columna_leida(services.movimientos, column)
    kept = sorted(p.name for p in store.parent.glob(f"{store.name}.orden-*"))
    assert kept == sorted(columnas_guardadas.ruta(store, c).name for c in (FECHA, curp))


def _reescrito(path: Path, cambiar) -> None:
    """The kept file with its header changed by ``cambiar`` and a digest made anew, as another
    version or machine could have written it."""
    import hashlib
    import json

    datos = path.read_bytes()
    inicio = len(columnas_guardadas.MAGIA)
    largo = int.from_bytes(datos[inicio : inicio + 4], "little")
    cabecera = json.loads(datos[inicio + 4 : inicio + 4 + largo])
    texto = json.dumps(cambiar(cabecera)).encode()
    if len(texto) > 2**16:  # said longer than any header
        cuerpo = columnas_guardadas.MAGIA + (2**20).to_bytes(4, "little") + texto
    else:
        cuerpo = columnas_guardadas.MAGIA + len(texto).to_bytes(4, "little") + texto
    cuerpo += datos[inicio + 4 + largo : -32]
    path.write_bytes(cuerpo + hashlib.blake2b(cuerpo, digest_size=32).digest())


@pytest.mark.parametrize(
    "cambiar",
    [
        lambda c: {**c, "orden_bytes": "big" if c["orden_bytes"] == "little" else "little"},
        lambda c: {**c, "ids": c["ids"] + 1},
        lambda c: {**c, "ids": -1, "lugar": c["lugar"] + c["ids"] + 1},
        lambda c: {**c, "relleno": "x" * 2**17},
        lambda c: {**c, "lugares": {"nombre": 10**9}},
    ],
    ids=["otra máquina", "más ids", "tamaño negativo", "cabecera enorme", "lugares enormes"],
)
def test_a_kept_order_of_another_form_is_not_read(services, cambiar):
    _store(services, 1_500)
    _construida(services.movimientos)
    _columna_leida(services.movimientos, NSS)
    path = columnas_guardadas.ruta(services.store.path, NSS)
    assert columnas_guardadas.leer(path, NSS) is not None
    _reescrito(path, cambiar)
    assert columnas_guardadas.leer(path, NSS) is None
    services.movimientos.buscador.columna.columnas.cerrar()
    _mitad_tras_el_clic(services.movimientos, NSS)  # read from the store instead


def test_an_order_that_cannot_be_kept_is_still_used(services, tmp_path: Path):
    _store(services, 1_500)
    _construida(services.movimientos)
    leida = _columna_leida(services.movimientos, NSS)
    guardada = columnas_guardadas.Guardada(NSS, 1, 2, leida.ids, leida.lugar, None, {})
    assert not columnas_guardadas.guardar(tmp_path / "no existe" / "orden", guardada)
    assert not (tmp_path / "no existe").exists()
    _mitad_tras_el_clic(services.movimientos, NSS)


def test_an_order_kept_without_its_places_gets_them_and_is_kept_with_them(
    services, data_dir: Path, clock, monkeypatch
):
    """An order kept by the process apart has no places of the copy's entries: read back, it
    serves the click at once, gets its places in the background and is kept with them."""
    _store(services, 1_500)
    _construida(services.movimientos)
    _columna_leida(services.movimientos, NSS)
    store = services.store.path
    ruta = columnas_guardadas.ruta(store, NSS)
    completa = columnas_guardadas.leer(ruta, NSS)
    assert completa is not None and completa.lugares
    assert columnas_guardadas.guardar(ruta, completa._replace(origen=None, lugares={}))

    otra = _reabierta(services, data_dir, clock)
    try:
        usados = _contados(monkeypatch)
        columnas = otra.movimientos.buscador.columna.columnas
        _mitad_tras_el_clic(otra.movimientos, NSS)
        assert usados == [20]  # put in order from the order read back
        columnas.esperar()
        leida = columnas.vigente(NSS)
        assert leida is not None and leida.lugares  # its places added
        guardada = columnas_guardadas.leer(ruta, NSS)
        assert guardada is not None and guardada.lugares  # and kept with them
        assert guardada.ids == completa.ids
        _mitad_tras_el_clic(otra.movimientos, NSS)
        assert usados == [20, 20]
    finally:
        otra.close()
