"""CLI: ``evidencias adjuntar``, ``evidencias estado --mes AAAA-MM`` and ``evidencias paquete
--mes AAAA-MM --contratante RFC --salida X.zip``: the client's monthly evidence."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.console import fin_de_progreso, progreso
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.texts import plural

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.services.container import Services

_TIPOS = "isr, acuse_isr, iva, acuse_iva, sua, opinion_sat, opinion_imss, opinion_infonavit"


def add_parser(commands: argparse._SubParsersAction) -> None:
    evidencias = commands.add_parser(
        "evidencias",
        help="la evidencia mensual de cada cliente: recibos, declaraciones, pagos, opiniones y "
        "el registro REPSE",
    )
    actions = evidencias.add_subparsers(dest="evi_command", metavar="acción", required=True)
    adjuntar = actions.add_parser(
        "adjuntar",
        help="adjunta un documento (PDF) del mes para todos los clientes o, con --contratante, "
        "para uno; reemplaza el que hubiera",
    )
    _mes(adjuntar)
    adjuntar.add_argument("--tipo", required=True, metavar="TIPO", help=_TIPOS)
    adjuntar.add_argument("--archivo", required=True, metavar="PDF")
    adjuntar.add_argument("--contratante", metavar="RFC", help="sólo para ese cliente")
    _empresa(adjuntar)
    estado = actions.add_parser(
        "estado",
        help="por cliente, qué hay y qué falta del mes, separado por tabuladores: RFC, "
        "nombre, recibos, fecha de entrega y lo que falta",
    )
    _mes(estado)
    estado.add_argument(
        "--dia",
        type=int,
        metavar="D",
        help="día de entrega del mes siguiente para todos (por omisión, el de cada cliente o 17)",
    )
    _empresa(estado)
    paquete = actions.add_parser(
        "paquete",
        help="escribe el ZIP del cliente y el mes (recibos XML, documentos, registro REPSE e "
        "índice .xlsx con SHA-256); dice qué cambió desde el paquete anterior",
    )
    _mes(paquete)
    paquete.add_argument("--contratante", metavar="RFC", required=True)
    paquete.add_argument(
        "--salida", required=True, metavar="X.zip", help="el archivo, o una carpeta"
    )
    _empresa(paquete)


def _mes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mes", type=_mes_valido, required=True, metavar="AAAA-MM")


def _mes_valido(texto: str) -> Mes:
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.evidencias import Mes

    try:
        return Mes.de_texto(texto)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _empresa(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--empresa",
        metavar="RFC",
        default=argparse.SUPPRESS,
        help="la empresa (obligatoria si hay varias)",
    )


def run(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.errors import DomainError

    servicio = services.evidencias
    try:
        if args.evi_command == "adjuntar":
            huella = servicio.adjuntar(
                CLI_ACTOR, args.mes, args.tipo, Path(args.archivo), args.contratante
            )
            print(f"Adjuntado: {Path(args.archivo).name} (SHA-256 {huella})")
            return 0
        if args.evi_command == "estado":
            return _estado(args, services)
        hecho = servicio.paquete(CLI_ACTOR, args.mes, args.contratante, Path(args.salida), progreso)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    fin_de_progreso()
    for linea in hecho.cambios:
        print(linea)
    print(f"Paquete: {hecho.ruta} ({len(hecho.miembros):,} archivos, SHA-256 {hecho.sha256})")
    return 0


def _estado(args: argparse.Namespace, services: Services) -> int:
    clientes = services.evidencias.estado(CLI_ACTOR, args.mes, args.dia)
    for c in clientes:
        faltan = "; ".join(c.faltan) or "completo"
        print(f"{c.contratante}\t{c.nombre}\t{c.recibos}\t{c.entrega:%d/%m/%Y}\t{faltan}")
    incompletos = sum(1 for c in clientes if not c.completo)
    print(
        f"{plural(len(clientes), 'cliente')} en {args.mes.clave}; {incompletos:,} con faltantes.",
        file=sys.stderr,
    )
    return 1 if incompletos else 0
