"""Training is the practice empresa's, not the installation's: with the modo de capacitación on
(which only lets this desktop trust the practice and test authorities) a real contratista's
signature is real and unmarked; an e.firma of a practice or test authority signs no other
empresa's informativa; such an authority is never added as a real emisor; and a constancia
signed by one is practice, with its own exit code, whatever its mark says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import cadena_original, leer_campos
from icsoe_desktop.domain.informativa.modelo import FIRMADA
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.practica import MARCA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.capacitacion import preparar
from icsoe_desktop.services.certificados.emisores import MSG_DE_CAPACITACION, SELLOS_DIR
from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa.firma import MSG_EFIRMA_PRACTICA
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.icsoe_helpers import enter_contratista, trust_sat
from tests.informativa_acuse_datos import informativa
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.services.test_capacitacion import ac_uat, instalar_uat
from tests.services.test_constancia_hora_probada import AHORA, AL_SELLAR

pytestmark = pytest.mark.slow


def _por_firmar(services, rfc: str) -> str:
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=3)
    return uuid


def test_a_real_signing_while_the_mode_is_on_and_a_practice_empresa_exists_is_real(
    services, data_dir, tmp_path
):
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = _por_firmar(services, rfc)
    preparar(services, tmp_path / "sala", CLI_ACTOR)  # the practice empresa, beside this one
    services.settings.save_capacitacion(True, CLI_ACTOR)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    constancia = services.informativa_firma.firmar(
        uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD
    )
    assert not leer_campos(falsa.cadena(constancia)).capacitacion
    assert not services.informativa_firma.nombre_constancia(rfc, "2026-2").startswith("CAPAC")
    en_modo = services.informativa_firma.verificar(constancia)
    assert en_modo.salida == c.SALIDA_VALIDA and not en_modo.resumen().startswith(MARCA)
    services.settings.save_capacitacion(False, CLI_ACTOR)
    assert services.informativa_firma.verificar(constancia).salida == c.SALIDA_VALIDA


def test_a_test_efirma_signs_no_real_empresas_informativa(services, data_dir, tmp_path):
    trust_sat(data_dir)
    instalar_uat(data_dir)
    services.settings.save_capacitacion(True, CLI_ACTOR)
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = _por_firmar(services, rfc)
    # The SAT's published test e.firma, for this contratista's RFC: trusted in the mode.
    cer, key = cf.fiel_moral(issuer=ac_uat()).write(tmp_path / "fiel_pruebas")
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert (error.value.code, error.value.message) == ("efirma_de_practica", MSG_EFIRMA_PRACTICA)
    assert services.informativas.fila(uuid, rfc).estado != FIRMADA


def test_the_practice_efirma_entered_in_a_real_empresa_signs_nothing_there(services, tmp_path):
    from icsoe_desktop.domain.practica import RFC_PRACTICA
    from icsoe_desktop.services.contratistas import DatosGenerales
    from tests.icsoe_helpers import write_pdf

    practica = preparar(services, tmp_path / "sala", CLI_ACTOR)
    services.settings.save_capacitacion(True, CLI_ACTOR)
    assert services.empresa.rfc != RFC_PRACTICA  # the real empresa is still the open one
    # The practice contratista entered in the real empresa with the practice e.firma.
    contratistas = services.contratistas
    fiel = contratistas.validar_fiel(RFC_PRACTICA, practica.cer, practica.key, practica.contrasena)
    contratistas.ingresar(fiel)
    contratistas.aceptar_terminos(RFC_PRACTICA)
    contratistas.adjuntar_acuse(RFC_PRACTICA, write_pdf(tmp_path))
    contratistas.guardar_datos_generales(
        RFC_PRACTICA,
        DatosGenerales("contacto@empresa.com.mx", "5512345678", "", domicilio_igual_fiscal=True),
    )
    uuid = _por_firmar(services, RFC_PRACTICA)
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.firmar(
            uuid, RFC_PRACTICA, practica.cer, practica.key, practica.contrasena
        )
    assert (error.value.code, error.value.message) == ("efirma_de_practica", MSG_EFIRMA_PRACTICA)
    assert services.informativas.fila(uuid, RFC_PRACTICA).estado != FIRMADA


def test_a_constancia_of_a_test_authority_is_practice_even_without_its_mark():

    fiel = cf.fiel_moral(issuer=ac_uat())
    inf = informativa()
    cadena = cadena_original(inf, AL_SELLAR)  # not sealed as training
    pdf = c.escribir_constancia(
        inf, cadena, sellar(cadena, fiel.private_key), fiel.cer, [ac_uat().certificate_der],
        AL_SELLAR, fiel.private_key,
    )  # fmt: skip
    uat = read_emisor(ac_uat().certificate_der, incluido=True)
    confianza = TrustStore(
        [read_emisor(cf.sat_ca().certificate_der, incluido=True), replace(uat, capacitacion=True)]
    )
    dentro = c.verificar_constancia(pdf, confianza, en_capacitacion=True, ahora=AHORA)
    assert dentro.practica and dentro.salida == c.SALIDA_PRACTICA
    assert dentro.resumen().startswith(f"{MARCA}. La constancia de firma es válida")
    fuera = c.verificar_constancia(pdf, confianza, en_capacitacion=False, ahora=AHORA)
    assert fuera.motivo == (c.PRACTICA,) and fuera.salida == c.SALIDA_PRACTICA


def test_emisores_agregar_refuses_a_practice_or_test_authority(services, data_dir, tmp_path):
    from tests.test_cli_informativa import cli

    uat = instalar_uat(data_dir) / "AC_UAT.cer"
    practica = preparar(services, tmp_path / "sala", CLI_ACTOR)
    # A copy of the practice authority somewhere else is refused by its name.
    copia = tmp_path / "autoridad.cer"
    copia.write_bytes(practica.autoridad.read_bytes())
    for archivo in (practica.autoridad, copia, uat):
        for uso in ("efirma", "sello"):  # not as a time-stamp authority either
            with pytest.raises(ValidationError) as error:
                services.certificates.emisores.agregar(archivo, CLI_ACTOR, uso)
            assert error.value.code == "emisor_de_capacitacion"
    assert not any(services.certificates.emisores.added_dir.glob("*.cer"))
    # Nor trusted for time stamps when copied by hand into that folder.
    sellos = services.certificates.emisores.added_dir / SELLOS_DIR
    sellos.mkdir()
    (sellos / "autoridad.cer").write_bytes(practica.autoridad.read_bytes())
    assert not services.certificates.emisores.autoridades_sello().emisores
    hecho = cli(data_dir, "emisores", "agregar", copia, "--uso", "sello")
    assert hecho.returncode == 2
    nombre = "AC DE CAPACITACIÓN ICSOE-DESKTOP (SIN VALIDEZ)"
    assert hecho.stderr.strip() == MSG_DE_CAPACITACION.format(nombre=nombre)


def test_the_practice_empresa_keeps_its_rfc_and_no_real_empresa_takes_it(services, tmp_path):
    from icsoe_desktop.domain.practica import RFC_PRACTICA
    from icsoe_desktop.services.empresas.primer_uso import MSG_PRACTICA, MSG_RFC_DE_PRACTICA

    with pytest.raises(ValidationError) as error:  # the real empresa, not yet configured
        services.primer_uso.guardar_empresa(RFC_PRACTICA, "Mi Empresa SA de CV", CLI_ACTOR)
    assert (error.value.code, error.value.message) == ("empresa_de_practica", MSG_RFC_DE_PRACTICA)
    preparar(services, tmp_path / "sala", CLI_ACTOR)
    (practica,) = [e for e in services.empresas.listar() if e.rfc == RFC_PRACTICA]
    services.abrir_empresa(practica.id)
    # Its Configuración inicial, filled in with a real empresa's data by mistake: refused.
    with pytest.raises(ValidationError) as error:
        services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", CLI_ACTOR)
    assert (error.value.code, error.value.message) == ("empresa_de_practica", MSG_PRACTICA)
    assert services.primer_uso.empresa().rfc == RFC_PRACTICA
