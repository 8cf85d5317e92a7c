"""Every window fits a 1366×768 screen with its taskbar and opens centred on the window it comes
from: the login, the main window in each tab and every dialog of its menus, ICSOE's start
window, the contratista's and the capturista's windows and an informativa, opened as a clerk
opens them (tests/conftest.py gives Qt a 1366×728 screen: 1366×768 less the taskbar)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSize
from PySide6.QtWidgets import QLabel, QMessageBox, QStyle, QStyleOptionComboBox, QWidget

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.kit.geometria import MARGENES_VENTANA, pantalla
from tests import credentials_factory as cf
from tests.empresas.tres import ANA, CLIENTES, PASSWORD, build
from tests.gui.helpers import click, run_qt_script, type_text
from tests.icsoe_helpers import NEW_PASSWORD
from tests.informativa_servicios import PERIODO, capturista_activa

PANTALLA = QSize(1366, 728)


@dataclass(frozen=True)
class Visto:
    titulo: str
    marco: QRect  # as drawn here
    previsto: QRect  # with the frame Windows draws, which the window was placed for
    centro_padre: tuple[float, float] | None


def _ver(window: QWidget, parent: QWidget | None) -> Visto:
    centro = parent.window().frameGeometry().toRectF().center() if parent is not None else None
    marco = window.frameGeometry()
    previsto = QRect(marco.topLeft(), window.size().grownBy(MARGENES_VENTANA))
    return Visto(
        window.windowTitle(),
        marco,
        previsto,
        (centro.x(), centro.y()) if centro is not None else None,
    )


def _cabe_ya(visto: Visto, area: QRect) -> bool:
    return area.contains(visto.marco) and area.contains(visto.previsto)


def _cabe(visto: Visto, area: QRect) -> None:
    for marco in (visto.marco, visto.previsto):
        assert area.contains(marco), f"«{visto.titulo}» {marco} sale de {area}"


def _centrada(visto: Visto, area: QRect) -> None:
    """Centred on its parent, as far as the screen lets it (a window as tall as the screen
    stays at its top)."""
    assert visto.centro_padre is not None
    caja = visto.previsto.toRectF()
    for centro, padre, mitad, bajo, alto in (
        (caja.center().x(), visto.centro_padre[0], caja.width() / 2, area.left(), area.right()),
        (caja.center().y(), visto.centro_padre[1], caja.height() / 2, area.top(), area.bottom()),
    ):
        esperado = min(max(padre, bajo + mitad), alto + 1 - mitad)
        assert abs(centro - esperado) <= 1, f"«{visto.titulo}» no centrada: {visto.previsto}"


def _area(window: QWidget) -> QRect:
    area = pantalla(window).availableGeometry()
    assert area.size() == PANTALLA  # the screen this test is about
    return area


@contextmanager
def _abierta(qtbot, data_dir: Path) -> Iterator[Application]:
    """The app started on ``data_dir`` as a clerk starts it, its store open; shut down after."""
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
    try:
        yield application
    finally:
        application.shutdown()


@pytest.fixture
def app(qtbot, data_dir):
    build(data_dir)  # three empresas; Ana administers
    with _abierta(qtbot, data_dir) as application:
        yield application


def test_the_idse_windows_and_every_dialog_of_the_menus_fit_and_open_centred(qtbot, app, modals):
    login = app.login
    area = _area(login)
    _cabe(_ver(login, None), area)
    # In the middle of the screen, still once the empresa selector has appeared.
    qtbot.waitUntil(login.empresa_selector.combo.isVisible)
    _en_medio(login, area)
    vistos: list[Visto] = []

    def medir(dialog: QWidget) -> None:
        vistos.append(_ver(dialog, dialog.parentWidget()))
        dialog.reject()  # type: ignore[attr-defined]

    # The first day's guide opens Certificados IMSS over the main window after signing in.
    modals.handle(medir)
    if not login.usuario.text():
        type_text(qtbot, login.usuario, ANA)
    type_text(qtbot, login.contrasena, PASSWORD)
    click(qtbot, login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    main = app.main
    principal = _ver(main, login)
    _cabe(principal, area)
    _centrada(principal, area)
    # The whole height the screen leaves, not a small window that fits trivially.
    assert main.height() == PANTALLA.height() - MARGENES_VENTANA.top() - MARGENES_VENTANA.bottom()
    qtbot.waitUntil(lambda: len(vistos) == 1, timeout=30_000)

    # Each tab, Lotes included, keeps the window inside the screen.
    tabs = main.movimientos.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: main.movimientos.vistas.currentWidget().isVisible())
        _cabe(_ver(main, None), area)
    tabs.setCurrentIndex(0)

    # Every dialog of the menus (the file choosers are the system's own, left out).
    propios = [
        action
        for menu in (m.menu() for m in main.menuBar().actions())
        for action in menu.actions()
        if action.isEnabled()
        and not action.isSeparator()
        and action.objectName()
        not in {
            "respaldarAction",
            "restaurarAction",
            "repararAction",  # replaces the store, as Restaurar
            "cerrarSesionAction",
            "salirAction",
        }
    ]
    assert len(propios) >= 12
    for action in propios:
        antes = len(vistos), len(modals.messages)
        modals.handle(medir)
        action.trigger()
        if action.objectName() == "manualAction":  # not modal: a window beside the others
            manual = _manual_abierto(qtbot, main)
            vistos.append(_ver(manual, main))
            manual.close()
            continue
        qtbot.waitUntil(
            lambda a=antes: len(vistos) > a[0] or len(modals.messages) > a[1], timeout=10_000
        )
    modals.handle(lambda d: None)  # nothing left waiting for a dialog
    titulos = {v.titulo for v in vistos}
    assert {
        "Certificados IMSS",
        "Registros patronales",
        "Usuarios para conexión en línea con IDSE",
        "Empresas por usuario",
        "Cambiar de empresa",
        "Vencimientos de informativas ICSOE",
        "Manual de usuario — icsoe-desktop",
    } <= titulos, sorted(titulos)
    for visto in vistos:
        _cabe(visto, area)
        _centrada(visto, area)
    assert any(m.icon == QMessageBox.Icon.Information for m in modals.messages)  # Acerca de


def _manual_abierto(qtbot, ventana: QWidget) -> QWidget:
    """The manual ``ventana`` opened (not one an earlier test of the worker left on screen)."""
    from PySide6.QtWidgets import QApplication

    def visible() -> QWidget | None:
        return next(
            (
                w
                for w in QApplication.allWidgets()
                if w.objectName() == "ManualWindow"
                and w.isVisible()
                and w.parentWidget() is ventana
            ),
            None,
        )

    qtbot.waitUntil(lambda: visible() is not None)
    window = visible()
    assert window is not None
    return window


@pytest.fixture
def capturista(data_dir, tmp_path, smtp_server):
    """An active capturista of the factory's persona moral, in the installation's empresa."""
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp_server.settings(), None, actor=CLI_ACTOR)
        _rfc, curp = capturista_activa(services, data_dir, tmp_path, smtp_server)
    finally:
        services.close()
    return curp


def test_the_icsoe_windows_fit_and_open_centred(qtbot, data_dir, capturista, modals):
    with _abierta(qtbot, data_dir) as application:
        login = application.login
        area = _area(login)
        click(qtbot, login.icsoe)
        inicio = application.icsoe
        assert inicio is not None and inicio.isVisible()
        vista = _ver(inicio, login)
        _cabe(vista, area)
        _centrada(vista, area)  # no longer in the screen's corner

        # The contratista's window (1300 px wide), over the start window.
        services = application.services
        sesion = services.contratistas.sesion(cf.RFC_MORAL)
        inicio.enter_contratista(sesion)
        contratista = inicio.contratista_window
        assert contratista is not None and contratista.isVisible()
        vista = _ver(contratista, inicio)
        _cabe(vista, area)
        _centrada(vista, area)
        assert contratista.width() >= 1200  # its grid keeps the width it was designed for
        for action in (contratista.alta_action, contratista.consulta_action):
            action.trigger()
            _cabe(_ver(contratista, None), area)
        contratista.close()

        # The capturista signs in; its window, then an informativa's.
        type_text(qtbot, inicio.usuario, capturista)
        type_text(qtbot, inicio.contrasena, NEW_PASSWORD)
        modals.handle(lambda d: None)
        click(qtbot, inicio.ingresar)
        ventana = inicio.capturista_window
        assert ventana is not None and ventana.isVisible()
        vista = _ver(ventana, inicio)
        _cabe(vista, area)
        _centrada(vista, area)
        ventana.set_contratista(services.acceso_capturista.seleccionar(capturista, cf.RFC_MORAL))
        uuid = services.informativas.crear(cf.RFC_MORAL, capturista, PERIODO)
        informativa = ventana.informativas.abrir_informativa(uuid)
        assert informativa is not None and informativa.isVisible()
        vista = _ver(informativa, ventana)
        _cabe(vista, area)
        _centrada(vista, area)
        informativa.close()
        ventana.close()


def _en_medio(window: QWidget, area: QRect) -> None:
    centro = _ver(window, None).previsto.toRectF().center()
    esperado = area.toRectF().center()
    assert abs(centro.x() - esperado.x()) <= 1 and abs(centro.y() - esperado.y()) <= 1, (
        f"«{window.windowTitle()}» {window.frameGeometry()} no está en medio de {area}"
    )


def test_the_first_start_login_shows_its_fields_whole_and_stays_centred(qtbot, data_dir):
    """A new installation: the login shows before the database is open, then the empresa and
    the «Primer paso» hint appear; it grows about its centre and squashes none of its fields."""
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    login = application.login
    area = _area(login)
    _en_medio(login, area)
    alto = login.height()
    qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
    try:
        qtbot.waitUntil(lambda: login.primer_paso.isVisible())
        qtbot.waitUntil(login.empresa_selector.isVisible)
        assert login.height() > alto
        _en_medio(login, area)
        campos = (login.usuario, login.contrasena, login.mostrar)
        assert all(campo.minimumSizeHint().height() >= 19 for campo in campos)
        # Laid out on the event loop's next turns: then each field is whole.
        qtbot.waitUntil(
            lambda: all(campo.height() >= campo.minimumSizeHint().height() for campo in campos)
        )
        assert login.usuario_label.geometry().bottom() < login.correo_nota.geometry().top()
    finally:
        application.shutdown()


LARGA = "Servicios Integrales de Nómina y Administración de Personal del Bajío, S.A. de C.V."


def test_the_login_stays_centred_when_the_empresa_selector_widens_it(
    qtbot, data_dir, ids_tres, tmp_path
):
    """Several empresas (one with a long razón social): the login shows before the database is
    open, then the selector appears and makes it wider and taller. It grows about the middle of
    the screen, fits it, and squashes or overlaps nothing."""
    from tests.gui.test_disposicion import defectos

    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    login = application.login
    area = _area(login)
    _en_medio(login, area)
    antes = login.size()
    qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
    try:
        qtbot.waitUntil(lambda: login.empresa_selector.combo.isVisible())
        qtbot.waitUntil(lambda: login.width() > antes.width() and login.height() > antes.height())
        _en_medio(login, area)
        _cabe(_ver(login, None), area)
        assert defectos(login, "con el selector de empresa") == []
        login.grab().save(str(tmp_path / "login_con_selector.png"))
    finally:
        application.shutdown()


def test_the_login_keeps_its_size_and_shows_every_label_and_rfc_whole(qtbot, data_dir, ids_tres):
    """Three empresas, the second allowed in sólo consulta, one with a long razón social:
    toggling sólo consulta (which opens the allowed empresa) leaves the login's size alone,
    «(Correo electrónico)» is shown whole, and the selector shows each RFC."""
    with _abierta(qtbot, data_dir) as application:
        login = application.login
        qtbot.waitUntil(lambda: login.empresa_selector.combo.isVisible())
        size = login.size()
        for _ in range(2):
            click(qtbot, login.solo_consulta)
            _asentado()
            assert login.solo_consulta.isChecked()
            assert login.vigencias.isVisible()  # the allowed empresa's certificates
            assert login.size() == size
            # Four registros in the room of two: the first and how many more; all in the tip.
            assert "y 3 registros más: 3 sin certificado" in login.vigencias.text()
            assert all(r in login.vigencias.toolTip() for r in REGISTROS_MAS)
            click(qtbot, login.solo_consulta)
            _asentado()
            assert login.size() == size
        _cabe(_ver(login, None), _area(login))

        for label in (login.usuario_label, login.correo_nota):
            assert label.isVisible()
            texto = label.fontMetrics().boundingRect(label.text())
            assert label.width() >= texto.width() and label.height() >= texto.height()
        assert login.correo_nota.text() == "(Correo electrónico)"

        textos = _rfc_enteros(login, application.services)
        [larga] = [t for t in textos if t.startswith(LARGA[:20])]
        assert larga != f"{LARGA} (DDD040404DD4)" and larga.endswith("… (DDD040404DD4)")
        assert login.width() <= 640  # the long name does not stretch the login


def test_a_long_razon_social_in_the_selectors_place_keeps_the_logins_size(
    qtbot, data_dir, ids_tres
):
    """Sólo consulta allowed only for the empresa with a long razón social: its name takes the
    selector's place on one line, shortened as the selector shows it (its RFC whole, the whole
    name in the tooltip), and the login keeps its size."""
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        larga = next(e for e in services.empresas.listar() if e.rfc == "DDD040404DD4")
        services.empresas.permitir_solo_consulta(larga.id, True, ANA)
        services.empresas.permitir_solo_consulta(ids_tres[CLIENTES[1].rfc], False, ANA)
    finally:
        services.close()
    with _abierta(qtbot, data_dir) as application:
        login = application.login
        nombre = login.empresa_selector.nombre
        qtbot.waitUntil(lambda: login.empresa_selector.combo.isVisible())
        size = login.size()
        click(qtbot, login.solo_consulta)
        _asentado()
        assert nombre.isVisible() and not login.empresa_selector.combo.isVisible()
        assert nombre.text().endswith("… (DDD040404DD4)</b>"), nombre.text()
        assert nombre.toolTip() == f"{LARGA} (DDD040404DD4)"
        assert nombre.height() < 2 * nombre.fontMetrics().lineSpacing()  # one line
        assert login.size() == size
        click(qtbot, login.solo_consulta)
        _asentado()
        assert login.size() == size


def _asentado() -> None:
    """The layout requests a change posted handled now (the login refits to its contents on
    them), and those they post in turn."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _rfc_enteros(login: QWidget, services) -> list[str]:
    """The selector's texts, each ending in its empresa's RFC and as wide at most as the
    field the selector draws it in (a wider one Qt would cut at its end: the RFC)."""
    combo = login.empresa_selector.combo
    opcion = QStyleOptionComboBox()
    combo.initStyleOption(opcion)
    campo = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opcion, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    textos = [combo.itemText(i) for i in range(combo.count())]
    assert len(textos) == 4
    for texto, empresa in zip(textos, services.empresas.listar(), strict=True):
        assert texto.endswith(f"({empresa.rfc})")
        assert combo.fontMetrics().horizontalAdvance(texto) <= campo.width(), texto
    return textos


@pytest.mark.parametrize("escala", [1.0, 1.5, 2.0], ids=["100 %", "150 %", "200 %"])
def test_the_selector_shows_every_rfc_whole_from_its_first_appearance_with_large_text(
    qtbot, qapp, data_dir, ids_tres, escala, tmp_path
):
    """Windows' text at 100, 150 and 200 %: from the moment the selector appears (the login
    already on screen) and once the login has grown to hold it, every empresa's text fits the
    field it is drawn in, the RFC whole; a long razón social gives way, not its RFC."""
    from PySide6.QtGui import QFont

    from icsoe_desktop.gui.kit.colores import PUNTOS_DEL_SISTEMA

    antes = qapp.font()
    fuente = QFont(antes)
    fuente.setPointSizeF(PUNTOS_DEL_SISTEMA * escala)
    qapp.setFont(fuente)
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    try:
        application.start()
        login = application.login
        qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
        combo = login.empresa_selector.combo
        qtbot.waitUntil(combo.isVisible)
        _rfc_enteros(login, application.services)  # as it first appears
        qtbot.wait(300)  # the login grown about its middle
        textos = _rfc_enteros(login, application.services)
        # The long razón social gives way; a name as long as at 100 % is whole at any size.
        assert any(t.startswith(LARGA[:12]) and "…" in t for t in textos)
        for cliente in CLIENTES:
            assert f"{cliente.razon_social} ({cliente.rfc})" in textos
        _cabe(_ver(login, None), _area(login))
        login.grab().save(str(tmp_path / f"login con selector al {escala:.0%}.png"))
    finally:
        application.shutdown()
        qapp.setFont(antes)


# The allowed empresa's other registros patronales (ids_tres).
REGISTROS_MAS = ("A1234567100", "C7654321100", "D1122334100")


@pytest.fixture
def ids_tres(data_dir):
    """The three empresas, the second allowed in sólo consulta (with four registros
    patronales, more than the certificates' panel has room for) and the first not, and a
    fourth with a long razón social."""
    from icsoe_desktop.services.container import open_services

    ids = build(data_dir)
    services = open_services(data_dir)
    try:
        empresas = services.empresas
        empresas.permitir_solo_consulta(ids[CLIENTES[1].rfc], True, ANA)
        empresas.permitir_solo_consulta(ids[CLIENTES[0].rfc], False, ANA)
        services.abrir_empresa(ids[CLIENTES[1].rfc])
        for registro in REGISTROS_MAS:
            services.registros.save(registro, CLIENTES[1].rfc, CLIENTES[1].razon_social, ANA)
        empresas.crear("DDD040404DD4", LARGA, ANA)
        services.abrir_empresa(ids[CLIENTES[0].rfc])
    finally:
        services.close()
    return ids


@pytest.mark.parametrize("escala", [1.0, 1.5, 2.0], ids=["100 %", "150 %", "200 %"])
def test_the_login_and_the_icsoe_start_fit_with_large_text(qtbot, services, qapp, escala, tmp_path):
    """Windows' text at 100 %, 150 % and 200 %: the first start's login (its Primer paso shown) and
    ICSOE's start fit the screen with Windows' frame, every control whole inside them; the
    login ends under its last link, no blank band below it."""
    from PySide6.QtGui import QFont

    from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
    from icsoe_desktop.gui.idse.login import IdseLoginWindow
    from icsoe_desktop.gui.kit.colores import PUNTOS_DEL_SISTEMA
    from icsoe_desktop.gui.kit.geometria import centrar

    antes = qapp.font()
    fuente = QFont(antes)
    fuente.setPointSizeF(PUNTOS_DEL_SISTEMA * escala)
    qapp.setFont(fuente)
    try:
        login = IdseLoginWindow(services)
        inicio = IcsoeInicioWindow(services)
        for ventana in (login, inicio):
            qtbot.addWidget(ventana)
            ventana.adjustSize()
            centrar(ventana)
            ventana.show()
        login.seguir_contenido()
        assert login.primer_paso.isVisible()
        for ventana, controles in (
            (login, (login.usuario, login.contrasena, login.continuar, login.icsoe)),
            (inicio, (inicio.efirma, inicio.usuario, inicio.ingresar, inicio.cerrar)),
        ):
            _cabe(_ver(ventana, None), _area(ventana))
            for control in controles:
                caja = QRect(control.mapTo(ventana, control.rect().topLeft()), control.size())
                assert ventana.rect().contains(caja), f"{control.objectName()} cortado"
        login.grab().save(str(tmp_path / f"login al {escala:.0%}.png"))
        pregunta = login.findChild(QLabel, "sinCuentaLabel")
        entre = login.registrate.geometry().left() - pregunta.geometry().right()
        assert entre > 6, "«¿No tienes cuenta…?» pegada a «Regístrate aquí»"
        ultimo = login.icsoe.mapTo(login, login.icsoe.rect().bottomLeft()).y()
        margen = login.layout().contentsMargins().bottom()
        assert login.height() - 1 - ultimo <= margen + 2, "espacio en blanco bajo los enlaces"
    finally:
        qapp.setFont(antes)


@pytest.mark.parametrize("escala", [1.0, 1.5, 2.0], ids=["100 %", "150 %", "200 %"])
def test_the_main_window_folds_to_fit_large_text_and_never_scrolls(
    qtbot, services, qapp, escala, tmp_path
):
    """Windows' text at 100, 150 and 200 % on a 1366×768 screen: the main window in every tab,
    Lotes included, fits the screen with Windows' frame without a scroll area; what does not
    fit folds away (the title, the session's line, rows of actions wrapped) and the grid,
    Salir, «Configuración inicial…» and the status bar stay whole in view."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QScrollArea

    from icsoe_desktop.gui.kit.colores import PUNTOS_DEL_SISTEMA
    from icsoe_desktop.gui.kit.geometria import centrar
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from tests.services.movimientos_data import add_registros

    add_registros(services)
    antes = qapp.font()
    fuente = QFont(antes)
    fuente.setPointSizeF(PUNTOS_DEL_SISTEMA * escala)
    qapp.setFont(fuente)
    try:
        main = VentanaPrincipal(services, ANA, "Ana")
        qtbot.addWidget(main)
        centrar(main)  # as the app opens it
        main.show()
        area = _area(main)
        movimientos = main.movimientos
        tabs = movimientos.tabs
        assert movimientos.lotes is not None
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            # The page's layout now (the window grows to it), then the folding that follows on
            # the next turns of the event loop: on a loaded machine they come later than 50 ms.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            qtbot.waitUntil(lambda: _cabe_ya(_ver(main, None), area), timeout=10_000)
            qtbot.wait(50)
            assert not isinstance(main.centralWidget(), QScrollArea)
            _cabe(_ver(main, None), area)
            lotes = movimientos.lotes
            listas = (
                (lotes.pendientes_tabla, lotes.lotes_tabla, lotes.detalle_tabla)
                if tabs.tabText(index) == "Lotes"
                else (movimientos.tabla,)
            )
            for control in (*listas, main.salir, main.pendientes_button, main.statusBar()):
                assert control.isVisible(), control.objectName()
                caja = QRect(control.mapTo(main, control.rect().topLeft()), control.size())
                assert main.rect().contains(caja), f"{control.objectName()} cortado"
                if control in listas:  # a row at least under its header
                    filas = control.verticalHeader().defaultSectionSize()
                    assert control.viewport().height() >= filas, control.objectName()
                else:
                    assert control.height() >= control.minimumSizeHint().height(), (
                        f"{control.objectName()} aplastado"
                    )
            nombre = "lotes" if tabs.tabText(index) == "Lotes" else "principal"
            if index in (0, tabs.count() - 1):
                main.grab().save(str(tmp_path / f"{nombre}_{escala:.0%}.png"))
        # Folded, not lost: the status bar still names the user.
        assert f"Usuario: {ANA}" in main.statusBar().findChild(QLabel, "estadoSesionLabel").text()
        if escala == 1.0:
            assert main.findChild(QLabel, "tituloLabel").isVisible()  # nothing folded at 100 %
    finally:
        qapp.setFont(antes)


PRIMER_CUADRO = """
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + sys.argv[3]  # 1366×768, a taskbar
app = QApplication([])
from icsoe_desktop.gui.application import Application

application = Application(Path(sys.argv[1]))
application.start()  # shown: what its first frame draws, before the loop turns
login = application.login
primero = login.geometry()
login.grab().save(sys.argv[2])
login.seguir_contenido()  # what the loop's first turn does
area = login.screen().availableGeometry()
for caja in (primero, login.geometry(), area):
    print(caja.x(), caja.y(), caja.width(), caja.height())
application.shutdown()
"""


@pytest.mark.parametrize("escala", ["1", "1.5", "2"], ids=["100 %", "150 %", "200 %"])
def test_the_login_shows_first_at_the_size_it_keeps(data_dir, escala, tmp_path, monkeypatch):
    """Windows at 100, 150 and 200 % (the whole screen scaled, as Windows scales it: Qt's scale
    factor): the login's first frame is already the one it keeps once it fits its contents,
    centred on the screen. A first turn of the loop that comes late (a busy PC, the store
    opening) shows no window stretched or squashed until then."""
    monkeypatch.setenv("QT_SCALE_FACTOR", escala)
    imagen = tmp_path / f"primer cuadro al {float(escala):.0%}.png"
    pantalla_de_prueba = Path(__file__).resolve().parent.parent / "pantalla_1366x768.json"
    salida = run_qt_script(
        tmp_path, PRIMER_CUADRO, str(data_dir), str(imagen), str(pantalla_de_prueba)
    )
    primero, despues, area = (QRect(*map(int, linea.split())) for linea in salida.splitlines())
    assert primero == despues, "el primer cuadro no es el tamaño que queda"
    assert area.contains(primero), (primero, area)


# The loop turns ``ms`` with Python's lock let go: QTest.qWait keeps it while it waits, and the
# store opening on a thread of its own would barely run between two waits.
PAUSA = """
from PySide6.QtCore import QEventLoop, QTimer


def pausa(ms):
    bucle = QEventLoop()
    QTimer.singleShot(ms, bucle.quit)
    bucle.exec()
"""


# The login started as the app starts it, until its empresa selector shows (the store open).
ACCESO_ABIERTO = (
    """
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + sys.argv[3]
app = QApplication([])
"""
    + PAUSA
    + """
from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.kit.geometria import MARGENES_VENTANA

application = Application(Path(sys.argv[1]))
application.start()
login = application.login
login.seguir_contenido()
while application.services is None or not login.empresa_selector.combo.isVisible():
    pausa(20)
"""
)


LOGIN_AL_200 = (
    ACCESO_ABIERTO
    + """
pausa(300)  # grown, folded and centred about the middle
area = login.screen().availableGeometry()
previsto = QRect(login.frameGeometry().topLeft(), login.size().grownBy(MARGENES_VENTANA))
print("area", *area.getRect())
print("marco", *login.frameGeometry().getRect())
print("previsto", *previsto.getRect())
controles = [login.empresa_selector.combo, login.solo_consulta, login.usuario, login.contrasena,
             login.mostrar, login.continuar, login.registrate, login.olvido, login.icsoe]
for control in controles:
    caja = QRect(control.mapTo(login, control.rect().topLeft()), control.size())
    entero = control.isVisible() and login.rect().contains(caja)
    print("control", control.objectName(), int(entero), control.accessibleName() or control.text())
primer = login.primer_paso
print("primer", int(primer.isVisible()), primer.text())
print("descripcion", primer.accessibleDescription() or primer.text())
# Tab from the first control goes round every one of them.
login.activateWindow()
controles[0].setFocus()
vistos = []
for _ in range(2 * len(controles)):
    vistos.append(QApplication.focusWidget().objectName())
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
print("tab", *vistos)
login.grab().save(sys.argv[2])
application.shutdown()
"""
)


# The screen's height in physical px, 1366×768 less the taskbar: Windows 11's, Windows 10's,
# none (as under Wine).
_ALTOS_1366X768 = pytest.mark.parametrize(
    "alto",
    [672, 688, 768],
    ids=["barra de Windows 11", "barra de Windows 10", "sin barra (Wine)"],
)


@_ALTOS_1366X768
def test_the_first_start_login_with_several_empresas_fits_1366x768_at_200_percent(
    data_dir, tmp_path, monkeypatch, alto
):
    """Windows at 200 % on a 1366×768 screen (the whole screen scaled, as Windows and Wine at
    192 DPI scale it: 683 logical px wide, 336, 344 or 384 high as the taskbar takes 96, 80 or
    no px): the first start's login with several empresas, the Primer paso and the empresa
    selector shown, fits the screen with Windows' frame. What does not fit folds away (the
    title, the links' lines, the Primer paso to one line), never under a scroll bar nor cut:
    every control whole inside it, named, and reached by Tab."""
    import json

    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.idse.login import MSG_PRIMER_PASO
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.primer_uso.guardar_empresa(CLIENTES[0].rfc, CLIENTES[0].razon_social, CLI_ACTOR)
        services.empresas.crear(CLIENTES[1].rfc, CLIENTES[1].razon_social, CLI_ACTOR)
        services.empresas.crear("DDD040404DD4", LARGA, CLI_ACTOR)
        assert services.accounts.sign_in.usuarios().ninguno  # the first start: Primer paso
    finally:
        services.close()
    screen = tmp_path / "pantalla.json"
    screen.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "1366x768",
                        "x": 0,
                        "y": 0,
                        "width": 1366,
                        "height": alto,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    monkeypatch.setenv("QT_SCALE_FACTOR", "2")
    imagen = tmp_path / "acceso al 200 %.png"
    salida = run_qt_script(tmp_path, LOGIN_AL_200, str(data_dir), str(imagen), str(screen))
    lineas = [linea.split(" ", 1) for linea in salida.splitlines()]
    cajas = {
        k: QRect(*map(int, v.split())) for k, v in lineas if k in ("area", "marco", "previsto")
    }
    assert cajas["area"] == QRect(0, 0, 683, alto // 2)
    for caja in (cajas["marco"], cajas["previsto"]):
        assert cajas["area"].contains(caja), (caja, cajas["area"])
    controles = [v.split(" ", 2) for k, v in lineas if k == "control"]
    assert len(controles) == 9
    for nombre, entero, texto in controles:
        assert entero == "1", f"{nombre} cortado o escondido"
        assert texto.strip(), f"{nombre} sin nombre"
    [primer] = [v for k, v in lineas if k == "primer"]
    assert primer.startswith("1 ") and "«Regístrate aquí»" in primer and "administrador" in primer
    [descripcion] = [v for k, v in lineas if k == "descripcion"]
    assert descripcion == MSG_PRIMER_PASO  # the whole, folded or not
    [tab] = [v.split() for k, v in lineas if k == "tab"]
    assert {nombre for nombre, _entero, _texto in controles} <= set(tab)


LOGIN_SOLO_CONSULTA = (
    ACCESO_ABIERTO
    + """
selector = login.empresa_selector
controles = [login.solo_consulta, login.usuario, login.contrasena, login.mostrar,
             login.continuar, login.registrate, login.olvido, login.icsoe]


def ver(estado):
    for _ in range(3):  # refitted, folded and centred on the loop's next turns
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        pausa(100)
    previsto = QRect(login.frameGeometry().topLeft(), login.size().grownBy(MARGENES_VENTANA))
    print("marco", estado, *login.frameGeometry().getRect())
    print("previsto", estado, *previsto.getRect())
    empresa = selector.combo if selector.combo.isVisible() else selector.nombre
    for control in (empresa, *controles, login.vigencias):
        if control is login.vigencias and not control.isVisible():
            continue
        caja = QRect(control.mapTo(login, control.rect().topLeft()), control.size())
        alto = (control.heightForWidth(control.width()) if control.hasHeightForWidth()
                else control.minimumSizeHint().height())
        entero = control.isVisible() and login.rect().contains(caja) and control.height() >= alto
        tabulable = control.isEnabled() and control.focusPolicy() & Qt.FocusPolicy.TabFocus
        print("control", estado, control.objectName(), int(entero), int(bool(tabulable)))
    # Tab from the check box goes round every control that answers.
    login.activateWindow()
    login.solo_consulta.setFocus()
    vistos = []
    for _ in range(2 * len(controles) + 2):
        vistos.append(QApplication.focusWidget().objectName())
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    print("tab", estado, *vistos)
    login.grab().save(f"{sys.argv[2]} {estado}.png")


def marcar():
    casilla = login.solo_consulta  # on its box: a wide check box's middle is empty
    QTest.mouseClick(casilla, Qt.MouseButton.LeftButton, pos=QPoint(8, casilla.height() // 2))


ver("antes")
marcar()
print("marcada", int(login.solo_consulta.isChecked()))
ver("marcada")
marcar()
ver("desmarcada")
application.shutdown()
"""
)


@pytest.mark.parametrize(
    ("escala", "alto"),
    [("1.5", 672), ("2", 672), ("2", 688), ("2", 768)],
    ids=[
        "150 %, barra de Windows 11",
        "200 %, barra de Windows 11",
        "200 %, barra de Windows 10",
        "200 %, sin barra (Wine)",
    ],
)
def test_the_login_keeps_its_size_and_place_when_solo_consulta_is_ticked_at_150_and_200_percent(
    data_dir, ids_tres, tmp_path, monkeypatch, escala, alto
):
    """Windows at 150 and 200 % on a 1366×768 screen (the whole screen scaled): ticking sólo
    consulta (which opens the allowed empresa and shows its certificates) and unticking it
    leaves the login where it was and as large, inside the screen with Windows' frame: nothing
    jumps, grows past the screen or is cut, and Tab reaches every control that answers."""
    monkeypatch.setenv("QT_SCALE_FACTOR", escala)
    imagen = tmp_path / f"acceso al {float(escala):.0%}"
    salida = run_qt_script(
        tmp_path, LOGIN_SOLO_CONSULTA, str(data_dir), str(imagen), str(_pantalla(tmp_path, alto))
    )
    lineas = [linea.split() for linea in salida.splitlines()]
    assert ["marcada", "1"] in lineas
    cajas = {
        (clave, estado): QRect(*map(int, resto))
        for clave, estado, *resto in lineas
        if clave in ("marco", "previsto")
    }
    area = QRect(0, 0, 1366, alto)
    area.setSize(area.size() / float(escala))
    estados = ("antes", "marcada", "desmarcada")
    for estado in estados:
        assert cajas["marco", estado] == cajas["marco", "antes"], f"{estado}: el acceso se movió"
        for clave in ("marco", "previsto"):
            assert area.contains(cajas[clave, estado]), (estado, cajas[clave, estado], area)
    controles = [resto for clave, *resto in lineas if clave == "control"]
    tab = {resto[0]: set(resto[1:]) for clave, *resto in lineas if clave == "tab"}
    for estado, nombre, entero, tabulable in controles:
        assert entero == "1", f"{estado}: {nombre} cortado o escondido"
        if tabulable == "1":
            assert nombre in tab[estado], f"{estado}: Tab no llega a {nombre}"
    assert ["marcada", "vigenciasLabel", "1", "0"] in controles  # the certificates, whole
    assert ["marcada", "empresaLabel", "1", "0"] in controles  # the one empresa allowed
    assert ["antes", "empresaCombo", "1", "1"] in controles


PRINCIPAL_AL_200 = (
    """
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QTabBar

os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + sys.argv[3]
app = QApplication([])
"""
    + PAUSA
    + """
from icsoe_desktop.gui.kit.geometria import MARGENES_VENTANA, centrar
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.container import open_services

LARGA = "Empresa: Escuela Kemper Urgate Servicios Integrales de Nómina SA de CV (EKU9003173C)"
services = open_services(Path(sys.argv[1]))
main = VentanaPrincipal(services, sys.argv[4], "Ana")
centrar(main)  # as the app opens it
main.show()
area = main.screen().availableGeometry()
print("area", *area.getRect())


def previsto():
    return QRect(main.frameGeometry().topLeft(), main.size().grownBy(MARGENES_VENTANA))


def cabe():
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the page's layout now
    return area.contains(previsto()) and main.minimumSizeHint().height() <= main.height()


def esperar():
    # Folded on the loop's next turns, later on a busy machine: until it fits twice in a row.
    limite = time.monotonic() + 20
    seguidas = 0
    while seguidas < 2 and time.monotonic() < limite:
        pausa(150)
        seguidas = seguidas + 1 if cabe() else 0


def ver(nombre, controles):
    nombre = nombre.replace(" ", "_")
    esperar()
    dentro = area.contains(main.frameGeometry()) and area.contains(previsto())
    rodado = isinstance(main.centralWidget(), QScrollArea)
    print("vista", nombre, int(dentro), int(rodado))
    for control in controles:
        caja = QRect(control.mapTo(main, control.rect().topLeft()), control.size())
        entero = control.isVisible() and main.rect().contains(caja)
        if entero and hasattr(control, "verticalHeader"):  # a row at least under its header
            entero = control.viewport().height() >= control.verticalHeader().defaultSectionSize()
        print("control", nombre, control.objectName() or type(control).__name__, int(entero))


fijos = (main.salir, main.pendientes_button, main.statusBar())
movimientos = main.movimientos
tabs = movimientos.tabs
for indice in range(tabs.count()):
    tabs.setCurrentIndex(indice)
    if tabs.tabText(indice) != "Lotes":
        ver(tabs.tabText(indice), (movimientos.tabla, *fijos))
        continue
    lotes = movimientos.lotes
    esperar()
    partes = lotes.findChild(QTabBar, "lotesPartesTabs")
    if partes is None:  # all of it in view at once
        ver("Lotes", (lotes.pendientes_tabla, lotes.lotes_tabla, lotes.detalle_tabla, *fijos))
        continue
    ver("Lotes", (partes, lotes.pendientes_tabla, *fijos))
    siguiente = partes.nextInFocusChain()  # Tab from the bar: the first part's first field
    while not (siguiente.isVisible() and siguiente.focusPolicy() & Qt.FocusPolicy.TabFocus):
        siguiente = siguiente.nextInFocusChain()
    print("tras_partes", siguiente.objectName())
    main.grab().save(sys.argv[2] + " Lotes.png")
    partes.setCurrentIndex(1)
    ver("Generados", (partes, lotes.lotes_tabla, lotes.detalle_tabla, *fijos))
    tabs.setCurrentIndex(0)
    pausa(100)
main.grab().save(sys.argv[2] + ".png")
# A long razón social (the sync's state beside it): it gives way, its RFC whole.
empresa = main.statusBar().findChild(QLabel, "estadoEmpresaLabel")
empresa.set_texto(LARGA)
esperar()
caja = QRect(empresa.mapTo(main, empresa.rect().topLeft()), empresa.size())
ancho = empresa.fontMetrics().horizontalAdvance(empresa.text())
entera = main.rect().contains(caja) and ancho <= empresa.contentsRect().width()
print("empresa", int(entera), "|", empresa.text(), "|", empresa.toolTip(), "|", empresa.accessibleName())
main.grab().save(sys.argv[2] + " empresa.png")
main.close()
services.close()
"""
)


def _pantalla(tmp_path: Path, alto: int) -> Path:
    """A 1366-px wide screen of ``alto`` px above the taskbar (Qt's offscreen screen file)."""
    import json

    screen = {"name": "1366x768", "x": 0, "y": 0, "width": 1366, "height": alto}
    screen.update(logicalDpi=96, logicalBaseDpi=96, dpr=1)
    archivo = tmp_path / "pantalla.json"
    archivo.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return archivo


@_ALTOS_1366X768
def test_the_main_window_fits_1366x768_at_200_percent_in_every_tab(
    data_dir, tmp_path, monkeypatch, alto
):
    """Windows at 200 % on a 1366×768 screen (the whole screen scaled: 683 logical px wide,
    336 to 384 high): the main window in every tab fits the screen with Windows' frame and
    never turns into a scroll area. It narrows and folds instead (Salir to the status bar's
    end, the search's title, its lists to one row, Lotes' two parts one at a time on a tab
    bar): the grid, Salir, «Configuración inicial…» and the status bar whole in view, and
    each part of Lotes with its lists when chosen."""
    build(data_dir)
    monkeypatch.setenv("QT_SCALE_FACTOR", "2")
    imagen = tmp_path / "principal al 200 %"
    salida = run_qt_script(
        tmp_path, PRINCIPAL_AL_200, str(data_dir), str(imagen), str(_pantalla(tmp_path, alto)), ANA
    )
    lineas = [linea.split() for linea in salida.splitlines()]
    [area] = [QRect(*map(int, resto)) for clave, *resto in lineas if clave == "area"]
    assert area == QRect(0, 0, 683, alto // 2)
    vistas = {resto[0]: resto[1:] for clave, *resto in lineas if clave == "vista"}
    assert {"Reingresos", "Todos", "Lotes"} <= set(vistas), vistas
    for nombre, (dentro, rodado) in vistas.items():
        assert dentro == "1", f"{nombre}: la ventana sale de la pantalla"
        assert rodado == "0", f"{nombre}: la ventana se volvió desplazable"
    if "Generados" in vistas:  # Lotes folded: its parts' bar read before them
        assert ["tras_partes", "lotesRegistroCombo"] in lineas
    # The status bar's empresa gives way with its RFC whole, all of it in its tooltip and name.
    [empresa] = [linea.split(" | ") for linea in salida.splitlines() if linea.startswith("empresa")]
    larga = "Empresa: Escuela Kemper Urgate Servicios Integrales de Nómina SA de CV (EKU9003173C)"
    assert empresa[0] == "empresa 1" and empresa[1].endswith(" (EKU9003173C)"), empresa
    assert "…" in empresa[1] and empresa[2:] == [larga, larga]
    controles = [resto for clave, *resto in lineas if clave == "control"]
    assert len(controles) >= 4 * len(vistas)
    for vista, nombre, entero in controles:
        assert entero == "1", f"{vista}: {nombre} cortado o escondido\n{salida}"
