"""A ZIP's central directory read as it is walked (PKWARE's APPNOTE 4.3.12–4.3.16), one
member at a time: a ZIP of a million receipts costs the memory of one of them, not of a
million ``ZipInfo`` (what ``zipfile.ZipFile`` keeps for each member, ~630 bytes).

A directory that is not one (a bad signature, an entry or an offset past its end, a ZIP64
record its locator promises and that is not there) refuses the ZIP whole, with its reason.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from icsoe_desktop.domain.errors import ValidationError

# End of central directory: signature, disk numbers, entries (this disk, all), the
# directory's size and offset, the comment's length.
_FIN = struct.Struct("<4s4H2LH")
# ZIP64's locator (signature, disk, offset of its record, disks) and record (signature,
# its size, versions, disk numbers, entries, the directory's size and offset).
_LOCALIZADOR64 = struct.Struct("<4sLQL")
_FIN64 = struct.Struct("<4sQ2H2L4Q")
# A central header: signature, versions, flags, method, time, date, CRC-32, sizes, the
# lengths of its name, extra field and comment, disk, attributes, its local header's offset.
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_EXTRA = struct.Struct("<2H")
_UTF8 = 0x800  # general purpose flag: the name is UTF-8
_MAX16, _MAX32 = 0xFFFF, 0xFFFFFFFF
_LOTE = 512  # entries read between two seeks (the members are read in between)


class DirectorioDanado(ValidationError):
    """A ZIP whose directory cannot be read."""


_Danado = Callable[[str], DirectorioDanado]


@dataclass(frozen=True, slots=True)
class Miembro:
    """One entry of the directory: what reading its member needs."""

    nombre: str  # as ``zipfile`` names it: cut at a NUL, "/" for the system's separator
    original: str  # as stored: what its local header must say
    banderas: int
    metodo: int
    crc: int
    comprimido: int
    tamano: int
    desplazamiento: int  # of its local header, in the file (outside it: read, refused)

    def es_carpeta(self) -> bool:
        return self.nombre.endswith("/")


class Directorio:
    """The directory of the ZIP open in ``fp`` (``nombre`` for the messages): where it is,
    found at construction; its entries, read again at each walk."""

    def __init__(self, fp: BinaryIO, nombre: str) -> None:
        self._fp = fp
        self._nombre = nombre
        fin = _fin(fp, self._danado)
        inicio, largo, desplazamiento = self._ubicar(fin)
        self._inicio, self._final = inicio, inicio + largo
        self._corrimiento = inicio - desplazamiento

    def _danado(self, motivo: str) -> DirectorioDanado:
        return DirectorioDanado(
            "zip_danado", f"«{self._nombre}» está dañado: {motivo}. No se leyó nada."
        )

    def _ubicar(self, fin: int) -> tuple[int, int, int]:
        """Where the directory starts and its length, in the file (bytes before the ZIP,
        like a self-extractor's, shift every offset it states)."""
        self._fp.seek(fin)
        _, disco, disco_dir, _, _, largo, desplazamiento, _ = _FIN.unpack(self._fp.read(_FIN.size))
        registro = fin
        self._fp.seek(max(fin - _LOCALIZADOR64.size, 0))
        localizador = self._fp.read(_LOCALIZADOR64.size)
        if fin >= _LOCALIZADOR64.size and localizador[:4] == b"PK\x06\x07":
            registro = fin - _LOCALIZADOR64.size - _FIN64.size
            largo, desplazamiento = self._zip64(registro)
        elif disco or disco_dir:
            raise self._danado("es parte de un ZIP dividido en varios discos")
        inicio = registro - largo
        if inicio < 0:
            raise self._danado("su directorio (la lista de sus archivos) está cortado")
        return inicio, largo, desplazamiento

    def _zip64(self, registro: int) -> tuple[int, int]:
        if registro >= 0:
            self._fp.seek(registro)
            datos = self._fp.read(_FIN64.size)
            if datos[:4] == b"PK\x06\x06":
                campos = _FIN64.unpack(datos)
                if campos[4] or campos[5]:
                    raise self._danado("es parte de un ZIP dividido en varios discos")
                return campos[8], campos[9]
        raise self._danado(
            "le falta el registro ZIP64 que dice cuántos archivos tiene y dónde está su lista"
        )

    def __iter__(self) -> Iterator[Miembro]:
        """Each entry, read from the file a few hundred at a time (the members' reads move
        the file between two)."""
        posicion = self._inicio
        while posicion < self._final:
            self._fp.seek(posicion)
            lote: list[Miembro] = []
            while posicion < self._final and len(lote) < _LOTE:
                miembro, posicion = self._entrada(posicion)
                lote.append(miembro)
            yield from lote

    def _entrada(self, posicion: int) -> tuple[Miembro, int]:
        cabecera = self._fp.read(_CENTRAL.size)
        if len(cabecera) != _CENTRAL.size or cabecera[:4] != b"PK\x01\x02":
            raise self._danado("su directorio (la lista de sus archivos) no es el de un ZIP")
        campos = _CENTRAL.unpack(cabecera)
        banderas, metodo, crc, comprimido, tamano = campos[5], campos[6], *campos[9:12]
        largo_nombre, largo_extra, largo_comentario = campos[12:15]
        desplazamiento = campos[18]
        variable = largo_nombre + largo_extra + largo_comentario
        posicion += _CENTRAL.size + variable
        resto = self._fp.read(variable)
        if posicion > self._final or len(resto) != variable:
            raise self._danado("su directorio (la lista de sus archivos) está cortado")
        try:
            original = resto[:largo_nombre].decode("utf-8" if banderas & _UTF8 else "cp437")
        except UnicodeDecodeError:
            raise self._danado("el nombre de uno de sus archivos no es legible") from None
        tamano, comprimido, desplazamiento = self._zip64_extra(
            resto[largo_nombre : largo_nombre + largo_extra], tamano, comprimido, desplazamiento
        )
        desplazamiento += self._corrimiento
        miembro = Miembro(
            _saneado(original), original, banderas, metodo, crc, comprimido, tamano, desplazamiento
        )
        return miembro, posicion

    def _zip64_extra(self, extra: bytes, *valores: int) -> tuple[int, int, int]:
        """The sizes and offset a header left at their maximum, as its ZIP64 extra field
        (0x0001) states them, in that order."""
        faltan = [v == _MAX32 for v in valores]
        if not any(faltan):
            return valores[0], valores[1], valores[2]
        i = 0
        while i + _EXTRA.size <= len(extra):
            tipo, largo = _EXTRA.unpack_from(extra, i)
            i += _EXTRA.size
            if tipo == 1:
                return _campos64(extra[i : i + largo], list(valores), faltan, self._danado)
            i += largo
        raise self._danado("le falta el registro ZIP64 de uno de sus archivos")


def _campos64(
    datos: bytes, valores: list[int], faltan: list[bool], danado: _Danado
) -> tuple[int, int, int]:
    j = 0
    for k, falta in enumerate(faltan):
        if falta:
            if j + 8 > len(datos):
                raise danado("el registro ZIP64 de uno de sus archivos está cortado")
            (valores[k],) = struct.unpack_from("<Q", datos, j)
            j += 8
    return valores[0], valores[1], valores[2]


def _saneado(nombre: str) -> str:
    nombre = nombre.split("\x00", 1)[0]
    return nombre.replace(os.sep, "/") if os.sep != "/" else nombre


def _fin(fp: BinaryIO, danado: _Danado) -> int:
    """Where the end of central directory record starts: the last 22 bytes, or, when the
    ZIP ends in a comment, its last signature within the 64 KiB a comment can take."""
    tamano = fp.seek(0, os.SEEK_END)
    inicio = max(tamano - _FIN.size - _MAX16, 0)
    fp.seek(inicio)
    cola = fp.read()
    posicion = cola.rfind(b"PK\x05\x06")
    if posicion < 0 or len(cola) - posicion < _FIN.size:
        raise danado("no tiene el final que tiene todo ZIP (¿cortado, o no es un ZIP?)")
    return inicio + posicion
