"""The registry of synced tables: which tables travel to the sync server, in which order, and
which of their columns must NEVER leave a desktop (secrets and desktop-local references).

Plain data, no ORM: the desktop's store binds each name to its model (``store/sync_tables.py``)
and the sync server reads it to refuse unknown tables and secret fields. Adding a shared table
is one ``TableSpec`` here (parents before children: pulled rows are applied in this order so
foreign keys resolve) and its model; ``tests/store/test_sync_tables.py`` then checks it
generically. A table that is not synced must be listed in ``LOCAL_ONLY``.

A row's ``data`` on the wire: every column except the local integer ``id``, the envelope columns
(``ENVELOPE``) and ``never_sent``, each value by its column's codec (``domain/sync_wire.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icsoe_desktop.domain.informativa.modelo import COMPLEMENTARIAS, NORMAL, SIN_INFORMACION
from icsoe_desktop.domain.sisub.modelo import COMPLEMENTARIO, DATOS_CONTINUOS, SIN_ACTIVIDAD

ENVELOPE = ("uuid", "version", "updated_at", "deleted")


@dataclass(frozen=True)
class TableSpec:
    name: str
    # Columns that never leave the desktop. A row created from the server gets ``local_defaults``
    # for them (e.g. an unusable password hash): the value must say "not on this desktop".
    never_sent: frozenset[str] = frozenset()
    local_defaults: dict[str, Any] = field(default_factory=dict)
    # Append-only tables (audit log): rows are only ever inserted, on both sides.
    append_only: bool = False
    # What a person reads of a row in «Conflictos de sincronización»: the table's title, and
    # the column that names a row (none: its UUID).
    titulo: str = ""
    etiqueta: str = ""
    # The natural keys its unique indexes do not hold (sets of sent columns; a foreign key by
    # its parent): a row a desktop made before its first sync is the server's row of the same
    # key (``services/sync/adopt.py``). Lotes, contracts and workers are not unique by them
    # locally, but one desktop's capture again is the same lote, contract or worker.
    claves: tuple[tuple[str, ...], ...] = ()
    # Columns that only say when something was done (alta, acceptance, edición): each desktop
    # stamps its own, so they never make two rows of one key different.
    cuando: frozenset[str] = frozenset()
    # Sync never makes a second row of one of its ``claves`` (a second Normal of a period): a
    # desktop about to send a new one first receives what came since, and one of the same key
    # made elsewhere is adopted (``services/sync/intercambio.py`` ``join``).
    exclusiva: bool = False
    # The server holds its first ``claves`` once too, but a desktop sends its rows without
    # receiving first (a contract's workers: many, and under a parent that is itself
    # exclusive): one refused is adopted by the same sync's pull.
    unica: bool = False
    # The rows that hold no key: their column ``sin_clave[0]`` holds one of ``sin_clave[1]``
    # (complementarias: a period may have several correcting the same informativa).
    sin_clave: tuple[str, frozenset[str]] = ("", frozenset())
    # Sent columns holding the uuid of another row of the same table (a plain value, not a
    # foreign key: a complementaria names the informativa it corrects).
    referencias: frozenset[str] = frozenset()
    # Per column of its ``claves``: sets of values that hold one key together (a Normal and a
    # Sin información of one period are one declaración: the IMSS takes one of them).
    iguales: tuple[tuple[str, frozenset[str]], ...] = ()

    @property
    def identidad(self) -> tuple[str, ...]:
        """The key the server holds once (``exclusiva`` or ``unica``: its first ``claves``);
        empty: none, the server keeps every row it is sent."""
        return self.claves[0] if self.claves and (self.exclusiva or self.unica) else ()

    def en_clave(self, name: str, value: Any) -> Any:
        """``value`` of the column ``name`` as a key compares it (one of ``iguales``: the
        first of its set, in order)."""
        for column, grupo in self.iguales:
            if column == name and value in grupo:
                return min(grupo)
        return value


SYNCED: tuple[TableSpec, ...] = (
    # Never the password hash: a user created on another desktop arrives without a usable
    # password here and uses «¿Olvidó su contraseña?» (or an admin) on this desktop.
    # Nor the administrator flag: who may reset passwords is decided on each desktop.
    TableSpec(
        "idse_users",
        frozenset({"password_hash", "administrador"}),
        {"password_hash": "", "administrador": False},
        titulo="Usuario IDSE",
        etiqueta="usuario",
        claves=(("usuario",),),
        cuando=frozenset({"aviso_aceptado_at"}),
        exclusiva=True,
    ),
    # One per registro (its unique index here; on the server too: two desktops may each enter
    # it offline), and one certificate per registro.
    TableSpec(
        "registros_patronales",
        titulo="Registro patronal",
        etiqueta="registro",
        claves=(("registro",),),
        exclusiva=True,
    ),
    # Never the sealed key nor its keyring reference: on another desktop the certificate shows as
    # assigned but without its key, and asks for the .key/.pfx again there.
    TableSpec(
        "certificados_imss",
        frozenset({"secreto_sellado", "keyring_ref"}),
        {"secreto_sellado": b"", "keyring_ref": ""},
        titulo="Certificado IMSS",
        etiqueta="no_certificado",
        claves=(("registro_patronal_id",),),
        exclusiva=True,
    ),
    TableSpec(
        "lotes",
        titulo="Lote IDSE",
        etiqueta="archivo",
        claves=(("registro_patronal", "numero"),),
        cuando=frozenset({"generado_at"}),
    ),
    # The day its lote was generated: each desktop generates its own lote.
    TableSpec(
        "movimientos",
        titulo="Movimiento afiliatorio",
        etiqueta="nss",
        cuando=frozenset({"fecha_emision"}),
    ),
    TableSpec("lote_movimientos", titulo="Movimiento de un lote"),
    # The STPS acuse PDF stays in this desktop's data dir: its file name is not sent, so another
    # desktop shows no acuse rather than one it cannot open. One contratista per RFC (its unique
    # index here; on the server too: two desktops each entering it before their first sync).
    TableSpec(
        "icsoe_contratistas",
        frozenset({"acuse_archivo", "acuse_nombre"}),
        {"acuse_archivo": "", "acuse_nombre": ""},
        titulo="Contratista",
        etiqueta="rfc",
        claves=(("rfc",),),
        cuando=frozenset({"terminos_aceptados_at", "datos_generales_at"}),
        exclusiva=True,
    ),
    # Never the password hash (nor when it was set): on another desktop the capturista uses
    # «¿Olvidaste tu contraseña?». One per CURP, and one relation per contratista and
    # capturista (their unique indexes here; on the server too).
    TableSpec(
        "icsoe_capturistas",
        frozenset({"password_hash", "password_at"}),
        {"password_hash": None, "password_at": None},
        titulo="Capturista",
        etiqueta="curp",
        claves=(("curp",),),
        exclusiva=True,
    ),
    TableSpec(
        "icsoe_capturista_relaciones",
        titulo="Capturista de un contratista",
        claves=(("contratista_id", "capturista_id"),),
        cuando=frozenset({"fecha_alta", "fecha_baja", "fecha_actualizacion"}),
        unica=True,
    ),
    # The informativa: contratantes, informativas (a signed one with its acuse), contracts and
    # their workers, parents first.
    # One contratante per RFC of a contratista (its unique index here; on the server too:
    # two desktops capturing one informativa each make its contratante).
    TableSpec(
        "icsoe_contratantes",
        titulo="Contratante",
        etiqueta="rfc",
        claves=(("contratista_id", "rfc"),),
        exclusiva=True,
    ),
    TableSpec(
        "icsoe_informativas",
        titulo="Informativa",
        etiqueta="periodo",
        claves=(("contratista_id", "periodo", "tipo", "complementa"),),
        exclusiva=True,
        iguales=(("tipo", frozenset({NORMAL, SIN_INFORMACION})),),
        referencias=frozenset({"complementa"}),
        sin_clave=("tipo", COMPLEMENTARIAS),
    ),
    TableSpec(
        "icsoe_contratos",
        titulo="Contrato",
        etiqueta="objeto",
        claves=(("informativa_id", "contratante_id", "objeto", "fecha_inicial", "fecha_final"),),
    ),
    TableSpec(
        "icsoe_contrato_trabajadores",
        titulo="Trabajador de un contrato",
        etiqueta="nss",
        claves=(("contrato_id", "nss"),),
        unica=True,
    ),
    # The SISUB of the INFONAVIT: its reports, each ICSOE contract's SISUB data (number and
    # work site), the workers per contract and bimestre of a report. One report per
    # contratista and period (a rule of services/sisub/reporte.py; on the server too: two
    # desktops may each prepare it), whichever of the two tipos it proposes; complementarios
    # hold no key. One SISUB data per contract, one row per worker, contract and bimestre of
    # a report: the desktop whose report was adopted adopts the other's rows too.
    TableSpec(
        "sisub_reportes",
        titulo="Reporte SISUB",
        etiqueta="periodo",
        claves=(("contratista_id", "periodo", "tipo", "complementa"),),
        exclusiva=True,
        iguales=(("tipo", frozenset({DATOS_CONTINUOS, SIN_ACTIVIDAD})),),
        referencias=frozenset({"complementa"}),
        sin_clave=("tipo", frozenset({COMPLEMENTARIO})),
    ),
    TableSpec(
        "sisub_contratos",
        titulo="Contrato SISUB",
        etiqueta="numero",
        claves=(("contrato_id",),),
        exclusiva=True,
    ),
    TableSpec(
        "sisub_trabajadores",
        titulo="Trabajador del SISUB",
        etiqueta="nss",
        claves=(("reporte_id", "contrato_id", "bimestre", "nss"),),
        unica=True,
    ),
    # The escritura (``contrato`` empty) and each contract's PDF (its uuid), one per contratista
    # and contract (its unique index here; on the server too: two desktops may attach one each).
    TableSpec(
        "sisub_pdfs",
        titulo="PDF del SISUB",
        etiqueta="nombre",
        claves=(("contratista_id", "contrato"),),
        cuando=frozenset({"adjuntado_at"}),
        exclusiva=True,
    ),
    # The layout the office's INFONAVIT guide gave each CSV, one per CSV in the company (its
    # unique index here; on the server too: two desktops may each read a guide).
    TableSpec(
        "sisub_guias",
        titulo="Guía del SISUB",
        etiqueta="nombre",
        claves=(("archivo",),),
        cuando=frozenset({"leida_at"}),
        exclusiva=True,
    ),
    # The CFDI de nómina: one row per timbre UUID (one XML imported on two desktops is one
    # row), its perceptions, incapacidades and clients in ``detalle``. Never whether its SAT seal
    # was verified, nor the SHA-256 of the XML it verified: a desktop says so only of what it
    # verified itself.
    TableSpec(
        "nomina_recibos",
        frozenset({"sello_sat", "xml_sha256"}),
        {"sello_sat": 0, "xml_sha256": None},
        titulo="Recibo de nómina",
        etiqueta="nss",
    ),
    # A receipt substituted (its UUID) and by which: read on one desktop, the substituted one is
    # stored on none.
    TableSpec("nomina_sustituidos", titulo="Recibo de nómina sustituido", etiqueta="por"),
    # The REPSE registration, with its PDF (up to 2 MB), and its services. The client's monthly
    # evidence: each document with its name, SHA-256 and bytes (up to 2 MB; one attached before
    # they travelled has none: attached again elsewhere) and each client's day due. Each
    # unique by its index here, and on the server too: one registration per contratista, its
    # services by their place in it (a desktop whose registration was adopted adopts the
    # other's services of the same place, its own as conflicts, and sends those beyond), one
    # document per month, kind and client, one day due per client.
    TableSpec(
        "repse_registros",
        titulo="Registro REPSE",
        etiqueta="aviso",
        claves=(("contratista_id",),),
        cuando=frozenset({"registrado_at"}),
        exclusiva=True,
    ),
    TableSpec(
        "repse_servicios",
        titulo="Servicio del registro REPSE",
        etiqueta="descripcion",
        claves=(("registro_id", "n"),),
        unica=True,
    ),
    TableSpec(
        "evidencia_documentos",
        titulo="Documento de evidencia",
        etiqueta="nombre",
        # A slot holds several files: one row per file (its SHA-256) of a month, kind and client.
        claves=(("mes", "tipo", "contratante", "sha256"),),
        cuando=frozenset({"adjuntado_at"}),
        exclusiva=True,
    ),
    TableSpec(
        "evidencia_entregas",
        titulo="Día de entrega de evidencia",
        etiqueta="contratante",
        claves=(("contratante",),),
        exclusiva=True,
    ),
    TableSpec("audit_log", append_only=True, titulo="Bitácora"),
    # «cambio» conflicts only (store/sync_tables.py): the desktop whose version lost hears of
    # it, and a settled conflict settles everywhere.
    TableSpec("sync_conflicts"),
)

# The synced tables unique by a key on each desktop (their unique index) whose key the server
# does not hold once, and why: two desktops that make one of them offline each send theirs, and
# a desktop that receives the second keeps it as a «duplicado» conflict, to keep one of the two
# (the manual's «Conflictos de sincronización»). Every other local unique key is some table's
# ``identidad`` (``tests/store/test_sync_identidad.py`` walks them all).
SIN_IDENTIDAD: dict[str, str] = {
    "movimientos": "cientos de miles por empresa: el servidor no busca cada uno por su clave",
    "lote_movimientos": "los renglones de un lote, tantos como sus movimientos",
}

# Tables that stay on this desktop: mail to send from here, one-use codes (hashes), sign-in
# throttling, and the sync bookkeeping itself.
LOCAL_ONLY: frozenset[str] = frozenset(
    {
        "outbox",
        "one_time_tokens",
        "login_throttle",
        "sync_row_state",
        "sync_state",
        "sync_pending",
        "sync_sums",  # the drift check's sums, kept by triggers on each desktop
        "sync_unsent",  # per table, the rows without a sync state, kept by triggers
        "empresa",  # this desktop's Configuración inicial (skipped steps); RFC typed per desktop
        "empresas",  # the installation's catalog of empresas (catalogo.sqlite3 only)
        "empresa_accesos",  # which user may open which empresa (catalogo.sqlite3 only)
        "movimientos_conteo",  # derived from movimientos by triggers on each desktop
        "movimientos_total",  # the same, without the day
        "movimientos_cambiados",  # which movements were written lately: for the find box's copy
        "clases_cambiadas",  # which kinds each writer of this file wrote: the windows' wake-up
        # The audit log's chain: each desktop links the entries in the order it got them
        "audit_cadena",
        # A receipt's children, written on each desktop from its ``detalle`` by a trigger
        "nomina_percepciones",
        "nomina_incapacidades",
        "nomina_subcontrataciones",
        # The packs written here: their paths are this desktop's, their members (a name and
        # SHA-256 per receipt) weigh more than a synced value holds
        "evidencia_paquetes",
        # The board's counts per client and month, kept by triggers on each desktop, and the
        # receipts whose XML this desktop's evidence archive keeps
        "evidencia_conteo",
        "nomina_xml",
    }
)

_BY_NAME = {t.name: t for t in SYNCED}


def spec(name: str) -> TableSpec | None:
    """The synced table called ``name``; None for any other name (local-only or unknown)."""
    return _BY_NAME.get(name)


__all__ = ["ENVELOPE", "LOCAL_ONLY", "SIN_IDENTIDAD", "SYNCED", "TableSpec", "spec"]
