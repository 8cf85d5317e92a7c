"""Registros patronales: validation messages, normalization, alta/cambio/baja with their audit
entries, and the rule that a registro with a certificate keeps its RFC and cannot be removed."""

from __future__ import annotations

from datetime import datetime

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.empresas.registros import RegistroRow
from icsoe_desktop.store.models import CertificadoImss, RegistroPatronal

ACTOR = "admin@nominas.com"
REGISTRO = "Y5412345106"
RFC = "ABC010101AB1"
RAZON = "Nóminas del Centro, S.A. de C.V."
MSG_FORMATO = (
    "El registro patronal sólo admite letras y números, y sus últimos 8 caracteres deben ser "
    "números (por ejemplo, Y5412345106)."
)
MSG_RFC_LONGITUD = "El RFC debe tener 12 caracteres (persona moral) o 13 (persona física)."
MSG_RFC_INVALIDO = (
    "El RFC no es válido: revisa las letras iniciales, la fecha (AAMMDD) y la homoclave."
)


def actions(services) -> list[tuple[str, str, str, str]]:
    """Audit entries, oldest first: (actor, action, target, detail)."""
    return [(e.actor, e.action, e.target, e.detail) for e in reversed(services.audit.recent())]


def assign_certificate(services, registro: str) -> None:
    """A certificate row as the Certificados IMSS window would leave it (public data only)."""
    from sqlalchemy import select

    # The secrets column appears with the Certificados IMSS work; fill it when the table has it.
    secrets = {"secreto_sellado": b"sellado"} if hasattr(CertificadoImss, "secreto_sellado") else {}
    with services.store.session() as session:
        registro_id = session.scalar(
            select(RegistroPatronal.id).where(RegistroPatronal.registro == registro)
        )
        session.add(
            CertificadoImss(
                **secrets,
                registro_patronal_id=registro_id,
                tipo="IMSS",
                usuario=RFC,
                rfc=RFC,
                nombre=RAZON,
                no_certificado="00001000000500000001",
                emisor="IMSS",
                valido_desde=datetime(2025, 1, 1),
                valido_hasta=datetime(2029, 1, 1),
                certificado_der=b"\x30\x82",
                keyring_ref="certificado-imss/prueba",
            )
        )


def test_save_adds_registros_listed_in_order_with_an_alta_audit_entry(services):
    row = services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    assert row == RegistroRow(REGISTRO, RFC, RAZON)
    # The CONTPAQi guide's form: two letters and 9 digits; a persona física RFC (13).
    services.registros.save("NO191919191", "GODE561231GR8", "Eduardo Gómez Díaz", ACTOR)
    assert services.registros.listar() == [
        RegistroRow("NO191919191", "GODE561231GR8", "Eduardo Gómez Díaz"),
        RegistroRow(REGISTRO, RFC, RAZON),
    ]
    assert actions(services) == [
        (ACTOR, "registro_patronal_alta", REGISTRO, RFC),
        (ACTOR, "registro_patronal_alta", "NO191919191", "GODE561231GR8"),
    ]


def test_registros_survive_a_restart(services, data_dir):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.close()
    reopened = open_services(data_dir)
    try:
        assert reopened.registros.listar() == [RegistroRow(REGISTRO, RFC, RAZON)]
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("registro", "rfc", "razon", "code", "message", "field"),
    [
        ("", RFC, RAZON, "campo_obligatorio", "Captura el registro patronal.", "registro"),
        (" - ", RFC, RAZON, "campo_obligatorio", "Captura el registro patronal.", "registro"),
        (
            "Y541234",
            RFC,
            RAZON,
            "registro_longitud",
            "El registro patronal debe tener 11 caracteres; capturaste 7.",
            "registro",
        ),
        (
            "Y54123451066",
            RFC,
            RAZON,
            "registro_longitud",
            "El registro patronal debe tener 11 caracteres; capturaste 12.",
            "registro",
        ),
        ("Y54123451AB", RFC, RAZON, "registro_formato", MSG_FORMATO, "registro"),
        ("Y54.2345106", RFC, RAZON, "registro_formato", MSG_FORMATO, "registro"),
        ("Ñ5412345106", RFC, RAZON, "registro_formato", MSG_FORMATO, "registro"),
        (REGISTRO, "", RAZON, "campo_obligatorio", "Captura el RFC del patrón.", "rfc"),
        (REGISTRO, "ABC01010", RAZON, "rfc_longitud", MSG_RFC_LONGITUD, "rfc"),
        (REGISTRO, "ABCD010101AB12", RAZON, "rfc_longitud", MSG_RFC_LONGITUD, "rfc"),
        (REGISTRO, "ABC991301AB1", RAZON, "rfc_invalido", MSG_RFC_INVALIDO, "rfc"),  # month 13
        (REGISTRO, "123010101AB1", RAZON, "rfc_invalido", MSG_RFC_INVALIDO, "rfc"),
        (
            REGISTRO,
            RFC,
            "",
            "campo_obligatorio",
            "Captura la razón social del patrón.",
            "razonSocial",
        ),
        (
            REGISTRO,
            RFC,
            "   ",
            "campo_obligatorio",
            "Captura la razón social del patrón.",
            "razonSocial",
        ),
        (
            REGISTRO,
            RFC,
            "N" * 251,
            "razon_social_larga",
            "La razón social no debe exceder 250 caracteres.",
            "razonSocial",
        ),
    ],
)
def test_each_rule_has_its_code_message_and_field(
    services, registro, rfc, razon, code, message, field
):
    with pytest.raises(ValidationError) as error:
        services.registros.save(registro, rfc, razon, ACTOR)
    assert (error.value.code, error.value.message, error.value.field) == (code, message, field)
    assert services.registros.listar() == []
    assert actions(services) == []  # nothing is audited when nothing is saved


def test_rules_are_checked_in_the_order_of_the_form(services):
    """Registro first, then RFC, then razón social: the user fixes the form top to bottom."""
    with pytest.raises(ValidationError) as error:
        services.registros.save("", "", "", ACTOR)
    assert error.value.field == "registro"
    with pytest.raises(ValidationError) as error:
        services.registros.save(REGISTRO, "", "", ACTOR)
    assert error.value.field == "rfc"


def test_limits_are_inclusive(services):
    services.registros.save(REGISTRO, RFC, "N" * 250, ACTOR)
    assert services.registros.listar()[0].razon_social == "N" * 250


def test_spaces_dashes_and_lowercase_are_normalized(services):
    row = services.registros.save(
        " y54-12345-10-6 ", "abc-010101 ab1", "  Nóminas   del\tCentro,  S.A. de C.V.  ", ACTOR
    )
    assert row == RegistroRow(REGISTRO, RFC, RAZON)
    assert services.registros.listar() == [row]
    # The same registro written another way is the same registro: an update, not a second one.
    services.registros.save("y5412345106", RFC, "Otra razón", ACTOR)
    assert services.registros.listar() == [RegistroRow(REGISTRO, RFC, "Otra razón")]


def test_saving_an_existing_registro_updates_it_with_a_cambio_entry(services):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    row = services.registros.save(REGISTRO, "NOM0101011A1", "Nóminas del Norte, S.C.", "otro@x.mx")
    assert row == RegistroRow(REGISTRO, "NOM0101011A1", "Nóminas del Norte, S.C.")
    assert services.registros.listar() == [row]
    assert actions(services)[-1] == (
        "otro@x.mx",
        "registro_patronal_cambio",
        REGISTRO,
        "NOM0101011A1",
    )
    with services.store.session() as session:
        from sqlalchemy import select

        stored = session.scalar(select(RegistroPatronal))
        assert stored.version == 2  # other desktops learn of the change


def test_delete_removes_it_from_the_list_with_a_baja_entry(services):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.registros.save("NO191919191", "GODE561231GR8", "Eduardo Gómez Díaz", ACTOR)
    services.registros.delete("y54-12345-10-6", ACTOR)  # normalized like save
    assert [r.registro for r in services.registros.listar()] == ["NO191919191"]
    assert actions(services)[-1] == (ACTOR, "registro_patronal_baja", REGISTRO, "")


def test_delete_of_an_unknown_or_already_deleted_registro_is_refused(services):
    with pytest.raises(ValidationError) as error:
        services.registros.delete(REGISTRO, ACTOR)
    assert error.value.code == "registro_inexistente"
    assert error.value.message == f"El registro patronal {REGISTRO} no existe."

    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.registros.delete(REGISTRO, ACTOR)
    with pytest.raises(ValidationError) as error:
        services.registros.delete(REGISTRO, ACTOR)
    assert error.value.code == "registro_inexistente"


def test_a_deleted_registro_can_be_captured_again(services):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    services.registros.delete(REGISTRO, ACTOR)
    services.registros.save(REGISTRO, "NOM0101011A1", "Nóminas del Norte, S.C.", ACTOR)
    assert services.registros.listar() == [
        RegistroRow(REGISTRO, "NOM0101011A1", "Nóminas del Norte, S.C.")
    ]
    assert [a[1] for a in actions(services)] == [
        "registro_patronal_alta",
        "registro_patronal_baja",
        "registro_patronal_cambio",
    ]


def test_a_registro_with_a_certificate_cannot_be_deleted(services):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    assign_certificate(services, REGISTRO)
    with pytest.raises(ValidationError) as error:
        services.registros.delete(REGISTRO, ACTOR)
    assert error.value.code == "registro_con_certificado"
    assert error.value.message == (
        f"El registro patronal {REGISTRO} tiene un certificado asignado: elimínalo primero en "
        "Certificados IMSS."
    )
    assert services.registros.listar() == [RegistroRow(REGISTRO, RFC, RAZON)]
    assert [a[1] for a in actions(services)] == ["registro_patronal_alta"]


def test_a_registro_with_a_certificate_keeps_its_rfc_but_its_razon_social_can_change(services):
    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    assign_certificate(services, REGISTRO)
    with pytest.raises(ValidationError) as error:
        services.registros.save(REGISTRO, "NOM0101011A1", RAZON, ACTOR)
    assert (error.value.code, error.value.field) == ("registro_con_certificado", "rfc")
    assert "elimínalo en Certificados IMSS antes de cambiar el RFC" in error.value.message

    services.registros.save(REGISTRO, "abc-010101-ab1", "Nóminas del Centro, S.C.", ACTOR)
    assert services.registros.listar() == [RegistroRow(REGISTRO, RFC, "Nóminas del Centro, S.C.")]


def test_a_deleted_certificate_no_longer_blocks_the_delete(services):
    from sqlalchemy import update

    services.registros.save(REGISTRO, RFC, RAZON, ACTOR)
    assign_certificate(services, REGISTRO)
    with services.store.session() as session:
        session.execute(update(CertificadoImss).values(deleted=True))
    services.registros.delete(REGISTRO, ACTOR)
    assert services.registros.listar() == []


def test_without_a_session_nothing_is_saved_and_the_refusal_is_audited(services):
    with pytest.raises(PermisoDenegado):
        services.registros.save(REGISTRO, RFC, RAZON, None)
    assert services.registros.listar() == []
    refusal = services.audit_instalacion.recent()[0]
    assert (refusal.actor, refusal.action) == ("sólo consulta", "permiso_denegado")


def test_a_razon_social_with_an_invisible_character_is_refused(services):
    """A tab is a space there (the razón social is free text); a BEL or a bidi override is
    refused naming its position."""
    with pytest.raises(ValidationError) as error:
        services.registros.save(REGISTRO, RFC, "Nóminas\u202e del Centro", ACTOR)
    assert error.value.message == (
        "El campo «Razón social» tiene una marca de dirección del texto invisible (U+202E) en "
        "la posición 8: bórralo y escribe el texto de nuevo."
    )
    with pytest.raises(ValidationError, match=r"\(U\+0007\) en la posición 1:"):
        services.registros.save(REGISTRO, RFC, "\x07Nóminas", ACTOR)
    assert services.registros.listar() == []
