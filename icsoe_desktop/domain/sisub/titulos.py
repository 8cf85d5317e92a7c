"""The office's INFONAVIT guides read by their words: which of the three guides a sheet is, and
which field each of its titles names.

A title is compared by its **significant words**: without accents, case, punctuation, what is
between parentheses («(centro de trabajo)», «(VSM)»), the small words («de», «la», «o» …) and a
plural's ending. When that does not name a field, the words every guide adds are dropped too
(«Monto», «del trabajador», «ante el IMSS», «centro de trabajo»): «Monto Percepciones fijas» is
«Percepciones fijas», «Numero de Seguro Social del trabajador» the NSS. Two titles that leave
the same words name the same field; anything less is no match (never a guess).

A sheet is the guide whose own words it carries (``FIRMAS``): the workers' «seguro social» (or
«NSS») and «bimestre»; the sujeto's «escritura», «notario» and «representante»; the contracts'
«beneficiario» and «vigencia». A sheet with the words of two guides, or some of one guide's
only, is refused with that reason (``Reconocimiento.motivo``), never assigned."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from icsoe_desktop.domain.sisub.layout import (
    COLUMNAS,
    CONTRATOS,
    SUJETO,
    TITULOS_ARCHIVO,
    TRABAJADORES,
)

_VACIAS = frozenset(
    {"de", "del", "la", "el", "los", "las", "al", "en", "o", "u", "a", "su", "que", "se"}
)
# Dropped only when the title names no field with them (a second reading).
_AGREGADAS = ("del trabajador", "ante el imss", "centro de trabajo", "centro del trabajo", "monto")
_PARENTESIS = re.compile(r"\([^)]*\)")
_NO_ALFANUM = re.compile(r"[^0-9a-z]+")

# Per guide, the words that say it is that guide: each item one word or phrase, or
# alternatives (a tuple), all of them required.
FIRMAS: dict[str, tuple[tuple[str, ...], ...]] = {
    TRABAJADORES: (("seguro social", "nss"), ("bimestre",)),
    SUJETO: (("escritura",), ("notario",), ("representante",)),
    CONTRATOS: (("beneficiario",), ("vigencia",)),
}
# Words of a sheet's or a file's name that say which guide it means.
_NOMBRES = {TRABAJADORES: "trabajador", SUJETO: "sujeto", CONTRATOS: "contrato"}


def texto_plano(texto: str) -> str:
    """«Número (centro de trabajo)» → «numero centro de trabajo»: no accents, case or
    punctuation."""
    texto = unicodedata.normalize("NFKD", str(texto or "")).casefold()
    texto = "".join(c for c in texto if not unicodedata.combining(c))
    # Letters spelled with dots are one word: «I.M.S.S.» is «imss», «C.P.» «cp».
    partes: list[str] = []
    for palabra in _NO_ALFANUM.sub(" ", texto).split():
        if len(palabra) == 1 and partes and partes[-1][-1:] == ".":
            partes[-1] = partes[-1][:-1] + palabra + "."
        else:
            partes.append(palabra + "." if len(palabra) == 1 else palabra)
    return " ".join(p.rstrip(".") for p in partes)


def _raiz(palabra: str) -> str:
    """One form for the singular and the plural: «percepciones» and «percepcion» alike."""
    if len(palabra) > 3 and palabra.endswith("s"):
        palabra = palabra[:-1]
    if len(palabra) > 3 and palabra.endswith("e"):
        palabra = palabra[:-1]
    return palabra


def palabras(titulo: str, sin_agregadas: bool = False) -> frozenset[str]:
    """The significant words of ``titulo`` (see the module's docstring)."""
    texto = " " + texto_plano(_PARENTESIS.sub(" ", str(titulo or ""))) + " "
    if sin_agregadas:
        for frase in _AGREGADAS:
            texto = texto.replace(f" {frase} ", " ")
    return frozenset(_raiz(p) for p in texto.split() if p not in _VACIAS)


def _indice(archivo: str, sin_agregadas: bool) -> dict[frozenset[str], str]:
    indice: dict[frozenset[str], str] = {}
    for columna in COLUMNAS[archivo]:
        for nombre in (columna.titulo, *columna.alias):
            clave = palabras(nombre, sin_agregadas)
            if clave:
                indice.setdefault(clave, columna.campo)
    return indice


_INDICES = {archivo: (_indice(archivo, False), _indice(archivo, True)) for archivo in COLUMNAS}


def campo_de(archivo: str, titulo: str) -> str | None:
    """The field of ``archivo``'s CSV that the guide's ``titulo`` names; None: none does."""
    exactas, sin_agregadas = _INDICES[archivo]
    campo = exactas.get(palabras(titulo))
    if campo is None:
        campo = sin_agregadas.get(palabras(titulo, True))
    return campo


def campos(archivo: str, titulos: Iterable[str]) -> tuple[str | None, ...]:
    """Each title's field, a field taken once (the first title that names it)."""
    vistos: set[str] = set()
    resultado: list[str | None] = []
    for titulo in titulos:
        campo = campo_de(archivo, titulo) if str(titulo or "").strip() else None
        if campo in vistos:
            campo = None
        if campo is not None:
            vistos.add(campo)
        resultado.append(campo)
    return tuple(resultado)


@dataclass(frozen=True)
class Reconocimiento:
    """Which guide a sheet is (None: none), and why it is refused ("" when it is not)."""

    archivo: str | None
    motivo: str = ""


def _tiene(texto: str, palabra: str) -> bool:
    return f" {palabra} " in texto


def _palabras_de(archivo: str) -> str:
    return ", ".join("«" + "» o «".join(alternativas) + "»" for alternativas in FIRMAS[archivo])


def reconocer(celdas: Iterable[str], nombre: str = "") -> Reconocimiento:
    """Which guide a sheet whose first rows hold ``celdas`` is; ``nombre``: the sheet's (or
    its file's) name, which must not say another guide."""
    texto = " " + " ".join(texto_plano(c) for c in celdas) + " "
    completas, parciales = [], []
    for archivo, firma in FIRMAS.items():
        tiene = [any(_tiene(texto, p) for p in alternativas) for alternativas in firma]
        if all(tiene):
            completas.append(archivo)
        elif any(tiene):
            parciales.append(archivo)
    if len(completas) > 1:
        cuales = " y ".join(f"«{TITULOS_ARCHIVO[a]}» ({_palabras_de(a)})" for a in completas)
        return Reconocimiento(None, f"tiene las palabras de dos guías: {cuales}")
    if not completas:
        if not parciales:
            return Reconocimiento(None)
        faltan = "; ".join(
            f"para «{TITULOS_ARCHIVO[a]}» le falta alguna de {_palabras_de(a)}" for a in parciales
        )
        return Reconocimiento(None, f"no se reconoce como ninguna guía: {faltan}")
    archivo = completas[0]
    dichos = [a for a, palabra in _NOMBRES.items() if palabra in texto_plano(nombre)]
    if len(dichos) == 1 and dichos[0] != archivo:
        return Reconocimiento(
            None,
            f"su nombre dice «{TITULOS_ARCHIVO[dichos[0]]}» pero sus títulos son los de "
            f"«{TITULOS_ARCHIVO[archivo]}» ({_palabras_de(archivo)})",
        )
    return Reconocimiento(archivo)


__all__ = ["FIRMAS", "Reconocimiento", "campo_de", "campos", "palabras", "reconocer"]
