"""The icsoe:// activation link as Windows hands it to the app."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.activation_link import code_from_link, code_from_text, is_link
from icsoe_desktop.domain.errors import ValidationError


@pytest.mark.parametrize(
    "link",
    [
        "icsoe://activar?codigo=ABCDE23456",
        "ICSOE://Activar/?codigo=ABCDE23456",  # Windows may add the slash or change the case
        "icsoe:activar?codigo=ABCDE23456&origen=correo",
        " icsoe://activar?codigo=ABCDE23456 ",
    ],
)
def test_activation_links_give_their_code(link):
    assert is_link(link)
    assert code_from_link(link) == "ABCDE23456"


@pytest.mark.parametrize(
    ("link", "code", "words"),
    [
        ("icsoe://borrar?codigo=X", "enlace_invalido", "no es un enlace de activación"),
        ("icsoe://", "enlace_invalido", "no es un enlace de activación"),
        ("icsoe://activar", "enlace_sin_codigo", "no trae el código"),
        ("icsoe://activar?codigo=", "enlace_sin_codigo", "no trae el código"),
        ("http://activar?codigo=X", "enlace_invalido", "Crear contraseña"),
    ],
)
def test_bad_links_are_refused_in_spanish(link, code, words):
    with pytest.raises(ValidationError) as caught:
        code_from_link(link)
    assert caught.value.code == code and words in caught.value.message


def test_pasted_text_keeps_a_bare_code():
    assert code_from_text(" ABCDE-23456 ") == "ABCDE-23456"
    assert code_from_text("icsoe://activar?codigo=Q1") == "Q1"
    assert not is_link("ABCDE23456")
