"""One intake for every table a clerk brings (a CSV from any program, or an .xlsx): the file as
Excel or a nómina system writes it, read into rows of cells with the row number of the sheet,
each field at the place ``Lectura.posicion`` says.

What it accepts, so that no importer has to:

- **Title rows and blank rows above the header.** The header is the row, among the first
  ``FILAS_MUESTRA``, that names the most of the importer's fields; what is above it is left out.
  An importer that allows it (``Esquema.sin_encabezado``) also takes a file without a header, its
  columns in the order of ``Esquema.campos``.
- **Columns by name, in any order, with the names people use.** A header is compared by
  ``header_key`` (no case, accents, dots or spaces: «N.S.S.» is «NSS», «Salario Base de
  Cotización» is «salariobasedecotizacion») against each field's title and aliases
  (``ALIAS`` holds the common ones). Columns no field takes are named in a note
  («No se usan las columnas: Nombre, Departamento»).
- **Total and summary rows** (a first cell «TOTAL», «Total general», «Suma…», «Subtotal», or a
  row with only a number where the worker's data go) are left out, each with its reason; and
  so is what lies under the table (``_FinDeTabla``: «Elaboró: ____» under the TOTAL row).
- **Hidden rows** (by a filter or by hand, as the workbook records them) are never data: each
  is left out with its reason («oculta por un filtro», «oculta»).
- **Values as written:** pesos are read by the domain's ``dinero`` (domain/importes.py, one
  reading for files and forms: «$1,234.56», «1,234.56», «1234.5»; an ambiguous «1.234,56» refused
  with a message), through each field's parser, so each importer makes a problem of the row;
  ``ceros`` restores the leading zeros Excel drops (NSS and registros patronales: 11, códigos
  postales: 5); ``catalogo`` reads «08», «8», «Reingreso» and «08 Reingreso» as the code «08». A
  field's ``normalizar`` is applied as rows are read (it never raises), once per distinct value
  of a column; a column whose values are all as it leaves them (``ceros``' ``normales``: eleven
  digits) is not read value by value.

The API (an assistant window shows a ``Lectura`` and lets the clerk correct it):

- ``leer(path, esquema, mapeo=None, fila_encabezado=None) -> Lectura``. ``mapeo`` (column as
  named in ``Lectura.columnas`` → field key or None) and ``fila_encabezado`` (the sheet's row
  number; ``SIN_ENCABEZADO`` for columns by position) override what was guessed: reading again
  with the clerk's corrections is calling ``leer`` again with them. ``guia=Guia(row, fields by
  position)`` does the same with the assistant's answer (``Lectura.guia``), the form each
  importer's service takes and services/archivos/mapeos.py remembers.
- ``Lectura.incierta``: the intake could not read it by itself (a required field without a
  column, columns by position on a guess): the assistant opens. ``Lectura.formas()``: the shape
  each of the first rows would have as the header, to find a remembered one under other titles.
- ``Lectura.filas_crudas``: the first rows as they are in the file (sheet row, cells as text);
  ``fila_encabezado``; ``columnas`` and ``mapeo`` (every column and the field it feeds, None: not
  used); ``faltantes`` (required fields no column feeds); ``no_usadas``; ``forma``: a stable key of
  the normalised header, to remember a corrected mapping per empresa for files of the same shape.
- ``Lectura.filas()``: an iterator of ``(sheet row, cells)``, read as needed, a small block at a
  time (memory does not grow with the file). No dict per row: ``Lectura.posicion(field key)`` is
  where a field is in ``cells`` (its column; a field no column feeds reads None there),
  ``Lectura.valores(*keys)`` gives a row's cells of those fields, ``Lectura.por_campo(cells)`` the
  row as field key → cell (for the few rows an importer looks at closely). With
  ``Esquema.celdas``, ``posicion(CELDAS)`` holds how many cells the row has (a CSV line with a
  comma too many or too few). ``Lectura.omitidas``: ``[(sheet row, reason)]``; the rows above
  the header are there at once, the summary rows as ``filas()`` passes them (complete once it is
  exhausted). ``Lectura.notas()``: the notes a report shows (columns not used, rows left out).
- ``Lectura.exigir_columnas()`` raises the Spanish ``ValidationError`` an importer shows when a
  required field has no column.

Workbooks (.xlsx, .xls, .xlsb, .ods) are read from the sheet the clerk sees: ``Lectura.hoja``,
``hojas_ambiguas`` (several visible sheets with the header: ``Guia.hoja`` chooses); and one
column per field, whatever the columns' titles: ``columnas_ambiguas`` (two visible columns of a
field that disagree: the clerk chooses). Either makes the file uncertain, and ``filas()`` refuses it naming them.

Every bad file raises a ``ValidationError`` with a Spanish message (tabular.py's and
xlsx_reader.py's checks: size, binary, damaged workbook, CSV quoting).

A file goes through the stages in this order, each a module of its own (``leer`` and
``_lectura`` below call them): abrir.py (its kind; a CSV's text and separator, or the
workbook) → hoja.py (the sheet the clerk means, chosen as the first rows are read) →
encabezado.py (the header row, or columns by position) → columnas.py (the field each column
feeds, one column per field) → filas.py (the typed rows, a block at a time; totales.py tells
what is not data). esquema.py holds what an importer declares, valores.py the readings of a
value as written, modelo.py the ``Lectura`` the stages fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, islice
from pathlib import Path

from icsoe_desktop.services.archivos.lectura.abrir import _abrir, _Filas
from icsoe_desktop.services.archivos.lectura.columnas import _columnas
from icsoe_desktop.services.archivos.lectura.encabezado import _tabla
from icsoe_desktop.services.archivos.lectura.esquema import (
    _FILAS_CRUDAS,
    ALIAS,
    CELDAS,
    FILAS_LADO_A_LADO,
    FILAS_MUESTRA,
    SIN_ENCABEZADO,
    Campo,
    Esquema,
    Guia,
    _Eleccion,
)
from icsoe_desktop.services.archivos.lectura.filas import _filas
from icsoe_desktop.services.archivos.lectura.modelo import OCULTA, OCULTA_FILTRO, Lectura
from icsoe_desktop.services.archivos.lectura.totales import IDENTIFICADORES
from icsoe_desktop.services.archivos.lectura.valores import catalogo, ceros
from icsoe_desktop.services.archivos.tabular import cell_text

__all__ = [
    "ALIAS",
    "CELDAS",
    "FILAS_LADO_A_LADO",
    "FILAS_MUESTRA",
    "IDENTIFICADORES",
    "OCULTA",
    "OCULTA_FILTRO",
    "SIN_ENCABEZADO",
    "Campo",
    "Esquema",
    "Guia",
    "Lectura",
    "catalogo",
    "ceros",
    "leer",
]


def leer(
    path: Path | str,
    esquema: Esquema,
    mapeo: Mapping[str, str | None] | None = None,
    fila_encabezado: int | None = None,
    data: bytes | None = None,
    guia: Guia | None = None,
    hoja: str | None = None,
) -> Lectura:
    """The file at ``path`` (or its bytes in ``data``) read for ``esquema``; see the module's
    docstring. ``guia``: the header row and the columns as the clerk said (or as remembered).
    Raises ValidationError for a file that is no table."""
    path = Path(path)
    if guia is not None:
        hoja = guia.hoja
        if guia.fila_encabezado < 0:  # only the sheet
            guia = None
        else:
            fila_encabezado = guia.fila_encabezado
    eleccion = _Eleccion()
    formato, raw = _abrir(path, data, esquema, hoja, eleccion)
    try:
        return _lectura(path.name, formato, esquema, raw, mapeo, fila_encabezado, guia, eleccion)
    except BaseException:
        raw.close()
        raise


def _lectura(
    nombre: str,
    formato: str,
    esquema: Esquema,
    raw: _Filas,
    mapeo: Mapping[str, str | None] | None,
    fila_encabezado: int | None,
    guia: Guia | None,
    eleccion: _Eleccion,
) -> Lectura:
    """The stages after the file is open: its first rows (the sheet is chosen as they are
    read), the header among them, the columns' fields, then the typed rows as they are asked
    for."""
    muestra_cruda = list(islice(raw, FILAS_MUESTRA))  # fills ``eleccion``
    muestra = [(n, [cell_text(v) for v in values]) for n, values in muestra_cruda]
    tabla = _tabla(
        nombre, esquema, muestra, fila_encabezado, guia is not None, eleccion.filas_ocultas
    )
    debajo = muestra_cruda[tabla.despues :]
    final, ambiguas, coinciden = _columnas(esquema, tabla, mapeo, guia, debajo, eleccion)
    lectura = Lectura(
        nombre,
        formato,
        esquema,
        tuple((n, tuple(cells)) for n, cells in muestra[:_FILAS_CRUDAS]),
        tabla.fila_encabezado,
        tabla.columnas,
        final,
        tabla.omitidas,
        tabla.supuesta,
        eleccion=eleccion,
        columnas_ambiguas=ambiguas,
        _coinciden=tuple(coinciden),
    )
    lectura._filas = _filas(lectura, chain(debajo, raw), raw)
    return lectura
