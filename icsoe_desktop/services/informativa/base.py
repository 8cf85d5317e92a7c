"""What every informativa service shares: who may act for a contratista (asked of the
collaborator services/acceso/contratista.py), finding an informativa that may still change,
and reading one whole as plain values (domain/informativa)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, load_only

from icsoe_desktop.domain.clock import Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.firmada import (
    ILEGIBLE,
    InformativaFirmada,
    de_cadena,
    descongelar,
    sin_trabajadores,
)
from icsoe_desktop.domain.informativa.modelo import (
    EN_CAPTURA,
    FIRMADAS,
    LISTA_PARA_FIRMA,
    Contrato,
    Domicilio,
    Informativa,
    OtraDeclaracion,
    Parte,
    Periodo,
    Trabajador,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.services.acceso.contratista import AccesoContratista, activa
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    Contratante,
    Contratista,
    ContratoRow,
    InformativaRow,
)
from icsoe_desktop.store.queries import trabajadores_de_contratos

# An informativa's columns before its big ones (models/informativa.py).
_CABEZA = (
    InformativaRow.contratista_id,
    InformativaRow.periodo,
    InformativaRow.tipo,
    InformativaRow.estado,
    InformativaRow.complementa,
)
MSG_FIRMADA = (
    "La informativa ya está firmada: no se puede agregar ni cambiar nada. Para corregirla, "
    "presenta una complementaria."
)
MSG_NO_EXISTE = "La informativa ya no existe (pudo eliminarse en otro equipo)."


class InformativaBase:
    """``acceso``: who may act for a contratista, built once by the container and shared with
    the other obligations' services (by default, one of its own on ``permisos``)."""

    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        acceso: AccesoContratista | None = None,
    ) -> None:
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._clock = clock
        self._acceso_contratista = acceso or AccesoContratista(store, audit, permisos)

    # --- who may act (services/acceso/contratista.py) --------------------------------------

    def _contratista(
        self,
        session: Session,
        rfc: str,
        actor: str | None,
        accion: Accion = Accion.CAPTURAR_INFORMATIVA,
    ) -> Contratista:
        return self._acceso_contratista.contratista(session, rfc, actor, accion)

    _activa = staticmethod(activa)

    # --- informativas --------------------------------------------------------------------------

    def _informativa(
        self,
        session: Session,
        uuid: str,
        actor: str | None,
        editable: bool = False,
        accion: Accion = Accion.CAPTURAR_INFORMATIVA,
    ) -> tuple[InformativaRow, Contratista]:
        row = session.scalar(
            select(InformativaRow).where(
                InformativaRow.uuid == uuid, InformativaRow.deleted.is_(False)
            )
        )
        if row is None:
            raise ValidationError("informativa_inexistente", MSG_NO_EXISTE)
        return row, self._acceso(session, row, actor, editable, accion)

    def _acceso(
        self,
        session: Session,
        row: InformativaRow,
        actor: str | None,
        editable: bool = False,
        accion: Accion = Accion.CAPTURAR_INFORMATIVA,
    ) -> Contratista:
        """``row``'s contratista, once ``actor`` may work on it (and change it: ``editable``)."""
        contratista = session.get(Contratista, row.contratista_id)
        assert contratista is not None  # a foreign key
        self._contratista(session, contratista.rfc, actor, accion)
        if editable:
            if row.estado in FIRMADAS:
                raise ValidationError("informativa_firmada", MSG_FIRMADA)
            if row.estado == LISTA_PARA_FIRMA:
                row.estado = EN_CAPTURA  # what was checked has changed: Revisar again
        return contratista

    def _contrato(
        self, session: Session, uuid: str, actor: str | None, editable: bool = False
    ) -> tuple[ContratoRow, InformativaRow]:
        contrato = session.scalar(
            select(ContratoRow).where(ContratoRow.uuid == uuid, ContratoRow.deleted.is_(False))
        )
        if contrato is None:
            raise ValidationError(
                "contrato_inexistente", "El contrato ya no existe (pudo eliminarse en otro equipo)."
            )
        # The informativa's leading columns only: its big ones (cadena, PDFs, frozen copy) come
        # before the rest in its row, and SQLite walks them to reach any column after them (a
        # contract's every page of workers would, at tens of MB).
        informativa = session.get(
            InformativaRow, contrato.informativa_id, options=[load_only(*_CABEZA)]
        )
        assert informativa is not None  # a foreign key; deleted, its contracts are too
        self._acceso(session, informativa, actor, editable)
        return contrato, informativa

    # --- plain values --------------------------------------------------------------------------

    @staticmethod
    def _parte_contratista(row: Contratista) -> Parte:
        return Parte(
            rfc=row.rfc,
            nombre=row.nombre,
            domicilio=domicilio_de(row),
            correo=row.correo,
            telefono_fijo=row.telefono_fijo,
            telefono_movil=row.celular,
        )

    def _snapshot(
        self, session: Session, row: InformativaRow, contratista: Contratista
    ) -> Informativa:
        """What the informativa says. Once signed, what was frozen at *Firmar* (a contratante or
        the contratista edited later changes nothing in it), with the other declarations of its
        period as they are now (for Revisar); before, its live rows."""
        if row.estado in FIRMADAS:
            return replace(
                self._firmada(row).informativa, estado=row.estado, otras=self._otras(session, row)
            )
        return self._en_captura(session, row, contratista)

    @staticmethod
    def _firmada(row: InformativaRow) -> InformativaFirmada:
        return firmada_de(row.congelada, row.firmada_at, row.cadena)

    def _cabecera(
        self, session: Session, row: InformativaRow, contratista: Contratista
    ) -> Informativa:
        """What the informativa says without its workers (its contracts with none) nor the other
        declarations of its period: its header, its contract list. Signed, from the frozen copy
        kept apart for this (a few KB; a row signed before it had one reads the whole copy);
        before, its live rows."""
        if row.estado not in FIRMADAS:
            return self._en_captura(session, row, contratista, trabajadores=False)
        if row.congelada_cabecera:
            informativa = descongelar(row.congelada_cabecera).informativa
        else:
            informativa = sin_trabajadores(self._firmada(row).informativa)
        return replace(informativa, estado=row.estado)

    @staticmethod
    def _otras(session: Session, row: InformativaRow) -> tuple[OtraDeclaracion, ...]:
        return tuple(
            OtraDeclaracion(o.uuid, o.tipo, o.estado)
            for o in _del_periodo(session, row.contratista_id, row.periodo)
            if o.id != row.id
        )

    def _en_captura(
        self,
        session: Session,
        row: InformativaRow,
        contratista: Contratista,
        trabajadores: bool = True,
    ) -> Informativa:
        """The informativa whole from its live rows: its contracts, each with its contratante
        and its workers, and the contratista's datos generales as they are now (without
        ``trabajadores``: neither the workers nor the other declarations of its period). The
        contracts with a foreign contratante without a permanent establishment are left out
        (only counted): the informativa does not report them."""
        todos = session.scalars(
            select(ContratoRow)
            .where(ContratoRow.informativa_id == row.id, ContratoRow.deleted.is_(False))
            .order_by(ContratoRow.id)
        ).all()
        contratantes = session.scalars(
            select(Contratante).where(Contratante.id.in_({c.contratante_id for c in todos}))
        ).all()
        partes = {c.id: parte_de(c) for c in contratantes}
        extranjeros = {c.id for c in contratantes if c.extranjero_sin_ep}
        contratos = [c for c in todos if c.contratante_id not in extranjeros]
        ids = [c.id for c in contratos]
        asignados: dict[int, list[Trabajador]] = {i: [] for i in ids}
        if ids and trabajadores:
            nombres: dict[str, str] = {}  # one string per name (many workers share one)
            for contrato_id, nss, curp, sbc, nombre in trabajadores_de_contratos(session, ids):
                nombre = nombres.setdefault(nombre, nombre)
                asignados[contrato_id].append(Trabajador(nss, curp, sbc, nombre))
        return Informativa(
            uuid=row.uuid,
            contratista=self._parte_contratista(contratista),
            periodo=Periodo.de_clave(row.periodo),
            tipo=row.tipo,
            estado=row.estado,
            contratos=tuple(
                Contrato(
                    uuid=c.uuid,
                    contratante=partes[c.contratante_id],
                    objeto=c.objeto,
                    folio_repse=c.folio_repse,
                    descripcion_servicio=c.descripcion_servicio,
                    fecha_inicial=c.fecha_inicial,
                    fecha_final=c.fecha_final,
                    trabajadores=tuple(asignados[c.id]),
                )
                for c in contratos
            ),
            complementa=row.complementa or None,
            otras=self._otras(session, row) if trabajadores else (),
            extranjeros=len(todos) - len(contratos),
        )


def _del_periodo(session: Session, contratista_id: int, periodo: str) -> Iterable[InformativaRow]:
    return session.scalars(
        select(InformativaRow)
        .where(
            InformativaRow.contratista_id == contratista_id,
            InformativaRow.periodo == periodo,
            InformativaRow.deleted.is_(False),
        )
        .order_by(InformativaRow.id)
    )


def del_periodo(session: Session, contratista_id: int, periodo: str) -> list[InformativaRow]:
    return list(_del_periodo(session, contratista_id, periodo))


def firmadas(session: Session, *, contratista_id: int, contratante_id: int | None = None) -> int:
    """How many signed informativas of the contratista there are (those that hold the
    contratante ``contratante_id``, when given): what an edit of their data leaves as it was."""
    query = select(func.count(distinct(InformativaRow.id))).where(
        InformativaRow.contratista_id == contratista_id,
        InformativaRow.estado.in_(FIRMADAS),
        InformativaRow.deleted.is_(False),
    )
    if contratante_id is not None:
        query = query.join(ContratoRow, ContratoRow.informativa_id == InformativaRow.id).where(
            ContratoRow.contratante_id == contratante_id, ContratoRow.deleted.is_(False)
        )
    return session.scalar(query) or 0


class Nota(str):
    """An aviso that only informs (nothing to check or correct): a window shows it as
    information, not as a warning."""


def aviso_firmadas(sujeto: str, verbo: str, cuantas: int) -> Nota:
    """«Este contratante también está en 2 informativas firmadas, que no cambian…»: an edit
    saved reaches only the informativas not yet signed."""
    en = plural(cuantas, "informativa firmada", "informativas firmadas")
    return Nota(
        f"{sujeto} también {verbo} en {en}, que no {verb(cuantas, 'cambia', 'cambian')}: "
        "el cambio sólo se aplica a las informativas que aún no se firman."
    )


def parte_de(row: Contratante) -> Parte:
    return Parte(
        rfc=row.rfc,
        nombre=row.nombre,
        domicilio=domicilio_de(row),
        correo=row.correo,
        telefono_fijo=row.telefono_fijo,
        telefono_movil=row.telefono_movil,
    )


def domicilio_de(row: Contratista | Contratante) -> Domicilio:
    """The contratista's and a contratante's rows keep their domicilio in the same columns."""
    return Domicilio(
        row.calle,
        row.numero_exterior,
        row.numero_interior,
        row.colonia,
        row.codigo_postal,
        row.municipio,
        row.entidad,
    )


def firmada_de(
    congelada: bytes | None, firmada_at: datetime | None, cadena: str | None
) -> InformativaFirmada:
    """A signed informativa as it was signed, from its row's columns. A row signed before the
    frozen copy was kept is read back from its cadena original (the text its e.firma sealed)."""
    if congelada:
        return descongelar(congelada)
    if firmada_at is None or not cadena:
        raise ValidationError("informativa_firmada_ilegible", ILEGIBLE)
    return de_cadena(cadena, hora_del_centro(firmada_at))
