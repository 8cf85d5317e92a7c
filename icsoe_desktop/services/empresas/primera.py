"""The upgrade of a one-company data dir: its ``icsoe.sqlite3`` becomes the installation's first
empresa and its users move into the catalog (raw SQL across both files, in one transaction).
Run by the start-up (``services/container.py`` ``open_services``) before an empresa is chosen;
a no-op once the catalog has an empresa."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.row_ids import new_uuid
from icsoe_desktop.paths import DATABASE_FILE
from icsoe_desktop.store import cifrado, plain, sumas
from icsoe_desktop.store.db import Store, StoreError
from icsoe_desktop.store.models import EmpresaCatalogo

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

# What moves from a one-company store into the catalog on upgrade: the users and their sign-in
# state. The old store keeps its copy (nothing is deleted); the catalog's is the one used.
_TABLAS_DE_USUARIOS = ("idse_users", "login_throttle")
_RESET_PURPOSE = "recuperar_contrasena_idse"  # accounts.RESET_PURPOSE (no import: no cycle)


def asegurar_primera(catalogo: Store, data_dir: Path, clock: Clock) -> None:
    """With an empty catalog: ``icsoe.sqlite3`` (as it is, or new) is registered as the first
    empresa, named by its Configuración inicial; its users are copied into the catalog with
    their passwords, administrators and locks, and every one of them is granted it. Runs in
    one transaction of the catalog: an interrupted upgrade simply runs again."""
    with catalogo.session() as session:
        if session.scalar(select(EmpresaCatalogo.id)) is not None:
            return
    legacy = data_dir / DATABASE_FILE
    if not legacy.exists():  # a new data dir: nothing to copy; its store opens next
        try:
            with catalogo.session() as session:
                now = clock()
                session.add(  # one company, as before: sólo consulta works (the guide's)
                    EmpresaCatalogo(
                        archivo=DATABASE_FILE, creada_at=now, abierta_at=now, solo_consulta=True
                    )
                )
        except StoreError as exc:  # another process registered it meanwhile
            if exc.code != "cambio_rechazado":
                raise
            log.info("La primera empresa ya estaba registrada")
        return
    Store(legacy).close()  # brings it to the head schema before its rows are copied
    now_text = plain.to_text(clock())  # as SQLAlchemy writes it
    conn = cifrado.conectar(catalogo.path, isolation_level=None)
    plain.register_functions(conn)  # the triggers of the rows written here
    sumas.register(conn)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        cifrado.adjuntar(conn, legacy, "anterior")
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("SELECT count(*) FROM empresas").fetchone()[0]:
            conn.execute("ROLLBACK")  # another process did it meanwhile
            return
        for table in _TABLAS_DE_USUARIOS:
            _copiar(conn, table, "")
        _copiar(conn, "one_time_tokens", f"WHERE purpose = '{_RESET_PURPOSE}'")
        datos = conn.execute("SELECT rfc, razon_social FROM anterior.empresa").fetchone()
        rfc, razon = datos if datos else ("", "")
        conn.execute(
            "INSERT INTO empresas (rfc, razon_social, archivo, creada_at, abierta_at, "
            "solo_consulta) VALUES (?, ?, ?, ?, ?, 1)",
            (rfc, razon, DATABASE_FILE, now_text, now_text),
        )
        conn.execute(
            "INSERT INTO empresa_accesos (usuario_id, empresa_id, concedido_at, concedido_por) "
            "SELECT id, last_insert_rowid(), ?, 'actualización' FROM idse_users "
            "WHERE deleted = 0",
            (now_text,),
        )
        users = conn.execute("SELECT count(*) FROM idse_users").fetchone()[0]
        conn.execute(
            "INSERT INTO audit_log (uuid, at, actor, action, target, detail) "
            "VALUES (?, ?, 'sin sesión', 'empresa_primera', ?, ?)",
            (new_uuid(), now_text, rfc or DATABASE_FILE, f"usuarios copiados: {users}"),
        )
        conn.execute("COMMIT")
        log.info("Catálogo de empresas creado: %s es la primera empresa", legacy)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def _copiar(conn: sqlite3.Connection, table: str, where: str) -> None:
    """Rows of ``anterior.table`` into the catalog's, by column name (same schema revision)."""
    columns = [row[1] for row in conn.execute(f'PRAGMA anterior.table_info("{table}")')]
    names = ", ".join(f'"{c}"' for c in columns)
    conn.execute(
        f'INSERT INTO main."{table}" ({names}) SELECT {names} FROM anterior."{table}" {where}'
    )
