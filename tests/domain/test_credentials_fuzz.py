"""Fuzzing the loaders: whatever the bytes, only a CredentialError (or a result) comes out.

Random bytes, and valid files damaged the way disks, e-mail and USB sticks damage them:
truncated, bit-flipped, bytes dropped or inserted.
"""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icsoe_desktop.domain.credentials import (
    CertificateInfo,
    Credential,
    CredentialError,
    is_issued_by,
    load_certificate,
    load_pfx,
    load_sat_pair,
)
from tests import credentials_factory as cf

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.too_slow],
)


@functools.cache
def files() -> dict[str, bytes]:
    fiel = cf.fiel_moral(nombre="PEÑA Y ASOCIADOS SA DE CV", latin1_t61=True)
    imss = cf.imss_certificate()
    return {
        "cer": fiel.cer,
        "cer_pem": cf.pem_certificate(fiel.cer),
        "key": fiel.key(cf.PASSWORD),
        "key_pem": cf.key_pkcs8_pem(fiel.private_key, cf.PASSWORD),
        "key_dek": cf.key_pkcs1_pem(fiel.private_key, cf.PASSWORD),
        "key_plain": cf.key_der(fiel.private_key),
        "pfx": cf.pfx_modern(imss, cf.IMSS_PASSWORD),
        "pfx_3des": cf.pfx_sha1_3des(imss, cf.IMSS_PASSWORD),
        "pfx_plain": cf.pfx_no_mac(imss),
    }


@st.composite
def damaged(draw: st.DrawFn, name: str) -> bytes:
    """One of the valid files with one to three kinds of damage."""
    data = bytearray(files()[name])
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        kind = draw(st.sampled_from(["truncate", "flip", "drop", "insert", "zero"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "drop":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            data[at : at + 8] = bytes(len(data[at : at + 8]))
    return bytes(data)


def only_credential_errors(function, *args) -> object:
    try:
        return function(*args)
    except CredentialError as error:
        assert error.code and error.message
        return error


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    only_credential_errors(load_certificate, data)
    only_credential_errors(load_sat_pair, data, files()["key"], cf.PASSWORD)
    only_credential_errors(load_sat_pair, files()["cer"], data, cf.PASSWORD)
    only_credential_errors(load_pfx, data, cf.IMSS_PASSWORD)
    only_credential_errors(load_pfx, data, None)


@FUZZ
@given(st.sampled_from(["cer", "cer_pem"]).flatmap(damaged))
def test_damaged_certificates(data):
    result = only_credential_errors(load_certificate, data)
    assert isinstance(result, CertificateInfo | CredentialError)
    if isinstance(result, CertificateInfo):
        assert isinstance(is_issued_by(result, cf.sat_ca().certificate_der), bool)


@FUZZ
@given(st.sampled_from(["key", "key_pem", "key_dek", "key_plain"]).flatmap(damaged))
def test_damaged_keys(data):
    result = only_credential_errors(load_sat_pair, files()["cer"], data, cf.PASSWORD)
    assert isinstance(result, Credential | CredentialError)


@FUZZ
@given(
    st.sampled_from(["pfx", "pfx_3des", "pfx_plain"]).flatmap(damaged),
    st.sampled_from([cf.IMSS_PASSWORD, "Otra2026", None]),
)
def test_damaged_pfx(data, password):
    result = only_credential_errors(load_pfx, data, password)
    assert isinstance(result, Credential | CredentialError)


@FUZZ
@given(st.binary(max_size=2000))
def test_is_issued_by_never_raises(data):
    info = load_certificate(files()["cer"])
    assert is_issued_by(info, data) is False
