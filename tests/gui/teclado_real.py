"""Run as a program by tests/gui/test_gestor_de_ventanas.py: the app's windows on a real X
display under a window manager, driven only by real key presses (xdotool, through the X server
to whichever window the manager made active). It prints, as JSON, which window was active
after each dialog chain: the window manager, not Qt, decides that there.

``python -m tests.gui.teclado_real GUION DATA_DIR [ARGS…]``; GUION is ``certificados`` or
``presentacion``. ARGS: the empresa's RFC for ``certificados``; the contratista's RFC, the
informativa, the acuse's file and the empresa's RFC for ``presentacion``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenu, QMessageBox, QWidget

ESPERA_S = 30.0  # a loaded machine: the window manager and the X server answer late


class Conductor:
    """The key presses, on a thread of their own; what the GUI thread sees, polled by a timer
    that never blocks (the commands it is asked to run go through ``QTimer.singleShot``: a
    modal loop they open does not stop the polling)."""

    def __init__(self) -> None:
        self.visto: dict[str, Any] = {
            "activa": None,
            "botones": {},
            "texto": "",
            "foco": None,
            "menu": None,
        }
        self.pedidos: list[Callable[[], None]] = []
        self.pasos: list[dict[str, Any]] = []
        self.fallo = ""
        self._timer = QTimer()
        self._timer.timeout.connect(self._mirar)
        self._timer.start(40)

    def _mirar(self) -> None:
        while self.pedidos:
            QTimer.singleShot(0, self.pedidos.pop(0))
        activa = QApplication.activeWindow()
        foco = QApplication.focusWidget()
        menu = QApplication.activePopupWidget()
        self.visto = {
            "activa": activa.objectName() if activa is not None else None,
            "botones": {
                b.objectName() or b.text(): b.text()
                for b in (activa.findChildren(QAbstractButton) if activa is not None else [])
                if b.isVisible()
            },
            "texto": activa.text() if isinstance(activa, QMessageBox) else "",
            "foco": foco.objectName() if foco is not None else None,
            "menu": menu.title().replace("&", "") if isinstance(menu, QMenu) else None,
        }

    # --- what the thread does ------------------------------------------------------------------

    def esperar(self, que: Callable[[dict[str, Any]], bool], descripcion: str) -> bool:
        fin = time.monotonic() + ESPERA_S
        while time.monotonic() < fin:
            if que(self.visto):
                return True
            time.sleep(0.05)
        self.fallo = self.fallo or f"{descripcion}: {self.visto['activa']} activa"
        return False

    def activa(self, nombre: str) -> bool:
        return self.esperar(lambda v: v["activa"] == nombre, f"se esperaba {nombre}")

    def tecla(self, *teclas: str) -> None:
        subprocess.run(["xdotool", "key", "--clearmodifiers", *teclas], check=True)

    def alt_de(self, boton: str) -> None:
        """Alt and the letter of the active window's button ``boton`` (its object name, or its
        text as read: «Registrar» for «&Registrar»)."""
        botones: dict[str, str] = self.visto["botones"]
        texto = botones.get(boton) or next(
            (t for t in botones.values() if t.replace("&", "") == boton), ""
        )
        letra = texto[texto.index("&") + 1].lower() if "&" in texto else "?"
        self.tecla(f"alt+{letra}")

    def tecla_con_gestor_ocupado(self, tecla: str) -> None:
        """``tecla`` while the window manager is busy (stopped; the pid in ``GESTOR_PID``), as
        on a loaded PC: the windows the key closes are gone before it looks, and it then sees
        them all gone at once."""
        gestor = int(os.environ["GESTOR_PID"])
        os.kill(gestor, signal.SIGSTOP)
        try:
            self.tecla(tecla)
            time.sleep(0.5)
        finally:
            os.kill(gestor, signal.SIGCONT)

    def anotar(self, cadena: str) -> None:
        """After ``cadena`` closed, which window the keyboard is in (give it a moment: the
        manager activates a window after the one before closed)."""
        time.sleep(0.5)
        self.pasos.append({"cadena": cadena, "activa": self.visto["activa"]})


def _certificados(conductor: Conductor, data_dir: Path, args: list[str]) -> list[QWidget]:
    """IDSE main window › Configuración › Certificados IMSS › Eliminar › Esc (Cancelar) › Esc
    (closes it) › the alert of the registros left without a certificate › Enter, the window
    manager busy › Alt+C opens Configuración."""
    from icsoe_desktop.gui.kit.geometria import centrar
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir, empresa_rfc=args[0])
    main = VentanaPrincipal(services, "ana@despacho.mx", "Ana")
    centrar(main)
    main.show()
    menu = main.menuBar().actions()[1].text()  # Configuración
    item = main.certificados_action.text()

    def guion() -> None:
        c = conductor
        if not c.activa("VentanaPrincipal"):
            return
        c.tecla(f"alt+{menu[menu.index('&') + 1].lower()}")
        time.sleep(0.3)
        c.tecla(item[item.index("&") + 1].lower())
        if not c.activa("CertificadosImssDialog"):
            return
        c.alt_de("eliminarButton")
        if not c.esperar(lambda v: "eliminar" in v["texto"], "la pregunta de Eliminar"):
            return
        c.tecla("Escape")  # Cancelar
        if not c.activa("CertificadosImssDialog"):
            return
        c.anotar("Eliminar › Cancelar")
        c.tecla("Escape")  # closes Certificados IMSS: the alert
        if not c.esperar(lambda v: "no tienen" in v["texto"] or "no tiene" in v["texto"],
                         "el aviso al cerrar"):  # fmt: skip
            return
        c.tecla_con_gestor_ocupado("Return")
        c.activa("VentanaPrincipal")
        c.anotar("Certificados IMSS › Esc › aviso › Enter")
        if c.fallo:
            return
        # The keyboard works there: its Alt letter opens the menu again.
        c.tecla(f"alt+{menu[menu.index('&') + 1].lower()}")
        if c.esperar(lambda v: v["menu"] is not None, "el menú por su letra"):
            c.pasos.append({"cadena": "Alt de Configuración", "menu": c.visto["menu"]})
        c.tecla("Escape")

    threading.Thread(target=_terminar(conductor, guion), daemon=True).start()
    return [main]


def _presentacion(conductor: Conductor, data_dir: Path, args: list[str]) -> list[QWidget]:
    """The contratista's window › the informativa's over it › Registrar presentación › the acuse
    read › Enter (Registrar) › Alt+R in the confirmation › «La informativa quedó presentada…» ›
    Enter, the window manager busy."""
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.gui.informativa.inicio import InformativasInicio
    from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.gui.kit.geometria import centrar
    from icsoe_desktop.services.container import open_services

    rfc, uuid, acuse, empresa = args
    services = open_services(data_dir, empresa_rfc=empresa)
    # As the clerk: the contratista's window, and the informativa opened from its list over it.
    contratista = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    centrar(contratista)
    contratista.show()
    contratista.show_informativas()
    inicio = contratista.findChild(InformativasInicio)
    assert inicio is not None
    ventana = inicio.abrir_informativa(uuid)
    assert isinstance(ventana, InformativaWindow)

    def elegir_acuse() -> None:
        dialogo = QApplication.activeWindow()
        if isinstance(dialogo, RegistrarPresentacionDialog):
            dialogo.elegir_acuse(Path(acuse))  # what the system's file chooser hands back

    def guion() -> None:
        c = conductor
        if not c.activa("InformativaWindow"):
            return
        c.alt_de("presentacionButton")
        if not c.activa("RegistrarPresentacionDialog"):
            return
        c.pedidos.append(elegir_acuse)
        if not c.esperar(lambda v: v["foco"] == "registrarButton", "el acuse leído"):
            return
        c.tecla("Return")  # Registrar: the confirmation
        if not c.esperar(lambda v: "Registrar la presentación" in v["texto"], "la confirmación"):
            return
        time.sleep(0.2)
        c.alt_de("Registrar")
        if not c.esperar(lambda v: "quedó presentada" in v["texto"], "«quedó presentada»"):
            return
        # The manager busy: it sees the box and Registrar presentación gone at once and, left
        # to itself, may activate the contratista's window behind, or none.
        c.tecla_con_gestor_ocupado("Return")
        c.activa("InformativaWindow")
        c.anotar("Registrar presentación › quedó presentada › Enter")

    threading.Thread(target=_terminar(conductor, guion), daemon=True).start()
    return [contratista, ventana]


def _terminar(conductor: Conductor, guion: Callable[[], None]) -> Callable[[], None]:
    def correr() -> None:
        try:
            guion()
        except Exception as exc:  # said in the result: the test shows it
            conductor.fallo = conductor.fallo or f"{type(exc).__name__}: {exc}"
        print(json.dumps({"pasos": conductor.pasos, "fallo": conductor.fallo}), flush=True)
        conductor.pedidos.append(QApplication.instance().quit)  # type: ignore[union-attr]

    return correr


GUIONES = {"certificados": _certificados, "presentacion": _presentacion}


def main(argv: list[str]) -> int:
    guion, data_dir, args = argv[1], Path(argv[2]), argv[3:]
    app = QApplication(argv[:1])
    conductor = Conductor()
    ventanas = GUIONES[guion](conductor, data_dir, args)
    app.exec()
    del ventanas
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
