"""A pytest plugin for ``bench/suite_cpu.py --by-test``: the CPU of each test (its process's
and the children it reaped while it ran), written per process as JSON into the folder named
by ``ICSOE_SUITE_CPU_DIR``. What a test leaves to a process reaped later (the preloaded
commands' server, a PostgreSQL cluster) is counted outside the tests."""

from __future__ import annotations

import json
import os
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

FOLDER_ENV = "ICSOE_SUITE_CPU_DIR"
_rows: list[tuple[str, float, float]] = []


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    own, children = _cpu()
    yield
    own_after, children_after = _cpu()
    _rows.append((item.nodeid, own_after - own, children_after - children))


def pytest_sessionfinish(session: pytest.Session) -> None:
    folder = os.environ.get(FOLDER_ENV)
    if folder and _rows:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (Path(folder) / f"{worker}.json").write_text(json.dumps(_rows))
