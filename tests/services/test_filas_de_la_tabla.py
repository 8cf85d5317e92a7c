"""The rows and columns a clerk sees are the ones imported, by every importer (informativa
workers, movimientos, registros patronales, capturistas' alta masiva) in every format it takes:

- a row hidden by a filter (or by hand) is left out and named with its reason; the counts are
  of the rows read;
- two columns of one field (the same title twice, another case, a trailing space): a hidden
  one never beats the visible one; two visible ones that disagree stop the import naming both
  letters; two that agree are read;
- rows that are not data end the table: after the TOTAL row, a signature footer («Elaboró:
  ____») is left out with its note; a data row without its identifier among the others is
  still reported.
The portal's rejections: tests/services/test_informativa_rechazos.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.alcance import letra_columna
from icsoe_desktop.services.capturistas.excel import BULK_HEADERS
from icsoe_desktop.services.informativa.trabajadores_archivo import ESQUEMA, leer_trabajadores
from icsoe_desktop.store.models import MovimientoRow
from tests import credentials_factory as cf
from tests.archivos_de_nomina import trabajadores
from tests.data.libros_xls import AQUI
from tests.icsoe_helpers import enter_contratista
from tests.services.libros_de_prueba import FORMATOS, LIBROS, escribir, xls_con_filas_ocultas
from tests.services.movimientos_data import HEADERS, add_registros, known_rows

TRABAJADORES = trabajadores(8, seed=87)


class Rechazadas(Exception):
    """The import refused rows: their sheet rows."""

    def __init__(self, filas: list[int]) -> None:
        super().__init__(filas)
        self.filas = filas


@dataclass
class Importador:
    """An importer as a clerk uses it: its header, its data rows, the column of the row's
    identifier and of the field two columns will compete for, a stale value for that field,
    and the import (the file → each identifier imported with its field's value, and the
    notes it shows)."""

    encabezado: tuple[str, ...]
    filas: list[list[object]]
    clave: int
    campo: int
    viejo: Callable[[object], object]
    importar: Callable[[Path], tuple[dict[str, object], tuple[str, ...]]]
    fila: str = "Fila"  # what its notes call a row

    def identificador(self, fila: list[object]) -> str:
        return str(fila[self.clave])


def _trabajadores(_services, _tmp) -> Importador:
    def importar(path: Path) -> tuple[dict[str, object], tuple[str, ...]]:
        archivo = leer_trabajadores(path)
        if archivo.problemas:
            raise Rechazadas([p.renglon for p in archivo.problemas])
        return {t.nss: t.sbc for t in archivo.trabajadores}, tuple(archivo.notas)

    return Importador(
        ("NSS", "CURP", "SBC"),
        [[t.nss, t.curp, f"{t.sbc / 100:.2f}"] for t in TRABAJADORES],
        clave=0,
        campo=2,
        viejo=lambda sbc: "999.99",
        importar=importar,
        fila="Renglón",
    )


def _movimientos(services, _tmp) -> Importador:
    add_registros(services)

    def importar(path: Path) -> tuple[dict[str, object], tuple[str, ...]]:
        report = services.importador.import_file(path, CLI_ACTOR)
        if not report.aplicado:
            raise Rechazadas([r.linea for r in report.rechazadas])
        with services.store.session() as session:
            guardados = session.execute(select(MovimientoRow.nss, MovimientoRow.sbc)).all()
        assert report.importados == len(guardados)  # the count said is of the rows read
        return {nss: sbc for nss, sbc in guardados}, tuple(report.notas)

    filas = [[row[h] for h in HEADERS] for row in known_rows() if row["SBC"]]
    return Importador(
        tuple(HEADERS),
        filas,
        clave=HEADERS.index("NSS"),
        campo=HEADERS.index("SBC"),
        viejo=lambda sbc: "999.99",
        importar=importar,
    )


def _registros(services, _tmp) -> Importador:
    def importar(path: Path) -> tuple[dict[str, object], tuple[str, ...]]:
        try:
            resultado = services.registros.importar(path, CLI_ACTOR)
        except ValidationError as error:
            if error.code != "filas_con_errores":
                raise
            raise Rechazadas([int(n) for n in re.findall(r"Fila (\d+):", error.message)]) from error
        guardados = {r.registro: r.rfc for r in services.registros.listar()}
        assert resultado.guardados == len(guardados)
        return guardados, resultado.notas

    return Importador(
        ("Registro patronal", "RFC", "Razón social"),
        [[f"Y54123451{i:02d}", cf.RFC_MORAL, "Empresa Demo, S.A. de C.V."] for i in range(8)],
        clave=0,
        campo=1,
        viejo=lambda rfc: "XAXX010101000",
        importar=importar,
    )


NOMBRES = ("ANA", "BETO", "CARLA", "DORA", "ELENA", "FABIO", "GUSTAVO", "HILDA")


def _capturistas(services, tmp, data_dir) -> Importador:
    rfc = enter_contratista(services, data_dir, tmp)

    def importar(path: Path) -> tuple[dict[str, object], tuple[str, ...]]:
        hecho = services.capturistas_excel.alta_masiva(rfc, path)
        if hecho.rechazos:
            raise Rechazadas([r.fila for r in hecho.rechazos])
        guardados = {c.curp: c.nombre for c in services.capturistas.pagina(rfc)}
        assert hecho.guardados == len(guardados)
        return guardados, hecho.notas

    filas: list[list[object]] = [
        [t.curp, nombre, "López", "Mora", "Capturista", "5512345678", f"{n}@c.mx", f"{n}@c.mx"]
        for t, nombre in zip(TRABAJADORES, NOMBRES, strict=True)
        for n in [nombre.lower()]
    ]
    return Importador(
        BULK_HEADERS,
        filas,
        clave=0,
        campo=1,
        viejo=lambda nombre: "ZOILA",
        importar=importar,
    )


IMPORTADORES = {"trabajadores": _trabajadores, "movimientos": _movimientos,
                "registros": _registros}  # fmt: skip


@pytest.fixture(params=[*IMPORTADORES, "capturistas"])
def importador(request, tmp_path) -> Importador:
    if request.param == "trabajadores":
        return _trabajadores(None, tmp_path)
    services = request.getfixturevalue("services")
    if request.param == "capturistas":
        request.getfixturevalue("smtp_configured")
        (tmp_path / "alta").mkdir()
        data_dir = request.getfixturevalue("data_dir")
        return _capturistas(services, tmp_path / "alta", data_dir)
    return IMPORTADORES[request.param](services, tmp_path)


def _valor(importador: Importador, fila: list[object]) -> object:
    """The field's value as the importer keeps it (an SBC in cents, a name in capitals)."""
    valor = fila[importador.campo]
    if importador.encabezado[importador.campo] == "SBC":  # kept in cents
        return round(float(str(valor)) * 100)
    return valor


# --- rows hidden ------------------------------------------------------------------------------


@pytest.mark.parametrize("formato", LIBROS)
@pytest.mark.parametrize("filtro", [True, False], ids=["filtro", "a_mano"])
def test_hidden_rows_are_left_out_and_named(importador, formato, filtro, tmp_path):
    """A list filtered (or hidden by hand) to a few rows: only those are imported, and each
    row left out is named with why."""
    # Sheet rows (the header is row 1): three of the first four, and the last two.
    ultima = len(importador.filas) + 1
    ocultas = {2, 3, 5, ultima - 1, ultima}
    path = escribir(
        tmp_path / f"lista.{formato}", [importador.encabezado, *importador.filas], ocultas, filtro
    )
    leidos, notas = importador.importar(path)
    visibles = [f for n, f in enumerate(importador.filas, start=2) if n not in ocultas]
    assert sorted(leidos) == sorted(importador.identificador(f) for f in visibles)
    # Rows side by side in one note: 2 and 3, the last two.
    motivo = "por un filtro" if filtro else ""
    filas = {"Fila": "Filas", "Renglón": "Renglones"}[importador.fila]
    notas_ocultas = [
        f"{filas} 2 a 3: se dejaron fuera (ocultas {motivo}).",
        f"{importador.fila} 5: se dejó fuera (oculta {motivo}).",
        f"{filas} {ultima - 1} a {ultima}: se dejaron fuera (ocultas {motivo}).",
    ]
    if ultima - 1 == 5:
        del notas_ocultas[1]
        notas_ocultas[1] = f"{filas} 5 a {ultima}: se dejaron fuera (ocultas {motivo})."
    assert [n for n in notas if "oculta" in n] == [n.replace(" )", ")") for n in notas_ocultas]


# --- two columns of one field -----------------------------------------------------------------


def _con_otra_columna(
    importador: Importador, titulo: str, valor: Callable[[int, object], object]
) -> tuple[tuple[str, ...], list[list[object]]]:
    """The importer's rows with another column before the field's own: ``titulo`` over it,
    ``valor(row index, the field's value)`` in it."""
    c = importador.campo
    encabezado = (*importador.encabezado[:c], titulo, *importador.encabezado[c:])
    filas = [[*f[:c], valor(i, f[c]), *f[c:]] for i, f in enumerate(importador.filas)]
    return encabezado, filas


@pytest.mark.parametrize("formato", LIBROS)
@pytest.mark.parametrize("variante", ["mismo", "espacio"])
def test_a_hidden_column_of_the_field_never_beats_the_visible_one(
    importador, formato, variante, tmp_path
):
    """Last period's column kept hidden to the left of the new one, under the same title (or
    the same with a trailing space): the visible one's values are imported."""
    titulo = importador.encabezado[importador.campo] + (" " if variante == "espacio" else "")
    encabezado, filas = _con_otra_columna(importador, titulo, lambda i, v: importador.viejo(v))
    path = escribir(
        tmp_path / f"lista.{formato}", [encabezado, *filas], columnas_ocultas={importador.campo}
    )
    leidos, notas = importador.importar(path)
    assert leidos == {importador.identificador(f): _valor(importador, f) for f in importador.filas}
    assert any("(oculta)" in n for n in notas), notas


@pytest.mark.parametrize("formato", FORMATOS)
@pytest.mark.parametrize("variante", ["mismo", "minusculas"])
def test_two_visible_columns_of_the_field_that_disagree_stop_the_import_naming_both(
    importador, formato, variante, tmp_path
):
    """The stale column visible beside the new one, differing on one row only (the last):
    nothing is imported and both columns are named by letter."""
    propio = importador.encabezado[importador.campo]
    titulo = propio.lower() if variante == "minusculas" else propio
    ultima = len(importador.filas) - 1
    encabezado, filas = _con_otra_columna(
        importador, titulo, lambda i, v: importador.viejo(v) if i == ultima else v
    )
    path = escribir(tmp_path / f"lista.{formato}", [encabezado, *filas])
    with pytest.raises(ValidationError) as error:
        importador.importar(path)
    una, otra = letra_columna(importador.campo), letra_columna(importador.campo + 1)
    assert error.value.code == "columnas_ambiguas"
    assert f"{una} «{titulo}»" in error.value.message
    assert f"{otra} «{propio}»" in error.value.message
    assert "No se importó nada." in error.value.message


@pytest.mark.parametrize("formato", FORMATOS)
def test_two_visible_columns_of_the_field_that_agree_are_read(importador, formato, tmp_path):
    titulo = importador.encabezado[importador.campo].upper() + " "
    encabezado, filas = _con_otra_columna(importador, titulo, lambda i, v: v)
    path = escribir(tmp_path / f"lista.{formato}", [encabezado, *filas])
    leidos, _ = importador.importar(path)
    assert leidos == {importador.identificador(f): _valor(importador, f) for f in importador.filas}


# --- the table's end --------------------------------------------------------------------------


def _con_pie(importador: Importador) -> list[list[object]]:
    """The rows, a TOTAL row, a blank row and the signatures under the table."""
    return [
        list(importador.encabezado),
        *importador.filas,
        ["TOTAL", len(importador.filas)],
        [],
        ["Elaboró: ____________"],
        ["Revisó: ____________", None, None, "Autorizó: ____________"],
        ["Fecha: 15/05/2026"],
    ]


@pytest.mark.parametrize("formato", FORMATOS)
def test_a_signature_footer_under_the_total_row_is_left_out(importador, formato, tmp_path):
    path = escribir(tmp_path / f"reporte.{formato}", _con_pie(importador))
    leidos, notas = importador.importar(path)
    assert sorted(leidos) == sorted(importador.identificador(f) for f in importador.filas)
    total = len(importador.filas) + 2
    assert list(notas[-4:]) == [
        f"{importador.fila} {total}: se dejó fuera (fila de totales «TOTAL»).",
        f"{importador.fila} {total + 2}: se dejó fuera (debajo de la tabla «Elaboró: "
        "____________»).",
        f"{importador.fila} {total + 3}: se dejó fuera (debajo de la tabla «Revisó: "
        "____________»).",
        f"{importador.fila} {total + 4}: se dejó fuera (debajo de la tabla «Fecha: 15/05/2026»).",
    ]


@pytest.mark.parametrize("formato", FORMATOS)
def test_a_one_cell_footer_without_a_total_row_ends_the_table(importador, formato, tmp_path):
    filas = [list(importador.encabezado), *importador.filas, ["Elaboró: ____________"]]
    path = escribir(tmp_path / f"reporte.{formato}", filas)
    leidos, notas = importador.importar(path)
    assert sorted(leidos) == sorted(importador.identificador(f) for f in importador.filas)
    assert notas[-1] == (
        f"{importador.fila} {len(filas)}: se dejó fuera (debajo de la tabla «Elaboró: "
        "____________»)."
    )


@pytest.mark.parametrize("formato", FORMATOS)
def test_a_data_row_without_its_identifier_among_the_others_is_still_reported(
    importador, formato, tmp_path
):
    """The third row lost its identifier (and all but one cell): rows with one follow it, so
    it is a row of the table, and the import says what is wrong with it."""
    filas = [list(f) for f in importador.filas]
    filas[2] = [None] * len(filas[2])
    filas[2][importador.campo] = "por definir"  # not a number: no sum row either
    path = escribir(tmp_path / f"lista.{formato}", [importador.encabezado, *filas, ["Elaboró:"]])
    with pytest.raises(Rechazadas) as error:
        importador.importar(path)
    assert set(error.value.filas) == {4}  # its sheet row, and only it


# --- rows hidden in a LibreOffice .xls, and far down a long sheet -----------------------------


@pytest.mark.parametrize("filtro", [True, False], ids=["filtro", "a_mano"])
def test_the_hidden_row_of_a_libreoffice_xls_is_left_out(filtro, tmp_path):
    """tests/data/trabajadores.xls (three workers under titles, a TOTAL row) with its second
    worker's row hidden (ROW's fDyZero), under a filter (AUTOFILTERINFO) or by hand."""
    path = xls_con_filas_ocultas(AQUI / "trabajadores.xls", tmp_path / "t.xls", {6}, filtro)
    archivo = leer_trabajadores(path)
    uno, _dos, tres = trabajadores(3)  # the workbook's (tests/data/libros_xls.py)
    assert [t.nss for t in archivo.trabajadores] == [uno.nss, tres.nss]
    motivo = "oculta por un filtro" if filtro else "oculta"
    assert f"Renglón 6: se dejó fuera ({motivo})." in archivo.notas


def test_movimientos_of_a_libreoffice_xls_filtered_to_some_rows(services, tmp_path):
    """tests/data/movimientos.xls (six movements under a title) filtered to four: four
    movements, and the two rows named."""
    add_registros(services)
    path = xls_con_filas_ocultas(AQUI / "movimientos.xls", tmp_path / "m.xls", {5, 8}, True)
    report = services.importador.import_file(path, CLI_ACTOR)
    assert report.aplicado and report.importados == 4, report.rechazadas
    assert [n for n in report.notas if "oculta" in n] == [
        "Fila 5: se dejó fuera (oculta por un filtro).",
        "Fila 8: se dejó fuera (oculta por un filtro).",
    ]


def test_a_libreoffice_xls_with_a_signature_footer_reads_the_table_only():
    """tests/data/pie.xls: three workers, TOTAL, a blank row and the signatures, as LibreOffice
    writes them: the three workers, each row under the table named."""
    archivo = leer_trabajadores(AQUI / "pie.xls")
    assert [t.nss for t in archivo.trabajadores] == [t.nss for t in trabajadores(3, seed=24)]
    assert not archivo.problemas
    assert archivo.notas == (
        "Renglón 5: se dejó fuera (fila de totales «TOTAL»).",
        "Renglón 7: se dejó fuera (debajo de la tabla «Elaboró: ____________»).",
        "Renglón 8: se dejó fuera (debajo de la tabla «Revisó: ____________»).",
        "Renglón 9: se dejó fuera (debajo de la tabla «Fecha: 15/05/2026»).",
    )


def test_a_libreoffice_xls_with_two_sbc_columns_that_disagree_is_refused_naming_both():
    """tests/data/dos_sbc.xls: two visible «SBC» that differ on the last worker only."""
    with pytest.raises(ValidationError) as error:
        leer_trabajadores(AQUI / "dos_sbc.xls")
    assert error.value.code == "columnas_ambiguas"
    assert "las columnas C «SBC» y D «SBC»" in error.value.message
    assert "No se importó nada." in error.value.message


def test_a_row_hidden_far_down_a_long_xlsx_is_left_out(tmp_path):
    """40,000 workers (a sheet of some megabytes): the rows hidden near its end are known as
    well as the first ones."""
    filas = [("NSS", "CURP", "SBC")]
    t = TRABAJADORES[1]
    filas += [(f"{i:011d}", t.curp, "500.00") for i in range(1, 40_001)]
    ocultas = {3, 39_000, 40_001}
    path = escribir(tmp_path / "largo.xlsx", filas, ocultas, filtro=True)
    leida = lectura.leer(path, ESQUEMA)
    numeros = [n for n, _ in leida.filas()]
    assert len(numeros) == 39_997 and ocultas.isdisjoint(numeros)
    assert [o for o in leida.omitidas if "oculta" in o[1]] == [
        (n, "oculta por un filtro") for n in sorted(ocultas)
    ]


@pytest.mark.parametrize("formato", LIBROS)
def test_two_columns_that_part_only_on_a_hidden_row_are_read(formato, tmp_path):
    """Two «SBC» that differ only on a row the filter hides: that row is not read, so it
    decides nothing."""
    filas: list[tuple[object, ...]] = [("NSS", "CURP", "SBC", "SBC")]
    for n, t in enumerate(TRABAJADORES, start=2):
        filas.append((t.nss, t.curp, 999.99 if n == 4 else t.sbc / 100, t.sbc / 100))
    path = escribir(tmp_path / f"lista.{formato}", filas, {4}, filtro=True)
    archivo = leer_trabajadores(path)
    assert [(t.nss, t.sbc) for t in archivo.trabajadores] == [
        (t.nss, t.sbc) for n, t in enumerate(TRABAJADORES, start=2) if n != 4
    ]
