"""Códigos postales: SEPOMEX's catalogue, offline. A código postal gives its entidad, municipio,
ciudad and colonias.

The catalogue is reference data of the installation, not an empresa's: one SQLite file in the
data dir (``sepomex.sqlite3``), read with the standard library (no Alembic, no sync, no backup:
it is rebuilt from the official file at will). IT loads the file Correos de México publishes
(``sepomex cargar CPdescarga.txt``, services/catalogos/sepomex_archivo.py reads it); a load builds a new
file beside the catalogue and swaps it in with one ``os.replace``, so a failed or interrupted
load leaves the old catalogue as it was. Loading is an administrator's (or the command
line's) action: the installation's sync sends what is loaded here to the company's server, and
receives the company's from it (``exportar``, ``recibir``: services/catalogos/sepomex_paquete.py).

A catalogue may also ship with the app: ``resources/sepomex/CPdescarga.txt`` (or ``.zip``) is
loaded on first use when there is no catalogue or the shipped data is newer than the loaded.
The repository ships no such file: SEPOMEX's data cannot be obtained where the app is built,
and its notice forbids passing it on to third parties; IT puts it there for its own installer.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from icsoe_desktop.domain.archivo_retenido import reintentado
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import orden_espanol
from icsoe_desktop.services.catalogos import sepomex_paquete, sqlite_plano
from icsoe_desktop.services.catalogos.sepomex_archivo import ArchivoSepomex, fecha_de, leer
from icsoe_desktop.services.catalogos.sepomex_paquete import Version

if TYPE_CHECKING:
    import sqlite3


class _Permisos(Protocol):
    """The role matrix (services/acceso/permisos.py), named here by what is asked of it: the
    sync server uses this module without the desktop's services."""

    def exigir(self, actor: str | None, accion: Accion, objetivo: str = "") -> object: ...


log = logging.getLogger(__name__)

CATALOGO_FILE = "sepomex.sqlite3"
INCLUIDO_DIR = "sepomex"  # resources/sepomex/: the catalogue shipped with the app, if any
INCLUIDOS = ("CPdescarga.txt", "CPdescarga.zip")
_VERSION = 1  # PRAGMA user_version of a catalogue this code wrote
# SEPOMEX's monthly updates add and drop a few hundred colonias of ~150,000; a file with more
# than this share fewer than the catalogue loaded is taken for one cut short.
MERMA_MAXIMA = 0.03

Progress = Callable[[int, int], None]

# Clustered by (cp, orden): a CP's colonias are one B-tree descent, already in Spanish order.
_ESQUEMA = """
CREATE TABLE asentamientos (
    cp TEXT NOT NULL,
    orden INTEGER NOT NULL,
    colonia TEXT NOT NULL,
    tipo_asentamiento TEXT NOT NULL,
    municipio TEXT NOT NULL,
    entidad TEXT NOT NULL,
    ciudad TEXT NOT NULL,
    PRIMARY KEY (cp, orden)
) WITHOUT ROWID;
CREATE TABLE catalogo (clave TEXT PRIMARY KEY, valor TEXT NOT NULL) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class ResultadoCP:
    cp: str
    entidad: str  # as ENTIDADES_FEDERATIVAS (domain/contacto.py) spells it
    municipio: str
    ciudad: str  # "" where SEPOMEX names none (rural asentamientos)
    colonias: tuple[str, ...]  # Spanish order, no repeats

    def colonia(self, texto: str) -> str | None:
        """The catalogue's spelling of a colonia typed without its accents or case."""
        clave = orden_espanol(" ".join(texto.split()))
        return next((c for c in self.colonias if orden_espanol(c) == clave), None)


@dataclass(frozen=True)
class EstadoCatalogo:
    cargado: bool
    asentamientos: int = 0
    codigos_postales: int = 0
    entidades: int = 0  # a complete catalogue covers the 32
    cargado_el: datetime | None = None  # naive UTC
    origen: str = ""  # the file it was loaded from
    repetidos: int = 0  # rows of the file left out as exact repeats of another
    incluido: bool = False  # the file shipped with the app
    recibido: bool = False  # received from the company's sync server
    aviso: str = ""  # why the catalogue cannot be read, or the shipped one was refused


@dataclass(frozen=True)
class VersionLocal:
    """This installation's catalogue as its sync compares it with the server's."""

    version: Version
    cargado_aqui: bool  # loaded with ``cargar`` here (not shipped, not received): sent up
    codigos_postales: int


class CodigosPostalesService:
    """``incluidos``: the folder of the catalogue shipped with the app (the app's
    ``resources/sepomex``; tests give their own; None: nothing shipped). ``permisos``: the role
    matrix ``cargar`` asks (None: a catalogue of the sync server's, loaded by its own command
    line)."""

    def __init__(
        self,
        data_dir: Path,
        clock: Clock = utcnow,
        incluidos: Path | None = None,
        permisos: _Permisos | None = None,
    ) -> None:
        self.path = data_dir / CATALOGO_FILE
        self._clock = clock
        self._incluidos = incluidos
        self._permisos = permisos
        self._version: tuple[tuple[int, int, int], VersionLocal | None] | None = None
        self._lock = threading.Lock()
        self._revisado = False
        self._aviso = ""

    # --- reading -------------------------------------------------------------------------------

    def buscar(self, cp: str) -> ResultadoCP | None:
        """The CP's entidad, municipio, ciudad and colonias; None when the CP is not in the
        catalogue or there is no catalogue."""
        cp = (cp or "").strip()
        if len(cp) != 5 or not cp.isascii() or not cp.isdigit():
            return None
        self.preparar()
        try:
            with _Lectura(self.path) as con:
                if con is None:
                    return None
                filas = con.execute(
                    "SELECT colonia, municipio, entidad, ciudad FROM asentamientos "
                    "WHERE cp = ? ORDER BY orden",
                    (cp,),
                ).fetchall()
        except sqlite_plano.Error as exc:
            log.warning("Catálogo de códigos postales ilegible %s: %r", self.path, exc)
            return None
        if not filas:
            return None
        colonias: list[str] = []
        vistas: set[str] = set()
        for colonia, *_resto in filas:
            clave = orden_espanol(colonia)
            if colonia and clave not in vistas:  # rows are sorted: repeats are adjacent
                vistas.add(clave)
                colonias.append(colonia)
        municipio = Counter(f[1] for f in filas).most_common(1)[0][0]
        ciudades = Counter(f[3] for f in filas if f[3]).most_common(1)
        return ResultadoCP(
            cp, filas[0][2], municipio, ciudades[0][0] if ciudades else "", tuple(colonias)
        )

    def estado(self) -> EstadoCatalogo:
        self.preparar()
        try:
            with _Lectura(self.path) as con:
                if con is None:
                    return EstadoCatalogo(False, aviso=self._aviso)
                meta = dict(con.execute("SELECT clave, valor FROM catalogo").fetchall())
        except sqlite_plano.Error as exc:
            log.warning("Catálogo de códigos postales ilegible %s: %r", self.path, exc)
            return EstadoCatalogo(
                False,
                aviso=self._aviso
                or f"El catálogo de códigos postales ({self.path}) está dañado: cárgalo de nuevo.",
            )
        return EstadoCatalogo(
            True,
            asentamientos=int(meta.get("asentamientos", 0)),
            codigos_postales=int(meta.get("codigos_postales", 0)),
            entidades=int(meta.get("entidades", 0)),
            cargado_el=_fecha(meta.get("cargado_el")),
            origen=meta.get("origen", ""),
            repetidos=int(meta.get("repetidos", 0)),
            incluido=meta.get("incluido") == "1",
            recibido=meta.get("recibido") == "1",
            aviso=self._aviso,
        )

    def version(self) -> VersionLocal | None:
        """The catalogue's huella and load date (None without a readable one): one read of
        its few facts, none while the file is unchanged (every sync asks)."""
        try:
            info = self.path.stat()
        except OSError:
            return None
        firma = (info.st_mtime_ns, info.st_size, info.st_ino)
        if self._version is not None and self._version[0] == firma:
            return self._version[1]
        leida = self._leer_version()
        self._version = (firma, leida)
        return leida

    def _leer_version(self) -> VersionLocal | None:
        try:
            with _Lectura(self.path) as con:
                if con is None:
                    return None
                meta = dict(con.execute("SELECT clave, valor FROM catalogo").fetchall())
                huella = meta.get("huella") or sepomex_paquete.huella(con)
        except sqlite_plano.Error as exc:
            log.warning("Catálogo de códigos postales ilegible %s: %r", self.path, exc)
            return None
        fecha = _fecha(meta.get("cargado_el"))
        if fecha is None:
            return None
        cargado_aqui = meta.get("incluido") != "1" and meta.get("recibido") != "1"
        return VersionLocal(
            Version(huella, fecha), cargado_aqui, int(meta.get("codigos_postales", 0))
        )

    def exportar(self, destino: Path) -> VersionLocal | None:
        """The catalogue as it travels to the company's server (a zip of CPdescarga.txt);
        None, and nothing written, without a catalogue."""
        version = self.version()
        with _Lectura(self.path) as con:
            if version is None or con is None:
                return None
            sepomex_paquete.exportar(con, destino)
        return version

    def recibir(self, archivo: Path, version: Version) -> int:
        """Replace the catalogue with the company's, received from its server as ``archivo``
        (the zip ``exportar`` writes): read and checked as any file is, and taken only when
        what was built is the catalogue the server named. Returns its códigos postales."""
        leido = leer(archivo)
        self._escribir(
            replace(leido, nombre=sepomex_paquete.MIEMBRO),
            None,
            incluido=False,
            parcial=True,
            recibido=version,
        )
        return self.estado().codigos_postales

    # --- loading -------------------------------------------------------------------------------

    def cargar(
        self,
        path: Path,
        progreso: Progress | None = None,
        parcial: bool = False,
        actor: str | None = None,
    ) -> int:
        """Replace the catalogue with the official file at ``path`` (CPdescarga.txt or the .zip
        holding it). Returns the asentamientos loaded; a ValidationError (the old catalogue
        kept) when the file is not the whole official one, or, unless ``parcial``, when it has
        fewer entidades or clearly fewer colonias than the catalogue loaded (a file cut short).
        Only an administrator's: the next sync sends it to the company's server."""
        if self._permisos is not None:
            self._permisos.exigir(actor, Accion.CODIGOS_POSTALES, Path(path).name)
        return self._escribir(leer(Path(path)), progreso, incluido=False, parcial=parcial)

    def preparar(self) -> None:
        """Load the catalogue shipped with the app when it is newer than the one loaded (or
        there is none). Once per service; the app calls it in the background after the login."""
        if self._revisado:
            return
        with self._lock:
            if self._revisado:
                return
            try:
                self._cargar_incluido()
            finally:
                self._revisado = True

    def _archivo_incluido(self) -> Path | None:
        carpeta = self._incluidos
        if carpeta is None:
            return None
        archivos = [carpeta / nombre for nombre in INCLUIDOS if (carpeta / nombre).is_file()]
        if not archivos:
            return None
        return max(archivos, key=lambda p: fecha_de(p) or datetime.min)

    def _cargar_incluido(self) -> None:
        archivo = self._archivo_incluido()
        if archivo is None:
            return
        fecha = fecha_de(archivo)
        actual = self._fecha_datos()
        # Whole seconds: the date is stored so (a file's time has fractions).
        if actual is not None and fecha is not None and fecha.replace(microsecond=0) <= actual:
            return
        try:
            cargadas = self._escribir(leer(archivo), None, incluido=True, parcial=False)
        except DomainError as exc:
            log.error("Catálogo de códigos postales incluido %s rechazado: %s", archivo, exc)
            self._aviso = (
                f"No se pudo cargar el catálogo de códigos postales incluido con la aplicación "
                f"({archivo.name}): {exc.message}"
            )
            return
        log.info("Catálogo de códigos postales incluido cargado: %s (%d)", archivo, cargadas)

    def _fecha_datos(self) -> datetime | None:
        """The date of the data loaded; None without a readable catalogue."""
        try:
            with _Lectura(self.path) as con:
                if con is None:
                    return None
                fila = con.execute(
                    "SELECT valor FROM catalogo WHERE clave = 'fecha_datos'"
                ).fetchone()
        except sqlite_plano.Error:
            return None
        return _fecha(fila[0]) if fila else None

    def _escribir(
        self,
        archivo: ArchivoSepomex,
        progreso: Progress | None,
        incluido: bool,
        parcial: bool,
        recibido: Version | None = None,
    ) -> int:
        # Built beside the catalogue from the file streamed line by line; every line is read
        # and checked before the new file takes the catalogue's name.
        carpeta = self.path.parent
        try:
            carpeta.mkdir(parents=True, exist_ok=True)
            descriptor, nombre = tempfile.mkstemp(
                prefix=f"{CATALOGO_FILE}.", suffix=".cargando", dir=carpeta
            )
            os.close(descriptor)
        except OSError as exc:
            raise _no_guardado(carpeta, exc) from exc
        nuevo = Path(nombre)
        try:
            # A received catalogue keeps when IT loaded it: the date that orders two of them.
            cargado_el = recibido.fecha if recibido else self._clock().replace(microsecond=0)
            meta = {
                "cargado_el": cargado_el.isoformat(timespec="seconds"),
                "origen": archivo.nombre,
                "fecha_datos": (recibido.fecha if recibido else archivo.fecha).isoformat(
                    timespec="seconds"
                ),
                "incluido": "1" if incluido else "0",
                "recibido": "1" if recibido else "0",
            }
            cuenta = _construir(nuevo, archivo, meta)
            if recibido is not None and cuenta.huella != recibido.huella:
                raise ValidationError(
                    "sepomex_huella",
                    "El catálogo de códigos postales recibido del servidor no es el que el "
                    "servidor anunció (llegó incompleto o alterado); se pedirá de nuevo en la "
                    "siguiente sincronización. El catálogo anterior no cambió.",
                )
            if not parcial:
                self._no_menor(archivo.nombre, cuenta)
            if progreso:
                progreso(cuenta.asentamientos, cuenta.asentamientos)
            _reemplazar(nuevo, self.path)
        except (sqlite_plano.Error, OSError) as exc:
            raise _no_guardado(carpeta, exc) from exc
        finally:
            nuevo.unlink(missing_ok=True)
        return cuenta.asentamientos

    def _no_menor(self, nombre: str, cuenta: _Cuenta) -> None:
        """Refuse a file with fewer entidades, or more than MERMA_MAXIMA fewer colonias, than
        the catalogue loaded: cut short, it would silently replace the whole one."""
        try:
            with _Lectura(self.path) as con:
                if con is None:
                    return
                meta = dict(con.execute("SELECT clave, valor FROM catalogo").fetchall())
                actuales = {e for (e,) in con.execute("SELECT DISTINCT entidad FROM asentamientos")}
        except sqlite_plano.Error:
            return  # a damaged catalogue: anything replaces it
        sepomex_paquete.revisar_merma(
            nombre,
            int(meta.get("asentamientos", 0)),
            actuales,
            cuenta.asentamientos,
            cuenta.entidades,
            MERMA_MAXIMA,
        )


@dataclass(frozen=True)
class _Cuenta:
    asentamientos: int
    entidades: frozenset[str]
    huella: str


class _Lectura:
    """A read-only connection for one query, or None without a catalogue. Never kept open: on
    Windows an open file cannot be replaced, and a load may come from another process."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._con: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection | None:
        if not self._path.is_file():
            return None
        self._con = sqlite_plano.conectar(f"{self._path.as_uri()}?mode=ro", uri=True)
        return self._con

    def __exit__(self, *_exc: object) -> None:
        if self._con is not None:
            self._con.close()


def _construir(path: Path, archivo: ArchivoSepomex, meta: dict[str, str]) -> _Cuenta:
    """The catalogue's file at ``path``. The lines go to a staging table on disk (SQLite's
    temporary file, a 2 MB page cache) that drops repeated rows; the catalogue is then written
    from it in (cp, Spanish order): the memory stays flat however big the file."""
    con = sqlite_plano.conectar(path, isolation_level=None)  # public data: in clear
    try:
        # A new file nobody reads yet: no journal, no syncing until it is whole (fsync below).
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA temp_store=FILE")
        con.executescript(_ESQUEMA)
        con.execute(
            "CREATE TEMP TABLE leidas (cp TEXT, clave TEXT, colonia TEXT, tipo TEXT, "
            "municipio TEXT, entidad TEXT, ciudad TEXT, "
            "UNIQUE (cp, colonia, tipo, municipio, entidad, ciudad))"
        )
        con.execute("BEGIN")
        leidas = 0
        lote: list[tuple[str, ...]] = []
        for a in archivo.asentamientos():
            lote.append((a.cp, orden_espanol(a.colonia), *a[1:]))
            if len(lote) >= 20_000:
                con.executemany("INSERT OR IGNORE INTO leidas VALUES (?, ?, ?, ?, ?, ?, ?)", lote)
                leidas += len(lote)
                lote.clear()
        con.executemany("INSERT OR IGNORE INTO leidas VALUES (?, ?, ?, ?, ?, ?, ?)", lote)
        leidas += len(lote)
        con.execute(
            "INSERT INTO asentamientos SELECT cp, "
            "ROW_NUMBER() OVER (PARTITION BY cp ORDER BY clave, colonia, rowid) - 1, "
            "colonia, tipo, municipio, entidad, ciudad FROM leidas ORDER BY 1, 2"
        )
        total, cps = con.execute("SELECT COUNT(*), COUNT(DISTINCT cp) FROM leidas").fetchone()
        entidades = frozenset(e for (e,) in con.execute("SELECT DISTINCT entidad FROM leidas"))
        huella = sepomex_paquete.huella(con)
        meta = dict(
            meta,
            asentamientos=str(total),
            codigos_postales=str(cps),
            entidades=str(len(entidades)),
            repetidos=str(leidas - total),
            huella=huella,
        )
        con.executemany("INSERT INTO catalogo VALUES (?, ?)", meta.items())
        con.execute("DROP TABLE leidas")
        con.execute("COMMIT")
        con.execute(f"PRAGMA user_version = {_VERSION}")
    finally:
        con.close()
    with path.open("rb+") as file:
        os.fsync(file.fileno())  # whole on disk before it takes the catalogue's name
    return _Cuenta(total, entidades, huella)


def _reemplazar(nuevo: Path, destino: Path) -> None:
    # On Windows a reader of the old file (another window's one-query connection) blocks the
    # replace for an instant.
    reintentado(lambda: os.replace(nuevo, destino))


def _no_guardado(carpeta: Path, exc: BaseException) -> DomainError:
    razon = motivo_os(exc) if isinstance(exc, OSError) else str(exc)
    return DomainError(
        "sepomex_no_guardado",
        f"No se pudo guardar el catálogo de códigos postales en {carpeta}: {razon}. "
        "El catálogo anterior no cambió.",
    )


def _fecha(texto: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(texto) if texto else None
    except ValueError:
        return None


__all__ = [
    "CATALOGO_FILE",
    "CodigosPostalesService",
    "EstadoCatalogo",
    "ResultadoCP",
    "VersionLocal",
]
