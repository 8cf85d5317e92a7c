"""ICSOE contratista: e.firma entry rules, términos, datos generales and the STPS acuse."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.services import acuses_stps
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.contratistas import MAX_ACUSE_BYTES, DatosGenerales
from tests import credentials_factory as cf
from tests.icsoe_helpers import trust_sat, write_pdf


@pytest.fixture
def trusted(services, data_dir):
    trust_sat(data_dir)
    return services


def validar(services, tmp_path, gen, rfc=cf.RFC_MORAL, password=cf.PASSWORD):
    cer, key = gen.write(tmp_path / "fiel")
    return services.contratistas.validar_fiel(rfc, cer, key, password)


def test_persona_moral_efirma_validates_and_enters(trusted, tmp_path):
    fiel = validar(trusted, tmp_path, cf.fiel_moral())
    assert (fiel.rfc, fiel.persona, fiel.nombre) == (cf.RFC_MORAL, "moral", cf.NOMBRE_MORAL)
    sesion = trusted.contratistas.ingresar(fiel)
    assert not sesion.terminos_aceptados and not sesion.datos_generales and sesion.es_moral
    sesion = trusted.contratistas.aceptar_terminos(cf.RFC_MORAL)
    assert sesion.terminos_aceptados
    again = trusted.contratistas.ingresar(fiel)  # second entry: no términos again
    assert again.id == sesion.id and again.terminos_aceptados
    actions = [r.action for r in AuditService(trusted.store).recent()]
    assert "icsoe_terminos_aceptados" in actions and actions.count("icsoe_ingreso_efirma") == 2


def test_persona_fisica_efirma_enters(trusted, tmp_path):
    fiel = validar(trusted, tmp_path, cf.fiel_fisica(), rfc=cf.RFC_FISICA.lower())
    assert (fiel.rfc, fiel.persona) == (cf.RFC_FISICA, "fisica")


def test_efirma_por_vencer_still_enters_and_its_issuer_is_told(trusted, tmp_path, clock):
    from datetime import datetime

    clock.now = datetime(2027, 11, 1, 9, 0)
    fiel = validar(trusted, tmp_path, cf.fiel_por_vencer(clock.now, dias=5))
    assert fiel.emisor == "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA"
    clock.advance(days=6)
    with pytest.raises(ValidationError, match="venció"):
        validar(trusted, tmp_path, cf.fiel_por_vencer(datetime(2027, 11, 1, 9, 0), dias=5))


def test_sat_name_on_a_foreign_signature_does_not_enter(trusted, tmp_path):
    """Same issuer name as the trusted test AC, another key: refused by signature."""
    impostor = cf.Issuer(
        cf.certificate(
            cf.sat_ca().name_der,
            cf.rsa_key(11),
            cf.Issuer(b"", cf.rsa_key(11), cf.sat_ca().name_der),
            extensions=cf.ca_extensions(),
        ),
        cf.rsa_key(11),
        cf.sat_ca().name_der,
    )
    with pytest.raises(ValidationError) as raised:
        validar(trusted, tmp_path, cf.fiel_moral(issuer=impostor))
    assert raised.value.code == "efirma_emisor"


def test_representante_personal_efirma_is_refused(trusted, tmp_path):
    with pytest.raises(ValidationError) as error:
        validar(trusted, tmp_path, cf.fiel_fisica())
    assert error.value.code == "efirma_representante"
    assert "la e.firma que debes ingresar es la de la persona moral" in error.value.message


def test_rfc_typed_must_be_the_certificate_s(trusted, tmp_path):
    with pytest.raises(ValidationError) as error:
        validar(trusted, tmp_path, cf.fiel_moral(), rfc="SCO050505QR2")
    assert error.value.code == "efirma_otro_rfc"
    assert cf.RFC_MORAL in error.value.message


def test_csd_is_not_an_efirma(trusted, tmp_path):
    with pytest.raises(ValidationError) as error:
        validar(trusted, tmp_path, cf.csd())
    assert error.value.code == "certificado_csd"


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "code"),
    [(-1500, -10, "efirma_vencida"), (10, 900, "efirma_no_vigente")],
)
def test_expired_and_not_yet_valid_are_refused(trusted, tmp_path, valid_from, valid_to, code):
    gen = cf.fiel_moral(
        valid_from=cf.days_from_now(valid_from), valid_to=cf.days_from_now(valid_to)
    )
    with pytest.raises(ValidationError) as error:
        validar(trusted, tmp_path, gen)
    assert error.value.code == code


def test_wrong_password_and_untrusted_issuer(services, data_dir, tmp_path):
    with pytest.raises(DomainError) as error:
        validar(services, tmp_path, cf.fiel_moral())  # SAT CA not trusted yet
    assert error.value.code == "efirma_emisor"
    trust_sat(data_dir)
    with pytest.raises(DomainError) as error:
        validar(services, tmp_path, cf.fiel_moral(), password="otra-cosa")
    assert error.value.code == "contrasena_incorrecta"


def test_missing_inputs_name_their_field(trusted, tmp_path):
    with pytest.raises(ValidationError) as error:
        trusted.contratistas.validar_fiel("", None, None, "")
    assert error.value.field == "rfc"
    with pytest.raises(ValidationError) as error:
        trusted.contratistas.validar_fiel(cf.RFC_MORAL, None, None, "")
    assert error.value.field == "certificado"


@pytest.fixture
def moral(trusted, tmp_path):
    trusted.contratistas.ingresar(validar(trusted, tmp_path, cf.fiel_moral()))
    trusted.contratistas.aceptar_terminos(cf.RFC_MORAL)
    return trusted


def test_datos_generales_rules_and_save(moral, tmp_path, data_dir):
    svc = moral.contratistas
    ok = DatosGenerales("contacto@empresa.com", "55-1234-5678", "", domicilio_igual_fiscal=True)
    for bad, field in [
        (DatosGenerales("", "5512345678"), "correo"),
        (DatosGenerales("no-es-correo", "5512345678"), "correo"),
        (DatosGenerales("a@b.mx", ""), "celular"),
        (DatosGenerales("a@b.mx", "12345"), "celular"),
        (DatosGenerales("a@b.mx", "5512345678", "77"), "telefonoFijo"),
        (DatosGenerales("a@b.mx", "5512345678"), "domicilioIgual"),  # moral must answer
        (ok, "acuse"),  # no acuse yet
    ]:
        with pytest.raises(ValidationError) as error:
            svc.guardar_datos_generales(cf.RFC_MORAL, bad)
        assert error.value.field == field, bad
    acuse = svc.adjuntar_acuse(cf.RFC_MORAL, write_pdf(tmp_path))
    assert acuse.path.parent == data_dir / "acuses"
    assert acuses_stps.leer(acuse.path).startswith(
        b"%PDF"
    )  # kept encrypted: tests/services/test_acuses_stps.py
    sesion = svc.guardar_datos_generales(cf.RFC_MORAL, ok)
    assert sesion.datos_generales
    saved = svc.datos_generales(cf.RFC_MORAL)
    assert (saved.celular, saved.domicilio_igual_fiscal) == ("5512345678", True)


def test_domicilio_social_components_when_not_the_fiscal_one(moral, tmp_path):
    svc = moral.contratistas
    svc.adjuntar_acuse(cf.RFC_MORAL, write_pdf(tmp_path))
    partial = DatosGenerales(
        "a@b.mx", "5512345678", domicilio_igual_fiscal=False, codigo_postal="6600"
    )
    with pytest.raises(ValidationError) as error:
        svc.guardar_datos_generales(cf.RFC_MORAL, partial)
    assert error.value.field == "entidad"
    full = DatosGenerales(
        "a@b.mx",
        "5512345678",
        "5552382700",
        False,
        "06600",
        "Juárez",
        "Paseo de la Reforma",
        "476",
        "Piso 4",
        "Cuauhtémoc",
        "Ciudad de México",
    )
    svc.guardar_datos_generales(cf.RFC_MORAL, full)
    assert svc.datos_generales(cf.RFC_MORAL) == full


def test_acuse_type_and_size_are_checked_and_eliminar_removes_the_file(moral, tmp_path):
    svc = moral.contratistas
    fake = tmp_path / "foto.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    big = tmp_path / "grande.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * MAX_ACUSE_BYTES + b"\n%%EOF\n")
    empty = tmp_path / "vacio.pdf"
    empty.write_bytes(b"")
    for path, code in [
        (fake, "acuse_no_pdf"),
        (big, "acuse_grande"),
        (empty, "archivo_vacio"),
        (tmp_path / "no-existe.pdf", "archivo_inexistente"),
    ]:
        with pytest.raises(ValidationError) as error:
            svc.adjuntar_acuse(cf.RFC_MORAL, path)
        assert error.value.code == code
    first = svc.adjuntar_acuse(cf.RFC_MORAL, write_pdf(tmp_path, "uno.pdf"))
    second = svc.adjuntar_acuse(cf.RFC_MORAL, write_pdf(tmp_path, "dos.pdf"))
    assert not first.path.exists() and second.path.exists()  # replaced, not piled up
    assert svc.acuse(cf.RFC_MORAL).nombre == "dos.pdf"
    svc.eliminar_acuse(cf.RFC_MORAL)
    assert svc.acuse(cf.RFC_MORAL) is None and not second.path.exists()
    actions = [r.action for r in AuditService(moral.store).recent()]
    assert {"icsoe_acuse_adjuntado", "icsoe_acuse_eliminado"} <= set(actions)


def test_persona_fisica_has_no_domicilio_social(trusted, tmp_path):
    svc = trusted.contratistas
    svc.ingresar(validar(trusted, tmp_path, cf.fiel_fisica(), rfc=cf.RFC_FISICA))
    svc.adjuntar_acuse(cf.RFC_FISICA, write_pdf(tmp_path))
    sesion = svc.guardar_datos_generales(
        cf.RFC_FISICA, DatosGenerales("tomas@correo.mx", "3312345678")
    )
    assert sesion.datos_generales and not sesion.es_moral
