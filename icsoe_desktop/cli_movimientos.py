"""CLI: ``demo movimientos --count N``, ``movimientos importar``, ``movimientos exportar``,
``movimientos lotes`` and ``movimientos resultado``."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from icsoe_desktop.console import fin_de_progreso, progreso
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.texts import plural, verb

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services


def argumento_hoja(parser: argparse.ArgumentParser) -> None:
    """--hoja NOMBRE: the workbook's sheet to import, when several visible ones have the
    header (without it the import refuses naming them)."""
    parser.add_argument(
        "--hoja",
        metavar="NOMBRE",
        help="la hoja del libro que se importa, si varias hojas visibles tienen el encabezado",
    )


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
        "importar",
        help="importa un lote IDSE, un libro de Excel (.xlsx, .xls, .xlsb), un .ods o un CSV",
        description="Importa movimientos afiliatorios de un lote IDSE (168 caracteres por "
        "línea), un libro de Excel (.xlsx, .xlsm, .xls de Excel 97-2003, .xlsb), un libro "
        "OpenDocument (.ods) o un CSV (UTF-8 o Windows-1252, separado por coma o punto y coma).",
    )
    importar.add_argument(
        "archivo", help="el lote IDSE, el libro (.xlsx, .xlsm, .xls, .xlsb, .ods) o el CSV"
    )
    argumento_hoja(importar)
    exportar = actions.add_parser(
        "exportar", help="exporta los movimientos del filtro a Excel (.xlsx) o CSV (.csv)"
    )
    exportar.add_argument(
        "archivo", help="archivo a escribir: .xlsx (libro de Excel) o .csv (UTF-8 con BOM)"
    )
    exportar.add_argument("--registro", help="registro patronal")
    exportar.add_argument("--tipo", choices=["08", "07", "02"], help="tipo de movimiento")
    exportar.add_argument(
        "--estado", choices=["pendiente", "enviado", "recibido", "aprobado", "rechazado"]
    )
    exportar.add_argument("--desde", type=_date, help="fecha inicial DD/MM/AAAA")
    exportar.add_argument("--hasta", type=_date, help="fecha final DD/MM/AAAA")
    actions.add_parser(
        "lotes",
        help="los lotes generados: número, registro patronal, fecha, movimientos y resultados, "
        "separados por tabuladores",
    )
    resultado = actions.add_parser(
        "resultado",
        help="aplica el resultado de IDSE (CSV o .xlsx: NSS, Movimiento, Fecha, Resultado, "
        "Causa de rechazo) a un lote",
    )
    resultado.add_argument("lote", type=int, metavar="LOTE", help="número del lote")
    resultado.add_argument("archivo")
    resultado.add_argument(
        "--registro", help="registro patronal del lote (si dos lotes tienen el mismo número)"
    )


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
            services.store, args.count, services.movimientos.today(), progreso
        )
        fin_de_progreso()
        print(f"Movimientos de demostración agregados: {added:,}.")
        return 0
    if args.mov_command == "importar":
        from icsoe_desktop.services.movimientos.importar import IMPORTACION

        # Unattended: a file of a shape the clerk once mapped in the assistant reads as then.
        guia = services.mapeos.recordada_para(IMPORTACION, Path(args.archivo), args.hoja)
        report = services.importador.import_file(Path(args.archivo), CLI_ACTOR, guia=guia)
        if not report.aplicado:
            for nota in report.notas:  # what was left out, before the rows that failed
                print(nota, file=sys.stderr)
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
            f"{report.formato}: {plural(report.importados, 'movimiento nuevo', 'movimientos nuevos')}, "
            f"{report.existentes:,} ya {verb(report.existentes, 'existía', 'existían')}."
        )
        for nota in report.notas:
            print(f"Nota: {nota}")
        return 0
    if args.mov_command == "lotes":
        return _lotes(services)
    if args.mov_command == "resultado":
        return _resultado(args, services)
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    filtro = Filtro(args.registro, args.desde, args.hasta, args.estado, args.tipo)
    written = services.exportador.exportar(filtro, Orden(), Path(args.archivo), CLI_ACTOR, progreso)
    fin_de_progreso()
    print(f"{plural(written, 'movimiento exportado', 'movimientos exportados')} a {args.archivo}.")
    return 0


def _lotes(services: Services) -> int:
    from icsoe_desktop.domain.clock import texto_del_centro
    from icsoe_desktop.domain.movimientos import ESTADOS

    for lote in services.lotes.lotes():
        resultados = ", ".join(f"{ESTADOS[k]}: {v}" for k, v in sorted(lote.por_resultado.items()))
        print(
            f"{lote.numero}\t{lote.registro_patronal}\t{texto_del_centro(lote.generado_at)}\t"
            f"{lote.movimientos}\t{resultados}"
        )
    return 0


def _resultado(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.texts import plural, verb

    lotes = [
        lote
        for lote in services.lotes.lotes()
        if lote.numero == args.lote and args.registro in (None, lote.registro_patronal)
    ]
    if not lotes:
        de = f" del registro patronal {args.registro}" if args.registro else ""
        print(
            f"No hay un lote {args.lote}{de}. Consulta los lotes con «movimientos lotes».",
            file=sys.stderr,
        )
        return 2
    if len(lotes) > 1:
        print(
            f"Hay {plural(len(lotes), 'lote')} con el número {args.lote}: indica el registro patronal "
            "con --registro.",
            file=sys.stderr,
        )
        return 2
    from icsoe_desktop.services.movimientos.lotes import IMPORTACION

    guia = services.mapeos.recordada_para(IMPORTACION, Path(args.archivo))
    report = services.lotes.importar_resultado(lotes[0].id, Path(args.archivo), CLI_ACTOR, guia)
    if not report.aplicado:
        for line in report.rechazadas:
            print(f"Fila {line.linea}: {line.motivo}", file=sys.stderr)
        n = len(report.rechazadas)
        print(
            f"No se aplicó el resultado de «{report.archivo}» al lote {args.lote}: "
            f"{plural(n, 'fila')} {verb(n, 'tiene', 'tienen')} errores.",
            file=sys.stderr,
        )
        return 2
    cuentas = (
        plural(report.aprobados, "aprobado"),
        plural(report.rechazados, "rechazado"),
        plural(report.recibidos, "recibido"),
    )
    print(f"Resultado del lote {args.lote}: {', '.join(cuentas)}.")
    return 0
