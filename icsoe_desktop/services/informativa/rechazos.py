"""The IMSS portal's file of rejected workers (an Excel: an NSS unknown to the IMSS, an NSS or
CURP already registered in the contract, a bad structure): each rejected worker is found on its
contract of the informativa and marked with the portal's reason (when the file gives one), so
the clerk corrects those workers and sends the portal only them again.

The portal rejects workers when they are uploaded, while the return is still being captured
there, per contract (the portal's bulk load of workers): the file is taken
in every estado. Before signing, the marked workers are corrected in the same informativa and
uploaded again; a Corrección is only for what was already filed.

The file is read through the one intake (services/archivos/lectura/) and, in the window, the
import assistant: the header under any titles, the columns by the names people give them
(``ESQUEMA``), every problem at once with the sheet's row, all or nothing. A row names its worker
by NSS (or CURP) and, when the same worker is on several contracts, its contract: the contract's
number in the informativa (as the capture sheet and the worker files number them), the name of
the worker file exported for it, its folio REPSE or the contratante's RFC.

A row names its worker by NSS (or CURP) and, when the file names none, the contract the clerk
is on (the portal's upload is one contract's); a column of the contract may also give its IMSS
folio (A26P…) once the informativa is filed.

The marks live on the workers' rows (``rechazo_portal``, ``rechazo_corregido``), never in what
was signed: a signed informativa's content is frozen in its own row, so marking changes neither
it nor its constancia. A signed informativa cannot change: its rejected workers are corrected in
a complementaria de Corrección, which copies every worker with its mark; correcting a worker
(there, or in an informativa not signed yet) marks it corregido, and *Exportar rechazados…*
writes the portal's worker file with only the rejected workers, once every one of them is
corrected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import ESTADOS, FIRMADAS, Problema, Trabajador
from icsoe_desktop.domain.informativa.presentacion import folios_registrados
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import check_caracteres, plural, verb
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.importaciones import registrar
from icsoe_desktop.services.archivos.lectura import ALIAS, Campo, Esquema, Guia, ceros
from icsoe_desktop.services.archivos.tabular import cell_text, check_file, header_key, read_head
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Cancelado, Marcar, Progreso, cancelable, sin_marca
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import Contratista, ContratoRow, ContratoTrabajador, InformativaRow

# The portal rejects workers on upload, while the return is captured there: before or after
# the contratista approved (signed) it here, and before it is filed.
ESTADOS_CON_RECHAZOS = frozenset(ESTADOS)
# When the file gives no reason (no source shows the portal's columns): what the mark says.
MOTIVO_SIN_DETALLE = "Rechazado por el portal del IMSS al cargarlo (el archivo no dice el motivo)"
MAX_BYTES = 32 * 2**20  # the portal's file lists a few thousand rows at most
LARGO_MOTIVO = 500  # the column's width

ESQUEMA = Esquema(
    (
        Campo(
            "contrato",
            "Contrato",
            (
                "Número de contrato",
                "No. de contrato",
                "Núm. de contrato",
                "Folio del contrato",
                "Folio de contrato",
                "Folio contrato",
                "Folio IMSS",
                "Folio IMSS del contrato",
                "Archivo",
                "Nombre del archivo",
            ),
        ),
        Campo("nss", "NSS", ALIAS["nss"], requerido=True, normalizar=ceros(11)),
        Campo("curp", "CURP", ALIAS["curp"]),
        Campo(
            "motivo",
            "Motivo del rechazo",
            (
                "Motivo",
                "Motivo de rechazo",
                "Causa",
                "Causa del rechazo",
                "Causa de rechazo",
                "Error",
                "Errores",
                "Descripción del error",
                "Descripción",
                "Detalle",
                "Detalle del error",
                "Observaciones",
                "Observación",
                "Mensaje",
                "Rechazo",
            ),
        ),
        Campo(
            "contratante",
            "RFC del contratante",
            ("RFC contratante", "RFC del beneficiario", "RFC beneficiario", "Contratante"),
        ),
    ),
    # Columns the portal's file repeats and the marks do not need.
    reconocidas=("SBC", *ALIAS["sbc"], "Nombre", "Nombre del trabajador", "Renglón", "Fila"),
)
IMPORTACION = registrar("rechazos_portal", Accion.RECHAZOS_PORTAL, ESQUEMA)
_ARCHIVO_EXPORTADO = re.compile(r"contrato\s*0*([0-9]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Marca:
    """A worker marked: its contract's number in the informativa and contratante's RFC."""

    contrato: int
    contratante: str
    nss: str
    curp: str
    motivo: str


@dataclass(frozen=True)
class ResultadoRechazos:
    """``problemas`` non-empty: nothing was marked (the file is corrected and imported again)."""

    marcas: list[Marca]
    problemas: list[Problema]
    notas: list[str] = field(default_factory=list)  # columns not used, rows left out


@dataclass(frozen=True)
class _Contrato:
    numero: int
    id: int
    rfc: str
    folio_repse: str
    folio_imss: str = ""  # once filed: the contract's IMSS folio (A26P…)
    uuid: str = ""

    @property
    def texto(self) -> str:
        return f"el contrato {self.numero} ({self.rfc})"


@dataclass(frozen=True)
class _Trabajador:
    id: int
    contrato: _Contrato
    nss: str
    curp: str


def acepta_rechazos(estado: str | None) -> bool:
    """Whether an informativa in ``estado`` takes the portal's file of rejected workers."""
    return estado in ESTADOS_CON_RECHAZOS


class RechazosPortalService(InformativaBase):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        capacitacion: Callable[[str | None], bool] | None = None,
        marcar: Marcar = sin_marca,
        acceso: AccesoContratista | None = None,
    ) -> None:
        super().__init__(store, audit, permisos, clock, acceso)
        self._capacitacion = capacitacion  # training: file names say so
        self._marcar = marcar  # names an import cut short at the next start

    # --- the portal's file ---------------------------------------------------------------------

    def importar(
        self,
        informativa: str,
        actor: str | None,
        path: Path | str,
        guia: Guia | None = None,
        contrato: str | None = None,
        progreso: Progreso | None = None,
        cancelado: Cancelado | None = None,
    ) -> ResultadoRechazos:
        """Mark each worker of the portal's file with its reason; every row that names no
        worker of the informativa is a problem of its sheet row, and any problem marks none.
        ``contrato``: the contract (uuid) the clerk is on, for the rows that name none.
        ``cancelado()`` true (Cancelar): OperacionCancelada, none marked. While it runs a mark
        names it (services/en_curso.py): a run cut short is told at the next start."""
        self._permisos.exigir(actor, Accion.RECHAZOS_PORTAL, informativa)
        path = Path(path)
        que = f"La importación de rechazos del portal de «{path.name}»"
        with self._marcar(que):
            return self._importar(
                informativa, actor, path, guia, contrato, cancelable(progreso, cancelado, que)
            )

    def _importar(
        self,
        informativa: str,
        actor: str | None,
        path: Path,
        guia: Guia | None,
        contrato: str | None,
        avance: Progreso,
    ) -> ResultadoRechazos:
        with self._store.session() as session:
            row, contratos, trabajadores = self._del_portal(session, informativa, actor)
        actual = next((c for c in contratos if c.uuid == contrato), None)
        leida = _leer(path, guia)
        marcas: dict[int, list[str]] = {}
        problemas: list[Problema] = []
        for renglon, celdas in leida.filas():
            avance(renglon, 0)  # the rows read: no total yet
            cells = leida.por_campo(celdas)  # a few rows: each looked at closely
            problema, trabajador = _buscar(cells, contratos, trabajadores, actual)
            if problema is not None:
                problemas.append(Problema("rechazo_sin_trabajador", problema, renglon=renglon))
                continue
            assert trabajador is not None
            try:
                motivo = check_caracteres(cell_text(cells.get("motivo")), "Motivo", libre=True)
            except ValidationError as error:
                problemas.append(
                    Problema(error.code, error.message, campo="motivo", renglon=renglon)
                )
                continue
            motivo = " ".join(motivo.split()) or MOTIVO_SIN_DETALLE
            motivos = marcas.setdefault(trabajador.id, [])
            if motivo not in motivos:
                motivos.append(motivo)
        notas = leida.notas()
        if problemas:
            return ResultadoRechazos([], problemas, notas)
        if not marcas:
            raise ValidationError(
                "rechazos_vacio", f"«{path.name}» no tiene renglones de trabajadores rechazados."
            )
        por_id = {t.id: t for t in trabajadores}
        hechas: list[Marca] = []
        with self._store.session() as session:
            filas = session.scalars(
                select(ContratoTrabajador).where(ContratoTrabajador.id.in_(list(marcas)))
            ).all()
            for hecho, fila in enumerate(filas, start=1):
                motivo = "; ".join(marcas[fila.id])[:LARGO_MOTIVO]
                fila.rechazo_portal, fila.rechazo_corregido = motivo, False
                t = por_id[fila.id]
                hechas.append(Marca(t.contrato.numero, t.contrato.rfc, t.nss, t.curp, motivo))
                avance(hecho, len(filas))
            avance(len(filas), len(filas))  # Cancelar at the very end: still none marked
            self._audit.record(
                session,
                actor,
                "icsoe_rechazos_portal",
                row.uuid,
                f"{path.name}: {plural(len(hechas), 'trabajador', 'trabajadores')}",
            )
        hechas.sort(key=lambda m: (m.contrato, m.nss))
        self._store.cambios.anunciar({ICSOE})
        return ResultadoRechazos(hechas, [], notas)

    def _del_portal(
        self, session: Session, informativa: str, actor: str | None
    ) -> tuple[InformativaRow, list[_Contrato], list[_Trabajador]]:
        """The informativa (in an estado that takes the file), its contracts numbered as its
        files number them and their workers."""
        row, contratista = self._informativa(session, informativa, actor)
        self._contratista(session, contratista.rfc, actor, Accion.RECHAZOS_PORTAL)
        contratos, trabajadores = self._contratos(session, row, contratista)
        return row, contratos, trabajadores

    def _contratos(
        self, session: Session, row: InformativaRow, contratista: Contratista
    ) -> tuple[list[_Contrato], list[_Trabajador]]:
        snapshot = self._snapshot(session, row, contratista)
        por_uuid = {
            c.uuid: c
            for c in session.scalars(
                select(ContratoRow).where(
                    ContratoRow.informativa_id == row.id, ContratoRow.deleted.is_(False)
                )
            )
        }
        folios = folios_registrados(row.folios_imss)
        contratos = [
            _Contrato(
                numero,
                por_uuid[c.uuid].id,
                c.contratante.rfc,
                c.folio_repse,
                folios.get(c.uuid, ""),
                c.uuid,
            )
            for numero, c in enumerate(snapshot.contratos, start=1)
            if c.uuid in por_uuid
        ]
        por_id = {c.id: c for c in contratos}
        trabajadores = [
            _Trabajador(i, por_id[contrato_id], nss, curp)
            for i, contrato_id, nss, curp in session.execute(
                select(
                    ContratoTrabajador.id,
                    ContratoTrabajador.contrato_id,
                    ContratoTrabajador.nss,
                    ContratoTrabajador.curp,
                )
                .where(
                    ContratoTrabajador.contrato_id.in_(por_id),
                    ContratoTrabajador.deleted.is_(False),
                )
                .order_by(ContratoTrabajador.id)
            )
        ]
        return contratos, trabajadores

    def cuantos(self, informativa: str, actor: str | None) -> int:
        """How many workers of the informativa the portal rejected (corrected or not)."""
        with self._store.session() as session:
            row, _ = self._informativa(session, informativa, actor)
            return (
                session.scalar(
                    select(func.count())
                    .select_from(ContratoTrabajador)
                    .join(ContratoRow, ContratoRow.id == ContratoTrabajador.contrato_id)
                    .where(
                        ContratoRow.informativa_id == row.id,
                        ContratoRow.deleted.is_(False),
                        ContratoTrabajador.deleted.is_(False),
                        ContratoTrabajador.rechazo_portal > "",  # a range of its index
                    )
                )
                or 0
            )

    # --- the rejected workers, corrected, for the portal ---------------------------------------

    def revisar_exportacion(self, informativa: str, actor: str | None) -> None:
        """Refused (ValidationError, naming each contract and how many) while a rejected
        worker is still to be corrected: asked before the folder is, and again by
        ``exportar``."""
        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            contratos, _ = self._contratos(session, row, contratista)
            _exigir_corregidos(row, contratos, self._rechazados(session, contratos))

    def _rechazados(
        self, session: Session, contratos: list[_Contrato]
    ) -> Sequence[Row[int, str, str, int, bool]]:
        """The rejected workers of ``contratos`` (contract, NSS, CURP, SBC, corrected); the
        informativa without any is refused."""
        filas = session.execute(
            select(
                ContratoTrabajador.contrato_id,
                ContratoTrabajador.nss,
                ContratoTrabajador.curp,
                ContratoTrabajador.sbc,
                ContratoTrabajador.rechazo_corregido,
            )
            .where(
                ContratoTrabajador.contrato_id.in_([c.id for c in contratos]),
                ContratoTrabajador.deleted.is_(False),
                ContratoTrabajador.rechazo_portal != "",
            )
            .order_by(ContratoTrabajador.contrato_id, ContratoTrabajador.id)
        ).all()
        if not filas:
            raise ValidationError(
                "sin_rechazados", "La informativa no tiene trabajadores rechazados por el portal."
            )
        return filas

    def exportar(self, informativa: str, actor: str | None, carpeta: Path) -> list[Path]:
        """The portal's worker file (NSS, CURP, SBC) of each contract with rejected workers,
        holding only those, as they are now; refused while any is still to be corrected."""
        from icsoe_desktop.services.informativa.exportar import PREFIJO_CAPACITACION, seguro
        from icsoe_desktop.services.informativa.trabajadores_archivo import escribir_csv, partir

        carpeta = Path(carpeta)
        if not carpeta.is_dir():
            raise ValidationError(
                "carpeta_inexistente",
                f"No existe la carpeta «{carpeta}» para guardar los archivos.",
            )
        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            contratos, _ = self._contratos(session, row, contratista)
            por_id = {c.id: c for c in contratos}
            filas = self._rechazados(session, contratos)
            _exigir_corregidos(row, contratos, filas)
            self._audit.record(
                session,
                actor,
                "icsoe_rechazados_exportados",
                row.uuid,
                f"{plural(len(filas), 'trabajador', 'trabajadores')} en «{carpeta.resolve()}»",
            )
            periodo = row.periodo
        base = f"ICSOE_{contratista.rfc}_{periodo}"
        if self._capacitacion is not None and self._capacitacion(contratista.rfc):
            base = PREFIJO_CAPACITACION + base
        por_contrato: dict[int, list[Trabajador]] = {}
        for f in filas:
            por_contrato.setdefault(f.contrato_id, []).append(Trabajador(f.nss, f.curp, f.sbc))
        escritos: list[Path] = []
        for contrato_id, lista in por_contrato.items():
            c = por_id[contrato_id]
            partes = partir(lista)
            for parte, trabajadores in enumerate(partes, start=1):
                sufijo = f"_parte{parte}" if len(partes) > 1 else ""
                nombre = f"{base}_contrato{c.numero:02d}_{seguro(c.rfc)}_rechazados{sufijo}.csv"
                destino = carpeta / nombre
                with atomic_write(destino) as temporal:
                    escribir_csv(trabajadores, temporal)
                escritos.append(destino)
        return escritos


def _exigir_corregidos(
    row: InformativaRow, contratos: list[_Contrato], filas: Sequence[Row[int, str, str, int, bool]]
) -> None:
    """Refused while a rejected worker is uncorrected, naming each contract (its number in the
    informativa, as the exported files and the portal do, and its contratante) and how many."""
    por_contrato: dict[int, int] = {}
    for f in filas:
        if not f.rechazo_corregido:
            por_contrato[f.contrato_id] = por_contrato.get(f.contrato_id, 0) + 1
    if not por_contrato:
        return
    pendientes = sum(por_contrato.values())
    donde = (
        " en una complementaria de Corrección" if row.estado in FIRMADAS else " (con «Corregir…»)"
    )
    cuales = "; ".join(
        f"contrato {c.numero}, contratante {c.rfc}: {por_contrato[c.id]:,}"
        for c in contratos
        if c.id in por_contrato
    )
    raise ValidationError(
        "rechazados_sin_corregir",
        f"{plural(pendientes, 'trabajador rechazado', 'trabajadores rechazados')} "
        f"por el portal {verb(pendientes, 'sigue', 'siguen')} sin corregir ({cuales}): "
        f"corrígelos{donde} antes de exportarlos.",
    )


# --- reading -----------------------------------------------------------------------------------


def _leer(path: Path, guia: Guia | None) -> lectura.Lectura:
    size = check_file(path)
    if size > MAX_BYTES:
        raise ValidationError(
            "archivo_grande",
            f"«{path.name}» ocupa {size / 2**20:,.1f} MB: el archivo de rechazos del portal "
            f"ocupa mucho menos (el máximo es {MAX_BYTES // 2**20} MB). Revisa que sea el "
            "archivo correcto.",
        )
    if read_head(path, 4) == b"%PDF":
        raise ValidationError(
            "archivo_ajeno",
            f"«{path.name}» es un PDF, no el archivo de rechazos del portal (Excel con NSS, "
            "CURP y el motivo del rechazo).",
        )
    leida = lectura.leer(path, ESQUEMA, guia=guia)
    leida.exigir_columnas()
    return leida


def _buscar(
    cells: dict[str, object],
    contratos: list[_Contrato],
    trabajadores: list[_Trabajador],
    actual: _Contrato | None = None,
) -> tuple[str | None, _Trabajador | None]:
    """The worker a row of the portal's file names (None and why not); a row that names no
    contract is of ``actual`` (the contract the clerk is on), when given."""
    nss = "".join(cell_text(cells["nss"]).split())
    curp = "".join(cell_text(cells.get("curp")).split()).upper()
    if not nss and not curp:
        return "El renglón no tiene NSS ni CURP.", None
    quien = f"con NSS {nss}" if nss else f"con CURP {curp}"
    en: list[_Contrato] | None = None
    for clave in ("contrato", "contratante"):
        texto = cell_text(cells.get(clave)).strip()
        if texto:
            en = _contratos_de(texto, contratos if en is None else en)
            if not en:
                return f"El contrato «{texto}» no está en esta informativa.", None
    if en is None and actual is not None:
        en = [actual]
    candidatos = [t for t in trabajadores if en is None or t.contrato in en]
    hallados = [t for t in candidatos if nss and t.nss == nss] or [
        t for t in candidatos if curp and t.curp == curp
    ]
    donde = en[0].texto if en and len(en) == 1 else "esta informativa"
    if not hallados:
        return f"El trabajador {quien} no está en {donde}.", None
    if len(hallados) > 1:
        return (
            f"El trabajador {quien} está en {plural(len(hallados), 'contrato')} de la informativa: "
            f"indica en la columna «Contrato» cuál (su número, de 1 a {len(contratos)}, o el "
            "RFC del contratante).",
            None,
        )
    return None, hallados[0]


def _contratos_de(texto: str, contratos: list[_Contrato]) -> list[_Contrato]:
    """The contracts ``texto`` names: a number, an exported worker file's name, a folio REPSE,
    its IMSS folio or a contratante's RFC."""
    limpio = texto.strip()
    if limpio.isdigit():
        return [c for c in contratos if c.numero == int(limpio)]
    if m := _ARCHIVO_EXPORTADO.search(limpio):
        return [c for c in contratos if c.numero == int(m.group(1))]
    clave = header_key(limpio)
    return [
        c
        for c in contratos
        if clave == header_key(c.rfc)
        or (c.folio_repse and clave == header_key(c.folio_repse))
        or (c.folio_imss and clave == header_key(c.folio_imss))
    ]


__all__ = [
    "ESQUEMA",
    "ESTADOS_CON_RECHAZOS",
    "IMPORTACION",
    "MOTIVO_SIN_DETALLE",
    "Marca",
    "RechazosPortalService",
    "ResultadoRechazos",
    "acepta_rechazos",
]
