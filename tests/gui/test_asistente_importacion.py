"""The import assistant as a clerk meets it: a file whose columns the intake cannot name opens
it, the clerk picks each column's field in the drop-downs and accepts, the file goes in; the
same-shaped file next month goes straight in; another empresa is asked again; Cancelar imports
nothing; the header row is chosen by clicking it; «Revisar columnas…» opens it on request."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.kit.asistente_importacion import (
    NO_SE_USA,
    REVISAR,
    AsistenteImportacionDialog,
)
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.archivos.lectura import SIN_ENCABEZADO
from tests.gui.helpers import click, sin_letra, wait_operations
from tests.services.movimientos_data import HEADERS, add_registros, known_rows

ADMIN = "admin@nominas.com"
# How another nómina system names three of the grid's columns (no alias of the intake).
PROPIOS = {"NSS": "Num. afiliación", "SBC": "Sueldo diario integrado", "CURP": "Clave única"}
ELEGIR = {"Num. afiliación": "nss", "Sueldo diario integrado": "sbc", "Clave única": "curp"}


def archivo_propio(path: Path, titulos: int = 0) -> Path:
    """The known movements under the other system's headers, ``titulos`` title rows above."""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        for i in range(titulos):
            writer.writerow([f"Reporte de movimientos {i + 1}"])
        writer.writerow([PROPIOS.get(h, h) for h in HEADERS])
        for row in known_rows():
            writer.writerow([row.get(h, "") for h in HEADERS])
    return path


def window(qtbot, services):
    main = VentanaPrincipal(services, ADMIN)
    qtbot.addWidget(main)
    main.show()
    view = main.movimientos
    view.main = main
    return view


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def asistentes(modals) -> list[AsistenteImportacionDialog]:
    return [d for d in modals.dialogs if isinstance(d, AsistenteImportacionDialog)]


def test_the_clerk_maps_the_columns_once_and_next_month_needs_no_clicks(
    qtbot, services, tmp_path, modals
):
    add_registros(services)
    vistos: list[dict] = []

    def corregir(dialog) -> None:
        assert isinstance(dialog, AsistenteImportacionDialog)
        # What it could not name, said, and Aceptar held until every required field has a column.
        assert "Num. afiliación" not in dialog.mensaje.text()
        assert "NSS" in dialog.mensaje.text() and "NSS" in dialog.faltan.text()
        assert not dialog.aceptar.isEnabled()
        assert dialog.combos["Num. afiliación"].currentText() == NO_SE_USA
        assert dialog.combos["Nombre"].currentData() == "nombre"  # what it could name, named
        assert dialog.encabezado.value() == 2  # under the title row
        omitidas = [dialog.omitidas.item(i).text() for i in range(dialog.omitidas.count())]
        vistos.append({"omitidas": omitidas})
        for columna, campo in ELEGIR.items():
            combo = dialog.combos[columna]
            combo.setCurrentIndex(combo.findData(campo))
        assert dialog.aceptar.isEnabled() and dialog.faltan.text() == ""
        dialog.grab().save(str(tmp_path / "asistente.png"))
        click(qtbot, dialog.aceptar)

    modals.handle(corregir)
    view = window(qtbot, services)
    view.import_from(archivo_propio(tmp_path / "octubre.csv", titulos=1))
    wait_operations(qtbot)
    assert len(asistentes(modals)) == 1 and vistos
    assert "Fila 1: título, encima del encabezado" in vistos[0]["omitidas"]
    assert modals.texts[-1].startswith("Se importaron 6 movimientos nuevos (0 ya existían).")
    assert view.model.total == 3  # the Reingresos tab

    # Next month: the same columns (two title rows this time) go straight in, no window.
    view.import_from(archivo_propio(tmp_path / "noviembre.csv", titulos=2))
    wait_operations(qtbot)
    assert len(asistentes(modals)) == 1
    assert modals.texts[-1].startswith("Se importaron 0 movimientos nuevos (6 ya existían).")


def test_cancelar_imports_nothing_and_another_empresa_is_asked_again(
    qtbot, services, tmp_path, modals
):
    add_registros(services)

    def aceptar(dialog) -> None:
        for columna, campo in ELEGIR.items():
            dialog.combos[columna].setCurrentIndex(dialog.combos[columna].findData(campo))
        click(qtbot, dialog.aceptar)

    modals.handle(lambda dialog: click(qtbot, dialog.cancelar))
    view = window(qtbot, services)
    view.import_from(archivo_propio(tmp_path / "octubre.csv"))
    wait_operations(qtbot)
    assert len(asistentes(modals)) == 1
    view.buscar()
    assert view.model.total == 0
    assert not modals.texts  # no import ran: no report
    assert services.mapeos.recordada_para(_importacion(), tmp_path / "octubre.csv") is None

    modals.handle(aceptar)
    view.import_from(archivo_propio(tmp_path / "octubre.csv"))
    wait_operations(qtbot)
    assert len(asistentes(modals)) == 2
    assert modals.texts[-1].startswith("Se importaron 6 movimientos nuevos (0 ya existían).")

    otra = services.empresas.crear("BBB020202BB2", "Bodegas Dos SA de CV", CLI_ACTOR)
    services.abrir_empresa(otra.id)
    assert services.mapeos.recordada_para(_importacion(), tmp_path / "octubre.csv") is None
    modals.handle(lambda dialog: click(qtbot, dialog.cancelar))
    view.import_from(archivo_propio(tmp_path / "octubre.csv"))
    wait_operations(qtbot)
    assert len(asistentes(modals)) == 3  # asked again in the other empresa


def _importacion():
    from icsoe_desktop.services.movimientos.importar import IMPORTACION as IMPORTAR_MOVIMIENTOS

    return IMPORTAR_MOVIMIENTOS


def test_revisar_columnas_opens_it_for_a_file_it_reads_and_a_click_picks_the_header(
    qtbot, services, tmp_path, modals
):
    from icsoe_desktop.services.archivos.mapeos import leer
    from icsoe_desktop.services.movimientos.importar import IMPORTACION as IMPORTAR_MOVIMIENTOS

    path = archivo_propio(tmp_path / "octubre.csv", titulos=1)
    leida = leer(IMPORTAR_MOVIMIENTOS, path)
    dialog = AsistenteImportacionDialog(IMPORTAR_MOVIMIENTOS, path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    # The title row clicked as the header: its one cell becomes the one column.
    click_row(qtbot, dialog.filas, 0)
    assert dialog.encabezado.value() == 1
    assert list(dialog.combos) == ["Reporte de movimientos 1"]
    click_row(qtbot, dialog.filas, 1)
    assert dialog.encabezado.value() == 2 and "Num. afiliación" in dialog.combos

    view = window(qtbot, services)
    assert view.revisar_columnas.text().replace("&", "") == REVISAR


def test_the_informativa_workers_under_unknown_headers_go_in_through_the_assistant(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    import random

    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from tests.informativa_datos import trabajadores_limpios
    from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores

    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    window = InformativaWindow(services, ana, rfc, uuid, False)
    qtbot.addWidget(window)
    window.show()
    rows = trabajadores_limpios(3, random.Random(5), PERIODO.anio)
    lines = ["Plantilla de personal", "Clave IMSS,Nombre,Clave única,Sueldo"]
    lines += [f"{t.nss},TRABAJADOR,{t.curp},{t.sbc / 100:.2f}" for t in rows]
    path = tmp_path / "personal.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")

    def corregir(dialog) -> None:
        assert dialog.encabezado.value() == SIN_ENCABEZADO  # it found no header: by position
        click_row(qtbot, dialog.filas, 1)  # the clerk clicks the header row
        assert dialog.encabezado.value() == 2
        for columna, campo in {"Clave IMSS": "nss", "Clave única": "curp", "Sueldo": "sbc"}.items():
            dialog.combos[columna].setCurrentIndex(dialog.combos[columna].findData(campo))
        assert dialog.combos["Nombre"].currentData() == "nombre"  # the name goes with it
        click(qtbot, dialog.aceptar)

    modals.handle(corregir)
    window.trabajadores.importar_de(path)
    wait_operations(qtbot)
    assert window.trabajadores.model.rowCount() == 3
    assert len(asistentes(modals)) == 1


def test_the_alta_masiva_with_its_own_headers_goes_in_and_is_remembered(
    qtbot, services, data_dir, tmp_path, modals
):
    from openpyxl import Workbook

    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from tests.icsoe_helpers import CURP_BETO, enter_contratista

    rfc = enter_contratista(services, data_dir, tmp_path)
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    headers = ["Clave CURP", "Nombre(s)", "Apellido 1", "Apellido 2", "Rol", "Móvil"]
    headers += ["Correo", "Confirmar correo"]

    def libro(name: str, curp: str, correo: str) -> str:
        workbook = Workbook()
        workbook.active.append(headers)
        workbook.active.append(
            [curp, "Beto", "García", "López", "Capturista", "5512345678", correo, correo]
        )
        workbook.save(tmp_path / name)
        return str(tmp_path / name)

    def corregir(dialog) -> None:
        assert "CURP" in dialog.faltan.text() and "Primer apellido" in dialog.faltan.text()
        elegir = {
            "Clave CURP": "curp",
            "Apellido 1": "primer",
            "Apellido 2": "segundo",
            "Móvil": "telefono",
        }
        for columna, campo in elegir.items():
            dialog.combos[columna].setCurrentIndex(dialog.combos[columna].findData(campo))
        click(qtbot, dialog.aceptar)

    modals.handle(corregir)
    window.alta.cargar_excel(libro("alta.xlsx", CURP_BETO, "b@c.mx"))
    wait_operations(qtbot)
    assert services.capturistas.total(rfc) == 1, (modals.texts, modals.dialogs)
    assert len(asistentes(modals)) == 1
    # The next workbook of the same shape: straight in (here refused for its repeated CURP,
    # which only a read by the remembered columns can tell).
    window.alta.cargar_excel(libro("alta2.xlsx", CURP_BETO, "b@c.mx"))
    wait_operations(qtbot)
    assert len(asistentes(modals)) == 1
    assert CURP_BETO in modals.texts[-1]


def test_solo_consulta_offers_no_revisar_columnas(qtbot, services):
    main = VentanaPrincipal(services, None)
    qtbot.addWidget(main)
    main.show()
    assert not main.movimientos.importar.isVisible()
    assert not main.movimientos.revisar_columnas.isVisible()


def test_two_sheets_with_the_header_the_clerk_chooses_one_in_the_assistant(
    qtbot, services, tmp_path, modals
):
    """The workbook opens on a summary; «Octubre» and «Noviembre» both have the grid's header:
    the assistant names them, holds Aceptar until the clerk picks one, and that one goes in."""
    from openpyxl import Workbook

    add_registros(services)
    book = Workbook()
    book.active.title = "Resumen"
    book.active.append(["Movimientos del periodo", 8])
    for nombre, filas in (("Octubre", known_rows()[:2]), ("Noviembre", known_rows())):
        sheet = book.create_sheet(nombre)
        sheet.append(HEADERS)
        for row in filas:
            sheet.append([row.get(h, "") for h in HEADERS])
    path = tmp_path / "movimientos.xlsx"
    book.save(path)
    vistos = []

    def elegir(dialog) -> None:
        vistos.append(dialog.mensaje.text())
        assert dialog.hoja.isVisible()
        assert [dialog.hoja.itemText(i) for i in range(dialog.hoja.count())] == [
            "Elige la hoja…", "Resumen", "Octubre", "Noviembre"
        ]  # fmt: skip
        assert not dialog.aceptar.isEnabled()
        dialog.hoja.setCurrentText("Noviembre")
        assert dialog.aceptar.isEnabled() and dialog.lectura.hoja == "Noviembre"
        assert dialog.combos["NSS"].currentData() == "nss"  # its columns, named again
        qtbot.wait(20)  # the new drop-downs laid out
        dialog.grab().save(str(tmp_path / "asistente_hojas.png"))
        click(qtbot, dialog.aceptar)

    modals.handle(elegir)
    view = window(qtbot, services)
    view.import_from(path)
    wait_operations(qtbot)
    assert vistos == [
        "«movimientos.xlsx» tiene el encabezado en las hojas «Octubre» y «Noviembre». Elige en "
        "«Hoja» cuál importar; luego revisa la fila de encabezados y el dato de cada columna."
    ]
    assert modals.texts[-1].startswith("Se importaron 6 movimientos nuevos (0 ya existían).")
    assert "Se leyó la hoja «Noviembre»" in modals.texts[-1]


def test_typing_in_a_column_list_takes_no_field_until_the_clerk_confirms(qtbot, tmp_path):
    """Typing «NSS» in a column's list passes through «Nombre»: nothing is taken from the
    Nombre column on the way; Enter confirms NSS. Confirming a field another column has takes
    it from that column, shown as «No se usa» there."""
    from PySide6.QtCore import Qt

    from icsoe_desktop.services.archivos import mapeos

    path = archivo_propio(tmp_path / "octubre.csv")
    leida = mapeos.leer(_importacion(), path)
    dialog = AsistenteImportacionDialog(_importacion(), path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    afiliacion = dialog.combos["Num. afiliación"]
    afiliacion.setFocus()
    qtbot.waitUntil(afiliacion.hasFocus)
    antes = dialog.lectura
    qtbot.keyClicks(afiliacion, "N")
    assert afiliacion.currentData() == "nombre"  # on its way
    assert dialog.lectura.mapeo["Nombre"] == "nombre"  # not taken
    assert dialog.lectura.mapeo["Num. afiliación"] is None
    qtbot.keyClicks(afiliacion, "SS")
    assert afiliacion.currentData() == "nss" and dialog.lectura is antes  # nothing read again
    qtbot.keyClick(afiliacion, Qt.Key.Key_Return)
    assert dialog.lectura.mapeo["Num. afiliación"] == "nss"
    assert dialog.lectura.mapeo["Nombre"] == "nombre" and dialog.isVisible()  # Enter kept it open
    # The clerk confirms «Nombre» for another column: the Nombre column gives it up, visibly.
    sueldo = dialog.combos["Sueldo diario integrado"]
    sueldo.setCurrentIndex(sueldo.findData("nombre"))
    assert dialog.lectura.mapeo["Sueldo diario integrado"] == "nombre"
    assert dialog.lectura.mapeo["Nombre"] is None
    assert dialog.combos["Nombre"].currentText() == NO_SE_USA


def test_a_choice_typed_in_a_closed_list_counts_once_the_typing_stops(qtbot, tmp_path):
    """Typing «NSS» in a column's closed list and stopping there: the choice counts and the red
    line follows, with the focus still in the list (no Enter, no Tab)."""
    from icsoe_desktop.services.archivos import mapeos

    path = archivo_propio(tmp_path / "octubre.csv")
    leida = mapeos.leer(_importacion(), path)
    dialog = AsistenteImportacionDialog(_importacion(), path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    afiliacion = dialog.combos["Num. afiliación"]
    afiliacion.setFocus()
    qtbot.waitUntil(afiliacion.hasFocus)
    assert dialog.faltan.text() == "Falta elegir la columna de: NSS."  # the red line
    qtbot.keyClicks(afiliacion, "NSS")
    qtbot.waitUntil(lambda: dialog.lectura.mapeo["Num. afiliación"] == "nss", timeout=5_000)
    assert afiliacion.hasFocus() and not afiliacion.view().isVisible()
    assert dialog.lectura.mapeo["Nombre"] == "nombre"  # passed through, never taken
    assert dialog.faltan.text() == ""


def test_a_far_cell_or_an_xls_in_the_movimientos_window(qtbot, services, tmp_path, modals):
    """Through the window as the clerk imports: a workbook with a value at XFD1048576 answers
    with a message naming the cell (the program stays up), and LibreOffice's .xls of the same
    movements goes in."""
    from tests.data.libros_xls import AQUI
    from tests.services.xlsx_files import far_cell, xlsxwriter_bytes

    add_registros(services)
    lejos = tmp_path / "lejos.xlsx"
    lejos.write_bytes(far_cell(xlsxwriter_bytes([HEADERS, *([r[h] for h in HEADERS]
                                                            for r in known_rows())])))  # fmt: skip
    view = window(qtbot, services)
    view.import_from(lejos)
    wait_operations(qtbot)
    assert (
        "Hay un dato suelto en XFD1048576 de la hoja «Sheet1» de «lejos.xlsx»" in (modals.texts[-1])
    )
    view.import_from(AQUI / "movimientos.xls")
    wait_operations(qtbot)
    assert modals.texts[-1].startswith("Se importaron 6 movimientos nuevos (0 ya existían).")


def test_sdi_and_sbc_that_differ_open_the_assistant_on_them(qtbot, tmp_path):
    """A payroll export with SDI and SBC that differ: the assistant says which columns, holds
    Aceptar, and the clerk's choice of one reads the file."""
    from openpyxl import Workbook

    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        IMPORTACION as IMPORTAR_TRABAJADORES,
    )
    from tests.archivos_de_nomina import trabajadores

    path = tmp_path / "nomina.xlsx"
    book = Workbook()
    book.active.append(["No. Empleado", "NSS", "CURP", "Salario Diario", "SDI", "SBC"])
    for i, t in enumerate(trabajadores(4), start=1):
        book.active.append([i, t.nss, t.curp, 300, t.sbc / 100 + 50, t.sbc / 100])
    book.save(path)
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    dialog = AsistenteImportacionDialog(IMPORTAR_TRABAJADORES, path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.mensaje.text().startswith("En «nomina.xlsx», varias columnas son el mismo dato")
    assert dialog.faltan.text() == (
        "Las columnas E «SDI» y F «SBC» son todas «SBC» y no coinciden: elige una."
    )
    assert not dialog.aceptar.isEnabled()
    qtbot.waitUntil(dialog.comparar["sbc"].hasFocus)  # opened on them
    sbc = dialog.combos["SBC"]
    sbc.setCurrentIndex(sbc.findData("sbc"))
    assert dialog.aceptar.isEnabled() and dialog.faltan.text() == ""
    assert dialog.lectura.mapeo["SBC"] == "sbc" and dialog.lectura.mapeo["SDI"] is None


def test_the_clerk_compares_the_two_columns_side_by_side_and_picks_one(qtbot, tmp_path, modals):
    """«Salario Base de Cotización» (last period's values, most of them) and «SDI» that agree
    only on some rows, neither the field's own title: «Comparar…» shows both, row by row with
    their letters and titles, the rows that differ marked; «Usar D «SDI»» reads the file with
    it, the other column then «No se usa»."""
    from openpyxl import Workbook

    from icsoe_desktop.gui.kit.comparar_columnas import (
        AMBAR,
        DIFIEREN,
        CompararColumnasDialog,
    )
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        IMPORTACION as IMPORTAR_TRABAJADORES,
    )
    from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores
    from tests.archivos_de_nomina import trabajadores

    gente = trabajadores(25, seed=5)
    path = tmp_path / "nomina.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "CURP", "Salario Base de Cotización", "SDI"])
    for i, t in enumerate(gente):
        viejo = t.sbc / 100 if i % 3 == 0 else round(t.sbc / 100 - 37.5, 2)
        sheet.append([t.nss, t.curp, viejo, f"${t.sbc / 100:,.2f}"])
    book.save(path)
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida.columnas_ambiguas == {"sbc": ("Salario Base de Cotización", "SDI")}
    dialog = AsistenteImportacionDialog(IMPORTAR_TRABAJADORES, path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    boton = dialog.comparar["sbc"]
    assert sin_letra(boton.text()) == "Comparar C «Salario Base de Cotización» y D «SDI»…"
    qtbot.waitUntil(boton.hasFocus)

    vistas: list[dict] = []

    def elegir(comparar) -> None:  # what the clerk sees, then a click on «Usar D «SDI»»
        assert isinstance(comparar, CompararColumnasDialog)
        tabla = comparar.tabla
        vistas.append(
            {
                "titulo": comparar.windowTitle(),
                "mensaje": comparar.mensaje.text(),
                "columnas": [tabla.horizontalHeaderItem(c).text() for c in range(3)],
                "filas": [
                    tuple(tabla.item(r, c).text() for c in range(3))
                    for r in range(tabla.rowCount())
                ],
                "marcadas": [
                    r
                    for r in range(tabla.rowCount())
                    if tabla.item(r, 0).background().color() == AMBAR
                ],
                "numeros": [tabla.verticalHeaderItem(r).text() for r in range(tabla.rowCount())],
                "resumen": comparar.resumen.text(),
                "botones": [sin_letra(b.text()) for b in comparar.usar.values()],
            }
        )
        comparar.grab().save(str(tmp_path / "comparar_columnas.png"))
        dialog.grab().save(str(tmp_path / "asistente.png"))
        click(qtbot, comparar.usar["SDI"])

    modals.handle(elegir)
    click(qtbot, boton)
    qtbot.waitUntil(lambda: bool(vistas))
    (vista,) = vistas
    assert vista["titulo"] == "Comparar columnas — «SBC»"
    assert vista["mensaje"].startswith(
        "Las columnas C «Salario Base de Cotización» y D «SDI» son todas «SBC»."
    )
    assert vista["columnas"] == [
        "C «Salario Base de Cotización»",
        "D «SDI»",
        "¿Coinciden?",
    ]
    assert len(vista["filas"]) == 20 and vista["numeros"][:2] == ["Fila 2", "Fila 3"]
    distintas = [i for i in range(20) if i % 3 != 0]
    assert vista["marcadas"] == distintas
    assert [f[2] == DIFIEREN for f in vista["filas"]] == [i in distintas for i in range(20)]
    assert vista["filas"][1][1] == f"${gente[1].sbc / 100:,.2f}"  # as the file has it
    assert vista["resumen"] == f"No coinciden en {len(distintas)} de las 20 filas mostradas."
    assert vista["botones"] == [
        "Usar C «Salario Base de Cotización»",
        "Usar D «SDI»",
    ]
    # The choice is taken: the other column is not used, Aceptar reads the SDI.
    assert dialog.lectura.mapeo["SDI"] == "sbc"
    assert dialog.lectura.mapeo["Salario Base de Cotización"] is None
    assert dialog.combos["Salario Base de Cotización"].currentText() == NO_SE_USA
    assert dialog.aceptar.isEnabled() and dialog.faltan.text() == "" and not dialog.comparar
    archivo = leer_trabajadores(path, dialog.lectura.guia)
    assert [t.sbc for t in archivo.trabajadores] == [t.sbc for t in gente]


def test_an_import_with_sdi_and_sbc_goes_in_with_the_column_picked_side_by_side(
    qtbot, services, tmp_path, modals
):
    """Importar movimientos… as the clerk does it: a grid with an «SDI» that is not the SBC
    opens the assistant on the two; «Comparar…» shows them, «Usar …«SBC»» picks it, Aceptar
    imports every movement with the SBC of its «SBC» column."""
    from sqlalchemy import select

    from icsoe_desktop.gui.kit.comparar_columnas import CompararColumnasDialog
    from icsoe_desktop.store.models import MovimientoRow

    add_registros(services)
    path = tmp_path / "con_sdi.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["SDI", *HEADERS])
        for row in known_rows():
            sdi = f"{float(row['SBC']) + 10:.2f}" if row["SBC"] else ""
            writer.writerow([sdi, *(row.get(h, "") for h in HEADERS)])
    pasos: list[str] = []

    def comparar(dialog) -> None:
        assert isinstance(dialog, CompararColumnasDialog)
        pasos.append(dialog.windowTitle())
        (sbc,) = [b for col, b in dialog.usar.items() if col == "SBC"]
        click(qtbot, sbc)

    def asistente(dialog) -> None:
        assert isinstance(dialog, AsistenteImportacionDialog)
        assert not dialog.aceptar.isEnabled()
        pasos.append(sin_letra(dialog.comparar["sbc"].text()))
        modals.handle(comparar)
        click(qtbot, dialog.comparar["sbc"])
        assert dialog.lectura.mapeo["SBC"] == "sbc" and dialog.lectura.mapeo["SDI"] is None
        click(qtbot, dialog.aceptar)

    modals.handle(asistente)
    view = window(qtbot, services)
    view.import_from(path)
    wait_operations(qtbot)
    assert pasos == ["Comparar A «SDI» y G «SBC»…", "Comparar columnas — «SBC»"]
    assert modals.texts[-1].startswith("Se importaron 6 movimientos nuevos (0 ya existían).")
    with services.store.session() as session:
        guardados = sorted(session.scalars(select(MovimientoRow.sbc)), key=lambda v: v or 0)
    esperados = sorted((round(float(r["SBC"]) * 100) if r["SBC"] else None for r in known_rows()),
                       key=lambda v: v or 0)  # fmt: skip
    assert guardados == esperados


def test_the_rows_a_filter_hides_and_the_signatures_are_listed_as_left_out(qtbot, tmp_path):
    """A workers' list filtered to some rows, a TOTAL row and the signatures under it: the
    assistant lists each row that will be left out, and why."""
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        IMPORTACION as IMPORTAR_TRABAJADORES,
    )
    from tests.archivos_de_nomina import trabajadores
    from tests.services.libros_de_prueba import escribir

    filas = [("NSS", "CURP", "SBC"), *((t.nss, t.curp, t.sbc / 100) for t in trabajadores(6))]
    filas += [("TOTAL", None, 4000), ("Elaboró: ____________",), ("Revisó: ____________",)]
    path = escribir(tmp_path / "lista.xlsx", filas, {3, 5, 6}, filtro=True)
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida is not None and not leida.incierta
    dialog = AsistenteImportacionDialog(IMPORTAR_TRABAJADORES, path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    omitidas = [dialog.omitidas.item(i).text() for i in range(dialog.omitidas.count())]
    assert omitidas == [
        "Fila 3: oculta por un filtro",
        "Fila 5: oculta por un filtro",
        "Fila 6: oculta por un filtro",
        "Fila 8: fila de totales «TOTAL»",
        "Fila 9: debajo de la tabla «Elaboró: ____________»",
        "Fila 10: debajo de la tabla «Revisó: ____________»",
    ]
    dialog.grab().save(str(tmp_path / "asistente_filtro.png"))


def test_two_visible_columns_with_one_title_that_disagree_open_it_on_both(qtbot, tmp_path):
    """Last period's «SBC» left visible beside the new «SBC»: the assistant names both letters
    and holds Aceptar until the clerk picks one."""
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        IMPORTACION as IMPORTAR_TRABAJADORES,
    )
    from tests.archivos_de_nomina import trabajadores
    from tests.services.libros_de_prueba import escribir

    filas = [("NSS", "CURP", "SBC", "SBC")]
    filas += [(t.nss, t.curp, 999.99, t.sbc / 100) for t in trabajadores(4)]
    path = escribir(tmp_path / "lista.xlsx", filas)
    leida = mapeos.leer(IMPORTAR_TRABAJADORES, path)
    assert leida is not None and leida.incierta
    dialog = AsistenteImportacionDialog(IMPORTAR_TRABAJADORES, path, leida)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.faltan.text() == (
        "Las columnas C «SBC» y D «SBC» son todas «SBC» y no coinciden: elige una."
    )
    assert dialog.comparar["sbc"].text().replace("&", "") == "Comparar C «SBC» y D «SBC»…"
    assert not dialog.aceptar.isEnabled()
    qtbot.waitUntil(dialog.comparar["sbc"].hasFocus)  # opened on them
    dialog.grab().save(str(tmp_path / "asistente_dos_sbc.png"))
    nueva = dialog.combos[leida.columnas[3]]
    nueva.setCurrentIndex(nueva.findData("sbc"))
    assert dialog.aceptar.isEnabled()
    assert dialog.lectura.mapeo[leida.columnas[3]] == "sbc"


def test_two_columns_that_part_below_the_first_rows_open_it_before_the_import(
    qtbot, services, tmp_path, modals
):
    """Two «SBC» columns that agree on the first rows and part on row 36: the assistant opens
    on them before anything is read into the informativa (not a refusal after the import)."""
    from PySide6.QtWidgets import QWidget

    from icsoe_desktop.gui.kit.asistente_importacion import Cancelada, guia_de_importacion
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        IMPORTACION as IMPORTAR_TRABAJADORES,
    )
    from tests.archivos_de_nomina import trabajadores
    from tests.services.libros_de_prueba import escribir

    filas = [("NSS", "CURP", "SBC", "SBC")]
    for i, t in enumerate(trabajadores(40), start=2):
        filas.append((t.nss, t.curp, t.sbc / 100 + (1 if i == 36 else 0), t.sbc / 100))
    path = escribir(tmp_path / "lista.xlsx", filas)
    vistos: list[tuple[str, bool]] = []

    def asistente(dialog) -> None:
        assert isinstance(dialog, AsistenteImportacionDialog)
        vistos.append((dialog.faltan.text(), dialog.aceptar.isEnabled()))
        click(qtbot, dialog.cancelar)

    modals.handle(asistente)
    padre = QWidget()
    qtbot.addWidget(padre)
    with pytest.raises(Cancelada):  # the clerk's Cancelar: nothing is read
        guia_de_importacion(padre, services, ADMIN, IMPORTAR_TRABAJADORES, path)
    assert vistos == [
        ("Las columnas C «SBC» y D «SBC» son todas «SBC» y no coinciden: elige una.", False)
    ]
