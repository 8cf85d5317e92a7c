"""An .xls's records, changed in place: the Workbook stream read with olefile, its records
listed, some bytes of one changed (the stream keeps its size: olefile writes it back where it
was), the whole file returned. What a damaged disk or a forger does to a record: its type, its
length, the numbers it holds (a sheet's DIMENSIONS, a BOUNDSHEET's offset, the SST's counts)."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from dataclasses import dataclass

import olefile

DIMENSIONS, BOUNDSHEET, SST, CODEPAGE, LBL, SETUP, FORMULA = (
    0x0200, 0x0085, 0x00FC, 0x0042, 0x0018, 0x00A1, 0x0006
)  # fmt: skip


@dataclass(frozen=True)
class Registro:
    posicion: int  # of its 4-byte header in the stream
    tipo: int
    largo: int


def flujo(xls: bytes) -> bytes:
    with olefile.OleFileIO(io.BytesIO(xls)) as ole:
        return ole.openstream("Workbook").read()


def registros(stream: bytes) -> list[Registro]:
    lista, pos = [], 0
    while pos + 4 <= len(stream):
        tipo, largo = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + largo > len(stream):  # a length already damaged: the rest is no record
            break
        lista.append(Registro(pos, tipo, largo))
        pos += 4 + largo
    return lista


def con_flujo(xls: bytes, cambiar: Callable[[bytearray], None]) -> bytes:
    """``xls`` with its Workbook stream changed in place by ``cambiar`` (same size)."""
    stream = bytearray(flujo(xls))
    cambiar(stream)
    salida = io.BytesIO(xls)
    with olefile.OleFileIO(salida, write_mode=True) as ole:
        ole.write_stream("Workbook", bytes(stream))
    return salida.getvalue()


def primero(stream: bytes, tipo: int) -> Registro:
    return next(r for r in registros(stream) if r.tipo == tipo)


def dimensions(xls: bytes, filas: tuple[int, int], columnas: tuple[int, int]) -> bytes:
    """The first sheet's DIMENSIONS declaring rows [first, last+1) and columns likewise."""

    def cambiar(stream: bytearray) -> None:
        registro = primero(stream, DIMENSIONS)
        assert registro.largo == 14  # BIFF8's
        struct.pack_into("<IIHH", stream, registro.posicion + 4, *filas, *columnas)

    return con_flujo(xls, cambiar)


def retipado(xls: bytes, de: int, a: int) -> bytes:
    """The first record of type ``de`` given the type ``a`` (its bytes as they were)."""

    def cambiar(stream: bytearray) -> None:
        struct.pack_into("<H", stream, primero(stream, de).posicion, a)

    return con_flujo(xls, cambiar)
