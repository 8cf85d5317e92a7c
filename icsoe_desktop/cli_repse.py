"""CLI: ``repse registrar``, ``repse renovar`` and ``repse ver``: the contratista's REPSE
registration, its authorised services and its renewal."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from icsoe_desktop.domain.roles import CLI_ACTOR

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.repse import Pdf, Registro


def add_parser(commands: argparse._SubParsersAction) -> None:
    repse = commands.add_parser(
        "repse", help="el registro REPSE del contratista: aviso, servicios autorizados y renovación"
    )
    actions = repse.add_subparsers(dest="repse_command", metavar="acción", required=True)
    registrar = actions.add_parser(
        "registrar",
        help="captura (o corrige) el registro REPSE del contratista: su aviso, la fecha en que "
        "se otorgó, cada servicio u obra autorizado y su PDF; vence a los tres años",
    )
    _contratista(registrar)
    registrar.add_argument("--aviso", required=True, metavar="FOLIO")
    registrar.add_argument("--otorgado", type=_fecha, required=True, metavar="AAAA-MM-DD")
    _servicios(registrar, required=True)
    registrar.add_argument("--pdf", metavar="ARCHIVO", help="el PDF del registro")
    _declarado(registrar)
    renovar = actions.add_parser(
        "renovar",
        help="la renovación: con --solicitada y --folio, la solicitud (en los tres meses "
        "previos al mes en que se otorgó, calendario de la STPS, DOF 21/02/2024); con --aviso y "
        "--otorgado, el registro nuevo que la continúa",
    )
    _contratista(renovar)
    renovar.add_argument("--solicitada", type=_fecha, metavar="AAAA-MM-DD")
    renovar.add_argument("--folio", metavar="FOLIO", help="el folio de la solicitud")
    renovar.add_argument("--aviso", metavar="FOLIO", help="el aviso del registro nuevo")
    renovar.add_argument("--otorgado", type=_fecha, metavar="AAAA-MM-DD")
    _servicios(renovar, required=False)
    renovar.add_argument("--pdf", metavar="ARCHIVO", help="el PDF del registro nuevo")
    _declarado(renovar)
    ver = actions.add_parser(
        "ver", help="el registro, su estado, su vencimiento y la ventana de renovación"
    )
    _contratista(ver)


def _contratista(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contratista", metavar="RFC", required=True)
    parser.add_argument(
        "--empresa",
        metavar="RFC",
        default=argparse.SUPPRESS,
        help="la empresa del contratista (obligatoria si hay varias)",
    )


def _declarado(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--declarado",
        action="store_true",
        help="el PDF (escaneado) no dice el RFC o el aviso y se confirma que es este registro: "
        "se guarda como «declarado por el usuario»",
    )


def _servicios(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument(
        "--servicio",
        action="append",
        required=required,
        metavar="DESCRIPCIÓN",
        help="un servicio u obra especializado autorizado (repite la opción por cada uno)",
    )


def _fecha(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"fecha «{text}» no válida: usa AAAA-MM-DD (por ejemplo, 2024-03-15)"
        ) from None


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError

    rfc = args.contratista.strip().upper()
    try:
        if args.repse_command == "registrar":
            registro = services.repse.registrar(
                rfc,
                CLI_ACTOR,
                args.aviso,
                args.otorgado,
                args.servicio,
                _pdf(args),
                args.declarado,
            )
        elif args.repse_command == "renovar":
            renovado = _renovar(args, services, rfc)
            if renovado is None:
                return 2
            registro = renovado
        else:
            visto = services.repse.ver(rfc, CLI_ACTOR)
            if visto is None:
                print(f"El contratista {rfc} no tiene registro REPSE capturado.", file=sys.stderr)
                return 1
            registro = visto
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    _imprimir(registro)
    return 0


def _pdf(args: argparse.Namespace) -> Pdf | None:
    from pathlib import Path

    from icsoe_desktop.services.informativa.repse import pdf_de_archivo

    return pdf_de_archivo(Path(args.pdf)) if args.pdf else None


def _renovar(args: argparse.Namespace, services: Services, rfc: str) -> Registro | None:
    solicitud = args.solicitada is not None or args.folio
    nuevo = args.aviso or args.otorgado is not None
    if not solicitud and not nuevo:
        print(
            "Indica la solicitud (--solicitada y --folio) o el registro nuevo (--aviso y "
            "--otorgado).",
            file=sys.stderr,
        )
        return None
    registro = None
    if solicitud:
        if args.solicitada is None or not args.folio:
            print(
                "La solicitud lleva su fecha (--solicitada) y su folio (--folio).", file=sys.stderr
            )
            return None
        registro = services.repse.solicitar_renovacion(rfc, CLI_ACTOR, args.solicitada, args.folio)
    if nuevo:
        if not args.aviso or args.otorgado is None:
            print(
                "El registro nuevo lleva su aviso (--aviso) y su fecha (--otorgado).",
                file=sys.stderr,
            )
            return None
        registro = services.repse.renovar(
            rfc, CLI_ACTOR, args.aviso, args.otorgado, args.servicio, _pdf(args), args.declarado
        )
    return registro


def _imprimir(r: Registro) -> None:
    print(f"Aviso de registro: {r.aviso}")
    print(f"Otorgado: {r.otorgado:%d/%m/%Y}")
    print(f"Vence: {r.vence:%d/%m/%Y}")
    print(f"Renovación: del {r.renovacion_desde:%d/%m/%Y} al {r.renovacion_hasta:%d/%m/%Y}")
    print(f"Estado: {r.estado_texto}")
    if r.aviso_texto:
        print(f"Aviso: {r.aviso_texto}")
    if r.renovacion_solicitada is not None:
        print(f"Solicitud de renovación: {r.renovacion_folio}, {r.renovacion_solicitada:%d/%m/%Y}")
    if r.anterior:
        print(f"Renueva el registro: {r.anterior}")
    declarado = " — declarado por el usuario: el PDF no lo dice" if r.pdf_declarado else ""
    print(f"PDF: {r.pdf_nombre} (SHA-256 {r.pdf_sha256}){declarado}" if r.pdf_sha256 else "PDF: —")
    for n, servicio in enumerate(r.servicios, 1):
        print(f"Servicio {n}: {servicio}")
