"""Files as nómina systems and Excel write them (titles above the header, a blank row, totals
below, money with «$» and thousands, NSS that lost their leading zeros, catalogue values as the
manual prints them), for the tests of the importers' command lines and windows."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from openpyxl import Workbook

from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Trabajador
from icsoe_desktop.domain.movimientos import TIPOS_MOVIMIENTO
from tests.informativa_datos import PERIODO, curp_valida, trabajadores_limpios
from tests.services.movimientos_data import HEADERS, REGISTRO_A, known_rows


def trabajadores(n: int = 3, seed: int = 53) -> tuple[Trabajador, ...]:
    """``n`` workers of PERIODO; the first one's NSS starts with «00» (Excel drops both)."""
    rng = random.Random(seed)
    rows = list(trabajadores_limpios(n, rng, PERIODO.anio))
    ten = f"00{rng.randrange(10**8):08d}"
    rows[0] = Trabajador(ten + nss_check_digit(ten), curp_valida(rng), 123_456)
    return tuple(rows)


def pesos_mx(centavos: int) -> str:
    """As a Mexican spreadsheet shows money: «$1,234.56»."""
    return f"${centavos / 100:,.2f}"


def _save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def xlsx_titulos_y_total(path: Path, filas: tuple[Trabajador, ...]) -> Path:
    """Two title rows, a blank row, the header on row 4 (with columns the import does not use),
    the workers as numbers as Excel keeps them, and a TOTAL row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Reporte de trabajadores por contrato"])
    sheet.append([f"Periodo {PERIODO.clave}", None, "Servicios Especializados del Mayab"])
    sheet.append([])
    sheet.append(["No.", "Nombre", "N.S.S.", "C.U.R.P.", "S.B.C.", "Departamento"])
    for i, t in enumerate(filas, start=1):
        sheet.append([i, f"TRABAJADOR {i}", int(t.nss), t.curp, t.sbc / 100, "Limpieza"])
    sheet.append(["TOTAL", None, None, None, sum(t.sbc for t in filas) / 100])
    return _save(book, path)


def csv_cp1252_pesos_otro_orden(path: Path, filas: tuple[Trabajador, ...]) -> Path:
    """Excel's «CSV» on Windows: cp1252, the header in another order with spelled-out names,
    the SBC as «$1,234.56» (quoted: it holds a comma)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Nombre", "Salario Base de Cotización", "CURP", "Número de Seguridad Social"])
    for i, t in enumerate(filas, start=1):
        writer.writerow([f"PEÑA MUÑOZ {i}", pesos_mx(t.sbc), t.curp, t.nss])
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def csv_titulo_y_total(path: Path, filas: tuple[Trabajador, ...]) -> Path:
    """A title line, the header, the workers and a «Total general» line (UTF-8 with BOM)."""
    lines = ["Trabajadores asignados al contrato,,", "NSS,CURP,SBC"]
    lines += [f"{t.nss},{t.curp},{t.sbc / 100:.2f}" for t in filas]
    lines.append(f"Total general,,{sum(t.sbc for t in filas) / 100:.2f}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def con_guiones(nss: str) -> str:
    return f"{nss[:2]}-{nss[2:4]}-{nss[4:6]}-{nss[6:10]}-{nss[10]}"


def csv_guiones_y_minusculas(path: Path, filas: tuple[Trabajador, ...]) -> Path:
    """Under a title: NSS written with dashes, CURP in lower case, SBC with «$ »."""
    lines = ["Listado de personal;;", ";;", "N.S.S.;Curp;Salario Base"]
    lines += [f"{con_guiones(t.nss)};{t.curp.lower()};$ {t.sbc / 100:,.2f}" for t in filas]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def csv_tres_problemas(path: Path, filas: tuple[Trabajador, ...]) -> Path:
    """A title and a header (rows 1-2), then workers where row 4 has a bad NSS, row 5 an SBC
    that reads two ways and row 6 repeats row 3's CURP."""
    a, b, c, d = filas[:4]
    lines = [
        "Trabajadores del contrato",
        "NSS,CURP,SBC",
        f"{a.nss},{a.curp},{a.sbc / 100:.2f}",
        f"{b.nss[:-1]}{(int(b.nss[-1]) + 1) % 10},{b.curp},{b.sbc / 100:.2f}",
        f'{c.nss},{c.curp},"1.234,56"',
        f"{d.nss},{a.curp},{d.sbc / 100:.2f}",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


# --- movimientos --------------------------------------------------------------------------------


def movimientos_rows(registro: str = REGISTRO_A) -> list[dict[str, str]]:
    """The known movements, all of one registro patronal."""
    return [dict(r, **{"Registro Patronal": registro}) for r in known_rows()]


def _amount(text: str) -> float | None:
    return float(text) if text else None


def xlsx_movimientos_titulo_y_total(path: Path, rows: list[dict[str, str]]) -> Path:
    """A title row, a blank row, the grid's header, the movements (SBC as numbers, the NSS as
    Excel keeps a number) and a «Total» row summing the SBC."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Movimientos afiliatorios del mes"])
    sheet.append([])
    sheet.append(HEADERS)
    money = {"SBC", "Salario"}
    for r in rows:
        sheet.append([_amount(r[h]) if h in money else r[h] for h in HEADERS])
    total = sum(_amount(r["SBC"]) or 0 for r in rows)
    sheet.append(["Total", *[total if h == "SBC" else None for h in HEADERS[1:]]])
    return _save(book, path)


def csv_movimientos_catalogo_del_manual(path: Path, rows: list[dict[str, str]]) -> Path:
    """The Movimiento column as the manual's table writes it: «08 Reingreso»."""
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADERS, lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(
            dict(r, Movimiento=f"{r['Movimiento']} {TIPOS_MOVIMIENTO[r['Movimiento']]}")
        )
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def xlsx_movimientos_tres_problemas(path: Path, rows: list[dict[str, str]]) -> Path:
    """A title (row 1) and the header (row 2); row 4 has a bad NSS, row 5 a movement dated in
    the future and a bad Tipo Salario, row 7 a Movimiento that is none."""
    rows = [dict(r) for r in rows]
    rows[1]["NSS"] = rows[1]["NSS"][:-1] + str((int(rows[1]["NSS"][-1]) + 1) % 10)
    rows[2]["Fecha"] = "01/02/2099"
    rows[2]["Tipo Salario"] = "Semanal"
    rows[4]["Movimiento"] = "Alta patronal"
    book = Workbook()
    sheet = book.active
    sheet.append(["Movimientos por revisar"])
    sheet.append(HEADERS)
    for r in rows:
        sheet.append([r[h] for h in HEADERS])
    return _save(book, path)
