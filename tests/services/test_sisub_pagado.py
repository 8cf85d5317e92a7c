"""Revisar of the SISUB against what was paid, through the real services and the CLI: the
bimestre's SUA cédula, SIPARE line and bank receipt attached as the month's evidence (real PDFs
written with reportlab), read for their INFONAVIT amounts; within 1 % of the report's
aportaciones and amortizaciones nothing is said, 5 % off is a warning naming both amounts and
the document, and a bimestre without a payment gets a note."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.evidencias_pago import pesos
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.pagado import PAGO_DIFERENTE, SIN_PAGO
from icsoe_desktop.store.models import EvidenciaDocumento
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.services.test_repse import registro_pdf
from tests.test_cli_movimientos import cli

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte


def _aportaciones(services, uuid: str, actor: str, bimestre: int) -> int:
    return sum(
        t.importes.aportacion
        for c in services.sisub.reporte(uuid, actor).contratos
        for t in c.trabajadores
        if t.bimestre == bimestre
    )


def _cedula(tmp_path: Path, nombre: str, aportacion: int, bimestre: str = "") -> Path:
    """The SUA's resumen of a bimestre's payment as its PDF words it: the INFONAVIT block with
    the aportación (all of it sin crédito), no amortización."""
    lineas = [
        "SISTEMA UNICO DE AUTODETERMINACION",
        "RESUMEN DE LIQUIDACION - CEDULA DE DETERMINACION DE CUOTAS",
        f"Registro Patronal: {nc.REGISTRO_PATRONAL}   RFC: {nc.RFC_EMPRESA}",
        *([f"Periodo de pago: {bimestre}"] if bimestre else []),
        "Para abono en cuenta del INFONAVIT",
        f"Aportación Patronal Sin Crédito      {pesos(aportacion)}",
        "Aportación Patronal Con Crédito      $0.00",
        "Amortización                         $0.00",
        f"SUB TOTAL                            {pesos(aportacion)}",
        "Actualización de Aportaciones y Amortizaciones   $0.00",
    ]
    ruta = tmp_path / nombre
    ruta.write_bytes(registro_pdf("\n".join(lineas)))
    return ruta


def _sipare(tmp_path: Path, nombre: str, aportacion: int) -> Path:
    """SIPARE's payment line: the aportación in its column, the sum in the last; no bimestre
    said (the month it is attached to places it)."""
    total = pesos(aportacion)
    lineas = [
        "SIPARE  FORMATO PARA PAGO DE CUOTAS OBRERO PATRONALES, APORTACIONES Y AMORTIZACIONES",
        f"REGISTRO PATRONAL: {nc.REGISTRO_PATRONAL[:3]}-{nc.REGISTRO_PATRONAL[3:8]}-"
        f"{nc.REGISTRO_PATRONAL[8:10]}-{nc.REGISTRO_PATRONAL[10]}  RFC: {nc.RFC_EMPRESA}",
        f"APORTACION PATRONAL SIN CREDITO     {total}              {total}",
        "APORTACION PATRONAL CON CREDITO     0.00                 0.00",
        "AMORTIZACION                                  0.00       0.00",
        "LINEA DE CAPTURA  0026ABCD-1234-5678-9012-3456",
    ]
    ruta = tmp_path / nombre
    ruta.write_bytes(registro_pdf("\n".join(lineas)))
    return ruta


def _pagos(problemas):
    return [
        (p.codigo, p.aviso, p.nota) for p in problemas if p.codigo in (SIN_PAGO, PAGO_DIFERENTE)
    ]


def test_revisar_compares_the_report_with_the_payments_attached(
    services, reporte, data_dir, tmp_path
):
    rfc, ana, uuid = reporte
    mayo_junio, julio_agosto = (_aportaciones(services, uuid, ana, b) for b in (3, 4))
    assert mayo_junio > 0 and julio_agosto > 0
    # Nothing attached: a note per bimestre, nothing to correct.
    problemas = services.sisub.revisar(uuid, ana)
    assert _pagos(problemas) == [(SIN_PAGO, True, True), (SIN_PAGO, True, True)]
    assert next(p.mensaje for p in problemas if p.codigo == SIN_PAGO).startswith(
        "No hay pago del bimestre 3 (may–jun 2026) en la evidencia mensual"
    )
    assert not [p for p in problemas if not p.aviso]

    # May–June: the SUA's cédula 0.5 % above the report, its SIPARE line and the bank receipt
    # of the same payment in June's evidence: counted once, within 1 %, nothing said.
    junio = Mes(2026, 6)
    pagado = mayo_junio * 1005 // 1000
    cedula = _cedula(tmp_path, "cedula_bim3.pdf", pagado, "Bimestre: 03/2026")
    services.evidencias.adjuntar(CLI_ACTOR, junio, "sua", cedula)
    services.evidencias.adjuntar(CLI_ACTOR, junio, "sua", _sipare(tmp_path, "linea.pdf", pagado))
    banco = tmp_path / "banco.pdf"
    banco.write_bytes(registro_pdf(f"Comprobante de pago SIPARE\nImporte: {pesos(pagado)}"))
    services.evidencias.adjuntar(CLI_ACTOR, junio, "sua", banco)
    with services.store.session() as session:
        leido = session.scalar(
            select(EvidenciaDocumento.lectura).where(EvidenciaDocumento.nombre == cedula.name)
        )
    assert f"INFONAVIT: aportaciones {pesos(pagado)} (sin crédito {pesos(pagado)}" in leido
    assert _pagos(services.sisub.revisar(uuid, ana)) == [(SIN_PAGO, True, True)]

    # July–August: SIPARE's line 5 % below the report, in August's evidence: a warning with
    # both amounts and the document.
    corto = julio_agosto * 95 // 100
    sipare = _sipare(tmp_path, "sipare_jul_ago.pdf", corto)
    services.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 8), "sua", sipare)
    (aviso,) = [
        p for p in services.sisub.revisar(uuid, ana) if p.codigo in (SIN_PAGO, PAGO_DIFERENTE)
    ]
    assert (aviso.codigo, aviso.aviso, aviso.nota) == (PAGO_DIFERENTE, True, False)
    assert aviso.mensaje.startswith(
        f"Las aportaciones del bimestre 4 (jul–ago 2026) del registro patronal "
        f"{nc.REGISTRO_PATRONAL} suman {pesos(julio_agosto)} en el reporte y {pesos(corto)} en "
        "el pago «sipare_jul_ago.pdf» (evidencia de 2026-08): difieren 5."
    )
    assert "más del 1 %" in aviso.mensaje

    # A payment of another bimestre attached in May is not this period's; the cédula's bytes
    # missing here and its SIPARE line no longer a PDF: May–June has nothing read to compare.
    otro = _cedula(tmp_path, "cedula_bim1.pdf", pagado, "Bimestre: 01/2026")
    services.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 5), "sua", otro)
    with services.store.session() as session:
        filas = session.scalars(select(EvidenciaDocumento)).all()
        for fila in filas:
            if fila.nombre == cedula.name:
                fila.datos = b""
            elif fila.nombre == "linea.pdf":
                fila.datos = b"%PDF-1.4 truncado"
    assert _pagos(services.sisub.revisar(uuid, ana)) == [
        (SIN_PAGO, True, True),
        (PAGO_DIFERENTE, True, False),
    ]

    # The same through `sisub revisar`: the note and the warning listed, nothing to correct.
    services.close()
    hecho = cli(data_dir, "sisub", "revisar", "--contratista", rfc, "--periodo", "2026-2")
    assert hecho.returncode == 0, hecho.stdout + hecho.stderr
    lineas = hecho.stdout.splitlines()
    assert f"Aviso: {aviso.mensaje}" in lineas
    assert any(x.startswith("Nota: No hay pago del bimestre 3 (may–jun 2026)") for x in lineas)
    assert "1 aviso, 1 nota." in hecho.stderr
