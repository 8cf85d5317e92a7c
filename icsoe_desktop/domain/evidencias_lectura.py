"""A month's evidence document read for what it says: the kind (declaración, acuse, opinión,
pago), whose RFC, which period, for an opinion of compliance its *sentido* and date, and for an
IMSS–INFONAVIT payment what it paid the INFONAVIT (``evidencias_pago``) — held
to the slot it is attached to, the contratista and the month.

Client portals read these PDFs (reference: icsoe-informativa.md, LISR 27-V: Provek checks the
RFC, period and year of each ISR/IVA PDF; an opinion has a sentido and a date). No layout is
public, so the text is read by what its lines say, as the IMSS acuse is
(domain/informativa/acuse_imss.py ``partes``: an RFC on a client's, beneficiary's or
contratante's line never counts as the contratista's); the period only from a labelled line
(«Periodo», «Mes», «Bimestre», «Ejercicio»), never from a date. A mismatch is a warning, not a
refusal: the clerk may keep the document knowing it, and the board and the pack's index say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.evidencias_pago import PagoInfonavit, leer_pago
from icsoe_desktop.domain.informativa.acuse_imss import llano, partes

DECLARACION = "declaración"
ACUSE = "acuse"
OPINION = "opinión"
PAGO = "pago"
POSITIVO = "positivo"
NEGATIVO = "negativo"

# What each slot of the month holds (domain/evidencias.py DOCUMENTOS).
ESPERADO: dict[str, str] = {
    "isr": DECLARACION,
    "acuse_isr": ACUSE,
    "pago_isr": PAGO,
    "iva": DECLARACION,
    "acuse_iva": ACUSE,
    "sua": PAGO,
    "opinion_sat": OPINION,
    "opinion_imss": OPINION,
    "opinion_infonavit": OPINION,
}
# Whose opinion each opinion slot holds: the words that name its authority.
_AUTORIDAD = {
    "opinion_sat": ("del SAT", re.compile(r"\bsat\b|administracion tributaria|32-d")),
    "opinion_imss": ("del IMSS", re.compile(r"\bimss\b|seguro social")),
    "opinion_infonavit": ("del INFONAVIT", re.compile(r"infonavit|fondo nacional de la vivienda")),
}
# The SAT's own RFC, which its documents print in their heading: nobody's evidence.
_RFC_AUTORIDADES = frozenset({"SAT970701NN3"})

# The kind by its words, most telling first: an opinion; a bank receipt, the SUA's cédula or
# SIPARE's (though it names the declaration it pays); an acuse (though it names the declaration
# it acknowledges, and the SAT's prints the línea de captura to pay it); a payment by its
# reference alone; a declaration.
_CLASES = (
    (OPINION, re.compile(r"opinion (?:de|del|sobre el) cumplimiento")),
    (
        PAGO,
        re.compile(
            r"recibo bancario|comprobante de pago|institucion bancaria|sipare|\bsua\b"
            r"|cedula de determinacion|comprobante de (?:la )?transferencia"
            r"|pago de (?:cuotas|aportaciones)"
        ),
    ),
    (ACUSE, re.compile(r"\bacuse\b")),
    (PAGO, re.compile(r"linea de captura|pago referenciado")),
    (DECLARACION, re.compile(r"\bdeclaracion\b")),
)
_SENTIDO = re.compile(
    r"(?:sentido|estatus|situacion|resultado|opinion)[^\n]{0,40}?\b(positiv|negativ)[oa]\b"
)
_MESES = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip
_NOMBRE_MES = "|".join(_MESES)
_LINEA_DE_PERIODO = re.compile(r"\bperiodo\b|\bmes\b|\bbimestre\b|\bejercicio\b")
_MES_ANIO = re.compile(rf"\b({_NOMBRE_MES})\b\s*(?:de\s+|del\s+|/|-)?\s*(\d{{4}})?")
_NUMERICO = re.compile(r"(?<![\d/])(0?[1-9]|1[0-2])\s*[/-]\s*(\d{4})\b|\b(\d{4})-(0[1-9]|1[0-2])\b")
_BIMESTRE = re.compile(r"\bbimestre\b\s*:?\s*(?:no\.?\s*)?([1-6])\s*(?:[/-]|de|del)?\s*(\d{4})?")
_EJERCICIO = re.compile(r"\b(?:ejercicio|ano)\b(?:\s+fiscal)?\s*:?\s*(\d{4})\b")
_FECHA = re.compile(
    rf"\b(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\b|\b(\d{{1,2}}) de ({_NOMBRE_MES}) de (\d{{4}})\b"
)
_LINEA_DE_FECHA = re.compile(r"fecha|emision|emitid|generad|revision|consulta")

NOMBRES_MES = {n: nombre for nombre, n in _MESES.items() if nombre != "setiembre"}


def texto_mes(mes: Mes) -> str:
    return f"{NOMBRES_MES[mes.mes]} de {mes.anio}"


@dataclass(frozen=True)
class Lectura:
    """What the document says (empty or None: not said) and the warnings it earns."""

    clase: str | None
    rfcs: tuple[str, ...]
    periodos: tuple[Mes, ...]
    sentido: str | None = None
    fecha: date | None = None
    avisos: tuple[str, ...] = ()
    # A payment's INFONAVIT amounts (domain/evidencias_pago.py): the SISUB's Revisar compares
    # the report's aportaciones and amortizaciones with them.
    infonavit: PagoInfonavit | None = None

    @property
    def resumen(self) -> str:
        """One line of what was read, for the index («opinión positivo del 05/11/2026…»)."""
        partes_ = [self.clase or "documento sin clase"]
        if self.sentido:
            partes_.append(f"en sentido {self.sentido}")
        if self.fecha:
            partes_.append(f"del {self.fecha:%d/%m/%Y}")
        if self.rfcs:
            partes_.append(f"RFC {', '.join(self.rfcs)}")
        if self.periodos:
            partes_.append(f"periodo {', '.join(m.clave for m in self.periodos)}")
        if self.infonavit:
            partes_.append(self.infonavit.texto)
        return ", ".join(partes_)


def leer(
    texto: str,
    es_constancia: bool,
    tipo: str,
    rfc: str,
    mes: Mes,
    ajenos: frozenset[str] = frozenset(),
) -> Lectura:
    """``texto`` (the PDF's, read by the bounded reader) held to the slot ``tipo`` of ``mes``
    of the contratista ``rfc``; ``ajenos``: RFCs that may appear and are not the contratista's
    (the client's, when attached for one)."""
    plano = llano(texto)
    if es_constancia:
        return Lectura(
            None, (), (), avisos=("es la constancia de firma de esta aplicación, no un documento "
                                  "del mes",)
        )  # fmt: skip
    if not plano.strip():
        return Lectura(
            None, (), (), avisos=("no tiene texto que leer (¿escaneado?): revisa que sea el "
                                  "documento correcto",)
        )  # fmt: skip
    clase = next((c for c, patron in _CLASES if patron.search(plano)), None)
    rfcs, otros = _rfcs(texto, rfc, ajenos)
    periodos = _periodos(plano)
    sentido = fecha = None
    infonavit = leer_pago(texto) if clase == PAGO else None
    if clase == OPINION:
        m = _SENTIDO.search(plano)
        sentido = (POSITIVO if m.group(1) == "positiv" else NEGATIVO) if m else None
        fecha = _fecha(plano)
    avisos: list[str] = []
    esperado = ESPERADO.get(tipo)
    if clase is None:
        avisos.append("no dice que sea una declaración, un acuse, una opinión ni un pago")
    elif esperado and clase != esperado:
        avisos.append(f"es {_con_articulo(clase)}, no {_con_articulo(esperado)}")
    if rfc and otros:
        avisos.append(f"es del RFC {otros[0]}, no de {rfc}")
    elif rfc and rfc not in rfcs:
        avisos.append(f"no dice el RFC {rfc}")
    if esperado == OPINION and clase == OPINION:
        avisos.extend(_de_opinion(tipo, plano, sentido, fecha, mes))
    elif periodos and mes not in periodos:
        avisos.append(
            f"es del periodo {', '.join(texto_mes(p) for p in periodos)}, no de {texto_mes(mes)}"
        )
    elif not periodos and esperado in (DECLARACION, ACUSE):
        avisos.append("no dice el periodo")
    return Lectura(clase, rfcs, periodos, sentido, fecha, tuple(avisos), infonavit)


def _con_articulo(clase: str) -> str:
    return {DECLARACION: "una declaración", ACUSE: "un acuse", OPINION: "una opinión"}.get(
        clase, "un comprobante de pago"
    )


def _de_opinion(
    tipo: str, plano: str, sentido: str | None, fecha: date | None, mes: Mes
) -> list[str]:
    avisos = []
    autoridad = _AUTORIDAD.get(tipo)
    if autoridad is not None and not autoridad[1].search(plano):
        avisos.append(f"no dice que sea la opinión {autoridad[0]}")
    if sentido == NEGATIVO:
        avisos.append("la opinión es negativa: el cliente no puede deducir con ella")
    elif sentido is None:
        avisos.append("no dice el sentido de la opinión (positivo o negativo)")
    if fecha is None:
        avisos.append("no dice la fecha de la opinión")
    elif fecha < mes.inicio:
        avisos.append(
            f"la opinión es del {fecha:%d/%m/%Y}, anterior a {texto_mes(mes)}: obtén una actual"
        )
    return avisos


def _rfcs(texto: str, rfc: str, ajenos: frozenset[str]) -> tuple[tuple[str, ...], list[str]]:
    """The RFCs the text gives the contratista (its lines, else the lines that name no party),
    and those of them that are not ``rfc``."""
    leidas = partes(texto)
    propios = [r for r in leidas.rfcs_contratista if r not in _RFC_AUTORIDADES]
    if not propios:
        propios = sorted(leidas.rfcs_sin_parte - ajenos - _RFC_AUTORIDADES)
    dichos = tuple(dict.fromkeys(propios))
    return dichos, [r for r in dichos if r != rfc] if rfc not in dichos else []


def _periodos(plano: str) -> tuple[Mes, ...]:
    encontrados: list[Mes] = []
    sin_anio: list[int] = []
    ejercicios = [int(m.group(1)) for m in _EJERCICIO.finditer(plano)]
    for linea in plano.splitlines():
        if not _LINEA_DE_PERIODO.search(linea):
            continue
        for m in _BIMESTRE.finditer(linea):
            n = int(m.group(1))
            for anio in [int(m.group(2))] if m.group(2) else ejercicios:
                encontrados += [_mes(anio, 2 * n - 1), _mes(anio, 2 * n)]
        sin_bimestre = _BIMESTRE.sub(" ", linea)
        for m in _MES_ANIO.finditer(sin_bimestre):
            if m.group(2):
                encontrados.append(_mes(int(m.group(2)), _MESES[m.group(1)]))
            else:
                sin_anio.append(_MESES[m.group(1)])
        for m in _NUMERICO.finditer(sin_bimestre):
            if m.group(1):
                encontrados.append(_mes(int(m.group(2)), int(m.group(1))))
            else:
                encontrados.append(_mes(int(m.group(3)), int(m.group(4))))
    encontrados += [_mes(anio, n) for n in sin_anio for anio in ejercicios]
    return tuple(dict.fromkeys(m for m in encontrados if m.anio >= 2000))


def _mes(anio: int, numero: int) -> Mes:
    return Mes(anio, numero)


def _fecha(plano: str) -> date | None:
    """The opinion's date: on a line that says so («Fecha de emisión…»), else the first."""
    lineas = plano.splitlines()
    for linea in [x for x in lineas if _LINEA_DE_FECHA.search(x)] + lineas:
        for m in _FECHA.finditer(linea):
            try:
                if m.group(1):
                    return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                return date(int(m.group(6)), _MESES[m.group(5)], int(m.group(4)))
            except ValueError:
                continue
    return None


__all__ = [
    "ACUSE",
    "DECLARACION",
    "ESPERADO",
    "NEGATIVO",
    "OPINION",
    "PAGO",
    "POSITIVO",
    "Lectura",
    "leer",
    "texto_mes",
]
