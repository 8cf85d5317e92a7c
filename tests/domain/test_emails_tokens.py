"""E-mail addresses (the usuario of an IDSE user) and one-use recovery codes."""

from __future__ import annotations

import re

import pytest

from icsoe_desktop.domain import tokens
from icsoe_desktop.domain.emails import check_email, is_valid_email, normalize_email
from icsoe_desktop.domain.errors import ValidationError


@pytest.mark.parametrize(
    "address",
    [
        "nombre@empresa.com",
        "nombre.apellido@empresa.com.mx",
        "Nombre.Apellido+idse@sub.empresa.com.mx",
        "rh_nominas-2026@mi-empresa.org",
        "  nombre@empresa.com  ",  # surrounding blanks typed by accident
        "a" * 64 + "@empresa.com",
    ],
)
def test_valid_emails(address: str) -> None:
    assert is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "sin-arroba.com",
        "dos@@empresa.com",
        "nombre@empresa",  # no TLD
        "nombre@empresa.c",  # one-letter TLD
        "nombre@empresa..com",
        "nombre@-empresa.com",
        "nombre apellido@empresa.com",
        ".nombre@empresa.com",
        "nombre.@empresa.com",
        "nom..bre@empresa.com",
        "@empresa.com",
        "nombre@",
        "a" * 65 + "@empresa.com",  # local part over 64
        "nombre@" + "a" * 250 + ".com",  # over 254 in all
    ],
)
def test_invalid_emails(address: str) -> None:
    assert not is_valid_email(address)


def test_normalize_email_trims_and_lowercases() -> None:
    assert normalize_email("  Ana.Lopez@Empresa.COM ") == "ana.lopez@empresa.com"


def test_check_email_returns_normalized_address() -> None:
    assert check_email(" Ana@Empresa.com", "usuario", "mensaje") == "ana@empresa.com"


def test_check_email_raises_with_the_callers_message_and_field() -> None:
    with pytest.raises(ValidationError) as info:
        check_email("ana@", "correo", "Captura un correo electrónico válido.")
    assert info.value.code == "correo_invalido"
    assert info.value.message == "Captura un correo electrónico válido."
    assert str(info.value) == "Captura un correo electrónico válido."
    assert info.value.field == "correo"


CODE_RE = re.compile(r"^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$")


def test_new_code_is_two_groups_of_five_unambiguous_symbols() -> None:
    codes = {tokens.new_code() for _ in range(300)}
    assert len(codes) == 300  # random, not repeated
    for code in codes:
        assert CODE_RE.match(code), code
    used = set("".join(codes)) - {"-"}
    assert not used & set("01OIL")  # nothing to confuse when typing it from a mail


def test_code_is_accepted_lowercase_without_dash_or_with_blanks() -> None:
    code = tokens.new_code()
    expected = tokens.hash_code(code)
    for typed in (
        code.lower(),
        code.replace("-", ""),
        f"  {code} ",
        code.lower().replace("-", " "),
    ):
        assert tokens.normalize_code(typed) == code.replace("-", "")
        assert tokens.hash_code(typed) == expected


def test_different_codes_have_different_hashes() -> None:
    first, second = "ABCDE-FGHJK", "ABCDE-FGHJM"
    assert tokens.hash_code(first) != tokens.hash_code(second)
    assert re.fullmatch(r"[0-9a-f]{64}", tokens.hash_code(first))  # a SHA-256 digest


def test_codes_last_24_hours() -> None:
    assert tokens.TOKEN_VALIDITY.total_seconds() == 24 * 3600


def test_a_code_is_shown_in_one_form_however_it_was_typed() -> None:
    for typed in ("ABCDE-23456", "abcde23456", " ABCDE 23456 ", "abcDE-2345-6"):
        assert tokens.format_code(typed) == "ABCDE-23456", typed
    assert tokens.format_code("ABC-12") == "ABC-12"  # not a whole code: as typed
    assert tokens.format_code("") == ""
    assert tokens.format_code(tokens.new_code()).count("-") == 1
