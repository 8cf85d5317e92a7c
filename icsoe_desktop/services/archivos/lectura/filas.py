"""Typed rows: the rows under the header, a block at a time, with the hidden ones, the totals
and what lies under the table left out, and each field's values normalised."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from itertools import islice, repeat
from operator import itemgetter, setitem
from typing import TYPE_CHECKING

from icsoe_desktop.services.archivos.alcance import FilasOcultas
from icsoe_desktop.services.archivos.lectura.abrir import _Filas
from icsoe_desktop.services.archivos.lectura.modelo import OCULTA, OCULTA_FILTRO
from icsoe_desktop.services.archivos.lectura.totales import (
    _NO_TOTAL,
    IDENTIFICADORES,
    _de_datos,
    _FinDeTabla,
    _resumen,
)
from icsoe_desktop.services.archivos.lectura.valores import _difiere

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.lectura.modelo import Lectura


def _filas(
    lectura: Lectura, rows: Iterator[tuple[int, Sequence[object]]], raw: _Filas
) -> Generator[tuple[int, list[object]], None, None]:
    esquema = lectura.esquema
    columna = {campo: i for i, campo in enumerate(lectura.mapeo.values()) if campo}
    de_columna = {i: campo for campo, i in columna.items()}
    por_clave = {c.clave: c.normalizar for c in esquema.campos}
    coinciden = [(una, otra, por_clave[de_columna[una]]) for una, otra in lectura._coinciden]
    posiciones = [columna.get(c.clave, -1) for c in esquema.campos]
    sin_columna = -1 in posiciones
    ancho = max(posiciones, default=-1) + 1
    # Each read column's normaliser, with the values it already read (a column repeats a few
    # values: the registro, a catalogue's codes).
    normalizar = [
        (i, f, _Memoria(f))
        for c, i in zip(esquema.campos, posiciones, strict=True)
        if (f := c.normalizar) is not None and i >= 0
    ]
    texto = lectura.formato == "CSV"  # every cell text, every row a list
    celdas = esquema.celdas
    # Where a worker's data go: a row empty there and holding a number is a sum.
    datos = [
        i
        for c, i in zip(esquema.campos, posiciones, strict=True)
        if c.requerido and not c.importe and i >= 0
    ]
    # A row whose first cell is one of the worker's data, written and not starting as a total
    # («Total», «Suma», «Gran total», any with an accent or a space first) is data: most rows
    # are, and are told so without _resumen.
    de_datos = 0 in datos
    omitidas = lectura.omitidas
    faltan = (None,) * ancho
    # Where a row says whose it is (an NSS, a CURP, an RFC, an e-mail).
    ids = [
        (i, IDENTIFICADORES[c.clave])
        for c, i in zip(esquema.campos, posiciones, strict=True)
        if c.clave in IDENTIFICADORES and i >= 0
    ]
    # The table may have ended (``_fin_de_tabla``): the rows since, held until a row with an
    # identifier says the table goes on (they are data then) or the file ends (left out).
    fin = _FinDeTabla(bool(ids))
    ocultas = _Ocultas(lectura.eleccion.todas_las_ocultas, omitidas)

    def una_a_una(
        bloque: list[tuple[int, Sequence[object]]],
    ) -> tuple[list[int], list[list[object]]]:
        """The block's data rows, each looked at: sheet rows and cells (at least ``ancho``,
        and how many are written after them with ``celdas``)."""
        numeros: list[int] = []
        filas: list[list[object]] = []
        for number, values in bloque:
            first = values[0] if values else None
            if not (de_datos and first.__class__ is str and first[:1] in _NO_TOTAL):
                motivo = _resumen(values, datos)
                if motivo:
                    fin.total(numeros, filas)
                    omitidas.append((number, motivo))
                    continue
            n = len(values)
            while n:  # up to the last written cell
                last = values[n - 1]
                if last is None or (last.__class__ is str and (not last or last.isspace())):
                    n -= 1
                else:
                    break
            # The read cells past the last written one are None.
            cells = [*values[:n], *faltan[n:]] if n < ancho else list(values)
            if celdas:
                cells.append(n)
            # Only a row past a total, or with one cell written at most (its first empty, or
            # only one), may be past the table's end: most rows are not looked at.
            first = values[0] if n else None
            if (
                fin.activo
                or n < 2
                or first is None
                or (first.__class__ is str and not first.strip())
            ):
                if fin.fuera(number, cells, values, ids):
                    continue
                if fin.activo:
                    fin.sigue(numeros, filas)
            numeros.append(number)
            filas.append(cells)
        return numeros, filas

    # Rows are read a block at a time (small: rows alive cost the garbage collector). A block
    # whose every row starts with a worker's datum and has its widest read cell written (most)
    # is taken whole, any other row by row; then each normalised column of the block is read at
    # once, one reading per distinct value.
    rows = iter(rows)
    with closing(raw):
        while True:
            bloque: list[tuple[int, Sequence[object]]] = []
            error: Exception | None = None
            try:
                bloque.extend(islice(rows, _BLOQUE))
            except Exception as exc:  # the rows read before it are given first
                error = exc
            leidas = len(bloque)
            if ocultas:
                bloque = ocultas.quitar(bloque)
            if bloque:
                numeros: Sequence[int]
                filas: Sequence[list[object]]
                numeros, filas = zip(*bloque, strict=True)
                if fin.activo or not (de_datos and not celdas and _de_datos(filas, ancho)):
                    numeros, filas = una_a_una(bloque)
                elif not texto:
                    filas = list(map(list, filas))  # a sheet's rows are tuples
                for una, otra, f in coinciden:  # before the block is normalised
                    numero = _difiere(zip(numeros, filas, strict=True), una, otra, f)
                    if numero is not None:
                        raise lectura.no_coinciden(numero, una, otra)
                if sin_columna:
                    _todas(map(list.append, filas, repeat(None)))
                for i, f, memoria in normalizar:
                    _normalizar(filas, i, f, memoria, texto)
                yield from zip(numeros, filas, strict=True)
            if error is not None:
                raise error
            if leidas < _BLOQUE:
                fin.dejar_fuera(omitidas)
                return


class _Ocultas:
    """The hidden rows of the sheet read, left out as the rows go by (each with its reason):
    rows come in order, and so do the runs."""

    def __init__(self, ocultas: FilasOcultas, omitidas: list[tuple[int, str]]) -> None:
        self._tramos = ocultas.tramos
        self._k = 0
        self._omitidas = omitidas

    def __bool__(self) -> bool:
        return self._k < len(self._tramos)

    def quitar(
        self, bloque: list[tuple[int, Sequence[object]]]
    ) -> list[tuple[int, Sequence[object]]]:
        tramos, k = self._tramos, self._k
        if not bloque or bloque[-1][0] < tramos[k][0]:
            return bloque  # none of the block's rows is hidden
        visibles = []
        for fila in bloque:
            numero = fila[0]
            while k < len(tramos) and tramos[k][1] <= numero:
                k += 1
            if k < len(tramos) and tramos[k][0] <= numero:
                self._omitidas.append((numero, OCULTA_FILTRO if tramos[k][2] else OCULTA))
            else:
                visibles.append(fila)
        self._k = k
        return visibles


_todas = deque[object](maxlen=0).extend  # runs an iterator through
_BLOQUE = 128
_MEMORIA = 4096
# Kinds of cells no two of which are equal (True == 1 == 1.0): a column of them has a memory.
_CLAVES = frozenset((str, int, type(None)))


class _Memoria(dict[object, object]):
    """A normaliser's reading of each value it was given."""

    def __init__(self, normalizar: Callable[[object], object]) -> None:
        super().__init__()
        self.normalizar = normalizar

    def __missing__(self, value: object) -> object:
        self[value] = read = self.normalizar(value)
        return read


def _normalizar(
    filas: Sequence[list[object]],
    i: int,
    f: Callable[[object], object],
    memoria: _Memoria,
    texto: bool,
) -> None:
    """The ``i``-th cell of a block's rows as ``f`` leaves it."""
    celda = itemgetter(i)
    normales = getattr(f, "normales", None)
    if normales is not None:
        try:
            if normales.fullmatch("\n".join(map(celda, filas))):
                return  # every value as the normaliser leaves it
        except TypeError:  # a cell that is no text
            pass
    valores: Iterable[object] = map(celda, filas)
    if not texto:
        valores = list(valores)
        if not set(map(type, valores)) <= _CLAVES:
            _todas(map(setitem, filas, repeat(i), map(f, valores)))
            return
    _todas(map(setitem, filas, repeat(i), map(memoria.__getitem__, valores)))
    if len(memoria) > _MEMORIA:
        memoria.clear()  # a column of different values (a name) keeps no memory
