"""F1 anywhere: the Manual de usuario opens at the chapter of the window in use.

Each window class of ``gui/`` names its chapter (and, where the chapter is long, the heading of
its section) in ``CAPITULOS``; a test checks that every window has one and that each heading
exists. Kept light: it is installed at start-up (once the services are built), so it imports neither
QTextBrowser nor QtCore's ``Qt`` namespace (~17 ms to build), which the first F1 loads.

F1 is caught by an event filter on each top-level window, installed the first time the window
gets the focus (``focusChanged``), not on the whole application: an application-wide Python
filter would be called for every event of every widget (~5 µs each), the grid's included.
A key the focused widget does not take travels up to its window, where the filter sees it.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

INDICE = "00_indice.md"
SI_ALGO_SALE_MAL = "11_si_algo_sale_mal.md"
_INSTALADA = "icsoeAyudaF1"  # a window's dynamic property: its filter is in place
_KEY_PRESS = QEvent.Type.KeyPress


class Capitulo(NamedTuple):
    """A chapter file of docs/manual/ and, optionally, the heading to show first."""

    archivo: str
    seccion: str | None = None


# «módulo.Clase» of gui/ → its place in the manual. Pages of a window (Lotes, the contratista's
# pages) have their own, so F1 there goes to what the clerk is looking at.
CAPITULOS: dict[str, Capitulo] = {
    "manual.ManualWindow": Capitulo(INDICE),
    # Primer uso
    "ventana_principal.VentanaPrincipal": Capitulo("01_primer_uso.md", "La ventana principal"),
    "configuracion_inicial.ConfiguracionInicialWizard": Capitulo(
        "01_primer_uso.md", "Configuración inicial"
    ),
    "registros_patronales.RegistrosPatronalesDialog": Capitulo(
        "01_primer_uso.md", "Registros patronales"
    ),
    "configuracion_correo.ConfiguracionCorreoDialog": Capitulo(
        "01_primer_uso.md", "Correo saliente"
    ),
    # Acceso a IDSE
    "idse_login.IdseLoginWindow": Capitulo("02_acceso_idse.md"),
    "idse_usuarios.IdseUsuariosDialog": Capitulo("02_acceso_idse.md", "Regístrate aquí"),
    "aviso_privacidad.AvisoPrivacidadDialog": Capitulo("02_acceso_idse.md", "Regístrate aquí"),
    "recuperar_contrasena.RecuperarContrasenaDialog": Capitulo(
        "02_acceso_idse.md", "¿Olvidó su contraseña?"
    ),
    "restablecer_contrasena.RestablecerContrasenaDialog": Capitulo(
        "02_acceso_idse.md", "¿Olvidó su contraseña?"
    ),
    "restablecer_por_administrador.RestablecerPorAdministradorDialog": Capitulo(
        "02_acceso_idse.md", "Restablecer la contraseña de otro usuario"
    ),
    # Certificados IMSS
    "certificados_imss.CertificadosImssDialog": Capitulo("03_certificados_imss.md"),
    "generar_pfx.GenerarPfxDialog": Capitulo("03_certificados_imss.md", "Generar .pfx"),
    "emisores_confiables.EmisoresConfiablesDialog": Capitulo(
        "03_certificados_imss.md", "Emisores confiables"
    ),
    # Movimientos con IDSE
    "movimientos_idse.MovimientosIdse": Capitulo("04_movimientos.md"),
    "rechazos_importacion.RechazosDialog": Capitulo("04_movimientos.md", "Importar movimientos"),
    "lotes_idse.LotesPanel": Capitulo("04_movimientos.md", "Lotes"),
    "corregir_movimiento.CorregirMovimientoDialog": Capitulo(
        "04_movimientos.md", "Corregir un movimiento rechazado"
    ),
    # ICSOE: el contratista
    "icsoe_inicio.IcsoeInicioWindow": Capitulo("05_icsoe_contratista.md", "Ingresar a ICSOE"),
    "icsoe_efirma.IcsoeEfirmaDialog": Capitulo("05_icsoe_contratista.md", "Ingresar con e.firma"),
    "icsoe_terminos.IcsoeTerminosDialog": Capitulo(
        "05_icsoe_contratista.md", "Términos y Condiciones"
    ),
    "icsoe_datos_generales.IcsoeDatosGeneralesPage": Capitulo(
        "05_icsoe_contratista.md", "Datos generales"
    ),
    "icsoe_contratista.IcsoeContratistaWindow": Capitulo(
        "05_icsoe_contratista.md", "La ventana del contratista"
    ),
    "icsoe_alta_usuario.IcsoeAltaUsuarioPage": Capitulo(
        "05_icsoe_contratista.md", "Alta de usuarios"
    ),
    "icsoe_consulta.IcsoeConsultaPage": Capitulo("05_icsoe_contratista.md", "Consulta"),
    # ICSOE: capturistas
    "icsoe_crear_contrasena.IcsoeCrearContrasenaDialog": Capitulo(
        "06_icsoe_capturistas.md", "Crear contraseña"
    ),
    "icsoe_recuperar.IcsoeRecuperarDialog": Capitulo(
        "06_icsoe_capturistas.md", "¿Olvidaste tu contraseña?"
    ),
    "icsoe_seleccionar_contratista.IcsoeSeleccionarContratistaDialog": Capitulo(
        "06_icsoe_capturistas.md", "Seleccionar contratista"
    ),
    "icsoe_capturista.IcsoeCapturistaWindow": Capitulo(
        "06_icsoe_capturistas.md", "La pantalla del capturista"
    ),
    # ICSOE: la informativa cuatrimestral
    "informativas_inicio.InformativasInicio": Capitulo("07_informativa.md", "Pantalla de inicio"),
    "informativa_nueva.NuevaInformativaDialog": Capitulo("07_informativa.md", "Nueva informativa"),
    "informativa.InformativaWindow": Capitulo("07_informativa.md", "La ventana de la informativa"),
    "contrato.ContratoDialog": Capitulo("07_informativa.md", "Contratos"),
    "contratante.ContratanteDialog": Capitulo("07_informativa.md", "Contratantes"),
    "copiar_contrato.CopiarContratoDialog": Capitulo("07_informativa.md", "Copiar de otro periodo"),
    "trabajadores_empresa.TrabajadoresEmpresaDialog": Capitulo(
        "07_informativa.md", "Trabajadores de cada contrato"
    ),
    "informativa_problemas.ProblemasImportacionDialog": Capitulo(
        "07_informativa.md", "Trabajadores de cada contrato"
    ),
    "informativa_firmar.FirmarInformativaDialog": Capitulo("07_informativa.md", "Firmar"),
    "vencimientos.VencimientosDialog": Capitulo("07_informativa.md", "Vencimientos"),
    # Varias empresas
    "selector_empresa.EmpresaSelector": Capitulo("08_varias_empresas.md", "Elegir la empresa"),
    "cambiar_empresa.CambiarEmpresaDialog": Capitulo("08_varias_empresas.md", "Cambiar de empresa"),
    "cambiar_empresa.NuevaEmpresaDialog": Capitulo("08_varias_empresas.md", "Nueva empresa"),
    "empresas_por_usuario.EmpresasPorUsuarioDialog": Capitulo(
        "08_varias_empresas.md", "Empresas por usuario"
    ),
    "elegir_empresa.ElegirEmpresaDialog": Capitulo(
        "08_varias_empresas.md", "Entradas sin usuario de IDSE"
    ),
    # Sincronización
    "sincronizacion.SincronizacionDialog": Capitulo("10_sincronizacion.md"),
    "conflictos.ConflictosDialog": Capitulo("10_sincronizacion.md", "Conflictos de sincronización"),
}

# Widgets of gui/ that are pieces of a window, never a window: F1 there is their window's.
COMPONENTES = frozenset({"fecha_edit.FechaEdit"})

_PAQUETE = "icsoe_desktop.gui."


def _clave(cls: type) -> str | None:
    module = cls.__module__
    return (
        f"{module.removeprefix(_PAQUETE)}.{cls.__name__}" if module.startswith(_PAQUETE) else None
    )


def capitulo_de(widget: QWidget | None) -> Capitulo:
    """The chapter of ``widget``: its own class's, else the nearest container's up to its window.

    A warning or an error box leads to «Si algo sale mal»; another box (a question) is its
    window's."""
    from PySide6.QtWidgets import QMessageBox

    while widget is not None:
        if isinstance(widget, QMessageBox):
            if widget.icon() in (QMessageBox.Icon.Warning, QMessageBox.Icon.Critical):
                return Capitulo(SI_ALGO_SALE_MAL)
        else:
            for cls in type(widget).__mro__:
                clave = _clave(cls)
                if clave is not None and clave in CAPITULOS:
                    return CAPITULOS[clave]
        widget = widget.parentWidget()
    return Capitulo(INDICE)


def abrir_desde(widget: QWidget | None) -> QWidget:
    """Open (or bring up) the manual at the chapter of ``widget``; returns the manual window."""
    from icsoe_desktop.gui.manual import abrir_manual

    capitulo = capitulo_de(widget)
    return abrir_manual(widget.window() if widget is not None else None, capitulo)


class AyudaF1(QObject):
    """Installed once per application (``instalar``): F1 in any window opens the manual."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        app.focusChanged.connect(self._al_enfocar)
        for window in app.topLevelWidgets():
            self._vigilar(window)

    def _al_enfocar(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None:
            self._vigilar(new.window())

    def _vigilar(self, window: QWidget) -> None:
        if not window.property(_INSTALADA):
            window.setProperty(_INSTALADA, True)
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != _KEY_PRESS or not isinstance(watched, QWidget):
            return False
        from PySide6.QtCore import Qt

        if event.key() != Qt.Key.Key_F1:  # type: ignore[attr-defined]
            return False
        focused = QApplication.focusWidget()
        origen = focused if focused is not None and focused.window() is watched else watched
        abrir_desde(origen)
        return True


_instalado: list[AyudaF1] = []  # the one filter (not looked up: findChild costs ~7 ms at start)


def instalar(app: QApplication | None = None) -> AyudaF1:
    """F1 for every window of ``app`` (once: a second call returns the same filter)."""
    from shiboken6 import isValid

    app = app or QApplication.instance()  # type: ignore[assignment]
    assert isinstance(app, QApplication)
    if _instalado and isValid(_instalado[0]) and _instalado[0].parent() is app:
        return _instalado[0]
    _instalado[:] = [AyudaF1(app)]
    return _instalado[0]
