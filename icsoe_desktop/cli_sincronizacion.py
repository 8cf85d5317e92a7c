"""CLI: ``sincronizacion configurar URL`` (the token read from standard input), ``sincronizar``
and ``actualizar [--aceptar]``: the empresa's sync server, and the new version IT published
on it, from the command line (an installation prepared by script, or checked by IT)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.domain.roles import CLI_ACTOR

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services


def add_parser(commands: argparse._SubParsersAction) -> None:
    sync = commands.add_parser("sincronizacion", help="el servidor de sincronización de la empresa")
    actions = sync.add_subparsers(dest="sync_command", metavar="acción", required=True)
    configurar = actions.add_parser(
        "configurar",
        help="guarda la dirección del servidor y el token (leído de la entrada estándar)",
    )
    configurar.add_argument("url", help="dirección del servidor, p. ej. https://sync.empresa.com")
    configurar.add_argument(
        "--sin-verificar-tls",
        action="store_true",
        help="no verifica el certificado TLS del servidor (sólo en una red de prueba)",
    )
    configurar.add_argument(
        "--intervalo", type=int, default=15, help="minutos entre sincronizaciones (0: a mano)"
    )
    actions.add_parser("ahora", help="sincroniza ahora con el servidor")
    actualizar = commands.add_parser(
        "actualizar",
        help="busca en el servidor de sincronización una versión nueva de icsoe-desktop",
    )
    actualizar.add_argument(
        "--aceptar",
        action="store_true",
        help="si la hay, la descarga, revisa su firma y su SHA-256 y ejecuta su instalador",
    )


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.console import password_from_stdin
    from icsoe_desktop.domain.errors import DomainError

    try:
        if args.command == "actualizar":
            return _actualizar(services, args.aceptar)
        if args.sync_command == "configurar":
            token = password_from_stdin()
            if token is None:
                print("No se recibió el token en la entrada estándar.", file=sys.stderr)
                return 2
            services.sync.configure(
                args.url, token, not args.sin_verificar_tls, args.intervalo, CLI_ACTOR
            )
            print(services.sync.test_connection())
            return 0
        print(services.sync.synchronize().texto)
        return 0
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _actualizar(services: Services, aceptar: bool) -> int:
    actualizacion = services.actualizacion
    if not services.sync.is_configured():
        print(
            "La sincronización no está configurada: las versiones nuevas llegan del servidor de "
            "sincronización de la empresa.",
            file=sys.stderr,
        )
        return 2
    nueva = actualizacion.buscar()
    if nueva is None:
        print(f"Esta instalación tiene la versión más reciente ({actualizacion.version}).")
        return 0
    print(f"{nueva.texto}; esta instalación tiene la {actualizacion.version}.")
    if not aceptar:
        print("Para instalarla: actualizar --aceptar")
        return 0
    bitacora = actualizacion.instalar(nueva, CLI_ACTOR)
    print(
        f"Versión {nueva.version} descargada y revisada (firma del editor y SHA-256 "
        f"{nueva.sha256}); su instalador "
        f"se está ejecutando (registro: {bitacora})."
    )
    return 0
