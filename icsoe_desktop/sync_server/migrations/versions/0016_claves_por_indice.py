"""Indexes of the rows the server holds once by key (``sync_server/exclusivas.py`` ``SONDAS``):
the REPSE registration by contratista, the evidence documents by month, kind, client and file, the
SISUB reports by contratista and period, a contract's SISUB data and the SISUB's worker rows by
their whole key. A push of one looks for the row of the same key before storing it; without
them, that look-up read every row of the company's table (registrations, reports and documents
carry PDFs of megabytes, whose key a scan parses out of each; a report has thousands of worker
rows). PostgreSQL only: a single office's SQLite server holds few.

Revision ID: 0016_claves_por_indice
Revises: 0015_dias_inhabiles
Create Date: 2026-11-29
"""

from alembic import op

revision = "0016_claves_por_indice"
down_revision = "0015_dias_inhabiles"
branch_labels = None
depends_on = None

# Index name, table, the key's columns (the very expressions exclusivas.py probes by).
INDICES = (
    ("ix_rows_registro_repse", "repse_registros", ("contratista_id",)),
    (
        "ix_rows_evidencia_documento",
        "evidencia_documentos",
        ("mes", "tipo", "contratante", "sha256"),
    ),
    ("ix_rows_reporte_sisub", "sisub_reportes", ("contratista_id", "periodo")),
    ("ix_rows_contrato_sisub", "sisub_contratos", ("contrato_id",)),
    (
        "ix_rows_trabajador_sisub",
        "sisub_trabajadores",
        ("reporte_id", "contrato_id", "bimestre", "nss"),
    ),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, columns in INDICES:
        expressions = ", ".join(f"(data ->> '{column}')" for column in columns)
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON rows (empresa_id, {expressions}) "
            f"WHERE tabla = '{table}'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _columns in INDICES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
