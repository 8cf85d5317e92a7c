"""The fast check of a table's row agrees with the full rules: whatever it accepts, the full path
(every cell read, validate_all, the registro among the known) accepts with the same values and
IDSE answers; rows as the grid's export writes them take the fast path."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from stdnum import luhn

from icsoe_desktop.services.movimientos.fila_rapida import NO_STATUS, FilaRapida
from icsoe_desktop.services.movimientos.importar import _DOMAIN_FIELDS, ESQUEMA, _from_cells
from tests.fuzzing import fuzz_settings

TODAY = date(2026, 11, 22)
REGISTROS = {"Y5412345106", "B1234567105"}
CHECK = fuzz_settings(300)
CLAVES = [c.clave for c in ESQUEMA.campos]  # a row of the intake, its fields in this order


def rapida(registros: set[str] = REGISTROS):
    """The fast check of a row given as field → cell (a field not given: no column)."""
    check = FilaRapida(TODAY, registros, CLAVES.index)
    return lambda cells: check([cells.get(clave) for clave in CLAVES])


CURPS = ["BOXW310820HNERXN09", "HEGT761003HDFRNN07", "BOXW310820HNERXN08", "PEMA801301HDFRRN02",
         "pema800101hdfrrn02", " PEMA800101HDFRRN02", "PEMA-800101HDFRRN02"]  # fmt: skip
BLANKS = [None, "", "  "]
NAMES = ["PEÑA", "José Luis", "MARIA  GUADALUPE", "O'BRIEN", "Ana2", "X" * 28, "ÁNGEL", *BLANKS]
FECHAS = [TODAY, TODAY + timedelta(days=1), datetime(2026, 1, 2, 10, 30), "02/01/2026",
          "2026-01-02", "31/02/2026", "２０２６-01-02", 45_000, "mañana", *BLANKS]  # fmt: skip
PESOS = [278.99, 27899, "278.99", "$1,234.56", "1.234,56", "9,999.99", "10000", -5, 0, "0.001",
         "abc", True, *BLANKS]  # fmt: skip


def pools(ten: str) -> dict[str, list[object]]:
    """Cells each column may hold, valid and not, of every type a sheet gives."""
    nss = ten + luhn.calc_check_digit(ten)
    return {
        "registro_patronal": [*REGISTROS, "Z9999999999", "y5412345106", "Y54-1234510-6",
                              54123451, *BLANKS],
        "nombre": NAMES,
        "primer_apellido": NAMES,
        "segundo_apellido": NAMES,
        "nss": [nss, f"{nss[:5]}-{nss[5:]}", float(nss), int(nss), nss[:10], nss[:10] + "0",
                "١" * 11, None],
        "sbc": PESOS,
        "fecha": FECHAS,
        "curp": [*CURPS, *BLANKS],
        "tipo_trabajador": ["1", "2", "9", 1, "Permanente", *BLANKS],
        "salario": PESOS,
        "estado": ["pendiente", "Aceptado", "perdido", *BLANKS],
        "tipo": ["08", "07", "02", "8", 2, "Baja", "Alta", "99", *BLANKS],
        "tipo_salario": ["0", "2", "3", 0, "Fijo", *BLANKS],
        "jornada": ["0", "6", "7", "9", *BLANKS],
        "umf": ["12", "012", 12, "1a", "١", "1234", *BLANKS],
        "causa_baja": ["1", "2", "A", "a", 2, *BLANKS],
        "clave_trabajador": ["E1", "e1", "ABCDEFGHIJK", "Ñ", " E 1", *BLANKS],
        "guia": ["00100", "12", 12, "1 2", "x", "123456", *BLANKS],
        "fecha_emision": FECHAS,
        "fecha_recibido": FECHAS,
        "fecha_aprobacion": [*BLANKS, TODAY],
        "fecha_rechazo": BLANKS,
        "causa_rechazo": ["", "  NSS no vigente ", None],
    }  # fmt: skip


@st.composite
def rows(draw: st.DrawFn) -> dict[str, object]:
    """A valid row of each kind with a few of its cells changed (most rows of a file are
    valid; a damaged one differs in a cell or two)."""
    ten = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=10, max_size=10)))
    cells = valid(draw(st.sampled_from(["08", "07", "02"])), ten + luhn.calc_check_digit(ten))
    choices = pools(ten)
    for name in draw(st.lists(st.sampled_from(sorted(choices)), max_size=4)):
        cells[name] = draw(st.sampled_from(choices[name]))
    return cells


def valid(tipo: str, nss: str) -> dict[str, object]:
    return {
        "registro_patronal": "Y5412345106", "nombre": "JOSE LUIS", "primer_apellido": "PEÑA",
        "segundo_apellido": "", "nss": nss, "sbc": 278.99, "fecha": datetime(2026, 1, 2),
        "curp": "" if tipo == "02" else "HEGT761003HDFRNN07",
        "tipo_trabajador": "1" if tipo == "08" else "", "salario": None, "estado": "pendiente",
        "tipo": tipo, "tipo_salario": "" if tipo == "02" else "0", "jornada": "0",
        "umf": "12", "causa_baja": "2" if tipo == "02" else "", "clave_trabajador": "E1",
        "guia": "00100", "fecha_emision": None, "fecha_recibido": None,
        "fecha_aprobacion": None, "fecha_rechazo": None, "causa_rechazo": "",
    }  # fmt: skip


def full(
    cells: dict[str, object], registros: set[str] = REGISTROS
) -> tuple[tuple[object, ...], tuple[object, ...]] | None:
    mov, status, errors = _from_cells(cells, TODAY)
    if errors or mov is None or mov.registro_patronal not in registros:
        return None
    return tuple(getattr(mov, name) for name in _DOMAIN_FIELDS), status


@pytest.mark.slow
@CHECK
@given(rows())
def test_the_fast_path_accepts_nothing_the_rules_refuse(cells):
    fast = rapida()(cells)
    event("fast" if fast is not None else "full")
    if fast is not None:
        assert fast == full(cells)


@pytest.mark.parametrize("tipo", ["08", "07", "02"])
def test_rows_as_the_export_writes_them_take_the_fast_path(tipo):
    """And give what the full rules give, the second time from what the first remembered."""
    check = rapida()
    for nss in ("12345678903", "10000000009"):
        cells = valid(tipo, nss)
        fast = check(cells)
        assert fast is not None and fast[1] is NO_STATUS
        assert fast == full(cells)


def test_an_unknown_registro_is_left_to_the_full_path():
    cells = {"registro_patronal": "Z9999999999", "nombre": "ANA", "primer_apellido": "PEÑA",
             "nss": "12345678903", "sbc": 100, "fecha": TODAY, "tipo": "02", "causa_baja": "2"}  # fmt: skip
    assert rapida()(cells) is None
    known = {*REGISTROS, "Z9999999999"}
    assert rapida(known)(cells) == full(cells, known) is not None
