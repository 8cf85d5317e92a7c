"""Evidencias del cliente: per month, the documents the clerk attaches once for every client
(or for one), what each client has and lacks — the receipts paid that month that name it
(``RfcLabora``), with their XML kept, each document, the REPSE registration — and its pack.

A receipt belongs to the month it was paid in (``FechaPago``): the month the client deducts.
Each document is read when attached and kept with what it says and its warnings (another RFC or
month, a negative or stale opinion, not the kind its slot holds); a slot holds several files.
What each worker who served a client lacks against his pay periodicity is named with what is
missing (``recibos_esperados``). Who attaches and exports: ``Accion.EVIDENCIAS`` (the receipts
carry salaries)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import evidencias_lectura
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
from icsoe_desktop.domain.informativa import repse_pdf
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.nomina import Verificador
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.evidencias import recibos_esperados, tablero
from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias, sha256
from icsoe_desktop.services.evidencias.paquete import Contenido, Firmar, Paquete, escribir
from icsoe_desktop.services.evidencias.revisar import Revisor
from icsoe_desktop.services.evidencias.tablero import FilaCliente
from icsoe_desktop.services.informativa.acuse_pdf import MAX_ACUSE_BYTES, leer_acuse
from icsoe_desktop.services.informativa.repse import MENSAJES_PDF as MENSAJES_REPSE
from icsoe_desktop.services.nomina.consulta import vigente
from icsoe_desktop.store import plain
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


# A client no receipt of the month names: nothing to deliver, as the board's cell says.
SIN_RECIBOS = "Sin recibos (nada que entregar)"
EN_OTRO_EQUIPO = "se adjuntó en otro equipo: adjunta aquí el mismo archivo"
AVISO_DECLARADO = (
    f"{repse_pdf.DECLARADO} (su PDF no dice el RFC del contratista o el aviso de registro)"
)


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
    # What is there but not as it should be, kept knowing it (a document of another RFC or
    # month, a negative opinion, a REPSE PDF declared by the clerk): one line each.
    avisos: tuple[str, ...] = ()
    # The receipts a worker who served it lacks against his pay periodicity («Recibo de …
    # de la semana del … al …»).
    recibos_faltantes: tuple[str, ...] = ()

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
        return [*self.recibos_faltantes, *faltan]

    @property
    def completo(self) -> bool:
        return not self.faltan

    @property
    def sin_recibos(self) -> bool:
        """No receipt paid in the month names it: the board's «Sin recibos», which owes no
        evidence (tablero.Celda.pendiente); its pack would still list the receipts missing."""
        return self.recibos == 0

    @property
    def pendiente(self) -> bool:
        """Receipts paid that month and their evidence not complete, as the board counts."""
        return not self.sin_recibos and not self.completo


@dataclass
class _Mes:
    """What the store holds for a month, read once for every client."""

    recibos: dict[str, list[str]] = field(default_factory=dict)  # client → timbres
    # The files of each slot, in the order attached: for every client (by tipo), or for one
    # (by tipo and client: those replace the general ones for that client).
    generales: dict[str, list[EvidenciaDocumento]] = field(default_factory=dict)
    propios: dict[tuple[str, str], list[EvidenciaDocumento]] = field(default_factory=dict)
    nombres: dict[str, str] = field(default_factory=dict)
    repse: RegistroRepse | None = None
    repse_rfc: str = ""  # its contratista's

    def de(self, tipo: str, cliente: str) -> list[EvidenciaDocumento]:
        """The files of the slot ``tipo`` the client's evidence holds."""
        return self.propios.get((tipo, cliente)) or self.generales.get(tipo, [])

    def todos(self) -> list[EvidenciaDocumento]:
        return [d for docs in (*self.generales.values(), *self.propios.values()) for d in docs]


@dataclass(frozen=True)
class _Estado:
    """``estado`` and what it read: the month, whether the REPSE registration's PDF may go to
    the client and what its reading says, the SHA-256 of each kept XML of its clients' receipts."""

    estados: list[EstadoCliente]
    leido: _Mes
    repse_valido: bool
    avisos_repse: tuple[str, ...]
    con_xml: dict[str, str]


@dataclass(frozen=True)
class Documento:
    """A file read as a document of a month's slot, not yet kept: what ``leer`` found in it
    and the bytes ``guardar`` keeps."""

    mes: Mes
    tipo: str
    cliente: str  # "" for every client
    nombre: str
    datos: bytes = field(repr=False)
    lectura: evidencias_lectura.Lectura

    @property
    def avisos(self) -> tuple[str, ...]:
        return self.lectura.avisos


@dataclass(frozen=True)
class Adjuntado:
    """A file attached: its SHA-256, its name, and the warnings it was kept with."""

    sha256: str
    nombre: str
    avisos: tuple[str, ...] = ()
    ya_estaba: bool = False  # the same bytes were already in the slot


class EvidenciasService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock,
        archivo: ArchivoEvidencias,
        rfc_empresa: Callable[[], str],
        *,
        verificador: Callable[[str], Verificador] | None = None,
        efirma: Callable[[str, Path, Path, str], Firmar] | None = None,
    ) -> None:
        """``verificador(rfc)``: the import's checks of that empresa's receipts, each read
        again when packed; ``efirma(rfc, cer, key, contraseña)``: the contratista's e.firma
        opened as ``informativa firmar`` opens it, signing a pack's list of SHA-256."""
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._clock = clock
        self._archivo = archivo
        self._rfc_empresa = rfc_empresa
        self._verificador = verificador
        self._efirma = efirma

    # --- documents -----------------------------------------------------------------------------

    def leer(
        self,
        actor: str | None,
        mes: Mes,
        tipo: str,
        ruta: Path,
        contratante: str | None = None,
    ) -> Documento:
        """The file read for what it says (domain/evidencias_lectura.py) as a document of the
        month's slot ``tipo`` for every client (or for ``contratante``), nothing kept: the
        window shows its warnings before the clerk keeps it (``guardar``). An empty, oversized,
        encrypted or damaged file, or one that is not a PDF, is refused in Spanish."""
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"{tipo} {mes.clave}")
        tipo = check_tipo(tipo)
        cliente = check_rfc(contratante, "contratante") if contratante else ""
        datos = _leer(ruta)
        leido = leer_acuse(datos, ruta.name, mensajes=MENSAJES_PDF)
        lectura = evidencias_lectura.leer(
            leido.texto,
            leido.es_constancia,
            tipo,
            self._rfc_empresa().strip().upper(),
            mes,
            frozenset({cliente}) if cliente else frozenset(),
        )
        return Documento(mes, tipo, cliente, ruta.name[:255], datos, lectura)

    @anuncia(EVIDENCIAS)
    def adjuntar(
        self,
        actor: str | None,
        mes: Mes,
        tipo: str,
        ruta: Path,
        contratante: str | None = None,
    ) -> Adjuntado:
        """A file of the month's slot ``tipo`` for every client (or for ``contratante`` alone),
        beside those attached before (a slot holds several: the SUA cédula, SIPARE's line and
        its bank receipt…); the same bytes again in the slot add nothing. Read for what it
        says (``leer``): a mismatch is kept as a warning, shown on the board and in the pack's
        index."""
        return self.guardar(actor, self.leer(actor, mes, tipo, ruta, contratante))

    @anuncia(EVIDENCIAS)
    def guardar(self, actor: str | None, documento: Documento) -> Adjuntado:
        """The document ``leer`` read kept in its slot, with the warnings the clerk saw: the
        very bytes read, whatever became of the file since."""
        mes, tipo, cliente, datos = (
            documento.mes,
            documento.tipo,
            documento.cliente,
            documento.datos,
        )
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"{tipo} {mes.clave}")
        lectura, nombre = documento.lectura, documento.nombre
        huella = self._archivo.guardar(datos)
        with self._store.session() as session:
            row = session.scalar(
                select(EvidenciaDocumento).where(
                    EvidenciaDocumento.mes == mes.clave,
                    EvidenciaDocumento.tipo == tipo,
                    EvidenciaDocumento.contratante == cliente,
                    EvidenciaDocumento.sha256 == huella,
                )
            )
            if row is not None and not row.deleted:
                if not row.datos:  # attached before documents travelled: they travel now
                    row.datos = datos
                return Adjuntado(huella, row.nombre, tuple(_lineas(row.avisos)), ya_estaba=True)
            if row is None:
                row = EvidenciaDocumento(mes=mes.clave, tipo=tipo, contratante=cliente)
                session.add(row)
            row.nombre, row.sha256, row.tamano = nombre, huella, len(datos)
            row.datos = datos  # travels to the other desktops
            row.adjuntado_at = self._clock()
            row.lectura, row.avisos = lectura.resumen[:300], "\n".join(lectura.avisos)
            row.deleted = False
            self._audit.record(
                session,
                actor,
                "evidencia_adjuntada",
                f"{mes.clave} {tipo}",
                f"{cliente or 'todos los clientes'}: {nombre}, SHA-256 {huella}; "
                f"leído: {lectura.resumen}"
                + (f"; con aviso: {'; '.join(lectura.avisos)}" if lectura.avisos else ""),
            )
        return Adjuntado(huella, nombre, lectura.avisos)

    @anuncia(EVIDENCIAS)
    def quitar(
        self,
        actor: str | None,
        mes: Mes,
        tipo: str,
        archivo: str,
        contratante: str | None = None,
    ) -> str:
        """The file of the slot named ``archivo`` (its name, or its SHA-256 or the start of
        it) removed; its name. The pack made after no longer holds it."""
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"{tipo} {mes.clave}")
        tipo = check_tipo(tipo)
        cliente = check_rfc(contratante, "contratante") if contratante else ""
        buscado = archivo.strip()
        with self._store.session() as session:
            filas = session.scalars(
                select(EvidenciaDocumento).where(
                    EvidenciaDocumento.mes == mes.clave,
                    EvidenciaDocumento.tipo == tipo,
                    EvidenciaDocumento.contratante == cliente,
                    EvidenciaDocumento.deleted.is_(False),
                )
            ).all()
            elegidas = [
                f
                for f in filas
                if f.nombre == buscado
                or (len(buscado) >= 8 and f.sha256.startswith(buscado.lower()))
            ]
            donde = f"{DOCUMENTOS[tipo]} de {mes.clave} ({cliente or 'todos los clientes'})"
            if not elegidas:
                raise ValidationError(
                    "documento_no_adjuntado",
                    f"«{buscado}» no está adjuntado como {donde}.",
                    "archivo",
                )
            if len(elegidas) > 1:
                raise ValidationError(
                    "documento_ambiguo",
                    f"Hay {plural(len(elegidas), 'archivo')} «{buscado}» en {donde}: indica su SHA-256.",
                    "archivo",
                )
            fila = elegidas[0]
            fila.deleted = True
            self._audit.record(
                session,
                actor,
                "evidencia_quitada",
                f"{mes.clave} {tipo}",
                f"{cliente or 'todos los clientes'}: {fila.nombre}, SHA-256 {fila.sha256}",
            )
            return fila.nombre

    # --- the board -----------------------------------------------------------------------------

    def estado(
        self,
        actor: str | None,
        mes: Mes,
        dia_entrega: int | None = None,
        contratante: str | None = None,
    ) -> list[EstadoCliente]:
        """Every client of the month (the contratantes captured and those the month's receipts
        name), by RFC, with what it has and lacks; due on its own day (``fijar_entrega``, else
        the 17th) unless ``dia_entrega`` says another for all. ``contratante``: that client
        alone."""
        return self._estado(mes, dia_entrega, contratante).estados

    def _estado(self, mes: Mes, dia_entrega: int | None, contratante: str | None) -> _Estado:
        """``estado``, with what it read (its pack reads it once, no other client's)."""
        with self._store.session() as session:
            leido = _del_mes(session, mes, self._rfc_empresa())
            self._al_archivo(session, leido)
            esperados = recibos_esperados.del_mes(session, mes, self.hoy(), contratante)
            valido, avisos_leidos = _repse_leido(leido)  # its PDF read in the session
        clientes = sorted(set(leido.nombres) | set(leido.recibos))
        if contratante is not None:
            clientes = [c for c in clientes if c == contratante]
        timbres = [t for c in clientes for t in leido.recibos.get(c, [])]
        con_xml = self._archivo.recibos(timbres)
        repse = _repse_del_mes(leido.repse, mes) if valido else None
        avisos_repse = avisos_leidos if repse or not valido else ()
        dias = self._dias()
        aqui = self._archivo.tiene(d.sha256 for d in leido.todos())
        estados = [
            EstadoCliente(
                contratante=c,
                nombre=leido.nombres.get(c, ""),
                recibos=len(leido.recibos.get(c, [])),
                recibos_sin_xml=sum(1 for t in leido.recibos.get(c, []) if t not in con_xml),
                documentos={
                    t: ", ".join(d.nombre for d in docs) if (docs := leido.de(t, c)) else None
                    for t in DOCUMENTOS
                },
                repse=repse,
                entrega=mes.entrega(dia_entrega or dias.get(c, DIA_ENTREGA)),
                en_otro_equipo=tuple(
                    t for t in DOCUMENTOS if any(d.sha256 not in aqui for d in leido.de(t, c))
                ),
                avisos=(
                    *(
                        f"{DOCUMENTOS[t]}: «{d.nombre}» {aviso}"
                        for t in DOCUMENTOS
                        for d in leido.de(t, c)
                        for aviso in _lineas(d.avisos)
                    ),
                    *avisos_repse,
                ),
                recibos_faltantes=tuple(esperados.get(c, ())),
            )
            for c in clientes
        ]
        return _Estado(estados, leido, valido, avisos_leidos, con_xml)

    def tablero(self, actor: str | None, ultimo: Mes, meses: int = 12) -> list[FilaCliente]:
        """Clients × the ``meses`` months up to ``ultimo``: what each has, and when it is due.
        A read: the session's gate asks the matrix (services/acceso/puerta.py)."""
        return tablero.leer(Path(self._store.path), tablero.meses_hasta(ultimo, meses))

    def semanas(self, actor: str | None, meses: list[Mes]) -> dict[tuple[str, str], int]:
        """(client, month) → how many receipts its workers lack against their pay periodicity,
        as ``estado`` names them (``recibos_esperados``): the board's cells count them too,
        read apart from the board (they read every receipt of each month)."""
        hoy = self.hoy()
        cuantos: dict[tuple[str, str], int] = {}
        with self._store.session() as session:
            for mes in meses:
                for cliente, lineas in recibos_esperados.del_mes(session, mes, hoy).items():
                    cuantos[(cliente, mes.clave)] = len(lineas)
        return cuantos

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
        efirma: tuple[Path, Path, str] | None = None,
    ) -> Paquete:
        """The client's pack of the month written at ``salida`` whole or not at all (a folder:
        the name portals take), audited with what and where; what changed since its last pack.
        What the client lacks (``estado``'s) and each receipt whose XML fails its check
        (revisar.py) are listed in it; ``efirma`` (.cer, .key, contraseña): the contratista's,
        signing it — opened before anything is written (a wrong password writes nothing)."""
        self._permisos.exigir(actor, Accion.EVIDENCIAS, f"paquete {mes.clave} {contratante}")
        cliente = check_rfc(contratante, "contratante")
        rfc = self._rfc_empresa().strip().upper()
        firmar = None
        if efirma is not None and self._efirma is not None:
            firmar = self._efirma(rfc, *efirma)
        visto = self._estado(mes, None, cliente)
        estado = next(iter(visto.estados), None)
        leido, avisos_repse = visto.leido, visto.avisos_repse
        with self._store.session() as session:
            anterior = session.scalar(
                select(EvidenciaPaquete.miembros)
                .where(EvidenciaPaquete.mes == mes.clave, EvidenciaPaquete.contratante == cliente)
                .order_by(EvidenciaPaquete.id.desc())
                .limit(1)
            )
        repse_pdf = (
            (leido.repse.aviso, leido.repse.pdf_nombre, leido.repse.pdf)
            if leido.repse is not None and leido.repse.pdf and visto.repse_valido
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
        con_xml = visto.con_xml
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
        revisar = Revisor(cliente, self._registrados(timbres), partial(self._verificador_de, rfc))
        documentos = [d for t in DOCUMENTOS for d in leido.de(t, cliente)]
        notas = {
            f"{d.tipo} {d.sha256}": " ".join(
                (
                    *([f"Leído: {d.lectura}."] if d.lectura else []),
                    *(f"Aviso: {a}." for a in _lineas(d.avisos)),
                )
            )
            for d in documentos
        }
        if repse_pdf and avisos_repse:
            notas["repse"] = " ".join(f"Aviso: {a.split(': ', 1)[1]}" for a in avisos_repse)
        contenido = Contenido(
            contratista=self._rfc_empresa().strip().upper() or "EMPRESA",
            contratante=cliente,
            mes=mes,
            recibos=con_xml,
            documentos=[(d.tipo, d.nombre, d.sha256, d.adjuntado_at) for d in documentos],
            repse=repse_pdf,
            anterior=json.loads(anterior) if anterior else None,
            faltan=estado.faltan if estado is not None else [],
            notas={k: v for k, v in notas.items() if v},
        )
        hecho = escribir(
            contenido,
            self._archivo,
            salida,
            progreso,
            cancelado,
            revisar,
            firmar,
        )
        with self._store.session() as session:
            # Local, never sent (as ``sello_sat``): written without a new version.
            plain.driver(session.connection()).executemany(
                f"UPDATE {ReciboNomina.__tablename__} SET xml_sha256 = ? "
                "WHERE uuid = ? AND xml_sha256 IS NULL",
                revisar.verificados,
            )
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
                f"{plural(len(hecho.miembros), 'archivo')} en {hecho.ruta}, SHA-256 {hecho.sha256}"
                + (f"; {plural(len(hecho.cambios), 'cambio')}" if hecho.cambios else "")
                + (f"; {len(hecho.faltan)} faltantes" if hecho.faltan else "")
                + ("; firmado con la e.firma" if hecho.firmado else "; sin firmar"),
            )
        return hecho

    def _verificador_de(self, rfc: str) -> Verificador | None:
        """The import's checks of the empresa's receipts (None: an empresa without RFC, a
        backup restored alone, has no emisor to hold them to). Built only when a receipt needs
        them: it reads the SAT's XSLT and the trusted certificates."""
        if self._verificador is None or not rfc:
            return None
        return self._verificador(rfc)

    def _registrados(self, timbres: list[str]) -> dict[str, tuple[bytes | None, bool]]:
        """By UUID, the SHA-256 of the XML verified here its row recorded (None: stored
        before it was, or imported elsewhere) and whether its SAT seal was verified."""
        r = ReciboNomina
        encontrados: dict[str, tuple[bytes | None, bool]] = {}
        with self._store.session() as session:
            for inicio in range(0, len(timbres), 30_000):
                for uuid, huella, sat in session.execute(
                    select(r.uuid, r.xml_sha256, r.sello_sat).where(
                        r.uuid.in_(timbres[inicio : inicio + 30_000])
                    )
                ):
                    encontrados[uuid] = (huella, bool(sat))
        return encontrados

    def _al_archivo(self, session: Session, leido: _Mes) -> None:
        """The month's documents another desktop attached (received with their bytes) kept in
        this desktop's archive, where the state and the pack read them: only bytes that are
        what the row's SHA-256 says."""
        documentos = leido.todos()
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
    generales: dict[str, list[EvidenciaDocumento]] = {}
    propios: dict[tuple[str, str], list[EvidenciaDocumento]] = {}
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
        select(EvidenciaDocumento)
        .where(EvidenciaDocumento.mes == mes.clave, EvidenciaDocumento.deleted.is_(False))
        # The order attached, the same on every desktop (rows arrive there in any order).
        .order_by(
            EvidenciaDocumento.adjuntado_at, EvidenciaDocumento.nombre, EvidenciaDocumento.sha256
        )
    ).all():
        if d.contratante:
            propios.setdefault((d.tipo, d.contratante), []).append(d)
        else:
            generales.setdefault(d.tipo, []).append(d)
    for rfc, nombre in session.execute(
        select(Contratante.rfc, Contratante.nombre).where(
            Contratante.deleted.is_(False), Contratante.extranjero_sin_ep.is_(False)
        )
    ):
        nombres.setdefault(rfc, nombre)
    return _Mes(recibos, generales, propios, nombres, *_registro(session, rfc_empresa))


def _registro(session: Session, rfc_empresa: str) -> tuple[RegistroRepse | None, str]:
    """The empresa's own registration as a contratista, else the only one in its store; and
    its contratista's RFC."""
    filas = session.execute(
        select(RegistroRepse, Contratista.rfc).join(
            Contratista, Contratista.id == RegistroRepse.contratista_id
        )
    ).all()
    propio = [(reg, rfc) for reg, rfc in filas if rfc == rfc_empresa.strip().upper()]
    if propio:
        return propio[0]
    return (filas[0][0], filas[0][1]) if len(filas) == 1 else (None, "")


def _repse_leido(leido: _Mes) -> tuple[bool, tuple[str, ...]]:
    """The registration's PDF read again by today's rule (services/informativa/repse.py
    ``leer_registro``; one kept before the rule was never read): whether it may go to the
    client, and the lines it is told with. Another RFC's or aviso's, an acuse, the app's
    constancia: not the registration (missing, and why). One that does not state whose it is:
    declared by the clerk, or, kept before the rule, said to be unread."""
    registro = leido.repse
    if registro is None or not registro.pdf:
        return True, ()
    linea = f"{REGISTRO_REPSE} {registro.aviso}: "
    nombre = registro.pdf_nombre or "registro.pdf"
    try:
        pdf = leer_acuse(registro.pdf, nombre, mensajes=MENSAJES_REPSE)
        faltan = repse_pdf.cotejar(
            pdf.texto, pdf.es_constancia, leido.repse_rfc, registro.aviso, nombre
        )
    except ValidationError as exc:
        return False, (f"{linea}{exc.message} Regístralo de nuevo con el PDF de la STPS.",)
    if registro.pdf_declarado:
        return True, (f"{linea}{AVISO_DECLARADO}",)
    if faltan:
        return True, (
            f"{linea}su PDF «{nombre}» no dice {' ni '.join(faltan)} y se guardó antes de que "
            "se leyera: regístralo de nuevo con el PDF de la STPS (o declarándolo)",
        )
    return True, ()


def _lineas(texto: str) -> list[str]:
    return [x for x in texto.splitlines() if x.strip()]


def _repse_del_mes(registro: RegistroRepse | None, mes: Mes) -> str | None:
    """Its aviso when it has its PDF and was in force in the month."""
    if registro is None or not registro.pdf_sha256:
        return None
    if registro.vence < mes.inicio or registro.otorgado > mes.fin:
        return None
    return registro.aviso


__all__ = ["Adjuntado", "Documento", "EstadoCliente", "EvidenciasService"]
