"""The time-stamp server from the command line: `emisores sello-tiempo` sets, shows and removes
it (an installation setting); `informativa firmar` then seals the constancia's time with it
(a real RFC 3161 server on 127.0.0.1), refuses to sign while it fails, and `informativa
verificar` reports the time-stamp."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.firma import MSG_SELLO_FALLIDO
from tests import credentials_factory as cf
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.servidor_tsa import NOMBRE_TSA, servidor_tsa
from tests.test_cli_informativa import cli


@pytest.mark.slow
@pytest.mark.end2end
def test_emisores_sello_tiempo_and_a_b_t_constancia_from_the_command_line(
    services, data_dir, tmp_path
):
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=2)
    services.close()
    cer, key = tmp_path / "fiel" / f"{rfc}.cer", tmp_path / "fiel" / f"{rfc}.key"

    ninguno = cli(data_dir, "emisores", "sello-tiempo")
    assert ninguno.returncode == 0
    assert ninguno.stdout.strip() == (
        "Sin servidor de sellos de tiempo: las constancias se firman sin sello de tiempo."
    )
    mala = cli(data_dir, "emisores", "sello-tiempo", "ftp://sellos.ejemplo.com")
    assert mala.returncode == 2 and "Traceback" not in mala.stderr
    assert "Escribe la dirección completa del servidor de sellos de tiempo" in mala.stderr

    with servidor_tsa(momento=None) as tsa:  # the TSA's clock: the subprocess signs now
        puesto = cli(data_dir, "emisores", "sello-tiempo", tsa.url)
        assert puesto.stdout.strip() == (
            f"Servidor de sellos de tiempo: {tsa.url} (se exige para las firmas reales)."
        )
        ca = tmp_path / "ac_tsa.cer"
        ca.write_bytes(tsa.tsa.ca_der)
        assert cli(data_dir, "emisores", "agregar", ca, "--uso", "sello").returncode == 0

        # The TSA fails: nothing signed, nothing written, a Spanish reason.
        tsa.falla = "http"
        fallida = cli(data_dir, "informativa", "firmar", "--periodo", PERIODO.clave,
                      "--cer", cer, "--key", key, input=cf.PASSWORD + "\n", cwd=tmp_path)  # fmt: skip
        assert fallida.returncode == 2
        assert fallida.stderr.strip() == MSG_SELLO_FALLIDO.format(url=tsa.url)
        assert not list(tmp_path.glob("Constancia_firma_*.pdf"))
        listado = cli(data_dir, "informativa", "listar").stdout
        assert "\tEn captura\t" in listado or "\tLista para firma\t" in listado, listado

        tsa.falla = None
        firmada = cli(data_dir, "informativa", "firmar", "--periodo", PERIODO.clave,
                      "--cer", cer, "--key", key, input=cf.PASSWORD + "\n", cwd=tmp_path)  # fmt: skip
        assert firmada.returncode == 0, firmada.stderr
    (constancia,) = tmp_path.glob("Constancia_firma_*.pdf")
    verificada = cli(data_dir, "informativa", "verificar", constancia)
    assert verificada.returncode == 0, verificada.stdout
    valida, sello, revocacion = verificada.stdout.strip().splitlines()
    assert revocacion.startswith("No se pudo comprobar la revocación: el emisor")
    assert valida.startswith(f"La constancia de firma es válida: {rfc}")
    assert sello.startswith("Sello de tiempo: ")
    assert f", de {NOMBRE_TSA}, autoridad de sellado de tiempo confiable en este equipo" in sello

    sin_exigir = cli(data_dir, "emisores", "sello-tiempo", "--exigir", "no")
    assert sin_exigir.stdout.strip() == (
        f"Servidor de sellos de tiempo: {tsa.url} (no se exige: si no responde, se firma sin "
        "sello)."
    )
    quitado = cli(data_dir, "emisores", "sello-tiempo", "--quitar")
    assert quitado.stdout.strip().startswith("Sin servidor de sellos de tiempo")


def test_a_tsa_address_with_a_user_and_password_is_refused(services, data_dir):
    from icsoe_desktop.config import load_settings
    from icsoe_desktop.domain.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        services.settings.save_sello_tiempo("https://ana:secreta@sellos.ejemplo.com/tsa", CLI_ACTOR)
    assert error.value.message.startswith(
        "La dirección del servidor de sellos de tiempo no debe llevar usuario ni contraseña"
    )
    assert not load_settings(data_dir).sello_tiempo.configured
    assert not any("secreta" in e.target for e in services.audit_instalacion.recent())
