"""What the sujeto obligado's CSV says beyond the report, read in the caller's unit of work:
the contratista's registros patronales (those of the empresa in its RFC and those its
workers of the period carry: one row each), its REPSE folio and PDF, its contact and the data
captured once for the SISUB (domicilio, representante legal, escritura …)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.sisub.archivos import Sujeto, fecha
from icsoe_desktop.domain.sisub.modelo import ReporteSisub
from icsoe_desktop.store.models import Contratista, RegistroPatronal, RegistroRepse


def registros_del_sujeto(
    session: Session, contratista: Contratista, reporte: ReporteSisub
) -> tuple[str, ...]:
    propios = session.scalars(
        select(RegistroPatronal.registro).where(
            RegistroPatronal.rfc == contratista.rfc, RegistroPatronal.deleted.is_(False)
        )
    )
    de_trabajadores = {
        t.registro_patronal
        for c in reporte.contratos
        for t in c.trabajadores
        if t.registro_patronal
    }
    return tuple(sorted({*propios, *de_trabajadores}))


def sujeto_de(
    session: Session, contratista: Contratista, reporte: ReporteSisub
) -> tuple[Sujeto, bytes]:
    """The sujeto's data and its REPSE registration's PDF (b"" without one)."""
    repse = session.scalar(
        select(RegistroRepse).where(RegistroRepse.contratista_id == contratista.id)
    )
    sujeto = Sujeto(
        registros=registros_del_sujeto(session, contratista, reporte),
        folio_repse=repse.aviso if repse is not None else "",
        correo=contratista.correo,
        telefono=contratista.telefono_fijo or contratista.celular,
        datos=datos_del_sujeto(contratista),
    )
    return sujeto, (bytes(repse.pdf or b"") if repse is not None else b"")


def datos_del_sujeto(contratista: Contratista) -> dict[str, str]:
    """The sujeto file's other columns from the contratista's data, by field."""
    return {
        "calle": contratista.calle,
        "numero_exterior": contratista.numero_exterior,
        "numero_interior": contratista.numero_interior,
        "colonia": contratista.colonia,
        "codigo_postal": contratista.codigo_postal,
        "municipio": contratista.municipio,
        "entidad": contratista.entidad,
        "entre_calle": contratista.entre_calle,
        "y_calle": contratista.y_calle,
        "representante_legal": contratista.representante_legal,
        "administrador_unico": contratista.administrador_unico,
        "escritura_numero": contratista.escritura_numero,
        "escritura_fecha": fecha(contratista.escritura_fecha),
        "notario_nombre": contratista.notario_nombre,
        "notario_numero": contratista.notario_numero,
        "folio_mercantil": contratista.folio_mercantil,
    }
