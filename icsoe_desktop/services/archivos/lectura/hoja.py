"""Sheet: the one of a workbook the clerk means."""

from __future__ import annotations

from contextlib import closing
from itertools import islice
from typing import TYPE_CHECKING, Any

from icsoe_desktop.services.archivos.lectura.esquema import FILAS_MUESTRA, Esquema, _Eleccion
from icsoe_desktop.services.archivos.tabular import cell_text

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.xlsx_reader import LibroAbierto, Rows


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
    activa = libro.activa
    orden = [h for h in libro.visibles if h != activa]
    if activa is not None:
        orden.insert(0, activa)
    vistas: list[tuple[str, list[tuple[int, tuple[Any, ...]]], Rows]] = []
    elegida = None
    for nombre in orden:
        filas = libro.rows(nombre)
        muestra = list(islice(filas, FILAS_MUESTRA))
        vistas.append((nombre, muestra, filas))
        if nombre == activa and _tiene_encabezado(esquema, muestra):
            elegida = 0
            break
    con_encabezado = [
        i for i, (_, muestra, _) in enumerate(vistas) if _tiene_encabezado(esquema, muestra)
    ]
    if elegida is None:
        elegida = con_encabezado[0] if con_encabezado else 0
        if len(con_encabezado) > 1:
            eleccion.ambiguas = tuple(vistas[i][0] for i in con_encabezado)
    for i, (_, _, filas) in enumerate(vistas):
        if i != elegida:
            filas.close()
    nombre, muestra, filas = vistas[elegida]
    eleccion.hoja = nombre
    return _seguidas(muestra, filas)


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
