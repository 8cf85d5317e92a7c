"""Every mail the application can send: written in ``services/correo/textos.py`` and nowhere else,
each a Spanish subject and body with every value filled in. (The exact wording is asserted where
the mails are sent: test_accounts.py, test_capturistas.py and the GUI end-to-end tests.)"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

import icsoe_desktop
from icsoe_desktop.services.acceso import one_time_codes
from icsoe_desktop.services.correo import textos as mail_texts
from icsoe_desktop.services.correo.textos import MailText

NOMBRE = "Ana María"
CORREO = "ana.lopez@empresa.com"
ACTOR = "admin@empresa.com"
CURP = "LOPA800101MDFPRN09"
CONTRATISTA = "Servicios Ñandú SA de CV"
RFC = "SÑA010101AB1"

# Every mail, with sample values; the marks say which carry a one-use code (and its link).
MAILS: dict[str, tuple[Callable[[], MailText], tuple[str, ...], tuple[str, ...]]] = {
    "idse_recuperacion": (
        lambda: mail_texts.idse_recuperacion(NOMBRE, CORREO),
        (NOMBRE, CORREO),
        (one_time_codes.CODE_MARK,),
    ),
    "idse_contrasena_restablecida": (
        lambda: mail_texts.idse_contrasena_restablecida(NOMBRE, CORREO),
        (NOMBRE, CORREO),
        (),
    ),
    "idse_contrasena_restablecida_admin": (
        lambda: mail_texts.idse_contrasena_restablecida_admin(NOMBRE, CORREO, ACTOR),
        (NOMBRE, CORREO, ACTOR),
        (),
    ),
    "capturista_registro": (
        lambda: mail_texts.capturista_registro(NOMBRE, CONTRATISTA, RFC, CURP),
        (NOMBRE, CONTRATISTA, RFC, CURP),
        (),
    ),
    "capturista_nuevo_contratista": (
        lambda: mail_texts.capturista_nuevo_contratista(NOMBRE, CONTRATISTA, RFC),
        (NOMBRE, CONTRATISTA, RFC),
        (),
    ),
    "capturista_activacion": (
        lambda: mail_texts.capturista_activacion(NOMBRE, CURP),
        (NOMBRE, CURP),
        (one_time_codes.CODE_MARK, one_time_codes.LINK_MARK),
    ),
    "capturista_contrasena_registrada": (
        lambda: mail_texts.capturista_contrasena_registrada(NOMBRE, CURP),
        (NOMBRE, CURP),
        (),
    ),
    "capturista_recuperacion": (
        lambda: mail_texts.capturista_recuperacion(NOMBRE, CURP),
        (NOMBRE, CURP),
        (one_time_codes.CODE_MARK,),
    ),
}
MODULES = (" - Conexión en línea con IDSE", " - ICSOE")


def _defined_mails() -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(mail_texts, inspect.isfunction)
        if fn.__module__ == mail_texts.__name__
    }


def _enqueue_calls() -> list[tuple[str, ast.Call]]:
    """Every ``….enqueue(…)`` call in the application's code."""
    root = Path(icsoe_desktop.__file__).parent
    calls = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "enqueue"
            ):
                calls.append((f"{path.relative_to(root)}:{node.lineno}", node))
    return calls


def test_the_list_names_every_mail_in_the_module() -> None:
    assert set(MAILS) == _defined_mails()


@pytest.mark.slow
def test_every_mail_is_composed_in_mail_texts_and_every_text_is_sent() -> None:
    used = set()
    for where, call in _enqueue_calls():
        # enqueue(session, to, *mail_texts.<mail>(…), token=…): no subject or body written here.
        starred = [a for a in call.args if isinstance(a, ast.Starred)]
        assert len(starred) == 1 and len(call.args) == 3, where
        text = starred[0].value
        assert isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute), where
        assert isinstance(text.func.value, ast.Name) and text.func.value.id == "mail_texts", where
        used.add(text.func.attr)
    assert used == set(MAILS)


@pytest.mark.parametrize("name", sorted(MAILS))
def test_each_mail_is_spanish_and_fully_filled(name: str) -> None:
    compose, values, marks = MAILS[name]
    subject, body = compose()
    assert subject.strip() and subject.endswith(MODULES), subject
    assert "\n" not in subject
    assert body.startswith(f"Hola {NOMBRE}:\n\n") and body.endswith("\n"), body
    for value in values:
        assert value in subject + body, value
    for text in (subject, body):
        assert "{" not in text and "}" not in text and "None" not in text, text
    # The code goes in only at send time, through the marks; no other mark is left over.
    for mark in marks:
        assert body.count(mark) == 1, mark
    sent = one_time_codes.render(body, "ABCDE-23456")
    assert "[[" not in sent and "]]" not in sent
    if one_time_codes.CODE_MARK in marks:
        assert "ABCDE-23456" in sent
    if one_time_codes.LINK_MARK in marks:  # the code in one form, in the text and the link
        assert "icsoe://activar?codigo=ABCDE-23456" in sent
