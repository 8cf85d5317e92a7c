"""Revisar of the SISUB through the real services: a contract without its number or work site,
workers without registro patronal or amounts, the ICSOE informativa of the period that lists
other contracts or workers (an error until the clerk says why, a warning after), amounts typed
by hand that are not the receipts', and a period with only continuing contracts that agrees
with an ICSOE «Sin información»."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Domicilio
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.modelo import Importes
from icsoe_desktop.domain.sisub.revision import (
    ICSOE_CONTRATO,
    ICSOE_MOTIVO,
    ICSOE_TIPO,
    ICSOE_TRABAJADOR,
    IMPORTE_RECIBOS,
    NO_ANSI,
    SIN_IMPORTES,
    SIN_NUMERO,
    SIN_REGISTRO,
    SIN_TRABAJADORES,
    SITIO_INCOMPLETO,
)
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import (
    ENERO_ABRIL,
    MAYO_AGOSTO,
    SITIO,
    contrato,
    de_la_lista,
    importar,
)

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien = fx._quien_una_vez, fx.services, fx.quien


def _revisar(services, uuid, actor):
    """Revisar's findings but its notes (no payment attached to compare the amounts with:
    test_sisub_pagado.py)."""
    return [p for p in services.sisub.revisar(uuid, actor) if not p.nota]


def _codigos(problemas):
    return {(p.codigo, p.aviso) for p in problemas}


def test_only_continuing_contracts_agree_with_an_icsoe_sin_informacion(services, quien, tmp_path):
    rfc, ana = quien
    _inf, continuo = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    services.informativas.crear(rfc, ana, MAYO_AGOSTO, "sin_informacion")
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    # Nothing captured for the SISUB yet: number, work site, and no receipts.
    problemas = _revisar(services, hecho.uuid, ana)
    assert _codigos(problemas) == {
        (SIN_NUMERO, False),
        (SITIO_INCOMPLETO, False),
        (SIN_TRABAJADORES, True),
    }
    mensajes = {p.codigo: p.mensaje for p in problemas}
    del_contrato = f"del contrato con {CLIENTE.rfc} (Mantenimiento especializado para Cliente"
    assert mensajes[SIN_NUMERO].startswith(f"Captura el número de contrato SISUB {del_contrato}")
    assert mensajes[SITIO_INCOMPLETO].startswith(f"Completa el centro de trabajo {del_contrato}")
    services.sisub.guardar_contrato(hecho.uuid, continuo, ana, "S-1", SITIO)
    uno, _dos = de_la_lista(services, continuo, ana)
    recibo = nc.recibo(
        nc.Emisor(), uno, nc.Periodo.quincena(2026, 5), subcontrataciones=((CLIENTE.rfc, "100"),)
    )
    importar(services, tmp_path / "nomina", [("uno.xml", recibo)])
    services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    # ICSOE «Sin información», SISUB «datos continuos»: they agree.
    assert _revisar(services, hecho.uuid, ana) == []
    # An amount typed by hand that is not the receipts': a warning.
    (fila,) = services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores
    services.sisub.editar_trabajador(
        fila.uuid, ana, Importes(1, 0, 0, 0, fila.importes.no_excedente), nc.REGISTRO_PATRONAL
    )
    assert _codigos(_revisar(services, hecho.uuid, ana)) == {(IMPORTE_RECIBOS, True)}


def test_a_new_contract_needs_its_workers_amounts_and_agrees_with_the_icsoe(
    services, quien, tmp_path
):
    rfc, ana = quien
    _inf, nuevo = contrato(
        services, rfc, ana, MAYO_AGOSTO, CLIENTE, date(2026, 7, 6), None, trabajadores=2
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(hecho.uuid, nuevo, ana, "S-2", SITIO)
    # The listed workers, proposed without receipts: registro patronal and amounts missing.
    problemas = _revisar(services, hecho.uuid, ana)
    assert _codigos(problemas) == {(SIN_REGISTRO, False), (SIN_IMPORTES, False)}
    assert len(problemas) == 4
    # A receipt naming the client for a worker the ICSOE list does not have: the SISUB ties
    # him to the contract, and the two disagree.
    (ajeno,) = nc.trabajadores(1, seed=77)
    recibo = nc.recibo(
        nc.Emisor(), ajeno, nc.Periodo.quincena(2026, 7), subcontrataciones=((CLIENTE.rfc, "100"),)
    )
    importar(services, tmp_path / "nomina", [("ajeno.xml", recibo)])
    services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    fuera = [p for p in _revisar(services, hecho.uuid, ana) if p.codigo == ICSOE_TRABAJADOR]
    assert [(p.aviso, p.contrato) for p in fuera] == [(False, nuevo)]
    assert (
        f"NSS {ajeno.nss}" in fuera[0].mensaje and "no en la informativa ICSOE" in fuera[0].mensaje
    )
    # The clerk says why: a warning only.
    services.sisub.anotar_icsoe(hecho.uuid, ana, "Entró a cubrir una incapacidad en julio.")
    problemas = _revisar(services, hecho.uuid, ana)
    fuera = [p for p in problemas if p.codigo == ICSOE_TRABAJADOR]
    assert [p.aviso for p in fuera] == [True]
    # Headed by the note it was accepted for, once.
    (motivo,) = [p for p in problemas if p.codigo == ICSOE_MOTIVO]
    assert motivo.aviso and problemas.index(motivo) < problemas.index(fuera[0])
    assert motivo.mensaje == (
        "La diferencia con la informativa ICSOE se acepta por el motivo anotado: «Entró a cubrir "
        "una incapacidad en julio.»."
    )


def test_an_icsoe_sin_informacion_disagrees_with_a_contract_started_in_the_period(services, quien):
    rfc, ana = quien
    # Captured in enero–abril's informativa with a start in june (the ICSOE's own Revisar
    # warns of that date), and mayo–agosto declared «Sin información».
    contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 6, 1), None, trabajadores=1)
    services.informativas.crear(rfc, ana, MAYO_AGOSTO, "sin_informacion")
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    tipo = [p for p in _revisar(services, hecho.uuid, ana) if p.codigo == ICSOE_TIPO]
    assert [p.aviso for p in tipo] == [False]
    assert "«Sin información»" in tipo[0].mensaje


def test_an_icsoe_contract_that_did_not_start_in_the_period(services, quien):
    rfc, ana = quien
    # In mayo–agosto's informativa, with a start in march: the SISUB has it as continuing.
    _inf, marzo = contrato(
        services, rfc, ana, MAYO_AGOSTO, CLIENTE, date(2026, 3, 2), None, trabajadores=1
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    codigos = [(p.codigo, p.contrato) for p in _revisar(services, hecho.uuid, ana)]
    assert (ICSOE_CONTRATO, marzo) in codigos
    assert (ICSOE_TIPO, None) in codigos


def test_a_character_the_csv_cannot_hold_is_warned_of(services, quien):
    rfc, ana = quien
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), None, trabajadores=1
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(
        hecho.uuid, uuid, ana, "S-1", Domicilio(**{**SITIO.__dict__, "calle": "Calle 60 ➜ Norte"})
    )
    (ansi,) = [p for p in _revisar(services, hecho.uuid, ana) if p.codigo == NO_ANSI]
    assert "«➜»" in ansi.mensaje and ansi.aviso


def test_the_files_are_not_exported_while_revisar_finds_errors(services, quien, tmp_path):
    rfc, ana = quien
    contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), None, trabajadores=1)
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    with pytest.raises(ValidationError) as error:
        services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "salida")
    assert error.value.code == "sisub_con_problemas"
    assert "Revisar encontró 2 problemas" in error.value.message
    assert not (tmp_path / "salida").exists()


def test_a_worker_missing_from_a_bimestre_his_receipts_show_is_warned_of(services, quien, tmp_path):
    from icsoe_desktop.domain.sisub.revision import FALTA_BIMESTRE

    rfc, ana = quien
    _inf, continuo = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    uno, dos = de_la_lista(services, continuo, ana)
    emisor = nc.Emisor()

    def recibo(t, mes):
        return nc.recibo(
            emisor, t, nc.Periodo.quincena(2026, mes), subcontrataciones=((CLIENTE.rfc, "100"),)
        )

    # Prepared with May's receipts only; `uno` was paid in May only, `dos` in both.
    mayo = [("uno5.xml", recibo(uno, 5)), ("dos5.xml", recibo(dos, 5))]
    importar(services, tmp_path / "mayo", mayo)
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(hecho.uuid, continuo, ana, "S-1", SITIO)
    assert _revisar(services, hecho.uuid, ana) == []
    # July's receipt of `dos` loaded after: he is missing from julio–agosto.
    importar(services, tmp_path / "julio", [("dos7.xml", recibo(dos, 7))])
    (falta,) = _revisar(services, hecho.uuid, ana)
    assert (falta.codigo, falta.aviso, falta.contrato) == (FALTA_BIMESTRE, True, continuo)
    assert falta.mensaje == (
        f"El NSS {dos.nss} no está en el bimestre 4 (jul–ago 2026) del contrato S-1 con "
        f"{CLIENTE.rfc}, en vigor ese bimestre, y sus recibos de nómina lo muestran en él: "
        "prepara de nuevo el reporte para traerlos."
    )
    # Exporting is not held back by it; preparing again brings the row and the warning goes.
    services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert _revisar(services, hecho.uuid, ana) == []


def test_nothing_is_exported_that_the_portal_refuses(services, quien, tmp_path):
    """A «sin actividad» SISUB of a contratista without its REPSE registration, then without a
    registro patronal for its sujeto's row: each named by Revisar and refused by the export."""
    from sqlalchemy import delete

    from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV
    from icsoe_desktop.domain.sisub.revision import COLUMNA_VACIA, SIN_REPSE
    from icsoe_desktop.store.models import RegistroRepse
    from tests.sisub_datos import con_repse

    rfc, ana = quien
    with services.store.session() as session:  # as before the contratista captured it
        session.execute(delete(RegistroRepse))
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert _codigos(_revisar(services, hecho.uuid, ana)) == {(SIN_REPSE, False)}
    with pytest.raises(ValidationError) as error:
        services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "uno")
    assert "no tiene capturado su registro REPSE" in error.value.message
    con_repse(services, rfc)
    (vacia,) = _revisar(services, hecho.uuid, ana)
    assert (vacia.codigo, vacia.aviso) == (COLUMNA_VACIA, False)
    assert vacia.mensaje == (
        "«Sujeto obligado»: la columna «Registro patronal» queda vacía en 1 renglón y el "
        "INFONAVIT rechaza el archivo: agrega los registros patronales de la empresa "
        "(Configuración › Registros patronales…) o captura el de cada trabajador."
    )
    with pytest.raises(ValidationError) as error:
        services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "dos")
    assert vacia.mensaje in error.value.message
    assert not (tmp_path / "uno").exists() and not (tmp_path / "dos").exists()
    services.registros.save("B1234567105", rfc, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    assert _revisar(services, hecho.uuid, ana) == []
    ruta = services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "tres").ruta
    for nombre in NOMBRES_CSV.values():
        assert not (ruta / f"{nombre}.csv").read_bytes().endswith(b"\n")
