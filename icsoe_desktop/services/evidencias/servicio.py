"""Evidencias del cliente: per month, the documents the clerk attaches once for every client
(or for one), what each client has and lacks — the receipts paid that month that name it
(``RfcLabora``), with their XML kept, each document, the REPSE registration — and its pack.

A receipt belongs to the month it was paid in (``FechaPago``): the month the client deducts.
Who attaches and exports: ``Accion.EVIDENCIAS`` (the receipts carry salaries)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import EVIDENCIAS, anuncia
from icsoe_desktop.domain.clock import Clock, hora_del_centro
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.evidencias import (
    DIA_ENTREGA,
    DOCUMENTOS,
    REGISTRO_REPSE,
    Mes,
    check_tipo,
)
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.evidencias import tablero
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias, sha256
from icsoe_desktop.services.evidencias.paquete import Contenido, Paquete, escribir
from icsoe_desktop.services.evidencias.tablero import FilaCliente
from icsoe_desktop.services.informativa.acuse_pdf import MAX_ACUSE_BYTES, leer_acuse
from icsoe_desktop.services.nomina.consulta import vigente
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    Contratante,
    Contratista,
    EvidenciaDocumento,
    EvidenciaEntrega,
    EvidenciaPaquete,
    ReciboNomina,
    RegistroRepse,
    SubcontratacionNomina,
)

MENSAJES_PDF = {
    "acuse_vacio": "El archivo «{nombre}» está vacío: elige el documento del mes.",
    "acuse_grande": "El archivo «{nombre}» pesa más de 2 MB: no es un documento del mes.",
    "acuse_no_pdf": "El archivo «{nombre}» no es un PDF: elige el documento del mes en PDF.",
    "acuse_paginas": "El PDF «{nombre}» tiene demasiadas páginas para ser un documento del mes.",
    "acuse_cifrado": (
        "El PDF «{nombre}» está protegido con contraseña: guárdalo sin protegerlo y elígelo "
        "de nuevo."
    ),
    "acuse_danado": "El PDF «{nombre}» está dañado o incompleto: descárgalo de nuevo.",
    "acuse_contenido": "El PDF «{nombre}» tiene páginas demasiado grandes para leerse.",
    "acuse_lento": "El PDF «{nombre}» no se pudo leer en un tiempo razonable.",
    "acuse_cancelado": "Se canceló la lectura de «{nombre}».",
}


EN_OTRO_EQUIPO = "se adjuntó en otro equipo: adjunta aquí el mismo archivo"


@dataclass(frozen=True)
class EstadoCliente:
    """What one client has and lacks for a month."""

    contratante: str
    nombre: str
    recibos: int  # paid in the month naming it
    recibos_sin_xml: int  # of those, without their XML kept (imported before it was kept)
    documentos: dict[str, str | None]  # tipo → the file's name, or None when missing
    repse: str | None  # the registration's aviso, or None when missing or lapsed
    entrega: date  # the day the evidence is due
    # Documents attached on another desktop (synced) whose bytes this one lacks, by tipo.
    en_otro_equipo: tuple[str, ...] = ()

    @property
    def faltan(self) -> list[str]:
        faltan = [DOCUMENTOS[t] for t, nombre in self.documentos.items() if nombre is None]
        faltan += [
            f"{DOCUMENTOS[t]}: «{self.documentos[t]}» {EN_OTRO_EQUIPO}" for t in self.en_otro_equipo
        ]
        if self.recibos == 0:
            faltan.insert(0, "Recibos de nómina del mes")
        elif self.recibos_sin_xml:
            faltan.insert(
                0, f"XML de {plural(self.recibos_sin_xml, 'recibo')} (impórtalos de nuevo)"
            )
        if self.repse is None:
            faltan.append(REGISTRO_REPSE)
        return faltan

    @property
    def completo(self) -> bool:
        return not self.faltan


@dataclass
class _Mes:
    """What the store holds for a month, read once for every client."""

    recibos: dict[str, list[str]] = field(default_factory=dict)  # client → timbres
    generales: dict[str, EvidenciaDocumento] = field(default_factory=dict)
    propios: dict[tuple[str, str], EvidenciaDocumento] = field(default_factory=dict)
    nombres: dict[str, str] = field(default_factory=dict)
    repse: RegistroRepse | None = None


class EvidenciasService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock,
        archivo: ArchivoEvidencias,
        rfc_empresa: Callable[[], str],
    ) -> None:
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._clock = clock
        self._archivo = archivo
        self._rfc_empresa = rfc_empresa

    # --- documents -----------------------------------------------------------------------------

    @anuncia(EVIDENCIAS)
    def adjuntar(
        self,
        actor: str | None,
        mes: Mes,
        tipo: str,
        ruta: Path,
        contratante: str | None = None,
    ) -> str:
        """The month's document ``tipo`` for every client (or for ``contratante`` alone),
        replacing the one attached before; its bytes kept once. Its SHA-256."""
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"{tipo} {mes.clave}")
        tipo = check_tipo(tipo)
        cliente = check_rfc(contratante, "contratante") if contratante else ""
        datos = _leer(ruta)
        leer_acuse(datos, ruta.name, mensajes=MENSAJES_PDF)
        huella = self._archivo.guardar(datos)
        with self._store.session() as session:
            row = session.scalar(
                select(EvidenciaDocumento).where(
                    EvidenciaDocumento.mes == mes.clave,
                    EvidenciaDocumento.tipo == tipo,
                    EvidenciaDocumento.contratante == cliente,
                )
            )
            if row is None:
                row = EvidenciaDocumento(mes=mes.clave, tipo=tipo, contratante=cliente)
                session.add(row)
            row.nombre, row.sha256, row.tamano = ruta.name[:255], huella, len(datos)
            row.datos = datos  # travels to the other desktops
            row.adjuntado_at = self._clock()
            self._audit.record(
                session,
                actor,
                "evidencia_adjuntada",
                f"{mes.clave} {tipo}",
                f"{cliente or 'todos los clientes'}: {ruta.name}, SHA-256 {huella}",
            )
        return huella

    # --- the board -----------------------------------------------------------------------------

    def estado(
        self, actor: str | None, mes: Mes, dia_entrega: int | None = None
    ) -> list[EstadoCliente]:
        """Every client of the month (the contratantes captured and those the month's receipts
        name), by RFC, with what it has and lacks; due on its own day (``fijar_entrega``, else
        the 17th) unless ``dia_entrega`` says another for all."""
        with self._store.session() as session:
            leido = _del_mes(session, mes, self._rfc_empresa())
            self._al_archivo(session, leido)
        clientes = sorted(set(leido.nombres) | set(leido.recibos))
        timbres = [t for c in clientes for t in leido.recibos.get(c, [])]
        con_xml = self._archivo.recibos(timbres)
        repse = _repse_del_mes(leido.repse, mes)
        dias = self._dias()
        aqui = self._archivo.tiene(
            d.sha256 for d in (*leido.generales.values(), *leido.propios.values())
        )
        return [
            EstadoCliente(
                contratante=c,
                nombre=leido.nombres.get(c, ""),
                recibos=len(leido.recibos.get(c, [])),
                recibos_sin_xml=sum(1 for t in leido.recibos.get(c, []) if t not in con_xml),
                documentos={
                    t: (
                        d.nombre
                        if (d := leido.propios.get((t, c)) or leido.generales.get(t))
                        else None
                    )
                    for t in DOCUMENTOS
                },
                repse=repse,
                entrega=mes.entrega(dia_entrega or dias.get(c, DIA_ENTREGA)),
                en_otro_equipo=tuple(
                    t
                    for t in DOCUMENTOS
                    if (d := leido.propios.get((t, c)) or leido.generales.get(t))
                    and d.sha256 not in aqui
                ),
            )
            for c in clientes
        ]

    def tablero(self, actor: str | None, ultimo: Mes, meses: int = 12) -> list[FilaCliente]:
        """Clients × the ``meses`` months up to ``ultimo``: what each has, and when it is due.
        A read: the session's gate asks the matrix (services/acceso/puerta.py)."""
        return tablero.leer(Path(self._store.path), tablero.meses_hasta(ultimo, meses))

    @anuncia(EVIDENCIAS)
    def fijar_entrega(self, actor: str | None, contratante: str, dia: int) -> None:
        """The day of the next month ``contratante``'s evidence is due (its portal's)."""
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"entrega {contratante}")
        cliente = check_rfc(contratante, "contratante")
        if not 1 <= dia <= 31:
            raise ValidationError(
                "dia_invalido", f"El día de entrega {dia} no es válido: usa de 1 a 31.", "dia"
            )
        with self._store.session() as session:
            row = session.scalar(
                select(EvidenciaEntrega).where(EvidenciaEntrega.contratante == cliente)
            )
            if row is None:
                session.add(EvidenciaEntrega(contratante=cliente, dia=dia))
            else:
                row.dia = dia
            self._audit.record(session, actor, "evidencia_entrega", cliente, f"día {dia}")

    def _dias(self) -> dict[str, int]:
        with self._store.session() as session:
            return dict(
                session.execute(select(EvidenciaEntrega.contratante, EvidenciaEntrega.dia)).all()
            )

    # --- the pack ------------------------------------------------------------------------------

    @anuncia(EVIDENCIAS)
    def paquete(
        self,
        actor: str | None,
        mes: Mes,
        contratante: str,
        salida: Path,
        progreso: Callable[[int, int], None] | None = None,
        cancelado: Callable[[], bool] | None = None,
    ) -> Paquete:
        """The client's pack of the month written at ``salida`` whole or not at all (a folder:
        the name portals take), audited with what and where; what changed since its last pack."""
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"paquete {mes.clave} {contratante}")
        cliente = check_rfc(contratante, "contratante")
        with self._store.session() as session:
            leido = _del_mes(session, mes, self._rfc_empresa())
            self._al_archivo(session, leido)
            anterior = session.scalar(
                select(EvidenciaPaquete.miembros)
                .where(EvidenciaPaquete.mes == mes.clave, EvidenciaPaquete.contratante == cliente)
                .order_by(EvidenciaPaquete.id.desc())
                .limit(1)
            )
            repse_pdf = (
                (leido.repse.aviso, leido.repse.pdf_nombre, leido.repse.pdf)
                if leido.repse is not None and leido.repse.pdf
                else None
            )
        timbres = leido.recibos.get(cliente, [])
        if not timbres and cliente not in leido.nombres:
            raise ValidationError(
                "cliente_sin_evidencia",
                f"{cliente} no es contratante de la empresa ni lo nombra ningún recibo de "
                f"{mes.clave}.",
                "contratante",
            )
        con_xml = self._archivo.recibos(timbres)
        if len(con_xml) < len(timbres):
            faltan = len(timbres) - len(con_xml)
            raise ValidationError(
                "evidencia_sin_xml",
                f"Faltan en este equipo los XML de {faltan:,} de {plural(len(timbres), 'recibo')} de "
                f"{mes.clave} de {cliente} (importados en otro equipo, o antes de que se "
                "guardaran): impórtalos aquí o arma el paquete en el equipo que los importó. No "
                "se escribió el paquete.",
                "contratante",
            )
        documentos = [
            d
            for t in DOCUMENTOS
            if (d := leido.propios.get((t, cliente)) or leido.generales.get(t)) is not None
        ]
        contenido = Contenido(
            contratista=self._rfc_empresa().strip().upper() or "EMPRESA",
            contratante=cliente,
            mes=mes,
            recibos=con_xml,
            documentos=[(d.tipo, d.nombre, d.sha256, d.adjuntado_at) for d in documentos],
            repse=repse_pdf,
            anterior=json.loads(anterior) if anterior else None,
        )
        hecho = escribir(contenido, self._archivo, salida, progreso, cancelado)
        with self._store.session() as session:
            session.add(
                EvidenciaPaquete(
                    mes=mes.clave,
                    contratante=cliente,
                    ruta=str(hecho.ruta)[:1000],
                    sha256=hecho.sha256,
                    miembros=json.dumps(hecho.miembros, sort_keys=True),
                    creado_at=self._clock(),
                )
            )
            self._audit.record(
                session,
                actor,
                "evidencia_paquete",
                f"{mes.clave} {cliente}",
                f"{len(hecho.miembros):,} archivos en {hecho.ruta}, SHA-256 {hecho.sha256}"
                + (f"; {len(hecho.cambios)} cambios" if hecho.cambios else ""),
            )
        return hecho

    def _al_archivo(self, session: Session, leido: _Mes) -> None:
        """The month's documents another desktop attached (received with their bytes) kept in
        this desktop's archive, where the state and the pack read them: only bytes that are
        what the row's SHA-256 says."""
        documentos = [*leido.generales.values(), *leido.propios.values()]
        aqui = self._archivo.tiene(d.sha256 for d in documentos)
        faltan = [d.id for d in documentos if d.sha256 not in aqui]
        if not faltan:
            return
        for huella, datos in session.execute(
            select(EvidenciaDocumento.sha256, EvidenciaDocumento.datos).where(
                EvidenciaDocumento.id.in_(faltan)
            )
        ):
            if datos and sha256(datos) == huella:
                self._archivo.guardar(datos)

    def hoy(self) -> date:
        return hora_del_centro(self._clock()).date()


def _leer(ruta: Path) -> bytes:
    try:
        with ruta.open("rb") as archivo:
            return archivo.read(MAX_ACUSE_BYTES + 1)
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{ruta.name}»: {motivo_os(exc)}.", "archivo"
        ) from exc


def _del_mes(session: Session, mes: Mes, rfc_empresa: str) -> _Mes:
    recibos: dict[str, list[str]] = {}
    generales: dict[str, EvidenciaDocumento] = {}
    propios: dict[tuple[str, str], EvidenciaDocumento] = {}
    nombres: dict[str, str] = {}
    r, s = ReciboNomina, SubcontratacionNomina
    for timbre, cliente in session.execute(
        select(r.uuid, s.rfc)
        .join(s, s.recibo_id == r.id)
        .where(r.fecha_pago >= mes.inicio, r.fecha_pago <= mes.fin, vigente())
        .order_by(s.rfc, r.uuid)
    ):
        recibos.setdefault(cliente, []).append(timbre)
    for d in session.scalars(
        select(EvidenciaDocumento).where(EvidenciaDocumento.mes == mes.clave)
    ).all():
        if d.contratante:
            propios[(d.tipo, d.contratante)] = d
        else:
            generales[d.tipo] = d
    for rfc, nombre in session.execute(
        select(Contratante.rfc, Contratante.nombre).where(
            Contratante.deleted.is_(False), Contratante.extranjero_sin_ep.is_(False)
        )
    ):
        nombres.setdefault(rfc, nombre)
    return _Mes(recibos, generales, propios, nombres, _registro(session, rfc_empresa))


def _registro(session: Session, rfc_empresa: str) -> RegistroRepse | None:
    """The empresa's own registration as a contratista, else the only one in its store."""
    filas = session.execute(
        select(RegistroRepse, Contratista.rfc).join(
            Contratista, Contratista.id == RegistroRepse.contratista_id
        )
    ).all()
    propio = [reg for reg, rfc in filas if rfc == rfc_empresa.strip().upper()]
    if propio:
        return propio[0]
    return filas[0][0] if len(filas) == 1 else None


def _repse_del_mes(registro: RegistroRepse | None, mes: Mes) -> str | None:
    """Its aviso when it has its PDF and was in force in the month."""
    if registro is None or not registro.pdf_sha256:
        return None
    if registro.vence < mes.inicio or registro.otorgado > mes.fin:
        return None
    return registro.aviso


__all__ = ["EstadoCliente", "EvidenciasService"]
