"""Columns: the field each column feeds, one column per field."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import chain, repeat

from icsoe_desktop.services.archivos.lectura.encabezado import _Tabla
from icsoe_desktop.services.archivos.lectura.esquema import Esquema, Guia, _Eleccion
from icsoe_desktop.services.archivos.lectura.valores import _difiere
from icsoe_desktop.services.archivos.tabular import header_key

# Each column's field (None: not used), the fields two or more columns name and none chosen,
# and the (column kept, column that must agree with it on every row) pairs.
_Columnas = tuple[dict[str, str | None], dict[str, tuple[str, ...]], list[tuple[int, int]]]


def _columnas(
    esquema: Esquema,
    tabla: _Tabla,
    mapeo: Mapping[str, str | None] | None,
    guia: Guia | None,
    debajo: list[tuple[int, Sequence[object]]],
    eleccion: _Eleccion,
) -> _Columnas:
    """The field each column feeds: as the header names it, or as the clerk said (``guia``, by
    position; ``mapeo``, by name); one column per field."""
    auto = tabla.auto
    if guia is not None:  # by position: the columns' names are known only now
        auto = _de_guia(esquema, tabla.columnas, guia)
    elif mapeo is not None:
        auto.update({col: campo for col, campo in mapeo.items() if col in auto})
    if guia is None and mapeo is None:  # the clerk's choice stands as given
        return _una_columna_por_campo(
            esquema,
            auto,
            tabla.encabezados,
            # The rows the clerk sees: a hidden one is never read, nor compared.
            [f for f in debajo if f[0] not in eleccion.todas_las_ocultas],
            eleccion.columnas_ocultas,
        )
    return _primera_dada(auto), {}, []


def _de_guia(esquema: Esquema, columnas: tuple[str, ...], guia: Guia) -> dict[str, str | None]:
    """Each column's field as the guide gives them, in the columns' order."""
    claves = {c.clave for c in esquema.campos}
    return {
        col: (campo if campo in claves else None)
        for col, campo in zip(columnas, chain(guia.campos, repeat(None)), strict=False)
    }


def _primera_dada(auto: dict[str, str | None]) -> dict[str, str | None]:
    """One column per field: the first the clerk gave it."""
    usados: set[str] = set()
    final: dict[str, str | None] = {}
    for col, campo in auto.items():
        final[col] = campo if campo and campo not in usados else None
        if campo:
            usados.add(campo)
    return final


def _una_columna_por_campo(
    esquema: Esquema,
    auto: dict[str, str | None],
    encabezados: Sequence[str],
    muestra: list[tuple[int, Sequence[object]]],
    ocultas: frozenset[int],
) -> _Columnas:
    """Each field's column when several name it, whatever their titles (the same one twice, an
    alias, another case): a visible one over hidden ones; among several visible (or only
    hidden) ones, the one under the field's own title (else the first), if their values agree
    on the rows looked at (and, as the rest are read, on every row: ``_coinciden``); else none,
    and the clerk chooses (``columnas_ambiguas``)."""
    columnas = list(auto)
    por_campo = _por_campo(auto)
    final = _sin_repetidas(auto, por_campo)
    ambiguas: dict[str, tuple[str, ...]] = {}
    coinciden: list[tuple[int, int]] = []
    titulos = {c.clave: header_key(c.titulo) for c in esquema.campos}
    normalizar = {c.clave: c.normalizar for c in esquema.campos}
    for campo, indices in por_campo.items():
        if len(indices) < 2:
            continue
        candidatas = [i for i in indices if i not in ocultas] or indices
        elegida = _elegida(
            candidatas, encabezados, titulos[campo], muestra, normalizar[campo], coinciden
        )
        if elegida is None:
            ambiguas[campo] = tuple(columnas[i] for i in candidatas)
        else:
            final[columnas[elegida]] = campo
    return final, ambiguas, coinciden


def _elegida(
    candidatas: list[int],
    encabezados: Sequence[str],
    titulo: str,
    muestra: list[tuple[int, Sequence[object]]],
    normalizar: Callable[[object], object] | None,
    coinciden: list[tuple[int, int]],
) -> int | None:
    """The one of a field's columns it is read from (None: they disagree, the clerk chooses):
    the one under the field's own title (else the first), the others held to agree with it."""
    if len(candidatas) == 1:
        return candidatas[0]
    propias = [i for i in candidatas if header_key(encabezados[i]) == titulo]
    primera = (propias or candidatas)[0]
    otras = [otra for otra in candidatas if otra != primera]
    if any(_difiere(muestra, primera, otra, normalizar) is not None for otra in otras):
        return None
    coinciden.extend((primera, otra) for otra in otras)
    return primera


def _por_campo(auto: dict[str, str | None]) -> dict[str, list[int]]:
    """Each field named and the columns (by index) that name it."""
    por_campo: dict[str, list[int]] = {}
    for i, campo in enumerate(auto.values()):
        if campo:
            por_campo.setdefault(campo, []).append(i)
    return por_campo


def _sin_repetidas(
    auto: dict[str, str | None], por_campo: dict[str, list[int]]
) -> dict[str, str | None]:
    """Each column's field, None where several columns name it (chosen apart)."""
    return {col: None if campo in por_campo and len(por_campo[campo]) > 1 else campo
            for col, campo in auto.items()}  # fmt: skip
