"""A lote file as editors save it: ANSI (the IDSE format), UTF-8 with or without BOM, a BOM on
ASCII text, UTF-16, LF line ends. What is unambiguous is read as saved, with a note; a line
whose length is wrong because of its encoding says so."""

from __future__ import annotations

import codecs
from dataclasses import replace
from datetime import date

import pytest

from icsoe_desktop.domain.idse_lote import write_lines
from icsoe_desktop.domain.movimientos import Movimiento, validate
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.services.movimientos_data import REGISTRO_A, add_registros, nss

ANSI = "el formato IDSE usa ANSI (Windows-1252): guarda el archivo con esa codificación (en el "
ANSI += "Bloc de notas: Guardar como… → Codificación: ANSI)."


def movimientos(*apellidos: str) -> list[Movimiento]:
    base = Movimiento(
        registro_patronal=REGISTRO_A,
        nss=nss(0),
        primer_apellido="",
        segundo_apellido="ROJAS",
        nombre="MARIA",
        tipo="08",
        fecha=date(2026, 10, 1),
        curp="GODE561231MDFRNL06",
        sbc=30_000,
        tipo_trabajador="1",
        tipo_salario="0",
    )
    return [
        validate(replace(base, nss=nss(20 + i), primer_apellido=apellido), date(2026, 11, 22))
        for i, apellido in enumerate(apellidos)
    ]


def text_of(*apellidos: str) -> str:
    return write_lines(movimientos(*apellidos)).decode("cp1252")


def apellidos(services) -> set[str]:
    column = 1 + [c.attr for c in COLUMNS].index("primer_apellido")  # row[0] is the id
    return {row[column] for row in services.movimientos.iter_rows(Filtro(), Orden())}


@pytest.mark.parametrize(
    ("encoded", "nota"),
    [
        (lambda t: t.encode("cp1252"), None),
        (lambda t: t.replace("\r\n", "\n").encode("cp1252"), None),
        (lambda t: t.encode("utf-8"), "El archivo está guardado en UTF-8; "),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "El archivo está guardado en UTF-8; "),
        (lambda t: t.encode("utf-16"), "El archivo está guardado en Unicode (UTF-16); "),
    ],
    ids=["ansi", "ansi-lf", "utf8", "utf8-bom", "utf16"],
)
def test_an_unambiguous_encoding_is_read_as_saved(services, tmp_path, encoded, nota):
    add_registros(services)
    path = tmp_path / "Lote_000001.txt"
    path.write_bytes(encoded(text_of("PEÑA", "NUÑEZ", "ORTIZ")))
    report = services.importador.import_file(path, "t")
    assert report.aplicado, report.rechazadas
    assert (report.formato, report.importados) == ("Lote IDSE", 3)
    if nota is None:
        assert report.notas == []
    else:
        (texto,) = report.notas
        assert texto.startswith(nota + ANSI)
    assert apellidos(services) == {"PEÑA", "NUÑEZ", "ORTIZ"}


def test_a_bom_on_ansi_text_is_dropped_with_a_note(services, tmp_path):
    add_registros(services)
    for name, data in (
        ("ascii.txt", codecs.BOM_UTF8 + text_of("ORTIZ", "CRUZ").encode("cp1252")),
        ("ansi.txt", codecs.BOM_UTF8 + text_of("ORTIZ", "CRUZ", "PEÑA").encode("cp1252")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        report = services.importador.import_file(path, "t")
        assert report.aplicado, report.rechazadas
        assert report.notas == [
            "El archivo empieza con la marca BOM de UTF-8, que un lote IDSE no lleva ("
            + ANSI.removesuffix(".")
            + "); se leyó sin ella."
        ]
    assert apellidos(services) == {"ORTIZ", "CRUZ", "PEÑA"}


def test_a_line_saved_in_utf8_inside_an_ansi_file_is_named_with_its_cause(services, tmp_path):
    add_registros(services)
    ansi, utf8, long = text_of("PEÑA", "NUÑEZ", "ORTIZ").split("\r\n")[:3]
    path = tmp_path / "mezclado.txt"
    path.write_bytes(
        ansi.encode("cp1252")
        + b"\r\n"
        + utf8.encode("utf-8")
        + b"\r\n"
        + (long + "  ").encode("cp1252")
        + b"\r\n"
    )
    report = services.importador.import_file(path, "t")
    assert [(r.linea, r.motivo) for r in report.rechazadas] == [
        (
            2,
            "La línea tiene 169 caracteres porque está guardada en UTF-8, donde «Ñ» ocupa 2; "
            + ANSI,
        ),
        (3, "La línea tiene 170 caracteres; el formato IDSE usa 168."),
    ]
    assert report.notas == [] and apellidos(services) == set()
