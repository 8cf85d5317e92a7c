"""The sello of a cadena original: RSA PKCS#1 v1.5 over SHA-256 of its UTF-8 bytes, in base64,
as the SAT's sellos are, and its verification with the signer's certificate.

The private key is the one ``load_sat_pair`` returns (``Credential.private_key``), already
checked to sign for its certificate. Certificates are read with the credentials engine's own
DER reader, which takes the SAT's certificates that ``cryptography`` refuses (AC6's names).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from icsoe_desktop.domain.credentials.certificates import raw_certificate
from icsoe_desktop.domain.credentials.der import parse
from icsoe_desktop.domain.credentials.files import certificate_file_der
from icsoe_desktop.domain.errors import ValidationError


def sellar(cadena: str, llave_privada: Any) -> str:
    """The base64 sello of ``cadena`` with the e.firma's RSA private key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if not isinstance(llave_privada, rsa.RSAPrivateKey):
        raise ValidationError(
            "sello_llave_no_rsa",
            "La llave privada no es de tipo RSA, como las de la e.firma del SAT: no puede sellar.",
        )
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    try:
        digesto = sha256_utf8(cadena).digest()
    except (AttributeError, TypeError, UnicodeEncodeError) as exc:
        raise ValidationError(
            "sello_cadena_invalida", "La cadena original contiene caracteres no válidos."
        ) from exc
    firma = llave_privada.sign(digesto, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    return base64.b64encode(firma).decode("ascii")


_TRAMO = 1 << 20  # characters encoded at a time


def sha256_utf8(texto: str) -> hashlib._Hash:
    """SHA-256 of ``texto``'s UTF-8, encoded a piece at a time: a staffing firm's cadena is
    tens of MB, and its bytes whole would be as many more (the same digest: UTF-8 encodes
    each character apart)."""
    if not isinstance(texto, str):
        raise TypeError("texto")
    suma = hashlib.sha256()
    for inicio in range(0, len(texto), _TRAMO):
        suma.update(texto[inicio : inicio + _TRAMO].encode("utf-8"))
    return suma


def verificar_sello(cadena: str, sello: str, certificado_der: bytes) -> bool:
    """True when ``sello`` is the sello of ``cadena`` by the key of ``certificado_der`` (DER, or
    a .cer as PEM or base64 text). Anything malformed is False, never an exception."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        firma = base64.b64decode(sello, validate=True)
        # Only the canonical spelling: base64 has others for the same bytes, and a sello that
        # differs by one character from the one issued must not verify.
        if not firma or base64.b64encode(firma).decode("ascii") != sello:
            return False
        der = certificate_file_der(certificado_der)
        llave = load_der_public_key(raw_certificate(parse(der).raw()).spki)
        if not isinstance(llave, rsa.RSAPublicKey):
            return False
        digesto = sha256_utf8(cadena).digest()
        llave.verify(firma, digesto, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    except Exception:  # wrong type, bad base64, unreadable certificate, bad signature: all "no"
        return False
    return True
