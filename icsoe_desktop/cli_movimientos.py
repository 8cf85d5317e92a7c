"""CLI: ``demo movimientos --count N``, ``movimientos importar`` and ``movimientos exportar``."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from icsoe_desktop.domain.roles import CLI_ACTOR

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services


def add_parsers(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="crea datos de demostración")
    kinds = demo.add_subparsers(dest="demo_command", metavar="datos", required=True)
    movs = kinds.add_parser(
        "movimientos", help="movimientos afiliatorios realistas (y registros patronales de demo)"
    )
    movs.add_argument("--count", type=int, default=1_000, help="cuántos (por omisión 1000)")

    movimientos = commands.add_parser("movimientos", help="movimientos afiliatorios (IDSE)")
    actions = movimientos.add_subparsers(dest="mov_command", metavar="acción", required=True)
    importar = actions.add_parser(
        "importar", help="importa un lote IDSE (168 caracteres), un .xlsx o un CSV"
    )
    importar.add_argument("archivo")
    exportar = actions.add_parser("exportar", help="exporta a Excel los movimientos del filtro")
    exportar.add_argument("archivo", help="libro .xlsx a escribir")
    exportar.add_argument("--registro", help="registro patronal")
    exportar.add_argument("--tipo", choices=["08", "07", "02"], help="tipo de movimiento")
    exportar.add_argument(
        "--estado", choices=["pendiente", "enviado", "recibido", "aprobado", "rechazado"]
    )
    exportar.add_argument("--desde", type=_date, help="fecha inicial DD/MM/AAAA")
    exportar.add_argument("--hasta", type=_date, help="fecha final DD/MM/AAAA")


def _date(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"fecha «{text}» no válida: usa DD/MM/AAAA") from None


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError

    try:
        return _run(args, services)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    if args.command == "demo":
        from icsoe_desktop.demo.movimientos import create_demo_movimientos

        if args.count < 1:
            print("--count debe ser mayor que cero.", file=sys.stderr)
            return 2
        added = create_demo_movimientos(
            services.store, args.count, services.movimientos.today(), _progress
        )
        print(f"\nMovimientos de demostración agregados: {added:,}.")
        return 0
    if args.mov_command == "importar":
        report = services.importador.import_file(Path(args.archivo), CLI_ACTOR)
        for nota in report.notas:
            print(nota, file=sys.stderr)
        if not report.aplicado:
            for line in report.rechazadas:
                print(f"{report.unidad} {line.linea}: {line.motivo}", file=sys.stderr)
            unidades = "líneas" if report.unidad == "Línea" else "filas"
            print(
                f"No se importó nada: {report.lineas_rechazadas} de {report.leidas} {unidades} "
                "tienen errores.",
                file=sys.stderr,
            )
            return 2
        print(
            f"{report.formato}: {report.importados:,} movimientos nuevos, "
            f"{report.existentes:,} ya existían."
        )
        return 0
    from icsoe_desktop.services.movimientos.exportar import export_xlsx
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    filtro = Filtro(args.registro, args.desde, args.hasta, args.estado, args.tipo)
    written = export_xlsx(services.movimientos, filtro, Orden(), Path(args.archivo), _progress)
    print(f"\nExportados {written:,} movimientos a {args.archivo}.")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r{done:,} de {total:,}", end="", file=sys.stderr, flush=True)
