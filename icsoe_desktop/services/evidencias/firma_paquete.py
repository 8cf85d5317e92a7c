"""The pack's signature: the contratista's e.firma over the pack's list of SHA-256
(``huellas.sha256``), as a detached CMS (PKCS #7) beside it inside the ZIP
(``huellas.sha256.p7s``). The list names every member with its SHA-256 (the index too), so the
signature binds them all; a client checks it with the SAT's authorities alone
(``evidencias verificar``, or ``openssl cms -verify -binary -inform DER``).

Made with ``cryptography``'s PKCS #7 builder; read back with asn1crypto and verified with
``cryptography`` (as services/sync/autenticode.py does), the signer's chain by
``domain.trust`` against the emisores confiables."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icsoe_desktop.domain.errors import ValidationError

_DATA = "1.2.840.113549.1.7.1"


@dataclass(frozen=True)
class Firmante:
    """The certificate whose key signed, the others the signature carried, and the signing
    time it states (the signer's clock: not proven)."""

    certificado_der: bytes
    incluidos: tuple[bytes, ...]
    fecha: datetime | None


def firmar(datos: bytes, llave: Any, certificado_der: bytes, cadena: Sequence[bytes]) -> bytes:
    """A detached CMS SignedData (DER) over ``datos``, SHA-256, with the signer's certificate
    and its issuers (``cadena``) inside: any reader builds the path to the SAT's root."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    constructor = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(datos)
        .add_signer(x509.load_der_x509_certificate(certificado_der), llave, hashes.SHA256())
    )
    for der in cadena:
        constructor = constructor.add_certificate(x509.load_der_x509_certificate(der))
    return constructor.sign(
        serialization.Encoding.DER,
        [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
    )


def _invalida(detalle: str) -> ValidationError:
    return ValidationError(
        "paquete_firma_invalida",
        f"La firma del paquete no corresponde a su lista de archivos: {detalle} Alguien cambió "
        "el paquete después de firmarse; pide al contratista uno nuevo.",
    )


def verificar(firma: bytes, datos: bytes) -> Firmante:
    """The signer of ``firma`` over ``datos`` (SHA-256 and its key checked; who it is, by the
    caller against the emisores confiables). ValidationError when it is not a signature over
    these bytes."""
    try:
        return _verificar(firma, datos)
    except ValidationError:
        raise
    except Exception as exc:  # asn1crypto's and cryptography's errors on a malformed structure
        raise _invalida("la firma está dañada.") from exc


def _verificar(firma: bytes, datos: bytes) -> Firmante:
    from asn1crypto import cms
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    info = cms.ContentInfo.load(firma)
    signed = info["content"]
    signer = signed["signer_infos"][0]
    sid = signer["sid"]
    if (
        info["content_type"].native != "signed_data"
        or len(signed["signer_infos"]) != 1
        or signed["encap_content_info"]["content"].native
        or signer["digest_algorithm"]["algorithm"].native != "sha256"
        or sid.name != "issuer_and_serial_number"
    ):
        raise _invalida("no es una firma separada SHA-256 de un solo firmante.")
    certificados = [
        c.chosen.dump() for c in signed["certificates"] or [] if c.name == "certificate"
    ]
    serie = sid.chosen["serial_number"].native
    emisor = sid.chosen["issuer"].dump()
    propios = [
        der
        for der in certificados
        if (c := x509.load_der_x509_certificate(der)).serial_number == serie
        and c.issuer.public_bytes() == emisor
    ]
    atributos = signer["signed_attrs"]
    valores: dict[str, list[Any]] = {}
    for atributo in atributos:
        valores.setdefault(atributo["type"].native, []).extend(atributo["values"])
    tipo = valores.get("content_type", [])
    resumen = valores.get("message_digest", [])
    if (
        len(tipo) != 1
        or tipo[0].dotted != _DATA
        or len(resumen) != 1
        or bytes(resumen[0].native) != hashlib.sha256(datos).digest()
    ):
        raise _invalida("la lista cambió después de firmarse.")
    # The SAT issues e.firmas with RSA keys only.
    clave = x509.load_der_x509_certificate(propios[0]).public_key() if propios else None
    if not isinstance(clave, rsa.RSAPublicKey):
        raise _invalida("no trae el certificado RSA de quien firmó.")
    # The signature is over the attributes' DER as a SET (their [0] tag replaced).
    firmado = b"\x31" + atributos.dump()[1:]
    try:
        clave.verify(
            bytes(signer["signature"].native), firmado, padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature as exc:
        raise _invalida("el sello no es de la llave de su certificado.") from exc
    fechas = valores.get("signing_time", [])
    fecha = fechas[0].native if len(fechas) == 1 else None
    return Firmante(propios[0], tuple(d for d in certificados if d != propios[0]), fecha)


__all__ = ["Firmante", "firmar", "verificar"]
