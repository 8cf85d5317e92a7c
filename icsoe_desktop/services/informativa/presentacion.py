"""After signing, the filing: *Registrar presentación…* keeps the IMSS acuse de presentación
(the PDF downloaded from the portal, its SHA-256, the folio, the date and time of filing and
each contract's IMSS folio) in the informativa's row, which then is «Presentada»; the row
travels with the store (backup, sync) like the constancia de firma.

*Exportar para el cliente…* hands a contratante what it asks for every cuatrimestre: the IMSS
acuse, the constancia de firma and an Excel of its contracts and workers (services/informativa/
archivo_cliente.py)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO, Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa import acuse_corregido
from icsoe_desktop.domain.informativa.acuse_imss import MSG_CONSTANCIA, REGLA, cotejar, partes
from icsoe_desktop.domain.informativa.modelo import (
    FIRMADA,
    PRESENTADA,
    TIPOS,
    Informativa,
    Parte,
    Periodo,
)
from icsoe_desktop.domain.informativa.presentacion import (
    Presentacion,
    Propuesta,
    acuse_alterado,
    dias_fuera_de_plazo,
    folios_registrados,
    normalizar_folio,
    proponer,
    texto_presentada,
    tipo_por_folio,
    validar,
)
from icsoe_desktop.domain.roles import Accion, Rol
from icsoe_desktop.domain.texts import enumerar, plural
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.documentos_del_periodo import DocumentosDelPeriodo
from icsoe_desktop.services.informativa.acuse_pdf import leer_acuse
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.services.informativa.constancia_refutada import refutada
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import Contratista, InformativaRow

if TYPE_CHECKING:
    from icsoe_desktop.services.informativa.constancia import Verificacion

log = logging.getLogger(__name__)

MSG_SIN_FIRMAR = (
    "La informativa aún no está firmada: fírmala (apruébala) y preséntala en el portal del "
    "IMSS antes de registrar su acuse de presentación."
)
MSG_YA_PRESENTADA = "La informativa ya está presentada con el folio {folio}."
MSG_CAPACITACION = (
    "Ésta es una informativa de capacitación (CAPACITACIÓN — SIN VALIDEZ): no se presenta en el "
    "portal del IMSS ni se registra su acuse."
)
MSG_FOLIO_REGISTRADO = (
    "El folio {folio} ya está registrado como la presentación de la informativa {donde}: cada "
    "presentación en el portal del IMSS tiene su propio folio. Revisa que elegiste el acuse de "
    "esta informativa."
)
MSG_CONFIRMAR_ACUSE = (
    "El PDF no dice {faltan}: confirma que es el acuse de presentación del IMSS de "
    "{contratista} del periodo {periodo}, y escribe su folio y su fecha y hora como aparecen "
    "en él."
)
MSG_FOLIO_DISTINTO = (
    "El folio escrito ({escrito}) no es el del acuse ({leido}): se registra el folio que dice "
    "el acuse del IMSS, salvo que lo corrijas a sabiendas (queda registrado como corregido por "
    "el usuario)."
)
MSG_FECHA_DISTINTA = (
    "La fecha y hora escritas ({escrita}) no son las del acuse ({leida}): se registran las que "
    "dice el acuse del IMSS, salvo que las corrijas a sabiendas (queda registrado como "
    "corregido por el usuario)."
)
MSG_CONSTANCIA_NO_VALIDA = (
    "La constancia de firma de esta informativa no es válida: {motivos} {que} Verifícala en "
    "ICSOE › Verificar constancia para ver el detalle."
)
NO_SE_REGISTRA = "No se registra su presentación."
NO_SE_EXPORTA = "No se exporta para el cliente."
MSG_ACUSE_AJENO = (
    "El acuse del IMSS guardado de la informativa {tipo} de {periodo} del contratista {rfc} no "
    "es el que se registró ({problema}): se cambió fuera de la aplicación y no se usa. Restaura "
    "un respaldo en el que esté íntegro."
)
MSG_ACUSE_ALTERADO = (
    "El acuse del IMSS guardado de la informativa {tipo} de {periodo} del contratista {rfc} "
    "no coincide con su huella SHA-256: se alteró fuera de la aplicación y no se usa. Restaura "
    "un respaldo en el que esté íntegro."
)


@dataclass(frozen=True)
class ContratoPresentado:
    """A contract of the informativa as the registro lists it."""

    uuid: str
    contratante_rfc: str
    contratante_nombre: str
    folio_imss: str = ""


@dataclass(frozen=True)
class Registro:
    """A presentación registered: the folio, the date (Central Mexico time), the acuse's hash."""

    folio: str
    presentada: datetime
    sha256: str
    contratos: tuple[ContratoPresentado, ...]
    declarado: bool = False  # the PDF did not state whose it is: the clerk stated it
    dias_tarde: int = 0  # filed after the fecha límite
    corregido: str = ""  # «fecha corregida por el usuario (el acuse dice …)», or ""
    # A time-stamp trusted here proves when its constancia was signed (fecha_firma.py).
    firma_probada: bool = False

    @property
    def estado_texto(self) -> str:
        return texto_presentada(self.dias_tarde, self.firma_probada)


@dataclass(frozen=True)
class Elegible:
    """An informativa the ICSOE menu's windows offer: signed and not filed, or filed."""

    uuid: str
    contratista_rfc: str
    contratista_nombre: str
    periodo: Periodo
    tipo: str
    folio: str = ""

    @property
    def texto(self) -> str:
        folio = f" · folio {self.folio}" if self.folio else ""
        return (
            f"{self.contratista_nombre} (RFC {self.contratista_rfc}) · {self.periodo.texto} · "
            f"{TIPOS[self.tipo]}{folio}"
        )


class PresentacionService(InformativaBase):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        otras_empresas: Callable[[], list[tuple[str, Path]]] = list,
        capacitacion: Callable[[str | None], bool] = lambda _rfc: False,
        verificar: Callable[[bytes], Verificacion] | None = None,
        documentos: DocumentosDelPeriodo | None = None,
        autoridades_sello: Callable[[], str] = str,
        acceso: AccesoContratista | None = None,
    ) -> None:
        super().__init__(store, audit, permisos, clock, acceso)
        # The time-stamp authorities trusted now (FirmaInformativaService.autoridades_sello):
        # a signing date noted as proven under others is not (fecha_firma.py).
        self._autoridades_sello = autoridades_sello
        # The period's filed SISUB (services/documentos_del_periodo.py: its clients, its
        # acuse, a client's rows and PDFs), as the container registers it; None: no SISUB.
        self._documentos = documentos
        # The constancia de firma's verification (FirmaInformativaService.verificar): what it
        # refuses is never filed nor handed to a client, and the signing time it proves is the
        # one the filing is held against.
        self._verificar = verificar
        # (label, store file) of the installation's other empresas: a folio is unique in all.
        self._otras_empresas = otras_empresas
        # Whether a contratista's work is the practice empresa's: never filed.
        self._capacitacion = capacitacion

    # --- what the window shows -----------------------------------------------------------------

    def por_presentar(self, actor: str | None) -> list[Elegible]:
        """The signed informativas not filed yet that ``actor`` may register (a contratista:
        its own)."""
        return self._elegibles(actor, FIRMADA, Accion.REGISTRAR_PRESENTACION)

    def presentadas(self, actor: str | None) -> list[Elegible]:
        """The filed informativas ``actor`` may export for a client."""
        return self._elegibles(actor, PRESENTADA, Accion.ARCHIVO_CLIENTE)

    def _elegibles(self, actor: str | None, estado: str, accion: Accion) -> list[Elegible]:
        self._permisos.exigir(actor, accion)
        with self._store.session() as session:
            filas = session.execute(
                select(InformativaRow, Contratista)
                .join(Contratista, Contratista.id == InformativaRow.contratista_id)
                .where(
                    InformativaRow.estado == estado,
                    InformativaRow.deleted.is_(False),
                    Contratista.deleted.is_(False),
                )
                .order_by(InformativaRow.periodo.desc(), Contratista.nombre, InformativaRow.id)
            ).all()
            return [
                Elegible(
                    row.uuid,
                    c.rfc,
                    c.nombre,
                    Periodo.de_clave(row.periodo),
                    row.tipo,
                    row.folio_imss,
                )
                for row, c in filas
                if not self._es_contratista(actor) or c.rfc == actor
            ]

    def _es_contratista(self, actor: str | None) -> bool:
        return self._permisos.rol(actor) is Rol.CONTRATISTA

    def contratos(self, informativa: str, actor: str | None) -> list[ContratoPresentado]:
        """The informativa's contracts as signed, with their IMSS folio once registered."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            inf = self._cabecera(session, row, contratista)
            folios = folios_registrados(row.folios_imss)
        return _contratos(inf, folios)

    def proponer(
        self,
        informativa: str,
        actor: str | None,
        pdf: bytes,
        nombre: str,
        cancelado: Callable[[], bool] | None = None,
    ) -> Propuesta:
        """What the acuse's text says, for the clerk to confirm (nothing is kept); refused when
        it is another contratista's, period's or tipo's, or the constancia de firma.
        ``cancelado``: the window's Cancelar, looked at while the PDF is read."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            inf = self._cabecera(session, row, contratista)
            tipo = row.tipo
        return _leer(pdf, nombre, inf, tipo, cancelado)

    # --- Registrar presentación ----------------------------------------------------------------

    @anuncia(ICSOE)  # the board and the lists: the period is filed
    def registrar(
        self,
        informativa: str,
        actor: str | None,
        pdf: bytes,
        nombre: str,
        folio: str,
        presentada: datetime,
        folios_contratos: dict[str, str],
        confirmo_acuse: bool = False,
        corregir: bool = False,
    ) -> Presentacion:
        """Keep the acuse with what the clerk confirmed; the informativa becomes «Presentada».
        ``presentada``: aware, or naive read as Central Mexico time. What the acuse's text
        states wins over what is typed unless ``corregir`` (the clerk corrects a misread folio
        or date knowingly: what the acuse states is recorded beside the registro and audited,
        and the typed values pass every check a read one does); what it does not state of
        whose it is needs ``confirmo_acuse`` (the clerk's statement that the PDF is this
        informativa's acuse), and the registro then records that it was stated, not read."""
        self._permisos.exigir(actor, Accion.REGISTRAR_PRESENTACION, informativa)
        if presentada.tzinfo is None:
            presentada = presentada.replace(tzinfo=HORA_DEL_CENTRO)
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            if row.estado == PRESENTADA:
                raise ValidationError(
                    "informativa_presentada", MSG_YA_PRESENTADA.format(folio=row.folio_imss)
                )
            if row.estado != FIRMADA:
                raise ValidationError("informativa_sin_firmar", MSG_SIN_FIRMAR)
            if self._capacitacion(contratista.rfc):
                raise ValidationError("capacitacion_no_se_presenta", MSG_CAPACITACION)
            inf = self._cabecera(session, row, contratista)
            leida = _leer(pdf, nombre, inf, row.tipo, None)  # the same checks as when chosen
            if not corregir:
                _como_el_acuse(leida, folio, presentada)
            corregido = acuse_corregido.corregido(leida.folio, leida.presentada, folio, presentada)
            if leida.faltan and not confirmo_acuse:
                raise ValidationError(
                    "acuse_sin_confirmar",
                    MSG_CONFIRMAR_ACUSE.format(
                        faltan=enumerar(list(leida.faltan), "ni"),
                        contratista=inf.contratista.nombre,
                        periodo=inf.periodo.texto,
                    ),
                    "confirmo",
                )
            probada = self._firma_probada(session, row, NO_SE_REGISTRA)
            firmada = probada or (row.firmada_at.replace(tzinfo=UTC) if row.firmada_at else None)
            nombres = {c.uuid: c.contratante.nombre for c in inf.contratos}
            hecha = validar(
                folio,
                row.tipo,
                presentada,
                inf.periodo,
                self._clock().replace(tzinfo=UTC),
                {u: f for u, f in folios_contratos.items() if u in nombres},
                nombres,
                firmada=firmada,
            )
            self._folio_libre(session, row, hecha.folio)
            row.estado = PRESENTADA
            row.folio_imss = hecha.folio
            row.presentada_at = hecha.presentada.astimezone(UTC).replace(tzinfo=None)
            row.folios_imss = json.dumps(hecha.folios_contratos, sort_keys=True)
            row.acuse_imss_pdf = pdf
            row.acuse_imss_sha256 = hashlib.sha256(pdf).hexdigest()
            row.acuse_imss_declarado = bool(leida.faltan)
            row.acuse_imss_corregido = corregido.guardado()
            row.acuse_imss_regla = REGLA
            tarde = dias_fuera_de_plazo(inf.periodo, row.tipo, hecha.presentada)
            self._audit.record(
                session,
                actor,
                "icsoe_informativa_presentada",
                contratista.rfc,
                f"{row.periodo} {hecha.folio}"
                + (f" fuera de plazo ({plural(tarde, 'día')})" if tarde else "")
                + (" acuse declarado por el usuario" if leida.faltan else "")
                + (f" {corregido.texto()}" if corregido else "")
                # Which acuse: the audit chain keeps it beyond the reach of the row's columns.
                + f" acuse SHA-256 {row.acuse_imss_sha256}",
            )
            return hecha

    def _firma_probada(self, session: Session, row: InformativaRow, que: str) -> datetime | None:
        """The signing time a trusted time-stamp proves of the row's constancia (None: only
        its signer's clock says when), noted for the lists (fecha_firma.py); refused, saying
        ``que``, when its verification refuses the constancia (one that cannot be checked,
        its e.firma expired since, is not refused: nothing says it is false)."""
        from icsoe_desktop.services.informativa import fecha_firma

        if self._verificar is None or not row.acuse_pdf:
            return None
        motivos, resultado = refutada(self._verificar, row.acuse_pdf, row.uuid, row.cadena)
        if motivos:
            log.warning("Constancia de firma no válida: informativa %s", row.uuid)
            raise ValidationError(
                "constancia_no_valida",
                MSG_CONSTANCIA_NO_VALIDA.format(motivos=" ".join(motivos), que=que),
            )
        if not self._store.solo_lectura:  # a store that may not change keeps no note
            fecha_firma.anotar(
                session,
                resultado.autoridades_sello,
                {row.uuid: (row.acuse_pdf, resultado.fecha_probada)},
            )
        return resultado.fecha_probada

    def _probada(self, session: Session, uuid: str) -> bool:
        """Whether the informativa's signing date is noted as proven under today's
        time-stamp authorities."""
        from icsoe_desktop.services.informativa import fecha_firma

        return uuid in fecha_firma.probadas(session, self._autoridades_sello(), [uuid])

    def _folio_libre(self, session: Session, row: InformativaRow, folio: str) -> None:
        """One IMSS folio, one filing: not on another informativa of this empresa nor of any
        other empresa of the installation."""
        otra = session.execute(
            select(InformativaRow, Contratista)
            .join(Contratista, Contratista.id == InformativaRow.contratista_id)
            .where(
                InformativaRow.folio_imss == folio,
                InformativaRow.deleted.is_(False),
                InformativaRow.id != row.id,
            )
        ).first()
        if otra is not None:
            registrada, de = otra
            raise ValidationError(
                "folio_imss_registrado",
                MSG_FOLIO_REGISTRADO.format(
                    folio=folio,
                    donde=f"{TIPOS[registrada.tipo]} de {Periodo.de_clave(registrada.periodo).texto}"
                    f" de {de.nombre} (RFC {de.rfc})",
                ),
                "folio",
            )
        for etiqueta, ruta in self._otras_empresas():
            donde = _folio_en_archivo(ruta, folio)
            if donde is not None:
                raise ValidationError(
                    "folio_imss_registrado",
                    MSG_FOLIO_REGISTRADO.format(folio=folio, donde=f"{donde}, empresa {etiqueta}"),
                    "folio",
                )

    def registro(self, informativa: str, actor: str | None) -> Registro | None:
        """The presentación registered, or None while the informativa is not filed."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            if row.estado != PRESENTADA or row.presentada_at is None:
                return None
            inf = self._cabecera(session, row, contratista)
            presentada = hora_del_centro(row.presentada_at)
            return Registro(
                row.folio_imss,
                presentada,
                row.acuse_imss_sha256,
                tuple(_contratos(inf, folios_registrados(row.folios_imss))),
                declarado=bool(row.acuse_imss_declarado),
                dias_tarde=dias_fuera_de_plazo(inf.periodo, row.tipo, presentada),
                corregido=acuse_corregido.leer(row.acuse_imss_corregido).texto(),
                firma_probada=self._probada(session, row.uuid),
            )

    def acuse_imss(self, informativa: str, actor: str | None) -> bytes:
        """The IMSS acuse as registered, proven by its SHA-256 before it is handed out."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.ARCHIVO_CLIENTE
            )
            if row.estado != PRESENTADA or not row.acuse_imss_pdf:
                raise ValidationError(
                    "sin_acuse_imss",
                    "La informativa aún no está presentada: no tiene acuse de presentación.",
                )
            return acuse_comprobado(row, contratista.rfc, contratista.nombre)

    def guardar_acuse_imss(self, informativa: str, actor: str | None, path: Path) -> Path:
        """The IMSS acuse as registered (its SHA-256 checked) written to ``path`` (whole or not
        at all), audited with what and where; an OSError when the folder refuses it."""
        from icsoe_desktop.files import write_bytes_atomic

        datos = self.acuse_imss(informativa, actor)
        write_bytes_atomic(Path(path), datos)
        self._audit.anotar(
            actor,
            "icsoe_acuse_imss_guardado",
            informativa,
            f"acuse del IMSS ({len(datos):,} bytes) en «{Path(path).resolve()}»",
        )
        return Path(path)

    # --- Exportar para el cliente --------------------------------------------------------------

    def contratantes(self, informativa: str, actor: str | None) -> list[tuple[str, str]]:
        """(RFC, nombre) of the contratantes of the informativa's contracts, as signed, then
        those of the period's filed SISUB's other contracts (continuing ones: a client the
        ICSOE of the period does not list still gets its SISUB)."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.ARCHIVO_CLIENTE
            )
            inf = self._cabecera(session, row, contratista)
            sisub = self._contratantes_sisub(session, contratista.id, row.periodo)
        vistos: dict[str, tuple[str, str]] = {}
        for parte in [c.contratante for c in inf.contratos] + sisub:
            vistos.setdefault(parte.rfc, (parte.rfc, parte.nombre))
        return list(vistos.values())

    def _contratantes_sisub(
        self, session: Session, contratista_id: int, periodo: str
    ) -> list[Parte]:
        if self._documentos is None:
            return []
        return self._documentos.contratantes(session, contratista_id, periodo)

    def _acuse_sisub(self, session: Session, contratista_id: int, periodo: str) -> bytes:
        if self._documentos is None:
            return b""
        return self._documentos.acuse(session, contratista_id, periodo)

    def archivo(
        self, informativa: str, actor: str | None, contratante: str, salida: Path
    ) -> list[Path]:
        """For the contratante ``contratante`` (RFC): the IMSS acuse, the constancia de firma,
        the Excel of its contracts and workers in the informativa and, once the period's
        SISUB is filed, its acuse, that client's rows of it and its contracts' PDFs, into the
        folder or .zip ``salida``. A client with only continuing contracts (not in the
        informativa) gets the acuses, the constancia and its SISUB files."""
        from icsoe_desktop.services.informativa.archivo_cliente import Archivo, escribir

        self._permisos.exigir(actor, Accion.ARCHIVO_CLIENTE, informativa)
        contratante = contratante.strip().upper()
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.ARCHIVO_CLIENTE
            )
            if row.estado != PRESENTADA or row.presentada_at is None:
                raise ValidationError(
                    "informativa_sin_presentar",
                    f"La informativa del periodo {Periodo.de_clave(row.periodo).texto} aún no "
                    "está presentada: registra su acuse de presentación del IMSS antes de "
                    "exportarla para el cliente.",
                )
            probada = self._firma_probada(session, row, NO_SE_EXPORTA)
            inf = self._snapshot(session, row, contratista)
            archivo = Archivo(
                inf,
                contratante,
                row.folio_imss,
                folios_registrados(row.folios_imss),
                acuse_comprobado(row, contratista.rfc, contratista.nombre),
                row.acuse_pdf,
                hora_del_centro(row.presentada_at),
                dias_fuera_de_plazo(inf.periodo, row.tipo, hora_del_centro(row.presentada_at)),
                self._acuse_sisub(session, contratista.id, row.periodo),
                firma_probada=probada is not None,
            )
            rfc, periodo = contratista.rfc, row.periodo
        sisub = (
            self._documentos.del_cliente(rfc, actor, periodo, contratante)
            if self._documentos is not None and archivo.acuse_sisub
            else None
        )
        if sisub is not None:
            archivo = replace(archivo, sisub=sisub.archivos)
        del_sisub = sisub.contratos if sisub is not None else 0
        if not archivo.contratos and not del_sisub:
            raise ValidationError(
                "sin_contratos_del_contratante",
                f"La informativa del periodo {inf.periodo.texto} no tiene contratos con el "
                f"contratante {contratante}"
                + (", ni el SISUB presentado del periodo." if sisub is not None else "."),
                "contratante",
            )
        trabajadores = sum(len(c.trabajadores or ()) for c in archivo.contratos)
        self._audit.anotar(
            actor, "icsoe_archivo_cliente", rfc,
            f"{periodo} {contratante}: {plural(len(archivo.contratos), 'contrato')}, "
            f"{plural(trabajadores, 'trabajador', 'trabajadores')}"
            + (f", {plural(del_sisub, 'contrato')} del SISUB" if del_sisub else "")
            + f", en «{Path(salida).resolve()}»",
        )  # fmt: skip
        return escribir(archivo, Path(salida))


def acuse_comprobado(row: InformativaRow, rfc: str, nombre: str = "") -> bytes:
    """The stored IMSS acuse, refused when its bytes are not the ones registered (its SHA-256)
    or its text, read again, is not this informativa's registered acuse (acuse_guardado.py)."""
    from icsoe_desktop.services.informativa.acuse_guardado import (
        Registrada,
        acuse_ajeno,
        contratantes,
    )

    pdf = row.acuse_imss_pdf or b""
    if not acuse_alterado(pdf, row.acuse_imss_sha256):
        registrada = Registrada(
            rfc,
            row.periodo,
            row.tipo,
            # The whole copy (deferred: MBs) read only when there is no header copy.
            contratantes(cabecera := row.congelada_cabecera, None if cabecera else row.congelada),
            row.folio_imss,
            row.presentada_at,
            bool(row.acuse_imss_declarado),
            nombre,
            acuse_corregido.leer(row.acuse_imss_corregido),
            row.acuse_imss_regla or 0,
        )
        if problema := acuse_ajeno(pdf, row.acuse_imss_sha256, registrada):
            log.warning("Acuse del IMSS ajeno: informativa %s: %s", row.uuid, problema)
            raise ValidationError(
                "acuse_imss_ajeno",
                MSG_ACUSE_AJENO.format(
                    tipo=TIPOS.get(row.tipo, row.tipo),
                    periodo=_periodo_texto(row.periodo),
                    rfc=rfc,
                    problema=problema,
                ),
            )
    if acuse_alterado(pdf, row.acuse_imss_sha256):
        log.warning("Acuse del IMSS alterado: informativa %s", row.uuid)
        raise ValidationError(
            "acuse_imss_alterado",
            MSG_ACUSE_ALTERADO.format(
                tipo=TIPOS.get(row.tipo, row.tipo),
                periodo=_periodo_texto(row.periodo),
                rfc=rfc,
            ),
        )
    return pdf


def _periodo_texto(clave: str) -> str:
    try:
        return Periodo.de_clave(clave).texto
    except ValueError:
        return clave


def _leer(
    pdf: bytes, nombre: str, inf: Informativa, tipo: str, cancelado: Callable[[], bool] | None
) -> Propuesta:
    """The acuse read (bounded) and held against the informativa: refused when it is the
    constancia de firma or another's acuse; what it does not state, in ``faltan``."""
    leido = leer_acuse(pdf, nombre, cancelado)
    if leido.es_constancia:
        raise ValidationError("acuse_es_constancia", MSG_CONSTANCIA.format(nombre=nombre), "acuse")
    propuesta = proponer(leido.texto, [(c.uuid, c.contratante.rfc) for c in inf.contratos], tipo)
    faltan = cotejar(
        partes(leido.texto),
        inf.contratista.rfc,
        inf.contratista.nombre,
        inf.periodo,
        tipo,
        frozenset(c.contratante.rfc for c in inf.contratos),
        tipo_por_folio(leido.texto, propuesta.folio),
    )
    return replace(propuesta, faltan=faltan, sin_texto=not leido.texto.strip())


def _como_el_acuse(leida: Propuesta, folio: str, presentada: datetime) -> None:
    """What the acuse states cannot be typed otherwise."""
    escrito = normalizar_folio(folio)
    if leida.folio and escrito and escrito != leida.folio:
        raise ValidationError(
            "folio_distinto_del_acuse",
            MSG_FOLIO_DISTINTO.format(escrito=escrito, leido=leida.folio),
            "folio",
        )
    if leida.presentada and presentada.replace(microsecond=0) != leida.presentada:
        formato = "%d/%m/%Y %H:%M:%S"
        raise ValidationError(
            "fecha_distinta_del_acuse",
            MSG_FECHA_DISTINTA.format(
                escrita=presentada.astimezone(HORA_DEL_CENTRO).strftime(formato),
                leida=leida.presentada.astimezone(HORA_DEL_CENTRO).strftime(formato),
            ),
            "fecha",
        )


def _folio_en_archivo(ruta: Path, folio: str) -> str | None:
    """Which informativa of another empresa's store has ``folio``, read with plain sqlite3
    (as the deadline board reads them); a store that cannot be read holds none we can see."""
    if not ruta.is_file():
        return None
    try:
        with closing(plain.connect(ruta)) as conn:
            fila = conn.execute(
                "SELECT i.tipo, i.periodo, c.nombre, c.rfc FROM icsoe_informativas i "
                "JOIN icsoe_contratistas c ON c.id = i.contratista_id "
                "WHERE i.folio_imss = ? AND i.deleted = 0 LIMIT 1",
                (folio,),
            ).fetchone()
    except cifrado.Error:
        log.warning("No se pudo revisar el folio en %s", ruta, exc_info=True)
        return None
    if fila is None:
        return None
    tipo, periodo, nombre, rfc = fila
    return f"{TIPOS.get(tipo, tipo)} de {_periodo_texto(periodo)} de {nombre} (RFC {rfc})"


def _contratos(inf: Informativa, folios: dict[str, str]) -> list[ContratoPresentado]:
    return [
        ContratoPresentado(c.uuid, c.contratante.rfc, c.contratante.nombre, folios.get(c.uuid, ""))
        for c in inf.contratos
    ]


__all__ = [
    "ContratoPresentado",
    "Elegible",
    "PresentacionService",
    "Registro",
    "acuse_comprobado",
]
