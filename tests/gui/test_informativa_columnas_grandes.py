"""A signed and filed informativa's big columns (its cadena original, the constancia PDF, the
frozen copy, the IMSS acuse PDF, the signer's certificate) are read only when asked for: not a
statement that opens its window, chooses each contract, sorts and pages its workers, or lists
informativas, contracts and presentaciones selects them (at 50 contracts of 12,000 workers they
are tens of MB: bench/informativa_abrir.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import event, inspect

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from icsoe_desktop.store.models import InformativaRow
from tests import credentials_factory as cf
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    acuse_del_imss,
    capturista_activa,
    contrato_con_trabajadores,
)

GRANDES = ("cadena", "certificado_der", "acuse_pdf", "congelada", "acuse_imss_pdf")
_GRANDE = re.compile(rf"(?<![\w])({'|'.join(GRANDES)})(?![\w])")
_LISTA = re.compile(r"\bSELECT\b(.*?)\bFROM\b", re.IGNORECASE | re.DOTALL)


@pytest.fixture
def presentada(services, data_dir, tmp_path, smtp_configured, clock):
    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    clock.advance(hours=3)  # filed on the portal after the signing
    acuse = acuse_del_imss(rfc, fecha="22/11/2026 05:45:10")
    services.informativa_presentacion.registrar(
        uuid,
        rfc,
        acuse,
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 5, 45, 10, tzinfo=HORA_DEL_CENTRO),
        {contrato: "A26P3662382"},
    )
    return rfc, ana, uuid


@contextmanager
def _grandes_leidas(services) -> Iterator[list[str]]:
    """The big columns each statement run meanwhile selects."""
    leidas: list[str] = []

    def antes(_conn, _cursor, statement: str, *_args: object) -> None:
        for columnas in _LISTA.findall(statement):
            leidas.extend(_GRANDE.findall(columnas))

    engine = services.store.engine
    event.listen(engine, "before_cursor_execute", antes)
    try:
        yield leidas
    finally:
        event.remove(engine, "before_cursor_execute", antes)


def test_the_big_columns_are_deferred_in_the_model():
    attrs = inspect(InformativaRow).column_attrs
    assert {c: attrs[c].deferred for c in GRANDES} == dict.fromkeys(GRANDES, True)


def test_opening_and_listing_a_signed_informativa_reads_none_of_its_big_columns(
    qtbot, services, presentada
):
    rfc, ana, uuid = presentada
    assert services.informativa_firma.acuse(uuid, rfc).startswith(b"%PDF")  # they are there
    with _grandes_leidas(services) as leidas:
        for actor, puede_firmar in ((rfc, True), (ana, False)):
            window = InformativaWindow(services, actor, rfc, uuid, puede_firmar)
            qtbot.addWidget(window)
            window.show()
            panel = window.trabajadores
            for row in range(window.contratos_model.rowCount()):
                window.contratos.setCurrentIndex(window.contratos_model.index(row, 0))
                panel.model.sort(3)  # by name, and again as added
                panel.model.sort(-1)
                assert panel.model.index(0, 0).data()
            assert (
                window.estado_label.text()
                == "<b>Presentada fuera de plazo (66 días), fecha de firma no probada</b>"
            )
        informativas = services.informativas
        (contrato,) = informativas.contratos(uuid, rfc)
        assert informativas.cabecera(uuid, rfc).contratos[0].contratante.rfc == CLIENTE.rfc
        assert informativas.fila(uuid, rfc).folio_imss == "N262253432"
        assert any(f.uuid == uuid for f in informativas.tablero(rfc, ana))
        assert [c.informativa for c in informativas.contratos_anteriores(rfc, ana)] == [uuid]
        trabajadores = services.informativa_trabajadores
        assert trabajadores.contar(contrato.uuid, ana) == 3
        assert len(trabajadores.pagina(contrato.uuid, ana, 0, 10, orden="nss")) == 3
        presentacion = services.informativa_presentacion
        assert [e.uuid for e in presentacion.presentadas(rfc)] == [uuid]
        assert presentacion.por_presentar(rfc) == []
        assert presentacion.contratos(uuid, rfc)[0].folio_imss == "A26P3662382"
        assert presentacion.registro(uuid, rfc).folio == "N262253432"
        assert presentacion.contratantes(uuid, rfc) == [(CLIENTE.rfc, CLIENTE.nombre)]
        assert services.informativa_rechazos.cuantos(uuid, rfc) == 0
    assert leidas == []
