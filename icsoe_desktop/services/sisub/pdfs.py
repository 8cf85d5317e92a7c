"""The PDFs the SISUB carries besides the REPSE registration: the contratista's escritura
constitutiva and each contract's PDF, kept once (with their SHA-256) and reused by every
period's export. Read by the bounded reader of the acuses, with a document's limits: refused
when empty, not a PDF, protected, damaged or too big. Synced: one per contratista and contract. Who may export the SISUB attaches them
(``Accion.PRESENTAR_SISUB``); every attachment and every refusal is audited."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import contraer
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import ContratoRow, InformativaRow, SisubContrato, SisubPdf

# An escritura runs to dozens of pages, often scanned. A PDF travels whole in one sync request,
# which a sync server takes up to 8 MiB (its bytes as base64: a third more).
MAX_BYTES = 5 * 1024 * 1024
MAX_PAGINAS = 300
ESCRITURA = ""  # the row's ``contrato`` for the escritura

_DOCUMENTO = {True: "la escritura constitutiva", False: "el contrato"}
MENSAJES = {
    "acuse_vacio": "El archivo «{nombre}» está vacío: elige el PDF de {doc}.",
    "acuse_grande": "El archivo «{nombre}» pesa más de 5 MB: guarda {doc} en un PDF más ligero.",
    "acuse_no_pdf": "El archivo «{nombre}» no es un PDF: elige el PDF de {doc}.",
    "acuse_paginas": "El PDF «{nombre}» tiene más de 300 páginas: no parece {doc}.",
    "acuse_cifrado": (
        "El PDF «{nombre}» está protegido con contraseña: guárdalo sin protegerlo y elígelo "
        "de nuevo."
    ),
    "acuse_danado": "El PDF «{nombre}» está dañado o incompleto: guárdalo de nuevo.",
    "acuse_contenido": "El PDF «{nombre}» no parece {doc}: sus páginas son demasiado grandes.",
    "acuse_lento": "El PDF «{nombre}» no se pudo leer en un tiempo razonable.",
    "acuse_cancelado": "Se canceló la lectura de «{nombre}».",
}
MSG_SIN_CONTRATO = "El contratista {rfc} no tiene un contrato con el número SISUB «{numero}»."
MSG_CONTRATO_AJENO = "Ese contrato no es del contratista {rfc}."


@dataclass(frozen=True)
class Guardado:
    nombre: str
    sha256: str
    nuevo: bool  # False: the same PDF was kept already


def mensaje(clave: str, escritura: bool) -> str:
    """One of MENSAJES for the escritura or a contract: «elige el PDF del contrato»."""
    return contraer(MENSAJES[clave].replace("{doc}", _DOCUMENTO[escritura]))


def leer(pdf: Pdf, escritura: bool) -> str:
    """The PDF read whole by the bounded reader with a document's limits; its SHA-256."""
    mensajes = {k: mensaje(k, escritura) for k in MENSAJES}
    leer_acuse(pdf.datos, pdf.nombre, mensajes=mensajes, limites=(MAX_BYTES, MAX_PAGINAS))
    return hashlib.sha256(pdf.datos).hexdigest()


class SisubPdfsService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        acceso: AccesoContratista | None = None,
    ) -> None:
        self._store, self._audit, self._clock = store, audit, clock
        self._acceso = acceso or AccesoContratista(store, audit, permisos)

    @anuncia(ICSOE)
    def adjuntar_escritura(self, rfc: str, actor: str | None, pdf: Pdf) -> Guardado:
        return self._adjuntar(rfc, actor, ESCRITURA, pdf)

    @anuncia(ICSOE)
    def adjuntar_contrato(self, rfc: str, actor: str | None, contrato: str, pdf: Pdf) -> Guardado:
        """``contrato``: the ICSOE contract's uuid."""
        if not contrato:
            raise ValidationError("contrato_invalido", MSG_CONTRATO_AJENO.format(rfc=rfc))
        return self._adjuntar(rfc, actor, contrato, pdf)

    def contrato_por_numero(self, rfc: str, actor: str | None, numero: str) -> str:
        """The uuid of the contratista's contract whose SISUB number is ``numero``."""
        with self._store.session() as session:
            c = self._acceso.contratista(session, rfc, actor, Accion.PRESENTAR_SISUB)
            uuid = session.scalar(
                select(ContratoRow.uuid)
                .join(SisubContrato, SisubContrato.contrato_id == ContratoRow.id)
                .join(InformativaRow, InformativaRow.id == ContratoRow.informativa_id)
                .where(InformativaRow.contratista_id == c.id, SisubContrato.numero == numero)
            )
        if not numero or uuid is None:
            raise ValidationError(
                "contrato_invalido", MSG_SIN_CONTRATO.format(rfc=rfc, numero=numero[:40])
            )
        return uuid

    def guardados(self, rfc: str, actor: str | None) -> dict[str, Guardado]:
        """The PDFs kept for the contratista, by contract uuid (the escritura under '')."""
        with self._store.session() as session:
            c = self._acceso.contratista(session, rfc, actor, Accion.PRESENTAR_SISUB)
            # Their names only: the window asks at each contract chosen, the PDFs are megabytes.
            rows = session.execute(
                select(SisubPdf.contrato, SisubPdf.nombre, SisubPdf.sha256).where(
                    SisubPdf.contratista_id == c.id
                )
            )
            return {r.contrato: Guardado(r.nombre, r.sha256, False) for r in rows}

    def _adjuntar(self, rfc: str, actor: str | None, contrato: str, pdf: Pdf) -> Guardado:
        with self._store.session() as session:
            c = self._acceso.contratista(session, rfc, actor, Accion.PRESENTAR_SISUB)
            if contrato and not _es_suyo(session, c.id, contrato):
                raise ValidationError("contrato_invalido", MSG_CONTRATO_AJENO.format(rfc=rfc))
        que = f"{rfc} {'escritura' if not contrato else 'contrato ' + contrato}"
        try:
            sha = leer(pdf, escritura=not contrato)
        except ValidationError as exc:
            self._audit.anotar(actor, "sisub_pdf_rechazado", que, f"{pdf.nombre}: {exc.message}")
            raise
        with self._store.session() as session:
            c = self._acceso.contratista(session, rfc, actor, Accion.PRESENTAR_SISUB)
            row = session.scalar(
                select(SisubPdf).where(
                    SisubPdf.contratista_id == c.id, SisubPdf.contrato == contrato
                )
            )
            if row is not None and row.sha256 == sha:
                return Guardado(row.nombre, sha, False)
            if row is None:
                row = SisubPdf(contratista_id=c.id, contrato=contrato)
                session.add(row)
            row.nombre, row.sha256, row.datos = pdf.nombre[:255], sha, pdf.datos
            row.adjuntado_at = self._clock()
        self._audit.anotar(actor, "sisub_pdf_adjuntado", que, f"{pdf.nombre}, SHA-256 {sha}")
        return Guardado(pdf.nombre[:255], sha, True)


def _es_suyo(session: Session, contratista_id: int, contrato: str) -> bool:
    return (
        session.scalar(
            select(ContratoRow.id)
            .join(InformativaRow, InformativaRow.id == ContratoRow.informativa_id)
            .where(ContratoRow.uuid == contrato, InformativaRow.contratista_id == contratista_id)
        )
        is not None
    )


def pdfs_de(
    session: Session, contratista_id: int, contratos: Collection[str] | None = None
) -> dict[str, bytes]:
    """The kept PDFs' bytes by contract uuid (the escritura under ''); ``contratos``: only
    those contracts' (None: all)."""
    consulta = select(SisubPdf).where(SisubPdf.contratista_id == contratista_id)
    if contratos is not None:
        consulta = consulta.where(SisubPdf.contrato.in_(list(contratos)))
    rows = session.scalars(consulta.options(undefer(SisubPdf.datos)))
    return {r.contrato: bytes(r.datos) for r in rows}


def unidos(pdfs: list[bytes]) -> bytes:
    """The contracts' PDFs in one, in the report's order (each was read whole when kept)."""
    from pypdf import PdfReader, PdfWriter

    if len(pdfs) == 1:
        return pdfs[0]
    escritor = PdfWriter()
    for datos in pdfs:
        escritor.append(PdfReader(io.BytesIO(datos)))
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


__all__ = ["MAX_BYTES", "Guardado", "SisubPdfsService", "leer", "pdfs_de", "unidos"]
