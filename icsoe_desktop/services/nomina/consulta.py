"""The receipts stored, per period and client: those whose period paid touches the
cuatrimestre, optionally only those naming a client (``RfcLabora``). Salaries are sensitive:
the amounts come only to who the role matrix lets see them (``Accion.IMPORTES_NOMINA``); a
guest's consultation lists the receipts without them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, exists, func, literal_column, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.informativa.revision import ReciboDelCliente
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import ReciboNomina, SubcontratacionNomina, SustituidoNomina


def vigente() -> ColumnElement[bool]:
    """A receipt neither deleted nor named as substituted: a copy of a substituted receipt
    another desktop sent before it heard of the substitute never shows."""
    r = ReciboNomina
    return r.deleted.is_(False) & ~exists().where(SustituidoNomina.uuid == r.uuid)


@dataclass(frozen=True, slots=True)
class FilaRecibo:
    timbre: str
    nss: str
    curp: str
    rfc: str
    nombre: str
    registro_patronal: str
    fecha_inicial: date
    fecha_final: date
    fecha_pago: date
    clientes: tuple[tuple[str, int], ...]  # (RfcLabora, thousandths of a percent)
    sello_sat: bool  # the timbre's SAT seal verified (else only read)
    sbc: int | None  # centavos; None: the actor may not see amounts
    sdi: int | None
    total_percepciones: int | None


@dataclass(frozen=True, slots=True)
class Propuesto:
    """A worker whose receipts in the period name the client, as his latest one says."""

    curp: str
    nss: str
    rfc: str
    nombre: str
    sbc: int | None  # centavos, of the latest receipt naming the client; None: no amounts
    fecha_final: date  # of that receipt
    recibos: int  # how many of his receipts in the period name the client
    # Paid as asimilado a salarios by that receipt (its TipoRegimen; one kept without it: no
    # NSS and no SBC): not under the IMSS, never proposed as an ordinary worker.
    asimilado: bool = False


POSIBLE_MODIFICACION = "posible modificación salarial no avisada"
ASIMILADO = "asimilado a salarios: no cotiza al IMSS"  # why one is never proposed
PLAZO_HABILES = 5  # días hábiles to file a salary modification with IDSE


@dataclass(frozen=True, slots=True)
class SalarioNoAvisado:
    """A worker's latest receipt of the period whose SBC is not the one his movimientos had
    registered by the deadline to file a change (``plazo``)."""

    nss: str
    curp: str
    nombre: str
    fecha_inicial: date  # of the receipt's period paid
    plazo: date
    sbc_recibo: int  # centavos
    sbc_movimientos: int


class NominaConsulta:
    def __init__(self, store: Store, permisos: Permisos) -> None:
        self._store = store
        self._permisos = permisos

    def listar(
        self,
        actor: str | None,
        periodo: Periodo,
        contratante: str | None = None,
        con_importes: bool = False,
        trabajador: str | None = None,
    ) -> list[FilaRecibo]:
        """By NSS and date. ``con_importes``: with SBC, SDI and perceptions (the matrix asked;
        a refusal is audited). ``trabajador``: only one worker's, by his NSS or CURP (else
        those whose name holds the text)."""
        # The amounts by their own action (the staff's); the receipts alone, sólo consulta
        # too where the empresa's administrator leaves them shown.
        accion = Accion.IMPORTES_NOMINA if con_importes else Accion.RECIBOS_NOMINA
        self._permisos.exigir(actor, accion, f"recibos de {periodo.texto}")
        r, s = ReciboNomina, SubcontratacionNomina
        consulta = select(
            r.id,
            r.uuid,
            r.nss,
            r.curp,
            r.rfc,
            r.nombre,
            r.registro_patronal,
            r.fecha_inicial,
            r.fecha_final,
            r.fecha_pago,
            r.sello_sat,
            r.sbc,
            r.sdi,
            r.total_percepciones,
        ).where(r.fecha_final >= periodo.inicio, r.fecha_inicial <= periodo.fin, vigente())
        if contratante:
            consulta = consulta.where(
                r.id.in_(select(s.recibo_id).where(s.rfc == contratante.strip().upper()))
            )
        if trabajador and trabajador.strip():
            consulta = consulta.where(_del_trabajador(trabajador))
        consulta = consulta.order_by(r.nss, r.fecha_final, r.id)
        with self._store.session() as session:
            filas = session.execute(consulta).all()
            clientes: dict[int, list[tuple[str, int]]] = {}
            ids = [f.id for f in filas]
            for inicio in range(0, len(ids), 30_000):  # SQLite's bound on parameters
                for recibo_id, rfc, porcentaje in session.execute(
                    select(s.recibo_id, s.rfc, s.porcentaje)
                    .where(s.recibo_id.in_(ids[inicio : inicio + 30_000]))
                    .order_by(s.recibo_id, func.lower(s.rfc))
                ):
                    clientes.setdefault(recibo_id, []).append((rfc, porcentaje))
        return [
            FilaRecibo(
                timbre=f.uuid.upper(),  # as the SAT writes it
                nss=f.nss,
                curp=f.curp,
                rfc=f.rfc,
                nombre=f.nombre,
                registro_patronal=f.registro_patronal,
                fecha_inicial=f.fecha_inicial,
                fecha_final=f.fecha_final,
                fecha_pago=f.fecha_pago,
                clientes=tuple(clientes.get(f.id, ())),
                sello_sat=bool(f.sello_sat),
                sbc=f.sbc if con_importes else None,
                sdi=f.sdi if con_importes else None,
                total_percepciones=f.total_percepciones if con_importes else None,
            )
            for f in filas
        ]

    def proponer(
        self, actor: str | None, periodo: Periodo, contratante: str, con_importes: bool = False
    ) -> list[Propuesto]:
        """The workers to propose for a contract with ``contratante`` in ``periodo``: those
        with a receipt whose period paid touches it and that names the client, one per CURP,
        with the SBC of the latest such receipt; by NSS."""
        if con_importes:
            self._permisos.exigir(actor, Accion.IMPORTES_NOMINA, f"recibos de {periodo.texto}")
        with self._store.session() as session:
            propuestos = propuestos_en(session, periodo, contratante)
        if con_importes:
            return propuestos
        return [replace(p, sbc=None) for p in propuestos]

    def salarios_no_avisados(self, actor: str | None, periodo: Periodo) -> list[SalarioNoAvisado]:
        """Each worker whose latest receipt of ``periodo`` declares an SBC other than the last
        one his movimientos registered up to ``PLAZO_HABILES`` días hábiles after the start of
        its period paid: a «posible modificación salarial no avisada». Workers without a
        movimiento are not judged. Amounts: ``Accion.IMPORTES_NOMINA`` (a refusal is audited)."""
        from icsoe_desktop.domain.dias_habiles import sumar_habiles
        from icsoe_desktop.store.movimientos import sbcs_by_nss

        self._permisos.exigir(actor, Accion.IMPORTES_NOMINA, f"recibos de {periodo.texto}")
        r = ReciboNomina
        ultima = func.max(r.fecha_final)  # SQLite: the bare columns come from the max's row
        consulta = (
            select(r.nss, r.curp, r.nombre, r.fecha_inicial, r.sbc, ultima)
            .where(
                r.fecha_final >= periodo.inicio,
                r.fecha_inicial <= periodo.fin,
                r.nss != "",
                vigente(),
            )
            .group_by(r.nss)
        )
        with self._store.session() as session:
            ultimos = session.execute(consulta).all()
            por_plazo: dict[date, list[str]] = {}
            for fila in ultimos:
                por_plazo.setdefault(sumar_habiles(fila.fecha_inicial, PLAZO_HABILES), []).append(
                    fila.nss
                )
            registrados = {
                plazo: sbcs_by_nss(session, nss, plazo) for plazo, nss in por_plazo.items()
            }
        encontrados = []
        for fila in ultimos:
            plazo = sumar_habiles(fila.fecha_inicial, PLAZO_HABILES)
            registrado = registrados[plazo].get(fila.nss)
            if registrado is not None and registrado != fila.sbc:
                encontrados.append(
                    SalarioNoAvisado(
                        fila.nss,
                        fila.curp,
                        fila.nombre,
                        fila.fecha_inicial,
                        plazo,
                        fila.sbc,
                        registrado,
                    )
                )
        return encontrados


def _del_trabajador(texto: str) -> ColumnElement[bool]:
    """A worker's receipts: by NSS (11 digits) or CURP (18 characters), else by name."""
    r = ReciboNomina
    texto = " ".join(texto.split()).upper()
    if len(texto) == 11 and texto.isdigit():
        return r.nss == texto
    if len(texto) == 18 and texto.isalnum():
        return r.curp == texto
    comodines = texto.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return r.nombre.like(f"%{comodines}%", escape="\\")


def propuestos_en(session: Session, periodo: Periodo, contratante: str) -> list[Propuesto]:
    """``NominaConsulta.proponer`` with the amounts, in the caller's unit of work."""
    r, s = ReciboNomina, SubcontratacionNomina
    ultima = func.max(r.fecha_final)  # SQLite: the bare columns come from the max's row
    consulta = (
        select(
            r.curp,
            r.nss,
            r.rfc,
            r.nombre,
            r.sbc,
            ultima,
            func.count(),
            func.json_extract(r.detalle, "$.r"),
        )
        .join(s, s.recibo_id == r.id)
        .where(
            s.rfc == contratante.strip().upper(),
            r.fecha_final >= periodo.inicio,
            r.fecha_inicial <= periodo.fin,
            vigente(),
        )
        # «+»: grouped by a sort of the client's rows, not by walking the CURP index over
        # every receipt of the store (three times slower for a client of 12,000 workers).
        .group_by(literal_column(f"+{r.__tablename__}.curp"))
    )
    propuestos = [
        Propuesto(
            curp=curp,
            nss=nss,
            rfc=rfc,
            nombre=nombre,
            sbc=sbc,
            fecha_final=fecha,
            recibos=cuantos,
            asimilado=regimen is not None or (not nss and not sbc),
        )
        for curp, nss, rfc, nombre, sbc, fecha, cuantos, regimen in session.execute(consulta)
    ]
    return sorted(propuestos, key=lambda p: (p.nss, p.curp))


def recibos_para_revisar(
    session: Session, periodo: Periodo, rfcs: Iterable[str]
) -> tuple[dict[str, dict[str, ReciboDelCliente]], dict[str, int]] | None:
    """What Revisar compares a contract with: per contratante RFC, each worker's latest receipt
    of ``periodo`` naming it (by CURP), and the CURPs with a receipt whose shares add to more
    than 100 % (that sum). None when the period has no receipt at all: nothing to compare."""
    r, s = ReciboNomina, SubcontratacionNomina
    en_periodo = (r.fecha_final >= periodo.inicio, r.fecha_inicial <= periodo.fin, vigente())
    if session.scalar(select(r.id).where(*en_periodo).limit(1)) is None:
        return None
    por_cliente: dict[str, dict[str, ReciboDelCliente]] = {}
    for rfc in {x.strip().upper() for x in rfcs}:
        consulta = (
            select(r.curp, r.nss, r.nombre, r.sbc, func.max(r.fecha_final))
            .join(s, s.recibo_id == r.id)
            .where(s.rfc == rfc, *en_periodo)
            .group_by(literal_column(f"+{r.__tablename__}.curp"))
        )
        por_cliente[rfc] = {
            curp: ReciboDelCliente(curp, nss, nombre, sbc)
            for curp, nss, nombre, sbc, _fecha in session.execute(consulta)
        }
    suma = func.sum(s.porcentaje)
    excedidos = (
        select(r.curp, func.max(select(suma).where(s.recibo_id == r.id).scalar_subquery()))
        .where(*en_periodo)
        .group_by(r.curp)
    )
    return por_cliente, {
        curp: int(total)
        for curp, total in session.execute(excedidos)
        if total is not None and total > 100_000
    }
