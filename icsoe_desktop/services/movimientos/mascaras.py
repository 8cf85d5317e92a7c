"""Where the marks of a byte string are, found by C loops (``bytes.find``, ``count``) rather than
a step of Python for each byte: a find's 285,570 marks are read in well under a millisecond when
what is sought is a few runs or a few thousand places, where ``itertools.compress`` makes a
Python integer of every item it passes (6-9 ms at «ma»)."""

from __future__ import annotations

from collections.abc import Iterator, MutableSequence, Sequence
from itertools import compress

# Items a run of 1 of a mask holds at least, on average, for a slice to be copied by its runs.
_POR_TRAMO = 64


def tramos_de_unos(mascara: bytes | bytearray) -> Iterator[tuple[int, int]]:
    """The runs of 1 of ``mascara`` (bytes 0 and 1), as (start, end)."""
    inicio = mascara.find(1)
    while inicio >= 0:
        fin = mascara.find(0, inicio)
        if fin < 0:
            yield inicio, len(mascara)
            return
        yield inicio, fin
        inicio = mascara.find(1, fin)


def extender(
    destino: MutableSequence[int], origen: Sequence[int], mascara: bytes | bytearray | None
) -> None:
    """``destino`` extended with the items of ``origen`` whose byte of ``mascara`` is 1 (None:
    every one): by the mask's runs when they are few (a name's beginning: 24 runs in 237,147
    entries of the copy at «ma»), a slice copied whole each; else item by item."""
    if mascara is None:
        destino.extend(origen)
    elif mascara.count(b"\x00\x01") + 1 <= len(mascara) // _POR_TRAMO:
        for de, a in tramos_de_unos(mascara):
            destino.extend(origen[de:a])
    else:
        destino.extend(compress(origen, mascara))


def lugares(marcas: bytes, valor: int) -> list[int]:
    """The places of ``valor`` in ``marcas``, in order."""
    encontrados: list[int] = []
    lugar = marcas.find(valor)
    while lugar >= 0:
        encontrados.append(lugar)
        lugar = marcas.find(valor, lugar + 1)
    return encontrados
