"""`python -m icsoe_desktop screenshots DIR`: every window, with demo data, in the states the
guides show, rendered offscreen to PNG (for the README and for reviewing the UI).

It always works on a throw-away data dir and a keyring in memory: the user's real data and
keyring are never touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from icsoe_desktop.gui.configuracion.inicial import ConfiguracionInicialWizard
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.services.container import Services

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from icsoe_desktop.domain.roles import CLI_ACTOR

DEMO_PASSWORD = "Nom1na$Segura"
# What the pictures show instead of this run's temporary folder: where a clerk keeps things.
EXAMPLE_LOG = r"C:\Users\Nomina\AppData\Local\icsoe-desktop\icsoe-desktop.log"
EXAMPLE_EFIRMA = r"C:\Users\Nomina\Documents\e.firma"
# Qt's offscreen screen (its own is 800×600): a 1366×768 laptop's, less Windows' taskbar.
# Where the pictures say a data folder is (the recovery code's dialog names it).
EXAMPLE_DATOS = r"C:\Users\Nomina\AppData\Local\icsoe-desktop"
# A recovery code as the pictures show it: this run's own is random, and the pictures stay alike.
EXAMPLE_CODIGO = "K7QX-M4TN-P2RW-9HDE-C3VB-F8JZ"
PANTALLA_1366X768 = (
    '{"screens": [{"name": "1366x768", "x": 0, "y": 0, "width": 1366, "height": 728,'
    ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
)

# Every picture the renderer draws (docs/screenshots/NAME.png; those at 100, 150 and 200 %, in
# escala.PICTURES): the manual shows only these (tests/test_manual.py), and a run that draws one
# not listed, or misses one, fails.
PICTURES = (
    "00_primer_arranque",
    "01_acceso_idse_un_usuario",
    "02_acceso_idse_varios_usuarios",
    "03_acceso_idse_solo_consulta",
    "04_alerta_solo_consulta",
    "05_usuario_o_contrasena_incorrectos",
    "06_usuarios_conexion_idse",
    "07_aviso_privacidad",
    "08_recuperar_contrasena_vacio",
    "09_correo_no_existe",
    "10_restablecer_contrasena",
    "11_ventana_principal",
    "12_ventana_principal_solo_consulta",
    "13_configuracion_correo",
    "14_error_inesperado",
    "15_registros_patronales",
    "16_certificados_imss_vacio",
    "17_certificados_imss_efirma_elegida",
    "18_certificados_imss_asignado",
    "19_certificado_no_dado_de_alta",
    "20_acceso_idse_vigencias",
    "21_actualizando_movimientos",
    "22_movimientos_solo_consulta",
    "23_movimientos_todos",
    "24_movimientos_lotes",
    "25_lineas_rechazadas",
    "26_corregir_movimiento",
    "27_configuracion_inicial_empresa",
    "27a_configuracion_inicial_codigo",
    "28_configuracion_inicial_certificados",
    "29_restablecer_contrasena_administrador",
    "30_emisores_confiables",
    "31_generar_pfx",
    "32_hoja_movimientos_con_titulo",
    "33_asistente_importacion",
    "40_icsoe_inicio",
    "41_icsoe_efirma_validada",
    "42_icsoe_validacion_fiel_exitosa",
    "43_icsoe_terminos",
    "44_icsoe_terminos_texto",
    "45_icsoe_mensaje_datos_generales",
    "46_icsoe_datos_generales",
    "47_icsoe_alta_usuario",
    "48_icsoe_usuario_guardado",
    "49_icsoe_consulta",
    "50_icsoe_baja_de_usuario",
    "51_icsoe_relacion_en_baja",
    "52_icsoe_modificar_usuario",
    "53_icsoe_alta_masiva_rechazos",
    "54_icsoe_crear_contrasena",
    "55_icsoe_recuperar_contrasena",
    "56_icsoe_seleccionar_contratista",
    "57_icsoe_capturista_principal",
    "60_sincronizacion",
    "61_conflictos_sincronizacion",
    "62_ventana_principal_sin_conexion",
    "63_acceso_idse_varias_empresas",
    "64_cambiar_empresa",
    "65_nueva_empresa",
    "66_empresas_por_usuario",
    "67_correo_por_empresa",
    "70_informativas_inicio",
    "71_nueva_informativa",
    "72_informativa_contratos",
    "72a_proponer_recibos",
    "73_contrato",
    "74_contratante",
    "75_informativa_revisar",
    "76_firmar_informativa",
    "77_informativa_firmada",
    "77a_registrar_presentacion",
    "77b_informativa_presentada",
    "77c_exportar_para_el_cliente",
    "77d_rechazos_portal",
    "78_vencimientos",
    "78a_recibos_nomina",
    "78b_salarios_no_avisados",
    "78c_sisub",
    "78d_registro_repse",
    "78e_evidencias_del_cliente",
    "79_restaurar_otra_empresa",
    "79a_restaurar_con_codigo",
    "79b_abrir_con_codigo",
    "80_manual_de_usuario",
)


def _show_path(edit, name: str) -> None:
    """Display a stable example path in a path field, its start visible."""
    edit.setText(f"{EXAMPLE_EFIRMA}\\{name}")
    edit.setCursorPosition(0)


def _grab(widget, path: Path) -> Path:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from icsoe_desktop.gui.kit.geometria import centrar

    if widget.isWindow() and not isinstance(widget, QDialog | QMessageBox):
        # A window as the app opens it: fitted to the screen (dialogs do it themselves).
        if not widget.testAttribute(Qt.WidgetAttribute.WA_Resized):
            widget.adjustSize()
        centrar(widget)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"No se pudo escribir {path}")
    widget.hide()  # not close(): a dialog may warn on leaving (Certificados IMSS)
    widget.deleteLater()
    return path


def render_all(directory: str | os.PathLike[str]) -> list[Path]:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="icsoe-screenshots-") as tmp:
        if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
            # The windows as on the most common office laptop: 1366×768 less the taskbar (plain
            # «offscreen», as tests and CI set it, would draw them on Qt's own 800×600 screen).
            pantalla = Path(tmp) / "pantalla.json"
            pantalla.write_text(PANTALLA_1366X768, encoding="utf-8")
            os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={pantalla}"
        datos = Path(tmp) / "datos"
        datos.mkdir()
        from icsoe_desktop.demo.llavero import en_memoria

        with en_memoria():  # nor the user's keyring
            escritas = _render(out, datos)
    from icsoe_desktop.demo import escala

    return [*escritas, *escala.render(out / "escala")]


def _render(out: Path, data_dir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.config import SmtpSettings
    from icsoe_desktop.gui.aviso_privacidad import AvisoPrivacidadDialog
    from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog
    from icsoe_desktop.gui.error_hook import unexpected_error_text
    from icsoe_desktop.gui.idse.login import MSG_SOLO_CONSULTA, IdseLoginWindow
    from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
    from icsoe_desktop.gui.idse.restablecer_contrasena import RestablecerContrasenaDialog
    from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
    from icsoe_desktop.gui.kit import msgbox
    from icsoe_desktop.gui.style import apply_style
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.acceso.accounts import (
        MSG_CORREO_ENVIADO,
        MSG_CREDENCIALES,
        Registration,
    )
    from icsoe_desktop.services.container import open_services

    app = cast(QApplication, QApplication.instance()) or QApplication([])
    apply_style(app)
    services = open_services(data_dir)
    written: list[Path] = []

    def shot(name: str, make: Callable[[], object]) -> None:
        if name not in PICTURES:
            raise AssertionError(f"{name} falta en PICTURES")
        written.append(_grab(make(), out / f"{name}.png"))

    def box(text: str, icon: str, title: str = msgbox.APP_TITLE) -> Callable[[], object]:
        def make() -> object:
            message, _ = msgbox.make_box(None, icon, title, text, [("Aceptar", "accept")])
            return message

        return make

    def register(usuario: str, nombre: str, primer: str, segundo: str) -> None:
        services.accounts.register(
            Registration(nombre, primer, segundo, usuario, DEMO_PASSWORD, DEMO_PASSWORD, True)
        )

    try:
        # A new installation: nobody registered yet, the «Primer paso» hint on the login.
        shot("00_primer_arranque", lambda: IdseLoginWindow(services))
        register("idse@nominas.com", "Claudia", "Hernández", "Ruiz")
        shot("01_acceso_idse_un_usuario", lambda: IdseLoginWindow(services))
        register("idse1@nominas.com", "Óscar", "Peña", "")

        shot("02_acceso_idse_varios_usuarios", lambda: IdseLoginWindow(services))

        def consulta() -> IdseLoginWindow:
            window = IdseLoginWindow(services)
            window.solo_consulta.setChecked(True)
            return window

        shot("03_acceso_idse_solo_consulta", consulta)
        shot("04_alerta_solo_consulta", box(MSG_SOLO_CONSULTA, "Information"))
        shot(
            "05_usuario_o_contrasena_incorrectos",
            box(
                MSG_CREDENCIALES
                + "\n\nTe quedan 4 intentos antes de que el usuario se bloquee por 5 minutos.",
                "Warning",
            ),
        )

        def usuarios() -> IdseUsuariosDialog:
            dialog = IdseUsuariosDialog(services)
            dialog.nombre.setText("Karla")
            dialog.primer_apellido.setText("Domínguez")
            dialog.usuario.setText("karla.dominguez@nominas.com")
            dialog.contrasena.setText(DEMO_PASSWORD)
            dialog.confirmacion.setText(DEMO_PASSWORD)
            dialog.aviso.setChecked(True)
            dialog.tabla.selectRow(0)
            return dialog

        shot("06_usuarios_conexion_idse", usuarios)

        def restablecer_admin() -> object:
            from icsoe_desktop.gui.idse.restablecer_por_administrador import (
                RestablecerPorAdministradorDialog,
            )

            dialog = RestablecerPorAdministradorDialog(
                services, "idse1@nominas.com", "idse@nominas.com"
            )
            dialog.admin_contrasena.setText(DEMO_PASSWORD)
            return dialog

        shot("29_restablecer_contrasena_administrador", restablecer_admin)

        def inicial_empresa() -> object:
            dialog = _wizard(services)
            dialog.empresa_page.rfc.setText("ABC010101AB1")
            dialog.empresa_page.razon_social.setText("Nóminas del Centro, S.A. de C.V.")
            return dialog

        shot("27a_configuracion_inicial_codigo", lambda: _wizard_codigo(services))
        shot("27_configuracion_inicial_empresa", inicial_empresa)
        shot("07_aviso_privacidad", lambda: AvisoPrivacidadDialog())
        shot("08_recuperar_contrasena_vacio", lambda: RecuperarContrasenaDialog(services))
        shot(
            "09_correo_no_existe",  # answered as a user's e-mail: nobody learns who is one
            box(MSG_CORREO_ENVIADO, "Information", "Recuperar Contraseña"),
        )

        def restablecer() -> RestablecerContrasenaDialog:
            dialog = RestablecerContrasenaDialog(services)
            dialog.codigo.setText("K7QXM-4TNP2")
            return dialog

        shot("10_restablecer_contrasena", restablecer)
        shot(
            "11_ventana_principal",
            lambda: VentanaPrincipal(services, "idse@nominas.com", "Claudia Hernández Ruiz"),
        )
        shot("12_ventana_principal_solo_consulta", lambda: VentanaPrincipal(services, None))
        services.settings.save_smtp(
            SmtpSettings(
                host="smtp.nominas.com",
                port=587,
                usuario="",
                seguridad="starttls",
                remitente="idse@nominas.com",
            ),
            None,
            "idse@nominas.com",
        )
        shot("13_configuracion_correo", lambda: ConfiguracionCorreoDialog(services))
        shot(
            "14_error_inesperado",
            box(
                unexpected_error_text(Path(EXAMPLE_LOG)),
                "Critical",
                "Error inesperado",
            ),
        )

        def registros_patronales() -> object:
            from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog

            services.registros.save(
                "Y5412345106", "ABC010101AB1", "Nóminas del Centro, S.A. de C.V.", CLI_ACTOR
            )
            services.registros.save(
                "NO191919191", "SCO050505QR2", "Servicios Contables del Occidente, S.C.", CLI_ACTOR
            )
            dialog = RegistrosPatronalesDialog(services)
            dialog.tabla.selectRow(1)
            return dialog

        shot("15_registros_patronales", registros_patronales)
        _certificate_shots(services, data_dir, shot, box)
        _movimientos_shots(services, data_dir, shot)
        _icsoe_shots(services, data_dir, shot, box)
        _sync_shots(services, shot)
        _empresas_shots(services, shot)
        _ayuda_shots(services, data_dir, shot, box)
    finally:
        services.close()
    faltan = set(PICTURES) - {p.stem for p in written}
    if faltan:
        raise AssertionError(f"No se dibujaron: {', '.join(sorted(faltan))}")
    return written


def _wizard_codigo(services: Services) -> ConfiguracionInicialWizard:
    """Configuración inicial's first page for an administrator who has not yet kept the
    recovery code: the code shown, its last group typed back."""
    from icsoe_desktop.gui.configuracion.inicial import ORDER, ConfiguracionInicialWizard

    wizard = ConfiguracionInicialWizard(
        services, "idse@nominas.com", {clave: lambda _parent: None for clave in ORDER}
    )
    wizard.restart()
    wizard.codigo_page.codigo.setText(EXAMPLE_CODIGO)
    wizard.codigo_page.confirmar.setText(EXAMPLE_CODIGO.rsplit("-", 1)[-1])
    return wizard


def _wizard(services: Services) -> ConfiguracionInicialWizard:
    """Configuración inicial at its first pending step; its buttons open nothing here."""
    from icsoe_desktop.gui.configuracion.inicial import ORDER, ConfiguracionInicialWizard

    actor = "idse@nominas.com"
    codigos = services.codigo_recuperacion
    if codigos.por_confirmar(actor):  # its administrator kept the recovery code: the steps
        codigos.confirmar(actor, codigos.mostrar(actor).split("-")[-1])
    wizard = ConfiguracionInicialWizard(
        services, actor, {clave: lambda _parent: None for clave in ORDER}
    )
    wizard.restart()  # shows the start page (QWizard does so on show; grab needs it now)
    return wizard


def _certificate_shots(services, data_dir: Path, shot, box) -> None:
    """Certificados IMSS in its main states, and the login's expiry panel."""
    from icsoe_desktop.demo.data import write_demo_fiel
    from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
    from icsoe_desktop.gui.idse.login import IdseLoginWindow
    from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR, Assignment

    fiel = write_demo_fiel(data_dir / "demo")
    trusted = data_dir / TRUSTED_DIR
    trusted.mkdir(exist_ok=True)
    (trusted / fiel.ca_cer.name).write_bytes(fiel.ca_cer.read_bytes())

    shot("16_certificados_imss_vacio", lambda: CertificadosImssDialog(services))
    services.primer_uso.guardar_empresa(
        "ABC010101AB1", "Nóminas del Centro, S.A. de C.V.", CLI_ACTOR
    )
    shot("28_configuracion_inicial_certificados", lambda: _wizard(services))

    def fiel_elegida() -> object:
        dialog = CertificadosImssDialog(services)
        dialog.registro.setCurrentIndex(dialog.registro.findData("Y5412345106"))
        dialog.set_certificado(str(fiel.cer))
        dialog.set_llave(str(fiel.key))
        dialog.contrasena.setText(fiel.password)
        _show_path(dialog.certificado, fiel.cer.name)
        _show_path(dialog.llave, fiel.key.name)
        return dialog

    shot("17_certificados_imss_efirma_elegida", fiel_elegida)
    services.certificates.assign(
        Assignment("Y5412345106", fiel.cer, fiel.key, "ABC010101AB1", fiel.password),
        CLI_ACTOR,
    )

    def asignado() -> object:
        dialog = CertificadosImssDialog(services)
        dialog.tabla.selectRow(0)
        return dialog

    shot("18_certificados_imss_asignado", asignado)
    shot(
        "19_certificado_no_dado_de_alta",
        box(
            "Certificado no dado de alta. El certificado es del RFC ABC010101AB1 y el registro "
            "patronal NO191919191 pertenece al RFC SCO050505QR2.",
            "Warning",
            "Certificados IMSS",
        ),
    )
    shot("20_acceso_idse_vigencias", lambda: IdseLoginWindow(services))

    from icsoe_desktop.demo.data import write_demo_tsa_ca
    from icsoe_desktop.gui.certificados.emisores_confiables import EmisoresConfiablesDialog
    from icsoe_desktop.gui.certificados.generar_pfx import GenerarPfxDialog
    from icsoe_desktop.services.certificados.emisores import SELLOS_DIR

    # A time-stamp server's root beside the demo e.firma CA: the «Uso» column tells them apart.
    write_demo_tsa_ca(data_dir / TRUSTED_DIR / SELLOS_DIR / "ac_raiz_sellos_demo.cer")

    def emisores() -> object:
        dialog = EmisoresConfiablesDialog(services)
        dialog.tabla.selectRow(len(dialog.model.rows) - 1)  # the TSA root, added
        return dialog

    shot("30_emisores_confiables", emisores)

    def generar_pfx() -> object:
        dialog = GenerarPfxDialog(services)
        dialog.certificado.setText(str(fiel.cer))
        dialog.llave.setText(str(fiel.key))
        return dialog

    shot("31_generar_pfx", generar_pfx)


def _movimientos_shots(services, data_dir: Path, shot) -> None:
    """Movimientos con IDSE in consulta and full modes, Lotes, and their dialogs."""
    import csv

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    from icsoe_desktop.demo.hoja_ejemplo import escribir_hoja_movimientos, hoja_widget
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.movimientos.corregir import CorregirMovimientoDialog
    from icsoe_desktop.gui.movimientos.rechazos import RechazosDialog
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos.importar import LineaRechazada

    def progreso() -> object:
        dialog = QProgressDialog("Actualizando Movimientos con IDSE…", "", 0, 100)
        dialog.setWindowTitle("Movimientos con IDSE")
        dialog.setCancelButton(None)
        dialog.setMinimumSize(420, 110)  # as ejecutar_con_barra shows it
        dialog.setValue(60)
        return dialog

    shot("21_actualizando_movimientos", progreso)
    create_demo_movimientos(services.store, 2_000, services.movimientos.today())
    shot("22_movimientos_solo_consulta", lambda: VentanaPrincipal(services, None))

    def completo() -> object:
        main = VentanaPrincipal(services, "idse@nominas.com")
        main.movimientos.tabs.setCurrentIndex(3)
        return main

    shot("23_movimientos_todos", completo)

    registro = "Y5412345106"
    pendientes = services.lotes.pendientes(registro)[:6]
    folder = data_dir / "lotes"
    folder.mkdir(exist_ok=True)
    services.lotes.generar(registro, [p.id for p in pendientes], folder, "idse@nominas.com")
    result = folder / "resultado.csv"
    with result.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["NSS", "Resultado", "Causa de rechazo"])
        for i, p in enumerate(pendientes):
            rejected = i == 2
            writer.writerow(
                [
                    p.nss,
                    "Rechazado" if rejected else "Aprobado",
                    "NSS no vigente" if rejected else "",
                ]
            )
    lote_id = services.lotes.lotes()[0].id
    services.lotes.importar_resultado(lote_id, result, "idse@nominas.com")

    def lotes() -> object:
        main = VentanaPrincipal(services, "idse@nominas.com")
        main.movimientos.tabs.setCurrentIndex(4)
        panel = main.movimientos.lotes
        assert panel is not None  # built with the window
        panel.refresh()  # now, not when it shows: the newest lote chosen, its detail shown
        panel.suscripcion.olvidar()
        panel.registro.setCurrentIndex(panel.registro.findText(registro))
        panel.pendientes.setData(  # one row chosen, as a clerk would
            panel.pendientes.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
        panel.detalle_tabla.selectRow(2)  # the rejected one, to correct
        return main

    shot("24_movimientos_lotes", lotes)
    shot(
        "25_lineas_rechazadas",
        lambda: RechazosDialog(
            "No se importó ningún movimiento de «movimientos_octubre.csv»: 2 de 148 líneas "
            "tienen errores. Corrige el archivo e impórtalo de nuevo.",
            [
                LineaRechazada(
                    12, "El NSS 12345678904 no es válido: su dígito verificador no corresponde."
                ),
                LineaRechazada(57, "Falta la causa de baja."),
            ],
        ),
    )
    shot(
        "32_hoja_movimientos_con_titulo",
        lambda: hoja_widget(escribir_hoja_movimientos(data_dir / "movimientos_noviembre.xlsx")),
    )
    shot("33_asistente_importacion", lambda: _asistente(data_dir))
    rejected = next(d for d in services.lotes.detalle(lote_id) if d.resultado == "rechazado")
    shot(
        "26_corregir_movimiento",
        lambda: CorregirMovimientoDialog(
            services, rejected.movimiento_id, rejected.causa_rechazo, "idse@nominas.com"
        ),
    )


def _asistente(data_dir: Path) -> object:
    """The import assistant on another nómina system's file: a title above, three columns it
    cannot name (NSS, SBC and CURP under other headers) and a TOTAL row below."""
    import csv

    from icsoe_desktop.gui.kit.asistente_importacion import AsistenteImportacionDialog
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.movimientos.importar import IMPORTACION

    path = data_dir / "movimientos_nomina.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["Reporte de movimientos afiliatorios — noviembre 2026"])
        encabezado = "Registro Patronal,Nombre,Apellido Paterno,Apellido Materno,Num. afiliación,"
        encabezado += "Sueldo diario integrado,Fecha,Clave única,Movimiento"
        writer.writerow(encabezado.split(","))
        for fila in (
            "Y5412345106,CLAUDIA,LOPEZ,RUIZ,12000000377,651.84,01/11/2026,LORC800101MDFPZL09,"
            "08 Reingreso",
            "Y5412345106,OSCAR,PEREZ,,12000000740,522.88,15/11/2026,PEXO790505HDFRSS02,"
            "07 Modificación de salario",
        ):
            writer.writerow(fila.split(","))
        writer.writerow(["TOTAL", "", "", "", "", "1,174.72", "", "", ""])
    leida = mapeos.leer(IMPORTACION, path)
    assert leida is not None  # a CSV of movimientos is read by columns
    return AsistenteImportacionDialog(IMPORTACION, path, leida)


def _icsoe_shots(services, data_dir: Path, shot, box) -> None:
    """ICSOE (shots 40+): the contratista's entry, datos generales, alta, consulta and the
    capturista's entry, with the demo e.firma of _certificate_shots."""
    from icsoe_desktop.demo.data import DEMO_RFC, demo_activation_code, write_demo_fiel
    from icsoe_desktop.gui.icsoe import alta_usuario as alta_module
    from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
    from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog
    from icsoe_desktop.gui.icsoe.inicio import MSG_DATOS_GENERALES, IcsoeInicioWindow
    from icsoe_desktop.gui.icsoe.recuperar import IcsoeRecuperarDialog
    from icsoe_desktop.gui.icsoe.seleccionar_contratista import IcsoeSeleccionarContratistaDialog
    from icsoe_desktop.gui.icsoe.terminos import IcsoeTerminosDialog
    from icsoe_desktop.services.capturistas import administracion as cap
    from icsoe_desktop.services.capturistas.excel import AltaMasiva, Rechazo
    from icsoe_desktop.services.capturistas.formulario import CapturistaForm
    from icsoe_desktop.services.contratistas import MSG_FIEL_EXITOSA, DatosGenerales

    fiel_files = write_demo_fiel(data_dir / "demo_icsoe")
    (data_dir / "emisores_confiables" / "ac_demo_icsoe.cer").write_bytes(
        fiel_files.ca_cer.read_bytes()
    )
    shot("40_icsoe_inicio", lambda: IcsoeInicioWindow(services))
    fiel = services.contratistas.validar_fiel(
        DEMO_RFC, fiel_files.cer, fiel_files.key, fiel_files.password
    )

    def efirma() -> object:
        dialog = IcsoeEfirmaDialog(services)
        dialog.rfc.setText(DEMO_RFC)
        _show_path(dialog.certificado, fiel_files.cer.name)  # chosen before Validar
        _show_path(dialog.llave, fiel_files.key.name)
        dialog.contrasena.setText(fiel_files.password)
        dialog.show_validada(fiel)
        return dialog

    shot("41_icsoe_efirma_validada", efirma)
    shot(
        "42_icsoe_validacion_fiel_exitosa",
        box(MSG_FIEL_EXITOSA, "Information", "Ingresa con firma electrónica"),
    )
    shot("43_icsoe_terminos", lambda: IcsoeTerminosDialog())

    def terminos_texto() -> object:
        dialog = IcsoeTerminosDialog()
        dialog.ver.click()
        return dialog

    shot("44_icsoe_terminos_texto", terminos_texto)
    shot(
        "45_icsoe_mensaje_datos_generales",
        box(MSG_DATOS_GENERALES, "Information", "Datos generales"),
    )
    sesion = services.contratistas.ingresar(fiel)
    sesion = services.contratistas.aceptar_terminos(DEMO_RFC)
    acuse = data_dir / "demo_icsoe" / "acuse_stps.pdf"
    acuse.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    services.contratistas.adjuntar_acuse(DEMO_RFC, acuse)

    def datos_generales() -> object:
        window = IcsoeContratistaWindow(services, sesion)
        window.show_datos_generales()
        page = window.datos_generales
        page.correo.setText("contacto@nominasdelcentro.mx")
        page.celular.setText("5512345678")
        page.telefono_fijo.setText("5552382700")
        page.no.setChecked(True)
        page.codigo_postal.setText("06600")
        page.colonia.setText("Juárez")
        page.ubicar.click()
        page.calle.setText("Paseo de la Reforma")
        page.numero_exterior.setText("476")
        page.municipio.setText("Cuauhtémoc")
        page.entidad.setCurrentIndex(page.entidad.findData("Ciudad de México"))
        page.aceptar_domicilio.click()
        return window

    shot("46_icsoe_datos_generales", datos_generales)
    sesion = services.contratistas.guardar_datos_generales(
        DEMO_RFC,
        DatosGenerales(
            "contacto@nominasdelcentro.mx", "5512345678", "5552382700", domicilio_igual_fiscal=True
        ),
    )
    people = [
        ("LOMA900515MDFPRN01", "Ana", "López", "Martínez", "ana@capturas.mx"),
        ("GARB850101HJCRZT07", "Alberto", "García", "Ruiz", "beto@capturas.mx"),
        ("PERC920720MNLRDR08", "Carla", "Pérez", "Domínguez", "carla@capturas.mx"),
    ]
    rows = [
        services.capturistas.alta(
            DEMO_RFC, CapturistaForm(c, n, p, s, "Capturista", "5512345678", m, m)
        )
        for c, n, p, s, m in people
    ]
    services.acceso_capturista.crear_contrasena(
        demo_activation_code(services.store, "ana@capturas.mx"), DEMO_PASSWORD, DEMO_PASSWORD
    )
    services.capturistas.baja(DEMO_RFC, rows[2].id)

    def alta() -> object:
        window = IcsoeContratistaWindow(services, sesion)
        window.show_alta()  # it opens on its informativas
        page = window.alta
        page.curp.setText("MEJL880312HPLNRS02")
        page.validar.click()
        page.nombre.setText("Luis")
        page.primer_apellido.setText("Méndez")
        page.segundo_apellido.setText("Juárez")
        page.telefono.setText("2221234567")
        page.correo.setText("luis@capturas.mx")
        page.confirmar_correo.setText("luis@capturas.mx")
        return window

    shot("47_icsoe_alta_usuario", alta)
    shot("48_icsoe_usuario_guardado", box(cap.MSG_GUARDADO, "Information", "Alta de Usuario"))

    def consulta() -> object:
        window = IcsoeContratistaWindow(services, sesion)
        window.show_consulta()
        return window

    shot("49_icsoe_consulta", consulta)

    def baja_pregunta() -> object:
        from icsoe_desktop.gui.kit import msgbox

        text = cap.MSG_BAJA_PREGUNTA.format(nombre="ALBERTO GARCÍA RUIZ")
        message, _ = msgbox.make_box(
            None,
            "Question",
            "Baja de usuario",
            text,
            [("Continuar", "accept"), ("Cancelar", "reject")],
        )
        return message

    shot("50_icsoe_baja_de_usuario", baja_pregunta)
    shot("51_icsoe_relacion_en_baja", box(cap.MSG_BAJA, "Information", "Consulta"))

    def modificar() -> object:
        window = IcsoeContratistaWindow(services, sesion)
        window.show_alta()
        window.alta.edit(services.capturistas.fila(DEMO_RFC, rows[1].id))
        return window

    shot("52_icsoe_modificar_usuario", modificar)
    shot(
        "53_icsoe_alta_masiva_rechazos",
        box(
            alta_module.bulk_report_text(
                AltaMasiva(
                    0,
                    (
                        Rechazo(3, "El campo «Primer apellido» es obligatorio."),
                        Rechazo(
                            7,
                            "La CURP no es válida: el dígito verificador (último carácter) no corresponde.",
                        ),
                    ),
                )
            ),
            "Warning",
            "Alta masiva",
        ),
    )

    def crear() -> object:
        dialog = IcsoeCrearContrasenaDialog(services, "K7QXM-4TNP2")
        return dialog

    shot("54_icsoe_crear_contrasena", crear)
    shot(
        "55_icsoe_recuperar_contrasena",
        lambda: IcsoeRecuperarDialog(services, "LOMA900515MDFPRN01"),
    )
    capturista = services.acceso_capturista.iniciar_sesion("LOMA900515MDFPRN01", DEMO_PASSWORD)

    def seleccionar() -> object:
        dialog = IcsoeSeleccionarContratistaDialog(services, capturista.curp)
        dialog.select_rfc(DEMO_RFC)
        return dialog

    shot("56_icsoe_seleccionar_contratista", seleccionar)

    def principal() -> object:
        window = IcsoeCapturistaWindow(services, capturista)
        window.set_contratista(services.acceso_capturista.seleccionar(capturista.curp, DEMO_RFC))
        return window

    shot("57_icsoe_capturista_principal", principal)
    _informativa_shots(services, shot, fiel_files, capturista)


def _informativa_shots(services, shot, fiel_files, capturista) -> None:
    """La informativa cuatrimestral (70–79): the capturista's pantalla de inicio, a new one,
    the contracts and their workers, Revisar, Firmar by the contratista, Vencimientos, the
    workers the IMSS portal rejected."""
    from datetime import date, timedelta

    from icsoe_desktop.demo.data import DEMO_RFC, demo_trabajadores
    from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
    from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
    from icsoe_desktop.gui.informativa.contratante import ContratanteDialog
    from icsoe_desktop.gui.informativa.contrato import ContratoDialog
    from icsoe_desktop.gui.informativa.firmar import FirmarInformativaDialog
    from icsoe_desktop.gui.informativa.nueva import NuevaInformativaDialog
    from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.services.informativa.captura import ContratoDatos

    informativas = services.informativas
    curp = capturista.curp
    hoy = date.today()
    anterior = Periodo.de_fecha(hoy).anterior()
    firmada_periodo = anterior.anterior()
    clientes = [
        Parte(
            "CNT010101A14",
            "Grupo Industrial del Norte, S.A. de C.V.",
            Domicilio("Av. Constitución", "1500", "", "Centro", "64000", "Monterrey", "Nuevo León"),
            "compras@gin.com.mx",
            "8183456789",
        ),
        Parte("CDO020202B29", "Comercial del Occidente, S.A. de C.V.", correo="pagos@cdo.mx"),
    ]
    contratantes = [informativas.guardar_contratante(DEMO_RFC, curp, c)[0] for c in clientes]

    def capturar(periodo: Periodo, semilla: int) -> tuple[str, list[str]]:
        uuid = informativas.crear(DEMO_RFC, curp, periodo)
        contratos = []
        for n, (contratante, objeto, trabajadores) in enumerate(
            [
                (contratantes[0], "Mantenimiento de la línea de ensamble, planta Apodaca", 48),
                (contratantes[1], "Limpieza industrial de los almacenes de Zapopan", 12),
            ]
        ):
            inicio = periodo.inicio + timedelta(days=9 + 20 * n)
            contrato = informativas.guardar_contrato(
                uuid,
                curp,
                ContratoDatos(
                    contratante,
                    objeto=objeto,
                    folio_repse=f"{18_400 + n}/2024",
                    descripcion_servicio="Servicios especializados de mantenimiento industrial",
                    fecha_inicial=inicio,
                    fecha_final=inicio.replace(year=inicio.year + 1),
                ),
            )
            services.informativa_trabajadores.agregar_varios(
                contrato, curp, demo_trabajadores(trabajadores, periodo.anio, semilla + n)
            )
            contratos.append(contrato)
        return uuid, contratos

    firmada, firmados = capturar(firmada_periodo, 10)
    services.informativa_firma.revisar(firmada, curp)
    services.informativa_firma.firmar(
        firmada, DEMO_RFC, fiel_files.cer, fiel_files.key, fiel_files.password
    )
    en_captura, contratos = capturar(anterior, 20)
    contratista = services.acceso_capturista.seleccionar(curp, DEMO_RFC)

    def inicio() -> object:
        window = IcsoeCapturistaWindow(services, capturista)
        window.set_contratista(contratista)
        return window

    shot("70_informativas_inicio", inicio)
    shot("71_nueva_informativa", lambda: NuevaInformativaDialog(services, curp, DEMO_RFC))

    def ventana(
        actor: str = curp, uuid: str = en_captura, firma: bool = False
    ) -> InformativaWindow:
        return InformativaWindow(services, actor, DEMO_RFC, uuid, firma)

    shot("72_informativa_contratos", ventana)
    _proponer_shot(services, shot, curp, anterior, contratos[0])
    shot("73_contrato", lambda: ContratoDialog(services, curp, DEMO_RFC, en_captura, contratos[0]))
    shot("74_contratante", lambda: ContratanteDialog(services, curp, DEMO_RFC, contratantes[0]))
    datos = informativas.contrato(contratos[1], curp)
    informativas.guardar_contrato(
        en_captura, curp, ContratoDatos(datos.contratante, datos.objeto), uuid=contratos[1]
    )

    def revisada() -> object:
        window = ventana()
        window.mostrar_problemas(services.informativa_firma.revisar(en_captura, curp))
        return window

    shot("75_informativa_revisar", revisada)

    def firmar() -> object:
        dialog = FirmarInformativaDialog(
            services, DEMO_RFC, firmada, f"Informativa Normal de {firmada_periodo.texto}"
        )
        _show_path(dialog.certificado, fiel_files.cer.name)
        _show_path(dialog.llave, fiel_files.key.name)
        dialog.contrasena.setText(fiel_files.password)
        return dialog

    shot("76_firmar_informativa", firmar)
    shot(
        "77_informativa_firmada",
        lambda: ventana(DEMO_RFC, firmada, True),
    )
    services.nombrar_empresa()  # the board names each empresa, as after the Configuración inicial
    # Signed but not filed yet: «Firmada, sin presentar», past its deadline.
    shot("78_vencimientos", lambda: VencimientosDialog(services, "idse@nominas.com"))
    _recibos_shot(services, shot, hoy)
    _rechazos_shot(services, shot, curp, firmada, firmados[0], ventana)
    _presentacion_shots(services, shot, firmada, firmada_periodo, clientes)
    _sisub_shot(services, shot, firmada_periodo)
    _repse_shot(services, shot, hoy)
    _evidencias_shot(services, shot)


def _recibos_shot(services, shot, hoy) -> None:
    """Recibos de nómina: a weekly payroll of the cuatrimestre, its workers serving clients."""
    from datetime import timedelta

    from icsoe_desktop.demo.nomina import create_demo_recibos
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.gui.nomina.recibos import RecibosNominaDialog

    inicio = Periodo.de_fecha(hoy).inicio
    create_demo_recibos(services.store, inicio - timedelta(days=inicio.weekday()), 2, 14)
    shot("78a_recibos_nomina", lambda: RecibosNominaDialog(services, "idse@nominas.com"))
    _salarios_shot(services, shot, Periodo.de_fecha(hoy))


def _proponer_shot(services, shot, curp: str, periodo, contrato: str) -> None:
    """Proponer trabajadores desde los recibos: the period's weekly payroll names the first
    contract's contratante for its 48 workers and for 5 more, whom it proposes."""
    from datetime import timedelta

    from icsoe_desktop.demo.nomina import create_demo_recibos
    from icsoe_desktop.gui.informativa.proponer_recibos import ProponerRecibosDialog

    lunes = periodo.inicio + timedelta(days=7 - periodo.inicio.weekday())
    create_demo_recibos(services.store, lunes, 2, 53, ("CNT010101A14",), semilla=20)
    propuesta = services.informativa_trabajadores.propuesta_de_recibos(contrato, curp)
    shot(
        "72a_proponer_recibos",
        lambda: ProponerRecibosDialog(services, curp, contrato, propuesta),
    )


def _salarios_shot(services, shot, periodo) -> None:
    """Salarios no avisados: two workers whose receipts declare an SBC their movimientos
    with IDSE do not have (made-up rows: the demo's movimientos are other workers')."""
    from datetime import timedelta

    from icsoe_desktop.demo.data import demo_trabajadores
    from icsoe_desktop.domain.dias_habiles import sumar_habiles
    from icsoe_desktop.gui.nomina.salarios import SalariosNoAvisadosDialog
    from icsoe_desktop.services.nomina.consulta import SalarioNoAvisado

    filas = []
    for n, t in enumerate(demo_trabajadores(2, periodo.anio, 7)):
        desde = periodo.inicio + timedelta(days=14 * (n + 1) - periodo.inicio.weekday())
        filas.append(
            SalarioNoAvisado(
                t.nss, t.curp, t.nombre, desde, sumar_habiles(desde, 5), t.sbc + 4_500, t.sbc
            )
        )
    shot("78b_salarios_no_avisados", lambda: SalariosNoAvisadosDialog(periodo, filas))


def _rechazos_shot(services, shot, curp: str, firmada: str, contrato: str, ventana) -> None:
    """The portal's file of rejected workers imported into the signed informativa, and the
    contract's list showing only those."""
    import tempfile

    from icsoe_desktop.services.archivos.excel import TEXT, SheetColumn, write_sheet

    trabajadores = services.informativa_trabajadores.pagina(contrato, curp, 0, 10)
    motivos = (
        "El NSS no existe en los registros del IMSS",
        "La CURP ya está registrada en el contrato",
        "El SBC no coincide con el registrado en el IMSS",
    )
    filas = [
        ("1", t.nss, t.curp, motivo) for t, motivo in zip(trabajadores[2::3], motivos, strict=False)
    ]
    columnas = [SheetColumn(h, TEXT, 20) for h in ("Contrato", "NSS", "CURP", "Motivo")]
    with tempfile.TemporaryDirectory(prefix="icsoe-rechazos-") as carpeta:
        path = Path(carpeta) / "rechazos.xlsx"
        write_sheet(path, "Rechazos", columnas, filas, len(filas))
        services.informativa_rechazos.importar(firmada, curp, path)

    def rechazados() -> object:
        window = ventana(curp, firmada)
        window.trabajadores.rechazados.setChecked(True)
        return window

    shot("77d_rechazos_portal", rechazados)


def _presentacion_shots(services, shot, firmada: str, periodo, clientes) -> None:
    """After filing on the IMSS portal (77a–77c): its acuse registered, the informativa
    «Presentada», the archive for a client."""
    from datetime import UTC

    from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
    from icsoe_desktop.demo.data import DEMO_RFC
    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.gui.informativa.archivo_cliente import ArchivoClienteDialog
    from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow

    # Filed on the portal after it was signed here: now, hora del centro.
    fecha = services.clock().replace(tzinfo=UTC, microsecond=0).astimezone(HORA_DEL_CENTRO)
    folio = f"N{periodo.anio % 100}2253432"
    contratos = tuple(
        (c.rfc, c.nombre, f"A{periodo.anio % 100}P36623{80 + n}") for n, c in enumerate(clientes)
    )
    acuse = acuse_imss_pdf(
        folio,
        f"{fecha:%d/%m/%Y %H:%M:%S}",
        contratos,
        "EMPRESA DEMO SA DE CV",
        DEMO_RFC,
        periodo.texto,
    )
    nombre = f"Acuse_{folio}.pdf"
    with tempfile.TemporaryDirectory(prefix="icsoe-acuse-") as tmp:
        archivo = Path(tmp) / nombre
        archivo.write_bytes(acuse)

        def registrar() -> object:
            import time

            from PySide6.QtWidgets import QApplication

            dialog = RegistrarPresentacionDialog(services, DEMO_RFC, firmada)
            dialog.elegir_acuse(archivo)  # read off the window's thread: shown once read
            limite = time.monotonic() + 60
            while not dialog.archivo.text() and time.monotonic() < limite:
                QApplication.processEvents()
                time.sleep(0.01)
            _show_path(dialog.archivo, nombre)
            return dialog

        shot("77a_registrar_presentacion", registrar)
    # What the window reads from the acuse, confirmed as it is.
    servicio = services.informativa_presentacion
    leido = servicio.proponer(firmada, DEMO_RFC, acuse, nombre)
    servicio.registrar(
        firmada, DEMO_RFC, acuse, nombre, folio, fecha, leido.folios_contratos
    )  # fmt: skip
    shot(
        "77b_informativa_presentada",
        lambda: InformativaWindow(services, DEMO_RFC, DEMO_RFC, firmada, True),
    )
    shot("77c_exportar_para_el_cliente", lambda: ArchivoClienteDialog(services, DEMO_RFC, firmada))


def _sisub_shot(services, shot, periodo) -> None:
    """The SISUB of the filed informativa's period, prepared, its first contract chosen."""
    import time

    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.demo.data import DEMO_RFC
    from icsoe_desktop.gui.informativa.sisub import SisubDialog

    services.sisub.preparar(DEMO_RFC, DEMO_RFC, periodo)

    def sisub() -> object:
        dialog = SisubDialog(services, DEMO_RFC, DEMO_RFC)
        dialog.periodo.setCurrentIndex(dialog.periodo.findData(periodo.clave))
        limite = time.monotonic() + 60  # the report is read off the window's thread
        while dialog.contratos_model.rowCount() == 0 and time.monotonic() < limite:
            QApplication.processEvents()
            time.sleep(0.01)
        dialog.contratos.selectRow(0)
        while dialog.trabajadores_model.rowCount() == 0 and time.monotonic() < limite:
            QApplication.processEvents()
            time.sleep(0.01)
        return dialog

    shot("78c_sisub", sisub)


def _repse_shot(services, shot, hoy) -> None:
    """Administración › Registro REPSE… of the demo contratista: a registration granted three
    years ago next month, so that its renewal window (the STPS's calendar) is open today."""
    import time
    from datetime import date

    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.demo.data import DEMO_RFC
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.icsoe.registro_repse import RegistroRepseDialog

    siguiente = hoy.month % 12 + 1
    otorgado = date(hoy.year - 3 + (siguiente == 1), siguiente, 15)
    services.repse.registrar(
        DEMO_RFC,
        CLI_ACTOR,
        f"AR12345/{otorgado.year}",
        otorgado,
        ["Servicios de limpieza industrial especializada", "Mantenimiento de áreas verdes"],
    )

    def registro() -> object:
        dialog = RegistroRepseDialog(services, DEMO_RFC, DEMO_RFC)
        limite = time.monotonic() + 60  # the registration is read off the window's thread
        while dialog.registro is None and time.monotonic() < limite:
            QApplication.processEvents()
            time.sleep(0.01)
        return dialog

    shot("78d_registro_repse", registro)


def _evidencias_shot(services, shot) -> None:
    """ICSOE › Evidencias del cliente: the clients the demo's receipts name, month by month, the
    first client's last month chosen and what it lacks told below."""
    import time

    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.evidencias.tablero import FIJAS, MSG_ELIGE, EvidenciasTableroDialog

    def tablero() -> object:
        dialog = EvidenciasTableroDialog(services, "idse@nominas.com")
        dialog.resize(1340, 560)  # every month in view on the laptop's screen
        modelo = dialog.model
        # The newest month some client still owes evidence of: what it lacks, told below.
        celdas = [
            (-columna, fila)
            for fila, f in enumerate(modelo.rows)
            for columna, celda in enumerate(f.celdas)
            if celda.pendiente
        ]
        if celdas:
            columna, fila = min(celdas)
            dialog.tabla.setCurrentIndex(modelo.index(fila, len(FIJAS) - columna))
        limite = time.monotonic() + 60  # what the cell lacks is read off the window's thread
        while dialog.faltan.toPlainText() in ("", MSG_ELIGE) and time.monotonic() < limite:
            QApplication.processEvents()
            time.sleep(0.01)
        dialog.tabla.horizontalScrollBar().setValue(0)  # the clients' RFC and name in view
        return dialog

    shot("78e_evidencias_del_cliente", tablero)


def _sync_shots(services, shot) -> None:
    """Sincronización (60–62): the settings dialog, the conflicts window, the status bar."""
    import contextlib
    import socket

    from icsoe_desktop.demo.data import add_demo_conflict
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.gui.sync.configuracion import SincronizacionDialog
    from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    with socket.socket() as probe:  # a local port nobody listens on: the server is "down"
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services.sync.configure(
        f"http://127.0.0.1:{port}", "demo-token-de-escritorio", True, 15, "idse@nominas.com"
    )
    with contextlib.suppress(DomainError):  # «Sin conexión»: what the status bar shows next
        services.sync.synchronize()
    # The address a company would use (the unreachable port above only produced the state).
    services.sync.configure("https://sync.nominas.com:8765", None, True, 15, "idse@nominas.com")
    shot("60_sincronizacion", lambda: SincronizacionDialog(services, "idse@nominas.com"))
    add_demo_conflict(services.store, "NO191919191", "Servicios Contables de Occidente, S.C.")

    def conflictos() -> object:
        return ConflictosDialog(services, "idse@nominas.com")

    shot("61_conflictos_sincronizacion", conflictos)
    shot(
        "62_ventana_principal_sin_conexion",
        lambda: VentanaPrincipal(services, "idse@nominas.com", "Claudia Hernández Ruiz"),
    )


def _empresas_shots(services, shot) -> None:
    """Varias empresas: a despacho with three client companies."""
    from icsoe_desktop.config import SmtpSettings
    from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog
    from icsoe_desktop.gui.empresas.cambiar import CambiarEmpresaDialog, NuevaEmpresaDialog
    from icsoe_desktop.gui.empresas.por_usuario import EmpresasPorUsuarioDialog
    from icsoe_desktop.gui.idse.login import IdseLoginWindow

    admin = "idse@nominas.com"
    services.nombrar_empresa()  # as the main window does after the Configuración inicial
    segunda = services.empresas.crear(
        "COS860101AB1", "Comercializadora del Sur, S.A. de C.V.", admin
    )
    services.empresas.crear("TRA910215CD2", "Transportes Ramírez, S.C.", admin)
    shot("63_acceso_idse_varias_empresas", lambda: IdseLoginWindow(services))
    shot("64_cambiar_empresa", lambda: CambiarEmpresaDialog(services, admin))
    shot("65_nueva_empresa", lambda: NuevaEmpresaDialog(services, admin))
    shot("66_empresas_por_usuario", lambda: EmpresasPorUsuarioDialog(services, admin))
    services.abrir_empresa(segunda.id)  # not the first: it may have its own outgoing mail
    propio = SmtpSettings("smtp.comsur.com.mx", 587, remitente="nominas@comsur.com.mx")
    services.settings_empresa.save_smtp(propio, None, admin)
    shot("67_correo_por_empresa", lambda: ConfiguracionCorreoDialog(services, admin))


def _ayuda_shots(services, data_dir: Path, shot, box) -> None:
    """Respaldo (a restore refused: the backup of another empresa; the code a backup of another
    installation asks for) and the Manual de usuario."""
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.gui.codigo_recuperacion import CodigoRecuperacionDialog
    from icsoe_desktop.gui.empresas.codigo_respaldo import CodigoRespaldoDialog
    from icsoe_desktop.gui.empresas.respaldo import TITLE_RESTAURAR
    from icsoe_desktop.gui.manual import ManualWindow
    from icsoe_desktop.services.respaldo.backup import BACKUP_SUFFIX

    admin = "idse@nominas.com"
    abierta = services.empresa  # Comercializadora del Sur, after _empresas_shots
    respaldo = services.backup.backup(data_dir / f"{abierta.rfc}_respaldo{BACKUP_SUFFIX}", admin)
    primera = next(e for e in services.empresas.listar() if e.id != abierta.id)
    services.abrir_empresa(primera.id)
    try:
        services.backup.restore(respaldo, admin)
    except DomainError as exc:  # refused, as it must be: nothing was replaced
        shot("79_restaurar_otra_empresa", box(exc.message, "Warning", TITLE_RESTAURAR))
    else:
        raise AssertionError("the backup of another empresa was restored")
    # A backup of another installation: its recovery code asked for.
    shot("79a_restaurar_con_codigo", lambda: CodigoRespaldoDialog(respaldo))

    def abrir_con_codigo() -> object:
        # At start-up, the keyring without the stores' key: the data folder named as a clerk's.
        dialog = CodigoRecuperacionDialog(Path(EXAMPLE_DATOS))
        dialog.codigo.setText(EXAMPLE_CODIGO)
        dialog.mostrar.setChecked(True)
        return dialog

    shot("79b_abrir_con_codigo", abrir_con_codigo)

    def manual() -> object:
        window = ManualWindow()
        window.show()  # the page's width decides how wide its screenshots are drawn
        window.mostrar("04_movimientos.md")
        return window

    shot("80_manual_de_usuario", manual)
