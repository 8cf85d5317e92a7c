"""Whose REPSE registration a PDF is: its kind, the contratista's RFC and the aviso (folio) as
its text states them, held to the registration being recorded.

No STPS registration is public in full: it is read by what its lines say, as the IMSS acuse is
(domain/informativa/acuse_imss.py ``partes``: an RFC on a line that names a client, beneficiary
or contratante never counts as the contratista's). The document must say it is a REPSE
registration; the IMSS or INFONAVIT acuse and the app's own constancia de firma are refused by
what they are. An RFC or an aviso of another registration refuses it; what the text does not
state (a scanned PDF has no text) is returned, for the clerk to state that the PDF is this
registration's (kept as «declarado por el usuario»)."""

from __future__ import annotations

import re

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_imss import llano, partes

FALTA_RFC = "el RFC del contratista"
FALTA_AVISO = "el aviso de registro"
DECLARADO = "declarado por el usuario"

MSG_CONSTANCIA = (
    "«{nombre}» es la constancia de firma que genera esta aplicación, no el registro REPSE: "
    "elige el PDF del registro que emitió la STPS."
)
MSG_ACUSE = (
    "«{nombre}» es un acuse de presentación (IMSS o INFONAVIT), no el registro REPSE: elige el "
    "PDF del registro que emitió la STPS."
)
MSG_NO_ES = (
    "«{nombre}» no dice que sea un registro REPSE de la STPS: elige el PDF del registro que "
    "descargaste de la STPS."
)
MSG_OTRO_RFC = (
    "«{nombre}» es el registro REPSE del RFC {otro}, no del contratista {rfc}: elige el registro "
    "de este contratista."
)
MSG_OTRO_AVISO = (
    "«{nombre}» es del aviso de registro {otro}, no del {aviso} que capturas: revisa el aviso o "
    "elige el PDF de este registro."
)
MSG_SIN_DATOS = (
    "«{nombre}» no dice {faltan}: si es el registro REPSE {aviso} de {rfc} (un PDF escaneado), "
    "confírmalo y se guardará como «" + DECLARADO + "»."
)

# The registration's own words (the STPS's name for the registry, or its acronym).
_ES_REGISTRO = re.compile(
    r"\brepse\b|prestadoras? de servicios especializados|servicios especializados u obras"
    r"|padron publico de contratistas"
)
# An acuse of the IMSS's or the INFONAVIT's informativa (which may cite REPSE folios too).
_ES_ACUSE = re.compile(
    r"acuse de presentacion|informativa cuatrimestral|\bicsoe\b|\bsisub\b"
    r"|instituto mexicano del seguro social|instituto del fondo nacional"
)
# «Número de aviso de registro: AR12345/2024», «Folio: …»: the value after the colon.
_AVISO = re.compile(r"(?:aviso|folio)[^:\n]{0,60}:\s*([a-z0-9][a-z0-9/.\-]*(?: [0-9/.\-]+)*)")


def _compacto(texto: str) -> str:
    return "".join(texto.split()).upper()


def cotejar(texto: str, es_constancia: bool, rfc: str, aviso: str, nombre: str) -> tuple[str, ...]:
    """Refuse a PDF that is not a REPSE registration, or is another RFC's or aviso's; return
    what it does not state (``FALTA_*``)."""
    if es_constancia:
        raise ValidationError("repse_es_constancia", MSG_CONSTANCIA.format(nombre=nombre), "pdf")
    plano = llano(texto)
    if plano.strip():
        if _ES_ACUSE.search(plano):
            raise ValidationError("repse_es_acuse", MSG_ACUSE.format(nombre=nombre), "pdf")
        if not _ES_REGISTRO.search(plano):
            raise ValidationError("repse_no_es_registro", MSG_NO_ES.format(nombre=nombre), "pdf")
    leidas = partes(texto)
    if leidas.rfcs_contratista:
        otros = [r for r in leidas.rfcs_contratista if r != rfc]
        dicho = not otros
    else:
        otros = [] if rfc in leidas.rfcs_sin_parte else sorted(leidas.rfcs_sin_parte)
        dicho = leidas.rfcs_sin_parte == {rfc}
    if otros:
        raise ValidationError(
            "repse_de_otro_rfc", MSG_OTRO_RFC.format(nombre=nombre, otro=otros[0], rfc=rfc), "pdf"
        )
    buscado = _compacto(aviso)
    leidos = [_compacto(m.group(1)) for m in _AVISO.finditer(plano)]
    if leidos and buscado not in leidos:
        otro = leidos[0]
        raise ValidationError(
            "repse_de_otro_aviso",
            MSG_OTRO_AVISO.format(nombre=nombre, otro=otro, aviso=aviso),
            "pdf",
        )
    faltan = []
    if not dicho:
        faltan.append(FALTA_RFC)
    if buscado not in _compacto(texto):
        faltan.append(FALTA_AVISO)
    return tuple(faltan)


def sin_datos(nombre: str, faltan: tuple[str, ...], rfc: str, aviso: str) -> ValidationError:
    """The refusal of a PDF that does not state ``faltan``, when the clerk has not stated it."""
    return ValidationError(
        "repse_sin_datos",
        MSG_SIN_DATOS.format(nombre=nombre, faltan=" ni ".join(faltan), rfc=rfc, aviso=aviso),
        "declarado",
    )


__all__ = ["DECLARADO", "FALTA_AVISO", "FALTA_RFC", "cotejar", "sin_datos"]
