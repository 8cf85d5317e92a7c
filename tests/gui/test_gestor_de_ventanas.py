"""The keyboard after a chain of dialogs, under a real window manager: the app on an X display
(Xvfb) with Openbox, driven by real key presses (xdotool), in a process of its own. Offscreen
Qt decides the active window itself; here the window manager does, as on the clerk's desktop:
after each chain the window the clerk sees must be the one the keyboard is in. The guides'
keyboard-only script whole (tests/gui/test_solo_teclado.py, tests/gui/teclas.py), and two
chains with the manager busy at the moment they close (tests/gui/teclado_real.py). Linux with
Xvfb, Openbox and xdotool (CI installs them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import services_copying
from tests.gui.teclas import VARIABLE, letras_en_el_teclado
from tests.informativa_servicios import acuse_del_imss, firmada_una_vez

ROOT = Path(__file__).resolve().parent.parent.parent
HERRAMIENTAS = ("Xvfb", "openbox", "xdotool")

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not all(shutil.which(h) for h in HERRAMIENTAS),
    reason="Xvfb, Openbox and xdotool are Linux programs (CI installs them: .ci/run)",
)


ESPERA_S = 60  # a loaded machine (pytest -n 2 beside the heaviest tests): Openbox starts late


@pytest.fixture
def pantalla(tmp_path) -> Iterator[tuple[str, int]]:
    """An X display of 1366×768 with Openbox managing its windows: its DISPLAY and Openbox's
    pid. Started once more if Openbox did not come up (what each said, in the failure)."""
    procesos: list[subprocess.Popen] = []
    try:
        fallos = []
        for intento in (1, 2):
            arrancada = _arrancar(tmp_path / f"pantalla {intento}", procesos)
            if isinstance(arrancada, tuple):
                break
            fallos.append(f"intento {intento}: {arrancada}")
            _terminar(procesos)
        else:
            pytest.fail("Openbox no arrancó\n" + "\n".join(fallos))
        letras_en_el_teclado(arrancada[0])
        yield arrancada
    finally:
        _terminar(procesos)


def _arrancar(carpeta: Path, procesos: list[subprocess.Popen]) -> tuple[str, int] | str:
    """Xvfb, then Openbox on it once the display answers: the DISPLAY and Openbox's pid once it
    manages the screen, else why not (with what Xvfb and Openbox wrote)."""
    carpeta.mkdir()
    salida_x, salida_gestor = carpeta / "Xvfb.txt", carpeta / "openbox.txt"
    lector, escritor = os.pipe()
    # No key repeats by itself: xdotool, late between a press and its release on a loaded
    # machine, would otherwise type a letter twice. No reset when the last client leaves: the
    # probes below come and go, and a reset then drops the connection Openbox is opening (it
    # exits: «Failed to open the display»).
    with salida_x.open("wb") as errores:
        xvfb = subprocess.Popen(
            [
                *("Xvfb", "-displayfd", str(escritor), "-screen", "0", "1366x768x24"),
                *("-nolisten", "tcp", "-ardelay", "60000", "-noreset"),
            ],
            pass_fds=(escritor,),
            stdout=errores,
            stderr=errores,
        )
    procesos.append(xvfb)
    os.close(escritor)
    with os.fdopen(lector) as numero:
        leido = numero.readline().strip()  # written once it listens; nothing if it died
    if not leido:
        return f"Xvfb no dio su pantalla: {salida_x.read_text(errors='replace')}"
    display = f":{leido}"
    entorno = {**os.environ, "DISPLAY": display}

    def contesta(*orden: str) -> bool:
        hecho = subprocess.run(["xdotool", *orden], env=entorno, capture_output=True)
        return hecho.returncode == 0

    fin = time.monotonic() + ESPERA_S
    while not contesta("getmouselocation"):  # the display answers
        if time.monotonic() > fin or xvfb.poll() is not None:
            return f"la pantalla {display} no contestó: {salida_x.read_text(errors='replace')}"
        time.sleep(0.1)
    with salida_gestor.open("wb") as errores:
        gestor = subprocess.Popen(
            ["openbox", "--sm-disable"], env=entorno, stdout=errores, stderr=errores
        )
    procesos.append(gestor)
    # Ready once it says which desktop is shown (EWMH, set by the manager once it manages
    # the screen).
    while not contesta("get_desktop"):
        if time.monotonic() > fin or gestor.poll() is not None:
            return (
                f"Openbox (código {gestor.poll()}) en {display}: "
                f"{salida_gestor.read_text(errors='replace')}\n"
                f"Xvfb: {salida_x.read_text(errors='replace')}"
            )
        time.sleep(0.1)
    return display, gestor.pid


def _terminar(procesos: list[subprocess.Popen]) -> None:
    """Openbox, then Xvfb, ended and waited for (a server still closing would hold its display)."""
    while procesos:
        proceso = procesos.pop()
        proceso.terminate()
        try:
            proceso.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proceso.kill()
            proceso.wait(timeout=30)


def _correr(pantalla: tuple[str, int], guion: str, data_dir: Path, *args: str) -> dict:
    display, gestor = pantalla
    entorno = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "GESTOR_PID": str(gestor),
    }
    hecho = subprocess.run(
        [sys.executable, "-m", "tests.gui.teclado_real", guion, str(data_dir), *args],
        cwd=ROOT,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lineas = [line for line in hecho.stdout.splitlines() if line.startswith("{")]
    assert lineas, f"rc={hecho.returncode}\n{hecho.stdout}\n{hecho.stderr}"
    return json.loads(lineas[-1])


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(2, 7)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, clock) -> tuple[str, str]:
    """A signed informativa (its contratista's RFC, its uuid); filed on the portal the day after."""
    rfc, _ana, uuid, _contratos, _constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    return rfc, uuid


def test_after_eliminar_cancelar_and_the_alert_the_keyboard_is_in_the_main_window(
    pantalla, services, data_dir
):
    """Certificados IMSS › Eliminar › Cancelar, then Esc and Enter on the alert of the registros
    without a certificate: each time the window behind is the active one, Alt works there. The
    Enter that closes the alert and Certificados IMSS together is pressed while the window
    manager is busy (as on a loaded PC): it then sees both gone at once and, left to itself,
    activates no window."""
    services.registros.save("Y5412345106", "EDE0101018A2", "Empresa Demo, S.A. de C.V.", "ana")
    services.registros.save("NO191919191", "SCO050505QR2", "Servicios Contables, S.C.", "ana")
    visto = _correr(pantalla, "certificados", data_dir, services.empresa.rfc)
    assert visto["fallo"] == ""
    assert visto["pasos"] == [
        {"cadena": "Eliminar › Cancelar", "activa": "CertificadosImssDialog"},
        {"cadena": "Certificados IMSS › Esc › aviso › Enter", "activa": "VentanaPrincipal"},
        {"cadena": "Alt de Configuración", "menu": "Configuración"},
    ]


def test_after_registrar_presentacion_the_keyboard_is_in_the_informativa(
    pantalla, firmada, services, data_dir, tmp_path
):
    """Registrar presentación › Registrar › «La informativa quedó presentada…» › Enter, pressed
    while the window manager is busy: the informativa's window is the active one, not the
    contratista's behind it."""
    rfc, uuid = firmada
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"))
    empresa = services.empresa.rfc
    visto = _correr(pantalla, "presentacion", data_dir, rfc, uuid, str(acuse), empresa)
    assert visto["fallo"] == ""
    assert visto["pasos"] == [
        {
            "cadena": "Registrar presentación › quedó presentada › Enter",
            "activa": "InformativaWindow",
        }
    ]
    assert services.informativa_presentacion.registro(uuid, rfc).folio == "N262253432"


def test_the_guides_keyboard_only_script_under_the_window_manager(pantalla):
    """tests/gui/test_solo_teclado.py whole on the X display: every window of the guides
    reached and worked by real keys, each dialog answered once the manager made it active, and
    after each dialog the window behind active again by itself (never made so by the test),
    the focus where the script expects it."""
    display, _gestor = pantalla
    entorno = {**os.environ, "DISPLAY": display, VARIABLE: "1"}
    entorno.pop("PYTEST_ADDOPTS", None)  # one process: two would take each other's keys
    guion = "tests/gui/test_solo_teclado.py"
    hecho = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            guion,
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=600,
    )
    resumen = hecho.stdout.strip().splitlines()[-1] if hecho.stdout.strip() else ""
    assert hecho.returncode == 0, f"{hecho.stdout[-8000:]}\n{hecho.stderr[-2000:]}"
    # Every test of the script ran, none skipped.
    assert re.fullmatch(r"=* ?\d+ passed in .*", resumen), resumen
