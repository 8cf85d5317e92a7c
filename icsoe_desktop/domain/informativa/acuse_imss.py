"""Whose acuse is it: the contratista's RFC, the period and the tipo as the text of an IMSS acuse de
presentación states them, held against the informativa it is registered for.

No real acuse is public and its layout is not described anywhere (docs/diseno/icsoe.md,
«Signing is not filing»), so the text is read by what its lines say, not
by position: an RFC on a line that names the contratista (failing one, an RFC on a line that
names no party, not one of the informativa's contratantes; an RFC on a line that names a
contratante, client or beneficiary is never the contratista's), every spelling of a cuatrimestre («mayo–agosto 2026», «MAYO-AGOSTO/
2026», «2do. cuatrimestre 2026»…), the tipo on a line that says «tipo» or «complementaria».
Lines that cite another filing («corrige a…», «complementa…») are not read for the tipo, as the
folio is not (``presentacion.proponer``).

``cotejar`` refuses an acuse that names another contratista, period or tipo, naming both; what
the text does not state at all (a scanned acuse has no text), or does not state unambiguously
(two RFCs on lines that name no party), is returned, for the clerk to state explicitly that the
PDF is this informativa's acuse. The text is read after look-alike folding (domain/parecidos.py);
a read line written with another alphabet's look-alike letters, or an RFC label whose value is
no RFC, stops the reading (``legible``): nothing else of the text then says whose it is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    CORRECCION,
    NORMAL,
    SIN_EFECTOS,
    SIN_INFORMACION,
    TIPOS,
    Periodo,
)
from icsoe_desktop.domain.parecidos import parecidos, plegar

FALTA_RFC = "el RFC del contratista"
FALTA_PERIODO = "el periodo"
FALTA_TIPO = "el tipo de informativa"

# Whose the acuse is instead («Este acuse …», or said of a stored acuse), then what to do.
OTRO_CONTRATISTA = "es del contratista con RFC {otro}, no de {nombre} (RFC {rfc})"
OTRO_PERIODO = "es del periodo {otro}, no de {periodo}"
OTRO_TIPO = "es de una informativa {otro}, no de la {tipo} que registras"
MSG_OTRO_CONTRATISTA = (
    "Este acuse " + OTRO_CONTRATISTA + ": elige el acuse de presentación de esta informativa."
)
MSG_OTRO_PERIODO = (
    "Este acuse " + OTRO_PERIODO + ": elige el acuse de presentación de la informativa de "
    "{periodo}."
)
MSG_OTRO_TIPO = "Este acuse " + OTRO_TIPO + ": elige el acuse de presentación de esta informativa."
# What cannot be read of whose the acuse is: the reading stops (no RFC of another line stands in).
PARECIDOS = (
    "escribe «{valor}» con letras de otro alfabeto que imitan a las latinas (no es un RFC ni un "
    "folio auténtico)"
)
ILEGIBLE = "tiene la línea «{linea}», que no dice un RFC legible"
MSG_ILEGIBLE = (
    "Este acuse {razon}: no se puede saber de quién es. Elige el acuse de presentación que "
    "descargaste del portal."
)
MSG_CONSTANCIA = (
    "«{nombre}» es la constancia de firma que genera esta aplicación, no el acuse del IMSS: "
    "firmar no es presentar. Presenta la informativa en el portal del IMSS y elige el acuse "
    "de presentación que descargas de ahí."
)

# The reading a registro passes (InformativaRow.acuse_imss_regla): 0 was the one where any RFC
# of the text counted; 1 reads the contratista's line only, after look-alike folding, and
# only the text a page shows.
REGLA = 1

# The IMSS's own RFC, which its documents may print in their heading: nobody's filing.
RFC_IMSS = "IMS421231I45"
_RFC = re.compile(r"(?<![A-Z0-9Ñ&])([A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3})(?![A-Z0-9])")
# Lines that cite another filing: read neither for the folio nor for the tipo.
CITA = re.compile(r"\bcorrige\b|\bcomplementa\b|sustitu|anterior|original|referencia|relacionad")
# «subcontratista» names another party (a contratista's own subcontractor), not this one.
_DEL_CONTRATISTA = re.compile(
    r"(?<!sub)contratista|patron|razon social|prestador|declarante|sujeto obligado"
)
_DE_OTRA_PARTE = re.compile(r"contratante|beneficiari|cliente|subcontrat")
# A label that says an RFC follows («RFC del contratista:», «R.F.C.:»), and what follows it.
_ETIQUETA_RFC = re.compile(r"\br\.?\s?f\.?\s?c\b\.?[^:]{0,40}:\s*(\S.*)?$")
_SEPARADORES = re.compile(r"[\s.\-]")
# The lines whose words are read as identifiers or labels: a look-alike letter there is refused.
_LINEA_LEIDA = re.compile(r"rfc|r\.f\.c|folio|contrat|patron|razon social|periodo|fecha|tipo")

# A month by its first three letters («sep», «set» and «septiembre» alike).
_MES = {"ene": 1, "abr": 4, "may": 5, "ago": 8, "sep": 9, "set": 9, "dic": 12}
_CUATRIMESTRE_POR_MESES = {(1, 4): 1, (5, 8): 2, (9, 12): 3}
_SEP = r"\s*(?:de(?:l)?\s+|/|,|-|\s)\s*"
_POR_MESES = re.compile(
    r"\b(ene(?:ro)?|may(?:o)?|sept?(?:iembre)?|setiembre)\.?\s*(?:[-–—/]|\ba\b|\bal\b)\s*"
    r"(abr(?:il)?|ago(?:sto)?|dic(?:iembre)?)\.?" + _SEP + r"(\d{4})\b"
)
# The months without their year, which a line «Ejercicio: 2025» (or «Año») then gives.
_MESES_SIN_ANIO = re.compile(
    r"\b(ene(?:ro)?|may(?:o)?|sept?(?:iembre)?|setiembre)\.?\s*(?:[-–—/]|\ba\b|\bal\b)\s*"
    r"(abr(?:il)?|ago(?:sto)?|dic(?:iembre)?)\b\.?(?!" + _SEP + r"\d{4})"
)
_EJERCICIO = re.compile(r"\b(?:ejercicio|ano)(?:\s+fiscal)?\s*:?\s*(\d{4})\b")
_ORDINAL = r"(1|2|3|primer|primero|segundo|tercer|tercero)\s*(?:er|ro|do|o|°|º)?\.?"
_POR_NUMERO = re.compile(r"\b" + _ORDINAL + r"\s*cuatrimestre" + _SEP + r"(\d{4})\b")
_CUATRIMESTRE_N = re.compile(r"\bcuatrimestre\s*(?:no\.?\s*)?([123])" + _SEP + r"(\d{4})\b")
_ORDINALES = {"primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3}
# The tipo's words, most specific first («complementaria de corrección» is not a Normal).
_TIPOS = (
    (CORRECCION, re.compile(r"correccion")),
    (SIN_EFECTOS, re.compile(r"sin efectos?")),
    (ACTUALIZACION, re.compile(r"actualizacion")),
    (SIN_INFORMACION, re.compile(r"sin informacion")),
    (NORMAL, re.compile(r"\bnormal\b")),
)
_LINEA_DE_TIPO = re.compile(r"tipo|complementaria")


class AcuseAjeno(ValidationError):
    """``cotejar``'s refusal; ``razon``: whose the acuse is instead («es del periodo …»)."""

    def __init__(self, code: str, razon: str, message: str) -> None:
        super().__init__(code, message, "acuse")
        self.razon = razon


def llano(texto: str) -> str:
    """Lower case without accents: how the patterns here read a line."""
    descompuesto = unicodedata.normalize("NFKD", texto.lower())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


@dataclass(frozen=True)
class Partes:
    """What the acuse's text says of whose it is (empty: not stated)."""

    rfcs: frozenset[str]  # every RFC in the text
    rfcs_contratista: tuple[str, ...]  # RFCs on a line that names the contratista
    periodos: tuple[Periodo, ...]
    tipos: tuple[str, ...]
    # RFCs on a line that names no party (neither the contratista nor another one).
    rfcs_sin_parte: frozenset[str] = frozenset()
    # Words of the read lines written with look-alike letters of another alphabet
    # (parecidos.py), and lines labelled as the contratista's RFC (or as an RFC of no party)
    # whose value is no RFC: the text cannot say whose it is, the reading stops there.
    parecidos: tuple[str, ...] = ()
    ilegibles: tuple[str, ...] = ()


def partes(texto: str) -> Partes:
    """What ``texto`` says, read after look-alike folding (parecidos.py). The rows under a
    heading that names a client, a beneficiary or a subcontratista (a table of contracts) are
    that party's, up to a line that names the contratista."""
    rfcs: set[str] = set()
    sin_parte: set[str] = set()
    del_contratista: list[str] = []
    periodos: list[Periodo] = []
    tipos: list[str] = []
    sin_anio: list[int] = []  # cuatrimestres named without their year
    ejercicios: list[int] = []
    falsos: list[str] = []
    ilegibles: list[str] = []
    en_tabla_ajena = False
    for original in texto.splitlines():
        linea = plegar(original)
        plano = llano(linea)
        sin_anio.extend(_cuatrimestres_sin_anio(plano))
        ejercicios.extend(int(m.group(1)) for m in _EJERCICIO.finditer(plano))
        escritos = _RFC.findall(linea.upper())
        otra_parte = _DE_OTRA_PARTE.search(plano)
        etiqueta = _ETIQUETA_RFC.search(plano)
        if etiqueta and etiqueta.group(1) and not escritos and not otra_parte:
            # «RFC: EDE-010101-8A2»: the value read without its separators, or unreadable.
            escritos = _RFC.findall(_SEPARADORES.sub("", etiqueta.group(1).upper()))
            if not escritos:
                ilegibles.append(original.strip())
        en_linea = [r for r in escritos if r != RFC_IMSS]
        if _LINEA_LEIDA.search(plano) or en_linea:
            falsos.extend(parecidos(original))
        rfcs.update(en_linea)
        del_contratista_ = _DEL_CONTRATISTA.search(plano) and not otra_parte
        if otra_parte and not en_linea:
            en_tabla_ajena = True  # a heading: the rows below are that party's
        elif del_contratista_:
            en_tabla_ajena = False
        if en_linea and del_contratista_:
            del_contratista.extend(en_linea)
        elif not otra_parte and not en_tabla_ajena:
            sin_parte.update(en_linea)
        periodos.extend(_periodos(plano))
        if _LINEA_DE_TIPO.search(plano) and not CITA.search(plano):
            tipo = next((t for t, patron in _TIPOS if patron.search(plano)), None)
            if tipo is not None:
                tipos.append(tipo)
    # «Periodo: Mayo - Agosto» and «Ejercicio: 2025» on two lines: one period.
    periodos.extend(Periodo(anio, n) for n in sin_anio for anio in ejercicios)
    return Partes(
        frozenset(rfcs),
        tuple(dict.fromkeys(del_contratista)),
        tuple(dict.fromkeys(periodos)),
        tuple(dict.fromkeys(tipos)),
        frozenset(sin_parte),
        tuple(dict.fromkeys(falsos)),
        tuple(dict.fromkeys(ilegibles)),
    )


def _cuatrimestres_sin_anio(plano: str) -> list[int]:
    encontrados = []
    for m in _MESES_SIN_ANIO.finditer(plano):
        numero = _CUATRIMESTRE_POR_MESES.get((_MES[m.group(1)[:3]], _MES[m.group(2)[:3]]))
        if numero is not None:
            encontrados.append(numero)
    return encontrados


def _periodos(plano: str) -> list[Periodo]:
    encontrados: list[Periodo] = []
    for m in _POR_MESES.finditer(plano):
        numero = _CUATRIMESTRE_POR_MESES.get((_MES[m.group(1)[:3]], _MES[m.group(2)[:3]]))
        if numero is not None:
            encontrados.append(Periodo(int(m.group(3)), numero))
    for m in _POR_NUMERO.finditer(plano):
        ordinal = m.group(1)
        numero = int(ordinal) if ordinal.isdigit() else _ORDINALES[ordinal]
        encontrados.append(Periodo(int(m.group(2)), numero))
    for m in _CUATRIMESTRE_N.finditer(plano):
        encontrados.append(Periodo(int(m.group(2)), int(m.group(1))))
    return encontrados


def legible(leidas: Partes) -> None:
    """Refuse an acuse whose read lines carry look-alike letters of another alphabet, or whose
    RFC label has a value that is no RFC: what it says of whose it is cannot be read, and no
    RFC of another line stands in for it (a contract row's, under «RFC del beneficiario»)."""
    if leidas.parecidos:
        razon = PARECIDOS.format(valor=leidas.parecidos[0])
        raise AcuseAjeno("acuse_letras_parecidas", razon, MSG_ILEGIBLE.format(razon=razon))
    if leidas.ilegibles:
        razon = ILEGIBLE.format(linea=leidas.ilegibles[0][:80])
        raise AcuseAjeno("acuse_rfc_ilegible", razon, MSG_ILEGIBLE.format(razon=razon))


def cotejar(
    leidas: Partes,
    rfc: str,
    nombre: str,
    periodo: Periodo,
    tipo: str,
    contratantes: frozenset[str],
    tipo_por_folio: str | None,
) -> tuple[str, ...]:
    """Refuse an acuse whose text names another contratista, period or tipo; return what it
    does not state (``FALTA_*``). ``contratantes``: the RFCs of the informativa's contratantes
    (an acuse lists them too); ``tipo_por_folio``: the tipo the read folio's prefix says, if
    any (N… Normal, SI… Sin información). The contratista's RFC counts as stated on a line
    that names the contratista or, when none does, as the one RFC of the lines that name no
    party (the contratantes' apart); never on a contratante's, client's or beneficiary's line."""
    legible(leidas)
    sueltos = leidas.rfcs_sin_parte - contratantes
    if leidas.rfcs_contratista:
        otros = [r for r in leidas.rfcs_contratista if r != rfc]
        dicho = not otros
    else:
        # Two RFCs where none is labelled: which is the contratista's is not stated.
        otros = [] if rfc in sueltos else sorted(sueltos)
        dicho = sueltos == {rfc}
    if otros:
        datos = {"otro": otros[0], "nombre": nombre, "rfc": rfc}
        raise AcuseAjeno(
            "acuse_de_otro_contratista",
            OTRO_CONTRATISTA.format(**datos),
            MSG_OTRO_CONTRATISTA.format(**datos),
        )
    otro_periodo = next((p for p in leidas.periodos if p != periodo), None)
    if otro_periodo is not None:
        datos = {"otro": otro_periodo.texto, "periodo": periodo.texto}
        raise AcuseAjeno(
            "acuse_de_otro_periodo", OTRO_PERIODO.format(**datos), MSG_OTRO_PERIODO.format(**datos)
        )
    tipos = leidas.tipos or ((tipo_por_folio,) if tipo_por_folio else ())
    otro_tipo = next((t for t in tipos if t != tipo), None)
    if otro_tipo is not None:
        datos = {"otro": TIPOS[otro_tipo], "tipo": TIPOS[tipo]}
        raise AcuseAjeno(
            "acuse_de_otro_tipo", OTRO_TIPO.format(**datos), MSG_OTRO_TIPO.format(**datos)
        )
    faltan = []
    if not dicho:
        faltan.append(FALTA_RFC)
    if not leidas.periodos:
        faltan.append(FALTA_PERIODO)
    if not tipos:
        faltan.append(FALTA_TIPO)
    return tuple(faltan)


__all__ = [
    "CITA",
    "FALTA_PERIODO",
    "FALTA_RFC",
    "FALTA_TIPO",
    "MSG_CONSTANCIA",
    "REGLA",
    "AcuseAjeno",
    "Partes",
    "cotejar",
    "legible",
    "llano",
    "partes",
]
