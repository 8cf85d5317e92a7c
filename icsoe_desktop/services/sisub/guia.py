"""The office's copies of the INFONAVIT guides («archivos de guía», .xls from the Portal
Empresarial: three files, or one workbook of three sheets) read for their layouts: each
sheet's first rows through the one intake (services/archivos/lectura/: bounded, title rows
above the header), the sheet recognised by its guide's own words and its titles matched by
their significant words (domain/sisub/titulos.py). A sheet refused (the words of two guides,
some of one only, a name that says another guide, a formula in its header) refuses the
whole reading with its reason: nothing is kept (``reconocer``; ``Guias.recordar`` keeps what
the clerk took). A column no field of the app fills is kept in its place, written empty, and
named.

The layouts read are kept in the empresa's store (``sisub_guias``: one row per CSV, with the
guide's file name and SHA-256, who read it and when), synced, so every desktop of the company
exports with the guide one of them read; each export says which layout it wrote
(``texto_formato``). The layouts an empresa kept in ``sisub_guias.json`` beside its settings
are moved into the store when it opens (``Guias.trasladar``), the file then renamed
``.trasladado``; a damaged one is set aside and logged, and the built-in layout stands."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, texto_del_centro
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.sisub import titulos
from icsoe_desktop.domain.sisub.layout import (
    COLUMNAS,
    CONTRATOS,
    SUJETO,
    TITULOS_ARCHIVO,
    TRABAJADORES,
    Layout,
    incluido,
)
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import read_json_object
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import SisubGuia

log = logging.getLogger(__name__)

ARCHIVOS = (SUJETO, CONTRATOS, TRABAJADORES)
ARCHIVO = "sisub_guias.json"  # where an empresa's layouts were kept beside its settings
TRASLADADO = ".trasladado"  # its name's ending once moved into the store
MAX_JSON = 256 * 1024  # three layouts of a few dozen titles each weigh a few KB
MAX_COLUMNAS = 200  # a stored layout longer than any guide is no layout
_MINIMO = 3  # fields a sheet must name to be a guide's
_TROZO = 1024 * 1024
MSG_NO_ES_GUIA = (
    "«{nombre}» no parece una guía del SISUB: ninguna de sus hojas tiene los títulos de los "
    "archivos del sujeto obligado, de los contratos o del detalle de trabajadores."
)
MSG_GUIA_ILEGIBLE = "No se pudo leer «{nombre}»: {motivo}."
MSG_JSON_DANADO = (
    "no se conserva la guía del SISUB que guardaba: los CSV llevan el formato incluido hasta que "
    "se lea de nuevo el archivo de guía del INFONAVIT"
)
AUDIT_LEIDA = "sisub_guia_leida"
AUDIT_TRASLADADA = "sisub_guia_trasladada"

# Only to open the file through the intake (its checks, its sheets, its first rows as text):
# the titles are read by domain/sisub/titulos.py.
_ESQUEMA = lectura.Esquema(
    tuple(lectura.Campo(c.campo, c.titulo, c.alias) for c in COLUMNAS[TRABAJADORES])
)
MSG_NO_RECONOCIDA = (
    "No se recordó ninguna guía: {motivos}. Da los archivos de guía del INFONAVIT tal como se "
    "descargan del Portal Empresarial (sujeto obligado, contratos y detalle de trabajadores)."
)
_MSG_FORMULAS = "su encabezado tiene fórmulas ({formulas}): escribe sus títulos como texto"
MSG_REPETIDA = "«{una}» y «{otra}» son las dos la guía de «{archivo}»: da una sola"


@dataclass(frozen=True)
class HojaLeida:
    """A guide's sheet recognised: its layout, its file (name and SHA-256), its sheet's name
    (None: a CSV) and its header's row."""

    layout: Layout
    nombre: str
    sha256: str
    hoja: str | None
    fila: int

    @property
    def donde(self) -> str:
        return f"«{self.nombre}»" + (f", hoja «{self.hoja}»" if self.hoja else "")

    @property
    def texto(self) -> str:
        """«Detalle de trabajadores: «guia.xls», hoja «DT», 19 de 19 columnas reconocidas»."""
        layout = self.layout
        llenas = sum(1 for c in layout.campos if c)
        return (
            f"{TITULOS_ARCHIVO[layout.archivo]}: {self.donde} (fila {self.fila}), "
            f"{llenas} de {plural(len(layout.campos), 'columna reconocida', 'columnas reconocidas')}"
        )


def _hojas(path: Path) -> tuple[str | None, ...]:
    primera = lectura.leer(path, _ESQUEMA)
    visibles = primera.eleccion.visibles
    return tuple(visibles) if visibles else (None,)


def _formulas(path: Path, hoja: str | None, fila: int) -> list[str]:
    """The cells of an .xlsx's rows down to ``fila`` (its header) that hold a formula (as
    «C4: =CONCAT(…)»): the title a formula shows is not the guide's (read without Excel's
    cached value it is no title at all, and the CSV saved from it may not carry it)."""
    if hoja is None or not zipfile.is_zipfile(path):
        return []  # a CSV has none; an .xls's title is read as its value
    from openpyxl import load_workbook

    libro = load_workbook(path, read_only=True, data_only=False)
    try:
        if hoja not in libro.sheetnames:
            return []
        formulas = []
        for celdas in libro[hoja].iter_rows(min_row=1, max_row=fila):
            for celda in celdas:
                valor = getattr(celda, "value", None)
                if isinstance(valor, str) and valor.startswith("="):
                    formulas.append(f"{getattr(celda, 'coordinate', '')}: {valor[:60]}")
        return formulas
    finally:
        libro.close()


def _de_hoja(path: Path, hoja: str | None, una: bool) -> tuple[Layout | None, int, str]:
    """(the layout of the guide ``hoja`` is, its header's row, why it is refused); no layout
    and no reason: a sheet of no guide (instructions, a catalogue). ``una``: the file's only
    sheet (its file's name then may say which guide it is)."""
    leida = lectura.leer(path, _ESQUEMA, hoja=hoja)
    crudas = leida.filas_crudas
    nombre = hoja if hoja is not None and not una else path.stem
    visto = titulos.reconocer((c for _n, celdas in crudas for c in celdas), nombre or "")
    if visto.archivo is None:
        if formulas := _formulas(path, hoja, lectura.FILAS_MUESTRA):
            return None, 0, _MSG_FORMULAS.format(formulas="; ".join(formulas))
        return None, 0, visto.motivo
    archivo = visto.archivo
    mejor: tuple[int, int, tuple[str, ...], tuple[str | None, ...]] | None = None
    for numero, celdas in crudas:
        campos = titulos.campos(archivo, celdas)
        llenas = sum(1 for c in campos if c)
        if mejor is None or llenas > mejor[0]:
            mejor = (llenas, numero, tuple(celdas), campos)
    if mejor is None or mejor[0] < _MINIMO:
        llenas = mejor[0] if mejor else 0
        return (
            None,
            0,
            f"sus títulos son los de «{TITULOS_ARCHIVO[archivo]}» pero solo {llenas} de sus "
            "columnas se reconocen",
        )
    _llenas, fila, celdas, campos = mejor
    if formulas := _formulas(path, hoja, fila):
        return None, fila, _MSG_FORMULAS.format(formulas="; ".join(formulas))
    # Trailing empty cells are no columns.
    ancho = max((i + 1 for i, t in enumerate(celdas) if str(t).strip()), default=0)
    titulos_ = tuple(str(t).strip() for t in celdas[:ancho])
    return Layout(archivo, titulos_, campos[:ancho], de_guia=True), fila, ""


def reconocer(paths: Sequence[Path]) -> dict[str, HojaLeida]:
    """Per CSV (``SUJETO``, ``CONTRATOS``, ``TRABAJADORES``), the sheet of the guides that is
    its guide; a ValidationError naming every sheet refused and why (nothing is taken then),
    or when no sheet is a guide."""
    encontradas: dict[str, HojaLeida] = {}
    motivos: list[str] = []
    for path in paths:
        hojas = _hojas(path)
        sha256 = ""
        del_archivo = 0
        for hoja in hojas:
            layout, fila, motivo = _de_hoja(path, hoja, len(hojas) == 1)
            donde = f"«{path.name}»" + (f", hoja «{hoja}»" if hoja and len(hojas) > 1 else "")
            if motivo:
                motivos.append(f"{donde}: {motivo}")
                continue
            if layout is None:
                continue
            del_archivo += 1
            sha256 = sha256 or _huella(path)
            leida = HojaLeida(layout, path.name, sha256, hoja if len(hojas) > 1 else None, fila)
            antes = encontradas.get(layout.archivo)
            if antes is not None:
                motivos.append(
                    MSG_REPETIDA.format(
                        una=antes.donde.strip("«»"),
                        otra=leida.donde.strip("«»"),
                        archivo=TITULOS_ARCHIVO[layout.archivo],
                    )
                )
                continue
            encontradas[layout.archivo] = leida
        if not del_archivo and not any(m.startswith(f"«{path.name}»") for m in motivos):
            if len(paths) == 1:
                raise ValidationError(
                    "guia_no_sisub", MSG_NO_ES_GUIA.format(nombre=path.name), "guia"
                )
            motivos.append(MSG_NO_ES_GUIA.format(nombre=path.name).rstrip("."))
    if motivos:
        raise ValidationError(
            "guia_no_reconocida", MSG_NO_RECONOCIDA.format(motivos="; ".join(motivos)), "guia"
        )
    return encontradas


def leer_guia(path: Path) -> dict[str, Layout]:
    """Per CSV the layout a sheet of the guide gives it; a ValidationError when a sheet is
    refused or none is a guide."""
    return {archivo: h.layout for archivo, h in reconocer([path]).items()}


def _huella(path: Path) -> str:
    try:
        return huella(path)
    except OSError as exc:  # gone or locked between the two reads
        raise ValidationError(
            "guia_ilegible", MSG_GUIA_ILEGIBLE.format(nombre=path.name, motivo=motivo_os(exc))
        ) from exc


def huella(path: Path) -> str:
    """The guide's SHA-256, read in pieces (the intake already bounded its size)."""
    suma = hashlib.sha256()
    with open(path, "rb") as archivo:
        while trozo := archivo.read(_TROZO):
            suma.update(trozo)
    return suma.hexdigest()


def _de_json(archivo: str, titulos: Any, campos: Any) -> Layout | None:
    """The layout of ``archivo`` as kept (lists of titles and of fields, a column the app
    cannot fill as None); None when it is not one."""
    conocidos = {c.campo for c in COLUMNAS[archivo]}
    if (
        isinstance(titulos, list)
        and isinstance(campos, list)
        and 0 < len(titulos) == len(campos) <= MAX_COLUMNAS
        and all(isinstance(t, str) for t in titulos)
        and all(c is None or c in conocidos for c in campos)
    ):
        return Layout(archivo, tuple(titulos), tuple(campos), de_guia=True)
    return None


@dataclass(frozen=True)
class Guardada:
    """A CSV's layout as the office's guide gave it, and that guide: its file name ("" for one
    kept before the name was), SHA-256, who read it and when (naive UTC)."""

    layout: Layout
    nombre: str
    sha256: str
    leida_por: str
    leida_at: datetime


def con_incluido(guardadas: dict[str, Guardada]) -> dict[str, Layout]:
    """Per CSV, the office's guide's layout when one was read, else the built-in one."""
    return {
        archivo: guardadas[archivo].layout if archivo in guardadas else incluido(archivo)
        for archivo in ARCHIVOS
    }


class Guias:
    """The layouts the office's guides gave, kept in the empresa's store."""

    def __init__(self, store: Store, audit: AuditService, clock: Clock) -> None:
        self._store, self._audit, self._clock = store, audit, clock

    def guardadas(self) -> dict[str, Guardada]:
        """Per CSV, the guide's layout kept (a row that holds none, say one damaged on another
        desktop's copy, is logged and left out: that CSV takes the built-in layout)."""
        with self._store.session() as session:
            filas = session.scalars(select(SisubGuia).where(SisubGuia.deleted.is_(False))).all()
            guardadas = {}
            for fila in filas:
                layout = None
                if fila.archivo in COLUMNAS:
                    try:
                        layout = _de_json(
                            fila.archivo, json.loads(fila.titulos), json.loads(fila.campos)
                        )
                    except (ValueError, RecursionError):
                        layout = None
                if layout is None:
                    log.warning(
                        "La guía del SISUB guardada para «%s» («%s») no es legible; ese CSV lleva "
                        "el formato incluido",
                        fila.archivo,
                        fila.nombre,
                    )
                    continue
                guardadas[fila.archivo] = Guardada(
                    layout, fila.nombre, fila.sha256, fila.leida_por, fila.leida_at
                )
        return guardadas

    def layouts(self) -> dict[str, Layout]:
        """Per CSV, the office's guide's layout when one was read, else the built-in one."""
        return con_incluido(self.guardadas())

    @anuncia(ICSOE)
    def recordar(self, hojas: dict[str, HojaLeida], actor: str | None, detalle: str) -> None:
        """Each CSV's layout kept with its own guide's file name and SHA-256 (the three guides
        may come as three files), the reading audited once with ``detalle``."""
        with self._store.session() as session:
            cuando = self._clock()
            for archivo, hoja in hojas.items():
                self._escribir(
                    session, {archivo: hoja.layout}, hoja.nombre, hoja.sha256, actor or "", cuando
                )
            nombres = ", ".join(sorted({h.nombre for h in hojas.values()}))
            una = {h.sha256 for h in hojas.values()}
            huellas = (
                f"SHA-256 {next(iter(una))}"
                if len(una) == 1
                else ", ".join(sorted({f"{h.nombre} SHA-256 {h.sha256}" for h in hojas.values()}))
            )
            self._audit.record(session, actor, AUDIT_LEIDA, nombres[:255], f"{huellas}; {detalle}")

    def trasladar(self, carpeta: Path) -> int:
        """The layouts kept in ``carpeta``'s ``sisub_guias.json`` moved into the store, each CSV
        the store holds none of taking the file's (one a sync brought stands), and the file
        renamed ``.trasladado``; how many moved. Read bounded: a damaged file, or one past
        ``MAX_JSON``, is set aside as ``.dañado`` with a line in the log, and no layout is
        kept. A rename that fails is tried again at the next opening (nothing moves twice)."""
        path = carpeta / ARCHIVO
        if not path.is_file():
            return 0
        try:
            leida_at = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
        except OSError:
            leida_at = self._clock()
        guardado = read_json_object(path, MSG_JSON_DANADO, MAX_JSON)
        if not path.exists():  # damaged: set aside, said in the log
            return 0
        layouts = {}
        for archivo in ARCHIVOS:
            valor = guardado.get(archivo)
            layout = None
            if isinstance(valor, dict):
                layout = _de_json(archivo, valor.get("titulos"), valor.get("campos"))
            if layout is not None:
                layouts[archivo] = layout
            elif valor is not None:
                log.warning(
                    "%s: la guía de «%s» no es legible; ese CSV lleva el formato incluido",
                    path,
                    TITULOS_ARCHIVO[archivo],
                )
        with self._store.session() as session:
            tenidos = set(
                session.scalars(select(SisubGuia.archivo).where(SisubGuia.deleted.is_(False)))
            )
            nuevos = {a: layout for a, layout in layouts.items() if a not in tenidos}
            if nuevos:
                self._escribir(session, nuevos, "", "", "", leida_at)
                nombres = ", ".join(TITULOS_ARCHIVO[a] for a in nuevos)
                self._audit.record(session, None, AUDIT_TRASLADADA, ARCHIVO, nombres)
        try:
            os.replace(path, path.with_name(ARCHIVO + TRASLADADO))
        except OSError as exc:
            log.warning("No se pudo renombrar %s (%s); se intenta al abrir la empresa", path, exc)
        else:
            log.info("%s: %d guías del SISUB pasaron a la base", path, len(nuevos))
        return len(nuevos)

    @staticmethod
    def _escribir(
        session: Session,
        nuevos: dict[str, Layout],
        nombre: str,
        sha256: str,
        actor: str,
        cuando: datetime,
    ) -> None:
        for archivo, layout in nuevos.items():
            # One row per CSV, a removed one too (the unique index holds it): taken again.
            fila = session.scalar(select(SisubGuia).where(SisubGuia.archivo == archivo))
            if fila is None:
                fila = SisubGuia(archivo=archivo)
                session.add(fila)
            fila.deleted = False
            fila.titulos = json.dumps(list(layout.titulos), ensure_ascii=False)
            fila.campos = json.dumps(list(layout.campos))
            fila.nombre, fila.sha256 = nombre[:255], sha256
            fila.leida_por, fila.leida_at = actor[:254], cuando


def texto_formato(guardadas: dict[str, Guardada]) -> str:
    """Which layout the CSVs were written in: «Los CSV llevan las columnas de la guía
    «guia.xls» leída el 12/11/2026.», or the built-in one, or per CSV when they differ."""
    grupos: dict[tuple[str, str], list[str]] = {}
    for archivo in ARCHIVOS:
        g = guardadas.get(archivo)
        origen = ("", "") if g is None else (g.nombre, _fecha(g.leida_at))
        grupos.setdefault(origen, []).append(archivo)
    if len(grupos) == 1:
        ((nombre, fecha),) = grupos
        if not fecha:
            return (
                f"Los CSV llevan las columnas {INCLUIDO}: no se ha leído un archivo de guía del "
                "INFONAVIT."
            )
        return f"Los CSV llevan las columnas {_de_guia(nombre, fecha)}."
    partes = []
    for (nombre, fecha), archivos in grupos.items():
        cuales = " y ".join(f"«{TITULOS_ARCHIVO[a]}»" for a in archivos)
        de = _de_guia(nombre, fecha) if fecha else INCLUIDO
        partes.append(f"{cuales}: columnas {de}")
    return "; ".join(partes) + "."


INCLUIDO = "del formato incluido en icsoe-desktop"


def _fecha(cuando: datetime) -> str:
    return texto_del_centro(cuando, "%d/%m/%Y")


def _de_guia(nombre: str, fecha: str) -> str:
    if not nombre:  # kept before its file's name was
        return f"de la guía del INFONAVIT guardada el {fecha}"
    return f"de la guía «{nombre}» leída el {fecha}"


def texto_sin_llenar(layouts: dict[str, Layout]) -> list[str]:
    """«Detalle de trabajadores: la columna «Clave de ubicación» no se puede llenar»."""
    return [
        f"{TITULOS_ARCHIVO[a]}: la columna «{t}» no se puede llenar; se deja vacía."
        for a, layout in layouts.items()
        for t in layout.sin_llenar
    ]
