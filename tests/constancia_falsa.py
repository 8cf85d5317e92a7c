"""Forged constancias, made the way someone outside the app would: pages drawn with reportlab
directly or taken from a genuine file, the data re-sealed with ``cryptography``, and the PDF
signed with pyHanko's own SimpleSigner, never with the app's writer or signer."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen.canvas import Canvas

import icsoe_desktop.services.pades  # noqa: F401  (asn1crypto must read SAT names)
from tests import credentials_factory as cf

ADJUNTO = "constancia-icsoe.json"


def paginas(constancia: bytes) -> bytes:
    """The unsigned pages of a genuine constancia: its first revision, as any reader sees."""
    fin = constancia.index(b"%%EOF") + len(b"%%EOF")
    while constancia[fin : fin + 1] in (b"\r", b"\n"):
        fin += 1
    return constancia[:fin]


def datos(constancia: bytes) -> dict:
    """The attached JSON of a genuine constancia, read with pyHanko."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    nombres = PdfFileReader(io.BytesIO(constancia)).root["/Names"]["/EmbeddedFiles"]["/Names"]
    (indice,) = [i for i in range(0, len(nombres), 2) if str(nombres[i]) == ADJUNTO]
    return json.loads(nombres[indice + 1]["/EF"]["/F"].get_object().data)


def cadena(constancia: bytes) -> str:
    """The cadena original a genuine constancia signs: in its attachment, or, from version 4,
    its attachment's text without the workers and the workers' rows its annex shows."""
    adjunto = datos(constancia)
    if "cadena" in adjunto:
        return adjunto["cadena"]
    return anexo(paginas(constancia), adjunto)[0]


def anexo(pdf: bytes, adjunto: dict) -> tuple[str, list[str]]:
    """The cadena and the names (all, in its order) that the annex of ``pdf`` shows, with a
    version 4 attachment (its text without the workers, the characters of the names)."""
    from icsoe_desktop.domain.informativa.cadena import con_filas
    from icsoe_desktop.services.informativa.constancia_pdf import leer_anexo

    filas, nombres, _donde = leer_anexo(pdf, adjunto["caracteres"])
    return con_filas(adjunto["sin_filas"], filas), nombres


def sello(cadena: str, llave) -> str:
    firma = llave.sign(cadena.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(firma).decode("ascii")


def con_sbc(cadena: str, antes: str, despues: str) -> str:
    """The cadena with one worker's SBC changed."""
    assert f"|{antes}|" in cadena or cadena.endswith(f"|{antes}||")
    return re.sub(rf"\|{re.escape(antes)}(?=\|)", f"|{despues}", cadena, count=1)


def con_fecha(cadena: str, fecha: str) -> str:
    """The cadena with another signing date and time."""
    patron = r"\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\|"
    return re.sub(patron, f"|{fecha}|", cadena, count=1)


def pagina_redibujada(texto: str) -> bytes:
    """A page drawn with reportlab by hand, saying what the forger wants."""
    salida = io.BytesIO()
    c = Canvas(salida, pagesize=(612, 792))
    c.drawString(42, 700, "Constancia de firma de la informativa")
    c.drawString(42, 680, texto)
    c.showPage()
    c.save()
    return salida.getvalue()


def firmar(
    pdf: bytes,
    generado: cf.Generated,
    cadena_certs: list[bytes],
    adjunto: dict | None,
    sellador: object | None = None,
) -> bytes:
    """``pdf`` signed (PAdES) by ``generado`` with pyHanko's SimpleSigner, ``adjunto`` (the
    JSON) embedded in the same revision; ``sellador``: a pyHanko TimeStamper (B-T)."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if adjunto is not None:
        contenido = json.dumps(adjunto, sort_keys=True, indent=1).encode("ascii")
        embed.embed_file(
            escritor,
            embed.FileSpec(
                file_spec_string=ADJUNTO,
                embedded_data=embed.EmbeddedFileObject.from_file_data(
                    escritor, contenido, mime_type="application/json"
                ),
            ),
        )
    pkcs8 = generado.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    firmante = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(generado.cer),
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c) for c in cadena_certs]
        ),
    )
    meta = signers.PdfSignatureMetadata(field_name="Firma", subfilter=fields.SigSeedSubFilter.PADES)
    salida = io.BytesIO()
    signers.PdfSigner(meta, firmante, timestamper=sellador).sign_pdf(escritor, output=salida)
    return salida.getvalue()


def json_de(cadena: str, sello_b64: str, certificado: bytes) -> dict:
    return {
        "formato": "ICSOE-CONSTANCIA",
        "version": 2,
        "cadena": cadena,
        "sello": sello_b64,
        "certificado": base64.b64encode(certificado).decode("ascii"),
    }


def ac_impostora() -> cf.Issuer:
    """A self-made CA that copies the SAT's name, with its own key."""
    return cf._issuer(
        "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA",
        "Servicio de Administracion Tributaria",
        cf.rsa_key(11),
    )


def autofirmado(rfc: str) -> cf.Generated:
    """A plain self-signed certificate whose CN (and x500UniqueIdentifier) is the RFC."""
    sujeto = cf.name(
        (cf.OID_CN, cf.UTF8, rfc.encode()),
        (cf.OID_UNIQUE_ID, cf.PRINTABLE, f"{rfc} / ".encode()),
    )
    llave = cf.rsa_key(12)
    der = cf.certificate(
        sujeto,
        llave,
        cf.Issuer(b"", llave, sujeto),
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        valid_to=datetime(2035, 1, 1, tzinfo=UTC),
        extensions=(cf.key_usage(0xC0),),
    )
    return cf.Generated(der, llave, cf.Issuer(der, llave, sujeto))
