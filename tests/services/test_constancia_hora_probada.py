"""When a constancia was signed, said only as far as it is proven: with a trusted time-stamp
(a real RFC 3161 server on 127.0.0.1) the signing time is the token's and the e.firma is judged
then; without one, the date is the signer's computer clock, the e.firma is judged now, and a
date in the future is refused. Each constancia is signed by the app's own writer (pyHanko) with
e.firmas made here, the verdict read through ``verificar_constancia`` at a given «now» and
compared with pyHanko's own validation at the same time."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import USO_SELLO, TrustStore, read_emisor
from icsoe_desktop.services.informativa import constancia as c
from tests import credentials_factory as cf
from tests.informativa_acuse_datos import informativa
from tests.servidor_tsa import NOMBRE_TSA, servidor_tsa

pytestmark = pytest.mark.slow

CENTRO = timezone(timedelta(hours=-6))
AHORA = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ATRASADA = datetime(2026, 9, 16, 23, 58, 2, tzinfo=CENTRO)  # the day before the deadline
SELLO = datetime(2026, 11, 26, 16, 0, 5, tzinfo=UTC)  # when the TSA stamps it
AL_SELLAR = datetime(2026, 11, 26, 10, 0, 0, tzinfo=CENTRO)  # the PC's clock, honest
VIGENTE_HASTA = datetime(2029, 1, 1, tzinfo=UTC)
VENCIDA_EL = datetime(2026, 11, 2, tzinfo=UTC)


def _fiel(hasta: datetime) -> cf.Generated:
    return cf.fiel_moral(valid_from=datetime(2025, 1, 1, tzinfo=UTC), valid_to=hasta)


def _firmar(fiel: cf.Generated, firmada: datetime, url: str = "") -> bytes:
    inf = informativa()
    cadena = cadena_original(inf, firmada)
    llave = fiel.private_key
    return c.escribir_constancia(
        inf, cadena, sellar(cadena, llave), fiel.cer, [cf.sat_ca().certificate_der], firmada,
        llave, False, url,
    )  # fmt: skip


def _confianza(*otras: bytes) -> TrustStore:
    anclas = (cf.sat_ca().certificate_der, *otras)
    return TrustStore([read_emisor(der, incluido=False) for der in anclas])


def _sellos(*raices: bytes) -> TrustStore:
    """Time-stamp authorities' roots, trusted only as such (the e.firma issuers apart)."""
    return TrustStore(replace(read_emisor(der, incluido=False), uso=USO_SELLO) for der in raices)


def _pyhanko(pdf: bytes, momento: datetime, tsa_ca: bytes | None = None):
    """pyHanko's own status of the signature, its certificates judged at ``momento``."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def contexto(raiz: bytes, en: datetime | None) -> ValidationContext:
        return ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(raiz)], moment=en, allow_fetching=False
        )

    firma = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(
        firma,
        contexto(cf.sat_ca().certificate_der, momento),
        ts_validation_context=contexto(tsa_ca, None) if tsa_ca else None,
    )


@pytest.fixture
def tsa():
    with servidor_tsa(SELLO) as servidor:
        yield servidor


def _fecha(momento: datetime) -> str:
    return momento.astimezone(CENTRO).strftime("%d/%m/%Y %H:%M:%S (UTC-06:00)")


def test_backdated_with_a_trusted_time_stamp_is_refused_and_an_expired_e_firma_judged_then(tsa):
    confianza, sellos = _confianza(), _sellos(tsa.tsa.ca_der)
    distinto = c.SELLO_DISTINTO.format(fecha=_fecha(ATRASADA), minutos=10, sello=_fecha(SELLO))
    # A vigente e.firma, the PC clock set back to the day before the deadline.
    vigente = _firmar(_fiel(VIGENTE_HASTA), ATRASADA, tsa.url)
    resultado = c.verificar_constancia(vigente, confianza, ahora=AHORA, sellos=sellos)
    assert not resultado.ok and resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (distinto,)
    # An e.firma that expired on 02/11/2026: expired at the token's time, as pyHanko says.
    vencida = _firmar(_fiel(VENCIDA_EL), ATRASADA, tsa.url)
    resultado = c.verificar_constancia(vencida, confianza, ahora=AHORA, sellos=sellos)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (
        distinto,
        c.NO_VIGENTE_SELLO.format(
            fecha=_fecha(SELLO), desde=datetime(2025, 1, 1), hasta=datetime(2026, 11, 2)
        ),
    )
    estado = _pyhanko(vencida, SELLO, tsa.tsa.ca_der)
    assert estado.intact and not estado.trusted and not estado.bottom_line


def test_with_a_trusted_time_stamp_the_signing_time_shown_is_the_tokens(tsa):
    confianza, sellos = _confianza(), _sellos(tsa.tsa.ca_der)
    # Signed while vigente (it expired since): the token proves when, so it stays valid.
    hasta = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    pdf = _firmar(_fiel(hasta), AL_SELLAR, tsa.url)
    resultado = c.verificar_constancia(pdf, confianza, ahora=AHORA, sellos=sellos)
    assert resultado.ok and resultado.salida == c.SALIDA_VALIDA, resultado.motivo
    assert resultado.fecha_probada == SELLO.astimezone(CENTRO)
    assert resultado.resumen().endswith(
        f"firmada el {_fecha(SELLO)} según el sello de tiempo de {NOMBRE_TSA} "
        f"({_fecha(AL_SELLAR)} según el equipo de quien firmó)."
    )
    assert _pyhanko(pdf, SELLO, tsa.tsa.ca_der).bottom_line
    # Where that TSA is not trusted its token proves nothing: the e.firma is judged now, and
    # it has expired.
    sin_tsa = c.verificar_constancia(pdf, _confianza(), ahora=AHORA)
    assert sin_tsa.salida == c.SALIDA_NO_COMPROBABLE and not sin_tsa.ok
    assert sin_tsa.encabezado() == c.NO_SE_PUEDE
    assert not _pyhanko(pdf, AHORA).bottom_line


def test_a_claimed_time_ten_minutes_off_the_token_is_tolerated_not_more(tsa):
    confianza, sellos = _confianza(), _sellos(tsa.tsa.ca_der)
    fiel = _fiel(VIGENTE_HASTA)
    casi = (SELLO - timedelta(minutes=9, seconds=59)).astimezone(CENTRO)
    assert c.verificar_constancia(
        _firmar(fiel, casi, tsa.url), confianza, ahora=AHORA, sellos=sellos
    ).ok
    lejos = (SELLO + timedelta(minutes=10, seconds=5)).astimezone(CENTRO)
    resultado = c.verificar_constancia(
        _firmar(fiel, lejos, tsa.url), confianza, ahora=AHORA, sellos=sellos
    )
    assert resultado.motivo == (
        c.SELLO_DISTINTO.format(fecha=_fecha(lejos), minutos=10, sello=_fecha(SELLO)),
    )


def test_without_a_time_stamp_the_date_is_the_signers_clock_and_the_e_firma_is_judged_now():
    # Backdated, the e.firma vigente now: valid, and it says the date is not proven.
    vigente = _firmar(_fiel(VIGENTE_HASTA), ATRASADA)
    resultado = c.verificar_constancia(vigente, _confianza(), ahora=AHORA)
    assert resultado.ok and resultado.fecha_probada is None
    assert resultado.resumen().endswith(
        f"firmada el {_fecha(ATRASADA)} según el equipo de quien firmó (sin sello de tiempo "
        "confiable en este equipo, esa fecha no está probada)."
    )
    assert _pyhanko(vigente, AHORA).bottom_line
    # The same with an e.firma expired today: it cannot be checked, never «válida».
    vencida = _firmar(_fiel(VENCIDA_EL), ATRASADA)
    resultado = c.verificar_constancia(vencida, _confianza(), ahora=AHORA)
    assert (resultado.ok, resultado.comprobable, resultado.salida) == (False, False, 3)
    assert resultado.motivo == (
        c.NO_COMPROBABLE.format(
            fecha=_fecha(ATRASADA), desde=datetime(2025, 1, 1), hasta=datetime(2026, 11, 2)
        ),
    )
    estado = _pyhanko(vencida, AHORA)
    assert estado.intact and not estado.bottom_line
    # A date 40 days ahead of this computer's clock.
    adelantada = AHORA.astimezone(CENTRO) + timedelta(days=40)
    resultado = c.verificar_constancia(
        _firmar(_fiel(VIGENTE_HASTA), adelantada), _confianza(), ahora=AHORA
    )
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (
        c.FECHA_FUTURA.format(fecha=_fecha(adelantada), ahora=_fecha(AHORA)),
    )
    # A claimed date outside the e.firma's own validity contradicts it: refused.
    antes = datetime(2024, 12, 1, 12, 0, tzinfo=CENTRO)
    resultado = c.verificar_constancia(
        _firmar(_fiel(VIGENTE_HASTA), antes), _confianza(), ahora=AHORA
    )
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert (
        c.NO_VIGENTE.format(
            fecha=_fecha(antes), desde=datetime(2025, 1, 1), hasta=datetime(2029, 1, 1)
        )
        in resultado.motivo
    )


def test_the_service_judges_at_the_apps_clock(services, data_dir, clock):
    from tests.icsoe_helpers import trust_sat

    trust_sat(data_dir)
    pdf = _firmar(_fiel(VENCIDA_EL), ATRASADA)
    clock.now = datetime(2026, 11, 1, 12, 0)  # the day before it expired
    antes = services.informativa_firma.verificar(pdf)
    clock.now = AHORA.replace(tzinfo=None)
    despues = services.informativa_firma.verificar(pdf)
    assert (antes.salida, despues.salida) == (c.SALIDA_VALIDA, c.SALIDA_NO_COMPROBABLE)


@pytest.mark.end2end
def test_informativa_verificar_exits_3_when_it_cannot_be_checked_and_2_for_a_future_date(
    tmp_path,
):
    from tests.icsoe_helpers import trust_sat
    from tests.test_cli_informativa import cli

    datos = tmp_path / "datos"
    datos.mkdir()
    trust_sat(datos)
    vencida = cf.fiel_moral(valid_from=cf.days_from_now(-400), valid_to=cf.days_from_now(-10))
    firmada = cf.days_from_now(-100).astimezone(CENTRO)
    (tmp_path / "vencida.pdf").write_bytes(_firmar(vencida, firmada))
    hecho = cli(datos, "informativa", "verificar", tmp_path / "vencida.pdf")
    assert hecho.returncode == 3, hecho.stderr
    info = cf.load_info(vencida)
    vigencia = {"desde": info.valido_desde, "hasta": info.valido_hasta}
    assert hecho.stdout.splitlines() == [
        c.NO_SE_PUEDE,
        c.NO_COMPROBABLE.format(fecha=_fecha(firmada), **vigencia),
    ]
    futura = cf.days_from_now(40).astimezone(CENTRO)
    (tmp_path / "futura.pdf").write_bytes(_firmar(_fiel(VIGENTE_HASTA), futura))
    hecho = cli(datos, "informativa", "verificar", tmp_path / "futura.pdf")
    assert hecho.returncode == 2
    primera, motivo = hecho.stdout.splitlines()
    assert primera == c.NO_VALIDA
    assert motivo.startswith(f"La fecha de firma ({_fecha(futura)}) es posterior a la hora")
    ayuda = cli(datos, "informativa", "--help").stdout
    assert "3 si no se puede comprobar" in " ".join(ayuda.split())
