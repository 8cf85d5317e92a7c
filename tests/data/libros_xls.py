"""The .xls (Excel 97-2003) workbooks of tests/data, and how they were made: each is the
.xlsx ``fuentes`` builds, saved as .xls by LibreOffice (a real writer of the format, as old
nómina systems and Excel itself write it):

    python -m tests.data.libros_xls        # needs soffice (LibreOffice 7.4: libreoffice-calc)

which runs ``soffice --headless --convert-to xls`` on each and keeps the result here as
``<name>.xls``. The tests build the same .xlsx again and read both: every importer must read
the .xls as it reads the .xlsx (titles, totals, money, leading zeros). ``lejos.xls``: nine
sheets, eight with a value at IV65536 (the format's last cell): as a grid, 4.3 GB.
``hojas.xls`` and ``hojas.ods`` (the latter ``--convert-to ods``): a hidden first sheet
«Cuatrimestre anterior» (two workers), then «Resumen» (no header) and «Trabajadores» (three
workers), the workbook opening on «Trabajadores». ``ocultas.xls`` and ``ocultas.ods``: row 1
hidden (an old header, in another order) and column C «Salario Base de Cotización» hidden
(stale values) before the visible «SBC». ``pie.xls``: three workers under their header, a TOTAL
row, a blank row and the signatures («Elaboró», «Revisó» and «Autorizó», «Fecha»).
``dos_sbc.xls``: two visible «SBC» columns that differ on the last worker only.
``movimientos_oculta.ods`` (``--convert-to ods``): the six known movements with a hidden
«Salario Base de Cotización» column of stale values (999.99) first.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

from tests import archivos_de_nomina as nomina

AQUI = Path(__file__).resolve().parent
CAPTURISTAS = [
    ("CURP", "Nombre", "Primer apellido", "Segundo apellido", "Rol", "Teléfono celular",
     "Correo electrónico", "Confirmar correo"),
    ("GODE561231MDFRNL06", "Ana", "López", "Mora", "Capturista", 5512345678, "ana@ejemplo.mx",
     "ana@ejemplo.mx"),
]  # fmt: skip
REGISTROS = [
    ("Reg. Patronal", "R.F.C.", "Nombre o razón social"),
    ("Y54-12345-10-6", "EDM010101AB1", "Empresa Demo, S.A. de C.V."),
]
RECHAZOS = [
    ("Contrato", "NSS", "CURP", "SBC", "Motivo de rechazo"),
    (1, 1234567890, "", 1, "El NSS no existe en los registros del IMSS"),
]


def _titulo_y_filas(path: Path, titulo: str, filas: list[tuple[object, ...]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append([titulo])
    sheet.append([])
    for fila in filas:
        sheet.append(list(fila))
    book.save(path)
    return path


def fuentes(carpeta: Path) -> dict[str, Path]:
    """The .xlsx of each .xls, built in ``carpeta``: name → path."""
    return {
        "movimientos": nomina.xlsx_movimientos_titulo_y_total(
            carpeta / "movimientos.xlsx", nomina.movimientos_rows()
        ),
        "trabajadores": nomina.xlsx_titulos_y_total(
            carpeta / "trabajadores.xlsx", nomina.trabajadores(3)
        ),
        "registros": _titulo_y_filas(carpeta / "registros.xlsx", "Registros", REGISTROS),
        "capturistas": _titulo_y_filas(carpeta / "capturistas.xlsx", "Alta masiva", CAPTURISTAS),
        "rechazos": _titulo_y_filas(carpeta / "rechazos.xlsx", "Rechazados", RECHAZOS),
    }


def lejos(path: Path) -> Path:
    book = Workbook()
    book.active.title = "Movimientos"
    book.active.append(["NSS", "Nombre"])
    book.active.append(["01234567890", "Ana"])
    for i in range(8):
        sheet = book.create_sheet(f"Hoja{i + 2}")
        sheet["A1"] = "x"
        sheet["IV65536"] = 2
    book.save(path)
    return path


def hojas(path: Path) -> Path:
    anteriores, actuales = nomina.trabajadores(2, seed=21), nomina.trabajadores(3, seed=22)
    book = Workbook()
    for sheet, titulo, filas in (
        (book.active, "Cuatrimestre anterior", anteriores),
        (book.create_sheet(), "Resumen", None),
        (book.create_sheet(), "Trabajadores", actuales),
    ):
        sheet.title = titulo
        if filas is None:
            sheet.append(["Trabajadores del cuatrimestre", len(actuales)])
            continue
        sheet.append(["NSS", "CURP", "SBC"])
        for t in filas:
            sheet.append([t.nss, t.curp, t.sbc / 100])
    book["Cuatrimestre anterior"].sheet_state = "hidden"
    book.active = 2
    book.save(path)
    return path


def ocultas(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Trabajadores"
    sheet.append(["CURP", "NSS", "SBC"])
    sheet.append(["NSS", "CURP", "Salario Base de Cotización", "SBC"])
    for t in nomina.trabajadores(3, seed=23):
        sheet.append([t.nss, t.curp, 999.99, t.sbc / 100])
    sheet.row_dimensions[1].hidden = True
    sheet.column_dimensions["C"].hidden = True
    book.save(path)
    return path


def pie(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "CURP", "SBC"])
    filas = nomina.trabajadores(3, seed=24)
    for t in filas:
        sheet.append([t.nss, t.curp, t.sbc / 100])
    sheet.append(["TOTAL", None, sum(t.sbc for t in filas) / 100])
    sheet.append([])
    sheet.append(["Elaboró: ____________"])
    sheet.append(["Revisó: ____________", None, "Autorizó: ____________"])
    sheet.append(["Fecha: 15/05/2026"])
    book.save(path)
    return path


def dos_sbc(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "CURP", "SBC", "SBC"])
    filas = nomina.trabajadores(3, seed=25)
    for n, t in enumerate(filas):
        sheet.append([t.nss, t.curp, 999.99 if n == len(filas) - 1 else t.sbc / 100, t.sbc / 100])
    book.save(path)
    return path


def movimientos_oculta(path: Path) -> Path:
    from tests.services.movimientos_data import HEADERS, known_rows

    book = Workbook()
    sheet = book.active
    sheet.append(["Salario Base de Cotización", *HEADERS])
    for row in known_rows():
        sheet.append([999.99, *(row[h] for h in HEADERS)])
    sheet.column_dimensions["A"].hidden = True
    book.save(path)
    return path


def _convertir(xlsx: Path, formato: str, destino: Path) -> None:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", formato, "--outdir", str(xlsx.parent), str(xlsx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    shutil.copyfile(xlsx.with_suffix(f".{formato}"), destino)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        libros = {
            **fuentes(Path(tmp)),
            "lejos": lejos(Path(tmp) / "lejos.xlsx"),
            "pie": pie(Path(tmp) / "pie.xlsx"),
            "dos_sbc": dos_sbc(Path(tmp) / "dos_sbc.xlsx"),
        }
        for name, xlsx in libros.items():
            _convertir(xlsx, "xls", AQUI / f"{name}.xls")
        varias = hojas(Path(tmp) / "hojas.xlsx")
        escondidas = ocultas(Path(tmp) / "ocultas.xlsx")
        for formato in ("xls", "ods"):
            _convertir(varias, formato, AQUI / f"hojas.{formato}")
            _convertir(escondidas, formato, AQUI / f"ocultas.{formato}")
        _convertir(
            movimientos_oculta(Path(tmp) / "movimientos_oculta.xlsx"),
            "ods",
            AQUI / "movimientos_oculta.ods",
        )


if __name__ == "__main__":
    main()
