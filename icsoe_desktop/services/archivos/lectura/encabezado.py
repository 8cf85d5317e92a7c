"""Header: the row that names the fields (or none: columns by position), and the columns' names."""

from __future__ import annotations

from icsoe_desktop.services.archivos.alcance import letra_columna
from icsoe_desktop.services.archivos.lectura.esquema import SIN_ENCABEZADO, Esquema


def _nombres_de_columnas(cells: list[str]) -> tuple[str, ...]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    names: list[str] = []
    seen: set[str] = set()
    for i, text in enumerate(cells):
        name = text or f"Columna {letra_columna(i)}"
        if name in seen:
            name = f"{text} ({letra_columna(i)})"
        seen.add(name)
        names.append(name)
    return tuple(names)


def _encabezado(
    esquema: Esquema, muestra: list[tuple[int, list[str]]], ocultas: frozenset[int] = frozenset()
) -> tuple[int, bool]:
    """The sheet row among ``muestra`` naming most fields (the first of equals), or
    SIN_ENCABEZADO; and whether another row names as many (which is the header is a guess).
    A hidden row is the header only when no visible one names a field."""
    if ocultas:
        visibles = [(n, cells) for n, cells in muestra if n not in ocultas]
        best, empate = _encabezado(esquema, visibles)
        if best != SIN_ENCABEZADO:
            return best, empate
    best, best_count, empate = SIN_ENCABEZADO, 0, False
    # A row naming only a field read by name alone («Nombre») is no header of this file.
    cuentan = {c.clave for c in esquema.por_posicion}
    for number, cells in muestra:
        count = len({campo for c in cells if c and (campo := esquema.campo_de(c)) in cuentan})
        if count > best_count:
            best, best_count, empate = number, count, False
        elif count and count == best_count:
            empate = True
    return best, empate
