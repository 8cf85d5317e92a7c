"""The workers' names in the constancia de firma: carried beside the cadena in what the e.firma
signs, shown in the annex's «Nombre» column beside each worker, drawn again and compared when
verifying (a name edited afterwards is refused); a constancia made before the names were
carried still verifies as it did."""

from __future__ import annotations

import dataclasses
import io
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import cadena_original, campo
from icsoe_desktop.domain.informativa.modelo import Trabajador
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa import constancia as c
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.icsoe_helpers import CURP_ANA, CURP_BETO
from tests.informativa_acuse_datos import informativa

CDMX = timezone(timedelta(hours=-6))
FIRMA = datetime.now(CDMX).replace(microsecond=0) - timedelta(days=1)
DATOS = Path(__file__).resolve().parent.parent / "data"
LARGO = "HERNÁNDEZ GONZÁLEZ MARÍA DE LOS ÁNGELES"
NOMBRES = ("MUÑOZ PEÑA JOSÉ", "LI WEI", "", LARGO, "O'Brien  Ávila\tAna", "Łódź Nguyễn")
# A worker's row in the annex as pypdf lays it out: NSS, CURP, SBC, then its name, if any
# (single spaces inside; the next column starts after several).
_FILA = re.compile(r"(\d{11}) \S{18} +-?\d+\.\d\d(?: +([^\d\s](?:\S| (?! ))*))?")


@pytest.fixture(scope="module")
def fiel() -> cf.Generated:
    return cf.fiel_moral()


@pytest.fixture(scope="module")
def confianza() -> TrustStore:
    return TrustStore([read_emisor(cf.sat_ca().certificate_der, incluido=False, archivo="")])


def _con_nombres(cuantos: int) -> tuple:
    """The test informativa with a contract of ``cuantos`` workers named from ``NOMBRES`` (one
    without a name, one too long for the column), in no particular order."""
    trabajadores = [
        Trabajador(f"{10_000_000_000 + i:011d}", (CURP_ANA, CURP_BETO)[i % 2], 50_000 + i,
                   NOMBRES[i % len(NOMBRES)])
        for i in range(cuantos)
    ]  # fmt: skip
    random.Random(3).shuffle(trabajadores)
    base = informativa()
    grande = dataclasses.replace(base.contratos[0], trabajadores=tuple(trabajadores))
    return dataclasses.replace(base, contratos=(grande, *base.contratos[1:])), trabajadores


def _firmar(inf, fiel: cf.Generated) -> bytes:
    llave = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD).private_key
    cadena = cadena_original(inf, FIRMA)
    return c.escribir_constancia(
        inf, cadena, sellar(cadena, llave), fiel.cer, [cf.sat_ca().certificate_der], FIRMA, llave
    )


def nombres_del_anexo(pdf: bytes) -> dict[str, str]:
    """NSS → the name the annex shows on its row ("" for none), read with pypdf."""
    vistos: dict[str, str] = {}
    for pagina in PdfReader(io.BytesIO(pdf)).pages:
        texto = pagina.extract_text(extraction_mode="layout")
        if "Anexo · Contrato" not in texto:
            continue
        for fila in _FILA.finditer(texto):
            assert fila[1] not in vistos, f"{fila[1]} dos veces en el anexo"
            vistos[fila[1]] = fila[2] or ""
    return vistos


def test_the_annex_shows_each_workers_name_on_its_row(fiel, confianza) -> None:
    inf, trabajadores = _con_nombres(400)  # more than one page of two columns
    pdf = _firmar(inf, fiel)
    verificacion = c.verificar_constancia(pdf, confianza)
    assert verificacion.ok and verificacion.salida == c.SALIDA_VALIDA, verificacion.motivo
    vistos = nombres_del_anexo(pdf)
    # Whole, the one too wide for the column narrowed to fit (never cut: the annex is where
    # the names are kept).
    esperados = {t.nss: campo(t.nombre) for t in trabajadores}
    for t in inf.contratos[1].trabajadores:
        esperados[t.nss] = t.nombre
    assert vistos == esperados and LARGO in vistos.values()
    # Spaces as the cadena writes them, every script as written, an empty cell for no name.
    assert {"", "MUÑOZ PEÑA JOSÉ", "LI WEI", "O'Brien Ávila Ana", "Łódź Nguyễn"} < {
        *vistos.values()
    }
    # What is signed carries them there only, read back whole, in the cadena's order.
    datos = falsa.datos(pdf)
    assert datos["version"] == c.VERSION == 4 and "nombres" not in datos
    assert verificacion.constancia is not None and verificacion.constancia.sellada.nombres
    assert LARGO in {n for nombres in verificacion.constancia.sellada.nombres for n in nombres}


def test_a_constancia_made_before_the_names_still_verifies_as_it_did() -> None:
    """tests/data/constancia_v2.pdf: written by the app at version 2 (no names; the annex in
    three columns), signed 20/11/2026 10:00 (UTC-06:00) by an e.firma valid 2026 to 2030 of
    the authority constancia_v2_ac.der."""
    pdf = (DATOS / "constancia_v2.pdf").read_bytes()
    ac = (DATOS / "constancia_v2_ac.der").read_bytes()
    confianza = TrustStore([read_emisor(ac, incluido=False, archivo="")])
    assert falsa.datos(pdf)["version"] == 2 and "nombres" not in falsa.datos(pdf)
    verificacion = c.verificar_constancia(pdf, confianza, ahora=datetime(2026, 11, 21, tzinfo=UTC))
    assert verificacion.ok and verificacion.salida == c.SALIDA_VALIDA, verificacion.motivo
    assert verificacion.resumen().startswith("La constancia de firma es válida: EDE0101018A2, ")
    assert verificacion.constancia is not None and verificacion.constancia.sellada.nombres is None
    texto = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nombre" not in texto.replace("Nombre, denominación", "") and "12345678903" in texto
    # Its pages are the ones drawn without names: with them they are not.
    alterada = dataclasses.replace(
        verificacion.constancia.sellada,
        nombres=tuple([""] * (len(t) // 3) for t in verificacion.constancia.sellada.trabajadores),
    )
    from icsoe_desktop.services.informativa.constancia_pdf import dibujar

    leida = verificacion.constancia
    sin = dibujar(leida.sellada, leida.cadena, leida.sello, leida.info.no_certificado,
                  leida.info.nombre)  # fmt: skip
    con = dibujar(alterada, leida.cadena, leida.sello, leida.info.no_certificado,
                  leida.info.nombre)  # fmt: skip
    assert sin == falsa.paginas(pdf) != con


def _nombre_cambiado(pdf: bytes, antes: bytes, despues: bytes) -> bytes:
    """``pdf`` with a name on an annex page written otherwise, as an update after the signature."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for referencia in escritor.root["/Pages"]["/Kids"]:
        pagina = referencia.get_object()
        contenido = pagina["/Contents"].get_object().data
        if antes in contenido:
            nuevo = generic.StreamObject(stream_data=contenido.replace(antes, despues, 1))
            pagina["/Contents"] = escritor.add_object(nuevo)
            escritor.update_container(pagina)
            salida = io.BytesIO()
            escritor.write(salida)
            return salida.getvalue()
    raise AssertionError("el nombre no está en el anexo")


def test_a_name_edited_after_signing_is_refused(fiel, confianza) -> None:
    inf, _ = _con_nombres(30)
    pdf = _firmar(inf, fiel)
    assert nombres_del_anexo(pdf)["10000000001"] == "LI WEI"
    editada = _nombre_cambiado(pdf, b"(LI WEI)", b"(LU WEI)")
    assert nombres_del_anexo(editada)["10000000001"] == "LU WEI"
    verificacion = c.verificar_constancia(editada, confianza)
    assert not verificacion.ok
    assert any(
        m.startswith("Se cambió el documento después de firmarlo") for m in verificacion.motivo
    )

    # Signed again by the same e.firma: pages showing another name than the data signed with
    # them (their SHA-256), or the data's SHA-256 made for another name under the genuine pages.
    genuina, paginas = falsa.datos(pdf), falsa.paginas(pdf)
    otras = _nombre_cambiado(paginas, b"(LI WEI)", b"(LU WEI)")
    cadena, nombres = falsa.anexo(paginas, genuina)
    nombres[nombres.index("LI WEI")] = "LU WEI"
    otra_suma = {**genuina, "sha256": c.huella_del_anexo(cadena, [nombres])}
    for paginas_, datos in ((otras, genuina), (paginas, otra_suma)):
        firmada = falsa.firmar(paginas_, fiel, [cf.sat_ca().certificate_der], datos)
        verificacion = c.verificar_constancia(firmada, confianza)
        assert not verificacion.ok and c.PAGINAS_DISTINTAS in verificacion.motivo


@pytest.mark.parametrize(
    "nombres",
    [
        None,  # version 3 without them
        [],  # a contract's list missing
        [["ANA"]],
        [["ANA LÓPEZ", "ALBERTO GARCÍA"], ["CARLA PÉREZ", "OTRA"]],  # one more than the cadena
        [["ANA LÓPEZ", 7], ["CARLA PÉREZ"]],  # not text
        [["ANA\x1b[31m LÓPEZ", "ALBERTO GARCÍA"], ["CARLA PÉREZ"]],  # a control character
        [["ANA \u202eZEPOL", "ALBERTO GARCÍA"], ["CARLA PÉREZ"]],  # a bidi override
        [["ANA  LÓPEZ", "ALBERTO GARCÍA"], ["CARLA PÉREZ"]],  # not as the cadena writes text
    ],
)
def test_names_that_do_not_fit_the_cadena_are_a_damaged_constancia(fiel, confianza, nombres):
    """In a version 3 attachment (the cadena and the names beside it)."""
    pdf = _firmar(informativa(), fiel)
    version_4 = falsa.datos(pdf)
    cadena, suyos = falsa.anexo(falsa.paginas(pdf), version_4)
    assert suyos == ["ANA LÓPEZ", "ALBERTO GARCÍA", "CARLA PÉREZ"]
    genuina = {k: version_4[k] for k in ("formato", "sello", "certificado")}
    genuina |= {"version": 3, "cadena": cadena, "nombres": [suyos[:2], suyos[2:]]}
    datos = {**genuina, "nombres": nombres}
    if nombres is None:
        del datos["nombres"]
    firmada = falsa.firmar(falsa.paginas(pdf), fiel, [cf.sat_ca().certificate_der], datos)
    assert c.verificar_constancia(firmada, confianza).motivo == (c.DANADO,)
    # Names added to a version 2 constancia are no part of it either.
    anterior = {**genuina, "version": 2}
    firmada = falsa.firmar(falsa.paginas(pdf), fiel, [cf.sat_ca().certificate_der], anterior)
    assert c.verificar_constancia(firmada, confianza).motivo == (c.DANADO,)
