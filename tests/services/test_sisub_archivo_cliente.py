"""The client's archive (Exportar para el cliente…) with the SISUB through the real services:
once the period's SISUB is filed it carries, besides its acuse, that client's rows of the
SISUB (the Contratos and DetalleTrab lines of its contracts, as the export writes them) and its
contracts' kept PDFs, never another client's; a client with only a continuing contract (not in
the period's ICSOE) is offered and gets its SISUB files; before filing, nothing of the SISUB."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV, PDF_CONTRATOS
from icsoe_desktop.domain.sisub.modelo import Importes
from icsoe_desktop.services.informativa.repse import Pdf
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE, acuse_del_imss
from tests.sisub_datos import (
    ENERO_ABRIL,
    MAYO_AGOSTO,
    OTRO_CLIENTE,
    SITIO,
    con_repse,
    contrato,
    de_la_lista,
    empresa_de_la_nomina,
    importar,
)

_firmada_una_vez, services, firmada = fx._firmada_una_vez, fx.services, fx.firmada

CONTRATOS = f"{NOMBRES_CSV['contratos']}.csv"
DETALLE = f"{NOMBRES_CSV['trabajadores']}.csv"
PDF = f"{PDF_CONTRATOS}.pdf"


def _pdf(texto: str) -> bytes:
    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    hoja = canvas.Canvas(salida, invariant=1)
    hoja.drawString(72, 720, texto)
    hoja.save()
    return salida.getvalue()


def _filas(datos: bytes) -> list[dict[str, str]]:
    lineas = list(csv.reader(io.StringIO(datos.decode("cp1252"), newline="")))
    return [dict(zip(lineas[0], fila, strict=True)) for fila in lineas[1:]]


def _zip(ruta) -> dict[str, bytes]:
    with zipfile.ZipFile(ruta) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.fixture
def periodo(firmada, services, clock, data_dir, tmp_path):
    """The signed informativa of mayo–agosto filed (a contract with CLIENTE, two workers); a
    contract with OTRO_CLIENTE started in enero–abril still in force, one of its workers paid
    in May; the SISUB prepared with both contracts' numbers, sites and PDFs, not filed:
    (rfc, informativa, SISUB, {client: (contract, its PDF)})."""
    rfc, ana, informativa, (del_cliente,), _constancia = firmada
    clock.now = datetime(2026, 11, 23, 12, 0)
    services.informativa_presentacion.registrar(
        informativa, rfc, acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"), "acuse.pdf",
        "N262253432", datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO),
        {del_cliente: "A26P3662382"},
    )  # fmt: skip
    empresa_de_la_nomina(services, data_dir)
    con_repse(services, rfc)  # Revisar asks for it
    _inf, continuo = contrato(
        services, rfc, ana, ENERO_ABRIL, OTRO_CLIENTE, date(2026, 2, 10), date(2027, 2, 9),
        seed=9,
    )  # fmt: skip
    uno, _dos = de_la_lista(services, continuo, ana)
    recibo = nc.recibo(
        nc.Emisor(), uno, nc.Periodo.quincena(2026, 5),
        subcontrataciones=((OTRO_CLIENTE.rfc, "100"),),
    )  # fmt: skip
    importar(services, tmp_path / "nomina", [("uno.xml", recibo)])
    sisub = services.sisub.preparar(rfc, ana, MAYO_AGOSTO).uuid
    contratos = {
        CLIENTE.rfc: (del_cliente, _pdf("Contrato con el cliente")),
        OTRO_CLIENTE.rfc: (continuo, _pdf("Contrato con Comercial del Mayab")),
    }
    for n, (cliente, (uuid, pdf)) in enumerate(contratos.items()):
        services.sisub.guardar_contrato(sisub, uuid, ana, f"S-{n}", SITIO)
        services.sisub_pdfs.adjuntar_contrato(rfc, rfc, uuid, Pdf(pdf, f"{cliente}.pdf"))
    # The listed workers without receipts, completed by hand.
    for t in services.sisub.trabajadores(sisub, ana, del_cliente):
        services.sisub.editar_trabajador(t.uuid, ana, Importes(fijas=1_500_000), "Y5412345105")
    return rfc, informativa, sisub, contratos


def test_before_the_sisub_is_filed_nothing_of_it(services, periodo, tmp_path):
    rfc, informativa, _sisub, _contratos = periodo
    servicio = services.informativa_presentacion
    assert servicio.contratantes(informativa, rfc) == [(CLIENTE.rfc, CLIENTE.nombre)]
    (zip_path,) = servicio.archivo(informativa, rfc, CLIENTE.rfc, tmp_path / "cliente.zip")
    assert not [n for n in _zip(zip_path) if "SISUB" in n or "sisub" in n]
    with pytest.raises(ValidationError) as error:
        servicio.archivo(informativa, rfc, OTRO_CLIENTE.rfc, tmp_path / "otro.zip")
    assert error.value.code == "sin_contratos_del_contratante"
    assert not (tmp_path / "otro.zip").exists()


def test_each_client_gets_only_its_own_rows_and_pdfs_once_filed(services, periodo, tmp_path):
    rfc, informativa, sisub, contratos = periodo
    services.sisub_presentacion.registrar(
        sisub, rfc, acuse_infonavit_pdf(rfc=rfc), "a.pdf", "SISUB-2026-0001234"
    )
    servicio = services.informativa_presentacion
    # The client with only a continuing contract is offered too.
    assert servicio.contratantes(informativa, rfc) == [
        (CLIENTE.rfc, CLIENTE.nombre),
        (OTRO_CLIENTE.rfc, OTRO_CLIENTE.nombre),
    ]
    (tmp_path / "export").mkdir()
    todo = services.sisub_archivos.exportar(sisub, rfc, tmp_path / "export", como_zip=True)
    exportado = _zip(todo.ruta)
    reporte = services.sisub.reporte(sisub, rfc)
    nss = {c.contratante.rfc: {t.nss for t in c.trabajadores} for c in reporte.contratos}
    assert all(nss.values()) and not set.intersection(*nss.values())

    for cliente, destino in ((CLIENTE.rfc, "cliente.zip"), (OTRO_CLIENTE.rfc, "otro")):
        if destino == "otro":
            (tmp_path / destino).mkdir()
        escritos = servicio.archivo(informativa, rfc, cliente, tmp_path / destino)
        if destino.endswith(".zip"):
            archivos = _zip(escritos[0])
        else:
            archivos = {p.name: p.read_bytes() for p in escritos}
        base = f"ICSOE_{rfc}_2026-2_{cliente}_"
        assert all(n.startswith(base) for n in archivos)  # every name the client's
        suyos = {n.removeprefix(base): d for n, d in archivos.items()}
        # Its contracts' rows only, header and bytes as the export writes them.
        contratos_csv = _filas(suyos[CONTRATOS])
        assert [f["RFC del beneficiario"] for f in contratos_csv] == [cliente]
        detalle = _filas(suyos[DETALLE])
        assert {f["NSS"] for f in detalle} == nss[cliente]
        assert {f["Número de contrato"] for f in detalle} == {
            contratos_csv[0]["Número de contrato"]
        }
        for nombre in (CONTRATOS, DETALLE):
            lineas = suyos[nombre].split(b"\r\n")
            assert lineas[0] == exportado[nombre].split(b"\r\n")[0]
            assert set(lineas[1:]) <= set(exportado[nombre].split(b"\r\n")[1:])
        assert suyos[PDF] == contratos[cliente][1]
        assert "acuse_sisub_infonavit.pdf" in suyos
        # The ICSOE's Excel only for the client the informativa lists.
        assert ("contratos_trabajadores.xlsx" in suyos) == (cliente == CLIENTE.rfc)
