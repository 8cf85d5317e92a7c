"""The INFONAVIT's acuse of a SISUB (from «Seguimiento a folio» in its Portal Empresarial) read
for whose it is. No real acuse is public: it is this report's only if its text names the
contratista's RFC and the period (or, for a scanned PDF without text, the clerk states it);
its folio, typed or read, must be in the text; an RFC or a period of another filing refuses
it. The obligation is met when the folio is «aceptado»: an acuse whose text says the folio was
rejected, or is still in process, is not a filing. The periods are read as the IMSS acuse's are
(domain/informativa/acuse_imss.py)."""

from __future__ import annotations

import re
from datetime import datetime

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_imss import partes
from icsoe_desktop.domain.informativa.modelo import Periodo

FOLIO = re.compile(r"[A-Z0-9][A-Z0-9-]{3,39}")
_FOLIO_EN_TEXTO = re.compile(r"folio[^:\n]{0,30}:\s*([A-Za-z0-9][A-Za-z0-9-]{3,39})", re.I)
_RECHAZADO = re.compile(r"\brechazad[oa]\b", re.I)
_EN_PROCESO = re.compile(r"\b(?:en proceso|en revisi[oó]n|pendiente|en validaci[oó]n)\b", re.I)
_ACEPTADO = re.compile(r"\baceptad[oa]\b", re.I)
_FECHA = re.compile(r"(\d{2})/(\d{2})/(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?")

MSG_OTRO_RFC = "El acuse es de otro contratista ({otros}), no de {rfc}."
MSG_OTRO_PERIODO = "El acuse es del periodo {otros}, no de {periodo}."
MSG_SIN_DATOS = (
    "El acuse no dice {falta}: confirma que es el acuse del SISUB de {rfc} de {periodo} para "
    "registrarlo."
)
MSG_RECHAZADO = (
    "El acuse dice que el INFONAVIT rechazó el folio: corrige los archivos y preséntalos de "
    "nuevo; registra el acuse del folio aceptado."
)
MSG_EN_PROCESO = (
    "El acuse dice que el folio aún está en proceso: la obligación se cumple cuando el folio "
    "está aceptado. Descarga el acuse de «Seguimiento a folio» cuando diga «Aceptado»."
)
MSG_FOLIO = "Escribe el folio del acuse del INFONAVIT (letras, números y guiones)."
MSG_FOLIO_NO_DICE = "El acuse no dice el folio {folio}: escríbelo como aparece en el acuse."


def folio_leido(texto: str) -> str:
    m = _FOLIO_EN_TEXTO.search(texto)
    return m.group(1).upper() if m else ""


def fecha_leida(texto: str) -> datetime | None:
    """The first date (and time) the text writes, naive (Central Mexico's)."""
    for m in _FECHA.finditer(texto):
        d, mes, a, h, mi, s = m.groups()
        try:
            return datetime(int(a), int(mes), int(d), int(h or 0), int(mi or 0), int(s or 0))
        except ValueError:
            continue
    return None


def check_folio(folio: str) -> str:
    limpio = "".join((folio or "").split()).upper()
    if not FOLIO.fullmatch(limpio):
        raise ValidationError("folio_invalido", MSG_FOLIO, "folio")
    return limpio


def cotejar(
    texto: str,
    rfc: str,
    periodo: Periodo,
    folio: str,
    beneficiarios: frozenset[str],
    declarado: bool,
) -> None:
    """Refuse the acuse of another RFC or period, or one whose text does not write ``folio``;
    one that does not state the RFC or the period only when the clerk states it
    (``declarado``)."""
    leidas = partes(texto)
    otros = sorted(leidas.rfcs - beneficiarios - {rfc})
    if rfc not in leidas.rfcs and otros:
        raise ValidationError(
            "acuse_de_otro_rfc", MSG_OTRO_RFC.format(otros=", ".join(otros), rfc=rfc), "acuse"
        )
    if leidas.periodos and periodo not in leidas.periodos:
        raise ValidationError(
            "acuse_de_otro_periodo",
            MSG_OTRO_PERIODO.format(
                otros=", ".join(p.texto for p in leidas.periodos), periodo=periodo.texto
            ),
            "acuse",
        )
    faltan = [
        que
        for que, dicho in (("el RFC", rfc in leidas.rfcs), ("el periodo", bool(leidas.periodos)))
        if not dicho
    ]
    if faltan and not declarado:
        raise ValidationError(
            "acuse_sin_datos",
            MSG_SIN_DATOS.format(falta=" ni ".join(faltan), rfc=rfc, periodo=periodo.texto),
            "declarado",
        )
    compacto = "".join(texto.split()).upper()
    if texto.strip() and folio not in compacto:
        raise ValidationError("folio_no_en_acuse", MSG_FOLIO_NO_DICE.format(folio=folio), "folio")
    if _RECHAZADO.search(texto):
        raise ValidationError("acuse_rechazado", MSG_RECHAZADO, "acuse")
    if _EN_PROCESO.search(texto) and not _ACEPTADO.search(texto):
        raise ValidationError("acuse_en_proceso", MSG_EN_PROCESO, "acuse")
