"""Every window and dialog class of ``icsoe_desktop.gui``, opened on real data as a clerk gets
it on screen, and walked through its states (stacked pages, tab bars, the assistant's steps):
the one list the window-wide tests share (letters, layout, shortcuts). A class found in the
package and missing here fails ``test_every_window_class_is_walked``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QWidget,
    QWizard,
)

from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.services.acceso.accounts import Registration

ADMIN = "admin@nominas.com"
PASSWORD = "Nom1na$Segura"


@dataclass
class Mundo:
    """What the windows need, made through the real services."""

    services: object
    rfc: str
    informativa: str
    contrato: str
    movimiento: int
    archivo: Path  # a movimientos file under another system's headers (the import assistant)


def sembrar(services, data_dir, tmp_path, smtp) -> Mundo:
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from tests.informativa_servicios import PERIODO, capturista_activa, contrato_con_trabajadores

    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    create_demo_movimientos(services.store, 12, services.movimientos.today())
    # A second client: the login shows its empresa selector, Archivo › Cambiar de empresa a list.
    services.empresas.crear("BBB020202BB2", "Bodegas Dos SA de CV", ADMIN)
    rfc, _curp = capturista_activa(services, data_dir, tmp_path, smtp)
    informativa = services.informativas.crear(rfc, rfc, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, rfc, informativa)
    pendientes = [p for r in services.movimientos.registros() for p in services.lotes.pendientes(r)]
    from tests.gui.test_asistente_importacion import archivo_propio

    archivo = archivo_propio(tmp_path / "movimientos_de_otro_sistema.csv", titulos=1)
    return Mundo(services, rfc, informativa, contrato, pendientes[0].id, archivo)


def sembrado_una_vez(tmp_path_factory) -> tuple[Path, Mundo]:
    """``sembrar`` made once (``made_once``, mailing through the SMTP server configured first,
    as ``smtp_configured`` does), for a module's tests to start from (``services_copying``)."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from tests.conftest import made_once

    def hacer(services, data_dir: Path, folder: Path, smtp) -> Mundo:
        services.settings.save_smtp(smtp.settings(), None, actor=CLI_ACTOR)
        return replace(sembrar(services, data_dir, folder, smtp), services=None)

    return made_once(tmp_path_factory, hacer)


def mundo_copiado(services, tmp_path: Path, sembrado: tuple[Path, Mundo]) -> Mundo:
    """The ``Mundo`` of ``sembrado_una_vez`` on the test's own copy (``services``, ``tmp_path``)."""
    hecho = sembrado[1]
    return replace(hecho, services=services, archivo=tmp_path / hecho.archivo.name)


def _rechazado(m: Mundo):
    """The contract's first worker as the IMSS portal rejected it."""
    fila = m.services.informativa_trabajadores.pagina(m.contrato, m.rfc, 0, 1)[0]
    return replace(fila, rechazo="El NSS no existe en los registros del IMSS")


def _sisub(m: Mundo):
    """The SISUB of the informativa's period prepared, and its first contract."""
    from tests.informativa_servicios import PERIODO

    hecho = m.services.sisub.preparar(m.rfc, m.rfc, PERIODO)
    reporte = m.services.sisub.reporte(hecho.uuid, m.rfc)
    return reporte, reporte.contratos[0]


def _propuesta(m: Mundo):
    """The contract's workers as the period's receipts would propose them: the first as if
    new, the others already on the contract; an asimilado left out."""
    from datetime import date

    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.services.informativa.asignaciones import Fuera, PropuestaRecibos
    from icsoe_desktop.services.nomina.consulta import ASIMILADO, Propuesto

    filas = m.services.informativa_trabajadores.pagina(m.contrato, m.rfc, 0, 10)
    propuestos = [
        Propuesto(f.curp, f.nss, "", f.nombre or "TRABAJADOR", f.sbc, date(2026, 6, 14), 2)
        for f in filas
    ]
    asimilado = Propuesto(
        "PEMA800101HDFRRN09", "", "", "ASIMILADO", 0, date(2026, 6, 14), 1, asimilado=True
    )
    return PropuestaRecibos(
        "CNT010101A14",
        Periodo(2026, 2),
        propuestos[:1],
        propuestos[1:],
        [Fuera(asimilado, ASIMILADO)],
    )


def _salarios():
    """A worker whose receipt's SBC is not his movimientos': Salarios no avisados' row."""
    from datetime import date

    from icsoe_desktop.services.nomina.consulta import SalarioNoAvisado

    return [
        SalarioNoAvisado(
            "12345678901",
            "LOPE820130HASJRL86",
            "ENRIQUE LOPEZ",
            date(2026, 6, 8),
            date(2026, 6, 15),
            52_000,
            50_000,
        )
    ]


def _dos_sbc(carpeta: Path):
    """A worker file whose «SDI» and «SBC» differ: the intake's reading, for Comparar columnas."""
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        IMPORTACION as IMPORTAR_TRABAJADORES,
    )

    path = carpeta / "sdi_y_sbc.csv"
    path.write_text(
        "NSS,CURP,SDI,SBC\n12345678901,LOPE820130HASJRL86,600.00,550.00\n", encoding="utf-8"
    )
    return mapeos.leer(IMPORTAR_TRABAJADORES, path)


def _sisub_presentado(m: Mundo):
    """A filed SISUB with the clerk's note, as the SISUB window hands it to its dialogs."""
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from icsoe_desktop.domain.sisub.modelo import DATOS_CONTINUOS, PRESENTADO, ReporteSisub

    return ReporteSisub(
        uuid="sisub-de-muestra",
        rfc=m.rfc,
        nombre="Contratista de muestra",
        periodo=Periodo(2026, 2),
        tipo=DATOS_CONTINUOS,
        estado=PRESENTADO,
        nota_icsoe="El contrato se firmó en agosto y la informativa lo tiene en septiembre.",
        folio="SISUB-2026-0001234",
    )


def windows() -> dict[str, Callable[[Mundo], QWidget]]:
    """Each window class (``module.Class``) and how a clerk gets it on screen."""
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.domain.informativa.modelo import Periodo, Problema
    from icsoe_desktop.gui import aviso_privacidad, codigo_recuperacion, manual, ventana_principal
    from icsoe_desktop.gui.certificados import emisores_confiables, generar_pfx
    from icsoe_desktop.gui.certificados import imss as certificados_imss
    from icsoe_desktop.gui.configuracion import correo as configuracion_correo
    from icsoe_desktop.gui.configuracion import inicial as configuracion_inicial
    from icsoe_desktop.gui.empresas import cambiar as cambiar_empresa
    from icsoe_desktop.gui.empresas import codigo_respaldo, registros_patronales
    from icsoe_desktop.gui.empresas import por_usuario as empresas_por_usuario
    from icsoe_desktop.gui.evidencias import adjuntar as evidencias_adjuntar
    from icsoe_desktop.gui.evidencias import tablero as evidencias_tablero
    from icsoe_desktop.gui.icsoe import capturista as icsoe_capturista
    from icsoe_desktop.gui.icsoe import contratista as icsoe_contratista
    from icsoe_desktop.gui.icsoe import crear_contrasena as icsoe_crear_contrasena
    from icsoe_desktop.gui.icsoe import efirma as icsoe_efirma
    from icsoe_desktop.gui.icsoe import elegir_empresa, registro_repse
    from icsoe_desktop.gui.icsoe import inicio as icsoe_inicio
    from icsoe_desktop.gui.icsoe import recuperar as icsoe_recuperar
    from icsoe_desktop.gui.icsoe import seleccionar_contratista as icsoe_seleccionar_contratista
    from icsoe_desktop.gui.icsoe import terminos as icsoe_terminos
    from icsoe_desktop.gui.idse import login as idse_login
    from icsoe_desktop.gui.idse import (
        recuperar_contrasena,
        restablecer_contrasena,
        restablecer_por_administrador,
    )
    from icsoe_desktop.gui.idse import usuarios as idse_usuarios
    from icsoe_desktop.gui.informativa import (
        archivo_cliente,
        contratante,
        contrato,
        copiar_contrato,
        presentacion,
        proponer_recibos,
        sisub,
        sisub_complementario,
        sisub_motivo,
        sisub_sujeto,
        sisub_trabajador,
        trabajadores_empresa,
        vencimientos,
    )
    from icsoe_desktop.gui.informativa import corregir_trabajador as informativa_corregir
    from icsoe_desktop.gui.informativa import firmar as informativa_firmar
    from icsoe_desktop.gui.informativa import nueva as informativa_nueva
    from icsoe_desktop.gui.informativa import problemas as informativa_problemas
    from icsoe_desktop.gui.informativa import ventana as informativa
    from icsoe_desktop.gui.informativa import verificar as verificar_constancia
    from icsoe_desktop.gui.kit import asistente_importacion, comparar_columnas
    from icsoe_desktop.gui.movimientos import corregir as corregir_movimiento
    from icsoe_desktop.gui.movimientos import rechazos as rechazos_importacion
    from icsoe_desktop.gui.nomina import recibos as recibos_nomina
    from icsoe_desktop.gui.nomina import salarios as salarios_nomina
    from icsoe_desktop.gui.sync import configuracion as sincronizacion
    from icsoe_desktop.gui.sync import conflictos
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.capturistas.acceso import CapturistaSesion
    from icsoe_desktop.services.movimientos.importar import IMPORTACION as IMPORTAR_MOVIMIENTOS
    from icsoe_desktop.services.movimientos.importar import LineaRechazada
    from tests.icsoe_helpers import CURP_ANA

    def contratista(m: Mundo) -> QWidget:
        window = icsoe_contratista.IcsoeContratistaWindow(
            m.services, m.services.contratistas.sesion(m.rfc)
        )
        window.show_consulta()  # the pages built on first use, walked with the others
        window.show_informativas()
        return window

    def capturista(m: Mundo) -> QWidget:
        window = icsoe_capturista.IcsoeCapturistaWindow(
            m.services, CapturistaSesion(CURP_ANA, "ANA LÓPEZ MARTÍNEZ")
        )
        window.set_contratista(m.services.acceso_capturista.contratistas_de(CURP_ANA)[0])
        return window

    return {
        "aviso_privacidad.AvisoPrivacidadDialog": lambda m: (
            aviso_privacidad.AvisoPrivacidadDialog()
        ),
        "empresas.cambiar.CambiarEmpresaDialog": lambda m: cambiar_empresa.CambiarEmpresaDialog(
            m.services, ADMIN
        ),
        "empresas.cambiar.NuevaEmpresaDialog": lambda m: cambiar_empresa.NuevaEmpresaDialog(
            m.services, ADMIN
        ),
        "certificados.imss.CertificadosImssDialog": lambda m: (
            certificados_imss.CertificadosImssDialog(m.services, ADMIN)
        ),
        "configuracion.correo.ConfiguracionCorreoDialog": lambda m: (
            configuracion_correo.ConfiguracionCorreoDialog(m.services, ADMIN)
        ),
        "configuracion.inicial.ConfiguracionInicialWizard": lambda m: (
            configuracion_inicial.ConfiguracionInicialWizard(
                m.services, ADMIN, dict.fromkeys(configuracion_inicial.ORDER, lambda _p: None)
            )
        ),
        "codigo_recuperacion.CodigoRecuperacionDialog": lambda m: (
            codigo_recuperacion.CodigoRecuperacionDialog(m.services.data_dir)
        ),
        "empresas.codigo_respaldo.CodigoRespaldoDialog": lambda m: (
            codigo_respaldo.CodigoRespaldoDialog(m.services.data_dir / "otro-equipo.icsoe-respaldo")
        ),
        "sync.conflictos.ConflictosDialog": lambda m: conflictos.ConflictosDialog(
            m.services, ADMIN
        ),
        "informativa.contratante.ContratanteDialog": lambda m: contratante.ContratanteDialog(
            m.services, m.rfc, m.rfc
        ),
        "informativa.contrato.ContratoDialog": lambda m: contrato.ContratoDialog(
            m.services, m.rfc, m.rfc, m.informativa, m.contrato
        ),
        "informativa.copiar_contrato.CopiarContratoDialog": lambda m: (
            copiar_contrato.CopiarContratoDialog(m.services, m.rfc, m.rfc, m.informativa)
        ),
        "movimientos.corregir.CorregirMovimientoDialog": lambda m: (
            corregir_movimiento.CorregirMovimientoDialog(
                m.services, m.movimiento, "NSS no vigente", ADMIN
            )
        ),
        "icsoe.elegir_empresa.ElegirEmpresaDialog": lambda m: elegir_empresa.ElegirEmpresaDialog(
            m.services.empresas.listar()
        ),
        "certificados.emisores_confiables.EmisoresConfiablesDialog": lambda m: (
            emisores_confiables.EmisoresConfiablesDialog(m.services, ADMIN)
        ),
        "empresas.por_usuario.EmpresasPorUsuarioDialog": lambda m: (
            empresas_por_usuario.EmpresasPorUsuarioDialog(m.services, ADMIN)
        ),
        "certificados.generar_pfx.GenerarPfxDialog": lambda m: generar_pfx.GenerarPfxDialog(
            m.services, ADMIN
        ),
        "icsoe.capturista.IcsoeCapturistaWindow": capturista,
        "icsoe.contratista.IcsoeContratistaWindow": contratista,
        "icsoe.crear_contrasena.IcsoeCrearContrasenaDialog": lambda m: (
            icsoe_crear_contrasena.IcsoeCrearContrasenaDialog(m.services)
        ),
        "icsoe.efirma.IcsoeEfirmaDialog": lambda m: icsoe_efirma.IcsoeEfirmaDialog(m.services),
        "icsoe.inicio.IcsoeInicioWindow": lambda m: icsoe_inicio.IcsoeInicioWindow(m.services),
        "icsoe.recuperar.IcsoeRecuperarDialog": lambda m: icsoe_recuperar.IcsoeRecuperarDialog(
            m.services
        ),
        "icsoe.seleccionar_contratista.IcsoeSeleccionarContratistaDialog": lambda m: (
            icsoe_seleccionar_contratista.IcsoeSeleccionarContratistaDialog(m.services, CURP_ANA)
        ),
        "icsoe.terminos.IcsoeTerminosDialog": lambda m: icsoe_terminos.IcsoeTerminosDialog(),
        "idse.login.IdseLoginWindow": lambda m: idse_login.IdseLoginWindow(m.services),
        "idse.usuarios.IdseUsuariosDialog": lambda m: idse_usuarios.IdseUsuariosDialog(
            m.services, ADMIN
        ),
        "informativa.ventana.InformativaWindow": lambda m: informativa.InformativaWindow(
            m.services, m.rfc, m.rfc, m.informativa, True
        ),
        "informativa.corregir_trabajador.CorregirTrabajadorDialog": lambda m: (
            informativa_corregir.CorregirTrabajadorDialog(
                m.services, m.rfc, m.contrato, _rechazado(m)
            )
        ),
        "informativa.firmar.FirmarInformativaDialog": lambda m: (
            informativa_firmar.FirmarInformativaDialog(m.services, m.rfc, m.informativa, "")
        ),
        # From the main window's ICSOE menu: the informativas to choose from.
        "informativa.presentacion.RegistrarPresentacionDialog": lambda m: (
            presentacion.RegistrarPresentacionDialog(m.services, ADMIN)
        ),
        "informativa.archivo_cliente.ArchivoClienteDialog": lambda m: (
            archivo_cliente.ArchivoClienteDialog(m.services, ADMIN)
        ),
        "informativa.nueva.NuevaInformativaDialog": lambda m: (
            informativa_nueva.NuevaInformativaDialog(m.services, m.rfc, m.rfc)
        ),
        "informativa.problemas.ProblemasImportacionDialog": lambda m: (
            informativa_problemas.ProblemasImportacionDialog(
                "", [Problema("x", "Falta el objeto del contrato.")]
            )
        ),
        "kit.asistente_importacion.AsistenteImportacionDialog": lambda m: (
            asistente_importacion.AsistenteImportacionDialog(
                IMPORTAR_MOVIMIENTOS,
                m.archivo,
                mapeos.leer(IMPORTAR_MOVIMIENTOS, m.archivo),
            )
        ),
        "kit.comparar_columnas.CompararColumnasDialog": lambda m: (
            comparar_columnas.CompararColumnasDialog(_dos_sbc(m.archivo.parent), "sbc")
        ),
        "movimientos.rechazos.RechazosDialog": lambda m: rechazos_importacion.RechazosDialog(
            "", [LineaRechazada(2, "NSS inválido")]
        ),
        "idse.recuperar_contrasena.RecuperarContrasenaDialog": lambda m: (
            recuperar_contrasena.RecuperarContrasenaDialog(m.services)
        ),
        "manual.ManualWindow": lambda m: manual.ManualWindow(),
        "empresas.registros_patronales.RegistrosPatronalesDialog": lambda m: (
            registros_patronales.RegistrosPatronalesDialog(m.services, ADMIN)
        ),
        "idse.restablecer_contrasena.RestablecerContrasenaDialog": lambda m: (
            restablecer_contrasena.RestablecerContrasenaDialog(m.services)
        ),
        "idse.restablecer_por_administrador.RestablecerPorAdministradorDialog": lambda m: (
            restablecer_por_administrador.RestablecerPorAdministradorDialog(
                m.services, ADMIN, ADMIN
            )
        ),
        "sync.configuracion.SincronizacionDialog": lambda m: sincronizacion.SincronizacionDialog(
            m.services, ADMIN
        ),
        "informativa.trabajadores_empresa.TrabajadoresEmpresaDialog": lambda m: (
            trabajadores_empresa.TrabajadoresEmpresaDialog(m.services, m.rfc, m.contrato)
        ),
        "informativa.proponer_recibos.ProponerRecibosDialog": lambda m: (
            proponer_recibos.ProponerRecibosDialog(m.services, m.rfc, m.contrato, _propuesta(m))
        ),
        "informativa.vencimientos.VencimientosDialog": lambda m: vencimientos.VencimientosDialog(
            m.services, ADMIN
        ),
        "informativa.sisub.SisubDialog": lambda m: sisub.SisubDialog(m.services, m.rfc, m.rfc),
        "informativa.sisub_motivo.MotivoIcsoeDialog": lambda m: sisub_motivo.MotivoIcsoeDialog(
            m.services, m.rfc, _sisub_presentado(m)
        ),
        "informativa.sisub_sujeto.DatosSujetoDialog": lambda m: sisub_sujeto.DatosSujetoDialog(
            m.services, m.rfc, m.rfc
        ),
        "informativa.sisub_complementario.ComplementarioDialog": lambda m: (
            sisub_complementario.ComplementarioDialog(_sisub_presentado(m))
        ),
        "informativa.sisub_trabajador.AgregarTrabajadorSisubDialog": lambda m: (
            sisub_trabajador.AgregarTrabajadorSisubDialog(m.services, m.rfc, *_sisub(m))
        ),
        "icsoe.registro_repse.RegistroRepseDialog": lambda m: registro_repse.RegistroRepseDialog(
            m.services, m.rfc, m.rfc
        ),
        "evidencias.tablero.EvidenciasTableroDialog": lambda m: (
            evidencias_tablero.EvidenciasTableroDialog(m.services, ADMIN)
        ),
        "evidencias.adjuntar.AdjuntarEvidenciaDialog": lambda m: (
            evidencias_adjuntar.AdjuntarEvidenciaDialog(
                m.services,
                ADMIN,
                [(Mes(2026, 10), "oct 2026"), (Mes(2026, 9), "sep 2026")],
                [(m.rfc, "Cliente de prueba")],
            )
        ),
        "nomina.recibos.RecibosNominaDialog": lambda m: recibos_nomina.RecibosNominaDialog(
            m.services, ADMIN
        ),
        "nomina.salarios.SalariosNoAvisadosDialog": lambda m: (
            salarios_nomina.SalariosNoAvisadosDialog(Periodo(2026, 2), _salarios())
        ),
        "informativa.verificar.VerificarConstanciaDialog": lambda m: (
            verificar_constancia.VerificarConstanciaDialog(m.services)
        ),
        "ventana_principal.VentanaPrincipal": lambda m: ventana_principal.VentanaPrincipal(
            m.services, ADMIN, "Ana Ruiz"
        ),
    }


# Widgets that live inside a window above (walked with it), never on screen by themselves.
PARTS = {
    "configuracion.inicial._StepPage": "configuracion.inicial.ConfiguracionInicialWizard",
    "configuracion.inicial._EmpresaPage": "configuracion.inicial.ConfiguracionInicialWizard",
    "configuracion.inicial._SelloTiempoPage": "configuracion.inicial.ConfiguracionInicialWizard",
    "configuracion.pagina_codigo.CodigoPage": "configuracion.inicial.ConfiguracionInicialWizard",
    "informativa.contrato._TextoCorrido": "informativa.contrato.ContratoDialog",
    "kit.fecha_edit.FechaEdit": "movimientos.corregir.CorregirMovimientoDialog",
    "kit.caja_buscar.CajaBuscar": "ventana_principal.VentanaPrincipal",
    "kit.widgets.EtiquetaRecortable": "ventana_principal.VentanaPrincipal",
    "kit.asistente_importacion.ListaDeCampos": "kit.asistente_importacion.AsistenteImportacionDialog",
    "icsoe.alta_usuario.IcsoeAltaUsuarioPage": "icsoe.contratista.IcsoeContratistaWindow",
    "icsoe.registro_repse._ElegirPdf": "icsoe.registro_repse.RegistroRepseDialog",
    "icsoe.consulta.IcsoeConsultaPage": "icsoe.contratista.IcsoeContratistaWindow",
    "icsoe.datos_generales.IcsoeDatosGeneralesPage": "icsoe.contratista.IcsoeContratistaWindow",
    "informativa.inicio.InformativasInicio": "icsoe.capturista.IcsoeCapturistaWindow",
    "movimientos.lotes.LotesPanel": "ventana_principal.VentanaPrincipal",
    "manual._Pagina": "manual.ManualWindow",
    "movimientos.ventana.MovimientosIdse": "ventana_principal.VentanaPrincipal",
    "empresas.selector.EmpresaSelector": "idse.login.IdseLoginWindow",
    "informativa.aviso_repse.AvisoRepse": "ventana_principal.VentanaPrincipal",
    "informativa.seccion_tablero.Seccion": "informativa.vencimientos.VencimientosDialog",
    "informativa.vencimientos_repse.RegistrosRepse": "informativa.vencimientos.VencimientosDialog",
    "informativa.vencimientos_sisub.SisubPendientes": "informativa.vencimientos.VencimientosDialog",
    "informativa.vencimientos_evidencias.EvidenciasPendientes": (
        "informativa.vencimientos.VencimientosDialog"
    ),
}


def app_widget_classes() -> set[str]:
    import icsoe_desktop.gui as gui

    found: set[str] = set()
    for info in pkgutil.walk_packages(gui.__path__, gui.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, QWidget)
                and value.__module__ == module.__name__
            ):
                found.add(f"{info.name.removeprefix(gui.__name__ + '.')}.{name}")
    return found


def plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip(" .…").lower()


def states(window: QWidget) -> Iterator[str]:
    """Each page a clerk can bring up, made current in turn."""
    yield "al abrir"
    from icsoe_desktop.gui.idse.login import IdseLoginWindow

    if isinstance(window, IdseLoginWindow):
        window.solo_consulta.setChecked(True)  # no credentials, only the empresas allowed
        yield "sólo consulta"
        window.solo_consulta.setChecked(False)
    if isinstance(window, QWizard):
        # Reached with Siguiente, every step but the first shows «< Atrás» too.
        window.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, False)
        for page_id in window.pageIds():
            window.setStartId(page_id)
            window.restart()
            yield f"paso {window.currentPage().objectName()}"
        return
    for bar in window.findChildren(QTabBar):
        if bar.isVisible() and not isinstance(bar.parentWidget(), QTabWidget):
            for index in range(bar.count()):
                bar.setCurrentIndex(index)
                yield f"pestaña «{plain(bar.tabText(index))}»"
    for stack in window.findChildren(QStackedWidget):
        if not stack.isVisible():
            continue
        owner = stack.parentWidget()
        for index in range(stack.count()):
            if isinstance(owner, QTabWidget):
                owner.setCurrentIndex(index)
            else:
                stack.setCurrentIndex(index)
            yield f"{stack.objectName() or 'páginas'}[{stack.currentWidget().objectName()}]"


def colocar(window: QWidget) -> None:
    """On screen as the app puts it: a main window sized to its contents and centred (dialogs
    place themselves)."""
    if window.isWindow() and not isinstance(window, QDialog | QMessageBox):
        if not window.testAttribute(Qt.WidgetAttribute.WA_Resized):
            window.adjustSize()
        centrar(window)
    window.show()
    QApplication.processEvents()
