"""One intake for every table a clerk brings (a CSV from any program, or an .xlsx): the file as
Excel or a nómina system writes it, read into rows of cells with the row number of the sheet,
each field at the place ``Lectura.posicion`` says.

What it accepts, so that no importer has to:

- **Title rows and blank rows above the header.** The header is the row, among the first
  ``FILAS_MUESTRA``, that names the most of the importer's fields; what is above it is left out.
  An importer that allows it (``Esquema.sin_encabezado``) also takes a file without a header, its
  columns in the order of ``Esquema.campos``.
- **Columns by name, in any order, with the names people use.** A header is compared by
  ``header_key`` (no case, accents, dots or spaces: «N.S.S.» is «NSS», «Salario Base de
  Cotización» is «salariobasedecotizacion») against each field's title and aliases
  (``ALIAS`` holds the common ones). Columns no field takes are named in a note
  («No se usan las columnas: Nombre, Departamento»).
- **Total and summary rows** (a first cell «TOTAL», «Total general», «Suma…», «Subtotal», or a
  row with only a number where the worker's data go) are left out, each with its reason; and
  so is what lies under the table (``_FinDeTabla``: «Elaboró: ____» under the TOTAL row).
- **Hidden rows** (by a filter or by hand, as the workbook records them) are never data: each
  is left out with its reason («oculta por un filtro», «oculta»).
- **Values as written:** pesos are read by the domain's ``dinero`` (domain/importes.py, one
  reading for files and forms: «$1,234.56», «1,234.56», «1234.5»; an ambiguous «1.234,56» refused
  with a message), through each field's parser, so each importer makes a problem of the row;
  ``ceros`` restores the leading zeros Excel drops (NSS and registros patronales: 11, códigos
  postales: 5); ``catalogo`` reads «08», «8», «Reingreso» and «08 Reingreso» as the code «08». A
  field's ``normalizar`` is applied as rows are read (it never raises), once per distinct value
  of a column; a column whose values are all as it leaves them (``ceros``' ``normales``: eleven
  digits) is not read value by value.

The API (an assistant window shows a ``Lectura`` and lets the clerk correct it):

- ``leer(path, esquema, mapeo=None, fila_encabezado=None) -> Lectura``. ``mapeo`` (column as
  named in ``Lectura.columnas`` → field key or None) and ``fila_encabezado`` (the sheet's row
  number; ``SIN_ENCABEZADO`` for columns by position) override what was guessed: reading again
  with the clerk's corrections is calling ``leer`` again with them. ``guia=Guia(row, fields by
  position)`` does the same with the assistant's answer (``Lectura.guia``), the form each
  importer's service takes and services/archivos/mapeos.py remembers.
- ``Lectura.incierta``: the intake could not read it by itself (a required field without a
  column, columns by position on a guess): the assistant opens. ``Lectura.formas()``: the shape
  each of the first rows would have as the header, to find a remembered one under other titles.
- ``Lectura.filas_crudas``: the first rows as they are in the file (sheet row, cells as text);
  ``fila_encabezado``; ``columnas`` and ``mapeo`` (every column and the field it feeds, None: not
  used); ``faltantes`` (required fields no column feeds); ``no_usadas``; ``forma``: a stable key of
  the normalised header, to remember a corrected mapping per empresa for files of the same shape.
- ``Lectura.filas()``: an iterator of ``(sheet row, cells)``, read as needed, a small block at a
  time (memory does not grow with the file). No dict per row: ``Lectura.posicion(field key)`` is
  where a field is in ``cells`` (its column; a field no column feeds reads None there),
  ``Lectura.valores(*keys)`` gives a row's cells of those fields, ``Lectura.por_campo(cells)`` the
  row as field key → cell (for the few rows an importer looks at closely). With
  ``Esquema.celdas``, ``posicion(CELDAS)`` holds how many cells the row has (a CSV line with a
  comma too many or too few). ``Lectura.omitidas``: ``[(sheet row, reason)]``; the rows above
  the header are there at once, the summary rows as ``filas()`` passes them (complete once it is
  exhausted). ``Lectura.notas()``: the notes a report shows (columns not used, rows left out).
- ``Lectura.exigir_columnas()`` raises the Spanish ``ValidationError`` an importer shows when a
  required field has no column.

Workbooks (.xlsx, .xls, .xlsb, .ods) are read from the sheet the clerk sees: ``Lectura.hoja``,
``hojas_ambiguas`` (several visible sheets with the header: ``Guia.hoja`` chooses); and one
column per field, whatever the columns' titles: ``columnas_ambiguas`` (two visible columns of a
field that disagree: the clerk chooses). Either makes the file uncertain, and ``filas()`` refuses it naming them.

Every bad file raises a ``ValidationError`` with a Spanish message (tabular.py's and
xlsx_reader.py's checks: size, binary, damaged workbook, CSV quoting).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import chain, islice, repeat
from operator import itemgetter, setitem
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.importes import dinero
from icsoe_desktop.services.archivos.alcance import FilasOcultas, letra_columna
from icsoe_desktop.services.archivos.tabular import (
    ZIP_SUFFIXES,
    _csv_error,
    _open_text,
    _refuse_binary,
    _text_encoding,
    _unreadable,
    cell_text,
    es_libro,
    header_key,
    read_head,
    unreadable_after,
)

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.xlsx_reader import LibroAbierto, Rows

FILAS_MUESTRA = 30  # rows read ahead to find the header (and shown as they are)
FILAS_LADO_A_LADO = 20  # rows of two columns of one field shown side by side to choose one
SIN_ENCABEZADO = 0  # ``fila_encabezado`` of a file read by position
CELDAS = "#celdas"  # in each row read: how many cells it has, up to its last written one
# Rows kept as text for the assistant's view: all the sample, so any row may be the header.
_FILAS_CRUDAS = FILAS_MUESTRA

# Header spellings people use for fields several importers read (compared by header_key).
ALIAS: dict[str, tuple[str, ...]] = {
    "nss": (
        "Número de Seguridad Social",
        "Numero Seguridad Social",
        "No. de Seguridad Social",
        "No. Seguridad Social",
        "Núm. Seguridad Social",
        "Seguridad Social",
        "No. IMSS",
        "Número IMSS",
        "Afiliación",
        "Número de afiliación",
        "NSS del trabajador",
    ),
    "curp": ("Clave Única de Registro de Población", "CURP del trabajador"),
    "sbc": (
        "Salario Base de Cotización",
        "Salario Base",
        "SBC diario",
        "SDI",
        "Salario Diario Integrado",
        "Salario Integrado",
    ),
    "registro_patronal": ("Registro", "Reg. Patronal", "Registro Patronal IMSS", "Reg. Pat."),
    "fecha": ("Fecha de Movimiento", "Fecha Movimiento", "Fecha del Movimiento"),
    "tipo": ("Tipo Movimiento", "Tipo de Movimiento", "Mov.", "Tipo Mov."),
    "nombre": ("Nombres", "Nombre(s)"),
    "primer_apellido": ("Primer Apellido", "Apellido 1", "Paterno"),
    "segundo_apellido": ("Segundo Apellido", "Apellido 2", "Materno"),
    "codigo_postal": ("C.P.", "Código Postal", "CP"),
}


@dataclass(frozen=True)
class Campo:
    """A field an importer reads: its key, its title (the header it writes) and aliases."""

    clave: str
    titulo: str
    alias: tuple[str, ...] = ()
    requerido: bool = False
    # An amount: a row with a number here and nothing where the required fields go is a sum.
    importe: bool = False
    normalizar: Callable[[object], object] | None = None  # never raises
    # Read only under a header naming it: a file without header holds the others, by position.
    solo_por_nombre: bool = False

    @property
    def nombres(self) -> tuple[str, ...]:
        return (self.titulo, *self.alias)


@dataclass(frozen=True)
class Esquema:
    """What an importer expects: its fields, headers it knows and does not read (a derived
    column), and whether a file may come without a header (columns in ``campos``' order)."""

    campos: tuple[Campo, ...]
    reconocidas: tuple[str, ...] = ()
    sin_encabezado: bool = False
    # Each row read also says how many cells it has, up to its last written one (at
    # ``Lectura.posicion(CELDAS)``): a CSV line with a comma too many or too few.
    celdas: bool = False
    # Derived from the above in __post_init__: header key → field key, and the headers known
    # and not read.
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _ignored: set[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, str] = {}
        for c in self.campos:
            for name in c.nombres:
                by_key.setdefault(header_key(name), c.clave)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_ignored", {header_key(h) for h in self.reconocidas})

    @property
    def por_posicion(self) -> tuple[Campo, ...]:
        """The fields a file without a header holds, in its columns' order."""
        return tuple(c for c in self.campos if not c.solo_por_nombre)

    def campo_de(self, encabezado: str) -> str | None:
        return self._by_key.get(header_key(encabezado))

    def derivada(self, encabezado: str) -> bool:
        """A header the import knows and does not read (``reconocidas``): never «not used»."""
        return header_key(encabezado) in self._ignored


@dataclass(frozen=True)
class Guia:
    """How the clerk said a file reads: the header's sheet row and, column by column in the
    file's order, the field each feeds (None: «No se usa»). By position, so a remembered guide
    fits next month's file of the same shape whatever the case or accents of its headers."""

    fila_encabezado: int
    campos: tuple[str | None, ...]
    hoja: str | None = None  # the workbook's sheet (None: the one the intake finds)

    @classmethod
    def de_hoja(cls, hoja: str) -> Guia:
        """Only the sheet to read (the command line's --hoja): the rest is found as usual."""
        return cls(-1, (), hoja)


@dataclass
class _Eleccion:
    """The sheet a workbook is read from, as the intake chose it (filled as it starts)."""

    hoja: str | None = None
    visibles: tuple[str, ...] = ()
    ocultas: tuple[str, ...] = ()
    ambiguas: tuple[str, ...] = ()  # visible sheets that all have the header (none active)
    columnas_ocultas: frozenset[int] = frozenset()  # of the sheet read (0-based)
    filas_ocultas: frozenset[int] = frozenset()  # of the sheet read, among its first rows
    todas_las_ocultas: FilasOcultas = field(default_factory=FilasOcultas)  # every one


def _forma(columnas: tuple[str, ...], con_encabezado: bool) -> str:
    keys = "|".join(header_key(c) for c in columnas) if con_encabezado else ""
    return hashlib.sha256(f"{con_encabezado}:{keys}".encode()).hexdigest()[:16]


@dataclass
class Lectura:
    archivo: str
    formato: str  # "CSV" | "Excel"
    esquema: Esquema
    filas_crudas: tuple[tuple[int, tuple[str, ...]], ...]
    fila_encabezado: int  # the sheet's row; SIN_ENCABEZADO: columns by position
    columnas: tuple[str, ...]  # each column's name (its header, or «Columna C»)
    mapeo: dict[str, str | None]  # column → field key (None: not used)
    omitidas: list[tuple[int, str]] = field(default_factory=list)
    # Read on a guess: by position (no header found, and titles above or columns the fields do
    # not fill: a header no field's name matches is one of those titles), or under one of two
    # rows that name as many fields.
    por_posicion_supuesta: bool = False
    _filas: Generator[tuple[int, list[object]], None, None] | None = field(default=None, repr=False)
    eleccion: _Eleccion = field(default_factory=_Eleccion)
    # Fields two or more columns name, none chosen: field key → those columns (the clerk says).
    columnas_ambiguas: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (column kept, column that must agree with it on every row), by index.
    _coinciden: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    _discrepancia: tuple[int, int] | None = field(default=None, repr=False)

    @property
    def hoja(self) -> str | None:
        """The workbook's sheet read (None: a CSV)."""
        return self.eleccion.hoja

    @property
    def hojas_ambiguas(self) -> tuple[str, ...]:
        """Visible sheets that all have the header, when the one the workbook opens on does not
        and none was chosen: the clerk says which (``Guia.hoja``)."""
        return self.eleccion.ambiguas

    @property
    def de_archivo(self) -> str:
        """«f.xlsx», or «la hoja «Trabajadores» de f.xlsx» when the workbook has others."""
        e = self.eleccion
        if e.hoja is not None and len(e.visibles) + len(e.ocultas) > 1:
            return f"la hoja «{e.hoja}» de «{self.archivo}»"
        return f"«{self.archivo}»"

    def posicion(self, clave: str) -> int:
        """Where the field ``clave`` (or ``CELDAS``, with ``Esquema.celdas``) is in each row
        ``filas()`` gives: its column, or a place after the row's cells holding None when no
        column feeds the field."""
        columna = {campo: i for i, campo in enumerate(self.mapeo.values()) if campo}
        extra = [CELDAS] if self.esquema.celdas else []
        if any(c.clave not in columna for c in self.esquema.campos):
            extra.append("")  # the None after a row's cells
        if clave in columna:
            return columna[clave]
        if clave == CELDAS:
            return extra.index(CELDAS) - len(extra)
        if clave in {c.clave for c in self.esquema.campos}:
            return -1
        raise KeyError(clave)

    def valores(self, *claves: str) -> Callable[[Sequence[object]], tuple[object, ...]]:
        """What gives the cells of the fields ``claves`` (or ``CELDAS``) of a row ``filas()``
        gives, in that order."""
        if len(claves) == 1:
            i = self.posicion(claves[0])
            return lambda fila: (fila[i],)
        return itemgetter(*map(self.posicion, claves))

    @cached_property
    def _todos(self) -> tuple[tuple[str, ...], Callable[[Sequence[object]], tuple[object, ...]]]:
        claves = tuple(c.clave for c in self.esquema.campos)
        return claves, self.valores(*claves)

    def por_campo(self, fila: Sequence[object]) -> dict[str, object]:
        """A row ``filas()`` gives as field key → cell (for a row looked at closely)."""
        claves, valores = self._todos
        return dict(zip(claves, valores(fila), strict=True))

    @property
    def forma(self) -> str:
        """The normalised header: equal for next month's file of the same system."""
        return _forma(self.columnas, self.fila_encabezado > 0)

    def formas(self) -> dict[str, int]:
        """The shape each of the first rows would have as the header → its sheet row (the
        first of equals): where a remembered shape is in next month's file, titles or not."""
        found: dict[str, int] = {}
        for numero, cells in self.filas_crudas:
            found.setdefault(_forma(_nombres_de_columnas(list(cells)), True), numero)
        return found

    @property
    def incierta(self) -> bool:
        """The intake could not read it by itself: a required field has no column, the columns
        were taken by position on a guess, or two rows could be the header."""
        return (
            bool(self.faltantes)
            or self.por_posicion_supuesta
            or bool(self.hojas_ambiguas)
            or bool(self.columnas_ambiguas)
        )

    @property
    def guia(self) -> Guia:
        """This reading as a guide (to remember it, or to read the file again with it)."""
        campos = tuple(self.mapeo[c] for c in self.columnas)
        return Guia(self.fila_encabezado, campos, self.hoja)

    @property
    def faltantes(self) -> list[Campo]:
        usados = set(self.mapeo.values()) | set(self.columnas_ambiguas)
        return [c for c in self.esquema.campos if c.requerido and c.clave not in usados]

    @property
    def no_usadas(self) -> list[str]:
        """Every column not read, a recognised one too (a second «SBC», a hidden one), except
        the derived ones the import knows (``Esquema.reconocidas``)."""
        ocultas = self.eleccion.columnas_ocultas
        return [
            col + (" (oculta)" if i in ocultas else "")
            for i, (col, campo) in enumerate(self.mapeo.items())
            if campo is None and not col.startswith("Columna ") and not self.esquema.derivada(col)
        ]

    def letra(self, columna: str) -> str:
        """«F «SBC»»: a column by its letter and name, as a message names it."""
        letra = letra_columna(self.columnas.index(columna))
        return f"{letra} «{columna.removesuffix(f' ({letra})')}»"

    def notas(self, fila: str = "Fila") -> list[str]:
        """``fila``: what the importer's report calls a row («Fila», «Renglón»)."""
        notas = []
        e = self.eleccion
        if e.hoja is not None and len(e.visibles) + len(e.ocultas) > 1:
            otras = [f"«{h}»" for h in e.visibles if h != e.hoja]
            ocultas = [f"«{h}»" for h in e.ocultas if h != e.hoja]
            partes = [", ".join(otras)] if otras else []
            if ocultas:
                partes.append(
                    ("la oculta " if len(ocultas) == 1 else "las ocultas ") + ", ".join(ocultas)
                )
            nota = f"Se leyó la hoja «{e.hoja}»"
            if partes:
                no_leidas = "no se leyó " if len(otras) + len(ocultas) == 1 else "no se leyeron "
                nota += "; " + no_leidas + ", ni ".join(partes)
            notas.append(nota + ".")
        if self.no_usadas:
            notas.append("No se usan las columnas: " + ", ".join(self.no_usadas) + ".")
        # Hidden rows side by side (a filter hides runs of them) in one note.
        omitidas, i = self.omitidas, 0
        while i < len(omitidas):
            numero, motivo = omitidas[i]
            j = i
            if motivo in _OCULTAS:
                while j + 1 < len(omitidas) and omitidas[j + 1] == (omitidas[j][0] + 1, motivo):
                    j += 1
            if j > i:
                filas = _FILAS.get(fila, fila + "s")
                notas.append(
                    f"{filas} {numero} a {omitidas[j][0]}: se dejaron fuera ({_OCULTAS[motivo]})."
                )
            else:
                notas.append(f"{fila} {numero}: se dejó fuera ({motivo}).")
            i = j + 1
        return notas

    def exigir_columnas(self) -> None:
        self._exigir_columnas_claras()
        faltan = self.faltantes
        if not faltan:
            return
        donde = (
            f"el encabezado (fila {self.fila_encabezado})"
            if self.fila_encabezado
            else "las primeras filas"
        )
        titulos = ", ".join(c.titulo for c in faltan)
        esperadas = ", ".join(c.titulo for c in self.esquema.campos if c.requerido)
        raise ValidationError(
            "columnas_faltantes",
            f"A {self.de_archivo} le faltan las columnas: {titulos}. No se encontraron en "
            f"{donde}; el archivo necesita una fila de encabezados con {esperadas}.",
        )

    def lado_a_lado(
        self, clave: str, limite: int = FILAS_LADO_A_LADO
    ) -> list[tuple[int, tuple[str, ...], bool]]:
        """The columns that compete for the field ``clave`` (``columnas_ambiguas``) side by
        side, for the clerk to choose: each of the first ``limite`` rows under the header with a
        value in any of them, as (sheet row, each column's text, whether they all say the same
        as the field reads them: «$3,500.00» and 3500 do)."""
        indices = [self.columnas.index(c) for c in self.columnas_ambiguas[clave]]
        normalizar = next(c.normalizar for c in self.esquema.campos if c.clave == clave)
        filas: list[tuple[int, tuple[str, ...], bool]] = []
        for numero, cells in self.filas_crudas:
            textos = tuple(cells[i] if i < len(cells) else "" for i in indices)
            if numero <= self.fila_encabezado or not any(textos):
                continue
            iguales = all(_igual(textos[0], otro, normalizar) for otro in textos[1:])
            filas.append((numero, textos, iguales))
            if len(filas) == limite:
                break
        return filas

    @property
    def por_confirmar(self) -> bool:
        """Two columns of one field agreed on the first rows: they must on every row."""
        return bool(self._coinciden)

    def revisar(self, limite: int) -> None:
        """Read through the first ``limite`` rows (and dropped: they are for an assistant to
        show), so that ``omitidas`` lists the rows left out below the data too; two columns
        of one field that part on one of them become the clerk's choice
        (``columnas_ambiguas``), as if they had parted on the first rows. A damaged row further
        down is the import's to report, with its message."""
        if self._filas is None or self.hojas_ambiguas or self.columnas_ambiguas:
            return
        filas = self.filas()
        try:
            with closing(filas):
                deque(islice(filas, limite), maxlen=0)
        except DomainError:
            if self._discrepancia is None:
                return
            una, otra = self._discrepancia
            campo = self.mapeo[self.columnas[una]]
            if campo is None:
                return
            juntas = {una, otra, *(o for u, o in self._coinciden if u == una)}
            self.columnas_ambiguas[campo] = tuple(self.columnas[i] for i in sorted(juntas))
            self.mapeo[self.columnas[una]] = None

    def no_coinciden(self, numero: int, una: int, otra: int) -> ValidationError:
        """Two columns of one field that agreed on the first rows and not on row ``numero``."""
        self._discrepancia = (una, otra)
        campo = self.mapeo[self.columnas[una]]
        titulo = next(c.titulo for c in self.esquema.campos if c.clave == campo)
        return ValidationError(
            "columnas_ambiguas",
            f"En {self.de_archivo}, las columnas {self.letra(self.columnas[una])} y "
            f"{self.letra(self.columnas[otra])} son ambas «{titulo}» y en la fila {numero} no "
            "coinciden: elige cuál usar en el asistente de importación (o borra la otra del "
            "archivo). No se importó nada.",
        )

    def _exigir_columnas_claras(self) -> None:
        for clave, columnas in self.columnas_ambiguas.items():
            if self._filas is not None:
                self._filas.close()
            titulo = next(c.titulo for c in self.esquema.campos if c.clave == clave)
            nombres = [self.letra(c) for c in columnas]
            raise ValidationError(
                "columnas_ambiguas",
                f"En {self.de_archivo}, las columnas "
                + ", ".join(nombres[:-1])
                + f" y {nombres[-1]} son todas «{titulo}» y sus datos no coinciden: elige cuál "
                "usar en el asistente de importación (o borra la otra del archivo). No se "
                "importó nada.",
            )

    def filas(self) -> Generator[tuple[int, list[object]], None, None]:
        """The rows, read as needed; a workbook with the header on several visible sheets and
        none chosen is refused naming them (the assistant asks; the command line, --hoja), and
        so are two columns of one field that do not agree."""
        self._exigir_columnas_claras()
        if self.hojas_ambiguas:
            if self._filas is not None:
                self._filas.close()
            hojas = self.hojas_ambiguas
            raise ValidationError(
                "hoja_ambigua",
                f"«{self.archivo}» tiene el encabezado en las hojas "
                + ", ".join(f"«{h}»" for h in hojas[:-1])
                + f" y «{hojas[-1]}»: elige cuál importar (en la línea de comandos, "
                "--hoja NOMBRE). No se importó nada.",
            )
        if self._filas is None:
            raise RuntimeError("las filas de una lectura se leen una sola vez")
        filas, self._filas = self._filas, None
        return filas


# --- values as written --------------------------------------------------------------------------

_DIGITOS = re.compile(r"[0-9]+")


class ceros:  # called as the function it was: ``normalizar=ceros(11)``
    """The digits Excel kept as a number, with the leading zeros it dropped (and without the
    dashes, dots and spaces people type in an NSS); anything else as it is."""

    def __init__(self, largo: int) -> None:
        self.largo = largo
        # A column's values joined by new lines, each as it should be (most of a file): the
        # intake leaves such a column as it is without reading each value.
        self.normales = re.compile(f"(?:[0-9]{{{largo}}}\n)*[0-9]{{{largo}}}")

    def __call__(self, value: object) -> object:
        largo = self.largo
        if value is None:
            return None
        text = value if isinstance(value, str) else cell_text(value)
        if len(text) == largo and text.isdigit() and text.isascii():
            return text  # as it should be: most of a file
        text = text.strip()
        bare = "".join(c for c in text if c not in "-. \u00a0")
        # Excel drops at most the two zeros a code may start with («00…», «0…»).
        if bare.isascii() and bare.isdigit() and largo - 2 <= len(bare) <= largo:
            return bare.zfill(largo)
        return text


def catalogo(valores: Mapping[str, str]) -> Callable[[object], object]:
    """A catalogue's value as written: the code («08», «8»), its name («Reingreso») or both
    («08 Reingreso», «08 - Reingreso») become the code; anything else stays as written (the
    domain refuses it naming the catalogue)."""
    by_name = {header_key(v): k for k, v in valores.items()}
    # The first word alone («Modificación») when no other value starts with it.
    firsts: dict[str, list[str]] = {}
    for k, v in valores.items():
        if v.split():
            firsts.setdefault(header_key(v.split()[0]), []).append(k)
    for word, codes in firsts.items():
        if len(codes) == 1:
            by_name.setdefault(word, codes[0])
    width = max((len(k) for k in valores), default=0)

    def code(text: str) -> str | None:
        if text in valores:
            return text
        if text.isascii() and text.isdigit() and len(text) < width:
            padded = text.zfill(width)
            if padded in valores:
                return padded
        return None

    def normalizar(value: object) -> object:
        if value is None:
            return None
        text = cell_text(value)
        found = code(text.upper()) or by_name.get(header_key(text))
        if found:
            return found
        head, _, rest = text.partition(" ")
        head = head.rstrip("-.:")
        rest = rest.strip().lstrip("-.:").strip()
        found = code(head.upper())
        if found and (not rest or header_key(rest) in (header_key(valores[found]),)):
            return found
        if found and by_name.get(header_key(rest)) == found:
            return found
        return text

    return normalizar


# --- rows of the file ---------------------------------------------------------------------------


# A file's rows as read: (sheet row or line number, cells); closed when a reading stops early.
_Filas = Generator[tuple[int, Sequence[object]], None, None]


def _vacia(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_TOTAL = re.compile(r"(total(es)?|subtotal(es)?|sumas?|gran ?total)\b", re.IGNORECASE)


def _sin_acentos(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _es_numero(value: object) -> bool:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return True
    if isinstance(value, str) and value.strip():
        try:
            float(dinero(value))
        except (ValueError, ValidationError):
            return False
        return True
    return False


def _csv_rows(path: Path, data: bytes | None) -> _Filas:
    """The file's non-blank rows (line number, cells), read as needed."""
    if data is not None:
        _refuse_binary(data[:4096], path.name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        source: TextIO = io.StringIO(text, newline=None)
    else:
        try:
            source = _open_text(path, _text_encoding(path))
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    with source:
        try:
            sample = source.read(16384)
            source.seek(0)
            if source.read(1) != "\ufeff":  # a BOM seek(0) did not skip again
                source.seek(0)
        except OSError as exc:
            raise _unreadable(path, exc) from exc
        reader = csv.reader(source, delimiter=_delimiter(sample))
        try:
            for values in reader:
                # Most rows start with a written cell: the rest are looked at whole.
                first = values[0] if values else ""
                if (first and not first.isspace()) or any(v.strip() for v in values):
                    yield reader.line_num, values
        except csv.Error as exc:
            raise _csv_error(path.name, max(reader.line_num, 1), exc) from exc
        except OSError as exc:
            raise unreadable_after(path.name, reader.line_num, exc) from exc


def _delimiter(sample: str) -> str:
    """The separator that splits most of the first lines into the same number of cells (a
    title line above has none, a «$1,234.56» between quotes does not count)."""
    lines = [line for line in sample.splitlines()[:FILAS_MUESTRA] if line.strip()]
    if len(sample) == 16384 and len(lines) > 1:
        lines.pop()  # cut in the middle
    best, score = ",", (0, 0)
    for delimiter in ",;\t|":
        counts: dict[int, int] = {}
        try:
            for row in csv.reader(lines, delimiter=delimiter):
                if len(row) > 1:
                    counts[len(row)] = counts.get(len(row), 0) + 1
        except csv.Error:
            continue
        if counts:
            width, lines_with_it = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (lines_with_it, width) > score:
                best, score = delimiter, (lines_with_it, width)
    return best


def _xlsx_rows(
    path: Path, data: bytes | None, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> _Filas:
    from icsoe_desktop.services.archivos.xlsx_reader import abrir

    with abrir(data if data is not None else path, path.name) as libro:
        eleccion.visibles = tuple(libro.visibles)
        eleccion.ocultas = tuple(n for n, visible in libro.hojas if not visible)
        elegidas = _hoja_elegida(libro, esquema, hoja, eleccion)
        if eleccion.hoja is not None:
            eleccion.columnas_ocultas, eleccion.filas_ocultas = libro.ocultas(eleccion.hoja)
            eleccion.todas_las_ocultas = libro.filas_ocultas(eleccion.hoja)
        with closing(elegidas):
            for number, values in elegidas:
                # A row ends at its last value: only one ending in blank text needs a closer look.
                if values and (not _vacia(values[-1]) or not all(_vacia(v) for v in values)):
                    yield number, values


def _hoja_elegida(
    libro: LibroAbierto, esquema: Esquema, hoja: str | None, eleccion: _Eleccion
) -> Rows:
    """The rows of the sheet the clerk means: ``hoja`` if given; else, among the visible
    sheets, the one the workbook opens on if it has the header, else the one that has it; with
    several that have it, the first is read for the assistant to show and ``eleccion.ambiguas``
    names them (a workbook that does not say which sheet it opens on, as an .ods saved without
    a window, gives its first sheet no precedence). The sheets looked at are read once (their
    first rows kept)."""
    if hoja is not None or len(libro.visibles) <= 1:
        eleccion.hoja = hoja or libro.por_omision()
        return libro.rows(eleccion.hoja)
    activa = libro.activa
    orden = [h for h in libro.visibles if h != activa]
    if activa is not None:
        orden.insert(0, activa)
    vistas: list[tuple[str, list[tuple[int, tuple[Any, ...]]], Rows]] = []
    elegida = None
    for nombre in orden:
        filas = libro.rows(nombre)
        muestra = list(islice(filas, FILAS_MUESTRA))
        vistas.append((nombre, muestra, filas))
        if nombre == activa and _tiene_encabezado(esquema, muestra):
            elegida = 0
            break
    con_encabezado = [
        i for i, (_, muestra, _) in enumerate(vistas) if _tiene_encabezado(esquema, muestra)
    ]
    if elegida is None:
        elegida = con_encabezado[0] if con_encabezado else 0
        if len(con_encabezado) > 1:
            eleccion.ambiguas = tuple(vistas[i][0] for i in con_encabezado)
    for i, (_, _, filas) in enumerate(vistas):
        if i != elegida:
            filas.close()
    nombre, muestra, filas = vistas[elegida]
    eleccion.hoja = nombre
    return _seguidas(muestra, filas)


def _seguidas(muestra: list[tuple[int, tuple[Any, ...]]], filas: Rows) -> Rows:
    """The rows already read, then the rest; closing it closes the sheet's reader."""
    with closing(filas):
        yield from muestra
        yield from filas


def _tiene_encabezado(esquema: Esquema, muestra: list[tuple[int, tuple[Any, ...]]]) -> bool:
    """A row among ``muestra`` names every required field of ``esquema``."""
    requeridos = {c.clave for c in esquema.campos if c.requerido}
    for _, values in muestra:
        nombrados = {
            campo for v in values if v is not None and (campo := esquema.campo_de(cell_text(v)))
        }
        if requeridos <= nombrados:
            return True
    return False


def _nombres_de_columnas(cells: list[str]) -> tuple[str, ...]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    names: list[str] = []
    seen: set[str] = set()
    for i, text in enumerate(cells):
        name = text or f"Columna {letra_columna(i)}"
        if name in seen:
            name = f"{text} ({letra_columna(i)})"
        seen.add(name)
        names.append(name)
    return tuple(names)


def _encabezado(
    esquema: Esquema, muestra: list[tuple[int, list[str]]], ocultas: frozenset[int] = frozenset()
) -> tuple[int, bool]:
    """The sheet row among ``muestra`` naming most fields (the first of equals), or
    SIN_ENCABEZADO; and whether another row names as many (which is the header is a guess).
    A hidden row is the header only when no visible one names a field."""
    if ocultas:
        visibles = [(n, cells) for n, cells in muestra if n not in ocultas]
        best, empate = _encabezado(esquema, visibles)
        if best != SIN_ENCABEZADO:
            return best, empate
    best, best_count, empate = SIN_ENCABEZADO, 0, False
    # A row naming only a field read by name alone («Nombre») is no header of this file.
    cuentan = {c.clave for c in esquema.por_posicion}
    for number, cells in muestra:
        count = len({campo for c in cells if c and (campo := esquema.campo_de(c)) in cuentan})
        if count > best_count:
            best, best_count, empate = number, count, False
        elif count and count == best_count:
            empate = True
    return best, empate


def leer(
    path: Path | str,
    esquema: Esquema,
    mapeo: Mapping[str, str | None] | None = None,
    fila_encabezado: int | None = None,
    data: bytes | None = None,
    guia: Guia | None = None,
    hoja: str | None = None,
) -> Lectura:
    """The file at ``path`` (or its bytes in ``data``) read for ``esquema``; see the module's
    docstring. ``guia``: the header row and the columns as the clerk said (or as remembered).
    Raises ValidationError for a file that is no table."""
    path = Path(path)
    if guia is not None:
        hoja = guia.hoja
        if guia.fila_encabezado < 0:  # only the sheet
            guia = None
        else:
            fila_encabezado = guia.fila_encabezado
    if data is None:
        head = read_head(path)
    elif not data:
        raise ValidationError("archivo_vacio", f"El archivo «{path.name}» está vacío.")
    else:
        head = data[:4096]
    raw: _Filas
    eleccion = _Eleccion()
    if es_libro(head):
        formato, raw = "Excel", _xlsx_rows(path, data, esquema, hoja, eleccion)
    elif path.suffix.lower() in ZIP_SUFFIXES:
        raise ValidationError(
            "xlsx_invalido", f"«{path.name}» no es un libro de Excel válido o está dañado."
        )
    else:
        _refuse_binary(head, path.name)  # a picture, a PDF: not shown to the clerk as a table
        formato, raw = "CSV", _csv_rows(path, data)
    try:
        return _lectura(path.name, formato, esquema, raw, mapeo, fila_encabezado, guia, eleccion)
    except BaseException:
        raw.close()
        raise


def _lectura(
    nombre: str,
    formato: str,
    esquema: Esquema,
    raw: _Filas,
    mapeo: Mapping[str, str | None] | None,
    fila_encabezado: int | None,
    guia: Guia | None,
    eleccion: _Eleccion,
) -> Lectura:
    muestra_cruda = list(islice(raw, FILAS_MUESTRA))  # fills ``eleccion``
    muestra = [(n, [cell_text(v) for v in values]) for n, values in muestra_cruda]
    empate = False
    if fila_encabezado is None:
        fila_encabezado, empate = _encabezado(esquema, muestra, eleccion.filas_ocultas)
    omitidas: list[tuple[int, str]] = []
    if fila_encabezado == SIN_ENCABEZADO:
        width = max((len(cells) for _, cells in muestra), default=0)
        posicionales = esquema.por_posicion
        if esquema.sin_encabezado:
            width = max(width, len(posicionales))
        columnas = tuple(f"Columna {letra_columna(i)}" for i in range(width))
        encabezados: Sequence[str] = columnas
        auto = {
            col: (c.clave if esquema.sin_encabezado and i < len(posicionales) else None)
            for i, (col, c) in enumerate(zip(columnas, (*posicionales,) * width, strict=False))
        }
        # Title rows above data without a header: the rows before the first with a number.
        first = next(
            (i for i, (_, cells) in enumerate(muestra) if any(_DIGITOS.search(c) for c in cells)),
            len(muestra),
        )
        after = first
        omitidas.extend((n, "título, encima de los datos") for n, _ in muestra[:first])
        supuesta = guia is None and (first > 0 or width != len(posicionales))
    else:
        index = next((i for i, (n, _) in enumerate(muestra) if n == fila_encabezado), None)
        if index is None:
            raise ValidationError(
                "encabezado_fuera",
                f"La fila {fila_encabezado} de «{nombre}» está vacía o fuera de las primeras "
                f"{FILAS_MUESTRA} filas: elige otra fila de encabezados.",
            )
        encabezados = muestra[index][1]
        columnas = _nombres_de_columnas(encabezados)
        # By the header as written: a second «SBC» (named «SBC (F)» here) is an «SBC» too.
        auto = {
            col: esquema.campo_de(texto) for col, texto in zip(columnas, encabezados, strict=False)
        }
        after = index + 1
        omitidas.extend((n, "título, encima del encabezado") for n, _ in muestra[:index])
        supuesta = empate
    if guia is not None:  # by position: the columns' names are known only now
        claves = {c.clave for c in esquema.campos}
        auto = {
            col: (campo if campo in claves else None)
            for col, campo in zip(columnas, chain(guia.campos, repeat(None)), strict=False)
        }
    elif mapeo is not None:
        auto.update({col: campo for col, campo in mapeo.items() if col in auto})
    ambiguas: dict[str, tuple[str, ...]] = {}
    coinciden: list[tuple[int, int]] = []
    if guia is None and mapeo is None:  # the clerk's choice stands as given
        final, ambiguas, coinciden = _una_columna_por_campo(
            esquema,
            auto,
            encabezados,
            # The rows the clerk sees: a hidden one is never read, nor compared.
            [f for f in muestra_cruda[after:] if f[0] not in eleccion.todas_las_ocultas],
            eleccion.columnas_ocultas,
        )
    else:  # one column per field: the first the clerk gave it
        usados: set[str] = set()
        final = {}
        for col, campo in auto.items():
            final[col] = campo if campo and campo not in usados else None
            if campo:
                usados.add(campo)
    lectura = Lectura(
        nombre,
        formato,
        esquema,
        tuple((n, tuple(cells)) for n, cells in muestra[:_FILAS_CRUDAS]),
        fila_encabezado,
        columnas,
        final,
        omitidas,
        supuesta,
        eleccion=eleccion,
        columnas_ambiguas=ambiguas,
        _coinciden=tuple(coinciden),
    )
    rest = chain(muestra_cruda[after:], raw)
    lectura._filas = _filas(lectura, rest, raw)
    return lectura


def _una_columna_por_campo(
    esquema: Esquema,
    auto: dict[str, str | None],
    encabezados: Sequence[str],
    muestra: list[tuple[int, Sequence[object]]],
    ocultas: frozenset[int],
) -> tuple[dict[str, str | None], dict[str, tuple[str, ...]], list[tuple[int, int]]]:
    """Each field's column when several name it, whatever their titles (the same one twice, an
    alias, another case): a visible one over hidden ones; among several visible (or only
    hidden) ones, the one under the field's own title (else the first), if their values agree
    on the rows looked at (and, as the rest are read, on every row: ``_coinciden``); else none,
    and the clerk chooses (``columnas_ambiguas``)."""
    columnas = list(auto)
    por_campo: dict[str, list[int]] = {}
    for i, campo in enumerate(auto.values()):
        if campo:
            por_campo.setdefault(campo, []).append(i)
    final = {col: None if campo in por_campo and len(por_campo[campo]) > 1 else campo
             for col, campo in auto.items()}  # fmt: skip
    ambiguas: dict[str, tuple[str, ...]] = {}
    coinciden: list[tuple[int, int]] = []
    titulos = {c.clave: header_key(c.titulo) for c in esquema.campos}
    normalizar = {c.clave: c.normalizar for c in esquema.campos}
    for campo, indices in por_campo.items():
        if len(indices) < 2:
            continue
        candidatas = [i for i in indices if i not in ocultas] or indices
        propias = [i for i in candidatas if header_key(encabezados[i]) == titulos[campo]]
        primera = (propias or candidatas)[0]
        if len(candidatas) == 1:
            elegida = candidatas[0]
        elif all(
            _difiere(muestra, primera, otra, normalizar[campo]) is None
            for otra in candidatas
            if otra != primera
        ):
            elegida = primera
            coinciden.extend((elegida, otra) for otra in candidatas if otra != elegida)
        else:
            ambiguas[campo] = tuple(columnas[i] for i in candidatas)
            continue
        final[columnas[elegida]] = campo
    return final, ambiguas, coinciden


def _igual(a: object, b: object, normalizar: Callable[[object], object] | None) -> bool:
    """Two cells saying the same: as the field reads them (an NSS with its leading zeros
    back), or as the same amount («$1,234.50» and 1234.5)."""
    if normalizar is not None:
        a, b = normalizar(a), normalizar(b)
    if cell_text(a) == cell_text(b):
        return True
    try:
        return Decimal(dinero(a)) == Decimal(dinero(b))
    except (ValueError, ValidationError, ArithmeticError, TypeError):
        return False


def _difiere(
    filas: Iterable[tuple[int, Sequence[object]]],
    una: int,
    otra: int,
    normalizar: Callable[[object], object] | None,
) -> int | None:
    """The first row (its number) where the two columns say different things, or None."""
    for numero, values in filas:
        n = len(values)
        a, b = (values[una] if una < n else None), (values[otra] if otra < n else None)
        if not _igual(a, b, normalizar):
            return numero
    return None


def _filas(
    lectura: Lectura, rows: Iterator[tuple[int, Sequence[object]]], raw: _Filas
) -> Generator[tuple[int, list[object]], None, None]:
    esquema = lectura.esquema
    columna = {campo: i for i, campo in enumerate(lectura.mapeo.values()) if campo}
    de_columna = {i: campo for campo, i in columna.items()}
    por_clave = {c.clave: c.normalizar for c in esquema.campos}
    coinciden = [(una, otra, por_clave[de_columna[una]]) for una, otra in lectura._coinciden]
    posiciones = [columna.get(c.clave, -1) for c in esquema.campos]
    sin_columna = -1 in posiciones
    ancho = max(posiciones, default=-1) + 1
    # Each read column's normaliser, with the values it already read (a column repeats a few
    # values: the registro, a catalogue's codes).
    normalizar = [
        (i, f, _Memoria(f))
        for c, i in zip(esquema.campos, posiciones, strict=True)
        if (f := c.normalizar) is not None and i >= 0
    ]
    texto = lectura.formato == "CSV"  # every cell text, every row a list
    celdas = esquema.celdas
    # Where a worker's data go: a row empty there and holding a number is a sum.
    datos = [
        i
        for c, i in zip(esquema.campos, posiciones, strict=True)
        if c.requerido and not c.importe and i >= 0
    ]
    # A row whose first cell is one of the worker's data, written and not starting as a total
    # («Total», «Suma», «Gran total», any with an accent or a space first) is data: most rows
    # are, and are told so without _resumen.
    de_datos = 0 in datos
    omitidas = lectura.omitidas
    faltan = (None,) * ancho
    # Where a row says whose it is (an NSS, a CURP, an RFC, an e-mail).
    ids = [
        (i, IDENTIFICADORES[c.clave])
        for c, i in zip(esquema.campos, posiciones, strict=True)
        if c.clave in IDENTIFICADORES and i >= 0
    ]
    # The table may have ended (``_fin_de_tabla``): the rows since, held until a row with an
    # identifier says the table goes on (they are data then) or the file ends (left out).
    fin = _FinDeTabla(bool(ids))
    ocultas = _Ocultas(lectura.eleccion.todas_las_ocultas, omitidas)

    def una_a_una(
        bloque: list[tuple[int, Sequence[object]]],
    ) -> tuple[list[int], list[list[object]]]:
        """The block's data rows, each looked at: sheet rows and cells (at least ``ancho``,
        and how many are written after them with ``celdas``)."""
        numeros: list[int] = []
        filas: list[list[object]] = []
        for number, values in bloque:
            first = values[0] if values else None
            if not (de_datos and first.__class__ is str and first[:1] in _NO_TOTAL):
                motivo = _resumen(values, datos)
                if motivo:
                    fin.total(numeros, filas)
                    omitidas.append((number, motivo))
                    continue
            n = len(values)
            while n:  # up to the last written cell
                last = values[n - 1]
                if last is None or (last.__class__ is str and (not last or last.isspace())):
                    n -= 1
                else:
                    break
            # The read cells past the last written one are None.
            cells = [*values[:n], *faltan[n:]] if n < ancho else list(values)
            if celdas:
                cells.append(n)
            # Only a row past a total, or with one cell written at most (its first empty, or
            # only one), may be past the table's end: most rows are not looked at.
            first = values[0] if n else None
            if (
                fin.activo
                or n < 2
                or first is None
                or (first.__class__ is str and not first.strip())
            ):
                if fin.fuera(number, cells, values, ids):
                    continue
                if fin.activo:
                    fin.sigue(numeros, filas)
            numeros.append(number)
            filas.append(cells)
        return numeros, filas

    # Rows are read a block at a time (small: rows alive cost the garbage collector). A block
    # whose every row starts with a worker's datum and has its widest read cell written (most)
    # is taken whole, any other row by row; then each normalised column of the block is read at
    # once, one reading per distinct value.
    rows = iter(rows)
    with closing(raw):
        while True:
            bloque: list[tuple[int, Sequence[object]]] = []
            error: Exception | None = None
            try:
                bloque.extend(islice(rows, _BLOQUE))
            except Exception as exc:  # the rows read before it are given first
                error = exc
            leidas = len(bloque)
            if ocultas:
                bloque = ocultas.quitar(bloque)
            if bloque:
                numeros: Sequence[int]
                filas: Sequence[list[object]]
                numeros, filas = zip(*bloque, strict=True)
                if fin.activo or not (de_datos and not celdas and _de_datos(filas, ancho)):
                    numeros, filas = una_a_una(bloque)
                elif not texto:
                    filas = list(map(list, filas))  # a sheet's rows are tuples
                for una, otra, f in coinciden:  # before the block is normalised
                    numero = _difiere(zip(numeros, filas, strict=True), una, otra, f)
                    if numero is not None:
                        raise lectura.no_coinciden(numero, una, otra)
                if sin_columna:
                    _todas(map(list.append, filas, repeat(None)))
                for i, f, memoria in normalizar:
                    _normalizar(filas, i, f, memoria, texto)
                yield from zip(numeros, filas, strict=True)
            if error is not None:
                raise error
            if leidas < _BLOQUE:
                fin.dejar_fuera(omitidas)
                return


# What an identifier looks like, even mistyped: «Elaboró: ____» or «Fecha: 15/05/2026» under
# the NSS column is none. (Searches, not full matches: a long cell costs its length once.)
_NSS_CARACTERES = frozenset("0123456789 .-")


def _parece_nss(text: str) -> bool:
    return sum(c.isdigit() for c in text) >= 9 and set(text) <= _NSS_CARACTERES


def _busca(patron: str) -> Callable[[str], bool]:
    search = re.compile(patron).search
    return lambda text: search(text) is not None


IDENTIFICADORES: dict[str, Callable[[str], bool]] = {
    "nss": _parece_nss,
    "curp": _busca(r"[A-Za-z]{4}[0-9]{6}"),
    "rfc": _busca(r"[A-Za-z&Ññ]{3,4}[ -]?[0-9]{6}"),
    "correo": _busca(r"[^\s@]@[^\s@]"),
}
OCULTA = "oculta"
OCULTA_FILTRO = "oculta por un filtro"


_OCULTAS = {OCULTA: "ocultas", OCULTA_FILTRO: "ocultas por un filtro"}
_FILAS = {"Renglón": "Renglones"}


class _Ocultas:
    """The hidden rows of the sheet read, left out as the rows go by (each with its reason):
    rows come in order, and so do the runs."""

    def __init__(self, ocultas: FilasOcultas, omitidas: list[tuple[int, str]]) -> None:
        self._tramos = ocultas.tramos
        self._k = 0
        self._omitidas = omitidas

    def __bool__(self) -> bool:
        return self._k < len(self._tramos)

    def quitar(
        self, bloque: list[tuple[int, Sequence[object]]]
    ) -> list[tuple[int, Sequence[object]]]:
        tramos, k = self._tramos, self._k
        if not bloque or bloque[-1][0] < tramos[k][0]:
            return bloque  # none of the block's rows is hidden
        visibles = []
        for fila in bloque:
            numero = fila[0]
            while k < len(tramos) and tramos[k][1] <= numero:
                k += 1
            if k < len(tramos) and tramos[k][0] <= numero:
                self._omitidas.append((numero, OCULTA_FILTRO if tramos[k][2] else OCULTA))
            else:
                visibles.append(fila)
        self._k = k
        return visibles


def _identificador(value: object, parece: Callable[[str], bool]) -> bool:
    """A cell that may be the identifier ``parece`` tells (IDENTIFICADORES)."""
    if value is None:
        return False
    if value.__class__ is not str:
        return True  # a number
    return parece(str(value).strip())


class _FinDeTabla:
    """Rows that are not data end the table: after a total row, the rows with no identifier;
    and a row with no identifier and at most one cell written («Elaboró: ____»). They are held
    (``fuera``) until a row with an identifier (or any other data row) shows the table goes
    on, and are then data (a row missing its NSS among the others is an error to report);
    at the end of the file they are left out (``dejar_fuera``)."""

    def __init__(self, con_identificadores: bool) -> None:
        self._con_ids = con_identificadores
        self.terminada = False  # a total row was read
        self._pendientes: list[tuple[int, list[object], str]] = []
        self.activo = False  # the table may have ended: every row is looked at

    def total(self, numeros: list[int], filas: list[list[object]]) -> None:
        """A total row: the rows held before it were the table's, and its end may be here."""
        self.sigue(numeros, filas)
        self.terminada = self.activo = self._con_ids

    def fuera(
        self,
        numero: int,
        cells: list[object],
        values: Sequence[object],
        ids: list[tuple[int, Callable[[str], bool]]],
    ) -> bool:
        """Whether the row is held as past the table's end."""
        n = len(values)
        if any(_identificador(values[i], parece) for i, parece in ids if i < n):
            return False
        escritas = [v for v in values if not _vacia(v)]
        if not (self.terminada or len(escritas) <= 1):
            return False
        texto = cell_text(escritas[0]).strip()[:40] if escritas else ""
        self._pendientes.append((numero, cells, texto))
        self.activo = True
        return True

    def sigue(self, numeros: list[int], filas: list[list[object]]) -> None:
        """The table goes on: the rows held are data, before the one read now."""
        self.terminada = self.activo = False
        if self._pendientes:
            for numero, cells, _ in self._pendientes:
                numeros.append(numero)
                filas.append(cells)
            self._pendientes.clear()

    def dejar_fuera(self, omitidas: list[tuple[int, str]]) -> None:
        for numero, _, texto in self._pendientes:
            omitidas.append(
                (numero, f"debajo de la tabla «{texto}»" if texto else "debajo de la tabla")
            )
        self._pendientes.clear()


_todas = deque[object](maxlen=0).extend  # runs an iterator through
_BLOQUE = 128
_MEMORIA = 4096
# Kinds of cells no two of which are equal (True == 1 == 1.0): a column of them has a memory.
_CLAVES = frozenset((str, int, type(None)))


class _Memoria(dict[object, object]):
    """A normaliser's reading of each value it was given."""

    def __init__(self, normalizar: Callable[[object], object]) -> None:
        super().__init__()
        self.normalizar = normalizar

    def __missing__(self, value: object) -> object:
        self[value] = read = self.normalizar(value)
        return read


def _normalizar(
    filas: Sequence[list[object]],
    i: int,
    f: Callable[[object], object],
    memoria: _Memoria,
    texto: bool,
) -> None:
    """The ``i``-th cell of a block's rows as ``f`` leaves it."""
    celda = itemgetter(i)
    normales = getattr(f, "normales", None)
    if normales is not None:
        try:
            if normales.fullmatch("\n".join(map(celda, filas))):
                return  # every value as the normaliser leaves it
        except TypeError:  # a cell that is no text
            pass
    valores: Iterable[object] = map(celda, filas)
    if not texto:
        valores = list(valores)
        if not set(map(type, valores)) <= _CLAVES:
            _todas(map(setitem, filas, repeat(i), map(f, valores)))
            return
    _todas(map(setitem, filas, repeat(i), map(memoria.__getitem__, valores)))
    if len(memoria) > _MEMORIA:
        memoria.clear()  # a column of different values (a name) keeps no memory


def _de_datos(filas: Sequence[Sequence[object]], ancho: int) -> bool:
    """Every row of a block has text not starting as a total in its first cell, and its
    widest read cell (the ``ancho``-th) written."""
    try:
        return (
            ancho > 0
            and min(map(len, filas)) >= ancho
            and _PRIMERAS.fullmatch("\n".join(map(itemgetter(0), filas))) is not None
            and all(map(str.strip, map(itemgetter(ancho - 1), filas)))
        )
    except TypeError:  # a cell that is no text
        return False


# First characters no total row starts with (_TOTAL, read without accents).
_NO_TOTAL = frozenset(chr(c) for c in range(33, 127)) - set("tTsSgG")
# First cells joined by new lines, each starting with one of those: a cell's own new line only
# makes it stricter.
_PRIMERA = "[" + "".join(re.escape(c) for c in sorted(_NO_TOTAL)) + "][^\n]*"
_PRIMERAS = re.compile(f"(?:{_PRIMERA}\n)*{_PRIMERA}")


def _resumen(values: Sequence[object], datos: list[int]) -> str | None:
    """Why a row is a total or summary row (None: it is data). Most rows are data, and say so
    in their first cells: those are looked at first."""
    for first in values:
        if first is not None and not (isinstance(first, str) and not first.strip()):
            break
    else:
        return None
    if isinstance(first, str):
        text = first.strip()
        if _TOTAL.match(text if text.isascii() else _sin_acentos(text)):
            return f"fila de totales «{text[:40]}»"
    n = len(values)
    if not datos:
        return None
    for i in datos:
        value = values[i] if i < n else None
        if value is not None and (not isinstance(value, str) or value.strip()):
            return None
    if any(_es_numero(v) for v in values) and all(_vacia(v) or _es_numero(v) for v in values):
        return "fila con sólo una suma"
    return None
