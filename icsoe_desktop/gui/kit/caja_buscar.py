"""The find box of the worker lists (Movimientos, Lotes, the informativa's workers): the
beginning of an NSS, a CURP or a name (domain/buscar.py), searched as the clerk types, once
they pause; Ctrl+F goes to it, Escape empties it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLineEdit, QWidget

PLACEHOLDER = "Buscar por NSS, CURP o nombre"
AYUDA = (
    "Escribe el principio del NSS, de la CURP o del nombre (apellidos y nombre, o nombre y "
    "apellidos); no importan acentos ni mayúsculas. Ctrl+F lleva aquí; Esc borra la búsqueda."
)
PAUSA_MS = 250  # the search waits for the clerk to pause: one search per word, not per letter


class CajaBuscar(QLineEdit):
    """``buscar(texto)`` once the clerk pauses (at once when Escape empties it). Ctrl+F anywhere
    in the window of ``ambito`` (the list's window or panel) focuses it, while it is shown:
    from the button row or with nothing focused as well as from the list."""

    buscar = Signal(str)

    def __init__(self, ambito: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent or ambito)
        self.setObjectName("buscarEdit")
        self.setPlaceholderText(PLACEHOLDER)
        self.setToolTip(AYUDA)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(PLACEHOLDER) + 48)
        self._pausa = QTimer(self)
        self._pausa.setSingleShot(True)
        self._pausa.setInterval(PAUSA_MS)
        self._pausa.timeout.connect(self.buscar_ya)
        self.textEdited.connect(lambda _t: self._pausa.start())
        self._buscado = ""
        # Enabled only while the box shows: two lists of one window (the grid and Lotes) each
        # have one, and a hidden one must not take Ctrl+F from the other.
        self.atajo = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), ambito)
        self.atajo.setContext(Qt.ShortcutContext.WindowShortcut)
        self.atajo.activated.connect(self.enfocar)

    def enfocar(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def vaciar(self) -> None:
        """Empty the box and show the whole list again, at once."""
        self.clear()
        self.buscar_ya()

    def buscar_ya(self) -> None:
        """Search what the box holds now, if it changed."""
        self._pausa.stop()
        if self.text() != self._buscado:
            self._buscado = self.text()
            self.buscar.emit(self._buscado)

    def event(self, event: QEvent) -> bool:
        # Escape empties a box with text before the window's own Escape (closing it) sees it.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.text()
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.vaciar()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.buscar_ya()  # no wait for the pause
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self.atajo.setEnabled(True)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.atajo.setEnabled(False)
        super().hideEvent(event)
