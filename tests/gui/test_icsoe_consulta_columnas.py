"""ICSOE › Consulta at the contratista window's default size on a 1366×768 screen: long names,
mails and the contratista's razón social are shown whole (on two lines when one is not enough),
with the CURP and every other column, and no sideways scrolling."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle

from icsoe_desktop.gui.icsoe.capturistas_model import ACTIONS, HEADERS
from icsoe_desktop.gui.icsoe.consulta import FLEXIBLE, LINEAS
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from tests import credentials_factory as cf
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, CURP_CARLA, enter_contratista, form

RAZON_LARGA = "SERVICIOS INTEGRALES DE NOMINA Y ADMINISTRACION DEL BAJIO SA DE CV"


@pytest.fixture
def consulta(qtbot, services, data_dir, tmp_path):
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(
        rfc,
        form(
            CURP_ANA,
            "María Guadalupe",
            "López",
            "Martínez",
            correo="maria.lopez@capturas.com.mx",
        ),
    )
    services.capturistas.alta(rfc, form(CURP_BETO, "Alberto", "García", "Ruiz", correo="b@c.mx"))
    services.capturistas.alta(
        rfc, form(CURP_CARLA, "Carla", "Pérez", "Domínguez", correo="carla@c.mx")
    )
    sesion = services.contratistas.sesion(rfc)
    window = IcsoeContratistaWindow(services, sesion)
    qtbot.addWidget(window)
    window.show()  # at its default size
    window.show_consulta()
    yield window.consulta
    window.close()


def _cabe(texto: str, ancho: int, alto: int, metrics: QFontMetrics) -> bool:
    """Whether the grid shows ``texto`` whole in a cell of that size (it wraps at spaces; a
    mail, without any, must fit on one line)."""
    flags = int(Qt.TextFlag.TextWordWrap.value)
    caja = metrics.boundingRect(QRect(0, 0, ancho, 10_000), flags, texto)
    return caja.width() <= ancho and caja.height() <= alto


def test_names_mails_and_contratista_are_whole_at_the_default_size(qtbot, consulta, tmp_path):
    window = consulta.window()
    assert window.width() <= 1366 - 16  # with its frame, on the screen
    table, model = consulta.tabla, consulta.model
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    alto = table.verticalHeader().defaultSectionSize()
    assert alto >= metrics.lineSpacing() * LINEAS  # room for a second line
    assert model.rowCount() == 3
    margen = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    for column in range(len(HEADERS)):
        ancho = header.sectionSize(column) - margen  # where the grid draws a cell's text
        for row in range(model.rowCount()):
            texto = str(model.index(row, column).data() or "")
            if column in FLEXIBLE or column in ACTIONS:  # these wrap onto the second line
                assert _cabe(texto, ancho, alto - 4, metrics), (HEADERS[column], texto)
            else:
                assert metrics.horizontalAdvance(texto) <= ancho, (HEADERS[column], texto)
    assert header.length() <= table.viewport().width()  # nothing off to the right
    assert table.horizontalScrollBar().maximum() == 0
    window.grab().save(str(tmp_path / "consulta.png"))


def test_a_long_razon_social_is_whole_too(qtbot, services, data_dir, tmp_path):
    """A razón social of 66 letters is shown whole on two lines (the grid may then scroll
    sideways a little: never cut)."""
    from icsoe_desktop.services.contratistas import DatosGenerales
    from tests.icsoe_helpers import trust_sat, write_pdf

    trust_sat(data_dir)
    cer, key = cf.fiel_moral(nombre=RAZON_LARGA).write(tmp_path / "fiel")
    fiel = services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    services.contratistas.ingresar(fiel)
    services.contratistas.aceptar_terminos(cf.RFC_MORAL)
    services.contratistas.adjuntar_acuse(cf.RFC_MORAL, write_pdf(tmp_path))
    services.contratistas.guardar_datos_generales(
        cf.RFC_MORAL,
        DatosGenerales("contacto@empresa.com.mx", "5512345678", "", domicilio_igual_fiscal=True),
    )
    services.capturistas.alta(cf.RFC_MORAL, form())
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(cf.RFC_MORAL))
    qtbot.addWidget(window)
    window.show()
    window.show_consulta()
    page = window.consulta
    contratista = next(c for c in FLEXIBLE if "Contratista" in HEADERS[c])
    texto = page.model.index(0, contratista).data()
    assert texto == RAZON_LARGA
    margen = 2 * (page.tabla.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    ancho = page.tabla.horizontalHeader().sectionSize(contratista) - margen
    alto = page.tabla.verticalHeader().defaultSectionSize() - 4
    assert _cabe(texto, ancho, alto, page.tabla.fontMetrics())  # whole, if need be scrolled to
    window.close()
