"""What Revisar compares the SISUB report with, read in the caller's unit of work: the ICSOE
informativa of the period (its type, the contracts started in it and their workers' NSS),
what the receipts propose now for the rows the clerk edited, the bimestres the receipts show
each worker in, the contratista's REPSE registration, and the bimestres' IMSS–INFONAVIT payments
attached as the months' evidence (read again, by the bounded PDF reader, for their INFONAVIT
amounts)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.evidencias_pago import leer_pago
from icsoe_desktop.domain.informativa.modelo import SIN_INFORMACION, Periodo
from icsoe_desktop.domain.sisub.modelo import Importes, ReporteSisub, bimestres
from icsoe_desktop.domain.sisub.pagado import Pagado
from icsoe_desktop.domain.sisub.revision import Icsoe, Recibos, Registro
from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse
from icsoe_desktop.services.informativa.repse import registro_de
from icsoe_desktop.services.nomina.consulta import vigente
from icsoe_desktop.services.sisub.propuesta import proponer
from icsoe_desktop.services.sisub.vigentes import contratos_en_vigor, informativas_que_cuentan
from icsoe_desktop.store.models import (
    Contratante,
    ContratoRow,
    ContratoTrabajador,
    EvidenciaDocumento,
    InformativaRow,
    ReciboNomina,
    SisubTrabajador,
    SubcontratacionNomina,
)
from icsoe_desktop.store.queries import TANDA

log = logging.getLogger(__name__)
PAGO_IMSS_INFONAVIT = "sua"  # the month's evidence slot (domain/evidencias.py DOCUMENTOS)


def icsoe_del_periodo(session: Session, contratista_id: int, periodo: Periodo) -> Icsoe:
    cuentan = informativas_que_cuentan(session, contratista_id)
    filas = session.execute(
        select(InformativaRow.id, InformativaRow.tipo)
        .where(
            InformativaRow.id.in_(cuentan),
            InformativaRow.periodo == periodo.clave,
        )
        .order_by(InformativaRow.id)
    ).all()
    if not filas:
        return Icsoe(None)
    ids = [f.id for f in filas]
    contratos: dict[str, set[str]] = {}
    for uuid, nss in session.execute(
        select(ContratoRow.uuid, ContratoTrabajador.nss)
        .join(Contratante, Contratante.id == ContratoRow.contratante_id)
        .outerjoin(
            ContratoTrabajador,
            (ContratoTrabajador.contrato_id == ContratoRow.id)
            & ContratoTrabajador.deleted.is_(False),
        )
        .where(
            ContratoRow.informativa_id.in_(ids),
            ContratoRow.deleted.is_(False),
            Contratante.extranjero_sin_ep.is_(False),
        )
        .execution_options(yield_per=TANDA)
    ):
        contratos.setdefault(uuid, set())
        if nss:
            contratos[uuid].add(nss)
    tipos = {f.tipo for f in filas}
    tipo = SIN_INFORMACION if tipos == {SIN_INFORMACION} else "normal"
    return Icsoe(tipo, {u: frozenset(n) for u, n in contratos.items()})


def propuestos_editados(
    session: Session, reporte_id: int, contratista_id: int, periodo: Periodo
) -> dict[str, Importes]:
    editados = session.scalars(
        select(SisubTrabajador).where(
            SisubTrabajador.reporte_id == reporte_id,
            SisubTrabajador.editado.is_(True),
            SisubTrabajador.deleted.is_(False),
        )
    ).all()
    if not editados:
        return {}
    propuestas = proponer(session, periodo, contratos_en_vigor(session, contratista_id, periodo))
    return {
        t.uuid: propuestas[clave].importes
        for t in editados
        if (clave := (t.contrato_id, t.bimestre, t.nss)) in propuestas
    }


def bimestres_con_recibos(session: Session, reporte: ReporteSisub) -> Recibos:
    """Per (client's RFC, NSS) of the report's workers, the bimestres whose receipts (by the
    end of the period they pay, as ``propuesta`` places them) name that client."""
    clientes = sorted({c.contratante.rfc.upper() for c in reporte.contratos})
    nss = {t.nss for c in reporte.contratos for t in c.trabajadores}
    if not clientes or not nss:
        return {}
    primero = bimestres(reporte.periodo)[0]
    r, s = ReciboNomina, SubcontratacionNomina
    en: dict[tuple[str, str], set[int]] = {}
    for rfc, un_nss, fecha_final in session.execute(
        select(s.rfc, r.nss, r.fecha_final)
        .distinct()
        .join(s, s.recibo_id == r.id)
        .where(
            s.rfc.in_(clientes),
            r.fecha_final >= reporte.periodo.inicio,
            r.fecha_final <= reporte.periodo.fin,
            r.nss != "",
            vigente(),
        )
        .execution_options(yield_per=TANDA)
    ):
        if un_nss in nss:
            bimestre = primero.numero + (0 if primero.contiene(fecha_final) else 1)
            en.setdefault((rfc.upper(), un_nss), set()).add(bimestre)
    return {clave: frozenset(b) for clave, b in en.items()}


def registro_repse(session: Session, contratista_id: int) -> Registro | None:
    """The contratista's REPSE registration as Revisar compares with it; None without one."""
    encontrado = registro_de(session, contratista_id)
    if encontrado is None:
        return None
    row, servicios = encontrado
    return Registro(row.aviso, row.vence, tuple(servicios))


def pagos_adjuntos(session: Session, periodo: Periodo) -> list[Pagado]:
    """The IMSS–INFONAVIT payments attached as evidence of the period's months or the month
    after (for every client or for one; each file once), that show INFONAVIT amounts, placed
    in the bimestre they say (or, saying none, their month's): those of a bimestre outside the
    period are left out. A file whose bytes this desktop lacks, or that no longer reads, is
    left out too (its board says so)."""
    meses = [Mes(periodo.anio, n) for n in range(4 * periodo.numero - 3, 4 * periodo.numero + 1)]
    meses.append(meses[-1].siguiente)
    filas = session.scalars(
        select(EvidenciaDocumento)
        .options(undefer(EvidenciaDocumento.datos))
        .where(
            EvidenciaDocumento.tipo == PAGO_IMSS_INFONAVIT,
            EvidenciaDocumento.mes.in_([m.clave for m in meses]),
            EvidenciaDocumento.deleted.is_(False),
        )
        .order_by(EvidenciaDocumento.mes, EvidenciaDocumento.id)
    ).all()
    del_periodo = {b.numero for b in bimestres(periodo)}
    pagados: list[Pagado] = []
    vistos: set[str] = set()
    for fila in filas:
        if fila.sha256 in vistos or not fila.datos:
            continue
        vistos.add(fila.sha256)
        try:
            texto = leer_acuse(fila.datos, fila.nombre).texto
        except ValidationError as exc:
            log.warning("Pago %s de %s no se leyó: %s", fila.nombre, fila.mes, exc.code)
            continue
        pago = leer_pago(texto)
        if pago is None:
            continue  # a bank receipt, or a month without the bimestre's part
        mes = Mes.de_texto(fila.mes)
        if pago.bimestre is not None:
            anio, numero = pago.bimestre
        else:
            anio, numero = mes.anio, (mes.mes + 1) // 2
        if anio == periodo.anio and numero in del_periodo:
            pagados.append(Pagado(fila.nombre, fila.mes, numero, pago))
    return pagados
