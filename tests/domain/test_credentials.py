"""The credentials engine on generated SAT-like and IMSS-like files (tests/credentials_factory.py):
every variant users have, every error code, validity states, issuers and the guide's rules."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from icsoe_desktop.domain.credentials import (
    MESSAGES,
    CertificateInfo,
    Credential,
    CredentialError,
    check_usuario_contrasena,
    is_issued_by,
    load_certificate,
    load_pfx,
    load_sat_pair,
    validity_state,
)
from icsoe_desktop.domain.errors import DomainError
from tests import credentials_factory as cf

PASSWORD = cf.PASSWORD


@pytest.fixture(scope="module")
def fiel() -> cf.Generated:
    return cf.fiel_moral()


@pytest.fixture(scope="module")
def sat_key(fiel: cf.Generated) -> bytes:
    return fiel.key(PASSWORD)


@pytest.fixture(scope="module")
def imss() -> cf.Generated:
    return cf.imss_certificate()


@pytest.fixture(scope="module")
def imss_pfx(imss: cf.Generated) -> bytes:
    return cf.pfx_modern(imss, cf.IMSS_PASSWORD)


def assert_fields(info: CertificateInfo, gen: cf.Generated) -> None:
    actual = {key: getattr(info, key) for key in gen.expected}
    assert actual == gen.expected
    assert info.certificado_der == gen.cer
    assert info.emisor_der == gen.issuer.name_der
    cert = gen.certificate
    assert info.valido_desde == cert.not_valid_before_utc
    assert info.valido_hasta == cert.not_valid_after_utc
    assert info.valido_desde.tzinfo is not None and info.valido_desde.utcoffset() == timedelta(0)


def same_key(credential: Credential, gen: cf.Generated) -> bool:
    return credential.private_key.public_key() == gen.private_key.public_key()


def raises_code(code: str, function, *args) -> CredentialError:
    with pytest.raises(CredentialError) as caught:
        function(*args)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message  # Spanish text for the user, never empty
    return caught.value


# --- what is read ---------------------------------------------------------------------------------


def test_fiel_of_a_persona_moral_reads_rfc_representante_and_no_certificado(fiel, sat_key):
    credential = load_sat_pair(fiel.cer, sat_key, PASSWORD)
    assert_fields(credential.info, fiel)
    assert credential.info.persona == "moral"
    assert credential.info.rfc_representante == cf.RFC_FISICA
    assert credential.info.no_certificado == cf.NO_CERTIFICADO
    assert credential.info.estado() == "vigente"
    assert same_key(credential, fiel)


def test_fiel_of_a_persona_fisica_reads_its_curp():
    gen = cf.fiel_fisica()
    info = load_sat_pair(gen.cer, gen.key(), PASSWORD).info
    assert_fields(info, gen)
    assert (info.rfc, info.persona, info.curp) == (cf.RFC_FISICA, "fisica", cf.CURP_FISICA)


def test_csd_is_told_by_its_sucursal_and_no_extended_key_usage():
    gen = cf.csd(sucursal="SUCURSAL NORTE")
    info = load_sat_pair(gen.cer, gen.key(), PASSWORD).info
    assert_fields(info, gen)
    assert (info.tipo, info.sucursal) == ("CSD", "SUCURSAL NORTE")


def test_sat_latin1_enye_in_a_t61string_is_read_where_cryptography_refuses_it():
    gen = cf.fiel_fisica(nombre="JOSÉ PEÑA MUÑOZ", latin1_t61=True)
    with pytest.raises(ValueError):
        _ = gen.certificate.subject  # the reason for the tolerant reader
    info = load_sat_pair(gen.cer, gen.key(), PASSWORD).info
    assert info.nombre == "JOSÉ PEÑA MUÑOZ"
    assert info.rfc == cf.RFC_FISICA


def test_latin1_name_in_the_issuer_too():
    latin_ca = cf.Issuer(
        cf.sat_ca().certificate_der,
        cf.sat_ca().key,
        cf.name((cf.OID_CN, cf.T61, "AC DEL SAT COMPAÑÍA".encode("latin-1"))),
    )
    gen = cf.fiel_moral(issuer=latin_ca)
    info = load_certificate(gen.cer)
    assert info.emisor == "AC DEL SAT COMPAÑÍA"
    assert info.emisor_der == latin_ca.name_der


@pytest.mark.parametrize(
    "encode",
    [
        lambda der: der,
        cf.pem_certificate,
        cf.base64_certificate,
        lambda der: b"\xef\xbb\xbf" + cf.pem_certificate(der).replace(b"\n", b"\r\n"),
        lambda der: b"Bag Attributes\n    friendlyName: sat\n" + cf.pem_certificate(der),
        lambda der: der + b"\r\n",
    ],
    ids=["der", "pem", "base64-crlf", "pem-bom-crlf", "pem-with-preamble", "der-trailing-newline"],
)
def test_certificate_in_every_encoding(fiel, encode):
    info = load_certificate(encode(fiel.cer))
    assert_fields(info, fiel)


def key_variants() -> list[tuple[str, object]]:
    """(id, function of (key, password) → .key bytes) for every format met in the wild."""
    return [
        ("sat-pbes2-pbkdf2-sha1-des3-der", cf.key_sat),
        ("pbes1-sha1-3des-der", cf.key_pbes1_sha1_3des),
        ("pkcs8-pem-encrypted-aes", cf.key_pkcs8_pem),
        ("pkcs1-pem-dek-info-des3", cf.key_pkcs1_des3),
        ("pkcs1-pem-dek-info-aes", cf.key_pkcs1_pem),
        ("sat-base64-text", lambda key, pw: cf.base64_certificate(cf.key_sat(key, pw))),
        ("pkcs8-der-plain", lambda key, pw: cf.key_der(key)),
        ("pkcs8-pem-plain", lambda key, pw: cf.key_pkcs8_pem(key)),
        ("pkcs1-pem-plain", lambda key, pw: cf.key_pkcs1_pem(key)),
        ("pkcs1-der-plain", lambda key, pw: _pkcs1_der(key)),
    ]


def _pkcs1_der(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


ENCRYPTED_VARIANTS = [v for v in key_variants() if "plain" not in v[0]]


@pytest.mark.parametrize(
    "make_key", [v[1] for v in key_variants()], ids=[v[0] for v in key_variants()]
)
def test_every_key_format_loads(fiel, make_key):
    credential = load_sat_pair(fiel.cer, make_key(fiel.private_key, PASSWORD), PASSWORD)
    assert same_key(credential, fiel)
    assert credential.info.rfc == cf.RFC_MORAL


@pytest.mark.parametrize(
    "make_key", [v[1] for v in ENCRYPTED_VARIANTS], ids=[v[0] for v in ENCRYPTED_VARIANTS]
)
def test_every_encrypted_key_format_tells_a_wrong_password(fiel, make_key):
    key = make_key(fiel.private_key, PASSWORD)
    error = raises_code("contrasena_incorrecta", load_sat_pair, fiel.cer, key, "otra-clave-1")
    assert error.field == "contrasena"


@pytest.mark.parametrize(
    "typed, written",
    [
        ("Contraseña2026", "Contraseña2026".encode()),
        ("Contraseña2026", "Contraseña2026".encode("cp1252")),
        ("Año€2026Ñ", "Año€2026Ñ".encode("cp1252")),  # € is 0x80 in cp1252, absent in Latin-1
        ("Canción1", "Canción1".encode("latin-1")),
    ],
    ids=["utf-8", "cp1252", "cp1252-euro", "latin-1"],
)
def test_accented_password_written_by_a_windows_tool(fiel, typed, written):
    credential = load_sat_pair(fiel.cer, fiel.key(written), typed)
    assert same_key(credential, fiel)


def test_the_cp1252_password_of_a_pkcs1_dek_info_key(fiel):
    key = cf.key_pkcs1_des3(fiel.private_key, "Señal2026".encode("cp1252"))
    assert same_key(load_sat_pair(fiel.cer, key, "Señal2026"), fiel)


def test_unencrypted_key_ignores_the_password(fiel):
    assert same_key(load_sat_pair(fiel.cer, cf.key_der(fiel.private_key), "cualquiera"), fiel)
    assert same_key(load_sat_pair(fiel.cer, cf.key_der(fiel.private_key), ""), fiel)


def test_private_key_pkcs8_der_is_unencrypted_pkcs8(fiel, sat_key):
    credential = load_sat_pair(fiel.cer, sat_key, PASSWORD)
    der = credential.private_key_pkcs8_der()
    assert der == cf.key_der(fiel.private_key)
    assert (
        serialization.load_der_private_key(der, None).public_key() == fiel.private_key.public_key()
    )
    assert "private_key" not in repr(credential)  # never printed into a log by accident


# --- .pfx ------------------------------------------------------------------------------------------


PFX_VARIANTS = [
    ("modern-aes-pbkdf2", lambda gen: cf.pfx_modern(gen, cf.IMSS_PASSWORD)),
    ("sha1-3des", lambda gen: cf.pfx_sha1_3des(gen, cf.IMSS_PASSWORD)),
    ("legacy-rc2-40", lambda gen: cf.pfx_rc2_40(gen, cf.IMSS_PASSWORD)),
]


@pytest.mark.parametrize("make", [v[1] for v in PFX_VARIANTS], ids=[v[0] for v in PFX_VARIANTS])
def test_every_pfx_encryption_loads_as_imss(imss, make):
    credential = load_pfx(make(imss), cf.IMSS_PASSWORD)
    assert_fields(credential.info, imss)
    assert credential.info.tipo == "IMSS"
    assert credential.info.no_certificado == str(0x1A2B3C4D5E)  # not SAT's: decimal serial
    assert same_key(credential, imss)


@pytest.mark.parametrize("make", [v[1] for v in PFX_VARIANTS], ids=[v[0] for v in PFX_VARIANTS])
def test_every_pfx_encryption_tells_a_wrong_password(imss, make):
    error = raises_code("contrasena_incorrecta", load_pfx, make(imss), "Incorrecta99")
    assert error.field == "contrasena"


@pytest.mark.parametrize("password", [None, "", "loquesea1"])
def test_pfx_without_password_opens_with_none_empty_or_anything(imss, password):
    for data in (cf.pfx_without_password(imss), cf.pfx_no_mac(imss)):
        assert same_key(load_pfx(data, password), imss)


def test_pfx_with_password_but_none_given(imss_pfx):
    error = raises_code("contrasena_incorrecta", load_pfx, imss_pfx, None)
    assert "captúrala" in error.message


@pytest.mark.parametrize(
    "typed, written",
    [
        # A Windows tool that wrote cp1252 octets: € became U+0080 in the BMPString.
        ("Año€2026", "Año€2026".encode("cp1252").decode("latin-1").encode()),
        # OpenSSL 1.0 turned each UTF-8 octet into a character.
        ("Año2026ñ", "Año2026ñ".encode().decode("latin-1").encode()),
        ("Año2026ñ", "Año2026ñ".encode()),
    ],
    ids=["cp1252", "openssl-1.0-utf8-octets", "utf-8"],
)
def test_accented_pfx_password_in_every_encoding(imss, typed, written):
    assert same_key(load_pfx(cf.pfx_sha1_3des(imss, written), typed), imss)


def test_pfx_written_by_openssl_with_a_cp1252_password(imss):
    data = cf.pfx_rc2_40(imss, "Contraseña1".encode("cp1252"))
    assert same_key(load_pfx(data, "Contraseña1"), imss)


def test_pfx_holding_a_sat_fiel_says_fiel(fiel):
    info = load_pfx(cf.pfx_modern(fiel, "Clave2026"), "Clave2026").info
    assert (info.tipo, info.rfc, info.persona) == ("FIEL", cf.RFC_MORAL, "moral")


def test_imss_certificate_without_rfc_has_an_empty_rfc():
    gen = cf.imss_certificate(rfc=None, key_slot=6)
    info = load_pfx(cf.pfx_modern(gen), cf.IMSS_PASSWORD).info
    assert (info.rfc, info.persona, info.tipo) == ("", "", "IMSS")


def test_pfx_as_base64_text(imss_pfx, imss):
    assert same_key(load_pfx(cf.base64_certificate(imss_pfx), cf.IMSS_PASSWORD), imss)


# --- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [b"", b"\r\n  \n", b"\x00\x00"])
def test_empty_files(fiel, sat_key, empty):
    assert raises_code("archivo_vacio", load_certificate, empty).field == "certificado"
    assert raises_code("archivo_vacio", load_sat_pair, empty, sat_key, PASSWORD).field == (
        "certificado"
    )
    error = raises_code("archivo_vacio", load_sat_pair, fiel.cer, empty, PASSWORD)
    assert (error.field, error.message) == (
        "llave",
        "El archivo de llave privada (.key) está vacío.",
    )
    assert raises_code("archivo_vacio", load_pfx, empty, "x").field == "pfx"


@pytest.mark.parametrize(
    "damage",
    [
        lambda der: der[: len(der) // 2],
        lambda der: der[:-1],
        lambda der: der[:3],
        lambda der: b"not a certificate at all",
        lambda der: b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n",
        lambda der: der[:4] + bytes([der[4] ^ 0xFF]) + der[5:],  # the TBS tag
        lambda der: der + b"garbage",
    ],
    ids=["half", "last-byte", "three-bytes", "text", "bad-pem", "flipped-tag", "trailing-garbage"],
)
def test_damaged_certificate(fiel, sat_key, damage):
    raises_code("certificado_invalido", load_certificate, damage(fiel.cer))
    error = raises_code("certificado_invalido", load_sat_pair, damage(fiel.cer), sat_key, PASSWORD)
    assert error.field == "certificado"


def test_oversized_and_hostile_text_files_are_refused_quickly(fiel, sat_key):
    huge = cf.pem_certificate(fiel.cer) + b"\n" * (1 << 20)
    raises_code("certificado_invalido", load_certificate, huge)
    raises_code("pfx_invalido", load_pfx, huge, None)
    # Unmatched BEGIN markers by the thousand: a naive PEM regex is quadratic on these.
    markers = b"-----BEGIN CERTIFICATE-----\n" * 30_000
    raises_code("certificado_invalido", load_certificate, markers)
    key_markers = b"-----BEGIN PRIVATE KEY-----\n" * 30_000
    raises_code("llave_invalida", load_sat_pair, fiel.cer, key_markers, "x")


def test_pfx_given_as_certificate_says_so(fiel, imss_pfx, sat_key):
    error = raises_code("certificado_invalido", load_sat_pair, imss_pfx, sat_key, PASSWORD)
    assert ".pfx" in error.message


@pytest.mark.parametrize(
    "damage",
    [
        lambda key: key[: len(key) // 2],
        lambda key: key[:-3],
        lambda key: b"\x30\x03\x02\x01",
        lambda key: b"texto cualquiera",
        lambda key: key[:5] + b"\x00" * 10 + key[15:],
    ],
    ids=["half", "short-ciphertext", "tiny", "text", "zeroed-envelope"],
)
def test_damaged_key(fiel, sat_key, damage):
    error = raises_code("llave_invalida", load_sat_pair, fiel.cer, damage(sat_key), PASSWORD)
    assert error.field == "llave"


def test_damaged_plain_and_pem_keys(fiel):
    plain = cf.key_der(fiel.private_key)
    raises_code("llave_invalida", load_sat_pair, fiel.cer, plain[:-20], PASSWORD)
    pem = cf.key_pkcs1_des3(fiel.private_key, PASSWORD)
    raises_code(
        "llave_invalida", load_sat_pair, fiel.cer, pem.replace(b"-CBC,", b"-CBC,ZZ"), PASSWORD
    )
    unknown = pem.replace(b"DEK-Info: DES-EDE3-CBC", b"DEK-Info: SEED-CBC")
    assert (
        "SEED-CBC"
        in raises_code("cifrado_no_soportado", load_sat_pair, fiel.cer, unknown, PASSWORD).message
    )
    # Cut inside a line: the base64 no longer decodes. (Cut at a line boundary, the ciphertext is
    # whole 3DES blocks and reads as a wrong password: DEK-Info keeps no length to tell.)
    lines = pem.splitlines(keepends=True)
    cut = b"".join([*lines[:6], lines[6][:30], b"\n", lines[-1]])
    raises_code("llave_invalida", load_sat_pair, fiel.cer, cut, PASSWORD)


def test_pfx_given_as_key(fiel, imss_pfx):
    error = raises_code("llave_invalida", load_sat_pair, fiel.cer, imss_pfx, PASSWORD)
    assert ".pfx" in error.message


@pytest.mark.parametrize("as_pem", [False, True], ids=["der", "pem"])
def test_swapped_files_are_detected_either_way(fiel, sat_key, as_pem):
    cer = cf.pem_certificate(fiel.cer) if as_pem else fiel.cer
    key = cf.key_pkcs8_pem(fiel.private_key, PASSWORD) if as_pem else sat_key
    both = raises_code("archivos_invertidos", load_sat_pair, key, cer, PASSWORD)
    assert both.field == "certificado"
    assert raises_code("archivos_invertidos", load_sat_pair, cer, cer, PASSWORD).field == "llave"
    assert raises_code("archivos_invertidos", load_sat_pair, key, key, PASSWORD).field == (
        "certificado"
    )
    raises_code("archivos_invertidos", load_certificate, key)


def test_empty_password_for_an_encrypted_key(fiel, sat_key):
    error = raises_code("contrasena_incorrecta", load_sat_pair, fiel.cer, sat_key, "")
    assert "captúrala" in error.message


def test_key_of_another_certificate(fiel):
    other = cf.fiel_fisica()
    error = raises_code("llave_no_corresponde", load_sat_pair, fiel.cer, other.key(), PASSWORD)
    assert error.field == "llave"


def test_unsupported_key_cipher(fiel):
    key = cf.key_pkcs8_camellia(fiel.private_key, PASSWORD)
    error = raises_code("cifrado_no_soportado", load_sat_pair, fiel.cer, key, PASSWORD)
    assert "Camellia" in error.message


def test_absurd_iteration_count_is_refused_before_any_work(fiel):
    key = cf.key_sat(fiel.private_key, PASSWORD, declared=2**31 - 1)
    raises_code("llave_invalida", load_sat_pair, fiel.cer, key, PASSWORD)


@pytest.mark.parametrize(
    "damage",
    [
        lambda pfx: pfx[: len(pfx) // 2],
        lambda pfx: pfx[:-10],
        lambda pfx: pfx[:1] + b"\x00" + pfx[2:],
        lambda pfx: b"\x30\x03\x02\x01\x03",
        lambda pfx: b"ni siquiera ASN.1",
        lambda pfx: pfx.replace(
            bytes.fromhex("06092a864886f70d010701"), bytes.fromhex("06092a864886f70d010702"), 1
        ),
    ],
    ids=["half", "tail", "outer-length", "only-version", "text", "not-data"],
)
@pytest.mark.parametrize("password", [cf.IMSS_PASSWORD, "Incorrecta99"], ids=["right", "wrong"])
def test_damaged_pfx_is_not_a_wrong_password(imss_pfx, damage, password):
    error = raises_code("pfx_invalido", load_pfx, damage(imss_pfx), password)
    assert error.field == "pfx"


def test_certificate_or_key_given_as_pfx(fiel, sat_key):
    assert ".cer" in raises_code("pfx_invalido", load_pfx, fiel.cer, "x").message
    assert ".key" in raises_code("pfx_invalido", load_pfx, sat_key, "x").message


def test_pfx_without_key(imss):
    raises_code("pfx_sin_llave", load_pfx, cf.pfx_certificate_only(imss), cf.IMSS_PASSWORD)


def test_pfx_whose_key_has_no_certificate(imss, fiel):
    data = cf.pfx_foreign_certificate(imss, fiel)
    raises_code("llave_no_corresponde", load_pfx, data, cf.IMSS_PASSWORD)


def test_every_error_code_has_a_spanish_message_and_is_a_domain_error():
    assert set(MESSAGES) == {
        "archivo_vacio",
        "certificado_invalido",
        "llave_invalida",
        "archivos_invertidos",
        "contrasena_incorrecta",
        "llave_no_corresponde",
        "pfx_invalido",
        "pfx_sin_llave",
        "cifrado_no_soportado",
    }
    assert issubclass(CredentialError, DomainError)


# --- validity ---------------------------------------------------------------------------------------


def test_expired_and_future_certificates_load_and_say_so():
    expired = cf.fiel_fisica(valid_from=cf.days_from_now(-1500), valid_to=cf.days_from_now(-1))
    assert load_sat_pair(expired.cer, expired.key(), PASSWORD).info.estado() == "vencido"
    future = cf.fiel_fisica(valid_from=cf.days_from_now(2), valid_to=cf.days_from_now(1400))
    assert load_certificate(future.cer).estado() == "no_vigente_aun"
    soon = cf.fiel_fisica(valid_from=cf.days_from_now(-1400), valid_to=cf.days_from_now(10))
    assert load_certificate(soon.cer).estado() == "por_vencer"


def test_estado_boundaries():
    desde = datetime(2025, 1, 1, tzinfo=UTC)
    hasta = datetime(2029, 1, 1, tzinfo=UTC)
    gen = cf.fiel_fisica(valid_from=desde, valid_to=hasta)
    info = load_certificate(gen.cer)
    second = timedelta(seconds=1)
    assert info.estado(desde - second) == "no_vigente_aun"
    assert info.estado(desde) == "vigente"
    assert info.estado(hasta - timedelta(days=30) - second) == "vigente"
    assert info.estado(hasta - timedelta(days=30)) == "por_vencer"  # exactly 30 days left
    assert info.estado(hasta) == "por_vencer"
    assert info.estado(hasta + second) == "vencido"
    # Naive datetimes are UTC, like domain.clock's.
    assert info.estado(datetime(2028, 12, 2)) == "por_vencer"
    assert info.estado(datetime(2028, 12, 1, 23, 59, 59)) == "vigente"


def test_validity_state_for_stored_naive_dates():
    desde, hasta = datetime(2025, 1, 1), datetime(2029, 1, 1)  # naive UTC, as the store keeps them
    assert validity_state(desde, hasta, datetime(2024, 12, 31, 23, 59, 59)) == "no_vigente_aun"
    assert validity_state(desde, hasta, datetime(2028, 12, 2)) == "por_vencer"
    assert validity_state(desde, hasta, datetime(2028, 12, 2, tzinfo=UTC)) == "por_vencer"
    assert validity_state(desde, hasta, datetime(2029, 1, 1, 0, 0, 1)) == "vencido"
    assert validity_state(desde, hasta, datetime(2027, 1, 1)) == "vigente"
    assert validity_state(desde, datetime(2000, 1, 1)) == "vencido"  # now by default


def test_generalized_time_after_2049_is_read():
    gen = cf.fiel_fisica(valid_to=datetime(2051, 6, 1, tzinfo=UTC))
    assert load_certificate(gen.cer).valido_hasta == datetime(2051, 6, 1, tzinfo=UTC)


# --- issuers ------------------------------------------------------------------------------------------


def test_is_issued_by_checks_the_signature(fiel):
    info = load_certificate(fiel.cer)
    assert is_issued_by(info, cf.sat_ca().certificate_der)
    assert is_issued_by(info, cf.pem_certificate(cf.sat_ca().certificate_der))
    assert not is_issued_by(info, cf.imss_ca().certificate_der)
    assert not is_issued_by(info, cf.ec_ca().certificate_der)
    assert not is_issued_by(info, b"basura")
    assert not is_issued_by(info, b"")
    tampered = bytearray(fiel.cer)
    tampered[-5] ^= 0x01  # inside the signature
    forged = dataclasses.replace(info, certificado_der=bytes(tampered))
    assert not is_issued_by(forged, cf.sat_ca().certificate_der)


def test_is_issued_by_with_an_ecdsa_issuer():
    gen = cf.fiel_fisica(issuer=cf.ec_ca())
    info = load_certificate(gen.cer)
    assert is_issued_by(info, cf.ec_ca().certificate_der)
    assert not is_issued_by(info, cf.sat_ca().certificate_der)


def test_emisor_der_matches_the_issuer_subject(fiel):
    issuer = x509.load_der_x509_certificate(cf.sat_ca().certificate_der)
    assert load_certificate(fiel.cer).emisor_der == issuer.subject.public_bytes()


# --- usuario y contraseña -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tipo, usuario, contrasena, rfc",
    [
        ("FIEL", cf.RFC_MORAL, "12345678", cf.RFC_MORAL),
        ("FIEL", cf.RFC_FISICA.lower(), "x" * 255, cf.RFC_FISICA),
        ("FIEL", " EDE0101018A2 ", "Contraseña con espacios", None),
        ("IMSS", "usuario01", "Clave2026", None),
        ("IMSS", "A" * 20, "b" * 8, None),
        ("IMSS", "Peñaloza1", "Contraseña1", None),
    ],
)
def test_valid_usuario_contrasena(tipo, usuario, contrasena, rfc):
    check_usuario_contrasena(tipo, usuario, contrasena, rfc)


@pytest.mark.parametrize(
    "tipo, usuario, contrasena, rfc, code, field",
    [
        ("FIEL", "", "12345678", None, "usuario_requerido", "usuario"),
        ("FIEL", "EDE0101018A", "12345678", None, "usuario_invalido", "usuario"),
        ("FIEL", "usuario01", "12345678", None, "usuario_invalido", "usuario"),
        ("FIEL", cf.RFC_FISICA, "12345678", cf.RFC_MORAL, "usuario_no_corresponde", "usuario"),
        ("FIEL", cf.RFC_MORAL, "", cf.RFC_MORAL, "contrasena_requerida", "contrasena"),
        ("FIEL", cf.RFC_MORAL, "1234567", cf.RFC_MORAL, "contrasena_invalida", "contrasena"),
        ("FIEL", cf.RFC_MORAL, "x" * 256, cf.RFC_MORAL, "contrasena_invalida", "contrasena"),
        ("IMSS", "", "Clave2026", None, "usuario_requerido", "usuario"),
        ("IMSS", "corto1", "Clave2026", None, "usuario_invalido", "usuario"),
        ("IMSS", "a" * 21, "Clave2026", None, "usuario_invalido", "usuario"),
        ("IMSS", "usuario.01", "Clave2026", None, "usuario_invalido", "usuario"),
        ("IMSS", "usuario01", "", None, "contrasena_requerida", "contrasena"),
        ("IMSS", "usuario01", "Clave-2026", None, "contrasena_invalida", "contrasena"),
        ("IMSS", "usuario01", "Clave20", None, "contrasena_invalida", "contrasena"),
        ("IMSS", "usuario01", "x" * 21, None, "contrasena_invalida", "contrasena"),
        ("IMSS", "usuario01", "USUARIO01", None, "contrasena_igual_usuario", "contrasena"),
        ("CSD", cf.RFC_MORAL, "12345678", None, "certificado_no_admitido", "certificado"),
    ],
)
def test_usuario_contrasena_rules(tipo, usuario, contrasena, rfc, code, field):
    with pytest.raises(CredentialError) as caught:
        check_usuario_contrasena(tipo, usuario, contrasena, rfc)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.message


def test_rule_messages_are_the_guides():
    with pytest.raises(CredentialError) as caught:
        check_usuario_contrasena("IMSS", "usuario01", "corta")
    assert caught.value.message == (
        "La contraseña del certificado IMSS debe tener de 8 a 20 caracteres, sólo letras y números."
    )
    with pytest.raises(CredentialError) as caught:
        check_usuario_contrasena("FIEL", cf.RFC_FISICA, "12345678", cf.RFC_MORAL)
    assert caught.value.message == f"El usuario debe ser el RFC de la e.firma: {cf.RFC_MORAL}."


def test_unknown_tipo_is_a_programming_error():
    with pytest.raises(ValueError):
        check_usuario_contrasena("OTRO", "u", "c")


def test_razon_social_with_a_comma_is_read_whole():
    info = load_certificate(cf.fiel_moral(nombre=cf.NOMBRE_CON_COMA).cer)
    assert info.nombre == "CONSTRUCTORA DEL NORTE, S.A. DE C.V."


def test_a_damaged_key_with_the_right_public_key_is_refused_as_damaged(fiel):
    """The key's modulus matches the certificate but its private parts are wrong: it would sign
    what nobody can verify. The loader signs and verifies with the certificate to find out."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    good = fiel.private_key.private_numbers()
    damaged = rsa.RSAPrivateNumbers(
        p=good.p,
        q=good.q,
        d=good.d + 2,
        dmp1=good.dmp1 + 2,
        dmq1=good.dmq1,
        iqmp=good.iqmp,
        public_numbers=good.public_numbers,
    ).private_key(unsafe_skip_rsa_key_validation=True)
    key = cf.key_sat(damaged, cf.PASSWORD)
    error = raises_code("llave_invalida", load_sat_pair, fiel.cer, key, cf.PASSWORD)
    assert error.field == "llave"
