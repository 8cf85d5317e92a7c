"""The acuse of a signed informativa, with a real e.firma: what it shows, that it verifies with
the signer's .cer, and that no byte of it, nor of the informativa behind it, can change unseen."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
import subprocess
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from icsoe_desktop.domain.credentials import CredentialError, load_certificate, load_sat_pair
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import cadena_original, leer_cadena
from icsoe_desktop.domain.informativa.modelo import (
    CORRECCION,
    SIN_INFORMACION,
    Parte,
    Trabajador,
)
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.services.informativa import pdf as pdf_writer
from icsoe_desktop.services.informativa.acuse import (
    CAMBIO,
    DANADO,
    MODIFICADO,
    NO_ES_ACUSE,
    OTRO_CERTIFICADO,
    SELLO_INVALIDO,
    TITULO,
    _pdf,
    escribir_acuse,
    leer_acuse,
    verificar_acuse,
)
from tests import credentials_factory as cf
from tests.icsoe_helpers import CURP_ANA, pdf_bytes
from tests.informativa_acuse_datos import CAMBIOS, UUID_A, UUID_INFORMATIVA, informativa
from tests.pdf_texto import lineas, monoespaciado, trozos

CDMX = timezone(timedelta(hours=-6))
FIRMA = datetime(2026, 5, 14, 10, 32, 5, tzinfo=CDMX)


@pytest.fixture(scope="module")
def fiel() -> cf.Generated:
    return cf.fiel_moral()


@pytest.fixture(scope="module")
def credencial(fiel: cf.Generated):
    return load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD)


def firmar(inf, credencial, fiel: cf.Generated, fecha: datetime = FIRMA) -> bytes:
    """What signing does: the cadena, its sello with the e.firma, the acuse."""
    cadena = cadena_original(inf)
    return escribir_acuse(inf, cadena, sellar(cadena, credencial.private_key), fiel.cer, fecha)


@pytest.fixture(scope="module")
def acuse(credencial, fiel) -> bytes:
    return firmar(informativa(), credencial, fiel)


def test_a_signed_acuse_verifies_with_the_signers_certificate(acuse, fiel) -> None:
    cadena = cadena_original(informativa())
    resultado = verificar_acuse(acuse, fiel.cer, cadena)
    assert (resultado.ok, resultado.motivo) == (True, ())
    leido = leer_acuse(acuse)
    assert leido.cadena == cadena
    assert leido.certificado_der == fiel.cer
    assert (leido.no_certificado, leido.rfc) == (cf.NO_CERTIFICADO, cf.RFC_MORAL)
    assert (leido.periodo_clave, leido.tipo, leido.fecha_firma) == ("2026-1", "normal", FIRMA)
    assert cadena_original(leido.informativa) == cadena
    # The .cer as a user may pick it (PEM) is the same certificate.
    assert verificar_acuse(acuse, cf.pem_certificate(fiel.cer)).ok


def test_the_acuse_shows_what_was_signed(acuse, credencial) -> None:
    texto = lineas(acuse)
    assert " ".join(texto[:2]) == TITULO
    for esperada in [
        "RFC: EDE0101018A2",
        "Nombre, denominación o razón social: EMPRESA DEMO SA DE CV",
        "Periodo: enero–abril 2026",
        "Tipo: Normal",
        f"Identificador: {UUID_INFORMATIVA}",
        "Fecha y hora de firma: 14/05/2026 10:32:05 (UTC-06:00)",
        "Contratos (2)",
        "Contrato 1 de 2",
        "RFC del contratante: SCO050505QR2",
        "Nombre del contratante: Señora Peña y Compañía (Ñandú), S.A. de C.V.",
        "Folio REPSE: STPS/REPSE/2024/12345",
        "Servicio u obra autorizado: Servicios de jardinería especializados",
        "Fecha inicial: 01/02/2026",
        "Fecha final: 31/12/2026",
        "Número de trabajadores: 2",
        "Contrato 2 de 2",
        "Nombre del contratante: CONSTRUCTORA DEL NORTE, S.A. DE C.V.",
        "Fecha final: —",
        "Número de trabajadores: 1",
        "Total de trabajadores: 3",
        f"Número de certificado: {cf.NO_CERTIFICADO}",
        f"Titular del certificado: {cf.NOMBRE_MORAL}",
        "Cadena original",
        "Sello digital",
        "Página 1 de 2",
        "Página 2 de 2",
    ]:
        assert esperada in texto
    # The contracts in the cadena's order (by uuid), and the blocks give back the signed text.
    assert texto.index("RFC del contratante: SCO050505QR2") < texto.index(
        "RFC del contratante: CNO0101012Z3"
    )
    cadena = cadena_original(informativa())
    sello = sellar(cadena, credencial.private_key)
    assert "".join(monoespaciado(acuse)) == cadena + sello
    objeto = texto[texto.index("Folio REPSE: STPS/REPSE/2024/12345") - 1]
    assert objeto.startswith("Objeto del contrato: Mantenimiento de áreas verdes")


def test_the_acuse_is_a_well_formed_pdf(acuse, tmp_path: Path) -> None:
    # Every cross-reference entry points at its object; startxref at the table.
    inicio = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", acuse).group(1))
    assert acuse[inicio:].startswith(b"xref\n0 ")
    entradas = re.findall(rb"(\d{10}) 00000 n \n", acuse[inicio:])
    for numero, posicion in enumerate(entradas, start=1):
        assert acuse[int(posicion) :].startswith(b"%d 0 obj\n" % numero)
    assert b"/Size %d " % (len(entradas) + 1) in acuse
    for fuente in (b"Helvetica", b"Helvetica-Bold", b"Courier"):
        assert b"/BaseFont /" + fuente + b" /Encoding /WinAnsiEncoding" in acuse
    assert acuse.count(b"/Type /Page ") == 2
    archivo = tmp_path / "acuse.pdf"
    archivo.write_bytes(acuse)
    if shutil.which("qpdf"):
        revision = subprocess.run(["qpdf", "--check", str(archivo)], capture_output=True, text=True)
        assert revision.returncode == 0, revision.stdout + revision.stderr
        adjuntos = subprocess.run(
            ["qpdf", "--list-attachments", str(archivo)], capture_output=True, text=True
        )
        assert "acuse-icsoe.json" in adjuntos.stdout
    if shutil.which("pdftotext"):
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(archivo)], check=True)
        texto = (tmp_path / "acuse.txt").read_text(encoding="utf-8")
        assert "Señora Peña y Compañía (Ñandú)" in texto and "enero–abril 2026" in texto
        info = subprocess.run(["pdfinfo", str(archivo)], capture_output=True, text=True).stdout
        assert TITULO in info and "letter" in info


def test_the_same_signature_gives_the_same_file(acuse, credencial, fiel) -> None:
    assert firmar(informativa(), credencial, fiel) == acuse


def _posiciones(inicio: int, fin: int, cuantas: int) -> list[int]:
    return sorted({inicio + (fin - inicio - 1) * i // (cuantas - 1) for i in range(cuantas)})


def _cambiar(acuse: bytes, posicion: int) -> bytes:
    datos = bytearray(acuse)
    datos[posicion] ^= 0x01
    return bytes(datos)


def _tramo_json(acuse: bytes, clave: str) -> tuple[int, int]:
    """Where the value of ``clave`` lies in the embedded JSON."""
    marca = re.search(rb'"' + clave.encode() + rb'": "([^"]*)"', acuse)
    return marca.start(1), marca.end(1)


@pytest.mark.parametrize("i", range(40))
def test_any_byte_of_the_embedded_cadena_changed_fails(acuse, fiel, i) -> None:
    posicion = _posiciones(*_tramo_json(acuse, "cadena"), 40)[i]
    resultado = verificar_acuse(_cambiar(acuse, posicion), fiel.cer)
    assert not resultado.ok
    assert resultado.motivo[0] in (SELLO_INVALIDO, DANADO)


@pytest.mark.parametrize("i", range(12))
def test_any_byte_of_the_embedded_sello_changed_fails(acuse, fiel, i) -> None:
    posicion = _posiciones(*_tramo_json(acuse, "sello"), 12)[i]
    resultado = verificar_acuse(_cambiar(acuse, posicion), fiel.cer)
    assert not resultado.ok
    assert resultado.motivo[0] in (SELLO_INVALIDO, DANADO)


@pytest.mark.parametrize("i", range(12))
def test_any_byte_of_the_visible_cadena_or_sello_changed_fails(acuse, fiel, i) -> None:
    bloque = [m.end() for m in re.finditer(rb"/F3 7.5 Tf [\d.]+ [\d.]+ Td \(", acuse)]
    posicion = bloque[i * len(bloque) // 12] + 5
    resultado = verificar_acuse(_cambiar(acuse, posicion), fiel.cer)
    assert (resultado.ok, resultado.motivo) == (False, (MODIFICADO,))


def test_a_byte_changed_anywhere_in_the_file_fails(acuse, fiel) -> None:
    for posicion in range(0, len(acuse), 53):
        resultado = verificar_acuse(_cambiar(acuse, posicion), fiel.cer)
        assert not resultado.ok, posicion


def test_a_visible_value_changed_in_the_acuse_fails(acuse, fiel) -> None:
    """What a forger edits: the contratante's name as shown, not the signed data."""
    visible = b"(Se\xf1ora Pe\xf1a y Compa\xf1\xeda \\(\xd1and\xfa\\), S.A. de C.V.)"
    assert visible in acuse
    cambiado = acuse.replace(visible, visible.replace(b"Se\xf1ora", b"Se\xf1or "))
    resultado = verificar_acuse(cambiado, fiel.cer)
    assert (resultado.ok, resultado.motivo) == (False, (MODIFICADO,))


@pytest.mark.parametrize("cambio", sorted(CAMBIOS))
def test_an_informativa_changed_after_signing_is_noticed(acuse, fiel, cambio) -> None:
    actual = cadena_original(CAMBIOS[cambio](informativa()))
    resultado = verificar_acuse(acuse, fiel.cer, actual)
    assert (resultado.ok, resultado.motivo) == (False, (CAMBIO,))


def test_another_efirmas_certificate_is_refused(acuse) -> None:
    otra = cf.fiel_moral(key_slot=5, serial=b"00001000000799999999")
    resultado = verificar_acuse(acuse, otra.cer)
    assert (resultado.ok, resultado.motivo) == (False, (OTRO_CERTIFICADO,))
    danado = verificar_acuse(acuse, b"no es un certificado")
    assert not danado.ok and "certificado" in danado.motivo[0]


def test_an_acuse_signed_by_someone_else_for_the_contratista_fails(credencial) -> None:
    """A forger's acuse, drawn by our own writer with the forger's e.firma over the
    contratista's informativa: it verifies as signed, but not by the contratista."""
    impostor = cf.fiel_moral(rfc="SCO050505QR2", key_slot=7, serial=b"00001000000711111111")
    llave = load_sat_pair(impostor.cer, impostor.key(), cf.PASSWORD).private_key
    inf = informativa()
    cadena = cadena_original(inf)
    firmado = leer_cadena(cadena)
    falso = _pdf(firmado, cadena, sellar(cadena, llave), load_certificate(impostor.cer), FIRMA)
    resultado = verificar_acuse(falso)
    assert resultado.motivo == (
        f"El certificado del acuse no es de la contratista {cf.RFC_MORAL}.",
    )
    with pytest.raises(ValidationError) as error:
        escribir_acuse(inf, cadena, sellar(cadena, llave), impostor.cer, FIRMA)
    assert error.value.code == "acuse_otro_rfc"
    assert "SCO050505QR2" in error.value.message and cf.RFC_MORAL in error.value.message


def test_writing_refuses_data_that_disagree(credencial, fiel) -> None:
    inf = informativa()
    cadena = cadena_original(inf)
    sello = sellar(cadena, credencial.private_key)
    otra = CAMBIOS["sbc de un trabajador (un centavo)"](inf)
    with pytest.raises(ValidationError) as error:
        escribir_acuse(otra, cadena, sello, fiel.cer, FIRMA)
    assert error.value.code == "acuse_cadena_distinta"
    sello_ajeno = sellar(cadena, cf.rsa_key(9))
    with pytest.raises(ValidationError) as error:
        escribir_acuse(inf, cadena, sello_ajeno, fiel.cer, FIRMA)
    assert error.value.code == "acuse_sello_invalido"
    with pytest.raises(CredentialError) as error:
        escribir_acuse(inf, cadena, sello, b"basura", FIRMA)
    assert (
        error.value.message
        == "El archivo de certificado (.cer) está dañado o no es un certificado digital."
    )


def _con_json(acuse: bytes, cambio) -> bytes:
    """The acuse with its attachment rewritten by ``cambio`` (its length kept right)."""
    marca = re.search(rb"#2Fjson /Length (\d+) >>\nstream\n", acuse)
    inicio, fin = marca.end(), marca.end() + int(marca.group(1))
    nuevo = cambio(json.loads(acuse[inicio:fin]))
    datos = (nuevo if isinstance(nuevo, str) else json.dumps(nuevo)).encode("ascii")
    return acuse[: marca.start(1)] + b"%d >>\nstream\n" % len(datos) + datos + acuse[fin:]


DANADOS = {
    "vacío": (lambda a: b"", "acuse_vacio", "El archivo del acuse está vacío."),
    "sólo espacios": (lambda a: b" \r\n\t", "acuse_vacio", "El archivo del acuse está vacío."),
    "texto": (lambda a: b"texto", "acuse_no_pdf", "El archivo no es un PDF."),
    "no es bytes": (lambda a: "%PDF-1.7", "acuse_no_pdf", "El archivo no es un PDF."),
    "binario": (
        lambda a: random.Random(3).randbytes(5000),
        "acuse_no_pdf",
        "El archivo no es un PDF.",
    ),
    "otro PDF": (lambda a: pdf_bytes(), "acuse_desconocido", NO_ES_ACUSE),
    "cortado a la mitad": (
        lambda a: a[: len(a) // 2],
        "acuse_incompleto",
        "El PDF está incompleto o dañado: cópialo de nuevo.",
    ),
    "sin el final": (
        lambda a: a[:-30],
        "acuse_incompleto",
        "El PDF está incompleto o dañado: cópialo de nuevo.",
    ),
    "sin el adjunto": (
        lambda a: a.replace(b"/Subtype /application#2Fjson", b"/Subtype /text#2Fplain12345"),
        "acuse_desconocido",
        NO_ES_ACUSE,
    ),
    "longitud falsa": (
        lambda a: re.sub(rb"(#2Fjson /Length )(\d+)", lambda m: m.group(1) + b"9" + m.group(2), a),
        "acuse_danado",
        DANADO,
    ),
    "no es JSON": (lambda a: _con_json(a, lambda d: "{no es json"), "acuse_danado", DANADO),
    "otro formato": (
        lambda a: _con_json(a, lambda d: {**d, "formato": "OTRO"}),
        "acuse_danado",
        DANADO,
    ),
    "sin sello": (
        lambda a: _con_json(a, lambda d: {k: v for k, v in d.items() if k != "sello"}),
        "acuse_danado",
        DANADO,
    ),
    "certificado no base64": (
        lambda a: _con_json(a, lambda d: {**d, "certificado": "¡no!"}),
        "acuse_danado",
        DANADO,
    ),
    "certificado dañado": (
        lambda a: _con_json(a, lambda d: {**d, "certificado": "AAAA"}),
        "acuse_danado",
        DANADO,
    ),
    "cadena que no es de una informativa": (
        lambda a: _con_json(a, lambda d: {**d, "cadena": "||otra cosa||"}),
        "acuse_danado",
        DANADO,
    ),
    "fecha sin zona": (
        lambda a: _con_json(a, lambda d: {**d, "fecha_firma": "2026-05-14T10:32:05"}),
        "acuse_danado",
        DANADO,
    ),
    "lista en vez de objeto": (lambda a: _con_json(a, lambda d: "[1, 2]"), "acuse_danado", DANADO),
    "versión cero": (
        lambda a: _con_json(a, lambda d: {**d, "version": 0}),
        "acuse_danado",
        DANADO,
    ),
    "versión futura": (
        lambda a: _con_json(a, lambda d: {**d, "version": 2}),
        "acuse_version",
        "El acuse es de una versión más reciente de la aplicación.",
    ),
}


@pytest.mark.parametrize("caso", sorted(DANADOS))
def test_a_file_that_is_not_an_intact_acuse_gets_a_spanish_reason(acuse, fiel, caso) -> None:
    danar, codigo, mensaje = DANADOS[caso]
    archivo = danar(acuse)
    with pytest.raises(ValidationError) as error:
        leer_acuse(archivo)
    assert (error.value.code, error.value.message) == (codigo, mensaje)
    resultado = verificar_acuse(archivo, fiel.cer, cadena_original(informativa()))
    assert (resultado.ok, resultado.motivo, resultado.acuse) == (False, (mensaje,), None)


def test_the_signing_time_is_shown_in_local_time_and_verifies_anywhere(
    credencial, fiel, monkeypatch
) -> None:
    if not hasattr(time, "tzset"):
        pytest.skip("sin time.tzset en este sistema")
    monkeypatch.setenv("TZ", "America/Mexico_City")
    time.tzset()
    try:
        acuse = firmar(informativa(), credencial, fiel, datetime(2026, 5, 14, 16, 32, 5))
        monkeypatch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        assert verificar_acuse(acuse, fiel.cer).ok  # drawn again with the offset it carries
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "Fecha y hora de firma: 14/05/2026 10:32:05 (UTC-06:00)" in lineas(acuse)
    assert leer_acuse(acuse).fecha_firma == datetime(2026, 5, 14, 16, 32, 5, tzinfo=UTC)


def test_an_informativa_sin_informacion_and_a_complementaria(credencial, fiel) -> None:
    vacia = firmar(informativa(tipo=SIN_INFORMACION, contratos=()), credencial, fiel)
    texto = lineas(vacia)
    assert "Tipo: Sin información" in texto and "Contratos (0)" in texto
    assert "Sin contratos celebrados en el periodo." in texto
    assert "Total de trabajadores: 0" in texto
    assert verificar_acuse(vacia, fiel.cer).ok
    complementaria = firmar(informativa(tipo=CORRECCION, complementa=UUID_A), credencial, fiel)
    texto = lineas(complementaria)
    assert "Tipo: Complementaria de Corrección" in texto
    assert f"Complementa a la informativa: {UUID_A}" in texto


def test_a_name_outside_windows_1252_is_kept_exactly_in_the_signed_copy(credencial, fiel) -> None:
    contratos = tuple(
        dataclasses.replace(c, contratante=Parte(c.contratante.rfc, "Ωmega Łódź 株式会社"))
        if c.uuid == UUID_A
        else c
        for c in informativa().contratos
    )
    inf = informativa(contratos=contratos)
    acuse = firmar(inf, credencial, fiel)
    assert "Nombre del contratante: ?mega ?ód? ????" in lineas(acuse)  # no glyph in the fonts
    assert leer_acuse(acuse).cadena == cadena_original(inf)
    assert "|Ωmega Łódź 株式会社|" in leer_acuse(acuse).cadena
    assert verificar_acuse(acuse, fiel.cer, cadena_original(inf)).ok


def _larga() -> object:
    """Thirty contracts, one of 1,200 workers, long texts and a word no line can hold."""
    trabajadores = tuple(
        Trabajador(f"{10_000_000_000 + i:011d}", CURP_ANA, 30_000 + i) for i in range(1200)
    )
    base = informativa().contratos[0]
    contratos = [
        dataclasses.replace(
            base,
            uuid=f"0196a4c2-1f00-7000-8000-{n:012d}",
            objeto=("Servicio especializado de mantenimiento " * 6) + "X" * 260,
            fecha_inicial=date(2026, 1, 1 + n % 28),
            trabajadores=trabajadores if n == 0 else base.trabajadores,
        )
        for n in range(30)
    ]
    return informativa(contratos=tuple(contratos))


def test_a_long_informativa_breaks_into_pages_within_the_margins(
    credencial, fiel, tmp_path
) -> None:
    inf = _larga()
    acuse = firmar(inf, credencial, fiel)
    assert verificar_acuse(acuse, fiel.cer, cadena_original(inf)).ok
    piezas = trozos(acuse)
    total = max(t.pagina for t in piezas)
    assert total > 5
    pies = [t for t in piezas if t.y == 30]
    assert [t.texto for t in pies] == [f"Página {n} de {total}" for n in range(1, total + 1)]
    for t in piezas:
        assert t.y == 30 or pdf_writer.MARGEN <= t.y <= pdf_writer.ALTO - pdf_writer.MARGEN
        derecha = t.x + pdf_writer.ancho(t.texto, t.fuente, t.tamano)
        assert t.x >= pdf_writer.MARGEN and derecha <= pdf_writer.ANCHO - pdf_writer.MARGEN + 0.01
    # A contract's heading never ends a page: its first line follows on the same page.
    for i, t in enumerate(piezas):
        if t.texto.startswith("Contrato ") and t.fuente == "F2":
            assert piezas[i + 1].pagina == t.pagina
    assert "".join(monoespaciado(acuse)).startswith(cadena_original(inf))
    if shutil.which("qpdf"):
        archivo = tmp_path / "larga.pdf"
        archivo.write_bytes(acuse)
        assert (
            subprocess.run(["qpdf", "--check", str(archivo)], capture_output=True).returncode == 0
        )
