"""The IMSS portal's rejections in the informativa window, through its real buttons: the Excel
the portal returned marks the workers of the signed informativa (the contract's list shows the
reason, «Rechazados por el portal» lists only them); a file with bad rows lists them all with
their sheet rows; a file with other column names goes through the import assistant once; in a
Corrección *Corregir…* marks a worker corregido and *Exportar rechazados…* writes only them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from icsoe_desktop.domain.informativa.modelo import CORRECCION
from icsoe_desktop.gui.informativa.corregir_trabajador import CorregirTrabajadorDialog
from icsoe_desktop.gui.informativa.problemas import ProblemasImportacionDialog
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.asistente_importacion import AsistenteImportacionDialog
from tests.conftest import services_copying
from tests.gui.helpers import click, pool_ocupado, pulsar_cancelar, type_text, wait_operations
from tests.gui.test_informativa_ventana import grid, open_window
from tests.informativa_servicios import CLIENTE, PERIODO, firmada_una_vez
from tests.services.test_informativa_rechazos import MOTIVO_NSS, MOTIVO_REPETIDO, portal_xlsx

RECHAZO = 4  # the grid's column «Rechazo del portal»
ROJO_ROLE = Qt.ItemDataRole.ForegroundRole


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(5, 7)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured):
    """(rfc, ana, uuid of a signed informativa with one contract of 5 workers, the contract)."""
    rfc, ana, uuid, (contrato,), _constancia = _firmada_una_vez[1]
    return rfc, ana, uuid, contrato


def _elegir(monkeypatch, path: Path) -> None:
    """The file dialog (Qt's own) answers with ``path``."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def test_the_portals_file_marks_the_workers_and_the_list_shows_them(
    qtbot, services, firmada, modals, tmp_path, monkeypatch
):
    rfc, ana, uuid, contrato = firmada
    t = services.informativa_trabajadores.pagina(contrato, ana, 0, 5)
    window = open_window(qtbot, services, ana, rfc, uuid)
    boton = window.rechazos.importar
    assert boton.isVisible() and boton.isEnabled()
    _elegir(
        monkeypatch,
        portal_xlsx(
            tmp_path / "rechazos.xlsx",
            [
                (1, t[1].nss, t[1].curp, 500, MOTIVO_NSS),
                (1, t[3].nss, t[3].curp, 1, MOTIVO_REPETIDO),
            ],
        ),
    )
    modals.answer("Aceptar")
    click(qtbot, boton)
    wait_operations(qtbot)
    assert modals.texts[-1].startswith(
        "Se marcaron 2 trabajadores rechazados por el portal con su motivo."
    )
    filas = grid(window)
    assert [f[RECHAZO] for f in filas] == ["", MOTIVO_NSS, "", MOTIVO_REPETIDO, ""]
    model = window.trabajadores.model
    assert (
        model.index(1, 0).data(ROJO_ROLE) == colores.color(colores.ERROR, colores.BASE)
        and model.index(0, 0).data(ROJO_ROLE) is None
    )

    click(qtbot, window.trabajadores.rechazados)  # «Rechazados por el portal»
    assert [f[0] for f in grid(window)] == [t[1].nss, t[3].nss]
    assert window.trabajadores.total.text() == "2 trabajadores rechazados por el portal"
    # Signed: nothing to correct here; the marks stay as the portal gave them.
    assert not window.trabajadores.corregir.isEnabled()
    window.resize(1300, 700)
    window.grab().save(str(tmp_path / "rechazos.png"))


def test_three_bad_rows_are_listed_with_their_sheet_rows(
    qtbot, services, firmada, modals, tmp_path, monkeypatch
):
    rfc, ana, uuid, contrato = firmada
    t = services.informativa_trabajadores.pagina(contrato, ana, 0, 5)
    window = open_window(qtbot, services, ana, rfc, uuid)
    _elegir(
        monkeypatch,
        portal_xlsx(
            tmp_path / "rechazos.xlsx",
            [
                (1, t[0].nss, t[0].curp, 500, MOTIVO_NSS),
                (1, "12345678903", "", 500, MOTIVO_NSS),
                (2, t[1].nss, t[1].curp, 500, MOTIVO_NSS),
                (1, t[2].nss, t[2].curp, 500, None),  # no reason given: a good row
            ],
        ),
    )
    vistos: list[list[str]] = []

    def listados(dialog: ProblemasImportacionDialog) -> None:
        vistos.append(dialog.lineas())
        click(qtbot, dialog.cerrar)

    modals.handle(listados)
    click(qtbot, window.rechazos.importar)
    wait_operations(qtbot)
    assert vistos == [
        [
            "fila 5: El trabajador con NSS 12345678903 no está en el contrato 1 (CNT010101A14).",
            "fila 6: El contrato «2» no está en esta informativa.",
        ]
    ]
    # All or nothing: no worker marked, so neither the column nor the filter shows.
    assert services.informativa_trabajadores.contar(contrato, ana, rechazados=True) == 0
    assert window.trabajadores.tabla.isColumnHidden(RECHAZO)
    assert not window.rechazos.exportar.isVisible()


def test_other_column_names_go_through_the_assistant_once(
    qtbot, services, firmada, modals, tmp_path, monkeypatch
):
    rfc, ana, uuid, contrato = firmada
    t = services.informativa_trabajadores.pagina(contrato, ana, 0, 5)
    window = open_window(qtbot, services, ana, rfc, uuid)

    def archivo(nombre: str, fila: int) -> Path:
        libro = Workbook()
        hoja = libro.active
        hoja.append(("Resultado de la carga",))
        hoja.append(("Afiliado", "Problema encontrado"))
        hoja.append((t[fila].nss, MOTIVO_NSS))
        path = tmp_path / nombre
        libro.save(path)
        return path

    asistentes: list[AsistenteImportacionDialog] = []

    def mapear(dialog: AsistenteImportacionDialog) -> None:
        asistentes.append(dialog)
        assert not dialog.aceptar.isEnabled()  # NSS and the reason have no column yet
        dialog.encabezado.setValue(2)  # the header, under the title
        for columna, campo in (("Afiliado", "nss"), ("Problema encontrado", "motivo")):
            combo = dialog.combos[columna]
            combo.setCurrentIndex(combo.findData(campo))
        assert dialog.encabezado.value() == 2 and dialog.aceptar.isEnabled()
        click(qtbot, dialog.aceptar)

    modals.handle(mapear)
    modals.answer("Aceptar")
    _elegir(monkeypatch, archivo("mayo.xlsx", 0))
    click(qtbot, window.rechazos.importar)
    wait_operations(qtbot)
    assert len(asistentes) == 1
    assert modals.texts[-1].startswith("Se marcó 1 trabajador rechazado por el portal")
    # Next time, a file of the same shape goes straight in.
    modals.answer("Aceptar")
    _elegir(monkeypatch, archivo("junio.xlsx", 2))
    click(qtbot, window.rechazos.importar)
    wait_operations(qtbot)
    assert len(asistentes) == 1
    assert [f[RECHAZO] for f in grid(window)] == [MOTIVO_NSS, "", MOTIVO_NSS, "", ""]


def test_in_a_correccion_correcting_clears_the_mark_and_only_the_rejected_are_exported(
    qtbot, services, firmada, modals, tmp_path, monkeypatch
):
    rfc, ana, uuid, contrato = firmada
    t = services.informativa_trabajadores.pagina(contrato, ana, 0, 5)
    archivo = portal_xlsx(
        tmp_path / "rechazos.xlsx",
        [(1, t[0].nss, t[0].curp, 1, MOTIVO_NSS), (1, t[2].nss, t[2].curp, 1, MOTIVO_REPETIDO)],
    )
    assert services.informativa_rechazos.importar(uuid, ana, archivo).problemas == []
    correccion = services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    window = open_window(qtbot, services, ana, rfc, correccion)
    # En captura it takes the portal's file too: the portal rejects on upload, while captured.
    assert window.rechazos.importar.isVisible()
    panel = window.trabajadores
    click(qtbot, panel.rechazados)
    assert [f[0] for f in grid(window)] == [t[0].nss, t[2].nss]

    carpeta = tmp_path / "portal"
    carpeta.mkdir()
    pedidas: list[str] = []

    def pedir_carpeta(*_a, **_k) -> str:
        pedidas.append(str(carpeta))
        return str(carpeta)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", pedir_carpeta)
    modals.answer("Aceptar")
    click(qtbot, window.rechazos.exportar)
    wait_operations(qtbot)
    assert modals.texts[-1] == (
        "2 trabajadores rechazados por el portal siguen sin corregir (contrato 1, contratante "
        f"{CLIENTE.rfc}: 2): corrígelos (con «Corregir…») antes de exportarlos."
    )
    assert pedidas == []  # said before any folder is asked for

    def corregir(sbc: str):
        def en_el_dialogo(dialog: CorregirTrabajadorDialog) -> None:
            assert dialog.motivo.isVisible() and "Rechazado por el portal" in dialog.motivo.text()
            dialog.sbc.clear()
            type_text(qtbot, dialog.sbc, sbc)
            click(qtbot, dialog.guardar)

        return en_el_dialogo

    for fila, sbc in ((0, "512.30"), (1, "498.00")):
        panel.tabla.selectRow(fila)
        assert panel.corregir.isEnabled()
        modals.handle(corregir(sbc))
        click(qtbot, panel.corregir)
    assert [(f[2], f[RECHAZO]) for f in grid(window)] == [
        ("$ 512.30", f"Corregido: {MOTIVO_NSS}"),
        ("$ 498.00", f"Corregido: {MOTIVO_REPETIDO}"),
    ]
    assert panel.model.index(0, 0).data(ROJO_ROLE) is None  # no longer to correct

    modals.answer("Cerrar")
    click(qtbot, window.rechazos.exportar)
    wait_operations(qtbot)
    assert modals.texts[-1].startswith("Se guardó 1 archivo con los trabajadores rechazados")
    assert pedidas == [str(carpeta)]
    (csv,) = carpeta.iterdir()
    assert csv.read_text(encoding="cp1252").splitlines() == [
        "NSS,CURP,SBC",
        f"{t[0].nss},{t[0].curp},512.30",
        f"{t[2].nss},{t[2].curp},498.00",
    ]


def test_in_capture_the_portals_file_marks_the_contract_on_screen_to_correct_it_there(
    qtbot, services, firmada, modals, tmp_path, monkeypatch
):
    """The portal rejects on upload, one contract at a time, before anything is signed: the
    file (only the NSS) marks the contract the clerk is on, and says to correct it right there
    and upload it again, not to file a Corrección."""
    rfc, ana, uuid, _contrato = firmada
    captura = services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    (copia,) = services.informativas.contratos(captura, ana)
    t = services.informativa_trabajadores.pagina(copia.uuid, ana, 0, 5)
    archivo = tmp_path / "rechazados_carga.xlsx"
    libro = Workbook()
    libro.active.append(("NSS",))
    libro.active.append((t[2].nss,))
    libro.save(archivo)
    window = open_window(qtbot, services, ana, rfc, captura)
    assert window.contrato_actual().uuid == copia.uuid
    _elegir(monkeypatch, archivo)
    modals.answer("Aceptar")
    click(qtbot, window.rechazos.importar)
    wait_operations(qtbot)
    assert modals.texts[-1].startswith(
        "Se marcó 1 trabajador rechazado por el portal con su motivo. Corrige a cada uno aquí "
        "mismo con «Corregir…» y vuelve a cargarlos en el portal, en la misma informativa"
    )
    assert [f[RECHAZO] for f in grid(window)][2].startswith("Rechazado por el portal del IMSS")


def test_cancelar_while_the_portals_file_is_read_marks_nobody(
    qtbot, services, firmada, modals, tmp_path
):
    from icsoe_desktop.gui.informativa.rechazos import MSG_CANCELADA

    rfc, ana, uuid, contrato = firmada
    t = services.informativa_trabajadores.pagina(contrato, ana, 0, 5)
    window = open_window(qtbot, services, ana, rfc, uuid)
    path = portal_xlsx(tmp_path / "rechazos.xlsx", [(1, t[1].nss, t[1].curp, 500, MOTIVO_NSS)])
    with pool_ocupado(qtbot):
        window.rechazos.importar_de(path)
        pulsar_cancelar(qtbot, window)
    wait_operations(qtbot)
    assert modals.texts == [MSG_CANCELADA.format(archivo="rechazos.xlsx")]
    assert services.informativa_trabajadores.contar(contrato, ana, rechazados=True) == 0
    assert services.en_curso.recoger() == []
