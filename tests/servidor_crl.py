"""An authority that publishes its certificate revocation list (CRL, RFC 5280) over HTTP on
127.0.0.1, as the SAT publishes the e.firma's: its own CA (made here with ``cryptography``),
e.firmas whose CRL distribution point names this server, and a CRL signed by the CA at each
request with the serials ``revocar`` listed. ``caido`` makes the server refuse to answer."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from tests import credentials_factory as cf
from tests.servidor_local import ServidorLocal, en_marcha

NOMBRE_AC = "AC CON LISTA DE REVOCACION PRUEBAS"


class Publicador(ServidorLocal):
    """``url`` of the CRL; ``revocados``: serial → when it was revoked; ``pedidos``: requests."""

    def __init__(self) -> None:
        super().__init__("ac.crl")
        self.ca = cf._issuer(NOMBRE_AC, "Revocacion de Prueba", cf.rsa_key(40))
        self.revocados: dict[int, datetime] = {}
        self.caido = False

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

    def atender(self, metodo: str, cuerpo: bytes) -> tuple[int, str, bytes]:
        if self.caido:
            return 503, "", b"fuera de servicio"
        return 200, "application/pkix-crl", self.crl()


def publicador_crl() -> AbstractContextManager[Publicador]:
    return en_marcha(Publicador())


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
