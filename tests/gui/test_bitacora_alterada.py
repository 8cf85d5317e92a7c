"""The main window of an empresa whose audit log was altered (each way of altering it): a red
band says it is read-only and why; a whole log shows none; after a repair it says what the
repair left. (What is refused there: tests/services/test_bitacora_cabeza.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from tests.paginas_danadas import zero_leaf_pages
from tests.services.test_bitacora_cabeza import CASOS, _alterar, _preparar
from tests.services.test_reparar_sin_abrir import empresa_con_movimientos


@pytest.mark.parametrize("caso", CASOS)
def test_the_main_window_shows_a_red_band_while_the_log_is_altered(
    qtbot, data_dir: Path, clock, caso: str
) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    store = _preparar(data_dir, clock)
    services = open_services(data_dir, clock)
    try:
        sano = VentanaPrincipal(services, "admin@nominas.com")
        qtbot.addWidget(sano)
        assert sano.bitacora_alterada.isHidden()
    finally:
        services.close()
    _alterar(store, caso)
    for _vez in range(2):  # the window's opening took nothing: the next one finds it again
        _abrir(qtbot, data_dir, clock, caso)


def _abrir(qtbot, data_dir: Path, clock, caso: str) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    services = open_services(data_dir, clock)
    try:
        main = VentanaPrincipal(services, "admin@nominas.com")
        qtbot.addWidget(main)
        main.show()
        qtbot.waitExposed(main)
        banda = main.bitacora_alterada
        assert banda.isVisible()
        assert banda.text() == services.bitacora_alterada
        assert "se abrió en sólo lectura" in banda.text()
        assert "#c62828" in banda.styleSheet()
        main.grab().save(str(Path(data_dir).parent / f"bitacora_{caso}.png"))
    finally:
        main.close()
        services.close()


def test_the_band_says_what_a_repair_left(qtbot, data_dir: Path, clock, modals) -> None:
    """Opened read-only because its audit log's page does not read; Archivo › Reparar la base
    de datos… rescues the rest and the band says why it stays read-only now."""
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    path = empresa_con_movimientos(data_dir, clock)
    services = open_services(data_dir, clock)
    with services.store.session() as session:
        services.audit.record(session, CLI_ACTOR, "prueba", "", "antes del daño")
    services.close()
    zero_leaf_pages(path, "audit_log", 1)
    services = open_services(data_dir, clock)
    try:
        main = VentanaPrincipal(services, CLI_ACTOR)  # (an administrator: Reparar is offered)
        qtbot.addWidget(main)
        main.show()
        qtbot.waitExposed(main)
        assert main.reparar_action.isEnabled()
        assert "no se pudo leer para revisarla" in main.bitacora_alterada.text()
        modals.answer("Reparar", "Aceptar")

        main.reparar_action.trigger()

        qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=10_000)
        assert "no se pudieron leer 1 (Bitácora: 1)" in modals.messages[1].text
        banda = main.bitacora_alterada
        assert banda.isVisible() and banda.text() == services.bitacora_alterada
        assert "falta la entrada 1 (se borró)" in banda.text()
    finally:
        main.close()
        services.close()
