"""What a user may not do is grey, with a tooltip saying who may: the role matrix
(domain/roles.py) walked against the windows. For each role a clerk can have on screen, every menu
item and button that does a protected action is enabled exactly when the matrix lets that role do
it; and every action of the matrix has its control somewhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from icsoe_desktop.domain.roles import Accion, Rol, permite
from icsoe_desktop.gui.kit.permisos import PROPIEDAD
from icsoe_desktop.services.acceso.accounts import Registration
from tests.conftest import services_copying
from tests.gui.ventanas import ADMIN, PASSWORD, mundo_copiado, sembrado_una_vez
from tests.icsoe_helpers import CURP_ANA

USUARIO = "usuario@nominas.com"
# Run only from the command line: no window offers them.
SOLO_LINEA_DE_COMANDOS = {
    Accion.ADMINISTRADORES,
    Accion.CAPTURAR_INFORMATIVA,
    Accion.CODIGOS_POSTALES,
    Accion.REGISTRO_REPSE,
    # The ICSOE windows only, no role walked here: tests/gui/test_sisub_ventana.py checks them.
    Accion.PREPARAR_SISUB,
    Accion.PRESENTAR_SISUB,
}
# «Instalar» is in the main window only while the company's server offers a new version:
# tests/sync/test_actualizacion.py checks it enabled and greyed against that server.
SOLO_CON_VERSION_NUEVA = {Accion.ACTUALIZAR}
# Every call of an empresa's services asks it (services/acceso/puerta.py): no control of its own.
# (The receipts' amounts: their list shows them or not, tests/gui/test_recibos_nomina.py; its
# «Salarios no avisados…» is their control here.)
SIN_CONTROL = {Accion.CONSULTAR}
# The recovery code's page of Configuración inicial is built for an administrator only, never
# greyed: tests/gui/test_codigo_recuperacion.py checks who sees it.
SIN_CONTROL |= {Accion.CODIGO_RECUPERACION}


def _ventanas(mundo, actor: str | None) -> list[QWidget]:
    from icsoe_desktop.gui.certificados.emisores_confiables import EmisoresConfiablesDialog
    from icsoe_desktop.gui.configuracion.inicial import ORDER, ConfiguracionInicialWizard
    from icsoe_desktop.gui.empresas.cambiar import CambiarEmpresaDialog
    from icsoe_desktop.gui.evidencias.tablero import EvidenciasTableroDialog
    from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
    from icsoe_desktop.gui.nomina.recibos import RecibosNominaDialog
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    services = mundo.services
    principal = VentanaPrincipal(services, actor)
    usuarios = IdseUsuariosDialog(services, actor)
    usuarios.tabla.selectRow(0)  # a user chosen: only the role decides now
    ventanas: list[QWidget] = [
        principal,
        usuarios,
        EmisoresConfiablesDialog(services, actor),
        RecibosNominaDialog(services, actor),
        EvidenciasTableroDialog(services, actor),
    ]
    if actor is not None:  # sólo consulta reaches neither
        ventanas.append(CambiarEmpresaDialog(services, actor))
        openers = dict.fromkeys(ORDER, lambda _p: None)
        ventanas.append(ConfiguracionInicialWizard(services, actor, openers))
    return ventanas


def _protegidos(window: QWidget) -> list[tuple[Accion, QObject]]:
    return [
        (Accion[str(control.property(PROPIEDAD))], control)
        for control in window.findChildren(QObject)
        if control.property(PROPIEDAD)
    ]


@pytest.fixture(scope="module")
def _mundo_una_vez(tmp_path_factory):
    return sembrado_una_vez(tmp_path_factory)


services = services_copying(mundo="_mundo_una_vez")


@pytest.fixture
def mundo(_mundo_una_vez, services, tmp_path, smtp_configured):
    mundo = mundo_copiado(services, tmp_path, _mundo_una_vez)
    services.accounts.register(
        Registration("Luis", "Paz", "", USUARIO, PASSWORD, PASSWORD, True), ADMIN
    )
    # Granted the open empresa: its windows then depend on the role alone (the receipts are
    # refused, at every call, to a user who may not open the empresa).
    services.accesos.conceder(USUARIO, services.empresa.id, ADMIN)
    # Capacitación on: «Preparar práctica…» then depends on the role alone.
    services.settings.save_capacitacion(True, ADMIN)
    # A time-stamp server set: «Exigir sello de tiempo…» then depends on the role alone.
    services.settings.save_sello_tiempo("http://127.0.0.1:9/tsa", ADMIN)
    return mundo


def test_every_protected_control_is_enabled_iff_the_role_may(qtbot, mundo) -> None:
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.services.informativa.rechazos import acepta_rechazos

    vistas: set[Accion] = set()
    grises: list[tuple[QMainWindow, QWidget, str]] = []  # grey buttons of a main window
    casos = [(Rol.ADMINISTRADOR, ADMIN), (Rol.USUARIO_IDSE, USUARIO), (Rol.SOLO_CONSULTA, None)]
    for rol, actor in casos:
        for window in _ventanas(mundo, actor):
            qtbot.addWidget(window)
            for accion, control in _protegidos(window):
                if control.objectName() == "quitarButton":
                    continue  # also needs an emisor the user added (test_emisores_confiables)
                vistas.add(accion)
                permitido = permite(rol, accion)
                where = f"{rol}: {window.objectName()} › {control.objectName()} ({accion.name})"
                assert control.isEnabled() == permitido, where
                tooltip = control.toolTip()
                if not permitido:
                    assert "puede" in tooltip and str(accion) in tooltip, where
                    assert control.statusTip() == tooltip, where  # the status bar says it too
                    if isinstance(control, QWidget) and isinstance(window, QMainWindow):
                        grises.append((window, control, tooltip))
    # The informativa: its contratista signs it, its capturista captures it but may not sign.
    for rol, actor in ((Rol.CONTRATISTA, mundo.rfc), (Rol.CAPTURISTA, CURP_ANA)):
        window = InformativaWindow(mundo.services, actor, mundo.rfc, mundo.informativa, True)
        qtbot.addWidget(window)
        firmar = window.firmar
        assert firmar.isEnabled() == permite(rol, Accion.FIRMAR_INFORMATIVA), rol
        vistas.add(Accion.FIRMAR_INFORMATIVA)
        # The portal's rejections: both may import them, once the informativa takes them.
        importar = window.rechazos.importar
        acepta = acepta_rechazos(window.fila.estado)
        assert importar.isEnabled() == (permite(rol, Accion.RECHAZOS_PORTAL) and acepta), rol
        vistas.add(Accion.RECHAZOS_PORTAL)
    assert set(Accion) - SOLO_LINEA_DE_COMANDOS - SOLO_CON_VERSION_NUEVA - SIN_CONTROL <= vistas
    # The pointer over a grey button: the window's status bar says who may use it.
    assert grises
    for window, control, motivo in grises:
        window.show()
        QApplication.sendEvent(control, QEnterEvent(QPointF(1, 1), QPointF(1, 1), QPointF(1, 1)))
        assert window.statusBar().currentMessage() == motivo, control.objectName()
        QApplication.sendEvent(control, QEvent(QEvent.Type.Leave))


def test_a_non_administrator_sees_sincronizacion_grey_with_who_may(qtbot, mundo) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    window = VentanaPrincipal(mundo.services, USUARIO)
    qtbot.addWidget(window)
    assert not window.sincronizacion_action.isEnabled()
    assert window.sincronizacion_action.toolTip() == (
        "Sólo un administrador de icsoe-desktop puede configurar el servidor de sincronización."
    )
    # What the matrix lets every IDSE user do stays offered to this one.
    assert window.registros_action.isEnabled()
    assert window.conflictos_action.isEnabled()
