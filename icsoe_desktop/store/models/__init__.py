"""The tables of the local store, one module per area on one declarative base (``base.py``).

Import models from here (``from icsoe_desktop.store.models import IdseUser``): importing the
package registers every table on ``Base.metadata``, which the migrations and the tests read.
"""

from icsoe_desktop.store.models.accounts import IdseUser, LoginThrottle, OneTimeToken
from icsoe_desktop.store.models.audit import AuditEntry, AuditEslabon
from icsoe_desktop.store.models.base import Base, SyncedMixin, new_uuid
from icsoe_desktop.store.models.cambios import ClaseCambiada
from icsoe_desktop.store.models.empresas import AccesoEmpresa, EmpresaCatalogo
from icsoe_desktop.store.models.evidencias import (
    EvidenciaConteo,
    EvidenciaDocumento,
    EvidenciaEntrega,
    EvidenciaPaquete,
    NominaXml,
)
from icsoe_desktop.store.models.icsoe import (
    ACTIVA,
    BAJA,
    REGISTRADA,
    Capturista,
    CapturistaRelacion,
    Contratista,
)
from icsoe_desktop.store.models.informativa import (
    Contratante,
    ContratoRow,
    ContratoTrabajador,
    InformativaRow,
)
from icsoe_desktop.store.models.mail import OutboxMail
from icsoe_desktop.store.models.movimientos import (
    BY_MONTH,
    DATES,
    MONTH,
    SORT_COLUMNS,
    SORT_PREFIX,
    Lote,
    LoteMovimiento,
    MovimientoCambiado,
    MovimientoConteo,
    MovimientoRow,
    MovimientoTotal,
    has_key,
    key_value,
    keyed,
    month_index,
    month_number,
    prefix_code,
    sort_index,
    sort_index_columns,
    sort_index_ddl,
    sort_indexes,
    sort_key,
    sort_prefix,
)
from icsoe_desktop.store.models.nomina import (
    IncapacidadNomina,
    PercepcionNomina,
    ReciboNomina,
    SubcontratacionNomina,
    SustituidoNomina,
)
from icsoe_desktop.store.models.primer_uso import Empresa
from icsoe_desktop.store.models.registros import CertificadoImss, RegistroPatronal
from icsoe_desktop.store.models.repse import RegistroRepse, ServicioRepse
from icsoe_desktop.store.models.sisub import (
    SisubContrato,
    SisubGuia,
    SisubPdf,
    SisubReporte,
    SisubTrabajador,
)
from icsoe_desktop.store.models.sync import (
    SyncConflict,
    SyncPending,
    SyncRowState,
    SyncState,
    SyncSum,
    SyncUnsent,
)

__all__ = [
    "ACTIVA",
    "BAJA",
    "BY_MONTH",
    "DATES",
    "MONTH",
    "REGISTRADA",
    "SORT_COLUMNS",
    "SORT_PREFIX",
    "AccesoEmpresa",
    "AuditEntry",
    "AuditEslabon",
    "Base",
    "Capturista",
    "CapturistaRelacion",
    "CertificadoImss",
    "ClaseCambiada",
    "Contratante",
    "Contratista",
    "ContratoRow",
    "ContratoTrabajador",
    "Empresa",
    "EmpresaCatalogo",
    "EvidenciaConteo",
    "EvidenciaDocumento",
    "EvidenciaEntrega",
    "EvidenciaPaquete",
    "IdseUser",
    "IncapacidadNomina",
    "InformativaRow",
    "LoginThrottle",
    "Lote",
    "LoteMovimiento",
    "MovimientoCambiado",
    "MovimientoConteo",
    "MovimientoRow",
    "MovimientoTotal",
    "NominaXml",
    "OneTimeToken",
    "OutboxMail",
    "PercepcionNomina",
    "ReciboNomina",
    "RegistroPatronal",
    "RegistroRepse",
    "ServicioRepse",
    "SisubContrato",
    "SisubGuia",
    "SisubPdf",
    "SisubReporte",
    "SisubTrabajador",
    "SubcontratacionNomina",
    "SustituidoNomina",
    "SyncConflict",
    "SyncPending",
    "SyncRowState",
    "SyncState",
    "SyncSum",
    "SyncUnsent",
    "SyncedMixin",
    "has_key",
    "key_value",
    "keyed",
    "month_index",
    "month_number",
    "new_uuid",
    "prefix_code",
    "sort_index",
    "sort_index_columns",
    "sort_index_ddl",
    "sort_indexes",
    "sort_key",
    "sort_prefix",
]
