"""Opening a big signed informativa: CONTRATOS contracts of TRABAJADORES workers each (a staffing
firm's cuatrimestre: 50 × 12,000; distinct, real-shaped workers: bench/datos_reales.py), captured
through the services and signed with the e.firma (the real Firmar: its cadena, sello, constancia
PDF and frozen copy), then its window opened in a
fresh process: the informativa's window built, shown and painted with its first contract's
workers. Prints the CPU of the process and of its main thread, and the process's peak RSS (and
the peak before the window, with Qt loaded and the store open). Goal at 50 × 12,000: open ≤ 1 s CPU, ≤ 300 MB peak.

    python bench/informativa_abrir.py [--contratos 50] [--trabajadores 12000] [--datos CARPETA]

--datos keeps the signed store in CARPETA and reuses it on the next run (building it takes
minutes at 50 × 12,000).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HECHA = "informativa.uuid"  # in the data folder: the signed informativa's uuid


def _clock() -> datetime:
    """Now (naive UTC): the test e.firma is valid around the real date."""
    return datetime.now(UTC).replace(tzinfo=None)


def construir(data: Path, contratos: int, trabajadores: int) -> str:
    """The informativa of bench/constancia.py (distinct, real-shaped workers captured through
    the services), signed with the e.firma."""
    from constancia import construir as capturar

    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf

    uuid = capturar(data.parent, contratos, trabajadores)
    services = open_services(data, _clock)
    try:
        cer = data.parent / "fiel" / f"{cf.RFC_MORAL}.cer"
        services.informativa_firma.firmar(
            uuid, cf.RFC_MORAL, cer, cer.with_suffix(".key"), cf.PASSWORD
        )
    finally:
        services.close()
    return uuid


def _pico_mb() -> float:
    """This process's peak RSS: VmHWM where Linux gives it (ru_maxrss keeps the parent's peak
    at the fork that started this process), else ru_maxrss."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def abrir(data: Path, uuid: str) -> None:
    """In its own process (the peak RSS is the process's): the window opened and painted."""
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf

    app = QApplication([])
    services = open_services(data, _clock)
    antes = _pico_mb()
    cpu, hilo = time.process_time(), time.thread_time()
    window = InformativaWindow(services, cf.RFC_MORAL, cf.RFC_MORAL, uuid, True)
    window.show()
    app.processEvents()
    window.trabajadores.tabla.viewport().repaint()
    cpu, hilo = time.process_time() - cpu, time.thread_time() - hilo
    pico = _pico_mb()
    filas = window.trabajadores.model.rowCount()
    assert window.fila.estado == "firmada" and filas, (window.fila.estado, filas)
    print(
        f"  abrir: CPU {cpu:.2f} s (hilo principal {hilo:.2f} s)  "
        f"{'OK' if cpu <= 1 else 'FALLA'} (meta ≤ 1 s)\n"
        f"  RSS máximo {pico:.0f} MB (antes de la ventana {antes:.0f} MB)  "
        f"{'OK' if pico <= 300 else 'FALLA'} (meta ≤ 300 MB); "
        f"{window.contratos_model.rowCount()} contratos, {filas:,} trabajadores en el primero"
    )
    window.close()
    services.close()


def main() -> None:
    if sys.argv[1:2] == ["--abrir"]:
        abrir(Path(sys.argv[2]), sys.argv[3])
        return
    if sys.argv[1:2] == ["--construir"]:
        print(construir(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contratos", type=int, default=50)
    parser.add_argument("--trabajadores", type=int, default=12_000)
    parser.add_argument("--datos", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.datos or Path(tmp)
        data = base / "datos"
        hecha = base / HECHA
        tamano = (str(args.contratos), str(args.trabajadores))
        if not hecha.exists():
            data.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            hecha.write_text(
                subprocess.run(
                    [sys.executable, __file__, "--construir", str(data), *tamano],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()[-1]
            )
            print(f"Preparación: {time.perf_counter() - start:.0f} s")
        size = (data / "icsoe.sqlite3").stat().st_size if (data / "icsoe.sqlite3").exists() else 0
        print(f"Carga del equipo: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"Informativa firmada de {args.contratos} contratos × {args.trabajadores:,} "
            f"trabajadores" + (f" (almacén {size / 1e6:.0f} MB)" if size else "")
        )
        subprocess.run(
            [sys.executable, __file__, "--abrir", str(data), hecha.read_text()], check=True
        )


if __name__ == "__main__":
    main()
