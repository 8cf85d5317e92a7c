"""Fuzzing the loaders: whatever the bytes, only a CredentialError (or a result) comes out.

Random bytes, and valid files damaged the way disks, e-mail and USB sticks damage them:
truncated, bit-flipped, bytes dropped or inserted.
"""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given
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
from tests.fuzzing import damaged_bytes, fuzz_settings

FUZZ = fuzz_settings(150)


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


def damaged(name: str) -> st.SearchStrategy[bytes]:
    """One of the valid files with one to three kinds of damage."""
    return damaged_bytes(files()[name])


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


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(["cer", "cer_pem"]).flatmap(damaged))
def test_damaged_certificates(data):
    result = only_credential_errors(load_certificate, data)
    assert isinstance(result, CertificateInfo | CredentialError)
    if isinstance(result, CertificateInfo):
        assert isinstance(is_issued_by(result, cf.sat_ca().certificate_der), bool)


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(["key", "key_pem", "key_dek", "key_plain"]).flatmap(damaged))
def test_damaged_keys(data):
    result = only_credential_errors(load_sat_pair, files()["cer"], data, cf.PASSWORD)
    assert isinstance(result, Credential | CredentialError)


@pytest.mark.slow
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


def test_a_dek_key_with_a_short_iv_is_a_damaged_key_not_a_crash():
    """Found by the fuzz test above: an AES PEM key whose DEK-Info IV lost half its digits
    made cryptography panic (a Rust assertion, not an Exception) instead of raising."""
    header, iv = re.search(rb"DEK-Info: ([A-Z0-9-]+),([0-9A-F]+)", files()["key_dek"]).groups()
    assert header == b"AES-256-CBC" and len(iv) == 32
    short = files()["key_dek"].replace(iv, iv[:16])
    error = only_credential_errors(load_sat_pair, files()["cer"], short, cf.PASSWORD)
    assert isinstance(error, CredentialError)
    assert (
        error.message == "El archivo de llave privada (.key) está dañado o no es una llave privada."
    )
