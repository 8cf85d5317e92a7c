"""Choosing a hostile PDF as the IMSS acuse in *Registrar presentación*: how long the window's
event loop waits, per event, while the PDF is read. A timer ticks every 10 ms in the real dialog
(a signed informativa, its real services); each file is chosen through the dialog's own
``elegir_acuse`` and the longest gap between ticks until the dialog shows its answer is the
window's longest freeze. The baseline does the same work the way a window that reads on its own
thread would: the service's ``proponer`` called from the timer's thread.

The set: the acuse as the portal gives it, the same acuse with bytes changed, cut or repeated
(seeded), a page just small enough to be read but slow to read, and pages that inflate to
5, 50 and 200 MB. Goal: ≤ 100 ms per event for every file.

    python bench/acuse.py [--mutados 40]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _clock() -> datetime:
    """Now (naive UTC): the test e.firma is valid around the real date."""
    return datetime.now(UTC).replace(tzinfo=None)


def firmada(data: Path) -> tuple[str, str]:
    """(rfc, uuid) of a Normal of mayo–agosto 2026 with one contract, signed."""
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf
    from tests.icsoe_helpers import enter_contratista
    from tests.informativa_servicios import contrato_con_trabajadores

    services = open_services(data, _clock)
    try:
        rfc = enter_contratista(services, data, data.parent)
        uuid = services.informativas.crear(rfc, rfc, Periodo(2026, 2))
        contrato_con_trabajadores(services, rfc, rfc, uuid, trabajadores=3)
        cer = data.parent / "fiel" / f"{rfc}.cer"
        services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    finally:
        services.close()
    return rfc, uuid


def archivos(rfc: str, mutados: int) -> list[tuple[str, bytes]]:
    from tests.informativa_servicios import acuse_del_imss
    from tests.services.test_informativa_acuse_imss import _bomba

    original = acuse_del_imss(rfc, fecha="22/11/2026 10:15:30")
    azar = random.Random(2026)
    salida = [("acuse", original), ("pagina_lenta", _bomba(900 * 1024))]
    salida += [(f"inflado_{mb}MB", _bomba(mb * 1024 * 1024)) for mb in (5, 50, 200)]
    for n in range(mutados):
        datos = bytearray(original)
        for _ in range(azar.randint(1, 12)):
            i = azar.randrange(len(datos))
            if azar.random() < 0.7:
                datos[i] = azar.randrange(256)
            else:
                del datos[i : i + azar.randint(1, 400)]
        salida.append((f"mutado_{n}", bytes(datos)))
    return salida


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mutados", type=int, default=40)
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog
    from icsoe_desktop.gui.kit import msgbox
    from icsoe_desktop.services.container import open_services

    logging.disable(logging.WARNING)  # each refused file is logged: not what is measured
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "datos"
        data.mkdir()
        rfc, uuid = firmada(data)
        services = open_services(data, _clock)
        dialog = RegistrarPresentacionDialog(services, rfc, uuid)
        dialog.show()
        respuestas: list[str] = []
        # The dialog's warnings answered at once (what a clerk reads is not timed here).
        msgbox.warning = lambda _p, texto, *_a, **_k: respuestas.append(texto)  # type: ignore[assignment]
        QMessageBox.warning = lambda *_a, **_k: QMessageBox.StandardButton.Ok  # type: ignore[assignment]

        def huecos(accion, listo) -> list[float]:
            """The gaps (ms) between 10 ms ticks while ``accion`` runs, until ``listo()``."""
            reloj, marcas = QElapsedTimer(), []
            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(lambda: marcas.append(reloj.elapsed()))
            reloj.start()
            timer.start()
            QTimer.singleShot(0, accion)
            limite = time.monotonic() + 60
            while not listo() and time.monotonic() < limite:
                app.processEvents()
                time.sleep(0.001)
            timer.stop()
            marcas.append(reloj.elapsed())
            return [b - a for a, b in zip([0, *marcas], marcas, strict=False)]

        filas = []
        for nombre, datos in archivos(rfc, args.mutados):
            ruta = Path(tmp) / f"{nombre}.pdf"
            ruta.write_bytes(datos)
            antes = len(respuestas)

            def listo(antes: int = antes) -> bool:
                return len(respuestas) > antes or bool(dialog.archivo.text())

            dialog.archivo.clear()
            propio = max(huecos(lambda r=ruta: dialog.elegir_acuse(r), listo))
            hecho: list[bool] = []

            def en_el_hilo(d: bytes = datos, hecho: list[bool] = hecho) -> None:
                with contextlib.suppress(DomainError):
                    services.informativa_presentacion.proponer(uuid, rfc, d, "x.pdf")
                hecho.append(True)

            base = max(huecos(en_el_hilo, lambda hecho=hecho: bool(hecho)))
            filas.append((nombre, propio, base))
        services.close()

    print(f"{'archivo':<16} {'ventana (ms)':>13} {'en su hilo (ms)':>16} {'razón':>7}")
    for nombre, propio, base in filas[:5]:
        print(f"{nombre:<16} {propio:>13.0f} {base:>16.0f} {propio / max(base, 1):>7.3f}")
    mutados = filas[5:]
    if mutados:
        peor = max(mutados, key=lambda f: f[1])
        print(
            f"{len(mutados)} mutados: la peor espera {peor[1]:.0f} ms ({peor[0]}), "
            f"mediana {statistics.median(f[1] for f in mutados):.0f} ms; en su hilo, la peor "
            f"{max(f[2] for f in mutados):.0f} ms"
        )
    peor = max(f[1] for f in filas)
    print(f"La espera más larga de la ventana: {peor:.0f} ms (meta: ≤ 100 ms por evento)")


if __name__ == "__main__":
    main()
