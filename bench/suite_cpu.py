"""CPU time of the whole test suite, as the README runs it (``pytest -n 2``). Goal: ≤ 120 s.

Counted: every process of the run (pytest, its workers, the programs and servers the tests
start), from the kernel's accounting of the run's reaped children; and, on Linux, the whole
machine's busy time over the run, which also holds what the tests leave to daemons that are
not the run's children (the PostgreSQL cluster of the sync tests). The machine figure is only
meaningful on a machine otherwise idle: the load average before each run is printed.

The machine's speed moves from day to day and within a day (the same suite has taken from
~110 s to ~300 s of CPU on different days): before and after each run the CPU of a fixed
reference workload (pure Python, SQLite, zlib; ``REFERENCE``) is measured too, and the suite's
CPU is also printed as a multiple of it, a figure that compares across days where seconds do
not. The suite runs as CI runs it: its bytecode cached (``PYTHONDONTWRITEBYTECODE`` unset).

With ``--vs REV`` the same suite of another revision (a temporary git worktree) runs
alternately with this one, and the ratio of the medians is printed; each tree first collects
the suite once (bytecode and rewritten asserts cached) so no run pays that alone.

With ``--by-test`` each run of this tree also measures every test (``suite_cpu_plugin.py``)
and prints where the CPU went: the costliest tests, the tests by folder and by cost, the
phases (fixtures' setup, the tests themselves, teardown) and the files whose fixtures cost
most, and what was spent outside any test (workers' start and collection, the preloaded
commands' server).

With ``--quick`` the quick loop (``-m "not slow"``) runs instead of the whole suite (goal:
≤ 90 s).

    python bench/suite_cpu.py [--repeat 3] [--vs REV] [--by-test] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from suite_cpu_plugin import FOLDER_ENV as PLUGIN_FOLDER_ENV  # bench/, this script's folder

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 120.0
QUICK_GOAL_S = 90.0
COMMAND = [sys.executable, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider"]
# As CI and the README run it: the bytecode and pytest's rewritten asserts are cached.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# The same work each time, in a fresh interpreter: ~1 s of CPU on a fast day. Plain SQLite of the
# standard library, not the app's: the figures of docs/rendimiento.md are normalised to this work.
REFERENCE = """
import random, sqlite3, zlib
rng = random.Random(7)
words = ["".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(12)) for _ in range(60_000)]
counts = {}
for w in words:
    counts[w[:3]] = counts.get(w[:3], 0) + len(w)
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE t (k TEXT, v INTEGER)")
db.executemany("INSERT INTO t VALUES (?, ?)", ((w, i) for i, w in enumerate(words * 4)))
db.execute("CREATE INDEX t_k ON t (k)")
assert db.execute("SELECT count(*) FROM t WHERE k > 'M'").fetchone()[0] > 0
zlib.compress("".join(sorted(words)).encode() * 8, 9)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float | None:
    """Busy CPU seconds of the whole machine since boot (user, nice, system, irq, softirq)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    busy = sum(int(fields[i]) for i in (1, 2, 3, 6, 7))
    return busy / os.sysconf("SC_CLK_TCK")


def reference_cpu() -> float:
    """CPU seconds of ``REFERENCE`` now (the median of three runs)."""
    times = []
    for _ in range(3):
        before = _children_cpu()
        subprocess.run([sys.executable, "-c", REFERENCE], check=True, env=ENV)
        times.append(_children_cpu() - before)
    return statistics.median(times)


def run_suite(
    tree: Path, command: list[str], by_test: Path | None = None
) -> dict[str, float | str]:
    """One run of ``command`` (the suite, or the quick loop) in ``tree``; ``by_test``: a folder
    for each test's CPU."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    env = ENV
    if by_test is not None:
        command = [*command, "-p", "suite_cpu_plugin"]
        paths = [str(ROOT / "bench"), ENV.get("PYTHONPATH", "")]
        env = {
            **ENV,
            "PYTHONPATH": os.pathsep.join(filter(None, paths)),
            PLUGIN_FOLDER_ENV: str(by_test),
        }
    reference_before = reference_cpu()
    machine, children, start = _machine_busy(), _children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    tree_cpu = _children_cpu() - children
    after = _machine_busy()
    reference = (reference_before + reference_cpu()) / 2  # the speed moves within a run too
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else ""
    if done.returncode != 0:
        failed = "\n".join(line for line in lines if line.startswith(("FAILED", "ERROR")))
        # A worker's crash dump starts with its fatal error and its threads' stacks, far above
        # the tail printed here: the whole output is kept.
        log = Path(tempfile.mkstemp(prefix="icsoe-suite-", suffix=".log")[1])
        log.write_text(f"{done.stdout}\n--- stderr ---\n{done.stderr}")
        sys.exit(
            f"La suite de {tree} falló ({done.returncode}): {summary}\n{failed}\n"
            f"{done.stderr[-2000:]}\nLa salida completa está en {log}"
        )
    return {
        "tree": tree_cpu,
        "machine": (after - machine) if after is not None and machine is not None else tree_cpu,
        "wall": wall,
        "load": load,
        "reference": reference,
        "units": tree_cpu / reference,
        "tests": re.sub(r"=+", "", summary).strip(),
    }


# Costs of a test, in seconds of CPU: the bins of the breakdown.
BINS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
TOP = 25


def _grouped(pairs: Iterable[tuple[str, float]]) -> list[tuple[str, list[float]]]:
    """The values of ``(name, value)`` pairs by name, the largest total first."""
    groups: dict[str, list[float]] = defaultdict(list)
    for name, value in pairs:
        groups[name].append(value)
    return sorted(groups.items(), key=lambda item: -sum(item[1]))


def print_by_test(folder: Path, total: float) -> None:
    """Where a run's CPU went, from the rows ``suite_cpu_plugin`` wrote into ``folder``."""
    rows = [row for part in folder.glob("*.json") for row in json.loads(part.read_text())]
    costs = [(nodeid, own + children) for nodeid, own, children, *_phases in rows]
    in_tests = sum(cost for _nodeid, cost in costs)
    print(
        f"  {len(costs)} tests: {in_tests:.1f} s; outside any test {total - in_tests:.1f} s "
        "(start, collection, the xdist controller, processes reaped later)"
    )
    setup, call, teardown = (sum(row[i] for row in rows) for i in (3, 4, 5))
    print(
        f"  phases: fixtures' setup {setup:.1f} s, the tests themselves {call:.1f} s, "
        f"teardown {teardown:.1f} s, pytest's reporting {in_tests - setup - call - teardown:.1f} s"
    )
    print("  files whose fixtures' setup cost most:")
    for name, values in _grouped((row[0].split("::")[0], row[3]) for row in rows)[:10]:
        print(
            f"    {sum(values):6.2f} s  {len(values):4d} tests  "
            f"{sum(values) / len(values) * 1000:5.1f} ms each  {name}"
        )
    print(f"  costliest {TOP}:")
    for nodeid, cost in sorted(costs, key=lambda row: -row[1])[:TOP]:
        print(f"    {cost:6.2f} s  {nodeid}")
    print("  by folder:")
    folders = ((nodeid.split("::")[0].rsplit("/", 1)[0], cost) for nodeid, cost in costs)
    for name, values in _grouped(folders):
        print(f"    {sum(values):6.1f} s  {len(values):4d} tests  {name}")
    print("  by cost of a test:")
    for low, high in zip(BINS, (*BINS[1:], float("inf")), strict=True):
        values = [cost for _nodeid, cost in costs if low <= cost < high]
        print(f"    {low:4.2f}-{high:<4} s: {len(values):4d} tests  {sum(values):6.1f} s")


def warm(tree: Path) -> None:
    subprocess.run([*COMMAND[:3], "--collect-only", "-q"], cwd=tree, capture_output=True, env=ENV)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--vs", help="a git revision to compare with, run alternately")
    parser.add_argument(
        "--by-test", action="store_true", help="where this tree's CPU went, test by test"
    )
    parser.add_argument(
        "--quick", action="store_true", help='the quick loop (-m "not slow"): goal <= 90 s'
    )
    args = parser.parse_args()
    command, goal = (
        ([*COMMAND, "-m", "not slow"], QUICK_GOAL_S) if args.quick else (COMMAND, GOAL_S)
    )

    trees = {"actual": ROOT}
    scratch = None
    if args.vs:
        scratch = Path(tempfile.mkdtemp(prefix="icsoe-suite-vs-"))
        base = scratch / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.vs],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        trees = {f"base {args.vs}": base, "actual": ROOT}
    try:
        for tree in trees.values():
            warm(tree)
        results: dict[str, list[dict[str, float | str]]] = {name: [] for name in trees}
        for n in range(args.repeat):
            for name, tree in trees.items():
                by_test = None
                if args.by_test and tree == ROOT:
                    by_test = Path(tempfile.mkdtemp(prefix="icsoe-suite-by-test-"))
                result = run_suite(tree, command, by_test)
                results[name].append(result)
                print(
                    f"{n + 1} {name:<20} machine {result['machine']:6.1f} s  "
                    f"processes {result['tree']:6.1f} s  wall {result['wall']:5.1f} s  "
                    f"reference {result['reference']:.2f} s (x{result['units']:.0f})  "
                    f"load before {result['load']:.2f}  {result['tests']}",
                    flush=True,
                )
                if by_test is not None:
                    print_by_test(by_test, float(result["tree"]))
                    shutil.rmtree(by_test, ignore_errors=True)
    finally:
        if scratch is not None:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(scratch / "base")],
                cwd=ROOT,
                capture_output=True,
            )
    medians = {
        name: {
            k: statistics.median(float(r[k]) for r in runs)
            for k in ("machine", "tree", "reference", "units")
        }
        for name, runs in results.items()
    }
    for name, m in medians.items():
        print(
            f"{name:<20} median: machine {m['machine']:.1f} s, processes {m['tree']:.1f} s "
            f"(goal <= {goal:.0f} s); reference workload {m['reference']:.2f} s, "
            f"processes = {m['units']:.0f} x reference"
        )
    if args.vs:
        base, ours = medians[f"base {args.vs}"], medians["actual"]
        print(
            f"ratio actual/base: machine {ours['machine'] / base['machine']:.2f}, "
            f"processes {ours['tree'] / base['tree']:.2f}, "
            f"in reference units {ours['units'] / base['units']:.2f}"
        )


if __name__ == "__main__":
    main()
