"""CLI: ``empresas listar|crear|conceder|retirar|solo-consulta`` (the installation's catalog).

The command line is an operator of this machine, as for ``usuarios``: it lists every empresa
(or a user's, with --usuario) and grants without signing in; every change is audited."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services


def add_parser(commands: argparse._SubParsersAction) -> None:
    empresas = commands.add_parser("empresas", help="empresas de esta instalación y sus accesos")
    actions = empresas.add_subparsers(dest="empresas_command", metavar="acción", required=True)
    listar = actions.add_parser("listar", help="RFC, razón social y archivo de cada empresa")
    listar.add_argument("--usuario", help="sólo las empresas en que puede trabajar este usuario")
    crear = actions.add_parser("crear", help="crea una empresa con su propia base de datos")
    crear.add_argument("rfc")
    crear.add_argument("razon_social", metavar="RAZON_SOCIAL")
    for name, text in (("conceder", "permite"), ("retirar", "quita")):
        action = actions.add_parser(name, help=f"{text} a USUARIO trabajar en la empresa RFC")
        action.add_argument("usuario", metavar="USUARIO")
        action.add_argument("rfc", metavar="RFC")
    consulta = actions.add_parser(
        "solo-consulta",
        help="permite (si) o impide (no) abrir la empresa RFC en modo sólo consulta",
    )
    consulta.add_argument("rfc", metavar="RFC")
    consulta.add_argument("permitir", choices=("si", "no"))


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.services.empresas.servicio import CLI_ACTOR

    empresas = services.empresas
    try:
        if args.empresas_command == "listar":
            for empresa in empresas.listar(args.usuario):
                consulta = "sólo consulta: sí" if empresa.solo_consulta else "sólo consulta: no"
                nombre = empresa.marcada(empresa.nombre)
                print(f"{empresa.rfc or '-'}\t{nombre}\t{empresa.archivo}\t{consulta}")
        elif args.empresas_command == "crear":
            empresa = empresas.crear(args.rfc, args.razon_social, CLI_ACTOR)
            print(f"Empresa creada: {empresa.etiqueta}, en {empresas.ruta(empresa)}.")
        elif args.empresas_command == "solo-consulta":
            empresa = empresas.elegir(args.rfc)
            permitir = args.permitir == "si"
            empresas.permitir_solo_consulta(empresa.id, permitir, CLI_ACTOR)
            print(
                f"{empresa.etiqueta} {'puede' if permitir else 'ya no puede'} abrirse en modo "
                "sólo consulta."
            )
        else:
            empresa = empresas.elegir(args.rfc)
            if args.empresas_command == "conceder":
                services.accesos.conceder(args.usuario, empresa.id, CLI_ACTOR)
                print(f"{args.usuario} puede trabajar en {empresa.etiqueta}.")
            else:
                services.accesos.retirar(args.usuario, empresa.id, CLI_ACTOR)
                print(f"{args.usuario} ya no puede trabajar en {empresa.etiqueta}.")
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    return 0
