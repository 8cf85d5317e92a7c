"""CLI: ``nomina importar CARPETA|ZIP|XML…``, ``nomina listar --periodo AAAA-N``,
``nomina proponer --periodo AAAA-N --contratante RFC`` and ``nomina certificados-sat agregar
ARCHIVO…|listar`` (the installation's, no empresa needed)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from icsoe_desktop.console import fin_de_progreso, progreso
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.texts import plural

if TYPE_CHECKING:  # the parser is built on every start, GUI included: keep it light
    from icsoe_desktop.services.container import Services


def add_parser(commands: argparse._SubParsersAction) -> None:
    from icsoe_desktop.cli_informativa import _periodo

    nomina = commands.add_parser("nomina", help="recibos de nómina (CFDI 3.3 y 4.0, Nómina 1.2)")
    actions = nomina.add_subparsers(dest="nom_command", metavar="acción", required=True)
    importar = actions.add_parser(
        "importar",
        help="importa los recibos (XML) de una carpeta, un ZIP o varios archivos: verifica el "
        "sello de cada uno y guarda una vez cada UUID; lista los rechazados con su motivo y los "
        "que ya estaban",
    )
    importar.add_argument("rutas", nargs="+", metavar="CARPETA|ZIP|XML")
    _empresa(importar)
    listar = actions.add_parser(
        "listar",
        help="los recibos del cuatrimestre, separados por tabuladores: NSS, CURP, nombre, "
        "periodo pagado, registro patronal, SBC, clientes (RfcLabora y porcentaje), UUID y si el "
        "sello del SAT de su timbre se verificó",
    )
    listar.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    listar.add_argument(
        "--contratante", metavar="RFC", help="sólo los recibos que nombran a ese cliente"
    )
    _empresa(listar)
    proponer = actions.add_parser(
        "proponer",
        help="los trabajadores que proponen los recibos para un contrato: los que tienen en el "
        "cuatrimestre un recibo que nombra al cliente, uno por CURP, con el SBC de su último "
        "recibo: NSS, CURP, nombre, SBC, fecha final de ese recibo y cuántos recibos",
    )
    proponer.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    proponer.add_argument("--contratante", metavar="RFC", required=True)
    _empresa(proponer)
    salarios = actions.add_parser(
        "salarios",
        help="«posible modificación salarial no avisada»: cada trabajador cuyo último recibo del "
        "cuatrimestre declara un SBC distinto del registrado en sus movimientos hasta 5 días "
        "hábiles después del inicio de su periodo pagado",
    )
    salarios.add_argument("--periodo", type=_periodo, required=True, metavar="AAAA-N")
    _empresa(salarios)
    sat = actions.add_parser(
        "certificados-sat",
        help="los certificados del SAT que sellan los timbres (NoCertificadoSAT), de toda la "
        "instalación: con ellos se verifica el sello del SAT de cada recibo",
    )
    sat_acciones = sat.add_subparsers(dest="sat_command", metavar="acción", required=True)
    agregar = sat_acciones.add_parser(
        "agregar", help="agrega certificados del SAT (.cer) descargados del sitio del SAT"
    )
    agregar.add_argument("archivos", nargs="+", metavar="ARCHIVO.cer")
    sat_acciones.add_parser("listar", help="los números de los certificados del SAT instalados")


def _empresa(parser: argparse.ArgumentParser) -> None:
    # The same option as before the command; given here too, it names the empresa as well.
    parser.add_argument(
        "--empresa",
        metavar="RFC",
        default=argparse.SUPPRESS,
        help="la empresa cuyos recibos son (obligatoria si hay varias)",
    )


def run(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.domain.errors import DomainError

    try:
        if args.nom_command == "importar":
            return _importar(args, services)
        if args.nom_command == "proponer":
            return _proponer(args, services)
        if args.nom_command == "salarios":
            return _salarios(args, services)
        if args.nom_command == "certificados-sat":
            return _certificados_sat(args, services)
        return _listar(args, services)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _importar(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    reporte = services.nomina.importar([Path(r) for r in args.rutas], CLI_ACTOR, progreso)
    fin_de_progreso()
    for rechazo in reporte.rechazos:
        print(f"Rechazado: {rechazo.archivo}: {rechazo.motivo}", file=sys.stderr)
    if reporte.rechazados > len(reporte.rechazos):
        print(
            f"… y {plural(reporte.rechazados - len(reporte.rechazos), 'rechazado')} más.",
            file=sys.stderr,
        )
    for archivo, uuid in reporte.repetidos:
        print(f"Ya estaba: {archivo} (UUID {uuid})")
    print(
        f"Leídos: {reporte.leidos:,}. Verificados: {reporte.verificados:,}. "
        f"Guardados: {reporte.guardados:,}. Ya estaban: {reporte.duplicados:,}. "
        f"Rechazados: {reporte.rechazados:,}."
        + (f" Sustituidos: {reporte.sustituidos:,}." if reporte.sustituidos else "")
    )
    if reporte.sin_sello_sat:
        print(
            f"En {reporte.sin_sello_sat:,} el sello del SAT del timbre se leyó sin verificarse: "
            "falta el certificado del SAT (agrégalo con «nomina certificados-sat agregar»)."
        )
    return 1 if reporte.rechazados else 0


def _listar(args: argparse.Namespace, services: Services) -> int:
    filas = services.nomina_consulta.listar(
        CLI_ACTOR, args.periodo, args.contratante, con_importes=True
    )
    for f in filas:
        clientes = ", ".join(f"{rfc} {p / 1000:g} %" for rfc, p in f.clientes)
        sbc = f"{f.sbc / 100:.2f}" if f.sbc is not None else ""
        sat = "sello del SAT verificado" if f.sello_sat else "sello del SAT sin verificar"
        print(
            f"{f.nss}\t{f.curp}\t{f.nombre}\t{f.fecha_inicial:%d/%m/%Y}–{f.fecha_final:%d/%m/%Y}"
            f"\t{f.registro_patronal}\t{sbc}\t{clientes}\t{f.timbre}\t{sat}"
        )
    print(f"{plural(len(filas), 'recibo')} de {args.periodo.texto}.", file=sys.stderr)
    return 0


def _proponer(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.services.nomina.consulta import ASIMILADO

    propuestos = services.nomina_consulta.proponer(
        CLI_ACTOR, args.periodo, args.contratante, con_importes=True
    )
    for p in propuestos:
        sbc = f"{p.sbc / 100:.2f}" if p.sbc is not None else ""
        regimen = f"\t{ASIMILADO}" if p.asimilado else ""  # never an ordinary worker
        print(
            f"{p.nss}\t{p.curp}\t{p.nombre}\t{sbc}\t{p.fecha_final:%d/%m/%Y}\t{p.recibos}{regimen}"
        )
    print(
        f"{plural(len(propuestos), 'trabajador', 'trabajadores')} con recibos que nombran a {args.contratante.upper()} "
        f"en {args.periodo.texto}.",
        file=sys.stderr,
    )
    return 0


def _salarios(args: argparse.Namespace, services: Services) -> int:
    from icsoe_desktop.services.nomina.consulta import POSIBLE_MODIFICACION

    for s in services.nomina_consulta.salarios_no_avisados(CLI_ACTOR, args.periodo):
        print(
            f"{s.nss}\t{s.curp}\t{s.nombre}\t{s.sbc_recibo / 100:.2f}\t"
            f"{s.sbc_movimientos / 100:.2f}\t{s.plazo:%d/%m/%Y}\t{POSIBLE_MODIFICACION}"
        )
    return 0


def _certificados_sat(args: argparse.Namespace, services: Services) -> int:
    from pathlib import Path

    from icsoe_desktop.paths import asset_dir
    from icsoe_desktop.services.nomina import certificados_sat

    recursos = asset_dir("resources")
    if args.sat_command == "listar":
        numeros = certificados_sat.listar(recursos, services.data_dir)
        for numero in numeros:
            print(numero)
        print(f"{plural(len(numeros), 'certificado')} del SAT para timbres.", file=sys.stderr)
        return 0
    confianza = services.certificates.emisores.trust_store()
    for archivo in args.archivos:
        info = certificados_sat.agregar(services.data_dir, Path(archivo), confianza)
        print(f"Agregado: certificado del SAT {info.no_certificado} ({Path(archivo).name})")
    # The open empresa's receipts kept «sin verificar» checked again with them.
    if verificados := services.reverificar_sello_sat():
        print(
            f"{plural(verificados, 'recibo guardado', 'recibos guardados')} sin verificar "
            f"de {services.empresa.etiqueta} ya tiene{'n' if verificados > 1 else ''} el "
            "sello del SAT verificado."
        )
    return 0
