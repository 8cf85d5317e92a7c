"""The grids' table model passes Qt's own model checks."""

from __future__ import annotations

from PySide6.QtCore import Qt

from icsoe_desktop.gui.kit.rows_model import RowsModel


def test_rows_model_is_a_valid_qt_model(qtmodeltester):
    model: RowsModel[tuple[str, str]] = RowsModel(("Usuario", "Estado"), lambda r: r)
    model.set_rows([("idse@nominas.com", "Habilitado"), ("idse1@nominas.com", "Deshabilitado")])
    qtmodeltester.check(model, force_py=True)
    assert model.index(1, 1).data() == "Deshabilitado"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Usuario"
    model.set_rows([])
    assert model.rowCount() == 0
