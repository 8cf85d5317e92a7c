"""What the constancia's workers weigh at the least, whatever the PDF around them: the NSS, CURP,
SBC and names of CONTRATOS × TRABAJADORES distinct real-shaped workers (bench/datos_reales.py,
the ones bench/constancia.py signs), compressed in one piece, column by column (each column
apart, every worker sorted by NSS: the order that compresses best) with Flate at its highest
level (the one general compression a PDF page's content can use) and, for comparison, with
LZMA (which a PDF does not read). The annex's pages hold at least this much: the goal of a
10 MB constancia is below it.

    python bench/constancia_piso.py [--contratos 50] [--trabajadores 12000]
"""

from __future__ import annotations

import argparse
import lzma
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from carga import carga
from datos_reales import personas

COLUMNAS = ("NSS", "CURP", "primer apellido", "segundo apellido", "nombre", "SBC")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contratos", type=int, default=50)
    parser.add_argument("--trabajadores", type=int, default=12_000)
    args = parser.parse_args()
    n = args.contratos * args.trabajadores
    filas = sorted(personas(n))
    print(f"{n:,} trabajadores distintos, ordenados por NSS; {carga()}")
    flate = xz = 0
    for i, nombre in enumerate(COLUMNAS):
        columna = "\n".join(str(f[i]) for f in filas).encode()
        z, x = len(zlib.compress(columna, 9)), len(lzma.compress(columna, preset=9))
        flate, xz = flate + z, xz + x
        print(f"  {nombre:<17} Flate {z / 1e6:6.2f} MB   LZMA {x / 1e6:6.2f} MB")
    print(f"  {'todas':<17} Flate {flate / 1e6:6.2f} MB   LZMA {xz / 1e6:6.2f} MB")
    print(f"  {flate / n:.1f} bytes por trabajador con Flate (la meta de 10 MB: {1e7 / n:.1f})")


if __name__ == "__main__":
    main()
