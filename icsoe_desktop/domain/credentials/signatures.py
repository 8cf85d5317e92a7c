"""Who signed a certificate: decided by key and signature, never by name (AC6's names are
mis-encoded in the certificate itself). ``domain/trust.py`` builds the chains of trust on it."""

from __future__ import annotations

from icsoe_desktop.domain.credentials.certificates import (
    CertificateInfo,
    RawCertificate,
    raw_certificate,
)
from icsoe_desktop.domain.credentials.der import Malformed, Node, integer, items, parse, read_oid
from icsoe_desktop.domain.credentials.files import certificate_file_der

_RSA_SIGNATURES = {
    "1.2.840.113549.1.1.4": "MD5",  # AC0/ARC0 (2004): expired, kept to recognise old certificates
    "1.2.840.113549.1.1.5": "SHA1",
    "1.2.840.113549.1.1.14": "SHA224",
    "1.2.840.113549.1.1.11": "SHA256",
    "1.2.840.113549.1.1.12": "SHA384",
    "1.2.840.113549.1.1.13": "SHA512",
}
_ECDSA_SIGNATURES = {
    "1.2.840.10045.4.1": "SHA1",
    "1.2.840.10045.4.3.1": "SHA224",
    "1.2.840.10045.4.3.2": "SHA256",
    "1.2.840.10045.4.3.3": "SHA384",
    "1.2.840.10045.4.3.4": "SHA512",
}
_RSA_PSS = "1.2.840.113549.1.1.10"
_DIGESTS = {
    "1.3.14.3.2.26": "SHA1",
    "2.16.840.1.101.3.4.2.4": "SHA224",
    "2.16.840.1.101.3.4.2.1": "SHA256",
    "2.16.840.1.101.3.4.2.2": "SHA384",
    "2.16.840.1.101.3.4.2.3": "SHA512",
}


def _pss(parameters: list[Node]) -> tuple[str, int]:
    """RSASSA-PSS parameters: (hash name, salt length); defaults SHA-1 and 20 (RFC 4055)."""
    hash_name, salt = "SHA1", 20
    for part in parameters:
        if part.tag == 0xA0:
            hash_name = _DIGESTS[read_oid(items(part.children()[0])[0])]
        elif part.tag == 0xA2:
            salt = integer(part.children()[0])
    return hash_name, salt


def verify_signature(signer_spki: bytes, raw: RawCertificate) -> None:
    """Raises unless the key in ``signer_spki`` signed ``raw``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    public_key = load_der_public_key(signer_spki)
    parts = items(raw.signature_algorithm, minimum=1)
    algorithm = read_oid(parts[0])
    if isinstance(public_key, rsa.RSAPublicKey) and algorithm in _RSA_SIGNATURES:
        digest = getattr(hashes, _RSA_SIGNATURES[algorithm])()
        public_key.verify(raw.signature, raw.tbs, padding.PKCS1v15(), digest)
    elif isinstance(public_key, rsa.RSAPublicKey) and algorithm == _RSA_PSS:
        hash_name, salt = _pss(items(parts[1]) if len(parts) > 1 else [])
        digest = getattr(hashes, hash_name)()
        public_key.verify(raw.signature, raw.tbs, padding.PSS(padding.MGF1(digest), salt), digest)
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and algorithm in _ECDSA_SIGNATURES:
        digest = getattr(hashes, _ECDSA_SIGNATURES[algorithm])()
        public_key.verify(raw.signature, raw.tbs, ec.ECDSA(digest))
    else:
        raise Malformed(f"signature algorithm {algorithm} with this key")


def signed_by(certificate_der: bytes, issuer_der: bytes) -> bool:
    """True when ``issuer_der``'s public key verifies ``certificate_der``'s signature (both DER).

    Only key and signature count, never names: AC6's names are mis-encoded in the certificate
    itself. Any failure (unreadable file, other key type, bad signature) is False.
    """
    try:
        issuer = raw_certificate(parse(issuer_der).raw())
        verify_signature(issuer.spki, raw_certificate(parse(certificate_der).raw()))
    except Exception:  # unreadable, mismatched key type, bad signature: all "no"
        return False
    return True


def is_issued_by(info: CertificateInfo, issuer_cert_der: bytes) -> bool:
    """``signed_by`` for a loaded certificate and an issuer file (DER, PEM or base64)."""
    try:
        issuer_der = certificate_file_der(issuer_cert_der)
    except Exception:
        return False
    return signed_by(info.certificado_der, issuer_der)
