"""The filing on the IMSS portal, as the acuse de presentación states it: the final folio (``N…``
Normal, ``SI…`` Sin información), the date and time of filing (Central Mexico time) and the IMSS
folio of each contract (``A26P…``). Signing in the app approves what is filed; only the
portal's acuse proves it was (docs/diseno/icsoe.md, «Signing is not filing»).

``proponer`` reads what it recognises in the acuse's text; the clerk confirms or types it, and
``validar`` checks what is registered. The folio prefixes are data: the complementarias' are
not published, so any folio of the right form is taken for them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_imss import CITA, llano
from icsoe_desktop.domain.informativa.modelo import MESES, NORMAL, SIN_INFORMACION, TIPOS, Periodo
from icsoe_desktop.domain.informativa.periodos import fecha_limite

# The final folio's prefix per tipo (examples: N262253432, SI262202734).
PREFIJOS: dict[str, str] = {NORMAL: "N", SIN_INFORMACION: "SI"}
FOLIO = re.compile(r"[A-Z]{1,3}\d{6,12}")
# A contract's IMSS folio: «A», the year's two digits, a letter (P, S or T by cuatrimestre, as
# the IMSS names its public lists; not published, so any letter) and digits: A26P3662382.
FOLIO_CONTRATO = re.compile(r"A\d{2}[A-Z]\d{5,12}")
# A folio in free text: not glued to other letters or digits.
_FOLIO_EN_TEXTO = re.compile(r"(?<![A-Z0-9Ñ&])([A-Z]{1,3}\d{6,12})(?![A-Z0-9])")
_CONTRATO_EN_TEXTO = re.compile(r"(?<![A-Z0-9])(A\d{2}[A-Z]\d{5,12})(?![A-Z0-9])")
# What labels the date of filing, and the other dates an acuse may carry (printed, downloaded).
_ETIQUETA_PRESENTACION = re.compile(r"presenta|recepci|recibid|\benvi")
_PALABRA = re.compile(r"[a-z]{3,}")
_SIN_FECHA = re.compile(r"\b(?:hrs?|horas|a\.?\s*m|p\.?\s*m|de|del|las|a)\b|" + "|".join(MESES))
_ETIQUETA_OTRA = re.compile(r"impres|imprim|generad|descarg|consulta|emision|vigencia|limite")
_RFC_EN_TEXTO = re.compile(r"(?<![A-Z0-9Ñ&])([A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3})(?![A-Z0-9])")
_FECHA_NUMERICA = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})\D{0,20}?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(a\.?\s*m\.?|p\.?\s*m\.?))?",
    re.IGNORECASE,
)
_FECHA_EN_LETRA = re.compile(
    r"(\d{1,2})\s+de\s+([a-záéíóú]+)\s+(?:de|del)\s+(\d{4})\D{0,20}?(\d{1,2}):(\d{2})(?::(\d{2}))?",
    re.IGNORECASE,
)

MSG_FOLIO_VACIO = "Escribe el folio del acuse de presentación del IMSS."
MSG_FOLIO_FORMA = (
    "El folio «{folio}» no es un folio de presentación del IMSS: son letras seguidas de "
    "dígitos, por ejemplo N262253432 (Normal) o SI262202734 (Sin información)."
)
MSG_FOLIO_TIPO = (
    "El folio «{folio}» no corresponde a una informativa {tipo}: su folio empieza con «{prefijo}»."
)
MSG_FOLIO_CONTRATO = (
    "El folio IMSS «{folio}» del contrato con {contratante} no es válido: es «A», el año en "
    "dos dígitos, una letra y dígitos, por ejemplo A26P3662382."
)
MSG_FOLIO_REPETIDO = "El folio IMSS «{folio}» se escribió en más de un contrato."
MSG_FECHA_FUTURA = (
    "La fecha de presentación ({fecha}) es posterior a este momento: escribe la que dice el "
    "acuse del IMSS (hora del centro). Si es la que dice, revisa la fecha, la hora y la zona "
    "horaria de esta computadora."
)
MSG_FECHA_ANTES_DE_FIRMAR = (
    "La fecha de presentación ({fecha}) es anterior a la firma de la informativa ({firma}): "
    "en el portal se presenta después de firmar. Escribe la que dice el acuse del IMSS."
)
MSG_FECHA_ANTERIOR = (
    "La fecha de presentación ({fecha}) es anterior al periodo {periodo}: escribe la que dice "
    "el acuse del IMSS."
)


@dataclass(frozen=True)
class Presentacion:
    """A filing as registered: ``presentada`` aware, in Central Mexico time;
    ``folios_contratos``: contract uuid → its IMSS folio."""

    folio: str
    presentada: datetime
    folios_contratos: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Propuesta:
    """What the acuse's text gave (None or absent: not recognised, to be typed)."""

    folio: str | None = None
    presentada: datetime | None = None
    folios_contratos: dict[str, str] = field(default_factory=dict)
    # What the text does not state of whose acuse it is (acuse_imss.FALTA_*): the clerk must
    # state it; ``sin_texto``: none at all (a scanned acuse).
    faltan: tuple[str, ...] = ()
    sin_texto: bool = False


def normalizar_folio(texto: str) -> str:
    return "".join(texto.split()).upper()


def proponer(texto: str, contratos: list[tuple[str, str]], tipo: str | None = None) -> Propuesta:
    """The folio, date and contract folios found in the acuse's ``texto``. ``contratos``:
    (uuid, contratante RFC) in the informativa's order; ``tipo``: the informativa's, when
    known (a folio whose prefix says another tipo is one the acuse cites, not its own). A contract folio goes to the contract
    whose contratante's RFC is on its line (several with that RFC: in order); the folios left,
    when exactly as many as the contracts left, in order."""
    mayusculas = texto.upper()
    encontrados: list[tuple[str | None, str]] = []
    for linea in mayusculas.splitlines():
        rfcs = _RFC_EN_TEXTO.findall(linea)
        for folio_contrato in _CONTRATO_EN_TEXTO.findall(linea):
            encontrados.append((rfcs[0] if len(rfcs) == 1 else None, folio_contrato))
    folios: dict[str, str] = {}
    sueltos: list[str] = []
    for rfc, folio_contrato in dict.fromkeys(encontrados):
        uuid = next((u for u, r in contratos if r == rfc and u not in folios), None)
        if uuid is None:
            sueltos.append(folio_contrato)
        else:
            folios[uuid] = folio_contrato
    faltan = [u for u, _ in contratos if u not in folios]
    if sueltos and len(sueltos) == len(faltan):
        folios.update(zip(faltan, sueltos, strict=True))
    return Propuesta(
        folio=_folio_propio(texto, tipo),
        presentada=_fecha(texto),
        folios_contratos=folios,
    )


def tipo_del_folio(folio: str) -> str | None:
    """The tipo a final folio's prefix says (N… Normal, SI… Sin información), if any."""
    prefijo = folio.rstrip("0123456789")
    return next((tipo for tipo, p in PREFIJOS.items() if p == prefijo), None)


def tipo_por_folio(texto: str, propio: str | None) -> str | None:
    """The tipo the acuse's folio says by its prefix: its own folio's (``propio``, read for
    the informativa's tipo) or, with none, the folio it shows (an acuse whose only folio is
    another tipo's is that tipo's acuse)."""
    folio = propio or _folio_propio(texto)
    return tipo_del_folio(folio) if folio else None


def _folio_propio(texto: str, tipo: str | None = None) -> str | None:
    """The acuse's own final folio: on a line that says «folio» (or just under one) and cites
    no other filing (a Corrección's acuse also names the folio it corrects, with or without
    saying so: a folio whose prefix says another tipo than ``tipo`` is not its own); failing
    that, the first N… or SI… folio outside such a citation."""
    lineas = texto.splitlines()
    con_prefijo: str | None = None
    for i, linea in enumerate(lineas):
        plano = llano(linea)
        if CITA.search(plano):
            continue
        etiqueta = "folio" in plano or (i > 0 and "folio" in llano(lineas[i - 1]))
        for m in _FOLIO_EN_TEXTO.finditer(linea.upper()):
            if tipo is not None and tipo_del_folio(m.group(0)) not in (None, tipo):
                continue  # another tipo's folio (the Normal a Corrección corrects)
            if etiqueta and not _CONTRATO_EN_TEXTO.fullmatch(m.group(0)):
                return m.group(0)
            if con_prefijo is None and tipo_del_folio(m.group(0)) is not None:
                con_prefijo = m.group(0)
    return con_prefijo


def _fecha(texto: str) -> datetime | None:
    """The date and time of filing, read as Central Mexico time: the latest one on a line that
    labels it so (or just under such a label); failing that, the first one on a line that is
    not a print or download date."""
    lineas = texto.splitlines()
    etiquetadas: list[datetime] = []
    otras: list[datetime] = []
    for i, linea in enumerate(lineas):
        fechas = _fechas_en(linea)
        if not fechas:
            continue
        etiqueta = llano(linea)
        if i > 0 and not _PALABRA.search(_SIN_FECHA.sub(" ", etiqueta)):
            etiqueta = llano(lineas[i - 1])  # a bare date: its label is the line above
        if CITA.search(etiqueta) or _ETIQUETA_OTRA.search(etiqueta):
            continue
        (etiquetadas if _ETIQUETA_PRESENTACION.search(etiqueta) else otras).extend(fechas)
    if etiquetadas:
        return max(etiquetadas)
    return otras[0] if otras else None


def _fechas_en(linea: str) -> list[datetime]:
    """Each date with a time in the line."""
    fechas: list[datetime] = []
    for patron, mes_de in ((_FECHA_NUMERICA, int), (_FECHA_EN_LETRA, _mes)):
        for m in patron.finditer(linea):
            try:
                hora = int(m.group(4))
                ampm = m.group(7) if patron is _FECHA_NUMERICA else None
                if ampm:
                    pm = ampm.lower().startswith("p")
                    hora = hora % 12 + (12 if pm else 0)
                fechas.append(
                    datetime.combine(
                        date(int(m.group(3)), mes_de(m.group(2)), int(m.group(1))),
                        time(hora, int(m.group(5)), int(m.group(6) or 0)),
                        HORA_DEL_CENTRO,
                    )
                )
            except ValueError:
                continue  # 31/02, 25:00: not a date, look further
    return fechas


def _mes(nombre: str) -> int:
    try:
        return MESES.index(nombre.lower()) + 1
    except ValueError:
        raise ValueError(nombre) from None


def validar(
    folio: str,
    tipo: str,
    presentada: datetime,
    periodo: Periodo,
    ahora: datetime,
    folios_contratos: dict[str, str],
    contratantes: dict[str, str],
    firmada: datetime | None = None,
) -> Presentacion:
    """What the clerk confirmed, checked: the folio's form and, for Normal and Sin
    información, its prefix; the date not in the future (``ahora``, aware), nor before the
    period nor before the signing (``firmada``, aware); each contract folio's form, none
    repeated. ``contratantes``: contract uuid → the name to cite in a message."""
    folio = normalizar_folio(folio)
    if not folio:
        raise ValidationError("folio_vacio", MSG_FOLIO_VACIO, "folio")
    if not FOLIO.fullmatch(folio):
        raise ValidationError("folio_invalido", MSG_FOLIO_FORMA.format(folio=folio), "folio")
    prefijo = PREFIJOS.get(tipo)
    if prefijo is not None and folio.rstrip("0123456789") != prefijo:
        raise ValidationError(
            "folio_de_otro_tipo",
            MSG_FOLIO_TIPO.format(folio=folio, tipo=TIPOS[tipo], prefijo=prefijo),
            "folio",
        )
    texto = f"{presentada.astimezone(HORA_DEL_CENTRO):%d/%m/%Y %H:%M}"
    if presentada > ahora:
        raise ValidationError("fecha_futura", MSG_FECHA_FUTURA.format(fecha=texto), "fecha")
    if presentada.astimezone(HORA_DEL_CENTRO).date() < periodo.inicio:
        raise ValidationError(
            "fecha_anterior",
            MSG_FECHA_ANTERIOR.format(fecha=texto, periodo=periodo.texto),
            "fecha",
        )
    if firmada is not None and presentada < firmada.replace(microsecond=0):
        raise ValidationError(
            "fecha_antes_de_firmar",
            MSG_FECHA_ANTES_DE_FIRMAR.format(
                fecha=texto, firma=f"{firmada.astimezone(HORA_DEL_CENTRO):%d/%m/%Y %H:%M}"
            ),
            "fecha",
        )
    limpios: dict[str, str] = {}
    for uuid, folio_contrato in folios_contratos.items():
        folio_contrato = normalizar_folio(folio_contrato)
        if not folio_contrato:
            continue  # not typed: the acuse may not list it
        if not FOLIO_CONTRATO.fullmatch(folio_contrato):
            raise ValidationError(
                "folio_contrato_invalido",
                MSG_FOLIO_CONTRATO.format(
                    folio=folio_contrato, contratante=contratantes.get(uuid, "el contratante")
                ),
                "folios",
            )
        if folio_contrato in limpios.values():
            raise ValidationError(
                "folio_contrato_repetido", MSG_FOLIO_REPETIDO.format(folio=folio_contrato), "folios"
            )
        limpios[uuid] = folio_contrato
    return Presentacion(folio, presentada.astimezone(HORA_DEL_CENTRO), limpios)


def acuse_alterado(pdf: bytes | None, huella: str) -> bool:
    """Whether a stored IMSS acuse is not the one registered: its bytes' SHA-256 is not
    ``huella`` (the one kept with it)."""
    return hashlib.sha256(pdf or b"").hexdigest() != huella


def folios_registrados(texto: str) -> dict[str, str]:
    """The contracts' IMSS folios registered with the acuse (contract uuid → folio), from the
    row's JSON; a row damaged outside the app gives none."""
    try:
        leidos = json.loads(texto) if texto else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in leidos.items()} if isinstance(leidos, dict) else {}


def dias_fuera_de_plazo(periodo: Periodo, tipo: str, presentada: datetime) -> int:
    """The days after the fecha límite a Normal or Sin información was filed (0: on time). A
    complementaria has no deadline of its own (Lineamientos 5.6)."""
    if tipo not in PREFIJOS:
        return 0
    dia = presentada.astimezone(HORA_DEL_CENTRO).date()
    return max(0, (dia - fecha_limite(periodo)).days)


# Said of a filing whose constancia carries no time-stamp trusted here: its signing date is
# the signer's clock, so «Presentada» alone (on time) is never said of it.
NO_PROBADA = "fecha de firma no probada"


def texto_presentada(dias_tarde: int, firma_probada: bool) -> str:
    """«Presentada», or «Presentada fuera de plazo (3 días)»; without ``firma_probada`` (no
    trusted time-stamp proves when the constancia was signed) followed by «, fecha de firma no
    probada». Every caller says which: none may fall back to «Presentada» alone."""
    if dias_tarde <= 0:
        texto = "Presentada"
    else:
        texto = f"Presentada fuera de plazo ({dias_tarde} {'día' if dias_tarde == 1 else 'días'})"
    return texto if firma_probada else f"{texto}, {NO_PROBADA}"


__all__ = [
    "FOLIO",
    "FOLIO_CONTRATO",
    "NO_PROBADA",
    "PREFIJOS",
    "Presentacion",
    "Propuesta",
    "acuse_alterado",
    "dias_fuera_de_plazo",
    "folios_registrados",
    "normalizar_folio",
    "proponer",
    "texto_presentada",
    "tipo_del_folio",
    "tipo_por_folio",
    "validar",
]
