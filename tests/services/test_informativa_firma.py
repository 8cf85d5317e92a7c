"""*Firmar* through the real services: only the contratista, with its own valid e.firma, and
only an informativa without inconsistencies; the acuse verifies with the signer's .cer and
stops verifying once the informativa in the store changes; after signing nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.modelo import CORRECCION, FIRMADA
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests import credentials_factory as cf
from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores


@pytest.fixture
def lista(services, data_dir, tmp_path, smtp_configured):
    """An informativa captured by Ana and checked: (rfc, ana, uuid, contrato, cer, key)."""
    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=6)
    assert services.informativa_firma.revisar(uuid, ana) == []
    # enter_contratista wrote the persona moral's pair there (credentials_factory's names).
    cer, key = tmp_path / "fiel" / f"{rfc}.cer", tmp_path / "fiel" / f"{rfc}.key"
    return rfc, ana, uuid, contrato, cer, key


def test_only_the_contratista_signs_with_its_own_efirma(services, lista, tmp_path):
    rfc, ana, uuid, _contrato, cer, key = lista
    firma = services.informativa_firma
    with pytest.raises(PermisoDenegado):
        firma.firmar(uuid, ana, cer, key, cf.PASSWORD)  # a capturista captures, never signs
    with pytest.raises(DomainError) as error:
        firma.firmar(uuid, rfc, cer, key, "otra-contraseña")
    assert error.value.field == "llave" or "contraseña" in error.value.message
    otra_cer, otra_key = cf.fiel_fisica().write(tmp_path / "otra")
    with pytest.raises(ValidationError) as error:
        firma.firmar(uuid, rfc, otra_cer, otra_key, cf.PASSWORD)
    assert "persona moral" in error.value.message or error.value.code == "efirma_otro_rfc"
    assert services.informativas.fila(uuid, ana).estado != FIRMADA


def test_an_informativa_with_problems_cannot_be_signed(services, lista):
    rfc, ana, uuid, contrato, cer, key = lista
    datos = services.informativas.contrato(contrato, ana)
    services.informativas.guardar_contrato(
        uuid, ana, ContratoDatos(datos.contratante, datos.objeto), uuid=contrato
    )
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert error.value.code == "informativa_con_problemas"
    assert "2 inconsistencias" in error.value.message


def test_a_signed_informativa_has_an_acuse_that_verifies_and_nothing_changes(
    services, lista, tmp_path
):
    rfc, ana, uuid, contrato, cer, key = lista
    firma = services.informativa_firma
    acuse = firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert acuse.startswith(b"%PDF") and firma.acuse(uuid, ana) == acuse
    fila = services.informativas.fila(uuid, ana)
    assert fila.estado == FIRMADA and fila.firmada_at is not None
    assert firma.verificar(acuse, cer.read_bytes()).ok

    otra_cer, _ = cf.fiel_fisica().write(tmp_path / "otra")
    ajena = firma.verificar(acuse, otra_cer.read_bytes())
    assert not ajena.ok and "no fue firmado con este certificado" in " ".join(ajena.motivo)

    # Signed: nothing may be added, changed or removed, by anyone.
    (t,) = services.informativa_trabajadores.pagina(contrato, ana, 0, 1)
    for intento in (
        lambda: services.informativa_trabajadores.quitar(contrato, ana, [t.id]),
        lambda: services.informativas.eliminar_contrato(contrato, rfc),
        lambda: services.informativas.eliminar(uuid, ana),
        lambda: firma.firmar(uuid, rfc, cer, key, cf.PASSWORD),
    ):
        with pytest.raises(ValidationError) as error:
            intento()
        assert error.value.code == "informativa_firmada"
    # The remedy is a complementaria of the signed one.
    services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)

    # Anyone changing the stored informativa behind the app's back breaks the acuse.
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE icsoe_contrato_trabajadores SET sbc = sbc + 1 WHERE id = :i"), {"i": t.id}
        )
    cambiada = firma.verificar(acuse, cer.read_bytes())
    assert not cambiada.ok
    assert "La informativa cambió después de firmarse." in cambiada.motivo


def test_a_backup_keeps_the_signed_informativa_and_its_acuse(services, lista, tmp_path):
    from icsoe_desktop.domain.roles import CLI_ACTOR

    rfc, ana, uuid, _contrato, cer, key = lista
    acuse = services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    services.backup.restore(respaldo, actor=CLI_ACTOR)
    # The store as it was at the backup: the signed informativa, no complementaria yet.
    (fila,) = [f for f in services.informativas.tablero(rfc, ana) if f.uuid]
    assert (fila.uuid, fila.estado) == (uuid, FIRMADA)
    assert services.informativa_firma.acuse(uuid, ana) == acuse
    assert services.informativa_firma.verificar(acuse, cer.read_bytes()).ok
