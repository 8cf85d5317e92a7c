"""The workers of each contract: typed one by one, picked from the empresa's own workers (its
movimientos know their NSS, CURP, nombre and last SBC), or imported from the IMSS worker file;
read back by pages for a virtual grid (12,000 per contratista stay instant)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.buscar import CURP, NOMBRE, NSS, siguiente, termino
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.contacto import check_curp
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_nss
from icsoe_desktop.domain.informativa.modelo import Periodo, Problema, Trabajador
from icsoe_desktop.domain.informativa.trabajadores import parse_sbc, revisar_trabajadores
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.archivos.lectura import Guia
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Cancelado, Marcar, cancelable, sin_marca
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.services.nomina.consulta import Propuesto
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import trabajadores_orden as orden_sql
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    Contratante,
    ContratoRow,
    ContratoTrabajador,
    InformativaRow,
)
from icsoe_desktop.store.sin_disparadores import insert_untriggered
from icsoe_desktop.store.trabajadores_orden import ORDENES, claves

Progreso = Callable[[int, int], None]


@dataclass(frozen=True)
class TrabajadorFila:
    id: int
    nss: str
    curp: str
    sbc: int  # centavos
    nombre: str = ""
    rechazo: str = ""  # the IMSS portal's reason (empty: not rejected)
    corregido: bool = False  # rejected, and corrected since


@dataclass(frozen=True)
class ResultadoImportacion:
    """``problemas`` non-empty: nothing was added (the file is fixed and imported again)."""

    agregados: int
    problemas: list[Problema]
    notas: list[str] = field(default_factory=list)  # columns not used, rows left out


def _encontrados(buscar: str, indice: bool) -> ColumnElement[bool] | None:
    """The contract's workers the find box's ``buscar`` finds: the beginning of their NSS, of
    their CURP (stored in capitals), or of their name or any of its words (free text). A name
    is read from the name's index (``indice``: a count, the list sorted by name, which walk
    it) or tested on each row read (the other orders); both find the same workers."""
    found = termino(buscar)
    if found is None:
        return None
    lo, hi = found.texto, siguiente(found.texto)
    c = ContratoTrabajador
    if NSS in found.campos:
        return (c.nss >= lo) & (c.nss < hi)
    if CURP in found.campos:
        return (c.curp >= lo) & (c.curp < hi)
    assert NOMBRE in found.campos
    return orden_sql.en_el_indice(lo, hi) if indice else orden_sql.en_el_renglon(lo)


@dataclass(frozen=True)
class Fuera:
    """A worker of the receipts left out of the proposal, and why (what the clerk fixes at
    the payroll, or an asimilado a salarios, who never goes in a contract's IMSS list)."""

    propuesto: Propuesto
    motivo: str


@dataclass
class PropuestaRecibos:
    """The workers the period's receipts propose for a contract: ``nuevos`` to add, those
    the contract already has (shown, never added twice) and those ``fuera``: one whose data
    would be refused (an SBC under the minimum, an NSS that is not one…) or an asimilado,
    named with the reason, so that one never keeps the others from being added."""

    contratante: str  # its RFC
    periodo: Periodo
    nuevos: list[Propuesto] = field(default_factory=list)
    en_contrato: list[Propuesto] = field(default_factory=list)
    fuera: list[Fuera] = field(default_factory=list)


class TrabajadoresContratoService(InformativaBase):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        marcar: Marcar = sin_marca,
        acceso: AccesoContratista | None = None,
    ) -> None:
        super().__init__(store, audit, permisos, clock, acceso)
        self.marcar = marcar  # names an import cut short at the next start

    def contar(
        self, contrato: str, actor: str | None, buscar: str = "", rechazados: bool = False
    ) -> int:
        """The contract's workers; ``buscar``: those the find box finds; ``rechazados``: only
        those the portal rejected."""
        with self._store.session() as session:
            row, _ = self._contrato(session, contrato, actor)
            return session.execute(
                # Without rechazados it walks the name's index (the planner's choice); with
                # them, the few rejected rows.
                select(func.count()).where(
                    *_de_la_lista(row.id, buscar, rechazados, indice=not rechazados)
                )
            ).scalar_one()

    def pagina(
        self,
        contrato: str,
        actor: str | None,
        offset: int,
        limite: int,
        buscar: str = "",
        rechazados: bool = False,
        orden: str | None = None,
        descendente: bool = False,
    ) -> list[TrabajadorFila]:
        """Rows ``offset``… of the contract in the order they were added (the index on
        (contrato_id, id) serves it without sorting), or by ``orden`` (one of ORDENES; the
        order added among equals), ``descendente`` or not: each order an index walked;
        ``buscar``: of those the find box finds; ``rechazados``: only those the portal
        rejected."""
        if orden is not None and orden not in ORDENES:
            raise ValueError(f"orden desconocido: {orden}")
        por = [ContratoTrabajador.id] if orden is None else [*claves(orden), ContratoTrabajador.id]
        por_nombre = orden == orden_sql.NOMBRE and not rechazados  # walks the name's index
        with self._store.session() as session:
            row, _ = self._contrato(session, contrato, actor)
            rows = session.execute(
                select(
                    ContratoTrabajador.id,
                    ContratoTrabajador.nss,
                    ContratoTrabajador.curp,
                    ContratoTrabajador.sbc,
                    ContratoTrabajador.nombre,
                    ContratoTrabajador.rechazo_portal,
                    ContratoTrabajador.rechazo_corregido,
                )
                .where(*_de_la_lista(row.id, buscar, rechazados, por_nombre))
                .order_by(*(c.desc() if descendente else c for c in por))
                .offset(max(0, offset))
                .limit(max(0, limite))
            )
            return [TrabajadorFila(*r) for r in rows]

    def agregar(
        self, contrato: str, actor: str | None, nss: str, curp: str, sbc: str
    ) -> TrabajadorFila:
        """One worker typed by the clerk: refused at once when it is wrong or already there."""
        nss = check_nss(nss)
        curp = check_curp(curp).curp
        centavos = parse_sbc(sbc)
        with self._store.session() as session:
            row, informativa = self._contrato(session, contrato, actor, editable=True)
            nuevo = Trabajador(nss, curp, centavos, nombre=_nombre_en_la_empresa(session, nss))
            problemas = self._problemas(session, row, informativa, [nuevo])
            if problemas:
                p = problemas[0]
                raise ValidationError(p.codigo, p.mensaje, p.campo)
            fila = ContratoTrabajador(
                contrato_id=row.id, nss=nss, curp=curp, sbc=centavos, nombre=nuevo.nombre
            )
            session.add(fila)
            session.flush()
            self._audit.record(session, actor, "icsoe_trabajador_agregado", contrato, nss)
            agregado = TrabajadorFila(fila.id, nss, curp, centavos, fila.nombre)
        self._store.cambios.anunciar({ICSOE})
        return agregado

    @anuncia(ICSOE)
    def corregir(
        self, contrato: str, actor: str | None, id: int, nss: str, curp: str, sbc: str
    ) -> TrabajadorFila:
        """A worker's NSS, CURP and SBC corrected, checked as when it was added (against the
        contract's other workers); a worker the portal rejected is then marked corregido."""
        nss = check_nss(nss)
        curp = check_curp(curp).curp
        centavos = parse_sbc(sbc)
        with self._store.session() as session:
            row, informativa = self._contrato(session, contrato, actor, editable=True)
            fila = session.get(ContratoTrabajador, id)
            if fila is None or fila.contrato_id != row.id or fila.deleted:
                raise ValidationError(
                    "trabajador_inexistente",
                    "El trabajador ya no está en el contrato (pudo quitarse en otro equipo).",
                )
            nombre = fila.nombre if fila.nss == nss else _nombre_en_la_empresa(session, nss)
            nuevo = Trabajador(nss, curp, centavos, nombre=nombre)
            problemas = self._problemas(session, row, informativa, [nuevo], excepto=fila.id)
            if problemas:
                p = problemas[0]
                raise ValidationError(p.codigo, p.mensaje, p.campo)
            fila.nss, fila.curp, fila.sbc, fila.nombre = nss, curp, centavos, nombre
            if fila.rechazo_portal:
                fila.rechazo_corregido = True
            self._audit.record(session, actor, "icsoe_trabajador_corregido", contrato, nss)
            return TrabajadorFila(
                fila.id, nss, curp, centavos, nombre, fila.rechazo_portal, fila.rechazo_corregido
            )

    def quitar(self, contrato: str, actor: str | None, ids: Iterable[int]) -> int:
        ids = list(ids)
        with self._store.session() as session:
            row, _ = self._contrato(session, contrato, actor, editable=True)
            filas = session.scalars(
                select(ContratoTrabajador).where(
                    ContratoTrabajador.contrato_id == row.id,
                    ContratoTrabajador.id.in_(ids),
                    ContratoTrabajador.deleted.is_(False),
                )
            ).all()
            for fila in filas:
                fila.deleted = True
            self._audit.record(
                session, actor, "icsoe_trabajadores_quitados", contrato, str(len(filas))
            )
        self._store.cambios.anunciar({ICSOE})
        return len(filas)

    def propuestos_de_recibos(self, contrato: str, actor: str | None) -> list[Propuesto]:
        """*Proponer trabajadores desde los recibos*: the workers whose receipts of the
        informativa's cuatrimestre name the contract's contratante (services/nomina), with the
        SBC of the latest, less those the contract already has (by CURP or NSS) and those left
        out (``PropuestaRecibos.fuera``)."""
        return self.propuesta_de_recibos(contrato, actor).nuevos

    def propuesta_de_recibos(self, contrato: str, actor: str | None) -> PropuestaRecibos:
        """``propuestos_de_recibos`` and, apart, those of the receipts the contract has and
        those left out with their reason."""
        from icsoe_desktop.services.nomina.consulta import ASIMILADO, propuestos_en

        with self._store.session() as session:
            row, informativa = self._contrato(session, contrato, actor)
            contratante = session.get(Contratante, row.contratante_id)
            assert contratante is not None  # a foreign key
            periodo = Periodo.de_clave(informativa.periodo)
            propuestos = propuestos_en(session, periodo, contratante.rfc)
            ya = session.execute(
                select(ContratoTrabajador.curp, ContratoTrabajador.nss).where(
                    ContratoTrabajador.contrato_id == row.id,
                    ContratoTrabajador.deleted.is_(False),
                )
            ).all()
            curps, nss = {c for c, _ in ya}, {n for _, n in ya}
            propuesta = PropuestaRecibos(contratante.rfc, periodo)
            candidatos = []
            for p in propuestos:
                if p.curp in curps or p.nss in nss:
                    propuesta.en_contrato.append(p)
                elif p.asimilado:
                    propuesta.fuera.append(Fuera(p, ASIMILADO))
                else:
                    candidatos.append(p)
            # Each checked as Agregar would check it: one refused is left out with its
            # reason, never all of them with it.
            motivos: dict[int, list[str]] = {}
            como_trabajadores = [
                Trabajador(p.nss, p.curp, p.sbc or 0, p.nombre[:100]) for p in candidatos
            ]
            for problema in self._problemas(session, row, informativa, como_trabajadores):
                if problema.renglon is not None:
                    motivos.setdefault(problema.renglon, []).append(problema.mensaje)
        for renglon, p in enumerate(candidatos, start=1):
            if renglon in motivos:
                propuesta.fuera.append(Fuera(p, " ".join(dict.fromkeys(motivos[renglon]))))
            else:
                propuesta.nuevos.append(p)
        return propuesta

    def agregar_de_recibos(
        self, contrato: str, actor: str | None, curps: Collection[str]
    ) -> ResultadoImportacion:
        """The proposed workers the clerk accepted (all, or those of ``curps``), added as
        ``agregar_varios`` adds; the audit records that they came from the receipts."""
        elegidos = set(curps)
        trabajadores = [
            Trabajador(p.nss, p.curp, p.sbc or 0, p.nombre[:100])
            for p in self.propuestos_de_recibos(contrato, actor)
            if p.curp in elegidos
        ]
        return self.agregar_varios(
            contrato,
            actor,
            trabajadores,
            accion="icsoe_trabajadores_de_recibos",
            que="El alta de trabajadores desde los recibos de nómina",
        )

    def agregar_varios(
        self,
        contrato: str,
        actor: str | None,
        trabajadores: list[Trabajador],
        progreso: Progreso | None = None,
        accion: str = "icsoe_trabajadores_importados",
        previos: Iterable[Problema] = (),
        cancelado: Cancelado | None = None,
        que: str = "El alta de trabajadores del contrato",
    ) -> ResultadoImportacion:
        """All or nothing: every row checked with the ones already in the contract (its line
        number when it came from a file); any problem, or any of ``previos`` (the rows of the
        file that could not be read), and nothing is added: all of them come back at once.
        ``cancelado()`` true (Cancelar): OperacionCancelada, nothing added. ``que``: the work,
        for the audit of a stop by the session's gate."""
        avance = cancelable(progreso, cancelado, que)
        with self._store.session() as session:
            row, informativa = self._contrato(session, contrato, actor, editable=True)
            problemas = self._problemas(session, row, informativa, trabajadores)
            if previos := list(previos):
                problemas = sorted([*previos, *problemas], key=lambda p: p.renglon or 0)
            if problemas:
                session.rollback()
                return ResultadoImportacion(0, problemas)
            nombres = _nombres_en_la_empresa(session, [t.nss for t in trabajadores if not t.nombre])
            total = len(trabajadores)
            lote = 2000

            def insertar() -> int:
                for inicio in range(0, total, lote):
                    # One ORM bulk INSERT per batch: a third of the CPU of an object per row.
                    # Rows without a sync state yet are the sync's to send (store/pendientes.py).
                    session.execute(
                        insert(ContratoTrabajador),
                        [
                            {
                                "contrato_id": row.id,
                                "nss": t.nss,
                                "curp": t.curp,
                                "sbc": t.sbc,
                                "nombre": (t.nombre or nombres.get(t.nss, ""))[:100],
                            }
                            for t in trabajadores[inicio : inicio + lote]
                        ],
                    )
                    avance(min(inicio + lote, total), total)
                return total

            # The sync's per-row insert triggers dropped meanwhile, their sums added once.
            insert_untriggered(session.connection(), ContratoTrabajador.__tablename__, insertar)
            avance(total, total)  # Cancelar pressed at the very end: still nothing added
            self._audit.record(session, actor, accion, contrato, str(total))
        self._store.cambios.anunciar({ICSOE})
        return ResultadoImportacion(total, [])

    def importar(
        self,
        contrato: str,
        actor: str | None,
        path: Path,
        progreso: Progreso | None = None,
        guia: Guia | None = None,
        cancelado: Cancelado | None = None,
    ) -> ResultadoImportacion:
        """The IMSS worker file (CSV with or without header, UTF-8 or Windows-1252, comma or
        semicolon; or .xlsx, titles above and totals below): every problem at once, each with
        its row in the file. ``guia``: its header row and columns as the clerk said them.
        ``cancelado()`` true (Cancelar): OperacionCancelada, nothing added. While it runs a
        mark names it (services/en_curso.py): a run cut short is told at the next start."""
        from icsoe_desktop.services.informativa.trabajadores_archivo import leer_trabajadores

        que = f"La importación de trabajadores de «{path.name}»"
        with self.marcar(que):
            leido = leer_trabajadores(path, guia)
            resultado = self.agregar_varios(
                contrato,
                actor,
                list(leido.trabajadores),
                progreso,
                previos=leido.problemas,
                cancelado=cancelado,
                que=que,
            )
        return replace(resultado, notas=list(leido.notas))

    def sbc_registrado(self, contrato: str, actor: str | None, nss: str) -> int | None:
        """The last SBC (centavos) the empresa's movimientos registered for ``nss`` up to the
        end of the contract's period: what a worker typed in is proposed with. None: unknown
        (or not an NSS)."""
        nss = "".join(nss.split())
        if len(nss) != 11 or not nss.isdigit():
            return None
        with self._store.session() as session:
            _, informativa = self._contrato(session, contrato, actor)
            return sbcs_registrados(session, [nss], Periodo.de_clave(informativa.periodo)).get(nss)

    def buscar_en_la_empresa(self, texto: str, limite: int = 200) -> list[Trabajador]:
        """The empresa's own workers whose NSS or CURP starts with ``texto``, or whose name
        holds each of its words; each with its CURP, name and SBC of its latest movimiento."""
        palabras = texto.upper().split()
        if not palabras:
            return []
        with self._store.session() as session:
            found = movs_sql.trabajadores_like(session, palabras, limite)
        return [Trabajador(n, c or "", s, nm) for n, c, s, nm in found]

    def agregar_de_la_empresa(
        self, contrato: str, actor: str | None, trabajadores: list[Trabajador]
    ) -> ResultadoImportacion:
        """The workers picked from the empresa; a worker whose movimientos lack its CURP or
        SBC comes back as a problem (captured by hand instead)."""
        faltan = [
            Problema(
                "dato_faltante",
                f"El trabajador {t.nombre or t.nss} (NSS {t.nss}) no tiene "
                f"{'CURP' if not t.curp else 'SBC'} en los movimientos de la empresa: "
                "captúralo a mano.",
                campo="curp" if not t.curp else "sbc",
            )
            for t in trabajadores
            if not t.curp or not t.sbc
        ]
        if faltan:
            return ResultadoImportacion(0, faltan)
        # Each with the SBC registered in the contract's period, not the one of its latest
        # movimiento (which may be later than the period).
        with self._store.session() as session:
            _, informativa = self._contrato(session, contrato, actor)
            registrados = sbcs_registrados(
                session, [t.nss for t in trabajadores], Periodo.de_clave(informativa.periodo)
            )
        sin_renglon = [
            replace(t, renglon=None, sbc=registrados.get(t.nss, t.sbc)) for t in trabajadores
        ]
        return self.agregar_varios(
            contrato, actor, sin_renglon, accion="icsoe_trabajadores_de_la_empresa"
        )

    # --- internals -----------------------------------------------------------------------------

    def _problemas(
        self,
        session: Session,
        contrato: ContratoRow,
        informativa: InformativaRow,
        nuevos: list[Trabajador],
        excepto: int | None = None,
    ) -> list[Problema]:
        """The new rows' problems (each at its line), and a new row whose NSS or CURP the
        contract already has (but for the row ``excepto``, the one being corrected)."""
        nuevos = [
            t if t.renglon is not None else replace(t, renglon=i)
            for i, t in enumerate(nuevos, start=1)
        ]
        anio = Periodo.de_clave(informativa.periodo).anio
        conocidas = curps_de_la_empresa(session, [t.nss for t in nuevos])
        problemas = revisar_trabajadores(nuevos, anio, conocidas)
        ya_nss: set[str] = set()
        ya_curp: set[str] = set()
        for n, c in session.execute(
            select(ContratoTrabajador.nss, ContratoTrabajador.curp).where(
                ContratoTrabajador.contrato_id == contrato.id,
                ContratoTrabajador.deleted.is_(False),
                ContratoTrabajador.id != (excepto or 0),
            )
        ):
            ya_nss.add(n)
            ya_curp.add(c)
        for t in nuevos:
            if t.nss in ya_nss:
                problemas.append(
                    Problema(
                        "nss_repetido",
                        f"El NSS {t.nss} ya está en este contrato.",
                        campo="nss",
                        renglon=t.renglon,
                    )
                )
            if t.curp in ya_curp:
                problemas.append(
                    Problema(
                        "curp_repetida",
                        f"La CURP {t.curp} ya está en este contrato.",
                        campo="curp",
                        renglon=t.renglon,
                    )
                )
        return sorted(problemas, key=lambda p: p.renglon or 0)


def _de_la_lista(
    contrato_id: int, buscar: str, rechazados: bool, indice: bool
) -> list[ColumnElement[bool]]:
    """The live workers of a contract: those the find box finds (a name read from its index:
    ``indice``), or only those the portal rejected."""
    where = [ContratoTrabajador.contrato_id == contrato_id, ContratoTrabajador.deleted.is_(False)]
    if (found := _encontrados(buscar, indice)) is not None:
        where.append(found)
    if rechazados:
        where.append(ContratoTrabajador.rechazo_portal > "")  # a range of its index
    return where


def curps_de_la_empresa(session: Session, nss: list[str]) -> dict[str, str]:
    """NSS → CURP as the empresa's movimientos know them (the latest that has one)."""
    if not nss:
        return {}
    return movs_sql.curps_by_nss(session, nss)


def sbcs_registrados(session: Session, nss: list[str], periodo: Periodo) -> dict[str, int]:
    """NSS → the last SBC registered in the empresa's movimientos up to the end of ``periodo``
    (the SBC the informativa declares for each worker)."""
    if not nss:
        return {}
    return movs_sql.sbcs_by_nss(session, nss, periodo.fin)


def _nombres_en_la_empresa(session: Session, nss: list[str]) -> dict[str, str]:
    if not nss:
        return {}
    return movs_sql.nombres_by_nss(session, nss)


def _nombre_en_la_empresa(session: Session, nss: str) -> str:
    return _nombres_en_la_empresa(session, [nss]).get(nss, "")[:100]


__all__ = [
    "ORDENES",
    "ResultadoImportacion",
    "TrabajadorFila",
    "TrabajadoresContratoService",
    "curps_de_la_empresa",
    "sbcs_registrados",
]
