"""What a screen reader (Narrador, NVDA) says without the focus moving: a state a clerk waits
for (busy, found, synchronised) or an error written on the window instead of in a box. A
message box needs none of this: Qt announces it as an alert when it opens.

Nothing is said from a window not on screen yet (the first window writes its state before it
shows): Qt's classes are imported when something is said, so that the first window builds
neither ``QEvent``'s enums nor the ``Qt`` namespace's (bench/startup.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def describir_lista(vista: QWidget, filas: str) -> None:
    """A list or grid, named by a group's title or its own name and no label beside it: what
    its rows are and how the keys move in it, said after its name."""
    vista.setAccessibleDescription(f"{filas}. Las flechas recorren las filas; Tab sale de ella.")


def decir(widget: QWidget, texto: str, *, urgente: bool = False) -> None:
    """Say ``texto`` from ``widget``; ``urgente`` (an error) interrupts what is being read,
    otherwise it waits its turn."""
    texto = texto.strip()
    if not texto or not widget.window().isVisible():
        return
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    event = QAccessibleAnnouncementEvent(widget, texto)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if urgente
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)


def estado(label: QLabel, texto: str, *, urgente: bool = False) -> None:
    """Write ``texto`` on a window's state line and say it (rich text said as plain)."""
    label.setText(texto)
    if not texto.strip() or not label.window().isVisible():
        return
    from PySide6.QtGui import Qt, QTextDocumentFragment  # QtGui's Qt: mightBeRichText

    if label.textFormat() != Qt.TextFormat.PlainText and Qt.mightBeRichText(texto):
        texto = QTextDocumentFragment.fromHtml(texto).toPlainText()
    decir(label, texto, urgente=urgente)
