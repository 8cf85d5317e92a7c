"""`python -m icsoe_desktop screenshots DIR`: every window, with demo data, in the states the
guides show, rendered offscreen to PNG (for the README and for reviewing the UI).

It always works on a throw-away data dir: the user's real data is never touched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

DEMO_PASSWORD = "Nom1na$Segura"


def _grab(widget, path: Path) -> Path:
    from PySide6.QtWidgets import QApplication

    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"No se pudo escribir {path}")
    widget.hide()  # not close(): a dialog may warn on leaving (Certificados IMSS)
    widget.deleteLater()
    return path


def render_all(directory: str | os.PathLike[str]) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="icsoe-screenshots-") as tmp:
        return _render(out, Path(tmp))


def _render(out: Path, data_dir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.config import SmtpSettings
    from icsoe_desktop.gui import msgbox
    from icsoe_desktop.gui.aviso_privacidad import AvisoPrivacidadDialog
    from icsoe_desktop.gui.configuracion_correo import ConfiguracionCorreoDialog
    from icsoe_desktop.gui.error_hook import unexpected_error_text
    from icsoe_desktop.gui.idse_login import MSG_SOLO_CONSULTA, IdseLoginWindow
    from icsoe_desktop.gui.idse_usuarios import IdseUsuariosDialog
    from icsoe_desktop.gui.recuperar_contrasena import RecuperarContrasenaDialog
    from icsoe_desktop.gui.restablecer_contrasena import RestablecerContrasenaDialog
    from icsoe_desktop.gui.style import apply_style
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.accounts import MSG_CORREO_NO_EXISTE, MSG_CREDENCIALES, Registration
    from icsoe_desktop.services.container import open_services

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    services = open_services(data_dir)
    written: list[Path] = []

    def shot(name: str, make: Callable[[], object]) -> None:
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
                + "\n\nTe quedan 4 intento(s) antes de que el usuario se bloquee por 5 minutos.",
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
        shot("07_aviso_privacidad", lambda: AvisoPrivacidadDialog())
        shot("08_recuperar_contrasena_vacio", lambda: RecuperarContrasenaDialog(services))
        shot(
            "09_correo_no_existe",
            box(MSG_CORREO_NO_EXISTE, "Warning", "Recuperar Contraseña"),
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
                unexpected_error_text(data_dir / "icsoe-desktop.log"),
                "Critical",
                "Error inesperado",
            ),
        )

        def registros_patronales() -> object:
            from icsoe_desktop.gui.registros_patronales import RegistrosPatronalesDialog

            services.registros.save(
                "Y5412345106", "ABC010101AB1", "Nóminas del Centro, S.A. de C.V.", None
            )
            services.registros.save(
                "NO191919191", "SCO050505QR2", "Servicios Contables del Occidente, S.C.", None
            )
            dialog = RegistrosPatronalesDialog(services)
            dialog.tabla.selectRow(1)
            return dialog

        shot("15_registros_patronales", registros_patronales)
        _certificate_shots(services, data_dir, shot, box)
        _sync_shots(services, shot)
    finally:
        services.close()
    return written


def _certificate_shots(services, data_dir: Path, shot, box) -> None:
    """Certificados IMSS in its main states, and the login's expiry panel."""
    from icsoe_desktop.gui.certificados_imss import CertificadosImssDialog
    from icsoe_desktop.gui.idse_login import IdseLoginWindow
    from icsoe_desktop.services.certificates import TRUSTED_DIR, Assignment
    from icsoe_desktop.services.demo import write_demo_fiel

    fiel = write_demo_fiel(data_dir / "demo")
    trusted = data_dir / TRUSTED_DIR
    trusted.mkdir(exist_ok=True)
    (trusted / fiel.ca_cer.name).write_bytes(fiel.ca_cer.read_bytes())

    shot("16_certificados_imss_vacio", lambda: CertificadosImssDialog(services))

    def fiel_elegida() -> object:
        dialog = CertificadosImssDialog(services)
        dialog.registro.setCurrentIndex(dialog.registro.findData("Y5412345106"))
        dialog.set_certificado(str(fiel.cer))
        dialog.set_llave(str(fiel.key))
        dialog.contrasena.setText(fiel.password)
        return dialog

    shot("17_certificados_imss_efirma_elegida", fiel_elegida)
    services.certificates.assign(
        Assignment("Y5412345106", fiel.cer, fiel.key, "ABC010101AB1", fiel.password), None
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


def _sync_shots(services, shot) -> None:
    """Sincronización (60–62): the settings dialog, the conflicts window, the status bar."""
    import contextlib
    import socket

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.gui.conflictos import ConflictosDialog
    from icsoe_desktop.gui.sincronizacion import SincronizacionDialog
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.demo import add_demo_conflict

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
