"""The informativa window through the real windows and services on a real store: workers typed
(a wrong one refused with its message and the cursor in its field), imported (problems listed
by renglón, nothing added) and removed with Supr; 12,000 workers in the virtual grid; Revisar
listing the problems and then none; Firmar from the contratista's window with a real e.firma;
Exportar; and a keyboard-only walk from the pantalla de inicio to Revisar."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from icsoe_desktop.domain.informativa.modelo import Problema
from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.informativa.firmar import FirmarInformativaDialog
from icsoe_desktop.gui.informativa.problemas import ProblemasImportacionDialog
from icsoe_desktop.gui.informativa.trabajadores_model import PAGE_SIZE
from icsoe_desktop.gui.informativa.ventana import (
    MSG_LISTA_CON_AVISOS,
    MSG_SIN_INCONSISTENCIAS,
    InformativaWindow,
)
from tests import credentials_factory as cf
from tests.conftest import services_copying
from tests.gui.helpers import click, type_text, wait_operations
from tests.icsoe_helpers import NEW_PASSWORD
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    """(the contratista's RFC, Ana's CURP): Ana is active with the contratista."""
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


def open_window(qtbot, services, actor: str, rfc: str, uuid: str, firma: bool = False):
    window = InformativaWindow(services, actor, rfc, uuid, firma)
    qtbot.addWidget(window)
    window.show()
    return window


def grid(window: InformativaWindow) -> list[tuple[str, ...]]:
    """The workers' grid as shown (its hidden columns left out)."""
    model, tabla = window.trabajadores.model, window.trabajadores.tabla
    columnas = [c for c in range(model.columnCount()) if not tabla.isColumnHidden(c)]
    return [tuple(model.index(r, c).data() for c in columnas) for r in range(model.rowCount())]


def test_workers_typed_a_wrong_one_refused_with_its_field(qtbot, services, quien, modals):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    window = open_window(qtbot, services, ana, rfc, uuid)
    panel = window.trabajadores
    assert window.contratos_model.rowCount() == 1 and panel.contrato is not None
    assert not window.firmar.isVisible()  # the capturista captures; the contratista signs
    good, other = trabajadores_limpios(2, random.Random(21), PERIODO.anio)

    type_text(qtbot, panel.nss, good.nss)
    type_text(qtbot, panel.curp, good.curp.lower())  # typed in capitals whatever the keyboard
    assert panel.curp.text() == good.curp
    type_text(qtbot, panel.sbc, "1234.5")
    qtbot.keyClick(panel.sbc, Qt.Key.Key_Return)  # Enter adds
    assert grid(window) == [(good.nss, good.curp, "$ 1,234.50", "")]
    assert panel.total.text() == "1 trabajador"
    assert (panel.nss.text(), panel.curp.text(), panel.sbc.text()) == ("", "", "")
    assert window.contratos_model.index(0, 6).data() == "1"

    wrong_nss = other.nss[:-1] + str((int(other.nss[-1]) + 1) % 10)
    type_text(qtbot, panel.nss, wrong_nss)
    type_text(qtbot, panel.curp, other.curp)
    type_text(qtbot, panel.sbc, "400")
    click(qtbot, panel.agregar)
    assert "dígito verificador" in modals.texts[-1]
    assert (
        window.focusWidget() is panel.nss and panel.nss.text() == wrong_nss
    )  # nothing typed is lost
    assert panel.curp.text() == other.curp and len(grid(window)) == 1

    panel.nss.setText(other.nss)
    panel.curp.setText(good.curp)  # the CURP already in this contract
    qtbot.keyClick(panel.nss, Qt.Key.Key_Return)
    assert modals.texts[-1] == f"La CURP {good.curp} ya está en este contrato."
    assert window.focusWidget() is panel.curp
    assert len(grid(window)) == 1


def test_sbc_typed_as_mexico_writes_pesos_and_an_ambiguous_one_refused(
    qtbot, services, quien, modals
):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    window = open_window(qtbot, services, ana, rfc, uuid)
    panel = window.trabajadores
    first, second, third = trabajadores_limpios(3, random.Random(8), PERIODO.anio)

    for worker, typed in ((first, "$1,234.56"), (second, "1,234.5")):
        type_text(qtbot, panel.nss, worker.nss)
        type_text(qtbot, panel.curp, worker.curp)
        type_text(qtbot, panel.sbc, typed)
        qtbot.keyClick(panel.sbc, Qt.Key.Key_Return)
    assert [row[2] for row in grid(window)] == ["$ 1,234.56", "$ 1,234.50"]

    type_text(qtbot, panel.nss, third.nss)
    type_text(qtbot, panel.curp, third.curp)
    type_text(qtbot, panel.sbc, "1.234,56")
    click(qtbot, panel.agregar)
    assert modals.texts[-1] == (
        "El SBC «1.234,56» se puede leer de dos maneras: escríbelo con punto decimal y, si "
        "quieres, coma de miles, como se usa en México (1,234.56 o 1234.56)."
    )
    assert window.focusWidget() is panel.sbc and panel.sbc.text() == "1.234,56"
    assert len(grid(window)) == 2


@pytest.mark.slow  # the size is the point: 12,000 workers stored first
def test_12000_workers_scroll_to_the_end_at_once(qtbot, services, quien, modals):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    rows = trabajadores_limpios(12_000, random.Random(5), PERIODO.anio)
    result = services.informativa_trabajadores.agregar_varios(contrato, ana, list(rows))
    assert result.agregados == 12_000

    window = open_window(qtbot, services, ana, rfc, uuid)
    window.resize(1366, 740)
    QApplication.processEvents()
    table = window.trabajadores.tabla
    model = window.trabajadores.model
    assert model.rowCount() == 12_000 and window.trabajadores.total.text() == "12,000 trabajadores"
    assert model.loaded() <= PAGE_SIZE  # only what was painted was read

    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    table.viewport().repaint()
    assert table.currentIndex().row() == 11_999
    assert model.index(11_999, 0).data() == rows[-1].nss
    assert model.index(11_999, 1).data() == rows[-1].curp
    assert model.loaded() <= 2 * PAGE_SIZE  # the first page and the last, not all between

    # Supr removes the selected rows (after asking), here the last three: Shift+Up twice.
    for _ in range(2):
        qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    modals.answer("Quitar")
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert modals.texts[-1] == "Se quitarán 3 trabajadores del contrato. ¿Deseas continuar?"
    assert model.rowCount() == 11_997
    assert services.informativa_trabajadores.contar(contrato, ana) == 11_997
    assert model.index(11_996, 0).data() == rows[-4].nss


def test_importar_lists_the_rows_with_problems_and_adds_nothing(
    qtbot, services, quien, modals, tmp_path
):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    window = open_window(qtbot, services, ana, rfc, uuid)
    rows = trabajadores_limpios(5, random.Random(8), PERIODO.anio)
    lines = ["NSS,CURP,SBC"] + [f"{t.nss},{t.curp},{t.sbc / 100:.2f}" for t in rows]
    lines[3] = lines[3].replace(rows[2].nss, rows[2].nss[:9])  # renglón 4: a short NSS
    path = tmp_path / "trabajadores.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    seen: list[list[str]] = []

    def listed(dialog: ProblemasImportacionDialog) -> None:
        seen.append(dialog.lineas())
        click(qtbot, dialog.cerrar)

    modals.handle(listed)
    window.trabajadores.importar_de(path)  # in the background: the problems listed after
    wait_operations(qtbot)
    ((line,),) = seen
    # The two zeros Excel drops are restored: this NSS then fails its check digit.
    assert line.startswith("renglón 4: ") and f"00{rows[2].nss[:9]}" in line
    assert window.trabajadores.model.rowCount() == 0

    path.write_text("\r\n".join(["NSS,CURP,SBC", *lines[1:3]]) + "\r\n", encoding="cp1252")
    window.trabajadores.importar_de(path)
    wait_operations(qtbot)
    assert modals.texts[-1] == "Se agregaron 2 trabajadores de «trabajadores.csv» al contrato."
    assert [r[0] for r in grid(window)] == [rows[0].nss, rows[1].nss]


def test_revisar_lists_problems_leads_to_them_then_none(qtbot, services, quien, modals):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    otro = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2, seed=9)
    window = open_window(qtbot, services, ana, rfc, uuid)
    window.seleccionar_contrato(otro)
    click(qtbot, window.revisar)
    wait_operations(qtbot)  # the checks run in the background
    assert window.problemas_group.isVisible()
    items = [window.problemas.item(i).text() for i in range(window.problemas.count())]
    assert len(items) == 1
    assert items[0].startswith("Contrato con Cliente Uno, S.A. de C.V.")
    assert "no tiene trabajadores" in items[0]
    assert window.estado_label.text() == "<b>En captura</b>"
    # Activating the problem (Enter) selects its contract and puts the cursor in the NSS.
    window.problemas.setFocus()
    window.problemas.setCurrentRow(0)
    qtbot.keyClick(window.problemas, Qt.Key.Key_Return)
    assert window.contrato_actual().uuid == contrato
    assert window.focusWidget() is window.trabajadores.nss
    # A worker's problem selects its row.
    window.ir_al_problema(Problema("sbc", "renglón 2", contrato=otro, campo="sbc", renglon=2))
    assert window.contrato_actual().uuid == otro
    assert window.trabajadores.tabla.currentIndex().row() == 1

    window.seleccionar_contrato(contrato)
    (t,) = trabajadores_limpios(1, random.Random(77), PERIODO.anio)
    type_text(qtbot, window.trabajadores.nss, t.nss)
    type_text(qtbot, window.trabajadores.curp, t.curp)
    type_text(qtbot, window.trabajadores.sbc, "500")
    qtbot.keyClick(window.trabajadores.sbc, Qt.Key.Key_Return)
    click(qtbot, window.revisar)
    wait_operations(qtbot)
    assert modals.texts[-1] == MSG_SIN_INCONSISTENCIAS
    assert not window.problemas_group.isVisible()
    assert window.estado_label.text() == "<b>Lista para firma</b>"


def test_firmar_from_the_contratistas_window(qtbot, services, quien, modals, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    cer, key = cf.fiel_moral().write(tmp_path / "firma")
    contratista = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(contratista)
    contratista.show()
    contratista.informativas_action.trigger()
    inicio = contratista.informativas
    inicio.seleccionar(uuid)
    click(qtbot, inicio.abrir)
    window = inicio.ventanas[uuid]
    assert window.firmar.isVisible() and window.firmar.isEnabled()

    refused = []

    def wrong_password(dialog: FirmarInformativaDialog) -> None:
        dialog.set_certificado(str(cer))
        dialog.set_llave(str(key))
        type_text(qtbot, dialog.contrasena, "no-es-la-contraseña")
        click(qtbot, dialog.firmar)  # signs in the background; the refusal comes in a box
        qtbot.waitUntil(lambda: any("contraseña" in t.lower() for t in modals.texts))
        refused.append((dialog.isVisible(), dialog.acuse))
        dialog.contrasena.clear()
        type_text(qtbot, dialog.contrasena, cf.PASSWORD)
        qtbot.keyClick(dialog.contrasena, Qt.Key.Key_Return)  # Enter signs

    modals.handle(wrong_password)
    modals.answer("Aceptar", "Aceptar", "Ahora no")  # Revisar's «sin inconsistencias», …
    click(qtbot, window.firmar)
    wait_operations(qtbot)  # Revisar, then the e.firma dialog, then the signature
    assert refused == [(True, None)]  # refused, the dialog still open
    assert "contraseña" in modals.texts[-2].lower()
    assert modals.texts[-1].startswith("La informativa quedó firmada.")
    assert window.estado_label.text() == "<b>Firmada, sin presentar</b>"
    assert services.informativas.fila(uuid, rfc).estado == "firmada"
    for control in (
        window.nuevo_contrato,
        window.copiar_contrato,
        window.eliminar_contrato,
        window.trabajadores.nss,
        window.trabajadores.agregar,
        window.trabajadores.importar,
        window.trabajadores.empresa,
        window.revisar,
        window.firmar,
    ):
        assert not control.isEnabled(), control.objectName()
    assert window.acuse.isVisible() and window.exportar.isEnabled()
    # What the contratista signed is its constancia de firma, not the portal's acuse.
    assert window.acuse.text().replace("&", "") == "Guardar constancia de firma…"
    assert "acuse de presentación lo emite ese portal" in modals.texts[-1]
    assert window.nombre_acuse() == f"Constancia_firma_ICSOE_{rfc}_{window.fila.periodo.clave}.pdf"
    viewed = []
    modals.handle(lambda dialog: (viewed.append(dialog.solo_lectura), dialog.reject()))
    qtbot.keyClick(window.contratos, Qt.Key.Key_Return)  # the contract, to be consulted
    assert viewed == [True]
    assert inicio.model.rows[1].estado_texto == "Firmada, sin presentar"
    saved = window.guardar_acuse_en(tmp_path / "acuse")
    assert saved == tmp_path / "acuse.pdf" and saved.read_bytes().startswith(b"%PDF")
    # Audited: what, how big and where.
    guardada = services.audit.recent()[0]
    assert (guardada.action, guardada.target) == ("icsoe_constancia_guardada", uuid)
    assert guardada.detail == (
        f"constancia de firma ({saved.stat().st_size:,} bytes) en «{saved.resolve()}»"
    )
    window.close()

    # Opened again (here by the capturista), it is read-only and offers the acuse.
    again = open_window(qtbot, services, ana, rfc, uuid)
    assert again.solo_lectura.text() == "Firmada: sólo consulta"
    assert not again.trabajadores.nss.isEnabled() and again.acuse.isVisible()


def test_firmar_refused_while_the_time_stamp_server_fails(qtbot, services, quien, modals, tmp_path):
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.informativa.firma import MSG_SELLO_FALLIDO
    from tests.servidor_tsa import servidor_tsa

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    cer, key = cf.fiel_moral().write(tmp_path / "firma")
    with servidor_tsa() as tsa:
        services.settings.save_sello_tiempo(tsa.url, CLI_ACTOR)
        tsa.falla = "basura"
        dialog = FirmarInformativaDialog(services, rfc, uuid, "resumen")
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.set_certificado(str(cer))
        dialog.set_llave(str(key))
        type_text(qtbot, dialog.contrasena, cf.PASSWORD)
        click(qtbot, dialog.firmar)
        qtbot.waitUntil(lambda: bool(modals.texts), timeout=30_000)
        wait_operations(qtbot)
    assert modals.texts == [MSG_SELLO_FALLIDO.format(url=tsa.url)]
    assert dialog.isVisible() and dialog.acuse is None  # nothing signed: it can be tried again
    assert services.informativas.fila(uuid, rfc).estado != "firmada"


def test_exportar_writes_the_portals_files(qtbot, services, quien, modals, tmp_path):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=3)
    window = open_window(qtbot, services, ana, rfc, uuid)
    carpeta = tmp_path / "portal"
    carpeta.mkdir()  # the folder dialog gives an existing folder
    modals.answer("Cerrar")
    window.exportar_a(carpeta)  # written in the background, then listed in a box
    wait_operations(qtbot)
    files = sorted(carpeta.iterdir())
    assert len(files) == 2 and all(p.exists() for p in files)
    assert modals.texts[-1].startswith("Se guardaron 2 archivos en")
    assert {p.suffix for p in files} == {".csv", ".xlsx"}


def press_alt(qtbot, window, letter_of) -> None:
    text = letter_of.text()
    letter = text[text.index("&") + 1].upper()
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, getattr(Qt.Key, f"Key_{letter}"), Qt.KeyboardModifier.AltModifier)


def test_keyboard_only_from_the_inicio_to_revisar(qtbot, services, quien, modals):
    rfc, ana = quien
    capturista = IcsoeCapturistaWindow(
        services, services.acceso_capturista.iniciar_sesion(ana, NEW_PASSWORD)
    )
    qtbot.addWidget(capturista)
    capturista.show()
    capturista.set_contratista(services.acceso_capturista.seleccionar(ana, rfc))
    capturista.activateWindow()
    qtbot.waitUntil(capturista.isActiveWindow)
    inicio = capturista.informativas

    def nueva(dialog) -> None:
        qtbot.keyClick(dialog.periodo, Qt.Key.Key_Down)  # mayo–agosto 2026
        qtbot.keyClick(dialog.periodo, Qt.Key.Key_Return)  # Crear

    modals.handle(nueva)
    press_alt(qtbot, capturista, inicio.nueva)
    qtbot.waitUntil(lambda: len(inicio.ventanas) == 1)
    (uuid, window) = next(iter(inicio.ventanas.items()))
    assert window.fila.periodo == PERIODO
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert window.isVisible()  # Escape never closes a window with data on screen
    press_alt(qtbot, window, window.cerrar)
    qtbot.waitUntil(lambda: not inicio.ventanas)  # a mnemonic «animates» its click first
    # The contract (its dialog is the contract form's own test) is saved through the service.
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    qtbot.keyClick(inicio.tabla, Qt.Key.Key_Down)
    assert inicio.seleccionada().uuid == uuid
    qtbot.keyClick(inicio.tabla, Qt.Key.Key_Return)  # Abrir
    window = inicio.ventanas[uuid]
    qtbot.waitUntil(window.isActiveWindow)
    assert window.contratos.hasFocus() and window.contrato_actual() is not None
    panel = window.trabajadores
    press_alt(qtbot, window, window.findChild(type(window.problemas_label), "nssLabel"))
    assert panel.nss.hasFocus()
    (t,) = trabajadores_limpios(1, random.Random(31), PERIODO.anio)
    for text in (t.nss, t.curp, "425.10"):
        qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(panel.agregar, Qt.Key.Key_Space)  # the focus reached Agregar
    assert grid(window) == [(t.nss, t.curp, "$ 425.10", "")]
    press_alt(qtbot, window, window.revisar)
    qtbot.waitUntil(lambda: MSG_SIN_INCONSISTENCIAS in modals.texts)
    assert window.estado_label.text() == "<b>Lista para firma</b>"


def test_a_contract_problem_opens_the_contract_form_at_its_field(qtbot, services, quien, modals):
    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=1)
    window = open_window(qtbot, services, ana, rfc, uuid)

    def sin_folio(dialog) -> None:  # Editar…: the folio and the description erased
        dialog.folio_repse.clear()
        dialog.descripcion.setPlainText("")
        click(qtbot, dialog.guardar)

    modals.handle(sin_folio)
    click(qtbot, window.editar_contrato)
    assert window.contratos_model.index(0, 3).data() == ""
    click(qtbot, window.revisar)
    wait_operations(qtbot)
    first = window.problemas.item(0)
    assert "falta" in first.text() and "folio del REPSE" in first.text()
    focused = []

    def at_field(dialog) -> None:
        focused.append((dialog.contrato_uuid, dialog.focusWidget() is dialog.folio_repse))
        dialog.reject()

    modals.handle(at_field)
    window.problemas.itemActivated.emit(first)  # what a double click or Enter on it does
    assert focused == [(contrato, True)]


def test_nuevo_and_copiar_contrato_through_their_dialogs(qtbot, services, quien, modals):
    rfc, ana = quien
    anterior = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, anterior, trabajadores=4)
    uuid = services.informativas.crear(rfc, ana, PERIODO.siguiente())
    window = open_window(qtbot, services, ana, rfc, uuid)
    assert window.contratos_model.rowCount() == 0 and not window.trabajadores.nss.isEnabled()

    def nuevo(dialog) -> None:
        dialog.contratante.setCurrentIndex(1)  # the contratante saved with the other contract
        type_text(qtbot, dialog.objeto, "Vigilancia del almacén")
        click(qtbot, dialog.guardar)

    modals.handle(nuevo)
    click(qtbot, window.nuevo_contrato)
    assert window.contratos_model.rowCount() == 1
    assert window.contrato_actual().objeto == "Vigilancia del almacén"  # selected, and its
    assert window.trabajadores.nss.isEnabled()  # workers can be added

    def copiar(dialog) -> None:
        dialog.marcar([0])
        click(qtbot, dialog.copiar)

    modals.handle(copiar)
    click(qtbot, window.copiar_contrato)
    objetos = [c.objeto for c in window.contratos_model.rows]
    assert objetos == ["Vigilancia del almacén", "Limpieza especializada de la planta Norte"]
    assert [c.trabajadores for c in window.contratos_model.rows] == [0, 4]

    window.seleccionar_contrato(window.contratos_model.rows[1].uuid)
    assert window.trabajadores.model.rowCount() == 4
    modals.answer("Eliminar")
    qtbot.keyClick(window.contratos, Qt.Key.Key_Delete)  # Supr on the contract
    assert modals.texts[-1] == (
        "Se eliminará el contrato con Cliente Uno, S.A. de C.V. junto con 4 trabajadores "
        "asignados. ¿Deseas continuar?"
    )
    assert [c.objeto for c in window.contratos_model.rows] == ["Vigilancia del almacén"]


def test_de_la_empresa_adds_its_own_workers(qtbot, services, quien, modals, tmp_path):
    from tests.services.movimientos_data import CURPS, load_known, nss

    rfc, ana = quien
    load_known(services, tmp_path)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    window = open_window(qtbot, services, ana, rfc, uuid)

    def pick(dialog) -> None:
        type_text(qtbot, dialog.buscar, "claudia lopez")
        qtbot.keyClick(dialog.buscar, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        click(qtbot, dialog.agregar)
        click(qtbot, dialog.cerrar)

    modals.handle(pick)
    click(qtbot, window.trabajadores.empresa)
    assert grid(window) == [(nss(1), CURPS[0], "$ 651.84", "CLAUDIA LOPEZ RUIZ")]
    assert window.contratos_model.index(0, 6).data() == "1"


def test_every_control_of_the_window_and_its_dialogs_has_its_own_letter(qtbot, services, quien):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from icsoe_desktop.gui.informativa.nueva import NuevaInformativaDialog

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    windows = [
        open_window(qtbot, services, rfc, rfc, uuid, firma=True),
        NuevaInformativaDialog(services, ana, rfc),
        FirmarInformativaDialog(services, rfc, uuid, "resumen"),
    ]
    for window in windows:
        qtbot.addWidget(window)
        controls = [
            w
            for w in window.findChildren(QAbstractButton) + window.findChildren(QLabel)
            if not w.isHidden()  # what this estado shows; the others take letters when shown
            and (
                (isinstance(w, QAbstractButton) and w.text())
                or (isinstance(w, QLabel) and w.buddy() is not None)
            )
        ]
        letters = [w.text().replace("&&", "").partition("&")[2][:1].lower() for w in controls]
        assert "" not in letters, [w.text() for w in controls]
        assert len(set(letters)) == len(letters), sorted(letters)


def test_revisar_lists_a_wrong_rfc_check_digit_as_a_warning_that_does_not_block(
    qtbot, services, quien, modals
):
    from dataclasses import replace

    from tests.informativa_servicios import CLIENTE

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    [contratante] = services.informativas.contratantes(rfc, ana)
    _uuid, avisos = services.informativas.guardar_contratante(
        rfc, ana, replace(CLIENTE, rfc="CEN010101AA2"), contratante.uuid
    )
    assert avisos  # said once at save
    window = open_window(qtbot, services, ana, rfc, uuid)
    click(qtbot, window.revisar)
    wait_operations(qtbot)
    # Listed every time Revisar runs, as an aviso: the informativa is ready for signing.
    assert modals.texts[-1] == MSG_LISTA_CON_AVISOS.format(cuantos="1 aviso")
    assert window.problemas_group.isVisible()
    [item] = [window.problemas.item(i).text() for i in range(window.problemas.count())]
    assert item.startswith("Aviso: Contrato con Cliente Uno, S.A. de C.V.")
    assert "dígito verificador del RFC del contratante (CEN010101AA2)" in item
    assert "no impide firmar" in item
    assert window.problemas_label.text().startswith("Sin inconsistencias")
    assert window.estado_label.text() == "<b>Lista para firma</b>"


def test_closing_with_a_half_typed_worker_asks_to_save_it(qtbot, services, quien, modals):
    from icsoe_desktop.gui.kit.cambios import MSG_GUARDAR_CAMBIOS

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=1)
    window = open_window(qtbot, services, ana, rfc, uuid)
    type_text(qtbot, window.trabajadores.nss, "1200")
    modals.answer("Cancelar")
    window.close()
    assert modals.texts == [MSG_GUARDAR_CAMBIOS]
    assert window.isVisible() and window.trabajadores.nss.text() == "1200"  # nothing lost
    # Sí: it is added if it can be; this one cannot, so it is said and the window stays.
    modals.answer("Sí", "Aceptar")
    window.close()
    qtbot.waitUntil(lambda: len(modals.texts) == 3)
    assert window.isVisible()
    modals.answer("No")
    window.close()
    assert not window.isVisible()


def test_with_the_inconsistencias_open_nss_curp_and_sbc_still_show_what_they_hold(
    qtbot, services, quien, tmp_path
):
    """A 1366×768 screen: the panel takes its part of the window and the boxes to type a
    worker in keep room for an NSS, a CURP and an SBC (they were squeezed to a few letters)."""
    from icsoe_desktop.gui.kit.geometria import centrar

    rfc, ana = quien
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid)
    window = open_window(qtbot, services, ana, rfc, uuid)
    window.resize(1300, 690)  # the window on a 1366×768 screen, its frame and taskbar aside
    centrar(window)
    aviso = "Falta el objeto del contrato número 1 de la informativa, que es obligatorio."
    window.mostrar_problemas([Problema("objeto", aviso)] * 3)
    assert window.problemas_group.isVisible()
    panel = window.trabajadores
    muestras = (
        (panel.nss, "00000000000"),
        (panel.curp, "GARB850101HJCRZT07"),
        (panel.sbc, "99,999.99"),
    )
    for edit, muestra in muestras:
        qtbot.waitUntil(lambda e=edit, m=muestra: e.width() > e.fontMetrics().horizontalAdvance(m))
    window.grab().save(str(tmp_path / "inconsistencias.png"))
