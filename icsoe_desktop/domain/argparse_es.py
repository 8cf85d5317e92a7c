"""argparse in Spanish: the usage line, the help's headings and the errors of the command lines
(``python -m icsoe_desktop``, ``python -m icsoe_desktop.sync_server``) in the language of the
rest of the application. argparse looks each text up through gettext when it writes it, and
Python ships no Spanish catalog for it: the texts a user can meet are here. One not listed (a
later Python's new wording) stays in English rather than failing."""

from __future__ import annotations

import argparse

SPANISH = {
    "usage: ": "uso: ",
    "positional arguments": "argumentos",
    "options": "opciones",
    "show this help message and exit": "muestra esta ayuda y termina",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
    "the following arguments are required: %s": "faltan estos argumentos: %s",
    "unrecognized arguments: %s": "argumentos no reconocidos: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "opción no válida: %(value)r (elige entre %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "expected one argument": "se esperaba un valor",
    "expected at most one argument": "se esperaba a lo más un valor",
    "expected at least one argument": "se esperaba al menos un valor",
    "not allowed with argument %s": "no se permite junto con %s",
    "one of the arguments %s is required": "falta uno de estos argumentos: %s",
    "invalid %(type)s value: %(value)r": "valor no válido: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "opción ambigua: %(option)s puede ser %(matches)s"
    ),
    "ignored explicit argument %r": "se ignoró el valor %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "comando desconocido %(parser_name)r (elige entre %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "no se pudo abrir «%(filename)s»: %(error)s",
}
_PLURALS = {
    ("expected %s argument", "expected %s arguments"): (
        "se esperaba %s valor",
        "se esperaban %s valores",
    ),
}


def _spanish(text: str) -> str:
    return SPANISH.get(text, text)


def _spanish_plural(singular: str, plural: str, count: int) -> str:
    one, many = _PLURALS.get((singular, plural), (singular, plural))
    return one if count == 1 else many


def install() -> None:
    """From now on argparse writes in Spanish (it reads these two names at each message)."""
    argparse._ = _spanish  # type: ignore[attr-defined]  # argparse's gettext, undeclared
    argparse.ngettext = _spanish_plural  # type: ignore[attr-defined]  # as above
