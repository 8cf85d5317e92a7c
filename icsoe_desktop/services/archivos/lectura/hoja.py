"""Sheet: the one of a workbook the clerk means."""

from __future__ import annotations

from contextlib import closing
from itertools import islice
from typing import TYPE_CHECKING, Any

from icsoe_desktop.services.archivos.lectura.esquema import FILAS_MUESTRA, Esquema, _Eleccion
from icsoe_desktop.services.archivos.tabular import cell_text

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.xlsx_reader import LibroAbierto, Rows


def _elegir_hoja(
    libro: LibroAbierto, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> Rows:
    """The rows of the sheet read, ``eleccion`` filled: the workbook's sheets, the one chosen,
    and its hidden columns and rows."""
    eleccion.visibles = tuple(libro.visibles)
    eleccion.ocultas = tuple(n for n, visible in libro.hojas if not visible)
    elegidas = _hoja_elegida(libro, esquema, hoja, eleccion)
    if eleccion.hoja is not None:
        eleccion.columnas_ocultas, eleccion.filas_ocultas = libro.ocultas(eleccion.hoja)
        eleccion.todas_las_ocultas = libro.filas_ocultas(eleccion.hoja)
    return elegidas


def _hoja_elegida(
    libro: LibroAbierto, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> Rows:
    """The rows of the sheet the clerk means: ``hoja`` if given; else, among the visible
    sheets, the one the workbook opens on if it has the header, else the one that has it; with
    several that have it, the first is read for the assistant to show and ``eleccion.ambiguas``
    names them (a workbook that does not say which sheet it opens on, as an .ods saved without
    a window, gives its first sheet no precedence). The sheets looked at are read once (their
    first rows kept)."""
    if hoja is not None or len(libro.visibles) <= 1:
        eleccion.hoja = hoja or libro.por_omision()
        return libro.rows(eleccion.hoja)
    vistas, elegida = _vistas(libro, esquema)
    if elegida is None:
        elegida = _con_encabezado(vistas, esquema, eleccion)
    for i, (_, _, filas) in enumerate(vistas):
        if i != elegida:
            filas.close()
    nombre, muestra, filas = vistas[elegida]
    eleccion.hoja = nombre
    return _seguidas(muestra, filas)


# A sheet looked at: its name, its first rows, the rest of them.
_Vista = tuple[str, list[tuple[int, tuple[Any, ...]]], "Rows"]


def _vistas(libro: LibroAbierto, esquema: Esquema) -> tuple[list[_Vista], int | None]:
    """The visible sheets' first rows, the one the workbook opens on first, looked at until
    that one has the header (then it is the one: 0)."""
    activa = libro.activa
    orden = [h for h in libro.visibles if h != activa]
    if activa is not None:
        orden.insert(0, activa)
    vistas: list[_Vista] = []
    for nombre in orden:
        filas = libro.rows(nombre)
        muestra = list(islice(filas, FILAS_MUESTRA))
        vistas.append((nombre, muestra, filas))
        if nombre == activa and _tiene_encabezado(esquema, muestra):
            return vistas, 0
    return vistas, None


def _con_encabezado(vistas: list[_Vista], esquema: Esquema, eleccion: _Eleccion) -> int:
    """The first sheet with the header (else the first); with several, they are the clerk's
    choice (``eleccion.ambiguas``)."""
    con_encabezado = [
        i for i, (_, muestra, _) in enumerate(vistas) if _tiene_encabezado(esquema, muestra)
    ]
    if len(con_encabezado) > 1:
        eleccion.ambiguas = tuple(vistas[i][0] for i in con_encabezado)
    return con_encabezado[0] if con_encabezado else 0


def _seguidas(muestra: list[tuple[int, tuple[Any, ...]]], filas: Rows) -> Rows:
    """The rows already read, then the rest; closing it closes the sheet's reader."""
    with closing(filas):
        yield from muestra
        yield from filas


def _tiene_encabezado(esquema: Esquema, muestra: list[tuple[int, tuple[Any, ...]]]) -> bool:
    """A row among ``muestra`` names every required field of ``esquema``."""
    requeridos = {c.clave for c in esquema.campos if c.requerido}
    for _, values in muestra:
        nombrados = {
            campo for v in values if v is not None and (campo := esquema.campo_de(cell_text(v)))
        }
        if requeridos <= nombrados:
            return True
    return False
