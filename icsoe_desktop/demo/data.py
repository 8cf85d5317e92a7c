"""Demo data for the screenshots: a made-up certificate authority and e.firma, generated on
the fly with ``cryptography`` (never a real person's keys)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEMO_RFC = "ABC010101AB1"
DEMO_RFC_REPRESENTANTE = "HEGT7610034S2"
DEMO_CURP_REPRESENTANTE = "HEGT761003HDFRNN09"
DEMO_NOMBRE = "NOMINAS DEL CENTRO SA DE CV"
DEMO_PASSWORD = "Demo2026efirma"
DEMO_NO_CERTIFICADO = "00001000000712345678"


@dataclass(frozen=True)
class DemoFiel:
    ca_cer: Path
    cer: Path
    key: Path
    password: str = DEMO_PASSWORD


def write_demo_fiel(directory: Path, days_valid: int = 4 * 365) -> DemoFiel:
    """A SAT-style e.firma of a persona moral (RFC in x500UniqueIdentifier, representante in the
    "/ " halves, serial number digits as ASCII) and the CA that issued it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "AC DE DEMOSTRACION ICSOE-DESKTOP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Demostración"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unique_id = ObjectIdentifier("2.5.4.45")
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_NOMBRE),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_NOMBRE),
            x509.NameAttribute(
                unique_id,
                f"{DEMO_RFC} / {DEMO_RFC_REPRESENTANTE}",
                _type=x509.name._ASN1Type.PrintableString,
            ),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f" / {DEMO_CURP_REPRESENTANTE}"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(DEMO_NO_CERTIFICADO.encode("ascii"), "big"))
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days_valid))
        # The SAT's e.firma key usage: without non-repudiation a constancia it signs is not
        # trusted by the verification (pyHanko's signer constraints).
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=True,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    fiel = DemoFiel(
        directory / "ac_demo.cer", directory / f"{DEMO_RFC}.cer", directory / f"{DEMO_RFC}.key"
    )
    fiel.ca_cer.write_bytes(ca.public_bytes(serialization.Encoding.DER))
    fiel.cer.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    fiel.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(DEMO_PASSWORD.encode()),
        )
    )
    return fiel


def add_demo_conflict(store, registro: str, razon_social_perdedora: str) -> None:
    """A sync conflict as two desktops would leave it (for the screenshots): the registro's
    razón social changed elsewhere too, and that version lost by server order."""
    import json

    from sqlalchemy import select

    from icsoe_desktop.store.models import RegistroPatronal, SyncConflict

    with store.session() as session:
        row = session.scalar(select(RegistroPatronal).where(RegistroPatronal.registro == registro))
        loser = {
            "seq": 41,
            "version": row.version,
            "updated_at": row.updated_at.isoformat(),
            "deleted": False,
            "data": {
                "registro": row.registro,
                "rfc": row.rfc,
                "razon_social": razon_social_perdedora,
            },
        }
        session.add(
            SyncConflict(
                table_name="registros_patronales",
                row_uuid=row.uuid,
                kind="cambio",
                loser=json.dumps(loser, ensure_ascii=False),
            )
        )


def demo_activation_code(store, correo: str) -> str:
    """The screenshots have no mail server: the code the real user reads in the mail."""
    from icsoe_desktop.services.capacitacion import codigo_en_espera

    return codigo_en_espera(store, correo)


def demo_trabajadores(count: int, anio: int, seed: int = 2026) -> list:
    """Made-up workers of a contract: NSS and CURP with their check digits, an SBC within the
    year's legal range."""
    import random
    from datetime import date, timedelta

    from icsoe_desktop.demo.movimientos import _curp
    from icsoe_desktop.domain.identifiers import nss_check_digit
    from icsoe_desktop.domain.informativa.modelo import Trabajador
    from icsoe_desktop.domain.informativa.trabajadores import salarios_de

    rng = random.Random(seed)
    salarios = salarios_de(anio)
    nombres = ("ANA", "LUIS", "MARIA", "JOSE", "ROSA", "JUAN", "LAURA", "PEDRO")
    apellidos = ("GARCIA", "LOPEZ", "MARTINEZ", "HERNANDEZ", "PEREZ", "SANCHEZ", "RAMIREZ")
    filas: list[Any] = []
    vistos: set[str] = set()
    while len(filas) < count:
        nss10 = f"{rng.randrange(1, 100):02d}{rng.randrange(10**8):08d}"
        nss = nss10 + nss_check_digit(nss10)
        primero, segundo, nombre = rng.choice(apellidos), rng.choice(apellidos), rng.choice(nombres)
        nacido = date(1970, 1, 1) + timedelta(days=rng.randrange(35 * 365))
        curp = _curp(rng, primero, segundo, nombre, nacido, rng.choice("HM"))
        if nss in vistos or curp in vistos:
            continue
        vistos.update((nss, curp))
        sbc = rng.randint(salarios.minimo_general, min(salarios.tope, 4 * salarios.minimo_general))
        filas.append(Trabajador(nss, curp, sbc, f"{nombre} {primero} {segundo}"))
    return filas


def write_demo_tsa_ca(path: Path) -> Path:
    """The root of a made-up time-stamp server, as IT would download it from its provider."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "AC RAIZ SELLOS DE TIEMPO DEMO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sellos de Tiempo Demostración"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ca.public_bytes(serialization.Encoding.DER))
    return path
