"""Item c) of Ley del INFONAVIT art. 29 Bis through the real services: the aportaciones sin
and con crédito and the amortizaciones of each contract and bimestre, from CFDI de nómina
receipts with and without a deducción 010, a worker shared by two clients, an incapacidad and
an absence, a raise inside the bimestre past the 25 UMA cap; each equal to a computation
written here from the rule (5 % of the SBC up to 25 UMA, by the days paid plus those of
incapacidad, by the client's share). The sujeto obligado's file: a row per registro
patronal with its workers' sums; the contracts file with the beneficiary's domicilio
fiscal, kind, amount and vigencia."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.captura import DatosSujeto, DelContrato
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV
from icsoe_desktop.domain.sisub.modelo import Montos, montos_por_contrato
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import (
    ENERO_ABRIL,
    MAYO_AGOSTO,
    OTRO_CLIENTE,
    SITIO,
    contrato,
    de_la_lista,
    importar,
)

_quien_una_vez, services, quien = fx._quien_una_vez, fx.services, fx.quien

UMA_2026 = Decimal("117.31")
CENTAVO = Decimal("0.01")
OTRO_REGISTRO = "B1234567105"


def _redondo(valor: Decimal) -> Decimal:
    return valor.quantize(CENTAVO, rounding=ROUND_HALF_UP)


def test_aportaciones_and_amortizaciones_per_contract_and_registro(services, quien, tmp_path):
    rfc, ana = quien
    _i, uno_c = contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), None)
    _i, dos_c = contrato(
        services, rfc, ana, Periodo(2025, 3), OTRO_CLIENTE, date(2025, 10, 1), None, seed=9
    )
    uno, dos = de_la_lista(services, uno_c, ana)
    tres, _cuatro = de_la_lista(services, dos_c, ana)
    emisor = nc.Emisor()
    otro_registro = replace(emisor, registro_patronal=OTRO_REGISTRO)
    mayo, mayo2, julio = (
        nc.Periodo.quincena(2026, 5),
        nc.Periodo.quincena(2026, 5, segunda=True),
        nc.Periodo.quincena(2026, 7),
    )
    compartido = ((CLIENTE.rfc, "60"), (OTRO_CLIENTE.rfc, "40"))
    solo = {CLIENTE.rfc: ((CLIENTE.rfc, "100"),), OTRO_CLIENTE.rfc: ((OTRO_CLIENTE.rfc, "100"),)}
    caro = replace(uno, sbc=Decimal("3000.00"))  # a raise past 25 UMA (2,932.75)
    # (worker, emisor, period, clients, vivienda, faltas, days of incapacidad)
    pagos = [
        (uno, emisor, mayo, compartido, 0, 0, 0),
        (caro, emisor, mayo2, compartido, 0, 0, 0),  # the raise inside the bimestre
        (uno, emisor, julio, solo[CLIENTE.rfc], 0, 2, 0),  # two days absent
        (dos, emisor, mayo, solo[CLIENTE.rfc], 450, 0, 0),  # con crédito
        (dos, emisor, mayo2, solo[CLIENTE.rfc], 450, 3, 3),  # incapacidad: not paid, counted
        (dos, emisor, julio, solo[CLIENTE.rfc], 450, 0, 0),
        (tres, otro_registro, mayo, solo[OTRO_CLIENTE.rfc], 0, 0, 0),
        (tres, otro_registro, julio, solo[OTRO_CLIENTE.rfc], 300, 0, 0),
    ]
    recibos = [
        (
            f"{n}.xml",
            nc.recibo(
                quien_paga,
                t,
                periodo,
                subcontrataciones=clientes,
                vivienda=Decimal(vivienda),
                faltas=faltas,
                incapacidades=((incapacidad, "02", Decimal(0)),) if incapacidad else (),
            ),
        )
        for n, (t, quien_paga, periodo, clientes, vivienda, faltas, incapacidad) in enumerate(pagos)
    ]
    importar(services, tmp_path / "nomina", recibos)

    # The rule, computed here: per receipt and client, 5 % of min(SBC, 25 UMA) × (days paid +
    # days of incapacidad) × the client's share; the 010 discounted × the share.
    contrato_de = {CLIENTE.rfc: uno_c, OTRO_CLIENTE.rfc: dos_c}
    por_fila: dict[tuple[str, int, str], list[Decimal]] = {}
    registro_de: dict[tuple[str, int, str], str] = {}
    for t, quien_paga, periodo, clientes, vivienda, faltas, incapacidad in pagos:
        bimestre = 3 if periodo.fin.month <= 6 else 4
        base = min(t.sbc, 25 * UMA_2026)
        dias = periodo.dias - faltas + incapacidad
        for cliente, porcentaje in clientes:
            share = Decimal(porcentaje) / 100
            clave = (contrato_de[cliente], bimestre, t.nss)
            suma = por_fila.setdefault(clave, [Decimal(0), Decimal(0)])
            suma[0] += _redondo(base * Decimal("0.05") * dias * share)
            suma[1] += _redondo(Decimal(vivienda) * share)
            registro_de[clave] = quien_paga.registro_patronal
    esperado: dict[tuple[str, int], Montos] = {}
    por_registro: dict[str, list[Decimal]] = {}
    for (c, bimestre, _nss), (aportado, amortizado) in por_fila.items():
        antes = esperado.get((c, bimestre), Montos())
        centavos = int(aportado * 100), int(amortizado * 100)
        if amortizado:
            esperado[(c, bimestre)] = replace(
                antes,
                con_credito=antes.con_credito + centavos[0],
                amortizacion=antes.amortizacion + centavos[1],
            )
        else:
            esperado[(c, bimestre)] = replace(antes, sin_credito=antes.sin_credito + centavos[0])
        registro = por_registro.setdefault(
            registro_de[(c, bimestre, _nss)], [Decimal(0), Decimal(0), Decimal(0)]
        )
        registro[1 if amortizado else 0] += aportado
        registro[2] += amortizado

    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    reporte = services.sisub.reporte(hecho.uuid, ana)
    assert montos_por_contrato(reporte) == esperado
    # The shared worker is in both contracts; each of his rows says its source.
    filas = {(c.uuid, t.nss): t for c in reporte.contratos for t in c.trabajadores}
    assert (uno_c, uno.nss) in filas and (dos_c, uno.nss) in filas
    assert all(t.origen.endswith("CFDI") for t in filas.values())

    # Editable as the other amounts: the clerk's figure stays through another Preparar.
    (fila,) = [
        t
        for c in reporte.contratos
        for t in c.trabajadores
        if t.nss == tres.nss and t.bimestre == 3
    ]
    services.sisub.editar_trabajador(
        fila.uuid, ana, replace(fila.importes, amortizacion=12_345), fila.registro_patronal
    )
    services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    editado = services.sisub.reporte(hecho.uuid, ana)
    assert montos_por_contrato(editado)[(dos_c, 3)].amortizacion == 12_345
    services.sisub.editar_trabajador(fila.uuid, ana, fila.importes, fila.registro_patronal)

    # The files: the sujeto's a row per registro patronal, with its data captured once.
    del_contrato = DelContrato("Servicio especializado", 1_000_000_00, "")
    services.sisub.guardar_contrato(hecho.uuid, uno_c, ana, "S-1", SITIO, del_contrato)
    services.sisub.guardar_contrato(hecho.uuid, dos_c, ana, "S-2", SITIO)
    services.sisub.guardar_del_contrato(rfc, ana, dos_c, replace(del_contrato, monto=5_000_00))
    services.registros.save(OTRO_REGISTRO, rfc, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    services.sisub.guardar_sujeto(
        rfc,
        rfc,
        DatosSujeto(
            entre_calle="Calle 1", y_calle="Calle 3", representante_legal="Ana Pérez",
            escritura_numero="1234", escritura_fecha=date(2015, 6, 1),
            notario_nombre="Luis Gómez", notario_numero="45", folio_mercantil="FM-99",
        ),
    )  # fmt: skip
    ruta = services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "salida").ruta

    def leer(archivo: str) -> list[dict[str, str]]:
        texto = (ruta / f"{NOMBRES_CSV[archivo]}.csv").read_bytes().decode("cp1252")
        titulos, *renglones = list(csv.reader(io.StringIO(texto, newline="")))
        return [dict(zip(titulos, r, strict=True)) for r in renglones]

    sujetos = {s["Registro patronal"]: s for s in leer("sujeto")}
    assert sorted(sujetos) == sorted({nc.REGISTRO_PATRONAL, OTRO_REGISTRO})
    for registro, (sin, con, amortizado) in por_registro.items():
        s = sujetos[registro]
        assert (
            s["Aportación sin crédito de los trabajadores del contrato"],
            s["Aportación con crédito de los trabajadores del contrato"],
            s["Amortización de los trabajadores del contrato"],
        ) == (f"{sin:.2f}", f"{con:.2f}", f"{amortizado:.2f}"), registro
        assert (s["Entre calle"], s["Número de escritura"], s["Fecha de escritura pública"]) == (
            "Calle 1", "1234", "01/06/2015",
        )  # fmt: skip
    contratos = {c["RFC del beneficiario"]: c for c in leer("contratos")}
    assert contratos[CLIENTE.rfc]["Calle"] == CLIENTE.domicilio.calle
    assert contratos[CLIENTE.rfc]["Monto del contrato"] == "1000000.00"
    assert contratos[CLIENTE.rfc]["Vigencia"] == "10/02/2026 en adelante"
    assert contratos[CLIENTE.rfc]["Tipo de contrato"] == "Servicio especializado"
    assert contratos[OTRO_CLIENTE.rfc]["Monto del contrato"] == "5000.00"
