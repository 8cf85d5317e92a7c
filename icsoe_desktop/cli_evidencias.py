"""CLI: ``evidencias adjuntar``, ``evidencias estado --mes AAAA-MM``, ``evidencias paquete
--mes AAAA-MM --contratante RFC --salida X.zip [--cer C --key K]`` (the e.firma's password on
standard input) and ``evidencias verificar PAQUETE.zip``: the client's monthly evidence, and
its check on the client's own PC (no empresa needed)."""

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

_TIPOS = (
    "isr, acuse_isr, pago_isr, iva, acuse_iva, sua, opinion_sat, opinion_imss, opinion_infonavit"
)


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
        "para uno, junto a los que ya tenga; lo lee y dice si no es del RFC, del mes o del "
        "tipo que se espera",
    )
    _mes(adjuntar)
    adjuntar.add_argument("--tipo", required=True, metavar="TIPO", help=_TIPOS)
    adjuntar.add_argument("--archivo", required=True, metavar="PDF")
    adjuntar.add_argument("--contratante", metavar="RFC", help="sólo para ese cliente")
    _empresa(adjuntar)
    quitar = actions.add_parser("quitar", help="quita un documento adjuntado del mes")
    _mes(quitar)
    quitar.add_argument("--tipo", required=True, metavar="TIPO", help=_TIPOS)
    quitar.add_argument(
        "--archivo", required=True, metavar="NOMBRE", help="su nombre, o su SHA-256"
    )
    quitar.add_argument("--contratante", metavar="RFC", help="el adjuntado sólo para ese cliente")
    _empresa(quitar)
    estado = actions.add_parser(
        "estado",
        help="por cliente, qué hay y qué falta del mes, separado por tabuladores: RFC, "
        "nombre, recibos, fecha de entrega, lo que falta y los avisos de lo adjuntado",
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
    paquete.add_argument(
        "--cer",
        metavar="ARCHIVO",
        help="el certificado (.cer) de la e.firma del contratista, para firmar el paquete (la "
        "contraseña de la llave privada se lee de la entrada estándar)",
    )
    paquete.add_argument("--key", metavar="ARCHIVO", help="la llave privada (.key) de la e.firma")
    _empresa(paquete)
    verificar = actions.add_parser(
        "verificar",
        help="comprueba un paquete de evidencias recibido: la e.firma del contratista, cada "
        "archivo contra su SHA-256, el sello de cada recibo y que cada recibo sea de este "
        "cliente; sale con 0 si está bien, 1 si le falta algo y 2 si algo no corresponde",
        description="Lo corre el cliente en su equipo: sólo necesita las autoridades del SAT que "
        "trae la instalación; no abre ninguna empresa.",
    )
    verificar.add_argument("paquete", metavar="PAQUETE.zip")
    verificar.add_argument(
        "--contratante",
        metavar="RFC",
        help="el RFC del cliente que lo recibe: el paquete debe ser para él",
    )


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
            hecho_ = servicio.adjuntar(
                CLI_ACTOR, args.mes, args.tipo, Path(args.archivo), args.contratante
            )
            que = "Ya estaba adjuntado" if hecho_.ya_estaba else "Adjuntado"
            print(f"{que}: {hecho_.nombre} (SHA-256 {hecho_.sha256})")
            for aviso in hecho_.avisos:
                print(f"Aviso: {aviso}", file=sys.stderr)
            return 0
        if args.evi_command == "quitar":
            nombre = servicio.quitar(CLI_ACTOR, args.mes, args.tipo, args.archivo, args.contratante)
            print(f"Quitado: {nombre}")
            return 0
        if args.evi_command == "estado":
            return _estado(args, services)
        if args.evi_command == "verificar":
            return _verificar(args, services)
        if bool(args.cer) != bool(args.key):
            print("Para firmar el paquete indica --cer y --key de la e.firma.", file=sys.stderr)
            return 2
        efirma = (Path(args.cer), Path(args.key), _contrasena()) if args.cer else None
        hecho = servicio.paquete(
            CLI_ACTOR, args.mes, args.contratante, Path(args.salida), progreso, efirma=efirma
        )
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    fin_de_progreso()
    for linea in hecho.cambios:
        print(linea)
    for falta in hecho.faltan:
        print(f"Falta: {falta}")
    for aviso in hecho.avisos:
        print(f"Aviso: {aviso}")
    firma = "firmado con la e.firma" if hecho.firmado else "sin firmar"
    print(
        f"Paquete: {hecho.ruta} ({plural(len(hecho.miembros), 'archivo')}, {firma}, SHA-256 {hecho.sha256})"
    )
    return 1 if hecho.faltan else 0


def _contrasena() -> str:
    """The private key's password: typed without echo at a terminal, else standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass("Contraseña de la llave privada: ")
    from icsoe_desktop.console import password_from_stdin

    return password_from_stdin() or ""


def _verificar(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.services.evidencias.verificar import verificar

    hecho = verificar(
        Path(args.paquete),
        services.certificates.emisores.trust_store(),
        services.verificador_nomina,
        args.contratante,
    )
    print(f"Contratista: {hecho.contratista}. Cliente: {hecho.cliente}. Mes: {hecho.mes}.")
    if hecho.firmante:
        print(f"Firmado por: {hecho.firmante}")
    print(
        f"Archivos comprobados: {hecho.miembros:,}; recibos: {hecho.recibos:,} (sello del SAT "
        f"verificado en {hecho.sat_verificados:,})."
    )
    print(f"Trabajadores que sirvieron al cliente: {len(hecho.trabajadores):,}")
    for clave, nombre in sorted(hecho.trabajadores.items(), key=lambda t: (t[1], t[0])):
        print(f"\t{nombre}\t{clave}")
    for falta in hecho.faltan:
        print(f"Falta: {falta}")
    for aviso in hecho.avisos:
        print(f"Aviso: {aviso}")
    for motivo in hecho.motivos:
        print(f"No corresponde: {motivo}", file=sys.stderr)
    if hecho.mas_motivos:
        print(f"… y {plural(hecho.mas_motivos, 'problema')} más.", file=sys.stderr)
    if hecho.codigo == 2:
        print("El paquete NO es confiable: no lo aceptes como evidencia.", file=sys.stderr)
    elif hecho.codigo == 1:
        print("El paquete es auténtico, pero le falta lo listado.", file=sys.stderr)
    else:
        print("El paquete es auténtico y está completo.")
    return hecho.codigo


def _estado(args: argparse.Namespace, services: Services) -> int:
    """A line per client; a client no receipt of the month names owes nothing, as the board
    says («Sin recibos»), and is not counted with the ones lacking something."""
    from icsoe_desktop.services.evidencias.servicio import SIN_RECIBOS

    clientes = services.evidencias.estado(CLI_ACTOR, args.mes, args.dia)
    for c in clientes:
        faltan = SIN_RECIBOS if c.sin_recibos else "; ".join(c.faltan) or "completo"
        avisos = "; ".join(c.avisos)
        print(f"{c.contratante}\t{c.nombre}\t{c.recibos}\t{c.entrega:%d/%m/%Y}\t{faltan}\t{avisos}")
    incompletos = sum(1 for c in clientes if c.pendiente)
    sin_recibos = sum(1 for c in clientes if c.sin_recibos)
    sin = (
        f"; {plural(sin_recibos, 'cliente')} sin recibos (nada que entregar)" if sin_recibos else ""
    )
    print(
        f"{plural(len(clientes), 'cliente')} en {args.mes.clave}; {incompletos:,} con faltantes"
        f"{sin}.",
        file=sys.stderr,
    )
    return 1 if incompletos else 0
