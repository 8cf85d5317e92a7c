"""A write whose service forgets to announce it still refreshes the windows that show it: the
store tells what each unit of work committed (store/cambiados.py), whatever the service says."""

from __future__ import annotations

from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import RegistroPatronal

ADMIN = "admin@nominas.com"


class RegistrosOlvidadizos:
    """A service operation that writes a registro patronal and announces nothing."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def agregar(self, registro: str) -> None:
        with self._store.session() as session:
            session.add(
                RegistroPatronal(
                    registro=registro, rfc="ABC010101AB1", razon_social="Nóminas del Centro"
                )
            )


def test_a_write_that_announces_nothing_shows_in_the_open_window(qtbot, services):
    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", ADMIN)
    dialog = CertificadosImssDialog(services, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.registro.count() == 1

    # Behind the same gate as every service of the open empresa, and silent.
    servicio = services.puerta.vigilar(RegistrosOlvidadizos(services.store))
    servicio.agregar("Y5412345107")

    qtbot.waitUntil(lambda: dialog.registro.count() == 2)  # no click, no announcement
    assert dialog.registro.findData("Y5412345107") >= 0
