"""A real RFC 3161 time-stamp server on 127.0.0.1: an HTTP server whose handler answers each
request with pyHanko's DummyTimeStamper, signing as a TSA whose certificate (extended key usage
timeStamping, critical) and CA are made here with ``cryptography``. ``falla`` makes it answer as
a broken server would."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

from tests import credentials_factory as cf
from tests.servidor_local import ServidorLocal, en_marcha

NOMBRE_TSA = "TSA DE PRUEBAS ICSOE"
# Just after the test clock's signing time (2026-11-22 09:00 UTC, 03:00 in Central Mexico).
MOMENTO = datetime(2026, 11, 22, 9, 0, 5, tzinfo=UTC)


def _nombre(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sellos de Tiempo de Prueba"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )


@dataclass(frozen=True)
class Tsa:
    ca_der: bytes
    certificado_der: bytes
    llave: object = field(repr=False)

    def sellador(self, momento: datetime | None = MOMENTO) -> DummyTimeStamper:
        pkcs8 = self.llave.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(self.certificado_der),
            tsa_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
            certs_to_embed=[asn1_x509.Certificate.load(self.ca_der)],
            fixed_dt=momento,
        )


def hacer_tsa() -> Tsa:
    """A TSA certificate (EKU timeStamping, critical) issued by its own CA."""
    llave_ca, llave = cf.rsa_key(30), cf.rsa_key(31)
    desde, hasta = cf.days_from_now(-365), cf.days_from_now(3650)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_nombre("AC SELLOS DE TIEMPO DE PRUEBA"))
        .issuer_name(_nombre("AC SELLOS DE TIEMPO DE PRUEBA"))
        .public_key(llave_ca.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(desde)
        .not_valid_after(hasta)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(llave_ca, hashes.SHA256())
    )
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_nombre(NOMBRE_TSA))
        .issuer_name(ca.subject)
        .public_key(llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(desde)
        .not_valid_after(hasta)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(llave_ca, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    return Tsa(ca.public_bytes(der), tsa.public_bytes(der), llave)


TIPO_RESPUESTA = "application/timestamp-reply"


class Servidor(ServidorLocal):
    """``url``; ``falla``: None answers well, "http" answers 500, "basura" answers bytes that
    are no time-stamp with the right content type, "ajeno" a well-made token over other data;
    ``pedidos``: requests answered; ``al_pedir``: called with each request, before it is
    answered (what happens elsewhere while a signature waits for its time-stamp)."""

    def __init__(self, tsa: Tsa, momento: datetime | None) -> None:
        super().__init__("tsa")
        self.tsa = tsa
        self.sellador = tsa.sellador(momento)
        self.falla: str | None = None
        self.al_pedir: Callable[[], None] | None = None

    def atender(self, metodo: str, cuerpo: bytes) -> tuple[int, str, bytes]:
        if self.al_pedir is not None:
            self.al_pedir()
        if self.falla == "http":
            return 500, "", b"falla de prueba"
        if self.falla == "basura":
            return 200, TIPO_RESPUESTA, b"esto no es un sello de tiempo"
        pedido = tsp.TimeStampReq.load(cuerpo)
        if self.falla == "ajeno":  # a token, but over something else
            imprint = pedido["message_imprint"]
            imprint["hashed_message"] = hashlib.sha256(b"otra cosa").digest()
        respuesta = asyncio.run(self.sellador.async_request_tsa_response(pedido))
        return 200, TIPO_RESPUESTA, respuesta.dump()


def servidor_tsa(momento: datetime | None = MOMENTO) -> AbstractContextManager[Servidor]:
    return en_marcha(Servidor(hacer_tsa(), momento))
