"""The workers once in the constancia de firma: from version 4 its attachment keeps the cadena
original without the workers' fields, the characters of their names and the SHA-256 of the
cadena and the names, and verifying reads the workers (fields and names) from the annex's pages
(their rows as the app draws them), so the pages a reader sees are the data the sello seals. Edited, missing, added or moved rows and pages, or another constancia's
attachment, are refused; the versions before still verify as they did."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Trabajador
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa.constancia_pdf import dibujar
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.services.test_constancia_nombres import _con_nombres, _firmar

DATOS = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def fiel() -> cf.Generated:
    return cf.fiel_moral()


@pytest.fixture(scope="module")
def confianza() -> TrustStore:
    return TrustStore([read_emisor(cf.sat_ca().certificate_der, incluido=False, archivo="")])


@pytest.fixture(scope="module")
def genuina(fiel) -> bytes:
    inf, _ = _con_nombres(400)  # three annex pages for the big contract
    return _firmar(inf, fiel)


def _refusal(pdf: bytes, confianza: TrustStore) -> tuple[str, ...]:
    verificacion = c.verificar_constancia(pdf, confianza)
    assert not verificacion.ok
    return verificacion.motivo


def test_the_attachment_holds_no_worker_and_the_pages_are_read_back(genuina, confianza):
    verificacion = c.verificar_constancia(genuina, confianza)
    assert verificacion.ok, verificacion.motivo
    datos = falsa.datos(genuina)
    assert datos["version"] == c.VERSION == 4 and not {"cadena", "nombres"} & set(datos)
    leida = verificacion.constancia
    assert leida is not None and leida.sellada.nombres is not None
    cadena = leida.cadena
    suma = hashlib.sha256(cadena.encode())
    for nombres in leida.sellada.nombres:
        suma.update("".join(f"\n{n}" for n in nombres).encode())
    assert datos["sha256"] == suma.hexdigest()
    # Not one worker's NSS, CURP or name in what is attached: they are in the annex only.
    adjunto = json.dumps(datos, ensure_ascii=False)
    campos = [v for lista in leida.sellada.trabajadores for v in lista]
    assert len(campos) == 3 * 402
    assert not any(v in adjunto for v in campos[0::3] + campos[1::3])
    assert not any(n in adjunto for lista in leida.sellada.nombres for n in lista if n)
    # What reads the names back: their characters beyond ASCII, once each, in order.
    todos = {ch for lista in leida.sellada.nombres for n in lista for ch in n if ch > "~"}
    assert datos["caracteres"] == "".join(sorted(todos)) and "Ñ" in todos and "ễ" in todos
    texto = "".join(p.extract_text() for p in PdfReader(io.BytesIO(genuina)).pages)
    assert all(v in texto for v in campos[0::3])
    assert "los de los trabajadores en el anexo" in " ".join(texto.split())
    assert "(completa en el adjunto y el anexo)" in " ".join(texto.split())


def _redibujada(genuina: bytes, cambiar) -> bytes:
    """The genuine constancia's pages drawn again by the app's own writer with its workers'
    fields changed by ``cambiar`` (each contract's list NSS, CURP, SBC, …)."""
    leida = c.leer_constancia(genuina)
    trabajadores = tuple(map(cambiar, leida.sellada.trabajadores))
    sellada = dataclasses.replace(leida.sellada, trabajadores=trabajadores)
    if sellada.nombres is not None:  # one name per row shown
        sellada = dataclasses.replace(
            sellada,
            nombres=tuple(
                (n + [""] * len(t))[: len(t) // 3]
                for n, t in zip(sellada.nombres, trabajadores, strict=True)
            ),
        )
    return dibujar(sellada, leida.cadena, leida.sello, leida.info.no_certificado,
                   leida.info.nombre, caracteres=leida.caracteres)  # fmt: skip


def _grande(cambiar):
    """``cambiar`` applied to the contract of 400 workers only."""
    return lambda campos: cambiar(campos) if len(campos) > 30 else campos


def _sbc_distinto(campos: list[str]) -> list[str]:
    return [*campos[:-1], "9999.99"]


@pytest.mark.parametrize(
    "cambiar",
    [
        _sbc_distinto,  # a row edited
        lambda campos: campos[:-3],  # a row removed
        lambda campos: [*campos, "99999999999", "ZZZZ990101HDFXXX09", "300.00"],  # a row added
        lambda campos: campos[3:6] + campos[:3] + campos[6:],  # two rows swapped
    ],
    ids=["editada", "quitada", "agregada", "en_otro_orden"],
)
def test_pages_showing_other_rows_signed_by_the_same_efirma_are_refused(
    genuina, fiel, confianza, cambiar
):
    """The contratista's own e.firma signs pages the app draws with the annex's rows changed,
    beside the genuine attachment: the rows are no longer the ones its SHA-256 names."""
    paginas = _redibujada(genuina, _grande(cambiar))
    firmada = falsa.firmar(paginas, fiel, [cf.sat_ca().certificate_der], falsa.datos(genuina))
    assert _refusal(firmada, confianza) == (c.PAGINAS_DISTINTAS,)


def test_rows_edited_with_the_sha256_to_match_break_the_sello(genuina, fiel, confianza):
    """The attachment's SHA-256 made the edited rows': the sealed cadena is still the one the
    sello (and the stored informativa) holds, so the rows must be its."""
    paginas = _redibujada(genuina, _grande(_sbc_distinto))
    datos = falsa.datos(genuina)
    cadena, nombres = falsa.anexo(paginas, datos)
    assert "|9999.99||" in cadena
    datos["sha256"] = c.huella_del_anexo(cadena, [nombres])
    firmada = falsa.firmar(paginas, fiel, [cf.sat_ca().certificate_der], datos)
    # (pyHanko's signing time is not the sealed one either)
    assert set(_refusal(firmada, confianza)) == {c.SELLO_INVALIDO, c.FECHA_DISTINTA}


def _reordenada(pdf: bytes, orden) -> bytes:
    """The genuine pages written again by pypdf with their pages in ``orden`` (indexes)."""
    lector = PdfReader(io.BytesIO(falsa.paginas(pdf)))
    escritor = PdfWriter()
    for i in orden(len(lector.pages)):
        escritor.add_page(lector.pages[i])
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


@pytest.mark.parametrize(
    "orden",
    [
        lambda n: [i for i in range(n) if i != n - 2],  # an annex page removed
        lambda n: [*range(n), n - 1],  # one duplicated
        lambda n: [*range(n - 2), n - 1, n - 2],  # two swapped
        lambda n: range(n),  # the same pages, written by another program
    ],
    ids=["quitada", "duplicada", "en_otro_orden", "reescrita"],
)
def test_annex_pages_removed_duplicated_or_moved_are_refused(genuina, fiel, confianza, orden):
    paginas = _reordenada(genuina, orden)
    firmada = falsa.firmar(paginas, fiel, [cf.sat_ca().certificate_der], falsa.datos(genuina))
    assert _refusal(firmada, confianza) == (c.PAGINAS_DISTINTAS,)


def test_another_constancias_attachment_is_refused(genuina, fiel, confianza):
    inf, _ = _con_nombres(401)
    otra = _firmar(inf, fiel)
    assert c.verificar_constancia(otra, confianza).ok
    for paginas, datos in ((falsa.paginas(genuina), falsa.datos(otra)),
                           (falsa.paginas(otra), falsa.datos(genuina))):  # fmt: skip
        firmada = falsa.firmar(paginas, fiel, [cf.sat_ca().certificate_der], datos)
        assert _refusal(firmada, confianza) == (c.PAGINAS_DISTINTAS,)


def test_a_row_edited_after_signing_is_refused(genuina, confianza):
    from tests.services.test_constancia_nombres import _nombre_cambiado

    leida = c.leer_constancia(genuina)
    _nss, curp, sbc = leida.sellada.trabajadores[0][:3]
    editada = _nombre_cambiado(
        genuina, f"{curp} {sbc:>9})".encode(), f"{curp} {'9.99':>9})".encode()
    )
    motivo = _refusal(editada, confianza)
    assert motivo == (c.CAMBIO_ILEGAL.format(que="se reemplazó el contenido de la página 3"),)


@pytest.mark.parametrize(
    "cambio",
    [
        {"cadena": "||ICSOE-INF||"},  # the workers twice
        {"sha256": "no es una huella"},
        {"sin_filas": None},
        {"sin_filas": "||ICSOE-INF|2||"},
        {"version": 3},  # said to be of the version before, without its cadena
        {"nombres": [["ANA"]]},  # the names twice
        {"caracteres": "ÑÁ"},  # not in order
        {"caracteres": "ÁA"},  # ASCII, whose codes are its own
        {"caracteres": None},
    ],
)
def test_a_version_4_attachment_out_of_its_shape_is_damaged(genuina, fiel, confianza, cambio):
    datos = {**falsa.datos(genuina), **cambio}
    firmada = falsa.firmar(falsa.paginas(genuina), fiel, [cf.sat_ca().certificate_der], datos)
    assert _refusal(firmada, confianza) == (c.DANADO,)


@pytest.mark.parametrize(
    ("cambio", "motivo"),
    [
        ({"version": 5}, c.VERSION_NUEVA),  # a later app's: the clerk is told to update
        ({"version": 1}, c.DANADO),
        ({"version": "4"}, c.DANADO),
        ({"formato": "OTRO-FORMATO"}, c.DANADO),
    ],
)
def test_an_attachment_of_another_version_or_format_says_which(
    genuina, fiel, confianza, cambio, motivo
):
    """A constancia a later version of the app wrote asks for the update, when verified and
    when a restore reads it; one of a version or format no version wrote is damaged."""
    datos = {**falsa.datos(genuina), **cambio}
    firmada = falsa.firmar(falsa.paginas(genuina), fiel, [cf.sat_ca().certificate_der], datos)
    assert _refusal(firmada, confianza) == (motivo,)
    with pytest.raises(ValidationError) as error:
        c.leer_constancia(firmada)
    assert error.value.message == motivo


def test_a_contract_without_workers_beside_others_reads_back(fiel, confianza):
    """A contract with no worker has no annex page: the rows read are the next contract's."""
    inf, _ = _con_nombres(250)
    vacio = dataclasses.replace(inf.contratos[1], trabajadores=())
    pdf = _firmar(dataclasses.replace(inf, contratos=(vacio, inf.contratos[0])), fiel)
    verificacion = c.verificar_constancia(pdf, confianza)
    assert verificacion.ok and falsa.datos(pdf)["version"] == 4, verificacion.motivo
    assert verificacion.constancia is not None
    assert sorted(len(t) // 3 for t in verificacion.constancia.sellada.trabajadores) == [0, 250]


@pytest.mark.parametrize(
    "raro",
    [
        Trabajador("1234 567890", "CURP(RARA)", 50_000, "ANA"),  # a space, parentheses
        Trabajador("12345678903", "LOMA900515MDFPRN01", 50_000, "ANA " * 60),  # too long
        Trabajador("12345678903", "LOMA900515MDFPRN01", 50_000, "李小龍"),  # not in the font
    ],
    ids=["campos", "nombre_largo", "sin_letra"],
)
def test_workers_the_annex_cannot_give_back_are_kept_in_the_attachment(fiel, confianza, raro):
    """Fields the annex cannot show so that they read back one way only, a name too long to
    show whole or in characters the font lacks: the constancia is written as version 3 (the
    cadena and the names whole in the attachment), and verifies."""
    inf, _ = _con_nombres(5)
    contrato = dataclasses.replace(inf.contratos[1], trabajadores=(raro,))
    pdf = _firmar(dataclasses.replace(inf, contratos=(inf.contratos[0], contrato)), fiel)
    datos = falsa.datos(pdf)
    assert datos["version"] == 3 and f"|{raro.nss}|{raro.curp}|500.00|" in datos["cadena"]
    assert [raro.nombre.strip()] in datos["nombres"]
    verificacion = c.verificar_constancia(pdf, confianza)
    assert verificacion.ok, verificacion.motivo


@pytest.mark.parametrize("version", [2, 3])
def test_constancias_made_before_still_verify_as_they_did(version):
    """tests/data/constancia_v2.pdf and constancia_v3.pdf: written by the app at those versions
    (2: no names, three columns; 3: the names, the cadena whole in the attachment), signed on
    20/11/2026 by an e.firma valid 2026 to 2030 of the authority in constancia_vN_ac.der."""
    pdf = (DATOS / f"constancia_v{version}.pdf").read_bytes()
    ac = (DATOS / f"constancia_v{version}_ac.der").read_bytes()
    confianza = TrustStore([read_emisor(ac, incluido=False, archivo="")])
    datos = falsa.datos(pdf)
    assert datos["version"] == version and "cadena" in datos and "sin_filas" not in datos
    verificacion = c.verificar_constancia(pdf, confianza, ahora=datetime(2026, 11, 21, tzinfo=UTC))
    assert verificacion.ok and verificacion.salida == c.SALIDA_VALIDA, verificacion.motivo
    leida = verificacion.constancia
    assert leida is not None and leida.cadena == datos["cadena"]
    assert (leida.sellada.nombres is not None) == (version == 3)
    # Their attachment said to be of version 4 (the workers then read from the pages): damaged.
    forjada = falsa.firmar(falsa.paginas(pdf), cf.fiel_moral(), [ac], {**datos, "version": 4})
    assert c.verificar_constancia(forjada, confianza).motivo == (c.DANADO,)


def test_a_version_4_constancia_made_before_still_verifies():
    """tests/data/constancia_v4.pdf: written by the app at version 4 (the workers in the annex
    only: names with accents, other scripts, characters PDF escapes, names narrowed to fit,
    workers without a name, two contracts), signed on 28/11/2026 by an e.firma of the
    authority in constancia_v4_ac.der. How the annex is drawn and read may get faster; the
    pages it drew then are still the ones the sealed data draw, byte for byte."""
    pdf = (DATOS / "constancia_v4.pdf").read_bytes()
    ac = (DATOS / "constancia_v4_ac.der").read_bytes()
    confianza = TrustStore([read_emisor(ac, incluido=False, archivo="")])
    datos = falsa.datos(pdf)
    assert datos["version"] == 4 and "sin_filas" in datos and "cadena" not in datos
    ahora = datetime(2026, 11, 29, tzinfo=UTC)
    verificacion = c.verificar_constancia(pdf, confianza, ahora=ahora)
    assert verificacion.ok and verificacion.salida == c.SALIDA_VALIDA, verificacion.motivo
    leida = verificacion.constancia
    assert leida is not None and leida.sellada.nombres is not None
    nombres = [n for lista in leida.sellada.nombres for n in lista]
    assert len(nombres) == 450 and "MUÑOZ (PEÑA) JOSÉ \\ Ñ" in nombres and "" in nombres
    assert "Łódź Nguyễn" in nombres and "JUAN PÉREZ 29" in nombres
    assert leida.cadena == falsa.cadena(pdf)


def _contenido_cambiado(paginas: bytes, cambiar) -> bytes:
    """``paginas`` with the first annex page's content inflated, changed by ``cambiar`` and
    compressed again (its /Length with it)."""
    import re
    import zlib

    for m in re.finditer(rb"/Length ([0-9]+)\n>>\nstream\n", paginas):
        inicio, largo = m.end(), int(m.group(1))
        contenido = zlib.decompress(paginas[inicio : inicio + largo])
        if b"(Nombre) Tj T*" not in contenido:
            continue
        nuevo = zlib.compress(cambiar(contenido))
        return (
            paginas[: m.start()]
            + b"/Length %d\n>>\nstream\n" % len(nuevo)
            + nuevo
            + paginas[inicio + largo :]
        )
    raise AssertionError("sin anexo")


@pytest.mark.parametrize(
    "cambiar",
    [
        # Text slipped between two rows, or between two names, that no row or name reads as.
        lambda t: t.replace(b") Tj T* (    2 ", b") Tj T* (oculto) Tj T* (    2 ", 1),
        lambda t: t.replace(b") Tj T* (", b") Tj T* [(oculto)] TJ (", 1) if b"TJ" not in t else t,
        # A name more than the rows, and a row without its name.
        lambda t: t.replace(b"(Nombre) Tj T*", b"(Nombre) Tj T* (MARIA) Tj T*", 1),
        lambda t: t.replace(b"(Nombre) Tj T* (", b"(Nombre) Tj T* X(", 1),
        # A name's parentheses the wrong way round, or one closed by an escaped parenthesis.
        lambda t: t.replace(b"(Nombre) Tj T* (", b"(Nombre) Tj T* )", 1),
        lambda t: t.replace(b"(Nombre) Tj T* (", b"(Nombre) Tj T* (X\\) Tj T* (", 1),
    ],
    ids=[
        "entre_renglones",
        "operador_ajeno",
        "nombre_de_mas",
        "nombre_ilegible",
        "parentesis_al_reves",
        "parentesis_escapado",
    ],
)
def test_annex_text_that_is_no_row_or_name_is_not_read(genuina, cambiar):
    from icsoe_desktop.services.informativa.constancia_pdf import leer_anexo

    leida = c.leer_constancia(genuina)
    paginas = dibujar(leida.sellada, leida.cadena, leida.sello, leida.info.no_certificado,
                      leida.info.nombre, caracteres=leida.caracteres)  # fmt: skip
    filas, nombres, _ = leer_anexo(paginas, leida.caracteres)
    assert filas == [v for lista in leida.sellada.trabajadores for v in lista]
    assert nombres == [n for lista in leida.sellada.nombres for n in lista]
    cambiadas = _contenido_cambiado(paginas, cambiar)
    assert cambiadas != paginas
    with pytest.raises(ValueError):
        leer_anexo(cambiadas, leida.caracteres)
