"""A form's controls found by name (gui/kit/forms.py ``child``) even when PySide keeps, at a
control's address, the Python wrapper of an object of another class that lived there before:
PySide's own lookup then refuses the control, and the window that asks for it would not open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from shiboken6 import getCppPointer, invalidate, isValid, wrapInstance

from icsoe_desktop.gui.kit.forms import FormError, child, load_form


def test_a_label_is_found_though_a_wrapper_of_another_class_sits_at_its_address(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    form = load_form("informativa.ui", host)
    etiqueta = child(form, QLabel, "tipoLabel")
    direccion = getCppPointer(etiqueta)[0]
    invalidate(etiqueta)  # PySide forgets the label's wrapper (the label stays in its form)…
    ajena = wrapInstance(direccion, QPushButton)  # …and holds one of a button at its address
    assert form.findChild(QLabel, "tipoLabel") is None  # what PySide alone answers

    hallada = child(form, QLabel, "tipoLabel")

    assert type(hallada) is QLabel
    assert getCppPointer(hallada)[0] == direccion
    assert not isValid(ajena)
    hallada.setText("Normal")
    assert hallada.text() == "Normal"
    assert hallada.parentWidget() is not None and hallada.window() is host


def test_a_control_of_another_class_in_the_form_is_still_refused(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    form = load_form("informativa.ui", host)
    with pytest.raises(FormError, match="no tiene el control 'tipoLabel' \\(QPushButton\\)"):
        child(form, QPushButton, "tipoLabel")
    with pytest.raises(FormError, match="no tiene el control 'noExiste'"):
        child(form, QLabel, "noExiste")
    assert child(form, QLabel, "tipoLabel").isVisibleTo(host)
