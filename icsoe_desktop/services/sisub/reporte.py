"""The SISUB report per contratista and period: prepared from the informativas (the contracts in
force) and the CFDI de nómina (the workers and amounts per bimestre, ``propuesta``), completed by
the clerk (each contract's SISUB number and work site; an amount edited, the change recorded),
read whole as plain values (domain/sisub). The capturistas and the contratista prepare it
(``Accion.PREPARAR_SISUB``); a report filed is read-only, its contracts as filed: a change goes
in a complementario."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, fields, replace

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.contacto import (
    ENTIDADES_FEDERATIVAS,
    check_codigo_postal,
    required_text,
)
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_registro_patronal
from icsoe_desktop.domain.informativa.modelo import Domicilio, Periodo, Problema
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.sisub import presentados
from icsoe_desktop.domain.sisub.archivos import filas, vacias
from icsoe_desktop.domain.sisub.captura import (
    DatosSujeto,
    DelContrato,
    TrabajadorCapturado,
    check_captura,
    check_datos_sujeto,
    check_del_contrato,
    check_importes,
)
from icsoe_desktop.domain.sisub.modelo import (
    CAMPOS_IMPORTES,
    COMPLEMENTARIO,
    EN_PREPARACION,
    PRESENTADO,
    ContratoSisub,
    Importes,
    ReporteSisub,
    TrabajadorSisub,
    check_motivo,
    tipo_propuesto,
)
from icsoe_desktop.domain.sisub.revision import revisar
from icsoe_desktop.domain.texts import check_caracteres, plural
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService
from icsoe_desktop.services.sisub.avance import PASOS, Avance
from icsoe_desktop.services.sisub.capturados import (
    bimestre_del_contrato,
    fila_de,
    persona_de,
    quitados,
    registro_de_la_empresa,
    registros_de_la_empresa,
    sin_los_quitados,
    texto_de_importes,
)
from icsoe_desktop.services.sisub.guia import Guias
from icsoe_desktop.services.sisub.propuesta import Propuesta, proponer
from icsoe_desktop.services.sisub.revisar import (
    bimestres_con_recibos,
    icsoe_del_periodo,
    pagos_adjuntos,
    propuestos_editados,
    registro_repse,
)
from icsoe_desktop.services.sisub.sujeto import sujeto_de
from icsoe_desktop.services.sisub.vigentes import Vigente, contratos_en_vigor
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    Contratista,
    ContratoRow,
    InformativaRow,
    SisubContrato,
    SisubReporte,
    SisubTrabajador,
)
from icsoe_desktop.store.queries import TANDA

MSG_NO_EXISTE = "El reporte SISUB ya no existe (pudo eliminarse en otro equipo)."
MSG_PRESENTADO = (
    "El SISUB de {periodo} ya está presentado con el folio {folio}: no se puede cambiar. "
    "Para un cambio prepara un complementario."
)
MSG_CONTRATO_FUERA = "El contrato no está en vigor en el periodo del reporte."
MSG_SIN_PRESENTAR = (
    "Un complementario corrige un SISUB ya presentado; el de {periodo} aún no se presenta."
)
# Where Preparar's shares of the bar end (avance.py): the contracts in force, the receipts read;
# the rows written take the rest.
_CONTRATOS, _RECIBOS = 5, 60


def _periodo(texto: str | Periodo) -> Periodo:
    if isinstance(texto, Periodo):
        return texto
    try:
        return Periodo.de_clave(texto.strip())
    except (ValueError, AttributeError):
        raise ValidationError(
            "periodo_invalido",
            f"«{texto}» no es un periodo: escribe el año y el cuatrimestre, por ejemplo 2026-2.",
        ) from None


@dataclass(frozen=True)
class Vista:
    """The report as the window shows it (``SisubService.vista``)."""

    reporte: ReporteSisub
    cuentas: dict[str, int]  # each contract's distinct workers, by its uuid
    elegido: str | None = None  # the contract whose workers were read (in ``reporte``)


@dataclass(frozen=True)
class Preparado:
    uuid: str
    contratos: int
    trabajadores: int  # rows of worker and bimestre
    conservados: int  # rows the clerk edited, kept as edited


class SisubService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        codigos_postales: Callable[[], CodigosPostalesService | None] = lambda: None,
        acceso: AccesoContratista | None = None,
    ) -> None:
        self._store, self._audit, self._permisos, self._clock = store, audit, permisos, clock
        # Who may act for a contratista: the container's, shared with the informativa.
        self._acceso = acceso or AccesoContratista(store, audit, permisos)
        self._codigos_postales = codigos_postales

    # --- the report ----------------------------------------------------------------------------

    @anuncia(ICSOE)
    def preparar(
        self,
        rfc: str,
        actor: str | None,
        periodo: str | Periodo,
        complementario: bool = False,
        motivo: str = "",
        avance: Callable[[int, int], None] | None = None,
    ) -> Preparado:
        """The report of ``periodo`` prepared again from the informativas and the receipts (a
        new one when none is in preparation): the rows the clerk edited stay as edited.
        ``avance(hechos, PASOS)``: as the work moves (contracts, receipts, rows written)."""
        avanzar = Avance(avance)
        p = _periodo(periodo)
        with self._store.session() as session:
            contratista = self._acceso.contratista(session, rfc, actor, Accion.PREPARAR_SISUB)
            row = self._en_preparacion(session, contratista, p, actor, complementario, motivo)
            vigentes = contratos_en_vigor(session, contratista.id, p)
            avanzar.tramo(0, _CONTRATOS)(1, 1)
            if not complementario and row.tipo != COMPLEMENTARIO:
                row.tipo = tipo_propuesto(len(vigentes))
            propuestas = proponer(session, p, vigentes, avanzar.tramo(_CONTRATOS, _RECIBOS))
            conservados = self._aplicar(session, row, propuestas, avanzar.tramo(_RECIBOS, PASOS))
            self._audit.record(
                session,
                actor,
                "sisub_preparado",
                f"{rfc} {p.clave}",
                f"{plural(len(vigentes), 'contrato')} en vigor, "
                f"{plural(len(propuestas), 'renglón', 'renglones')} de trabajadores",
            )
            return Preparado(row.uuid, len(vigentes), len(propuestas), conservados)

    def _en_preparacion(
        self,
        session: Session,
        contratista: Contratista,
        p: Periodo,
        actor: str | None,
        complementario: bool,
        motivo: str,
    ) -> SisubReporte:
        del_periodo = session.scalars(
            select(SisubReporte)
            .where(
                SisubReporte.contratista_id == contratista.id,
                SisubReporte.periodo == p.clave,
                SisubReporte.deleted.is_(False),
            )
            .order_by(SisubReporte.id)
        ).all()
        abierto = next((r for r in del_periodo if r.estado == EN_PREPARACION), None)
        presentados = [r for r in del_periodo if r.estado == PRESENTADO]
        if complementario:  # checked first: a report in preparation never filed is no base
            if not presentados:
                raise ValidationError(
                    "sisub_sin_presentar", MSG_SIN_PRESENTAR.format(periodo=p.texto)
                )
            check_motivo(motivo)
        if abierto is not None:
            if complementario and abierto.tipo == COMPLEMENTARIO:
                abierto.motivo = motivo  # the one in preparation, for the motivo chosen last
            return abierto
        if presentados and not complementario:
            ultimo = presentados[-1]
            raise ValidationError(
                "sisub_presentado", MSG_PRESENTADO.format(periodo=p.texto, folio=ultimo.folio)
            )
        row = SisubReporte(
            contratista_id=contratista.id,
            periodo=p.clave,
            tipo=COMPLEMENTARIO if complementario else tipo_propuesto(0),
            estado=EN_PREPARACION,
            complementa=presentados[-1].uuid if complementario else "",
            motivo=motivo if complementario else "",
            preparado_por=actor or "",
        )
        session.add(row)
        session.flush()
        return row

    @staticmethod
    def _aplicar(
        session: Session,
        row: SisubReporte,
        propuestas: dict[tuple[int, int, str], Propuesta],
        avance: Callable[[int, int], None],
    ) -> int:
        """The proposal written over the report's rows: the edited ones kept, the others
        updated, added or (no longer proposed) removed. How many edited rows were kept;
        ``avance(escritos, total)`` as the rows are written."""
        actuales = {
            (t.contrato_id, t.bimestre, t.nss): t
            for t in session.scalars(
                select(SisubTrabajador)
                .where(SisubTrabajador.reporte_id == row.id, SisubTrabajador.deleted.is_(False))
                .execution_options(yield_per=TANDA)
            )
        }
        # The rows the clerk removed stay out, as the edited ones stay as edited.
        fuera = quitados(session, row.id)
        conservados = 0
        for clave, actual in actuales.items():
            if actual.editado:
                conservados += 1
            elif clave not in propuestas:
                actual.deleted = True
        for hechas, (clave, propuesta) in enumerate(propuestas.items(), 1):
            avance(hechas, len(propuestas))
            fila = actuales.get(clave)
            if (fila is not None and fila.editado) or (fila is None and clave in fuera):
                continue
            if fila is None:
                contrato_id, bimestre, nss = clave
                fila = SisubTrabajador(
                    reporte_id=row.id, contrato_id=contrato_id, bimestre=bimestre, nss=nss
                )
                session.add(fila)
            _escribir(fila, propuesta)
        avance(1, 1)  # no rows to write: its share done all the same
        return conservados

    def reporte(
        self, uuid: str, actor: str | None, accion: Accion = Accion.PREPARAR_SISUB
    ) -> ReporteSisub:
        """The report whole; ``accion``: what the caller reads it for (its export asks
        ``PRESENTAR_SISUB``)."""
        with self._store.session() as session:
            return self._leer(session, uuid, actor, accion, None)

    def vista(self, uuid: str, actor: str | None, contrato: str | None) -> Vista:
        """What the window shows: the report with the workers of ``contrato`` only (the first
        contract's when it is not one of the report's) and each contract's count of workers.
        Read whole (tens of thousands of rows) it held the window's interpreter a second."""
        with self._store.session() as session:
            reporte = self._leer(session, uuid, actor, Accion.PREPARAR_SISUB, ())
            uuids = [c.uuid for c in reporte.contratos]
            elegido = contrato if contrato in uuids else (uuids[0] if uuids else None)
            row = self._reporte(session, uuid, actor)[0]
            cuentas = dict.fromkeys(uuids, 0) | _cuentas(session, row.id)
            if elegido is None:
                return Vista(reporte, cuentas)
            suyos = tuple(_trabajadores_de(session, row.id, [elegido])[elegido])
        contratos = tuple(
            replace(c, trabajadores=suyos) if c.uuid == elegido else c for c in reporte.contratos
        )
        return Vista(replace(reporte, contratos=contratos), cuentas, elegido)

    def trabajadores(
        self, uuid: str, actor: str | None, contrato: str
    ) -> tuple[TrabajadorSisub, ...]:
        """The workers of one contract of the report, by bimestre and NSS."""
        with self._store.session() as session:
            row = self._reporte(session, uuid, actor)[0]
            return tuple(_trabajadores_de(session, row.id, [contrato])[contrato])

    def _leer(
        self,
        session: Session,
        uuid: str,
        actor: str | None,
        accion: Accion,
        con_trabajadores: Collection[str] | None,
        avance: Callable[[int, int], None] | None = None,
    ) -> ReporteSisub:
        """The report, with the workers of the contracts ``con_trabajadores`` (None: all);
        ``avance(contratos leídos, total)`` as their workers are read."""
        row, contratista = self._reporte(session, uuid, actor, accion=accion)
        p = Periodo.de_clave(row.periodo)
        presentado = presentados.de_texto(row.contratos_presentados)
        if presentado is not None:
            contratos = presentado.contratos
        else:  # not filed: the contracts as they are now
            vigentes = contratos_en_vigor(session, contratista.id, p)
            datos = _datos_sisub(session, [v.id for v in vigentes])
            contratos = tuple(_contrato(v, datos.get(v.id)) for v in vigentes)
        leer = [c.uuid for c in contratos if con_trabajadores is None or c.uuid in con_trabajadores]
        trabajadores = _trabajadores_de(session, row.id, leer, avance)
        return ReporteSisub(
            uuid=row.uuid,
            rfc=contratista.rfc,
            nombre=contratista.nombre,
            periodo=p,
            tipo=row.tipo,
            estado=row.estado,
            contratos=tuple(
                replace(c, trabajadores=tuple(trabajadores.get(c.uuid, ()))) for c in contratos
            ),
            motivo=row.motivo,
            nota_icsoe=row.nota_icsoe,
            folio=row.folio,
        )

    def revisar(
        self, uuid: str, actor: str | None, accion: Accion = Accion.PREPARAR_SISUB
    ) -> list[Problema]:
        """Revisar (domain/sisub/revision.py): what keeps the files from being exported, and
        the warnings."""
        return self.revision(uuid, actor, accion)[1]

    def revision(
        self,
        uuid: str,
        actor: str | None,
        accion: Accion,
        avance: Callable[[int, int], None] | None = None,
    ) -> tuple[ReporteSisub, list[Problema]]:
        """The report whole and what Revisar finds in it, read once (the export needs both);
        ``avance(contratos leídos, total)`` as the report is read."""
        with self._store.session() as session:
            reporte = self._leer(session, uuid, actor, accion, None, avance)
            row, contratista = self._reporte(session, uuid, actor, accion=accion)
            presentado = presentados.de_texto(row.contratos_presentados)
            icsoe = (
                presentado.icsoe
                if presentado is not None
                else icsoe_del_periodo(session, contratista.id, reporte.periodo)
            )
            propuestos = propuestos_editados(session, row.id, contratista.id, reporte.periodo)
            registro = registro_repse(session, contratista.id)
            recibos = sin_los_quitados(session, row.id, bimestres_con_recibos(session, reporte))
            sujeto, _pdf = sujeto_de(session, contratista, reporte)
            pagados = pagos_adjuntos(session, reporte.periodo)
        layouts = Guias(self._store, self._audit, self._clock).layouts()
        faltan = vacias(filas(reporte, sujeto, layouts), layouts)
        return reporte, revisar(reporte, icsoe, propuestos, registro, recibos, faltan, pagados)

    def del_contratante(
        self, uuid: str, actor: str | None, accion: Accion, contratante: str
    ) -> ReporteSisub:
        """The report with the contracts of the contratante ``contratante`` (RFC) only, with
        their workers (the client's archive: never another client's)."""
        with self._store.session() as session:
            todos = self._leer(session, uuid, actor, accion, ())
            suyos = {c.uuid for c in todos.contratos if c.contratante.rfc.upper() == contratante}
            reporte = self._leer(session, uuid, actor, accion, suyos)
        return replace(reporte, contratos=tuple(c for c in reporte.contratos if c.uuid in suyos))

    def del_periodo(self, rfc: str, actor: str | None, periodo: str | Periodo) -> str | None:
        """The uuid of the period's report: the one in preparation, else the last filed."""
        p = _periodo(periodo)
        with self._store.session() as session:
            contratista = self._acceso.contratista(session, rfc, actor, Accion.CONSULTAR)
            filas = session.execute(
                select(SisubReporte.uuid, SisubReporte.estado)
                .where(
                    SisubReporte.contratista_id == contratista.id,
                    SisubReporte.periodo == p.clave,
                    SisubReporte.deleted.is_(False),
                )
                .order_by(SisubReporte.id)
            ).all()
        abiertos = [u for u, estado in filas if estado == EN_PREPARACION]
        todos = [u for u, _estado in filas]
        elegidos = abiertos or todos
        return elegidos[-1] if elegidos else None

    def periodos_presentados(self, rfc: str, actor: str | None) -> set[str]:
        """The periods (their keys) whose SISUB is filed and has no complementario in
        preparation: what the window does not open on."""
        with self._store.session() as session:
            contratista = self._acceso.contratista(session, rfc, actor, Accion.CONSULTAR)
            filas = session.execute(
                select(SisubReporte.periodo, SisubReporte.estado).where(
                    SisubReporte.contratista_id == contratista.id,
                    SisubReporte.deleted.is_(False),
                )
            ).all()
        abiertos = {periodo for periodo, estado in filas if estado == EN_PREPARACION}
        return {periodo for periodo, estado in filas if estado == PRESENTADO} - abiertos

    def _reporte(
        self,
        session: Session,
        uuid: str,
        actor: str | None,
        editable: bool = False,
        accion: Accion = Accion.PREPARAR_SISUB,
    ) -> tuple[SisubReporte, Contratista]:
        row = session.scalar(
            select(SisubReporte).where(SisubReporte.uuid == uuid, SisubReporte.deleted.is_(False))
        )
        if row is None:
            raise ValidationError("sisub_inexistente", MSG_NO_EXISTE)
        contratista = session.get(Contratista, row.contratista_id)
        assert contratista is not None  # a foreign key
        self._acceso.contratista(session, contratista.rfc, actor, accion)
        if editable and row.estado == PRESENTADO:
            raise ValidationError(
                "sisub_presentado",
                MSG_PRESENTADO.format(periodo=Periodo.de_clave(row.periodo).texto, folio=row.folio),
            )
        return row, contratista

    # --- the clerk's changes -------------------------------------------------------------------

    @anuncia(ICSOE)
    def guardar_contrato(
        self,
        reporte: str,
        contrato: str,
        actor: str | None,
        numero: str,
        sitio: Domicilio,
        del_contrato: DelContrato | None = None,
    ) -> None:
        """A contract's SISUB number and work site (kept for the next periods); with
        ``del_contrato``, its kind, amount and beneficiary's registro patronal too."""
        numero = required_text(numero, "Número de contrato SISUB", "numero", 40)
        sitio = self.check_sitio(sitio)
        if del_contrato is not None:
            del_contrato = check_del_contrato(del_contrato)
        with self._store.session() as session:
            row, contratista = self._reporte(session, reporte, actor, editable=True)
            vigente = self._vigente(session, row, contratista, contrato)
            datos = _datos_sisub(session, [vigente.id]).get(vigente.id)
            if datos is None:
                datos = SisubContrato(contrato_id=vigente.id)
                session.add(datos)
            antes = _texto_contrato(datos)
            datos.numero = numero
            for campo in fields(Domicilio):
                setattr(datos, campo.name, getattr(sitio, campo.name))
            if del_contrato is not None:
                datos.tipo, datos.monto = del_contrato.tipo, del_contrato.monto
                datos.registro_beneficiario = del_contrato.registro_beneficiario
            despues = _texto_contrato(datos)
            if antes != despues:
                self._audit.record(
                    session, actor, "sisub_contrato_guardado", contrato, f"{antes} → {despues}"
                )

    @anuncia(ICSOE)
    def guardar_del_contrato(
        self, rfc: str, actor: str | None, contrato: str, del_contrato: DelContrato
    ) -> None:
        """What the contracts file asks of ``contrato`` (uuid) beyond the informativa: its
        kind, amount and the beneficiary's registro patronal (kept for the next periods)."""
        del_contrato = check_del_contrato(del_contrato)
        with self._store.session() as session:
            contratista = self._acceso.contratista(session, rfc, actor, Accion.PREPARAR_SISUB)
            fila = session.scalar(
                select(ContratoRow)
                .join(InformativaRow, InformativaRow.id == ContratoRow.informativa_id)
                .where(
                    ContratoRow.uuid == contrato,
                    ContratoRow.deleted.is_(False),
                    InformativaRow.contratista_id == contratista.id,
                )
            )
            if fila is None:
                raise ValidationError("contrato_fuera_del_periodo", MSG_CONTRATO_FUERA)
            datos = _datos_sisub(session, [fila.id]).get(fila.id)
            if datos is None:
                datos = SisubContrato(contrato_id=fila.id)
                session.add(datos)
            antes = _texto_contrato(datos)
            datos.tipo, datos.monto = del_contrato.tipo, del_contrato.monto
            datos.registro_beneficiario = del_contrato.registro_beneficiario
            despues = _texto_contrato(datos)
            if antes != despues:
                self._audit.record(
                    session, actor, "sisub_contrato_guardado", contrato, f"{antes} → {despues}"
                )

    @anuncia(ICSOE)
    def guardar_sujeto(self, rfc: str, actor: str | None, datos: DatosSujeto) -> None:
        """What the sujeto obligado's file asks beyond the datos generales (the cross streets,
        representante legal, administrador único, escritura, folio mercantil), kept once for
        every period; the change audited."""
        datos = check_datos_sujeto(datos, hora_del_centro(self._clock()).date())
        with self._store.session() as session:
            contratista = self._acceso.contratista(session, rfc, actor, Accion.PRESENTAR_SISUB)
            antes = datos_sujeto_de(contratista)
            for campo in fields(DatosSujeto):
                setattr(contratista, campo.name, getattr(datos, campo.name))
            if antes != datos:
                self._audit.record(
                    session, actor, "sisub_sujeto_guardado", rfc, _texto_sujeto(antes, datos)
                )

    def datos_sujeto(self, rfc: str, actor: str | None) -> DatosSujeto:
        with self._store.session() as session:
            return datos_sujeto_de(
                self._acceso.contratista(session, rfc, actor, Accion.PREPARAR_SISUB)
            )

    def check_sitio(self, sitio: Domicilio) -> Domicilio:
        """The work site's fields, as the datos generales' domicilio: the código postal and
        colonia against SEPOMEX when the catalogue is loaded (never required)."""
        cp = check_codigo_postal(sitio.codigo_postal)
        entidad = (sitio.entidad or "").strip()
        if entidad not in ENTIDADES_FEDERATIVAS:
            raise ValidationError(
                "campo_obligatorio", "Elige la entidad federativa del centro de trabajo.", "entidad"
            )
        colonia = required_text(sitio.colonia, "Colonia", "colonia")
        interior = " ".join(
            check_caracteres(sitio.numero_interior, "Número interior", "numeroInterior").split()
        )
        if len(interior) > 30:
            raise ValidationError(
                "campo_largo", "El número interior admite hasta 30 caracteres.", "numeroInterior"
            )
        catalogo = self._codigos_postales()
        encontrado = catalogo.buscar(cp) if catalogo is not None else None
        if encontrado is not None:
            if encontrado.entidad != entidad:
                raise ValidationError(
                    "cp_de_otra_entidad",
                    f"El código postal {cp} es de {encontrado.entidad}, no de {entidad}.",
                    "codigoPostal",
                )
            colonia = encontrado.colonia(colonia) or colonia
        return Domicilio(
            calle=required_text(sitio.calle, "Calle", "calle"),
            numero_exterior=required_text(
                sitio.numero_exterior, "Número exterior", "numeroExterior", 30
            ),
            numero_interior=interior,
            colonia=colonia,
            codigo_postal=cp,
            municipio=required_text(sitio.municipio, "Municipio o alcaldía", "municipio"),
            entidad=entidad,
        )

    @anuncia(ICSOE)
    def editar_trabajador(
        self, uuid: str, actor: str | None, importes: Importes, registro_patronal: str
    ) -> None:
        """A worker's amounts and registro patronal in one bimestre as the clerk typed them:
        the row is kept as edited when the report is prepared again; the change is audited."""
        registro = check_registro_patronal(registro_patronal, "registroPatronal")
        check_importes(importes)
        with self._store.session() as session:
            fila = self._fila(session, uuid)
            reporte = session.get(SisubReporte, fila.reporte_id)
            assert reporte is not None  # a foreign key
            self._reporte(session, reporte.uuid, actor, editable=True)
            cambios = _cambios(fila, importes, registro)
            if not cambios:
                return
            for campo in fields(Importes):
                setattr(fila, campo.name, getattr(importes, campo.name))
            fila.registro_patronal = registro
            fila.editado = True
            fila.origen = _capturado(actor)
            self._audit.record(
                session,
                actor,
                "sisub_trabajador_editado",
                f"{fila.nss} bimestre {fila.bimestre}",
                "; ".join(cambios),
            )

    def registros_patronales(self, reporte: str, actor: str | None) -> tuple[str, ...]:
        """The empresa's registros patronales a worker row may carry (captured, or carried by
        its receipts)."""
        with self._store.session() as session:
            self._reporte(session, reporte, actor)
            return registros_de_la_empresa(session)

    @anuncia(ICSOE)
    def agregar_trabajador(
        self, reporte: str, contrato: str, actor: str | None, captura: TrabajadorCapturado
    ) -> str:
        """A worker tied to ``contrato`` in one bimestre, typed by the clerk (no receipts bring
        them): kept as an edited row when the report is prepared again; audited. Its row's
        uuid."""
        with self._store.session() as session:
            row, contratista = self._reporte(session, reporte, actor, editable=True)
            captura = check_captura(captura)
            vigente = self._vigente(session, row, contratista, contrato)
            bimestre = bimestre_del_contrato(
                Periodo.de_clave(row.periodo), vigente, captura.bimestre
            )
            registro = registro_de_la_empresa(session, captura.registro_patronal)
            viva, quitada = fila_de(session, row.id, vigente.id, bimestre.numero, captura.nss)
            if viva is not None:
                raise ValidationError(
                    "sisub_trabajador_repetido",
                    f"El NSS {captura.nss} ya está en el bimestre {bimestre.texto} de este "
                    "contrato: corrige sus importes en vez de agregarlo otra vez.",
                    "nss",
                )
            # Left empty: the contract's list gives them, else the row removed had them.
            curp, nombre = captura.curp, captura.nombre
            if not curp or not nombre:
                lista_curp, lista_nombre = persona_de(session, vigente.id, captura.nss)
                antes = (quitada.curp, quitada.nombre) if quitada is not None else ("", "")
                curp = curp or lista_curp or antes[0]
                nombre = nombre or lista_nombre or antes[1]
            fila = quitada or SisubTrabajador(
                reporte_id=row.id, contrato_id=vigente.id, bimestre=bimestre.numero
            )
            fila.nss, fila.curp, fila.nombre = captura.nss, curp, nombre
            fila.registro_patronal = registro
            for campo in fields(Importes):
                setattr(fila, campo.name, getattr(captura.importes, campo.name))
            fila.editado, fila.deleted = True, False
            fila.origen = _capturado(actor)
            if quitada is None:
                session.add(fila)
            session.flush()
            self._audit.record(
                session,
                actor,
                "sisub_trabajador_agregado",
                f"{captura.nss} bimestre {bimestre.numero}",
                f"contrato {contrato}; registro patronal {registro}; "
                + texto_de_importes(captura.importes),
            )
            return fila.uuid

    @anuncia(ICSOE)
    def quitar_trabajador(self, uuid: str, actor: str | None) -> None:
        """A worker row out of the report (proposed by the receipts or typed): Preparar does
        not bring it back; «Agregar trabajador» does. Audited."""
        with self._store.session() as session:
            fila = self._fila(session, uuid)
            reporte = session.get(SisubReporte, fila.reporte_id)
            assert reporte is not None  # a foreign key
            self._reporte(session, reporte.uuid, actor, editable=True)
            fila.deleted, fila.editado = True, True
            contrato = session.get(ContratoRow, fila.contrato_id)
            self._audit.record(
                session,
                actor,
                "sisub_trabajador_quitado",
                f"{fila.nss} bimestre {fila.bimestre}",
                f"contrato {contrato.uuid if contrato else fila.contrato_id}; era «{fila.origen}»",
            )

    @staticmethod
    def _fila(session: Session, uuid: str) -> SisubTrabajador:
        fila = session.scalar(
            select(SisubTrabajador).where(
                SisubTrabajador.uuid == uuid, SisubTrabajador.deleted.is_(False)
            )
        )
        if fila is None:
            raise ValidationError(
                "sisub_trabajador_inexistente",
                "El trabajador ya no está en el reporte (pudo cambiar en otro equipo).",
            )
        return fila

    @anuncia(ICSOE)
    def anotar_icsoe(self, uuid: str, actor: str | None, nota: str) -> None:
        """Why the ICSOE informativa of the period says otherwise (Revisar then accepts it)."""
        nota = " ".join(check_caracteres(nota or "", "Motivo", "notaIcsoe", libre=True).split())
        if len(nota) > 1000:
            raise ValidationError(
                "campo_largo", "El motivo admite hasta 1,000 caracteres.", "notaIcsoe"
            )
        with self._store.session() as session:
            row, _ = self._reporte(session, uuid, actor, editable=True)
            if row.nota_icsoe != nota:
                row.nota_icsoe = nota
                self._audit.record(session, actor, "sisub_nota_icsoe", uuid, nota)

    def _vigente(
        self, session: Session, row: SisubReporte, contratista: Contratista, contrato: str
    ) -> Vigente:
        p = Periodo.de_clave(row.periodo)
        for vigente in contratos_en_vigor(session, contratista.id, p):
            if vigente.uuid == contrato:
                return vigente
        raise ValidationError("contrato_fuera_del_periodo", MSG_CONTRATO_FUERA)


# --- plain values ---------------------------------------------------------------------------------


def _capturado(actor: str | None) -> str:
    return f"Capturado por {actor or 'la línea de comandos'}"


def _escribir(fila: SisubTrabajador, propuesta: Propuesta) -> None:
    fila.curp = propuesta.curp
    fila.nombre = propuesta.nombre[:254]
    if propuesta.registro_patronal:
        fila.registro_patronal = propuesta.registro_patronal
    for campo in fields(Importes):
        setattr(fila, campo.name, getattr(propuesta.importes, campo.name))
    fila.origen = propuesta.origen


def _datos_sisub(session: Session, ids: list[int]) -> dict[int, SisubContrato]:
    """Each contract's SISUB data (the last written, should two desktops have written one)."""
    datos: dict[int, SisubContrato] = {}
    for row in session.scalars(
        select(SisubContrato)
        .where(SisubContrato.contrato_id.in_(ids), SisubContrato.deleted.is_(False))
        .order_by(SisubContrato.id)
    ):
        datos[row.contrato_id] = row
    return datos


def _texto_contrato(datos: SisubContrato) -> str:
    partes = [datos.numero or ""] + [getattr(datos, c.name) or "" for c in fields(Domicilio)]
    partes += [datos.tipo or "", _pesos(datos.monto or 0), datos.registro_beneficiario or ""]
    return " | ".join(partes)


def _pesos(centavos: int) -> str:
    return f"{centavos / 100:,.2f}"


def _cambios(fila: SisubTrabajador, importes: Importes, registro: str) -> list[str]:
    cambios = []
    if fila.registro_patronal != registro:
        cambios.append(f"registro patronal: {fila.registro_patronal or '—'} → {registro}")
    for campo in fields(Importes):
        antes, despues = getattr(fila, campo.name), getattr(importes, campo.name)
        if antes != despues:
            mostrar = str if campo.name == "dias_incapacidad" else _pesos
            cambios.append(
                f"{CAMPOS_IMPORTES[campo.name].lower()}: {mostrar(antes)} → {mostrar(despues)}"
            )
    return cambios


def _trabajador(t: SisubTrabajador, contrato: str) -> TrabajadorSisub:
    return TrabajadorSisub(
        uuid=t.uuid,
        contrato=contrato,
        bimestre=t.bimestre,
        nss=t.nss,
        curp=t.curp,
        nombre=t.nombre,
        registro_patronal=t.registro_patronal,
        importes=Importes(
            t.fijas,
            t.variables,
            t.dias_incapacidad,
            t.no_integradas,
            t.no_excedente,
            t.aportacion,
            t.amortizacion,
        ),
        origen=t.origen,
        editado=t.editado,
    )


def _trabajadores_de(
    session: Session,
    reporte_id: int,
    contratos: list[str],
    avance: Callable[[int, int], None] | None = None,
) -> dict[str, list[TrabajadorSisub]]:
    """The report's workers by contract uuid (of ``contratos`` only), by bimestre and NSS;
    ``avance(contratos leídos, total)`` as each contract's are read."""
    trabajadores: dict[str, list[TrabajadorSisub]] = {u: [] for u in contratos}
    ids: dict[int, str] = {
        i: u
        for i, u in session.execute(
            select(ContratoRow.id, ContratoRow.uuid).where(ContratoRow.uuid.in_(contratos))
        )
    }
    empezados = 0
    for t in session.scalars(
        select(SisubTrabajador)
        .where(
            SisubTrabajador.reporte_id == reporte_id,
            SisubTrabajador.deleted.is_(False),
            SisubTrabajador.contrato_id.in_(list(ids)),
        )
        .order_by(SisubTrabajador.contrato_id, SisubTrabajador.bimestre, SisubTrabajador.nss)
        .execution_options(yield_per=TANDA)
    ):
        contrato = ids.get(t.contrato_id)
        if contrato is None:
            continue
        suyos = trabajadores[contrato]
        if not suyos and avance is not None:  # a contract's first: the one before is read
            avance(empezados, len(ids))
            empezados += 1
        suyos.append(_trabajador(t, contrato))
    if avance is not None:
        avance(1, 1)
    return trabajadores


def _cuentas(session: Session, reporte_id: int) -> dict[str, int]:
    """Each contract's distinct workers in the report (by contract uuid)."""
    return {
        uuid: cuantos
        for uuid, cuantos in session.execute(
            select(ContratoRow.uuid, func.count(distinct(SisubTrabajador.nss)))
            .join(ContratoRow, ContratoRow.id == SisubTrabajador.contrato_id)
            .where(SisubTrabajador.reporte_id == reporte_id, SisubTrabajador.deleted.is_(False))
            .group_by(ContratoRow.uuid)
        )
    }


def _contrato(v: Vigente, datos: SisubContrato | None) -> ContratoSisub:
    sitio = (
        Domicilio(*(getattr(datos, c.name) for c in fields(Domicilio)))
        if datos is not None
        else Domicilio()
    )
    return ContratoSisub(
        uuid=v.uuid,
        numero=datos.numero if datos is not None else "",
        contratante=v.contratante,
        objeto=v.objeto,
        servicio=v.servicio,
        fecha_inicial=v.fecha_inicial,
        fecha_final=v.fecha_final,
        sitio=sitio,
        celebrado=v.celebrado,
        tipo=datos.tipo if datos is not None else "",
        monto=datos.monto if datos is not None else 0,
        registro_beneficiario=datos.registro_beneficiario if datos is not None else "",
    )


def datos_sujeto_de(contratista: Contratista) -> DatosSujeto:
    return DatosSujeto(**{c.name: getattr(contratista, c.name) for c in fields(DatosSujeto)})


def _texto_sujeto(antes: DatosSujeto, despues: DatosSujeto) -> str:
    cambios = []
    for campo in fields(DatosSujeto):
        a, d = getattr(antes, campo.name), getattr(despues, campo.name)
        if a != d:
            cambios.append(f"{campo.name}: {a or '—'} → {d or '—'}")
    return "; ".join(cambios)
