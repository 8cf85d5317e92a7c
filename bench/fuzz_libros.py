"""Every importer over damaged workbooks, each file in a guarded child: an abort is counted, not
fatal.

Seeds per importer: its LibreOffice .xls of tests/data (tests/data/libros_xls.py), the .xlsx
that .xls was saved from, and the two LibreOffice .ods of tests/data. Each mutant is a seed
changed (tests/fuzzing.py): an .xls's records (a type, a length, a DIMENSIONS, a BOUNDSHEET's
offset, the SST's counts, a cell's row or column, some bytes) or its bytes anywhere; an .xlsx's
or .ods's XML parts (bytes, or markup readers act on) or the zip's bytes. A child process under
a 4 GB address-space limit (a small office PC, as tests/importar_con_limite.py) takes them one
at a time through the importer; it dies on an abort (started again), is ended after --plazo
seconds, and says what came out: a Spanish refusal, a result, or anything else (untyped).

Prints per importer the mutants, refusals, results, aborts, untyped errors and time-outs; keeps
each mutant that aborted, timed out or was untyped in --guardar (the corpus that
tests/services/test_libros_xls.py replays). Goal: 0 aborts, 0 untyped.

    python bench/fuzz_libros.py [--n 300] [--semilla 0] [--guardar DIR] [--solo IMPORTADOR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import select
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from anywhere

LIMITE = 4 * 2**30


def hijo(data_dir: Path) -> None:
    """One line «importer<TAB>path» in, one JSON line out, until stdin ends."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMITE, LIMITE))
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.services.container import open_services
    from tests.importar_con_limite import importadores

    data_dir.mkdir(parents=True, exist_ok=True)
    services = open_services(data_dir)
    tabla = importadores(services)
    for linea in sys.stdin:
        nombre, ruta = linea.rstrip("\n").split("\t")
        try:
            respuesta: dict[str, object] = {"leidas": tabla[nombre](Path(ruta))}
        except ValidationError as error:
            respuesta = {"codigo": error.code}
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # untyped: what the clerk would see as a traceback
            respuesta = {"error": "".join(traceback.format_exception_only(error)).strip()}
        print(json.dumps(respuesta), flush=True)


class Hijo:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proceso = self._iniciar()

    def _iniciar(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, __file__, "--hijo", str(self.data_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=dict(os.environ, PYTHONPATH=str(REPO), RUST_BACKTRACE="0"),
        )  # fmt: skip

    def importar(self, nombre: str, ruta: Path, plazo: float) -> dict[str, object]:
        proceso = self.proceso
        assert proceso.stdin is not None and proceso.stdout is not None
        try:
            proceso.stdin.write(f"{nombre}\t{ruta}\n")
            proceso.stdin.flush()
        except BrokenPipeError:
            pass
        listo, _, _ = select.select([proceso.stdout], [], [], plazo)
        linea = proceso.stdout.readline() if listo else None
        if linea:
            respuesta: dict[str, object] = json.loads(linea)
            return respuesta
        if linea is None:
            proceso.kill()
        codigo = proceso.wait()
        self.proceso = self._iniciar()
        return {"plazo": plazo} if linea is None else {"aborto": codigo}


def semillas(carpeta: Path) -> dict[str, list[Path]]:
    from tests.data.libros_xls import AQUI, fuentes

    ods = [AQUI / "hojas.ods", AQUI / "ocultas.ods"]
    return {
        nombre: [AQUI / f"{nombre}.xls", xlsx, *ods] for nombre, xlsx in fuentes(carpeta).items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="mutantes por importador")
    parser.add_argument("--semilla", type=int, default=0)
    parser.add_argument("--guardar", type=Path, default=REPO / "tests" / "data" / "fuzz")
    parser.add_argument("--solo", help="un importador")
    parser.add_argument("--plazo", type=float, default=120.0, help="segundos por archivo")
    parser.add_argument("--hijo", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hijo is not None:
        hijo(args.hijo)
        return
    from tests.fuzzing import mutar_xls, mutar_zip

    total: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        carpeta = Path(tmp)
        todas = semillas(carpeta)
        hijo_ = Hijo(carpeta / "datos")
        (carpeta / "mutantes").mkdir()
        for nombre, lista in todas.items():
            if args.solo and nombre != args.solo:
                continue
            for semilla in lista:  # the child reads the seeds themselves: it is sound
                respuesta = hijo_.importar(nombre, semilla, args.plazo)
                if "leidas" not in respuesta and "codigo" not in respuesta:
                    sys.exit(f"{nombre}: {semilla.name} sin dañar: {respuesta}")
            cuenta = dict.fromkeys(("rechazados", "leidos", "abortos", "sin_tipo", "plazos"), 0)
            empezo = time.monotonic()
            for i in range(args.n):
                rnd = random.Random(f"{args.semilla}:{nombre}:{i}")
                semilla = rnd.choice(lista)
                original = semilla.read_bytes()
                if semilla.suffix == ".xls":
                    data, como = mutar_xls(original, rnd)
                else:
                    data, como = mutar_zip(original, rnd)
                ruta = carpeta / "mutantes" / f"{nombre}{semilla.suffix}"
                ruta.write_bytes(data)
                respuesta = hijo_.importar(nombre, ruta, args.plazo)
                clase = (
                    "abortos" if "aborto" in respuesta
                    else "plazos" if "plazo" in respuesta
                    else "sin_tipo" if "error" in respuesta
                    else "rechazados" if "codigo" in respuesta
                    else "leidos"
                )  # fmt: skip
                cuenta[clase] += 1
                if clase in ("abortos", "plazos", "sin_tipo"):
                    args.guardar.mkdir(parents=True, exist_ok=True)
                    guardado = args.guardar / f"{nombre}_{args.semilla}_{i}{semilla.suffix}"
                    guardado.write_bytes(data)
                    print(f"  {clase}: {guardado.name} ({como}): {respuesta}", flush=True)
            segundos = time.monotonic() - empezo
            print(
                f"{nombre:13} {args.n} mutantes en {segundos:.0f} s: "
                + ", ".join(f"{k} {v}" for k, v in cuenta.items()),
                flush=True,
            )
            for k, v in cuenta.items():
                total[k] = total.get(k, 0) + v
        hijo_.proceso.stdin.close()  # type: ignore[union-attr]
        hijo_.proceso.wait()
    print("total: " + ", ".join(f"{k} {v}" for k, v in total.items()))


if __name__ == "__main__":
    main()
