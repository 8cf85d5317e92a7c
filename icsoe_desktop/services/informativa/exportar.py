"""The files the IMSS portal takes for an informativa: per contract, the worker CSV of its
template (split where the portal's limits say: 3,000 rows, 15 MB), and one capture sheet
(.xlsx) with every field in the order the portal asks for it, to copy from while capturing."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import TIPOS, Contrato, Informativa
from icsoe_desktop.domain.practica import MARCA, es_de_practica
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.archivos.excel import DATE, NUMBER, TEXT, SheetColumn, write_sheet
from icsoe_desktop.services.en_curso import vigente

Progreso = Callable[[int, int], None]
PREFIJO_CAPACITACION = "CAPACITACION_"  # ASCII: a file name travels through any system

CAPTURA_COLUMNAS = (
    SheetColumn("RFC del contratista", TEXT, 16),
    SheetColumn("Periodo", TEXT, 24),
    SheetColumn("Tipo", TEXT, 30),
    SheetColumn("RFC del contratante", TEXT, 16),
    SheetColumn("Nombre, denominación o razón social del contratante", TEXT, 40),
    SheetColumn("Calle", TEXT, 24),
    SheetColumn("Número exterior", TEXT, 10),
    SheetColumn("Número interior", TEXT, 10),
    SheetColumn("Colonia", TEXT, 24),
    SheetColumn("Código postal", TEXT, 8),
    SheetColumn("Municipio o alcaldía", TEXT, 24),
    SheetColumn("Entidad", TEXT, 20),
    SheetColumn("Correo electrónico", TEXT, 28),
    SheetColumn("Teléfono fijo", TEXT, 12),
    SheetColumn("Teléfono móvil", TEXT, 12),
    SheetColumn("Objeto del contrato", TEXT, 40),
    # The portal's one field: «el número de folio seguido de la descripción de servicio u obra».
    SheetColumn("Folio REPSE y descripción del servicio u obra", TEXT, 50),
    SheetColumn("Fecha inicial", DATE, 12),
    SheetColumn("Fecha final", DATE, 12),
    SheetColumn("Número de trabajadores", NUMBER, 10),
    SheetColumn("Archivos de trabajadores", TEXT, 40),
)


def exportar(
    inf: Informativa,
    carpeta: Path,
    progreso: Progreso | None = None,
    creada: datetime | None = None,
    capacitacion: bool | None = None,
) -> list[Path]:
    """Write the worker CSVs and the capture sheet into ``carpeta``; return their paths.
    ``creada``: the capture sheet's creation time (a signed informativa's signing time: its
    files come out the same, byte for byte, every time).

    In training (``capacitacion``; None: the practice contratista's informativa) every file
    name starts with ``CAPACITACION_`` and the capture sheet is named «CAPACITACIÓN — SIN
    VALIDEZ»; the CSVs' content stays exactly the portal's template, which has no room for a
    note."""

    if not carpeta.is_dir():
        raise ValidationError(
            "carpeta_inexistente", f"No existe la carpeta «{carpeta}» para guardar los archivos."
        )
    if capacitacion is None:
        capacitacion = es_de_practica(inf.contratista.rfc)
    base = f"ICSOE_{inf.contratista.rfc}_{inf.periodo.clave}"
    if capacitacion:
        base = f"{PREFIJO_CAPACITACION}{base}"
    escritos: list[Path] = []
    try:
        _escribir(inf, carpeta, base, escritos, progreso, creada, capacitacion)
    except PermisoDenegado:  # the session's gate stopped it: none of its files stays
        for path in escritos:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return escritos


def _escribir(
    inf: Informativa,
    carpeta: Path,
    base: str,
    escritos: list[Path],
    progreso: Progreso | None,
    creada: datetime | None,
    capacitacion: bool,
) -> None:
    """``exportar``'s files, each added to ``escritos`` once written; the session's gate is
    asked before each."""
    from icsoe_desktop.services.informativa.trabajadores_archivo import escribir_csv, partir

    archivos: dict[str, list[str]] = {}
    total = max(1, inf.numero_trabajadores)
    hechos = 0

    def seguir() -> None:
        vigente(
            f"La exportación de la informativa a «{carpeta.resolve()}»: {hechos:,} de "
            f"{plural(inf.numero_trabajadores, 'trabajador', 'trabajadores')} escritos; sus archivos se borraron"
        )

    for numero, contrato in enumerate(inf.contratos, start=1):
        partes = partir(list(contrato.trabajadores)) if contrato.trabajadores else []
        nombres = archivos.setdefault(contrato.uuid, [])
        for parte, trabajadores in enumerate(partes, start=1):
            sufijo = f"_parte{parte}" if len(partes) > 1 else ""
            nombre = f"{base}_contrato{numero:02d}_{seguro(contrato.contratante.rfc)}{sufijo}.csv"
            destino = carpeta / nombre
            seguir()
            with atomic_write(destino) as temporal:
                escribir_csv(trabajadores, temporal)
            escritos.append(destino)
            nombres.append(nombre)
            hechos += len(trabajadores)
            if progreso:
                progreso(hechos, total)
    seguir()
    hoja = carpeta / f"{base}_captura.xlsx"
    write_sheet(
        hoja,
        MARCA if capacitacion else "Informativa",
        CAPTURA_COLUMNAS,
        [_renglon(inf, c, archivos[c.uuid]) for c in inf.contratos],
        len(inf.contratos),
        created=creada,
    )
    escritos.append(hoja)


def _renglon(inf: Informativa, c: Contrato, archivos: list[str]) -> list[object]:
    p, d = c.contratante, c.contratante.domicilio
    folio = " ".join(x for x in (c.folio_repse, c.descripcion_servicio) if x)
    return [
        inf.contratista.rfc,
        inf.periodo.texto,
        TIPOS[inf.tipo],
        p.rfc,
        p.nombre,
        d.calle,
        d.numero_exterior,
        d.numero_interior,
        d.colonia,
        d.codigo_postal,
        d.municipio,
        d.entidad,
        p.correo,
        p.telefono_fijo,
        p.telefono_movil,
        c.objeto,
        folio,
        c.fecha_inicial,
        c.fecha_final,
        len(c.trabajadores),
        ", ".join(archivos),
    ]


def seguro(texto: str) -> str:
    """A file-name-safe piece (an RFC may hold «&» or «Ñ»)."""
    return re.sub(r"[^A-Za-z0-9]", "_", texto)


__all__ = ["CAPTURA_COLUMNAS", "PREFIJO_CAPACITACION", "exportar"]
