"""SEPOMEX's catalogue at full size: loading a CPdescarga.txt of 157,000 asentamientos (made-up
names, the official format and size) and looking a CP up, against a raw sqlite3 query of the
same rows (same run, same file). Each load runs in a child process that reports its peak
resident memory: the real-sized file, and a zip of the same lines repeated 13 times.

    python bench/codigos_postales.py [--rows N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from icsoe_desktop.store import cifrado

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


PEAK_LIMIT_MB = 150  # the real catalogue (~150,000 rows) loads within this


def load_in_child(data_dir: Path, archivo: Path) -> tuple[int, float, float]:
    """Asentamientos loaded, seconds and peak RSS (MB) of a load in a fresh process."""
    code = (
        "import sys, time; from pathlib import Path; sys.path.insert(0, 'bench')\n"
        "from peak import peak_rss_mb\n"
        "from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService\n"
        "s = CodigosPostalesService(Path(sys.argv[1]), incluidos=Path(sys.argv[1]) / 'no')\n"
        "t = time.perf_counter(); n = s.cargar(Path(sys.argv[2]), parcial=True)\n"
        "print(n, time.perf_counter() - t, peak_rss_mb())\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir), str(archivo)],
        capture_output=True,
        text=True,
        cwd=root,
    )
    if out.returncode:
        return 0, 0.0, 0.0  # refused (the message is on stderr)
    words = out.stdout.split()
    return int(words[0]), float(words[1]), float(words[2])


def repeated_zip(txt: Path, times: int) -> Path:
    """The file's lines ``times`` times over, zipped."""
    import zipfile

    lines = txt.read_bytes().split(b"\r\n")
    body = b"\r\n".join(lines[2:-1]) + b"\r\n"
    path = txt.with_name(f"repetido{times}.zip")
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archivo,
        archivo.open("CPdescarga.txt", "w") as member,
    ):
        member.write(b"\r\n".join(lines[:2]) + b"\r\n")
        for _ in range(times):
            member.write(body)
    return path


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
        loaded, seconds, peak = load_in_child(root / "datos", root / "CPdescarga.txt")
        size_mb = (root / "CPdescarga.txt").stat().st_size / 2**20
        print(
            f"load of {loaded} asentamientos ({len(cps)} CPs, {size_mb:.1f} MB): {seconds:.2f} s, "
            f"peak RSS {peak:.0f} MB (limit {PEAK_LIMIT_MB} MB: "
            f"{'within' if peak <= PEAK_LIMIT_MB else 'OVER'})"
        )
        for times in (3, 13):
            zipped = repeated_zip(root / "CPdescarga.txt", times)
            again, seconds, peak_zip = load_in_child(root / f"repetido{times}", zipped)
            said = (
                f"{again} asentamientos in {seconds:.2f} s, peak RSS {peak_zip:.0f} MB "
                f"(ratio to the plain load {peak_zip / peak:.2f})"
                if again
                else "refused (bigger than the catalogue can be)"
            )
            print(
                f"zip of the same lines {times} times "
                f"({zipped.stat().st_size / 2**20:.1f} MB zipped): {said}"
            )
        sample = random.Random(2).sample(cps, min(2000, len(cps)))
        path = root / "datos" / CATALOGO_FILE

        def raw(cp: str) -> None:
            con = cifrado.conectar(f"{path.as_uri()}?mode=ro", uri=True)
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
