"""The application's look: the platform's own style (native on Windows), link-like flat
buttons, the Spanish Qt translation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icsoe_desktop.paths import resource_file

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QTranslator
    from PySide6.QtWidgets import QApplication

LINK_STYLE = """
QPushButton[flat="true"] {
    color: #0b5ed7; text-decoration: underline; border: none; padding: 2px 0px; text-align: left;
}
QPushButton[flat="true"]:focus { color: #084298; }
QPushButton[flat="true"]:disabled { color: #8a8a8a; }
"""
STYLE_SHEET = (
    LINK_STYLE
    + """
QLabel#obligatoriosLabel { color: #555555; }
"""
)


def apply_style(app: QApplication) -> None:
    """The app-wide style sheet, icon and Spanish Qt texts. run_gui applies them once the login
    answers: the sheet makes every widget of the first window slower to show (~6 ms,
    bench/startup.py), and the login carries its own (LOGIN_STYLE).

    The Qt types are imported here, not with the module (the login imports LINK_STYLE): QIcon
    and QLocale bring large enums (~2 ms).
    """
    from PySide6.QtCore import QLocale
    from PySide6.QtGui import QIcon

    from icsoe_desktop.gui.kit import colores

    colores.hoja(app, STYLE_SHEET)  # high contrast, a dark theme, followed when they change
    icon_path = resource_file("icsoe.svg")
    if icon_path.exists():
        app.setWindowIcon(QIcon(str(icon_path)))
    # Standard dialogs (file pickers, context menus) in Spanish.
    translator = spanish_qt_translator(app)
    if translator is not None:
        app.installTranslator(translator)
    app.installTranslator(teclas_de_windows(app))  # asked before the one above
    QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico))


def spanish_qt_translator(parent: QObject | None) -> QTranslator | None:
    """Qt's own Spanish texts (``qtbase_es.qm``); None when the installation lacks them."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(parent)
    if translator.load(
        QLocale("es_MX"),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        return translator
    return None


# The keys as Windows writes them in Spanish (its menus, Microsoft's style guide, the manual and
# the tooltips): Qt's Spanish translation writes «Control+Q», «Mayúsculas», «Av Pág».
TECLAS_DE_WINDOWS = {
    "Ctrl": "Ctrl",
    "Shift": "Mayús",
    "PgUp": "RePág",
    "PgDown": "AvPág",
    "Del": "Supr",
    "Ins": "Insert",
    "Esc": "Esc",
    "Return": "Enter",  # as the manual writes it, and the key on Mexican keyboards
    "Enter": "Enter",
    "Backspace": "Retroceso",
    "Tab": "Tab",
}


def teclas_de_windows(parent: QObject | None) -> QTranslator:
    """A translator of the key names alone (the ``QShortcut`` context, which a menu uses to
    write an action's shortcut); anything else falls through to the next translator."""
    from PySide6.QtCore import QTranslator

    class TeclasDeWindows(QTranslator):
        def translate(
            self, context: str, source: str, disambiguation: str | None = None, n: int = -1
        ) -> str | None:
            # None: not translated here (an empty text would be taken as the translation).
            return TECLAS_DE_WINDOWS.get(source) if context == "QShortcut" else None

        def isEmpty(self) -> bool:
            return False

    return TeclasDeWindows(parent)
