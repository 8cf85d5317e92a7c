"""GUI fixtures: the modal driver that answers message boxes and dialogs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gui.helpers import ModalDriver


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
    from PySide6.QtCore import QThreadPool

    from icsoe_desktop.gui.kit import efirma_de_la_sesion

    efirma_de_la_sesion.olvidar_todo()  # a contratista's window a test left open

    QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
