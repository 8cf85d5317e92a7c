"""Importar movimientos…, a lote's IDSE result and the portal's rejections show their progress
with Cancelar: pressed, nothing is saved and the clerk is told so at once. An import the app was killed in is named at the next start, over
the login, once."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressDialog, QPushButton

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.kit.interrumpidas import TITULO
from icsoe_desktop.gui.movimientos.ventana import MSG_IMPORT_CANCELADA, MovimientosIdse
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import cifrado
from tests.gui.helpers import click, pool_ocupado, pulsar_cancelar, type_text, wait_operations
from tests.services.movimientos_data import add_registros, write_csv
from tests.services.test_import_files import many_rows
from tests.services.test_importacion_interrumpida import importacion_matada

ADMIN = "admin@nominas.com"


def barra(window) -> QProgressDialog:
    found = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    assert len(found) == 1
    return found[0]


def test_cancelar_during_an_import_saves_nothing_and_says_so(qtbot, services, tmp_path, modals):
    add_registros(services)
    view = MovimientosIdse(services, ADMIN)
    qtbot.addWidget(view)
    view.show()
    path = write_csv(tmp_path / "nomina.csv", many_rows(3_000))
    # Another program holds the store's write lock: the import waits for it (the busy
    # timeout) while the clerk presses Cancelar, so the press comes before any row is saved.
    otro = cifrado.conectar(services.store.path, isolation_level=None)
    otro.execute("BEGIN IMMEDIATE")
    try:
        view.import_from(path)
        qtbot.waitUntil(lambda: bool(view.findChildren(QProgressDialog)))
        dialogo = barra(view)
        (cancelar,) = [b for b in dialogo.findChildren(QPushButton) if b.text() == "Cancelar"]
        dialogo.grab().save(str(tmp_path / "importando.png"))
        click(qtbot, cancelar)
    finally:
        otro.execute("ROLLBACK")
        otro.close()
    wait_operations(qtbot)
    assert modals.texts == [MSG_IMPORT_CANCELADA.format(archivo="nomina.csv")]
    assert services.movimientos.count(Filtro()) == 0
    assert services.en_curso.recoger() == []  # told now, not at the next start

    view.import_from(path)  # not cancelled: all of it
    wait_operations(qtbot)
    assert services.movimientos.count(Filtro()) == 3_000


def test_an_import_killed_is_named_once_signed_in_never_over_the_login(
    qtbot, data_dir, tmp_path, modals
):
    """The next start names the file and the empresa of the import cut short, in the main
    window once a user signed in: the login shows them to nobody."""
    from tests.gui.test_application import GOOD, seed

    seed(data_dir)
    services = open_services(data_dir)
    add_registros(services)
    services.close()
    importacion_matada(data_dir, write_csv(tmp_path / "nomina de noviembre.csv", many_rows(3_500)))

    def entrar(app: Application) -> None:
        app.start()
        qtbot.waitUntil(lambda: app.services is not None, timeout=20_000)
        qtbot.wait(200)
        assert modals.messages == []  # nothing over the login
        type_text(qtbot, app.login.contrasena, GOOD)
        click(qtbot, app.login.continuar)
        qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=20_000)
        qtbot.addWidget(app.main)

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        entrar(app)
        qtbot.waitUntil(lambda: any(m.title == TITULO for m in modals.messages), timeout=20_000)
        (seen,) = [m for m in modals.messages if m.title == TITULO]
        assert seen.text.startswith("La importación de movimientos de «nomina de noviembre.csv»")
        assert seen.text.endswith(
            "no terminó; no se guardó nada. Vuelve a hacerla si la necesitas."
        )
        assert app.services.movimientos.count(Filtro()) == 0
    finally:
        app.shutdown()
    # Named once: the start after says nothing of it.
    modals.messages.clear()
    again = Application(data_dir)
    qtbot.addWidget(again.login)
    try:
        entrar(again)
        qtbot.wait(200)
        assert [m for m in modals.messages if m.title == TITULO] == []
    finally:
        again.shutdown()


def test_cancelar_while_a_lotes_result_is_applied_leaves_the_lote_as_it_was(
    qtbot, services, tmp_path, modals
):
    from icsoe_desktop.gui.movimientos.lotes import MSG_RESULTADO_CANCELADO
    from tests.gui.test_movimientos_idse import window
    from tests.services.test_importacion_interrumpida import estados_del_lote, resultado_del_lote

    lote, path = resultado_del_lote(services, tmp_path)
    antes = estados_del_lote(services, lote.id)
    view = window(qtbot, services, ADMIN)
    view.tabs.setCurrentIndex(4)
    lotes = view.lotes
    lotes.lotes_tabla.selectRow(0)
    with pool_ocupado(qtbot):
        lotes.importar_resultado_de(path)
        pulsar_cancelar(qtbot, lotes)
    wait_operations(qtbot)
    assert modals.texts == [MSG_RESULTADO_CANCELADO.format(archivo=path.name, numero=1)]
    assert estados_del_lote(services, lote.id) == antes
    assert services.en_curso.recoger() == []

    modals.answer("Aceptar")
    lotes.importar_resultado_de(path)  # not cancelled: applied
    wait_operations(qtbot)
    assert modals.texts[-1] == "Resultado del lote 1: 2 aprobados, 1 rechazado y 1 recibido."
