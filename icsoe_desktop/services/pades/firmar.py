"""A PAdES B-B (or B-T) signature (ETSI.CAdES.detached) over a whole PDF, made with pyHanko: the
signer's certificate and its chain in the CMS, an invisible signature field, the signing time
fixed by the caller (the app's clock at *Firmar*; PAdES keeps it in the signature dictionary's
/M, which the signature covers), and files attached in the same signed revision.

With a time-stamp server (``sello_tiempo``: its URL), the signature is PAdES B-T: pyHanko asks
that TSA (RFC 3161 over HTTP, with ``requests``) for a token over the signature value and keeps it
in the signature's unsigned attributes. Any failure of the TSA raises ``SelloDeTiempoFallido``
and nothing is returned: a constancia is never written half sealed. Given a ``tolerancia``, a
token whose time is further than that from the signing time (the signer's clock is wrong, or
was set back) raises ``RelojDesfasado``: nothing is returned either.

Revocation: when the signer's certificate (or an issuer of its chain) says where its issuer
publishes revocation (a CRL distribution point, an OCSP responder), pyHanko's validator fetches
it before signing (``requests``, ``espera_s`` per request) and the CRLs and OCSP answers go in
the document security store (DSS) of the very update the signature covers. A certificate
revoked by then raises ``EfirmaRevocada``; one whose revocation cannot be fetched is signed
without it (the verification then says so).

The private key stays the ``cryptography`` object the e.firma's .key was opened into
(``_Clave``): no unencrypted copy of it is ever written or serialised.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore

from icsoe_desktop.services.pades import preparar
from icsoe_desktop.services.pades.asincrono import correr

log = logging.getLogger(__name__)
preparar.nombres_al_dia()  # (the attributes pyHanko signs with known by name)

CAMPO = "FirmaContratista"
_HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


@dataclass(frozen=True)
class Adjunto:
    """A file embedded in the signed PDF, kept compressed (``adjunto`` makes one)."""

    nombre: str
    comprimido: bytes  # zlib, as the PDF's /FlateDecode stream holds it
    tamano: int  # uncompressed, and its MD5 (the PDF's /Size and /CheckSum)
    md5: bytes
    tipo: str  # MIME
    descripcion: str


def adjunto(nombre: str, datos: bytes, tipo: str, descripcion: str) -> Adjunto:
    """``datos`` compressed at zlib's level 4 (pyHanko's is 6): a constancia's attachment is
    tens of MB, level 6 takes almost three times as long for 5 % less, and the uncompressed
    bytes need not be kept while the PDF is signed."""
    md5 = hashlib.md5(datos, usedforsecurity=False).digest()
    return Adjunto(nombre, zlib.compress(datos, 4), len(datos), md5, tipo, descripcion)


class SelloDeTiempoFallido(Exception):
    """The time-stamp server did not give a token over the signature (the detail, for the
    log: unreachable, an HTTP error, an answer that is no RFC 3161 time-stamp...)."""


@dataclass(frozen=True)
class PdfFirmado:
    """The signed PDF and, with a time-stamp server, its token's time (aware): the time the
    TSA proves the signature existed."""

    pdf: bytes
    sellado: datetime | None = None


class RelojDesfasado(Exception):
    """The time-stamp token's time is not the signing time the signature claims."""

    def __init__(self, sello: datetime) -> None:
        super().__init__(f"sello de tiempo del {sello:%Y-%m-%d %H:%M:%S %z}")
        self.sello = sello  # the token's time (aware)


class EfirmaRevocada(Exception):
    """The issuer's revocation data list the signer's certificate (or an issuer's) as revoked."""

    def __init__(self, fecha: datetime, propia: bool) -> None:
        super().__init__(f"revocado el {fecha:%Y-%m-%d %H:%M:%S}")
        self.fecha = fecha  # when it was revoked (UTC)
        self.propia = propia  # the signer's own certificate (else an issuer's)


# What the issuers declare is fetched; a fetch that fails is no refusal (the DSS lacks it).
_OBTENER_SI_SE_PUBLICA = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
    ),
    retroactive_revinfo=True,  # data issued after the claimed signing time still speak of it
)


class _ServidorDeSellos(RequestsHTTPTimeStamper):
    """pyHanko's HTTP time-stamp client, its failures of any kind as one."""

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> object:
        try:
            return await super().async_timestamp(message_digest, md_algorithm)
        except Exception as exc:  # requests, HTTP, ASN.1, a refusal: all the same to the user
            raise SelloDeTiempoFallido(f"{self.url}: {exc!r}") from exc


class _Clave(signers.Signer):
    """pyHanko's Signer over an RSA key held by ``cryptography`` (PKCS#1 v1.5)."""

    def __init__(self, clave: rsa.RSAPrivateKey, certificado: bytes, cadena: list[bytes]):
        self._clave = clave
        emisores = [asn1_x509.Certificate.load(c) for c in cadena]
        registro = SimpleCertificateStore.from_certs(emisores)  # type: ignore[no-untyped-call]  # pyHanko
        super().__init__(
            signing_cert=asn1_x509.Certificate.load(certificado),
            cert_registry=registro,
            embed_roots=True,  # the whole chain in the CMS: any reader can build the path
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:  # pyHanko only sizes the signature
            return bytes(self._clave.key_size // 8)
        return self._clave.sign(data, padding.PKCS1v15(), _HASHES[digest_algorithm.lower()])


def firmar_pdf(
    pdf: bytes,
    clave: rsa.RSAPrivateKey,
    certificado: bytes,
    cadena: list[bytes],
    momento: datetime,
    adjunto: Adjunto,
    razon: str,
    sello_tiempo: str = "",
    espera_s: float = 20.0,
    tolerancia: timedelta | None = None,
) -> PdfFirmado:
    """``pdf`` with one incremental update: ``adjunto`` embedded, the signature field and the
    signature. ``momento`` must carry its UTC offset; ``cadena`` the issuers (DER);
    ``sello_tiempo``: the TSA's URL ("" none), waited for ``espera_s`` at most; its token at
    most ``tolerancia`` away from ``momento`` (None: any), its time returned with the PDF."""
    if momento.tzinfo is None:
        raise ValueError("momento sin zona horaria")
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    datos = embed.EmbeddedFileObject(
        escritor, encoded_data=adjunto.comprimido, mime_type=adjunto.tipo
    )
    datos["/Filter"] = generic.pdf_name("/FlateDecode")
    datos["/Params"] = _parametros(adjunto, momento)
    embed.embed_file(
        escritor,
        embed.FileSpec(
            file_spec_string=adjunto.nombre,
            file_name=adjunto.nombre,
            embedded_data=datos,
            description=adjunto.descripcion,
            af_relationship=generic.pdf_name("/Data"),
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=CAMPO,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=razon,
        location="México",
    )
    tsa = (
        _ServidorDeSellos(sello_tiempo, timeout=espera_s)  # type: ignore[no-untyped-call]  # pyHanko
        if sello_tiempo
        else None
    )
    if cadena:
        _revocacion(escritor, certificado, cadena, espera_s)
    firmante = signers.PdfSigner(meta, signer=_Clave(clave, certificado, cadena), timestamper=tsa)
    firmado = correr(_firmar(firmante, escritor, momento))
    if tsa is None:
        return PdfFirmado(firmado)
    sellado = _comprobar_sello(firmado, sello_tiempo)
    if tolerancia is not None and abs(sellado - momento) > tolerancia:
        raise RelojDesfasado(sellado)
    return PdfFirmado(firmado, sellado)


def _parametros(adjunto: Adjunto, momento: datetime) -> generic.DictionaryObject:
    """The embedded file's /Params as pyHanko's EmbeddedFileParams writes them (size, MD5,
    dates), without inflating the data to measure it."""
    parametros = generic.DictionaryObject()  # type: ignore[no-untyped-call]  # pyHanko's generic
    parametros["/Size"] = generic.NumberObject(adjunto.tamano)  # type: ignore[no-untyped-call]  # untyped too
    parametros["/CheckSum"] = generic.ByteStringObject(adjunto.md5)
    parametros["/CreationDate"] = generic.pdf_date(momento)
    parametros["/ModDate"] = generic.pdf_date(momento)
    return parametros


def _revocacion(
    escritor: IncrementalPdfFileWriter, certificado: bytes, cadena: list[bytes], espera_s: float
) -> None:
    """The revocation data the issuers publish, fetched now, into ``escritor``'s DSS."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    emisores = [asn1_x509.Certificate.load(c) for c in cadena]
    contexto = ValidationContext(
        trust_roots=emisores[-1:],
        other_certs=emisores[:-1],
        allow_fetching=True,
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=espera_s),
        revinfo_policy=_OBTENER_SI_SE_PUBLICA,
    )
    validador = CertificateValidator(
        asn1_x509.Certificate.load(certificado),
        intermediate_certs=emisores[:-1],
        validation_context=contexto,
    )
    try:
        ruta = correr(validador.async_validate_path())
    except RevokedError as exc:
        raise EfirmaRevocada(exc.revocation_dt, exc.is_ee_cert) from exc
    except Exception as exc:  # the app checked the chain already: signed without the data
        log.warning("Sin datos de revocación de la e.firma: %r", exc)
        return
    if contexto.crls or contexto.ocsps:
        DocumentSecurityStore.supply_dss_in_writer(
            escritor, None, paths=[ruta], crls=contexto.crls, ocsps=contexto.ocsps
        )


def _comprobar_sello(pdf: bytes, url: str) -> datetime:
    """The time of the token the TSA gave, checked there, over this signature, signed by the
    TSA (whether the TSA is trusted is for whoever verifies)."""
    from icsoe_desktop.services.pades.validar import leer_firma, validar

    try:
        firma, handle = leer_firma(pdf)
        sello = validar(handle, [], [], firma.momento).sello
    except Exception as exc:
        raise SelloDeTiempoFallido(f"{url}: {exc!r}") from exc
    if sello is None or not sello.integro or firma.sello_tiempo is None:
        raise SelloDeTiempoFallido(f"{url}: el sello recibido no corresponde a la firma")
    momento: datetime = firma.sello_tiempo.momento
    return momento


async def _firmar(
    firmante: signers.PdfSigner, escritor: IncrementalPdfFileWriter, momento: datetime
) -> bytes:
    """``PdfSigner.async_sign_pdf`` step by step, only to give it the signing time."""
    sesion = firmante.init_signing_session(escritor)
    sesion.system_time = momento  # the signature dictionary's /M
    info = await sesion.perform_presign_validation(escritor)
    reservado = await sesion.estimate_signature_container_size(info, tight=False)
    tbs = sesion.prepare_tbs_document(validation_info=info, bytes_reserved=reservado)
    salida = io.BytesIO()
    resumen, _ = tbs.digest_tbs_document(output=salida)
    posterior = await tbs.perform_signature(
        document_digest=resumen.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=momento),
    )
    await posterior.post_signature_processing(salida)
    return salida.getvalue()
