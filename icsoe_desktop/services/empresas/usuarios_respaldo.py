"""The IDSE users who may work in an empresa, carried in its backup and back into the catalog
at a restore (they live in the installation's catalog, not in the empresa's store)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.row_ids import new_uuid
from icsoe_desktop.store import cifrado, plain, sumas

if TYPE_CHECKING:
    import sqlite3


def usuarios_al_respaldo(
    catalogo: Path, empresa_id: int, backup: Path, llave: cifrado.Llave = cifrado.INSTALACION
) -> None:
    """The backup's ``idse_users`` (``llave``: the backup's key) become the catalog's users who
    may open the empresa."""
    conn = cifrado.conectar(backup, isolation_level=None, llave=llave)
    plain.register_functions(conn)  # the triggers of the rows written here
    sumas.register(conn)
    try:
        cifrado.adjuntar(conn, catalogo, "catalogo")
        columns = _columns(conn, "idse_users", "main")
        conn.execute("BEGIN")
        conn.execute("DELETE FROM main.idse_users")
        conn.execute(
            f"INSERT INTO main.idse_users ({columns}) SELECT {columns} "
            "FROM catalogo.idse_users WHERE deleted = 0 AND (administrador = 1 "
            "OR (SELECT count(*) FROM catalogo.empresas) = 1 OR id IN (SELECT usuario_id "
            "FROM catalogo.empresa_accesos WHERE empresa_id = ?))",
            (empresa_id,),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def usuarios_del_respaldo(
    catalogo: Path, empresa_id: int, store_path: Path, actor: str | None, clock: Clock
) -> None:
    """Users of a restored store the catalog lacks are added with their password, never as
    administrators (a file brings no role), and granted this empresa only; users the catalog
    has keep their rights and grants, whatever the file says of them. Audited."""
    conn = cifrado.conectar(catalogo, isolation_level=None)
    plain.register_functions(conn)  # the triggers of the rows written here
    sumas.register(conn)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        cifrado.adjuntar(conn, store_path, "restaurada")
        names = _columns(conn, "idse_users", "restaurada", without=("id", "administrador"))
        conn.execute("BEGIN IMMEDIATE")
        nuevos = [
            row[0]
            for row in conn.execute(
                "SELECT usuario FROM restaurada.idse_users WHERE deleted = 0 AND usuario NOT "
                "IN (SELECT usuario FROM main.idse_users)"
            )
        ]
        added = conn.execute(
            f"INSERT OR IGNORE INTO main.idse_users ({names}, administrador) SELECT {names}, 0"
            " FROM restaurada.idse_users WHERE deleted = 0 AND usuario NOT IN "
            "(SELECT usuario FROM main.idse_users)"
        ).rowcount
        if added > 0:
            now = plain.to_text(clock())
            conn.executemany(
                "INSERT OR IGNORE INTO empresa_accesos (usuario_id, empresa_id, concedido_at,"
                " concedido_por) SELECT id, ?, ?, 'respaldo' FROM main.idse_users WHERE "
                "usuario = ?",
                [(empresa_id, now, usuario) for usuario in nuevos],
            )
            conn.execute(
                "INSERT INTO audit_log (uuid, at, actor, action, target, detail) "
                "VALUES (?, ?, ?, 'usuarios_restaurados', ?, ?)",
                (new_uuid(), now, actor or "sin sesión", str(empresa_id), str(added)),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _columns(
    conn: sqlite3.Connection, table: str, schema: str, without: tuple[str, ...] = ()
) -> str:
    names = [
        r[1] for r in conn.execute(f'PRAGMA {schema}.table_info("{table}")') if r[1] not in without
    ]
    return ", ".join(f'"{c}"' for c in names)
