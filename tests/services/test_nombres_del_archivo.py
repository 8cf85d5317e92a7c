"""The worker file's names are kept with each worker (the empresa has no movimientos of them):
the constancia de firma's annex and the client's Excel of a presented informativa name every
worker as the file did, and verifying the constancia (service and CLI) compares its names."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa import constancia as c
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    acuse_del_imss,
    capturista_una_vez,
    contrato_con_trabajadores,
)
from tests.services.test_constancia_nombres import nombres_del_anexo
from tests.test_cli_informativa import cli

NOMBRES = (
    "PEÑA NÚÑEZ MARÍA JOSÉ",
    "García López Juan",
    "O'Brien Ávila Ana Lucía",
    "ZAMUDIO  YÁÑEZ   Ximena",  # spaces inside the name, as some exports pad them
)
FECHA = datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO)


def _archivo(carpeta: Path) -> tuple[Path, dict[str, str]]:
    """A worker file with its names (one a title LibreOffice users give it): path, NSS → name
    as it must be shown (its spaces as one)."""
    trabajadores = trabajadores_limpios(len(NOMBRES), random.Random(31), PERIODO.anio)
    lineas = ["NSS,CURP,Salario Base de Cotización,Nombre del trabajador"]
    for t, nombre in zip(trabajadores, NOMBRES, strict=True):
        lineas.append(f"{t.nss},{t.curp},{t.sbc / 100:.2f},{nombre}")
    path = carpeta / "trabajadores.csv"
    path.write_text("\n".join(lineas) + "\n", encoding="utf-8")
    esperados = {t.nss: " ".join(n.split()) for t, n in zip(trabajadores, NOMBRES, strict=True)}
    return path, esperados


@pytest.fixture(scope="module")
def _presentable(tmp_path_factory):
    def firmar(services, rfc: str, ana: str, fiel: Path):
        uuid = services.informativas.crear(rfc, ana, PERIODO)
        contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
        path, esperados = _archivo(fiel.parent)
        resultado = services.informativa_trabajadores.importar(contrato, ana, path)
        assert resultado.problemas == []
        cer, key = fiel / f"{rfc}.cer", fiel / f"{rfc}.key"
        services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
        return uuid, contrato, esperados

    return capturista_una_vez(tmp_path_factory, firmar)


services = services_copying(presentable="_presentable")


@pytest.fixture
def presentable(_presentable, services, smtp_configured, clock):
    """(rfc, ana, (uuid, contrato, NSS → name)); the clock a day after the signing."""
    clock.now = datetime(2026, 11, 23, 12, 0)
    return _presentable[1]


def test_the_clients_excel_names_each_worker_as_the_file_did(services, presentable, tmp_path):
    rfc, ana, (uuid, contrato, esperados) = presentable
    # The contract's list shows them already: the names came from the file, not movimientos.
    filas = services.informativa_trabajadores.pagina(contrato, ana, 0, 100)
    assert {t.nss: t.nombre for t in filas} == esperados
    servicio = services.informativa_presentacion
    pdf = acuse_del_imss(rfc, fecha="22/11/2026 10:15:30")
    servicio.registrar(uuid, rfc, pdf, "acuse.pdf", "N262253432", FECHA, {contrato: "A26P3662382"})
    carpeta = tmp_path / "cliente"
    carpeta.mkdir()
    (excel,) = [p for p in servicio.archivo(uuid, rfc, CLIENTE.rfc, carpeta) if p.suffix == ".xlsx"]
    libro = load_workbook(excel, read_only=True)
    encabezado, *renglones = list(libro.active.iter_rows(values_only=True))
    libro.close()  # read-only keeps the file open until closed
    nss, nombre = encabezado.index("NSS"), encabezado.index("Nombre")
    assert {r[nss]: r[nombre] for r in renglones} == esperados


def _efirma(carpeta: Path, rfc: str) -> cf.Generated:
    """The contratista's own e.firma (its .cer and .key), as a forger holding it would use it."""
    cer = carpeta / "fiel" / f"{rfc}.cer"
    llave = load_sat_pair(cer.read_bytes(), cer.with_suffix(".key").read_bytes(), cf.PASSWORD)
    return cf.Generated(cer.read_bytes(), llave.private_key, cf.sat_ca())


def test_the_constancia_names_each_worker_as_the_file_did_and_verifying_compares_them(
    services, presentable, data_dir, tmp_path
):
    rfc, _ana, (uuid, _contrato, esperados) = presentable
    constancia = services.informativa_firma.acuse(uuid, rfc)
    assert nombres_del_anexo(constancia) == esperados
    assert services.informativa_firma.verificar(constancia).ok
    # The same pages signed again by the contratista's own e.firma with the data signed with
    # them made for one name changed (their SHA-256): the pages no longer show what is signed.
    genuina = falsa.datos(constancia)
    cadena, suyos = falsa.anexo(falsa.paginas(constancia), genuina)
    nombres = [n.replace("García", "Garza") for n in suyos]
    assert nombres != suyos
    contratista = _efirma(tmp_path, rfc)
    forjada = falsa.firmar(
        falsa.paginas(constancia),
        contratista,
        [cf.sat_ca().certificate_der],
        {**genuina, "sha256": c.huella_del_anexo(cadena, [nombres])},
    )
    assert c.PAGINAS_DISTINTAS in services.informativa_firma.verificar(forjada).motivo
    services.close()
    (tmp_path / "genuina.pdf").write_bytes(constancia)
    (tmp_path / "forjada.pdf").write_bytes(forjada)
    valida = cli(data_dir, "informativa", "verificar", tmp_path / "genuina.pdf")
    assert valida.returncode == c.SALIDA_VALIDA, valida.stdout + valida.stderr
    assert valida.stdout.startswith("La constancia de firma es válida: ")
    refusada = cli(data_dir, "informativa", "verificar", tmp_path / "forjada.pdf")
    assert refusada.returncode == c.SALIDA_NO_VALIDA, refusada.stdout + refusada.stderr
    assert c.PAGINAS_DISTINTAS in refusada.stdout + refusada.stderr


def _con_otros_nombres(services, presentable):
    """The stored constancia, read; its pages drawn again with «García» renamed «Garza»; and
    those names."""
    from icsoe_desktop.services.informativa.constancia_pdf import dibujar

    rfc, _ana, (uuid, _contrato, _esperados) = presentable
    constancia = services.informativa_firma.acuse(uuid, rfc)
    leida = c.leer_constancia(constancia)
    assert leida.sellada.nombres is not None
    otros = tuple([n.replace("García", "Garza") for n in lista] for lista in leida.sellada.nombres)
    paginas = dibujar(
        replace(leida.sellada, nombres=otros),
        leida.cadena,
        leida.sello,
        leida.info.no_certificado,
        leida.info.nombre,
        caracteres=leida.caracteres,
    )
    return rfc, constancia, leida, otros, paginas


def test_a_constancia_signed_again_with_other_names_is_not_the_stored_informativas(
    services, presentable, tmp_path
):
    """The cadena, the sello and the SHA-256 of the stored copies are the genuine ones, the pages
    drawn from the names changed: only the stored informativa can tell."""
    rfc, constancia, leida, otros, paginas = _con_otros_nombres(services, presentable)
    forjada = falsa.firmar(
        paginas,
        _efirma(tmp_path, rfc),
        [cf.sat_ca().certificate_der],
        {**falsa.datos(constancia), "sha256": c.huella_del_anexo(leida.cadena, otros)},
    )
    confianza = TrustStore([read_emisor(cf.sat_ca().certificate_der, incluido=False, archivo="")])
    sola = c.verificar_constancia(forjada, confianza)
    assert c.PAGINAS_DISTINTAS not in sola.motivo and sola.motivo == (c.FECHA_DISTINTA,)
    motivo = services.informativa_firma.verificar(forjada).motivo
    assert motivo == (c.FECHA_DISTINTA, c.NOMBRES.format(donde=c.ESTA_EMPRESA))
    assert services.informativa_firma.verificar(constancia).ok


def test_a_valid_constancia_with_other_names_is_refused_by_the_store_that_kept_its_own(
    services, presentable, tmp_path
):
    """Signed again by the contratista's e.firma at the sealed time, with the genuine cadena,
    sello and SHA-256 of the stored copies and pages drawn with other names: valid by itself.
    The store, whose frozen copies are the ones it names, kept another constancia: it reads
    its names and refuses it; the one it kept verifies without reading them."""
    import json

    from icsoe_desktop.services.pades.firmar import adjunto

    rfc, constancia, leida, otros, paginas = _con_otros_nombres(services, presentable)
    datos = {**falsa.datos(constancia), "sha256": c.huella_del_anexo(leida.cadena, otros)}
    contenido = json.dumps(datos, ensure_ascii=True, sort_keys=True, indent=1).encode("ascii")
    efirma = _efirma(tmp_path, rfc)
    forjada = (
        c.SinFirmar(
            paginas,
            adjunto(c.ADJUNTO, contenido, "application/json", "Datos firmados"),
            efirma.cer,
            leida.fecha_firma,
        )
        .firmar([cf.sat_ca().certificate_der], efirma.private_key)
        .pdf
    )
    confianza = TrustStore([read_emisor(cf.sat_ca().certificate_der, incluido=False, archivo="")])
    assert c.verificar_constancia(forjada, confianza).ok
    motivo = services.informativa_firma.verificar(forjada).motivo
    assert motivo == (c.NOMBRES.format(donde=c.ESTA_EMPRESA),)
    assert services.informativa_firma.verificar(constancia).ok
