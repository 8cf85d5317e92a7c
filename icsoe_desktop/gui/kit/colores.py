"""The colours that carry meaning (an error in red, a deadline met in green, a note in grey,
the titles in the IMSS green, links in blue), taken from the palette the system gives.

Windows high contrast (and a dark theme) replaces the palette: a fixed red on its black
background cannot be read, and a fixed light background under its white text hides the text.
So a brand colour is used only where it reads on the palette's own background (WCAG's 4.5:1)
and the system does not ask for high contrast; otherwise the palette's text colour (or its link
colour) stands in. Point sizes written in rich text grow with the system's text. Every coloured
text goes through here: the code's through ``css``, the forms' (ui/*.ui) through
``adaptar_formulario`` when they are loaded."""

from __future__ import annotations

import functools
import re

from PySide6.QtGui import QColor, QGuiApplication, QPalette, Qt
from PySide6.QtWidgets import QLabel, QWidget

ERROR, AVISO, EXITO, NOTA, TITULO, ENLACE = "error", "aviso", "exito", "nota", "titulo", "enlace"
INACTIVO = "inactivo"  # a link that cannot be followed now
# Each colour the forms and the code write, and what it means.
MARCA: dict[str, str] = {
    "#b00020": ERROR,
    "#b71c1c": ERROR,
    "#9f2241": ERROR,
    "#a15c00": AVISO,
    "#8a5a00": AVISO,
    "#1e7b34": EXITO,
    "#1b5e20": EXITO,
    "#555555": NOTA,
    "#13322b": TITULO,
    "#0b5ed7": ENLACE,
    "#084298": ENLACE,
    "#8a8a8a": INACTIVO,
}
PROPIO = {ERROR: "#b00020", AVISO: "#a15c00", EXITO: "#1e7b34", NOTA: "#555555"}
PROPIO |= {TITULO: "#13322b", ENLACE: "#0b5ed7", INACTIVO: "#8a8a8a"}
# A note's background and border (the login's first step), where the palette is light.
FONDO_AVISO, BORDE_AVISO = "#fff4e0", "#e0b060"
CONTRASTE_MINIMO = 4.5
CONTRASTE_INACTIVO = 2.5  # greyed text is meant to read fainter
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_PUNTOS = re.compile(r"(font-size:\s*)(\d+(?:\.\d+)?)pt")
PUNTOS_DEL_SISTEMA = 9.0  # Windows' text (Segoe UI 9 pt) at 100 %, the sizes written for it
BASE, WINDOW = QPalette.ColorRole.Base, QPalette.ColorRole.Window  # a grid's cells, a window


def alto_contraste() -> bool:
    hints = QGuiApplication.styleHints()  # held: its wrapper going first invalidates the child's
    preferencia = hints.accessibility().contrastPreference()
    return preferencia == Qt.ContrastPreference.HighContrast


def _luminancia(color: QColor) -> float:
    def canal(valor: float) -> float:
        return valor / 12.92 if valor <= 0.03928 else ((valor + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * canal(color.redF())
        + 0.7152 * canal(color.greenF())
        + 0.0722 * canal(color.blueF())
    )


def contraste(a: QColor, b: QColor) -> float:
    """WCAG's contrast ratio, 1 (the same) to 21 (black on white)."""
    claro, oscuro = sorted((_luminancia(a), _luminancia(b)), reverse=True)
    return (claro + 0.05) / (oscuro + 0.05)


def color(rol: str, fondo: QPalette.ColorRole = WINDOW) -> QColor:
    """The colour of ``rol`` on the palette's ``fondo`` (BASE for a grid's cells)."""
    palette = QGuiApplication.palette()
    return QColor(_color(rol, fondo, palette.cacheKey(), alto_contraste()))


@functools.lru_cache(maxsize=64)  # a grid asks for each painted cell; the palette seldom changes
def _color(rol: str, fondo: QPalette.ColorRole, _paleta: int, alto: bool) -> QColor:
    palette = QGuiApplication.palette()
    grupo = QPalette.ColorGroup.Disabled if rol == INACTIVO else QPalette.ColorGroup.Active
    if rol == ENLACE:
        papel = QPalette.ColorRole.Link
    elif fondo == QPalette.ColorRole.Base:
        papel = QPalette.ColorRole.Text
    else:
        papel = QPalette.ColorRole.WindowText
    texto = palette.color(grupo, papel)
    if alto:
        return texto
    propio = QColor(PROPIO[rol])
    minimo = CONTRASTE_INACTIVO if rol == INACTIVO else CONTRASTE_MINIMO
    return propio if contraste(propio, palette.color(fondo)) >= minimo else texto


def se_ve(rol: str, fondo: QPalette.ColorRole = WINDOW) -> bool:
    """``rol`` is shown in its own colour, not in the text's that stands in for it: only then
    may a text say «en rojo»."""
    palette = QGuiApplication.palette()
    texto = QPalette.ColorRole.Text if fondo == BASE else QPalette.ColorRole.WindowText
    return color(rol, fondo) != palette.color(texto)


def css(rol: str) -> str:
    """``color(rol)`` as a style sheet or rich text writes it (#rrggbb)."""
    return color(rol).name()


def banda(fondo: str) -> str:
    """A band's colours (white bold text on ``fondo``, a strong red): the palette's highlight
    where the system asks for high contrast."""
    if alto_contraste():
        return "background: palette(highlight); color: palette(highlighted-text);"
    return f"background: {fondo}; color: white;"


def _aviso_propio() -> bool:
    """The note's own light background reads under the palette's text."""
    texto = QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    return not alto_contraste() and contraste(QColor(FONDO_AVISO), texto) >= CONTRASTE_MINIMO


def _sustituto(hexa: str) -> str:
    hexa = hexa.lower()
    if hexa == FONDO_AVISO:
        return hexa if _aviso_propio() else "palette(base)"
    if hexa == BORDE_AVISO:
        return hexa if _aviso_propio() else "palette(window-text)"
    return css(MARCA[hexa]) if hexa in MARCA else hexa


def adaptar(texto: str) -> str:
    """``texto`` (rich text, a style sheet) as the system asks: each meaningful colour as the
    palette reads it, each point size grown as the system's text is (Windows' «Tamaño del
    texto» at 150 % or 200 %: a title written at 13 pt stays a title above larger text)."""
    texto = _HEX.sub(lambda m: _sustituto(m.group()), texto)
    return _PUNTOS.sub(_escalado, texto)


def _escalado(m: re.Match[str]) -> str:
    factor = max(1.0, QGuiApplication.font().pointSizeF() / PUNTOS_DEL_SISTEMA)
    return f"{m.group(1)}{float(m.group(2)) * factor:g}pt"


def adaptar_formulario(form: QWidget) -> None:
    """The colours and sizes a form (ui/*.ui) writes in its labels and style sheets, as
    ``adaptar``."""
    for widget in [form, *form.findChildren(QWidget)]:
        hoja = widget.styleSheet()
        if hoja:
            widget.setStyleSheet(adaptar(hoja))
        if isinstance(widget, QLabel) and "style=" in widget.text():
            widget.setText(adaptar(widget.text()))
