"""A far page of a find sorted by Nombre or Apellido Paterno, from the find box's copy and a
few rows: the copy's name orders (espejo.py) begin each key with the nombre (nombre first) or
the primer apellido (IDSE's order), so each match's place in that order nearly gives its place
in the column's. Nearly: the key reads Ñ as N (NUÑEZ sorts after NUZ but its key is NUNEZ's),
a space may end the column or be part of it (MARIA or MARIA DE JESUS), and a key holds only
ANCHO bytes. So the page is found between two bounding texts (``_bajo``, ``_tras``: letters,
an N only where no column has an Ñ after the same beginning, and single spaces between
letters), which a key and its column compare with
alike but for two kinds of movements the column's sort index names (``movimientos_nombres.entre``:
a few seeks): a column with an Ñ where the key has an N (``_con_enie``) and a column that ends
where the text has a space (``_cortos``). How many matches come before the first text is
counted from the keys and those; those equal to it come by id; and the matches between the
two are sorted by SQL by id (``movimientos_nombres.ordenados``: the rows of a name, not the
find's hundreds of thousands), or, when they are most of the movements between the two, read
in order from the column's sort index (``movimientos_nombres.en_orden``: no row read).
A primer apellido empty or beginning with a space (its key begins with the segundo) leaves it
to SQL.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable
from itertools import compress, repeat
from typing import NamedTuple

from sqlalchemy import Connection

from icsoe_desktop.services.movimientos import mascaras
from icsoe_desktop.services.movimientos.espejo import ANCHO, Espejo, OrdenCopia, Seleccion
from icsoe_desktop.services.movimientos.espejo_columnas import de_cada, enesima
from icsoe_desktop.services.movimientos.espejo_nss import marcar
from icsoe_desktop.store import movimientos_nombres

# The sortable columns (their sort column) and the copy's order whose keys begin with each.
ORDENES = {"nombre": "pila", "primer_apellido": "nombre"}
COLUMNAS = frozenset(ORDENES)
assert COLUMNAS == movimientos_nombres.COLUMNAS
# Live movements between the page's two texts up to which they are read in order from the
# column's sort index (~0.5 µs each), per match of the find among them (read by id otherwise:
# each a row, several µs).
POR_INDICE = 4
# The letters a text that bounds the page is written with: a key and its column compare with
# it alike but for an N (the key's N may be the column's Ñ).
_LETRAS = frozenset(b"ABCDEFGHIJKLMOPQRSTUVWXYZ")
_N, _A, _Z, _ESPACIO = ord("N"), ord("A"), ord("Z"), ord(" ")


class Pedido(NamedTuple):
    """What a find's page is read from, taken while the copy is held: the copy's order of
    the column, the find's entries of the copy's orders, and the movements written since as
    (key, id)."""

    columna: str
    orden: OrdenCopia
    tramos: list[tuple[OrdenCopia, int, int, bytes | None]]
    nuevos: list[tuple[bytes, int]]
    total: int


def pedido(copia: Espejo, seleccion: Seleccion, columna: str, total: int) -> Pedido | None:
    """What ``pagina`` needs of a find (``seleccion``, ``total`` movements) sorted by
    ``columna``; None for a movement written since without a name."""
    nuevos = []
    for id_ in seleccion.nuevos:
        nuevo = copia.nuevos.get(id_)
        nombre = (
            None if nuevo is None else nuevo.idse if columna == "primer_apellido" else nuevo.pila
        )
        if nombre is None:
            return None
        nuevos.append((nombre[:ANCHO].ljust(ANCHO, b"\0"), id_))
    orden = copia.ordenes[ORDENES[columna]]
    return Pedido(columna, orden, list(seleccion.tramos), nuevos, total)


class _Suyos(NamedTuple):
    """Some of a find's movements: those read with the copy as their places in its order
    (ascending) and ids (in that order), and the ids of those written since."""

    lugares: array[int]
    ids: list[int]
    nuevos: list[int]


class _Hallados(NamedTuple):
    """A find's movements in a name order: each entry's mark (and a 0 past the last), and
    the keys of the ones written since by id; the store they are in."""

    pedido: Pedido
    marcas: bytearray
    nuevos: dict[int, bytes]
    conn: Connection
    leidos: dict[tuple[str, str | None], _Suyos]

    def entre(self, desde: str, hasta: str | None) -> _Suyos:
        """The find's movements whose column is from ``desde`` up to ``hasta`` (excluded;
        None: equal to ``desde``), by the column's sort index (each range read once)."""
        suyos = self.leidos.get((desde, hasta))
        if suyos is None:
            columna, conn = self.pedido.columna, self.conn
            if hasta is None:
                suyos = self._suyos(movimientos_nombres.iguales(conn, columna, desde))
            else:
                suyos = self._suyos(movimientos_nombres.entre(conn, columna, desde, hasta))
            self.leidos[desde, hasta] = suyos
        return suyos

    def _suyos(self, ids: list[int]) -> _Suyos:
        """Those of ``ids`` that are the find's (a few C loops, no step of Python each)."""
        orden = self.pedido.orden
        fuera = len(self.marcas) - 1  # the 0 past the last entry: no entry
        try:  # one C loop when every id has a place in the copy's order
            dentro: Iterable[int] = de_cada(orden.posicion, ids)
        except IndexError:  # one written since past the copy's ids
            dentro = map(orden.posicion.__getitem__, filter(len(orden.posicion).__gt__, ids))
        lugares = array("I", map(min, dentro, repeat(fuera)))
        suyos = array("I", sorted(compress(lugares, map(self.marcas.__getitem__, lugares))))
        nuevos = [i for i in ids if i in self.nuevos]
        return _Suyos(suyos, list(map(orden.ids.__getitem__, suyos)), nuevos)

    def de_la_busqueda(self, ids: list[int]) -> list[int]:
        """Those of ``ids`` that are the find's, in their order."""
        posicion, marcas, nuevos = self.pedido.orden.posicion, self.marcas, self.nuevos
        n, fuera = len(posicion), len(marcas) - 1
        return [
            i for i in ids if i in nuevos or marcas[min(posicion[i], fuera) if i < n else fuera]
        ]

    def sin_enie(self, comun: bytes) -> bool:
        """Whether no live movement's column begins with ``comun`` and an Ñ (then a key's N
        after ``comun`` is the column's)."""
        texto = comun.decode()
        return not movimientos_nombres.entre(
            self.conn, self.pedido.columna, texto + "Ñ", texto + "Ò"
        )

    def corte(self, clave: bytes) -> int:
        """``_corte`` of ``clave``, an N taken as a letter where no column has an Ñ."""
        j = _corte(clave)
        while j < len(clave) and clave[j] == _N and self.sin_enie(clave[:j]):
            j = _corte(clave, j + 1)
        return j

    def clave(self, n: int) -> bytes:
        """The key of the ``n``-th (from 0) of those read with the copy, in its order."""
        lugar = enesima(self.marcas, n)
        return bytes(self.pedido.orden.claves[lugar * ANCHO : (lugar + 1) * ANCHO])

    def antes(self, texto: bytes, bajo: bytes = b"") -> tuple[int, list[int], list[int]]:
        """How many have a column before ``texto`` (a bounding text: ``_corte``); those of
        them whose key is after it (the column has an Ñ where the key an N); and those whose
        column ends at one of its spaces (MARIA for «MARIA JOSE») but key does not come
        before it (the key goes on with the apellidos), but for those whose column comes
        before ``bajo``."""
        lugar = self.pedido.orden.rango(texto, texto)[0]
        claves = self.marcas.count(1, 0, lugar) + sum(k < texto for k in self.nuevos.values())
        tras: list[int] = []
        for suyos in _con_enie(self, texto):
            tras += suyos.ids + suyos.nuevos
        cortos: list[int] = []
        contados = 0
        for comun, suyos in _cortos(self, texto):
            mios = suyos.ids[bisect_left(suyos.lugares, lugar) :]
            mios += [i for i in suyos.nuevos if self.nuevos[i] >= texto]
            contados += len(mios)
            if comun + b" !" > bajo:
                cortos += mios
        return claves - len(tras) + contados, tras, cortos


def pagina(conn: Connection, p: Pedido, desde: int, hasta: int) -> list[int] | None:
    """The ids at places ``desde``..``hasta`` of the find's order going up ((the column,
    id)), read in one snapshot of ``conn``'s store; None when it cannot tell them."""
    marcas = marcar(p.orden, p.tramos)
    if marcas is None or marcas.count(1) + len(p.nuevos) != p.total:
        return None
    if not 0 <= desde < hasta <= p.total:
        return None
    if p.columna == "primer_apellido" and movimientos_nombres.entre(conn, p.columna, "", "!"):
        return None  # a primer apellido empty or after a space: its key is the segundo's
    marcas.append(0)  # no entry's place
    hallados = _Hallados(p, marcas, {i: k for k, i in p.nuevos}, conn, {})
    bajo, antes, de_bajo = _desde(hallados, desde)
    # Right after ``antes``: the columns equal to ``bajo`` (MARTINEZ), by id.
    iguales = []
    if bajo:
        mismos = hallados.entre(bajo.decode(), None)
        iguales = sorted(mismos.ids + mismos.nuevos)
    if hasta - antes <= len(iguales):
        return iguales[desde - antes : hasta - antes]
    inicio = _tras_los_cortos(hallados, desde, hasta, bajo, antes, de_bajo)
    bajo, antes, de_bajo = inicio.bajo, inicio.antes, inicio.de_bajo
    alto, cortos = _alto(hallados, hasta, inicio)
    antes_de_bajo = set(hallados.antes(bajo)[2])  # their keys are after it: not between
    entre = [i for i in _entre(hallados, bajo, alto) if i not in antes_de_bajo]
    entre += de_bajo + cortos
    if alto is not None and _en_el_indice(hallados, bajo, alto) <= POR_INDICE * len(entre):
        # Mostly the find's: the index's entries between them in order, no row read.
        todos = movimientos_nombres.en_orden(conn, p.columna, bajo.decode(), alto.decode())
        suyos = hallados.de_la_busqueda(todos)[desde - antes : hasta - antes]
        return suyos if len(suyos) == hasta - desde else None
    suyos = movimientos_nombres.ordenados(
        conn,
        p.columna,
        entre,
        bajo.decode(),
        None if alto is None else alto.decode(),
        desde - antes,
        hasta - desde,
    )
    return suyos if len(suyos) == hasta - desde else None


def _desde(hallados: _Hallados, desde: int) -> tuple[bytes, int, list[int]]:
    """A bounding text that at most ``desde`` of the find's movements come before, near
    the ``desde``-th's key; how many come before it, and those whose key does not."""
    # Of the find's movements read with the copy, at most that many more come before the
    # key at that place.
    escritos = len(hallados.nuevos)
    bajo = _bajo(hallados, hallados.clave(max(desde - escritos, 0)))
    antes, de_bajo, _cortos = hallados.antes(bajo)
    while antes > desde:  # columns that end at its spaces come before it: one space fewer
        bajo = bajo.rpartition(b" ")[0]
        antes, de_bajo, _cortos = hallados.antes(bajo)
    return bajo, antes, de_bajo


class _Desde(NamedTuple):
    """Where the page's search starts: a bounding text, how many of the find's movements
    come before it and those of them whose key does not; and the marks whose keys the
    page's end is looked for among (``claves``), from which place on."""

    bajo: bytes
    antes: int
    de_bajo: list[int]
    claves: _Hallados
    lugar: int


def _tras_los_cortos(
    hallados: _Hallados, desde: int, hasta: int, bajo: bytes, antes: int, de_bajo: list[int]
) -> _Desde:
    """``_desde``'s text taken further when the ``desde``-th comes after every column
    that is ``bajo`` but for spaces after it (MARIA), whose keys go on with the apellidos
    among those of the longer ones (MARIA GUADALUPE): the text near the ``desde``-th's key
    among the others' (if at most ``desde`` come before it), the page's end looked for among
    the others' keys too; else the same."""
    mismo = _Desde(bajo, antes, de_bajo, hallados, hasta - 1)
    cortos = hallados.entre(bajo.decode(), bajo.decode() + " !")
    if not bajo or not cortos.ids or antes + len(cortos.ids) + len(cortos.nuevos) > desde:
        return mismo
    otras = bytearray(hallados.marcas)
    deque(map(otras.__setitem__, cortos.lugares, repeat(0)), maxlen=0)
    claves = hallados._replace(marcas=otras)
    orden = hallados.pedido.orden
    lugar = otras.count(1, 0, orden.rango(bajo, bajo)[0]) + desde - antes - len(cortos.ids)
    mas = _bajo(hallados, claves.clave(max(lugar - len(hallados.nuevos), 0)))
    antes_mas, de_mas, _cortos = hallados.antes(mas)
    if mas <= bajo or antes_mas > desde:
        return mismo
    lugar = otras.count(1, 0, orden.rango(mas, mas)[0]) + hasta - 1 - antes_mas
    return _Desde(mas, antes_mas, de_mas, claves, lugar)


def _alto(hallados: _Hallados, hasta: int, desde: _Desde) -> tuple[bytes | None, list[int]]:
    """A bounding text that the columns of ``hasta`` of the find's movements or more come
    before (None: no end), near the ``hasta``-th's key, and the find's movements whose column
    comes before it (but not before ``desde``'s) but key does not: a few looked at, the next
    further on by as many as came short (the movements of an Ñ after it: ÑAKI after every
    text of letters but Ñ's)."""
    viejos = desde.claves.marcas.count(1)
    lugar = desde.lugar
    for _ in range(4):
        alto = None if lugar >= viejos else _tras(hallados, desde.claves.clave(lugar))
        if alto is None:
            return None, []
        antes, _tras_alto, cortos = hallados.antes(alto, desde.bajo)
        if antes >= hasta:
            return alto, cortos
        lugar += hasta - antes
    return None, []


def _en_el_indice(hallados: _Hallados, bajo: bytes, alto: bytes) -> int:
    """About how many live movements have a column from ``bajo`` up to ``alto`` (the copy's
    entries whose key is)."""
    orden = hallados.pedido.orden
    return orden.rango(alto, alto)[0] - orden.rango(bajo, bajo)[0] + len(hallados.nuevos)


def _entre(hallados: _Hallados, bajo: bytes, alto: bytes | None) -> list[int]:
    """The ids of the find's movements whose key is from ``bajo`` up to ``alto``."""
    orden = hallados.pedido.orden
    lo = orden.rango(bajo, bajo)[0]
    hi = len(orden.ids) if alto is None else orden.rango(alto, alto)[0]
    ids: list[int] = []
    mascaras.extender(ids, orden.ids[lo:hi], hallados.marcas[lo:hi])
    nuevos = hallados.nuevos.items()
    return ids + [i for i, k in nuevos if bajo <= k and (alto is None or k < alto)]


def _con_enie(hallados: _Hallados, texto: bytes) -> list[_Suyos]:
    """The find's movements whose column has an Ñ where a key before ``texto`` (a bounding
    text) has an N that ``texto`` has a later letter in place of: they come after it."""
    return [
        hallados.entre(texto[:d].decode() + "Ñ", texto[:d].decode() + "Ò")
        for d, letra in enumerate(texto)
        if letra > _N
    ]


def _cortos(hallados: _Hallados, texto: bytes) -> list[tuple[bytes, _Suyos]]:
    """The find's movements whose column ends where ``texto`` (a bounding text) has a space,
    but for spaces (by what it has before that space): they come before it, whatever their
    key goes on with."""
    return [
        (texto[:s], hallados.entre(texto[:s].decode(), texto[:s].decode() + " !"))
        for s, letra in enumerate(texto)
        if letra == _ESPACIO
    ]


def _corte(clave: bytes, desde: int = 0) -> int:
    """How many first bytes of ``clave`` a bounding text may have (those before ``desde``
    taken): _LETRAS, and single spaces each between two letters (the first byte past them:
    an N, another space, a sign…, or the end)."""
    for j in range(desde, len(clave)):
        if clave[j] in _LETRAS:
            continue
        siguiente = clave[j + 1] if j + 1 < len(clave) else 0
        if clave[j] == _ESPACIO and j > 0 and clave[j - 1] != _ESPACIO and _A <= siguiente <= _Z:
            continue
        return j
    return len(clave)


def _bajo(hallados: _Hallados, clave: bytes) -> bytes:
    """A bounding text at or before ``clave`` (a key) and near it."""
    j = hallados.corte(clave)
    if j == len(clave):
        return clave
    if clave[j] == _N:
        return clave[:j] + b"M" + b"Z" * (ANCHO - j - 1)
    if clave[j] > _Z:
        return clave[:j] + b"Z" * (ANCHO - j)
    return clave[:j]  # a space or a sign: before every letter


def _tras(hallados: _Hallados, clave: bytes) -> bytes | None:
    """A bounding text after ``clave`` (a key) and every text it begins, near it; None:
    none (the key begins past Z)."""
    j = hallados.corte(clave)
    if j < len(clave) and clave[j] == _N:
        return clave[:j] + b"O"
    if j < len(clave) and clave[j] < _A:
        return clave[:j] + b"A"
    prefijo = clave[:j]
    while prefijo:
        ultima = prefijo[-1]
        if _A <= ultima < _Z:
            siguiente = ultima + 1 + (ultima + 1 == _N)
            return prefijo[:-1] + bytes([siguiente])
        prefijo = prefijo[:-1]  # a Z, or the space before it
    return None
