"""Certificates and .pfx files of rare shapes, each made on purpose (no randomness): the names
other issuers write (BMPString, UniversalString, a BIT STRING RFC), the BER .pfx of Java and old
Windows tools, .pfx files put together by hand (a MAC of their own, bags that lie), and the exact
damage the ASN.1 reader refuses. What the user gets is asserted: the data read, or the Spanish
refusal of that file; never a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from icsoe_desktop.domain.credentials import (
    CredentialError,
    check_pfx_password,
    export_pfx,
    load_certificate,
    load_pfx,
    load_sat_pair,
)
from tests import credentials_factory as cf

seq, oid, octets, integer, tlv = cf.seq, cf.oid, cf.octets, cf.integer, cf.tlv
PASSWORD = cf.IMSS_PASSWORD
OID_DATA = "1.2.840.113549.1.7.1"
SALT, IV = bytes(range(8)), bytes(range(16))  # fixed: every file here is the same on every run


def refused(code: str, function: Any, *args: Any) -> CredentialError:
    with pytest.raises(CredentialError) as caught:
        function(*args)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message
    return caught.value


def cer_with_subject(subject: bytes, slot: int = 3) -> bytes:
    return cf.certificate(subject, cf.rsa_key(slot), cf.sat_ca())


def attribute(dotted_or_oid: bytes | str, value: bytes) -> bytes:
    """One RDN, its value's TLV given whole (any tag, even a malformed one)."""
    key = oid(dotted_or_oid) if isinstance(dotted_or_oid, str) else dotted_or_oid
    return cf.set_of(seq(key, value))


# --- names other issuers write -------------------------------------------------------------------


def test_names_in_bmp_universal_and_bit_strings_are_read():
    """A name as a BMPString (Windows CAs), an organization as a UniversalString, the RFC as a
    BIT STRING (x500UniqueIdentifier's own type) and a title in a private type of a high tag
    number: all read, none refused."""
    title = b"\x1f\x81\x00" + bytes([len(b"GERENTE")]) + b"GERENTE"  # tag [UNIVERSAL 128]
    subject = seq(
        attribute(cf.OID_CN, tlv(0x1E, "JOSÉ PEÑA MUÑOZ".encode("utf-16-be"))),
        attribute(cf.OID_O, tlv(0x1C, "PEÑA Y ASOCIADOS".encode("utf-32-be"))),
        attribute("2.5.4.12", title),
        attribute(cf.OID_UNIQUE_ID, tlv(0x03, b"\x00" + cf.RFC_FISICA.encode())),
        attribute(cf.OID_SERIAL_NUMBER, tlv(cf.PRINTABLE, cf.CURP_FISICA.encode())),
    )
    info = load_certificate(cer_with_subject(subject))
    assert (info.nombre, info.rfc, info.persona, info.curp) == (
        "JOSÉ PEÑA MUÑOZ",
        cf.RFC_FISICA,
        "fisica",
        cf.CURP_FISICA,
    )


@pytest.mark.parametrize(
    "value",
    [
        attribute(b"\x06\x00", tlv(cf.UTF8, b"X")),  # an OID without octets
        attribute(b"\x06\x03\x55\x04\x83", tlv(cf.UTF8, b"X")),  # its last arc unfinished
        attribute(cf.OID_CN, b"\x1f\x81\x81\x81\x81\x81\x01\x01X"),  # a tag of six octets
        attribute(cf.OID_CN, b"\x0c\x85\x00\x00\x00\x00\x01X"),  # a length of five octets
        attribute(cf.OID_CN, b"\x0c\x80X\x00\x00"),  # an indefinite length on a string
    ],
    ids=["empty-oid", "unfinished-oid", "tag-too-long", "length-too-long", "indefinite-string"],
)
def test_a_certificate_with_a_malformed_name_is_refused_as_damaged(value):
    cer = cer_with_subject(seq(value, attribute(cf.OID_UNIQUE_ID, tlv(cf.PRINTABLE, b"X"))))
    error = refused("certificado_invalido", load_certificate, cer)
    assert error.field == "certificado"
    assert "dañado" in error.message


@pytest.mark.parametrize(
    "data",
    [b"\x3f\x81", b"\x1f\x05", b"\x3f\x81\x81\x81\x81\x81\x00\x00", b"\x30\x80\x02\x01\x00"],
    ids=["cut-in-the-tag", "cut-before-the-length", "endless-tag", "no-end-of-contents"],
)
def test_a_certificate_cut_short_in_its_first_octets_is_refused(data):
    assert refused("certificado_invalido", load_certificate, data).field == "certificado"


# --- .pfx put together by hand -------------------------------------------------------------------


def _pbes2(plain: bytes, password: str) -> bytes:
    """EncryptedPrivateKeyInfo: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC (what OpenSSL 3 writes)."""
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), SALT, 2048, 32)
    padder = sym_padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(IV)).encryptor()
    ciphertext = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    algorithm = seq(
        oid("1.2.840.113549.1.5.13"),
        seq(
            seq(
                oid("1.2.840.113549.1.5.12"),
                seq(octets(SALT), integer(2048), seq(oid("1.2.840.113549.2.9"), cf.NULL)),
            ),
            seq(oid("2.16.840.1.101.3.4.1.42"), octets(IV)),
        ),
    )
    return seq(algorithm, octets(ciphertext))


def key_bag(plain_pkcs8: bytes, password: str = PASSWORD) -> bytes:
    return seq(oid("1.2.840.113549.1.12.10.1.2"), tlv(0xA0, _pbes2(plain_pkcs8, password)))


def cert_bag(der: bytes) -> bytes:
    x509_certificate = "1.2.840.113549.1.9.22.1"
    return seq(
        oid("1.2.840.113549.1.12.10.1.3"),
        tlv(0xA0, seq(oid(x509_certificate), tlv(0xA0, octets(der)))),
    )


def data_info(*bags: bytes) -> bytes:
    return seq(oid(OID_DATA), tlv(0xA0, octets(seq(*bags))))


def _mac_key(password: str, iterations: int) -> bytes:
    """RFC 7292 appendix B.2, SHA-1, ID 3: the MAC key of a .pfx."""
    bmp = (password + "\0").encode("utf-16-be") if password else b""

    def fill(data: bytes) -> bytes:
        size = 64 * -(-len(data) // 64)
        return (data * (size // len(data) + 1))[:size] if data else b""

    digest = hashlib.sha1(b"\x03" * 64 + fill(SALT) + fill(bmp)).digest()
    for _ in range(iterations - 1):
        digest = hashlib.sha1(digest).digest()
    return digest


def pfx(*infos: bytes, password: str | None = PASSWORD, mac_iterations: int = 2048) -> bytes:
    """A PFX of these ContentInfos, with a SHA-1 MAC under ``password`` (None: no MAC)."""
    auth_safe = seq(*infos)
    parts = [integer(3), seq(oid(OID_DATA), tlv(0xA0, octets(auth_safe)))]
    if password is not None:
        key = _mac_key(password, mac_iterations)
        digest = hmac.new(key, auth_safe, "sha1").digest()
        sha1 = seq(oid("1.3.14.3.2.26"), cf.NULL)
        parts.append(seq(seq(sha1, octets(digest)), octets(SALT), integer(mac_iterations)))
    return seq(*parts)


@pytest.fixture(scope="module")
def imss() -> cf.Generated:
    return cf.imss_certificate()


@pytest.fixture(scope="module")
def imss_pkcs8(imss: cf.Generated) -> bytes:
    return cf.key_der(imss.private_key)


def test_a_pfx_made_by_hand_opens_and_tells_a_wrong_password(imss, imss_pkcs8):
    data = pfx(data_info(key_bag(imss_pkcs8), cert_bag(imss.cer)))
    assert load_pfx(data, PASSWORD).info.rfc == cf.RFC_MORAL
    assert refused("contrasena_incorrecta", load_pfx, data, "Incorrecta99").field == "contrasena"


def test_a_pfx_whose_mac_we_leave_to_openssl_still_tells_a_wrong_password(imss, imss_pkcs8):
    """Past 200,000 MAC iterations the MAC is not checked in Python: OpenSSL's refusal of every
    candidate is then taken for a wrong password, and the right one opens the file."""
    data = pfx(data_info(key_bag(imss_pkcs8), cert_bag(imss.cer)), mac_iterations=200_001)
    assert load_pfx(data, PASSWORD).info.tipo == "IMSS"
    error = refused("contrasena_incorrecta", load_pfx, data, "Incorrecta99")
    assert error.message == "La contraseña del .pfx es incorrecta."


def test_pfx_files_whose_inside_is_wrong_are_refused_with_their_reason(imss, imss_pkcs8):
    # The password is right (the MAC says so) but the key bag holds no key.
    garbage_key = pfx(data_info(key_bag(b"no es una llave privada"), cert_bag(imss.cer)))
    assert refused("pfx_invalido", load_pfx, garbage_key, PASSWORD).field == "pfx"
    # Neither MAC nor encryption, and a certificate bag that holds no certificate.
    no_mac = pfx(data_info(cert_bag(b"no es un certificado")), password=None)
    refused("pfx_invalido", load_pfx, no_mac, PASSWORD)
    # The key alone, without its certificate.
    key_only = pfx(data_info(key_bag(imss_pkcs8)))
    error = refused("pfx_invalido", load_pfx, key_only, PASSWORD)
    assert error.message == "El archivo .pfx no contiene el certificado."
    # A ContentInfo without its content.
    refused("pfx_invalido", load_pfx, pfx(seq(oid(OID_DATA))), PASSWORD)


def test_a_pfx_encrypted_to_a_public_key_says_its_cipher_cannot_be_read(imss, imss_pkcs8):
    enveloped = seq(oid("1.2.840.113549.1.7.3"), tlv(0xA0, seq(integer(0))))
    data = pfx(enveloped, data_info(key_bag(imss_pkcs8), cert_bag(imss.cer)))
    error = refused("cifrado_no_soportado", load_pfx, data, PASSWORD)
    assert "sobre digital (envelopedData)" in error.message
    assert "AES o Triple DES" in error.message  # what to do about it
    assert error.field == "pfx"


def test_a_pfx_of_another_version_or_with_an_empty_version_is_damaged(imss):
    good = cf.pfx_sha1_3des(imss)
    header = good[: good.index(b"\x02\x01\x03")]
    version_2 = header + b"\x02\x01\x02" + good[len(header) + 3 :]
    refused("pfx_invalido", load_pfx, version_2, PASSWORD)
    # An INTEGER without octets: the outer length shrinks by one.
    inner = good[len(header) + 3 :]
    refused("pfx_invalido", load_pfx, seq(b"\x02\x00", inner), PASSWORD)


def test_a_pfx_password_outside_windows_1252_is_tried_as_typed(imss):
    # Ł has no cp1252 octet: only the UTF-8 readings of the password are tried.
    data = cf.pfx_sha1_3des(imss, "Łódź2026pfx")
    assert load_pfx(data, "Łódź2026pfx").info.tipo == "IMSS"
    refused("contrasena_incorrecta", load_pfx, data, "Lodz2026pfx")


# --- BER: the .pfx of Java and old Windows tools --------------------------------------------------


def ber_pfx(der: bytes, piece: bytes | None = None) -> bytes:
    """``der`` as Java's keytool writes it: indefinite lengths, and the authSafe's OCTET STRING
    constructed of pieces (``piece`` replaces the second of them)."""
    from icsoe_desktop.domain.credentials import der as asn1

    version, auth_safe, mac = asn1.parse(der).children()
    content_type, explicit = auth_safe.children()
    data = explicit.children()[0].content()
    pieces = [octets(data[:300]), piece or octets(data[300:600]), octets(data[600:])]
    constructed = b"\x24\x80" + b"".join(pieces) + b"\x00\x00"
    ber_auth_safe = b"\x30\x80" + content_type.raw() + b"\xa0\x80" + constructed + b"\x00" * 4
    return b"\x30\x80" + version.raw() + ber_auth_safe + mac.raw() + b"\x00\x00"


# cryptography warns that it falls back to BER: the file opens all the same.
@pytest.mark.filterwarnings("ignore:PKCS#12 bundle could not be parsed as DER")
def test_a_ber_pfx_opens_and_its_damage_is_refused(imss):
    ber = ber_pfx(cf.pfx_sha1_3des(imss))
    credential = load_pfx(ber, PASSWORD)
    assert credential.info.tipo == "IMSS"
    assert credential.private_key.public_key() == imss.private_key.public_key()
    refused("contrasena_incorrecta", load_pfx, ber, "Incorrecta99")
    damaged = {
        "cut-before-its-end": ber[:-2],
        "a-piece-not-an-octet-string": ber_pfx(cf.pfx_sha1_3des(imss), tlv(cf.UTF8, b"x")),
        "an-indefinite-primitive-piece": ber_pfx(cf.pfx_sha1_3des(imss), b"\x04\x80\x00\x00"),
        "nested-forty-deep": b"\x30\x80" * 40 + b"\x00\x00" * 40,
    }
    for what, data in damaged.items():
        error = refused("pfx_invalido", load_pfx, data, PASSWORD)
        assert error.field == "pfx", what


# --- Generar .pfx ---------------------------------------------------------------------------------


def test_generar_pfx_writes_what_load_pfx_reads_and_refuses_what_it_cannot_write():
    fiel = cf.fiel_moral()
    credential = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD)
    again = load_pfx(export_pfx(credential, "Clave2026"), "Clave2026")
    assert (again.info.rfc, again.info.tipo) == (cf.RFC_MORAL, "FIEL")
    assert again.private_key.public_key() == fiel.private_key.public_key()

    error = refused("contrasena_invalida", check_pfx_password, "corta")
    assert error.message == (
        "La contraseña del .pfx debe tener de 8 a 20 caracteres, sólo letras y números."
    )
    refused("contrasena_invalida", export_pfx, credential, "con espacios 1")

    # Validity as UTCTime without seconds (old CAs): read here, refused by the .pfx writer.
    key = cf.rsa_key(3)
    subject = cf.name(
        (cf.OID_CN, cf.UTF8, cf.NOMBRE_FISICA.encode()),
        (cf.OID_UNIQUE_ID, cf.PRINTABLE, cf.RFC_FISICA.encode()),
    )
    algorithm = seq(oid("1.2.840.113549.1.1.11"), cf.NULL)
    spki = key.public_key().public_bytes(
        cf.serialization.Encoding.DER, cf.serialization.PublicFormat.SubjectPublicKeyInfo
    )
    validity = seq(tlv(0x17, b"2001010000Z"), tlv(0x17, b"4901010000Z"))
    tbs = seq(
        tlv(0xA0, integer(2)),
        tlv(0x02, cf.NO_CERTIFICADO.encode()),
        algorithm,
        cf.sat_ca().name_der,
        validity,
        subject,
        spki,
    )
    signature = cf.sat_ca().key.sign(tbs, cf.padding.PKCS1v15(), cf.hashes.SHA256())
    old = seq(tbs, algorithm, tlv(0x03, b"\x00" + signature))
    credential = load_sat_pair(old, cf.key_sat(key, cf.PASSWORD), cf.PASSWORD)
    assert credential.info.valido_desde.year == 2020
    error = refused("certificado_no_exportable", export_pfx, credential, "Clave2026")
    assert error.message == "Este certificado no se puede guardar como .pfx con esta aplicación."
