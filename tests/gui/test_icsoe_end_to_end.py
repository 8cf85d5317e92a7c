"""The ICSOE guides walked end to end through the real windows: a contratista enters with a test
e.firma, accepts the términos, saves its datos generales, registers two capturistas (the local
SMTP server receives their mails), edits and re-invites one, exports the Excel file; the other
activates from the mailed code, signs in and selects the contratista; the first is given baja
and reactivated. Every admin action is in the audit log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from icsoe_desktop.gui.icsoe.alta_usuario import IcsoeAltaUsuarioPage
from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
from icsoe_desktop.gui.icsoe.capturistas_model import ACTIVAR, EDITAR, ELIMINAR, ENVIAR
from icsoe_desktop.gui.icsoe.consulta import IcsoeConsultaPage
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.gui.icsoe.datos_generales import MSG_GUARDADO as MSG_DATOS_GUARDADOS
from icsoe_desktop.gui.icsoe.inicio import MSG_DATOS_GENERALES, IcsoeInicioWindow
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.capturistas.administracion import (
    MSG_ACTUALIZADO,
    MSG_BAJA,
    MSG_CORREO_ENVIADO,
    MSG_GUARDADO,
    MSG_REACTIVADO,
)
from icsoe_desktop.services.capturistas.excel import EXPORT_HEADERS
from icsoe_desktop.services.contratistas import MSG_FIEL_EXITOSA
from tests import credentials_factory as cf
from tests.gui.helpers import click, type_text, wait_operations
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, NEW_PASSWORD, trust_sat, write_pdf


def activation_codes(smtp, correo: str) -> list[str]:
    return [
        m.group(1)
        for message in smtp.to(correo)
        if (m := re.search(r"código de activación es: (\S+)", message.get_content()))
    ]


def click_cell(qtbot, page: IcsoeConsultaPage, curp: str, column: int) -> None:
    index = page.cell_index(curp, column)
    assert index.isValid()
    page.tabla.scrollTo(index)
    rect = page.tabla.visualRect(index)
    qtbot.mouseClick(page.tabla.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def alta(qtbot, page: IcsoeAltaUsuarioPage, curp, nombre, primer, segundo, telefono, correo):
    type_text(qtbot, page.curp, curp)
    assert not page.nombre.isEnabled()  # names wait for a valid CURP
    click(qtbot, page.validar)
    assert page.nombre.isEnabled()
    for edit, text in (
        (page.nombre, nombre),
        (page.primer_apellido, primer),
        (page.segundo_apellido, segundo),
        (page.telefono, telefono),
        (page.correo, correo),
        (page.confirmar_correo, correo),
    ):
        type_text(qtbot, edit, text)
    click(qtbot, page.guardar)


@pytest.mark.slow
def test_icsoe_guides_end_to_end(qtbot, services, data_dir, tmp_path, smtp_configured, modals):
    trust_sat(data_dir)
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    inicio = IcsoeInicioWindow(services, lambda: services.mail.send_pending(force=True))
    qtbot.addWidget(inicio)
    inicio.show()

    # --- Ingresa con firma electrónica → Validar → Ingresar → Términos → Datos generales ---------------
    def efirma(dialog) -> None:
        type_text(qtbot, dialog.rfc, cf.RFC_MORAL)
        dialog.set_certificado(str(cer))
        dialog.set_llave(str(key))
        type_text(qtbot, dialog.contrasena, cf.PASSWORD)
        assert not dialog.ingresar.isEnabled()
        click(qtbot, dialog.validar)
        wait_operations(qtbot)  # checked in the background
        assert MSG_FIEL_EXITOSA in dialog.resultado.text()
        assert "Emisor: AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA (verificado)" in (
            dialog.resultado.text()
        )
        click(qtbot, dialog.ingresar)

    def terminos(dialog) -> None:
        assert dialog.windowTitle() == "Términos y Condiciones"
        click(qtbot, dialog.ver)
        assert "ICSOE" in dialog.terminos.toPlainText()
        click(qtbot, dialog.ingresar)

    modals.handle(efirma)
    modals.handle(terminos)
    click(qtbot, inicio.efirma)
    assert modals.texts[:2] == [MSG_FIEL_EXITOSA, MSG_DATOS_GENERALES]
    assert [m.buttons for m in modals.messages[1:2]] == [("Continuar",)]
    window = inicio.contratista_window
    assert isinstance(window, IcsoeContratistaWindow) and window.isVisible()
    assert not inicio.isVisible()
    assert not window.alta_action.isEnabled()  # Administración waits for the datos generales
    page = window.datos_generales
    assert window.paginas.currentWidget() is page and page.domicilio_group.isVisible()

    type_text(qtbot, page.correo, "contacto@empresa.com.mx")
    type_text(qtbot, page.celular, "55 1234 5678")
    click(qtbot, page.no)
    assert page.ubicar_widget.isVisible() and not page.componentes.isVisible()
    type_text(qtbot, page.codigo_postal, "06600")
    type_text(qtbot, page.colonia, "Juárez")
    click(qtbot, page.ubicar)
    assert page.componentes.isVisible()
    type_text(qtbot, page.calle, "Paseo de la Reforma")
    type_text(qtbot, page.numero_exterior, "476")
    type_text(qtbot, page.municipio, "Cuauhtémoc")
    page.entidad.setCurrentIndex(page.entidad.findData("Ciudad de México"))
    click(qtbot, page.aceptar_domicilio)
    assert "C.P. 06600" in page.resumen.text()
    page.set_acuse(str(write_pdf(tmp_path)))
    assert page.acuse_label.text() == "acuse_stps.pdf" and page.ver_archivo.isEnabled()
    click(qtbot, page.guardar)
    assert modals.texts[-1] == MSG_DATOS_GUARDADOS
    assert window.alta_action.isEnabled() and window.paginas.currentWidget() is window.alta

    # --- Alta de usuarios: two capturistas, two mails each ---------------------------------------
    alta(qtbot, window.alta, CURP_ANA, "Ana", "López", "Martínez", "5512345678", "ana@capturas.mx")
    assert modals.texts[-1] == MSG_GUARDADO
    assert window.paginas.currentWidget() is window.consulta
    window.alta_action.trigger()
    alta(qtbot, window.alta, CURP_BETO, "Beto", "García", "Ruiz", "3312345678", "beto@mal.mx")
    assert modals.texts[-1] == MSG_GUARDADO
    qtbot.waitUntil(lambda: len(smtp_configured.to("beto@mal.mx")) == 2)
    assert [m["Subject"] for m in smtp_configured.to("ana@capturas.mx")] == [
        "Registro como usuario capturista - ICSOE",
        "Creación de contraseña - ICSOE",
    ]

    # --- Consulta: the guide's grid; edit and re-invite Beto ------------------------------------
    consulta = window.consulta
    assert consulta.model.headerData(2, Qt.Orientation.Horizontal) == "Clave Usuario(CURP)"
    model = consulta.model
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[1:8] == [
        "Capturista",
        CURP_ANA,
        "ANA LÓPEZ MARTÍNEZ",
        "ana@capturas.mx",
        "Registrada",
        "Contratista",
        cf.NOMBRE_MORAL,
    ]
    assert first[9:] == [cf.RFC_MORAL, "Editar", "Enviar email", "", "Eliminar"]
    click_cell(qtbot, consulta, CURP_BETO, EDITAR)
    assert window.paginas.currentWidget() is window.alta
    assert (
        window.alta.guardar.text().replace("&", "") == "Actualizar usuario"
        and window.alta.curp.isReadOnly()
    )
    for edit in (window.alta.correo, window.alta.confirmar_correo):
        edit.clear()
        type_text(qtbot, edit, "beto@capturas.mx")
    window.alta.nombre.clear()
    type_text(qtbot, window.alta.nombre, "Alberto")
    click(qtbot, window.alta.guardar)
    assert modals.texts[-1] == MSG_ACTUALIZADO
    assert window.paginas.currentWidget() is consulta
    click_cell(qtbot, consulta, CURP_BETO, ENVIAR)
    assert modals.texts[-1] == MSG_CORREO_ENVIADO
    qtbot.waitUntil(lambda: len(activation_codes(smtp_configured, "beto@capturas.mx")) == 2)

    # --- Exportar Excel --------------------------------------------------------------------------
    name = services.capturistas_excel.export_file_name(cf.RFC_MORAL)
    assert re.fullmatch(r"Capturistas_\d+_\d{13}\.xlsx", name)
    modals.answer("Aceptar")
    exported = tmp_path / name
    window.exportar_a(str(exported))  # written in the background, then «Abrir» offers it
    wait_operations(qtbot)
    assert modals.messages[-1].buttons == ("Abrir", "Aceptar")
    rows = list(load_workbook(exported).active.iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS
    assert [r[:6] for r in rows[1:]] == [
        (CURP_ANA, "ANA", "LÓPEZ", "MARTÍNEZ", "Capturista", "Registrada"),
        (CURP_BETO, "ALBERTO", "GARCÍA", "RUIZ", "Capturista", "Registrada"),
    ]
    modals.answer("Aceptar", "Aceptar")
    window.exportar_a(str(tmp_path / "capturistas.csv"))
    wait_operations(qtbot)
    window.exportar_a(str(tmp_path / "capturistas.txt"))
    assert modals.texts[-2:] == [
        "Se generó el archivo capturistas.csv con 2 usuarios capturistas.",
        "No se puede exportar a «capturistas.txt»: el nombre debe terminar en .xlsx (libro de "
        "Excel) o .csv (texto separado por comas, UTF-8).",
    ]
    texto = (tmp_path / "capturistas.csv").read_bytes()
    assert texto.startswith(b"\xef\xbb\xbf") and texto.decode("utf-8-sig").splitlines()[
        1
    ].startswith(f"{CURP_ANA},ANA,LÓPEZ,MARTÍNEZ,Capturista,Registrada,")
    assert not (tmp_path / "capturistas.txt").exists()
    window.close()
    assert inicio.isVisible()

    # --- Ana: Crear contraseña with the mailed code, Inicio de sesión, Seleccionar Contratista --
    (code,) = activation_codes(smtp_configured, "ana@capturas.mx")

    def crear(dialog) -> None:
        type_text(qtbot, dialog.codigo, code)
        type_text(qtbot, dialog.contrasena, NEW_PASSWORD)
        type_text(qtbot, dialog.confirmacion, NEW_PASSWORD)
        click(qtbot, dialog.guardar)

    modals.handle(crear)
    click(qtbot, inicio.crear_contrasena)
    assert modals.texts[-1] == "Contraseña actualizada"
    assert inicio.usuario.text() == CURP_ANA
    qtbot.waitUntil(
        lambda: (
            smtp_configured.to("ana@capturas.mx")[-1]["Subject"] == "Contraseña actualizada - ICSOE"
        )
    )
    type_text(qtbot, inicio.contrasena, NEW_PASSWORD)
    click(qtbot, inicio.ingresar)
    capturista = inicio.capturista_window
    assert isinstance(capturista, IcsoeCapturistaWindow) and capturista.isVisible()
    assert CURP_ANA in capturista.curp.text() and "ANA LÓPEZ MARTÍNEZ" in capturista.nombre.text()

    def seleccionar(dialog) -> None:
        assert [o.rfc for o in dialog.model.rows] == [cf.RFC_MORAL]
        dialog.select_rfc(cf.RFC_MORAL)
        click(qtbot, dialog.siguiente)

    modals.handle(seleccionar)
    modals.answer("Continuar")
    click(qtbot, capturista.seleccionar)
    assert cf.NOMBRE_MORAL in modals.texts[-1] and cf.RFC_MORAL in modals.texts[-1]
    assert cf.RFC_MORAL in capturista.contratista_label.text()
    # Step 11: the pantalla de inicio where the informativa is registered.
    inicio_informativas = capturista.informativas
    assert inicio_informativas is not None and inicio_informativas.isVisible()
    filas = inicio_informativas.model.rows
    assert [f.estado_texto for f in filas] == ["Sin presentar", "Sin presentar"]
    assert filas[1].vencida and not filas[0].vencida  # the tests' clock: 22/11/2026
    assert inicio_informativas.nueva.isEnabled()
    capturista.close()

    # --- Beto: baja and reactivation ------------------------------------------------------------
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(cf.RFC_MORAL))
    qtbot.addWidget(window)
    window.show()
    window.consulta_action.trigger()
    consulta = window.consulta
    assert [r.estatus for r in consulta.model.rows] == ["Activa", "Registrada"]
    modals.answer("Continuar")
    click_cell(qtbot, consulta, CURP_BETO, ELIMINAR)
    assert modals.messages[-2].text == (
        "Estás dando de baja al usuario ALBERTO GARCÍA RUIZ ¿Deseas continuar?"
    )
    assert modals.messages[-2].buttons == ("Continuar", "Cancelar")
    assert modals.texts[-1] == MSG_BAJA
    assert consulta.model.rows[1].estatus == "Baja"
    modals.answer("Continuar")
    click_cell(qtbot, consulta, CURP_BETO, ACTIVAR)
    assert modals.texts[-1] == MSG_REACTIVADO
    assert consulta.model.rows[1].estatus == "Registrada"

    actions = {r.action for r in AuditService(services.store).recent(500)}
    assert {
        "icsoe_ingreso_efirma",
        "icsoe_terminos_aceptados",
        "icsoe_acuse_adjuntado",
        "icsoe_datos_generales_alta",
        "icsoe_capturista_alta",
        "icsoe_capturista_actualizado",
        "icsoe_capturista_reenvio",
        "icsoe_capturistas_exportados",
        "icsoe_capturista_activado",
        "icsoe_inicio_sesion_capturista",
        "icsoe_contratista_seleccionado",
        "icsoe_capturista_baja",
        "icsoe_capturista_reactivado",
    } <= actions
    assert Path(exported).exists()
