"""The board of clients × months: for each client and month, how many receipts paid that month
name it, how many lack their XML, how many of the month's documents and the REPSE registration
are missing, and the day its evidence is due. Read from a store at this version's schema
(store/al_dia.py) and its evidence archive (attached), a few small queries for the whole board:
the receipts' counts per client and month are kept by triggers (store/evidencia_conteo.py),
which every store has once brought to this version. The window reads the open empresa's;
ICSOE › Vencimientos reads every empresa's, without opening it as the app's empresa."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from icsoe_desktop.domain.evidencias import DIA_ENTREGA, DOCUMENTOS, Mes
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.evidencias.archivo import ruta_de
from icsoe_desktop.store import al_dia, cifrado, plain
from icsoe_desktop.store.models import (
    Contratante,
    Contratista,
    Empresa,
    EvidenciaConteo,
    EvidenciaEntrega,
    RegistroRepse,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Celda:
    mes: Mes
    recibos: int
    sin_xml: int
    faltan: int  # the month's documents missing, and the REPSE registration
    entrega: date
    # Documents kept with a warning (another RFC or month, a negative opinion, a REPSE PDF
    # declared by the clerk): there, but the client's portal may refuse them.
    avisos: int = 0
    # The receipts a worker who served it lacks against his pay periodicity (one per missing
    # week, quincena…): counted apart, off the board's read (``EvidenciasService.semanas``),
    # as ``estado`` names them.
    recibos_faltan: int = 0

    @property
    def completa(self) -> bool:
        return self.recibos > 0 and not self.sin_xml and not self.faltan and not self.recibos_faltan

    @property
    def pendiente(self) -> bool:
        """Receipts paid that month and their evidence not complete: what the client is owed.
        A month without receipts owes nothing: its cell says «Sin recibos», and it is not
        counted as incomplete."""
        return self.recibos > 0 and not self.completa

    @property
    def texto(self) -> str:
        if self.recibos == 0:
            return "Sin recibos"
        avisos = f", {self.avisos} con aviso" if self.avisos else ""
        if self.completa:
            return f"Completa{avisos}"
        faltan = self.faltan + (1 if self.sin_xml else 0) + self.recibos_faltan
        # The count is the lines ``estado`` lists; the receipts among them, said apart.
        recibos = f" ({plural(self.recibos_faltan, 'recibo')})" if self.recibos_faltan else ""
        return f"{'Falta' if faltan == 1 else 'Faltan'} {faltan}{recibos}{avisos}"


@dataclass(frozen=True)
class FilaCliente:
    contratante: str
    nombre: str
    dia: int  # of the next month its evidence is due
    celdas: tuple[Celda, ...]


def meses_hasta(ultimo: Mes, cuantos: int) -> list[Mes]:
    """``cuantos`` months ending with ``ultimo``, oldest first."""
    meses = [ultimo]
    for _ in range(cuantos - 1):
        m = meses[-1]
        meses.append(Mes(m.anio - (m.mes == 1), 12 if m.mes == 1 else m.mes - 1))
    return meses[::-1]


def leer(store: Path, meses: list[Mes]) -> list[FilaCliente]:
    """Every client (captured, or named by a receipt of one of the months), by RFC."""
    if not meses or not store.is_file():
        return []
    with al_dia.leer(store) as sesion:
        return leer_en(sesion, store, meses)


def leer_en(sesion: Session, store: Path, meses: list[Mes]) -> list[FilaCliente]:
    """``leer`` on a session of the store file ``store`` (the board's, services/plazos.py)."""
    if not meses:
        return []
    desde, hasta = meses[0].inicio, meses[-1].fin
    archivo = ruta_de(store)
    con_archivo = archivo.is_file()
    conn = plain.driver(sesion.connection())
    if con_archivo:
        cifrado.adjuntar(conn, archivo, "arch")
    try:
        recibos = _recibos(sesion, desde, hasta, con_archivo)
        documentos = _documentos(sesion, meses, con_archivo)
        nombres = _nombres(sesion)
        dias = {
            c: d
            for c, d in sesion.execute(select(EvidenciaEntrega.contratante, EvidenciaEntrega.dia))
        }
        repse = _repse(sesion)
    finally:
        if con_archivo:
            conn.execute("DETACH DATABASE arch")
    clientes = sorted(set(nombres) | {c for c, _ in recibos})
    filas = []
    for cliente in clientes:
        dia = int(dias.get(cliente, DIA_ENTREGA))
        celdas = []
        for mes in meses:
            cuantos, sin_xml = recibos.get((cliente, mes.clave), (0, 0))
            # Per slot, the client's own files replace those for every client.
            presentes = {
                **documentos.get((mes.clave, ""), {}),
                **documentos.get((mes.clave, cliente), {}),
            }
            vigente = _vigente(repse, mes)
            faltan = len(DOCUMENTOS.keys() - presentes.keys()) + (0 if vigente else 1)
            avisos = sum(presentes.values()) + (
                1 if vigente and repse is not None and repse[2] else 0
            )
            celdas.append(Celda(mes, cuantos, sin_xml, faltan, mes.entrega(dia), avisos))
        filas.append(FilaCliente(cliente, nombres.get(cliente, ""), dia, tuple(celdas)))
    return filas


def _recibos(
    sesion: Session, desde: date, hasta: date, con_archivo: bool
) -> dict[tuple[str, str], tuple[int, int]]:
    """(client, month) → (receipts, of those without their XML), as the store's triggers keep
    them (store/evidencia_conteo.py)."""
    c = EvidenciaConteo
    # Without the archive, no receipt has its XML here, whatever the counts remember.
    sin_xml = c.recibos - c.con_xml if con_archivo else c.recibos
    return {
        (cliente, mes): (cuantos, faltan)
        for cliente, mes, cuantos, faltan in sesion.execute(
            select(c.contratante, c.mes, c.recibos, sin_xml).where(
                c.mes.between(desde.isoformat()[:7], hasta.isoformat()[:7]), c.recibos > 0
            )
        )
    }


def _documentos(
    sesion: Session, meses: list[Mes], con_archivo: bool
) -> dict[tuple[str, str], dict[str, int]]:
    """(month, client or "") → tipo → how many of its files were kept with a warning, of the
    slots with files whose bytes are here (one attached on another desktop before documents
    travelled is missing until attached again), a file removed from its slot left out."""
    # Here: in the archive, or received with its bytes (kept in the archive at the next read).
    aqui = " OR ".join(
        [*(["sha256 IN (SELECT sha256 FROM arch.archivos)"] if con_archivo else []),
         "length(datos) > 0"]
    )  # fmt: skip
    marcas = ", ".join(f":m{i}" for i in range(len(meses)))
    documentos: dict[tuple[str, str], dict[str, int]] = {}
    for mes, contratante, tipo, con_aviso in sesion.execute(
        text(
            "SELECT mes, contratante, tipo, sum(avisos != '') FROM evidencia_documentos "
            f"WHERE mes IN ({marcas}) AND NOT deleted AND ({aqui}) GROUP BY 1, 2, 3"
        ),
        {f"m{i}": m.clave for i, m in enumerate(meses)},
    ):
        documentos.setdefault((mes, contratante), {})[tipo] = int(con_aviso or 0)
    return documentos


def _nombres(sesion: Session) -> dict[str, str]:
    nombres: dict[str, str] = {}
    for rfc, nombre in sesion.execute(
        select(Contratante.rfc, Contratante.nombre)
        .where(Contratante.deleted.is_(False), Contratante.extranjero_sin_ep.is_(False))
        .order_by(Contratante.id)
    ):
        nombres.setdefault(rfc, nombre)
    return nombres


def _repse(sesion: Session) -> tuple[date, date, bool] | None:
    """(granted, end, its PDF declared by the clerk) of the empresa's own registration, else
    of the only one in the store, when it has its PDF (services/evidencias/servicio.py picks
    it the same way)."""
    r = RegistroRepse
    propia = Contratista.rfc == select(Empresa.rfc).limit(1).scalar_subquery()
    filas = sesion.execute(
        select(r.otorgado, r.vence, r.pdf_sha256, r.pdf_declarado, propia).join(
            Contratista, Contratista.id == r.contratista_id
        )
    ).all()
    elegida = [f for f in filas if f[4]] or (filas if len(filas) == 1 else [])
    if not elegida or not elegida[0][2]:
        return None
    otorgado, fin, _, declarado, _ = elegida[0]
    return otorgado, fin, bool(declarado)


def _vigente(repse: tuple[date, date, bool] | None, mes: Mes) -> bool:
    return repse is not None and repse[0] <= mes.fin and repse[1] >= mes.inicio


__all__ = ["Celda", "FilaCliente", "leer", "leer_en", "meses_hasta"]
