"""Import CFDI de nómina: each receipt verified (domain/nomina), stored once by its timbre's
UUID, in batches of ``LOTE`` receipts each committed whole: a run killed halfway leaves every
batch it committed complete and nothing of the one it was writing; importing the same set
again stores only what is missing (the rest are duplicates). Cancelar stops between receipts:
what was committed stays, the receipts read since the last commit are not stored.

A receipt that fails a check is kept out and listed with its file and reason (never counted
silently). A receipt that substitutes others (CFDI relacionado, TipoRelacion «04») replaces
them: the substituted ones are removed if stored, and their UUIDs remembered so that importing
them later stores nothing (they count as «sustituidos»).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from icsoe_desktop.domain.cambios import NOMINA
from icsoe_desktop.domain.errors import OperacionCancelada, ValidationError
from icsoe_desktop.domain.nomina import (
    SAT_VERIFICADO,
    ReciboRechazado,
    Verificado,
    Verificador,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Cancelado, Progreso, cancelable
from icsoe_desktop.services.nomina import fuentes
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    IncapacidadNomina,
    PercepcionNomina,
    ReciboNomina,
    SubcontratacionNomina,
    SustituidoNomina,
)

LOTE = 500  # receipts per commit: a kill loses at most these, re-read at the next import
MAX_LISTADOS = 10_000  # refusals and duplicates named one by one; beyond, only counted
CERTIFICADOS_SAT_DIR = "certificados_sat"  # the SAT's certificates that seal timbres (.cer)


@dataclass(frozen=True, slots=True)
class Rechazo:
    archivo: str
    codigo: str
    motivo: str


@dataclass
class ReporteNomina:
    leidos: int = 0
    guardados: int = 0
    duplicados: int = 0
    sustituidos: int = 0  # stored receipts removed, or older ones not stored, by a substitute
    rechazados: int = 0
    sin_sello_sat: int = 0  # stored with the timbre's SAT seal read, not verified
    cancelado: bool = False
    rechazos: list[Rechazo] = field(default_factory=list)
    repetidos: list[tuple[str, str]] = field(default_factory=list)  # (file, UUID)

    @property
    def verificados(self) -> int:
        return self.leidos - self.rechazados

    def rechazar(self, archivo: str, codigo: str, motivo: str) -> None:
        self.rechazados += 1
        if len(self.rechazos) < MAX_LISTADOS:
            self.rechazos.append(Rechazo(archivo, codigo, motivo))

    def repetido(self, archivo: str, uuid: str) -> None:
        self.duplicados += 1
        if len(self.repetidos) < MAX_LISTADOS:
            self.repetidos.append((archivo, uuid))

    def resumen(self) -> str:
        partes = [
            f"{plural(self.leidos, 'recibo leído', 'recibos leídos')}",
            f"{self.verificados:,} verificados",
            f"{plural(self.guardados, 'guardado', 'guardados')}",
            f"{self.duplicados:,} ya estaban",
            f"{self.rechazados:,} rechazados",
        ]
        if self.sustituidos:
            partes.append(f"{self.sustituidos:,} sustituidos")
        texto = ", ".join(partes)
        return texto + (" (importación cancelada)" if self.cancelado else "")


def certificados_sat(carpetas: Iterable[Path]) -> dict[str, bytes]:
    """The SAT's timbre certificates IT put in ``carpetas``, by their number."""
    from icsoe_desktop.domain.credentials import CredentialError, load_certificate

    encontrados: dict[str, bytes] = {}
    for carpeta in carpetas:
        if not carpeta.is_dir():
            continue
        for path in sorted(carpeta.iterdir()):
            if path.suffix.lower() not in (".cer", ".crt", ".pem", ".der"):
                continue
            try:
                info = load_certificate(path.read_bytes())
            except (OSError, CredentialError):
                continue  # a stray file must not hide the others
            encontrados[info.no_certificado] = info.certificado_der
    return encontrados


class NominaImporter:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        verificador: Callable[[str], Verificador],
        rfc_empresa: Callable[[], str],
    ) -> None:
        """``verificador(rfc)``: the checks of that empresa's receipts, built for each import
        (the emisores confiables as they are then)."""
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._verificador = verificador
        self._rfc_empresa = rfc_empresa

    def importar(
        self,
        rutas: Sequence[Path],
        actor: str | None,
        progreso: Progreso | None = None,
        cancelado: Cancelado | None = None,
    ) -> ReporteNomina:
        """Folders, ZIPs or XML files. ``ValidationError`` (nothing read) for a path that does
        not exist, an empresa without RFC, a ZIP refused whole or nothing to import."""
        nombres = ", ".join(Path(r).name for r in rutas)
        self._permisos.exigir(actor, Accion.IMPORTAR_NOMINA, nombres)
        rfc = self._rfc_empresa().strip().upper()
        if not rfc:
            raise ValidationError(
                "empresa_sin_rfc",
                "La empresa no tiene RFC: captúralo en la Configuración inicial para importar "
                "sus recibos de nómina.",
            )
        for ruta in rutas:
            if not Path(ruta).exists():
                raise ValidationError("nomina_no_encontrado", f"No se encontró «{ruta}».")
        total = fuentes.contar(rutas)
        if total == 0:
            raise ValidationError(
                "nomina_sin_xml", f"«{nombres}» no contiene archivos .xml de recibos de nómina."
            )
        verificador = self._verificador(rfc)
        with self._store.session() as session:
            self._audit.record(
                session, actor, "nomina_importacion", nombres, f"{total:,} archivos XML"
            )
        reporte = ReporteNomina()
        # Each batch is its own transaction: a stop by the session's gate leaves those saved.
        avance = cancelable(
            progreso,
            cancelado,
            f"La importación de recibos de nómina de «{nombres}»",
            deja=lambda: f"se detuvo; quedan los {reporte.guardados:,} recibos ya guardados",
        )
        lote: list[tuple[str, Verificado]] = []
        try:
            for pieza in fuentes.piezas(rutas):
                avance(reporte.leidos, total)  # Cancelar stops here, between receipts
                reporte.leidos += 1
                if pieza.motivo is not None:
                    reporte.rechazar(pieza.nombre, pieza.motivo.code, pieza.motivo.message)
                    continue
                try:
                    lote.append((pieza.nombre, verificador.verificar(pieza.datos)))
                except ReciboRechazado as exc:
                    reporte.rechazar(pieza.nombre, exc.code, exc.message)
                    continue
                if len(lote) >= LOTE:
                    self._guardar(lote, reporte)
                    lote = []
            avance(reporte.leidos, total)  # the last batch: Cancelar, or the gate, first
            self._guardar(lote, reporte)
        except OperacionCancelada:
            reporte.cancelado = True
        with self._store.session() as session:
            self._audit.record(session, actor, "nomina_importada", nombres, reporte.resumen())
        if reporte.guardados or reporte.sustituidos:
            self._store.cambios.anunciar({NOMINA})
        if progreso is not None and not reporte.cancelado:
            progreso(total, total)
        return reporte

    def _guardar(self, lote: list[tuple[str, Verificado]], reporte: ReporteNomina) -> None:
        """One batch, one transaction: all of it or none."""
        if not lote:
            return
        uuids = [v.recibo.timbre.uuid for _, v in lote]
        with self._store.session(immediate=True) as session:
            conn = session.connection()
            existentes = set(
                conn.scalars(select(ReciboNomina.timbre).where(ReciboNomina.timbre.in_(uuids)))
            )
            sustituidos = set(
                conn.scalars(
                    select(SustituidoNomina.timbre).where(SustituidoNomina.timbre.in_(uuids))
                )
            )
            nuevos: list[Verificado] = []
            vistos: set[str] = set()
            for nombre, hecho in lote:
                uuid = hecho.recibo.timbre.uuid
                if uuid in sustituidos:
                    reporte.sustituidos += 1
                elif uuid in existentes or uuid in vistos:
                    reporte.repetido(nombre, uuid)
                else:
                    vistos.add(uuid)
                    nuevos.append(hecho)
            # A substitute read in the same batch as the one it replaces: the older goes.
            reemplazados = {u for hecho in nuevos for u in hecho.recibo.sustituye}
            quedan = [h for h in nuevos if h.recibo.timbre.uuid not in reemplazados]
            reporte.sustituidos += len(nuevos) - len(quedan)
            reporte.sustituidos += _sustituir(conn, quedan)
            _insertar(conn, quedan)
        reporte.guardados += len(quedan)
        reporte.sin_sello_sat += sum(1 for h in quedan if h.sello_sat != SAT_VERIFICADO)


def _sustituir(conn: Connection, nuevos: list[Verificado]) -> int:
    """Remember what each new receipt substitutes, and remove those already stored."""
    marcas = {u: h.recibo.timbre.uuid for h in nuevos for u in h.recibo.sustituye}
    if not marcas:
        return 0
    ya = set(
        conn.scalars(select(SustituidoNomina.timbre).where(SustituidoNomina.timbre.in_(marcas)))
    )
    filas = [{"timbre": u, "por": por} for u, por in marcas.items() if u not in ya]
    if filas:
        conn.execute(insert(SustituidoNomina), filas)
    quitados = conn.execute(delete(ReciboNomina).where(ReciboNomina.timbre.in_(marcas)))
    return int(quitados.rowcount or 0)


def _insertar(conn: Connection, nuevos: list[Verificado]) -> None:
    if not nuevos:
        return
    filas = [
        {
            "timbre": r.timbre.uuid,
            "version": r.version,
            "fecha": r.fecha,
            "fecha_pago": r.fecha_pago,
            "fecha_inicial": r.fecha_inicial,
            "fecha_final": r.fecha_final,
            "dias_pagados": r.dias_pagados,
            "tipo_nomina": r.tipo_nomina,
            "periodicidad": r.periodicidad,
            "nss": r.nss,
            "curp": r.curp,
            "rfc": r.receptor_rfc,
            "nombre": r.nombre,
            "registro_patronal": r.registro_patronal,
            "sbc": r.sbc,
            "sdi": r.sdi,
            "total": r.total,
            "total_percepciones": r.total_percepciones,
            "total_deducciones": r.total_deducciones,
            "total_otros_pagos": r.total_otros_pagos,
            "no_certificado": r.no_certificado,
            "sello_sat": int(h.sello_sat == SAT_VERIFICADO),
        }
        for h in nuevos
        for r in (h.recibo,)
    ]
    devueltos = conn.execute(
        insert(ReciboNomina).returning(
            ReciboNomina.id, ReciboNomina.timbre, sort_by_parameter_order=True
        ),
        filas,
    ).all()
    ids = {timbre: id_ for id_, timbre in devueltos}
    percepciones, incapacidades, subcontrataciones = [], [], []
    for h in nuevos:
        r = h.recibo
        recibo_id = ids[r.timbre.uuid]
        percepciones += [
            {"recibo_id": recibo_id, "tipo": p.tipo, "gravado": p.gravado, "exento": p.exento}
            for p in r.percepciones
        ]
        incapacidades += [
            {"recibo_id": recibo_id, "n": n, "dias": i.dias, "tipo": i.tipo, "importe": i.importe}
            for n, i in enumerate(r.incapacidades, 1)
        ]
        subcontrataciones += [
            {"recibo_id": recibo_id, "rfc": s.rfc, "porcentaje": s.porcentaje}
            for s in r.subcontrataciones
        ]
    for modelo, hijas in (
        (PercepcionNomina, percepciones),
        (IncapacidadNomina, incapacidades),
        (SubcontratacionNomina, subcontrataciones),
    ):
        if hijas:
            conn.execute(insert(modelo), hijas)
