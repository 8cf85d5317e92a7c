"""The constancia's pages and signature without a store: drawn the same from the same sealed
data, every name as written, every worker in the annex, the training mark on every page, and
the SAT's certificates read by pyHanko's ASN.1 layer."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import (
    CAPACITACION,
    Campos,
    cadena_original,
    leer_cadena,
    leer_campos,
    leer_sellada,
    nombres_trabajadores,
)
from icsoe_desktop.domain.informativa.modelo import Contrato, Trabajador
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa import constancia as c
from icsoe_desktop.services.informativa.constancia_pdf import MARCA, dibujar
from tests import constancia_falsa as falsa
from tests import credentials_factory as cf
from tests.icsoe_helpers import CURP_ANA
from tests.informativa_acuse_datos import CONTRATISTA, informativa

CDMX = timezone(timedelta(hours=-6))
# Within the factory's e.firma validity (issued 30 days before the run).
FIRMA = datetime.now(CDMX).replace(microsecond=0) - timedelta(days=1)


@pytest.fixture(scope="module")
def fiel() -> cf.Generated:
    return cf.fiel_moral()


@pytest.fixture(scope="module")
def confianza() -> TrustStore:
    return TrustStore([read_emisor(cf.sat_ca().certificate_der, incluido=False, archivo="")])


def _firmar(inf, fiel: cf.Generated, capacitacion: bool = False) -> bytes:
    llave = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD).private_key
    cadena = cadena_original(inf, FIRMA, capacitacion)
    return c.escribir_constancia(
        inf, cadena, sellar(cadena, llave), fiel.cer, [cf.sat_ca().certificate_der], FIRMA,
        llave, capacitacion,
    )  # fmt: skip


def _paginas(pdf: bytes, tmp_path: Path) -> list[str]:
    if shutil.which("pdftotext") is None:  # poppler-utils: .ci/run installs it on Linux
        pytest.skip("poppler-utils (pdftotext) no está instalado")
    archivo = tmp_path / "c.pdf"
    archivo.write_bytes(pdf)
    texto = subprocess.run(
        ["pdftotext", "-layout", str(archivo), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return texto.split("\f")[:-1]


def _con_nombres(nombres: list[str], capacitacion: bool = False) -> tuple[Campos, str]:
    """The sealed data and cadena of a contract with a worker of each of ``nombres``."""
    trabajadores = tuple(
        Trabajador(f"{10_000_000_000 + i:011d}", CURP_ANA, 50_000 + i, nombre)
        for i, nombre in enumerate(nombres)
    )
    base = informativa()
    inf = dataclasses.replace(
        base, contratos=(dataclasses.replace(base.contratos[0], trabajadores=trabajadores),)
    )
    cadena = cadena_original(inf, FIRMA, capacitacion)
    return dataclasses.replace(leer_campos(cadena), nombres=nombres_trabajadores(inf)), cadena


def test_the_cadena_seals_the_signing_time_with_its_zone_and_training() -> None:
    inf = informativa()
    cadena = cadena_original(inf, FIRMA, capacitacion=True)
    assert f"|{FIRMA.isoformat()}|{CAPACITACION}|" in cadena
    sellada = leer_sellada(cadena)
    assert sellada.firmada == FIRMA and sellada.firmada.utcoffset() == timedelta(hours=-6)
    assert sellada.capacitacion and leer_cadena(cadena) == leer_sellada(cadena).informativa
    assert not leer_sellada(cadena_original(inf, FIRMA)).capacitacion
    with pytest.raises(ValueError):
        cadena_original(inf, FIRMA.replace(tzinfo=None))
    # A date spelt otherwise (without its zone) is no cadena.
    sin_zona = cadena.replace(FIRMA.isoformat(), FIRMA.replace(tzinfo=None).isoformat())
    with pytest.raises(Exception, match="formato"):
        leer_sellada(sin_zona)


def test_the_same_sealed_data_draw_the_same_bytes(fiel) -> None:
    cadena = cadena_original(informativa(), FIRMA)
    sellada = leer_campos(cadena)
    primera = dibujar(sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA")
    assert dibujar(sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA") == primera
    otra = leer_campos(cadena_original(informativa(), FIRMA + timedelta(seconds=1)))
    assert dibujar(otra, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA") != primera


def test_the_annex_short_cut_draws_what_reportlab_draws(monkeypatch) -> None:
    """Printable ASCII (the annex's rows) skips reportlab's per-character split and per-line
    code; the PDF is the same bytes as with reportlab's own, names with accents and other
    scripts, a worker's value in another script and characters PDF escapes included."""
    from reportlab.pdfbase.ttfonts import TTFont

    from icsoe_desktop.services.informativa import constancia_pdf

    base = informativa()
    contratista = dataclasses.replace(CONTRATISTA, nombre="Łódź Nguyễn Ñandú | S.A. de C.V.")
    raros = (Trabajador("1(2)3\\4", CURP_ANA, 1), Trabajador("99999999999", "ÑANDÚ", -5))
    muchos = raros + tuple(
        Trabajador(f"{10_000_000_000 + i:011d}", CURP_ANA, 50_000 + i) for i in range(900)
    )
    inf = dataclasses.replace(
        base,
        contratista=contratista,
        contratos=(dataclasses.replace(base.contratos[0], trabajadores=muchos),),
    )
    cadena = cadena_original(inf, FIRMA)
    sellada = leer_campos(cadena)
    atajo = dibujar(sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA")
    # Every line through reportlab's own code.
    monkeypatch.setattr(constancia_pdf._Fuente, "propios", lambda fuente, doc: frozenset())
    monkeypatch.setattr(constancia_pdf._Fuente, "splitString", TTFont.splitString)
    assert dibujar(sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA") == atajo


def test_the_names_short_cut_draws_what_reportlab_draws(monkeypatch) -> None:
    """The annex's «Nombre» column is written a column at a time once its characters have
    their codes; the PDF is the same bytes as with reportlab's own line by line: names in
    other scripts (more characters than the font's first subset holds), characters PDF
    escapes, names too long for the column, the same name twice, workers without a name."""
    from reportlab.pdfbase.ttfonts import TTFont

    from icsoe_desktop.services.informativa import constancia_pdf

    otros = "".join(map(chr, range(0x0410, 0x0450))) + "".join(map(chr, range(0x0391, 0x03C9)))
    nombres = [otros[i : i + 12] for i in range(0, len(otros), 12)]  # in the first column only
    nombres += ["MUÑOZ (PEÑA) JOSÉ \\ Ñ", "", "HERNÁNDEZ GONZÁLEZ MARÍA DE LOS ÁNGELES Y MÁS"]
    nombres += ["MUÑOZ (PEÑA) JOSÉ", ""] * ((900 - len(nombres)) // 2)
    sellada, cadena = _con_nombres(nombres)
    atajo = dibujar(sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA")
    monkeypatch.setattr(
        constancia_pdf._Fuente, "escapados", lambda fuente, doc, escapar: ({}, frozenset())
    )
    monkeypatch.setattr(constancia_pdf._Fuente, "propios", lambda fuente, doc: frozenset())
    monkeypatch.setattr(constancia_pdf._Fuente, "splitString", TTFont.splitString)
    assert dibujar(sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA") == atajo


def test_whole_names_are_measured_as_reportlab_measures_them(monkeypatch) -> None:
    """In a constancia that keeps its workers in the annex, each name is narrowed by its width
    added up from its words'; the PDF is the same bytes as with each name measured by
    reportlab: names that fit and names narrowed, accents, characters PDF escapes, one-word
    and many-word names, workers without a name."""
    from icsoe_desktop.services.informativa import constancia_pdf

    palabras = ["JOSÉ", "MUÑOZ", "(PEÑA)", "Ñandú", "de", "LOS", "ÁNGELES", "W\\M", "Ülrich", "yi"]
    nombres = [
        " ".join(palabras[(i * 7 + j * 3) % len(palabras)] for j in range(1 + i % 9))
        for i in range(700)
    ] + ["", "X", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"]
    sellada, cadena = _con_nombres(nombres)
    caracteres = constancia_pdf.caracteres_del_anexo(sellada)
    assert caracteres is not None
    datos = (sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA", None, caracteres)
    sumados = dibujar(*datos)
    flujos = re.findall(
        rb"/FlateDecode \] /Length [0-9]+\n>>\nstream\n(.*?)endstream", sumados, re.S
    )
    assert any(b" Tz (" in zlib.decompress(flujo) for flujo in flujos)  # some narrowed
    monkeypatch.setattr(constancia_pdf._Palabras, "de", classmethod(lambda cls, fuente: None))
    assert dibujar(*datos) == sumados


def test_a_whole_name_with_a_character_without_its_code_is_not_drawn() -> None:
    """A name whose character was given no code before the annex is refused whole (the
    constancia then keeps its workers in the attachment), never written in wrong codes."""
    from icsoe_desktop.services.informativa import constancia_pdf

    nombres = ["MUÑOZ PEÑA JOSÉ", "ЖУКОВ ИВАН", "GARCIA (LOPEZ)"] * 40
    sellada, cadena = _con_nombres(nombres)
    caracteres = constancia_pdf.caracteres_del_anexo(sellada)
    assert caracteres is not None and "Ж" in caracteres
    datos = (sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA", None)
    assert dibujar(*datos, caracteres)
    with pytest.raises(constancia_pdf.NoCabe):
        dibujar(*datos, caracteres.replace("Ж", ""))


@pytest.mark.parametrize("capacitacion", [False, True], ids=["real", "capacitacion"])
def test_page_dictionaries_are_the_bytes_reportlab_writes(monkeypatch, capacitacion) -> None:
    """The annex's pages alike have their dictionaries written once and numbered after: the
    PDF is the same bytes as with reportlab formatting every page (a training constancia's
    pages, which place the mark, too)."""
    from reportlab.pdfbase.pdfdoc import PDFPage

    from icsoe_desktop.services.informativa import constancia_pdf

    sellada, cadena = _con_nombres([f"NOMBRE {i}" for i in range(2_000)], capacitacion)
    caracteres = constancia_pdf.caracteres_del_anexo(sellada)
    datos = (sellada, cadena, "c2VsbG8=", "00001000000712345678", "EMPRESA", None, caracteres)
    una_vez = dibujar(*datos)
    assert una_vez.count(b"/Type /Page\n") > 10
    monkeypatch.setattr(constancia_pdf._Pagina, "format", PDFPage.format)
    assert dibujar(*datos) == una_vez


def test_the_lines_short_cut_draws_what_reportlab_draws(monkeypatch) -> None:
    """The footers and headings (every page of the annex has three) are written without a
    reportlab text object when their characters are in one subset of the font; the PDF is the
    same bytes as with ``drawString`` and ``drawRightString``: a contratista and a contratante
    named in other scripts (more characters than one subset holds), characters PDF escapes,
    in training and not."""
    from icsoe_desktop.services.informativa import constancia_pdf

    otros = "".join(map(chr, range(0x0410, 0x0450))) + "".join(map(chr, range(0x0391, 0x03C9)))
    base = informativa()
    contratista = dataclasses.replace(CONTRATISTA, nombre=f"Łódź (Ñandú) \\ {otros[:90]}")
    contratante = dataclasses.replace(base.contratos[0].contratante, nombre=otros[90:] + " (Ω)")
    muchos = tuple(
        Trabajador(f"{10_000_000_000 + i:011d}", CURP_ANA, 50_000 + i) for i in range(900)
    )
    contrato = dataclasses.replace(base.contratos[0], contratante=contratante, trabajadores=muchos)
    inf = dataclasses.replace(base, contratista=contratista, contratos=(contrato,))

    def dibujos() -> list[bytes]:
        selladas = [leer_campos(cadena_original(inf, FIRMA, cap)) for cap in (False, True)]
        return [dibujar(s, "cadena", "c2VsbG8=", "0001", "EMPRESA") for s in selladas]

    atajo = dibujos()

    def con_reportlab(c, x, y, texto, derecha=0) -> None:
        (c.drawRightString if derecha else c.drawString)(x, y, texto)

    monkeypatch.setattr(constancia_pdf, "_escribir", con_reportlab)
    assert dibujos() == atajo


def test_names_are_drawn_as_written_and_every_worker_is_in_the_annex(
    fiel, confianza, tmp_path
) -> None:
    base = informativa()
    nombre = "Ωmega Łódź Nguyễn Ñandú, S.A. de C.V."
    contratista = dataclasses.replace(CONTRATISTA, nombre=nombre)
    muchos = tuple(
        Trabajador(f"{10_000_000_000 + i:011d}", CURP_ANA, 50_000 + i) for i in range(700)
    )
    grande = dataclasses.replace(base.contratos[0], trabajadores=muchos)
    inf = dataclasses.replace(base, contratista=contratista, contratos=(grande,))
    assert isinstance(grande, Contrato)
    pdf = _firmar(inf, fiel)
    assert c.verificar_constancia(pdf, confianza).ok
    paginas = _paginas(pdf, tmp_path)
    assert nombre in paginas[0].replace("\n", " ")
    anexo = "".join(paginas[1:])
    assert len(paginas) >= 3 and "Anexo · Contrato 1 de 1" in anexo
    for t in muchos:
        assert f"{t.nss} {t.curp}" in anexo
    assert "10000000699" in anexo and "506.99" in anexo  # the last one, its SBC
    assert all(f"Página {n} de {len(paginas)}" in p for n, p in enumerate(paginas, start=1))


def test_pages_compressed_otherwise_still_verify_and_any_other_content_is_refused(
    fiel, confianza, monkeypatch
) -> None:
    """Verifying takes each page's compressed bytes from the signed file when they inflate to
    exactly what the sealed data draw: the same pages compressed by another zlib verify; a row
    changed, content added after, bytes after the compressed stream or a stream never ended,
    each signed with the contratista's own e.firma, are pages that disagree with the data."""
    from reportlab.pdfbase import pdfdoc

    base = informativa()
    muchos = tuple(Trabajador(f"{10_000_000_000 + i:011d}", CURP_ANA, 50_000) for i in range(700))
    inf = dataclasses.replace(
        base, contratos=(dataclasses.replace(base.contratos[0], trabajadores=muchos),)
    )
    genuina = _firmar(inf, fiel)
    assert c.verificar_constancia(genuina, confianza).ok
    propio = pdfdoc.PDFStreamFilterZCompress.encode

    def firmada_con(comprimir) -> bytes:
        """The constancia with every page showing rows compressed by ``comprimir``."""

        def encode(filtro, text):
            datos = text.encode("utf8") if isinstance(text, str) else text
            return comprimir(datos) if b") Tj T*" in datos else propio(filtro, datos)

        with monkeypatch.context() as m:
            m.setattr(pdfdoc.PDFStreamFilterZCompress, "encode", encode)
            return _firmar(inf, fiel)

    otra = firmada_con(lambda datos: zlib.compress(datos, 1))
    assert falsa.paginas(otra) != falsa.paginas(genuina)
    assert c.verificar_constancia(otra, confianza).ok

    def suma(datos: bytes) -> bytes:  # how a whole zlib stream of ``datos`` ends
        return zlib.adler32(datos).to_bytes(4, "big")

    def sin_fin(datos: bytes) -> bytes:
        flujo = zlib.compressobj()
        return flujo.compress(datos) + flujo.flush(zlib.Z_SYNC_FLUSH) + suma(datos)

    for comprimir in (
        lambda datos: zlib.compress(datos.replace(b"10000000123", b"10000000124")),
        lambda datos: zlib.compress(datos + b" BT /F1 9 Tf 100 100 Td (Falso) Tj ET"),
        lambda datos: zlib.compress(datos) + b"\n% oculto " + suma(datos),
        sin_fin,
    ):
        resultado = c.verificar_constancia(firmada_con(comprimir), confianza)
        assert resultado.motivo == (c.PAGINAS_DISTINTAS,)


def test_a_training_constancia_says_so_on_every_page_and_is_valid_only_in_training(
    fiel, confianza, tmp_path
) -> None:
    base = informativa()
    muchos = tuple(Trabajador(f"{20_000_000_000 + i:011d}", CURP_ANA, 40_000) for i in range(400))
    inf = dataclasses.replace(
        base, contratos=(dataclasses.replace(base.contratos[0], trabajadores=muchos),)
    )
    pdf = _firmar(inf, fiel, capacitacion=True)
    paginas = _paginas(pdf, tmp_path)
    assert len(paginas) >= 2
    for pagina in paginas:
        assert MARCA in pagina
    fuera = c.verificar_constancia(pdf, confianza, en_capacitacion=False)
    assert not fuera.ok and fuera.motivo == (c.PRACTICA,)
    dentro = c.verificar_constancia(pdf, confianza, en_capacitacion=True)
    assert dentro.ok and dentro.resumen().startswith(f"{MARCA}. La constancia de firma es válida")
    # The same informativa signed for real has no mark.
    assert all(MARCA not in p for p in _paginas(_firmar(inf, fiel), tmp_path))


def test_pyhanko_reads_the_sats_unique_identifier_only_with_the_patch(fiel) -> None:
    """asn1crypto 1.5.1 wants x500UniqueIdentifier as a BIT STRING; the SAT writes a
    PrintableString («RFC / RFC-rep»). services/pades/preparar.py patches it."""
    import asn1crypto.x509 as asn1_x509

    import icsoe_desktop.services.pades  # noqa: F401

    sujeto = asn1_x509.Certificate.load(fiel.cer).subject.native
    assert sujeto["unique_identifier"] == f"{cf.RFC_MORAL} / {cf.RFC_FISICA}"
    parche = asn1_x509.NameTypeAndValue._oid_specs["unique_identifier"]
    try:
        asn1_x509.NameTypeAndValue._oid_specs["unique_identifier"] = asn1_x509.OctetBitString
        with pytest.raises(Exception, match="tag"):
            _ = asn1_x509.Certificate.load(fiel.cer).subject.native
    finally:
        asn1_x509.NameTypeAndValue._oid_specs["unique_identifier"] = parche
