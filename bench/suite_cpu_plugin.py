"""A pytest plugin for ``bench/suite_cpu.py --by-test``: the CPU of each test (its process's
and the children it reaped while it ran), whole and by phase (its fixtures' setup, the test
itself, the teardown; the rest is pytest's reporting), written per process as JSON into the
folder named by ``ICSOE_SUITE_CPU_DIR``. What a test leaves to a process reaped later (the
preloaded commands' server, a PostgreSQL cluster) is counted outside the tests."""

from __future__ import annotations

import json
import os
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

FOLDER_ENV = "ICSOE_SUITE_CPU_DIR"
PHASES = ("setup", "call", "teardown")
# nodeid, own CPU, its children's, then the CPU (own and children's) of each of PHASES.
_rows: list[tuple[str, float, float, float, float, float]] = []
_phases: dict[str, float] = {}


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _phase(name: str) -> Iterator[None]:
    before = sum(_cpu())
    yield
    _phases[name] = sum(_cpu()) - before


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield from _phase("setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield from _phase("call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield from _phase("teardown")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _phases.clear()
    own, children = _cpu()
    yield
    own_after, children_after = _cpu()
    phases = (_phases.get(name, 0.0) for name in PHASES)
    _rows.append((item.nodeid, own_after - own, children_after - children, *phases))


def pytest_sessionfinish(session: pytest.Session) -> None:
    folder = os.environ.get(FOLDER_ENV)
    if folder and _rows:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (Path(folder) / f"{worker}.json").write_text(json.dumps(_rows))
