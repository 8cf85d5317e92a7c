"""What the SISUB's worker rows typed by the clerk are checked against, read in the caller's
unit of work: the empresa's registros patronales, the bimestre the contract was in force in,
the row already there (or removed) for the same worker, contract and bimestre, and the name
and CURP the contract's list of the informativa gives the NSS.

A row the clerk removes stays in the store deleted and marked ``editado``: Preparar then does
not bring it back from the receipts (as it keeps an edited row as edited), and «Agregar
trabajador» of the same NSS and bimestre brings the same row back."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_registro_patronal
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.sisub.modelo import CAMPOS_IMPORTES, Bimestre, Importes, bimestres
from icsoe_desktop.domain.sisub.revision import Recibos
from icsoe_desktop.services.nomina.consulta import vigente as recibo_vigente
from icsoe_desktop.services.sisub.vigentes import Vigente
from icsoe_desktop.store.models import (
    Contratante,
    ContratoRow,
    ContratoTrabajador,
    ReciboNomina,
    RegistroPatronal,
    SisubTrabajador,
)

MSG_SIN_REGISTROS = (
    "La empresa no tiene registros patronales: agrégalos en Configuración › Registros "
    "patronales… o importa sus recibos de nómina."
)


def registros_de_la_empresa(session: Session) -> tuple[str, ...]:
    """The empresa's registros patronales: those captured and those its receipts carry."""
    capturados = session.scalars(
        select(RegistroPatronal.registro).where(RegistroPatronal.deleted.is_(False))
    )
    de_recibos = session.scalars(
        select(ReciboNomina.registro_patronal)
        .where(ReciboNomina.registro_patronal != "", recibo_vigente())
        .distinct()
    )
    return tuple(sorted({*capturados, *de_recibos}))


def registro_de_la_empresa(session: Session, registro: str) -> str:
    """``registro`` checked and one of the empresa's."""
    numero = check_registro_patronal(registro, "registroPatronal")
    suyos = registros_de_la_empresa(session)
    if not suyos:
        raise ValidationError("sin_registros_patronales", MSG_SIN_REGISTROS, "registroPatronal")
    if numero not in suyos:
        raise ValidationError(
            "registro_ajeno",
            f"El registro patronal {numero} no es de la empresa: elige uno de {', '.join(suyos)}.",
            "registroPatronal",
        )
    return numero


def bimestre_del_contrato(periodo: Periodo, contrato: Vigente, numero: int) -> Bimestre:
    """The bimestre ``numero`` when it is one of the period's and the contract was in force in
    it."""
    dos = bimestres(periodo)
    elegido = next((b for b in dos if b.numero == numero), None)
    if elegido is None:
        raise ValidationError(
            "bimestre_invalido",
            f"El bimestre debe ser el {dos[0].texto} o el {dos[1].texto}.",
            "bimestre",
        )
    inicio, fin = contrato.fecha_inicial, contrato.fecha_final
    if (inicio is not None and inicio > elegido.fin) or (fin is not None and fin < elegido.inicio):
        raise ValidationError(
            "bimestre_fuera_del_contrato",
            f"El contrato no estaba en vigor en el bimestre {elegido.texto}.",
            "bimestre",
        )
    return elegido


def fila_de(
    session: Session, reporte_id: int, contrato_id: int, bimestre: int, nss: str
) -> tuple[SisubTrabajador | None, SisubTrabajador | None]:
    """(the live row of the worker in the contract and bimestre, the last one the clerk
    removed)."""
    filas = session.scalars(
        select(SisubTrabajador)
        .where(
            SisubTrabajador.reporte_id == reporte_id,
            SisubTrabajador.contrato_id == contrato_id,
            SisubTrabajador.bimestre == bimestre,
            SisubTrabajador.nss == nss,
        )
        .order_by(SisubTrabajador.id)
    ).all()
    viva = next((f for f in filas if not f.deleted), None)
    quitadas = [f for f in filas if f.deleted and f.editado]
    return viva, (quitadas[-1] if quitadas else None)


def quitados(session: Session, reporte_id: int) -> set[tuple[int, int, str]]:
    """The (contract id, bimestre, NSS) the clerk removed from the report."""
    return {
        (contrato_id, bimestre, nss)
        for contrato_id, bimestre, nss in session.execute(
            select(SisubTrabajador.contrato_id, SisubTrabajador.bimestre, SisubTrabajador.nss)
            .where(
                SisubTrabajador.reporte_id == reporte_id,
                SisubTrabajador.deleted.is_(True),
                SisubTrabajador.editado.is_(True),
            )
            .distinct()
        )
    }


def sin_los_quitados(session: Session, reporte_id: int, recibos: Recibos) -> Recibos:
    """The bimestres the receipts show each worker in (``revisar.bimestres_con_recibos``)
    without those the clerk removed them from: Revisar does not ask to prepare again for a row
    Preparar leaves out."""
    quedan = {clave: set(en) for clave, en in recibos.items()}
    for rfc, nss, bimestre in session.execute(
        select(Contratante.rfc, SisubTrabajador.nss, SisubTrabajador.bimestre)
        .join(ContratoRow, ContratoRow.id == SisubTrabajador.contrato_id)
        .join(Contratante, Contratante.id == ContratoRow.contratante_id)
        .where(
            SisubTrabajador.reporte_id == reporte_id,
            SisubTrabajador.deleted.is_(True),
            SisubTrabajador.editado.is_(True),
        )
    ):
        quedan.get((rfc.upper(), nss), set()).discard(bimestre)
    return {clave: frozenset(en) for clave, en in quedan.items()}


def persona_de(session: Session, contrato_id: int, nss: str) -> tuple[str, str]:
    """(CURP, name) the contract's list of the informativa gives the NSS; empty without it."""
    fila = session.execute(
        select(ContratoTrabajador.curp, ContratoTrabajador.nombre)
        .where(
            ContratoTrabajador.contrato_id == contrato_id,
            ContratoTrabajador.nss == nss,
            ContratoTrabajador.deleted.is_(False),
        )
        .order_by(ContratoTrabajador.id)
        .limit(1)
    ).first()
    return (fila.curp or "", fila.nombre or "") if fila is not None else ("", "")


def texto_de_importes(importes: Importes) -> str:
    """The amounts as the audit says them: «fijas 1,234.50; días de incapacidad 3»."""
    partes = []
    for campo in fields(Importes):
        valor = getattr(importes, campo.name)
        texto = str(valor) if campo.name == "dias_incapacidad" else f"{valor / 100:,.2f}"
        partes.append(f"{CAMPOS_IMPORTES[campo.name].lower()} {texto}")
    return "; ".join(partes)


__all__ = [
    "MSG_SIN_REGISTROS",
    "bimestre_del_contrato",
    "fila_de",
    "persona_de",
    "quitados",
    "registro_de_la_empresa",
    "registros_de_la_empresa",
    "sin_los_quitados",
    "texto_de_importes",
]
