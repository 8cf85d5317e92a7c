"""A far page of a find sorted by a column whose values the find box's copy does not count
(the names, NSS, CURP, the salaries, the dates but Fecha, the codes…) right after the click,
before the column's order is read (espejo_columnas.py: a second or more of CPU at a million,
while SQLite sorts the find's matches: 1-2 s for «ma»).

Each such column's order is cut into up to TRAMOS parts of equal size, kept beside the store (a
byte a movement: ~1 MB a million a column; sealed as the store) with the sort key and id each
part begins with (``cortar``, by a process of its own after the copy is built: fuentes/tramos.py).
A find's matches are counted by part (a byte each, counted by C loops), and only the parts the
page falls in are sorted, by SQLite (a few thousand rows at a million). The parts are exact
bounds of the grid's order ((sort key, id), NULL first going up), so the page is the one SQL
gives. The movements written since the parts were cut (the store's change record) are left out
of their old parts and put in by their keys now (their parts sorted here); a match in no part
that was not written since leaves it to SQL.
"""

from __future__ import annotations

import json
import logging
import threading
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Collection, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from icsoe_desktop.services.aparte import archivo_entero
from icsoe_desktop.services.movimientos import columnas_guardadas, hallados, mascaras
from icsoe_desktop.services.movimientos.espejo_columnas import de_cada
from icsoe_desktop.store import sellado
from icsoe_desktop.store.lectura import Interrumpida

log = logging.getLogger(__name__)

# Parts a column's order is cut into (one byte value is a movement in none).
TRAMOS = 255
_NINGUNO = 255
# Each part's translation to 1 for the parts before it, 0 for the others (and for none).
_MENORES = [b"\x01" * parte + bytes(256 - parte) for parte in range(TRAMOS + 1)]
# Pauses (seconds) before the columns whose process did not start are tried again.
REINTENTOS_S = (1.0, 3.0)
# Movements of a find in no part (written since) put in by their keys (more: left to SQL).
SUELTOS_MAX = 2_000
# An id space this many times the live movements and more (ids left by deletions) is not cut:
# its bytes would be mostly empty.
_HUECOS = 4
MAGIA = b"icsoe-desktop: tramos de una columna, version 1\n"
# Sealed with the installation's key (store/sellado.py): each part's first key is a value of
# the column (a CURP, a surname, a salary).
PROPOSITO = b"icsoe-desktop: tramos de columnas"

# What each id's sort key is read by (store/movimientos.py ``sort_ranks``).
Claves = Callable[[Sequence[int]], dict[int, tuple[int, Any]]]
# These ids' places offset..offset + limit in the column's order, sorted by the store (None: one
# is gone) (store/movimientos.py ``in_order``).
EnOrden = Callable[[Sequence[int], int, int], list[int] | None]


class Tramos(NamedTuple):
    columna: int
    marca: int  # the store's latest recorded change when it was cut
    azar: int  # and that change's random number
    partes: bytes  # each id's part (_NINGUNO: in none: not live then)
    limites: list[tuple[tuple[int, Any], int]]  # each part's first (sort key, id)


def cortar(
    columna: int,
    marca: int,
    azar: int,
    ids: Sequence[int],
    claves: Claves,
    seguir: Callable[[], bool] = lambda: True,
) -> Tramos | None:
    """``ids`` (every live movement's, in the column's order going up) cut into parts; None
    when their ids are too sparse, or a key does not keep in the file (neither number nor
    text). ``seguir`` is asked between parts (store/lectura.py: it waits while the clerk's
    questions are answered, ``Interrumpida`` once it says no): a part is ~0.2 ms of CPU, so a
    pause is kept at once rather than after the whole cut (~60 ms)."""
    n = len(ids)
    tope = max(ids, default=-1) + 1
    if tope > _HUECOS * n + (1 << 16):
        return None
    partes = bytearray([_NINGUNO]) * tope
    primeros: list[int] = []
    for t in range(TRAMOS):
        lo, hi = t * n // TRAMOS, (t + 1) * n // TRAMOS
        if lo < hi:
            if not seguir():
                raise Interrumpida
            deque(map(partes.__setitem__, ids[lo:hi], repeat(len(primeros))), maxlen=0)
            primeros.append(ids[lo])
    leidas = claves(primeros)
    if len(leidas) != len(primeros) or any(clave[0] not in (0, 1, 2) for clave in leidas.values()):
        return None
    return Tramos(columna, marca, azar, bytes(partes), [(leidas[i], i) for i in primeros])


def pagina(
    tramos: Tramos,
    ids: Sequence[int],
    escritos: Collection[int],
    claves: Claves,
    desde: int,
    hasta: int,
    en_orden: EnOrden | None = None,
) -> array[int] | None:
    """The ids at places ``desde``..``hasta`` of the order going up of a find's movements
    (``ids``, each once); ``escritos``: the movements written since the parts were cut, and
    ``claves`` what their keys now are read by; ``en_orden``: what sorts a part's matches
    when none written since goes in it (else their keys are read and sorted here). None when
    a match is in no part and was not written since, or more than SUELTOS_MAX are."""
    partes = bytearray(tramos.partes)
    for i in escritos:
        if i < len(partes):
            partes[i] = _NINGUNO
    try:
        suyas = bytes(de_cada(partes, ids))
    except IndexError:  # an id past the cut's (written since)
        partes.extend(bytes([_NINGUNO]) * (max(ids) + 1 - len(partes)))
        suyas = bytes(de_cada(partes, ids))
    if suyas.count(_NINGUNO) > SUELTOS_MAX:
        return None
    sueltos = [ids[k] for k in mascaras.lugares(suyas, _NINGUNO)]
    if not set(sueltos) <= set(escritos):
        return None
    puestos: dict[int, list[tuple[tuple[int, Any], int]]] = {}
    ahora = claves(sueltos) if sueltos else {}
    if len(ahora) != len(sueltos):
        return None
    for i in sueltos:
        parte = max(bisect_right(tramos.limites, (ahora[i], i)) - 1, 0)
        puestos.setdefault(parte, []).append((ahora[i], i))

    # The first part the page falls in: from a part estimated a little before it, the
    # matches before it counted (a count of each match by its value, or halving with a count
    # over every match each time, took 4-6 times as long for «ma»'s 285,570), then walked.
    def en(parte: int) -> int:
        """The matches in ``parte``."""
        return suyas.count(parte) + len(puestos.get(parte, ()))

    primera = _cerca(suyas, puestos, desde, len(tramos.limites))
    antes = _antes_de(suyas, primera) + _puestos_antes(puestos, primera)
    while primera > 0 and antes > desde:  # the estimate went past: back part by part
        primera -= 1
        antes -= en(primera)
    suyos: array[int] = array("q")
    for parte in range(primera, len(tramos.limites)):
        n = en(parte)
        if antes + n > desde:
            miembros = [ids[k] for k in mascaras.lugares(suyas, parte)]
            de, a = max(desde - antes, 0), hasta - antes
            if en_orden is not None and parte not in puestos:
                suyos_aqui = en_orden(miembros, de, a - de)
                if suyos_aqui is None:
                    return None
                suyos.extend(suyos_aqui)
            else:
                leidas = claves(miembros)
                if len(leidas) != len(miembros):
                    return None
                ordenados = sorted([(leidas[i], i) for i in miembros] + puestos.get(parte, []))
                suyos.extend(i for _clave, i in ordenados[de:a])
        antes += n
        if antes >= hasta:
            break
    return suyos


# One match in this many makes the sample a part is estimated from.
_MUESTRA = 16


def _antes_de(suyas: bytes, parte: int) -> int:
    """Of ``suyas`` (each match's part), those in the parts before ``parte``, counted in C."""
    return suyas.translate(_MENORES[parte]).count(1)


def _puestos_antes(puestos: dict[int, list[Any]], parte: int) -> int:
    """Of ``puestos`` (the matches written since, by part), those in the parts before
    ``parte``."""
    return sum(len(v) for k, v in puestos.items() if k < parte)


def _cerca(suyas: bytes, puestos: dict[int, list[Any]], desde: int, partes: int) -> int:
    """A part at or a little before the one the match at place ``desde`` falls in, estimated
    by halves from every _MUESTRA-th match (one part's width is about the estimate's error at
    «ma»'s 285,570: a part before the estimate is given); the caller walks from it."""
    muestra = suyas[::_MUESTRA]

    def estimado(parte: int) -> int:
        return _antes_de(muestra, parte) * _MUESTRA + _puestos_antes(puestos, parte)

    return max(bisect_right(range(partes + 1), desde, key=estimado) - 2, 0)


def ruta(store: Path, columna: int) -> Path:
    """Where ``columna``'s parts of the store at ``store`` are kept."""
    return store.with_name(f"{store.name}.tramos-{columna}")


def guardar(path: Path, tramos: Tramos) -> bool:
    """``tramos`` kept at ``path``, sealed (a new file put in place whole); False when it
    could not be written."""
    cabecera = json.dumps(
        {
            "columna": tramos.columna,
            "marca": tramos.marca,
            "azar": tramos.azar,
            "partes": len(tramos.partes),
            "limites": [[clave[0], clave[1], i] for clave, i in tramos.limites],
        }
    ).encode()
    cuerpo = b"".join((MAGIA, len(cabecera).to_bytes(4, "little"), cabecera, tramos.partes))

    def escribe(archivo: BinaryIO) -> None:
        f = sellado.Sellador(archivo, sellado.llave(PROPOSITO))
        f.write(cuerpo)
        f.write(columnas_guardadas.suma(cuerpo))
        f.cerrar()

    return archivo_entero.escribir(path, escribe, "los tramos de una columna")


def leer(path: Path, columna: int) -> Tramos | None:
    """``columna``'s parts kept at ``path`` as ``guardar`` wrote them, or None."""
    try:
        with path.open("rb") as archivo:
            f = sellado.Abierto(archivo, path.stat().st_size, sellado.llave(PROPOSITO))
            datos = f.read(f.largo)
            f.cerrar()
        tramos = _leer(datos)
        if tramos.columna != columna:
            raise ValueError("de otra columna")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, sellado.SelloInvalido):
        log.info("Los tramos guardados %s no se usan", path)
        return None
    return tramos


def _leer(datos: bytes) -> Tramos:
    cabecera, partes = columnas_guardadas.abrir(datos, MAGIA)
    if len(partes) != int(cabecera["partes"]):
        raise ValueError("tamaño")
    limites = [((int(tipo), valor), int(i)) for tipo, valor, i in cabecera["limites"]]
    return Tramos(
        int(cabecera["columna"]), int(cabecera["marca"]), int(cabecera["azar"]), partes, limites
    )


def olvidar(store: Path) -> None:
    """Every column's parts kept beside the store at ``store`` removed: its file was replaced."""
    for path in store.parent.glob(f"{store.name}.tramos-*"):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("No se borraron los tramos guardados %s", path, exc_info=True)


class Cortador:
    """One store's columns cut into parts in the background (``cortar(columnas, seguir)``:
    one process of its own for them all; whether it went through every one of them), those
    ``pendientes()`` names (none kept, of another history, or too much written since); asked
    again by each count after a change."""

    def __init__(
        self,
        vigencia: Callable[[], int],
        primer_plano: hallados.Hallados,
        pendientes: Callable[[], list[int]],
        cortar: Callable[[list[int], Callable[[], bool]], bool],
    ) -> None:
        self._vigencia = vigencia
        self._hallados = primer_plano
        self._pendientes = pendientes
        self._cortar = cortar
        self._lock = threading.Lock()
        self._hilo: threading.Thread | None = None
        self._hecha: int | None = None  # the vigencia at which none was pending
        self._cerrado = threading.Event()

    def mantener(self) -> None:
        """The columns pending cut in the background, unless they were at this vigencia."""
        vigencia = self._vigencia()
        with self._lock:
            ocupado = self._hilo is not None and self._hilo.is_alive()
            if ocupado or self._hecha == vigencia:
                return
            self._cerrado.clear()  # a store reopened (a restore): its own cut
            self._hilo = threading.Thread(
                target=self._cortar_pendientes, args=(vigencia,), name="tramos", daemon=True
            )
            self._hilo.start()

    def _cortar_pendientes(self, vigencia: int) -> None:
        seguir = self._hallados.seguir_si(lambda: not self._cerrado.is_set())
        try:
            pendientes = self._pendientes()
            while pendientes:
                entera = self._con_reintentos(pendientes, seguir)
                if entera is None:
                    return  # left pending: the next count after a change asks again
                if entera:
                    break  # every column cut, or found not to be cuttable: none read again
                # A process that ended before its last column (killed, out of memory) leaves
                # the rest to another, as long as each one cuts some.
                quedan = self._pendientes()
                if not set(quedan) < set(pendientes):
                    break
                pendientes = quedan
        except Interrumpida:
            return
        except Exception:  # only a speed-up: a far page is SQLite's sort meanwhile
            log.warning("No se cortaron los tramos de las columnas", exc_info=True)
            return
        with self._lock:
            self._hecha = vigencia

    def _con_reintentos(self, columnas: list[int], seguir: Callable[[], bool]) -> bool | None:
        """``columnas`` cut, their process asked for again after a pause each time the system
        does not start it (seen under Wine with many started one after another: «Error
        interno»): whether it went through every one; None when it never started."""
        entera = self._cortadas(columnas, seguir)
        for pausa in REINTENTOS_S:
            if entera is not None:
                break
            self._cerrado.wait(pausa)  # cut short when the store closes (seguir says no)
            entera = self._cortadas(columnas, seguir)
        return entera

    def _cortadas(self, columnas: list[int], seguir: Callable[[], bool]) -> bool | None:
        """``columnas`` cut (or found not to be cuttable): whether their process went through
        every one; None when it could not be started. Interrumpida once ``seguir`` says no."""
        if not seguir():
            raise Interrumpida
        try:
            return self._cortar(columnas, seguir)
        except OSError:
            log.warning(
                "No se empezó el corte de los tramos de las columnas %s", columnas, exc_info=True
            )
            return None

    def esperar(self) -> None:
        """Until the columns being cut are (or were abandoned)."""
        with self._lock:
            hilo = self._hilo
        if hilo is not None:
            hilo.join()

    def cerrar(self) -> None:
        """The cutting abandoned and ended: the store's file is about to close or be
        replaced (cut again when it is opened)."""
        self._cerrado.set()
        self.esperar()
        with self._lock:
            self._hecha = None
