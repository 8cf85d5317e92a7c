"""CLI: ``sepomex cargar ARCHIVO|estado``: the installation's catalogue of códigos postales.

IT downloads the official file from Correos de México (CPdescarga.txt, or the .zip) and loads
it here; the app reads it offline (services/catalogos/codigos_postales.py), and the sync sends
it to the company's server, from which every other desktop of the company receives it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.domain.texts import plural

if TYPE_CHECKING:
    from icsoe_desktop.services.catalogos.codigos_postales import EstadoCatalogo
    from icsoe_desktop.services.container import Services

ENTIDADES = 32


def add_parser(commands: argparse._SubParsersAction) -> None:
    sepomex = commands.add_parser(
        "sepomex", help="catálogo de códigos postales de SEPOMEX (Correos de México)"
    )
    actions = sepomex.add_subparsers(dest="sepomex_command", metavar="acción", required=True)
    cargar = actions.add_parser(
        "cargar",
        help="carga el catálogo oficial (CPdescarga.txt o CPdescarga.zip) en lugar del actual",
    )
    cargar.add_argument("archivo", metavar="ARCHIVO")
    cargar.add_argument(
        "--parcial",
        action="store_true",
        help="acepta un archivo con menos colonias o entidades que el catálogo cargado",
    )
    actions.add_parser("estado", help="muestra si hay catálogo, de cuándo y de qué archivo")


def run(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.domain.roles import CLI_ACTOR

    catalogo = services.codigos_postales
    try:
        if args.sepomex_command == "cargar":
            cargadas = catalogo.cargar(Path(args.archivo), parcial=args.parcial, actor=CLI_ACTOR)
            print(f"Catálogo de códigos postales cargado: {plural(cargadas, 'asentamiento')}.")
        estado = catalogo.estado()
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    for linea in describir(estado):
        print(linea)
    if estado.aviso:
        print(estado.aviso, file=sys.stderr)
    return 0 if estado.cargado else 1


def describir(estado: EstadoCatalogo) -> list[str]:
    """What ``estado`` prints, one fact a line."""
    from icsoe_desktop.domain.clock import texto_del_centro

    if not estado.cargado:
        return ["Sin catálogo de códigos postales: cárgalo con «sepomex cargar CPdescarga.txt»."]
    origen = (
        "incluido con la aplicación"
        if estado.incluido
        else "recibido del servidor de sincronización"
        if estado.recibido
        else "cargado en este equipo"
    )
    lineas = [
        f"Códigos postales: {estado.codigos_postales:,}",
        f"Asentamientos (colonias): {estado.asentamientos:,}",
        f"Entidades federativas: {estado.entidades} de {ENTIDADES}",
        f"Cargado el: {texto_del_centro(estado.cargado_el)}",
        f"Archivo: {estado.origen} ({origen})",
    ]
    if estado.repetidos:
        lineas.append(f"Renglones repetidos omitidos: {estado.repetidos:,}")
    if estado.entidades < ENTIDADES:
        lineas.append(
            f"Aviso: el catálogo cubre {estado.entidades} de {ENTIDADES} entidades; el archivo "
            "oficial completo las tiene todas. Descárgalo de nuevo si faltan datos."
        )
    return lineas
