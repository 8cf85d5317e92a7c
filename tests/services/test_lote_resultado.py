"""IDSE's result applied to a lote where one worker has several movements: each line names its
movement by NSS, Movimiento and Fecha (the movement's date); the «Aviso …» dates are IDSE's."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from icsoe_desktop.store.models import MovimientoRow
from tests.services.movimientos_data import lote_con_dos_modificaciones, nss

HEADERS = ["NSS", "Movimiento", "Fecha", "Resultado", "Causa de rechazo"]


def write_xlsx(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="cp1252") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def by_fecha(services, lote_id: int) -> dict[tuple[str, date], MovimientoRow]:
    """The stored rows of the lote's movements, IDSE's dates included."""
    ids = [d.movimiento_id for d in services.lotes.detalle(lote_id)]
    with services.store.session() as session:
        rows = session.scalars(select(MovimientoRow).where(MovimientoRow.id.in_(ids))).all()
        session.expunge_all()
    return {(r.nss, r.fecha): r for r in rows}


def test_two_modificaciones_of_one_nss_each_take_their_own_result(services, tmp_path):
    lote = lote_con_dos_modificaciones(services, tmp_path)
    result = write_xlsx(
        tmp_path / "resultado.xlsx",
        [*HEADERS, "Aviso Recibido", "Aviso Aprobación", "Aviso Rechazo"],
        [
            [nss(7), "07", date(2026, 9, 1), "Rechazado", "Salario fuera de rango",
             date(2026, 11, 18), None, date(2026, 11, 19)],
            [nss(7), "07", "01/06/2026", "Aprobado", "", "18/11/2026", "19/11/2026", None],
            [nss(2), "08", "15/05/2026", "Aprobado", "", None, None, None],
            [nss(4), "02", "10/06/2026", "Recibido", "", "20/11/2026", None, None],
        ],
    )  # fmt: skip
    report = services.lotes.importar_resultado(lote.id, result, "admin@x.com")
    assert report.aplicado, report.rechazadas
    assert (report.aprobados, report.rechazados, report.recibidos) == (2, 1, 1)
    movs = by_fecha(services, lote.id)
    junio, septiembre = movs[nss(7), date(2026, 6, 1)], movs[nss(7), date(2026, 9, 1)]
    # The movement keeps its own date; IDSE's dates go to the fields they name.
    assert (junio.estado, junio.fecha) == ("aprobado", date(2026, 6, 1))
    assert (junio.fecha_recibido, junio.fecha_aprobacion) == (
        date(2026, 11, 18),
        date(2026, 11, 19),
    )
    assert junio.fecha_rechazo is None and junio.causa_rechazo == ""
    assert (septiembre.estado, septiembre.causa_rechazo) == ("rechazado", "Salario fuera de rango")
    assert (septiembre.fecha_recibido, septiembre.fecha_rechazo) == (
        date(2026, 11, 18),
        date(2026, 11, 19),
    )
    assert septiembre.fecha_aprobacion is None
    # No aviso dates in the file: the day the result is applied (the clock's 22/11/2026).
    reingreso = movs[nss(2), date(2026, 5, 15)]
    assert (reingreso.fecha_recibido, reingreso.fecha_aprobacion) == (
        date(2026, 11, 22),
        date(2026, 11, 22),
    )
    baja = movs[nss(4), date(2026, 6, 10)]
    assert (baja.estado, baja.fecha_recibido, baja.fecha_aprobacion) == (
        "recibido",
        date(2026, 11, 20),
        None,
    )
    assert {(d.nss, d.fecha): d.resultado for d in services.lotes.detalle(lote.id)} == {
        (nss(7), date(2026, 6, 1)): "aprobado",
        (nss(7), date(2026, 9, 1)): "rechazado",
        (nss(2), date(2026, 5, 15)): "aprobado",
        (nss(4), date(2026, 6, 10)): "recibido",
    }


def test_a_line_that_does_not_name_one_movement_says_which_column_is_missing(services, tmp_path):
    lote = lote_con_dos_modificaciones(services, tmp_path)
    result = write_csv(
        tmp_path / "resultado.csv",
        HEADERS,
        [
            [nss(7), "07", "", "Aprobado", ""],
            [nss(7), "07", "15/07/2026", "Aprobado", ""],
            [nss(7), "08", "01/06/2026", "Aprobado", ""],
            [nss(2), "", "", "Aprobado", ""],
            [nss(4), "02", "10/06/2026", "Rechazado", "Fecha de baja fuera de plazo"],
            [nss(7), "07", "01/06/2026", "Aprobado", ""],
            [nss(7), "Modificación", "01-06-2026", "Aprobado", ""],
        ],
    )
    report = services.lotes.importar_resultado(lote.id, result, "admin@x.com")
    tiene = "07 del 01/06/2026 y 07 del 01/09/2026"
    assert [(r.linea, r.motivo) for r in report.rechazadas] == [
        (
            2,
            f"El NSS {nss(7)} tiene 2 movimientos en el lote 1 ({tiene}): agrega la columna "
            "Fecha (la del movimiento).",
        ),
        (
            3,
            "El lote 1 no tiene un movimiento de Modificación de salario con fecha 15/07/2026 "
            f"para el NSS {nss(7)} (tiene: {tiene}).",
        ),
        (
            4,
            "El lote 1 no tiene un movimiento de Reingreso con fecha 01/06/2026 para el NSS "
            f"{nss(7)} (tiene: {tiene}).",
        ),
        (8, "Repite el movimiento de la línea 7 (07 del 01/06/2026)."),
    ]
    # Line 5 (the only movement of that NSS: no Movimiento nor Fecha needed) was fine; but
    # nothing changed, since other lines were refused.
    assert {d.estado_actual for d in services.lotes.detalle(lote.id)} == {"enviado"}
