"""What a screen reader says for a field named by the label beside it (``QLabel.setBuddy``).

Qt reads such a field by its label's text as written on screen: «* Nombre(s):» was said as
«asterisco Nombre(s) dos puntos». The field is given the label's words alone («Nombre(s)»);
the «*» of a required field is said by the window's «* Datos obligatorios» note.
A name a window gives a field itself is kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QWidget

# The dynamic property holding the name taken from a label: a field whose name is still that
# one follows its label's new text; a name set otherwise is the window's own.
_DE_ETIQUETA = "nombreDeEtiqueta"
_ETIQUETA_HTML = re.compile(r"<[^>]*>")
_ENTIDAD = re.compile(r"&#?\w+;")


def limpio(texto: str) -> str:
    """``texto`` as said aloud: without markup, Alt-letter mark, required-field «*» nor the
    trailing «:»."""
    sin_marcas = _ETIQUETA_HTML.sub("", texto)
    if _ENTIDAD.search(sin_marcas):  # seldom: ``html`` and its table of names load only then
        import html

        sin_marcas = html.unescape(sin_marcas)
    sin_letra = sin_marcas.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(sin_letra.split()).strip(" *").removesuffix(":").strip(" *")


def nombrar_por_etiquetas(etiquetas: Iterable[QLabel]) -> None:
    """Each buddy of ``etiquetas`` named by its label's plain words, unless the window named
    it otherwise."""
    for etiqueta in etiquetas:
        campo = etiqueta.buddy()
        if campo is None:
            continue
        actual = campo.accessibleName()
        if actual and actual != campo.property(_DE_ETIQUETA):
            continue
        nombre = limpio(etiqueta.text())
        if nombre and nombre != actual:
            campo.setAccessibleName(nombre)
            campo.setProperty(_DE_ETIQUETA, nombre)


def nombrar_partes(window: QWidget) -> None:
    """The text box inside an editable combo box or a spin box (a date) is a part of its own
    to a screen reader (AT-SPI walks it): named as its box, unless the window named it."""
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit

    for caja in window.findChildren(QWidget):
        if isinstance(caja, QComboBox):
            texto = caja.lineEdit() if caja.isEditable() else None
        elif isinstance(caja, QAbstractSpinBox):
            texto = caja.findChild(QLineEdit)
        else:
            continue
        if texto is None or texto.accessibleName():
            continue
        interfaz = QAccessible.queryAccessibleInterface(caja)
        nombre = interfaz.text(QAccessible.Text.Name) if interfaz is not None else ""
        if nombre:
            texto.setAccessibleName(nombre)
