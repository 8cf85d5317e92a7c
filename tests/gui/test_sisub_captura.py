"""The SISUB window's contract and workers typed by the clerk: the work site's código postal
with SEPOMEX as the datos generales have it (municipio and entidad filled, colonias listed, an
unknown CP and a missing catalogue said, everything typeable and saved), and a worker without
receipts added through «Agregar trabajador…» and removed with «Quitar trabajador» after a box
that names them. Clicked and typed as a clerk would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Domicilio
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.informativa.sisub import SisubDialog
from icsoe_desktop.gui.informativa.sisub_trabajador import AgregarTrabajadorSisubDialog
from icsoe_desktop.gui.kit.codigo_postal import MSG_NO_ENCONTRADO, MSG_SIN_CATALOGO
from tests import nomina_cfdi as nc
from tests import sepomex_datos as sd
from tests import sisub_fixtures as fx
from tests.gui.helpers import ENTER, click, type_text, wait_operations
from tests.sisub_datos import MAYO_AGOSTO, SITIO, completar
from tests.sisub_fixtures import auditado

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte

SALTILLO = ["Álamos", "Centro", "Nogales", "Ñandúes", "Obrera", "Zona Centro"]
NUEVO = "3198765432" + nss_check_digit("3198765432")


@pytest.fixture
def con_catalogo(services, tmp_path):
    services.codigos_postales.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    return services


def _ventana(qtbot, services, rfc: str) -> SisubDialog:
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: dialogo.contratos_model.rowCount() == 1, timeout=30_000)
    return dialogo


def _sitio(services, uuid: str, rfc: str) -> Domicilio:
    (c,) = services.sisub.reporte(uuid, rfc).contratos
    return c.sitio


def _elegir(qtbot, combo, texto: str) -> None:
    """Open the colonia's list and click one, as the clerk does."""
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=30_000)
    rect = view.visualRect(view.model().index(combo.findText(texto), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=30_000)


def _teclear(qtbot, edit, texto: str) -> None:
    edit.clear()
    type_text(qtbot, edit, texto)


def test_the_work_sites_cp_fills_municipio_and_entidad_and_lists_colonias(
    tmp_path, qtbot, modals, con_catalogo, reporte
):
    rfc, _ana, uuid = reporte
    dialogo = _ventana(qtbot, con_catalogo, rfc)
    cp, aviso, lista = dialogo.sitio["codigo_postal"], dialogo.codigo_postal_aviso, None
    # The saved site shown as saved; its CP (Mérida's) is not in the test catalogue.
    assert cp.text() == SITIO.codigo_postal and dialogo.sitio["colonia"].text() == SITIO.colonia
    assert aviso.text() == MSG_NO_ENCONTRADO
    _teclear(qtbot, cp, "25000")
    lista = dialogo.colonia_lista
    assert [lista.itemText(i) for i in range(lista.count())] == SALTILLO
    assert dialogo.sitio["municipio"].text() == "Saltillo"
    assert dialogo.entidad.currentText() == "Coahuila"
    assert dialogo.sitio["colonia"].text() == ""  # Mérida's colonia went with its CP
    assert aviso.text() == "Saltillo, Coahuila (6 colonias): elige la colonia en la lista."
    _elegir(qtbot, lista, "Nogales")
    assert dialogo.sitio["colonia"].text() == "Nogales"
    assert aviso.text() == "Saltillo, Coahuila (6 colonias)."
    dialogo.grab().save(str(tmp_path / "sisub-sitio.png"))
    click(qtbot, dialogo.guardar_contrato)
    qtbot.waitUntil(
        lambda: _sitio(con_catalogo, uuid, rfc).codigo_postal == "25000", timeout=30_000
    )
    assert _sitio(con_catalogo, uuid, rfc) == Domicilio(
        SITIO.calle, SITIO.numero_exterior, SITIO.numero_interior, "Nogales", "25000",
        "Saltillo", "Coahuila",
    )  # fmt: skip
    assert not modals.texts


def test_a_cp_not_in_the_catalogue_is_said_and_what_it_filled_goes(
    qtbot, modals, con_catalogo, reporte
):
    rfc, _ana, _uuid = reporte
    dialogo = _ventana(qtbot, con_catalogo, rfc)
    cp = dialogo.sitio["codigo_postal"]
    _teclear(qtbot, cp, "06600")
    assert dialogo.sitio["colonia"].text() == "Juárez"  # its only colonia
    assert dialogo.entidad.currentText() == "Ciudad de México"
    _teclear(qtbot, cp, "99999")
    assert dialogo.codigo_postal_aviso.text() == MSG_NO_ENCONTRADO
    assert dialogo.codigo_postal_aviso.isVisible()
    assert (dialogo.sitio["colonia"].text(), dialogo.sitio["municipio"].text()) == ("", "")
    assert dialogo.entidad.currentData() == "" and dialogo.colonia_lista.count() == 0


def test_without_a_catalogue_the_site_is_typed_by_hand_and_saved(qtbot, modals, services, reporte):
    rfc, _ana, uuid = reporte
    dialogo = _ventana(qtbot, services, rfc)
    _teclear(qtbot, dialogo.sitio["codigo_postal"], "06600")
    assert dialogo.codigo_postal_aviso.text() == MSG_SIN_CATALOGO
    assert dialogo.sitio["municipio"].text() == SITIO.municipio  # nothing filled
    _teclear(qtbot, dialogo.sitio["colonia"], "Juárez")
    _teclear(qtbot, dialogo.sitio["municipio"], "Cuauhtémoc")
    dialogo.entidad.setCurrentIndex(dialogo.entidad.findData("Ciudad de México"))
    click(qtbot, dialogo.guardar_contrato)
    qtbot.waitUntil(lambda: _sitio(services, uuid, rfc).codigo_postal == "06600", timeout=30_000)
    sitio = _sitio(services, uuid, rfc)
    assert (sitio.colonia, sitio.municipio, sitio.entidad) == (
        "Juárez",
        "Cuauhtémoc",
        "Ciudad de México",
    )
    assert not modals.texts


def _fila(dialogo, nss: str) -> int:
    filas = dialogo.trabajadores_model.rows
    return next(n for n, t in enumerate(filas) if t.nss == nss)


def test_a_worker_without_receipts_is_added_and_removed_from_the_window(
    tmp_path, qtbot, modals, services, reporte
):
    rfc, _ana, _uuid = reporte
    dialogo = _ventana(qtbot, services, rfc)
    antes = dialogo.trabajadores_model.rowCount()
    assert dialogo.agregar_trabajador.isEnabled() and dialogo.quitar_trabajador.isEnabled()
    visto: dict[str, object] = {}

    def capturar(agregar) -> None:
        assert isinstance(agregar, AgregarTrabajadorSisubDialog)
        bimestres = [agregar.bimestre.itemText(i) for i in range(agregar.bimestre.count())]
        assert bimestres == ["3 (may–jun 2026)", "4 (jul–ago 2026)"]
        assert agregar.registro.currentText() == nc.REGISTRO_PATRONAL
        assert not agregar.sin_registros.isVisible()
        # A mistyped NSS: said in Spanish, the dialog stays with what was typed.
        type_text(qtbot, agregar.nss, NUEVO[:-1] + str((int(NUEVO[-1]) + 1) % 10))
        type_text(qtbot, agregar.nombre, "ROSA PÉREZ")
        type_text(qtbot, agregar.importes["fijas"], "18,000.00")
        type_text(qtbot, agregar.importes["variables"], "250.50")
        agregar.grab().save(str(tmp_path / "sisub-agregar.png"))
        click(qtbot, agregar.guardar)
        qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=30_000)
        visto["error"] = modals.texts[0]
        assert agregar.isVisible()
        _teclear(qtbot, agregar.nss, NUEVO)
        click(qtbot, agregar.guardar)
        qtbot.waitUntil(lambda: not agregar.isVisible(), timeout=30_000)
        visto["agregado"] = agregar.agregado

    modals.handle(capturar)
    click(qtbot, dialogo.agregar_trabajador)
    qtbot.waitUntil(lambda: "agregado" in visto, timeout=10_000)
    assert "su dígito verificador no corresponde" in str(visto["error"])
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.rowCount() == antes + 1, timeout=30_000)
    fila = _fila(dialogo, NUEVO)
    celdas = [dialogo.trabajadores_model.index(fila, c).data() for c in (0, 2, 3, 4, 5, 9)]
    assert celdas == [
        "3", "ROSA PÉREZ", nc.REGISTRO_PATRONAL, "18000.00", "250.50", f"Capturado por {rfc}"
    ]  # fmt: skip

    # Quitar asks, naming the worker; Enter answers No and nothing changes.
    dialogo.trabajadores.selectRow(fila)
    modals.answer(ENTER)
    click(qtbot, dialogo.quitar_trabajador)
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=30_000)
    pregunta = modals.messages[1]
    assert pregunta.text.startswith(
        f"¿Quitar a ROSA PÉREZ (NSS {NUEVO}) del bimestre 3 (may–jun 2026) de este contrato?"
    )
    assert pregunta.buttons == ("Quitar", "No")
    assert dialogo.trabajadores_model.rowCount() == antes + 1
    assert not auditado(services, "sisub_trabajador_quitado")
    modals.answer("Quitar")
    click(qtbot, dialogo.quitar_trabajador)
    qtbot.waitUntil(lambda: dialogo.trabajadores_model.rowCount() == antes, timeout=30_000)
    assert NUEVO not in {t.nss for t in dialogo.trabajadores_model.rows}
    (detalle,) = auditado(services, "sisub_trabajador_quitado")
    assert f"era «Capturado por {rfc}»" in detalle
    dialogo.grab().save(str(tmp_path / "sisub-trabajadores.png"))


def test_a_filed_report_greys_adding_and_removing(qtbot, modals, services, reporte):
    rfc, _ana, uuid = reporte
    completar(services, uuid, rfc)  # what Revisar asks before a filing
    pdf = acuse_infonavit_pdf(rfc=rfc)
    leido = services.sisub_presentacion.leer(uuid, rfc, pdf, "acuse.pdf")
    services.sisub_presentacion.registrar(uuid, rfc, pdf, "acuse.pdf", leido.folio, leido.fecha)
    dialogo = SisubDialog(services, rfc, rfc)
    qtbot.addWidget(dialogo)
    dialogo.show()
    # The window opens on the period in course (this one is filed): the clerk picks it.
    dialogo.periodo.setCurrentIndex(dialogo.periodo.findData(MAYO_AGOSTO.clave))
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: dialogo.contratos_model.rowCount() == 1, timeout=30_000)
    assert "Presentado" in dialogo.estado.text()
    assert dialogo.trabajadores_model.rowCount() > 0
    assert not dialogo.agregar_trabajador.isEnabled()
    assert not dialogo.quitar_trabajador.isEnabled()
