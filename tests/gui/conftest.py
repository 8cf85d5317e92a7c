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
    still queued delivered to their (closed) windows' relays."""
    yield
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()
