"""A grant withdrawn from another connection while the user only looks at Movimientos con IDSE:
the next search, export or scroll is refused as a write is (services/acceso/puerta.py), the
windows close, and the installation's audit has both the withdrawal and the refusal; with no
action at all, the session's minute timer closes them. An export is audited with what, how many
rows and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.empresas.fin_de_sesion import MSG_NINGUNA, MSG_SIN_ACCESO
from tests.empresas.tres import ANA, BETO, CLIENTES, seed_movimientos
from tests.gui import test_sesion_terminada as terminada
from tests.gui.helpers import click, wait_operations
from tests.gui.test_sesion_terminada import DOS, _beto_en_dos, _cerrada, _etiqueta

# The fixtures of the session ended by a write: the same installation and desks.
app, admin, ids = terminada.app, terminada.admin, terminada.ids
UNO = CLIENTES[0]
MUCHOS = 3_000  # more than the grid reads at once: scrolling to the end asks for more


def _auditoria(admin) -> list[tuple[str, str, str, str]]:
    return [(r.action, r.actor, r.target, r.detail) for r in admin.audit_instalacion.recent()]


def _buscar(qtbot, main, _tmp: Path) -> None:
    click(qtbot, main.movimientos.buscar_button)


def _exportar(_qtbot, main, tmp: Path) -> None:
    main.movimientos.export_to(tmp / "movimientos.xlsx")  # the file Exportar Excel asks for


def _desplazar(qtbot, main, _tmp: Path) -> None:
    tabla = main.movimientos.tabla
    tabla.scrollToBottom()
    tabla.verticalScrollBar().setValue(tabla.verticalScrollBar().maximum())


def _esperar(_qtbot, _main, _tmp: Path) -> None:
    """No action: the session's timer (every minute) asks for the user."""


@pytest.mark.parametrize(
    "accion", [_buscar, _exportar, _desplazar, _esperar], ids=lambda f: f.__name__
)
def test_a_read_after_the_grant_is_withdrawn_ends_the_session(
    qtbot, app, admin, ids, modals, tmp_path, accion
):
    admin.abrir_empresa(ids[DOS.rfc])
    seed_movimientos(admin, UNO.registro, MUCHOS)  # another registro's: no clash with DOS's
    main = _beto_en_dos(qtbot, app, modals)
    qtbot.waitUntil(lambda: main.movimientos.model.rowCount() > 0, timeout=30_000)
    wait_operations(qtbot)
    admin.accesos.retirar(BETO, ids[DOS.rfc], ANA)  # another desk, another connection
    accion(qtbot, main, tmp_path)
    if accion is _esperar:
        assert app.sesion_timer.isActive()
        app.sesion_timer.timeout.emit()  # the minute is up
    qtbot.waitUntil(lambda: app.login.isVisible() and bool(modals.messages), timeout=30_000)
    wait_operations(qtbot)

    assert modals.texts == [MSG_SIN_ACCESO.format(empresa=_etiqueta(DOS)) + "\n\n" + MSG_NINGUNA]
    assert app.main is None and _cerrada(main)
    assert not app.sesion_timer.isActive()
    assert not (tmp_path / "movimientos.xlsx").exists()  # nothing exported
    auditoria = _auditoria(admin)
    assert ("empresa_retirada", ANA, BETO, DOS.rfc) in auditoria
    rechazos = [a for a in auditoria if a[0] == "permiso_denegado"]
    assert rechazos and all(r[1:3] == (BETO, Accion.CONSULTAR.name) for r in rechazos)
    # The first refusal names what was called: a read of the grid, the export, or the
    # timer's question.
    llamado = {_esperar: "sesión abierta", _exportar: "ExportadorMovimientos.exportar"}.get(
        accion, "MovimientosService."
    )
    assert rechazos[-1][3].startswith(f"rol: usuario IDSE; {llamado}")
    assert rechazos[-1][3].endswith(f"; sin acceso a la empresa {_etiqueta(DOS)}")
    # The withdrawal comes before the first refusal.
    assert auditoria.index(rechazos[-1]) < auditoria.index(("empresa_retirada", ANA, BETO, DOS.rfc))


def test_an_export_is_audited_with_what_how_many_and_where(
    qtbot, app, admin, ids, modals, tmp_path
):
    main = _beto_en_dos(qtbot, app, modals)
    qtbot.waitUntil(lambda: main.movimientos.model.rowCount() > 0, timeout=30_000)
    destino = tmp_path / "movimientos.csv"
    en_pantalla = main.movimientos.model.rowCount()  # the tab's search: Reingresos (tipo 08)
    modals.answer("Cerrar")  # «Se exportaron …: ¿Abrir archivo?»
    main.movimientos.export_to(destino)
    wait_operations(qtbot)
    assert len(destino.read_text(encoding="utf-8-sig").splitlines()) == en_pantalla + 1
    admin.abrir_empresa(ids[DOS.rfc])
    [exportacion] = [r for r in admin.audit.recent() if r.action == "movimientos_exportados"]
    assert (exportacion.actor, exportacion.target) == (BETO, destino.name)
    assert exportacion.detail == (
        f"{en_pantalla} movimientos en «{destino.resolve()}»; búsqueda: tipo: 08"
    )
