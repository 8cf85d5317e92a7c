"""Where each window of ``gui/`` is told in the Manual de usuario (docs/manual/): the chapter and,
in a long chapter, the heading. Plain data, shared by the F1 hook (gui/ayuda.py) and the manual
window (gui/manual.py)."""

from __future__ import annotations

from typing import NamedTuple

INDICE = "00_indice.md"
SI_ALGO_SALE_MAL = "12_si_algo_sale_mal.md"


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
    "configuracion.inicial.ConfiguracionInicialWizard": Capitulo(
        "01_primer_uso.md", "Configuración inicial"
    ),
    "configuracion.pagina_codigo.CodigoPage": Capitulo(
        "10_respaldo.md", "Cifrado y código de recuperación"
    ),
    "codigo_recuperacion.CodigoRecuperacionDialog": Capitulo(
        "10_respaldo.md", "Cifrado y código de recuperación"
    ),
    "empresas.codigo_respaldo.CodigoRespaldoDialog": Capitulo("10_respaldo.md", "Restaurar"),
    "empresas.registros_patronales.RegistrosPatronalesDialog": Capitulo(
        "01_primer_uso.md", "Registros patronales"
    ),
    "configuracion.correo.ConfiguracionCorreoDialog": Capitulo(
        "01_primer_uso.md", "Correo saliente"
    ),
    # Acceso a IDSE
    "idse.login.IdseLoginWindow": Capitulo("02_acceso_idse.md"),
    "idse.usuarios.IdseUsuariosDialog": Capitulo("02_acceso_idse.md", "Regístrate aquí"),
    "aviso_privacidad.AvisoPrivacidadDialog": Capitulo("02_acceso_idse.md", "Regístrate aquí"),
    "idse.recuperar_contrasena.RecuperarContrasenaDialog": Capitulo(
        "02_acceso_idse.md", "¿Olvidó su contraseña?"
    ),
    "idse.restablecer_contrasena.RestablecerContrasenaDialog": Capitulo(
        "02_acceso_idse.md", "¿Olvidó su contraseña?"
    ),
    "idse.restablecer_por_administrador.RestablecerPorAdministradorDialog": Capitulo(
        "02_acceso_idse.md", "Restablecer la contraseña de otro usuario"
    ),
    # Certificados IMSS
    "certificados.imss.CertificadosImssDialog": Capitulo("03_certificados_imss.md"),
    "certificados.generar_pfx.GenerarPfxDialog": Capitulo(
        "03_certificados_imss.md", "Generar .pfx"
    ),
    "certificados.emisores_confiables.EmisoresConfiablesDialog": Capitulo(
        "03_certificados_imss.md", "Emisores confiables"
    ),
    # Movimientos con IDSE
    "movimientos.ventana.MovimientosIdse": Capitulo("04_movimientos.md"),
    "movimientos.rechazos.RechazosDialog": Capitulo("04_movimientos.md", "Importar movimientos"),
    "kit.asistente_importacion.AsistenteImportacionDialog": Capitulo(
        "04_movimientos.md", "El asistente de importación"
    ),
    "kit.comparar_columnas.CompararColumnasDialog": Capitulo(
        "04_movimientos.md", "El asistente de importación"
    ),
    "movimientos.lotes.LotesPanel": Capitulo("04_movimientos.md", "Lotes"),
    "movimientos.corregir.CorregirMovimientoDialog": Capitulo(
        "04_movimientos.md", "Corregir un movimiento rechazado"
    ),
    # ICSOE: el contratista
    "icsoe.inicio.IcsoeInicioWindow": Capitulo("05_icsoe_contratista.md", "Ingresar a ICSOE"),
    "icsoe.efirma.IcsoeEfirmaDialog": Capitulo(
        "05_icsoe_contratista.md", "Ingresa con firma electrónica"
    ),
    "icsoe.terminos.IcsoeTerminosDialog": Capitulo(
        "05_icsoe_contratista.md", "Términos y Condiciones"
    ),
    "icsoe.datos_generales.IcsoeDatosGeneralesPage": Capitulo(
        "05_icsoe_contratista.md", "Datos generales"
    ),
    "icsoe.contratista.IcsoeContratistaWindow": Capitulo(
        "05_icsoe_contratista.md", "La ventana del contratista"
    ),
    "icsoe.alta_usuario.IcsoeAltaUsuarioPage": Capitulo(
        "05_icsoe_contratista.md", "Alta de usuarios"
    ),
    "icsoe.consulta.IcsoeConsultaPage": Capitulo("05_icsoe_contratista.md", "Consulta"),
    # ICSOE: capturistas
    "icsoe.crear_contrasena.IcsoeCrearContrasenaDialog": Capitulo(
        "06_icsoe_capturistas.md", "Crear contraseña"
    ),
    "icsoe.recuperar.IcsoeRecuperarDialog": Capitulo(
        "06_icsoe_capturistas.md", "¿Olvidaste tu contraseña?"
    ),
    "icsoe.seleccionar_contratista.IcsoeSeleccionarContratistaDialog": Capitulo(
        "06_icsoe_capturistas.md", "Seleccionar contratista"
    ),
    "icsoe.capturista.IcsoeCapturistaWindow": Capitulo(
        "06_icsoe_capturistas.md", "La pantalla del capturista"
    ),
    # ICSOE: la informativa cuatrimestral
    "informativa.inicio.InformativasInicio": Capitulo("07_informativa.md", "Pantalla de inicio"),
    "informativa.nueva.NuevaInformativaDialog": Capitulo("07_informativa.md", "Nueva informativa"),
    "informativa.ventana.InformativaWindow": Capitulo(
        "07_informativa.md", "La ventana de la informativa"
    ),
    "informativa.contrato.ContratoDialog": Capitulo("07_informativa.md", "Contratos"),
    "informativa.contratante.ContratanteDialog": Capitulo("07_informativa.md", "Contratantes"),
    "informativa.copiar_contrato.CopiarContratoDialog": Capitulo(
        "07_informativa.md", "Copiar de otro periodo"
    ),
    "informativa.trabajadores_empresa.TrabajadoresEmpresaDialog": Capitulo(
        "07_informativa.md", "Trabajadores de cada contrato"
    ),
    "informativa.proponer_recibos.ProponerRecibosDialog": Capitulo(
        "07_informativa.md", "Trabajadores de cada contrato"
    ),
    "informativa.problemas.ProblemasImportacionDialog": Capitulo(
        "07_informativa.md", "Trabajadores de cada contrato"
    ),
    "informativa.corregir_trabajador.CorregirTrabajadorDialog": Capitulo(
        "07_informativa.md", "Rechazos del portal"
    ),
    "informativa.firmar.FirmarInformativaDialog": Capitulo("07_informativa.md", "Firmar"),
    "informativa.presentacion.RegistrarPresentacionDialog": Capitulo(
        "07_informativa.md", "Registrar presentación"
    ),
    "informativa.archivo_cliente.ArchivoClienteDialog": Capitulo(
        "07_informativa.md", "Exportar para el cliente"
    ),
    "informativa.vencimientos.VencimientosDialog": Capitulo("07_informativa.md", "Vencimientos"),
    "icsoe.registro_repse.RegistroRepseDialog": Capitulo("07_informativa.md", "El registro REPSE"),
    "evidencias.tablero.EvidenciasTableroDialog": Capitulo(
        "07_informativa.md", "Evidencias del cliente"
    ),
    "evidencias.adjuntar.AdjuntarEvidenciaDialog": Capitulo(
        "07_informativa.md", "Evidencias del cliente"
    ),
    "informativa.vencimientos_repse.RegistrosRepse": Capitulo("07_informativa.md", "Vencimientos"),
    "informativa.vencimientos_evidencias.EvidenciasPendientes": Capitulo(
        "07_informativa.md", "Vencimientos"
    ),
    "informativa.vencimientos_sisub.SisubPendientes": Capitulo("07_informativa.md", "Vencimientos"),
    "informativa.sisub.SisubDialog": Capitulo("08_sisub.md"),
    "informativa.sisub_motivo.MotivoIcsoeDialog": Capitulo("08_sisub.md", "Anotar el motivo"),
    "informativa.sisub_sujeto.DatosSujetoDialog": Capitulo(
        "08_sisub.md", "Datos del sujeto obligado y de los contratos"
    ),
    "informativa.sisub_complementario.ComplementarioDialog": Capitulo(
        "08_sisub.md", "Complementario"
    ),
    "informativa.sisub_trabajador.AgregarTrabajadorSisubDialog": Capitulo(
        "08_sisub.md", "Trabajadores sin recibos"
    ),
    "nomina.recibos.RecibosNominaDialog": Capitulo("07_informativa.md", "Recibos de nómina (CFDI)"),
    "nomina.salarios.SalariosNoAvisadosDialog": Capitulo(
        "07_informativa.md", "Salarios que no se avisaron a IDSE"
    ),
    "informativa.verificar.VerificarConstanciaDialog": Capitulo(
        "07_informativa.md", "Verificar una constancia de firma"
    ),
    # Varias empresas
    "empresas.selector.EmpresaSelector": Capitulo("09_varias_empresas.md", "Elegir la empresa"),
    "empresas.cambiar.CambiarEmpresaDialog": Capitulo(
        "09_varias_empresas.md", "Cambiar de empresa"
    ),
    "empresas.cambiar.NuevaEmpresaDialog": Capitulo("09_varias_empresas.md", "Nueva empresa"),
    "empresas.por_usuario.EmpresasPorUsuarioDialog": Capitulo(
        "09_varias_empresas.md", "Empresas por usuario"
    ),
    "icsoe.elegir_empresa.ElegirEmpresaDialog": Capitulo(
        "09_varias_empresas.md", "Entradas sin usuario de IDSE"
    ),
    # Sincronización
    "sync.configuracion.SincronizacionDialog": Capitulo("11_sincronizacion.md"),
    "sync.conflictos.ConflictosDialog": Capitulo(
        "11_sincronizacion.md", "Conflictos de sincronización"
    ),
}

# Widgets of gui/ that are pieces of a window, never a window: F1 there is their window's.
COMPONENTES = frozenset(
    {
        "kit.fecha_edit.FechaEdit",
        "kit.caja_buscar.CajaBuscar",
        "kit.widgets.EtiquetaRecortable",
        "kit.asistente_importacion.ListaDeCampos",
        "informativa.aviso_repse.AvisoRepse",
        "informativa.seccion_tablero.Seccion",
    }
)
