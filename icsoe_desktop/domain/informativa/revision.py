"""Revisar: the inconsistencies the IMSS publishes for informativas (Lineamientos,
the seven inconsistencies), plus the checks of every worker row, found before
the contratista signs. Each ``Problema`` names the contract (its uuid) and the field to focus,
and its message names the contract by its contratante and objeto so a clerk finds it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from icsoe_desktop.domain.identifiers import rfc_digito_no_corresponde
from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.informativa.lineamientos import LINEAMIENTOS, Lineamientos
from icsoe_desktop.domain.informativa.modelo import (
    ESTADOS,
    NORMAL,
    SIN_INFORMACION,
    TIPOS,
    Contrato,
    Informativa,
    Problema,
)
from icsoe_desktop.domain.informativa.repse import REPSE_NO_AUTORIZADO, REPSE_VENCE
from icsoe_desktop.domain.informativa.trabajadores import SIN_CURPS, revisar_trabajadores

# The IMSS's seven, in its order; the worker codes are in trabajadores.py.
CONTRATISTA_ES_CONTRATANTE = "contratista_es_contratante"
SIN_DESCRIPCION = "sin_descripcion"
FECHAS = "fechas"
SIN_TRABAJADORES = "sin_trabajadores"
SIN_CONTRATOS = "sin_contratos"
VARIAS_DECLARACIONES = "varias_declaraciones"
# 7, «the number of contracts declared differs from the contracts in the informativa», cannot
# happen here: no contract count is typed apart, the informativa declares its list of contracts.
SBC_DISTINTO = "sbc_distinto"  # a warning, not one of the seven
# Warnings from the CFDI de nómina imported (services/nomina), when the period has receipts.
SIN_RECIBO = "sin_recibo_del_cliente"
FUERA_DEL_CONTRATO = "recibo_fuera_del_contrato"
SBC_RECIBO = "sbc_distinto_del_recibo"
PORCENTAJE_EXCEDIDO = "porcentaje_mayor_100"
DE_RECIBOS = frozenset({SIN_RECIBO, FUERA_DEL_CONTRATO, SBC_RECIBO, PORCENTAJE_EXCEDIDO})
# Warnings from the contratista's REPSE registration, when it is recorded.
DE_REPSE = frozenset({REPSE_NO_AUTORIZADO, REPSE_VENCE})

# Every code Revisar can answer, with a short title for a list or the manual.
CODIGOS: dict[str, str] = {
    CONTRATISTA_ES_CONTRATANTE: "El contratista es también el contratante",
    SIN_DESCRIPCION: "Falta el folio o la descripción del REPSE",
    FECHAS: "Fecha inicial faltante o inconsistente",
    SIN_TRABAJADORES: "Contrato sin trabajadores",
    SIN_CONTRATOS: "Informativa sin contratos (o «Sin información» con contratos)",
    VARIAS_DECLARACIONES: "Varias declaraciones del mismo periodo",
    SBC_DISTINTO: "SBC distinto del registrado en los movimientos",
    SIN_RECIBO: "Trabajador sin recibo de nómina que nombre al contratante",
    FUERA_DEL_CONTRATO: "Trabajadores pagados por el contratante que faltan en el contrato",
    SBC_RECIBO: "SBC distinto del último recibo de nómina",
    PORCENTAJE_EXCEDIDO: "Recibo cuyos porcentajes de tiempo suman más de 100 %",
    REPSE_NO_AUTORIZADO: "Servicio no autorizado en el registro REPSE",
    REPSE_VENCE: "Contrato que sigue después del vencimiento del registro REPSE",
    "nss": "NSS no válido",
    "curp": "CURP no válida",
    "sbc": "SBC no válido o fuera del rango legal",
    "nss_repetido": "NSS repetido en el contrato",
    "curp_repetida": "CURP repetida en el contrato",
    "curp_distinta": "El NSS tiene registrada otra CURP",
}

_DECLARACIONES = (NORMAL, SIN_INFORMACION)  # what a complementaria should have been instead


def _cuantos(n: int, singular: str, plural: str) -> str:
    return f"{n:,} {singular if n == 1 else plural}"


def _rfc(texto: str) -> str:
    return "".join(texto.split()).replace("-", "").upper()


def _corto(texto: str, largo: int = 60) -> str:
    texto = " ".join(texto.split())
    return texto if len(texto) <= largo else texto[: largo - 1].rstrip() + "…"


def nombre_contrato(c: Contrato) -> str:
    """«Contrato con Servicios del Norte, S.A. de C.V. («Limpieza de oficinas»)»."""
    quien = _corto(c.contratante.nombre) or _rfc(c.contratante.rfc)
    objeto = f"«{_corto(c.objeto)}»" if c.objeto.strip() else "sin objeto"
    return f"Contrato con {quien} ({objeto})" if quien else f"Contrato sin contratante ({objeto})"


def _fecha(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def revisar_declaracion(inf: Informativa) -> list[Problema]:
    """``revisar``'s inconsistencies of the informativa itself, before its contracts'."""
    problemas = []
    periodo = inf.periodo.texto
    if inf.tipo == NORMAL and not inf.contratos and inf.extranjeros:
        problemas.append(
            Problema(
                SIN_CONTRATOS,
                f"La informativa Normal de {periodo} sólo tiene contratos con empresas "
                "extranjeras sin establecimiento permanente en México, que no se declaran: "
                "presenta una informativa «Sin información».",
                campo="tipo",
            )
        )
    elif inf.tipo == SIN_INFORMACION and inf.contratos:
        problemas.append(
            Problema(
                SIN_CONTRATOS,
                f"La informativa «Sin información» de {periodo} tiene "
                f"{_cuantos(len(inf.contratos), 'contrato', 'contratos')}: una informativa «Sin información» "
                "declara que no se celebró ningún contrato en el cuatrimestre. Quita los "
                "contratos o preséntala como Normal.",
                campo="tipo",
            )
        )
    elif inf.tipo != SIN_INFORMACION and not inf.contratos:
        problemas.append(
            Problema(
                SIN_CONTRATOS,
                f"La informativa {TIPOS.get(inf.tipo, inf.tipo)} de {periodo} no tiene "
                "contratos. Si en el cuatrimestre no se celebró ningún contrato, presenta una "
                "informativa «Sin información».",
                campo="contratos",
            )
        )
    if inf.tipo in _DECLARACIONES:
        for otra in inf.otras:
            if otra.uuid != inf.uuid and otra.tipo in _DECLARACIONES:
                estado = ESTADOS.get(otra.estado, otra.estado).lower()
                problemas.append(
                    Problema(
                        VARIAS_DECLARACIONES,
                        f"Ya hay otra informativa {TIPOS[otra.tipo]} de {periodo} ({estado}). "
                        "Un periodo se declara una sola vez: para corregir o actualizar lo "
                        "declarado, presenta una complementaria.",
                        campo="tipo",
                    )
                )
    return problemas


def _descripcion(c: Contrato, nombre: str) -> list[Problema]:
    def problema(campo: str, que: str) -> Problema:
        return Problema(SIN_DESCRIPCION, f"{nombre}: {que}", contrato=c.uuid, campo=campo)

    folio, descripcion = c.folio_repse.strip(), c.descripcion_servicio.strip()
    if not folio:
        return [
            problema(
                "folio_repse",
                "faltan el folio del REPSE y la descripción del servicio u obra especializado "
                "autorizado con ese folio."
                if not descripcion
                else "falta el folio del REPSE que autorizó el servicio u obra especializado: "
                "va sólo el folio, en su campo «Folio REPSE» (la descripción ya está en el "
                "suyo).",
            )
        ]
    if not descripcion:
        return [
            problema(
                "descripcion_servicio",
                "falta la descripción del servicio u obra especializado autorizado en el REPSE "
                f"con el folio {folio}.",
            )
        ]
    return []


def revisar_contrato(
    inf: Informativa,
    c: Contrato,
    curps_conocidas: Mapping[str, str] = SIN_CURPS,
    reglas: Lineamientos = LINEAMIENTOS,
) -> list[Problema]:
    """``revisar``'s inconsistencies of one contract of ``inf`` (its own fields, then its worker
    rows): *Firmar* checks them a contract at a time, its workers not all kept at once."""
    problemas: list[Problema] = []
    nombre = nombre_contrato(c)

    def add(codigo: str, campo: str, que: str) -> None:
        problemas.append(Problema(codigo, f"{nombre}: {que}", contrato=c.uuid, campo=campo))

    rfc = _rfc(c.contratante.rfc)
    if rfc and rfc == _rfc(inf.contratista.rfc):
        add(
            CONTRATISTA_ES_CONTRATANTE,
            "contratante",
            f"el RFC del contratante ({rfc}) es el del propio contratista. El contratante es "
            "quien recibe los servicios u obras, no quien los presta.",
        )
    if inf.tipo in reglas.tipos_con_descripcion:
        problemas += _descripcion(c, nombre)
    inicio, fin = c.fecha_inicial, c.fecha_final
    periodo = inf.periodo
    if inicio is None:
        add(FECHAS, "fecha_inicial", "falta la fecha inicial (el inicio de su vigencia).")
    elif not periodo.inicio <= inicio <= periodo.fin:
        add(
            FECHAS,
            "fecha_inicial",
            f"la fecha inicial {_fecha(inicio)} no está en {periodo.texto}: la informativa "
            "declara los contratos que iniciaron en el cuatrimestre.",
        )
    if inicio is not None and fin is not None and fin < inicio:
        add(
            FECHAS,
            "fecha_final",
            f"la fecha final {_fecha(fin)} es anterior a la fecha inicial {_fecha(inicio)}.",
        )
    listados = len(c.trabajadores)
    if not listados:
        add(
            SIN_TRABAJADORES,
            "trabajadores",
            "no tiene trabajadores. Agrega a los trabajadores que prestan el servicio u obra.",
        )
    for p in revisar_trabajadores(c.trabajadores, periodo.anio, curps_conocidas):
        problemas.append(
            replace(p, mensaje=f"{nombre}, renglón {p.renglon}: {p.mensaje}", contrato=c.uuid)
        )
    return problemas


def revisar(
    inf: Informativa,
    curps_conocidas: Mapping[str, str] = SIN_CURPS,
    reglas: Lineamientos = LINEAMIENTOS,
) -> list[Problema]:
    """Every inconsistency of ``inf``: first those of the informativa, then each contract's in
    its order (its own fields, then its worker rows). Empty: ready to sign.
    ``curps_conocidas``: NSS → CURP of the workers the empresa already knows."""
    problemas = revisar_declaracion(inf)
    for contrato in inf.contratos:
        problemas += revisar_contrato(inf, contrato, curps_conocidas, reglas)
    return problemas


def avisos_sbc(inf: Informativa, registrados: Mapping[str, int]) -> list[Problema]:
    """Warnings, not inconsistencies: each worker whose SBC differs from the last one the
    empresa's movimientos registered for its NSS in the period (``registrados``: NSS →
    centavos), the most common reason the IMSS rejects a worker."""
    avisos = []
    for c in inf.contratos:
        for renglon, t in enumerate(c.trabajadores, start=1):
            registrado = registrados.get(t.nss)
            if registrado is None or registrado == t.sbc:
                continue
            avisos.append(
                Problema(
                    SBC_DISTINTO,
                    f"{nombre_contrato(c)}, renglón {renglon}: el SBC de {t.nombre or t.nss} "
                    f"(NSS {t.nss}) es {_pesos(t.sbc)} y el último registrado en los "
                    f"movimientos del periodo es {_pesos(registrado)}. Un SBC distinto del "
                    "registrado ante el IMSS es la causa más común de rechazo.",
                    contrato=c.uuid,
                    campo="sbc",
                    renglon=renglon,
                    aviso=True,
                )
            )
    return avisos


@dataclass(frozen=True, slots=True)
class ReciboDelCliente:
    """A worker's latest receipt of the period that names a client (its RfcLabora)."""

    curp: str
    nss: str
    nombre: str
    sbc: int  # SalarioBaseCotApor, centavos


def avisos_recibos(
    inf: Informativa,
    por_cliente: Mapping[str, Mapping[str, ReciboDelCliente]],
    excedidos: Mapping[str, int],
) -> list[Problema]:
    """Warnings from the payroll's receipts of the period (only asked when it has some):
    a worker on a contract with no receipt naming its contratante; workers paid for that
    contratante missing from the contract; an SBC other than the latest such receipt's; a
    worker with a receipt whose shares of time add to more than 100 %. ``por_cliente``:
    contratante RFC → CURP → receipt; ``excedidos``: CURP → that sum (thousandths)."""
    encontrados: list[Problema] = []
    for c in inf.contratos:
        rfc = _rfc(c.contratante.rfc)
        recibos = por_cliente.get(rfc, {})
        por_nss = {r.nss: r for r in recibos.values() if r.nss}
        vistos: set[str] = set()
        for renglon, t in enumerate(c.trabajadores, start=1):
            quien = f"{nombre_contrato(c)}, renglón {renglon}: {t.nombre or t.nss} (NSS {t.nss})"
            recibo = recibos.get(t.curp) or por_nss.get(t.nss)
            if recibo is None:
                encontrados.append(
                    Problema(
                        SIN_RECIBO,
                        f"{quien} no tiene en el periodo un recibo de nómina que nombre a "
                        f"{rfc} (RfcLabora).",
                        contrato=c.uuid,
                        campo="trabajadores",
                        renglon=renglon,
                        aviso=True,
                    )
                )
            else:
                vistos.add(recibo.curp)
                if recibo.sbc != t.sbc:
                    encontrados.append(
                        Problema(
                            SBC_RECIBO,
                            f"{quien}: el SBC es {_pesos(t.sbc)} y su último recibo de nómina "
                            f"que nombra a {rfc} dice {_pesos(recibo.sbc)}.",
                            contrato=c.uuid,
                            campo="sbc",
                            renglon=renglon,
                            aviso=True,
                        )
                    )
            if t.curp in excedidos:
                encontrados.append(
                    Problema(
                        PORCENTAJE_EXCEDIDO,
                        f"{quien} tiene en el periodo un recibo de nómina cuyos porcentajes de "
                        f"tiempo suman {excedidos[t.curp] / 1000:g} %.",
                        contrato=c.uuid,
                        campo="trabajadores",
                        renglon=renglon,
                        aviso=True,
                    )
                )
        faltan = sorted(
            (r for curp, r in recibos.items() if curp not in vistos), key=lambda r: r.nss
        )
        if faltan:
            nombres = ", ".join(f"{r.nombre or r.curp} (NSS {r.nss})" for r in faltan[:5])
            mas = f" y {len(faltan) - 5:,} más" if len(faltan) > 5 else ""
            encontrados.append(
                Problema(
                    FUERA_DEL_CONTRATO,
                    f"{nombre_contrato(c)}: "
                    f"{_cuantos(len(faltan), 'trabajador pagado', 'trabajadores pagados')} por "
                    f"servir a {rfc} según sus recibos de nómina no "
                    f"{'está' if len(faltan) == 1 else 'están'} en el contrato: {nombres}{mas}.",
                    contrato=c.uuid,
                    campo="trabajadores",
                    aviso=True,
                )
            )
    return encontrados


def _pesos(centavos: int) -> str:
    return f"${centavos // 100:,}.{centavos % 100:02d}"


# --- Avisos: listed by Revisar, they do not block signing -------------------------------------

RFC_DIGITO = "rfc_digito_verificador"
AVISOS: dict[str, str] = {RFC_DIGITO: "Dígito verificador del RFC del contratante"}


def avisos(inf: Informativa) -> list[Problema]:
    """What Revisar lists as a warning only: a contratante's RFC whose check digit does not
    match (the SAT has issued some such RFCs, so it is the clerk's to confirm, not to refuse)."""
    encontrados: list[Problema] = []
    for c in inf.contratos:
        rfc = _rfc(c.contratante.rfc)
        if rfc_digito_no_corresponde(rfc):
            encontrados.append(
                Problema(
                    RFC_DIGITO,
                    f"{nombre_contrato(c)}: el dígito verificador del RFC del contratante "
                    f"({rfc}) no corresponde; revísalo con el contratante (no impide firmar).",
                    contrato=c.uuid,
                    campo="contratante",
                    aviso=True,
                )
            )
    return encontrados


def avisos_revision(
    inf: Informativa, aviso: str, fin: date, autorizados: Iterable[str]
) -> list[Problema]:
    """Revisar's warnings about the contratista's registration: a contract whose service it
    did not authorise (captured before it was recorded), one that runs past its end."""
    autorizados = list(autorizados)
    encontrados: list[Problema] = []
    for c in inf.contratos:
        if c.descripcion_servicio and repse.autorizado(c.descripcion_servicio, autorizados) is None:
            encontrados.append(
                Problema(
                    REPSE_NO_AUTORIZADO,
                    f"{nombre_contrato(c)}: el servicio no está entre los autorizados en el "
                    f"registro REPSE {aviso}; elige uno de ellos.",
                    contrato=c.uuid,
                    campo="descripcion_servicio",
                    aviso=True,
                )
            )
        if (texto := repse.aviso_contrato(c.fecha_final, fin, aviso)) is not None:
            encontrados.append(
                Problema(
                    REPSE_VENCE,
                    f"{nombre_contrato(c)}: {texto[0].lower()}{texto[1:]}",
                    contrato=c.uuid,
                    campo="fecha_final",
                    aviso=True,
                )
            )
    return encontrados
