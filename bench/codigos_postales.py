"""SEPOMEX's catalogue at full size: loading a CPdescarga.txt of 157,000 asentamientos (made-up
names, the official format and size) and looking a CP up, against a raw sqlite3 query of the
same rows (same run, same file).

    python bench/codigos_postales.py [--rows N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = (
    "d_codigo|d_asenta|d_tipo_asenta|D_mnpio|d_estado|d_ciudad|d_CP|c_estado|c_oficina|c_CP|"
    "c_tipo_asenta|c_mnpio|id_asenta_cpcons|d_zona|c_cve_ciudad"
)
NAMES = ("Centro", "Juárez", "Ñandúes", "Álamos", "San José", "Las Águilas", "Lomas", "Jardines")


def write_file(path: Path, rows: int) -> list[str]:
    """A CPdescarga.txt in ISO-8859-1 with ``rows`` asentamientos; returns its CPs."""
    rng = random.Random(1)
    lines = [
        "El Catálogo Nacional de Códigos Postales, es elaborado por Correos de México.",
        HEADER,
    ]
    cps: list[str] = []
    cp = 1000
    while len(lines) - 2 < rows:
        cp += 1
        cps.append(f"{cp:05d}")
        estado = f"{cp * 32 // 100_000 % 32 + 1:02d}"
        for i in range(rng.randint(1, 12)):
            lines.append(
                f"{cp:05d}|{rng.choice(NAMES)} {i}|Colonia|Municipio {cp // 50}|Estado|Ciudad|"
                f"{cp:05d}|{estado}|{cp:05d}||09|010|{i:04d}|Urbano|01"
            )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return cps


def median_ms(fn, items: list[str]) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    from icsoe_desktop.services.catalogos.codigos_postales import (
        CATALOGO_FILE,
        CodigosPostalesService,
    )

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=157_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        cps = write_file(root / "CPdescarga.txt", args.rows)
        service = CodigosPostalesService(root / "datos", incluidos=root / "ninguno")
        start = time.perf_counter()
        loaded = service.cargar(root / "CPdescarga.txt")
        print(
            f"load of {loaded} asentamientos ({len(cps)} CPs): {time.perf_counter() - start:.2f} s"
        )
        sample = random.Random(2).sample(cps, min(2000, len(cps)))
        path = root / "datos" / CATALOGO_FILE

        def raw(cp: str) -> None:
            con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            con.execute("SELECT * FROM asentamientos WHERE cp = ?", (cp,)).fetchall()
            con.close()

        raw_ms = median_ms(raw, sample)
        service_ms = median_ms(service.buscar, sample)
        print(f"raw sqlite3 connect + query of one CP:  {raw_ms:.3f} ms (median of {len(sample)})")
        print(
            f"buscar(cp):                             {service_ms:.3f} ms   ratio {service_ms / raw_ms:.2f}"
        )


if __name__ == "__main__":
    main()
