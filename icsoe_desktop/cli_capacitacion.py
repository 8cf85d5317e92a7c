"""CLI: ``capacitacion preparar CARPETA``: the practice e.firma, its authority and the practice
empresa for a training room (services/capacitacion.py). The password is the last line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services


def add_parser(commands: argparse._SubParsersAction) -> None:
    capacitacion = commands.add_parser(
        "capacitacion", help="prepara la práctica de capacitación (sin e.firma real)"
    )
    actions = capacitacion.add_subparsers(
        dest="capacitacion_command", metavar="acción", required=True
    )
    preparar = actions.add_parser(
        "preparar",
        help="escribe en CARPETA una e.firma de práctica (capacitacion.cer y capacitacion.key) "
        "y prepara la empresa de práctica; la contraseña es la última línea",
    )
    preparar.add_argument("carpeta", metavar="CARPETA")


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.capacitacion import preparar

    try:
        practica = preparar(services, Path(args.carpeta), CLI_ACTOR)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    for line in practica.resumen():
        print(line)
    return 0
