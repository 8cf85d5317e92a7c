"""One registro patronal, one REPSE registration, one row per file of an evidence slot (a slot
holds several: each desktop's own file kept, the same file attached on both one row), one day
due per client and one SISUB report per period, however many desktops write them: desktops A
and B each enter them all offline (another razón social, other PDFs, other services, another
day, another contract number and amount) and
sync at once or in turn. The server ends with one row of each key; the desktop whose rows lost
adopts the server's, its own kept as its conflicts (the others' services and workers adopted
or added), and no other desktop sees any: not C, which did nothing, nor a desktop that joins
later. Every desktop shows the same. Keeping the losing versions reaches everyone, and the
conflicts never come back. Through the real server on PostgreSQL, real SQLite files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.modelo import Importes
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.sync_server.duplicados import hallar
from icsoe_desktop.sync_server.models import SyncedRow
from tests import nomina_cfdi as nc
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import CLIENTE
from tests.services.test_repse import LIMPIEZA, MANTENIMIENTO, constancia_repse, registro_pdf
from tests.sisub_datos import MAYO_AGOSTO, SITIO, contrato
from tests.sync.conftest import EMPRESA, connect, connected
from tests.sync.test_normal_simultanea import WAIT_S, first_informativa_held

OCTUBRE = Mes(2026, 10)
OTORGADO = date(2024, 3, 15)
# The tables written, and how many live rows of each the server ends with.
ESCRITAS = {
    "registros_patronales": 1,
    "repse_registros": 1,
    "repse_servicios": 2,  # A's one, and B's second: B's first is A's
    "evidencia_documentos": 3,  # A's file, B's file, and the one both attached
    "evidencia_entregas": 1,
    "sisub_reportes": 1,
    "sisub_contratos": 1,
}


def _empresa(services) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(services.data_dir)


def escribir(desktop, rfc: str, contrato_uuid: str, cual: int, tmp_path) -> None:
    """Desktop ``cual`` (0: A, 1: B) enters a registro patronal, the REPSE registration, an
    IVA acuse of its own and one both attach, the client's day due and the period's SISUB
    report, each its own way."""
    desktop.registros.save("Y5412345106", EMPRESA, f"Nóminas del Centro {cual}", "admin")
    servicios = [LIMPIEZA] if cual == 0 else [LIMPIEZA, MANTENIMIENTO]
    constancia = constancia_repse(rfc, "AR12345/2024", f"Copia {cual}")
    pdf = Pdf(constancia, f"registro_{cual}.pdf")
    desktop.repse.registrar(rfc, CLI_ACTOR, "AR12345/2024", OTORGADO, servicios, pdf)
    acuse = tmp_path / f"acuse_iva_{cual}.pdf"
    acuse.write_bytes(registro_pdf(f"Acuse de la declaración de IVA, copia {cual}"))
    desktop.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "acuse_iva", acuse)
    comun = tmp_path / "acuse_iva_comun.pdf"
    comun.write_bytes(registro_pdf("Acuse de la declaración de IVA, la misma en los dos"))
    desktop.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "acuse_iva", comun)
    desktop.evidencias.fijar_entrega(CLI_ACTOR, CLIENTE.rfc, 20 + cual)
    hecho = desktop.sisub.preparar(rfc, CLI_ACTOR, MAYO_AGOSTO)
    desktop.sisub.guardar_contrato(hecho.uuid, contrato_uuid, CLI_ACTOR, f"SISUB-{cual}", SITIO)
    fila = desktop.sisub.reporte(hecho.uuid, CLI_ACTOR).contratos[0].trabajadores[0]
    importes = Importes(fijas=1_000_00 * (cual + 1))
    desktop.sisub.editar_trabajador(fila.uuid, CLI_ACTOR, importes, "Y5412345105")


def ver(desktop, rfc: str) -> dict[str, object]:
    """What a clerk sees of the four: the registration and its PDF, the client's month, the
    period's SISUB report."""
    (estado,) = [
        e for e in desktop.evidencias.estado(CLI_ACTOR, OCTUBRE) if e.contratante == CLIENTE.rfc
    ]
    reporte = desktop.sisub.del_periodo(rfc, CLI_ACTOR, MAYO_AGOSTO)
    return {
        "registros": {r.registro: r.razon_social for r in desktop.registros.listar()},
        "repse": desktop.repse.ver(rfc, CLI_ACTOR),
        "repse_pdf": desktop.repse.pdf(rfc, CLI_ACTOR),
        "acuse_iva": (estado.documentos["acuse_iva"], estado.en_otro_equipo),
        "entrega": estado.entrega,
        "sisub": reporte and desktop.sisub.reporte(reporte, CLI_ACTOR),
    }


def en_el_servidor(sync_server) -> dict[str, int]:
    """The server's live rows of the tables written, per table."""
    with sync_server.engine.connect() as conn:
        found = conn.execute(
            select(SyncedRow.tabla, func.count())
            .where(SyncedRow.tabla.in_(ESCRITAS), SyncedRow.deleted.is_(False))
            .group_by(SyncedRow.tabla)
        ).all()
    return dict(found)


def sin_pendientes(desktop) -> None:
    status = desktop.sync.status()
    assert status.pending == 0 and not status.distinto
    assert status.verified_at is not None and status.reparacion == ""


def sync_both(a, b, orden: str, sync_server) -> None:
    """``a_la_vez``: A's push held before its commit until B's push waits on it (B received
    nothing of A's before sending); ``por_turno``: A's whole sync, then B's."""
    if orden == "a_la_vez":
        held = first_informativa_held(sync_server, "repse_registros")
        with held as race, ThreadPoolExecutor(1) as other:
            sending = other.submit(a.sync.synchronize)
            assert race.reached.wait(WAIT_S), "A's push never reached its commit"
            b.sync.synchronize()
            sending.result()
        assert race.waited, "B's push did not wait for A's"
    else:
        a.sync.synchronize()
        b.sync.synchronize()


@pytest.mark.parametrize("orden", ["a_la_vez", "por_turno"])
def test_two_desktops_writing_one_key_end_with_one_row_and_conflicts_only_where_written(
    sync_server, desktops, tmp_path, clock, orden: str
) -> None:
    a, b = connected(sync_server, desktops)
    (tmp_path / "c").mkdir()
    c = open_services(tmp_path / "c", clock)
    (tmp_path / "j").mkdir()
    joiner = open_services(tmp_path / "j", clock)
    try:
        connect(c, sync_server.url, sync_server.token(nombre="C"))
        for desktop in (a, b, c, joiner):
            _empresa(desktop)
        rfc = enter_contratista(a, a.data_dir, tmp_path / "a")
        _inf, contrato_uuid = contrato(
            a, rfc, CLI_ACTOR, MAYO_AGOSTO, CLIENTE, date(2026, 6, 1), None, trabajadores=2
        )
        for desktop in (a, b, c):
            assert desktop.sync.synchronize().conflictos == 0
        escribir(a, rfc, contrato_uuid, 0, tmp_path)
        escribir(b, rfc, contrato_uuid, 1, tmp_path)
        propios = {a: ver(a, rfc), b: ver(b, rfc)}

        sync_both(a, b, orden, sync_server)
        for desktop in (a, b, a, c):
            desktop.sync.synchronize()

        assert en_el_servidor(sync_server) == ESCRITAS
        assert hallar(sync_server.engine) == []  # no key held twice
        visto = ver(a, rfc)
        assert visto["repse"].servicios == (LIMPIEZA, MANTENIMIENTO)
        assert len(visto["sisub"].contratos) == 1
        assert len(visto["sisub"].contratos[0].trabajadores) == 4  # two workers, two bimestres
        for desktop in (a, b, c):
            assert ver(desktop, rfc) == visto
            sin_pendientes(desktop)
        # Conflicts only where written: on B, whose rows lost (A's came first, or A's push
        # held B's until A's commit), one per row whose content differs.
        assert c.conflictos.conflicts() == [] and a.conflictos.conflicts() == []
        conflicts = [(b, x) for x in b.conflictos.conflicts()]
        assert {x.kind for _d, x in conflicts} == {"recapturado"}
        por_titulo = {x.titulo: d for d, x in conflicts}
        assert len(por_titulo) == len(conflicts)
        assert set(por_titulo) == {
            "Registro patronal",
            "Registro REPSE",
            "Día de entrega de evidencia",
            "Contrato SISUB",
            "Trabajador del SISUB",
        }

        connect(joiner, sync_server.url, sync_server.token(nombre="Nuevo"))
        assert joiner.sync.synchronize().conflictos == 0
        assert joiner.conflictos.conflicts() == []
        assert ver(joiner, rfc) == visto

        # Each loser keeps its own: it reaches everyone, and no conflict comes back.
        for desktop, conflict in conflicts:
            desktop.conflictos.resolve(conflict.id, "otra", CLI_ACTOR)
        for desktop in (a, b, c, joiner, a, b):
            assert desktop.sync.synchronize().conflictos == 0
        final = ver(a, rfc)
        for desktop in (a, b, c, joiner):
            assert desktop.conflictos.conflicts() == []
            assert ver(desktop, rfc) == final
            sin_pendientes(desktop)
        assert final["registros"] == propios[b]["registros"]
        perdedor = propios[por_titulo["Registro REPSE"]]
        assert final["repse_pdf"] == perdedor["repse_pdf"]
        assert final["entrega"] == propios[por_titulo["Día de entrega de evidencia"]]["entrega"]
        perdedor = propios[por_titulo["Contrato SISUB"]]
        assert final["sisub"].contratos[0].numero == perdedor["sisub"].contratos[0].numero
        assert en_el_servidor(sync_server) == ESCRITAS
        assert hallar(sync_server.engine) == []
    finally:
        c.close()
        joiner.close()


def test_a_pushed_key_is_looked_up_by_its_tables_own_index(sync_database) -> None:
    """Each table the server probes by key (``exclusivas.SONDAS``) has its index (migrations
    0012, 0014, 0016) with the very expressions the probe compares: the plan uses it, not a
    scan of the company's rows (PDFs of megabytes, thousands of worker rows)."""
    from sqlalchemy import text

    from icsoe_desktop.sync_server import models
    from icsoe_desktop.sync_server.auth import Caller
    from icsoe_desktop.sync_server.exclusivas import CLAVES, SONDAS, _probes

    _url, engine = sync_database
    indices = {table: name for table, (name, _columns) in models.INDICES_POR_CLAVE.items()}
    caller = Caller(token_id=1, empresa_id=1, empresa_rfc="ABC010101AB1", nombre="A")
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        for table, columns in SONDAS.items():
            probe = _probes(caller, table, columns, {tuple("1" for _ in CLAVES[table])})
            sql = probe.compile(engine, compile_kwargs={"literal_binds": True})
            plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))
            assert f"Index Scan using {indices[table]} " in plan, (table, plan)
