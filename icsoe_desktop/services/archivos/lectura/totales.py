"""What is not data in a table: total and summary rows, and what lies under it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from operator import itemgetter

from icsoe_desktop.services.archivos.lectura.valores import _TOTAL, _es_numero, _sin_acentos, _vacia
from icsoe_desktop.services.archivos.tabular import cell_text

# What an identifier looks like, even mistyped: «Elaboró: ____» or «Fecha: 15/05/2026» under
# the NSS column is none. (Searches, not full matches: a long cell costs its length once.)
_NSS_CARACTERES = frozenset("0123456789 .-")


def _parece_nss(text: str) -> bool:
    return sum(c.isdigit() for c in text) >= 9 and set(text) <= _NSS_CARACTERES


def _busca(patron: str) -> Callable[[str], bool]:
    search = re.compile(patron).search
    return lambda text: search(text) is not None


IDENTIFICADORES: dict[str, Callable[[str], bool]] = {
    "nss": _parece_nss,
    "curp": _busca(r"[A-Za-z]{4}[0-9]{6}"),
    "rfc": _busca(r"[A-Za-z&Ññ]{3,4}[ -]?[0-9]{6}"),
    "correo": _busca(r"[^\s@]@[^\s@]"),
}


def _identificador(value: object, parece: Callable[[str], bool]) -> bool:
    """A cell that may be the identifier ``parece`` tells (IDENTIFICADORES)."""
    if value is None:
        return False
    if value.__class__ is not str:
        return True  # a number
    return parece(str(value).strip())


class _FinDeTabla:
    """Rows that are not data end the table: after a total row, the rows with no identifier;
    and a row with no identifier and at most one cell written («Elaboró: ____»). They are held
    (``fuera``) until a row with an identifier (or any other data row) shows the table goes
    on, and are then data (a row missing its NSS among the others is an error to report);
    at the end of the file they are left out (``dejar_fuera``)."""

    def __init__(self, con_identificadores: bool) -> None:
        self._con_ids = con_identificadores
        self.terminada = False  # a total row was read
        self._pendientes: list[tuple[int, list[object], str]] = []
        self.activo = False  # the table may have ended: every row is looked at

    def total(self, numeros: list[int], filas: list[list[object]]) -> None:
        """A total row: the rows held before it were the table's, and its end may be here."""
        self.sigue(numeros, filas)
        self.terminada = self.activo = self._con_ids

    def fuera(
        self,
        numero: int,
        cells: list[object],
        values: Sequence[object],
        ids: list[tuple[int, Callable[[str], bool]]],
    ) -> bool:
        """Whether the row is held as past the table's end."""
        n = len(values)
        if any(_identificador(values[i], parece) for i, parece in ids if i < n):
            return False
        escritas = [v for v in values if not _vacia(v)]
        if not (self.terminada or len(escritas) <= 1):
            return False
        texto = cell_text(escritas[0]).strip()[:40] if escritas else ""
        self._pendientes.append((numero, cells, texto))
        self.activo = True
        return True

    def sigue(self, numeros: list[int], filas: list[list[object]]) -> None:
        """The table goes on: the rows held are data, before the one read now."""
        self.terminada = self.activo = False
        if self._pendientes:
            for numero, cells, _ in self._pendientes:
                numeros.append(numero)
                filas.append(cells)
            self._pendientes.clear()

    def dejar_fuera(self, omitidas: list[tuple[int, str]]) -> None:
        for numero, _, texto in self._pendientes:
            omitidas.append(
                (numero, f"debajo de la tabla «{texto}»" if texto else "debajo de la tabla")
            )
        self._pendientes.clear()


def _de_datos(filas: Sequence[Sequence[object]], ancho: int) -> bool:
    """Every row of a block has text not starting as a total in its first cell, and its
    widest read cell (the ``ancho``-th) written."""
    try:
        return (
            ancho > 0
            and min(map(len, filas)) >= ancho
            and _PRIMERAS.fullmatch("\n".join(map(itemgetter(0), filas))) is not None
            and all(map(str.strip, map(itemgetter(ancho - 1), filas)))
        )
    except TypeError:  # a cell that is no text
        return False


# First characters no total row starts with (_TOTAL, read without accents).
_NO_TOTAL = frozenset(chr(c) for c in range(33, 127)) - set("tTsSgG")
# First cells joined by new lines, each starting with one of those: a cell's own new line only
# makes it stricter.
_PRIMERA = "[" + "".join(re.escape(c) for c in sorted(_NO_TOTAL)) + "][^\n]*"
_PRIMERAS = re.compile(f"(?:{_PRIMERA}\n)*{_PRIMERA}")


def _resumen(values: Sequence[object], datos: list[int]) -> str | None:
    """Why a row is a total or summary row (None: it is data). Most rows are data, and say so
    in their first cells: those are looked at first."""
    for first in values:
        if first is not None and not (isinstance(first, str) and not first.strip()):
            break
    else:
        return None
    if isinstance(first, str) and (motivo := _total_escrito(first)):
        return motivo
    if not datos or _escrito_en(values, datos):
        return None
    return _solo_una_suma(values)


def _total_escrito(first: str) -> str | None:
    """A first cell saying the row is a total («TOTAL», «Total general», «Suma…»)."""
    text = first.strip()
    if _TOTAL.match(text if text.isascii() else _sin_acentos(text)):
        return f"fila de totales «{text[:40]}»"
    return None


def _solo_una_suma(values: Sequence[object]) -> str | None:
    """A row with nothing where a worker's data go, holding only numbers."""
    if any(_es_numero(v) for v in values) and all(_vacia(v) or _es_numero(v) for v in values):
        return "fila con sólo una suma"
    return None


def _escrito_en(values: Sequence[object], datos: list[int]) -> bool:
    """Whether any of the cells ``datos`` (where a worker's data go) is written."""
    n = len(values)
    for i in datos:
        value = values[i] if i < n else None
        if value is not None and (not isinstance(value, str) or value.strip()):
            return True
    return False
