"""Revisar for the SISUB: an ordered list of small checks, each returning its problems, in the
style of the informativa's (``Problema``: a stable code, a Spanish message, the contract and the
field to go to; ``aviso``: worth a look, does not keep the files from being exported).

Every contract in force needs its SISUB number and its complete work site; every worker tied,
a registro patronal and amounts in each bimestre; what the ICSOE informativa of the period
lists (the contracts started in it, their workers) agrees with the report, or the clerk says
why (then a warning only); amounts the clerk edited are compared with the receipts; each
contract's service is one the contratista's REPSE registration authorised, and the registration
was in force the whole period (warnings, as the informativa's Revisar says them); a worker
missing from one bimestre of a contract in force in both, whom his receipts show in it (a
warning); the aportaciones and amortizaciones against the bimestre's payment attached as
evidence (``pagado.py``: a warning over 1 %, a note without one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

from icsoe_desktop.domain.informativa import repse
from icsoe_desktop.domain.informativa.modelo import Domicilio, Problema
from icsoe_desktop.domain.sisub import pagado
from icsoe_desktop.domain.sisub.archivos import Vacia
from icsoe_desktop.domain.sisub.layout import TITULOS_ARCHIVO, sin_ansi
from icsoe_desktop.domain.sisub.modelo import (
    SIN_ACTIVIDAD,
    ContratoSisub,
    Importes,
    ReporteSisub,
    bimestres,
)
from icsoe_desktop.domain.texts import plural

SIN_NUMERO = "sisub_sin_numero"
SITIO_INCOMPLETO = "sisub_sitio_incompleto"
SIN_TRABAJADORES = "sisub_sin_trabajadores"
SIN_REGISTRO = "sisub_sin_registro"
SIN_IMPORTES = "sisub_sin_importes"
ICSOE_CONTRATO = "icsoe_sisub_contrato"
ICSOE_TRABAJADOR = "icsoe_sisub_trabajador"
ICSOE_TIPO = "icsoe_sisub_tipo"
ICSOE_MOTIVO = "icsoe_sisub_motivo"
IMPORTE_RECIBOS = "sisub_importe_recibos"
NO_ANSI = "sisub_caracter_no_ansi"
REPSE_NO_AUTORIZADO = "sisub_repse_no_autorizado"
REPSE_VENCIDO = "sisub_repse_vencido"
FALTA_BIMESTRE = "sisub_falta_bimestre"
SIN_REPSE = "sisub_sin_repse"
COLUMNA_VACIA = "sisub_columna_vacia"
CODIGOS = (
    SIN_NUMERO, SITIO_INCOMPLETO, SIN_TRABAJADORES, SIN_REGISTRO, SIN_IMPORTES,
    ICSOE_CONTRATO, ICSOE_TRABAJADOR, ICSOE_TIPO, ICSOE_MOTIVO, IMPORTE_RECIBOS, NO_ANSI,
    REPSE_NO_AUTORIZADO, REPSE_VENCIDO, FALTA_BIMESTRE, SIN_REPSE, COLUMNA_VACIA,
    *pagado.CODIGOS,
)  # fmt: skip
# Per (client's RFC, NSS): the bimestres of the period whose receipts name that client.
Recibos = dict[tuple[str, str], frozenset[int]]

_SITIO = {
    "calle": "calle",
    "numero_exterior": "número exterior",
    "colonia": "colonia",
    "codigo_postal": "código postal",
    "municipio": "municipio o alcaldía",
    "entidad": "entidad federativa",
}


@dataclass(frozen=True)
class Icsoe:
    """What the ICSOE informativa of the period says: its type (None: none captured) and, per
    contract started in the period, the NSS of its workers."""

    tipo: str | None
    contratos: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Registro:
    """The contratista's REPSE registration: its aviso, its end, the services it authorised."""

    aviso: str
    vence: date
    servicios: tuple[str, ...]


def _nombre(c: ContratoSisub) -> str:
    return f"el {_contrato(c)}"


def _del(c: ContratoSisub) -> str:
    """«del contrato con …», as Spanish contracts «de el»."""
    return f"del {_contrato(c)}"


def _contrato(c: ContratoSisub) -> str:
    return f"contrato con {c.contratante.rfc} ({c.objeto[:60]})"


def _contratos(r: ReporteSisub, _i: Icsoe, _p: dict[str, Importes]) -> Iterable[Problema]:
    for c in r.contratos:
        if not c.numero:
            yield Problema(
                SIN_NUMERO,
                f"Captura el número de contrato SISUB {_del(c)}.",
                c.uuid,
                "numero",
            )
        faltan = [t for k, t in _SITIO.items() if not getattr(c.sitio, k)]
        if faltan:
            yield Problema(
                SITIO_INCOMPLETO,
                f"Completa el centro de trabajo {_del(c)}: falta {', '.join(faltan)}.",
                c.uuid,
                "sitio",
            )
        if not c.trabajadores:
            yield Problema(
                SIN_TRABAJADORES,
                f"{_nombre(c).capitalize()} no tiene trabajadores en el periodo.",
                c.uuid,
                "trabajadores",
                aviso=True,
            )


def _trabajadores(r: ReporteSisub, _i: Icsoe, _p: dict[str, Importes]) -> Iterable[Problema]:
    for c in r.contratos:
        for t in c.trabajadores:
            donde = f"NSS {t.nss}, bimestre {t.bimestre}, {_nombre(c)}"
            if not t.registro_patronal:
                yield Problema(
                    SIN_REGISTRO,
                    f"Captura el registro patronal del {donde}.",
                    c.uuid,
                    "registro_patronal",
                )
            if not any(getattr(t.importes, f.name) for f in fields(Importes)):
                yield Problema(
                    SIN_IMPORTES, f"Captura los importes del {donde}.", c.uuid, "importes"
                )


def _icsoe(r: ReporteSisub, i: Icsoe, p: dict[str, Importes]) -> Iterable[Problema]:
    """The disagreements with the ICSOE informativa; with the clerk's note, warnings headed by
    the note itself (what Revisar accepted them for)."""
    diferencias = list(_diferencias(r, i, p))
    if diferencias and r.nota_icsoe:
        yield Problema(
            ICSOE_MOTIVO,
            "La diferencia con la informativa ICSOE se acepta por el motivo anotado: "
            f"«{r.nota_icsoe}».",
            aviso=True,
        )
    yield from diferencias


def _diferencias(r: ReporteSisub, i: Icsoe, _p: dict[str, Importes]) -> Iterable[Problema]:
    aviso = bool(r.nota_icsoe)
    celebrados = {c.uuid: c for c in r.contratos if c.celebrado}
    if i.tipo is not None and (i.tipo == "sin_informacion") != (not celebrados):
        yield Problema(
            ICSOE_TIPO,
            "La informativa ICSOE del periodo es «Sin información» y el SISUB tiene contratos "
            "celebrados en el periodo."
            if celebrados
            else "La informativa ICSOE del periodo tiene contratos celebrados y el SISUB no.",
            aviso=aviso,
        )
    for uuid, nss in i.contratos.items():
        c = celebrados.get(uuid)
        if c is None:
            yield Problema(
                ICSOE_CONTRATO,
                "Un contrato de la informativa ICSOE del periodo no está en el SISUB.",
                uuid,
                aviso=aviso,
            )
            continue
        en_sisub = {t.nss for t in c.trabajadores}
        for falta in sorted(nss - en_sisub):
            yield Problema(
                ICSOE_TRABAJADOR,
                f"El NSS {falta} está en {_nombre(c)} de la informativa ICSOE y no en el SISUB.",
                uuid,
                "trabajadores",
                aviso=aviso,
            )
        for sobra in sorted(en_sisub - nss):
            yield Problema(
                ICSOE_TRABAJADOR,
                f"El NSS {sobra} está en {_nombre(c)} del SISUB y no en la informativa ICSOE.",
                uuid,
                "trabajadores",
                aviso=aviso,
            )


def _recibos(r: ReporteSisub, _i: Icsoe, propuestos: dict[str, Importes]) -> Iterable[Problema]:
    for c in r.contratos:
        for t in c.trabajadores:
            propuesto = propuestos.get(t.uuid)
            if t.editado and propuesto is not None and propuesto != t.importes:
                yield Problema(
                    IMPORTE_RECIBOS,
                    f"Los importes del NSS {t.nss}, bimestre {t.bimestre}, se capturaron a mano "
                    "y no son los de sus recibos de nómina: revisa que sean los pagados.",
                    c.uuid,
                    "importes",
                    aviso=True,
                )


def _ansi(r: ReporteSisub, _i: Icsoe, _p: dict[str, Importes]) -> Iterable[Problema]:
    textos = [r.nombre]
    for c in r.contratos:
        textos += [
            c.numero,
            c.objeto,
            c.contratante.nombre,
            *(getattr(c.sitio, f.name) for f in fields(Domicilio)),
        ]
    malos = sin_ansi("".join(textos))
    if malos:
        yield Problema(
            NO_ANSI,
            f"Los caracteres «{malos}» no caben en el CSV del SISUB (Windows-1252): se "
            "escribirán «?». Cámbialos antes de exportar.",
            aviso=True,
        )


CHECKS: tuple[Callable[[ReporteSisub, Icsoe, dict[str, Importes]], Iterable[Problema]], ...] = (
    _contratos,
    _trabajadores,
    _icsoe,
    _recibos,
    _ansi,
)


def _repse(r: ReporteSisub, registro: Registro | None) -> Iterable[Problema]:
    """A contract whose service the registration does not authorise; a registration that
    ended before the period did (none captured: nothing to compare with)."""
    if registro is None:
        return
    for c in r.contratos:
        if c.servicio and repse.autorizado(c.servicio, registro.servicios) is None:
            yield Problema(
                REPSE_NO_AUTORIZADO,
                f"El servicio {_del(c)} no está entre los autorizados en el registro "
                f"REPSE {registro.aviso}: corrígelo en el contrato de la informativa ICSOE.",
                c.uuid,
                "servicio",
                aviso=True,
            )
    if r.contratos and registro.vence < r.periodo.fin:
        cuando = "antes del" if registro.vence < r.periodo.inicio else "dentro del"
        yield Problema(
            REPSE_VENCIDO,
            f"El registro REPSE {registro.aviso} venció el {registro.vence:%d/%m/%Y}, {cuando} "
            f"periodo {r.periodo.texto}: los servicios prestados después no están amparados. "
            "Captura su renovación si la obtuvo.",
            aviso=True,
        )


def _bimestre_faltante(r: ReporteSisub, recibos: Recibos) -> Iterable[Problema]:
    """A worker in a contract in one bimestre and not in the other, while the contract was in
    force in both and his receipts name its client in the missing one (a report prepared
    before that bimestre's receipts were loaded). Not when he is in another contract of the
    same client in that bimestre: he moved between them. A warning: the receipts may be of
    other work for the same client."""
    dos = bimestres(r.periodo)
    del_cliente: dict[tuple[str, str], set[int]] = {}
    for c in r.contratos:
        for t in c.trabajadores:
            del_cliente.setdefault((c.contratante.rfc.upper(), t.nss), set()).add(t.bimestre)
    for c in r.contratos:
        if c.fecha_inicial is None or any(
            c.fecha_inicial > b.fin or (c.fecha_final is not None and c.fecha_final < b.inicio)
            for b in dos
        ):
            continue  # not in force in both
        suyos: dict[str, set[int]] = {}
        for t in c.trabajadores:
            suyos.setdefault(t.nss, set()).add(t.bimestre)
        for nss, en in suyos.items():
            clave = (c.contratante.rfc.upper(), nss)
            for b in dos:
                if b.numero in en or b.numero in del_cliente[clave]:
                    continue
                if b.numero in recibos.get(clave, ()):
                    yield Problema(
                        FALTA_BIMESTRE,
                        f"El NSS {nss} no está en el bimestre {b.texto} del contrato "
                        f"{c.numero + ' ' if c.numero else ''}con {c.contratante.rfc}, en vigor "
                        "ese bimestre, y sus recibos de nómina lo muestran en él: prepara de "
                        "nuevo el reporte para traerlos.",
                        c.uuid,
                        "trabajadores",
                        aviso=True,
                    )


# What to do about a required column left empty, by field (else: complete it in the report).
_QUE_HACER = {
    "registro_patronal": "agrega los registros patronales de la empresa (Configuración › "
    "Registros patronales…) o captura el de cada trabajador",
    "folio_repse": "captura el registro REPSE del contratista",
    "razon_social": "completa los datos generales del contratista",
    "rfc_beneficiario": "corrige el contratante en la informativa ICSOE",
    "beneficiario": "corrige el contratante en la informativa ICSOE",
    "fecha_inicio": "corrige las fechas del contrato en la informativa ICSOE",
}


def _vacias(vacias: Iterable[Vacia]) -> Iterable[Problema]:
    """A column the INFONAVIT requires left empty: the portal refuses the file («el sistema
    rechazará el archivo», its instructivo)."""
    for v in vacias:
        que_hacer = _QUE_HACER.get(v.campo, "complétala en el reporte")
        yield Problema(
            COLUMNA_VACIA,
            f"«{TITULOS_ARCHIVO[v.archivo]}»: la columna «{v.titulo}» queda vacía en "
            f"{plural(v.renglones, 'renglón', 'renglones')} y el INFONAVIT rechaza el archivo: "
            f"{que_hacer}.",
            campo=v.campo,
        )


def _sin_repse(registro: Registro | None) -> Iterable[Problema]:
    if registro is None:
        yield Problema(
            SIN_REPSE,
            "El contratista no tiene capturado su registro REPSE: el archivo del sujeto obligado "
            "lleva su número y el SISUB se acompaña de su PDF. Captúralo en Registro REPSE….",
            campo="repse",
        )


def revisar(
    reporte: ReporteSisub,
    icsoe: Icsoe,
    propuestos: dict[str, Importes] | None = None,
    registro: Registro | None = None,
    recibos: Recibos | None = None,
    vacias: Iterable[Vacia] = (),
    pagados: Sequence[pagado.Pagado] | None = None,
) -> list[Problema]:
    """Every check's problems, in order. ``propuestos``: per worker row (uuid) what the
    receipts propose now; ``registro``: the contratista's REPSE registration (None: none
    captured, an error); ``recibos``: the bimestres the receipts show each worker in, per
    client; ``vacias``: the required columns the CSVs would leave empty (told when nothing
    else is to correct: the checks above name most of them better); ``pagados``: the
    bimestres' payments attached as evidence (``pagado.py``; None: not compared)."""
    if reporte.tipo == SIN_ACTIVIDAD and not reporte.contratos:
        problemas = list(_icsoe(reporte, icsoe, {}))
    else:
        problemas = [
            *(p for check in CHECKS for p in check(reporte, icsoe, propuestos or {})),
            *_bimestre_faltante(reporte, recibos or {}),
            *_repse(reporte, registro),
            *(pagado.comparar(reporte, pagados) if pagados is not None else ()),
        ]
    problemas += _sin_repse(registro)
    if not any(not p.aviso for p in problemas):
        problemas += _vacias(vacias)
    return problemas


__all__ = ["CODIGOS", "Icsoe", "Recibos", "Registro", "revisar"]
