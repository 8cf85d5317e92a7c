"""The SISUB's rules as plain values: a guide's title compared by its significant words, a
sheet recognised by its guide's own words; the INFONAVIT days of a receipt (an absence not
paid takes days off, an incapacidad does not: Ley del INFONAVIT art. 29) and its aportación
capped at 25 UMA."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.sisub.importes import ReciboSisub, aportacion
from icsoe_desktop.domain.sisub.titulos import campo_de, reconocer


def test_titles_by_their_significant_words() -> None:
    for titulo, campo in (
        ("Numero de Seguro Social del trabajador", "nss"),
        ("NÚMERO DE SEGURO SOCIAL", "nss"),
        ("Registro Patronal ante el I.M.S.S.", "registro_patronal"),
        ("Calle (centro de trabajo)", "calle"),
        ("Monto Percepciones fijas.", "fijas"),
        ("salario no excedente (VSM)", "no_excedente"),
        ("Registro Federal de Contribuyentes del sujeto obligado", "rfc"),
        ("Clave de ubicación", None),
    ):
        assert campo_de("trabajadores", titulo) == campo, titulo
    # «Monto» dropped only when nothing names the field with it.
    assert campo_de("contratos", "Monto del contrato") == "monto"
    assert campo_de("contratos", "Y calle") == "y_calle"
    assert campo_de("contratos", "Calle") == "calle"


def test_a_sheet_is_the_guide_whose_words_it_carries() -> None:
    assert reconocer(["NSS", "Bimestre"]).archivo == "trabajadores"
    assert reconocer(["Número de escritura", "Notario", "Representante legal"]).archivo == "sujeto"
    assert reconocer(["RFC del beneficiario", "Vigencia"]).archivo == "contratos"
    assert reconocer(["Nombre", "Teléfono"]) == reconocer([])  # no guide, no reason
    dos = reconocer(["NSS", "Bimestre", "Escritura", "Notario", "Representante"])
    assert dos.archivo is None and "dos guías" in dos.motivo
    nombre = reconocer(["NSS", "Bimestre"], "Información sujeto obligado")
    assert nombre.archivo is None and "su nombre dice «Sujeto obligado»" in nombre.motivo


def test_the_infonavit_days_and_the_cap() -> None:
    # A week: 7 days, SBC 500.00, the whole share: 5 % × 500 × 7 = 175.00.
    semana = ReciboSisub(date(2026, 5, 10), 50_000, 100_000, (), 0, 7, 7_000)
    assert aportacion(semana) == 17_500
    # Two days absent and not paid: 5 days count.
    assert aportacion(ReciboSisub(date(2026, 5, 10), 50_000, 100_000, (), 0, 7, 5_000)) == 12_500
    # Three days of incapacidad, not paid by the employer: still 7 days.
    assert aportacion(ReciboSisub(date(2026, 5, 10), 50_000, 100_000, (), 3, 7, 4_000)) == 17_500
    # SBC past 25 UMA (2026: 117.31 × 25 = 2,932.75), half the time for this client.
    alto = ReciboSisub(date(2026, 5, 10), 400_000, 50_000, (), 0, 7, 7_000)
    assert aportacion(alto) == round(293_275 * 7 * 5 / 100 / 2)


def test_the_contracts_and_sujetos_data_checked() -> None:
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.sisub.captura import (
        DatosSujeto,
        DelContrato,
        check_datos_sujeto,
        check_del_contrato,
    )

    limpio = check_del_contrato(DelContrato("  Obra   especializada ", 100, " B1234567105 "))
    assert limpio == DelContrato("Obra especializada", 100, "B1234567105")
    for malo, codigo in (
        (DelContrato("x" * 61), "campo_largo"),
        (DelContrato(monto=-1), "importe_invalido"),
        (DelContrato(registro_beneficiario="123"), "registro_patronal_invalido"),
    ):
        with pytest.raises(ValidationError) as error:
            check_del_contrato(malo)
        assert error.value.code.startswith(codigo.split("_")[0]), error.value.code
    hoy = date(2026, 11, 29)
    assert check_datos_sujeto(DatosSujeto(notario_numero=" 45 "), hoy).notario_numero == "45"
    for malo, codigo in (
        (DatosSujeto(folio_mercantil="F" * 41), "campo_largo"),
        (DatosSujeto(escritura_fecha=date(2026, 12, 1)), "fecha_futura"),
    ):
        with pytest.raises(ValidationError) as error:
            check_datos_sujeto(malo, hoy)
        assert error.value.code == codigo
