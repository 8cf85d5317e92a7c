"""Getting movements in: an IDSE batch file (168-character lines), an .xlsx or a CSV with the
grid's columns. Every line is validated; if any is refused nothing is imported, and the report
names each refused line and why. Movements already in the store are not added again."""

from __future__ import annotations

import codecs
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from functools import partial
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, DateTime, select

from icsoe_desktop.domain.cambios import LOTES, MOVIMIENTOS
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.idse_lote import (
    ENCODING,
    GUARDAR_EN_ANSI,
    looks_like_lote,
    parse_line,
)
from icsoe_desktop.domain.lote_rapido import LoteChecker
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.movimientos import (
    CAMPO,
    CAMPOS,
    DATE,
    MONEY,
    Movimiento,
    parse_pesos,
    validate_all,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.row_ids import new_uuid
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.importaciones import registrar
from icsoe_desktop.services.archivos.lectura import ALIAS, Campo, Esquema, ceros
from icsoe_desktop.services.archivos.tabular import (
    ZIP_SUFFIXES,
    cell_date,
    cell_text,
    check_file,
    decode_text,
    es_libro,
    unreadable_after,
)
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Cancelado, Marcar, cancelable, sin_marca
from icsoe_desktop.services.movimientos.fila_rapida import NO_STATUS as _NO_STATUS
from icsoe_desktop.services.movimientos.fila_rapida import STATUS as _STATUS
from icsoe_desktop.services.movimientos.fila_rapida import FilaRapida
from icsoe_desktop.services.movimientos.servicio import (
    COLUMNS,
    Column,
    MovimientosService,
    Progress,
)
from icsoe_desktop.store import bulk_indexes, cambiados, enlace
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store.db import Store, large_page_cache
from icsoe_desktop.store.models import RegistroPatronal

BATCH = 5_000
_REQUIRED = tuple(c.attr for c in CAMPOS if c.domain and c.default is MISSING)


def _normalizar(c: Column) -> Callable[[object], object] | None:
    if c.attr in ("nss", "registro_patronal"):
        return ceros(11)  # as Excel keeps a number
    if c.catalog is not None and c.attr != "estado":
        return lectura.catalogo(c.catalog)
    return None


# A file's columns by header (the grid's, an alias of CAMPOS, or a spelling people use). A
# column the store does not keep is recognised and not read: a derived one (Vence) is computed
# again from its source (the fecha) by the calendar this desktop has, and the Lote is the
# número of the lote row a movement went in (a join, not a value of the movement).
ESQUEMA = Esquema(
    tuple(
        Campo(
            c.attr,
            c.header,
            (*c.aliases, *ALIAS.get(c.attr, ())),
            requerido=c.attr in _REQUIRED,
            importe=c.kind == MONEY,
            normalizar=_normalizar(c),
        )
        for c in COLUMNS
        if c.stored
    ),
    reconocidas=tuple(c.header for c in COLUMNS if not c.stored),
)


@dataclass(frozen=True)
class LineaRechazada:
    linea: int  # the file's line, or the sheet's row (as Excel or the CSV opened in it shows)
    motivo: str


@dataclass
class ImportReport:
    archivo: str
    formato: str
    leidas: int = 0
    importados: int = 0
    existentes: int = 0
    rechazadas: list[LineaRechazada] = field(default_factory=list)  # every problem, by line
    # What was read differently than asked: columns not used, summary rows left out, the
    # encoding a lote was saved in.
    notas: list[str] = field(default_factory=list)
    _messages: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def aplicado(self) -> bool:
        return not self.rechazadas

    @property
    def lineas_rechazadas(self) -> int:
        return len({r.linea for r in self.rechazadas})

    @property
    def unidad(self) -> str:
        """What the clerk calls a line of this file: a sheet's «Fila», a lote's «Línea»."""
        return "Línea" if self.formato == "Lote IDSE" else "Fila"

    def refuse(self, line: int, why: str) -> None:
        # A file of a million bad lines repeats a few messages: keep one copy of each.
        self.rechazadas.append(LineaRechazada(line, self._messages.setdefault(why, why)))


# How a cell becomes a domain field's value, by its kind (text: as written, or as the intake
# normalised it; validate_all() checks it).
_READ_AS: dict[str, Callable[[Column, object], object]] = {
    DATE: lambda c, v: cell_date(v, c.header, c.attr),
    MONEY: lambda c, v: parse_pesos(v, c.attr, c.header),
}


# The order of a line's problems: the date and the kind first, then the form's order.
_READ_ORDER = (
    "fecha",
    "tipo",
    *(c.attr for c in CAMPOS if c.domain and c.attr not in ("fecha", "tipo")),
)


# A line read: its movement (None: refused), the status columns of an exported grid, and its
# problems.
_Leida = tuple[Movimiento | None, tuple[object, ...], list[ValidationError]]
# Takes a line (its number, and how to read it) into the report or the writer.
_Aceptar = Callable[[int, Callable[[], _Leida]], None]


def _from_cells(values: Mapping[str, object], today: date) -> _Leida:
    """The movement of a row (field → cell), checked, with every problem it has."""
    given: dict[str, object] = {}
    errors: list[ValidationError] = []
    for attr in _READ_ORDER:
        c, value = CAMPO[attr], values.get(attr)
        try:
            given[attr] = _READ_AS[c.kind](c, value) if c.kind in _READ_AS else cell_text(value)
        except ValidationError as exc:
            errors.append(exc)
            given[attr] = None if c.kind in _READ_AS else ""
            continue
        if attr == "fecha" and given[attr] is None:
            errors.append(
                ValidationError("campo_obligatorio", "Falta la fecha del movimiento.", "fecha")
            )
    status: list[object] = []
    for c in _STATUS:
        try:
            status.append(
                cell_date(values.get(c.attr), c.attr, c.attr)
                if c.kind == DATE
                else cell_text(values.get(c.attr))
            )
        except ValidationError as exc:
            errors.append(exc)
            status.append(None)
    unread = {e.field for e in errors}
    mov, checks = validate_all(Movimiento(**given), today)
    # A field that could not be read is named once (not again as missing).
    errors.extend(e for e in checks if e.field not in unread)
    return (None if errors else mov), tuple(status), errors


_DOMAIN_FIELDS = tuple(f.name for f in fields(Movimiento))
_STATUS_COLUMNS = tuple(c.attr for c in _STATUS)
_SYNC_COLUMNS = ("uuid", "created_at", "updated_at", "version", "deleted")
# A file without IDSE's answers: its status as bound, each NULL as NaN (store/enlace.py).
_SIN_ESTADO = tuple(enlace.sin_nulos(list(_NO_STATUS)))
_FECHA = _DOMAIN_FIELDS.index("fecha")
_KEY = tuple(_DOMAIN_FIELDS.index(n) for n in movs_sql.KEY)
HEAD_BYTES = 64 * 1024


class _Refused(Exception):
    """Some line was refused: leave the transaction, rolling every inserted row back."""


class _Writer:
    """Inserts checked rows in batches (one executemany each) inside the caller's transaction.

    A movement already in the store is skipped; a line repeating an earlier line of the same file
    is refused naming it. Both are found by the unique key only when a batch inserts fewer rows
    than it has (ON CONFLICT DO NOTHING), so a clean import pays no lookups. The line of each
    inserted row is kept in an array indexed by id - first id (rows get consecutive ids inside
    the transaction): 4 bytes a row, not a dict of keys."""

    def __init__(self, conn: Connection, report: ImportReport) -> None:
        self._conn = conn
        self._report = report
        # As SQLAlchemy stores a DateTime on this dialect (the ORM reads these rows back).
        to_db = DateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
        stamp = utcnow() if to_db is None else to_db(utcnow())
        self._sync_tail = (stamp, stamp, 1, 0)
        columns = (*_DOMAIN_FIELDS, *_STATUS_COLUMNS, *_SYNC_COLUMNS)
        self._sql = movs_sql.insert_sql(columns)
        self._first_id = movs_sql.next_id(conn)
        self._suspended = False
        self._line_of = array("L")
        self._rows: list[tuple[object, ...]] = []
        self._lines: list[int] = []

    def add(self, line: int, values: Sequence[object], status: Sequence[object]) -> None:
        """``values``: a validated movement's fields in Movimiento order; ``status``: the
        status dates and cause of an exported grid."""
        if status is _NO_STATUS:
            status = _SIN_ESTADO
        else:
            status = enlace.sin_nulos([d.isoformat() if isinstance(d, date) else d for d in status])
        self._rows.append(
            (*values[:_FECHA], cast(date, values[_FECHA]).isoformat(), *values[_FECHA + 1 :],
             *status, new_uuid(), *self._sync_tail)
        )  # fmt: skip
        self._lines.append(line)
        if len(self._rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        rows, lines = self._rows, self._lines
        self._rows, self._lines = [], []
        if not rows:
            return
        conn, sql = self._conn, self._sql
        if not self._suspended and self.inserted + len(rows) >= max(BATCH, self._first_id - 1):
            # As many new rows as the store holds (ids so far): the grid's deferrable indexes,
            # and the counts, are cheaper built once at the end (store/bulk_indexes.py), inside
            # this same transaction: no one sees the table without them.
            self._suspended = bool(bulk_indexes.suspend(conn))
        inserted = movs_sql.bulk_insert(conn, lambda: conn.exec_driver_sql(sql, rows).rowcount)
        if inserted == len(rows):
            self._line_of.extend(lines)
        else:
            self._sort_out(rows, lines)

    def _sort_out(self, rows: list[tuple[object, ...]], lines: list[int]) -> None:
        next_id = self._first_id + len(self._line_of)
        new = {key: row_id for row_id, key in movs_sql.new_ids(self._conn, next_id)}
        claimed: dict[tuple[object, ...], int] = {}
        for row, line in zip(rows, lines, strict=True):
            key = tuple(row[i] for i in _KEY)
            if key in new and key not in claimed:
                claimed[key] = new[key]
                self._line_of.append(line)
                continue
            found = claimed.get(key) or movs_sql.id_of(self._conn, key)
            assert found is not None  # the key refused the row: a row holds it
            if found < self._first_id:
                self._report.existentes += 1
            else:
                earlier = self._line_of[found - self._first_id]
                self._report.refuse(line, f"Repite el movimiento de la línea {earlier}.")

    def finish(self) -> None:
        """The indexes and counts a big import left out, built (before it commits)."""
        if self._suspended:
            bulk_indexes.restore(self._conn)
            self._suspended = False

    @property
    def inserted(self) -> int:
        return len(self._line_of)


_CHUNK = 2**20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BOM_AS_ANSI = codecs.BOM_UTF8.decode(ENCODING)  # «ï»¿»
_NOTA_BOM = (
    "El archivo empieza con la marca BOM de UTF-8, que un lote IDSE no lleva ("
    + GUARDAR_EN_ANSI.removesuffix(".")
    + "); se leyó sin ella."
)
_NOTA_UTF8 = (
    "El archivo está guardado en UTF-8; " + GUARDAR_EN_ANSI + " Se leyó como UTF-8, así que "
    "la «Ñ» y los acentos quedaron bien."
)
_NOTA_UTF16 = (
    "El archivo está guardado en Unicode (UTF-16); " + GUARDAR_EN_ANSI + " Se leyó como Unicode."
)


def _head_encoding(head: bytes) -> str:
    """The encoding the first bytes say, to find whether the file is a lote at all."""
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head)  # not final: the head may end inside a character
    except UnicodeDecodeError:
        return ENCODING
    return "utf-8-sig"


def _lote_encoding(path: Path, head: bytes) -> tuple[str, str]:
    """How to read a lote file, and the note to give when it is not plain ANSI. A lote is ANSI
    (Windows-1252); one saved with a BOM, in UTF-8 (the whole file valid UTF-8, which ANSI text
    with a «Ñ» or an accent never is) or in UTF-16 with its BOM says so unambiguously, and is
    read as saved. One pass over the bytes in 1 MB chunks; ASCII chunks are not decoded."""
    if head.startswith(_UTF16_BOMS):
        return "utf-16", _NOTA_UTF16
    bom = head.startswith(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    non_ascii = False
    try:
        with path.open("rb") as f:
            f.seek(len(codecs.BOM_UTF8) if bom else 0)
            while chunk := f.read(_CHUNK):
                if non_ascii or not chunk.isascii():
                    non_ascii = True
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        non_ascii = False  # ANSI text
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{path.name}»: {motivo_os(exc)}."
        ) from exc
    if non_ascii:
        return "utf-8-sig", _NOTA_UTF8
    return ENCODING, _NOTA_BOM if bom else ""  # a BOM is dropped as the lines are read


def _lote_lines(path: Path, encoding: str = ENCODING) -> Iterator[tuple[int, str]]:
    """The file's lines, read as they come (memory does not grow with the file). Universal
    newlines: \r\n, \n and a bare \r all end a line, as str.splitlines() did."""
    number = 0
    try:
        with path.open(encoding=encoding, errors="replace", newline=None) as lines:
            for number, line in enumerate(lines, start=1):
                line = line.rstrip("\n")
                if number == 1:
                    line = line.removeprefix(_BOM_AS_ANSI)
                if line.strip():
                    yield number, line
    except OSError as exc:
        raise unreadable_after(path.name, number, exc) from exc


class MovimientosImporter:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        movimientos: MovimientosService,
        permisos: Permisos,
        marcar: Marcar = sin_marca,
    ) -> None:
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self._movimientos = movimientos
        self._marcar = marcar

    def import_file(
        self,
        path: Path,
        actor: str,
        progress: Progress | None = None,
        guia: lectura.Guia | None = None,
        cancelado: Cancelado | None = None,
    ) -> ImportReport:
        """All or nothing, in one transaction: rows are inserted as lines are read (memory stays
        flat), and rolled back if any line is refused. ``guia``: a table's header row and
        columns as the clerk said them (services/archivos/mapeos.py). ``cancelado()`` true
        (Cancelar): OperacionCancelada, nothing saved. While it runs a mark names it
        (services/en_curso.py): a run cut short is told at the next start."""
        self._permisos.exigir(actor, Accion.IMPORTAR_MOVIMIENTOS, Path(path).name)
        que = f"La importación de movimientos de «{Path(path).name}»"
        with self._marcar(que):
            return self._import(path, actor, progress, guia, cancelado, que)

    def _import(
        self,
        path: Path,
        actor: str,
        progress: Progress | None,
        guia: lectura.Guia | None,
        cancelado: Cancelado | None,
        que: str = "",
    ) -> ImportReport:
        size = check_file(path)
        head = _head(path)
        report = ImportReport(path.name, "")
        try:
            # The write lock from the start: the rows get consecutive ids from the first one
            # read here, and a read followed by a write in one transaction would be refused,
            # not waited for, if another window wrote in between (SQLite's WAL snapshot).
            with self._store.session(immediate=True) as session:
                conn = session.connection()
                with large_page_cache(conn):
                    writer = _Writer(conn, report)
                    # Cancelar, or the session's grant withdrawn, stops it there.
                    avance = cancelable(progress, cancelado, que)
                    self._read(path, size, head, report, writer, avance, guia)
                    writer.flush()
                if report.leidas == 0:
                    raise ValidationError(
                        "archivo_sin_movimientos", f"«{path.name}» no contiene movimientos."
                    )
                if report.rechazadas:
                    raise _Refused  # (rolled back: the indexes too)
                avance(size, size)  # Cancelar, or a withdrawal, at the very end: still none
                writer.finish()
                report.importados = writer.inserted
                if writer.inserted:  # through the driver: told to another program's windows
                    cambiados.anotar(session, {MOVIMIENTOS, LOTES})
                self._audit.record(
                    session,
                    actor,
                    "movimientos_importados",
                    report.archivo,
                    f"{report.formato}: {report.importados} nuevos, {report.existentes} ya existían",
                )
        except _Refused:
            report.rechazadas.sort(key=lambda r: r.linea)
            report.existentes = 0
            return report
        self._store.cambios.anunciar({MOVIMIENTOS, LOTES})  # new pendientes for Lotes too
        if progress:  # saved: a Cancelar pressed now changes nothing
            progress(size, size)
        return report

    def _read(
        self,
        path: Path,
        size: int,
        head: bytes,
        report: ImportReport,
        writer: _Writer,
        progress: Progress | None,
        guia: lectura.Guia | None = None,
    ) -> None:
        today = self._movimientos.today()
        known = self._known_registros()

        def accept(number: int, build: Callable[[], _Leida]) -> None:
            report.leidas += 1
            try:
                mov, status, errors = build()
            except ValidationError as exc:
                mov, status, errors = None, (), [exc]
            if mov is not None and mov.registro_patronal not in known:
                errors.append(
                    ValidationError(
                        "registro_desconocido",
                        f"El registro patronal {mov.registro_patronal} no está dado de alta en "
                        "Configuración › Registros patronales.",
                    )
                )
            if errors:
                for error in errors:
                    report.refuse(number, error.message)
            else:
                writer.add(number, [getattr(mov, name) for name in _DOMAIN_FIELDS], status)

        def from_line(line: str) -> _Leida:
            mov, errors = validate_all(parse_line(line), today)
            return mov, _NO_STATUS, errors

        if es_libro(head) or path.suffix.lower() in ZIP_SUFFIXES:
            report.formato = "Excel"
            self._read_table(path, report, writer, accept, today, known, size, progress, guia)
            return
        if not _es_lote(head):
            decode_text(head, path.name)  # a binary file is refused by name
            report.formato = "CSV"
            self._read_table(path, report, writer, accept, today, known, size, progress, guia)
            return
        report.formato = "Lote IDSE"
        encoding, nota = _lote_encoding(path, head)
        if nota:
            report.notas.append(nota)
        done = 0
        fast_line = LoteChecker(today, known)
        for number, line in _lote_lines(path, encoding):
            fast = fast_line(line)
            if fast is not None:
                report.leidas += 1
                writer.add(number, fast, _NO_STATUS)
            else:
                accept(number, partial(from_line, line))
            done += len(line) + 2
            if progress and report.leidas % 10_000 == 0:
                progress(min(done, size), size)

    @staticmethod
    def _read_table(
        path: Path,
        report: ImportReport,
        writer: _Writer,
        accept: _Aceptar,
        today: date,
        known: set[str],
        size: int,
        progress: Progress | None,
        guia: lectura.Guia | None,
    ) -> None:
        """A CSV or .xlsx with the grid's columns (any order, titles above, totals below).
        A row valid as written goes straight to the writer; any other takes the full checks,
        which word its problems."""
        leida = lectura.leer(path, ESQUEMA, guia=guia)
        leida.exigir_columnas()
        fast_row = FilaRapida(today, known, leida.posicion)
        for count, (number, cells) in enumerate(leida.filas(), start=1):
            fast = fast_row(cells)
            if fast is not None:
                report.leidas += 1
                writer.add(number, *fast)
            else:
                accept(number, partial(_from_cells, leida.por_campo(cells), today))
            if progress and count % 1_000 == 0:
                progress(min(count * 100, size), size)  # rows seen; the size is an estimate
        report.notas.extend(leida.notas())

    def _known_registros(self) -> set[str]:
        with self._store.session() as session:
            return set(
                session.scalars(
                    select(RegistroPatronal.registro).where(RegistroPatronal.deleted.is_(False))
                )
            )


def _es_lote(head: bytes) -> bool:
    text = head.decode(_head_encoding(head), errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return looks_like_lote(first.removeprefix(_BOM_AS_ANSI))


def es_tabla(path: Path) -> bool:
    """Whether the import reads ``path`` as a table by its columns (a CSV or an .xlsx), not as
    a lote IDSE of fixed-width lines."""
    head = _head(path)
    if es_libro(head) or path.suffix.lower() in ZIP_SUFFIXES:
        return True
    return not _es_lote(head)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{path.name}»: {motivo_os(exc)}."
        ) from exc


# Registered with the intake once ``es_tabla`` exists: a lote IDSE is not read by columns.
IMPORTACION = registrar("movimientos", Accion.IMPORTAR_MOVIMIENTOS, ESQUEMA, es_tabla)
