"""GUI fixtures: the modal driver that answers message boxes and dialogs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gui.helpers import ModalDriver
from tests.gui.teclas import EN_X


@pytest.fixture
def modals(qapp) -> Iterator[ModalDriver]:
    driver = ModalDriver()
    yield driver
    driver.stop()


@pytest.fixture(autouse=True)
def _al_terminar_cada_prueba(qapp) -> Iterator[None]:
    """After each test: no background work left running into the next one, and the reports
    still queued delivered to their (closed) windows' relays; no contratista's e.firma files
    offered to the next test's Firmar…"""
    yield

    from icsoe_desktop.gui.kit import efirma_de_la_sesion
    from icsoe_desktop.gui.kit.operaciones import esperar_pools

    efirma_de_la_sesion.olvidar_todo()  # a contratista's window a test left open

    esperar_pools(30_000)  # the windows' pool and the long work's (a download)
    qapp.processEvents()
    if EN_X:  # on a real screen, a window a test left shown would take the next test's keys
        for ventana in qapp.topLevelWidgets():
            ventana.hide()
        qapp.processEvents()
