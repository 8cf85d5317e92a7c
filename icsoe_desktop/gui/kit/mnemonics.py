"""Alt-letter mnemonics for a whole window: every button, check box and labelled field gets a
letter of its own (the guide's texts stay; only the underline is added). Letters already in a
text («&Guardar») or in the window's menu bar are kept and not reused.

Unique means unique among what is on screen at once: the pages of a stacked widget (a tab, a
page of the contratista's window, a step of an assistant) are shown one at a time, so each page
gets its letters apart, never one of the widgets around it. Assigning them all together ran out
of letters in the contratista's window, whose Alta page was left without any (Alt+V did not
validate the CURP).

A button's own shortcut (Nuevo's Ctrl+N, Guardar's Ctrl+S) stays: Qt gives a button one shortcut,
and setting a text with a letter would replace it, so the letter then gets one of its own.

In a window that is not a dialog (the main window, the contratista's, ICSOE's start) Qt's
buttons take Space only: there each button also takes Enter, as Windows presses a focused
button with either (a dialog's already do, its default button aside)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeAlias, cast

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

# QMenuBar and QStackedWidget are imported where a whole window is looked through, not with the
# login (its list of controls needs neither): each class's first use costs ~1 ms (bench/startup.py).

_LETTER = "mnemonic"  # the dynamic property holding a widget's letter, for ``set_text``
_DICHO = "mnemonicDicho"  # the description saying the letter of a button with its own shortcut


def _hidden(widget: QWidget | QAction) -> bool:
    return isinstance(widget, QWidget) and widget.isHidden()


Oculto: TypeAlias = "Callable[[QWidget | QAction], bool]"  # a control that takes no letter now


def _taken(text: str) -> str | None:
    """The letter after a single «&» (a doubled one is a literal ampersand)."""
    plain = text.replace("&&", "")
    position = plain.find("&")
    return plain[position + 1].lower() if 0 <= position < len(plain) - 1 else None


def _order(text: str) -> list[int]:
    """The indexes of the letters ``text`` may underline, best first: a word's first letter,
    then any other."""
    letters = [i for i, c in enumerate(text) if c.isascii() and c.isalnum()]
    starts = [i for i in letters if i == 0 or not text[i - 1].isalnum()]
    return starts + [i for i in letters if i != 0 and text[i - 1].isalnum()]


def _choose(text: str, used: set[str], prefer: str | None = None) -> int | None:
    """Index of the letter to underline: ``prefer`` first, then a word's first letter, then
    any other."""
    order = _order(text)
    if prefer:
        order = [i for i in order if text[i].lower() == prefer] + order
    for i in order:
        if text[i].lower() not in used:
            return i
    return None


def assign(
    window: QWidget,
    widgets: Sequence[QWidget] | None = None,
    *,
    todos: bool = False,
    salvo: Sequence[QWidget] = (),
) -> None:
    """Give a mnemonic to every button, check box and buddied label of ``window`` that has
    none, unique among the widgets shown with it. Call it after the window's widgets exist
    (again after adding a page: letters given before stay). ``widgets``: the window's controls
    in order, for a window without a menu bar or pages that must not look through all its
    children (the login: wrapping each child Qt object for Python costs ~3 ms at start-up).
    The fields the labels name are named by the labels' words too (``nombres``).

    ``todos``: the hidden controls take letters too, none shared with another control, but
    for those ``salvo`` (shown in one state only: they take theirs in it, from the letters of
    the controls that state hides). For a window that shows some controls in one state and
    others in another (an informativa signed, filed): assigned so before its state hides
    any, each control keeps its letter in every state; the window's habitual Alt+C does not
    move."""
    from icsoe_desktop.gui.kit.nombres import nombrar_partes, nombrar_por_etiquetas

    if widgets is not None:
        pending = [w for w in widgets if not w.isWindow() and _labelled(w)]
        _give(pending, _letters(pending))
        nombrar_por_etiquetas(w for w in pending if isinstance(w, QLabel))
        for boton in pending:
            decir_letra_si_predeterminado(boton)
        return
    from PySide6.QtWidgets import QMenuBar

    used: set[str] = set()
    for bar in window.findChildren(QMenuBar):
        for action in bar.actions():
            if letter := _taken(action.text()):
                used.add(letter)
            if (menu := action.menu()) is not None:
                _give_menu(cast("QMenu", menu))  # QAction.menu()'s stub says QObject
    oculto = _hidden
    if todos:
        aparte = list(salvo)

        def oculto(widget: QWidget | QAction) -> bool:
            return any(widget is w for w in aparte)

    _assign_scope(window, used, oculto)
    # The fields named by their labels' words (the letter given, the «*» and «:» left out).
    nombrar_por_etiquetas(window.findChildren(QLabel))
    nombrar_partes(window)  # after the boxes took their labels' names
    _enter_pulsa(window)
    decir_letras(window)


def decir_letras(window: QWidget, siempre: bool = False) -> None:
    """``decir_letra_si_predeterminado`` for every button of ``window`` (one that writes its
    letters itself calls it once they are written). ``siempre``: every button says its
    letter in its description, Enter pressing it or not (a window whose buttons Enter
    never presses, as the SISUB's, says them as the others do)."""
    from PySide6.QtWidgets import QPushButton

    for boton in window.findChildren(QPushButton):
        decir_letra_si_predeterminado(boton, siempre)


def decir_letra_si_predeterminado(boton: QWidget, siempre: bool = False) -> None:
    """A window's default button is handed to a screen reader with «Enter» as its key (Qt's
    accessible accelerator, UI Automation's AccessKey), never its Alt-letter: the letter is
    said in its description, unless the window wrote one of its own. A button Enter may press
    (auto-default: in a dialog, and in every window here, ``_enter_pulsa``) becomes the
    default while it has the focus: it too."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QPushButton

    if not isinstance(boton, QPushButton):
        return
    if not (siempre or boton.isDefault() or boton.autoDefault()):
        return
    key = QKeySequence.mnemonic(boton.text())
    if key.isEmpty() or (not boton.shortcut().isEmpty() and boton.shortcut() != key):
        return  # no letter, or a shortcut of its own whose letter is said already
    dicho = f"También {key.toString(QKeySequence.SequenceFormat.NativeText)}."
    if boton.accessibleDescription() in ("", boton.property(_DICHO)):
        boton.setAccessibleDescription(dicho)
        boton.setProperty(_DICHO, dicho)


def _enter_pulsa(window: QWidget) -> None:
    """Enter presses a focused button of a window that is not a dialog (Qt's QPushButton
    takes it only when auto-default, which outside a dialog none is)."""
    from PySide6.QtWidgets import QDialog, QPushButton

    if window.isWindow() and not isinstance(window, QDialog):
        for boton in window.findChildren(QPushButton):
            boton.setAutoDefault(True)


def con_letras(controles: Sequence[tuple[str, bool]]) -> list[str]:
    """The texts of a window's controls, ``(text, is_label)`` in the window's order, each with
    the letter ``assign`` would give it (a label may give its letter up to a button): for a
    window that builds its controls with their letters, so that no text is set twice (the
    login: setting a button's text again loads its shortcut's classes before the first
    window). ``assign`` on those controls then finds every letter given."""
    texts = [text for text, _ in controles]
    pending = [number for number, text in enumerate(texts) if not _taken(text)]
    found = _emparejar(
        [_visible_prefix(texts[number]) for number in pending],
        {letter for text in texts if (letter := _taken(text))},
        [controles[number][1] for number in pending],
    )
    for number, index in zip(pending, found, strict=True):
        if index is not None:
            texts[number] = _marcar(texts[number], index)
    return texts


def _marcar(text: str, index: int) -> str:
    """``text`` with the letter at ``index`` underlined."""
    return text[:index] + "&" + text[index:]


def _give_menu(menu: QMenu) -> None:
    """An open menu's items answer their letter alone: unique within the menu (and each
    submenu apart)."""
    actions = [a for a in menu.actions() if not a.isSeparator() and a.text()]
    _give(actions, _letters(actions))
    for action in actions:
        if (submenu := action.menu()) is not None:
            _give_menu(cast("QMenu", submenu))


def set_text(widget: QAbstractButton | QLabel, text: str) -> None:
    """Change a labelled widget's text keeping its letter (a button that reads «Guardar» or
    «Actualizar usuario» as the form's mode changes): the same letter when the new text has
    it, else one no other control of the window uses."""
    _set_text(widget, text)
    if isinstance(widget, QLabel):
        from icsoe_desktop.gui.kit.nombres import nombrar_por_etiquetas

        nombrar_por_etiquetas([widget])


def _set_text(widget: QAbstractButton | QLabel, text: str) -> None:
    letter = widget.property(_LETTER) or _taken(widget.text())
    if (given := _taken(text)) or not letter:
        _set(widget, text)
        widget.setProperty(_LETTER, given)
        return
    from PySide6.QtWidgets import QMenuBar

    window = widget.window()
    pages = _pages(widget)
    others = [
        w
        for w in window.findChildren(QWidget)
        if w is not widget and _labelled(w) and _pages(w) <= pages  # on screen with it
    ]
    # The menu bar's letters too: Alt+S would open «Sesión», never press the button.
    used = _letters(others) | {
        taken
        for bar in window.findChildren(QMenuBar)
        for action in bar.actions()
        if (taken := _taken(action.text()))
    }
    index = _choose(_visible_prefix(text), used, prefer=letter)
    if index is None:
        _set(widget, text)
        return
    _set(widget, _marcar(text, index))
    widget.setProperty(_LETTER, text[index].lower())


def _pages(widget: QWidget) -> set[int]:
    """The stacked pages ``widget`` is in (by address): a control in another page is never on
    screen with it."""
    from PySide6.QtWidgets import QStackedWidget
    from shiboken6 import getCppPointer

    found: set[int] = set()
    while (parent := widget.parentWidget()) is not None and not widget.isWindow():
        if isinstance(parent, QStackedWidget):
            found.add(getCppPointer(widget)[0])
        widget = parent
    return found


def _assign_scope(root: QWidget, outer: set[str], oculto: Oculto = _hidden) -> None:
    """``root``'s own controls first (they show with every page below it), each page then."""
    own, pages = _split(root)
    in_pages = {letter for page in pages for letter in _letters(_all_labelled(page), oculto)}
    _give(own, outer | _letters(own, oculto) | in_pages, oculto)
    around = outer | _letters(own, oculto)
    for page in pages:
        _assign_scope(page, around, oculto)


def _split(root: QWidget) -> tuple[list[QWidget], list[QWidget]]:
    """The labelled controls under ``root`` in creation order, outside any page; and the pages
    of the stacked widgets found on the way (not looked into here)."""
    from PySide6.QtWidgets import QStackedWidget

    own: list[QWidget] = []
    pages: list[QWidget] = []
    stack = [c for c in reversed(root.children()) if isinstance(c, QWidget)]
    while stack:
        widget = stack.pop()
        if isinstance(widget, QStackedWidget):
            pages.extend(p for i in range(widget.count()) if (p := widget.widget(i)) is not None)
            continue
        if _labelled(widget) and not widget.isWindow():  # a popup's own controls count
            own.append(widget)
        stack.extend(c for c in reversed(widget.children()) if isinstance(c, QWidget))
    return own, pages


def _all_labelled(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if not w.isWindow() and _labelled(w)]


def _text(widget: QWidget | QAction) -> str:
    text: str = widget.text()  # type: ignore[union-attr]  # labelled widgets and actions only
    return text


def _letters(widgets: Iterable[QWidget | QAction], oculto: Oculto = _hidden) -> set[str]:
    """The letters of those shown: a control its window hides (a signed informativa's capture
    row) answers no key, and its letter is free for the controls shown instead."""
    return {letter for w in widgets if not oculto(w) and (letter := _taken(_text(w)))}


def _give(widgets: Iterable[QWidget | QAction], used: set[str], oculto: Oculto = _hidden) -> None:
    """A letter for each of ``widgets`` without one, none of ``used`` (which grows)."""
    pending: list[QWidget | QAction] = []
    shown: set[str] = set()
    for widget in widgets:
        letter = _taken(_text(widget))
        escondido = oculto(widget)
        if letter and not escondido and letter in shown and widget.property(_LETTER):
            # Shown again, its letter given meanwhile to a control shown with it: another.
            _set(widget, _sin_letra(_text(widget)))
            widget.setProperty(_LETTER, None)
            letter = None
        if letter:
            widget.setProperty(_LETTER, letter)
            if not escondido:
                shown.add(letter)
        elif not escondido:
            # A control its window hides for now takes no letter from the shown ones: the
            # window assigns again when it shows it (letters given stay).
            pending.append(widget)
    texts = [_visible_prefix(_text(w)) for w in pending]
    movable = [isinstance(w, QLabel) for w in pending]
    for widget, text, index in zip(pending, texts, _emparejar(texts, used, movable), strict=True):
        if index is None:
            continue
        used.add(text[index].lower())
        _set(widget, _marcar(_text(widget), index))
        widget.setProperty(_LETTER, text[index].lower())


def _emparejar(texts: Sequence[str], used: set[str], movable: Sequence[bool]) -> list[int | None]:
    """The index of each text's letter: in order, each takes its first free choice (a word's
    first letter, then any); a text left without one takes a letter from an earlier label
    (``movable``) that can do with another of its own (augmenting paths), so that a busy
    form's last buttons (Guardar) do not go without because its labels came first. A button
    gives its letter away only when no label can (the letter a clerk learns is a button's)."""
    choices = [_choices(text, used) for text in texts]
    owner: dict[str, int] = {}

    def take(number: int, seen: set[str], any_moves: bool) -> bool:
        for letter in choices[number]:
            if letter not in owner:  # a free letter first: nobody moves without need
                owner[letter] = number
                return True
        for letter in choices[number]:
            if letter in seen:
                continue
            seen.add(letter)
            holder = owner[letter]
            if (any_moves or movable[holder]) and take(holder, seen, any_moves):
                owner[letter] = number
                return True
        return False

    for number in range(len(texts)):
        # Labels give way first; a button only when no label can.
        take(number, set(), False) or take(number, set(), True)
    found: list[int | None] = [None] * len(texts)
    for letter, number in owner.items():
        found[number] = choices[number][letter]
    return found


def _choices(text: str, used: set[str]) -> dict[str, int]:
    """Each letter ``text`` may take (not ``used``), in order of preference, at its index."""
    found: dict[str, int] = {}
    for index in _order(text):
        letter = text[index].lower()
        if letter not in used and letter not in found:
            found[letter] = index
    return found


def _set(widget: QWidget | QAction, text: str) -> None:
    """``widget.setText(text)``, a button keeping the shortcut it was given (its letter, if
    any, then answered by a shortcut of its own, replaced with the text)."""
    if not isinstance(widget, QAbstractButton):
        widget.setText(text)  # type: ignore[union-attr]  # as _text()
        return
    from PySide6.QtGui import QKeySequence, QShortcut

    shortcut = widget.shortcut()
    # Only the letter of its old text: the new text brings its own.
    letter_only = shortcut.isEmpty() or shortcut == QKeySequence.mnemonic(widget.text())
    own = None if letter_only else shortcut
    # Its direct children, looked through here: findChildren's FindDirectChildrenOnly is in the
    # ``Qt`` namespace, whose first use creates all its enums (~25 ms, on the login's path).
    for old in widget.children():
        if isinstance(old, QShortcut) and old.objectName() == _LETTER:
            old.setParent(None)
            old.deleteLater()
    widget.setText(text)
    if own is None:
        return
    widget.setShortcut(own)
    key = QKeySequence.mnemonic(text)
    if not key.isEmpty():
        alt = QShortcut(key, widget, widget.animateClick)
        alt.setObjectName(_LETTER)
        # A screen reader is handed the button's own shortcut only (Ctrl+S): the letter is
        # said in its description, unless the window wrote one of its own.
        nativo = QKeySequence.SequenceFormat.NativeText
        dicho = f"También {key.toString(nativo)}."
        if widget.accessibleDescription() in ("", widget.property(_DICHO)):
            widget.setAccessibleDescription(dicho)
            widget.setProperty(_DICHO, dicho)


def _sin_letra(text: str) -> str:
    """``text`` without its «&» (a doubled one, a literal ampersand, stays)."""
    return text.replace("&&", "\0").replace("&", "", 1).replace("\0", "&&")


def _visible_prefix(text: str) -> str:
    """Rich-text labels: only the text before the first tag may carry the letter."""
    return text.split("<", 1)[0]


def _labelled(widget: QWidget) -> bool:
    if isinstance(widget, QAbstractButton):
        return bool(widget.text())
    return isinstance(widget, QLabel) and widget.buddy() is not None and bool(widget.text())
