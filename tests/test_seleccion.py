"""What a -m expression leaves out before its modules are imported (tests/conftest.py): the sync
tests only when -m would deselect every one of them, so no test that -m asks for goes missing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import SYNC_MARKS, _leaves_out


def _config(expression: str) -> Any:
    """What ``_leaves_out`` reads of pytest's config: the -m expression."""
    return SimpleNamespace(option=SimpleNamespace(markexpr=expression))


@pytest.mark.parametrize(
    "expression",
    [
        "not slow",  # the quick loop
        "not gui and not postgres",  # the Windows run
        "not (slow or gui)",
        "not slow and not end2end",
        "not slow and gui(x=1)",  # its arguments are never asked for a sync test
    ],
)
def test_an_expression_that_deselects_every_sync_test_leaves_them_unimported(expression) -> None:
    assert _leaves_out(_config(expression), SYNC_MARKS)


@pytest.mark.parametrize(
    "expression",
    [
        "",  # the whole suite
        "slow",
        "postgres",
        "not gui",
        "gui or not slow",  # a sync test of a window would run
        "not slow or postgres",
        "end2end",
        "postgres(x=1)",  # a mark's arguments: left to pytest
        "not",  # does not parse: pytest says so
    ],
)
def test_an_expression_that_may_select_a_sync_test_imports_them(expression) -> None:
    assert not _leaves_out(_config(expression), SYNC_MARKS)
