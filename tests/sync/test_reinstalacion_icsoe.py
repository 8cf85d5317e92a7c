"""A desktop installed again with the company's token whose clerk does the same work again
before its first sync (registros, movimientos, the contratista with its e.firma, the mayo–agosto
informativa with its contract and workers, a capturista, lote 1): every row it made is matched
to the server's by its table's natural key and takes the server's identity. Nothing is copied
twice on the server, no other desktop hears of it, and a row that really differs is one
conflict on that desktop only. Through the real server on PostgreSQL, real SQLite files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store.models import (
    CapturistaRelacion,
    Contratista,
    ContratoRow,
    ContratoTrabajador,
    InformativaRow,
    Lote,
    MovimientoRow,
)
from tests.icsoe_helpers import enter_contratista, form
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.services.movimientos_data import REGISTRO_A, add_registros, known_rows, nss
from tests.sync.conftest import connect, import_rows

MOVIMIENTOS = 2_000  # as in the issue: the pull brings them in several pages
TRABAJADORES = 30
# What a desktop writes of its own history: each installation's entries are its own events.
OWN_HISTORY = {"audit_log"}


def the_work(desktop, tmp_path: Path, name: str, changed_worker: bool = False) -> None:
    """The clerk's day: registros, the CONTPAQi file, the contratista entering with its e.firma,
    Ana given of alta as its capturista, the mayo–agosto informativa with one contract and its
    workers (one SBC typed otherwise with ``changed_worker``) and lote 1 of registro A."""
    add_registros(desktop)
    base = known_rows()
    rows = [{**base[i % len(base)], "NSS": nss(100 + i)} for i in range(MOVIMIENTOS)]
    import_rows(desktop, rows, tmp_path / f"{name}.csv")
    rfc = enter_contratista(desktop, desktop.data_dir, tmp_path / name)
    desktop.capturistas.alta(rfc, form())
    informativa = desktop.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(
        desktop, rfc, CLI_ACTOR, informativa, trabajadores=TRABAJADORES
    )
    if changed_worker:
        w = desktop.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 1)[0]
        desktop.informativa_trabajadores.corregir(
            contrato, CLI_ACTOR, w.id, w.nss, w.curp, "999.99"
        )
    lotes = tmp_path / "lotes"  # the clerk's folder for the batch files, the same both times
    lotes.mkdir(exist_ok=True)
    pendientes = desktop.lotes.pendientes(REGISTRO_A)
    desktop.lotes.generar(REGISTRO_A, [p.id for p in pendientes], lotes, "t")


def server_counts(sync_server) -> dict[str, int]:
    from icsoe_desktop.sync_server.models import SyncedRow

    with sync_server.engine.connect() as conn:
        rows = conn.execute(select(SyncedRow.tabla, func.count()).group_by(SyncedRow.tabla)).all()
    return {tabla: n for tabla, n in rows if tabla not in OWN_HISTORY}


def informativas(desktop) -> list[tuple[str, str, str]]:
    with desktop.store.session() as session:
        return list(
            session.execute(
                select(InformativaRow.uuid, InformativaRow.periodo, InformativaRow.tipo).where(
                    InformativaRow.deleted.is_(False)
                )
            ).all()
        )


def stamps(desktop) -> tuple[Any, ...]:
    with desktop.store.session() as session:
        return (
            session.execute(
                select(Contratista.terminos_aceptados_at, Contratista.datos_generales_at)
            ).one(),
            session.scalar(select(CapturistaRelacion.fecha_alta)),
            session.scalar(select(Lote.generado_at)),
            session.scalar(select(func.max(MovimientoRow.fecha_emision))),
        )


def sbcs(desktop) -> dict[str, int]:
    with desktop.store.session() as session:
        found = session.execute(
            select(ContratoTrabajador.nss, ContratoTrabajador.sbc).where(
                ContratoTrabajador.deleted.is_(False)
            )
        )
        return dict(found.all())


def reinstalled(sync_server, tmp_path: Path, clock, changed_worker: bool):
    """A syncs the day's work and D (another desktop of the company) receives it; A's data
    folder is deleted; B, installed again with A's token, does the same work before syncing.
    Returns B, D, and what the server held before B."""
    folders = {name: tmp_path / name for name in ("a", "b", "d")}
    for folder in folders.values():
        folder.mkdir()
    token = sync_server.token(nombre="Nómina")
    a = open_services(folders["a"], clock)
    connect(a, sync_server.url, token)
    the_work(a, tmp_path, "a")
    assert a.sync.synchronize().conflictos == 0
    a.close()
    shutil.rmtree(folders["a"])
    d = open_services(folders["d"], clock)
    connect(d, sync_server.url, sync_server.token(nombre="Otro"))
    assert d.sync.synchronize().conflictos == 0
    before = server_counts(sync_server)
    assert before["movimientos"] == MOVIMIENTOS
    assert before["icsoe_contrato_trabajadores"] == TRABAJADORES
    clock.advance(days=3)  # the equipo is installed again days later: every stamp differs
    b = open_services(folders["b"], clock)
    connect(b, sync_server.url, token)
    the_work(b, tmp_path, "b", changed_worker)
    return b, d, before


def third_desktop(sync_server, tmp_path: Path, clock):
    (tmp_path / "c").mkdir()
    c = open_services(tmp_path / "c", clock)
    connect(c, sync_server.url, sync_server.token(nombre="Tercero"))
    return c


def test_a_reinstalled_desktop_that_did_the_same_work_again_adopts_all_of_it(
    sync_server, tmp_path, clock
) -> None:
    b, d, before = reinstalled(sync_server, tmp_path, clock, changed_worker=False)
    try:
        result = b.sync.synchronize()
        assert result.conflictos == 0 and b.conflictos.conflicts() == []
        assert server_counts(sync_server) == before  # no second copy of any table
        assert b.sync.pending_count() == 0
        assert d.sync.synchronize().conflictos == 0
        c = third_desktop(sync_server, tmp_path, clock)
        try:
            assert c.sync.synchronize().conflictos == 0
            one = informativas(d)
            assert len(one) == 1 and one[0][1:] == (PERIODO.clave, "normal")
            for desktop in (b, c, d):
                assert informativas(desktop) == one
                assert desktop.conflictos.conflicts() == []
                assert len(sbcs(desktop)) == TRABAJADORES
            # The stamps of when B did it (alta, acceptance, datos generales, lote) gave way
            # to the server's, as every desktop has them.
            assert stamps(b) == stamps(d)
            # The drift check finds every file equal to the server: nothing to repair.
            status = b.sync.status()
            assert status.verified_at is not None and status.reparacion == ""
        finally:
            c.close()
    finally:
        b.close()
        d.close()


def test_one_worker_typed_otherwise_is_one_conflict_on_the_reinstalled_desktop_only(
    sync_server, tmp_path, clock
) -> None:
    b, d, before = reinstalled(sync_server, tmp_path, clock, changed_worker=True)
    try:
        assert b.sync.synchronize().conflictos == 1
        (conflict,) = b.conflictos.conflicts()
        assert conflict.titulo == "Trabajador de un contrato"
        # The server's version stands on B as everywhere; B's own is the other one.
        assert conflict.actual is not None
        assert conflict.otra["data"]["sbc"] == 99999
        assert server_counts(sync_server) == before
        assert sbcs(b) == sbcs(d) and 99999 not in sbcs(b).values()
        assert informativas(b) == informativas(d) and len(informativas(b)) == 1
        with d.store.session() as session:
            contrato = session.scalar(select(ContratoRow.uuid))
        assert d.sync.synchronize().conflictos == 0 and d.conflictos.conflicts() == []
        c = third_desktop(sync_server, tmp_path, clock)
        try:
            assert c.sync.synchronize().conflictos == 0 and c.conflictos.conflicts() == []
        finally:
            c.close()

        # B keeps its own: an ordinary edit that reaches every desktop, with no conflict.
        b.conflictos.resolve(conflict.id, "otra", CLI_ACTOR)
        assert b.sync.synchronize().conflictos == 0
        assert d.sync.synchronize().conflictos == 0
        assert 99999 in sbcs(d).values() and sbcs(d) == sbcs(b)
        assert server_counts(sync_server) == before
        # B's contract is the server's now: found by the server's uuid, with its workers.
        assert b.informativa_trabajadores.contar(contrato, CLI_ACTOR) == TRABAJADORES
    finally:
        b.close()
        d.close()


@pytest.mark.parametrize("same", [True, False], ids=["mismo", "otro"])
def test_a_certificate_assigned_again_keeps_its_key_only_when_it_is_the_same(
    sync_server, tmp_path, clock, same: bool
) -> None:
    """B, installed again, assigns a certificate to the registro before its first sync: the
    same one as A keeps its key here; another one becomes the server's, whose key this
    equipo does not hold (its own is dropped, never used with the other certificate), and
    B's is one conflict there."""
    from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR, Assignment
    from tests import credentials_factory as cf

    token = sync_server.token(nombre="Nómina")
    desktops = []
    # One validity for both: «the same certificate» must be the same bytes, whatever second
    # each one is made in.
    vigencia = {"valid_from": cf.days_from_now(-30), "valid_to": cf.days_from_now(1400)}
    for name, serial in (("a", cf.NO_CERTIFICADO), ("b", "00001000000712345679")):
        (tmp_path / name).mkdir()
        desktop = open_services(tmp_path / name, clock)
        desktops.append(desktop)
        connect(desktop, sync_server.url, token)
        trusted = desktop.store.path.parent / TRUSTED_DIR
        trusted.mkdir()
        (trusted / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)
        desktop.certificates.trusted_dirs.append(trusted)
        desktop.registros.save("Y5412345106", cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", "t")
        fiel = cf.fiel_moral(serial=(cf.NO_CERTIFICADO if same else serial).encode(), **vigencia)
        cer, key = fiel.write(tmp_path / name / "fiel")
        assignment = Assignment("Y5412345106", cer, key, cf.RFC_MORAL, cf.PASSWORD)
        desktop.certificates.assign(assignment, "t")
        if name == "a":
            desktop.sync.synchronize()
    a, b = desktops
    try:
        assert b.sync.synchronize().conflictos == (0 if same else 1)
        (row,) = b.certificates.rows()
        assert row.no_certificado == cf.NO_CERTIFICADO  # the server's, as on A
        assert row.llave_local is same
        if not same:
            (conflict,) = b.conflictos.conflicts()
            assert conflict.kind == "recapturado"
            assert conflict.otra["data"]["no_certificado"] == "00001000000712345679"
        assert a.sync.synchronize().conflictos == 0 and a.conflictos.conflicts() == []
    finally:
        for desktop in desktops:
            desktop.close()


def test_a_complementaria_captured_again_is_the_servers_not_a_second_one(
    sync_server, tmp_path, clock
) -> None:
    """A signed the Normal and captured a Corrección of it; B, installed again, does the same
    before its first sync. B's signature differs (its cadena names B's own informativa), so
    the Normal is one conflict there; the Corrección, which named B's Normal, names the
    server's once that one is adopted, and is the server's too."""
    from icsoe_desktop.domain.informativa.modelo import CORRECCION
    from tests import credentials_factory as cf

    token = sync_server.token(nombre="Nómina")
    desktops = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        desktop = open_services(tmp_path / name, clock)
        desktops.append(desktop)
        connect(desktop, sync_server.url, token)
        rfc = enter_contratista(desktop, desktop.data_dir, tmp_path / name)
        normal = desktop.informativas.crear(rfc, CLI_ACTOR, PERIODO)
        contrato_con_trabajadores(desktop, rfc, CLI_ACTOR, normal, trabajadores=3)
        cer = tmp_path / name / "fiel" / f"{rfc}.cer"
        desktop.informativa_firma.firmar(normal, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
        desktop.informativas.crear(rfc, CLI_ACTOR, PERIODO, CORRECCION, normal)
        if name == "a":
            desktop.sync.synchronize()
            before = server_counts(sync_server)
    a, b = desktops
    try:
        assert b.sync.synchronize().conflictos == 1
        (conflict,) = b.conflictos.conflicts()
        assert (conflict.titulo, conflict.kind) == ("Informativa", "recapturado")
        assert server_counts(sync_server) == before
        assert sorted(informativas(b)) == sorted(informativas(a))
        assert {tipo for _u, _p, tipo in informativas(b)} == {"normal", CORRECCION}
        assert a.sync.synchronize().conflictos == 0
    finally:
        for desktop in desktops:
            desktop.close()
