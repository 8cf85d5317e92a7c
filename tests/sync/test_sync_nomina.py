"""The CFDI de nómina between two desktops of one company, through the real server on
PostgreSQL: receipts imported on one are listed and proposed on the other, with their clients
and amounts; one XML imported on both is one row and no conflict; a receipt substituted on one
desktop shows on neither, whenever the other read it; the amounts stay behind the role matrix on
the desktop that received them."""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from tests import nomina_cfdi as nc
from tests.sync.conftest import connected

CUATRIMESTRE = Periodo(2026, 1)


def _empresa(services) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(services.data_dir)


def _en_el_servidor(sync_server, tabla: str) -> list[tuple[str, bool]]:
    with sync_server.engine.connect() as conn:
        return [
            (uuid, deleted)
            for uuid, deleted in conn.execute(
                text("SELECT uuid, deleted FROM rows WHERE tabla = :t ORDER BY uuid"), {"t": tabla}
            )
        ]


def _versiones(sync_server) -> dict[str, tuple[int, int]]:
    """Each receipt's row on the server: its version and sequence number."""
    with sync_server.engine.connect() as conn:
        filas = conn.execute(
            text("SELECT uuid, version, seq FROM rows WHERE tabla = 'nomina_recibos'")
        )
        return {uuid: (version, seq) for uuid, version, seq in filas}


def _xml_sha256(services) -> dict[str, bytes | None]:
    with services.store.session() as session:
        return dict(session.execute(text("SELECT uuid, xml_sha256 FROM nomina_recibos")).all())


def _listado(services, con_importes: bool = True) -> list[tuple[object, ...]]:
    return [
        (f.timbre, f.nss, f.curp, f.fecha_final, f.clientes, f.sbc, f.sdi, f.total_percepciones)
        for f in services.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE, con_importes=con_importes)
    ]


def _sin_deriva(caplog, *escritorios) -> None:
    """One more sync of each: the drift check finds every table as the server has it."""
    with caplog.at_level(logging.WARNING, logger="icsoe_desktop.services.sync"):
        for escritorio in escritorios:
            assert escritorio.sync.synchronize().recibidos == 0
    assert not [r.getMessage() for r in caplog.records if "distintas" in r.getMessage()]
    assert all(e.sync.status().verified_at is not None for e in escritorios)


@pytest.fixture
def dos(sync_server, desktops):
    a, b = connected(sync_server, desktops)
    _empresa(a)
    _empresa(b)
    return a, b


def test_receipts_imported_on_one_desktop_are_listed_and_proposed_on_the_other(
    dos, sync_server, tmp_path
) -> None:
    a, b = dos
    gente = nc.trabajadores(30, seed=21)
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 2, 2), 3), seed=4))
    assert a.nomina.importar([nc.escribir(tmp_path / "a", recibos)], CLI_ACTOR).guardados == 90
    a.sync.synchronize()
    b.sync.synchronize()

    assert len(_listado(b)) == 90
    assert _listado(b) == _listado(a)
    assert any(len(f[4]) > 1 for f in _listado(b))  # receipts of two clients, with their shares
    for cliente in nc.CLIENTES:
        propuestos_a = a.nomina_consulta.proponer(CLI_ACTOR, CUATRIMESTRE, cliente, True)
        assert propuestos_a == b.nomina_consulta.proponer(CLI_ACTOR, CUATRIMESTRE, cliente, True)
    assert len(_en_el_servidor(sync_server, "nomina_recibos")) == 90
    # Whether the timbre's SAT seal was verified is this desktop's to say: B verified nothing.
    assert all(f.sello_sat for f in a.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE))
    assert not any(f.sello_sat for f in b.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE))
    # So is the SHA-256 of the XML it verified (its packs hold the XML to it): never sent.
    assert set(_xml_sha256(a).values()) == {hashlib.sha256(x).digest() for _, x in recibos} and set(
        _xml_sha256(b).values()
    ) == {None}
    with sync_server.engine.connect() as conn:
        datos = conn.execute(
            text("SELECT data FROM rows WHERE tabla = 'nomina_recibos' LIMIT 1")
        ).scalar_one()
    assert "xml_sha256" not in datos and "sello_sat" not in datos

    # A guest of B (sólo consulta) lists them without any amount, and asking for them is refused.
    sin = b.nomina_consulta.listar(None, CUATRIMESTRE)
    assert len(sin) == 90 and {(f.sbc, f.sdi, f.total_percepciones) for f in sin} == {
        (None, None, None)
    }
    with pytest.raises(PermisoDenegado):
        b.nomina_consulta.listar(None, CUATRIMESTRE, con_importes=True)
    with pytest.raises(PermisoDenegado):
        b.nomina_consulta.proponer(None, CUATRIMESTRE, nc.CLIENTES[0], con_importes=True)
    assert {p.sbc for p in b.nomina_consulta.proponer(None, CUATRIMESTRE, nc.CLIENTES[0])} == {None}


def test_one_xml_imported_on_both_desktops_is_one_row_and_no_conflict(
    dos, sync_server, tmp_path, caplog
) -> None:
    a, b = dos
    gente = nc.trabajadores(8, seed=22)
    comunes = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 3, 2), 2), seed=5))
    solo_b = list(nc.nomina(nc.Emisor(), gente[:2], nc.semanas(date(2026, 3, 16), 1), seed=6))
    assert a.nomina.importar([nc.escribir(tmp_path / "a", comunes)], CLI_ACTOR).guardados == 16
    carpeta_b = nc.escribir(tmp_path / "b", comunes + solo_b)
    assert b.nomina.importar([carpeta_b], CLI_ACTOR).guardados == 18
    a.sync.synchronize()
    b.sync.synchronize()
    a.sync.synchronize()

    assert len(_en_el_servidor(sync_server, "nomina_recibos")) == 18
    assert len(_listado(a)) == len(_listado(b)) == 18
    assert _listado(a) == _listado(b)
    assert a.conflictos.conflicts() == [] and b.conflictos.conflicts() == []
    _sin_deriva(caplog, a, b)
    # Imported again on A after the sync: every one is already there, and the XML of B's two
    # kept on A with the SHA-256 A verified, written with no new version (nothing to send).
    assert sum(h is None for h in _xml_sha256(a).values()) == 2
    antes = _versiones(sync_server)
    otra_vez = a.nomina.importar([carpeta_b], CLI_ACTOR)
    assert (otra_vez.guardados, otra_vez.duplicados) == (0, 18)
    assert _xml_sha256(a) == _xml_sha256(b) and None not in _xml_sha256(a).values()
    a.sync.synchronize()
    b.sync.synchronize()  # the import's audit entries
    _sin_deriva(caplog, a, b)
    assert _versiones(sync_server) == antes


def test_a_receipt_substituted_on_one_desktop_shows_on_neither(
    dos, sync_server, tmp_path, caplog
) -> None:
    a, b = dos
    gente = nc.trabajadores(3, seed=23)
    semana = nc.Periodo.semana(date(2026, 3, 2))
    original = nc.recibo(
        nc.Emisor(), gente[0], semana, uuid_timbre="11111111-2222-4333-8444-555555555555"
    )
    sustituto = nc.recibo(
        nc.Emisor(),
        gente[0],
        semana,
        extra=(("019", "Horas extra", Decimal("200.00"), Decimal("200.00")),),
        sustituye=("11111111-2222-4333-8444-555555555555",),
    )
    carpeta_original = nc.escribir(tmp_path / "original", [("original.xml", original)])
    assert a.nomina.importar([carpeta_original], CLI_ACTOR).guardados == 1
    a.sync.synchronize()
    b.sync.synchronize()
    assert [f[0] for f in _listado(b)] == ["11111111-2222-4333-8444-555555555555"]

    a.nomina.importar([nc.escribir(tmp_path / "sustituto", [("s.xml", sustituto)])], CLI_ACTOR)
    a.sync.synchronize()
    b.sync.synchronize()
    assert _listado(b) == _listado(a) and len(_listado(b)) == 1
    assert _listado(b)[0][0] != "11111111-2222-4333-8444-555555555555"
    # The cancelled XML, brought to B later, is not stored there either.
    tarde = b.nomina.importar([carpeta_original], CLI_ACTOR)
    assert (tarde.guardados, tarde.sustituidos) == (0, 1)
    assert ("11111111-2222-4333-8444-555555555555", True) in _en_el_servidor(
        sync_server, "nomina_recibos"
    )
    _sin_deriva(caplog, a, b)


def test_a_copy_sent_by_a_desktop_that_had_not_heard_of_the_substitute_never_shows(
    dos, tmp_path
) -> None:
    """B imports the cancelled receipt while A, which never had it, imports its substitute:
    whatever order their syncs take, the cancelled one is listed on neither."""
    a, b = dos
    gente = nc.trabajadores(2, seed=24)
    semana = nc.Periodo.semana(date(2026, 3, 9))
    cancelado = "22222222-2222-4333-8444-555555555555"
    original = nc.recibo(nc.Emisor(), gente[0], semana, uuid_timbre=cancelado)
    sustituto = nc.recibo(nc.Emisor(), gente[0], semana, sustituye=(cancelado,))
    a.nomina.importar([nc.escribir(tmp_path / "a", [("s.xml", sustituto)])], CLI_ACTOR)
    b.nomina.importar([nc.escribir(tmp_path / "b", [("o.xml", original)])], CLI_ACTOR)
    a.sync.synchronize()
    b.sync.synchronize()
    a.sync.synchronize()
    assert [f[0] for f in _listado(a)] == [f[0] for f in _listado(b)]
    assert cancelado not in {f[0] for f in _listado(a) + _listado(b)}
    assert len(_listado(a)) == 1
    assert cancelado not in {
        p.curp for p in b.nomina_consulta.proponer(CLI_ACTOR, CUATRIMESTRE, nc.CLIENTES[0])
    }
