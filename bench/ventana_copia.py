"""The window's thread while the find box's copy is built, on a busy machine: a 10 ms QTimer on
the window's thread records each gap between its ticks, with CPU burners beside the app (one
process per core, busy loops at normal priority), first with the window idle and nothing built
(the base), then while the copy of a store without one kept on disk is built (as after an
installation, a restore or a big import: services/movimientos/espejo.py), until it is ready,
and while the other columns are cut into parts after it (columnas_tramos.py). Goal: no gap
over 100 ms; of the gaps over it, how much the window's thread ran, waited for
a core (Linux's schedstat), ran the cyclic collector, or was blocked (the rest). Also the first filtered find asked while it is built (the clerk's
«ma» with a registro, through the grid's model as the window asks it), in wall time: its first
page shown (goal ≤ 300 ms) and its count (read by SQL meanwhile, after the page: what the
window waited for when it counted first). The store is bench/buscar.py's (same --cache and
--rows: real-shaped movements, built once).

    python bench/ventana_copia.py [--rows 1000000] [--cache DIR] [--quemadores N] [--base S]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 10
GOAL_MS = 100


def _quemar() -> None:
    while True:
        pass


def _schedstat() -> tuple[float, float]:
    """This thread's CPU and its wait for a core so far (ms; Linux's schedstat, zeros
    elsewhere)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            cpu, espera, _ = f.read().split()
    except OSError:
        return 0.0, 0.0
    return int(cpu) / 1e6, int(espera) / 1e6


# Of each gap over the goal: (wall, CPU of the window's thread, its wait for a core, the cyclic
# collector's time); the rest it was blocked (the interpreter held by another thread, a lock).
LARGOS: list[tuple[float, float, float, float]] = []


def _huecos(segundos: float | None, listo=None) -> list[float]:
    """The gaps (ms) between a 10 ms timer's ticks on this thread, for ``segundos`` or until
    ``listo()``; those over the goal, split as LARGOS says."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    huecos: list[float] = []
    ultimo = time.perf_counter()
    inicio = ultimo
    antes = _schedstat()
    recolectado = [0.0, 0.0]  # the collector's ms so far, and when the running one began

    def recolector(fase: str, _info: dict) -> None:
        if fase == "start":
            recolectado[1] = time.perf_counter()
        else:
            recolectado[0] += (time.perf_counter() - recolectado[1]) * 1000

    gc.callbacks.append(recolector)
    gc_antes = 0.0
    loop = QEventLoop()

    def tick() -> None:
        nonlocal ultimo, antes, gc_antes
        ahora = time.perf_counter()
        ahora_cpu = _schedstat()
        hueco = (ahora - ultimo) * 1000
        huecos.append(hueco)
        if hueco > GOAL_MS:
            cpu, espera = (b - a for a, b in zip(antes, ahora_cpu, strict=True))
            LARGOS.append((hueco, cpu, espera, recolectado[0] - gc_antes))
        ultimo, antes, gc_antes = ahora, ahora_cpu, recolectado[0]
        fin = ahora - inicio >= segundos if segundos is not None else listo()
        if fin:
            loop.quit()

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    timer.stop()
    gc.callbacks.remove(recolector)
    QCoreApplication.processEvents()
    return huecos


def _largos() -> str:
    """What the window's thread did in the gaps over the goal so far (then forgotten)."""
    if not LARGOS:
        return "  ningún hueco sobre la meta"
    pared, cpu, espera, gc_ms = (sum(x[k] for x in LARGOS) for k in range(4))
    peor, dormido = max(LARGOS), TICK_MS * len(LARGOS)
    LARGOS.clear()
    return (
        f"  en los huecos sobre la meta ({pared:.0f} ms): CPU del hilo {cpu:.0f}, esperando un"
        f" núcleo {espera:.0f}, recolector {gc_ms:.0f}, bloqueado (otro hilo con el intérprete,"
        f" un candado; sin los {TICK_MS} ms de cada tick) {pared - cpu - espera - dormido:.0f};"
        f" el mayor {peor[0]:.0f}: CPU {peor[1]:.0f}, esperando un núcleo {peor[2]:.0f},"
        f" recolector {peor[3]:.0f}"
    )


def _cifras(nombre: str, huecos: list[float], carga: str) -> str:
    orden = sorted(huecos)
    p99 = orden[int(len(orden) * 0.99) - 1] if orden else 0.0
    largos = sum(h > GOAL_MS for h in huecos)
    return (
        f"{nombre:<28} {len(huecos):>6,} {statistics.median(huecos):>7.1f} {p99:>7.1f} "
        f"{max(huecos):>7.1f} {largos:>6}   {carga}"
    )


def _carga() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    from bench.movimientos import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "icsoe-bench-buscar",
        help="where the store is kept between runs (bench/buscar.py's)",
    )
    parser.add_argument("--quemadores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--base", type=float, default=5.0, help="seconds of the idle base")
    args = parser.parse_args()
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.movimientos.model import MovimientosModel
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.movimientos import columnas_tramos, espejo_guardado
    from icsoe_desktop.services.movimientos.servicio import Filtro

    directory = args.cache / f"reales-{args.rows}"
    open_store(directory, args.rows).close()
    app = QApplication.instance() or QApplication([])
    from icsoe_desktop.gui.kit import recolector

    recolector.instalar()  # as the app: the cyclic collector runs on the window's thread only
    quemadores = [
        multiprocessing.Process(target=_quemar, daemon=True) for _ in range(args.quemadores)
    ]
    for p in quemadores:
        p.start()
    try:
        services = open_services(directory)
        try:
            movimientos = services.movimientos
            espejo_guardado.olvidar(espejo_guardado.ruta(services.store.path))
            columnas_tramos.olvidar(services.store.path)
            registro = movimientos.registros()[0]
            print(
                f"{args.rows:,} movimientos; {args.quemadores} procesos quemando CPU; "
                f"temporizador de {TICK_MS} ms en el hilo de la ventana; meta: ningún hueco "
                f"> {GOAL_MS} ms"
            )
            print(f"{'':<28} {'ticks':>6} {'mediana':>7} {'p99':>7} {'máx':>7} {'>100':>6}   carga")
            base = _huecos(args.base)
            print(_cifras("ventana quieta, sin copia", base, _carga()), flush=True)
            print(_largos())

            inicio = time.perf_counter()
            movimientos.count(Filtro())  # the window's first count asks for the copy
            copias = movimientos.buscador.copia.espejos

            def lista() -> bool:
                construccion = copias._construccion
                return construccion is None or not construccion.hilo.is_alive()

            model = MovimientosModel(movimientos)
            marcas: dict[str, float] = {}
            contadas: list[int] = []

            def contada(total: int) -> None:
                marcas.setdefault("conteo", time.perf_counter())
                contadas.append(total)

            model.shown.connect(lambda: marcas.setdefault("página", time.perf_counter()))
            model.counted.connect(contada)
            primera = time.perf_counter()
            model.load(Filtro(buscar="ma", registro_patronal=registro))
            durante = _huecos(None, lambda: lista() and "conteo" in marcas)
            construida = time.perf_counter() - inicio
            print(_cifras("mientras se construye", durante, _carga()))
            print(_largos())
            pagina, conteo = ((marcas[k] - primera) * 1000 for k in ("página", "conteo"))
            print(
                f"la copia lista en {construida:.1f} s de reloj ({copias.vigente() is not None}); "
                f"la primera búsqueda filtrada («ma» + registro, {contadas[-1]:,}) mientras: "
                f"su primera página en {pagina:.0f} ms de reloj, su conteo en {conteo:.0f} ms "
                f"(razón {pagina / conteo:.3f})"
            )
            # Then the columns the copy holds no term of cut into parts by processes apart
            # below the app's priority (columnas_tramos.py), started once the copy was there.
            inicio = time.perf_counter()
            cortador = movimientos.buscador.tramos.cortador

            def cortadas() -> bool:
                hilo = cortador._hilo
                return hilo is None or not hilo.is_alive()

            mientras = _huecos(None, cortadas)
            print(_cifras("mientras se cortan tramos", mientras, _carga()))
            print(_largos())
            cortados = len(list(services.store.path.parent.glob("*.tramos-*")))
            print(
                f"{cortados} columnas cortadas en tramos en {time.perf_counter() - inicio:.1f} s"
                " de reloj tras la copia"
            )
        finally:
            services.close()
    finally:
        for p in quemadores:
            p.terminate()
        app.quit()


if __name__ == "__main__":
    main()
