"""«Mostrar contraseña»: a check box that shows or hides password fields.

Apart from widgets.py: the login (the first window) needs only this, and importing widgets.py
with its classes (subclasses of Qt's, built when the module loads) cost its first frame ~6 M
instructions (bench/startup.py --instructions)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit


def bind_show_password(check: QCheckBox, *edits: QLineEdit) -> None:
    """ "Mostrar contraseña": the check box shows or hides every given password field."""

    def toggle(checked: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if checked else QLineEdit.EchoMode.Password
        for edit in edits:
            edit.setEchoMode(mode)

    check.toggled.connect(toggle)
