"""The IDSE batch ("lote") file: 168 characters per line, one movement per line.

The official layout document was not available (idse-lotes.md): the positions below are a
reviewed working layout, kept in this one table so they are easy to correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import datetime

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import is_ascii_digits
from icsoe_desktop.domain.movimientos import BAJA, CAMPO, MODIFICACION, REINGRESO, Movimiento

RECORD_LENGTH = 168
FORMAT_ID = "9"
ENCODING = "cp1252"  # Windows files; Ñ is one byte, so characters = bytes
NEWLINE = "\r\n"

_COMMON = [
    ("registro_patronal", 1, 11),
    ("nss", 12, 11),
    ("primer_apellido", 23, 27),
    ("segundo_apellido", 50, 27),
    ("nombre", 77, 27),
]
_TAIL = [("tipo", 132, 2), ("guia", 134, 5), ("clave_trabajador", 139, 10)]
# (field, first position counted from 1, length); "" is filler (spaces), "0" zeros.
# Two independent implementations of the layout agree on every position and differ only in
# filler content: a 07 carries the tipo de trabajador at 116 in one, a 02 has spaces at
# 104-118 in the other. We write blank at 116 (a modificación de salario does not change the
# tipo de trabajador) and zeros at 104-118 (the salary positions, which a baja leaves at zero),
# as this app always has; we read both.
LAYOUT: dict[str, list[tuple[str, int, int]]] = {
    REINGRESO: [
        *_COMMON,
        ("sbc", 104, 6),
        ("", 110, 6),
        ("tipo_trabajador", 116, 1),
        ("tipo_salario", 117, 1),
        ("jornada", 118, 1),
        ("fecha", 119, 8),
        ("umf", 127, 3),
        ("", 130, 2),
        *_TAIL,
        ("", 149, 1),
        ("curp", 150, 18),
        ("format_id", 168, 1),
    ],
    MODIFICACION: [
        *_COMMON,
        ("sbc", 104, 6),
        ("", 110, 7),
        ("tipo_salario", 117, 1),
        ("jornada", 118, 1),
        ("fecha", 119, 8),
        ("", 127, 5),
        *_TAIL,
        ("", 149, 1),
        ("curp", 150, 18),
        ("format_id", 168, 1),
    ],
    BAJA: [
        *_COMMON,
        ("0", 104, 15),
        ("fecha", 119, 8),
        ("", 127, 5),
        *_TAIL,
        ("causa_baja", 149, 1),
        ("", 150, 18),
        ("format_id", 168, 1),
    ],
}


def _check_layout() -> None:
    """Each kind's fields must tile the 168 positions exactly (guards edits of the table)."""
    for tipo, layout in LAYOUT.items():
        position = 1
        for name, start, length in layout:
            assert start == position, (tipo, name, start, position)
            position += length
        assert position == RECORD_LENGTH + 1, (tipo, position)


_check_layout()


def carried(mov: Movimiento) -> Movimiento:
    """What a record of this kind keeps of a movement (a baja has no CURP in the file, a
    modificación no tipo de trabajador): what parsing the record gives back."""
    names = {name for name, _start, _length in LAYOUT[mov.tipo]}
    defaults = {
        f.name: f.default
        for f in fields(Movimiento)
        if f.name not in names and f.name not in ("tipo", "fecha", "estado", "salario")
    }
    return replace(mov, salario=None, estado=CAMPO["estado"].default, **defaults)


def format_line(mov: Movimiento) -> str:
    """The record of one (validated) movement, without the line ending."""
    parts = []
    for name, _start, length in LAYOUT[mov.tipo]:
        if name == "":
            value = " " * length
        elif name == "0":
            value = "0" * length
        elif name == "format_id":
            value = FORMAT_ID
        elif name == "fecha":
            value = mov.fecha.strftime("%d%m%Y")
        elif name == "sbc":
            value = str(mov.sbc or 0).zfill(length)
        else:
            value = str(getattr(mov, name)).ljust(length)
        if len(value) != length:
            raise ValidationError(
                "lote_campo_largo",
                f"El campo {name} del NSS {mov.nss} no cabe en el formato IDSE ({length}).",
                name,
            )
        parts.append(value)
    return "".join(parts)


def write_lines(movimientos: Iterable[Movimiento]) -> bytes:
    text = "".join(format_line(m) + NEWLINE for m in movimientos)
    return text.encode(ENCODING)


GUARDAR_EN_ANSI = (
    "el formato IDSE usa ANSI (Windows-1252): guarda el archivo con esa codificación (en el "
    "Bloc de notas: Guardar como… → Codificación: ANSI)."
)


def _longitud(line: str) -> str:
    """Why a line has the wrong length: the count, and the encoding where that is the cause
    (a line saved in UTF-8 read as ANSI: each «Ñ» or accent is two characters)."""
    try:
        as_utf8 = line.encode(ENCODING).decode("utf-8")
    except UnicodeError:
        as_utf8 = line
    if as_utf8 != line and len(as_utf8) == RECORD_LENGTH:
        char = next(c for c in as_utf8 if not c.isascii())
        return (
            f"La línea tiene {len(line)} caracteres porque está guardada en UTF-8, donde «{char}» "
            f"ocupa {len(char.encode('utf-8'))}; " + GUARDAR_EN_ANSI
        )
    return f"La línea tiene {len(line)} caracteres; el formato IDSE usa {RECORD_LENGTH}."


def parse_line(line: str) -> Movimiento:
    """One record back into a movement (not yet validated: see movimientos.validate)."""
    if len(line) != RECORD_LENGTH:
        raise ValidationError("lote_longitud", _longitud(line))
    if line[-1] != FORMAT_ID:
        raise ValidationError(
            "lote_identificador",
            f"La posición 168 debe ser «{FORMAT_ID}» (identificador del formato IDSE).",
        )
    tipo = line[131:133]
    if tipo not in LAYOUT:
        raise ValidationError(
            "tipo_movimiento",
            f"Tipo de movimiento «{tipo}» en las posiciones 132-133: usa 08, 07 o 02.",
        )
    values: dict[str, object] = {}
    for name, start, length in LAYOUT[tipo]:
        raw = line[start - 1 : start - 1 + length]
        if name in ("", "format_id", "tipo"):
            continue
        if name == "0":
            if raw not in ("0" * length, " " * length):  # the other variant leaves spaces
                raise ValidationError(
                    "lote_ceros",
                    f"Las posiciones {start}-{start + length - 1} deben ser ceros (o espacios).",
                )
        elif name == "fecha":
            try:
                values["fecha"] = datetime.strptime(raw, "%d%m%Y").date()
            except ValueError as exc:
                raise ValidationError(
                    "fecha_invalida", f"Fecha «{raw}» no válida (formato DDMMAAAA)."
                ) from exc
        elif name == "sbc":
            if not is_ascii_digits(raw):
                raise ValidationError("importe_invalido", f"SBC «{raw}» no es numérico.")
            values["sbc"] = int(raw)
        else:
            values[name] = raw.strip()
    return Movimiento(tipo=tipo, fecha=values.pop("fecha"), **values)


def looks_like_lote(first_line: str) -> bool:
    return len(first_line) == RECORD_LENGTH and first_line.endswith(FORMAT_ID)
