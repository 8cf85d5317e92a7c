"""The board of Evidencias del cliente's counts: ``evidencia_conteo`` (per client and month, the
receipts in force and how many have their XML here) and ``nomina_xml`` (the receipts whose XML
this desktop's evidence archive keeps, read from the archive beside the store when there is
one), kept by triggers from then on (store/evidencia_conteo.py). Local to each desktop.

Revision ID: 0048_evidencia_conteo
Revises: 0047_sisub_contratos_presentados
Create Date: 2026-11-28
"""

from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import cifrado, evidencia_conteo

revision = "0048_evidencia_conteo"
down_revision = "0047_sisub_contratos_presentados"
branch_labels = None
depends_on = None


def _archivo() -> Path | None:
    """The evidence archive beside this store (services/evidencias/archivo.py ``ruta_de``)."""
    filas = op.get_bind().exec_driver_sql("PRAGMA main.database_list").fetchall()
    ruta = next((f[2] for f in filas if f[1] == "main"), "")
    if not ruta:
        return None
    store = Path(ruta)
    archivo = store.parent / "evidencias" / f"{store.stem}.sqlite3"
    return archivo if archivo.is_file() else None


def _timbres(archivo: Path) -> list[str]:
    """The timbres whose XML the archive keeps (read through a connection of its own: the
    migration's transaction keeps to the store)."""
    with closing(cifrado.conectar(archivo)) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'recibos'").fetchone():
            return []
        return [t for (t,) in conn.execute("SELECT timbre FROM recibos")]


def upgrade() -> None:
    op.create_table(
        "evidencia_conteo",
        sa.Column("contratante", sa.String(length=13), nullable=False),
        sa.Column("mes", sa.String(length=7), nullable=False),
        sa.Column("recibos", sa.Integer(), nullable=False),
        sa.Column("con_xml", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("contratante", "mes"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "nomina_xml",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("uuid"),
        sqlite_with_rowid=False,
    )
    archivo = _archivo()
    if archivo is not None:
        timbres = _timbres(archivo)
        if timbres:
            op.get_bind().exec_driver_sql(
                "INSERT OR IGNORE INTO nomina_xml (uuid) VALUES (?)", [(t,) for t in timbres]
            )
    op.execute(evidencia_conteo.CONTAR)
    for disparador in evidencia_conteo.DISPARADORES:
        op.execute(disparador)


def downgrade() -> None:
    for disparador in evidencia_conteo.DISPARADORES:
        op.execute(f"DROP TRIGGER IF EXISTS {disparador.split()[2]}")
    op.drop_table("nomina_xml")
    op.drop_table("evidencia_conteo")
