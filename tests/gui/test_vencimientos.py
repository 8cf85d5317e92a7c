"""ICSOE › Vencimientos in the main window: the informativas still to file of the contratistas
of two empresas, past due in red, a signed one in bold until its IMSS acuse is registered (ICSOE
› Registrar presentación…), and only the empresas the user may open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.gui.informativa.presentacion import MSG_REGISTRADA_NO_PROBADA
from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from tests import credentials_factory as cf
from tests.conftest import made_once, services_copying
from tests.gui.helpers import click, paleta_de_alto_contraste
from tests.services.test_vencimientos import ANA, BETO, PASSWORD, RFC_OTRO, contratista


def dos_empresas(services, tmp_path) -> None:
    services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
    services.accounts.register(Registration("Beto", "Paz", "", BETO, PASSWORD, PASSWORD, True))
    services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", ANA)
    primera = services.nombrar_empresa().id
    segunda = services.empresas.crear("BOD020202BB3", "Bodegas Dos SA de CV", ANA).id
    services.accesos.retirar(BETO, primera, ANA)
    services.accesos.conceder(BETO, segunda, ANA)
    contratista(services, tmp_path, cf.RFC_MORAL, "EMPRESA DEMO SA DE CV")
    services.informativas.crear(cf.RFC_MORAL, cf.RFC_MORAL, Periodo(2026, 2))
    services.abrir_empresa(segunda)
    contratista(services, tmp_path, RFC_OTRO, "SERVICIOS DOS SA DE CV")
    services.abrir_empresa(primera)


@pytest.fixture(scope="module")
def _dos_empresas_una_vez(tmp_path_factory):
    def hacer(services, _data_dir, folder, _smtp) -> int:
        dos_empresas(services, folder)
        return services.empresa.id

    return made_once(tmp_path_factory, hacer)


services = services_copying(empresas="_dos_empresas_una_vez")


@pytest.fixture
def empresas(_dos_empresas_una_vez, services) -> None:
    """``dos_empresas`` on this test's own copy of the store, the first empresa open."""
    assert services.empresa.id == _dos_empresas_una_vez[1]


def grid(dialog: VencimientosDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def open_board(qtbot, services, modals, usuario: str) -> dict:
    window = VentanaPrincipal(services, usuario)
    qtbot.addWidget(window)
    window.show()
    icsoe = next(a.menu() for a in window.menuBar().actions() if a.text() == "&ICSOE")
    assert window.vencimientos_action in icsoe.actions()
    assert window.vencimientos_action.text() == "&Vencimientos…"
    seen: dict = {}

    def look(dialog) -> None:
        seen["grid"] = grid(dialog)
        seen["resumen"] = dialog.resumen.text()
        seen["rojo"] = [
            dialog.model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole)
            for r in range(dialog.model.rowCount())
        ]
        seen["title"] = dialog.windowTitle()
        seen["aviso"] = dialog.aviso.text() if dialog.aviso.isVisibleTo(dialog) else ""
        seen["alineacion"] = {
            dialog.model.index(r, 6).data(Qt.ItemDataRole.TextAlignmentRole)
            for r in range(dialog.model.rowCount())
        }
        click(qtbot, dialog.cerrar)

    modals.handle(look)
    window.vencimientos_action.trigger()
    return seen


def test_the_board_of_two_empresas_from_the_icsoe_menu(qtbot, services, empresas, modals):
    seen = open_board(qtbot, services, modals, ANA)
    assert seen["title"] == "Vencimientos de informativas ICSOE"
    assert seen["grid"] == [
        ["Abarrotes Uno SA de CV", cf.RFC_MORAL, "EMPRESA DEMO SA DE CV", "mayo–agosto 2026",
         "En captura", "17/09/2026", "Vencida hace 66 días"],
        ["Bodegas Dos SA de CV", RFC_OTRO, "SERVICIOS DOS SA DE CV", "mayo–agosto 2026",
         "Sin presentar", "17/09/2026", "Vencida hace 66 días"],
        ["Abarrotes Uno SA de CV", cf.RFC_MORAL, "EMPRESA DEMO SA DE CV",
         "septiembre–diciembre 2026", "Sin presentar", "18/01/2027", "Faltan 57 días"],
        ["Bodegas Dos SA de CV", RFC_OTRO, "SERVICIOS DOS SA DE CV",
         "septiembre–diciembre 2026", "Sin presentar", "18/01/2027", "Faltan 57 días"],
    ]  # fmt: skip
    # The days left read as in the informativas list («Faltan 57 días»), not a bare number,
    # and sit as there: words, at the left.
    assert seen["alineacion"] == {None}
    rojos = [
        isinstance(b, QBrush) and b.color() == colores.color(colores.ERROR, colores.BASE)
        for b in seen["rojo"]
    ]
    assert rojos == [True, True, False, False]
    assert seen["resumen"].startswith("4 periodos pendientes de presentar")
    assert "2 vencidos</b></span> (en rojo, los que dicen «Vencida hace…»)" in seen["resumen"]


def test_an_empresa_whose_store_cannot_be_read_is_named_with_why(qtbot, services, empresas, modals):
    tercera = services.empresas.crear("CON030303CC3", "Constructora Tres SC", ANA)
    path = services.empresas.ruta(tercera)
    path.write_bytes(b"esto no es una base de datos" * 200)
    seen = open_board(qtbot, services, modals, ANA)
    assert seen["aviso"] == (
        "No se pudo leer la base de datos de: Constructora Tres SC (CON030303CC3).\n"
        f"Constructora Tres SC (CON030303CC3): No se pudo leer la base de datos «{path.name}»: "
        "el archivo está dañado o no se pudo poner al día con esta versión de icsoe-desktop; no "
        "se cambió nada en él. Abre esa empresa para ver el detalle, o pide ayuda a soporte."
    )
    assert len(seen["grid"]) == 4  # the other two empresas still shown
    assert path.read_bytes() == b"esto no es una base de datos" * 200


def test_under_high_contrast_the_past_due_are_named_without_red(
    qtbot, services, empresas, modals, qapp
):
    """White on black: the past-due rows take the system's text colour, and the summary no
    longer says «en rojo»; it points to the words that mark them."""
    antes = qapp.palette()
    qapp.setPalette(paleta_de_alto_contraste())
    try:
        seen = open_board(qtbot, services, modals, ANA)
    finally:
        qapp.setPalette(antes)
    blanco = QColor("#ffffff")
    assert [b.color() == blanco for b in seen["rojo"] if isinstance(b, QBrush)] == [True, True]
    assert "rojo" not in seen["resumen"]
    assert "2 vencidos</b></span> (los que dicen «Vencida hace…»)" in seen["resumen"]
    assert [row[6] for row in seen["grid"][:2]] == ["Vencida hace 66 días"] * 2


def test_high_contrast_switched_on_while_the_board_is_open_rewrites_its_summary(
    qtbot, services, empresas, modals, qapp
):
    """Windows' high contrast turned on with the board open: its summary drops «en rojo» and
    its red at once, the past-due rows read in the palette's text; turned off, both are back."""
    seen: dict = {}

    def cambiar(dialog) -> None:
        resumen = dialog.resumen
        seen["antes"] = resumen.text()
        antes = qapp.palette()
        qapp.setPalette(paleta_de_alto_contraste())
        try:
            qtbot.waitUntil(lambda: "rojo" not in resumen.text())
            seen["alto"] = resumen.text()
            seen["fila"] = dialog.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color()
        finally:
            qapp.setPalette(antes)
        qtbot.waitUntil(lambda: "en rojo" in resumen.text())
        seen["despues"] = resumen.text()
        click(qtbot, dialog.cerrar)

    window = VentanaPrincipal(services, ANA)
    qtbot.addWidget(window)
    window.show()
    modals.handle(cambiar)
    window.vencimientos_action.trigger()
    assert "color:#b00020'><b>2 vencidos</b></span> (en rojo, los que" in seen["antes"]
    assert "color:#ffffff'><b>2 vencidos</b></span> (los que dicen" in seen["alto"]
    assert seen["fila"] == QColor("#ffffff")
    assert seen["despues"] == seen["antes"]


def test_a_user_sees_the_board_of_the_empresas_granted(qtbot, services, empresas, modals):
    seen = open_board(qtbot, services, modals, BETO)
    assert {row[0] for row in seen["grid"]} == {"Bodegas Dos SA de CV"}


def test_an_installation_without_contratistas_says_so(qtbot, services, modals):
    seen = open_board(qtbot, services, modals, None)
    assert seen["grid"] == []
    assert seen["resumen"] == "Ninguna de tus empresas tiene contratistas ICSOE registrados."


def test_a_signed_period_stays_in_bold_until_the_administrator_registers_its_acuse(
    qtbot, services, empresas, tmp_path, modals, clock
):
    from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog
    from tests.informativa_servicios import acuse_del_imss
    from tests.services.test_vencimientos import sin_informacion_firmada

    carpeta = tmp_path / cf.RFC_MORAL  # where contratista() wrote its e.firma (copied here)
    fiel = (next(carpeta.glob("*.cer")), next(carpeta.glob("*.key")))
    sin_informacion_firmada(services, cf.RFC_MORAL, fiel, Periodo(2026, 1))
    window = VentanaPrincipal(services, ANA)
    qtbot.addWidget(window)
    window.show()
    assert window.presentacion_action.isEnabled() and window.archivo_cliente_action.isEnabled()

    board = VencimientosDialog(services, ANA)
    qtbot.addWidget(board)
    (fila,) = [r for r in range(board.model.rowCount()) if board.model.rows[r].periodo.numero == 1]
    assert board.model.index(fila, 4).data() == "Firmada, sin presentar"
    assert board.model.index(fila, 4).data(Qt.ItemDataRole.FontRole).bold()

    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(
        acuse_del_imss(
            cf.RFC_MORAL,
            folio="SI262202734",
            fecha="22/11/2026 05:10:00",
            tipo="Sin información",
            periodo="Enero - Abril 2026",
            contratos=(),
        )
    )
    clock.advance(hours=3)  # filed on the portal after the signing
    seen: dict = {}

    def registrar(dialog: RegistrarPresentacionDialog) -> None:
        seen["lista"] = [dialog.informativa.itemText(i) for i in range(dialog.informativa.count())]
        assert dialog.elegir_acuse(acuse)
        qtbot.waitUntil(lambda: dialog.archivo.text() != "")
        click(qtbot, dialog.registrar)

    modals.handle(registrar)
    modals.answer("Registrar", "Aceptar")
    window.presentacion_action.trigger()
    assert seen["lista"] == [
        "EMPRESA DEMO SA DE CV (RFC EDE0101018A2) · enero–abril 2026 · Sin información"
    ]
    assert modals.texts[-1] == MSG_REGISTRADA_NO_PROBADA.format(folio="SI262202734")
    board.actualizar.click()
    assert all(r.periodo.numero != 1 for r in board.model.rows)


def test_an_idse_user_sees_the_presentation_actions_greyed_out(qtbot, services, empresas):
    window = VentanaPrincipal(services, BETO)
    qtbot.addWidget(window)
    assert not window.presentacion_action.isEnabled()
    assert "registrar la presentación" in window.presentacion_action.toolTip()
