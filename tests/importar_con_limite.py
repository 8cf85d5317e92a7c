"""Run as ``python -m tests.importar_con_limite DATA_DIR FOLDER``: under a 4 GB address-space
limit (a small office PC), each importer of the program takes the workbook
FOLDER/<importer>.xlsx (or .xls) through the real services, and one JSON line per importer says
what came out: a Spanish refusal (its code and message), or the rows read. With DATA_DIR «-», every file
of FOLDER goes through the intake's reader alone. A file that makes a reader ask for more
memory than that ends this process instead (exit 134): what the caller looks for."""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

LIMITE = 4 * 2**30


def _answer(name: str, read: Callable[[], object]) -> None:
    from icsoe_desktop.domain.errors import ValidationError

    try:
        answer = {"archivo": name, "filas": read()}
    except ValidationError as error:
        answer = {"archivo": name, "codigo": error.code, "mensaje": error.message}
    print(json.dumps(answer, ensure_ascii=False), flush=True)


def importadores(services: Any) -> dict[str, Callable[[Path], object]]:
    """Each importer of the program, by name: what it answers for a file (a count)."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.informativa.rechazos import _leer as leer_rechazos
    from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores

    return {
        "movimientos": lambda p: services.importador.import_file(p, CLI_ACTOR).leidas,
        "trabajadores": lambda p: len(leer_trabajadores(p).trabajadores),
        "registros": lambda p: services.registros.importar(p, CLI_ACTOR).guardados,
        "capturistas": lambda p: (
            services.capturistas_excel.alta_masiva("XAXX010101000", p).guardados
        ),
        # The portal's rejections: read as the importer reads them (the rows it would match).
        "rechazos": lambda p: len(list(leer_rechazos(p, None).filas())),
    }


def main(data_dir: str, folder: Path) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMITE, LIMITE))
    if data_dir == "-":
        from icsoe_desktop.services.archivos.xlsx_reader import sheet_rows

        for path in sorted(p for p in folder.iterdir() if p.suffix != ".md"):
            _answer(path.name, lambda p=path: sum(1 for _ in sheet_rows(p, p.name)))
        return
    from icsoe_desktop.services.container import open_services

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    services = open_services(Path(data_dir))
    try:
        for name, importer in importadores(services).items():
            for path in (folder / f"{name}.xlsx", folder / f"{name}.xls"):
                if path.exists():
                    _answer(name, lambda i=importer, p=path: i(p))
    finally:
        services.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
