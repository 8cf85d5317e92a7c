"""Credentials for tests, made on the fly: SAT-like e.firma (FIEL) and CSD pairs, IMSS-like .pfx
files and every key and .pfx encryption variant the engine must read.

Certificates are crafted as DER here (not with ``cryptography``'s builder) so that they look like
SAT's: the RFC in x500UniqueIdentifier as a PrintableString, the CURP in serialNumber, the serial
number's octets ASCII digits, and optionally a name with Ñ as a Latin-1 byte in a T61String.
The formats ``cryptography`` cannot write (DES-EDE3 DEK-Info, PBES1, RC2-40 .pfx) come from the
``openssl`` command (``apt-get install openssl``; .ci/run installs it).

RSA keys are slow to make, so they come from a per-process pool (``rsa_key(slot)``); every test
of a session shares them. Typical use, GUI tests included::

    from tests import credentials_factory as cf

    fiel = cf.fiel_moral()                       # a valid e.firma of a persona moral
    cer_path, key_path = fiel.write(tmp_path)    # SAT-style .cer and .key, password cf.PASSWORD
    imss = cf.imss_certificate()
    pfx_path = tmp_path / "imss.pfx"
    pfx_path.write_bytes(cf.pfx_modern(imss, cf.IMSS_PASSWORD))
    expired = cf.fiel_fisica(valid_from=cf.days_from_now(-1500), valid_to=cf.days_from_now(-10))
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "Contraseña2026"  # e.firma password with an accent: 8 to 255 characters
IMSS_USUARIO = "imssuser01"
IMSS_PASSWORD = "Imss2026pfx"  # IMSS: 8 to 20 letters and digits

RFC_MORAL = "EDE0101018A2"
RFC_FISICA = "HEGT7610034S2"
CURP_FISICA = "HEGT761003HDFRNN09"
NOMBRE_MORAL = "EMPRESA DEMO SA DE CV"
NOMBRE_FISICA = "TOMAS HERNANDEZ GONZALEZ"
NO_CERTIFICADO = "00001000000712345678"
# A razón social with a comma, as the SAT writes most of them (CSV and name parsing trap).
NOMBRE_CON_COMA = "CONSTRUCTORA DEL NORTE, S.A. DE C.V."

# --- DER ----------------------------------------------------------------------------------------


def tlv(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + content


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def set_of(*items: bytes) -> bytes:
    return tlv(0x31, b"".join(sorted(items)))


def oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def integer(value: int) -> bytes:
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def octets(data: bytes) -> bytes:
    return tlv(0x04, data)


NULL = b"\x05\x00"
PRINTABLE, UTF8, T61 = 0x13, 0x0C, 0x14

OID_CN, OID_SERIAL_NUMBER, OID_O, OID_OU = "2.5.4.3", "2.5.4.5", "2.5.4.10", "2.5.4.11"
OID_NAME, OID_UNIQUE_ID, OID_EMAIL = "2.5.4.41", "2.5.4.45", "1.2.840.113549.1.9.1"
OID_CLIENT_AUTH, OID_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"


def name(*attributes: tuple[str, int, bytes]) -> bytes:
    """A Name with one attribute per RDN: (OID, string tag, value octets exactly as written)."""
    return seq(*(set_of(seq(oid(a), tlv(tag, value))) for a, tag, value in attributes))


def _time(moment: datetime) -> bytes:
    if moment.year < 2050:
        return tlv(0x17, moment.strftime("%y%m%d%H%M%SZ").encode())
    return tlv(0x18, moment.strftime("%Y%m%d%H%M%SZ").encode())


def _extension(dotted: str, value: bytes, critical: bool = False) -> bytes:
    return seq(oid(dotted), b"\x01\x01\xff" if critical else b"", octets(value))


def eku(*usages: str) -> bytes:
    return _extension("2.5.29.37", seq(*(oid(u) for u in usages)))


def key_usage(bits: int) -> bytes:
    """KeyUsage with the first eight bits given as an integer (0x80 = digitalSignature)."""
    return _extension("2.5.29.15", tlv(0x03, bytes([0, bits])), critical=True)


# --- keys and issuers -----------------------------------------------------------------------------


@functools.cache
def rsa_key(slot: int = 0) -> rsa.RSAPrivateKey:
    """RSA 2048 keys, one per slot, made once per process (they take ~0.1 s each)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def ec_key(slot: int = 0) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def days_from_now(days: float) -> datetime:
    """Now plus ``days``, UTC, whole seconds (what a certificate can hold)."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


@dataclass(frozen=True)
class Issuer:
    certificate_der: bytes
    key: Any
    name_der: bytes


def _issuer(common_name: str, organization: str, key: Any) -> Issuer:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(days_from_now(-3650))
        .not_valid_after(days_from_now(3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issuer(cert.public_bytes(serialization.Encoding.DER), key, subject.public_bytes())


@functools.cache
def sat_ca() -> Issuer:
    """Stands for the SAT's "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA"."""
    return _issuer(
        "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA",
        "Servicio de Administracion Tributaria",
        rsa_key(0),
    )


@functools.cache
def imss_ca() -> Issuer:
    return _issuer("AC IMSS PRUEBAS", "Instituto Mexicano del Seguro Social", rsa_key(1))


@functools.cache
def ec_ca() -> Issuer:
    """An issuer with an ECDSA key, for signature checks."""
    return _issuer("AC ECDSA PRUEBAS", "Pruebas", ec_key(0))


def extension(dotted: str, value: bytes, critical: bool = False) -> bytes:
    """One DER extension: its OID, critical flag and value (already DER)."""
    return _extension(dotted, value, critical)


def ca_extensions() -> tuple[bytes, ...]:
    """basicConstraints cA=TRUE, pathLen 0 (critical) and keyCertSign + cRLSign: an AC's."""
    return _extension("2.5.29.19", seq(b"\x01\x01\xff", integer(0)), critical=True), key_usage(0x06)


def intermediate_ca(subject: bytes, key: Any, signer: Issuer) -> Issuer:
    """An AC over a raw subject (any bytes: SAT's names), signed by ``signer``'s key."""
    der = certificate(
        subject,
        key,
        signer,
        serial=b"\x01" + os.urandom(8),
        valid_from=days_from_now(-3000),
        valid_to=days_from_now(3000),
        extensions=ca_extensions(),
    )
    return Issuer(der, key, subject)


def self_signed_ca(subject: bytes, key: Any) -> Issuer:
    """A root over a raw subject: issuer = subject, signed with its own key."""
    return intermediate_ca(subject, key, Issuer(b"", key, subject))


@functools.cache
def arc_root() -> Issuer:
    """Stands for Banco de México's "AGENCIA REGISTRADORA CENTRAL" (a root)."""
    return _issuer("AGENCIA REGISTRADORA CENTRAL PRUEBAS", "BANCO DE MEXICO", rsa_key(6))


@functools.cache
def sat_ac() -> Issuer:
    """An AC of the SAT signed by ``arc_root``: leaf → AC → ARC, like production."""
    subject = name(
        (OID_CN, UTF8, b"AC DEL SAT PRUEBAS"),
        (OID_O, UTF8, b"SERVICIO DE ADMINISTRACION TRIBUTARIA"),
    )
    return intermediate_ca(subject, rsa_key(7), arc_root())


# --- certificates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """A certificate and its key, with what the engine should read from it."""

    cer: bytes  # DER
    private_key: Any
    issuer: Issuer
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.cer)

    def key(self, password: str | bytes = PASSWORD) -> bytes:
        """The .key as the SAT issues it: PKCS#8 DER, PBES2 / PBKDF2-SHA1 / DES-EDE3-CBC."""
        return key_sat(self.private_key, password)

    def write(self, directory: Path, password: str | bytes = PASSWORD) -> tuple[Path, Path]:
        """``<rfc>.cer`` and ``<rfc>.key`` in ``directory``: what a user picks in the window."""
        directory.mkdir(parents=True, exist_ok=True)
        stem = self.expected.get("rfc") or "certificado"
        cer_path, key_path = directory / f"{stem}.cer", directory / f"{stem}.key"
        cer_path.write_bytes(self.cer)
        key_path.write_bytes(self.key(password))
        return cer_path, key_path


def certificate(
    subject: bytes,
    key: Any,
    issuer: Issuer,
    *,
    serial: bytes = NO_CERTIFICADO.encode(),
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    extensions: tuple[bytes, ...] = (),
) -> bytes:
    """A v3 certificate DER over an already-encoded subject, signed by ``issuer``."""
    if isinstance(issuer.key, ec.EllipticCurvePrivateKey):
        algorithm = seq(oid("1.2.840.10045.4.3.2"))  # ecdsa-with-SHA256
    else:
        algorithm = seq(oid("1.2.840.113549.1.1.11"), NULL)  # sha256WithRSAEncryption
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    tbs = seq(
        tlv(0xA0, integer(2)),
        tlv(0x02, serial),
        algorithm,
        issuer.name_der,
        seq(_time(valid_from or days_from_now(-30)), _time(valid_to or days_from_now(1400))),
        subject,
        spki,
        tlv(0xA3, seq(*extensions)) if extensions else b"",
    )
    if isinstance(issuer.key, ec.EllipticCurvePrivateKey):
        signature = issuer.key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    else:
        signature = issuer.key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    return seq(tbs, algorithm, tlv(0x03, b"\x00" + signature))


def _text(value: str, latin1_t61: bool) -> tuple[int, bytes]:
    return (T61, value.encode("latin-1")) if latin1_t61 else (UTF8, value.encode("utf-8"))


def _fiel_extensions() -> tuple[bytes, ...]:
    # digitalSignature, nonRepudiation, dataEncipherment, keyAgreement; clientAuth + email.
    return key_usage(0xD8), eku(OID_EMAIL_PROTECTION, OID_CLIENT_AUTH)


def fiel_moral(
    *,
    rfc: str = RFC_MORAL,
    rfc_representante: str = RFC_FISICA,
    curp_representante: str = CURP_FISICA,
    nombre: str = NOMBRE_MORAL,
    latin1_t61: bool = False,
    key_slot: int = 2,
    issuer: Issuer | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    serial: bytes = NO_CERTIFICADO.encode(),
    extra_extensions: tuple[bytes, ...] = (),
) -> Generated:
    """An e.firma of a persona moral as the SAT writes it (representante in the "/ " halves).

    ``latin1_t61``: the name as a T61String with Latin-1 octets (SAT's Ñ), which
    ``cryptography`` refuses to decode. ``extra_extensions``: DER extensions added to the
    e.firma's own (a CRL distribution point...).
    """
    tag, value = _text(nombre, latin1_t61)
    subject = name(
        (OID_CN, tag, value),
        (OID_NAME, tag, value),
        (OID_O, tag, value),
        (OID_EMAIL, 0x16, b"contacto@empresa.com.mx"),
        (OID_UNIQUE_ID, PRINTABLE, f"{rfc} / {rfc_representante}".encode()),
        (OID_SERIAL_NUMBER, PRINTABLE, f" / {curp_representante}".encode()),
    )
    return _generated(
        subject,
        key_slot,
        issuer or sat_ca(),
        serial,
        valid_from,
        valid_to,
        _fiel_extensions() + extra_extensions,
        rfc=rfc,
        persona="moral",
        curp=None,
        rfc_representante=rfc_representante,
        curp_representante=curp_representante,
        nombre=nombre,
        tipo="FIEL",
        sucursal=None,
    )


def fiel_fisica(
    *,
    rfc: str = RFC_FISICA,
    curp: str = CURP_FISICA,
    nombre: str = NOMBRE_FISICA,
    latin1_t61: bool = False,
    key_slot: int = 3,
    issuer: Issuer | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
) -> Generated:
    """An e.firma of a persona física: 13-character RFC, CURP in serialNumber."""
    tag, value = _text(nombre, latin1_t61)
    subject = name(
        (OID_CN, tag, value),
        (OID_NAME, tag, value),
        (OID_O, tag, value),
        (OID_UNIQUE_ID, PRINTABLE, rfc.encode()),
        (OID_SERIAL_NUMBER, PRINTABLE, curp.encode()),
    )
    return _generated(
        subject,
        key_slot,
        issuer or sat_ca(),
        NO_CERTIFICADO.encode(),
        valid_from,
        valid_to,
        _fiel_extensions(),
        rfc=rfc,
        persona="fisica",
        curp=curp,
        rfc_representante=None,
        curp_representante=None,
        nombre=nombre,
        tipo="FIEL",
        sucursal=None,
    )


def csd(
    *, rfc: str = RFC_MORAL, sucursal: str = "MATRIZ", nombre: str = NOMBRE_MORAL, key_slot: int = 4
) -> Generated:
    """A certificado de sello digital: an OU with the sucursal and no extended key usage."""
    subject = name(
        (OID_CN, UTF8, nombre.encode()),
        (OID_NAME, UTF8, nombre.encode()),
        (OID_O, UTF8, nombre.encode()),
        (OID_OU, UTF8, sucursal.encode()),
        (OID_UNIQUE_ID, PRINTABLE, f"{rfc} / {RFC_FISICA}".encode()),
        (OID_SERIAL_NUMBER, PRINTABLE, f" / {CURP_FISICA}".encode()),
    )
    return _generated(
        subject,
        key_slot,
        sat_ca(),
        b"00001000000598765432",
        None,
        None,
        (key_usage(0xC0),),
        rfc=rfc,
        persona="moral",
        curp=None,
        rfc_representante=RFC_FISICA,
        curp_representante=CURP_FISICA,
        nombre=nombre,
        tipo="CSD",
        sucursal=sucursal,
        no_certificado="00001000000598765432",
    )


def imss_certificate(
    *,
    rfc: str | None = RFC_MORAL,
    nombre: str = NOMBRE_MORAL,
    key_slot: int = 5,
    serial: int = 0x1A2B3C4D5E,
) -> Generated:
    """IMSS-like: issued by another CA, clientAuth only, a binary serial (shown in decimal).

    With ``rfc`` it sits in x500UniqueIdentifier; with None the certificate has no RFC.
    """
    attributes = [(OID_CN, UTF8, nombre.encode()), (OID_O, UTF8, nombre.encode())]
    if rfc:
        attributes.append((OID_UNIQUE_ID, PRINTABLE, rfc.encode()))
    return _generated(
        name(*attributes),
        key_slot,
        imss_ca(),
        serial.to_bytes((serial.bit_length() + 8) // 8, "big"),
        None,
        None,
        (key_usage(0x80), eku(OID_CLIENT_AUTH)),
        rfc=rfc or "",
        persona={12: "moral", 13: "fisica"}.get(len(rfc or ""), ""),
        nombre=nombre,
        tipo="IMSS",
        sucursal=None,
        no_certificado=str(serial),
    )


def _generated(
    subject: bytes,
    key_slot: int,
    issuer: Issuer,
    serial: bytes,
    valid_from: datetime | None,
    valid_to: datetime | None,
    extensions: tuple[bytes, ...],
    **expected: Any,
) -> Generated:
    key = rsa_key(key_slot)
    der = certificate(
        subject,
        key,
        issuer,
        serial=serial,
        valid_from=valid_from,
        valid_to=valid_to,
        extensions=extensions,
    )
    expected.setdefault("no_certificado", serial.decode("ascii", "replace"))
    issuer_name = x509.load_der_x509_certificate(issuer.certificate_der).subject
    expected["emisor"] = issuer_name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return Generated(der, key, issuer, expected)


def pem_certificate(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def base64_certificate(der: bytes) -> bytes:
    """Bare base64 text with CRLF line breaks, as some portals hand out the .cer."""
    import base64

    text = base64.b64encode(der)
    return b"\r\n".join(text[i : i + 64] for i in range(0, len(text), 64)) + b"\r\n"


# --- private key files ---------------------------------------------------------------------------


def _password_bytes(password: str | bytes) -> bytes:
    return password.encode("utf-8") if isinstance(password, str) else password


def key_sat(
    key: Any, password: str | bytes, iterations: int = 2048, declared: int | None = None
) -> bytes:
    """PKCS#8 EncryptedPrivateKeyInfo DER, PBES2 / PBKDF2-HMAC-SHA1 / DES-EDE3-CBC: SAT's .key.

    ``password`` as bytes gives full control of the encoding (e.g. cp1252 from a Windows tool).
    ``declared`` writes another iteration count than the one used (a hostile file).
    """
    salt, iv = os.urandom(8), os.urandom(8)
    secret = hashlib.pbkdf2_hmac("sha1", _password_bytes(password), salt, iterations, 24)
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pad = 8 - len(plain) % 8
    encryptor = Cipher(TripleDES(secret), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
    pbes2 = seq(
        oid("1.2.840.113549.1.5.13"),
        seq(
            seq(oid("1.2.840.113549.1.5.12"), seq(octets(salt), integer(declared or iterations))),
            seq(oid("1.2.840.113549.3.7"), octets(iv)),
        ),
    )
    return seq(pbes2, octets(ciphertext))


def key_der(key: Any) -> bytes:
    """Unencrypted PKCS#8 DER."""
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_pkcs8_pem(key: Any, password: str | None = None) -> bytes:
    """PEM PKCS#8: "ENCRYPTED PRIVATE KEY" (AES-256-CBC, PBKDF2) with a password, else plain."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def key_pkcs1_pem(key: Any, password: str | None = None) -> bytes:
    """PEM "RSA PRIVATE KEY"; with a password, OpenSSL's DEK-Info encryption (AES-256-CBC)."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, encryption
    )


def key_pkcs1_des3(key: Any, password: str | bytes) -> bytes:
    """PKCS#1 PEM with ``DEK-Info: DES-EDE3-CBC`` (``openssl rsa -traditional -des3``)."""
    return _openssl(
        ["rsa", "-in", "{key}", "-traditional", "-des3", "-passout", "stdin"], key, password
    )


def key_pbes1_sha1_3des(key: Any, password: str | bytes) -> bytes:
    """PKCS#8 DER with PBES1 pbeWithSHAAnd3-KeyTripleDES-CBC (``openssl pkcs8 -v1``)."""
    return _openssl(
        [
            "pkcs8",
            "-topk8",
            "-in",
            "{key}",
            "-v1",
            "PBE-SHA1-3DES",
            "-outform",
            "DER",
            "-passout",
            "stdin",
        ],
        key,
        password,
    )


def key_pkcs8_camellia(key: Any, password: str | bytes) -> bytes:
    """PKCS#8 DER with PBES2 / Camellia-256-CBC: a cipher cryptography does not decrypt."""
    return _openssl(
        [
            "pkcs8",
            "-topk8",
            "-in",
            "{key}",
            "-v2",
            "camellia-256-cbc",
            "-outform",
            "DER",
            "-passout",
            "stdin",
        ],
        key,
        password,
    )


# --- .pfx files ----------------------------------------------------------------------------------


def pfx_modern(gen: Generated, password: str | bytes | None = IMSS_PASSWORD) -> bytes:
    """AES-256-CBC with PBKDF2 and an HMAC-SHA256 MAC (cryptography's best available)."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(_password_bytes(password))
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"imss", gen.private_key, gen.certificate, [_issuer_cert(gen)], encryption
    )


def pfx_sha1_3des(gen: Generated, password: str | bytes = IMSS_PASSWORD) -> bytes:
    """PBE-SHA1-3DES for key and certificates, HMAC-SHA1 MAC: Windows' classic export."""
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2000)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(_password_bytes(password))
    )
    return pkcs12.serialize_key_and_certificates(
        b"imss", gen.private_key, gen.certificate, None, encryption
    )


def pfx_without_password(gen: Generated) -> bytes:
    return pfx_modern(gen, None)


def pfx_certificate_only(gen: Generated, password: str = IMSS_PASSWORD) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"imss",
        None,
        gen.certificate,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )


def pfx_foreign_certificate(
    gen: Generated, other: Generated, password: str = IMSS_PASSWORD
) -> bytes:
    """``gen``'s key beside ``other``'s certificate only: a key without its certificate."""
    return pkcs12.serialize_key_and_certificates(
        b"imss",
        gen.private_key,
        None,
        [other.certificate],
        serialization.BestAvailableEncryption(password.encode()),
    )


def pfx_rc2_40(gen: Generated, password: str | bytes = IMSS_PASSWORD) -> bytes:
    """Old Windows export: certificates under RC2-40, key under SHA1-3DES (``-legacy``)."""
    return _openssl(
        [
            "pkcs12",
            "-export",
            "-legacy",
            "-certpbe",
            "PBE-SHA1-RC2-40",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-inkey",
            "{key}",
            "-in",
            "{cert}",
            "-passout",
            "stdin",
        ],
        gen.private_key,
        password,
        gen.certificate.public_bytes(serialization.Encoding.PEM),
    )


def pfx_no_mac(gen: Generated) -> bytes:
    """Neither encrypted nor MAC-protected (``openssl pkcs12 -nomac -keypbe NONE``)."""
    return _openssl(
        [
            "pkcs12",
            "-export",
            "-nomac",
            "-keypbe",
            "NONE",
            "-certpbe",
            "NONE",
            "-inkey",
            "{key}",
            "-in",
            "{cert}",
            "-passout",
            "stdin",
        ],
        gen.private_key,
        "",
        gen.certificate.public_bytes(serialization.Encoding.PEM),
    )


def _issuer_cert(gen: Generated) -> x509.Certificate:
    return x509.load_der_x509_certificate(gen.issuer.certificate_der)


# --- the openssl command -------------------------------------------------------------------------


def openssl_available() -> bool:
    return shutil.which("openssl") is not None


def _openssl(arguments: list[str], key: Any, password: str | bytes, cert_pem: bytes = b"") -> bytes:
    """Run ``openssl`` on a temporary key (and certificate); the password goes through stdin
    as raw octets, so any encoding can be written."""
    if not openssl_available():
        if sys.platform == "win32":
            import pytest

            # Windows has no openssl command: these formats are written and read on Linux.
            pytest.skip("En Windows no: escribe llaves y .pfx heredados con el comando openssl")
        raise RuntimeError("Falta el comando openssl (apt-get install openssl).")
    with tempfile.TemporaryDirectory() as directory:
        key_path, cert_path = Path(directory, "key.pem"), Path(directory, "cert.pem")
        key_path.write_bytes(key_pkcs8_pem(key))
        cert_path.write_bytes(cert_pem)
        command = [
            "openssl",
            *(a.format(key=key_path, cert=cert_path) for a in arguments),
        ]
        result = subprocess.run(
            command, input=_password_bytes(password) + b"\n", capture_output=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {result.stderr.decode(errors='replace')}")
        return result.stdout


def fiel_por_vencer(now: datetime, dias: int = 10, **kwargs: Any) -> Generated:
    """An e.firma of a persona moral that expires ``dias`` days after ``now`` (a test clock's
    time, naive UTC like domain.clock): «por vencer» only through that clock."""
    moment = (now if now.tzinfo else now.replace(tzinfo=UTC)).replace(microsecond=0)
    return fiel_moral(
        valid_from=moment - timedelta(days=1400), valid_to=moment + timedelta(days=dias), **kwargs
    )


def load_info(gen: Generated):
    """What the engine reads from ``gen``'s certificate (CertificateInfo)."""
    from icsoe_desktop.domain.credentials import load_certificate

    return load_certificate(gen.cer)
