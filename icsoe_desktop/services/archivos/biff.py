"""The sheets of the binary workbooks (.xls, Excel 97-2003; .xlsb, Excel's binary format) and
where their values lie, read from their records before calamine reads them: calamine builds
each sheet as a dense grid (an .xls, every sheet at once when it opens), and a value at
column 65,535 or row 1,048,575 would ask for more memory than there is (alcance.py).

Only the records that place a value are looked at: in an .xls, a cell's row and column are the
first two 16-bit numbers of NUMBER, LABEL, LABELSST, RK, MULRK, BOOLERR, FORMULA and RSTRING
(blank cells hold no value, as calamine reads them); in an .xlsb, a row's number is in
BrtRowHdr and a cell's column is the first 32-bit number of each cell record. The same pass
notes the rows and columns hidden: fDyZero of an .xls's ROW and an .xlsb's BrtRowHdr, fHidden
of COLINFO and BrtColInfo; and an .xls sheet's filter (FILTERMODE, AUTOFILTERINFO).

calamine also trusts some records to size what it reserves or where it looks, before any check
of its own: an .xls sheet's DIMENSIONS (it reserves rows × columns cells from it, the product in
32-bit arithmetic that wraps), a BOUNDSHEET's offset (a slice of the stream), and a few globals
records it indexes without looking at their length. ``revisar_xls`` refuses the file when one
of those is past what an .xls can hold, so a forged record ends as a typed refusal, not as an
abort of the process or a panic.
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
_DIMENSIONS, _LBL, _MERGECELLS = 0x0200, 0x0018, 0x00E5
_FILTRO = frozenset((0x009B, 0x009D))  # FILTERMODE, AUTOFILTERINFO: the sheet has a filter
_U16 = struct.Struct("<HH")
# An .xls sheet's whole grid (BIFF8: 65,536 rows of 256 columns, IV65536): a DIMENSIONS record
# declaring more is no .xls any program writes.
MAX_CELDAS_DIMENSIONS = 65_536 * 256
# The least length of each globals record calamine reads at fixed places without checking its
# length (FilePass, CodePage, DateMode, BOF, BOUNDSHEET; ExternSheet and Lbl: below).
_LARGO_MINIMO = {0x002F: 2, 0x0042: 2, 0x0022: 2, 0x0809: 2, _BOUNDSHEET: 8}
_EXTERNSHEET = 0x0017


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


def _registros_de_hoja(data: bytes, inicio: int) -> Iterator[tuple[int, bytes]]:
    """The records of the sheet whose substream starts at ``inicio``, as calamine walks them:
    up to its EOF, the substreams nested in it (an embedded chart's BOF … EOF) left out."""
    visto_bof, anidados = False, 0
    for tipo, registro in _registros(data, inicio):
        if anidados:
            anidados += {_BOF: 1, _EOF: -1}.get(tipo, 0)
        elif tipo == _BOF:
            anidados, visto_bof = (1, True) if visto_bof else (0, True)
        elif tipo == _EOF:
            return
        else:
            yield tipo, registro


def celdas_reservadas(registro: bytes) -> int:
    """The cells calamine reserves for a DIMENSIONS record (0: it refuses the record), its
    arithmetic kept: 32-bit, wrapping (a first row past the last asks for 4,294,967,294)."""
    if len(registro) == 10:  # BIFF5's: four 16-bit numbers and two reserved bytes
        fila, fila_fin, columna, columna_fin = struct.unpack_from("<HHHH", registro)
    elif len(registro) == 14:
        fila, fila_fin, columna, columna_fin = struct.unpack_from("<IIHH", registro)
    else:
        return 0
    if columna > 0xFF or columna_fin < columna:
        columna = 0
    if fila_fin < 1 or columna_fin < 1:
        return 1
    filas: int = (fila_fin - fila) % 2**32
    columnas: int = (columna_fin - columna) % 2**32
    return filas * columnas


_ANTES_DE_BIFF8 = frozenset((0x0200, 0x0002, 0x0007, 0x0300, 0x0400, 0x0500))


def _lbl_cabe(registro: bytes, biff8: bool) -> bool:
    """A Lbl holds the name and the formula it declares (calamine slices both blindly): 14
    bytes, BIFF8's flags byte, the name's cch, the formula's cce from the end."""
    if len(registro) < 14:
        return False
    (cce,) = struct.unpack_from("<H", registro, 4)
    return len(registro) >= 14 + biff8 + registro[3] and cce <= len(registro)


def revisar_xls(data: bytes, hojas: list[HojaXls]) -> str | None:
    """What makes calamine abort or panic on this Workbook stream (None: nothing): a record of
    its globals shorter than calamine reads, a sheet starting past the stream's end, a
    DIMENSIONS past an .xls's grid, a MERGECELLS shorter than its count of ranges. (A panic
    elsewhere is caught where calamine is called.)"""
    biff8 = True
    for tipo, registro in _registros(data):
        if len(registro) < _LARGO_MINIMO.get(tipo, 0):
            return f"un registro 0x{tipo:04X} de {len(registro)} bytes"
        if tipo == _BOF:
            biff8 = struct.unpack_from("<H", registro)[0] not in _ANTES_DE_BIFF8
        elif tipo == _LBL and not _lbl_cabe(registro, biff8):
            return "un nombre definido (Lbl) más corto de lo que declara"
        elif tipo == _EXTERNSHEET and biff8 and len(registro) < 2:  # its count of XTIs
            return "un registro ExternSheet sin su cuenta"
        elif tipo == _EOF:
            break
    for hoja in hojas:
        if hoja.inicio > len(data):
            return f"la hoja «{hoja.nombre}» empieza después del final del libro"
        for tipo, registro in _registros_de_hoja(data, hoja.inicio):
            if tipo == _DIMENSIONS and celdas_reservadas(registro) > MAX_CELDAS_DIMENSIONS:
                return f"la hoja «{hoja.nombre}» declara más celdas de las que cabe en un .xls"
            if tipo == _MERGECELLS and (
                len(registro) < 2 or len(registro) < 2 + 8 * registro[0] + 2048 * registro[1]
            ):
                return f"la hoja «{hoja.nombre}» tiene un registro de celdas combinadas cortado"
    return None


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


_SST, _CONTINUE, _LABELSST = 0x00FC, 0x003C, 0x00FD


def largos_sst(data: bytes) -> list[int]:
    """The characters of each string of the globals' SST, its CONTINUE records joined as
    calamine joins them (a string's characters go on in the next record after a flags byte);
    as many as can be read of a table cut short."""
    partes: list[bytes] = []
    for tipo, registro in _registros(data):
        if tipo == _SST:
            partes = [registro]
        elif tipo == _CONTINUE and partes:
            partes.append(registro)
        elif partes or tipo == _EOF:
            break
    largos: list[int] = []
    if not partes:
        return largos
    restantes = iter(partes[1:])
    parte, k = partes[0], 8  # after cstTotal and cstUnique

    def saltar(n: int) -> bool:
        nonlocal parte, k
        while n > len(parte) - k:
            n -= len(parte) - k
            siguiente = next(restantes, None)
            if siguiente is None:
                return False
            parte, k = siguiente, 0
        k += n
        return True

    while True:
        if k >= len(parte):
            siguiente = next(restantes, None)
            if siguiente is None:
                return largos
            parte, k = siguiente, 0
        if k + 3 > len(parte):
            return largos
        cch, flags = struct.unpack_from("<HB", parte, k)
        k += 3
        extra = 0
        if flags & 0x08 and k + 2 <= len(parte):
            extra += 4 * struct.unpack_from("<H", parte, k)[0]
            k += 2
        if flags & 0x04 and k + 4 <= len(parte):
            extra += struct.unpack_from("<I", parte, k)[0]
            k += 4
        largos.append(cch)
        ancho, faltan = (2 if flags & 0x01 else 1), cch
        while faltan:
            usa = min(faltan, (len(parte) - k) // ancho)
            k, faltan = k + usa * ancho, faltan - usa
            if faltan:  # the characters go on in the next record, after its flags byte
                siguiente = next(restantes, None)
                if siguiente is None or not siguiente:
                    return largos
                parte, k = siguiente, 1
                ancho = 2 if siguiente[0] & 0x01 else 1
        if not saltar(extra):
            return largos


def alcance_xls(data: bytes, inicio: int, largos: list[int] | None = None) -> Alcance:
    """Where the values of the sheet whose records start at ``inicio`` lie; with ``largos``
    (largos_sst), also the characters its LABELSST cells copy from the SST (``texto``)."""
    alcance = Alcance()
    for tipo, registro in _registros_de_hoja(data, inicio):
        if tipo in _CELDAS_XLS and len(registro) >= 4:
            fila, columna = _U16.unpack_from(registro)
            alcance.agregar(fila, columna)
            if tipo == _LABELSST and largos and len(registro) >= 10:
                (indice,) = struct.unpack_from("<I", registro, 6)
                alcance.texto += largos[indice] if indice < len(largos) else 0
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
        elif tipo in _FILTRO:
            alcance.filtro = True
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
