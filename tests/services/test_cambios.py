"""Operations say what they changed: each service operation that writes announces the kinds of
data it changed, once it committed, to whoever listens to the installation's services (the
windows). A refused operation announces nothing; switching empresa keeps the listener."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.cambios import ICSOE, LOTES, MOVIMIENTOS, REGISTROS
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.movimientos.servicio import Filtro
from tests.services.movimientos_data import add_registros, known_rows, load_known, write_csv

ADMIN = "admin@nominas.com"


@pytest.fixture
def oido(services):
    heard: list[frozenset[str]] = []
    services.cambios.escuchar(heard.append)
    return heard


def test_a_registro_saved_and_removed_is_announced(services, oido):
    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", ADMIN)
    services.registros.delete("Y5412345106", ADMIN)
    assert oido == [frozenset({REGISTROS})] * 2


def test_a_refused_operation_announces_nothing(services, oido):
    with pytest.raises(ValidationError):
        services.registros.save("Y54", "ABC010101AB1", "Nóminas del Centro", ADMIN)
    with pytest.raises(ValidationError):
        services.registros.delete("Y5412345106", ADMIN)
    assert oido == []


def test_an_import_is_announced_only_when_applied(services, oido, tmp_path):
    add_registros(services)
    oido.clear()
    rows = known_rows()
    rows[1]["NSS"] = "12345678904"  # a wrong check digit: nothing is imported
    report = services.importador.import_file(write_csv(tmp_path / "malo.csv", rows), "t")
    assert not report.aplicado and oido == []
    load_known(services, tmp_path)
    assert services.movimientos.count(Filtro()) == 6
    assert [kinds for kinds in oido if REGISTROS not in kinds] == [frozenset({MOVIMIENTOS, LOTES})]


def test_what_the_listener_reads_is_already_committed(services, tmp_path):
    """A window reading at once what it heard sees the new rows (the announcement comes after
    the unit of work committed, not inside it)."""
    add_registros(services)
    counted: list[int] = []
    services.cambios.escuchar(
        lambda kinds: MOVIMIENTOS in kinds and counted.append(services.movimientos.count(Filtro()))
    )
    load_known(services, tmp_path)
    assert counted == [6]


def test_informativa_capture_is_announced(services, oido, data_dir, tmp_path):
    from tests.icsoe_helpers import enter_contratista
    from tests.informativa_servicios import PERIODO, contrato_con_trabajadores

    rfc = enter_contratista(services, data_dir, tmp_path)
    oido.clear()
    informativa = services.informativas.crear(rfc, rfc, PERIODO)
    assert oido == [frozenset({ICSOE})]
    contrato_con_trabajadores(services, rfc, rfc, informativa)  # contratante, contract, workers
    services.informativa_firma.revisar(informativa, rfc)
    assert oido == [frozenset({ICSOE})] * 5
    services.informativa_trabajadores.quitar(
        contrato := services.informativas.contratos(informativa, rfc)[0].uuid, rfc, []
    )
    assert len(oido) == 6 and contrato


def test_the_listener_hears_the_empresa_opened_after_a_switch(services, oido):
    otra = services.empresas.crear("XAXX010101AB9", "Otra Empresa", CLI_ACTOR)
    services.abrir_empresa(otra.id)
    services.registros.save("Y5412345106", "XAXX010101AB9", "Otra Empresa", CLI_ACTOR)
    assert oido == [frozenset({REGISTROS})]


def test_settling_sync_conflicts_announces_every_kind_of_data(services, oido):
    """The version kept may be any synced row's: each kind is announced (a window listening
    for its own kind refreshes), and undoing «Resolver todos así» too."""
    from icsoe_desktop.domain.cambios import CONFLICTOS, TODO
    from icsoe_desktop.store.models import SyncConflict

    with services.store.session() as session:
        conflicts = [
            SyncConflict(table_name="x", row_uuid=u, kind="duplicado", loser="{}") for u in "uvw"
        ]
        session.add_all(conflicts)
        session.flush()
        first = conflicts[0].id
    oido.clear()  # (the conflicts written here are heard too: store/cambiados.py)
    services.conflictos.resolve(first, "actual", ADMIN)
    assert services.conflictos.resolve_all("actual", ADMIN) == 2
    services.conflictos.undo(ADMIN)
    assert oido == [TODO] * 3 and all(CONFLICTOS in kinds for kinds in oido)


def test_a_contratistas_entry_and_its_data_are_announced(services, oido, data_dir, tmp_path):
    """Ingresar, the términos, the STPS acuse attached and removed, the datos generales: the
    windows listing contratistas and their informativas hear each; a refused save nothing."""
    from icsoe_desktop.services.contratistas import DatosGenerales
    from tests.icsoe_helpers import enter_contratista

    rfc = enter_contratista(services, data_dir, tmp_path)  # ingresar … datos generales
    assert oido == [frozenset({ICSOE})] * 4
    with pytest.raises(ValidationError):
        services.contratistas.guardar_datos_generales(rfc, DatosGenerales("no es correo"))
    services.contratistas.eliminar_acuse(rfc)
    assert oido == [frozenset({ICSOE})] * 5


def test_the_empresas_own_data_saved_is_announced(services, oido):
    from icsoe_desktop.domain.cambios import EMPRESA

    services.primer_uso.guardar_empresa("ABC010101AB1", "Nóminas del Centro", ADMIN)
    with pytest.raises(ValidationError):
        services.primer_uso.guardar_empresa("ABC", "Nóminas del Centro", ADMIN)
    assert oido == [frozenset({EMPRESA})]
