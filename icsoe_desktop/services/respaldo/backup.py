"""Respaldar / Restaurar: a consistent copy of the store taken while the app runs (SQLite's online
backup API), and a checked restore that keeps the replaced store aside. The file to restore must
be this app's store, with exactly its schema (services/respaldo/esquema.py), of this empresa;
services/respaldo/restauracion.py puts it in place so that a crash never leaves no store.

A backup holds the database and the evidence archive beside it (services/respaldo/evidencias.py),
in one file; not the rest of the data folder: the data keys of the certificates and the SMTP and sync
passwords stay in the OS keyring, so a copied backup opens no secret on another machine. It is
encrypted with a key of its own derived from the recovery code (services/respaldo/llave.py), and
restored in this installation's key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import atomic_write
from icsoe_desktop.services import recuperacion_almacen
from icsoe_desktop.services.audit import AuditService, Cabeza, verificar_bitacora
from icsoe_desktop.services.evidencias.archivo import ruta_de
from icsoe_desktop.services.respaldo import bitacora as bitacora_respaldo
from icsoe_desktop.services.respaldo import cortado, evidencias, restauracion
from icsoe_desktop.services.respaldo import llave as llave_respaldo
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado, cifrar, plain
from icsoe_desktop.store.db import Store, upgrade_file
from icsoe_desktop.store.migrations import HEAD_REVISION

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
PAGES_PER_STEP = 256  # 1 MiB with 4 KiB pages: the progress bar moves, writers are not held up
MAX_RESTARTS = 3  # a busy writer restarts a stepped copy; after this, one step (one snapshot)
BACKUP_SUFFIX = ".icsoe-respaldo"
# The last entry of a backup taken from an altered store (its audit chain, a stored document):
# restore refuses it.
AUDIT_MARCA = "respaldo_de_base_alterada"


class BackupError(DomainError):
    """A backup that cannot be written, or a file that cannot be restored."""


class RespaldoPideCodigo(BackupError):
    """The backup was keyed from another recovery code than the one this keyring keeps: the
    code of the installation that made it is needed (``restore(..., codigo=…)``)."""


MSG_PIDE_CODIGO = (
    "El respaldo «{nombre}» está cifrado con el código de recuperación de la instalación donde "
    "se hizo (otro equipo, o este antes de cambiar la llave de sus bases de datos), que no es "
    "el de esta instalación. Escribe ese código de recuperación, el que imprimió su "
    "administrador. No se restauró nada."
)
MSG_CODIGO_INCORRECTO = (
    "El código de recuperación no abre el respaldo «{nombre}»: no es el de la instalación donde "
    "se hizo, o tiene un error de captura. Revisa el código impreso, grupo por grupo; las "
    "letras I, L y O se leen como 1, 1 y 0. No se restauró nada."
)
MSG_BITACORA_OTRA_LLAVE = (
    "El respaldo «{nombre}» es de otra instalación y su bitácora se encadenó con la llave de la "
    "bitácora de esa instalación, que este equipo no tiene: así no se puede comprobar que nadie "
    "la alteró ({problema}). Trae al Administrador de credenciales de este equipo la credencial "
    "«icsoe-desktop/bitacora» (usuario «llave») del equipo o usuario donde se hizo el respaldo "
    "y restáuralo otra vez (guía de administración, «La llave de la bitácora»). No se restauró "
    "nada."
)


MSG_EN_CLARO = (
    "El respaldo «{nombre}» no estaba cifrado: se hizo con una versión de icsoe-desktop "
    "anterior al cifrado de las bases de datos, y cualquiera que tenga ese archivo puede leer "
    "los datos de la empresa. Lo restaurado quedó cifrado en este equipo. Haz un respaldo nuevo "
    "(Archivo › Respaldar), que va cifrado, y borra ese archivo o guárdalo donde sólo lo lea "
    "quien deba."
)


@dataclass(frozen=True)
class Restaurado:
    """A backup restored: where the replaced store was kept, and what the clerk must hear
    (the backup was in clear; a constancia this PC cannot check for lack of an emisor)."""

    aparte: Path
    avisos: tuple[str, ...] = ()


class _Restarted(Exception):
    pass


def _now_stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def default_backup_name() -> str:
    return f"icsoe-respaldo-{_now_stamp()}{BACKUP_SUFFIX}"


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress) -> None:
    """Pages in steps (the bar moves); when other connections keep writing and each write
    restarts the copy, fall back to one step: one read snapshot, consistent under WAL."""
    restarts = 0
    last_remaining: list[int] = []

    def step(_status: int, remaining: int, total: int) -> None:
        nonlocal restarts
        if last_remaining and remaining > last_remaining[-1]:
            restarts += 1
            if restarts > MAX_RESTARTS:
                raise _Restarted
        last_remaining.append(remaining)
        progress(total - remaining, total)

    try:
        source.backup(target, pages=PAGES_PER_STEP, progress=step)
    except _Restarted:
        log.info("Respaldo reiniciado %s veces por escrituras; se copia en un paso", restarts)
        source.backup(target, pages=-1)
        pages = target.execute("PRAGMA page_count").fetchone()[0]
        progress(pages, pages)


class BackupService:
    def __init__(
        self, store: Store, audit: AuditService, secrets: SecretsService | None = None
    ) -> None:
        self._store = store
        self._audit = audit
        self._secrets = secrets or SecretsService()

    # --- Respaldar -----------------------------------------------------------------------------

    def backup(
        self, destination: Path, actor: str | None, progress: Progress | None = None
    ) -> Path:
        """Write a consistent copy of the store to ``destination`` (whole or not at all)."""
        return self._respaldar(destination, actor, progress, self._llave_nueva())

    def _llave_nueva(self) -> cifrado.Llave:
        """A new backup's own key (services/respaldo/llave.py)."""
        return llave_respaldo.nueva(self._secrets, self._store.path)

    def _respaldar(
        self, destination: Path, actor: str | None, progress: Progress | None, llave: cifrado.Llave
    ) -> Path:
        destination = Path(destination)
        if destination.resolve() == self._store.path.resolve():
            raise BackupError(
                "respaldo_sobre_base",
                "Elige otro archivo para el respaldo: ése es la base de datos en uso.",
            )
        if not destination.parent.is_dir():
            raise BackupError(
                "respaldo_sin_carpeta", f"No existe la carpeta «{destination.parent}»."
            )
        try:
            with atomic_write(destination) as partial:
                source = cifrado.conectar(self._store.path)
                try:
                    target = cifrado.conectar(partial, llave=llave)
                    try:
                        _copy(source, target, progress or (lambda _done, _total: None))
                        # One self-contained file: no -wal beside it when it is opened later.
                        target.execute("PRAGMA journal_mode=DELETE")
                    finally:
                        target.close()
                finally:
                    source.close()
                archivos = evidencias.al_respaldo(ruta_de(self._store.path), partial, llave)
                bitacora_respaldo.al_respaldo(partial, llave, self._store.path)
        except (cifrado.Error, OSError) as exc:
            log.exception("No se pudo escribir el respaldo %s", destination)
            raise BackupError(
                "respaldo_fallido",
                f"No se pudo escribir el respaldo en «{destination}». Revisa que haya espacio y "
                "permiso de escritura en esa carpeta.",
            ) from exc
        self._anotar(
            actor,
            "respaldo_creado",
            destination.name,
            f"toda la base de datos ({destination.stat().st_size:,} bytes) en "
            f"«{destination.resolve()}»"
            + (
                f"; con el archivo de evidencias ({plural(archivos, 'archivo')})"
                if archivos
                else ""
            ),
        )
        return destination

    def _anotar(self, actor: str | None, action: str, target: str, detail: str = "") -> None:
        """An entry in the store's audit (the catalog's while the store is read-only;
        BackupEmpresa: also while the backup's store was found altered)."""
        self._audit.anotar(actor, action, target, detail)

    # --- Restaurar -----------------------------------------------------------------------------

    def restore(self, source: Path, actor: str | None, codigo: str | None = None) -> Restaurado:
        """Check ``source`` (a SQLite file, whole and intact, of this app at a known schema
        revision with exactly its schema, of this empresa), migrate it when older, encrypt it
        when it is in clear, then put it in place of the store in one atomic step and reopen it
        (services/respaldo/restauracion.py). Returns where the replaced store was kept and
        what to tell the clerk. Nothing is replaced when the file is refused (audited).
        ``codigo``: the recovery code of the installation that made the backup, when it is not
        this one's (``RespaldoPideCodigo`` without it)."""
        source = Path(source)
        try:
            return self._restore(source, actor, codigo)
        except BackupError as exc:
            self._anotar(actor, "restauracion_rechazada", source.name, exc.code)
            raise

    def _restore(self, source: Path, actor: str | None, codigo: str | None) -> Restaurado:
        if not source.is_file():
            raise BackupError("respaldo_no_encontrado", f"No se encontró el archivo «{source}».")
        if cortado.por_tamano(source, llave_respaldo.es_portable(source)):
            raise _cortado(source)
        en_claro = cifrado.es_plano(source)
        db_path = self._store.path
        candidate = restauracion.candidate_of(db_path)
        aparte = candidate.with_name(candidate.name + ".evidencias")
        avisos: list[str] = []
        try:
            ajeno = self._al_candidato(source, candidate, codigo)
            revision = _check_candidate(candidate, source, en_claro)
            traida = bitacora_respaldo.apartar(candidate)
            _apartar_evidencias(candidate, aparte, source)
            # Before it is migrated: what the migrations would run on must be the app's own.
            _check_schema(candidate, revision, source)
            upgrade_file(candidate)  # an older schema is brought up to date here
            _prepare(candidate)
            _check_schema(candidate, HEAD_REVISION, source)
            # Another empresa's backup is named as such, before its chain (another one) is.
            self._check_empresa(_empresa_of(candidate), source)
            # A marked backup first: its mark is an entry the live chain holds otherwise (the
            # store audits the marking with the same entry number), which is no rewrite.
            _check_marca(candidate, source)
            # Each data folder links with its own audit key: a backup of another folder of the
            # same Windows user (which opens with the same code) carries another one too.
            cambio = _cambio_de_llave(traida, self._store.path)
            anterior = self._check_bitacora(candidate, source, ajeno, cambio)
            _check_firmadas(candidate, source)
            avisos += _check_documentos(candidate, source, self._store)
            if cambio is not None:
                bitacora_respaldo.continuar(candidate, actor, source.name, *cambio)
            _agregar_evidencias(candidate, aparte, ruta_de(db_path), source)
            if en_claro and _cifrar_candidato(candidate, source):
                avisos.insert(0, MSG_EN_CLARO.format(nombre=source.name))
            restauracion.pausa("candidato_listo")
            try:
                aside = restauracion.replace_store(
                    db_path, candidate, source.name, actor, self._store.close
                )
            except restauracion.SwapError as exc:
                self._store.reopen()  # the same file, as it was (read-only if it was)
                raise BackupError(
                    "restauracion_fallida",
                    "No se pudo reemplazar la base de datos (¿otra ventana o programa la tiene "
                    "abierta?). Cierra las demás ventanas de icsoe-desktop e intenta de nuevo; la "
                    "base de datos actual no cambió.",
                ) from exc
        finally:
            restauracion.remove_candidate(db_path)
            aparte.unlink(missing_ok=True)
        self._store.reopen(solo_lectura="")  # a checked file: writable
        self._restored(actor)
        with self._store.session() as session:
            self._audit.record(
                session,
                actor,
                "respaldo_restaurado",
                source.name,
                aside.name + anterior + ("; el respaldo estaba sin cifrar" if en_claro else ""),
            )
        restauracion.pausa("terminada")
        restauracion.finish(db_path)
        return Restaurado(aside, tuple(avisos))

    def _al_candidato(self, source: Path, candidate: Path, codigo: str | None) -> bool:
        """The backup copied as the candidate: a portable one decrypted with its code and
        encrypted again with this installation's key (in clear where it has none); another
        (plain, or in this installation's key) copied as it is. Whether it is another
        installation's (the code typed opened it, not the one this keyring keeps)."""
        if not llave_respaldo.es_portable(source):
            _copy_file(source, candidate)
            return False
        llave, ajeno = self._llave_del_respaldo(source, codigo)
        restauracion.remove_candidate(self._store.path)
        try:
            cifrar.exportar(
                source, candidate, cifrado.llave_instalacion(self._store.path), llave_origen=llave
            )
        except (cifrado.Error, OSError, cifrar.CifradoFallido) as exc:
            log.exception("No se pudo descifrar el respaldo %s", source)
            raise BackupError(
                "respaldo_danado",
                f"No se pudo descifrar el respaldo «{source.name}»: está dañado, o no hay espacio "
                "en el disco de la carpeta de datos. No se restauró nada.",
            ) from exc
        return ajeno

    def _llave_del_respaldo(self, source: Path, codigo: str | None) -> tuple[bytes, bool]:
        """The key of the portable backup ``source``: from the code this keyring keeps, or
        from ``codigo`` (then True: another installation's); refused (nothing done) without
        one that opens it."""
        guardado = recuperacion_almacen.codigo_guardado(
            self._secrets, cifrado.carpeta_de(self._store.path)
        )
        llave = llave_respaldo.derivada(source, guardado) if guardado else None
        if llave is not None and llave_respaldo.abre(source, llave):
            return llave, False
        _exigir_entero(source, llave)
        if codigo is None:
            raise RespaldoPideCodigo(
                "respaldo_pide_codigo", MSG_PIDE_CODIGO.format(nombre=source.name)
            )
        if recuperacion_almacen.normalizar(codigo) is None:
            raise BackupError(
                "codigo_mal_escrito",
                recuperacion_almacen.MSG_MAL_ESCRITO.format(
                    grupos=recuperacion_almacen.GRUPOS, largo=recuperacion_almacen.LARGO_GRUPO
                ),
            )
        llave = llave_respaldo.derivada(source, codigo)
        if llave is None or not llave_respaldo.abre(source, llave):
            _exigir_entero(source, llave)
            log.warning("Código de recuperación incorrecto para el respaldo %s", source)
            raise BackupError(
                "respaldo_codigo_incorrecto", MSG_CODIGO_INCORRECTO.format(nombre=source.name)
            )
        return llave, True

    def _restored(self, actor: str | None) -> None:
        """What else the restored store brings (BackupEmpresa: the users who may open it)."""

    def _cabezas_registradas(self) -> list[Cabeza]:
        """The last audit links the installation saw of this store (BackupEmpresa: the
        catalog's and the keyring's)."""
        return []

    def _check_bitacora(
        self,
        candidate: Path,
        source: Path,
        ajeno: bool,
        cambio: tuple[bytes, bytes] | None = None,
    ) -> str:
        """Refuse a backup whose audit chain breaks (an entry edited, removed or added by
        hand), naming where; or that holds an entry the installation recorded with another
        link (a chain rewritten, as --self-check says of a store). One that ends before the
        last link the installation saw is an older backup: restored, and said in the audit
        entry (the returned text). ``cambio``: another installation's backup, checked with
        the audit key it carries (first) alone; what this one recorded is of another chain."""
        if cambio is not None:
            integridad = verificar_bitacora(candidate, llave_bitacora=cambio[0])
            if integridad.problema:
                log.error("Respaldo %s con la bitácora alterada: %s", source, integridad.problema)
                raise _bitacora_alterada(source, integridad.problema)
            return ""
        integridad = verificar_bitacora(candidate)
        problema = integridad.problema
        frente = verificar_bitacora(candidate, self._cabezas_registradas())
        if not problema and not frente.integra and not frente.anterior:
            problema = (
                f"{frente.problema}, o es el respaldo de otro equipo, que encadena su bitácora "
                "en su propio orden"
            )
        if not problema:
            problema = self._frente_a_la_viva(candidate, integridad.cabeza)
        if ajeno and integridad.otra_llave:
            # Another installation's backup whose chain this audit key cannot check from its
            # first keyed link: linked with that installation's key, not shown as altered.
            log.error("Respaldo %s con la bitácora de otra llave: %s", source, problema)
            raise BackupError(
                "respaldo_bitacora_otra_llave",
                MSG_BITACORA_OTRA_LLAVE.format(nombre=source.name, problema=problema),
            )
        if problema:
            log.error("Respaldo %s con la bitácora alterada: %s", source, problema)
            raise _bitacora_alterada(source, problema)
        if frente.integra:
            return ""
        log.warning("Respaldo %s: %s", source, frente.problema)
        return f"; {frente.problema}"

    def _frente_a_la_viva(self, candidate: Path, ultima: Cabeza | None) -> str:
        """The backup's link at its last entry against the live chain's link at that entry:
        an older backup holds the same link there, a chain rewritten (even one that ends before
        the last link recorded) does not. Only a live chain found whole is the measure (a
        store opened read-only, its chain altered, is what a restore puts right), and only
        the same empresa's (one not configured yet takes another empresa's backup, and its
        history)."""
        if ultima is None or self._store.solo_lectura:
            return ""
        if _empresa_of(self._store.path).rfc != _empresa_of(candidate).rfc:
            return ""
        with closing(cifrado.conectar(f"file:{self._store.path}?mode=ro", uri=True)) as conn:
            try:
                fila = conn.execute(
                    "SELECT hash FROM audit_cadena WHERE audit_id = ?", (ultima.id,)
                ).fetchone()
            except cifrado.Error:  # a store of before the chain: nothing to compare
                return ""
        if fila is None or fila[0] == ultima.hash:
            return ""
        return (
            f"su última entrada, la {ultima.id}, no tiene el eslabón que tiene esa entrada en la "
            "bitácora de esta empresa (la bitácora del respaldo se reescribió, o es el respaldo "
            "de otro equipo, que encadena su bitácora en su propio orden)"
        )

    def open_empresa(self) -> DatosEmpresa:
        """The open empresa's RFC and razón social: its store's Configuración inicial."""
        return _empresa_of(self._store.path)

    def _check_empresa(self, found: DatosEmpresa, source: Path) -> None:
        """Refuse another empresa's backup. One never configured (no RFC) is accepted only
        by an empresa that has none either; an empresa not configured yet takes any."""
        own = self.open_empresa()
        if not own.rfc or found.rfc == own.rfc:
            return
        if not found.rfc:
            raise BackupError(
                "respaldo_sin_empresa",
                f"El respaldo «{source.name}» es de una empresa sin configurar (sin RFC), no de "
                f"{_label(own)}. No se restauró nada.",
            )
        raise BackupError(
            "respaldo_de_otra_empresa",
            f"El respaldo «{source.name}» es de la empresa RFC {_label(found)}, no de "
            f"{_label(own)}. No se restauró nada.",
        )


def _bitacora_alterada(source: Path, problema: str) -> BackupError:
    return BackupError(
        "respaldo_bitacora_alterada",
        f"El respaldo «{source.name}» no tiene la bitácora íntegra: {problema}. No se restauró "
        "nada.",
    )


def _cambio_de_llave(traida: bytes | None, store: Path) -> tuple[bytes, bytes] | None:
    """(the audit key another installation's backup carries, this installation's) when they
    differ: its chain is checked with the first, then goes on with the second. None: none
    carried (a backup of before), the same key (the same data folder), or this installation
    links with no key (no OS keyring)."""
    try:
        propia = plain.llave_bitacora(store)
    except DomainError:  # not in the keyring: the chain's check says so
        propia = None
    if traida is None or propia is None or traida == propia:
        return None
    return traida, propia


def _check_marca(candidate: Path, source: Path) -> None:
    """Refuse a backup taken from an altered store (``marcar``)."""
    conn = cifrado.conectar(f"file:{candidate}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT detail FROM audit_log WHERE action = ? ORDER BY id LIMIT 1", (AUDIT_MARCA,)
        ).fetchone()
    finally:
        conn.close()
    if row is not None:
        log.error("Respaldo %s marcado: %s", source, row[0])
        raise BackupError(
            "respaldo_de_base_alterada",
            f"El respaldo «{source.name}» se hizo de una base de datos alterada ({row[0]}): no "
            "se puede restaurar. No se restauró nada.",
        )


def _check_documentos(candidate: Path, source: Path, store: Store) -> list[str]:
    """Refuse a backup naming the first stored document (an IMSS acuse, a constancia de firma,
    a frozen copy) that is not what it is stored as, or a presentada's constancia its
    verification refuses (services/respaldo/documentos.py). A constancia whose only fault is
    an e.firma authority this PC does not trust is no alteration: the warnings naming the
    emisor to add."""
    from icsoe_desktop.services.respaldo.documentos import (
        Constancias,
        aviso_sin_emisor,
        constancias_del_respaldo,
        primer_documento_distinto,
    )

    conn = cifrado.conectar(f"file:{candidate}?mode=ro", uri=True)
    try:
        problema = primer_documento_distinto(conn)
        constancias = Constancias()
        if not problema and store.verificar_constancia is not None:
            constancias = constancias_del_respaldo(conn, store.verificar_constancia, store.path)
            problema = constancias.refutada
    finally:
        conn.close()
    if not problema:
        return aviso_sin_emisor(constancias.sin_emisor)
    raise BackupError(
        "respaldo_documento_alterado",
        f"El respaldo «{source.name}» tiene alterado un documento guardado: {problema}. No "
        "se restauró nada.",
    )


def marcar(
    backup: Path, actor: str | None, problema: str, llave: cifrado.Llave = cifrado.INSTALACION
) -> None:
    """Mark a backup taken from an altered store (its audit chain, a stored document): an entry
    of its own log (chained as any other), which every restore finds. ``llave``: the
    backup's."""
    from icsoe_desktop.domain.clock import utcnow
    from icsoe_desktop.services.audit import SYSTEM_ACTOR
    from icsoe_desktop.store import plain

    conn = cifrado.conectar(backup, llave=llave)
    try:
        plain.register_functions(conn)
        plain.add_audit(conn, utcnow(), actor or SYSTEM_ACTOR, AUDIT_MARCA, backup.name, problema)
        conn.commit()
    finally:
        conn.close()


def _check_firmadas(candidate: Path, source: Path) -> None:
    """Refuse a backup whose signed informativas no longer say what was signed
    (``problema_firmada``: sello, cadena, frozen copy and header copy all agree)."""
    from icsoe_desktop.domain.informativa.firmada import problema_firmada
    from icsoe_desktop.domain.informativa.modelo import FIRMADAS

    conn = cifrado.conectar(f"file:{candidate}?mode=ro", uri=True)
    try:
        firmadas = conn.execute(
            "SELECT c.rfc, i.periodo, i.cadena, i.sello, i.certificado_der, i.congelada, "
            "i.congelada_cabecera FROM icsoe_informativas i "
            "JOIN icsoe_contratistas c ON c.id = i.contratista_id "
            "WHERE i.estado IN (?, ?) AND i.deleted = 0",
            tuple(sorted(FIRMADAS)),
        )
        for rfc, periodo, *firmada in firmadas:
            problema = problema_firmada(*firmada)
            if problema:
                log.error(
                    "Respaldo %s: la informativa %s de %s, %s", source, periodo, rfc, problema
                )
                raise BackupError(
                    "respaldo_firmada_alterada",
                    f"El respaldo «{source.name}» tiene alterada la informativa firmada del "
                    f"periodo {periodo} de {rfc}: {problema}. No se restauró nada.",
                )
    finally:
        conn.close()


@dataclass(frozen=True)
class DatosEmpresa:
    rfc: str
    razon_social: str


def _label(empresa: DatosEmpresa) -> str:
    return f"{empresa.rfc} ({empresa.razon_social})" if empresa.razon_social else empresa.rfc


def _empresa_of(path: Path) -> DatosEmpresa:
    """The ``empresa`` row (Configuración inicial) of a store at head: empty when never set."""
    conn = cifrado.conectar(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT rfc, razon_social FROM empresa ORDER BY id LIMIT 1").fetchone()
    finally:
        conn.close()
    return (
        DatosEmpresa((row[0] or "").strip().upper(), row[1] or "") if row else DatosEmpresa("", "")
    )


def _prepare(candidate: Path) -> None:
    """What the app rebuilds or drops itself: the movimientos indexes a sync pull left out (as
    Store does at opening), and the grid's sort indexes an earlier version built otherwise
    (the next sort builds them again)."""
    from icsoe_desktop.services.respaldo.esquema import sort_indexes
    from icsoe_desktop.store import bulk_indexes
    from icsoe_desktop.store import movimientos as movs_sql
    from icsoe_desktop.store.db import make_engine

    engine = make_engine(candidate)
    try:
        with engine.begin() as conn:
            bulk_indexes.restore(conn)
            for name in movs_sql.drop_indexes_unlike(conn, sort_indexes()):
                log.info("Índice de orden %s de otra versión: se quita del respaldo", name)
    finally:
        engine.dispose()
    with cifrado.conectar(candidate) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")  # one file again
    raw.close()


def _check_schema(candidate: Path, revision: str, source: Path) -> None:
    """Refuse a file whose schema is not the app's at ``revision`` (respaldo_esquema.py)."""
    from icsoe_desktop.services.respaldo import esquema as respaldo_esquema

    conn = cifrado.conectar(f"file:{candidate}?mode=ro", uri=True)
    try:
        found = respaldo_esquema.read_schema(conn)
    finally:
        conn.close()
    differences = respaldo_esquema.compare(
        found, respaldo_esquema.reference(revision), any_sort_index=revision != HEAD_REVISION
    )
    if differences:
        log.error("Respaldo %s con otro esquema: %s", source, differences)
        raise BackupError(*respaldo_esquema.explain(differences, source.name))


def _apartar_evidencias(candidate: Path, aparte: Path, source: Path) -> None:
    """The backup's evidence archive set aside: the candidate is then the store alone."""
    with _sin_evidencias(
        "respaldo_evidencias_ilegibles",
        f"No se pudo leer el archivo de evidencias del respaldo «{source.name}» (¿hay espacio "
        "en el disco?). No se restauró nada.",
        source,
    ):
        evidencias.apartar(candidate, aparte)


def _agregar_evidencias(candidate: Path, aparte: Path, archivo: Path, source: Path) -> None:
    """The backup's evidence added to the archive in use (content-addressed: nothing there is
    replaced), before the store is: a failure leaves the store as it was; the candidate's
    counts of the receipts' XML then made from that archive."""
    with _sin_evidencias(
        "respaldo_evidencias_fallidas",
        f"No se pudo guardar el archivo de evidencias del respaldo «{source.name}» en "
        f"«{archivo}» (¿hay espacio y permiso de escritura?). No se restauró nada.",
        source,
    ):
        evidencias.agregar(aparte, archivo)
        evidencias.recontar(candidate, archivo)


@contextmanager
def _sin_evidencias(codigo: str, mensaje: str, source: Path) -> Iterator[None]:
    """A file error of the evidence archive's step as the restore's refusal ``codigo``."""
    try:
        yield
    except (cifrado.Error, OSError) as exc:
        log.exception("Respaldo %s: %s", source, codigo)
        raise BackupError(codigo, mensaje) from exc


def _copy_file(source: Path, target: Path) -> None:
    import shutil

    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise BackupError(
            "respaldo_ilegible", f"No se pudo leer el archivo «{source}»: {motivo_os(exc)}."
        ) from exc


def _cortado(source: Path) -> BackupError:
    log.error("Respaldo %s incompleto (cortado)", source)
    return BackupError("respaldo_cortado", cortado.mensaje(source))


def codigo_equivocado(source: Path, codigo: str) -> bool:
    """Whether ``codigo`` is not the code of the portable backup ``source``: its key neither
    opens it nor shows it cut short (a cut file is for the restore to say so, not a wrong
    code: ``respaldo_cortado``)."""
    llave = llave_respaldo.derivada(source, codigo)
    if llave is None:
        return True
    return not llave_respaldo.abre(source, llave) and not cortado.con_llave(source, llave)


def _exigir_entero(source: Path, llave: bytes | None) -> None:
    """A portable backup ``llave`` (a code's) does not open: refused as cut short when that
    key decrypts its first page and its end is missing (not as another installation's code)."""
    if llave is not None and cortado.con_llave(source, llave):
        raise _cortado(source)


def _cifrar_candidato(candidate: Path, source: Path) -> bool:
    """A backup in clear, checked, encrypted with the installation's key before it takes the
    store's place (store/cifrar.py); False where the installation has no key (no OS
    keyring: its stores are in clear too). Refused when it cannot be encrypted."""
    if cifrado.llave_instalacion() is None:
        return False
    try:
        if cifrar.cifrar(candidate):
            return True
    except (OSError, cifrado.Error, cifrar.CifradoFallido):
        log.exception("No se pudo cifrar el respaldo %s", source)
    raise BackupError(
        "respaldo_no_cifrado",
        f"El respaldo «{source.name}» no estaba cifrado y no se pudo cifrar para restaurarlo "
        "(¿hay espacio en el disco de la carpeta de datos?). No se restauró nada.",
    )


def _not_ours(source: Path) -> BackupError:
    return BackupError(
        "respaldo_ajeno",
        f"El archivo «{source.name}» no es un respaldo de icsoe-desktop. No se restauró nada.",
    )


def _check_candidate(candidate: Path, source: Path, en_claro: bool = False) -> str:
    """Refuse a file that is not SQLite, is cut short, is damaged, or is not an icsoe-desktop
    store; its schema's revision. ``en_claro``: the backup was plain (its size checked
    already)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from icsoe_desktop.store.db import known_revision
    from icsoe_desktop.store.migrations import MIGRATIONS_DIR

    try:
        conn = cifrado.conectar(f"file:{candidate}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA trusted_schema=OFF")  # its views and triggers run nothing here
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                log.error("Respaldo %s dañado: %s", source, problems)
                raise BackupError(
                    "respaldo_danado",
                    f"El respaldo «{source.name}» está dañado (falló la revisión de integridad). "
                    "No se restauró nada.",
                )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables or "outbox" not in tables:
                raise _not_ours(source)
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
        finally:
            conn.close()
    except cifrado.DatabaseError as exc:
        log.warning("El archivo %s no se pudo leer como SQLite: %r", source, exc)
        if not en_claro and cortado.con_llave(candidate, cifrado.INSTALACION):
            raise _cortado(source) from exc
        raise BackupError(
            "respaldo_danado",
            f"El archivo «{source.name}» no es una base de datos de icsoe-desktop o está dañado. "
            "No se restauró nada.",
        ) from exc
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if revision is None or not known_revision(ScriptDirectory.from_config(config), revision):
        raise BackupError(
            "respaldo_version_desconocida",
            f"El respaldo «{source.name}» es de una versión más reciente de icsoe-desktop o de "
            "otro programa: actualiza la aplicación para restaurarlo. No se restauró nada.",
        )
    return revision


__all__ = [
    "AUDIT_MARCA",
    "MSG_CODIGO_INCORRECTO",
    "MSG_EN_CLARO",
    "MSG_PIDE_CODIGO",
    "BackupError",
    "BackupService",
    "DatosEmpresa",
    "RespaldoPideCodigo",
    "Restaurado",
    "codigo_equivocado",
    "default_backup_name",
    "marcar",
]
