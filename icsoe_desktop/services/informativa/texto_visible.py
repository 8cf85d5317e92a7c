"""The text a PDF page shows, as the acuses are read (services/informativa/acuse_pdf.py): what
is drawn in an invisible render mode (an OCR layer over a scanned image, or a second layer
under a visible one) is left out, and only noted. Kept apart from the bounded reader, whose
thread runs under its own trace, so that it is tested and measured on its own."""

from __future__ import annotations

import contextlib
from typing import Any

# Text render modes that paint nothing (PDF 32000 9.3.6): 3 invisible, 7 clip only. An image
# with an OCR layer draws its text so; a forged acuse can too, under a visible other text.
_INVISIBLES = frozenset({3, 7})
_MUESTRAN_TEXTO = frozenset({b"Tj", b"TJ", b"'", b'"'})


def texto_visible(page: Any) -> tuple[str, bool]:
    """The page's text as it shows it, and whether it carries text it does not show: what is
    drawn in an invisible render mode (``Tr`` 3 or 7, kept across ``q``/``Q`` and into a form
    XObject as the graphics state is) is emptied before pypdf adds it to the text."""
    modo = [0]  # the graphics state stack's render modes: the last is the current one
    oculto = False

    def antes(operador: bytes, operandos: list[Any], _cm: Any, _tm: Any) -> None:
        nonlocal oculto
        if operador in (b"q", b"Do"):
            modo.append(modo[-1])
        elif operador == b"Q" and len(modo) > 1:
            modo.pop()
        elif operador == b"Tr" and operandos:
            with contextlib.suppress(TypeError, ValueError):  # a crafted operand: unchanged
                modo[-1] = int(operandos[0])
        elif operador in _MUESTRAN_TEXTO and modo[-1] in _INVISIBLES and operandos:
            oculto = True
            operandos[:] = _vacios(operador, operandos)

    def despues(operador: bytes, _operandos: list[Any], _cm: Any, _tm: Any) -> None:
        if operador == b"Do" and len(modo) > 1:
            modo.pop()  # the form's own state ends with it

    texto = page.extract_text(visitor_operand_before=antes, visitor_operand_after=despues)
    return texto or "", oculto


def _vacios(operador: bytes, operandos: list[Any]) -> list[Any]:
    """The operands of a text-showing operator with nothing left to show."""
    from pypdf.generic import ArrayObject, TextStringObject

    if operador == b"TJ":
        return [ArrayObject()]
    if operador == b'"':
        return [*operandos[:2], TextStringObject("")]
    return [TextStringObject("")]


__all__ = ["texto_visible"]
