"""A failed sign-in must take as long for an unknown usuario as for a known one with a wrong
password (else the time tells who exists). Both run in alternating batches on a real store; the
ratio of the medians is printed. Goal: 0.8 ≤ ratio ≤ 1.2 (it was 0.015: 3 ms against 194 ms).

    python bench/login_timing.py [--batches N] [--per-batch N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.services.acceso import login_throttle
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.container import open_services

USUARIO = "ana.lopez@empresa.com"


def failed_sign_ins(services, usuario: str, count: int) -> float:
    """Seconds for ``count`` refused sign-ins (each a new usuario key: no lock interferes)."""
    start = time.perf_counter()
    for _ in range(count):
        with contextlib.suppress(AuthenticationError):
            services.accounts.authenticate(usuario, "Equivocada#99")
        with services.store.session() as session:  # the lock would stop the hashing
            login_throttle.clear(session, usuario)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--per-batch", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        services = open_services(Path(tmp))
        services.accounts.register(
            Registration("Ana", "López", "", USUARIO, "Nomina#2026x", "Nomina#2026x", True)
        )
        known, unknown = [], []
        for _ in range(args.batches):
            known.append(failed_sign_ins(services, USUARIO, args.per_batch) / args.per_batch)
            unknown.append(
                failed_sign_ins(services, "nadie@empresa.com", args.per_batch) / args.per_batch
            )
        services.close()
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"usuario existente, contraseña mala: {k * 1000:.1f} ms")
    print(f"usuario inexistente:                {u * 1000:.1f} ms")
    print(f"ratio inexistente/existente: {u / k:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
