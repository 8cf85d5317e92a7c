"""A dialog's closing row: the button that does its work (the default, Enter) and Cancelar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QPushButton


def hacer_o_cancelar(
    dialog: QDialog, layout: QBoxLayout, texto: str, nombre: str, al_hacer: Callable[[], None]
) -> tuple[QPushButton, QPushButton]:
    """The row added at the end of ``layout``: the button ``texto`` (object name ``nombre``)
    runs ``al_hacer``, Cancelar rejects ``dialog``. Both buttons, in that order."""
    botones = QDialogButtonBox()
    hacer = QPushButton(texto)
    hacer.setObjectName(nombre)
    hacer.setDefault(True)
    cancelar = QPushButton("Cancelar")
    cancelar.setObjectName("cancelarButton")
    botones.addButton(hacer, QDialogButtonBox.ButtonRole.AcceptRole)
    botones.addButton(cancelar, QDialogButtonBox.ButtonRole.RejectRole)
    layout.addWidget(botones)
    hacer.clicked.connect(al_hacer)
    cancelar.clicked.connect(dialog.reject)
    return hacer, cancelar


__all__ = ["hacer_o_cancelar"]
