"""CLI: ``usuarios`` (list), ``usuarios restablecer USUARIO`` and ``usuarios administrador
USUARIO``: recovering access on this machine when nobody can sign in (README «Recuperar el
acceso»). Whoever runs them already has the data folder in hand; the action is audited."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.domain.roles import CLI_ACTOR

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services


def add_parser(commands: argparse._SubParsersAction) -> None:
    usuarios = commands.add_parser(
        "usuarios", help="lista los usuarios de Conexión en línea con IDSE y su estado"
    )
    actions = usuarios.add_subparsers(dest="usuarios_command", metavar="acción")
    restablecer = actions.add_parser(
        "restablecer",
        help="define una contraseña nueva para USUARIO, leída de la entrada estándar (o "
        "pedida dos veces en la terminal); para cuando nadie puede ingresar",
    )
    restablecer.add_argument("usuario", help="correo electrónico del usuario")
    administrador = actions.add_parser(
        "administrador",
        help="hace administrador a USUARIO: puede restablecer la contraseña de otros usuarios "
        "desde «Regístrate aquí»",
    )
    administrador.add_argument("usuario", help="correo electrónico del usuario")
    administrador.add_argument("--quitar", action="store_true", help="le quita la función")


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError

    try:
        if args.usuarios_command == "restablecer":
            password = _new_password()
            if password is None:
                print("No se recibió la contraseña nueva en la entrada estándar.", file=sys.stderr)
                return 2
            usuario = services.accounts.set_password(
                args.usuario, password, password, actor=CLI_ACTOR
            )
            print(f"Contraseña de {usuario} restablecida. Ya puede ingresar con ella.")
            return 0
        if args.usuarios_command == "administrador":
            user = services.accounts.set_administrador(args.usuario, not args.quitar, CLI_ACTOR)
            state = "es administrador" if user.administrador else "ya no es administrador"
            print(f"{user.usuario} {state}.")
            return 0
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    for user in services.accounts.listar():
        admin = "\tadministrador" if user.administrador else ""
        print(f"{user.usuario}\t{user.estado}\t{user.nombre_completo}{admin}")
    return 0


def _new_password() -> str | None:
    """Typed twice at a terminal (hidden); otherwise the whole of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass("Contraseña nueva: ")
        if getpass.getpass("Confirmar contraseña: ") != first:
            print("La contraseña y la confirmación no coinciden.", file=sys.stderr)
            return None
        return first or None
    from icsoe_desktop.console import password_from_stdin

    return password_from_stdin()
