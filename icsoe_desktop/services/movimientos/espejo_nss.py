"""A find's movements put in NSS order from the find box's copy alone: the copy's NSS order
(espejo.py) holds every live movement in its index's order, (NSS, id) as SQL's ``ORDER BY``
sorts them, so each match's place in it is its place in the grid's order.

Without it, until the column's order is read (espejo_columnas.py: a second or more of CPU in
a process of its own at a million), a far page of a find sorted by NSS is SQLite's sort of its
matches, each read by id (~0.5 s of CPU for «ma»'s 285,570); here each match's place is
marked in a byte an entry and the marked entries' ids read off in order (byte scans, no step
of Python per entry but one look-up for a match found through a name's order). A movement
written since the copy was read goes where its NSS puts it among the entries.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from itertools import compress, repeat
from typing import NamedTuple

from icsoe_desktop.services.movimientos import mascaras
from icsoe_desktop.services.movimientos.espejo import (
    DIGITOS,
    MUERTO,
    Espejo,
    OrdenCopia,
    Seleccion,
    empacar,
)
from icsoe_desktop.services.movimientos.espejo_columnas import de_cada, enesima
from icsoe_desktop.services.movimientos.hallados import ceder

# The sortable columns (their sort column) it puts in order.
COLUMNAS = frozenset(("nss",))
# Matches looked up in one step (~5 ms of CPU): between two, the interpreter is given back.
TROZO = 1 << 15
# A position no entry holds (espejo.py's _NINGUNA).
_NINGUNA = 0xFFFFFFFF
_MUERTOS = bytes(int(b == MUERTO) for b in range(256))


class Pedido(NamedTuple):
    """What a find's NSS order is read from, taken while the copy is held: the copy's NSS
    order, the find's entries of the copy's orders, and the movements written since as
    (place among the NSS order's entries, NSS, id)."""

    nss: OrdenCopia
    tramos: list[tuple[OrdenCopia, int, int, bytes | None]]
    nuevos: list[tuple[int, str, int]]
    total: int


def pedido(copia: Espejo, seleccion: Seleccion, total: int) -> Pedido | None:
    """What ``en_orden`` needs of a find (``seleccion``, ``total`` movements); None without
    the copy's NSS order, or for a movement written since whose NSS is not a short run of
    digits (its place among the entries' keys would not be exact)."""
    nss = copia.ordenes.get("nss")
    if nss is None:
        return None
    nuevos = []
    for id_ in seleccion.nuevos:
        nuevo = copia.nuevos.get(id_)
        lugar = None if nuevo is None else _lugar(nss, nuevo.nss, id_)
        if nuevo is None or nuevo.nss is None or lugar is None:
            return None
        nuevos.append((lugar, nuevo.nss, id_))
    return Pedido(nss, list(seleccion.tramos), sorted(nuevos, key=lambda n: n[1:]), total)


def _lugar(nss: OrdenCopia, texto: str | None, id_: int) -> int | None:
    """Where a movement of this NSS and id goes among ``nss``'s entries (before the entry at
    the place given); None when its key would not tell it from another NSS (DIGITOS digits
    or more: a longer NSS has the same key) or it is not digits."""
    if texto is None or not texto.isdigit() or not texto.isascii() or len(texto) >= DIGITOS:
        return None
    clave = empacar([texto.encode()])
    lo, hi = nss.rango(clave, clave)
    return bisect_left(nss.ids, id_, lo, hi)


def en_orden(p: Pedido) -> array[int] | None:
    """The find's ids in NSS order going up (the grid's order: (NSS, id)); None when a match
    is not in the copy's NSS order (a NULL NSS) or they are not ``total``."""
    marcas = marcar(p.nss, p.tramos)
    if marcas is None or marcas.count(1) + len(p.nuevos) != p.total:
        return None
    viejos = array("q", compress(p.nss.ids, marcas))
    if not p.nuevos:
        return viejos
    lugares = array("I", compress(range(len(marcas)), marcas))
    todos: array[int] = array("q")
    hecho = 0
    for lugar, _nss, id_ in p.nuevos:
        antes = bisect_right(lugares, lugar - 1, hecho)
        todos.extend(viejos[hecho:antes])
        todos.append(id_)
        hecho = antes
    todos.extend(viejos[hecho:])
    return todos


def pagina(p: Pedido, desde: int, hasta: int) -> array[int] | None:
    """Places ``desde``..``hasta`` of the find's ids in NSS order going up (as ``en_orden``'s
    slice), read off the marks without putting every match in order (none written since:
    else ``en_orden``); None as ``en_orden``."""
    if p.nuevos:
        todos = en_orden(p)
        return None if todos is None else todos[desde:hasta]
    marcas = marcar(p.nss, p.tramos)
    if marcas is None or marcas.count(1) != p.total:
        return None
    suyos: array[int] = array("q")
    if hasta <= desde or desde >= p.total:
        return suyos
    lugar = enesima(marcas, desde)
    for _ in range(desde, min(hasta, p.total)):
        suyos.append(p.nss.ids[lugar])
        lugar = marcas.find(1, lugar + 1)
    return suyos


def marcar(
    orden: OrdenCopia, tramos: list[tuple[OrdenCopia, int, int, bytes | None]]
) -> bytearray | None:
    """A byte for each entry of ``orden``: 1 for the find's (``tramos``: entries of the
    copy's orders); None when a match is not in it, or its entry there is gone (written
    since, and named by another order's entry: not as read)."""
    marcas = bytearray(len(orden.ids))
    for suya, lo, hi, mascara in tramos:  # first: a slice each (the others are marked in it)
        if suya is orden:
            marcas[lo:hi] = b"\x01" * (hi - lo) if mascara is None else mascara
    for suya, lo, hi, mascara in tramos:
        if suya is orden:
            continue
        ids = suya.ids[lo:hi]
        suyos = ids
        if mascara is not None:
            suyos = array("I")
            mascaras.extender(suyos, ids, mascara)
        for k in range(0, len(suyos), TROZO):
            lugares = array("I", de_cada(orden.posicion, suyos[k : k + TROZO]))
            if _NINGUNA in lugares:
                return None
            deque(map(marcas.__setitem__, lugares, repeat(1)), maxlen=0)
            ceder()
    if orden.muertos and int.from_bytes(marcas) & int.from_bytes(
        orden.registro.translate(_MUERTOS)
    ):
        return None
    return marcas
