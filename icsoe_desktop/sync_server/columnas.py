"""The columns each synced table sends at the app's newest schema (its store's Alembic head),
as the sync server knows them: the server ships with the app but never imports its store.
Generated from store/sync_tables.py; tests/test_sync_server_esquemas.py checks it is current
and prints it anew after a migration (``python -m tests.test_sync_server_esquemas``).
"""

HEAD = "0037_acuse_corregido"

COLUMNAS: dict[str, frozenset[str]] = {
    "idse_users": frozenset(
        {
            "aviso_aceptado_at",
            "created_at",
            "habilitado",
            "nombre",
            "primer_apellido",
            "segundo_apellido",
            "usuario",
        }
    ),
    "registros_patronales": frozenset(
        {
            "created_at",
            "razon_social",
            "registro",
            "rfc",
        }
    ),
    "certificados_imss": frozenset(
        {
            "certificado_der",
            "created_at",
            "emisor",
            "no_certificado",
            "nombre",
            "registro_patronal_id",
            "rfc",
            "tipo",
            "usuario",
            "valido_desde",
            "valido_hasta",
        }
    ),
    "lotes": frozenset(
        {
            "archivo",
            "created_at",
            "generado_at",
            "generado_por",
            "numero",
            "registro_patronal",
        }
    ),
    "movimientos": frozenset(
        {
            "causa_baja",
            "causa_rechazo",
            "clave_trabajador",
            "created_at",
            "curp",
            "estado",
            "fecha",
            "fecha_aprobacion",
            "fecha_emision",
            "fecha_rechazo",
            "fecha_recibido",
            "guia",
            "jornada",
            "lote_id",
            "nombre",
            "nss",
            "primer_apellido",
            "registro_patronal",
            "salario",
            "sbc",
            "segundo_apellido",
            "tipo",
            "tipo_salario",
            "tipo_trabajador",
            "umf",
        }
    ),
    "lote_movimientos": frozenset(
        {
            "causa_rechazo",
            "created_at",
            "lote_id",
            "movimiento_id",
            "resultado",
        }
    ),
    "icsoe_contratistas": frozenset(
        {
            "calle",
            "celular",
            "codigo_postal",
            "colonia",
            "correo",
            "created_at",
            "datos_generales_at",
            "domicilio_igual_fiscal",
            "entidad",
            "municipio",
            "no_certificado",
            "nombre",
            "numero_exterior",
            "numero_interior",
            "persona",
            "rfc",
            "telefono_fijo",
            "terminos_aceptados_at",
        }
    ),
    "icsoe_capturistas": frozenset(
        {
            "created_at",
            "curp",
            "nombre",
            "primer_apellido",
            "segundo_apellido",
        }
    ),
    "icsoe_capturista_relaciones": frozenset(
        {
            "capturista_id",
            "contratista_id",
            "correo",
            "created_at",
            "estatus",
            "fecha_actualizacion",
            "fecha_alta",
            "fecha_baja",
            "rol",
            "telefono",
            "usuario_alta",
        }
    ),
    "icsoe_contratantes": frozenset(
        {
            "calle",
            "codigo_postal",
            "colonia",
            "contratista_id",
            "correo",
            "created_at",
            "entidad",
            "extranjero_sin_ep",
            "municipio",
            "nombre",
            "numero_exterior",
            "numero_interior",
            "rfc",
            "telefono_fijo",
            "telefono_movil",
        }
    ),
    "icsoe_informativas": frozenset(
        {
            "acuse_imss_corregido",
            "acuse_imss_declarado",
            "acuse_imss_pdf",
            "acuse_imss_sha256",
            "acuse_pdf",
            "cadena",
            "capturada_por",
            "certificado_der",
            "complementa",
            "congelada",
            "congelada_cabecera",
            "contratista_id",
            "created_at",
            "estado",
            "firmada_at",
            "folio_imss",
            "folios_imss",
            "no_certificado",
            "periodo",
            "presentada_at",
            "sello",
            "tipo",
        }
    ),
    "icsoe_contratos": frozenset(
        {
            "contratante_id",
            "created_at",
            "descripcion_servicio",
            "fecha_final",
            "fecha_inicial",
            "folio_repse",
            "informativa_id",
            "objeto",
            "trabajadores_declarados",
        }
    ),
    "icsoe_contrato_trabajadores": frozenset(
        {
            "contrato_id",
            "created_at",
            "curp",
            "nombre",
            "nss",
            "rechazo_corregido",
            "rechazo_portal",
            "sbc",
        }
    ),
    "audit_log": frozenset(
        {
            "action",
            "actor",
            "at",
            "detail",
            "target",
        }
    ),
    "sync_conflicts": frozenset(
        {
            "detected_at",
            "kind",
            "loser",
            "resolution",
            "resolved_at",
            "row_uuid",
            "table_name",
        }
    ),
}
