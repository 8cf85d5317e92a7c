"""The INFONAVIT's three guides recognised by their own words, through the real services: the
three files as the public layouts title them (three header rows), an office's copy of the
workers' guide (accents, capitals, columns moved, one added), one workbook of the three sheets;
every column the report fills is filled. A sheet of another guide named as the workers', a
sheet with the words of two guides, a title written as a formula: refused with the reason,
nothing remembered."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV, REQUERIDOS
from tests import sisub_fixtures as fx
from tests import sisub_guias as g
from tests.services.libros_de_prueba import escribir

_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte


def _leer(ruta, archivo: str) -> list[dict[str, str]]:
    datos = (ruta / f"{NOMBRES_CSV[archivo]}.csv").read_bytes()
    assert not datos.endswith(b"\r\n")  # the instructivo: no final line break
    titulos, *filas = list(csv.reader(io.StringIO(datos.decode("cp1252"), newline="")))
    return [dict(zip(titulos, f, strict=True)) for f in filas]


def test_the_three_public_guides_fill_every_column_the_report_has(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    archivos = services.sisub_archivos
    guias = [
        escribir(tmp_path / "Layout detalle trabajadores.xlsx", g.hoja(g.TRABAJADORES, "d")),
        escribir(tmp_path / "Layout-detalle-contrato.xlsx", g.hoja(g.CONTRATOS, "b")),
        escribir(tmp_path / "Layout-informacion-sujeto-obligado.xlsx", g.hoja(g.SUJETO, "a")),
    ]
    hojas = archivos.reconocer_guias(guias, rfc)
    assert {a: (h.nombre, h.fila) for a, h in hojas.items()} == {
        "trabajadores": ("Layout detalle trabajadores.xlsx", 3),
        "contratos": ("Layout-detalle-contrato.xlsx", 3),
        "sujeto": ("Layout-informacion-sujeto-obligado.xlsx", 3),
    }
    # Every column of the public layouts is one the app fills.
    assert all(all(h.layout.campos) for h in hojas.values()), {
        a: h.layout.sin_llenar for a, h in hojas.items()
    }
    assert hojas["trabajadores"].texto == (
        "Detalle de trabajadores: «Layout detalle trabajadores.xlsx» (fila 3), "
        "19 de 19 columnas reconocidas"
    )
    # Not remembered until the clerk takes it.
    assert not any(layout.de_guia for layout in archivos.layouts().values())
    archivos.recordar_guias(hojas, rfc)
    hecho = archivos.exportar(uuid, rfc, tmp_path / "salida")
    reporte_ = services.sisub.reporte(uuid, ana)
    (contrato,) = reporte_.contratos
    filas = _leer(hecho.ruta, "trabajadores")
    assert len(filas) == len(contrato.trabajadores) == 4
    for fila in filas:
        assert fila["Numero de Seguro Social del trabajador"] in {
            t.nss for t in contrato.trabajadores
        }
        assert fila["Registro Patronal ante el IMSS"]
        assert fila["Calle (centro de trabajo)"] == "Av. Industrias"
        assert fila["Registro Federal de Contribuyente del sujeto obligado"] == rfc
        assert fila["Numero de contrato"] == "SISUB-2026-001"
        assert float(fila["Monto Percepciones fijas"]) > 0
    (fila_contrato,) = _leer(hecho.ruta, "contratos")
    assert fila_contrato["Folio del contrato"] == "SISUB-2026-001"
    assert fila_contrato["RFC del beneficiario"] == contrato.contratante.rfc


def test_an_offices_copy_and_one_workbook_of_three_sheets(services, reporte, tmp_path):
    rfc, _ana, uuid = reporte
    archivos = services.sisub_archivos
    path = g.libro(
        tmp_path / "guias oficina.xlsx",
        {
            "Instrucciones": [["Llene cada hoja y guárdela como CSV."]],
            "Sujeto": g.hoja(g.SUJETO, "a"),
            "Contratos": g.hoja(g.CONTRATOS, "b"),
            "Trabajadores": g.hoja(g.OFICINA, "d"),
        },
    )
    hojas = archivos.reconocer_guias([path], rfc)
    assert {a: h.hoja for a, h in hojas.items()} == {
        "sujeto": "Sujeto",
        "contratos": "Contratos",
        "trabajadores": "Trabajadores",
    }
    oficina = hojas["trabajadores"].layout
    assert oficina.sin_llenar == ("Observaciones de la oficina",)
    assert REQUERIDOS["trabajadores"] <= set(oficina.campos)
    leida = archivos.recordar_guias(hojas, rfc)
    assert leida.avisos == (
        "Detalle de trabajadores: la columna «Observaciones de la oficina» no se puede llenar; "
        "se deja vacía.",
    )
    hecho = archivos.exportar(uuid, rfc, tmp_path / "salida")
    assert hecho.avisos[0] == (
        "Los CSV llevan las columnas de la guía «guias oficina.xlsx» leída el 22/11/2026."
    )
    for fila in _leer(hecho.ruta, "trabajadores"):
        assert fila["NÚMERO DE SEGURO SOCIAL DEL TRABAJADOR"]
        assert fila["CALLE (Centro de Trabajo)"] == "Av. Industrias"
        assert fila["Observaciones de la oficina"] == ""


def test_a_sheet_of_another_guide_or_of_two_is_refused_with_its_reason(services, reporte, tmp_path):
    rfc, _ana, _uuid = reporte
    archivos = services.sisub_archivos
    buena = escribir(tmp_path / "contratos.xlsx", g.hoja(g.CONTRATOS, "b"))
    # The sujeto's guide given as the workers'.
    ajena = escribir(tmp_path / "Detalle de trabajadores.xlsx", g.hoja(g.SUJETO, "a"))
    with pytest.raises(ValidationError) as error:
        archivos.leer_guia([buena, ajena], rfc)
    assert error.value.code == "guia_no_reconocida"
    assert (
        "«Detalle de trabajadores.xlsx»: su nombre dice «Detalle de trabajadores» pero sus "
        "títulos son los de «Sujeto obligado» («escritura», «notario», «representante»)"
    ) in error.value.message
    # Words of two guides in one sheet; some of one only.
    dos = escribir(tmp_path / "mezcla.xlsx", g.hoja((*g.TRABAJADORES, "Número de escritura",
                                                      "Nombre del notario", "Representante legal"), "d"))  # fmt: skip
    media = escribir(tmp_path / "media.xlsx", g.hoja(("RFC del beneficiario", "Objeto"), "b"))
    for path, motivo in (
        (dos, "tiene las palabras de dos guías"),
        (media, "para «Contratos» le falta alguna de «beneficiario», «vigencia»"),
    ):
        with pytest.raises(ValidationError) as error:
            archivos.leer_guia(path, rfc)
        assert motivo in error.value.message, error.value.message
    # A key title written as a formula.
    libro = Workbook()
    hoja = libro.active
    for fila in g.hoja(g.TRABAJADORES, "d"):
        hoja.append(fila)
    hoja["G3"] = '=CONCATENATE("Numero de Seguro ","Social")'
    formula = tmp_path / "formula.xlsx"
    libro.save(formula)
    with pytest.raises(ValidationError) as error:
        archivos.leer_guia(formula, rfc)
    assert "su encabezado tiene fórmulas (G3: =CONCATENATE(" in error.value.message
    # Two files of the same guide.
    otra = escribir(tmp_path / "otra.xlsx", g.hoja(g.OFICINA, "d"))
    uno = escribir(tmp_path / "uno.xlsx", g.hoja(g.TRABAJADORES, "d"))
    with pytest.raises(ValidationError) as error:
        archivos.leer_guia([uno, otra], rfc)
    assert "«uno.xlsx» y «otra.xlsx» son las dos la guía de «Detalle de trabajadores»" in (
        error.value.message
    )
    # Nothing was remembered.
    assert not any(layout.de_guia for layout in archivos.layouts().values())
