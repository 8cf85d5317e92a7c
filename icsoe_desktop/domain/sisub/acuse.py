"""The INFONAVIT's acuse of a SISUB (from «Seguimiento a folio» in its Portal Empresarial) read for
what it is and whose it is. No real acuse is public, so it is read as the IMSS acuse is
(domain/informativa/acuse_imss.py), by what its lines say:

- **its kind** (``documento``): the INFONAVIT's wording (the Institute's name and the SISUB, its
  «29 Bis» or «subcontratación») and a folio of its own shape; the IMSS's ICSOE acuse, the app's
  constancia de firma and any other paper (a factura that writes the RFC and the period) are
  refused by what they are;
- **whose** (``cotejar``): the contratista's RFC on a line that names the contratista, or the one
  RFC of the lines that name no party; an RFC on a client's, beneficiary's or subcontratista's
  line (or a table under such a heading) never counts; a look-alike letter or an unreadable RFC
  label stops the reading; the period, the folio written in it, and the folio «aceptado» (the
  obligation is met then: a folio rejected or still in process is not a filing);
- **when** (``fecha_recepcion``, ``validar_fecha``): the date of the labelled reception line,
  never another date of the text (a contract's start, a print date); never in the future, never
  before the period ends (the SISUB is filed after its cuatrimestre).

What the text does not state of whose it is (a scanned acuse) is returned, for the clerk to
state it (``declarado``). A stored acuse is read again the same way (``guardado_ajeno``)
wherever it is handed out, when its registro passed this reading (``REGLA``)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_imss import CITA, AcuseAjeno, legible, llano, partes
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.informativa.presentacion import FOLIO as FOLIO_IMSS
from icsoe_desktop.domain.informativa.presentacion import FOLIO_CONTRATO
from icsoe_desktop.domain.parecidos import plegar

# The reading a registro passes (SisubReporte.acuse_regla): 0 held the acuse to its SHA-256
# alone; 1 reads it again as the INFONAVIT's acuse of the report.
REGLA = 1

# The INFONAVIT's folio: letters, digits and hyphens, at least six, with a digit; never the
# IMSS's (N262253432, SI262202734, A26P3662382). A factura's or a REPSE's short number is not one.
FOLIO = re.compile(r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{5,39}")
_FOLIO_EN_TEXTO = re.compile(r"folio[^:\n]{0,30}:\s*([A-Za-z0-9][A-Za-z0-9-]{3,39})", re.I)
_RECHAZADO = re.compile(r"\brechazad[oa]\b")
_EN_PROCESO = re.compile(r"\b(?:en proceso|en revision|pendiente|en validacion)\b")
_ACEPTADO = re.compile(r"\baceptad[oa]\b")
_FECHA = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\D{0,20}?(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
# The reception line («Fecha de recepción», «Recibido el», «Fecha de presentación», «Envío»),
# and the other dates an acuse may carry (printed, consulted, a contract's start or end).
_RECEPCION = re.compile(r"recepci|recibid|presentaci|\benvi")
_OTRA_FECHA = re.compile(
    r"impres|imprim|generad|descarg|consulta|emision|vigencia|limite|inicio|termino|contrato"
)
_INFONAVIT = re.compile(r"infonavit|instituto del fondo nacional de la vivienda")
_SISUB = re.compile(r"\bsisub\b|29\s*bis|subcontratacion")
_IMSS = re.compile(
    r"instituto mexicano del seguro social|\bicsoe\b|informativa (?:cuatrimestral|de contratos)"
)

MSG_OTRO_RFC = "El acuse es de otro contratista ({otros}), no de {rfc}."
MSG_OTRO_PERIODO = "El acuse es del periodo {otros}, no de {periodo}."
MSG_SIN_DATOS = (
    "El acuse no dice {falta}: confirma que es el acuse del SISUB de {rfc} de {periodo} para "
    "registrarlo, y escribe su folio y su fecha de recepción como aparecen en él."
)
MSG_OCULTO = (
    " Su texto sólo está en una capa invisible sobre una imagen (un escaneo con OCR): esa capa "
    "no cuenta como lo que el acuse dice."
)
MSG_ILEGIBLE = (
    "El acuse {razon}: no se puede saber de quién es. Elige el acuse que descargaste en "
    "«Seguimiento a folio» del Portal Empresarial del INFONAVIT."
)
MSG_RECHAZADO = (
    "El acuse dice que el INFONAVIT rechazó el folio: corrige los archivos y preséntalos de "
    "nuevo; registra el acuse del folio aceptado."
)
MSG_EN_PROCESO = (
    "El acuse dice que el folio aún está en proceso: la obligación se cumple cuando el folio "
    "está aceptado. Descarga el acuse de «Seguimiento a folio» cuando diga «Aceptado»."
)
MSG_SIN_ACEPTADO = (
    "El acuse no dice que el folio esté aceptado: la obligación se cumple cuando el folio "
    "está aceptado. Descarga el acuse de «Seguimiento a folio» cuando diga «Aceptado»."
)
MSG_FOLIO = (
    "El folio «{folio}» no es un folio del SISUB del INFONAVIT: son al menos seis letras, "
    "dígitos y guiones, con algún dígito, como aparece en «Seguimiento a folio»."
)
MSG_FOLIO_IMSS = (
    "El folio «{folio}» es un folio del IMSS (informativa ICSOE), no del SISUB del INFONAVIT: "
    "escribe el folio del acuse del INFONAVIT."
)
MSG_FOLIO_NO_DICE = "El acuse no dice el folio {folio}: escríbelo como aparece en el acuse."
MSG_ES_IMSS = (
    "«{nombre}» es el acuse de presentación de la informativa ICSOE del IMSS, no el acuse del "
    "SISUB del INFONAVIT: son dos obligaciones distintas. Elige el acuse que descargas en "
    "«Seguimiento a folio» del Portal Empresarial del INFONAVIT."
)
MSG_ES_CONSTANCIA = (
    "«{nombre}» es la constancia de firma de la informativa que genera esta aplicación, no el "
    "acuse del SISUB del INFONAVIT: firmar no es presentar. Elige el acuse que descargas en "
    "«Seguimiento a folio» del Portal Empresarial del INFONAVIT."
)
MSG_NO_INFONAVIT = (
    "«{nombre}» no es un acuse del SISUB del INFONAVIT: no dice «INFONAVIT» y «SISUB» (o "
    "«29 Bis»), como lo dice el acuse de «Seguimiento a folio». Elige el acuse que descargaste "
    "del Portal Empresarial."
)
MSG_SIN_FECHA = (
    "El acuse no dice su fecha de recepción en una línea que la nombre: no se toma otra fecha "
    "del texto (el inicio de un contrato, la de impresión). Elige el acuse de «Seguimiento a "
    "folio»; si es un escaneo, decláralo y escribe la fecha de recepción que muestra."
)
MSG_FECHA_DISTINTA = (
    "La fecha escrita ({escrita}) no es la de recepción que dice el acuse ({leida}): se "
    "registra la del acuse."
)
MSG_FECHA_FUTURA = (
    "La fecha de recepción ({fecha}) es posterior a este momento: no es la de un acuse ya "
    "emitido. Revisa el acuse y la fecha, la hora y la zona horaria de esta computadora."
)
MSG_FECHA_ANTERIOR = (
    "La fecha de recepción ({fecha}) es anterior al fin del periodo {periodo}: el SISUB de un "
    "cuatrimestre se presenta después de que termina. No es el acuse de este SISUB."
)


def documento(texto: str, nombre: str, es_constancia: bool) -> None:
    """Refuse what is not the INFONAVIT's acuse of a SISUB, by what it is. A PDF without text (a
    scan) says nothing of its kind: the clerk's statement covers it (``cotejar``)."""
    if es_constancia:
        raise ValidationError(
            "acuse_es_constancia", MSG_ES_CONSTANCIA.format(nombre=nombre), "acuse"
        )
    if not texto.strip():
        return
    plano = llano(plegar(texto))
    if _IMSS.search(plano) or (
        not _INFONAVIT.search(plano) and FOLIO_IMSS.fullmatch(folio_leido(texto) or "-")
    ):
        raise ValidationError("acuse_es_imss", MSG_ES_IMSS.format(nombre=nombre), "acuse")
    if not (_INFONAVIT.search(plano) and _SISUB.search(plano)):
        raise ValidationError("acuse_no_infonavit", MSG_NO_INFONAVIT.format(nombre=nombre), "acuse")


def folio_leido(texto: str) -> str:
    """The folio on the first line labelled «Folio…:» (after look-alike folding)."""
    m = _FOLIO_EN_TEXTO.search(plegar(texto))
    return m.group(1).upper() if m else ""


def fecha_recepcion(texto: str) -> datetime | None:
    """The latest date of a line labelled as the reception (or just under one), aware in Central
    Mexico time; None when no line labels one."""
    lineas = [llano(plegar(linea)) for linea in texto.splitlines()]
    fechas: list[datetime] = []
    for i, linea in enumerate(lineas):
        en_linea = _fechas(linea)
        if not en_linea:
            continue
        etiqueta = linea[: linea.find(en_linea[0][1])]
        if not re.search(r"[a-z]{3,}", etiqueta) and i > 0:
            etiqueta = lineas[i - 1]  # a bare date: its label is the line above
        if (
            _RECEPCION.search(etiqueta)
            and not _OTRA_FECHA.search(etiqueta)
            and not CITA.search(etiqueta)
        ):
            fechas.extend(f for f, _ in en_linea)
    return max(fechas) if fechas else None


def _fechas(linea: str) -> list[tuple[datetime, str]]:
    encontradas = []
    for m in _FECHA.finditer(linea):
        d, mes, a, h, mi, s = m.groups()
        try:
            cuando = datetime.combine(
                date(int(a), int(mes), int(d)),
                time(int(h or 0), int(mi or 0), int(s or 0)),
                HORA_DEL_CENTRO,
            )
        except ValueError:
            continue  # 31/02, 25:00: not a date
        encontradas.append((cuando, m.group(0)))
    return encontradas


def validar_fecha(presentado: datetime, periodo: Periodo, ahora: datetime) -> None:
    """The reception date (aware) not after ``ahora`` (aware) nor before the period ends."""
    texto = f"{presentado.astimezone(HORA_DEL_CENTRO):%d/%m/%Y %H:%M}"
    if presentado > ahora:
        raise ValidationError("fecha_futura", MSG_FECHA_FUTURA.format(fecha=texto), "fecha")
    if presentado.astimezone(HORA_DEL_CENTRO).date() <= periodo.fin:
        raise ValidationError(
            "fecha_anterior",
            MSG_FECHA_ANTERIOR.format(fecha=texto, periodo=periodo.texto),
            "fecha",
        )


def check_folio(folio: str) -> str:
    limpio = "".join((folio or "").split()).upper()
    if FOLIO_IMSS.fullmatch(limpio) or FOLIO_CONTRATO.fullmatch(limpio):
        raise ValidationError("folio_imss", MSG_FOLIO_IMSS.format(folio=limpio), "folio")
    if not FOLIO.fullmatch(limpio):
        raise ValidationError("folio_invalido", MSG_FOLIO.format(folio=limpio), "folio")
    return limpio


def faltan(texto: str, rfc: str, periodo: Periodo, beneficiarios: frozenset[str]) -> list[str]:
    """What the text does not state of whose the acuse is («el RFC», «el periodo»); refused
    when it states another contratista or period, or cannot be read (look-alike letters, an
    unreadable RFC label)."""
    leidas = partes(texto)
    try:
        legible(leidas)
    except AcuseAjeno as ajeno:
        raise ValidationError(ajeno.code, MSG_ILEGIBLE.format(razon=ajeno.razon), "acuse") from None
    sueltos = leidas.rfcs_sin_parte - beneficiarios
    if leidas.rfcs_contratista:
        otros = [r for r in leidas.rfcs_contratista if r != rfc]
        dicho = not otros
    else:
        otros = [] if rfc in sueltos else sorted(sueltos)
        dicho = sueltos == {rfc}
    if otros:
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
    return [que for que, si in (("el RFC", dicho), ("el periodo", bool(leidas.periodos))) if not si]


def cotejar(
    texto: str,
    rfc: str,
    periodo: Periodo,
    folio: str,
    beneficiarios: frozenset[str],
    declarado: bool,
    oculto: bool = False,
) -> list[str]:
    """Refuse the acuse of another RFC or period, one whose text does not write ``folio`` or
    does not say it was accepted; one that does not state the RFC or the period only when the
    clerk states it (``declarado``). ``oculto``: the PDF carries text it does not show (said in
    the message). Returns what the clerk stated."""
    falta = faltan(texto, rfc, periodo, beneficiarios)
    if falta and not declarado:
        raise ValidationError(
            "acuse_sin_datos",
            MSG_SIN_DATOS.format(falta=" ni ".join(falta), rfc=rfc, periodo=periodo.texto)
            + (MSG_OCULTO if oculto else ""),
            "declarado",
        )
    if not texto.strip():
        return falta
    compacto = "".join(plegar(texto).split()).upper()
    if folio not in compacto:
        raise ValidationError("folio_no_en_acuse", MSG_FOLIO_NO_DICE.format(folio=folio), "folio")
    plano = llano(plegar(texto))
    no_rechazado(texto)
    if not _ACEPTADO.search(plano) and not falta:
        raise ValidationError("acuse_sin_aceptado", MSG_SIN_ACEPTADO, "acuse")
    return falta


def no_rechazado(texto: str) -> None:
    """Refuse an acuse whose text says the INFONAVIT rejected its folio or has it still in
    process: said as soon as the acuse is read, before the clerk is asked to confirm it."""
    plano = llano(plegar(texto))
    if _RECHAZADO.search(plano):
        raise ValidationError("acuse_rechazado", MSG_RECHAZADO, "acuse")
    if _EN_PROCESO.search(plano) and not _ACEPTADO.search(plano):
        raise ValidationError("acuse_en_proceso", MSG_EN_PROCESO, "acuse")


# Why a stored acuse is not the registered one, by the code of what refuses it.
_GUARDADO = {
    "acuse_es_imss": "es el acuse ICSOE del IMSS",
    "acuse_es_constancia": "es la constancia de firma de la informativa",
    "acuse_no_infonavit": "no es un acuse del SISUB del INFONAVIT",
    "acuse_de_otro_rfc": "es de otro contratista",
    "acuse_de_otro_periodo": "es de otro periodo",
    "acuse_letras_parecidas": "escribe letras de otro alfabeto que imitan a las latinas",
    "acuse_rfc_ilegible": "no dice un RFC legible",
    "acuse_sin_datos": "no dice de quién es, y no se registró como declarado",
    "folio_no_en_acuse": "no dice el folio registrado",
    "acuse_rechazado": "no dice que el folio esté aceptado",
    "acuse_en_proceso": "no dice que el folio esté aceptado",
    "acuse_sin_aceptado": "no dice que el folio esté aceptado",
}
OTRA_FECHA = "es del {leida}, no de la fecha de presentación registrada ({registrada})"


def guardado_ajeno(
    texto: str,
    es_constancia: bool,
    rfc: str,
    periodo: Periodo,
    folio: str,
    presentado: datetime | None,
    beneficiarios: frozenset[str],
    declarado: bool,
) -> str:
    """Why a stored acuse (its text read again, ``es_constancia`` as the reader says) is not
    the one registered for this report ("" when it is): its kind, whose, its folio accepted and
    its reception date (``presentado``, aware) held as when it was registered."""
    try:
        documento(texto, "acuse", es_constancia)
        falta = cotejar(texto, rfc, periodo, folio, beneficiarios, declarado)
    except ValidationError as exc:
        return _GUARDADO.get(exc.code, exc.message)
    leida = None if falta else fecha_recepcion(texto)
    if leida is not None and presentado is not None and leida != presentado:
        formato = "%d/%m/%Y %H:%M:%S"
        return OTRA_FECHA.format(
            leida=leida.strftime(formato),
            registrada=presentado.astimezone(HORA_DEL_CENTRO).strftime(formato),
        )
    return ""
