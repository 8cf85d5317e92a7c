"""The find box of the informativa's worker list, typed into the real box on a real store: a
worker of the contract by the beginning of their NSS, CURP or name, without accents or case."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from tests.gui.helpers import type_text
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores


@pytest.fixture
def quien(services, data_dir, tmp_path, smtp_configured):
    return capturista_activa(services, data_dir, tmp_path, smtp_configured)


def test_typing_finds_a_worker_of_the_contract(qtbot, services, quien):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    nombres = ("José Núñez Peña", "MARIA PEREZ NUÑEZ", "Juan Ortiz", "")
    workers = [
        replace(t, nombre=n)
        for t, n in zip(
            trabajadores_limpios(4, random.Random(8), PERIODO.anio), nombres, strict=True
        )
    ]
    assert services.informativa_trabajadores.agregar_varios(contrato, ana, workers).agregados == 4
    window = InformativaWindow(services, ana, rfc, uuid, False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel = window.trabajadores
    box = panel.buscar
    assert box.placeholderText() == "Buscar por NSS, CURP o nombre"
    assert panel.total.text() == "4 trabajadores"

    def shown() -> list[str]:
        return [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]

    panel.tabla.setFocus()
    qtbot.keyClick(panel.tabla, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is box
    type_text(qtbot, box, "nunez")  # the beginning of the name or of any of its words
    qtbot.waitUntil(lambda: panel.total.text() == "Trabajadores encontrados: 2")
    assert shown() == [workers[0].nss, workers[1].nss]

    box.clear()
    type_text(qtbot, box, "JOSÉ")
    qtbot.waitUntil(lambda: shown() == [workers[0].nss])
    box.clear()
    type_text(qtbot, box, workers[2].nss[:7])
    qtbot.waitUntil(lambda: shown() == [workers[2].nss])
    box.clear()
    type_text(qtbot, box, workers[3].curp.lower())
    qtbot.waitUntil(lambda: shown() == [workers[3].nss])

    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == "" and len(shown()) == 4 and panel.total.text() == "4 trabajadores"

    # Escape elsewhere in the window (the grid) empties the search too, and never closes the
    # window with the informativa on screen: Cerrar does.
    type_text(qtbot, box, "nunez")
    qtbot.waitUntil(lambda: len(shown()) == 2)
    for where in (panel.tabla, window.contratos):
        where.setFocus()
        qtbot.keyClick(where, Qt.Key.Key_Escape)
        assert window.isVisible()
        assert box.text() == "" and len(shown()) == 4


def test_a_big_contract_counts_its_workers_with_a_thousands_separator(qtbot, services, quien):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    workers = list(trabajadores_limpios(1_600, random.Random(9), PERIODO.anio))
    assert services.informativa_trabajadores.agregar_varios(contrato, ana, workers).agregados
    window = InformativaWindow(services, ana, rfc, uuid, False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.trabajadores.total.text() == "1,600 trabajadores")
