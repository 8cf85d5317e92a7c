"""A find's movements put in the order of a column whose term the find box's copy holds
(fecha, estado, tipo, registro patronal: espejo.py keeps a byte or two of each for every
movement), from memory alone: the grid's order ((the column's sort key, id), NULL first going
up), as SQL's ``ORDER BY`` over the same matches gives it.

Without it, until the column's order is read (espejo_columnas.py: a second or more of CPU in
a process of its own at a million), a far page of a find sorted by such a column is SQLite's
sort of its matches, each read by id (0.5-0.8 s of CPU for «ma»'s 285,570); here each match
becomes one integer, its rank in the column and its id, and the integers are sorted.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterator
from heapq import merge
from itertools import compress
from typing import Any, TypeAlias

from icsoe_desktop.services.movimientos import mascaras
from icsoe_desktop.services.movimientos.espejo import Espejo, Nuevo, OrdenCopia, Seleccion
from icsoe_desktop.services.movimientos.espejo_columnas import IGUALES
from icsoe_desktop.services.movimientos.hallados import ceder
from icsoe_desktop.store.models.movimientos import sort_rank

# The sortable columns (their sort column) whose term the copy holds.
COLUMNAS = frozenset(("fecha", "estado", "tipo", "registro_patronal"))
# A fecha's rank: its day counted from the copy's first plus this (a movement written since
# may be dated before it), over 0: NULL's.
_DIA_CERO = 1 << 20
_BAJO = 0xFFFFFFFF
# A rank's movements up to which its page is read by sorting them, not by marking their ids in
# a byte a movement.
POCOS = 20_000
# Movements sorted or counted in one step (~5 ms of CPU): between two, the interpreter is
# given back (the window's thread waits for it).
TROZO = 1 << 15
# Each movement's rank: a byte but for fecha's.
Rangos: TypeAlias = "array[int] | bytearray"


def claves(copia: Espejo, seleccion: Seleccion, columna: str, total: int) -> list[int] | None:
    """A find's movements (``seleccion``, ``total`` of them) as integers that sort in
    ``columna``'s order going up (``en_orden`` gives their ids back); None when they are not
    ``total``, or an id does not fit in 32 bits. Read while ``copia`` is held (bringing it up
    to date changes its arrays)."""
    rango = _rangos(copia, columna)
    todas: list[int] = []
    for orden, lo, hi, mascara in seleccion.tramos:
        suyas = _claves(orden, lo, hi, columna, rango)
        mascaras.extender(todas, suyas, mascara)
    for id_ in seleccion.nuevos:
        nuevo = copia.nuevos.get(id_)
        if nuevo is None or id_ > _BAJO:
            return None
        todas.append(_rango_nuevo(nuevo, columna, rango) << 32 | id_)
    return todas if len(todas) == total else None


def rangos(
    copia: Espejo, seleccion: Seleccion, columna: str, total: int
) -> tuple[array[int], Rangos] | None:
    """A find's movements' ids (``seleccion``, ``total`` of them) and each one's rank in
    ``columna`` (a byte each but for fecha; ``pagina`` puts a page of them in order); None as
    ``claves``. Read while ``copia`` is held."""
    rango = _rangos(copia, columna)
    ids: array[int] = array("I")
    suyos: Rangos = array("I") if columna == "fecha" else bytearray()
    for orden, lo, hi, mascara in seleccion.tramos:
        de_ids, de_rangos = orden.ids[lo:hi], _rangos_de(orden, lo, hi, columna, rango)
        mascaras.extender(ids, de_ids, mascara)
        mascaras.extender(suyos, de_rangos, mascara)
    for id_ in seleccion.nuevos:
        nuevo = copia.nuevos.get(id_)
        if nuevo is None or id_ > _BAJO:
            return None
        ids.append(id_)
        suyos.append(_rango_nuevo(nuevo, columna, rango))
    return (ids, suyos) if len(ids) == total else None


def pagina(ids: array[int], rangos: Rangos, desde: int, hasta: int) -> array[int]:
    """The ids at places ``desde``..``hasta`` of the order (rank, id) of ``ids`` (``rangos``:
    each one's rank), without putting them all in order: the key (rank, id) read a byte at a
    time from its highest, each byte's values counted in order over the movements still in
    play (``count`` over a lane of bytes) and only those whose byte holds the page kept for
    the next one (``compress``). No step of Python per movement: «ma»'s 285,570 by Estado
    take ~10 ms of CPU, where counting every rank and marking every id of the page's rank
    took ~50."""
    suyos: array[int] = array("q")
    if hasta <= desde or not len(ids):
        return suyos
    if isinstance(rangos, bytearray):
        ancho, crudos = 1, bytes(rangos)
    else:
        ancho, crudos = rangos.itemsize, _bytes(rangos)
    _elegir(ids, crudos, ancho, ancho - 1, desde, hasta, suyos)
    return suyos


def _elegir(
    ids: array[int],
    crudos: bytes,
    ancho: int,
    byte: int,
    desde: int,
    hasta: int,
    suyos: array[int],
) -> None:
    """Places ``desde``..``hasta`` (of ``len(ids)``) of the order (rank, id) appended to
    ``suyos``: ``crudos`` holds each one's rank (``ancho`` little-endian bytes), ``byte`` the
    rank's byte looked at now (below 0: their ranks are equal, the ids decide)."""
    if byte < 0:
        suyos.extend(_por_id(ids, desde, hasta))
        return
    lane = crudos[byte::ancho] if ancho > 1 else crudos
    if lane.count(lane[0]) == len(lane):  # one value: the next byte decides
        _elegir(ids, crudos, ancho, byte - 1, desde, hasta, suyos)
        return
    for dentro, lo, hi in _valores(lane, desde, hasta):
        de_ids = array("I", compress(ids, dentro))
        de_crudos = b"" if byte == 0 else _de_ancho(crudos, ancho, dentro)
        _elegir(de_ids, de_crudos, ancho, byte - 1, lo, hi, suyos)


def _valores(lane: bytes, desde: int, hasta: int) -> Iterator[tuple[bytes, int, int]]:
    """The byte values of ``lane`` going up whose places hold some of places ``desde``..
    ``hasta`` of the order: for each, which places hold it (1 or 0 each, for ``compress``)
    and the part of ``desde``..``hasta`` that falls among them."""
    antes = 0
    for valor in range(256):
        if valor not in lane:
            continue
        n = lane.count(valor)
        if antes + n > desde:
            yield lane.translate(IGUALES[valor]), max(desde - antes, 0), min(hasta - antes, n)
        antes += n
        if antes >= hasta:
            return


def _de_ancho(crudos: bytes, ancho: int, dentro: bytes) -> bytes:
    """The records of ``ancho`` bytes (more than one: a single byte's rank is read last)
    of ``crudos`` whose byte in ``dentro`` is 1."""
    tipo = {2: "H", 4: "I", 8: "Q"}[ancho]
    return _bytes(array(tipo, compress(_de_bytes(tipo, crudos), dentro)))


def _por_id(ids: array[int], desde: int, hasta: int) -> list[int]:
    """Places ``desde``..``hasta`` of ``ids`` in ascending order: read a byte of the id at a
    time, as the ranks (``_elegir``), the few left sorted."""
    if hasta <= desde:
        return []
    if len(ids) <= POCOS:
        return sorted(ids)[desde:hasta]
    suyos: array[int] = array("q")
    crudos = _bytes(array("I", ids))
    _elegir_ids(array("I", ids), crudos, 3, desde, hasta, suyos)
    return suyos.tolist()


def _elegir_ids(
    ids: array[int], crudos: bytes, byte: int, desde: int, hasta: int, suyos: array[int]
) -> None:
    """Places ``desde``..``hasta`` of ``ids`` (``crudos``: their 4 little-endian bytes each)
    in ascending order appended to ``suyos``, a byte of the id at a time from its highest."""
    if len(ids) <= POCOS or byte < 0:
        suyos.extend(sorted(ids)[desde:hasta])
        return
    lane = crudos[byte::4]
    if lane.count(lane[0]) == len(lane):
        _elegir_ids(ids, crudos, byte - 1, desde, hasta, suyos)
        return
    for dentro, lo, hi in _valores(lane, desde, hasta):
        de_ids = array("I", compress(ids, dentro))
        _elegir_ids(de_ids, _bytes(de_ids), byte - 1, lo, hi, suyos)


def en_orden(claves: list[int]) -> array[int]:
    """The ids of ``claves`` (sorted here) in their order: sorted a part of TROZO at a time
    and the parts merged, so that no single step holds the interpreter for long (one sort of
    «ma»'s 285,570 held it 70 ms, and on a busy machine the window waited for it ~0.6 s)."""
    partes = []
    for k in range(0, len(claves), TROZO):
        partes.append(sorted(claves[k : k + TROZO]))
        ceder()
    return _bajos(array("Q", merge(*partes)))


def _rangos(copia: Espejo, columna: str) -> bytes:
    """Each code's rank among the column's values (``columna`` other than fecha): 0 for a
    value whose sort key is NULL, then 1, 2… as the keys go up (equal keys, equal ranks)."""
    if columna == "fecha":
        return b""
    codigos: dict[Any, int]
    valor: Callable[[Any], Any]
    if columna == "registro_patronal":
        codigos, valor = copia.registros, lambda v: v
    else:
        parte = 0 if columna == "tipo" else 1
        codigos, valor = copia.grupos, lambda v: v.split("|")[parte]
    llaves = {codigo: sort_rank(columna, valor(v)) for v, codigo in codigos.items()}
    distintas = sorted({llave for llave in llaves.values() if llave != (0, 0)})
    rango = {llave: k + 1 for k, llave in enumerate(distintas)}
    tabla = bytearray(256)
    for codigo, llave in llaves.items():
        tabla[codigo] = rango.get(llave, 0)
    return bytes(tabla)


def _rango_nuevo(nuevo: Nuevo, columna: str, rango: bytes) -> int:
    """The rank in ``columna`` of a movement written since the copy was read."""
    if columna == "fecha":
        return 0 if nuevo.dia is None else max(nuevo.dia + _DIA_CERO, 1)
    return rango[nuevo.registro if columna == "registro_patronal" else nuevo.grupo]


def _rangos_de(orden: OrdenCopia, lo: int, hi: int, columna: str, rango: bytes) -> array[int]:
    """The ranks in ``columna`` of entries ``lo``..``hi`` of ``orden`` (built a byte lane at a
    time: one Python operation per lane, not per entry)."""
    if columna != "fecha":
        valores = orden.registro if columna == "registro_patronal" else orden.grupo
        return array("B", valores[lo:hi].translate(rango))
    dias = bytearray(4 * (hi - lo))
    dias[0::4] = orden.dia[lo:hi]
    dias[1::4] = orden.tramo[lo:hi]
    dias[2::4] = bytes([_DIA_CERO >> 16]) * (hi - lo)
    return _de_bytes("I", bytes(dias))


def _claves(orden: OrdenCopia, lo: int, hi: int, columna: str, rango: bytes) -> array[int]:
    """Entries ``lo``..``hi`` of ``orden`` as integers (rank << 32 | id), a lane at a time."""
    ids, rangos = _bytes(orden.ids[lo:hi]), _rangos_de(orden, lo, hi, columna, rango)
    juntos = bytearray(8 * (hi - lo))
    for k in range(4):
        juntos[k::8] = ids[k::4]
    ancho, suyos = rangos.itemsize, _bytes(rangos)
    for k in range(ancho):
        juntos[4 + k :: 8] = suyos[k::ancho]
    return _de_bytes("Q", bytes(juntos))


def _bajos(claves: array[int]) -> array[int]:
    """The ids in ``claves`` (their low 32 bits), in their order."""
    crudos = _bytes(claves)
    bajos = bytearray(4 * len(claves))
    for k in range(4):
        bajos[k::4] = crudos[k::8]
    return array("q", _de_bytes("I", bytes(bajos)))


def _bytes(valores: array[int]) -> bytes:
    """``valores`` as little-endian bytes."""
    if sys.byteorder == "big":
        valores = array(valores.typecode, valores)
        valores.byteswap()
    return valores.tobytes()


def _de_bytes(tipo: str, crudos: bytes) -> array[int]:
    """An array of ``tipo`` from little-endian bytes."""
    valores = array(tipo, crudos)
    if sys.byteorder == "big":
        valores.byteswap()
    return valores
