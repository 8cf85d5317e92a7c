"""The sheets of the binary workbooks (.xls, Excel 97-2003; .xlsb, Excel's binary format) and
where their values lie, read from their records before calamine reads them: calamine builds
each sheet as a dense grid (an .xls, every sheet at once when it opens), and a value at
column 65,535 or row 1,048,575 would ask for more memory than there is (alcance.py).

Only the records that place a value are looked at: in an .xls, a cell's row and column are the
first two 16-bit numbers of NUMBER, LABEL, LABELSST, RK, MULRK, BOOLERR, FORMULA and RSTRING
(blank cells hold no value, as calamine reads them); in an .xlsb, a row's number is in
BrtRowHdr and a cell's column is the first 32-bit number of each cell record. The same pass
notes the rows and columns hidden: fDyZero of an .xls's ROW and an .xlsb's BrtRowHdr, fHidden
of COLINFO and BrtColInfo.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from icsoe_desktop.services.archivos.alcance import Alcance

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Office 97 file: .xls

_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
_CELDAS_XLS = frozenset((0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6))
_MULRK = 0x00BD
_ROW, _COLINFO = 0x0208, 0x007D
_U16 = struct.Struct("<HH")


@dataclass(frozen=True)
class HojaXls:
    nombre: str
    visible: bool
    hoja_de_calculo: bool  # a worksheet (not a chart or a macro sheet)
    inicio: int  # where its records start in the Workbook stream


def _registros(data: bytes, desde: int = 0) -> Iterator[tuple[int, bytes]]:
    """(type, record data) from ``desde`` on, up to the end of the stream."""
    pos, fin = desde, len(data)
    while pos + 4 <= fin:
        tipo, largo = _U16.unpack_from(data, pos)
        yield tipo, data[pos + 4 : pos + 4 + largo]
        pos += 4 + largo


def hojas_xls(data: bytes) -> list[HojaXls]:
    """The sheets an .xls's Workbook stream declares (BOUNDSHEET records of its globals)."""
    hojas = []
    for tipo, registro in _registros(data):
        if tipo == _EOF:
            break
        if tipo != _BOUNDSHEET or len(registro) < 8:
            continue
        inicio, estado, clase = struct.unpack_from("<IBB", registro)
        largo = registro[6]
        if registro[7:8] in (b"\x00", b"\x01") and len(registro) >= 8 + largo:  # BIFF8
            texto = registro[8:]
            nombre = (
                texto[: 2 * largo].decode("utf-16-le", "replace")
                if registro[7]
                else texto[:largo].decode("latin-1")
            )
        else:  # BIFF5: the name's bytes follow its length
            nombre = registro[7 : 7 + largo].decode("cp1252", "replace")
        hojas.append(HojaXls(nombre, estado & 3 == 0, clase == 0, inicio))
    return hojas


_WINDOW1 = 0x003D


def activa_xls(data: bytes) -> str | None:
    """The sheet an .xls opens on: WINDOW1's selected tab, among all its sheets."""
    hojas = hojas_xls(data)
    for tipo, registro in _registros(data):
        if tipo == _EOF:
            break
        if tipo == _WINDOW1 and len(registro) >= 12:
            (indice,) = struct.unpack_from("<H", registro, 10)
            return hojas[indice].nombre if indice < len(hojas) else None
    return None


def alcance_xls(data: bytes, inicio: int) -> Alcance:
    """Where the values of the sheet whose records start at ``inicio`` lie."""
    alcance = Alcance()
    for tipo, registro in _registros(data, inicio):
        if tipo == _EOF:
            break
        if tipo in _CELDAS_XLS and len(registro) >= 4:
            fila, columna = _U16.unpack_from(registro)
            alcance.agregar(fila, columna)
        elif tipo == _MULRK and len(registro) >= 6:
            fila, primera = _U16.unpack_from(registro)
            (ultima,) = struct.unpack_from("<H", registro, len(registro) - 2)
            alcance.agregar(fila, primera, fila, max(primera, ultima))
        elif tipo == _ROW and len(registro) >= 13 and registro[12] & 0x20:  # fDyZero
            (fila,) = struct.unpack_from("<H", registro)
            alcance.ocultar(filas=range(fila, fila + 1))
        elif tipo == _COLINFO and len(registro) >= 10 and registro[8] & 0x01:  # fHidden
            primera, ultima = _U16.unpack_from(registro)
            alcance.ocultar(columnas=range(primera, ultima + 1))
    return alcance


def _numero(data: bytes, pos: int, bytes_max: int) -> tuple[int, int]:
    """An .xlsb record's type or size: 7 bits a byte, the high bit saying another follows."""
    valor = 0
    for i in range(bytes_max):
        if pos >= len(data):
            raise ValueError("registro cortado")
        byte = data[pos]
        pos += 1
        valor |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            break
    return valor, pos


def _registros_xlsb(data: bytes) -> Iterator[tuple[int, bytes]]:
    pos, fin = 0, len(data)
    while pos < fin:
        tipo, pos = _numero(data, pos, 2)
        largo, pos = _numero(data, pos, 4)
        yield tipo, data[pos : pos + largo]
        pos += largo


_ROW_HDR = 0x0000
_BLANK = 0x0001
_CELDAS_XLSB = frozenset((*range(0x0002, 0x000C), 0x003E))
_BUNDLE_SH = 0x009C
_COL_INFO = 0x003C


def alcance_xlsb(data: bytes) -> Alcance:
    """Where the values of an .xlsb sheet (xl/worksheets/sheetN.bin) lie."""
    alcance = Alcance()
    fila = 0
    for tipo, registro in _registros_xlsb(data):
        if tipo == _ROW_HDR and len(registro) >= 4:
            (fila,) = struct.unpack_from("<I", registro)
            if len(registro) >= 12 and registro[11] & 0x10:  # fDyZero
                alcance.ocultar(filas=range(fila, fila + 1))
        elif tipo in _CELDAS_XLSB and len(registro) >= 4:
            (columna,) = struct.unpack_from("<I", registro)
            alcance.agregar(fila, columna)
        elif tipo == _COL_INFO and len(registro) >= 17 and registro[16] & 0x01:  # fHidden
            primera, ultima = struct.unpack_from("<II", registro)
            alcance.ocultar(columnas=range(primera, ultima + 1))
    return alcance


def _cadena(registro: bytes, pos: int) -> tuple[str, int]:
    (largo,) = struct.unpack_from("<I", registro, pos)
    pos += 4
    if largo == 0xFFFFFFFF:
        return "", pos
    return registro[pos : pos + 2 * largo].decode("utf-16-le", "replace"), pos + 2 * largo


def hojas_xlsb(workbook: bytes) -> list[tuple[str, str, bool]]:
    """(name, relationship id, visible) of each sheet xl/workbook.bin declares."""
    hojas = []
    for tipo, registro in _registros_xlsb(workbook):
        if tipo == _BUNDLE_SH and len(registro) >= 12:
            (estado,) = struct.unpack_from("<I", registro)
            rid, pos = _cadena(registro, 8)
            nombre, _ = _cadena(registro, pos)
            hojas.append((nombre, rid, estado == 0))
    return hojas
