"""The drift check counts what the store keeps: a synced row removed without the app (its
sync state clean) stops counting, and a row whose content changes under the same version is
set to version 0, which no server row has (``store/sumas.py``): the next sync finds either and
receives the server's row again.

Revision ID: 0027_deriva_contenido
Revises: 0026_contratante_extranjero
Create Date: 2026-11-25
"""

from alembic import op

from icsoe_desktop.store import plain, sumas
from icsoe_desktop.store.migrations.disparadores_0022 import sums as earlier_sums

revision = "0027_deriva_contenido"
down_revision = "0026_contratante_extranjero"
branch_labels = None
depends_on = None

# The synced tables at this revision (domain/sync_registry.py): name, append-only, which rows
# travel, the columns of their content (the sent ones; the uuid, the version and
# updated_at aside: the ORM stamps updated_at on any change, a local column's too). A table or
# column synced later writes the bookkeeping again in its own migration.
TABLES: tuple[sumas.SyncedTableSums, ...] = (
    (
        "idse_users",
        False,
        None,
        (
            "usuario",
            "nombre",
            "primer_apellido",
            "segundo_apellido",
            "habilitado",
            "aviso_aceptado_at",
            "created_at",
            "deleted",
        ),
    ),
    (
        "registros_patronales",
        False,
        None,
        (
            "registro",
            "rfc",
            "razon_social",
            "created_at",
            "deleted",
        ),
    ),
    (
        "certificados_imss",
        False,
        None,
        (
            "registro_patronal_id",
            "tipo",
            "usuario",
            "rfc",
            "nombre",
            "no_certificado",
            "emisor",
            "valido_desde",
            "valido_hasta",
            "certificado_der",
            "created_at",
            "deleted",
        ),
    ),
    (
        "lotes",
        False,
        None,
        (
            "numero",
            "registro_patronal",
            "generado_at",
            "archivo",
            "generado_por",
            "created_at",
            "deleted",
        ),
    ),
    (
        "movimientos",
        False,
        None,
        (
            "registro_patronal",
            "nombre",
            "primer_apellido",
            "segundo_apellido",
            "nss",
            "sbc",
            "fecha",
            "curp",
            "tipo_trabajador",
            "salario",
            "estado",
            "fecha_emision",
            "fecha_recibido",
            "fecha_aprobacion",
            "fecha_rechazo",
            "causa_rechazo",
            "tipo",
            "tipo_salario",
            "jornada",
            "umf",
            "causa_baja",
            "clave_trabajador",
            "guia",
            "lote_id",
            "created_at",
            "deleted",
        ),
    ),
    (
        "lote_movimientos",
        False,
        None,
        (
            "lote_id",
            "movimiento_id",
            "resultado",
            "causa_rechazo",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_contratistas",
        False,
        None,
        (
            "rfc",
            "nombre",
            "persona",
            "no_certificado",
            "terminos_aceptados_at",
            "correo",
            "celular",
            "telefono_fijo",
            "domicilio_igual_fiscal",
            "codigo_postal",
            "colonia",
            "calle",
            "numero_exterior",
            "numero_interior",
            "municipio",
            "entidad",
            "datos_generales_at",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_capturistas",
        False,
        None,
        (
            "curp",
            "nombre",
            "primer_apellido",
            "segundo_apellido",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_capturista_relaciones",
        False,
        None,
        (
            "contratista_id",
            "capturista_id",
            "rol",
            "telefono",
            "correo",
            "estatus",
            "usuario_alta",
            "fecha_alta",
            "fecha_baja",
            "fecha_actualizacion",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_contratantes",
        False,
        None,
        (
            "contratista_id",
            "rfc",
            "nombre",
            "correo",
            "telefono_fijo",
            "telefono_movil",
            "calle",
            "numero_exterior",
            "numero_interior",
            "colonia",
            "codigo_postal",
            "municipio",
            "entidad",
            "extranjero_sin_ep",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_informativas",
        False,
        None,
        (
            "contratista_id",
            "periodo",
            "tipo",
            "estado",
            "complementa",
            "capturada_por",
            "firmada_at",
            "no_certificado",
            "cadena",
            "sello",
            "certificado_der",
            "acuse_pdf",
            "congelada",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_contratos",
        False,
        None,
        (
            "informativa_id",
            "contratante_id",
            "objeto",
            "folio_repse",
            "descripcion_servicio",
            "fecha_inicial",
            "fecha_final",
            "trabajadores_declarados",
            "created_at",
            "deleted",
        ),
    ),
    (
        "icsoe_contrato_trabajadores",
        False,
        None,
        (
            "contrato_id",
            "nss",
            "curp",
            "sbc",
            "nombre",
            "created_at",
            "deleted",
        ),
    ),
    (
        "audit_log",
        True,
        None,
        (),
    ),
    (
        "sync_conflicts",
        False,
        "{row}.kind = 'cambio'",
        (
            "deleted",
            "table_name",
            "row_uuid",
            "kind",
            "detected_at",
            "loser",
            "resolved_at",
            "resolution",
        ),
    ),
)


def _replace(statements: list[str]) -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _replace(sumas.bookkeeping(TABLES))


def downgrade() -> None:
    _replace(earlier_sums((name, append_only, sent) for name, append_only, sent, _c in TABLES))
