"""A sheet as nómina systems and Excel reports write it (titles above the header, the header on
row 4, the catalogue as «08 Reingreso», money as «$1,234.56», a TOTAL row under the data),
written as a real .xlsx and drawn from that file as a spreadsheet shows it: the manual's
picture of the shapes the importers take."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from icsoe_desktop.demo.movimientos import _curp
from icsoe_desktop.domain.identifiers import nss_check_digit

TITULO = "EMPRESA DEMO SA DE CV"
SUBTITULO = "Movimientos afiliatorios del mes: noviembre 2026"
ENCABEZADOS = (
    "Registro Patronal", "N.S.S.", "Apellido Paterno", "Apellido Materno", "Nombre", "CURP",
    "Movimiento", "Fecha", "S.B.C.", "Tipo", "Tipo de Salario", "Causa Baja", "Área",
)  # fmt: skip
FILA_ENCABEZADOS = 4
_MONEDA = '"$"#,##0.00'
_FECHA = "dd/mm/yyyy"


def _nss(i: int) -> str:
    ten = f"{4200000000 + i * 7919:010d}"
    return ten + nss_check_digit(ten)


_REINGRESO, _MODIFICACION, _BAJA = "08 Reingreso", "07 Modificación de salario", "02 Baja"
# paterno, materno, nombre, nacimiento, sexo, movimiento, fecha, SBC, causa de baja, depto.
_FILAS = (
    ("LOPEZ", "RUIZ", "CLAUDIA", date(1990, 4, 4), "M", _REINGRESO, date(2026, 11, 3), 651.84,
     "", "Ventas"),
    ("PEREZ", "", "OSCAR", date(1985, 7, 12), "H", _REINGRESO, date(2026, 11, 3), 522.88, "",
     "Almacén"),
    ("GOMEZ", "DIAZ", "KARLA", date(1993, 1, 30), "M", _MODIFICACION, date(2026, 11, 10),
     800.00, "", "Finanzas"),
    ("MUÑOZ", "PEÑA", "JOSE LUIS", date(1979, 10, 2), "H", _MODIFICACION, date(2026, 11, 10),
     1234.56, "", "Sistemas"),
    ("CRUZ", "MORA", "JUAN", date(1988, 3, 15), "H", _BAJA, date(2026, 11, 14), None,
     "2 Separación voluntaria", "Almacén"),
    ("RAMOS", "VEGA", "ANA", date(2001, 8, 21), "M", _REINGRESO, date(2026, 11, 17), 300.10,
     "", "Ventas"),
)  # fmt: skip
_SBC = ENCABEZADOS.index("S.B.C.")
_FECHA_COL = ENCABEZADOS.index("Fecha")


def escribir_hoja_movimientos(path: Path, registro: str = "Y5412345106") -> Path:
    """The example workbook: two title rows, a blank row, the header on row 4, six movements
    and a TOTAL row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one sheet
    sheet.title = "Movimientos"
    sheet["A1"] = TITULO
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = SUBTITULO
    sheet.append([])
    sheet.append(list(ENCABEZADOS))
    for cell in sheet[FILA_ENCABEZADOS]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7E4")
    rng = random.Random(11)
    for i, (paterno, materno, nombre, nacio, sexo, mov, fecha, sbc, causa, depto) in enumerate(
        _FILAS
    ):
        curp = _curp(rng, paterno, materno, nombre, nacio, sexo)
        alta = mov == _REINGRESO
        sheet.append(
            [registro, _nss(i), paterno, materno, nombre, curp, mov, fecha, sbc,
             "1 Permanente" if alta else "", "" if causa else "0 Fijo", causa, depto]
        )  # fmt: skip
    total = len(_FILAS) + FILA_ENCABEZADOS + 1
    sheet.cell(total, 1, "TOTAL").font = Font(bold=True)
    suma = round(sum(f[7] or 0 for f in _FILAS), 2)
    sheet.cell(total, _SBC + 1, suma).font = Font(bold=True)
    for row in sheet.iter_rows(min_row=FILA_ENCABEZADOS + 1):
        row[_FECHA_COL].number_format = _FECHA
        row[_SBC].number_format = _MONEDA
    book.save(path)
    return path


def _texto(cell) -> str:
    """A cell as Excel shows it with its format (the few formats this sheet uses)."""
    value = cell.value
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float) and "$" in cell.number_format:
        return f"${value:,.2f}"
    return str(value)


def hoja_widget(path: Path):
    """The workbook's first sheet drawn as a spreadsheet: column letters, row numbers, the
    cells' text, bold and fill as saved, and the sheet's tab."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QHBoxLayout,
        QTabBar,
        QTableWidget,
        QTableWidgetItem,
        QVBoxLayout,
        QWidget,
    )

    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows, columns = sheet.max_row + 2, sheet.max_column + 1  # and an empty edge, as Excel
    table = QTableWidget(rows, columns)
    small = QFont(table.font())
    small.setPointSizeF(small.pointSizeF() * 0.9)  # a sheet at Excel's 100 %: small print
    table.setFont(small)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalHeaderLabels([get_column_letter(c + 1) for c in range(columns)])
    table.setVerticalHeaderLabels([str(r + 1) for r in range(rows)])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setStyleSheet("QTableWidget { gridline-color: #d4d4d4; background: white; }")
    for row in sheet.iter_rows():
        for cell in row:
            text = _texto(cell)
            if not text and cell.fill.fill_type != "solid":
                continue
            item = QTableWidgetItem(text)
            font = QFont(table.font())
            font.setBold(bool(cell.font.bold))
            if cell.font.size and cell.font.size > 12:
                font.setPointSizeF(font.pointSizeF() * 1.3)
            item.setFont(font)
            if cell.fill.fill_type == "solid":
                item.setBackground(QColor("#" + cell.fill.fgColor.rgb[-6:]))
            if isinstance(cell.value, int | float):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(cell.row - 1, cell.column - 1, item)  # type: ignore[operator]  # read: has a row
        if len([c for c in row if c.value is not None]) == 1 and row[0].value is not None:
            # A title runs over the empty cells.
            table.setSpan(row[0].row - 1, 0, 1, columns)
    book.close()
    table.resizeColumnsToContents()
    for c in range(columns):
        table.setColumnWidth(c, max(table.columnWidth(c), 60))
    table.resizeRowsToContents()
    tabs = QTabBar()
    tabs.addTab(sheet.title)
    tabs.setShape(QTabBar.Shape.RoundedSouth)
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(table)
    pie = QHBoxLayout()
    pie.addWidget(tabs)
    pie.addStretch(1)
    layout.addLayout(pie)
    width = table.verticalHeader().width() + sum(table.columnWidth(c) for c in range(columns))
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(rows))
    widget.resize(width + 4, height + tabs.sizeHint().height() + 4)
    return widget
