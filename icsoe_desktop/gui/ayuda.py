"""F1 anywhere: the Manual de usuario opens at the chapter of the window in use, at the page
of it in view (``lugar``).

Each window class of ``gui/`` names its chapter (and, where the chapter is long, the heading of
its section) in ``CAPITULOS`` (gui/capitulos.py); a test checks that every window has one and that each heading
exists. Kept light: it is installed at start-up (once the services are built), so it imports neither
QTextBrowser nor QtCore's ``Qt`` namespace (~17 ms to build), which the first F1 loads.

F1 is caught by an event filter on each top-level window, installed the first time the window
gets the focus (``focusChanged``), not on the whole application: an application-wide Python
filter would be called for every event of every widget (~5 µs each), the grid's included.
A key the focused widget does not take travels up to its window, where the filter sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from icsoe_desktop.gui.capitulos import CAPITULOS, INDICE, SI_ALGO_SALE_MAL, Capitulo

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

_INSTALADA = "icsoeAyudaF1"  # a window's dynamic property: its filter is in place
_KEY_PRESS = QEvent.Type.KeyPress

_PAQUETE = "icsoe_desktop.gui."


def _clave(cls: type) -> str | None:
    module = cls.__module__
    return (
        f"{module.removeprefix(_PAQUETE)}.{cls.__name__}" if module.startswith(_PAQUETE) else None
    )


# A window's dynamic property: the chapter of what it is doing now (``en_capitulo``), which wins
# over its class's while set.
_CAPITULO = "icsoeCapitulo"


@contextmanager
def en_capitulo(window: QWidget, capitulo: Capitulo) -> Iterator[None]:
    """While a flow of ``window`` runs (its file dialogs, its questions), F1 there opens
    ``capitulo``: Archivo › Respaldar… is told in the backups chapter, not the window's."""
    anterior = window.property(_CAPITULO)
    window.setProperty(_CAPITULO, "#".join(filter(None, capitulo)))
    try:
        yield
    finally:
        window.setProperty(_CAPITULO, anterior)


def capitulo_de(widget: QWidget | None) -> Capitulo:
    """The chapter of ``widget``: its own class's, else the nearest container's up to its window.

    A warning or an error box leads to «Si algo sale mal»; another box (a question) is its
    window's; a window inside a flow (``en_capitulo``) answers that flow's chapter."""
    from PySide6.QtWidgets import QMessageBox

    while widget is not None:
        marcado = widget.property(_CAPITULO)
        if marcado and not (
            isinstance(widget, QMessageBox)
            and widget.icon() in (QMessageBox.Icon.Warning, QMessageBox.Icon.Critical)
        ):
            archivo, _, seccion = str(marcado).partition("#")
            return Capitulo(archivo, seccion or None)
        if isinstance(widget, QMessageBox):
            if widget.icon() in (QMessageBox.Icon.Warning, QMessageBox.Icon.Critical):
                return Capitulo(SI_ALGO_SALE_MAL)
        else:
            for cls in type(widget).__mro__:
                clave = _clave(cls)
                if clave is not None and clave in CAPITULOS:
                    return CAPITULOS[clave]
        widget = widget.parentWidget()
    return Capitulo(INDICE)


def _con_capitulo_propio(pagina: QWidget) -> QWidget | None:
    """The page itself, or the outermost widget inside it, whose class has a chapter."""
    pendientes = [pagina]
    while pendientes:
        widget = pendientes.pop(0)
        if any(_clave(cls) in CAPITULOS for cls in type(widget).__mro__):
            return widget
        pendientes += [w for w in widget.children() if isinstance(w, QWidget)]
    return None


def lugar(ventana: QWidget, enfocado: QWidget | None) -> QWidget:
    """Where the clerk is in ``ventana``: the focused widget, unless a page in view (the
    current page of a tab or a stack) with a chapter of its own does not hold it. Just after
    clicking the tab Lotes the focus is still on the tab bar or a button of the window, while
    what the clerk looks at, and asks about, is Lotes."""
    from PySide6.QtWidgets import QStackedWidget

    origen = enfocado
    if origen is None or origen.window() is not ventana or not origen.isVisible():
        origen = ventana
    paginas = [
        pagina
        for stack in ventana.findChildren(QStackedWidget)
        if stack.isVisible() and (pagina := stack.currentWidget()) is not None
    ]
    # The innermost first: a page inside another page is nearer to what is in view.
    paginas.sort(key=lambda p: sum(1 for q in paginas if q.isAncestorOf(p)), reverse=True)
    for pagina in paginas:
        if pagina is origen or pagina.isAncestorOf(origen):
            return origen
        propio = _con_capitulo_propio(pagina)
        if propio is not None:
            return propio
    return origen


def abrir_desde(widget: QWidget | None) -> QWidget:
    """Open (or bring up) the manual at the chapter of ``widget``; returns the manual window."""
    from icsoe_desktop.gui.manual import abrir_manual

    capitulo = capitulo_de(widget)
    return abrir_manual(widget.window() if widget is not None else None, capitulo)


class AyudaF1(QObject):
    """Installed once per application (``instalar``): F1 in any window opens the manual."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        app.focusChanged.connect(self._al_enfocar)
        for window in app.topLevelWidgets():
            self._vigilar(window)

    def _al_enfocar(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None:
            self._vigilar(new.window())
            # And the focused widget itself: a few take every key and never pass F1 up
            # (the file name box of Qt's file dialog).
            self._vigilar(new)

    def _vigilar(self, window: QWidget) -> None:
        if not window.property(_INSTALADA):
            window.setProperty(_INSTALADA, True)
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != _KEY_PRESS or not isinstance(watched, QWidget):
            return False
        from PySide6.QtCore import Qt

        if event.key() != Qt.Key.Key_F1:  # type: ignore[attr-defined]  # a QKeyEvent (KeyPress)
            return False
        abrir_desde(lugar(watched.window(), QApplication.focusWidget()))
        return True


_instalado: list[AyudaF1] = []  # the one filter (not looked up: findChild costs ~7 ms at start)


def instalar(app: QApplication | None = None) -> AyudaF1:
    """F1 for every window of ``app`` (once: a second call returns the same filter)."""
    from shiboken6 import isValid

    app = app or QApplication.instance()  # type: ignore[assignment]  # checked below
    assert isinstance(app, QApplication)
    if _instalado and isValid(_instalado[0]) and _instalado[0].parent() is app:
        return _instalado[0]
    _instalado[:] = [AyudaF1(app)]
    return _instalado[0]


def menu_ayuda(ventana: QMainWindow, datos: Path) -> tuple[QAction, QAction]:
    """The *Ayuda* menu of a main window (IDSE's, the contratista's, the capturista's):
    *Manual de usuario* (F1: the manual at the chapter of what is in view) and *Acerca de
    icsoe-desktop* (the version and ``datos``, the data folder). Its two actions."""
    from PySide6.QtGui import QAction, QKeySequence

    ayuda = ventana.menuBar().addMenu("A&yuda")
    ayuda.setObjectName("ayudaMenu")
    manual = QAction("&Manual de usuario", ventana)
    manual.setObjectName("manualAction")
    manual.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    manual.triggered.connect(lambda: abrir_desde(lugar(ventana, ventana.focusWidget())))
    acerca = QAction("&Acerca de icsoe-desktop", ventana)
    acerca.setObjectName("acercaAction")
    acerca.triggered.connect(lambda: acerca_de(ventana, datos))
    ayuda.addAction(manual)
    ayuda.addAction(acerca)
    return manual, acerca


def acerca_de(ventana: QWidget, datos: Path) -> None:
    from icsoe_desktop import __version__
    from icsoe_desktop.gui.kit import msgbox

    msgbox.information(
        ventana,
        f"icsoe-desktop {__version__}\n\nConexión en línea con IDSE y administración de "
        f"capturistas ICSOE.\n\nDatos: {datos}",
        "Acerca de icsoe-desktop",
    )
