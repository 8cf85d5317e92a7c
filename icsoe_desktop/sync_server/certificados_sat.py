"""The SAT's certificates that seal timbres as the server keeps them (``CertificadoSat``):
loaded by IT from the server's command line (``certificados-sat cargar CARPETA``, the folder
of .cer the SAT publishes), listed (``certificados-sat ver``) and served to every desktop
(``GET /v1/certificados-sat``), which checks each against its emisores confiables before
verifying timbres with it (services/sync/certificados_sat.py).

A file is taken only when it is an X.509 certificate (read by ``cryptography`` and by the
app's reader) of the SAT's RFC; one holding a private key is refused whole: the server keeps
public certificates only. The same for every company: they are the SAT's."""

from __future__ import annotations

import argparse
import base64
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.credentials import CertificateInfo, CredentialError, load_certificate
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.sync_server.models import CertificadoSat

log = logging.getLogger(__name__)

RFC_SAT = "SAT970701NN3"
EXTENSIONES = (".cer", ".crt", ".pem", ".der")
MAX_BYTES = 64 * 1024  # a certificate is about 2 KB; more is not one
LLAVE = b"PRIVATE KEY"  # PEM's «-----BEGIN … PRIVATE KEY-----»


@dataclass(frozen=True)
class Rechazo:
    archivo: str
    motivo: str


@dataclass(frozen=True)
class Carga:
    cargados: list[CertificateInfo]
    rechazos: list[Rechazo]


def leer(ruta: Path) -> CertificateInfo:
    """``ruta``'s certificate when it is one of the SAT's; ValueError (Spanish) otherwise."""
    nombre = ruta.name
    try:
        if ruta.stat().st_size > MAX_BYTES:
            raise ValueError(f"«{nombre}» es demasiado grande para ser un certificado.")
        datos = ruta.read_bytes()
    except OSError as exc:
        raise ValueError(f"No se pudo leer «{nombre}»: {motivo_os(exc)}.") from exc
    if LLAVE in datos:
        raise ValueError(
            f"«{nombre}» contiene una llave privada: no se carga. El servidor guarda sólo "
            "certificados públicos del SAT; usa el archivo .cer solo."
        )
    try:
        info = load_certificate(datos)
        _x509(info.certificado_der)
    except (CredentialError, ValueError) as exc:
        raise ValueError(
            f"«{nombre}» no es un certificado que se pueda leer (.cer del SAT): se deja fuera."
        ) from exc
    if info.rfc != RFC_SAT:
        raise ValueError(
            f"«{nombre}» es un certificado del RFC {info.rfc or '(sin RFC)'}, no del SAT "
            f"({RFC_SAT}): no sella timbres. Se deja fuera."
        )
    return info


def _x509(der: bytes) -> None:
    """The certificate read again by ``cryptography`` (ValueError when it cannot)."""
    from cryptography import x509

    x509.load_der_x509_certificate(der)


def cargar(engine: Engine, carpeta: Path) -> Carga:
    """Every certificate file of ``carpeta`` judged: the SAT's kept (one already kept is
    replaced by the same number's), the others named with their reason. ValueError (Spanish)
    when ``carpeta`` is not a folder or holds no certificate file."""
    if not carpeta.is_dir():
        raise ValueError(f"No existe la carpeta «{carpeta}»: indica la de los .cer del SAT.")
    archivos = sorted(p for p in carpeta.iterdir() if p.suffix.lower() in EXTENSIONES)
    if not archivos:
        raise ValueError(
            f"«{carpeta}» no tiene archivos .cer: descarga del sitio del SAT los certificados "
            "que sellan los timbres y ponlos en esa carpeta."
        )
    cargados: list[tuple[CertificateInfo, str]] = []
    rechazos: list[Rechazo] = []
    for ruta in archivos:
        try:
            cargados.append((leer(ruta), ruta.name))
        except ValueError as exc:
            rechazos.append(Rechazo(ruta.name, str(exc)))
    ahora = utcnow()
    with Session(engine) as session, session.begin():
        for info, archivo in cargados:
            fila = session.get(CertificadoSat, info.no_certificado) or CertificadoSat(
                numero=info.no_certificado
            )
            fila.der = info.certificado_der
            fila.valido_hasta = info.valido_hasta.replace(tzinfo=None)
            fila.archivo = archivo[:200]
            fila.cargado_at = ahora
            session.add(fila)
    if cargados:
        log.info("Certificados del SAT para timbres cargados: %d", len(cargados))
    return Carga([i for i, _ in cargados], rechazos)


@dataclass(frozen=True)
class Guardado:
    numero: str
    der: bytes
    valido_hasta: datetime
    archivo: str


def guardados(engine: Engine) -> list[Guardado]:
    with Session(engine) as session:
        filas = session.execute(
            select(
                CertificadoSat.numero,
                CertificadoSat.der,
                CertificadoSat.valido_hasta,
                CertificadoSat.archivo,
            ).order_by(CertificadoSat.numero)
        ).all()
    return [Guardado(n, bytes(d), v, a) for n, d, v, a in filas]


def para_escritorios(engine: Engine) -> list[dict[str, str]]:
    """What ``GET /v1/certificados-sat`` answers: each certificate's number and DER (base64)."""
    return [
        {"numero": g.numero, "der": base64.b64encode(g.der).decode("ascii")}
        for g in guardados(engine)
    ]


# --- the server's command line ----------------------------------------------------------------


def agregar_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    database: Callable[[argparse.ArgumentParser], None],
) -> None:
    certificados = commands.add_parser(
        "certificados-sat",
        help="certificados del SAT que sellan los timbres, que reciben los escritorios",
    )
    acciones = certificados.add_subparsers(
        dest="certificados_command", metavar="acción", required=True
    )
    carga = acciones.add_parser(
        "cargar", help="carga los certificados (.cer) del SAT de una carpeta"
    )
    database(carga)
    carga.add_argument("carpeta", metavar="CARPETA")
    ver = acciones.add_parser("ver", help="los certificados cargados")
    database(ver)


def ejecutar(args: argparse.Namespace, engine: Engine) -> int:
    """``cargar``: 0 when every file was taken, 1 when some were refused (each named), 2 when
    none was; ``ver``: the certificates kept."""
    if args.certificados_command == "cargar":
        try:
            carga = cargar(engine, Path(args.carpeta))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        for rechazo in carga.rechazos:
            print(f"Rechazado: {rechazo.motivo}", file=sys.stderr)
        if not carga.cargados:
            print("No se cargó ningún certificado del SAT.", file=sys.stderr)
            return 2
        print(
            f"Certificados del SAT para timbres cargados en el servidor: {len(carga.cargados)} "
            f"({', '.join(i.no_certificado for i in carga.cargados)}). Cada escritorio los "
            "recibe en su siguiente sincronización."
        )
        return 1 if carga.rechazos else 0
    lista = guardados(engine)
    if not lista:
        print("El servidor no tiene certificados del SAT cargados.")
    for g in lista:
        print(f"{g.numero}\tvence el {g.valido_hasta:%d/%m/%Y}\t{g.archivo}")
    return 0


__all__ = ["RFC_SAT", "agregar_parser", "cargar", "ejecutar", "guardados", "leer"]
