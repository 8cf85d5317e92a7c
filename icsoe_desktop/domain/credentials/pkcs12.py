"""PKCS#12 (.pfx): an IMSS certificate read with its key (our own MAC check tells a wrong
password from a damaged file before any decryption), and a FIEL written as one (Generar .pfx).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from icsoe_desktop.domain.credentials.certificates import read_certificate
from icsoe_desktop.domain.credentials.der import (
    Malformed,
    Node,
    integer,
    items,
    octets,
    parse,
    read_oid,
)
from icsoe_desktop.domain.credentials.files import file_shape, require_file, strip_text, unwrap_text
from icsoe_desktop.domain.credentials.keys import (
    ALGORITHM_NAMES,
    Credential,
    Scheme,
    check_iterations,
    encryption_scheme,
    public_key_der,
    same_public_key,
    unsupported_cipher,
)
from icsoe_desktop.domain.credentials.messages import (
    FIELD_CERTIFICADO,
    FIELD_CONTRASENA,
    FIELD_PFX,
    CredentialError,
    credential_error,
    guarded_loader,
)
from icsoe_desktop.domain.credentials.usuario import IMSS_MAX, IMSS_MIN, meets_imss_rule

_OID_DATA = "1.2.840.113549.1.7.1"
_OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_MAC_HASHES = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "1.2.840.113549.2.5": "md5",
}
# Our own MAC check runs in Python: past this, leave the MAC to OpenSSL.
_MAX_PYTHON_MAC_ITERATIONS = 200_000


@dataclass(frozen=True, slots=True)
class _Mac:
    hash_name: str | None  # None: a MAC we do not compute (PBMAC1, GOST…)
    digest: bytes
    salt: bytes
    iterations: int


@dataclass(frozen=True, slots=True)
class _PfxLayout:
    """The unencrypted frame of a .pfx: enough to tell damage from a wrong password."""

    auth_safe: bytes  # what the MAC covers
    mac: _Mac | None
    schemes: tuple[Scheme, ...]  # every encryption met (outer encryptedData, shrouded keys)


def _content_info(node: Node) -> tuple[str, Node | None]:
    parts = items(node, minimum=1)
    content = items(parts[1], 0xA0, 1)[0] if len(parts) > 1 else None
    return read_oid(parts[0]), content


def _pfx_layout(der: bytes) -> _PfxLayout:
    parts = items(parse(der), minimum=2)
    if integer(parts[0]) != 3:
        raise Malformed("not PKCS#12 version 3")
    content_type, content = _content_info(parts[1])
    if content_type != _OID_DATA or content is None:  # public-key integrity mode: not for us
        raise Malformed("authSafe is not data")
    auth_safe = octets(content)
    schemes: list[Scheme] = []
    for info in items(parse(auth_safe)):
        schemes.extend(_safe_schemes(info))
    mac = _mac_data(parts[2]) if len(parts) > 2 else None
    return _PfxLayout(auth_safe, mac, tuple(schemes))


def _safe_schemes(info: Node) -> Iterator[Scheme]:
    content_type, content = _content_info(info)
    if content is None:
        raise Malformed("empty ContentInfo")
    if content_type == _OID_DATA:
        for bag in items(parse(octets(content))):
            bag_parts = items(bag, minimum=2)
            if read_oid(bag_parts[0]) == _OID_SHROUDED_KEY_BAG:
                envelope = items(items(bag_parts[1], 0xA0, 1)[0], minimum=2)
                yield encryption_scheme(envelope[0])
    elif content_type == _OID_ENCRYPTED_DATA:
        encrypted = items(items(content, minimum=2)[1], minimum=3)
        yield encryption_scheme(encrypted[1])
    else:  # envelopedData and the like: encrypted to a public key, not with a password
        yield Scheme(ALGORITHM_NAMES.get(content_type, content_type), False)


def _mac_data(node: Node) -> _Mac:
    digest_info, salt, *rest = items(node, minimum=2)
    algorithm, digest = items(digest_info, minimum=2)
    iterations = integer(rest[0]) if rest else 1
    check_iterations(iterations)
    hash_name = _MAC_HASHES.get(read_oid(items(algorithm, minimum=1)[0]))
    return _Mac(hash_name, octets(digest), octets(salt), iterations)


def _pkcs12_mac_key(hash_name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
    """RFC 7292 appendix B.2 with ID 3 (MAC), one hash block long: all an HMAC key needs."""
    new = getattr(hashlib, hash_name)
    block = new().block_size

    def fill(data: bytes) -> bytes:
        size = block * -(-len(data) // block)
        return (data * (size // len(data) + 1))[:size] if data else b""

    digest: bytes = new(bytes([3]) * block + fill(salt) + fill(password)).digest()
    for _ in range(iterations - 1):
        digest = new(digest).digest()
    return digest


def _bmp(password: str) -> bytes:
    """A PKCS#12 password: BMPString with a terminating NUL."""
    return (password + "\0").encode("utf-16-be", errors="surrogatepass")


def _mac_password(layout: _PfxLayout, candidates: list[str]) -> str | None:
    """The candidate the MAC accepts; "" also for an absent password (no BMP at all)."""
    mac = layout.mac
    assert mac is not None and mac.hash_name is not None  # see _mac_checkable
    for candidate, bmp in [*((c, _bmp(c)) for c in candidates), ("", b"")]:
        key = _pkcs12_mac_key(mac.hash_name, bmp, mac.salt, mac.iterations)
        if hmac.compare_digest(hmac.new(key, layout.auth_safe, mac.hash_name).digest(), mac.digest):
            return candidate
    return None


def _pkcs12_passwords(password: str | None) -> list[str]:
    """What the password may have been turned into when the .pfx was written.

    OpenSSL and cryptography take the UTF-8 text; a Windows tool that encoded it as cp1252
    produced the characters of those bytes, and OpenSSL 1.0 did the same with UTF-8 bytes.
    An empty password is tried last: a .pfx without one opens whatever the user types.
    """
    candidates = [password] if password else []
    for codec in ("cp1252", "utf-8"):
        try:
            variant = (password or "").encode(codec).decode("latin-1")
        except UnicodeEncodeError:
            continue
        if variant and variant not in candidates:
            candidates.append(variant)
    candidates.append("")
    return candidates


def _pfx_der(data: bytes) -> bytes:
    der = data if data[:1] == b"\x30" else (unwrap_text(strip_text(data)) or data)
    shape = file_shape(der)
    if shape == "certificate":
        raise credential_error(
            "pfx_invalido",
            FIELD_PFX,
            "El archivo es un certificado (.cer), no un .pfx: para la e.firma selecciona el "
            ".cer y su llave privada (.key).",
        )
    if shape in ("encrypted_key", "private_key"):
        raise credential_error(
            "pfx_invalido", FIELD_PFX, "El archivo es una llave privada (.key), no un .pfx."
        )
    return der


def _open_pkcs12(der: bytes, password: str) -> tuple[Any, Any, list[Any]]:
    from cryptography.hazmat.primitives.serialization import pkcs12

    # cryptography gives "" to OpenSSL for None too, and OpenSSL then tries both absent and empty.
    return pkcs12.load_key_and_certificates(der, password.encode("utf-8", "surrogatepass"))


def _unlock_pfx(der: bytes, layout: _PfxLayout, password: str | None) -> tuple[Any, Any, list[Any]]:
    """Open the .pfx with the right candidate password, or explain why it cannot be opened."""
    from cryptography.exceptions import UnsupportedAlgorithm

    candidates = _pkcs12_passwords(password)
    verified = _mac_checkable(layout)
    if verified:
        # The MAC tells which candidate is right, or that none is, before any decryption.
        right = _mac_password(layout, candidates)
        if right is None:
            raise _wrong_pfx_password(password)
        candidates = [right]
    for candidate in candidates:
        try:
            return _open_pkcs12(der, candidate)
        except UnsupportedAlgorithm as exc:
            raise unsupported_cipher(_scheme_names(layout), FIELD_PFX) from exc
        except (ValueError, TypeError):  # OpenSSL's "Invalid password or PKCS12 data"
            continue
    if verified:  # the password is right: the cipher or the inside is at fault
        if any(not scheme.supported for scheme in layout.schemes):
            raise unsupported_cipher(_scheme_names(layout), FIELD_PFX)
        raise credential_error("pfx_invalido", FIELD_PFX)
    if layout.schemes:  # no MAC we can compute: a wrong password is the likely cause
        raise _wrong_pfx_password(password)
    raise credential_error("pfx_invalido", FIELD_PFX)


def _mac_checkable(layout: _PfxLayout) -> bool:
    mac = layout.mac
    if mac is None or mac.hash_name is None:
        return False
    return mac.iterations <= _MAX_PYTHON_MAC_ITERATIONS


def _scheme_names(layout: _PfxLayout) -> str:
    """The ciphers to blame: the unsupported ones when there are any."""
    blamed = [s for s in layout.schemes if not s.supported] or list(layout.schemes)
    return ", ".join(sorted({scheme.name for scheme in blamed})) or "?"


def _wrong_pfx_password(password: str | None) -> CredentialError:
    if not password:
        return credential_error(
            "contrasena_incorrecta",
            FIELD_CONTRASENA,
            "El archivo .pfx está protegido con contraseña: captúrala.",
        )
    return credential_error(
        "contrasena_incorrecta", FIELD_CONTRASENA, "La contraseña del .pfx es incorrecta."
    )


@guarded_loader("pfx_invalido", FIELD_PFX)
def load_pfx(pfx: bytes, password: str | None) -> Credential:
    """An IMSS certificate (or a FIEL/CSD exported) as PKCS#12; ``tipo`` says which."""
    from cryptography.hazmat.primitives import serialization

    der = _pfx_der(require_file(pfx, FIELD_PFX))
    try:
        layout = _pfx_layout(der)
    except Malformed as exc:
        raise credential_error("pfx_invalido", FIELD_PFX) from exc
    private_key, cert, additional = _unlock_pfx(der, layout, password)
    if private_key is None:
        raise credential_error("pfx_sin_llave", FIELD_PFX)
    certificates = [c for c in (cert, *additional) if c is not None]
    if not certificates:
        raise credential_error(
            "pfx_invalido", FIELD_PFX, "El archivo .pfx no contiene el certificado."
        )
    mine = next((c for c in certificates if same_public_key(public_key_der(c), private_key)), None)
    if mine is None:
        raise credential_error(
            "llave_no_corresponde",
            FIELD_PFX,
            "La llave privada del .pfx no corresponde a su certificado.",
        )
    info, _ = read_certificate(mine.public_bytes(serialization.Encoding.DER), FIELD_PFX)
    return Credential(info, private_key)


def check_pfx_password(password: str) -> None:
    """The new .pfx password follows the guide's rule for the IMSS certificate."""
    if not meets_imss_rule(password):
        raise credential_error(
            "contrasena_invalida",
            "contrasena_pfx",
            f"La contraseña del .pfx debe tener de {IMSS_MIN} a {IMSS_MAX} caracteres, sólo "
            "letras y números.",
        )


def export_pfx(credential: Credential, password: str) -> bytes:
    """A .pfx (PKCS#12) of the certificate and its key, for PACs and portals that ask for one.

    The password follows the guide's rule for the IMSS certificate (8 to 20 letters and digits).
    Encrypted with PBES1 SHA-1/3DES and a SHA-1 MAC, as the SAT's and IMSS's own tools do: the
    one choice every Windows and Java reader opens (AES .pfx files fail on older ones).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    check_pfx_password(password)
    try:
        cert = x509.load_der_x509_certificate(credential.info.certificado_der)
    except ValueError as exc:  # names cryptography refuses to write back
        raise credential_error(
            "certificado_no_exportable",
            FIELD_CERTIFICADO,
            "Este certificado no se puede guardar como .pfx con esta aplicación.",
        ) from exc
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(password.encode("utf-8"))
    )
    friendly = (credential.info.rfc or credential.info.no_certificado).encode("ascii", "replace")
    return pkcs12.serialize_key_and_certificates(
        friendly, credential.private_key, cert, None, encryption
    )
