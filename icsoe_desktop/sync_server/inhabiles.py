"""The INFONAVIT's non-business days as the server keeps them (``DiasInhabiles``): loaded by
IT from the server's command line (``inhabiles cargar AÑO DÍA…``, a year at a time, as the
INFONAVIT publishes its acuerdo), listed (``inhabiles ver``) and served to every desktop
(``GET /v1/inhabiles``), which uses them over the list the app carries."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.sisub.plazos import Lista, a_datos, lista_de
from icsoe_desktop.sync_server.models import DiasInhabiles

log = logging.getLogger(__name__)


def cargar(engine: Engine, anio: int, dias: list[str], fuente: str) -> frozenset[date]:
    """The year's days replaced by ``dias`` (ISO dates); ValueError (Spanish) when one is not
    a date of ``anio``."""
    lista = lista_de({str(anio): dias})
    fuente = " ".join(fuente.split())[:200]
    with Session(engine) as session, session.begin():
        fila = session.get(DiasInhabiles, anio) or DiasInhabiles(anio=anio)
        fila.dias = "\n".join(a_datos(lista)[str(anio)])
        fila.fuente = fuente
        fila.cargado_at = utcnow()
        session.add(fila)
    return lista[anio]


def leer(engine: Engine) -> Lista:
    """The years loaded; one whose days are not dates of it (changed with SQL) left out,
    logged: the desktops keep the app's for that year."""
    with Session(engine) as session:
        filas = session.execute(select(DiasInhabiles.anio, DiasInhabiles.dias)).all()
    lista: Lista = {}
    for anio, dias in filas:
        try:
            lista.update(lista_de({str(anio): dias.split()}))
        except ValueError as exc:
            log.warning("Días inhábiles de %s no servidos: %s", anio, exc)
    return lista


def agregar_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    database: Callable[[argparse.ArgumentParser], None],
) -> None:
    inhabiles = commands.add_parser(
        "inhabiles",
        help="días inhábiles del INFONAVIT que reciben los escritorios (plazos del SISUB)",
    )
    acciones = inhabiles.add_subparsers(dest="inhabiles_command", metavar="acción", required=True)
    carga = acciones.add_parser(
        "cargar", help="los días inhábiles de un año, como los publica el INFONAVIT en el DOF"
    )
    database(carga)
    carga.add_argument("anio", metavar="AÑO", type=int)
    carga.add_argument(
        "dias", metavar="DÍA", nargs="*", help="AAAA-MM-DD (ninguno: ese año no tiene)"
    )
    carga.add_argument("--fuente", default="", help="de dónde, p. ej. «DOF 13/01/2026»")
    ver = acciones.add_parser("ver", help="los años cargados y sus días")
    database(ver)


def ejecutar(args: argparse.Namespace, engine: Engine) -> int:
    if args.inhabiles_command == "cargar":
        try:
            dias = cargar(engine, args.anio, args.dias, args.fuente)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        print(
            f"Días inhábiles del INFONAVIT de {args.anio} cargados en el servidor: "
            f"{len(dias)}. Cada escritorio los recibe en su siguiente sincronización."
        )
        return 0
    lista = leer(engine)
    if not lista:
        print("El servidor no tiene días inhábiles cargados: los escritorios usan los suyos.")
    for anio, dias in sorted(lista.items()):
        print(f"{anio}\t{', '.join(d.strftime('%d/%m') for d in sorted(dias)) or '(ninguno)'}")
    return 0


__all__ = ["agregar_parser", "cargar", "ejecutar", "leer"]
