"""Chains of trust by key and signature: the shipped SAT set, and CA hierarchies of our own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from icsoe_desktop.domain.credentials import CredentialError, load_certificate
from icsoe_desktop.domain.credentials.certificates import raw_certificate
from icsoe_desktop.domain.credentials.files import certificate_file_der
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from tests import credentials_factory as cf

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "emisores_confiables"


def shipped(name: str) -> bytes:
    return certificate_file_der((SHIPPED / name).read_bytes())


@pytest.fixture(scope="module")
def sat_store() -> TrustStore:
    return TrustStore(
        read_emisor(path.read_bytes(), incluido=True, archivo=path.name)
        for path in sorted(SHIPPED.iterdir())
        if path.suffix in (".cer", ".crt")
    )


def names(chain) -> list[str]:
    return [Path(emisor.archivo).stem for emisor in chain]


def test_every_shipped_ac_chains_to_its_banxico_root(sat_store):
    # 18 files, 13 distinct certificates (AC5 in two encodings, ARC2=3=4, ARC6=7).
    assert len(sat_store) == 13
    assert names(sat_store.chain(shipped("AC0_SAT.cer"))) == ["ARC0_IES"]
    assert names(sat_store.chain(shipped("AC4_SAT.cer")))[0].startswith("ARC")
    assert names(sat_store.chain(shipped("AC5_SAT.cer")))[0].startswith("ARC5")
    assert names(sat_store.chain(shipped("AC6_SAT.crt")))[0].startswith("ARC")
    assert names(sat_store.chain(shipped("AC7.crt")))[0].startswith("ARC")
    roots = {Path(e.archivo).stem for e in sat_store.emisores if e.raiz}
    assert roots == {"AC1_SAT", "ARC0_IES", "ARC1_IES", "ARC2_IES", "ARC5_IES", "ARC6_IES"}


def test_ac6_is_read_although_its_names_are_mis_encoded():
    der = shipped("AC6_SAT.crt")
    with pytest.raises(ValueError):
        x509.load_der_x509_certificate(der)  # why our own reader matters
    emisor = read_emisor(der, incluido=True)
    assert emisor.nombre == "A.C. del Servicio de Administración Tributaria"
    assert emisor.valido_hasta == datetime(2031, 3, 24, 3, 31, 40, tzinfo=UTC)
    assert emisor.ca is True


def test_a_fake_ca_with_ac5_s_exact_name_is_not_trusted(sat_store):
    ac5_subject = raw_certificate(shipped("AC5_SAT.cer")).subject_der
    fake_ac5 = cf.self_signed_ca(ac5_subject, cf.rsa_key(8))
    leaf = cf.fiel_moral(issuer=fake_ac5)
    info = load_certificate(leaf.cer)
    assert info.emisor == "AUTORIDAD CERTIFICADORA"  # the name says SAT…
    assert raw_certificate(leaf.cer).issuer.raw() == ac5_subject
    assert sat_store.chain(leaf.cer) == []  # …the signature does not
    # Nor does shipping the fake CA's name help when it comes inside the file (.pfx chain).
    assert sat_store.chain(leaf.cer, intermediates=(fake_ac5.certificate_der,)) == []


def test_leaf_ac_root_of_our_own():
    root = read_emisor(cf.arc_root().certificate_der, incluido=True, archivo="arc")
    ac = read_emisor(cf.sat_ac().certificate_der, incluido=True, archivo="ac")
    leaf = cf.fiel_moral(issuer=cf.sat_ac()).cer
    assert root.raiz and not ac.raiz
    assert names(TrustStore([root, ac]).chain(leaf)) == ["ac", "arc"]
    # A shipped AC counts only through its root…
    assert TrustStore([ac]).chain(leaf) == []
    # …while a CA that IT adds on this desktop is trusted by itself (the IMSS CA's case).
    added = read_emisor(cf.sat_ac().certificate_der, incluido=False, archivo="ac")
    assert names(TrustStore([added]).chain(leaf)) == ["ac"]
    # The AC that comes inside a .pfx fills the gap to an installed root.
    assert names(TrustStore([root]).chain(leaf, (cf.sat_ac().certificate_der,)))[-1] == "arc"
    # A root inside the file is never an anchor.
    assert TrustStore([]).chain(leaf, (cf.sat_ac().certificate_der, root.der)) == []


def test_expired_ca_still_recognises_what_it_issued_and_the_leaf_decides_vigencia():
    old_ac = cf.intermediate_ca(
        cf.name((cf.OID_CN, cf.UTF8, b"AC VENCIDA")), cf.rsa_key(9), cf.arc_root()
    )
    # Re-issue the AC already expired.
    expired_ac = cf.Issuer(
        cf.certificate(
            old_ac.name_der,
            old_ac.key,
            cf.arc_root(),
            valid_from=cf.days_from_now(-4000),
            valid_to=cf.days_from_now(-5),
            extensions=cf.ca_extensions(),
        ),
        old_ac.key,
        old_ac.name_der,
    )
    store = TrustStore(
        [
            read_emisor(cf.arc_root().certificate_der, incluido=True),
            read_emisor(expired_ac.certificate_der, incluido=True),
        ]
    )
    vigente = cf.fiel_moral(issuer=expired_ac)
    vencida = cf.fiel_moral(
        issuer=expired_ac, valid_from=cf.days_from_now(-900), valid_to=cf.days_from_now(-10)
    )
    assert store.verifies(vigente.cer) and store.verifies(vencida.cer)
    assert load_certificate(vencida.cer).estado() == "vencido"


def test_an_end_entity_certificate_is_not_an_issuer():
    fiel = cf.fiel_moral()
    forged_ca = cf.Issuer(fiel.cer, fiel.private_key, cf.name((cf.OID_CN, cf.UTF8, b"x")))
    leaf = cf.fiel_fisica(issuer=forged_ca)
    with pytest.raises(CredentialError) as raised:
        read_emisor(cf.csd().cer, incluido=False)
    assert raised.value.code == "no_es_autoridad"
    assert "no es de una autoridad certificadora" in raised.value.message
    store = TrustStore([read_emisor(cf.sat_ca().certificate_der, incluido=False)])
    assert not store.verifies(leaf.cer, (fiel.cer,))


def test_rsa_pss_and_ecdsa_signatures_verify():
    key = cf.rsa_key(10)
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "AC PSS")])
    pss_ca = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(cf.days_from_now(-1))
        .not_valid_after(cf.days_from_now(100))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(
            key,
            hashes.SHA256(),
            rsa_padding=padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH),
        )
        .public_bytes(serialization.Encoding.DER)
    )
    emisor = read_emisor(pss_ca, incluido=True)
    assert emisor.raiz  # its PSS self-signature verified
    ec_leaf = cf.fiel_moral(issuer=cf.ec_ca()).cer
    store = TrustStore([read_emisor(cf.ec_ca().certificate_der, incluido=True), emisor])
    assert store.verifies(ec_leaf)
    assert not TrustStore([emisor]).verifies(ec_leaf)


def test_fingerprint_and_subject_for_the_window():
    emisor = read_emisor(shipped("AC7.crt"), incluido=True)
    assert emisor.huella.count(":") == 31 and emisor.huella == emisor.huella.upper()
    assert emisor.sujeto.startswith("CN=AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA, O=")


def test_an_authority_vouches_only_for_its_own_purpose():
    from dataclasses import replace

    from icsoe_desktop.domain.trust import USO_EFIRMA, USO_SELLO

    sat = read_emisor(cf.sat_ca().certificate_der, incluido=False)
    tsa = replace(read_emisor(cf.imss_ca().certificate_der, incluido=False), uso=USO_SELLO)
    store = TrustStore([sat, tsa])
    de_la_tsa = cf.imss_certificate().cer
    assert sat.uso == USO_EFIRMA  # what every CA is unless said otherwise
    assert store.para(USO_SELLO).verifies(de_la_tsa)
    assert not store.para(USO_EFIRMA).verifies(de_la_tsa)
    assert store.para(USO_EFIRMA).verifies(cf.fiel_moral().cer)
    assert not store.para(USO_SELLO).verifies(cf.fiel_moral().cer)
    # The same certificate installed for both purposes is listed once for each.
    assert len(TrustStore([sat, replace(sat, uso=USO_SELLO)])) == 2
