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
