"""The main window of an empresa whose audit log was altered (each way of altering it): a red
band says it is read-only and why; a whole log shows none. (What is refused there:
tests/services/test_bitacora_cabeza.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.services.container import open_services
from tests.services.test_bitacora_cabeza import CASOS, _alterar, _preparar


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
