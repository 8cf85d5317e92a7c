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
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="revisa la instalación (datos, base, formularios, llavero…), una línea por revisión; "
        "sale con 0 si todo está bien",
    )
    commands = parser.add_subparsers(dest="command", metavar="comando")

    shots = commands.add_parser(
        "screenshots", help="genera una imagen PNG de cada ventana con datos de ejemplo"
    )
    shots.add_argument("directory", help="carpeta donde se escriben las imágenes")

    from icsoe_desktop import cli_usuarios

    cli_usuarios.add_parser(commands)
    commands.add_parser("correo", help="envía ahora los correos en espera y muestra cuántos quedan")
    _add_cert_parser(commands)
    from icsoe_desktop import cli_movimientos

    cli_movimientos.add_parsers(commands)
    return parser


def _add_cert_parser(commands: argparse._SubParsersAction) -> None:
    cert = commands.add_parser("cert", help="certificados digitales (e.firma, CSD, IMSS)")
    actions = cert.add_subparsers(dest="cert_command", metavar="acción", required=True)
    inspect = actions.add_parser(
        "inspect",
        help="valida un certificado y su llave privada e imprime sus datos en JSON",
        description=(
            "Imprime un objeto JSON: {'ok': true, rfc, nombre, tipo, vigencia…} con salida 0, o "
            "{'ok': false, 'error': código, 'mensaje': …} con salida 2."
        ),
    )
    files = inspect.add_mutually_exclusive_group(required=True)
    files.add_argument("--cer", metavar="ARCHIVO", help="certificado (.cer) de la e.firma o CSD")
    files.add_argument("--pfx", metavar="ARCHIVO", help="certificado IMSS (.pfx)")
    inspect.add_argument("--key", metavar="ARCHIVO", help="llave privada (.key), con --cer")
    inspect.add_argument(
        "--password-stdin",
        action="store_true",
        help="lee la contraseña de la entrada estándar (sin el salto de línea final)",
    )


def main(argv: list[str]) -> int:
    parser = _parser()
    # An ``icsoe://`` link (the installer registers «icsoe-desktop.exe "%1"») goes to the GUI.
    from icsoe_desktop.domain.activation_link import is_link

    links = [arg for arg in argv if is_link(arg)]
    args = parser.parse_args([arg for arg in argv if not is_link(arg)])
    if args.self_check:
        from icsoe_desktop.self_check import main as self_check

        return self_check(args.data_dir)
    if args.command is None:
        from icsoe_desktop.app import run_gui

        return run_gui(args.data_dir, links=links)
    if links:
        parser.error("un enlace icsoe:// se abre sin comando: python -m icsoe_desktop ENLACE")
    if args.command == "cert":
        if args.cer and not args.key:
            parser.error("--cer necesita --key (la llave privada del certificado)")
        if args.pfx and args.key:
            parser.error("--key no se usa con --pfx: el .pfx ya contiene la llave privada")
        return _cert_inspect(args)
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
        if args.command in ("demo", "movimientos"):
            from icsoe_desktop import cli_movimientos

            return cli_movimientos.run(args, services)
        if args.command == "usuarios":
            from icsoe_desktop import cli_usuarios

            return cli_usuarios.run(args, services)
        if args.command == "correo":
            report = services.mail.send_pending(force=True)
            print(
                f"Enviados: {report.sent}. En espera: {report.pending}. {report.last_error}".strip()
            )
            return 0 if report.failed == 0 else 1
        return 0
    finally:
        services.close()


# --- cert inspect: a stable JSON contract for scripts. Light: no store, no Qt, no services. ----

_CERT_FILES = {
    "cer": ("certificado_invalido", "de certificado (.cer)"),
    "key": ("llave_invalida", "de llave privada (.key)"),
    "pfx": ("pfx_invalido", ".pfx"),
}


class _UnreadableFile(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _read_cert_file(kind: str, path: str) -> bytes:
    from pathlib import Path

    code, what = _CERT_FILES[kind]
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise _UnreadableFile(code, f"No se encontró el archivo {what}: {path}") from exc
    except IsADirectoryError as exc:
        raise _UnreadableFile(code, f"El archivo {what} es una carpeta: {path}") from exc
    except PermissionError as exc:
        raise _UnreadableFile(code, f"No hay permiso para leer el archivo {what}: {path}") from exc
    except OSError as exc:
        raise _UnreadableFile(code, f"No se pudo leer el archivo {what}: {path}") from exc


def _password_from_stdin() -> str | None:
    """The whole of standard input less one trailing newline; None when it is empty."""
    if sys.stdin is None:
        return None
    data = sys.stdin.buffer.read()
    for newline in (b"\r\n", b"\n"):
        if data.endswith(newline):
            data = data[: -len(newline)]
            break
    if not data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # a Windows console or script in the ANSI code page
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _print_json(payload: dict[str, object]) -> None:
    import json

    text = json.dumps(payload, ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def _cert_inspect(args: argparse.Namespace) -> int:
    from icsoe_desktop.domain import credentials

    password = _password_from_stdin() if args.password_stdin else None
    try:
        if args.pfx:
            credential = credentials.load_pfx(_read_cert_file("pfx", args.pfx), password)
        else:
            cer = _read_cert_file("cer", args.cer)
            key = _read_cert_file("key", args.key)
            credential = credentials.load_sat_pair(cer, key, password or "")
    except (credentials.CredentialError, _UnreadableFile) as exc:
        _print_json({"ok": False, "error": exc.code, "mensaje": exc.message})
        return 2
    info = credential.info
    _print_json(
        {
            "ok": True,
            "rfc": info.rfc,
            "persona": info.persona,
            "curp": info.curp,
            "rfc_representante": info.rfc_representante,
            "curp_representante": info.curp_representante,
            "nombre": info.nombre,
            "tipo": info.tipo,
            "sucursal": info.sucursal,
            "no_certificado": info.no_certificado,
            "valido_desde": info.valido_desde.isoformat(),
            "valido_hasta": info.valido_hasta.isoformat(),
            "estado": info.estado(),
            "llave_corresponde": True,  # a key that does not match is an error above
        }
    )
    return 0
