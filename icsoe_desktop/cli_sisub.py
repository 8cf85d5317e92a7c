"""CLI: ``sisub preparar|revisar|anotar|exportar|presentar --contratista RFC --periodo AAAA-N`` —
the INFONAVIT's SISUB of the contratista's period: prepared from the informativas and the
receipts (once filed, ``--complementario --motivo M`` prepares the one that corrects it),
checked, why the ICSOE informativa differs noted (``anotar --motivo TEXTO`` or
``--motivo-stdin``), its files written (``--salida DIR``, the office's guide with
``--guia GUIA.xls``, repeated for the three guides) and its acuse registered (``--acuse PDF``); ``sisub adjuntar --contratista RFC --escritura PDF`` or
``--contrato NUM --pdf PDF`` keeps the PDFs every period's export carries."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.texts import plural

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services


def add_parser(commands: argparse._SubParsersAction) -> None:
    from icsoe_desktop.cli_informativa import _periodo
    from icsoe_desktop.domain.sisub.modelo import MOTIVOS_COMPLEMENTARIO

    sisub = commands.add_parser("sisub", help="el SISUB del INFONAVIT (Ley del INFONAVIT, 29 Bis)")
    actions = sisub.add_subparsers(dest="sisub_command", metavar="acción", required=True)
    ayudas = {
        "preparar": "prepara el reporte del periodo: los contratos en vigor (de las "
        "informativas) y sus trabajadores por bimestre con los importes de los recibos de "
        "nómina; conserva lo capturado a mano",
        "revisar": "lista lo que impide exportar y los avisos; sale con 1 si hay algo que corregir",
        "anotar": "anota por qué la informativa ICSOE del periodo dice distinto (--motivo TEXTO "
        "o --motivo-stdin; vacío lo quita): Revisar avisa de la diferencia y deja exportar",
        "exportar": "escribe en --salida los tres CSV y los PDF con los nombres de la guía "
        "(--zip: un ZIP); --guia lee antes el archivo de guía del INFONAVIT y lo recuerda",
        "presentar": "registra el acuse del INFONAVIT (--acuse PDF) con su folio; sale con 2 si "
        "el acuse es de otro contratista o periodo",
    }
    for nombre, ayuda in ayudas.items():
        accion = actions.add_parser(nombre, help=ayuda)
        accion.add_argument("--contratista", metavar="RFC", required=True)
        accion.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
        accion.add_argument(
            "--empresa",
            metavar="RFC",
            default=argparse.SUPPRESS,
            help="la empresa del contratista (obligatoria si hay varias)",
        )
        if nombre == "preparar":
            accion.add_argument(
                "--complementario",
                action="store_true",
                help="prepara el complementario que corrige el SISUB ya presentado del periodo",
            )
            accion.add_argument(
                "--motivo",
                default="",
                metavar="MOTIVO",
                help="el motivo del complementario: "
                + "; ".join(f"{c} ({t.lower()})" for c, t in MOTIVOS_COMPLEMENTARIO.items()),
            )
        if nombre == "anotar":
            texto = accion.add_mutually_exclusive_group(required=True)
            texto.add_argument("--motivo", metavar="TEXTO", help="hasta 1,000 caracteres")
            texto.add_argument(
                "--motivo-stdin",
                action="store_true",
                help="lee el motivo de la entrada estándar (varias líneas se unen en una)",
            )
        if nombre == "exportar":
            accion.add_argument("--salida", metavar="DIR", required=True)
            accion.add_argument(
                "--guia",
                metavar="GUIA.xls",
                action="append",
                help="un archivo de guía del INFONAVIT (repite --guia para los tres: sujeto "
                "obligado, contratos y detalle de trabajadores; o un libro con las tres hojas)",
            )
            accion.add_argument("--zip", action="store_true", help="un ZIP en vez de una carpeta")
        if nombre == "presentar":
            accion.add_argument("--acuse", metavar="PDF", required=True)
            accion.add_argument("--folio", help="el folio del acuse (por omisión, el que dice)")
            accion.add_argument(
                "--declarado",
                action="store_true",
                help="declara que el PDF es el acuse del SISUB de este contratista y periodo "
                "cuando su texto no lo dice (un acuse escaneado): se registra como declarado, con "
                "--folio y --fecha como aparecen en él",
            )
            accion.add_argument(
                "--fecha",
                metavar="FECHA",
                help="la fecha y hora de recepción, hora del centro, de un acuse declarado: "
                "DD/MM/AAAA HH:MM o AAAA-MM-DD HH:MM",
            )

    sujeto = actions.add_parser(
        "sujeto",
        help="guarda una vez lo que el archivo del sujeto obligado pide además de los datos "
        "generales: entre calles, representante legal, administrador único, escritura, "
        "notario y folio mercantil (lo no dado queda como estaba)",
    )
    sujeto.add_argument("--contratista", metavar="RFC", required=True)
    sujeto.add_argument("--empresa", metavar="RFC", default=argparse.SUPPRESS)
    for opcion, ayuda in _SUJETO.values():
        sujeto.add_argument(opcion, metavar="TEXTO", help=ayuda)

    del_contrato = actions.add_parser(
        "contrato",
        help="guarda lo que el archivo de contratos pide de un contrato (por su número SISUB) "
        "además de la informativa: --tipo, --monto y --registro-beneficiario",
    )
    del_contrato.add_argument("--contratista", metavar="RFC", required=True)
    del_contrato.add_argument("--empresa", metavar="RFC", default=argparse.SUPPRESS)
    del_contrato.add_argument("--numero", metavar="NÚMERO", required=True, help="su número SISUB")
    del_contrato.add_argument("--tipo", default="", help="el tipo de contrato")
    del_contrato.add_argument("--monto", default="", help="el monto del contrato, en pesos")
    del_contrato.add_argument(
        "--registro-beneficiario", default="", metavar="REGISTRO", help="el del beneficiario"
    )

    adjuntar = actions.add_parser(
        "adjuntar",
        help="guarda una vez la escritura constitutiva (--escritura PDF) o el PDF de un contrato "
        "(--contrato NÚMERO-SISUB --pdf PDF); cada exportación los lleva",
    )
    adjuntar.add_argument("--contratista", metavar="RFC", required=True)
    adjuntar.add_argument("--empresa", metavar="RFC", default=argparse.SUPPRESS)
    adjuntar.add_argument("--escritura", metavar="PDF")
    adjuntar.add_argument("--contrato", metavar="NÚMERO", help="su número SISUB")
    adjuntar.add_argument("--pdf", metavar="PDF")


# The sujeto's data by field: the option and its help.
_SUJETO = {
    "entre_calle": ("--entre-calle", "la primera calle entre las que está el domicilio"),
    "y_calle": ("--y-calle", "la segunda calle"),
    "representante_legal": ("--representante", "el representante legal"),
    "administrador_unico": ("--administrador", "el administrador único"),
    "escritura_numero": ("--escritura-numero", "el número de la escritura constitutiva"),
    "escritura_fecha": ("--escritura-fecha", "su fecha, dd/mm/aaaa"),
    "notario_nombre": ("--notario", "el nombre del notario"),
    "notario_numero": ("--notaria", "el número del notario"),
    "folio_mercantil": ("--folio-mercantil", "el folio mercantil"),
}


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError

    try:
        if args.sisub_command == "preparar":
            return _preparar(args, services)
        if args.sisub_command == "adjuntar":
            return _adjuntar(args, services)
        if args.sisub_command == "sujeto":
            return _sujeto(args, services)
        if args.sisub_command == "contrato":
            return _del_contrato(args, services)
        uuid = services.sisub.del_periodo(args.contratista, CLI_ACTOR, args.periodo)
        if uuid is None:
            print(
                f"No hay SISUB de {args.periodo.texto} para {args.contratista}: prepáralo "
                "primero (sisub preparar).",
                file=sys.stderr,
            )
            return 2
        if args.sisub_command == "revisar":
            return _revisar(uuid, services)
        if args.sisub_command == "anotar":
            return _anotar(args, uuid, services)
        if args.sisub_command == "exportar":
            return _exportar(args, uuid, services)
        return _presentar(args, uuid, services)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _preparar(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.sisub.modelo import COMPLEMENTARIO, MOTIVOS_COMPLEMENTARIO

    if args.motivo and not args.complementario:
        print("--motivo es el de un complementario: agrega --complementario.", file=sys.stderr)
        return 2
    from icsoe_desktop.domain.errors import ValidationError

    # The key or the motivo as the window lists it.
    claves = {t.lower(): c for c, t in MOTIVOS_COMPLEMENTARIO.items()}
    motivo = args.motivo.strip()
    motivo = claves.get(motivo.lower(), motivo.lower())
    try:
        hecho = services.sisub.preparar(
            args.contratista, CLI_ACTOR, args.periodo, args.complementario, motivo
        )
    except ValidationError as exc:
        if exc.code != "motivo_complementario":
            raise
        print(exc.message, file=sys.stderr)
        print(f"Con --motivo: {', '.join(MOTIVOS_COMPLEMENTARIO)}.", file=sys.stderr)
        return 2
    reporte = services.sisub.reporte(hecho.uuid, CLI_ACTOR)
    tipo = reporte.tipo_texto
    if reporte.tipo == COMPLEMENTARIO:
        tipo += f", {MOTIVOS_COMPLEMENTARIO.get(reporte.motivo, reporte.motivo).lower()}"
    print(
        f"SISUB de {args.periodo.texto} ({tipo}): "
        f"{plural(hecho.contratos, 'contrato en vigor', 'contratos en vigor')}, "
        f"{plural(hecho.trabajadores, 'renglón', 'renglones')} de trabajadores por bimestre"
        + (
            f", {plural(hecho.conservados, 'capturado a mano conservado', 'capturados a mano conservados')}."
            if hecho.conservados
            else "."
        )
    )
    return 0


def _sujeto(args: argparse.Namespace, services: Services) -> int:
    from dataclasses import replace
    from datetime import datetime

    antes = services.sisub.datos_sujeto(args.contratista, CLI_ACTOR)
    cambios: dict[str, object] = {}
    for campo in _SUJETO:
        valor = getattr(args, campo_de_opcion(_SUJETO[campo][0]))
        if valor is None:
            continue
        if campo == "escritura_fecha":
            try:
                cambios[campo] = datetime.strptime(valor.strip(), "%d/%m/%Y").date()
            except ValueError:
                print(f"«{valor}» no es una fecha dd/mm/aaaa.", file=sys.stderr)
                return 2
        else:
            cambios[campo] = valor
    services.sisub.guardar_sujeto(args.contratista, CLI_ACTOR, replace(antes, **cambios))  # type: ignore[arg-type]  # fields by name
    print(f"Datos del sujeto obligado de {args.contratista} guardados para el SISUB.")
    return 0


def _del_contrato(args: argparse.Namespace, services: Services) -> int:
    from decimal import Decimal, InvalidOperation

    from icsoe_desktop.domain.importes import dinero
    from icsoe_desktop.domain.sisub.captura import DelContrato

    monto = 0
    if args.monto.strip():
        try:  # «$1,234.56», «1234.5»: as the forms read it
            valor = Decimal(dinero(args.monto, "El monto del contrato", "monto"))
        except InvalidOperation:
            print(f"«{args.monto}» no es un monto en pesos.", file=sys.stderr)
            return 2
        monto = int((valor * 100).to_integral_value())
    contrato = services.sisub_pdfs.contrato_por_numero(args.contratista, CLI_ACTOR, args.numero)
    datos = DelContrato(args.tipo, monto, args.registro_beneficiario)
    services.sisub.guardar_del_contrato(args.contratista, CLI_ACTOR, contrato, datos)
    print(f"Contrato {args.numero}: guardado para el archivo de contratos del SISUB.")
    return 0


def campo_de_opcion(opcion: str) -> str:
    return opcion.lstrip("-").replace("-", "_")


def _adjuntar(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.services.informativa.repse import pdf_de_archivo
    from icsoe_desktop.services.sisub.pdfs import MAX_BYTES

    pdfs = services.sisub_pdfs
    if args.escritura and not (args.contrato or args.pdf):
        hecho = pdfs.adjuntar_escritura(
            args.contratista, CLI_ACTOR, pdf_de_archivo(Path(args.escritura), MAX_BYTES)
        )
        que, guardado = "La escritura constitutiva", "guardada"
    elif args.contrato and args.pdf and not args.escritura:
        contrato = pdfs.contrato_por_numero(args.contratista, CLI_ACTOR, args.contrato)
        pdf = pdf_de_archivo(Path(args.pdf), MAX_BYTES)
        hecho = pdfs.adjuntar_contrato(args.contratista, CLI_ACTOR, contrato, pdf)
        que, guardado = f"El PDF del contrato {args.contrato}", "guardado"
    else:
        print("Indica --escritura PDF, o --contrato NÚMERO con --pdf PDF.", file=sys.stderr)
        return 2
    estado = "se guardó" if hecho.nuevo else f"ya estaba {guardado}"
    print(f"{que} {estado}: «{hecho.nombre}», SHA-256 {hecho.sha256}.")
    return 0


def _revisar(uuid: str, services: Services) -> int:
    problemas = services.sisub.revisar(uuid, CLI_ACTOR)
    for p in problemas:
        print(f"{p.etiqueta}: {p.mensaje}")
    errores = sum(1 for p in problemas if not p.aviso)
    notas = sum(1 for p in problemas if p.nota)
    avisos = plural(len(problemas) - errores - notas, "aviso")
    print(
        f"{errores:,} por corregir, {avisos}" + (f", {plural(notas, 'nota')}." if notas else "."),
        file=sys.stderr,
    )
    return 1 if errores else 0


def _anotar(args: argparse.Namespace, uuid: str, services: Services) -> int:
    texto = sys.stdin.read() if args.motivo_stdin else args.motivo
    services.sisub.anotar_icsoe(uuid, CLI_ACTOR, texto)
    nota = services.sisub.reporte(uuid, CLI_ACTOR).nota_icsoe
    if nota:
        print(
            f"Motivo anotado en el SISUB de {args.periodo.texto}: Revisar avisa de la diferencia "
            "con la informativa ICSOE y deja exportar."
        )
    else:
        print(f"Se quitó el motivo del SISUB de {args.periodo.texto}.")
    return 0


def _exportar(args: argparse.Namespace, uuid: str, services: Services) -> int:
    from pathlib import Path

    dichos: tuple[str, ...] = ()
    if args.guia:
        archivos = services.sisub_archivos
        hojas = archivos.reconocer_guias([Path(g) for g in args.guia], CLI_ACTOR)
        # The match said before it is remembered; a failed export still tells what the guide
        # cannot fill.
        for hoja in hojas.values():
            print(f"Guía reconocida: {hoja.texto}.", file=sys.stderr)
        dichos = archivos.recordar_guias(hojas, CLI_ACTOR).avisos
        for aviso in dichos:
            print(aviso, file=sys.stderr)
    hecho = services.sisub_archivos.exportar(uuid, CLI_ACTOR, Path(args.salida), args.zip)
    for aviso in hecho.avisos:
        if aviso not in dichos:
            print(aviso, file=sys.stderr)
    print(hecho.ruta)
    return 0


def _presentar(args: argparse.Namespace, uuid: str, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.cli_informativa import _leer_fecha
    from icsoe_desktop.services.informativa.repse import pdf_de_archivo

    pdf = pdf_de_archivo(Path(args.acuse))
    servicio = services.sisub_presentacion
    leido = servicio.leer(uuid, CLI_ACTOR, pdf.datos, pdf.nombre)
    if leido.faltan and not args.declarado:
        print(
            f"«{pdf.nombre}» no dice {' ni '.join(leido.faltan)}: si es el acuse del SISUB de "
            "este contratista y periodo, decláralo con --declarado y escribe --folio y --fecha "
            "como aparecen en él.",
            file=sys.stderr,
        )
        return 2
    # Declared, not read: both typed, nothing taken from a text that does not say whose it is.
    folio = args.folio or ("" if leido.faltan else leido.folio)
    fecha = _leer_fecha(args.fecha) if args.fecha else None
    faltan = [f for f, valor in (("--folio", folio), ("--fecha", fecha)) if not valor]
    if leido.faltan and faltan:
        print(
            f"Un acuse declarado se registra con lo que muestra: indica {' y '.join(faltan)}.",
            file=sys.stderr,
        )
        return 2
    hecho = servicio.registrar(uuid, CLI_ACTOR, pdf.datos, pdf.nombre, folio, fecha, args.declarado)
    declarado = " Acuse declarado por el usuario (su texto no lo dice)." if leido.faltan else ""
    print(f"{hecho.texto}: folio {hecho.folio}, {hecho.presentado:%d/%m/%Y %H:%M}.{declarado}")
    return 0
