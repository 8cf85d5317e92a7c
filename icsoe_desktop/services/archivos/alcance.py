"""Where a sheet's data really lie, found before calamine reads it.

calamine holds a sheet as a dense grid from its first written cell to its last: one value at
``XFD1048576`` in a 5 KB workbook asks it for 17,000 million cells, and the process ends
(Rust aborts on a failed allocation: no exception, no message, no log). So the grid is bounded
before it is read, from the cells actually there (a sheet's <dimension> is not trusted: calamine
does not use it either):

- ``Vistazo`` looks at an .xlsx sheet's XML as check_zip inflates it (no second pass): when
  every cell is written the usual way (``<c r="A1"``, its reference first) and none lies past
  column Z or row 999,999, the grid cannot exceed ``MAX_CELDAS_GRID`` and nothing else is
  looked at.
- Otherwise ``alcance_canonico`` finds the widest reference and the longest row number of a
  sheet written the usual way, and ``alcance_xlsx`` parses any other as calamine does (a cell
  counts when it holds a value; a cell without a reference follows the one before it);
  ``alcance_ods`` reads the OpenDocument content (rows and cells repeated as they say).

``revisar`` then refuses a cell past ``MAX_COLUMNAS`` or ``MAX_FILAS`` naming it, and says
whether the dense grid fits; when it does not, the sheet is streamed by openpyxl instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

from icsoe_desktop.domain.errors import ValidationError

# LibreOffice's column limit for years (AMJ): no nómina export reaches it.
MAX_COLUMNAS = 1024
MAX_FILAS = 1_048_576  # Excel's
# Cells calamine may hold at once (~32 bytes each: ~900 MB); a sheet ``Vistazo`` lets through
# has at most 26 columns of 999,999 rows.
MAX_CELDAS_GRID = 28_000_000
LIMITE_VISTAZO = 26 * 999_999
# Hidden rows matter where the header is looked for and the first rows are shown: a sheet
# whose rows are all hidden ("filter", a million of them) is not listed row by row.
FILAS_OCULTAS_VISTAS = 1_000

# A cell whose first attribute is not its reference (or has none, or one not starting with a
# letter), or an element with a prefix (``<x:c``): calamine places them too.
_SIN_REFERENCIA = re.compile(rb'<c(?! r="[A-Za-z])[\s/>]')
_CON_PREFIJO = re.compile(rb":c[\s/>]")
# A cell whose reference is not one letter and at most six digits (past column Z or row
# 999,999), or that has none: one search where most sheets have nothing to find.
_LEJOS = re.compile(rb'<c(?! r="[A-Za-z][0-9]{1,6}")[\s/>]')
_ANCHA = re.compile(rb'<c r="[A-Za-z]{2}')  # a canonical cell past column Z
_SOLAPE = 32  # bytes of a chunk looked at again with the next: a match across two chunks
_RESTO_MAX = 4096
_OCULTA_ATRIBUTO = re.compile(rb'\shidden="(?:1|true)"')
_FILA_ETIQUETA = re.compile(rb"<(?:\w+:)?row\s[^<>]*")
_FILA_NUMERO = re.compile(rb'\sr="([0-9]{1,7})"')


class Vistazo:
    """Fed an .xlsx sheet's XML chunk by chunk (then ``fin()``). ``basta``: its grid is within
    ``LIMITE_VISTAZO``; else ``canonica``: every cell is ``<c r="A1"…`` (``alcance_canonico``
    finds its extent), or not (``alcance_xlsx`` parses it). ``estrecha`` (when ``canonica``): no
    cell past column Z, whatever its row (``revisar_ventana``)."""

    def __init__(self) -> None:
        self.basta = self.canonica = self.estrecha = True
        self._cola = b""
        # Hidden rows (``<row r="14" hidden="1"``) and whether the sheet has an autoFilter,
        # whatever else it holds; ``_resto``: a tag cut at the chunk's end.
        self.ocultas = Alcance()
        self._resto = b""

    def ver(self, chunk: bytes, ultimo: bool = False) -> None:
        self._ver_ocultas(chunk, ultimo)
        if not self.canonica:
            return
        texto = self._cola + chunk
        # A match starting in the last bytes is looked at again with the next chunk: there it
        # has what follows it (``<c r`` cut at the end is no cell without a reference).
        hasta = len(texto) if ultimo else len(texto) - _SOLAPE
        self._cola = texto[max(hasta, 0) :]

        def halla(patron: re.Pattern[bytes]) -> bool:
            match = patron.search(texto)
            return match is not None and match.start() < hasta

        if halla(_CON_PREFIJO):
            self.basta = self.canonica = False
        elif not self.basta or halla(_LEJOS):
            self.basta = False
            self.canonica = not halla(_SIN_REFERENCIA)
            self.estrecha = self.estrecha and not halla(_ANCHA)

    def fin(self) -> None:
        self.ver(b"", ultimo=True)

    def _ver_ocultas(self, chunk: bytes, ultimo: bool) -> None:
        texto = self._resto + chunk if self._resto else chunk
        corte = len(texto) if ultimo else texto.rfind(b"<")
        if corte < 0:
            corte = len(texto)
        # A tag is short: a long tail is a cell's text (no row's tag is cut there).
        self._resto = texto[corte:] if len(texto) - corte <= _RESTO_MAX else b""
        if b"hidden=" in texto:
            for oculta in _OCULTA_ATRIBUTO.finditer(texto, 0, corte):
                # Only a row's own attribute: its tag from its «<» to its «>».
                inicio = texto.rfind(b"<", 0, oculta.start())
                fin = texto.find(b">", oculta.end(), corte)
                etiqueta = _FILA_ETIQUETA.match(texto, inicio, fin) if inicio >= 0 else None
                if fin < 0 or etiqueta is None or etiqueta.end() != fin:
                    continue
                numero = _FILA_NUMERO.search(texto, inicio, fin)
                if numero is not None:
                    fila = int(numero[1]) - 1
                    self.ocultas.ocultar(filas=range(fila, fila + 1))
        if not self.ocultas.filtro and b"autoFilter" in texto:
            self.ocultas.filtro = True


def letra_columna(index: int) -> str:
    """0 → «A», 16383 → «XFD»."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Alcance:
    """The cells holding a value: their bounding box (0-based) and the farthest ones."""

    fila_min: int = -1
    fila_max: int = -1
    columna_min: int = -1
    columna_max: int = -1
    # The cell with the last column, and the one with the last row (row, column).
    mas_a_la_derecha: tuple[int, int] = field(default=(0, 0))
    mas_abajo: tuple[int, int] = field(default=(0, 0))
    desde_a1: bool = False  # the grid starts at A1 whatever the first cell (OpenDocument)
    # Characters its cells copy from a shared table (an .xls's LABELSST): calamine holds a
    # copy in each cell.
    texto: int = 0
    # What the records say is hidden, read in the same pass: columns (0-based) and, among the
    # first FILAS_OCULTAS_VISTAS, rows (the sheet's numbers, from 1); every hidden row as runs
    # (``todas_las_ocultas``), and whether the sheet has a filter (an .xlsx's autoFilter, an
    # .xls's FILTERMODE): its hidden rows are then the filter's.
    columnas_ocultas: set[int] = field(default_factory=set)
    filas_ocultas: set[int] = field(default_factory=set)
    tramos_ocultos: list[tuple[int, int, bool]] = field(default_factory=list)
    filtro: bool = False

    def ocultar(
        self, columnas: range = range(0), filas: range = range(0), por_filtro: bool = False
    ) -> None:
        """Columns or rows (0-based) hidden: kept within what the intake looks at; rows by
        hand, or ``por_filtro``."""
        self.columnas_ocultas.update(range(columnas.start, min(columnas.stop, MAX_COLUMNAS)))
        hasta = min(filas.stop, FILAS_OCULTAS_VISTAS)
        self.filas_ocultas.update(n + 1 for n in range(filas.start, hasta))
        if filas:
            tramo = (filas.start + 1, filas.stop + 1, por_filtro)
            ultimo = self.tramos_ocultos[-1] if self.tramos_ocultos else None
            if ultimo is not None and ultimo[1] == tramo[0] and ultimo[2] == por_filtro:
                self.tramos_ocultos[-1] = (ultimo[0], tramo[1], por_filtro)
            else:
                self.tramos_ocultos.append(tramo)

    @property
    def ocultas(self) -> tuple[frozenset[int], frozenset[int]]:
        return frozenset(self.columnas_ocultas), frozenset(self.filas_ocultas)

    @property
    def todas_las_ocultas(self) -> FilasOcultas:
        return FilasOcultas.de(self.tramos_ocultos, self.filtro)

    def agregar(
        self, fila: int, columna: int, hasta_fila: int = -1, hasta_columna: int = -1
    ) -> None:
        """The cells from (fila, columna) to (hasta_fila, hasta_columna) hold values."""
        hasta_fila, hasta_columna = max(hasta_fila, fila), max(hasta_columna, columna)
        if self.fila_max < 0:
            self.fila_min, self.columna_min = fila, columna
        self.fila_min = min(self.fila_min, fila)
        self.columna_min = min(self.columna_min, columna)
        if hasta_columna > self.columna_max:
            self.columna_max = hasta_columna
            self.mas_a_la_derecha = (fila, hasta_columna)
        if hasta_fila > self.fila_max:
            self.fila_max = hasta_fila
            self.mas_abajo = (hasta_fila, columna)

    def lejana(self) -> str:
        """The cell that stretches the grid most: the rightmost of a wide one, else the
        lowest."""
        ancho = self.columna_max - self.columna_min + 1
        return referencia(*(self.mas_a_la_derecha if ancho > 256 else self.mas_abajo))

    @property
    def celdas(self) -> int:
        if self.fila_max < 0:
            return 0
        fila_min, columna_min = (0, 0) if self.desde_a1 else (self.fila_min, self.columna_min)
        return (self.fila_max - fila_min + 1) * (self.columna_max - columna_min + 1)


_SIN_FIN = 2**63


@dataclass(frozen=True)
class FilasOcultas:
    """Every hidden row of a sheet: runs (first, last + 1, hidden by a filter) of its row
    numbers (from 1), in order and apart; a run per stretch, not a number per row (a filter
    may hide a million)."""

    tramos: tuple[tuple[int, int, bool], ...] = ()

    @classmethod
    def de(cls, tramos: Iterable[tuple[int, int, bool]], filtro: bool = False) -> FilasOcultas:
        """From runs in any order (``filtro``: the sheet has a filter, which hid them all)."""
        juntos: list[tuple[int, int, bool]] = []
        for desde, hasta, por_filtro in sorted(tramos):
            por_filtro = por_filtro or filtro
            if juntos and desde <= juntos[-1][1]:
                previo = juntos[-1]
                if previo[2] == por_filtro or hasta <= previo[1]:
                    juntos[-1] = (previo[0], max(previo[1], hasta), previo[2])
                    continue
                desde = previo[1]
            juntos.append((desde, hasta, por_filtro))
        return cls(tuple(juntos))

    def __contains__(self, fila: object) -> bool:
        """Whether the sheet row ``fila`` is hidden."""
        if not isinstance(fila, int):
            return False
        i = bisect.bisect_right(self.tramos, (fila, _SIN_FIN, True)) - 1
        return i >= 0 and self.tramos[i][0] <= fila < self.tramos[i][1]


def referencia(fila: int, columna: int) -> str:
    return f"{letra_columna(columna)}{fila + 1}"


def dato_suelto(archivo: str, hoja: str, celda: str, por: str) -> ValidationError:
    return ValidationError(
        "dato_suelto",
        f"Hay un dato suelto en {celda} de la hoja «{hoja}» de «{archivo}», {por}. "
        "Bórralo (o muévelo junto a los demás datos), guarda el libro y vuelve a importarlo. "
        "No se importó nada.",
    )


def revisar(alcance: Alcance, archivo: str, hoja: str) -> bool:
    """Refuse a cell past the last column or row read, naming it; True when the sheet fits in
    calamine's dense grid (False: to be streamed)."""
    fila, columna = alcance.mas_a_la_derecha
    if alcance.columna_max >= MAX_COLUMNAS:
        por = f"más allá de la columna {letra_columna(MAX_COLUMNAS - 1)}, la última que se lee"
        raise dato_suelto(archivo, hoja, referencia(fila, columna), por)
    fila, columna = alcance.mas_abajo
    if alcance.fila_max >= MAX_FILAS:
        por = f"más abajo de la fila {MAX_FILAS:,}, la última de una hoja de Excel"
        raise dato_suelto(archivo, hoja, referencia(fila, columna), por)
    return alcance.celdas <= MAX_CELDAS_GRID


def _celdas_con_valor(xml: bytes, letras: bytes, digitos: bytes) -> list[tuple[bytes, bytes]]:
    """(letters, digits) of the canonical cells of ``xml`` whose reference matches, that are
    not empty (``<c r="XFD1" s="3"/>`` is a format, no value)."""
    patron = re.compile(rb'<c r="(' + letras + rb")(" + digitos + rb')"[^>]*(?<!/)>')
    return patron.findall(xml)


def alcance_canonico(xml: bytes) -> Alcance:
    """The extent of a sheet whose cells are all ``<c r="A1"…`` (``Vistazo.canonica``), from A1
    (a bound: its first cells are not looked for). Only the widest references and the longest
    row numbers are gathered, not every cell."""
    alcance = Alcance(desde_a1=True)
    for letras in (rb"[A-Za-z]{3,}", rb"[A-Za-z]{2}", rb"[A-Za-z]"):
        if celdas := _celdas_con_valor(xml, letras, rb"[0-9]+"):
            col, fila = max(celdas, key=lambda c: (len(c[0]), c[0].upper()))
            alcance.agregar(int(fila) - 1, _columna(col.decode()))
            break
    for digitos in (rb"[0-9]{7,}", *(rb"[0-9]{%d}" % n for n in range(6, 0, -1))):
        if celdas := _celdas_con_valor(xml, rb"[A-Za-z]+", digitos):
            col, fila = max(celdas, key=lambda c: (len(c[1]), c[1]))
            alcance.agregar(int(fila) - 1, _columna(col.decode()))
            break
    return alcance


def revisar_ventana(xml: bytes, archivo: str, hoja: str) -> None:
    """Refuse a cell past the last row of a sheet in ``xml``, some rows of a sheet ``Vistazo``
    found ``canonica`` and ``estrecha``: their grid then fits (26 columns of at most
    ``MAX_FILAS`` rows)."""
    alcance = Alcance()
    for col, fila in _celdas_con_valor(xml, rb"[A-Za-z]", rb"[0-9]{7,}"):
        alcance.agregar(int(fila) - 1, _columna(col.decode()))
    revisar(alcance, archivo, hoja)


def _local(nombre: str) -> str:
    return nombre.rpartition(":")[2]


_REFERENCIA = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})")


def _columna(letras: str) -> int:
    numero = 0
    for letra in letras.upper():
        numero = numero * 26 + ord(letra) - 64
    return numero - 1


def alcance_xlsx(partes: Iterable[bytes]) -> Alcance:
    """The cells with a value in an .xlsx sheet's XML, placed as calamine places them."""
    alcance = Alcance()
    fila = columna = 0
    celda: tuple[int, int] | None = None
    con_valor = False

    def inicio(nombre: str, atributos: dict[str, str]) -> None:
        nonlocal fila, columna, celda, con_valor
        local = _local(nombre)
        if local == "row":
            r = atributos.get("r", "")
            if r.isdigit() and r.isascii():
                fila = int(r) - 1
            columna = 0
        elif local == "c":
            match = _REFERENCIA.fullmatch(atributos.get("r", ""))
            if match:
                fila_celda, columna = int(match[2]) - 1, _columna(match[1])
            else:
                fila_celda = fila
            celda, con_valor = (fila_celda, columna), False
            columna += 1
        elif local in ("v", "is") and celda is not None:
            con_valor = True

    def fin(nombre: str) -> None:
        nonlocal fila, celda
        local = _local(nombre)
        if local == "c" and celda is not None:
            if con_valor:
                alcance.agregar(*celda)
            celda = None
        elif local == "row":
            fila += 1

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = inicio
    parser.EndElementHandler = fin
    for parte in partes:
        parser.Parse(parte, False)
    parser.Parse(b"", True)
    return alcance


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_TABLA = _TABLE + "table"
_FILA = _TABLE + "table-row"
_COLUMNA = _TABLE + "table-column"
_VISIBILIDAD = _TABLE + "visibility"
_OCULTA = frozenset(("collapse", "filter"))  # hidden by hand, or by a filter
_CELDAS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


def _repeticiones(atributos: dict[str, str], nombre: str) -> int:
    texto = atributos.get(_TABLE + nombre, "1")
    return int(texto) if texto.isdigit() and texto.isascii() and len(texto) < 10 else 1


def alcance_ods(contenido: bytes) -> dict[str, Alcance]:
    """The cells with a value of each table (by name) in an OpenDocument's content.xml; a cell
    counts when it has a type or any content (conservative: calamine may skip some). The grid
    starts at A1, as calamine's does for these. Its columns and rows hidden
    (``table:visibility`` "collapse" or "filter") too, and the characters its cells hold as
    calamine holds them (``texto``: a repeated cell's, once per repetition)."""
    tablas: dict[str, Alcance] = {}
    alcance: Alcance | None = None
    fila = columna = filas_repetidas = columnas_declaradas = 0
    celda: tuple[int, int] | None = None  # (column, times repeated) of the cell being read
    con_valor = False
    texto = 0  # characters of the cell being read (its text, or its string-value attribute)

    def inicio(nombre: str, atributos: dict[str, str]) -> None:
        nonlocal alcance, fila, columna, filas_repetidas, celda, con_valor, columnas_declaradas
        nonlocal texto
        if nombre == _TABLA:
            alcance = tablas.setdefault(atributos.get(_TABLE + "name", ""), Alcance(desde_a1=True))
            fila = columnas_declaradas = 0
        elif alcance is None:
            return
        elif nombre == _FILA:
            filas_repetidas = _repeticiones(atributos, "number-rows-repeated")
            visibilidad = atributos.get(_VISIBILIDAD)
            if visibilidad in _OCULTA:
                por_filtro = visibilidad == "filter"
                alcance.ocultar(filas=range(fila, fila + filas_repetidas), por_filtro=por_filtro)
            columna = 0
        elif nombre in _CELDAS:
            veces = _repeticiones(atributos, "number-columns-repeated")
            celda = (columna, veces)
            con_valor = _OFFICE + "value-type" in atributos
            texto = len(atributos.get(_OFFICE + "string-value", ""))
            columna += veces
        elif nombre == _COLUMNA:  # after the cells' test: far fewer
            veces = _repeticiones(atributos, "number-columns-repeated")
            if atributos.get(_VISIBILIDAD) in _OCULTA:
                alcance.ocultar(columnas=range(columnas_declaradas, columnas_declaradas + veces))
            columnas_declaradas += veces
        elif celda is not None:
            con_valor = True  # text:p or anything else inside the cell

    def fin(nombre: str) -> None:
        nonlocal alcance, fila, celda
        if nombre == _TABLA:
            alcance = None
        elif alcance is None:
            return
        elif nombre in _CELDAS and celda is not None:
            if con_valor:
                primera, veces = celda
                alcance.agregar(fila, primera, fila + filas_repetidas - 1, primera + veces - 1)
                alcance.texto += texto * veces * filas_repetidas  # calamine copies each
            celda = None
        elif nombre == _FILA:
            fila += filas_repetidas

    def caracteres(datos: str) -> None:
        nonlocal texto
        if celda is not None:
            texto += len(datos)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = inicio
    parser.EndElementHandler = fin
    parser.CharacterDataHandler = caracteres
    parser.Parse(contenido, True)
    return tablas
