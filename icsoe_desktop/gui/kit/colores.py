"""The colours that carry meaning (an error in red, a deadline met in green, a note in grey,
the titles in the IMSS green, links in blue), taken from the palette the system gives.

Windows high contrast (and a dark theme) replaces the palette: a fixed red on its black
background cannot be read, and a fixed light background under its white text hides the text.
So a brand colour is used only where it reads on the palette's own background (WCAG's 4.5:1)
and the system does not ask for high contrast; otherwise the palette's text colour (or its link
colour) stands in. Point sizes written in rich text grow with the system's text. Every coloured
text goes through here: the code's through ``css``, the forms' (ui/*.ui) through
``adaptar_formulario`` when they are loaded.

The system may switch high contrast or a dark theme on while windows are open: the style
sheets and labels set through ``hoja``, ``texto`` and ``adaptar_formulario`` keep the colours
they were written with, and follow each change of the palette or of the system's colour
scheme (``seguir_paleta``). One the code sets again by itself stops being followed: it is
written with the palette of that moment. A text whose words depend on the palette too («en
rojo») is written again by its window on ``aviso().cambio``, heard after the followed ones."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

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
# A band's colours (``banda``) written in a followed style sheet: «banda(#b00020)».
# What ``adaptar`` rewrites: «#rrggbb» (not a band's), «banda(#rrggbb)», «font-size: 9pt». Read
# without regular expressions: compiling three costs the first window ~1.7 M instructions
# (bench/startup.py --instructions).
_HEXADECIMAL = frozenset("0123456789abcdefABCDEF")
_BANDA, _TAMANO = "banda(", "font-size:"
_CLAVE_CONTRASTE = r"Control Panel\Accessibility\HighContrast"
PUNTOS_DEL_SISTEMA = 9.0  # Windows' text (Segoe UI 9 pt) at 100 %, the sizes written for it
BASE, WINDOW = QPalette.ColorRole.Base, QPalette.ColorRole.Window  # a grid's cells, a window


# While the first window is built: high contrast as the system keeps it (``suponer_contraste``).
# Qt's answer is an enum of the ``Qt`` namespace, whose first use builds every enum of it
# (~125 M instructions, bench/startup.py); it is asked once the window is on screen.
_supuesto: bool | None = None


def alto_contraste() -> bool:
    if _supuesto is not None:
        return _supuesto
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()  # held: its wrapper going first invalidates the child's
    preferencia = hints.accessibility().contrastPreference()
    return preferencia == Qt.ContrastPreference.HighContrast


def suponer_contraste(alto: bool | None = None) -> None:
    """Until ``preguntar_contraste``, colours are chosen as if high contrast were ``alto``
    (None: as the system keeps it, read without Qt)."""
    global _supuesto
    _supuesto = contraste_del_sistema() if alto is None else alto


def preguntar_contraste() -> None:
    """Qt is asked from now on; the followed texts are written again where its answer is not
    the one supposed."""
    global _supuesto, _paleta_supuesta
    supuesto, _supuesto = _supuesto, None
    paleta, _paleta_supuesta = _paleta_supuesta, None
    if paleta is not None:  # watching was put off (``_vigilar``): from now on
        _vigilar()
    if (supuesto is not None and supuesto != alto_contraste()) or (
        paleta is not None and paleta != QGuiApplication.palette().cacheKey()
    ):
        _cambio()


def contraste_del_sistema() -> bool:
    """Windows' high contrast as its registry keeps it (HCF_HIGHCONTRASTON, the bit
    SystemParametersInfo(SPI_GETHIGHCONTRAST) reads); elsewhere False until Qt is asked."""
    if sys.platform != "win32":
        return False
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _CLAVE_CONTRASTE) as clave:
            banderas, _tipo = winreg.QueryValueEx(clave, "Flags")
        return bool(int(banderas) & 1)
    except (OSError, ValueError):
        return False


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
    hecho = _color(rol, fondo, palette.cacheKey(), alto_contraste())
    return hecho.convertTo(hecho.spec())  # a copy: QColor(QColor) would build ``Qt``'s enums


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
    return _escalar(_colores(texto))


def _colores(texto: str) -> str:
    texto = _reescribir(texto, "#", _color_escrito)
    return _reescribir(texto, _BANDA, _banda_escrita)


def _escalar(texto: str) -> str:
    """``texto``'s point sizes grown as the system's text is."""
    factor: list[float] = []  # the system's, read at the first size found

    def crecido(texto: str, donde: int) -> tuple[int, str] | None:
        numero = donde + len(_TAMANO)
        while numero < len(texto) and texto[numero].isspace():
            numero += 1
        fin = _cifras(texto, numero)
        if (
            fin > numero
            and texto.startswith(".", fin)
            and (decimales := _cifras(texto, fin + 1)) > fin + 1
        ):
            fin = decimales
        if fin == numero or not texto.startswith("pt", fin):
            return None
        if not factor:
            factor.append(max(1.0, _puntos_del_texto() / PUNTOS_DEL_SISTEMA))
        return fin + 2, f"{texto[donde:numero]}{float(texto[numero:fin]) * factor[0]:g}pt"

    return _reescribir(texto, _TAMANO, crecido)


def _reescribir(texto: str, marca: str, nuevo: Callable[[str, int], tuple[int, str] | None]) -> str:
    """``texto`` with what ``nuevo`` reads at each ``marca`` (where it ends, what replaces it)
    replaced, left to right; where it reads nothing, the text stays."""
    partes: list[str] = []
    hecho = 0
    donde = texto.find(marca)
    while donde >= 0:
        leido = nuevo(texto, donde)
        if leido is None:
            donde = texto.find(marca, donde + 1)
            continue
        fin, reemplazo = leido
        partes += (texto[hecho:donde], reemplazo)
        hecho = fin
        donde = texto.find(marca, fin)
    return "".join(partes) + texto[hecho:] if partes else texto


def _cifras(texto: str, desde: int) -> int:
    """Where the digits from ``desde`` end."""
    while desde < len(texto) and texto[desde].isdecimal():
        desde += 1
    return desde


def _hexadecimal(texto: str, donde: int) -> bool:
    """«#rrggbb» at ``donde``."""
    cifras = texto[donde + 1 : donde + 7]
    return texto.startswith("#", donde) and len(cifras) == 6 and _HEXADECIMAL.issuperset(cifras)


def _color_escrito(texto: str, donde: int) -> tuple[int, str] | None:
    """A colour «#rrggbb» standing alone (not a band's, not followed by a letter or digit)."""
    fin = donde + 7
    if not _hexadecimal(texto, donde) or texto.endswith(_BANDA, 0, donde):
        return None
    if fin < len(texto) and (texto[fin].isalnum() or texto[fin] == "_"):
        return None
    return fin, _sustituto(texto[donde:fin])


def _banda_escrita(texto: str, donde: int) -> tuple[int, str] | None:
    color = donde + len(_BANDA)
    if not _hexadecimal(texto, color) or not texto.startswith(")", color + 7):
        return None
    return color + 8, banda(texto[color : color + 7])


def _puntos_del_texto() -> float:
    """The application's font size, read through a widget never shown (it has that font): a
    QFont in Python would build its class's enums before the first window (bench/startup.py)."""
    if not isinstance(QApplication.instance(), QApplication):  # no widget can exist
        return PUNTOS_DEL_SISTEMA
    return QWidget().fontInfo().pointSizeF()


def adaptar_formulario(form: QWidget) -> None:
    """The colours and sizes a form (ui/*.ui) writes in its labels and style sheets, as
    ``adaptar``, followed as the palette changes."""
    for widget in [form, *form.findChildren(QWidget)]:
        if widget.styleSheet():
            hoja(widget, widget.styleSheet())
        if isinstance(widget, QLabel) and "style=" in widget.text():
            texto(widget, widget.text())


# --- following the palette -----------------------------------------------------------------------


class _Seguido(NamedTuple):
    """A kind of followed text: the dynamic properties that keep what was written (colours
    as written, sizes grown) and what was set, and how it is read and set on an object."""

    escrito: str
    puesto: str
    leer: Callable[[QObject], str | None]
    poner: Callable[[QObject, str], None]


def _hoja_de(objeto: QObject) -> str | None:
    return objeto.styleSheet() if isinstance(objeto, QWidget | QApplication) else None


def _hoja_a(objeto: QObject, puesta: str) -> None:
    objeto.setStyleSheet(puesta)  # type: ignore[attr-defined]  # a widget or the app


def _texto_de(objeto: QObject) -> str | None:
    return objeto.text() if isinstance(objeto, QLabel) else None


def _texto_a(objeto: QObject, puesto: str) -> None:
    objeto.setText(puesto)  # type: ignore[attr-defined]  # a label


_HOJA = _Seguido("coloresHojaEscrita", "coloresHojaPuesta", _hoja_de, _hoja_a)
_TEXTO = _Seguido("coloresTextoEscrito", "coloresTextoPuesto", _texto_de, _texto_a)


def hoja(objeto: QWidget | QApplication, escrita: str) -> None:
    """``objeto.setStyleSheet(adaptar(escrita))``, followed as the palette changes. A band's
    colours are written «banda(#rrggbb)»."""
    _poner(objeto, _escalar(escrita), _HOJA)


def texto(label: QLabel, escrito: str) -> None:
    """``label.setText(adaptar(escrito))``, followed as the palette changes."""
    _poner(label, _escalar(escrito), _TEXTO)


def pintar(widget: QWidget, rol: str) -> None:
    """``widget``'s text in the colour of ``rol``, followed as the palette changes."""
    hoja(widget, f"color: {PROPIO[rol]};")


def _poner(objeto: QObject, escrito: str, clase: _Seguido) -> None:
    puesto = _colores(escrito)
    clase.poner(objeto, puesto)
    objeto.setProperty(clase.escrito, escrito)
    objeto.setProperty(clase.puesto, puesto)
    _vigilar()


def seguir_paleta() -> None:
    """Every followed style sheet and label written again with the palette of now."""
    global _pendiente
    _pendiente = False
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    objetos: list[QWidget | QApplication] = [app, *QApplication.allWidgets()]
    for objeto in objetos:
        for clase in (_HOJA, _TEXTO):
            escrito = objeto.property(clase.escrito)
            if escrito is None or (actual := clase.leer(objeto)) is None:
                continue
            if actual != objeto.property(clase.puesto):  # set again by its code: its own now
                objeto.setProperty(clase.escrito, None)
                continue
            _poner(objeto, escrito, clase)
    if _aviso is not None:
        _aviso.cambio.emit()


class _Aviso(QObject):
    """``cambio``: the palette, colour scheme or contrast changed, the followed texts already
    written again. A window connects a method of its own: freed with it."""

    cambio = Signal()


_aviso: _Aviso | None = None


def aviso() -> _Aviso:
    global _aviso
    if _aviso is None:
        _aviso = _Aviso()
        _vigilar()
    return _aviso


_vigilando = False
_pendiente = False
# The palette's key when watching was put off (``_vigilar``), compared once it starts.
_paleta_supuesta: int | None = None


def _vigilar() -> None:
    """Once: each change of the palette, the colour scheme or the contrast asks the followed
    texts to be written again, once for a burst of them (Windows sends several)."""
    global _vigilando, _paleta_supuesta
    app = QApplication.instance()
    if _vigilando or not isinstance(app, QApplication):
        return
    if _supuesto is not None:
        # While the first window is built (``suponer_contraste``): the style hints' classes
        # would be built before it (~2 M instructions, bench/startup.py --instructions).
        # ``preguntar_contraste`` starts watching, written again if the palette changed.
        if _paleta_supuesta is None:
            _paleta_supuesta = app.palette().cacheKey()
        return
    _vigilando = True
    hints = app.styleHints()
    app.paletteChanged.connect(_cambio)
    hints.colorSchemeChanged.connect(_cambio)
    hints.accessibility().contrastPreferenceChanged.connect(_cambio)


def _cambio(*_args: object) -> None:
    global _pendiente
    if not _pendiente:
        _pendiente = True
        QTimer.singleShot(0, seguir_paleta)
