"""The rules of the informativa cuatrimestral: business days, periods and deadlines, the checks
of each worker row, and Revisar's inconsistencies (each seeded error caught, no false alarm).

Every weekday asserted here was checked against the calendar (``date.weekday()``)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from icsoe_desktop.domain.dias_habiles import (
    DESCANSOS,
    descansos,
    es_habil,
    siguiente_habil,
    sumar_habiles,
)
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    CORRECCION,
    FIRMADA,
    NORMAL,
    SIN_INFORMACION,
    Informativa,
    OtraDeclaracion,
    Periodo,
    Trabajador,
)
from icsoe_desktop.domain.informativa.periodos import (
    fecha_limite,
    periodos_entre,
    presentacion_desde,
)
from icsoe_desktop.domain.informativa.revision import (
    CODIGOS,
    DE_RECIBOS,
    DE_REPSE,
    SBC_DISTINTO,
    revisar,
)
from icsoe_desktop.domain.informativa.trabajadores import (
    parse_sbc,
    revisar_trabajadores,
    salarios_de,
)
from tests.informativa_datos import (
    Caso,
    casos_sembrados,
    curp_valida,
    informativa_limpia,
    nss_valido,
    trabajadores_limpios,
)

# --- business days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dia",
    [
        date(2026, 1, 1),  # jueves, Año Nuevo
        date(2026, 2, 2),  # primer lunes de febrero
        date(2026, 3, 16),  # tercer lunes de marzo
        date(2026, 5, 1),  # viernes
        date(2026, 9, 16),  # miércoles
        date(2026, 11, 16),  # tercer lunes de noviembre
        date(2026, 12, 25),  # viernes
        date(2024, 2, 5),
        date(2024, 3, 18),
        date(2024, 11, 18),
        date(2024, 10, 1),  # martes: transmisión del Poder Ejecutivo Federal
        date(2030, 10, 1),  # martes: the next one, six years later
        date(2006, 12, 1),  # viernes: the transmission before the 2014 reform
        date(2005, 3, 21),  # lunes: before 2006 the day was fixed
        date(2026, 5, 16),  # sábado
        date(2026, 5, 17),  # domingo
    ],
)
def test_official_holidays_and_weekends_are_not_business_days(dia: date) -> None:
    assert not es_habil(dia)


@pytest.mark.parametrize(
    "dia",
    [
        date(2025, 10, 1),  # miércoles: no transmission that year
        date(2026, 2, 5),  # jueves: the day moved to the first Monday since 2006
        date(2026, 3, 20),  # viernes: Juárez's day is the third Monday (the 16th)
        date(2026, 11, 20),  # viernes: the third Monday is the 16th
        date(2005, 11, 21),  # lunes: before 2006 the 20th (a Sunday) was the holiday
        date(2026, 5, 18),  # lunes
    ],
)
def test_ordinary_weekdays_are_business_days(dia: date) -> None:
    assert es_habil(dia)


def test_the_rules_are_a_table_of_data_with_seven_or_eight_days_a_year() -> None:
    assert len(descansos(2026)) == 7
    assert len(descansos(2030)) == 8  # transmission year
    assert {d.nombre for d in DESCANSOS} >= {"Navidad", "Día del Trabajo", "Año Nuevo"}


def test_next_business_day_is_the_day_itself_or_the_first_after_weekends_and_holidays() -> None:
    assert siguiente_habil(date(2026, 5, 18)) == date(2026, 5, 18)
    assert siguiente_habil(date(2026, 5, 16)) == date(2026, 5, 18)  # sábado → lunes
    assert siguiente_habil(date(2026, 3, 14)) == date(2026, 3, 17)  # sábado, lunes festivo
    assert siguiente_habil(date(2026, 12, 25)) == date(2026, 12, 28)  # Navidad en viernes


def test_adding_business_days_skips_weekends_and_holidays() -> None:
    # 23/12/2026 miércoles: 24 (1), 25 Navidad, 28 (2), 29 (3), 30 (4), 31 (5).
    assert sumar_habiles(date(2026, 12, 23), 5) == date(2026, 12, 31)
    # 31/12/2026 jueves: 1 de enero festivo, 2 y 3 fin de semana.
    assert sumar_habiles(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert sumar_habiles(date(2026, 5, 16), 0) == date(2026, 5, 16)
    with pytest.raises(ValueError):
        sumar_habiles(date(2026, 5, 16), -1)


def test_an_extra_declared_day_moves_a_deadline_too() -> None:
    extra = (date(2026, 5, 18),)
    assert not es_habil(date(2026, 5, 18), extra)
    assert siguiente_habil(date(2026, 5, 17), extra) == date(2026, 5, 19)
    assert fecha_limite(Periodo(2026, 1), extra) == date(2026, 5, 19)


# --- periods and deadlines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periodo", "limite"),
    [
        (Periodo(2025, 1), date(2025, 5, 19)),  # 17 sábado → lunes 19
        (Periodo(2025, 2), date(2025, 9, 17)),  # miércoles
        (Periodo(2025, 3), date(2026, 1, 19)),  # 17 de enero sábado → lunes 19
        (Periodo(2026, 1), date(2026, 5, 18)),  # 17 domingo → lunes 18
        (Periodo(2026, 2), date(2026, 9, 17)),  # jueves
        (Periodo(2026, 3), date(2027, 1, 18)),  # domingo → lunes
        (Periodo(2027, 1), date(2027, 5, 17)),  # lunes
        (Periodo(2028, 2), date(2028, 9, 18)),  # domingo → lunes
    ],
)
def test_deadline_is_the_17th_of_the_next_month_or_the_next_business_day(
    periodo: Periodo, limite: date
) -> None:
    assert fecha_limite(periodo) == limite
    assert es_habil(limite)


def test_filing_opens_on_the_first_of_the_month_after_the_period() -> None:
    assert presentacion_desde(Periodo(2026, 1)) == date(2026, 5, 1)
    assert presentacion_desde(Periodo(2026, 2)) == date(2026, 9, 1)
    assert presentacion_desde(Periodo(2026, 3)) == date(2027, 1, 1)


def test_periods_between_two_years_in_order() -> None:
    assert [p.clave for p in periodos_entre(2025, 2026)] == [
        "2025-1", "2025-2", "2025-3", "2026-1", "2026-2", "2026-3"
    ]  # fmt: skip
    assert periodos_entre(2026, 2026) == [Periodo(2026, 1), Periodo(2026, 2), Periodo(2026, 3)]
    assert periodos_entre(2027, 2026) == []


# --- worker checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texto", "centavos"),
    [("350.50", 35050), ("350.5", 35050), ("350", 35000), ("350.", 35000), (" $350.50 ", 35050),
     ("2932.75", 293275), ("0.99", 99), ("$1,234.56", 123456), ("1,234.56", 123456),
     ("$ 1,234.5", 123450), ("1,234", 123400), (1234.5, 123450)],
)  # fmt: skip
def test_sbc_as_mexico_writes_pesos(texto: object, centavos: int) -> None:
    assert parse_sbc(texto) == centavos


@pytest.mark.parametrize("texto", ["1.234,56", "350,50", "1.234", "350.505"])
def test_sbc_whose_separators_read_two_ways_is_refused_as_a_file_refuses_it(texto: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_sbc(texto)
    assert (caught.value.code, caught.value.field) == ("importe_ambiguo", "sbc")
    assert caught.value.message == (
        f"El SBC «{texto}» se puede leer de dos maneras: escríbelo con punto decimal y, si "
        "quieres, coma de miles, como se usa en México (1,234.56 o 1234.56)."
    )


@pytest.mark.parametrize(
    ("texto", "mensaje"),
    [
        ("12,3456", "lleva una coma fuera de lugar: usa punto decimal y, si quieres, coma de"),
        ("1,23,456.50", "lleva una coma fuera de lugar"),
        ("2932.755", "tiene más de dos decimales"),
        ("$2,932.755", "«$2,932.755» tiene más de dos decimales"),
        ("abc", "no es un importe"),
        ("-350", "no es un importe"),
        ("1e3", "no es un importe"),
        ("３５０", "no es un importe"),  # full-width digits
        ("  ", "Falta el SBC"),
    ],
)
def test_sbc_text_refused_with_its_reason(texto: str, mensaje: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_sbc(texto)
    assert mensaje in caught.value.message


def test_the_salary_table_by_year_with_the_latest_for_later_years() -> None:
    assert salarios_de(2025).minimo_general == 27880
    assert salarios_de(2025).minimo_frontera == 41988
    assert salarios_de(2025).tope == 25 * 11314
    assert salarios_de(2026).minimo_general == 31504
    assert salarios_de(2026).tope == 25 * 11731
    assert salarios_de(2031) == salarios_de(2026) == salarios_de(None)
    assert salarios_de(2019) == salarios_de(2022)


def _fila(nss: str, curp: str, sbc: int, renglon: int | None = None) -> Trabajador:
    return Trabajador(nss, curp, sbc, renglon=renglon)


def test_the_sbc_range_is_that_of_the_periods_year() -> None:
    rng = random.Random(5)
    fila = _fila(nss_valido(rng), curp_valida(rng), 30000)  # $300.00
    assert revisar_trabajadores([fila], 2025) == []  # above 278.80
    [problema] = revisar_trabajadores([fila], 2026)  # below 315.04
    assert problema.codigo == "sbc" and problema.renglon == 1
    assert problema.mensaje == (
        "El SBC de $300.00 es menor que el salario mínimo general de 2026 ($315.04)."
    )
    alto = replace(fila, sbc=salarios_de(2026).tope + 1)
    assert "excede el tope de 25 UMA de 2026 ($2,932.75" in (
        revisar_trabajadores([alto], 2026)[0].mensaje
    )
    limites = [replace(fila, sbc=31504), replace(fila, sbc=293275)]
    assert [p.codigo for p in revisar_trabajadores(limites, 2026)] == [
        "nss_repetido",
        "curp_repetida",
    ]


def test_rows_without_a_file_line_are_named_by_their_place_and_repeats_name_both() -> None:
    rng = random.Random(8)
    a, b, c = trabajadores_limpios(3, rng)
    filas = [replace(t, renglon=None) for t in (a, b, replace(c, nss=a.nss, curp=b.curp))]
    problemas = revisar_trabajadores(filas, 2026)
    assert [(p.codigo, p.renglon, p.campo) for p in problemas] == [
        ("nss_repetido", 3, "nss"),
        ("curp_repetida", 3, "curp"),
    ]
    assert problemas[0].mensaje == f"El NSS {a.nss} se repite en los renglones 1 y 3."
    assert problemas[1].mensaje == f"La CURP {b.curp} se repite en los renglones 2 y 3."


def test_a_known_nss_with_another_curp_is_reported_once_and_not_for_a_wrong_curp() -> None:
    rng = random.Random(9)
    a, b = trabajadores_limpios(2, rng, primer_renglon=2)
    otra = curp_valida(rng)
    [problema] = revisar_trabajadores([a, b], 2026, {a.nss: otra, b.nss: b.curp})
    assert (problema.codigo, problema.renglon) == ("curp_distinta", 2)
    assert (
        problema.mensaje == f"El NSS {a.nss} está registrado con la CURP {otra}, no con {a.curp}."
    )
    rota = replace(a, curp=a.curp[:17] + str((int(a.curp[17]) + 1) % 10))
    assert [p.codigo for p in revisar_trabajadores([rota], 2026, {a.nss: otra})] == ["curp"]


def test_empty_identifiers_are_reported_as_missing_not_as_repeated() -> None:
    filas = [_fila("", "", 40000), _fila("", "", 40000)]
    problemas = revisar_trabajadores(filas, 2026)
    assert [(p.codigo, p.renglon) for p in problemas] == [
        ("nss", 1), ("curp", 1), ("nss", 2), ("curp", 2)
    ]  # fmt: skip
    assert problemas[0].mensaje == "Captura el NSS del trabajador."
    assert problemas[1].mensaje == "Captura la CURP."


# --- Revisar -------------------------------------------------------------------------------------

CASOS = casos_sembrados()


@pytest.mark.parametrize("caso", CASOS, ids=[c.nombre for c in CASOS])
def test_each_seeded_error_yields_exactly_its_code(caso: Caso) -> None:
    problemas = revisar(caso.informativa, caso.curps_conocidas)
    assert problemas, "not caught"
    assert {p.codigo for p in problemas} == {caso.codigo}
    for p in problemas:
        assert p.campo, p
        if caso.codigo not in ("sin_contratos", "varias_declaraciones"):
            # The contract is named by uuid and, for the clerk, by its contratante and objeto.
            contrato = next(c for c in caso.informativa.contratos if c.uuid == p.contrato)
            assert p.mensaje.startswith(f"Contrato con {contrato.contratante.nombre} («")
            assert f"«{contrato.objeto}»" in p.mensaje


def test_the_seeded_set_has_at_least_two_cases_of_every_code() -> None:
    # The SBC warning is not Revisar's: the movimientos give it (services); the receipts' ones
    # come from the payroll's CFDI (tests/services/test_nomina_revisar.py), the REPSE ones from
    # the registration (tests/services/test_repse.py).
    por_codigo = {
        codigo: 0
        for codigo in CODIGOS
        if codigo != SBC_DISTINTO and codigo not in DE_RECIBOS | DE_REPSE
    }
    for caso in CASOS:
        por_codigo[caso.codigo] += 1
    assert min(por_codigo.values()) >= 2, por_codigo


def test_a_thousand_clean_contracts_raise_no_alarm() -> None:
    inf = informativa_limpia(contratos=1000, trabajadores=3, seed=11)
    assert len(inf.contratos) == 1000
    conocidas = {t.nss: t.curp for c in inf.contratos for t in c.trabajadores}
    assert revisar(inf, conocidas) == []


def test_clean_informativas_of_every_kind_and_period_raise_no_alarm() -> None:
    for seed, periodo in enumerate((Periodo(2025, 1), Periodo(2025, 3), Periodo(2026, 2))):
        assert revisar(informativa_limpia(5, 4, periodo, seed=seed)) == []
    limpia = informativa_limpia(2, 2)
    firmada = OtraDeclaracion("informativa-0", NORMAL, FIRMADA)
    # A complementaria of a signed Normal is the remedy, not a second declaration.
    for tipo in (CORRECCION, ACTUALIZACION):
        assert (
            revisar(replace(limpia, tipo=tipo, complementa="informativa-0", otras=(firmada,))) == []
        )
    # A Normal after a complementaria, or listing itself among the others, is alone.
    otra_complementaria = OtraDeclaracion("informativa-9", CORRECCION, FIRMADA)
    propia = OtraDeclaracion(limpia.uuid, NORMAL, FIRMADA)
    assert revisar(replace(limpia, otras=(otra_complementaria, propia))) == []
    sin_informacion = Informativa(
        "sin-info", limpia.contratista, limpia.periodo, SIN_INFORMACION, "en_captura"
    )
    assert revisar(sin_informacion) == []
    # A worker count kept from an informativa signed with one is not checked: the count is the
    # list's (the IMSS's seventh inconsistency is about contracts).
    otro_conteo = tuple(replace(c, trabajadores_declarados=99) for c in limpia.contratos)
    assert revisar(replace(limpia, contratos=otro_conteo)) == []


def test_a_contract_started_on_the_periods_first_or_last_day_is_in_it() -> None:
    limpia = informativa_limpia(2, 2)
    periodo = limpia.periodo
    bordes = (
        replace(limpia.contratos[0], fecha_inicial=periodo.inicio, fecha_final=periodo.inicio),
        replace(limpia.contratos[1], fecha_inicial=periodo.fin, fecha_final=None),
    )
    assert revisar(replace(limpia, contratos=bordes)) == []


def test_messages_say_what_is_wrong_and_where() -> None:
    limpia = informativa_limpia(1, 2)
    contrato = replace(
        limpia.contratos[0], fecha_inicial=date(2026, 5, 1), fecha_final=date(2026, 4, 30)
    )
    problemas = revisar(replace(limpia, contratos=(contrato,)))
    assert [(p.codigo, p.campo, p.contrato) for p in problemas] == [
        ("fechas", "fecha_inicial", contrato.uuid),
        ("fechas", "fecha_final", contrato.uuid),
    ]
    nombre = "Contrato con Cliente 0, S.A. de C.V. («Mantenimiento de instalaciones, sede 0»)"
    assert problemas[0].mensaje == (
        f"{nombre}: la fecha inicial 01/05/2026 no está en enero–abril 2026: la informativa "
        "declara los contratos que iniciaron en el cuatrimestre."
    )
    assert problemas[1].mensaje == (
        f"{nombre}: la fecha final 30/04/2026 es anterior a la fecha inicial 01/05/2026."
    )
    primera, segunda = contrato.trabajadores
    otro_digito = segunda.nss[:10] + str((int(segunda.nss[10]) + 1) % 10)
    filas = (primera, replace(segunda, nss=otro_digito))
    mala = replace(contrato, fecha_inicial=date(2026, 2, 1), trabajadores=filas)
    [problema] = revisar(replace(limpia, contratos=(mala,)))
    assert (problema.codigo, problema.campo, problema.renglon) == ("nss", "nss", 2)
    assert problema.mensaje.startswith(f"{nombre}, renglón 2: El NSS ")
    assert problema.mensaje.endswith("no es válido: su dígito verificador no corresponde.")


def test_a_missing_folio_says_only_the_folio_goes_in_its_own_field() -> None:
    """The folio and the description are two boxes: Revisar never asks for «the folio followed
    by the description», which had clerks type the folio twice."""
    limpia = informativa_limpia(1, 1)
    sin_folio = replace(limpia.contratos[0], folio_repse="")
    [problema] = revisar(replace(limpia, contratos=(sin_folio,)))
    assert problema.campo == "folio_repse"
    assert "va sólo el folio, en su campo «Folio REPSE»" in problema.mensaje
    assert "seguido de" not in problema.mensaje


@pytest.mark.slow
def test_revisar_finds_nothing_in_twelve_thousand_clean_workers() -> None:
    # Its speed at this size is bench/informativa.py's.
    inf = informativa_limpia(contratos=40, trabajadores=300, seed=3)
    assert inf.numero_trabajadores == 12_000
    conocidas = {t.nss: t.curp for c in inf.contratos for t in c.trabajadores}
    assert revisar(inf, conocidas) == []
