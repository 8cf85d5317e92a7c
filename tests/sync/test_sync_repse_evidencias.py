"""The REPSE registration and the client's monthly evidence between two desktops of one company,
through the real server on PostgreSQL: the registration with its PDF, its services, the month's
documents with their bytes and each client's day due travel; the receipts' XML stay on the
desktop that imported them."""

from __future__ import annotations

import hashlib
import logging
import zipfile
from datetime import date

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.repse import Pdf
from tests import nomina_cfdi as nc
from tests.icsoe_helpers import enter_contratista
from tests.services.test_repse import (
    LIMPIEZA,
    MANTENIMIENTO,
    constancia_repse,
    registro_pdf,
)
from tests.sync.conftest import connected

OCTUBRE = Mes(2026, 10)
CLIENTE = nc.CLIENTES[0]
OTORGADO = date(2024, 3, 15)


def _empresa(services) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(services.data_dir)


def _estado(services):
    return {e.contratante: e for e in services.evidencias.estado(CLI_ACTOR, OCTUBRE)}[CLIENTE]


def _sin_deriva(caplog, *escritorios) -> None:
    """One more sync of each: nothing new, and the drift check finds every table as the server
    has it."""
    with caplog.at_level(logging.WARNING, logger="icsoe_desktop.services.sync"):
        for escritorio in escritorios:
            assert escritorio.sync.synchronize().recibidos == 0
    assert not [r.getMessage() for r in caplog.records if "distintas" in r.getMessage()]


@pytest.fixture
def dos(sync_server, desktops, tmp_path):
    a, b = connected(sync_server, desktops)
    _empresa(a)
    _empresa(b)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(4, seed=31), nc.semanas(date(2026, 10, 5), 1))
    )
    assert a.nomina.importar([nc.escribir(tmp_path / "octubre", recibos)], CLI_ACTOR).guardados
    return a, b, rfc


def test_the_registration_and_the_months_documents_travel_with_their_pdfs(
    dos, tmp_path, caplog
) -> None:
    a, b, rfc = dos
    pdf = Pdf(constancia_repse(rfc, "AR12345/2024"), "registro.pdf")
    a.repse.registrar(rfc, CLI_ACTOR, "AR12345/2024", OTORGADO, [LIMPIEZA, MANTENIMIENTO], pdf)
    iva = tmp_path / "acuse_iva.pdf"
    iva.write_bytes(registro_pdf("Acuse de la declaración de IVA, octubre de 2026"))
    a.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "acuse_iva", iva)
    a.evidencias.fijar_entrega(CLI_ACTOR, CLIENTE, 25)
    a.sync.synchronize()
    b.sync.synchronize()

    en_a, en_b = (s.repse.ver(rfc, CLI_ACTOR) for s in (a, b))
    assert en_b is not None and en_b == en_a
    assert en_b.servicios == (LIMPIEZA, MANTENIMIENTO)
    assert b.repse.pdf(rfc, CLI_ACTOR) == pdf
    assert en_b.pdf_sha256 == hashlib.sha256(pdf.datos).hexdigest()
    # B has the document (received with its bytes) and the day due: its pack is built there.
    estado = _estado(b)
    assert estado.entrega == date(2026, 11, 25) and estado.repse == "AR12345/2024"
    assert estado.documentos["acuse_iva"] == "acuse_iva.pdf" and estado.en_otro_equipo == ()
    # What A read of it (it does not state the RFC nor the period) is said on B too.
    assert estado.avisos == _estado(a).avisos and "no dice el periodo" in estado.avisos[-1]
    celda_a, celda_b = (
        next(f for f in s.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1) if f.contratante == CLIENTE)
        for s in (a, b)
    )
    assert celda_b.celdas[0].faltan == celda_a.celdas[0].faltan
    # The receipts pulled count on B's board, without their XML there (kept where imported).
    assert celda_b.celdas[0].recibos == celda_a.celdas[0].recibos > 0
    assert (celda_a.celdas[0].sin_xml, celda_b.celdas[0].sin_xml) == (0, celda_b.celdas[0].recibos)
    # B's pack waits for the receipts' XML, said so; imported there too, it holds the same.
    (tmp_path / "b").mkdir()
    with pytest.raises(ValidationError) as sin_xml:
        b.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "b")
    assert sin_xml.value.code == "evidencia_sin_xml" and not list((tmp_path / "b").iterdir())
    assert b.nomina.importar([tmp_path / "octubre"], CLI_ACTOR).duplicados > 0
    for escritorio, nombre in ((a, "a"), (b, "b")):
        (tmp_path / nombre).mkdir(exist_ok=True)
        hecho = escritorio.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / nombre)
        with zipfile.ZipFile(hecho.ruta) as zf:
            assert zf.read("documentos/acuse_iva.pdf") == iva.read_bytes()
            assert zf.read("repse/registro_repse.pdf") == pdf.datos
            assert any(n.startswith("recibos/") for n in zf.namelist())

    # A service less, on B: A hears of it.
    b.repse.registrar(rfc, CLI_ACTOR, "AR12345/2024", OTORGADO, [LIMPIEZA], pdf)
    b.sync.synchronize()
    a.sync.synchronize()
    assert a.repse.ver(rfc, CLI_ACTOR).servicios == (LIMPIEZA,)

    # A attaches another PDF (a scan, declared by the clerk) and the service again in its
    # place: B has both, and says the PDF is declared.
    nuevo = Pdf(registro_pdf("Constancia de registro REPSE, corregida"), "registro-2.pdf")
    a.repse.registrar(
        rfc, CLI_ACTOR, "AR12345/2024", OTORGADO, [LIMPIEZA, MANTENIMIENTO], nuevo, True
    )
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.repse.ver(rfc, CLI_ACTOR).servicios == (LIMPIEZA, MANTENIMIENTO)
    assert b.repse.ver(rfc, CLI_ACTOR).pdf_declarado
    assert b.repse.pdf(rfc, CLI_ACTOR) == nuevo
    assert a.conflictos.conflicts() == [] and b.conflictos.conflicts() == []
    _sin_deriva(caplog, a, b)
