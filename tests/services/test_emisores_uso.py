"""Each trusted authority has one purpose: an e.firma issuer, or the root of a time-stamp
authority (TSA). A commercial CA added for its time-stamps does not make the certificates it
sells e.firmas (the constancia an attacker signs with one is refused, naming why); a TSA whose
root is only an e.firma issuer proves no time. Constancias are written by the app's own writer
(pyHanko) with certificates made here, stamped by a real RFC 3161 server on 127.0.0.1, and
checked by ``verificar`` as the app runs it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.trust import USO_EFIRMA, USO_SELLO
from icsoe_desktop.services.certificados.emisores import SELLOS_DIR, TRUSTED_DIR
from icsoe_desktop.services.informativa import constancia as c
from tests import credentials_factory as cf
from tests.icsoe_helpers import trust_sat
from tests.informativa_acuse_datos import informativa
from tests.servidor_tsa import MOMENTO, NOMBRE_TSA, servidor_tsa

pytestmark = pytest.mark.slow

COMERCIAL = "AC COMERCIAL DE CERTIFICADOS"
# The tests' clock (2026-11-22 09:00 UTC), in Central Mexico time: when the constancias say
# they were signed.
FIRMADA = datetime(2026, 11, 22, 3, 0, tzinfo=timezone(timedelta(hours=-6)))
HORA_SELLO = "22/11/2026 03:00:05 (UTC-06:00)"


def comercial() -> cf.Issuer:
    """A commercial CA that sells certificates to anyone and runs a time-stamp service."""
    return cf._issuer(COMERCIAL, "Certificados Comerciales SA de CV", cf.rsa_key(40))


def efirma_de(emisor: cf.Issuer) -> cf.Generated:
    """A certificate bought from ``emisor``, written like an e.firma of the contratista's RFC."""
    return cf.fiel_moral(
        issuer=emisor,
        key_slot=41,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_to=datetime(2029, 1, 1, tzinfo=UTC),
    )


def constancia(fiel: cf.Generated, cadena_certs: list[bytes], sello_tiempo: str = "") -> bytes:
    """A constancia of the contratista's informativa signed with ``fiel`` by the app's writer."""
    inf = informativa()
    cadena = cadena_original(inf, FIRMADA)
    llave = fiel.private_key
    return c.escribir_constancia(
        inf, cadena, sellar(cadena, llave), fiel.cer, cadena_certs, FIRMADA, llave, False,
        sello_tiempo,
    )  # fmt: skip


def ataque() -> bytes:
    """The attacker's constancia: signed with a certificate bought from the commercial CA."""
    ca = comercial()
    return constancia(efirma_de(ca), [ca.certificate_der])


def archivo_ca(der: bytes, carpeta: Path, nombre: str = "ac.cer") -> Path:
    path = carpeta / nombre
    path.write_bytes(der)
    return path


@pytest.fixture
def verificador(services, data_dir):
    """The client's installation: trusts the SAT's authorities, holds no informativa."""
    trust_sat(data_dir)
    return services


def test_a_ca_added_for_time_stamps_does_not_make_what_it_sells_an_e_firma(verificador, tmp_path):
    emisores = verificador.certificates.emisores
    ca = archivo_ca(comercial().certificate_der, tmp_path)
    emisores.agregar(ca, CLI_ACTOR, USO_SELLO)
    pdf = ataque()

    resultado = verificador.informativa_firma.verificar(pdf)
    assert not resultado.ok and resultado.salida == c.SALIDA_NO_VALIDA
    assert resultado.motivo == (c.SOLO_SELLOS.format(emisor=COMERCIAL),)
    # Nor is such a certificate an e.firma of a trusted issuer anywhere else in the app.
    assert not emisores.verifica(efirma_de(comercial()).cer)

    # The same CA trusted as an e.firma issuer: the very same file is «válida», so the purpose
    # alone is what refused it (what every CA added for a TSA allowed).
    emisores.quitar(emisores.leer(ca).sha256, CLI_ACTOR)
    emisores.agregar(ca, CLI_ACTOR, USO_EFIRMA)
    resultado = verificador.informativa_firma.verificar(pdf)
    assert resultado.ok and resultado.salida == c.SALIDA_VALIDA, resultado.motivo


def test_a_stamp_of_a_tsa_added_as_such_proves_the_time(verificador, tmp_path):
    with servidor_tsa() as tsa:
        pdf = constancia(cf.fiel_moral(), [cf.sat_ca().certificate_der], tsa.url)
        ca = archivo_ca(tsa.tsa.ca_der, tmp_path)
    sin_tsa = verificador.informativa_firma.verificar(pdf)
    assert sin_tsa.ok and sin_tsa.fecha_probada is None
    assert sin_tsa.lineas()[1] == c.SELLO_NO_CONFIABLE.format(fecha=HORA_SELLO, tsa=NOMBRE_TSA)

    verificador.certificates.emisores.agregar(ca, CLI_ACTOR, USO_SELLO)
    resultado = verificador.informativa_firma.verificar(pdf)
    assert resultado.ok and resultado.salida == c.SALIDA_VALIDA, resultado.motivo
    assert resultado.fecha_probada == MOMENTO
    assert resultado.lineas()[1] == c.SELLO_CONFIABLE.format(fecha=HORA_SELLO, tsa=NOMBRE_TSA)
    assert f"según el sello de tiempo de {NOMBRE_TSA}" in resultado.resumen()


def test_a_stamp_of_a_tsa_whose_root_is_only_an_e_firma_issuer_proves_no_time(
    verificador, tmp_path
):
    with servidor_tsa() as tsa:
        pdf = constancia(cf.fiel_moral(), [cf.sat_ca().certificate_der], tsa.url)
        ca = archivo_ca(tsa.tsa.ca_der, tmp_path)
    verificador.certificates.emisores.agregar(ca, CLI_ACTOR, USO_EFIRMA)
    resultado = verificador.informativa_firma.verificar(pdf)
    # The e.firma is the SAT's and vigente now: valid, its date unproven and said so.
    assert resultado.ok, resultado.motivo
    assert resultado.fecha_probada is None and c.SIN_PRUEBA in resultado.resumen()
    assert resultado.lineas()[1] == c.SELLO_DE_EMISOR.format(fecha=HORA_SELLO, tsa=NOMBRE_TSA)


def test_each_authority_keeps_its_purpose_listed_audited_and_in_its_folder(
    services, data_dir, tmp_path
):
    emisores = services.certificates.emisores
    # What was there before purposes existed (a .cer IT dropped in the folder) and the shipped
    # SAT authorities are e.firma issuers; a root dropped in sellos_de_tiempo/ is a TSA's.
    trust_sat(data_dir)
    with servidor_tsa() as tsa:
        tsa_ca = tsa.tsa.ca_der
    (data_dir / TRUSTED_DIR / SELLOS_DIR).mkdir()
    archivo_ca(tsa_ca, data_dir / TRUSTED_DIR / SELLOS_DIR, "tsa_a_mano.cer")
    usos = [(e.nombre, e.uso) for e in emisores.listar()]
    assert usos.pop() == ("AC SELLOS DE TIEMPO DE PRUEBA", USO_SELLO)  # listed last
    assert {uso for _, uso in usos} == {USO_EFIRMA} and len(usos) == 14  # 13 shipped, the SAT
    assert emisores.autoridades_sello().verifies(tsa_ca)
    assert not emisores.trust_store().verifies(tsa_ca)

    ca = archivo_ca(comercial().certificate_der, tmp_path)
    agregado = emisores.agregar(ca, CLI_ACTOR, USO_SELLO)
    assert agregado.uso == USO_SELLO
    assert Path(agregado.archivo).parent == data_dir / TRUSTED_DIR / SELLOS_DIR
    entrada = next(e for e in services.audit.recent() if e.action == "emisor_agregado")
    assert entrada.detail == f"{agregado.sha256}; uso: Autoridad de sellos de tiempo"
    # One purpose per certificate: adding it again for the other one says which it has.
    with pytest.raises(ValidationError) as otra_vez:
        emisores.agregar(ca, CLI_ACTOR, USO_EFIRMA)
    assert otra_vez.value.message == (
        f"El emisor {COMERCIAL} ya está instalado (agregado, como «Autoridad de sellos de tiempo»)."
    )
    with pytest.raises(ValidationError) as sin_uso:
        emisores.agregar(ca, CLI_ACTOR, "")
    assert sin_uso.value.code == "emisor_sin_uso"
    emisores.quitar(agregado.sha256, CLI_ACTOR)
    assert not Path(agregado.archivo).exists()
    assert COMERCIAL not in {e.nombre for e in emisores.listar()}
