"""The worker file of a contract: read from the CSVs and workbooks clerks bring (encodings,
delimiters, with or without a header), refused when it is not one, and written back as the
IMSS template split to the portal's limits."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Periodo, Trabajador
from icsoe_desktop.services.informativa.trabajadores_archivo import (
    MAX_BYTES,
    escribir_csv,
    leer_trabajadores,
    partir,
    plantilla_csv,
    validar_trabajadores,
)
from tests.informativa_datos import ArchivoSembrado, archivos_sembrados, trabajadores_limpios
from tests.services.xlsx_files import workbook_bytes

# Three workers valid by construction; renglón = their line in a file with a header.
TRES = trabajadores_limpios(3, random.Random(4), primer_renglon=2)


def _claves(trabajadores) -> list[tuple[str, str, int]]:
    return [(t.nss, t.curp, t.sbc) for t in trabajadores]


def _pesos(t: Trabajador) -> str:
    return f"{t.sbc // 100}.{t.sbc % 100:02d}"


def _write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


# --- reading -------------------------------------------------------------------------------------


def test_utf8_with_bom_comma_and_header(tmp_path: Path) -> None:
    text = "NSS,CURP,SBC\r\n" + "".join(f"{t.nss},{t.curp},{_pesos(t)}\r\n" for t in TRES)
    archivo = leer_trabajadores(_write(tmp_path, "lista.csv", text, "utf-8-sig"))
    assert (archivo.formato, archivo.encabezado, archivo.problemas) == ("CSV", True, ())
    assert _claves(archivo.trabajadores) == _claves(TRES)
    assert [t.renglon for t in archivo.trabajadores] == [2, 3, 4]


def test_windows_1252_semicolons_and_a_spelled_out_header(tmp_path: Path) -> None:
    text = "Número de Seguridad Social;CURP;Salario Base de Cotización\n" + "".join(
        f"{t.nss};{t.curp};{_pesos(t)}\n" for t in TRES
    )
    archivo = leer_trabajadores(_write(tmp_path, "lista.csv", text, "cp1252"))
    assert archivo.encabezado and archivo.problemas == ()
    assert _claves(archivo.trabajadores) == _claves(TRES)


def test_without_header_blank_lines_and_spaces_renglon_is_the_files_line(tmp_path: Path) -> None:
    a, b, c = TRES
    text = (
        f"  {a.nss} , {a.curp.lower()} , {_pesos(a)} \n"
        "\n"
        f"{b.nss}\t{b.curp}\t{_pesos(b)}\n"  # a tab is not this file's delimiter
        "   \n"
        f"{c.nss},{c.curp},{_pesos(c)}\n"
    )
    archivo = leer_trabajadores(_write(tmp_path, "sin-encabezado.csv", text))
    assert not archivo.encabezado
    assert _claves(archivo.trabajadores) == _claves([a, c])
    assert [t.renglon for t in archivo.trabajadores] == [1, 5]
    [problema] = archivo.problemas
    assert (problema.codigo, problema.renglon) == ("columnas", 3)
    assert problema.mensaje == "Tiene 1 columna y se esperaban 3 (NSS, CURP, SBC)."


def test_tab_separated_and_the_leading_zero_excel_drops(tmp_path: Path) -> None:
    cero = "0312345678"
    nss = cero + nss_check_digit(cero)
    curp = TRES[0].curp
    text = f"NSS\tCURP\tSBC\n{nss[1:]}\t{curp}\t500\n"
    [trabajador] = leer_trabajadores(_write(tmp_path, "lista.txt", text)).trabajadores
    assert (trabajador.nss, trabajador.sbc, trabajador.renglon) == (nss, 50000, 2)


def test_a_header_with_more_columns_in_any_order(tmp_path: Path) -> None:
    a, b = TRES[:2]
    text = (
        "SBC,Nombre,CURP,NSS\n"
        f"{_pesos(a)},ANA RUIZ,{a.curp},{a.nss}\n"
        f"{_pesos(b)},,{b.curp},{b.nss},\n"  # an empty trailing cell, as spreadsheets save
        "100.00,JUAN\n"
    )
    archivo = leer_trabajadores(_write(tmp_path, "lista.csv", text))
    assert _claves(archivo.trabajadores) == _claves([a, b])
    [problema] = archivo.problemas
    assert problema.renglon == 4
    assert problema.mensaje == "Tiene 2 columnas y se esperaban 4 (SBC, Nombre, CURP, NSS)."


def test_an_sbc_that_is_not_an_amount_is_a_problem_of_its_row(tmp_path: Path) -> None:
    a, b = TRES[:2]
    text = f'NSS,CURP,SBC\n{a.nss},{a.curp},"350,50"\n{b.nss},{b.curp},{_pesos(b)}\n'
    archivo = leer_trabajadores(_write(tmp_path, "lista.csv", text))
    assert _claves(archivo.trabajadores) == _claves([b])
    [problema] = archivo.problemas
    assert (problema.codigo, problema.campo, problema.renglon) == ("sbc", "sbc", 2)
    assert "se puede leer de dos maneras" in problema.mensaje


def test_xlsx_with_header_numbers_as_excel_keeps_them(tmp_path: Path) -> None:
    rows = [("NSS", "CURP", "SBC")] + [(int(t.nss), t.curp, t.sbc / 100) for t in TRES]
    archivo = leer_trabajadores(_write(tmp_path, "lista.xlsx", workbook_bytes(rows)))
    assert (archivo.formato, archivo.encabezado, archivo.problemas) == ("Excel", True, ())
    assert _claves(archivo.trabajadores) == _claves(TRES)
    assert [t.renglon for t in archivo.trabajadores] == [2, 3, 4]


def test_xlsx_without_header_with_an_empty_row(tmp_path: Path) -> None:
    a, b = TRES[:2]
    rows = [(a.nss, a.curp, _pesos(a)), (None, None, None), (b.nss, b.curp, b.sbc / 100)]
    archivo = leer_trabajadores(_write(tmp_path, "lista.xlsx", workbook_bytes(rows)))
    assert not archivo.encabezado
    assert [(t.nss, t.renglon) for t in archivo.trabajadores] == [(a.nss, 1), (b.nss, 3)]


# --- files that are not a worker list ------------------------------------------------------------


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _truncated_xlsx() -> bytes:
    data = workbook_bytes([("NSS", "CURP", "SBC"), *[(t.nss, t.curp, 400) for t in TRES]])
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("vacio.csv", b"", "archivo_vacio", "El archivo «vacio.csv» está vacío."),
        ("blancos.csv", b"\r\n  \r\n\t\r\n", "archivo_sin_trabajadores", "no tiene trabajadores"),
        ("solo.csv", b"NSS,CURP,SBC\r\n", "archivo_sin_trabajadores", "sólo tiene el encabezado"),
        ("foto.csv", _png(), "archivo_binario", "no es un archivo de texto (CSV)"),
        ("acuse.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "archivo_ajeno", "es un PDF"),
        (
            "viejo.csv",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "xlsx_invalido",
            "no es un libro de Excel válido",
        ),
        ("cortado.xlsx", _truncated_xlsx(), "xlsx_invalido", "no es un libro de Excel válido"),
        ("texto.xlsx", b"NSS,CURP,SBC\r\n", "xlsx_invalido", "no es un libro de Excel válido"),
        (
            "otra.xlsx",
            workbook_bytes([("Nombre", "Puesto"), ("Ana", "Supervisora")]),
            "columnas_faltantes",
            "no parece una lista de trabajadores",
        ),
        (
            "sin-sbc.xlsx",
            workbook_bytes([("NSS", "CURP", "Nombre"), (TRES[0].nss, TRES[0].curp, "Ana")]),
            "columnas_faltantes",
            "A «sin-sbc.xlsx» le faltan las columnas: SBC.",
        ),
        (
            "control.csv",
            b"NSS,CURP,SBC\r\n" + bytes(range(1, 32)) * 20,
            "archivo_ajeno",
            "no es un archivo de texto",
        ),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_with_a_spanish_message(
    tmp_path: Path, name: str, data: bytes, code: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        leer_trabajadores(_write(tmp_path, name, data))
    assert caught.value.code == code
    assert message in caught.value.message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "enorme.csv"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(ValidationError) as caught:
        leer_trabajadores(path)
    assert caught.value.code == "archivo_grande"
    assert "«enorme.csv» ocupa 32.0 MB" in caught.value.message


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="No se encontró el archivo"):
        leer_trabajadores(tmp_path / "no-existe.csv")
    with pytest.raises(ValidationError, match="es una carpeta"):
        leer_trabajadores(tmp_path)


# --- validating: every worker check, seeded ------------------------------------------------------

SEMBRADOS = archivos_sembrados()


@pytest.mark.parametrize("caso", SEMBRADOS, ids=[c.nombre for c in SEMBRADOS])
def test_each_seeded_file_yields_exactly_its_code(tmp_path: Path, caso: ArchivoSembrado) -> None:
    path = _write(tmp_path, "sembrado.csv", caso.texto, "cp1252")
    validacion = validar_trabajadores(path, Periodo(2026, 1), caso.curps_conocidas)
    assert {p.codigo for p in validacion.problemas} == {caso.codigo}
    assert [p.renglon for p in validacion.problemas] == [caso.renglon]
    assert validacion.validos == 5  # six rows, one wrong


def test_the_seeded_files_cover_every_worker_check_twice() -> None:
    cuenta: dict[str, int] = {}
    for caso in SEMBRADOS:
        cuenta[caso.codigo] = cuenta.get(caso.codigo, 0) + 1
    codigos = {"nss", "curp", "sbc", "nss_repetido", "curp_repetida", "curp_distinta", "columnas"}
    assert set(cuenta) == codigos and min(cuenta.values()) >= 2


def test_the_period_decides_the_sbc_range_and_problems_come_by_renglon(tmp_path: Path) -> None:
    a, b, c = TRES
    text = (
        "NSS,CURP,SBC\n"
        f"{a.nss},{a.curp},300.00\n"  # legal in 2025 (278.80), not in 2026 (315.04)
        f"{b.nss},{b.curp},abc\n"
        f"{a.nss},{c.curp},{_pesos(c)}\n"
    )
    path = _write(tmp_path, "lista.csv", text)
    en_2025 = validar_trabajadores(path, Periodo(2025, 3))
    assert [(p.renglon, p.codigo) for p in en_2025.problemas] == [(3, "sbc"), (4, "nss_repetido")]
    assert en_2025.validos == 1
    en_2026 = validar_trabajadores(path, Periodo(2026, 1))
    assert [(p.renglon, p.codigo) for p in en_2026.problemas] == [
        (2, "sbc"), (3, "sbc"), (4, "nss_repetido")
    ]  # fmt: skip
    assert en_2026.validos == 0


# --- writing the IMSS template -------------------------------------------------------------------


def test_the_template_is_windows_1252_with_crlf_and_two_decimals(tmp_path: Path) -> None:
    filas = [
        Trabajador(TRES[0].nss, TRES[0].curp, 35050),
        Trabajador(TRES[1].nss, TRES[1].curp, 100000),
        Trabajador(TRES[2].nss, TRES[2].curp, 31504),
    ]
    path = tmp_path / "plantilla.csv"
    written = escribir_csv(filas, path)
    data = path.read_bytes()
    assert written == len(data)
    assert data.startswith(b"NSS,CURP,SBC\r\n")
    lines = data.decode("cp1252").split("\r\n")
    assert lines[1:] == [
        f"{TRES[0].nss},{TRES[0].curp},350.50",
        f"{TRES[1].nss},{TRES[1].curp},1000.00",
        f"{TRES[2].nss},{TRES[2].curp},315.04",
        "",
    ]
    assert b"\n" not in data.replace(b"\r\n", b"")
    stream = io.BytesIO()
    escribir_csv(filas, stream)
    assert stream.getvalue() == data


def test_what_the_template_writes_reads_back_the_same(tmp_path: Path) -> None:
    filas = trabajadores_limpios(50, random.Random(12))
    path = tmp_path / "ida-y-vuelta.csv"
    escribir_csv(filas, path)
    archivo = leer_trabajadores(path)
    assert archivo.problemas == () and archivo.encabezado
    assert _claves(archivo.trabajadores) == _claves(filas)
    assert validar_trabajadores(path, Periodo(2026, 1)).problemas == ()


def test_a_long_list_is_split_in_files_of_3000_rows_that_read_back(tmp_path: Path) -> None:
    filas = trabajadores_limpios(7_001, random.Random(13))
    partes = partir(filas)
    assert [len(p) for p in partes] == [3_000, 3_000, 1_001]
    leidas = []
    for numero, parte in enumerate(partes, start=1):
        path = tmp_path / f"parte-{numero}.csv"
        escribir_csv(parte, path)
        assert path.stat().st_size <= 15 * 2**20
        leidas += leer_trabajadores(path).trabajadores
    assert _claves(leidas) == _claves(filas)


def test_split_by_bytes_counts_the_header_of_each_file() -> None:
    # Every row the same length: «NSS,CURP,500.00» and CRLF.
    filas = [replace(t, sbc=50000) for t in trabajadores_limpios(10, random.Random(14))]
    renglon = len(plantilla_csv(filas[:1])) - len(b"NSS,CURP,SBC\r\n")  # one row's bytes
    limite = len(b"NSS,CURP,SBC\r\n") + 3 * renglon
    partes = partir(filas, max_bytes=limite)
    assert [len(p) for p in partes] == [3, 3, 3, 1]
    assert all(len(plantilla_csv(p)) <= limite for p in partes)
    assert partir([]) == []
    with pytest.raises(ValueError):
        partir(filas, max_bytes=renglon)
