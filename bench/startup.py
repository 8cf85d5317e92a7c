"""Cold start of icsoe-desktop to its first window, against a bare PySide6 QMainWindow started
in the same run. Goals: first window ≤ 1.1, usable ≤ 1.3, a first start on a new data dir
(usable) ≤ 2. Usable: the login can be answered, i.e. Continuar is enabled and checks the
usuario and contraseña typed (store open, sign-in ready). Also printed, without a goal: when
every service the login window offers (its links, the certificates panel) is built.

All are measured from outside: the time from spawning the process to the line it prints once
its window is on screen (offscreen Qt); also the CPU time of the main thread until the first
window (each program prints its own), which the machine's other load moves much less. Each is
run REPEAT times, alternating, after a warm-up run that compiles bytecode; medians are compared
(«ratio»), and so is each run with the bare run just before it («paired»: the median of those
ratios, steadier on a shared machine).

    python bench/startup.py [--repeat N] [--app dist/icsoe-desktop/icsoe-desktop] [--llavero]
    python bench/startup.py --instructions [--app … --bare …]

--llavero runs it all inside a D-Bus session of its own with GNOME Keyring unlocked in it
(Debian: dbus, gnome-keyring), as a Linux desktop has one: the login's opening then reads the
store key from the keyring (a Windows always has its Credential Manager). Without it, with no
session bus, the app finds no keyring and the stores stay in clear.

--app times that executable (the bundle PyInstaller builds) instead of ``python -m
icsoe_desktop``; --bare the bare window's executable, built the same way, for instance
``pyinstaller --onedir -n bare bare.py`` with the script below in bare.py (then both start
through PyInstaller's bootloader and archive, which a bundle pays and ``python`` does not).

--instructions counts instead, under valgrind's callgrind (Debian: valgrind), the instructions the
main thread runs until the first window, each program ending right there: the same under any
load, and on every run with Python's string hashing seeded alike (PYTHONHASHSEED; at random, the
counts move by up to ~0.6 %), so each program is counted once per seed of HASH_SEEDS and the
median ratio printed (a bundled bare window must be built from the script below as it is now,
which ends there too).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CPU_LINE = "first-window-cpu"  # printed by both programs (icsoe_desktop/app.py: the probe)
BARE = """
import os
import sys
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
class Window(QMainWindow):  # as the app's probe: the loop's turn after its first paint
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, shown)
window = Window()
window.setWindowTitle("bare")
window.show()
def shown():
    print("first-window", flush=True)
    print(f"first-window-cpu {time.thread_time() * 1000:.1f}", file=sys.stderr, flush=True)
    if os.environ.get("ICSOE_STARTUP_PROBE") == "first-window":
        os._exit(0)  # as the app's probe: nothing after the first window in the count
    app.quit()
app.exec()
"""


def _read_cpu(stream, found: list[float]) -> None:
    for line in stream:
        if CPU_LINE in line:
            found.append(float(line.split(CPU_LINE)[1].split()[0]) / 1000)


def timed_lines(cmd: list[str], env: dict[str, str], markers: tuple[str, ...]) -> dict[str, float]:
    """Seconds from spawn until each marker line appears on stdout; «cpu»: the main thread's
    CPU seconds until the first window, as the program itself prints it on stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    seen: dict[str, float] = {}
    killer = threading.Timer(60, proc.kill)  # a hung start must not hang the benchmark
    killer.start()
    cpu: list[float] = []
    # stderr apart: Qt's warnings there may write a line in pieces.
    reader = threading.Thread(target=_read_cpu, args=(proc.stderr, cpu))
    reader.start()
    assert proc.stdout is not None
    for line in proc.stdout:
        word = line.strip()
        if word in markers and word not in seen:
            seen[word] = time.perf_counter() - start
    proc.wait()
    reader.join()
    killer.cancel()
    if cpu:
        seen["cpu"] = cpu[0]
    missing = set(markers) - set(seen)
    if missing or proc.returncode != 0:
        raise SystemExit(f"{cmd} ended with {proc.returncode} without printing {missing}")
    return seen


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """The instructions the main thread of ``cmd``'s program runs, counted by callgrind (the
    program ends at its first window). Children are followed (PyInstaller's bootloader starts
    the app as one); the program is the process whose main thread ran the most."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--separate-threads=yes",
                "--trace-children=yes",
                f"--callgrind-out-file={out}/cg.%p",
                *cmd,
            ],
            env=dict(env, ICSOE_STARTUP_PROBE="first-window"),
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        if done.stdout.split() != ["first-window"]:  # built before it could end there
            raise SystemExit(f"{cmd[0]} does not end at its first window: build it again")
        counts = [0]
        for main_thread in Path(out).glob("cg.*-01"):
            for line in main_thread.read_text(encoding="utf-8").splitlines():
                if line.startswith(("summary:", "totals:")):
                    counts.append(int(line.split()[1]))
                    break
        return max(counts)


# Python seeds its string hashing at random on each start, and where sets and dicts place their
# keys moves the counts by up to ~0.6 % from one run to the next; with a seed fixed a program's
# count repeats within a few thousand instructions. Each program is counted with these seeds.
HASH_SEEDS = ("0", "1", "2")


def count_instructions(app_cmd: list[str], bare_cmd: list[str], env: dict[str, str]) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    timed_lines(app_cmd, env, ("first-window",))  # bytecode written, the data dir created
    print(f"load average {os.getloadavg()[0]:.1f} (instruction counts do not depend on it)")
    print("main thread to the first window, M instructions (PYTHONHASHSEED: bare / app, ratio)")
    ratios = []
    for seed in HASH_SEEDS:
        seeded = dict(env, PYTHONHASHSEED=seed)
        bare, app = instructions(bare_cmd, seeded), instructions(app_cmd, seeded)
        ratios.append(app / bare)
        print(f"  {seed}: {bare / 1e6:8.1f} / {app / 1e6:8.1f}   {app / bare:.3f}", flush=True)
    print(
        f"icsoe-desktop against a bare PySide6 QMainWindow: ratio {statistics.median(ratios):.3f}"
        f" (median of {len(ratios)}, {min(ratios):.3f}-{max(ratios):.3f}; goal <= 1.15)"
    )


# Inside ``dbus-run-session``: GNOME Keyring started and unlocked on that session's bus (its
# login collection made with a throwaway password, in a throwaway XDG_DATA_HOME), then this
# bench again; as .ci/run and tests/services/test_secrets_backend.py start one.
_CON_LLAVERO = (
    'printf prueba | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"'
)


def con_llavero(argumentos: list[str]) -> int:
    """This bench with ``argumentos``, in a D-Bus session with GNOME Keyring: its exit code."""
    for programa in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(programa) is None:
            raise SystemExit(f"--llavero needs {programa} (Debian: dbus, gnome-keyring)")
    with tempfile.TemporaryDirectory() as datos:
        comando = [sys.executable, str(Path(__file__).resolve()), *argumentos]
        return subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", _CON_LLAVERO, "sh", *comando],
            env={**os.environ, "XDG_DATA_HOME": datos},
            check=False,
        ).returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--app", type=Path, help="an executable to time (the built bundle)")
    parser.add_argument("--bare", type=Path, help="the bare window, bundled as the app is")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions (callgrind), once per hash seed",
    )
    parser.add_argument(
        "--llavero", action="store_true", help="inside a D-Bus session with GNOME Keyring"
    )
    args = parser.parse_args()
    if args.llavero:
        raise SystemExit(con_llavero([a for a in sys.argv[1:] if a != "--llavero"]))

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ICSOE_STARTUP_PROBE="services")
    # The warm-up writes the .pyc files (as the bundle ships them): with this variable set every
    # run would compile our modules from source, and the bare window has none to compile.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    markers = ("first-window", "ready", "services")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "datos"
        bare_cmd = [str(args.bare.resolve())] if args.bare else [sys.executable, "-c", BARE]
        app = [str(args.app.resolve())] if args.app else [sys.executable, "-m", "icsoe_desktop"]
        app_cmd = [*app, "--data-dir", str(data_dir)]
        if args.instructions:
            count_instructions(app_cmd, bare_cmd, env)
            return

        timed_lines(app_cmd, env, markers)  # warm-up: bytecode, the file
        timed_lines(bare_cmd, env, ("first-window",))

        bare, first, ready, services, fresh = [], [], [], [], []
        bare_cpu, first_cpu = [], []
        for n in range(args.repeat):
            theirs = timed_lines(bare_cmd, env, ("first-window",))
            bare.append(theirs["first-window"])
            ours = timed_lines(app_cmd, env, markers)
            first.append(ours["first-window"])
            bare_cpu.append(theirs["cpu"])
            first_cpu.append(ours["cpu"])
            ready.append(ours["ready"])
            services.append(ours["services"])
            # A first start: a data dir never used, so the database file is created.
            new_cmd = [*app_cmd[:-1], str(Path(tmp) / f"nuevo-{n}")]
            fresh.append(timed_lines(new_cmd, env, markers)["ready"])

    b = statistics.median(bare)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"bare PySide6 QMainWindow shown:        {b * 1000:7.1f} ms (median of {args.repeat})")
    for label, times, goal in (
        ("icsoe-desktop first window shown:     ", first, " (goal <= 1.1)"),
        ("icsoe-desktop usable (login answers): ", ready, " (goal <= 1.3)"),
        ("every service of the login built:     ", services, ""),
        ("first start on a new data dir, usable:", fresh, " (goal <= 2)"),
    ):
        t = statistics.median(times)
        # Paired: each run against the bare run just before it, which shared its load.
        paired = statistics.median(x / y for x, y in zip(times, bare, strict=True))
        print(f"{label} {t * 1000:7.1f} ms   ratio {t / b:.2f}, paired {paired:.2f}{goal}")
    c, cb = statistics.median(first_cpu), statistics.median(bare_cpu)
    paired = statistics.median(x / y for x, y in zip(first_cpu, bare_cpu, strict=True))
    print(
        f"main-thread CPU to the first window:   {c * 1000:7.1f} ms   ratio {c / cb:.2f}, "
        f"paired {paired:.2f} (goal <= 1.1; bare {cb * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
