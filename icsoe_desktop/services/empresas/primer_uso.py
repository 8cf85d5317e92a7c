"""Configuración inicial: what a new company still has to set up, step by step.

A step is done when the data it asks for is there (an empresa, a registro patronal, outgoing
mail, a certificate for every registro, the installation's time-stamp server, a sync server);
the user may skip a step and come back to it later. Skipped steps stay pending in the main
window. The time-stamp server and the sync server are optional: nothing is pending there and
the assistant may end without them, but the time-stamp step says what going without one
means (every signing date unproven: «fecha de firma no probada»)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import cambios
from icsoe_desktop.domain.cambios import anuncia
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.domain.practica import RFC_PRACTICA, es_de_practica
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.empresas.registros import check_razon_social
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import Empresa

EMPRESA, REGISTROS, CORREO, CERTIFICADOS, SELLO_TIEMPO, SINCRONIZACION = (
    "empresa",
    "registros",
    "correo",
    "certificados",
    "sello_tiempo",
    "sincronizacion",
)
TITULOS = {
    EMPRESA: "Datos de la empresa",
    REGISTROS: "Registros patronales",
    CORREO: "Correo saliente",
    CERTIFICADOS: "Certificados IMSS",
    SELLO_TIEMPO: "Servidor de sellos de tiempo (TSA)",
    SINCRONIZACION: "Servidor de sincronización (opcional)",
}
OPCIONALES = frozenset({SELLO_TIEMPO, SINCRONIZACION})

# What going without a time-stamp server means, said while the step is not done.
SIN_SELLO_TIEMPO = (
    "Sin él, la fecha de firma de cada informativa es sólo la del reloj de la computadora: no "
    "queda probada, y cada informativa presentada dirá «fecha de firma no probada» (también "
    "en el Excel para el cliente), nunca que se presentó a tiempo."
)
SELLO_SIN_AUTORIDAD = (
    " Falta confiar en su autoridad: agrega su certificado raíz en Emisores confiables con el "
    "uso «sello de tiempo»; mientras no esté, la fecha de firma sigue sin probarse."
)


@dataclass(frozen=True)
class DatosEmpresa:
    rfc: str
    razon_social: str


@dataclass(frozen=True)
class Paso:
    clave: str
    hecho: bool
    omitido: bool
    detalle: str  # what is there, or what is missing

    @property
    def titulo(self) -> str:
        return TITULOS[self.clave]

    @property
    def opcional(self) -> bool:
        return self.clave in OPCIONALES

    @property
    def pendiente(self) -> bool:
        """Shown as pending in the main window: a required step not done (skipped or not)."""
        return not self.hecho and not self.opcional


MSG_PRACTICA = (
    "Ésta es la empresa de práctica (CAPACITACIÓN — SIN VALIDEZ): conserva su RFC. Captura los "
    "datos de tu empresa en la tuya: elígela en «Empresa» al ingresar o en Archivo › Cambiar de "
    "empresa."
)
MSG_RFC_DE_PRACTICA = (
    f"El RFC {RFC_PRACTICA} es el de la empresa de práctica: una empresa real no puede usarlo."
)


class PrimerUsoService:
    """``estado_*`` callables read the other services (registros, mail, certificates, sync)
    so this one holds no copy of their data."""

    def __init__(
        self,
        store: Store,
        audit: AuditService,
        registros: Callable[[], int],
        correo: Callable[[], str],
        certificados_pendientes: Callable[[], list[str]],
        servidor: Callable[[], str],
        permisos: Permisos,
        sello_tiempo: Callable[[], str] = str,
        autoridades_sello: Callable[[], int] = int,
    ) -> None:
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self._registros = registros
        self._correo = correo
        self._certificados_pendientes = certificados_pendientes
        self._servidor = servidor
        # The installation's time-stamp server, and how many time-stamp authorities it trusts.
        self._sello_tiempo = sello_tiempo
        self._autoridades_sello = autoridades_sello

    # --- empresa -------------------------------------------------------------------------------

    def empresa(self) -> DatosEmpresa:
        with self._store.session() as session:
            row = session.scalar(select(Empresa))
            return DatosEmpresa(row.rfc, row.razon_social) if row else DatosEmpresa("", "")

    @anuncia(cambios.EMPRESA)
    def guardar_empresa(self, rfc: str, razon_social: str, actor: str | None) -> DatosEmpresa:
        self._permisos.exigir(actor, Accion.DATOS_EMPRESA, rfc)
        rfc = check_rfc(rfc)
        razon = check_razon_social(razon_social, "Captura la razón social de la empresa.")
        with self._store.session() as session:
            row = self._row(session)
            if es_de_practica(row.rfc) != es_de_practica(rfc):
                # Its data would turn real (or a real empresa's into training).
                raise ValidationError(
                    "empresa_de_practica",
                    MSG_PRACTICA if es_de_practica(row.rfc) else MSG_RFC_DE_PRACTICA,
                    "rfc",
                )
            row.rfc, row.razon_social = rfc, razon
            self._audit.record(session, actor, "empresa_datos", rfc)
        return DatosEmpresa(rfc, razon)

    # --- steps ---------------------------------------------------------------------------------

    def pasos(self) -> list[Paso]:
        with self._store.session() as session:
            row = session.scalar(select(Empresa))
            omitidos = set(filter(None, (row.pasos_omitidos if row else "").split(",")))
            empresa = DatosEmpresa(row.rfc, row.razon_social) if row else DatosEmpresa("", "")
        registros = self._registros()
        sin_certificado = self._certificados_pendientes()
        correo = self._correo()
        servidor = self._servidor()
        sello = self._sello_tiempo()
        estados = {
            EMPRESA: (
                bool(empresa.rfc),
                f"{empresa.razon_social} (RFC {empresa.rfc})"
                if empresa.rfc
                else "Captura el RFC y la razón social.",
            ),
            REGISTROS: (
                registros > 0,
                plural(registros, "registro patronal", "registros patronales")
                if registros
                else "Agrega al menos un registro patronal.",
            ),
            CORREO: (
                bool(correo),
                f"Sale por {correo}."
                if correo
                else "Sin él no llegan los códigos para recuperar contraseñas.",
            ),
            CERTIFICADOS: (
                registros > 0 and not sin_certificado,
                "Todos los registros tienen certificado."
                if registros and not sin_certificado
                else (
                    "Sin certificado: " + ", ".join(sin_certificado)
                    if sin_certificado
                    else "Primero agrega los registros patronales."
                ),
            ),
            SELLO_TIEMPO: (
                bool(sello),
                f"Sellos de tiempo de {sello}."
                + ("" if self._autoridades_sello() else SELLO_SIN_AUTORIDAD)
                if sello
                else SIN_SELLO_TIEMPO,
            ),
            SINCRONIZACION: (
                bool(servidor),
                f"Servidor: {servidor}" if servidor else "Sólo si la empresa usa un servidor.",
            ),
        }
        return [
            Paso(clave, hecho, clave in omitidos, detalle)
            for clave, (hecho, detalle) in estados.items()
        ]

    def pendientes(self) -> list[Paso]:
        return [p for p in self.pasos() if p.pendiente]

    def debe_abrirse(self) -> bool:
        """Open the assistant by itself after sign-in: a required step is left that was not
        skipped."""
        return any(p.pendiente and not p.omitido for p in self.pasos())

    def omitir(self, clave: str, omitido: bool = True) -> None:
        if clave not in TITULOS:
            raise ValueError(clave)
        with self._store.session() as session:
            row = self._row(session)
            pasos = set(filter(None, row.pasos_omitidos.split(",")))
            pasos = pasos | {clave} if omitido else pasos - {clave}
            row.pasos_omitidos = ",".join(sorted(pasos))

    @staticmethod
    def _row(session: Session) -> Empresa:
        row = session.scalar(select(Empresa))
        if row is None:
            row = Empresa(rfc="", razon_social="", pasos_omitidos="")
            session.add(row)
        return row
