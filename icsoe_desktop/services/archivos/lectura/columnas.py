"""Columns: the field each column feeds, one column per field."""

from __future__ import annotations

from collections.abc import Sequence

from icsoe_desktop.services.archivos.lectura.esquema import Esquema
from icsoe_desktop.services.archivos.lectura.valores import _difiere
from icsoe_desktop.services.archivos.tabular import header_key


def _una_columna_por_campo(
    esquema: Esquema,
    auto: dict[str, str | None],
    encabezados: Sequence[str],
    muestra: list[tuple[int, Sequence[object]]],
    ocultas: frozenset[int],
) -> tuple[dict[str, str | None], dict[str, tuple[str, ...]], list[tuple[int, int]]]:
    """Each field's column when several name it, whatever their titles (the same one twice, an
    alias, another case): a visible one over hidden ones; among several visible (or only
    hidden) ones, the one under the field's own title (else the first), if their values agree
    on the rows looked at (and, as the rest are read, on every row: ``_coinciden``); else none,
    and the clerk chooses (``columnas_ambiguas``)."""
    columnas = list(auto)
    por_campo: dict[str, list[int]] = {}
    for i, campo in enumerate(auto.values()):
        if campo:
            por_campo.setdefault(campo, []).append(i)
    final = {col: None if campo in por_campo and len(por_campo[campo]) > 1 else campo
             for col, campo in auto.items()}  # fmt: skip
    ambiguas: dict[str, tuple[str, ...]] = {}
    coinciden: list[tuple[int, int]] = []
    titulos = {c.clave: header_key(c.titulo) for c in esquema.campos}
    normalizar = {c.clave: c.normalizar for c in esquema.campos}
    for campo, indices in por_campo.items():
        if len(indices) < 2:
            continue
        candidatas = [i for i in indices if i not in ocultas] or indices
        propias = [i for i in candidatas if header_key(encabezados[i]) == titulos[campo]]
        primera = (propias or candidatas)[0]
        if len(candidatas) == 1:
            elegida = candidatas[0]
        elif all(
            _difiere(muestra, primera, otra, normalizar[campo]) is None
            for otra in candidatas
            if otra != primera
        ):
            elegida = primera
            coinciden.extend((elegida, otra) for otra in candidatas if otra != elegida)
        else:
            ambiguas[campo] = tuple(columnas[i] for i in candidatas)
            continue
        final[columnas[elegida]] = campo
    return final, ambiguas, coinciden
