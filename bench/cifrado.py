"""The encrypted store (SQLCipher, store/cifrado.py) against the same store in clear, in one run,
each figure's median side by side with their ratio.

Two copies of one store of --rows movements with a real company's shape (bench/datos_reales.py;
built once in --cache, or copied from --fuente): one in clear (no OS keyring: the app keeps its
stores plain), one encrypted by the app at its opening (a keyring of the bench's own, a file in
--cache, as the tests'). Each is measured in a process of its own, with the app's services, the
kept connections' 64 MiB page cache; the find box's copy built and kept on disk (sealed in the
encrypted one) before:

- the grid's actions (MovimientosService, as the window asks them: gui/movimientos/model.py):
  the count, the first page, the middle (next to the scroll bar's key before it) and the last
  (Ctrl+Fin: the reverse order's first page) of the whole store, a page sorted by nombre and by
  fecha at the middle, the first page of a registro patronal's trimestre. Goal: each ≤ 50 ms
  encrypted. Besides, what the window reads in the background: the scroll bar's keys of each
  order, and a middle page by its offset (asked before those keys are read).
- the find box, narrow (a whole name) and wide («ma»): the count and the middle page, cold (the
  first find after the opening: its copy read back from the disk) and warm, and right after an
  action (a page sorted by another column).
- the import of --import-rows movements (an IDSE lote) into a new store, and the export to Excel
  of a registro patronal's movements.

    python bench/cifrado.py [--rows 1000000] [--import-rows 100000] [--cache DIR] [--fuente STORE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
VARIANTES = ("plano", "cifrado")
REPETIR = 7
ACCIONES = (
    "cuenta",
    "primera página",
    "a la mitad",
    "Ctrl+Fin",
    "orden nombre, mitad",
    "orden fecha, mitad",
    "registro + trimestre",
)
TRIMESTRE = {"fecha_inicial": date(2025, 1, 1), "fecha_final": date(2025, 3, 31)}


def _entorno(variante: str, cache: Path, llavero: str = "llavero") -> dict[str, str]:
    """No OS keyring: the app keeps its stores in clear; the bench's own keyring file: the app
    encrypts them."""
    entorno = dict(os.environ)
    entorno["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), entorno.get("PYTHONPATH"))))
    if variante == "plano":
        entorno["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    else:
        entorno["PYTHON_KEYRING_BACKEND"] = "tests.keyring_de_prueba.KeyringDePrueba"
        entorno["XDG_DATA_HOME"] = str(cache / llavero)
    return entorno


def _hijo(variante: str, cache: Path, *args: str, llavero: str = "llavero") -> dict:
    salida = subprocess.run(
        [sys.executable, __file__, "--hijo", *args],
        env=_entorno(variante, cache, llavero),
        capture_output=True,
        text=True,
        check=False,
    )
    if salida.returncode != 0:
        raise SystemExit(f"{variante} {args}: {salida.stderr[-3000:]}")
    return json.loads(salida.stdout.strip().splitlines()[-1])


def _medir(fn: Callable[[], object], repetir: int = REPETIR) -> float:
    """Median wall ms of ``fn``."""
    tiempos = []
    for _ in range(repetir):
        inicio = time.perf_counter()
        fn()
        tiempos.append((time.perf_counter() - inicio) * 1000)
    return statistics.median(tiempos)


def _una_vez(fn: Callable[[], object]) -> float:
    return _medir(fn, 1)


# --- the child's side ---------------------------------------------------------------------------


def _abrir(carpeta: Path, variante: str):
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.store import cifrado

    services = open_services(carpeta)
    plano = cifrado.es_plano(services.store.path)
    assert plano == (variante == "plano"), (variante, services.store.path)
    return services


def hijo_preparar(carpeta: Path, variante: str) -> dict:
    """The store opened (encrypted at this opening in the keyed variant), its find box's copy
    built and kept on disk, ANALYZE run."""
    from icsoe_desktop.services.movimientos.servicio import Filtro

    services = _abrir(carpeta, variante)
    try:
        total = services.movimientos.count(Filtro())
        services.movimientos.buscador.copia.espejos.esperar()
        return {"movimientos": total, "mb": services.store.path.stat().st_size / 2**20}
    finally:
        services.close()


def _nombre_de(services) -> str:
    """A whole name of the store (the narrow find)."""
    with services.store.engine.connect() as conn:
        fila = conn.exec_driver_sql(
            "SELECT primer_apellido, segundo_apellido, nombre FROM movimientos "
            "WHERE segundo_apellido IS NOT NULL ORDER BY id LIMIT 1 OFFSET 4321"
        ).one()
    return " ".join(fila).lower()


def _registro_de(services) -> str:
    with services.store.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT registro_patronal FROM movimientos GROUP BY registro_patronal "
            "ORDER BY count(*) LIMIT 1"
        ).scalar_one()


def _grid(movimientos, registro: str) -> dict[str, float]:
    """The grid's actions as the window asks them (gui/movimientos/model.py): a page next to
    the scroll bar's key before it (those keys read once per order, in the background), Ctrl+Fin
    as the reverse order's first page. Besides, in the background: those keys, and a middle
    page by its offset (what the window reads meanwhile, off its thread)."""
    from icsoe_desktop.gui.movimientos.model import PAGE_SIZE as PAGINA
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden

    columna = {c.attr: i for i, c in enumerate(COLUMNS)}
    todos = Filtro()
    total = movimientos.count(todos)
    por_nombre, por_fecha = Orden(columna["nombre"]), Orden(columna["fecha"], descending=True)
    for orden in (por_nombre, por_fecha):
        movimientos.prepare_sort(orden)
    trimestre = Filtro(registro_patronal=registro, **TRIMESTRE)
    figuras: dict[str, float] = {}
    limites = {}
    for nombre, orden in (("", Orden()), ("nombre", por_nombre), ("fecha", por_fecha)):
        inicio = time.perf_counter()
        limites[nombre] = movimientos.boundaries(todos, orden, PAGINA, total)
        figuras[f"claves de la barra {nombre or 'inicial'} (fondo)"] = (
            time.perf_counter() - inicio
        ) * 1000
    mitad = (total // 2) // PAGINA

    def a_la_mitad(nombre: str, orden):
        clave = limites[nombre][mitad - 1]
        return lambda: movimientos.pagina_desde(todos, orden, clave, PAGINA, total=total)

    def fin() -> list:  # the reverse order's first page, turned
        al_reves = Orden(Orden().column, not Orden().descending)
        return movimientos.pagina(todos, al_reves, 0, total % PAGINA or PAGINA, total)[::-1]

    figuras.update(
        {
            "cuenta": _medir(lambda: movimientos.count(todos)),
            "primera página": _medir(lambda: movimientos.pagina(todos, Orden(), 0, PAGINA, total)),
            "a la mitad": _medir(a_la_mitad("", Orden())),
            "Ctrl+Fin": _medir(fin),
            "orden nombre, mitad": _medir(a_la_mitad("nombre", por_nombre)),
            "orden fecha, mitad": _medir(a_la_mitad("fecha", por_fecha)),
            "registro + trimestre": _medir(
                lambda: movimientos.pagina(
                    trimestre, Orden(), 0, PAGINA, movimientos.count(trimestre)
                )
            ),
            "mitad por posición, nombre (fondo)": _medir(
                lambda: movimientos.pagina(todos, por_nombre, mitad * PAGINA, PAGINA, total)
            ),
        }
    )
    return figuras


def _busqueda(movimientos, texto: str) -> float:
    """The find's count, then its middle page: what the window asks after the box is typed."""
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    filtro = Filtro(buscar=texto)
    inicio = time.perf_counter()
    total = movimientos.count(filtro)
    movimientos.pagina(filtro, Orden(), total // 2, 50, total)
    return (time.perf_counter() - inicio) * 1000


def _tras_accion(movimientos, texto: str) -> float:
    from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden

    curp = Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == "curp"))
    tiempos = []
    for _ in range(REPETIR):
        total = movimientos.count(Filtro())
        movimientos.pagina(Filtro(), curp, total // 3, 50, total)
        tiempos.append(_busqueda(movimientos, texto))
    return statistics.median(tiempos)


def hijo_medir(carpeta: Path, variante: str) -> dict:
    inicio = time.perf_counter()
    services = _abrir(carpeta, variante)
    figuras = {"abrir": (time.perf_counter() - inicio) * 1000}
    try:
        movimientos = services.movimientos
        angosta, ancha = _nombre_de(services), "ma"
        # Cold: the first finds after the opening, the copy read back from the disk.
        figuras["buscar angosta, en frío"] = _busqueda(movimientos, angosta)
        figuras["buscar ancha, en frío"] = _busqueda(movimientos, ancha)
        movimientos.buscador.copia.espejos.esperar()
        figuras["buscar angosta"] = _medir(lambda: _busqueda(movimientos, angosta))
        figuras["buscar ancha"] = _medir(lambda: _busqueda(movimientos, ancha))
        figuras["buscar angosta, tras ordenar"] = _tras_accion(movimientos, angosta)
        figuras["buscar ancha, tras ordenar"] = _tras_accion(movimientos, ancha)
        registro = _registro_de(services)
        figuras.update(_grid(movimientos, registro))
        figuras["exportar (s)"] = _exportar(services, registro, carpeta)
    finally:
        services.close()
    return figuras


def _exportar(services, registro: str, carpeta: Path) -> float:
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.movimientos.exportar import export_table
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    salida = carpeta.parent / f"exportado-{carpeta.name}.xlsx"
    filtro = Filtro(registro_patronal=registro)
    try:
        return (
            _una_vez(lambda: export_table(services.movimientos, filtro, Orden(), salida, CLI_ACTOR))
            / 1000
        )
    finally:
        salida.unlink(missing_ok=True)


def hijo_importar(carpeta: Path, variante: str, lote: Path) -> dict:
    from bench.importar import fresh_services
    from icsoe_desktop.store import cifrado

    shutil.rmtree(carpeta, ignore_errors=True)
    services = fresh_services(carpeta)
    try:
        assert cifrado.es_plano(services.store.path) == (variante == "plano")
        inicio = time.perf_counter()
        reporte = services.importador.import_file(lote, "bench")
        segundos = time.perf_counter() - inicio
        assert reporte.aplicado, reporte.rechazadas[:3]
        return {"importar (s)": segundos}
    finally:
        services.close()
        shutil.rmtree(carpeta, ignore_errors=True)


# --- the parent's side --------------------------------------------------------------------------


def _carga() -> str:
    uno, cinco, _ = os.getloadavg()
    return f"carga {uno:.1f}/{cinco:.1f} en {os.cpu_count()} núcleos"


def _preparar(cache: Path, filas: int, fuente: Path | None) -> dict[str, Path]:
    plano = cache / f"plano-{filas}"
    if not (plano / "icsoe.sqlite3").exists():
        if fuente is not None:
            plano.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fuente, plano / "icsoe.sqlite3")
        else:
            subprocess.run(
                [sys.executable, __file__, "--hijo", "crear", str(plano), str(filas)],
                env=_entorno("plano", cache),
                check=True,
            )
    carpetas = {"plano": plano, "cifrado": cache / f"cifrado-{filas}"}
    if not (carpetas["cifrado"] / "icsoe.sqlite3").exists():
        shutil.rmtree(carpetas["cifrado"], ignore_errors=True)
        carpetas["cifrado"].mkdir(parents=True)
        shutil.copyfile(plano / "icsoe.sqlite3", carpetas["cifrado"] / "icsoe.sqlite3")
    for variante, carpeta in carpetas.items():
        inicio = time.perf_counter()
        hecho = _hijo(variante, cache, "preparar", str(carpeta), variante)
        print(
            f"  {variante}: {hecho['movimientos']:,} movimientos, {hecho['mb']:.0f} MiB"
            f" (abierta y su copia de búsquedas hecha en {time.perf_counter() - inicio:.0f} s)",
            flush=True,
        )
    return carpetas


def main() -> None:
    if sys.argv[1:2] == ["--hijo"]:
        orden, carpeta, *resto = sys.argv[2:]
        if orden == "crear":
            from bench.movimientos import open_store

            open_store(Path(carpeta), int(resto[0])).close()
            return
        hacer = {"preparar": hijo_preparar, "medir": hijo_medir, "importar": hijo_importar}
        extra = [Path(resto[1])] if orden == "importar" else []
        print(json.dumps(hacer[orden](Path(carpeta), resto[0], *extra)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/icsoe-bench-cifrado"))
    parser.add_argument("--fuente", type=Path, help="a store in clear of --rows to copy")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"Almacén cifrado / en claro, {args.rows:,} movimientos; {_carga()}", flush=True)
    carpetas = _preparar(args.cache, args.rows, args.fuente)

    from bench.importar import write_lote

    lote = args.cache / f"lote-{args.import_rows}.txt"
    if not lote.exists():
        write_lote(lote, args.import_rows)
    figuras: dict[str, dict[str, float]] = {}
    for variante in VARIANTES:
        figuras[variante] = _hijo(variante, args.cache, "medir", str(carpetas[variante]), variante)
        nueva = args.cache / f"importar-{variante}"
        # A new installation: a keyring of its own (the audit's chain of the last one is there).
        llavero = f"llavero-importar-{os.getpid()}"
        importado = _hijo(
            variante, args.cache, "importar", str(nueva), variante, str(lote), llavero=llavero
        )
        figuras[variante].update(importado)
        print(f"  {variante}: {json.dumps(figuras[variante], ensure_ascii=False)}", flush=True)

    print(f"\n{'':34} {'en claro':>9} {'cifrado':>9} {'razón':>6}   (ms, medianas)")
    for nombre, plano in figuras["plano"].items():
        cifrado = figuras["cifrado"][nombre]
        print(f"  {nombre:32} {plano:9.1f} {cifrado:9.1f} {cifrado / plano:6.2f}")
    acciones = [v for k, v in figuras["cifrado"].items() if k in ACCIONES]
    print(f"Peor acción cifrada: {max(acciones):.1f} ms (meta ≤ 50 ms); {_carga()}")


if __name__ == "__main__":
    main()
