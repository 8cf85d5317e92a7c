"""The README, the changelog, docs/ and every comment and docstring of the Python sources speak
of the product only: not of how or by whom it was built (git log keeps that history).

What is refused: a numbered work session (in Spanish or English), a numbered issue, the
assistants and programmers who built it, and, in the documents, a commit hash. «Sesión» alone
is a normal Spanish word (a sign-in session) and stays allowed, as does an unnumbered «issue».
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("icsoe_desktop", "tests", "bench", "installer")

WORDING = re.compile(
    r"\b(?:sesi[oó]n(?:es)?|sessions?)\s*#?\d+"  # a session with its number, either language
    r"|\bissues?\s*#?\d+"  # an issue with its number
    r"|\bhelpers?\b"
    r"|\bdevelopers?\b"
    r"|\bdesarrollador(?:a|as|es)?\b",
    re.IGNORECASE,
)
# A commit named in a document: 7 to 12 hex digits with at least one letter and one digit,
# standing alone (a certificate's fingerprint is written in pairs with colons).
COMMIT = re.compile(r"(?<![\w:./-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,12}(?![\w:])")


def documents() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [path for path in found if path.is_file()]


def python_sources() -> list[Path]:
    found = [ROOT / "build_installer.spec"]
    for folder in FOLDERS:
        found += sorted((ROOT / folder).rglob("*.py"))
    return found


def comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    """``(line, text)`` of every comment and every docstring of a Python file."""
    source = path.read_text(encoding="utf-8")
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring is not None:
                found.append((node.body[0].lineno, docstring))
    return found


def offences(text: str, patterns: list[re.Pattern[str]]) -> list[str]:
    return [match.group(0) for pattern in patterns for match in pattern.finditer(text)]


def test_the_rule_catches_what_it_must_and_leaves_spanish_alone():
    patterns = [WORDING, COMMIT]
    for wrong in (
        "Sesión 7 (los dos lados)",
        "figures up to session 5",
        "Session 9: pages by columns",
        "(medido en el issue 18)",
        "el trabajo de otros cinco desarrolladores",
        "shared with other developers",
        "# --- helpers ---",
        "antes (7086a4d) y después",
        "main en f7518b5",
    ):
        assert offences(wrong, patterns), wrong
    for right in (
        "Inicio de sesión con CURP y contraseña",
        "la sesión de Windows del usuario",
        "5 sesiones abiertas",
        "Huella SHA-256: 4E:16:6A:2A:5D:88",
        "migración 0012_p18grid_orden_cubre",
        "a known issue of Qt",
        "1,000,000 de movimientos en 334.6 s",
    ):
        assert offences(right, patterns) == [], right


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_documents_speak_of_the_product_only(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [
        f"{path.name}:{number}: {offence}"
        for number, line in enumerate(lines, start=1)
        for offence in offences(line, [WORDING, COMMIT])
    ]
    assert found == []


def test_comments_and_docstrings_speak_of_the_product_only():
    # A file whose whole text has no such wording has none in its comments and docstrings:
    # only the others are tokenized and parsed (most of the cost).
    found = [
        f"{path.relative_to(ROOT)}:{line}: {offence}"
        for path in python_sources()
        if WORDING.search(path.read_text(encoding="utf-8"))
        for line, text in comments_and_docstrings(path)
        for offence in offences(text, [WORDING])
    ]
    assert found == []
