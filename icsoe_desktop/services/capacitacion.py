"""Capacitación: the practice environment a trainer prepares (``preparar``). Whether what is
done is training, which every screen, export and document asks, is ``domain/practica.py``'s.

The practice environment needs no real e.firma and no SAT material: a practice certificate
authority made here, trusted only while the modo de capacitación is on (its certificate goes to
the ``capacitacion`` folder of this desktop's emisores confiables, next to the SAT's test
authorities, and nowhere else); a practice e.firma it issues to a fictitious contratista, written
as a SAT-shaped pair (``capacitacion.cer`` / ``capacitacion.key``); and a practice empresa of that
contratista's RFC with two capturistas and an informativa in captura with workers, made through
the same services a user goes through.

The practice authority's private key lives only in memory while the e.firma is issued: it is
never written, so nobody can issue more certificates from it. Each run makes a new authority and
a new e.firma (new password); the earlier authorities stay in the folder, so e.firmas and
documents of earlier sessions still verify while training.
"""

from __future__ import annotations

import logging
import random
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.domain.contacto import curp_check_digit
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo, Trabajador
from icsoe_desktop.domain.informativa.trabajadores import salarios_de
from icsoe_desktop.domain.passwords import policy_violations
from icsoe_desktop.domain.practica import (
    AUTORIDAD_NOMBRE,
    MARCA,
    RFC_PRACTICA,
    es_de_practica,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.files import write_bytes_atomic

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from icsoe_desktop.services.container import Services
    from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)

RAZON_SOCIAL_PRACTICA = "EMPRESA DE PRÁCTICA SA DE CV"
CER_ARCHIVO = "capacitacion.cer"
KEY_ARCHIVO = "capacitacion.key"
AUTORIDAD_PREFIJO = "practica_"  # the practice authorities' files in the capacitacion folder
ACUSE_STPS = "acuse_stps_practica.pdf"  # resources/capacitacion: a PDF that says what it is
# Addresses under a reserved top-level domain (RFC 2606): no mail of the practice is delivered.
DOMINIO_PRACTICA = "empresa-de-practica.example"
CAPTURISTAS_PRACTICA = (
    ("PAPA900101MDFRRN0", "Ana", "Práctica", "Pérez", "ana"),
    ("PAPL850505HJCRRS0", "Luis", "Práctica", "Pérez", "luis"),
)
CONTRATANTE_PRACTICA = Parte(
    rfc="CPR010101PRA",
    nombre="CLIENTE DE PRÁCTICA SA DE CV",
    domicilio=Domicilio(
        "Avenida de la Práctica", "100", "", "Centro", "06000", "Cuauhtémoc", "Ciudad de México"
    ),
    correo=f"compras@{DOMINIO_PRACTICA}",
    telefono_fijo="5500000000",
)
TRABAJADORES_PRACTICA = 12
VIGENCIA_EFIRMA = timedelta(days=4 * 365)  # as the SAT issues them

MSG_CARPETA = "No se pudo escribir la e.firma de práctica en «{carpeta}»: revisa la carpeta."


@dataclass(frozen=True)
class Practica:
    """What ``preparar`` made, for the trainer."""

    cer: Path
    key: Path
    contrasena: str  # of the .key and of the practice capturistas
    no_certificado: str
    valido_hasta: datetime
    autoridad: Path  # the practice authority's certificate, in the capacitacion folder
    empresa: str  # «Razón social (RFC)»
    empresa_nueva: bool  # created now (False: it was there and keeps what trainees did)
    capturistas: tuple[str, ...]  # their CURPs (their usuario)
    capturistas_nuevos: bool
    informativa: str  # «Normal de mayo–agosto 2026 (En captura)», or what is there now
    modo_activo: bool
    sisub: str = ""  # «Con datos continuos de mayo–agosto 2026 (En preparación)», or what is there

    def resumen(self) -> list[str]:
        """What the trainer reads (the command line and the window); the password last, alone."""
        empresa = "creada" if self.empresa_nueva else "ya existía: conserva lo que tenía"
        capturistas = ", ".join(self.capturistas)
        if self.capturistas_nuevos:
            capturistas += " (usuario: su CURP; contraseña: la misma de la e.firma de práctica)"
        else:
            capturistas += " (ya existían: conservan su contraseña)"
        modo = (
            "activo."
            if self.modo_activo
            else "desactivado. Actívalo (emisores capacitacion activar, o Configuración › "
            "Emisores confiables…) para que la e.firma de práctica se acepte."
        )
        return [
            f"e.firma de práctica de {RAZON_SOCIAL_PRACTICA} (RFC {RFC_PRACTICA}), No. de "
            f"certificado {self.no_certificado}, vigente hasta el {self.valido_hasta:%d/%m/%Y}:",
            f"  {self.cer}",
            f"  {self.key}",
            f"Autoridad de práctica (se acepta sólo en el modo de capacitación): {self.autoridad}",
            f"Empresa de práctica: {self.empresa}, {empresa}.",
            f"Capturistas de práctica: {capturistas}.",
            f"Informativa de práctica: {self.informativa}.",
            f"SISUB de práctica: {self.sisub}.",
            f"Modo de capacitación: {modo}",
            "Contraseña de la e.firma de práctica:",
            self.contrasena,
        ]


def preparar(services: Services, carpeta: Path, actor: str | None) -> Practica:
    """Make the practice environment (an administrator, or the command line); see the module.

    A second run writes a new e.firma over the files in ``carpeta`` and lets the new authority
    vouch for it; the practice empresa, if there, keeps its data and only gets what is missing.
    """
    services.permisos.exigir(actor, Accion.PREPARAR_CAPACITACION, str(carpeta))
    cer, key = carpeta / CER_ARCHIVO, carpeta / KEY_ARCHIVO
    try:
        carpeta.mkdir(parents=True, exist_ok=True)
        contrasena = _contrasena()
        ahora = services.clock().replace(tzinfo=UTC, microsecond=0)  # the app's clock
        autoridad_der, cer_der, key_der, no_certificado, hasta = emitir(contrasena, ahora)
        write_bytes_atomic(cer, cer_der)
        write_bytes_atomic(key, key_der)
    except OSError as exc:
        log.warning("No se pudo escribir la e.firma de práctica en %s: %r", carpeta, exc)
        raise ValidationError("carpeta_no_escrita", MSG_CARPETA.format(carpeta=carpeta)) from exc
    autoridad = _instalar_autoridad(services, autoridad_der)
    with services.catalogo.session() as session:
        services.audit_instalacion.record(
            session, actor, "capacitacion_preparada", RFC_PRACTICA, no_certificado
        )
    existente = next((e for e in services.empresas.listar() if es_de_practica(e.rfc)), None)
    if existente is None:
        services.empresas.crear(RFC_PRACTICA, RAZON_SOCIAL_PRACTICA, actor or "")
    from icsoe_desktop.services.container import open_services

    practica = open_services(services.data_dir, services.clock, empresa_rfc=RFC_PRACTICA)
    try:
        _contratista(practica, no_certificado, hasta)
        curps, nuevos = _capturistas(practica, contrasena)
        informativa = _informativa(practica)
        sisub = _sisub(practica)
        etiqueta = practica.empresa.etiqueta
    finally:
        practica.close()
    return Practica(
        cer=cer,
        key=key,
        contrasena=contrasena,
        no_certificado=no_certificado,
        valido_hasta=hasta,
        autoridad=autoridad,
        empresa=etiqueta,
        empresa_nueva=existente is None,
        capturistas=curps,
        capturistas_nuevos=nuevos,
        informativa=informativa,
        modo_activo=services.settings.current.capacitacion.activo,
        sisub=sisub,
    )


# --- the practice e.firma --------------------------------------------------------------------


def _contrasena() -> str:
    """One password for the .key and the practice capturistas: it must pass the capturistas'
    rules (no repeated characters, no sequences), which are stricter than the SAT's."""
    letras = string.ascii_letters + string.digits
    while True:
        cuerpo = "".join(secrets.SystemRandom().sample(letras, 11))
        candidata = f"{cuerpo[:6]}#{cuerpo[6:]}"
        if not policy_violations(candidata):
            return candidata


def _nueva_llave() -> RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def emitir(contrasena: str, ahora: datetime) -> tuple[bytes, bytes, bytes, str, datetime]:
    """A new practice authority and the e.firma it issues, as the SAT shapes a FIEL: the RFC in
    x500UniqueIdentifier (PrintableString), the certificate number's digits as the serial's
    octets, clientAuth + emailProtection, the key as encrypted PKCS#8 DER. Returns the
    authority's DER, the .cer, the .key, the certificate number and its expiry."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

    autoridad_llave = _nueva_llave()  # in memory only: see the module's docstring
    autoridad_nombre = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, AUTORIDAD_NOMBRE),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, MARCA),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    autoridad = (
        x509.CertificateBuilder()
        .subject_name(autoridad_nombre)
        .issuer_name(autoridad_nombre)
        .public_key(autoridad_llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - timedelta(days=1))
        .not_valid_after(ahora + VIGENCIA_EFIRMA + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(autoridad_llave, hashes.SHA256())
    )
    llave = _nueva_llave()
    no_certificado = "9999" + "".join(secrets.choice(string.digits) for _ in range(16))
    printable = x509.name._ASN1Type.PrintableString
    sujeto = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, RAZON_SOCIAL_PRACTICA),
            x509.NameAttribute(ObjectIdentifier("2.5.4.41"), RAZON_SOCIAL_PRACTICA),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, RAZON_SOCIAL_PRACTICA),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, MARCA),
            x509.NameAttribute(ObjectIdentifier("2.5.4.45"), RFC_PRACTICA, _type=printable),
        ]
    )
    hasta = ahora + VIGENCIA_EFIRMA
    certificado = (
        x509.CertificateBuilder()
        .subject_name(sujeto)
        .issuer_name(autoridad_nombre)
        .public_key(llave.public_key())
        .serial_number(int.from_bytes(no_certificado.encode("ascii"), "big"))
        .not_valid_before(ahora - timedelta(days=1))
        .not_valid_after(hasta)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(autoridad_llave, hashes.SHA256())
    )
    del autoridad_llave
    der = serialization.Encoding.DER
    key_der = llave.private_bytes(
        der,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(contrasena.encode("utf-8")),
    )
    return (
        autoridad.public_bytes(der),
        certificado.public_bytes(der),
        key_der,
        no_certificado,
        hasta,
    )


def _instalar_autoridad(services: Services, der: bytes) -> Path:
    """Into this desktop's capacitacion folder: an anchor only while the mode is on."""
    import hashlib

    carpeta = services.certificates.emisores.capacitacion_dirs[-1]
    destino = carpeta / f"{AUTORIDAD_PREFIJO}{hashlib.sha256(der).hexdigest()[:12]}.cer"
    try:
        carpeta.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(destino, der)
    except OSError as exc:
        log.warning("No se pudo instalar la autoridad de práctica en %s: %r", destino, exc)
        raise ValidationError(
            "emisor_no_guardado",
            f"No se pudo guardar la autoridad de práctica en «{carpeta}»: revisa los permisos.",
        ) from exc
    return destino


# --- the practice empresa ----------------------------------------------------------------------


def _contratista(services: Services, no_certificado: str, hasta: datetime) -> None:
    """Entered with the practice e.firma (its certificate number, as after Validar), términos
    accepted, the practice STPS acuse and its datos generales: what the guide's first steps
    leave. What the contratista already has stays."""
    from icsoe_desktop.paths import asset_dir
    from icsoe_desktop.services.contratistas import DatosGenerales, FielValidada

    contratistas = services.contratistas
    contratistas.ingresar(
        FielValidada(
            RFC_PRACTICA,
            RAZON_SOCIAL_PRACTICA,
            "moral",
            no_certificado,
            hasta.replace(tzinfo=None),
            AUTORIDAD_NOMBRE,
        )
    )
    contratistas.aceptar_terminos(RFC_PRACTICA)
    if contratistas.acuse(RFC_PRACTICA) is None:
        contratistas.adjuntar_acuse(
            RFC_PRACTICA, asset_dir("resources") / "capacitacion" / ACUSE_STPS
        )
    if not contratistas.sesion(RFC_PRACTICA).datos_generales:
        contratistas.guardar_datos_generales(
            RFC_PRACTICA,
            DatosGenerales(
                f"contacto@{DOMINIO_PRACTICA}", "5500000001", "", domicilio_igual_fiscal=True
            ),
        )


def _capturistas(services: Services, contrasena: str) -> tuple[tuple[str, ...], bool]:
    """Two capturistas, given of alta by the contratista and active with ``contrasena``: their
    activation code is drawn as the mail sender would and used at once (their addresses are
    under a reserved domain: no mail of the practice is delivered)."""
    from icsoe_desktop.services.capturistas.formulario import CapturistaForm

    curps = tuple(base + curp_check_digit(base) for base, *_ in CAPTURISTAS_PRACTICA)
    if services.capturistas.total(RFC_PRACTICA):
        return curps, False
    for curp, (_base, nombre, primero, segundo, buzon) in zip(
        curps, CAPTURISTAS_PRACTICA, strict=True
    ):
        correo = f"{buzon}@{DOMINIO_PRACTICA}"
        services.capturistas.alta(
            RFC_PRACTICA,
            CapturistaForm(
                curp, nombre, primero, segundo, "Capturista", "5500000002", correo, correo
            ),
        )
        services.acceso_capturista.crear_contrasena(
            codigo_en_espera(services.store, correo), contrasena, contrasena
        )
    return curps, True


def codigo_en_espera(store: Store, correo: str) -> str:
    """The code of the last code-carrying mail queued to ``correo``, drawn as the sender would
    at send time (for mail that is never delivered: the practice's, the screenshots')."""
    from icsoe_desktop.services.acceso import one_time_codes
    from icsoe_desktop.store.models import OutboxMail

    with store.session() as session:
        token_id = session.scalar(
            select(OutboxMail.token_id)
            .where(OutboxMail.to_addr == correo, OutboxMail.token_id.is_not(None))
            .order_by(OutboxMail.id.desc())
            .limit(1)
        )
        codigo = None if token_id is None else one_time_codes.draw_code(session, token_id)
    if codigo is None:  # the alta queues it in the same unit of work: a bug if missing
        raise LookupError(f"no hay un código en espera para {correo}")
    return codigo


def _informativa(services: Services) -> str:
    """The last period due: its informativa Normal in captura, one contract with the practice
    contratante and its workers. One already there (captured or signed by trainees) stays."""
    from icsoe_desktop.services.informativa.captura import ContratoDatos

    informativas = services.informativas
    hoy = services.clock().date()
    periodo = Periodo.de_fecha(hoy).anterior()
    existente = informativas.buscar(RFC_PRACTICA, RFC_PRACTICA, periodo)
    if existente is None:
        uuid = informativas.crear(RFC_PRACTICA, RFC_PRACTICA, periodo)
        contratante, _ = informativas.guardar_contratante(
            RFC_PRACTICA, RFC_PRACTICA, CONTRATANTE_PRACTICA
        )
        inicio = periodo.inicio + timedelta(days=9)
        contrato = informativas.guardar_contrato(
            uuid,
            RFC_PRACTICA,
            ContratoDatos(
                contratante,
                objeto="Limpieza de las oficinas de práctica",
                folio_repse="99999/2026",
                descripcion_servicio="Servicios especializados de limpieza (práctica)",
                fecha_inicial=inicio,
                fecha_final=inicio.replace(year=inicio.year + 1),
            ),
        )
        resultado = services.informativa_trabajadores.agregar_varios(
            contrato, RFC_PRACTICA, trabajadores_de_practica(periodo.anio)
        )
        if resultado.problemas:  # made valid above: a failure here is a bug
            raise RuntimeError(f"Trabajadores de práctica rechazados: {resultado.problemas}")
        existente = uuid
    fila = informativas.fila(existente, RFC_PRACTICA)
    return f"{fila.tipo_texto} de {periodo.texto} ({fila.estado_texto})"


# The practice workers' registro patronal: the letters say whose.
REGISTRO_PRACTICA = "PRA00000001"
SITIO_PRACTICA = Domicilio(
    "Avenida de la Práctica", "200", "Nave 1", "Centro", "06000", "Cuauhtémoc", "Ciudad de México"
)


def _sisub(services: Services) -> str:
    """The SISUB of the practice informativa's period, ready to export: its contract's SISUB
    number and work site, each worker's registro patronal and amounts (no payroll receipts in
    the practice: made from the SBC). One already there (prepared or changed by trainees)
    stays."""
    from icsoe_desktop.domain.sisub.modelo import Importes

    sisub = services.sisub
    periodo = Periodo.de_fecha(services.clock().date()).anterior()
    if services.repse.ver(RFC_PRACTICA, RFC_PRACTICA) is None:  # Revisar asks for it
        services.repse.registrar(
            RFC_PRACTICA,
            RFC_PRACTICA,
            "99999/2026",
            periodo.inicio - timedelta(days=30),
            ["Servicios especializados de limpieza (práctica)"],
        )
    uuid = sisub.del_periodo(RFC_PRACTICA, RFC_PRACTICA, periodo)
    if uuid is None:
        uuid = sisub.preparar(RFC_PRACTICA, RFC_PRACTICA, periodo).uuid
        for contrato in sisub.reporte(uuid, RFC_PRACTICA).contratos:
            sisub.guardar_contrato(uuid, contrato.uuid, RFC_PRACTICA, "PRACTICA-1", SITIO_PRACTICA)
            sbc = {t.nss: t.sbc for t in trabajadores_de_practica(periodo.anio)}
            for t in contrato.trabajadores:
                diario = sbc.get(t.nss, 0)
                importes = Importes(fijas=diario * 61, no_excedente=diario)
                sisub.editar_trabajador(t.uuid, RFC_PRACTICA, importes, REGISTRO_PRACTICA)
    reporte = sisub.reporte(uuid, RFC_PRACTICA)
    return f"{reporte.tipo_texto} de {periodo.texto} ({reporte.estado_texto})"


_NOMBRES = ("ANA", "LUIS", "MARIA", "JOSE", "ROSA", "JUAN", "LAURA", "PEDRO")
_APELLIDOS = ("GARCIA", "LOPEZ", "MARTINEZ", "HERNANDEZ", "PEREZ", "SANCHEZ", "RAMIREZ")
# Four letters no forbidden-word list holds, and states of birth of the CURP catalogue.
_INICIALES = ("GARC", "LOPE", "MART", "HERN", "PERE", "SANC", "RAMI", "TORR")
_ENTIDADES = ("AS", "DF", "JC", "NL", "PL", "VZ", "YN", "GT")


def trabajadores_de_practica(anio: int) -> list[Trabajador]:
    """Made-up workers: NSS and CURP with their check digits, an SBC within the year's range.
    Seeded: the same workers every time."""
    rng = random.Random(anio)
    salarios = salarios_de(anio)
    filas: list[Trabajador] = []
    vistos: set[str] = set()
    while len(filas) < TRABAJADORES_PRACTICA:
        nss10 = f"{rng.randrange(1, 100):02d}{rng.randrange(10**8):08d}"
        nss = nss10 + nss_check_digit(nss10)
        nacimiento = date(1970, 1, 1) + timedelta(days=rng.randrange(30 * 365))
        cuerpo = (
            rng.choice(_INICIALES)
            + f"{nacimiento:%y%m%d}"
            + rng.choice("HM")
            + rng.choice(_ENTIDADES)
            + "".join(rng.choice("BCDFGLMNRST") for _ in range(3))
            + "0"
        )
        curp = cuerpo + curp_check_digit(cuerpo)
        if nss in vistos or curp in vistos:
            continue
        vistos.update((nss, curp))
        sbc = rng.randint(salarios.minimo_general, min(salarios.tope, 4 * salarios.minimo_general))
        nombre = f"{rng.choice(_NOMBRES)} {rng.choice(_APELLIDOS)} {rng.choice(_APELLIDOS)}"
        filas.append(Trabajador(nss, curp, sbc, nombre))
    return filas


__all__ = [
    "RAZON_SOCIAL_PRACTICA",
    "Practica",
    "codigo_en_espera",
    "emitir",
    "preparar",
    "trabajadores_de_practica",
]
