"""*Registrar presentación* of a SISUB: the INFONAVIT's acuse PDF (from «Seguimiento a folio»)
read by the same bounded reader as the IMSS acuse (only the text its pages show), held to be the
INFONAVIT's acuse of this contratista's RFC and period, folio accepted, filed on the date of its
reception line (domain/sisub/acuse.py); only a report Revisar passes is filed (what the portal
got is what Revisar let export); its folio kept once; the report then «Presentado», read-only,
its contracts kept as filed (domain/sisub/presentados.py),
a late filing recorded (days past the INFONAVIT's deadline, domain/sisub/plazos.py). A change
after it goes in a complementario, filed when the change happens: never late."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO, Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.practica import es_de_practica
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.sisub import presentados
from icsoe_desktop.domain.sisub.acuse import (
    MSG_FECHA_DISTINTA,
    MSG_SIN_FECHA,
    REGLA,
    check_folio,
    cotejar,
    documento,
    faltan,
    fecha_recepcion,
    folio_leido,
    no_rechazado,
    validar_fecha,
)
from icsoe_desktop.domain.sisub.modelo import COMPLEMENTARIO, PRESENTADO
from icsoe_desktop.domain.sisub.plazos import INHABILES_INFONAVIT, Lista, fecha_limite
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse
from icsoe_desktop.services.sisub.reporte import SisubService
from icsoe_desktop.services.sisub.revisar import icsoe_del_periodo
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import SisubReporte

MENSAJES_PDF = {
    "acuse_vacio": "El archivo «{nombre}» está vacío: descarga de nuevo el acuse del INFONAVIT.",
    "acuse_grande": "El archivo «{nombre}» pesa más de 2 MB: no es un acuse del INFONAVIT.",
    "acuse_no_pdf": (
        "El archivo «{nombre}» no es un PDF: elige el acuse que descargaste en «Seguimiento a "
        "folio» del Portal Empresarial del INFONAVIT."
    ),
    "acuse_paginas": "El PDF «{nombre}» tiene demasiadas páginas para ser un acuse del INFONAVIT.",
    "acuse_cifrado": (
        "El PDF «{nombre}» está protegido con contraseña: descárgalo del portal sin protegerlo."
    ),
    "acuse_danado": "El PDF «{nombre}» está dañado o incompleto: descárgalo de nuevo.",
    "acuse_contenido": "El PDF «{nombre}» no parece un acuse del INFONAVIT.",
    "acuse_lento": "El PDF «{nombre}» no se pudo leer en un tiempo razonable.",
    "acuse_cancelado": "Se canceló la lectura de «{nombre}».",
}
MSG_YA_PRESENTADO = "El SISUB ya está presentado con el folio {folio}."
MSG_CAPACITACION = (
    "Éste es un SISUB de capacitación (CAPACITACIÓN — SIN VALIDEZ): no se presenta en el Portal "
    "Empresarial del INFONAVIT ni se registra su presentación."
)
MSG_FOLIO_USADO = "El folio {folio} ya está registrado en el SISUB de {periodo}."
MSG_POR_CORREGIR = (
    "Revisar encuentra {cuantos} en este SISUB ({primero}): sólo se registra como presentado "
    "un SISUB que Revisar deja exportar, el mismo que se sube al Portal Empresarial. Corrígelo, "
    "exporta de nuevo y registra el acuse del folio que presentes con esos archivos."
)
MSG_FECHA_DECLARADA = (
    "El acuse no dice de quién es: al declararlo, escribe la fecha de recepción que muestra "
    "(no se toma de un texto que no dice de quién es)."
)


@dataclass(frozen=True)
class Presentado:
    folio: str
    presentado: datetime  # Central Mexico time
    dias_tarde: int  # 0: on time

    @property
    def texto(self) -> str:
        if self.dias_tarde <= 0:
            return "Presentado"
        dias = "día" if self.dias_tarde == 1 else "días"
        return f"Presentado fuera de plazo ({self.dias_tarde} {dias})"


@dataclass(frozen=True)
class Leido:
    folio: str  # "" when the text does not write one
    fecha: datetime | None  # Central Mexico time, of the labelled reception line
    # What the text does not state of whose it is («el RFC», «el periodo»): the clerk states
    # it (``declarado``) and types the folio and the date.
    faltan: tuple[str, ...] = ()


def dias_tarde(periodo: Periodo, presentado: datetime, inhabiles: Lista | None = None) -> int:
    dia = presentado.astimezone(HORA_DEL_CENTRO).date()
    return max(0, (dia - fecha_limite(periodo, inhabiles)).days)


class SisubPresentacionService(SisubService):
    """``inhabiles``: the INFONAVIT's non-business days a late filing is counted by (the list
    the sync keeps, services/sisub/inhabiles.py; by default the app's)."""

    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        inhabiles: Callable[[], Lista] = lambda: INHABILES_INFONAVIT,
        capacitacion: Callable[[str], bool] = es_de_practica,
        acceso: AccesoContratista | None = None,
    ) -> None:
        super().__init__(store, audit, permisos, clock, acceso=acceso)
        self._inhabiles = inhabiles
        self._capacitacion = capacitacion

    def leer(
        self,
        uuid: str,
        actor: str | None,
        pdf: bytes,
        nombre: str,
        cancelado: Callable[[], bool] | None = None,
    ) -> Leido:
        """What the acuse says of its folio and date, for the clerk to confirm; refused when it
        is not the INFONAVIT's acuse, or another contratista's or period's."""
        with self._store.session() as session:
            row, contratista = self._reporte(session, uuid, actor, accion=Accion.PRESENTAR_SISUB)
            periodo = Periodo.de_clave(row.periodo)
        leido = leer_acuse(pdf, nombre, cancelado, mensajes=MENSAJES_PDF)
        documento(leido.texto, nombre, leido.es_constancia)
        beneficiarios = self._beneficiarios(uuid, actor)
        falta = faltan(leido.texto, contratista.rfc, periodo, beneficiarios)
        no_rechazado(leido.texto)  # a rejected folio refused before a confirmation is asked
        return Leido(folio_leido(leido.texto), fecha_recepcion(leido.texto), tuple(falta))

    def _beneficiarios(self, uuid: str, actor: str | None) -> frozenset[str]:
        contratos = self.reporte(uuid, actor, Accion.PRESENTAR_SISUB).contratos
        return frozenset(c.contratante.rfc for c in contratos)

    @anuncia(ICSOE)
    def registrar(
        self,
        uuid: str,
        actor: str | None,
        pdf: bytes,
        nombre: str,
        folio: str,
        presentado: datetime | None = None,
        declarado: bool = False,
    ) -> Presentado:
        """The report filed on the date the acuse's reception line states (``presentado``,
        aware, may repeat it; it is the date only when the clerk states a scanned acuse:
        ``declarado``, recorded only when the text does not say whose it is)."""
        leido = leer_acuse(pdf, nombre, mensajes=MENSAJES_PDF)
        documento(leido.texto, nombre, leido.es_constancia)
        folio = check_folio(folio)
        texto = leido.texto
        reporte, problemas = self.revision(uuid, actor, Accion.PRESENTAR_SISUB)
        errores = [p for p in problemas if not p.aviso]
        if errores:
            cuantos = (
                "una cosa por corregir"
                if len(errores) == 1
                else f"{len(errores)} cosas por corregir"
            )
            raise ValidationError(
                "sisub_por_corregir",
                MSG_POR_CORREGIR.format(cuantos=cuantos, primero=errores[0].mensaje.rstrip(".")),
            )
        with self._store.session() as session:
            row, contratista = self._reporte(session, uuid, actor, accion=Accion.PRESENTAR_SISUB)
            if row.estado == PRESENTADO:
                raise ValidationError("sisub_presentado", MSG_YA_PRESENTADO.format(folio=row.folio))
            if self._capacitacion(contratista.rfc):
                raise ValidationError("capacitacion_no_se_presenta", MSG_CAPACITACION)
            periodo = Periodo.de_clave(row.periodo)
            contratos = reporte.contratos
            beneficiarios = frozenset(c.contratante.rfc for c in contratos)
            falta = cotejar(
                texto, contratista.rfc, periodo, folio, beneficiarios, declarado, leido.oculto
            )
            cuando = self._cuando(texto, presentado, bool(falta))
            validar_fecha(cuando, periodo, self._clock().replace(tzinfo=UTC))
            otro = session.scalar(
                select(SisubReporte.periodo).where(
                    SisubReporte.folio == folio,
                    SisubReporte.id != row.id,
                    SisubReporte.deleted.is_(False),
                )
            )
            if otro is not None:
                raise ValidationError(
                    "folio_usado",
                    MSG_FOLIO_USADO.format(folio=folio, periodo=Periodo.de_clave(otro).texto),
                    "folio",
                )
            row.estado = PRESENTADO
            row.folio = folio
            row.presentado_at = _utc(cuando)
            row.acuse_pdf = pdf
            row.acuse_sha256 = hashlib.sha256(pdf).hexdigest()
            row.acuse_regla, row.acuse_declarado = REGLA, bool(falta)
            row.contratos_presentados = presentados.a_texto(
                contratos, icsoe_del_periodo(session, contratista.id, periodo)
            )
            hecho = Presentado(folio, cuando, self._dias_tarde(row, periodo, cuando))
            self._audit.record(
                session,
                actor,
                "sisub_presentado",
                f"{contratista.rfc} {periodo.clave}",
                f"folio {folio}, {hecho.texto.lower()}"
                + (", acuse sin RFC o periodo: declarado por quien lo registró" if falta else ""),
            )
            return hecho

    def _cuando(self, texto: str, escrita: datetime | None, declarado: bool) -> datetime:
        """The filing's date: the acuse's reception line's; the typed one only for an acuse
        whose text does not say whose it is (stated by the clerk, never read from it)."""
        leida = None if declarado else fecha_recepcion(texto)
        if leida is None and (declarado or not texto.strip()):
            if escrita is None:
                raise ValidationError("fecha_requerida", MSG_FECHA_DECLARADA, "fecha")
            return escrita.astimezone(HORA_DEL_CENTRO)
        if leida is None:
            raise ValidationError("acuse_sin_fecha", MSG_SIN_FECHA, "fecha")
        if escrita is not None and escrita.replace(microsecond=0) != leida:
            formato = "%d/%m/%Y %H:%M:%S"
            raise ValidationError(
                "fecha_distinta_del_acuse",
                MSG_FECHA_DISTINTA.format(
                    escrita=escrita.astimezone(HORA_DEL_CENTRO).strftime(formato),
                    leida=leida.strftime(formato),
                ),
                "fecha",
            )
        return leida

    def presentado(self, uuid: str, actor: str | None) -> Presentado | None:
        with self._store.session() as session:
            row, _ = self._reporte(session, uuid, actor, accion=Accion.CONSULTAR)
            if row.estado != PRESENTADO or row.presentado_at is None:
                return None
            cuando = hora_del_centro(row.presentado_at)
            periodo = Periodo.de_clave(row.periodo)
            return Presentado(row.folio, cuando, self._dias_tarde(row, periodo, cuando))

    def _dias_tarde(self, row: SisubReporte, periodo: Periodo, cuando: datetime) -> int:
        """A complementario answers a change of a report already filed, when it happens: the
        period's deadline does not apply to it."""
        if row.tipo == COMPLEMENTARIO:
            return 0
        return dias_tarde(periodo, cuando, self._inhabiles())

    def acuse(self, uuid: str, actor: str | None) -> bytes:
        with self._store.session() as session:
            row, _ = self._reporte(session, uuid, actor, accion=Accion.CONSULTAR)
            return bytes(row.acuse_pdf or b"")


def _utc(cuando: datetime) -> datetime:
    return cuando.astimezone(UTC).replace(tzinfo=None)
