"""A stored IMSS acuse de presentación held, wherever it goes (the client's archive, a backup, a
restore, a sync push or pull), to what *Registrar presentación* held it to: its bytes the ones
registered (its SHA-256), and its text read again, bounded as when it was chosen
(``acuse_pdf.leer_acuse``), as this informativa's acuse (``acuse_imss.cotejar``: the
contratista's RFC, the period, the tipo), with the folio and the date registered. The SHA-256
kept beside the blob proves nothing to whoever can write both; the reading does: another
contratista's acuse, or another folio's, never passes for this one. What a registration the
clerk declared does not state (a scanned acuse) is not asked of it again; a folio or date the
clerk corrected is held to what the correction recorded the acuse states. The reading is today's
``presentar`` reading (look-alike letters and unreadable RFC labels refused, only the text a page
shows); the allowance of the reading when any RFC of the text counted is kept only for the rows
registered under it (``acuse_imss_regla`` 0)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_corregido import Corregido
from icsoe_desktop.domain.informativa.acuse_imss import (
    FALTA_RFC,
    REGLA,
    AcuseAjeno,
    cotejar,
    partes,
)
from icsoe_desktop.domain.informativa.firmada import descongelar
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.informativa.presentacion import (
    acuse_alterado,
    proponer,
    tipo_por_folio,
)
from icsoe_desktop.domain.texts import enumerar

NO_COINCIDE = "su acuse de presentación del IMSS no es el que se registró (su SHA-256 no coincide)"
ILEGIBLE = "su acuse de presentación del IMSS no es un PDF legible"
ES_CONSTANCIA = "su acuse de presentación del IMSS es una constancia de firma, no el acuse"
AJENO = "su acuse de presentación del IMSS no es de esta informativa: {razon}"
NO_DICE = "su acuse de presentación del IMSS no dice {faltan}, y no se registró como declarado"
OTRO_FOLIO = (
    "su acuse de presentación del IMSS es del folio {leido}, no del folio {folio} registrado"
)
OTRA_FECHA = (
    "su acuse de presentación del IMSS es del {leida}, no de la fecha de presentación "
    "registrada ({registrada})"
)


@dataclass(frozen=True)
class Registrada:
    """A Presentada informativa as its row keeps it: whose, and what was registered."""

    rfc: str
    periodo: str  # its clave
    tipo: str
    contratantes: frozenset[str]  # the RFCs of its contratantes, as signed
    folio: str
    presentada: datetime | None  # naive UTC
    declarado: bool  # the clerk stated it is this informativa's acuse
    nombre: str = ""  # the contratista's, for the messages
    corregido: Corregido = field(
        default_factory=Corregido
    )  # what the acuse states of what the clerk corrected
    # The reading the registro passed (acuse_imss.REGLA): one before today's keeps its allowance.
    regla: int = REGLA


def contratantes(cabecera: bytes | None, congelada: bytes | None) -> frozenset[str]:
    """The contratantes' RFCs of a signed informativa, from its header copy (a few KB) or,
    without one, its whole copy; none when neither can be read (then any RFC of a contract
    line counts as a stranger's: refused, never let through)."""
    for copia in (cabecera, congelada):
        if copia:
            try:
                inf = descongelar(copia).informativa
            except (ValidationError, ValueError):
                continue
            return frozenset(c.contratante.rfc for c in inf.contratos)
    return frozenset()


def acuse_ajeno(acuse: bytes | None, sha256: str, registrada: Registrada) -> str:
    """Why the stored ``acuse`` is not the one registered for ``registrada`` (Spanish, for a
    message that names the informativa first), or ""."""
    from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse

    if acuse is None and not sha256:
        return ""  # not presented, or presented before the acuse was kept
    if acuse is None or acuse_alterado(acuse, (sha256 or "").lower()):
        return NO_COINCIDE
    try:
        leido = leer_acuse(acuse, "acuse")
    except ValidationError:
        return ILEGIBLE
    if leido.es_constancia:
        return ES_CONSTANCIA
    texto = leido.texto
    propuesta = proponer(texto, [], registrada.tipo)
    leidas = partes(texto)
    try:
        periodo = Periodo.de_clave(registrada.periodo)
        faltan = cotejar(
            leidas,
            registrada.rfc,
            registrada.nombre or registrada.rfc,
            periodo,
            registrada.tipo,
            registrada.contratantes,
            tipo_por_folio(texto, propuesta.folio),
        )
    except AcuseAjeno as ajeno:
        return AJENO.format(razon=ajeno.razon)
    except ValueError:  # a period clave the app never wrote: nothing to hold it to
        return AJENO.format(razon=f"el periodo {registrada.periodo} no es válido")
    if (
        registrada.regla < REGLA
        and faltan == (FALTA_RFC,)
        and registrada.rfc in leidas.rfcs
        and propuesta.folio
    ):
        # Its RFC shown, but not on a line that says whose: a registro of the reading when any
        # RFC of the text counted keeps that reading (its folio, held to the registered one
        # below, says which it is); one registered since is held to today's.
        faltan = ()
    if faltan and not registrada.declarado:
        return NO_DICE.format(faltan=enumerar(list(faltan), "ni"))
    corregido = registrada.corregido
    if (
        propuesta.folio
        and registrada.folio
        and propuesta.folio not in (registrada.folio, corregido.folio)
    ):
        return OTRO_FOLIO.format(leido=propuesta.folio, folio=registrada.folio)
    if propuesta.presentada and registrada.presentada is not None:
        guardada = registrada.presentada.replace(tzinfo=UTC)
        if propuesta.presentada not in (guardada, corregido.presentada):
            formato = "%d/%m/%Y %H:%M:%S"
            return OTRA_FECHA.format(
                leida=propuesta.presentada.astimezone(HORA_DEL_CENTRO).strftime(formato),
                registrada=guardada.astimezone(HORA_DEL_CENTRO).strftime(formato),
            )
    return ""


__all__ = ["Registrada", "acuse_ajeno", "contratantes"]
