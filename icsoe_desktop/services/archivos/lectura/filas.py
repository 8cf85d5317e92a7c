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
    """The rows under the header, typed. Rows are read a block at a time (small: rows alive
    cost the garbage collector); the hidden ones are left out as they go by."""
    lugar = _Lugar(lectura)
    fin = _FinDeTabla(bool(lugar.ids))
    ocultas = _Ocultas(lectura.eleccion.todas_las_ocultas, lectura.omitidas)
    una_a_una = _UnaAUna(lugar, fin, lectura.omitidas)
    rows = iter(rows)
    with closing(raw):
        while True:
            bloque, error = _bloque(rows)
            leidas = len(bloque)
            if ocultas:
                bloque = ocultas.quitar(bloque)
            if bloque:
                yield from _tipadas(lectura, lugar, fin, bloque, una_a_una)
            if error is not None:
                raise error
            if leidas < _BLOQUE:
                fin.dejar_fuera(lectura.omitidas)
                return


def _bloque(
    rows: Iterator[tuple[int, Sequence[object]]],
) -> tuple[list[tuple[int, Sequence[object]]], Exception | None]:
    """The next rows, and the error that stopped them: the rows read before it are given
    first."""
    bloque: list[tuple[int, Sequence[object]]] = []
    try:
        bloque.extend(islice(rows, _BLOQUE))
    except Exception as exc:
        return bloque, exc
    return bloque, None


class _Lugar:
    """Where each field is in a row read, and what the rows' reading needs of the schema."""

    def __init__(self, lectura: Lectura) -> None:
        esquema = lectura.esquema
        columna = {campo: i for i, campo in enumerate(lectura.mapeo.values()) if campo}
        self.coinciden = _coinciden(lectura, columna)
        posiciones = [columna.get(c.clave, -1) for c in esquema.campos]
        self.sin_columna = -1 in posiciones
        self.ancho = ancho = max(posiciones, default=-1) + 1
        # Each read column's normaliser, with the values it already read (a column repeats a
        # few values: the registro, a catalogue's codes).
        self.normalizar = _normalizadores(lectura, posiciones)
        self.texto = lectura.formato == "CSV"  # every cell text, every row a list
        self.celdas = esquema.celdas
        # Where a worker's data go: a row empty there and holding a number is a sum.
        self.datos = _datos(lectura, posiciones)
        # A row whose first cell is one of the worker's data, written and not starting as a
        # total («Total», «Suma», «Gran total», any with an accent or a space first) is data:
        # most rows are, and are told so without _resumen.
        self.de_datos = 0 in self.datos
        self.faltan = (None,) * ancho
        # Where a row says whose it is (an NSS, a CURP, an RFC, an e-mail).
        self.ids = _ids(lectura, posiciones)


def _coinciden(
    lectura: Lectura, columna: dict[str, int]
) -> list[tuple[int, int, Callable[[object], object] | None]]:
    """The columns that must agree on every row, with their field's normaliser."""
    de_columna = {i: campo for campo, i in columna.items()}
    por_clave = {c.clave: c.normalizar for c in lectura.esquema.campos}
    return [(una, otra, por_clave[de_columna[una]]) for una, otra in lectura._coinciden]


def _normalizadores(
    lectura: Lectura, posiciones: list[int]
) -> list[tuple[int, Callable[[object], object], _Memoria]]:
    return [
        (i, f, _Memoria(f))
        for c, i in zip(lectura.esquema.campos, posiciones, strict=True)
        if (f := c.normalizar) is not None and i >= 0
    ]


def _datos(lectura: Lectura, posiciones: list[int]) -> list[int]:
    return [
        i
        for c, i in zip(lectura.esquema.campos, posiciones, strict=True)
        if c.requerido and not c.importe and i >= 0
    ]


def _ids(lectura: Lectura, posiciones: list[int]) -> list[tuple[int, Callable[[str], bool]]]:
    return [
        (i, IDENTIFICADORES[c.clave])
        for c, i in zip(lectura.esquema.campos, posiciones, strict=True)
        if c.clave in IDENTIFICADORES and i >= 0
    ]


def _tipadas(
    lectura: Lectura,
    lugar: _Lugar,
    fin: _FinDeTabla,
    bloque: list[tuple[int, Sequence[object]]],
    una_a_una: _UnaAUna,
) -> Iterator[tuple[int, list[object]]]:
    """A block's data rows, typed. A block whose every row starts with a worker's datum and has
    its widest read cell written (most) is taken whole, any other row by row; then each
    normalised column of the block is read at once, one reading per distinct value."""
    numeros: Sequence[int]
    filas: Sequence[list[object]]
    numeros, filas = zip(*bloque, strict=True)
    if fin.activo or not (lugar.de_datos and not lugar.celdas and _de_datos(filas, lugar.ancho)):
        numeros, filas = una_a_una(bloque)
    elif not lugar.texto:
        filas = list(map(list, filas))  # a sheet's rows are tuples
    for una, otra, f in lugar.coinciden:  # before the block is normalised
        numero = _difiere(zip(numeros, filas, strict=True), una, otra, f)
        if numero is not None:
            raise lectura.no_coinciden(numero, una, otra)
    if lugar.sin_columna:
        _todas(map(list.append, filas, repeat(None)))
    for i, f, memoria in lugar.normalizar:
        _normalizar(filas, i, f, memoria, lugar.texto)
    return zip(numeros, filas, strict=True)


def _escritas(values: Sequence[object]) -> int:
    """How many cells a row has up to its last written one."""
    n = len(values)
    while n:
        last = values[n - 1]
        if last is None or (last.__class__ is str and (not last or last.isspace())):
            n -= 1
        else:
            break
    return n


class _UnaAUna:
    """A block's data rows, each looked at: sheet rows and cells (at least ``ancho``, and how
    many are written after them with ``celdas``)."""

    def __init__(self, lugar: _Lugar, fin: _FinDeTabla, omitidas: list[tuple[int, str]]) -> None:
        self._lugar = lugar
        self._fin = fin
        self._omitidas = omitidas
        self._de_datos, self._datos, self._ids = lugar.de_datos, lugar.datos, lugar.ids

    def __call__(
        self, bloque: list[tuple[int, Sequence[object]]]
    ) -> tuple[list[int], list[list[object]]]:
        numeros: list[int] = []
        filas: list[list[object]] = []
        ancho, faltan, celdas = self._lugar.ancho, self._lugar.faltan, self._lugar.celdas
        total, fuera = self._total, self._fuera  # (a row at a time: looked up once)
        for number, values in bloque:
            if total(number, values, numeros, filas):
                continue
            n = _escritas(values)
            # The read cells past the last written one are None.
            cells = [*values[:n], *faltan[n:]] if n < ancho else list(values)
            if celdas:
                cells.append(n)
            if fuera(number, n, cells, values, numeros, filas):
                continue
            numeros.append(number)
            filas.append(cells)
        return numeros, filas

    def _total(
        self,
        number: int,
        values: Sequence[object],
        numeros: list[int],
        filas: list[list[object]],
    ) -> bool:
        """Whether the row is a total or summary row (left out, with its reason)."""
        first = values[0] if values else None
        if self._de_datos and first.__class__ is str and first[:1] in _NO_TOTAL:
            return False
        motivo = _resumen(values, self._datos)
        if not motivo:
            return False
        self._fin.total(numeros, filas)
        self._omitidas.append((number, motivo))
        return True

    def _fuera(
        self,
        number: int,
        n: int,
        cells: list[object],
        values: Sequence[object],
        numeros: list[int],
        filas: list[list[object]],
    ) -> bool:
        """Whether the row is held as past the table's end. Only a row past a total, or with
        one cell written at most (its first empty, or only one), may be: most rows are not
        looked at."""
        fin = self._fin
        first = values[0] if n else None
        if not (
            fin.activo or n < 2 or first is None or (first.__class__ is str and not first.strip())
        ):
            return False
        if fin.fuera(number, cells, values, self._ids):
            return True
        if fin.activo:
            fin.sigue(numeros, filas)
        return False


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
