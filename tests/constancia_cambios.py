"""Changes made to a signed constancia after its signature, the way a reader, a document system
or a forger would: each one an incremental update written with pyHanko's own writer (never the
app's), so the signed revision stays intact and only the judgement of what follows counts."""

from __future__ import annotations

import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests import credentials_factory as cf

TEXTO_SUSTITUTO = b"BT /Helvetica 24 Tf 72 700 Td (INFORMATIVA SUSTITUIDA) Tj ET"


def _escrito(escritor: IncrementalPdfFileWriter) -> bytes:
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _fuente(escritor: IncrementalPdfFileWriter) -> generic.IndirectObject:
    return escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )


def contenido_sustituido(pdf: bytes) -> bytes:
    """Page 1's content replaced by a stream that says something else."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pagina = escritor.root["/Pages"]["/Kids"][0].get_object()
    pagina["/Contents"] = escritor.add_object(generic.StreamObject(stream_data=TEXTO_SUSTITUTO))
    escritor.update_container(pagina)
    return _escrito(escritor)


def pagina_agregada(pdf: bytes) -> bytes:
    """A new last page."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    contenido = escritor.add_object(generic.StreamObject(stream_data=TEXTO_SUSTITUTO))
    recursos = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/Helvetica"): _fuente(escritor)}
            )
        }
    )
    escritor.insert_page(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    list(map(generic.NumberObject, (0, 0, 612, 792)))
                ),
                generic.pdf_name("/Contents"): contenido,
                generic.pdf_name("/Resources"): recursos,
            }
        )
    )
    return _escrito(escritor)


def anotacion_encima(pdf: bytes) -> bytes:
    """A FreeText annotation over page 1 that covers what it says."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pagina_ref = escritor.root["/Pages"]["/Kids"][0]
    pagina = pagina_ref.get_object()
    anotacion = escritor.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    list(map(generic.NumberObject, (30, 400, 580, 760)))
                ),
                generic.pdf_name("/Contents"): generic.TextStringObject("INFORMATIVA SUSTITUIDA"),
                generic.pdf_name("/DA"): generic.TextStringObject("/Helv 24 Tf 0 g"),
                generic.pdf_name("/P"): pagina_ref,
            }
        )
    )
    anotaciones = pagina.get("/Annots")
    lista = generic.ArrayObject(list(anotaciones.get_object()) if anotaciones else [])
    lista.append(anotacion)
    pagina["/Annots"] = lista
    escritor.update_container(pagina)
    return _escrito(escritor)


def firma_redefinida(pdf: bytes) -> bytes:
    """The signature dictionary written again in a later update, its signing time changed (its
    /Contents and /ByteRange kept, so the signed bytes still verify)."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    (firma, *_) = escritor.prev.embedded_signatures
    referencia = firma.sig_field.raw_get("/V")
    dic = referencia.get_object()
    dic["/M"] = generic.pdf_string("D:20260916235800-06'00'")
    escritor.mark_update(referencia)
    return _escrito(escritor)


def _firmante(generado: cf.Generated, emisores: list[bytes]) -> signers.SimpleSigner:
    pkcs8 = generado.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(generado.cer),
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c) for c in emisores]
        ),
    )


def contrafirma(pdf: bytes, generado: cf.Generated, emisores: list[bytes]) -> bytes:
    """A second signature, in a new field, by ``generado`` (what a client's document system
    adds when it receives the constancia)."""
    meta = signers.PdfSignatureMetadata(
        field_name="FirmaRecepcion", subfilter=fields.SigSeedSubFilter.PADES
    )
    salida = io.BytesIO()
    signers.PdfSigner(meta, _firmante(generado, emisores)).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=salida
    )
    return salida.getvalue()


def sello_documento(pdf: bytes, sellador: object) -> bytes:
    """A document time-stamp (PAdES LTA's /DocTimeStamp) by ``sellador``."""
    salida = io.BytesIO()
    signers.PdfTimeStamper(sellador).timestamp_pdf(  # type: ignore[arg-type]
        IncrementalPdfFileWriter(io.BytesIO(pdf)), md_algorithm="sha256", output=salida
    )
    return salida.getvalue()


def dss(pdf: bytes, certificados: list[bytes]) -> bytes:
    """A Document Security Store (LTV data: certificates) added for the signature."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    (firma, *_) = escritor.prev.embedded_signatures
    DocumentSecurityStore.supply_dss_in_writer(
        escritor,
        firma.pkcs7_content,
        certs=[asn1_x509.Certificate.load(c) for c in certificados],
    )
    return _escrito(escritor)
