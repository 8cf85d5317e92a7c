"""Console text that survives a console that is not Unicode.

A Windows console shows any character, but redirected to a file or a pipe (``> informe.txt``, a
script) Python writes the ANSI code page, cp1252 for es-MX, which lacks some characters the app
prints: ``▸`` of «Configuración ▸ Correo saliente», ``→``, ``≤``. Each becomes its closest
cp1252 look-alike instead of an error (a crash) or a bare «?». Read the other way, a password
piped in from such a script arrives in that code page too (``password_from_stdin``).
"""

from __future__ import annotations

import codecs
import sys

ERRORS = "icsoe-parecido"

# Menu paths and arrows first; NFKC (full-width digits, ligatures) after; «?» last.
_LOOK_ALIKES = {
    "▸": "›",
    "▶": "›",
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "✔": "OK",
    "✓": "OK",
    "✗": "X",
    "◉": "(o)",
    "○": "( )",
}


def _look_alike_in(encoding: str):
    """An error handler for ``encoding``. (The error itself does not say which: a charmap codec
    such as cp1252 reports «charmap».)"""

    def look_alike(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        import unicodedata

        shown = []
        for char in error.object[error.start : error.end]:
            for candidate in (_LOOK_ALIKES.get(char), unicodedata.normalize("NFKC", char), "?"):
                if candidate is None:
                    continue
                try:
                    candidate.encode(encoding)
                except UnicodeEncodeError:
                    continue
                shown.append(candidate)
                break
        return "".join(shown), error.end

    return look_alike


def prepare_streams() -> None:
    """Standard output and error write look-alikes for what their encoding lacks. Cheap (on the
    start-up path); a windowed executable has no streams (None), left as they are."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        encoding = codecs.lookup(stream.encoding).name
        errors = f"{ERRORS}-{encoding}"
        codecs.register_error(errors, _look_alike_in(encoding))
        reconfigure(errors=errors)


def password_from_stdin() -> str | None:
    """The whole of standard input less one trailing newline; None when it is empty."""
    if sys.stdin is None:
        return None
    data = sys.stdin.buffer.read()
    for newline in (b"\r\n", b"\n"):
        if data.endswith(newline):
            data = data[: -len(newline)]
            break
    if not data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # a Windows console or script in the ANSI code page
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def progreso(hecho: int, total: int) -> None:
    """«N de M» on standard error. On a terminal the count is rewritten in place (a carriage
    return) every half percent; anywhere else (a log, a script's pipe) each count is a whole
    line, one every tenth, so the file reads «0 de 300», «30 de 300»… and never runs together."""
    stream = sys.stderr
    if stream is None:  # a windowed executable
        return
    terminal = stream.isatty()
    paso = max(total // (200 if terminal else 10), 1)
    if hecho != total and hecho % paso != 0:
        return
    if terminal:
        print(f"\r{hecho:,} de {total:,}", end="", file=stream, flush=True)
    else:
        print(f"{hecho:,} de {total:,}", file=stream, flush=True)


def fin_de_progreso() -> None:
    """Ends the line a terminal's progress left open; elsewhere every count already ended its own."""
    if sys.stderr is not None and sys.stderr.isatty():
        print(file=sys.stderr)
