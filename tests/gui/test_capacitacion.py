"""Modo de capacitación in the windows: an
administrator turns it on in Emisores confiables; the main window and the ICSOE windows say so
in their title; ICSOE's e.firma screen says why the SAT's test e.firma is refused, and takes it
with the mode on; a signed practice informativa's Registrar presentación says, in the service's
words, that it is never filed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QFileDialog

from icsoe_desktop.domain.practica import RFC_PRACTICA
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.capacitacion import SUFIJO
from icsoe_desktop.gui.certificados.emisores_confiables import (
    MSG_CAPACITACION_ACTIVAR,
    EmisoresConfiablesDialog,
)
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.capacitacion import preparar
from icsoe_desktop.services.contratistas import MSG_FIEL_EXITOSA
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text
from tests.icsoe_helpers import enter_contratista
from tests.services.test_accounts import form as registro
from tests.services.test_capacitacion import ac_uat, instalar_uat

ADMIN = "admin@empresa.com"
ANA = "ana.lopez@empresa.com"


def shown(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    return window


def test_an_administrator_turns_it_on_and_a_real_empresas_windows_stay_unmarked(
    qtbot, services, data_dir, tmp_path, modals
):
    services.accounts.register(registro(usuario=ADMIN))
    rfc = enter_contratista(services, data_dir, tmp_path)
    main = shown(qtbot, VentanaPrincipal(services, ADMIN, "Admin"))
    assert not main.windowTitle().endswith(SUFIJO)

    def activar(dialog) -> None:
        assert isinstance(dialog, EmisoresConfiablesDialog)
        check = dialog.findChild(QCheckBox, "capacitacionCheck")
        assert check.isEnabled() and not check.isChecked()
        modals.answer("Activar", "Aceptar")
        click(qtbot, check)
        dialog.reject()

    modals.handle(activar)
    main.emisores_action.trigger()
    assert modals.texts[0] == MSG_CAPACITACION_ACTIVAR
    assert modals.texts[1].startswith("El modo de capacitación está activo.")
    assert [r.actor for r in services.audit_instalacion.recent()][:1] == [ADMIN]
    assert services.audit_instalacion.recent()[0].action == "modo_capacitacion_activado"
    # The mode only lets this desktop trust the practice and test authorities: the work of a
    # real empresa and its real contratista is real, and says nothing of training.
    assert not main.windowTitle().endswith(SUFIJO)
    inicio = shown(qtbot, IcsoeInicioWindow(services))
    assert inicio.windowTitle() == "ICSOE - Contratistas y capturistas"
    contratista = shown(qtbot, IcsoeContratistaWindow(services, services.contratistas.sesion(rfc)))
    assert not contratista.windowTitle().endswith(SUFIJO)
    assert contratista.banda_capacitacion is None


def test_cancelar_leaves_it_off_and_a_user_cannot_touch_it(qtbot, services, modals):
    services.accounts.register(registro(usuario=ADMIN))
    services.accounts.register(registro(usuario=ANA))
    admin = shown(qtbot, EmisoresConfiablesDialog(services, ADMIN))
    modals.answer("Cancelar")
    click(qtbot, admin.capacitacion)
    assert not admin.capacitacion.isChecked()
    assert not services.settings.current.capacitacion.activo
    usuario = shown(qtbot, EmisoresConfiablesDialog(services, ANA))
    assert not usuario.capacitacion.isEnabled()


def test_icsoe_efirma_says_why_the_test_efirma_is_refused_and_takes_it_in_training(
    qtbot, services, data_dir, tmp_path, modals
):
    services.accounts.register(registro(usuario=ADMIN))
    instalar_uat(data_dir)
    cer, key = cf.fiel_moral(issuer=ac_uat()).write(tmp_path / "fiel_pruebas")
    dialog = shown(qtbot, IcsoeEfirmaDialog(services))
    type_text(qtbot, dialog.rfc, cf.RFC_MORAL)
    dialog.set_certificado(str(cer))
    dialog.set_llave(str(key))
    type_text(qtbot, dialog.contrasena, cf.PASSWORD)
    click(qtbot, dialog.validar)
    qtbot.waitUntil(lambda: bool(modals.texts))
    assert "(emisor: AC UAT)" in modals.texts[-1]
    assert "modo de capacitación" in modals.texts[-1]
    assert "modo de capacitación" in dialog.resultado.text()  # it stays on the screen too
    assert not dialog.ingresar.isEnabled()

    services.settings.save_capacitacion(True, ADMIN)
    click(qtbot, dialog.validar)
    qtbot.waitUntil(lambda: modals.texts[-1] == MSG_FIEL_EXITOSA)
    assert dialog.ingresar.isEnabled() and "AC UAT" in dialog.resultado.text()


def test_an_administrator_prepares_the_practice_from_emisores_confiables_with_the_mode_on(
    qtbot, services, tmp_path, modals, monkeypatch
):
    services.accounts.register(registro(usuario=ADMIN))
    sala = tmp_path / "sala"
    # The native folder picker is Qt's, not ours: it answers with the trainer's folder.
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(sala))
    dialog = shown(qtbot, EmisoresConfiablesDialog(services, ADMIN))
    assert not dialog.preparar.isEnabled()  # the mode is off
    modals.answer("Activar", "Aceptar")
    click(qtbot, dialog.capacitacion)
    assert dialog.preparar.isEnabled()
    dialog.grab().save(str(tmp_path / "emisores_confiables.png"))

    modals.answer("Aceptar")
    click(qtbot, dialog.preparar)
    qtbot.waitUntil(lambda: len(modals.texts) == 3)
    texto = modals.texts[-1]
    assert texto.startswith("La práctica de capacitación está lista.")
    password = texto.splitlines()[-1]
    assert texto.splitlines()[-2] == "Contraseña de la e.firma de práctica:"
    fiel = services.contratistas.validar_fiel(
        RFC_PRACTICA, sala / "capacitacion.cer", sala / "capacitacion.key", password
    )
    assert fiel.emisor == "AC DE CAPACITACIÓN ICSOE-DESKTOP (SIN VALIDEZ)"
    listed = {e.nombre: e for e in services.certificates.emisores.listar()}
    assert listed[fiel.emisor].capacitacion  # shown as «Capacitación», never removable


def test_a_user_who_is_no_administrator_cannot_prepare_it_and_the_service_refuses(
    qtbot, services, tmp_path
):
    services.accounts.register(registro(usuario=ADMIN))
    services.accounts.register(registro(usuario=ANA))
    services.settings.save_capacitacion(True, ADMIN)
    dialog = shown(qtbot, EmisoresConfiablesDialog(services, ANA))
    assert not dialog.preparar.isEnabled()
    with pytest.raises(PermisoDenegado) as refused:
        preparar(services, tmp_path / "sala", ANA)
    assert "preparar la práctica de capacitación" in refused.value.message
    assert not (tmp_path / "sala").exists()
    (rechazo,) = [r for r in services.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert (rechazo.actor, rechazo.target) == (ANA, "PREPARAR_CAPACITACION")


def test_the_practice_contratista_and_informativa_windows_say_capacitacion_sin_validez(
    qtbot, services, tmp_path
):
    """Even with the mode off: the practice empresa is training by itself."""
    preparar(services, tmp_path / "sala", CLI_ACTOR)
    (practica,) = [e for e in services.empresas.listar() if e.rfc == RFC_PRACTICA]
    services.abrir_empresa(practica.id)
    assert not services.settings.current.capacitacion.activo
    sesion = services.contratistas.sesion(RFC_PRACTICA)
    contratista = shown(qtbot, IcsoeContratistaWindow(services, sesion))
    assert contratista.windowTitle().endswith(SUFIJO)
    assert contratista.banda_capacitacion.isVisible()
    assert contratista.banda_capacitacion.text().startswith("CAPACITACIÓN — SIN VALIDEZ")
    contratista.grab().save(str(tmp_path / "contratista_practica.png"))
    (fila,) = [f for f in services.informativas.tablero(RFC_PRACTICA, RFC_PRACTICA) if f.uuid]
    ventana = shown(qtbot, InformativaWindow(services, RFC_PRACTICA, RFC_PRACTICA, fila.uuid, True))
    assert ventana.windowTitle().endswith(SUFIJO) and ventana.banda_capacitacion.isVisible()
    assert ventana.contratos_model.rowCount() == 1
    ventana.grab().save(str(tmp_path / "informativa_practica.png"))


def test_a_real_contratista_out_of_training_has_no_mark(qtbot, services, data_dir, tmp_path):
    rfc = enter_contratista(services, data_dir, tmp_path)
    window = shown(qtbot, IcsoeContratistaWindow(services, services.contratistas.sesion(rfc)))
    assert not window.windowTitle().endswith(SUFIJO)
    assert window.banda_capacitacion is None


def test_the_practice_empresa_is_marked_in_the_empresa_lists_and_on_vencimientos(
    qtbot, services, tmp_path
):
    from icsoe_desktop.domain.practica import MARCA
    from icsoe_desktop.gui.empresas.cambiar import CambiarEmpresaDialog
    from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
    from icsoe_desktop.services.capacitacion import RAZON_SOCIAL_PRACTICA

    services.accounts.register(registro(usuario=ADMIN))
    services.primer_uso.guardar_empresa("ABA010101AA1", "Abarrotes Uno SA de CV", ADMIN)
    preparar(services, tmp_path / "sala", CLI_ACTOR)
    cambiar = shown(qtbot, CambiarEmpresaDialog(services, ADMIN))
    textos = [cambiar.lista.item(i).text() for i in range(cambiar.lista.count())]
    assert f"{MARCA}: {RAZON_SOCIAL_PRACTICA} ({RFC_PRACTICA})" in textos
    assert len(textos) == 2 and sum(MARCA in t for t in textos) == 1  # the other unmarked
    cambiar.grab().save(str(tmp_path / "cambiar_empresa.png"))
    board = shown(qtbot, VencimientosDialog(services, ADMIN))
    qtbot.waitUntil(lambda: board.model.rowCount() > 0, timeout=10_000)
    empresas = {board.model.index(r, 0).data() for r in range(board.model.rowCount())}
    assert empresas == {f"{MARCA}: {RAZON_SOCIAL_PRACTICA}"}
    board.grab().save(str(tmp_path / "vencimientos.png"))


def test_registrar_presentacion_of_a_practice_informativa_says_it_is_never_filed(
    qtbot, services, modals, clock, tmp_path
):
    from datetime import datetime

    from icsoe_desktop.domain.informativa.modelo import FIRMADA
    from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog
    from icsoe_desktop.services.capacitacion import CONTRATANTE_PRACTICA
    from icsoe_desktop.services.informativa.presentacion import MSG_CAPACITACION
    from tests.informativa_servicios import acuse_del_imss

    practica = preparar(services, tmp_path / "sala", CLI_ACTOR)
    services.settings.save_capacitacion(True, CLI_ACTOR)  # the practice authority trusted
    (empresa,) = [e for e in services.empresas.listar() if e.rfc == RFC_PRACTICA]
    services.abrir_empresa(empresa.id)
    (fila,) = [f for f in services.informativas.tablero(RFC_PRACTICA, RFC_PRACTICA) if f.uuid]
    services.informativa_firma.firmar(
        fila.uuid, RFC_PRACTICA, practica.cer, practica.key, practica.contrasena
    )
    clock.now = datetime(2026, 11, 23, 12, 0)  # filed the next day
    acuse = tmp_path / "acuse_practica.pdf"
    acuse.write_bytes(
        acuse_del_imss(
            RFC_PRACTICA,
            contratos=((CONTRATANTE_PRACTICA.rfc, CONTRATANTE_PRACTICA.nombre, "A26P3662382"),),
            fecha="23/11/2026 10:15:30",
        )
    )
    window = shown(qtbot, InformativaWindow(services, RFC_PRACTICA, RFC_PRACTICA, fila.uuid, True))
    assert window.banda_capacitacion.isVisible()

    def en_el_dialogo(dialog: RegistrarPresentacionDialog) -> None:
        dialog.elegir_acuse(acuse)
        qtbot.waitUntil(lambda: dialog.archivo.text() != "")
        click(qtbot, dialog.registrar)
        qtbot.waitUntil(lambda: MSG_CAPACITACION in modals.texts, timeout=10_000)
        dialog.reject()

    modals.handle(en_el_dialogo)
    modals.answer("Registrar", "Aceptar")
    click(qtbot, window.presentacion)
    qtbot.waitUntil(lambda: MSG_CAPACITACION in modals.texts, timeout=10_000)
    # The service's own words, and nothing registered: still signed, never «Presentada».
    assert services.informativas.fila(fila.uuid, RFC_PRACTICA).estado == FIRMADA
    assert not window.solo_lectura.text().startswith("Presentada")


def test_the_first_real_administrator_never_lands_in_the_practice_empresa(
    qtbot, data_dir, modals, tmp_path
):
    """Training prepared on a new installation and a trainee in the practice empresa (opened
    last), then the app restarted: the first administrator registers through Regístrate aquí
    and signs in to the real empresa, never to the practice one."""
    from icsoe_desktop.domain.practica import MARCA
    from icsoe_desktop.gui.application import Application
    from icsoe_desktop.gui.configuracion.inicial import ConfiguracionInicialWizard
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.empresas.servicio import SIN_CONFIGURAR

    antes = open_services(data_dir)
    try:
        practica = preparar(antes, tmp_path / "sala", CLI_ACTOR)
        antes.settings.save_capacitacion(True, CLI_ACTOR)
        fiel = antes.contratistas.validar_fiel(
            RFC_PRACTICA, practica.cer, practica.key, practica.contrasena
        )
        (empresa,) = antes.entrada.empresas_de_contratista(fiel.rfc)
        antes.entrada.ingresar_contratista(fiel, empresa)
        assert antes.empresa.rfc == RFC_PRACTICA  # the trainee's, opened last
    finally:
        antes.close()

    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    try:
        qtbot.waitUntil(lambda: application.services is not None, timeout=10_000)
        login = application.login
        assert login.primer_paso.isVisible()
        assert login.empresa_selector.combo.currentText() == SIN_CONFIGURAR

        def registrate(dialog) -> None:
            type_text(qtbot, dialog.nombre, "Ana")
            type_text(qtbot, dialog.primer_apellido, "Ruiz")
            type_text(qtbot, dialog.usuario, ADMIN)
            type_text(qtbot, dialog.contrasena, "Nom1na$Segura")
            type_text(qtbot, dialog.confirmacion, "Nom1na$Segura")
            click(qtbot, dialog.aviso)
            click(qtbot, dialog.guardar)
            dialog.reject()

        modals.handle(registrate)
        click(qtbot, login.registrate)
        assert modals.texts[-1] == f"El usuario {ADMIN} se guardó correctamente."
        asistentes: list[str] = []

        def configuracion_inicial(dialog) -> None:
            assert isinstance(dialog, ConfiguracionInicialWizard)
            asistentes.append(application.services.empresa.rfc)
            dialog.reject()

        modals.handle(configuracion_inicial)
        type_text(qtbot, login.contrasena, "Nom1na$Segura")
        click(qtbot, login.continuar)
        qtbot.waitUntil(lambda: application.main is not None, timeout=30_000)
        qtbot.waitUntil(lambda: asistentes == [""], timeout=30_000)
        assert application.services.empresa.rfc != RFC_PRACTICA
        assert MARCA not in application.main.windowTitle()
        assert application.services.accounts.listar()[0].administrador
    finally:
        application.shutdown()
