"""The código postal of the contratista's Datos generales, with SEPOMEX's catalogue: five digits
fill the entidad and municipio and list the colonias; an unknown CP and a missing catalogue are
said beside the field, and everything stays typeable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.icsoe.datos_generales import MSG_GUARDADO
from icsoe_desktop.gui.kit.codigo_postal import (
    MSG_NO_ENCONTRADO,
    MSG_SIN_CATALOGO,
    CodigoPostalVinculo,
)
from tests import credentials_factory as cf
from tests import sepomex_datos as sd
from tests.gui.helpers import click, type_text
from tests.icsoe_helpers import trust_sat, write_pdf

SALTILLO = ["Álamos", "Centro", "Nogales", "Ñandúes", "Obrera", "Zona Centro"]


def _pagina(qtbot, services, data_dir, tmp_path):
    """The persona moral's Datos generales, domicilio social distinto (the CP row shows)."""
    trust_sat(data_dir)
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    sesion = services.contratistas.ingresar(
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    )
    window = IcsoeContratistaWindow(services, sesion)
    qtbot.addWidget(window)
    window.show()
    page = window.datos_generales
    click(qtbot, page.no)
    assert page.ubicar_widget.isVisible()
    return window, page


@pytest.fixture
def con_catalogo(services, tmp_path):
    services.codigos_postales.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    return services


def _elegir(qtbot, combo, texto: str) -> None:
    """Open the colonia's list and click one, as the clerk does."""
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = combo.findText(texto)
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def test_typing_a_cp_fills_entidad_and_municipio_and_lists_its_colonias(
    qtbot, con_catalogo, data_dir, tmp_path, modals
):
    _window, page = _pagina(qtbot, con_catalogo, data_dir, tmp_path)
    type_text(qtbot, page.codigo_postal, "2500")
    assert page.codigo_postal_aviso.text() == "" and page.colonia_lista.count() == 0
    type_text(qtbot, page.codigo_postal, "0")
    lista = page.colonia_lista
    assert [lista.itemText(i) for i in range(lista.count())] == SALTILLO
    assert page.colonia.text() == ""  # several: the clerk picks one
    assert page.codigo_postal_aviso.text() == (
        "Saltillo, Coahuila (6 colonias): elige la colonia en la lista."
    )
    _elegir(qtbot, lista, "Nogales")
    assert page.colonia.text() == "Nogales"
    assert page.codigo_postal_aviso.text() == "Saltillo, Coahuila (6 colonias)."
    click(qtbot, page.ubicar)
    assert page.componentes.isVisible()
    assert page.municipio.text() == "Saltillo"
    assert page.entidad.currentText() == "Coahuila"
    type_text(qtbot, page.calle, "Victoria")
    type_text(qtbot, page.numero_exterior, "120")
    click(qtbot, page.aceptar_domicilio)
    assert "Col. Nogales, C.P. 25000, Saltillo, Coahuila" in page.resumen.text()

    # Saved and shown again: the saved domicilio stays, its CP's colonias are offered.
    type_text(qtbot, page.correo, "contacto@empresa.com.mx")
    type_text(qtbot, page.celular, "8441234567")
    page.set_acuse(str(write_pdf(tmp_path)))
    click(qtbot, page.guardar)
    assert modals.texts[-1] == MSG_GUARDADO
    datos = con_catalogo.contratistas.datos_generales(cf.RFC_MORAL)
    assert (datos.colonia, datos.municipio, datos.entidad) == ("Nogales", "Saltillo", "Coahuila")
    otra = IcsoeContratistaWindow(con_catalogo, con_catalogo.contratistas.sesion(cf.RFC_MORAL))
    qtbot.addWidget(otra)
    de_nuevo = otra.datos_generales
    assert de_nuevo.colonia.text() == "Nogales" and de_nuevo.colonia_lista.count() == 6


def test_a_single_colonia_is_filled_and_a_typed_one_keeps_its_place(
    qtbot, con_catalogo, data_dir, tmp_path, modals
):
    _window, page = _pagina(qtbot, con_catalogo, data_dir, tmp_path)
    type_text(qtbot, page.codigo_postal, "06600")
    assert page.colonia.text() == "Juárez"
    assert page.municipio.text() == "Cuauhtémoc"
    assert page.entidad.currentText() == "Ciudad de México"
    assert page.codigo_postal_aviso.text() == "Cuauhtémoc, Ciudad de México (1 colonia)."

    # Another CP: the colonia this field filled gives way, and so does one the clerk typed
    # under the previous CP (it is that CP's); retyping the same CP keeps it.
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "58000")
    assert page.colonia.text() == "" and page.entidad.currentText() == "Michoacán"
    type_text(qtbot, page.colonia, "Ventura Puente")  # newer than the catalogue
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "58000")
    assert page.colonia.text() == "Ventura Puente"
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "25000")
    assert page.colonia.text() == ""
    # Typed before the CP without accent or capitals (ñ is a letter): the catalogue's spelling.
    page.colonia.clear()
    type_text(qtbot, page.colonia, "ñandues")
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "25000")
    assert page.colonia.text() == "Ñandúes"


def test_an_unknown_cp_says_so_and_takes_back_what_the_catalogue_gave(
    qtbot, con_catalogo, data_dir, tmp_path, modals
):
    _window, page = _pagina(qtbot, con_catalogo, data_dir, tmp_path)
    type_text(qtbot, page.codigo_postal, "06600")
    assert page.municipio.text() == "Cuauhtémoc"
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "99999")
    assert page.codigo_postal_aviso.text() == MSG_NO_ENCONTRADO
    assert page.codigo_postal_aviso.isVisible()
    assert (page.colonia.text(), page.municipio.text()) == ("", "")
    assert page.entidad.currentText() == "Selecciona…"
    assert page.colonia_lista.count() == 0
    # A colonia picked from a CP's list goes too when the CP turns out to be another.
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "25000")
    _elegir(qtbot, page.colonia_lista, "Obrera")
    page.codigo_postal.clear()
    type_text(qtbot, page.codigo_postal, "99999")
    assert page.colonia.text() == "" and page.municipio.text() == ""
    # The clerk captures it by hand.
    type_text(qtbot, page.colonia, "Loma Bonita")
    click(qtbot, page.ubicar)
    type_text(qtbot, page.municipio, "Tepic")
    page.entidad.setCurrentIndex(page.entidad.findData("Nayarit"))
    type_text(qtbot, page.calle, "Insurgentes")
    type_text(qtbot, page.numero_exterior, "8")
    click(qtbot, page.aceptar_domicilio)
    assert "Col. Loma Bonita, C.P. 99999, Tepic, Nayarit" in page.resumen.text()


def test_without_a_catalogue_it_says_to_capture_by_hand(
    qtbot, services, data_dir, tmp_path, modals
):
    _window, page = _pagina(qtbot, services, data_dir, tmp_path)
    type_text(qtbot, page.codigo_postal, "06600")
    assert page.codigo_postal_aviso.text() == MSG_SIN_CATALOGO
    type_text(qtbot, page.colonia, "Juárez")
    click(qtbot, page.ubicar)
    assert page.municipio.text() == "" and page.entidad.currentData() == ""
    type_text(qtbot, page.municipio, "Cuauhtémoc")
    assert page.municipio.text() == "Cuauhtémoc"


def test_plain_line_edits_get_the_colonias_as_they_are_typed(qtbot, con_catalogo):
    """The same binding on other forms: entidad and colonia as plain text fields."""
    form = QWidget()
    layout = QVBoxLayout(form)
    cp, entidad, municipio, colonia, aviso = (
        QLineEdit(),
        QLineEdit(),
        QLineEdit(),
        QLineEdit(),
        QLabel(),
    )
    for widget in (cp, entidad, municipio, colonia, aviso):
        layout.addWidget(widget)
    qtbot.addWidget(form)
    CodigoPostalVinculo(con_catalogo.codigos_postales, cp, entidad, municipio, colonia, aviso)
    form.show()
    type_text(qtbot, cp, "91000")
    assert (entidad.text(), municipio.text(), colonia.text()) == ("Veracruz", "Xalapa", "")
    colonia.setFocus()
    type_text(qtbot, colonia, "luc")
    popup = colonia.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())] == [
        "Rafael Lucio"
    ]
