"""The worker for heavy jobs (services/aparte/): every job registered by name from its own
module, an unknown name refused in Spanish without doing anything, a stop it cannot wait for
leaving no half-written file, and what a job tells the app read back as it wrote it. The jobs
themselves: test_movimientos_copia_aparte.py and test_sisub_aparte.py."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from icsoe_desktop.services import trabajos_aparte
from icsoe_desktop.services.aparte import llave, registro, salida, vigia
from icsoe_desktop.services.movimientos import copia_aparte
from icsoe_desktop.services.sisub import trabajo_aparte as sisub


def test_the_registry_lists_every_job_and_refuses_an_unknown_name(tmp_path: Path, capfd) -> None:
    trabajos_aparte.cargar()
    nombres = [
        copia_aparte.COPIA,
        copia_aparte.ORDEN_DE,
        copia_aparte.TRAMOS_DE,
        sisub.PREPARAR,
        sisub.REVISAR,
        sisub.EXPORTAR,
    ]
    assert registro.registrados() == sorted(nombres)
    # A second job under a name taken would answer for the first: refused.
    with pytest.raises(ValueError, match="ya está registrado"):
        registro.registrar(copia_aparte.COPIA, lambda _encargo: registro.HECHO)

    # A name no job registered (an executable of another version started it, say): the
    # process does nothing and says why on its error output, which the app logs.
    store = tmp_path / "icsoe.sqlite3"
    leer, escribir = os.pipe()
    os.write(escribir, bytes([0]))  # a plain store's key: none
    os.close(escribir)
    try:
        assert trabajos_aparte.proceso([str(store), "sisub-borrar"], leer) == registro.DESCONOCIDO
        assert trabajos_aparte.proceso([str(store)], leer) == registro.DESCONOCIDO  # no name at all
    finally:
        os.close(leer)
    mensajes = capfd.readouterr().err.splitlines()
    assert mensajes[0].startswith("El proceso aparte no conoce el trabajo «sisub-borrar» (conoce: ")
    assert all(nombre in mensajes[0] for nombre in nombres)
    assert "no se hizo nada" in mensajes[0] and "Traceback" not in "".join(mensajes)
    assert "«»" in mensajes[1]
    assert not store.exists()


def test_a_stopped_job_that_cannot_wait_leaves_no_half_written_file(tmp_path: Path) -> None:
    """Its input ended while the job runs a statement that does not ask: once its grace is
    over, the file it was writing is removed and the process ends as stopped."""
    temporal = tmp_path / "icsoe.sqlite3.buscar.nuevo"
    temporal.write_bytes(b"a medias")
    salida_codigo: list[object] = []
    salio = threading.Event()

    def salir(codigo: int) -> None:  # os._exit, here: the test's process goes on
        salida_codigo.append(codigo)
        salio.set()

    leer, escribir = os.pipe()
    os.write(escribir, vigia.PAUSA)
    with vigia.Vigia(leer, gracia=0, al_rendirse=temporal.unlink, salir=salir) as vigilada:
        os.close(escribir)  # the app stopped it (or died)
        assert salio.wait(20)
        assert not vigilada.seguir()  # the job asks no more: it was stopped
    os.close(leer)
    assert salida_codigo == [registro.PARADA]
    assert not temporal.exists()


def test_the_order_and_the_progress_are_read_back_as_written() -> None:
    """A job's order after the key, its progress and its result as the app reads them; an
    input ended before the order ends the process as stopped."""
    leer, escribir = os.pipe()
    os.write(escribir, bytes([3]) + b"abc" + llave.con_largo(b'{"uuid": "u-1"}'))
    assert llave.leer(leer) == b"abc"
    assert llave.leer_orden(leer) == b'{"uuid": "u-1"}'
    os.close(escribir)
    with pytest.raises(SystemExit) as salida_del_proceso:
        llave.leer_orden(leer)
    assert salida_del_proceso.value.code == registro.PARADA
    os.close(leer)

    leer, escribir = os.pipe()
    salida.avance(escribir, 3, 100)
    salida.escribir(escribir, {"ruta": Path("/x")})
    os.close(escribir)
    with os.fdopen(leer, "rb") as tubo:
        escrito = tubo.read()
    pasos: list[tuple[int, int]] = []
    for linea in [*escrito.splitlines(keepends=True), b"avance tres/100\n"]:
        salida.leer_avance(lambda hechos, total: pasos.append((hechos, total)), linea)
    assert pasos == [(3, 100)]
    assert salida.resultado(escrito) == {"ruta": str(Path("/x"))}
    # Cut short, or no result at all: none.
    assert salida.resultado(escrito[:-4]) is None
    assert salida.resultado(b"avance 1/2\n[1, 2]\n") is None
    assert salida.resultado(b"") is None
