"""``Lectura``: a file as the intake read it, for an importer to read its rows and for the
assistant to show and correct."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from operator import itemgetter

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.services.archivos.alcance import letra_columna
from icsoe_desktop.services.archivos.lectura.encabezado import _nombres_de_columnas
from icsoe_desktop.services.archivos.lectura.esquema import (
    CELDAS,
    FILAS_LADO_A_LADO,
    Campo,
    Esquema,
    Guia,
    _Eleccion,
)
from icsoe_desktop.services.archivos.lectura.valores import _igual
from icsoe_desktop.services.archivos.tabular import header_key

OCULTA = "oculta"
OCULTA_FILTRO = "oculta por un filtro"


_OCULTAS = {OCULTA: "ocultas", OCULTA_FILTRO: "ocultas por un filtro"}
_FILAS = {"Renglón": "Renglones"}


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
        if nota := _nota_de_hojas(self.eleccion):
            notas.append(nota)
        if self.no_usadas:
            notas.append("No se usan las columnas: " + ", ".join(self.no_usadas) + ".")
        notas.extend(_notas_de_omitidas(self.omitidas, fila))
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
            textos = _textos(cells, indices)
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
            self._a_elegir()

    def _a_elegir(self) -> None:
        """Two columns of one field that parted on a row (``no_coinciden``): the clerk's
        choice, the field read from neither until then."""
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


def _textos(cells: tuple[str, ...], indices: list[int]) -> tuple[str, ...]:
    """A row's text in the columns ``indices`` («» past its last cell)."""
    return tuple(cells[i] if i < len(cells) else "" for i in indices)


def _nota_de_hojas(e: _Eleccion) -> str | None:
    """The sheet read and the others not, when the workbook has several."""
    if e.hoja is None or len(e.visibles) + len(e.ocultas) <= 1:
        return None
    nota = f"Se leyó la hoja «{e.hoja}»"
    if no_leidas := _no_leidas(e):
        nota += "; " + no_leidas
    return nota + "."


def _no_leidas(e: _Eleccion) -> str:
    """«no se leyeron «A», «B», ni la oculta «C»»: the workbook's other sheets."""
    otras = [f"«{h}»" for h in e.visibles if h != e.hoja]
    ocultas = [f"«{h}»" for h in e.ocultas if h != e.hoja]
    partes = [", ".join(otras)] if otras else []
    if ocultas:
        partes.append(("la oculta " if len(ocultas) == 1 else "las ocultas ") + ", ".join(ocultas))
    if not partes:
        return ""
    no_leidas = "no se leyó " if len(otras) + len(ocultas) == 1 else "no se leyeron "
    return no_leidas + ", ni ".join(partes)


def _notas_de_omitidas(omitidas: list[tuple[int, str]], fila: str) -> list[str]:
    """Each row left out with its reason; hidden rows side by side (a filter hides runs of
    them) in one note."""
    notas = []
    i = 0
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
