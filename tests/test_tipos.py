"""What the type checker is told to overlook is said and explained: a ``type: ignore`` names the
error it silences and gives its reason (docs/diseno/pruebas.md «Running and testing»; mypy
itself, run by .ci/run, refuses one without an error code)."""

from __future__ import annotations

import fnmatch
import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "icsoe_desktop"

_IGNORE = re.compile(r"type:\s*ignore")
# ``# type: ignore[code]  # why``: one or more codes, then a comment of its own.
_EXPLAINED = re.compile(r"type:\s*ignore\[[a-z0-9-]+(,\s*[a-z0-9-]+)*\]\s+#\s*\S")


def _unchecked_modules() -> list[str]:
    """The modules [tool.mypy] leaves unchecked (``ignore_errors``): not held to this yet."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [
        pattern
        for override in config["tool"]["mypy"].get("overrides", [])
        if override.get("ignore_errors")
        for pattern in override["module"]
    ]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _ignores(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    if not _IGNORE.search(source):
        return []  # nothing to find: the file is not tokenized
    return [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and _IGNORE.search(token.string)
    ]


def test_every_type_ignore_names_its_error_and_says_why() -> None:
    unchecked = _unchecked_modules()
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}: {comment}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(fnmatch.fnmatchcase(_module(path), p) for p in unchecked)
        for line, comment in _ignores(path)
        if not _EXPLAINED.search(comment)
    ]
    assert unexplained == []


def test_a_bare_or_unexplained_ignore_is_found(tmp_path: Path) -> None:
    sample = tmp_path / "muestra.py"
    sample.write_text(
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[assignment]\n"
        "c = 3  # type: ignore[assignment]  # the stub is wrong\n"
        's = "# type: ignore"\n',
        encoding="utf-8",
    )
    found = _ignores(sample)
    assert [line for line, _ in found] == [1, 2, 3]  # a string is not a comment
    assert [bool(_EXPLAINED.search(comment)) for _, comment in found] == [False, False, True]
