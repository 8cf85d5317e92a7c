"""The board of Evidencias del cliente counts what each month's state counts: the receipts in
force paid in the month (by ``FechaPago``, to the day), once for each client a receipt names,
and those without their XML in the archive — on a real store fed by real imports."""

from __future__ import annotations

from contextlib import closing
from datetime import date

from sqlalchemy import delete, update

from icsoe_desktop.domain.cambios import EVIDENCIAS, NOMINA
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.evidencias.archivo import ruta_de
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.models import NominaXml, ReciboNomina
from tests import nomina_cfdi as nc
from tests.services.test_vencimientos import ANA, PASSWORD

CLIENTE, OTRO, _ = nc.CLIENTES
OCTUBRE, NOVIEMBRE = Mes(2026, 10), Mes(2026, 11)
# Paid the day after the period ends: October 31st and November 1st.
AL_31 = nc.Periodo(date(2026, 10, 24), date(2026, 10, 30), "02")
AL_1 = nc.Periodo(date(2026, 10, 25), date(2026, 10, 31), "02")
SUSTITUIDO = "aaaaaaaa-1111-4222-8333-444444444444"
COPIA_TARDIA = "bbbbbbbb-1111-4222-8333-444444444444"
SIN_XML = "cccccccc-1111-4222-8333-444444444444"


def _importar(services, carpeta, recibos) -> None:
    services.nomina.importar([nc.escribir(carpeta, recibos)], CLI_ACTOR)


def test_the_board_counts_what_each_months_state_counts(services, data_dir, tmp_path) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    a, b, c, d = nc.trabajadores(4, seed=9)
    emisor = nc.Emisor()

    def recibo(t, periodo, clientes, uuid=None, sustituye=()):
        reparto = [(rfc, f"{100 / len(clientes):.3f}") for rfc in clientes]
        return (
            f"{uuid or t.curp}-{periodo.fin}.xml",
            nc.recibo(
                emisor,
                t,
                periodo,
                subcontrataciones=reparto,
                uuid_timbre=uuid,
                sustituye=sustituye,
            ),
        )

    _importar(
        services,
        tmp_path / "uno",
        [
            recibo(a, AL_31, [CLIENTE, OTRO], SIN_XML),  # two SubContratacion nodes
            recibo(b, AL_1, [CLIENTE]),  # paid on November 1st
            recibo(c, AL_31, [CLIENTE], SUSTITUIDO),
            recibo(d, AL_31, [OTRO], COPIA_TARDIA),
        ],
    )
    _importar(
        services,
        tmp_path / "dos",
        [
            recibo(c, AL_31, [CLIENTE], sustituye=(SUSTITUIDO,)),
            recibo(d, AL_31, [OTRO], sustituye=(COPIA_TARDIA,)),
        ],
    )
    # A copy of a substituted receipt another desktop sent before it heard of the substitute,
    # and a receipt whose XML is not in the archive (imported before it was kept: neither the
    # archive nor the store's list of the XML kept names it).
    with services.store.session() as session:
        session.execute(
            update(ReciboNomina).where(ReciboNomina.uuid == COPIA_TARDIA).values(deleted=False)
        )
        session.execute(delete(NominaXml).where(NominaXml.uuid == SIN_XML))
    with closing(cifrado.conectar(ruta_de(services.store.path))) as conn:
        conn.execute("DELETE FROM recibos WHERE timbre = ?", (SIN_XML,))
        conn.commit()

    filas = {f.contratante: f for f in services.evidencias.tablero(CLI_ACTOR, NOVIEMBRE, 2)}
    tablero = {
        (rfc, celda.mes.clave): (celda.recibos, celda.sin_xml)
        for rfc, fila in filas.items()
        for celda in fila.celdas
    }
    assert tablero == {
        (CLIENTE, "2026-10"): (2, 1),
        (CLIENTE, "2026-11"): (1, 0),
        (OTRO, "2026-10"): (2, 1),
        (OTRO, "2026-11"): (0, 0),
    }
    del_estado = {
        (e.contratante, mes.clave): (e.recibos, e.recibos_sin_xml)
        for mes in (OCTUBRE, NOVIEMBRE)
        for e in services.evidencias.estado(CLI_ACTOR, mes)
    }
    # The state of a month lists the clients its receipts name (none captured here).
    assert del_estado == {k: v for k, v in tablero.items() if v[0]}


def test_the_board_counts_the_missing_weeks_estado_names(services, data_dir, tmp_path) -> None:
    """A worker's second week of October unpaid: its clients' cells count one receipt more,
    as many as ``estado`` lists for them, and are no longer complete."""
    from dataclasses import replace

    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(4, seed=5), nc.semanas(date(2026, 10, 5), 3))
    )
    recibos_todos = list(recibos)
    del recibos[4]  # the first worker's second week (periods, then workers)
    _importar(services, tmp_path / "oct", recibos)
    estado = {e.contratante: e for e in services.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    semanas = services.evidencias.semanas(CLI_ACTOR, [Mes(2026, 9), OCTUBRE])
    assert semanas == {
        (c, "2026-10"): len(e.recibos_faltantes) for c, e in estado.items() if e.recibos_faltantes
    }
    assert sum(semanas.values()) >= 1
    (cliente, _mes), cuantos = next(iter(semanas.items()))
    assert "de la semana del 12/10/2026 al 18/10/2026" in estado[cliente].recibos_faltantes[0]
    (fila,) = [
        f for f in services.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1) if f.contratante == cliente
    ]
    celda = replace(fila.celdas[0], recibos_faltan=cuantos)
    assert (
        celda.texto
        == f"Faltan {len(estado[cliente].faltan)} ({cuantos} recibo{'s' if cuantos > 1 else ''})"
    )
    completa = replace(celda, faltan=0)
    assert not completa.completa and completa.pendiente  # the receipts alone keep it pending
    # ICSOE › Vencimientos says what the board's cell says (tests' clock: 22/11/2026).
    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    pendientes = {
        (e.contratante, e.mes): e.faltan for e in services.vencimientos.tablero(ANA).evidencias
    }
    assert pendientes[(cliente, OCTUBRE)] == celda.texto
    # The missing week imported by the command line beside the app (a process of its own): the
    # app's look names the receipts and the evidence, and Vencimientos counts it no more.
    from tests.test_cli_movimientos import cli

    mirar = services.store.vigencia.clases_de_fuera
    assert mirar(services.store.escritor.proceso) == set()  # the first look takes note
    faltante = nc.escribir(tmp_path / "semana", [recibos_todos[4]])
    hecho = cli(data_dir, "nomina", "importar", faltante)
    assert hecho.returncode == 0, hecho.stderr
    assert {NOMINA, EVIDENCIAS} <= mirar(services.store.escritor.proceso)
    pendientes = {
        (e.contratante, e.mes): e.faltan for e in services.vencimientos.tablero(ANA).evidencias
    }
    assert pendientes[(cliente, OCTUBRE)] == f"Faltan {len(estado[cliente].faltan) - cuantos}"
