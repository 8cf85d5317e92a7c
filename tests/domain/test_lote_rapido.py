"""The fast lote line check agrees with the full rules: whatever it accepts, parse_line + validate
accept with the same values; valid lines as IDSE files carry them take the fast path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.mx import curp as stdnum_curp

from icsoe_desktop.domain.contacto import curp_check_digit, curp_ok, todas_curp_ok
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import nss_check_digit, nss_ok, todos_nss_ok
from icsoe_desktop.domain.idse_lote import RECORD_LENGTH, format_line, parse_line
from icsoe_desktop.domain.lote_rapido import LoteChecker
from icsoe_desktop.domain.movimientos import Movimiento, validate
from tests.fuzzing import fuzz_settings

TODAY = date(2026, 11, 22)
REGISTROS = {"Y5412345106", "B1234567105"}
CHECK = fuzz_settings(150)
CURPS = ["BOXW310820HNERXN09", "HEGT761003HDFRNN07", "GODE561231MDFRNL06", "PEMA800101HDFRRN02",
         "BOXW310820HNERXN08", "CACA800101HDFRRN04", "PEMA801301HDFRRN02", "PEMA800101XDFRRN02",
         "PEMA800101HXXRRN02", "PEMA000229HDFRRNA5", "pema800101hdfrrn02"]  # fmt: skip
NAME = st.text("ABCDEÑ .'-áé", min_size=0, max_size=30)


def slow(line: str) -> Movimiento | ValidationError:
    try:
        mov = validate(parse_line(line), TODAY)
    except ValidationError as error:
        return error
    if mov.registro_patronal not in REGISTROS:
        return ValidationError("registro_desconocido", "")
    return mov


@st.composite
def lines(draw: st.DrawFn) -> str:
    ten = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=10, max_size=10)))
    nss = ten + draw(st.sampled_from([luhn.calc_check_digit(ten), "0", "²"]))
    tipo = draw(st.sampled_from(["08", "07", "02"]))
    mov = Movimiento(
        registro_patronal=draw(st.sampled_from([*REGISTROS, "Z9999999999", "y5412345106"])),
        nss=nss[:11],
        primer_apellido=draw(NAME),
        segundo_apellido=draw(NAME),
        nombre=draw(NAME),
        tipo=tipo,
        fecha=TODAY - timedelta(days=draw(st.integers(-3, 20_000))),
        curp=draw(st.sampled_from([*CURPS, ""])),
        sbc=draw(st.integers(0, 999_999)),
        tipo_trabajador=draw(st.sampled_from(["1", "4", "5", " "])),
        tipo_salario=draw(st.sampled_from(["0", "2", "3", " "])),
        jornada=draw(st.sampled_from(["0", "6", "7", " "])),
        umf=draw(st.sampled_from(["", "12", "123", "1a", "١"])),
        causa_baja=draw(st.sampled_from(["1", "A", "a", "B", " "])),
        clave_trabajador=draw(st.sampled_from(["", "E1", "e1", "ABCDEFGHIJ", "Ñ"])),
        guia=draw(st.sampled_from(["", "00100", "12", "1 2", "x"])),
    )
    try:
        line = format_line(mov)
    except ValidationError:
        line = format_line(
            Movimiento(
                registro_patronal="Y5412345106", nss=ten + "0", primer_apellido="A",
                nombre="B", tipo=tipo, fecha=TODAY,
            )
        )  # fmt: skip
    if draw(st.booleans()):  # damage it
        at = draw(st.integers(0, RECORD_LENGTH - 1))
        line = line[:at] + draw(st.text(max_size=3)) + line[at + 1 :]
    return line


@pytest.mark.slow
@CHECK
@given(lines())
def test_the_fast_path_accepts_nothing_the_rules_refuse(line):
    fast = LoteChecker(TODAY, REGISTROS)(line)
    full = slow(line)
    if fast is not None:
        assert full == Movimiento(**fast._asdict())


@CHECK
@given(st.text("0123456789", min_size=10, max_size=10), st.sampled_from(CURPS))
def test_valid_lines_take_the_fast_path(ten, curp):
    mov = validate(
        Movimiento(registro_patronal="Y5412345106", nss=ten + luhn.calc_check_digit(ten),
                   primer_apellido="PEÑA", nombre="JOSE LUIS", tipo="08",
                   fecha=date(2026, 1, 2), curp=curp, sbc=50_000, tipo_trabajador="1",
                   tipo_salario="0"),
        TODAY,
    ) if stdnum_curp.is_valid(curp) else None  # fmt: skip
    if mov is not None:
        assert LoteChecker(TODAY, REGISTROS)(format_line(mov))._asdict() == vars(mov)


@CHECK
@given(st.text("0123456789ABCDEFGHIJKLMNÑXYZ&hm", min_size=18, max_size=18))
def test_curp_ok_is_stdnum_validate(value):
    assert curp_ok(value) == (stdnum_curp.is_valid(value) and value == value.upper())
    for known in CURPS:
        assert curp_ok(known) == (stdnum_curp.is_valid(known) and known == known.upper())


@CHECK
@given(st.text("0123456789²", min_size=9, max_size=12))
def test_nss_ok_is_the_luhn_digit(value):
    expected = len(value) == 11 and value.isascii() and luhn.is_valid(value)
    assert nss_ok(value) == expected


@CHECK
@given(st.text("0123456789", min_size=10, max_size=10))
def test_nss_check_digit_is_stdnums_luhn_digit(ten):
    assert nss_check_digit(ten) == luhn.calc_check_digit(ten)
    assert nss_ok(ten + nss_check_digit(ten))


@CHECK
@given(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ&", min_size=17, max_size=17))
def test_curp_check_digit_is_stdnums(first_17):
    assert curp_check_digit(first_17) == stdnum_curp.calc_check_digit(first_17 + "0")


VALIDAS = [c for c in CURPS if curp_ok(c)]


@CHECK
@given(
    st.lists(st.sampled_from(CURPS), max_size=6),
    st.lists(st.text("0123456789ABCDEFGHIJKLMNÑXYZ&hm\n", min_size=17, max_size=19), max_size=3),
)
def test_a_list_of_curps_is_valid_as_each_of_them_is(validas, otras):
    """A contract's CURPs told at once: refused exactly when one of them is."""
    for lista in (validas, validas + otras, otras + VALIDAS):
        assert todas_curp_ok(lista) == all(map(curp_ok, lista))
    assert not todas_curp_ok([*validas, "\n".join(VALIDAS[:2])])  # two in one value


@CHECK
@given(st.lists(st.text("0123456789", min_size=10, max_size=10), max_size=8), st.data())
def test_a_list_of_nss_is_valid_as_each_of_them_is(dieces, data):
    """A contract's NSS told at once: refused exactly when one of them is (a digit changed,
    one too short or too long, one not ASCII)."""
    lista = [ten + nss_check_digit(ten) for ten in dieces]
    assert todos_nss_ok(lista)
    if lista:
        i = data.draw(st.integers(0, len(lista) - 1))
        otro = data.draw(st.text("0123456789²", min_size=9, max_size=12))
        lista[i] = otro
        assert todos_nss_ok(lista) == all(map(nss_ok, lista))
