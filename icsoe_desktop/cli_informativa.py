"""CLI: ``informativa validar-trabajadores ARCHIVO``, ``vencimientos``, ``listar``,
``exportar``, ``firmar``, ``verificar ACUSE``, ``rechazos ARCHIVO``, ``presentar`` and ``archivo``.

The first two read no empresa's store (``vencimientos`` only with ``--contratista``): they run
without opening the services (``main`` asks ``necesita_servicios`` first), so they work on a
machine where the app was never set up.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from icsoe_desktop.cli_movimientos import argumento_hoja
from icsoe_desktop.domain.motivo_os import motivo_os

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.captura import FilaInformativa

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
        help="revisa un archivo de trabajadores de la carga masiva (CSV, .txt, .xlsx, .xls, "
        ".xlsb u .ods con NSS, CURP y SBC): un renglón por problema; sale con 2 si hay alguno",
        description="Revisa un archivo de trabajadores de la carga masiva: un CSV o .txt "
        "(UTF-8 o Windows-1252, separado por coma o punto y coma), un libro de Excel (.xlsx, "
        ".xlsm, .xls de Excel 97-2003, .xlsb) o un libro OpenDocument (.ods), con NSS, CURP y "
        "SBC. Un renglón por problema; sale con 2 si hay alguno.",
    )
    validar.add_argument(
        "archivo", metavar="ARCHIVO", help="el CSV, .txt o libro (.xlsx, .xlsm, .xls, .xlsb, .ods)"
    )
    argumento_hoja(validar)
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
    vencimientos.add_argument(
        "--contratista",
        metavar="RFC",
        help="agrega el estado de la informativa de cada periodo de este contratista y el folio "
        "de su acuse de presentación del IMSS (lee la base de datos de la empresa)",
    )
    listar = actions.add_parser(
        "listar",
        help="las informativas de la empresa: contratista, periodo, tipo, estado, contratos, "
        "trabajadores, fecha límite, identificador y folio del acuse de presentación del IMSS, "
        "separados por tabuladores",
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
    _argumento_tipo(firmar)
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
    argumento_hoja(rechazos)
    rechazos.add_argument("--contratista", metavar="RFC", required=True)
    rechazos.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    _argumento_tipo(rechazos)
    verificar = actions.add_parser(
        "verificar",
        help="verifica una constancia de firma de la informativa (PDF): quién la firmó, qué y "
        "cuándo; sale con 0 si es válida, 1 si es válida pero tiene cambios posteriores a la "
        "firma (otras firmas, sellos de tiempo o datos agregados después), 2 si no es válida, "
        "3 si no se puede comprobar (su certificado ya venció y ningún sello de tiempo "
        "confiable prueba que se firmó antes) y 4 si es de capacitación (sin validez)",
    )
    verificar.add_argument("constancia", metavar="CONSTANCIA")
    verificar.add_argument(
        "--cer", metavar="ARCHIVO", help="el certificado (.cer) de la e.firma de quien firmó"
    )

    presentar = actions.add_parser(
        "presentar",
        help="registra la presentación de la informativa firmada en el portal del IMSS: su "
        "acuse de presentación (PDF), del que se leen el folio, la fecha y hora y los folios "
        "IMSS de los contratos; sale con 2 si no se puede registrar",
    )
    presentar.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    presentar.add_argument(
        "--contratista", metavar="RFC", help="por omisión, el único contratista de la empresa"
    )
    _argumento_tipo(presentar)
    presentar.add_argument(
        "--acuse", required=True, metavar="ARCHIVO", help="el acuse de presentación del IMSS (PDF)"
    )
    presentar.add_argument(
        "--folio", metavar="FOLIO", help="el folio del acuse, si no se lee del PDF (N…, SI…)"
    )
    presentar.add_argument(
        "--fecha",
        metavar="FECHA",
        help="la fecha y hora de presentación, hora del centro, si no se lee del PDF: "
        "DD/MM/AAAA HH:MM o AAAA-MM-DD HH:MM",
    )
    presentar.add_argument(
        "--confirmo-acuse",
        action="store_true",
        help="declara que el PDF es el acuse de presentación del IMSS de este contratista y "
        "periodo cuando su texto no lo dice (un acuse escaneado): se registra como declarado",
    )
    presentar.add_argument(
        "--corregir-acuse",
        action="store_true",
        help="registra el --folio o la --fecha escritos aunque el acuse diga otros (un acuse "
        "mal leído): se registra como corregido por el usuario, con lo que dice el acuse",
    )
    archivo = actions.add_parser(
        "archivo",
        help="escribe para un contratante (el cliente) el acuse de presentación del IMSS, la "
        "constancia de firma y un Excel de sus contratos y trabajadores y, ya presentado el SISUB "
        "del periodo, su acuse, sus renglones del SISUB y los PDF de sus contratos (también a un "
        "contratante con sólo contratos que continúan), en una carpeta o un .zip",
    )
    archivo.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    archivo.add_argument(
        "--contratista", metavar="RFC", help="por omisión, el único contratista de la empresa"
    )
    archivo.add_argument("--contratante", required=True, metavar="RFC")
    archivo.add_argument(
        "--salida",
        required=True,
        metavar="CARPETA|ARCHIVO.zip",
        help="una carpeta que existe, o un archivo .zip",
    )


def _del_periodo(services: Services, args: argparse.Namespace, rfc: str, actor: str) -> str | None:
    """The contratista's informativa of ``--periodo`` (and ``--tipo``, else its last); None,
    said on stderr, when it has none."""
    from icsoe_desktop.domain.informativa.modelo import TIPOS

    tipo = TIPOS_CLI[args.tipo] if args.tipo else None
    uuid = services.informativas.buscar(rfc, actor, args.periodo, tipo)
    if uuid is None:
        cual = f"informativa {TIPOS[tipo]}" if tipo else "informativa"
        print(
            f"El contratista {rfc} no tiene {cual} del periodo {args.periodo.texto}.",
            file=sys.stderr,
        )
    return uuid


def _argumento_tipo(parser: argparse.ArgumentParser) -> None:
    """``--tipo``, as every command on one informativa of a periodo takes it."""
    parser.add_argument(
        "--tipo",
        choices=list(TIPOS_CLI),
        metavar="TIPO",
        help=f"{', '.join(TIPOS_CLI)} (por omisión, la última informativa del periodo)",
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
    if args.inf_command == "vencimientos":
        return bool(args.contratista)
    return args.inf_command in (
        "listar",
        "exportar",
        "firmar",
        "verificar",
        "rechazos",
        "presentar",
        "archivo",
    )


def run(args: argparse.Namespace, services: Services | None = None) -> int:
    from icsoe_desktop.domain.errors import DomainError

    try:
        if args.inf_command == "vencimientos":
            return _vencimientos(args, services)
        if args.inf_command == "validar-trabajadores":
            return _validar(args)
        assert services is not None
        return {
            "listar": _listar,
            "exportar": _exportar,
            "firmar": _firmar,
            "verificar": _verificar,
            "rechazos": _rechazos,
            "presentar": _presentar,
            "archivo": _archivo,
        }[args.inf_command](args, services)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _vencimientos(args: argparse.Namespace, services: Services | None) -> int:
    """Each period's deadline; with ``--contratista``, its informativa's estado and folio (the
    period's most advanced Normal or Sin información; «Sin presentar» without one)."""
    from icsoe_desktop.domain.informativa.modelo import COMPLEMENTARIAS, ESTADOS
    from icsoe_desktop.domain.informativa.periodos import fecha_limite, periodos_entre
    from icsoe_desktop.domain.roles import CLI_ACTOR

    if args.hasta < args.desde:
        print(f"--hasta ({args.hasta}) es anterior a --desde ({args.desde}).", file=sys.stderr)
        return 2
    filas: dict[Periodo, FilaInformativa] = {}
    if services is not None:
        orden = list(ESTADOS)
        for f in services.informativas.tablero(args.contratista, CLI_ACTOR):
            if f.estado is None or f.tipo in COMPLEMENTARIAS:
                continue
            otra = filas.get(f.periodo)
            if otra is None or orden.index(f.estado) > orden.index(otra.estado or ""):
                filas[f.periodo] = f
    for periodo in periodos_entre(args.desde, args.hasta):
        campos = [periodo.clave, fecha_limite(periodo).isoformat()]
        if services is not None:
            fila = filas.get(periodo)
            campos += [fila.estado_texto, fila.folio_imss] if fila else ["Sin presentar", ""]
        print("\t".join(campos))
    return 0


def _validar(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icsoe_desktop.services.archivos.lectura import Guia
    from icsoe_desktop.services.informativa.trabajadores_archivo import validar_trabajadores

    guia = Guia.de_hoja(args.hoja) if args.hoja else None
    validacion = validar_trabajadores(Path(args.archivo), args.periodo, guia=guia)
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
                        f.folio_imss,
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

    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.informativa.rechazos import IMPORTACION

    uuid = _del_periodo(services, args, args.contratista, CLI_ACTOR)
    if uuid is None:
        return 2
    path = Path(args.archivo)
    guia = services.mapeos.recordada_para(IMPORTACION, path, args.hoja)
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
    from icsoe_desktop.files import read_credential_file, write_bytes_atomic

    cer, key = Path(args.cer), Path(args.key)
    rfc = load_certificate(read_credential_file(cer, "certificado (.cer)", "certificado")).rfc
    if not rfc:
        raise ValidationError(
            "no_es_efirma", "El certificado no es una e.firma (FIEL) emitida por el SAT."
        )
    uuid = _del_periodo(services, args, rfc, rfc)
    if uuid is None:
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
            f"«{destino}»: {motivo_os(exc)}. Guárdala desde la ventana de la informativa "
            "(«Guardar constancia de firma…»).",
            file=sys.stderr,
        )
        return 2
    if services.informativa_firma.de_practica(rfc):
        from icsoe_desktop.domain.practica import MARCA

        print(f"{MARCA}: informativa de práctica firmada. Constancia de práctica: {destino}")
    else:
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
                "archivo_ilegible", f"No se pudo leer {que} «{path}»: {motivo_os(exc)}."
            ) from exc

    pdf = leer(args.constancia, "la constancia")
    cer = leer(args.cer, "el certificado") if args.cer else None
    resultado = services.informativa_firma.verificar(pdf, cer)
    for linea in (
        resultado.lineas() if resultado.ok else [resultado.encabezado(), *resultado.motivo]
    ):
        print(linea)
    return resultado.salida


def _contratista_de(args: argparse.Namespace, services: Services) -> str | None:
    """``--contratista``, or the empresa's only contratista (None, said, when there are more)."""
    from icsoe_desktop.domain.roles import CLI_ACTOR

    if args.contratista:
        return str(args.contratista).strip().upper()
    rfcs = [rfc for rfc, _ in services.informativas.contratistas(CLI_ACTOR)]
    if len(rfcs) == 1:
        return rfcs[0]
    print(
        "Indica el contratista con --contratista RFC"
        + (f" (la empresa tiene {len(rfcs)})." if rfcs else ": la empresa no tiene ninguno."),
        file=sys.stderr,
    )
    return None


def _leer_fecha(texto: str) -> datetime:
    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.domain.errors import ValidationError

    for formato in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(texto.strip(), formato).replace(tzinfo=HORA_DEL_CENTRO)
        except ValueError:
            continue
    raise ValidationError(
        "fecha_invalida",
        f"La fecha «{texto}» no es válida: usa DD/MM/AAAA HH:MM o AAAA-MM-DD HH:MM (hora del "
        "centro).",
    )


def _presentar(args: argparse.Namespace, services: Services) -> int:
    """The same registro as the window: what the PDF says, or what --folio / --fecha give."""
    from pathlib import Path

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.roles import CLI_ACTOR

    rfc = _contratista_de(args, services)
    if rfc is None:
        return 2
    uuid = _del_periodo(services, args, rfc, CLI_ACTOR)
    if uuid is None:
        return 2
    ruta = Path(args.acuse)
    try:
        pdf = ruta.read_bytes()
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer el acuse «{ruta}»: {motivo_os(exc)}."
        ) from exc
    servicio = services.informativa_presentacion
    propuesta = servicio.proponer(uuid, CLI_ACTOR, pdf, ruta.name)
    if propuesta.faltan and not args.confirmo_acuse:
        print(
            f"«{ruta.name}» no dice {' ni '.join(propuesta.faltan)}: si es el acuse de "
            "presentación del IMSS de este contratista y periodo, decláralo con "
            "--confirmo-acuse y escribe --folio y --fecha como aparecen en él.",
            file=sys.stderr,
        )
        return 2
    # Stated, not read: both typed, nothing taken from a text that does not say whose it is.
    leido = propuesta if not propuesta.faltan else None
    folio = args.folio or (leido.folio if leido else None)
    fecha = _leer_fecha(args.fecha) if args.fecha else (leido.presentada if leido else None)
    faltan = [que for que, valor in (("--folio", folio), ("--fecha", fecha)) if not valor]
    if faltan:
        print(
            f"No se reconoció en «{ruta.name}» {' ni '.join(f[2:] for f in faltan)}: "
            f"indícalo con {' y '.join(faltan)}.",
            file=sys.stderr,
        )
        return 2
    assert folio is not None and fecha is not None
    hecha = servicio.registrar(
        uuid,
        CLI_ACTOR,
        pdf,
        ruta.name,
        folio,
        fecha,
        propuesta.folios_contratos,
        confirmo_acuse=args.confirmo_acuse,
        corregir=args.corregir_acuse,
    )
    registro = servicio.registro(uuid, CLI_ACTOR)
    estado = registro.estado_texto if registro else "Presentada"
    declarado = " Acuse declarado por el usuario (su texto no lo dice)." if propuesta.faltan else ""
    if registro and registro.corregido:
        declarado += f" {registro.corregido[0].upper()}{registro.corregido[1:]}."
    print(
        f"Informativa {estado[0].lower()}{estado[1:]}. Folio {hecha.folio}, "
        f"{hecha.presentada.astimezone(HORA_DEL_CENTRO):%d/%m/%Y %H:%M} (hora del centro)."
        f"{declarado}"
    )
    for contrato in servicio.contratos(uuid, CLI_ACTOR):
        print(f"{contrato.contratante_rfc}\t{contrato.folio_imss or '(sin folio)'}")
    return 0


def _archivo(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.informativa.modelo import PRESENTADA
    from icsoe_desktop.domain.roles import CLI_ACTOR

    rfc = _contratista_de(args, services)
    if rfc is None:
        return 2
    presentadas = [
        f.uuid
        for f in services.informativas.tablero(rfc, CLI_ACTOR)
        if f.periodo == args.periodo and f.estado == PRESENTADA and f.uuid
    ]
    if not presentadas:
        print(
            f"El contratista {rfc} no tiene informativa presentada del periodo "
            f"{args.periodo.texto}: registra antes su acuse de presentación "
            "(informativa presentar).",
            file=sys.stderr,
        )
        return 2
    # Within a period the tablero keeps the order of capture: the latest filed return.
    escritos = services.informativa_presentacion.archivo(
        presentadas[-1], CLI_ACTOR, args.contratante, Path(args.salida)
    )
    for path in escritos:
        print(path)
    return 0
