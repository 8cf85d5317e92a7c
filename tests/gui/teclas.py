"""Where a test's keys go, and which window takes them.

Offscreen (the default) QTest hands each key to the focused widget, and when a dialog closes
the test makes the window behind it active, as Windows would: offscreen Qt has no window
manager. Under a real one (``ICSOE_TECLADO_X=1``, set by tests/gui/test_gestor_de_ventanas.py
for the X display it starts with Openbox) each key is a real one, pressed on the X server with
xdotool: it goes to whichever window the manager made active, and the test only waits for the
window it expects to become active by itself, never activates it."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import time

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

VARIABLE = "ICSOE_TECLADO_X"
EN_X = os.environ.get(VARIABLE) == "1"
# A loaded CI machine: the window manager and the X server may answer late.
ESPERA_MS = 20_000

_NOMBRES_X = {
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "KP_Enter",
    Qt.Key.Key_Tab: "Tab",
    Qt.Key.Key_Backtab: "shift+Tab",
    Qt.Key.Key_Escape: "Escape",
    Qt.Key.Key_Space: "space",
    Qt.Key.Key_Down: "Down",
    Qt.Key.Key_Up: "Up",
    Qt.Key.Key_Left: "Left",
    Qt.Key.Key_Right: "Right",
    Qt.Key.Key_Home: "Home",
    Qt.Key.Key_End: "End",
    Qt.Key.Key_PageUp: "Prior",
    Qt.Key.Key_PageDown: "Next",
    Qt.Key.Key_Backspace: "BackSpace",
    Qt.Key.Key_Delete: "Delete",
}
_MODIFICADORES_X = (
    (Qt.KeyboardModifier.ControlModifier, "ctrl"),
    (Qt.KeyboardModifier.AltModifier, "alt"),
    (Qt.KeyboardModifier.ShiftModifier, "shift"),
)
_TECLAS_MODIFICADORAS = {
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Control,
    Qt.Key.Key_Shift,
    Qt.Key.Key_Meta,
    Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R,
}


def pulsar(widget: QWidget, key: Qt.Key, modificador=Qt.KeyboardModifier.NoModifier) -> None:
    """``key`` pressed and released. Offscreen on ``widget``; on X, where the focus is."""
    if not EN_X:
        QTest.keyClick(widget, key, modificador)
        return
    nombre = _NOMBRES_X.get(key)
    if nombre is None:
        nombre = _nombre_x(key)
    combinacion = [x for m, x in _MODIFICADORES_X if modificador & m]
    _xdotool(widget, ["key", "+".join([*combinacion, nombre])], 1, nombre)


def _nombre_x(key: Qt.Key) -> str:
    """A letter's or digit's key as X names it (``Key_M`` → ``m``)."""
    texto = key.name.removeprefix("Key_")
    assert len(texto) == 1 or texto.startswith("F"), f"tecla sin nombre en X: {key}"
    return texto.lower() if len(texto) == 1 else texto


def teclear(widget: QWidget, texto: str) -> None:
    """``texto`` typed a key at a time; a letter off the ASCII keys (ñ, á) as the key that
    writes it."""
    if EN_X:
        _xdotool(widget, ["type", "--delay", "12", "--", texto], len(texto), texto)
        return
    for caracter in texto:
        if caracter.isascii():
            QTest.keyClicks(widget, caracter)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                widget,
                Qt.Key.Key_unknown,
                caracter,
                Qt.KeyboardModifier.NoModifier,
            )


def activa(qtbot, ventana: QWidget) -> None:
    """``ventana`` is the active window, with the keyboard. Offscreen the test makes it so (what
    Windows does when a dialog closes); under a window manager it must become so by itself."""
    if not EN_X:
        ventana.activateWindow()
    try:
        qtbot.waitUntil(ventana.isActiveWindow, timeout=ESPERA_MS if EN_X else 5_000)
    except qtbot.TimeoutError:
        raise AssertionError(
            f"{_nombre(ventana)} no quedó activa: activa {_nombre(QApplication.activeWindow())}"
        ) from None


def al_aparecer(ventana: QWidget) -> None:
    """Under a window manager: until ``ventana``, just shown, has the keyboard (the clerk
    answers a dialog once it is in front)."""
    if EN_X:
        _hasta(ventana.isActiveWindow, lambda: f"{_nombre(ventana)} no quedó activa al aparecer")


# --- real keys on the X server --------------------------------------------------------------


class _Llegadas(QObject):
    """The key presses that reached the app from the X server, one per press (its time): Qt
    offers each press to the focused object as a ShortcutOverride, then, unless a shortcut
    took it, as a KeyPress, both with the press's time."""

    def __init__(self) -> None:
        super().__init__()
        self.vistas: set[int] = set()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        tipo = event.type()
        if (
            tipo in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and event.spontaneous()
            and isinstance(event, QKeyEvent)
            and not event.isAutoRepeat()
            and event.key() not in _TECLAS_MODIFICADORAS
        ):
            self.vistas.add(event.timestamp())
        return False


_llegadas: _Llegadas | None = None


def _xdotool(widget: QWidget, argumentos: list[str], teclas: int, que: str) -> None:
    """xdotool's keys sent once ``widget``'s window has the keyboard (as the clerk types once
    it is in front), then Qt's events processed until the app has received ``teclas`` presses
    (not counting Alt, Ctrl, Shift): the next step sees what they did, as after QTest's. A key
    that reaches none of the app's windows fails the test."""
    global _llegadas
    app = QApplication.instance()
    assert app is not None
    if _llegadas is None:
        _llegadas = _Llegadas()
        app.installEventFilter(_llegadas)
    ventana = widget.window()
    _hasta(
        lambda: widget.isActiveWindow() and _con_el_foco_de_x(ventana),
        lambda: f"«{que}»: {_nombre(ventana)} no quedó activa",
    )
    antes = len(_llegadas.vistas)
    subprocess.run(["xdotool", *argumentos], check=True)
    vistas = _llegadas.vistas
    _hasta(
        lambda: len(vistas) >= antes + teclas,
        lambda: f"«{que}» no llegó a la aplicación ({len(vistas) - antes} de {teclas} teclas)",
    )
    app.processEvents()


def _con_el_foco_de_x(ventana: QWidget) -> bool:
    """The X server sends the keys to ``ventana`` (Qt may call it active a moment before). A
    menu or a list that pops up takes the keys without the focus."""
    if ventana.windowType() == Qt.WindowType.Popup:
        return True
    hecho = subprocess.run(["xdotool", "getwindowfocus"], capture_output=True, text=True)
    return hecho.returncode == 0 and hecho.stdout.strip() == str(int(ventana.winId()))


def _hasta(condicion, falla) -> None:
    """Qt's events processed until ``condicion()``; else the test fails with ``falla()`` and
    the window that is active."""
    fin = time.monotonic() + ESPERA_MS / 1000
    while not condicion():
        if time.monotonic() > fin:
            raise AssertionError(
                f"{falla()}; ventana activa: {_nombre(QApplication.activeWindow())}"
            )
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _nombre(ventana: QWidget | None) -> str:
    if ventana is None:
        return "ninguna"
    return ventana.objectName() or type(ventana).__name__


# Every letter the guides' script types beyond ASCII, each on a key of its own. Without a key,
# xdotool would lend it one for the moment of the press, and Qt, reading the keyboard's map a
# moment later, could find it lent back already: the letter lost.
LETRAS = "áéíóúüñÁÉÍÓÚÜÑ¿¡«»°"


def letras_en_el_teclado(display: str, letras: str = LETRAS) -> None:
    """The keys of the X server at ``display`` that write nothing made to write ``letras``, one
    letter each (what a Spanish keyboard has and the X server's US one lacks)."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDisplayKeycodes.argtypes = [ctypes.c_void_p, *[ctypes.POINTER(ctypes.c_int)] * 2]
    x11.XGetKeyboardMapping.restype = ctypes.POINTER(ctypes.c_ulong)
    x11.XGetKeyboardMapping.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ubyte,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
    ]
    x11.XChangeKeyboardMapping.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.c_int,
    ]
    x11.XFree.argtypes = [ctypes.c_void_p]
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    pantalla = x11.XOpenDisplay(display.encode())
    assert pantalla, f"no se abrió la pantalla {display}"
    try:
        primera, ultima, por_tecla = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        x11.XDisplayKeycodes(pantalla, ctypes.byref(primera), ctypes.byref(ultima))
        cuantas = ultima.value - primera.value + 1
        mapa = x11.XGetKeyboardMapping(pantalla, primera.value, cuantas, ctypes.byref(por_tecla))
        n = por_tecla.value
        libres = [
            primera.value + i for i in range(cuantas) if not any(mapa[i * n + j] for j in range(n))
        ]
        x11.XFree(mapa)
        assert len(libres) >= len(letras), "el teclado del servidor X no tiene teclas libres"
        for codigo, letra in zip(libres, letras, strict=False):
            # A Latin-1 letter's keysym is its code; any other's, its code over 0x1000000.
            simbolo = ord(letra) if ord(letra) < 0x100 else 0x1000000 | ord(letra)
            x11.XChangeKeyboardMapping(pantalla, codigo, 1, (ctypes.c_ulong * 1)(simbolo), 1)
        x11.XSync(pantalla, 0)
    finally:
        x11.XCloseDisplay(pantalla)
