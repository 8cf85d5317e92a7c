"""A real RFC 3161 time-stamp server on 127.0.0.1: an HTTP server whose handler answers each
request with pyHanko's DummyTimeStamper, signing as a TSA whose certificate (extended key usage
timeStamping, critical) and CA are made here with ``cryptography``. ``falla`` makes it answer as
a broken server would."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

from tests import credentials_factory as cf

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


class Servidor:
    """``url``; ``falla``: None answers well, "http" answers 500, "basura" answers bytes that
    are no time-stamp with the right content type, "ajeno" a well-made token over other data;
    ``pedidos``: requests answered; ``al_pedir``: called with each request, before it is
    answered (what happens elsewhere while a signature waits for its time-stamp)."""

    def __init__(self, tsa: Tsa, momento: datetime | None) -> None:
        self.tsa = tsa
        self.sellador = tsa.sellador(momento)
        self.falla: str | None = None
        self.pedidos = 0
        self.al_pedir: Callable[[], None] | None = None
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._manejador())
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/tsa"

    def _manejador(self) -> type[BaseHTTPRequestHandler]:
        servidor = self

        class Manejador(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                cuerpo = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                servidor.pedidos += 1
                if servidor.al_pedir is not None:
                    servidor.al_pedir()
                if servidor.falla == "http":
                    self.send_error(500, "falla de prueba")
                    return
                if servidor.falla == "basura":
                    respuesta = b"esto no es un sello de tiempo"
                else:
                    pedido = tsp.TimeStampReq.load(cuerpo)
                    if servidor.falla == "ajeno":  # a token, but over something else
                        imprint = pedido["message_imprint"]
                        imprint["hashed_message"] = hashlib.sha256(b"otra cosa").digest()
                    respuesta = asyncio.run(
                        servidor.sellador.async_request_tsa_response(pedido)
                    ).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(respuesta)))
                self.end_headers()
                self.wfile.write(respuesta)

            def log_message(self, *_args: object) -> None:  # quiet
                pass

        return Manejador

    def iniciar(self) -> None:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def detener(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@contextmanager
def servidor_tsa(momento: datetime | None = MOMENTO) -> Iterator[Servidor]:
    servidor = Servidor(hacer_tsa(), momento)
    servidor.iniciar()
    try:
        yield servidor
    finally:
        servidor.detener()
