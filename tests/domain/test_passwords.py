"""Password policy (guía del capturista, paso 3) and the stored password form."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.passwords import (
    COST_ENV,
    DEFAULT_PARAMS,
    ScryptParams,
    check_password_policy,
    current_params,
    hash_password,
    policy_violations,
    verify_password,
)

GOOD = "Nomina#2026x"
# Cheap parameters for tests that only look at the stored form, not at the cost.
FAST = ScryptParams(n=2**10)

# The Spanish line the user reads for each rule.
MSG_COMPOSICION = "La contraseña debe utilizar mayúsculas, minúsculas y números."
MSG_ESPECIAL = "La contraseña debe incluir al menos un carácter especial: -*?!@#$/()[]=.¡;:"
MSG_CORTA = "La contraseña debe tener una longitud mayor o igual a 8 caracteres."
MSG_ESPACIOS = "La contraseña no debe contener espacios en blanco."
MSG_PATRON = (
    "La contraseña no debe utilizar patrones de teclado (qwerty) ni números en secuencia (1234)."
)
MSG_REPETIDA = "La contraseña no debe repetir caracteres (1111111)."


@pytest.mark.parametrize(
    "password",
    [
        GOOD,
        "Pl4neta$Sol",
        "Nom#26xy",
        "Nomina¡2026x",
        "Cl4ve(Segura)",
        "Nomiina#26x",
        "Ñandú:2026x",
    ],
)
def test_good_password_passes(password: str) -> None:
    assert policy_violations(password) == []
    check_password_policy(password)  # does not raise


@pytest.mark.parametrize(
    ("password", "code", "message"),
    [
        ("nomina#2026x", "contrasena_composicion", MSG_COMPOSICION),  # no uppercase
        ("NOMINA#2026X", "contrasena_composicion", MSG_COMPOSICION),  # no lowercase
        ("Nomina#Solar", "contrasena_composicion", MSG_COMPOSICION),  # no digit
        ("Nomina2026x", "contrasena_especial", MSG_ESPECIAL),
        ("Nomina_2026x", "contrasena_especial", MSG_ESPECIAL),  # "_" is not in the list
        ("Nom#26x", "contrasena_corta", MSG_CORTA),  # 7 characters
        ("Nomina# 2026x", "contrasena_espacios", MSG_ESPACIOS),
        ("Nomina#\t2026x", "contrasena_espacios", MSG_ESPACIOS),
        ("Qwer#2026x", "contrasena_patron", MSG_PATRON),
        ("Nomi#ASDFx7", "contrasena_patron", MSG_PATRON),
        ("Rewq#2026x", "contrasena_patron", MSG_PATRON),  # qwer backwards
        ("Nomina#4321x", "contrasena_patron", MSG_PATRON),
        ("Nomina#1234x", "contrasena_patron", MSG_PATRON),
        ("Nomina#7890x", "contrasena_patron", MSG_PATRON),
        ("Lkjh#2026xN", "contrasena_patron", MSG_PATRON),
        ("Nomiiina#26x", "contrasena_repetida", MSG_REPETIDA),
        ("Nomina#2111x", "contrasena_repetida", MSG_REPETIDA),
        ("Nomina###26x", "contrasena_repetida", MSG_REPETIDA),
    ],
)
def test_each_rule_has_its_own_message(password: str, code: str, message: str) -> None:
    assert policy_violations(password) == [code]
    with pytest.raises(ValidationError) as info:
        check_password_policy(password)
    assert info.value.code == code
    assert info.value.message == message  # only the broken rule, in Spanish
    assert info.value.field == "contrasena"


def test_empty_password_asks_for_it() -> None:
    with pytest.raises(ValidationError) as info:
        check_password_policy("")
    assert info.value.code == "contrasena_vacia"
    assert info.value.message == "Captura la contraseña."


def test_too_long_password_is_refused() -> None:
    password = "Nomina#2026x" + "ab" * 60  # 132 characters
    assert policy_violations(password) == ["contrasena_larga"]
    assert policy_violations(password[:128]) == []


def test_every_broken_rule_is_listed_in_one_message() -> None:
    with pytest.raises(ValidationError) as info:
        check_password_policy("aaa 1234")
    lines = info.value.message.splitlines()
    assert lines == [MSG_COMPOSICION, MSG_ESPECIAL, MSG_ESPACIOS, MSG_PATRON, MSG_REPETIDA]


def test_field_name_is_the_callers() -> None:
    with pytest.raises(ValidationError) as info:
        check_password_policy("corta", field="contrasenaNueva")
    assert info.value.field == "contrasenaNueva"


@pytest.mark.slow
def test_same_password_gives_different_salted_hashes_that_both_verify() -> None:
    first = hash_password(GOOD)
    second = hash_password(GOOD)
    assert first != second
    assert first.startswith("scrypt$") and second.startswith("scrypt$")
    assert first.split("$")[4] != second.split("$")[4]  # the salt
    assert verify_password(GOOD, first)
    assert verify_password(GOOD, second)


def test_default_hash_uses_strong_scrypt_parameters(monkeypatch) -> None:
    monkeypatch.delenv(COST_ENV)  # the suite's lower cost (tests/conftest.py) off: the app's
    _, n, r, p, _, _ = hash_password(GOOD).split("$")
    assert (int(n), int(r), int(p)) == (2**15, 8, 1)


def test_the_suites_lower_cost_applies_to_new_hashes_only(monkeypatch) -> None:
    monkeypatch.setenv(COST_ENV, "4096")
    encoded = hash_password(GOOD)
    assert encoded.split("$")[1:4] == ["4096", "8", "1"]
    monkeypatch.delenv(COST_ENV)
    assert verify_password(GOOD, encoded)  # a stored hash carries its own cost


@pytest.mark.parametrize("knob", ["512", "3000", "65536", "2**10", "-1024", ""])
def test_a_cost_knob_that_is_not_a_power_of_two_from_2_10_to_the_default_is_ignored(
    monkeypatch, knob: str
) -> None:
    monkeypatch.setenv(COST_ENV, knob)
    assert current_params() == DEFAULT_PARAMS


@pytest.mark.parametrize("wrong", ["nomina#2026x", "Nomina#2026", "Nomina#2026x ", "", "otra"])
def test_wrong_password_does_not_verify(wrong: str) -> None:
    encoded = hash_password(GOOD, FAST)
    assert verify_password(GOOD, encoded)
    assert not verify_password(wrong, encoded)


def test_accented_password_round_trips() -> None:
    encoded = hash_password("Contraseña¡2026", FAST)
    assert verify_password("Contraseña¡2026", encoded)
    assert not verify_password("Contrasena¡2026", encoded)


@pytest.mark.parametrize("password", [GOOD, "Contraseña¡2026", "Pl4neta$Sol"])
def test_stored_form_never_contains_the_password(password: str) -> None:
    encoded = hash_password(password, FAST)
    assert password not in encoded
    assert password.lower() not in encoded.lower()


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "texto plano",
        GOOD,  # a password stored in clear must not "match itself"
        "scrypt$",
        "scrypt$16$8$1$AAAA",  # a field missing
        "scrypt$16$8$1$AAAA$AAAA$extra",
        "bcrypt$16$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$a$b$c$AAAA$AAAA",
        "scrypt$16$8$1$no-es-base64!$AAAA",
        "scrypt$16$8$1$ñ$AAAA",
        "scrypt$16$8$1$AAAA$",  # empty digest
        "scrypt$17$8$1$AAAA$AAAA",  # n not a power of two
        "scrypt$-16$8$1$AAAA$AAAA",
        "scrypt$16$0$1$AAAA$AAAA",
        "scrypt$99999999999999999999999$8$1$AAAA$AAAA",  # absurd n
        "scrypt$16$99999999999999999999999$1$AAAA$AAAA",
    ],
)
def test_malformed_stored_hash_never_raises_and_does_not_match(stored: str) -> None:
    assert verify_password(GOOD, stored) is False


def test_tampered_hash_does_not_match() -> None:
    prefix, n, r, p, salt, _digest = hash_password(GOOD, FAST).split("$")
    other_digest = hash_password("Otra#Clave26", FAST).split("$")[5]
    assert not verify_password(GOOD, "$".join([prefix, n, r, p, salt, other_digest]))
