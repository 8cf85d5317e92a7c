"""Headless commands. With no command the GUI starts."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.console import password_from_stdin
from icsoe_desktop.domain.motivo_os import motivo_os

if TYPE_CHECKING:
    from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    from icsoe_desktop.domain import argparse_es

    argparse_es.install()  # its usage line and errors in Spanish
    parser = argparse.ArgumentParser(
        prog="python -m icsoe_desktop",
        description="icsoe-desktop: Conexión en línea con IDSE y capturistas ICSOE.",
    )
    parser.add_argument(
        "--data-dir", help="carpeta de datos (por omisión, la del usuario; o ICSOE_DATA_DIR)"
    )
    parser.add_argument(
        "--empresa",
        metavar="RFC",
        help="la empresa con la que trabaja el comando (obligatoria si hay varias; SIN-RFC: la "
        "que aún no tiene RFC)",
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
    from icsoe_desktop import cli_empresas

    cli_empresas.add_parser(commands)
    from icsoe_desktop import cli_sepomex

    cli_sepomex.add_parser(commands)
    from icsoe_desktop import cli_sincronizacion

    cli_sincronizacion.add_parser(commands)
    commands.add_parser("correo", help="envía ahora los correos en espera y muestra cuántos quedan")
    respaldar = commands.add_parser(
        "respaldar", help="copia la base de datos a ARCHIVO (se puede hacer con la app abierta)"
    )
    respaldar.add_argument("archivo", metavar="ARCHIVO")
    restaurar = commands.add_parser(
        "restaurar",
        help="revisa ARCHIVO (un respaldo) y lo pone en lugar de la base de datos; la actual se "
        "conserva a un lado (…antes-de-restaurar-FECHA)",
    )
    restaurar.add_argument("archivo", metavar="ARCHIVO")
    restaurar.add_argument(
        "--codigo-stdin",
        action="store_true",
        help="lee de la entrada estándar el código de recuperación de la instalación donde se "
        "hizo el respaldo (para un respaldo de otro equipo)",
    )
    commands.add_parser(
        "reparar",
        help="revisa la base de datos de la empresa; si está dañada, rescata cada renglón legible "
        "en un archivo nuevo (el dañado se conserva a un lado), vuelve a contar sus sumas y, con "
        "sincronización, recibe del servidor lo que faltó",
    )
    bitacora = commands.add_parser("bitacora", help="la llave de la bitácora de la instalación")
    bitacora_acciones = bitacora.add_subparsers(dest="bitacora_command", required=True)
    nueva = bitacora_acciones.add_parser(
        "llave-nueva",
        help="sólo si la llave de la bitácora se perdió sin respaldo: crea otra; las entradas "
        "anteriores ya no se podrán comprobar con llave",
    )
    nueva.add_argument(
        "--se-perdio",
        action="store_true",
        required=True,
        help="confirma que la credencial icsoe-desktop/bitacora se perdió y no tiene respaldo",
    )
    cifrado = commands.add_parser(
        "cifrado", help="el código de recuperación de la llave de las bases de datos"
    )
    cifrado_acciones = cifrado.add_subparsers(dest="cifrado_command", required=True)
    cifrado_acciones.add_parser(
        "codigo", help="muestra el código de recuperación (queda en la bitácora)"
    )
    cifrado_acciones.add_parser(
        "recuperar",
        help="lee de la entrada estándar el código de recuperación y devuelve al llavero la "
        "llave de las bases de datos (cuando el llavero la perdió)",
    )
    _add_cert_parser(commands)
    _add_emisores_parser(commands)
    from icsoe_desktop import cli_capacitacion

    cli_capacitacion.add_parser(commands)
    from icsoe_desktop import cli_movimientos

    cli_movimientos.add_parsers(commands)
    from icsoe_desktop import cli_informativa

    cli_informativa.add_parser(commands)
    from icsoe_desktop import cli_nomina

    cli_nomina.add_parser(commands)
    from icsoe_desktop import cli_repse

    cli_repse.add_parser(commands)
    from icsoe_desktop import cli_evidencias

    cli_evidencias.add_parser(commands)
    from icsoe_desktop import cli_sisub

    cli_sisub.add_parser(commands)
    return parser


def _add_cert_parser(commands: argparse._SubParsersAction) -> None:
    cert = commands.add_parser("cert", help="certificados digitales (e.firma, CSD, IMSS)")
    actions = cert.add_subparsers(dest="cert_command", metavar="acción", required=True)
    inspect = actions.add_parser(
        "inspect",
        help="valida un certificado (y su llave privada) e imprime sus datos en JSON",
        description=(
            "Imprime un objeto JSON: {'ok': true, rfc, nombre, tipo, vigencia, emisor, "
            "emisor_confiable…} con salida 0, o {'ok': false, 'error': código, 'mensaje': …} con "
            "salida 2. Con --cer solo (sin --key) describe el certificado."
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
    pfx = actions.add_parser(
        "pfx",
        help="genera un .pfx (PKCS#12) con el certificado y la llave privada de la e.firma",
        description=(
            "Lee de la entrada estándar la contraseña de la llave privada y, en una segunda "
            "línea, la contraseña nueva del .pfx (de 8 a 20 letras y números); con una sola "
            "línea, el .pfx usa la misma contraseña si cumple la regla."
        ),
    )
    pfx.add_argument("--cer", metavar="ARCHIVO", required=True, help="certificado (.cer)")
    pfx.add_argument("--key", metavar="ARCHIVO", required=True, help="llave privada (.key)")
    pfx.add_argument("--out", metavar="ARCHIVO", required=True, help="el .pfx que se escribe")


def _add_emisores_parser(commands: argparse._SubParsersAction) -> None:
    emisores = commands.add_parser(
        "emisores", help="autoridades certificadoras confiables (SAT incluidas, IMSS u otras)"
    )
    actions = emisores.add_subparsers(dest="emisores_command", metavar="acción", required=True)
    actions.add_parser(
        "listar", help="lista los emisores instalados: origen, vigencia, SHA-256, uso, nombre"
    )
    agregar = actions.add_parser(
        "agregar",
        help="agrega una autoridad desde un .cer/.crt/.pem, para un solo uso (--uso)",
        description="Cada autoridad se agrega para un solo uso, que siempre se dice: efirma "
        "(emite e.firmas: las firmas de sus certificados se aceptan) o sello (raíz de un "
        "servidor de sellos de tiempo: sólo prueba la hora de las constancias; una e.firma que "
        "emita no se acepta).",
    )
    agregar.add_argument("archivo", help="certificado de la autoridad certificadora")
    agregar.add_argument(
        "--uso",
        choices=("efirma", "sello"),
        required=True,
        help="efirma: «Emisor de e.firma»; sello: «Autoridad de sellos de tiempo»",
    )
    quitar = actions.add_parser("quitar", help="quita un emisor agregado (no los incluidos)")
    quitar.add_argument("huella", help="su huella SHA-256 (completa o el inicio que la distinga)")
    capacitacion = actions.add_parser(
        "capacitacion",
        help="modo de capacitación: acepta las e.firmas de prueba del SAT (emisor «AC UAT»)",
    )
    capacitacion.add_argument("estado", choices=("activar", "desactivar", "estado"))
    sello = actions.add_parser(
        "sello-tiempo",
        help="servidor de sellos de tiempo (TSA, RFC 3161) de las constancias de firma: sin "
        "argumentos muestra el actual",
        description="Con un servidor de sellos de tiempo, cada constancia de firma lleva la hora "
        "sellada por ese servidor (PAdES B-T); si no responde, la informativa de una empresa real "
        "no se firma mientras se exija el sello (--exigir si, lo normal); con --exigir no se firma "
        "sin sello y su fecha queda sin probar.",
    )
    sello.add_argument(
        "--exigir",
        choices=("si", "no"),
        help="si: una firma real sin sello de tiempo no se hace; no: se hace sin él",
    )
    sello_accion = sello.add_mutually_exclusive_group()
    sello_accion.add_argument(
        "url", nargs="?", metavar="URL", help="su dirección, p. ej. http://sellos.ejemplo.com/tsa"
    )
    sello_accion.add_argument(
        "--quitar", action="store_true", help="las constancias se firman sin sello de tiempo"
    )


def main(argv: list[str]) -> int:
    parser = _parser()
    # An ``icsoe://`` link (the installer registers «icsoe-desktop.exe "%1"») goes to the GUI.
    from icsoe_desktop.domain.activation_link import is_link

    links = [arg for arg in argv if is_link(arg)]
    args = parser.parse_args([arg for arg in argv if not is_link(arg)])
    from icsoe_desktop.logging_setup import avisos_al_log

    avisos_al_log()
    if args.self_check:
        from icsoe_desktop.self_check import main as self_check

        return self_check(args.data_dir)
    if args.command is None:
        from icsoe_desktop.app import run_gui

        return run_gui(args.data_dir, links=links)
    if links:
        parser.error("un enlace icsoe:// se abre sin comando: python -m icsoe_desktop ENLACE")
    if args.command == "cert":
        if args.cert_command == "pfx":
            return _cert_pfx(args)
        if args.pfx and args.key:
            parser.error("--key no se usa con --pfx: el .pfx ya contiene la llave privada")
        return _cert_inspect(args)
    if args.command == "bitacora":
        return _llave_nueva(args)
    if args.command == "cifrado" and args.cifrado_command == "recuperar":
        return _recuperar_llave(args)
    if args.command == "screenshots":
        from icsoe_desktop.demo.screenshots import render_all

        for path in render_all(args.directory):
            print(path)
        return 0
    if args.command == "informativa":
        from icsoe_desktop import cli_informativa

        if not cli_informativa.necesita_servicios(args):
            return cli_informativa.run(args)
    return _service_command(args)


def _llave_nueva(args: argparse.Namespace) -> int:
    """``bitacora llave-nueva``: before any opening, which a lost key stops."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.logging_setup import configure_logging
    from icsoe_desktop.paths import CATALOGO_FILE, LOG_FILE, resolve_data_dir
    from icsoe_desktop.services import llave_almacen
    from icsoe_desktop.services.llave_bitacora import llave_nueva

    data_dir = resolve_data_dir(args.data_dir)
    configure_logging(data_dir / LOG_FILE)
    try:
        llave_almacen.usar(data_dir)()  # the stores' key, which opens the catalog
        for linea in llave_nueva(data_dir / CATALOGO_FILE, CLI_ACTOR):
            print(linea)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    return 0


def _recuperar_llave(args: argparse.Namespace) -> int:
    """``cifrado recuperar``: before any opening, which a lost key stops."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.logging_setup import configure_logging
    from icsoe_desktop.paths import LOG_FILE, resolve_data_dir
    from icsoe_desktop.services.recuperacion_almacen import recuperar

    data_dir = resolve_data_dir(args.data_dir)
    configure_logging(data_dir / LOG_FILE)
    try:
        recuperar(data_dir, sys.stdin.readline())
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(
        f"Llave de las bases de datos de la carpeta «{data_dir}» recuperada: icsoe-desktop ya "
        "puede abrirlas."
    )
    return 0


def _service_command(args: argparse.Namespace) -> int:
    from icsoe_desktop import temporales
    from icsoe_desktop.logging_setup import configure_logging
    from icsoe_desktop.paths import LOG_FILE, resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    configure_logging(data_dir / LOG_FILE)
    # What a run cut short left (part-files, its temporary folder) removed first; this run's
    # temporary files in the data folder, removed when it ends (temporales.py).
    with temporales.de_esta_ejecucion(data_dir):
        return _con_servicios(args, data_dir)


def _con_servicios(args: argparse.Namespace, data_dir: Path) -> int:
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services

    try:
        # Varias empresas: a command on an empresa's data names it when there are several.
        services = open_services(
            data_dir,
            empresa_rfc=args.empresa,
            # correo sends every empresa's queue (services/correo/colas.py); the códigos
            # postales, the emisores confiables and the modo de capacitación are the
            # installation's; capacitacion prepares its own empresa; informativa verificar
            # finds the informativa in whichever empresa holds it; evidencias verificar checks
            # a pack received, on the client's PC
            exigir=args.command
            not in ("usuarios", "empresas", "correo", "sepomex", "emisores", "capacitacion")
            and not (args.command == "informativa" and args.inf_command == "verificar")
            # evidencias verificar runs on the client's PC: only the SAT's authorities
            and not (args.command == "evidencias" and args.evi_command == "verificar")
            and not (args.command == "nomina" and args.nom_command == "certificados-sat"),
            # reparar rescues a file the ordinary opening cannot read before it opens
            reparar=CLI_ACTOR if args.command == "reparar" else None,
        )
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    for aviso in services.avisos:  # e.g. a restore interrupted before this start
        print(aviso, file=sys.stderr)
    if services.bitacora_alterada:  # opened read-only: every command is told why
        print(services.bitacora_alterada, file=sys.stderr)
    try:
        if args.command == "emisores":
            return _emisores(args, services)
        if args.command == "cifrado":  # codigo: shown to who runs the command line, audited
            print(services.codigo_recuperacion.mostrar(CLI_ACTOR))
            return 0
        if args.command == "capacitacion":
            from icsoe_desktop import cli_capacitacion

            return cli_capacitacion.run(args, services)
        if args.command in ("demo", "movimientos"):
            from icsoe_desktop import cli_movimientos

            return cli_movimientos.run(args, services)
        if args.command == "informativa":
            from icsoe_desktop import cli_informativa

            return cli_informativa.run(args, services)
        if args.command == "nomina":
            from icsoe_desktop import cli_nomina

            return cli_nomina.run(args, services)
        if args.command == "evidencias":
            from icsoe_desktop import cli_evidencias

            return cli_evidencias.run(args, services)
        if args.command == "repse":
            from icsoe_desktop import cli_repse

            return cli_repse.run(args, services)
        if args.command == "sisub":
            from icsoe_desktop import cli_sisub

            return cli_sisub.run(args, services)
        if args.command == "empresas":
            from icsoe_desktop import cli_empresas

            return cli_empresas.run(args, services)
        if args.command == "sepomex":
            from icsoe_desktop import cli_sepomex

            return cli_sepomex.run(args, services)
        if args.command in ("sincronizacion", "actualizar"):
            from icsoe_desktop import cli_sincronizacion

            return cli_sincronizacion.run(args, services)
        if args.command == "usuarios":
            from icsoe_desktop import cli_usuarios

            return cli_usuarios.run(args, services)
        if args.command in ("respaldar", "restaurar", "reparar"):
            return _backup_command(args, services)
        if args.command == "correo":
            report = services.mail.send_pending(force=True)
            print(
                f"Enviados: {report.sent}. En espera: {report.pending}. {report.last_error}".strip()
            )
            return 0 if report.failed == 0 else 1
        return 0
    finally:
        services.close()


def _backup_command(args: argparse.Namespace, services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.domain.roles import CLI_ACTOR

    try:
        if args.command == "reparar":
            print(services.reparacion.reparar(CLI_ACTOR, services.rescatado).texto)
        elif args.command == "respaldar":
            written = services.backup.backup(Path(args.archivo), actor=CLI_ACTOR)
            print(f"Respaldo guardado en {written}.")
        else:
            codigo = sys.stdin.readline() if args.codigo_stdin else None
            hecha = services.backup.restore(Path(args.archivo), actor=CLI_ACTOR, codigo=codigo)
            print(f"Respaldo restaurado. La base de datos anterior quedó en {hecha.aparte}.")
            for aviso in hecha.avisos:
                print(aviso)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        if exc.code == "respaldo_pide_codigo":
            print("Escríbelo en la entrada estándar con --codigo-stdin.", file=sys.stderr)
        return 2
    return 0


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


def _print_json(payload: dict[str, object]) -> None:
    import json

    text = json.dumps(payload, ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def _emisor_confiable(args: argparse.Namespace, certificate_der: bytes) -> bool:
    """Against the shipped issuers and this desktop's (--data-dir), without opening the store."""
    from icsoe_desktop.domain.trust import TrustStore
    from icsoe_desktop.paths import resolve_data_dir
    from icsoe_desktop.services.certificados.emisores import read_folders, trusted_folders

    folders = trusted_folders(resolve_data_dir(args.data_dir))
    return TrustStore(read_folders(folders)).verifies(certificate_der)


def _cert_inspect(args: argparse.Namespace) -> int:
    from icsoe_desktop.domain import credentials

    password = password_from_stdin() if args.password_stdin else None
    try:
        if args.pfx:
            info = credentials.load_pfx(_read_cert_file("pfx", args.pfx), password).info
        else:
            cer = _read_cert_file("cer", args.cer)
            if args.key:
                key = _read_cert_file("key", args.key)
                info = credentials.load_sat_pair(cer, key, password or "").info
            else:  # describe the certificate alone
                info = credentials.load_certificate(cer)
    except (credentials.CredentialError, _UnreadableFile) as exc:
        _print_json({"ok": False, "error": exc.code, "mensaje": exc.message})
        return 2
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
            # A key that does not match is an error above; null: no key given.
            "llave_corresponde": True if (args.pfx or args.key) else None,
            "emisor": info.emisor,
            "emisor_confiable": _emisor_confiable(args, info.certificado_der),
        }
    )
    return 0


def _two_passwords() -> tuple[str, str]:
    """Key password, then the new .pfx password (the same when only one line is given)."""
    text = password_from_stdin() or ""
    first, newline, second = text.partition("\n")
    first = first.removesuffix("\r")
    return first, (second.removesuffix("\r") if newline else first)


def _cert_pfx(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icsoe_desktop.domain import credentials

    key_password, pfx_password = _two_passwords()
    try:
        cer = _read_cert_file("cer", args.cer)
        key = _read_cert_file("key", args.key)
        credential = credentials.load_sat_pair(cer, key, key_password)
        data = credentials.export_pfx(credential, pfx_password)
    except (credentials.CredentialError, _UnreadableFile) as exc:
        print(exc.message, file=sys.stderr)
        return 2
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        print(f"No se pudo escribir el archivo {args.out}: {motivo_os(exc)}", file=sys.stderr)
        return 2
    print(
        f"Se generó {args.out} ({credential.info.rfc}, No. de certificado "
        f"{credential.info.no_certificado})."
    )
    return 0


def _emisores(args: argparse.Namespace, services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.domain.trust import USOS

    emisores = services.certificates.emisores
    try:
        if args.emisores_command == "agregar":
            emisor = emisores.agregar(Path(args.archivo), CLI_ACTOR, args.uso)
            print(
                f"Emisor agregado: {emisor.nombre} (SHA-256 {emisor.sha256}), como "
                f"«{USOS[emisor.uso]}»."
            )
        elif args.emisores_command == "quitar":
            emisor = emisores.quitar(args.huella, CLI_ACTOR)
            print(f"Emisor quitado: {emisor.nombre} (SHA-256 {emisor.sha256}).")
        elif args.emisores_command == "capacitacion":
            if args.estado != "estado":
                services.settings.save_capacitacion(args.estado == "activar", CLI_ACTOR)
            activo = services.settings.current.capacitacion.activo
            print(
                f"Modo de capacitación: {'activo' if activo else 'desactivado'}. Autoridades de "
                f"prueba en: {emisores.capacitacion_dirs[-1]}"
            )
        elif args.emisores_command == "sello-tiempo":
            if args.url is not None or args.quitar:
                services.settings.save_sello_tiempo("" if args.quitar else args.url, CLI_ACTOR)
            if args.exigir is not None:
                services.settings.save_exigir_sello(args.exigir == "si", CLI_ACTOR)
            sello = services.settings.current.sello_tiempo
            exigido = (
                "se exige para las firmas reales"
                if sello.exigir
                else "no se exige: si no responde, se firma sin sello"
            )
            print(
                f"Servidor de sellos de tiempo: {sello.url} ({exigido})."
                if sello.url
                else "Sin servidor de sellos de tiempo: las constancias se firman sin sello "
                "de tiempo."
            )
        else:
            for emisor in emisores.listar():
                origen = (
                    "capacitación"
                    if emisor.capacitacion
                    else ("incluido" if emisor.incluido else "agregado")
                )
                print(
                    f"{origen}\t{emisor.valido_hasta:%Y-%m-%d}\t{emisor.sha256}\t{emisor.uso}\t"
                    f"{emisor.nombre}"
                )
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    return 0
