"""The contratista's REPSE registration (Registro de Prestadoras de Servicios Especializados u
Obras Especializadas, STPS): its aviso (folio), the services or works it authorised, and its
term. A registration lasts three years; its renewal is asked in the STPS's calendar by month of
grant (DOF 21/02/2024): the three calendar months before the grant month of its third year. After
that window the STPS disables the renewal and the registration is cancelled when it ends
(reference: icsoe-informativa.md, «Related, not the same»)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.texts import check_caracteres

VIGENCIA_ANIOS = 3
MESES_RENOVACION = 3
MAX_AVISO = 40
MAX_SERVICIO = 1000
MAX_SERVICIOS = 50
_AVISO = re.compile(r"[A-Z0-9ÑÁÉÍÓÚ/.\- ]+")

# Where a registration stands on a given day.
VIGENTE = "vigente"
EN_RENOVACION = "en_renovacion"  # within its renewal window, not asked yet
RENOVACION_SOLICITADA = "renovacion_solicitada"
PLAZO_VENCIDO = "plazo_vencido"  # its window closed unasked: it is cancelled when it ends
VENCIDO = "vencido"
ESTADOS = {
    VIGENTE: "Vigente",
    EN_RENOVACION: "Renovación por solicitar",
    RENOVACION_SOLICITADA: "Renovación solicitada",
    PLAZO_VENCIDO: "Plazo de renovación vencido",
    VENCIDO: "Vencido",
}
# The states told in red: the registration is lost or about to be.
EN_ROJO = frozenset({PLAZO_VENCIDO, VENCIDO})


def _sumar_meses(dia: date, meses: int) -> date:
    """``dia`` moved ``meses`` months (negative: back); a day the month lacks (31, 29 of
    February) becomes its last."""
    total = dia.year * 12 + dia.month - 1 + meses
    anio, mes = divmod(total, 12)
    mes += 1
    siguiente = date(anio + (mes == 12), mes % 12 + 1, 1)
    ultimo = (siguiente - date.resolution).day
    return date(anio, mes, min(dia.day, ultimo))


def vence(otorgado: date) -> date:
    """The last day of a registration granted on ``otorgado``: three years later."""
    return _sumar_meses(otorgado, 12 * VIGENCIA_ANIOS)


def ventana_renovacion(fin: date) -> tuple[date, date]:
    """The first and last day the renewal of a registration ending on ``fin`` may be asked: the
    three calendar months before the month it ends in, which is its grant month in the third
    year (DOF 21/02/2024: granted December 2023 → September to November 2026). Whole months,
    whatever the grant day: the STPS's calendar goes by month of grant."""
    primero = date(fin.year, fin.month, 1)
    return _sumar_meses(primero, -MESES_RENOVACION), primero - date.resolution


def inicio_renovacion(fin: date) -> date:
    """The first day the renewal of a registration ending on ``fin`` may be asked."""
    return ventana_renovacion(fin)[0]


def fin_renovacion(fin: date) -> date:
    """The last day the renewal of a registration ending on ``fin`` may be asked."""
    return ventana_renovacion(fin)[1]


def estado(fin: date, hoy: date, solicitada: date | None = None) -> str:
    """``VENCIDO`` after ``fin`` (asked or not: only a new registration continues it);
    ``RENOVACION_SOLICITADA`` once asked; ``PLAZO_VENCIDO`` once its window closed unasked;
    ``EN_RENOVACION`` within the window."""
    if hoy > fin:
        return VENCIDO
    if solicitada is not None:
        return RENOVACION_SOLICITADA
    desde, hasta = ventana_renovacion(fin)
    if hoy > hasta:
        return PLAZO_VENCIDO
    return EN_RENOVACION if hoy >= desde else VIGENTE


def texto_ventana(fin: date) -> str:
    """«del 01/09/2026 al 30/11/2026»: the window as the windows and messages say it."""
    desde, hasta = ventana_renovacion(fin)
    return f"del {desde:%d/%m/%Y} al {hasta:%d/%m/%Y}"


def check_aviso(aviso: str, etiqueta: str = "Aviso de registro REPSE") -> str:
    """The folio of a registration or of a renewal request as the STPS writes it (letters,
    digits, «/», «-»), without spaces around it."""
    valor = " ".join(check_caracteres(aviso or "", etiqueta, "aviso").split())
    if not valor:
        raise ValidationError("campo_obligatorio", f"Captura el «{etiqueta}».", "aviso")
    if len(valor) > MAX_AVISO:
        raise ValidationError(
            "campo_largo", f"El «{etiqueta}» admite hasta {MAX_AVISO} caracteres.", "aviso"
        )
    valor = valor.upper()
    if not _AVISO.fullmatch(valor):
        raise ValidationError(
            "aviso_invalido",
            f"El «{etiqueta}» lleva sólo letras, dígitos, «/», «-» y «.», como lo escribe la STPS.",
            "aviso",
        )
    return valor


def clave_servicio(texto: str) -> str:
    """A service's description as it is compared: spaces collapsed, without case."""
    return " ".join(texto.split()).casefold()


def check_servicios(servicios: Iterable[str]) -> list[str]:
    """The authorised services as typed: each with its description, none repeated."""
    limpios: list[str] = []
    vistos: set[str] = set()
    for texto in servicios:
        valor = " ".join(check_caracteres(texto or "", "Servicio", "servicios", libre=True).split())
        if not valor:
            continue
        if len(valor) > MAX_SERVICIO:
            raise ValidationError(
                "campo_largo",
                f"La descripción de un servicio admite hasta {MAX_SERVICIO} caracteres.",
                "servicios",
            )
        if clave_servicio(valor) in vistos:
            raise ValidationError(
                "servicio_repetido", f"El servicio «{valor}» está repetido.", "servicios"
            )
        vistos.add(clave_servicio(valor))
        limpios.append(valor)
    if not limpios:
        raise ValidationError(
            "sin_servicios",
            "Captura al menos un servicio u obra especializado autorizado en el registro, "
            "con su descripción.",
            "servicios",
        )
    if len(limpios) > MAX_SERVICIOS:
        raise ValidationError(
            "servicios_demasiados",
            f"Un registro REPSE se guarda con hasta {MAX_SERVICIOS} servicios autorizados.",
            "servicios",
        )
    return limpios


def autorizado(descripcion: str, autorizados: Iterable[str]) -> str | None:
    """The authorised service ``descripcion`` names (as the registration writes it), or None."""
    clave = clave_servicio(descripcion)
    return next((s for s in autorizados if clave_servicio(s) == clave), None)


def aviso_registro(estado_actual: str, aviso: str, fin: date) -> str | None:
    """The line the contratista's work is shown with: a lapsed registration or one whose
    renewal window closed unasked (red), one whose renewal is due and not asked yet (a
    notice); None otherwise."""
    if estado_actual == VENCIDO:
        return (
            f"El registro REPSE {aviso} venció el {fin:%d/%m/%Y}: se cancela y con él la "
            "deducción del cliente y las informativas que siguen; obtén un registro nuevo."
        )
    if estado_actual == PLAZO_VENCIDO:
        return (
            f"Plazo de renovación vencido: el registro se cancela el {fin:%d/%m/%Y} (REPSE "
            f"{aviso}; su renovación se solicitaba {texto_ventana(fin)} y la STPS ya no la "
            "recibe). Solicita un registro nuevo para seguir prestando el servicio."
        )
    if estado_actual == EN_RENOVACION:
        return (
            f"El registro REPSE {aviso} vence el {fin:%d/%m/%Y}: solicita su renovación "
            f"{texto_ventana(fin)} (el calendario de la STPS por mes de otorgamiento)."
        )
    return None


def aviso_contrato(fecha_final: date | None, fin: date, aviso: str) -> str | None:
    """The warning for a contract that runs past the registration's end (or has no end while
    the registration has one), else None."""
    texto_fin = fin.strftime("%d/%m/%Y")
    if fecha_final is None:
        return (
            f"El contrato no tiene fecha final y el registro REPSE {aviso} vence el {texto_fin}: "
            "para seguir prestando el servicio después, solicita su renovación "
            f"{texto_ventana(fin)}."
        )
    if fecha_final > fin:
        return (
            f"El contrato termina el {fecha_final:%d/%m/%Y}, después de que vence el registro "
            f"REPSE {aviso} ({texto_fin}): solicita su renovación {texto_ventana(fin)}."
        )
    return None


# Revisar's warnings from the registration (domain/informativa/revision.py CODIGOS).
REPSE_VENCE = "repse_vence_antes"
REPSE_NO_AUTORIZADO = "repse_servicio_no_autorizado"


__all__ = [
    "EN_RENOVACION",
    "EN_ROJO",
    "ESTADOS",
    "PLAZO_VENCIDO",
    "RENOVACION_SOLICITADA",
    "REPSE_NO_AUTORIZADO",
    "REPSE_VENCE",
    "VENCIDO",
    "VIGENTE",
    "autorizado",
    "aviso_contrato",
    "check_aviso",
    "check_servicios",
    "clave_servicio",
    "estado",
    "fin_renovacion",
    "inicio_renovacion",
    "texto_ventana",
    "vence",
    "ventana_renovacion",
]
