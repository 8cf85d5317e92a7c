"""The first-run assistant asks for the installation's time-stamp server (TSA): typed and saved
it is the one every constancia de firma is stamped by (its authority still to be trusted, as
the step says); skipped, the step has said what going without one means."""

from __future__ import annotations

from icsoe_desktop.gui.configuracion.inicial import ORDER, ConfiguracionInicialWizard
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.empresas.primer_uso import (
    SELLO_SIN_AUTORIDAD,
    SELLO_TIEMPO,
    SIN_SELLO_TIEMPO,
    SINCRONIZACION,
)
from tests.gui.helpers import click, codigo_guardado, type_text

ADMIN, GOOD = "ana@nominas.com", "Nom1na$Segura"
TSA = "https://freetsa.org/tsr"


def _asistente(qtbot, services) -> ConfiguracionInicialWizard:
    wizard = ConfiguracionInicialWizard(services, ADMIN, {SELLO_TIEMPO: lambda _parent: None})
    qtbot.addWidget(wizard)
    wizard.setStartId(ORDER.index(SELLO_TIEMPO))
    wizard.show()
    return wizard


def test_the_assistant_asks_for_a_tsa_and_says_what_skipping_it_means(qtbot, services, modals):
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, GOOD, GOOD, True))
    codigo_guardado(services, ADMIN)
    wizard = _asistente(qtbot, services)
    page = wizard.currentPage()
    assert page.clave == SELLO_TIEMPO
    # Before anything is typed the page says what going without a server means.
    assert SIN_SELLO_TIEMPO in page.estado.text()
    assert "fecha de firma no probada" in page.estado.text()
    assert wizard.button(wizard.SKIP).isVisible()
    # An address that is none is said and not kept.
    type_text(qtbot, page.url, "sellos.ejemplo.com")
    click(qtbot, page.guardar)
    assert modals.texts[-1].startswith("Escribe la dirección completa del servidor de sellos")
    assert services.settings.current.sello_tiempo.url == ""
    page.url.clear()
    type_text(qtbot, page.url, TSA)
    click(qtbot, page.guardar)
    assert services.settings.current.sello_tiempo.url == TSA
    estado = page.estado.text()
    assert "Listo" in estado and TSA in estado
    assert SELLO_SIN_AUTORIDAD.strip() in estado  # its authority is not trusted yet
    assert not wizard.button(wizard.SKIP).isVisible()
    wizard.reject()

    # A new installation that skips it: nothing kept, the step says why it matters.
    services.settings.save_sello_tiempo("", ADMIN)
    wizard = _asistente(qtbot, services)
    click(qtbot, wizard.button(wizard.SKIP))
    assert wizard.currentPage().clave == SINCRONIZACION
    assert services.settings.current.sello_tiempo.url == ""
    (paso,) = [p for p in services.primer_uso.pasos() if p.clave == SELLO_TIEMPO]
    assert paso.omitido and not paso.hecho and paso.detalle == SIN_SELLO_TIEMPO
    assert not paso.pendiente  # optional: it does not reopen the assistant by itself
