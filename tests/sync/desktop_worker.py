"""One desktop of the convergence test, as its own process: for a few seconds it edits, deletes
and restores shared registros patronales, adds its own, and syncs between bursts, as a clerk and
the background sync would. ``python -m tests.sync.desktop_worker DATA_DIR INDEX SECONDS``.

It prints one JSON line (what it did); any exception other than a sync error ends it with a
traceback and a non-zero exit code (the test fails).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

SHARED = [f"Y54{n:08d}" for n in range(12)]
EMPRESA = "ABC010101AB1"


def main(argv: list[str]) -> int:
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.transporte import SyncError

    data_dir, index, seconds = Path(argv[0]), int(argv[1]), float(argv[2])
    rng = random.Random(index)
    services = open_services(data_dir)
    # Pulls of several pages, with others pushing in between.
    services.sync.intercambio.pull_rows = 5
    done = {"cambios": 0, "bajas": 0, "propios": 0, "sincronizaciones": 0, "errores": []}
    deadline = time.monotonic() + seconds
    try:
        # Past its time too until one sync went through: a busy server may refuse the first.
        while time.monotonic() < deadline or not done["sincronizaciones"]:
            for _ in range(rng.randint(1, 4)):
                registro, roll = rng.choice(SHARED), rng.random()
                if roll < 0.55:
                    name = f"Escritorio {index} cambio {done['cambios']}"
                    services.registros.save(registro, EMPRESA, name, f"e{index}")
                    done["cambios"] += 1
                elif roll < 0.8:
                    try:
                        services.registros.delete(registro, f"e{index}")
                        done["bajas"] += 1
                    except ValidationError:
                        pass  # already removed here
                else:
                    own = f"N{index:02d}{done['propios']:08d}"
                    services.registros.save(own, EMPRESA, f"Propio {index}", f"e{index}")
                    done["propios"] += 1
            try:
                services.sync.synchronize()
                done["sincronizaciones"] += 1
            except SyncError as exc:  # the server busy: the next round retries
                done["errores"].append(exc.code)
            time.sleep(rng.uniform(0, 0.2))
    finally:
        services.close()
    print(json.dumps(done))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
