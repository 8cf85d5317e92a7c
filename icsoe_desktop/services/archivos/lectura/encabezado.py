"""Header: the row that names the fields (or none: columns by position), and the columns' names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos.alcance import letra_columna
from icsoe_desktop.services.archivos.lectura.esquema import FILAS_MUESTRA, SIN_ENCABEZADO, Esquema

_DIGITOS = re.compile(r"[0-9]+")


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
        best, empate = _mejor(esquema, visibles)
        if best != SIN_ENCABEZADO:
            return best, empate
    return _mejor(esquema, muestra)


def _mejor(esquema: Esquema, muestra: list[tuple[int, list[str]]]) -> tuple[int, bool]:
    """The row naming most fields (the first of equals), and whether another names as many."""
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


@dataclass
class _Tabla:
    """Where a file's table is, as the header stage found it."""

    fila_encabezado: int  # the sheet's row; SIN_ENCABEZADO: columns by position
    columnas: tuple[str, ...]  # each column's name (its header, or «Columna C»)
    encabezados: Sequence[str]  # the header as written
    auto: dict[str, str | None]  # column → the field its header names
    despues: int  # where the rows under the header start in the sample
    omitidas: list[tuple[int, str]]  # the rows above it
    supuesta: bool  # read on a guess


def _tabla(
    nombre: str,
    esquema: Esquema,
    muestra: list[tuple[int, list[str]]],
    fila_encabezado: int | None,
    con_guia: bool,
    ocultas: frozenset[int],
) -> _Tabla:
    """The header row given, or the one found among ``muestra`` (or none), and the columns it
    names."""
    empate = False
    if fila_encabezado is None:
        fila_encabezado, empate = _encabezado(esquema, muestra, ocultas)
    if fila_encabezado == SIN_ENCABEZADO:
        return _por_posicion(esquema, muestra, con_guia)
    return _bajo_encabezado(nombre, esquema, muestra, fila_encabezado, empate)


def _por_posicion(esquema: Esquema, muestra: list[tuple[int, list[str]]], con_guia: bool) -> _Tabla:
    width = max((len(cells) for _, cells in muestra), default=0)
    posicionales = esquema.por_posicion
    if esquema.sin_encabezado:
        width = max(width, len(posicionales))
    columnas = tuple(f"Columna {letra_columna(i)}" for i in range(width))
    auto = _en_orden(esquema, columnas)
    first = _primera_con_numero(muestra)
    omitidas = [(n, "título, encima de los datos") for n, _ in muestra[:first]]
    supuesta = not con_guia and (first > 0 or width != len(posicionales))
    return _Tabla(SIN_ENCABEZADO, columnas, columnas, auto, first, omitidas, supuesta)


def _en_orden(esquema: Esquema, columnas: tuple[str, ...]) -> dict[str, str | None]:
    """Each column's field by position: the fields in their order when the file may come
    without a header, else none."""
    posicionales = esquema.por_posicion
    width = len(columnas)
    return {
        col: (c.clave if esquema.sin_encabezado and i < len(posicionales) else None)
        for i, (col, c) in enumerate(zip(columnas, (*posicionales,) * width, strict=False))
    }


def _primera_con_numero(muestra: list[tuple[int, list[str]]]) -> int:
    """Title rows above data without a header: the rows before the first with a number."""
    return next(
        (i for i, (_, cells) in enumerate(muestra) if any(_DIGITOS.search(c) for c in cells)),
        len(muestra),
    )


def _bajo_encabezado(
    nombre: str,
    esquema: Esquema,
    muestra: list[tuple[int, list[str]]],
    fila_encabezado: int,
    empate: bool,
) -> _Tabla:
    index = next((i for i, (n, _) in enumerate(muestra) if n == fila_encabezado), None)
    if index is None:
        raise ValidationError(
            "encabezado_fuera",
            f"La fila {fila_encabezado} de «{nombre}» está vacía o fuera de las primeras "
            f"{FILAS_MUESTRA} filas: elige otra fila de encabezados.",
        )
    encabezados = muestra[index][1]
    columnas = _nombres_de_columnas(encabezados)
    # By the header as written: a second «SBC» (named «SBC (F)» here) is an «SBC» too.
    auto = {col: esquema.campo_de(texto) for col, texto in zip(columnas, encabezados, strict=False)}
    omitidas = [(n, "título, encima del encabezado") for n, _ in muestra[:index]]
    return _Tabla(fila_encabezado, columnas, encabezados, auto, index + 1, omitidas, empate)
