"""CLI: ``informativa validar-trabajadores ARCHIVO``, ``vencimientos``, ``listar``,
``exportar``, ``firmar``, ``verificar ACUSE`` and ``rechazos ARCHIVO``.

The first two read no empresa's store: they run without opening the services (``main`` asks
``necesita_servicios`` first), so they work on a machine where the app was never set up.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.services.container import Services

PRIMER_ANIO, ULTIMO_ANIO = 1970, 9998
# --tipo's words: the stored tipos (domain/informativa/modelo.py TIPOS) as typed on a command line.
TIPOS_CLI = {
    "normal": "normal",
    "sin-informacion": "sin_informacion",
    "correccion": "correccion",
    "sin-efectos": "sin_efectos",
    "actualizacion": "actualizacion",
}


def add_parser(commands: argparse._SubParsersAction) -> None:
    informativa = commands.add_parser(
        "informativa", help="informativa cuatrimestral ICSOE: trabajadores y fechas límite"
    )
    actions = informativa.add_subparsers(dest="inf_command", metavar="acción", required=True)
    validar = actions.add_parser(
        "validar-trabajadores",
        help="revisa un archivo de trabajadores de la carga masiva (CSV o .xlsx con NSS, CURP "
        "y SBC): un renglón por problema; sale con 2 si hay alguno",
    )
    validar.add_argument("archivo", metavar="ARCHIVO")
    validar.add_argument(
        "--periodo",
        type=_periodo,
        metavar="AAAA-N",
        help="el cuatrimestre (N: 1 enero–abril, 2 mayo–agosto, 3 septiembre–diciembre); el SBC "
        "se compara con el salario mínimo y el tope de su año (por omisión, el más reciente)",
    )
    vencimientos = actions.add_parser(
        "vencimientos",
        help="la fecha límite de presentación de cada cuatrimestre, en días hábiles",
    )
    vencimientos.add_argument("--desde", type=_anio, required=True, metavar="AAAA")
    vencimientos.add_argument("--hasta", type=_anio, required=True, metavar="AAAA")
    listar = actions.add_parser(
        "listar",
        help="las informativas de la empresa: contratista, periodo, tipo, estado, contratos, "
        "trabajadores, fecha límite e identificador, separados por tabuladores",
    )
    listar.add_argument("--contratista", metavar="RFC", help="sólo las de este contratista")
    exportar = actions.add_parser(
        "exportar",
        help="escribe en CARPETA los archivos para el portal: un CSV de trabajadores por "
        "contrato (partido a 3,000 renglones) y la hoja de captura (.xlsx)",
    )
    exportar.add_argument("carpeta", metavar="CARPETA")
    exportar.add_argument("--contratista", metavar="RFC", required=True)
    exportar.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    firmar = actions.add_parser(
        "firmar",
        help="firma con la e.firma del contratista su informativa del periodo (la contraseña de "
        "la llave privada se lee de la entrada estándar) y escribe su constancia de firma (PDF "
        "firmado); sale con 2 si no se puede firmar",
        description="Firma la informativa del contratista de la e.firma, con las mismas reglas "
        "que la ventana: la e.firma vigente del contratista (no un CSD), emitida por una "
        "autoridad confiable, y la informativa sin inconsistencias al revisarla. La contraseña "
        "de la llave privada se lee de la entrada estándar (nunca como argumento).",
    )
    firmar.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    firmar.add_argument(
        "--tipo",
        choices=list(TIPOS_CLI),
        metavar="TIPO",
        help=f"{', '.join(TIPOS_CLI)} (por omisión, la última informativa del periodo)",
    )
    firmar.add_argument(
        "--cer", required=True, metavar="ARCHIVO", help="el certificado (.cer) de la e.firma"
    )
    firmar.add_argument(
        "--key", required=True, metavar="ARCHIVO", help="la llave privada (.key) de la e.firma"
    )
    firmar.add_argument(
        "--constancia",
        "--acuse",
        dest="constancia",
        metavar="ARCHIVO",
        help="dónde se escribe la constancia de firma (PDF); por omisión, "
        "Constancia_firma_ICSOE_RFC_AAAA-N.pdf en la carpeta actual. No se reemplaza un "
        "archivo que ya existe",
    )
    rechazos = actions.add_parser(
        "rechazos",
        help="importa el archivo de trabajadores rechazados que devolvió el portal del IMSS "
        "(Excel o CSV) y marca a cada uno con su motivo en su contrato de la informativa; "
        "imprime las marcas, o todos los problemas del archivo y sale con 2 sin marcar nada",
    )
    rechazos.add_argument("archivo", metavar="ARCHIVO")
    rechazos.add_argument("--contratista", metavar="RFC", required=True)
    rechazos.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    rechazos.add_argument(
        "--tipo",
        choices=list(TIPOS_CLI),
        metavar="TIPO",
        help=f"{', '.join(TIPOS_CLI)} (por omisión, la última informativa del periodo)",
    )
    verificar = actions.add_parser(
        "verificar",
        help="verifica una constancia de firma de la informativa (PDF): quién la firmó, qué y "
        "cuándo; sale con 0 si es válida, 1 si es válida pero tiene cambios posteriores a la "
        "firma y 2 si no es válida",
    )
    verificar.add_argument("constancia", metavar="CONSTANCIA")
    verificar.add_argument(
        "--cer", metavar="ARCHIVO", help="el certificado (.cer) de la e.firma de quien firmó"
    )


def _periodo(text: str) -> Periodo:
    from icsoe_desktop.domain.informativa.modelo import Periodo

    try:
        periodo = Periodo.de_clave(text.strip())
    except ValueError:
        periodo = None
    if periodo is None or not PRIMER_ANIO <= periodo.anio <= ULTIMO_ANIO:
        raise argparse.ArgumentTypeError(
            f"periodo «{text}» no válido: usa AAAA-N, con N = 1, 2 o 3 (por ejemplo, 2026-1)"
        )
    return periodo


def _anio(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not PRIMER_ANIO <= int(text) <= ULTIMO_ANIO:
        raise argparse.ArgumentTypeError(
            f"año «{text}» no válido: usa cuatro dígitos, de {PRIMER_ANIO} a {ULTIMO_ANIO}"
        )
    return int(text)


def necesita_servicios(args: argparse.Namespace) -> bool:
    """Whether the command reads the empresa's store."""
    return args.inf_command in ("listar", "exportar", "firmar", "verificar", "rechazos")


def run(args: argparse.Namespace, services: Services | None = None) -> int:
    from icsoe_desktop.domain.errors import DomainError

    try:
        if args.inf_command == "vencimientos":
            return _vencimientos(args)
        if args.inf_command == "validar-trabajadores":
            return _validar(args)
        assert services is not None
        return {
            "listar": _listar,
            "exportar": _exportar,
            "firmar": _firmar,
            "verificar": _verificar,
            "rechazos": _rechazos,
        }[args.inf_command](args, services)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _vencimientos(args: argparse.Namespace) -> int:
    from icsoe_desktop.domain.informativa.periodos import fecha_limite, periodos_entre

    if args.hasta < args.desde:
        print(f"--hasta ({args.hasta}) es anterior a --desde ({args.desde}).", file=sys.stderr)
        return 2
    for periodo in periodos_entre(args.desde, args.hasta):
        print(f"{periodo.clave}\t{fecha_limite(periodo).isoformat()}")
    return 0


def _validar(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icsoe_desktop.services.informativa.trabajadores_archivo import validar_trabajadores

    validacion = validar_trabajadores(Path(args.archivo), args.periodo)
    validos = validacion.validos
    texto_validos = f"{validos:,} " + (
        "trabajador válido" if validos == 1 else "trabajadores válidos"
    )
    for nota in validacion.archivo.notas:
        print(nota, file=sys.stderr)
    if not validacion.problemas:
        print(f"{texto_validos}.")
        return 0
    for problema in validacion.problemas:
        print(f"renglón {problema.renglon}: {problema.mensaje}")
    cuantos = len(validacion.problemas)
    print(
        f"{cuantos:,} {'problema' if cuantos == 1 else 'problemas'} en "
        f"«{validacion.archivo.nombre}»; {texto_validos}.",
        file=sys.stderr,
    )
    return 2


def _listar(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.roles import CLI_ACTOR

    informativas = services.informativas
    rfcs = (
        [args.contratista]
        if args.contratista
        else [rfc for rfc, _ in informativas.contratistas(CLI_ACTOR)]
    )
    for rfc in rfcs:
        for f in informativas.tablero(rfc, CLI_ACTOR):
            print(
                "\t".join(
                    (
                        rfc,
                        f.periodo.clave,
                        f.tipo_texto,
                        f.estado_texto,
                        str(f.contratos),
                        str(f.trabajadores),
                        f.fecha_limite.isoformat(),
                        f.uuid or "",
                    )
                )
            )
    return 0


def _exportar(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.roles import CLI_ACTOR

    uuid = services.informativas.buscar(args.contratista, CLI_ACTOR, args.periodo)
    if uuid is None:
        print(
            f"El contratista {args.contratista} no tiene informativa del periodo "
            f"{args.periodo.texto}.",
            file=sys.stderr,
        )
        return 2
    for path in services.informativa_firma.exportar(uuid, CLI_ACTOR, Path(args.carpeta)):
        print(path)
    return 0


def _rechazos(args: argparse.Namespace, services: Services) -> int:
    """The portal's rejection file, read as the window reads it (a remembered mapping of the
    assistant included): the marks, one a line, or every problem with its sheet row."""
    from pathlib import Path

    from icsoe_desktop.domain.informativa.modelo import TIPOS
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.archivos.mapeos import Importacion

    tipo = TIPOS_CLI[args.tipo] if args.tipo else None
    uuid = services.informativas.buscar(args.contratista, CLI_ACTOR, args.periodo, tipo)
    if uuid is None:
        cual = f"informativa {TIPOS[tipo]}" if tipo else "informativa"
        print(
            f"El contratista {args.contratista} no tiene {cual} del periodo {args.periodo.texto}.",
            file=sys.stderr,
        )
        return 2
    path = Path(args.archivo)
    guia = services.mapeos.recordada_para(Importacion.RECHAZOS_PORTAL, path)
    resultado = services.informativa_rechazos.importar(uuid, CLI_ACTOR, path, guia)
    for nota in resultado.notas:
        print(nota, file=sys.stderr)
    if resultado.problemas:
        for problema in resultado.problemas:
            print(f"fila {problema.renglon}: {problema.mensaje}")
        cuantos = len(resultado.problemas)
        print(
            f"{cuantos:,} {'problema' if cuantos == 1 else 'problemas'} en «{path.name}»: no se "
            "marcó ningún trabajador.",
            file=sys.stderr,
        )
        return 2
    for m in resultado.marcas:
        print(f"contrato {m.contrato}\t{m.contratante}\t{m.nss}\t{m.curp}\t{m.motivo}")
    return 0


def _firmar(args: argparse.Namespace, services: Services) -> int:
    """The contratista of the e.firma signs: the same service, and rules, as the window."""
    from pathlib import Path

    from icsoe_desktop.domain.credentials import load_certificate
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.informativa.modelo import TIPOS
    from icsoe_desktop.files import read_credential_file, write_bytes_atomic

    cer, key = Path(args.cer), Path(args.key)
    rfc = load_certificate(read_credential_file(cer, "certificado (.cer)", "certificado")).rfc
    if not rfc:
        raise ValidationError(
            "no_es_efirma", "El certificado no es una e.firma (FIEL) emitida por el SAT."
        )
    tipo = TIPOS_CLI[args.tipo] if args.tipo else None
    uuid = services.informativas.buscar(rfc, rfc, args.periodo, tipo)
    if uuid is None:
        cual = f"informativa {TIPOS[tipo]}" if tipo else "informativa"
        print(
            f"El contratista {rfc} no tiene {cual} del periodo {args.periodo.texto}.",
            file=sys.stderr,
        )
        return 2
    destino = (
        Path(args.constancia)
        if args.constancia
        else Path.cwd() / services.informativa_firma.nombre_constancia(rfc, args.periodo.clave)
    )
    # Checked before signing: a signature cannot be undone, and its constancia must land
    # somewhere.
    if destino.exists():
        print(f"Ya existe «{destino}»: indica otro archivo con --constancia.", file=sys.stderr)
        return 2
    if not destino.parent.is_dir():
        print(f"No existe la carpeta «{destino.parent}» para la constancia.", file=sys.stderr)
        return 2
    firma = services.informativa_firma
    try:
        constancia = firma.firmar(uuid, rfc, cer, key, _contrasena())
    except ValidationError as exc:
        print(exc.message, file=sys.stderr)
        if exc.code == "informativa_con_problemas":
            for problema in firma.revisar(uuid, rfc):
                aviso = "Aviso: " if problema.aviso else ""
                print(f"- {aviso}{problema.mensaje}", file=sys.stderr)
        return 2
    try:
        write_bytes_atomic(destino, constancia)
    except OSError as exc:
        print(
            f"La informativa quedó firmada, pero no se pudo escribir la constancia de firma en "
            f"«{destino}»: {exc.strerror or exc}. Guárdala desde la ventana de la informativa "
            "(«Guardar constancia de firma…»).",
            file=sys.stderr,
        )
        return 2
    print(f"Informativa firmada. Constancia de firma: {destino}")
    return 0


def _contrasena() -> str:
    """The private key's password: typed without echo at a terminal, else standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass("Contraseña de la llave privada: ")
    from icsoe_desktop.console import password_from_stdin

    return password_from_stdin() or ""


def _verificar(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.errors import ValidationError

    def leer(path: str, que: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise ValidationError(
                "archivo_ilegible", f"No se pudo leer {que} «{path}»: {exc.strerror}."
            ) from exc

    pdf = leer(args.constancia, "la constancia")
    cer = leer(args.cer, "el certificado") if args.cer else None
    resultado = services.informativa_firma.verificar(pdf, cer)
    if resultado.ok:
        for linea in resultado.lineas():
            print(linea)
        return 1 if resultado.cambios_posteriores else 0
    for motivo in resultado.motivo:
        print(motivo)
    return 2
