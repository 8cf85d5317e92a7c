"""An authority that publishes its certificate revocation list (CRL, RFC 5280) over HTTP on
127.0.0.1, as the SAT publishes the e.firma's: its own CA (made here with ``cryptography``),
e.firmas whose CRL distribution point names this server, and a CRL signed by the CA at each
request with the serials ``revocar`` listed. ``caido`` makes the server refuse to answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from tests import credentials_factory as cf

NOMBRE_AC = "AC CON LISTA DE REVOCACION PRUEBAS"


class Publicador:
    """``url`` of the CRL; ``revocados``: serial → when it was revoked; ``pedidos``: requests."""

    def __init__(self) -> None:
        self.ca = cf._issuer(NOMBRE_AC, "Revocacion de Prueba", cf.rsa_key(40))
        self.revocados: dict[int, datetime] = {}
        self.caido = False
        self.pedidos = 0
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._manejador())
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/ac.crl"

    def efirma(self, serial: str, desde: datetime, hasta: datetime) -> cf.Generated:
        """An e.firma of the test contratista, issued by this CA, naming this CRL."""
        puntos = x509.CRLDistributionPoints(
            [x509.DistributionPoint([x509.UniformResourceIdentifier(self.url)], None, None, None)]
        )
        return cf.fiel_moral(
            issuer=self.ca,
            serial=serial.encode(),
            valid_from=desde,
            valid_to=hasta,
            extra_extensions=(cf.extension("2.5.29.31", puntos.public_bytes()),),
        )

    def revocar(self, efirma: cf.Generated, cuando: datetime) -> None:
        self.revocados[efirma.certificate.serial_number] = cuando

    def crl(self) -> bytes:
        """The CRL as the CA issues it now (DER): valid for a month, listing ``revocados``."""
        ahora = datetime.now(UTC).replace(microsecond=0)
        emisor = x509.load_der_x509_certificate(self.ca.certificate_der).subject
        lista = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(emisor)
            .last_update(ahora - timedelta(hours=1))
            .next_update(ahora + timedelta(days=30))
        )
        for serial, cuando in self.revocados.items():
            lista = lista.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(cuando)
                .build()
            )
        return lista.sign(self.ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def _manejador(self) -> type[BaseHTTPRequestHandler]:
        publicador = self

        class Manejador(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                publicador.pedidos += 1
                if publicador.caido:
                    self.send_error(503, "fuera de servicio")
                    return
                datos = publicador.crl()
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(datos)))
                self.end_headers()
                self.wfile.write(datos)

            def log_message(self, *_args: object) -> None:  # quiet
                pass

        return Manejador

    def iniciar(self) -> None:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def detener(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@contextmanager
def publicador_crl() -> Iterator[Publicador]:
    publicador = Publicador()
    publicador.iniciar()
    try:
        yield publicador
    finally:
        publicador.detener()


def con_crl(pdf: bytes, crl: bytes) -> bytes:
    """``pdf`` with the CRL added to its document security store in a new update (LTV data
    a later reader adds: pyHanko accepts it as a change after signing)."""
    import io

    from asn1crypto import crl as asn1_crl
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    salida = io.BytesIO(pdf)
    DocumentSecurityStore.add_dss(
        salida, None, crls=[asn1_crl.CertificateList.load(crl)], force_write=True
    )
    return salida.getvalue()
