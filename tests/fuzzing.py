"""Shared by the fuzz tests: hypothesis settings and files damaged the way disks, mail and USB
sticks damage them (truncated, bits flipped, bytes dropped, inserted or zeroed)."""

from __future__ import annotations

import io
import random
import struct
import zipfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.xls_registros import BOUNDSHEET, DIMENSIONS, SST, con_flujo, registros


def fuzz_settings(max_examples: int, *checks: HealthCheck) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # no .hypothesis folder in the work tree
        suppress_health_check=[HealthCheck.too_slow, *checks],
    )


@st.composite
def damaged_bytes(
    draw: st.DrawFn, data: bytes, most: int = 3, nasty: tuple[bytes, ...] = ()
) -> bytes:
    """``data`` with one to ``most`` kinds of damage; ``nasty``: byte strings worth inserting."""
    out = bytearray(data)
    kinds = ["truncate", "flip", "drop", "insert", "zero"] + (["nasty"] if nasty else [])
    for _ in range(draw(st.integers(1, most))):
        if not out:
            break
        kind = draw(st.sampled_from(kinds))
        at = draw(st.integers(0, len(out) - 1))
        if kind == "truncate":
            del out[at:]
        elif kind == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "drop":
            del out[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "nasty":
            out[at:at] = draw(st.sampled_from(nasty))
        else:
            out[at : at + 8] = bytes(len(out[at : at + 8]))
    return bytes(out)


# Far cells: past the last column read (AMJ), past Excel's last row, and within both but far
# enough for a dense reader to ask for gigabytes.
FAR_REFERENCES = ("XFD1048576", "XFD10000", "AMK1", "A1048577", "AMJ1048576", "ZZ99999")


@st.composite
def far_cell_xml(draw: st.DrawFn) -> bytes:
    """One value alone at a far reference, as a row of a sheet's <sheetData>, written the
    usual way or as other writers (and attackers) may: single quotes, a prefix, no
    reference at all on the cells before it."""
    ref = draw(st.sampled_from(FAR_REFERENCES))
    row = "".join(c for c in ref if c.isdigit())
    value = "<v>7</v>"
    forms = [
        f'<row r="{row}"><c r="{ref}">{value}</c></row>',
        f"<row r='{row}'><c r='{ref}' t='n'>{value}</c></row>",
        f'<row r="{row}"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main" r="{ref}">{value}</x:c></row>',
        f'<row r="{row}">' + "<c><v>1</v></c>" * draw(st.integers(1, 2_000)) + "</row>",
    ]
    return draw(st.sampled_from(forms)).encode()


# --- mutations driven by a random.Random (the bench's fuzz run; hypothesis's st.randoms()) ----

# Record types an .xls reader acts on: cells, DIMENSIONS, BOUNDSHEET, SST, CONTINUE, BOF/EOF,
# MULRK, MERGECELLS, Lbl, FORMULA/STRING, ROW, COLINFO, CODEPAGE, FilePass, ExternSheet, XF,
# FORMAT, WINDOW1, RRTabId.
XLS_TIPOS = (0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x0207, 0x00D6, 0x0200, 0x0085,
             0x00FC, 0x003C, 0x0809, 0x000A, 0x00BD, 0x00E5, 0x0018, 0x0208, 0x007D, 0x0042,
             0x002F, 0x0017, 0x00E0, 0x041E, 0x003D, 0x013D)  # fmt: skip
_EXTREMOS = (0, 1, 0x7F, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, 0xFFFFFF, 0x7FFFFFFF, 0xFFFFFFFF)


def _numero(rnd: random.Random, bits: int) -> int:
    valor = rnd.choice(_EXTREMOS) if rnd.random() < 0.7 else rnd.getrandbits(bits)
    return valor & ((1 << bits) - 1)


def mutar_flujo_xls(stream: bytearray, rnd: random.Random) -> str:
    """One change to one record of an .xls's Workbook stream, its size kept; says which."""
    lista = registros(bytes(stream))
    if not lista:
        return "sin registros"
    interesantes = [r for r in lista if r.tipo in (DIMENSIONS, BOUNDSHEET, SST)]
    registro = rnd.choice(interesantes if interesantes and rnd.random() < 0.4 else lista)
    cuerpo = registro.posicion + 4
    clase = rnd.choice(("tipo", "largo", "campo", "campo", "bytes", "celda"))
    if clase == "tipo":
        tipo = rnd.choice(XLS_TIPOS) if rnd.random() < 0.8 else rnd.getrandbits(16)
        struct.pack_into("<H", stream, registro.posicion, tipo)
        return f"0x{registro.tipo:04X} como 0x{tipo:04X}"
    if clase == "largo":
        largo = rnd.choice((0, 1, 2, registro.largo - 1, registro.largo + 1, 0xFFFF,
                            rnd.getrandbits(16)))  # fmt: skip
        struct.pack_into("<H", stream, registro.posicion + 2, max(largo, 0) & 0xFFFF)
        return f"0x{registro.tipo:04X} de largo {largo}"
    if registro.largo == 0:
        return "registro vacío"
    if clase == "celda" and registro.largo >= 4:  # a cell's row or column, far
        struct.pack_into("<H", stream, cuerpo + 2 * rnd.randrange(2), _numero(rnd, 16))
        return f"0x{registro.tipo:04X}: fila o columna"
    if clase == "bytes":
        desde = rnd.randrange(registro.largo)
        for i in range(desde, min(desde + rnd.randint(1, 8), registro.largo)):
            stream[cuerpo + i] = rnd.getrandbits(8)
        return f"0x{registro.tipo:04X}: bytes desde {desde}"
    ancho = rnd.choice((2, 4)) if registro.largo >= 4 else 2
    if registro.largo < ancho:
        stream[cuerpo] = rnd.getrandbits(8)
        return f"0x{registro.tipo:04X}: byte 0"
    en = rnd.randrange(0, registro.largo - ancho + 1)
    if registro.tipo == DIMENSIONS and registro.largo == 14:
        en = rnd.choice((0, 4, 8, 10))
        ancho = 4 if en < 8 else 2
    struct.pack_into("<H" if ancho == 2 else "<I", stream, cuerpo + en, _numero(rnd, 8 * ancho))
    return f"0x{registro.tipo:04X}: campo en {en}"


def mutar_xls(xls: bytes, rnd: random.Random, cuantas: int = 3) -> tuple[bytes, str]:
    """``xls`` with one to ``cuantas`` record changes (tests/xls_registros.py writes them
    back), or, one time in five, its bytes damaged anywhere (the container too)."""
    if rnd.random() < 0.2:
        return danar(xls, rnd), "bytes del archivo"
    hechas: list[str] = []

    def cambiar(stream: bytearray) -> None:
        hechas.extend(mutar_flujo_xls(stream, rnd) for _ in range(rnd.randint(1, cuantas)))

    return con_flujo(xls, cambiar), "; ".join(hechas)


def danar(data: bytes, rnd: random.Random) -> bytes:
    """``data`` with one to three kinds of damage (damaged_bytes's, drawn from ``rnd``)."""
    out = bytearray(data)
    for _ in range(rnd.randint(1, 3)):
        if not out:
            break
        at = rnd.randrange(len(out))
        kind = rnd.choice(("truncate", "flip", "drop", "insert", "zero"))
        if kind == "truncate":
            del out[at:]
        elif kind == "flip":
            out[at] ^= 1 << rnd.randrange(8)
        elif kind == "drop":
            del out[at : at + rnd.randint(1, 16)]
        elif kind == "insert":
            out[at:at] = rnd.randbytes(rnd.randint(1, 16))
        else:
            out[at : at + 8] = bytes(len(out[at : at + 8]))
    return bytes(out)


_XML_MALO = (b"<", b"&", b"\x00", b'"', b"<!DOCTYPE a [<!ENTITY b 'c'>]>", b"</row>",
             b'<c r="XFD1048576"><v>1</v></c>', b' r="A1048577"', b' table:number-rows-repeated="'
             b'999999999"', b' table:number-columns-repeated="16384"', b"<row>", b"<v>")  # fmt: skip


def mutar_zip(data: bytes, rnd: random.Random) -> tuple[bytes, str]:
    """An .xlsx or .ods with one XML part damaged (bytes, or markup that readers act on
    inserted) and zipped again; or, one time in five, the zip's own bytes damaged."""
    if rnd.random() < 0.2:
        return danar(data, rnd), "bytes del archivo"
    source = zipfile.ZipFile(io.BytesIO(data))
    partes = [n for n in source.namelist() if n.endswith((".xml", ".rels"))]
    blanco = rnd.choice(partes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == blanco:
                if rnd.random() < 0.5:
                    content = danar(content, rnd)
                else:
                    at = rnd.randrange(len(content) + 1)
                    content = content[:at] + rnd.choice(_XML_MALO) + content[at:]
            target.writestr(name, content)
    return out.getvalue(), blanco
