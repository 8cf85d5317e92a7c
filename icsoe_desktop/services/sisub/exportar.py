"""The SISUB files of a report as the guide asks: the three CSVs (as Excel in Spanish saves
them, ``domain/sisub/layout.py``) in the layout of the office's guide when one was read (else
the built-in one), and the PDFs under the user guide's names (the REPSE registration as it was
kept, the escritura and the contracts' PDFs as ``pdfs.py`` keeps them), in one folder or one
ZIP per period (a complementario's beside the filed one's, named so); in training every name
starts with ``CAPACITACION_``. The contratista, or who administers its empresa, exports
(``Accion.PRESENTAR_SISUB``); every export is audited with where and what. A client's part of
the filed SISUB (its rows, its contracts' PDFs) goes in its archive (``del_cliente``)."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop import temporales
from icsoe_desktop.domain.archivo_retenido import reintentado
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.practica import es_de_practica
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.sisub.archivos import Sujeto, filas
from icsoe_desktop.domain.sisub.layout import (
    CONTRATOS,
    NOMBRES_CSV,
    PDF_CONTRATOS,
    PDF_ESCRITURA,
    PDF_REPSE,
    TRABAJADORES,
    Layout,
    texto_csv,
)
from icsoe_desktop.domain.sisub.modelo import COMPLEMENTARIO, PRESENTADO, ReporteSisub
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.documentos_del_periodo import DelCliente
from icsoe_desktop.services.informativa.exportar import PREFIJO_CAPACITACION
from icsoe_desktop.services.sisub.avance import PASOS, Avance
from icsoe_desktop.services.sisub.guia import (
    Guias,
    HojaLeida,
    con_incluido,
    reconocer,
    texto_formato,
    texto_sin_llenar,
)
from icsoe_desktop.services.sisub.pdfs import ESCRITURA, pdfs_de, unidos
from icsoe_desktop.services.sisub.reporte import SisubService
from icsoe_desktop.services.sisub.sujeto import sujeto_de
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    SisubReporte,
)

MSG_PROBLEMAS = "Revisar encontró {cuantos} que corregir antes de exportar. El primero: {primero}"
MSG_DESTINO = "No se pudo escribir en «{destino}»: {motivo}."
# Where Exportar's shares of the bar end (avance.py): the report read, Revisar, the rows made,
# the CSVs written out, the PDFs joined; writing the files takes the rest but its last step,
# told once they are in place.
_LEIDO, _REVISADO, _FILAS, _CSV, _PDFS = 40, 50, 62, 82, 86
_TROZO = 256 * 1024  # bytes written between two reports of the files' progress
# Held while an export's files are put in place and audited: a stop of the process that
# exports (aparte.py) waits for it, so a folder is never left half replaced.
EN_SU_LUGAR = threading.Lock()
# The start of the name of the folder inside the destination where an export is written first.
PARCIAL = ".SISUB parcial "


@dataclass(frozen=True)
class Exportado:
    ruta: Path  # the folder or the ZIP
    archivos: tuple[str, ...]  # the names written
    avisos: tuple[str, ...]  # columns left empty, PDFs not kept


@dataclass(frozen=True)
class GuiaLeida:
    layouts: dict[str, Layout]
    avisos: tuple[str, ...]


class SisubArchivosService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock,
        sisub: SisubService,
        capacitacion: Callable[[str], bool] = es_de_practica,
        acceso: AccesoContratista | None = None,
    ) -> None:
        self._store, self._audit, self._permisos, self._clock = store, audit, permisos, clock
        self._acceso = acceso or AccesoContratista(store, audit, permisos)
        self._sisub = sisub
        self._guias = Guias(store, audit, clock)
        self._capacitacion = capacitacion

    # --- the office's guide --------------------------------------------------------------------

    def reconocer_guias(self, paths: Sequence[Path], actor: str | None) -> dict[str, HojaLeida]:
        """Per CSV, the sheet of the guides (``paths``: the three files, or one workbook of
        three sheets) that is its guide, and its columns: what the clerk sees before it is
        remembered (``recordar_guias``). Nothing is kept here."""
        self._permisos.exigir(actor, Accion.PRESENTAR_SISUB, ", ".join(p.name for p in paths))
        return reconocer(paths)

    @anuncia(ICSOE)
    def recordar_guias(self, hojas: dict[str, HojaLeida], actor: str | None) -> GuiaLeida:
        """The guides' layouts recognised, kept for the next exports of every desktop of the
        empresa (each CSV's with its file's name and SHA-256); the other CSVs keep theirs."""
        nombres = ", ".join(sorted({h.nombre for h in hojas.values()}))
        self._permisos.exigir(actor, Accion.PRESENTAR_SISUB, nombres)
        layouts = {a: h.layout for a, h in hojas.items()}
        avisos = tuple(texto_sin_llenar(layouts))
        self._guias.recordar(hojas, actor, "; ".join(avisos) or "todas las columnas")
        return GuiaLeida(layouts, avisos)

    def leer_guia(self, path: Path | Sequence[Path], actor: str | None) -> GuiaLeida:
        """``reconocer_guias`` and ``recordar_guias`` in one step."""
        paths = [path] if isinstance(path, Path) else list(path)
        return self.recordar_guias(self.reconocer_guias(paths, actor), actor)

    def layouts(self) -> dict[str, Layout]:
        return self._guias.layouts()

    # --- the files -----------------------------------------------------------------------------

    def exportar(
        self,
        uuid: str,
        actor: str | None,
        destino: Path,
        como_zip: bool = False,
        avance: Callable[[int, int], None] | None = None,
        parcial: Path | None = None,
    ) -> Exportado:
        """The folder or the ZIP written in ``destino``, whole or not at all: written first in
        ``parcial`` (a hidden folder inside ``destino``; by default one of its own), put in
        place at the end, ``parcial`` removed (a caller that may kill the work before that
        removes it then: aparte.py). ``avance(hechos, PASOS)`` as the work moves: the report
        read, its rows made, the files written."""
        avanzar = Avance(avance)
        reporte, problemas = self._sisub.revision(
            uuid, actor, Accion.PRESENTAR_SISUB, avanzar.tramo(0, _LEIDO)
        )
        errores = [p for p in problemas if not p.aviso]
        if errores:
            raise ValidationError(
                "sisub_con_problemas",
                MSG_PROBLEMAS.format(
                    cuantos=plural(len(errores), "problema"), primero=errores[0].mensaje
                ),
            )
        avanzar.tramo(_LEIDO, _REVISADO)(1, 1)
        contenido, avisos, renglones = self._contenido(reporte, actor, avanzar)
        base = f"SISUB {reporte.rfc} {reporte.periodo.clave}"
        if reporte.tipo == COMPLEMENTARIO:  # beside the filed one's files, not over them
            base += " complementario"
        if self._capacitacion(reporte.rfc):
            # Every name says it (the files' content stays the guide's: no room for a note).
            base = PREFIJO_CAPACITACION + base
            contenido = {PREFIJO_CAPACITACION + n: d for n, d in contenido.items()}
        parcial = parcial or carpeta_parcial(destino)
        # Noted while it exists: a run killed meanwhile leaves it, the next start removes it.
        with temporales.parcial(parcial):
            try:
                hecho = _escribir(
                    parcial, base, contenido, como_zip, avanzar.tramo(_PDFS, PASOS - 1)
                )
                with EN_SU_LUGAR:
                    ruta = _poner(hecho, destino)
                    self._audit.anotar(
                        actor,
                        "sisub_exportado",
                        f"{reporte.rfc} {reporte.periodo.clave}",
                        f"{ruta}: {plural(len(reporte.contratos), 'contrato')}, "
                        f"{plural(renglones, 'renglón', 'renglones')} de trabajadores",
                    )
            finally:
                quitar_parcial(parcial)
        avanzar.tramo(PASOS - 1, PASOS)(1, 1)
        return Exportado(ruta, tuple(contenido), tuple(avisos))

    def del_cliente(
        self, rfc: str, actor: str | None, periodo: str, contratante: str
    ) -> DelCliente:
        """For the client's archive (Exportar para el cliente…): the Contratos and DetalleTrab
        rows of the contracts with ``contratante`` (RFC) only, as the export writes them (the
        office's guide, Windows-1252), and those contracts' kept PDFs in one, from the
        period's SISUB last filed (a complementario after the first); nothing before it is
        filed. Who may export for the client reads it (``Accion.ARCHIVO_CLIENTE``)."""
        accion = Accion.ARCHIVO_CLIENTE
        with self._store.session() as session:
            contratista = self._acceso.contratista(session, rfc, actor, accion)
            row = presentado_del_periodo(session, contratista.id, periodo)
            uuid, contratista_id = (row.uuid if row else None), contratista.id
        if uuid is None:
            return DelCliente()
        reporte = self._sisub.del_contratante(uuid, actor, accion, contratante.strip().upper())
        if not reporte.contratos:
            return DelCliente()
        tablas = filas(reporte, Sujeto(), self._guias.layouts())
        archivos = {
            f"{NOMBRES_CSV[a]}.csv": texto_csv(tablas[a]) for a in (CONTRATOS, TRABAJADORES)
        }
        uuids = [c.uuid for c in reporte.contratos]
        with self._store.session() as session:
            guardados = pdfs_de(session, contratista_id, uuids)
        if suyos := [guardados[u] for u in uuids if u in guardados]:
            archivos[f"{PDF_CONTRATOS}.pdf"] = unidos(suyos)
        return DelCliente(len(reporte.contratos), archivos)

    def _contenido(
        self, reporte: ReporteSisub, actor: str | None, avanzar: Avance
    ) -> tuple[dict[str, bytes], list[str], int]:
        """Each file's name and bytes, what to warn of, the workers' rows."""
        with self._store.session() as session:
            contratista = self._acceso.contratista(
                session, reporte.rfc, actor, Accion.PRESENTAR_SISUB
            )
            sujeto, repse_pdf = sujeto_de(session, contratista, reporte)
            guardados = pdfs_de(session, contratista.id)
        guardadas = self._guias.guardadas()
        layouts = con_incluido(guardadas)
        tablas = filas(reporte, sujeto, layouts, avanzar.tramo(_REVISADO, _FILAS))
        contenido = _csvs(tablas, avanzar.tramo(_FILAS, _CSV))
        avisos = [texto_formato(guardadas), *texto_sin_llenar(layouts)]
        if repse_pdf:
            contenido[f"{PDF_REPSE}.pdf"] = repse_pdf
        else:
            avisos.append(f"«{PDF_REPSE}.pdf»: el registro REPSE no tiene su PDF guardado.")
        avisos += _pdfs_guardados(contenido, guardados, reporte)
        avanzar.tramo(_CSV, _PDFS)(1, 1)
        return contenido, avisos, len(tablas["trabajadores"]) - 1


def presentado_del_periodo(
    session: Session, contratista_id: int, periodo: str
) -> SisubReporte | None:
    """The period's SISUB last filed (a complementario after the first); None before one is."""
    return session.scalar(
        select(SisubReporte)
        .where(
            SisubReporte.contratista_id == contratista_id,
            SisubReporte.periodo == periodo,
            SisubReporte.estado == PRESENTADO,
            SisubReporte.deleted.is_(False),
        )
        .order_by(SisubReporte.presentado_at.desc(), SisubReporte.id.desc())
        .limit(1)
    )


def carpeta_parcial(destino: Path) -> Path:
    """A folder of its own inside ``destino`` where an export is written before it is put in
    place (hidden where a leading dot hides)."""
    return destino / f"{PARCIAL}{secrets.token_hex(6)}"


def quitar_parcial(parcial: Path) -> None:
    """``parcial`` removed, tried again while Windows holds one of its files for a moment;
    left if it still cannot be (its name says what it is)."""

    def quitar() -> None:
        if parcial.exists():
            shutil.rmtree(parcial)

    with suppress(OSError):
        reintentado(quitar)


def _csvs(
    tablas: dict[str, list[list[str]]], avance: Callable[[int, int], None]
) -> dict[str, bytes]:
    """The three CSVs' names and bytes; ``avance(filas, total)`` over the three."""
    total = sum(len(t) for t in tablas.values())
    hechas = 0
    contenido = {}
    for archivo, tabla in tablas.items():

        def suyo(filas: int, _total: int, antes: int = hechas) -> None:
            avance(antes + filas, total)

        contenido[f"{NOMBRES_CSV[archivo]}.csv"] = texto_csv(tabla, suyo)
        hechas += len(tabla)
        avance(hechas, total)
    return contenido


def _pdfs_guardados(
    contenido: dict[str, bytes], guardados: dict[str, bytes], reporte: ReporteSisub
) -> list[str]:
    """The escritura and the contracts' PDFs (in one, as the guide names one file) into
    ``contenido``; what is missing, said. The contracts' file is written only whole."""
    avisos = []
    if ESCRITURA in guardados:
        contenido[f"{PDF_ESCRITURA}.pdf"] = guardados[ESCRITURA]
    else:
        avisos.append(f"«{PDF_ESCRITURA}.pdf»: adjunta la escritura constitutiva (PDFs del SISUB).")
    faltan = [
        c.numero or c.contratante.nombre for c in reporte.contratos if c.uuid not in guardados
    ]
    if faltan:
        avisos.append(
            f"«{PDF_CONTRATOS}.pdf»: falta el PDF de {plural(len(faltan), 'contrato')} "
            f"({', '.join(faltan)}); adjúntalos (PDFs del SISUB)."
        )
    elif reporte.contratos:
        contenido[f"{PDF_CONTRATOS}.pdf"] = unidos([guardados[c.uuid] for c in reporte.contratos])
    return avisos


def _escribir(
    parcial: Path,
    base: str,
    contenido: dict[str, bytes],
    como_zip: bool,
    avance: Callable[[int, int], None],
) -> Path:
    """The files written in ``parcial`` (a ZIP, or a folder): what to put in place.
    ``avance(bytes, total)`` as they are written or zipped."""
    total = sum(len(d) for d in contenido.values())
    escritos = 0

    def trozos(datos: bytes) -> Iterator[memoryview]:
        nonlocal escritos
        vista = memoryview(datos)
        for inicio in range(0, len(vista), _TROZO):
            trozo = vista[inicio : inicio + _TROZO]
            yield trozo
            escritos += len(trozo)
            avance(escritos, total)

    destino = parcial.parent
    try:
        parcial.mkdir(parents=True)
        if como_zip:
            ruta = parcial / f"{base}.zip"
            with zipfile.ZipFile(ruta, "w", zipfile.ZIP_DEFLATED) as archivo:
                for nombre, datos in contenido.items():
                    with archivo.open(_entrada(nombre), "w") as entrada:
                        for trozo in trozos(datos):
                            entrada.write(trozo)
            _a_disco(ruta)
            return ruta
        ruta = parcial / base
        ruta.mkdir()
        for nombre, datos in contenido.items():
            with open(ruta / nombre, "wb") as escrito:
                for trozo in trozos(datos):
                    escrito.write(trozo)
            _a_disco(ruta / nombre)
        return ruta
    except OSError as exc:
        raise _no_escribible(destino, exc) from exc


def _entrada(nombre: str) -> zipfile.ZipInfo:
    """A ZIP entry as ``ZipFile.writestr`` makes it: now, compressed, read and written by its
    owner."""
    info = zipfile.ZipInfo(nombre, time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _a_disco(ruta: Path) -> None:
    """Flushed before it is put in place: a power cut never leaves the name on empty data."""
    with open(ruta, "rb+") as escrito:
        os.fsync(escrito.fileno())


def _poner(hecho: Path, destino: Path) -> Path:
    """``hecho`` put in ``destino`` under its name: a ZIP or a new folder in one step; into a
    folder of an earlier export, file by file (each replaced in one step)."""
    final = destino / hecho.name
    try:
        if hecho.is_file() or not final.exists():
            reintentado(partial(os.replace, hecho, final))
            return final
        for archivo in sorted(hecho.iterdir()):
            reintentado(partial(os.replace, archivo, final / archivo.name))
        return final
    except OSError as exc:
        raise _no_escribible(destino, exc) from exc


def _no_escribible(destino: Path, exc: OSError) -> ValidationError:
    return ValidationError(
        "destino_no_escribible",
        MSG_DESTINO.format(destino=destino, motivo=motivo_os(exc)),
        "destino",
    )
