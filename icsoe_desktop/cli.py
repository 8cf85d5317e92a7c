"""Headless commands. With no command the GUI starts."""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m icsoe_desktop",
        description="icsoe-desktop: Conexión en línea con IDSE y capturistas ICSOE.",
    )
    parser.add_argument(
        "--data-dir", help="carpeta de datos (por omisión, la del usuario; o ICSOE_DATA_DIR)"
    )
    commands = parser.add_subparsers(dest="command", metavar="comando")

    shots = commands.add_parser(
        "screenshots", help="genera una imagen PNG de cada ventana con datos de ejemplo"
    )
    shots.add_argument("directory", help="carpeta donde se escriben las imágenes")

    commands.add_parser(
        "usuarios", help="lista los usuarios de Conexión en línea con IDSE y su estado"
    )
    commands.add_parser("correo", help="envía ahora los correos en espera y muestra cuántos quedan")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        from icsoe_desktop.app import run_gui

        return run_gui(args.data_dir)
    if args.command == "screenshots":
        from icsoe_desktop.gui.screenshots import render_all

        for path in render_all(args.directory):
            print(path)
        return 0
    return _service_command(args)


def _service_command(args: argparse.Namespace) -> int:
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.logging_setup import configure_logging
    from icsoe_desktop.paths import LOG_FILE, resolve_data_dir
    from icsoe_desktop.services.container import open_services

    data_dir = resolve_data_dir(args.data_dir)
    configure_logging(data_dir / LOG_FILE)
    try:
        services = open_services(data_dir)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    try:
        if args.command == "usuarios":
            for user in services.accounts.list_users():
                print(f"{user.usuario}\t{user.estado}\t{user.nombre_completo}")
        elif args.command == "correo":
            report = services.mail.send_pending(force=True)
            print(
                f"Enviados: {report.sent}. En espera: {report.pending}. {report.last_error}".strip()
            )
            return 0 if report.failed == 0 else 1
        return 0
    finally:
        services.close()
