"""Who may do what: the role matrix (docs/ARCHITECTURE.md «Roles»).

One table, read by the services that enforce it (services/acceso/permisos.py) and by the windows that
only mirror it (a menu greyed out for a role is never the check itself).
"""

from __future__ import annotations

from enum import StrEnum


class Rol(StrEnum):
    ADMINISTRADOR = "administrador"
    USUARIO_IDSE = "usuario IDSE"
    SOLO_CONSULTA = "sólo consulta"
    CONTRATISTA = "contratista"
    CAPTURISTA = "capturista"
    # An operator of this machine (python -m icsoe_desktop …): it holds the data folder anyway.
    LINEA_DE_COMANDOS = "línea de comandos"


# The actor the command line names itself with (audited as such).
CLI_ACTOR = "línea de comandos"


class Accion(StrEnum):
    """A protected action; its value completes «Sólo … puede …» in a refusal."""

    HABILITAR_USUARIOS = "habilitar o deshabilitar usuarios"
    ADMINISTRADORES = "asignar o retirar administradores"
    CONTRASENA_DE_OTRO = "restablecer la contraseña de otro usuario"
    CORREO_SALIENTE = "cambiar la configuración del correo saliente"
    EMISORES_CONFIABLES = "agregar o quitar emisores confiables"
    SINCRONIZACION = "configurar el servidor de sincronización"
    RESPALDAR = "respaldar la empresa"
    RESTAURAR = "restaurar un respaldo"
    CREAR_EMPRESAS = "crear empresas"
    CONCEDER_EMPRESAS = "conceder o retirar empresas"
    PERMITIR_SOLO_CONSULTA = "cambiar el modo sólo consulta"
    MODO_CAPACITACION = "activar o desactivar el modo de capacitación"
    SELLO_DE_TIEMPO = "configurar el servidor de sellos de tiempo"
    PREPARAR_CAPACITACION = "preparar la práctica de capacitación"
    CODIGOS_POSTALES = "cargar el catálogo de códigos postales"
    REGISTROS_PATRONALES = "dar de alta, modificar o eliminar registros patronales"
    CERTIFICADOS = "asignar o eliminar certificados IMSS"
    IMPORTAR_MOVIMIENTOS = "importar movimientos"
    CORREGIR_MOVIMIENTOS = "corregir movimientos"
    GENERAR_LOTES = "generar lotes IDSE"
    RESULTADO_LOTES = "importar el resultado de un lote"
    CONFLICTOS = "resolver conflictos de sincronización"
    DATOS_EMPRESA = "guardar los datos de la empresa"
    CAPTURAR_INFORMATIVA = "capturar la informativa ICSOE"
    FIRMAR_INFORMATIVA = "firmar la informativa ICSOE"
    RECHAZOS_PORTAL = "importar los rechazos del portal del IMSS"
    REGISTRAR_PRESENTACION = "registrar la presentación de la informativa ICSOE"
    ARCHIVO_CLIENTE = "exportar el archivo de la informativa ICSOE para el cliente"
    PREPARAR_SISUB = "preparar el SISUB del INFONAVIT"
    PRESENTAR_SISUB = "exportar y presentar el SISUB del INFONAVIT"
    ACTUALIZAR = "instalar la versión nueva de icsoe-desktop"
    IMPORTAR_NOMINA = "importar recibos de nómina (CFDI)"
    RECIBOS_NOMINA = "consultar los recibos de nómina"
    IMPORTES_NOMINA = "ver los importes de los recibos de nómina"
    REGISTRO_REPSE = "registrar o renovar el registro REPSE"
    EVIDENCIAS = "adjuntar o exportar la evidencia mensual del cliente"
    CODIGO_RECUPERACION = "ver el código de recuperación de las bases de datos"
    # Any call of an empresa's services, reads too (services/acceso/puerta.py): every role may,
    # an IDSE user only while it holds the empresa's grant and is enabled.
    CONSULTAR = "consultar o exportar los datos de la empresa"


_A, _U, _L = Rol.ADMINISTRADOR, Rol.USUARIO_IDSE, Rol.LINEA_DE_COMANDOS
_ADMIN = frozenset({_A, _L})
_IDSE = frozenset({_A, _U, _L})

PERMISOS: dict[Accion, frozenset[Rol]] = {
    Accion.HABILITAR_USUARIOS: _ADMIN,
    Accion.ADMINISTRADORES: _ADMIN,
    Accion.CONTRASENA_DE_OTRO: _ADMIN,
    Accion.CORREO_SALIENTE: _ADMIN,
    Accion.EMISORES_CONFIABLES: _ADMIN,
    Accion.SINCRONIZACION: _ADMIN,
    # A backup holds every user's password hash and every NSS/CURP of the empresa.
    Accion.RESPALDAR: _ADMIN,
    Accion.RESTAURAR: _ADMIN,
    Accion.CREAR_EMPRESAS: _ADMIN,
    Accion.CONCEDER_EMPRESAS: _ADMIN,
    Accion.PERMITIR_SOLO_CONSULTA: _ADMIN,
    # The SAT's test authorities trusted on this installation: an e.firma de pruebas is then
    # accepted everywhere, so only who administers the installation decides it.
    Accion.MODO_CAPACITACION: _ADMIN,
    # Every constancia signed here asks that server for its time: the installation's choice.
    Accion.SELLO_DE_TIEMPO: _ADMIN,
    # A practice authority in this desktop's trust and a practice empresa in the catalog.
    Accion.PREPARAR_CAPACITACION: _ADMIN,
    # The installation's catalogue, which its sync sends to the company's server for every
    # desktop of the company to receive.
    Accion.CODIGOS_POSTALES: _ADMIN,
    Accion.REGISTROS_PATRONALES: _IDSE,
    Accion.CERTIFICADOS: _IDSE,
    Accion.IMPORTAR_MOVIMIENTOS: _IDSE,
    Accion.CORREGIR_MOVIMIENTOS: _IDSE,
    # A lote marks its movimientos enviado and names who generated it.
    Accion.GENERAR_LOTES: _IDSE,
    Accion.RESULTADO_LOTES: _IDSE,
    Accion.CONFLICTOS: _IDSE,
    Accion.DATOS_EMPRESA: _IDSE,
    # The contratista's informativa: its capturistas capture it (for the contratistas they are
    # active with: checked by the informativa services), the command line validates and exports.
    Accion.CAPTURAR_INFORMATIVA: frozenset({Rol.CONTRATISTA, Rol.CAPTURISTA, _L}),
    # Signed with the contratista's own e.firma, by the contratista alone.
    Accion.FIRMAR_INFORMATIVA: frozenset({Rol.CONTRATISTA}),
    # The portal's file of rejected workers: whoever captures on the portal receives it (the
    # marks change no signed data, only show what to correct).
    Accion.RECHAZOS_PORTAL: frozenset({Rol.CONTRATISTA, Rol.CAPTURISTA, _L}),
    # The IMSS acuse de presentación, filed on the portal with the company's e.firma: the
    # contratista or who administers its empresa registers it; the same ones hand the acuses,
    # the constancia and the workers' list to a client.
    Accion.REGISTRAR_PRESENTACION: frozenset({Rol.CONTRATISTA, _A, _L}),
    Accion.ARCHIVO_CLIENTE: frozenset({Rol.CONTRATISTA, _A, _L}),
    # The INFONAVIT's SISUB of the same contracts: prepared as the informativa is captured,
    # with the amounts the SISUB asks (proposed from the receipts).
    Accion.PREPARAR_SISUB: frozenset({Rol.CONTRATISTA, Rol.CAPTURISTA, _L}),
    # Its files and its acuse, as the ICSOE's presentación: the contratista or who
    # administers its empresa.
    Accion.PRESENTAR_SISUB: frozenset({Rol.CONTRATISTA, _A, _L}),
    # The installer IT published on the company's server, checked against its SHA-256: the
    # office's own staff installs it (a guest's consultation or an ICSOE session does not).
    Accion.ACTUALIZAR: _IDSE,
    # The payroll's receipts: who runs the payroll brings them in; their salaries are seen by
    # the same staff, never by a guest's consultation (it lists the receipts without amounts).
    Accion.IMPORTAR_NOMINA: _IDSE,
    # The receipts themselves (NSS, CURP, name, period, clients): every role; sólo consulta
    # only in an empresa whose administrator leaves them shown to it (SEGUN_LA_EMPRESA).
    Accion.RECIBOS_NOMINA: frozenset(Rol),
    Accion.IMPORTES_NOMINA: _IDSE,
    # The contratista's registration with the STPS, and the services it authorised, which
    # every contract must be one of: the contratista or who administers its empresa.
    Accion.REGISTRO_REPSE: frozenset({Rol.CONTRATISTA, _A, _L}),
    # The month's declarations and payments attached, and the client's pack, which carries
    # the receipts' XML (salaries): the staff who import and see the receipts.
    Accion.EVIDENCIAS: _IDSE,
    # It opens every store of the installation without the keyring: who administers it.
    Accion.CODIGO_RECUPERACION: _ADMIN,
    Accion.CONSULTAR: frozenset(Rol),
}


# (role, action) allowed by the matrix that each empresa's administrator may still withhold
# (services/acceso/permisos.py asks the empresa at each call; a refusal is audited).
SEGUN_LA_EMPRESA: frozenset[tuple[Rol, Accion]] = frozenset(
    {(Rol.SOLO_CONSULTA, Accion.RECIBOS_NOMINA)}
)


def permite(rol: Rol, accion: Accion) -> bool:
    return rol in PERMISOS[accion]


def tabla_markdown() -> str:
    """The matrix as docs/ARCHITECTURE.md shows it (a test keeps the two equal)."""
    roles = list(Rol)
    lines = [
        "| acción | " + " | ".join(roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for accion in Accion:
        marks = (
            ("según la empresa" if (rol, accion) in SEGUN_LA_EMPRESA else "sí")
            if permite(rol, accion)
            else "no"
            for rol in roles
        )
        lines.append(f"| {accion} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


__all__ = [
    "CLI_ACTOR",
    "PERMISOS",
    "SEGUN_LA_EMPRESA",
    "Accion",
    "Rol",
    "permite",
    "tabla_markdown",
]
