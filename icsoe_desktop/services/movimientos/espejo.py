"""A copy of the find box's orders in memory, so that a find under any panel filter is counted
in milliseconds the first time it is asked. By SQL such a count reads the row of each match
(~240 ms for «ma»'s 285,570 at a million real-shaped movements) and an index holding the
filter's columns would still walk 285,570 entries, where the store has no room left for one.

Each order of a find index (the name in IDSE's order, nombre first, the NSS) is kept as arrays
in that order: each movement's key (the first bytes of its term, as the index compares them:
UTF-8 bytes) and one byte per panel term (registro patronal as a code of this store, tipo and
estado as one code, fecha as its day counted from the store's first, in two bytes). A find's
matches are a range of keys (bisect); a filter is each term's byte turned into 0 or 1 with
``bytes.translate``, the terms combined as integers (``&``, ``|``) and counted
(``int.bit_count``). A name found in both orders is counted once: nombre first, each movement
also keeps how many first bytes its two names share; and each order, where each id is in it
and each entry's id (a find's movements, ``hallados``, put in a sortable column's order by
espejo_columnas.py). ~67 bytes a movement (67 MB a million).

A name longer than the keys has the part of its keys' range before and after its matches
counted by the index (from the index alone: ~3 ms for «maria guadalupe g» at a million). Texts it cannot answer
(``contar`` says None) are counted by SQL: a CURP (a date in it: a few hundred rows at most),
a name longer than AMBOS bytes (a whole name: few matches) or past the keys and not ASCII, a
store with more registros or tipo-and-estado pairs than a byte holds, or fechas 179 years
apart.

Built for a store of MINIMO to MAXIMO live movements, asked by the window's first count (and
by each later one: brought up to date after a change then, ``mantener``): for a store of
copia_aparte.APARTE movements or more by a process of its own (copia_aparte.py), else in a
thread of normal priority that reads in slices, gives the interpreter back between them and
waits while the clerk's questions are answered (hallados.py ``seguir_si``);
abandoned when the store is let go of. Used only while current: kept with the store's
``vigencia()`` (store/vigencia.py: asked of the store at each question, so a write by another
program on the same file counts as one of this process, announced or not), and after a change
brought up to date before it answers (never a count from before a change): the movements written since it was read, as
the store records them (store/movimientos_espejo.py), have their old entries marked gone
(their registro byte MUERTO) and their terms now kept beside the arrays (``nuevos``, each
looked at by each count: up to AL_DIA of them). Past that, or when the store's record no
longer reaches back to the copy, it is read again, and SQL counts meanwhile.
"""

from __future__ import annotations

import logging
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from operator import eq, itemgetter, methodcaller
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection

from icsoe_desktop.domain.buscar import NOMBRE, NSS, Termino, siguiente
from icsoe_desktop.services.movimientos import hallados, mascaras
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_espejo as espejo_sql
from icsoe_desktop.store.lectura import Interrumpida
from icsoe_desktop.store.movimientos_paging import Busqueda

log = logging.getLogger(__name__)
T = TypeVar("T")

# Bytes of a name's key: a longer text's range is narrowed by its index's count of the rest.
ANCHO = 12
# How many first bytes of a name's two orders are compared (a name found in both): a longer
# text is counted by SQL (a whole name: few matches).
AMBOS = 32
# An NSS's digits, two a byte (each digit + 1, so that a shorter NSS sorts first, as in text).
DIGITOS = 12
# Days a fecha may be from the store's first (two bytes).
DIAS = 2**16
# Live movements from which the copy pays: a count by SQL reads each match's row, in
# proportion to the store («ma» and a registro: 280 ms at a million), ~14 ms below this.
MINIMO = 50_000
# And up to which it is kept: ~67 bytes a movement (335 MB at five million, more while read);
# a bigger store is counted by SQL, as every store is while its copy is read.
MAXIMO = 5_000_000
# Movements written since the copy was read that it is brought up to date with (each looked
# at by every count: ~2 ms for 10,000); past them it is read again.
AL_DIA = espejo_sql.REGISTRADOS
# A registro byte that marks an entry gone (changed or deleted since the copy was read).
MUERTO = 255
_VIVOS = bytes(1 if b != MUERTO else 0 for b in range(256))
# Where an id is in none of an order's entries (past any entry).
_NINGUNA = b"\xff" * 4

# An NSS digit as a nibble: itself + 1 (0: past the NSS's end); in a key, 0xFF: not a digit.
_NIBBLE = str.maketrans({str(d): "0123456789a"[d + 1] for d in range(10)})
_DIGITO = bytes(0 if b == 0 else b - 47 if 48 <= b <= 57 else 255 for b in range(256))
_RELLENO = methodcaller("ljust", ANCHO, b"\0")
_RELLENO_NSS = methodcaller("ljust", DIGITOS, b"\0")


class _Claves:
    """Fixed-width keys as a sequence, for bisect."""

    def __init__(self, datos: bytearray, ancho: int) -> None:
        self._datos, self._ancho = datos, ancho

    def __len__(self) -> int:
        return len(self._datos) // self._ancho

    def __getitem__(self, i: int) -> bytes:
        return bytes(self._datos[i * self._ancho : (i + 1) * self._ancho])


@dataclass
class OrdenCopia:
    """One find index's live movements in its order."""

    claves: bytearray
    ancho: int
    registro: bytearray
    grupo: bytearray  # tipo and estado
    tramo: bytearray  # the day counted from the store's first fecha: its 256-day span
    dia: bytearray  # and its day within it
    posicion: array[int]  # each id's entry (_NINGUNA: none)
    ambos: bytearray | None = None  # nombre first: bytes its two names begin with alike
    muertos: int = 0  # entries gone since it was read
    ids: array[int] = field(default_factory=lambda: array("I"))  # each entry's id

    def rango(self, lo: bytes, hi: bytes) -> tuple[int, int]:
        claves = _Claves(self.claves, self.ancho)
        return bisect_left(claves, lo), bisect_right(claves, hi)

    def de_clave(self, clave: bytes) -> tuple[int, int]:
        """The positions of the keys that begin with ``clave`` (a name's first bytes)."""
        return self.rango(clave.ljust(ANCHO, b"\0"), clave.ljust(ANCHO, b"\xff"))

    def quitar(self, ids: list[int]) -> None:
        """The entries of ``ids`` (distinct), if any, marked gone."""
        posicion, registro = self.posicion, self.registro
        dentro = [posicion[i] for i in ids if i < len(posicion)]
        vivas = [i for i in dentro if i < len(registro) and registro[i] != MUERTO]
        for i in vivas:
            registro[i] = MUERTO
        self.muertos += len(vivas)

    def memoria(self) -> int:
        partes = (self.claves, self.registro, self.grupo, self.tramo, self.dia, self.ambos or b"")
        return sum(len(p) for p in partes) + 4 * (len(self.posicion) + len(self.ids))


class _Tramo(NamedTuple):
    """A range of an order, with terms of its own (values, and a ``_tabla`` of those taken)."""

    orden: OrdenCopia
    lo: int
    hi: int
    mas: tuple[tuple[bytearray, bytes], ...] = ()


def _tabla(unos: Iterable[int]) -> bytes:
    """A ``bytes.translate`` table: 1 for these byte values, 0 for the rest."""
    tabla = bytearray(256)
    for i in unos:
        if 0 <= i < 256:
            tabla[i] = 1
    return bytes(tabla)


def _bits(valores: bytearray, lo: int, hi: int, tabla: bytes) -> int:
    return int.from_bytes(valores[lo:hi].translate(tabla), "little")


# How many live movements an order (``campo``) holds from one text up to another (excluded),
# counted by its index.
ContarRango = Callable[[str, str, str], int]


def _estrechar(texto: str, campo: str, lo: int, hi: int, contar: ContarRango) -> tuple[int, int]:
    """The positions of ``texto``'s matches (ASCII, longer than the keys) within ``lo``..``hi``,
    the movements whose key is its first ANCHO bytes: the index counts those before it and
    after it (in the same order as the keys: each string past its first bytes)."""
    clave = texto[:ANCHO]
    antes = contar(campo, clave, texto)
    despues = contar(campo, siguiente(texto), siguiente(clave))
    return lo + antes, hi - despues


def _rango_nombre(
    orden: OrdenCopia, campo: str, texto: str, contar: ContarRango | None
) -> tuple[int, int]:
    """The positions in a name's order (``campo``) of the movements ``texto`` begins."""
    entero = texto.encode()
    lo, hi = orden.de_clave(entero[:ANCHO])
    if len(entero) > ANCHO and hi > lo:
        assert contar is not None  # checked by ``Espejo.contar``
        lo, hi = _estrechar(texto, campo, lo, hi, contar)
    return lo, hi


@dataclass(frozen=True, slots=True)
class Nuevo:
    """A movement written since the copy was read, as it is now (live)."""

    idse: bytes | None  # its name's first AMBOS bytes in IDSE's order
    pila: bytes | None  # and nombre first
    nss: str | None
    registro: int
    grupo: int
    dia: int | None  # days from the copy's first fecha (before it too)


@dataclass
class Espejo:
    """The copy of one store's find orders (``construir``), as they were when read and
    brought up to date since (``aplicar``)."""

    ordenes: dict[str, OrdenCopia]
    registros: Codigos
    grupos: Codigos  # "tipo|estado" → its code
    primera: date  # the store's first fecha
    marca: int | None  # the store's latest recorded change it holds (None: no record)
    azar: int | None = None  # that change's random number (None: none recorded yet)
    nuevos: dict[int, Nuevo] = field(default_factory=dict)
    # The change (and its random number) it was kept on disk at, as read: names its orders'
    # entries as they are (bringing it up to date never moves them); None: not kept.
    origen: tuple[int, int] | None = None
    tocados: set[int] = field(default_factory=set)  # ids written since it was read

    def memoria(self) -> int:
        """Bytes its arrays take."""
        return sum(o.memoria() for o in self.ordenes.values())

    def aplicar(
        self, marca: int, azar: int | None, ids: list[int], filas: list[tuple[Any, ...]]
    ) -> bool:
        """Brought up to date: ``ids`` written up to the store's change ``marca`` (``azar``
        its random number; None: the same change as before), ``filas`` their rows now
        (store/movimientos_espejo.py ``filas``). False: more than AL_DIA since it was read,
        or a term its bytes cannot hold (then it is read again)."""
        self.tocados.update(ids)
        if len(self.tocados) > AL_DIA:
            return False
        for orden in self.ordenes.values():
            orden.quitar(ids)
        for id_ in ids:
            self.nuevos.pop(id_, None)
        try:
            for id_, vivo, registro, grupo, dia, idse, pila, nss in filas:
                if vivo:
                    self.nuevos[id_] = Nuevo(
                        idse, pila, nss, self.registros[registro], self.grupos[grupo], dia
                    )
        except ValueError:  # past the codes a byte holds
            return False
        self.marca = marca
        if azar is not None:
            self.azar = azar
        return True

    def contar(
        self, t: Termino, filtro: Busqueda, contar_rango: ContarRango | None = None
    ) -> int | None:
        """How many live movements ``t`` finds that ``filtro`` leaves; None: not answered here
        (see the module's docstring). A name longer than the keys has its range narrowed by
        ``contar_rango`` (the index's own count of part of the keys' range)."""
        partes = self._partes(t, filtro, contar_rango)
        if partes is None:
            return None
        tramos, nuevos = partes
        contados = len(nuevos)
        for orden, lo, hi, mas in tramos:
            mascara = self._mascara(orden, lo, hi, filtro, *mas)
            contados += hi - lo if mascara == -1 else mascara.bit_count()
        return contados

    def hallados(
        self, t: Termino, filtro: Busqueda, contar_rango: ContarRango | None = None
    ) -> Seleccion | None:
        """Which live movements ``t`` finds that ``filtro`` leaves, each once; None as
        ``contar``."""
        partes = self._partes(t, filtro, contar_rango)
        if partes is None:
            return None
        tramos, nuevos = partes
        elegidos = []
        for orden, lo, hi, mas in tramos:
            mascara = self._mascara(orden, lo, hi, filtro, *mas)
            if mascara:
                bytes_ = None if mascara == -1 else mascara.to_bytes(hi - lo, "little")
                elegidos.append((orden, lo, hi, bytes_))
        return Seleccion(elegidos, nuevos)

    def _partes(
        self, t: Termino, filtro: Busqueda, contar_rango: ContarRango | None
    ) -> tuple[list[_Tramo], list[int]] | None:
        """What ``t`` finds, each movement once: ranges of the copy's orders (with each one's
        further terms) and the ids of the movements written since it was read that it finds
        and ``filtro`` leaves; None: not answered here."""
        if t.campos == (NOMBRE,):
            texto = t.texto.encode()
            largo = len(texto) > ANCHO
            if len(texto) > AMBOS or (largo and (contar_rango is None or not t.texto.isascii())):
                return None
            idse, pila = self.ordenes["nombre"], self.ordenes["pila"]
            if largo and self._cambiado(texto[:ANCHO]):
                return None  # the index counts the store now: this key's entries are not it
            lo_idse, hi_idse = _rango_nombre(idse, "nombre", t.texto, contar_rango)
            lo, hi = _rango_nombre(pila, "pila", t.texto, contar_rango)
            assert pila.ambos is not None
            # Found by both orders (nombre first, and its IDSE order begins with the same
            # bytes): taken from the IDSE order only.
            solo_pila = (pila.ambos, _tabla(range(len(texto))))
            tramos = [_Tramo(idse, lo_idse, hi_idse), _Tramo(pila, lo, hi, (solo_pila,))]
            nuevos = self._nuevos(
                filtro, lambda n: _empieza(n.idse, texto) or _empieza(n.pila, texto)
            )
            return tramos, nuevos
        nss = self.ordenes.get("nss")
        if t.campos == (NSS,) and nss is not None and len(t.texto) <= DIGITOS:
            digitos = t.texto.translate(_NIBBLE)
            lo, hi = nss.rango(
                bytes.fromhex(digitos.ljust(DIGITOS, "0")),
                bytes.fromhex(digitos.ljust(DIGITOS, "f")),
            )
            nuevos = self._nuevos(filtro, lambda n: n.nss is not None and n.nss.startswith(t.texto))
            return [_Tramo(nss, lo, hi)], nuevos
        return None

    def _cambiado(self, clave: bytes) -> bool:
        """Whether a movement written since the copy was read had or has a name that begins
        with the key ``clave``."""
        if not self.tocados:
            return False
        for campo in ("nombre", "pila"):
            orden = self.ordenes[campo]
            lo, hi = orden.de_clave(clave)
            if orden.muertos and orden.registro.count(MUERTO, lo, hi):
                return True
        return any(_empieza(n.idse, clave) or _empieza(n.pila, clave) for n in self.nuevos.values())

    def _grupos(self, filtro: Busqueda) -> list[int] | None:
        """The codes of the tipo and estado pairs ``filtro`` leaves (None: not filtered)."""
        if filtro.tipo is None and filtro.estado is None:
            return None
        return [
            codigo
            for grupo, codigo in self.grupos.items()
            if filtro.tipo in (None, grupo.split("|")[0])
            and filtro.estado in (None, grupo.split("|")[1])
        ]

    def _nuevos(self, filtro: Busqueda, halla: Callable[[Nuevo], bool]) -> list[int]:
        """The ids of the movements written since the copy was read that the find (``halla``)
        finds and ``filtro`` leaves."""
        hallados = [(i, n) for i, n in self.nuevos.items() if halla(n)]
        if not hallados:
            return []
        registro = None if filtro.registro is None else self.registros.get(filtro.registro, -1)
        grupos = self._grupos(filtro)
        desde = None if filtro.desde is None else (filtro.desde - self.primera).days
        hasta = None if filtro.hasta is None else (filtro.hasta - self.primera).days
        return [
            i
            for i, n in hallados
            if (registro is None or n.registro == registro)
            and (grupos is None or n.grupo in grupos)
            and (desde is None or (n.dia is not None and n.dia >= desde))
            and (hasta is None or (n.dia is not None and n.dia <= hasta))
        ]

    def _mascara(
        self,
        orden: OrdenCopia,
        lo: int,
        hi: int,
        filtro: Busqueda,
        *mas: tuple[bytearray, bytes],
    ) -> int:
        """Which entries of ``lo``..``hi`` are live, ``filtro`` leaves and ``mas`` (values and
        a ``_tabla`` of the ones taken) takes: a byte each (little-endian), 1 or 0; -1: all."""
        if hi <= lo:
            return 0
        terminos = [*mas]
        if filtro.registro is not None:
            codigo = self.registros.get(filtro.registro)
            if codigo is None:
                return 0
            terminos.append((orden.registro, _tabla((codigo,))))
        elif orden.muertos:
            terminos.append((orden.registro, _VIVOS))
        grupos = self._grupos(filtro)
        if grupos is not None:
            if not grupos:
                return 0
            terminos.append((orden.grupo, _tabla(grupos)))
        mascara = -1  # every bit: no term yet
        for valores, tabla in terminos:
            mascara &= _bits(valores, lo, hi, tabla)
        if filtro.desde is not None or filtro.hasta is not None:
            mascara &= self._fechas(orden, lo, hi, filtro.desde, filtro.hasta)
        return mascara

    def _fechas(
        self, orden: OrdenCopia, lo: int, hi: int, desde: date | None, hasta: date | None
    ) -> int:
        """The movements of ``lo``..``hi`` dated ``desde``..``hasta``: the spans of 256 days
        strictly inside, and each edge span's days."""
        primero = 0 if desde is None else max((desde - self.primera).days, 0)
        ultimo = DIAS - 1 if hasta is None else min((hasta - self.primera).days, DIAS - 1)
        if primero > ultimo:
            return 0
        (tramo_lo, dia_lo), (tramo_hi, dia_hi) = divmod(primero, 256), divmod(ultimo, 256)
        if tramo_lo == tramo_hi:
            return _bits(orden.tramo, lo, hi, _tabla((tramo_lo,))) & _bits(
                orden.dia, lo, hi, _tabla(range(dia_lo, dia_hi + 1))
            )
        enteros = range(tramo_lo + (dia_lo > 0), tramo_hi + (dia_hi == 255))
        dentro = _bits(orden.tramo, lo, hi, _tabla(enteros))
        if dia_lo > 0:
            dentro |= _bits(orden.tramo, lo, hi, _tabla((tramo_lo,))) & _bits(
                orden.dia, lo, hi, _tabla(range(dia_lo, 256))
            )
        if dia_hi < 255:
            dentro |= _bits(orden.tramo, lo, hi, _tabla((tramo_hi,))) & _bits(
                orden.dia, lo, hi, _tabla(range(dia_hi + 1))
            )
        return dentro


class Seleccion(NamedTuple):
    """A find's movements: entries of the copy's orders and ids of movements written since."""

    # Entries lo..hi of an order, those whose byte is 1 in the mask (None: every one).
    tramos: list[tuple[OrdenCopia, int, int, bytes | None]]
    nuevos: list[int]


def ids_de(seleccion: Seleccion) -> Sequence[int]:
    """The ids of a find's movements (``seleccion``: each once), in no order: an array of the
    copy's (its slices copied whole, no Python integer made for each), a list when one written
    since is past the array's range."""
    ids = array("I")
    for orden, lo, hi, mascara in seleccion.tramos:
        mascaras.extender(ids, orden.ids[lo:hi], mascara)
    try:
        ids.extend(seleccion.nuevos)
    except OverflowError:
        return [*ids, *seleccion.nuevos]
    return ids


class Codigos(dict[Any, int]):
    """A code for each value, given as values come (a byte: ValueError past ``hasta``)."""

    def __init__(self, hasta: int = 255) -> None:
        super().__init__()
        self._hasta = hasta

    def __missing__(self, valor: Any) -> int:
        if len(self) > self._hasta:
            raise ValueError("más valores de los que caben en un byte")
        codigo = self[valor] = len(self)
        return codigo


def _empieza(nombre: bytes | None, texto: bytes) -> bool:
    return nombre is not None and nombre.startswith(texto)


def _comunes(a: bytes, b: bytes) -> int:
    """How many first bytes ``a`` and ``b`` share."""
    if a[:1] != b[:1]:
        return 0  # most names: an apellido and a nombre
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def construir(conn: Connection, seguir: Callable[[], bool]) -> Espejo | None:
    """The copy of the store's find orders (one snapshot; ``seguir`` as in store/lectura.py);
    None when a byte cannot hold its terms: SQL answers then."""
    with espejo_sql.fija(conn):
        marca, azar = espejo_sql.marca(conn) or (None, None)
        primera, _ultima = movs_sql.fecha_ends(conn)
        if primera is None:
            return None
        registros, grupos = Codigos(MUERTO - 1), Codigos()
        # Each live movement's terms at its id: registro, grupo and its day's two bytes as the
        # four bytes of one item (gathered into an order by one look-up each).
        terminos = array("I")
        try:
            for filas in espejo_sql.terminos(conn, primera, seguir):
                ids, regs, grs, dias = _columnas(filas, 4)
                dia = array("H", dias)  # OverflowError past DIAS
                if sys.byteorder == "big":
                    dia.byteswap()
                juntos = bytearray(4 * len(ids))
                juntos[0::4] = bytes(map(registros.__getitem__, regs))
                juntos[1::4] = bytes(map(grupos.__getitem__, grs))
                juntos[2::4] = dia.tobytes()[1::2]
                juntos[3::4] = dia.tobytes()[0::2]
                _poner(terminos, ids, array("I", bytes(juntos)))
            # Each id's first 4 bytes of its name in IDSE's order, read with that order: nombre
            # first, they tell which names begin alike (~7 %; the ~1.4 % alike in all 4 are read
            # again by id).
            inicios = array("I", bytes(4 * len(terminos)))
            ordenes = {
                campo: _leer_orden(conn, campo, terminos, seguir, inicios)
                for campo in ("nombre", "pila")
            }
        except (ValueError, TypeError, OverflowError):  # past 255 codes or DIAS days
            log.info("Las búsquedas de esta base se cuentan con SQL: sus términos no caben")
            return None
        with suppress(ValueError):  # an NSS that is not digits: NSS texts counted by SQL
            ordenes["nss"] = _leer_orden(conn, "nss", terminos, seguir)
    return Espejo(ordenes, registros, grupos, primera, marca, azar)


def al_dia(conn: Connection, copia: Espejo) -> bool:
    """``copia`` brought up to date with the movements written since it was read, as the
    store records them; False: it cannot be (no record, or it no longer reaches back to the
    copy or holds another history than the copy's change, more than AL_DIA written since, or
    a bulk insert's many): read it again."""
    if copia.marca is None:
        return False
    with espejo_sql.fija(conn):
        if copia.azar is not None and espejo_sql.azar(conn, copia.marca) != copia.azar:
            return False
        cambios = espejo_sql.cambiados(conn, copia.marca, AL_DIA)
        if cambios is None:
            return False
        marca, azar, ids = cambios
        filas = espejo_sql.filas(conn, ids, copia.primera, AMBOS) if ids else []
    return copia.aplicar(marca, azar, ids, filas)


def _columnas(filas: list[Any], n: int) -> list[list[Any]]:
    """A batch of rows as its ``n`` columns (``zip(*filas)`` costs 15 times as much: one
    argument a row)."""
    return [list(map(itemgetter(k), filas)) for k in range(n)]


def _poner(por_id: array[int] | bytearray, ids: list[int], valores: Any) -> None:
    """``valores`` at their ``ids`` (ascending) in ``por_id``."""
    primero, ultimo = ids[0], ids[-1]
    falta = ultimo + 1 - len(por_id)
    if falta > 0:
        ceros = bytes(por_id.itemsize * falta if isinstance(por_id, array) else falta)
        por_id.extend(array("I", ceros) if isinstance(por_id, array) else ceros)
    if ultimo - primero + 1 == len(ids):  # no id missing: one copy
        por_id[primero : ultimo + 1] = valores
    else:
        deque(map(por_id.__setitem__, ids, valores), maxlen=0)


def empacar(nss: list[bytes]) -> bytes:
    """The keys of these NSS (their first DIGITOS), two digits a byte; ValueError for one that
    is not digits."""
    digitos = b"".join(map(_RELLENO_NSS, nss)).translate(_DIGITO)
    if 255 in digitos:
        raise ValueError("NSS que no es de dígitos")
    altos, bajos = digitos[0::2], digitos[1::2]
    juntos = int.from_bytes(altos, "big") << 4 | int.from_bytes(bajos, "big")
    return juntos.to_bytes(len(altos), "big")


def _leer_orden(
    conn: Connection,
    campo: str,
    terminos: array[int],
    seguir: Callable[[], bool],
    inicios: array[int] | None = None,
) -> OrdenCopia:
    """``campo``'s order: its keys and each movement's ``terminos`` (by id) in that order;
    ``inicios`` (a name's order): its IDSE order's first 4 bytes by id, put there reading
    "nombre", read reading "pila" for its ``ambos``."""
    nss = campo == "nss"
    ancho = DIGITOS // 2 if nss else ANCHO
    claves, juntos, ambos = bytearray(), bytearray(), bytearray()
    parecidos: dict[int, int] = {}  # id → its position: its names alike in their first 4 bytes
    posicion = array("I", _NINGUNA * len(terminos))
    en_orden = array("I")
    for filas in espejo_sql.orden(conn, campo, DIGITOS if nss else ANCHO, seguir):
        llaves, ids = _columnas(filas, 2)
        primera = len(juntos) // 4
        en_orden.extend(ids)
        deque(map(posicion.__setitem__, ids, range(primera, primera + len(ids))), maxlen=0)
        if nss:
            claves += empacar(llaves)
        else:
            juntas = b"".join(map(_RELLENO, llaves))
            claves += juntas
            assert inicios is not None
            if campo == "nombre":
                deque(map(inicios.__setitem__, ids, _primeros(juntas)), maxlen=0)
            else:
                iguales = _iguales(array("I", map(inicios.__getitem__, ids)), juntas)
                i = iguales.find(4)
                while i >= 0:
                    parecidos[ids[i]] = len(ambos) + i
                    i = iguales.find(4, i + 1)
                ambos += iguales
        juntos += array("I", map(terminos.__getitem__, ids)).tobytes()
    for id_, idse, pila in espejo_sql.nombres(conn, list(parecidos), AMBOS, seguir):
        ambos[parecidos[id_]] = _comunes(idse, pila)
    return OrdenCopia(
        claves,
        ancho,
        juntos[0::4],
        juntos[1::4],
        juntos[2::4],
        juntos[3::4],
        posicion,
        ambos if campo == "pila" else None,
        ids=en_orden,
    )


def _primeros(juntas: bytes) -> array[int]:
    """The first 4 bytes of each key of ``juntas``, each as one item."""
    cuatro = bytearray(len(juntas) // ANCHO * 4)
    for j in range(4):
        cuatro[j::4] = juntas[j::ANCHO]
    return array("I", bytes(cuatro))


def _iguales(inicios: array[int], juntas: bytes) -> bytes:
    """For each key of ``juntas``: how many of its first 4 bytes ``inicios``' item has alike
    (0 to 4), counted for all at once: a byte's 0 or 1 for each of the 4, and the number whose
    bytes are each how many of them in a row are 1 (at most 4: no carry between bytes)."""
    suyos = inicios.tobytes()
    n = len(inicios)
    seguidos, cuantos = int.from_bytes(b"\x01" * n, "big"), 0
    for j in range(4):
        seguidos &= int.from_bytes(bytes(map(eq, suyos[j::4], juntas[j::ANCHO])), "big")
        cuantos += seguidos
    return cuantos.to_bytes(n, "big")


@dataclass
class _Construccion:
    parar: threading.Event
    hilo: threading.Thread
    disco: threading.Event  # the copy kept on disk looked at (read, or not usable)


class Espejos:
    """One store's copy: built when asked (``pedir``) in the background, used only while current
    (``vigente``: brought up to date after a change the store's ``vigencia()`` shows). ``vivos()``: how many live
    movements the store has (from its kept counts); ``al_dia(copia)``: ``copia`` brought up
    to date from the store (``al_dia`` above), or False; ``guardada()``: the copy kept on
    disk, brought up to date, or None (then ``leer`` reads it from the store)."""

    def __init__(
        self,
        vigencia: Callable[[], int],
        primer_plano: hallados.Hallados,
        leer: Callable[[Callable[[], bool]], Espejo | None],
        vivos: Callable[[], int],
        al_dia: Callable[[Espejo], bool],
        guardada: Callable[[], Espejo | None],
    ) -> None:
        self._vigencia = vigencia
        self._hallados = primer_plano
        self._leer = leer
        self._guardada = guardada
        self._vivos = vivos
        self._al_dia_copia = al_dia
        self._lock = threading.Lock()
        self._uso = threading.Lock()  # one count or bringing up to date of the copy at a time
        self._hecho: tuple[int, Espejo | None] | None = None  # (vigencia, the copy)
        self._construccion: _Construccion | None = None
        self._pequena: int | None = None  # the vigencia when the store was too small
        self._al_dia_hilo = threading.Thread()  # bringing the copy up to date (``mantener``)

    def vigente(self) -> Espejo | None:
        """The copy, brought up to date if the movements changed since; None: no copy, or
        it cannot be (then asked for again)."""
        with self._uso:
            return self._vigente()

    def hay(self) -> bool:
        """Whether a copy was read (current, or to be brought up to date when used), without
        bringing it up to date."""
        with self._lock:
            return self._hecho is not None and self._hecho[1] is not None

    def contar(
        self, t: Termino, filtro: Busqueda, contar_rango: ContarRango | None = None
    ) -> int | None:
        """``Espejo.contar`` by the current copy; None without one (then asked for: built
        meanwhile) or for what it does not answer."""
        return self._por_copia(lambda copia: copia.contar(t, filtro, contar_rango))

    def hallados(
        self, t: Termino, filtro: Busqueda, contar_rango: ContarRango | None = None
    ) -> Seleccion | None:
        """``Espejo.hallados`` by the current copy; None as ``contar``."""
        return self._por_copia(lambda copia: copia.hallados(t, filtro, contar_rango))

    def preguntar(self, pregunta: Callable[[Espejo], T | None]) -> T | None:
        """``pregunta(copia)`` of the current copy, held meanwhile (not brought up to date
        under it); None as ``contar``."""
        return self._por_copia(pregunta)

    def _por_copia(self, pregunta: Callable[[Espejo], T | None]) -> T | None:
        with self._uso:
            copia = self._vigente()
            if copia is not None:
                return pregunta(copia)
        self.pedir()
        return None

    def _vigente(self) -> Espejo | None:
        with self._lock:
            hecho = self._hecho
        if hecho is None:
            return None
        vigencia = self._vigencia()  # before the store is read: a change meanwhile is newer
        if hecho[0] == vigencia:
            return hecho[1]
        copia = hecho[1]
        al_dia = copia is not None and self._al_dia_copia(copia)
        with self._lock:
            if self._hecho is hecho:  # not replaced meanwhile by a build
                self._hecho = (vigencia, copia) if al_dia else None
        return copia if al_dia else None

    def mantener(self) -> None:
        """Asked by each count of the window (on its thread, or the pool's): the copy asked
        for the first time (built meanwhile), and after a change brought up to date (or read
        again) in a thread of its own (as the build), rather than when the clerk's next find
        asks."""
        with self._lock:
            hecho = self._hecho
            if hecho is not None and hecho[1] is not None:
                if hecho[0] == self._vigencia() or self._al_dia_hilo.is_alive():
                    return
                self._al_dia_hilo = threading.Thread(
                    target=self._poner_al_dia, name="espejo-al-dia", daemon=True
                )
                self._al_dia_hilo.start()
                return
        self.pedir()

    def _poner_al_dia(self) -> None:
        if self.vigente() is None:
            self.pedir()

    def pedir(self) -> None:
        """Build the copy unless there is one or one is being built (brought up to date
        when used), or the store is small (looked at again after a change)."""
        with self._lock:
            vigencia = self._vigencia()
            if self._al_dia(vigencia) or self._pequena == vigencia:
                return
        if not MINIMO <= self._vivos() <= MAXIMO:
            with self._lock:
                self._pequena = vigencia
            return
        with self._lock:
            if self._al_dia(vigencia):  # asked by another thread meanwhile
                return
            if self._construccion is not None:
                self._construccion.parar.set()
            self._hecho = None  # a stale copy's memory given back before the next is read
            parar, disco = threading.Event(), threading.Event()
            hilo = threading.Thread(
                target=self._construir, args=(vigencia, parar, disco), name="espejo", daemon=True
            )
            self._construccion = _Construccion(parar, hilo, disco)
            hilo.start()

    def esperar_guardada(self, limite: float) -> bool:
        """Whether the copy kept on disk, being looked at, was read or found unusable within
        ``limite`` seconds: reading it takes a fraction of a second, where counting a wide
        find by SQL takes seconds, so the clerk's find waits for it (then asks again)."""
        with self._lock:
            construccion = self._construccion
        if construccion is None or not construccion.hilo.is_alive():
            return False
        return construccion.disco.wait(limite)

    def _al_dia(self, vigencia: int) -> bool:
        """Whether there is a copy (to be brought up to date when used), the store's terms
        were found not to fit one since the last change, or one is being built (with the lock
        held)."""
        if self._hecho is not None and (self._hecho[1] is not None or self._hecho[0] == vigencia):
            return True
        actual = self._construccion
        return actual is not None and actual.hilo.is_alive() and not actual.parar.is_set()

    def _construir(self, vigencia: int, parar: threading.Event, disco: threading.Event) -> None:
        try:
            self._leer_o_construir(vigencia, parar, disco)
        finally:
            disco.set()  # a find waiting for the copy on disk asks again (or counts by SQL)

    def _leer_o_construir(
        self, vigencia: int, parar: threading.Event, disco: threading.Event
    ) -> None:
        def vigente() -> bool:  # a change meanwhile: brought up to date when used
            return not parar.is_set()

        try:
            # Not after the clerk's questions: the clerk's find waits for it (esperar_guardada).
            espejo = self._guardada()
            if espejo is None:
                disco.set()
                seguir = self._hallados.seguir_si(vigente)
                if not seguir():
                    return
                espejo = self._leer(seguir)
        except Interrumpida:
            return
        except Exception:  # only a speed-up: SQL counts meanwhile
            log.warning("No se construyó la copia de las búsquedas", exc_info=True)
            espejo = None
        with self._lock:
            if vigente():
                self._hecho = (vigencia, espejo)

    def esperar(self) -> None:
        """Until the bringing up to date and the build, if any, have ended."""
        if self._al_dia_hilo.is_alive():
            self._al_dia_hilo.join()  # it may ask for a build
        construccion = self._construccion
        if construccion is not None and construccion.hilo.is_alive():
            construccion.hilo.join()

    def cerrar(self) -> None:
        """The build abandoned and ended, the copy let go of: the store's file is about to
        close or be replaced (built again when next asked for)."""
        with self._lock:
            self._hecho = None
            self._pequena = None
            construccion = self._construccion
            al_dia = self._al_dia_hilo
        if al_dia.is_alive() and al_dia is not threading.current_thread():
            al_dia.join()
        if construccion is not None:
            construccion.parar.set()
            hilo = construccion.hilo
            if hilo.is_alive() and hilo is not threading.current_thread():
                hilo.join()
