"""Revocation, as a CRL published by the e.firma's issuer says it: a real CA made here
publishes its CRL over HTTP on 127.0.0.1; signing fetches it and keeps it in the signed
revision's DSS, refuses a revoked e.firma, and signs without it when it cannot be fetched;
verifying judges it from what the PDF holds at the time the certificates are judged (the
trusted time-stamp's): revoked before, refused; revoked after, still valid; and says plainly when
it could not be checked. Every verdict is compared with pyHanko's, revocation required."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.modelo import FIRMADA
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa.firma import LA_EFIRMA, MSG_EFIRMA_REVOCADA
from icsoe_desktop.services.pades.firmar import EfirmaRevocada
from tests import credentials_factory as cf
from tests.informativa_acuse_datos import informativa
from tests.services.test_constancia_hora_probada import AHORA, AL_SELLAR, SELLO, _fecha, _sellos
from tests.servidor_crl import con_crl, publicador_crl
from tests.servidor_tsa import servidor_tsa

pytestmark = pytest.mark.slow

DESDE, HASTA = datetime(2025, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)


@pytest.fixture
def crl():
    with publicador_crl() as publicador:
        yield publicador


@pytest.fixture
def tsa():
    with servidor_tsa(SELLO) as servidor:
        yield servidor


def _firmar(fiel: cf.Generated, firmada: datetime, url: str = "") -> bytes:
    inf = informativa()
    cadena = cadena_original(inf, firmada)
    llave = fiel.private_key
    return c.escribir_constancia(
        inf, cadena, sellar(cadena, llave), fiel.cer, [fiel.issuer.certificate_der], firmada,
        llave, False, url,
    )  # fmt: skip


def _confianza(*anclas: bytes) -> TrustStore:
    return TrustStore([read_emisor(der, incluido=False) for der in anclas])


def _pyhanko(
    pdf: bytes, raiz: bytes, momento: datetime, tsa_ca: bytes | None = None, requerida=True
):
    """pyHanko's own status at ``momento``, revocation required where the certificate declares
    it (``requerida``; else checked when the data are there), from the PDF's DSS alone."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    lector = PdfFileReader(io.BytesIO(pdf))
    regla = (
        RevocationCheckingRule.CHECK_IF_DECLARED
        if requerida
        else RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    )
    politica = CertRevTrustPolicy(RevocationCheckingPolicy(regla, regla), retroactive_revinfo=True)
    opciones = {
        "trust_roots": [asn1_x509.Certificate.load(raiz)],
        "moment": momento,
        "allow_fetching": False,
        "revinfo_policy": politica,
    }
    try:
        contexto = DocumentSecurityStore.read_dss(lector).as_validation_context(opciones)
    except NoDSSFoundError:  # nothing kept for revocation
        contexto = ValidationContext(crls=[], ocsps=[], **opciones)
    sellos = (
        ValidationContext(trust_roots=[asn1_x509.Certificate.load(tsa_ca)], allow_fetching=False)
        if tsa_ca
        else None
    )
    return validate_pdf_signature(
        lector.embedded_signatures[0], contexto, ts_validation_context=sellos
    )


def _crls_firmadas(pdf: bytes) -> int:
    """How many CRLs the DSS of the revision the signature covers holds."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from icsoe_desktop.services.pades.validar import leer_firma

    firma, _ = leer_firma(pdf)
    lector = PdfFileReader(io.BytesIO(firma.revision_firmada))
    return len(DocumentSecurityStore.read_dss(lector).crls)


def test_the_crl_goes_in_the_signature_and_a_later_revocation_leaves_it_valid(crl, tsa):
    fiel = crl.efirma("00001000000700000001", DESDE, HASTA)
    pdf = _firmar(fiel, AL_SELLAR, tsa.url)
    assert crl.pedidos >= 1 and _crls_firmadas(pdf) == 1
    confianza, sellos = _confianza(crl.ca.certificate_der), _sellos(tsa.tsa.ca_der)
    resultado = c.verificar_constancia(pdf, confianza, ahora=AHORA, sellos=sellos)
    assert resultado.salida == c.SALIDA_VALIDA, resultado.motivo
    cuando = c.A_LA_HORA_DEL_SELLO.format(fecha=_fecha(SELLO))
    assert resultado.lineas()[2] == c.REVOCACION_COMPROBADA.format(cuando=cuando)
    assert _pyhanko(pdf, crl.ca.certificate_der, SELLO, tsa.tsa.ca_der).bottom_line

    # Revoked the day after the token: a CRL saying so, added later, leaves it valid.
    crl.revocar(fiel, SELLO + timedelta(days=1))
    despues = con_crl(pdf, crl.crl())
    resultado = c.verificar_constancia(despues, confianza, ahora=AHORA, sellos=sellos)
    assert resultado.salida == c.SALIDA_CAMBIOS, resultado.motivo
    assert resultado.lineas()[2] == c.REVOCACION_COMPROBADA.format(cuando=cuando)
    assert _pyhanko(despues, crl.ca.certificate_der, SELLO, tsa.tsa.ca_der).bottom_line

    # Its revocation dated before the token (a stolen key declared late): refused.
    revocada = SELLO - timedelta(hours=2)
    crl.revocar(fiel, revocada)
    antes = con_crl(pdf, crl.crl())
    resultado = c.verificar_constancia(antes, confianza, ahora=AHORA, sellos=sellos)
    assert resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (c.EFIRMA_REVOCADA.format(revocada=_fecha(revocada), cuando=cuando),)
    estado = _pyhanko(antes, crl.ca.certificate_der, SELLO, tsa.tsa.ca_der)
    assert estado.intact and estado.revoked and not estado.bottom_line


def test_a_revoked_e_firma_does_not_sign(crl):
    fiel = crl.efirma("00001000000700000002", DESDE, HASTA)
    revocada = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    crl.revocar(fiel, revocada)
    with pytest.raises(EfirmaRevocada) as error:
        _firmar(fiel, AL_SELLAR)
    assert (error.value.fecha, error.value.propia) == (revocada, True)


def test_when_the_crl_cannot_be_fetched_it_signs_and_the_verdict_says_so(crl):
    fiel = crl.efirma("00001000000700000003", DESDE, HASTA)
    crl.caido = True
    pdf = _firmar(fiel, AL_SELLAR)
    assert crl.pedidos >= 1
    confianza = _confianza(crl.ca.certificate_der)
    resultado = c.verificar_constancia(pdf, confianza, ahora=AHORA)
    assert resultado.salida == c.SALIDA_VALIDA, resultado.motivo
    cuando = c.A_LA_HORA_DEL_EQUIPO.format(fecha=_fecha(AHORA))
    assert resultado.lineas()[1] == c.SIN_REVOCACION.format(
        porque=c.SIN_DATOS_REVOCACION.format(cuando=cuando)
    )
    # pyHanko: valid only as far as revocation is not required, as the line says.
    assert not _pyhanko(pdf, crl.ca.certificate_der, AHORA).bottom_line
    assert _pyhanko(pdf, crl.ca.certificate_der, AHORA, requerida=False).bottom_line
    # The CRL added later, listing it revoked before now: refused.
    revocada = AHORA - timedelta(days=1)
    crl.caido = False
    crl.revocar(fiel, revocada)
    con = con_crl(pdf, crl.crl())
    resultado = c.verificar_constancia(con, confianza, ahora=AHORA)
    assert resultado.motivo == (c.EFIRMA_REVOCADA.format(revocada=_fecha(revocada), cuando=cuando),)
    assert _pyhanko(con, crl.ca.certificate_der, AHORA).revoked


def test_an_issuer_that_publishes_no_revocation_is_said_so():
    from tests.services.test_constancia_hora_probada import VIGENTE_HASTA, _fiel

    fiel = _fiel(VIGENTE_HASTA)
    resultado = c.verificar_constancia(
        _firmar(fiel, AL_SELLAR), _confianza(cf.sat_ca().certificate_der), ahora=AHORA
    )
    assert resultado.ok
    assert resultado.lineas()[1:] == [c.SIN_REVOCACION.format(porque=c.EMISOR_SIN_REVOCACION)]


def test_the_service_refuses_to_sign_with_a_revoked_e_firma(services, data_dir, tmp_path, crl):
    from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
    from tests.icsoe_helpers import enter_contratista
    from tests.informativa_servicios import PERIODO, contrato_con_trabajadores

    rfc = enter_contratista(services, data_dir, tmp_path)
    (data_dir / TRUSTED_DIR / "ac_revocacion.cer").write_bytes(crl.ca.certificate_der)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=2)
    fiel = crl.efirma("00001000000700000004", cf.days_from_now(-100), cf.days_from_now(900))
    revocada = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
    crl.revocar(fiel, revocada)
    cer, key = fiel.write(tmp_path / "revocada")
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert (error.value.code, error.value.message) == (
        "efirma_revocada",
        MSG_EFIRMA_REVOCADA.format(que=LA_EFIRMA, fecha="20/11/2026 12:30:00 (UTC-06:00)"),
    )
    assert services.informativas.fila(uuid, rfc).estado != FIRMADA
    # Not revoked: it signs, the CRL inside, and verifies here with its check said.
    crl.revocados.clear()
    constancia = services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert _crls_firmadas(constancia) == 1
    resultado = services.informativa_firma.verificar(constancia)
    assert resultado.salida == c.SALIDA_VALIDA, resultado.motivo
    assert resultado.lineas()[1].startswith("Revocación comprobada: la e.firma no estaba revocada")


@pytest.mark.end2end
def test_informativa_verificar_says_the_revocation_and_exits_2_for_a_revoked_e_firma(
    tmp_path, crl, tsa
):
    from icsoe_desktop.services.certificados.emisores import SELLOS_DIR, TRUSTED_DIR
    from tests.test_cli_informativa import cli

    datos = tmp_path / "datos"
    (datos / TRUSTED_DIR / SELLOS_DIR).mkdir(parents=True)  # the TSA's root, as such
    for nombre, der in (
        ("ac.cer", crl.ca.certificate_der),
        (SELLOS_DIR + "/tsa.cer", tsa.tsa.ca_der),
    ):
        (datos / TRUSTED_DIR / nombre).write_bytes(der)
    fiel = crl.efirma("00001000000700000006", DESDE, HASTA)
    genuina = _firmar(fiel, AL_SELLAR, tsa.url)
    (tmp_path / "genuina.pdf").write_bytes(genuina)
    hecho = cli(datos, "informativa", "verificar", tmp_path / "genuina.pdf")
    assert hecho.returncode == 0, hecho.stdout
    cuando = c.A_LA_HORA_DEL_SELLO.format(fecha=_fecha(SELLO))
    assert hecho.stdout.splitlines()[2] == c.REVOCACION_COMPROBADA.format(cuando=cuando)
    revocada = SELLO - timedelta(days=2)
    crl.revocar(fiel, revocada)
    (tmp_path / "revocada.pdf").write_bytes(con_crl(genuina, crl.crl()))
    hecho = cli(datos, "informativa", "verificar", tmp_path / "revocada.pdf")
    assert (hecho.returncode, hecho.stdout.splitlines()) == (
        2,
        [c.NO_VALIDA, c.EFIRMA_REVOCADA.format(revocada=_fecha(revocada), cuando=cuando)],
    )
