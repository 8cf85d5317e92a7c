"""A screen reader's view of every window (tests/gui/ventanas.py), in each of its states: every
control Tab reaches has a Spanish name (its own, or the label that names it) and, when no
label beside it says what it is, a description; the grids say their column headers, and the
state changes a clerk waits for are announced."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QColor,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTabBar,
    QTableView,
    QWidget,
)

from tests.conftest import services_copying
from tests.gui.helpers import paleta_de_alto_contraste, type_text
from tests.gui.test_tabulador import nombre, usables
from tests.gui.ventanas import Mundo, colocar, mundo_copiado, sembrado_una_vez, states, windows


@pytest.fixture(scope="module")
def _mundo_una_vez(tmp_path_factory):
    return sembrado_una_vez(tmp_path_factory)


services = services_copying(mundo="_mundo_una_vez")


@pytest.fixture
def mundo(_mundo_una_vez, services, tmp_path, smtp_configured) -> Mundo:
    return mundo_copiado(services, tmp_path, _mundo_una_vez)


def interfaz(widget: QWidget):
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid(), nombre(widget)
    return interface


def nombre_accesible(widget: QWidget) -> str:
    return interfaz(widget).text(QAccessible.Text.Name).strip()


def con_etiqueta_al_lado(widget: QWidget, etiquetados: set[QWidget]) -> bool:
    """What the control is, written on it or beside it: its own text (a button, a check box,
    the tabs of a tab bar) or a label that names it (``QLabel.setBuddy``, which Alt and the
    label's letter also follow). A field under a group's title, a grid under its headers, a
    box with only a placeholder, a button with only an icon: none."""
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().replace("&", "").strip())
    return isinstance(widget, QTabBar) or widget in etiquetados


def descripcion(widget: QWidget) -> str:
    """What a screen reader says after the name (its description, or else its tooltip)."""
    return interfaz(widget).text(QAccessible.Text.Description).strip()


def encabezados_dichos(tabla: QTableView) -> list[str]:
    """What a screen reader says as the header of each column shown, and of each cell of the
    first row when there is one (empty where it would say nothing)."""
    table = interfaz(tabla)
    hijos = [table.child(i) for i in range(table.childCount())]
    columnas = [
        h.text(QAccessible.Text.Name) for h in hijos if h.role() == QAccessible.Role.ColumnHeader
    ]
    celdas = [h.tableCellInterface() for h in hijos if h.role() == QAccessible.Role.Cell]
    primera = [c for c in celdas if c is not None and c.rowIndex() == 0]
    dichos = [
        ", ".join(h.text(QAccessible.Text.Name) for h in c.columnHeaderCells()) for c in primera
    ]
    return columnas + dichos


# What a name must not carry: a required field's «*», a label's closing «:», markup.
DECORADO = re.compile(r"^\*|:$|<")


def botones_con_el_mismo_nombre(window: QWidget) -> dict[str, list[QWidget]]:
    """The buttons on screen in ``window`` a screen reader says alike (two «Elegir archivo…»
    it could not tell apart), or a button said as a box («Acuse de presentación» for the path
    and for its Elegir…), by name."""
    por_nombre: dict[str, list[QWidget]] = {}
    partes = (QComboBox, QAbstractSpinBox)  # their own text is said as the box
    cajas = [c for c in window.findChildren(QLineEdit) if not isinstance(c.parentWidget(), partes)]
    for boton in [*window.findChildren(QAbstractButton), *cajas]:
        if boton.isVisible() and boton.window() is window:
            por_nombre.setdefault(nombre_accesible(boton).lower(), []).append(boton)
    return {dicho: botones for dicho, botones in por_nombre.items() if len(botones) > 1}


def teclas_dichas(window: QWidget) -> list[str]:
    """The buttons on screen in ``window`` whose Alt-letter a screen reader does not say, or
    says for another button too (the key its press is bound to, as AT-SPI hands it over)."""
    from tests.gui.test_mnemonics import letter

    dueños: dict[str, list[str]] = {}
    faltan: list[str] = []
    for boton in window.findChildren(QAbstractButton):
        if not (boton.isVisible() and boton.window() is window and boton.text()):
            continue
        acciones = interfaz(boton).actionInterface()
        teclas = acciones.keyBindingsForAction(acciones.pressAction()) if acciones else []
        # UI Automation's AccessKey (Narrador): Qt's accelerator, «Enter» for a default button.
        clave = interfaz(boton).text(QAccessible.Text.Accelerator)
        if not clave.startswith("Alt+"):
            teclas = [t for t in teclas if not t.startswith("Alt+")]
        # A button with a shortcut of its own (Guardar's Ctrl+S) says its letter after its name.
        alt = [t for t in [*teclas, *descripcion(boton).split()] if t.startswith("Alt+")]
        alt = list(dict.fromkeys(t.rstrip(".") for t in alt))  # said twice is said once
        if alt:
            for tecla in alt:
                dueños.setdefault(tecla, []).append(nombre(boton))
        elif letter(boton.text()) is None and not isinstance(boton, QRadioButton):
            faltan.append(f"{nombre(boton)} sin Alt")  # a radio button: its group's letter
        elif letter(boton.text()) is not None:
            faltan.append(f"{nombre(boton)}: su Alt no se dice ({teclas})")
    return faltan + [f"{tecla} en {' y '.join(b)}" for tecla, b in dueños.items() if len(b) > 1]


MARCADO = re.compile(r"<[a-zA-Z/][^>]*>")


def partes_que_oye_un_lector(window: QWidget) -> list[str]:
    """What AT-SPI hands a screen reader beyond the controls Tab reaches: every part on screen
    that takes the focus (an editable box's own text, a filler, a label) has a name, and no
    name on screen carries markup («<b>» read aloud)."""
    found = []
    for widget in window.findChildren(QWidget):
        if not (widget.isVisible() and widget.window() is window):
            continue
        dicho = nombre_accesible(widget)
        if MARCADO.search(dicho):
            found.append(f"{nombre(widget)} se lee «{dicho}»")
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isEnabled():
            continue
        if not dicho:
            dueño = widget.parentWidget()
            found.append(f"{nombre(widget)} sin nombre en {nombre(dueño) if dueño else '—'}")
    return found


@pytest.mark.slow
def test_every_control_tab_reaches_has_a_plain_name_no_button_shares_in_every_window(
    qtbot, mundo, modals
):
    """And a description where no label beside it says what it is (``con_etiqueta_al_lado``);
    the name said without decoration («Nombre(s)», not «* Nombre(s):»)."""
    failures: list[str] = []
    tablas = 0
    for name, build in windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        colocar(window)
        for state in states(window):
            etiquetados = {e.buddy() for e in window.findChildren(QLabel) if e.isVisible()}
            for widget in usables(window):
                dicho = nombre_accesible(widget)
                if not dicho or dicho == widget.objectName():
                    failures.append(
                        f"{name}, {state}: {nombre(widget)} en {nombre(widget.parentWidget())}"
                    )
                elif not con_etiqueta_al_lado(widget, etiquetados) and descripcion(widget) in (
                    "",
                    dicho,
                ):
                    failures.append(f"{name}, {state}: {nombre(widget)} «{dicho}» sin descripción")
                if DECORADO.search(dicho):
                    failures.append(f"{name}, {state}: {nombre(widget)} se lee «{dicho}»")
                if isinstance(widget, QTableView) and widget.model() is not None:
                    tablas += 1
                    encabezados = encabezados_dichos(widget)
                    if not encabezados or not all(e.strip() for e in encabezados):
                        failures.append(
                            f"{name}, {state}: {nombre(widget)} sin encabezados ({encabezados})"
                        )
            failures += [f"{name}, {state}: {p}" for p in teclas_dichas(window)]
            failures += [f"{name}, {state}: {p}" for p in partes_que_oye_un_lector(window)]
            for dicho, botones in botones_con_el_mismo_nombre(window).items():
                failures.append(
                    f"{name}, {state}: {', '.join(map(nombre, botones))} se leen «{dicho}»"
                )
        window.hide()
    assert not failures, "\n".join(dict.fromkeys(failures))
    assert tablas > 10


def test_twin_buttons_say_their_file_and_fields_are_read_by_their_words(qtbot, services, modals):
    """The certificate's and the key's buttons, alike on screen, are told apart by what they
    open; «* Servidor:» is read «Servidor»; «Acepto el» says what it accepts, and the
    Términos y Condiciones, shown, are named."""
    from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
    from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog
    from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
    from icsoe_desktop.gui.icsoe.terminos import IcsoeTerminosDialog
    from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog

    def abierto(window: QWidget) -> QWidget:
        qtbot.addWidget(window)
        window.show()
        return window

    certificados = abierto(CertificadosImssDialog(services))
    assert [
        nombre_accesible(certificados.certificado_button),
        nombre_accesible(certificados.llave_button),
    ] == ["Elegir archivo del certificado…", "Elegir archivo de la llave privada…"]
    efirma = abierto(IcsoeEfirmaDialog(services))
    assert [
        nombre_accesible(efirma.certificado_button),
        nombre_accesible(efirma.llave_button),
    ] == ["Buscar el certificado…", "Buscar la llave privada…"]

    correo = abierto(ConfiguracionCorreoDialog(services))
    assert nombre_accesible(correo.servidor) == "Servidor"

    registro = abierto(IdseUsuariosDialog(services))
    assert nombre_accesible(registro.aviso) == (
        "Acepto el Aviso de privacidad y el Acuerdo de servicio"
    )
    terminos = abierto(IcsoeTerminosDialog())
    qtbot.mouseClick(terminos.ver, Qt.MouseButton.LeftButton)
    assert terminos.terminos.isVisible()
    assert nombre_accesible(terminos.terminos) == "Términos y Condiciones del Sistema ICSOE"


@pytest.fixture
def anunciado(monkeypatch) -> list[tuple[QAccessible.Event, str]]:
    """What the app hands the screen reader (Qt's door to it, recorded instead of the
    platform's: there is none offscreen)."""
    dicho: list[tuple[QAccessible.Event, str]] = []

    def registrar(event: QAccessibleEvent) -> None:
        texto = event.message() if isinstance(event, QAccessibleAnnouncementEvent) else ""
        dicho.append((event.type(), texto))

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(registrar))
    return dicho


def test_a_search_and_what_it_found_are_announced_without_moving_the_focus(qtbot, mundo, anunciado):
    from icsoe_desktop.gui.informativa.trabajadores_empresa import TrabajadoresEmpresaDialog

    dialog = TrabajadoresEmpresaDialog(mundo.services, mundo.rfc, mundo.contrato)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.buscar, "zzzz")
    qtbot.waitUntil(lambda: "Ningún trabajador" in dialog.estado.text())
    anuncios = [texto for tipo, texto in anunciado if tipo == QAccessible.Event.Announcement]
    assert anuncios[-2:] == ["Buscando…", "Ningún trabajador de la empresa coincide con «zzzz»."]


@pytest.fixture
def alto_contraste(qapp):
    antes = qapp.palette()
    qapp.setPalette(paleta_de_alto_contraste())
    yield qapp.palette()
    qapp.setPalette(antes)


COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})")


@pytest.mark.slow
def test_with_a_high_contrast_palette_every_coloured_text_reads_on_its_background(
    qtbot, mundo, modals, alto_contraste
):
    """A colour the app writes (an error's red, a note's grey, the titles' green) is used only
    where it reads on the system's background; under white-on-black, the system's own text
    colour stands in."""
    from icsoe_desktop.gui.kit.colores import contraste

    fondo = alto_contraste.color(QPalette.ColorRole.Window)
    failures: list[str] = []
    for name, build in windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        colocar(window)
        for widget in [window, *window.findChildren(QWidget)]:
            textos = [widget.styleSheet()]
            if isinstance(widget, QLabel):
                textos.append(widget.text())
            for texto in textos:
                for hexa in COLOR.findall(texto):
                    if contraste(QColor(hexa), fondo) < 4.5:
                        failures.append(f"{name}: {nombre(widget)} escribe en {hexa}")
        window.hide()
    assert not failures, "\n".join(dict.fromkeys(failures))


def test_high_contrast_switched_on_reaches_the_windows_already_open(qtbot, mundo, qapp):
    """Windows' high contrast turned on (its palette given to the app) while the contratista's
    window is open: its green title and grey note turn to the palette's white at once, as in a
    window opened afterwards; turned off, they are green and grey again."""
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow

    ventana = IcsoeContratistaWindow(mundo.services, mundo.services.contratistas.sesion(mundo.rfc))
    qtbot.addWidget(ventana)
    ventana.show()
    titulo = ventana.findChild(QLabel, "tituloLabel")
    nota = ventana.datos_generales.codigo_postal_aviso
    assert "#13322b" in titulo.text() and "#555555" in nota.styleSheet()

    antes = qapp.palette()
    qapp.setPalette(paleta_de_alto_contraste())
    try:
        qtbot.waitUntil(lambda: "#ffffff" in titulo.text())
        assert "#13322b" not in titulo.text()
        assert nota.styleSheet() == "color: #ffffff;"
    finally:
        qapp.setPalette(antes)
    qtbot.waitUntil(lambda: "#13322b" in titulo.text())
    assert nota.styleSheet() == "color: #555555;"


def test_a_contrast_supposed_at_start_up_gives_way_to_the_systems_once_asked(qtbot, mundo):
    """The first window is written before Qt is asked for high contrast (the system's own
    setting stands in): where Qt then answers otherwise, the windows open are written again
    with its answer, the title green once more."""
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.gui.kit import colores

    colores.suponer_contraste(True)
    try:
        ventana = IcsoeContratistaWindow(
            mundo.services, mundo.services.contratistas.sesion(mundo.rfc)
        )
        qtbot.addWidget(ventana)
        ventana.show()
        titulo = ventana.findChild(QLabel, "tituloLabel")
        assert "#13322b" not in titulo.text()  # high contrast: the palette's text colour
    finally:
        colores.preguntar_contraste()  # offscreen Qt: no preference
    qtbot.waitUntil(lambda: "#13322b" in titulo.text())
    assert not colores.alto_contraste()
