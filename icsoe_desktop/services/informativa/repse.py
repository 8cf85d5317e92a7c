"""The contratista's REPSE registration, kept once per contratista: its aviso, the date granted,
its end (three years), the services or works it authorised, a renewal asked and the new
registration that continues it, and its PDF (read by the bounded reader of the acuses, kept with
its SHA-256). The contracts' services are chosen from the authorised ones (``autorizado_en``,
asked by the capture when a contract is saved)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa import repse, repse_pdf
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.informativa.acuse_pdf import MAX_ACUSE_BYTES, leer_acuse
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.store.models import Contratista, RegistroRepse, ServicioRepse

# The bounded reader's refusals, said of a registration's PDF.
MENSAJES_PDF = {
    "acuse_vacio": "El archivo «{nombre}» está vacío: elige el PDF del registro REPSE.",
    "acuse_grande": "El archivo «{nombre}» pesa más de 2 MB: no es el PDF del registro REPSE.",
    "acuse_no_pdf": (
        "El archivo «{nombre}» no es un PDF: elige el registro REPSE que descargaste de la STPS."
    ),
    "acuse_paginas": "El PDF «{nombre}» tiene demasiadas páginas para ser un registro REPSE.",
    "acuse_cifrado": (
        "El PDF «{nombre}» está protegido con contraseña: guárdalo sin protegerlo y elígelo "
        "de nuevo."
    ),
    "acuse_danado": "El PDF «{nombre}» está dañado o incompleto: descárgalo de nuevo.",
    "acuse_contenido": (
        "El PDF «{nombre}» no parece un registro REPSE: sus páginas son demasiado grandes."
    ),
    "acuse_lento": "El PDF «{nombre}» no se pudo leer en un tiempo razonable.",
    "acuse_cancelado": "Se canceló la lectura de «{nombre}».",
}
MSG_SIN_REGISTRO = (
    "El contratista {rfc} no tiene registro REPSE capturado: regístralo primero con su aviso, "
    "fecha y servicios autorizados."
)
MSG_NO_AUTORIZADO = (
    "El servicio «{servicio}» no está entre los autorizados en el registro REPSE {aviso}: "
    "elige uno de ellos."
)


@dataclass(frozen=True)
class Pdf:
    """A PDF as the clerk picked it: its bytes and its file name."""

    datos: bytes
    nombre: str


@dataclass(frozen=True)
class Registro:
    """A contratista's registration as it stands on ``hoy``."""

    contratista_rfc: str
    aviso: str
    otorgado: date
    vence: date
    servicios: tuple[str, ...]
    estado: str  # domain.informativa.repse: VIGENTE, EN_RENOVACION…
    pdf_nombre: str = ""
    pdf_sha256: str = ""
    renovacion_solicitada: date | None = None
    renovacion_folio: str = ""
    anterior: str = ""
    # Its PDF did not state the RFC or the aviso: the clerk stated it is this registration's.
    pdf_declarado: bool = False

    @property
    def estado_texto(self) -> str:
        return repse.ESTADOS[self.estado]

    @property
    def renovacion_desde(self) -> date:
        return repse.inicio_renovacion(self.vence)

    @property
    def renovacion_hasta(self) -> date:
        return repse.fin_renovacion(self.vence)

    @property
    def en_rojo(self) -> bool:
        """Lapsed, or its renewal window closed unasked."""
        return self.estado in repse.EN_ROJO

    @property
    def aviso_texto(self) -> str | None:
        """The line the windows tell its state with (None while nothing is due)."""
        return repse.aviso_registro(self.estado, self.aviso, self.vence)


@dataclass(frozen=True)
class AvisoRegistro:
    """A registration that needs the contratista's attention, as the windows tell it."""

    contratista_rfc: str
    contratista_nombre: str
    texto: str
    vencido: bool  # red (lapsed, or its renewal window closed); otherwise its renewal is due


def registro_de(session: Session, contratista_id: int) -> tuple[RegistroRepse, list[str]] | None:
    """The contratista's registration and its services, in order; None without one."""
    row = session.scalar(
        select(RegistroRepse).where(RegistroRepse.contratista_id == contratista_id)
    )
    if row is None:
        return None
    servicios = session.scalars(
        select(ServicioRepse.descripcion)
        .where(ServicioRepse.registro_id == row.id, ServicioRepse.deleted.is_(False))
        .order_by(ServicioRepse.n)
    ).all()
    return row, list(servicios)


def autorizado_en(
    session: Session, contratista_id: int, folio: str, descripcion: str
) -> tuple[str, str]:
    """A contract's folio and service checked against the contratista's registration: the
    service as the registration writes it, the folio its aviso when left empty. Without a
    registration, or a service still empty (a contract half captured), as given."""
    encontrado = registro_de(session, contratista_id)
    if encontrado is None or not descripcion:
        return folio, descripcion
    row, servicios = encontrado
    servicio = repse.autorizado(descripcion, servicios)
    if servicio is None:
        raise ValidationError(
            "servicio_no_autorizado",
            MSG_NO_AUTORIZADO.format(servicio=descripcion[:120], aviso=row.aviso),
            "descripcion_servicio",
        )
    return folio or row.aviso, servicio


def pdf_de_archivo(ruta: Path, tope: int = MAX_ACUSE_BYTES) -> Pdf:
    """The file at ``ruta``, read no further than ``tope`` (what its PDF may weigh) and a byte:
    a device or a huge file is refused by its size, not read whole."""
    try:
        with ruta.open("rb") as archivo:
            datos = archivo.read(tope + 1)
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{ruta.name}»: {motivo_os(exc)}.", "pdf"
        ) from exc
    return Pdf(datos, ruta.name)


def leer_registro(pdf: Pdf, rfc: str, aviso: str, declarado: bool) -> tuple[str, bool]:
    """The registration's PDF read by the bounded reader and held to the contratista's RFC
    and ``aviso`` (domain/informativa/repse_pdf.py): its SHA-256, and whether it is kept as
    declared by the clerk (its text does not state them and ``declarado`` says it is this
    registration's). Another RFC's or aviso's, an acuse or the app's constancia: refused."""
    leido = leer_acuse(pdf.datos, pdf.nombre, mensajes=MENSAJES_PDF)
    faltan = repse_pdf.cotejar(leido.texto, leido.es_constancia, rfc, aviso, pdf.nombre)
    if faltan and not declarado:
        raise repse_pdf.sin_datos(pdf.nombre, faltan, rfc, aviso)
    return hashlib.sha256(pdf.datos).hexdigest(), bool(faltan)


class RepseService(InformativaBase):
    def _hoy(self) -> date:
        return hora_del_centro(self._clock()).date()

    def ver(self, rfc: str, actor: str | None, hoy: date | None = None) -> Registro | None:
        """The contratista's registration; None when it has none. Whoever may act for the
        contratista may read it (its capturistas choose a contract's service from it)."""
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor, Accion.CONSULTAR)
            encontrado = registro_de(session, contratista.id)
            if encontrado is None:
                return None
            return _registro(rfc, *encontrado, hoy or self._hoy())

    def avisos(self, hoy: date | None = None) -> list[AvisoRegistro]:
        """The line each of the empresa's registrations is told with wherever the contratista's
        work is shown (the main window too): a lapsed one (red) or one whose renewal is due and
        not asked yet; none while every one is in force. A read: the session's gate asks the
        matrix (services/acceso/puerta.py)."""
        dia = hoy or self._hoy()
        with self._store.session() as session:
            filas = session.execute(
                select(RegistroRepse, Contratista.rfc, Contratista.nombre)
                .join(Contratista, Contratista.id == RegistroRepse.contratista_id)
                .where(Contratista.deleted.is_(False), RegistroRepse.deleted.is_(False))
                .order_by(RegistroRepse.vence, Contratista.rfc)
            ).all()
        avisos = []
        for row, rfc, nombre in filas:
            estado = repse.estado(row.vence, dia, row.renovacion_solicitada)
            texto = repse.aviso_registro(estado, row.aviso, row.vence)
            if texto is not None:
                avisos.append(AvisoRegistro(rfc, nombre or rfc, texto, estado in repse.EN_ROJO))
        return avisos

    def servicios(self, rfc: str, actor: str | None) -> list[str]:
        """The services a contract of the contratista may name (none: no registration, any)."""
        registro = self.ver(rfc, actor)
        return list(registro.servicios) if registro else []

    def aviso_contrato(self, rfc: str, actor: str | None, fecha_final: date | None) -> str | None:
        """The warning for a contract ending ``fecha_final`` that outlives the registration."""
        registro = self.ver(rfc, actor)
        if registro is None:
            return None
        return repse.aviso_contrato(fecha_final, registro.vence, registro.aviso)

    def pdf(self, rfc: str, actor: str | None) -> Pdf | None:
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor, Accion.CONSULTAR)
            row = session.scalar(
                select(RegistroRepse).where(RegistroRepse.contratista_id == contratista.id)
            )
            if row is None or not row.pdf:
                return None
            return Pdf(row.pdf, row.pdf_nombre)

    @anuncia(ICSOE)
    def registrar(
        self,
        rfc: str,
        actor: str | None,
        aviso: str,
        otorgado: date,
        servicios: Sequence[str],
        pdf: Pdf | None = None,
        declarado: bool = False,
    ) -> Registro:
        """The contratista's registration recorded, or corrected as a whole when it had one
        (the aviso, date and services as the STPS's PDF states them; a PDF that does not state
        the RFC or the aviso only when ``declarado``)."""
        self._permisos.exigir(actor, Accion.REGISTRO_REPSE, rfc)
        aviso = repse.check_aviso(aviso)
        limpios = repse.check_servicios(servicios)
        _check_otorgado(otorgado, self._hoy())
        sha, pdf_declarado = (
            leer_registro(pdf, rfc, aviso, declarado) if pdf is not None else ("", False)
        )
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor, Accion.REGISTRO_REPSE)
            row = session.scalar(
                select(RegistroRepse).where(RegistroRepse.contratista_id == contratista.id)
            )
            accion = "repse_registro_corregido" if row else "repse_registrado"
            if row is None:
                row = RegistroRepse(contratista_id=contratista.id, pdf=b"")
                session.add(row)
            row.aviso, row.otorgado, row.vence = aviso, otorgado, repse.vence(otorgado)
            if pdf is not None:
                row.pdf, row.pdf_nombre, row.pdf_sha256 = pdf.datos, pdf.nombre[:255], sha
                row.pdf_declarado = pdf_declarado
            _poner_servicios(session, row, limpios)
            self._audit.record(session, actor, accion, rfc, _detalle(row, limpios))
        return self._leido(rfc, actor)

    @anuncia(ICSOE)
    def solicitar_renovacion(
        self, rfc: str, actor: str | None, solicitada: date, folio: str
    ) -> Registro:
        """The renewal asked for: only within the STPS's window, the three calendar months
        before the registration's grant month in its third year (DOF 21/02/2024); after it the
        STPS disables the renewal and the registration is cancelled."""
        self._permisos.exigir(actor, Accion.REGISTRO_REPSE, rfc)
        folio = repse.check_aviso(folio, "Folio de la solicitud de renovación")
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor, Accion.REGISTRO_REPSE)
            row = self._registrado(session, contratista)
            desde, hasta = repse.ventana_renovacion(row.vence)
            if solicitada > self._hoy():
                raise ValidationError(
                    "renovacion_futura",
                    "La fecha de la solicitud de renovación no puede ser posterior a hoy.",
                    "solicitada",
                )
            if solicitada < desde or solicitada > hasta:
                raise ValidationError(
                    "renovacion_fuera_de_plazo",
                    f"La renovación del registro {row.aviso} se solicita del "
                    f"{desde:%d/%m/%Y} al {hasta:%d/%m/%Y}: los tres meses previos al mes en "
                    "que se otorgó, según el calendario de la STPS (DOF 21/02/2024). Fuera de "
                    "ese plazo la STPS no la recibe y el registro se cancela al vencer.",
                    "solicitada",
                )
            row.renovacion_solicitada, row.renovacion_folio = solicitada, folio
            self._audit.record(
                session, actor, "repse_renovacion_solicitada", rfc, f"{row.aviso}: {folio}"
            )
        return self._leido(rfc, actor)

    @anuncia(ICSOE)
    def renovar(
        self,
        rfc: str,
        actor: str | None,
        aviso: str,
        otorgado: date,
        servicios: Sequence[str] | None = None,
        pdf: Pdf | None = None,
        declarado: bool = False,
    ) -> Registro:
        """The new registration that continues the current one (its services unless others
        are given); the renewal asked is then settled. Its PDF held to it as ``registrar``'s."""
        self._permisos.exigir(actor, Accion.REGISTRO_REPSE, rfc)
        aviso = repse.check_aviso(aviso)
        limpios = repse.check_servicios(servicios) if servicios is not None else None
        _check_otorgado(otorgado, self._hoy())
        sha, pdf_declarado = (
            leer_registro(pdf, rfc, aviso, declarado) if pdf is not None else ("", False)
        )
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor, Accion.REGISTRO_REPSE)
            row = self._registrado(session, contratista)
            if otorgado <= row.otorgado:
                raise ValidationError(
                    "renovacion_anterior",
                    f"La renovación se otorga después del registro que renueva (otorgado el "
                    f"{row.otorgado:%d/%m/%Y}).",
                    "otorgado",
                )
            row.anterior, row.aviso = row.aviso, aviso
            row.otorgado, row.vence = otorgado, repse.vence(otorgado)
            row.renovacion_solicitada, row.renovacion_folio = None, ""
            if pdf is not None:
                row.pdf, row.pdf_nombre, row.pdf_sha256 = pdf.datos, pdf.nombre[:255], sha
                row.pdf_declarado = pdf_declarado
            if limpios is not None:
                _poner_servicios(session, row, limpios)
            self._audit.record(
                session, actor, "repse_renovado", rfc, f"{row.anterior} → {_detalle(row, [])}"
            )
        return self._leido(rfc, actor)

    def _registrado(self, session: Session, contratista: Contratista) -> RegistroRepse:
        row = session.scalar(
            select(RegistroRepse).where(RegistroRepse.contratista_id == contratista.id)
        )
        if row is None:
            raise ValidationError(
                "repse_sin_registro", MSG_SIN_REGISTRO.format(rfc=contratista.rfc), "aviso"
            )
        return row

    def _leido(self, rfc: str, actor: str | None) -> Registro:
        registro = self.ver(rfc, actor)
        assert registro is not None  # just written
        return registro


def _check_otorgado(otorgado: date, hoy: date) -> None:
    if otorgado > hoy:
        raise ValidationError(
            "otorgado_futuro",
            "La fecha en que se otorgó el registro REPSE no puede ser posterior a hoy.",
            "otorgado",
        )


def _poner_servicios(session: Session, row: RegistroRepse, servicios: list[str]) -> None:
    """The registration's services, each in its place: the row of a place kept (a synced
    row, edited where it stands), those past the last removed, a removed one's row taken again
    (one row per place, on every desktop)."""
    session.flush()  # the registration's id
    filas = {
        s.n: s
        for s in session.scalars(
            select(ServicioRepse).where(ServicioRepse.registro_id == row.id)
        ).all()
    }
    for n, texto in enumerate(servicios, 1):
        fila = filas.pop(n, None)
        if fila is None:
            session.add(ServicioRepse(registro_id=row.id, n=n, descripcion=texto))
        elif fila.descripcion != texto or fila.deleted:
            fila.descripcion, fila.deleted = texto, False
    for sobrante in filas.values():
        sobrante.deleted = True


def _detalle(row: RegistroRepse, servicios: list[str]) -> str:
    texto = f"{row.aviso}, otorgado {row.otorgado:%d/%m/%Y}, vence {row.vence:%d/%m/%Y}"
    if servicios:
        texto += f", {plural(len(servicios), 'servicio')}"
    if row.pdf_sha256:
        texto += f", PDF SHA-256 {row.pdf_sha256}"
        if row.pdf_declarado:
            texto += f" ({repse_pdf.DECLARADO})"
    return texto


def _registro(rfc: str, row: RegistroRepse, servicios: list[str], hoy: date) -> Registro:
    return Registro(
        contratista_rfc=rfc,
        aviso=row.aviso,
        otorgado=row.otorgado,
        vence=row.vence,
        servicios=tuple(servicios),
        estado=repse.estado(row.vence, hoy, row.renovacion_solicitada),
        pdf_nombre=row.pdf_nombre,
        pdf_sha256=row.pdf_sha256,
        renovacion_solicitada=row.renovacion_solicitada,
        renovacion_folio=row.renovacion_folio,
        anterior=row.anterior,
        pdf_declarado=bool(row.pdf_declarado) and bool(row.pdf_sha256),
    )


__all__ = [
    "AvisoRegistro",
    "Pdf",
    "Registro",
    "RepseService",
    "autorizado_en",
    "leer_registro",
    "pdf_de_archivo",
    "registro_de",
]
