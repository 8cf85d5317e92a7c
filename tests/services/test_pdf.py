"""The small PDF writer: Spanish text in WinAnsi, escaped strings, real wrapping with Helvetica's
widths, pages, attachments and a cross-reference table any reader accepts."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from icsoe_desktop.services.informativa.pdf import ALTO, ANCHO, MARGEN, Documento, ancho, winansi
from tests.pdf_texto import lineas, trozos

UTIL = ANCHO - 2 * MARGEN


def _revisar(pdf: bytes, tmp_path: Path) -> None:
    """The xref table points at every object; qpdf agrees when it is installed."""
    inicio = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    entradas = re.findall(rb"(\d{10}) 00000 n \n", pdf[inicio:])
    assert entradas
    for numero, posicion in enumerate(entradas, start=1):
        assert pdf[int(posicion) :].startswith(b"%d 0 obj\n" % numero)
    if shutil.which("qpdf"):
        archivo = tmp_path / "documento.pdf"
        archivo.write_bytes(pdf)
        revision = subprocess.run(["qpdf", "--check", str(archivo)], capture_output=True, text=True)
        assert revision.returncode == 0, revision.stdout + revision.stderr
        assert "No syntax or stream encoding errors" in revision.stdout


def test_spanish_text_is_written_in_windows_1252(tmp_path) -> None:
    doc = Documento("Señal")
    doc.parrafo("Año, niño, acción, «comillas» y enero–abril: ¿sí?")
    pdf = doc.pdf()
    assert "Año, niño, acción, «comillas» y enero–abril: ¿sí?".encode("cp1252") in pdf
    assert lineas(pdf) == ["Año, niño, acción, «comillas» y enero–abril: ¿sí?", "Página 1 de 1"]
    _revisar(pdf, tmp_path)


def test_parentheses_and_backslashes_are_escaped(tmp_path) -> None:
    doc = Documento("Escapes")
    doc.parrafo(r"Folio (A) \ y ((B)) con \) suelto")
    pdf = doc.pdf()
    assert rb"(Folio \(A\) \\ y \(\(B\)\) con \\\) suelto)" in pdf
    assert lineas(pdf)[0] == r"Folio (A) \ y ((B)) con \) suelto"
    _revisar(pdf, tmp_path)


def test_what_windows_1252_cannot_hold_becomes_a_question_mark_and_controls_spaces() -> None:
    assert winansi("Łódź 株\u200b") == b"?\xf3d? ? "
    assert winansi("a\x00b\tc\nd") == b"a b c d"
    assert winansi("n\u0303") == b"\xf1"  # a decomposed ñ is one glyph


def test_widths_are_helveticas() -> None:
    assert ancho("i", "F1", 1000) == 222 and ancho("W", "F1", 1000) == 944
    assert ancho("ñ", "F1", 1000) == 556 and ancho("Ñ", "F2", 1000) == 722
    assert ancho("ñ", "F2", 1000) == 611 and ancho("—", "F1", 1000) == 1000
    assert ancho("iii", "F3", 10) == ancho("WWW", "F3", 10) == 18  # Courier: 600 each


def _dentro(pdf: bytes) -> list[str]:
    """The lines above the footer, each checked to lie within the margins."""
    piezas = [t for t in trozos(pdf) if t.y > 30]
    for t in piezas:
        assert t.x >= MARGEN and t.x + ancho(t.texto, t.fuente, t.tamano) <= ANCHO - MARGEN + 0.01
    return [t.texto for t in piezas]


def test_paragraphs_wrap_at_words_within_the_margins(tmp_path) -> None:
    texto = " ".join(["Servicio especializado de jardinería"] * 30)
    doc = Documento("Ajuste")
    doc.parrafo(texto)
    renglones = _dentro(doc.pdf())
    assert len(renglones) > 3 and " ".join(renglones) == texto
    # Lines are full: each would overflow with the next word.
    for renglon, siguiente in itertools.pairwise(renglones):
        assert ancho(f"{renglon} {siguiente.split()[0]}", "F1", 10) > UTIL
    _revisar(doc.pdf(), tmp_path)


def test_a_field_wraps_after_its_bold_label() -> None:
    texto = " ".join(["Mantenimiento de áreas verdes"] * 20)
    doc = Documento("Campo")
    doc.campo("Objeto del contrato", texto)
    piezas = [t for t in trozos(doc.pdf()) if t.y > 30]
    assert (piezas[0].fuente, piezas[0].texto) == ("F2", "Objeto del contrato: ")
    assert piezas[1].y == piezas[0].y and piezas[1].x > piezas[0].x  # the value follows it
    assert " ".join(_dentro(doc.pdf())[1:]) == texto


def test_a_word_longer_than_a_line_is_cut_between_characters() -> None:
    doc = Documento("Palabra")
    doc.parrafo("Folio " + "X" * 400)
    renglones = _dentro(doc.pdf())
    assert len(renglones) > 2 and "".join(renglones) == "Folio" + "X" * 400


def test_blocks_are_cut_at_a_fixed_width_and_give_back_the_text() -> None:
    cadena = "||" + "|".join(f"campo {n} con ñ" for n in range(200)) + "||"
    doc = Documento("Bloque")
    doc.bloque(cadena)
    renglones = [t.texto for t in trozos(doc.pdf()) if t.fuente == "F3"]
    assert "".join(renglones) == cadena
    assert {len(r) for r in renglones[:-1]} == {int(UTIL // 4.5)}


def test_a_long_document_has_numbered_pages_and_headings_stay_with_their_text(tmp_path) -> None:
    doc = Documento("Largo")
    for n in range(60):
        doc.encabezado(f"Sección {n}")
        doc.campo("Dato", f"valor {n}")
    pdf = doc.pdf()
    piezas = trozos(pdf)
    paginas = max(t.pagina for t in piezas)
    assert paginas > 3 and pdf.count(b"/Type /Page ") == paginas
    assert b"/Count %d " % paginas in pdf
    assert [t.texto for t in piezas if t.y == 30] == [
        f"Página {n} de {paginas}" for n in range(1, paginas + 1)
    ]
    for i, t in enumerate(piezas):
        assert t.y == 30 or MARGEN <= t.y <= ALTO - MARGEN
        if t.texto.startswith("Sección"):
            assert piezas[i + 1].pagina == t.pagina  # never alone at the foot of a page
    _revisar(pdf, tmp_path)


def test_attachments_and_info_are_readable_by_other_tools(tmp_path) -> None:
    fecha = datetime(2026, 5, 14, 10, 32, 5, tzinfo=timezone(timedelta(hours=-6)))
    doc = Documento("Acuse de presentación", asunto="Periodo enero–abril", fecha=fecha)
    doc.parrafo("Con adjunto")
    doc.adjuntar("datos.json", b'{"a": 1}', "application/json", "Datos firmados")
    pdf = doc.pdf()
    assert b"/CreationDate (D:20260514103205-06'00')" in pdf
    assert doc.pdf() == pdf  # the same document, byte for byte
    _revisar(pdf, tmp_path)
    archivo = tmp_path / "documento.pdf"
    archivo.write_bytes(pdf)
    if shutil.which("qpdf"):
        adjunto = subprocess.run(
            ["qpdf", "--show-attachment=datos.json", str(archivo)], capture_output=True
        )
        assert adjunto.stdout == b'{"a": 1}'
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(archivo)], capture_output=True, text=True).stdout
        assert "Acuse de presentación" in info and "Periodo enero–abril" in info


def test_an_empty_document_is_still_one_valid_page(tmp_path) -> None:
    pdf = Documento("Vacío").pdf()
    assert lineas(pdf) == ["Página 1 de 1"]
    _revisar(pdf, tmp_path)
