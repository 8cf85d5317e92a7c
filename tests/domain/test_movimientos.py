"""Movement rules and the IDSE 168-character record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_nss, nss_check_digit
from icsoe_desktop.domain.idse_lote import (
    RECORD_LENGTH,
    carried,
    format_line,
    parse_line,
    write_lines,
)
from icsoe_desktop.domain.movimientos import Movimiento, parse_pesos, validate

TODAY = date(2026, 11, 22)
CURP = "BOXW310820HNERXN09"


def nss(first_ten: str = "1234567890") -> str:
    return first_ten + nss_check_digit(first_ten)


def reingreso(**changes) -> Movimiento:
    base = Movimiento(
        registro_patronal="Y5412345106",
        nss=nss(),
        primer_apellido="Muñoz",
        segundo_apellido="Pérez",
        nombre="José Ángel",
        tipo="08",
        fecha=date(2026, 11, 2),
        curp=CURP,
        sbc=45_678,
        tipo_trabajador="1",
        tipo_salario="0",
        jornada="0",
        umf="23",
        clave_trabajador="e1",
    )
    return replace(base, **changes)


def test_nss_luhn_check_digit_is_checked():
    assert nss_check_digit("1234567890") == "3"
    assert check_nss("123 4567 8903") == "12345678903"
    with pytest.raises(ValidationError, match="dígito verificador"):
        check_nss("12345678904")
    with pytest.raises(ValidationError, match="11 dígitos"):
        check_nss("1234567890A")


def test_validate_normalises_names_and_codes():
    mov = validate(reingreso(clave_trabajador="e1"), TODAY)
    assert (mov.primer_apellido, mov.segundo_apellido, mov.nombre) == (
        "MUÑOZ",
        "PEREZ",
        "JOSE ANGEL",
    )
    assert mov.umf == "023" and mov.clave_trabajador == "E1"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nss": "12345678904"}, "dígito verificador"),
        ({"registro_patronal": "Y541"}, "11 caracteres"),
        ({"primer_apellido": ""}, "apellido paterno"),
        ({"nombre": "X" * 28}, "27 caracteres"),
        ({"curp": "BOXW310820HNERXN08"}, "CURP"),
        ({"fecha": date(2026, 11, 23)}, "posterior a hoy"),
        ({"sbc": None}, "salario base"),
        ({"sbc": 1_000_000}, "9,999.99"),
        ({"tipo_trabajador": "9"}, "tipo de trabajador"),
        ({"tipo_salario": ""}, "tipo de salario"),
        ({"tipo": "05"}, "Tipo de movimiento"),
        ({"tipo": "02", "causa_baja": ""}, "causa de baja"),
    ],
)
def test_each_bad_field_has_its_own_message(changes, message):
    with pytest.raises(ValidationError, match=message):
        validate(reingreso(**changes), TODAY)


def test_a_baja_needs_no_curp_nor_salary():
    mov = validate(
        reingreso(tipo="02", curp="", sbc=None, causa_baja="separación voluntaria"), TODAY
    )
    assert (mov.causa_baja, mov.sbc, mov.curp) == ("2", None, "")


def test_pesos_are_read_as_centavos():
    assert parse_pesos("1,234.50", "sbc", "SBC") == 123_450
    assert parse_pesos(750, "sbc", "SBC") == 75_000
    assert parse_pesos("", "sbc", "SBC") is None
    assert parse_pesos("$1,234.56", "sbc", "SBC") == 123_456
    with pytest.raises(ValidationError, match="dos decimales"):
        parse_pesos("12.3456", "sbc", "SBC")
    with pytest.raises(ValidationError, match="se puede leer de dos maneras"):
        parse_pesos("1.234,56", "sbc", "SBC")
    with pytest.raises(ValidationError, match="no es un importe"):
        parse_pesos("1,2,3", "sbc", "SBC")
    with pytest.raises(ValidationError, match="no es un importe"):
        parse_pesos("doce", "sbc", "SBC")


def test_records_follow_the_layout_positions():
    line = format_line(validate(reingreso(), TODAY))
    assert len(line) == RECORD_LENGTH
    assert line[0:11] == "Y5412345106" and line[11:22] == nss()
    assert line[22:49].rstrip() == "MUÑOZ" and line[76:103].rstrip() == "JOSE ANGEL"
    assert line[103:109] == "045678"  # SBC 456.78 with two implied decimals
    assert line[115:118] == "100" and line[118:126] == "02112026"
    assert line[126:129] == "023" and line[131:133] == "08"
    assert line[149:167] == CURP and line[167] == "9"
    baja = format_line(validate(reingreso(tipo="02", causa_baja="2"), TODAY))
    assert baja[103:118] == "0" * 15 and baja[148] == "2" and baja[131:133] == "02"


@pytest.mark.parametrize("tipo", ["08", "07", "02"])
def test_a_record_round_trips(tipo):
    mov = validate(reingreso(tipo=tipo, causa_baja="3"), TODAY)
    data = write_lines([mov])
    assert data.endswith(b"\r\n") and len(data) == RECORD_LENGTH + 2
    back = validate(parse_line(data.decode("cp1252").rstrip("\r\n")), TODAY)
    assert back == carried(mov)
    assert back.nss == mov.nss and back.fecha == mov.fecha and back.tipo == tipo


def test_both_filler_variants_of_other_programs_are_read():
    """07 with the tipo de trabajador at 116; 02 with spaces at 104-118 instead of zeros."""
    modificacion = validate(reingreso(tipo="07"), TODAY)
    line = format_line(modificacion)
    assert line[115] == " "  # what we write
    assert parse_line(line[:115] + "1" + line[116:]) == parse_line(line)
    baja = validate(reingreso(tipo="02", causa_baja="2"), TODAY)
    line = format_line(baja)
    spaced = line[:103] + " " * 15 + line[118:]
    assert validate(parse_line(spaced), TODAY) == carried(baja)
    with pytest.raises(ValidationError, match="104-118 deben ser ceros"):
        parse_line(line[:103] + "00000 000000000" + line[118:])


def test_damaged_records_are_explained():
    line = format_line(validate(reingreso(), TODAY))
    with pytest.raises(ValidationError, match="167 caracteres"):
        parse_line(line[:-1])
    with pytest.raises(ValidationError, match="posición 168"):
        parse_line(line[:-1] + "8")
    with pytest.raises(ValidationError, match="Fecha «31022026»"):
        parse_line(line[:118] + "31022026" + line[126:])
    with pytest.raises(ValidationError, match="132-133"):
        parse_line(line[:131] + "05" + line[133:])


def test_a_nul_in_a_name_is_refused_not_taken_for_an_enye():
    """The names are normalised with «Ñ» held as NUL for a moment: a NUL typed in a name would
    come out as «Ñ». It is refused first, naming its position."""
    from icsoe_desktop.domain.movimientos import validate_all

    mov = Movimiento(
        registro_patronal="Y5412345106", nss="12345678903", primer_apellido="GOMEZ",
        segundo_apellido="", nombre="AN\x00A", fecha=date(2026, 1, 5), tipo="08",
        curp="GODE561231MDFRNL06", sbc=30_000, tipo_trabajador="1", tipo_salario="0",
    )  # fmt: skip
    _, errors = validate_all(mov, date(2026, 1, 6))
    assert [(e.field, e.message) for e in errors if e.field == "nombre"] == [
        ("nombre", "El campo «Nombre» tiene un carácter de control invisible (U+0000) en la "
                   "posición 3: bórralo y escribe el texto de nuevo.")
    ]  # fmt: skip
