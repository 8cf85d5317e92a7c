"""The login and the main window with the whole screen scaled, as Windows draws them at 100, 150
and 200 % on a 1366×768 laptop (docs/screenshots/escala/, which the manual shows). Qt reads its
scale factor once, when the application starts: each scale is drawn by a process of its own
(`python -m icsoe_desktop.demo.escala CARPETA ESCALA`), which `screenshots` starts for each.

Like `screenshots`, it works on a throw-away data dir and a keyring in memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from icsoe_desktop.domain.roles import CLI_ACTOR

ESCALAS = (100, 150, 200)
VENTANAS = ("acceso", "principal")
# The pictures drawn, as screenshots.PICTURES names them: under escala/.
PICTURES = tuple(f"escala/{ventana}_{escala}" for ventana in VENTANAS for escala in ESCALAS)
# What the windows show: a despacho's three empresas, on its first start and then with a user.
EMPRESAS = (
    ("AAA010101AA1", "Abarrotes Uno SA de CV"),
    ("BBB020202BB2", "Bodegas del Bajío SA de CV"),
    ("CCC030303CC3", "Comercial Costa SC"),
)
USUARIO = ("Ana", "López", "Díaz", "ana@despacho.mx")
CONTRASENA = "Nom1na$Segura"  # one the password rules accept


def render(out: Path) -> list[Path]:
    """Every scale, each in its own process (from the source: ``-m``); the pictures written."""
    out.mkdir(parents=True, exist_ok=True)
    for escala in ESCALAS:
        hecho = subprocess.run(
            [sys.executable, "-m", "icsoe_desktop.demo.escala", str(out), str(escala)],
            capture_output=True,
            text=True,
            check=False,
        )
        if hecho.returncode != 0:
            raise OSError(f"No se dibujaron las ventanas al {escala} %:\n{hecho.stderr[-2000:]}")
    return [out / f"{Path(nombre).name}.png" for nombre in PICTURES]


def _dibujar(out: Path, escala: int, data_dir: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.idse.login import IdseLoginWindow
    from icsoe_desktop.gui.kit.geometria import centrar
    from icsoe_desktop.gui.style import apply_style
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.acceso.accounts import Registration
    from icsoe_desktop.services.container import open_services

    app = QApplication([])
    apply_style(app)
    services = open_services(data_dir)

    def grab(nombre: str, make: Callable[[], QWidget]) -> None:
        window = make()
        if not window.testAttribute(Qt.WidgetAttribute.WA_Resized):
            window.adjustSize()  # as screenshots' _grab does
        centrar(window)
        window.show()
        if hasattr(window, "seguir_contenido"):  # the login fits its contents once shown
            window.seguir_contenido()
        # A window fits its screen a step per turn of the loop (gui/kit/plegado.py): drawn once
        # its size has held for ten turns.
        limite, quieta, antes = time.monotonic() + 10, 0, None
        while quieta < 10 and time.monotonic() < limite:
            app.processEvents()
            time.sleep(0.02)
            ahora = window.geometry()
            quieta = quieta + 1 if ahora == antes else 0
            antes = ahora
        ruta = out / f"{nombre}_{escala}.png"
        if not window.grab().save(str(ruta)):
            raise OSError(f"No se pudo escribir {ruta}")
        window.close()

    try:
        primera = None
        for rfc, razon in EMPRESAS:  # a first start: empresas created, nobody registered yet
            creada = services.empresas.crear(rfc, razon, CLI_ACTOR)
            primera = primera or creada
        assert primera is not None
        services.abrir_empresa(primera.id)

        def acceso() -> IdseLoginWindow:
            # As the app starts: the window sized and shown before the store is open, then
            # given it (gui/application.py): the empresa selector and the hint appear on it.
            login = IdseLoginWindow()
            login.adjustSize()
            login.encajar()
            centrar(login)
            login.show()
            login.seguir_contenido()
            app.processEvents()
            login.set_services(services)
            return login

        grab("acceso", acceso)
        nombre, primer, segundo, usuario = USUARIO
        services.accounts.register(
            Registration(nombre, primer, segundo, usuario, CONTRASENA, CONTRASENA, True)
        )
        create_demo_movimientos(services.store, 40, date.today())
        grab("principal", lambda: VentanaPrincipal(services, usuario, f"{nombre} {primer}"))
    finally:
        services.close()


def _pantalla(escala: int) -> str:
    """Qt's offscreen screen: 1366×768 less Windows 11's taskbar, 48 px scaled as the rest."""
    alto = 768 - 48 * escala // 100
    return (
        f'{{"screens": [{{"name": "1366x768", "x": 0, "y": 0, "width": 1366, "height": {alto},'
        ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )


def main(argv: list[str]) -> int:
    out, escala = Path(argv[0]), int(argv[1])
    with tempfile.TemporaryDirectory(prefix="icsoe-escala-") as tmp:
        pantalla = Path(tmp) / "pantalla.json"
        pantalla.write_text(_pantalla(escala), encoding="utf-8")
        # The whole screen scaled, as Windows scales it: Qt's scale factor, before Qt starts.
        os.environ["QT_SCALE_FACTOR"] = str(escala / 100)
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={pantalla}"
        datos = Path(tmp) / "datos"
        datos.mkdir()
        from icsoe_desktop.demo.llavero import en_memoria

        with en_memoria():
            _dibujar(out, escala, datos)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
