"""Install Wine's 32-bit half (wine32:i386) on Debian, even while a mirror's i386 index lags.

    python3 .ci/wine32_apt.py [PACKAGE:i386 ...]     (as root; default: wine32:i386)

Inno Setup's ISCC.exe and the installers it writes are 32-bit programs: they need wine32:i386.
Its i386 libraries are Multi-Arch: same, so each must have exactly the version of its installed
amd64 twin. When a suite's i386 index cannot be fetched (seen: the security suite's, caught
mid-sync for days), the amd64 twin may be at a version no reachable i386 index has, and a plain
``apt-get install wine32:i386`` fails with unmet dependencies.

Then the twins are aligned on the release's own suites (``<codename>`` and
``<codename>-updates``, signed and complete for both architectures): for each i386 package the
install needs whose amd64 twin is at another version, every binary of its source package is
pinned (priority 1001, for this install only) to the version the i386 index has (the twins
already at it too, or apt would move them to a security update with no i386 build reachable). That is an
upgrade for most (the twin was older than the point release), a downgrade of a security update
for a few; apt lists them and they are printed. The install must then go through with nothing
removed, or this fails. Exit status 0 when installed, 1 otherwise.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

APT_GET = ["apt-get", "-y", "-q", "--no-install-recommends"]


def apt(args: list[str], preferences: Path | None = None) -> subprocess.CompletedProcess[str]:
    options = ["-o", f"Dir::Etc::Preferences={preferences}"] if preferences else []
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        [*APT_GET, *options, *args], capture_output=True, text=True, env=env, timeout=1800
    )


def codename() -> str:
    text = Path("/etc/os-release").read_text(encoding="utf-8")
    match = re.search(r"^VERSION_CODENAME=\"?([a-z]+)", text, re.MULTILINE)
    if match is None:
        raise SystemExit("No se sabe la versión de Debian (VERSION_CODENAME en /etc/os-release)")
    return match[1]


def installs(simulation: str) -> list[tuple[str, str, str]]:
    """``apt-get -s``'s Inst lines: (name, arch, new version)."""
    found = []
    for match in re.finditer(r"^Inst (\S+?)(?::(\S+))? (?:\[\S+\] )?\((\S+) ", simulation, re.M):
        found.append((match[1], match[2] or "amd64", match[3]))
    return found


def installed_amd64(name: str) -> tuple[str, str] | None:
    """(version, source package) of the installed amd64 package, or None."""
    result = subprocess.run(
        [
            "dpkg-query",
            "-W",
            "-f",
            "${db:Status-Abbrev}|${Version}|${source:Package}",
            f"{name}:amd64",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not result.stdout.startswith("ii"):
        return None
    _, version, source = result.stdout.split("|")
    return version, source


def aligned_preferences(packages: list[str], folder: Path) -> tuple[Path, list[str]]:
    """A preferences file pinning the sources of the i386 packages the install needs that have an
    amd64 twin installed to the version the release's suites have; and what it changes."""
    suites = folder / "suites.pref"
    name = codename()
    suites.write_text(
        "".join(
            f"Package: *\nPin: release n={suite}\nPin-Priority: 1001\n\n"
            for suite in (name, f"{name}-updates")
        ),
        encoding="utf-8",
    )
    # The i386 packages the install needs (the release's versions, the highest of both suites).
    simulated = apt(["-s", "--allow-downgrades", "install", *packages], suites)
    if simulated.returncode != 0:
        raise SystemExit(f"Ni con las versiones de {name} se resuelve:\n{simulated.stdout[-4000:]}")
    pins: dict[str, str] = {}
    changes = []
    for package, arch, version in installs(simulated.stdout):
        twin = installed_amd64(package) if arch == "i386" else None
        if twin is None:
            continue
        # Pinned even when equal: apt would otherwise move the twin to its candidate (a newer
        # security update with no i386 build reachable) and break the pair.
        pins[twin[1]] = version
        if twin[0] != version:
            changes.append(f"{package}:amd64 {twin[0]} → {version}")
    aligned = folder / "aligned.pref"
    aligned.write_text(
        "".join(
            f"Package: src:{source}\nPin: version {version}\nPin-Priority: 1001\n\n"
            for source, version in sorted(pins.items())
        ),
        encoding="utf-8",
    )
    return aligned, changes


def main(argv: list[str]) -> int:
    packages = argv or ["wine32:i386"]
    if apt(["-s", "install", *packages]).returncode == 0:
        result = apt(["install", *packages])
        print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
        return result.returncode
    print(f"apt-get no resuelve {' '.join(packages)} tal cual: alineo las versiones amd64/i386")
    with tempfile.TemporaryDirectory(prefix="wine32-apt-") as scratch:
        preferences, changes = aligned_preferences(packages, Path(scratch))
        print("Versiones amd64 alineadas con las i386 de la versión de Debian:")
        print("\n".join(f"  {line}" for line in changes) or "  (ninguna)")
        simulated = apt(["-s", "--allow-downgrades", "install", *packages], preferences)
        if simulated.returncode != 0:
            print(f"Aun así no se resuelve:\n{simulated.stdout[-4000:]}", file=sys.stderr)
            return 1
        removed = re.findall(r"^Remv (\S+)", simulated.stdout, re.M)
        if removed:
            print(f"Instalarlo quitaría paquetes: {removed}", file=sys.stderr)
            return 1
        result = apt(["--allow-downgrades", "install", *packages], preferences)
        if result.returncode != 0:
            print(
                f"apt-get install falló:\n{result.stdout[-4000:]}{result.stderr}", file=sys.stderr
            )
            return 1
    print(f"Instalado: {' '.join(packages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
