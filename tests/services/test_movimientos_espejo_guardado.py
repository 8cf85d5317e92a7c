"""The find box's copy kept on disk beside its store (services/movimientos/espejo_guardado.py):
the next opening of the empresa reads it back instead of every movement, brought up to date
with what was written meanwhile, and counts as the clerk expects; a file that is not this
store's copy as it was written (truncated, altered, garbage, another store's, the store
restored from a backup) is never used: the copy is read from the store, nothing fails."""

from __future__ import annotations

import logging
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos import espejo, espejo_guardado
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import movimientos_buscar, plain, sellado
from tests.services.test_movimientos_espejo import (
    _la_copia_cuenta_como_el_capturista,
    _store,
)

LEIDA = "Copia de las búsquedas leída de"
TEXTOS = ["ma", "ju", "zapata", "ZAPATA ZUNIGA ROSA", "JUAN PEREZ JUAN", "1", "45"]


@pytest.fixture(autouse=True)
def _copia_con_pocos(monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)


def _abrir(data_dir: Path, clock, caplog) -> tuple[object, bool]:
    """The empresa opened and its window's first count made: (services, whether the copy was
    read back from disk)."""
    caplog.clear()
    services = open_services(data_dir, clock)
    with caplog.at_level(logging.INFO, logger="icsoe_desktop.services.movimientos.fuentes.copia"):
        services.movimientos.count(Filtro())
        services.movimientos.buscador.copia.espejos.esperar()
    assert services.movimientos.buscador.copia.espejos.vigente() is not None
    return services, any(LEIDA in r.getMessage() for r in caplog.records)


def _cuenta_al_abrir(data_dir: Path, clock, caplog, leida: bool) -> None:
    """The empresa opened again: its copy read back from disk (``leida``) or not, and counting
    as the clerk expects."""
    otra, fue_leida = _abrir(data_dir, clock, caplog)
    try:
        assert fue_leida is leida
        _la_copia_cuenta_como_el_capturista(otra.movimientos, TEXTOS)
    finally:
        otra.close()


def _escribir(services, sql: str) -> None:
    """A write of another program on the store (the store's triggers record it)."""
    with closing(plain.connect(services.store.path)) as conn, conn:
        conn.execute(sql)


def test_the_copy_kept_on_disk_is_read_at_the_next_opening_and_brought_up_to_date(
    services, data_dir: Path, clock, caplog
):
    _store(services, 600)
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    guardada = espejo_guardado.ruta(services.store.path)
    assert guardada.is_file()
    services.close()

    _cuenta_al_abrir(data_dir, clock, caplog, leida=True)

    # Written while the app was closed: a rename, a removal, a deletion.
    _escribir(
        services,
        "UPDATE movimientos SET primer_apellido = 'ZAPATA', segundo_apellido = 'ZUNIGA', "
        "nombre = 'ROSA' WHERE id IN (3, 4)",
    )
    _escribir(services, "DELETE FROM movimientos WHERE id = 9")
    _escribir(services, "UPDATE movimientos SET deleted = 1 WHERE id = 10")
    _cuenta_al_abrir(data_dir, clock, caplog, leida=True)


@pytest.mark.parametrize("ventana_primero", [True, False])
def test_the_first_find_after_opening_is_counted_from_the_copy_kept_on_disk(
    services, data_dir: Path, clock, caplog, ventana_primero: bool, monkeypatch
):
    """Right after the empresa opens (its window's count, or none yet), a wide find is counted
    from the copy kept on disk, read meanwhile, not by SQL (seconds at a million), and counts
    as SQL does, also after another program wrote while the app was closed."""
    from icsoe_desktop.services.movimientos.fuentes import copia

    # What is checked is that the find waits for the copy, not how fast this machine reads
    # it: on a loaded test machine the read alone can pass the two seconds a clerk waits.
    monkeypatch.setattr(copia, "ESPERA_GUARDADA", 60.0)
    _store(services, 600)
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    services.close()
    _escribir(services, "UPDATE movimientos SET nombre = 'MARIANA' WHERE id IN (5, 6, 7)")
    _escribir(services, "DELETE FROM movimientos WHERE id = 11")

    caplog.clear()
    otra = open_services(data_dir, clock)
    try:
        ma = termino("ma")
        assert ma is not None
        with caplog.at_level(
            logging.INFO, logger="icsoe_desktop.services.movimientos.fuentes.copia"
        ):
            if ventana_primero:
                otra.movimientos.count(Filtro())
            contado = otra.movimientos.count(Filtro(buscar="ma"))
            leida = any(LEIDA in r.getMessage() for r in caplog.records)
        assert leida  # read back before the find was answered
        assert otra.movimientos.buscador.hallados.total_guardado(ma) is None  # not counted by SQL
        with otra.store.engine.connect() as conn:
            assert contado == movimientos_buscar.count(conn, ma)
    finally:
        otra.close()


def test_the_copy_on_disk_is_sealed_and_another_key_does_not_read_it(services, tmp_path: Path):
    _store(services, 300)
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    path = espejo_guardado.ruta(services.store.path)
    with closing(plain.connect(services.store.path)) as conn:
        fila = conn.execute("SELECT nss, primer_apellido, nombre FROM movimientos").fetchone()
    contenido = path.read_bytes()
    assert contenido.startswith(sellado.MAGIA)
    for dato in fila:  # every name and NSS is in the copy, none in clear on the disk
        assert dato.encode() not in contenido
        assert dato.lower().encode() not in contenido
    assert espejo_guardado.leer(path) is not None

    otra = tmp_path / "otra.buscar"
    # The same content sealed with another installation's key.
    with otra.open("wb") as archivo, path.open("rb") as origen:
        abierto = sellado.Abierto(origen, len(contenido), sellado.llave(espejo_guardado.PROPOSITO))
        sellador = sellado.Sellador(archivo, bytes(32))
        sellador.write(abierto.read(abierto.largo))
        abierto.cerrar()
        sellador.cerrar()
    assert espejo_guardado.leer(otra) is None
    # Kept in clear before the installation had a key: not read, so made anew sealed.
    with otra.open("wb") as archivo, path.open("rb") as origen:
        abierto = sellado.Abierto(origen, len(contenido), sellado.llave(espejo_guardado.PROPOSITO))
        archivo.write(abierto.read(abierto.largo))
        abierto.cerrar()
    assert espejo_guardado.leer(otra) is None
    with otra.open("rb") as archivo:
        assert sellado.Abierto(archivo, otra.stat().st_size, None).largo > 0  # yet well formed


def _danada(path: Path, como: str, otra_tienda: Path) -> None:
    datos = path.read_bytes()
    if como == "truncada":
        path.write_bytes(datos[: len(datos) // 2])
    elif como == "un byte cambiado":
        medio = len(datos) // 2
        path.write_bytes(datos[:medio] + bytes([datos[medio] ^ 1]) + datos[medio + 1 :])
    elif como == "vacía":
        path.write_bytes(b"")
    elif como == "otro archivo":
        path.write_text("no es una copia\n" * 100, encoding="utf-8")
    elif como == "suma al final cambiada":
        path.write_bytes(datos[:-1] + bytes([datos[-1] ^ 0xFF]))
    elif como == "de otra empresa":
        shutil.copyfile(espejo_guardado.ruta(otra_tienda), path)


@pytest.mark.parametrize(
    "como",
    [
        "truncada",
        "un byte cambiado",
        "vacía",
        "otro archivo",
        "suma al final cambiada",
        "de otra empresa",
    ],
)
def test_a_kept_copy_that_is_not_this_stores_as_written_is_never_used(
    services, data_dir: Path, tmp_path: Path, clock, caplog, como
):
    _store(services, 600)
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    services.close()
    # Another empresa's store, with its own copy kept (another data dir: other movements).
    otra_dir = tmp_path / "otra"
    otra_dir.mkdir()
    ajena = open_services(otra_dir, clock)
    try:
        _store(ajena, 300)
        ajena.movimientos.count(Filtro())
        ajena.movimientos.buscador.copia.espejos.esperar()
        ajena_path = ajena.store.path
    finally:
        ajena.close()

    _danada(espejo_guardado.ruta(services.store.path), como, ajena_path)
    _cuenta_al_abrir(data_dir, clock, caplog, leida=False)  # read from the store
    # Kept anew, as read from the store: the next opening reads it back.
    _cuenta_al_abrir(data_dir, clock, caplog, leida=True)


def test_a_restore_forgets_the_kept_copy_and_a_copy_of_another_history_is_refused(
    services, data_dir: Path, tmp_path: Path, clock, caplog
):
    """The store restored from a backup has another history than the copy kept: the copy is
    forgotten; put back by hand after the restored store was written to, it is refused (the
    store's change it names has another random number there)."""
    _store(services, 600)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    _escribir(services, "UPDATE movimientos SET estado = 'rechazado' WHERE id BETWEEN 1 AND 20")
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    guardada = espejo_guardado.ruta(services.store.path)
    aparte = tmp_path / "copia-aparte"
    shutil.copyfile(guardada, aparte)

    services.backup.restore(respaldo, actor=CLI_ACTOR)
    assert not guardada.exists()
    # The restored store written to as many times, by other movements.
    _escribir(services, "UPDATE movimientos SET estado = 'aprobado' WHERE id BETWEEN 101 AND 120")
    services.close()
    shutil.copyfile(aparte, guardada)

    _cuenta_al_abrir(data_dir, clock, caplog, leida=False)


def _reescrita(path: Path, cambiar) -> None:
    """The kept file with its header changed by ``cambiar`` and a digest made anew, as another
    version or machine could have written it."""
    import hashlib
    import json

    clave = sellado.llave(espejo_guardado.PROPOSITO)
    assert clave is not None  # kept sealed: its content read with the key
    with path.open("rb") as archivo:
        abierto = sellado.Abierto(archivo, path.stat().st_size, clave)
        datos = abierto.read(abierto.largo)
        abierto.cerrar()
    inicio = len(espejo_guardado.MAGIA)
    largo = int.from_bytes(datos[inicio : inicio + 8], "little")
    cabecera = json.loads(datos[inicio + 8 : inicio + 8 + largo])
    texto = json.dumps(cambiar(cabecera)).encode()
    cuerpo = espejo_guardado.MAGIA + len(texto).to_bytes(8, "little") + texto
    cuerpo += datos[inicio + 8 + largo : -32]
    with path.open("wb") as archivo:
        sellador = sellado.Sellador(archivo, clave)
        sellador.write(cuerpo + hashlib.blake2b(cuerpo, digest_size=32).digest())
        sellador.cerrar()


def _orden(campo: str, **cambios):
    def cambiar(c):
        c["ordenes"][campo].update(cambios)
        return c

    return cambiar


@pytest.mark.parametrize(
    "cambiar",
    [
        lambda c: {**c, "orden_bytes": "big" if c["orden_bytes"] == "little" else "little"},
        lambda c: {**c, "registros": [["B1234567105", 3]]},
        lambda c: {**c, "ordenes": {"otro": c["ordenes"]["nombre"], **c["ordenes"]}},
        lambda c: {**c, "ordenes": list(c["ordenes"])},
        lambda c: {**c, "ordenes": {"nombre": c["ordenes"]["nombre"]}},
        _orden("nss", ancho=12),
        _orden("nombre", n=-1),
        _orden("nombre", n=10**12),
        _orden("pila", posiciones=10**12),
        _orden("pila", ambos=False),
        lambda c: {**c, "primera": "ayer"},
        lambda c: [c],
    ],
    ids=[
        "otra máquina",
        "otros códigos",
        "otro orden",
        "órdenes en lista",
        "sin pila",
        "NSS en 12 bytes",
        "tamaño negativo",
        "tamaño enorme",
        "posiciones enormes",
        "pila sin ambos",
        "fecha",
        "cabecera en lista",
    ],
)
def test_a_kept_copy_of_another_form_is_not_read(services, cambiar):
    _store(services, 300)
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    path = espejo_guardado.ruta(services.store.path)
    assert espejo_guardado.leer(path) is not None
    _reescrita(path, lambda c: c)
    assert espejo_guardado.leer(path) is not None  # rewritten as it was: still read
    _reescrita(path, cambiar)
    assert espejo_guardado.leer(path) is None


def test_a_copy_changed_since_it_was_read_or_unwritable_is_not_kept(services, tmp_path: Path):
    _store(services, 300)
    services.movimientos.count(Filtro())
    services.movimientos.buscador.copia.espejos.esperar()
    copia = services.movimientos.buscador.copia.espejos.vigente()
    assert copia is not None
    (tmp_path / "carpeta").mkdir()
    assert not espejo_guardado.guardar(tmp_path / "carpeta", copia)  # a folder there
    assert not (tmp_path / "carpeta.nuevo").exists()
    assert espejo_guardado.guardar(tmp_path / "bien", copia)
    _escribir(services, "UPDATE movimientos SET estado = 'rechazado' WHERE id = 1")
    services.store.cambios.anunciar({"movimientos"})
    assert services.movimientos.buscador.copia.espejos.vigente() is copia  # brought up to date
    assert not espejo_guardado.guardar(tmp_path / "despues", copia)
    assert not (tmp_path / "despues").exists()
