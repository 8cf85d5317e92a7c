"""A CFDI de nómina read into what the store keeps (``Recibo``), with a hardened parser.

The XML comes from disks and ZIPs nobody vouches for: no DTD is loaded, no entity expanded, no
network reached, no huge tree built, and a document that declares a DOCTYPE (a CFDI never does;
billion laughs and XXE need one) is refused. Amounts are kept in centavos, percentages and days
in thousandths: integers, exact.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.texts import contraer, plural

if TYPE_CHECKING:  # lxml is imported at the first receipt, not with the module (start-up)
    from lxml.etree import XMLParser
    from lxml.etree import _Element as Elemento

MAX_XML = 2 * 1024 * 1024  # a receipt is a few kilobytes; the SAT's own limit is far above
NS_CFDI = {"4.0": "http://www.sat.gob.mx/cfd/4", "3.3": "http://www.sat.gob.mx/cfd/3"}
NS_NOMINA = "http://www.sat.gob.mx/nomina12"
NS_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
SUSTITUCION = "04"  # c_TipoRelacion: «Sustitución de los CFDI previos»
_UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
_RFC = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")


class ReciboRechazado(ValidationError):
    """A receipt kept out of the store, with the reason the import lists."""


@dataclass(frozen=True, slots=True)
class Percepcion:
    tipo: str  # the SAT's c_TipoPercepcion («001» sueldos, «019» horas extra…)
    gravado: int  # centavos
    exento: int


@dataclass(frozen=True, slots=True)
class Incapacidad:
    dias: int
    tipo: str  # c_TipoIncapacidad: 01 riesgo de trabajo, 02 enfermedad general, 03 maternidad…
    importe: int  # centavos (ImporteMonetario; 0 when absent)


@dataclass(frozen=True, slots=True)
class Subcontratacion:
    rfc: str  # RfcLabora: the client the worker served
    porcentaje: int  # PorcentajeTiempo in thousandths (100 % = 100_000)


@dataclass(frozen=True, slots=True)
class Timbre:
    uuid: str  # upper case, the receipt's identity
    fecha: datetime  # FechaTimbrado (hora del centro, naive)
    rfc_proveedor: str
    no_certificado_sat: str
    sello_cfd: str
    sello_sat: str
    version: str
    leyenda: str = ""


# c_TipoRegimen of the asimilados a salarios (LISR 94: cooperativas, consejos, comisionistas,
# honorarios, acciones, otros): paid without the IMSS.
ASIMILADOS = frozenset({"05", "06", "07", "08", "09", "10", "11"})


@dataclass(frozen=True, slots=True)
class Recibo:
    version: str  # «4.0» | «3.3»
    fecha: datetime  # of issue, as written (hora local, naive)
    emisor_rfc: str
    receptor_rfc: str
    nombre: str
    total: int
    nss: str
    curp: str
    registro_patronal: str
    sbc: int  # SalarioBaseCotApor, centavos
    sdi: int  # SalarioDiarioIntegrado, centavos
    tipo_nomina: str  # O ordinaria, E extraordinaria
    periodicidad: str  # c_PeriodicidadPago: 02 semanal, 04 quincenal…
    fecha_pago: date
    fecha_inicial: date
    fecha_final: date
    dias_pagados: int  # thousandths
    total_percepciones: int
    total_deducciones: int
    total_otros_pagos: int
    percepciones: tuple[Percepcion, ...]
    incapacidades: tuple[Incapacidad, ...]
    subcontrataciones: tuple[Subcontratacion, ...]
    timbre: Timbre
    no_certificado: str
    certificado: str  # base64, as the XML carries it
    sello: str  # base64
    # The UUIDs this receipt substitutes (CfdiRelacionados with TipoRelacion «04»): a receipt
    # cancelled and issued again.
    sustituye: tuple[str, ...] = ()
    # Its deducciones of type 010 «Pago por crédito de vivienda» (the worker's INFONAVIT loan
    # discounted), centavos: the SISUB's amortizaciones.
    vivienda: int = 0
    tipo_regimen: str = ""  # c_TipoRegimen: 02 sueldos; 05 to 11 asimilados a salarios

    @property
    def asimilado(self) -> bool:
        """Paid as asimilado a salarios: no NSS, no SBC, not under the IMSS."""
        return self.tipo_regimen in ASIMILADOS


_local = threading.local()  # an lxml parser is used by one thread at a time


def _parser() -> XMLParser:
    """This thread's hardened parser, made once (a parser per receipt costs more than reading
    many receipts' fields)."""
    parser: XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        from lxml import etree

        parser = _local.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            collect_ids=False,
        )
    return parser


def parse_xml(data: bytes) -> Elemento:
    """The document's root element; ``ReciboRechazado`` when it is no safe, well-formed XML."""
    from lxml import etree

    if len(data) > MAX_XML:
        raise ReciboRechazado(
            "xml_grande",
            f"Mide más de {MAX_XML // (1024 * 1024)} MB: un recibo de nómina mide unos kilobytes.",
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        linea = f" (línea {exc.lineno})" if exc.lineno else ""
        raise ReciboRechazado("xml_malformado", f"No es un XML bien formado{linea}.") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ReciboRechazado(
            "xml_con_doctype",
            "El XML declara un DOCTYPE (entidades), que un CFDI no lleva: no se lee.",
        )
    return root


def version_de(root: Elemento) -> str:
    """«4.0» or «3.3»: what the root's namespace and Version say together."""
    for version, ns in NS_CFDI.items():
        if root.tag == f"{{{ns}}}Comprobante" and root.get("Version") == version:
            return version
    raise ReciboRechazado(
        "no_es_cfdi", "No es un CFDI 3.3 ni 4.0 (su raíz no es un cfdi:Comprobante de esas)."
    )


def _attr(el: Elemento, name: str, donde: str) -> str:
    value = el.get(name)
    if value is not None:
        value = value.strip()
    if not value:
        raise ReciboRechazado(
            "campo_faltante", contraer(f"Le falta el atributo {name} de {donde}.")
        )
    return str(value)


# An amount as the SAT's schema writes it (digits, a point, decimals): read by integers, the
# same value as by Decimal (rounded half up to centavos), several times faster.
_IMPORTE = re.compile(r"([0-9]{1,15})(?:\.([0-9]{1,6}))?")


def _millonesimas(text: str) -> int | None:
    """The amount in millionths when written as the schema writes it; None for any other shape."""
    simple = _IMPORTE.fullmatch(text)
    if simple is None:
        return None
    enteros, decimales = simple.groups()
    return int(enteros) * 1_000_000 + int((decimales or "").ljust(6, "0"))


def _dos_decimales(text: str) -> int | None:
    """«123.45» exactly (ASCII digits, two decimals, nothing around) in centavos, the shape of
    nearly every amount; None for any other, which takes the general reading."""
    if not 4 <= len(text) <= 18 or text[-3] != "." or not text.isascii():
        return None
    enteros, decimales = text[:-3], text[-2:]
    if not (enteros.isdigit() and decimales.isdigit()):
        return None
    return int(enteros) * 100 + int(decimales)


def _centavos(text: str | None, campo: str) -> int:
    if text is None:
        return 0
    rapido = _dos_decimales(text)
    if rapido is not None:
        return rapido
    if not text.strip():
        return 0
    millonesimas = _millonesimas(text.strip())
    if millonesimas is not None:
        return (millonesimas + 5_000) // 10_000
    return _por_decimal(text, 100, campo, "un importe")


def _milesimas(text: str, campo: str) -> int:
    millonesimas = _millonesimas(text.strip())
    if millonesimas is not None:
        return (millonesimas + 500) // 1_000
    return _por_decimal(text, 1000, campo, "un número")


def _por_decimal(text: str, escala: int, campo: str, que: str) -> int:
    """The general reading: any shape Decimal reads, scaled and rounded half up."""
    try:
        value = Decimal(text.strip())
        if value.is_finite() and value >= 0:
            return int((value * escala).quantize(Decimal(1), ROUND_HALF_UP))
    except ArithmeticError:  # not a number, or more digits than Decimal carries once scaled
        pass
    raise ReciboRechazado("campo_invalido", f"{campo} no es {que}: «{text}».")


def _fecha(text: str, campo: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ReciboRechazado("campo_invalido", f"{campo} no es una fecha: «{text}».") from None


def _momento(text: str, campo: str) -> datetime:
    try:
        if len(text) < 19 or text[10] != "T":
            raise ValueError(text)
        return datetime.fromisoformat(text[:19])
    except ValueError:
        raise ReciboRechazado("campo_invalido", f"{campo} no es una fecha: «{text}».") from None


_NOMINA, _TIMBRE = f"{{{NS_NOMINA}}}Nomina", f"{{{NS_TFD}}}TimbreFiscalDigital"
_N_RECEPTOR, _N_EMISOR = f"{{{NS_NOMINA}}}Receptor", f"{{{NS_NOMINA}}}Emisor"
_PERCEPCIONES, _PERCEPCION = f"{{{NS_NOMINA}}}Percepciones", f"{{{NS_NOMINA}}}Percepcion"
_INCAPACIDADES, _INCAPACIDAD = f"{{{NS_NOMINA}}}Incapacidades", f"{{{NS_NOMINA}}}Incapacidad"
_SUBCONTRATACION = f"{{{NS_NOMINA}}}SubContratacion"
_DEDUCCIONES, _DEDUCCION = f"{{{NS_NOMINA}}}Deducciones", f"{{{NS_NOMINA}}}Deduccion"
VIVIENDA = "010"  # c_TipoDeduccion: pago por crédito de vivienda


_NINGUNO: tuple[None] = (None,)


def _por_etiqueta(el: Elemento) -> dict[object, list[Elemento]]:
    """``el``'s children by tag, each list in document order: one walk over them where a
    receipt asks a node for several kinds of child (a walk per kind, or ``iterfind``'s path,
    would make the children's proxies again each time)."""
    grupos: dict[object, list[Elemento]] = {}  # a comment's tag is a function
    for hijo in el:
        grupos.setdefault(hijo.tag, []).append(hijo)
    return grupos


def _hijos(el: Elemento, tag: str) -> list[Elemento]:
    """``el``'s children named ``tag`` (its ``iterfind(tag)``)."""
    return [hijo for hijo in el if hijo.tag == tag]


def _complementos(complementos: list[Elemento]) -> tuple[Elemento, Elemento]:
    """(the Nómina node, the TimbreFiscalDigital node) of the Complemento; anything else there
    is refused: its cadena could not be rebuilt, and a receipt carries nothing else."""
    nominas, timbres = [], []
    for complemento in complementos:
        for child in complemento:
            if not isinstance(child.tag, str):
                continue  # a comment or processing instruction
            if child.tag == _NOMINA:
                nominas.append(child)
            elif child.tag == _TIMBRE:
                timbres.append(child)
            else:
                nombre = child.tag.rpartition("}")[2]
                raise ReciboRechazado(
                    "complemento_ajeno",
                    f"Trae el complemento «{nombre}», que un recibo de nómina no lleva.",
                )
    if not nominas:
        raise ReciboRechazado("sin_nomina", "No trae el complemento de Nómina 1.2.")
    if len(nominas) > 1:
        raise ReciboRechazado(
            "varias_nominas",
            f"Trae {plural(len(nominas), 'complemento')} de nómina; se admite uno por recibo.",
        )
    if not timbres:
        raise ReciboRechazado(
            "sin_timbre", "No está timbrado: le falta el Timbre Fiscal Digital del SAT."
        )
    if len(timbres) > 1:
        raise ReciboRechazado("varios_timbres", "Trae más de un Timbre Fiscal Digital.")
    return nominas[0], timbres[0]


def _timbre(node: Elemento) -> Timbre:
    donde = "el Timbre Fiscal Digital"
    uuid = _attr(node, "UUID", donde).upper()
    if not _UUID.fullmatch(uuid):
        raise ReciboRechazado("campo_invalido", f"El UUID del timbre no es válido: «{uuid}».")
    return Timbre(
        uuid=uuid,
        fecha=_momento(_attr(node, "FechaTimbrado", donde), "FechaTimbrado"),
        rfc_proveedor=_attr(node, "RfcProvCertif", donde),
        no_certificado_sat=_attr(node, "NoCertificadoSAT", donde),
        sello_cfd=_attr(node, "SelloCFD", donde),
        sello_sat=_attr(node, "SelloSAT", donde),
        version=_attr(node, "Version", donde),
        leyenda=node.get("Leyenda") or "",
    )


def leer_recibo(root: Elemento) -> Recibo:
    """What the store keeps of a parsed CFDI de nómina; ``ReciboRechazado`` names what is
    missing or wrong. Nothing here says the receipt is genuine: ``sello.Verificador`` does."""
    return leer_con_timbre(root)[0]


def leer_con_timbre(root: Elemento) -> tuple[Recibo, Elemento]:
    """``leer_recibo`` and the TimbreFiscalDigital node it read (its seal is verified over
    that node's cadena: not looked for again)."""
    version = version_de(root)
    ns = NS_CFDI[version]
    tipo = root.get("TipoDeComprobante") or ""
    if tipo != "N":
        raise ReciboRechazado(
            "no_es_nomina", f"Es un CFDI de tipo «{tipo}», no un recibo de nómina (tipo N)."
        )
    hijos = _por_etiqueta(root)
    emisor = hijos.get(f"{{{ns}}}Emisor", _NINGUNO)[0]
    receptor = hijos.get(f"{{{ns}}}Receptor", _NINGUNO)[0]
    if emisor is None or receptor is None:
        raise ReciboRechazado("campo_faltante", "Le falta el Emisor o el Receptor.")
    nomina, tfd = _complementos(hijos.get(f"{{{ns}}}Complemento", []))
    if nomina.get("Version") != "1.2":
        raise ReciboRechazado(
            "nomina_version", f"Su complemento de nómina es {nomina.get('Version')}, no 1.2."
        )
    de_nomina = _por_etiqueta(nomina)
    n_receptor = de_nomina.get(_N_RECEPTOR, _NINGUNO)[0]
    if n_receptor is None:
        raise ReciboRechazado("campo_faltante", "Le falta el Receptor del complemento de nómina.")
    n_emisor = de_nomina.get(_N_EMISOR, _NINGUNO)[0]
    donde = "la Nómina"
    recibo = Recibo(
        version=version,
        fecha=_momento(_attr(root, "Fecha", "el Comprobante"), "Fecha"),
        emisor_rfc=_attr(emisor, "Rfc", "el Emisor").upper(),
        receptor_rfc=_attr(receptor, "Rfc", "el Receptor").upper(),
        nombre=(receptor.get("Nombre") or "").strip(),
        total=_centavos(root.get("Total"), "Total"),
        nss=(n_receptor.get("NumSeguridadSocial") or "").strip(),
        tipo_regimen=(n_receptor.get("TipoRegimen") or "").strip(),
        curp=_attr(n_receptor, "Curp", "el Receptor de la nómina").upper(),
        registro_patronal=(
            (n_emisor.get("RegistroPatronal") or "").strip() if n_emisor is not None else ""
        ),
        sbc=_centavos(n_receptor.get("SalarioBaseCotApor"), "SalarioBaseCotApor"),
        sdi=_centavos(n_receptor.get("SalarioDiarioIntegrado"), "SalarioDiarioIntegrado"),
        tipo_nomina=_attr(nomina, "TipoNomina", donde),
        periodicidad=_attr(n_receptor, "PeriodicidadPago", "el Receptor de la nómina"),
        fecha_pago=_fecha(_attr(nomina, "FechaPago", donde), "FechaPago"),
        fecha_inicial=_fecha(_attr(nomina, "FechaInicialPago", donde), "FechaInicialPago"),
        fecha_final=_fecha(_attr(nomina, "FechaFinalPago", donde), "FechaFinalPago"),
        dias_pagados=_milesimas(_attr(nomina, "NumDiasPagados", donde), "NumDiasPagados"),
        total_percepciones=_centavos(nomina.get("TotalPercepciones"), "TotalPercepciones"),
        total_deducciones=_centavos(nomina.get("TotalDeducciones"), "TotalDeducciones"),
        total_otros_pagos=_centavos(nomina.get("TotalOtrosPagos"), "TotalOtrosPagos"),
        percepciones=_percepciones(de_nomina.get(_PERCEPCIONES, [])),
        incapacidades=tuple(
            Incapacidad(
                dias=int(_milesimas(_attr(i, "DiasIncapacidad", "la Incapacidad"), "Días") // 1000),
                tipo=_attr(i, "TipoIncapacidad", "la Incapacidad"),
                importe=_centavos(i.get("ImporteMonetario"), "ImporteMonetario"),
            )
            for grupo in de_nomina.get(_INCAPACIDADES, [])
            for i in _hijos(grupo, _INCAPACIDAD)
        ),
        subcontrataciones=_subcontrataciones(n_receptor),
        timbre=_timbre(tfd),
        no_certificado=_attr(root, "NoCertificado", "el Comprobante"),
        certificado=_attr(root, "Certificado", "el Comprobante"),
        sello=_attr(root, "Sello", "el Comprobante"),
        sustituye=_sustituye(hijos.get(f"{{{ns}}}CfdiRelacionados", []), ns),
        vivienda=_vivienda(de_nomina.get(_DEDUCCIONES, [])),
    )
    return recibo, tfd


def _vivienda(grupos: list[Elemento]) -> int:
    """The deducciones of type 010 added up (the SISUB's amortizaciones of INFONAVIT loans)."""
    return sum(
        _centavos(d.get("Importe"), "Importe")
        for grupo in grupos
        for d in _hijos(grupo, _DEDUCCION)
        if d.get("TipoDeduccion") == VIVIENDA
    )


def _sustituye(grupos: list[Elemento], ns: str) -> tuple[str, ...]:
    uuids: set[str] = set()
    for grupo in grupos:
        if grupo.get("TipoRelacion") != SUSTITUCION:
            continue
        for relacionado in _hijos(grupo, f"{{{ns}}}CfdiRelacionado"):
            uuid = _attr(relacionado, "UUID", "el CfdiRelacionado").upper()
            if not _UUID.fullmatch(uuid):
                raise ReciboRechazado(
                    "campo_invalido", f"El UUID del CFDI relacionado no es válido: «{uuid}»."
                )
            uuids.add(uuid)
    return tuple(sorted(uuids))


def _percepciones(grupos: list[Elemento]) -> tuple[Percepcion, ...]:
    """By SAT type, gravado and exento added up: what the checks and the SISUB ask of them."""
    por_tipo: dict[str, tuple[int, int]] = {}
    percepciones = (p for grupo in grupos for p in _hijos(grupo, _PERCEPCION))
    for p in percepciones:
        tipo = _attr(p, "TipoPercepcion", "la Percepción")
        gravado = _centavos(p.get("ImporteGravado"), "ImporteGravado")
        exento = _centavos(p.get("ImporteExento"), "ImporteExento")
        antes = por_tipo.get(tipo, (0, 0))
        por_tipo[tipo] = (antes[0] + gravado, antes[1] + exento)
    return tuple(Percepcion(t, g, e) for t, (g, e) in sorted(por_tipo.items()))


def _subcontrataciones(n_receptor: Elemento) -> tuple[Subcontratacion, ...]:
    por_rfc: dict[str, int] = {}
    for s in _hijos(n_receptor, _SUBCONTRATACION):
        rfc = _attr(s, "RfcLabora", "la SubContratacion").upper()
        if not _RFC.fullmatch(rfc):
            raise ReciboRechazado("campo_invalido", f"RfcLabora no es un RFC: «{rfc}».")
        texto = _attr(s, "PorcentajeTiempo", "la SubContratacion")
        porcentaje = _milesimas(texto, "PorcentajeTiempo")
        if porcentaje > 100_000:
            raise ReciboRechazado(
                "campo_invalido", f"El PorcentajeTiempo de {rfc} pasa de 100: «{texto}»."
            )
        por_rfc[rfc] = por_rfc.get(rfc, 0) + porcentaje
    return tuple(Subcontratacion(r, p) for r, p in sorted(por_rfc.items()))
