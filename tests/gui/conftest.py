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
    """After each test: no background work left running into the next one, and what the test
    left in reference cycles (windows, message boxes) freed here, on the GUI thread, rather than
    by the garbage collector in the middle of a later test's widgets."""
    yield
    import gc

    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()  # reports still queued reach their (closed) windows' relays
    gc.collect()
