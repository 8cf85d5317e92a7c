"""Private keys: a .key (PKCS#8, PKCS#1 or SEC1; DER or PEM; encrypted or not) opened with the
password's likely encodings, and ``load_sat_pair``, which checks that the key signs for its
certificate. The password-based encryption schemes here are shared with the .pfx reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.credentials.certificates import CertificateInfo, read_certificate
from icsoe_desktop.domain.credentials.der import (
    Malformed,
    Node,
    integer,
    items,
    octets,
    parse,
    read_oid,
)
from icsoe_desktop.domain.credentials.files import (
    Pem,
    certificate_file_der,
    file_shape,
    pem_blocks,
    require_file,
    strip_text,
    unwrap_text,
)
from icsoe_desktop.domain.credentials.messages import (
    FIELD_CERTIFICADO,
    FIELD_CONTRASENA,
    FIELD_LLAVE,
    CredentialError,
    credential_error,
    guarded_loader,
)

if TYPE_CHECKING:
    from cryptography import x509


@dataclass(frozen=True)
class Credential:
    """A certificate and the private key that belongs to it (checked when loaded)."""

    info: CertificateInfo
    private_key: Any = field(repr=False, compare=False)  # a cryptography private key object

    def private_key_pkcs8_der(self) -> bytes:
        """Unencrypted PKCS#8 DER: for the OS keyring only, never for a file."""
        from cryptography.hazmat.primitives import serialization

        der: bytes = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return der


# --- password-based encryption (of a .key, and inside a .pfx) ------------------------------------

# Encryption schemes cryptography decrypts (every one is loaded in the tests). With one of these a
# failed decryption means a wrong password; with anything else we cannot tell, and say so.
_PBES2 = "1.2.840.113549.1.5.13"
_PBKDF2 = "1.2.840.113549.1.5.12"
_SCRYPT = "1.3.6.1.4.1.11591.4.11"
_PKCS12_PBE = "1.2.840.113549.1.12.1."  # PKCS#12 PBE family (params: salt, iterations)
_PBES1_SHA1_3DES = _PKCS12_PBE + "3"
_PBES2_CIPHERS = {
    "1.2.840.113549.3.7",  # DES-EDE3-CBC (SAT)
    "2.16.840.1.101.3.4.1.2",  # AES-128-CBC
    "2.16.840.1.101.3.4.1.22",  # AES-192-CBC
    "2.16.840.1.101.3.4.1.42",  # AES-256-CBC
}
# The DEK-Info ciphers cryptography decrypts, with the length of their IV in bytes.
_DEK_CIPHERS = {"DES-EDE3-CBC": 8, "AES-128-CBC": 16, "AES-192-CBC": 16, "AES-256-CBC": 16}
# For the Spanish message of an unsupported cipher.
ALGORITHM_NAMES = {
    _PKCS12_PBE + "1": "RC4 de 128 bits",
    _PKCS12_PBE + "2": "RC4 de 40 bits",
    _PKCS12_PBE + "3": "Triple DES",
    _PKCS12_PBE + "4": "Triple DES de 2 llaves",
    _PKCS12_PBE + "5": "RC2 de 128 bits",
    _PKCS12_PBE + "6": "RC2 de 40 bits",
    "1.2.840.113549.1.5.1": "DES (MD2)",
    "1.2.840.113549.1.5.3": "DES (MD5)",
    "1.2.840.113549.1.5.4": "RC2 (MD2)",
    "1.2.840.113549.1.5.6": "RC2 (MD5)",
    "1.2.840.113549.1.5.10": "DES (SHA-1)",
    "1.2.840.113549.1.5.11": "RC2 (SHA-1)",
    "1.2.840.113549.3.7": "Triple DES",
    "1.2.840.113549.3.2": "RC2",
    "1.3.14.3.2.7": "DES",
    "2.16.840.1.101.3.4.1.2": "AES-128",
    "2.16.840.1.101.3.4.1.22": "AES-192",
    "2.16.840.1.101.3.4.1.42": "AES-256",
    "1.2.392.200011.61.1.1.1.2": "Camellia-128",
    "1.2.392.200011.61.1.1.1.3": "Camellia-192",
    "1.2.392.200011.61.1.1.1.4": "Camellia-256",
    "1.2.840.113549.1.7.3": "sobre digital (envelopedData)",
}
# A damaged or hostile file must not keep us busy for minutes; real files use 2,000 to 600,000.
_MAX_ITERATIONS = 10_000_000
_MAX_SCRYPT_COST = 2**22


@dataclass(frozen=True, slots=True)
class Scheme:
    """A password-based encryption met in a file, and whether cryptography decrypts it."""

    name: str  # for messages: the cipher's name, or its OID
    supported: bool


# --- .key files ---------------------------------------------------------------------------------

_SWAPPED_KEY = (
    "El archivo de llave privada (.key) contiene un certificado: revisa que no hayas invertido "
    "los archivos .cer y .key."
)


@dataclass(frozen=True, slots=True)
class _KeyFile:
    data: bytes  # what cryptography's loader receives: DER, or PEM for DEK-Info keys
    pem: bool
    scheme: Scheme | None  # None: not encrypted


def _key_file(data: bytes) -> _KeyFile:
    text = strip_text(data)
    if b"-----BEGIN" in text:
        return _pem_key_file(pem_blocks(text))
    der = data if data[:1] == b"\x30" else (unwrap_text(text) or data)
    return _der_key_file(der)


def _pem_key_file(blocks: list[Pem]) -> _KeyFile:
    key = next((block for block in blocks if block.label.endswith("PRIVATE KEY")), None)
    if key is None:
        if any(block.label in ("CERTIFICATE", "X509 CERTIFICATE") for block in blocks):
            raise credential_error("archivos_invertidos", FIELD_LLAVE, _SWAPPED_KEY)
        raise credential_error("llave_invalida", FIELD_LLAVE)
    if "ENCRYPTED" not in key.headers.get("Proc-Type", ""):
        # PKCS#8 (encrypted or not), PKCS#1 and SEC1: the DER inside is all that matters.
        return _der_key_file(key.der)
    # Traditional OpenSSL encryption (DEK-Info): only cryptography's PEM loader reads it.
    cipher, _, iv = key.headers.get("DEK-Info", "").partition(",")
    if not key.der or len(key.der) % 8 or not _is_hex(iv):
        raise credential_error("llave_invalida", FIELD_LLAVE)
    if len(iv) != 2 * _DEK_CIPHERS.get(cipher.upper(), len(iv) // 2):
        # A damaged header: cryptography's OpenSSL binding panics on an IV shorter than the
        # cipher's instead of raising an error.
        raise credential_error("llave_invalida", FIELD_LLAVE)
    return _KeyFile(key.block, True, Scheme(cipher, cipher.upper() in _DEK_CIPHERS))


def _is_hex(text: str) -> bool:
    return len(text) >= 16 and all(c in "0123456789abcdefABCDEF" for c in text)


def _der_key_file(der: bytes) -> _KeyFile:
    shape = file_shape(der)
    if shape == "certificate":
        raise credential_error("archivos_invertidos", FIELD_LLAVE, _SWAPPED_KEY)
    if shape == "pfx":
        raise credential_error(
            "llave_invalida",
            FIELD_LLAVE,
            "El archivo de llave privada es un .pfx: selecciónalo como certificado IMSS.",
        )
    if shape == "encrypted_key":
        return _pkcs8_encrypted(der)
    if shape == "private_key":
        return _KeyFile(parse(der).raw(), pem=False, scheme=None)
    raise credential_error("llave_invalida", FIELD_LLAVE)


def _pkcs8_encrypted(der: bytes) -> _KeyFile:
    """EncryptedPrivateKeyInfo: check its envelope before spending a key derivation on it."""
    try:
        envelope = parse(der)
        algorithm, ciphertext = items(envelope, minimum=2)[:2]
        scheme = encryption_scheme(algorithm)
        encrypted = octets(ciphertext)
        if not encrypted or len(encrypted) % 8:
            raise Malformed("ciphertext is not whole cipher blocks")
    except Malformed as exc:
        raise credential_error("llave_invalida", FIELD_LLAVE) from exc
    return _KeyFile(envelope.raw(), pem=False, scheme=scheme)


def encryption_scheme(algorithm: Node) -> Scheme:
    """The password-based encryption of an AlgorithmIdentifier, its cost checked."""
    parts = items(algorithm, minimum=1)
    oid = read_oid(parts[0])
    if oid.startswith(_PKCS12_PBE):
        check_iterations(integer(items(_parameters(parts), minimum=2)[1]))
        return Scheme(ALGORITHM_NAMES.get(oid, oid), oid == _PBES1_SHA1_3DES)
    if oid != _PBES2:
        return Scheme(ALGORITHM_NAMES.get(oid, oid), False)
    kdf, cipher = items(_parameters(parts), minimum=2)[:2]
    kdf_parts = items(kdf, minimum=1)
    kdf_oid, cipher_oid = read_oid(kdf_parts[0]), read_oid(items(cipher, minimum=1)[0])
    if kdf_oid == _PBKDF2:
        check_iterations(integer(items(kdf_parts[1], minimum=2)[1]))
    elif kdf_oid == _SCRYPT:
        cost = integer(items(kdf_parts[1], minimum=2)[1])
        if not 1 < cost <= _MAX_SCRYPT_COST:
            raise Malformed("scrypt cost out of range")
    supported = kdf_oid in (_PBKDF2, _SCRYPT) and cipher_oid in _PBES2_CIPHERS
    return Scheme(ALGORITHM_NAMES.get(cipher_oid, cipher_oid), supported)


def _parameters(algorithm_parts: list[Node]) -> Node:
    if len(algorithm_parts) < 2:
        raise Malformed("algorithm without parameters")
    return algorithm_parts[1]


def check_iterations(count: int) -> None:
    if not 0 < count <= _MAX_ITERATIONS:
        raise Malformed("iteration count out of range")


def _password_bytes(password: str) -> list[bytes]:
    """The password as UTF-8 (what we type), then cp1252 and Latin-1 (old Windows tools)."""
    candidates: list[bytes] = []
    for codec in ("utf-8", "cp1252", "latin-1"):
        try:
            encoded = password.encode(codec)
        except UnicodeEncodeError:
            continue
        if encoded not in candidates:
            candidates.append(encoded)
    return candidates


def _load_key(key: _KeyFile, password: bytes | None) -> Any:
    from cryptography.hazmat.primitives import serialization

    loader = serialization.load_pem_private_key if key.pem else serialization.load_der_private_key
    # OpenSSL's RSA consistency check (primality of p and q) is most of a .key's load time;
    # load_sat_pair signs and verifies with the certificate instead (_signs_for_certificate).
    return loader(key.data, password, unsafe_skip_rsa_key_validation=True)


def unsupported_cipher(names: str, field_name: str) -> CredentialError:
    return credential_error(
        "cifrado_no_soportado",
        field_name,
        f"El archivo está cifrado con un algoritmo que no se puede leer ({names}). Expórtalo de "
        "nuevo con cifrado AES o Triple DES.",
    )


def _decrypt_key(key: _KeyFile, password: str) -> Any:
    from cryptography.exceptions import UnsupportedAlgorithm

    if key.scheme is None:
        try:
            return _load_key(key, None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise credential_error("llave_invalida", FIELD_LLAVE) from exc
    if not password:
        raise credential_error(
            "contrasena_incorrecta",
            FIELD_CONTRASENA,
            "La llave privada está protegida con contraseña: captúrala.",
        )
    for candidate in _password_bytes(password):  # one decryption each, stop at the first
        try:
            return _load_key(key, candidate)
        except UnsupportedAlgorithm as exc:
            raise unsupported_cipher(key.scheme.name, FIELD_LLAVE) from exc
        except (ValueError, TypeError):
            # The envelope was checked: with a known scheme this is the password. (3DES-CBC lets
            # a wrong password through the padding check now and then; the DER inside then fails.)
            continue
    if not key.scheme.supported:
        raise unsupported_cipher(key.scheme.name, FIELD_LLAVE)
    raise credential_error("contrasena_incorrecta", FIELD_CONTRASENA)


def same_public_key(spki: bytes, private_key: Any) -> bool:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        return bool(load_der_public_key(spki) == private_key.public_key())
    except (ValueError, UnsupportedAlgorithm):  # a public key type we cannot read
        return False


def public_key_der(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@guarded_loader("llave_invalida", FIELD_LLAVE)
def load_sat_pair(cer: bytes, key: bytes, password: str) -> Credential:
    """A FIEL or CSD: the .cer, its .key and the key's password, checked to belong together.

    An expired certificate still loads: ``info.estado()`` tells, the caller decides.
    """
    cert_der = certificate_file_der(require_file(cer, FIELD_CERTIFICADO))
    key_file = _key_file(require_file(key, FIELD_LLAVE))
    info, raw = read_certificate(cert_der, FIELD_CERTIFICADO)
    private_key = _decrypt_key(key_file, password)
    if not same_public_key(raw.spki, private_key):
        raise credential_error("llave_no_corresponde", FIELD_LLAVE)
    if not _signs_for_certificate(raw.spki, private_key):
        raise credential_error("llave_invalida", FIELD_LLAVE)
    return Credential(info, private_key)


def _signs_for_certificate(spki: bytes, private_key: Any) -> bool:
    """An RSA key loaded without OpenSSL's check: what it signs must verify with the
    certificate's public key (damaged private parts behind the right modulus would not)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    if not isinstance(private_key, rsa.RSAPrivateKey):
        return True  # only RSA keys skip the check when loaded
    message = b"icsoe-desktop: prueba de la llave privada"
    signature = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    public_key = load_der_public_key(spki)
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False  # same_public_key() has already refused it
    try:
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
