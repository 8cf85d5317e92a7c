"""Certificados IMSS: assigning the IMSS .pfx or the e.firma to a registro patronal, with real
generated credentials, a real SQLite file and the (test-only) keyring."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import keyring
import pytest

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.certificados.servicio import KEYRING_SCOPE, TRUSTED_DIR, Assignment
from icsoe_desktop.services.container import open_services
from tests import credentials_factory as cf
from tests.en_claro import copia_en_claro

REGISTRO = "Y5412345106"


@pytest.fixture
def company(services, data_dir):
    """A registro patronal of the factory's persona moral; the SAT and IMSS CAs trusted."""
    services.registros.save(REGISTRO, cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", "admin")
    trusted = data_dir / TRUSTED_DIR
    trusted.mkdir()
    (trusted / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)
    (trusted / "ac_imss.cer").write_bytes(cf.imss_ca().certificate_der)
    return services


def fiel_assignment(tmp_path, gen=None, usuario=cf.RFC_MORAL, contrasena=cf.PASSWORD) -> Assignment:
    cer, key = (gen or cf.fiel_moral()).write(tmp_path / "fiel")
    return Assignment(REGISTRO, cer, key, usuario, contrasena)


def pfx_assignment(tmp_path, data: bytes, usuario=cf.IMSS_USUARIO, contrasena=cf.IMSS_PASSWORD):
    path = tmp_path / "imss.pfx"
    path.write_bytes(data)
    return Assignment(REGISTRO, path, None, usuario, contrasena)


def keyring_entries(services) -> list[str]:
    with services.store.session() as session:
        from icsoe_desktop.store.models import CertificadoImss

        refs = [c.keyring_ref for c in session.query(CertificadoImss)]
    return [r for r in refs if keyring.get_password(f"icsoe-desktop/{KEYRING_SCOPE}", r)]


def test_unconfigured_registro_is_listed_as_sin_certificado(company):
    (row,) = company.certificates.rows()
    assert (row.registro, row.estado, row.estado_texto) == (
        REGISTRO,
        "sin_certificado",
        "Sin certificado",
    )
    assert company.certificates.pending() == [REGISTRO]


def test_fiel_is_assigned_and_its_secrets_never_reach_the_database(company, tmp_path, data_dir):
    gen = cf.fiel_moral()
    row = company.certificates.assign(fiel_assignment(tmp_path, gen), "admin")
    assert (row.tipo, row.rfc, row.no_certificado, row.estado) == (
        "FIEL",
        cf.RFC_MORAL,
        cf.NO_CERTIFICADO,
        "vigente",
    )
    assert company.certificates.pending() == []

    db = (data_dir / "icsoe.sqlite3").read_bytes() + b"".join(
        p.read_bytes() for p in data_dir.glob("icsoe.sqlite3-*")
    )
    from cryptography.hazmat.primitives import serialization

    key_der = gen.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert key_der not in db and key_der.hex().encode() not in db
    assert cf.PASSWORD.encode("utf-8") not in db
    assert len(keyring_entries(company)) == 1
    actions = [e.action for e in company.audit.recent()]
    assert actions[0] == "certificado_asignado"


def test_assignment_survives_a_restart_and_the_key_can_be_used(company, tmp_path, data_dir, clock):
    gen = cf.fiel_moral()
    company.certificates.assign(fiel_assignment(tmp_path, gen), "admin")
    company.close()
    again = open_services(data_dir, clock)
    try:
        (row,) = again.certificates.rows()
        assert row.tipo == "FIEL"
        credential, usuario, contrasena = again.certificates.credential(REGISTRO)
        assert (usuario, contrasena) == (cf.RFC_MORAL, cf.PASSWORD)
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.hashes import SHA256

        signature = credential.private_key.sign(b"lote IDSE", padding.PKCS1v15(), SHA256())
        gen.certificate.public_key().verify(signature, b"lote IDSE", padding.PKCS1v15(), SHA256())
    finally:
        again.close()


def test_imss_pfx_is_assigned_with_its_usuario(company, tmp_path):
    imss = cf.imss_certificate()
    row = company.certificates.assign(pfx_assignment(tmp_path, cf.pfx_modern(imss)), "admin")
    assert row.tipo == "IMSS"
    _, usuario, contrasena = company.certificates.credential(REGISTRO)
    assert (usuario, contrasena) == (cf.IMSS_USUARIO, cf.IMSS_PASSWORD)


def test_remove_deletes_the_assignment_and_the_keyring_entry(company, tmp_path):
    company.certificates.assign(fiel_assignment(tmp_path), "admin")
    with company.store.session() as session:
        from icsoe_desktop.store.models import CertificadoImss

        ref = session.query(CertificadoImss).one().keyring_ref
    company.certificates.remove(REGISTRO, "admin")
    assert keyring.get_password(f"icsoe-desktop/{KEYRING_SCOPE}", ref) is None
    assert company.certificates.pending() == [REGISTRO]
    assert company.audit.recent()[0].action == "certificado_eliminado"
    with pytest.raises(DomainError) as info:
        company.certificates.credential(REGISTRO)
    assert info.value.code == "sin_certificado"


def test_removal_leaves_a_tombstone_without_secrets_and_a_new_certificate_can_follow(
    company, tmp_path
):
    from icsoe_desktop.store.models import CertificadoImss

    company.certificates.assign(fiel_assignment(tmp_path), "admin")
    company.certificates.remove(REGISTRO, "admin")
    with company.store.session() as session:
        tombstone = session.query(CertificadoImss).one()
        assert (tombstone.deleted, tombstone.secreto_sellado, tombstone.keyring_ref) == (
            True,
            b"",
            "",
        )
        first_uuid = tombstone.uuid
    imss = cf.imss_certificate()
    row = company.certificates.assign(pfx_assignment(tmp_path, cf.pfx_modern(imss)), "admin")
    assert (row.tipo, row.estado) == ("IMSS", "vigente")
    with company.store.session() as session:
        (again,) = session.query(CertificadoImss).all()
        assert (again.uuid, again.deleted) == (first_uuid, False)
    assert company.certificates.credential(REGISTRO)[1] == cf.IMSS_USUARIO


def code_of(company, assignment) -> DomainError:
    with pytest.raises(DomainError) as info:
        company.certificates.assign(assignment, "admin")
    return info.value


def test_certificate_of_another_rfc_is_no_dado_de_alta(company, tmp_path):
    other = cf.fiel_moral(rfc="OTR010101AB1")
    error = code_of(company, fiel_assignment(tmp_path, other, usuario="OTR010101AB1"))
    assert error.code == "certificado_no_dado_de_alta"
    assert error.message.startswith("Certificado no dado de alta.")
    assert "OTR010101AB1" in error.message


def test_efirma_not_from_an_installed_sat_authority_is_refused(company, tmp_path, data_dir):
    for path in (data_dir / TRUSTED_DIR).iterdir():
        path.unlink()
    error = code_of(company, fiel_assignment(tmp_path))
    assert error.code == "efirma_emisor"
    assert "no fue emitida por una autoridad certificadora del SAT" in error.message
    assert "Configuración › Emisores confiables" in error.message
    assert company.certificates.pending() == [REGISTRO]
    assert keyring_entries(company) == []


def test_imss_pfx_of_an_unknown_issuer_is_saved_and_marked(company, tmp_path, data_dir):
    (data_dir / TRUSTED_DIR / "ac_imss.cer").unlink()
    imss = cf.imss_certificate()
    row = company.certificates.assign(pfx_assignment(tmp_path, cf.pfx_modern(imss)), "admin")
    assert (row.tipo, row.estado, row.emisor_verificado) == ("IMSS", "vigente", False)
    assert row.estado_texto == "Vigente · Emisor no verificado en este equipo"
    assert row.usable  # IDSE decides; the local check only catches the wrong file
    # IT adds the IMSS CA: every certificate it signed is verified from then on.
    ca = tmp_path / "ac_imss.crt"
    ca.write_bytes(cf.pem_certificate(cf.imss_ca().certificate_der))
    company.certificates.emisores.agregar(ca, CLI_ACTOR, "efirma")
    (row,) = company.certificates.rows()
    assert (row.emisor_verificado, row.estado_texto) == (True, "Vigente")


def test_imss_pfx_of_another_rfc_is_still_no_dado_de_alta(company, tmp_path, data_dir):
    (data_dir / TRUSTED_DIR / "ac_imss.cer").unlink()
    other = cf.imss_certificate(rfc="OTR010101AB1")
    error = code_of(company, pfx_assignment(tmp_path, cf.pfx_modern(other)))
    assert error.code == "certificado_no_dado_de_alta"
    assert "OTR010101AB1" in error.message


def test_fresh_install_accepts_an_efirma_that_chains_to_the_shipped_kind_of_set(services, tmp_path):
    """leaf → AC → root, with the AC shipped and the root shipped (resources' folder): the
    data dir is empty, as on a fresh install."""
    services.registros.save(REGISTRO, cf.RFC_MORAL, cf.NOMBRE_CON_COMA, "admin")
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "ac.cer").write_bytes(cf.sat_ac().certificate_der)
    services.certificates.trusted_dirs[0] = shipped
    gen = cf.fiel_moral(issuer=cf.sat_ac())
    assert code_of(services, fiel_assignment(tmp_path, gen)).code == "efirma_emisor"
    (shipped / "arc.cer").write_bytes(cf.arc_root().certificate_der)
    row = services.certificates.assign(fiel_assignment(tmp_path, gen), "admin")
    assert (row.razon_social, row.emisor_verificado) == (cf.NOMBRE_CON_COMA, True)


def test_expired_and_not_yet_valid_certificates_are_refused(company, tmp_path):
    # Relative to the services' clock (fixed), not to today: «yesterday» must stay expired.
    now = company.clock().replace(tzinfo=UTC)
    expired = cf.fiel_moral(valid_from=now - timedelta(1500), valid_to=now - timedelta(1))
    assert code_of(company, fiel_assignment(tmp_path, expired)).code == "certificado_vencido"
    future = cf.fiel_moral(valid_from=now + timedelta(10), valid_to=now + timedelta(1000))
    assert code_of(company, fiel_assignment(tmp_path, future)).code == "certificado_no_vigente"


def test_a_csd_is_not_an_efirma(company, tmp_path):
    assert code_of(company, fiel_assignment(tmp_path, cf.csd())).code == "certificado_csd"


def test_wrong_password_and_wrong_usuario_are_refused(company, tmp_path):
    assert (
        code_of(company, fiel_assignment(tmp_path, contrasena="Otra2026xyz")).code
        == "contrasena_incorrecta"
    )
    error = code_of(company, fiel_assignment(tmp_path, usuario="OTR010101AB1"))
    assert "RFC" in error.message
    imss = cf.pfx_modern(cf.imss_certificate())
    assert code_of(company, pfx_assignment(tmp_path, imss, usuario="corto")).field == "usuario"


def test_missing_files_have_their_own_messages(company, tmp_path):
    error = code_of(company, Assignment(REGISTRO, None, None, cf.RFC_MORAL, cf.PASSWORD))
    assert (error.code, error.message) == (
        "archivo_no_elegido",
        "Elige el archivo de certificado digital (.pfx).",
    )
    cer, _ = cf.fiel_moral().write(tmp_path)
    error = code_of(company, Assignment(REGISTRO, cer, None, cf.RFC_MORAL, cf.PASSWORD))
    assert error.message == "Elige el archivo de llave privada (.key)."
    error = code_of(
        company, Assignment(REGISTRO, tmp_path / "no.cer", tmp_path / "no.key", "x", "y")
    )
    assert error.code == "archivo_inexistente"
    empty = tmp_path / "vacio.pfx"
    empty.write_bytes(b"")
    assert (
        code_of(company, Assignment(REGISTRO, empty, None, cf.IMSS_USUARIO, cf.IMSS_PASSWORD)).code
        == "archivo_vacio"
    )


def test_a_registro_with_a_certificate_must_remove_it_first_and_an_expired_one_says_so(
    company, tmp_path, clock
):
    company.certificates.assign(fiel_assignment(tmp_path), "admin")
    assert code_of(company, fiel_assignment(tmp_path)).code == "registro_con_certificado"
    clock.advance(days=4 * 366)  # the e.firma expires while assigned
    (row,) = company.certificates.rows()
    assert row.estado == "vencido"
    error = code_of(company, fiel_assignment(tmp_path))
    assert error.code == "certificado_vencido_asignado"
    assert "elimínalo para agregar el nuevo certificado" in error.message


def test_por_vencer_within_30_days(company, tmp_path, clock):
    company.certificates.assign(fiel_assignment(tmp_path), "admin")
    (row,) = company.certificates.rows()
    clock.now = row.valido_hasta.replace(microsecond=0) - timedelta(days=30)
    assert company.certificates.rows()[0].estado == "por_vencer"
    assert company.certificates.pending() == []


def test_efirma_por_vencer_under_the_test_clock(company, tmp_path, clock):
    """The factory's e.firma por vencer: 10 days left by the test clock (a date a year away),
    plenty by the real one, so only the clock makes it «por vencer»."""
    clock.now = datetime(2027, 11, 1, 9, 0)
    gen = cf.fiel_por_vencer(clock.now, dias=10)
    assert cf.load_info(gen).estado() == "vigente"  # by the real clock
    row = company.certificates.assign(fiel_assignment(tmp_path, gen), "admin")
    assert (row.estado, row.estado_texto, row.usable) == ("por_vencer", "Por vencer", True)
    clock.advance(days=11)
    assert company.certificates.rows()[0].estado == "vencido"
    assert company.certificates.pending() == [REGISTRO]


def test_no_keyring_means_nothing_is_saved(company, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    import keyring.core

    keyring.core._keyring_backend = None
    error = code_of(company, fiel_assignment(tmp_path))
    assert error.code == "sin_llavero"
    assert company.certificates.pending() == [REGISTRO]


def test_database_file_has_no_password_in_plain_text(company, tmp_path, data_dir):
    company.certificates.assign(
        pfx_assignment(tmp_path, cf.pfx_modern(cf.imss_certificate())), "admin"
    )
    company.close()
    copia = copia_en_claro(data_dir / "icsoe.sqlite3", tmp_path / "en-claro.sqlite3")
    with closing(sqlite3.connect(copia)) as conn:
        dump = "\n".join(conn.iterdump())
    assert cf.IMSS_PASSWORD not in dump


# --- an e.firma is an e.firma in any container ----------------------------------------------------


def fake_sat_fiel() -> cf.Generated:
    """An e.firma signed by a CA that copies the SAT CA's name with a key of its own: trusted by
    nothing installed."""
    return cf.fiel_moral(issuer=cf.self_signed_ca(cf.sat_ca().name_der, cf.rsa_key(12)))


def test_an_untrusted_efirma_is_refused_in_a_pfx_as_in_cer_and_key(company, tmp_path) -> None:
    """The app's own Generar .pfx and another tool's .pfx: the same refusal as its .cer/.key."""
    gen = fake_sat_fiel()
    refused = code_of(company, fiel_assignment(tmp_path, gen))
    assert refused.code == "efirma_emisor"
    cer, key = gen.write(tmp_path / "fake")
    own = tmp_path / "propio.pfx"
    info = company.certificates.generar_pfx(cer, key, cf.PASSWORD, cf.IMSS_PASSWORD, own, "admin")
    assert info.tipo == "FIEL"
    for data in (own.read_bytes(), cf.pfx_modern(gen)):
        error = code_of(company, pfx_assignment(tmp_path, data, usuario=cf.RFC_MORAL))
        assert (error.code, error.message) == (refused.code, refused.message)
        # With an IMSS usuario: told that an e.firma's usuario is its RFC, never kept as IMSS.
        error = code_of(company, pfx_assignment(tmp_path, data))
        assert error.field == "usuario" and "el usuario es el RFC" in error.message
    assert company.certificates.rows()[0].tipo is None
    assert keyring_entries(company) == []


def test_a_trusted_efirma_in_a_pfx_is_kept_as_an_efirma(company, tmp_path) -> None:
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    pfx = tmp_path / "efirma.pfx"
    company.certificates.generar_pfx(cer, key, cf.PASSWORD, cf.IMSS_PASSWORD, pfx, "admin")
    row = company.certificates.assign(
        pfx_assignment(tmp_path, pfx.read_bytes(), usuario=cf.RFC_MORAL), "admin"
    )
    assert (row.tipo, row.rfc, row.emisor_verificado, row.usable) == (
        "FIEL",
        cf.RFC_MORAL,
        True,
        True,
    )
    # Its usuario is the e.firma's RFC, as with the .cer and .key.
    company.certificates.remove(REGISTRO, "admin")
    error = code_of(company, pfx_assignment(tmp_path, pfx.read_bytes(), usuario="OTR010101AB1"))
    assert error.code == "usuario_no_corresponde" and cf.RFC_MORAL in error.message


def test_a_csd_in_a_pfx_is_refused(company, tmp_path) -> None:
    error = code_of(company, pfx_assignment(tmp_path, cf.pfx_modern(cf.csd())))
    assert error.code in ("certificado_csd", "certificado_no_admitido")
    assert "(CSD)" in error.message
