"""Driving modal dialogs and message boxes for real: a timer watches for the active modal
widget (inside its own exec loop), records message boxes and clicks their buttons. Also: Qt
scripts run in a process of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget

ROOT = Path(__file__).resolve().parents[2]
# An answer for ``ModalDriver.answer``: press Enter in the box (its default button answers).
ENTER = "<Enter>"
# An answer pressing a button's Alt-letter in the box: ``alt("N")``.
ALT = "<Alt+"


# An answer reaching a button without a letter by keyboard: Tab until it has the focus, then
# Space: ``tab_hasta("Guardar constancia…")``.
TAB_HASTA = "<Tab hasta:"


def alt(letter: str) -> str:
    return f"{ALT}{letter.upper()}>"


# An answer pressing Alt and the letter the box's button of that text shows (read from the
# button on screen): ``alt_de("Guardar constancia…")``.
ALT_DE = "<Alt de:"


def alt_de(texto: str) -> str:
    return f"{ALT_DE}{texto}>"


def tab_hasta(boton: str) -> str:
    return f"{TAB_HASTA}{boton}>"


@dataclass(frozen=True)
class Seen:
    title: str
    text: str
    icon: QMessageBox.Icon
    buttons: tuple[str, ...]


_ATENDIDA = "pruebaVentanaAtendida"


class ModalDriver:
    def __init__(self) -> None:
        self.messages: list[Seen] = []
        self.dialogs: list[QWidget] = []
        self._answers: deque[str] = deque()
        self._handlers: deque[Callable[[QWidget], None]] = deque()
        self._handled: list[QWidget] = []
        self._tick = False
        self.error: BaseException | None = None  # raised by a dialog's handler
        # Keyboard only: a box or dialog the test left without a key to answer it fails the
        # test instead of being clicked or closed by the driver (a box a clerk without a mouse
        # could not answer would otherwise pass unseen).
        self.solo_teclado = False
        self._timer = QTimer()
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def answer(self, *buttons: str) -> None:
        """Texts of the buttons to click on the next message boxes (default: the first one)."""
        self._answers.extend(buttons)

    def tick(self) -> None:
        """The next message box with a check box («No volver a preguntar…»): tick it first."""
        self._tick = True

    def handle(self, fn: Callable[[QWidget], None]) -> None:
        """What to do with the next modal dialog that is not a message box (default: reject)."""
        self._handlers.append(fn)

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    def _poll(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or isinstance(widget, QProgressDialog) or not widget.isVisible():
            return
        # Marked on the Qt object, not by the Python wrapper's identity: a dialog freed after
        # its answer may leave its wrapper to the next one Qt builds at the same address, which
        # would then never be answered.
        if widget.property(_ATENDIDA):
            return
        widget.setProperty(_ATENDIDA, True)
        self._handled.append(widget)
        # Dispatch from a fresh timer: a handler may open nested modal loops (click Guardar →
        # message box), and Qt never re-enters this polling timer's own slot while it runs.
        QTimer.singleShot(0, lambda: self._dispatch(widget))

    def _dispatch(self, widget: QWidget) -> None:
        from shiboken6 import isValid

        # Polled a turn ago: a window that closed meanwhile (on a loaded machine) is left be.
        if not isValid(widget) or not widget.isVisible():
            return
        from tests.gui.teclas import al_aparecer

        try:
            al_aparecer(widget)
        except AssertionError as exc:
            self.error = self.error or exc
        if isinstance(widget, QMessageBox):
            try:
                self._responder(widget)
            except BaseException as exc:  # the test fails with it, instead of waiting forever
                self.error = self.error or exc
                if isValid(widget) and widget.isVisible():
                    widget.reject()
            return
        self.dialogs.append(widget)
        if self._handlers:
            try:
                self._handlers.popleft()(widget)
            except BaseException as exc:  # the test fails with it, instead of waiting forever
                self.error = self.error or exc
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.reject()
        elif self.solo_teclado:
            self.error = self.error or AssertionError(
                f"diálogo «{widget.windowTitle()}» sin respuesta por teclado"
            )
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        elif isinstance(widget, QDialog):
            try:
                widget.reject()
            except RuntimeError:  # its controls were being deleted as it closed by itself
                if isValid(widget) and widget.isVisible():
                    raise

    def _responder(self, widget: QMessageBox) -> None:
        buttons = widget.buttons()
        self.messages.append(
            Seen(
                widget.windowTitle(),
                widget.text(),
                widget.icon(),
                tuple(sin_letra(b.text()) for b in buttons),
            )
        )
        if self._tick and (casilla := widget.checkBox()) is not None:
            assert not self.solo_teclado, "la casilla se marcaría con un clic"
            self._tick = False
            click_box(casilla)
        if self.solo_teclado and not self._answers:
            raise AssertionError(f"«{widget.text()}» sin respuesta por teclado")
        wanted = self._answers.popleft() if self._answers else buttons[0].text()
        if wanted.startswith(TAB_HASTA):
            _tab_hasta(widget, wanted.removeprefix(TAB_HASTA).removesuffix(">"))
            return
        if wanted.startswith(ALT_DE):
            texto = wanted.removeprefix(ALT_DE)[:-1]
            letra = _letra_del_boton(widget, texto)
            if letra is None:
                raise AssertionError(f"«{texto}» sin letra")
            wanted = alt(letra)
        if wanted == ENTER or wanted.startswith(ALT):
            from PySide6.QtCore import Qt

            from tests.gui.teclas import pulsar

            if wanted == ENTER:
                pulsar(widget, Qt.Key.Key_Return)
            else:
                key = getattr(Qt.Key, f"Key_{wanted.removeprefix(ALT).rstrip('>')}")
                pulsar(widget, key, Qt.KeyboardModifier.AltModifier)
            return
        assert not self.solo_teclado, f"«{wanted}» se pulsaría con un clic en «{widget.text()}»"
        matching = [b for b in buttons if sin_letra(b.text()) == sin_letra(wanted)]
        assert matching, f"no button {wanted!r} in box {widget.text()!r}"
        matching[0].click()

    def stop(self) -> None:
        """The timer stopped and what it saw let go: the dialogs it answered are freed with
        their tests, not by the garbage collector in the middle of a later one."""
        self._timer.stop()
        self._timer.timeout.disconnect(self._poll)
        self.dialogs.clear()
        self._handled.clear()
        self._handlers.clear()
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def _letra_del_boton(box: QMessageBox, texto: str) -> str | None:
    """The letter the box's button ``texto`` shows underlined; None if it shows none."""
    escritos = [b.text() for b in box.buttons() if sin_letra(b.text()) == sin_letra(texto)]
    escrito = escritos[0].replace("&&", "") if escritos else ""
    return escrito[escrito.index("&") + 1] if "&" in escrito[:-1] else None


def _tab_hasta(box: QMessageBox, texto: str) -> None:
    from PySide6.QtCore import Qt

    from tests.gui.teclas import pulsar

    for _ in range(len(box.buttons()) + 1):
        boton = box.focusWidget()  # the box's own focus: offscreen, no window is active
        if boton is not None and sin_letra(getattr(boton, "text", str)()) == sin_letra(texto):
            pulsar(boton, Qt.Key.Key_Space)
            return
        pulsar(boton or box, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab no llega a «{texto}» en «{box.text()}»")


def click_box(check: QWidget) -> None:
    """A real click on a check box's box."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    QTest.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def sin_letra(text: str) -> str:
    """A button's text as read, without the «&» of its Alt-letter («&Sí» → «Sí»)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def click(qtbot, widget: QWidget) -> None:
    """A real left click; on a check box or radio button, on its box (a wide one's centre is
    empty)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QCheckBox, QRadioButton

    boxed = isinstance(widget, QCheckBox | QRadioButton)
    pos = QPoint(8, widget.height() // 2) if boxed else widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type like a user. QTest.keyClicks aborts on non-ASCII (qasciikey.cpp), so accented
    letters go as real key events carrying their text."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget,
                    QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char),
                )


def wait_operations(qtbot, timeout: int = 30_000) -> None:
    """Until every background operation reported (its callbacks ran, its boxes answered).
    Not from inside a callback (a handler of a dialog one opened): it would wait on itself."""
    from icsoe_desktop.gui.kit.operaciones import en_curso

    qtbot.waitUntil(lambda: en_curso() == 0, timeout=timeout)


@contextmanager
def pool_ocupado(qtbot) -> Iterator[None]:
    """Every thread of the background pool busy with other work (two sorts being prepared on a
    two-core machine): work started meanwhile waits its turn, so a Cancelar pressed now comes
    before it starts. Released on leaving."""
    from PySide6.QtCore import QRunnable, QThreadPool

    pool = QThreadPool.globalInstance()
    libre = threading.Event()
    for _ in range(pool.maxThreadCount()):
        pool.start(QRunnable.create(lambda: libre.wait(60)))
    try:
        qtbot.waitUntil(lambda: pool.activeThreadCount() >= pool.maxThreadCount())
        yield
    finally:
        libre.set()


def pulsar_cancelar(qtbot, window: QWidget) -> None:
    """Cancelar of the progress bar shown over ``window``."""
    from PySide6.QtWidgets import QPushButton

    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)))
    (dialogo,) = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    (cancelar,) = [b for b in dialogo.findChildren(QPushButton) if b.text() == "Cancelar"]
    click(qtbot, cancelar)


def run_qt_script(folder: Path, script: str, *args: str, timeout: int = 120) -> str:
    """``script`` run by Python in a process of its own (offscreen Qt, this checkout's package):
    for what could leave the test's own process broken. Its output; its error if it failed."""
    path = folder / "guion.py"
    path.write_text(script, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env["PYTHONFAULTHANDLER"] = "1"
    done = subprocess.run(
        [sys.executable, str(path), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def paleta_de_alto_contraste() -> QPalette:
    """Windows' «Cielo nocturno»: white text on black, yellow links, cyan selection."""
    palette = QPalette()
    negro, blanco = QColor("#000000"), QColor("#ffffff")
    for rol in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(rol, negro)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#1c1c1c"))
    for rol in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(rol, blanco)
    palette.setColor(QPalette.ColorRole.ButtonText, blanco)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#c0c0c0"))
    for rol in (QPalette.ColorRole.Light, QPalette.ColorRole.Mid, QPalette.ColorRole.Dark):
        palette.setColor(rol, blanco)  # the borders of boxes and buttons
    palette.setColor(QPalette.ColorRole.Link, QColor("#ffff00"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1aebff"))
    palette.setColor(QPalette.ColorRole.HighlightedText, negro)
    disabled = QPalette.ColorGroup.Disabled
    for rol in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(disabled, rol, QColor("#3ff23f"))
    return palette


def codigo_guardado(services, actor: str) -> None:
    """The administrator already confirmed the stores' recovery code (Configuración inicial opens
    at its first step, not at the code's page)."""
    codigo = services.codigo_recuperacion.mostrar(actor)
    services.codigo_recuperacion.confirmar(actor, codigo.split("-")[-1])
