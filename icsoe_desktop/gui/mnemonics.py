"""Alt-letter mnemonics for a whole window: every button, check box and labelled field gets a
letter of its own (the guide's texts stay; only the underline is added). Letters already in a
text («&Guardar») or in the window's menu bar are kept and not reused."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractButton, QLabel, QMenuBar, QWidget


def _taken(text: str) -> str | None:
    """The letter after a single «&» (a doubled one is a literal ampersand)."""
    position = text.replace("&&", "").find("&")
    plain = text.replace("&&", "")
    return plain[position + 1].lower() if 0 <= position < len(plain) - 1 else None


def _choose(text: str, used: set[str]) -> int | None:
    """Index of the letter to underline: a word's first letter first, then any other."""
    letters = [i for i, c in enumerate(text) if c.isascii() and c.isalnum()]
    starts = [i for i in letters if i == 0 or not text[i - 1].isalnum()]
    others = [i for i in letters if i not in starts]
    for i in starts + others:
        if text[i].lower() not in used:
            return i
    return None


def assign(window: QWidget, widgets: Sequence[QWidget] | None = None) -> None:
    """Give a mnemonic to every button, check box and buddied label of ``window`` that has
    none, unique within it. Call it after the window's widgets exist. ``widgets``: the window's
    controls in order, for a window without a menu bar that must not look through all its
    children (the login: wrapping each child Qt object for Python costs ~3 ms at start-up)."""
    used: set[str] = set()
    if widgets is None:
        for bar in window.findChildren(QMenuBar):
            for action in bar.actions():
                if letter := _taken(action.text()):
                    used.add(letter)
        widgets = window.findChildren(QWidget)
    pending: list[QAbstractButton | QLabel] = [
        widget for widget in widgets if not widget.isWindow() and _labelled(widget)
    ]
    for widget in pending:
        if letter := _taken(widget.text()):
            used.add(letter)
    for widget in pending:
        text = widget.text()
        if "&" in text.replace("&&", ""):
            continue
        index = _choose(_visible_prefix(text), used)
        if index is None:
            continue
        used.add(text[index].lower())
        widget.setText(text[:index] + "&" + text[index:])


def _visible_prefix(text: str) -> str:
    """Rich-text labels: only the text before the first tag may carry the letter."""
    return text.split("<", 1)[0]


def _labelled(widget: QWidget) -> bool:
    if isinstance(widget, QAbstractButton):
        return bool(widget.text())
    return isinstance(widget, QLabel) and widget.buddy() is not None and bool(widget.text())
