"""Varias empresas at scale: 50 empresas with 100,000 movimientos each.

One empresa store of N movimientos with the shape of a real company's (bench/datos_reales.py:
distinct workers, real name distributions) is built and copied for the other empresas,
registered in the catalog as the app creates them (built once, kept in --cache). Then:

1. Switching empresa (Services.abrir_empresa + what the main window asks first: the count and
   the first page of Movimientos con IDSE), to a different empresa each time. Goal ≤ 1 s; the
   baseline is opening the same store in a one-company data dir (open_services, count, page),
   which is in the OS cache after its first run: a switch reads another file, often not.
   Also the switch alone (abrir_empresa), without the first screen's reads.
2. The login's selector: reading the catalog and filling the real EmpresaSelector with every
   empresa. Goal ≤ 50 ms («instantly»); the baseline is a QComboBox filled with as many
   strings.
3. Start-up: open_services on the data dir of 50 empresas / on a data dir of one (the same
   store). Goal ≤ 1.1 (unchanged).
4. Switching in the window, as Archivo › Cambiar de empresa does: abrir_empresa and the main
   window built again on the other empresa and shown with its first rows; with the other
   empresa's store evicted from the OS cache first (posix_fadvise DONTNEED: a cold switch, as
   when the 50 stores no longer fit in memory), and warm (the baseline). Goal ≤ 1 s cold, worst
   case included; also the KB the switch read from the disk (Linux /proc/self/io).

    python bench/empresas.py [--empresas 50] [--movimientos 100000] [--cache DIR] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

ADMIN = "admin@despacho.mx"
PASSWORD = "Nom1na$Segura"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def evict(path: Path) -> None:
    """Drop ``path``'s pages from the OS cache (Linux; elsewhere the switch is measured warm)."""
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{path}{suffix}")
        if target.exists() and hasattr(os, "posix_fadvise"):
            fd = os.open(target, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def read_kb() -> int:
    """KB this process read from the disk so far (0 where /proc/self/io is not there)."""
    try:
        with open("/proc/self/io") as io:
            return (
                next(int(line.split()[1]) for line in io if line.startswith("read_bytes")) // 1024
            )
    except OSError:
        return 0


def _rfc(i: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{letters[i // 24 % 24]}{letters[i % 24]}X010101AB1"


def build(cache: Path, empresas: int, movimientos: int) -> tuple[Path, Path]:
    """(installation of ``empresas``, one-company data dir), both with the same store."""
    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.services.acceso.accounts import Registration
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.empresas.servicio import CLI_ACTOR

    sola = cache / f"una-reales-{movimientos}"
    varias = cache / f"varias-reales-{empresas}-{movimientos}"
    if (varias / "listo").exists():
        return varias, sola
    shutil.rmtree(sola, ignore_errors=True)
    shutil.rmtree(varias, ignore_errors=True)
    sola.mkdir(parents=True)
    services = open_services(sola)
    try:
        services.accounts.register(
            Registration("Admin", "Despacho", "", ADMIN, PASSWORD, PASSWORD, True)
        )
        print(f"Creando {movimientos:,} movimientos…", file=sys.stderr)
        crear_movimientos(services.store, movimientos, services.movimientos.today())
    finally:
        services.close()
    shutil.copytree(sola, varias)
    services = open_services(varias)
    try:
        source = services.store.path
        for i in range(1, empresas):
            empresa = services.empresas.crear(_rfc(i), f"Cliente {i:02d} SA de CV", CLI_ACTOR)
            target = services.empresas.ruta(empresa)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            shutil.copyfile(source, target)  # the same 100,000 movimientos in each
            print(f"\rEmpresas: {i + 1} de {empresas}", end="", file=sys.stderr)
        print(file=sys.stderr)
    finally:
        services.close()
    (varias / "listo").write_text("ok")
    return varias, sola


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--empresas", type=int, default=50)
    parser.add_argument("--movimientos", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "icsoe-bench")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QComboBox

    from bench.carga import carga
    from icsoe_desktop.gui.empresas.selector import EmpresaSelector
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    app = QApplication.instance() or QApplication([])
    varias, sola = build(args.cache, args.empresas, args.movimientos)

    def first_screen(services) -> None:
        services.movimientos.count(Filtro())
        services.movimientos.pagina(Filtro(), Orden(), 0, 100)

    # 1. Switching.
    def one_company() -> None:
        services = open_services(sola)
        try:
            first_screen(services)
        finally:
            services.close()

    baseline = median_time(one_company, args.repeat)
    services = open_services(varias)
    ids = [e.id for e in services.empresas.listar()]
    turn = iter(ids * (args.repeat + 1))

    def switch() -> None:
        following = next(turn)
        if following == services.empresa.id:
            following = next(turn)
        services.abrir_empresa(following)
        first_screen(services)

    switching = median_time(switch, args.repeat)
    worst = max(median_time(switch, 1) for _ in range(args.repeat))

    def open_only() -> None:  # the switch itself, without the first screen's queries
        following = next(turn)
        if following == services.empresa.id:
            following = next(turn)
        services.abrir_empresa(following)

    opening = median_time(open_only, args.repeat)

    # 4. Switching in the window, cold and warm.
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    window: list[VentanaPrincipal] = []

    def in_window(cold: bool) -> tuple[float, int]:
        following = next(turn)
        if following == services.empresa.id:
            following = next(turn)
        if cold:
            evict(services.empresas.ruta(services.empresas.obtener(following)))
        kb, start = read_kb(), time.perf_counter()
        # As application.cambiar_empresa: the old window's background work ends, it goes, the
        # store switches.
        QThreadPool.globalInstance().waitForDone(5_000)
        if window:
            window.pop().deleteLater()
        services.abrir_empresa(following)
        main = VentanaPrincipal(services, ADMIN, "Admin")
        main.show()
        while main.movimientos.model.rowCount() == 0:
            QApplication.processEvents()
        elapsed = time.perf_counter() - start
        window.append(main)
        return elapsed, read_kb() - kb

    in_window(False)  # the window's modules and forms loaded once, as after a sign-in
    warm = [in_window(False) for _ in range(args.repeat)]
    cold = [in_window(True) for _ in range(args.repeat)]
    QThreadPool.globalInstance().waitForDone(5_000)
    window.pop().deleteLater()
    QApplication.processEvents()

    # 2. The selector.
    selector = EmpresaSelector()
    selector.set_services(services, lambda: None)
    shown = median_time(selector.refresh, args.repeat)
    labels = [e.etiqueta for e in services.empresas.listar()]
    combo = QComboBox()

    def plain_combo() -> None:
        combo.clear()
        combo.addItems(labels)

    combo_time = median_time(plain_combo, args.repeat)
    services.close()

    # 3. Start-up.
    def start(data_dir: Path) -> Callable[[], None]:
        return lambda: open_services(data_dir).close()

    start_one = median_time(start(sola), args.repeat)
    start_many = median_time(start(varias), args.repeat)
    del app

    print(
        f"{len(ids)} empresas × {args.movimientos:,} movimientos (median of {args.repeat});"
        f" {carga()}"
    )
    print(
        f"1. Cambiar de empresa (abrir + conteo + primera página): {switching * 1000:.0f} ms "
        f"(peor {worst * 1000:.0f} ms; meta ≤ 1000 ms); abrir una sola empresa: "
        f"{baseline * 1000:.0f} ms; razón {switching / baseline:.2f}. Sólo abrir la otra "
        f"base: {opening * 1000:.0f} ms (el resto es leer del disco un archivo que no está "
        "en la caché del sistema)"
    )
    print(
        f"2. Selector de empresa ({len(labels)}): {shown * 1000:.1f} ms (meta ≤ 50 ms); un "
        f"QComboBox con {len(labels)} textos: {combo_time * 1000:.1f} ms"
    )
    print(
        f"3. Inicio (open_services): {len(ids)} empresas {start_many * 1000:.0f} ms / una "
        f"{start_one * 1000:.0f} ms = {start_many / start_one:.2f} (meta ≤ 1.1)"
    )

    cold_times = [t for t, _kb in cold]
    print(
        f"4. Cambiar de empresa en la ventana (abrir + ventana principal con sus primeras "
        f"filas), en frío: {statistics.median(cold_times) * 1000:.0f} ms (peor "
        f"{max(cold_times) * 1000:.0f} ms; meta ≤ 1000 ms; leídos del disco "
        f"{statistics.median(kb for _t, kb in cold):,} KB); en caliente: "
        f"{statistics.median(t for t, _kb in warm) * 1000:.0f} ms; razón "
        f"{statistics.median(cold_times) / statistics.median(t for t, _kb in warm):.2f}"
    )


if __name__ == "__main__":
    main()
