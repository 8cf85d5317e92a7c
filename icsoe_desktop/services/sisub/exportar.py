"""The SISUB files of a report as the guide asks: the three CSVs (as Excel in Spanish saves
them, ``domain/sisub/layout.py``) in the layout of the office's guide when one was read (else
the built-in one), and the PDFs under the user guide's names (the REPSE registration as it was
kept, the escritura and the contracts' PDFs as ``pdfs.py`` keeps them), in one folder or one
ZIP per period; in training every name starts with ``CAPACITACION_``. The contratista, or who
administers its empresa, exports (``Accion.PRESENTAR_SISUB``); every export is audited with
where and what."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.practica import es_de_practica
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.sisub.archivos import Sujeto, filas
from icsoe_desktop.domain.sisub.layout import (
    NOMBRES_CSV,
    PDF_CONTRATOS,
    PDF_ESCRITURA,
    PDF_REPSE,
    Layout,
    texto_csv,
)
from icsoe_desktop.domain.sisub.modelo import ReporteSisub
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.services.informativa.exportar import PREFIJO_CAPACITACION
from icsoe_desktop.services.sisub.guia import Guias, leer_guia, texto_sin_llenar
from icsoe_desktop.services.sisub.pdfs import ESCRITURA, pdfs_de, unidos
from icsoe_desktop.services.sisub.reporte import SisubService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import Contratista, RegistroPatronal, RegistroRepse

MSG_PROBLEMAS = "Revisar encontró {cuantos} que corregir antes de exportar. El primero: {primero}"
MSG_DESTINO = "No se pudo escribir en «{destino}»: {motivo}."


@dataclass(frozen=True)
class Exportado:
    ruta: Path  # the folder or the ZIP
    archivos: tuple[str, ...]  # the names written
    avisos: tuple[str, ...]  # columns left empty, PDFs not kept


@dataclass(frozen=True)
class GuiaLeida:
    layouts: dict[str, Layout]
    avisos: tuple[str, ...]


class SisubArchivosService(InformativaBase):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock,
        sisub: SisubService,
        carpeta: Path,
        capacitacion: Callable[[str], bool] = es_de_practica,
    ) -> None:
        super().__init__(store, audit, permisos, clock)
        self._sisub = sisub
        self._guias = Guias(carpeta)
        self._capacitacion = capacitacion

    # --- the office's guide --------------------------------------------------------------------

    def leer_guia(self, path: Path, actor: str | None) -> GuiaLeida:
        """The guide's layouts, kept for this empresa's next exports."""
        self._permisos.exigir(actor, Accion.PRESENTAR_SISUB, path.name)
        layouts = leer_guia(path)
        self._guias.guardar(layouts)
        avisos = tuple(texto_sin_llenar(layouts))
        self._audit.anotar(
            actor, "sisub_guia_leida", path.name, "; ".join(avisos) or "todas las columnas"
        )
        return GuiaLeida(layouts, avisos)

    def layouts(self) -> dict[str, Layout]:
        return self._guias.layouts()

    # --- the files -----------------------------------------------------------------------------

    def exportar(
        self, uuid: str, actor: str | None, destino: Path, como_zip: bool = False
    ) -> Exportado:
        errores = [
            p for p in self._sisub.revisar(uuid, actor, Accion.PRESENTAR_SISUB) if not p.aviso
        ]
        if errores:
            raise ValidationError(
                "sisub_con_problemas",
                MSG_PROBLEMAS.format(
                    cuantos=plural(len(errores), "problema"), primero=errores[0].mensaje
                ),
            )
        reporte = self._sisub.reporte(uuid, actor, Accion.PRESENTAR_SISUB)
        with self._store.session() as session:
            contratista = self._contratista(session, reporte.rfc, actor, Accion.PRESENTAR_SISUB)
            sujeto, repse_pdf = _sujeto(session, contratista, reporte)
            guardados = pdfs_de(session, contratista.id)
        layouts = self._guias.layouts()
        tablas = filas(reporte, sujeto, layouts)
        contenido = {f"{NOMBRES_CSV[a]}.csv": texto_csv(t) for a, t in tablas.items()}
        avisos = list(texto_sin_llenar(layouts))
        if repse_pdf:
            contenido[f"{PDF_REPSE}.pdf"] = repse_pdf
        else:
            avisos.append(f"«{PDF_REPSE}.pdf»: el registro REPSE no tiene su PDF guardado.")
        avisos += _pdfs_guardados(contenido, guardados, reporte)
        base = f"SISUB {reporte.rfc} {reporte.periodo.clave}"
        if self._capacitacion(reporte.rfc):
            # Every name says it (the files' content stays the guide's: no room for a note).
            base = PREFIJO_CAPACITACION + base
            contenido = {PREFIJO_CAPACITACION + n: d for n, d in contenido.items()}
        ruta = _escribir(destino, base, contenido, como_zip)
        self._audit.anotar(
            actor,
            "sisub_exportado",
            f"{reporte.rfc} {reporte.periodo.clave}",
            f"{ruta}: {len(reporte.contratos)} contratos, "
            f"{len(tablas['trabajadores']) - 1} renglones de trabajadores",
        )
        return Exportado(ruta, tuple(contenido), tuple(avisos))


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


def _sujeto(
    session: Session, contratista: Contratista, reporte: ReporteSisub
) -> tuple[Sujeto, bytes]:
    """The registro patronal (the contratista's own, else the one most of its workers have),
    the REPSE folio and PDF, the contact."""
    registros = session.scalars(
        select(RegistroPatronal.registro)
        .where(RegistroPatronal.rfc == contratista.rfc, RegistroPatronal.deleted.is_(False))
        .order_by(RegistroPatronal.registro)
    ).all()
    usados = Counter(
        t.registro_patronal
        for c in reporte.contratos
        for t in c.trabajadores
        if t.registro_patronal
    )
    registro = registros[0] if registros else (usados.most_common(1) or [("", 0)])[0][0]
    repse = session.scalar(
        select(RegistroRepse).where(RegistroRepse.contratista_id == contratista.id)
    )
    return (
        Sujeto(
            registro_patronal=registro,
            folio_repse=repse.aviso if repse is not None else "",
            correo=contratista.correo,
            telefono=contratista.telefono_fijo or contratista.celular,
        ),
        bytes(repse.pdf or b"") if repse is not None else b"",
    )


def _escribir(destino: Path, base: str, contenido: dict[str, bytes], como_zip: bool) -> Path:
    try:
        destino.mkdir(parents=True, exist_ok=True)
        if como_zip:
            ruta = destino / f"{base}.zip"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archivo:
                for nombre, datos in contenido.items():
                    archivo.writestr(nombre, datos)
            with atomic_write(ruta) as tmp:
                tmp.write_bytes(buffer.getvalue())
            return ruta
        ruta = destino / base
        ruta.mkdir(exist_ok=True)
        for nombre, datos in contenido.items():
            with atomic_write(ruta / nombre) as tmp:
                tmp.write_bytes(datos)
        return ruta
    except OSError as exc:
        raise ValidationError(
            "destino_no_escribible",
            MSG_DESTINO.format(destino=destino, motivo=motivo_os(exc)),
            "destino",
        ) from exc
